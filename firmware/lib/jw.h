/* SPDX-License-Identifier: BSD-2-Clause */
/* JSON writer into a caller's fixed buffer: no allocation, overflow is sticky. */
#ifndef GW_JW_H
#define GW_JW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "clock.h"

struct jw {
	char		*buf;
	size_t		 cap;
	size_t		 len;
	uint32_t	 has_item;	/* bit d: level d already holds an item */
	int		 depth;
	bool		 overflow;
};

void	jw_init(struct jw *, char *buf, size_t cap);
/* key is NULL for array elements and the top level. */
void	jw_obj_open(struct jw *, const char *key);
void	jw_obj_close(struct jw *);
void	jw_arr_open(struct jw *, const char *key);
void	jw_arr_close(struct jw *);
void	jw_str(struct jw *, const char *key, const char *val);
void	jw_strn(struct jw *, const char *key, const char *val, size_t n);
void	jw_u64(struct jw *, const char *key, uint64_t);
void	jw_i64(struct jw *, const char *key, int64_t);
void	jw_dbl(struct jw *, const char *key, double, int prec);
void	jw_bool(struct jw *, const char *key, bool);
void	jw_ts(struct jw *, const char *key, usec_t);
/* Ends the line with '\n' and NUL; returns its length, or 0 after overflow. */
size_t	jw_finish(struct jw *);

#endif
