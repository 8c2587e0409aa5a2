/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nDPI's start-up allocations from one mapping per detection module.
 *
 * ndpi_init_detection_module makes some 80,000 small allocations (its patricia
 * trees of known networks, the host-name automata): about 45 % of a start-up
 * that took 45 ms, which `make bench` pays on every run and a live restart pays
 * once per worker. Cut in order from one mapping, they cost a pointer bump, and
 * the trees' nodes lie next to each other, so the inserts that walk them miss
 * the cache less (steady trace: 45 -> 30 ms of start-up, docs/bench.md).
 *
 * Only the allocations of dpi_new's own thread between dpi_mem_begin and
 * dpi_mem_end come from the mapping; nDPI's allocations while it runs (flow
 * data, caches) go to malloc as before, so tests/integration/nomalloc.sh still
 * sees them as nDPI's. Freeing a block of the mapping does nothing: the
 * mapping goes as a whole in dpi_mem_release, after ndpi_exit_detection_module.
 * A start-up that outgrows the mapping goes on with malloc.
 *
 * Under ASan the mapping is off: the leak checker does not look for pointers
 * inside it, and nDPI's start-up stays under ASan's eye.
 */
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

#include <ndpi_api.h>

#include "dpi-mem.h"
#include "mem.h"

#define DPI_MEM_BYTES	((size_t)32 << 20)	/* reserved, faulted in as used: nDPI 4.2 takes 4.3 MB */
#define DPI_MEM_SLOTS	64			/* live modules with a mapping (engine_new: at most 64 workers) */
#define DPI_MEM_ALIGN	16

struct dpi_mem {
	char		*base, *next, *end;
	unsigned	 slot;
};

#ifdef GW_ASAN
struct dpi_mem *
dpi_mem_begin(void)
{
	return NULL;
}

void
dpi_mem_end(struct dpi_mem *m)
{
	(void)m;
}

void
dpi_mem_release(struct dpi_mem *m)
{
	(void)m;
}
#else
/* The live mappings' ranges: what dpi_mem_free looks through, from any thread. */
static struct {
	_Atomic uintptr_t lo, hi;
} dpi_mem_ranges[DPI_MEM_SLOTS];
static _Atomic unsigned dpi_mem_nslots;		/* slots ever used: the search's end */
static _Thread_local struct dpi_mem *dpi_mem_cur;

static void *
dpi_mem_alloc(size_t n)
{
	struct dpi_mem *m = dpi_mem_cur;
	size_t need = (n + DPI_MEM_ALIGN - 1) & ~(size_t)(DPI_MEM_ALIGN - 1);
	void *p;

	if (m == NULL || need < n || need > (size_t)(m->end - m->next))
		return malloc(n);
	p = m->next;
	m->next += need;
	return p;
}

static void
dpi_mem_free(void *p)
{
	uintptr_t u = (uintptr_t)p;
	unsigned i, n = atomic_load(&dpi_mem_nslots);

	for (i = 0; i < n; i++)
		if (u >= atomic_load(&dpi_mem_ranges[i].lo) && u < atomic_load(&dpi_mem_ranges[i].hi))
			return;
	free(p);
}

struct dpi_mem *
dpi_mem_begin(void)
{
	static atomic_flag hooked = ATOMIC_FLAG_INIT;
	struct dpi_mem *m;
	unsigned i, n;
	uintptr_t zero;

	if ((m = calloc(1, sizeof(*m))) == NULL)
		return NULL;
	m->base = mmap(NULL, DPI_MEM_BYTES, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (m->base == MAP_FAILED) {
		free(m);
		return NULL;
	}
#ifdef MADV_HUGEPAGE
	/* 4.3 MB in 2 MiB faults, not a thousand 4 KiB ones (advice: 4 KiB without THP) */
	(void)madvise(m->base, DPI_MEM_BYTES, MADV_HUGEPAGE);
#endif
	m->next = m->base;
	m->end = m->base + DPI_MEM_BYTES;
	for (i = 0; i < DPI_MEM_SLOTS; i++) {	/* a free slot has lo == 0 */
		zero = 0;
		if (atomic_compare_exchange_strong(&dpi_mem_ranges[i].lo, &zero, (uintptr_t)m->base))
			break;
	}
	if (i == DPI_MEM_SLOTS) {
		munmap(m->base, DPI_MEM_BYTES);
		free(m);
		return NULL;
	}
	m->slot = i;
	atomic_store(&dpi_mem_ranges[i].hi, (uintptr_t)m->end);
	while ((n = atomic_load(&dpi_mem_nslots)) <= i &&
	    !atomic_compare_exchange_weak(&dpi_mem_nslots, &n, i + 1))
		;
	/* the free hook stays for good: blocks of a mapping are freed long after */
	if (!atomic_flag_test_and_set(&hooked))
		set_ndpi_free(dpi_mem_free);
	dpi_mem_cur = m;
	set_ndpi_malloc(dpi_mem_alloc);
	return m;
}

void
dpi_mem_end(struct dpi_mem *m)
{
	if (m == NULL)
		return;
	set_ndpi_malloc(NULL);		/* nDPI's own malloc again */
	dpi_mem_cur = NULL;
}

void
dpi_mem_release(struct dpi_mem *m)
{
	if (m == NULL)
		return;
	atomic_store(&dpi_mem_ranges[m->slot].hi, 0);
	atomic_store(&dpi_mem_ranges[m->slot].lo, 0);
	munmap(m->base, DPI_MEM_BYTES);
	free(m);
}
#endif
