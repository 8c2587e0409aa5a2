#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""A hostile appliance for central's file pushes (central_geodb.sh): connects with
an appliance certificate, waits for the file_offer, then sends one file_get and
prints what central answered: "chunk OFFSET LEN" or "error CODE MESSAGE".
usage: file_peer.py PORT PKI_DIR ID MODE   (MODE: ok, beyond, other, huge, old, kind)
"old" sends an older firmware's hello (no features word) and prints "no offer"
when central sends no file_offer within 3 s. "kind" prints "offer kind K" of the
first offer or "no offer" when none comes within 3 s (central_firmware.sh)."""
import socket
import ssl
import struct
import sys

from gwframe import Conn, frame


def main():
    port, pki, ident, mode = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_verify_locations(pki + "/ca.crt")
    ctx.load_cert_chain(pki + "/" + ident + ".crt", pki + "/" + ident + ".key")
    s = ctx.wrap_socket(socket.create_connection(("127.0.0.1", port), timeout=10),
                        server_hostname="central.test")
    idb = ident.encode()
    tail = struct.pack(">Q", 0x1234) if mode == "old" else \
        struct.pack(">QI", 0x1234, 1)  # epoch, [features: files]
    s.sendall(frame(1, struct.pack(">QQH", 0, 0, len(idb)) + idb + struct.pack(">H", 3) +
                    b"0.1" + tail))
    conn = Conn(s)
    if mode in ("old", "kind"):
        s.settimeout(3)
    while True:
        try:
            t, p = conn.read()
        except socket.timeout:
            print("no offer")
            return 0
        except EOFError:
            print("closed before an offer")
            return 1
        if t == 8 and mode == "kind":
            print("offer kind %d" % p[0])
            return 0
        if t == 8:
            break
    version, size = struct.unpack(">QI", p[2:14])
    want = {"ok": (version, size - 10, 512), "beyond": (version, size + 1, 512),
            "other": (version + 1, 0, 512), "huge": (version, 0, 65537)}[mode]
    s.sendall(frame(9, bytes([1]) + struct.pack(">QII", *want)))
    while True:
        try:
            t, p = conn.read()
        except EOFError:
            print("closed")
            return 0
        if t == 10:
            off, n = struct.unpack(">II", p[9:17])
            print("chunk %d %d" % (off, n))
            return 0
        if t == 6:
            code, n = struct.unpack(">HH", p[:4])
            print("error %d %s" % (code, p[4:4 + n].decode()))
            return 0


sys.exit(main())
