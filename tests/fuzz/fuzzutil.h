/*
 * fuzzutil.h - what the fuzz targets share: the fixed office key they
 * seal and sign with (tests/data/test-plain.key, office JKTSEL), a trust
 * store holding its public half, and a check that stops the fuzzer on a
 * broken invariant.  Not a target itself: the Makefile builds only
 * tests/fuzz/fuzz_*.c.
 */
#ifndef FUZZUTIL_H
#define FUZZUTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "izin.h"

static const char fixed_key_text[] =
	"izin-secret-key 1\n"
	"public 289f JKTSEL 2020-01-01 2099-12-31 "
	"Q4hzyxOrV5xZ2DT3clNV7z9fTI7IiGypdDtAeACmYII=\n"
	"kdf none\n"
	"secret Mz8Giq0QvTnti3Tpx5wC0vTO+ozweBaSwc2AKVEHpoQ=\n";

/* An invariant that failed: libFuzzer saves the input on the abort. */
#define FUZZ_ASSERT(c) do {                                             \
	if (!(c)) {                                                     \
		fprintf(stderr, "%s:%d: invariant failed: %s\n",        \
		    __FILE__, __LINE__, #c);                            \
		abort();                                                \
	}                                                               \
} while (0)

/* The fixed key and a trust store of its public half, made once; they
 * live as long as the process. */
static __attribute__((unused)) void
fixed_key(izin_seckey **sk, izin_trust **trust)
{
	izin_pubkey pub;

	FUZZ_ASSERT(izin_init() == IZIN_OK);
	FUZZ_ASSERT(izin_seckey_import(fixed_key_text,
	    sizeof fixed_key_text - 1, NULL, 0, sk) == IZIN_OK);
	FUZZ_ASSERT((*trust = izin_trust_new()) != NULL);
	izin_seckey_public(*sk, &pub);
	FUZZ_ASSERT(izin_trust_add(*trust, &pub) == IZIN_OK);
}

#endif
