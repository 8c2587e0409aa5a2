/* SPDX-License-Identifier: BSD-2-Clause */
/* Record formatting shared by every record type; the flow record. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "dpi.h"
#include "report.h"

static const uint8_t v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

const char *
report_ip(const uint8_t a[16], char buf[REPORT_IP_LEN])
{
	char *p = buf;
	int i;

	if (memcmp(a, v4mapped, 12) == 0) {
		/* dotted quad by hand: inet_ntop's is sprintf, once or twice a record */
		for (i = 12; i < 16; i++) {
			if (a[i] >= 100)
				*p++ = (char)('0' + a[i] / 100);
			if (a[i] >= 10)
				*p++ = (char)('0' + a[i] / 10 % 10);
			*p++ = (char)('0' + a[i] % 10);
			*p++ = i < 15 ? '.' : '\0';
		}
	} else
		inet_ntop(AF_INET6, a, buf, REPORT_IP_LEN);
	return buf;
}

const char *
report_l4_name(uint8_t proto)
{
	switch (proto) {
	case 6: return "tcp";
	case 17: return "udp";
	case 1: return "icmp";
	case 58: return "icmpv6";
	case 47: return "gre";
	case 50: return "esp";
	case 132: return "sctp";
	default: return NULL;
	}
}

void
report_open(struct jw *w, const char *type, usec_t ts)
{
	jw_obj_open(w, NULL);
	jw_str(w, "type", type);
	jw_ts(w, "ts", ts);
}

void
report_line(struct jw *w, const uint16_t *vlan, unsigned nvlan, bool has_pppoe,
    uint16_t pppoe_session)
{
	unsigned i;

	if (nvlan > 0) {
		jw_arr_open(w, "vlan");
		for (i = 0; i < nvlan; i++)
			jw_u64(w, NULL, vlan[i]);
		jw_arr_close(w);
	}
	if (has_pppoe)
		jw_u64(w, "pppoe_session", pppoe_session);
}

static void
report_encap(struct jw *w, const struct flow *f)
{
	report_line(w, f->vlan, f->nvlan, f->has_pppoe, f->pppoe_session);
	if (f->mpls_label)
		jw_u64(w, "mpls_label", f->mpls_label);
	if (f->tunnel != TUNNEL_NONE) {
		jw_str(w, "tunnel", tunnel_names[f->tunnel]);
		jw_u64(w, "tunnel_id", f->tunnel_id);
	}
}

void
report_flow(struct jw *w, const struct flow *f, struct dpi *d, enum flow_end end,
    usec_t now)
{
	char ip[REPORT_IP_LEN];
	const uint8_t *src, *dst;
	uint16_t sport, dport;
	const char *l4 = report_l4_name(f->key.proto);

	flow_endpoints(f, &src, &sport, &dst, &dport);
	report_open(w, "flow", now);
	if (l4 != NULL)
		jw_str(w, "proto", l4);
	else
		jw_u64(w, "proto", f->key.proto);
	jw_u64(w, "ip_version", f->key.ipver);
	jw_str(w, "src_ip", report_ip(src, ip));
	jw_u64(w, "src_port", sport);
	jw_str(w, "dst_ip", report_ip(dst, ip));
	jw_u64(w, "dst_port", dport);
	report_encap(w, f);
	jw_u64(w, "pkts_fwd", f->pkts[0]);
	jw_u64(w, "bytes_fwd", f->bytes[0]);
	jw_u64(w, "pkts_rev", f->pkts[1]);
	jw_u64(w, "bytes_rev", f->bytes[1]);
	jw_ts(w, "first_ts", f->start);
	jw_ts(w, "last_ts", f->last);
	jw_dbl(w, "duration", (double)(f->last - f->start) / 1e6, 3);
	jw_str(w, "ndpi_master", dpi_proto_name(d, f->dpi_master));
	jw_str(w, "ndpi_app", dpi_proto_name(d, f->dpi_app));
	if (f->dpi_guessed)
		jw_bool(w, "ndpi_guessed", true);
	jw_str(w, "end", flow_end_names[end]);
	jw_obj_close(w);
}

int
report_emit(struct jw *w, const struct sink *s)
{
	size_t n = jw_finish(w);

	if (n == 0)
		return -1;
	s->emit(s->arg, w->buf, n);
	return 0;
}

int
report_emit_detection(struct jw *w, const struct sink *s)
{
	if (report_emit(w, s) == -1)
		return -1;
	if (s->detection != NULL)
		s->detection(s->arg, w->buf, w->len);
	return 0;
}
