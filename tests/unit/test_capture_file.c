/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Unit tests for the pcap-file capture variant: our buffered stream gives
 * exactly the packets libpcap's own open gives, bad and empty files are refused
 * with a message, and a file that shrinks while it is read ends in an error
 * that names the file, never a crash.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <pcap/pcap.h>

#include "capture.h"

#define NPKT	5000

struct tally {
	uint64_t	packets, bytes, sum;
};

static void
tally_bytes(struct tally *t, const uint8_t *p, uint32_t caplen, uint32_t wirelen)
{
	uint32_t i;

	t->packets++;
	t->bytes += wirelen;
	for (i = 0; i < caplen; i++)
		t->sum = t->sum * 31 + p[i];
}

static void
tally_cb(void *arg, const struct capture_pkt *cp)
{
	tally_bytes(arg, cp->data, cp->caplen, cp->wirelen);
}

/* A capture of NPKT Ethernet frames of 60-1514 bytes with varied contents. */
static void
write_capture(const char *path)
{
	pcap_t *dead = pcap_open_dead(DLT_EN10MB, 65535);
	pcap_dumper_t *d;
	struct pcap_pkthdr h;
	uint8_t frame[1514];
	unsigned i, j;

	assert_non_null(dead);
	assert_non_null(d = pcap_dump_open(dead, path));
	for (i = 0; i < NPKT; i++) {
		memset(&h, 0, sizeof(h));
		h.ts.tv_sec = 1700000000 + i / 50;
		h.ts.tv_usec = (i % 50) * 20000;
		h.caplen = h.len = 60 + (i * 7919u) % (sizeof(frame) - 60);
		for (j = 0; j < h.caplen; j++)
			frame[j] = (uint8_t)(i * 131u + j * 17u);
		pcap_dump((u_char *)d, &h, frame);
	}
	pcap_dump_close(d);
	pcap_close(dead);
}

static struct capture *
open_file(const char *path, char *err, size_t errlen)
{
	struct capture_opts o = { .driver = "pcap-file", .source = path, .snaplen = 65535 };

	return capture_open(&o, 0, err, errlen);
}

static void
read_all(struct capture *c, struct tally *t)
{
	int n;

	while ((n = capture_dispatch(c, 256, 0, tally_cb, t)) > 0)
		;
	assert_int_equal(n, -1);	/* the end of the file, not an error */
}

static void
make_path(char *path, size_t len)
{
	int fd;

	snprintf(path, len, "%s/gwcapXXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	assert_true((fd = mkstemp(path)) >= 0);
	close(fd);
}

static void
test_same_packets_as_libpcap(void **state)
{
	char path[256], err[256] = "", ebuf[PCAP_ERRBUF_SIZE];
	struct tally a = { 0 }, b = { 0 };
	struct pcap_pkthdr *h;
	const u_char *p;
	struct capture *c;
	pcap_t *ph;

	(void)state;
	make_path(path, sizeof(path));
	write_capture(path);
	assert_non_null(c = open_file(path, err, sizeof(err)));
	assert_int_equal(capture_linktype(c), DLT_EN10MB);
	read_all(c, &a);
	capture_close(c);
	assert_non_null(ph = pcap_open_offline(path, ebuf));
	while (pcap_next_ex(ph, &h, &p) == 1)
		tally_bytes(&b, p, h->caplen, h->len);
	pcap_close(ph);
	assert_int_equal(a.packets, NPKT);
	assert_int_equal(a.packets, b.packets);
	assert_int_equal(a.bytes, b.bytes);
	assert_int_equal(a.sum, b.sum);
	unlink(path);
}

/* Whether this process has path open (a refused file must not stay open). */
static bool
is_open(const char *path)
{
	char fd[64], target[512];
	ssize_t n;
	int i;

	for (i = 0; i < 1024; i++) {
		snprintf(fd, sizeof(fd), "/proc/self/fd/%d", i);
		if ((n = readlink(fd, target, sizeof(target) - 1)) <= 0)
			continue;
		target[n] = '\0';
		if (strcmp(target, path) == 0)
			return true;
	}
	return false;
}

static void
test_bad_and_empty_files(void **state)
{
	char path[256], err[256] = "";
	FILE *f;

	(void)state;
	make_path(path, sizeof(path));
	assert_null(open_file(path, err, sizeof(err)));	/* empty */
	assert_non_null(strstr(err, path));
	assert_non_null(f = fopen(path, "w"));
	fputs("this is not a capture\n", f);
	fclose(f);
	err[0] = '\0';
	assert_null(open_file(path, err, sizeof(err)));
	assert_non_null(strstr(err, path));
	assert_false(is_open(path));	/* the refused stream was closed */
	unlink(path);
	err[0] = '\0';
	assert_null(open_file(path, err, sizeof(err)));	/* missing */
	assert_true(err[0] != '\0');
}

/* Reads a little, cuts the file short, reads on: an error naming the file. */
static void
test_file_shrinks_while_read(void **state)
{
	char path[256], err[256] = "";
	struct tally t = { 0 };
	struct capture *c;
	int n;

	(void)state;
	make_path(path, sizeof(path));
	write_capture(path);
	assert_non_null(c = open_file(path, err, sizeof(err)));
	assert_int_equal(capture_dispatch(c, 10, 0, tally_cb, &t), 10);
	assert_int_equal(truncate(path, 4096), 0);
	while ((n = capture_dispatch(c, 256, 0, tally_cb, &t)) > 0)
		;
	assert_int_equal(n, -2);
	assert_true(t.packets > 10 && t.packets < NPKT);	/* the buffered part */
	snprintf(err, sizeof(err), "%s", capture_error(c));
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "truncated"));
	capture_close(c);
	unlink(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_packets_as_libpcap),
		cmocka_unit_test(test_bad_and_empty_files),
		cmocka_unit_test(test_file_shrinks_while_read),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
