#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# labels.json is valid: captures exist, labels allowed, every labelled IP (with its
# VLAN / PPPoE session) appears in its capture, first_evidence_ts inside the capture.
set -u
BUILD=${BUILD:-build}
command -v tshark >/dev/null || { echo "skip: tshark not installed"; exit 77; }
command -v python3 >/dev/null || { echo "skip: python3 not installed"; exit 77; }
[ -x "$BUILD/synth" ] || { echo "skip: $BUILD/synth not built"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$BUILD/synth" corpus --seed 3 --scale 0.1 --out "$tmp" 2>"$tmp/synth.err"
rc=$?
if [ "$rc" -ne 0 ]; then
	tail -n 20 "$tmp/synth.err"
	echo "FAIL: synth corpus (exit $rc, $BUILD/synth)"
	exit 1
fi

python3 - tests/data/lab "$tmp" <<'PY'
import json, os, subprocess, sys
from datetime import datetime, timezone

ALLOWED = {"simbox_suspected", "goip_present", "benign"}
KEYS = {"capture", "subscriber_ip", "label", "first_evidence_ts", "scenario", "why"}
fail = 0

def tshark(path, flt, fields):
    out = subprocess.run(["tshark", "-r", path, "-Y", flt, "-T", "fields"] +
                         sum([["-e", f] for f in fields], []),
                         capture_output=True, text=True).stdout
    return [l for l in out.splitlines() if l.strip()]

def check(d):
    global fail
    labels = json.load(open(os.path.join(d, "labels.json")))
    assert isinstance(labels, list) and labels, "labels.json: empty or not a list"
    spans = {}
    for lb in labels:
        where = "%s/%s %s" % (d, lb.get("capture"), lb.get("subscriber_ip"))
        missing = KEYS - lb.keys()
        if missing:
            print("FAIL:", where, "missing", sorted(missing)); fail = 1; continue
        cap = os.path.join(d, lb["capture"])
        if not os.path.exists(cap):
            print("FAIL:", where, "capture missing"); fail = 1; continue
        if lb["label"] not in ALLOWED:
            print("FAIL:", where, "label", lb["label"]); fail = 1
        ipf = "ipv6.addr" if ":" in lb["subscriber_ip"] else "ip.addr"
        flt = "%s == %s" % (ipf, lb["subscriber_ip"])
        if "vlan" in lb:
            flt += " && vlan.id == %d" % lb["vlan"]
        if "pppoe_session" in lb:
            flt += " && pppoe.session_id == %d" % lb["pppoe_session"]
        if not tshark(cap, flt, ["frame.number"])[:1]:
            print("FAIL:", where, "not in capture:", flt); fail = 1
        if cap not in spans:
            t = tshark(cap, "frame", ["frame.time_epoch"])
            spans[cap] = (float(t[0]), float(t[-1]))
        ts = datetime.strptime(lb["first_evidence_ts"], "%Y-%m-%dT%H:%M:%S.%fZ")
        ts = ts.replace(tzinfo=timezone.utc).timestamp()
        lo, hi = spans[cap]
        if not (lo - 0.001 <= ts <= hi + 0.001):
            print("FAIL:", where, "first_evidence_ts outside", lo, hi); fail = 1
    unlabelled = sorted(set(f for f in os.listdir(d) if f.endswith(".pcap")) -
                        set(lb.get("capture") for lb in labels))
    if unlabelled:
        print("FAIL:", d, "captures without a label:", unlabelled); fail = 1
    print("%s: %d labels checked" % (d, len(labels)))

for d in sys.argv[1:]:
    check(d)
sys.exit(fail)
PY
