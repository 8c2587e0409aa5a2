/* SPDX-License-Identifier: BSD-2-Clause */
/* Detection, health and call records from JSON (cJSON); hostile input gives a reason, not a crash. */
#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "record.h"
#include "utf8.h"

static const char *const tiers[] = { "none", "general", "high", "urgent" };

int
record_tier_rank(const char *tier)
{
	for (int i = 0; i < 4; i++)
		if (strcmp(tier, tiers[i]) == 0)
			return i;
	return -1;
}

const char *
record_tier_name(int rank)
{
	return rank >= 0 && rank < 4 ? tiers[rank] : "none";
}

int64_t
record_tier_window(int rank)
{
	static const int64_t hours[] = { 48, 48, 24, 2 };

	return (rank >= 0 && rank < 4 ? hours[rank] : 48) * 3600;
}

/* Seconds, and the milliseconds of the fraction in *ms. */
static int64_t
time_parse(const char *s, int64_t *ms)
{
	struct tm tm;
	const char *end;
	int64_t scale = 100;

	*ms = 0;
	memset(&tm, 0, sizeof(tm));
	if (s == NULL || (end = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm)) == NULL)
		return -1;
	if (*end == '.')
		for (end++; *end >= '0' && *end <= '9'; end++, scale /= 10)
			*ms += (*end - '0') * scale;
	if (strcmp(end, "Z") != 0)
		return -1;
	return (int64_t)timegm(&tm);
}

int64_t
record_time(const char *s)
{
	int64_t ms;

	return time_parse(s, &ms);
}

int64_t
record_time_ms(const char *s)
{
	int64_t ms, t = time_parse(s, &ms);

	return t < 0 || t > INT64_MAX / 1000 - 1 ? -1 : t * 1000 + ms;
}

/* The type field only: the records we do not store in detail are cheap. */
enum record_type
record_type_of(const char *json, size_t len)
{
	static const char det[] = "{\"type\":\"detection\"", hea[] = "{\"type\":\"health\"",
	    cal[] = "{\"type\":\"call\"";

	if (len >= sizeof(det) - 1 && memcmp(json, det, sizeof(det) - 1) == 0)
		return REC_DETECTION;
	if (len >= sizeof(hea) - 1 && memcmp(json, hea, sizeof(hea) - 1) == 0)
		return REC_HEALTH;
	if (len >= sizeof(cal) - 1 && memcmp(json, cal, sizeof(cal) - 1) == 0)
		return REC_CALL;
	return REC_OTHER;
}

const char *
record_text(const char *s, size_t n, char **copy)
{
	const uint8_t *p = (const uint8_t *)s;
	size_t i, k, o = 0;
	char *d;

	*copy = NULL;
	if (memchr(s, '\0', n) == NULL && utf8_is_valid(s, n))
		return s;
	if ((d = *copy = malloc(n * 3 + 1)) == NULL)
		return NULL;
	for (i = 0; i < n; i += k) {
		if (p[i] != 0 && (k = utf8_seq(p + i, n - i)) > 0) {
			memcpy(d + o, s + i, k);
			o += k;
			continue;
		}
		k = 1;
		memcpy(d + o, UTF8_REPLACEMENT, 3);
		o += 3;
	}
	d[o] = '\0';
	return d;
}

/* A string field cut to dst[cap] on a character boundary. */
static void
copy_str(char *dst, size_t cap, const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	size_t n;

	dst[0] = '\0';
	if (!cJSON_IsString(v) || v->valuestring == NULL)
		return;
	n = utf8_cut(v->valuestring, strlen(v->valuestring), cap - 1);
	memcpy(dst, v->valuestring, n);
	dst[n] = '\0';
}

static int64_t
get_int(const cJSON *o, const char *key, int64_t dflt)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	if (!cJSON_IsNumber(v) || v->valuedouble < -9e18 || v->valuedouble > 9e18)
		return dflt;
	return (int64_t)v->valuedouble;
}

/*
 * A positive counter added to a sum, both clamped at INT64_MAX: a double past
 * int64 must not convert (undefined; 1e30 showed as -2^63), nor the sum wrap.
 */
static int64_t
add_clamped(int64_t sum, double v)
{
	int64_t n = v >= 9223372036854775807.0 ? INT64_MAX : (int64_t)v;

	return n > INT64_MAX - sum ? INT64_MAX : sum + n;
}

static int64_t
get_time(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? record_time(v->valuestring) : -1;
}

static void
det_evidence(struct detection *d, const cJSON *arr)
{
	const cJSON *e;

	cJSON_ArrayForEach(e, arr) {
		struct rec_evidence *ev;

		if (d->nev == REC_MAX_EVIDENCE || !cJSON_IsObject(e))
			break;
		ev = &d->ev[d->nev];
		copy_str(ev->kind, sizeof(ev->kind), e, "kind");
		copy_str(ev->detail, sizeof(ev->detail), e, "detail");
		ev->count = get_int(e, "count", 1);
		ev->first = get_time(e, "first_ts");
		ev->last = get_time(e, "last_ts");
		if (ev->kind[0] != '\0')
			d->nev++;
	}
}

static void
det_peers(struct detection *d, const cJSON *arr)
{
	const cJSON *p;

	cJSON_ArrayForEach(p, arr) {
		if (d->npeers == REC_MAX_PEERS || !cJSON_IsObject(p))
			break;
		copy_str(d->peers[d->npeers].ip, sizeof(d->peers[0].ip), p, "ip");
		d->peers[d->npeers].port = get_int(p, "port", 0);
		d->peers[d->npeers].count = get_int(p, "count", 0);
		if (d->peers[d->npeers].ip[0] != '\0')
			d->npeers++;
	}
}

static void
det_device(struct detection *d, const cJSON *dev)
{
	const cJSON *s;

	copy_str(d->device_id, sizeof(d->device_id), dev, "id");
	cJSON_ArrayForEach(s, cJSON_GetObjectItemCaseSensitive(dev, "sims")) {
		struct rec_sim *r;

		if (d->nsims == REC_MAX_SIMS || !cJSON_IsObject(s))
			break;
		r = &d->sims[d->nsims];
		copy_str(r->imsi, sizeof(r->imsi), s, "imsi");
		copy_str(r->iccid, sizeof(r->iccid), s, "iccid");
		copy_str(r->imei, sizeof(r->imei), s, "imei");
		copy_str(r->msisdn, sizeof(r->msisdn), s, "msisdn");
		if (r->imsi[0] || r->iccid[0] || r->msisdn[0] || r->imei[0])
			d->nsims++;
	}
}

/* The evidence file's sha256, kept only as 64 lower-case hex digits. */
static void
det_evfile(struct detection *d, const cJSON *o)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "sha256");

	if (!cJSON_IsString(v) || v->valuestring == NULL ||
	    strlen(v->valuestring) != 64 ||
	    strspn(v->valuestring, "0123456789abcdef") != 64)
		return;
	memcpy(d->evidence_sha256, v->valuestring, 65);
}

static const char *
det_fill(struct detection *d, const cJSON *o)
{
	const cJSON *subj = cJSON_GetObjectItemCaseSensitive(o, "subject");

	if (!cJSON_IsObject(subj))
		return "no subject";
	copy_str(d->ip, sizeof(d->ip), subj, "ip");
	copy_str(d->account, sizeof(d->account), subj, "account");
	d->vlan = get_int(subj, "vlan", -1);
	d->pppoe = get_int(subj, "pppoe_session", -1);
	copy_str(d->verdict, sizeof(d->verdict), o, "verdict");
	copy_str(d->tier, sizeof(d->tier), o, "tier");
	if (d->ip[0] == '\0')
		return "no subject ip";
	if ((d->tier_rank = record_tier_rank(d->tier)) < 0)
		return "unknown tier";
	if ((d->ts = get_time(o, "ts")) < 0)
		return "bad ts";
	if ((d->deadline = get_time(o, "deadline")) < 0)
		d->deadline = d->ts + record_tier_window(d->tier_rank);
	d->score = get_int(o, "score", 0);
	det_evidence(d, cJSON_GetObjectItemCaseSensitive(o, "evidence"));
	det_peers(d, cJSON_GetObjectItemCaseSensitive(o, "peers"));
	det_device(d, cJSON_GetObjectItemCaseSensitive(o, "device"));
	det_evfile(d, cJSON_GetObjectItemCaseSensitive(o, "evidence_file"));
	return NULL;
}

int
record_detection(const char *json, size_t len, struct detection *d, const char **why)
{
	cJSON *o = cJSON_ParseWithLength(json, len);

	memset(d, 0, sizeof(*d));
	if (o == NULL || !cJSON_IsObject(o)) {
		cJSON_Delete(o);
		*why = "not a JSON object";
		return -1;
	}
	*why = det_fill(d, o);
	cJSON_Delete(o);
	return *why == NULL ? 0 : -1;
}

int
record_health(const char *json, size_t len, struct health *h, const char **why)
{
	cJSON *o = cJSON_ParseWithLength(json, len);
	static const char *const stages[HD_N] = { "kernel", "ring", "decode",
	    "flow_table_full", "reassembly" };
	const cJSON *drops, *spool, *tls, *it;

	memset(h, 0, sizeof(*h));
	if (o == NULL || !cJSON_IsObject(o) || (h->ts = get_time(o, "ts")) < 0) {
		cJSON_Delete(o);
		*why = "not a health record";
		return -1;
	}
	h->uptime = get_int(o, "uptime", 0);
	copy_str(h->firmware, sizeof(h->firmware), o, "firmware_version");
	h->config_version = get_int(o, "config_version", 0);
	h->packets = get_int(o, "packets", 0);
	drops = cJSON_GetObjectItemCaseSensitive(o, "drops");
	cJSON_ArrayForEach(it, drops)
		if (cJSON_IsNumber(it) && it->valuedouble > 0)
			h->drops = add_clamped(h->drops, it->valuedouble);
	for (int i = 0; i < HD_N; i++)
		if ((h->stage[i] = get_int(drops, stages[i], -1)) < -1)
			h->stage[i] = -1;
	spool = cJSON_GetObjectItemCaseSensitive(o, "spool");
	h->spool_oldest_age = get_int(spool, "oldest_age", -1);
	if (h->spool_oldest_age < -1)
		h->spool_oldest_age = -1;
	h->spool_depth = get_int(spool, "depth", 0);
	h->spool_dropped = get_int(spool, "dropped", 0);
	tls = cJSON_GetObjectItemCaseSensitive(o, "tls");
	copy_str(h->tls_state, sizeof(h->tls_state), tls, "state");
	cJSON_Delete(o);
	*why = NULL;
	return 0;
}

static int64_t
get_time_ms(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? record_time_ms(v->valuestring) : -1;
}

/* Seconds with a fraction (setup_time, duration) in ms; -1 if absent or bad. */
static int64_t
get_secs_ms(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	if (!cJSON_IsNumber(v) || !(v->valuedouble >= 0) || v->valuedouble > 9e12)
		return -1;
	return (int64_t)(v->valuedouble * 1000 + 0.5);
}

/* A port, status or count: -1 unless a whole number in [0, max]. */
static int64_t
get_uint(const cJSON *o, const char *key, int64_t max)
{
	int64_t n = get_int(o, key, -1);

	return n >= 0 && n <= max ? n : -1;
}

/*
 * The line: the record's subject (what the appliance sends central), else
 * the subscriber end its direction names, on the record's innermost VLAN.
 */
static const char *
call_line(struct call_rec *c, const cJSON *o)
{
	const cJSON *vl = cJSON_GetObjectItemCaseSensitive(o, "vlan"), *v;
	const cJSON *subj = cJSON_GetObjectItemCaseSensitive(o, "subject");

	if (cJSON_IsObject(subj)) {
		copy_str(c->line_ip, sizeof(c->line_ip), subj, "ip");
		if (c->line_ip[0] == '\0')
			return "no subject ip";
		c->vlan = get_uint(subj, "vlan", 4095);
		c->pppoe = get_uint(subj, "pppoe_session", 65535);
		return NULL;
	}
	if (strcmp(c->direction, "inbound") == 0)
		memcpy(c->line_ip, c->dst_ip, sizeof(c->line_ip));
	else if (strcmp(c->direction, "outbound") == 0)
		memcpy(c->line_ip, c->src_ip, sizeof(c->line_ip));
	else
		return "no subscriber end (direction)";
	if (c->line_ip[0] == '\0')
		return "no subscriber ip";
	c->vlan = -1;
	cJSON_ArrayForEach(v, vl)
		c->vlan = cJSON_IsNumber(v) && v->valuedouble >= 0 &&
		    v->valuedouble <= 4095 ? (int64_t)v->valuedouble : -1;
	c->pppoe = get_uint(o, "pppoe_session", 65535);
	return NULL;
}

static const char *
call_fill(struct call_rec *c, const cJSON *o)
{
	copy_str(c->call_id, sizeof(c->call_id), o, "call_id");
	copy_str(c->caller, sizeof(c->caller), o, "caller");
	copy_str(c->callee, sizeof(c->callee), o, "callee");
	copy_str(c->direction, sizeof(c->direction), o, "direction");
	copy_str(c->src_ip, sizeof(c->src_ip), o, "src_ip");
	copy_str(c->dst_ip, sizeof(c->dst_ip), o, "dst_ip");
	copy_str(c->user_agent, sizeof(c->user_agent), o, "user_agent");
	copy_str(c->server, sizeof(c->server), o, "server");
	copy_str(c->state, sizeof(c->state), o, "state");
	copy_str(c->end, sizeof(c->end), o, "end");
	copy_str(c->hangup, sizeof(c->hangup), o, "hangup");
	c->src_port = get_uint(o, "src_port", 65535);
	c->dst_port = get_uint(o, "dst_port", 65535);
	c->status = get_uint(o, "status", 999);
	c->bye_status = get_uint(o, "bye_status", 999);
	c->messages = get_uint(o, "messages", INT32_MAX);
	c->first_ms = get_time_ms(o, "first_ts");
	c->invite_ms = get_time_ms(o, "invite_ts");
	c->answer_ms = get_time_ms(o, "answer_ts");
	c->end_ms = get_time_ms(o, "end_ts");
	c->setup_ms = get_secs_ms(o, "setup_time");
	c->duration_ms = get_secs_ms(o, "duration");
	if (c->call_id[0] == '\0')
		return "no call_id";
	if (c->state[0] == '\0')
		return "no state";
	if (c->invite_ms < 0 || c->end_ms < 0 || c->end_ms < c->invite_ms)
		return "bad invite_ts or end_ts";
	return call_line(c, o);
}

int
record_call(const char *json, size_t len, struct call_rec *c, const char **why)
{
	cJSON *o = cJSON_ParseWithLength(json, len);

	memset(c, 0, sizeof(*c));
	if (o == NULL || !cJSON_IsObject(o)) {
		cJSON_Delete(o);
		*why = "not a JSON object";
		return -1;
	}
	*why = call_fill(c, o);
	cJSON_Delete(o);
	return *why == NULL ? 0 : -1;
}
