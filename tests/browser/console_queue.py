# SPDX-License-Identifier: BSD-2-Clause
"""The lead queue and the lead detail (console_queue.sh).

usage: console_queue.py API_PORT CERT SHOTS TMP ROOT BUILD CENTRAL_PORT FILLED
FILLED leads are in the database (ids 1..FILLED); the lab's lead comes after.
"""
import calendar
import json
import os
import statistics
import subprocess
import sys
import time

from selenium.common.exceptions import NoAlertPresentException

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                                "integration"))
from browser import Console, check, fail, passwords  # noqa: E402
import apiclient  # noqa: E402

API, CERT, SHOTS, T, ROOT = sys.argv[1:6]
B, PORT, FILLED = sys.argv[6], sys.argv[7], int(sys.argv[8])
CA = os.path.join(T, "pki", "ca.crt")
PW = passwords(T)
HOSTILE_DEV = "<script>alert(1)</script>\"'\x1b[31m\u202eRTL<img src=x onerror=alert(2)>"
HOSTILE_UA = "dble<b>\"x\x1b]0;t\x07\u202eevil</b>"

api = apiclient.Client(int(API), CA)


def api_get(path, role="supervisor"):
    sid, _, _ = api.login(*PW[role])
    st, _, doc = api.call("GET", path, cookie=sid)
    check(st == 200, "GET %s as %s: %d" % (path, role, st))
    return doc


def no_alert(b):
    try:
        a = b.d.switch_to.alert
        fail("an alert opened: %r" % a.text)
    except NoAlertPresentException:
        pass


def first_row_id(b):
    return b.d.execute_script(
        "var r = document.querySelector('#queue-rows tr[data-id]'); return r && r.dataset.id")


def timed_queue(b, hash_):
    """ms from the hash change to the queue page drawn (its module resolved)."""
    b.d.execute_script("document.getElementById('main').dataset.ready = 'x';"
                       "window.gwT0 = performance.now(); location.hash = arguments[0];", hash_)
    b.ready("queue", timeout=60)
    return b.d.execute_script("return Number(document.getElementById('main').dataset.drawnAt)"
                              " - window.gwT0")


def ingest_hostile():
    """A detection with a hostile device id and User-Agent through the real uplink."""
    now = int(time.time())
    rec = {"type": "detection", "ts": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(now)),
           "subject": {"ip": "100.99.0.1", "account": "acct\x1b[2J\u202e\"<i>"},
           "verdict": "goip_present", "tier": "urgent", "score": 80,
           "evidence": [{"kind": "sip_user_agent", "detail": HOSTILE_UA, "count": 2}],
           "peers": [{"ip": "198.51.100.9", "port": 5060, "count": 3}],
           "device": {"id": HOSTILE_DEV, "sims": [{"imsi": "460019999", "iccid": "8986<b>",
                                                    "msisdn": "=cmd|x", "imei": "86\u202e1"}]}}
    with open(os.path.join(T, "hostile.jsonl"), "w", encoding="ascii") as f:
        f.write(json.dumps(rec, ensure_ascii=True, separators=(",", ":")) + "\n")
    pki = os.path.join(T, "pki")
    subprocess.run([os.path.join(ROOT, "scripts/certs.sh"), pki, "appliance", "gw-hostile"],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    r = subprocess.run(["timeout", "60", os.path.join(B, "uplink_sender"), "-s",
                        os.path.join(T, "spool-hostile"), "-p", PORT, "-a", CA, "-c",
                        os.path.join(pki, "gw-hostile.crt"), "-k",
                        os.path.join(pki, "gw-hostile.key"), "-b", "100", "-R",
                        os.path.join(T, "hostile.jsonl"), "-w", "-t", "30"],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    check(r.returncode == 0, "uplink_sender (hostile record): %r" % r.stdout[-300:])
    leads = api_get("/api/v1/leads?q=100.99.0.1")["leads"]
    if len(leads) != 1 and os.path.exists(os.path.join(T, "central.db")):
        print(subprocess.run(["sqlite3", os.path.join(T, "central.db"),
                              "SELECT appliance, seq, type, substr(body, 1, 300) FROM records"
                              " WHERE appliance = 'gw-hostile'; SELECT reason FROM quarantine"],
                             capture_output=True, text=True).stdout)
    check(len(leads) == 1, "the hostile lead is stored")
    return leads[0]["id"]


b = Console(API, CERT, SHOTS)
b.d.set_window_size(1000, 800)     # the screenshots as docs/img takes them
try:
    user, pw = PW["analyst"]
    b.login(user, pw, home="queue")
    check(b.d.current_url.endswith("#/queue"), "the analyst lands on the lead queue")

    # ---- the queue with FILLED leads: its render time ------------------
    if FILLED > 0:
        ms = []
        for h in ("#/queue?tier=urgent", "#/queue", "#/queue?status=new", "#/queue"):
            ms.append(timed_queue(b, h))
        rows = len(b.all("#queue-rows tr[data-id]"))
        check(rows == 100, "a first page of 100 of %d leads (got %d)" % (FILLED, rows))
        print("figure: queue render with %d leads: %s ms (median %.0f; module's fetch+draw %s ms)"
              % (FILLED, ", ".join("%.0f" % x for x in ms), statistics.median(ms),
                 b.d.execute_script("return document.getElementById('main').dataset.renderMs")))
        check(max(ms) < 10000, "the queue renders within a generous 10 s bound")
        top = b.all("#queue-rows tr[data-id]")[0]
        check("overdue" in top.get_attribute("class"), "overdue leads come first, in red")
        site = b.js_text("#queue-rows tr[data-id] td:nth-child(6)")
        check(site.startswith("site-"), "the site column shows the appliance's site (%r)" % site)
        b.css("#queue-more")
        # (a WebDriver click at the page's foot is refused now and then as
        # "intercepted" while the rows settle; the button's own click is the same)
        b.d.execute_script("document.getElementById('queue-more').click()")
        b.wait(lambda d: len(b.all("#queue-rows tr[data-id]")) == 200, "a second page")
        ids = [e.get_attribute("data-id") for e in b.all("#queue-rows tr[data-id]")]
        check(len(set(ids)) == 200, "'more' adds the next 100 leads, none twice")
        b.shot("queue-100k")
        # the filters update the hash and the list
        b.d.execute_script("location.hash = '#/queue'")
        b.ready("queue")
        b.css("#queue-f-tier option[value='high']").click()
        b.wait(lambda d: "tier=high" in d.current_url, "the tier filter in the hash")
        b.ready("queue")
        tiers = {e.get_attribute("data-tier") for e in b.all("#queue-rows tr[data-id]")}
        check(tiers == {"high"}, "tier filter: only high leads (%r)" % tiers)
        b.css("#queue-f-mine").click()
        b.wait(lambda d: "mine=1" in d.current_url, "the mine filter in the hash")
        b.ready("queue")
        check(b.css("#queue-empty").is_displayed(), "mine: none assigned to the analyst")
        b.go("#/queue")
        b.ready("queue")

    # ---- the live lead ---------------------------------------------------
    open(os.path.join(T, "queue-open"), "w").close()
    lab = FILLED + 1
    row = "#lead-row-%d" % lab
    b.css(row, timeout=120)
    seen_at = time.time()
    check(True, "the lab's lead #%d appears in the open queue without a reload" % lab)
    raised = api_get("/api/v1/leads?id=%d" % lab)["leads"][0]["raised_at"]
    ev, shown = (int(b.css(row).get_attribute("data-" + k)) / 1000.0
                 for k in ("event-at", "shown-at"))
    print("figure: lead raised at %s (central's clock, 1 s resolution); its first change "
          "reached the page %.2f s later, the row was in place %.3f s after that; the "
          "test saw it %.2f s after raised_at" % (
              raised, ev - calendar.timegm(time.strptime(raised, "%Y-%m-%dT%H:%M:%SZ")),
              shown - ev, seen_at - calendar.timegm(time.strptime(raised, "%Y-%m-%dT%H:%M:%SZ"))))
    check(b.d.execute_script("return document.getElementById('main').dataset.page") == "queue",
          "still the same page (no reload)")
    b.wait(lambda d: b.css("#banner").get_attribute("hidden") is None and
           "#%d" % lab in (b.js_text("#banner") or ""), "the urgent banner for #%d" % lab)
    check(True, "the urgent banner names lead #%d" % lab)
    beeps = int(b.d.execute_script("return document.body.dataset.beeps || '0'"))
    check(beeps >= 1, "the tone sounded (%d beeps counted)" % beeps)
    check(b.css(row).get_attribute("data-tier") == "urgent", "the lead is urgent")
    c1 = b.js_text(row + " .countdown")
    time.sleep(1.5)
    c2 = b.js_text(row + " .countdown")
    check(c1 and c2 and c1 != c2, "its countdown runs (%r, then %r)" % (c1, c2))
    b.wait(lambda d: "pending" not in b.css(row).get_attribute("class") and
           "100.64.1.10" in (b.js_text(row) or ""), "the row's line from the API")
    check(True, "the row then shows the line 100.64.1.10 from the API")
    check(first_row_id(b) == str(lab),
          "the overdue urgent lab lead is at the top (first row #%s)" % first_row_id(b))
    check("overdue" in b.css(row).get_attribute("class"), "... and red (overdue)")
    b.shot("queue-live")

    # ---- the lead detail and an acknowledgement -------------------------
    subprocess.run(["sh", "-c", "i=0; while [ ! -f %s ] && [ $i -lt 1200 ]; do i=$((i+1)); "
                    "sleep 0.1; done" % os.path.join(T, "replayed")], check=False)
    b.click(row + " a.lead-link")
    b.ready("lead")
    b.wait(lambda d: b.js_text("#lead-title") is not None, "the lead page")
    kinds = {e.get_attribute("data-kind") for e in b.all("#lead-evidence tr[data-kind]")}
    for k in ("sip_user_agent", "termination_pattern"):
        check(k in kinds, "evidence %s shown (%s)" % (k, sorted(kinds)))
    check(any(k.startswith("sms_server") for k in kinds), "SMS-server evidence shown")
    ua = [e.text for e in b.all("#lead-evidence tr[data-kind='sip_user_agent'] td")]
    check(any("dble" in x for x in ua), "the User-Agent dble is shown (%r)" % ua[:2])
    sims = b.all("#lead-sim-table tr.sim")
    check(len(sims) == 4, "the 4 SIMs are listed (%d)" % len(sims))
    check(b.css("#lead-chart").tag_name == "canvas", "the per-hour chart is drawn")
    b.shot("lead")
    b.click("#lead-act-acknowledge")
    b.confirm("on it \u4e2d <b>")
    b.wait(lambda d: b.js_text("#lead-status") == "\u5df2\u7b7e\u6536", "status acknowledged")
    check(True, "the page shows the new state (acknowledged)")
    hist = [e.text for e in b.all("#lead-history-table tr.hist[data-kind='feedback']")]
    check(any("on it" in h and user in h for h in hist),
          "the history has the acknowledgement with its note and user (%r)" % hist)
    check(not b.all("#lead-act-acknowledge"), "acknowledge is no longer offered")
    doc = api_get("/api/v1/leads/%d" % lab)
    check(doc["lead"]["status"] == "acknowledged" and doc["lead"]["status_by"] == user,
          "the API has the lead acknowledged by %s" % user)
    audit = api_get("/api/v1/audit?limit=200")["audit"]
    hit = [a for a in audit if a["action"] == "feedback acknowledged" and
           a["target"] == "lead %d" % lab]
    check(len(hit) == 1 and hit[0]["who"] == user and hit[0]["result"] == "ok",
          "one audit row: %s, feedback acknowledged, lead %d, ok (%r)" % (user, lab, hit))

    # ---- hostile strings stay text --------------------------------------
    hid = ingest_hostile()
    b.go("#/queue?q=100.99.0.1")
    b.ready("queue")
    b.css("#lead-row-%d" % hid)
    dev = b.js_text("#lead-row-%d .device" % hid)
    check("<script>" in dev and "\\x1b" in dev and "\\u202e" in dev,
          "the queue shows the hostile device id as escaped text (%r)" % dev)
    b.go("#/lead/%d" % hid)
    b.ready("lead")
    dev = b.js_text("#lead-device")
    check(dev is not None and "<script>alert(1)</script>" in dev and "\\x1b[31m" in dev and
          "\\u202eRTL" in dev and "\"'" in dev,
          "the lead shows the device id inert, with visible escapes (%r)" % dev)
    ua = b.js_text("#lead-evidence tr[data-kind='sip_user_agent']")
    check(ua is not None and "<b>" in ua and "\\x1b]0;t\\x07" in ua and "\\u202e" in ua,
          "the User-Agent is inert text with visible escapes (%r)" % ua)
    injected = b.d.execute_script(
        "return document.querySelectorAll('#main script, #main img, #main b, #main i').length")
    check(injected == 0, "no element injected into the page")
    raw = b.d.execute_script("return document.getElementById('main').textContent")
    check("\x1b" not in raw and "\u202e" not in raw, "no raw escape or RTL override on the page")
    no_alert(b)
    b.shot("lead-hostile")

    # ---- English ----------------------------------------------------------
    b.click("#nav-lang")
    b.wait(lambda d: (b.js_text("#lead-title") or "").startswith("Lead #%d" % hid),
           "the lead's heading in English")
    check(b.js_text("#lead-line .card-header") == "Line", "the sections are in English")
    b.go("#/queue")
    b.ready("queue")
    check((b.js_text("#main h2") or "").startswith("Lead queue"), "the queue heading in English")
    b.click("#nav-lang")
    b.wait(lambda d: (b.js_text("#main h2") or "").startswith("\u7ebf\u7d22\u961f\u5217"),
           "back to Chinese")
    b.no_errors(allow=("/api/v1/me", "/api/v1/login"))
    b.logout()

    # ---- a supervisor assigns the lead; the analyst finds it under "mine" --
    b.login(*PW["supervisor"], home="queue")
    b.go("#/lead/%d" % lab)
    b.ready("lead")
    b.click("#lead-act-assign")
    b.wait(lambda d: d.execute_script("return document.getElementById('confirm').open"),
           "the assign dialog")
    b.css("#lead-assign-user").send_keys(user)
    b.confirm("yours")
    b.wait(lambda d: b.js_text("#lead-assignee") == user, "the assignee on the page")
    hist = [e.text for e in b.all("#lead-history-table tr.hist[data-kind='assigned']")]
    check(any(user in h and "yours" in h for h in hist),
          "the supervisor assigned it to %s; the history shows it (%r)" % (user, hist))
    b.no_errors(allow=("/api/v1/me", "/api/v1/login"))
    b.logout()
    # an admin picks the user from a list (GET /users), without a note
    b.login(*PW["admin"], home="queue")
    b.go("#/lead/%d" % hid)
    b.ready("lead")
    b.click("#lead-act-assign")
    b.css("#lead-assign-user option[value='u.supervisor']").click()
    b.confirm(None)
    b.wait(lambda d: b.js_text("#lead-assignee") == "u.supervisor", "the admin's assignment")
    check(True, "an admin assigns a lead by picking the user from the list")
    b.no_errors(allow=("/api/v1/me", "/api/v1/login"))
    b.logout()
    b.login(user, pw, home="queue")
    b.go("#/queue?mine=1")
    b.ready("queue")
    ids = [e.get_attribute("data-id") for e in b.all("#queue-rows tr[data-id]")]
    check(ids == [str(lab)], "the analyst's 'mine' filter lists just that lead (%r)" % ids)
    b.logout()

    # ---- an engineer may not open a lead ------------------------------
    b.login(*PW["engineer"])
    b.go("#/lead/%d" % lab)
    b.wait(lambda d: b.d.execute_script(
        "var e = document.getElementById('page-error'); return e && e.dataset.status") == "403",
        "the 403 page")
    check("403" in b.js_text("#page-error h4"), "an engineer gets the clear 403 page")
    b.shot("lead-403")
    no_alert(b)
    b.no_errors(allow=("/api/v1/me", "/api/v1/login", "/api/v1/leads/", "/js/pages/fleet.js"))
finally:
    b.quit()
