/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The server's inbound frame checks, pure and without I/O (so the fuzz harness
 * and unit tests drive the very code the server runs): split a frame off the
 * receive buffer, decide whether this session may send it, and say what to
 * refuse with which error code. Every refusal is counted.
 */
#ifndef GWC_INTAKE_H
#define GWC_INTAKE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "frame.h"
#include "ingest.h"

#define INTAKE_NERR	8	/* error codes 1..7 */

enum intake_what {
	IN_MORE,	/* need more bytes */
	IN_HELLO,	/* a good hello whose id is the certificate's */
	IN_REPORT,	/* a good report, seqs above everything this session sent */
	IN_EVIDENCE,	/* a good evidence chunk, its seq above everything sent */
	IN_CONFIG_ACK,
	IN_FILE_GET,	/* a well-formed request for bytes of an offered file */
	IN_FILE_ACK,	/* the appliance's answer to a file offer */
	IN_PEER_ERROR,	/* the appliance refused something of ours */
	IN_REFUSE,	/* send error `code` and close the session */
};

struct intake_stats {
	uint64_t	 frames[FRAME__NSTATUS];	/* by decoder result */
	uint64_t	 refused[INTAKE_NERR];		/* by error code sent */
	uint64_t	 reports, records, peer_errors, evidence_chunks;
	uint64_t	 file_gets, file_acks;
};

struct intake {
	const char	*cn;		/* the certificate's identity */
	bool		 hello_done;
	uint64_t	 last_seq;	/* highest seq this session sent */
	uint64_t	 top;		/* highest seq stored or sent: leaps count from it */
	uint64_t	 window;	/* 0 until intake_resume() */
	uint64_t	 room;		/* seqs that still fit a BIGINT above the base */
	struct intake_stats *stats;
};

struct intake_result {
	enum intake_what what;
	size_t		 consumed;
	uint16_t	 code;		/* IN_REFUSE: enum frame_err */
	const char	*why;
	struct frame	 f;
	struct frame_hello hello;
	struct frame_config_ack cack;
	struct frame_error err;
	struct frame_evidence ev;
	struct frame_file_get fget;
	struct frame_file_ack fack;
	uint16_t	 nrecs;
	uint64_t	 last_seq;
};

void	intake_init(struct intake *, const char *cn, struct intake_stats *);
/*
 * After the hello's answer: the appliance holds high (its numbering) stored
 * from base on. A record more than window above the highest seq so far is
 * refused (error 6), so a forged seq cannot move the high-water arbitrarily.
 */
void	intake_resume(struct intake *, uint64_t high, uint64_t base, uint64_t window);
enum intake_what intake_next(struct intake *, const uint8_t *buf, size_t len,
	    struct intake_result *);
/*
 * The records of a report intake accepted, copied: *data holds them
 * NUL-terminated, *recs points into it. 0, or -1 when out of memory.
 */
int	intake_copy_report(const struct frame *, struct ingest_rec **recs, char **data,
	    int *n);

#endif
