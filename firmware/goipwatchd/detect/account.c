/* SPDX-License-Identifier: BSD-2-Clause */
/* Account names by address and by PPPoE session: open addressing, bounded probes. */
#include <stdlib.h>
#include <string.h>

#include "account.h"
#include "hash.h"
#include "str.h"

#define PROBE	16

struct account {
	uint8_t		key[18];	/* address, or 0xff 0xff + session */
	bool		used;
	usec_t		ts;
	char		user[ACCOUNT_NAME_LEN];
};

struct account_table {
	struct account	*v;
	size_t		 mask;
	uint64_t	 replaced;
};

struct account_table *
account_table_new(size_t capacity)
{
	struct account_table *t;
	size_t n = 64;

	while (n < capacity * 2 && n < ((size_t)1 << 26))
		n <<= 1;
	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	if ((t->v = calloc(n, sizeof(*t->v))) == NULL) {
		free(t);
		return NULL;
	}
	t->mask = n - 1;
	return t;
}

void
account_table_free(struct account_table *t)
{
	if (t == NULL)
		return;
	free(t->v);
	free(t);
}

static size_t
account_home(const struct account_table *t, const uint8_t key[18])
{
	return (size_t)hash_bytes(key, 18, 0x61636374) & t->mask;
}

/* The slot of key, or the slot to take for it (an empty one, else the oldest). */
static struct account *
account_slot(const struct account_table *t, const uint8_t key[18], bool *found)
{
	size_t h = account_home(t, key), i;
	struct account *a, *take = NULL;

	for (i = 0; i < PROBE; i++) {
		a = &t->v[(h + i) & t->mask];
		if (a->used && memcmp(a->key, key, 18) == 0) {
			*found = true;
			return a;
		}
		if (take == NULL || (take->used && (!a->used || a->ts < take->ts)))
			take = a;
	}
	*found = false;
	return take;
}

static void
account_put(struct account_table *t, const uint8_t key[18], const char *user, usec_t ts)
{
	struct account *a;
	bool found;

	if (user == NULL || *user == '\0')
		return;
	a = account_slot(t, key, &found);
	if (!found && a->used)
		t->replaced++;
	memcpy(a->key, key, 18);
	a->used = true;
	a->ts = ts;
	str_copy(a->user, sizeof(a->user), user);
}

static void
key_addr(uint8_t key[18], const uint8_t addr16[16])
{
	memcpy(key, addr16, 16);
	key[16] = key[17] = 0;
}

static void
key_pppoe(uint8_t key[18], uint16_t session)
{
	memset(key, 0, 18);
	key[0] = key[1] = 0xff;
	key[16] = (uint8_t)(session >> 8);
	key[17] = (uint8_t)session;
}

void
account_set_addr(struct account_table *t, const uint8_t addr16[16], const char *user,
    const char *session, usec_t ts)
{
	uint8_t key[18];

	(void)session;
	key_addr(key, addr16);
	account_put(t, key, user, ts);
}

void
account_del_addr(struct account_table *t, const uint8_t addr16[16])
{
	uint8_t key[18];
	struct account *a;
	bool found;

	key_addr(key, addr16);
	if ((a = account_slot(t, key, &found)) != NULL && found)
		a->used = false;
}

void
account_set_pppoe(struct account_table *t, uint16_t session, const char *user, usec_t ts)
{
	uint8_t key[18];

	key_pppoe(key, session);
	account_put(t, key, user, ts);
}

const char *
account_find(const struct account_table *t, const uint8_t addr16[16], bool has_pppoe,
    uint16_t session)
{
	uint8_t key[18];
	struct account *a;
	bool found;

	if (has_pppoe) {
		key_pppoe(key, session);
		if ((a = account_slot(t, key, &found)) != NULL && found)
			return a->user;
	}
	key_addr(key, addr16);
	if ((a = account_slot(t, key, &found)) != NULL && found)
		return a->user;
	return NULL;
}

uint64_t
account_replaced(const struct account_table *t)
{
	return t->replaced;
}

void
account_key(uint8_t key[ACCOUNT_KEY_LEN], const uint8_t addr16[16], bool has_pppoe,
    uint16_t session)
{
	if (has_pppoe)
		key_pppoe(key, session);
	else
		key_addr(key, addr16);
}
