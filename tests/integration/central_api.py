# SPDX-License-Identifier: BSD-2-Clause
"""The console API against a running goipwatch-central (central_api.sh).

usage: central_api.py PORT CA_FILE PASSWORD_FILE
PASSWORD_FILE: "name role password" lines, one user per role, plus "thr"
(throttling) and "token-ROLE TOKEN" lines for bearer tokens.
Prints one line per check; exits 1 at the first failure.
"""
import http.client
import json
import os
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import apiclient  # noqa: E402
from apiclient import check  # noqa: E402

PORT, CA, PWFILE = int(sys.argv[1]), sys.argv[2], sys.argv[3]
API = apiclient.Client(PORT, CA, secure=True)   # the security headers on every answer
CTX = API.ctx
call = API.call
# The role x route table, written here independently of central/api.c.
ROLES = ["admin", "supervisor", "analyst", "carrier", "engineer"]
ROUTES = []     # (method, path, allowed roles) from api_routes.txt
for _line in open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "api_routes.txt")):
    _w = _line.split()
    if _w and not _w[0].startswith("#"):
        ROUTES.append((_w[0], _w[1], set(ROLES) if _w[2] == "all" else set(_w[2].split(","))))


def login(name, password):
    return API.login(name, password)[:2]


def read_users():
    rows, tokens = apiclient.read_pwfile(PWFILE)
    return {n: (r, p) for n, r, p in rows}, tokens


def test_plain_http_refused():
    s = socket.create_connection(("127.0.0.1", PORT), timeout=5)
    s.sendall(b"GET /api/v1/me HTTP/1.1\r\nHost: x\r\n\r\n")
    got = b""
    try:
        while len(got) < 4096:
            b = s.recv(4096)
            if not b:
                break
            got += b
    except (socket.timeout, ConnectionResetError):
        pass
    s.close()
    check(b"HTTP/1." not in got and b"api" not in got, "plain HTTP answered: %r" % got[:100])
    print("ok: plain HTTP refused")


def test_matrix(users, tokens):
    for role in ROLES:
        name = [n for n, (r, _) in users.items() if r == role][0]
        sid, csrf = login(name, users[name][1])
        st, _, me = call("GET", "/api/v1/me", cookie=sid)
        check(st == 200 and me["user"] == name and me["role"] == role, "me: %r" % me)
        for method, path, allowed in ROUTES:
            for how, kw in (("session", {"cookie": sid, "csrf": csrf}),
                            ("token", {"token": tokens[role]})):
                st, _, doc = call(method, path, {} if method != "GET" else None, **kw)
                if role in allowed:
                    check(st not in (401, 403, 404, 405), "%s %s by %s (%s): %d (%r)"
                          % (method, path, role, how, st, doc))
                else:
                    check(st == 403, "%s %s by %s (%s): %d, want 403 (%r)"
                          % (method, path, role, how, st, doc))
                if path == "/api/v1/leads" and st == 200:
                    ids = sorted(x["device_id"] for x in doc["leads"])
                    check(ids == ["GoIP\x1b[2J\"\u4e2d1", "GoIP\x1b[2J\"\u4e2d2"],
                          "leads: %r" % ids)
        st, _, _ = call("POST", "/api/v1/logout", cookie=sid)
        check(st == 403, "logout without CSRF token: %d" % st)
        st, _, _ = call("POST", "/api/v1/logout", cookie=sid, csrf="0" * 64)
        check(st == 403, "logout with a wrong CSRF token: %d" % st)
        st, h, _ = call("POST", "/api/v1/logout", cookie=sid, csrf=csrf)
        check(st == 200 and "Max-Age=0" in h.get("set-cookie", ""), "logout: %d" % st)
        st, _, _ = call("GET", "/api/v1/me", cookie=sid)
        check(st == 401, "session alive after logout: %d" % st)
    for method, path, _ in ROUTES:
        st, _, _ = call(method, path)
        check(st == 401, "%s without a session: %d" % (path, st))
        st, _, _ = call(method, path, cookie="f" * 64)
        check(st == 401, "%s with a made-up session: %d" % (path, st))
        st, _, _ = call(method, path, token="f" * 64)
        check(st == 401, "%s with a made-up token: %d" % (path, st))
    print("ok: role x route matrix (%d roles, %d routes, session and token), CSRF, logout"
          % (len(ROLES), len(ROUTES)))


def test_routes_and_methods():
    check(call("GET", "/api/v1/nothing")[0] == 404, "unknown route")
    check(call("POST", "/api/v1/me", raw=b"{}")[0] == 405, "POST /me")
    check(call("GET", "/api/v1/login")[0] == 405, "GET /login")
    print("ok: 404, 405")


def test_bad_bodies(users):
    big = b'{"user":"' + b"a" * (200 * 1024) + b'"}'
    cases = [
        ("huge body", big, 413),
        ("bad JSON", b'{"user":', 400),
        ("not an object", b'["admin"]', 400),
        ("empty", b"", 400),
        ("unknown field", b'{"user":"a","password":"b","admin":true}', 400),
        ("wrong type", b'{"user":1,"password":"b"}', 400),
        ("null value", b'{"user":null,"password":"b"}', 400),
        ("overlong string", json.dumps({"user": "a" * 5000, "password": "b"}).encode(), 400),
        ("missing field", b'{"user":"a"}', 400),
        ("invalid UTF-8", b'{"user":"\xff\xfe","password":"b"}', 400),
        ("NUL", b'{"user":"a\\u0000b","password":"b"}', 401),
        ("deep nesting", b"[" * 10000 + b"]" * 10000, 400),
    ]
    for what, raw, want in cases:
        st, _, doc = call("POST", "/api/v1/login", raw=raw,
                          headers={"Content-Type": "application/json"})
        check(st == want, "%s: %d, want %d (%r)" % (what, st, want, doc))
    # chunked, so no Content-Length tells the size up front
    c = http.client.HTTPSConnection("127.0.0.1", PORT, context=CTX, timeout=10)
    c.request("POST", "/api/v1/login", body=iter([b"x" * 65536, b"y" * 65536]),
              encode_chunked=True)
    r = c.getresponse()
    r.read()
    check(r.status == 413, "chunked huge body: %d" % r.status)
    c.close()
    check(call("GET", "/api/v1/me")[0] == 401, "central down after bad bodies")
    print("ok: bad bodies (%d cases and a chunked one) get 4xx, central lives" % len(cases))


def test_content_type(users):
    """Login CSRF: a body in any type but JSON (an HTML form's) gets 415."""
    name = [n for n, (r, _) in users.items() if r == "analyst"][0]
    body = json.dumps({"user": name, "password": users[name][1]}).encode()
    for ctype in (None, "application/x-www-form-urlencoded", "text/plain",
                  "multipart/form-data; boundary=x", "application/jsonp"):
        st, h, doc = call("POST", "/api/v1/login", raw=body,
                          headers={"Content-Type": ctype} if ctype else None, ctype=None)
        check(st == 415 and "set-cookie" not in h, "login as %s: %d %r" % (ctype, st, doc))
    for ctype in ("application/json", "Application/JSON; charset=utf-8"):
        st, _, doc = call("POST", "/api/v1/login", raw=body, headers={"Content-Type": ctype})
        check(st == 200, "login as %s: %d %r" % (ctype, st, doc))
    print("ok: a body that is not Content-Type: application/json gets 415 (login CSRF)")


def test_expiry(users, idle, absolute):
    name = [n for n, (r, _) in users.items() if r == "analyst"][0]
    sid, _ = login(name, users[name][1])
    time.sleep(idle + 1.5)
    check(call("GET", "/api/v1/me", cookie=sid)[0] == 401, "idle session still alive")
    sid, _ = login(name, users[name][1])
    t0 = time.time()
    while time.time() - t0 < absolute - 1:
        check(call("GET", "/api/v1/me", cookie=sid)[0] == 200, "session died before its time")
        time.sleep(min(1.0, idle / 2.0))
    time.sleep(max(0.0, absolute + 1.5 - (time.time() - t0)))
    check(call("GET", "/api/v1/me", cookie=sid)[0] == 401, "session outlived its absolute limit")
    print("ok: idle expiry (%ds) and absolute expiry (%ds)" % (idle, absolute))


def test_throttle(users, limit):
    pw = users["thr"][1]
    # the address already has a failure (the NUL case): it may close first
    for i in range(limit):
        st, _, _ = call("POST", "/api/v1/login", {"user": "thr", "password": "wrong-%d" % i})
        check(st in (401, 429) and (st == 401 or i == limit - 1),
              "wrong password %d: %d" % (i, st))
    st, h, _ = call("POST", "/api/v1/login", {"user": "thr", "password": pw})
    check(st == 429, "right password after %d failures: %d" % (limit, st))
    check(int(h.get("retry-after", "0")) > 0, "429 without Retry-After")
    other = [n for n, (r, _) in users.items() if r == "admin"][0]
    st, _, _ = call("POST", "/api/v1/login", {"user": other, "password": users[other][1]})
    check(st == 429, "same address, other user, not throttled: %d" % st)
    print("ok: throttling after %d failures: 429 with Retry-After %s, per user and address"
          % (limit, h.get("retry-after")))


def main():
    users, tokens = read_users()
    test_plain_http_refused()
    test_routes_and_methods()
    test_matrix(users, tokens)
    test_bad_bodies(users)
    test_content_type(users)
    what = sys.argv[4] if len(sys.argv) > 4 else "all"
    if what == "all":
        test_expiry(users, int(sys.argv[5]), int(sys.argv[6]))
        test_throttle(users, int(sys.argv[7]))


main()
