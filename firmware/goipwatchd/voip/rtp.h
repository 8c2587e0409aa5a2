/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * RTP and RTCP recognition (any X/CC bits, compound RTCP) and per-stream
 * statistics: loss from extended sequence numbers, RFC 3550 jitter,
 * packetisation interval and duration. Time comes in as capture time.
 */
#ifndef GWD_RTP_H
#define GWD_RTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "clock.h"

struct jw;

#define RTP_CODEC_LEN		16
#define RTP_HIST_MS		128	/* interval histograms: 1 ms buckets */
#define RTP_MAX_DROPOUT		3000	/* RFC 3550 A.1 */
#define RTP_MAX_MISORDER	100

/* rtp_decode outcome; doubles as a counter index. */
enum rtp_result {
	RTP_OK,
	RTP_TOO_SHORT,		/* under 12 bytes or the CSRC list cut */
	RTP_BAD_VERSION,
	RTP_BAD_EXT,		/* extension longer than the packet */
	RTP_BAD_PADDING,	/* padding count 0 or past the header */
	RTP_IS_RTCP,		/* payload type 72-76: an RTCP packet */
	RTP_BAD_PT,		/* unassigned payload type 35-71, 77-95 */
	RTP_RESULT_MAX
};
extern const char *const rtp_result_names[RTP_RESULT_MAX];

struct rtp_hdr {
	bool		 marker, padding, ext;
	uint8_t		 cc;
	uint8_t		 pt;
	uint16_t	 seq;
	uint32_t	 ts;
	uint32_t	 ssrc;
	uint16_t	 ext_profile;
	size_t		 hdr_len;	/* fixed header, CSRCs and extension */
	size_t		 payload_len;	/* without padding */
	size_t		 len;		/* the whole packet */
};

/* rtcp_decode outcome; doubles as a counter index. */
enum rtcp_result {
	RTCP_OK,
	RTCP_TOO_SHORT,
	RTCP_BAD_VERSION,
	RTCP_BAD_TYPE,		/* not 200-207, or a first packet not SR/RR/SDES/BYE/APP/FB/XR */
	RTCP_BAD_LENGTH,	/* lengths do not add up to the datagram */
	RTCP_BAD_PADDING,	/* padding other than on the last packet */
	RTCP_RESULT_MAX
};
extern const char *const rtcp_result_names[RTCP_RESULT_MAX];

#define RTCP_SR		200
#define RTCP_RR		201
#define RTCP_SDES	202
#define RTCP_BYE	203
#define RTCP_APP	204

struct rtcp_info {
	uint8_t		 npackets;	/* in the compound */
	uint8_t		 types;		/* bit (pt - 200) for pt 200-207 */
	uint32_t	 ssrc;		/* sender of the first packet */
	bool		 has_sr;
	uint64_t	 sr_ntp;
	uint32_t	 sr_rtp_ts, sr_packets, sr_octets;
	bool		 has_rb;	/* the first report block */
	uint32_t	 rb_ssrc;
	uint8_t		 rb_fraction_lost;
	int32_t		 rb_cum_lost;
	uint32_t	 rb_highest_seq;
	uint32_t	 rb_jitter;
};

/* rtp_stream_update outcome; doubles as a counter index. */
enum rtp_seq {
	RTP_SEQ_IN_ORDER,	/* next or a permissible jump forward */
	RTP_SEQ_REORDERED,	/* an older seq not seen before */
	RTP_SEQ_DUPLICATE,
	RTP_SEQ_LATE,		/* too old to tell; counted as received */
	RTP_SEQ_JUMP,		/* a large jump, not counted until confirmed */
	RTP_SEQ_RESTART,	/* the jump was confirmed: sequence restarted */
	RTP_SEQ_OTHER_SSRC,	/* not this stream: ignored */
	RTP_SEQ_MAX
};
extern const char *const rtp_seq_names[RTP_SEQ_MAX];

/*
 * The fields every packet reads or writes come first and fill about 1.5 cache
 * lines; the two histograms are interleaved so that a bucket's pair shares a
 * line. Every RTP packet of a call touches its stream: three lines, not five.
 */
enum { RTP_HIST_IAT, RTP_HIST_TSD };

struct rtp_stream {
	uint32_t	 ssrc;
	uint32_t	 prev_ts;
	uint16_t	 max_seq;	/* extended sequence numbers, RFC 3550 A.1 */
	uint8_t		 prev_pt;
	uint8_t		 pt;		/* of the first packet */
	uint32_t	 clock_rate;	/* 0: unknown, jitter assumes 8000 */
	uint64_t	 packets, bytes;	/* every packet of this SSRC */
	uint64_t	 received;
	uint64_t	 seen;		/* bit i: max_seq - i received */
	double		 jitter;	/* RFC 3550 6.4.1, in timestamp units */
	usec_t		 prev_arrival;
	usec_t		 last_seen;
	double		 ms_per_tick;	/* of the RTP clock, for the histograms */
	uint64_t	 seq_events[RTP_SEQ_MAX];
	/* set once, or on a wrap, a jump, a restart or a payload type change */
	uint32_t	 cycles;
	uint32_t	 base_seq;
	uint32_t	 bad_seq;
	uint64_t	 expected_prior;	/* before restarts */
	uint64_t	 pt_changes;
	usec_t		 first_seen;
	char		 codec[RTP_CODEC_LEN];
	/* 1 ms buckets between consecutive seqs: [b][RTP_HIST_IAT] arrival
	 * gaps, [b][RTP_HIST_TSD] timestamp steps */
	uint16_t	 hist[RTP_HIST_MS][2];
};

enum rtp_result rtp_decode(const uint8_t *, size_t, struct rtp_hdr *);
bool	rtp_sniff(const uint8_t *, size_t);
enum rtcp_result rtcp_decode(const uint8_t *, size_t, struct rtcp_info *);
bool	rtcp_sniff(const uint8_t *, size_t);

/* RFC 3551 static payload types: name and clock rate; false if dynamic. */
bool	rtp_codec_static(uint8_t pt, const char **name, uint32_t *rate);

/* Starts a stream at its first packet and counts that packet. */
void	rtp_stream_init(struct rtp_stream *, const struct rtp_hdr *, usec_t);
/* The codec from SDP a=rtpmap; rate 0 keeps the current one. */
void	rtp_stream_set_codec(struct rtp_stream *, const char *name, uint32_t rate);
enum rtp_seq rtp_stream_update(struct rtp_stream *, const struct rtp_hdr *, usec_t);

/* Without SDP: enough in-order packets, and most of them in order. */
bool	rtp_stream_is_plausible(const struct rtp_stream *, unsigned min_in_order);
uint64_t rtp_stream_expected(const struct rtp_stream *);
int64_t	rtp_stream_lost(const struct rtp_stream *);	/* negative: duplicates */
double	rtp_stream_jitter_ms(const struct rtp_stream *);
unsigned rtp_stream_ptime_ms(const struct rtp_stream *);	/* 0: unknown */
/* The fields of the "rtp" record (the caller opens the object, writes type/ts). */
void	rtp_stream_write(const struct rtp_stream *, struct jw *);

#endif
