/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Capture variant: pcap and pcapng file replay through libpcap ("-" is stdin).
 *
 * A regular file reaches libpcap through a stdio stream whose buffer is an
 * 8 MiB window mapped onto the file: each refill maps the next part of the file
 * over the window instead of copying it, so libpcap, which still parses every
 * format it knows, takes the bytes straight from the page cache. A read(2) per
 * 4 KiB and its kernel copy are most of what a bare read loop costs. The window
 * is mapped read-only and populated in the same call (MAP_POPULATE): 29 calls
 * for the 236 MB steady bench trace instead of some 3,000 page faults (one per
 * 64 KiB of fault-around), each dear in a virtual machine. Pipes,
 * stdin, empty files and a failed mapping take libpcap's own open.
 *
 * The size is taken when the file is opened: data appended later is not read.
 * If the file shrinks under the window, or the storage fails to deliver a
 * page, touching that page raises SIGBUS: the handler names the file and exits
 * with status 2, like any other bad file.
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

#define MAP_WINDOW	((size_t)8 << 20)	/* stdio's buffer: a window on the file */

struct mapped {
	int		 fd;
	unsigned char	*win;		/* MAP_WINDOW bytes, stdio's buffer */
	size_t		 len, off;	/* file size, bytes handed to stdio */
};

static char bus_msg[320];
static size_t bus_msg_len;
static uintptr_t bus_lo, bus_hi;	/* the window */

/* A fault inside the window is the file shrinking; any other is not ours. */
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
 * stdio refills its whole buffer, the window, from the start: the next part of
 * the file is mapped over the window instead of copied into it. The old part's
 * pages go with the remap, so at most one window of the file is resident.
 * Any other request (not expected from stdio) is served by pread, into a fresh
 * writable window if it is for the window.
 */
static ssize_t
mapped_read(void *cookie, char *buf, size_t n)
{
	struct mapped *m = cookie;
	ssize_t got;

	if (n > m->len - m->off)
		n = m->len - m->off;
	if (n == 0)
		return 0;
	if ((unsigned char *)buf == m->win && m->off % MAP_WINDOW == 0 &&
	    mmap(m->win, MAP_WINDOW, PROT_READ, MAP_PRIVATE | MAP_FIXED | MAP_POPULATE,
	    m->fd, (off_t)m->off) != MAP_FAILED) {
		m->off += n;
		return (ssize_t)n;
	}
	/* the window is read-only once mapped: a fresh writable one for pread */
	if ((unsigned char *)buf == m->win && mmap(m->win, MAP_WINDOW, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED)
		return -1;
	if ((got = pread(m->fd, buf, n, (off_t)m->off)) > 0)
		m->off += (size_t)got;
	return got;
}

static int
mapped_close(void *cookie)
{
	struct mapped *m = cookie;

	munmap(m->win, MAP_WINDOW);
	close(m->fd);
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
	void *w;
	int fd;

	if (strcmp(path, "-") == 0 || (fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return NULL;
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) || st.st_size <= 0) {
		close(fd);
		return NULL;
	}
	w = mmap(NULL, MAP_WINDOW, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (w == MAP_FAILED || (m = calloc(1, sizeof(*m))) == NULL) {
		if (w != MAP_FAILED)
			munmap(w, MAP_WINDOW);
		close(fd);
		return NULL;
	}
	*m = (struct mapped){ fd, w, (size_t)st.st_size, 0 };
	if ((fp = fopencookie(m, "r", (cookie_io_functions_t){ .read = mapped_read,
	    .close = mapped_close })) == NULL) {
		mapped_close(m);
		return NULL;
	}
	if (setvbuf(fp, (char *)w, _IOFBF, MAP_WINDOW) != 0) {
		fclose(fp);
		return NULL;
	}
	bus_msg_len = (size_t)snprintf(bus_msg, sizeof(bus_msg),
	    "%s: the file shrank, or could not be read, while it was being read\n",
	    path);
	if (bus_msg_len >= sizeof(bus_msg))
		bus_msg_len = sizeof(bus_msg) - 1;
	bus_lo = (uintptr_t)w;
	bus_hi = bus_lo + MAP_WINDOW;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_sigbus;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	(void)sigaction(SIGBUS, &sa, NULL);
	return fp;
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
