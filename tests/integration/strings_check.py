#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
# Checks files of output for hostile strings (docs/central.md, Output).
# usage: strings_check.py MODE FILE... ; exit 1 with a reason on the first fault.
#   jsonl  every line strict UTF-8 and one JSON value
#   tty    strict UTF-8, no C0 but newline, no DEL, no C1 (U+0080-U+009F)
#   csv    tty's rules on the text, starts with a UTF-8 BOM, and no cell starts
#          with = + - @ TAB or CR
import csv
import io
import json
import sys


def fault(path, what):
    print("FAIL: %s: %s" % (path, what))
    sys.exit(1)


def text(path, data):
    try:
        return data.decode("utf-8", errors="strict")
    except UnicodeDecodeError as e:
        fault(path, "not strict UTF-8: %s" % e)


def tty(path, s):
    for i, ch in enumerate(s):
        o = ord(ch)
        if (o < 0x20 and ch != "\n") or 0x7f <= o <= 0x9f:
            fault(path, "raw control U+%04X at %d: %r" % (o, i, s[max(0, i - 20):i + 20]))


def main():
    mode = sys.argv[1]
    for path in sys.argv[2:]:
        data = open(path, "rb").read()
        if mode == "jsonl":
            for n, line in enumerate(data.splitlines(), 1):
                try:
                    json.loads(text(path, line))
                except ValueError as e:
                    fault(path, "line %d: not JSON: %s" % (n, e))
        elif mode == "tty":
            tty(path, text(path, data))
        elif mode == "csv":
            if not data.startswith(b"\xef\xbb\xbf"):
                fault(path, "no UTF-8 byte-order mark")
            s = text(path, data[3:])
            tty(path, s.replace("\r\n", "\n"))
            for row in csv.reader(io.StringIO(s)):
                for cell in row:
                    if cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
                        fault(path, "formula cell %r" % cell)
        else:
            fault(path, "unknown mode " + mode)


main()
