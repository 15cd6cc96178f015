/* Confusable skeleton towards Latin (mesura_text__confusable). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "text/text.h"

/* The generated table itself, for the structural checks (a private copy: static). */
#include "text/confusables_table.inc"

#define TABLE_LEN (sizeof confusable_table / sizeof confusable_table[0])
#define MAX_CP 0x10FFFF

/* The prototype of cp as a NUL-terminated string, "" when it has none. */
static unsigned last_context; /* of the last proto() that found a look-alike */

static const char *proto(int32_t cp)
{
	static char buf[MESURA_CONFUSABLE_MAX + 1];
	const char *ascii = NULL;
	unsigned context = 99;
	size_t n = mesura_text__confusable(cp, &ascii, &context);
	if (n > 0) {
		ck_assert_uint_le(context, MESURA_LOOKALIKE_REGIONAL);
		last_context = context;
	}
	ck_assert_uint_le(n, MESURA_CONFUSABLE_MAX);
	if (n > 0)
		ck_assert_ptr_nonnull(ascii);
	memcpy(buf, n ? ascii : "", n);
	buf[n] = '\0';
	return buf;
}

struct expect {
	int32_t cp;
	const char *ascii;
};

static void check_all(const struct expect *e, size_t n)
{
	for (size_t i = 0; i < n; i++)
		ck_assert_msg(strcmp(proto(e[i].cp), e[i].ascii) == 0, "U+%04X -> \"%s\", want \"%s\"",
		              (unsigned)e[i].cp, proto(e[i].cp), e[i].ascii);
}

START_TEST(cyrillic_lowercase_look_alikes)
{
	/* а е о р с у х і ј ѕ: the letters of "сunt", "сосk", "ѕех"... */
	static const struct expect e[] = {
	    {0x0430, "a"}, {0x0435, "e"}, {0x043E, "o"}, {0x0440, "p"}, {0x0441, "c"},
	    {0x0443, "y"}, {0x0445, "x"}, {0x0456, "i"}, {0x0458, "j"}, {0x0455, "s"},
	    {0x04BB, "h"}, {0x0501, "d"}, {0x051B, "q"}, {0x051D, "w"},
	};
	check_all(e, sizeof e / sizeof e[0]);
}
END_TEST

START_TEST(cyrillic_uppercase_keeps_case)
{
	static const struct expect e[] = {
	    {0x0410, "A"}, {0x0412, "B"}, {0x0415, "E"}, {0x041A, "K"}, {0x041C, "M"},
	    {0x041D, "H"}, {0x041E, "O"}, {0x0420, "P"}, {0x0421, "C"}, {0x0422, "T"},
	    {0x0425, "X"}, {0x0405, "S"}, {0x0406, "I"}, {0x0408, "J"},
	};
	check_all(e, sizeof e / sizeof e[0]);
}
END_TEST

START_TEST(greek_look_alikes)
{
	static const struct expect e[] = {
	    {0x03BF, "o"}, {0x039F, "O"}, {0x03B1, "a"}, {0x03BD, "v"}, {0x03C1, "p"},
	    {0x03B9, "i"}, {0x0391, "A"}, {0x0392, "B"}, {0x0395, "E"}, {0x0397, "H"},
	    {0x039A, "K"}, {0x039C, "M"}, {0x039D, "N"}, {0x03A1, "P"}, {0x03A4, "T"},
	    {0x03A7, "X"}, {0x0396, "Z"},
	    /* Capital iota: the data's prototype is "l" (the l/I/1 class), but an upper-
	     * case source prefers the upper-case member. */
	    {0x0399, "I"},
	};
	check_all(e, sizeof e / sizeof e[0]);
}
END_TEST

START_TEST(other_scripts_and_latin_variants)
{
	static const struct expect e[] = {
	    {0x0192, "f"}, /* ƒ: f with a hook ("ƒuck"), the data's f + comma below */
	    {0x0142, "l"}, /* ł */
	    {0x00F8, "o"}, /* ø */
	    {0x0111, "d"}, /* đ */
	    {0x0127, "h"}, /* ħ */
	    {0x0131, "i"}, /* dotless ı */
	    {0x0261, "g"}, /* script ɡ */
	    {0x0251, "a"}, /* Latin alpha ɑ */
	    {0x13AA, "A"}, /* Cherokee GO */
	    {0x13A2, "T"}, /* Cherokee I */
	    {0x0585, "o"}, /* Armenian oh */
	    {0x057D, "u"}, /* Armenian seh */
	    {0xA4D0, "B"}, /* Lisu BA */
	    {0x2C9F, "o"}, /* Coptic small o */
	    {0x0417, "3"}, /* Cyrillic Ze looks like a digit */
	    {0x00E6, "ae"}, /* æ: several letters */
	    {0x0153, "oe"}, /* œ */
	    {0x1D6C2, "a"}, /* mathematical bold alpha: its NFKC is α, not ASCII */
	};
	check_all(e, sizeof e / sizeof e[0]);
}
END_TEST

/* Letters the confusables data does not relate to Latin, from Unicode's names, NFKC
 * and ICU's skeleton classes (tools/gen_confusables.py), and curated symbols. */
START_TEST(letters_beyond_the_confusables_data)
{
	static const struct expect always[] = {
	    {0x03BA, "k"}, {0x03BC, "u"}, {0x03F2, "c"}, {0x03C4, "t"}, /* Greek κ μ ϲ τ */
	    {0x03BD, "v"}, {0x03BF, "o"}, {0x03C5, "u"}, {0x03C1, "p"}, /* ν ο υ ρ */
	    {0x04C0, "l"}, {0x04CF, "i"}, /* palochka: a bare stroke; ICU's skeletons */
	    {0x043A, "k"}, {0x043D, "h"}, {0x0442, "t"},                /* Cyrillic к н т */
	    {0x1D00, "a"}, {0x0299, "b"}, {0x1D04, "c"}, {0x1D05, "d"}, /* small capitals */
	    {0x1D07, "e"}, {0xA730, "f"}, {0x0262, "g"}, {0x029C, "h"}, {0x026A, "i"},
	    {0x1D0A, "j"}, {0x1D0B, "k"}, {0x029F, "l"}, {0x1D0D, "m"}, {0x0274, "n"},
	    {0x1D18, "p"}, {0x0280, "r"}, {0x1D1B, "t"}, {0x1D1C, "u"},
	    {0x249C, "a"}, {0x24B5, "z"}, {0x1F110, "A"}, /* parenthesized: NFKC "(a)" */
	    {0x1F150, "A"}, {0x1F169, "Z"},               /* negative circled */
	    {0x1F170, "A"}, {0x1F189, "Z"},               /* negative squared */
	    {0x0257, "d"}, {0x0199, "k"}, {0xA7A1, "g"},  /* letters with a hook, a stroke */
	    {0x00B5, "u"},                                /* micro sign */
	};
	check_all(always, sizeof always / sizeof always[0]);
	for (size_t i = 0; i < sizeof always / sizeof always[0]; i++) {
		proto(always[i].cp);
		ck_assert_uint_eq(last_context, MESURA_LOOKALIKE_ALWAYS);
	}
	static const struct {
		int32_t cp;
		const char *ascii;
		unsigned context;
	} symbols[] = {
	    {0x00A1, "i", MESURA_LOOKALIKE_BETWEEN_LETTERS}, /* ¡ */
	    {0x221A, "v", MESURA_LOOKALIKE_BEFORE_LETTER},   /* √ */
	    {0x20AC, "e", MESURA_LOOKALIKE_BEFORE_LETTER},   /* € */
	    {0x00AE, "r", MESURA_LOOKALIKE_BEFORE_LETTER},   /* ® */
	    {0x1F1E6, "A", MESURA_LOOKALIKE_REGIONAL},       /* regional indicator A */
	    {0x1F1FF, "Z", MESURA_LOOKALIKE_REGIONAL},
	};
	for (size_t i = 0; i < sizeof symbols / sizeof symbols[0]; i++) {
		ck_assert_str_eq(proto(symbols[i].cp), symbols[i].ascii);
		ck_assert_uint_eq(last_context, symbols[i].context);
	}
	/* Emoji flags, from emoji-sequences.txt: 🇨🇰 🇺🇸 🇪🇸 🇫🇷, not 🇫🇺 🇨🇨 🇺🇺 */
	ck_assert(mesura_text__emoji_flag(0x1F1E8, 0x1F1F0));
	ck_assert(mesura_text__emoji_flag(0x1F1FA, 0x1F1F8));
	ck_assert(mesura_text__emoji_flag(0x1F1EA, 0x1F1F8));
	ck_assert(mesura_text__emoji_flag(0x1F1EB, 0x1F1F7));
	ck_assert(!mesura_text__emoji_flag(0x1F1EB, 0x1F1FA));
	ck_assert(!mesura_text__emoji_flag(0x1F1FA, 0x1F1FA));
	ck_assert(!mesura_text__emoji_flag('U', 'S'));
	ck_assert(!mesura_text__emoji_flag(0x1F1E8, 0x1F200));
	size_t flags = 0;
	for (int32_t a = 0x1F1E6; a <= 0x1F1FF; a++)
		for (int32_t b = 0x1F1E6; b <= 0x1F1FF; b++)
			flags += (size_t)mesura_text__emoji_flag(a, b);
	ck_assert_uint_eq(flags, 258); /* RGI_Emoji_Flag_Sequence of Unicode 15 */
}
END_TEST

START_TEST(ascii_marks_and_decomposables_do_not_map)
{
	for (int32_t cp = -1; cp < 0x80; cp++)
		ck_assert_str_eq(proto(cp), "");
	for (int32_t cp = 0x0300; cp <= 0x036F; cp++) /* combining diacritical marks */
		ck_assert_msg(proto(cp)[0] == '\0', "U+%04X", (unsigned)cp);
	static const int32_t none[] = {
	    0x0301, 0x0303, 0x0338, 0x20E0, /* marks */
	    0x00F1, 0x00D1, 0x00E9, 0x00C9, 0x00E5, 0x00E7, /* ñ Ñ é É å ç: decomposition */
	    0x212A,                                         /* KELVIN SIGN: canonically K */
	    0xFF41, 0x1D42C, 0x1D41A, 0x2170, /* ａ 𝐬 𝐚 ⅰ: NFKC is ASCII */
	    0x00DF, 0x03C9, 0x0416, 0x044F,   /* ß ω Ж я: no Latin look-alike */
	    0xFFFD, 0xD800, 0xDFFF, 0x110000, INT32_MAX, INT32_MIN,
	};
	for (size_t i = 0; i < sizeof none / sizeof none[0]; i++)
		ck_assert_msg(proto(none[i])[0] == '\0', "U+%04X maps to \"%s\"", (unsigned)none[i],
		              proto(none[i]));
}
END_TEST

static int is_alnum_ascii(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

START_TEST(table_is_sorted_and_well_formed)
{
	ck_assert_uint_gt(TABLE_LEN, 500);
	for (size_t i = 0; i < TABLE_LEN; i++) {
		const struct confusable_entry *e = &confusable_table[i];
		ck_assert_int_ge(e->cp, 0x80);
		ck_assert_int_le(e->cp, MAX_CP);
		if (i > 0)
			ck_assert_msg(confusable_table[i - 1].cp < e->cp, "not ascending at U+%04X",
			              (unsigned)e->cp);
		ck_assert_uint_ge(e->len, 1);
		ck_assert_uint_le(e->len, MESURA_CONFUSABLE_MAX);
		for (size_t k = 0; k < e->len; k++)
			ck_assert_msg(is_alnum_ascii(e->ascii[k]), "U+%04X", (unsigned)e->cp);
	}
}
END_TEST

START_TEST(every_code_point_probed)
{
	size_t hits = 0;
	int32_t prev = -1;
	for (int32_t cp = 0; cp <= MAX_CP; cp++) {
		const char *ascii = NULL;
		unsigned context;
		size_t n = mesura_text__confusable(cp, &ascii, &context);
		if (n == 0)
			continue;
		ck_assert_int_ge(cp, 0x80);
		ck_assert_msg(cp < 0xD800 || cp > 0xDFFF, "surrogate U+%04X", (unsigned)cp);
		ck_assert_uint_le(n, MESURA_CONFUSABLE_MAX);
		for (size_t k = 0; k < n; k++)
			ck_assert_msg(is_alnum_ascii(ascii[k]), "U+%04X", (unsigned)cp);
		ck_assert_int_gt(cp, prev);
		prev = cp;
		hits++;
	}
	/* Every entry is reachable: with an unsorted table the binary search would miss some. */
	ck_assert_uint_eq(hits, TABLE_LEN);
}
END_TEST

/* ------------------------------------------------ against UnicodeData.txt */

#define UCD_PATH "/usr/share/unicode/UnicodeData.txt"

typedef struct {
	char (*gc)[3];     /* general category per code point, "Cn" when unassigned */
	int32_t *dec_off;  /* offset into dec, -1 when no decomposition */
	uint8_t *dec_len;
	uint8_t *dec_compat; /* 1 for <tagged> decompositions */
	int32_t *dec;
	size_t dec_used, dec_cap;
} ucd;

static void ucd_load(ucd *u, char *text)
{
	u->gc = malloc((MAX_CP + 1) * sizeof *u->gc);
	u->dec_off = malloc((MAX_CP + 1) * sizeof *u->dec_off);
	u->dec_len = calloc(MAX_CP + 1, 1);
	u->dec_compat = calloc(MAX_CP + 1, 1);
	u->dec_cap = 1u << 16;
	u->dec = malloc(u->dec_cap * sizeof *u->dec);
	u->dec_used = 0;
	ck_assert(u->gc && u->dec_off && u->dec_len && u->dec_compat && u->dec);
	for (size_t i = 0; i <= MAX_CP; i++) {
		memcpy(u->gc[i], "Cn", 3);
		u->dec_off[i] = -1;
	}
	long range_first = -1;
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		char *field[6];
		char *p = line;
		for (int f = 0; f < 6; f++) {
			field[f] = p;
			p = strchr(p, ';');
			ck_assert_ptr_nonnull(p);
			*p++ = '\0';
		}
		long cp = strtol(field[0], NULL, 16);
		ck_assert(cp >= 0 && cp <= MAX_CP && strlen(field[2]) == 2);
		if (strstr(field[1], ", First>")) {
			range_first = cp;
			continue;
		}
		long lo = strstr(field[1], ", Last>") ? range_first : cp;
		for (long c = lo; c <= cp; c++)
			memcpy(u->gc[c], field[2], 3);
		char *d = field[5];
		if (*d == '\0')
			continue;
		if (*d == '<') {
			u->dec_compat[cp] = 1;
			d = strchr(d, '>') + 1;
		}
		u->dec_off[cp] = (int32_t)u->dec_used;
		for (;;) {
			char *end;
			long part = strtol(d, &end, 16);
			if (end == d)
				break;
			if (u->dec_used == u->dec_cap) {
				u->dec_cap *= 2;
				u->dec = realloc(u->dec, u->dec_cap * sizeof *u->dec);
				ck_assert_ptr_nonnull(u->dec);
			}
			u->dec[u->dec_used++] = (int32_t)part;
			u->dec_len[cp]++;
			d = end;
		}
	}
}

static void ucd_free(ucd *u)
{
	free(u->gc);
	free(u->dec_off);
	free(u->dec_len);
	free(u->dec_compat);
	free(u->dec);
}

/* Non-zero when the full compatibility decomposition of cp (NFKD, hence NFKC for a
 * single code point) is all ASCII (all ASCII letters and digits with `alnum`). */
static int nfkd_is_ascii(const ucd *u, int32_t cp, int depth, int alnum)
{
	ck_assert_int_lt(depth, 20);
	if (u->dec_off[cp] < 0)
		return cp < 0x80 && (!alnum || is_alnum_ascii((char)cp));
	for (size_t k = 0; k < u->dec_len[cp]; k++)
		if (!nfkd_is_ascii(u, u->dec[(size_t)u->dec_off[cp] + k], depth + 1, alnum))
			return 0;
	return 1;
}

START_TEST(sources_agree_with_unicode_data)
{
	FILE *f = fopen(UCD_PATH, "rb");
	if (!f) {
		fprintf(stderr, "check_confusables: %s missing (unicode-data): skipped\n", UCD_PATH);
		return;
	}
	fclose(f);
	size_t len;
	char *text = tu_read_file(UCD_PATH, &len);
	ucd u;
	ucd_load(&u, text);
	free(text);
	ck_assert_str_eq(u.gc[0x0301], "Mn");
	ck_assert_str_eq(u.gc[0x0430], "Ll");

	size_t latin = 0, cyrillic_or_greek = 0;
	for (int32_t cp = 0x80; cp <= MAX_CP; cp++) {
		const char *ascii = NULL;
		unsigned context;
		size_t n = mesura_text__confusable(cp, &ascii, &context);
		const char *gc = u.gc[cp];
		if (gc[0] == 'M') {
			ck_assert_msg(n == 0, "mark U+%04X (%s) maps", (unsigned)cp, gc);
			continue;
		}
		if (n == 0)
			continue;
		/* Letters and numbers; symbols, and punctuation (¡) that reads as a letter only
		 * next to letters. */
		int in_words = context == MESURA_LOOKALIKE_BEFORE_LETTER ||
		               context == MESURA_LOOKALIKE_BETWEEN_LETTERS;
		ck_assert_msg(gc[0] == 'L' || gc[0] == 'N' || strcmp(gc, "Sm") == 0 ||
		                  strcmp(gc, "So") == 0 || (in_words && (gc[0] == 'S' || gc[0] == 'P')),
		              "U+%04X has category %s", (unsigned)cp, gc);
		if (gc[0] == 'S')
			for (size_t k = 0; k < n; k++)
				ck_assert_msg(!(ascii[k] >= '0' && ascii[k] <= '9'),
				              "symbol U+%04X maps to a digit", (unsigned)cp);
		ck_assert_msg(u.dec_off[cp] < 0 || u.dec_compat[cp],
		              "U+%04X has a canonical decomposition", (unsigned)cp);
		/* What NFKC makes ASCII letters needs no entry; what it makes a letter in
		 * brackets (⒜ "(a)") does: it is looked up before decomposition. */
		ck_assert_msg(!nfkd_is_ascii(&u, cp, 0, 1), "NFKC of U+%04X is already ASCII letters",
		              (unsigned)cp);
		if (cp < 0x0250)
			latin++;
		else if (cp >= 0x0370 && cp < 0x0530)
			cyrillic_or_greek++;
	}
	/* The table does cover Latin extensions and, above all, Greek and Cyrillic. */
	ck_assert_uint_gt(latin, 20);
	ck_assert_uint_gt(cyrillic_or_greek, 60);
	ucd_free(&u);
}
END_TEST

static Suite *confusables_suite(void)
{
	Suite *s = suite_create("confusables");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, cyrillic_lowercase_look_alikes);
	tcase_add_test(tc, cyrillic_uppercase_keeps_case);
	tcase_add_test(tc, greek_look_alikes);
	tcase_add_test(tc, other_scripts_and_latin_variants);
	tcase_add_test(tc, letters_beyond_the_confusables_data);
	tcase_add_test(tc, ascii_marks_and_decomposables_do_not_map);
	tcase_add_test(tc, table_is_sorted_and_well_formed);
	tcase_add_test(tc, every_code_point_probed);
	tcase_add_test(tc, sources_agree_with_unicode_data);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(confusables_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
