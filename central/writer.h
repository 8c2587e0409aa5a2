/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Storage threads between the event loop and the database. Jobs queue (bounded);
 * each thread takes a batch, runs it in one transaction, commits, and hands the
 * jobs back through an eventfd. The loop acks only what came back committed.
 */
#ifndef GWC_WRITER_H
#define GWC_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "frame.h"
#include "evstore.h"
#include "filestore.h"
#include "ingest.h"

#define JOB_STR	(FRAME_MAX_STR + 1)

enum job_type {
	JOB_HELLO,		/* register the session, fetch high-water and config */
	JOB_REPORT,		/* store records */
	JOB_CONFIG_ACK,		/* record an appliance's answer to a push */
	JOB_CONFIG_POLL,	/* the latest config of every group */
	JOB_EVIDENCE,		/* one evidence chunk (evstore.c) */
	JOB_FILE_ACK,		/* an appliance's answer to a file offer (filestore.c) */
};

/* A group's latest signed config, as pushed. */
struct pushcfg {
	struct pushcfg	*next;
	char		 grp[64];
	uint64_t	 version;
	uint8_t		*blob;
	size_t		 len;
};

struct job {
	struct job	*next;
	enum job_type	 type;
	int		 fd;		/* the connection, and its generation */
	uint64_t	 gen;
	char		 appliance[128], serial[48], firmware[JOB_STR];
	uint64_t	 config_version;	/* hello: running; config ack: acked */
	uint32_t	 features;	/* hello: FRAME_HELLO_* */
	struct ingest_spool spool;	/* hello: its epoch, then the numbering; report */
	/* report: records point into data, each NUL-terminated */
	struct ingest_rec *recs;
	int		 nrecs;
	char		*data;
	uint64_t	 last_seq;	/* report: its last; hello: the appliance's ack */
	bool		 careful;	/* retried a record at a time (quarantine) */
	/* evidence: the chunk frame's payload in data (ev points into it), the
	 * session's peer certificate, where files go and their cap */
	struct frame_evidence ev;
	uint8_t		*cert;
	size_t		 certlen;
	const char	*evdir;
	uint64_t	 evmax;
	struct evstore_counts evcounts;
	/* config ack; file ack and offered (kind, version in config_version) */
	int		 kind;
	int		 status;
	char		 message[JOB_STR];
	/* results */
	int		 rc;		/* 0 committed, -1 failed */
	struct ingest_counts counts;
	uint64_t	 high_seq;
	bool		 renumbered;	/* hello: a new spool, stored above the old */
	bool		 stale;		/* report: the numbering changed; nothing stored */
	char		 grp[64];
	struct pushcfg	*push;		/* hello: a newer config; poll: all groups */
	struct pushfile	*files;		/* hello: the group's files; poll: all groups */
};

struct writer;

struct writer	*writer_new(const char *db, int threads, size_t max_queue,
		    unsigned delay_ms, const char *instance, char *err, size_t errlen);
void		 writer_free(struct writer *);
/* Takes the job; -1 (job not taken) when the queue is full. */
int		 writer_submit(struct writer *, struct job *);
/* Readable when finished jobs wait; then collect them all. */
int		 writer_fd(const struct writer *);
struct job	*writer_collect(struct writer *);
size_t		 writer_queued(struct writer *);

struct job	*job_new(enum job_type);
void		 job_free(struct job *);
void		 pushcfg_free(struct pushcfg *);

#endif
