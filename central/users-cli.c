/* SPDX-License-Identifier: BSD-2-Clause */
/* goipwatch-central user ...: console users and tokens from the shell, audited. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "cfg.h"
#include "out.h"
#include "users.h"

/* A password from stdin's first line, or a generated one (printed). */
static int
password(const struct users_cli *u, char *pw, size_t len)
{
	size_t n;

	if (!u->pw_stdin)
		return users_random_hex(pw, 12) == -1 ? -1 : 0;
	if (fgets(pw, (int)len, stdin) == NULL)
		return fputs("goipwatch-central: user: no password on stdin\n", stderr), -1;
	n = strcspn(pw, "\r\n");
	if (pw[n] == '\0' && n == len - 1)
		return fputs("goipwatch-central: user: password too long\n", stderr), -1;
	pw[n] = '\0';
	if (n < USER_PASS_MIN)
		return fprintf(stderr, "goipwatch-central: user: password shorter than %d\n",
		    USER_PASS_MIN), -1;
	return 0;
}

static int
check_name(const char *name)
{
	if (name != NULL && users_name_is_valid(name))
		return 0;
	fputs("goipwatch-central: user: want a name of 1..32 of a-z 0-9 . _ -, not '", stderr);
	out_tty_put(stderr, name ? name : "");
	fputs("'\n", stderr);
	return -1;
}

static int
check_role(const char *role)
{
	if (role != NULL && role_parse(role) != -1)
		return role_parse(role);
	fputs("goipwatch-central: user: --role admin|supervisor|analyst|carrier|engineer\n",
	    stderr);
	return -1;
}

static int
done(struct storage *st, const char *action, const char *name, int rc)
{
	char who[64];

	audit_add(st, audit_unix_user(who, sizeof(who)), "cli", action, name,
	    rc == 0 ? "ok" : "failed");
	return rc;
}

static bool
cert_cn_ok(const char *cn)
{
	if (*cn == '\0' || users_cn_is_valid(cn))
		return true;
	fputs("goipwatch-central: user: a certificate CN is 1..64 bytes of UTF-8 without"
	    " control characters\n", stderr);
	return false;
}

static int
add(struct storage *st, const struct users_cli *u, const char *name)
{
	char pw[USER_PASS_MAX + 2];
	int role = check_role(u->role);

	if (role == -1)
		return -1;
	if ((role == ROLE_CARRIER) != (u->carrier != NULL) ||
	    (u->carrier != NULL && !users_carrier_is_valid(u->carrier)))
		return fputs("goipwatch-central: user: a carrier user needs --carrier"
		    " MCCMNC (5 or 6 digits), other roles none\n", stderr), -1;
	if (password(u, pw, sizeof(pw)) == -1)
		return -1;
	if (u->cert_cn != NULL && (*u->cert_cn == '\0' || !cert_cn_ok(u->cert_cn)))
		return -1;
	if (done(st, "user add", name, users_add(st, name, (enum role)role, u->carrier,
	    u->cert_cn, pw, &u->cost)) == -1)
		return -1;
	if (!u->pw_stdin)
		printf("user %s password %s\n", name, pw);
	return 0;
}

static int
passwd(struct storage *st, const struct users_cli *u, const char *name)
{
	char pw[USER_PASS_MAX + 2];

	if (password(u, pw, sizeof(pw)) == -1 ||
	    done(st, "user passwd", name, users_passwd(st, name, pw, &u->cost)) == -1)
		return -1;
	if (!u->pw_stdin)
		printf("user %s password %s\n", name, pw);
	return 0;
}

static int
token(struct storage *st, const struct users_cli *u, const char *name)
{
	char tok[USER_SECRET_HEX];
	int64_t id;
	int role = check_role(u->role);

	if (role == -1 || done(st, "token add", name,
	    users_token_new(st, name, (enum role)role, &id, tok)) == -1)
		return -1;
	printf("token %" PRId64 " %s\n", id, tok);
	return 0;
}

static int
revoke(struct storage *st, const char *arg)
{
	char *end;
	long long id = strtoll(arg ? arg : "", &end, 10);

	if (arg == NULL || *arg == '\0' || *end != '\0' || id <= 0)
		return fputs("goipwatch-central: user revoke-token ID\n", stderr), -1;
	return done(st, "token revoke", arg, users_token_revoke(st, id));
}

int
users_cli(struct storage *st, const struct users_cli *u, int argc, const char **argv)
{
	const char *sub = argc > 1 ? argv[1] : "", *name = argc > 2 ? argv[2] : NULL;

	if (strcmp(sub, "cert") == 0 && argc == 4 && check_name(name) == 0)
		return cert_cn_ok(argv[3]) ? done(st, "user cert", name,
		    users_set_cert(st, name, argv[3])) : -1;
	if (strcmp(sub, "list") == 0)
		return users_print(st, stdout);
	if (strcmp(sub, "revoke-token") == 0)
		return revoke(st, name);
	if (strcmp(sub, "add") != 0 && strcmp(sub, "passwd") != 0 &&
	    strcmp(sub, "disable") != 0 && strcmp(sub, "token") != 0)
		return fputs("goipwatch-central: user add|passwd|disable|list|token|"
		    "revoke-token|cert NAME CN\n", stderr), -2;
	if (check_name(name) == -1)
		return -2;
	if (strcmp(sub, "add") == 0)
		return add(st, u, name);
	if (strcmp(sub, "passwd") == 0)
		return passwd(st, u, name);
	if (strcmp(sub, "token") == 0)
		return token(st, u, name);
	return done(st, "user disable", name, users_disable(st, name));
}
