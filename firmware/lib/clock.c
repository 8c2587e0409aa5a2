/* SPDX-License-Identifier: BSD-2-Clause */
/* Capture-time formatting; the only clock reads are clock_wall() and clock_mono()
 * (clock_mono_after reads the same clock). */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sys/time.h>

#include "clock.h"

/* n digits of v, zero-padded, at p. */
static char *
put_digits(char *p, unsigned v, int n)
{
	int i;

	for (i = n - 1; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
	return p + n;
}

/* Years 0-9999 without gmtime_r and snprintf (records format one or more a
 * packet): days to a civil date (H. Hinnant's days_from_civil, inverted). */
#define CLOCK_FAST_MAX	253402300800ULL	/* 10000-01-01T00:00:00Z */

size_t
clock_fmt(usec_t t, char *buf, size_t len)
{
	uint64_t secs64 = t / USEC_PER_SEC;
	time_t secs = (time_t)secs64;
	struct tm tm;
	int n;

	if (secs64 < CLOCK_FAST_MAX && len > 24) {
		uint64_t days = secs64 / 86400, sod = secs64 % 86400;
		uint64_t z = days + 719468, era = z / 146097, doe = z - era * 146097;
		uint64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
		uint64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
		uint64_t mp = (5 * doy + 2) / 153;
		unsigned d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
		unsigned m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
		unsigned y = (unsigned)(yoe + era * 400 + (m <= 2));
		char *p = buf;

		p = put_digits(p, y, 4);
		*p++ = '-';
		p = put_digits(p, m, 2);
		*p++ = '-';
		p = put_digits(p, d, 2);
		*p++ = 'T';
		p = put_digits(p, (unsigned)(sod / 3600), 2);
		*p++ = ':';
		p = put_digits(p, (unsigned)(sod / 60 % 60), 2);
		*p++ = ':';
		p = put_digits(p, (unsigned)(sod % 60), 2);
		*p++ = '.';
		p = put_digits(p, (unsigned)(t % USEC_PER_SEC / 1000), 3);
		*p++ = 'Z';
		*p = '\0';
		return (size_t)(p - buf);
	}
	if (gmtime_r(&secs, &tm) == NULL)
		memset(&tm, 0, sizeof(tm));
	n = snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%03uZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, (unsigned)(t % USEC_PER_SEC / 1000));
	if (n < 0)
		return 0;
	return (size_t)n < len ? (size_t)n : len - 1;
}

int
clock_parse(const char *s, usec_t *out)
{
	struct tm tm;
	unsigned ms = 0;
	int n = 0, y, mo, d, h, mi, se;

	memset(&tm, 0, sizeof(tm));
	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &se, &n) != 6)
		return -1;
	s += n;
	if (*s == '.') {
		if (sscanf(s, ".%3u%n", &ms, &n) != 1)
			return -1;
		s += n;
	}
	if (strcmp(s, "Z") != 0 || mo < 1 || mo > 12 || d < 1 || d > 31 ||
	    h > 23 || mi > 59 || se > 60 || y < 1970)
		return -1;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = se;
	*out = (usec_t)timegm(&tm) * USEC_PER_SEC + (usec_t)ms * 1000;
	return 0;
}

usec_t
clock_wall(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (usec_t)ts.tv_sec * USEC_PER_SEC + (usec_t)ts.tv_nsec / 1000;
}

usec_t
clock_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (usec_t)ts.tv_sec * USEC_PER_SEC + (usec_t)ts.tv_nsec / 1000;
}

int
clock_cond_init(pthread_cond_t *cv)
{
	pthread_condattr_t a;
	int rc;

	if ((rc = pthread_condattr_init(&a)) != 0)
		return rc;
	if ((rc = pthread_condattr_setclock(&a, CLOCK_MONOTONIC)) == 0)
		rc = pthread_cond_init(cv, &a);
	pthread_condattr_destroy(&a);
	return rc;
}

struct timespec
clock_mono_after(int64_t ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += (time_t)(ms / 1000);
	ts.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	return ts;
}
