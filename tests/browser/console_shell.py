# SPDX-License-Identifier: BSD-2-Clause
"""Each role logs in and lands on its home page with its nav; the language is
remembered; a wrong password is refused in the user's language (console_shell.sh).

usage: console_shell.py API_PORT CERT SHOTS TMP ROOT
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from browser import Console, check, passwords  # noqa: E402

API, CERT, SHOTS, T = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
PW = passwords(T)

NAV = {"admin": ["queue", "rings", "cards", "fleet", "stats", "admin"],
       "supervisor": ["queue", "rings", "cards", "fleet", "stats", "admin"],
       "analyst": ["queue", "rings", "cards"],
       "carrier": ["cards"], "engineer": ["fleet"]}

b = Console(API, CERT, SHOTS)
try:
    b.css("#login-form")
    check(b.d.execute_script("return document.documentElement.lang") == "zh-CN",
          "the console opens in Simplified Chinese")
    check(b.text("#login-submit") == "登录", "the login button is in Chinese")
    b.css("#login-user").send_keys(PW["analyst"][0])
    b.css("#login-password").send_keys("not the password")
    b.click("#login-submit")
    b.wait(lambda d: "错误" in (b.js_text("#login-error") or ""), "a refusal")
    check(True, "a wrong password is refused, in Chinese")
    b.shot("login")
    for role, pages in NAV.items():
        user, pw = PW[role]
        b.login(user, pw)
        links = [e.get_attribute("id")[4:] for e in b.all("#nav-links a")]
        check(links == pages, "%s sees the nav %s (got %s)" % (role, pages, links))
        check(b.d.current_url.endswith("#/" + pages[0]), "%s lands on %s" % (role, pages[0]))
        b.logout()
    b.click("#login-lang")
    b.wait(lambda d: b.js_text("#login-submit") == "Log in", "English")
    b.go("")
    b.d.refresh()
    b.wait(lambda d: b.js_text("#login-submit") == "Log in", "English after a reload")
    check(True, "the language switch is remembered across a reload")
    b.no_errors(allow=("/api/v1/me", "/api/v1/login", "/js/pages/"))
finally:
    b.quit()
