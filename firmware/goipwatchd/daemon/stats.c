/* SPDX-License-Identifier: BSD-2-Clause */
/* Writes the stats record from an engine snapshot. */
#include "report.h"
#include "stats.h"

static void
stats_fields(struct jw *w, const char *const *names, const uint64_t *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		jw_u64(w, names[i], v[i]);
}

static void
stats_table(struct jw *w, const char *key, const char *const *names,
    const uint64_t *v, size_t n)
{
	jw_obj_open(w, key);
	stats_fields(w, names, v, n);
	jw_obj_close(w);
}

static void
stats_capture(struct jw *w, const struct engine_stats *st)
{
	jw_obj_open(w, "capture");
	jw_u64(w, "received", st->cap.received);
	jw_u64(w, "kernel_drops", st->cap.kernel_drops);
	jw_u64(w, "iface_drops", st->cap.iface_drops);
	jw_u64(w, "ring_drops", st->cap.ring_drops);
	jw_u64(w, "dispatch_drops", st->dispatch_drops);
	jw_obj_close(w);
}

static void
stats_reasm(struct jw *w, const struct reasm_stats *r)
{
	jw_obj_open(w, "reassembly");
	stats_fields(w, reasm_result_names, r->result, REASM_NRESULTS);
	jw_u64(w, "timeouts", r->timeouts);
	jw_u64(w, "overlaps", r->overlaps);
	jw_u64(w, "overlap_conflicts", r->overlap_conflicts);
	jw_u64(w, "in_use", r->in_use);
	jw_obj_close(w);
}

static void
stats_flows(struct jw *w, const struct flow_stats *f)
{
	jw_obj_open(w, "flows");
	jw_u64(w, "created", f->created);
	jw_u64(w, "in_use", f->in_use);
	jw_u64(w, "ended_idle", f->expired[FLOW_END_IDLE]);
	jw_u64(w, "ended_active", f->expired[FLOW_END_ACTIVE]);
	jw_u64(w, "ended_closed", f->expired[FLOW_END_CLOSED]);
	jw_u64(w, "evicted", f->expired[FLOW_END_EVICTED]);
	jw_u64(w, "ended_eof", f->expired[FLOW_END_EOF]);
	jw_obj_close(w);
}

static void
stats_dpi(struct jw *w, const struct dpi_stats *d)
{
	jw_obj_open(w, "dpi");
	jw_u64(w, "packets", d->packets);
	jw_u64(w, "detected", d->detected);
	jw_u64(w, "gave_up", d->gave_up);
	jw_u64(w, "guessed", d->guessed);
	jw_u64(w, "state_pool_full", d->pool_full);
	jw_u64(w, "too_long", d->too_long);
	jw_obj_close(w);
}

static void
stats_voip(struct jw *w, const struct voip_stats *v)
{
	jw_obj_open(w, "voip");
	stats_table(w, "flows", voip_kind_names, v->flows, VK_NKINDS);
	stats_table(w, "sip_parse", sip_result_names, v->sip, SIP_RESULT_MAX);
	stats_table(w, "rtp_decode", rtp_result_names, v->rtp, RTP_RESULT_MAX);
	jw_u64(w, "rtcp_packets", v->rtcp_packets);
	jw_u64(w, "rtp_streams", v->rtp_streams);
	jw_u64(w, "rtp_implausible", v->rtp_implausible);
	jw_u64(w, "opaque_voice", v->opaque_voice);
	jw_u64(w, "opaque_named_by_ndpi", v->opaque_named);
	jw_u64(w, "state_pool_full", v->state_pool_full);
	jw_u64(w, "tls_reports", v->tls_reports);
	jw_u64(w, "tls_sni_from_ndpi", v->tls_sni_ndpi);
	stats_table(w, "tcp_stream", stream_event_names, v->stream, STREAM_EV_MAX);
	jw_obj_close(w);
}

void
stats_write(struct jw *w, const struct engine_stats *st, const struct detect *d)
{
	report_open(w, "stats", st->clock);
	jw_u64(w, "workers", st->workers);
	jw_u64(w, "packets", st->w.packets);
	jw_u64(w, "bytes", st->w.bytes);
	jw_u64(w, "clock_backwards", st->w.clock_backwards);
	stats_capture(w, st);
	stats_table(w, "decode", decode_result_names, st->w.decode, DECODE_NRESULTS);
	stats_table(w, "decode_reassembled", decode_result_names, st->w.inner_decode,
	    DECODE_NRESULTS);
	stats_reasm(w, &st->w.reasm);
	stats_flows(w, &st->w.flow);
	stats_dpi(w, &st->w.dpi);
	stats_voip(w, &st->w.voip);
	jw_obj_open(w, "device");
	jw_u64(w, "goip_messages", st->w.wire.goip_msgs);
	jw_u64(w, "simbank_frames", st->w.wire.simbank_frames);
	jw_u64(w, "simbank_suppressed", st->w.wire.simbank_suppressed);
	jw_u64(w, "dbl_traces", st->w.wire.dbl);
	jw_u64(w, "radius_accounting", st->w.wire.radius);
	jw_u64(w, "ppp_auth", st->w.wire.ppp_auth);
	jw_obj_close(w);
	if (d != NULL)
		detect_stats_write(d, w);
	jw_obj_open(w, "records");
	jw_u64(w, "written", st->records);
	jw_u64(w, "ring_drops", st->record_drops);
	jw_u64(w, "overflow", st->w.record_overflow);
	jw_obj_close(w);
	jw_u64(w, "memory_bytes", st->memory_bytes);
	jw_obj_close(w);
}
