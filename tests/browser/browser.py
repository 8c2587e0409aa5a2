# SPDX-License-Identifier: BSD-2-Clause
"""The console's browser tests share this: Debian's headless Chromium driven by
python3-selenium (run with /usr/bin/python3), on a central on loopback.

    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from browser import Console, check
    b = Console(API_PORT, CERT, SHOTS)     # pins the console certificate's key
    b.login("u.analyst", pw)               # lands on the role's home page
    b.go("#/lead/3"); b.ready("lead")      # the page module has drawn
    b.shot("lead")                         # SHOTS/lead.png
    b.no_errors()                          # no CSP refusal, no missing message, no JS error

check() prints "ok: msg" or "FAIL: msg" and exits 1.
"""
import base64
import glob
import hashlib
import os
import subprocess
import sys
import tempfile
import time

from selenium import webdriver
from selenium.common.exceptions import (ElementClickInterceptedException,
                                        StaleElementReferenceException, TimeoutException)
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

WAIT = 15   # seconds any one thing may take to show


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def passwords(tmp):
    """{role: (user, password)} of the users console_lib.sh made (TMP/pw)."""
    pw = {}
    for line in open(os.path.join(tmp, "pw"), encoding="utf-8"):
        user, role, secret = line.split()
        pw[role] = (user, secret)
    return pw


def check(cond, msg):
    if not cond:
        fail(msg)
    print("ok: " + msg)


def spki_hash(cert):
    """base64 SHA-256 of the certificate's public key: what Chromium pins."""
    pub = subprocess.run(["openssl", "x509", "-pubkey", "-noout", "-in", cert],
                         check=True, capture_output=True).stdout
    der = subprocess.run(["openssl", "pkey", "-pubin", "-outform", "der"], input=pub,
                         check=True, capture_output=True).stdout
    return base64.b64encode(hashlib.sha256(der).digest()).decode()


class Console:
    """One browser on https://127.0.0.1:PORT/, trusting only the console's key."""

    def __init__(self, port, cert, shots, lang=None, downloads=None):
        self.base = "https://127.0.0.1:%d/" % int(port)
        self.shots = shots
        os.makedirs(shots, exist_ok=True)
        self.profile = tempfile.mkdtemp(prefix="gw-chromium-")
        self.downloads = downloads or os.path.join(self.profile, "downloads")
        os.makedirs(self.downloads, exist_ok=True)
        o = webdriver.ChromeOptions()
        o.binary_location = "/usr/bin/chromium"
        for a in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                  "--window-size=1400,1000", "--user-data-dir=" + self.profile,
                  "--ignore-certificate-errors-spki-list=" + spki_hash(cert),
                  "--autoplay-policy=no-user-gesture-required", "--lang=zh-CN",
                  "--disable-gpu", "--no-first-run"):
            o.add_argument(a)
        o.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        o.add_experimental_option("prefs", {
            "download.default_directory": self.downloads,
            "download.prompt_for_download": False})
        service = Service(executable_path="/usr/bin/chromedriver")
        self.d = webdriver.Chrome(options=o, service=service)
        self.d.set_page_load_timeout(30)
        self.logs = []
        self.d.get(self.base)
        if lang:
            self.d.execute_script("localStorage.setItem('gw.lang', arguments[0])", lang)
            self.d.get(self.base)

    def quit(self):
        try:
            self.d.quit()
        finally:
            subprocess.run(["rm", "-rf", self.profile], check=False)

    # ---- waiting and finding ------------------------------------------
    def wait(self, cond, what, timeout=WAIT):
        try:
            return WebDriverWait(self.d, timeout, poll_frequency=0.05).until(cond)
        except TimeoutException:
            self.shot("timeout")
            fail("timed out after %ss waiting for %s" % (timeout, what))
        return None

    def css(self, sel, timeout=WAIT):
        """The first element matching sel, once it is there."""
        return self.wait(EC.presence_of_element_located((By.CSS_SELECTOR, sel)), sel,
                         timeout)

    def all(self, sel):
        return self.d.find_elements(By.CSS_SELECTOR, sel)

    def js_text(self, sel):
        """The textContent of sel read in the page (never stale), or None."""
        return self.d.execute_script(
            "var e = document.querySelector(arguments[0]); return e ? e.textContent : null",
            sel)

    def text(self, sel):
        return self.css(sel).text

    def click(self, sel, tries=30):
        """Clicks sel once clickable. A page that redraws or shifts (a refresh, an
        event's row) can put another element over it for a moment, or replace
        it: then it is found again, scrolled to the middle and clicked again."""
        for i in range(tries):
            e = self.wait(EC.element_to_be_clickable((By.CSS_SELECTOR, sel)), sel)
            try:
                e.click()
                return e
            except (ElementClickInterceptedException, StaleElementReferenceException):
                if i == tries - 1:
                    raise
                self.d.execute_script(
                    "var e = document.querySelector(arguments[0]);"
                    " if (e) e.scrollIntoView({block: 'center'});", sel)
                time.sleep(0.1)

    def ready(self, page, timeout=WAIT):
        """The page module for PAGE has drawn (main[data-page][data-ready=1])."""
        return self.css('#main[data-page="%s"][data-ready="1"]' % page, timeout)

    def go(self, hash_):
        self.d.get(self.base + hash_)

    def api_get(self, path):
        """GET /api/v1PATH from the page, with its session cookie: the parsed JSON."""
        return self.d.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "fetch('/api/v1' + arguments[0]).then((r) => r.json()).then(done,"
            " (e) => done({error: String(e)}));", path)

    def download(self, pattern, before):
        """The new file matching pattern in the download directory (not in
        before), once Chromium has finished writing it."""
        end = time.time() + 20
        while time.time() < end:
            got = [f for f in glob.glob(os.path.join(self.downloads, pattern))
                   if f not in before]
            if got and not glob.glob(os.path.join(self.downloads, "*.crdownload")):
                return got[0]
            time.sleep(0.1)
        fail("no download %s in %s: %r" % (pattern, self.downloads,
                                           os.listdir(self.downloads)))
        return None

    def shot(self, name):
        path = os.path.join(self.shots, name + ".png")
        self.d.save_screenshot(path)
        return path

    # ---- the session ---------------------------------------------------
    def login(self, user, password, home=None):
        self.go("#/login")
        self.css("#login-user").clear()
        self.css("#login-user").send_keys(user)
        self.css("#login-password").clear()
        self.css("#login-password").send_keys(password)
        self.click("#login-submit")
        self.wait(lambda d: self.js_text("#nav-username") == user, "logged in as " + user)
        if home:
            self.ready(home)

    def logout(self):
        self.click("#nav-logout")
        self.css("#login-form")

    def confirm(self, note):
        """Answers the open confirm dialog with NOTE."""
        self.wait(lambda d: d.execute_script(
            "return document.getElementById('confirm').open"), "the confirm dialog")
        if note is not None:
            self.css("#confirm-note").send_keys(note)
        self.click("#confirm-ok")

    # ---- what went wrong in the page ---------------------------------
    def console(self):
        """Every browser console entry since the last call, kept in self.logs."""
        got = self.d.get_log("browser")
        self.logs.extend(got)
        return got

    def no_errors(self, allow=()):
        """Fails on a SEVERE console entry (a CSP refusal, a missing message key,
        an uncaught error) unless it contains one of ALLOW (an expected 401/403)."""
        bad = [e["message"] for e in self.console() if e["level"] == "SEVERE" and
               not any(a in e["message"] for a in allow)]
        check(not bad, "no errors in the browser console: %r" % bad[:3])
