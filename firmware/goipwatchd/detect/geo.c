/* SPDX-License-Identifier: BSD-2-Clause */
/* The IP-to-country database: one MMDB opened read-only (mmap), looked up per peer. */
#include <ctype.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <maxminddb.h>

#include "geo.h"

const char *const geo_where_names[] = {
	"subscriber", "trusted_peer", "domestic_prefix", "home_country", "foreign"
};

struct geo {
	MMDB_s	db;
	char	desc[96];
};

struct geo *
geo_open(const char *path, char *err, size_t errlen)
{
	struct geo *g;
	struct tm tm;
	time_t t;
	int rc;

	if ((g = calloc(1, sizeof(*g))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if ((rc = MMDB_open(path, MMDB_MODE_MMAP, &g->db)) != MMDB_SUCCESS) {
		snprintf(err, errlen, "%s: %s", path, MMDB_strerror(rc));
		free(g);
		return NULL;
	}
	t = (time_t)g->db.metadata.build_epoch;
	gmtime_r(&t, &tm);
	snprintf(g->desc, sizeof(g->desc), "%.60s %04d-%02d-%02d",
	    g->db.metadata.database_type ? g->db.metadata.database_type : "?",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
	return g;
}

const char *
geo_path(const struct conf *c, char *buf, size_t len)
{
	if (c->spool_dir[0] != '\0' && (size_t)snprintf(buf, len, "%s/" GEO_PUSHED,
	    c->spool_dir) < len && access(buf, R_OK) == 0)
		return buf;
	snprintf(buf, len, "%s", c->geoip_db);
	return buf;
}

void
geo_close(struct geo *g)
{
	if (g == NULL)
		return;
	MMDB_close(&g->db);
	free(g);
}

const char *
geo_describe(const struct geo *g)
{
	return g ? g->desc : "none";
}

/* The code in either layout: DB-IP lite's "country_code", MaxMind's "country/iso_code". */
static bool
geo_code(MMDB_entry_s *e, char cc[3])
{
	MMDB_entry_data_s v;

	if ((MMDB_get_value(e, &v, "country_code", NULL) != MMDB_SUCCESS || !v.has_data) &&
	    (MMDB_get_value(e, &v, "country", "iso_code", NULL) != MMDB_SUCCESS ||
	    !v.has_data))
		return false;
	if (v.type != MMDB_DATA_TYPE_UTF8_STRING || v.data_size != 2 ||
	    !isupper((unsigned char)v.utf8_string[0]) ||
	    !isupper((unsigned char)v.utf8_string[1]))
		return false;
	cc[0] = v.utf8_string[0];
	cc[1] = v.utf8_string[1];
	cc[2] = '\0';
	return true;
}

bool
geo_country(const struct geo *g, const uint8_t a[16], char cc[3])
{
	static const uint8_t v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	struct sockaddr_in6 s6;
	struct sockaddr_in s4;
	MMDB_lookup_result_s r;
	int mmerr;

	cc[0] = '\0';
	if (g == NULL)
		return false;
	if (memcmp(a, v4mapped, 12) == 0) {
		memset(&s4, 0, sizeof(s4));
		s4.sin_family = AF_INET;
		memcpy(&s4.sin_addr, a + 12, 4);
		r = MMDB_lookup_sockaddr(&g->db, (struct sockaddr *)&s4, &mmerr);
	} else {
		memset(&s6, 0, sizeof(s6));
		s6.sin6_family = AF_INET6;
		memcpy(&s6.sin6_addr, a, 16);
		r = MMDB_lookup_sockaddr(&g->db, (struct sockaddr *)&s6, &mmerr);
	}
	return mmerr == MMDB_SUCCESS && r.found_entry && geo_code(&r.entry, cc);
}

/*
 * Subscriber lines and trusted peers first, then the configured domestic
 * prefixes, then the database: an address of home_country is domestic, any
 * other (and one the database does not know) is foreign.
 */
enum geo_where
geo_where(const struct conf *c, const struct geo *g, const uint8_t a[16], char cc[3])
{
	cc[0] = '\0';
	if (prefix_list_has(&c->subscriber_prefixes, a))
		return GEO_SUBSCRIBER;
	if (prefix_list_has(&c->trusted_peers, a))
		return GEO_TRUSTED;
	if (prefix_list_has(&c->domestic_prefixes, a))
		return GEO_DOMESTIC_PREFIX;
	if (geo_country(g, a, cc) && c->home_country[0] != '\0' &&
	    strcasecmp(cc, c->home_country) == 0)
		return GEO_HOME;
	return GEO_FOREIGN;
}
