/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Which carrier a SIM belongs to: MCC+MNC from its IMSI, else from its ICCID's
 * issuer prefix (Chinese carriers only), as one SQL expression, so a carrier's
 * scope is a WHERE clause (docs/central.md, Carriers). Codes of one operator
 * (46000, 46002, ... China Mobile) form a group: a code names its group.
 */
#ifndef GWC_CARRIER_H
#define GWC_CARRIER_H

#include <stddef.h>

/*
 * The SQL expression of the MCC+MNC of a row with columns imsi and iccid
 * (given as SQL names, e.g. "s.imsi"): NULL when neither tells. -1 when it
 * does not fit len.
 */
int	carrier_sql(char *buf, size_t len, const char *imsi, const char *iccid);
/* The SQL expression of the group of the MCC+MNC expression code. */
int	carrier_group_sql(char *buf, size_t len, const char *code);
/* The group of an MCC+MNC: its operator's first code, or code itself. */
const char *carrier_group(const char *code);
/* The operator's name, or NULL for a code not in the table. */
const char *carrier_name(const char *code);

#endif
