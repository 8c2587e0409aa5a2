/* SPDX-License-Identifier: BSD-2-Clause */
/* TLS sessions: the ClientHello's SNI and the client's record cadence. */
#include <string.h>

#include "siptls.h"

/* A cursor over the bytes in hand: every read checks what is left. */
struct cur {
	const uint8_t	*p;
	size_t		 n;
};

static bool
cur_skip(struct cur *c, size_t k)
{
	if (k > c->n)
		return false;
	c->p += k;
	c->n -= k;
	return true;
}

static bool
cur_u8(struct cur *c, size_t *v)
{
	if (c->n < 1)
		return false;
	*v = c->p[0];
	return cur_skip(c, 1);
}

static bool
cur_u16(struct cur *c, size_t *v)
{
	if (c->n < 2)
		return false;
	*v = (size_t)c->p[0] << 8 | c->p[1];
	return cur_skip(c, 2);
}

/* A sub-cursor of len bytes (at most what is in hand: records may be cut). */
static struct cur
cur_sub(const struct cur *c, size_t len)
{
	struct cur s = { c->p, len < c->n ? len : c->n };

	return s;
}

void
tls_name_copy(const uint8_t *s, size_t len, char *out, size_t cap)
{
	size_t i, k;

	if (cap == 0)
		return;
	k = len < cap - 1 ? len : cap - 1;

	for (i = 0; i < k; i++)
		out[i] = s[i] > 0x20 && s[i] < 0x7f ? (char)s[i] : '?';
	out[k] = '\0';
}

/* The server_name extension's body: a list of (type, name); the host_name one. */
static bool
tls_sni_ext(struct cur e, char *out, size_t cap)
{
	size_t list, type, len;
	struct cur l;

	if (!cur_u16(&e, &list))
		return false;
	l = cur_sub(&e, list);
	while (cur_u8(&l, &type) && cur_u16(&l, &len)) {
		if (type == 0 && len > 0) {
			tls_name_copy(l.p, len < l.n ? len : l.n, out, cap);
			return true;
		}
		if (!cur_skip(&l, len))
			return false;
	}
	return false;
}

bool
tls_sni(const uint8_t *p, size_t n, char *out, size_t cap)
{
	struct cur c = { p, n }, ext;
	size_t v, len, type;

	if (cap == 0)
		return false;
	out[0] = '\0';
	if (!tls_sniff(p, n) || !cur_skip(&c, 3) || !cur_u16(&c, &len))
		return false;
	c = cur_sub(&c, len);			/* the record */
	if (!cur_u8(&c, &type) || type != 1 || !cur_skip(&c, 1) || !cur_u16(&c, &len))
		return false;
	c = cur_sub(&c, len);			/* the ClientHello */
	if (!cur_skip(&c, 2 + 32) ||		/* version, random */
	    !cur_u8(&c, &v) || !cur_skip(&c, v) ||	/* session id */
	    !cur_u16(&c, &v) || !cur_skip(&c, v) ||	/* cipher suites */
	    !cur_u8(&c, &v) || !cur_skip(&c, v) ||	/* compression */
	    !cur_u16(&c, &len))
		return false;
	c = cur_sub(&c, len);			/* extensions */
	while (cur_u16(&c, &type) && cur_u16(&c, &len)) {
		ext = cur_sub(&c, len);
		if (type == 0)
			return tls_sni_ext(ext, out, cap);
		if (!cur_skip(&c, len))
			return false;
	}
	return false;
}

void
tls_cadence_init(struct tls_cadence *t)
{
	memset(t, 0, sizeof(*t));
}

void
tls_cadence_packet(struct tls_cadence *t, usec_t ts)
{
	uint64_t gap;

	if (t->bursts > 0 && ts < t->last + TLS_BURST_GAP) {
		if (ts > t->last)
			t->last = ts;
		return;
	}
	if (t->bursts > 0) {
		gap = ts > t->burst_start ? (ts - t->burst_start) / 1000 : 0;
		if (gap > UINT32_MAX)
			gap = UINT32_MAX;
		if (t->gaps == 0 || gap < t->gap_min_ms)
			t->gap_min_ms = (uint32_t)gap;
		if (gap > t->gap_max_ms)
			t->gap_max_ms = (uint32_t)gap;
		t->gap_sum_ms += gap;
		t->gaps++;
	}
	t->bursts++;
	t->burst_start = ts;
	t->last = ts;
}

uint32_t
tls_cadence_mean_ms(const struct tls_cadence *t)
{
	return t->gaps ? (uint32_t)(t->gap_sum_ms / t->gaps) : 0;
}
