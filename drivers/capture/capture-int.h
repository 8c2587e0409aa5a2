/* SPDX-License-Identifier: BSD-2-Clause */
/* The method table each capture variant fills once. */
#ifndef GW_CAPTURE_INT_H
#define GW_CAPTURE_INT_H

#include "capture.h"

struct capture_ops {
	const char	*name;
	bool		 shared;	/* one handle for all workers */
	void		*(*open)(const struct capture_opts *, unsigned worker,
			    int *linktype, char *err, size_t errlen);
	int		 (*dispatch)(void *, int max, int timeout_ms, capture_cb, void *arg,
			    char *err, size_t errlen);
	void		 (*stats)(void *, struct capture_stats *);
	void		 (*close)(void *);
};

extern const struct capture_ops capture_ops_pcap_file;
extern const struct capture_ops capture_ops_pcap_live;
extern const struct capture_ops capture_ops_af_packet;

#endif
