# SPDX-License-Identifier: BSD-2-Clause
"""What the scripts that write test captures share: IPv4 addresses as bytes
and the Internet checksum (RFC 1071)."""
import struct


def ip4(s):
    return bytes(int(x) for x in s.split("."))


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
