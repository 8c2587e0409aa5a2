#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Administration in a real browser (docs/console.md): console_admin.py: the
# admin adds a user, gives it a new password, creates a token (which works),
# revokes it (which then fails), disables the user; the audit page lists
# those actions, filters them by who, action and time, and exports the CSV
# (BOM, the filter's rows); a supervisor sees the audit but not the users;
# English. Then the audit rows are checked in the database.
set -u
. "$(dirname "$0")/console_lib.sh"
console_start
console_py "$ROOT/tests/browser/console_admin.py"
for want in "user add|u.new|ok" "user passwd|u.new|ok" "token add|u.new|ok" \
    "user disable|u.new (left the unit)|ok"; do
	check "audit row $want" [ "$(sql "SELECT COUNT(*) FROM audit WHERE who = 'u.admin' AND
	    action || '|' || target || '|' || result = '$want'")" -ge 1 ]
done
check "audit row token revoke" [ "$(sql "SELECT COUNT(*) FROM audit WHERE who = 'u.admin'
    AND action = 'token revoke' AND target LIKE '% (rotated)' AND result = 'ok'")" -eq 1 ]
check "the audit export is audited" [ "$(sql "SELECT COUNT(*) FROM audit WHERE who = 'u.admin'
    AND action = 'export' AND target LIKE 'audit rows %'")" -ge 1 ]
finish
