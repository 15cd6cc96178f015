/* Charset conversion to UTF-8 through iconv, with U+FFFD for what the charset rejects. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

#define FFFD "\xEF\xBF\xBD"

/* Converts with a size query, then into a buffer of exactly the size reported; checks
 * the two agree and that the result is well-formed UTF-8. Returns the malloc'd
 * result (NUL-terminated for convenience, the NUL not counted). */
static char *convert(const char *charset, const char *in, size_t len, size_t *out_len,
                     size_t *replaced)
{
	size_t need = 99, fixes = 99;
	int rc = mesura_charset_to_utf8(charset, in, len, NULL, 0, &need, &fixes);
	ck_assert_msg(rc == (need ? MESURA_EBUFS : MESURA_OK), "%s: size query gave %d", charset,
	              rc);
	char *out = malloc(need + 1);
	ck_assert_ptr_nonnull(out);
	size_t got = 99, fixes2 = 99;
	ck_assert_int_eq(mesura_charset_to_utf8(charset, in, len, out, need, &got, &fixes2),
	                 MESURA_OK);
	ck_assert_uint_eq(got, need);
	ck_assert_uint_eq(fixes2, fixes);
	size_t bad = 0;
	ck_assert_msg(mesura_utf8_validate(out, got, &bad) == MESURA_OK, "%s: bad UTF-8 at %zu",
	              charset, bad);
	out[got] = '\0';
	*out_len = got;
	if (replaced)
		*replaced = fixes;
	return out;
}

/* Asserts that `in` in `charset` converts to `want` with `want_fixes` replacements. */
static void check_conversion(const char *charset, const char *in, size_t len, const char *want,
                             size_t want_len, size_t want_fixes)
{
	size_t got_len, fixes;
	char *got = convert(charset, in, len, &got_len, &fixes);
	ck_assert_msg(got_len == want_len && memcmp(got, want, want_len) == 0,
	              "%s: got %zu bytes, want %zu", charset, got_len, want_len);
	ck_assert_uint_eq(fixes, want_fixes);
	free(got);
}

#define CHECK_CONVERSION(charset, in, want, fixes) \
	check_conversion(charset, in, sizeof in - 1, want, sizeof want - 1, fixes)

/* Encodes code points as UTF-16 (a value below 0x10000 is one unit as it is, so lone
 * surrogates can be written on purpose). Returns the byte count. */
static size_t utf16_encode(const uint32_t *cps, size_t n, int big_endian, char *out)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		uint32_t units[2] = {cps[i], 0};
		size_t count = 1;
		if (cps[i] >= 0x10000) {
			units[0] = 0xD800 + ((cps[i] - 0x10000) >> 10);
			units[1] = 0xDC00 + ((cps[i] - 0x10000) & 0x3FF);
			count = 2;
		}
		for (size_t u = 0; u < count; u++) {
			unsigned char hi = (unsigned char)(units[u] >> 8);
			unsigned char lo = (unsigned char)(units[u] & 0xFF);
			out[o++] = (char)(big_endian ? hi : lo);
			out[o++] = (char)(big_endian ? lo : hi);
		}
	}
	return o;
}

/* Encodes code points as UTF-32LE (any 32-bit value, valid or not). */
static size_t utf32le_encode(const uint32_t *cps, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		for (size_t b = 0; b < 4; b++)
			out[4 * i + b] = (char)((cps[i] >> (8 * b)) & 0xFF);
	return 4 * n;
}

/* Encodes code points as UTF-8 (the expected output). */
static size_t utf8_encode(const uint32_t *cps, size_t n, char *out)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++)
		o += tu_utf8_encode(cps[i], out + o);
	return o;
}

START_TEST(latin1_converts)
{
	CHECK_CONVERSION("ISO-8859-1", "a\xF1o", "a\xC3\xB1o", 0);
	CHECK_CONVERSION("latin1", "\xC1" "rbol", "\xC3\x81rbol", 0);
}
END_TEST

START_TEST(windows_1252_maps_its_c1_range)
{
	CHECK_CONVERSION("WINDOWS-1252", "\x80", "\xE2\x82\xAC", 0);          /* € */
	CHECK_CONVERSION("CP1252", "\x93hola\x94", "\xE2\x80\x9Chola\xE2\x80\x9D", 0); /* “ ” */
}
END_TEST

/* glibc leaves 0x81, 0x8D, 0x8F, 0x90 and 0x9D undefined in CP1252 (EILSEQ), unlike
 * WHATWG's windows-1252, which maps them to C1 controls. */
START_TEST(windows_1252_undefined_bytes_become_fffd)
{
	CHECK_CONVERSION("WINDOWS-1252", "\x81", FFFD, 1);
	CHECK_CONVERSION("WINDOWS-1252", "a\x81\x8D\x8F\x90\x9D" "b\x80",
	                 "a" FFFD FFFD FFFD FFFD FFFD "b\xE2\x82\xAC", 5);
}
END_TEST

START_TEST(utf16_with_surrogate_pair_converts_both_byte_orders)
{
	/* "Hi ñ😀!" with a supplementary character, so UTF-16 needs a surrogate pair. */
	const uint32_t cps[] = {'H', 'i', ' ', 0xF1, 0x1F600, '!'};
	size_t n = sizeof cps / sizeof cps[0];
	char in[32], want[32];
	size_t want_len = utf8_encode(cps, n, want);
	const char *names[] = {"UTF-16LE", "UTF-16BE"};
	for (int be = 0; be <= 1; be++) {
		size_t len = utf16_encode(cps, n, be, in);
		ck_assert_uint_eq(len, 14);
		check_conversion(names[be], in, len, want, want_len, 0);
	}
}
END_TEST

START_TEST(utf16_unpaired_surrogates_become_fffd)
{
	/* A lone high, a lone low, and a high followed by a complete pair: each bad unit is
	 * one U+FFFD and the pair right after it still decodes. */
	const uint32_t in_cps[] = {'a', 0xD800, 'b', 0xDC00, 'c', 0xD83D, 0x1F600, 'd'};
	const uint32_t want_cps[] = {'a', 0xFFFD, 'b', 0xFFFD, 'c', 0xFFFD, 0x1F600, 'd'};
	char in[64], want[64];
	size_t len = utf16_encode(in_cps, 8, 0, in);
	size_t want_len = utf8_encode(want_cps, 8, want);
	check_conversion("UTF-16LE", in, len, want, want_len, 3);
	len = utf16_encode(in_cps, 8, 1, in);
	check_conversion("UTF-16BE", in, len, want, want_len, 3);
}
END_TEST

START_TEST(truncated_input_ends_with_one_fffd)
{
	CHECK_CONVERSION("UTF-16LE", "A\0B", "A" FFFD, 1);       /* odd trailing byte */
	CHECK_CONVERSION("UTF-16LE", "A\0\x3D\xD8", "A" FFFD, 1); /* high surrogate at the end */
	CHECK_CONVERSION("UTF-16LE", "A\0\x3D\xD8\x00", "A" FFFD, 1);
	CHECK_CONVERSION("UTF-32LE", "A\0\0\0\x42\0", "A" FFFD, 1);
	CHECK_CONVERSION("SHIFT_JIS", "a\x82", "a" FFFD, 1); /* lead byte without its trail */
}
END_TEST

/* Values past U+10FFFF and surrogates are one bad 4-byte unit each. glibc's UCS-4
 * decoder lets 0x110000 through, so this also checks nothing ill-formed comes out. */
START_TEST(utf32_skips_one_four_byte_unit)
{
	const uint32_t in_cps[] = {'a', 0x110000, 'b', 0xD800, 0x1F600, 0x7FFFFFFF, 0xFFFFFFFF};
	const uint32_t want_cps[] = {'a', 0xFFFD, 'b', 0xFFFD, 0x1F600, 0xFFFD, 0xFFFD};
	char in[32], want[32];
	size_t len = utf32le_encode(in_cps, 7, in);
	size_t want_len = utf8_encode(want_cps, 7, want);
	check_conversion("UTF-32LE", in, len, want, want_len, 4);
	check_conversion("ucs-4le", in, len, want, want_len, 4);
}
END_TEST

/* glibc's behaviour with byte order marks, which callers should know about: an
 * explicit byte order keeps FF FE as U+FEFF (ZWNBSP); "UTF-16"/"UTF-32" read it as a
 * BOM, consume it and take the byte order from it. Nothing adds a BOM to the output. */
START_TEST(bom_kept_for_explicit_byte_order_consumed_for_utf16)
{
	CHECK_CONVERSION("UTF-16LE", "\xFF\xFE" "A\0", "\xEF\xBB\xBF" "A", 0);
	CHECK_CONVERSION("UTF-16BE", "\xFE\xFF\0A", "\xEF\xBB\xBF" "A", 0);
	CHECK_CONVERSION("UTF-16", "\xFF\xFE" "A\0", "A", 0);
	CHECK_CONVERSION("UTF-16", "\xFE\xFF\0A", "A", 0);
	CHECK_CONVERSION("UTF-16", "\xFF\xFE", "", 0);
	CHECK_CONVERSION("UTF-32", "\xFF\xFE\0\0" "A\0\0\0", "A", 0);
	CHECK_CONVERSION("UTF-32LE", "\xFF\xFE\0\0" "A\0\0\0", "\xEF\xBB\xBF" "A", 0);
	CHECK_CONVERSION("ISO-8859-1", "\xEF\xBB\xBF", "\xC3\xAF\xC2\xBB\xC2\xBF", 0);
}
END_TEST

START_TEST(stateful_charset_converts)
{
	/* ISO-2022-JP: escape to JIS X 0208, あ, escape back to ASCII. */
	CHECK_CONVERSION("ISO-2022-JP", "x\x1B$B\x24\x22\x1B(By", "x\xE3\x81\x82y", 0);
}
END_TEST

START_TEST(unknown_charset_is_echarset)
{
	char out[16];
	size_t len = 7, fixes = 7;
	int rc = mesura_charset_to_utf8("NOT-A-CHARSET", "abc", 3, out, sizeof out, &len, &fixes);
	ck_assert_int_eq(rc, MESURA_ECHARSET);
	ck_assert_uint_gt(strlen(mesura_strerror(rc)), 0);
	ck_assert_str_ne(mesura_strerror(rc), mesura_strerror(MESURA_EINVAL));
	/* Also with nothing to convert, and for "" (iconv's locale charset, not a name). */
	ck_assert_int_eq(mesura_charset_to_utf8("NOT-A-CHARSET", NULL, 0, NULL, 0, &len, NULL),
	                 MESURA_ECHARSET);
	ck_assert_int_eq(mesura_charset_to_utf8("", "abc", 3, out, sizeof out, &len, NULL),
	                 MESURA_ECHARSET);
	ck_assert_int_eq(mesura_charset_to_utf8("UTF_8", "abc", 3, out, sizeof out, &len, NULL),
	                 MESURA_ECHARSET); /* glibc does not know it; neither do we */
}
END_TEST

START_TEST(size_query_reports_exact_size)
{
#define TEXT(s) s, sizeof s - 1
	static const struct {
		const char *charset, *text;
		size_t len;
	} cases[] = {
		{"WINDOWS-1252", TEXT("\x93hola\x94 \x80\x81 a\xF1o")},
		{"UTF-8", TEXT("\xE2\x82" "A\xC3\xB1\xFF")},
		{"UTF-16LE", TEXT("A\0\x3D\xD8\x00\xDE\x00\xD8" "B\0C")},
	};
#undef TEXT
	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		const char *charset = cases[c].charset, *text = cases[c].text;
		size_t len = cases[c].len;
		size_t need = 0, got = 0, fixes = 0;
		ck_assert_int_eq(mesura_charset_to_utf8(charset, text, len, NULL, 0, &need, &fixes),
		                 MESURA_EBUFS);
		ck_assert_uint_gt(need, 0);
		char *exact = malloc(need);
		ck_assert_ptr_nonnull(exact);
		ck_assert_int_eq(mesura_charset_to_utf8(charset, text, len, exact, need, &got, NULL),
		                 MESURA_OK);
		ck_assert_uint_eq(got, need);
		ck_assert_int_eq(mesura_utf8_validate(exact, got, NULL), MESURA_OK);
		/* Every smaller buffer, need - 1 included, fails and still reports the full size. */
		for (size_t cap = 0; cap < need; cap++) {
			char *small = malloc(cap ? cap : 1);
			ck_assert_ptr_nonnull(small);
			got = 0;
			ck_assert_int_eq(mesura_charset_to_utf8(charset, text, len,
			                                        cap ? small : NULL, cap, &got, NULL),
			                 MESURA_EBUFS);
			ck_assert_msg(got == need, "%s cap %zu: %zu != %zu", charset, cap, got, need);
			free(small);
		}
		free(exact);
	}
}
END_TEST

START_TEST(null_arguments_are_einval)
{
	char out[8];
	size_t len = 0;
	ck_assert_int_eq(mesura_charset_to_utf8(NULL, "a", 1, out, sizeof out, &len, NULL),
	                 MESURA_EINVAL);
	ck_assert_int_eq(mesura_charset_to_utf8("ISO-8859-1", "a", 1, out, sizeof out, NULL, NULL),
	                 MESURA_EINVAL);
	ck_assert_int_eq(mesura_charset_to_utf8("ISO-8859-1", NULL, 1, out, sizeof out, &len, NULL),
	                 MESURA_EINVAL);
	ck_assert_int_eq(mesura_charset_to_utf8("ISO-8859-1", "a", 1, NULL, 8, &len, NULL),
	                 MESURA_EINVAL);
	ck_assert_int_eq(mesura_charset_to_utf8("UTF-8", NULL, 1, out, sizeof out, &len, NULL),
	                 MESURA_EINVAL);
}
END_TEST

START_TEST(empty_input_gives_empty_output)
{
	const char *charsets[] = {"ISO-8859-1", "UTF-16", "UTF-8", "ISO-2022-JP"};
	for (size_t c = 0; c < 4; c++) {
		size_t len = 99, fixes = 99;
		ck_assert_int_eq(mesura_charset_to_utf8(charsets[c], NULL, 0, NULL, 0, &len, &fixes),
		                 MESURA_OK);
		ck_assert_uint_eq(len, 0);
		ck_assert_uint_eq(fixes, 0);
		char out[4];
		ck_assert_int_eq(mesura_charset_to_utf8(charsets[c], "", 0, out, sizeof out, &len,
		                                        NULL),
		                 MESURA_OK);
		ck_assert_uint_eq(len, 0);
	}
}
END_TEST

START_TEST(one_mebibyte_of_latin1_converts_completely)
{
	size_t len = (size_t)1 << 20, high = 0;
	char *in = malloc(len);
	ck_assert_ptr_nonnull(in);
	tu_rng rng = {7};
	for (size_t i = 0; i < len; i++) {
		in[i] = (char)tu_rng_below(&rng, 256);
		high += (unsigned char)in[i] >= 0x80;
	}
	size_t want_len = len + high; /* bytes >= 0x80 take two bytes in UTF-8 */
	char *want = malloc(want_len);
	ck_assert_ptr_nonnull(want);
	size_t w = 0;
	for (size_t i = 0; i < len; i++)
		w += tu_utf8_encode((unsigned char)in[i], want + w);
	ck_assert_uint_eq(w, want_len);

	size_t got_len, fixes;
	char *got = convert("ISO-8859-1", in, len, &got_len, &fixes);
	ck_assert_uint_eq(got_len, want_len);
	ck_assert_uint_eq(fixes, 0);
	ck_assert(memcmp(got, want, want_len) == 0);

	/* A buffer of half the size: EBUFS, and the size counted past the end is exact. */
	size_t need = 0;
	ck_assert_int_eq(mesura_charset_to_utf8("ISO-8859-1", in, len, got, want_len / 2, &need,
	                                        NULL),
	                 MESURA_EBUFS);
	ck_assert_uint_eq(need, want_len);
	free(got);
	free(want);
	free(in);
}
END_TEST

START_TEST(utf8_charset_uses_maximal_subpart_repair)
{
	CHECK_CONVERSION("UTF-8", "\xE2\x82" "A", FFFD "A", 1);
	CHECK_CONVERSION("utf8", "\xE2\x82" "A", FFFD "A", 1);
	CHECK_CONVERSION("Utf-8", "\xF0\x9F\x98" "\xC0\xAF", FFFD FFFD FFFD, 3);
	CHECK_CONVERSION("UTF-8", "a\xC3\xB1o", "a\xC3\xB1o", 0);
}
END_TEST

/* Random bytes in many charsets: the output is always well-formed UTF-8, and the size
 * query agrees with the conversion (checked by convert()). */
START_TEST(random_bytes_always_give_valid_utf8)
{
	const char *charsets[] = {"UTF-16LE", "UTF-16BE", "UTF-16", "UTF-32LE", "UCS-2",
	                          "WINDOWS-1252", "SHIFT_JIS", "EUC-JP", "ISO-2022-JP", "GB18030",
	                          "BIG5", "UTF-7", "KOI8-R", "UTF-8"};
	tu_rng rng = {2024};
	char in[64];
	for (size_t c = 0; c < sizeof charsets / sizeof charsets[0]; c++)
		for (int round = 0; round < 300; round++) {
			size_t len = tu_rng_below(&rng, sizeof in + 1);
			for (size_t i = 0; i < len; i++)
				in[i] = (char)tu_rng_below(&rng, 256);
			size_t out_len;
			free(convert(charsets[c], in, len, &out_len, NULL));
		}
}
END_TEST

static Suite *charset_suite(void)
{
	Suite *s = suite_create("charset");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, latin1_converts);
	tcase_add_test(tc, windows_1252_maps_its_c1_range);
	tcase_add_test(tc, windows_1252_undefined_bytes_become_fffd);
	tcase_add_test(tc, utf16_with_surrogate_pair_converts_both_byte_orders);
	tcase_add_test(tc, utf16_unpaired_surrogates_become_fffd);
	tcase_add_test(tc, truncated_input_ends_with_one_fffd);
	tcase_add_test(tc, utf32_skips_one_four_byte_unit);
	tcase_add_test(tc, bom_kept_for_explicit_byte_order_consumed_for_utf16);
	tcase_add_test(tc, stateful_charset_converts);
	tcase_add_test(tc, unknown_charset_is_echarset);
	tcase_add_test(tc, size_query_reports_exact_size);
	tcase_add_test(tc, null_arguments_are_einval);
	tcase_add_test(tc, empty_input_gives_empty_output);
	tcase_add_test(tc, one_mebibyte_of_latin1_converts_completely);
	tcase_add_test(tc, utf8_charset_uses_maximal_subpart_repair);
	tcase_add_test(tc, random_bytes_always_give_valid_utf8);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(charset_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
