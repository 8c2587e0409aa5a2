/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * api-load: load on the console API (docs/bench.md). C connections, each a
 * thread with one libcurl handle (keep-alive HTTPS, the office CA, a bearer
 * token), send GETs of the given paths in turn, closed loop or paced to a
 * total rate, for N requests each or S seconds. "{id}" in a path becomes a
 * lead id spread over 1..I. Prints one line: requests, errors (any status
 * but 200), seconds, requests/s and latency percentiles in ms; with -r the
 * latency counts from each request's scheduled time (no coordinated omission).
 *
 *   api-load -u https://127.0.0.1:PORT -c ca.crt -t TOKEN [-C conns] [-n requests]
 *            [-s seconds] [-r rate] [-I max_id] PATH...
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#define MAX_CONNS	64
#define MAX_PATHS	16

static struct {
	const char	*base, *ca, *paths[MAX_PATHS];
	char		 authz[256];
	int		 conns, npaths;
	long		 per_conn;
	double		 seconds, rate;
	int64_t		 max_id;
	double		 t0;
} G = { .conns = 1, .per_conn = 1000, .max_id = 1 };

struct conn {
	pthread_t	 th;
	int		 idx;
	double		*lat;	/* seconds, one per request */
	long		 n, cap, errors;
	uint64_t	 rnd;
};

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static size_t
discard(char *p, size_t sz, size_t n, void *arg)
{
	(void)p;
	(void)arg;
	return sz * n;
}

/* The path with "{id}" replaced by the next pseudo-random id. */
static void
url_of(struct conn *c, const char *path, char *buf, size_t len)
{
	const char *m = strstr(path, "{id}");

	c->rnd = c->rnd * 6364136223846793005ULL + 1442695040888963407ULL;
	if (m == NULL) {
		snprintf(buf, len, "%s%s", G.base, path);
		return;
	}
	snprintf(buf, len, "%s%.*s%" PRId64 "%s", G.base, (int)(m - path), path,
	    (int64_t)((c->rnd >> 33) % (uint64_t)G.max_id) + 1, m + 4);
}

static int
push(struct conn *c, double lat)
{
	if (c->n == c->cap) {
		long cap = c->cap ? c->cap * 2 : 4096;
		double *l = realloc(c->lat, (size_t)cap * sizeof(*l));

		if (l == NULL)
			return -1;
		c->lat = l;
		c->cap = cap;
	}
	c->lat[c->n++] = lat;
	return 0;
}

static void *
run(void *arg)
{
	struct conn *c = arg;
	struct curl_slist *h = curl_slist_append(NULL, G.authz);
	CURL *e = curl_easy_init();
	double gap = G.rate > 0 ? G.conns / G.rate : 0, due = G.t0 + gap * c->idx / G.conns;
	char url[1024];
	long code;

	if (e == NULL || h == NULL)
		return NULL;
	curl_easy_setopt(e, CURLOPT_CAINFO, G.ca);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(e, CURLOPT_TIMEOUT, 30L);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	for (long i = 0; ; i++) {
		double t = now_s(), start;

		if (G.seconds > 0 ? t - G.t0 >= G.seconds : i >= G.per_conn)
			break;
		if (gap > 0) {
			if (due > t)
				usleep((useconds_t)((due - t) * 1e6));
			start = due;
			due += gap;
		} else
			start = t;
		url_of(c, G.paths[(i + c->idx) % G.npaths], url, sizeof(url));
		curl_easy_setopt(e, CURLOPT_URL, url);
		code = 0;
		if (curl_easy_perform(e) != CURLE_OK ||
		    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &code) != CURLE_OK ||
		    code != 200) {
			if (c->errors++ == 0)
				fprintf(stderr, "api-load: %s: status %ld\n", url, code);
		}
		if (push(c, now_s() - start) == -1)
			break;
	}
	curl_easy_cleanup(e);
	curl_slist_free_all(h);
	return NULL;
}

static int
cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
pct(const double *v, long n, double p)
{
	long i = (long)(p * (double)(n - 1) + 0.5);

	return n > 0 ? v[i] * 1e3 : 0;
}

static void
usage(void)
{
	fputs("usage: api-load -u URL -c CA -t TOKEN [-C conns] [-n requests] [-s secs]"
	    " [-r rate] [-I max_id] PATH...\n", stderr);
	exit(2);
}

int
main(int argc, char **argv)
{
	static struct conn cs[MAX_CONNS];
	long total = 0, errors = 0, k = 0;
	double *all, secs;
	int ch;

	while ((ch = getopt(argc, argv, "u:c:t:C:n:s:r:I:")) != -1) {
		switch (ch) {
		case 'u': G.base = optarg; break;
		case 'c': G.ca = optarg; break;
		case 't': snprintf(G.authz, sizeof(G.authz), "Authorization: Bearer %s", optarg); break;
		case 'C': G.conns = atoi(optarg); break;
		case 'n': G.per_conn = atol(optarg); break;
		case 's': G.seconds = atof(optarg); break;
		case 'r': G.rate = atof(optarg); break;
		case 'I': G.max_id = atoll(optarg); break;
		default: usage();
		}
	}
	for (int i = optind; i < argc && G.npaths < MAX_PATHS; i++)
		G.paths[G.npaths++] = argv[i];
	if (G.base == NULL || G.ca == NULL || G.authz[0] == '\0' || G.npaths == 0 ||
	    G.conns < 1 || G.conns > MAX_CONNS || G.max_id < 1)
		usage();
	curl_global_init(CURL_GLOBAL_DEFAULT);
	G.t0 = now_s();
	for (int i = 0; i < G.conns; i++) {
		cs[i].idx = i;
		cs[i].rnd = (uint64_t)i * 7919 + 1;
		pthread_create(&cs[i].th, NULL, run, &cs[i]);
	}
	for (int i = 0; i < G.conns; i++) {
		pthread_join(cs[i].th, NULL);
		total += cs[i].n;
		errors += cs[i].errors;
	}
	secs = now_s() - G.t0;
	if ((all = malloc((size_t)(total > 0 ? total : 1) * sizeof(*all))) == NULL)
		return 1;
	for (int i = 0; i < G.conns; i++)
		for (long j = 0; j < cs[i].n; j++)
			all[k++] = cs[i].lat[j];
	qsort(all, (size_t)total, sizeof(*all), cmp);
	printf("requests %ld errors %ld seconds %.2f rps %.1f p50_ms %.2f p90_ms %.2f"
	    " p99_ms %.2f max_ms %.2f\n", total, errors, secs, (double)total / secs,
	    pct(all, total, 0.5), pct(all, total, 0.9), pct(all, total, 0.99),
	    pct(all, total, 1.0));
	curl_global_cleanup();
	return errors > 0 ? 1 : 0;
}
