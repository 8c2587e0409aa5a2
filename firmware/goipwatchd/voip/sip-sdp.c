/* SPDX-License-Identifier: BSD-2-Clause */
/* SDP (RFC 4566) body parser: the fields call and media tracking need. */
#include <string.h>
#include <strings.h>

#include "sip.h"
#include "utf8.h"

struct span {
	const uint8_t	*p;
	size_t		 n;
};

/* The next space-separated token of *s, consumed; false at the end. */
static bool
span_tok(struct span *s, struct span *t)
{
	while (s->n > 0 && (s->p[0] == ' ' || s->p[0] == '\t')) {
		s->p++;
		s->n--;
	}
	t->p = s->p;
	for (t->n = 0; t->n < s->n && s->p[t->n] != ' ' && s->p[t->n] != '\t';)
		t->n++;
	s->p += t->n;
	s->n -= t->n;
	return t->n > 0;
}

/* Splits *s at the first c: t gets the part before, *s the rest. */
static void
span_cut(struct span *s, uint8_t c, struct span *t)
{
	const uint8_t *q = memchr(s->p, c, s->n);

	t->p = s->p;
	t->n = q != NULL ? (size_t)(q - s->p) : s->n;
	s->p += t->n;
	s->n -= t->n;
	if (q != NULL) {
		s->p++;
		s->n--;
	}
}

static bool
span_eq(struct span t, const char *lit)
{
	return t.n == strlen(lit) && memcmp(t.p, lit, t.n) == 0;
}

static void
span_cpy(char *dst, size_t cap, struct span t, bool *trunc)
{
	size_t n = t.n;

	if (n >= cap) {
		n = utf8_cut((const char *)t.p, n, cap - 1);
		*trunc = true;
	}
	memcpy(dst, t.p, n);
	dst[n] = '\0';
}

static bool
span_u32(struct span t, uint32_t max, uint32_t *v)
{
	uint64_t x = 0;
	size_t i;

	if (t.n == 0 || t.n > 10)
		return false;
	for (i = 0; i < t.n; i++) {
		if (t.p[i] < '0' || t.p[i] > '9')
			return false;
		x = x * 10 + (t.p[i] - '0');
	}
	if (x > max)
		return false;
	*v = (uint32_t)x;
	return true;
}

/* o=<username> <sess-id> <sess-version> <nettype> <addrtype> <address> */
static void
sdp_origin(struct sdp *s, struct span l)
{
	struct span t;

	if (span_tok(&l, &t))
		span_cpy(s->o_user, sizeof(s->o_user), t, &s->truncated);
	if (span_tok(&l, &t))
		span_cpy(s->o_sess_id, sizeof(s->o_sess_id), t, &s->truncated);
	if (span_tok(&l, &t))
		span_cpy(s->o_version, sizeof(s->o_version), t, &s->truncated);
	if (span_tok(&l, &t) && span_tok(&l, &t) && span_tok(&l, &t))
		span_cpy(s->o_addr, sizeof(s->o_addr), t, &s->truncated);
}

/* c=IN IP4 <address>[/ttl[/n]] */
static void
sdp_conn(struct sdp *s, struct sdp_media *m, struct span l)
{
	struct span t, a;

	if (!span_tok(&l, &t) || !span_tok(&l, &t) || !span_tok(&l, &t))
		return;
	span_cut(&t, '/', &a);
	if (m != NULL)
		span_cpy(m->addr, sizeof(m->addr), a, &s->truncated);
	else
		span_cpy(s->c_addr, sizeof(s->c_addr), a, &s->truncated);
}

/* m=<media> <port>[/<count>] <proto> <fmt> ... */
static struct sdp_media *
sdp_media(struct sdp *s, struct span l)
{
	struct sdp_media *m;
	struct span t, port;
	uint32_t v;

	if (s->nmedia == SDP_MAX_MEDIA) {
		s->truncated = true;
		return NULL;
	}
	m = &s->media[s->nmedia++];
	if (span_tok(&l, &t))
		span_cpy(m->type, sizeof(m->type), t, &s->truncated);
	if (span_tok(&l, &t)) {
		span_cut(&t, '/', &port);
		if (span_u32(port, 65535, &v))
			m->port = (uint16_t)v;
	}
	if (span_tok(&l, &t))
		span_cpy(m->proto, sizeof(m->proto), t, &s->truncated);
	while (span_tok(&l, &t)) {
		if (!span_u32(t, 127, &v))
			continue;
		if (m->npt == SDP_MAX_PT) {
			s->truncated = true;
			break;
		}
		m->pt[m->npt++] = (uint8_t)v;
	}
	return m;
}

/* a=rtpmap:<pt> <name>/<rate>[/<channels>] */
static void
sdp_rtpmap(struct sdp *s, struct sdp_media *m, struct span l)
{
	struct sdp_rtpmap *r;
	struct span t, name, rate;
	uint32_t pt, v;

	if (!span_tok(&l, &t) || !span_u32(t, 127, &pt) || !span_tok(&l, &t))
		return;
	if (m->nrtpmap == SDP_MAX_RTPMAP) {
		s->truncated = true;
		return;
	}
	r = &m->rtpmap[m->nrtpmap++];
	r->pt = (uint8_t)pt;
	span_cut(&t, '/', &name);
	span_cpy(r->name, sizeof(r->name), name, &s->truncated);
	span_cut(&t, '/', &rate);
	if (span_u32(rate, 10000000, &v))
		r->rate = v;
	r->channels = span_u32(t, 255, &v) ? (uint8_t)v : 1;
}

static void
sdp_attr(struct sdp *s, struct sdp_media *m, struct span l)
{
	struct span name;
	uint32_t v;

	span_cut(&l, ':', &name);
	if (span_eq(name, "rtpmap") && m != NULL)
		sdp_rtpmap(s, m, l);
	else if (span_eq(name, "ptime") && span_u32(l, 65535, &v)) {
		if (m != NULL)
			m->ptime = (uint16_t)v;
		else
			s->ptime = (uint16_t)v;
	} else if (m != NULL && span_eq(name, "sendrecv"))
		m->dir = SDP_DIR_SENDRECV;
	else if (m != NULL && span_eq(name, "sendonly"))
		m->dir = SDP_DIR_SENDONLY;
	else if (m != NULL && span_eq(name, "recvonly"))
		m->dir = SDP_DIR_RECVONLY;
	else if (m != NULL && span_eq(name, "inactive"))
		m->dir = SDP_DIR_INACTIVE;
}

/* One session- or media-level line other than m=. */
static void
sdp_line(struct sdp *s, struct sdp_media *m, uint8_t type, struct span v)
{
	switch (type) {
	case 'o':
		sdp_origin(s, v);
		break;
	case 's':
		span_cpy(s->s_name, sizeof(s->s_name), v, &s->truncated);
		break;
	case 'c':
		sdp_conn(s, m, v);
		break;
	case 'a':
		sdp_attr(s, m, v);
		break;
	}
}

enum sdp_result
sdp_parse(const uint8_t *p, size_t n, struct sdp *s)
{
	struct span body = { p, n }, line, v;
	struct sdp_media *m = NULL;
	bool skip = false, first = true;

	memset(s, 0, sizeof(*s));
	while (body.n > 0) {
		span_cut(&body, '\n', &line);
		if (line.n > 0 && line.p[line.n - 1] == '\r')
			line.n--;
		if (line.n < 2 || line.p[1] != '=')
			continue;
		if (first && line.p[0] != 'v')
			return s->result = SDP_BAD;
		first = false;
		v = (struct span){ line.p + 2, line.n - 2 };
		if (line.p[0] == 'm') {
			m = sdp_media(s, v);
			skip = m == NULL;	/* attributes of a dropped m= */
		} else if (!skip)
			sdp_line(s, m, line.p[0], v);
	}
	return s->result = first ? SDP_BAD : SDP_OK;
}

/* The next delimiter line "--boundary" at a line start, from *s on. */
static bool
mp_delim(struct span *s, const char *delim, size_t dn)
{
	const uint8_t *q;

	while (s->n >= dn) {
		if (memcmp(s->p, delim, dn) == 0) {
			s->p += dn;
			s->n -= dn;
			return true;
		}
		if ((q = memchr(s->p, '\n', s->n)) == NULL)
			return false;
		s->n -= (size_t)(q - s->p) + 1;
		s->p = q + 1;
	}
	return false;
}

/* Part headers up to the blank line: is one Content-Type application/sdp? */
static bool
mp_headers(struct span *s)
{
	struct span line, name, v;
	bool sdp = false;

	while (s->n > 0) {
		span_cut(s, '\n', &line);
		if (line.n > 0 && line.p[line.n - 1] == '\r')
			line.n--;
		if (line.n == 0)
			return sdp;
		if (!sip_header_is(line.p, line.n, "content-type", 'c'))
			continue;
		v = line;
		span_cut(&v, ':', &name);
		while (v.n > 0 && (v.p[0] == ' ' || v.p[0] == '\t')) {
			v.p++;
			v.n--;
		}
		sdp = v.n >= 15 && strncasecmp((const char *)v.p,
		    "application/sdp", 15) == 0;
	}
	return false;
}

bool
sdp_multipart_find(const uint8_t *p, size_t n, const char *boundary,
    const uint8_t **part, size_t *len)
{
	char delim[SDP_BOUNDARY_MAX + 3];
	struct span s = { p, n }, line;
	const uint8_t *body;
	size_t dn = strlen(boundary);
	bool sdp;
	int i;

	if (dn == 0 || dn > SDP_BOUNDARY_MAX)
		return false;
	delim[0] = delim[1] = '-';
	memcpy(delim + 2, boundary, dn + 1);
	dn += 2;
	if (!mp_delim(&s, delim, dn))
		return false;
	for (i = 0; i < SDP_MULTIPART_MAX; i++) {
		if (s.n >= 2 && s.p[0] == '-' && s.p[1] == '-')
			return false;			/* the close delimiter */
		span_cut(&s, '\n', &line);		/* rest of the delimiter line */
		sdp = mp_headers(&s);
		body = s.p;
		if (!mp_delim(&s, delim, dn))
			return false;
		if (!sdp)
			continue;
		/* The line end before the delimiter belongs to it (RFC 2046 5.1.1). */
		*part = body;
		*len = (size_t)(s.p - dn - body);
		if (*len > 0 && body[*len - 1] == '\n')
			(*len)--;
		if (*len > 0 && body[*len - 1] == '\r')
			(*len)--;
		return true;
	}
	return false;
}
