/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The flow, line and pool tables are fixed by the configuration and touched
 * slot by slot as traffic arrives. On 4 KiB pages each first touch is a page
 * fault (some 10 % of the CPU on the scan trace, issue 18) and each random
 * slot a TLB miss. From 2 MiB up they are mapped 2 MiB-aligned and advised as
 * huge pages (MADV_HUGEPAGE: the kernel's "madvise" THP mode), so a fault
 * brings in 2 MiB. Still faulted in as used: peak RSS stays within what the
 * configuration reserves. Smaller ones come from calloc.
 */
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "bigmem.h"

#define BIGMEM_HUGE	((size_t)2 << 20)

static size_t
bigmem_len(size_t bytes)
{
	return (bytes + BIGMEM_HUGE - 1) & ~(BIGMEM_HUGE - 1);
}

void *
bigmem_calloc(size_t n, size_t size)
{
	size_t bytes, len, head;
	uint8_t *p;

	if (size != 0 && n > SIZE_MAX / size)
		return NULL;
	bytes = n * size;
	if (bytes < BIGMEM_HUGE || bytes > SIZE_MAX - 2 * BIGMEM_HUGE)
		return calloc(n, size);
	len = bigmem_len(bytes);
	p = mmap(NULL, len + BIGMEM_HUGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
	    -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	/* keep the 2 MiB-aligned len bytes inside, give back the rest */
	head = (BIGMEM_HUGE - (uintptr_t)p % BIGMEM_HUGE) % BIGMEM_HUGE;
	if (head > 0)
		munmap(p, head);
	if (BIGMEM_HUGE - head > 0)
		munmap(p + head + len, BIGMEM_HUGE - head);
	p += head;
#ifdef MADV_HUGEPAGE
	(void)madvise(p, len, MADV_HUGEPAGE);	/* advice: without THP, 4 KiB pages */
#endif
	return p;
}

void
bigmem_free(void *p, size_t n, size_t size)
{
	size_t bytes = n * size;

	if (p == NULL)
		return;
	if (bytes < BIGMEM_HUGE || bytes > SIZE_MAX - 2 * BIGMEM_HUGE)
		free(p);
	else
		munmap(p, bigmem_len(bytes));
}
