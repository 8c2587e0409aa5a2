/* SPDX-License-Identifier: BSD-2-Clause */
/* The evidence directory under a size cap (evdir.h, docs/evidence.md). */
#include <sys/stat.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "evdir.h"

#define EV_EXT	".pcapng"

struct evdir_file {
	struct timespec	mtime;
	uint64_t	bytes;		/* the file and its .sig */
	char		name[NAME_MAX + 1];
};

static int
is_evidence(const char *name)
{
	size_t n = strlen(name), e = sizeof(EV_EXT) - 1;

	return name[0] != '.' && n > e && strcmp(name + n - e, EV_EXT) == 0;
}

static int
older(const void *a, const void *b)
{
	const struct evdir_file *x = a, *y = b;

	if (x->mtime.tv_sec != y->mtime.tv_sec)
		return x->mtime.tv_sec < y->mtime.tv_sec ? -1 : 1;
	if (x->mtime.tv_nsec != y->mtime.tv_nsec)
		return x->mtime.tv_nsec < y->mtime.tv_nsec ? -1 : 1;
	return strcmp(x->name, y->name);
}

static uint64_t
size_at(int dfd, const char *name, struct timespec *mtime)
{
	struct stat sb;

	if (fstatat(dfd, name, &sb, AT_SYMLINK_NOFOLLOW) == -1 || !S_ISREG(sb.st_mode))
		return 0;
	if (mtime != NULL)
		*mtime = sb.st_mtim;
	return (uint64_t)sb.st_size;
}

/*
 * The evidence files of the directory (with their signatures' bytes) into a
 * new array, oldest first; *total gets every byte counted. NULL on failure.
 */
static struct evdir_file *
scan(int dfd, size_t *count, uint64_t *total)
{
	struct evdir_file *v = NULL, *nv;
	size_t n = 0, cap = 0;
	struct dirent *de;
	char sig[NAME_MAX + 8];
	DIR *d;

	*total = 0;
	if ((d = fdopendir(dup(dfd))) == NULL)
		return NULL;
	while ((de = readdir(d)) != NULL) {
		if (!is_evidence(de->d_name))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			if ((nv = realloc(v, cap * sizeof(*v))) == NULL) {
				free(v);
				closedir(d);
				return NULL;
			}
			v = nv;
		}
		snprintf(v[n].name, sizeof(v[n].name), "%s", de->d_name);
		v[n].bytes = size_at(dfd, de->d_name, &v[n].mtime);
		snprintf(sig, sizeof(sig), "%s.sig", de->d_name);
		v[n].bytes += size_at(dfd, sig, NULL);
		*total += v[n].bytes;
		n++;
	}
	closedir(d);
	if (n > 0)
		qsort(v, n, sizeof(*v), older);
	*count = n;
	return v != NULL ? v : calloc(1, sizeof(*v));
}

void
evdir_init(struct evdir *ev, const char *dir, uint64_t cap)
{
	struct evdir_file *v;
	size_t n;
	int dfd;

	memset(ev, 0, sizeof(*ev));
	snprintf(ev->dir, sizeof(ev->dir), "%s", dir);
	ev->cap = cap;
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return;		/* made later by the evidence writer: empty */
	if ((v = scan(dfd, &n, &ev->st.bytes)) == NULL)
		ev->st.errors++;
	free(v);
	close(dfd);
}

void
evdir_spooled(struct evdir *ev, const char *keep, uint64_t bytes)
{
	struct evdir_file *v;
	uint64_t goal;
	size_t n, i;
	char sig[NAME_MAX + 8];
	int dfd;

	ev->st.bytes += bytes;
	if (ev->cap == 0 || ev->st.bytes <= ev->cap)
		return;
	goal = ev->cap - ev->cap / 8;	/* one scan frees room for several files */
	if ((dfd = open(ev->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		ev->st.errors++;
		return;
	}
	if ((v = scan(dfd, &n, &ev->st.bytes)) == NULL) {
		ev->st.errors++;
		close(dfd);
		return;
	}
	for (i = 0; i < n && ev->st.bytes > goal; i++) {
		if (keep != NULL && strcmp(v[i].name, keep) == 0)
			continue;
		if (unlinkat(dfd, v[i].name, 0) == -1) {
			ev->st.errors++;
			continue;
		}
		snprintf(sig, sizeof(sig), "%s.sig", v[i].name);
		(void)unlinkat(dfd, sig, 0);
		ev->st.bytes -= v[i].bytes;
		ev->st.pruned_files++;
		ev->st.pruned_bytes += v[i].bytes;
	}
	free(v);
	close(dfd);
}
