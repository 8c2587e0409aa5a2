/* SPDX-License-Identifier: BSD-2-Clause */
/* Writes and signs one line's evidence file. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "evfile.h"
#include "pcapng.h"

struct evwalk {
	const struct evfile_params *p;
	struct pcapng	 w;
	size_t		 packets, skipped;
	char		 comment[512];
};

/* "sip_user_agent, termination_pattern (look-back)": what the packet supports. */
static const char *
evfile_comment(struct evwalk *ew, const struct keep_pkt *kp)
{
	size_t n = 0, i;
	char *c = ew->comment;

	c[0] = '\0';
	for (i = 0; i < ew->p->nkinds && i < 32; i++)
		if (kp->kinds & 1u << i)
			n += (size_t)snprintf(c + n, n < sizeof(ew->comment) ?
			    sizeof(ew->comment) - n : 0, "%s%s", n ? ", " : "",
			    ew->p->kind_names[i]);
	if (n == 0 && ew->p->media_evkind >= 0 && kp->f.evkind == ew->p->media_evkind)
		n = (size_t)snprintf(c, sizeof(ew->comment), ew->p->media_payload ?
		    "media: the first packet of an RTP stream of the line, with its payload" :
		    "media: the first packet of an RTP stream of the line, headers only "
		    "(the voice payload is not kept)");
	if (n == 0)
		n = (size_t)snprintf(c, sizeof(ew->comment),
		    "context: signalling of a line with evidence");
	if (kp->flags & KEEP_F_LOOKBACK && n < sizeof(ew->comment))
		snprintf(c + n, sizeof(ew->comment) - n, " (look-back, before the "
		    "first evidence)");
	return c;
}

static void
evfile_pkt(void *arg, const struct keep_pkt *kp)
{
	struct evwalk *ew = arg;
	const char *c = evfile_comment(ew, kp);

	if (ew->w.bytes + pcapng_epb_size(&ew->w, kp->f.linktype, kp->f.caplen, c) >
	    ew->p->file_max) {
		ew->skipped++;
		return;
	}
	if (pcapng_epb(&ew->w, kp->f.linktype, kp->f.ts, kp->f.data, kp->f.caplen,
	    kp->f.wirelen, c) == 0)
		ew->packets++;
}

/* Writes data to path atomically: tmp, (fsync,) rename. */
static int
evfile_put(const char *path, const void *data, size_t len, bool sync)
{
	char tmp[PATH_MAX + 16];
	int fd;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640)) == -1)
		return -1;
	if (write(fd, data, len) != (ssize_t)len || (sync && fsync(fd) == -1)) {
		close(fd);
		unlink(tmp);
		return -1;
	}
	close(fd);
	return rename(tmp, path);
}

static int
evfile_pcapng(const struct evfile_params *p, const struct keep *k,
    const uint8_t key[KEEP_KEY_LEN], const char *tmp, const char *comment,
    struct evfile_info *info)
{
	struct evwalk ew;
	FILE *f;
	int fd;

	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640)) == -1)
		return -1;
	if ((f = fdopen(fd, "wb")) == NULL) {
		close(fd);
		return -1;
	}
	memset(&ew, 0, sizeof(ew));
	ew.p = p;
	pcapng_init(&ew.w, f, p->snaplen);
	pcapng_shb(&ew.w, comment, "goipwatchd");
	keep_walk(k, key, evfile_pkt, &ew);
	if (ew.w.err || fflush(f) != 0 || (p->sync && fsync(fd) == -1)) {
		fclose(f);
		return -1;
	}
	info->packets = ew.packets;
	info->skipped = ew.skipped;
	info->bytes = ew.w.bytes;
	return fclose(f) == 0 ? 0 : -1;
}

int
evfile_write(const struct evfile_params *p, const struct keep *k,
    const uint8_t key[KEEP_KEY_LEN], const char *name, const char *comment,
    struct signer *s, struct evfile_info *info, char *err, size_t errlen)
{
	char tmp[PATH_MAX + 8], sigpath[PATH_MAX + 8];
	uint8_t sha[32], sig[SIGN_MAX];
	size_t siglen = 0;
	int dfd;

	memset(info, 0, sizeof(*info));
	if ((size_t)snprintf(info->path, sizeof(info->path), "%s/%s.pcapng", p->dir,
	    name) >= sizeof(info->path))
		return snprintf(err, errlen, "%s: path too long", p->dir), -1;
	snprintf(tmp, sizeof(tmp), "%s.tmp", info->path);
	snprintf(sigpath, sizeof(sigpath), "%s.sig", info->path);
	if (evfile_pcapng(p, k, key, tmp, comment, info) == -1)
		goto err_unlink;
	if (signer_sign_file(s, tmp, sha, sig, &siglen) == -1) {
		unlink(tmp);
		return snprintf(err, errlen, "%s: cannot sign it", tmp), -1;
	}
	/* the signature first: a file on disk under its name always has one */
	if (evfile_put(sigpath, sig, siglen, p->sync) == -1 || rename(tmp, info->path) == -1)
		goto err_unlink;
	if (p->sync && (dfd = open(p->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1) {
		(void)fsync(dfd);
		close(dfd);
	}
	sign_hex(sha, info->sha256);
	return 0;
err_unlink:
	snprintf(err, errlen, "%s: %s", info->path, strerror(errno));
	unlink(tmp);
	return -1;
}
