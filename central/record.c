/* SPDX-License-Identifier: BSD-2-Clause */
/* Detection and health records from JSON (cJSON); hostile input gives a reason, not a crash. */
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

int64_t
record_time(const char *s)
{
	struct tm tm;
	const char *end;

	memset(&tm, 0, sizeof(tm));
	if (s == NULL || (end = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm)) == NULL)
		return -1;
	if (*end == '.')
		for (end++; *end >= '0' && *end <= '9'; end++)
			;
	if (strcmp(end, "Z") != 0)
		return -1;
	return (int64_t)timegm(&tm);
}

/* The type field only: the records we do not store in detail are cheap. */
enum record_type
record_type_of(const char *json, size_t len)
{
	static const char det[] = "{\"type\":\"detection\"", hea[] = "{\"type\":\"health\"";

	if (len >= sizeof(det) - 1 && memcmp(json, det, sizeof(det) - 1) == 0)
		return REC_DETECTION;
	if (len >= sizeof(hea) - 1 && memcmp(json, hea, sizeof(hea) - 1) == 0)
		return REC_HEALTH;
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
