#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# central_rollout.sh on a PostgreSQL started here.
CENTRAL_PG=1 exec "$(dirname "$0")/central_rollout.sh"
