/* SPDX-License-Identifier: BSD-2-Clause */
/* Fragment reassembly: hash of datagrams, 8-byte block bitmap, FIFO expiry. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "itable.h"
#include "reasm.h"

#define NIL	ITABLE_NIL

const char *const reasm_result_names[REASM_NRESULTS] = {
#define X(e, s) s,
	REASM_RESULTS(X)
#undef X
};

struct reasm_key {
	uint8_t		src[16], dst[16];
	uint32_t	id;
	uint32_t	zone;		/* VLAN and tunnel id: keep apart what differs */
	uint8_t		ipver, proto;
	uint8_t		pad[2];
};

struct reasm_ent {
	struct reasm_key key;
	uint32_t	hnext;		/* bucket chain */
	struct ilink	age;		/* FIFO by age; free list */
	usec_t		first_ts;
	uint32_t	total;		/* payload length, 0 until the last fragment */
	uint32_t	have;		/* 8-byte blocks received */
	uint16_t	hdrlen;		/* 0 until the first fragment */
	uint8_t		hdr[60];
	bool		used;
};

struct reasm {
	struct reasm_ent *ents;
	uint8_t		*data;		/* capacity * max_bytes */
	uint8_t		*bits;		/* capacity * bitmap_len */
	uint8_t		*out;		/* one datagram being handed out */
	struct itable	 t;		/* buckets, free and never-used slots */
	struct ilist	 old;		/* FIFO by age, oldest first */
	uint32_t	 max_bytes, bitmap_len;
	usec_t		 timeout;
	uint64_t	 seed;
	struct reasm_stats st;
};

struct reasm *
reasm_new(size_t capacity, size_t max_bytes, usec_t timeout)
{
	struct reasm *ra;

	if (capacity == 0 || capacity > (1u << 20) || max_bytes > 65535 || max_bytes < 68)
		return NULL;
	if ((ra = calloc(1, sizeof(*ra))) == NULL)
		return NULL;
	ra->max_bytes = (uint32_t)max_bytes;
	ra->bitmap_len = (ra->max_bytes / 8 + 8) / 8;
	ra->ents = calloc(capacity, sizeof(*ra->ents));
	ra->data = calloc(capacity, max_bytes);
	ra->bits = calloc(capacity, ra->bitmap_len);
	ra->out = malloc(max_bytes + 60);
	if (!ra->ents || !ra->data || !ra->bits || !ra->out ||
	    itable_init(&ra->t, capacity, capacity * 2) == -1) {
		reasm_free(ra);
		return NULL;
	}
	ilist_init(&ra->old);
	ra->timeout = timeout;
	ra->seed = 0x5eed0f4a11ULL ^ (uintptr_t)ra;
	return ra;
}

void
reasm_free(struct reasm *ra)
{
	if (ra == NULL)
		return;
	free(ra->ents);
	free(ra->data);
	free(ra->bits);
	free(ra->out);
	itable_fini(&ra->t);
	free(ra);
}

static uint32_t
reasm_hash(const struct reasm *ra, const struct reasm_key *k)
{
	return (uint32_t)hash_bytes(k, sizeof(*k), ra->seed);
}

static void
reasm_key_of(const struct pkt *pk, struct reasm_key *k)
{
	memset(k, 0, sizeof(*k));
	memcpy(k->src, pk->src, 16);
	memcpy(k->dst, pk->dst, 16);
	k->id = pk->frag_id;
	k->zone = (pk->nvlan ? pk->vlan[pk->nvlan - 1] : 0) ^ (pk->tunnel_id << 12);
	k->ipver = pk->ipver;
	k->proto = pk->frag_nexthdr;
}

static struct reasm_ent *
reasm_find(struct reasm *ra, const struct reasm_key *k, uint32_t h)
{
	uint32_t i;

	for (i = *itable_bucket(&ra->t, h); i != NIL; i = ra->ents[i].hnext)
		if (memcmp(&ra->ents[i].key, k, sizeof(*k)) == 0)
			return &ra->ents[i];
	return NULL;
}

/* Unlinks an entry from its bucket and the age list and frees it. */
static void
reasm_drop(struct reasm *ra, struct reasm_ent *e)
{
	uint32_t idx = (uint32_t)(e - ra->ents);

	itable_remove(&ra->t, ILIST_OF(ra->ents, hnext), reasm_hash(ra, &e->key), idx);
	ilist_unlink(&ra->old, ILIST_OF(ra->ents, age), idx);
	e->used = false;
	itable_put(&ra->t, ILIST_OF(ra->ents, age.next), idx);
	ra->st.in_use--;
}

static struct reasm_ent *
reasm_alloc(struct reasm *ra, const struct reasm_key *k, uint32_t h, usec_t now)
{
	struct reasm_ent *e;
	uint32_t idx;

	if ((idx = itable_take(&ra->t, ILIST_OF(ra->ents, age.next))) == NIL)
		return NULL;
	e = &ra->ents[idx];
	memset(e, 0, sizeof(*e));
	e->key = *k;
	e->used = true;
	e->first_ts = now;
	itable_insert(&ra->t, ILIST_OF(ra->ents, hnext), h, idx);
	ilist_append(&ra->old, ILIST_OF(ra->ents, age), idx);
	memset(ra->bits + (size_t)idx * ra->bitmap_len, 0, ra->bitmap_len);
	ra->st.in_use++;
	return e;
}

void
reasm_expire(struct reasm *ra, usec_t now)
{
	struct reasm_ent *e;

	while (!ilist_is_empty(&ra->old)) {
		e = &ra->ents[ra->old.head];
		if (e->first_ts + ra->timeout > now)
			break;
		ra->st.timeouts++;
		reasm_drop(ra, e);
	}
}

/* Copies one fragment block by block; the first data for a block wins. */
static void
reasm_copy(struct reasm *ra, struct reasm_ent *e, uint32_t off,
    const uint8_t *p, uint32_t len)
{
	size_t idx = (size_t)(e - ra->ents);
	uint8_t *data = ra->data + idx * ra->max_bytes;
	uint8_t *bits = ra->bits + idx * ra->bitmap_len;
	uint32_t b, end = off + len, s, n;
	bool overlapped = false;

	for (b = off / 8; b * 8 < end; b++) {
		s = b * 8;
		n = (end - s < 8 ? end - s : 8);
		if (bits[b / 8] & (1u << (b % 8))) {
			overlapped = true;
			if (memcmp(data + s, p + (s - off), n) != 0)
				ra->st.overlap_conflicts++;
			continue;
		}
		memcpy(data + s, p + (s - off), n);
		bits[b / 8] |= (uint8_t)(1u << (b % 8));
		e->have++;
	}
	if (overlapped)
		ra->st.overlaps++;
}

static void
ipv4_csum(uint8_t *h, uint32_t hl)
{
	uint32_t sum = 0, i;

	h[10] = h[11] = 0;
	for (i = 0; i < hl; i += 2)
		sum += (uint32_t)(h[i] << 8 | h[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	h[10] = (uint8_t)(~sum >> 8);
	h[11] = (uint8_t)~sum;
}

/* Builds the whole datagram in the output buffer and frees the entry. */
static uint32_t
reasm_finish(struct reasm *ra, struct reasm_ent *e)
{
	size_t idx = (size_t)(e - ra->ents);
	uint32_t hl = e->hdrlen, tot = hl + e->total;

	memcpy(ra->out, e->hdr, hl);
	memcpy(ra->out + hl, ra->data + idx * ra->max_bytes, e->total);
	if (e->key.ipver == 4) {
		ra->out[2] = (uint8_t)(tot >> 8);
		ra->out[3] = (uint8_t)tot;
		ra->out[6] = ra->out[7] = 0;
		ipv4_csum(ra->out, hl);
	} else {
		ra->out[4] = (uint8_t)(e->total >> 8);
		ra->out[5] = (uint8_t)e->total;
		ra->out[6] = e->key.proto;
	}
	reasm_drop(ra, e);
	return tot;
}

static enum reasm_result
reasm_check(const struct reasm *ra, const struct reasm_ent *e, const struct pkt *pk,
    uint32_t len)
{
	uint32_t end = pk->frag_off + len;

	if (end > ra->max_bytes || end + (pk->ipver == 4 ? pk->frag_hdrlen : 0u) > 65535)
		return REASM_TOO_BIG;
	if (pk->frag_more && (len % 8 != 0 || len == 0))
		return REASM_BAD;
	if (e->total != 0 && (end > e->total || (!pk->frag_more && end != e->total)))
		return REASM_BAD;
	return REASM_HELD;
}

enum reasm_result
reasm_add(struct reasm *ra, const struct pkt *pk, const uint8_t **out, uint32_t *outlen)
{
	struct reasm_key k;
	struct reasm_ent *e;
	enum reasm_result rc;
	uint32_t h, len;

	reasm_expire(ra, pk->ts);
	if (pk->l3_clipped || pk->l3len < pk->frag_hdrlen)
		return ra->st.result[REASM_CLIPPED]++, REASM_CLIPPED;
	len = pk->l3len - pk->frag_hdrlen;
	reasm_key_of(pk, &k);
	h = reasm_hash(ra, &k);
	if ((e = reasm_find(ra, &k, h)) == NULL &&
	    (e = reasm_alloc(ra, &k, h, pk->ts)) == NULL)
		return ra->st.result[REASM_TABLE_FULL]++, REASM_TABLE_FULL;
	if ((rc = reasm_check(ra, e, pk, len)) != REASM_HELD) {
		reasm_drop(ra, e);
		return ra->st.result[rc]++, rc;
	}
	if (!pk->frag_more)
		e->total = pk->frag_off + len;
	if (pk->frag_off == 0 && e->hdrlen == 0) {
		e->hdrlen = pk->ipver == 4 ? pk->frag_hdrlen : 40;
		memcpy(e->hdr, pk->l3, e->hdrlen);
	}
	reasm_copy(ra, e, pk->frag_off, pk->l3 + pk->frag_hdrlen, len);
	if (e->total == 0 || e->hdrlen == 0 || e->have != (e->total + 7) / 8)
		return ra->st.result[REASM_HELD]++, REASM_HELD;
	*outlen = reasm_finish(ra, e);
	*out = ra->out;
	return ra->st.result[REASM_COMPLETE]++, REASM_COMPLETE;
}

const struct reasm_stats *
reasm_stats(const struct reasm *ra)
{
	return &ra->st;
}

size_t
reasm_bytes(const struct reasm *ra)
{
	return (size_t)ra->t.cap * (ra->max_bytes + ra->bitmap_len + sizeof(struct reasm_ent)) +
	    itable_bytes(&ra->t);
}
