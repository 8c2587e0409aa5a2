/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Capture variant: pcap and pcapng file replay through libpcap ("-" is stdin).
 *
 * A file reaches libpcap through a stdio stream of our own with a
 * 256 KiB buffer, refilled by read(2): one system call per 256 KiB instead of
 * one per 4 KiB, and a buffer small enough to stay in the CPU's cache between
 * the kernel's copy into it and libpcap's copy out of it. The buffer's pages
 * stay mapped for the whole file. stdin ("-", a pipe) gets the same buffer: a
 * refill takes what the pipe holds, it does not wait for the buffer to fill.
 *
 * Mapping the file instead (an 8 MiB window mapped over the next part of the
 * file at each refill, until 2026-12-03) saved the kernel's copy, but each
 * remap gives the process 2,048 fresh pages, and on a virtual machine that
 * shadows page tables every first touch of one is a trap: on the steady bench
 * trace, one thread took 264 ms against 188 ms with this buffer
 * (docs/bench.md, "Issue 18, sixth step").
 *
 * A file that is cut short, or shrinks while it is read, ends in libpcap's
 * "truncated dump file" error, prefixed with the file's name.
 */
#include <errno.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>

#include "capture-pcap.h"

#define FILE_BUF	((size_t)256 << 10)	/* stdio's buffer, file or stdin */

struct pcap_file {
	pcap_t		*ph;
	char		*buf;		/* stdio's buffer: freed after pcap_close */
	char		 source[256];	/* to name the file in an error */
};

/* A stdio stream on path ("-": stdin) with a FILE_BUF buffer (*buf: free it
 * after fclose), or NULL with errno set. */
static FILE *
file_stream(const char *path, char **buf)
{
	FILE *fp;

	if (strcmp(path, "-") == 0)
		fp = stdin;	/* nothing has read it yet: its buffer can still be set */
	else if ((fp = fopen(path, "rbe")) == NULL)
		return NULL;
	/* without the buffer, stdio's own (4 KiB) serves: slower, not wrong */
	if ((*buf = malloc(FILE_BUF)) != NULL && setvbuf(fp, *buf, _IOFBF, FILE_BUF) != 0) {
		free(*buf);
		*buf = NULL;
	}
	/* one thread reads it: libpcap's two freads a packet need no lock */
	__fsetlocking(fp, FSETLOCKING_BYCALLER);
	return fp;
}

static void *
file_open(const struct capture_opts *o, unsigned worker, int *linktype, char *err,
    size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	struct pcap_file *pf;
	FILE *fp;

	if (worker != 0) {
		snprintf(err, errlen, "pcap-file has one handle");
		return NULL;
	}
	if ((pf = calloc(1, sizeof(*pf))) == NULL) {
		snprintf(err, errlen, "%s: out of memory", o->source);
		return NULL;
	}
	snprintf(pf->source, sizeof(pf->source), "%s", o->source);
	if ((fp = file_stream(o->source, &pf->buf)) == NULL)
		snprintf(ebuf, sizeof(ebuf), "%s", strerror(errno));
	else if ((pf->ph = pcap_fopen_offline_with_tstamp_precision(fp,
	    PCAP_TSTAMP_PRECISION_MICRO, ebuf)) == NULL)
		fclose(fp);	/* pcap_close closes an accepted one */
	if (pf->ph == NULL) {	/* libpcap had a stream, not a name: we add it */
		snprintf(err, errlen, "%s: %s", o->source, ebuf);
		free(pf->buf);
		free(pf);
		return NULL;
	}
	*linktype = pcap_datalink(pf->ph);
	return pf;
}

/* A file ends with 0 packets from pcap_dispatch: report it as -1. */
static int
file_dispatch(void *h, int max, int timeout_ms, capture_cb cb, void *arg, char *err,
    size_t errlen)
{
	struct pcap_file *pf = h;
	char msg[PCAP_ERRBUF_SIZE];
	int n = capture_pcap_dispatch(pf->ph, max, cb, arg, msg, sizeof(msg));

	(void)timeout_ms;
	if (n == -2)	/* libpcap's message does not name the file */
		snprintf(err, errlen, "%s: %s", pf->source, msg);
	return n == 0 ? -1 : n;
}

static void
file_stats(void *h, struct capture_stats *st)
{
	(void)h;
	(void)st;
}

static void
file_close(void *h)
{
	struct pcap_file *pf = h;

	pcap_close(pf->ph);
	free(pf->buf);
	free(pf);
}

const struct capture_ops capture_ops_pcap_file = {
	.name = "pcap-file", .shared = true, .open = file_open,
	.dispatch = file_dispatch, .stats = file_stats, .close = file_close,
};
