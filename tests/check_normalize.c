/* Normalisation views: what each flag does, the offset map, bad input, memory. */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "text/fold.h"
#include "text/normalizer.h"
#include "text/plain.h"
#include "text/view.h"

typedef struct {
	mesura_normalizer *nz;
	mesura_view *view;
} fixture;

static fixture make(unsigned int flags, const char *keep_letters)
{
	fixture f;
	mesura_normalizer_options opts = MESURA_NORMALIZER_OPTIONS_INIT;
	opts.flags = flags;
	opts.keep_letters = keep_letters;
	ck_assert_int_eq(mesura_normalizer_new(&f.nz, &opts, NULL), MESURA_OK);
	ck_assert_int_eq(mesura_view_new(&f.view, NULL), MESURA_OK);
	return f;
}

static void dispose(fixture *f)
{
	mesura_view_free(f->view);
	mesura_normalizer_free(f->nz);
}

static const char *norm(fixture *f, const char *text)
{
	ck_assert_int_eq(mesura_normalize(f->nz, f->view, text, strlen(text)), MESURA_OK);
	return mesura_view_text(f->view, NULL);
}

/* Asserts that view `flags` turns `in` into `want`. */
static void assert_view(unsigned int flags, const char *in, const char *want)
{
	fixture f = make(flags, NULL);
	const char *got = norm(&f, in);
	ck_assert_msg(strcmp(got, want) == 0, "flags %#x: \"%s\" -> \"%s\", want \"%s\"", flags, in,
	              got, want);
	dispose(&f);
}

/* The original text covered by the view's bytes [start, end). */
static void assert_source(fixture *f, const char *src, size_t start, size_t end, const char *want)
{
	size_t s, e;
	ck_assert_int_eq(mesura_view_source_range(f->view, start, end, &s, &e), MESURA_OK);
	ck_assert_msg(e - s == strlen(want) && memcmp(src + s, want, e - s) == 0,
	              "[%zu,%zu) maps to \"%.*s\", want \"%s\"", start, end, (int)(e - s), src + s,
	              want);
}

START_TEST(casefold_and_compatibility)
{
	assert_view(MESURA_NORM_CASEFOLD, "STRASSE Straße ΣΊΣΥΦΟΣ", "strasse strasse σίσυφοσ");
	assert_view(MESURA_NORM_NFKC, "\xef\xac\x81n \xef\xbc\x91\xef\xbc\x92\xef\xbc\x93 x\xc2\xb2",
	            "fin 123 x2");
	assert_view(MESURA_NORM_NFC, "\xef\xac\x81n", "\xef\xac\x81n"); /* ﬁ is not canonical */
	assert_view(MESURA_NORM_NFD, "\xc3\xa9", "e\xcc\x81");
	assert_view(MESURA_NORM_NFC, "e\xcc\x81", "\xc3\xa9");
	assert_view(0, "As Is \xc3\x89", "As Is \xc3\x89");
}
END_TEST

START_TEST(strip_marks_keeps_spanish_enye)
{
	unsigned int f = MESURA_NORM_NFKC | MESURA_NORM_CASEFOLD | MESURA_NORM_STRIP_MARKS;
	assert_view(f, "Caf\xc3\xa9 Ping\xc3\xbc" "ino A\xc3\x91O", "cafe pinguino a\xc3\xb1o");
	/* Decomposed input composes back to ñ; a second accent on it still goes. */
	assert_view(f, "an\xcc\x83o", "a\xc3\xb1o");
	assert_view(f, "n\xcc\xa3\xcc\x83", "\xc3\xb1");
	/* So "año" never folds to "ano", and "coño" never to "cono". */
	assert_view(f, "co\xc3\xb1o", "co\xc3\xb1o");

	fixture strip_all = make(f, "");
	ck_assert_str_eq(norm(&strip_all, "A\xc3\x91O co\xc3\xb1o"), "ano cono");
	dispose(&strip_all);

	fixture catalan = make(f, "\xc3\xa7\xc3\xb1"); /* ç ñ */
	ck_assert_str_eq(norm(&catalan, "Fran\xc3\xa7" "a \xc3\xa0"), "fran\xc3\xa7" "a a");
	dispose(&catalan);
}
END_TEST

START_TEST(keep_letters_must_decompose)
{
	mesura_normalizer *nz = NULL;
	mesura_normalizer_options opts = MESURA_NORMALIZER_OPTIONS_INIT;
	opts.keep_letters = "a";
	ck_assert_int_eq(mesura_normalizer_new(&nz, &opts, NULL), MESURA_EINVAL);
	ck_assert_ptr_null(nz);
	opts.keep_letters = "\xff";
	ck_assert_int_eq(mesura_normalizer_new(&nz, &opts, NULL), MESURA_EINVAL);
}
END_TEST

START_TEST(invisibles_are_removed_and_mapped_around)
{
	const char *src = "f\xe2\x80\x8bu\xc2\xad" "ck \xe2\x80\x8e" "x\xef\xb8\x8f"; /* ZWSP SHY LRM VS16 */
	fixture f = make(MESURA_NORM_REMOVE_INVISIBLES, NULL);
	ck_assert_str_eq(norm(&f, src), "fuck x");
	assert_source(&f, src, 0, 4, "f\xe2\x80\x8bu\xc2\xad" "ck");
	assert_source(&f, src, 1, 2, "u");
	assert_source(&f, src, 5, 6, "x");
	dispose(&f);
}
END_TEST

/* Controls (C0 but TAB LF VT FF CR, DEL, C1 with NEL) go with the invisibles; every one
 * of U+0000-U+009F is checked, alone and between letters. */
START_TEST(controls_are_removed_with_the_invisibles)
{
	fixture f = make(MESURA_NORM_REMOVE_INVISIBLES, NULL);
	fixture m = make(MESURA_NORM_MODERATION, NULL);
	for (int32_t cp = 0; cp <= 0x9F; cp++) {
		int control = (cp < 0x20 && !(cp >= 0x09 && cp <= 0x0D)) || (cp >= 0x7F && cp <= 0x9F);
		char src[8] = "f", c[4] = {0};
		size_t n = tu_utf8_encode((uint32_t)cp, c);
		memcpy(src + 1, c, n);
		src[1 + n] = 'u';
		fixture *views[] = {&f, &m};
		for (size_t k = 0; k < 2; k++) {
			size_t len;
			ck_assert_int_eq(mesura_normalize(views[k]->nz, views[k]->view, src, n + 2), MESURA_OK);
			const char *out = mesura_view_text(views[k]->view, &len);
			int kept = !control && len == n + 2 && out[0] == 'f' && out[n + 1] == 'u';
			int dropped = control && len == 2 && memcmp(out, "fu", 2) == 0;
			ck_assert_msg(kept || dropped, "U+%04X: %zu bytes out", (unsigned)cp, len);
			if (dropped)
				assert_source(views[k], src, 1, 2, "u"); /* around the removed control */
		}
	}
	const char src[] = "f\x00u\x1b[0mc\xc2\x85k\x7f\tcards\r\n";
	ck_assert_int_eq(mesura_normalize(m.nz, m.view, src, sizeof src - 1), MESURA_OK);
	ck_assert_str_eq(mesura_view_text(m.view, NULL), "fu[omck\tcards\r\n"); /* leet: 0 */
	size_t s, e; /* the NUL is inside: no string compare */
	ck_assert_int_eq(mesura_view_source_range(m.view, 0, 7, &s, &e), MESURA_OK);
	ck_assert_uint_eq(s, 0);
	ck_assert_uint_eq(e, 11);
	assert_source(&m, src, 5, 7, "c\xc2\x85k");
	dispose(&f);
	dispose(&m);
	/* Without the flag they stay. */
	assert_view(MESURA_NORM_NFKC | MESURA_NORM_CASEFOLD, "a\x1b" "B\xc2\x85", "a\x1b" "b\xc2\x85");
}
END_TEST

/* Under a right-to-left override the text reads in display order: what is not written
 * right to left reversed, grapheme clusters whole, right-to-left letters as they are;
 * the span maps back whole, and ends at U+202C or the end of the line. */
START_TEST(right_to_left_override_reads_in_display_order)
{
	unsigned int inv = MESURA_NORM_REMOVE_INVISIBLES;
	const char *src = "oh \xe2\x80\xae" "kcuf\xe2\x80\xac you";
	fixture f = make(inv, NULL);
	ck_assert_str_eq(norm(&f, src), "oh fuck you");
	assert_source(&f, src, 3, 7, "kcuf");
	assert_source(&f, src, 4, 5, "kcuf"); /* one block */
	assert_source(&f, src, 2, 7, " \xe2\x80\xae" "kcuf");
	assert_source(&f, src, 8, 11, "you");
	dispose(&f);
	/* the file-name trick; the end of the line ends the span */
	assert_view(inv, "invoice\xe2\x80\xae" "fdp.exe", "invoiceexe.pdf");
	assert_view(inv, "\xe2\x80\xae" "abc\ndef", "cba\ndef");
	assert_view(inv, "\xe2\x80\xae" "abc\xe2\x80\xa8" "def", "cba\xe2\x80\xa8" "def");
	/* clusters stay whole: é (e + U+0301) and a thumbs up with its skin tone */
	assert_view(inv, "\xe2\x80\xae" "ae\xcc\x81" "b\xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd",
	            "\xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd" "be\xcc\x81" "a");
	/* Hebrew keeps its order; the runs around it swap places, as displayed */
	assert_view(inv, "\xe2\x80\xae" "ab \xd7\x90\xd7\x91 cd", "dc \xd7\x90\xd7\x91 ba");
	/* the folds apply to what is read: Cyrillic look-alikes, leet, case */
	assert_view(MESURA_NORM_MODERATION, "\xe2\x80\xae" "ATIHS\xe2\x80\xac", "shita");
	assert_view(MESURA_NORM_MODERATION, "\xe2\x80\xae" "adr3im", "mierda");
	/* nothing to read, or no override: unchanged */
	assert_view(inv, "x\xe2\x80\xae\xe2\x80\xacy", "xy");
	assert_view(MESURA_NORM_NFKC, "\xe2\x80\xae" "kcuf", "\xe2\x80\xae" "kcuf");
}
END_TEST

/* HTML character references and percent-encoding read as their characters, each a block
 * mapped to the whole reference; what would decode to a control, a surrogate or
 * ill-formed UTF-8 stays literal, and so does ordinary text with '&' and '%'. */
START_TEST(markup_decodes_to_printable_text)
{
	unsigned int mk = MESURA_NORM_DECODE_MARKUP;
	const char *src = "&#102;&#x75;ck %66uck";
	fixture f = make(mk, NULL);
	ck_assert_str_eq(norm(&f, src), "fuck fuck");
	assert_source(&f, src, 0, 1, "&#102;");
	assert_source(&f, src, 1, 2, "&#x75;");
	assert_source(&f, src, 0, 4, "&#102;&#x75;ck");
	assert_source(&f, src, 5, 6, "%66");
	dispose(&f);
	assert_view(mk, "caf&eacute; &amp; t&eacute; &lt;3 &NotEqualTilde;",
	            "caf\xc3\xa9 & t\xc3\xa9 <3 \xe2\x89\x82\xcc\xb8");
	assert_view(mk, "%C3%A9t%c3%a9 %E2%82%AC %F0%9F%98%80", "\xc3\xa9t\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
	/* HTML5 reads &#128;-&#159; as Windows-1252; the numbers need no ';' */
	assert_view(mk, "&#150; &#128; &#65&#66", "\xe2\x80\x93 \xe2\x82\xac AB");
	/* literal: controls, surrogates, past U+10FFFF, ill-formed or cut UTF-8, unknown
	 * names, names without ';', no digits, prices and percentages */
	const char *literal[] = {"&#0;", "&#10;", "&#x1b;", "&#129;", "&#xD800;", "&#x110000;",
	                         "&#99999999999;", "%00", "%0A", "%7F", "%C2%85", "%FF", "%C3",
	                         "%E2%82", "%ED%A0%80", "&Tab;", "&NewLine;", "&bogus;",
	                         "&amp", "&times", "&#;", "&#x;", "&;", "&", "%", "%4", "100%",
	                         "50%off", "AT&T", "R&D;", "fish&chips", "20%ab"};
	for (size_t k = 0; k < sizeof literal / sizeof literal[0]; k++)
		assert_view(mk, literal[k], literal[k]);
	/* a lead byte without its continuation stays; what follows is read on its own */
	assert_view(mk, "%C3%28", "%C3(");
	/* decoded, then every other fold: case, marks, leet, joining */
	assert_view(MESURA_NORM_MODERATION | mk, "&#70;&#85;CK M&#x31;ERDA e&#769;", "fuck mierda e");
	assert_view(MESURA_NORM_DEOBFUSCATE | mk, "&#102; &#117; &#99; &#107;", "fuck");
	assert_view(MESURA_NORM_NFC | mk, "u\xcc\x88&#769;", "\xc7\x98"); /* ǘ */
	/* both presets decode markup and read other digits */
	assert_view(MESURA_NORM_DEOBFUSCATE, "&#102;&#117;ck %66uck", "fuck fuck");
	assert_view(MESURA_NORM_MODERATION, "&#x66;uck \xd9\xa4\xd9\xa1", "fuck 41");
	/* not recursive: &amp;#102; is the text &#102; */
	assert_view(mk, "&amp;#102;", "&#102;");
}
END_TEST

START_TEST(confusables_map_lookalikes_to_latin)
{
	/* Cyrillic р а у р а l, Greek Ο Κ, mathematical bold s h i t */
	assert_view(MESURA_NORM_CONFUSABLES | MESURA_NORM_CASEFOLD,
	            "\xd1\x80\xd0\xb0\xd1\x83\xd1\x80\xd0\xb0l", "paypal");
	assert_view(MESURA_NORM_CONFUSABLES, "\xce\x9f\xce\x9a", "OK");
	assert_view(MESURA_NORM_MODERATION, "\xf0\x9d\x90\xac\xf0\x9d\x90\xa1\xf0\x9d\x90\xa2\xf0\x9d\x90\xad",
	            "shit");
	/* Capitals that only look Latin before case folding (Cyrillic С О С К). */
	assert_view(MESURA_NORM_MODERATION, "\xd0\xa1\xd0\x9e\xd0\xa1\xd0\x9a", "cock");
	/* Spanish letters are not confusables. */
	assert_view(MESURA_NORM_MODERATION, "\xc3\xb1" "and\xc3\xba", "\xc3\xb1" "andu");
}
END_TEST

/* Look-alikes beyond Cyrillic (tools/gen_confusables.py), looked up before NFKC, and
 * the symbols that read as letters only where letters are around them. */
START_TEST(lookalikes_read_in_context)
{
	const unsigned m = MESURA_NORM_MODERATION;
	/* ⒡⒰⒞⒦: NFKC makes "(f)(u)(c)(k)"; the view reads the letters, no brackets. */
	assert_view(m, "\xe2\x92\xa1\xe2\x92\xb0\xe2\x92\x9e\xe2\x92\xa6", "fuck");
	assert_view(MESURA_NORM_CONFUSABLES, "\xe2\x92\xa1\xe2\x92\xb0", "fu"); /* NFC too */
	/* 🅵🆄🅲🅺 🅕🅤🅒🅚, small capitals ᴍɪᴇʀᴅᴀ, Greek f υ ϲ κ (NFKC makes ϲ a σ: "o") */
	assert_view(m, "\xf0\x9f\x85\xb5\xf0\x9f\x86\x84\xf0\x9f\x85\xb2\xf0\x9f\x85\xba "
	               "\xf0\x9f\x85\x95\xf0\x9f\x85\xa4\xf0\x9f\x85\x92\xf0\x9f\x85\x9a",
	            "fuck fuck");
	assert_view(m, "\xe1\xb4\x8d\xc9\xaa\xe1\xb4\x87\xca\x80\xe1\xb4\x85\xe1\xb4\x80", "mierda");
	assert_view(m, "f\xcf\x85\xcf\xb2\xce\xba f\xce\xbc" "ck", "fuck fuck");
	/* ¡ is i between letters only: Spanish opens exclamations with it. */
	assert_view(m, "h\xc2\xa1jo \xc2\xa1Mierda! \xc2\xa1\xc2\xa1hola", "hijo \xc2\xa1mierda! \xc2\xa1\xc2\xa1hola");
	/* Symbols read as letters before a letter: √erga m€rda, not 5€ or Nike® */
	assert_view(m, "\xe2\x88\x9a" "erga m\xe2\x82\xac" "rda 5\xe2\x82\xac Nike\xc2\xae",
	            "verga merda 5\xe2\x82\xac nike\xc2\xae");
	/* Regional indicators pair from the start of a run, as renderers pair them; a run
	 * that is all emoji flags stays (🇨🇰, 🇸🇭🇮🇹, merci🇫🇷), any other run reads as its
	 * letters, the flags among them too: 🇫🇺🇨🇰 shows F, U and the Cook Islands' flag. */
	assert_view(m, "\xf0\x9f\x87\xab\xf0\x9f\x87\xba\xf0\x9f\x87\xa8\xf0\x9f\x87\xb0", "fuck");
	assert_view(m, "\xf0\x9f\x87\xa8\xf0\x9f\x87\xb0", "\xf0\x9f\x87\xa8\xf0\x9f\x87\xb0");
	assert_view(m, "\xf0\x9f\x87\xab \xf0\x9f\x87\xba", "f u");
	assert_view(m, "\xf0\x9f\x87\xb8\xf0\x9f\x87\xad\xf0\x9f\x87\xae\xf0\x9f\x87\xb9",
	            "\xf0\x9f\x87\xb8\xf0\x9f\x87\xad\xf0\x9f\x87\xae\xf0\x9f\x87\xb9");
	assert_view(m, "merci\xf0\x9f\x87\xab\xf0\x9f\x87\xb7", "merci\xf0\x9f\x87\xab\xf0\x9f\x87\xb7");
	/* An odd run has a letter no flag takes: 🇺🇺🇸 (U U and S), x🇺🇸🇺 (the US flag and a
	 * U) read as letters; two flags apart stay flags. */
	assert_view(m, "\xf0\x9f\x87\xba\xf0\x9f\x87\xba\xf0\x9f\x87\xb8", "uus");
	assert_view(m, "x\xf0\x9f\x87\xba\xf0\x9f\x87\xb8\xf0\x9f\x87\xba", "xusu");
	assert_view(m, "\xf0\x9f\x87\xba\xf0\x9f\x87\xb8 \xf0\x9f\x87\xaa\xf0\x9f\x87\xb8",
	            "\xf0\x9f\x87\xba\xf0\x9f\x87\xb8 \xf0\x9f\x87\xaa\xf0\x9f\x87\xb8");
	/* A look-alike covers its whole source character in the map. */
	const char *src = "a\xe2\x92\xa1" "b";
	fixture f = make(m, NULL);
	ck_assert_str_eq(norm(&f, src), "afb");
	assert_source(&f, src, 1, 2, "\xe2\x92\xa1");
	dispose(&f);
}
END_TEST

/* Marks stacked on every letter (strike-through U+0336, underline U+0332, enclosing
 * circle U+20DD, acute), 1 to 300 of them, mixed or not, fold away in the deobfuscating
 * view; each letter maps to itself (the marks between letters fall inside a span
 * over several; the marks after the last letter are the scanner's to take, with the
 * grapheme cluster). */
START_TEST(stacked_marks_fold_away)
{
	static const char *const marks[] = {"\xcc\xb6", "\xcc\xb2", "\xe2\x83\x9d", "\xcc\x81"};
	static const size_t stacks[] = {1, 2, 3, 7, 40, 300};
	fixture f = make(MESURA_NORM_DEOBFUSCATE, NULL);
	char *src = malloc(4 * 300 * 3 + 16);
	ck_assert_ptr_nonnull(src);
	for (size_t s = 0; s < sizeof stacks / sizeof stacks[0]; s++)
		for (int mixed = 0; mixed <= 1; mixed++) {
			size_t at = 0, ends[4];
			for (size_t k = 0; k < 4; k++) {
				src[at++] = "fuck"[k];
				for (size_t m = 0; m < stacks[s]; m++) {
					const char *mark = marks[mixed ? (k + m) % 4 : s % 3];
					memcpy(src + at, mark, strlen(mark));
					at += strlen(mark);
				}
				ends[k] = at;
			}
			src[at] = '\0';
			ck_assert_msg(strcmp(norm(&f, src), "fuck") == 0, "%zu marks, mixed %d: \"%s\"",
			              stacks[s], mixed, norm(&f, src));
			for (size_t k = 0; k < 4; k++) {
				size_t lo, hi;
				ck_assert_int_eq(mesura_view_source_range(f.view, k, k + 1, &lo, &hi), MESURA_OK);
				ck_assert_uint_eq(lo, k ? ends[k - 1] : 0); /* the letter itself */
				ck_assert_uint_eq(hi, lo + 1);
			}
		}
	free(src);
	dispose(&f);
}
END_TEST

/* Every decimal digit of UnicodeData.txt (General_Category Nd, value in field 6) reads
 * as its ASCII digit under DIGITS, alone, with a form, and with the look-alikes, each
 * one a block mapped back to the whole character; no other character changes. */
START_TEST(digits_read_as_ascii_digits)
{
	static const unsigned int sets[] = {
	    MESURA_NORM_DIGITS, MESURA_NORM_NFC | MESURA_NORM_DIGITS,
	    MESURA_NORM_NFKC | MESURA_NORM_CASEFOLD | MESURA_NORM_CONFUSABLES | MESURA_NORM_DIGITS};
	fixture f[3];
	for (size_t k = 0; k < 3; k++)
		f[k] = make(sets[k], NULL);
	size_t len, digits = 0, beyond_ascii = 0;
	char *ucd = tu_read_file("/usr/share/unicode/UnicodeData.txt", &len);
	ck_assert_ptr_nonnull(ucd);
	for (char *line = strtok(ucd, "\n"); line; line = strtok(NULL, "\n")) {
		/* code;name;gc;ccc;bidi;decomposition;decimal value;... */
		const char *field[7];
		const char *p = line;
		for (int k = 0; k < 7 && p; k++) {
			field[k] = p;
			p = strchr(p, ';');
			p = p ? p + 1 : NULL;
		}
		ck_assert_ptr_nonnull(p);
		unsigned cp = (unsigned)strtoul(field[0], NULL, 16);
		if (strncmp(field[2], "Nd;", 3) != 0) { /* any other character stays as it is */
			char other[5] = {0};
			if (strncmp(field[2], "Cs;", 3) != 0) {
				tu_utf8_encode(cp, other);
				ck_assert_msg(strcmp(norm(&f[0], other), other) == 0, "U+%04X changed", cp);
			}
			continue;
		}
		int value = field[6][0] == ';' ? -1 : atoi(field[6]);
		const char *name = field[1];
		digits++;
		ck_assert_msg(value >= 0 && value <= 9, "U+%04X", cp);
		char src[5] = {0}, want[2] = {(char)('0' + value), 0};
		tu_utf8_encode(cp, src);
		for (size_t k = 0; k < 3; k++) {
			ck_assert_msg(strcmp(norm(&f[k], src), want) == 0, "flags %#x: U+%04X %.40s -> \"%s\"",
			              sets[k], cp, name, norm(&f[k], src));
			assert_source(&f[k], src, 0, 1, src);
		}
		beyond_ascii += cp >= 0x80;
	}
	free(ucd);
	ck_assert_uint_eq(digits, 680); /* Unicode 15.0 */
	ck_assert_uint_eq(beyond_ascii, 670);
	for (size_t k = 0; k < 3; k++)
		dispose(&f[k]);

	/* In text: a card in Arabic-Indic digits, Devanagari and mathematical digits;
	 * Arabic-Indic five is 5 even though it looks like an o; other numbers stay. */
	unsigned int moderation_digits = MESURA_NORM_MODERATION | MESURA_NORM_DIGITS;
	assert_view(moderation_digits,
	            "\xd9\xa4\xd9\xa1\xd9\xa1\xd9\xa1 \xe0\xa5\xa7\xe0\xa5\xa8 "
	            "\xf0\x9d\x9f\x8f\xf0\x9d\x9f\x90 \xd9\xa5",
	            "4111 12 12 5");
	assert_view(MESURA_NORM_NFKC | MESURA_NORM_CASEFOLD | MESURA_NORM_CONFUSABLES, "\xd9\xa5", "o");
	assert_view(MESURA_NORM_DIGITS, "\xc2\xb2 \xe2\x91\xa0 \xe2\x85\xab 2\xc2\xbd", /* ² ① Ⅻ ½: not Nd */
	            "\xc2\xb2 \xe2\x91\xa0 \xe2\x85\xab 2\xc2\xbd");
	/* Each digit maps back to its own character. */
	const char *src = "+\xd9\xa3\xd9\xa4 5";
	fixture one = make(MESURA_NORM_DIGITS, NULL);
	ck_assert_str_eq(norm(&one, src), "+34 5");
	assert_source(&one, src, 1, 2, "\xd9\xa3");
	assert_source(&one, src, 2, 3, "\xd9\xa4");
	assert_source(&one, src, 4, 5, "5");
	dispose(&one);
}
END_TEST

/* The ASCII code points some stage-1 flag may change or drop, from Unicode's data: a
 * decomposition (UnicodeData.txt field 5), a mark (Mn, Me), a control that is not white
 * space (Cc but TAB LF VT FF CR), a default ignorable (DerivedCoreProperties.txt); and
 * '%' and '&', which start markup (markup.c). Case folding changes A-Z: plain text is
 * lower-cased by the normalisers that fold case. */
static void touched_ascii(unsigned char touched[128])
{
	memset(touched, 0, 128);
	touched['%'] = touched['&'] = 1;
	size_t len;
	char *ucd = tu_read_file("/usr/share/unicode/UnicodeData.txt", &len);
	ck_assert_ptr_nonnull(ucd);
	for (char *line = strtok(ucd, "\n"); line; line = strtok(NULL, "\n")) {
		unsigned cp = (unsigned)strtoul(line, NULL, 16);
		if (cp >= 128)
			break;
		const char *gc = strchr(line, ';') ? strchr(strchr(line, ';') + 1, ';') + 1 : NULL;
		const char *f5 = gc;
		for (int k = 0; k < 3 && f5; k++)
			f5 = strchr(f5, ';') ? strchr(f5, ';') + 1 : NULL;
		ck_assert_ptr_nonnull(f5);
		int white = cp >= '\t' && cp <= '\r';
		touched[cp] |= *f5 != ';' || strncmp(gc, "Mn", 2) == 0 || strncmp(gc, "Me", 2) == 0 ||
		               (strncmp(gc, "Cc", 2) == 0 && !white);
	}
	free(ucd);
	char *dcp = tu_read_file("/usr/share/unicode/DerivedCoreProperties.txt", &len);
	ck_assert_ptr_nonnull(dcp);
	for (char *line = strtok(dcp, "\n"); line; line = strtok(NULL, "\n")) {
		if (!strstr(line, "; Default_Ignorable_Code_Point"))
			continue;
		char *end;
		unsigned lo = (unsigned)strtoul(line, &end, 16), hi = lo;
		if (end[0] == '.' && end[1] == '.')
			hi = (unsigned)strtoul(end + 2, NULL, 16);
		for (unsigned cp = lo; cp <= hi && cp < 128; cp++)
			touched[cp] = 1;
	}
	free(dcp);
}

/* The plain-text shortcut (src/text/plain.h): a text is plain when it holds none of the
 * ASCII characters some flag touches (Unicode's data above) and nothing beyond ASCII,
 * wherever the byte is (the chunked pass, its last chunk, short texts); each stage-1
 * flag, alone or with all the others, leaves plain text as it is on the general path (but
 * case folding); and a view made without the pass is the one mesura_normalize makes (text
 * and map as on the general path, work as on the fast one), word folds too; and one
 * that borrows it has its text and map. */
START_TEST(plain_text_is_its_own_stage1)
{
	unsigned char touched[128];
	touched_ascii(touched);
	size_t plain_bytes = 0;
	for (unsigned b = 0; b < 128; b++)
		plain_bytes += !touched[b];
	ck_assert_uint_eq(plain_bytes, 128 - 28 - 2); /* C0 and DEL but TAB-CR (28), % & */
	char text[64];
	for (size_t len = 1; len <= 48; len++)
		for (size_t at = 0; at < len; at++)
			for (unsigned b = 0; b < 256; b++) {
				memset(text, 'a', len);
				text[at] = (char)b;
				int want = b < 128 && !touched[b];
				if (mesura_text__is_plain(text, len) != want) /* no checkpoint: 300,000 */
					ck_abort_msg("byte %#x at %zu of %zu", b, at, len);
			}
	ck_assert(mesura_text__is_plain("", 0));
	/* The marks (text_marks) hold exactly the bytes that are not plain, across their
	 * 64-bit words and the last bytes, and say whether there is one. */
	char longer[300];
	text_marks marks;
	for (size_t len = 0; len <= sizeof longer; len++)
		for (size_t at = 0; at <= len; at++) /* at == len: none */
			for (unsigned b = 0; b < 256; b += 37) {
				memset(longer, 'a', len);
				if (at < len)
					longer[at] = (char)b;
				int plain = at == len || (b < 128 && !touched[b]);
				memset(&marks, 0xA5, sizeof marks); /* no bit left from before */
				if (mesura_text__mark_not_plain(longer, len, &marks) != plain)
					ck_abort_msg("marks: byte %#x at %zu of %zu", b, at, len);
				for (size_t k = 0; k < (len + 63) / 64 * 64; k++) /* none past the end */
					if ((int)(marks.words[k / 64] >> (k % 64) & 1) != (!plain && k == at))
						ck_abort_msg("marks: bit %zu, byte %#x at %zu of %zu", k, b, at, len);
			}

	static const unsigned int forms[] = {MESURA_NORM_NFC, MESURA_NORM_NFD, MESURA_NORM_NFKC,
	                                     MESURA_NORM_NFKD};
	static const unsigned int others[] = {MESURA_NORM_CASEFOLD, MESURA_NORM_STRIP_MARKS,
	                                      MESURA_NORM_REMOVE_INVISIBLES, MESURA_NORM_CONFUSABLES,
	                                      MESURA_NORM_DIGITS, MESURA_NORM_DECODE_MARKUP};
	char all[128], lower[128];
	size_t n = 0;
	for (unsigned b = 0; b < 128; b++)
		if (!touched[b]) {
			all[n] = (char)b;
			lower[n++] = (char)(b >= 'A' && b <= 'Z' ? b + 32 : b);
		}
	for (size_t form = 0; form < 4; form++)
		for (size_t other = 0; other <= 7; other++) { /* none, each alone, all */
			unsigned int flags = forms[form];
			for (size_t k = 0; k < 6; k++)
				flags |= other == k + 1 || other == 7 ? others[k] : 0;
			fixture f = make(flags, NULL);
			f.nz->fast_paths = 0;
			size_t len;
			ck_assert_int_eq(mesura_normalize(f.nz, f.view, all, n), MESURA_OK);
			const char *out = mesura_view_text(f.view, &len);
			ck_assert_msg(len == n && memcmp(out, flags & MESURA_NORM_CASEFOLD ? lower : all, n) == 0,
			              "flags %#x changed plain text", flags);
			dispose(&f);
		}

	static const unsigned int views[] = {
	    0, MESURA_NORM_NFKC, MESURA_NORM_MODERATION, MESURA_NORM_MODERATION & ~MESURA_NORM_CASEFOLD,
	    MESURA_NORM_DEOBFUSCATE, MESURA_NORM_MODERATION | MESURA_NORM_LEET,
	    MESURA_NORM_NFKC | MESURA_NORM_COLLAPSE_REPEATS | MESURA_NORM_JOIN_SPACED};
	static const char *const words[] = {"f u c k", "FUUUCK", "h3ll0", "Wow!!", "a-b_c", " ",
	                                    "\t", "\r\n", "$hit", "M1ERDA", "s.h.i.t", "x", "ok"};
	tu_rng rng = {0x91a1};
	mesura_view *general, *borrower;
	ck_assert_int_eq(mesura_view_new(&general, NULL), MESURA_OK);
	ck_assert_int_eq(mesura_view_new(&borrower, NULL), MESURA_OK);
	for (size_t v = 0; v < sizeof views / sizeof views[0]; v++) {
		fixture f = make(views[v], NULL);
		mesura_normalizer_options opts = MESURA_NORMALIZER_OPTIONS_INIT;
		opts.flags = views[v];
		mesura_normalizer *slow;
		ck_assert_int_eq(mesura_normalizer_new(&slow, &opts, NULL), MESURA_OK);
		slow->fast_paths = 0;
		for (int i = 0; i < 2000; i++) {
			char post[400];
			size_t len = 0, items = tu_rng_below(&rng, 40);
			for (size_t k = 0; k < items; k++) {
				const char *w = words[tu_rng_below(&rng, sizeof words / sizeof words[0])];
				if (len + strlen(w) < sizeof post)
					memcpy(post + len, w, strlen(w)), len += strlen(w);
			}
			if (!mesura_text__is_plain(post, len) ||
			    mesura_text__normalize_plain(f.nz, f.view, post, len) != MESURA_OK ||
			    mesura_normalize(slow, general, post, len) != MESURA_OK)
				ck_abort_msg("flags %#x: \"%.*s\"", views[v], (int)len, post);
			/* The same text and map (not atom for atom: the general path makes a block of
			 * each capital it lower-cases). */
			const view_buf *a = &f.view->cur, *b = &general->cur;
			if (a->len != b->len || memcmp(a->text, b->text, a->len + 1) != 0)
				ck_abort_msg("flags %#x: \"%.*s\"", views[v], (int)len, post);
			for (size_t k = 0; k <= a->len; k++) /* each byte, each gap */
				for (size_t end = k; end <= k + 1 && end <= a->len; end++) {
					size_t s1, e1, s2, e2;
					if (mesura_view_source_range(f.view, k, end, &s1, &e1) != MESURA_OK ||
					    mesura_view_source_range(general, k, end, &s2, &e2) != MESURA_OK ||
					    s1 != s2 || e1 != e2)
						ck_abort_msg("flags %#x: [%zu,%zu) of \"%.*s\"", views[v], k, end,
						             (int)len, post);
				}
			if (!(views[v] & MESURA_TEXT_WORD_FOLDS)) { /* a view of it borrowed, the same */
				mesura_text__borrow_plain(borrower, f.view);
				size_t got;
				const char *t = mesura_view_text(borrower, &got);
				size_t s1, e1;
				if (got != a->len || memcmp(t, a->text, got) != 0 ||
				    mesura_view_source_range(borrower, 0, got, &s1, &e1) != MESURA_OK || s1 != 0 ||
				    e1 != len || mesura_view_source_length(borrower) != len)
					ck_abort_msg("flags %#x: borrowed \"%.*s\"", views[v], (int)len, post);
			}
			uint64_t steps = f.view->steps; /* the work the fast path counts */
			if (mesura_normalize(f.nz, general, post, len) != MESURA_OK || steps != general->steps ||
			    mesura_view_source_length(f.view) != len)
				ck_abort_msg("flags %#x: \"%.*s\": work %llu, %llu", views[v], (int)len, post,
				             (unsigned long long)steps, (unsigned long long)general->steps);
		}
		mesura_normalizer_free(slow);
		dispose(&f);
	}
	mesura_view_free(general);
	mesura_view_free(borrower);
}
END_TEST

START_TEST(leet_folds_only_inside_words_with_letters)
{
	assert_view(MESURA_NORM_LEET, "m1erda h3ll0 w0rld", "mierda hello world");
	assert_view(MESURA_NORM_LEET, "$hit sh!t @ss", "shit shit ass");
	assert_view(MESURA_NORM_LEET, "2024 4111 1111 3.5", "2024 4111 1111 3.5");
	assert_view(MESURA_NORM_LEET, "hola! wow!!", "hola! wow!!");
	/* Three digits or more in a row are a number, even next to letters. */
	assert_view(MESURA_NORM_LEET, "#a\xc3\xb1o2024 100k f00l l33t", "#a\xc3\xb1o2024 100k fool leet");
	assert_view(MESURA_NORM_MODERATION, "M1ERD4", "mierda");
}
END_TEST

/* A run of leet symbols gets one answer for all its symbols: letters when a letter or
 * digit follows the run, else punctuation. (Asked per symbol, 100 KB of '@' took
 * seconds: tests/check_linear.c counts the work.) */
/* 1 stands for l as well as i, 6 and 9 for g: two 1s are "ll" (i i is no English or
 * Spanish spelling), a 1 next to an i is l, and at the end of a word after a, e, o, u;
 * a run of | ending a word after a letter is l's. Numbers, versions and prices stay. */
START_TEST(leet_l_and_g)
{
	const unsigned m = MESURA_NORM_MODERATION;
	assert_view(m, "ki11 po11a gi1ipo11as confidentia1 confidencia1 ma1",
	            "kill polla gilipollas confidential confidencial mal");
	assert_view(m, "ki|| confidentia| he|lo", "kill confidential hello");
	assert_view(m, "6ilipollas gi6 9ilipollas", "gilipollas gig gilipollas");
	/* 1 is still i elsewhere: m1erda sh1t h1 1st b1tch k1ll */
	assert_view(m, "m1erda sh1t h1 1st b1tch k1ll", "mierda shit hi ist bitch kill");
	/* Numbers: versions, prices, times, dates; a | between single letters separates. */
	assert_view(m, "v1.2.11 3.5 $1,100 6pm 11:30 6/11/2024 1 11 6 a|b",
	            "vi.2.11 3.5 $1,100 gpm 11:30 6/11/2024 1 11 6 a|b");
	assert_view(MESURA_NORM_LEET, "KI11 CONFIDENTIA1 GI1I", "KIll CONFIDENTIAl GIlI");
}
END_TEST

START_TEST(leet_symbol_runs_fold_whole)
{
	assert_view(MESURA_NORM_LEET, "a@@@@b b!!tch a$$ wow!!! @@@@ x|$@!y",
	            "aaaaab biitch a$$ wow!!! @@@@ xlsaiy");
	assert_view(MESURA_NORM_LEET, "@@@1x", "aaaix");
	size_t n = 100000;
	char *post = malloc(n + 2), *want = malloc(n + 2);
	memset(post, '@', n);
	memcpy(post + n, "a", 2);
	memset(want, 'a', n + 1);
	want[n + 1] = '\0';
	assert_view(MESURA_NORM_MODERATION, post, want);
	post[n] = '\0'; /* no letter after the run: it stays */
	assert_view(MESURA_NORM_MODERATION, post, post);
	free(post);
	free(want);
}
END_TEST

START_TEST(collapse_repeats_maps_to_the_whole_run)
{
	const char *src = "fuuuuck yeees";
	fixture f = make(MESURA_NORM_COLLAPSE_REPEATS, NULL);
	ck_assert_str_eq(norm(&f, src), "fuck yes");
	assert_source(&f, src, 1, 2, "uuuu");
	assert_source(&f, src, 0, 4, "fuuuuck");
	assert_source(&f, src, 5, 8, "yeees");
	ck_assert_str_eq(norm(&f, "1000 !!!"), "1000 !!!"); /* letters only */
	/* and white space: a run of it reads as one space (its first character) */
	ck_assert_str_eq(norm(&f, "hijo   de\t\tputa"), "hijo de\tputa");
	assert_source(&f, "hijo   de\t\tputa", 4, 5, "   ");
	dispose(&f);
}
END_TEST

START_TEST(join_spaced_letters)
{
	const char *src = "eres un g.i.l.i.p.o.l.l.a.s";
	fixture f = make(MESURA_NORM_JOIN_SPACED, NULL);
	ck_assert_str_eq(norm(&f, src), "eres un gilipollas");
	assert_source(&f, src, 8, 18, "g.i.l.i.p.o.l.l.a.s");
	ck_assert_str_eq(norm(&f, "f u c k you"), "fuck you");
	ck_assert_str_eq(norm(&f, "F-U-C-K."), "FUCK.");
	ck_assert_str_eq(norm(&f, "a b and c d"), "a b and c d");   /* runs of two stay */
	ck_assert_str_eq(norm(&f, "s.h i-t"), "s.h i-t");            /* mixed separators */
	ck_assert_str_eq(norm(&f, "x a b c"), "xabc");
	/* A failed run ("a C", two letters) does not hide the run that starts after it. */
	ck_assert_str_eq(norm(&f, "met a C.R.T. And"), "met a CRT. And");
	dispose(&f);
	assert_view(MESURA_NORM_DEOBFUSCATE, "F  U  C  K", "fuck");

	/* Joined, then collapsed: the kept u covers both u and the space between. */
	const char *src2 = "a f u u c k";
	fixture both = make(MESURA_NORM_JOIN_SPACED | MESURA_NORM_COLLAPSE_REPEATS, NULL);
	ck_assert_str_eq(norm(&both, src2), "afuck");
	assert_source(&both, src2, 2, 3, "u u");
	assert_source(&both, src2, 0, 5, src2);
	ck_assert_str_eq(norm(&both, "nothing to do here"), "nothing to do here");
	ck_assert_str_eq(norm(&both, "bookkeeper"), "bokeper");
	dispose(&both);
}
END_TEST

/* Separators beyond space . - _ *: slash, pipe, apostrophes, tab, line breaks, middle
 * dot, bullet, emoji; ordinary text does not join into words. */
START_TEST(join_spaced_letters_other_separators)
{
	const unsigned d = MESURA_NORM_DEOBFUSCATE;
	static const char *const joined[] = {
	    "f/u/c/k", "f|u|c|k", "f'u'c'k", "f\xe2\x80\x99u\xe2\x80\x99" "c\xe2\x80\x99k", "f\tu\tc\tk",
	    "f\nu\nc\nk", "f\r\nu\r\nc\r\nk", "f\ru\rc\rk", "f\n\nu\n\nc\n\nk",
	    "f\xe2\x80\xa8u\xe2\x80\xa8" "c\xe2\x80\xa8k",         /* U+2028 */
	    "f\xc2\xb7u\xc2\xb7" "c\xc2\xb7k",                     /* middle dot */
	    "f\xe2\x80\xa2u\xe2\x80\xa2" "c\xe2\x80\xa2k",         /* bullet */
	    "f\xf0\x9f\x8d\x86u\xf0\x9f\x8d\x86" "c\xf0\x9f\x8d\x86k", /* 🍆 */
	    /* 👨‍👩‍👧 (ZWJ sequence), 👍🏽 (skin tone), ❤️ (VS16), 🍆🍆 */
	    "f\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x91\xa7u"
	    "\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x91\xa7" "c"
	    "\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x91\xa7k",
	    "f\xf0\x9f\x91\x8d\xf0\x9f\x8f\xbdu\xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd" "c\xf0\x9f\x91\x8d\xf0\x9f\x8f\xbdk",
	    "f\xe2\x9d\xa4\xef\xb8\x8fu\xe2\x9d\xa4\xef\xb8\x8f" "c\xe2\x9d\xa4\xef\xb8\x8fk",
	    "f\xf0\x9f\x8d\x86\xf0\x9f\x8d\x86u\xf0\x9f\x8d\x86\xf0\x9f\x8d\x86" "c\xf0\x9f\x8d\x86\xf0\x9f\x8d\x86k",
	    "f\xf0\x9f\x8f\xbdu\xf0\x9f\x8f\xbd" "c\xf0\x9f\x8f\xbdk", /* a skin tone alone: a swatch */
	};
	for (size_t i = 0; i < sizeof joined / sizeof joined[0]; i++)
		assert_view(d, joined[i], "fuck");
	/* JOIN_SPACED alone (ZWJ and VS16 still in the text): the same. */
	assert_view(MESURA_NORM_JOIN_SPACED, joined[14], "fuck");
	assert_view(MESURA_NORM_JOIN_SPACED, joined[16], "fuck");
	/* The map: a deleted separator falls inside the span of the letters around it. */
	const char *src = "x f\xe2\x80\xa2u\xe2\x80\xa2" "c\xe2\x80\xa2k y";
	fixture f = make(MESURA_NORM_JOIN_SPACED, NULL);
	ck_assert_str_eq(norm(&f, src), "x fuck y");
	assert_source(&f, src, 2, 6, "f\xe2\x80\xa2u\xe2\x80\xa2" "c\xe2\x80\xa2k");
	assert_source(&f, src, 3, 4, "u");
	dispose(&f);
	/* Ordinary text: two letters, a word after the letter, separators of two kinds,
	 * spaced bullets (space and bullet alternate). */
	static const char *const kept[] = {
	    "i/o and a/b testing", "w/o and c/o", "i'm ok, don't", "a \xe2\x80\xa2 b \xe2\x80\xa2 c",
	    "col\xc2\xb7lecci\xc3\xb3", "s/he", "a/b c", "a|b", "1/2/3", "a\nbc\nd", "f/u.c-k",
	    "x\xf0\x9f\x98\x82y", "a\xf0\x9f\x98\x82 b\xf0\x9f\x98\x82 c",
	};
	for (size_t i = 0; i < sizeof kept / sizeof kept[0]; i++)
		assert_view(MESURA_NORM_JOIN_SPACED | MESURA_NORM_LEET, kept[i], kept[i]);
	/* An emoji separator is at most 12 code points: a long run separates nothing. */
	char run[200] = "a";
	for (int k = 0; k < 13; k++)
		strcat(run, "\xf0\x9f\x98\x82");
	char post[600];
	snprintf(post, sizeof post, "%sb%sc", run, run + 1);
	assert_view(d, post, post);
}
END_TEST

/* Whether the moderation view (m) of s is other characters than s without its
 * invisibles (inv). */
static int view_changes(fixture *m, fixture *inv, const char *s)
{
	const char *plain = norm(inv, s);
	const char *seen = norm(m, s);
	return strcmp(plain, seen) != 0;
}

/* Every fully-qualified emoji of Unicode's emoji-test.txt separates spaced letters:
 * f😀u😀c😀k reads "fuck". But those the view itself makes other characters: keycaps
 * (a digit, # or * with a mark the view strips), what NFKC makes letters or
 * punctuation (‼ "!!", ™ "tm", ℹ "i", Ⓜ "m", 🈁 "ココ", ㊗ "祝") and the letters of the
 * look-alike table (🅰 🅱 🅾 🅿): letters, or leet, there. */
START_TEST(join_spaced_letters_every_emoji)
{
	size_t len, tested = 0, changed = 0;
	char *text = tu_read_file(tu_data_path("emoji-test.txt"), &len);
	fixture f = make(MESURA_NORM_DEOBFUSCATE, NULL);
	fixture m = make(MESURA_NORM_MODERATION & ~MESURA_NORM_LEET, NULL);
	fixture inv = make(MESURA_NORM_REMOVE_INVISIBLES, NULL);
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		if (line[0] == '#' || !strstr(line, "; fully-qualified"))
			continue;
		char emoji[64];
		size_t n = 0;
		for (char *p = line; *p != ';';) {
			char *end;
			unsigned long cp = strtoul(p, &end, 16);
			if (end == p)
				break;
			n += tu_utf8_encode((uint32_t)cp, emoji + n);
			p = end;
			while (*p == ' ')
				p++;
		}
		emoji[n] = '\0';
		if (view_changes(&m, &inv, emoji)) {
			changed++;
			continue;
		}
		char post[256];
		snprintf(post, sizeof post, "f%su%sc%sk", emoji, emoji, emoji);
		const char *got = norm(&f, post);
		ck_assert_msg(strcmp(got, "fuck") == 0, "%s -> %s", line, got);
		tested++;
	}
	fprintf(stderr, "normalize: %zu emoji separate spaced letters, %zu become other characters\n",
	        tested, changed);
	ck_assert_uint_eq(changed, 38);
	ck_assert_uint_eq(tested + changed, 3655); /* fully-qualified in Unicode 15 */
	dispose(&inv);
	dispose(&m);
	dispose(&f);
	free(text);
}
END_TEST

START_TEST(map_of_the_moderation_view)
{
	const char *src = "\xc3\x91" "and\xc3\xba \xef\xac\x81" "esta \xe2\x80\x8bM1ERDA";
	fixture f = make(MESURA_NORM_MODERATION, NULL);
	const char *out = norm(&f, src);
	ck_assert_str_eq(out, "\xc3\xb1" "andu fiesta mierda");
	assert_source(&f, src, 0, 2, "\xc3\x91");
	assert_source(&f, src, 1, 2, "\xc3\x91"); /* inside a character: the whole character */
	assert_source(&f, src, 5, 6, "\xc3\xba");
	assert_source(&f, src, 7, 8, "\xef\xac\x81"); /* f of ﬁ */
	assert_source(&f, src, 8, 9, "\xef\xac\x81"); /* i of ﬁ */
	assert_source(&f, src, 14, 20, "M1ERDA");
	assert_source(&f, src, 13, 20, " \xe2\x80\x8bM1ERDA");
	size_t s, e, len;
	mesura_view_text(f.view, &len);
	ck_assert_int_eq(mesura_view_source_range(f.view, 0, len, &s, &e), MESURA_OK);
	ck_assert_uint_eq(s, 0);
	ck_assert_uint_eq(e, strlen(src));
	ck_assert_int_eq(mesura_view_source_range(f.view, 3, 3, &s, &e), MESURA_OK);
	ck_assert_uint_eq(s, 3);
	ck_assert_uint_eq(e, 3);
	ck_assert_int_eq(mesura_view_source_range(f.view, len, len, &s, &e), MESURA_OK);
	ck_assert_uint_eq(s, strlen(src));
	ck_assert_int_eq(mesura_view_source_range(f.view, 4, 3, &s, &e), MESURA_EINVAL);
	ck_assert_int_eq(mesura_view_source_range(f.view, 0, len + 1, &s, &e), MESURA_EINVAL);
	ck_assert_uint_eq(mesura_view_source_length(f.view), strlen(src));
	dispose(&f);
}
END_TEST

/* Accented Latin text that stage 1 leaves as it is goes through in one run, ASCII and
 * precomputed characters together (normalize.c, same_run), with a one-to-one map; a
 * character that a mark after it changes is handed to the general path, which the
 * run must not swallow: é then a dot below is ẹ and an acute in NFKC. */
START_TEST(unchanged_runs_hand_over_to_the_general_path)
{
	const char *src = "Se\xc3\xb1" "al en el caf\xc3\xa9 de Andaluc\xc3\xad" "a, M\xc3\xa1s "
	                  "\xc3\xa9\xcc\xa3 y \xc3\xa1";
	fixture f = make(MESURA_NORM_NFKC, NULL);
	const char *out = norm(&f, src);
	ck_assert_str_eq(out, "Se\xc3\xb1" "al en el caf\xc3\xa9 de Andaluc\xc3\xad" "a, M\xc3\xa1s "
	                      "\xe1\xba\xb9\xcc\x81 y \xc3\xa1");
	size_t at = strlen("Se\xc3\xb1" "al en el caf\xc3\xa9 de Andaluc\xc3\xad" "a, M\xc3\xa1s ");
	for (size_t i = 0; i < at; i++) { /* one to one, whole characters */
		size_t s, e;
		ck_assert_int_eq(mesura_view_source_range(f.view, i, i + 1, &s, &e), MESURA_OK);
		ck_assert_uint_le(s, i);
		ck_assert_uint_gt(e, i);
		ck_assert_uint_le(e - s, 2);
	}
	assert_source(&f, src, 2, 4, "\xc3\xb1"); /* ñ */
	assert_source(&f, src, at, at + 5, "\xc3\xa9\xcc\xa3"); /* ẹ́: é and the dot below */
	assert_source(&f, src, at + 8, at + 10, "\xc3\xa1"); /* á after the hand-over */
	dispose(&f);
	/* Case folding: the ASCII capitals of a run lower-cased a chunk at a time, its other
	 * bytes kept; Ñ and Ó, which folding changes, between runs. */
	assert_view(MESURA_NORM_NFKC | MESURA_NORM_CASEFOLD,
	            "Ya viene el Ni\xc3\xb1o: PEQUE\xc3\x91O CAMI\xc3\x93N, a\xc3\xb1o 2024 \xc3\xb1" "and\xc3\xba",
	            "ya viene el ni\xc3\xb1o: peque\xc3\xb1o cami\xc3\xb3n, a\xc3\xb1o 2024 \xc3\xb1" "and\xc3\xba");
}
END_TEST

START_TEST(ill_formed_input_is_repaired_and_mapped)
{
	const char src[] = "ab\xc0\x80" "c\xed\xa0\x80" "d\xe2\x82";
	fixture f = make(MESURA_NORM_MODERATION, NULL);
	ck_assert_int_eq(mesura_normalize(f.nz, f.view, src, sizeof src - 1), MESURA_OK);
	ck_assert_uint_eq(mesura_view_repairs(f.view), 6);
	size_t len;
	const char *out = mesura_view_text(f.view, &len);
	ck_assert_int_eq(mesura_utf8_validate(out, len, NULL), MESURA_OK);
	ck_assert_mem_eq(out, "ab\xef\xbf\xbd\xef\xbf\xbd" "c", 9);
	assert_source(&f, src, 2, 5, "\xc0");
	assert_source(&f, src, 5, 8, "\x80");
	dispose(&f);
}
END_TEST

START_TEST(nul_bytes_are_characters)
{
	const char src[] = "a\0B\0";
	fixture f = make(MESURA_NORM_NFKC | MESURA_NORM_CASEFOLD, NULL);
	ck_assert_int_eq(mesura_normalize(f.nz, f.view, src, 4), MESURA_OK);
	size_t len;
	const char *out = mesura_view_text(f.view, &len);
	ck_assert_uint_eq(len, 4);
	ck_assert_mem_eq(out, "a\0b\0", 5); /* and a terminating NUL after them */
	dispose(&f);
	fixture m = make(MESURA_NORM_MODERATION, NULL); /* a control: removed with invisibles */
	ck_assert_int_eq(mesura_normalize(m.nz, m.view, src, 4), MESURA_OK);
	out = mesura_view_text(m.view, &len);
	ck_assert_uint_eq(len, 2);
	ck_assert_mem_eq(out, "ab\0", 3);
	dispose(&m);
}
END_TEST

START_TEST(misuse_gets_a_status)
{
	mesura_normalizer *nz = NULL;
	mesura_view *view = NULL;
	mesura_normalizer_options opts = MESURA_NORMALIZER_OPTIONS_INIT;
	opts.flags = MESURA_NORM_NFC | MESURA_NORM_NFKD;
	ck_assert_int_eq(mesura_normalizer_new(&nz, &opts, NULL), MESURA_EINVAL);
	opts.flags = 1u << 30;
	ck_assert_int_eq(mesura_normalizer_new(&nz, &opts, NULL), MESURA_EINVAL);
	opts.flags = MESURA_NORM_CASEFOLD;
	opts.version = 99;
	ck_assert_int_eq(mesura_normalizer_new(&nz, &opts, NULL), MESURA_EVERSION);
	ck_assert_int_eq(mesura_normalizer_options_init(&opts, 99), MESURA_EVERSION);
	ck_assert_int_eq(mesura_normalizer_options_init(&opts, MESURA_NORMALIZER_OPTIONS_VERSION),
	                 MESURA_OK);
	ck_assert_int_eq(mesura_normalizer_new(NULL, &opts, NULL), MESURA_EINVAL);
	mesura_allocator half = {NULL, NULL, NULL, NULL};
	ck_assert_int_eq(mesura_view_new(&view, &half), MESURA_EINVAL);

	ck_assert_int_eq(mesura_normalizer_new(&nz, NULL, NULL), MESURA_OK);
	ck_assert_uint_eq(mesura_normalizer_flags(nz), MESURA_NORM_MODERATION);
	ck_assert_int_eq(mesura_view_new(&view, NULL), MESURA_OK);
	ck_assert_int_eq(mesura_normalize(NULL, view, "x", 1), MESURA_EINVAL);
	ck_assert_int_eq(mesura_normalize(nz, NULL, "x", 1), MESURA_EINVAL);
	ck_assert_int_eq(mesura_normalize(nz, view, NULL, 1), MESURA_EINVAL);
	ck_assert_int_eq(mesura_normalize(nz, view, NULL, 0), MESURA_OK);
	size_t len = 9;
	ck_assert_str_eq(mesura_view_text(view, &len), "");
	ck_assert_uint_eq(len, 0);
	mesura_view_free(view);
	mesura_normalizer_free(nz);
	mesura_view_free(NULL);
	mesura_normalizer_free(NULL);

	/* CASEFOLD alone implies NFC. */
	opts.flags = MESURA_NORM_CASEFOLD;
	ck_assert_int_eq(mesura_normalizer_new(&nz, &opts, NULL), MESURA_OK);
	ck_assert_uint_eq(mesura_normalizer_flags(nz), MESURA_NORM_CASEFOLD | MESURA_NORM_NFC);
	mesura_normalizer_free(nz);
}
END_TEST

START_TEST(one_mebibyte_post)
{
	size_t len = 1u << 20;
	char *src = malloc(len);
	static const char piece[] = "Hola M1ERDA \xc3\xb1" "and\xc3\xba \xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9 ";
	for (size_t i = 0; i < len; i++)
		src[i] = piece[i % (sizeof piece - 1)];
	fixture f = make(MESURA_NORM_DEOBFUSCATE, NULL);
	ck_assert_int_eq(mesura_normalize(f.nz, f.view, src, len), MESURA_OK);
	size_t out_len, s, e;
	const char *out = mesura_view_text(f.view, &out_len);
	ck_assert_uint_gt(out_len, len / 2);
	ck_assert_ptr_nonnull(strstr(out, "hola mierda"));
	ck_assert_int_eq(mesura_view_source_range(f.view, 0, out_len, &s, &e), MESURA_OK);
	ck_assert_uint_eq(s, 0);
	ck_assert_uint_le(e, len);
	ck_assert_uint_ge(e, len - sizeof piece);
	dispose(&f);
	free(src);
}
END_TEST

/* 100k combining marks on one letter: canonical ordering must stay linear, the
 * result must be right, and nothing may hang. */
START_TEST(hundred_thousand_marks)
{
	size_t n = 100000, len = 1 + 2 * n;
	char *src = malloc(len);
	src[0] = 'a';
	for (size_t i = 0; i < n; i++) { /* alternate U+0301 (ccc 230), U+0323 (ccc 220) */
		src[1 + 2 * i] = '\xcc';
		src[2 + 2 * i] = i % 2 ? '\xa3' : '\x81';
	}
	fixture strip = make(MESURA_NORM_MODERATION, NULL);
	ck_assert_int_eq(mesura_normalize(strip.nz, strip.view, src, len), MESURA_OK);
	ck_assert_str_eq(mesura_view_text(strip.view, NULL), "a");
	dispose(&strip);

	fixture nfc = make(MESURA_NORM_NFC, NULL);
	ck_assert_int_eq(mesura_normalize(nfc.nz, nfc.view, src, len), MESURA_OK);
	size_t out_len;
	const unsigned char *out = (const unsigned char *)mesura_view_text(nfc.view, &out_len);
	/* ạ (a + dot below, 3 bytes as the pair was) composes; the other dots below follow,
	 * then the acutes (no precomposed letter has both). */
	ck_assert_uint_eq(out_len, len);
	ck_assert_mem_eq(out, "\xe1\xba\xa1", 3);
	ck_assert_mem_eq(out + 3, "\xcc\xa3", 2);
	ck_assert_mem_eq(out + out_len - 2, "\xcc\x81", 2);
	dispose(&nfc);
	free(src);
}
END_TEST

START_TEST(views_are_reusable)
{
	static const char *posts[] = {"Hola M1ERDA", "", "caf\xc3\xa9 \xe2\x80\x8b", "f u c k",
	                              "\xff\xfe", "\xc3\x91" "and\xc3\xba fuuuck"};
	fixture shared = make(MESURA_NORM_DEOBFUSCATE, NULL);
	for (int round = 0; round < 3; round++)
		for (size_t i = 0; i < sizeof posts / sizeof posts[0]; i++) {
			fixture fresh = make(MESURA_NORM_DEOBFUSCATE, NULL);
			ck_assert_str_eq(norm(&shared, posts[i]), norm(&fresh, posts[i]));
			ck_assert_uint_eq(mesura_view_repairs(shared.view), mesura_view_repairs(fresh.view));
			dispose(&fresh);
		}
	dispose(&shared);
}
END_TEST

/* Every allocation failure gives MESURA_ENOMEM and leaks nothing (SQLite-style sweep). */
START_TEST(allocation_failures_are_clean)
{
	char post[4096];
	size_t len = 0;
	while (len + 40 < sizeof post)
		len += (size_t)sprintf(post + len, "M1ERDA f u c k \xc3\x91" "and\xc3\xba%zu ", len);
	int succeeded = 0;
	for (size_t fail_after = 0; !succeeded && fail_after < 1000; fail_after++) {
		tu_failing_alloc fa;
		tu_failing_alloc_init(&fa, fail_after);
		mesura_normalizer *nz = NULL;
		mesura_view *view = NULL;
		mesura_normalizer_options opts = MESURA_NORMALIZER_OPTIONS_INIT;
		opts.flags = MESURA_NORM_DEOBFUSCATE;
		int rc = mesura_normalizer_new(&nz, &opts, &fa.hooks);
		if (rc == MESURA_OK)
			rc = mesura_view_new(&view, &fa.hooks);
		if (rc == MESURA_OK)
			rc = mesura_normalize(nz, view, post, len);
		if (rc == MESURA_OK) {
			succeeded = 1;
			ck_assert_ptr_nonnull(strstr(mesura_view_text(view, NULL), "mierda fuck"));
		} else {
			ck_assert_int_eq(rc, MESURA_ENOMEM);
			if (view) { /* a failed normalize leaves an empty, usable view */
				size_t out_len;
				mesura_view_text(view, &out_len);
				ck_assert_uint_eq(out_len, 0);
			}
		}
		mesura_view_free(view);
		mesura_normalizer_free(nz);
		ck_assert_uint_eq(fa.live, 0);
	}
	ck_assert(succeeded);
}
END_TEST

static void *make_and_free_normalizers(void *arg)
{
	const unsigned int *flags = arg;
	for (int i = 0; i < 200; i++) {
		mesura_normalizer_options opts = MESURA_NORMALIZER_OPTIONS_INIT;
		opts.flags = flags[i % 3];
		mesura_normalizer *nz;
		mesura_view *view;
		if (mesura_normalizer_new(&nz, &opts, NULL) != MESURA_OK)
			return arg;
		if (mesura_view_new(&view, NULL) != MESURA_OK ||
		    mesura_normalize(nz, view, "\xc3\x91o\xc3\xb1o \xd0\xb0", 8) != MESURA_OK) {
			mesura_normalizer_free(nz);
			return arg;
		}
		mesura_view_free(view);
		mesura_normalizer_free(nz);
	}
	return NULL;
}

/* Normalisers with the same options and allocator share one precomputed table, counted:
 * each works on its own once the other is gone (the sanitizers catch a table freed
 * too soon), one with another allocator or other options gets its own, and threads
 * making and freeing them at once (the ThreadSanitizer build runs this) agree. */
START_TEST(normalizers_share_their_precomputed_table)
{
	mesura_normalizer_options opts = MESURA_NORMALIZER_OPTIONS_INIT;
	mesura_normalizer *a, *b, *c, *d;
	ck_assert_int_eq(mesura_normalizer_new(&a, &opts, NULL), MESURA_OK);
	ck_assert_int_eq(mesura_normalizer_new(&b, &opts, NULL), MESURA_OK);
	ck_assert_ptr_eq(a->pre, b->pre);
	tu_failing_alloc fa;
	tu_failing_alloc_init(&fa, SIZE_MAX);
	ck_assert_int_eq(mesura_normalizer_new(&c, &opts, &fa.hooks), MESURA_OK);
	ck_assert_ptr_ne(a->pre, c->pre);
	opts.keep_letters = "";
	ck_assert_int_eq(mesura_normalizer_new(&d, &opts, NULL), MESURA_OK);
	ck_assert_ptr_ne(a->pre, d->pre);
	mesura_normalizer_free(a);
	mesura_view *view;
	ck_assert_int_eq(mesura_view_new(&view, NULL), MESURA_OK);
	ck_assert_int_eq(mesura_normalize(b, view, "\xc3\x91" "ANDU \xc3\xa9", 9), MESURA_OK);
	ck_assert_str_eq(mesura_view_text(view, NULL), "\xc3\xb1" "andu e");
	ck_assert_int_eq(mesura_normalize(d, view, "\xc3\x91" "ANDU \xc3\xa9", 9), MESURA_OK);
	ck_assert_str_eq(mesura_view_text(view, NULL), "nandu e");
	mesura_view_free(view);
	mesura_normalizer_free(b);
	mesura_normalizer_free(c);
	mesura_normalizer_free(d);
	ck_assert_uint_eq(fa.live, 0);

	/* The word folds (leet, repeats, spaced letters) rework words after stage 1: a
	 * normaliser with them shares the table of one without, and makes what the general
	 * path (no table) makes of precomputed characters among leet and repeats; case
	 * folding changes the table. */
	mesura_normalizer *stage1, *folds, *general, *other;
	mesura_normalizer_options o = MESURA_NORMALIZER_OPTIONS_INIT;
	o.flags = MESURA_NORM_NFKC | MESURA_NORM_CASEFOLD | MESURA_NORM_STRIP_MARKS |
	          MESURA_NORM_CONFUSABLES;
	ck_assert_int_eq(mesura_normalizer_new(&stage1, &o, NULL), MESURA_OK);
	o.flags |= MESURA_NORM_LEET | MESURA_NORM_COLLAPSE_REPEATS | MESURA_NORM_JOIN_SPACED;
	ck_assert_int_eq(mesura_normalizer_new(&folds, &o, NULL), MESURA_OK);
	ck_assert_int_eq(mesura_normalizer_new(&general, &o, NULL), MESURA_OK);
	ck_assert_ptr_eq(folds->pre, stage1->pre);
	general->fast_paths = 0;
	o.flags &= ~(unsigned int)MESURA_NORM_CASEFOLD;
	ck_assert_int_eq(mesura_normalizer_new(&other, &o, NULL), MESURA_OK);
	ck_assert_ptr_ne(other->pre, stage1->pre);
	const char *text = "\xc3\x91" "4nd\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc s h \xc4\xb1 t "
	                   "\xc5\x9f" "3x\xd0\xb0 \xef\xbc\xb0\xc3\x8d";
	char *fast = NULL;
	ck_assert_int_eq(mesura_view_new(&view, NULL), MESURA_OK);
	ck_assert_int_eq(mesura_normalize(folds, view, text, strlen(text)), MESURA_OK);
	fast = strdup(mesura_view_text(view, NULL));
	ck_assert_int_eq(mesura_normalize(general, view, text, strlen(text)), MESURA_OK);
	ck_assert_str_eq(fast, mesura_view_text(view, NULL));
	ck_assert_str_eq(fast, "\xc3\xb1" "andu shit sexa pi"); /* ñ is a keep-letter */
	free(fast);
	mesura_view_free(view);
	mesura_normalizer_free(stage1);
	mesura_normalizer_free(folds);
	mesura_normalizer_free(general);
	mesura_normalizer_free(other);

	unsigned int flags[3] = {MESURA_NORM_MODERATION, MESURA_NORM_DEOBFUSCATE,
	                         MESURA_NORM_NFKC | MESURA_NORM_CASEFOLD};
	pthread_t tids[4];
	for (int t = 0; t < 4; t++)
		ck_assert_int_eq(pthread_create(&tids[t], NULL, make_and_free_normalizers, flags), 0);
	for (int t = 0; t < 4; t++) {
		void *failed;
		pthread_join(tids[t], &failed);
		ck_assert_ptr_null(failed);
	}
}
END_TEST

typedef struct {
	const mesura_normalizer *nz;
	const char **posts;
	size_t n;
	char **results;
} thread_job;

static void *normalize_all(void *arg)
{
	thread_job *job = arg;
	mesura_view *view;
	if (mesura_view_new(&view, NULL) != MESURA_OK)
		return NULL;
	for (size_t i = 0; i < job->n; i++) {
		if (mesura_normalize(job->nz, view, job->posts[i], strlen(job->posts[i])) != MESURA_OK)
			break;
		job->results[i] = strdup(mesura_view_text(view, NULL));
	}
	mesura_view_free(view);
	return NULL;
}

/* One shared normalizer, one view per thread: the same results as one thread. */
START_TEST(threads_share_one_normalizer)
{
	enum { THREADS = 4, POSTS = 2000 };
	const char *posts[POSTS];
	char bufs[POSTS][64];
	tu_rng rng = {11};
	static const char *words[] = {"M1ERDA", "h\xc3\xb3la", "\xd1\x80\xd0\xb0y", "f u c k",
	                              "\xef\xac\x81n", "\xe2\x80\x8b", "\xc3\x91", "2024"};
	for (size_t i = 0; i < POSTS; i++) {
		size_t len = 0;
		for (int w = 0; w < 4; w++)
			len += (size_t)sprintf(bufs[i] + len, "%s ", words[tu_rng_below(&rng, 8)]);
		posts[i] = bufs[i];
	}
	mesura_normalizer *nz;
	ck_assert_int_eq(mesura_normalizer_new(&nz, NULL, NULL), MESURA_OK);
	char *expected[POSTS] = {0}, *got[THREADS][POSTS];
	memset(got, 0, sizeof got);
	thread_job single = {nz, posts, POSTS, expected};
	normalize_all(&single);
	pthread_t tids[THREADS];
	thread_job jobs[THREADS];
	for (int t = 0; t < THREADS; t++) {
		jobs[t] = (thread_job){nz, posts, POSTS, got[t]};
		ck_assert_int_eq(pthread_create(&tids[t], NULL, normalize_all, &jobs[t]), 0);
	}
	for (int t = 0; t < THREADS; t++)
		pthread_join(tids[t], NULL);
	for (int t = 0; t < THREADS; t++)
		for (size_t i = 0; i < POSTS; i++) {
			ck_assert_ptr_nonnull(got[t][i]);
			ck_assert_str_eq(got[t][i], expected[i]);
			free(got[t][i]);
		}
	for (size_t i = 0; i < POSTS; i++)
		free(expected[i]);
	mesura_normalizer_free(nz);
}
END_TEST

static Suite *normalize_suite(void)
{
	Suite *s = suite_create("normalize");
	TCase *tc = tcase_create("views");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, casefold_and_compatibility);
	tcase_add_test(tc, unchanged_runs_hand_over_to_the_general_path);
	tcase_add_test(tc, strip_marks_keeps_spanish_enye);
	tcase_add_test(tc, keep_letters_must_decompose);
	tcase_add_test(tc, invisibles_are_removed_and_mapped_around);
	tcase_add_test(tc, controls_are_removed_with_the_invisibles);
	tcase_add_test(tc, right_to_left_override_reads_in_display_order);
	tcase_add_test(tc, markup_decodes_to_printable_text);
	tcase_add_test(tc, confusables_map_lookalikes_to_latin);
	tcase_add_test(tc, lookalikes_read_in_context);
	tcase_add_test(tc, stacked_marks_fold_away);
	tcase_add_test(tc, digits_read_as_ascii_digits);
	tcase_add_test(tc, plain_text_is_its_own_stage1);
	tcase_add_test(tc, join_spaced_letters_other_separators);
	tcase_add_test(tc, join_spaced_letters_every_emoji);
	tcase_add_test(tc, leet_folds_only_inside_words_with_letters);
	tcase_add_test(tc, leet_l_and_g);
	tcase_add_test(tc, leet_symbol_runs_fold_whole);
	tcase_add_test(tc, collapse_repeats_maps_to_the_whole_run);
	tcase_add_test(tc, join_spaced_letters);
	tcase_add_test(tc, map_of_the_moderation_view);
	tcase_add_test(tc, ill_formed_input_is_repaired_and_mapped);
	tcase_add_test(tc, nul_bytes_are_characters);
	tcase_add_test(tc, misuse_gets_a_status);
	tcase_add_test(tc, one_mebibyte_post);
	tcase_add_test(tc, hundred_thousand_marks);
	tcase_add_test(tc, views_are_reusable);
	tcase_add_test(tc, allocation_failures_are_clean);
	tcase_add_test(tc, threads_share_one_normalizer);
	tcase_add_test(tc, normalizers_share_their_precomputed_table);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(normalize_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
