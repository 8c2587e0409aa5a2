/* SPDX-License-Identifier: BSD-2-Clause */
/* nDPI adapter: vendor types and calls stop here. */
#include <stdlib.h>
#include <string.h>

#include <ndpi_api.h>
#include <ndpi_main.h>

#include "dpi.h"
#include "dpi-mem.h"
#include "pool.h"

#if NDPI_MAJOR != 4 || NDPI_MINOR != 2
#error "dpi.c is written against the nDPI 4.2 API (see docs/libraries.md)"
#endif

struct dpi {
	struct ndpi_detection_module_struct *mod;
	struct dpi_mem	*mem;		/* the module's start-up allocations */
	struct pool	*pool;
	size_t		 flow_size;
	size_t		 mod_bytes;
	unsigned	 max_udp, max_tcp;
	struct dpi_stats st;
};

struct dpi *
dpi_new(size_t pool_capacity, unsigned max_udp, unsigned max_tcp)
{
	NDPI_PROTOCOL_BITMASK all;
	struct dpi *d;
	uint32_t before;

	if ((d = calloc(1, sizeof(*d))) == NULL)
		return NULL;
	before = ndpi_get_tot_allocated_memory();
	d->mem = dpi_mem_begin();
	/* Tor exit lists are no use here: they cost 1.7 MB and 11 M instructions */
	if ((d->mod = ndpi_init_detection_module(ndpi_dont_load_tor_hosts)) == NULL) {
		dpi_mem_end(d->mem);
		dpi_free(d);
		return NULL;
	}
	NDPI_BITMASK_SET_ALL(all);
	ndpi_set_protocol_detection_bitmask2(d->mod, &all);
	ndpi_finalize_initialization(d->mod);
	dpi_mem_end(d->mem);
	d->mod_bytes = ndpi_get_tot_allocated_memory() - before;
	d->flow_size = ndpi_detection_get_sizeof_ndpi_flow_struct();
	if ((d->pool = pool_new(d->flow_size, pool_capacity)) == NULL) {
		dpi_free(d);
		return NULL;
	}
	d->max_udp = max_udp;
	d->max_tcp = max_tcp;
	return d;
}

void
dpi_free(struct dpi *d)
{
	if (d == NULL)
		return;
	if (d->mod != NULL)
		ndpi_exit_detection_module(d->mod);
	dpi_mem_release(d->mem);
	pool_free(d->pool);
	free(d);
}

static void
dpi_release(struct dpi *d, struct flow *f)
{
	ndpi_free_flow_data(f->dpi);
	pool_put(d->pool, f->dpi);
	f->dpi = NULL;
	f->dpi_state = DPI_DONE;
	d->st.in_use--;
}

static void
dpi_set(struct flow *f, ndpi_protocol p)
{
	f->dpi_master = p.master_protocol;
	f->dpi_app = p.app_protocol;
}

static bool
dpi_start(struct dpi *d, struct flow *f)
{
	if ((f->dpi = pool_get(d->pool)) == NULL) {
		d->st.pool_full++;
		f->dpi_state = DPI_NO_STATE;
		return false;
	}
	memset(f->dpi, 0, d->flow_size);
	f->dpi_state = DPI_RUNNING;
	d->st.in_use++;
	return true;
}

void
dpi_process(struct dpi *d, struct flow *f, const struct pkt *pk)
{
	ndpi_protocol p;
	unsigned limit;

	if (f->dpi_state == DPI_NEW && !dpi_start(d, f))
		return;
	if (f->dpi_state != DPI_RUNNING)
		return;
	if (pk->l3len > 65535) {
		d->st.too_long++;
		return;
	}
	d->st.packets++;
	p = ndpi_detection_process_packet(d->mod, f->dpi, pk->l3,
	    (unsigned short)pk->l3len, pk->ts / 1000);
	f->dpi_pkts++;
	if (p.app_protocol != NDPI_PROTOCOL_UNKNOWN &&
	    !ndpi_extra_dissection_possible(d->mod, f->dpi)) {
		dpi_set(f, p);
		d->st.detected++;
		dpi_release(d, f);
		return;
	}
	limit = pk->l4proto == 6 ? d->max_tcp : d->max_udp;
	if (f->dpi_pkts >= limit)
		dpi_flow_end(d, f);
}

void
dpi_flow_end(struct dpi *d, struct flow *f)
{
	ndpi_protocol p;
	uint8_t guessed = 0;

	if (f->dpi_state != DPI_RUNNING)
		return;
	p = ndpi_detection_giveup(d->mod, f->dpi, 1, &guessed);
	dpi_set(f, p);
	d->st.gave_up++;
	if (guessed) {
		d->st.guessed++;
		f->dpi_guessed = true;
	}
	dpi_release(d, f);
}

const char *
dpi_proto_name(struct dpi *d, uint16_t id)
{
	const char *n = ndpi_get_proto_name(d->mod, id);

	return n != NULL ? n : "Unknown";
}

size_t
dpi_flow_server_name(const struct flow *f, uint8_t *out, size_t cap)
{
	const struct ndpi_flow_struct *nf = f->dpi;
	size_t n;

	if (f->dpi_state != DPI_RUNNING || nf == NULL)
		return 0;
	n = strnlen(nf->host_server_name, sizeof(nf->host_server_name));
	if (n > cap)
		n = cap;
	memcpy(out, nf->host_server_name, n);
	return n;
}

const struct dpi_stats *
dpi_stats(const struct dpi *d)
{
	return &d->st;
}

size_t
dpi_bytes(const struct dpi *d)
{
	return d->mod_bytes + pool_bytes(d->pool);
}
