# SPDX-License-Identifier: BSD-2-Clause
"""The lead's sample calls and their SIP ladders (console_ladder.sh).

usage: console_ladder.py API_PORT CERT SHOTS TMP ROOT BUILD CENTRAL_PORT
"""
import json
import os
import re
import subprocess
import sys
import time

from selenium.common.exceptions import NoAlertPresentException

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                                "integration"))
from browser import Console, check, fail  # noqa: E402
import apiclient  # noqa: E402

API, CERT, SHOTS, T, ROOT = sys.argv[1:6]
B, PORT = sys.argv[6], sys.argv[7]
CA = os.path.join(T, "pki", "ca.crt")
PW = {}
for line in open(os.path.join(T, "pw"), encoding="utf-8"):
    user, role, pw = line.split()
    PW[role] = (user, pw)
LINE = "100.64.1.10"
HOSTILE_CALLER = "<img src=x onerror=alert(1)>\x1b[31m\u202e\"'"
HOSTILE_UA = "dble<script>alert(2)</script>\x1b]0;t\x07\\"
HIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069"
                    "\ufeff\\\\]")

api = apiclient.Client(int(API), CA)


def escape_wire(s):
    """core.js escapeWire: what a wire string looks like on the page."""
    def one(m):
        c = m.group()
        if c == "\\":
            return "\\\\"
        return "\\x%02x" % ord(c) if ord(c) < 0x80 else "\\u%04x" % ord(c)
    return HIDDEN.sub(one, s)


def api_get(path, role="analyst"):
    sid, _, _ = api.login(*PW[role])
    st, _, doc = api.call("GET", path, cookie=sid)
    check(st == 200, "GET %s as %s: %d" % (path, role, st))
    return doc


def ingest_hostile():
    """A rejected call of the lab's line with a hostile caller and User-Agent,
    as gw-1 (a lead's calls come from its appliances) through the real uplink."""
    rec = {"type": "call", "ts": "2026-11-29T10:30:00.000Z", "call_id": "evil\x1b[2J@x",
           "caller": HOSTILE_CALLER, "callee": "13912345678", "to_user": "13912345678",
           "from_tag": "t", "to_tag": "", "src_ip": "198.51.100.66", "src_port": 5070,
           "dst_ip": LINE, "dst_port": 5060, "transport": "udp", "direction": "inbound",
           "user_agent": HOSTILE_UA, "server": "srv\u202e", "outcome": "4xx",
           "status": 486, "state": "rejected", "end": "rejected",
           "first_ts": "2026-11-29T10:29:50.000Z", "invite_ts": "2026-11-29T10:29:50.000Z",
           "setup_time": 0.2, "end_ts": "2026-11-29T10:29:51.500Z",
           "last_ts": "2026-11-29T10:29:51.500Z", "duration": 0.0,
           "auth_challenged": False, "invites": 1, "reinvites": 0, "retransmissions": 0,
           "forks": 0, "messages": 4, "subject": {"ip": LINE}}
    with open(os.path.join(T, "hostile-call.jsonl"), "w", encoding="ascii") as f:
        f.write(json.dumps(rec, ensure_ascii=True, separators=(",", ":")) + "\n")
    pki = os.path.join(T, "pki")
    r = subprocess.run(["timeout", "60", os.path.join(B, "uplink_sender"), "-s",
                        os.path.join(T, "spool-hostile"), "-p", PORT, "-a", CA, "-c",
                        os.path.join(pki, "gw-1.crt"), "-k", os.path.join(pki, "gw-1.key"),
                        "-b", "100", "-R", os.path.join(T, "hostile-call.jsonl"), "-w",
                        "-t", "30"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    check(r.returncode == 0, "uplink_sender (hostile call record): %r" % r.stdout[-300:])


def labels():
    return b.d.execute_script(
        "return [...document.querySelectorAll('#ladder-view g.ladder-msg')]"
        ".map((g) => [g.dataset.label, g.dataset.from, g.querySelector('.ladder-rel')"
        ".textContent])")


def pick(i, what):
    b.d.execute_script("document.querySelector('#ladder-view') &&"
                       " document.querySelector('#ladder-view').remove()")
    sel = "#ladder-calls tr.ladder-row[data-i='%d']" % i
    # scrolled to the middle, then clicked where it is (the page may still move)
    b.d.execute_script("const r = document.querySelector(arguments[0]);"
                       " r.scrollIntoView({block: 'center'}); r.click()", sel)
    b.css("#ladder-view")
    got = labels()
    print("ladder of %s: %r" % (what, got))
    return got


t0 = time.time()
ingest_hostile()
leads = api_get("/api/v1/leads?q=" + LINE)["leads"]
check(len(leads) == 1 and leads[0]["tier"] == "urgent", "the lab's line is one urgent lead")
lead = leads[0]["id"]
calls = api_get("/api/v1/leads/%d" % lead)["calls"]
with open(os.path.join(T, "callees"), encoding="ascii") as f:
    pcap_callees = {x.strip() for x in f if x.strip()}

b = Console(API, CERT, SHOTS)
b.d.set_window_size(1000, 900)     # the screenshot as docs/img takes it
try:
    b.login(*PW["analyst"])
    b.go("#/lead/%d" % lead)
    b.ready("lead")
    rows = b.all("#ladder-calls tr.ladder-row")
    check(len(rows) == len(calls) and len(rows) >= 2,
          "the sample calls card lists the lead's %d calls" % len(calls))
    callees = b.d.execute_script(
        "return [...document.querySelectorAll('#ladder-calls td.ladder-callee-no')]"
        ".map((e) => e.textContent)")
    lab = [c for c in callees if c != "13912345678"]
    check(len(lab) == len(rows) - 1 and set(lab) <= pcap_callees and len(set(lab)) == len(lab),
          "the %d lab calls' callees are the capture's INVITE Request-URI users (tshark: %d)"
          % (len(lab), len(pcap_callees)))
    check(callees[0] == "13912345678", "the newest call (the hostile one) is first")

    # the hostile strings: inert text with visible escapes, nothing parsed
    caller = b.js_text("#ladder-calls tr.ladder-row[data-i='0'] td.ladder-caller-no")
    check(caller == escape_wire(HOSTILE_CALLER),
          "the hostile caller shows as inert escaped text (%r)" % caller)
    got = pick(0, "the rejected hostile call")
    check([x[0] for x in got] == ["INVITE", "18x", "486 Busy Here"] and
          [x[1] for x in got] == ["caller", "callee", "callee"],
          "the rejected call's ladder: INVITE, 18x, 486 in order")
    check([x[2] for x in got] == ["+0.000 s", "+0.200 s", "+1.500 s"],
          "its times relative to the INVITE (+0.000, +0.200, +1.500 s)")
    ua = b.js_text("#ladder-ua")
    check(ua == escape_wire(HOSTILE_UA), "the hostile User-Agent is inert escaped text (%r)" % ua)
    n = b.d.execute_script("return document.querySelectorAll('#lead-ladder img, #lead-ladder"
                           " script, #lead-ladder b').length")
    check(n == 0, "no element came from a wire string")
    try:
        fail("an alert opened: %r" % b.d.switch_to.alert.text)
    except NoAlertPresentException:
        pass

    # an answered call of the capture: INVITE, 18x, 200, ACK, BYE, its 200
    i = next(k for k, c in enumerate(calls) if c["state"] == "answered")
    c = calls[i]
    got = pick(i, "an answered lab call")
    want = ["INVITE", "18x", "200 OK", "ACK", "BYE", "200 OK"]
    check([x[0] for x in got] == want, "the answered call's ladder: %s in order" % ", ".join(want))
    bye_from = "caller" if c["hangup"] == "caller" else "callee"
    check(got[4][1] == bye_from, "the BYE comes from the %s (hangup)" % bye_from)
    t_inv = time.mktime(time.strptime(c["invite_ts"][:19], "%Y-%m-%dT%H:%M:%S")) + \
        float(c["invite_ts"][19:-1] or 0)
    t_ans = time.mktime(time.strptime(c["answer_ts"][:19], "%Y-%m-%dT%H:%M:%S")) + \
        float(c["answer_ts"][19:-1] or 0)
    check(got[2][2] == "+%.3f s" % (t_ans - t_inv),
          "the 200 OK at %s after the INVITE, as the record says" % got[2][2])
    lanes = b.d.execute_script("return [...document.querySelectorAll('#ladder-view"
                               " .ladder-lane .wire')].map((e) => e.textContent)")
    check(lanes == ["%s:%d" % (c["src_ip"], c["src_port"]), "%s:%d" % (c["dst_ip"], c["dst_port"])],
          "the lanes are labelled with the caller's and callee's ip:port (%r)" % lanes)
    # a redraw of the page (the lead escalates on its own) keeps the ladder drawn
    b.wait(lambda d: b.d.execute_script(
        "const v = document.getElementById('ladder-view'); if (!v) return false;"
        " v.scrollIntoView({block: 'end'}); return v.getBoundingClientRect().bottom <="
        " window.innerHeight + 1"), "the ladder in view")
    time.sleep(0.3)
    check(len(labels()) == 6, "the ladder is still drawn")
    b.shot("console-ladder")
    b.no_errors(allow=("/api/v1/me - Failed to load resource: the server responded with a status of 401",))
finally:
    b.quit()
print("figure: console_ladder.py took %.1f s" % (time.time() - t0))
print("PASS: console_ladder.py")
