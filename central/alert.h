/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Alerts (docs/central.md, Alerts): a durable queue in the database, filled in
 * the transaction that raises or escalates an urgent lead, and one worker
 * thread in serve that sends each row to its channel (webhook, syslog, mail),
 * retrying with backoff. Idempotency key: lead-ID-rREV-KIND.
 */
#ifndef GWC_ALERT_H
#define GWC_ALERT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct cfg;
struct storage;
struct alerter;

/*
 * Inside the caller's transaction, after the lead's "raised" or "escalated"
 * event: when the lead is urgent, one pending alert per channel serve has
 * configured, for that event (the revision). Nothing when no channel is.
 * Deferred (storage.h): done by the commit or the next flush.
 */
int	alert_lead(struct storage *, int64_t lead, int64_t now);
/* Urgent leads still new past half their deadline: one half_deadline alert each. */
int	alert_scan_half(struct storage *, int64_t now);
/* The CLI's listing, newest first; state NULL for every state. */
int	alert_print(struct storage *, const char *state, FILE *);
/* "pending", "sent", "failed" by index, NULL past the end (for the CLI). */
const char *alert_state_name(int);

/*
 * Checks the channel keys, records the configured channels for alert_lead
 * and starts the worker when there is one. NULL with err on a bad key.
 */
struct alerter	*alert_start(const struct cfg *, char *err, size_t errlen);
/* Stops the worker (a send in flight is abandoned: it is retried later). */
void		 alert_stop(struct alerter *);

#endif
