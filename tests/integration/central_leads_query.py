# SPDX-License-Identifier: BSD-2-Clause
"""The lead queue, GET /api/v1/leads, against a running central (central_leads_query.sh).

usage: central_leads_query.py PORT CA_FILE TOKEN CLI_JSON SETS_JSON
CLI_JSON: `leads --json` (one object per line), the CLI's order of every lead.
SETS_JSON: {"site=north": [ids], ...}: the ids each filter selects, from SQL.
Prints one line per check; exits 1 at the first failure.
"""
import json
import os
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import apiclient  # noqa: E402
from apiclient import fail  # noqa: E402

PORT, CA, TOKEN = int(sys.argv[1]), sys.argv[2], sys.argv[3]
CLI = [json.loads(l) for l in open(sys.argv[4], encoding="utf-8") if l.strip()]
SETS = json.load(open(sys.argv[5], encoding="utf-8"))
RANK = {"urgent": 3, "high": 2, "general": 1}
API = apiclient.Client(PORT, CA, keepalive=True)


def get(query):
    """status and parsed body of GET /api/v1/leads?query, on one keep-alive connection."""
    st, _, doc = API.call("GET", "/api/v1/leads" + ("?" + query if query else ""), token=TOKEN)
    return st, doc


def ids(rows):
    return [r["id"] for r in rows]


def walk(query, limit):
    """Every page of query through next; the ids in order and the page count."""
    out, cursor, pages = [], None, 0
    while True:
        q = query + ("&" if query else "") + "limit=%d" % limit
        if cursor is not None:
            q += "&after=" + urllib.parse.quote(cursor)
        st, b = get(q)
        if st != 200:
            fail("%s: %d %s" % (q, st, str(b)[:200]))
        pages += 1
        out += ids(b["leads"])
        if len(b["leads"]) > limit:
            fail("%s: %d rows for limit %d" % (q, len(b["leads"]), limit))
        if b["has_more"] != (b["next"] is not None):
            fail("%s: has_more %s but next %r" % (q, b["has_more"], b["next"]))
        if not b["has_more"]:
            return out, pages
        if len(b["leads"]) != limit:
            fail("%s: a short page with more to come" % q)
        cursor = b["next"]
        if pages > 1000:
            fail("%s: pages never end" % query)


# The queue's order is the CLI's, and it is most urgent first: tier, then deadline, id.
full = ids(CLI)
want = [r["id"] for r in sorted(CLI, key=lambda r: (-RANK[r["tier"]], r["deadline"], r["id"]))]
if full != want:
    fail("the CLI's order is not tier, deadline, id: %s" % full)
st, b = get("limit=500")
if st != 200 or ids(b["leads"]) != full or b["has_more"] or b["next"] is not None:
    fail("one page of all: %d %s" % (st, ids(b.get("leads", []))))
st, b = get("")
if st != 200 or len(b["leads"]) != min(100, len(full)):
    fail("default limit")
print("ok: the API's order is the CLI's (%d leads)" % len(full))

for lim in (1, 7, len(full) - 1, len(full)):
    got, pages = walk("", lim)
    if got != full:
        fail("paging by %d: %s" % (lim, got))
print("ok: keyset paging by 1, 7, n-1, n gives every lead once, in order")


def by(pred):
    return [r["id"] for r in CLI if pred(r)]


now_overdue = by(lambda r: r["overdue"])
cases = {
    "tier=urgent": by(lambda r: r["tier"] == "urgent"),
    "tier=GENERAL": by(lambda r: r["tier"] == "general"),
    "status=new": by(lambda r: r["status"] == "new"),
    "status=confirmed,false_positive": by(lambda r: r["status"] in ("confirmed", "false_positive")),
    "overdue=1": now_overdue,
    "overdue=0": full,
    "q=100.64.1.1": by(lambda r: r["ip"].startswith("100.64.1.1")),
    "q=acct": by(lambda r: (r["account"] or "").startswith("acct")),
    "q=GoIP": by(lambda r: (r["device_id"] or "").startswith("GoIP")),
    "id=%d" % full[3]: [full[3]],
    "tier=high&status=new": by(lambda r: r["tier"] == "high" and r["status"] == "new"),
}
for k, v in SETS.items():
    cases[k] = [i for i in full if i in set(v)]
cases["tier=urgent&" + "site=north"] = [i for i in cases["tier=urgent"] if i in set(SETS["site=north"])]
for q, exp in cases.items():
    if not exp and q not in ("site=nowhere",):
        fail("test data: %s selects nothing" % q)
    got, pages = walk(q, 3)
    if got != exp:
        fail("%s: %s, want %s" % (q, got, exp))
print("ok: filters tier, status lists, overdue, q, id, site, assignee, mine, and"
      " combined, each paged by 3 (%d cases)" % len(cases))

bad = ["bogus=1", "tier=none", "tier=", "status=new,bogus", "status=", "status=,",
       "limit=0", "limit=501", "limit=1x", "limit=-1", "after=1.2", "after=x.y.z",
       "after=4.1.1", "after=1.1.0", "mine=2", "overdue=yes", "mine=1&assignee=x",
       "site=", "q=" + "a" * 129, "id=0", "id=abc", "after=1.99999999999999999999.1"]
for q in bad:
    st, b = get(q)
    if st != 400 or not isinstance(b.get("error"), str):
        fail("%s: %d %s, want 400 with an error" % (q, st, str(b)[:200]))
print("ok: %d unknown or ill-formed arguments answer 400 JSON" % len(bad))

hostile = [r for r in CLI if "\x1b" in (r["device_id"] or "")]
st, b = get("q=" + urllib.parse.quote(hostile[0]["ip"]) + "&limit=1")
if st != 200 or b["leads"][0]["device_id"] != hostile[0]["device_id"]:
    fail("hostile device id: %s" % b)
print("ok: a hostile device id comes back as escaped JSON, the same string")
