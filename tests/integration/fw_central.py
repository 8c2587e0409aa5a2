#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""A scripted central for firmware pushes (firmware_push.sh): takes one
goipwatchd session per SESSION argument, acks its hello and runs the
session's actions (';' between them), then closes it and takes the next.
  offer NAME VERSION FLAGS [size=N] [stall=N]
      a kind-2 offer of DIR/NAME (label: DIR/NAME.label), signed with the
      config key like central's; its file_gets are answered until the ack.
      size= offers another size than the file's (nothing is fetched then);
      stall= stops answering once N bytes were sent ("stalled VERSION OFFSET"),
      and the session ends when the appliance goes away.
  wait    waits for the next file_ack.
  hold    keeps the session until the appliance goes away (killed).
Reports are acked as they come. Prints "hello", "error CODE MESSAGE" and
"ack VERSION STATUS MESSAGE" for what the appliance sends.
usage: fw_central.py PKI_DIR PORT_FILE DIR SESSION..."""
import hashlib
import os
import struct
import subprocess
import sys

from gwframe import Conn, central_listener, frame


SIGS = {}


def out(s):
    print(s, flush=True)


class Peer(Conn):
    def read(self):
        t, p = Conn.read(self)
        if t == 2:  # a report: acked at once (its last seq)
            cnt, off, seq = struct.unpack(">H", p[:2])[0], 2, 0
            for _ in range(cnt):
                seq, n = struct.unpack(">QI", p[off:off + 12])
                off += 12 + n
            if seq:
                self.s.sendall(frame(3, struct.pack(">Q", seq)))
        if t == 6:
            code, n = struct.unpack(">HH", p[:4])
            out("error %d %s" % (code, p[4:4 + n].decode(errors="replace")))
        if t == 11:
            n = struct.unpack(">H", p[10:12])[0]
            out("ack %d %d %s" % (struct.unpack(">Q", p[1:9])[0], p[9],
                                  p[12:12 + n].decode(errors="replace")))
        return t, p

    def until(self, want):
        while True:
            t, p = self.read()
            if t == want:
                return p


def offer(p, pki, d, args):
    name, v, flags = args[0], int(args[1]), int(args[2])
    opt = dict(a.split("=") for a in args[3:])
    data = open(os.path.join(d, name), "rb").read()
    label = open(os.path.join(d, name + ".label"), "rb").read().strip()
    size = int(opt.get("size", len(data)))
    stall = int(opt.get("stall", 0))
    head = (bytes([2, flags]) + struct.pack(">QI", v, size) + hashlib.sha256(data).digest() +
            struct.pack(">H", len(label)) + label)
    if head not in SIGS:    # signed once, as central stores it: the same offer again
        SIGS[head] = subprocess.run(["openssl", "dgst", "-sha256", "-sign",
                                     pki + "/config-sign.key"],
                                    input=b"goipwatch-file-v1\0" + head,
                                    capture_output=True, check=True).stdout
    sig = SIGS[head]
    p.s.sendall(frame(8, head + struct.pack(">H", len(sig)) + sig))
    sent = 0
    while True:
        t, q = p.read()
        if t == 11 and struct.unpack(">Q", q[1:9])[0] == v:
            return
        if t != 9:
            continue
        off, mx = struct.unpack(">II", q[9:17])
        if stall and sent >= stall:
            out("stalled %d %d" % (v, off))
            while True:
                p.read()    # until the appliance is killed (EOFError)
        chunk = data[off:off + mx]
        sent += len(chunk)
        p.s.sendall(frame(10, bytes([2]) + struct.pack(">QII", v, off, len(chunk)) + chunk))


def main():
    pki, port_file, d = sys.argv[1], sys.argv[2], sys.argv[3]
    ctx, ls = central_listener(pki, port_file, 4, 90)
    for session in sys.argv[4:]:
        c, _ = ls.accept()
        c.settimeout(60)
        p = Peer(ctx.wrap_socket(c, server_side=True))
        p.until(1)
        out("hello")
        p.s.sendall(frame(3, struct.pack(">Q", 0)))
        try:
            for action in filter(None, (a.strip() for a in session.split(";"))):
                a = action.split()
                if a[0] == "offer":
                    offer(p, pki, d, a[1:])
                elif a[0] == "wait":
                    p.until(11)
                elif a[0] == "hold":
                    while True:
                        p.read()
        except EOFError:
            out("eof")
        out("end")
        p.s.close()
    return 0


sys.exit(main())
