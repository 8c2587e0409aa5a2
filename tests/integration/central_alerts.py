#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""Loopback receivers for central_alerts.sh, and its checks of what they got.

  http PORTFILE LOG [FAILFIRST] [PORT] [CERT KEY]  webhook receiver: a JSON line
        per request (headers, body, status); answers 500 to the first FAILFIRST
        requests and 404 to a device id holding "perm4xx"; PORT 0 picks one;
        HTTPS with CERT and KEY
  syslog udp|tcp PORTFILE LOG           RFC 5424 receiver (TCP: octet counting)
  smtp PORTFILE LOG                     aiosmtpd sink: a JSON line per message
  check-http LOG KEY...                 one 2xx delivery per key, fields right
  check-syslog LOG KEY...               one well-formed message per key
  check-smtp LOG RCPT KEY...            one mail per key, to RCPT, encoded right
Only loopback; each server stops when killed.
"""
import base64
import email
import email.header
import email.policy
import json
import re
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# The hostile device id central_alerts.sh sends, as out_tty shows it.
DEVICE_SHOWN = 'GW\u732b\\x1b[2J"q]\\\\\\x07\ufffd'


def log_line(path, obj):
    with open(path, "a", encoding="utf-8") as f:
        f.write(json.dumps(obj) + "\n")


def write_port(path, port):
    with open(path + ".tmp", "w") as f:
        f.write(str(port))
    import os
    os.rename(path + ".tmp", path)


def serve_http(portfile, log, failfirst=0, port=0, cert=None, key=None):
    state = {"n": 0}
    lock = threading.Lock()

    class H(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):
            n = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(n)
            with lock:
                state["n"] += 1
                k = state["n"]
            status = 500 if k <= failfirst else 200
            if b"perm4xx" in body:
                status = 404
            log_line(log, {"path": self.path, "status": status,
                           "headers": {h.lower(): v for h, v in self.headers.items()},
                           "body": body.decode("utf-8", "replace")})
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *a):
            pass

    ThreadingHTTPServer.allow_reuse_address = True
    srv = ThreadingHTTPServer(("127.0.0.1", port), H)
    if cert:
        import ssl
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(cert, key)
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    write_port(portfile, srv.server_address[1])
    srv.serve_forever()


def serve_syslog(proto, portfile, log):
    if proto == "udp":
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("127.0.0.1", 0))
        write_port(portfile, s.getsockname()[1])
        while True:
            data, _ = s.recvfrom(65536)
            log_line(log, {"raw": base64.b64encode(data).decode()})
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", 0))
    s.listen(16)
    write_port(portfile, s.getsockname()[1])
    while True:
        c, _ = s.accept()
        buf = b""
        c.settimeout(10)
        try:
            while True:
                d = c.recv(65536)
                if not d:
                    break
                buf += d
        except OSError:
            pass
        c.close()
        while buf:	# octet counting: LEN SP MSG, repeated
            m = re.match(rb"([1-9][0-9]*) ", buf)
            if not m:
                log_line(log, {"bad_framing": base64.b64encode(buf).decode()})
                break
            n = int(m.group(1))
            msg, buf = buf[m.end():m.end() + n], buf[m.end() + n:]
            log_line(log, {"raw": base64.b64encode(msg).decode(), "len": n,
                           "got": len(msg)})


def serve_smtp(portfile, log):
    from aiosmtpd.controller import Controller

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            log_line(log, {"from": envelope.mail_from, "rcpt": envelope.rcpt_tos,
                           "data": base64.b64encode(envelope.original_content).decode()})
            return "250 OK"

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    ctl = Controller(Handler(), hostname="127.0.0.1", port=port)
    ctl.start()
    write_port(portfile, port)
    while True:
        time.sleep(3600)


def lines(log):
    try:
        with open(log, encoding="utf-8") as f:
            return [json.loads(l) for l in f if l.strip()]
    except FileNotFoundError:
        return []


def die(msg):
    print("check:", msg, file=sys.stderr)
    sys.exit(1)


def kind_of(key):
    return key.split("-", 3)[3]


def check_http(log, keys):
    got = lines(log)
    for key in keys:
        ok = [r for r in got if r["headers"].get("idempotency-key") == key and
              200 <= r["status"] < 300]
        if len(ok) != 1:
            die("%s: %d deliveries, want 1" % (key, len(ok)))
        r = ok[0]
        b = json.loads(r["body"])
        lead = int(key.split("-")[1])
        want = {"lead": lead, "revision": int(key.split("-")[2][1:]),
                "kind": kind_of(key), "tier": "urgent", "link": "/leads/%d" % lead,
                "idempotency_key": key}
        for k, v in want.items():
            if b.get(k) != v:
                die("%s: %s is %r, want %r" % (key, k, b.get(k), v))
        for k in ("verdict", "score", "deadline", "ip", "device_id"):
            if k not in b:
                die("%s: no %s" % (key, k))
        if r["headers"].get("content-type") != "application/json":
            die("%s: content-type" % key)
        if "HOSTILE" in r["body"] or b["device_id"].startswith("GW") and \
                b["device_id"] != "GW\u732b\x1b[2J\"q]\\\x07\ufffd":
            die("%s: device_id %r" % (key, b["device_id"]))


def sd_params(sd):
    out = {}
    for m in re.finditer(r' ([a-z]+)="((?:[^"\\\]]|\\["\\\]])*)"', sd):
        out[m.group(1)] = re.sub(r'\\(["\\\]])', r"\1", m.group(2))
    return out


def check_syslog(log, keys):
    msgs = [base64.b64decode(r["raw"]) for r in lines(log)]
    if any("bad_framing" in r or r.get("len", 0) != r.get("got", 0)
           for r in lines(log)):
        die("bad octet-counting framing")
    for key in keys:
        mine = [m for m in msgs if ('key="%s"' % key).encode() in m]
        if len(mine) != 1:
            die("%s: %d messages, want 1" % (key, len(mine)))
        m = mine[0]
        if any(b < 32 for b in m):
            die("%s: a raw control byte: %r" % (key, m))
        text = m.decode("utf-8")	# strict: fails on bad UTF-8
        hdr = re.match(r"<(\d+)>1 (\S+) (\S+) goipwatch-central (\d+) (\S+) "
                       r"(\[goipwatch@32473(?: [a-z]+=\"(?:[^\"\\\]]|\\[\"\\\]])*\")*\]) "
                       "\ufeff(.+)$", text)
        if not hdr:
            die("%s: not RFC 5424: %r" % (key, text))
        urgent = kind_of(key) == "urgent"
        if int(hdr.group(1)) != (16 * 8 + (1 if urgent else 4)):
            die("%s: PRI %s" % (key, hdr.group(1)))
        if hdr.group(5) != ("lead-urgent" if urgent else "lead-half-deadline"):
            die("%s: MSGID %s" % (key, hdr.group(5)))
        p = sd_params(hdr.group(6))
        lead, rev = key.split("-")[1], key.split("-")[2][1:]
        if p.get("lead") != lead or p.get("rev") != rev or p.get("key") != key or \
                p.get("tier") != "urgent" or p.get("kind") != kind_of(key):
            die("%s: SD params %r" % (key, p))
        if p["device"].startswith("GW") and p["device"] != DEVICE_SHOWN:
            die("%s: device %r, want %r" % (key, p["device"], DEVICE_SHOWN))


def check_smtp(log, rcpt, keys):
    got = lines(log)
    for key in keys:
        mine = []
        for r in got:
            raw = base64.b64decode(r["data"])
            if ("X-Goipwatch-Key: %s\r\n" % key).encode() in raw:
                mine.append((r, raw))
        if len(mine) != 1:
            die("%s: %d mails, want 1" % (key, len(mine)))
        r, raw = mine[0]
        if sorted(r["rcpt"]) != sorted(rcpt.split(",")):
            die("%s: to %r, want %s" % (key, r["rcpt"], rcpt))
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        if not msg["Message-ID"].startswith("<%s@" % key):
            die("%s: Message-ID %s" % (key, msg["Message-ID"]))
        if msg.get_content_type() != "text/plain" or \
                msg.get_content_charset() != "utf-8":
            die("%s: content type" % key)
        body = msg.get_content()
        if "/leads/%s" % key.split("-")[1] not in body:
            die("%s: no link in %r" % (key, body))
        if any(ord(c) < 32 and c not in "\r\n" for c in body):
            die("%s: raw control in body" % key)
        subj = str(msg["Subject"])
        if "GW" in body:
            if DEVICE_SHOWN not in body:
                die("%s: device not as shown: %r" % (key, body))
            if b"=?UTF-8?B?" not in raw.split(b"\r\n\r\n")[0]:
                die("%s: subject not RFC 2047 encoded" % key)
            if DEVICE_SHOWN not in subj.replace("\r\n ", ""):
                die("%s: subject %r" % (key, subj))


def main(a):
    if a[0] == "http":
        serve_http(a[1], a[2], int(a[3]) if len(a) > 3 else 0,
                   int(a[4]) if len(a) > 4 else 0, *a[5:7])
    elif a[0] == "syslog":
        serve_syslog(a[1], a[2], a[3])
    elif a[0] == "smtp":
        serve_smtp(a[1], a[2])
    elif a[0] == "check-http":
        check_http(a[1], a[2:])
    elif a[0] == "check-syslog":
        check_syslog(a[1], a[2:])
    elif a[0] == "check-smtp":
        check_smtp(a[1], a[2], a[3:])
    else:
        die("unknown command " + a[0])


if __name__ == "__main__":
    main(sys.argv[1:])
