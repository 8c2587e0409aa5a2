/* SPDX-License-Identifier: BSD-2-Clause */
/* nDPI's start-up allocations from one mapping per detection module (dpi-mem.c). */
#ifndef GW_DPI_MEM_H
#define GW_DPI_MEM_H

#include <stddef.h>

struct dpi_mem;

/*
 * dpi_mem_begin: until dpi_mem_end, every ndpi_malloc of this thread is cut from
 * a fresh mapping (NULL: no mapping, plain malloc; the caller goes on). Call it
 * before any thread that runs nDPI starts, as engine_new creates its workers.
 * dpi_mem_release: after ndpi_exit_detection_module, unmaps it.
 */
struct dpi_mem	*dpi_mem_begin(void);
void		 dpi_mem_end(struct dpi_mem *);
void		 dpi_mem_release(struct dpi_mem *);

#endif
