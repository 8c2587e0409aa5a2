#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
# Lab: turn one SIP message from a lab capture (stdin) into a tools/synth template
# (stdout): the variable parts become the {placeholders} the synthesiser fills in.
# Usage: templates.py register|invite|request|response|sdp_dbl|sdp_generic|sdp_pbx
import re
import sys

# Headers the synthesiser does not model (proxies, lengths it computes itself).
DROP = {"content-length", "record-route", "route"}


def split(msg):
    msg = msg.replace("\r\n", "\n")
    head, _, body = msg.partition("\n\n")
    return head.split("\n"), body


def via(value):
    # first Via only; host:port and branch vary, the rest is the stack's own
    v = value.split(",")[0].strip()
    v = re.sub(r"^(SIP/2\.0/UDP) [^;]+", r"\1 {via}", v)
    return re.sub(r"branch=z9hG4bK[^;]*", "branch=z9hG4bK{branch}", v)


def header(kind, name, value):
    n = name.lower()
    if n == "via":
        return via(value) if kind != "response" else "{via_hdr}"
    if n in ("from", "to"):
        if kind == "register":
            return "<sip:{user}@{registrar}>" + (";tag={from_tag}" if n == "from" else "")
        return "{from_hdr}" if n == "from" else "{to_hdr}"
    if n == "call-id":
        return "{call_id}"
    if n == "cseq":
        method = value.split()[-1]
        if kind in ("request", "response"):
            return "{cseq} {cseq_method}"
        return "{cseq} " + method
    if n == "contact":
        if kind == "register":
            return re.sub(r"<sip:[^>]*>", "<sip:{user}@{contact_hp}>",
                          re.sub(r"expires=\d+", "expires={expires}", value))
        return "<sip:{contact_user}@{contact_hp}>"
    if n in ("user-agent", "server"):
        return "{ua}"
    if n == "allow":
        return "{allow}"
    if n == "expires":
        return "{expires}"
    return value


def request_line(kind, line):
    method = line.split()[0]
    if kind == "register":
        return "REGISTER sip:{registrar} SIP/2.0"
    if kind == "request":
        method = "{method}"
    return method + " sip:{ruri_user}@{ruri_host} SIP/2.0"


def sip(kind, msg):
    lines, _ = split(msg)
    out = ["SIP/2.0 {status}" if kind == "response" else request_line(kind, lines[0])]
    for line in lines[1:]:
        name, _, value = line.partition(":")
        n = name.strip().lower()
        if n in DROP or (kind == "response" and n in ("contact", "allow", "content-type")):
            continue
        if kind == "response" and n in ("user-agent", "server"):
            out.append("{extra}{server_hdr}: {ua}")
            continue
        if kind == "register" and n == "max-forwards":
            out.append("{auth}" + line.strip())	# digest credentials: the synth's own
            continue
        out.append("%s: %s" % (name.strip(), header(kind, name.strip(), value.strip())))
    if kind in ("invite", "response"):
        out += ["", "{sdp}"]
    return "\n".join(out) + "\n"


def sdp(kind, msg):
    _, body = split(msg)
    out, maps = [], False
    for line in body.strip().split("\n"):
        line = line.strip()
        if line.startswith("o="):
            user = line[2:].split()[0]
            if kind == "sdp_dbl":
                line = "o=%s 20000001 {sdp_ver} IN {ipv} {media_ip}" % user
            elif kind == "sdp_pbx":
                line = "o=%s {sess_id} {sess_id} IN {ipv} {media_ip}" % user
            else:
                line = "o={sdp_user} {sess_id} {sess_id} IN {ipv} {media_ip}"
        elif line.startswith("s=") and kind == "sdp_generic":
            line = "s={sdp_session}"
        elif line.startswith("c="):
            line = "c=IN {ipv} {media_ip}"
        elif line.startswith("m=audio"):
            prof = "{rtp_profile}" if kind == "sdp_dbl" else line.split()[2]
            line = "m=audio {media_port} %s {m_fmts}" % prof
        elif line.startswith("a=rtpmap:"):
            if maps:
                continue
            maps = True
            out.append("{rtpmaps}")	# one a=rtpmap line per payload type, ends in LF
            continue
        out.append(line)
    text = "\n".join(out)
    return text.replace("{rtpmaps}\n", "{rtpmaps}") + "\n"


def main():
    kinds = ("register", "invite", "request", "response", "sdp_dbl", "sdp_generic", "sdp_pbx")
    if len(sys.argv) != 2 or sys.argv[1] not in kinds:
        sys.exit("usage: templates.py " + "|".join(kinds) + " <message")
    kind, msg = sys.argv[1], sys.stdin.read()
    if not msg.strip():
        sys.exit("templates.py: %s: empty message" % kind)
    sys.stdout.write(sdp(kind, msg) if kind.startswith("sdp") else sip(kind, msg))


if __name__ == "__main__":
    main()
