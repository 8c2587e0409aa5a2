/* SPDX-License-Identifier: BSD-2-Clause */
/* Output helpers for the CLI: times, JSON and CSV quoting. */
#ifndef GWC_OUT_H
#define GWC_OUT_H

#include <stdint.h>
#include <stdio.h>

/* "2026-11-29 09:19Z" style UTC, or "-" for 0/absent. buf >= 24 bytes. */
const char *out_time(int64_t t, char *buf, size_t len);
/* RFC 3339 with seconds, for JSON and CSV. */
const char *out_time_iso(int64_t t, char *buf, size_t len);
void	out_json_str(FILE *, const char *);
void	out_csv_str(FILE *, const char *);
/* "2h05m" style, negative as "-2h05m". */
const char *out_span(int64_t secs, char *buf, size_t len);

#endif
