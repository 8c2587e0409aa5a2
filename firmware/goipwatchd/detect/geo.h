/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Where an address falls: the IP-to-country database (MMDB, read through
 * libmaxminddb) behind the home-country rule of docs/detection.md.
 */
#ifndef GW_GEO_H
#define GW_GEO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf.h"

struct geo;

/* Opens the MMDB at path; NULL with the reason in err. */
struct geo	*geo_open(const char *path, char *err, size_t errlen);
void		 geo_close(struct geo *);
/* The ISO 3166 code of addr ("CN"), or false when the database has none. */
bool		 geo_country(const struct geo *, const uint8_t addr16[16], char cc[3]);
/* The database's description: type and build time ("DBIP-Country 2026-06-01"). */
const char	*geo_describe(const struct geo *);

#define GEO_PUSHED	"geodb.mmdb"	/* central's push, in spool_dir */

/*
 * The database in force: the one central pushed (spool_dir/geodb.mmdb) when
 * there is one, else geoip_db. Returns buf.
 */
const char	*geo_path(const struct conf *, char *buf, size_t len);

/* Why an address is domestic or foreign, for goipwatchd -n -q. */
enum geo_where { GEO_SUBSCRIBER, GEO_TRUSTED, GEO_DOMESTIC_PREFIX, GEO_HOME, GEO_FOREIGN };
extern const char *const geo_where_names[];
enum geo_where	 geo_where(const struct conf *, const struct geo *,
		    const uint8_t addr16[16], char cc[3]);

#endif
