/* SPDX-License-Identifier: BSD-2-Clause */
/* sipreg: periodic REGISTER with digest challenge, and one-off scanner probes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sipgen_priv.h"

enum reg_state { R_REG, R_401, R_REG_AUTH, R_200 };

struct reg {
	struct src src;
	struct reg_spec rs;
	enum reg_state state;
	uint64_t t_cycle;
	unsigned refresh;	/* the registrar's nonce lasts 5 refreshes */
	struct sip_party me, srv;
	char call_id[64], branch[16], nonce[40], registrar[64];
	char via_resp[256], from[256], to[256], auth[384];
};

static void
reg_request(struct sim *sim, struct reg *r, bool auth)
{
	struct tvars tv = { .n = 0 };
	char cseq[12], expires[12];

	r->me.cseq++;
	sip_branch(sim, r->branch);
	snprintf(cseq, sizeof(cseq), "%u", r->me.cseq);
	snprintf(expires, sizeof(expires), "%u", r->rs.expires);
	r->auth[0] = '\0';
	if (auth)
		snprintf(r->auth, sizeof(r->auth), "Authorization: Digest username=\"%s\", "
		    "realm=\"%s\", nonce=\"%s\", uri=\"sip:%s\", "
		    "response=\"%08x%08x%08x%08x\", algorithm=MD5\n", r->rs.user, r->srv.ip,
		    r->nonce, r->registrar, (uint32_t)rng_u64(sim_rng(sim)),
		    (uint32_t)rng_u64(sim_rng(sim)), (uint32_t)rng_u64(sim_rng(sim)),
		    (uint32_t)rng_u64(sim_rng(sim)));
	sip_party_vars(&r->me, &tv, sim_tmpl(sim));
	tvars_set(&tv, "registrar", r->registrar);
	tvars_set(&tv, "branch", r->branch);
	tvars_set(&tv, "user", r->rs.user);
	tvars_set(&tv, "from_tag", r->me.tag);
	tvars_set(&tv, "call_id", r->call_id);
	tvars_set(&tv, "cseq", cseq);
	tvars_set(&tv, "expires", expires);
	tvars_set(&tv, "auth", r->auth);
	sip_emit(sim, &r->src, &r->rs.sig, DIR_AB, r->rs.opaque, "register", &tv);
}

static void
reg_response(struct sim *sim, struct reg *r, bool ok)
{
	struct tvars tv = { .n = 0 };
	char cseq[12], extra[256];

	snprintf(r->via_resp, sizeof(r->via_resp),
	    "SIP/2.0/UDP %s;rport=%u;received=%s;branch=z9hG4bK%s", r->me.hostport,
	    r->rs.sig.pa, r->me.ip, r->branch);
	snprintf(r->from, sizeof(r->from), "<sip:%s@%s>;tag=%s", r->rs.user, r->registrar,
	    r->me.tag);
	snprintf(r->to, sizeof(r->to), "<sip:%s@%s>;tag=%s", r->rs.user, r->registrar,
	    r->srv.tag);
	snprintf(cseq, sizeof(cseq), "%u", r->me.cseq);
	if (ok)
		snprintf(extra, sizeof(extra), "Contact: <sip:%s@%s>;expires=%u\n",
		    r->rs.user, r->me.hostport, r->rs.expires);
	else
		snprintf(extra, sizeof(extra), "WWW-Authenticate: Digest realm=\"%s\", "
		    "nonce=\"%s\", qop=\"auth\"\n", r->srv.ip, r->nonce);
	sip_party_vars(&r->srv, &tv, sim_tmpl(sim));
	tvars_set(&tv, "status", ok ? "200 OK" : "401 Unauthorized");
	tvars_set(&tv, "via_hdr", r->via_resp);
	tvars_set(&tv, "from_hdr", r->from);
	tvars_set(&tv, "to_hdr", r->to);
	tvars_set(&tv, "call_id", r->call_id);
	tvars_set(&tv, "cseq", cseq);
	tvars_set(&tv, "cseq_method", "REGISTER");
	tvars_set(&tv, "extra", extra);
	tvars_set(&tv, "sdp", "");
	sip_emit(sim, &r->src, &r->rs.sig, DIR_BA, r->rs.opaque, "response", &tv);
}

static int
reg_step(struct sim *sim, struct src *s)
{
	struct reg *r = (struct reg *)s;
	uint64_t rtt = rng_range(sim_rng(sim), 15, 90) * 1000ULL;

	switch (r->state) {
	case R_REG:
		r->t_cycle = s->t;
		if (r->refresh % 5 == 0)
			snprintf(r->nonce, sizeof(r->nonce), "%016llx%08x",
			    (unsigned long long)rng_u64(sim_rng(sim)),
			    (uint32_t)(s->t / SYNTH_US));
		reg_request(sim, r, r->refresh % 5 != 0);
		r->state = r->refresh % 5 != 0 ? R_200 : R_401;
		break;
	case R_401:
		reg_response(sim, r, false);
		r->state = R_REG_AUTH;
		rtt = rng_range(sim_rng(sim), 2, 20) * 1000ULL;
		break;
	case R_REG_AUTH:
		reg_request(sim, r, true);
		r->state = R_200;
		break;
	case R_200:
		reg_response(sim, r, true);
		r->state = R_REG;
		r->refresh++;
		s->t = r->t_cycle + r->rs.interval_s * SYNTH_US + rng_below(sim_rng(sim), 400000);
		return s->t >= r->rs.t_stop ? SRC_DONE : SRC_MORE;
	}
	s->t += rtt;
	return SRC_MORE;
}

struct src *
sipgen_reg_new(uint64_t t0, const struct reg_spec *rs)
{
	struct reg *r = calloc(1, sizeof(*r));
	uint64_t h = t0 ^ ((uint64_t)rs->sig.pa << 24) ^ rs->sig.a.b[3] ^ rs->sig.a.b[15];

	if (r == NULL)
		return NULL;
	r->rs = *rs;
	r->src.t = t0;
	r->src.step = reg_step;
	sip_party_init(&r->me, &rs->sig, DIR_AB, rs->st, 0, h);
	sip_party_init(&r->srv, &rs->sig, DIR_BA, rs->srv, 0, h >> 9);
	snprintf(r->registrar, sizeof(r->registrar), "%s", r->srv.host);
	snprintf(r->call_id, sizeof(r->call_id), "%u@%s", (uint32_t)(h * 2246822519u),
	    r->me.ip);
	return &r->src;
}

enum probe_state { P_REQ, P_RESP };

struct probe {
	struct src src;
	struct ep e;
	enum probe_state state;
	bool answered;
	char ua[48], method[12], ext[16], call_id[48], branch[16], tag[16];
	struct sip_party line, scanner;
};

static int
probe_step(struct sim *sim, struct src *s)
{
	struct probe *p = (struct probe *)s;
	struct tvars tv = { .n = 0 };
	char hdr[192], via[256];

	snprintf(hdr, sizeof(hdr), "\"%s\"<sip:%s@%s>", p->ext, p->ext, p->line.host);
	tvars_set(&tv, "ua", p->ua);
	tvars_set(&tv, "via", p->scanner.hostport);
	tvars_set(&tv, "branch", p->branch);
	tvars_set(&tv, "ruri_user", p->ext);
	tvars_set(&tv, "ruri_host", p->line.host);
	tvars_set(&tv, "scan_name", p->ext);
	tvars_set(&tv, "from_tag", p->tag);
	tvars_set(&tv, "call_id", p->call_id);
	tvars_set(&tv, "contact_user", p->ext);
	tvars_set(&tv, "contact_hp", p->scanner.hostport);
	if (p->state == P_REQ) {
		tvars_set(&tv, "method", p->method);
		tvars_set(&tv, "cseq_method", p->method);
		tvars_set(&tv, "cseq", "1");
		tvars_set(&tv, "from_hdr", hdr);
		tvars_set(&tv, "to_hdr", hdr);
		sip_emit(sim, s, &p->e, DIR_BA, false,
		    strcmp(p->method, "OPTIONS") == 0 ? "options" : "request", &tv);
		p->state = P_RESP;
		s->t += rng_range(sim_rng(sim), 1, 30) * 1000ULL;
		return p->answered ? SRC_MORE : SRC_DONE;
	}
	snprintf(via, sizeof(via), "SIP/2.0/UDP %s;branch=z9hG4bK-%s;rport=%u",
	    p->scanner.hostport, p->branch, p->e.pb);
	sip_party_vars(&p->line, &tv, sim_tmpl(sim));
	tvars_set(&tv, "status", strcmp(p->method, "OPTIONS") == 0 ? "200 OK" :
	    "404 Not Found");
	tvars_set(&tv, "via_hdr", via);
	tvars_set(&tv, "from_hdr", hdr);
	tvars_set(&tv, "to_hdr", hdr);
	tvars_set(&tv, "cseq", "1");
	tvars_set(&tv, "cseq_method", p->method);
	tvars_set(&tv, "extra", "");
	tvars_set(&tv, "sdp", "");
	sip_emit(sim, s, &p->e, DIR_AB, false, "response", &tv);
	return SRC_DONE;
}

/* e: a = the probed line, b = the scanner. */
struct src *
sipgen_probe_new(uint64_t t0, const struct ep *e, const char *ua, const char *method,
    const char *ext, bool answered)
{
	struct probe *p = calloc(1, sizeof(*p));
	uint64_t h = t0 * 31 + e->pb;

	if (p == NULL)
		return NULL;
	p->src.t = t0;
	p->src.step = probe_step;
	p->e = *e;
	p->answered = answered;
	snprintf(p->ua, sizeof(p->ua), "%s", ua);
	snprintf(p->method, sizeof(p->method), "%s", method);
	snprintf(p->ext, sizeof(p->ext), "%s", ext);
	snprintf(p->call_id, sizeof(p->call_id), "%llu", (unsigned long long)(h * 40503u));
	snprintf(p->branch, sizeof(p->branch), "%u", (uint32_t)(h * 2654435761u));
	snprintf(p->tag, sizeof(p->tag), "%08x", (uint32_t)(h >> 3));
	sip_party_init(&p->line, e, DIR_AB, &sip_softphone, 0, h);
	sip_party_init(&p->scanner, e, DIR_BA, &sip_softphone, 0, h);
	return &p->src;
}
