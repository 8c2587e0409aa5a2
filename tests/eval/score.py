#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Scores goipwatchd's detection records against labels.json.

usage: score.py LABELS RESULTS_DIR [LABELS RESULTS_DIR ...] [--check]
Each RESULTS_DIR holds <capture>.jsonl for each capture of its LABELS (one pair
per corpus seed). Prints, per scenario and overall: lines, precision, recall,
exact verdict matches, exact tiers (where the label names one) and the
detection latency (the capture time from the first decisive evidence to the
first detection record with the labelled verdict; median and worst).
--check exits 1 unless the issue's targets hold.
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
    check = "--check" in sys.argv
    args = [a for a in sys.argv[1:] if a != "--check"]
    per = collections.defaultdict(lambda: collections.Counter())
    lat = collections.defaultdict(list)
    slat = collections.defaultdict(list)
    problems = []
    for i in range(0, len(args) - 1, 2):
        score_one(args[i], args[i + 1], per, lat, slat, problems)
    report(per, lat, slat, problems)
    if check and problems:
        sys.exit(1)


def score_one(labels_path, results, per, lat, slat, problems):
    labels = json.load(open(labels_path))
    labels = labels["labels"] if isinstance(labels, dict) else labels
    seen_captures = {}
    tag = os.path.basename(os.path.normpath(results))
    for l in labels:
        cap = l["capture"]
        if cap not in seen_captures:
            seen_captures[cap] = load(results, cap)
        dets = seen_captures[cap].get(label_key(l), [])
        final = dets[-1]["verdict"] if dets else "benign"
        tier = dets[-1]["tier"] if dets else "none"
        want = l["label"]
        sc = per[l["scenario"]]
        sc["lines"] += 1
        if "tier" in l:
            sc["tiered"] += 1
            sc["tier_ok"] += tier == l["tier"]
            if tier != l["tier"]:
                problems.append(f"{tag}/{cap} {label_key(l)}: want tier {l['tier']}, got {tier}")
        for d in dets:
            if not d.get("reason"):
                problems.append(f"{tag}/{cap} {label_key(l)}: a detection without a reason")
                break
        if want != "benign":
            sc["positives"] += 1
            sc["tp"] += final != "benign"
            sc["fn"] += final == "benign"
        else:
            sc["fp"] += final != "benign"
        sc["exact"] += final == want
        if final != want:
            problems.append(f"{tag}/{cap} {label_key(l)}: want {want}, got {final}")
        hit = [d for d in dets if d["verdict"] == want]
        if want != "benign" and hit:
            kinds = {e["kind"] for e in hit[0]["evidence"]}
            sec = ts(hit[0]["ts"]) - ts(l["first_evidence_ts"])
            fp = want == "goip_present" or bool(kinds & SIMBANK)
            kind = "fingerprint" if fp else "behaviour"
            lat[kind].append(sec)
            slat[l["scenario"]].append(sec)
            limit = 60 if kind == "fingerprint" else 7200
            if sec > limit:
                problems.append(f"{tag}/{cap} {label_key(l)}: {kind} latency {sec:.0f} s > {limit} s")
    # every detection on a line nobody labelled is a false positive too
    for cap, dets in seen_captures.items():
        labelled = {label_key(l) for l in labels if l["capture"] == cap}
        for k, rs in dets.items():
            if k not in labelled:
                problems.append(f"{tag}/{cap} {k}: unlabelled line reported {rs[-1]['verdict']}")
                per["(unlabelled)"]["fp"] += 1


def report(per, lat, slat, problems):
    def pr(c):
        tp, fp, fn = c["tp"], c["fp"], c["fn"]
        p = tp / (tp + fp) if tp + fp else 1.0
        r = tp / (tp + fn) if tp + fn else 1.0
        return p, r

    tot = collections.Counter()
    def lats(v):
        if not v:
            return f"{'-':>8} {'-':>8}"
        v = sorted(v)
        return f"{v[len(v) // 2]:>8.0f} {v[-1]:>8.0f}"

    print(f"{'scenario':<24} {'lines':>5} {'pos':>4} {'tp':>3} {'fp':>3} {'fn':>3} "
          f"{'exact':>5} {'tier':>7} {'precision':>9} {'recall':>6} {'lat_med':>8} {'lat_max':>8}")
    for name in sorted(per):
        c = per[name]
        tot.update(c)
        p, r = pr(c)
        tier = f"{c['tier_ok']}/{c['tiered']}"
        print(f"{name:<24} {c['lines']:>5} {c['positives']:>4} {c['tp']:>3} {c['fp']:>3} "
              f"{c['fn']:>3} {c['exact']:>5} {tier:>7} {p:>9.2f} {r:>6.2f} {lats(slat[name])}")
    p, r = pr(tot)
    tier = f"{tot['tier_ok']}/{tot['tiered']}"
    print(f"{'overall':<24} {tot['lines']:>5} {tot['positives']:>4} {tot['tp']:>3} "
          f"{tot['fp']:>3} {tot['fn']:>3} {tot['exact']:>5} {tier:>7} {p:>9.2f} {r:>6.2f} "
          f"{lats(sum(slat.values(), []))}")
    for kind, v in sorted(lat.items()):
        v.sort()
        print(f"latency {kind}: n={len(v)} median {v[len(v) // 2]:.1f} s, max {v[-1]:.1f} s")
    for p_ in problems:
        print("problem:", p_)


if __name__ == "__main__":
    main()
