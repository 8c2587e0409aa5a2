#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The console's shell in a real browser (docs/console.md): the files central
# serves (types, security headers, no way out of web_root), the catalogues
# (the same keys in every language, and every key the code names), then
# console_shell.py: each role logs in and lands on its home page with its nav,
# the language switch is remembered, a wrong password is refused, and no page
# logs a CSP refusal or a missing message.
set -u
. "$(dirname "$0")/console_lib.sh"
console_start
URL="https://127.0.0.1:$API"
get() { curl -sS --cacert "$T/pki/ca.crt" -o "$T/body" -D "$T/hdr" -w '%{http_code}' "$@"; }

# Files: the page, a module, Debian's Bootstrap and Chart.js, the vendored cytoscape.
for p in / /js/core.js /lib/bootstrap5/css/bootstrap.min.css /lib/chart.js/chart.min.js \
    /vendor/cytoscape/cytoscape.min.js /i18n/zh-CN.json; do
	[ "$(get "$URL$p")" = 200 ] || fail "GET $p: $(head -c 200 "$T/body")"
	grep -qi '^content-security-policy: default-src .none.; script-src .self.;' "$T/hdr" ||
	    fail "GET $p: no CSP"
done
get "$URL/" >/dev/null
grep -qi '^content-type: text/html; charset=utf-8' "$T/hdr" || fail "/ is not HTML"
get "$URL/js/app.js" >/dev/null
grep -qi '^content-type: text/javascript' "$T/hdr" || fail "a module is not JavaScript"
ok "pages, modules and libraries served with their types and the CSP"
# Nothing outside web_root and the two libraries, however the path is spelled.
for p in /../central.conf /js/../../central/cfg.c /lib/bootstrap5/../jquery/jquery.js \
    /.git/config /lib/sphinxdoc/x.js /js/%2e%2e/%2e%2e/Makefile /i18n/zh-CN.json%00.js \
    /cfg.c /js/core.js.bak /js/a%20b.js /js/core.js~; do
	code=$(get --path-as-is "$URL$p")
	[ "$code" = 404 ] || fail "GET $p: $code, not 404"
	grep -q '"error"' "$T/body" || fail "GET $p: no JSON error"
done
[ "$(get -X POST "$URL/js/core.js")" = 405 ] || fail "POST to a file is not 405"
[ "$(get "$URL/api/v1/nothing")" = 404 ] || fail "an unknown API route is a file"
ok "no file outside web_root; other methods refused"

# Catalogues: the same keys, none empty, and every t('key') of the code present.
"$PY" - "$ROOT/central/web" <<'PY' || fail "catalogues"
import glob, json, os, re, sys
web = sys.argv[1]
cats = {l: json.load(open(os.path.join(web, "i18n", l + ".json"), encoding="utf-8"))
        for l in ("zh-CN", "en")}
zh, en = set(cats["zh-CN"]), set(cats["en"])
if zh != en:
    print("FAIL: keys only in zh-CN: %s; only in en: %s" % (sorted(zh - en), sorted(en - zh)))
    sys.exit(1)
empty = [(l, k) for l, c in cats.items() for k, v in c.items() if not isinstance(v, str) or not v]
if empty:
    print("FAIL: empty messages: %s" % empty[:5])
    sys.exit(1)
named = set()
for f in glob.glob(os.path.join(web, "js", "**", "*.js"), recursive=True):
    named |= set(re.findall(r"\bt\(\s*'([a-z0-9_.]+)'", open(f, encoding="utf-8").read()))
missing = sorted(k for k in named if k not in zh)
if missing:
    print("FAIL: keys the code names but no catalogue has: %s" % missing)
    sys.exit(1)
print("ok: %d keys in zh-CN and en, the %d the code names all present" % (len(zh), len(named)))
PY

console_py "$ROOT/tests/browser/console_shell.py"
finish
