#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Office PKI for the uplink, all ECDSA P-256: the office CA, the central server
# certificate, per-appliance keys/CSRs/certificates, the config-signing key
# (separate from every TLS key) and the firmware-signing chain (its own CA,
# separate from both). Uses the openssl CLI (scripts/deps.sh installs it).
#
#   certs.sh DIR ca                  office CA: ca.key ca.crt
#   certs.sh DIR server NAME         central: server.key server.crt (CN and SAN = NAME)
#   certs.sh DIR appliance ID [DAYS] appliance: ID.key ID.csr ID.crt (CN = ID)
#   certs.sh DIR expired ID          ID.crt signed by the CA but valid only in 2020
#   certs.sh DIR signing             config-sign.key config-sign.pub
#   certs.sh DIR console             central's HTTPS console: console.key console.crt
#                                    (CN localhost, SAN localhost and 127.0.0.1)
#   certs.sh DIR user FILE CN        a person's browser certificate for the console's
#                                    certificate login: FILE.key FILE.crt FILE.p12
#                                    (CN = CN, clientAuth; the .p12 has no password)
#   certs.sh DIR firmware            RAUC bundle signing: firmware-ca.key firmware-ca.crt
#                                    (the appliances' keyring), firmware-sign.key
#                                    firmware-sign.crt (codeSigning, signed by that CA)
#   certs.sh DIR all                 ca, server "central.test", appliance "gw-test-1",
#                                    signing, console (not firmware)
set -eu
umask 077

[ $# -ge 2 ] || { sed -n '3,23s/^# \{0,1\}//p' "$0" >&2; exit 2; }
dir=$1 cmd=$2
shift 2
mkdir -p "$dir"
cd "$dir"

newkey() {
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
	    -pkeyopt ec_param_enc:named_curve -out "$1" 2>/dev/null
}

ca() {
	newkey ca.key
	openssl req -x509 -new -key ca.key -sha256 -days 3650 -subj "/O=goipwatch/CN=goipwatch office CA" \
	    -addext "basicConstraints=critical,CA:true,pathlen:0" \
	    -addext "keyUsage=critical,keyCertSign,cRLSign" -out ca.crt
}

# sign CSR OUT EXTFILE DAYS
sign() {
	serial=$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
	openssl x509 -req -in "$1" -CA ca.crt -CAkey ca.key -set_serial "0x$serial" \
	    -sha256 -days "$4" -extfile "$3" -out "$2" 2>/dev/null
}

server() {
	name=$1
	newkey server.key
	openssl req -new -key server.key -subj "/O=goipwatch/CN=$name" -out server.csr
	printf 'basicConstraints=critical,CA:false\nkeyUsage=critical,digitalSignature\n%s\n%s\n' \
	    "extendedKeyUsage=serverAuth" "subjectAltName=DNS:$name" > server.ext
	sign server.csr server.crt server.ext 825
	rm -f server.ext
}

# The console's certificate: browsers on the central host reach it by name or IP.
console() {
	newkey console.key
	openssl req -new -key console.key -subj "/O=goipwatch/CN=localhost" -out console.csr
	printf 'basicConstraints=critical,CA:false\nkeyUsage=critical,digitalSignature\n%s\n%s\n' \
	    "extendedKeyUsage=serverAuth" "subjectAltName=DNS:localhost,IP:127.0.0.1" > console.ext
	sign console.csr console.crt console.ext 825
	rm -f console.ext
}

appliance_ext() {
	printf 'basicConstraints=critical,CA:false\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n' > "$1"
}

appliance() {
	id=$1 days=${2:-825}
	case $id in *[!A-Za-z0-9._-]*|'') echo "certs: bad appliance id '$id'" >&2; exit 2 ;; esac
	[ -f "$id.key" ] || newkey "$id.key"
	openssl req -new -key "$id.key" -subj "/O=goipwatch/CN=$id" -out "$id.csr"
	appliance_ext "$id.ext"
	sign "$id.csr" "$id.crt" "$id.ext" "$days"
	rm -f "$id.ext"
}

# openssl x509 cannot back-date; a throw-away `openssl ca` database can.
expired() {
	id=$1
	[ -f "$id.key" ] || newkey "$id.key"
	openssl req -new -key "$id.key" -subj "/O=goipwatch/CN=$id" -out "$id.csr"
	db=$(mktemp -d)
	: > "$db/index.txt"
	echo 01 > "$db/serial"
	cat > "$db/ca.cnf" <<CNF
[ca]
default_ca = d
[d]
database = $db/index.txt
new_certs_dir = $db
serial = $db/serial
default_md = sha256
policy = p
x509_extensions = ext
[p]
organizationName = optional
commonName = supplied
[ext]
basicConstraints = critical,CA:false
keyUsage = critical,digitalSignature
extendedKeyUsage = clientAuth, serverAuth
CNF
	openssl ca -batch -config "$db/ca.cnf" -cert ca.crt -keyfile ca.key \
	    -startdate 20200101000000Z -enddate 20200201000000Z -notext \
	    -in "$id.csr" -out "$id.crt" 2>/dev/null
	rm -rf "$db"
}

# A browser certificate for a person: CN is free text (the admin maps it to a user).
user() {
	file=$1 cn=$2
	case $file in *[!A-Za-z0-9._-]*|'') echo "certs: bad file name '$file'" >&2; exit 2 ;; esac
	case $cn in *[/\\]*|'') echo "certs: a CN without / or \\" >&2; exit 2 ;; esac
	newkey "$file.key"
	openssl req -new -utf8 -key "$file.key" -subj "/O=goipwatch/OU=console/CN=$cn" -out "$file.csr"
	appliance_ext "$file.ext"
	sign "$file.csr" "$file.crt" "$file.ext" 825
	rm -f "$file.ext" "$file.csr"
	openssl pkcs12 -export -in "$file.crt" -inkey "$file.key" -passout pass: \
	    -out "$file.p12" 2>/dev/null
}

signing() {
	newkey config-sign.key
	openssl pkey -in config-sign.key -pubout -out config-sign.pub
}

# Firmware bundles: a CA of their own (not the office TLS CA, not the config
# key), so a leaked TLS or config key cannot sign firmware and the firmware CA
# key can live offline. The appliance's RAUC keyring is firmware-ca.crt only.
firmware() {
	newkey firmware-ca.key
	openssl req -x509 -new -key firmware-ca.key -sha256 -days 7300 \
	    -subj "/O=goipwatch/CN=goipwatch firmware CA" \
	    -addext "basicConstraints=critical,CA:true,pathlen:0" \
	    -addext "keyUsage=critical,keyCertSign,cRLSign" -out firmware-ca.crt
	newkey firmware-sign.key
	openssl req -new -key firmware-sign.key -subj "/O=goipwatch/CN=goipwatch firmware signing" \
	    -out firmware-sign.csr
	printf 'basicConstraints=critical,CA:false\nkeyUsage=critical,digitalSignature\n%s\n' \
	    "extendedKeyUsage=codeSigning" > firmware-sign.ext
	serial=$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
	openssl x509 -req -in firmware-sign.csr -CA firmware-ca.crt -CAkey firmware-ca.key \
	    -set_serial "0x$serial" -sha256 -days 1825 -extfile firmware-sign.ext \
	    -out firmware-sign.crt 2>/dev/null
	rm -f firmware-sign.ext firmware-sign.csr
}

case $cmd in
ca)		ca ;;
server)		server "$@" ;;
appliance)	appliance "$@" ;;
expired)	expired "$@" ;;
signing)	signing ;;
console)	console ;;
firmware)	firmware ;;
user)		[ $# -eq 2 ] || { echo "certs: user FILE CN" >&2; exit 2; }; user "$@" ;;
all)		ca; server central.test; appliance gw-test-1; signing; console ;;
*)		echo "certs: unknown command $cmd" >&2; exit 2 ;;
esac
