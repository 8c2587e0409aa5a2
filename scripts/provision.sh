#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Provision an appliance on site: device key and CSR, the certificate the office
# signs, the site config, then `goipwatchd --self-test` with a PASS/FAIL report.
#
#   provision.sh -s SITE -i IFACE -c HOST[:PORT] [options]
#     -s SITE     site id (also the appliance id, the certificate CN, unless -a)
#     -a ID       appliance id
#     -i IFACE    capture interface (the mirror port)
#     -c HOST[:PORT]  central office address (port 6543 by default)
#     -n NAME     central's certificate name (default central.goipwatch)
#     -C CERT     install this certificate (the office signed our CSR offline)
#     -E CMD      enrolment command: CMD CSR > CERT (default: goipwatch-central
#                 enroll, when installed)
#     -O DIR      lab/test: sign with the office PKI in DIR (scripts/certs.sh
#                 layout: ca.crt, ca.key, config-sign.pub) instead of enrolling
#     -A CA -P PUB  the office CA certificate and config-signing public key
#     -d DIR      config directory (default /etc/goipwatch)
#     -S DIR      state directory (default /var/lib/goipwatch)
#     -b PATH     goipwatchd (default: goipwatchd in PATH, then /usr/sbin)
#     -T          skip the self-test
# Exit: 0 provisioned and self-test passed, 1 self-test failed, 2 usage or setup error.
set -eu
umask 077

die() { echo "provision: $*" >&2; exit 2; }
step() { printf '== %s\n' "$*"; }

site= id= iface= central= cname=central.goipwatch cert= enroll= office= ca= pub=
etc=/etc/goipwatch state=/var/lib/goipwatch gwd= selftest=1
while getopts "a:A:b:c:C:d:E:i:n:O:P:s:S:T" o; do
	case $o in
	a) id=$OPTARG ;; A) ca=$OPTARG ;; b) gwd=$OPTARG ;; c) central=$OPTARG ;;
	C) cert=$OPTARG ;; d) etc=$OPTARG ;; E) enroll=$OPTARG ;; i) iface=$OPTARG ;;
	n) cname=$OPTARG ;; O) office=$OPTARG ;; P) pub=$OPTARG ;; s) site=$OPTARG ;;
	S) state=$OPTARG ;; T) selftest=0 ;;
	*) sed -n '3,22s/^# \{0,1\}//p' "$0" >&2; exit 2 ;;
	esac
done
[ -n "$site" ] && [ -n "$iface" ] && [ -n "$central" ] ||
    { sed -n '3,22s/^# \{0,1\}//p' "$0" >&2; exit 2; }
id=${id:-$site}
case $id in *[!A-Za-z0-9._-]*) die "bad appliance id '$id': letters, digits, . _ - only" ;; esac
case $site in *[!A-Za-z0-9._-]*) die "bad site id '$site'" ;; esac
case $central in
*:*) chost=${central%:*} cport=${central##*:} ;;
*) chost=$central cport=6543 ;;
esac
case $cport in ''|*[!0-9]*) die "bad central port '$cport'" ;; esac
if [ -z "$gwd" ]; then
	gwd=$(command -v goipwatchd 2>/dev/null || echo /usr/sbin/goipwatchd)
fi
[ -x "$gwd" ] || die "goipwatchd not found ($gwd): -b PATH"
command -v openssl >/dev/null || die "openssl is not installed"
if [ -n "$office" ]; then
	ca=${ca:-$office/ca.crt} pub=${pub:-$office/config-sign.pub}
fi
[ -n "$ca" ] && [ -r "$ca" ] || die "the office CA certificate is needed: -A CA (or -O DIR)"
[ -n "$pub" ] && [ -r "$pub" ] || die "the config-signing public key is needed: -P PUB (or -O DIR)"
if ! ip link show "$iface" >/dev/null 2>&1; then
	die "no interface $iface on this machine"
fi
mkdir -p "$etc" "$state/spool"
group=root
getent group goipwatch >/dev/null 2>&1 && group=goipwatch

# 1. the device key never leaves the appliance; only the CSR does
step "device key and CSR for $id"
key=$etc/appliance.key csr=$etc/appliance.csr crt=$etc/appliance.crt
if [ ! -s "$key" ]; then
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
	    -pkeyopt ec_param_enc:named_curve -out "$key" 2>/dev/null
fi
chgrp "$group" "$key" && chmod 0640 "$key"
openssl req -new -key "$key" -subj "/O=goipwatch/CN=$id" -out "$csr"
chmod 0644 "$csr"

# 2. the office signs it: a certificate handed over (-C), the enrolment command
#    (goipwatch-central enroll), or, in a lab, the office PKI directory
step "certificate signed by the office"
tmpcrt=$crt.new
if [ -n "$cert" ]; then
	cp "$cert" "$tmpcrt"
elif [ -n "$office" ]; then
	printf 'basicConstraints=critical,CA:false\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n' > "$etc/appliance.ext"
	serial=$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
	openssl x509 -req -in "$csr" -CA "$office/ca.crt" -CAkey "$office/ca.key" \
	    -set_serial "0x$serial" -sha256 -days 825 -extfile "$etc/appliance.ext" \
	    -out "$tmpcrt" 2>/dev/null || die "signing with $office failed"
	rm -f "$etc/appliance.ext"
else
	if [ -z "$enroll" ]; then
		command -v goipwatch-central >/dev/null 2>&1 ||
		    die "no certificate: give -C CERT, -E 'CMD' or -O DIR (goipwatch-central not installed)"
		enroll="goipwatch-central enroll"
	fi
	# shellcheck disable=SC2086
	$enroll "$csr" > "$tmpcrt" || die "enrolment failed: $enroll $csr"
fi
openssl verify -CAfile "$ca" "$tmpcrt" >/dev/null 2>&1 ||
    { rm -f "$tmpcrt"; die "the certificate does not chain to the office CA $ca"; }
kpub=$(openssl pkey -in "$key" -pubout 2>/dev/null)
cpub=$(openssl x509 -in "$tmpcrt" -noout -pubkey 2>/dev/null)
[ "$kpub" = "$cpub" ] || { rm -f "$tmpcrt"; die "the certificate is not for this device key"; }
mv "$tmpcrt" "$crt"
[ "$ca" -ef "$etc/ca.crt" ] || cp "$ca" "$etc/ca.crt"
[ "$pub" -ef "$etc/config-sign.pub" ] || cp "$pub" "$etc/config-sign.pub"
chmod 0644 "$crt" "$etc/ca.crt" "$etc/config-sign.pub"
echo "   $(openssl x509 -in "$crt" -noout -subject -enddate | tr '\n' ' ')"

# 3. the site config: the board's defaults with this site's lines replaced
step "site config $etc/goipwatch.conf"
conf=$etc/goipwatch.conf
base=$conf
[ -s "$base" ] || base=$(dirname "$0")/../board/${BOARD:-x86_64-generic}/goipwatch.conf
[ -s "$base" ] || die "no default config to start from ($base)"
{
	grep -vE '^[[:space:]]*(site_id|central_host|central_port|central_name|tls_ca|tls_cert|tls_key|config_pubkey|spool_dir)[[:space:]]' "$base" || true
	cat <<CONF
site_id $site
central_host $chost
central_port $cport
central_name $cname
tls_ca $etc/ca.crt
tls_cert $crt
tls_key $key
config_pubkey $etc/config-sign.pub
spool_dir $state/spool
CONF
} > "$conf.new"
"$gwd" -n -f "$conf.new" >/dev/null 2>"$etc/check.log" ||
    { cat "$etc/check.log" >&2; rm -f "$conf.new"; die "the site config does not parse"; }
rm -f "$etc/check.log"
chmod 0644 "$conf.new"
mv "$conf.new" "$conf"
defaults=${GOIPWATCH_DEFAULTS:-$etc/goipwatchd.env}
[ -d /etc/default ] && [ "$etc" = /etc/goipwatch ] && defaults=/etc/default/goipwatchd
printf '# written by provision.sh for site %s\nGOIPWATCH_IFACE=%s\nGOIPWATCH_ARGS=\n' \
    "$site" "$iface" > "$defaults"
chmod 0644 "$defaults"
echo "   site $site, capture on $iface, central $chost:$cport ($cname); $defaults"
if [ "$group" = goipwatch ]; then
	chown -R goipwatch:goipwatch "$state"
fi

# 4. the self-test
[ $selftest -eq 1 ] || { step "self-test skipped (-T)"; exit 0; }
step "self-test"
if "$gwd" --self-test -f "$conf" -i "$iface"; then
	echo "PROVISIONED: $id at site $site; start it with: systemctl enable --now goipwatchd"
	exit 0
fi
echo "NOT READY: fix the FAIL lines above and run provision.sh again (the key is kept)"
exit 1
