#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The first `make run` / `make test` on a fresh machine: the build must not read
# a pkg-config result before deps.sh has run (it would read nothing, and the
# nDPI adapter would not find its headers). Spies stand in for deps.sh and
# pkg-config, log the order of their calls, and forward to the real ones.
. "$(dirname "$0")/lib.sh"
cd "$(dirname "$0")/../.." || exit 1

log=$TMP/calls
cat > "$TMP/deps-spy" <<SPY
#!/bin/sh
echo deps >> "$log"
exec ./scripts/deps.sh "\$@"
SPY
cat > "$TMP/pkg-config-spy" <<SPY
#!/bin/sh
echo "pkg-config \$*" >> "$log"
exec pkg-config "\$@"
SPY
chmod +x "$TMP/deps-spy" "$TMP/pkg-config-spy"

# A build directory nothing has been built in, as on a fresh clone.
b=$TMP/build
dpi=$b/obj/firmware/goipwatchd/packet/dpi.o
make --no-print-directory BUILD="$b" DEPS_SH="$TMP/deps-spy" \
    PKG_CONFIG="$TMP/pkg-config-spy" "$dpi" > "$TMP/make.log" 2>&1 ||
	{ cat "$TMP/make.log"; bad "the nDPI adapter builds in a fresh build directory"; }
[ -s "$log" ] || fail "neither deps.sh nor pkg-config was called"
cat "$log"
check "deps.sh runs before any pkg-config call" [ "$(head -n 1 "$log")" = deps ]
check "deps.sh runs once" [ "$(grep -c '^deps$' "$log")" -eq 1 ]
check "pkg-config is asked for nDPI after deps.sh" grep -q '^pkg-config --cflags libndpi' "$log"
check "dpi.o was built with nDPI's flags" [ -s "$dpi" ]

# A second build reads the cached flags: no deps.sh, no pkg-config.
: > "$log"
make --no-print-directory BUILD="$b" DEPS_SH="$TMP/deps-spy" \
    PKG_CONFIG="$TMP/pkg-config-spy" "$dpi" > "$TMP/make.log" 2>&1
check "an up-to-date build calls neither again" [ ! -s "$log" ]
finish
