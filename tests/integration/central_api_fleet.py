# SPDX-License-Identifier: BSD-2-Clause
"""The console API's fleet, config, user and certificate routes (central_api_fleet.sh).

usage: central_api_fleet.py PORT TMPDIR fleet|acked CLI_LISTING
       central_api_fleet.py PORT TMPDIR users
       central_api_fleet.py PORT TMPDIR cert PKI_DIR OTHER_CA_DIR
TMPDIR/pw: "name role password" lines; TMPDIR/secrets collects every secret
the API hands out (the shell checks none reached the audit trail or the log).
Prints one line per check; exits 1 at the first failure.
"""
import os
import ssl
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import apiclient  # noqa: E402
from apiclient import check, fail  # noqa: E402

PORT, TMP, PHASE = int(sys.argv[1]), sys.argv[2], sys.argv[3]
CA = os.path.join(TMP, "pki", "ca.crt")
CONFIG = "term_window 2h\n"
BIG_CONFIG = "term_window 2h\n" + ("# " + "x" * 70 + "\n") * 700    # ~50 KiB
STATE = os.path.join(TMP, "fleet.state")
API = apiclient.Client(PORT, CA)
apiclient.VERBOSE = True    # "ok: " on every check


def call(method, path, body=None, sess=None, token=None, ctx=None, ctype="application/json"):
    """status, headers (lower-case), parsed JSON."""
    return API.call(method, path, body, cookie=sess and sess[0], csrf=sess and sess[1],
                    token=token, ctx=ctx, ctype=ctype)


def users():
    u = {}
    for line in open(os.path.join(TMP, "pw")):
        w = line.split()
        u[w[0]] = w[2]
    return u


def login(name, password, ctx=None):
    got = API.login(name, password, ctx=ctx, may_fail=True)
    return got and got[:2]


def secret(s):
    with open(os.path.join(TMP, "secrets"), "a") as f:
        f.write(s + "\n")


def cli_rows(path):
    """APPLIANCE ... DROPS SPOOL SPOOLDROP RECORDS QUARANTINED ALARM, read from the right
    (sites and heartbeat times hold spaces)."""
    rows = []
    for line in open(path, encoding="utf-8"):
        w = line.split()
        if not w or w[0] == "APPLIANCE" or w[0] == "ALARM:":
            continue
        rows.append({"id": w[0], "line": line, "drops": w[-6], "spool": w[-5],
                     "spooldrop": w[-4], "records": w[-3], "quarantined": w[-2],
                     "alarm": w[-1]})
    return rows


def num(v):
    return "-" if v is None else str(v)


def same_as_cli(apps, path):
    rows = cli_rows(path)
    check([r["id"] for r in rows] == [a["id"] for a in apps],
          "appliances: the CLI lists the same ids in the same order (%s)"
          % [a["id"] for a in apps])
    for a, r in zip(apps, rows):
        for k, key in (("drops", "drops"), ("spool", "spool_depth"),
                       ("spooldrop", "spool_dropped"), ("records", "records"),
                       ("quarantined", "quarantined")):
            if r[k] != num(a[key]):
                fail("%s: %s is %s in the CLI, %r in JSON" % (a["id"], k, r[k], a[key]))
        alarm = "SILENT" if a["silent"] else (
            "SPOOLDROP" if (a["spool_dropped"] or 0) > 0 else "ok")
        if r["alarm"] != alarm:
            fail("%s: alarm %s in the CLI, JSON says %s" % (a["id"], r["alarm"], alarm))
        pushed = "-" if a["config"]["pushed"] is None else "%d/%s" % (
            a["config"]["pushed"], a["config"]["state"])
        if (" %d %s " % (a["config"]["running"], pushed.split(",")[0])) not in r["line"]:
            fail("%s: config %d %s not in the CLI line %r"
                 % (a["id"], a["config"]["running"], pushed, r["line"]))
    print("ok: appliances JSON matches the CLI listing (%d appliances)" % len(apps))


def get_apps(sess):
    st, _, doc = call("GET", "/api/v1/appliances", sess=sess)
    check(st == 200, "GET /appliances: %d" % st)
    return doc["appliances"]


def phase_fleet(listing):
    u = users()
    eng = login("u.engineer", u["u.engineer"])
    apps = get_apps(eng)
    same_as_cli(apps, listing)
    a = {x["id"]: x for x in apps}
    check(set(a) == {"gw-a", "gw-b"}, "two appliances that connected")
    for x in apps:
        check(x["heartbeat_age"] is not None and 0 <= x["heartbeat_age"] < 600
              and not x["silent"], "%s: heartbeat %ss ago" % (x["id"], x["heartbeat_age"]))
        check(x["firmware"] and x["tls_state"] and x["packets"] > 0,
              "%s: firmware %r, tls %r, packets %r"
              % (x["id"], x["firmware"], x["tls_state"], x["packets"]))
        for k in ("drops_kernel", "drops_ring", "drops_decode", "drops_flow_table_full",
                  "drops_reassembly", "spool_oldest_age"):
            check(isinstance(x[k], int) and x[k] >= 0, "%s: %s = %r" % (x["id"], k, x[k]))
        check(x["config"]["state"] == "not pushed", "%s: no config pushed" % x["id"])
    check(a["gw-a"]["site"] == "Roof \x1b[2J \u4e2d", "site with an escape as set by the CLI")
    check("Roof \\x1b[2J \u4e2d" in open(listing, encoding="utf-8").read(),
          "the CLI escapes it")
    # group and site over the API
    st, _, doc = call("PUT", "/api/v1/appliances/gw-b", {"group": "lab", "site": "Bench 2"},
                      sess=eng)
    check(st == 200 and doc == {"id": "gw-b", "group": "lab", "site": "Bench 2"},
          "PUT /appliances/gw-b: %d %r" % (st, doc))
    for body, want in (({}, 400), ({"group": "bad group"}, 400), ({"colour": "x"}, 400),
                       ({"group": 7}, 400), ({"site": "x" * 129}, 400)):
        st, _, doc = call("PUT", "/api/v1/appliances/gw-b", body, sess=eng)
        check(st == want, "PUT /appliances/gw-b %r: %d %s" % (body, st, doc.get("error")))
    st, _, doc = call("PUT", "/api/v1/appliances/gw-nosuch", {"group": "lab"}, sess=eng)
    check(st == 404 and "gw-nosuch" in doc["error"], "unknown appliance: %d" % st)
    a = {x["id"]: x for x in get_apps(eng)}
    check(a["gw-b"]["group"] == "lab" and a["gw-b"]["site"] == "Bench 2", "gw-b in lab")
    # configs
    st, _, doc = call("GET", "/api/v1/config/lab", sess=eng)
    check(st == 404, "no config for lab yet: %d" % st)
    st, _, doc = call("GET", "/api/v1/config/default", sess=eng)
    check(st == 200 and doc["version"] is None and doc["body"] is None,
          "the default group without a config: %r" % doc)
    st, _, doc = call("PUT", "/api/v1/config/lab", {"body": "no_such_key 1\n"}, sess=eng)
    check(st == 400 and "unknown key" in doc["error"],
          "a bad config is refused with the parser's message: %r" % doc)
    st, _, doc = call("PUT", "/api/v1/config/lab", {"body": ""}, sess=eng)
    check(st == 400, "an empty config is refused: %r" % doc)
    st, _, doc = call("PUT", "/api/v1/config/bad%20group", {"body": CONFIG}, sess=eng)
    check(st == 400, "a bad group name is refused: %r" % doc)
    st, _, doc = call("PUT", "/api/v1/config/lab", {"body": BIG_CONFIG}, sess=eng)
    check(st == 200 and doc["version"] > 0,
          "a %d-byte config is stored: %d %r" % (len(BIG_CONFIG), st, doc))
    st, _, doc = call("PUT", "/api/v1/config/lab", {"body": CONFIG}, sess=eng)
    check(st == 200 and doc["group"] == "lab" and doc["version"] > 0, "PUT /config/lab: %r" % doc)
    version = doc["version"]
    st, _, doc = call("GET", "/api/v1/config/lab", sess=eng)
    check(st == 200 and doc["body"] == CONFIG and doc["version"] == version
          and doc["by"] == "u.engineer", "GET /config/lab: %r" % doc)
    st, _, doc = call("GET", "/api/v1/config", sess=eng)
    g = {x["group"]: x for x in doc["groups"]}
    check(st == 200 and g["lab"]["version"] == version and g["lab"]["by"] == "u.engineer"
          and [x["appliance"] for x in g["lab"]["appliances"]] == ["gw-b"]
          and g["lab"]["appliances"][0]["state"] == "not pushed",
          "GET /config: lab at version %d, gw-b not pushed yet" % version)
    sup = login("u.supervisor", u["u.supervisor"])
    check(call("GET", "/api/v1/appliances", sess=sup)[0] == 200, "supervisors see appliances")
    for m, p in (("GET", "/api/v1/config"), ("PUT", "/api/v1/config/lab"),
                 ("PUT", "/api/v1/appliances/gw-b")):
        st, _, _ = call(m, p, {"body": CONFIG} if m == "PUT" else None, sess=sup)
        check(st == 403, "%s %s by a supervisor: %d" % (m, p, st))
    with open(STATE, "w") as f:
        f.write("%d\n" % version)


def phase_acked(listing):
    version = int(open(STATE).read())
    eng = login("u.engineer", users()["u.engineer"])
    st, _, doc = call("GET", "/api/v1/config", sess=eng)
    lab = [x for x in doc["groups"] if x["group"] == "lab"][0]
    ack = lab["appliances"][0]
    check(ack["appliance"] == "gw-b" and ack["state"] == "applied" and
          ack["running"] == version and ack["acked_at"] > 0,
          "GET /config: gw-b applied version %d: %r" % (version, ack))
    apps = get_apps(eng)
    b = [x for x in apps if x["id"] == "gw-b"][0]
    cf = b["config"]
    check(cf["running"] == version and cf["pushed"] == version and cf["state"] == "applied"
          and "applied" in cf["message"], "appliances: gw-b config %r" % cf)
    same_as_cli(apps, listing)


def phase_users():
    u = users()
    adm = login("u.admin", u["u.admin"])
    st, _, doc = call("POST", "/api/v1/users", {"name": "carol", "role": "analyst"}, sess=adm)
    check(st == 201 and len(doc.get("password", "")) == 24, "POST /users: %d" % st)
    pw = doc["password"]
    secret(pw)
    carol = login("carol", pw)
    check(carol is not None, "the generated password logs in")
    for body, want in (({"name": "carol", "role": "analyst"}, 409),
                       ({"name": "Bad Name", "role": "analyst"}, 400),
                       ({"name": "eve", "role": "root"}, 400),
                       ({"name": "eve", "role": "carrier"}, 400),
                       ({"name": "eve", "role": "analyst", "carrier": "46001"}, 400),
                       ({"name": "eve", "role": "analyst", "password": "short"}, 400),
                       ({"name": "eve", "role": "analyst", "cert_cn": "a\x1bb"}, 400),
                       ({"name": "eve", "role": "analyst", "cert_cn": "Bob Supervisor"}, 409),
                       ({"name": "eve", "role": "analyst", "extra": "x"}, 400),
                       ({"name": "eve"}, 400)):
        st, _, doc = call("POST", "/api/v1/users", body, sess=adm)
        check(st == want, "POST /users %r: %d %s" % (body, st, doc.get("error")))
    st, _, doc = call("POST", "/api/v1/users", {"name": "dave", "role": "carrier",
                      "carrier": "46001", "password": "dave-secret-1"}, sess=adm)
    check(st == 201 and "password" not in doc, "a given password is not echoed: %r" % doc)
    secret("dave-secret-1")
    st, _, _ = call("POST", "/api/v1/users", {"name": "eve", "role": "analyst"}, sess=carol)
    check(st == 403, "an analyst cannot add users: %d" % st)
    # own password
    st, _, _ = call("POST", "/api/v1/me/password", {"old": "wrong-password", "new": "x" * 12},
                    sess=carol)
    check(st == 403, "me/password with a wrong old password: %d" % st)
    st, _, _ = call("POST", "/api/v1/me/password", {"old": pw, "new": "short"}, sess=carol)
    check(st == 400, "me/password too short: %d" % st)
    new = "carol-own-secret-%d" % os.getpid()
    secret(new)
    st, _, _ = call("POST", "/api/v1/me/password", {"old": pw, "new": new}, sess=carol)
    check(st == 200, "me/password: %d" % st)
    check(login("carol", pw) is None and login("carol", new) is not None,
          "the old password no longer logs in, the new one does")
    # admin resets
    st, _, doc = call("POST", "/api/v1/users/carol/password", {"generate": "yes"}, sess=adm)
    check(st == 200 and len(doc.get("password", "")) == 24, "reset with generate: %d" % st)
    carol_pw = doc["password"]
    secret(carol_pw)
    carol = login("carol", carol_pw)
    check(carol is not None, "the reset password logs in")
    for body in ({}, {"password": "short"}, {"generate": "no"},
                 {"password": "long-enough-1", "generate": "yes"}):
        st, _, _ = call("POST", "/api/v1/users/carol/password", body, sess=adm)
        check(st == 400, "users/carol/password %r: %d" % (body, st))
    st, _, _ = call("POST", "/api/v1/users/nosuch/password", {"generate": "yes"}, sess=adm)
    check(st == 404, "password of an unknown user: %d" % st)
    # tokens
    st, _, doc = call("POST", "/api/v1/users/carol/tokens", {"role": "analyst"}, sess=adm)
    check(st == 201 and len(doc["token"]) == 64 and doc["role"] == "analyst", "token: %d" % st)
    tid, tok = doc["id"], doc["token"]
    secret(tok)
    check(call("GET", "/api/v1/me", token=tok)[2].get("user") == "carol", "the token works")
    check(call("POST", "/api/v1/users/carol/tokens", {"role": "boss"}, sess=adm)[0] == 400,
          "a token with a bad role")
    check(call("POST", "/api/v1/users/nosuch/tokens", {"role": "analyst"}, sess=adm)[0] == 404,
          "a token for an unknown user")
    check(call("DELETE", "/api/v1/tokens/%d" % tid, {}, sess=adm)[0] == 400,
          "revoking wants a reason")
    check(call("DELETE", "/api/v1/tokens/x", {"reason": "r"}, sess=adm)[0] == 400,
          "a token id is a number")
    st, _, doc = call("DELETE", "/api/v1/tokens/%d" % tid, {"reason": "rotated"}, sess=adm)
    check(st == 200 and doc == {"id": tid, "revoked": True}, "DELETE /tokens/%d" % tid)
    check(call("GET", "/api/v1/me", token=tok)[0] == 401, "the revoked token is refused")
    check(call("DELETE", "/api/v1/tokens/%d" % tid, {"reason": "again"}, sess=adm)[0] == 404,
          "revoking twice: 404")
    # disable
    check(call("POST", "/api/v1/users/u.admin/disable", {"reason": "x"}, sess=adm)[0] == 409,
          "an admin cannot disable themself")
    check(call("POST", "/api/v1/users/carol/disable", {}, sess=adm)[0] == 400,
          "disabling wants a reason")
    # a token and a session just used (so held in central's cache): refused at once
    st, _, doc = call("POST", "/api/v1/users/carol/tokens", {"role": "analyst"}, sess=adm)
    check(st == 201, "token: %d" % st)
    tok = doc["token"]
    secret(tok)
    check(call("GET", "/api/v1/me", token=tok)[0] == 200, "carol's new token works")
    check(call("GET", "/api/v1/me", sess=carol)[0] == 200, "carol's session works")
    st, _, _ = call("POST", "/api/v1/users/carol/disable", {"reason": "left"}, sess=adm)
    check(st == 200, "disable carol: %d" % st)
    check(call("GET", "/api/v1/me", sess=carol)[0] == 401, "carol's session ended")
    check(call("GET", "/api/v1/me", token=tok)[0] == 401, "carol's token refused at once")
    check(login("carol", carol_pw) is None, "carol cannot log in with her password")
    st, _, doc = call("GET", "/api/v1/users", sess=adm)
    us = {x["name"]: x for x in doc["users"]}
    check(us["carol"]["disabled"] and us["alice"]["cert_cn"] == "Alice Analyst \u4e2d" and
          us["dave"]["carrier"] == "46001", "GET /users shows state, carrier and cert_cn")


def cert_ctx(pki, name):
    ctx = ssl.create_default_context(cafile=CA)
    if name:
        ctx.load_cert_chain(os.path.join(pki, name + ".crt"), os.path.join(pki, name + ".key"))
    return ctx


def phase_cert(pki, other):
    u = users()
    alice = cert_ctx(pki, "alice")
    for ct in (None, "application/x-www-form-urlencoded", "text/plain"):
        st, _, doc = call("POST", "/api/v1/login/cert", ctx=alice, ctype=ct)
        check(st == 415, "certificate login sent as %s (a cross-site form): %d" % (ct, st))
    st, h, doc = call("POST", "/api/v1/login/cert", ctx=alice)
    check(st == 200 and doc["user"] == "alice" and doc["role"] == "analyst" and
          len(doc["csrf"]) == 64, "certificate login: %d %r" % (st, doc))
    cookie = h.get("set-cookie", "")
    for flag in ("HttpOnly", "Secure", "SameSite=Strict"):
        check(flag in cookie, "the certificate session cookie is %s" % flag)
    sess = (cookie.split(";")[0].split("=", 1)[1], doc["csrf"])
    st, _, doc = call("GET", "/api/v1/me", sess=sess)
    check(st == 200 and doc["user"] == "alice", "the session works without the certificate")
    st, _, doc = call("GET", "/api/v1/leads", sess=sess, ctx=alice)
    check(st == 200, "alice reads leads as an analyst: %d" % st)
    st, _, _ = call("POST", "/api/v1/logout", sess=sess)
    check(st == 200, "logout")
    st, _, doc = call("POST", "/api/v1/login/cert", ctx=cert_ctx(pki, "mallory"))
    check(st == 401, "a certificate of the CA whose CN maps to nobody: %d" % st)
    st, _, doc = call("POST", "/api/v1/login/cert")
    check(st == 401, "no certificate: %d" % st)
    st, _, doc = call("POST", "/api/v1/login/cert", ctx=cert_ctx(pki, "console"))
    check(st == 401, "a server certificate of the CA (no clientAuth), CN mapped: %d" % st)
    check(login("u.analyst", u["u.analyst"]) is not None,
          "password login without a certificate still works")
    check(login("u.analyst", u["u.analyst"], ctx=alice) is not None,
          "password login with a certificate works too")
    try:
        st, _, doc = call("POST", "/api/v1/login/cert", ctx=cert_ctx(other, "alice"))
        check(st == 401, "a certificate of another CA with the same CN: %d" % st)
    except (ssl.SSLError, ConnectionError) as e:
        check(True, "a certificate of another CA: TLS refused (%s)" % e.__class__.__name__)
    adm = login("u.admin", u["u.admin"])
    st, _, _ = call("POST", "/api/v1/users/alice/disable", {"reason": "test"}, sess=adm)
    check(st == 200, "disable alice")
    st, _, _ = call("POST", "/api/v1/login/cert", ctx=alice)
    check(st == 401, "the certificate of a disabled user: %d" % st)


def main():
    if PHASE == "fleet":
        phase_fleet(sys.argv[4])
    elif PHASE == "acked":
        phase_acked(sys.argv[4])
    elif PHASE == "users":
        phase_users()
    elif PHASE == "cert":
        phase_cert(sys.argv[4], sys.argv[5])
    else:
        fail("unknown phase " + PHASE)


main()
