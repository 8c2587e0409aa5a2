/* SPDX-License-Identifier: BSD-2-Clause */
/* The per-packet pipeline of one worker thread. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "worker.h"

struct worker {
	unsigned	 id;
	int		 linktype;
	const struct conf *conf;
	struct flow_table *ft;
	struct reasm	*ra;
	struct dpi	*dpi;
	struct voip	*voip;
	struct wire	*wire;
	struct sink	 sink;
	usec_t		 now;
	uint64_t	 expire_budget;
	struct worker_stats st;
	const struct capture_pkt *cur;	/* the frame in hand, for evidence */
	char		 line[REPORT_LINE_MAX];
};

static void
worker_flow_end(void *arg, struct flow *f, enum flow_end why, usec_t now)
{
	struct worker *w = arg;
	struct jw jw;

	if (why != FLOW_END_ACTIVE) {
		dpi_flow_end(w->dpi, f);
		voip_flow_end(w->voip, f, now);
	} else
		voip_flow_active(w->voip, f, now);
	jw_init(&jw, w->line, sizeof(w->line));
	report_flow(&jw, f, w->dpi, why, now);
	if (report_emit(&jw, &w->sink) == -1)
		w->st.record_overflow++;
}

struct worker *
worker_new(unsigned id, const struct conf *c, int linktype, const struct sink *sink,
    char *err, size_t errlen)
{
	usec_t tmo[FLOW_NCLASS] = { c->flow_timeout_udp, c->flow_timeout_tcp,
	    c->flow_timeout_tcp_closed };
	struct worker *w;

	if ((w = calloc(1, sizeof(*w))) == NULL)
		goto err_mem;
	w->id = id;
	w->linktype = linktype;
	w->conf = c;
	w->sink = *sink;
	w->expire_budget = c->flow_expire_budget;
	w->ft = flow_table_new(c->flow_capacity, tmo, c->flow_active_timeout,
	    worker_flow_end, w);
	w->ra = reasm_new(c->frag_capacity, c->frag_max_bytes, c->frag_timeout);
	w->dpi = dpi_new(c->dpi_capacity, (unsigned)c->dpi_max_packets_udp,
	    (unsigned)c->dpi_max_packets_tcp);
	w->voip = voip_new(c, sink);
	w->wire = wire_new(sink);
	if (w->ft == NULL || w->ra == NULL || w->dpi == NULL || w->voip == NULL ||
	    w->wire == NULL) {
		worker_free(w);
		goto err_mem;
	}
	return w;
err_mem:
	snprintf(err, errlen, "worker %u: cannot allocate its tables "
	    "(flow_capacity, frag_capacity, frag_max_bytes too large?)", id);
	return NULL;
}

void
worker_free(struct worker *w)
{
	if (w == NULL)
		return;
	flow_table_free(w->ft);
	reasm_free(w->ra);
	dpi_free(w->dpi);
	voip_free(w->voip);
	wire_free(w->wire);
	free(w);
}

static void
worker_flow(struct worker *w, const struct pkt *pk)
{
	struct flow *f;
	int dir;

	f = flow_lookup(w->ft, pk, &dir);
	flow_update(w->ft, f, pk, dir);
	dpi_process(w->dpi, f, pk);
	voip_packet(w->voip, f, pk, dir);
	wire_packet(w->wire, f, pk, dir);
}

/* A fragment: reassemble, then decode the whole datagram (which may nest). */
static void
worker_fragment(struct worker *w, struct pkt *pk)
{
	enum decode_result rc = DECODE_FRAGMENT;
	const uint8_t *dg;
	uint32_t dglen;
	int rounds;

	for (rounds = 0; rc == DECODE_FRAGMENT && rounds < 2; rounds++) {
		if (reasm_add(w->ra, pk, &dg, &dglen) != REASM_COMPLETE)
			return;
		rc = decode_ip(dg, dglen, pk);
		w->st.inner_decode[rc]++;
	}
	if (rc == DECODE_OK)
		worker_flow(w, pk);
}

void
worker_packet(struct worker *w, const struct capture_pkt *cp)
{
	enum decode_result rc;
	struct pkt pk;

	w->st.packets++;
	w->st.bytes += cp->wirelen;
	if (cp->ts >= w->now)
		w->now = cp->ts;
	else
		w->st.clock_backwards++;
	/* flows that ended before this packet are reported before it */
	flow_expire(w->ft, w->now, w->expire_budget);
	pk.ts = w->now;
	w->cur = cp;
	rc = decode_frame(w->linktype, cp->data, cp->caplen, &pk);
	w->st.decode[rc]++;
	if (rc == DECODE_OK)
		worker_flow(w, &pk);
	else if (rc == DECODE_FRAGMENT)
		worker_fragment(w, &pk);
	else if (rc == DECODE_UNSUP_PPP)
		wire_ppp(w->wire, &pk);
	w->cur = NULL;
}

const struct capture_pkt *
worker_frame(const struct worker *w)
{
	return w->cur;
}

void
worker_tick(struct worker *w, usec_t now)
{
	if (now > w->now)
		w->now = now;
	reasm_expire(w->ra, w->now);
	flow_expire(w->ft, w->now, w->expire_budget * 64);
}

void
worker_finish(struct worker *w)
{
	flow_flush(w->ft, w->now);
}

usec_t
worker_clock(const struct worker *w)
{
	return w->now;
}

void
worker_stats(const struct worker *w, struct worker_stats *st)
{
	*st = w->st;
	st->reasm = *reasm_stats(w->ra);
	st->flow = *flow_table_stats(w->ft);
	st->dpi = *dpi_stats(w->dpi);
	voip_stats(w->voip, &st->voip);
	wire_stats(w->wire, &st->wire);
}

size_t
worker_bytes(const struct worker *w)
{
	return sizeof(*w) + flow_table_bytes(w->ft) + reasm_bytes(w->ra) + dpi_bytes(w->dpi) +
	    voip_bytes(w->voip);
}

/* Every member is a uint64_t counter: add them as an array. */
void
worker_stats_add(struct worker_stats *sum, const struct worker_stats *st)
{
	uint64_t *a = (uint64_t *)sum;
	const uint64_t *b = (const uint64_t *)st;
	size_t i;

	_Static_assert(sizeof(struct worker_stats) % sizeof(uint64_t) == 0,
	    "worker_stats holds only uint64_t counters");
	for (i = 0; i < sizeof(*sum) / sizeof(uint64_t); i++)
		a[i] += b[i];
}
