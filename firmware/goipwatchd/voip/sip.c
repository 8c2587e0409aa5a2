/* SPDX-License-Identifier: BSD-2-Clause */
/* SIP message parsing through libosip2 into fixed fields; libosip2 stops here. */
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <osipparser2/osip_parser.h>
#include <osipparser2/osip_port.h>

#include "mem.h"
#include "sip.h"
#include "utf8.h"

const char *const sip_result_names[SIP_RESULT_MAX] = {
	[SIP_PARSE_OK] = "ok",
	[SIP_PARSE_KEEPALIVE] = "keepalive",
	[SIP_PARSE_NOT_SIP] = "not_sip",
	[SIP_PARSE_TOO_LARGE] = "too_large",
	[SIP_PARSE_INCOMPLETE] = "incomplete",
	[SIP_PARSE_BAD_LENGTH] = "bad_length",
	[SIP_PARSE_SYNTAX] = "syntax",
	[SIP_PARSE_NO_CALL_ID] = "no_call_id",
	[SIP_PARSE_NO_CSEQ] = "no_cseq",
	[SIP_PARSE_NO_FROM_TO] = "no_from_to",
	[SIP_PARSE_NOMEM] = "nomem",
};

#define SIP_ALLOW_ITEMS	32	/* Allow values joined at most */

/* libosip2 prints parse errors to stderr unless a callback takes them. */
static void
sip_trace_discard(const char *fi, int li, osip_trace_level_t level,
    const char *chfr, va_list ap)
{
	(void)fi;
	(void)li;
	(void)level;
	(void)chfr;
	(void)ap;
}

/*
 * libosip2 allocates about a hundred small blocks per message it parses, and
 * frees them all in osip_message_free. While parse() holds a message they
 * come from a bump arena of the thread's, emptied when it is done (issue 18:
 * no malloc per packet, tests/integration/nomalloc.sh). Outside parse(), or
 * past the arena's end (a message near SIP_HDR_MAX), the C allocator. A
 * block is freed by whoever parses in the thread that took it: libosip2's
 * objects never leave parse(). A block libosip2 forgets to free (it has had
 * such leaks, docs/voip.md) is gone with the arena, where the leak checker
 * would not see it: under ASan (DEBUG=1, the fuzzers) parse() aborts instead.
 */
#define SIP_ARENA	(64 * 1024)
#define SIP_ARENA_HDR	sizeof(max_align_t)	/* a block's size, before it */

static _Thread_local struct {
	max_align_t	 buf[SIP_ARENA / sizeof(max_align_t)];
	size_t		 used;
	size_t		 live;		/* blocks taken and not freed */
	bool		 on;
} sip_arena;

static bool
sip_arena_has(const void *p)
{
	return (const char *)p >= (const char *)sip_arena.buf &&
	    (const char *)p < (const char *)sip_arena.buf + sizeof(sip_arena.buf);
}

static void *
sip_arena_malloc(size_t n)
{
	size_t need = (n + 2 * SIP_ARENA_HDR - 1) / SIP_ARENA_HDR * SIP_ARENA_HDR;
	char *b;

	if (!sip_arena.on || n > SIP_ARENA || need > sizeof(sip_arena.buf) - sip_arena.used)
		return malloc(n);
	b = (char *)sip_arena.buf + sip_arena.used;
	sip_arena.used += need;
	sip_arena.live++;
	memcpy(b, &n, sizeof(n));
	return b + SIP_ARENA_HDR;
}

static void *
sip_arena_realloc(void *p, size_t n)
{
	size_t old;
	void *q;

	if (p == NULL)
		return sip_arena_malloc(n);
	if (!sip_arena_has(p))
		return realloc(p, n);
	memcpy(&old, (char *)p - SIP_ARENA_HDR, sizeof(old));
	if ((q = sip_arena_malloc(n)) != NULL) {
		memcpy(q, p, old < n ? old : n);
		sip_arena.live--;
	}
	return q;
}

static void
sip_arena_free(void *p)
{
	if (!sip_arena_has(p))
		free(p);
	else
		sip_arena.live--;
}

void
sip_global_init(void)
{
	int l;

	osip_trace_initialize_func(END_TRACE_LEVEL, sip_trace_discard);
	for (l = TRACE_LEVEL0; l < END_TRACE_LEVEL; l++)
		osip_trace_disable_level((osip_trace_level_t)l);
	osip_set_allocators(sip_arena_malloc, sip_arena_realloc, sip_arena_free);
	parser_init();
}

/* Copies a NUL-terminated vendor string, dropping one pair of quotes. */
static void
cpy(char *dst, size_t cap, const char *src, bool *trunc)
{
	size_t n;

	dst[0] = '\0';
	if (src == NULL)
		return;
	n = strlen(src);
	if (n >= 2 && src[0] == '"' && src[n - 1] == '"') {
		src++;
		n -= 2;
	}
	if (n >= cap) {
		n = utf8_cut(src, n, cap - 1);
		*trunc = true;
	}
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* Decimal without sign or junk around it but blanks; false otherwise. */
static bool
parse_u64(const char *s, uint64_t max, uint64_t *v)
{
	uint64_t x = 0;
	int digits = 0;

	if (s == NULL)
		return false;
	for (; *s == ' ' || *s == '\t'; s++)
		;
	for (; *s >= '0' && *s <= '9'; s++, digits++)
		if ((x = x * 10 + (uint64_t)(*s - '0')) > max || digits > 19)
			return false;
	for (; *s == ' ' || *s == '\t'; s++)
		;
	if (digits == 0 || *s != '\0')
		return false;
	*v = x;
	return true;
}

static int64_t
parse_expires(const char *s)
{
	uint64_t v;

	return parse_u64(s, UINT32_MAX, &v) ? (int64_t)v : -1;
}

/* The user part of any URI: sip/sips username, or the tel: number. */
static void
uri_user(osip_uri_t *u, char *user, size_t ucap, char *host, size_t hcap,
    bool *trunc)
{
	const char *s, *semi;
	char tmp[SIP_USER_LEN];
	size_t n;

	if (u == NULL)
		return;
	cpy(host, hcap, u->host, trunc);
	if (u->username != NULL || u->string == NULL) {
		cpy(user, ucap, u->username, trunc);
		return;
	}
	s = strchr(u->string, ':');
	s = s != NULL ? s + 1 : u->string;
	semi = strchr(s, ';');
	n = semi != NULL ? (size_t)(semi - s) : strlen(s);
	if (n >= sizeof(tmp)) {
		n = utf8_cut(s, n, sizeof(tmp) - 1);
		*trunc = true;
	}
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	cpy(user, ucap, tmp, trunc);
}

static void
addr_get(osip_from_t *f, struct sip_addr *a, bool *trunc)
{
	osip_generic_param_t *tag = NULL;

	if (f == NULL)
		return;
	uri_user(f->url, a->user, sizeof(a->user), a->host, sizeof(a->host),
	    trunc);
	if (osip_from_get_tag(f, &tag) == 0 && tag != NULL)
		cpy(a->tag, sizeof(a->tag), tag->gvalue, trunc);
}

static void
start_line_get(osip_message_t *o, struct sip_msg *m)
{
	if (o->sip_method != NULL) {
		m->is_request = true;
		cpy(m->method, sizeof(m->method), o->sip_method, &m->truncated);
		uri_user(o->req_uri, m->ruri_user, sizeof(m->ruri_user),
		    m->ruri_host, sizeof(m->ruri_host), &m->truncated);
		return;
	}
	m->status = (uint16_t)o->status_code;
	cpy(m->reason, sizeof(m->reason), o->reason_phrase, &m->truncated);
}

/* Call-ID: libosip2 splits it at '@'; join it back. */
static void
call_id_get(osip_call_id_t *c, struct sip_msg *m)
{
	size_t n;

	cpy(m->call_id, sizeof(m->call_id), c->number, &m->truncated);
	if (c->host == NULL)
		return;
	n = strlen(m->call_id);
	if (n + 1 >= sizeof(m->call_id)) {
		m->truncated = true;
		return;
	}
	m->call_id[n] = '@';
	cpy(m->call_id + n + 1, sizeof(m->call_id) - n - 1, c->host,
	    &m->truncated);
}

static void
via_get(osip_message_t *o, struct sip_msg *m)
{
	osip_via_t *v = NULL;
	osip_generic_param_t *br = NULL;
	uint64_t port;
	int n = osip_list_size(&o->vias);

	m->nvia = (uint8_t)(n > 255 ? 255 : n < 0 ? 0 : n);
	if (osip_message_get_via(o, 0, &v) < 0 || v == NULL)
		return;
	cpy(m->via.host, sizeof(m->via.host), v->host, &m->truncated);
	cpy(m->via.transport, sizeof(m->via.transport), v->protocol,
	    &m->truncated);
	if (parse_u64(v->port, 65535, &port))
		m->via.port = (uint16_t)port;
	if (osip_via_param_get_byname(v, "branch", &br) == 0 && br != NULL)
		cpy(m->via.branch, sizeof(m->via.branch), br->gvalue,
		    &m->truncated);
}

static void
contact_get(osip_message_t *o, struct sip_msg *m)
{
	osip_contact_t *c = NULL;
	osip_generic_param_t *e = NULL;

	if (osip_message_get_contact(o, 0, &c) < 0 || c == NULL)
		return;
	addr_get(c, &m->contact, &m->truncated);
	if (osip_contact_param_get_byname(c, "expires", &e) == 0 && e != NULL)
		m->contact_expires = parse_expires(e->gvalue);
}

/* A named header's first value, or NULL. */
static const char *
hdr(osip_message_t *o, const char *name)
{
	osip_header_t *h = NULL;

	if (osip_message_header_get_byname(o, name, 0, &h) < 0 || h == NULL)
		return NULL;
	return h->hvalue;
}

static void
auth_get(osip_authorization_t *a, struct sip_auth *out, bool *trunc)
{
	if (a == NULL)
		return;
	out->present = true;
	cpy(out->realm, sizeof(out->realm), a->realm, trunc);
	cpy(out->username, sizeof(out->username), a->username, trunc);
}

static void
challenge_get(osip_www_authenticate_t *w, struct sip_auth *out, bool *trunc)
{
	if (w == NULL)
		return;
	out->present = true;
	cpy(out->realm, sizeof(out->realm), w->realm, trunc);
}

static void
auths_get(osip_message_t *o, struct sip_msg *m)
{
	osip_authorization_t *a = NULL;
	osip_www_authenticate_t *w = NULL;

	if (osip_message_get_authorization(o, 0, &a) < 0 || a == NULL)
		(void)osip_message_get_proxy_authorization(o, 0, &a);
	auth_get(a, &m->auth, &m->truncated);
	if (osip_message_get_www_authenticate(o, 0, &w) < 0 || w == NULL)
		(void)osip_message_get_proxy_authenticate(o, 0, &w);
	challenge_get(w, &m->challenge, &m->truncated);
}

/* P-Asserted-Identity is an unknown header to libosip2: parse it as a From. */
static void
pai_get(osip_message_t *o, struct sip_msg *m)
{
	const char *v = hdr(o, "p-asserted-identity");
	osip_from_t *f = NULL;

	if (v == NULL || osip_from_init(&f) != 0)
		return;
	if (osip_from_parse(f, v) == 0)
		addr_get(f, &m->pai, &m->truncated);
	osip_from_free(f);
}

/* Appends one Allow value to m->allow, comma-separated; false when full. */
static bool
allow_add(struct sip_msg *m, size_t *len, const char *v)
{
	if (v == NULL)
		return true;
	if (*len > 0) {
		if (*len + 2 > sizeof(m->allow)) {
			m->truncated = true;
			return false;
		}
		m->allow[(*len)++] = ',';
	}
	cpy(m->allow + *len, sizeof(m->allow) - *len, v, &m->truncated);
	*len += strlen(m->allow + *len);
	return true;
}

/* libosip2 keeps Allow in its own list (a plain header when MINISIZE). */
static void
allow_get(osip_message_t *o, struct sip_msg *m)
{
	osip_allow_t *a;
	osip_header_t *h = NULL;
	size_t len = 0;
	int i;

	for (i = 0; i < SIP_ALLOW_ITEMS; i++) {
		if ((a = osip_list_get(&o->allows, i)) == NULL)
			break;
		if (!allow_add(m, &len, a->value))
			return;
	}
	for (i = 0; i < SIP_ALLOW_ITEMS; i++) {
		if ((i = osip_message_header_get_byname(o, "allow", i, &h)) < 0 ||
		    h == NULL || !allow_add(m, &len, h->hvalue))
			return;
	}
}

static void
misc_get(osip_message_t *o, struct sip_msg *m)
{
	const char *ua = hdr(o, "user-agent");

	cpy(m->ua, sizeof(m->ua), ua != NULL ? ua : hdr(o, "server"),
	    &m->truncated);
	m->expires = parse_expires(hdr(o, "expires"));
}

static bool
ct_is(osip_content_type_t *ct, const char *type, const char *subtype)
{
	return ct != NULL && ct->type != NULL && ct->subtype != NULL &&
	    strcasecmp(ct->type, type) == 0 &&
	    (subtype == NULL || strcasecmp(ct->subtype, subtype) == 0);
}

/* SDP inside a multipart body (SIP-I/SIP-T: ISUP next to SDP). */
static void
sdp_multipart(osip_message_t *o, const uint8_t *body, size_t n,
    struct sip_msg *m)
{
	osip_generic_param_t *b = NULL;
	char boundary[SDP_BOUNDARY_MAX + 1];
	const uint8_t *part;
	size_t len;
	bool trunc = false;

	if (osip_content_type_param_get_byname(o->content_type, "boundary", &b) != 0 ||
	    b == NULL || b->gvalue == NULL)
		return;
	cpy(boundary, sizeof(boundary), b->gvalue, &trunc);
	if (!trunc && sdp_multipart_find(body, n, boundary, &part, &len))
		sdp_parse(part, len, &m->sdp);
}

/*
 * libosip2 gets the header part only, Content-Length lines left out, so its
 * body and MIME parsers (CVE-2016-10326, CVE-2017-7853, CVE-2022-41550, and a
 * leak on a part with two Content-Types) never see hostile bodies.
 */
static size_t
headers_copy(const uint8_t *p, size_t hdrlen, char *out)
{
	const uint8_t *nl;
	size_t i = 0, e, k = 0;
	bool skipping = false;

	while (i < hdrlen) {
		nl = memchr(p + i, '\n', hdrlen - i);
		e = nl != NULL ? (size_t)(nl - p) + 1 : hdrlen;
		/* A folded line continues the header before it. */
		if (i == 0 || (p[i] != ' ' && p[i] != '\t'))
			skipping = i > 0 && sip_header_is(p + i, e - i,
			    "content-length", 'l');
		if (!skipping) {
			memcpy(out + k, p + i, e - i);
			k += e - i;
		}
		i = e;
	}
	return k;
}

/* The mandatory headers, then everything else. */
static enum sip_result
fields_get(osip_message_t *o, struct sip_msg *m)
{
	uint64_t cseq;

	if (o->call_id == NULL || o->call_id->number == NULL)
		return SIP_PARSE_NO_CALL_ID;
	if (o->cseq == NULL || o->cseq->method == NULL ||
	    !parse_u64(o->cseq->number, UINT32_MAX, &cseq))
		return SIP_PARSE_NO_CSEQ;
	if (o->from == NULL || o->to == NULL)
		return SIP_PARSE_NO_FROM_TO;
	m->cseq = (uint32_t)cseq;
	cpy(m->cseq_method, sizeof(m->cseq_method), o->cseq->method,
	    &m->truncated);
	call_id_get(o->call_id, m);
	start_line_get(o, m);
	addr_get(o->from, &m->from, &m->truncated);
	addr_get(o->to, &m->to, &m->truncated);
	contact_get(o, m);
	via_get(o, m);
	auths_get(o, m);
	pai_get(o, m);
	allow_get(o, m);
	misc_get(o, m);
	return SIP_PARSE_OK;
}

/* Where the message starts and ends in a datagram, keepalives stripped. */
static enum sip_result
sip_bounds(const uint8_t *p, size_t n, size_t cap, size_t *start,
    size_t *hdrlen, size_t *len, int64_t *hdr_clen)
{
	int64_t clen;
	size_t k = sip_crlf_len(p, n);

	*start = k;
	if (k == n)
		return SIP_PARSE_KEEPALIVE;
	if (!sip_sniff(p + k, n - k))
		return SIP_PARSE_NOT_SIP;
	if (n - k > cap)
		return SIP_PARSE_TOO_LARGE;
	switch (sip_frame_headers(p + k, n - k, cap, hdrlen, &clen)) {
	case SIP_FRAME_COMPLETE:
		break;
	case SIP_FRAME_BAD_LENGTH:
		return SIP_PARSE_BAD_LENGTH;
	default:
		return SIP_PARSE_INCOMPLETE;
	}
	*hdr_clen = clen;
	/* RFC 3261 18.3: without Content-Length a datagram body runs to its end. */
	if (clen < 0)
		clen = (int64_t)(n - k - *hdrlen);
	if ((uint64_t)clen > n - k - *hdrlen)
		return SIP_PARSE_INCOMPLETE;
	*len = *hdrlen + (size_t)clen;
	return SIP_PARSE_OK;
}

static enum sip_result
parse(const uint8_t *p, size_t n, size_t cap, struct sip_msg *m, bool pre)
{
	osip_message_t *o = NULL;
	enum sip_result r;
	size_t start, hdrlen, len, hn;
	char hdrs[SIP_HDR_MAX];

	memset(m, 0, sizeof(*m));
	m->expires = m->contact_expires = m->content_length = -1;
	m->len = n;
	if (cap == 0)
		cap = SIP_MAX_DEFAULT;
	r = sip_bounds(p, n, cap, &start, &hdrlen, &len, &m->content_length);
	if (r != SIP_PARSE_OK)
		return r;
	m->len = start + len;
	if (hdrlen > sizeof(hdrs))
		return SIP_PARSE_TOO_LARGE;
	/* Bodiless scanner-style requests skip libosip2 (sip-pre.c). */
	if (pre && len == hdrlen && sip_pre_parse(p + start, hdrlen, m))
		return SIP_PARSE_OK;
	hn = headers_copy(p + start, hdrlen, hdrs);
	sip_arena.on = true;
	sip_arena.used = sip_arena.live = 0;
	if (osip_message_init(&o) != 0)
		r = SIP_PARSE_NOMEM;
	else if (osip_message_parse(o, hdrs, hn) != 0)
		r = SIP_PARSE_SYNTAX;
	else if ((r = fields_get(o, m)) == SIP_PARSE_OK) {
		if (ct_is(o->content_type, "application", "sdp"))
			sdp_parse(p + start + hdrlen, len - hdrlen, &m->sdp);
		else if (ct_is(o->content_type, "multipart", NULL))
			sdp_multipart(o, p + start + hdrlen, len - hdrlen, m);
	}
	osip_message_free(o);
	sip_arena.on = false;
#ifdef GW_ASAN
	if (sip_arena.live != 0) {
		fprintf(stderr, "sip: libosip2 leaked %zu blocks of its arena\n", sip_arena.live);
		abort();
	}
#endif
	return r;
}

enum sip_result
sip_parse(const uint8_t *p, size_t n, size_t cap, struct sip_msg *m)
{
	return parse(p, n, cap, m, true);
}

enum sip_result
sip_parse_full(const uint8_t *p, size_t n, size_t cap, struct sip_msg *m)
{
	return parse(p, n, cap, m, false);
}
