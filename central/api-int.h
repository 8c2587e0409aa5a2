/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Inside the console API: a request on its way through a handler, the route
 * tables each api-*.c module exports, and the helpers handlers share.
 * api.c authenticates, checks CSRF and role, then calls the route's handler.
 */
#ifndef GWC_API_INT_H
#define GWC_API_INT_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "http.h"
#include "storage.h"
#include "users.h"

#define API_POOL_MAX	16
#define API_PARAMS	2		/* {} segments of a route path */
#define API_PARAM_MAX	64		/* bytes of one {} segment */
#define ROLES_ALL	(ROLE_BIT(ROLE_N) - 1)
#define API_CONNS	256		/* connections besides the event streams */

struct cfg;
struct throttle;
struct auditq;

struct api {
	const struct cfg *cfg;
	struct users_cost cost;
	struct throttle	*thr;
	struct http	*http;
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	int		 n;
	struct storage	*pool[API_POOL_MAX];
	bool		 busy[API_POOL_MAX];
	int		 streams;	/* open event streams (api-events.c), under mu */
	bool		 stopping;	/* api_stop: streams end, under mu */
	struct auditq	*aq;		/* the audit rows' group commit */
};

/* One request on its way through a handler. */
struct call {
	struct api		*a;
	const struct http_req	*req;
	struct http_resp	*out;
	struct storage		*st;
	struct user		 u;
	bool			 by_cookie;
	char			 csrf[USER_SECRET_HEX];
	int64_t			 now;
	int			 nparam;
	char			 param[API_PARAMS][API_PARAM_MAX + 1]; /* the {} segments */
};

/*
 * A route: method, path (a "{}" segment matches any one segment of 1..64
 * bytes, kept in call.param in order), the roles allowed (0: no login) and
 * the handler. Each module's table ends with a zeroed entry.
 */
struct api_route {
	const char	*method, *path;
	unsigned	 roles;
	void		(*fn)(struct call *);
};

extern const struct api_route api_routes_session[];	/* api-session.c */
extern const struct api_route api_routes_admin[];	/* api-admin.c */
extern const struct api_route api_routes_leads[];	/* api-leads.c */
extern const struct api_route api_routes_sims[];	/* api-sims.c */
extern const struct api_route api_routes_lead[];	/* api-lead.c */
extern const struct api_route api_routes_events[];	/* api-events.c */

/* A storage connection of the pool, waiting for one; give it back soon. */
struct storage *api_pool_get(struct api *);
void	 api_pool_put(struct api *, struct storage *);
extern const struct api_route api_routes_fleet[];	/* api-fleet.c */
extern const struct api_route api_routes_users[];	/* api-users.c */
extern const struct api_route api_routes_evidence[];	/* api-evidence.c */

/* The response body as a stream; api_json_end closes it with the status. */
FILE	*api_json_begin(struct call *);
void	 api_json_end(struct call *, FILE *, int status);
/* {"error":msg} with status. */
void	 api_fail(struct call *, int status, const char *msg);
/* An audit row as the caller from the caller's address. */
void	 api_audit(struct call *, const char *who, const char *action,
	    const char *target, const char *result);
/* The caller's name, "-" when nobody is logged in. */
const char *api_who(const struct call *);
/* A whole number query argument in lo..hi, dflt when absent; -1 when bad. */
int	 api_query_num(struct call *, const char *name, int64_t lo, int64_t hi,
	    int64_t dflt, int64_t *v);
struct audit_filter;
/* The audit routes' who=, action=, since=, until=, before= (api-admin.c); -1: a bad one. */
int	 api_audit_filter(struct call *, struct audit_filter *);
/*
 * A new session for c->u (api-session.c): the cookie and {"user","role","csrf"},
 * audited as login with result. Password and certificate login share it.
 */
void	 api_session_open(struct call *, const char *result);
/* call.param[i] as an id >= 1; -1 when it is not one. */
int	 api_param_id(const struct call *, int i, int64_t *id);

/* Row writers put a comma before every row but the first. */
struct api_rows {
	FILE		*o;
	int		 n;
	int64_t		 last;
};

/* Ends a page's array: ],"next":LAST} when it held limit rows, else ,"next":null. */
void	 api_rows_close(struct api_rows *, int64_t limit);

#endif
