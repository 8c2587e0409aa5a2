/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libFuzzer harness for the console API's request bodies (central/apibody.c):
 * the bytes are a POST body, parsed against the login fields and against a
 * spec with tiny limits, and against a typed spec (an array of strings, a
 * number, a string); a parsed value must be NUL-terminated within its cap,
 * valid UTF-8, a number in its range, an array within its bounds.
 */
#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "../../central/apibody.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The dispositions body's shape with tiny limits. */
static void
typed(const uint8_t *data, size_t size)
{
	char keys[3][4], note[2], err[128];
	struct apibody_field str[] = { { "note", note, sizeof(note), false, false } };
	struct apibody_int num[] = { { .name = "at", .lo = -3, .hi = 3 } };
	struct apibody_strs strs[] = { { .name = "sims", .buf = &keys[0][0],
	    .cap = sizeof(keys[0]), .max = 3, .required = true } };
	struct apibody_spec sp = { str, 1, num, 1, strs, 1 };

	if (apibody_parse_spec((const char *)data, size, &sp, err, sizeof(err)) != 0)
		return;
	assert(strs[0].seen && strs[0].n >= 1 && strs[0].n <= 3);
	for (int i = 0; i < strs[0].n; i++)
		assert(strlen(keys[i]) < 4 && utf8_is_valid(keys[i], strlen(keys[i])));
	assert(!num[0].seen || (num[0].v >= -3 && num[0].v <= 3));
	assert(!str[0].seen || strlen(note) < 2);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char user[33], pass[257], a[2], b[1], err[128];
	struct apibody_field login[] = {
		{ "user", user, sizeof(user), true, false },
		{ "password", pass, sizeof(pass), true, false },
	};
	struct apibody_field tiny[] = {
		{ "a", a, sizeof(a), false, false },
		{ "b", b, sizeof(b), false, false },
	};

	if (apibody_parse((const char *)data, size, login, 2, err, sizeof(err)) == 0) {
		assert(strlen(user) < sizeof(user) && utf8_is_valid(user, strlen(user)));
		assert(strlen(pass) < sizeof(pass) && utf8_is_valid(pass, strlen(pass)));
	}
	if (apibody_parse((const char *)data, size, tiny, 2, err, sizeof(err)) == 0)
		assert((!tiny[0].seen || strlen(a) < 2) && (!tiny[1].seen || b[0] == '\0'));
	typed(data, size);
	return 0;
}
