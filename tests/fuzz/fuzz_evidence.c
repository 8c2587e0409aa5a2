/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libFuzzer harness for central's evidence frame parser: the bytes are an
 * evidence frame's payload (seq, then the chunk body) as intake.c takes it
 * (firmware/proto/frame.c, frame_evidence_decode). An accepted chunk must lie
 * inside its file and inside the bytes, and encode back to the same body.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "frame.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t back[FRAME_HDR_LEN + FRAME_MAX_PAYLOAD];
	struct frame f = { FRAME_EVIDENCE, data, (uint32_t)size };
	struct frame_evidence e;
	size_t n;

	if (size > FRAME_MAX_PAYLOAD ||
	    frame_evidence_decode(&f, &e) != FRAME_OK)
		return 0;
	if ((uint64_t)e.offset + e.data_len > e.size || e.size > FRAME_EV_MAX_FILE ||
	    e.data < data || e.data + e.data_len > data + size || e.name.len == 0 ||
	    memchr(e.name.p, '/', e.name.len) != NULL)
		abort();
	n = frame_evidence_body(back, sizeof(back), &e);
	if (n != size - 8 || memcmp(back, data + 8, n) != 0)
		abort();
	return 0;
}
