/* SPDX-License-Identifier: BSD-2-Clause */
/* Bounds-checked read cursor over hostile bytes: a failed read consumes nothing. */
#ifndef GW_RD_H
#define GW_RD_H

#include <stddef.h>
#include <stdint.h>

struct rd {
	const uint8_t	*p;
	size_t		 left;
};

static inline void
rd_init(struct rd *r, const uint8_t *p, size_t len)
{
	r->p = p;
	r->left = len;
}

static inline int
rd_skip(struct rd *r, size_t n)
{
	if (r->left < n)
		return -1;
	r->p += n;
	r->left -= n;
	return 0;
}

static inline int
rd_u8(struct rd *r, uint8_t *v)
{
	if (r->left < 1)
		return -1;
	*v = r->p[0];
	r->p++;
	r->left--;
	return 0;
}

static inline int
rd_be16(struct rd *r, uint16_t *v)
{
	if (r->left < 2)
		return -1;
	*v = (uint16_t)(r->p[0] << 8 | r->p[1]);
	r->p += 2;
	r->left -= 2;
	return 0;
}

static inline int
rd_be32(struct rd *r, uint32_t *v)
{
	if (r->left < 4)
		return -1;
	*v = (uint32_t)r->p[0] << 24 | (uint32_t)r->p[1] << 16 |
	    (uint32_t)r->p[2] << 8 | r->p[3];
	r->p += 4;
	r->left -= 4;
	return 0;
}

static inline int
rd_le16(struct rd *r, uint16_t *v)
{
	if (r->left < 2)
		return -1;
	*v = (uint16_t)(r->p[1] << 8 | r->p[0]);
	r->p += 2;
	r->left -= 2;
	return 0;
}

static inline int
rd_le32(struct rd *r, uint32_t *v)
{
	if (r->left < 4)
		return -1;
	*v = (uint32_t)r->p[3] << 24 | (uint32_t)r->p[2] << 16 |
	    (uint32_t)r->p[1] << 8 | r->p[0];
	r->p += 4;
	r->left -= 4;
	return 0;
}

/* Peek without consuming; -1 when fewer than n bytes remain. */
static inline int
rd_peek(const struct rd *r, size_t n, const uint8_t **out)
{
	if (r->left < n)
		return -1;
	*out = r->p;
	return 0;
}

#endif
