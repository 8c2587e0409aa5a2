/* SPDX-License-Identifier: BSD-2-Clause */
/* sim: run sources in capture-time order from a binary heap and write frames with libpcap. */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>

#include "synth.h"

#define SIM_FRAME_MAX	2048

struct sim {
	pcap_t *pd;
	pcap_dumper_t *dump;
	struct src **heap;
	size_t n, cap;
	uint64_t order;
	uint64_t t_end, max_pkts;
	uint64_t npkts, nbytes, t_first, t_last;
	struct rng rng;
	const struct tmpl_set *tmpl;
	uint8_t frame[SIM_FRAME_MAX];
};

struct sim *
sim_new(const char *path, uint64_t seed)
{
	struct sim *sim = calloc(1, sizeof(*sim));

	if (sim == NULL)
		return NULL;
	sim->pd = pcap_open_dead(DLT_EN10MB, 65535);
	if (sim->pd == NULL)
		goto err_free;
	sim->dump = pcap_dump_open(sim->pd, path);
	if (sim->dump == NULL) {
		fprintf(stderr, "synth: %s: %s\n", path, pcap_geterr(sim->pd));
		goto err_close;
	}
	rng_seed(&sim->rng, seed);
	sim->t_end = UINT64_MAX;
	sim->max_pkts = UINT64_MAX;
	return sim;
err_close:
	pcap_close(sim->pd);
err_free:
	free(sim);
	return NULL;
}

void
sim_free(struct sim *sim)
{
	if (sim == NULL)
		return;
	for (size_t i = 0; i < sim->n; i++)
		free(sim->heap[i]);
	free(sim->heap);
	if (sim->dump != NULL)
		pcap_dump_close(sim->dump);
	pcap_close(sim->pd);
	free(sim);
}

void
sim_limit(struct sim *sim, uint64_t t_end, uint64_t max_pkts)
{
	sim->t_end = t_end;
	sim->max_pkts = max_pkts;
}

static bool
sim_before(const struct src *x, const struct src *y)
{
	return x->t < y->t || (x->t == y->t && x->order < y->order);
}

static void
sim_up(struct sim *sim, size_t i)
{
	struct src **h = sim->heap;

	while (i > 0 && sim_before(h[i], h[(i - 1) / 2])) {
		struct src *tmp = h[i];
		h[i] = h[(i - 1) / 2];
		h[(i - 1) / 2] = tmp;
		i = (i - 1) / 2;
	}
}

static void
sim_down(struct sim *sim, size_t i)
{
	struct src **h = sim->heap;

	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		if (l < sim->n && sim_before(h[l], h[m]))
			m = l;
		if (r < sim->n && sim_before(h[r], h[m]))
			m = r;
		if (m == i)
			return;
		struct src *tmp = h[i];
		h[i] = h[m];
		h[m] = tmp;
		i = m;
	}
}

/* Takes ownership of s (malloc'd, s first in its owner); out of memory is fatal. */
void
sim_add(struct sim *sim, struct src *s)
{
	if (sim->n == sim->cap) {
		size_t cap = sim->cap ? sim->cap * 2 : 1024;
		struct src **h = realloc(sim->heap, cap * sizeof(*h));
		if (h == NULL) {
			fprintf(stderr, "synth: out of memory\n");
			exit(1);
		}
		sim->heap = h;
		sim->cap = cap;
	}
	s->order = sim->order++;
	sim->heap[sim->n] = s;
	sim_up(sim, sim->n++);
}

static struct src *
sim_pop(struct sim *sim)
{
	struct src *s = sim->heap[0];

	sim->heap[0] = sim->heap[--sim->n];
	if (sim->n > 0)
		sim_down(sim, 0);
	return s;
}

/* Run until no source is left, the end time passes or the packet budget is spent. */
int
sim_run(struct sim *sim)
{
	while (sim->n > 0 && sim->npkts < sim->max_pkts) {
		struct src *s = sim_pop(sim);
		if (s->t >= sim->t_end) {
			free(s);
			continue;
		}
		if (s->step(sim, s) == SRC_DONE)
			free(s);
		else
			sim_add(sim, s);
	}
	if (pcap_dump_flush(sim->dump) == -1) {
		fprintf(stderr, "synth: write failed\n");
		return -1;
	}
	return 0;
}

int
sim_emit(struct sim *sim, uint64_t t, struct ep *e, int dir, uint8_t tcp_flags,
    const void *pl, size_t len)
{
	struct pcap_pkthdr h;
	size_t n;

	if (sim->npkts >= sim->max_pkts || t >= sim->t_end)
		return -1;
	n = pkt_build(sim->frame, sizeof(sim->frame), e, dir, tcp_flags, pl, len);
	if (n == 0)
		return -1;
	if (t < sim->t_last)
		t = sim->t_last;	/* a source stepping backwards is a bug; keep the file sorted */
	if (sim->npkts == 0)
		sim->t_first = t;
	h.ts.tv_sec = (time_t)(t / SYNTH_US);
	h.ts.tv_usec = (suseconds_t)(t % SYNTH_US);
	h.caplen = h.len = (bpf_u_int32)n;
	pcap_dump((u_char *)sim->dump, &h, sim->frame);
	sim->t_last = t;
	sim->npkts++;
	sim->nbytes += n;
	return 0;
}

struct rng *
sim_rng(struct sim *sim)
{
	return &sim->rng;
}

const struct tmpl_set *
sim_tmpl(const struct sim *sim)
{
	return sim->tmpl;
}

void
sim_set_tmpl(struct sim *sim, const struct tmpl_set *ts)
{
	sim->tmpl = ts;
}

uint64_t
sim_packets(const struct sim *sim)
{
	return sim->npkts;
}

uint64_t
sim_bytes(const struct sim *sim)
{
	return sim->nbytes;
}

uint64_t
sim_first_ts(const struct sim *sim)
{
	return sim->t_first;
}

uint64_t
sim_last_ts(const struct sim *sim)
{
	return sim->t_last;
}
