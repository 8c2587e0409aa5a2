# SPDX-License-Identifier: BSD-2-Clause
"""The evidence files of a lead as an analyst sees them (console_evidence.sh).

usage: console_evidence.py API_PORT CERT SHOTS TMP ROOT LEAD EVIDENCE_DIR
"""
import glob
import hashlib
import json
import os
import re
import sys
import tarfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from browser import Console, check, fail  # noqa: E402

API, CERT, SHOTS, T, ROOT, LEAD, EVC = sys.argv[1:8]
LEAD = int(LEAD)
PW = {}
for line in open(os.path.join(T, "pw"), encoding="utf-8"):
    user, role, pw = line.split()
    PW[role] = (user, pw)
TIME = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$")


def fetch(b, path):
    """[status, headers we look at, JSON or None] of a GET in the page, as the user."""
    return b.d.execute_async_script("""
        var done = arguments[arguments.length - 1];
        fetch(arguments[0]).then(function (r) {
            var h = {};
            ['content-type', 'content-disposition', 'content-security-policy',
             'x-content-type-options'].forEach(function (k) { h[k] = r.headers.get(k); });
            var j = (h['content-type'] || '').indexOf('application/json') === 0;
            (j ? r.json() : r.arrayBuffer().then(function () { return null; }))
                .then(function (d) { done([r.status, h, d]); });
        });""", path)


def rows(b):
    """The file rows as drawn: sha256, texts, the link's href attribute."""
    return b.d.execute_script("""
        return [...document.querySelectorAll('#evfile-table tbody tr.evfile')].map(function (tr) {
            var a = tr.querySelector('a.evfile-get');
            return {sha: tr.dataset.sha256, cells: [...tr.cells].map(function (c) {
                    return c.textContent; }),
                title: tr.querySelector('.evfile-sha').title,
                href: a ? a.getAttribute('href') : null, download: a ? a.hasAttribute('download') : false};
        });""")



b = Console(API, CERT, SHOTS)
try:
    user, pw = PW["analyst"]
    b.login(user, pw)
    b.go("#/lead/%d" % LEAD)
    b.ready("lead")
    st, _, listed = fetch(b, "/api/v1/leads/%d/evidence" % LEAD)
    files = listed["files"]
    check(st == 200 and len(files) >= 2, "API: the lead has %d evidence files" % len(files))
    got = rows(b)
    check(len(got) == len(files), "the card shows one row per file (%d)" % len(got))
    check(b.js_text("#evfile-head") == "证据文件（%d）" % len(files), "the card's title counts them")
    check([r["sha"] for r in got] == [f["sha256"] for f in files], "rows in the API's order")
    for r, f in zip(got, files):
        if not (TIME.match(r["cells"][0]) and f["appliance"] in r["cells"][1] and
                f["name"] in r["cells"][1] and r["title"] == f["sha256"] and
                r["cells"][3] == f["sha256"][:12] + "…" and r["cells"][4] == "签名已验证" and
                r["href"] == "/api/v1/leads/%d/evidence/%s" % (LEAD, f["sha256"]) and
                r["download"]):
            fail("row %r for %r" % (r, f))
    check(True, "each row: office time, appliance and file, short sha256 (full in the title), "
          "verified, a download link built from the lead id and the sha256")
    first = files[0]
    check(b.d.execute_script("""
        var t = document.querySelector('#evfile-table tr.evfile .evfile-time').textContent;
        return t;""") == b.d.execute_script("""
        return new Intl.DateTimeFormat('sv-SE', {timeZone: 'Asia/Shanghai', year: 'numeric',
            month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit',
            second: '2-digit', hour12: false}).format(new Date(arguments[0] * 1000));""",
        first["received"]), "the received time in the office's time zone")

    # the package of the newest file, through the page's link
    sha = files[-1]["sha256"]
    st, hdr, _ = fetch(b, "/api/v1/leads/%d/evidence/%s" % (LEAD, sha))
    check(st == 200 and hdr["content-type"] == "application/x-tar" and
          hdr["content-disposition"] == 'attachment; filename="lead-%d-%s.tar"' % (LEAD, sha[:12])
          and hdr["x-content-type-options"] == "nosniff",
          "the package: application/x-tar, an attachment, nosniff: %r" % hdr)
    # (that fetch was a download too: the custody count below expects it)
    before = set(glob.glob(os.path.join(b.downloads, "*")))
    link = b.css('#evfile-table tr[data-sha256="%s"] a.evfile-get' % sha)
    b.d.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", link)
    link.click()
    path = b.download("lead-%d-%s.tar" % (LEAD, sha[:12]), before)
    with tarfile.open(path) as tar:
        names = sorted(tar.getnames())
        pcap = tar.extractfile(sha + ".pcapng").read()
        manifest = json.load(tar.extractfile("manifest.json"))
    check(names == sorted([sha + ".pcapng", sha + ".pcapng.sig", sha + ".pcapng.crt",
                           "ca.crt", "manifest.json"]), "the download is the package: %s" % names)
    check(hashlib.sha256(pcap).hexdigest() == sha, "its pcapng has the sha256 of its row")
    with open(os.path.join(EVC, sha[:2], sha + ".pcapng"), "rb") as f:
        check(f.read() == pcap, "the bytes central stored")
    check(manifest["lead"] == LEAD and manifest["file"]["sha256"] == sha, "the manifest names both")
    with open(os.path.join(T, "pkg.pcapng"), "wb") as f:
        f.write(pcap)

    # the shot: the card in view, 1000 px wide
    b.d.set_window_size(1000, 900)
    b.d.execute_script("document.getElementById('lead-evfiles').scrollIntoView({behavior: 'instant'})")
    time.sleep(0.3)
    b.shot("console-evidence")
    b.d.set_window_size(1400, 1000)
    b.no_errors(allow=("/api/v1/me",))    # (the 401 before the login)
    b.d.execute_script("window.scrollTo({top: 0, behavior: 'instant'})")
    b.logout()

    # custody: the admin reads the analyst's downloads in the audit trail
    user, pw = PW["admin"]
    b.login(user, pw)
    st, _, audit = fetch(b, "/api/v1/audit?who=u.analyst&action=evidence.downloaded")
    mine = [a for a in audit["audit"] if a["target"] == "evidence:" + sha and a["result"] == "ok"]
    check(st == 200 and len(mine) == 2, "custody: the analyst's 2 downloads of the file are in "
          "the audit trail (the page's fetch and the link)")
    b.logout()

    # carrier and engineer: no evidence
    for role in ("carrier", "engineer"):
        user, pw = PW[role]
        b.login(user, pw)
        check(fetch(b, "/api/v1/leads/%d/evidence" % LEAD)[0] == 403, role + ": the list is 403")
        check(fetch(b, "/api/v1/leads/%d/evidence/%s" % (LEAD, sha))[0] == 403,
              role + ": the package is 403")
        b.go("#/lead/%d" % LEAD)
        b.ready("lead")
        check(b.css("#page-error").get_attribute("data-status") == "403" and
              not b.all("#lead-evfiles"), role + ": the lead page is the 403 page, no files")
        b.logout()
    b.no_errors(allow=("/api/v1/leads", "/api/v1/me", "/api/v1/appliances", "/api/v1/sims"))
finally:
    b.quit()
