/* SPDX-License-Identifier: BSD-2-Clause */
/* Heartbeat record layout (docs/records.md, type "health"). */
#include "health.h"
#include "jw.h"

static double
secs(usec_t a, usec_t b)
{
	return a > b ? (double)(a - b) / (double)USEC_PER_SEC : 0.0;
}

size_t
health_format(const struct health *h, char *buf, size_t cap)
{
	struct jw w;
	size_t n;

	jw_init(&w, buf, cap);
	jw_obj_open(&w, NULL);
	jw_str(&w, "type", "health");
	jw_ts(&w, "ts", h->now);
	jw_dbl(&w, "uptime", secs(h->now, h->started), 0);
	jw_str(&w, "firmware_version", h->firmware);
	jw_u64(&w, "config_version", h->config_version);
	jw_u64(&w, "packets", h->c.packets);
	jw_obj_open(&w, "drops");
	jw_u64(&w, "kernel", h->c.drops_kernel);
	jw_u64(&w, "ring", h->c.drops_ring);
	jw_u64(&w, "decode", h->c.drops_decode);
	jw_u64(&w, "flow_table_full", h->c.drops_flow_full);
	jw_u64(&w, "reassembly", h->c.drops_reasm);
	jw_obj_close(&w);
	jw_obj_open(&w, "spool");
	jw_u64(&w, "depth", h->spool_depth);
	jw_dbl(&w, "oldest_age", h->spool_oldest_ts ?
	    secs(h->now, h->spool_oldest_ts) : 0.0, 3);
	jw_u64(&w, "bytes", h->spool_bytes);
	/* every record the spool lost: central shows it as SPOOLDROP */
	jw_u64(&w, "dropped", h->spool_dropped + h->spool_write_errors +
	    h->spool_skipped);
	jw_u64(&w, "cap_dropped", h->spool_dropped);
	jw_u64(&w, "write_errors", h->spool_write_errors);
	jw_u64(&w, "skipped", h->spool_skipped);
	jw_obj_close(&w);
	jw_obj_open(&w, "tls");
	jw_str(&w, "state", h->tls_state);
	jw_u64(&w, "connects", h->tls_connects);
	jw_u64(&w, "failures", h->tls_failures);
	jw_obj_close(&w);
	jw_obj_close(&w);
	n = jw_finish(&w);
	if (n == 0)
		return 0;
	buf[--n] = '\0';	/* the spool stores records without the newline */
	return n;
}
