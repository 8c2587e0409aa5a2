/* SPDX-License-Identifier: BSD-2-Clause */
/* Uplink frames: split, decode (through the bounds-checked cursor) and encode. */
#include <string.h>

#include "frame.h"
#include "rd.h"

static const char *const status_names[FRAME__NSTATUS] = {
	[FRAME_OK] = "ok",
	[FRAME_SHORT] = "short",
	[FRAME_BAD_MAGIC] = "bad magic",
	[FRAME_BAD_VERSION] = "unsupported version",
	[FRAME_BAD_TYPE] = "unknown type",
	[FRAME_OVERSIZED] = "oversized",
	[FRAME_MALFORMED] = "malformed",
};

const char *
frame_status_str(enum frame_status s)
{
	return (unsigned)s < FRAME__NSTATUS ? status_names[s] : "?";
}

const char *
frame_type_str(uint8_t t)
{
	static const char *const names[] = { "?", "hello", "report", "ack",
	    "config_push", "config_ack", "error", "evidence", "file_offer",
	    "file_get", "file_chunk", "file_ack" };

	return t < sizeof(names) / sizeof(names[0]) ? names[t] : "?";
}

static int
rd_be64(struct rd *r, uint64_t *v)
{
	uint32_t hi, lo;

	if (r->left < 8)
		return -1;
	(void)rd_be32(r, &hi);
	(void)rd_be32(r, &lo);
	*v = (uint64_t)hi << 32 | lo;
	return 0;
}

static bool
str_is_printable(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] < 0x20 || p[i] > 0x7e)
			return false;
	return true;
}

/* A be16-length printable string of at most FRAME_MAX_STR bytes. */
static int
rd_str(struct rd *r, struct frame_str *s)
{
	uint16_t n;

	if (rd_be16(r, &n) == -1 || n > FRAME_MAX_STR || r->left < n ||
	    !str_is_printable(r->p, n))
		return -1;
	s->p = (const char *)r->p;
	s->len = n;
	return rd_skip(r, n);
}

enum frame_status
frame_next(const uint8_t *buf, size_t len, struct frame *f, size_t *consumed)
{
	uint32_t plen;

	if (len >= 1 && buf[0] != FRAME_MAGIC0)
		return FRAME_BAD_MAGIC;
	if (len >= 2 && buf[1] != FRAME_MAGIC1)
		return FRAME_BAD_MAGIC;
	if (len >= 3 && buf[2] != FRAME_VERSION)
		return FRAME_BAD_VERSION;
	if (len < FRAME_HDR_LEN)
		return FRAME_SHORT;
	plen = (uint32_t)buf[4] << 24 | (uint32_t)buf[5] << 16 |
	    (uint32_t)buf[6] << 8 | buf[7];
	if (plen > FRAME_MAX_PAYLOAD)
		return FRAME_OVERSIZED;
	if (buf[3] < FRAME_HELLO || buf[3] > FRAME_FILE_ACK)
		return FRAME_BAD_TYPE;
	if (len - FRAME_HDR_LEN < plen)
		return FRAME_SHORT;
	f->type = buf[3];
	f->payload = buf + FRAME_HDR_LEN;
	f->len = plen;
	*consumed = FRAME_HDR_LEN + (size_t)plen;
	return FRAME_OK;
}

enum frame_status
frame_hello_decode(const struct frame *f, struct frame_hello *h)
{
	struct rd r;

	if (f->type != FRAME_HELLO)
		return FRAME_BAD_TYPE;
	rd_init(&r, f->payload, f->len);
	if (rd_be64(&r, &h->last_acked) == -1 ||
	    rd_be64(&r, &h->config_version) == -1 ||
	    rd_str(&r, &h->appliance_id) == -1 || h->appliance_id.len == 0 ||
	    rd_str(&r, &h->firmware) == -1)
		return FRAME_MALFORMED;
	/*
	 * The spool epoch came later, and the features after it: a hello without
	 * them is an older appliance's.
	 */
	h->spool_epoch = 0;
	h->features = 0;
	if (r.left == 8 || r.left == 12) {
		(void)rd_be64(&r, &h->spool_epoch);
		if (r.left == 4)
			(void)rd_be32(&r, &h->features);
	}
	return r.left == 0 ? FRAME_OK : FRAME_MALFORMED;
}

enum frame_status
frame_ack_decode(const struct frame *f, uint64_t *seq)
{
	struct rd r;

	if (f->type != FRAME_ACK)
		return FRAME_BAD_TYPE;
	rd_init(&r, f->payload, f->len);
	if (rd_be64(&r, seq) == -1 || r.left != 0)
		return FRAME_MALFORMED;
	return FRAME_OK;
}

enum frame_status
frame_config_push_decode(const struct frame *f, struct frame_config_push *c)
{
	struct rd r;

	if (f->type != FRAME_CONFIG_PUSH)
		return FRAME_BAD_TYPE;
	rd_init(&r, f->payload, f->len);
	if (rd_be64(&r, &c->version) == -1 || rd_be16(&r, &c->sig_len) == -1 ||
	    c->sig_len > FRAME_MAX_SIG)
		return FRAME_MALFORMED;
	c->sig = r.p;
	if (rd_skip(&r, c->sig_len) == -1 || rd_be32(&r, &c->body_len) == -1)
		return FRAME_MALFORMED;
	c->body = r.p;
	if (rd_skip(&r, c->body_len) == -1 || r.left != 0)
		return FRAME_MALFORMED;
	return FRAME_OK;
}

enum frame_status
frame_config_ack_decode(const struct frame *f, struct frame_config_ack *a)
{
	struct rd r;

	if (f->type != FRAME_CONFIG_ACK)
		return FRAME_BAD_TYPE;
	rd_init(&r, f->payload, f->len);
	if (rd_be64(&r, &a->version) == -1 || rd_u8(&r, &a->status) == -1 ||
	    a->status > FRAME_CONF_STORE ||
	    rd_str(&r, &a->message) == -1 || r.left != 0)
		return FRAME_MALFORMED;
	return FRAME_OK;
}

enum frame_status
frame_error_decode(const struct frame *f, struct frame_error *e)
{
	struct rd r;

	if (f->type != FRAME_ERROR)
		return FRAME_BAD_TYPE;
	rd_init(&r, f->payload, f->len);
	if (rd_be16(&r, &e->code) == -1 || rd_str(&r, &e->message) == -1 ||
	    r.left != 0)
		return FRAME_MALFORMED;
	return FRAME_OK;
}

/* A file name: printable, no '/', not "." or "..". */
static bool
ev_name_is_valid(const struct frame_str *n)
{
	return n->len > 0 && n->len <= FRAME_EV_MAX_NAME &&
	    memchr(n->p, '/', n->len) == NULL && !(n->p[0] == '.' &&
	    (n->len == 1 || (n->len == 2 && n->p[1] == '.')));
}

enum frame_status
frame_evidence_body_decode(const uint8_t *p, size_t len, struct frame_evidence *e)
{
	struct rd r;

	rd_init(&r, p, len);
	if (rd_str(&r, &e->name) == -1 || !ev_name_is_valid(&e->name) ||
	    r.left < 32)
		return FRAME_MALFORMED;
	e->sha256 = r.p;
	(void)rd_skip(&r, 32);
	if (rd_be32(&r, &e->size) == -1 || rd_be32(&r, &e->offset) == -1 ||
	    rd_be16(&r, &e->sig_len) == -1 || e->sig_len == 0 ||
	    e->sig_len > FRAME_MAX_SIG)
		return FRAME_MALFORMED;
	e->sig = r.p;
	if (rd_skip(&r, e->sig_len) == -1 || rd_be32(&r, &e->data_len) == -1)
		return FRAME_MALFORMED;
	e->data = r.p;
	if (rd_skip(&r, e->data_len) == -1 || r.left != 0)
		return FRAME_MALFORMED;
	/* a chunk lies inside its file; only an empty file has an empty chunk */
	if (e->size > FRAME_EV_MAX_FILE || e->data_len > FRAME_EV_CHUNK ||
	    e->offset > e->size || e->size - e->offset < e->data_len ||
	    (e->data_len == 0 && e->size != 0))
		return FRAME_MALFORMED;
	return FRAME_OK;
}

enum frame_status
frame_evidence_decode(const struct frame *f, struct frame_evidence *e)
{
	struct rd r;

	if (f->type != FRAME_EVIDENCE)
		return FRAME_BAD_TYPE;
	rd_init(&r, f->payload, f->len);
	if (rd_be64(&r, &e->seq) == -1 || e->seq == 0)
		return FRAME_MALFORMED;
	return frame_evidence_body_decode(r.p, r.left, e);
}

static bool
file_kind_is_valid(uint8_t k)
{
	return k == FRAME_FILE_GEODB || k == FRAME_FILE_FIRMWARE;
}

enum frame_status
frame_file_offer_decode(const struct frame *f, struct frame_file_offer *o)
{
	struct rd r;

	if (f->type != FRAME_FILE_OFFER)
		return FRAME_BAD_TYPE;
	rd_init(&r, f->payload, f->len);
	if (rd_u8(&r, &o->kind) == -1 || !file_kind_is_valid(o->kind) ||
	    rd_u8(&r, &o->flags) == -1 || (o->flags & ~FRAME_FILE_ALLOW_DOWNGRADE) ||
	    rd_be64(&r, &o->version) == -1 || o->version == 0 ||
	    rd_be32(&r, &o->size) == -1 || o->size == 0 || o->size > FRAME_FILE_MAX ||
	    r.left < 32)
		return FRAME_MALFORMED;
	o->sha256 = r.p;
	(void)rd_skip(&r, 32);
	if (rd_str(&r, &o->label) == -1 || rd_be16(&r, &o->sig_len) == -1 ||
	    o->sig_len == 0 || o->sig_len > FRAME_MAX_SIG)
		return FRAME_MALFORMED;
	o->sig = r.p;
	if (rd_skip(&r, o->sig_len) == -1 || r.left != 0)
		return FRAME_MALFORMED;
	return FRAME_OK;
}

enum frame_status
frame_file_get_decode(const struct frame *f, struct frame_file_get *g)
{
	struct rd r;

	if (f->type != FRAME_FILE_GET)
		return FRAME_BAD_TYPE;
	rd_init(&r, f->payload, f->len);
	if (rd_u8(&r, &g->kind) == -1 || !file_kind_is_valid(g->kind) ||
	    rd_be64(&r, &g->version) == -1 || rd_be32(&r, &g->offset) == -1 ||
	    rd_be32(&r, &g->max_len) == -1 || g->max_len == 0 ||
	    g->max_len > FRAME_FILE_CHUNK_MAX || r.left != 0)
		return FRAME_MALFORMED;
	return FRAME_OK;
}

enum frame_status
frame_file_chunk_decode(const struct frame *f, struct frame_file_chunk *c)
{
	struct rd r;

	if (f->type != FRAME_FILE_CHUNK)
		return FRAME_BAD_TYPE;
	rd_init(&r, f->payload, f->len);
	if (rd_u8(&r, &c->kind) == -1 || !file_kind_is_valid(c->kind) ||
	    rd_be64(&r, &c->version) == -1 || rd_be32(&r, &c->offset) == -1 ||
	    rd_be32(&r, &c->len) == -1 || c->len > FRAME_FILE_CHUNK_MAX)
		return FRAME_MALFORMED;
	c->data = r.p;
	if (rd_skip(&r, c->len) == -1 || r.left != 0)
		return FRAME_MALFORMED;
	return FRAME_OK;
}

enum frame_status
frame_file_ack_decode(const struct frame *f, struct frame_file_ack *a)
{
	struct rd r;

	if (f->type != FRAME_FILE_ACK)
		return FRAME_BAD_TYPE;
	rd_init(&r, f->payload, f->len);
	if (rd_u8(&r, &a->kind) == -1 || !file_kind_is_valid(a->kind) ||
	    rd_be64(&r, &a->version) == -1 || rd_u8(&r, &a->status) == -1 ||
	    a->status > FRAME_FILE_BOOT_FAILED ||
	    rd_str(&r, &a->message) == -1 || r.left != 0)
		return FRAME_MALFORMED;
	return FRAME_OK;
}

enum frame_status
frame_report_begin(const struct frame *f, struct frame_report_it *it)
{
	struct rd r;

	if (f->type != FRAME_REPORT)
		return FRAME_BAD_TYPE;
	rd_init(&r, f->payload, f->len);
	if (rd_be16(&r, &it->count) == -1 || it->count == 0)
		return FRAME_MALFORMED;
	it->p = r.p;
	it->left = r.left;
	it->i = 0;
	it->last_seq = 0;
	return FRAME_OK;
}

/* A record is non-empty JSON text on one line: no NUL, CR or LF. */
static bool
record_is_valid(const uint8_t *p, size_t n)
{
	if (n == 0 || n > FRAME_MAX_RECORD)
		return false;
	return memchr(p, '\0', n) == NULL && memchr(p, '\n', n) == NULL &&
	    memchr(p, '\r', n) == NULL;
}

enum frame_status
frame_report_next(struct frame_report_it *it, uint64_t *seq, const char **rec,
    size_t *len)
{
	struct rd r;
	uint32_t n;

	if (it->i == it->count)
		return it->left == 0 ? FRAME_SHORT : FRAME_MALFORMED;
	rd_init(&r, it->p, it->left);
	if (rd_be64(&r, seq) == -1 || *seq == 0 || *seq <= it->last_seq ||
	    rd_be32(&r, &n) == -1 || r.left < n || !record_is_valid(r.p, n))
		return FRAME_MALFORMED;
	*rec = (const char *)r.p;
	*len = n;
	(void)rd_skip(&r, n);
	it->p = r.p;
	it->left = r.left;
	it->last_seq = *seq;
	it->i++;
	return FRAME_OK;
}

enum frame_status
frame_report_check(const struct frame *f, uint16_t *count)
{
	struct frame_report_it it;
	enum frame_status s;
	const char *rec;
	uint64_t seq;
	size_t len;

	if ((s = frame_report_begin(f, &it)) != FRAME_OK)
		return s;
	while ((s = frame_report_next(&it, &seq, &rec, &len)) == FRAME_OK)
		;
	if (s != FRAME_SHORT)
		return s;
	*count = it.count;
	return FRAME_OK;
}

/* --- encoding ------------------------------------------------------------ */

void
frame_wr_init(struct frame_wr *w, uint8_t *buf, size_t cap)
{
	memset(w, 0, sizeof(*w));
	w->buf = buf;
	w->cap = cap;
}

static void
put(struct frame_wr *w, const void *p, size_t n)
{
	if (w->overflow || w->cap - w->len < n) {
		w->overflow = true;
		return;
	}
	if (n > 0)
		memcpy(w->buf + w->len, p, n);
	w->len += n;
}

static void
put_u8(struct frame_wr *w, uint8_t v)
{
	put(w, &v, 1);
}

static void
put_be16(struct frame_wr *w, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)(v >> 8), (uint8_t)v };

	put(w, b, 2);
}

static void
put_be32(struct frame_wr *w, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16),
	    (uint8_t)(v >> 8), (uint8_t)v };

	put(w, b, 4);
}

static void
put_be64(struct frame_wr *w, uint64_t v)
{
	put_be32(w, (uint32_t)(v >> 32));
	put_be32(w, (uint32_t)v);
}

static void
put_str(struct frame_wr *w, const char *p, size_t n)
{
	if (n > FRAME_MAX_STR || !str_is_printable((const uint8_t *)p, n)) {
		w->overflow = true;
		return;
	}
	put_be16(w, (uint16_t)n);
	put(w, p, n);
}

static void
open_frame(struct frame_wr *w, uint8_t type)
{
	uint8_t hdr[FRAME_HDR_LEN] = { FRAME_MAGIC0, FRAME_MAGIC1, FRAME_VERSION,
	    type, 0, 0, 0, 0 };

	w->start = w->len;
	w->overflow = false;
	put(w, hdr, sizeof(hdr));
}

/* Patches the length; on overflow withdraws the whole frame. */
static int
close_frame(struct frame_wr *w)
{
	size_t plen;

	if (!w->overflow && w->len - w->start - FRAME_HDR_LEN > FRAME_MAX_PAYLOAD)
		w->overflow = true;
	if (w->overflow) {
		w->len = w->start;
		w->overflow = false;
		return -1;
	}
	plen = w->len - w->start - FRAME_HDR_LEN;
	w->buf[w->start + 4] = (uint8_t)(plen >> 24);
	w->buf[w->start + 5] = (uint8_t)(plen >> 16);
	w->buf[w->start + 6] = (uint8_t)(plen >> 8);
	w->buf[w->start + 7] = (uint8_t)plen;
	return 0;
}

int
frame_put_hello(struct frame_wr *w, const struct frame_hello *h)
{
	open_frame(w, FRAME_HELLO);
	put_be64(w, h->last_acked);
	put_be64(w, h->config_version);
	if (h->appliance_id.len == 0)
		w->overflow = true;
	put_str(w, h->appliance_id.p, h->appliance_id.len);
	put_str(w, h->firmware.p, h->firmware.len);
	if (h->spool_epoch != 0 || h->features != 0)
		put_be64(w, h->spool_epoch);
	if (h->features != 0)
		put_be32(w, h->features);
	return close_frame(w);
}

int
frame_put_ack(struct frame_wr *w, uint64_t seq)
{
	open_frame(w, FRAME_ACK);
	put_be64(w, seq);
	return close_frame(w);
}

int
frame_put_config_push(struct frame_wr *w, const struct frame_config_push *c)
{
	open_frame(w, FRAME_CONFIG_PUSH);
	if (c->sig_len > FRAME_MAX_SIG)
		w->overflow = true;
	put_be64(w, c->version);
	put_be16(w, c->sig_len);
	put(w, c->sig, c->sig_len);
	put_be32(w, c->body_len);
	put(w, c->body, c->body_len);
	return close_frame(w);
}

/* Messages are clipped to FRAME_MAX_STR; unprintable bytes become '?'. */
static void
put_msg(struct frame_wr *w, const char *msg)
{
	size_t n = msg != NULL ? strnlen(msg, FRAME_MAX_STR) : 0;

	put_be16(w, (uint16_t)n);
	for (size_t i = 0; i < n; i++) {
		uint8_t c = (uint8_t)msg[i];

		put_u8(w, c < 0x20 || c > 0x7e ? '?' : c);
	}
}

int
frame_put_config_ack(struct frame_wr *w, uint64_t version, uint8_t status,
    const char *msg)
{
	open_frame(w, FRAME_CONFIG_ACK);
	put_be64(w, version);
	put_u8(w, status);
	put_msg(w, msg);
	return close_frame(w);
}

int
frame_put_error(struct frame_wr *w, uint16_t code, const char *msg)
{
	open_frame(w, FRAME_ERROR);
	put_be16(w, code);
	put_msg(w, msg);
	return close_frame(w);
}

size_t
frame_evidence_body(uint8_t *buf, size_t cap, const struct frame_evidence *e)
{
	struct frame_wr w;
	struct frame_evidence chk;

	frame_wr_init(&w, buf, cap);
	put_str(&w, e->name.p, e->name.len);
	put(&w, e->sha256, 32);
	put_be32(&w, e->size);
	put_be32(&w, e->offset);
	put_be16(&w, e->sig_len);
	put(&w, e->sig, e->sig_len);
	put_be32(&w, e->data_len);
	put(&w, e->data, e->data_len);
	if (w.overflow || frame_evidence_body_decode(buf, w.len, &chk) != FRAME_OK)
		return 0;
	return w.len;
}

int
frame_put_evidence(struct frame_wr *w, uint64_t seq, const uint8_t *body, size_t len)
{
	struct frame_evidence chk;

	if (seq == 0 || frame_evidence_body_decode(body, len, &chk) != FRAME_OK)
		return -1;
	open_frame(w, FRAME_EVIDENCE);
	put_be64(w, seq);
	put(w, body, len);
	return close_frame(w);
}

int
frame_put_file_offer(struct frame_wr *w, const struct frame_file_offer *o)
{
	open_frame(w, FRAME_FILE_OFFER);
	if (o->sig_len == 0 || o->sig_len > FRAME_MAX_SIG || o->size == 0 ||
	    o->size > FRAME_FILE_MAX || o->version == 0)
		w->overflow = true;
	put_u8(w, o->kind);
	put_u8(w, o->flags);
	put_be64(w, o->version);
	put_be32(w, o->size);
	put(w, o->sha256, 32);
	put_str(w, o->label.p, o->label.len);
	put_be16(w, o->sig_len);
	put(w, o->sig, o->sig_len);
	return close_frame(w);
}

int
frame_put_file_get(struct frame_wr *w, const struct frame_file_get *g)
{
	open_frame(w, FRAME_FILE_GET);
	if (g->max_len == 0 || g->max_len > FRAME_FILE_CHUNK_MAX)
		w->overflow = true;
	put_u8(w, g->kind);
	put_be64(w, g->version);
	put_be32(w, g->offset);
	put_be32(w, g->max_len);
	return close_frame(w);
}

int
frame_put_file_chunk(struct frame_wr *w, const struct frame_file_chunk *c)
{
	open_frame(w, FRAME_FILE_CHUNK);
	if (c->len > FRAME_FILE_CHUNK_MAX)
		w->overflow = true;
	put_u8(w, c->kind);
	put_be64(w, c->version);
	put_be32(w, c->offset);
	put_be32(w, c->len);
	put(w, c->data, c->len);
	return close_frame(w);
}

int
frame_put_file_ack(struct frame_wr *w, uint8_t kind, uint64_t version,
    uint8_t status, const char *msg)
{
	open_frame(w, FRAME_FILE_ACK);
	put_u8(w, kind);
	put_be64(w, version);
	put_u8(w, status);
	put_msg(w, msg);
	return close_frame(w);
}

size_t
frame_file_tbs(const struct frame_file_offer *o, uint8_t *out)
{
	struct frame_wr w;

	frame_wr_init(&w, out, FRAME_FILE_TBS_MAX);
	put(&w, FRAME_FILE_TAG, sizeof(FRAME_FILE_TAG));
	put_u8(&w, o->kind);
	put_u8(&w, o->flags);
	put_be64(&w, o->version);
	put_be32(&w, o->size);
	put(&w, o->sha256, 32);
	put_be16(&w, o->label.len);
	put(&w, o->label.p, o->label.len <= FRAME_MAX_STR ? o->label.len : 0);
	return w.len;
}

int
frame_report_open(struct frame_wr *w)
{
	open_frame(w, FRAME_REPORT);
	w->count_at = w->len;
	w->count = 0;
	w->last_seq = 0;
	put_be16(w, 0);
	if (w->overflow) {
		w->len = w->start;
		w->overflow = false;
		return -1;
	}
	return 0;
}

int
frame_report_add(struct frame_wr *w, uint64_t seq, const char *rec, size_t len)
{
	size_t need = 12 + len;

	if (seq == 0 || seq <= w->last_seq || w->count == UINT16_MAX ||
	    !record_is_valid((const uint8_t *)rec, len) ||
	    w->cap - w->len < need ||
	    w->len + need - w->start - FRAME_HDR_LEN > FRAME_MAX_PAYLOAD)
		return -1;
	put_be64(w, seq);
	put_be32(w, (uint32_t)len);
	put(w, rec, len);
	w->count++;
	w->last_seq = seq;
	return 0;
}

int
frame_report_close(struct frame_wr *w)
{
	if (w->count == 0) {
		w->len = w->start;
		return 0;
	}
	w->buf[w->count_at] = (uint8_t)(w->count >> 8);
	w->buf[w->count_at + 1] = (uint8_t)w->count;
	if (close_frame(w) == -1)
		return 0;
	return w->count;
}

void
frame_config_tbs_prefix(uint64_t version, uint8_t out[FRAME_CONF_TBS_PREFIX])
{
	memcpy(out, FRAME_CONF_TAG, sizeof(FRAME_CONF_TAG));
	for (int i = 0; i < 8; i++)
		out[sizeof(FRAME_CONF_TAG) + (size_t)i] =
		    (uint8_t)(version >> (56 - 8 * i));
}
