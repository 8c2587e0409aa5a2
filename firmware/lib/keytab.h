/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A table of configuration keys over a struct: each row holds the key's name,
 * type, field offset, range, default (as text, set through the same check as a
 * file line) and when it applies. One parser for "key value" text with
 * "name:line: reason" errors, one printer, one key listing (--print-keys).
 */
#ifndef GW_KEYTAB_H
#define GW_KEYTAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* As choices: decimal digits only ("13,14,15" is no prefix a number starts with). */
#define KEYTAB_DIGITS	"0123456789"

enum keytab_type { KT_U64, KT_DUR, KT_STR, KT_LIST };
/* Start-up only (a running process keeps the value it started with), or reload. */
enum keytab_applies { KT_START, KT_RELOAD };

/* A list key's storage, owned by the struct's module. */
struct keytab_list_ops {
	int	(*add)(void *field, const char *v, const char **why);
	void	(*print)(const char *key, const void *field, FILE *);
	void	(*clear)(void *field);		/* frees; empty afterwards */
	const char *what;			/* for the listing: "prefix" */
};

struct keytab_key {
	const char	*name;
	enum keytab_type type;
	size_t		 off;
	uint64_t	 min, max;	/* KT_U64, KT_DUR (in µs); KT_STR: field size */
	const char	*choices;	/* KT_STR, KT_LIST: "a|b|c", KEYTAB_DIGITS, or NULL */
	const char	*def;		/* as in a file; a list's entries space separated */
	enum keytab_applies applies;
	const struct keytab_list_ops *list;	/* KT_LIST */
};

struct keytab {
	const struct keytab_key *keys;
	size_t		 n;
	size_t		 line_max;	/* longest line, newline aside */
	bool		 blanks;	/* a value is the rest of the line, blanks and all */
};

#define KEYTAB_MASK_WORDS(n)	(((n) + 63) / 64)

const struct keytab_key *keytab_find(const struct keytab *, const char *name);
/* Applies one value to one key of obj; a reason in why on failure. */
int		 keytab_set(const struct keytab_key *, void *obj, const char *v,
		    const char **why);
/* Every row's default through keytab_set; -1 with "default of KEY: reason". */
int		 keytab_defaults(const struct keytab *, void *obj, char *err, size_t);
/*
 * Parses "key value" lines into obj (defaults already set) and marks the keys
 * named in set (KEYTAB_MASK_WORDS(n) words). A list named in the text replaces
 * its default. -1 with "name:line: reason" in err.
 */
int		 keytab_parse(const struct keytab *, void *obj, uint64_t *set,
		    const char *buf, size_t len, const char *name, char *err, size_t);
/* A whole file (up to 16 MiB), NUL-terminated; NULL with "path: reason". */
char		*keytab_read_file(const char *path, size_t *len, char *err, size_t);
bool		 keytab_is_set(const struct keytab *, const uint64_t *set, size_t i);
void		 keytab_mark(const struct keytab *, uint64_t *set, size_t i);

/* One key's value as "key value" lines; the whole struct in table order. */
void		 keytab_print_key(const struct keytab_key *, const void *obj, FILE *);
void		 keytab_print(const struct keytab *, const void *obj, FILE *);
/* Whether a and b hold the same value for the key (as printed). */
bool		 keytab_equal(const struct keytab_key *, const void *a, const void *b);
/* Copies src's value of the key into dst (lists: a deep copy); 0 or -1. */
int		 keytab_copy(const struct keytab_key *, void *dst, const void *src);
/* The table as markdown rows: | `key` | type | default | range | applies | */
void		 keytab_print_keys(const struct keytab *, FILE *);
/* Frees the lists of obj. */
void		 keytab_fini(const struct keytab *, void *obj);

#endif
