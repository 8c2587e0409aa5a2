# SPDX-License-Identifier: BSD-2-Clause
"""Users, tokens and the audit trail as the admin and the supervisor see them
(console_admin.sh).

usage: console_admin.py API_PORT CERT SHOTS TMP ROOT
"""
import csv
import glob
import io
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from browser import Console, check, passwords  # noqa: E402

API, CERT, SHOTS, T, ROOT = sys.argv[1:6]
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
import apiclient  # noqa: E402

PW = passwords(T)
CLIENT = apiclient.Client(API, os.path.join(T, "pki", "ca.crt"))
HOSTILE = "<b>x</b>\u202e\x1b[2J"


def me(token):
    st, _, doc = CLIENT.call("GET", "/api/v1/me", token=token)
    return st, doc


def user_row(b, name):
    """The index of NAME's row in the users table, or None."""
    return b.d.execute_script("""
        var r = null, name = arguments[0];
        document.querySelectorAll('#admin-users-table tbody tr').forEach(function (tr) {
            if (tr.querySelector('.admin-user-name').textContent === name)
                r = tr.dataset.i;
        });
        return r;""", name)


def audit(b):
    """[(who, action, target, result)] of the audit table as drawn."""
    return b.d.execute_script("""
        return Array.from(document.querySelectorAll('#audit-rows tr')).map(function (tr) {
            return ['.audit-who', '.audit-action', '.audit-target', '.audit-result'].map(
                function (c) { return tr.querySelector(c).textContent; });
        });""")



def admin_page(b, hash_="#/admin"):
    b.go(hash_)
    b.d.refresh()
    b.ready("admin")
    b.css("#audit-table")


# a gang's login name in the audit trail (who = the name tried)
st, _, _ = CLIENT.call("POST", "/api/v1/login", {"user": HOSTILE, "password": "x" * 12})
check(st in (400, 401), "a hostile login name refused (%d)" % st)

b = Console(API, CERT, SHOTS)
try:
    t0 = int(time.time()) - 5
    user, pw = PW["admin"]
    b.login(user, pw)
    admin_page(b)

    # a user: add, new password, shown once
    b.css("#admin-new-name").send_keys("u.new")
    b.d.execute_script("document.getElementById('admin-new-role').value = 'analyst'")
    b.click("#admin-add-submit")
    b.wait(lambda d: user_row(b, "u.new") is not None, "u.new in the users table")
    first = b.js_text("#admin-password .admin-secret")
    check(first and len(first) >= 16, "the generated password is shown once")
    st, _, _ = CLIENT.call("POST", "/api/v1/login", {"user": "u.new", "password": first})
    check(st == 200, "u.new logs in with it")
    i = user_row(b, "u.new")
    b.click('#admin-users-table tr[data-i="%s"] .admin-reset' % i)
    b.confirm(None)
    b.wait(lambda d: b.js_text("#admin-password .admin-secret") not in (None, first),
           "a new password")
    check(True, "a new password is generated and shown")

    # a token: create, it works, revoke, it does not
    b.d.execute_script("""
        document.getElementById('admin-token-user').value = 'u.new';
        document.getElementById('admin-token-role').value = 'analyst';""")
    b.click("#admin-token-create")
    b.css("#admin-token .admin-secret")
    tok = b.js_text("#admin-token .admin-secret")
    tid = b.css("#admin-token-list li").get_attribute("data-id")
    st, doc = me(tok)
    check(st == 200 and doc["user"] == "u.new" and doc["role"] == "analyst",
          "the token acts as u.new, analyst (token #%s)" % tid)
    b.click("#admin-token-list li .admin-revoke")
    b.confirm("rotated")
    b.wait(lambda d: "已吊销" in (b.js_text("#admin-token-list li") or ""), "revoked")
    check(me(tok)[0] == 401, "the revoked token is refused (401)")
    b.shot("admin-users")

    # disable the user
    b.click('#admin-users-table tr[data-i="%s"] .admin-disable' % i)
    b.confirm("left the unit")
    b.wait(lambda d: user_row(b, "u.new") is not None and b.js_text(
        '#admin-users-table tr[data-i="%s"] .admin-user-state' % user_row(b, "u.new")) == "已停用",
        "u.new disabled")
    check(True, "the user shows as disabled")

    # the audit trail lists it all
    admin_page(b, "#/admin?who=u.admin")
    rows = audit(b)
    check(rows and all(r[0] == "u.admin" for r in rows), "who=u.admin: %d rows, all his" % len(rows))
    acts = {(r[1], r[2], r[3]) for r in rows}
    for want in (("user add", "u.new", "ok"), ("user passwd", "u.new", "ok"),
                 ("token add", "u.new", "ok"), ("token revoke", "%s (rotated)" % tid, "ok"),
                 ("user disable", "u.new (left the unit)", "ok")):
        check(want in acts, "the audit page lists %s" % (want,))
    admin_page(b, "#/admin")
    bad = [r for r in audit(b) if r[1] == "login" and r[3] == "failed" and "<b>" in r[0]]
    check(bad and bad[0][0] == "<b>x</b>\\u202e\\x1b[2J", "a hostile who shows inert: %r"
          % (bad and bad[0][0]))
    check(not b.all("#audit-table b"), "no element from a wire string")

    # the filter form: who and action
    b.css("#audit-who").send_keys("u.admin")
    b.css("#audit-action").send_keys("token revoke")
    b.click("#audit-apply")
    b.wait(lambda d: "action=token" in d.current_url, "the filter in the hash")
    b.ready("admin")
    b.wait(lambda d: len(audit(b)) == 1, "one token revoke")
    check(audit(b)[0][1:] == ["token revoke", "%s (rotated)" % tid, "ok"], "who + action filter")
    # a time range: nothing from the future, everything of this test in its span
    admin_page(b, "#/admin?since=%d" % (int(time.time()) + 3600))
    check(audit(b) == [], "since an hour ahead: no rows")
    admin_page(b, "#/admin?who=u.admin&since=%d&until=%d" % (t0, int(time.time()) + 60))
    check(("user add", "u.new", "ok") in {(r[1], r[2], r[3]) for r in audit(b)},
          "since..until holds this test's actions")
    check(b.css("#audit-since").get_attribute("value") != "", "the time shows in the form")
    b.shot("admin-audit")
    b.d.set_window_size(1000, 760)   # docs/img/console-admin.png
    b.d.execute_script("window.scrollTo(0, document.getElementById('admin-audit').offsetTop - 8)")
    time.sleep(0.3)
    b.shot("doc-admin")
    b.d.set_window_size(1400, 1000)

    # the CSV of a filter
    admin_page(b, "#/admin?action=user%20add")
    before = set(glob.glob(os.path.join(b.downloads, "*")))
    b.click("#audit-csv")
    f = b.download("audit-*.csv", before)
    raw = open(f, "rb").read()
    check(raw.startswith(b"\xef\xbb\xbf"), "the audit CSV starts with the UTF-8 BOM")
    table = list(csv.reader(io.StringIO(raw[3:].decode("utf-8"), newline="")))
    check(table[0] == ["id", "at", "who", "addr", "action", "target", "result"], "CSV header")
    check(len(table) >= 6 and all(r[4] == "user add" for r in table[1:]),
          "the CSV holds the filter's rows: %d" % (len(table) - 1))
    check(["u.admin", "user add", "u.new", "ok"] in [[r[2], r[4], r[5], r[6]] for r in table[1:]],
          "the CSV has u.new's addition")

    # English
    b.click("#nav-lang")
    b.wait(lambda d: b.js_text("#admin-audit h5") == "Audit trail", "English")
    check(b.js_text("#main h3") == "Administration", "the page in English")
    check(b.js_text("#admin-add-submit") == "Add user", "the users part in English")
    b.shot("admin-en")
    b.click("#nav-lang")
    b.ready("admin")
    b.logout()

    # the supervisor: the audit, no users or tokens
    user, pw = PW["supervisor"]
    b.login(user, pw)
    admin_page(b)
    check(not b.all("#admin-users") and not b.all("#admin-tokens"),
          "the supervisor sees no users or tokens")
    check(len(audit(b)) > 0, "the supervisor sees the audit trail")
    b.no_errors(allow=("/api/v1/me", "/js/pages/queue.js"))
finally:
    b.quit()
