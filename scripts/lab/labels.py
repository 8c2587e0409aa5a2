#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
# Lab: labels.json (docs/corpus.md format) for one lab capture, from the packets themselves.
# Usage: labels.py CAPTURE ROLES LINES   (ROLES as for lab.sh -r)
import json
import os
import subprocess
import sys
from datetime import datetime, timezone

GOIP, SOFTSWITCH = "100.64.1.10", "203.0.113.10"
LINES = {"pbx": ("100.64.2.20", "lab_pbx", "Asterisk PBX trunk to the domestic provider"),
         "cc": ("100.64.3.30", "lab_call_centre",
                "outbound dialer (VICIdial) calling mobiles through the domestic provider"),
         "home": ("100.64.4.40", "lab_home", "home softphone (Linphone) on the domestic provider")}


def fields(cap, flt, names):
    cmd = ["tshark", "-r", cap, "-Y", flt, "-T", "fields", "-E", "separator=\t"]
    for n in names:
        cmd += ["-e", n]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    return [line.split("\t") for line in out.splitlines() if line.strip()]


def ts(t):
    d = datetime.fromtimestamp(float(t), tz=timezone.utc)
    return d.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (d.microsecond // 1000)


def first(cap, ip):
    r = fields(cap, "ip.addr == %s" % ip, ["frame.time_epoch"])
    return r[0][0] if r else None


def concurrent_invite(cap):
    """Time of the first INVITE from the softswitch to the GoIP while another call is up."""
    rows = fields(cap, "sip && ip.addr == %s && ip.addr == %s" % (GOIP, SOFTSWITCH),
                  ["frame.time_epoch", "ip.dst", "sip.Method", "sip.Status-Code",
                   "sip.Call-ID", "sip.CSeq.method"])
    up = {}
    for r in rows:
        r += [""] * (6 - len(r))
        t, dst, method, status, cid, cmeth = float(r[0]), r[1], r[2], r[3], r[4], r[5]
        if method == "INVITE" and dst == GOIP and cid not in up:
            if up:
                return t
            up[cid] = t
        elif method in ("BYE", "CANCEL") or (status and cmeth == "INVITE" and
                                              int(status) >= 300):
            up.pop(cid, None)
    return None


def goip_label(cap, lines):
    conc = concurrent_invite(cap)
    if conc is not None:
        return ("simbox_suspected", conc,
                "GoIP with %d line(s) (User-Agent dble, DBL SDP, SMS-server keepalives) "
                "registered to a foreign softswitch; INVITE to a domestic mobile while "
                "another terminating call is up" % lines)
    dble = fields(cap, 'sip.User-Agent == "dble" || udp.dstport == 44444',
                  ["frame.time_epoch"])
    return ("goip_present", dble[0][0] if dble else first(cap, GOIP),
            "GoIP (User-Agent dble, SMS-server keepalives); no concurrent terminating calls")


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: labels.py CAPTURE ROLES LINES")
    cap, roles, lines = sys.argv[1], sys.argv[2].split(","), int(sys.argv[3])
    name = os.path.basename(cap)
    out = []
    if "goip" in roles:
        label, t, why = goip_label(cap, lines)
        out.append({"capture": name, "subscriber_ip": GOIP, "label": label,
                    "first_evidence_ts": ts(t), "scenario": "lab_goip_%dline" % lines,
                    "why": why})
    for role in ("pbx", "cc", "home"):
        if role in roles:
            ip, scen, why = LINES[role]
            t = first(cap, ip)
            if t is None:
                sys.exit("labels.py: %s: no packet from %s" % (name, ip))
            out.append({"capture": name, "subscriber_ip": ip, "label": "benign",
                        "first_evidence_ts": ts(t), "scenario": scen, "why": why})
    print("[")
    print(",\n".join("  " + json.dumps(o) for o in out))
    print("]")


if __name__ == "__main__":
    main()
