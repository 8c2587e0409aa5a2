/* SPDX-License-Identifier: BSD-2-Clause */
/* Console users, sessions and API tokens over the storage layer. */
#include <sys/random.h>

#include <argon2.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hex.h"
#include "authcache.h"
#include "out.h"
#include "tls-pki.h"
#include "utf8.h"
#include "users.h"

#define SALT_LEN	16
#define HASH_LEN	32
#define ENCODED_MAX	192

static const char *const roles[ROLE_N] = {
	[ROLE_ADMIN] = "admin", [ROLE_SUPERVISOR] = "supervisor",
	[ROLE_ANALYST] = "analyst", [ROLE_CARRIER] = "carrier",
	[ROLE_ENGINEER] = "engineer",
};

const char *
role_name(enum role r)
{
	return (unsigned)r < ROLE_N ? roles[r] : "?";
}

int
role_parse(const char *s)
{
	for (int i = 0; i < ROLE_N; i++)
		if (s != NULL && strcmp(s, roles[i]) == 0)
			return i;
	return -1;
}

bool
users_name_is_valid(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > USER_NAME_MAX || s[0] == '.' || s[0] == '-' || s[0] == '_')
		return false;
	return strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789._-") == n;
}

bool
users_cn_is_valid(const char *s)
{
	size_t n = strlen(s);

	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return false;
	return n >= 1 && n <= USER_CN_MAX && utf8_is_valid(s, n);
}

bool
users_carrier_is_valid(const char *s)
{
	size_t n = strlen(s);

	return (n == 5 || n == 6) && strspn(s, "0123456789") == n;
}

int
users_random_hex(char *out, size_t n)
{
	unsigned char b[64];

	if (n > sizeof(b) || getrandom(b, n, 0) != (ssize_t)n)
		return -1;
	hex_encode(b, n, out);
	return 0;
}

static int
hash_password(const char *pw, const struct users_cost *c, char *enc, size_t len)
{
	unsigned char salt[SALT_LEN];

	if (getrandom(salt, sizeof(salt), 0) != (ssize_t)sizeof(salt))
		return -1;
	return argon2id_hash_encoded(c->t, c->m_kib, 1, pw, strlen(pw), salt,
	    sizeof(salt), HASH_LEN, enc, len) == ARGON2_OK ? 0 : -1;
}

int
users_add(struct storage *st, const char *name, enum role r, const char *carrier,
    const char *cert_cn, const char *password, const struct users_cost *c)
{
	char enc[ENCODED_MAX];
	int64_t now = time(NULL);

	if (hash_password(password, c, enc, sizeof(enc)) == -1)
		return snprintf(st->err, sizeof(st->err), "argon2id failed"), -1;
	return db_exec(st, "INSERT INTO users (name, role, carrier, hash, created, changed,"
	    " cert_cn) VALUES ($1, $2, $3, $4, $5, $5, $6)", (struct db_arg[]){ DB_S(name),
	    DB_S(role_name(r)), carrier ? DB_S(carrier) : DB_NULL, DB_S(enc),
	    DB_I(now), cert_cn ? DB_S(cert_cn) : DB_NULL }, 6);
}

/* 1 when the query's COUNT(*) for s is above 0, 0 when not, -1 on error. */
static int
any_row(struct storage *st, const char *sql, const char *s)
{
	int64_t n;

	if (db_int(st, sql, (struct db_arg[]){ DB_S(s) }, 1, 0, &n) == -1)
		return -1;
	return n > 0;
}

int
users_exists(struct storage *st, const char *name)
{
	return any_row(st, "SELECT COUNT(*) FROM users WHERE name = $1", name);
}

int
users_cert_mapped(struct storage *st, const char *cn)
{
	return any_row(st, "SELECT COUNT(*) FROM users WHERE cert_cn = $1", cn);
}

/* An UPDATE that must hit a user: -1 naming it otherwise. */
static int
update_user(struct storage *st, const char *sql, const struct db_arg *a, int n,
    const char *name)
{
	int64_t changed = 0;

	if (st->ops->exec(st, sql, a, n, NULL, NULL, &changed) == -1)
		return -1;
	if (changed == 0)
		return snprintf(st->err, sizeof(st->err), "no user %s", name), -1;
	return 0;
}

int
users_passwd(struct storage *st, const char *name, const char *password,
    const struct users_cost *c)
{
	char enc[ENCODED_MAX];
	int rc;

	if (hash_password(password, c, enc, sizeof(enc)) == -1)
		return snprintf(st->err, sizeof(st->err), "argon2id failed"), -1;
	rc = update_user(st, "UPDATE users SET hash = $1, changed = $2 WHERE name = $3",
	    (struct db_arg[]){ DB_S(enc), DB_I(time(NULL)), DB_S(name) }, 3, name);
	authcache_clear();
	return rc;
}

int
users_disable(struct storage *st, const char *name)
{
	int rc;

	rc = update_user(st, "UPDATE users SET disabled = 1, changed = $1 WHERE name = $2",
	    (struct db_arg[]){ DB_I(time(NULL)), DB_S(name) }, 2, name);
	if (rc == 0)
		rc = db_exec(st, "DELETE FROM sessions WHERE user_id IN (SELECT id FROM"
		    " users WHERE name = $1)", (struct db_arg[]){ DB_S(name) }, 1);
	authcache_clear();	/* after the commits: no lookup before them refills it */
	return rc;
}

int
users_set_cert(struct storage *st, const char *name, const char *cn)
{
	int rc;

	rc = update_user(st, "UPDATE users SET cert_cn = $1, changed = $2 WHERE name = $3",
	    (struct db_arg[]){ *cn ? DB_S(cn) : DB_NULL, DB_I(time(NULL)), DB_S(name) }, 3,
	    name);
	authcache_clear();
	return rc;
}

int
users_list(struct storage *st, db_row_fn fn, void *arg)
{
	return db_query(st, "SELECT id, name, role, carrier, disabled, created, cert_cn"
	    " FROM users ORDER BY name", NULL, 0, fn, arg);
}

static int
print_row(void *arg, const struct db_row *r)
{
	struct out_tty t = { 0 };
	char when[32];

	fprintf(arg, "%-5" PRId64 " %-20s %-10s %-6s %-8s %s\n", row_int(r, 0),
	    out_tty(&t, row_str(r, 1)), out_tty(&t, row_str(r, 2)),
	    r->v[3] ? out_tty(&t, r->v[3]) : "-", row_int(r, 4) ? "disabled" : "active",
	    out_time(row_int(r, 5), when, sizeof(when)));
	return 0;
}

int
users_print(struct storage *st, FILE *f)
{
	fprintf(f, "%-5s %-20s %-10s %-6s %-8s %s\n", "ID", "NAME", "ROLE",
	    "CARRIER", "STATE", "CREATED");
	return users_list(st, print_row, f);
}

struct found {
	struct user	*u;
	char		 hash[ENCODED_MAX];
	bool		 ok;
};

/* Row: id, name, role, carrier, hash (optional, column 4). */
static int
found_row(void *arg, const struct db_row *r)
{
	struct found *f = arg;
	int role = role_parse(row_str(r, 2));

	if (role == -1)
		return 0;
	f->u->id = row_int(r, 0);
	snprintf(f->u->name, sizeof(f->u->name), "%s", row_str(r, 1));
	f->u->role = (enum role)role;
	snprintf(f->u->carrier, sizeof(f->u->carrier), "%s", r->v[3] ? r->v[3] : "");
	if (r->n > 4)
		snprintf(f->hash, sizeof(f->hash), "%s", row_str(r, 4));
	f->ok = true;
	return 0;
}

int
users_verify(struct storage *st, const char *name, const char *password,
    const struct users_cost *c, struct user *u)
{
	struct found f = { .u = u };
	char dummy[ENCODED_MAX];

	if (db_query(st, "SELECT id, name, role, carrier, hash FROM users"
	    " WHERE name = $1 AND disabled = 0", (struct db_arg[]){ DB_S(name) }, 1,
	    found_row, &f) == -1)
		return -1;
	if (!f.ok) {
		hash_password(password, c, dummy, sizeof(dummy));
		return -1;
	}
	return argon2id_verify(f.hash, password, strlen(password)) == ARGON2_OK ? 0 : -1;
}

int
users_by_cert(struct storage *st, const char *cn, struct user *u)
{
	struct found f = { .u = u };

	if (*cn == '\0' || db_query(st, "SELECT id, name, role, carrier FROM users"
	    " WHERE cert_cn = $1 AND disabled = 0", (struct db_arg[]){ DB_S(cn) }, 1,
	    found_row, &f) == -1)
		return -1;
	return f.ok ? 0 : -1;
}

int
users_session_new(struct storage *st, const struct user *u, const char *addr,
    char *token, char *csrf)
{
	char h[65];
	int64_t now = time(NULL);

	if (users_random_hex(token, 32) == -1 || users_random_hex(csrf, 32) == -1)
		return snprintf(st->err, sizeof(st->err), "no entropy"), -1;
	pki_sha256_hex(token, strlen(token), h);
	return db_exec(st, "INSERT INTO sessions (id_hash, user_id, csrf, created,"
	    " last_used, addr) VALUES ($1, $2, $3, $4, $4, $5)", (struct db_arg[]){
	    DB_S(h), DB_I(u->id), DB_S(csrf), DB_I(now), DB_S(addr) }, 5);
}

struct sess {
	struct found	 f;
	char		*csrf;
	int64_t		 created, last_used;
};

static int
sess_row(void *arg, const struct db_row *r)
{
	struct sess *s = arg;

	found_row(&s->f, r);
	snprintf(s->csrf, USER_SECRET_HEX, "%s", row_str(r, 4));
	s->created = row_int(r, 5);
	s->last_used = row_int(r, 6);
	return 0;
}

/* The session of token's hash h (filled), its user and CSRF into s; -1: none. */
static int
sess_find(struct storage *st, const char *token, char *h, struct sess *s)
{
	pki_sha256_hex(token, strlen(token), h);
	if (db_query(st, "SELECT u.id, u.name, u.role, u.carrier, s.csrf, s.created,"
	    " s.last_used FROM sessions s JOIN users u ON u.id = s.user_id"
	    " WHERE s.id_hash = $1 AND u.disabled = 0", (struct db_arg[]){ DB_S(h) },
	    1, sess_row, s) == -1 || !s->f.ok)
		return -1;
	return 0;
}

/* A session's last_used is written at most every idle/16 s (10 s at most). */
static int64_t
refresh_every(int64_t idle)
{
	return idle / 16 < 10 ? idle / 16 : 10;
}

/* The session of h from the cache, live at now: 0; -1: ask the database. */
static int
sess_cached(const char *h, int64_t now, int64_t idle, int64_t absolute, struct sess *s)
{
	struct authcache_ent e;

	/* what looks expired here goes to the database, which decides and deletes */
	if (!authcache_get(AUTHCACHE_SESSION, h, authcache_now_ms(), &e) ||
	    now - e.last_used > idle || now - e.created > absolute)
		return -1;
	*s->f.u = e.u;
	snprintf(s->csrf, USER_SECRET_HEX, "%s", e.csrf);
	s->created = e.created;
	s->last_used = e.last_used;
	s->f.ok = true;
	return 0;
}

int
users_session_get(struct storage *st, const char *token, int64_t now,
    int64_t idle, int64_t absolute, struct user *u, char *csrf)
{
	struct sess s = { .f.u = u, .csrf = csrf };
	struct authcache_ent e;
	char h[65];
	uint64_t g = authcache_gen();

	pki_sha256_hex(token, strlen(token), h);
	if (sess_cached(h, now, idle, absolute, &s) == -1) {
		if (sess_find(st, token, h, &s) == -1)
			return -1;
		if (now - s.last_used > idle || now - s.created > absolute) {
			db_exec(st, "DELETE FROM sessions WHERE id_hash = $1",
			    (struct db_arg[]){ DB_S(h) }, 1);
			authcache_drop(h);
			return -1;
		}
		e = (struct authcache_ent){ .u = *u, .created = s.created,
		    .last_used = s.last_used };
		snprintf(e.csrf, sizeof(e.csrf), "%s", csrf);
		authcache_put(g, AUTHCACHE_SESSION, h, authcache_now_ms(), &e);
	}
	/* refreshed at most every refresh_every(idle) s: not a write per request */
	if (now - s.last_used < refresh_every(idle))
		return 0;
	if (db_exec(st, "UPDATE sessions SET last_used = $1 WHERE id_hash = $2",
	    (struct db_arg[]){ DB_I(now), DB_S(h) }, 2) == -1)
		return -1;
	authcache_seen(h, now);
	return 0;
}

bool
users_session_is_live(struct storage *st, const char *token, int64_t now,
    int64_t idle, int64_t absolute)
{
	struct user u;
	char csrf[USER_SECRET_HEX];
	struct sess s = { .f.u = &u, .csrf = csrf };
	char h[65];

	return sess_find(st, token, h, &s) == 0 && now - s.last_used <= idle &&
	    now - s.created <= absolute;
}

int
users_session_purge(struct storage *st, int64_t now, int64_t idle, int64_t absolute)
{
	return db_exec(st, "DELETE FROM sessions WHERE last_used < $1 OR created < $2",
	    (struct db_arg[]){ DB_I(now - idle), DB_I(now - absolute) }, 2);
}

int
users_session_end(struct storage *st, const char *token)
{
	char h[65];
	int rc;

	pki_sha256_hex(token, strlen(token), h);
	rc = db_exec(st, "DELETE FROM sessions WHERE id_hash = $1",
	    (struct db_arg[]){ DB_S(h) }, 1);
	authcache_drop(h);	/* after the commit: no lookup before it refills it */
	return rc;
}

int
users_token_new(struct storage *st, const char *name, enum role r, int64_t *id,
    char *token)
{
	struct user u = { 0 };
	struct found f = { .u = &u };
	char h[65];

	if (db_query(st, "SELECT id, name, role, carrier FROM users WHERE name = $1",
	    (struct db_arg[]){ DB_S(name) }, 1, found_row, &f) == -1)
		return -1;
	if (!f.ok)
		return snprintf(st->err, sizeof(st->err), "no user %s", name), -1;
	if (users_random_hex(token, 32) == -1)
		return snprintf(st->err, sizeof(st->err), "no entropy"), -1;
	pki_sha256_hex(token, strlen(token), h);
	if (db_exec(st, "INSERT INTO api_tokens (hash, user_id, role, created)"
	    " VALUES ($1, $2, $3, $4)", (struct db_arg[]){ DB_S(h), DB_I(u.id),
	    DB_S(role_name(r)), DB_I(time(NULL)) }, 4) == -1)
		return -1;
	return db_int(st, "SELECT id FROM api_tokens WHERE hash = $1",
	    (struct db_arg[]){ DB_S(h) }, 1, -1, id);
}

int
users_token_get(struct storage *st, const char *token, struct user *u)
{
	struct found f = { .u = u };
	struct authcache_ent e;
	char h[65];
	uint64_t g = authcache_gen();

	pki_sha256_hex(token, strlen(token), h);
	if (authcache_get(AUTHCACHE_TOKEN, h, authcache_now_ms(), &e)) {
		*u = e.u;
		return 0;
	}
	if (db_query(st, "SELECT u.id, u.name, t.role, u.carrier FROM api_tokens t"
	    " JOIN users u ON u.id = t.user_id WHERE t.hash = $1"
	    " AND t.revoked IS NULL AND u.disabled = 0", (struct db_arg[]){ DB_S(h) },
	    1, found_row, &f) == -1 || !f.ok)
		return -1;	/* a failed lookup is never cached */
	e = (struct authcache_ent){ .u = *u };
	authcache_put(g, AUTHCACHE_TOKEN, h, authcache_now_ms(), &e);
	return 0;
}

int
users_token_revoke(struct storage *st, int64_t id)
{
	int64_t changed = 0;

	if (st->ops->exec(st, "UPDATE api_tokens SET revoked = $1 WHERE id = $2"
	    " AND revoked IS NULL", (struct db_arg[]){ DB_I(time(NULL)), DB_I(id) }, 2,
	    NULL, NULL, &changed) == -1)
		return -1;
	authcache_clear();	/* after the commit: no lookup before it refills it */
	if (changed == 0)
		return snprintf(st->err, sizeof(st->err), "no live token %" PRId64, id), -1;
	return 0;
}
