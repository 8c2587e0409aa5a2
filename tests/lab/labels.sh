#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# labels.json is valid: captures exist, labels allowed, every labelled IP (with its
# VLAN / PPPoE session) appears in its capture, first_evidence_ts inside the capture,
# every capture has a label. One tshark pass per capture.
set -u
. "$(dirname "$0")/../integration/lib.sh"
need_cmd tshark python3
need_bin "$B/synth"
tmp=$TMP
"$B/synth" corpus --seed 3 --scale 0.1 --out "$tmp" 2>"$tmp/synth.err"
rc=$?
[ "$rc" -eq 0 ] || { tail -n 20 "$tmp/synth.err"; fail "synth corpus (exit $rc, $B/synth)"; }

check "labels.json of the lab and of a fresh corpus" python3 - tests/data/lab "$tmp" <<'PY'
import json, os, subprocess, sys
from datetime import datetime, timezone

ALLOWED = {"simbox_suspected", "goip_present", "benign"}
KEYS = {"capture", "subscriber_ip", "label", "first_evidence_ts", "scenario", "why"}
fail = 0

FIELDS = ["frame.time_epoch", "ip.src", "ip.dst", "ipv6.src", "ipv6.dst", "vlan.id",
          "pppoe.session_id"]
frames = {}

def load(path):
    """Every frame of a capture once: (time, addresses, vlan ids, pppoe sessions)."""
    if path not in frames:
        cmd = ["tshark", "-r", path, "-T", "fields", "-E", "separator=\t"]
        for f in FIELDS:
            cmd += ["-e", f]
        out = subprocess.run(cmd, capture_output=True, text=True).stdout
        rows = []
        for line in out.splitlines():
            c = (line.split("\t") + [""] * len(FIELDS))[:len(FIELDS)]
            addrs = set(",".join(c[1:5]).split(",")) - {""}
            ints = lambda v: {int(x, 0) for x in v.split(",") if x}	# pppoe: 0x1a2b
            rows.append((float(c[0]), addrs, ints(c[5]), ints(c[6])))
        frames[path] = rows
    return frames[path]

def present(path, lb):
    for _, addrs, vlans, sessions in load(path):
        if lb["subscriber_ip"] not in addrs:
            continue
        if "vlan" in lb and lb["vlan"] not in vlans:
            continue
        if "pppoe_session" in lb and lb["pppoe_session"] not in sessions:
            continue
        return True
    return False

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
        if not present(cap, lb):
            print("FAIL:", where, "line (with its vlan / pppoe session) not in capture")
            fail = 1
        rows = load(cap)
        if not rows:
            print("FAIL:", where, "capture unreadable or empty"); fail = 1; continue
        spans[cap] = (rows[0][0], rows[-1][0])
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
finish
