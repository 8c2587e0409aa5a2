/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nomalloc: no malloc per packet in the steady state (issue 18). A counting
 * allocator compiled into this binary (its malloc family interposes on every
 * shared library's, nDPI's and libosip2's included, and forwards to glibc's)
 * counts the allocations made while one worker and the detect stage analyse a
 * stretch of a capture, after a warm-up on the packets before it. Each
 * allocation is charged to the object its caller is in (dladdr, after the
 * stretch): goipwatchd's own code, libndpi, libosip2, or another library.
 *
 * usage: nomalloc [-f CONF] [-w WARMUP] [-n PACKETS] FILE
 * The capture is read into memory first; packets WARMUP+1 .. WARMUP+PACKETS are
 * counted. Prints one line per call site and a summary; exits 1 when
 * anything but nDPI allocated in the stretch (goipwatchd's own code; libosip2,
 * whose allocator sip.c sets to its arena; glibc on our behalf: a strdup or an
 * fopen of ours); 2 on a usage or set-up error, or when the allocator's
 * self-check fails (an allocation of its own, made while counting, must be
 * counted and charged to this binary); 77 when built with ASan (DEBUG=1),
 * whose malloc this cannot stand in front of.
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "capture.h"
#include "conf.h"
#include "detect.h"
#include "report.h"
#include "sip.h"
#include "mem.h"
#include "worker.h"

#ifdef GW_ASAN
/* ASan (DEBUG=1) owns the malloc family: nothing to count with. */
int
main(void)
{
	fprintf(stderr, "nomalloc: built with ASan, which owns malloc: nothing counted\n");
	return 77;
}
#else
void	*__libc_malloc(size_t);
void	*__libc_calloc(size_t, size_t);
void	*__libc_realloc(void *, size_t);
void	*__libc_memalign(size_t, size_t);
void	 __libc_free(void *);
void	*memalign(size_t, size_t);

#define CALLERS	1024	/* distinct call sites kept (open addressing) */

static volatile int counting;
static struct { void *pc; uint64_t n; } callers[CALLERS];
static uint64_t nalloc, nlost;

static void
note(void *pc)
{
	size_t i = ((uintptr_t)pc >> 4) % CALLERS, k;

	if (!counting)
		return;
	nalloc++;
	for (k = 0; k < CALLERS; k++, i = (i + 1) % CALLERS) {
		if (callers[i].pc == pc || callers[i].pc == NULL) {
			callers[i].pc = pc;
			callers[i].n++;
			return;
		}
	}
	nlost++;
}

/* noinline: inlined into a caller in this file, the return address would be its caller's */
void * __attribute__((noinline))
malloc(size_t n)
{
	note(__builtin_return_address(0));
	return __libc_malloc(n);
}

void * __attribute__((noinline))
calloc(size_t m, size_t n)
{
	note(__builtin_return_address(0));
	return __libc_calloc(m, n);
}

void * __attribute__((noinline))
realloc(void *p, size_t n)
{
	note(__builtin_return_address(0));
	return __libc_realloc(p, n);
}

void * __attribute__((noinline))
memalign(size_t a, size_t n)
{
	note(__builtin_return_address(0));
	return __libc_memalign(a, n);
}

void * __attribute__((noinline))
aligned_alloc(size_t a, size_t n)
{
	note(__builtin_return_address(0));
	return __libc_memalign(a, n);
}

int __attribute__((noinline))
posix_memalign(void **p, size_t a, size_t n)
{
	note(__builtin_return_address(0));
	if ((*p = __libc_memalign(a, n)) == NULL)
		return ENOMEM;
	return 0;
}

void
free(void *p)
{
	__libc_free(p);
}

struct frame {
	uint8_t		*data;
	uint32_t	 caplen, wirelen;
	usec_t		 ts;
};

static void
nop_emit(void *arg, const char *rec, size_t len)
{
	(void)arg, (void)rec, (void)len;
}

static void
to_detect(void *arg, const struct event *e, size_t len)
{
	(void)len;
	detect_event(arg, e);
}

/* Which object a call site is in: 0 goipwatchd (this binary), 1 nDPI, 2 libosip2, 3 other. */
static int
object_of(void *pc, const char **name)
{
	static Dl_info self;
	Dl_info di;

	if (self.dli_fbase == NULL)
		dladdr((void *)object_of, &self);
	if (dladdr(pc, &di) == 0 || di.dli_fname == NULL) {
		*name = "?";
		return 3;
	}
	*name = di.dli_sname != NULL ? di.dli_sname : di.dli_fname;
	if (di.dli_fbase == self.dli_fbase)
		return 0;
	if (strstr(di.dli_fname, "libndpi") != NULL)
		return 1;
	if (strstr(di.dli_fname, "libosip") != NULL || strstr(di.dli_fname, "libosipparser") != NULL)
		return 2;
	return 3;
}

int
main(int argc, char **argv)
{
	static const char *const objs[4] = { "goipwatchd", "libndpi", "libosip2", "other" };
	char err[PCAP_ERRBUF_SIZE + 256];
	const char *cpath = NULL, *name;
	unsigned long warm = 20000, npk = 20000, i, nf = 0, with = 0;
	uint64_t by[4] = { 0 }, before;
	struct pcap_pkthdr *h;
	const u_char *bytes;
	struct frame *f;
	struct conf *c;
	struct detect *d;
	struct worker *w;
	pcap_t *p;
	void *volatile probe;
	int ch, o;

	while ((ch = getopt(argc, argv, "f:w:n:")) != -1) {
		switch (ch) {
		case 'f': cpath = optarg; break;
		case 'w': warm = strtoul(optarg, NULL, 10); break;
		case 'n': npk = strtoul(optarg, NULL, 10); break;
		default: goto usage;
		}
	}
	if (optind + 1 != argc || npk == 0)
		goto usage;
	c = cpath != NULL ? conf_load(cpath, err, sizeof(err)) : conf_new_defaults();
	if (c == NULL) {
		fprintf(stderr, "nomalloc: %s\n", cpath != NULL ? err : "no config");
		return 2;
	}
	if ((p = pcap_open_offline(argv[optind], err)) == NULL ||
	    (f = calloc(warm + npk, sizeof(*f))) == NULL) {
		fprintf(stderr, "nomalloc: %s\n", err);
		return 2;
	}
	while (nf < warm + npk && pcap_next_ex(p, &h, &bytes) == 1) {
		if ((f[nf].data = malloc(h->caplen ? h->caplen : 1)) == NULL)
			return 2;
		memcpy(f[nf].data, bytes, h->caplen);
		f[nf].caplen = h->caplen;
		f[nf].wirelen = h->len;
		f[nf].ts = (usec_t)h->ts.tv_sec * USEC_PER_SEC + (usec_t)h->ts.tv_usec;
		nf++;
	}
	if (nf < warm + npk) {
		fprintf(stderr, "nomalloc: %s has %lu packets, %lu wanted\n", argv[optind], nf,
		    warm + npk);
		return 2;
	}
	sip_global_init();
	d = detect_new(c, &(struct sink){ .emit = nop_emit, .detection = nop_emit });
	w = d == NULL ? NULL : worker_new(0, c, pcap_datalink(p), &(struct sink){
	    .emit = nop_emit, .event = to_detect, .arg = d }, err, sizeof(err));
	if (w == NULL) {
		fprintf(stderr, "nomalloc: cannot set up: %s\n", d == NULL ? "detect" : err);
		return 2;
	}
	/* self-check: the hook counts, and dladdr charges this binary */
	counting = 1;
	probe = malloc(16);	/* volatile: the compiler may not drop the pair */
	free(probe);
	counting = 0;
	for (i = 0; i < CALLERS && callers[i].pc == NULL; i++)
		;
	if (nalloc != 1 || i == CALLERS || object_of(callers[i].pc, &name) != 0) {
		fprintf(stderr, "nomalloc: the counting allocator's self-check failed (%llu counted)\n", (unsigned long long)nalloc);
		return 2;
	}
	memset(callers, 0, sizeof(callers));
	nalloc = 0;
	for (i = 0; i < nf; i++) {
		struct capture_pkt cp = { f[i].data, f[i].caplen, f[i].wirelen, f[i].ts };

		if (i == warm)
			counting = 1;
		before = nalloc;
		worker_packet(w, &cp);
		with += nalloc != before;
	}
	counting = 0;
	for (i = 0; i < CALLERS; i++) {
		if (callers[i].pc == NULL)
			continue;
		o = object_of(callers[i].pc, &name);
		by[o] += callers[i].n;
		printf("caller %-10s %-32s %p %8llu\n", objs[o], name, callers[i].pc,
		    (unsigned long long)callers[i].n);
	}
	printf("packets %lu allocations %llu (goipwatchd %llu libndpi %llu libosip2 %llu "
	    "other %llu, call sites not kept %llu) packets with one %lu, per packet %.4f\n",
	    npk, (unsigned long long)nalloc, (unsigned long long)by[0],
	    (unsigned long long)by[1], (unsigned long long)by[2], (unsigned long long)by[3],
	    (unsigned long long)nlost, with, (double)nalloc / (double)npk);
	worker_finish(w);
	detect_finish(d, f[nf - 1].ts);
	worker_free(w);
	detect_free(d);
	for (i = 0; i < nf; i++)
		free(f[i].data);
	free(f);
	pcap_close(p);
	conf_free(c);
	return by[0] > 0 || by[2] > 0 || by[3] > 0 || nlost > 0 ? 1 : 0;
usage:
	fprintf(stderr, "usage: nomalloc [-f CONF] [-w WARMUP] [-n PACKETS] FILE\n");
	return 2;
}
#endif
