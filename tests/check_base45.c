#include <stdint.h>
#include <string.h>

#include "izin.h"
#include "check_util.h"

static const struct {
	const char *bytes;
	const char *text;
} rfc[] = {
	/* RFC 9285, sections 4.3 and 4.4. */
	{ "AB", "BB8" },
	{ "Hello!!", "%69 VD92EX0" },
	{ "base-45", "UJCLQE7W581" },
	{ "ietf!", "QED8WEX0" },
	{ "", "" }
};

static const char *bad[] = {
	"GGW",          /* 65536: one above two bytes */
	":::",          /* 91124, the largest three characters can say */
	"0",            /* length 3k+1 */
	"BB8B",
	"%69 VD92EX0AB",
	"GG",           /* 736 in the last group of one byte */
	"0Z",           /* 35 * 45 = 1575 */
	"bb8",          /* lowercase is not in the alphabet */
	"BB8bb8",
	"BB_",
	"BB\n",
	"BB8\xc3\x89",
	"=="
};

START_TEST(test_rfc_encode)
{
	size_t n = strlen(rfc[_i].bytes);
	char out[64];

	ck_assert_uint_eq(izin_base45_enclen(n), strlen(rfc[_i].text));
	memset(out, 'x', sizeof(out));
	izin_base45_encode((const uint8_t *)rfc[_i].bytes, n, out);
	ck_assert_str_eq(out, rfc[_i].text);
}
END_TEST

START_TEST(test_rfc_decode)
{
	size_t len = strlen(rfc[_i].text), outlen = 99;
	uint8_t out[64];

	ck_assert_int_eq(izin_base45_decode(rfc[_i].text, len, out, &outlen),
	    IZIN_OK);
	ck_assert_uint_eq(outlen, strlen(rfc[_i].bytes));
	ck_assert_mem_eq(out, rfc[_i].bytes, outlen);
}
END_TEST

START_TEST(test_bad)
{
	const char *s = bad[_i];
	size_t outlen = 99;
	uint8_t out[64];

	ck_assert_int_eq(izin_base45_decode(s, strlen(s), out, &outlen),
	    IZIN_EBASE45);
}
END_TEST

/* Every byte value in each position of a group: refused outside the
 * alphabet, accepted inside it unless the group's value overflows. */
START_TEST(test_bad_bytes)
{
	static const char alphabet[] =
	    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
	const char *p;
	char s[3];
	uint8_t out[2];
	size_t outlen;
	int c, pos, want, want2;

	for (c = 0; c < 256; c++) {
		p = c != 0 ? strchr(alphabet, c) : NULL;
		for (pos = 0; pos < 3; pos++) {
			memcpy(s, "000", 3);
			s[pos] = (char)c;
			/* A group of three says at most 65535 = "FGW". */
			want = p != NULL && (pos < 2 || p - alphabet <= 32) ?
			    IZIN_OK : IZIN_EBASE45;
			ck_assert_int_eq(izin_base45_decode(s, 3, out, &outlen),
			    want);
			if (pos == 2)
				continue;
			/* A last group of two says at most 255 = "U5". */
			want2 = p != NULL && (pos == 0 || p - alphabet <= 5) ?
			    IZIN_OK : IZIN_EBASE45;
			ck_assert_int_eq(izin_base45_decode(s, 2, out, &outlen),
			    want2);
		}
	}
}
END_TEST

/* The edges of each group's range. */
START_TEST(test_limits)
{
	uint8_t out[2];
	size_t outlen;

	/* 65535 = 15 + 16 * 45 + 32 * 2025 */
	ck_assert_int_eq(izin_base45_decode("FGW", 3, out, &outlen), IZIN_OK);
	ck_assert_uint_eq(outlen, 2);
	ck_assert_uint_eq(out[0], 0xff);
	ck_assert_uint_eq(out[1], 0xff);
	/* 255 = 30 + 5 * 45 */
	ck_assert_int_eq(izin_base45_decode("U5", 2, out, &outlen), IZIN_OK);
	ck_assert_uint_eq(outlen, 1);
	ck_assert_uint_eq(out[0], 0xff);
	ck_assert_int_eq(izin_base45_decode("V5", 2, out, &outlen),
	    IZIN_EBASE45);
	ck_assert_int_eq(izin_base45_decode("06", 2, out, &outlen),
	    IZIN_EBASE45);
}
END_TEST

/* len, not a NUL, ends the input: what follows is never read. */
START_TEST(test_len)
{
	uint8_t out[8];
	size_t outlen;

	ck_assert_int_eq(izin_base45_decode("BB8U5", 4, out, &outlen),
	    IZIN_EBASE45);
	ck_assert_int_eq(izin_base45_decode("U5", 1, out, &outlen),
	    IZIN_EBASE45);
	ck_assert_int_eq(izin_base45_decode("BB8GGW", 3, out, &outlen),
	    IZIN_OK);
	ck_assert_uint_eq(outlen, 2);
	ck_assert_mem_eq(out, "AB", 2);
	ck_assert_int_eq(izin_base45_decode("BB8", 0, out, &outlen), IZIN_OK);
	ck_assert_uint_eq(outlen, 0);
}
END_TEST

START_TEST(test_enclen)
{
	ck_assert_uint_eq(izin_base45_enclen(0), 0);
	ck_assert_uint_eq(izin_base45_enclen(1), 2);
	ck_assert_uint_eq(izin_base45_enclen(2), 3);
	ck_assert_uint_eq(izin_base45_enclen(3), 5);
	ck_assert_uint_le(izin_base45_enclen(IZIN_SEALED_MAX),
	    IZIN_TEXT_MAX - IZIN_PREFIX_LEN);
}
END_TEST

/*
 * Every group of three and of two characters: one that fits its bytes
 * decodes and encodes back to itself, any other is refused.  The loops
 * here test with if and fail with ck_abort_msg(): Check records each
 * passing ck_assert through a system call, which adds up to seconds.
 */
START_TEST(test_every_group)
{
	static const char alphabet[] =
	    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
	char s[3], back[4];
	uint8_t out[2];
	size_t outlen, len;
	unsigned v, max, got;
	int rc;

	for (len = 3; len >= 2; len--) {
		max = len == 3 ? 0xffff : 0xff;
		for (v = 0; v < (len == 3 ? 45 * 45 * 45 : 45 * 45); v++) {
			s[0] = alphabet[v % 45];
			s[1] = alphabet[v / 45 % 45];
			s[2] = alphabet[v / 2025];
			rc = izin_base45_decode(s, len, out, &outlen);
			if (v > max) {
				if (rc != IZIN_EBASE45)
					ck_abort_msg("%.*s (%u) decodes",
					    (int)len, s, v);
				continue;
			}
			if (rc != IZIN_OK || outlen != len - 1)
				ck_abort_msg("%.*s (%u): rc %d, %zu bytes",
				    (int)len, s, v, rc, outlen);
			got = len == 3 ? (unsigned)out[0] << 8 | out[1] :
			    out[0];
			izin_base45_encode(out, len - 1, back);
			if (got != v || memcmp(back, s, len) != 0)
				ck_abort_msg("%.*s (%u): %u, back %s",
				    (int)len, s, v, got, back);
		}
	}
}
END_TEST

static uint32_t
xorshift32(uint32_t *state)
{
	uint32_t x = *state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *state = x;
}

/* 10,000 random strings of 0 to 300 bytes, each decoded into a buffer
 * of exactly the size the header promises is enough (so ASan sees any
 * write past it). */
START_TEST(test_round_trip)
{
	uint32_t seed = 0x1d2c3b4a;
	uint8_t in[300], *out;
	char text[451];
	size_t n, i, len, outlen;
	int k, rc;

	for (k = 0; k < 10000; k++) {
		n = xorshift32(&seed) % 301;
		for (i = 0; i < n; i++)
			in[i] = xorshift32(&seed) & 0xff;
		izin_base45_encode(in, n, text);
		len = strlen(text);
		if (len != izin_base45_enclen(n))
			ck_abort_msg("string %d: %zu bytes, %zu characters",
			    k, n, len);
		if ((out = malloc(len * 2 / 3)) == NULL && len > 0)
			ck_abort_msg("out of memory");
		rc = izin_base45_decode(text, len, out, &outlen);
		if (rc != IZIN_OK || outlen != n || memcmp(out, in, n) != 0)
			ck_abort_msg("string %d (%zu bytes): rc %d, %zu back",
			    k, n, rc, outlen);
		free(out);
	}
}
END_TEST

static Suite *
base45_suite(void)
{
	Suite *s = suite_create("base45");
	TCase *tc;

	tc = tcase_create("rfc9285");
	tcase_add_loop_test(tc, test_rfc_encode, 0, sizeof(rfc) / sizeof(rfc[0]));
	tcase_add_loop_test(tc, test_rfc_decode, 0, sizeof(rfc) / sizeof(rfc[0]));
	tcase_add_test(tc, test_enclen);
	suite_add_tcase(s, tc);

	tc = tcase_create("strict");
	tcase_add_loop_test(tc, test_bad, 0, sizeof(bad) / sizeof(bad[0]));
	tcase_add_test(tc, test_bad_bytes);
	tcase_add_test(tc, test_limits);
	tcase_add_test(tc, test_len);
	tcase_add_test(tc, test_every_group);
	suite_add_tcase(s, tc);

	tc = tcase_create("round trip");
	tcase_add_test(tc, test_round_trip);
	suite_add_tcase(s, tc);
	return s;
}

IZIN_CHECK_MAIN(base45_suite)
