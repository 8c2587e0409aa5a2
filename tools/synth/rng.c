/* SPDX-License-Identifier: BSD-2-Clause */
/* rng: deterministic xoshiro256** generator and the distributions the scenarios draw from. */
#include <math.h>

#include "synth.h"

static uint64_t
rng_splitmix(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void
rng_seed(struct rng *r, uint64_t seed)
{
	for (int i = 0; i < 4; i++)
		r->s[i] = rng_splitmix(&seed);
}

/* A child stream: independent of how many draws the parent makes later. */
void
rng_fork(struct rng *child, struct rng *parent)
{
	rng_seed(child, rng_u64(parent));
}

static inline uint64_t
rng_rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t
rng_u64(struct rng *r)
{
	uint64_t *s = r->s;
	uint64_t out = rng_rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rng_rotl(s[3], 45);
	return out;
}

uint32_t
rng_below(struct rng *r, uint32_t n)
{
	if (n == 0)
		return 0;
	return (uint32_t)(((rng_u64(r) >> 32) * (uint64_t)n) >> 32);
}

/* Uniform in [lo, hi], both included. */
uint32_t
rng_range(struct rng *r, uint32_t lo, uint32_t hi)
{
	if (hi <= lo)
		return lo;
	return lo + rng_below(r, hi - lo + 1);
}

double
rng_unit(struct rng *r)
{
	return (double)(rng_u64(r) >> 11) * 0x1.0p-53;
}

bool
rng_chance(struct rng *r, double p)
{
	return rng_unit(r) < p;
}

double
rng_exp(struct rng *r, double mean)
{
	return -mean * log(1.0 - rng_unit(r));
}

/* Lognormal by its median, the natural way to state call durations. */
double
rng_lognormal(struct rng *r, double median, double sigma)
{
	double u1 = 1.0 - rng_unit(r), u2 = rng_unit(r);
	double z = sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);

	return median * exp(sigma * z);
}

void
rng_bytes(struct rng *r, uint8_t *p, size_t n)
{
	while (n > 0) {
		uint64_t v = rng_u64(r);
		for (int i = 0; i < 8 && n > 0; i++, n--) {
			*p++ = (uint8_t)v;
			v >>= 8;
		}
	}
}

/* n random decimal digits and a NUL: out must hold n + 1 bytes. */
void
rng_digits(struct rng *r, char *out, size_t n)
{
	for (size_t i = 0; i < n; i++)
		out[i] = (char)('0' + rng_below(r, 10));
	out[n] = '\0';
}
