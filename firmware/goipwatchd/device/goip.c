/* SPDX-License-Identifier: BSD-2-Clause */
/* GoIP SMS-server protocol and DBL SIM-bank frame parsers (docs/wire.md). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "goip.h"
#include "rd.h"
#include "str.h"

/* A view into the datagram; never NUL-terminated, never written. */
struct span {
	const uint8_t	*p;
	size_t		 n;
};

#define GOIP_KEY_MAX	31
#define GOIP_SEQ_DIGITS	19	/* fits uint64_t */
#define GOIP_MAX_TOKENS	64

struct goip_type {
	const char		*name;
	enum goip_msg_kind	 kind;
};

/* Colon form "TYPE:<number>;key:value;...". */
static const struct goip_type colon_types[] = {
	{ "req",	GOIP_KEEPALIVE },
	{ "reg",	GOIP_KEEPALIVE_ACK },
	{ "RECEIVE",	GOIP_EVENT },
	{ "DELIVER",	GOIP_EVENT },
	{ "STATE",	GOIP_EVENT },
	{ "RECORD",	GOIP_EVENT },
	{ "HANGUP",	GOIP_EVENT },
	{ "EXPIRY",	GOIP_EVENT },
	{ "REMAIN",	GOIP_EVENT },
	{ "USSN",	GOIP_EVENT },
	{ "GSM",	GOIP_EVENT },
	{ "BCCH",	GOIP_EVENT },
	{ "CELLS",	GOIP_EVENT },
	{ "AT",		GOIP_EVENT },
	{ "RECEIVEOK",	GOIP_COMMAND },
};

/* Where a command carries the password; that token is never copied. */
enum goip_pw { PW_NONE, PW_2, PW_2_IF3, PW_LAST_IF4 };

#define CMD_NUMERIC	0x01	/* every token after the id is a number */
#define CMD_DIGIT2	0x02	/* the token after the id is a number */
#define CMD_ACK		0x04	/* the token after the id is OK/DISABLE/ERROR */
#define CMD_IMEI	0x08	/* set_imei: the token after the id */

/* Space form "NAME <id> ...", from the GoIP SMS Interface and NiceLabs. */
struct goip_cmd {
	const char	*name;
	uint8_t		 min, max;	/* token counts, max 0 = open */
	uint8_t		 pw;
	uint8_t		 flags;
};

static const struct goip_cmd commands[] = {
	{ "PASSWORD",		2, 3, PW_2,		0 },
	{ "SEND",		2, 4, PW_NONE,		CMD_NUMERIC },
	{ "OK",			3, 4, PW_NONE,		CMD_NUMERIC },
	{ "WAIT",		3, 3, PW_NONE,		CMD_NUMERIC },
	{ "ERROR",		3, 0, PW_NONE,		CMD_DIGIT2 },
	{ "DONE",		2, 2, PW_NONE,		0 },
	{ "USSD",		3, 0, PW_2,		0 },
	{ "USSDEXIT",		2, 3, PW_2_IF3,		0 },
	{ "CF",			3, 7, PW_2,		0 },
	{ "CW",			3, 4, PW_2,		0 },
	{ "GSM",		2, 3, PW_2_IF3,		0 },
	{ "ATCMD",		3, 0, PW_LAST_IF4,	0 },
	{ "ATSTART",		2, 4, PW_2_IF3,		0 },
	{ "ATSTOP",		2, 4, PW_2_IF3,		0 },
	{ "ATALIVE",		2, 4, PW_2_IF3,		0 },
	{ "CURCELL",		2, 4, PW_2_IF3,		0 },
	{ "svr_reboot_dev",	2, 4, PW_2_IF3,		0 },
	{ "svr_reboot_module",	2, 4, PW_2_IF3,		0 },
	{ "svr_drop_call",	2, 4, PW_2_IF3,		0 },
	{ "get_imei",		2, 4, PW_2_IF3,		0 },
	{ "get_gsm_number",	2, 4, PW_2_IF3,		0 },
	{ "get_cells_list",	2, 4, PW_2_IF3,		0 },
	{ "get_gsm_state",	2, 4, PW_2_IF3,		0 },
	{ "get_exp_time",	2, 4, PW_2_IF3,		0 },
	{ "get_remain_time",	2, 4, PW_2_IF3,		0 },
	{ "get_out_call_interval", 2, 4, PW_2_IF3,	0 },
	{ "reset_remain_time",	2, 4, PW_2_IF3,		0 },
	{ "set_imei",		3, 4, PW_LAST_IF4,	CMD_IMEI },
	{ "set_gsm_number",	3, 4, PW_LAST_IF4,	0 },
	{ "set_base_cell",	3, 4, PW_LAST_IF4,	0 },
	{ "set_exp_time",	3, 4, PW_LAST_IF4,	0 },
	{ "set_out_call_interval", 3, 4, PW_LAST_IF4,	0 },
	{ "RECEIVE",		3, 0, PW_NONE,		CMD_ACK },
	{ "DELIVER",		3, 0, PW_NONE,		CMD_ACK },
	{ "USSN",		3, 0, PW_NONE,		CMD_ACK },
	{ "STATE",		3, 0, PW_NONE,		CMD_ACK },
	{ "RECORD",		3, 0, PW_NONE,		CMD_ACK },
	{ "HANGUP",		3, 0, PW_NONE,		CMD_ACK },
	{ "REMAIN",		3, 0, PW_NONE,		CMD_ACK },
	{ "EXPIRY",		3, 0, PW_NONE,		CMD_ACK },
	{ "BCCH",		3, 0, PW_NONE,		CMD_ACK },
	{ "CELLS",		3, 0, PW_NONE,		CMD_ACK },
};

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

const char *
goip_msg_kind_name(enum goip_msg_kind k)
{
	switch (k) {
	case GOIP_KEEPALIVE:	 return "keepalive";
	case GOIP_KEEPALIVE_ACK: return "keepalive_ack";
	case GOIP_EVENT:	 return "event";
	case GOIP_COMMAND:	 return "command";
	}
	return "unknown";
}

static bool
is_blank(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\0';
}

static struct span
trim(struct span s)
{
	while (s.n > 0 && is_blank(s.p[0])) {
		s.p++;
		s.n--;
	}
	while (s.n > 0 && is_blank(s.p[s.n - 1]))
		s.n--;
	return s;
}

/* Cuts s at the first c: returns the part before, leaves s after it. */
static struct span
cut(struct span *s, uint8_t c)
{
	struct span head = *s;
	const uint8_t *q = s->n > 0 ? memchr(s->p, c, s->n) : NULL;

	if (q == NULL) {
		s->p += s->n;
		s->n = 0;
		return head;
	}
	head.n = (size_t)(q - s->p);
	s->p = q + 1;
	s->n -= head.n + 1;
	return head;
}

static uint8_t
lower(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? (uint8_t)(c + 32) : c;
}

static bool
span_eq(struct span s, const char *lit)
{
	size_t l = strlen(lit);

	return s.n == l && memcmp(s.p, lit, l) == 0;
}

static bool
span_ieq(struct span s, const char *lit)
{
	size_t i, l = strlen(lit);

	if (s.n != l)
		return false;
	for (i = 0; i < l; i++)
		if (lower(s.p[i]) != lower((uint8_t)lit[i]))
			return false;
	return true;
}

static bool
span_is_digits(struct span s, size_t max)
{
	size_t i;

	if (s.n == 0 || s.n > max)
		return false;
	for (i = 0; i < s.n; i++)
		if (s.p[i] < '0' || s.p[i] > '9')
			return false;
	return true;
}

static bool
span_u64(struct span s, uint64_t *v)
{
	size_t i;

	if (!span_is_digits(s, GOIP_SEQ_DIGITS))
		return false;
	*v = 0;
	for (i = 0; i < s.n; i++)
		*v = *v * 10 + (uint64_t)(s.p[i] - '0');
	return true;
}

/* Phone-number tokens: digits with an optional '+', '*' or '#'. */
static bool
span_is_number(struct span s)
{
	size_t i;

	if (s.n == 0 || s.n > 32)
		return false;
	for (i = 0; i < s.n; i++)
		if ((s.p[i] < '0' || s.p[i] > '9') && s.p[i] != '+' &&
		    s.p[i] != '*' && s.p[i] != '#')
			return false;
	return true;
}

/* Copies a value (str_copy_wire); flags a cut-off copy. */
static void
copy_str(char *dst, size_t cap, struct span v, bool *truncated)
{
	if (str_copy_wire(dst, cap, v.p, v.n))
		*truncated = true;
}

static void
goip_msg_init(struct goip_msg *m)
{
	memset(m, 0, sizeof(*m));
	m->signal = -1;
	m->smb_login = -1;
}

static int
smb_login_value(struct span v)
{
	if (span_ieq(v, "Y") || span_ieq(v, "1") || span_ieq(v, "YES") ||
	    span_ieq(v, "LOGIN"))
		return 1;
	if (span_ieq(v, "N") || span_ieq(v, "0") || span_ieq(v, "NO") ||
	    span_ieq(v, "LOGOUT"))
		return 0;
	return -1;
}

static int
signal_value(struct span v)
{
	uint64_t s;

	if (!span_is_digits(v, 3) || !span_u64(v, &s) || s > 199)
		return -1;
	return (int)s;
}

/* One key:value pair of the colon form; unknown keys are ignored. */
static void
apply_pair(struct goip_msg *m, struct span key, struct span v)
{
	bool *t = &m->truncated;
	struct span before;

	v = trim(v);
	if (span_eq(v, "(null)") || span_eq(v, "<NULL>"))
		v.n = 0;
	if (span_ieq(key, "pass") || span_ieq(key, "password"))
		m->has_password = true;
	else if (span_ieq(key, "id"))
		copy_str(m->id, sizeof(m->id), v, t);
	else if (span_ieq(key, "num") || span_ieq(key, "srcnum")) {
		before = cut(&v, ',');	/* HANGUP: "num:<n>,cause:..." */
		before = trim(before);
		if (span_ieq(key, "num"))
			copy_str(m->num, sizeof(m->num), before, t);
		else
			copy_str(m->srcnum, sizeof(m->srcnum), before, t);
	} else if (span_ieq(key, "imei"))
		copy_str(m->imei, sizeof(m->imei), v, t);
	else if (span_ieq(key, "imsi"))
		copy_str(m->imsi, sizeof(m->imsi), v, t);
	else if (span_ieq(key, "iccid"))
		copy_str(m->iccid, sizeof(m->iccid), v, t);
	else if (span_ieq(key, "gsm_status"))
		copy_str(m->gsm_status, sizeof(m->gsm_status), v, t);
	else if (span_ieq(key, "voip_status"))
		copy_str(m->voip_status, sizeof(m->voip_status), v, t);
	else if (span_ieq(key, "pro"))
		copy_str(m->pro, sizeof(m->pro), v, t);
	else if (span_ieq(key, "CELLINFO"))
		copy_str(m->cellinfo, sizeof(m->cellinfo), v, t);
	else if (span_ieq(key, "signal"))
		m->signal = signal_value(v);
	else if (span_ieq(key, "SMB_LOGIN"))
		m->smb_login = smb_login_value(v);
}

static bool
is_key(struct span k)
{
	size_t i;

	if (k.n == 0 || k.n > GOIP_KEY_MAX)
		return false;
	for (i = 0; i < k.n; i++) {
		uint8_t c = k.p[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '_'))
			return false;
	}
	return true;
}

/*
 * The pairs after "TYPE:<n>;". A segment without a key:value shape rejects
 * the message; "msg:" (SMS/USSD text, may hold ';') ends the pairs.
 */
static bool
parse_pairs(struct span rest, struct goip_msg *m, size_t *npairs,
    bool *has_id, bool *has_status)
{
	struct span seg, key;

	while (rest.n > 0) {
		seg = trim(cut(&rest, ';'));
		if (seg.n == 0)
			continue;
		key = cut(&seg, ':');
		if (seg.p == key.p + key.n)
			return false;	/* no ':' */
		key = trim(key);
		if (!is_key(key))
			return false;
		(*npairs)++;
		if (span_ieq(key, "id"))
			*has_id = true;
		if (span_ieq(key, "status"))
			*has_status = true;
		if (span_ieq(key, "msg"))
			return true;	/* the text is not ours to copy */
		apply_pair(m, key, seg);
	}
	return true;
}

static const struct goip_type *
colon_type(struct span t)
{
	size_t i;

	for (i = 0; i < NELEM(colon_types); i++)
		if (span_eq(t, colon_types[i].name))
			return &colon_types[i];
	return NULL;
}

static bool
parse_colon(struct span s, struct goip_msg *m)
{
	const struct goip_type *gt;
	struct span type, seq;
	size_t npairs = 0;
	bool has_id = false, has_status = false;

	type = cut(&s, ':');
	if (s.p == type.p + type.n || (gt = colon_type(type)) == NULL)
		return false;
	seq = trim(cut(&s, ';'));
	if (!span_u64(seq, &m->seq))
		return false;
	if (!parse_pairs(s, m, &npairs, &has_id, &has_status))
		return false;
	if ((gt->kind == GOIP_KEEPALIVE && !has_id) ||
	    (gt->kind == GOIP_KEEPALIVE_ACK && !has_status) ||
	    (gt->kind == GOIP_EVENT && npairs == 0))
		return false;
	m->kind = gt->kind;
	copy_str(m->type, sizeof(m->type), type, &m->truncated);
	return true;
}

static const struct goip_cmd *
command(struct span t)
{
	size_t i;

	for (i = 0; i < NELEM(commands); i++)
		if (span_eq(t, commands[i].name))
			return &commands[i];
	return NULL;
}

/* Splits on runs of spaces; false on a control byte or too many tokens. */
static bool
tokenize(struct span s, struct span *tok, size_t *ntok)
{
	size_t i;

	for (i = 0; i < s.n; i++)
		if (s.p[i] < 0x20 || s.p[i] == 0x7f)
			return false;
	*ntok = 0;
	while (s.n > 0) {
		struct span t = cut(&s, ' ');

		if (t.n == 0)
			continue;
		if (*ntok == GOIP_MAX_TOKENS)
			return false;
		tok[(*ntok)++] = t;
	}
	return true;
}

static bool
is_ack_word(struct span t)
{
	return span_eq(t, "OK") || span_eq(t, "DISABLE") || span_eq(t, "ERROR");
}

static bool
command_shape_ok(const struct goip_cmd *c, const struct span *tok, size_t ntok)
{
	size_t i;

	if (ntok < c->min || (c->max != 0 && ntok > c->max))
		return false;
	if (c->flags & CMD_NUMERIC)
		for (i = 2; i < ntok; i++)
			if (!span_is_number(tok[i]))
				return false;
	if ((c->flags & CMD_DIGIT2) && !span_is_digits(tok[2], 19))
		return false;
	if ((c->flags & CMD_ACK) && !is_ack_word(tok[2]))
		return false;
	return true;
}

static bool
command_has_password(const struct goip_cmd *c, size_t ntok)
{
	switch (c->pw) {
	case PW_2:	 return ntok >= 3;
	case PW_2_IF3:	 return ntok == 3;
	case PW_LAST_IF4: return ntok >= 4;
	}
	return false;
}

/* "MSG <id> <len> <text>": the declared length must match the text. */
static bool
parse_msg(struct span s, struct goip_msg *m)
{
	struct span name, id, len, text;
	uint64_t l;

	name = cut(&s, ' ');
	id = cut(&s, ' ');
	len = cut(&s, ' ');
	text = s;
	if (!span_eq(name, "MSG") || !span_u64(id, &m->seq) ||
	    !span_u64(len, &l) || text.n == 0)
		return false;
	if (l != text.n && l != trim(text).n)
		return false;
	m->kind = GOIP_COMMAND;
	strcpy(m->type, "MSG");
	return true;
}

static bool
parse_space(struct span s, struct goip_msg *m)
{
	struct span tok[GOIP_MAX_TOKENS];
	const struct goip_cmd *c;
	size_t ntok;

	if (!tokenize(s, tok, &ntok) || ntok < 2 ||
	    (c = command(tok[0])) == NULL || !command_shape_ok(c, tok, ntok) ||
	    !span_u64(tok[1], &m->seq))
		return false;
	m->kind = GOIP_COMMAND;
	m->has_password = command_has_password(c, ntok);
	if ((c->flags & CMD_IMEI) && ntok == 4 && span_is_digits(tok[2], 16) &&
	    tok[2].n >= 14)
		copy_str(m->imei, sizeof(m->imei), tok[2], &m->truncated);
	copy_str(m->type, sizeof(m->type), tok[0], &m->truncated);
	return true;
}

bool
goip_msg_parse(const uint8_t *p, size_t n, struct goip_msg *out)
{
	struct span s = { p, n }, head, lead;
	size_t i;

	goip_msg_init(out);
	if (p == NULL)
		return false;
	s = trim(s);
	lead.p = s.p;			/* MSG text keeps its trailing bytes */
	lead.n = n - (size_t)(s.p - p);
	/* The type token decides the form: ':' after it, or a space. */
	for (i = 0; i < s.n && i < 24; i++)
		if (s.p[i] == ':' || s.p[i] == ' ')
			break;
	if (i == s.n || i == 24)
		return false;
	head.p = s.p;
	head.n = i;
	if (s.p[i] == ':' ? parse_colon(s, out) :
	    span_eq(head, "MSG") ? parse_msg(lead, out) :
	    parse_space(s, out))
		return true;
	goip_msg_init(out);
	return false;
}

/* --- SIM bank ------------------------------------------------------------ */

static const uint8_t simbank_magic[4] = { 0x78, 0x56, 0x21, 0x43 };

/* Commands seen in the emulator (xormal/GoIP-simbank-emulator) and firmware
 * notes; 32-byte "token" frames carry le32 + MD5 after the header. */
static bool
simbank_cmd_is_token(uint16_t cmd)
{
	return cmd == 0x0001 || cmd == 0x0003 || cmd == 0x0014 ||
	    cmd == 0x001e || cmd == 0x001f || cmd == 0x0032 || cmd == 0x00c8 ||
	    cmd == 0x00c9;
}

static bool
simbank_cmd_is_known(uint16_t cmd)
{
	return simbank_cmd_is_token(cmd) || cmd == 0x0000 || cmd == 0x0028 ||
	    cmd == 0x005b || cmd == 0x0047 || cmd == 0x0048 || cmd == 0x004a ||
	    cmd == 0x0069;
}

/* Offset of the next magic after the header, or n. */
static size_t
simbank_next(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = SIMBANK_HDR_LEN; i + sizeof(simbank_magic) <= n; i++)
		if (memcmp(p + i, simbank_magic, sizeof(simbank_magic)) == 0)
			return i;
	return n;
}

static bool
simbank_length(const uint8_t *p, size_t n, struct simbank_frame *f)
{
	if (simbank_cmd_is_token(f->cmd))
		f->frame_len = SIMBANK_TOKEN_LEN;
	else if (f->cmd == 0x0028 || f->cmd == 0x005b)
		f->frame_len = SIMBANK_HDR_LEN;
	else
		f->frame_len = simbank_next(p, n < SIMBANK_FRAME_MAX + 1 ?
		    n : SIMBANK_FRAME_MAX + 1);
	if (f->frame_len > n || f->frame_len > SIMBANK_FRAME_MAX)
		return false;
	/* An APDU frame: le32 seq, 16-byte MD5, then at least a 2-byte
	 * response or a 4-byte command header. */
	return f->cmd != 0x0000 || f->frame_len >= SIMBANK_TOKEN_LEN + 2;
}

bool
simbank_parse(const uint8_t *p, size_t n, struct simbank_frame *out)
{
	struct rd r;
	const uint8_t *m;

	memset(out, 0, sizeof(*out));
	if (p == NULL)
		return false;
	rd_init(&r, p, n);
	if (rd_peek(&r, sizeof(simbank_magic), &m) == -1 ||
	    memcmp(m, simbank_magic, sizeof(simbank_magic)) != 0 ||
	    rd_skip(&r, sizeof(simbank_magic)) == -1 ||
	    rd_le32(&r, &out->line_id) == -1 || rd_le16(&r, &out->cmd) == -1 ||
	    rd_le16(&r, &out->type) == -1)
		goto fail;
	if (!simbank_cmd_is_known(out->cmd) || out->type > 2 ||
	    !simbank_length(p, n, out))
		goto fail;
	out->slot = (uint8_t)(out->line_id % 100);
	if (out->cmd == 0x0003 && out->type == 2) {
		/* Login: payload starts with the same line_id; 1-32 lines. */
		uint32_t again;

		if (rd_le32(&r, &again) == -1 || again != out->line_id ||
		    out->slot < 1 || out->slot > 32)
			goto fail;
		out->kind = SIMBANK_LOGIN;
	} else if (out->cmd == 0x0000)
		out->kind = SIMBANK_APDU;
	else
		out->kind = SIMBANK_CONTROL;
	return true;
fail:
	memset(out, 0, sizeof(*out));
	return false;
}
