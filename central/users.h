/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Console users (argon2id hashes), their browser sessions and API tokens
 * (docs/api.md). Secrets leave here once, in clear, and are stored hashed.
 */
#ifndef GWC_USERS_H
#define GWC_USERS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "storage.h"

enum role { ROLE_ADMIN, ROLE_SUPERVISOR, ROLE_ANALYST, ROLE_CARRIER,
	ROLE_ENGINEER, ROLE_N };
#define ROLE_BIT(r)	(1u << (r))

#define USER_NAME_MAX	32
#define USER_PASS_MIN	10
#define USER_PASS_MAX	256
#define USER_CN_MAX	64	/* a client certificate's subject CN (RFC 5280 ub-common-name) */
#define USER_SECRET_HEX	65	/* 256 random bits in hex, and a NUL */

struct user {
	int64_t		 id;
	char		 name[USER_NAME_MAX + 1];
	enum role	 role;
	char		 carrier[8];	/* MCC+MNC, carrier role only */
};

/* argon2id cost of new hashes. */
struct users_cost {
	uint32_t	 t;		/* passes */
	uint32_t	 m_kib;		/* memory */
};

const char	*role_name(enum role);
/* -1 for a name that is no role. */
int		 role_parse(const char *);
/* 1..32 of [a-z0-9._-], starting with a letter or digit. */
bool		 users_name_is_valid(const char *);
/* 1..USER_CN_MAX bytes of UTF-8 without control characters. */
bool		 users_cn_is_valid(const char *);
/* 5 or 6 digits. */
bool		 users_carrier_is_valid(const char *);
/* hex random bytes: n bytes as 2n hex digits (out holds 2n+1). -1: no entropy. */
int		 users_random_hex(char *out, size_t n);

/* carrier and cert_cn may be NULL. */
int	users_add(struct storage *, const char *name, enum role, const char *carrier,
	    const char *cert_cn, const char *password, const struct users_cost *);
/* 1: name exists, 0: not, -1: storage error. */
int	users_exists(struct storage *, const char *name);
/* 1: a user (enabled or not) has this certificate CN, 0: none, -1: storage error. */
int	users_cert_mapped(struct storage *, const char *cn);
int	users_passwd(struct storage *, const char *name, const char *password,
	    const struct users_cost *);
int	users_disable(struct storage *, const char *name);
/* name's client certificate CN (docs/api.md, login/cert); "" clears it. */
int	users_set_cert(struct storage *, const char *name, const char *cn);
/* 0 with *u when an enabled user has this CN; else -1. */
int	users_by_cert(struct storage *, const char *cn, struct user *u);
/* Rows: id, name, role, carrier, disabled, created, cert_cn. */
int	users_list(struct storage *, db_row_fn, void *);
int	users_print(struct storage *, FILE *);
/*
 * 0 with *u when name exists, is enabled and password matches; else -1
 * (an unknown name costs one hash too, so timing does not tell names).
 */
int	users_verify(struct storage *, const char *name, const char *password,
	    const struct users_cost *, struct user *u);

/* A new session of u: token (for the cookie) and csrf, each USER_SECRET_HEX. */
int	users_session_new(struct storage *, const struct user *, const char *addr,
	    char *token, char *csrf);
/*
 * The live session of token at now (idle and absolute limits in seconds):
 * fills u and csrf and refreshes it; -1 when unknown, expired or disabled.
 */
int	users_session_get(struct storage *, const char *token, int64_t now,
	    int64_t idle, int64_t absolute, struct user *u, char *csrf);
int	users_session_end(struct storage *, const char *token);
/* Whether the session of token is live at now, without refreshing it (streams). */
bool	users_session_is_live(struct storage *, const char *token, int64_t now,
	    int64_t idle, int64_t absolute);
/* Deletes every session expired at now (the housekeeping, housekeep.c). */
int	users_session_purge(struct storage *, int64_t now, int64_t idle, int64_t absolute);

/* A bearer token for name scoped to role; its id and the token once. */
int	users_token_new(struct storage *, const char *name, enum role,
	    int64_t *id, char *token);
/* The user of a live token, with the token's role. */
int	users_token_get(struct storage *, const char *token, struct user *u);
/* 0 when a live token was revoked, -1 otherwise. */
int	users_token_revoke(struct storage *, int64_t id);

/* The user command (users-cli.c): its options. */
struct users_cli {
	const char	*role, *carrier, *cert_cn;
	bool		 pw_stdin;
	struct users_cost cost;
};

/*
 * goipwatch-central user add|passwd|disable|list|token|revoke-token|cert; argv[0]
 * is "user". Changes are audited as the unix user. -2: a usage error.
 */
int	users_cli(struct storage *, const struct users_cli *, int argc, const char **argv);

#endif
