/* SPDX-License-Identifier: BSD-2-Clause */
/* libFuzzer harness: the frame splitter and every payload decoder on hostile bytes. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "frame.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
decode_one(const struct frame *f)
{
	union {
		struct frame_hello h;
		struct frame_config_push c;
		struct frame_config_ack a;
		struct frame_error e;
		struct frame_file_offer o;
		struct frame_file_get g;
		struct frame_file_chunk k;
		struct frame_file_ack fa;
	} u;
	static uint8_t big[FRAME_HDR_LEN + FRAME_FILE_CHUNK_MAX + 64];
	uint8_t tbs[FRAME_FILE_TBS_MAX];
	struct frame_report_it it;
	const char *rec;
	uint64_t seq;
	size_t len;
	uint8_t out[256];
	struct frame_wr w;

	switch (f->type) {
	case FRAME_HELLO:
		if (frame_hello_decode(f, &u.h) == FRAME_OK) {
			/* what decodes must re-encode */
			frame_wr_init(&w, out, sizeof(out));
			if (u.h.appliance_id.len + u.h.firmware.len < 200 &&
			    frame_put_hello(&w, &u.h) != 0)
				__builtin_trap();
		}
		break;
	case FRAME_REPORT:
		if (frame_report_begin(f, &it) == FRAME_OK)
			while (frame_report_next(&it, &seq, &rec, &len) == FRAME_OK)
				if (memchr(rec, '\n', len) != NULL)
					__builtin_trap();
		break;
	case FRAME_ACK:
		(void)frame_ack_decode(f, &seq);
		break;
	case FRAME_CONFIG_PUSH:
		(void)frame_config_push_decode(f, &u.c);
		break;
	case FRAME_CONFIG_ACK:
		(void)frame_config_ack_decode(f, &u.a);
		break;
	case FRAME_ERROR:
		(void)frame_error_decode(f, &u.e);
		break;
	case FRAME_FILE_OFFER:
		if (frame_file_offer_decode(f, &u.o) == FRAME_OK) {
			frame_wr_init(&w, big, sizeof(big));
			if (frame_put_file_offer(&w, &u.o) != 0 || w.len != f->len +
			    FRAME_HDR_LEN || frame_file_tbs(&u.o, tbs) > sizeof(tbs))
				__builtin_trap();
		}
		break;
	case FRAME_FILE_GET:
		if (frame_file_get_decode(f, &u.g) == FRAME_OK &&
		    (u.g.max_len == 0 || u.g.max_len > FRAME_FILE_CHUNK_MAX))
			__builtin_trap();
		break;
	case FRAME_FILE_CHUNK:
		if (frame_file_chunk_decode(f, &u.k) == FRAME_OK) {
			frame_wr_init(&w, big, sizeof(big));
			if (u.k.len > FRAME_FILE_CHUNK_MAX ||
			    frame_put_file_chunk(&w, &u.k) != 0)
				__builtin_trap();
		}
		break;
	case FRAME_FILE_ACK:
		(void)frame_file_ack_decode(f, &u.fa);
		break;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct frame f;
	size_t used;

	while (frame_next(data, size, &f, &used) == FRAME_OK) {
		if (used > size || used < FRAME_HDR_LEN)
			__builtin_trap();
		decode_one(&f);
		data += used;
		size -= used;
	}
	return 0;
}
