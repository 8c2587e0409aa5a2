/* SPDX-License-Identifier: BSD-2-Clause */
/* Voice-like pacing of opaque UDP flows: interval histogram and size moments. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "jw.h"
#include "pace.h"

void
pace_params_default(struct pace_params *p)
{
	p->min_duration = 10 * USEC_PER_SEC;
	p->tolerance_ms = 3;
	p->min_share = 0.6;
	p->max_size_stddev = 12.0;
	p->max_size_mean = 400.0;
	p->min_packets = 100;
	p->both_directions = true;
}

void
pace_init(struct pace *pc)
{
	memset(pc, 0, sizeof(*pc));
}

static void
pace_interval(struct pace_dir *d, usec_t gap)
{
	uint64_t ms = (gap + 500) / 1000;

	if (ms > PACE_GAP_MS) {
		d->gaps++;
		return;
	}
	d->intervals++;
	if (ms >= PACE_HIST_LO && ms <= PACE_HIST_HI)
		d->hist[ms - PACE_HIST_LO]++;
}

void
pace_update(struct pace *pc, int dir, usec_t t, size_t len)
{
	struct pace_dir *d = &pc->dir[dir != 0];

	if (d->packets == 0)
		d->first = t;
	else if (t >= d->last)
		pace_interval(d, t - d->last);
	if (t >= d->last)
		d->last = t;
	d->packets++;
	d->bytes += len;
	if (len <= PACE_SID_MAX) {
		d->sid++;
		return;
	}
	d->sized++;
	d->size_sum += len;
	d->size_sq += (uint64_t)len * len;
}

static uint32_t
hist_near(const struct pace_dir *d, unsigned centre, unsigned tol, bool skip20)
{
	uint32_t sum = 0;
	unsigned ms;

	for (ms = centre - tol; ms <= centre + tol; ms++)
		if (!(skip20 && ms + tol >= 20 && ms <= 20 + tol))
			sum += d->hist[ms - PACE_HIST_LO];
	return sum;
}

double
pace_share(const struct pace_dir *d, unsigned tol, unsigned *ms)
{
	uint32_t n20, n30;

	if (tol > PACE_TOL_MAX)
		tol = PACE_TOL_MAX;
	n20 = hist_near(d, 20, tol, false);
	n30 = hist_near(d, 30, tol, true);	/* each bucket counted once */
	if (ms != NULL)
		*ms = d->intervals == 0 ? 0 : n20 >= n30 ? 20 : 30;
	return d->intervals == 0 ? 0.0 : (double)(n20 + n30) / d->intervals;
}

double
pace_size_mean(const struct pace_dir *d)
{
	return d->sized == 0 ? 0.0 : (double)d->size_sum / (double)d->sized;
}

double
pace_size_stddev(const struct pace_dir *d)
{
	double m = pace_size_mean(d), v;

	if (d->sized < 2)
		return 0.0;
	v = (double)d->size_sq / (double)d->sized - m * m;
	return v > 0 ? sqrt(v) : 0.0;
}

static bool
dir_is_voice(const struct pace_dir *d, const struct pace_params *p)
{
	return d->sized + d->sid >= p->min_packets && d->sized > 0 &&
	    pace_share(d, p->tolerance_ms, NULL) >= p->min_share &&
	    pace_size_mean(d) <= p->max_size_mean &&
	    pace_size_stddev(d) <= p->max_size_stddev;
}

static usec_t
pace_duration(const struct pace *pc)
{
	usec_t first = 0, last = 0;
	int i;

	for (i = 0; i < 2; i++) {
		const struct pace_dir *d = &pc->dir[i];
		if (d->packets == 0)
			continue;
		if (first == 0 || d->first < first)
			first = d->first;
		if (d->last > last)
			last = d->last;
	}
	return last - first;
}

bool
pace_is_voice(const struct pace *pc, const struct pace_params *p)
{
	bool a = dir_is_voice(&pc->dir[0], p), b = dir_is_voice(&pc->dir[1], p);

	if (pace_duration(pc) < p->min_duration)
		return false;
	if (p->both_directions)
		return a && b;
	return a || b;
}

static void
pace_write_dir(const struct pace_dir *d, const struct pace_params *p,
    const char *sfx, struct jw *w)
{
	char key[32];
	unsigned ms;
	double share = pace_share(d, p->tolerance_ms, &ms);

#define KEY(k)	(snprintf(key, sizeof(key), "%s_%s", k, sfx), key)
	jw_u64(w, KEY("packets"), d->packets);
	jw_u64(w, KEY("bytes"), d->bytes);
	jw_u64(w, KEY("interval_ms"), ms);
	jw_dbl(w, KEY("paced_share"), share, 3);
	jw_dbl(w, KEY("size_mean"), pace_size_mean(d), 1);
	jw_dbl(w, KEY("size_stddev"), pace_size_stddev(d), 1);
	jw_u64(w, KEY("sid_frames"), d->sid);
	jw_u64(w, KEY("gaps"), d->gaps);
#undef KEY
}

void
pace_write(const struct pace *pc, const struct pace_params *p, struct jw *w)
{
	jw_dbl(w, "duration", (double)pace_duration(pc) / 1e6, 3);
	pace_write_dir(&pc->dir[0], p, "orig", w);
	pace_write_dir(&pc->dir[1], p, "resp", w);
}
