/* SPDX-License-Identifier: BSD-2-Clause */
/* sipgen_priv: one side of a SIP dialogue, shared by the call, register and probe sources. */
#ifndef SIPGEN_PRIV_H
#define SIPGEN_PRIV_H

#include "gen.h"

struct sip_party {
	const struct sip_stack *st;
	char user[24];
	char ip[48];		/* as in SDP */
	char host[56];		/* as in a URI: IPv6 in brackets */
	char hostport[64];
	char tag[16];
	char sess_id[16];
	unsigned cseq;
	uint16_t media_port;
};

void sip_party_init(struct sip_party *p, const struct ep *sig, int dir,
    const struct sip_stack *st, uint16_t media_port, uint64_t h);
void sip_party_vars(struct sip_party *p, struct tvars *tv, const struct tmpl_set *ts);
void sip_party_sdp(const struct sip_party *p, const struct tmpl_set *ts, bool offer,
    int codec, char *out, size_t cap);
void sip_branch(struct sim *sim, char out[16]);
int sip_emit(struct sim *sim, const struct src *s, struct ep *e, int dir, bool opaque,
    const char *tmpl, const struct tvars *tv);

#endif
