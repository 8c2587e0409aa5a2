/* SPDX-License-Identifier: BSD-2-Clause */
/* TCP per-direction reassembly into SIP messages, all memory from one pool. */
#include <stdlib.h>
#include <string.h>

#include "pool.h"
#include "sip.h"
#include "stream.h"

const char *const stream_event_names[STREAM_EV_MAX] = {
	[STREAM_SEG_INORDER] = "seg_inorder",
	[STREAM_SEG_OOO] = "seg_ooo",
	[STREAM_SEG_RETRANS] = "seg_retrans",
	[STREAM_SEG_OVERLAP] = "seg_overlap",
	[STREAM_SEG_EMPTY] = "seg_empty",
	[STREAM_SEG_AFTER_FIN] = "seg_after_fin",
	[STREAM_SEG_CLOSED] = "seg_closed",
	[STREAM_SYN] = "syn",
	[STREAM_FIN] = "fin",
	[STREAM_RST] = "rst",
	[STREAM_WINDOW] = "window",
	[STREAM_OOO_FULL] = "ooo_full",
	[STREAM_BUF_FULL] = "buf_full",
	[STREAM_GAP] = "gap",
	[STREAM_GAP_BYTES] = "gap_bytes",
	[STREAM_DISCARD_BYTES] = "discard_bytes",
	[STREAM_MSG] = "msg",
	[STREAM_KEEPALIVE] = "keepalive",
	[STREAM_RESYNC] = "resync",
	[STREAM_NOT_SIP] = "not_sip",
	[STREAM_BAD_LENGTH] = "bad_length",
	[STREAM_TOO_LARGE] = "too_large",
	[STREAM_NO_MEM] = "no_mem",
};

struct stream_range {
	size_t		 lo, hi;	/* buffer offsets, hi exclusive */
};

struct stream_pool {
	struct stream_params params;
	struct pool	*pool;
	size_t		 bufsize;
	uint64_t	 stats[STREAM_EV_MAX];
};

struct stream {
	uint32_t	 base;		/* sequence number of buf[0] */
	uint32_t	 fin_seq;
	size_t		 head;		/* delivered or dropped up to here */
	size_t		 len;		/* contiguous data ends here */
	size_t		 skip;		/* bytes of an oversized message still to drop */
	bool		 synced;	/* base is known */
	bool		 fin, rst;
	bool		 resync;	/* looking for a start line */
	bool		 bol;		/* head sits at a line start */
	uint8_t		 nooo;
	struct stream_range ooo[STREAM_OOO_MAX];	/* sorted, disjoint, > len */
	uint8_t		 buf[];
};

void
stream_params_default(struct stream_params *p)
{
	p->bufsize = STREAM_BUF_DEFAULT;
	p->max_ooo = STREAM_OOO_DEFAULT;
	p->sip_cap = SIP_MAX_DEFAULT;
}

struct stream_pool *
stream_pool_new(const struct stream_params *p, size_t capacity)
{
	struct stream_pool *sp;

	if (p->bufsize < 1024 || p->bufsize > (1u << 30) || p->max_ooo == 0 ||
	    p->max_ooo > STREAM_OOO_MAX || p->sip_cap == 0 ||
	    p->sip_cap > p->bufsize)
		return NULL;
	if ((sp = calloc(1, sizeof(*sp))) == NULL)
		return NULL;
	sp->params = *p;
	sp->bufsize = p->bufsize;
	sp->pool = pool_new(sizeof(struct stream) + p->bufsize, capacity);
	if (sp->pool == NULL) {
		free(sp);
		return NULL;
	}
	return sp;
}

void
stream_pool_free(struct stream_pool *sp)
{
	if (sp == NULL)
		return;
	pool_free(sp->pool);
	free(sp);
}

const uint64_t *
stream_pool_stats(const struct stream_pool *sp)
{
	return sp->stats;
}

size_t
stream_pool_in_use(const struct stream_pool *sp)
{
	return pool_in_use(sp->pool);
}

struct stream *
stream_open(struct stream_pool *sp)
{
	struct stream *s;

	if ((s = pool_get(sp->pool)) == NULL) {
		sp->stats[STREAM_NO_MEM]++;
		return NULL;
	}
	memset(s, 0, sizeof(*s));
	s->bol = true;
	return s;
}

void
stream_close(struct stream_pool *sp, struct stream *s)
{
	if (s == NULL)
		return;
	sp->stats[STREAM_DISCARD_BYTES] += s->len - s->head;
	pool_put(sp->pool, s);
}

bool
stream_is_done(const struct stream *s)
{
	if (s->rst)
		return true;
	return s->fin && s->head == s->len && s->nooo == 0 &&
	    s->base + (uint32_t)s->len == s->fin_seq;
}

/* Drops n delivered-or-not bytes at head, counting them as discarded. */
static void
discard(struct stream_pool *sp, struct stream *s, size_t n)
{
	sp->stats[STREAM_DISCARD_BYTES] += n;
	s->head += n;
}

/* Moves live data to buf[0] so the window starts at head. */
static void
compact(struct stream *s)
{
	size_t end = s->nooo > 0 ? s->ooo[s->nooo - 1].hi : s->len;
	unsigned i;

	if (s->head == 0)
		return;
	memmove(s->buf, s->buf + s->head, end - s->head);
	for (i = 0; i < s->nooo; i++) {
		s->ooo[i].lo -= s->head;
		s->ooo[i].hi -= s->head;
	}
	s->base += (uint32_t)s->head;
	s->len -= s->head;
	s->head = 0;
}

/* Forgets everything buffered and restarts the window at seq. */
static void
restart(struct stream_pool *sp, struct stream *s, uint32_t seq)
{
	sp->stats[STREAM_DISCARD_BYTES] += s->len - s->head;
	s->base = seq;
	s->head = s->len = s->skip = 0;
	s->nooo = 0;
	s->resync = s->bol = true;
}

/* Declares the first hole lost: the data after it becomes contiguous. */
static bool
skip_first_gap(struct stream_pool *sp, struct stream *s)
{
	if (s->nooo == 0)
		return false;
	sp->stats[STREAM_GAP]++;
	sp->stats[STREAM_GAP_BYTES] += s->ooo[0].lo - s->len;
	sp->stats[STREAM_DISCARD_BYTES] += s->len - s->head;
	s->head = s->ooo[0].lo;
	s->len = s->ooo[0].hi;
	memmove(&s->ooo[0], &s->ooo[1], --s->nooo * sizeof(s->ooo[0]));
	s->skip = 0;
	s->resync = s->bol = true;
	return true;
}

bool
stream_skip_gap(struct stream_pool *sp, struct stream *s)
{
	return skip_first_gap(sp, s);
}

/* Adds [lo,hi) to the sorted out-of-order set, merging; false when full. */
static bool
ooo_add(struct stream *s, unsigned max, size_t lo, size_t hi)
{
	unsigned i, j;

	for (i = 0; i < s->nooo && s->ooo[i].hi < lo; i++)
		;
	for (j = i; j < s->nooo && s->ooo[j].lo <= hi; j++) {
		lo = lo < s->ooo[j].lo ? lo : s->ooo[j].lo;
		hi = hi > s->ooo[j].hi ? hi : s->ooo[j].hi;
	}
	if (j == i) {
		if (s->nooo >= max)
			return false;
		memmove(&s->ooo[i + 1], &s->ooo[i], (s->nooo - i) * sizeof(s->ooo[0]));
		s->nooo++;
	} else if (j > i + 1) {
		memmove(&s->ooo[i + 1], &s->ooo[j], (s->nooo - j) * sizeof(s->ooo[0]));
		s->nooo -= (uint8_t)(j - i - 1);
	}
	s->ooo[i] = (struct stream_range){ lo, hi };
	return true;
}

/* Extends the contiguous part over out-of-order ranges it now reaches. */
static void
ooo_merge(struct stream *s)
{
	while (s->nooo > 0 && s->ooo[0].lo <= s->len) {
		if (s->ooo[0].hi > s->len)
			s->len = s->ooo[0].hi;
		memmove(&s->ooo[0], &s->ooo[1], --s->nooo * sizeof(s->ooo[0]));
	}
}

/* In-order data that cannot fit even in an empty window: keep its tail. */
static enum stream_event
place_overflow(struct stream_pool *sp, struct stream *s, uint32_t seq,
    const uint8_t *p, size_t n)
{
	size_t keep = n < sp->bufsize ? n : sp->bufsize;

	restart(sp, s, seq + (uint32_t)(n - keep));
	sp->stats[STREAM_DISCARD_BYTES] += n - keep;
	memcpy(s->buf, p + n - keep, keep);
	s->len = keep;
	return STREAM_BUF_FULL;
}

/*
 * Puts payload at its place in the window, rel bytes past the contiguous
 * end. STREAM_OOO_FULL means nothing was stored.
 */
static enum stream_event
place(struct stream_pool *sp, struct stream *s, uint32_t seq, const uint8_t *p,
    size_t n, enum stream_event ev)
{
	size_t rel = (size_t)(uint32_t)(seq - (s->base + (uint32_t)s->len));
	size_t lo, hi;

	if (s->len + rel + n > sp->bufsize)
		compact(s);
	lo = s->len + rel;
	hi = lo + n;
	if (hi > sp->bufsize) {
		if (rel == 0)
			return place_overflow(sp, s, seq, p, n);
		sp->stats[STREAM_GAP]++;
		sp->stats[STREAM_GAP_BYTES] += rel;
		restart(sp, s, seq);
		return place(sp, s, seq, p, n, STREAM_WINDOW);
	}
	if (rel > 0) {
		if (!ooo_add(s, sp->params.max_ooo, lo, hi))
			return STREAM_OOO_FULL;
		memcpy(s->buf + lo, p, n);
		return ev == STREAM_SEG_INORDER ? STREAM_SEG_OOO : ev;
	}
	memcpy(s->buf + lo, p, n);
	s->len = hi;
	ooo_merge(s);
	return ev;
}

/* Trims data already received, then places the rest. */
static enum stream_event
trim_place(struct stream_pool *sp, struct stream *s, uint32_t seq,
    const uint8_t *p, size_t n)
{
	int32_t rel = (int32_t)(seq - (s->base + (uint32_t)s->len));
	enum stream_event ev = STREAM_SEG_INORDER;

	if (rel < 0) {
		if ((int64_t)rel + (int64_t)n <= 0)
			return STREAM_SEG_RETRANS;
		p += (size_t)-(int64_t)rel;
		n -= (size_t)-(int64_t)rel;
		seq += (uint32_t)-(int64_t)rel;
		ev = STREAM_SEG_OVERLAP;
	}
	return place(sp, s, seq, p, n, ev);
}

/* With every out-of-order slot taken, holes are given up oldest first. */
static enum stream_event
data(struct stream_pool *sp, struct stream *s, uint32_t seq, const uint8_t *p,
    size_t n)
{
	enum stream_event ev;
	bool full = false;

	if (s->fin && (int32_t)(seq + (uint32_t)n - s->fin_seq) > 0)
		return STREAM_SEG_AFTER_FIN;
	while ((ev = trim_place(sp, s, seq, p, n)) == STREAM_OOO_FULL) {
		full = true;
		if (!skip_first_gap(sp, s))
			return STREAM_OOO_FULL;		/* max_ooo is >= 1 */
	}
	return full ? STREAM_OOO_FULL : ev;
}

/* SYN: the first byte of data is seq+1; mid-stream pickups resync instead. */
static void
syn(struct stream *s, uint32_t seq)
{
	if (s->synced && (s->len > 0 || s->nooo > 0))
		return;
	s->base = seq + 1;
	s->head = s->len = 0;
	s->synced = true;
	s->resync = false;
}

/* Flags are counted as they come; the data event, if any, is returned. */
enum stream_event
stream_feed(struct stream_pool *sp, struct stream *s, uint32_t seq,
    uint8_t flags, const uint8_t *p, size_t n)
{
	enum stream_event ev = STREAM_SEG_EMPTY;

	if (s->rst) {
		sp->stats[STREAM_SEG_CLOSED]++;
		return STREAM_SEG_CLOSED;
	}
	if (flags & STREAM_TH_RST) {
		s->rst = true;
		sp->stats[STREAM_RST]++;
		return STREAM_RST;
	}
	if (flags & STREAM_TH_SYN) {
		syn(s, seq++);
		sp->stats[ev = STREAM_SYN]++;
	}
	if (n > 0 && !s->synced) {
		s->base = seq;
		s->synced = s->resync = true;
	}
	if (n > 0)
		sp->stats[ev = data(sp, s, seq, p, n)]++;
	if ((flags & STREAM_TH_FIN) && !s->fin) {
		s->fin = true;
		s->fin_seq = seq + (uint32_t)n;
		sp->stats[STREAM_FIN]++;
		if (n == 0)
			ev = STREAM_FIN;
	}
	if (ev == STREAM_SEG_EMPTY)
		sp->stats[ev]++;
	return ev;
}

/* Scans for a start line; true once head sits on one. */
static bool
resync(struct stream_pool *sp, struct stream *s)
{
	const uint8_t *p = s->buf + s->head;
	size_t n = s->len - s->head, off;
	bool found;

	off = sip_resync(p, n, s->bol, &found);
	discard(sp, s, off);
	if (found)
		s->resync = false;
	else if (off > 0)
		s->bol = true;		/* off is a line start */
	return found;
}

/* Bad framing at head: count it and look for the next start line. */
static void
frame_error(struct stream_pool *sp, struct stream *s, enum stream_event ev)
{
	sp->stats[ev]++;
	sp->stats[STREAM_RESYNC]++;
	s->resync = true;
	s->bol = false;
	discard(sp, s, 1);
}

bool
stream_next(struct stream_pool *sp, struct stream *s, const uint8_t **msg,
    size_t *len)
{
	const uint8_t *p;
	size_t n, k;

	for (;;) {
		p = s->buf + s->head;
		if ((n = s->len - s->head) == 0)
			return false;
		if (s->skip > 0) {
			k = s->skip < n ? s->skip : n;
			discard(sp, s, k);
			s->skip -= k;
			continue;
		}
		if (s->resync) {
			if (!resync(sp, s))
				return false;
			continue;
		}
		switch (sip_frame(p, n, sp->params.sip_cap, &k)) {
		case SIP_FRAME_COMPLETE:
			*msg = p;
			*len = k;
			s->head += k;
			s->bol = true;
			sp->stats[STREAM_MSG]++;
			return true;
		case SIP_FRAME_KEEPALIVE:
			s->head += k;
			sp->stats[STREAM_KEEPALIVE]++;
			continue;
		case SIP_FRAME_NEED_MORE:
			if (n < sp->bufsize)
				return false;
			frame_error(sp, s, STREAM_BUF_FULL);
			continue;
		case SIP_FRAME_TOO_LARGE:
			if (k > 0) {
				sp->stats[STREAM_TOO_LARGE]++;
				s->skip = k;
				continue;
			}
			frame_error(sp, s, STREAM_TOO_LARGE);
			continue;
		case SIP_FRAME_BAD_LENGTH:
			frame_error(sp, s, STREAM_BAD_LENGTH);
			continue;
		default:
			frame_error(sp, s, STREAM_NOT_SIP);
			continue;
		}
	}
}
