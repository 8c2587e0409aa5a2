/* SPDX-License-Identifier: BSD-2-Clause */
/* Test frames an appliance sends central: a hello and a one-record report. */
#ifndef GW_TEST_FRAMES_H
#define GW_TEST_FRAMES_H

#include <stdint.h>
#include <string.h>

#include "frame.h"

#define FRAMES_BUF	256	/* what each builder writes into at most */

/* A hello from appliance id with spool epoch (0: none sent); its length. */
static inline size_t
frames_hello(uint8_t *buf, const char *id, uint64_t epoch)
{
	struct frame_hello h = { 0 };
	struct frame_wr w;

	h.appliance_id.p = id;
	h.appliance_id.len = (uint16_t)strlen(id);
	h.firmware.p = "t";
	h.firmware.len = 1;
	h.spool_epoch = epoch;
	frame_wr_init(&w, buf, FRAMES_BUF);
	frame_put_hello(&w, &h);
	return w.len;
}

/* A report of one small record at seq; its length. */
static inline size_t
frames_report(uint8_t *buf, uint64_t seq)
{
	struct frame_wr w;

	frame_wr_init(&w, buf, FRAMES_BUF);
	frame_report_open(&w);
	frame_report_add(&w, seq, "{\"a\":1}", 7);
	frame_report_close(&w);
	return w.len;
}

#endif
