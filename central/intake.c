/* SPDX-License-Identifier: BSD-2-Clause */
/* Inbound frame checks: framing, order, identity, sequence (see intake.h). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "intake.h"

void
intake_init(struct intake *in, const char *cn, struct intake_stats *st)
{
	memset(in, 0, sizeof(*in));
	in->room = (uint64_t)INT64_MAX;	/* stored seqs are BIGINT */
	in->cn = cn;
	in->stats = st;
}

static enum intake_what
refuse(struct intake *in, struct intake_result *r, uint16_t code, const char *why)
{
	r->what = IN_REFUSE;
	r->code = code;
	r->why = why;
	if (code < INTAKE_NERR)
		in->stats->refused[code]++;
	return IN_REFUSE;
}

void
intake_resume(struct intake *in, uint64_t high, uint64_t base, uint64_t window)
{
	in->top = high;
	in->window = window;
	in->room = base < (uint64_t)INT64_MAX ? (uint64_t)INT64_MAX - base : 0;
}

static enum intake_what
on_hello(struct intake *in, struct intake_result *r)
{
	size_t n = strlen(in->cn);

	if (frame_hello_decode(&r->f, &r->hello) != FRAME_OK) {
		in->stats->frames[FRAME_MALFORMED]++;
		return refuse(in, r, FRAME_ERR_MALFORMED, "malformed hello");
	}
	/* identity is the certificate's; the payload only has to agree */
	if (r->hello.appliance_id.len != n || memcmp(r->hello.appliance_id.p, in->cn, n))
		return refuse(in, r, FRAME_ERR_IDENTITY, "hello id is not the certificate's");
	in->hello_done = true;
	return r->what = IN_HELLO;
}

static uint64_t
be64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

/* The seq checks a report's records get (see on_report). */
static const char *
seq_refusal(struct intake *in, uint64_t seq, uint64_t top)
{
	if (seq > INT64_MAX)
		return "record seq above 2^63-1";
	if (seq <= in->last_seq)
		return "record seq not above the previous one";
	if (seq > in->room || (in->window != 0 && seq > top && seq - top > in->window))
		return "record seq leaps beyond the sequence window";
	return NULL;
}

/* One chunk of an evidence file: its seq goes with the reports'. */
static enum intake_what
on_evidence(struct intake *in, struct intake_result *r)
{
	const char *why;

	if (frame_evidence_decode(&r->f, &r->ev) != FRAME_OK) {
		in->stats->frames[FRAME_MALFORMED]++;
		return refuse(in, r, FRAME_ERR_MALFORMED, "malformed evidence chunk");
	}
	if ((why = seq_refusal(in, r->ev.seq, in->top)) != NULL)
		return refuse(in, r, FRAME_ERR_SEQUENCE, why);
	in->last_seq = r->ev.seq;
	if (r->ev.seq > in->top)
		in->top = r->ev.seq;
	r->last_seq = r->ev.seq;
	in->stats->evidence_chunks++;
	return r->what = IN_EVIDENCE;
}

/* Seqs must rise inside a report and across the reports of a session. */
static enum intake_what
on_report(struct intake *in, struct intake_result *r)
{
	struct frame_report_it it;
	enum frame_status s;
	const char *rec;
	uint64_t seq, top = in->top;
	size_t len;

	if (frame_report_begin(&r->f, &it) != FRAME_OK) {
		in->stats->frames[FRAME_MALFORMED]++;
		return refuse(in, r, FRAME_ERR_MALFORMED, "malformed report");
	}
	it.last_seq = in->last_seq;
	while ((s = frame_report_next(&it, &seq, &rec, &len)) == FRAME_OK) {
		if (seq > INT64_MAX)	/* stored as BIGINT: it would turn negative */
			return refuse(in, r, FRAME_ERR_SEQUENCE,
			    "record seq above 2^63-1");
		if (seq > in->room || (in->window != 0 && seq > top &&
		    seq - top > in->window))
			return refuse(in, r, FRAME_ERR_SEQUENCE,
			    "record seq leaps beyond the sequence window");
		if (seq > top)
			top = seq;
	}
	if (s != FRAME_SHORT) {
		if (it.left >= 8 && be64(it.p) != 0 && be64(it.p) <= it.last_seq)
			return refuse(in, r, FRAME_ERR_SEQUENCE,
			    "record seq not above the previous one");
		in->stats->frames[FRAME_MALFORMED]++;
		return refuse(in, r, FRAME_ERR_MALFORMED, "malformed report");
	}
	in->last_seq = it.last_seq;
	in->top = top;
	r->nrecs = it.count;
	r->last_seq = it.last_seq;
	in->stats->reports++;
	in->stats->records += it.count;
	return r->what = IN_REPORT;
}

static enum intake_what
dispatch(struct intake *in, struct intake_result *r)
{
	if (!in->hello_done && r->f.type != FRAME_HELLO)
		return refuse(in, r, FRAME_ERR_UNEXPECTED, "hello first");
	switch (r->f.type) {
	case FRAME_HELLO:
		if (in->hello_done)
			return refuse(in, r, FRAME_ERR_UNEXPECTED, "second hello");
		return on_hello(in, r);
	case FRAME_REPORT:
		return on_report(in, r);
	case FRAME_EVIDENCE:
		return on_evidence(in, r);
	case FRAME_CONFIG_ACK:
		if (frame_config_ack_decode(&r->f, &r->cack) != FRAME_OK) {
			in->stats->frames[FRAME_MALFORMED]++;
			return refuse(in, r, FRAME_ERR_MALFORMED, "malformed config ack");
		}
		return r->what = IN_CONFIG_ACK;
	case FRAME_FILE_GET:
		if (frame_file_get_decode(&r->f, &r->fget) != FRAME_OK) {
			in->stats->frames[FRAME_MALFORMED]++;
			return refuse(in, r, FRAME_ERR_MALFORMED, "malformed file_get");
		}
		in->stats->file_gets++;
		return r->what = IN_FILE_GET;
	case FRAME_FILE_ACK:
		if (frame_file_ack_decode(&r->f, &r->fack) != FRAME_OK) {
			in->stats->frames[FRAME_MALFORMED]++;
			return refuse(in, r, FRAME_ERR_MALFORMED, "malformed file_ack");
		}
		in->stats->file_acks++;
		return r->what = IN_FILE_ACK;
	case FRAME_ERROR:
		in->stats->peer_errors++;
		if (frame_error_decode(&r->f, &r->err) != FRAME_OK)
			memset(&r->err, 0, sizeof(r->err));
		return r->what = IN_PEER_ERROR;
	default:	/* ack, config push, file offer and chunk: central's own frames */
		return refuse(in, r, FRAME_ERR_UNEXPECTED, "frame only central sends");
	}
}

enum intake_what
intake_next(struct intake *in, const uint8_t *buf, size_t len, struct intake_result *r)
{
	enum frame_status s;

	memset(r, 0, sizeof(*r));
	s = frame_next(buf, len, &r->f, &r->consumed);
	if (s == FRAME_SHORT)
		return r->what = IN_MORE;
	in->stats->frames[s]++;
	if (s == FRAME_OVERSIZED)
		return refuse(in, r, FRAME_ERR_OVERSIZED, "frame larger than 1 MiB");
	if (s == FRAME_BAD_VERSION)
		return refuse(in, r, FRAME_ERR_VERSION, "unsupported protocol version");
	if (s != FRAME_OK)
		return refuse(in, r, FRAME_ERR_MALFORMED, frame_status_str(s));
	return dispatch(in, r);
}

int
intake_copy_report(const struct frame *f, struct ingest_rec **recs, char **data, int *n)
{
	struct frame_report_it it;
	const char *rec;
	uint64_t seq;
	size_t len, off = 0;
	int i = 0;

	*recs = NULL;
	*data = NULL;
	if (frame_report_begin(f, &it) != FRAME_OK)
		return -1;
	*recs = calloc(it.count ? it.count : 1, sizeof(**recs));
	*data = malloc(f->len + it.count + 1u);	/* records fit in the payload */
	if (*recs == NULL || *data == NULL)
		return -1;
	while (frame_report_next(&it, &seq, &rec, &len) == FRAME_OK) {
		memcpy(*data + off, rec, len);
		(*data)[off + len] = '\0';
		(*recs)[i].seq = seq;
		(*recs)[i].len = (uint32_t)len;
		(*recs)[i].json = *data + off;
		off += len + 1;
		i++;
	}
	*n = i;
	return 0;
}
