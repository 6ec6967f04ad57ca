/*
 * The tool layer's progress line: its text (count, total, rate, time
 * left), when it is first drawn, the limit of 4 redraws a second, and
 * its erasing at the end and before a message, on a fake clock.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_util.h"
#include "tool.h"

static uint64_t now_ms;

static uint64_t
fake_clock(void *arg)
{
	(void)arg;
	return now_ms;
}

static const char *
text(uint64_t done, uint64_t total, double frac, uint64_t ms)
{
	static char buf[256];

	izin_progress_format(buf, sizeof buf, "qr-scan", "images", done,
	                     total, frac, ms);
	return buf;
}

START_TEST(test_known_total)
{
	ck_assert_str_eq(text(1234, 5000, -1, 5876),
	                 "qr-scan: 1,234 of 5,000 images, 210/s, 0:18 left");
	ck_assert_str_eq(text(5000, 5000, -1, 10000),
	                 "qr-scan: 5,000 of 5,000 images, 500/s, 0:00 left");
	/* More done than the total said: no time left below nought. */
	ck_assert_str_eq(text(12, 10, -1, 1000),
	                 "qr-scan: 12 of 10 images, 12/s, 0:00 left");
}
END_TEST

START_TEST(test_unknown_total)
{
	ck_assert_str_eq(text(12345, 0, -1, 5000),
	                 "qr-scan: 12,345 images, 2,469/s");
	ck_assert_str_eq(text(1000000, 0, -1, 1000),
	                 "qr-scan: 1,000,000 images, 1,000,000/s");
	ck_assert_str_eq(text(999, 0, -1, 1000), "qr-scan: 999 images, 999/s");
	ck_assert_str_eq(text(0, 0, -1, 1000), "qr-scan: 0 images, 0.0/s");
}
END_TEST

START_TEST(test_by_bytes)
{
	/* A quarter of the file in 10 s: 30 s to go. */
	ck_assert_str_eq(text(100, 0, 0.25, 10000),
	                 "qr-scan: 100 images, 10/s, 0:30 left");
	/* Nothing of the file read yet: no guess. */
	ck_assert_str_eq(text(0, 0, 0, 10000), "qr-scan: 0 images, 0.0/s");
}
END_TEST

START_TEST(test_rate_and_time)
{
	ck_assert_str_eq(text(3, 0, -1, 2000), "qr-scan: 3 images, 1.5/s");
	/* An hour and more: H:MM:SS. */
	ck_assert_str_eq(text(1, 10000, -1, 1000),
	                 "qr-scan: 1 of 10,000 images, 1.0/s, 2:46:39 left");
	ck_assert_str_eq(text(30, 100, -1, 60000),
	                 "qr-scan: 30 of 100 images, 0.5/s, 2:20 left");
	/* At the start, no rate to tell. */
	ck_assert_str_eq(text(1, 100, -1, 0), "qr-scan: 1 of 100 images");
}
END_TEST

START_TEST(test_small_buffer)
{
	char buf[12];

	memset(buf, 'x', sizeof buf);
	ck_assert_uint_lt(izin_progress_format(buf, sizeof buf, "qr-scan",
	                  "images", 1234, 5000, -1, 5876), sizeof buf);
	ck_assert_str_eq(buf, "qr-scan: 1,");
	ck_assert_uint_eq(izin_progress_format(buf, 0, "qr-scan", "images", 1,
	                  2, -1, 1), 0);
}
END_TEST

/* The number of lines drawn in the stream's text. */
static int
draws(FILE *fp, char *out, size_t size)
{
	size_t n;
	int k = 0;

	rewind(fp);
	n = fread(out, 1, size - 1, fp);
	out[n] = '\0';
	for (const char *s = out; (s = strstr(s, "\rizin: ")) != NULL; s++)
		k++;
	return k;
}

START_TEST(test_after_and_limit)
{
	FILE *fp = tmpfile();
	static char out[1 << 16];
	izin_progress *p;
	uint64_t i;
	int k;

	ck_assert_ptr_nonnull(fp);
	now_ms = 1000;
	p = izin_progress_new(fp, "records", 0, 2000, fake_clock, NULL);
	ck_assert_ptr_nonnull(p);
	/* 10 ms an item: nothing for the first 2 s. */
	for (i = 1; i < 200; i++) {
		now_ms += 10;
		izin_progress_tick(p, i);
	}
	ck_assert_int_eq(draws(fp, out, sizeof out), 0);
	/* Then 8 s more: at most 4 lines a second, and not far fewer. */
	for (; i <= 1000; i++) {
		now_ms += 10;
		izin_progress_tick(p, i);
	}
	k = draws(fp, out, sizeof out);
	ck_assert_int_le(k, 4 * 8 + 1);
	ck_assert_int_ge(k, 16);
	ck_assert_ptr_nonnull(strstr(out, " records, 100/s"));
	ck_assert_ptr_null(strchr(out, '\n'));
	izin_progress_end(p);
	draws(fp, out, sizeof out);
	ck_assert_uint_ge(strlen(out), 4);
	ck_assert_str_eq(out + strlen(out) - 4, "\r\033[K");
	fclose(fp);
}
END_TEST

START_TEST(test_draws_at_once)
{
	FILE *fp = tmpfile();
	static char out[4096];
	izin_progress *p;

	now_ms = 0;
	p = izin_progress_new(fp, "images", 3, 0, fake_clock, NULL);
	izin_progress_tick(p, 1);
	ck_assert_int_eq(draws(fp, out, sizeof out), 1);
	ck_assert_str_eq(out, "\rizin: 1 of 3 images\033[K");
	/* A tick within the quarter second draws nothing. */
	now_ms = 100;
	izin_progress_tick(p, 2);
	ck_assert_int_eq(draws(fp, out, sizeof out), 1);
	izin_progress_end(p);
	fclose(fp);
}
END_TEST

START_TEST(test_message_erases)
{
	FILE *fp = tmpfile();
	static char out[4096];
	izin_progress *p;

	now_ms = 0;
	p = izin_progress_new(fp, "images", 0, 0, fake_clock, NULL);
	izin_progress_tick(p, 1);
	ck_assert_ptr_nonnull(izin_diag_hook);
	izin_diag_hook(0);
	izin_diag_hook(1);
	draws(fp, out, sizeof out);
	ck_assert_str_eq(out, "\rizin: 1 images\033[K\r\033[K");
	/* Erased once only, and the end has nothing left to erase. */
	izin_diag_hook(0);
	izin_diag_hook(1);
	izin_progress_end(p);
	draws(fp, out, sizeof out);
	ck_assert_str_eq(out, "\rizin: 1 images\033[K\r\033[K");
	fclose(fp);
}
END_TEST

START_TEST(test_null)
{
	/* stderr is no terminal here, and quiet is quiet. */
	izin_progress *p = izin_progress_start("images", 10, 0);

	if (!isatty(2))
		ck_assert_ptr_null(p);
	izin_progress_end(p);
	ck_assert_ptr_null(izin_progress_start("images", 10, 1));
	izin_progress_tick(NULL, 1);
	izin_progress_total(NULL, 1);
	izin_progress_bytes(NULL, 1, NULL, NULL);
	izin_progress_end(NULL);
}
END_TEST

static Suite *
progress_suite(void)
{
	Suite *s = suite_create("progress");
	TCase *tc = tcase_create("progress");

	tcase_add_test(tc, test_known_total);
	tcase_add_test(tc, test_unknown_total);
	tcase_add_test(tc, test_by_bytes);
	tcase_add_test(tc, test_rate_and_time);
	tcase_add_test(tc, test_small_buffer);
	tcase_add_test(tc, test_after_and_limit);
	tcase_add_test(tc, test_draws_at_once);
	tcase_add_test(tc, test_message_erases);
	tcase_add_test(tc, test_null);
	suite_add_tcase(s, tc);
	return s;
}

IZIN_CHECK_MAIN(progress_suite)
