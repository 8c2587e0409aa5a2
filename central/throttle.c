/* SPDX-License-Identifier: BSD-2-Clause */
/* Login failures per key in a window, in a fixed table (docs/api.md). */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "throttle.h"

#define THROTTLE_SLOTS	1024
#define THROTTLE_KEY	80

struct slot {
	char		 key[THROTTLE_KEY];
	int64_t		 start;		/* the window's first failure */
	unsigned	 fails;
};

struct throttle {
	pthread_mutex_t	 mu;
	unsigned	 max;
	int64_t		 window;
	struct slot	 slots[THROTTLE_SLOTS];
};

struct throttle *
throttle_new(unsigned max_failures, int64_t window)
{
	struct throttle *t = calloc(1, sizeof(*t));

	if (t == NULL)
		return NULL;
	pthread_mutex_init(&t->mu, NULL);
	t->max = max_failures;
	t->window = window;
	return t;
}

void
throttle_free(struct throttle *t)
{
	if (t == NULL)
		return;
	pthread_mutex_destroy(&t->mu);
	free(t);
}

/* The slot of key, or NULL; with create, a free or the stalest slot. */
static struct slot *
find(struct throttle *t, const char *key, bool create)
{
	struct slot *old = &t->slots[0];

	for (int i = 0; i < THROTTLE_SLOTS; i++) {
		if (strncmp(t->slots[i].key, key, THROTTLE_KEY - 1) == 0 &&
		    t->slots[i].key[0] != '\0')
			return &t->slots[i];
		if (t->slots[i].start < old->start)
			old = &t->slots[i];
	}
	if (!create)
		return NULL;
	memset(old, 0, sizeof(*old));
	snprintf(old->key, sizeof(old->key), "%s", key);
	return old;
}

int64_t
throttle_wait(struct throttle *t, const char *key, int64_t now)
{
	struct slot *s;
	int64_t wait = 0;

	pthread_mutex_lock(&t->mu);
	if ((s = find(t, key, false)) != NULL && s->fails >= t->max &&
	    now - s->start < t->window)
		wait = s->start + t->window - now;
	pthread_mutex_unlock(&t->mu);
	return wait;
}

void
throttle_fail(struct throttle *t, const char *key, int64_t now)
{
	struct slot *s;

	pthread_mutex_lock(&t->mu);
	s = find(t, key, true);
	if (s->start == 0 || now - s->start >= t->window) {
		s->start = now;
		s->fails = 0;
	}
	s->fails++;
	pthread_mutex_unlock(&t->mu);
}

void
throttle_clear(struct throttle *t, const char *key)
{
	struct slot *s;

	pthread_mutex_lock(&t->mu);
	if ((s = find(t, key, false)) != NULL)
		memset(s, 0, sizeof(*s));
	pthread_mutex_unlock(&t->mu);
}
