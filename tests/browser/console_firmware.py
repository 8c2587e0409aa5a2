# SPDX-License-Identifier: BSD-2-Clause
"""Firmware rollouts on the fleet page: start and halt by the engineer, hostile
strings as text, the supervisor reads, the analyst has no section
(console_firmware.sh).

usage: console_firmware.py API_PORT CERT SHOTS TMP ROOT
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from browser import Console, check, passwords  # noqa: E402

API, CERT, SHOTS, T, ROOT = sys.argv[1:6]
PW = passwords(T)
EVIL = '<img src=x onerror="document.body.dataset.pwned=1">'


def rollouts(b):
    """[{id, group, phase, active, reason, members: [(appliance, role, state, message)]}]"""
    return b.d.execute_script("""
        return Array.from(document.querySelectorAll('#fw-rollouts .fw-rollout')).map(function (c) {
            var r = c.querySelector('.fw-reason');
            return {id: c.dataset.id, phase: c.dataset.phase, active: c.dataset.active,
                head: c.querySelector('.card-header').textContent,
                reason: r ? r.textContent : null,
                halt: !!c.querySelector('.fw-halt'),
                members: Array.from(c.querySelectorAll('tr.fw-member')).map(function (tr) {
                    return [tr.querySelector('.fw-appliance').textContent,
                            tr.children[1].textContent, tr.dataset.state,
                            tr.querySelector('.fw-message').textContent];
                })};
        });""")


def lab(b):
    got = [r for r in rollouts(b) if "gw-lab1" in [m[0] for m in r["members"]]]
    return got[0] if got else None


def press(b, sel):
    """Clicks sel once it is scrolled to the middle of the window."""
    b.d.execute_script("document.querySelector(arguments[0]).scrollIntoView({block: 'center'})",
                       sel)
    b.click(sel)


def nav(b, sel):
    """The nav's buttons (the long page may be scrolled away from them)."""
    b.css(sel)
    b.d.execute_script("window.scrollTo(0, 0); document.querySelector(arguments[0]).click()", sel)


def inert(b):
    """No element made from a wire string, and no handler ran."""
    check(not b.d.execute_script("return document.querySelector('#fw-box img') !== null"),
          "no <img> inside the firmware section")
    check(b.d.execute_script("return document.body.dataset.pwned") is None,
          "no hostile handler ran")


b = Console(API, CERT, SHOTS)
try:
    user, pw = PW["engineer"]
    b.login(user, pw, home="fleet")
    b.css("#fw-box")
    check(b.js_text("#fw-box h5") == "固件", "the section, in Chinese: %r" % b.js_text("#fw-box h5"))
    b.wait(lambda d: "1.2.4" in (b.js_text("#fw-bundles") or ""), "the stored bundle")
    bundle = b.js_text("#fw-bundles tr")
    check("goipwatch-test" in bundle and "default" in bundle and "KiB" in bundle,
          "bundle row: version, group, size, compatible: %r" % bundle)

    # the halted rollout of group old, its member's hostile message as text
    old = [r for r in rollouts(b) if r["members"] and r["members"][0][0] == "gw-old"]
    check(len(old) == 1 and old[0]["phase"] == "halted" and old[0]["active"] == "0",
          "group old's rollout halted: %r" % old)
    check(not old[0]["halt"], "no Halt button on a halted rollout")
    check(old[0]["members"][0][3] == "refused: " + EVIL, "the hostile message shown as text")
    check("halted by" in (old[0]["reason"] or ""), "its reason: %r" % old[0]["reason"])
    inert(b)

    # start a rollout with the form
    opts = b.d.execute_script(
        "return Array.from(document.querySelectorAll('#fw-version option')).map(o => o.value)")
    check(opts == ["1.2.4"], "the version choices are the stored bundles': %r" % opts)
    groups = b.d.execute_script(
        "return Array.from(document.querySelectorAll('#fw-group option')).map(o => o.value)")
    check("lab" in groups and "old" in groups, "the group choices: %r" % groups)
    b.d.execute_script("""document.getElementById('fw-group').value = 'lab';
        document.getElementById('fw-canaries').value = '1';
        document.getElementById('fw-window').value = '900';""")
    press(b, "#fw-start")
    b.confirm(None)
    b.wait(lambda d: lab(b) is not None, "the new rollout listed")
    r = lab(b)
    check(r["active"] == "1" and r["phase"] == "canary", "phase canary, active: %r" % r)
    check("900" in r["head"] and "1" in r["head"], "window and canaries shown: %r" % r["head"])
    apps = sorted(m[0] for m in r["members"])
    check(apps == sorted(["gw-lab1", EVIL]), "two members, the hostile id as text: %r" % apps)
    check(all(m[2] in ("waiting", "offered") for m in r["members"]),
          "members waiting or offered: %r" % [m[2] for m in r["members"]])
    check(r["members"][0][1] == "先行" and r["members"][1][1] == "其余",
          "canary first, then the rest: %r" % [m[1] for m in r["members"]])
    check(r["halt"], "a Halt button on the active rollout")
    inert(b)
    b.shot("firmware-started")

    # a second rollout in the same group: the API's refusal
    press(b, "#fw-start")
    b.confirm(None)
    b.wait(lambda d: not b.d.execute_script("return document.getElementById('fw-error').hidden"),
           "the refusal")
    err = b.js_text("#fw-error")
    check("active rollout" in err, "one active rollout per group, the API's words: %r" % err)

    # halt it with the button
    b.d.execute_script("""
        Array.from(document.querySelectorAll('#fw-rollouts .fw-rollout'))
            .filter(c => c.dataset.active === '1')[0].querySelector('.fw-halt').click();""")
    b.confirm(None)
    b.wait(lambda d: lab(b)["phase"] == "halted", "phase halted")
    r = lab(b)
    check(r["active"] == "0" and not r["halt"], "no longer active, no Halt button")
    check("halted by u.engineer" in (r["reason"] or ""), "the reason: %r" % r["reason"])
    check("已中止" in r["head"], "phase halted, in Chinese: %r" % r["head"])
    inert(b)
    b.shot("firmware-halted")
    b.d.set_window_size(1000, 1100)
    b.d.execute_script("document.getElementById('fw-box').scrollIntoView()")
    b.shot("doc-firmware")
    b.d.set_window_size(1400, 1000)

    # English
    nav(b, "#nav-lang")
    b.wait(lambda d: b.js_text("#fw-box h5") == "Firmware", "English")
    check(b.js_text("#fw-start") == "Start rollout", "the start button in English")
    check("halted" in lab(b)["head"], "phase halted in English")
    nav(b, "#nav-lang")
    b.ready("fleet")
    b.no_errors(allow=("/api/v1/me", "/api/v1/firmware/rollouts"))
    nav(b, "#nav-logout")
    b.css("#login-form")

    # the supervisor reads, without the form or the button
    user, pw = PW["supervisor"]
    b.login(user, pw)
    b.go("#/fleet")
    b.ready("fleet")
    b.css("#fw-box")
    b.wait(lambda d: lab(b) is not None, "the supervisor sees the rollouts")
    check(not b.all("#fw-form") and not b.all(".fw-halt"), "no start form, no Halt for a supervisor")
    b.no_errors(allow=("/api/v1/me",))
    nav(b, "#nav-logout")
    b.css("#login-form")

    # the analyst: no fleet page, no firmware section
    user, pw = PW["analyst"]
    b.login(user, pw, home="queue")
    check(not b.all("#nav-fleet"), "no fleet in the analyst's nav")
    b.go("#/fleet")
    b.ready("fleet")
    b.css("#page-error")
    check(not b.all("#fw-box"), "no firmware section for an analyst")
    check(b.d.execute_async_script("""var done = arguments[arguments.length - 1];
        fetch('/api/v1/firmware').then(function (r) { done(r.status); });""") == 403,
          "GET /api/v1/firmware for an analyst: 403")
    b.no_errors(allow=("/api/v1/appliances", "/api/v1/firmware", "/api/v1/me"))
finally:
    b.quit()
