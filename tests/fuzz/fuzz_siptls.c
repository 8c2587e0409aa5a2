/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libFuzzer harness for siptls.c: the ClientHello's SNI from any bytes, with
 * every output size. Checks: NUL-terminated within the buffer, printable
 * ASCII only, empty when there is none; the cadence never wraps.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "siptls.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(bool ok)
{
	if (!ok)
		__builtin_trap();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t caps[] = { 1, 2, 8, TLS_SNI_LEN };
	struct tls_cadence c;
	char out[TLS_SNI_LEN + 1];
	size_t i, k, n;
	bool ok;

	for (k = 0; k < sizeof(caps) / sizeof(caps[0]); k++) {
		out[caps[k]] = 'X';		/* the byte past the buffer stays */
		ok = tls_sni(data, size, out, caps[k]);
		check(out[caps[k]] == 'X');
		n = strnlen(out, caps[k]);
		check(n < caps[k]);
		check(ok || n == 0);
		for (i = 0; i < n; i++)
			check(out[i] > 0x20 && out[i] < 0x7f);
	}
	/* the input as packet times, in ms steps: gaps stay within their range */
	tls_cadence_init(&c);
	for (i = 0; i + 2 <= size; i += 2)
		tls_cadence_packet(&c, ((usec_t)data[i] << 8 | data[i + 1]) * 1000000ULL);
	check(c.gaps == 0 || c.gap_min_ms <= c.gap_max_ms);
	check(c.bursts == 0 || c.gaps == c.bursts - 1);
	return 0;
}
