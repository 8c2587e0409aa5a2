/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libFuzzer harness for decode.c and reasm.c. Input: one link-type selector
 * byte, then frames, each a 2-byte length and its bytes, with time moving
 * 1 ms per frame. Fragments go through a small reassembly table as in the
 * worker, and every reassembled datagram is decoded again.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "decode.h"
#include "reasm.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const int links[] = {
	LINK_ETHERNET, LINK_RAW, LINK_SLL, LINK_SLL2, LINK_NULL, LINK_LOOP, LINK_IPV6,
};

static void
fuzz_frame(struct reasm *ra, int link, const uint8_t *p, size_t n, usec_t ts)
{
	const uint8_t *dg;
	uint32_t dglen;
	struct pkt pk;
	enum decode_result rc;
	int rounds;

	pk.ts = ts;
	rc = decode_frame(link, p, (uint32_t)n, &pk);
	for (rounds = 0; rc == DECODE_FRAGMENT && rounds < 2; rounds++) {
		if (reasm_add(ra, &pk, &dg, &dglen) != REASM_COMPLETE)
			return;
		rc = decode_ip(dg, dglen, &pk);
	}
	if (rc == DECODE_OK && pk.paylen > 0) {
		/* touch the payload: ASan catches a pointer past the frame */
		volatile uint8_t x = pk.payload[0] ^ pk.payload[pk.paylen - 1];
		(void)x;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct reasm *ra;
	usec_t ts = 1;
	size_t len;
	int link;

	if (ra == NULL)
		ra = reasm_new(8, 9000, 2 * USEC_PER_SEC);
	if (size < 1)
		return 0;
	link = links[data[0] % (sizeof(links) / sizeof(links[0]))];
	data++, size--;
	while (size >= 2) {
		len = (size_t)(data[0] << 8 | data[1]);
		data += 2, size -= 2;
		if (len > size)
			len = size;
		fuzz_frame(ra, link, data, len, ts);
		data += len, size -= len;
		ts += 1000;
	}
	reasm_expire(ra, ts + 10 * USEC_PER_SEC);	/* next input starts clean */
	return 0;
}
