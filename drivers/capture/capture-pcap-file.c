/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Capture variant: pcap and pcapng file replay through libpcap ("-" is stdin).
 *
 * A regular file is mapped and handed to libpcap as a stdio stream over the
 * mapping: libpcap still parses every format it knows, but the bytes come from
 * the page cache by one user-space copy instead of a read(2) per 4 KiB, which
 * is most of what a bare read loop costs. Pipes, stdin, empty files and any
 * mapping failure take libpcap's own open.
 *
 * The mapping covers the file as it was opened: data appended later is not
 * read. If the file shrinks under it, or the storage fails to deliver a page,
 * touching that page raises SIGBUS: the handler names the file and exits with
 * status 2, like any other bad file.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "capture-pcap.h"

#define MAP_STDIO_BUF	(64 * 1024)
#define MAP_DROP_STEP	((size_t)8 << 20)

struct mapped {
	const unsigned char *p;
	size_t		 len, off;
	size_t		 dropped;	/* bytes unmapped from the start */
};

static char bus_msg[320];
static size_t bus_msg_len;
static uintptr_t bus_lo, bus_hi;	/* the mapping */

/* A fault inside the mapping is the file shrinking; any other is not ours. */
static void
on_sigbus(int sig, siginfo_t *si, void *uc)
{
	uintptr_t a = (uintptr_t)si->si_addr;

	(void)uc;
	if (a < bus_lo || a >= bus_hi) {
		signal(sig, SIG_DFL);
		raise(sig);
		return;
	}
	if (write(STDERR_FILENO, bus_msg, bus_msg_len) < 0)
		_exit(2);
	_exit(2);
}

/*
 * Bytes once copied out are never read again: they are unmapped in steps as
 * the read moves on, so tearing down the mapping's page tables is spread over
 * the run instead of stalling the exit (5 ms for a 236 MB file), and the
 * file's pages count in the resident size for at most one step.
 */
static void
mapped_drop(struct mapped *m, size_t upto)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE), end = upto / pg * pg;

	if (end <= m->dropped)
		return;
	munmap((void *)(uintptr_t)(m->p + m->dropped), end - m->dropped);
	m->dropped = end;
}

static ssize_t
mapped_read(void *cookie, char *buf, size_t n)
{
	struct mapped *m = cookie;

	if (n > m->len - m->off)
		n = m->len - m->off;
	memcpy(buf, m->p + m->off, n);
	m->off += n;
	if (m->off - m->dropped >= MAP_DROP_STEP)
		mapped_drop(m, m->off);
	return (ssize_t)n;
}

static int
mapped_close(void *cookie)
{
	struct mapped *m = cookie;

	if (m->len > m->dropped)
		munmap((void *)(uintptr_t)(m->p + m->dropped), m->len - m->dropped);
	free(m);
	return 0;
}

/* A stdio stream over the mapped file, or NULL to let libpcap open it. */
static FILE *
file_map(const char *path)
{
	struct sigaction sa;
	struct mapped *m;
	struct stat st;
	FILE *fp;
	void *p;
	int fd;

	if (strcmp(path, "-") == 0 || (fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return NULL;
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) || st.st_size <= 0 ||
	    (uint64_t)st.st_size > SIZE_MAX) {
		close(fd);
		return NULL;
	}
	p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return NULL;
	(void)madvise(p, (size_t)st.st_size, MADV_SEQUENTIAL);
	if ((m = calloc(1, sizeof(*m))) == NULL)
		goto err;
	m->p = p;
	m->len = (size_t)st.st_size;
	if ((fp = fopencookie(m, "r", (cookie_io_functions_t){ .read = mapped_read,
	    .close = mapped_close })) == NULL) {
		free(m);
		goto err;
	}
	if (setvbuf(fp, NULL, _IOFBF, MAP_STDIO_BUF) != 0) {
		fclose(fp);
		return NULL;
	}
	bus_msg_len = (size_t)snprintf(bus_msg, sizeof(bus_msg),
	    "%s: the file shrank, or could not be read, while it was being read\n",
	    path);
	if (bus_msg_len >= sizeof(bus_msg))
		bus_msg_len = sizeof(bus_msg) - 1;
	bus_lo = (uintptr_t)p;
	bus_hi = bus_lo + m->len;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_sigbus;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	(void)sigaction(SIGBUS, &sa, NULL);
	return fp;
err:
	munmap(p, (size_t)st.st_size);
	return NULL;
}

static void *
file_open(const struct capture_opts *o, unsigned worker, int *linktype, char *err,
    size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	pcap_t *ph;
	FILE *fp;

	if (worker != 0) {
		snprintf(err, errlen, "pcap-file has one handle");
		return NULL;
	}
	if ((fp = file_map(o->source)) != NULL) {
		/* pcap_close closes fp; a refused file is still ours to close */
		ph = pcap_fopen_offline_with_tstamp_precision(fp,
		    PCAP_TSTAMP_PRECISION_MICRO, ebuf);
		if (ph == NULL)
			fclose(fp);
	} else
		ph = pcap_open_offline_with_tstamp_precision(o->source,
		    PCAP_TSTAMP_PRECISION_MICRO, ebuf);
	if (ph == NULL) {
		if (strstr(ebuf, o->source) != NULL)	/* libpcap named the file */
			snprintf(err, errlen, "%s", ebuf);
		else
			snprintf(err, errlen, "%s: %s", o->source, ebuf);
		return NULL;
	}
	*linktype = pcap_datalink(ph);
	return ph;
}

/* A file ends with 0 packets from pcap_dispatch: report it as -1. */
static int
file_dispatch(void *h, int max, int timeout_ms, capture_cb cb, void *arg, char *err,
    size_t errlen)
{
	int n = capture_pcap_dispatch(h, max, cb, arg, err, errlen);

	(void)timeout_ms;
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
	pcap_close(h);
}

const struct capture_ops capture_ops_pcap_file = {
	.name = "pcap-file", .shared = true, .open = file_open,
	.dispatch = file_dispatch, .stats = file_stats, .close = file_close,
};
