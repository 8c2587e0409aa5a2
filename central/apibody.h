/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Request bodies of the console API: one JSON object whose fields are all
 * named in a spec, each a string of bounded length (docs/api.md, Errors).
 */
#ifndef GWC_APIBODY_H
#define GWC_APIBODY_H

#include <stdbool.h>
#include <stddef.h>

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

#endif
