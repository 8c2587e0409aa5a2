#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Scores goipwatchd's detection records against labels.json.

usage: score.py LABELS RESULTS_DIR [--check]
RESULTS_DIR holds <capture>.jsonl for each capture. Prints, per scenario and
overall: precision, recall, exact verdict matches and detection latency (the
capture time from the first decisive evidence to the first detection record
with the labelled verdict). --check exits 1 unless the issue's targets hold.
"""
import collections, datetime, json, os, sys

# What made a verdict: a device fingerprint (target 60 s) or behaviour (2 h).
SIMBANK = {"simbank_login", "simbank_apdu", "sim_bank_in_use"}


def ts(s):
    return datetime.datetime.strptime(s, "%Y-%m-%dT%H:%M:%S.%fZ").replace(
        tzinfo=datetime.timezone.utc).timestamp()


def subject_key(s):
    return (s["ip"], s.get("vlan"), s.get("pppoe_session"))


def label_key(l):
    return (l["subscriber_ip"], l.get("vlan"), l.get("pppoe_session"))


def load(results, capture):
    dets = collections.defaultdict(list)
    path = os.path.join(results, capture + ".jsonl")
    for line in open(path):
        r = json.loads(line)
        if r["type"] == "detection":
            dets[subject_key(r["subject"])].append(r)
    return dets


def main():
    labels_path, results = sys.argv[1], sys.argv[2]
    check = "--check" in sys.argv
    labels = json.load(open(labels_path))
    labels = labels["labels"] if isinstance(labels, dict) else labels
    per = collections.defaultdict(lambda: collections.Counter())
    lat = collections.defaultdict(list)
    problems = []
    seen_captures = {}
    for l in labels:
        cap = l["capture"]
        if cap not in seen_captures:
            seen_captures[cap] = load(results, cap)
        dets = seen_captures[cap].get(label_key(l), [])
        final = dets[-1]["verdict"] if dets else "benign"
        want = l["label"]
        sc = per[l["scenario"]]
        sc["lines"] += 1
        if want != "benign":
            sc["positives"] += 1
            sc["tp"] += final != "benign"
            sc["fn"] += final == "benign"
        else:
            sc["fp"] += final != "benign"
        sc["exact"] += final == want
        if final != want:
            problems.append(f"{cap} {label_key(l)}: want {want}, got {final}")
        hit = [d for d in dets if d["verdict"] == want]
        if want != "benign" and hit:
            kinds = {e["kind"] for e in hit[0]["evidence"]}
            sec = ts(hit[0]["ts"]) - ts(l["first_evidence_ts"])
            fp = want == "goip_present" or bool(kinds & SIMBANK)
            kind = "fingerprint" if fp else "behaviour"
            lat[kind].append(sec)
            limit = 60 if kind == "fingerprint" else 7200
            if sec > limit:
                problems.append(f"{cap} {label_key(l)}: {kind} latency {sec:.0f} s > {limit} s")
    # every detection on a line nobody labelled is a false positive too
    for cap, dets in seen_captures.items():
        labelled = {label_key(l) for l in labels if l["capture"] == cap}
        for k, rs in dets.items():
            if k not in labelled:
                problems.append(f"{cap} {k}: unlabelled line reported {rs[-1]['verdict']}")
                per["(unlabelled)"]["fp"] += 1

    def pr(c):
        tp, fp, fn = c["tp"], c["fp"], c["fn"]
        p = tp / (tp + fp) if tp + fp else 1.0
        r = tp / (tp + fn) if tp + fn else 1.0
        return p, r

    tot = collections.Counter()
    print(f"{'scenario':<20} {'lines':>5} {'pos':>4} {'tp':>3} {'fp':>3} {'fn':>3} "
          f"{'exact':>5} {'precision':>9} {'recall':>6}")
    for name in sorted(per):
        c = per[name]
        tot.update(c)
        p, r = pr(c)
        print(f"{name:<20} {c['lines']:>5} {c['positives']:>4} {c['tp']:>3} {c['fp']:>3} "
              f"{c['fn']:>3} {c['exact']:>5} {p:>9.2f} {r:>6.2f}")
    p, r = pr(tot)
    print(f"{'overall':<20} {tot['lines']:>5} {tot['positives']:>4} {tot['tp']:>3} "
          f"{tot['fp']:>3} {tot['fn']:>3} {tot['exact']:>5} {p:>9.2f} {r:>6.2f}")
    for kind, v in sorted(lat.items()):
        v.sort()
        print(f"latency {kind}: n={len(v)} median {v[len(v) // 2]:.1f} s, max {v[-1]:.1f} s")
    for p_ in problems:
        print("problem:", p_)
    if check and problems:
        sys.exit(1)


if __name__ == "__main__":
    main()
