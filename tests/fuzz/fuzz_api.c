/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libFuzzer harness for the console API's request bodies (central/apibody.c):
 * the bytes are a POST body, parsed against the login fields and against a
 * spec with tiny limits; a parsed value must be NUL-terminated within its cap
 * and valid UTF-8.
 */
#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "../../central/apibody.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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
	return 0;
}
