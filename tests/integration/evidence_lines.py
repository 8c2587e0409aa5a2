#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
# evidence_lines.py OUT.pcap LINES: LINES subscriber lines (100.64.10.1 ...), each
# sending four REGISTERs with a GoIP User-Agent to a foreign registrar: every
# packet is evidence. For evidence.sh's bounds and evidence_bench.sh's cost.
import struct, sys
from pcapkit import csum
def frame(src, dst, sport, dport, payload):
    udp = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 1, 0, 64, 17, 0, src, dst)
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    return b"\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01\x08\x00" + ip + udp
out = open(sys.argv[1], "wb")
out.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
reg = bytes([203, 0, 113, 10])
t = 1700000000
for n in range(int(sys.argv[2])):
    ip = bytes([100, 64 + n // 62500, 10 + n // 250 % 250, n % 250 + 1])
    a = "%d.%d.%d.%d" % tuple(ip)
    for k in range(4):
        sip = ("REGISTER sip:203.0.113.10 SIP/2.0\r\nVia: SIP/2.0/UDP %s:5060;branch=z9hG4bK%d%d\r\n"
               "From: <sip:%d@203.0.113.10>;tag=%d\r\nTo: <sip:%d@203.0.113.10>\r\n"
               "Call-ID: %d-%d@%s\r\nCSeq: %d REGISTER\r\nContact: <sip:%d@%s:5060>\r\n"
               "Expires: 60\r\nUser-Agent: dble\r\nContent-Length: 0\r\n\r\n"
               % (a, n, k, n, n, n, n, k, a, k + 1, n, a)).encode()
        f = frame(ip, reg, 5060, 5060, sip)
        t += 1
        out.write(struct.pack("<IIII", t, n, len(f), len(f)) + f)
