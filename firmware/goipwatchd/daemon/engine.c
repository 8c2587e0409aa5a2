/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Threads and rings. A shared handle (file, live pcap) is read by the main
 * thread and spread over the workers by host-pair hash; af-packet workers
 * read their own fanout sockets. Offline, records merge in packet order so
 * output is the same for a given file and worker count.
 */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "confswap.h"
#include "detect.h"
#include "engine.h"
#include "event.h"
#include "hash.h"
#include "mem.h"
#include "ring.h"

#define SEQ_FINAL	(UINT64_MAX - 1)
/* Idle ticks trail the wall clock: packets still in kernel blocks are older. */
#define TICK_LAG	USEC_PER_SEC
#define BATCH		256
#define OFFLINE_RING	((size_t)2 << 20)

/* An output ring message: this header, then a record line or an event. */
struct outhdr {
	uint64_t	seq;
	uint32_t	type;		/* OUT_RECORD or OUT_EVENT */
	uint32_t	frame;		/* an event's frame follows it: its bytes */
};

/* Before the bytes of a frame that follows its event (evidence on). */
struct outframe {
	usec_t		ts;
	uint32_t	caplen, wirelen;
};
#define OUT_RECORD	1
#define OUT_EVENT	2

struct inpkt {
	uint64_t	seq;
	usec_t		ts;
	uint32_t	caplen, wirelen;
};

/*
 * Fields written for every packet sit on a cache line of their writer's own:
 * sharing one line, the dispatcher's and the worker's stores made it move
 * between cores twice per packet (and far slower when the two CPUs are on
 * different dies).
 */
struct wslot {
	/* set up before the threads start */
	struct engine	*e;
	unsigned	 id;
	pthread_t	 th;
	bool		 started;
	struct worker	*w;
	struct capture	*cap;		/* own handle (af-packet), else NULL */
	struct ring	*in, *out;
	/* main thread */
	_Alignas(64) uint64_t dispatched;	/* last seq sent here */
	/* worker thread; the merger reads processed and done */
	_Alignas(64) uint64_t seq;	/* packet in hand */
	uint64_t	 out_drops;
	_Atomic uint64_t processed;
	_Atomic bool	 done;
};

struct engine {
	const struct conf *conf;
	struct engine_opts o;
	unsigned	 n;
	struct wslot	*ws;
	struct capture	*shared;
	struct detect	*detect;
	struct confswap_reader *cr;	/* the merge/detect thread's config */
	const struct conf *cur;
	engine_report_fn *report;	/* records for central also go here */
	void		*report_arg;
	usec_t		 last_idle;
	int		 linktype;
	bool		 threaded;
	bool		 evidence;	/* signalling events carry their frame */
	uint32_t	 ev_snaplen;
	bool		 ev_rtp_payload;	/* evidence_rtp payload: RTP frames whole */
	size_t		 ring_bytes;	/* each ring between threads */
	/* read by the workers on every turn, written once */
	_Alignas(64) _Atomic bool stop, eof;
	/* main thread, every packet */
	_Alignas(64) uint64_t seq, dispatch_drops, records;
};

static void
engine_write(struct engine *e, const char *rec, size_t len)
{
	fwrite(rec, 1, len, e->o.out);
	e->records++;
}

static void
sink_direct(void *arg, const char *rec, size_t len)
{
	engine_write(arg, rec, len);
}

/* The detect stage's records for central (detections, sample calls) also go
 * to the reporter (the spool). */
static void
sink_detection(void *arg, const char *rec, size_t len)
{
	struct engine *e = arg;

	if (e->report != NULL)
		e->report(e->report_arg, rec, len);
}

int
engine_set_confswap(struct engine *e, struct confswap *cs)
{
	if ((e->cr = confswap_reader_new(cs)) == NULL)
		return -1;
	e->cur = confswap_current(e->cr);
	return 0;
}

/*
 * A batch boundary of the merge/detect thread: a reloaded or pushed config
 * takes effect here. The tables keep the sizes of the boot config.
 */
static void
engine_conf_batch(struct engine *e)
{
	const struct conf *c;

	if (e->cr == NULL || (c = confswap_current(e->cr)) == e->cur)
		return;
	e->cur = c;
	detect_set_conf(e->detect, c);
}

void
engine_set_reporter(struct engine *e, engine_report_fn *fn, void *arg)
{
	e->report = fn;
	e->report_arg = arg;
}

/*
 * With evidence on, the events that may carry evidence (signalling, device
 * frames, DBL traces, accounts) bring the frame they came from: the worker's
 * packet in hand, cut at evidence_snaplen. Only these are copied; RTP and
 * flow ends are not, except the first packet of each RTP stream, cut after
 * its RTP header unless evidence_rtp is payload (docs/evidence.md). *len:
 * the bytes of the frame to copy, at most its caplen.
 */
static const struct capture_pkt *
engine_event_frame(const struct engine *e, const struct worker *w,
    const struct event *ev, uint32_t *len)
{
	const struct capture_pkt *cp;

	if (!e->evidence || ev->kind == EV_RTP || ev->kind == EV_OPAQUE ||
	    ev->kind == EV_TLS ||
	    ev->kind == EV_TICK || (cp = worker_frame(w)) == NULL)
		return NULL;
	*len = cp->caplen;
	if (ev->kind == EV_RTP_HEAD && !e->ev_rtp_payload) {
		const uint8_t *end = ev->u.rtp_head.hdr_end;

		if (end < cp->data || end > cp->data + cp->caplen)
			return NULL;	/* not in this frame (a reassembled datagram) */
		*len = (uint32_t)(end - cp->data);
	}
	return cp;
}

static void
sink_direct_event(void *arg, const struct event *ev, size_t len)
{
	struct wslot *s = arg;
	struct engine *e = s->e;
	uint32_t flen = 0;
	const struct capture_pkt *cp = engine_event_frame(e, s->w, ev, &flen);
	struct keep_frame kf;

	(void)len;
	if (cp == NULL) {
		detect_event(e->detect, ev);
		return;
	}
	kf = (struct keep_frame){ cp->ts, flen, cp->wirelen,
	    (uint16_t)e->linktype, ev->kind, cp->data };
	detect_event_frame(e->detect, ev, &kf);
}

static void
sink_direct_slot(void *arg, const char *rec, size_t len)
{
	struct wslot *s = arg;

	engine_write(s->e, rec, len);
}

/*
 * Worker side of an output ring: offline waits for the merger, live drops.
 * A frame (cp, or NULL) follows the message as struct outframe and its bytes.
 */
static void
sink_ring_put(struct wslot *s, uint32_t type, const void *p, size_t len,
    const struct capture_pkt *cp, uint32_t flen)
{
	uint32_t fl = cp == NULL ? 0 : flen < s->e->ev_snaplen ? flen :
	    s->e->ev_snaplen;
	struct outhdr h = { s->seq, type, fl };
	size_t total = sizeof(h) + len + (cp != NULL ? sizeof(struct outframe) + fl : 0);
	uint8_t *m;

	while ((m = ring_reserve_wait(s->out, total)) == NULL) {
		if (s->e->o.live || atomic_load(&s->e->stop)) {
			s->out_drops++;
			return;
		}
		sched_yield();
	}
	memcpy(m, &h, sizeof(h));
	memcpy(m + sizeof(h), p, len);
	if (cp != NULL) {
		struct outframe of = { cp->ts, fl, cp->wirelen };

		memcpy(m + sizeof(h) + len, &of, sizeof(of));
		memcpy(m + sizeof(h) + len + sizeof(of), cp->data, fl);
	}
	ring_commit(s->out, total);
}

static void
sink_ring(void *arg, const char *rec, size_t len)
{
	sink_ring_put(arg, OUT_RECORD, rec, len, NULL, 0);
}

static void
sink_ring_event(void *arg, const struct event *ev, size_t len)
{
	struct wslot *s = arg;
	uint32_t flen = 0;
	const struct capture_pkt *cp = engine_event_frame(s->e, s->w, ev, &flen);

	sink_ring_put(s, OUT_EVENT, ev, len, cp, flen);
}

/* An event with its frame behind it (evidence on). */
static void
engine_deliver_frame(struct engine *e, const uint8_t *m, size_t len,
    const struct outhdr *h)
{
	static _Alignas(16) uint8_t evbuf[sizeof(struct event)];
	size_t tail = sizeof(struct outframe) + h->frame, evlen;
	struct keep_frame kf;
	struct outframe of;

	if (len < sizeof(*h) + tail)
		return;
	evlen = len - sizeof(*h) - tail;
	memset(evbuf, 0, sizeof(evbuf));
	memcpy(evbuf, m + sizeof(*h), evlen < sizeof(evbuf) ? evlen : sizeof(evbuf));
	memcpy(&of, m + sizeof(*h) + evlen, sizeof(of));
	kf = (struct keep_frame){ of.ts, of.caplen, of.wirelen, (uint16_t)e->linktype,
	    ((const struct event *)evbuf)->kind, m + sizeof(*h) + evlen + sizeof(of) };
	detect_event_frame(e->detect, (const struct event *)evbuf, &kf);
}

/* The merger hands on one ring message: a line to write or an event to detect. */
static void
engine_deliver(struct engine *e, const uint8_t *m, size_t len)
{
	struct outhdr h;
	static _Alignas(16) uint8_t evbuf[sizeof(struct event)];

	memcpy(&h, m, sizeof(h));
	if (h.type == OUT_RECORD) {
		engine_write(e, (const char *)m + sizeof(h), len - sizeof(h));
		return;
	}
	if (h.frame != 0) {
		engine_deliver_frame(e, m, len, &h);
		return;
	}
	/* copy out: ring memory is only 8-byte aligned */
	memset(evbuf, 0, sizeof(evbuf));
	memcpy(evbuf, m + sizeof(h), len - sizeof(h) < sizeof(evbuf) ?
	    len - sizeof(h) : sizeof(evbuf));
	detect_event(e->detect, (const struct event *)evbuf);
}

static void
worker_cb(void *arg, const struct capture_pkt *cp)
{
	struct wslot *s = arg;

	worker_packet(s->w, cp);
}

/*
 * Emits merged records in (seq, worker) order: the smallest head goes out once
 * no other worker can still produce a smaller one. final: all workers ended.
 */
static void
merge_drain(struct engine *e, bool final)
{
	uint64_t prog[64], hseq[64];
	const uint8_t *h[64];
	size_t len[64];
	unsigned i, j, m;

	for (;;) {
		for (j = 0; j < e->n; j++)
			prog[j] = atomic_load_explicit(&e->ws[j].processed, memory_order_acquire);
		m = e->n;
		for (j = 0; j < e->n; j++) {
			if ((h[j] = ring_peek(e->ws[j].out, &len[j])) == NULL)
				continue;
			memcpy(&hseq[j], h[j], 8);
			if (m == e->n || hseq[j] < hseq[m])
				m = j;
		}
		if (m == e->n)
			return;
		for (i = 0; i < e->n && !final && !e->o.live; i++) {
			if (i == m || h[i] != NULL || atomic_load(&e->ws[i].done))
				continue;
			if (prog[i] < hseq[m] && prog[i] != e->ws[i].dispatched)
				return;		/* worker i may still emit earlier records */
			if (hseq[m] == SEQ_FINAL && i < m)
				return;		/* its end-of-input records go first */
		}
		engine_deliver(e, h[m], len[m]);
		ring_release(e->ws[m].out);
	}
}

static unsigned
engine_pick(struct engine *e, const struct capture_pkt *cp)
{
	struct pkt pk;
	uint8_t k[32];
	enum decode_result rc;
	int c;

	pk.ts = 0;
	rc = decode_frame(e->linktype, cp->data, cp->caplen, &pk);
	if (rc != DECODE_OK && rc != DECODE_FRAGMENT)
		return 0;
	/* host pair only, ordered: both directions and all fragments agree */
	c = memcmp(pk.src, pk.dst, 16);
	memcpy(k, c <= 0 ? pk.src : pk.dst, 16);
	memcpy(k + 16, c <= 0 ? pk.dst : pk.src, 16);
	return (unsigned)(hash_bytes(k, sizeof(k), 0x6770) % e->n);
}

static void
dispatch_cb(void *arg, const struct capture_pkt *cp)
{
	struct engine *e = arg;
	struct inpkt h = { ++e->seq, cp->ts, cp->caplen, cp->wirelen };
	struct wslot *s = &e->ws[e->n == 1 ? 0 : engine_pick(e, cp)];
	uint8_t *p;

	while ((p = ring_reserve_wait(s->in, sizeof(h) + cp->caplen)) == NULL) {
		if (e->o.live) {
			e->dispatch_drops++;
			return;
		}
		ring_flush(s->in);
		merge_drain(e, false);
		/* the worker is behind by a whole ring: let it run */
		nanosleep(&(struct timespec){ 0, 50000 }, NULL);
	}
	memcpy(p, &h, sizeof(h));
	memcpy(p + sizeof(h), cp->data, cp->caplen);
	if (e->o.live)
		ring_commit(s->in, sizeof(h) + cp->caplen);
	else
		ring_commit_batch(s->in, sizeof(h) + cp->caplen);
	s->dispatched = h.seq;
}

static void
idle_wait(struct wslot *s, unsigned *idle)
{
	struct timespec ts = { 0, 200000 };

	if (++*idle < 64) {
		sched_yield();
		return;
	}
	nanosleep(&ts, NULL);
	if (s->e->o.live && *idle % 512 == 0)
		worker_tick(s->w, clock_wall() - TICK_LAG);
}

/* A worker fed by the dispatcher through its input ring. */
static void *
worker_ring_main(void *arg)
{
	struct wslot *s = arg;
	const uint8_t *m;
	struct inpkt h;
	struct capture_pkt cp;
	unsigned idle = 0;
	size_t len;
	bool eof;

	for (;;) {
		eof = atomic_load_explicit(&s->e->eof, memory_order_acquire);
		if ((m = ring_peek(s->in, &len)) == NULL) {
			if (eof)
				break;
			idle_wait(s, &idle);
			continue;
		}
		idle = 0;
		memcpy(&h, m, sizeof(h));
		cp = (struct capture_pkt){ m + sizeof(h), h.caplen, h.wirelen, h.ts };
		s->seq = h.seq;
		worker_packet(s->w, &cp);
		ring_release(s->in);
		atomic_store_explicit(&s->processed, h.seq, memory_order_release);
	}
	s->seq = SEQ_FINAL;
	worker_finish(s->w);
	atomic_store_explicit(&s->done, true, memory_order_release);
	return NULL;
}

/* A worker that reads its own af-packet socket. */
static void *
worker_cap_main(void *arg)
{
	struct wslot *s = arg;
	int n;

	while (!atomic_load(&s->e->stop)) {
		n = capture_dispatch(s->cap, BATCH, 100, worker_cb, s);
		if (n == 0)
			worker_tick(s->w, clock_wall() - TICK_LAG);
		else if (n < 0)
			break;
	}
	s->seq = SEQ_FINAL;
	worker_finish(s->w);
	atomic_store_explicit(&s->done, true, memory_order_release);
	return NULL;
}

static int
engine_slot(struct engine *e, struct wslot *s, unsigned id, char *err, size_t errlen)
{
	struct sink sk = { .emit = sink_direct_slot, .event = sink_direct_event, .arg = s };

	s->e = e;
	s->id = id;
	if (e->threaded) {
		sk = (struct sink){ .emit = sink_ring, .event = sink_ring_event, .arg = s };
		if ((s->out = ring_new(e->ring_bytes)) == NULL ||
		    (e->shared != NULL && (s->in = ring_new(e->ring_bytes)) == NULL))
			return snprintf(err, errlen, "cannot allocate rings"), -1;
	}
	if (e->shared == NULL && (s->cap = capture_open(&e->o.cap, id, err, errlen)) == NULL)
		return -1;
	if (s->cap != NULL)
		e->linktype = capture_linktype(s->cap);
	if (!decode_link_is_supported(e->linktype))
		return snprintf(err, errlen, "%s: link type %d is not supported",
		    e->o.cap.source, e->linktype), -1;
	if ((s->w = worker_new(id, e->conf, e->linktype, &sk, err, errlen)) == NULL)
		return -1;
	return 0;
}

/*
 * Offline with one worker, the main thread can read while a worker thread
 * analyses: the file's read and copy then overlap the analysis instead of
 * adding to it. Worth it only with a second CPU this process may run on
 * (taskset, cpusets).
 */
static bool
engine_reader_thread(const struct conf *c, const struct engine_opts *o)
{
	cpu_set_t cpus;

	if (o->live || strcmp(c->reader_thread, "off") == 0)
		return false;
	if (strcmp(c->reader_thread, "on") == 0)
		return true;
	if (sched_getaffinity(0, sizeof(cpus), &cpus) == 0)
		return CPU_COUNT(&cpus) > 1;
	return sysconf(_SC_NPROCESSORS_ONLN) > 1;
}

/* Library state set up once, before any thread starts. */
static void
engine_global_init(void)
{
	static bool done;

	if (done)
		return;
	sip_global_init();
	done = true;
}

struct engine *
engine_new(const struct conf *c, const struct engine_opts *o, char *err, size_t errlen)
{
	struct engine *e;
	unsigned i;

	if ((e = zalloc_lines(sizeof(*e))) == NULL)
		return snprintf(err, errlen, "out of memory"), NULL;
	engine_global_init();
	e->conf = c;
	e->o = *o;
	e->n = (unsigned)(c->workers > 64 ? 64 : c->workers);
	e->o.cap.workers = e->n;
	if ((e->ws = zalloc_lines(e->n * sizeof(*e->ws))) == NULL)
		goto err;
	if (strcmp(o->cap.driver, "af-packet") != 0) {
		if ((e->shared = capture_open(&e->o.cap, 0, err, errlen)) == NULL)
			goto err;
		e->linktype = capture_linktype(e->shared);
	}
	e->threaded = e->shared == NULL || e->n > 1 || engine_reader_thread(c, o);
	/*
	 * Live, rings absorb bursts (a full one drops). Offline a full ring only
	 * makes the reader wait, so they stay small enough to live in cache:
	 * measured on the steady bench trace, 2 MiB rings beat 8 MiB ones by 8 %.
	 */
	e->ring_bytes = e->o.live || c->ring_bytes < OFFLINE_RING ? c->ring_bytes : OFFLINE_RING;
	if ((e->detect = detect_new(c, &(struct sink){ .emit = sink_direct, .arg = e,
	    .detection = sink_detection })) == NULL) {
		snprintf(err, errlen, "cannot allocate the detect stage's tables");
		goto err;
	}
	if (detect_keep_start(e->detect, c, err, errlen) == -1)
		goto err;
	e->evidence = strcmp(c->evidence, "on") == 0;
	e->ev_snaplen = (uint32_t)c->evidence_snaplen;
	e->ev_rtp_payload = strcmp(c->evidence_rtp, "payload") == 0;
	for (i = 0; i < e->n; i++)
		if (engine_slot(e, &e->ws[i], i, err, errlen) == -1)
			goto err;
	return e;
err:
	engine_free(e);
	return NULL;
}

static int
engine_start(struct engine *e, char *err, size_t errlen)
{
	char name[16];
	unsigned i;

	for (i = 0; i < e->n; i++) {
		if (pthread_create(&e->ws[i].th, NULL, e->shared ? worker_ring_main :
		    worker_cap_main, &e->ws[i]) != 0)
			return snprintf(err, errlen, "cannot start worker threads"), -1;
		e->ws[i].started = true;
		snprintf(name, sizeof(name), "gw-worker%u", i % 100);	/* for top -H, perf */
		(void)pthread_setname_np(e->ws[i].th, name);
	}
	return 0;
}

/* Live: the detect stage's clock moves on even when no event comes. */
static void
engine_idle(struct engine *e)
{
	usec_t now;

	if (!e->o.live)
		return;
	now = clock_wall();
	if (now - e->last_idle < USEC_PER_SEC / 10)
		return;
	e->last_idle = now;
	detect_tick(e->detect, now - TICK_LAG);
}

static usec_t
engine_clock(struct engine *e)
{
	usec_t c = 0;
	unsigned i;

	for (i = 0; i < e->n; i++)
		if (worker_clock(e->ws[i].w) > c)
			c = worker_clock(e->ws[i].w);
	return c;
}

static bool
engine_limit(struct engine *e)
{
	return e->o.max_packets != 0 && e->seq >= e->o.max_packets;
}

/* The main thread's read loop over the shared handle. */
static int
engine_read(struct engine *e, char *err, size_t errlen)
{
	capture_cb cb = e->threaded ? dispatch_cb : worker_cb;
	void *arg = e->threaded ? (void *)e : (void *)&e->ws[0];
	unsigned i;
	int n, max;

	while (!atomic_load(&e->stop) && !engine_limit(e)) {
		max = e->o.max_packets ? (int)(e->o.max_packets - e->seq) : BATCH;
		n = capture_dispatch(e->shared, max < BATCH ? max : BATCH, 100, cb, arg);
		for (i = 0; e->threaded && i < e->n; i++)
			ring_flush(e->ws[i].in);	/* the batch becomes visible */
		if (!e->threaded && n > 0)
			e->seq += (uint64_t)n;
		if (n == -1)
			break;
		if (n == -2)
			return snprintf(err, errlen, "%s", capture_error(e->shared)), -1;
		if (n == 0 && e->o.live && !e->threaded)
			worker_tick(e->ws[0].w, clock_wall() - TICK_LAG);
		if (e->threaded)
			merge_drain(e, false);
		engine_idle(e);
		engine_conf_batch(e);
	}
	return 0;
}

static bool
engine_all_done(struct engine *e)
{
	unsigned i;

	for (i = 0; i < e->n; i++)
		if (!atomic_load_explicit(&e->ws[i].done, memory_order_acquire))
			return false;
	return true;
}

int
engine_run(struct engine *e, char *err, size_t errlen)
{
	struct timespec ts = { 0, 1000000 };
	int rc = 0;
	unsigned i;

	if (e->threaded && engine_start(e, err, errlen) == -1)
		return -1;
	if (e->shared != NULL)
		rc = engine_read(e, err, errlen);
	atomic_store_explicit(&e->eof, true, memory_order_release);
	if (!e->threaded) {
		worker_finish(e->ws[0].w);
		detect_finish(e->detect, engine_clock(e));
		return rc;
	}
	while (!engine_all_done(e)) {
		merge_drain(e, false);
		engine_idle(e);
		engine_conf_batch(e);
		if (e->shared == NULL && !atomic_load(&e->stop))
			nanosleep(&ts, NULL);
		else
			sched_yield();
	}
	for (i = 0; i < e->n; i++)
		pthread_join(e->ws[i].th, NULL), e->ws[i].started = false;
	merge_drain(e, true);
	detect_finish(e->detect, engine_clock(e));
	return rc;
}

void
engine_stop(struct engine *e)
{
	atomic_store(&e->stop, true);
}

const char *const engine_drop_names[ED_N] = {
#define X(k, n, l) n,
	ENGINE_DROPS(X)
#undef X
};

const bool engine_drop_is_loss[ED_N] = {
#define X(k, n, l) l,
	ENGINE_DROPS(X)
#undef X
};

/* The sum of v[0..n) less the outcomes in keep (a bit per index). */
static uint64_t
sum_except(const uint64_t *v, size_t n, uint64_t keep)
{
	uint64_t s = 0;

	for (size_t i = 0; i < n; i++)
		if ((keep >> i & 1) == 0)
			s += v[i];
	return s;
}

void
engine_drops(const struct engine_stats *st, uint64_t d[ED_N])
{
	const uint64_t decoded = 1u << DECODE_OK | 1u << DECODE_FRAGMENT;

	d[ED_KERNEL] = st->cap.kernel_drops;
	d[ED_INTERFACE] = st->cap.iface_drops;
	d[ED_CAPTURE_RING] = st->cap.ring_drops;
	d[ED_DISPATCH] = st->dispatch_drops;
	/* frames the decoder could not take to a flow, outer and reassembled */
	d[ED_DECODE] = sum_except(st->w.decode, DECODE_NRESULTS, decoded) +
	    sum_except(st->w.inner_decode, DECODE_NRESULTS, decoded);
	d[ED_REASM] = sum_except(st->w.reasm.result, REASM_NRESULTS,
	    1u << REASM_HELD | 1u << REASM_COMPLETE) + st->w.reasm.timeouts;
	d[ED_FLOW_EVICTED] = st->w.flow.expired[FLOW_END_EVICTED];
	d[ED_DPI_POOL] = st->w.dpi.pool_full;
	d[ED_VOIP_POOL] = st->w.voip.state_pool_full;
	d[ED_RECORD_RING] = st->record_drops;
	d[ED_RECORD_OVERFLOW] = st->w.record_overflow;
	d[ED_EVIDENCE] = st->detect.evidence_drops;
}

const struct detect *
engine_detect(const struct engine *e)
{
	return e->detect;
}

void
engine_stats(struct engine *e, struct engine_stats *st)
{
	struct worker_stats ws;
	struct capture_stats cs;
	unsigned i;

	memset(st, 0, sizeof(*st));
	if (e->shared != NULL)
		capture_stats(e->shared, &st->cap);
	st->clock = engine_clock(e);
	st->memory_bytes = detect_bytes(e->detect);
	detect_stats(e->detect, &st->detect);
	for (i = 0; i < e->n; i++) {
		worker_stats(e->ws[i].w, &ws);
		worker_stats_add(&st->w, &ws);
		st->memory_bytes += worker_bytes(e->ws[i].w);
		st->record_drops += e->ws[i].out_drops;
		if (e->ws[i].cap == NULL)
			continue;
		capture_stats(e->ws[i].cap, &cs);
		st->cap.received += cs.received;
		st->cap.kernel_drops += cs.kernel_drops;
		st->cap.iface_drops += cs.iface_drops;
		st->cap.ring_drops += cs.ring_drops;
	}
	st->dispatch_drops = e->dispatch_drops;
	st->records = e->records;
	st->workers = e->n;
	st->memory_bytes += e->threaded ? (uint64_t)e->n * 2 * e->ring_bytes : 0;
}

void
engine_free(struct engine *e)
{
	unsigned i;

	if (e == NULL)
		return;
	atomic_store(&e->stop, true);
	atomic_store(&e->eof, true);
	for (i = 0; e->ws != NULL && i < e->n; i++) {
		if (e->ws[i].started)
			pthread_join(e->ws[i].th, NULL);
		worker_free(e->ws[i].w);
		capture_close(e->ws[i].cap);
		ring_free(e->ws[i].in);
		ring_free(e->ws[i].out);
	}
	free(e->ws);
	capture_close(e->shared);
	detect_free(e->detect);
	confswap_reader_free(e->cr);
	free(e);
}
