/* SPDX-License-Identifier: BSD-2-Clause */
/* The call (dialog) table: INVITE dialogs by Call-ID, ended into `call` records. */
#include <sys/queue.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calls.h"
#include "hash.h"
#include "itable.h"
#include "media.h"
#include "pool.h"
#include "str.h"

#define CALL_SDP_MEDIA	2	/* m= lines kept per party for the record */
#define CALL_PT_MAX	8	/* payload types kept per m= line */
#define CALL_BINDS	8	/* media endpoints pinned per call */

enum call_list { CL_SETUP, CL_ANSWERED, CL_ENDED, CL_N };

enum call_end { CE_NONE, CE_BYE, CE_CANCEL, CE_REJECTED, CE_TIMEOUT, CE_EOF, CE_EVICTED };
static const char *const call_end_names[] = {
	"none", "bye", "cancel", "rejected", "timeout", "eof", "evicted"
};

enum call_party { CP_NONE, CP_CALLER, CP_CALLEE };
static const char *const call_party_names[] = { NULL, "caller", "callee" };

struct call_media {
	char		 type[8];
	char		 addr[SDP_ADDR_LEN];
	uint16_t	 port, ptime;
	uint8_t		 npt;
	uint8_t		 pt[CALL_PT_MAX];
	char		 codec[CALL_PT_MAX][SDP_CODEC_LEN];
};

struct call_sdp {
	uint8_t		 n;
	struct call_media m[CALL_SDP_MEDIA];
};

struct call {
	SLIST_ENTRY(call) hnext;		/* bucket chain */
	TAILQ_ENTRY(call) link;			/* its list, by last message */
	uint8_t		 list;			/* enum call_list */
	uint8_t		 end, hangup;		/* enum call_end, call_party */
	bool		 answered, cancelled, auth_challenged, had_1xx, tcp;
	bool		 has_pppoe;
	uint8_t		 nvlan, nbind;
	uint16_t	 vlan[PKT_MAX_VLANS];
	uint16_t	 pppoe_session;
	uint16_t	 final_status, bye_status;
	uint8_t		 src[16], dst[16];
	uint16_t	 sport, dport;
	uint32_t	 invite_cseq, reinvite_cseq[2];	/* last re-INVITE per party */
	uint32_t	 reinvites, forks, invites, retrans, msgs;
	uint64_t	 serial, hash;
	usec_t		 first_ts, invite_ts, ring_ts, final_ts, answer_ts, end_ts, last_ts;
	char		 call_id[SIP_CALLID_LEN];
	char		 caller[SIP_USER_LEN], callee[SIP_USER_LEN];
	char		 to_user[SIP_USER_LEN], pai[SIP_USER_LEN];
	char		 from_tag[SIP_TAG_LEN], to_tag[SIP_TAG_LEN];
	char		 ua[SIP_UA_LEN], server[SIP_UA_LEN];
	struct call_sdp	 sdp[2];		/* [0] sent by the caller, [1] by the callee */
	struct media_entry *bind[CALL_BINDS];
	const char	*direction;
	/* the subscriber end: the first message to or from a subscriber address
	 * (with report set), and that message's tuple for its VLAN/PPPoE */
	bool		 has_sub;
	uint8_t		 sub[16];
	struct ev_tuple	 sub_t;
};

struct calls {
	struct calls_params p;
	struct sink	 out;
	struct pool	*pool;
	struct media	*media;
	SLIST_HEAD(call_chain, call) *buckets;
	size_t		 nbuckets;
	uint64_t	 seed, serial;
	TAILQ_HEAD(call_queue, call) lists[CL_N];	/* oldest last message first */
	struct calls_stats st;
	char		 rec[REPORT_LINE_MAX];	/* record text being written */
};

static void	call_emit(struct calls *, struct call *, usec_t now);

void
calls_params_default(struct calls_params *p)
{
	memset(p, 0, sizeof(*p));
	p->capacity = 65536;
	p->setup_timeout = 180 * USEC_PER_SEC;
	p->call_timeout = 4 * 3600 * USEC_PER_SEC;
	p->linger = 32 * USEC_PER_SEC;
}

struct calls *
calls_new(const struct calls_params *p, const struct sink *out)
{
	struct calls *c;
	size_t mcap;
	int i;

	if (p->capacity == 0 || (c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	c->p = *p;
	if (c->p.media_linger == 0)
		c->p.media_linger = 300 * USEC_PER_SEC;
	mcap = p->media_capacity ? p->media_capacity : 4 * p->capacity;
	c->out = *out;
	c->nbuckets = itable_nbuckets(p->capacity);
	for (i = 0; i < CL_N; i++)
		TAILQ_INIT(&c->lists[i]);
	c->pool = pool_new(sizeof(struct call), p->capacity);
	c->media = media_new(mcap, c->p.media_linger);
	c->buckets = calloc(c->nbuckets, sizeof(*c->buckets));
	if (c->pool == NULL || c->media == NULL || c->buckets == NULL) {
		calls_free(c);
		return NULL;
	}
	c->seed = hash_mix64((uint64_t)(uintptr_t)c ^ 0x63616c6c73ULL);
	return c;
}

void
calls_set_timeouts(struct calls *c, usec_t setup_timeout, usec_t call_timeout)
{
	c->p.setup_timeout = setup_timeout;
	c->p.call_timeout = call_timeout;
}

void
calls_set_subscribers(struct calls *c, const struct prefix_list *subscribers)
{
	c->p.subscribers = subscribers;
}

void
calls_free(struct calls *c)
{
	if (c == NULL)
		return;
	pool_free(c->pool);
	media_free(c->media);
	free(c->buckets);
	free(c);
}

/* --- table: buckets and the three lists ---------------------------------- */

static struct call_chain *
call_bucket(const struct calls *c, uint64_t h)
{
	return &c->buckets[h & (c->nbuckets - 1)];
}

/* Puts d at the tail of list l: the lists stay ordered by last message. */
static void
list_touch(struct calls *c, struct call *d, enum call_list l)
{
	TAILQ_REMOVE(&c->lists[d->list], d, link);
	d->list = (uint8_t)l;
	TAILQ_INSERT_TAIL(&c->lists[l], d, link);
}

static struct call *
call_find(struct calls *c, const char *call_id, uint64_t h)
{
	struct call *d;

	SLIST_FOREACH(d, call_bucket(c, h), hnext)
		if (d->hash == h && strcmp(d->call_id, call_id) == 0)
			return d;
	return NULL;
}

static void
call_remove(struct calls *c, struct call *d, usec_t now)
{
	unsigned i;

	SLIST_REMOVE(call_bucket(c, d->hash), d, call, hnext);
	TAILQ_REMOVE(&c->lists[d->list], d, link);
	for (i = 0; i < d->nbind; i++)
		media_release(c->media, d->bind[i], d->serial, now);
	pool_put(c->pool, d);
}

/* Reports d and frees it. */
static void
call_close(struct calls *c, struct call *d, enum call_end end, usec_t now)
{
	if (d->end == CE_NONE) {
		d->end = (uint8_t)end;
		d->end_ts = now;
	}
	call_emit(c, d, now);
	call_remove(c, d, now);
}

/* A full table: the oldest ended dialog goes first, else the oldest open one. */
static struct call *
call_alloc(struct calls *c, usec_t now)
{
	struct call *d, *s, *a;

	if ((d = pool_get(c->pool)) != NULL)
		return d;
	if ((d = TAILQ_FIRST(&c->lists[CL_ENDED])) != NULL) {
		c->st.linger_cut++;
		call_close(c, d, CE_NONE, now);
	} else {
		s = TAILQ_FIRST(&c->lists[CL_SETUP]);
		a = TAILQ_FIRST(&c->lists[CL_ANSWERED]);
		d = (a == NULL || (s != NULL && s->last_ts <= a->last_ts)) ? s : a;
		if (d == NULL)
			return NULL;
		c->st.evicted++;
		call_close(c, d, CE_EVICTED, now);
	}
	return pool_get(c->pool);
}

/* --- expiry ---------------------------------------------------------------- */

static void
call_timeout(struct calls *c, struct call *d, usec_t now)
{
	if (d->list == CL_SETUP)
		d->end_ts = d->last_ts + c->p.setup_timeout;
	else
		d->end_ts = d->last_ts + c->p.call_timeout;
	d->end = CE_TIMEOUT;
	call_close(c, d, CE_TIMEOUT, now);
}

void
calls_tick(struct calls *c, usec_t now)
{
	struct call *d;

	while ((d = TAILQ_FIRST(&c->lists[CL_ENDED])) != NULL &&
	    d->last_ts + c->p.linger <= now)
		call_close(c, d, CE_NONE, now);
	while ((d = TAILQ_FIRST(&c->lists[CL_SETUP])) != NULL &&
	    d->last_ts + c->p.setup_timeout <= now)
		call_timeout(c, d, now);
	while ((d = TAILQ_FIRST(&c->lists[CL_ANSWERED])) != NULL &&
	    d->last_ts + c->p.call_timeout <= now)
		call_timeout(c, d, now);
	media_expire(c->media, now);
}

void
calls_finish(struct calls *c, usec_t now)
{
	static const enum call_list order[] = { CL_ENDED, CL_SETUP, CL_ANSWERED };
	struct call *d;
	unsigned i;

	for (i = 0; i < 3; i++)
		while ((d = TAILQ_FIRST(&c->lists[order[i]])) != NULL)
			call_close(c, d, CE_EOF, now);
}

/* --- SDP ------------------------------------------------------------------- */

static void
call_sdp_keep(struct call_media *k, const struct sdp_media *m, const char *addr,
    uint16_t ptime)
{
	const char *name;
	unsigned i, j;

	memset(k, 0, sizeof(*k));
	str_copy(k->type, sizeof(k->type), m->type);
	str_copy(k->addr, sizeof(k->addr), addr);
	k->port = m->port;
	k->ptime = m->ptime ? m->ptime : ptime;
	for (i = 0; i < m->npt && k->npt < CALL_PT_MAX; i++) {
		k->pt[k->npt] = m->pt[i];
		name = media_static_codec(m->pt[i]);
		for (j = 0; j < m->nrtpmap; j++)
			if (m->rtpmap[j].pt == m->pt[i])
				name = m->rtpmap[j].name;
		str_copy(k->codec[k->npt], sizeof(k->codec[0]), name ? name : "");
		k->npt++;
	}
}

static void
call_media_bind(struct calls *c, struct call *d, const struct sdp_media *m,
    const char *addr, uint16_t ptime, usec_t now)
{
	uint8_t a[16];
	struct media_entry *e;

	if (m->port == 0 || !media_addr_parse(addr, a))
		return;
	if ((e = media_bind(c->media, a, m->port, d->serial, d->call_id, m, ptime)) == NULL)
		return;
	if (d->nbind == CALL_BINDS) {	/* many re-offers: the oldest binding lingers */
		media_release(c->media, d->bind[0], d->serial, now);
		memmove(d->bind, d->bind + 1, sizeof(d->bind[0]) * (CALL_BINDS - 1));
		d->nbind--;
	}
	d->bind[d->nbind++] = e;
}

/* The SDP a party sent: kept for the record, its endpoints bound for RTP. */
static void
call_sdp(struct calls *c, struct call *d, const struct sdp *s, enum call_party who,
    usec_t now)
{
	struct call_sdp *k = &d->sdp[who == CP_CALLEE];
	const char *addr;
	unsigned i;

	if (s->result != SDP_OK || s->nmedia == 0)
		return;
	k->n = 0;
	for (i = 0; i < s->nmedia && i < SDP_MAX_MEDIA; i++) {
		addr = s->media[i].addr[0] ? s->media[i].addr : s->c_addr;
		if (k->n < CALL_SDP_MEDIA)
			call_sdp_keep(&k->m[k->n++], &s->media[i], addr, s->ptime);
		call_media_bind(c, d, &s->media[i], addr, s->ptime, now);
	}
}

/* --- messages ------------------------------------------------------------- */

/* Who sent m: requests carry the sender's From tag, responses the requester's. */
static enum call_party
call_party(const struct call *d, const struct event *ev)
{
	const struct sip_msg *m = &ev->u.sip.msg;
	bool from_caller;

	if (m->from.tag[0] != '\0' && d->from_tag[0] != '\0')
		from_caller = strcmp(m->from.tag, d->from_tag) == 0;
	else
		from_caller = memcmp(ev->t.src, d->src, 16) == 0 ?
		    m->is_request : !m->is_request;
	if (m->is_request)
		return from_caller ? CP_CALLER : CP_CALLEE;
	return from_caller ? CP_CALLEE : CP_CALLER;
}

static const char *
call_direction(const struct calls *c, const struct event *ev)
{
	bool s, r;

	if (c->p.subscribers == NULL)
		return "unknown";
	s = prefix_list_has(c->p.subscribers, ev->t.src);
	r = prefix_list_has(c->p.subscribers, ev->t.dst);
	return s == r ? "unknown" : s ? "outbound" : "inbound";
}

/*
 * The dialog's subscriber end, for the report hook: the receiver of the first
 * message that reaches a subscriber address, else its sender. A call relayed
 * by a foreign softswitch (the same Call-ID on both legs) starts between two
 * foreign addresses and reaches the line on its second leg.
 */
static void
call_note_sub(const struct calls *c, struct call *d, const struct event *ev)
{
	const uint8_t *a;

	if (d->has_sub || c->p.report == NULL || c->p.subscribers == NULL)
		return;
	if (prefix_list_has(c->p.subscribers, ev->t.dst))
		a = ev->t.dst;
	else if (prefix_list_has(c->p.subscribers, ev->t.src))
		a = ev->t.src;
	else
		return;
	memcpy(d->sub, a, 16);
	d->sub_t = ev->t;
	d->has_sub = true;
}

/* A new initial INVITE transaction (first, or a retry after a challenge). */
static void
call_invite_start(struct call *d, const struct event *ev)
{
	const struct sip_msg *m = &ev->u.sip.msg;

	d->invite_cseq = m->cseq;
	d->invite_ts = ev->ts;
	d->ring_ts = d->final_ts = 0;
	d->final_status = 0;
	d->had_1xx = d->cancelled = false;
	d->end = CE_NONE;
	d->hangup = CP_NONE;
	d->invites++;
	if (m->ua[0] != '\0')
		str_copy(d->ua, sizeof(d->ua), m->ua);
	if (m->pai.user[0] != '\0')
		str_copy(d->pai, sizeof(d->pai), m->pai.user);
}

static struct call *
call_create(struct calls *c, const struct event *ev, uint64_t h)
{
	const struct sip_msg *m = &ev->u.sip.msg;
	struct call *d;

	if ((d = call_alloc(c, ev->ts)) == NULL)
		return NULL;
	memset(d, 0, sizeof(*d));
	d->hash = h;
	d->serial = ++c->serial;
	str_copy(d->call_id, sizeof(d->call_id), m->call_id);
	str_copy(d->caller, sizeof(d->caller), m->from.user);
	str_copy(d->callee, sizeof(d->callee), m->ruri_user);
	str_copy(d->to_user, sizeof(d->to_user), m->to.user);
	str_copy(d->from_tag, sizeof(d->from_tag), m->from.tag);
	memcpy(d->src, ev->t.src, 16);
	memcpy(d->dst, ev->t.dst, 16);
	d->sport = ev->t.sport;
	d->dport = ev->t.dport;
	d->tcp = ev->u.sip.tcp;
	d->nvlan = ev->t.nvlan;
	memcpy(d->vlan, ev->t.vlan, sizeof(d->vlan));
	d->has_pppoe = ev->t.has_pppoe;
	d->pppoe_session = ev->t.pppoe_session;
	d->direction = call_direction(c, ev);
	d->first_ts = d->last_ts = ev->ts;
	SLIST_INSERT_HEAD(call_bucket(c, h), d, hnext);
	d->list = CL_SETUP;
	TAILQ_INSERT_TAIL(&c->lists[CL_SETUP], d, link);
	c->st.created++;
	call_invite_start(d, ev);
	return d;
}

static void
call_invite(struct calls *c, struct call *d, const struct event *ev)
{
	const struct sip_msg *m = &ev->u.sip.msg;

	enum call_party who = call_party(d, ev);

	if (m->to.tag[0] != '\0') {		/* re-INVITE inside the dialog */
		if (m->cseq != d->reinvite_cseq[who == CP_CALLEE]) {
			d->reinvite_cseq[who == CP_CALLEE] = m->cseq;
			d->reinvites++;
			c->st.reinvites++;
		} else {
			d->retrans++;
			c->st.retransmissions++;
		}
		call_sdp(c, d, &m->sdp, who, ev->ts);
		return;
	}
	if (m->cseq == d->invite_cseq) {
		d->retrans++;
		c->st.retransmissions++;
		return;
	}
	/* A new transaction without a to-tag: a retry after 401/407 (or 3xx, 422, 491). */
	c->st.auth_retries += d->auth_challenged;
	call_invite_start(d, ev);
	call_sdp(c, d, &m->sdp, CP_CALLER, ev->ts);
	list_touch(c, d, CL_SETUP);
}

/* A request for a known dialog other than an initial INVITE. */
static void
call_request(struct calls *c, struct call *d, const struct event *ev)
{
	const struct sip_msg *m = &ev->u.sip.msg;

	if (strcmp(m->method, "INVITE") == 0) {
		call_invite(c, d, ev);
	} else if (strcmp(m->method, "BYE") == 0) {
		if (d->end == CE_BYE) {
			d->retrans++;
			c->st.retransmissions++;
			return;
		}
		d->end = CE_BYE;
		d->end_ts = ev->ts;
		d->hangup = (uint8_t)call_party(d, ev);
		list_touch(c, d, CL_ENDED);
	} else if (strcmp(m->method, "CANCEL") == 0) {
		if (d->answered || d->final_status != 0 || d->cancelled)
			return;
		d->cancelled = true;
		d->end = CE_CANCEL;
		d->end_ts = ev->ts;
		d->hangup = CP_CALLER;
		list_touch(c, d, CL_ENDED);
	} else if (strcmp(m->method, "ACK") == 0 || strcmp(m->method, "PRACK") == 0 ||
	    strcmp(m->method, "UPDATE") == 0) {
		call_sdp(c, d, &m->sdp, call_party(d, ev), ev->ts);	/* late offer's answer */
	}
}

static void
call_answer(struct calls *c, struct call *d, const struct event *ev)
{
	const struct sip_msg *m = &ev->u.sip.msg;

	if (d->answered) {
		if (strcmp(m->to.tag, d->to_tag) != 0)
			c->st.forks++, d->forks++;
		else
			c->st.retransmissions++, d->retrans++;
		return;
	}
	d->answered = true;
	d->answer_ts = ev->ts;
	d->final_status = m->status;
	d->final_ts = ev->ts;
	if (d->ring_ts == 0)
		d->ring_ts = ev->ts;
	str_copy(d->to_tag, sizeof(d->to_tag), m->to.tag);
	if (d->end == CE_CANCEL) {	/* 200 raced the CANCEL: the call goes on */
		d->end = CE_NONE;
		d->hangup = CP_NONE;
	}
	if (d->end == CE_NONE)
		list_touch(c, d, CL_ANSWERED);
}

/* A response to the initial INVITE transaction. */
static void
call_invite_response(struct calls *c, struct call *d, const struct event *ev)
{
	const struct sip_msg *m = &ev->u.sip.msg;

	if (m->ua[0] != '\0' && (d->server[0] == '\0' || m->status > 100))
		str_copy(d->server, sizeof(d->server), m->ua);
	call_sdp(c, d, &m->sdp, CP_CALLEE, ev->ts);
	if (m->status < 200) {
		d->had_1xx = true;
		if (m->status >= 180 && d->ring_ts == 0)
			d->ring_ts = ev->ts;
		return;
	}
	if (m->status < 300) {
		call_answer(c, d, ev);
		return;
	}
	if (d->answered || d->final_status != 0)
		return;		/* a retransmitted or forked failure */
	d->final_status = m->status;
	d->final_ts = ev->ts;
	if (d->ring_ts == 0)
		d->ring_ts = ev->ts;
	if (m->status == 401 || m->status == 407)
		d->auth_challenged = true;
	if (!d->cancelled) {
		d->end = CE_REJECTED;
		d->end_ts = ev->ts;
	}
	list_touch(c, d, CL_ENDED);
}

static void
call_response(struct calls *c, struct call *d, const struct event *ev)
{
	const struct sip_msg *m = &ev->u.sip.msg;

	if (strcmp(m->cseq_method, "INVITE") == 0) {
		if (m->cseq == d->invite_cseq)
			call_invite_response(c, d, ev);
		else if (m->status >= 200 && m->status < 300)
			call_sdp(c, d, &m->sdp, call_party(d, ev), ev->ts);
	} else if (strcmp(m->cseq_method, "BYE") == 0 && m->status >= 200) {
		d->bye_status = m->status;
	} else if (m->status >= 200 && m->status < 300 &&
	    (strcmp(m->cseq_method, "UPDATE") == 0 || strcmp(m->cseq_method, "PRACK") == 0)) {
		call_sdp(c, d, &m->sdp, call_party(d, ev), ev->ts);
	}
}

void
calls_sip(struct calls *c, const struct event *ev)
{
	const struct sip_msg *m = &ev->u.sip.msg;
	bool invite = m->is_request && strcmp(m->method, "INVITE") == 0;
	uint64_t h;
	struct call *d;

	if (ev->kind != EV_SIP)
		return;
	calls_tick(c, ev->ts);
	h = hash_bytes(m->call_id, strlen(m->call_id), c->seed);
	d = call_find(c, m->call_id, h);
	/* A new INVITE after an answered call ended re-uses its Call-ID: a new call. */
	if (d != NULL && invite && m->to.tag[0] == '\0' && d->answered &&
	    d->list == CL_ENDED && m->cseq != d->invite_cseq) {
		call_close(c, d, CE_NONE, ev->ts);
		d = NULL;
	}
	if (d == NULL) {
		if (invite && m->to.tag[0] == '\0') {
			if ((d = call_create(c, ev, h)) != NULL) {
				call_sdp(c, d, &m->sdp, CP_CALLER, ev->ts);
				call_note_sub(c, d, ev);
			}
		} else if (m->is_request) {
			c->st.unmatched_requests += strcmp(m->method, "ACK") != 0 &&
			    m->to.tag[0] != '\0';
		} else {
			c->st.unmatched_responses += strcmp(m->cseq_method, "INVITE") == 0;
		}
		return;
	}
	d->msgs++;
	d->last_ts = ev->ts;
	call_note_sub(c, d, ev);
	if (m->is_request)
		call_request(c, d, ev);
	else
		call_response(c, d, ev);
	list_touch(c, d, (enum call_list)d->list);
}

/* --- records --------------------------------------------------------------- */

const char *const call_state_names[CS_N] = {
#define X(k, n, s) n,
	CALL_STATES(X)
#undef X
};

static enum call_state
call_state(const struct call *d)
{
	if (d->answered)
		return CS_ANSWERED;
	if (d->cancelled)
		return CS_CANCELLED;
	if (d->final_status != 0)
		return CS_REJECTED;
	if (d->end == CE_TIMEOUT)
		return d->had_1xx ? CS_NO_ANSWER : CS_TIMEOUT;
	if (d->end == CE_BYE)
		return CS_CANCELLED;	/* BYE in an early dialog */
	return CS_SETUP;
}

static const char *
call_outcome(const struct call *d)
{
	static const char *const cls[] = { "none", "1xx", "2xx", "3xx", "4xx", "5xx", "6xx" };

	if (d->answered)
		return "2xx";
	if (d->cancelled)
		return "cancel";
	if (d->final_status >= 300 && d->final_status < 700)
		return cls[d->final_status / 100];
	return d->had_1xx ? "1xx" : "none";
}

static double
secs(usec_t a, usec_t b)
{
	return b > a ? (double)(b - a) / 1e6 : 0.0;
}

static void
call_emit_media(struct jw *w, const char *key, const struct call_sdp *k)
{
	unsigned i, j;

	if (k->n == 0)
		return;
	jw_arr_open(w, key);
	for (i = 0; i < k->n; i++) {
		const struct call_media *cm = &k->m[i];

		jw_obj_open(w, NULL);
		jw_str(w, "media", cm->type);
		jw_str(w, "ip", cm->addr);
		jw_u64(w, "port", cm->port);
		jw_arr_open(w, "pt");
		for (j = 0; j < cm->npt; j++)
			jw_u64(w, NULL, cm->pt[j]);
		jw_arr_close(w);
		jw_arr_open(w, "codecs");
		for (j = 0; j < cm->npt; j++)
			jw_str(w, NULL, cm->codec[j]);
		jw_arr_close(w);
		if (cm->ptime)
			jw_u64(w, "ptime", cm->ptime);
		jw_obj_close(w);
	}
	jw_arr_close(w);
}

static void
call_emit_line(struct jw *w, const struct call *d)
{
	report_line(w, d->vlan, d->nvlan, d->has_pppoe, d->pppoe_session);
}

static void
call_emit_times(struct jw *w, const struct call *d)
{
	jw_ts(w, "first_ts", d->first_ts);
	jw_ts(w, "invite_ts", d->invite_ts);
	if (d->ring_ts)
		jw_dbl(w, "setup_time", secs(d->invite_ts, d->ring_ts), 3);
	if (d->answered) {
		jw_ts(w, "answer_ts", d->answer_ts);
		jw_dbl(w, "answer_time", secs(d->invite_ts, d->answer_ts), 3);
	}
	jw_ts(w, "end_ts", d->end_ts);
	jw_ts(w, "last_ts", d->last_ts > d->first_ts ? d->last_ts : d->first_ts);
	jw_dbl(w, "duration", d->answered ? secs(d->answer_ts, d->end_ts) : 0.0, 3);
}

/*
 * Whether the record also goes to central: the owner of the table decides,
 * from the dialog's subscriber end (none: never).
 */
static bool
call_is_reported(const struct calls *c, const struct call *d, usec_t now)
{
	if (c->p.report == NULL || c->out.detection == NULL || !d->has_sub)
		return false;
	return c->p.report(c->p.report_arg, d->sub, &d->sub_t, now);
}

/* The line the call belongs to, for central: as a detection record's subject. */
static void
call_emit_subject(struct jw *w, const struct call *d)
{
	char ip[REPORT_IP_LEN];
	const struct ev_tuple *t = &d->sub_t;

	jw_obj_open(w, "subject");
	jw_str(w, "ip", report_ip(d->sub, ip));
	if (t->nvlan && t->vlan[t->nvlan - 1])
		jw_u64(w, "vlan", t->vlan[t->nvlan - 1]);
	if (t->has_pppoe)
		jw_u64(w, "pppoe_session", t->pppoe_session);
	jw_obj_close(w);
}

/* The record of d; with subject, also the line it belongs to (central's copy). */
static void
call_write(struct jw *w, const struct call *d, enum call_state state, usec_t now,
    bool subject)
{
	char ip[REPORT_IP_LEN];

	report_open(w, "call", now);
	jw_str(w, "call_id", d->call_id);
	jw_str(w, "caller", d->caller);
	jw_str(w, "callee", d->callee);
	jw_str(w, "to_user", d->to_user);
	if (d->pai[0] != '\0')
		jw_str(w, "pai_user", d->pai);
	jw_str(w, "from_tag", d->from_tag);
	jw_str(w, "to_tag", d->to_tag);
	jw_str(w, "src_ip", report_ip(d->src, ip));
	jw_u64(w, "src_port", d->sport);
	jw_str(w, "dst_ip", report_ip(d->dst, ip));
	jw_u64(w, "dst_port", d->dport);
	jw_str(w, "transport", d->tcp ? "tcp" : "udp");
	call_emit_line(w, d);
	jw_str(w, "direction", d->direction);
	jw_str(w, "user_agent", d->ua);
	jw_str(w, "server", d->server);
	jw_str(w, "outcome", call_outcome(d));
	if (d->final_status)
		jw_u64(w, "status", d->final_status);
	jw_str(w, "state", call_state_names[state]);
	jw_str(w, "end", call_end_names[d->end]);
	if (d->hangup != CP_NONE)
		jw_str(w, "hangup", call_party_names[d->hangup]);
	if (d->bye_status)
		jw_u64(w, "bye_status", d->bye_status);
	call_emit_times(w, d);
	jw_bool(w, "auth_challenged", d->auth_challenged);
	jw_u64(w, "invites", d->invites);
	jw_u64(w, "reinvites", d->reinvites);
	jw_u64(w, "retransmissions", d->retrans);
	jw_u64(w, "forks", d->forks);
	jw_u64(w, "messages", d->msgs + 1);
	call_emit_media(w, "media_caller", &d->sdp[0]);
	call_emit_media(w, "media_callee", &d->sdp[1]);
	if (subject)
		call_emit_subject(w, d);
	jw_obj_close(w);
}

/*
 * The record to the output; for a call the owner reports (a sample call of a
 * detected line), a copy with its subject to the sink's detection hook.
 */
static void
call_emit(struct calls *c, struct call *d, usec_t now)
{
	struct jw w;
	enum call_state state = call_state(d);

	jw_init(&w, c->rec, sizeof(c->rec));
	call_write(&w, d, state, now, false);
	c->st.records++;
	c->st.by_state[state]++;
	if (report_emit(&w, &c->out) != 0) {
		c->st.record_overflow++;
		return;
	}
	if (!call_is_reported(c, d, now))
		return;
	jw_init(&w, c->rec, sizeof(c->rec));
	call_write(&w, d, state, now, true);
	if (jw_finish(&w) != 0)
		c->out.detection(c->out.arg, w.buf, w.len);
}

/* --- stats ----------------------------------------------------------------- */

bool
calls_media_find(struct calls *c, const uint8_t addr[16], uint16_t port, uint8_t pt,
    char *call_id, size_t idlen, char *codec, size_t codeclen)
{
	return media_find(c->media, addr, port, pt, call_id, idlen, codec, codeclen);
}

void
calls_stats(const struct calls *c, struct calls_stats *st)
{
	*st = c->st;
	st->in_use = pool_in_use(c->pool);
}

void
calls_stats_write(const struct calls *c, struct jw *w)
{
	struct media_stats ms;
	static const char *const stat_names[CS_N] = {
#define X(k, n, s) s,
		CALL_STATES(X)
#undef X
	};
	const struct calls_stats *s = &c->st;

	media_stats(c->media, &ms);
	jw_obj_open(w, "calls");
	jw_u64(w, "created", s->created);
	jw_u64(w, "records", s->records);
	for (size_t i = 0; i < CS_N; i++)
		if (stat_names[i] != NULL)
			jw_u64(w, stat_names[i], s->by_state[i]);
	jw_u64(w, "evicted", s->evicted);
	jw_u64(w, "linger_cut", s->linger_cut);
	jw_u64(w, "auth_retries", s->auth_retries);
	jw_u64(w, "reinvites", s->reinvites);
	jw_u64(w, "retransmissions", s->retransmissions);
	jw_u64(w, "forks", s->forks);
	jw_u64(w, "unmatched_requests", s->unmatched_requests);
	jw_u64(w, "unmatched_responses", s->unmatched_responses);
	jw_u64(w, "record_overflow", s->record_overflow);
	jw_u64(w, "in_use", pool_in_use(c->pool));
	jw_u64(w, "capacity", pool_capacity(c->pool));
	jw_u64(w, "media_bound", ms.bound);
	jw_u64(w, "media_taken_over", ms.taken_over);
	jw_u64(w, "media_full", ms.full);
	jw_u64(w, "media_evicted", ms.evicted);
	jw_u64(w, "media_in_use", media_in_use(c->media));
	jw_u64(w, "rtp_tied", ms.found);
	jw_u64(w, "rtp_untied", ms.not_found);
	jw_obj_close(w);
}

size_t
calls_bytes(const struct calls *c)
{
	return sizeof(*c) + pool_bytes(c->pool) + c->nbuckets * sizeof(*c->buckets) +
	    media_bytes(c->media);
}
