#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Firmware rollouts on the fleet page, in a real browser (docs/console.md): a
# RAUC bundle signed under a throw-away firmware CA is stored (`firmware add`);
# group "lab" has two appliances, one with a hostile id, group "old" one whose
# halted rollout carries a hostile message. Then console_firmware.py: the
# engineer starts a rollout with the page's form, sees its members waiting or
# offered, is refused a second one in the same group with the API's message,
# halts it with the button and sees the phase and reason; hostile strings are
# text; a supervisor reads the section without the form; an analyst has none.
set -u
. "$(dirname "$0")/console_lib.sh"
. "$ROOT/tests/integration/fw_lib.sh"
need_cmd rauc openssl
F=$T/fw
fw_ca "$F"
fw_bundle "$F" "$F/good.raucb" 1.2.4 cs
console_start "files_dir $T/files" "firmware_ca $F/ca.crt"
ctl firmware add "$F/good.raucb" >/dev/null || fail "firmware add 1.2.4"
ok "bundle 1.2.4 stored"

# appliances as central knows them (never connected: members stay waiting)
EVIL='<img src=x onerror="document.body.dataset.pwned=1">'
sql "INSERT INTO appliances (id, grp, site, firmware) VALUES
    ('gw-lab1', 'lab', 'Bench 1', '1.2.3'),
    ('$(echo "$EVIL" | sed "s/'/''/g")', 'lab', 'Bench 2', '1.2.3'),
    ('gw-old', 'old', 'Bench 3', '1.2.3')" || fail "appliances"
ctl firmware rollout 1.2.4 --group old --canary 1 --window 600 >/dev/null ||
    fail "firmware rollout (old)"
sql "UPDATE rollout_members SET message = 'refused: $(echo "$EVIL" | sed "s/'/''/g")'
    WHERE appliance = 'gw-old'" || fail "hostile message"
ctl firmware halt 1.2.4 --group old >/dev/null || fail "firmware halt (old)"
ok "group old: a halted rollout with a hostile member message"

console_py "$ROOT/tests/browser/console_firmware.py"
ctl firmware status 1.2.4 > "$T/fwstatus.txt" 2>&1 || fail "firmware status"
cat "$T/fwstatus.txt"
check "the page's rollout is halted by the engineer" [ "$(sql "SELECT phase || '|' || reason
    FROM rollouts WHERE grp = 'lab'")" = "halted|halted by u.engineer" ]
check "started through the API by the engineer (audit)" [ "$(sql "SELECT COUNT(*) FROM audit
    WHERE who = 'u.engineer' AND action = 'firmware.rollout' AND target = 'lab'")" -eq 1 ]
check "the refused second start is audited" [ "$(sql "SELECT COUNT(*) FROM audit
    WHERE who = 'u.engineer' AND action = 'firmware rollout' AND result = 'failed'")" -ge 1 ]
check "halted by the engineer (audit)" [ "$(sql "SELECT COUNT(*) FROM audit
    WHERE who = 'u.engineer' AND action = 'firmware.halted'")" -eq 1 ]
check "the analyst read no rollout" [ "$(sql "SELECT COUNT(*) FROM audit
    WHERE who = 'u.analyst' AND action = 'list' AND target = 'firmware'")" -eq 0 ]
finish
