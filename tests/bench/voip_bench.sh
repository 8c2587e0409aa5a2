#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# VoIP figures for `make bench`: SIP messages parsed per second (sip_parse of
# a 6-message call flow), and calls tracked per second by the detect stage's
# tables (calls.c + regs.c fed parsed events: INVITE, 180, 200 with SDP, ACK,
# BYE, 200 per call, distinct Call-IDs, records written to a null sink).
# Builds a small program against $BUILD/libgwd.a; prints "name value unit".
set -eu
BUILD=${BUILD:-build}
here=$(cd "$(dirname "$0")/../.." && pwd)
cd "$here"
[ -r "$BUILD/libgwd.a" ] || { echo "voip_bench: $BUILD/libgwd.a not built (run make)"; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/voipbench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/vb.c" <<'C'
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "calls.h"
#include "media.h"
#include "regs.h"

static const char *flow[6] = {
"INVITE sip:bob@10.1.2.3 SIP/2.0\r\nVia: SIP/2.0/UDP 192.168.8.20:5060;branch=z9hG4bK1\r\n"
"From: <sip:alice@10.1.2.3>;tag=a1\r\nTo: <sip:bob@10.1.2.3>\r\nCall-ID: X\r\nCSeq: 1 INVITE\r\n"
"Contact: <sip:alice@192.168.8.20>\r\nUser-Agent: bench\r\nContent-Type: application/sdp\r\n"
"Content-Length: 121\r\n\r\nv=0\r\no=- 1 1 IN IP4 192.168.8.20\r\ns=-\r\nc=IN IP4 192.168.8.20\r\nt=0 0\r\n"
"m=audio 10000 RTP/AVP 8 0\r\na=rtpmap:8 PCMA/8000\r\na=ptime:20\r\n",
"SIP/2.0 180 Ringing\r\nVia: SIP/2.0/UDP 192.168.8.20:5060;branch=z9hG4bK1\r\n"
"From: <sip:alice@10.1.2.3>;tag=a1\r\nTo: <sip:bob@10.1.2.3>;tag=b1\r\nCall-ID: X\r\nCSeq: 1 INVITE\r\n"
"Content-Length: 0\r\n\r\n",
"SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 192.168.8.20:5060;branch=z9hG4bK1\r\n"
"From: <sip:alice@10.1.2.3>;tag=a1\r\nTo: <sip:bob@10.1.2.3>;tag=b1\r\nCall-ID: X\r\nCSeq: 1 INVITE\r\n"
"Server: bench\r\nContent-Type: application/sdp\r\n"
"Content-Length: 106\r\n\r\nv=0\r\no=- 1 1 IN IP4 10.1.2.3\r\ns=-\r\nc=IN IP4 10.1.2.3\r\nt=0 0\r\n"
"m=audio 30000 RTP/AVP 8\r\na=rtpmap:8 PCMA/8000\r\n",
"ACK sip:bob@10.1.2.3 SIP/2.0\r\nVia: SIP/2.0/UDP 192.168.8.20:5060;branch=z9hG4bK2\r\n"
"From: <sip:alice@10.1.2.3>;tag=a1\r\nTo: <sip:bob@10.1.2.3>;tag=b1\r\nCall-ID: X\r\nCSeq: 1 ACK\r\n"
"Content-Length: 0\r\n\r\n",
"BYE sip:bob@10.1.2.3 SIP/2.0\r\nVia: SIP/2.0/UDP 192.168.8.20:5060;branch=z9hG4bK3\r\n"
"From: <sip:alice@10.1.2.3>;tag=a1\r\nTo: <sip:bob@10.1.2.3>;tag=b1\r\nCall-ID: X\r\nCSeq: 2 BYE\r\n"
"Content-Length: 0\r\n\r\n",
"SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 192.168.8.20:5060;branch=z9hG4bK3\r\n"
"From: <sip:alice@10.1.2.3>;tag=a1\r\nTo: <sip:bob@10.1.2.3>;tag=b1\r\nCall-ID: X\r\nCSeq: 2 BYE\r\n"
"Content-Length: 0\r\n\r\n",
};

static uint64_t nrec;
static void null_emit(void *a, const char *l, size_t n) { (void)a; (void)l; (void)n; nrec++; }

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int
main(void)
{
	static struct event ev[6];
	struct sink s = { .emit = null_emit };
	struct calls_params cp;
	struct regs_params rp;
	struct calls *c;
	struct regs *r;
	const size_t nparse = 60000, ncalls = 1000000;
	size_t i, k;
	double t;

	sip_global_init();
	t = now();
	for (i = 0; i < nparse; i++)
		if (sip_parse((const uint8_t *)flow[i % 6], strlen(flow[i % 6]), 0, &ev[i % 6].u.sip.msg) != SIP_PARSE_OK)
			return 1;
	printf("sip_parse %.0f msgs/s\n", nparse / (now() - t));
	for (k = 0; k < 6; k++) {
		ev[k].kind = EV_SIP;
		media_addr_parse(k == 0 || k == 3 || k == 4 ? "192.168.8.20" : "10.1.2.3", ev[k].t.src);
		media_addr_parse(k == 0 || k == 3 || k == 4 ? "10.1.2.3" : "192.168.8.20", ev[k].t.dst);
	}
	calls_params_default(&cp);
	regs_params_default(&rp);
	if ((c = calls_new(&cp, &s)) == NULL || (r = regs_new(&rp, &s)) == NULL)
		return 1;
	t = now();
	for (i = 0; i < ncalls; i++) {
		for (k = 0; k < 6; k++) {
			snprintf(ev[k].u.sip.msg.call_id, SIP_CALLID_LEN, "%zx@bench", i);
			ev[k].ts = 1700000000000000ULL + i * 1000 + k * 100;
			calls_sip(c, &ev[k]);
			regs_sip(r, &ev[k]);
		}
	}
	calls_finish(c, 1700000000000000ULL + ncalls * 1000 + 60000000);
	t = now() - t;
	printf("calls_tracked %.0f calls/s\n", ncalls / t);
	printf("detect_sip_events %.0f msgs/s\n", ncalls * 6 / t);
	printf("call_records %llu\n", (unsigned long long)nrec);
	printf("calls_table_bytes %zu (capacity %zu)\n", calls_bytes(c), cp.capacity);
	calls_free(c);
	regs_free(r);
	return 0;
}
C
# one -I per stage folder, as the Makefile gives
inc=$(for d in firmware/goipwatchd/*/; do printf -- '-I%s ' "${d%/}"; done)
# shellcheck disable=SC2086
${CC:-cc} -O2 -std=c11 -D_GNU_SOURCE -pthread -Ifirmware/lib -Ifirmware/proto $inc -Idrivers/capture \
    -o "$tmp/vb" "$tmp/vb.c" "$BUILD/libgwd.a" "$BUILD/libgw.a" \
    $(pkg-config --libs libndpi 2>/dev/null) -losipparser2 -lpcap -lmbedtls -lmbedx509 -lmbedcrypto -lcjson
"$tmp/vb"
