/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Uplink wire format shared by goipwatchd and goipwatch-central: versioned,
 * length-prefixed frames over TLS. Pure C, no allocation, no TLS. docs/protocol.md.
 */
#ifndef GW_FRAME_H
#define GW_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FRAME_MAGIC0		0x47	/* 'G' */
#define FRAME_MAGIC1		0x57	/* 'W' */
#define FRAME_VERSION		1
#define FRAME_HDR_LEN		8	/* magic[2] version type length(be32) */
#define FRAME_MAX_PAYLOAD	(1u << 20)	/* a larger length is refused */
#define FRAME_MAX_RECORD	65536	/* one JSON record in a report */
#define FRAME_MAX_STR		1024	/* ids, versions, messages */
#define FRAME_MAX_SIG		160	/* DER ECDSA P-256 is at most 72 */
#define FRAME_CONF_TAG		"goipwatch-config-v1"	/* signature domain */
#define FRAME_CONF_TBS_PREFIX	(sizeof(FRAME_CONF_TAG) + 8)	/* tag, NUL, be64 */

enum frame_type {
	FRAME_HELLO = 1,	/* appliance -> central, first frame */
	FRAME_REPORT = 2,	/* appliance -> central: records with seqs */
	FRAME_ACK = 3,		/* central -> appliance: all seq <= n committed */
	FRAME_CONFIG_PUSH = 4,	/* central -> appliance: signed config */
	FRAME_CONFIG_ACK = 5,	/* appliance -> central: applied or why not */
	FRAME_ERROR = 6,	/* either way: why a frame was refused */
	FRAME_EVIDENCE = 7,	/* appliance -> central: one chunk of an evidence file */
	FRAME_FILE_OFFER = 8,	/* central -> appliance: a signed file to fetch */
	FRAME_FILE_GET = 9,	/* appliance -> central: bytes of the offered file */
	FRAME_FILE_CHUNK = 10,	/* central -> appliance: the bytes asked for */
	FRAME_FILE_ACK = 11,	/* appliance -> central: installed or why not */
};

/*
 * Files central pushes (docs/protocol.md, File pushes): offered with their
 * size, hash and the office's signature, fetched by the appliance a chunk at
 * a time from the offset it holds, installed only when hash and signature hold.
 */
#define FRAME_FILE_TAG		"goipwatch-file-v1"	/* signature domain */
#define FRAME_FILE_CHUNK_MAX	65536	/* bytes per chunk at most */
#define FRAME_FILE_MAX		(1u << 31)	/* size field bound either side */
#define FRAME_FILE_TBS_MAX	(sizeof(FRAME_FILE_TAG) + 48 + 2 + FRAME_MAX_STR)

enum frame_file_kind {
	FRAME_FILE_GEODB = 1,		/* the country database (MMDB) */
	FRAME_FILE_FIRMWARE = 2,	/* a RAUC bundle (reserved: issue 19) */
};

#define FRAME_FILE_ALLOW_DOWNGRADE	0x01	/* offer flag */

/* Codes carried in FRAME_FILE_ACK. */
enum frame_file_status {
	FRAME_FILE_OK = 0,		/* installed (or already installed) */
	FRAME_FILE_BAD_SIGNATURE = 1,	/* unsigned, tampered, wrong key */
	FRAME_FILE_STALE = 2,		/* not above the installed version */
	FRAME_FILE_TOO_LARGE = 3,	/* above the appliance's cap for the kind */
	FRAME_FILE_BAD_HASH = 4,	/* the bytes fetched are not the offered ones */
	FRAME_FILE_INVALID = 5,		/* the validator refused it (message says why) */
	FRAME_FILE_STORE = 6,		/* could not be written on the appliance */
	FRAME_FILE_TRANSFER = 7,	/* truncated or out-of-order transfer */
	FRAME_FILE_UNSUPPORTED = 8,	/* a kind this appliance does not take */
	FRAME_FILE_BOOT_FAILED = 9,	/* firmware: installed, but the new slot
					 * failed after its reboot; fell back */
};

/*
 * An evidence file travels as chunks, each in its own spool record and its
 * own frame with the record's seq (docs/evidence.md, Transfer). The spool
 * record is FRAME_EV_MAGIC then the chunk body; the frame is seq then the body.
 */
#define FRAME_EV_MAGIC		"\0GWE"	/* a JSON record never starts with NUL */
#define FRAME_EV_MAGIC_LEN	4
#define FRAME_EV_CHUNK		60000	/* file bytes per chunk: a chunk fits a spool record */
#define FRAME_EV_MAX_FILE	(256u << 20)	/* a larger file is refused either side */
#define FRAME_EV_MAX_NAME	255

/* Decoder results; doubles as a counter index (FRAME__NSTATUS entries). */
enum frame_status {
	FRAME_OK = 0,
	FRAME_SHORT,		/* need more bytes; not an error */
	FRAME_BAD_MAGIC,
	FRAME_BAD_VERSION,
	FRAME_BAD_TYPE,
	FRAME_OVERSIZED,
	FRAME_MALFORMED,
	FRAME__NSTATUS
};

/* Codes carried in FRAME_ERROR. */
enum frame_err {
	FRAME_ERR_MALFORMED = 1,
	FRAME_ERR_OVERSIZED = 2,
	FRAME_ERR_VERSION = 3,
	FRAME_ERR_UNEXPECTED = 4,	/* valid frame, wrong time or direction */
	FRAME_ERR_IDENTITY = 5,		/* hello id does not match certificate */
	FRAME_ERR_SEQUENCE = 6,		/* seqs not increasing */
	FRAME_ERR_INTERNAL = 7,		/* storage failed; retry later */
};

/* Codes carried in FRAME_CONFIG_ACK. */
enum frame_conf_status {
	FRAME_CONF_OK = 0,
	FRAME_CONF_BAD_SIGNATURE = 1,	/* unsigned, tampered, wrong key */
	FRAME_CONF_STALE = 2,		/* version not above the current one */
	FRAME_CONF_INVALID = 3,		/* the parser refused it; message says where */
	FRAME_CONF_STORE = 4,		/* last-known-good could not be written */
};

/* A frame whose payload points into the caller's buffer. */
struct frame {
	uint8_t		 type;
	const uint8_t	*payload;
	uint32_t	 len;
};

struct frame_str {
	const char	*p;	/* not NUL-terminated; printable ASCII only */
	uint16_t	 len;
};

struct frame_hello {
	uint64_t	 last_acked;
	uint64_t	 config_version;
	struct frame_str appliance_id;
	struct frame_str firmware;
	uint64_t	 spool_epoch;	/* the spool's identity; 0: not sent (older firmware) */
	uint32_t	 features;	/* FRAME_HELLO_*; 0: not sent (older firmware) */
};

/* What an appliance understands beyond the first protocol (hello features). */
#define FRAME_HELLO_FILES	0x1u	/* file_offer / file_get / file_chunk / file_ack */
/* The firmware_version of `goipwatchd --self-test`'s hello: not a firmware version. */
#define FRAME_HELLO_SELFTEST	"self-test"

struct frame_config_push {
	uint64_t	 version;
	const uint8_t	*sig;
	uint16_t	 sig_len;	/* 0: unsigned */
	const uint8_t	*body;
	uint32_t	 body_len;
};

struct frame_config_ack {
	uint64_t	 version;
	uint8_t		 status;	/* enum frame_conf_status */
	struct frame_str message;
};

struct frame_error {
	uint16_t	 code;		/* enum frame_err */
	struct frame_str message;
};

/* One chunk: bytes [offset, offset + data_len) of the file of sha256 and size. */
struct frame_evidence {
	uint64_t	 seq;
	struct frame_str name;		/* the appliance's file name */
	const uint8_t	*sha256;	/* 32 bytes */
	uint32_t	 size;		/* the whole file */
	uint32_t	 offset;
	const uint8_t	*sig;		/* DER ECDSA over sha256, in every chunk */
	uint16_t	 sig_len;
	const uint8_t	*data;
	uint32_t	 data_len;
};

struct frame_file_offer {
	uint8_t		 kind;		/* enum frame_file_kind */
	uint8_t		 flags;		/* FRAME_FILE_ALLOW_DOWNGRADE */
	uint64_t	 version;
	uint32_t	 size;		/* 1..FRAME_FILE_MAX */
	const uint8_t	*sha256;	/* 32 bytes */
	struct frame_str label;		/* e.g. the database's name and date */
	const uint8_t	*sig;		/* DER ECDSA over frame_file_tbs() */
	uint16_t	 sig_len;	/* 1..FRAME_MAX_SIG */
};

struct frame_file_get {
	uint8_t		 kind;
	uint64_t	 version;
	uint32_t	 offset;
	uint32_t	 max_len;	/* 1..FRAME_FILE_CHUNK_MAX */
};

struct frame_file_chunk {
	uint8_t		 kind;
	uint64_t	 version;
	uint32_t	 offset;
	const uint8_t	*data;
	uint32_t	 len;		/* 0..FRAME_FILE_CHUNK_MAX; 0: central has no more */
};

struct frame_file_ack {
	uint8_t		 kind;
	uint64_t	 version;
	uint8_t		 status;	/* enum frame_file_status */
	struct frame_str message;
};

/* Iterates the records of a report; seqs are strictly increasing. */
struct frame_report_it {
	const uint8_t	*p;
	size_t		 left;
	uint16_t	 count, i;
	uint64_t	 last_seq;
};

/* Writer into a caller's fixed buffer; overflow is sticky. */
struct frame_wr {
	uint8_t		*buf;
	size_t		 cap, len;
	size_t		 start;		/* header offset of the open frame */
	size_t		 count_at;	/* report: where the count lives */
	uint16_t	 count;
	uint64_t	 last_seq;
	bool		 overflow;
};

const char	*frame_status_str(enum frame_status);
const char	*frame_type_str(uint8_t);

/*
 * Splits the first frame off buf. FRAME_SHORT: wait for more bytes.
 * Any other error means the stream cannot be resynchronised.
 */
enum frame_status frame_next(const uint8_t *buf, size_t len, struct frame *,
		    size_t *consumed);

enum frame_status frame_hello_decode(const struct frame *, struct frame_hello *);
enum frame_status frame_ack_decode(const struct frame *, uint64_t *seq);
enum frame_status frame_config_push_decode(const struct frame *,
		    struct frame_config_push *);
enum frame_status frame_config_ack_decode(const struct frame *,
		    struct frame_config_ack *);
enum frame_status frame_error_decode(const struct frame *, struct frame_error *);
/* The chunk body (after the seq in a frame, after the magic in a spool record). */
enum frame_status frame_evidence_body_decode(const uint8_t *p, size_t len,
		    struct frame_evidence *);
enum frame_status frame_evidence_decode(const struct frame *, struct frame_evidence *);
enum frame_status frame_file_offer_decode(const struct frame *,
		    struct frame_file_offer *);
enum frame_status frame_file_get_decode(const struct frame *, struct frame_file_get *);
enum frame_status frame_file_chunk_decode(const struct frame *,
		    struct frame_file_chunk *);
enum frame_status frame_file_ack_decode(const struct frame *, struct frame_file_ack *);
enum frame_status frame_report_begin(const struct frame *, struct frame_report_it *);
/* FRAME_OK with a record, FRAME_SHORT at the end, FRAME_MALFORMED on bad bytes. */
enum frame_status frame_report_next(struct frame_report_it *, uint64_t *seq,
		    const char **rec, size_t *len);
/* Checks every record of a report; the iterator is for the caller to reuse. */
enum frame_status frame_report_check(const struct frame *, uint16_t *count);

void	frame_wr_init(struct frame_wr *, uint8_t *buf, size_t cap);
/* Each encoder appends one whole frame; -1 (and nothing appended) if it does not fit. */
int	frame_put_hello(struct frame_wr *, const struct frame_hello *);
int	frame_put_ack(struct frame_wr *, uint64_t seq);
int	frame_put_config_push(struct frame_wr *, const struct frame_config_push *);
int	frame_put_config_ack(struct frame_wr *, uint64_t version, uint8_t status,
	    const char *msg);
int	frame_put_error(struct frame_wr *, uint16_t code, const char *msg);
/* The chunk body of e (seq unused) into buf; its length, or 0 if it does not fit. */
size_t	frame_evidence_body(uint8_t *buf, size_t cap, const struct frame_evidence *);
/* A frame of seq and a chunk body as frame_evidence_body made it. */
int	frame_put_evidence(struct frame_wr *, uint64_t seq, const uint8_t *body,
	    size_t len);
int	frame_put_file_offer(struct frame_wr *, const struct frame_file_offer *);
int	frame_put_file_get(struct frame_wr *, const struct frame_file_get *);
int	frame_put_file_chunk(struct frame_wr *, const struct frame_file_chunk *);
int	frame_put_file_ack(struct frame_wr *, uint8_t kind, uint64_t version,
	    uint8_t status, const char *msg);
/* A report is built record by record: begin, add..., end. */
int	frame_report_open(struct frame_wr *);
/* -1 if the record does not fit (the frame stays valid), its seq is not
 * above the previous one, or it is empty, too long or holds NUL/newline. */
int	frame_report_add(struct frame_wr *, uint64_t seq, const char *rec, size_t len);
/* Returns the record count; an empty report is withdrawn (returns 0). */
int	frame_report_close(struct frame_wr *);

/* The bytes signed before the body: FRAME_CONF_TAG, NUL, version (be64). */
void	frame_config_tbs_prefix(uint64_t version, uint8_t out[FRAME_CONF_TBS_PREFIX]);

/*
 * The bytes an offer's signature covers, into out (FRAME_FILE_TBS_MAX):
 * FRAME_FILE_TAG, NUL, kind, flags, be64 version, be32 size, sha256, be16
 * label length, label. Returns the length.
 */
size_t	frame_file_tbs(const struct frame_file_offer *, uint8_t *out);

#endif
