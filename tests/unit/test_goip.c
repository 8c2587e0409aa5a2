/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests for goip.c: the SMS-server protocol and SIM-bank frames. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "goip.h"

#define U8(s)	((const uint8_t *)(s))

/* The keepalive of the GoIP SMS Interface spec, with the SIM identities. */
static const char keepalive[] =
    "req:10;id:goipid1;pass:password1;num:12345;signal:23;gsm_status:LOGIN;"
    "voip_status:LOGIN;imei:861234567890123;imsi:460001234567890;"
    "iccid:89860012345678901234;";

/* NiceLabs notify_test.go, with the extra fields. */
static const char keepalive_nicelabs[] =
    "req:3;id:goip-1;pass:goip;num:;signal:;gsm_status:LOGIN;"
    "voip_status:LOGOUT;voip_state:IDLE;remain_time:-1;"
    "imei:000000000000000;imsi:000000000000000;iccid:00000000000000000000;"
    "pro:CHINA UNICOM GSM;idle:1;disable_status:0;"
    "SMS_LOGIN:N;SMB_LOGIN:;CELLINFO:LAC:FFFF,CELL ID:FFFF;CGATT:Y;";

static const char *const positives[] = {
	keepalive,
	keepalive_nicelabs,
	"req:11;id:goipid1;pass:x;SMB_LOGIN:Y;num:(null);\r\n",
	"reg:10;status:200;",
	"reg:100;status:0;",
	"RECEIVE:1571812849;id:goip-1;password:goip;srcnum:1380013800;msg:hi; there",
	"STATE:1571812793;id:goip-1;password:goip;gsm_remain_state:IDLE",
	"RECORD:1571812801;id:goip-1;password:goip;dir:2;num:10086",
	"HANGUP:1571812814;id:goip-1;password:goip;num:,cause:Normal call clearing",
	"DELIVER:1571812803;id:goip-1;password:goip;sms_no:32;state:0;num:+861380013800",
	"EXPIRY:1571812871;id:goip-1;password:goip;exp:0",
	"REMAIN:7568;id:goip-1;password:goip;gsm_remain_time:-1",
	"USSN:77;id:goip-1;password:goip;msg:Balance 5.00",
	"GSM:1;get_gsm_num:(null);get_exp_time:0;get_gsm_state:IDLE;imei:000000000000000",
	"CELLS:34347;id:goip-1;password:goip;lists:689,638,783,785,640,",
	"set_imei 12345 861234567890123 secretpw",
	"get_imei 77 secretpw",
	"svr_reboot_dev 78 secretpw",
	"USSD 79 secretpw *100#",
	"CF 80 secretpw 0 1 13800138000 20",
	"MSG 42 11 hello world",
	"PASSWORD 42 secretpw",
	"SEND 42 1 +8613800138000",
	"OK 42 1 77",
	"DONE 42",
	"RECEIVE 1571812849 OK",
	"USSN 100 ERROR EOF",
};

static void
test_keepalive_spec(void **state)
{
	struct goip_msg m;

	(void)state;
	assert_true(goip_msg_parse(U8(keepalive), strlen(keepalive), &m));
	assert_int_equal(m.kind, GOIP_KEEPALIVE);
	assert_string_equal(m.type, "req");
	assert_int_equal(m.seq, 10);
	assert_string_equal(m.id, "goipid1");
	assert_true(m.has_password);
	assert_string_equal(m.num, "12345");
	assert_int_equal(m.signal, 23);
	assert_string_equal(m.gsm_status, "LOGIN");
	assert_string_equal(m.voip_status, "LOGIN");
	assert_string_equal(m.imei, "861234567890123");
	assert_string_equal(m.imsi, "460001234567890");
	assert_string_equal(m.iccid, "89860012345678901234");
	assert_int_equal(m.smb_login, -1);
	assert_false(m.truncated);
	/* The password value is nowhere in the parsed struct. */
	assert_null(memmem(&m, sizeof(m), "password1", 9));
}

static void
test_keepalive_nicelabs(void **state)
{
	struct goip_msg m;

	(void)state;
	assert_true(goip_msg_parse(U8(keepalive_nicelabs),
	    strlen(keepalive_nicelabs), &m));
	assert_int_equal(m.kind, GOIP_KEEPALIVE);
	assert_int_equal(m.seq, 3);
	assert_string_equal(m.id, "goip-1");
	assert_string_equal(m.num, "");
	assert_int_equal(m.signal, -1);
	assert_string_equal(m.voip_status, "LOGOUT");
	assert_string_equal(m.pro, "CHINA UNICOM GSM");
	assert_string_equal(m.cellinfo, "LAC:FFFF,CELL ID:FFFF");
	assert_int_equal(m.smb_login, -1);
	assert_true(m.has_password);
	assert_null(memmem(&m, sizeof(m), "goip;", 5));
}

static void
test_keepalive_smb_login(void **state)
{
	static const char *const yes[] = { "Y", "1", "LOGIN", "y" };
	static const char *const no[] = { "N", "0", "LOGOUT" };
	char buf[128];
	struct goip_msg m;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		snprintf(buf, sizeof(buf), "req:5;id:g;SMB_LOGIN:%s;", yes[i]);
		assert_true(goip_msg_parse(U8(buf), strlen(buf), &m));
		assert_int_equal(m.smb_login, 1);
		assert_false(m.has_password);
	}
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
		snprintf(buf, sizeof(buf), "req:5;id:g;SMB_LOGIN:%s;", no[i]);
		assert_true(goip_msg_parse(U8(buf), strlen(buf), &m));
		assert_int_equal(m.smb_login, 0);
	}
	/* (null) and <NULL> mean absent, trailing CRLF is tolerated. */
	assert_true(goip_msg_parse(U8(positives[2]), strlen(positives[2]), &m));
	assert_int_equal(m.smb_login, 1);
	assert_string_equal(m.num, "");
}

static void
test_ack(void **state)
{
	struct goip_msg m;

	(void)state;
	assert_true(goip_msg_parse(U8("reg:10;status:200;"), 18, &m));
	assert_int_equal(m.kind, GOIP_KEEPALIVE_ACK);
	assert_string_equal(m.type, "reg");
	assert_int_equal(m.seq, 10);
	assert_false(goip_msg_parse(U8("reg:10;"), 7, &m));
}

static void
test_events(void **state)
{
	struct goip_msg m;
	const char *s;

	(void)state;
	s = positives[5];
	assert_true(goip_msg_parse(U8(s), strlen(s), &m));
	assert_int_equal(m.kind, GOIP_EVENT);
	assert_string_equal(m.type, "RECEIVE");
	assert_int_equal(m.seq, 1571812849);
	assert_string_equal(m.id, "goip-1");
	assert_string_equal(m.srcnum, "1380013800");
	assert_true(m.has_password);
	/* SMS text is not copied anywhere. */
	assert_null(memmem(&m, sizeof(m), "there", 5));

	s = positives[6];
	assert_true(goip_msg_parse(U8(s), strlen(s), &m));
	assert_string_equal(m.type, "STATE");
	assert_int_equal(m.seq, 1571812793);

	s = positives[7];
	assert_true(goip_msg_parse(U8(s), strlen(s), &m));
	assert_string_equal(m.type, "RECORD");
	assert_string_equal(m.num, "10086");

	s = positives[8];
	assert_true(goip_msg_parse(U8(s), strlen(s), &m));
	assert_string_equal(m.type, "HANGUP");
	assert_string_equal(m.num, "");

	s = positives[13];
	assert_true(goip_msg_parse(U8(s), strlen(s), &m));
	assert_string_equal(m.type, "GSM");
	assert_string_equal(m.imei, "000000000000000");
	assert_false(m.has_password);
}

static void
test_commands(void **state)
{
	struct goip_msg m;
	const char *s;

	(void)state;
	s = "set_imei 12345 861234567890123 secretpw";
	assert_true(goip_msg_parse(U8(s), strlen(s), &m));
	assert_int_equal(m.kind, GOIP_COMMAND);
	assert_string_equal(m.type, "set_imei");
	assert_int_equal(m.seq, 12345);
	assert_string_equal(m.imei, "861234567890123");
	assert_true(m.has_password);
	assert_null(memmem(&m, sizeof(m), "secretpw", 8));

	s = "get_imei 77 secretpw";
	assert_true(goip_msg_parse(U8(s), strlen(s), &m));
	assert_string_equal(m.type, "get_imei");
	assert_true(m.has_password);
	assert_null(memmem(&m, sizeof(m), "secretpw", 8));

	s = "MSG 42 11 hello world";
	assert_true(goip_msg_parse(U8(s), strlen(s), &m));
	assert_string_equal(m.type, "MSG");
	assert_int_equal(m.seq, 42);
	assert_null(memmem(&m, sizeof(m), "hello", 5));

	s = "RECEIVE 1571812849 OK";
	assert_true(goip_msg_parse(U8(s), strlen(s), &m));
	assert_int_equal(m.kind, GOIP_COMMAND);
	assert_string_equal(m.type, "RECEIVE");

	s = "USSD 79 secretpw *100#";
	assert_true(goip_msg_parse(U8(s), strlen(s), &m));
	assert_true(m.has_password);
	assert_null(memmem(&m, sizeof(m), "secretpw", 8));
}

static void
test_all_positives_and_password(void **state)
{
	struct goip_msg m;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(positives) / sizeof(positives[0]); i++) {
		const char *s = positives[i];

		if (!goip_msg_parse(U8(s), strlen(s), &m))
			fail_msg("positive %zu not parsed: %s", i, s);
		assert_null(memmem(&m, sizeof(m), "password1", 9));
		assert_null(memmem(&m, sizeof(m), "secretpw", 8));
	}
}

static void
test_near_misses(void **state)
{
	static const char *const neg[] = {
		"GET /default/en_US/status.html HTTP/1.1\r\nHost: x\r\n\r\n",
		"REGISTER sip:example.net SIP/2.0\r\nVia: SIP/2.0/UDP 1.2.3.4\r\n",
		"SIP/2.0 200 OK\r\nCSeq: 1 REGISTER\r\n\r\n",
		"request:10;id:goipid1;pass:x;",
		"req:;id:goipid1;pass:x;",
		"req:abc;id:goipid1;",
		"req:10",
		"req:10;",
		"req:10;pass:password1;num:1;",	/* no id */
		"req:10;id;pass:x;",		/* segment without ':' */
		"req:10;id:g;bad key:1;",
		"req:12345678901234567890;id:g;",	/* 20 digits */
		"Req:10;id:g;",
		" :10;id:g;",
		"RECEIVE:123",
		"RECEIVE:123;",
		"STATUS:1;id:x;",
		"reg:10;",
		"MSG 42 9 hello",
		"MSG x 5 hello",
		"set_imei abc 861234567890123 pw",
		"get_imei 77 pw extra words here",
		"OK",
		"OK fine thanks",
		"DONE",
		"DONE 42 now",
		"RECEIVE 1571812849 THANKS",
		"Hello: world; foo:bar",
		"",
		"\r\n",
	};
	struct goip_msg m;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(neg) / sizeof(neg[0]); i++)
		if (goip_msg_parse(U8(neg[i]), strlen(neg[i]), &m))
			fail_msg("near miss %zu parsed: %s", i, neg[i]);
	/* A failed parse leaves a clean struct. */
	assert_int_equal(m.id[0], '\0');
	assert_int_equal(m.signal, -1);
	assert_false(goip_msg_parse(NULL, 0, &m));
}

static void
test_truncation(void **state)
{
	char buf[256], id[120];
	struct goip_msg m;

	(void)state;
	memset(id, 'a', sizeof(id) - 1);
	id[sizeof(id) - 1] = '\0';
	snprintf(buf, sizeof(buf), "req:1;id:%s;pro:CH\001NA;", id);
	assert_true(goip_msg_parse(U8(buf), strlen(buf), &m));
	assert_true(m.truncated);
	assert_int_equal(strlen(m.id), sizeof(m.id) - 1);
	assert_string_equal(m.pro, "CH?NA");
}

/* A long id of Chinese characters is cut before the character that does not fit. */
static void
test_truncation_utf8(void **state)
{
	char buf[256], id[80] = "G";
	struct goip_msg m;

	(void)state;
	for (int i = 0; i < 23; i++)
		strcat(id, "\xe7\x8c\xab");	/* 23 x U+732B, 70 bytes */
	snprintf(buf, sizeof(buf), "req:1;id:%s;", id);
	assert_true(goip_msg_parse(U8(buf), strlen(buf), &m));
	assert_true(m.truncated);
	assert_int_equal(strlen(m.id), 61);
	assert_memory_equal(m.id, id, 61);
}

/* Every prefix, in an exactly sized heap copy so ASan sees any over-read. */
static void
test_prefixes(void **state)
{
	struct goip_msg m;
	size_t i, k, n;

	(void)state;
	for (i = 0; i < sizeof(positives) / sizeof(positives[0]); i++) {
		n = strlen(positives[i]);
		for (k = 0; k <= n; k++) {
			uint8_t *b = malloc(k ? k : 1);

			assert_non_null(b);
			memcpy(b, positives[i], k);
			(void)goip_msg_parse(k ? b : b + 1, k, &m);
			assert_true(strnlen(m.id, sizeof(m.id)) < sizeof(m.id));
			free(b);
		}
	}
}

/* --- SIM bank ------------------------------------------------------------ */

static size_t
sb_hdr(uint8_t *b, uint32_t line, uint16_t cmd, uint16_t type)
{
	b[0] = 0x78; b[1] = 0x56; b[2] = 0x21; b[3] = 0x43;
	b[4] = (uint8_t)line; b[5] = (uint8_t)(line >> 8);
	b[6] = (uint8_t)(line >> 16); b[7] = (uint8_t)(line >> 24);
	b[8] = (uint8_t)cmd; b[9] = (uint8_t)(cmd >> 8);
	b[10] = (uint8_t)type; b[11] = (uint8_t)(type >> 8);
	return 12;
}

/* le32 then a fake 16-byte MD5. */
static size_t
sb_token(uint8_t *b, uint32_t v)
{
	b[0] = (uint8_t)v; b[1] = (uint8_t)(v >> 8);
	b[2] = (uint8_t)(v >> 16); b[3] = (uint8_t)(v >> 24);
	memset(b + 4, 0xa5, 16);
	return 20;
}

static size_t
sb_login(uint8_t *b, uint32_t line)
{
	size_t n = sb_hdr(b, line, 0x0003, 0x0002);

	return n + sb_token(b + n, line);
}

static size_t
sb_apdu(uint8_t *b, uint32_t line)
{
	static const uint8_t select_mf[] = { 0xa0, 0xa4, 0x00, 0x00, 0x02,
	    0x3f, 0x00 };
	size_t n = sb_hdr(b, line, 0x0000, 0x0002);

	n += sb_token(b + n, 7);
	memcpy(b + n, select_mf, sizeof(select_mf));
	return n + sizeof(select_mf);
}

static void
test_simbank_login(void **state)
{
	uint8_t b[64];
	struct simbank_frame f;
	size_t n = sb_login(b, 100101);	/* SMB_ID 1001, slot 1 */

	(void)state;
	assert_int_equal(n, 32);
	assert_true(simbank_parse(b, n, &f));
	assert_int_equal(f.kind, SIMBANK_LOGIN);
	assert_int_equal(f.line_id, 100101);
	assert_int_equal(f.cmd, 3);
	assert_int_equal(f.type, 2);
	assert_int_equal(f.slot, 1);
	assert_int_equal(f.frame_len, 32);
	/* Echo of the login from the bank: control, not login. */
	sb_hdr(b, 100101, 0x0003, 0x0001);
	assert_true(simbank_parse(b, n, &f));
	assert_int_equal(f.kind, SIMBANK_CONTROL);
}

static void
test_simbank_apdu_and_control(void **state)
{
	uint8_t b[128];
	struct simbank_frame f;
	size_t n = sb_apdu(b, 100132), m;

	(void)state;
	assert_true(simbank_parse(b, n, &f));
	assert_int_equal(f.kind, SIMBANK_APDU);
	assert_int_equal(f.slot, 32);
	assert_int_equal(f.frame_len, 39);
	/* Two frames in one segment: frame_len is the first. */
	m = sb_apdu(b + n, 100132);
	assert_true(simbank_parse(b, n + m, &f));
	assert_int_equal(f.frame_len, 39);
	/* Accept and ready from the bank: bare headers. */
	n = sb_hdr(b, 100101, 0x005b, 0x0001);
	assert_true(simbank_parse(b, n, &f));
	assert_int_equal(f.kind, SIMBANK_CONTROL);
	assert_int_equal(f.frame_len, 12);
}

static void
test_simbank_near_misses(void **state)
{
	uint8_t b[700];
	struct simbank_frame f;
	size_t n;

	(void)state;
	n = sb_login(b, 100101);
	b[0] = 0x79;				/* wrong magic */
	assert_false(simbank_parse(b, n, &f));
	n = sb_login(b, 100101);
	assert_false(simbank_parse(b, 31, &f));	/* cut login */
	n = sb_login(b, 100100);		/* slot 0 */
	assert_false(simbank_parse(b, n, &f));
	n = sb_login(b, 100133);		/* slot 33 */
	assert_false(simbank_parse(b, n, &f));
	n = sb_login(b, 100101);
	b[12] ^= 1;				/* payload line_id differs */
	assert_false(simbank_parse(b, n, &f));
	n = sb_hdr(b, 100101, 0x1234, 0x0002);	/* unknown command */
	assert_false(simbank_parse(b, n, &f));
	n = sb_hdr(b, 100101, 0x005b, 0x0007);	/* implausible type */
	assert_false(simbank_parse(b, n, &f));
	/* An APDU frame of 600 bytes and no next magic: absurd. */
	n = sb_hdr(b, 100101, 0x0000, 0x0002);
	memset(b + n, 0x11, 600 - n);
	assert_false(simbank_parse(b, 600, &f));
	/* An APDU frame too short for seq, MD5 and an APDU. */
	assert_false(simbank_parse(b, 33, &f));
	assert_false(simbank_parse(U8("GET / HTTP/1.1\r\n"), 16, &f));
	assert_false(simbank_parse(NULL, 0, &f));
}

static void
test_simbank_prefixes(void **state)
{
	uint8_t src[128];
	struct simbank_frame f;
	size_t n, k, which;

	(void)state;
	for (which = 0; which < 2; which++) {
		n = which ? sb_apdu(src, 100105) : sb_login(src, 100105);
		for (k = 0; k <= n; k++) {
			uint8_t *b = malloc(k ? k : 1);

			assert_non_null(b);
			memcpy(b, src, k);
			if (simbank_parse(b, k, &f))
				assert_true(f.frame_len <= k);
			free(b);
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keepalive_spec),
		cmocka_unit_test(test_keepalive_nicelabs),
		cmocka_unit_test(test_keepalive_smb_login),
		cmocka_unit_test(test_ack),
		cmocka_unit_test(test_events),
		cmocka_unit_test(test_commands),
		cmocka_unit_test(test_all_positives_and_password),
		cmocka_unit_test(test_near_misses),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_truncation_utf8),
		cmocka_unit_test(test_prefixes),
		cmocka_unit_test(test_simbank_login),
		cmocka_unit_test(test_simbank_apdu_and_control),
		cmocka_unit_test(test_simbank_near_misses),
		cmocka_unit_test(test_simbank_prefixes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
