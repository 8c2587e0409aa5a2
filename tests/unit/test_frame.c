/* SPDX-License-Identifier: BSD-2-Clause */
/* Uplink framing: round trips, the byte-level example of docs/protocol.md, refusals. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "frame.h"

#define S(x) { (x), (uint16_t)(sizeof(x) - 1) }

static void
test_hello_roundtrip(void **state)
{
	uint8_t buf[256];
	struct frame_wr w;
	struct frame f;
	struct frame_hello h = { 41, 7, S("gw-0001"), S("0.1.0"), 0x8000000000000001u, 0 }, d;
	size_t used;

	(void)state;
	frame_wr_init(&w, buf, sizeof(buf));
	assert_int_equal(frame_put_hello(&w, &h), 0);
	assert_int_equal(frame_next(buf, w.len, &f, &used), FRAME_OK);
	assert_int_equal(used, w.len);
	assert_int_equal(f.type, FRAME_HELLO);
	assert_int_equal(frame_hello_decode(&f, &d), FRAME_OK);
	assert_int_equal(d.last_acked, 41);
	assert_int_equal(d.config_version, 7);
	assert_int_equal(d.appliance_id.len, 7);
	assert_memory_equal(d.appliance_id.p, "gw-0001", 7);
	assert_true(d.spool_epoch == 0x8000000000000001u);
	/* every proper prefix is short, never an error */
	for (size_t n = 0; n < w.len; n++)
		assert_int_equal(frame_next(buf, n, &f, &used), FRAME_SHORT);
}

/* The example printed in docs/protocol.md, byte for byte. */
/* A hello without the spool epoch (older firmware) still decodes, as epoch 0. */
static void
test_hello_without_epoch(void **state)
{
	uint8_t buf[256];
	struct frame_wr w;
	struct frame f;
	struct frame_hello h = { 41, 7, S("gw-0001"), S("0.1.0"), 0, 0 }, d;
	size_t used;

	(void)state;
	frame_wr_init(&w, buf, sizeof(buf));
	assert_int_equal(frame_put_hello(&w, &h), 0);
	assert_int_equal(w.len, FRAME_HDR_LEN + 16 + 2 + 7 + 2 + 5);
	assert_int_equal(frame_next(buf, w.len, &f, &used), FRAME_OK);
	d.spool_epoch = 99;
	assert_int_equal(frame_hello_decode(&f, &d), FRAME_OK);
	assert_true(d.spool_epoch == 0);
	/* anything but nothing or 8 bytes after the firmware is malformed */
	f.len += 4;
	assert_int_equal(frame_hello_decode(&f, &d), FRAME_MALFORMED);
}

/* The features word after the epoch; older hellos read as no features. */
static void
test_hello_features(void **state)
{
	uint8_t buf[256];
	struct frame_wr w;
	struct frame f;
	struct frame_hello h = { 41, 7, S("gw-0001"), S("0.1.0"), 5, FRAME_HELLO_FILES },
	    d;
	size_t used;

	(void)state;
	frame_wr_init(&w, buf, sizeof(buf));
	assert_int_equal(frame_put_hello(&w, &h), 0);
	assert_int_equal(w.len, FRAME_HDR_LEN + 16 + 2 + 7 + 2 + 5 + 8 + 4);
	assert_int_equal(frame_next(buf, w.len, &f, &used), FRAME_OK);
	assert_int_equal(frame_hello_decode(&f, &d), FRAME_OK);
	assert_true(d.spool_epoch == 5 && d.features == FRAME_HELLO_FILES);
	/* the epoch alone: no features */
	f.len -= 4;
	d.features = 99;
	assert_int_equal(frame_hello_decode(&f, &d), FRAME_OK);
	assert_true(d.spool_epoch == 5 && d.features == 0);
	/* features with a zero epoch still send the epoch word first */
	h.spool_epoch = 0;
	frame_wr_init(&w, buf, sizeof(buf));
	assert_int_equal(frame_put_hello(&w, &h), 0);
	assert_int_equal(frame_next(buf, w.len, &f, &used), FRAME_OK);
	assert_int_equal(frame_hello_decode(&f, &d), FRAME_OK);
	assert_true(d.spool_epoch == 0 && d.features == FRAME_HELLO_FILES);
	/* a stray word after the features is malformed */
	f.len += 2;
	assert_int_equal(frame_hello_decode(&f, &d), FRAME_MALFORMED);
}

static void
test_doc_example(void **state)
{
	static const uint8_t want[] = {
		'G', 'W', 0x01, 0x02, 0x00, 0x00, 0x00, 0x16,
		0x00, 0x01,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x2a,
		0x00, 0x00, 0x00, 0x08,
		'{', '"', 'a', '"', ':', '1', '}', ' ',
		'G', 'W', 0x01, 0x03, 0x00, 0x00, 0x00, 0x08,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x2a,
	};
	uint8_t buf[128];
	struct frame_wr w;

	(void)state;
	frame_wr_init(&w, buf, sizeof(buf));
	assert_int_equal(frame_report_open(&w), 0);
	assert_int_equal(frame_report_add(&w, 42, "{\"a\":1} ", 8), 0);
	assert_int_equal(frame_report_close(&w), 1);
	assert_int_equal(frame_put_ack(&w, 42), 0);
	assert_int_equal(w.len, sizeof(want));
	assert_memory_equal(buf, want, sizeof(want));
}

static void
test_report_roundtrip(void **state)
{
	uint8_t buf[4096];
	struct frame_wr w;
	struct frame f;
	struct frame_report_it it;
	const char *rec;
	size_t used, len;
	uint64_t seq;
	uint16_t count;

	(void)state;
	frame_wr_init(&w, buf, sizeof(buf));
	assert_int_equal(frame_report_open(&w), 0);
	assert_int_equal(frame_report_add(&w, 5, "{\"x\":1}", 7), 0);
	assert_int_equal(frame_report_add(&w, 5, "{\"x\":2}", 7), -1);	/* not increasing */
	assert_int_equal(frame_report_add(&w, 9, "a\nb", 3), -1);	/* newline */
	assert_int_equal(frame_report_add(&w, 9, "", 0), -1);		/* empty */
	assert_int_equal(frame_report_add(&w, 9, "{\"x\":3}", 7), 0);
	assert_int_equal(frame_report_close(&w), 2);
	assert_int_equal(frame_next(buf, w.len, &f, &used), FRAME_OK);
	assert_int_equal(frame_report_check(&f, &count), FRAME_OK);
	assert_int_equal(count, 2);
	assert_int_equal(frame_report_begin(&f, &it), FRAME_OK);
	assert_int_equal(frame_report_next(&it, &seq, &rec, &len), FRAME_OK);
	assert_int_equal(seq, 5);
	assert_int_equal(frame_report_next(&it, &seq, &rec, &len), FRAME_OK);
	assert_int_equal(seq, 9);
	assert_memory_equal(rec, "{\"x\":3}", 7);
	assert_int_equal(frame_report_next(&it, &seq, &rec, &len), FRAME_SHORT);
}

/* A report that does not fit keeps what fit; an empty one is withdrawn. */
static void
test_report_full(void **state)
{
	uint8_t buf[64];
	struct frame_wr w;
	int n = 0;

	(void)state;
	frame_wr_init(&w, buf, sizeof(buf));
	assert_int_equal(frame_report_open(&w), 0);
	while (frame_report_add(&w, (uint64_t)n + 1, "{\"abcdef\":1}", 12) == 0)
		n++;
	assert_int_equal(n, 2);
	assert_int_equal(frame_report_close(&w), 2);
	assert_int_equal(frame_report_open(&w), -1);	/* no room for a header */
	frame_wr_init(&w, buf, sizeof(buf));
	assert_int_equal(frame_report_open(&w), 0);
	assert_int_equal(frame_report_close(&w), 0);
	assert_int_equal(w.len, 0);
}

static void
test_config_roundtrip(void **state)
{
	uint8_t buf[512], sig[70], prefix[FRAME_CONF_TBS_PREFIX];
	struct frame_wr w;
	struct frame f;
	struct frame_config_push c = { 3, sig, sizeof(sig),
	    (const uint8_t *)"workers 2\n", 10 }, d;
	struct frame_config_ack a;
	size_t used;

	(void)state;
	memset(sig, 0xab, sizeof(sig));
	frame_wr_init(&w, buf, sizeof(buf));
	assert_int_equal(frame_put_config_push(&w, &c), 0);
	assert_int_equal(frame_next(buf, w.len, &f, &used), FRAME_OK);
	assert_int_equal(frame_config_push_decode(&f, &d), FRAME_OK);
	assert_int_equal(d.version, 3);
	assert_int_equal(d.sig_len, 70);
	assert_int_equal(d.body_len, 10);
	frame_wr_init(&w, buf, sizeof(buf));
	assert_int_equal(frame_put_config_ack(&w, 3, FRAME_CONF_INVALID,
	    "push:2: bad\tvalue"), 0);
	assert_int_equal(frame_next(buf, w.len, &f, &used), FRAME_OK);
	assert_int_equal(frame_config_ack_decode(&f, &a), FRAME_OK);
	assert_int_equal(a.status, FRAME_CONF_INVALID);
	assert_memory_equal(a.message.p, "push:2: bad?value", 17);
	frame_config_tbs_prefix(0x0102, prefix);
	assert_string_equal((char *)prefix, FRAME_CONF_TAG);
	assert_int_equal(prefix[FRAME_CONF_TBS_PREFIX - 2], 1);
	assert_int_equal(prefix[FRAME_CONF_TBS_PREFIX - 1], 2);
}

static void
test_refusals(void **state)
{
	uint8_t b[16] = { 'G', 'W', 1, FRAME_ACK, 0, 0, 0, 8 };
	struct frame f;
	size_t used;
	uint64_t seq;

	(void)state;
	assert_int_equal(frame_next((const uint8_t *)"XW", 2, &f, &used), FRAME_BAD_MAGIC);
	assert_int_equal(frame_next((const uint8_t *)"GW\x02", 3, &f, &used),
	    FRAME_BAD_VERSION);
	b[4] = 0x00; b[5] = 0x10; b[6] = 0x00; b[7] = 0x01;	/* 1 MiB + 1 */
	assert_int_equal(frame_next(b, 8, &f, &used), FRAME_OVERSIZED);
	b[5] = 0; b[7] = 8; b[3] = 99;
	assert_int_equal(frame_next(b, 16, &f, &used), FRAME_BAD_TYPE);
	b[3] = FRAME_ACK; b[7] = 7;				/* ack one byte short */
	assert_int_equal(frame_next(b, 15, &f, &used), FRAME_OK);
	assert_int_equal(frame_ack_decode(&f, &seq), FRAME_MALFORMED);
	b[3] = FRAME_REPORT; b[7] = 2;				/* zero records */
	assert_int_equal(frame_next(b, 10, &f, &used), FRAME_OK);
	assert_int_equal(frame_report_check(&f, &(uint16_t){ 0 }), FRAME_MALFORMED);
	b[3] = FRAME_HELLO; b[7] = 8;
	assert_int_equal(frame_next(b, 16, &f, &used), FRAME_OK);
	assert_int_equal(frame_hello_decode(&f, &(struct frame_hello){ 0 }),
	    FRAME_MALFORMED);
}

/* An evidence chunk: body, frame, decode; and the chunks the parser refuses. */
static void
test_evidence(void **state)
{
	static uint8_t body[FRAME_EV_CHUNK + 512], buf[FRAME_EV_CHUNK + 1024];
	static uint8_t data[FRAME_EV_CHUNK + 1];
	uint8_t sha[32], sig[72];
	struct frame_evidence e = { 0, S("lab-1-100.64.1.10.pcapng"), sha, 200000, 60000,
	    sig, sizeof(sig), data, FRAME_EV_CHUNK }, d, bad;
	struct frame_wr w;
	struct frame f;
	size_t n, used;

	(void)state;
	memset(sha, 0xab, sizeof(sha));
	memset(sig, 0x30, sizeof(sig));
	memset(data, '\n', sizeof(data));
	assert_true((n = frame_evidence_body(body, sizeof(body), &e)) > 0);
	frame_wr_init(&w, buf, sizeof(buf));
	assert_int_equal(frame_put_evidence(&w, 9, body, n), 0);
	assert_int_equal(frame_next(buf, w.len, &f, &used), FRAME_OK);
	assert_int_equal(f.type, FRAME_EVIDENCE);
	assert_int_equal(frame_evidence_decode(&f, &d), FRAME_OK);
	assert_int_equal(d.seq, 9);
	assert_int_equal(d.size, 200000);
	assert_int_equal(d.offset, 60000);
	assert_int_equal(d.data_len, FRAME_EV_CHUNK);
	assert_memory_equal(d.sha256, sha, 32);
	assert_memory_equal(d.data, data, FRAME_EV_CHUNK);
	assert_int_equal(d.name.len, e.name.len);
	/* a seq of 0 is refused */
	frame_wr_init(&w, buf, sizeof(buf));
	assert_int_equal(frame_put_evidence(&w, 0, body, n), -1);
	/* refused: past the file's end, too long, no signature, a path, "..", empty */
	bad = e, bad.offset = 150000;
	assert_int_equal(frame_evidence_body(body, sizeof(body), &bad), 0);
	bad = e, bad.data_len = FRAME_EV_CHUNK + 1, bad.size = 1000000;
	assert_int_equal(frame_evidence_body(body, sizeof(body), &bad), 0);
	bad = e, bad.sig_len = 0;
	assert_int_equal(frame_evidence_body(body, sizeof(body), &bad), 0);
	bad = e, bad.name = (struct frame_str)S("../x.pcapng");
	assert_int_equal(frame_evidence_body(body, sizeof(body), &bad), 0);
	bad = e, bad.name = (struct frame_str)S("..");
	assert_int_equal(frame_evidence_body(body, sizeof(body), &bad), 0);
	bad = e, bad.data_len = 0;
	assert_int_equal(frame_evidence_body(body, sizeof(body), &bad), 0);
	bad = e, bad.size = FRAME_EV_MAX_FILE + 1;
	assert_int_equal(frame_evidence_body(body, sizeof(body), &bad), 0);
	/* a frame cut short, or with a byte more, is malformed */
	f.len--;
	assert_int_equal(frame_evidence_decode(&f, &d), FRAME_MALFORMED);
	f.len += 2;
	assert_int_equal(frame_evidence_decode(&f, &d), FRAME_MALFORMED);
}

/* The file_get and file_chunk of docs/protocol.md (File pushes), byte for byte. */
static void
test_file_doc_example(void **state)
{
	static const uint8_t want[] = {
		'G', 'W', 0x01, 0x09, 0x00, 0x00, 0x00, 0x11,
		0x01,
		0x00, 0x00, 0x00, 0x00, 0x69, 0x2f, 0x90, 0x00,
		0x00, 0x00, 0x10, 0x00,
		0x00, 0x01, 0x00, 0x00,
		'G', 'W', 0x01, 0x0a, 0x00, 0x00, 0x00, 0x15,
		0x01,
		0x00, 0x00, 0x00, 0x00, 0x69, 0x2f, 0x90, 0x00,
		0x00, 0x00, 0x10, 0x00,
		0x00, 0x00, 0x00, 0x04,
		0xab, 0xcd, 0xef, 0x4d,
	};
	static const uint8_t data[] = { 0xab, 0xcd, 0xef, 0x4d };
	struct frame_file_get g = { FRAME_FILE_GEODB, 0x692f9000, 4096, 65536 }, dg;
	struct frame_file_chunk c = { FRAME_FILE_GEODB, 0x692f9000, 4096, data, 4 }, dc;
	uint8_t buf[128];
	struct frame_wr w;
	struct frame f;
	size_t used;

	(void)state;
	frame_wr_init(&w, buf, sizeof(buf));
	assert_int_equal(frame_put_file_get(&w, &g), 0);
	assert_int_equal(frame_put_file_chunk(&w, &c), 0);
	assert_int_equal(w.len, sizeof(want));
	assert_memory_equal(buf, want, sizeof(want));
	assert_int_equal(frame_next(buf, w.len, &f, &used), FRAME_OK);
	assert_int_equal(frame_file_get_decode(&f, &dg), FRAME_OK);
	assert_int_equal(dg.offset, 4096);
	assert_int_equal(dg.max_len, 65536);
	assert_int_equal(frame_next(buf + used, w.len - used, &f, &used), FRAME_OK);
	assert_int_equal(frame_file_chunk_decode(&f, &dc), FRAME_OK);
	assert_int_equal(dc.len, 4);
	assert_memory_equal(dc.data, data, 4);
	/* a chunk whose length says more than it holds, or less */
	f.len--;
	assert_int_equal(frame_file_chunk_decode(&f, &dc), FRAME_MALFORMED);
}

static void
test_file_frames(void **state)
{
	uint8_t sha[32], sig[72], buf[4096], tbs[FRAME_FILE_TBS_MAX], tbs2[FRAME_FILE_TBS_MAX];
	struct frame_file_offer o = { FRAME_FILE_GEODB, 0, 1796273770, 8207345, sha,
	    S("dbip-country-lite 2026-06"), sig, sizeof(sig) }, d, bad;
	struct frame_file_get g = { FRAME_FILE_GEODB, 1, 0, FRAME_FILE_CHUNK_MAX + 1 };
	struct frame_file_chunk c = { FRAME_FILE_GEODB, 1, 0, buf, FRAME_FILE_CHUNK_MAX + 1 };
	struct frame_file_ack a;
	struct frame_wr w;
	struct frame f;
	size_t used, n;

	(void)state;
	memset(sha, 0x5a, sizeof(sha));
	memset(sig, 0x30, sizeof(sig));
	frame_wr_init(&w, buf, sizeof(buf));
	assert_int_equal(frame_put_file_offer(&w, &o), 0);
	assert_int_equal(frame_next(buf, w.len, &f, &used), FRAME_OK);
	assert_int_equal(f.type, FRAME_FILE_OFFER);
	assert_int_equal(frame_file_offer_decode(&f, &d), FRAME_OK);
	assert_int_equal(d.version, o.version);
	assert_int_equal(d.size, o.size);
	assert_memory_equal(d.sha256, sha, 32);
	assert_int_equal(d.sig_len, sizeof(sig));
	/* the signed bytes: tag, NUL, kind, flags, version, size, sha256, label */
	n = frame_file_tbs(&d, tbs);
	assert_int_equal(n, sizeof(FRAME_FILE_TAG) + 2 + 8 + 4 + 32 + 2 + o.label.len);
	assert_memory_equal(tbs, FRAME_FILE_TAG, sizeof(FRAME_FILE_TAG));
	bad = d, bad.flags = FRAME_FILE_ALLOW_DOWNGRADE;
	assert_int_equal(frame_file_tbs(&bad, tbs2), n);
	assert_memory_not_equal(tbs, tbs2, n);	/* the flags are signed */
	/* truncated, or a byte more: malformed */
	f.len--;
	assert_int_equal(frame_file_offer_decode(&f, &d), FRAME_MALFORMED);
	f.len += 2;
	assert_int_equal(frame_file_offer_decode(&f, &d), FRAME_MALFORMED);
	/* refused when encoding: unsigned, empty, version 0 */
	bad = o, bad.sig_len = 0;
	assert_int_equal(frame_put_file_offer(&w, &bad), -1);
	bad = o, bad.size = 0;
	assert_int_equal(frame_put_file_offer(&w, &bad), -1);
	bad = o, bad.version = 0;
	assert_int_equal(frame_put_file_offer(&w, &bad), -1);
	/* an unknown kind or flag does not decode */
	buf[FRAME_HDR_LEN] = 9;
	f.len--;
	assert_int_equal(frame_file_offer_decode(&f, &d), FRAME_MALFORMED);
	buf[FRAME_HDR_LEN] = FRAME_FILE_GEODB;
	buf[FRAME_HDR_LEN + 1] = 0x80;
	assert_int_equal(frame_file_offer_decode(&f, &d), FRAME_MALFORMED);
	/* chunks bounded well under the frame cap, either way */
	frame_wr_init(&w, buf, sizeof(buf));
	assert_int_equal(frame_put_file_get(&w, &g), -1);
	g.max_len = 0;
	assert_int_equal(frame_put_file_get(&w, &g), -1);
	assert_int_equal(frame_put_file_chunk(&w, &c), -1);
	assert_int_equal(w.len, 0);
	/* the ack and its status range */
	assert_int_equal(frame_put_file_ack(&w, FRAME_FILE_GEODB, 5, FRAME_FILE_BAD_HASH,
	    "geodb version 5: bad hash\n"), 0);
	assert_int_equal(frame_next(buf, w.len, &f, &used), FRAME_OK);
	assert_int_equal(frame_file_ack_decode(&f, &a), FRAME_OK);
	assert_int_equal(a.status, FRAME_FILE_BAD_HASH);
	assert_memory_equal(a.message.p, "geodb version 5: bad hash?", a.message.len);
	buf[FRAME_HDR_LEN + 9] = FRAME_FILE_BOOT_FAILED + 1;
	assert_int_equal(frame_file_ack_decode(&f, &a), FRAME_MALFORMED);
	/* a file frame type is a known type; one past it is not */
	buf[3] = FRAME_FILE_ACK + 1;
	assert_int_equal(frame_next(buf, w.len, &f, &used), FRAME_BAD_TYPE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hello_roundtrip),
		cmocka_unit_test(test_hello_without_epoch),
		cmocka_unit_test(test_hello_features),
		cmocka_unit_test(test_doc_example),
		cmocka_unit_test(test_report_roundtrip),
		cmocka_unit_test(test_report_full),
		cmocka_unit_test(test_config_roundtrip),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_evidence),
		cmocka_unit_test(test_file_doc_example),
		cmocka_unit_test(test_file_frames),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
