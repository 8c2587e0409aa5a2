/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The detect stage's side of evidence files: the frame that came with an
 * event is kept for each line it gives evidence to (and as context for lines
 * already holding some), and each detection update writes the line's file.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "detect-int.h"
#include "log.h"

_Static_assert(sizeof(struct line_key) == KEEP_KEY_LEN, "line_key is the keep key");
_Static_assert(ACCOUNT_KEY_LEN == KEEP_NOTE_LEN, "an account key is a keep note key");
_Static_assert(EV_K_N < 32, "evidence kinds and account are a 32-bit mask in keep.c");

/* What a kept packet supports: the evidence kinds, and the account naming the line. */
#define KEEP_K_ACCOUNT	EV_K_N
static const char *const keep_kind_names[EV_K_N + 1] = {
#define X(k, n, c) n,
	EVIDENCE_KINDS(X)
#undef X
	"account",
};

int
detect_keep_start(struct detect *d, const struct conf *c, char *err, size_t errlen)
{
	struct keep_params p = { c->evidence_lines, c->evidence_packets,
	    c->evidence_line_bytes, c->evidence_memory, c->evidence_snaplen,
	    c->evidence_lookback, c->evidence_accounts };

	if (strcmp(c->evidence, "on") != 0)
		return 0;
	if (c->tls_key[0] == '\0')
		return snprintf(err, errlen, "evidence on: tls_key names no key to sign "
		    "evidence files with"), -1;
	if (mkdir(c->evidence_dir, 0750) == -1 && errno != EEXIST)
		return snprintf(err, errlen, "evidence_dir %s: %s", c->evidence_dir,
		    strerror(errno)), -1;
	if ((d->signer = signer_load(c->tls_key, err, errlen)) == NULL)
		return -1;
	if ((d->keep = keep_new(&p, err, errlen)) == NULL)
		return -1;
	return 0;
}

/*
 * A line's first kept packet: the RADIUS or PPP packet that named its
 * account, remembered since, goes first, while the account still maps.
 */
static void
detect_keep_account(struct detect *d, const struct line *l)
{
	uint8_t nk[ACCOUNT_KEY_LEN];

	if (account_find(d->accounts, l->key.ip, l->key.has_pppoe, l->key.pppoe) == NULL)
		return;
	if (l->key.has_pppoe) {
		account_key(nk, l->key.ip, true, l->key.pppoe);
		if (keep_note_take(d->keep, nk, (const uint8_t *)&l->key, KEEP_K_ACCOUNT) == 0)
			return;
	}
	account_key(nk, l->key.ip, false, 0);
	(void)keep_note_take(d->keep, nk, (const uint8_t *)&l->key, KEEP_K_ACCOUNT);
}

bool
detect_evidence(struct detect *d, struct line *l, enum evidence_kind kind,
    const char *detail, usec_t ts)
{
	bool grew = line_evidence(l, kind, detail, ts);
	const uint8_t *key = (const uint8_t *)&l->key;
	bool held;

	if (d->frame == NULL)
		return grew;
	held = keep_has(d->keep, key);
	(void)keep_add(d->keep, key, kind, d->frame, d->frame_seq);
	if (!held && keep_has(d->keep, key))
		detect_keep_account(d, l);
	return grew;
}

void
detect_account_frame(struct detect *d, const uint8_t addr16[16], bool has_pppoe,
    uint16_t session, bool stop)
{
	uint8_t nk[ACCOUNT_KEY_LEN];

	if (d->frame == NULL)
		return;
	if (!has_pppoe)
		keep_support(d->keep, addr16, KEEP_K_ACCOUNT, d->frame, d->frame_seq);
	account_key(nk, addr16, has_pppoe, session);
	if (stop)
		keep_note_forget(d->keep, nk);
	else
		keep_note(d->keep, nk, d->frame, d->frame_seq);
}

/* Pseudonymised numbers: no evidence at all (docs/evidence.md). */
static bool
detect_keeps(const struct detect *d)
{
	return d->keep != NULL && d->hkeylen == 0;
}

void
detect_event_frame(struct detect *d, const struct event *e, const struct keep_frame *f)
{
	if (f == NULL || !detect_keeps(d)) {
		detect_event(d, e);
		return;
	}
	if (e->kind == EV_RTP_HEAD) {
		/* media of a line already holding evidence; never in the look-back
		 * ring (it is for signalling), never a detection event */
		keep_context(d->keep, e->t.src, e->t.dst, f, ++d->frame_seq);
		return;
	}
	d->frame = f;
	d->frame_seq++;
	detect_event(d, e);
	d->frame = NULL;
	keep_context(d->keep, e->t.src, e->t.dst, f, d->frame_seq);
	keep_recent(d->keep, e->t.src, e->t.dst, f, d->frame_seq);
}

/* Only [A-Za-z0-9.-] reach a file name; the rest becomes '_'. */
static void
detect_safe_name(char *s)
{
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || *s == '.' || *s == '-'))
			*s = '_';
}

/* Printable ASCII only in comments: the site id is operator text. */
static void
detect_safe_text(char *s)
{
	for (; *s != '\0'; s++)
		if (*s < 0x20 || *s > 0x7e)
			*s = '?';
}

static void
detect_ev_comment(const struct detect *d, const struct line *l,
    const struct judgement *j, usec_t ts, char *buf, size_t len)
{
	char site[CONF_STR_MAX], ip[REPORT_IP_LEN], when[32], pppoe[16] = "none";
	time_t t = (time_t)(ts / USEC_PER_SEC);
	uint32_t done = 0;
	struct tm tm;
	size_t n;
	unsigned i;

	snprintf(site, sizeof(site), "%s", d->conf->site_id[0] ? d->conf->site_id : "-");
	detect_safe_text(site);
	gmtime_r(&t, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
	if (l->key.has_pppoe)
		snprintf(pppoe, sizeof(pppoe), "%u", l->key.pppoe);
	n = (size_t)snprintf(buf, len, "goipwatch evidence\nappliance: %s\n"
	    "line: %s vlan %u pppoe %s\nverdict: %s\ntier: %s\nscore: %u\n"
	    "detection time: %s.%06uZ\nevidence:", site, report_ip(l->key.ip, ip),
	    l->key.vlan, pppoe, verdict_names[j->verdict], tier_names[j->tier],
	    j->score, when, (unsigned)(ts % USEC_PER_SEC));
	for (i = 0; i < l->nev && n < len; i++) {
		if (done & 1u << l->ev[i].kind)
			continue;
		done |= 1u << l->ev[i].kind;
		n += (size_t)snprintf(buf + n, len - n, " %s",
		    evidence_names[l->ev[i].kind]);
	}
}

/*
 * With a detection update of a line that has kept packets: its file, and
 * "evidence_file":{file, sha256, packets, bytes} in the record being written
 * ("evidence" is the record's array of evidence items).
 */
void
detect_evfile(struct detect *d, const struct line *l, const struct judgement *j,
    usec_t ts, struct jw *w)
{
	struct evfile_params p = { d->conf->evidence_dir, d->conf->evidence_file_max,
	    (uint32_t)d->conf->evidence_snaplen,
	    strcmp(d->conf->evidence_fsync, "on") == 0, keep_kind_names, EV_K_N + 1,
	    EV_RTP_HEAD, strcmp(d->conf->evidence_rtp, "payload") == 0 };
	char name[160], ip[REPORT_IP_LEN], comment[1024], err[PATH_MAX + 128];
	struct evfile_info info;
	const char *base;

	if (!detect_keeps(d) || !keep_has(d->keep, (const uint8_t *)&l->key))
		return;
	snprintf(name, sizeof(name), "%.40s-%s-v%u-p%u-%llu",
	    d->conf->site_id[0] ? d->conf->site_id : "goipwatchd",
	    report_ip(l->key.ip, ip), l->key.vlan, l->key.has_pppoe ? l->key.pppoe : 0,
	    (unsigned long long)ts);
	detect_safe_name(name);
	detect_ev_comment(d, l, j, ts, comment, sizeof(comment));
	if (evfile_write(&p, d->keep, (const uint8_t *)&l->key, name, comment,
	    d->signer, &info, err, sizeof(err)) == -1) {
		d->st.evidence_write_errors++;
		if (!d->ev_logged)
			log_warnx("evidence file: %s", err);
		d->ev_logged = true;
		return;
	}
	d->st.evidence_files++;
	d->st.evidence_skipped += info.skipped;
	base = strrchr(info.path, '/');
	jw_obj_open(w, "evidence_file");
	jw_str(w, "file", base != NULL ? base + 1 : info.path);
	jw_str(w, "sha256", info.sha256);
	jw_u64(w, "packets", info.packets);
	jw_u64(w, "bytes", info.bytes);
	if (info.skipped)
		jw_u64(w, "packets_over_cap", info.skipped);
	jw_obj_close(w);
}

void
detect_evidence_stats_write(const struct detect *d, struct jw *w)
{
	struct keep_stats ks;

	if (d->keep == NULL)
		return;
	keep_stats(d->keep, &ks);
	jw_obj_open(w, "evidence");
	jw_u64(w, "kept", ks.kept);
	jw_u64(w, "lookback_kept", ks.lookback_kept);
	jw_u64(w, "truncated", ks.truncated);
	jw_u64(w, "drop_packets", ks.drop_packets);
	jw_u64(w, "drop_bytes", ks.drop_bytes);
	jw_u64(w, "drop_memory", ks.drop_memory);
	jw_u64(w, "lines_refused", ks.lines_refused);
	jw_u64(w, "lines", ks.lines);
	jw_u64(w, "slots", ks.slots);
	jw_u64(w, "slots_free", ks.slots_free);
	jw_u64(w, "account_frames", ks.notes);
	jw_u64(w, "account_frames_replaced", ks.notes_replaced);
	jw_u64(w, "account_frames_refused", ks.notes_refused);
	jw_u64(w, "files", d->st.evidence_files);
	jw_u64(w, "packets_over_cap", d->st.evidence_skipped);
	jw_u64(w, "write_errors", d->st.evidence_write_errors);
	jw_obj_close(w);
}
