/* SPDX-License-Identifier: BSD-2-Clause */
/* Records: one JSON object per line, with "type" and "ts" (docs/records.md). */
#ifndef GW_REPORT_H
#define GW_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "clock.h"
#include "flow.h"
#include "jw.h"

#define REPORT_LINE_MAX	16384
#define REPORT_IP_LEN	46

struct event;

/* Where finished record lines and events go: a file, a ring, the detect stage.
 * detection, when set, also gets each record for central: detections and
 * sample calls (for the uplink). */
struct sink {
	void	(*emit)(void *arg, const char *rec, size_t len);
	void	(*event)(void *arg, const struct event *, size_t len);
	void	*arg;
	void	(*detection)(void *arg, const char *rec, size_t len);
};

struct dpi;

/* "192.0.2.1" for IPv4-mapped addresses, RFC 5952 for the rest. */
const char	*report_ip(const uint8_t addr16[16], char buf[REPORT_IP_LEN]);
const char	*report_l4_name(uint8_t proto);
/* Opens a record: {"type":type,"ts":ts ... ; the caller adds fields and closes. */
void		 report_open(struct jw *, const char *type, usec_t ts);
/* "vlan":[...] and "pppoe_session" of a line, when present. */
void		 report_line(struct jw *, const uint16_t *vlan, unsigned nvlan,
		    bool has_pppoe, uint16_t pppoe_session);
void		 report_flow(struct jw *, const struct flow *, struct dpi *,
		    enum flow_end, usec_t now);
/* Ends the record and hands it to the sink; -1 when it overflowed. */
int		 report_emit(struct jw *, const struct sink *);
/* The same for a detection record: also to the sink's detection hook. */
int		 report_emit_detection(struct jw *, const struct sink *);

#endif
