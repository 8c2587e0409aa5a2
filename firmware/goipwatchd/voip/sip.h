/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * SIP recognition, stream framing and parsing into fixed-size fields.
 * Only sip*.c include libosip2; nothing here points into libosip2 memory.
 */
#ifndef GWD_SIP_H
#define GWD_SIP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SIP_MAX_DEFAULT		(16 * 1024)	/* message size cap */
#define SIP_START_LINE_MAX	2048		/* longest start line we wait for */
#define SIP_METHOD_MAX		32		/* longest method token */
#define SIP_HDR_MAX		(16 * 1024)	/* header part handed to libosip2 */

#define SIP_METHOD_LEN	(SIP_METHOD_MAX + 1)
#define SIP_USER_LEN	64
#define SIP_HOST_LEN	64
#define SIP_TAG_LEN	64
#define SIP_CALLID_LEN	128
#define SIP_BRANCH_LEN	64
#define SIP_REASON_LEN	48
#define SIP_UA_LEN	96
#define SIP_REALM_LEN	64
#define SIP_ALLOW_LEN	160
#define SIP_TRANSPORT_LEN 8

#define SDP_MAX_MEDIA	4
#define SDP_MAX_PT	16	/* payload types kept per m= line */
#define SDP_MAX_RTPMAP	8	/* a=rtpmap kept per m= line */
#define SDP_TOKEN_LEN	32
#define SDP_ADDR_LEN	48
#define SDP_NAME_LEN	64
#define SDP_CODEC_LEN	16
#define SDP_MULTIPART_MAX 4	/* body parts searched for SDP */
#define SDP_BOUNDARY_MAX 70	/* RFC 2046 */

/* sip_parse outcome; doubles as a counter index. */
enum sip_result {
	SIP_PARSE_OK,
	SIP_PARSE_KEEPALIVE,		/* only CR/LF: RFC 5626 ping or pong */
	SIP_PARSE_NOT_SIP,		/* no SIP start line */
	SIP_PARSE_TOO_LARGE,		/* over the configured cap */
	SIP_PARSE_INCOMPLETE,		/* headers unterminated or body < Content-Length */
	SIP_PARSE_BAD_LENGTH,		/* unparsable or conflicting Content-Length */
	SIP_PARSE_SYNTAX,		/* libosip2 refused it */
	SIP_PARSE_NO_CALL_ID,
	SIP_PARSE_NO_CSEQ,
	SIP_PARSE_NO_FROM_TO,
	SIP_PARSE_NOMEM,
	SIP_RESULT_MAX
};
extern const char *const sip_result_names[SIP_RESULT_MAX];

/* sip_frame outcome for a byte stream; doubles as a counter index. */
enum sip_frame_result {
	SIP_FRAME_COMPLETE,	/* *msglen bytes hold one message */
	SIP_FRAME_KEEPALIVE,	/* *msglen bytes of CR/LF to consume */
	SIP_FRAME_NEED_MORE,
	SIP_FRAME_NOT_SIP,	/* the bytes do not start with a start line */
	SIP_FRAME_BAD_LENGTH,	/* Content-Length unparsable or conflicting */
	SIP_FRAME_TOO_LARGE,	/* *msglen is the full size when known, else 0 */
	SIP_FRAME_RESULT_MAX
};
extern const char *const sip_frame_result_names[SIP_FRAME_RESULT_MAX];

enum sdp_dir { SDP_DIR_NONE, SDP_DIR_SENDRECV, SDP_DIR_SENDONLY,
	SDP_DIR_RECVONLY, SDP_DIR_INACTIVE };

struct sdp_rtpmap {
	uint8_t		 pt;
	uint8_t		 channels;
	uint32_t	 rate;
	char		 name[SDP_CODEC_LEN];
};

struct sdp_media {
	char		 type[SDP_TOKEN_LEN];	/* audio, video, image, ... */
	char		 proto[SDP_TOKEN_LEN];	/* RTP/AVP, udptl, ... */
	char		 addr[SDP_ADDR_LEN];	/* media c=, else empty */
	uint16_t	 port;
	uint16_t	 ptime;			/* a=ptime in ms, 0 if absent */
	enum sdp_dir	 dir;
	uint8_t		 npt;
	uint8_t		 nrtpmap;
	uint8_t		 pt[SDP_MAX_PT];
	struct sdp_rtpmap rtpmap[SDP_MAX_RTPMAP];
};

enum sdp_result { SDP_NONE, SDP_OK, SDP_BAD, SDP_RESULT_MAX };

struct sdp {
	enum sdp_result	 result;
	bool		 truncated;		/* a field or list was cut */
	char		 o_user[SDP_TOKEN_LEN];
	char		 o_sess_id[SDP_TOKEN_LEN];
	char		 o_version[SDP_TOKEN_LEN];
	char		 o_addr[SDP_ADDR_LEN];
	char		 s_name[SDP_NAME_LEN];
	char		 c_addr[SDP_ADDR_LEN];	/* session-level c= */
	uint16_t	 ptime;			/* session-level a=ptime */
	uint8_t		 nmedia;
	struct sdp_media media[SDP_MAX_MEDIA];
};

struct sip_addr {
	char		 user[SIP_USER_LEN];
	char		 host[SIP_HOST_LEN];
	char		 tag[SIP_TAG_LEN];
};

struct sip_via {
	char		 host[SIP_HOST_LEN];
	char		 branch[SIP_BRANCH_LEN];
	char		 transport[SIP_TRANSPORT_LEN];
	uint16_t	 port;			/* 0 when absent */
};

struct sip_auth {
	bool		 present;
	char		 realm[SIP_REALM_LEN];
	char		 username[SIP_USER_LEN];	/* never the response */
};

struct sip_msg {
	bool		 is_request;
	bool		 truncated;		/* some field was cut to fit */
	char		 method[SIP_METHOD_LEN];	/* requests */
	uint16_t	 status;		/* responses */
	char		 reason[SIP_REASON_LEN];
	char		 ruri_user[SIP_USER_LEN];
	char		 ruri_host[SIP_HOST_LEN];
	struct sip_addr	 from, to, contact, pai;
	char		 call_id[SIP_CALLID_LEN];
	uint32_t	 cseq;
	char		 cseq_method[SIP_METHOD_LEN];
	struct sip_via	 via;			/* the top Via */
	uint8_t		 nvia;
	char		 ua[SIP_UA_LEN];	/* User-Agent, else Server */
	int64_t		 expires;		/* Expires header, -1 absent */
	int64_t		 contact_expires;	/* Contact ;expires=, -1 absent */
	struct sip_auth	 auth;			/* (Proxy-)Authorization */
	struct sip_auth	 challenge;		/* (Proxy-|WWW-)Authenticate */
	char		 allow[SIP_ALLOW_LEN];
	int64_t		 content_length;	/* -1 absent */
	size_t		 len;			/* bytes parsed, keepalives included */
	struct sdp	 sdp;
};

/* Once at start-up, before threads: libosip2 tables and a silent trace. */
void	sip_global_init(void);

/* Cheap start-line check: "METHOD SP sip:|sips:|tel:... SP SIP/2.0" or "SIP/2.0 NNN". */
bool	sip_sniff(const uint8_t *, size_t);
/*
 * Offset of the first start line in p: at a line start (p itself counts
 * when bol), or inside a line after a body without a final CRLF. *found is
 * false when there is none; the offset then keeps an unfinished last line.
 */
size_t	sip_resync(const uint8_t *, size_t, bool bol, bool *found);
/* Finds the end of the first message of a byte stream (no Content-Length
 * means no body). cap 0 means SIP_MAX_DEFAULT. */
enum sip_frame_result sip_frame(const uint8_t *, size_t, size_t cap, size_t *msglen);
/* The header part of p (start line included): its length with the blank
 * line, and Content-Length (-1 absent). Only COMPLETE, NEED_MORE, BAD_LENGTH
 * and TOO_LARGE (no blank line within cap bytes) come back. */
enum sip_frame_result sip_frame_headers(const uint8_t *, size_t, size_t cap,
	    size_t *hdrlen, int64_t *clen);
/* Leading CR/LF bytes (keepalives) at p. */
size_t	sip_crlf_len(const uint8_t *, size_t);
/* Is the header line (no line end) named name, or its compact form c? */
bool	sip_header_is(const uint8_t *, size_t, const char *name, char c);
/* Parses one message (a datagram or a framed stream message) into m. */
enum sip_result sip_parse(const uint8_t *, size_t, size_t cap, struct sip_msg *m);
/* The same through libosip2 only, for tests comparing it with the pre-parser. */
enum sip_result sip_parse_full(const uint8_t *, size_t, size_t cap, struct sip_msg *m);
/* The pre-parser (sip-pre.c): fills m (zeroed, lengths set) from the header
 * part of a bodiless request exactly as libosip2 would, or returns false and
 * leaves m untouched when the message is outside its strict subset. */
bool	sip_pre_parse(const uint8_t *, size_t hdrlen, struct sip_msg *m);

/* The SDP body parser (sip-sdp.c), pure C over hostile bytes. */
enum sdp_result sdp_parse(const uint8_t *, size_t, struct sdp *);
/* The first application/sdp part of a multipart body (RFC 2046), looked for
 * in at most SDP_MULTIPART_MAX parts; false when there is none. */
bool	sdp_multipart_find(const uint8_t *, size_t, const char *boundary,
	    const uint8_t **part, size_t *len);

#endif
