#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# What the appliance finds in a capture bundled with the repo: flows, VoIP, detections.
# `make run` shows this first, then the whole system (scripts/run-system.sh).
set -eu
BUILD=${BUILD:-build}
PCAP=${1:-tests/data/lab/goip-4lines.pcap}
OUT=$BUILD/run
mkdir -p "$OUT"
echo "goipwatchd -r $PCAP -w $OUT/records.jsonl"
"$BUILD/goipwatchd" -r "$PCAP" -w "$OUT/records.jsonl"
python3 - "$OUT/records.jsonl" <<'PY'
import collections, json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
flows = [r for r in recs if r["type"] == "flow"]
st = recs[-1]
by_app = collections.Counter(
    r["ndpi_app"] if r["ndpi_app"] != "Unknown" else r["ndpi_master"] for r in flows)
print(f"\n{st['packets']} packets, {len(flows)} flows; records in {sys.argv[1]}\n")
print(f"{'protocol (nDPI)':<20} {'flows':>6}")
for app, n in by_app.most_common():
    print(f"{app:<20} {n:>6}")
voice = [r for r in flows if r["ndpi_app"] in ("SIP", "RTP", "RTCP")]
if voice:
    print(f"\n{'VoIP flow':<52} {'app':<5} {'pkts':>6} {'secs':>7}")
    for r in sorted(voice, key=lambda r: r["first_ts"])[:20]:
        ep = f"{r['src_ip']}:{r['src_port']} -> {r['dst_ip']}:{r['dst_port']}"
        print(f"{ep:<52} {r['ndpi_app']:<5} {r['pkts_fwd'] + r['pkts_rev']:>6} "
              f"{r['duration']:>7.1f}")
    if len(voice) > 20:
        print(f"... and {len(voice) - 20} more")
d = st["decode"]
bad = {k: v for k, v in d.items() if v and k not in ("ok", "fragment")}
print(f"\ndecode: {d['ok']} ok, {d['fragment']} fragments, other: {bad or 'none'}")
print(f"flow table: {st['flows']['created']} created, {st['flows']['evicted']} evicted; "
      f"memory fixed at {st['memory_bytes'] >> 20} MiB by configuration")
calls = [r for r in recs if r["type"] == "call"]
regs = [r for r in recs if r["type"] == "register"]
print(f"SIP: {sum(st['sip']['requests'].values())} requests, "
      f"{sum(st['sip']['responses'].values())} responses; {len(regs)} register and "
      f"{len(calls)} call records")
dets = {}
for r in recs:
    if r["type"] == "detection":
        dets[r["subject"]["ip"]] = r
for ip, r in dets.items():
    kinds = sorted({e["kind"] for e in r["evidence"]})
    print(f"\ndetection: {ip} {r['verdict']} tier {r['tier']} (due {r['deadline']}), "
          f"score {r['score']}")
    print("  evidence: " + ", ".join(kinds))
    print("  peers: " + ", ".join(f"{p['ip']}:{p['port']}" for p in r["peers"]))
if not dets:
    print("\nno detection")
PY
