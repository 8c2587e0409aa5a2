#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Two centrals on one PostgreSQL writing the same leads at once take the rows
# in one order (central/ingest-lock.c), so PostgreSQL detects no deadlock:
# tests/bench/central_contention.sh at a small size, with every invariant it
# checks (each lead raised and escalated once, every record stored once...).
# Before the lock order, this run logged about one deadlock per 40 reports.
exec env APPS=${APPS:-6} REPORTS=${REPORTS:-15} LINES=${LINES:-2} DEADLOCKS_MAX=0 \
    "$(dirname "$0")/../bench/central_contention.sh"
