# SPDX-License-Identifier: BSD-2-Clause
"""The console API's python tests share this client (Debian /usr/bin/python3, stdlib only).

    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import apiclient
    from apiclient import fail, check
    API = apiclient.Client(PORT, CA)            # secure=True: also check the security headers
    st, hdrs, doc = API.call("GET", "/api/v1/me", token=TOKEN)
    sid, csrf, doc = API.login("u.admin", password)

fail() prints "FAIL: msg" and exits 1; check() fails unless cond (and prints
"ok: msg" when apiclient.VERBOSE is set).
"""
import http.client
import json
import ssl
import sys

VERBOSE = False     # check() prints "ok: MSG" on every pass

# What every console API answer carries (central/http.c).
SEC_HEADERS = {
    "strict-transport-security": "max-age=31536000",
    "content-security-policy": "default-src 'none'; script-src 'self'; style-src 'self';"
    " img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none';"
    " form-action 'self'",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cache-control": "no-store",
}


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def check(cond, msg):
    if not cond:
        fail(msg)
    if VERBOSE:
        print("ok: " + msg)


def _need(cond, msg):
    """check() without the "ok: " line: the client's own checks."""
    if not cond:
        fail(msg)


class Client:
    """HTTPS to 127.0.0.1:PORT trusting the office CA (or CTX)."""

    def __init__(self, port, ca=None, ctx=None, secure=False, timeout=10, keepalive=False):
        self.port = int(port)
        self.ctx = ctx or ssl.create_default_context(cafile=ca)
        self.secure = secure        # check SEC_HEADERS on every answer
        self.timeout = timeout
        self.keepalive = keepalive  # one connection for every call
        self.conn = None

    def connect(self, ctx=None):
        return http.client.HTTPSConnection("127.0.0.1", self.port, context=ctx or self.ctx,
                                           timeout=self.timeout)

    def call(self, method, path, body=None, *, cookie=None, csrf=None, token=None, raw=None,
             headers=None, ctx=None, ctype="application/json", parse=True):
        """status, headers (lower-case), body: BODY goes as JSON (RAW as is) with
        Content-Type CTYPE (on any body and any non-GET; None: none; HEADERS win).
        The answer is parsed as strict UTF-8 JSON, and a 4xx/5xx must carry an
        error message; text/csv and text/event-stream answers (checked strict
        UTF-8) and parse=False give the bytes."""
        if self.keepalive and ctx is None:
            if self.conn is None:
                self.conn = self.connect()
            c = self.conn
        else:
            c = self.connect(ctx)
        h = dict(headers or {})
        if cookie:
            h["Cookie"] = "gw_session=" + cookie
        if csrf is not None:
            h["X-CSRF-Token"] = csrf
        if token:
            h["Authorization"] = "Bearer " + token
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None
                                            else None)
        if ctype and (data is not None or method != "GET") and \
                not any(k.lower() == "content-type" for k in h):
            h["Content-Type"] = ctype
        c.putrequest(method, path)
        for k, v in h.items():
            c.putheader(k, v)
        if data is not None:
            c.putheader("Content-Length", str(len(data)))
        elif method in ("POST", "PUT", "PATCH"):
            c.putheader("Content-Length", "0")
        c.endheaders()
        try:
            if data:
                c.send(data)
        except OSError:
            pass    # a 413 may come, and the connection close, before the body is sent
        r = c.getresponse()
        text = r.read()
        if c is not self.conn:
            c.close()
        hdrs = {k.lower(): v for k, v in r.getheaders()}
        what = "%s %s" % (method, path)
        if self.secure:
            for k, v in SEC_HEADERS.items():
                _need(hdrs.get(k) == v, "%s: header %s is %r" % (what, k, hdrs.get(k)))
        ct = hdrs.get("content-type", "")
        if not parse:
            return r.status, hdrs, text
        if ct.startswith("text/csv") or ct.startswith("text/event-stream"):
            try:
                text.decode("utf-8", "strict")
            except ValueError:
                fail("%s: body is not strict UTF-8: %r" % (what, text[:200]))
            return r.status, hdrs, text
        try:
            doc = json.loads(text.decode("utf-8", "strict"))
        except ValueError:
            fail("%s: body is not strict JSON: %r" % (what, text[:200]))
        if r.status >= 400 and not (isinstance(doc, dict) and isinstance(doc.get("error"), str)):
            fail("%s: %d without an error message" % (what, r.status))
        return r.status, hdrs, doc

    def login(self, name, password, *, ctx=None, may_fail=False):
        """(session id, CSRF token, answer) of a password login; the cookie must be
        HttpOnly, Secure, SameSite=Strict, Path=/ and 256 bits. MAY_FAIL: None
        for an answer other than 200."""
        st, h, doc = self.call("POST", "/api/v1/login", {"user": name, "password": password},
                               ctx=ctx)
        if st != 200 and may_fail:
            return None
        _need(st == 200, "login %s: status %d %r" % (name, st, doc))
        cookie = h.get("set-cookie", "")
        _need(cookie.startswith("gw_session="), "login: no gw_session cookie")
        flags = [f.strip() for f in cookie.split(";")[1:]]
        for f in ("HttpOnly", "Secure", "SameSite=Strict", "Path=/"):
            _need(f in flags, "login: cookie lacks %s: %r" % (f, cookie))
        sid = cookie.split(";")[0].split("=", 1)[1]
        _need(len(sid) == 64, "login: session id is not 256 bits of hex")
        _need(doc.get("role") and len(doc.get("csrf", "")) == 64, "login: %r" % doc)
        return sid, doc["csrf"], doc


def read_pwfile(path):
    """The shell's password file: ("name", "role", "password") rows and
    {role: token} from its "token-ROLE TOKEN" lines."""
    rows, tokens = [], {}
    for line in open(path):
        w = line.split()
        if w[0].startswith("token-"):
            tokens[w[0][6:]] = w[1]
        else:
            rows.append((w[0], w[1], w[2]))
    return rows, tokens
