/* SPDX-License-Identifier: BSD-2-Clause */
/* What the detect stage's files share: its state and the line helpers. */
#ifndef GW_DETECT_INT_H
#define GW_DETECT_INT_H

#include "account.h"
#include "evfile.h"
#include "geo.h"
#include "keep.h"
#include "calls.h"
#include "detect.h"
#include "judge.h"
#include "line.h"
#include "regs.h"

#define DETECT_DBL_MACS	64	/* MACs that asked DHCP as "dbl" */

struct detect {
	const struct conf *conf;
	struct sink	 out;
	struct calls	*calls;
	struct regs	*regs;
	struct line_table *lines;
	struct account_table *accounts;
	uint8_t		 hkey[32];
	size_t		 hkeylen;
	usec_t		 now, last_tick;
	uint8_t		 dbl_macs[DETECT_DBL_MACS][6];
	unsigned	 ndbl_macs;
	struct pace_params pp;
	struct geo	*geo;		/* the IP-to-country database, or NULL */
	char		 geo_path[CONF_STR_MAX + 16];	/* what geo was opened from */
	uint64_t	 geo_ino;	/* and that file's inode and mtime */
	int64_t		 geo_mtime;
	struct detect_stats st;
	char		 rec[REPORT_LINE_MAX];	/* record text being written */

	/* evidence files (docs/evidence.md): NULL when evidence is off */
	struct keep	*keep;
	struct signer	*signer;
	const struct keep_frame *frame;	/* of the event in hand, or NULL */
	uint64_t	 frame_seq;
	bool		 ev_logged;	/* the first write error was logged */
};

bool	detect_is_subscriber(const struct detect *, const uint8_t addr16[16]);
bool	detect_is_foreign(const struct detect *, const uint8_t addr16[16]);
bool	detect_is_trusted(const struct detect *, const uint8_t addr16[16]);
/* The line of a subscriber address on this tuple, with its list flags. */
struct line *detect_line(struct detect *, const uint8_t addr16[16],
	    const struct ev_tuple *, const uint8_t peer16[16]);
/*
 * The same for an event that leaves nothing on a line that is not there yet:
 * the line if it is there, else NULL (a line is made only when the peer is on
 * the watchlist, which is evidence). A scanner's probe makes no line (issue 18).
 */
struct line *detect_line_existing(struct detect *, const uint8_t addr16[16],
	    const struct ev_tuple *, const uint8_t peer16[16]);
/* line_evidence, and the frame in hand is kept for l as its support. */
bool	detect_evidence(struct detect *, struct line *, enum evidence_kind,
	    const char *detail, usec_t);
/* Re-judges l; reports it when its verdict, tier or evidence grew. */
void	detect_judge(struct detect *, struct line *, usec_t);

/* detect-evidence.c */
/*
 * A RADIUS (by address) or PPP (by session) packet named an account: the
 * frame in hand is kept for held lines of the address as support of the
 * account, and remembered for a line that gets evidence later (stop: forgotten).
 */
void	detect_account_frame(struct detect *, const uint8_t addr16[16], bool has_pppoe,
	    uint16_t session, bool stop);
void	detect_evfile(struct detect *, const struct line *, const struct judgement *,
	    usec_t, struct jw *);
void	detect_evidence_stats_write(const struct detect *, struct jw *);

/* detect-device.c */
void	detect_device(struct detect *, const struct event *);
void	detect_mac(struct detect *, const struct event *);

/* detect-sip.c */
void	detect_sip(struct detect *, const struct event *);
bool	detect_is_mobile(const struct conf *, const char *user, char *national, size_t);

#endif
