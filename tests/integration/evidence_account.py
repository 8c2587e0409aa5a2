#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
# The lab's GoIP capture with the packets that name the urgent line's account
# (docs/evidence.md). radius: a NAS reports Start for 100.64.1.10 (user
# acct-goip-10) a second before the capture, an Interim for it 30 s in, and a
# Start for 100.64.1.99 (acct-quiet: a line with no evidence). pppoe: every
# packet of 100.64.1.10 travels in PPPoE session 7, whose PAP request named
# acct-ppp-7 a second before, and session 9 names acct-quiet.
# usage: evidence_account.py radius|pppoe GOIP.pcap OUT.pcap
import struct
import sys
from pcapkit import ip4, csum

NAS, RADIUS = "10.0.0.1", "10.0.0.2"
LINE = bytes([100, 64, 1, 10])




def udp(src, sport, dst, dport, payload):
    u = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(u), 1, 0, 64, 17, 0, ip4(src), ip4(dst))
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    return b"\x02\x00\x00\x00\x00\x02" + b"\x02\x00\x00\x00\x00\x01" + b"\x08\x00" + ip + u


def acct(status, user, framed, ident):
    attrs = b""
    for typ, val in ((40, struct.pack("!I", status)), (1, user), (44, b"0001A2B3C4"),
                     (8, ip4(framed)), (4, ip4(NAS))):
        attrs += bytes([typ, len(val) + 2]) + val
    hdr = struct.pack("!BBH", 4, ident, 20 + len(attrs)) + b"\xc3" * 16
    return udp(NAS, 40000, RADIUS, 1813, hdr + attrs)


def pppoe(frame, session, proto, body):
    """An Ethernet PPPoE session frame (the MACs of frame) carrying a PPP body."""
    ppp = struct.pack("!H", proto) + body
    return frame[:12] + b"\x88\x64" + struct.pack("!BBHH", 0x11, 0, session, len(ppp)) + ppp


def pap(frame, session, user):
    body = bytes([len(user)]) + user + bytes([6]) + b"secret"
    return pppoe(frame, session, 0xc023, struct.pack("!BBH", 1, 1, 4 + len(body)) + body)


def in_session(p):
    """A packet of the line moved into PPPoE session 7."""
    if p[12:14] != b"\x08\x00" or LINE not in (p[26:30], p[30:34]):
        return p
    return pppoe(p, 7, 0x0021, p[14:])


mode = sys.argv[1]
data = open(sys.argv[2], "rb").read()
ghdr, off, recs = data[:24], 24, []
while off + 16 <= len(data):
    sec, usec, incl, orig = struct.unpack("<IIII", data[off:off + 16])
    recs.append((sec * 1000000 + usec, data[off + 16:off + 16 + incl], orig))
    off += 16 + incl
t0 = recs[0][0]
if mode == "radius":
    extra = ((t0 - 1000000, acct(1, b"acct-goip-10", "100.64.1.10", 1)),
             (t0 - 900000, acct(1, b"acct-quiet", "100.64.1.99", 2)),
             (t0 + 30000000, acct(3, b"acct-goip-10", "100.64.1.10", 3)))
else:
    recs = [(ts, in_session(p), orig + len(in_session(p)) - len(p)) for ts, p, orig in recs]
    extra = ((t0 - 1000000, pap(recs[0][1], 7, b"acct-ppp-7")),
             (t0 - 900000, pap(recs[0][1], 9, b"acct-quiet")))
for ts, p in extra:
    recs.append((ts, p, len(p)))
recs.sort(key=lambda r: r[0])
with open(sys.argv[3], "wb") as f:
    f.write(ghdr)
    for ts, p, orig in recs:
        f.write(struct.pack("<IIII", ts // 1000000, ts % 1000000, len(p), max(orig, len(p))))
        f.write(p)
