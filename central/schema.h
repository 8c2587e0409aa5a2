/* SPDX-License-Identifier: BSD-2-Clause */
/* The one schema both adapters share, applied as numbered migrations. */
#ifndef GWC_SCHEMA_H
#define GWC_SCHEMA_H

struct storage;

/* Applies every migration above the stored version, each in a transaction. */
int	schema_migrate(struct storage *);
int	schema_version(void);
/* Read-only: -1 unless the stored schema is exactly this program's. */
int	schema_check(struct storage *);

#endif
