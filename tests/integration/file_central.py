#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""A hostile central for the appliance's file downloads (central_geodb.sh): takes
one goipwatchd session, acks its hello, sends a chunk nobody asked for, then a
signed offer of a 100-byte file, answers its file_get with a chunk at the wrong
offset and then with no bytes (truncated). Prints each frame the appliance sends
back: "error CODE MESSAGE", "get OFFSET MAXLEN", "ack STATUS MESSAGE".
usage: file_central.py PKI_DIR PORT_FILE"""
import hashlib
import struct
import subprocess
import sys

from gwframe import Conn, central_listener, frame


class Peer(Conn):
    def read(self):
        t, p = Conn.read(self)
        return t, p

    def until(self, want):
        while True:
            t, p = self.read()
            if t == 6:
                code, n = struct.unpack(">HH", p[:4])
                print("error %d %s" % (code, p[4:4 + n].decode()), flush=True)
            if t == 9:
                off, mx = struct.unpack(">II", p[9:17])
                print("get %d %d" % (off, mx), flush=True)
            if t == 11:
                n = struct.unpack(">H", p[10:12])[0]
                print("ack %d %s" % (p[9], p[12:12 + n].decode()), flush=True)
            if t == want:
                return p


def main():
    pki, port_file = sys.argv[1], sys.argv[2]
    ctx, ls = central_listener(pki, port_file, 1, 60)
    c, _ = ls.accept()
    c.settimeout(30)
    p = Peer(ctx.wrap_socket(c, server_side=True))
    p.until(1)
    p.s.sendall(frame(3, struct.pack(">Q", 0)))
    # nobody asked for this chunk
    p.s.sendall(frame(10, bytes([1]) + struct.pack(">QII", 5, 0, 4) + b"abcd"))
    p.until(6)
    data = bytes(range(100))
    v = 1 << 62     # above anything central numbered
    label = b"hostile"
    tbs = (b"goipwatch-file-v1\0" + bytes([1, 0]) + struct.pack(">QI", v, len(data)) +
           hashlib.sha256(data).digest() + struct.pack(">H", len(label)) + label)
    sig = subprocess.run(["openssl", "dgst", "-sha256", "-sign", pki + "/config-sign.key"],
                         input=tbs, capture_output=True, check=True).stdout
    p.s.sendall(frame(8, bytes([1, 0]) + struct.pack(">QI", v, len(data)) +
                      hashlib.sha256(data).digest() + struct.pack(">H", len(label)) + label +
                      struct.pack(">H", len(sig)) + sig))
    p.until(9)
    p.s.sendall(frame(10, bytes([1]) + struct.pack(">QII", v, 50, 4) + b"abcd"))  # wrong offset
    p.until(6)
    p.s.sendall(frame(10, bytes([1]) + struct.pack(">QII", v, 0, 0)))  # no bytes: truncated
    p.until(11)
    return 0


sys.exit(main())
