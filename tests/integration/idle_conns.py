#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""Idle TCP connections to 127.0.0.1:PORT that never speak: N from each source
address (127.0.0.x, all loopback), held for SECS seconds or until SIGTERM.
Prints "opened N failed M" once every connect has been tried.
  idle_conns.py PORT N SECS [SRC_ADDR...]"""
import signal
import socket
import sys
import time


def main():
    port, n, secs = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
    addrs = sys.argv[4:] or ["127.0.0.1"]
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    socks, failed = [], 0
    for a in addrs:
        for _ in range(n):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.settimeout(1.0)
            try:
                s.bind((a, 0))
                s.connect(("127.0.0.1", port))
                socks.append(s)
            except OSError:
                failed += 1
                s.close()
    print("opened %d failed %d" % (len(socks), failed), flush=True)
    time.sleep(secs)


if __name__ == "__main__":
    main()
