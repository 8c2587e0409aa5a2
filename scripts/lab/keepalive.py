#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
# Lab: GoIP SMS-server keepalives (send) and the server's replies (serve); bounded in time.
import socket
import sys
import time


def send(server, port, lines, interval, until):
    socks = []
    for n in range(lines):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.settimeout(0.5)
        socks.append(s)
    count = 1
    while time.time() < until:
        for n, s in enumerate(socks):
            msg = ("req:%d;id:goip%d;pass:pw%04d;num:1390000%04d;signal:%d;"
                   "gsm_status:LOGIN;voip_status:LOGIN;voip_state:IDLE;"
                   "imei:86270403%07d;imsi:4600012345%05d;iccid:89860012345678%06d;"
                   "pro:CHINA MOBILE;idle:%d;SMB_LOGIN:;SMS_LOGIN:N;" %
                   (count, n + 1, 1000 + n, n, 20 + n, n, n, n, count * 30))
            s.sendto(msg.encode(), (server, port))
            try:
                s.recv(512)
            except OSError:
                pass
        count += 1
        time.sleep(max(0.0, min(interval, until - time.time())))


def serve(addr, port, until):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((addr, port))
    s.settimeout(1.0)
    while time.time() < until:
        try:
            data, peer = s.recvfrom(2048)
        except OSError:
            continue
        if data.startswith(b"req:"):
            n = data[4:].split(b";", 1)[0]
            s.sendto(b"reg:" + n + b";status:200;", peer)


def main():
    if len(sys.argv) < 5:
        sys.exit("usage: keepalive.py send SERVER PORT SECONDS [LINES [INTERVAL]]\n"
                 "       keepalive.py serve ADDR PORT SECONDS")
    mode, host, port, secs = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
    until = time.time() + min(secs, 600.0)
    if mode == "send":
        lines = int(sys.argv[5]) if len(sys.argv) > 5 else 1
        interval = float(sys.argv[6]) if len(sys.argv) > 6 else 30.0
        send(host, port, min(lines, 8), max(interval, 1.0), until)
    else:
        serve(host, port, until)


if __name__ == "__main__":
    main()
