#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# goipwatchd -n -q ADDR: where an address falls (docs/detection.md, home country):
# the country database places public addresses, and subscriber_prefix,
# trusted_peer and domestic_prefix override it in that order.
. "$(dirname "$0")/lib.sh"
need_bin "$GWD"
./scripts/geodb.sh "$BUILD/geo" >/dev/null 2>&1 || skip "no country database (scripts/geodb.sh needs npm once)"
q() {	# q CONFTEXT ADDR: the line goipwatchd prints for ADDR
	printf '%b' "$1" >"$TMP/c.conf"
	"$GWD" -n -f "$TMP/c.conf" -q "$2" 2>/dev/null | tail -n 1
}
DB="geoip_db $BUILD/geo/country.mmdb\n"
check "a Chinese address is domestic by default" \
    has "$(q "$DB" 114.114.114.114)" "114.114.114.114 domestic (home_country), country CN"
check "a Chinese IPv6 address too" \
    has "$(q "$DB" 2400:3200::1)" "2400:3200::1 domestic (home_country), country CN"
check "an American address is foreign" \
    has "$(q "$DB" 8.8.8.8)" "8.8.8.8 foreign (foreign), country US"
check "an address the database does not know is foreign" \
    has "$(q "$DB" 203.0.113.10)" "203.0.113.10 foreign (foreign), country unknown"
check "domestic_prefix overrides the database" \
    has "$(q "${DB}domestic_prefix 8.8.8.0/24\n" 8.8.8.8)" "8.8.8.8 domestic (domestic_prefix), country US"
check "trusted_peer overrides it too" \
    has "$(q "${DB}trusted_peer 203.0.113.10\n" 203.0.113.10)" "203.0.113.10 domestic (trusted_peer)*"
check "home_country US flips both" \
    has "$(q "${DB}home_country US\n" 8.8.8.8)$(q "${DB}home_country US\n" 114.114.114.114)" \
    "8.8.8.8 domestic (home_country), country US114.114.114.114 foreign (foreign), country CN"
check "without the database only the prefixes count" \
    has "$(q "geoip_db $TMP/none.mmdb\n" 114.114.114.114)" "114.114.114.114 foreign (foreign), country unknown"
check "-q without -n is refused" not "$GWD" -q 1.2.3.4 -r /dev/null
check "-q with a prefix is refused" not "$GWD" -n -q 1.2.3.0/24
finish
