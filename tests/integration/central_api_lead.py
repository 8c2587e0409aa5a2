# SPDX-License-Identifier: BSD-2-Clause
"""One lead through the console API (central_api.sh, after central_api.py).

usage: central_api_lead.py API_PORT CA_FILE PASSWORD_FILE CENTRAL_PORT BUILD TMP ROOT
Real detection records (hostile device ids, accounts) go in through
uplink_sender and the appliance listener; then the lead detail, every
workflow move (allowed and refused), assignment (API and CLI), notes (hostile,
overlong, not UTF-8), the history and audit rows, rings and stats.
Prints one line per group of checks; exits 1 at the first failure.
"""
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import apiclient  # noqa: E402
from apiclient import check  # noqa: E402

API, CA, PWFILE = int(sys.argv[1]), sys.argv[2], sys.argv[3]
PORT, B, T, ROOT = sys.argv[4], sys.argv[5], sys.argv[6], sys.argv[7]
API_C = apiclient.Client(API, CA)
CENTRAL = [os.path.join(B, "goipwatch-central"), "-f", os.path.join(T, "c1.conf")]

# What a gang may put on the wire, and what must come back: the exact text.
DEVICE = "GoIP\x1b]52;c;SGVsbG8=\x07\"=1+1\\\u4e2d"
ACCOUNT = "acct\x1b[31m\u202e\"x"
NOTE = "seen \x1b[2J \"q\" \u4e2d \\ \x9b end"


def call(method, path, token, body=None, raw=None):
    """status, parsed JSON body (strict UTF-8, an error message on 4xx/5xx)."""
    st, _, doc = API_C.call(method, path, body, token=token, raw=raw)
    return st, doc


def expect(want, method, path, token, body=None, raw=None):
    st, doc = call(method, path, token, body, raw)
    check(st == want, "%s %s %r: %d, not %d: %r" % (method, path, body if raw is None
                                                   else raw[:60], st, want, doc))
    return doc


def jline(obj):
    return json.dumps(obj, ensure_ascii=True, separators=(",", ":")) + "\n"


def detection(ts, ip, account, peer, imsi, tier="urgent", device=DEVICE):
    return jline({
        "type": "detection", "ts": time.strftime("%Y-%m-%dT%H:%M:%S.000Z",
                                                 time.gmtime(ts)),
        "subject": {"ip": ip, "account": account}, "verdict": "goip_present",
        "tier": tier, "score": 80,
        "evidence": [{"kind": "sip_user_agent", "detail": "dbl\x1b[1m", "count": 2}],
        "peers": [{"ip": peer, "port": 5060, "count": 3}],
        "device": {"id": device, "sims": [{"imsi": imsi, "iccid": "8986001",
                                           "msisdn": "=cmd", "imei": "86" + imsi}]}})


UA = "dble\x1b[2J<img src=x onerror=alert(1)>\"\u4e2d"
CALLS = 205     # more than central keeps per line (LINE_CALLS_KEEP 200)


def iso_ms(ms):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ms // 1000)) + \
        ".%03dZ" % (ms % 1000)


def call_rec(i, t0, ip, direction="inbound"):
    """The i-th sample call to line ip: answered, the callee hangs up."""
    inv = t0 + i * 1000
    return jline({
        "type": "call", "ts": iso_ms(inv + 9000), "call_id": "c%d@\x1b[1m" % i,
        "caller": "+44\x1b]0;x\x07%d" % i, "callee": "138%08d" % i,
        "to_user": "138%08d" % i, "from_tag": "a", "to_tag": "b",
        "src_ip": "198.51.100.77", "src_port": 5060, "dst_ip": ip, "dst_port": 5062,
        "transport": "udp", "direction": direction, "user_agent": UA,
        "server": "srv<b>", "outcome": "2xx", "status": 200, "state": "answered",
        "end": "bye", "hangup": "callee", "bye_status": 200,
        "first_ts": iso_ms(inv), "invite_ts": iso_ms(inv), "setup_time": 0.125,
        "answer_ts": iso_ms(inv + 2500), "answer_time": 2.5, "end_ts": iso_ms(inv + 7750),
        "last_ts": iso_ms(inv + 7800), "duration": 5.25, "auth_challenged": False,
        "invites": 1, "reinvites": 0, "retransmissions": 0, "forks": 0, "messages": 7})


def ingest():
    """Four detections (three leads, two sharing a peer) and the first line's
    sample calls (more than central keeps, one unusable) through the listener."""
    now = int(time.time())
    recs = [detection(now - 30, "100.64.50.1", ACCOUNT, "198.51.100.77", "460011111"),
            detection(now - 20, "100.64.50.1", ACCOUNT, "198.51.100.77", "460011111"),
            detection(now - 10, "100.64.50.2", "acct-b", "198.51.100.77", "460012222"),
            detection(now - 5, "100.64.50.3", "acct-c", "203.0.113.50", "460013333",
                      tier="high", device="plain")]
    t0 = (now - 3600) * 1000
    recs += [call_rec(i, t0, "100.64.50.1") for i in range(CALLS)]
    recs += [call_rec(CALLS, t0, "100.64.50.1", direction="sideways"),
             '{"type":"call","call_id":' + "[" * 3000 + "\n"]
    with open(os.path.join(T, "lead.jsonl"), "w", encoding="ascii") as f:
        f.writelines(recs)
    pki = os.path.join(T, "pki")
    subprocess.run([os.path.join(ROOT, "scripts/certs.sh"), pki, "appliance", "gw-lead"],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    r = subprocess.run(["timeout", "60", os.path.join(B, "uplink_sender"), "-s",
                        os.path.join(T, "spool-lead"), "-p", PORT, "-a", CA, "-c",
                        os.path.join(pki, "gw-lead.crt"), "-k",
                        os.path.join(pki, "gw-lead.key"), "-b", "100", "-R",
                        os.path.join(T, "lead.jsonl"), "-w", "-t", "30"],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    check(r.returncode == 0, "uplink_sender: %r" % r.stdout[-400:])
    print("ok: 4 detection records and %d call records ingested by the appliance"
          " listener" % (CALLS + 2))


def lead_ids(tok):
    ids = {}
    for l in expect(200, "GET", "/api/v1/leads", tok)["leads"]:
        ids[l["ip"]] = l["id"]
    for ip in ("100.64.50.1", "100.64.50.2", "100.64.50.3"):
        check(ip in ids, "no lead for %s: %r" % (ip, ids))
    return ids["100.64.50.1"], ids["100.64.50.2"], ids["100.64.50.3"]


def test_detail(tok, a, b):
    d = expect(200, "GET", "/api/v1/leads/%d" % a, tok)
    lead = d["lead"]
    check(lead["id"] == a and lead["tier"] == "urgent" and lead["status"] == "new",
          "head: %r" % lead)
    check(lead["device_id"] == DEVICE, "device_id not exact: %r" % lead["device_id"])
    check(lead["account"] == ACCOUNT, "account not exact: %r" % lead["account"])
    check(lead["detections"] == 2, "head detections: %r" % lead["detections"])
    listed = [l for l in expect(200, "GET", "/api/v1/leads", tok)["leads"] if l["id"] == a]
    check(sorted(listed[0]) == sorted(lead), "head keys differ from the list's")
    check(d["assignee"] is None and d["assigned_at"] is None, "assignee: %r" % d)
    check([x["appliance"] for x in d["appliances"]] == ["gw-lead"], "appliances: %r"
          % d["appliances"])
    ev = d["evidence"]
    check(len(ev) == 1 and ev[0]["detail"] == "dbl\x1b[1m" and ev[0]["count"] == 2,
          "evidence: %r" % ev)
    det = d["detections"]
    check(len(det) == 2 and d["detections_total"] == 2, "detections: %r" % det)
    check(det[0]["ts"] > det[1]["ts"], "detections not newest first")
    check(all(x["device_id"] == DEVICE and x["account"] == ACCOUNT and
              x["appliance"] == "gw-lead" and x["tier"] == "urgent" for x in det),
          "detection fields: %r" % det)
    infra = {(x["kind"], x["value"]) for x in d["infrastructure"]}
    check(("peer", "198.51.100.77") in infra and ("imsi", "460011111") in infra,
          "infrastructure: %r" % infra)
    sims = d["sims"]
    check(len(sims) == 1 and sims[0]["imsi"] == "460011111" and sims[0]["msisdn"] ==
          "=cmd" and sims[0]["imei"] == "86460011111", "sims: %r" % sims)
    check([(x["lead"], x["kind"], x["value"]) for x in d["linked"]] ==
          [(b, "peer", "198.51.100.77")], "linked: %r" % d["linked"])
    linked_is_head(tok, a, b)
    check([h["kind"] for h in d["history"]] == ["raised"], "history: %r" % d["history"])
    test_calls(d["calls"])
    check(expect(200, "GET", "/api/v1/leads/%d" % b, tok)["calls"] == [],
          "another line's lead shows calls")
    expect(404, "GET", "/api/v1/leads/999999", tok)
    for bad in ("abc", "0", "-1", "1x", "99999999999999999999"):
        expect(400, "GET", "/api/v1/leads/" + bad, tok)
    print("ok: lead detail: head (list keys), appliances, evidence, 2 detections newest"
          " first, infrastructure, SIMs, linked lead by peer, history; exact bytes;"
          " 404/400")


def linked_is_head(tok, a, b):
    """Lead a's linked lead b shows b's own tier, status and ip (kept on the
    infrastructure rows by triggers: they must follow b's changes)."""
    link = [x for x in expect(200, "GET", "/api/v1/leads/%d" % a, tok)["linked"]
            if x["lead"] == b]
    head = expect(200, "GET", "/api/v1/leads/%d" % b, tok)["lead"]
    check(len(link) == 1 and all(link[0][k] == head[k] for k in ("tier", "status", "ip")),
          "linked lead %d: %r, its head: %r" % (b, link, head))
    return head["status"]


def test_calls(calls):
    """The lead's newest 20 sample calls, newest first, strings exact."""
    check(len(calls) == 20, "calls: %d, not 20" % len(calls))
    want = list(range(CALLS - 1, CALLS - 21, -1))
    check([x["callee"] for x in calls] == ["138%08d" % i for i in want],
          "calls not newest first: %r" % [x["callee"] for x in calls])
    x = calls[0]
    i = CALLS - 1
    check(x["user_agent"] == UA and x["caller"] == "+44\x1b]0;x\x07%d" % i and
          x["call_id"] == "c%d@\x1b[1m" % i and x["server"] == "srv<b>",
          "call strings not exact: %r" % x)
    check((x["src_ip"], x["src_port"], x["dst_ip"], x["dst_port"], x["direction"]) ==
          ("198.51.100.77", 5060, "100.64.50.1", 5062, "inbound"), "call ends: %r" % x)
    check((x["status"], x["state"], x["end"], x["hangup"], x["bye_status"],
           x["messages"], x["setup_time"], x["duration"], x["appliance"]) ==
          (200, "answered", "bye", "callee", 200, 7, 0.125, 5.25, "gw-lead"),
          "call fields: %r" % x)
    t0 = x["invite_ts"]
    check(x["first_ts"] == t0 and t0.endswith("Z") and len(t0) == 24 and
          x["answer_ts"][-5:] == ".500Z" and x["end_ts"][-5:] == ".750Z",
          "call times (ms): %r" % x)
    print("ok: lead detail: 20 newest of %d sample calls, exact strings, ms times" % CALLS)


def test_moves(tok, sup, a, c):
    path = "/api/v1/leads/%d/" % a
    # bad bodies first: nothing moves
    for raw, why in ((b"{}", "missing"), (b'{"note":1}', "string"), (b"[", "object"),
                     (b'{"note":"x","by":"me"}', "unknown"), (b'{"note":""}', "empty"),
                     (b'{"note":"\xff\xfe"}', "UTF-8"), (b"", "object")):
        doc = expect(400, "POST", path + "acknowledge", tok, raw=raw)
        check(why in doc["error"], "%r: %r" % (raw, doc))
    long = expect(400, "POST", path + "acknowledge", tok, {"note": "n" * 2001})
    check("2000" in long["error"], "overlong note: %r" % long)
    ok = expect(200, "POST", path + "acknowledge", tok, {"note": NOTE})
    check(ok["lead"]["status"] == "acknowledged" and ok["lead"]["status_by"] ==
          "u.analyst" and ok["lead"]["id"] == a, "acknowledge: %r" % ok)
    doc = expect(409, "POST", path + "acknowledge", tok, {"note": "again"})
    check("cannot move" in doc["error"], "409: %r" % doc)
    expect(200, "POST", path + "confirm", sup, {"note": "confirmed on site"})
    expect(200, "POST", path + "dismantled", tok, {"note": "gone"})
    for verb in ("acknowledge", "confirm", "false_positive", "dismantled"):
        expect(409, "POST", path + verb, tok, {"note": "back"})
    expect(404, "POST", "/api/v1/leads/999999/confirm", tok, {"note": "x"})
    expect(400, "POST", "/api/v1/leads/x/confirm", tok, {"note": "x"})
    expect(200, "POST", "/api/v1/leads/%d/false_positive" % c, tok,
           {"note": "a PBX, not a GoIP"})
    h = expect(200, "GET", "/api/v1/leads/%d" % a, tok)["history"]
    fb = [(x["status"], x["who"], x["note"]) for x in h if x["kind"] == "feedback"]
    check(fb == [("acknowledged", "u.analyst", NOTE), ("confirmed", "u.supervisor",
                                                      "confirmed on site"),
                 ("dismantled", "u.analyst", "gone")], "history: %r" % fb)
    print("ok: workflow: new -> acknowledged -> confirmed -> dismantled, 409 for each"
          " refused move, 400 for 8 bad bodies (overlong: %r), history rows exact"
          % long["error"])


def cli(*args):
    r = subprocess.run(CENTRAL + list(args), stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
    return r.returncode, r.stdout.decode("utf-8", "strict"), r.stderr.decode()


def test_assign(sup, ana, b):
    path = "/api/v1/leads/%d/assign" % b
    expect(403, "POST", path, ana, {"user": "u.analyst"})
    for body, why in (({"user": "nobody"}, "no such user"),
                      ({"user": "u.carrier"}, "not an analyst"),
                      ({"note": "x"}, "missing"),
                      ({"user": "u.analyst", "note": "\u4e2d" * 667}, "2000")):
        doc = expect(400, "POST", path, sup, body)
        check(why in doc["error"], "assign %r: %r" % (body, doc))
    long_note = "\u4e2d" * 666 + "ab"   # 2000 bytes
    d = expect(200, "POST", path, sup, {"user": "u.analyst", "note": long_note})
    check(d["assignee"] == "u.analyst" and d["lead"]["id"] == b and d["assigned_at"],
          "assign: %r" % d)
    expect(404, "POST", "/api/v1/leads/999999/assign", sup, {"user": "u.analyst"})
    rc, out, err = cli("lead", "assign", str(b), "u.supervisor", "--by", "cli-sup",
                       "--note", "night shift")
    check(rc == 0 and "assigned to u.supervisor" in out, "CLI assign: %r %r" % (out, err))
    rc, out, err = cli("lead", "assign", str(b), "nobody")
    check(rc == 1 and "no such user" in err, "CLI assign nobody: %r" % err)
    d = expect(200, "GET", "/api/v1/leads/%d" % b, ana)
    check(d["assignee"] == "u.supervisor", "assignee after CLI: %r" % d["assignee"])
    asg = [(x["assignee"], x["who"], x["note"]) for x in d["history"]
           if x["kind"] == "assigned"]
    check(asg == [("u.analyst", "u.supervisor", long_note),
                  ("u.supervisor", "cli-sup", "night shift")], "assign history: %r" % asg)
    rc, out, _ = cli("lead", "show", str(b))
    check(rc == 0 and "assigned  u.supervisor at " in out and "linked leads:" in out and
          "\x1b" not in out, "lead show: %r" % out[:600])
    print("ok: assign: supervisor only, user must be enabled with a lead role, 2000-byte"
          " note; CLI lead assign on the same function; history rows")


def test_rings(tok, a, b):
    rings = expect(200, "GET", "/api/v1/rings", tok)["rings"]
    mine = [r for r in rings if {l["id"] for l in r["leads"]} == {a, b}]
    check(len(mine) == 1, "no ring of leads %d and %d: %r" % (a, b, rings))
    r = mine[0]
    check(r["size"] == 2 and {"kind": "peer", "value": "198.51.100.77", "role": "softswitch",
                              "leads": 2, "lead_ids": sorted([a, b])}
          in r["shared"], "ring: %r" % r)
    check(all(l["account"] in (ACCOUNT, "acct-b") for l in r["leads"]), "ring leads: %r"
          % r["leads"])
    check(expect(200, "GET", "/api/v1/rings?since=%d" % (int(time.time()) + 86400),
                 tok)["rings"] == [], "since in the future")
    check(expect(200, "GET", "/api/v1/rings?tier=general", tok)["rings"] == [],
          "tier=general")
    check(len(expect(200, "GET", "/api/v1/rings?tier=urgent&since=0", tok)["rings"]) == 1,
          "tier=urgent")
    for q in ("tier=bogus", "since=abc", "since=-1"):
        expect(400, "GET", "/api/v1/rings?" + q, tok)
    rc, out, _ = cli("rings", "--tier", "urgent")
    check(rc == 0 and "ring 1: 2 leads" in out and "shares peer  198.51.100.77" in out,
          "CLI rings: %r" % out)
    print("ok: rings: leads %d and %d by peer 198.51.100.77; since/tier filters; CLI"
          % (a, b))


def test_stats(sup, ana):
    for p in ("day", "week", "month"):
        s = expect(200, "GET", "/api/v1/stats?period=" + p, sup)
        check(s["period"] == p and s["buckets"], "stats %s: %r" % (p, s))
        n = sum(x["leads"] for x in s["buckets"])
        check(n >= 5, "stats %s: %d leads" % (p, n))    # 2 from central_api.sh, 3 here
        check(sum(x["rings"] for x in s["buckets"]) == 1, "stats rings: %r" % s)
        check(sum(x["status"]["false_positive"] for x in s["buckets"]) == 1, "fp: %r" % s)
    fp = s["false_positives"]
    check(fp["by_verdict"] == [{"name": "goip_present", "leads": 1}] and
          fp["by_detector"] == [{"name": "sip_user_agent", "leads": 1}], "fp: %r" % fp)
    expect(400, "GET", "/api/v1/stats?period=year", sup)
    expect(403, "GET", "/api/v1/stats", ana)
    print("ok: stats per day/week/month with rings and false positives by verdict and"
          " detector")


def test_audit(sup, a, b):
    rows = expect(200, "GET", "/api/v1/audit?limit=500", sup)["audit"]
    seen = {(r["who"], r["action"], r["target"], r["result"]) for r in rows}
    for want in (("u.analyst", "view", "lead %d" % a, "ok"),
                 ("u.analyst", "view", "lead 999999", "no such lead"),
                 ("u.analyst", "feedback acknowledged", "lead %d" % a, "ok"),
                 ("u.analyst", "feedback acknowledged", "lead %d" % a, "refused"),
                 ("u.supervisor", "feedback confirmed", "lead %d" % a, "ok"),
                 ("u.analyst", "feedback dismantled", "lead %d" % a, "ok"),
                 ("u.supervisor", "assign", "lead %d" % b, "ok"),
                 ("u.supervisor", "assign", "lead %d" % b, "refused"),
                 ("u.analyst", "list", "rings", "ok"),
                 ("u.supervisor", "list", "stats", "ok")):
        check(want in seen, "no audit row %r" % (want,))
    print("ok: audit rows for views, moves (ok and refused), assignment, rings, stats")


def main():
    tokens = {}
    for line in open(PWFILE):
        w = line.split()
        if w[0].startswith("token-"):
            tokens[w[0][6:]] = w[1]
    ana, sup = tokens["analyst"], tokens["supervisor"]
    ingest()
    a, b, c = lead_ids(sup)
    test_detail(ana, a, b)
    for role in ("carrier", "engineer"):
        expect(403, "GET", "/api/v1/leads/%d" % a, tokens[role])
    expect(200, "GET", "/api/v1/leads/%d" % a, tokens["admin"])
    test_rings(ana, a, b)
    test_moves(ana, sup, a, c)
    # a's status changed under b's linked leads
    check(linked_is_head(ana, b, a) not in ("new", "acknowledged"),
          "lead %d's status did not move" % a)
    print("ok: a linked lead shows its lead's tier, status and ip, after a change too")
    test_assign(sup, ana, b)
    test_stats(sup, ana)
    test_audit(sup, a, b)
    print("PASS: central_api_lead.py")


main()
