/* SPDX-License-Identifier: BSD-2-Clause */
/* The console API: leads (docs/api.md). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "api-int.h"
#include "leads.h"

/* leads_json's objects as the elements of an array. */
static void
h_leads(struct call *c)
{
	struct leads_filter lf = { .tier = http_query(c->req, "tier"), .now = c->now };
	FILE *o;
	int rc;

	if ((o = api_json_begin(c)) == NULL)
		return api_fail(c, 500, "out of memory");
	fputs("{\"leads\":", o);
	rc = leads_json_array(c->st, &lf, o);
	fputs("}\n", o);
	if (rc == -1) {
		fclose(o);
		return api_fail(c, 500, "storage error");
	}
	api_audit(c, api_who(c), "list", "leads", "ok");
	api_json_end(c, o, 200);
}

const struct api_route api_routes_leads[] = {
	{ "GET", "/api/v1/leads", ROLE_BIT(ROLE_SUPERVISOR) | ROLE_BIT(ROLE_ANALYST), h_leads },
	{ 0 }
};
