/* SPDX-License-Identifier: BSD-2-Clause */
/* Capture front end: picks the variant the board built and forwards to it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture-int.h"

struct capture {
	const struct capture_ops *ops;
	void		*h;
	int		 linktype;
	uint64_t	 received;
	char		 err[256];
};

/* The variants, by the name -c takes. */
static const struct capture_ops *
capture_find(const char *name)
{
	const struct capture_ops *all[] = {
		&capture_ops_pcap_file, &capture_ops_pcap_live, &capture_ops_af_packet,
	};
	size_t i;

	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (strcmp(all[i]->name, name) == 0)
			return all[i];
	return NULL;
}

bool
capture_driver_exists(const char *name)
{
	return capture_find(name) != NULL;
}

struct capture *
capture_open(const struct capture_opts *o, unsigned worker, char *err, size_t errlen)
{
	const struct capture_ops *ops;
	struct capture *c;

	if ((ops = capture_find(o->driver)) == NULL) {
		snprintf(err, errlen, "capture driver %s is not built for this board", o->driver);
		return NULL;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	c->ops = ops;
	if ((c->h = ops->open(o, worker, &c->linktype, err, errlen)) == NULL) {
		free(c);
		return NULL;
	}
	return c;
}

int
capture_dispatch(struct capture *c, int max, int timeout_ms, capture_cb cb, void *arg)
{
	int n = c->ops->dispatch(c->h, max, timeout_ms, cb, arg, c->err, sizeof(c->err));

	if (n > 0)
		c->received += (uint64_t)n;
	return n;
}

int
capture_linktype(const struct capture *c)
{
	return c->linktype;
}

bool
capture_is_shared(const struct capture *c)
{
	return c->ops->shared;
}

void
capture_stats(struct capture *c, struct capture_stats *st)
{
	memset(st, 0, sizeof(*st));
	c->ops->stats(c->h, st);
	st->received = c->received;
}

const char *
capture_error(const struct capture *c)
{
	return c->err;
}

void
capture_close(struct capture *c)
{
	if (c == NULL)
		return;
	c->ops->close(c->h);
	free(c);
}
