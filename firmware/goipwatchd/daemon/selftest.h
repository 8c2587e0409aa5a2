/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * goipwatchd --self-test: capture sees packets, the clock is sane, the
 * central office is reachable, mutual TLS comes up, and the config-signing
 * key verifies the stored pushed config. One PASS/FAIL/SKIP line per check.
 */
#ifndef GW_SELFTEST_H
#define GW_SELFTEST_H

#include <stdio.h>

#include "conf.h"

/*
 * Runs every check (capture needs CAP_NET_RAW; iface NULL skips it) and
 * prints the report to out. 0 when nothing failed, 1 otherwise.
 */
int	selftest_run(const struct conf *, const char *iface, FILE *out);

#endif
