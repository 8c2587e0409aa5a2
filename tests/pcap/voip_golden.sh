#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# VoIP golden tests over every capture in ../shared/pcaps/public/MANIFEST.tsv:
# goipwatchd's SIP message counts (requests by method, responses by class)
# must equal `tshark -q -z sip,stat`, and its call records must match
# Wireshark's VoIP call list (caller, callee, To user, state, duration).
# tshark 4.0 has no `-z voip,calls`, so the call list is Wireshark's own
# algorithm (ui/voip_calls.c, sip_calls_packet) replayed over `tshark -T
# fields`; see docs/calls.md. tests/pcap/voip/<file>.golden holds tshark's
# values; every place goipwatchd differs is declared there with
# "differs <key...> <goipwatchd value> <reason>" and explained in # comments.
# Exit 0 pass, 1 fail, 77 skip (only when ../shared is absent). GW_SHARED: the shared directory; BUILD or
# GWD: the daemon; UPDATE=1 rewrites the tshark lines of every golden
# (keeping its comments and differs lines) for review.
set -u
here=$(cd "$(dirname "$0")" && pwd)
gwd_env=${GWD:-}
. "$here/../integration/lib.sh"
manifest=$(shared_dir)/pcaps/public/MANIFEST.tsv
gwd=${gwd_env:-$GWD}
[ -r "$manifest" ] || skip "no captures: $manifest is absent (set GW_SHARED)"
need_cmd tshark python3
need_bin "$gwd"
python3 - "$manifest" "$gwd" "$here/voip" "${UPDATE:-0}" <<'PY'
import json, os, subprocess, sys, time
from datetime import datetime, timezone

manifest, gwd, gdir, update = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4] == "1"
pcaps = os.path.dirname(manifest)
METHODS = "INVITE ACK BYE CANCEL OPTIONS REGISTER PRACK SUBSCRIBE NOTIFY PUBLISH INFO REFER MESSAGE UPDATE".split()
REASONS = {"malformed", "reassembly", "decap", "tcp", "cap", "port", "timer", "ack", "rfc"}
env = dict(os.environ, LC_ALL="C")

def run(cmd):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, timeout=300)
    return p.returncode, p.stdout.decode("utf-8", "replace")

def tshark_sip_stat(f):
    """sip,stat: requests by method (others as "other"), responses by class."""
    rc, out = run(["tshark", "-n", "-r", f, "-q", "-z", "sip,stat"])
    v = {("sip", m): 0 for m in METHODS + ["other"]}
    v.update({("sip", "%dxx" % c): 0 for c in range(1, 7)})
    part = None
    for line in out.splitlines():
        if "SIP Status Codes" in line: part = "resp"; continue
        if "List of SIP Request methods" in line: part = "req"; continue
        if ":" not in line or "Packets" not in line or part is None: continue
        name, n = line.rsplit(":", 1)
        n = int(n.split()[0]); name = name.strip()
        if part == "resp":
            code = int(name.split()[1])
            k = "%dxx" % (code // 100) if 100 <= code < 700 else "other"
        else:
            k = name if name in METHODS else "other"
        v[("sip", k)] += n
    return v

def ms(epoch):
    s, _, frac = epoch.partition(".")
    return int(s) * 1000 + int((frac + "000")[:3])

def tshark_calls(f):
    """Wireshark's VoIP calls (ui/voip_calls.c sip_calls_packet, FLOW_ONLY_INVITES).
    SIP quoted inside ICMP errors reaches no tap (sip,stat does not count it)."""
    fields = ["frame.time_epoch", "ip.src", "ipv6.src", "ip.dst", "ipv6.dst", "sip.Method",
              "sip.Status-Code", "sip.Call-ID", "sip.CSeq.seq", "sip.from.user", "sip.to.user",
              "sip.r-uri.user"]
    cmd = ["tshark", "-n", "-r", f, "-Y", "sip && !icmp && !icmpv6", "-T", "fields", "-E", "separator=\t",
           "-E", "occurrence=l"]
    for x in fields: cmd += ["-e", x]
    # SIP fields: the first message of a frame (occurrence=l would take the last)
    cmd[cmd.index("occurrence=l")] = "occurrence=f"
    rc, out = run(cmd)
    calls = {}
    for line in out.splitlines():
        c = (line.split("\t") + [""] * 12)[:12]
        t, s4, s6, d4, d6, meth, status, cid, cseq, fu, tu, ru = c
        src, dst = s6 or s4, d6 or d4
        if not cid: continue
        k = calls.get(cid)
        if k is None and meth == "INVITE":
            k = calls[cid] = dict(initial=src, state="CALL_SETUP", sip="INVITE_SENT",
                                  cseq=cseq, start=ms(t), stop=ms(t), caller=fu, to=tu, callee=ru)
        if k is None: continue
        if not meth:
            st = int(status or 0)
            if cseq == k["cseq"] and dst == k["initial"]:
                if 199 < st < 300 and k["sip"] == "INVITE_SENT": k["sip"] = "200_REC"
                elif st > 299 and k["sip"] == "INVITE_SENT": k["state"] = "REJECTED"
        elif meth == "INVITE" and src == k["initial"]:
            k["cseq"] = cseq; k["state"] = "CALL_SETUP"
        elif meth == "ACK" and cseq == k["cseq"] and src == k["initial"] and \
                k["sip"] == "200_REC" and k["state"] == "CALL_SETUP":
            k["state"] = "IN_CALL"
        elif meth == "BYE":
            k["state"] = "COMPLETED"
        elif meth == "CANCEL" and cseq == k["cseq"] and src == k["initial"] and k["state"] == "CALL_SETUP":
            k["state"] = "CANCELLED"; k["sip"] = "CANCEL_SENT"
        k["stop"] = ms(t)
    v = {}
    for cid, k in calls.items():
        for fld in ("caller", "callee", "to", "state"):
            v[("call", cid, fld)] = k[fld] or "-"
        v[("call", cid, "duration")] = "%.3f" % ((k["stop"] - k["start"]) / 1000)
    return v

def tsms(s):
    d = datetime.strptime(s, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)
    return int(round(d.timestamp() * 1000))

def ws_state(r):
    """Our record in Wireshark's terms (docs/calls.md)."""
    if r["end"] == "bye": return "COMPLETED"
    if r["state"] == "answered": return "IN_CALL"
    if r["state"] == "rejected": return "REJECTED"
    if r["state"] == "cancelled" and r["end"] == "cancel": return "CANCELLED"
    return "CALL_SETUP"

def goipwatchd(f):
    rc, out = run([gwd, "-r", f])
    if rc != 0: return rc, None, {}
    recs = [json.loads(l) for l in out.splitlines() if l.startswith("{")]
    stats = recs[-1] if recs and recs[-1]["type"] == "stats" else {}
    v = {}
    if "sip" not in stats: return rc, stats, v
    for m, n in stats["sip"]["requests"].items(): v[("sip", m)] = n
    for c, n in stats["sip"]["responses"].items():
        if c != "other": v[("sip", c)] = n
    if "calls" not in stats: return rc, stats, v
    byid = {}
    for r in recs:
        if r["type"] == "call": byid.setdefault(r["call_id"], []).append(r)
    for cid, rs in byid.items():
        a, z = rs[0], rs[-1]
        v[("call", cid, "caller")] = a["caller"] or "-"
        v[("call", cid, "callee")] = a["callee"] or "-"
        v[("call", cid, "to")] = a["to_user"] or "-"
        v[("call", cid, "state")] = ws_state(z)
        v[("call", cid, "duration")] = "%.3f" % ((tsms(z["last_ts"]) - tsms(a["first_ts"])) / 1000)
        if len(rs) > 1: v[("call", cid, "records")] = str(len(rs))
    return rc, stats, v

def key_str(k): return " ".join(k)

def read_golden(g):
    ref, differs, problems, lines = {}, {}, [], []
    if not os.path.exists(g): return None, differs, problems, lines
    for raw in open(g, encoding="utf-8"):
        lines.append(raw.rstrip("\n"))
        w = raw.split("#", 1)[0].split()
        if not w: continue
        if w[0] == "sip" and len(w) == 3: ref[("sip", w[1])] = int(w[2])
        elif w[0] == "call" and len(w) == 4: ref[("call", w[1], w[2])] = w[3]
        elif w[0] == "differs":
            n = 3 if w[1] == "sip" else 4
            if len(w) < n + 2:
                problems.append("differs line without goipwatchd value and reason: " + raw.strip())
                continue
            k = tuple(w[1:n]); differs[k] = w[n]
            for r in w[n + 1:]:
                if r not in REASONS:
                    problems.append("%s: unknown reason %s (one of %s)" % (key_str(k), r, " ".join(sorted(REASONS))))
        else: problems.append("unknown golden line: " + raw.strip())
    return ref, differs, problems, lines

def write_golden(g, f, T, lines):
    keep = [l for l in lines if l.startswith("#") or l.split()[:1] == ["differs"]]
    if not keep: keep = ["# " + f + ": tshark 4.0 sip,stat and Wireshark's VoIP calls (voip_golden.sh)"]
    body = ["sip %s %d" % (k[1], T[k]) for k in sorted(T) if k[0] == "sip" and T[k]]
    body += ["call %s %s %s" % (k[1], k[2], T[k]) for k in sorted(T) if k[0] == "call"]
    with open(g, "w", encoding="utf-8") as o: o.write("\n".join(keep + body) + "\n")

nok = nfail = nskip_calls = 0
start = time.time()
files = [l.split("\t")[0] for l in open(manifest, encoding="utf-8").read().splitlines()[1:]
         if l and not l.startswith("#")]
for f in files:
    path = os.path.join(pcaps, f); g = os.path.join(gdir, f + ".golden"); why = []
    if not os.path.exists(path):
        print("FAIL %s: listed in MANIFEST.tsv but missing" % f); nfail += 1; continue
    T = tshark_sip_stat(path); T.update(tshark_calls(path))
    ref, differs, problems, lines = read_golden(g)
    if update:
        write_golden(g, f, T, lines); ref, differs, problems, lines = read_golden(g)
    if ref is None:
        print("FAIL %s: no golden %s (UPDATE=1 %s, then review)" % (f, g, sys.argv[0])); nfail += 1; continue
    why += problems
    Tz = {k: v for k, v in T.items() if not (k[0] == "sip" and v == 0)}
    if Tz != ref:
        for k in sorted(set(Tz) | set(ref)):
            if Tz.get(k) != ref.get(k):
                why.append("tshark now says %s %s, golden %s" % (key_str(k), Tz.get(k, "absent"), ref.get(k, "absent")))
    rc, stats, G = goipwatchd(path)
    if rc == 2 and f.endswith(".netmon"):
        # libpcap cannot read NetMon (tshark can): golden.sh checks the clean failure
        print("ok   %s: goipwatchd cannot read NetMon files (exit 2)" % f); nok += 1; continue
    if rc != 0:
        why.append("goipwatchd exit %d" % rc)
    elif "sip" not in (stats or {}):
        print("FAIL: goipwatchd's stats record has no \"sip\" member"); sys.exit(1)
    calls_wired = rc != 0 or "calls" in (stats or {})
    if not calls_wired:
        nskip_calls += 1
    for k in sorted(set(T) | set(G), key=key_str):
        if k[0] == "call" and not calls_wired: continue
        t = str(T.get(k, "absent")) if k[0] != "sip" else str(T.get(k, 0))
        gv = str(G.get(k, "absent")) if k[0] != "sip" else str(G.get(k, 0))
        if k[0] == "call" and k[2] != "state" and ("call", k[1], "state") not in T or \
           k[0] == "call" and k[2] != "state" and ("call", k[1], "state") not in G:
            if k[2] != "state": continue	# one tool has no such call: the state line says so
        if t != gv and differs.get(k) != gv:
            why.append("undocumented difference: %s tshark %s, goipwatchd %s (add \"differs %s %s <reason>\" and a # comment)"
                       % (key_str(k), t, gv, key_str(k), gv))
        if t == gv and k in differs:
            why.append("stale \"differs %s\": both say %s" % (key_str(k), t))
    for k in differs:
        if k not in T and k not in G and (k[0] != "call" or calls_wired):
            why.append("\"differs %s\" names nothing either tool reported" % key_str(k))
    if why:
        nfail += 1; print("FAIL " + f); [print("  " + w) for w in why]
    else:
        nok += 1
        nc = len({k[1] for k in T if k[0] == "call"})
        print("ok   %s: %d SIP messages, %d calls%s" % (f, sum(v for k, v in T.items() if k[0] == "sip"),
              nc, "" if calls_wired else " (calls not reported by goipwatchd yet: not compared)"))
print("voip golden: %d ok, %d failed (%ds, %s)%s" % (nok, nfail, time.time() - start, gwd,
      "; call records missing on %d captures" % nskip_calls if nskip_calls else ""))
sys.exit(1 if nfail else 0)
PY
