/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libFuzzer harness for goipwatch-central's inbound frame checks (central/intake.c,
 * self-contained over firmware/proto): the bytes are a session's receive stream;
 * frames are taken off it as the server does (order, identity, sequence window),
 * and each accepted report is copied into records as the storage job would.
 * It does not parse the records: fuzz_record.c fuzzes central/record.c.
 */
#include <stdint.h>
#include <stdlib.h>

#include "../../central/intake.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct intake_stats st = { 0 };
	struct intake in;
	struct intake_result r;
	size_t off = 0;

	intake_init(&in, "gw-test-1", &st);
	while (off <= size) {
		enum intake_what w = intake_next(&in, data + off, size - off, &r);

		if (w == IN_MORE || w == IN_REFUSE)
			break;
		if (w == IN_REPORT) {
			struct ingest_rec *recs;
			char *buf;
			int n = 0;

			if (intake_copy_report(&r.f, &recs, &buf, &n) == 0 && n != r.nrecs)
				abort();
			free(recs);
			free(buf);
		}
		off += r.consumed;
	}
	return 0;
}
