/* SPDX-License-Identifier: BSD-2-Clause */
/* Zeroed memory for the large fixed tables, on transparent huge pages where the kernel has them. */
#ifndef GW_BIGMEM_H
#define GW_BIGMEM_H

#include <stddef.h>

/* n * size zeroed bytes (NULL on overflow or failure); free with bigmem_free(p, n, size). */
void	*bigmem_calloc(size_t n, size_t size);
void	 bigmem_free(void *, size_t n, size_t size);

#endif
