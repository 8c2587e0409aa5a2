/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The SIP pre-parser: a strict subset of bodiless out-of-dialog requests
 * (scanner OPTIONS, REGISTER and INVITE probes) filled into struct sip_msg
 * without libosip2. It accepts only what it can fill exactly as the
 * libosip2 path would (tests/unit/test_sip.c and fuzz_sip compare both);
 * anything else, and any field that would be cut, returns false untouched.
 * Two passes: spans of the header block first, then the fields.
 */
#include <string.h>
#include <strings.h>

#include "sip.h"

#define PRE_PARAMS_MAX	8	/* Via parameters looked at */

struct span {
	const uint8_t	*p;
	size_t		 n;
};

struct pre_uri {
	struct span	 user;		/* empty when there is no user part */
	struct span	 host;
};

struct pre_addr {
	struct pre_uri	 uri;
	struct span	 tag;		/* From only */
};

struct pre {
	struct span	 method;
	struct pre_uri	 ruri;
	struct pre_addr	 from, to, contact;
	struct span	 call_id;
	uint32_t	 cseq;
	struct span	 cseq_method;
	struct span	 via_proto, via_host, via_branch;
	uint16_t	 via_port;
	struct span	 ua;
	unsigned	 seen;		/* H_* bits */
};

enum { H_VIA = 1, H_FROM = 2, H_TO = 4, H_CALLID = 8, H_CSEQ = 16,
	H_CONTACT = 32, H_UA = 64, H_MAXFWD = 128, H_ACCEPT = 256 };
#define H_NEEDED	(H_VIA | H_FROM | H_TO | H_CALLID | H_CSEQ)

static bool
is_alnum(uint8_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9');
}

static bool
is_digit(uint8_t c)
{
	return c >= '0' && c <= '9';
}

/* Conservative token: no '%' (libosip2 unescapes some fields) nor quotes. */
static bool
is_tok(uint8_t c)
{
	return is_alnum(c) || c == '-' || c == '.' || c == '_' || c == '+' ||
	    c == '~' || c == '!' || c == '*';
}

static bool
is_host(uint8_t c)
{
	return is_alnum(c) || c == '-' || c == '.';
}

/* Longest run of class at p[*i..n), at least one byte. */
static bool
run(const uint8_t *p, size_t n, size_t *i, bool (*cls)(uint8_t),
    struct span *s)
{
	size_t k = *i;

	while (k < n && cls(p[k]))
		k++;
	if (k == *i)
		return false;
	s->p = p + *i;
	s->n = k - *i;
	*i = k;
	return true;
}

static bool
lit(const uint8_t *p, size_t n, size_t *i, const char *s)
{
	size_t l = strlen(s);

	if (n - *i < l || memcmp(p + *i, s, l) != 0)
		return false;
	*i += l;
	return true;
}

/* 1 to 5 digits, at most 65535. */
static bool
port(const uint8_t *p, size_t n, size_t *i, uint16_t *v)
{
	uint32_t x = 0;
	size_t k = *i;

	while (k < n && is_digit(p[k]) && k - *i < 5)
		x = x * 10 + (uint32_t)(p[k++] - '0');
	if (k == *i || x > 65535 || (k < n && is_digit(p[k])))
		return false;
	*v = (uint16_t)x;
	*i = k;
	return true;
}

/* sip:[user@]host[:port], nothing else (no params, headers, IPv6). */
static bool
uri(const uint8_t *p, size_t n, size_t *i, struct pre_uri *u)
{
	struct span a;
	uint16_t pt;

	memset(u, 0, sizeof(*u));
	if (!lit(p, n, i, "sip:") || !run(p, n, i, is_tok, &a))
		return false;
	if (*i < n && p[*i] == '@') {
		(*i)++;
		u->user = a;
		if (!run(p, n, i, is_host, &u->host))
			return false;
	} else {
		u->host = a;
		for (size_t k = 0; k < a.n; k++)
			if (!is_host(a.p[k]))
				return false;
	}
	if (*i < n && p[*i] == ':') {
		(*i)++;
		if (!port(p, n, i, &pt))
			return false;
	}
	return true;
}

/*
 * From/To/Contact: ["quoted name" [SP]] <uri> [;tag=token] or a bare uri.
 * A tag only where tag_ok; no other parameter.
 */
static bool
addr(const uint8_t *p, size_t n, struct pre_addr *a, bool tag_ok)
{
	size_t i = 0;
	struct span t;

	memset(a, 0, sizeof(*a));
	if (n > 0 && p[0] == '"') {
		for (i = 1; i < n && p[i] != '"'; i++)
			if (p[i] == '\\' || p[i] < 0x20 || p[i] > 0x7e)
				return false;
		if (i == 1 || i == n)
			return false;
		i++;
		if (i < n && p[i] == ' ')
			i++;
		if (i == n || p[i] != '<')
			return false;
	}
	if (i < n && p[i] == '<') {
		i++;
		if (!uri(p, n, &i, &a->uri) || i == n || p[i] != '>')
			return false;
		i++;
		if (tag_ok && lit(p, n, &i, ";tag=")) {
			if (!run(p, n, &i, is_tok, &t))
				return false;
			a->tag = t;
		}
	} else if (!uri(p, n, &i, &a->uri))
		return false;
	return i == n;
}

/* SIP/2.0/PROTO SP host[:port] then ;name[=value] params, one branch. */
static bool
via(const uint8_t *p, size_t n, struct pre *x)
{
	size_t i = 0, np = 0;
	struct span name, val;
	bool branch = false;

	if (!lit(p, n, &i, "SIP/2.0/") || !run(p, n, &i, is_alnum, &x->via_proto) ||
	    !lit(p, n, &i, " ") || !run(p, n, &i, is_host, &x->via_host))
		return false;
	if (i < n && p[i] == ':') {
		i++;
		if (!port(p, n, &i, &x->via_port))
			return false;
	}
	while (i < n) {
		if (p[i] != ';' || ++np > PRE_PARAMS_MAX)
			return false;
		i++;
		if (!run(p, n, &i, is_tok, &name))
			return false;
		for (size_t k = 0; k < name.n; k++)
			if (name.p[k] >= 'A' && name.p[k] <= 'Z')
				return false;
		val.n = 0;
		if (i < n && p[i] == '=') {
			i++;
			if (!run(p, n, &i, is_tok, &val))
				return false;
		}
		if (name.n == 6 && memcmp(name.p, "branch", 6) == 0) {
			if (branch || val.n == 0)
				return false;
			branch = true;
			x->via_branch = val;
		}
	}
	return true;
}

static bool
all(const uint8_t *p, size_t n, bool (*cls)(uint8_t))
{
	for (size_t k = 0; k < n; k++)
		if (!cls(p[k]))
			return false;
	return n > 0;
}

static bool
is_upper(uint8_t c)
{
	return c >= 'A' && c <= 'Z';
}

/* Call-ID: tokens, at most one '@' with something on both sides. */
static bool
call_id(const uint8_t *p, size_t n)
{
	const uint8_t *at = memchr(p, '@', n);

	if (at == NULL)
		return all(p, n, is_tok);
	return at > p && all(p, (size_t)(at - p), is_tok) &&
	    all(at + 1, n - (size_t)(at - p) - 1, is_tok);
}

/* digits SP METHOD, the number within 32 bits. */
static bool
cseq(const uint8_t *p, size_t n, struct pre *x)
{
	size_t i = 0;
	uint64_t v = 0;

	while (i < n && is_digit(p[i]) && i < 10)
		v = v * 10 + (uint64_t)(p[i++] - '0');
	if (i == 0 || v > UINT32_MAX || !lit(p, n, &i, " ") ||
	    !run(p, n, &i, is_upper, &x->cseq_method) || i != n)
		return false;
	x->cseq = (uint32_t)v;
	return true;
}

/* Printable ASCII, no leading or trailing blank. */
static bool
is_text(uint8_t c)
{
	return c >= 0x20 && c <= 0x7e;
}

static bool
accept_ok(const uint8_t *p, size_t n)
{
	const uint8_t *sl = memchr(p, '/', n);

	return sl != NULL && all(p, (size_t)(sl - p), is_tok) &&
	    all(sl + 1, n - (size_t)(sl - p) - 1, is_tok);
}

static bool
name_is(const uint8_t *p, size_t n, const char *s)
{
	return n == strlen(s) && strncasecmp((const char *)p, s, n) == 0;
}

/* Sets bit once; a second header of a kind sends the message to libosip2. */
static bool
once(struct pre *x, unsigned bit)
{
	if (x->seen & bit)
		return false;
	x->seen |= bit;
	return true;
}

static bool
header(const uint8_t *name, size_t nn, const uint8_t *v, size_t vn,
    struct pre *x)
{
	if (name_is(name, nn, "via"))
		return once(x, H_VIA) && via(v, vn, x);
	if (name_is(name, nn, "from"))
		return once(x, H_FROM) && addr(v, vn, &x->from, true);
	if (name_is(name, nn, "to"))
		return once(x, H_TO) && addr(v, vn, &x->to, false);
	if (name_is(name, nn, "contact"))
		return once(x, H_CONTACT) && addr(v, vn, &x->contact, false);
	if (name_is(name, nn, "call-id")) {
		x->call_id.p = v;
		x->call_id.n = vn;
		return once(x, H_CALLID) && call_id(v, vn);
	}
	if (name_is(name, nn, "cseq"))
		return once(x, H_CSEQ) && cseq(v, vn, x);
	if (name_is(name, nn, "user-agent")) {
		x->ua.p = v;
		x->ua.n = vn;
		return once(x, H_UA) && all(v, vn, is_text);
	}
	if (name_is(name, nn, "max-forwards"))
		return once(x, H_MAXFWD) && vn <= 3 && all(v, vn, is_digit);
	if (name_is(name, nn, "accept"))
		return once(x, H_ACCEPT) && accept_ok(v, vn);
	/* Content-Length never reaches libosip2 (sip.c headers_copy). */
	return name_is(name, nn, "content-length") && all(v, vn, is_digit);
}

static bool
start_line(const uint8_t *p, size_t n, struct pre *x)
{
	size_t i = 0;

	if (!run(p, n, &i, is_upper, &x->method) ||
	    !(name_is(x->method.p, x->method.n, "OPTIONS") ||
	    name_is(x->method.p, x->method.n, "REGISTER") ||
	    name_is(x->method.p, x->method.n, "INVITE")) ||
	    !lit(p, n, &i, " ") || !uri(p, n, &i, &x->ruri) ||
	    !lit(p, n, &i, " SIP/2.0"))
		return false;
	return i == n;
}

/* Pass one: every line CRLF-terminated, known headers, spans recorded. */
static bool
scan(const uint8_t *p, size_t hdrlen, struct pre *x)
{
	const uint8_t *cr, *colon;
	size_t i = 0, e, nn, vs;

	if (hdrlen < 4 || memcmp(p + hdrlen - 4, "\r\n\r\n", 4) != 0)
		return false;
	hdrlen -= 2;	/* the blank line */
	for (bool first = true; i < hdrlen; first = false) {
		cr = memchr(p + i, '\r', hdrlen - i);
		if (cr == NULL || (size_t)(cr - p) + 1 >= hdrlen + 2 || cr[1] != '\n')
			return false;
		e = (size_t)(cr - p);
		for (size_t k = i; k < e; k++)
			if (!is_text(p[k]))
				return false;
		if (first) {
			if (!start_line(p + i, e - i, x))
				return false;
		} else {
			colon = memchr(p + i, ':', e - i);
			if (colon == NULL)
				return false;
			nn = (size_t)(colon - p) - i;
			if (nn < 2)	/* compact forms go to libosip2 */
				return false;
			for (size_t k = i; k < i + nn; k++)
				if (!is_alnum(p[k]) && p[k] != '-')
					return false;
			vs = (size_t)(colon - p) + 1;
			while (vs < e && p[vs] == ' ')
				vs++;
			if (vs == e || p[e - 1] == ' ' ||
			    !header(p + i, nn, p + vs, e - vs, x))
				return false;
		}
		i = e + 2;
	}
	return (x->seen & H_NEEDED) == H_NEEDED;
}

static void
put(char *dst, const struct span *s)
{
	if (s->n > 0)
		memcpy(dst, s->p, s->n);
	dst[s->n] = '\0';
}

/* Every copied field must fit without a cut. */
#define FITS(s, field)	((s).n < sizeof(field))

static bool
fits(const struct pre *x, const struct sip_msg *m)
{
	const struct pre_addr *a[3] = { &x->from, &x->to, &x->contact };
	size_t ua = x->ua.n;

	for (int k = 0; k < 3; k++)
		if (!FITS(a[k]->uri.user, m->from.user) ||
		    !FITS(a[k]->uri.host, m->from.host) ||
		    !FITS(a[k]->tag, m->from.tag))
			return false;
	if (ua >= 2 && x->ua.p[0] == '"' && x->ua.p[ua - 1] == '"')
		ua -= 2;
	return FITS(x->method, m->method) && FITS(x->ruri.user, m->ruri_user) &&
	    FITS(x->ruri.host, m->ruri_host) && FITS(x->call_id, m->call_id) &&
	    FITS(x->cseq_method, m->cseq_method) &&
	    FITS(x->via_proto, m->via.transport) &&
	    FITS(x->via_host, m->via.host) &&
	    FITS(x->via_branch, m->via.branch) && ua < sizeof(m->ua);
}

static void
addr_put(struct sip_addr *d, const struct pre_addr *a)
{
	put(d->user, &a->uri.user);
	put(d->host, &a->uri.host);
	put(d->tag, &a->tag);
}

bool
sip_pre_parse(const uint8_t *p, size_t hdrlen, struct sip_msg *m)
{
	struct pre x;
	struct span ua;

	memset(&x, 0, sizeof(x));
	if (!scan(p, hdrlen, &x) || !fits(&x, m))
		return false;
	m->is_request = true;
	put(m->method, &x.method);
	put(m->ruri_user, &x.ruri.user);
	put(m->ruri_host, &x.ruri.host);
	addr_put(&m->from, &x.from);
	addr_put(&m->to, &x.to);
	addr_put(&m->contact, &x.contact);
	put(m->call_id, &x.call_id);
	m->cseq = x.cseq;
	put(m->cseq_method, &x.cseq_method);
	put(m->via.host, &x.via_host);
	put(m->via.transport, &x.via_proto);
	put(m->via.branch, &x.via_branch);
	m->via.port = x.via_port;
	m->nvia = 1;
	ua = x.ua;
	if (ua.n >= 2 && ua.p[0] == '"' && ua.p[ua.n - 1] == '"') {
		ua.p++;
		ua.n -= 2;
	}
	put(m->ua, &ua);
	return true;
}
