# SPDX-License-Identifier: BSD-2-Clause
"""Card cutting through the console API (central_sims.sh).

usage: central_api_sims.py PORT CA_FILE USERS_FILE TMPDIR
USERS_FILE: "name role password token" lines.
Prints one line per check; exits 1 at the first failure.
"""
import csv
import io
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import apiclient  # noqa: E402
from apiclient import check  # noqa: E402

PORT, CA, USERS = int(sys.argv[1]), sys.argv[2], sys.argv[3]
API = apiclient.Client(PORT, CA)
TOK = {}
for _l in open(USERS):
    _w = _l.split()
    TOK[_w[0]] = _w[3]

# What a carrier may see of a SIM, and nothing else (no line details).
CARRIER_KEYS = {"sim", "carrier", "imsi", "iccid", "msisdn", "imei", "lead", "tier",
                "first_seen", "last_seen", "disposition", "disposition_at",
                "disposition_by", "disposition_note"}
BAD_IMSI = "=1+1\ufffd"
UNICOM = {"460011234567890", BAD_IMSI, "460061234567890", "460019999999999"}
MOBILE = {"460001111111111", "460027777777777"}
EVERY = UNICOM | MOBILE | {"89860312345678901234", "460018888888888", "460016666666666"}


def call(who, method, path, body=None, raw=None):
    """status, headers (lower-case), body bytes."""
    return API.call(method, path, body, token=TOK[who], raw=raw, parse=False)


def jcall(who, method, path, body=None, raw=None, want=200):
    st, h, doc = API.call(method, path, body, token=TOK[who], raw=raw)
    check(st == want, "%s %s by %s: %d, want %d (%r)" % (method, path, who, st, want, doc))
    return doc


def sims(who, query=""):
    doc = jcall(who, "GET", "/api/v1/sims" + query)
    return {s["sim"]: s for s in doc["sims"]}


def test_scope():
    u = sims("u.unicom")
    check(set(u) == UNICOM, "unicom sees %r" % sorted(u))
    for s in u.values():
        check(set(s) == CARRIER_KEYS, "carrier row keys %r" % sorted(s))
        check(s["carrier"] in ("46001", "46006"), "carrier %r" % s["carrier"])
    check(u[BAD_IMSI]["carrier"] == "46001", "ICCID rule: %r" % u[BAD_IMSI])
    check(u[BAD_IMSI]["msisdn"] == "@SUM(1)", "msisdn %r" % u[BAD_IMSI]["msisdn"])
    check(u["460061234567890"]["msisdn"] == "\t\x1b[2J\"\u4e2d,x", "hostile msisdn in JSON")
    for k in ("ip", "vlan", "pppoe_session", "account", "device_id", "peers", "status"):
        check(all(k not in s for s in u.values()), "carrier sees %s" % k)
    m = sims("u.mobile")
    check(set(m) == MOBILE, "mobile (46002: the China Mobile group) sees %r" % sorted(m))
    check(sims("u.unicom", "?carrier=46006") == u, "carrier=46006 is Unicom's group too")
    jcall("u.unicom", "GET", "/api/v1/sims?carrier=46000", want=403)
    jcall("u.unicom", "GET", "/api/v1/sims?carrier=46x", want=400)
    check(set(sims("u.unicom", "?cutting=0")) == UNICOM, "a carrier cannot widen its list")
    a = sims("u.super")
    check(set(a) == EVERY, "supervisor sees %r" % sorted(a))
    check(all("status" in s for s in a.values()), "office roles see the lead status")
    check(a["89860312345678901234"]["carrier"] == "46003", "Telecom by ICCID")
    su = sims("u.analyst", "?carrier=46001")
    check(set(su) == UNICOM | {"460018888888888", "460016666666666"},
          "analyst carrier=46001: %r" % sorted(su))
    check(set(sims("u.admin", "?carrier=46001&cutting=1")) == UNICOM, "cutting=1")
    # paging: two at a time walks the same list
    seen, q = [], "?limit=2"
    for _ in range(10):
        doc = jcall("u.super", "GET", "/api/v1/sims" + q)
        seen += [s["sim"] for s in doc["sims"]]
        if doc["next"] is None:
            break
        n = doc["next"]
        q = "?limit=2&after_lead=%d&after_sim=%s" % (
            n["after_lead"], urlq(n["after_sim"]))
    check(sorted(seen) == sorted(EVERY) and len(seen) == len(EVERY), "paging: %r" % seen)
    jcall("u.eng", "GET", "/api/v1/sims", want=403)
    print("ok: carriers see their own SIMs of confirmed/urgent leads, no line details;"
          " office roles all, with carrier= and cutting=; paging")


def urlq(s):
    from urllib.parse import quote
    return quote(s, safe="")


def history(who, sim=None):
    q = "?sim=" + urlq(sim) if sim is not None else ""
    return jcall(who, "GET", "/api/v1/sims/dispositions" + q)["dispositions"]


def test_dispositions():
    now = int(time.time())
    doc = jcall("u.unicom", "POST", "/api/v1/sims/dispositions",
                {"sims": ["460011234567890", BAD_IMSI], "disposition": "shut_down",
                 "note": "=cut \u4e2d"})
    check(doc["recorded"] == 2 and doc["disposition"] == "shut_down", "bulk: %r" % doc)
    u = sims("u.unicom")
    for k in ("460011234567890", BAD_IMSI):
        check(u[k]["disposition"] == "shut_down" and u[k]["disposition_by"] == "u.unicom"
              and u[k]["disposition_note"] == "=cut \u4e2d", "current: %r" % u[k])
    check(u["460061234567890"]["disposition"] is None, "untouched SIM has a disposition")
    # another carrier's SIM: 404 naming it, and nothing recorded (all or nothing)
    n0 = len(history("u.admin"))
    doc = jcall("u.unicom", "POST", "/api/v1/sims/dispositions",
                {"sims": ["460061234567890", "460001111111111"], "disposition": "restored"},
                want=404)
    check(doc.get("sim") == "460001111111111", "404 names the SIM: %r" % doc)
    for k in ("460018888888888", "460016666666666", "nope"):
        jcall("u.unicom", "POST", "/api/v1/sims/dispositions",
              {"sims": [k], "disposition": "restored"}, want=404)
    check(len(history("u.admin")) == n0, "a refused batch recorded something")
    # an earlier time does not replace the current one; a later one does
    jcall("u.unicom", "POST", "/api/v1/sims/dispositions",
          {"sims": ["460011234567890"], "disposition": "restored", "at": now - 3600})
    check(sims("u.unicom")["460011234567890"]["disposition"] == "shut_down",
          "an older disposition became current")
    jcall("u.unicom", "POST", "/api/v1/sims/dispositions",
          {"sims": ["460011234567890"], "disposition": "restored", "at": now + 1})
    cur = sims("u.unicom")["460011234567890"]
    check(cur["disposition"] == "restored" and cur["disposition_note"] is None,
          "the newest is current: %r" % cur)
    h = history("u.unicom", "460011234567890")
    check([x["disposition"] for x in h] == ["restored", "restored", "shut_down"],
          "history newest entry first: %r" % h)
    check(all(x["by"] == "u.unicom" for x in h), "history: by")
    # the admin may dispose of any SIM; the other carrier sees none of this
    jcall("u.admin", "POST", "/api/v1/sims/dispositions",
          {"sims": ["89860312345678901234"], "disposition": "not_ours"})
    check(history("u.mobile") == [], "mobile sees Unicom's history")
    check(len(history("u.super")) == 5, "supervisor: all history")
    check(history("u.mobile", "460011234567890") == [], "mobile reads a Unicom SIM's history")
    for who in ("u.super", "u.analyst", "u.eng", "u.mobile"):
        st = call(who, "POST", "/api/v1/sims/dispositions",
                  {"sims": ["460011234567890"], "disposition": "restored"})[0]
        check(st in (403, 404), "%s disposed of a Unicom SIM: %d" % (who, st))
    print("ok: bulk dispositions, all or nothing, 404 for SIMs not yours, history,"
          " newest time current")


def test_bad_bodies():
    now = int(time.time())
    base = {"sims": ["460011234567890"], "disposition": "shut_down"}
    cases = [
        ("no sims", {"disposition": "shut_down"}),
        ("empty sims", {"sims": [], "disposition": "shut_down"}),
        ("sims a string", {"sims": "460011234567890", "disposition": "shut_down"}),
        ("sims of numbers", {"sims": [460011234567890], "disposition": "shut_down"}),
        ("501 sims", {"sims": ["k%d" % i for i in range(501)], "disposition": "shut_down"}),
        ("a SIM twice", {"sims": ["460011234567890"] * 2, "disposition": "shut_down"}),
        ("overlong key", {"sims": ["4" * 200], "disposition": "shut_down"}),
        ("unknown state", dict(base, disposition="cut")),
        ("no state", {"sims": ["460011234567890"]}),
        ("at a string", dict(base, at=str(now))),
        ("at a fraction", dict(base, at=now + 0.5)),
        ("at in the future", dict(base, at=now + 3600)),
        ("at before 2000", dict(base, at=0)),
        ("overlong note", dict(base, note="n" * 600)),
        ("unknown field", dict(base, by="someone else")),
    ]
    for what, body in cases:
        st, _, text = call("u.unicom", "POST", "/api/v1/sims/dispositions", body)
        check(st == 400, "%s: %d %r" % (what, st, text[:200]))
    st, _, _ = call("u.unicom", "POST", "/api/v1/sims/dispositions", raw=b"\xff{")
    check(st == 400, "bad JSON: %d" % st)
    print("ok: %d bad disposition bodies get 400" % (len(cases) + 1))


def csv_cells(what, text):
    check(text.startswith(b"\xef\xbb\xbf"), "%s: no BOM" % what)
    s = text[3:].decode("utf-8", "strict")
    rows = list(csv.reader(io.StringIO(s, newline="")))
    for row in rows:
        for cell in row:
            check(not cell or cell[0] not in "=+-@\t\r", "%s: cell %r" % (what, cell))
            check(all(ord(ch) >= 0x20 and not 0x7f <= ord(ch) <= 0x9f for ch in cell),
                  "%s: raw control in %r" % (what, cell))
    return rows


def test_csv():
    day = time.strftime("%Y%m%d", time.gmtime())
    st, h, text = call("u.unicom", "GET", "/api/v1/sims.csv")
    check(st == 200, "sims.csv: %d" % st)
    check(h.get("content-type") == "text/csv; charset=utf-8", "ctype %r" % h.get("content-type"))
    check(h.get("content-disposition") == 'attachment; filename="sims-46001-%s.csv"' % day,
          "disposition %r" % h.get("content-disposition"))
    rows = csv_cells("sims.csv", text)
    check(rows[0] == ["sim", "carrier", "imsi", "iccid", "msisdn", "imei", "lead", "tier",
                      "first_seen", "last_seen", "disposition", "disposition_at",
                      "disposition_by", "disposition_note"], "header %r" % rows[0])
    by = {r[0]: dict(zip(rows[0], r)) for r in rows[1:]}
    check(set(by) == {"'" + BAD_IMSI} | (UNICOM - {BAD_IMSI}), "csv SIMs %r" % sorted(by))
    check(by["460011234567890"]["imei"] == "'=HYPERLINK(\"a\",\"b\")", "imei cell")
    check(by["'" + BAD_IMSI]["msisdn"] == "'@SUM(1)", "msisdn cell")
    check(by["'" + BAD_IMSI]["disposition_note"] == "'=cut \u4e2d", "note cell")
    check(by["460061234567890"]["msisdn"] == "'\\x09\\x1b[2J\"\u4e2d,x", "escaped cell %r"
          % by["460061234567890"]["msisdn"])
    check(by["460061234567890"]["imei"] == "'\\x0d86", "CR cell")
    check(b"\x1b" not in text and b"\t" not in text, "raw ESC or TAB in the CSV")
    st, h, text = call("u.super", "GET", "/api/v1/sims.csv?carrier=46002")
    check(st == 200 and 'filename="sims-46002-' in h.get("content-disposition", ""),
          "supervisor csv %d %r" % (st, h))
    check(len(csv_cells("sims.csv 46002", text)) == 3, "46002's group: 2 SIMs")
    check(b",status," in text, "office roles' CSV has the status")
    st, h, text = call("u.super", "GET", "/api/v1/audit.csv")
    check(st == 200 and h.get("content-disposition") ==
          'attachment; filename="audit-%s.csv"' % day, "audit.csv %d %r" % (st, h))
    rows = csv_cells("audit.csv", text)
    check(rows[0] == ["id", "at", "who", "addr", "action", "target", "result"], "audit hdr")
    acts = [(r[2], r[4], r[5], r[6]) for r in rows[1:]]
    check(("u.unicom", "sim disposition", "460011234567890", "shut_down") in acts,
          "audit: disposition")
    check(("u.unicom", "sim disposition", "460001111111111", "not found") in acts,
          "audit: refused disposition")
    check(any(a[1] == "export" and a[2].startswith("sims-46001 cutting rows 4") for a in acts),
          "audit: sims export %r" % [a for a in acts if a[1] == "export"])
    check(("u.unicom", "list", "sims 46001", "ok") in acts, "audit: a carrier's list")
    for who in ("u.unicom", "u.analyst", "u.eng"):
        check(call(who, "GET", "/api/v1/audit.csv")[0] == 403, "%s read audit.csv" % who)
    st, _, text = call("u.super", "GET", "/api/v1/audit.csv?limit=1")
    check(st == 200 and len(csv_cells("audit.csv", text)) == 2, "audit.csv?limit=1")
    print("ok: CSV: BOM, header, Content-Type, Content-Disposition, neutralised and escaped"
          " cells, the audit export")


def test_audit_filters():
    now = int(time.time())
    q = "?who=u.unicom&action=sim%20disposition&limit=500"
    rows = jcall("u.super", "GET", "/api/v1/audit" + q)["audit"]
    check(len(rows) >= 3 and all(r["who"] == "u.unicom" and r["action"] == "sim disposition"
                                 for r in rows), "audit who= and action=: %d rows" % len(rows))
    st, _, text = call("u.super", "GET", "/api/v1/audit.csv" + q)
    check(st == 200 and len(csv_cells("audit.csv", text)) == len(rows) + 1,
          "audit.csv takes the same filters")
    check(jcall("u.super", "GET", "/api/v1/audit?since=%d" % (now + 3600))["audit"] == [],
          "audit since= in the future: nothing")
    old = jcall("u.super", "GET", "/api/v1/audit?until=%d&limit=500" % (now - 86400))
    check(old["audit"] == [], "audit until= a day ago: nothing")
    span = jcall("u.super", "GET", "/api/v1/audit?since=%d&until=%d&limit=500"
                 % (now - 3600, now + 60))["audit"]
    check(span and all(now - 3600 <= r["at"] < now + 60 for r in span), "audit since..until")
    for bad in ("since=x", "until=-1", "who=" + "a" * 201, "action=%1b%5b2J"):
        jcall("u.super", "GET", "/api/v1/audit?" + bad, want=400)
    print("ok: audit filters who, action, since, until (JSON and CSV); bad ones 400")


test_scope()
test_dispositions()
test_bad_bodies()
test_csv()
test_audit_filters()
