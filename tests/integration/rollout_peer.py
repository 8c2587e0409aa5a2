#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""A scripted appliance for central's firmware rollouts (central_rollout.sh).
usage: rollout_peer.py PORT PKI_DIR ID FIRMWARE MODE LOG SECS
Says hello with FIRMWARE and the file frames feature, heartbeats (a health
record with a growing packet count) every 0.3 s, and answers a firmware offer
by MODE:
  ok     fetch it all, check its SHA-256, ack 0, reconnect on the offer's version
         (the label's last word) as after the reboot, heartbeat on;
  fail9  fetch, ack 9 (boot failed: came back on the old slot), heartbeat on;
  fail5  ack 5 (invalid) at once;
  vanish fetch, ack 0, then go quiet (never comes back);
  loop   as ok, but on the new version it reconnects over and over without a
         heartbeat (a crash loop);
  idle   note the offer, do nothing;
  late, late9  fetch, then wait for the file LOG.go (the test halts the rollout
         first), then go on as ok or fail9.
Each offer is written to LOG ("offer VERSION flags F label L"), with the signed
bytes (LOG.tbs) and the signature (LOG.sig) of the last one, then "acked S" and
"running FIRMWARE" after each hello. Runs SECS seconds, then exits."""
import hashlib
import os
import socket
import ssl
import struct
import sys
import time

from gwframe import Conn, frame


def s16(b):
    return struct.pack(">H", len(b)) + b


class Peer:
    def __init__(self, argv):
        self.port, self.pki, self.ident = int(argv[1]), argv[2], argv[3]
        self.fw, self.mode, self.log = argv[4], argv[5], argv[6]
        self.until = time.time() + float(argv[7])
        self.seq, self.acked, self.packets, self.started = 0, 0, 0, time.time()

    def note(self, line):
        with open(self.log, "a") as f:
            f.write(line + "\n")

    def connect(self):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.maximum_version = ssl.TLSVersion.TLSv1_2
        ctx.load_verify_locations(self.pki + "/ca.crt")
        ctx.load_cert_chain(self.pki + "/" + self.ident + ".crt",
                            self.pki + "/" + self.ident + ".key")
        raw = socket.create_connection(("127.0.0.1", self.port), timeout=10)
        self.s = ctx.wrap_socket(raw, server_hostname="central.test")
        self.conn = Conn(self.s)
        idb, fwb = self.ident.encode(), self.fw.encode()
        self.s.sendall(frame(1, struct.pack(">QQ", self.acked, 0) + s16(idb) + s16(fwb) +
                             struct.pack(">QI", 0x5eed, 1)))
        self.note("running " + self.fw)

    def read(self, timeout):
        self.s.settimeout(timeout)
        try:
            t, p = self.conn.read()
        except (socket.timeout, ssl.SSLWantReadError):
            return None, None
        if t == 3:
            self.acked = max(self.acked, struct.unpack(">Q", p[:8])[0])
        return t, p

    def heartbeat(self):
        self.seq += 1
        self.packets += 100
        ts = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())
        rec = ('{"type":"health","ts":"%s","uptime":%.1f,"firmware_version":"%s",'
               '"config_version":0,"packets":%d,"drops":{"kernel":0},'
               '"spool":{"depth":0,"dropped":0},"tls":{"state":"up"}}'
               % (ts, time.time() - self.started, self.fw, self.packets)).encode()
        self.s.sendall(frame(2, struct.pack(">HQI", 1, self.seq, len(rec)) + rec))

    def fetch(self, version, size, sha):
        data, off = b"", 0
        while off < size:
            self.s.sendall(frame(9, struct.pack(">BQII", 2, version, off, 65536)))
            while True:
                t, p = self.read(10)
                if t is None:
                    raise EOFError("no chunk")
                if t == 10:
                    break
            n = struct.unpack(">I", p[13:17])[0]
            if n == 0:
                break
            data += p[17:17 + n]
            off += n
        return hashlib.sha256(data).digest() == sha

    def ack(self, version, status, msg):
        self.s.sendall(frame(11, struct.pack(">BQB", 2, version, status) + s16(msg.encode())))
        self.note("acked %d" % status)

    def offer(self, p):
        flags, version, size = p[1], struct.unpack(">Q", p[2:10])[0], struct.unpack(">I", p[10:14])[0]
        sha = p[14:46]
        ln = struct.unpack(">H", p[46:48])[0]
        label = p[48:48 + ln].decode()
        sl = struct.unpack(">H", p[48 + ln:50 + ln])[0]
        with open(self.log + ".tbs", "wb") as f:
            f.write(b"goipwatch-file-v1\x00" + p[:46] + p[46:48 + ln])
        with open(self.log + ".sig", "wb") as f:
            f.write(p[50 + ln:50 + ln + sl])
        self.note("offer %d flags %d label %s" % (version, flags, label))
        if self.mode == "idle":
            return
        if self.mode == "fail5":
            return self.ack(version, 5, "not a usable bundle")
        if not self.fetch(version, size, sha):
            return self.ack(version, 4, "bad hash")
        if self.mode in ("late", "late9"):
            self.note("fetched")
            while not os.path.exists(self.log + ".go") and time.time() < self.until:
                self.heartbeat()
                time.sleep(0.3)
            self.mode = "ok" if self.mode == "late" else "fail9"
        if self.mode == "fail9":
            return self.ack(version, 9, "running %s: slot B self-test failed (capture)" % self.fw)
        self.ack(version, 0, "installed to the other slot")
        time.sleep(0.3)
        self.s.close()
        if self.mode == "vanish":
            self.mode = "gone"
            return
        self.fw = label.split()[-1]     # the reboot: the new slot
        self.connect()
        if self.mode == "loop":
            self.mode = "looping"

    def run(self):
        self.connect()
        last = 0.0
        while time.time() < self.until:
            if self.mode == "gone":
                time.sleep(0.2)
                continue
            if self.mode == "looping":     # restarts before its first heartbeat
                time.sleep(0.3)
                self.s.close()
                self.connect()
                continue
            if time.time() - last >= 0.3:
                self.heartbeat()
                last = time.time()
            t, p = self.read(0.1)
            if t == 8 and p[0] == 2:
                self.offer(p)
            elif t == 6:
                self.note("error " + p[4:].decode(errors="replace"))
        return 0


sys.exit(Peer(sys.argv).run())
