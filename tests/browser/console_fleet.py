# SPDX-License-Identifier: BSD-2-Clause
"""The fleet as the engineer sees it, a config pushed and acknowledged (console_fleet.sh).

usage: console_fleet.py API_PORT CERT SHOTS TMP ROOT
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from browser import Console, check, passwords  # noqa: E402

API, CERT, SHOTS, T, ROOT = sys.argv[1:6]
PW = passwords(T)


def table(b):
    """[(id, silent, config state, row text)] in the order drawn."""
    return b.d.execute_script("""
        return Array.from(document.querySelectorAll('#fleet-rows tr')).map(function (tr) {
            var s = tr.querySelector('.fleet-cfg');
            return [tr.dataset.id, tr.classList.contains('fleet-silent'),
                    s ? s.dataset.state : null, tr.textContent];
        });""")


def watch_state(b, app):
    return b.d.execute_script("""
        var li = document.querySelector('#fleet-watch li[data-id="' + arguments[0] + '"]');
        var s = li && li.querySelector('.fleet-cfg');
        return s ? (s.dataset.state || 'waiting') : null;""", app)


def status_of(b, path):
    return b.d.execute_async_script("""
        var done = arguments[arguments.length - 1];
        fetch(arguments[0]).then(function (r) { done(r.status); });""", path)


def push(b, body):
    b.d.execute_script("document.getElementById('fleet-body').value = arguments[0]", body)
    b.click("#fleet-push")
    b.confirm(None)


b = Console(API, CERT, SHOTS)
try:
    user, pw = PW["engineer"]
    b.login(user, pw, home="fleet")
    b.wait(lambda d: [r[0] for r in table(b)] == ["gw-old", "gw-live"] and table(b)[0][1],
           "gw-old silent, at the top")
    rows = table(b)
    check(not rows[1][1], "gw-live is not silent (heartbeats every second)")
    check("内核" in rows[0][3] and "重组" in rows[0][3], "drops per stage, in Chinese")
    check(b.js_text("#fleet-rows tr[data-id='gw-old'] .fleet-group") == "default", "group shown")
    check(rows[1][2] == "not pushed", "gw-live: no config pushed yet")
    b.shot("fleet-before")

    # a config the appliance applies
    check(b.css("#fleet-group").get_attribute("value") == "default", "group default chosen")
    push(b, "term_window 2h\n")
    b.wait(lambda d: watch_state(b, "gw-live") is not None, "the push being watched")
    check(watch_state(b, "gw-old") == "waiting", "gw-old (gone) has not answered")
    b.wait(lambda d: watch_state(b, "gw-live") == "applied", "gw-live's ack", timeout=30)
    check(True, "gw-live's ack arrives while the page is open: applied")
    b.wait(lambda d: [r for r in table(b) if r[0] == "gw-live"][0][2] == "applied",
           "the table shows applied")
    check("1 / 2" in b.js_text("#fleet-watch-title") or "2 台设备中 1 台" in
          b.js_text("#fleet-watch-title"), "1 of 2 answered: %r" % b.js_text("#fleet-watch-title"))
    check("term_window 2h" in b.d.execute_script(
        "return document.getElementById('fleet-body').value"), "the group's config reloaded")
    b.shot("fleet-applied")
    b.d.set_window_size(1000, 760)   # docs/img/console-fleet.png
    b.shot("doc-fleet")
    b.d.set_window_size(1400, 1000)

    # a config central refuses: the parser's message
    push(b, "no_such_key 1\n")
    b.wait(lambda d: "no_such_key" in (b.js_text(".toast-msg.alert-danger") or "")
           or "unknown" in (b.js_text(".toast-msg.alert-danger") or ""), "central's refusal")
    check(True, "a bad config is refused with the parser's message: %r"
          % b.js_text(".toast-msg.alert-danger"))

    # a config the appliance refuses (a start-up key): the badge and the reason
    push(b, "term_window 2h\nheartbeat_interval 2s\n")
    b.wait(lambda d: watch_state(b, "gw-live") == "invalid", "gw-live's refusal", timeout=30)
    b.wait(lambda d: "heartbeat_interval" in (b.js_text(
        "#fleet-rows tr[data-id='gw-live'] .fleet-config") or ""), "the reason in the table")
    check("拒绝" in b.js_text("#fleet-rows tr[data-id='gw-live'] .fleet-cfg"),
          "refused, in Chinese, with the appliance's reason")
    b.shot("fleet-refused")

    # a lead is not for an engineer
    b.go("#/lead/1")
    b.ready("lead")
    b.css("#page-error")
    check(status_of(b, "/api/v1/leads/1") == 403, "GET /api/v1/leads/1 for an engineer: 403")
    if os.path.exists(os.path.join(ROOT, "central/web/js/pages/lead.js")):
        check(b.css("#page-error").get_attribute("data-status") == "403", "#/lead/1: the 403 page")
    else:
        print("note: no lead.js on this branch; #/lead/1 shows the error page")

    # English
    b.go("#/fleet")
    b.ready("fleet")
    b.click("#nav-lang")
    # one read per try: the page is drawn again in the new language
    b.wait(lambda d: (b.js_text("#main h3") or "").startswith("Fleet"), "English")
    b.wait(lambda d: "reassembly" in (table(b) or [[0, 0, 0, ""]])[0][3], "stages in English")
    check(b.js_text("#fleet-push") == "Push", "the push button in English")
    check("refused" in b.js_text("#fleet-rows tr[data-id='gw-live'] .fleet-cfg"),
          "the refusal in English")
    b.shot("fleet-en")
    b.click("#nav-lang")
    b.ready("fleet")
    b.no_errors(allow=("/api/v1/me", "/api/v1/leads", "/js/pages/lead.js",
                       "/api/v1/config/default"))
finally:
    b.quit()
