/* SPDX-License-Identifier: BSD-2-Clause */
/* The registration table: REGISTER by AOR and Call-ID, ended into `register` records. */
#include <sys/queue.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "itable.h"
#include "pool.h"
#include "str.h"
#include "regs.h"

#define REG_AOR_LEN	(SIP_USER_LEN + SIP_HOST_LEN)
#define REG_INTERVALS	8	/* refresh intervals kept for the median */
#define REG_DEFAULT_EXPIRES 3600	/* RFC 3261 10.2.1.1 */

enum reg_end { RE_NONE, RE_UNREGISTERED, RE_EXPIRED, RE_FAILED, RE_REPLACED,
	RE_EOF, RE_EVICTED };
static const char *const reg_end_names[] = {
	"none", "unregistered", "expired", "failed", "replaced", "eof", "evicted"
};

struct reg {
	SLIST_ENTRY(reg) hnext;		/* by AOR and Call-ID */
	SLIST_ENTRY(reg) bnext;		/* by binding: AOR and contact */
	uint64_t	 hkey, bkey;
	size_t		 heap_i;
	usec_t		 deadline;
	usec_t		 first_ts, last_ts, req_ts, ok_ts;
	int64_t		 req_expires, granted;
	uint32_t	 cseq;
	uint32_t	 requests, challenges, oks, failures, retrans;
	uint32_t	 intervals[REG_INTERVALS];	/* ms between 2xx, a ring */
	uint32_t	 nint;
	uint16_t	 status;
	bool		 pending, registered, unregistering, challenged, tcp, has_pppoe;
	uint8_t		 nvlan;
	uint16_t	 vlan[PKT_MAX_VLANS];
	uint16_t	 pppoe_session;
	uint8_t		 client[16], registrar[16];
	uint16_t	 cport, rport;
	char		 aor[REG_AOR_LEN];
	char		 contact[REG_AOR_LEN];
	char		 call_id[SIP_CALLID_LEN];
	char		 ua[SIP_UA_LEN];
	char		 realm[SIP_REALM_LEN];
	char		 username[SIP_USER_LEN];
	bool		 subscriber;
};

struct regs {
	struct regs_params p;
	struct sink	 out;
	struct pool	*pool;
	SLIST_HEAD(reg_chain, reg) *buckets, *bbuckets;
	struct reg	**heap;		/* by deadline */
	size_t		 nheap, nbuckets;
	uint64_t	 seed;
	struct regs_stats st;
	char		 rec[REPORT_LINE_MAX];	/* record text being written */
};

static void	reg_emit(struct regs *, struct reg *, enum reg_end, usec_t now);

void
regs_params_default(struct regs_params *p)
{
	memset(p, 0, sizeof(*p));
	p->capacity = 65536;
	p->linger = 32 * USEC_PER_SEC;
}

struct regs *
regs_new(const struct regs_params *p, const struct sink *out)
{
	struct regs *r;

	if (p->capacity == 0 || (r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	r->p = *p;
	r->out = *out;
	r->nbuckets = itable_nbuckets(p->capacity);
	r->pool = pool_new(sizeof(struct reg), p->capacity);
	r->buckets = calloc(r->nbuckets, sizeof(*r->buckets));
	r->bbuckets = calloc(r->nbuckets, sizeof(*r->bbuckets));
	r->heap = calloc(p->capacity, sizeof(*r->heap));
	if (r->pool == NULL || r->buckets == NULL || r->bbuckets == NULL ||
	    r->heap == NULL) {
		regs_free(r);
		return NULL;
	}
	r->seed = hash_mix64((uint64_t)(uintptr_t)r ^ 0x72656773ULL);
	return r;
}

void
regs_set_subscribers(struct regs *r, const struct prefix_list *subscribers)
{
	r->p.subscribers = subscribers;
}

void
regs_free(struct regs *r)
{
	if (r == NULL)
		return;
	pool_free(r->pool);
	free(r->buckets);
	free(r->bbuckets);
	free(r->heap);
	free(r);
}

/* --- the deadline heap ------------------------------------------------------ */

static void
heap_set(struct regs *r, size_t i, struct reg *g)
{
	r->heap[i] = g;
	g->heap_i = i;
}

static void
heap_up(struct regs *r, size_t i)
{
	struct reg *g = r->heap[i];

	while (i > 0 && r->heap[(i - 1) / 2]->deadline > g->deadline) {
		heap_set(r, i, r->heap[(i - 1) / 2]);
		i = (i - 1) / 2;
	}
	heap_set(r, i, g);
}

static void
heap_down(struct regs *r, size_t i)
{
	struct reg *g = r->heap[i];
	size_t k;

	while ((k = 2 * i + 1) < r->nheap) {
		if (k + 1 < r->nheap && r->heap[k + 1]->deadline < r->heap[k]->deadline)
			k++;
		if (r->heap[k]->deadline >= g->deadline)
			break;
		heap_set(r, i, r->heap[k]);
		i = k;
	}
	heap_set(r, i, g);
}

static void
heap_update(struct regs *r, struct reg *g, usec_t deadline)
{
	g->deadline = deadline;
	heap_up(r, g->heap_i);
	heap_down(r, g->heap_i);
}

static void
heap_remove(struct regs *r, struct reg *g)
{
	size_t i = g->heap_i;

	r->nheap--;
	if (i == r->nheap)
		return;
	heap_set(r, i, r->heap[r->nheap]);
	heap_up(r, i);
	heap_down(r, r->heap[i]->heap_i);
}

/* --- the two indexes ---------------------------------------------------------- */

static uint64_t
key2(const struct regs *r, const char *a, const char *b)
{
	return hash_bytes(a, strlen(a), r->seed) ^ hash_mix64(hash_bytes(b, strlen(b), ~r->seed));
}

/* The chain of key k in buckets b (one of the two indexes). */
static struct reg_chain *
chain(const struct regs *r, struct reg_chain *b, uint64_t k)
{
	return &b[k & (r->nbuckets - 1)];
}

static void
reg_bind_index(struct regs *r, struct reg *g)
{
	SLIST_REMOVE(chain(r, r->bbuckets, g->bkey), g, reg, bnext);
	g->bkey = key2(r, g->aor, g->contact);
	SLIST_INSERT_HEAD(chain(r, r->bbuckets, g->bkey), g, bnext);
}

static void
reg_remove(struct regs *r, struct reg *g)
{
	SLIST_REMOVE(chain(r, r->buckets, g->hkey), g, reg, hnext);
	SLIST_REMOVE(chain(r, r->bbuckets, g->bkey), g, reg, bnext);
	heap_remove(r, g);
	pool_put(r->pool, g);
}

static void
reg_close(struct regs *r, struct reg *g, enum reg_end end, usec_t now)
{
	reg_emit(r, g, end, now);
	reg_remove(r, g);
}

static struct reg *
reg_find(struct regs *r, const char *aor, const char *call_id)
{
	uint64_t k = key2(r, aor, call_id);
	struct reg *g;

	SLIST_FOREACH(g, chain(r, r->buckets, k), hnext)
		if (g->hkey == k && strcmp(g->call_id, call_id) == 0 &&
		    strcmp(g->aor, aor) == 0)
			return g;
	return NULL;
}

static struct reg *
reg_find_binding(struct regs *r, const char *aor, const char *contact)
{
	uint64_t k = key2(r, aor, contact);
	struct reg *g;

	SLIST_FOREACH(g, chain(r, r->bbuckets, k), bnext)
		if (g->bkey == k && strcmp(g->contact, contact) == 0 &&
		    strcmp(g->aor, aor) == 0)
			return g;
	return NULL;
}

/* --- expiry -------------------------------------------------------------------- */

/* Registered: until the granted time runs out; else the linger for an answer or retry. */
static usec_t
reg_deadline(const struct regs *r, const struct reg *g)
{
	usec_t t = g->last_ts + r->p.linger;
	usec_t e;

	if (g->registered) {
		e = g->ok_ts + (usec_t)g->granted * USEC_PER_SEC;
		if (e > t)
			t = e;
	}
	return t;
}

void
regs_tick(struct regs *r, usec_t now)
{
	struct reg *g;

	while (r->nheap > 0 && (g = r->heap[0])->deadline <= now)
		reg_close(r, g, g->registered ? RE_EXPIRED : RE_FAILED, now);
}

void
regs_finish(struct regs *r, usec_t now)
{
	while (r->nheap > 0)
		reg_close(r, r->heap[0], RE_EOF, now);
}

/* --- messages ------------------------------------------------------------------- */

static void
aor_of(char *buf, size_t len, const struct sip_addr *a)
{
	if (a->user[0] != '\0')
		snprintf(buf, len, "%s@%s", a->user, a->host);
	else
		snprintf(buf, len, "%s", a->host);
}

static struct reg *
reg_alloc(struct regs *r, usec_t now)
{
	struct reg *g;

	if ((g = pool_get(r->pool)) != NULL)
		return g;
	if (r->nheap == 0)
		return NULL;
	r->st.evicted++;
	reg_close(r, r->heap[0], RE_EVICTED, now);
	return pool_get(r->pool);
}

static struct reg *
reg_create(struct regs *r, const struct event *ev, const char *aor, const char *contact)
{
	const struct sip_msg *m = &ev->u.sip.msg;
	struct reg *g, *old;

	if ((old = reg_find_binding(r, aor, contact)) != NULL) {
		r->st.replaced++;
		reg_close(r, old, RE_REPLACED, ev->ts);
	}
	if ((g = reg_alloc(r, ev->ts)) == NULL)
		return NULL;
	memset(g, 0, sizeof(*g));
	str_copy(g->aor, sizeof(g->aor), aor);
	str_copy(g->contact, sizeof(g->contact), contact);
	str_copy(g->call_id, sizeof(g->call_id), m->call_id);
	g->hkey = key2(r, aor, m->call_id);
	SLIST_INSERT_HEAD(chain(r, r->buckets, g->hkey), g, hnext);
	g->bkey = key2(r, aor, contact);
	SLIST_INSERT_HEAD(chain(r, r->bbuckets, g->bkey), g, bnext);
	g->first_ts = g->last_ts = ev->ts;
	g->cseq = m->cseq - 1;		/* so that the first is not a retransmission */
	g->status = 0;
	memcpy(g->client, ev->t.src, 16);
	memcpy(g->registrar, ev->t.dst, 16);
	g->cport = ev->t.sport;
	g->rport = ev->t.dport;
	g->tcp = ev->u.sip.tcp;
	g->nvlan = ev->t.nvlan;
	memcpy(g->vlan, ev->t.vlan, sizeof(g->vlan));
	g->has_pppoe = ev->t.has_pppoe;
	g->pppoe_session = ev->t.pppoe_session;
	g->subscriber = r->p.subscribers != NULL &&
	    prefix_list_has(r->p.subscribers, ev->t.src);
	g->deadline = ev->ts + r->p.linger;
	heap_set(r, r->nheap++, g);
	heap_up(r, g->heap_i);
	r->st.created++;
	return g;
}

static void
reg_request(struct regs *r, const struct event *ev)
{
	const struct sip_msg *m = &ev->u.sip.msg;
	char aor[REG_AOR_LEN], contact[REG_AOR_LEN];
	struct reg *g;

	aor_of(aor, sizeof(aor), &m->to);
	aor_of(contact, sizeof(contact), &m->contact);
	if ((g = reg_find(r, aor, m->call_id)) == NULL &&
	    (g = reg_create(r, ev, aor, contact)) == NULL)
		return;
	g->last_ts = ev->ts;
	if (m->cseq == g->cseq) {
		g->retrans++;
		r->st.retransmissions++;
		heap_update(r, g, reg_deadline(r, g));
		return;
	}
	g->cseq = m->cseq;
	g->requests++;
	g->req_ts = ev->ts;
	g->pending = true;
	g->req_expires = m->contact_expires >= 0 ? m->contact_expires : m->expires;
	g->unregistering = g->req_expires == 0 || strcmp(contact, "*") == 0;
	if (strcmp(contact, g->contact) != 0 && contact[0] != '\0' && !g->unregistering) {
		str_copy(g->contact, sizeof(g->contact), contact);
		reg_bind_index(r, g);
	}
	if (m->ua[0] != '\0')
		str_copy(g->ua, sizeof(g->ua), m->ua);
	if (m->auth.present) {
		str_copy(g->realm, sizeof(g->realm), m->auth.realm);
		str_copy(g->username, sizeof(g->username), m->auth.username);
	}
	heap_update(r, g, reg_deadline(r, g));
}

static void
reg_ok(struct regs *r, struct reg *g, const struct sip_msg *m, usec_t now)
{
	int64_t e = m->contact_expires >= 0 ? m->contact_expires : m->expires;

	if (e < 0)
		e = g->req_expires >= 0 ? g->req_expires : REG_DEFAULT_EXPIRES;
	if (g->unregistering || e == 0) {
		g->granted = e;
		r->st.unregistered++;
		reg_close(r, g, RE_UNREGISTERED, now);
		return;
	}
	if (g->oks > 0 && now > g->ok_ts) {
		uint64_t ms = (now - g->ok_ts) / 1000;

		g->intervals[g->nint++ % REG_INTERVALS] = ms > UINT32_MAX ? UINT32_MAX : (uint32_t)ms;
	}
	g->granted = e;
	g->ok_ts = now;
	g->oks++;
	g->registered = true;
	r->st.refreshes++;
	heap_update(r, g, reg_deadline(r, g));
}

static void
reg_response(struct regs *r, const struct event *ev)
{
	const struct sip_msg *m = &ev->u.sip.msg;
	char aor[REG_AOR_LEN];
	struct reg *g;

	aor_of(aor, sizeof(aor), &m->to);
	if ((g = reg_find(r, aor, m->call_id)) == NULL) {
		r->st.unmatched_responses++;
		return;
	}
	g->last_ts = ev->ts;
	if (m->status < 200 || m->cseq != g->cseq || !g->pending) {
		heap_update(r, g, reg_deadline(r, g));
		return;		/* provisional, stale or repeated */
	}
	g->pending = false;
	g->status = m->status;
	if (m->status < 300) {
		reg_ok(r, g, m, ev->ts);
		return;
	}
	if (m->status == 401 || m->status == 407) {
		g->challenged = true;
		g->challenges++;
		r->st.challenges++;
		if (g->realm[0] == '\0')
			str_copy(g->realm, sizeof(g->realm), m->challenge.realm);
	} else {
		g->failures++;
	}
	heap_update(r, g, reg_deadline(r, g));
}

void
regs_sip(struct regs *r, const struct event *ev)
{
	const struct sip_msg *m = &ev->u.sip.msg;

	if (ev->kind != EV_SIP)
		return;
	regs_tick(r, ev->ts);
	if (m->is_request && strcmp(m->method, "REGISTER") == 0)
		reg_request(r, ev);
	else if (!m->is_request && strcmp(m->cseq_method, "REGISTER") == 0)
		reg_response(r, ev);
}

/* --- records --------------------------------------------------------------------- */

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Median of the last refresh intervals, in seconds. */
static double
reg_interval(const struct reg *g)
{
	uint32_t v[REG_INTERVALS];
	size_t n = g->nint < REG_INTERVALS ? g->nint : REG_INTERVALS;

	memcpy(v, g->intervals, n * sizeof(v[0]));
	qsort(v, n, sizeof(v[0]), cmp_u32);
	if (n % 2)
		return v[n / 2] / 1e3;
	return (v[n / 2 - 1] + (double)v[n / 2]) / 2e3;
}

static const char *
reg_result(const struct reg *g)
{
	if (g->pending)
		return "no_response";
	return g->status >= 200 && g->status < 300 ? "ok" : "failed";
}

static void
reg_emit_line(struct jw *w, const struct reg *g)
{
	report_line(w, g->vlan, g->nvlan, g->has_pppoe, g->pppoe_session);
}

static void
reg_emit(struct regs *r, struct reg *g, enum reg_end end, usec_t now)
{
	char ip[REPORT_IP_LEN];
	const char *result = reg_result(g);
	struct jw w;

	jw_init(&w, r->rec, sizeof(r->rec));
	report_open(&w, "register", now);
	jw_str(&w, "aor", g->aor);
	jw_str(&w, "contact", g->contact);
	jw_str(&w, "call_id", g->call_id);
	jw_str(&w, "client_ip", report_ip(g->client, ip));
	jw_u64(&w, "client_port", g->cport);
	jw_str(&w, "registrar_ip", report_ip(g->registrar, ip));
	jw_u64(&w, "registrar_port", g->rport);
	jw_str(&w, "transport", g->tcp ? "tcp" : "udp");
	reg_emit_line(&w, g);
	if (g->subscriber)
		jw_bool(&w, "subscriber", true);
	jw_str(&w, "user_agent", g->ua);
	if (g->req_expires >= 0)
		jw_i64(&w, "expires_requested", g->req_expires);
	if (g->oks > 0 || end == RE_UNREGISTERED)
		jw_i64(&w, "expires_granted", g->granted);
	jw_bool(&w, "auth_challenged", g->challenged);
	if (g->realm[0] != '\0')
		jw_str(&w, "auth_realm", g->realm);
	if (g->username[0] != '\0')
		jw_str(&w, "auth_username", g->username);
	jw_str(&w, "result", result);
	if (g->status)
		jw_u64(&w, "status", g->status);
	jw_u64(&w, "requests", g->requests);
	jw_u64(&w, "challenges", g->challenges);
	jw_u64(&w, "failures", g->failures);
	jw_u64(&w, "registrations", g->oks);
	if (g->nint > 0)
		jw_dbl(&w, "reregister_interval", reg_interval(g), 3);
	jw_ts(&w, "first_ts", g->first_ts);
	jw_ts(&w, "last_ts", g->last_ts);
	jw_dbl(&w, "duration", g->last_ts > g->first_ts ?
	    (double)(g->last_ts - g->first_ts) / 1e6 : 0.0, 3);
	jw_str(&w, "end", reg_end_names[end]);
	jw_obj_close(&w);
	r->st.records++;
	if (strcmp(result, "ok") == 0)
		r->st.ok++;
	else if (strcmp(result, "failed") == 0)
		r->st.failed++;
	else
		r->st.no_response++;
	r->st.expired += end == RE_EXPIRED;
	if (report_emit(&w, &r->out) != 0)
		r->st.record_overflow++;
}

/* --- stats ----------------------------------------------------------------------- */

void
regs_stats(const struct regs *r, struct regs_stats *st)
{
	*st = r->st;
	st->in_use = pool_in_use(r->pool);
}

void
regs_stats_write(const struct regs *r, struct jw *w)
{
	const struct regs_stats *s = &r->st;

	jw_obj_open(w, "registrations");
	jw_u64(w, "created", s->created);
	jw_u64(w, "records", s->records);
	jw_u64(w, "ok", s->ok);
	jw_u64(w, "failed", s->failed);
	jw_u64(w, "no_response", s->no_response);
	jw_u64(w, "unregistered", s->unregistered);
	jw_u64(w, "expired", s->expired);
	jw_u64(w, "replaced", s->replaced);
	jw_u64(w, "evicted", s->evicted);
	jw_u64(w, "challenges", s->challenges);
	jw_u64(w, "refreshes", s->refreshes);
	jw_u64(w, "retransmissions", s->retransmissions);
	jw_u64(w, "unmatched_responses", s->unmatched_responses);
	jw_u64(w, "record_overflow", s->record_overflow);
	jw_u64(w, "in_use", pool_in_use(r->pool));
	jw_u64(w, "capacity", pool_capacity(r->pool));
	jw_obj_close(w);
}

size_t
regs_bytes(const struct regs *r)
{
	return sizeof(*r) + pool_bytes(r->pool) + 2 * r->nbuckets * sizeof(*r->buckets) +
	    pool_capacity(r->pool) * sizeof(*r->heap);
}
