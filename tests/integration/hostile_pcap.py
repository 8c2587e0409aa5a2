#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
# Writes a capture whose GoIP lines report hostile strings where goipwatchd
# picks them up: SIP User-Agent and From display name, percent-encoded user
# parts (%00, %ff), GoIP SMS-server keepalive fields (device id, SIM fields)
# and the RADIUS User-Name. usage: hostile_pcap.py OUT.pcap (docs/records.md).
import struct
import sys
from pcapkit import ip4, csum

ESC, BEL = b"\x1b", b"\x07"
UA = b"dble " + ESC + b"[2J" + ESC + b"]52;c;SGVsbG8=" + BEL + b" \x9b\xc2\x9b\xff\xfe"
CHINESE_ID = b"G" + "\u732b".encode() * 23          # 70 bytes: cut at 63
HYPERLINK = b'=HYPERLINK("http://x","y")'
LINE_A, LINE_B = "100.64.9.9", "100.64.9.10"
SMS_SERVER, SOFTSWITCH, NAS = "198.51.100.20", "203.0.113.10", "10.0.0.1"

pkts = []
t = [1796032800.0]      # 2026-12-01T12:00:00Z




def udp(src, sport, dst, dport, payload):
    u = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(u), len(pkts) & 0xffff, 0,
                     64, 17, 0, ip4(src), ip4(dst))
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    eth = b"\x00\x11\x22\x33\x44\x55" + b"\x00\x66\x77\x88\x99\xaa" + b"\x08\x00"
    t[0] += 0.25
    pkts.append((t[0], eth + ip + u))


def keepalive(src, n, dev, num, imei, imsi, iccid):
    msg = (b"req:%d;id:" % n + dev + b";pass:pw1000;num:" + num +
           b";signal:20;gsm_status:LOGIN;voip_status:LOGIN;voip_state:IDLE;imei:" +
           imei + b";imsi:" + imsi + b";iccid:" + iccid + b";pro:CHINA\\MOBILE\";")
    udp(src, 37645, SMS_SERVER, 44444, msg)
    udp(SMS_SERVER, 44444, src, 37645, b"reg:%d;status:200;" % n)


def radius_start(user, framed):
    attrs = b""
    for typ, val in ((40, struct.pack("!I", 1)), (1, user), (44, b"0001A2B3C4"),
                     (8, ip4(framed)), (4, ip4(NAS))):
        attrs += bytes([typ, len(val) + 2]) + val
    hdr = struct.pack("!BBH", 4, 0x5a, 20 + len(attrs)) + b"\xc3" * 16
    udp(NAS, 40000, "10.0.0.2", 1813, hdr + attrs)


def register(src):
    user = b"goip%ff%00x"
    msg = (b"REGISTER sip:" + SOFTSWITCH.encode() + b" SIP/2.0\r\n"
           b"Via: SIP/2.0/UDP " + src.encode() + b":5060;rport;branch=z9hG4bK-h1\r\n"
           b'From: "Evil ' + ESC + b'[2J\\" \xff\xfe" <sip:' + user + b"@" +
           SOFTSWITCH.encode() + b">;tag=h1\r\n"
           b"To: <sip:" + user + b"@" + SOFTSWITCH.encode() + b">\r\n"
           b"Call-ID: h1@" + src.encode() + b"\r\nCSeq: 1 REGISTER\r\n"
           b"Contact: <sip:" + user + b"@" + src.encode() + b":5060>;expires=60\r\n"
           b"User-Agent: " + UA + b"\r\nExpires: 60\r\nContent-Length: 0\r\n\r\n")
    udp(src, 5060, SOFTSWITCH, 5060, msg)
    ok = (b"SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP " + src.encode() +
          b":5060;rport=5060;branch=z9hG4bK-h1\r\nFrom: <sip:" + user + b"@" +
          SOFTSWITCH.encode() + b">;tag=h1\r\nTo: <sip:" + user + b"@" +
          SOFTSWITCH.encode() + b">;tag=s1\r\nCall-ID: h1@" + src.encode() +
          b"\r\nCSeq: 1 REGISTER\r\nContact: <sip:" + user + b"@" + src.encode() +
          b":5060>;expires=60\r\nContent-Length: 0\r\n\r\n")
    udp(SOFTSWITCH, 5060, src, 5060, ok)


radius_start(b"acct\x9b\xc2\x9b\xff\xfe\x1b[31m\xe7\x8c\xab", LINE_A)
register(LINE_A)
keepalive(LINE_A, 1, CHINESE_ID, b"+cmd", b"-1+1\xff\xfe", b"460\x9b\xc2\x9b",
          b"@SUM(1)")
keepalive(LINE_B, 2, HYPERLINK, HYPERLINK[:31], b'q"b\\s', b"\t460tab", b"\r8986cr")
keepalive(LINE_B, 3, HYPERLINK, b"-1+1", b"862704030000000", b"+cmd", b"@SUM(1)")

with open(sys.argv[1], "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
    for ts, p in pkts:
        f.write(struct.pack("<IIII", int(ts), int(ts % 1 * 1e6), len(p), len(p)))
        f.write(p)
