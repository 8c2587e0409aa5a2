/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Broadband account names learnt from the mirror: RADIUS accounting (framed
 * address -> User-Name, Acct-Session-Id) and PPP PAP/CHAP in PPPoE sessions
 * (session -> user). Fixed capacity; a full neighbourhood replaces its oldest.
 */
#ifndef GW_ACCOUNT_H
#define GW_ACCOUNT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "clock.h"

#define ACCOUNT_NAME_LEN	64
#define ACCOUNT_KEY_LEN		18	/* the address, or 0xff 0xff and the session */

struct account_table;

struct account_table *account_table_new(size_t capacity);
void		 account_table_free(struct account_table *);
/* RADIUS Start/Interim: addr16 belongs to user now. Stop: forget it. */
void		 account_set_addr(struct account_table *, const uint8_t addr16[16],
		    const char *user, const char *session, usec_t);
void		 account_del_addr(struct account_table *, const uint8_t addr16[16]);
void		 account_set_pppoe(struct account_table *, uint16_t session,
		    const char *user, usec_t);
/* The account of a line: by PPPoE session when it has one, else by address. */
const char	*account_find(const struct account_table *, const uint8_t addr16[16],
		    bool has_pppoe, uint16_t session);
uint64_t	 account_replaced(const struct account_table *);
/* The table's key of an account: by PPPoE session when has_pppoe, else by address. */
void		 account_key(uint8_t key[ACCOUNT_KEY_LEN], const uint8_t addr16[16],
		    bool has_pppoe, uint16_t session);

#endif
