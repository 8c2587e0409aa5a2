/* SPDX-License-Identifier: BSD-2-Clause */
/* The pcapng blocks evidence files need: SHB, IDB, EPB, with comments. */
#include <string.h>

#include "pcapng.h"

#define BT_SHB		0x0A0D0D0Au
#define BT_IDB		0x00000001u
#define BT_EPB		0x00000006u
#define BOM		0x1A2B3C4Du
#define OPT_END		0
#define OPT_COMMENT	1
#define OPT_SHB_USERAPPL 4
#define OPT_IF_TSRESOL	9

static size_t
pad4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

/* Bytes of one option with a value of len bytes. */
static size_t
opt_size(size_t len)
{
	return 4 + pad4(len);
}

static void
put(struct pcapng *w, const void *p, size_t n)
{
	if (n != 0 && fwrite(p, 1, n, w->f) != n)
		w->err = 1;
	w->bytes += n;
}

static void
put32(struct pcapng *w, uint32_t v)
{
	put(w, &v, 4);
}

static void
put_opt(struct pcapng *w, uint16_t code, const void *v, size_t len)
{
	static const uint8_t zero[4];
	uint16_t h[2] = { code, (uint16_t)len };

	put(w, h, 4);
	put(w, v, len);
	put(w, zero, pad4(len) - len);
}

/* A comment option: at most 65535 bytes, as the option length allows. */
static size_t
comment_len(const char *c)
{
	size_t n = c != NULL ? strlen(c) : 0;

	return n > 65532 ? 65532 : n;
}

void
pcapng_init(struct pcapng *w, FILE *f, uint32_t snaplen)
{
	memset(w, 0, sizeof(*w));
	w->f = f;
	w->snaplen = snaplen;
}

int
pcapng_shb(struct pcapng *w, const char *comment, const char *appl)
{
	size_t cl = comment_len(comment), al = comment_len(appl);
	uint32_t len = (uint32_t)(28 + (cl ? opt_size(cl) : 0) + (al ? opt_size(al) : 0) + 4);
	uint16_t ver[2] = { 1, 0 };
	int64_t section = -1;

	put32(w, BT_SHB);
	put32(w, len);
	put32(w, BOM);
	put(w, ver, 4);
	put(w, &section, 8);
	if (cl)
		put_opt(w, OPT_COMMENT, comment, cl);
	if (al)
		put_opt(w, OPT_SHB_USERAPPL, appl, al);
	put_opt(w, OPT_END, NULL, 0);
	put32(w, len);
	return w->err ? -1 : 0;
}

static int
iface_of(const struct pcapng *w, uint16_t linktype)
{
	unsigned i;

	for (i = 0; i < w->nlt; i++)
		if (w->lt[i] == linktype)
			return (int)i;
	return -1;
}

#define IDB_SIZE	(16 + 8 + 4 + 4)	/* header, if_tsresol, end, trailer */

static int
pcapng_idb(struct pcapng *w, uint16_t linktype)
{
	uint16_t lt[2] = { linktype, 0 };
	uint8_t resol = 6;	/* 10^-6 s */

	if (w->nlt == PCAPNG_IFACES)
		return -1;
	put32(w, BT_IDB);
	put32(w, IDB_SIZE);
	put(w, lt, 4);
	put32(w, w->snaplen);
	put_opt(w, OPT_IF_TSRESOL, &resol, 1);
	put_opt(w, OPT_END, NULL, 0);
	put32(w, IDB_SIZE);
	w->lt[w->nlt++] = linktype;
	return 0;
}

size_t
pcapng_epb_size(const struct pcapng *w, uint16_t linktype, uint32_t caplen,
    const char *comment)
{
	size_t cl = comment_len(comment);

	return (iface_of(w, linktype) < 0 ? IDB_SIZE : 0) + 28 + pad4(caplen) +
	    (cl ? opt_size(cl) + 4 : 0) + 4;
}

int
pcapng_epb(struct pcapng *w, uint16_t linktype, usec_t ts, const uint8_t *data,
    uint32_t caplen, uint32_t wirelen, const char *comment)
{
	static const uint8_t zero[4];
	size_t cl = comment_len(comment);
	uint32_t len;
	int ifc;

	if ((ifc = iface_of(w, linktype)) < 0) {
		if (pcapng_idb(w, linktype) == -1)
			return -1;
		ifc = (int)w->nlt - 1;
	}
	len = (uint32_t)(28 + pad4(caplen) + (cl ? opt_size(cl) + 4 : 0) + 4);
	put32(w, BT_EPB);
	put32(w, len);
	put32(w, (uint32_t)ifc);
	put32(w, (uint32_t)((uint64_t)ts >> 32));
	put32(w, (uint32_t)ts);
	put32(w, caplen);
	put32(w, wirelen);
	put(w, data, caplen);
	put(w, zero, pad4(caplen) - caplen);
	if (cl) {
		put_opt(w, OPT_COMMENT, comment, cl);
		put_opt(w, OPT_END, NULL, 0);
	}
	put32(w, len);
	return w->err ? -1 : 0;
}
