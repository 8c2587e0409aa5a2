# SPDX-License-Identifier: BSD-2-Clause
"""The statistics page (console_rings.sh).

usage: console_stats.py API_PORT CERT SHOTS TMP ROOT
A supervisor sees, per day, week and month, the five charts of GET
/api/v1/stats with a table under each whose figures are the API's; the page in
English; an analyst gets the 403 page, as the server says.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from browser import Console, check, passwords  # noqa: E402

API, CERT, SHOTS, T, ROOT = sys.argv[1:6]
PW = passwords(T)
TIERS = ("urgent", "high", "general", "none")



def rows(b, table):
    """The table's body as lists of cell texts."""
    return b.d.execute_script(
        "return [...document.querySelectorAll(arguments[0] + ' tbody tr')].map((r) =>"
        " [...r.children].map((c) => c.textContent));", table)


def num(v):
    return "-" if v is None else str(v)


def page(b, period, click=False):
    """Opens the period's page (by its button with CLICK) and checks it against the API."""
    b.d.execute_script("const m = document.getElementById('main'); if (m) m.dataset.page = '';")
    if click:
        b.click("#stats-period-" + period)
    else:
        b.go("#/stats?period=" + period)
    b.ready("stats")
    doc = b.api_get("/stats?period=" + period)
    bk = doc["buckets"]
    charts = b.d.execute_script(
        "return [...document.querySelectorAll('#stats-charts canvas')].filter((c) =>"
        " window.Chart.getChart(c)).length")
    check(charts == 5, "%s: five charts drawn (%d)" % (period, charts))
    tier = rows(b, "#stats-table-tier")
    check(len(tier) == len(bk) and len(bk) >= 1, "%s: a row per period (%d)" % (period, len(bk)))
    for r, x in zip(tier, bk):
        want = [num(x["tier"][k]) for k in TIERS] + [num(x["leads"])]
        if r[1:] != want:
            check(False, "%s %s: leads by tier %r, API %r" % (period, r[0], r[1:], want))
    check(True, "%s: leads by tier match the API" % period)
    for r, x in zip(rows(b, "#stats-table-in-time"), bk):
        pct = "-" if x["in_time_pct"] is None else "%s%%" % x["in_time_pct"]
        if r[1:] != [num(x["due"]), num(x["in_time"]), pct]:
            check(False, "%s %s: in time %r, API %r" % (period, r[0], r, x))
    for r, x in zip(rows(b, "#stats-table-sims"), bk):
        if r[1:] != [num(x["sims"]), num(x["sims_cut"])]:
            check(False, "%s %s: SIMs %r, API %r" % (period, r[0], r, x))
    for r, x in zip(rows(b, "#stats-table-rings"), bk):
        if r[1:] != [num(x["rings"])]:
            check(False, "%s %s: rings %r, API %r" % (period, r[0], r, x))
    check(True, "%s: feedback in time, SIMs cut and rings match the API" % period)
    fp = rows(b, "#stats-table-fp")
    want = [[x["name"], num(x["leads"])] for x in doc["false_positives"]["by_detector"]]
    check(fp == want, "%s: false positives by detector as the API: %r" % (period, fp))
    return doc


b = Console(API, CERT, SHOTS)
try:
    b.login(*PW["supervisor"])
    day = page(b, "day")
    check(sum(x["sims_cut"] for x in day["buckets"]) >= 1, "the cut SIM is counted")
    check(["simbank_login", "1"] in rows(b, "#stats-table-fp"),
          "the false positive is counted under its detector")
    check(sum(x["rings"] for x in day["buckets"]) >= 2, "the two rings are counted")
    check(b.js_text("#stats-tier h5") == "按级别统计线索", "the charts are titled in Chinese")
    b.shot("stats")
    page(b, "week", click=True)
    check(b.d.current_url.endswith("period=week"), "the week button opens period=week")
    page(b, "month")
    b.d.execute_script("localStorage.setItem('gw.lang', 'en')")
    b.d.refresh()
    b.ready("stats")
    check(b.js_text("#stats-tier h5") == "Leads by tier" and
          b.js_text("#stats-period-month") == "By month", "the page in English")
    page(b, "day")
    b.shot("stats-en")
    b.d.execute_script("localStorage.setItem('gw.lang', 'zh-CN')")
    b.logout()
    b.login(*PW["analyst"])
    b.go("#/stats")
    b.ready("stats")
    e = b.css("#page-error")
    check(e.get_attribute("data-status") == "403" and "403" in e.text,
          "an analyst gets the 403 page for statistics")
    # before the login; the home page's module, another branch's; the analyst's 403
    b.no_errors(allow=("/api/v1/me", "/js/pages/queue.js", "/api/v1/stats"))
finally:
    b.quit()
