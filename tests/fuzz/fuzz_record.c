/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libFuzzer harness for goipwatch-central's record parser (central/record.c,
 * cJSON over hostile record bytes): record_type_of, record_detection,
 * record_health, record_call, record_time(_ms) and record_text. Aborts when a parsed string
 * field lacks its NUL within its array, a count passes its capacity, a failure
 * gives no reason, or record_text returns text that is not strict UTF-8.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../central/record.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define HAS_NUL(a)	(memchr((a), '\0', sizeof(a)) != NULL)

static void
check_detection(const char *json, size_t len)
{
	static struct detection d;	/* 20 KB: not on the stack */
	const char *why = NULL;
	int i, rc = record_detection(json, len, &d, &why);

	if ((rc == -1) != (why != NULL) || (rc == 0 && (d.ip[0] == '\0' ||
	    d.tier_rank < 0 || d.tier_rank > 3)))
		abort();
	if (!HAS_NUL(d.ip) || !HAS_NUL(d.account) || !HAS_NUL(d.device_id) ||
	    !HAS_NUL(d.verdict) || !HAS_NUL(d.tier))
		abort();
	if (d.nev < 0 || d.nev > REC_MAX_EVIDENCE || d.npeers < 0 ||
	    d.npeers > REC_MAX_PEERS || d.nsims < 0 || d.nsims > REC_MAX_SIMS)
		abort();
	for (i = 0; i < d.nev; i++)
		if (!HAS_NUL(d.ev[i].kind) || !HAS_NUL(d.ev[i].detail) ||
		    d.ev[i].kind[0] == '\0')
			abort();
	for (i = 0; i < d.npeers; i++)
		if (!HAS_NUL(d.peers[i].ip) || d.peers[i].ip[0] == '\0')
			abort();
	for (i = 0; i < d.nsims; i++)
		if (!HAS_NUL(d.sims[i].imsi) || !HAS_NUL(d.sims[i].iccid) ||
		    !HAS_NUL(d.sims[i].imei) || !HAS_NUL(d.sims[i].msisdn))
			abort();
}

static void
check_health(const char *json, size_t len)
{
	struct health h;
	const char *why = NULL;
	int rc = record_health(json, len, &h, &why);

	if ((rc == -1) != (why != NULL) || (rc == 0 && h.ts < 0))
		abort();
	if (!HAS_NUL(h.firmware) || !HAS_NUL(h.tls_state) || h.drops < 0)
		abort();
}

static void
check_call(const char *json, size_t len)
{
	static struct call_rec c;
	const char *why = NULL;
	int rc = record_call(json, len, &c, &why);

	if ((rc == -1) != (why != NULL) || (rc == 0 && (c.line_ip[0] == '\0' ||
	    c.call_id[0] == '\0' || c.invite_ms < 0 || c.end_ms < c.invite_ms)))
		abort();
	if (!HAS_NUL(c.line_ip) || !HAS_NUL(c.call_id) || !HAS_NUL(c.caller) ||
	    !HAS_NUL(c.callee) || !HAS_NUL(c.direction) || !HAS_NUL(c.src_ip) ||
	    !HAS_NUL(c.dst_ip) || !HAS_NUL(c.user_agent) || !HAS_NUL(c.server) ||
	    !HAS_NUL(c.state) || !HAS_NUL(c.end) || !HAS_NUL(c.hangup))
		abort();
	if (c.vlan < -1 || c.vlan > 4095 || c.pppoe < -1 || c.pppoe > 65535 ||
	    c.src_port > 65535 || c.dst_port > 65535)
		abort();
}

static void
check_text(const char *s, size_t n)
{
	char *copy;
	const char *t = record_text(s, n, &copy);

	if (t == NULL)
		return;		/* out of memory */
	if (t == s) {
		if (copy != NULL || memchr(s, '\0', n) != NULL || !utf8_is_valid(s, n))
			abort();
	} else if (t != copy || !utf8_is_valid(t, strlen(t)) || strlen(t) > n * 3)
		abort();
	free(copy);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* exactly size bytes, so ASan sees a read past the end; a copy with a NUL
	 * for record_time, which takes a C string */
	char *json = malloc(size ? size : 1), *str = malloc(size + 1);
	enum record_type t;

	if (json == NULL || str == NULL)
		abort();
	memcpy(json, data, size);
	memcpy(str, data, size);
	str[size] = '\0';
	t = record_type_of(json, size);
	if (t != REC_OTHER && t != REC_DETECTION && t != REC_HEALTH && t != REC_CALL)
		abort();
	check_detection(json, size);
	check_health(json, size);
	check_call(json, size);
	check_text(json, size);
	(void)record_time(str);
	(void)record_time_ms(str);
	free(json);
	free(str);
	return 0;
}
