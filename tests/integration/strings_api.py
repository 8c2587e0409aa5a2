# SPDX-License-Identifier: BSD-2-Clause
"""Hostile strings through the console API (central_strings.sh, after the CLI checks).

usage: strings_api.py PORT CA_FILE USERS_FILE LEADS_JSONL SIMS_CSV
USERS_FILE: "name role password token" lines (u.admin, u.supervisor, u.analyst,
u.carrier of 46001, u.engineer). LEADS_JSONL: `leads --json` of the same central,
taken before this script runs (no move in between); SIMS_CSV: its `sims --csv`.
Reads every lead, detail, SIM, ring, appliance and the CSVs; checks strict UTF-8
JSON, no raw control in the JSON text, the same values as the CLI's JSON, CSVs with a
BOM and no formula cell; then a workflow move with a hostile note through a session
(CSRF), the note back byte-exact in the history, and the CSVs again.
Prints one line per check; exits 1 at the first failure.
"""
import csv
import io
import json
import os
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import apiclient  # noqa: E402
from apiclient import check, fail  # noqa: E402

PORT, CA, USERS, LEADS, SIMS_CSV = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
API = apiclient.Client(PORT, CA, timeout=20)
U = {}
for _l in open(USERS):
    _w = _l.split()
    U[_w[0]] = {"role": _w[1], "password": _w[2], "token": _w[3]}
NOTE = "\x1b[2J\x1b]52;c;SGVsbG8=\x07 =HYPERLINK(\"http://x\",\"y\") 'q\" \u4e2d\u6587 \u202eevil"
BADNAME = "=cmd|' /C calc'!A0\x1b[2J\"\u4e2d"
HYPER = '=HYPERLINK("http://x","y")'


def call(method, path, who=None, body=None, cookie=None, csrf=None):
    """status, headers (lower-case), body bytes; by bearer token of WHO or a session."""
    return API.call(method, path, body, token=who and U[who]["token"], cookie=cookie,
                    csrf=csrf or None, parse=False)


def strict_json(path, text):
    """The body as strict UTF-8 JSON text without a raw control character."""
    try:
        s = text.decode("utf-8", errors="strict")
    except UnicodeDecodeError as e:
        fail("%s: not strict UTF-8: %s" % (path, e))
    # JSON whitespace may be raw; json.loads (strict) refuses it inside a string
    for i, ch in enumerate(s):
        o = ord(ch)
        if (o < 0x20 and ch not in "\t\n\r") or 0x7f <= o <= 0x9f:
            fail("%s: raw control U+%04X at %d: %r" % (path, o, i, s[max(0, i - 30):i + 30]))
    try:
        return json.loads(s)
    except ValueError as e:
        fail("%s: not JSON: %s" % (path, e))


def get(path, who, want=200):
    st, h, text = call("GET", path, who)
    check(st == want, "GET %s by %s: %d, want %d (%r)" % (path, who, st, want, text[:200]))
    check(h.get("content-type", "").startswith("application/json"), "%s: type %r" % (path, h))
    return strict_json(path, text)


def get_csv(path, who, least=2):
    st, h, data = call("GET", path, who)
    check(st == 200, "GET %s by %s: %d" % (path, who, st))
    check(h.get("content-type", "").startswith("text/csv"), "%s: type %r" % (path, h))
    check(data.startswith(b"\xef\xbb\xbf"), "%s: no UTF-8 byte-order mark" % path)
    try:
        s = data[3:].decode("utf-8", errors="strict")
    except UnicodeDecodeError as e:
        fail("%s: not strict UTF-8: %s" % (path, e))
    for i, ch in enumerate(s.replace("\r\n", "\n")):
        o = ord(ch)
        if (o < 0x20 and ch != "\n") or 0x7f <= o <= 0x9f:
            fail("%s: raw control U+%04X at %d" % (path, o, i))
    rows = list(csv.reader(io.StringIO(s)))
    check(len(rows) >= least, "%s: %d rows" % (path, len(rows)))
    for row in rows:
        check(len(row) == len(rows[0]), "%s: ragged row %r" % (path, row))
        for cell in row:
            check(cell[:1] not in ("=", "+", "-", "@", "\t", "\r"), "%s: formula cell %r" % (path, cell))
    print("ok: %s strict CSV, BOM, %d rows, no formula cell" % (path, len(rows)))
    return rows, data


def all_leads(who):
    out, after, pages = [], None, 0
    while True:
        q = "/api/v1/leads?limit=2" + ("&after=" + urllib.parse.quote(after) if after else "")
        doc = get(q, who)
        out += doc["leads"]
        pages += 1
        check(pages < 50, "leads: paging does not end")
        if not doc["has_more"]:
            check(doc["next"] is None, "last page with a next")
            return out, pages
        after = doc["next"]


def login(name):
    st, h, text = call("POST", "/api/v1/login", body={"user": name, "password": U[name]["password"]})
    doc = strict_json("login", text)
    check(st == 200, "login %s: %d %r" % (name, st, doc))
    return h["set-cookie"].split(";")[0].split("=", 1)[1], doc["csrf"]


def main():
    cli = {}
    for line in open(LEADS, encoding="utf-8", errors="strict"):
        o = json.loads(line)
        cli[o["id"]] = o
    check(len(cli) == 3, "leads --json: %d leads" % len(cli))

    # the queue, every page, equal to the CLI's objects (same query, same sanitising)
    api, pages = all_leads("u.analyst")
    check(pages >= 2, "leads: one page only")
    check(sorted(l["id"] for l in api) == sorted(cli), "leads: ids %r" % [l["id"] for l in api])
    for l in api:
        c = cli[l["id"]]
        diff = [k for k in set(l) | set(c) if l.get(k) != c.get(k)]
        check(not diff, "lead %d: API and CLI differ in %r: %r / %r" %
              (l["id"], diff, [l.get(k) for k in diff], [c.get(k) for k in diff]))
    ids = [l["device_id"] for l in api]
    check("G" + "\u732b" * 20 in ids and "R" + "\u732b" * 31 in ids and HYPER in ids,
          "device ids %r" % ids)
    check(any("\x9b" in (l["account"] or "") and "\ufffd" in (l["account"] or "") for l in api),
          "account with C1 and U+FFFD")
    check(any(l["status_by"] == "\tbob\x1b[2J" for l in api), "status_by")
    print("ok: GET /api/v1/leads, %d pages, equal to leads --json" % pages)

    # each lead's detail: its head equals the list's, its strings are strict
    for i, c in cli.items():
        d = get("/api/v1/leads/%d" % i, "u.analyst")
        diff = [k for k in c if d["lead"].get(k) != c[k]]
        check(not diff, "detail %d: differs from the CLI in %r" % (i, diff))
        devs = {x["device_id"] for x in d["detections"]}
        check(c["device_id"] in devs, "detail %d: detections' device ids %r" % (i, devs))
        if c["status_by"] == "\tbob\x1b[2J":
            h = [x for x in d["history"] if x["kind"] == "feedback"]
            check(h and h[-1]["who"] == "\tbob\x1b[2J" and
                  h[-1]["note"] == "see \x1b]52;c;SGVsbG8=\x07 \x9b \u202eevil",
                  "detail %d: CLI feedback in the history %r" % (i, h))
    ev = [e["detail"] for i in cli for e in get("/api/v1/leads/%d" % i, "u.admin")["evidence"]]
    check(any("\x1b[2J\x1b]52;c;SGVsbG8=\x07\x9b" in e for e in ev), "evidence detail %r" % ev)
    print("ok: GET /api/v1/leads/{id} for %d leads" % len(cli))

    # SIMs: office and carrier views, JSON and CSV
    sims = get("/api/v1/sims", "u.analyst")["sims"]
    vals = {v for s in sims for v in (s["imsi"], s["iccid"], s["msisdn"], s["imei"])}
    for v in ("=1+1\ufffd", "@SUM(1)", "-1+1", "+cmd"):
        check(v in vals, "sims: %r missing from %r" % (v, sorted(map(str, vals))))
    check(any((v or "").startswith('=HYPERLINK("http://x"') for v in vals), "sims: HYPERLINK")
    get("/api/v1/sims", "u.carrier")     # no SIM of the capture has a known carrier
    get("/api/v1/sims", "u.admin")
    rows, data = get_csv("/api/v1/sims.csv", "u.analyst")
    check(data == open(SIMS_CSV, "rb").read(), "sims.csv: not the bytes of sims --csv")
    flat = {c for r in rows for c in r}
    for v in ("'=1+1\ufffd", "'@SUM(1)", "'-1+1", "'+cmd"):
        check(v in flat, "sims.csv: %r missing" % v)
    get_csv("/api/v1/sims.csv", "u.carrier", 1)     # no confirmed or urgent lead yet
    print("ok: GET /api/v1/sims and sims.csv")

    rings = get("/api/v1/rings", "u.supervisor")["rings"]
    check(rings and rings[0]["leads"], "rings: none")
    for r in rings:
        for l in r["leads"]:
            check(l["account"] == cli[l["id"]]["account"],
                  "ring lead %d: account %r" % (l["id"], l["account"]))
    app = get("/api/v1/appliances", "u.engineer")["appliances"]
    groups = {a["id"]: a["group"] for a in app}
    check(groups.get("gw-raw") == "=grp\x1b[31m", "appliances: group %r" % groups)
    print("ok: GET /api/v1/rings, /api/v1/appliances")
    get_csv("/api/v1/audit.csv", "u.supervisor")

    # a login with a hostile name: refused, and the name tried is in the audit trail
    st, _, text = call("POST", "/api/v1/login", body={"user": BADNAME, "password": "x" * 12})
    check(st in (400, 401), "hostile login: %d" % st)
    strict_json("login", text)
    aud = get("/api/v1/audit?limit=500", "u.admin")["audit"]
    check(any(a["action"] == "login" and a["who"] == BADNAME for a in aud),
          "audit: hostile login name not byte-exact: %r" % [a["who"] for a in aud[:5]])
    print("ok: a login with a hostile name refused, the name byte-exact in GET /api/v1/audit")
    # a workflow move with a hostile note, by session with CSRF
    new = [i for i, c in cli.items() if c["status"] == "new"]
    check(new, "no new lead")
    sid, csrf = login("u.analyst")
    path = "/api/v1/leads/%d/acknowledge" % new[0]
    st, _, text = call("POST", path, body={"note": NOTE}, cookie=sid, csrf=csrf)
    doc = strict_json(path, text)
    check(st == 200 and doc["lead"]["status"] == "acknowledged", "move: %d %r" % (st, doc))
    check(doc["lead"]["status_by"] == "u.analyst", "move: status_by %r" % doc["lead"]["status_by"])
    d = get("/api/v1/leads/%d" % new[0], "u.supervisor")
    h = [x for x in d["history"] if x["kind"] == "feedback"]
    check(h and h[-1]["note"] == NOTE and h[-1]["who"] == "u.analyst",
          "history: note not byte-exact: %r" % h)
    raw = call("GET", "/api/v1/leads/%d" % new[0], "u.supervisor")[2]
    check(b"\\u001b[2J" in raw and "\u4e2d\u6587".encode() in raw, "note escapes in the JSON text")
    print("ok: move with a hostile note, back byte-exact in the history")
    rows = get_csv("/api/v1/audit.csv", "u.supervisor")[0]
    check(any(r[2] == "'" + BADNAME.replace("\x1b", "\\x1b") for r in rows[1:]),
          "audit.csv: hostile login name %r" % [r[2] for r in rows[1:6]])
    check(any(r[4] == "feedback acknowledged" and r[5] == "lead %d" % new[0] for r in rows[1:]),
          "audit.csv: no feedback row")
    api2, _ = all_leads("u.admin")
    check(len(api2) == 3, "leads after the move")
    st, _, _ = call("GET", "/api/v1/me", "u.admin")
    check(st == 200, "central alive: %d" % st)
    print("ok: central answers after all of it")


main()
