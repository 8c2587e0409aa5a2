/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * GoIP wire parsers: the cleartext "SMS server" protocol (UDP, any port) and
 * the DBL SIM-bank frames (TCP). Pure functions over hostile bytes: no
 * allocation, no logging, no clock; output is fixed-size and NUL-terminated.
 * What each accepts and why: docs/wire.md.
 */
#ifndef GWD_GOIP_H
#define GWD_GOIP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum goip_msg_kind {
	GOIP_KEEPALIVE,		/* req:N;id:...;pass:...;... (GoIP -> server) */
	GOIP_KEEPALIVE_ACK,	/* reg:N;status:...; (server -> GoIP) */
	GOIP_EVENT,		/* RECEIVE: DELIVER: STATE: RECORD: HANGUP: EXPIRY:
				   REMAIN: USSN: GSM: BCCH: CELLS: AT: */
	GOIP_COMMAND		/* space form "NAME <id> ...": MSG SEND USSD
				   svr_reboot_dev set_imei get_imei CF ..., their
				   replies and the "<EVENT> <id> OK" acks */
};

struct goip_msg {
	enum goip_msg_kind kind;
	char	 type[16];	/* "req", "reg", "RECEIVE", "STATE", "set_imei", ... */
	uint64_t seq;		/* the number after the type (req:N, RECEIVE:<ts>,
				   set_imei <id>), 0 if none */
	char	 id[64];	/* device id */
	bool	 has_password;	/* pass:/password: present; never copied */
	char	 num[32], imei[24], imsi[24], iccid[24];
	char	 gsm_status[16], voip_status[16], pro[40], cellinfo[48], srcnum[32];
	int	 signal;	/* -1 absent */
	int	 smb_login;	/* -1 absent, 0 no, 1 yes (SMB_LOGIN Y/1/LOGIN) */
	bool	 truncated;	/* some value did not fit its field */
};

/* True when p is this protocol: a known type token, ':' and a number, then
 * key:value pairs separated by ';' (or the space-separated command form). */
bool	goip_msg_parse(const uint8_t *p, size_t n, struct goip_msg *out);

/* Stable lower-case name of a kind, for evidence and logs. */
const char *goip_msg_kind_name(enum goip_msg_kind k);

/* SIM-bank (DBL SMB32/SMB128) frames over TCP: 78 56 21 43, le32 line_id,
 * le16 cmd, le16 type, payload. There is no length field. */
#define SIMBANK_HDR_LEN		12
#define SIMBANK_TOKEN_LEN	32	/* header + le32 + MD5: login and friends */
#define SIMBANK_FRAME_MAX	512	/* longer than any short-APDU frame */

enum simbank_kind { SIMBANK_LOGIN, SIMBANK_APDU, SIMBANK_CONTROL };

struct simbank_frame {
	enum simbank_kind kind;
	uint32_t line_id;
	uint16_t cmd, type;
	uint8_t	 slot;		/* line_id % 100 */
	size_t	 frame_len;	/* bytes of the first frame in p */
};

/* False unless p starts with the magic, a known command and a plausible
 * header; frame_len is inferred from the command (and the next magic). */
bool	simbank_parse(const uint8_t *p, size_t n, struct simbank_frame *out);

#endif
