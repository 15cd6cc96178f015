/* UTF-8 validation, repair and offset conversion. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "testutil.h"
#include "text/text.h"

/* utf8proc_iterate is the independent oracle for well-formedness. */
static int oracle_valid(const unsigned char *s, size_t len)
{
	size_t i = 0;
	while (i < len) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t n = utf8proc_iterate(s + i, (utf8proc_ssize_t)(len - i), &cp);
		if (n <= 0)
			return 0;
		i += (size_t)n;
	}
	return 1;
}

START_TEST(validate_agrees_with_utf8proc_on_all_short_sequences)
{
	unsigned char s[3];
	size_t checked = 0;
	for (unsigned a = 0; a < 256; a++)
		for (unsigned b = 0; b < 256; b++) {
			s[0] = (unsigned char)a;
			s[1] = (unsigned char)b;
			size_t off = 99;
			int ok = mesura_utf8_validate((const char *)s, 2, &off) == MESURA_OK;
			ck_assert_int_eq(ok, oracle_valid(s, 2));
			for (unsigned c = 0x80; a >= 0xE0 && c < 0xC0; c++) {
				s[2] = (unsigned char)c;
				ok = mesura_utf8_validate((const char *)s, 3, NULL) == MESURA_OK;
				ck_assert_msg(ok == oracle_valid(s, 3), "%02x %02x %02x", a, b, c);
				checked++;
			}
		}
	ck_assert_uint_gt(checked, 100000);
}
END_TEST

START_TEST(validate_agrees_with_utf8proc_on_random_four_byte_sequences)
{
	tu_rng rng = {42};
	for (int i = 0; i < 200000; i++) {
		unsigned char s[4] = {(unsigned char)(0xF0 + tu_rng_below(&rng, 8)),
		                      (unsigned char)(0x70 + tu_rng_below(&rng, 0x60)),
		                      (unsigned char)(0x70 + tu_rng_below(&rng, 0x60)),
		                      (unsigned char)(0x70 + tu_rng_below(&rng, 0x60))};
		int ok = mesura_utf8_validate((const char *)s, 4, NULL) == MESURA_OK;
		ck_assert_msg(ok == oracle_valid(s, 4), "%02x %02x %02x %02x", s[0], s[1], s[2], s[3]);
	}
}
END_TEST

START_TEST(decode_returns_every_scalar_value)
{
	for (int32_t cp = 0; cp <= 0x10FFFF; cp++) {
		if (cp >= 0xD800 && cp <= 0xDFFF)
			continue;
		char buf[4];
		size_t n = tu_utf8_encode((uint32_t)cp, buf);
		int32_t got;
		ck_assert_uint_eq(mesura_utf8__decode((const unsigned char *)buf, n, 0, &got), n);
		ck_assert_int_eq(got, cp);
	}
}
END_TEST

START_TEST(validate_reports_first_bad_offset)
{
	static const struct {
		const char *text;
		size_t len, bad;
	} cases[] = {
		{"ok \xC0\x80", 5, 3},         /* overlong NUL */
		{"\xE0\x80\xAF", 3, 0},        /* overlong '/' */
		{"ab\xED\xA0\x80", 5, 2},      /* surrogate U+D800 */
		{"\xF4\x90\x80\x80", 4, 0},    /* above U+10FFFF */
		{"caf\xC3", 4, 3},             /* truncated */
		{"x\xFFy", 3, 1},              /* never a UTF-8 byte */
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		size_t off = 12345;
		ck_assert_int_eq(mesura_utf8_validate(cases[i].text, cases[i].len, &off), MESURA_EUTF8);
		ck_assert_uint_eq(off, cases[i].bad);
	}
	/* Noncharacters and NUL are well-formed. */
	ck_assert_int_eq(mesura_utf8_validate("\xEF\xBF\xBE\xEF\xB7\x90\0x", 8, NULL), MESURA_OK);
	ck_assert_int_eq(mesura_utf8_validate(NULL, 0, NULL), MESURA_OK);
	ck_assert_int_eq(mesura_utf8_validate(NULL, 1, NULL), MESURA_EINVAL);
}
END_TEST

/* The example of Unicode 15 section 3.9, table 3-8: maximal subparts. */
START_TEST(repair_follows_unicode_table_3_8)
{
	const char in[] = "\x61\xF1\x80\x80\xE1\x80\xC2\x62\x80\x63\x80\xBF\x64";
	const uint32_t want[] = {0x61, 0xFFFD, 0xFFFD, 0xFFFD, 0x62, 0xFFFD, 0x63,
	                         0xFFFD, 0xFFFD, 0x64};
	char expected[64];
	size_t elen = 0;
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
		elen += tu_utf8_encode(want[i], expected + elen);
	char out[64];
	size_t out_len = 0, replaced = 0;
	ck_assert_int_eq(mesura_utf8_repair(in, sizeof in - 1, out, sizeof out, &out_len, &replaced),
	                 MESURA_OK);
	ck_assert_uint_eq(replaced, 6);
	ck_assert_uint_eq(out_len, elen);
	ck_assert_mem_eq(out, expected, elen);
}
END_TEST

START_TEST(repair_size_query_and_small_buffers)
{
	const char in[] = "\xFF" "abc\xE2\x82";
	size_t need = 0;
	ck_assert_int_eq(mesura_utf8_repair(in, 6, NULL, 0, &need, NULL), MESURA_EBUFS);
	ck_assert_uint_eq(need, 9);
	char *exact = malloc(need);
	size_t got = 0;
	ck_assert_int_eq(mesura_utf8_repair(in, 6, exact, need, &got, NULL), MESURA_OK);
	ck_assert_uint_eq(got, need);
	ck_assert_int_eq(mesura_utf8_validate(exact, got, NULL), MESURA_OK);
	ck_assert_int_eq(mesura_utf8_repair(in, 6, exact, need - 1, &got, NULL), MESURA_EBUFS);
	ck_assert_uint_eq(got, need);
	free(exact);
	ck_assert_int_eq(mesura_utf8_repair(in, 6, NULL, 4, &got, NULL), MESURA_EINVAL);
	ck_assert_int_eq(mesura_utf8_repair(in, 6, NULL, 0, NULL, NULL), MESURA_EINVAL);
}
END_TEST

START_TEST(repair_output_is_always_valid)
{
	tu_rng rng = {7};
	char in[64], out[64 * 3];
	for (int iter = 0; iter < 100000; iter++) {
		size_t len = tu_rng_below(&rng, sizeof in);
		for (size_t i = 0; i < len; i++)
			in[i] = (char)tu_rng_next(&rng);
		size_t out_len, replaced;
		ck_assert_int_eq(mesura_utf8_repair(in, len, out, sizeof out, &out_len, &replaced),
		                 MESURA_OK);
		ck_assert_int_eq(mesura_utf8_validate(out, out_len, NULL), MESURA_OK);
		/* Valid input comes back unchanged. */
		if (mesura_utf8_validate(in, len, NULL) == MESURA_OK) {
			ck_assert_uint_eq(replaced, 0);
			ck_assert_uint_eq(out_len, len);
			ck_assert_mem_eq(out, in, len);
		}
	}
}
END_TEST

/* Random text with the expected offsets of each character computed while building it. */
typedef struct {
	char text[512];
	size_t len, n;
	size_t at[3][130]; /* boundary i in bytes, code points, UTF-16 units */
} sample;

static void make_sample(tu_rng *rng, sample *s)
{
	static const uint32_t pool[] = {'a', ' ', 0xF1, 0xE9, 0x20AC, 0x1F600, 0x1F468, 0x200D,
	                                0x10FFFF, 0, 0x301, 0xFFFE};
	s->len = s->n = 0;
	size_t cps = 0, units = 0;
	size_t count = tu_rng_below(rng, 120);
	for (size_t i = 0; i <= count; i++) {
		s->at[MESURA_UNIT_BYTE][s->n] = s->len;
		s->at[MESURA_UNIT_CODEPOINT][s->n] = cps;
		s->at[MESURA_UNIT_UTF16][s->n] = units;
		s->n++;
		if (i == count)
			break;
		uint32_t cp = pool[tu_rng_below(rng, sizeof pool / sizeof pool[0])];
		s->len += tu_utf8_encode(cp, s->text + s->len);
		cps++;
		units += cp >= 0x10000 ? 2 : 1;
	}
}

START_TEST(offsets_convert_between_all_units)
{
	tu_rng rng = {3};
	sample s;
	size_t in[130], out[130];
	for (int iter = 0; iter < 2000; iter++) {
		make_sample(&rng, &s);
		for (int from = 0; from < 3; from++)
			for (int to = 0; to < 3; to++) {
				/* Shuffled order: conversion must not depend on sorted input. */
				size_t order[130];
				for (size_t i = 0; i < s.n; i++)
					order[i] = i;
				for (size_t i = s.n; i > 1; i--) {
					size_t j = tu_rng_below(&rng, i), t = order[i - 1];
					order[i - 1] = order[j];
					order[j] = t;
				}
				for (size_t i = 0; i < s.n; i++)
					in[i] = s.at[from][order[i]];
				ck_assert_int_eq(mesura_offsets_convert(s.text, s.len, (mesura_offset_unit)from,
				                                        (mesura_offset_unit)to, in, out, s.n),
				                 MESURA_OK);
				for (size_t i = 0; i < s.n; i++)
					ck_assert_uint_eq(out[i], s.at[to][order[i]]);
			}
	}
}
END_TEST

START_TEST(offsets_reject_positions_inside_characters)
{
	const char *text = "a\xF0\x9F\x98\x80" "b"; /* a 😀 b */
	size_t in[2] = {0, 2}, out[2] = {77, 77};
	ck_assert_int_eq(mesura_offsets_convert(text, 6, MESURA_UNIT_BYTE, MESURA_UNIT_UTF16, in,
	                                        out, 2),
	                 MESURA_EINVAL);
	ck_assert_uint_eq(out[0], 77); /* untouched on error */
	in[1] = 2; /* between the surrogates of 😀 */
	ck_assert_int_eq(mesura_offsets_convert(text, 6, MESURA_UNIT_UTF16, MESURA_UNIT_BYTE, in,
	                                        out, 2),
	                 MESURA_EINVAL);
	in[1] = 7; /* past the end */
	ck_assert_int_eq(mesura_offsets_convert(text, 6, MESURA_UNIT_BYTE, MESURA_UNIT_CODEPOINT,
	                                        in, out, 2),
	                 MESURA_EINVAL);
	in[1] = 5;
	ck_assert_int_eq(mesura_offsets_convert(text, 6, MESURA_UNIT_BYTE, MESURA_UNIT_UTF16, in,
	                                        out, 2),
	                 MESURA_OK);
	ck_assert_uint_eq(out[1], 3);
	ck_assert_int_eq(mesura_offsets_convert(text, 6, (mesura_offset_unit)9, MESURA_UNIT_UTF16,
	                                        in, out, 2),
	                 MESURA_EINVAL);
}
END_TEST

/* Ill-formed bytes count as the U+FFFD that repair writes for them. */
START_TEST(offsets_count_ill_formed_bytes_like_repair)
{
	const char text[] = "\xFF" "a\xE2\x82" "b\xF0\x9F\x98\x80";
	size_t len = sizeof text - 1;
	size_t in[] = {0, 1, 2, 4, 5, 9}, out[6];
	ck_assert_int_eq(mesura_offsets_convert(text, len, MESURA_UNIT_BYTE, MESURA_UNIT_CODEPOINT,
	                                        in, out, 6),
	                 MESURA_OK);
	size_t want_cp[] = {0, 1, 2, 3, 4, 5};
	ck_assert_mem_eq(out, want_cp, sizeof want_cp);
	ck_assert_int_eq(mesura_offsets_convert(text, len, MESURA_UNIT_BYTE, MESURA_UNIT_UTF16, in,
	                                        out, 6),
	                 MESURA_OK);
	ck_assert_uint_eq(out[5], 6);
}
END_TEST

START_TEST(version_and_strerror)
{
	ck_assert_uint_eq(mesura_version(), MESURA_VERSION_NUMBER);
	ck_assert_str_eq(mesura_version_string(), MESURA_VERSION_STRING);
	ck_assert_str_eq(mesura_unicode_version(), "15.0.0");
	/* the build checks that utf8proc's Unicode is the tables' (cmake/unicode_version.cmake) */
	ck_assert_str_eq(mesura_unicode_tables_version(), mesura_unicode_version());
	char first[128];
	FILE *table = fopen(MESURA_TEST_DATA_DIR "/../../src/tokens/wordbreak_table.inc", "r");
	ck_assert_ptr_nonnull(table);
	ck_assert_ptr_nonnull(fgets(first, sizeof first, table));
	fclose(table);
	ck_assert_str_eq(first, "/* Unicode 15.0.0 (mesura_unicode_tables_version) */\n");
	for (int s = 1; s >= -20; s--) {
		const char *msg = mesura_strerror(s);
		ck_assert_ptr_nonnull(msg);
		ck_assert_uint_gt(strlen(msg), 3);
	}
	ck_assert_str_ne(mesura_strerror(MESURA_EUTF8), mesura_strerror(MESURA_EINVAL));
}
END_TEST

static Suite *utf8_suite(void)
{
	Suite *s = suite_create("utf8");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, validate_agrees_with_utf8proc_on_all_short_sequences);
	tcase_add_test(tc, validate_agrees_with_utf8proc_on_random_four_byte_sequences);
	tcase_add_test(tc, decode_returns_every_scalar_value);
	tcase_add_test(tc, validate_reports_first_bad_offset);
	tcase_add_test(tc, repair_follows_unicode_table_3_8);
	tcase_add_test(tc, repair_size_query_and_small_buffers);
	tcase_add_test(tc, repair_output_is_always_valid);
	tcase_add_test(tc, offsets_convert_between_all_units);
	tcase_add_test(tc, offsets_reject_positions_inside_characters);
	tcase_add_test(tc, offsets_count_ill_formed_bytes_like_repair);
	tcase_add_test(tc, version_and_strerror);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(utf8_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
