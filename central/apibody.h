/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Request bodies of the console API: one JSON object whose fields are all
 * named in a spec, each a string of bounded length, or (apibody_parse_spec)
 * a whole number in a range or an array of such strings (docs/api.md, Errors).
 */
#ifndef GWC_APIBODY_H
#define GWC_APIBODY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct apibody_field {
	const char	*name;
	char		*buf;		/* the value, NUL-terminated */
	size_t		 cap;		/* longest value is cap - 1 bytes */
	bool		 required;
	bool		 seen;		/* set by the parser */
};

/*
 * Parses body (len bytes, no NUL needed) into the fields; -1 with a message
 * for the client in err on bad JSON, a field not in the spec, a value that is
 * not a string or is too long, a missing required field.
 */
int	apibody_parse(const char *body, size_t len, struct apibody_field *, int n,
	    char *err, size_t errlen);

/* A whole number in lo..hi. */
struct apibody_int {
	const char	*name;
	int64_t		 lo, hi;
	bool		 required;
	bool		 seen;		/* set by the parser */
	int64_t		 v;		/* the value */
};

/* An array of 1..max strings, each of at most cap - 1 bytes. */
struct apibody_strs {
	const char	*name;
	char		*buf;		/* element i at buf + i * cap; max * cap bytes */
	size_t		 cap;
	int		 max;
	bool		 required;
	bool		 seen;		/* set by the parser */
	int		 n;		/* elements parsed */
};

/* The fields of a body, by type. */
struct apibody_spec {
	struct apibody_field	*str;
	int			 nstr;
	struct apibody_int	*num;
	int			 nnum;
	struct apibody_strs	*strs;
	int			 nstrs;
};

/*
 * apibody_parse with fields of every type; -1 with err also on a number that
 * is not whole or out of range, an array that is empty, too long, or holds
 * what is not a fitting string.
 */
int	apibody_parse_spec(const char *body, size_t len, struct apibody_spec *,
	    char *err, size_t errlen);

#endif
