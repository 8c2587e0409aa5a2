#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# central_strings.sh on a PostgreSQL started here (which refuses bytes that are not UTF-8).
CENTRAL_PG=1 exec "$(dirname "$0")/central_strings.sh"
