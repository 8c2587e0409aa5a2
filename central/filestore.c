/* SPDX-License-Identifier: BSD-2-Clause */
/* Pushed files: content-addressed bytes in files_dir, signed offers in storage. */
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hex.h"
#include "filestore.h"
#include "out.h"
#include "tls-pki.h"

#define MMDB_MARKER	"\xab\xcd\xefMaxMind.com"
#define MMDB_TAIL	(128 * 1024)	/* the metadata sits in the last 128 KiB */

static const char *const kinds[] = { NULL, "geodb", "firmware" };
static const char *const states[] = { "installed", "bad_signature", "stale",
	"too_large", "bad_hash", "invalid", "store_failed", "transfer_failed",
	"unsupported", "boot_failed" };

const char *
filestore_kind_name(int kind)
{
	return kind >= 1 && kind <= 2 ? kinds[kind] : NULL;
}

int
filestore_kind(const char *name)
{
	for (int k = 1; k <= 2; k++)
		if (strcmp(name, kinds[k]) == 0)
			return k;
	return 0;
}

const char *
filestore_ack_state(int64_t status, bool answered)
{
	if (!answered)
		return "offered, no answer";
	return status >= 0 && status <= FRAME_FILE_BOOT_FAILED ? states[status] : "?";
}

void
pushfile_free(struct pushfile *p)
{
	while (p != NULL) {
		struct pushfile *next = p->next;

		free(p);
		p = next;
	}
}

void
filestore_offer(const struct pushfile *f, struct frame_file_offer *o)
{
	*o = (struct frame_file_offer){ .kind = f->kind, .flags = f->flags,
	    .version = f->version, .size = f->size, .sha256 = f->sha256,
	    .label = { f->label, (uint16_t)strlen(f->label) }, .sig = f->sig,
	    .sig_len = f->sig_len };
}

void
filestore_path(const char *dir, const struct pushfile *f, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", dir, f->sha_hex);
}

int
filestore_row(void *arg, const struct db_row *r)
{
	struct pushfile **head = arg, *f;
	long n;

	if ((f = calloc(1, sizeof(*f))) == NULL)
		return -1;
	f->kind = (uint8_t)filestore_kind(row_str(r, 0));
	snprintf(f->grp, sizeof(f->grp), "%s", row_str(r, 1));
	f->version = (uint64_t)row_int(r, 2);
	f->size = (uint32_t)row_int(r, 3);
	snprintf(f->sha_hex, sizeof(f->sha_hex), "%s", row_str(r, 4));
	snprintf(f->label, sizeof(f->label), "%s", row_str(r, 5));
	f->flags = (uint8_t)row_int(r, 6);
	if (f->kind == 0 || hex_decode(f->sha_hex, strlen(f->sha_hex), f->sha256, 32) != 32 ||
	    (n = hex_decode(row_str(r, 7), strlen(row_str(r, 7)), f->sig,
	    sizeof(f->sig))) <= 0) {
		free(f);
		return 0;	/* a kind this program does not know: not offered */
	}
	f->sig_len = (uint16_t)n;
	if (r->n > 8)
		snprintf(f->appliance, sizeof(f->appliance), "%s", row_str(r, 8));
	f->next = *head;
	*head = f;
	return 0;
}

#define FILE_COLS "f.kind, f.grp, f.version, f.size, f.sha256, f.label, f.flags, f.sig"

int
filestore_all_latest(struct storage *st, struct pushfile **out)
{
	*out = NULL;
	return db_query(st, "SELECT " FILE_COLS " FROM files f WHERE f.kind <> 'firmware'"
	    " AND f.version = (SELECT MAX(f2.version) FROM files f2 WHERE f2.kind = f.kind AND"
	    " f2.grp = f.grp)", NULL, 0, filestore_row, out);
}

int
filestore_latest(struct storage *st, const char *grp, struct pushfile **out)
{
	*out = NULL;
	return db_query(st, "SELECT " FILE_COLS " FROM files f WHERE f.grp = $1 AND"
	    " f.kind <> 'firmware' AND f.version = (SELECT MAX(f2.version) FROM files f2 WHERE f2.kind = f.kind"
	    " AND f2.grp = f.grp)", (struct db_arg[]){ DB_S(grp) }, 1, filestore_row, out);
}

int
filestore_offered(struct storage *st, const char *appliance, int kind,
    uint64_t version, int64_t now)
{
	return db_exec(st, "INSERT INTO file_acks (appliance, kind, version, offered_at)"
	    " VALUES ($1, $2, $3, $4) ON CONFLICT (appliance, kind) DO UPDATE SET"
	    " offered_at = excluded.offered_at, status = CASE WHEN file_acks.version ="
	    " excluded.version THEN file_acks.status END, message = CASE WHEN"
	    " file_acks.version = excluded.version THEN file_acks.message END,"
	    " acked_at = CASE WHEN file_acks.version = excluded.version THEN"
	    " file_acks.acked_at END, version = excluded.version",
	    (struct db_arg[]){ DB_S(appliance), DB_S(filestore_kind_name(kind)),
	    DB_I(version), DB_I(now) }, 4);
}

int
filestore_acked(struct storage *st, const char *appliance, int kind,
    uint64_t version, int status, const char *msg, int64_t now)
{
	return db_exec(st, "INSERT INTO file_acks (appliance, kind, version, status,"
	    " message, acked_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT"
	    " (appliance, kind) DO UPDATE SET version = excluded.version, status ="
	    " excluded.status, message = excluded.message, acked_at = excluded.acked_at",
	    (struct db_arg[]){ DB_S(appliance), DB_S(filestore_kind_name(kind)),
	    DB_I(version), DB_I(status), DB_S(msg), DB_I(now) }, 6);
}

/* An MMDB ends with its metadata, which starts after a fixed marker. */
static bool
looks_like_mmdb(FILE *f, uint64_t size)
{
	static uint8_t buf[MMDB_TAIL];
	size_t n, want = size < MMDB_TAIL ? (size_t)size : MMDB_TAIL;

	if (fseeko(f, (off_t)(size - want), SEEK_SET) == -1 ||
	    (n = fread(buf, 1, want, f)) != want)
		return false;
	return memmem(buf, n, MMDB_MARKER, sizeof(MMDB_MARKER) - 1) != NULL;
}

/* The value of KEY='...' in rauc's shell output (single-quoted, '\'' for '). */
static void
shell_val(const char *out, const char *key, char *val, size_t len)
{
	const char *p = out;
	size_t n = 0, klen = strlen(key);

	val[0] = '\0';
	while (p != NULL && !(strncmp(p, key, klen) == 0 && p[klen] == '='))
		p = (p = strchr(p, '\n')) ? p + 1 : NULL;
	if (p == NULL || p[klen + 1] != '\'')
		return;
	for (p += klen + 2; *p != '\0' && *p != '\n' && n + 1 < len; p++) {
		if (strncmp(p, "'\\''", 4) == 0)
			p += 3;
		else if (*p == '\'')
			continue;
		val[n++] = *p < 0x20 || *p > 0x7e ? '?' : *p;
	}
	val[n] = '\0';
}

/* The last line of buf that is not one of rauc's "rauc-Message:" notes. */
static void
last_error(char *buf, char *err, size_t errlen)
{
	char *line, *save = NULL, *best = NULL;

	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		if (strstr(line, "rauc-Message") == NULL && *line != '\0')
			best = line;
	snprintf(err, errlen, "%s", best ? best : "rauc refused it");
}

/* Runs rauc --conf=conf info --output-format=shell path; its stdout into out. */
static int
rauc_info(const char *conf, const char *path, char *out, size_t outlen, char *err,
    size_t errlen)
{
	char confarg[620], arg[600];
	FILE *o = tmpfile(), *e = tmpfile();
	size_t n;
	pid_t pid;
	int status = -1;

	snprintf(confarg, sizeof(confarg), "--conf=%s", conf);
	/* a name rauc would read as an option */
	snprintf(arg, sizeof(arg), "%s%s", path[0] == '-' ? "./" : "", path);
	if (o == NULL || e == NULL || (pid = fork()) == -1) {
		snprintf(err, errlen, "rauc: %s", strerror(errno));
		goto done;
	}
	if (pid == 0) {
		if (dup2(fileno(o), 1) == -1 || dup2(fileno(e), 2) == -1)
			_exit(127);
		execlp("rauc", "rauc", confarg, "info", "--output-format=shell", arg,
		    (char *)NULL);
		fprintf(stderr, "rauc: %s\n", strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	rewind(o);
	n = fread(out, 1, outlen - 1, o);
	out[n] = '\0';
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		rewind(e);
		n = fread(out, 1, outlen - 1, e);
		out[n] = '\0';
		last_error(out, err, errlen);
		status = -1;
	} else
		status = 0;
done:
	if (o != NULL)
		fclose(o);
	if (e != NULL)
		fclose(e);
	return status;
}

int
filestore_firmware_info(const char *ca, const char *tmpdir, const char *path,
    char *label, size_t len, char *err, size_t errlen)
{
	char conf[600], out[8192], compat[64], version[64], *abs;
	FILE *f;
	int rc = -1;

	if (ca[0] == '\0') {
		snprintf(err, errlen, "no firmware_ca in the configuration (the keyring"
		    " bundles are verified with)");
		return -1;
	}
	/* rauc reads a relative keyring path from the system.conf's directory */
	if ((abs = realpath(ca, NULL)) == NULL) {
		snprintf(err, errlen, "firmware_ca %s: %s", ca, strerror(errno));
		return -1;
	}
	if (mkdir(tmpdir, 0750) == -1 && errno != EEXIST) {
		snprintf(err, errlen, "%s: %s", tmpdir, strerror(errno));
		free(abs);
		return -1;
	}
	/* rauc info takes the keyring and its purpose check from a system.conf */
	snprintf(conf, sizeof(conf), "%s/.rauc-%ld.conf", tmpdir, (long)getpid());
	if ((f = fopen(conf, "w")) == NULL) {
		snprintf(err, errlen, "%s: %s", conf, strerror(errno));
		free(abs);
		return -1;
	}
	fprintf(f, "[system]\ncompatible=goipwatch-central\nbootloader=noop\n"
	    "[keyring]\npath=%s\ncheck-purpose=codesign\n", abs);
	free(abs);
	if (fclose(f) == EOF)
		snprintf(err, errlen, "%s: %s", conf, strerror(errno));
	else if (rauc_info(conf, path, out, sizeof(out), err, errlen) == 0) {
		shell_val(out, "RAUC_MF_COMPATIBLE", compat, sizeof(compat));
		shell_val(out, "RAUC_MF_VERSION", version, sizeof(version));
		if (compat[0] == '\0' || version[0] == '\0' || strchr(compat, ' ') ||
		    strchr(version, ' '))
			snprintf(err, errlen, "the manifest has no usable compatible and"
			    " version (without blanks)");
		else {
			snprintf(label, len, "%s %s", compat, version);
			rc = 0;
		}
	}
	(void)unlink(conf);
	return rc;
}

/* Copies f into dir as its sha256 name (through a temporary, fsynced). */
static int
store_bytes(FILE *f, const char *dir, const char *sha_hex, char *err, size_t errlen)
{
	char tmp[600], path[600], buf[65536];
	size_t n;
	int fd, rc = 0;

	if (mkdir(dir, 0750) == -1 && errno != EEXIST) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	snprintf(tmp, sizeof(tmp), "%s/.tmp-%ld", dir, (long)getpid());
	snprintf(path, sizeof(path), "%s/%s", dir, sha_hex);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640)) == -1) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		return -1;
	}
	rewind(f);
	while (rc == 0 && (n = fread(buf, 1, sizeof(buf), f)) > 0)
		if (write(fd, buf, n) != (ssize_t)n)
			rc = -1;
	if (rc == -1 || ferror(f) || fsync(fd) == -1 || close(fd) == -1 ||
	    rename(tmp, path) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		(void)unlink(tmp);
		return -1;
	}
	return 0;
}

/* Reads, checks and stores the bytes; fills size, sha256 and label. */
static int
add_bytes(const char *dir, int kind, const char *path, struct pushfile *pf,
    char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	uint64_t size;
	int rc = -1;

	if (f == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (pki_sha256_file(f, pf->sha256, &size) == -1)
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
	else if (size == 0 || size > FRAME_FILE_MAX)
		snprintf(err, errlen, "%s: %" PRIu64 " bytes (1 byte to 2 GiB)", path, size);
	else if (kind == FRAME_FILE_GEODB && !looks_like_mmdb(f, size))
		snprintf(err, errlen, "%s: not an MMDB database (no metadata marker)", path);
	else {
		hex_encode(pf->sha256, 32, pf->sha_hex);
		pf->size = (uint32_t)size;
		rc = store_bytes(f, dir, pf->sha_hex, err, errlen);
	}
	fclose(f);
	return rc;
}

int
filestore_add(struct storage *st, const char *dir, int kind, const char *grp,
    const char *path, const char *label, const char *keypath, const char *who,
    uint64_t *version, char *err, size_t errlen)
{
	struct pushfile pf = { .kind = (uint8_t)kind };
	struct frame_file_offer o;
	char sig[2 * FRAME_MAX_SIG + 1];
	size_t siglen;

	for (size_t i = 0; label[i] != '\0' && i + 1 < sizeof(pf.label); i++)
		pf.label[i] = label[i] < 0x20 || label[i] > 0x7e ? '?' : label[i];
	if (add_bytes(dir, kind, path, &pf, err, errlen) == -1 || db_begin(st) == -1)
		return -1;
	if (db_next_version(st, "SELECT MAX(version) FROM files", version) == -1)
		goto fail;
	pf.version = *version;
	filestore_offer(&pf, &o);
	if (pki_sign_file(keypath, &o, pf.sig, &siglen, err, errlen) == -1)
		goto fail;
	hex_encode(pf.sig, siglen, sig);
	if (db_exec(st, "INSERT INTO files (kind, version, grp, size, sha256, label,"
	    " flags, sig, created, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8,"
	    " $9, $10)", (struct db_arg[]){ DB_S(filestore_kind_name(kind)),
	    DB_I(*version), DB_S(grp), DB_I(pf.size), DB_S(pf.sha_hex),
	    DB_S(pf.label), DB_I(pf.flags), DB_S(sig), DB_I(time(NULL)), DB_S(who) },
	    10) == -1 || db_commit(st) == -1)
		goto fail;
	return 0;
fail:
	if (err[0] == '\0')
		snprintf(err, errlen, "%s", st->err);
	db_rollback(st);
	return -1;
}

static int
status_row(void *arg, const struct db_row *r)
{
	FILE *out = arg;
	struct out_tty e;

	fprintf(out, "%-20s %-10s %12s  %s%s%s\n", out_tty(&e, r->v[0]),
	    out_tty(&e, r->v[1]), r->v[2] ? row_str(r, 2) : "-", r->v[2] == NULL ?
	    "not offered" : filestore_ack_state(row_int(r, 3), r->v[3] != NULL),
	    r->v[4] && *r->v[4] ? ": " : "", out_tty(&e, r->v[4]));
	return 0;
}

int
filestore_status(struct storage *st, int kind, FILE *out)
{
	fprintf(out, "%-20s %-10s %12s  %s\n", "APPLIANCE", "GROUP", "VERSION", "STATUS");
	return db_query(st, "SELECT a.id, a.grp, k.version, k.status, k.message FROM"
	    " appliances a LEFT JOIN file_acks k ON k.appliance = a.id AND k.kind = $1"
	    " ORDER BY a.id", (struct db_arg[]){ DB_S(filestore_kind_name(kind)) }, 1,
	    status_row, out);
}

static int
firmware_row(void *arg, const struct db_row *r)
{
	FILE *out = arg;
	struct out_tty e;

	fprintf(out, "%12s %-10s %10s  %.12s  %s\n", row_str(r, 0), out_tty(&e, r->v[1]),
	    row_str(r, 2), row_str(r, 3), out_tty(&e, r->v[4]));
	return 0;
}

int
filestore_firmware_list(struct storage *st, FILE *out)
{
	fprintf(out, "%12s %-10s %10s  %-12s  %s\n", "VERSION", "GROUP", "BYTES",
	    "SHA256", "COMPATIBLE FIRMWARE");
	return db_query(st, "SELECT version, grp, size, sha256, label FROM files WHERE"
	    " kind = 'firmware' ORDER BY version", NULL, 0, firmware_row, out);
}

struct json_rows {
	FILE	*o;
	int	 n;
};

static int
firmware_json_row(void *arg, const struct db_row *r)
{
	struct json_rows *x = arg;

	fprintf(x->o, "%s{\"version\":%" PRId64, x->n++ ? "," : "", row_int(r, 0));
	out_json_kv(x->o, "group", row_str(r, 1));
	fprintf(x->o, ",\"size\":%" PRId64, row_int(r, 2));
	out_json_kv(x->o, "sha256", row_str(r, 3));
	out_json_kv(x->o, "label", row_str(r, 4));
	fprintf(x->o, ",\"created\":%" PRId64, row_int(r, 5));
	out_json_kv(x->o, "created_by", row_str(r, 6));
	fputc('}', x->o);
	return 0;
}

int
filestore_firmware_json(struct storage *st, FILE *o)
{
	struct json_rows x = { o, 0 };
	int rc;

	fputs("\"firmware\":[", o);
	rc = db_query(st, "SELECT version, grp, size, sha256, label, created, created_by"
	    " FROM files WHERE kind = 'firmware' ORDER BY version", NULL, 0,
	    firmware_json_row, &x);
	fputc(']', o);
	return rc;
}
