/* The tokenizer: every token type in English and Spanish, overlays, views, bad input. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "testutil.h"
#include "text/text.h"
#include "tokens/tokenize.h"
#include "tokens/wordbreak.h"
#include <mesura/tokens.h>

static mesura_tokens *tokens;

static void setup(void)
{
	ck_assert_int_eq(mesura_tokens_new(&tokens, NULL), MESURA_OK);
}

static void teardown(void)
{
	mesura_tokens_free(tokens);
}

/* Tokenizes text into `tokens`; returns how many tokens it gave. */
static size_t tokenize(const char *text, size_t len)
{
	ck_assert_int_eq(mesura_tokenize(tokens, text, len, MESURA_TOKENIZE_ALL), MESURA_OK);
	return mesura_tokens_count(tokens);
}

/* Token i of the last tokenize() (checked without ck_assert, which reports every
 * check to Check's parent process: too slow for a loop over a megabyte of tokens). */
static const mesura_token *tok(size_t i)
{
	const mesura_token *t = mesura_tokens_get(tokens, i);
	if (!t)
		ck_abort_msg("no token %zu of %zu", i, mesura_tokens_count(tokens));
	return t;
}

/* Asserts that `piece` (its first occurrence in text) is exactly one token of `type`,
 * a tile token or (overlay != 0) an overlay one. */
static void assert_token_at(const char *text, const char *piece, mesura_token_type type,
                            int overlay)
{
	const char *at = strstr(text, piece);
	ck_assert_msg(at != NULL, "\"%s\" not in \"%s\"", piece, text);
	size_t start = (size_t)(at - text), end = start + strlen(piece), n;
	n = tokenize(text, strlen(text));
	for (size_t i = 0; i < n; i++)
		if (tok(i)->start == start && tok(i)->end == end && tok(i)->type == type &&
		    !(tok(i)->flags & MESURA_TOKEN_OVERLAY) == !overlay)
			return;
	ck_abort_msg("\"%s\" is not one %s%s token in \"%s\"", piece, overlay ? "overlay " : "",
	             mesura_token_type_name(type), text);
}

#define assert_token(text, piece, type) assert_token_at(text, piece, type, 0)
#define assert_overlay(text, piece, type) assert_token_at(text, piece, type, 1)

/* Asserts that no token of `type` (tile or overlay) exists in text. */
static void assert_no_token(const char *text, mesura_token_type type)
{
	size_t n;
	n = tokenize(text, strlen(text));
	for (size_t i = 0; i < n; i++)
		ck_assert_msg(tok(i)->type != type, "unexpected %s \"%.*s\" in \"%s\"",
		              mesura_token_type_name(type), (int)(tok(i)->end - tok(i)->start),
		              text + tok(i)->start, text);
}

/* Tile tokens cover the text exactly, in order; overlays lie inside it. Checked
 * without an assertion per token (each Check assertion is costly on 1 MiB inputs). */
static void assert_tiles(const char *text, size_t len)
{
	size_t n, pos = 0, bad = 0;
	n = tokenize(text, len);
	for (size_t i = 0; i < n; i++) {
		int ok = tok(i)->start < tok(i)->end && tok(i)->end <= len &&
		         (i == 0 || tok(i)->start >= tok(i - 1)->start);
		if (!(tok(i)->flags & MESURA_TOKEN_OVERLAY)) {
			ok &= tok(i)->start == pos;
			pos = tok(i)->end;
		}
		if (!ok && bad++ == 0)
			fprintf(stderr, "bad token %zu [%zu,%zu) after position %zu\n", i, tok(i)->start,
			        tok(i)->end, pos);
	}
	ck_assert_uint_eq(bad, 0);
	ck_assert_uint_eq(pos, len);
}

START_TEST(words_numbers_spaces_punctuation)
{
	const char *en = "Don't stop, it's 3.5 times better: 1,234.56 e.g. now!";
	assert_token(en, "Don't", MESURA_TOKEN_WORD);
	assert_token(en, "3.5", MESURA_TOKEN_NUMBER);
	assert_token(en, "1,234.56", MESURA_TOKEN_NUMBER);
	assert_token(en, ",", MESURA_TOKEN_PUNCT);
	assert_token(en, "!", MESURA_TOKEN_PUNCT);
	const char *es = "El año pasado vendimos 1.234,56 € — ¡qué pasada!  Sí.";
	assert_token(es, "año", MESURA_TOKEN_WORD);
	assert_token(es, "1.234,56", MESURA_TOKEN_NUMBER);
	assert_token(es, "€", MESURA_TOKEN_SYMBOL);
	assert_token(es, "¡", MESURA_TOKEN_PUNCT);
	assert_token(es, "qué", MESURA_TOKEN_WORD);
	assert_token(es, "  ", MESURA_TOKEN_SPACE);
	/* Card numbers stay several tokens; the matcher joins them. */
	const char *card = "4111 1111 1111 1111";
	assert_token(card, "4111", MESURA_TOKEN_NUMBER);
	assert_tiles(en, strlen(en));
	assert_tiles(es, strlen(es));
}
END_TEST

START_TEST(urls)
{
	const char *en = "Apply at https://x.co/a?b=c, or www.acme.es/ofertas and acme.com/jobs.";
	assert_token(en, "https://x.co/a?b=c", MESURA_TOKEN_URL);
	assert_token(en, "www.acme.es/ofertas", MESURA_TOKEN_URL);
	assert_token(en, "acme.com/jobs", MESURA_TOKEN_URL);
	const char *es = "Más info (en http://acme.es/empleo/año) y en HTTPS://ACME.COM.";
	assert_token(es, "http://acme.es/empleo/año", MESURA_TOKEN_URL);
	assert_token(es, "HTTPS://ACME.COM", MESURA_TOKEN_URL);
	/* At the end of a sentence, and capitalised. */
	const char *end = "-- La cosa.com. Www.frases.com.";
	assert_token(end, "cosa.com", MESURA_TOKEN_URL);
	assert_token(end, "Www.frases.com", MESURA_TOKEN_URL);
	/* Not links: a file name, a version, an abbreviation. */
	assert_no_token("edit index.py and node.js 3.5 e.g. today", MESURA_TOKEN_URL);
}
END_TEST

START_TEST(emails)
{
	const char *en = "Mail ana.garcia@example.com or j_smith+hr@mail.acme.co.uk.";
	assert_token(en, "ana.garcia@example.com", MESURA_TOKEN_EMAIL);
	assert_token(en, "j_smith+hr@mail.acme.co.uk", MESURA_TOKEN_EMAIL);
	const char *es = "Escríbeme a soporte@acme.es, ¡gracias!";
	assert_token(es, "soporte@acme.es", MESURA_TOKEN_EMAIL);
	assert_no_token("meet me @ 5 or at@ noon", MESURA_TOKEN_EMAIL);
}
END_TEST

START_TEST(mentions)
{
	const char *en = "Thanks @ana_g and @JohnDoe99!";
	assert_token(en, "@ana_g", MESURA_TOKEN_MENTION);
	assert_token(en, "@JohnDoe99", MESURA_TOKEN_MENTION);
	const char *es = "Gracias ＠maria por todo";
	assert_token(es, "＠maria", MESURA_TOKEN_MENTION);
	assert_no_token("ana@example.com", MESURA_TOKEN_MENTION);
	assert_no_token("a @ b", MESURA_TOKEN_MENTION);
}
END_TEST

START_TEST(hashtags_and_their_parts)
{
	const char *es = "Hoy #OrgullosaDeMiEquipo y #año2024, #NoMásAbusos";
	assert_token(es, "#OrgullosaDeMiEquipo", MESURA_TOKEN_HASHTAG);
	assert_overlay(es, "Orgullosa", MESURA_TOKEN_WORD);
	assert_overlay(es, "Equipo", MESURA_TOKEN_WORD);
	assert_token(es, "#año2024", MESURA_TOKEN_HASHTAG);
	assert_overlay(es, "año", MESURA_TOKEN_WORD);
	assert_overlay(es, "2024", MESURA_TOKEN_NUMBER);
	assert_overlay(es, "Más", MESURA_TOKEN_WORD);
	const char *en = "#YoNoPagoImpuestos #NASAMission #fuck_mondays";
	assert_overlay(en, "Pago", MESURA_TOKEN_WORD);
	assert_overlay(en, "NASA", MESURA_TOKEN_WORD);
	assert_overlay(en, "Mission", MESURA_TOKEN_WORD);
	assert_overlay(en, "mondays", MESURA_TOKEN_WORD);
	assert_no_token("#1 and #️⃣ and a#b", MESURA_TOKEN_HASHTAG);
	assert_tiles(es, strlen(es));
}
END_TEST

START_TEST(cashtags)
{
	const char *en = "Buy $AAPL and $BRK.A, not $5 or $12.50";
	assert_token(en, "$AAPL", MESURA_TOKEN_CASHTAG);
	assert_token(en, "$BRK.A", MESURA_TOKEN_CASHTAG);
	assert_no_token("cuesta $5 o $12.50, US$100", MESURA_TOKEN_CASHTAG);
	const char *es = "Las acciones de $SAN suben";
	assert_token(es, "$SAN", MESURA_TOKEN_CASHTAG);
}
END_TEST

START_TEST(emoji_sequences)
{
	/* family (ZWJ), skin tone, flag, keycap, tag sequence (England) */
	const char *text = "Mi familia 👨‍👩‍👧‍👦 👍🏽 🇪🇸 1️⃣ 🏴󠁧󠁢󠁥󠁮󠁧󠁿!";
	assert_token(text, "👨‍👩‍👧‍👦", MESURA_TOKEN_EMOJI);
	assert_token(text, "👍🏽", MESURA_TOKEN_EMOJI);
	assert_token(text, "🇪🇸", MESURA_TOKEN_EMOJI);
	assert_token(text, "1️⃣", MESURA_TOKEN_EMOJI);
	assert_token(text, "🏴󠁧󠁢󠁥󠁮󠁧󠁿", MESURA_TOKEN_EMOJI);
	assert_tiles(text, strlen(text));
}
END_TEST

START_TEST(every_fully_qualified_emoji_is_one_token)
{
	size_t len, count = 0;
	char *data = tu_read_file(tu_data_path("emoji-test.txt"), &len);
	for (char *line = strtok(data, "\n"); line; line = strtok(NULL, "\n")) {
		if (line[0] == '#' || !strstr(line, "; fully-qualified"))
			continue;
		char seq[128];
		size_t n = 0;
		for (char *p = line; *p && *p != ';';) {
			char *end;
			unsigned long cp = strtoul(p, &end, 16);
			if (end == p)
				break;
			n += tu_utf8_encode((uint32_t)cp, seq + n);
			p = end;
		}
		char text[160];
		int tlen = snprintf(text, sizeof text, "a %.*s b", (int)n, seq);
		size_t nt;
		nt = tokenize(text, (size_t)tlen);
		int found = 0;
		for (size_t i = 0; i < nt; i++)
			found |= tok(i)->type == MESURA_TOKEN_EMOJI && tok(i)->start == 2 && tok(i)->end == 2 + n;
		ck_assert_msg(found, "emoji-test.txt: %s", line);
		count++;
	}
	free(data);
	printf("emoji-test.txt: %zu fully-qualified sequences, each one token\n", count);
	ck_assert_uint_gt(count, 3000);
}
END_TEST

START_TEST(spaced_words_and_invisibles)
{
	const char *en = "you f u c k i n g idiot, F-U-C-K off, g.i.l.i.p.o.l.l.a.s";
	assert_overlay(en, "f u c k i n g", MESURA_TOKEN_WORD);
	assert_overlay(en, "F-U-C-K", MESURA_TOKEN_WORD);
	assert_token(en, "g.i.l.i.p.o.l.l.a.s", MESURA_TOKEN_WORD); /* UAX #29 keeps it whole */
	assert_tiles(en, strlen(en));
	size_t n;
	n = tokenize("a b and c d", 11);
	for (size_t i = 0; i < n; i++)
		ck_assert(!(tok(i)->flags & MESURA_TOKEN_SPACED)); /* runs of two are not words */
	const char *zw = "eres un mier\xe2\x80\x8b" "da y un ca\xe2\x80\x8b\xe2\x80\x8b" "brón";
	assert_token(zw, "mier\xe2\x80\x8b" "da", MESURA_TOKEN_WORD);
	assert_token(zw, "ca\xe2\x80\x8b\xe2\x80\x8b" "brón", MESURA_TOKEN_WORD);
	n = tokenize(zw, strlen(zw));
	ck_assert(tok(4)->flags & MESURA_TOKEN_INVISIBLES);
	assert_tiles(zw, strlen(zw));
}
END_TEST

/* Spaced runs closed by a word: the overlay closing a run is inserted before the word,
 * and the push may move the token array. The word was once read through a pointer
 * into the old array (a use after free that ASan reports). Fresh token arrays and
 * prefixes of every length make one of the insertions be the push that grows it. */
START_TEST(spaced_run_closed_while_growing)
{
	static const char unit[] = "f u c k Mi tarjeta, ";
	size_t reps = 40, unit_len = sizeof unit - 1;
	char *text = malloc(64 + reps * unit_len + 1);
	ck_assert_ptr_nonnull(text);
	for (size_t prefix = 0; prefix < 32; prefix++) {
		size_t len = 0;
		for (size_t i = 0; i < prefix; i++)
			text[len++] = i % 2 ? ' ' : 'x'; /* "x x x" is too short a run below 3 */
		text[len++] = ',';
		text[len++] = ' ';
		for (size_t i = 0; i < reps; i++, len += unit_len)
			memcpy(text + len, unit, unit_len);
		mesura_tokens *fresh = NULL;
		ck_assert_int_eq(mesura_tokens_new(&fresh, NULL), MESURA_OK);
		ck_assert_int_eq(mesura_tokenize(fresh, text, len, MESURA_TOKENIZE_ALL), MESURA_OK);
		size_t n, spaced = 0;
		n = mesura_tokens_count(fresh);
		for (size_t i = 0; i < n; i++)
			if ((mesura_tokens_get(fresh, i)->flags & MESURA_TOKEN_SPACED) && mesura_tokens_get(fresh, i)->start >= prefix + 2) {
				ck_assert_uint_eq(mesura_tokens_get(fresh, i)->end - mesura_tokens_get(fresh, i)->start, 7);
				ck_assert_int_eq(memcmp(text + mesura_tokens_get(fresh, i)->start, "f u c k", 7), 0);
				spaced++;
			}
		ck_assert_uint_eq(spaced, reps);
		mesura_tokens_free(fresh);
	}
	free(text);
}
END_TEST

/* Tokens of a view: the view's words, with offsets in the original. */
START_TEST(tokens_of_a_view)
{
	const char *src = "Eres un M1\xe2\x80\x8b" "ERDA, \xd0\xa1\xd0\x9e\xd0\xa1\xd0\x9a!";
	mesura_normalizer *nz;
	mesura_view *view;
	ck_assert_int_eq(mesura_normalizer_new(&nz, NULL, NULL), MESURA_OK);
	ck_assert_int_eq(mesura_view_new(&view, NULL), MESURA_OK);
	ck_assert_int_eq(mesura_normalize(nz, view, src, strlen(src)), MESURA_OK);
	ck_assert_int_eq(mesura_tokenize_view(tokens, view, MESURA_TOKENIZE_ALL), MESURA_OK);
	size_t n, vlen;
	n = mesura_tokens_count(tokens);
	const char *vt = mesura_view_text(view, &vlen);
	int saw_mierda = 0, saw_cock = 0;
	for (size_t i = 0; i < n; i++) {
		const char *word = vt + mesura_tokens_get(tokens, i)->text_start;
		size_t wlen = mesura_tokens_get(tokens, i)->text_end - mesura_tokens_get(tokens, i)->text_start;
		if (wlen == 6 && memcmp(word, "mierda", 6) == 0) {
			saw_mierda = 1;
			ck_assert_uint_eq(mesura_tokens_get(tokens, i)->end - mesura_tokens_get(tokens, i)->start, strlen("M1\xe2\x80\x8b" "ERDA"));
			ck_assert_mem_eq(src + mesura_tokens_get(tokens, i)->start, "M1\xe2\x80\x8b" "ERDA", mesura_tokens_get(tokens, i)->end - mesura_tokens_get(tokens, i)->start);
		}
		if (wlen == 4 && memcmp(word, "cock", 4) == 0) {
			saw_cock = 1;
			ck_assert_mem_eq(src + mesura_tokens_get(tokens, i)->start, "\xd0\xa1\xd0\x9e\xd0\xa1\xd0\x9a", 8);
		}
	}
	ck_assert(saw_mierda && saw_cock);
	mesura_view_free(view);
	mesura_normalizer_free(nz);
}
END_TEST

/* Tokenizes an adversarial input and checks the tiling. The time is printed, not
 * asserted (shared machines are noisy): a quadratic tokenizer would take hours on
 * these inputs, which ctest's timeout turns into a failure. */
static void assert_fast_tiles(const char *text, size_t len, const char *what)
{
	struct timespec t0;
	size_t n;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	n = tokenize(text, len);
	double s = tu_seconds_since(&t0);
	printf("%s: %zu tokens in %.3f s\n", what, n, s);
	assert_tiles(text, len);
}

/* Adversarial inputs: right answers in linear time. */
START_TEST(adversarial_inputs)
{
	size_t mib = 1u << 20;
	char *buf = malloc(mib * 4 + 16);
	size_t n;

	memset(buf, 'a', mib); /* one word of 1 MiB */
	assert_fast_tiles(buf, mib, "1 MiB word");
	n = tokenize(buf, mib);
	ck_assert_uint_eq(n, 1);

	for (size_t i = 0; i + 4 <= mib; i += 2) { /* "a a a a ..." : one huge spaced run */
		buf[i] = 'a';
		buf[i + 1] = ' ';
	}
	assert_fast_tiles(buf, mib - 2, "1 MiB of spaced letters");

	for (size_t i = 0; i < mib; i++) /* "#a#a#a..." and "@@@": social rules must not rescan */
		buf[i] = i % 3 == 0 ? '#' : i % 3 == 1 ? 'a' : '@';
	assert_fast_tiles(buf, mib, "1 MiB of sigils");

	size_t len = 0; /* 10k emoji with skin tones in a row */
	for (int i = 0; i < 10000; i++)
		len += (size_t)sprintf(buf + len, "\xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd");
	n = tokenize(buf, len);
	ck_assert_uint_eq(n, 10000);
	ck_assert_int_eq(tok(9999)->type, MESURA_TOKEN_EMOJI);

	for (len = 0; len + 3 <= mib; len += 3) /* 1 MiB of lone ZWJ */
		memcpy(buf + len, "\xe2\x80\x8d", 3);
	assert_fast_tiles(buf, len, "1 MiB of ZWJ");

	for (len = 0; len + 4 <= mib; len += 4) /* 1 MiB of regional indicators */
		memcpy(buf + len, "\xf0\x9f\x87\xaa", 4);
	assert_fast_tiles(buf, len, "1 MiB of regional indicators");
	n = tokenize(buf, len);
	ck_assert_uint_eq(n, len / 8); /* pairs */
	n = tokenize("\xf0\x9f\x87\xaa", 4); /* a lone one */
	ck_assert_uint_eq(n, 1);

	for (size_t i = 0; i < mib; i++) /* "www.a.www.a..." one long host-like run */
		buf[i] = "www.a."[i % 6];
	assert_fast_tiles(buf, mib, "1 MiB host-like");
	free(buf);
}
END_TEST

START_TEST(random_bytes_tile)
{
	tu_rng rng = {5};
	static const char *pieces[] = {"a", " ", "#", "@", "$", ".", "x.com/", "\xe2\x80\x8d",
	                               "\xf0\x9f\x87\xaa", "\xcc\x81", "1", "\xff", "\xe2\x82",
	                               "https://", "\xe2\x80\x8b", "_", "\xf0\x9f\x91\x8d", "\n"};
	char buf[256];
	for (int iter = 0; iter < 20000; iter++) {
		size_t len = 0;
		while (len < 200) {
			const char *p = pieces[tu_rng_below(&rng, sizeof pieces / sizeof pieces[0])];
			memcpy(buf + len, p, strlen(p));
			len += strlen(p);
		}
		assert_tiles(buf, len);
	}
}
END_TEST

/* Social tokens inside one long UAX #29 segment ("한x.com" repeated is one segment):
 * each URL is found, and the segment is not walked again after each (it was, once per
 * URL: quadratic). The work is counted (mesura_tokens__steps), not timed. */
START_TEST(social_tokens_inside_a_long_segment)
{
	static const char unit[] = "\xed\x95\x9cx.com"; /* 한x.com */
	size_t unit_len = strlen(unit), steps[2] = {0, 0};
	char *buf = malloc(unit_len * 20000);
	for (int k = 0; k < 2; k++) {
		size_t copies = k ? 20000 : 2000, len = 0, n, found = 0;
		for (size_t c = 0; c < copies; c++, len += unit_len)
			memcpy(buf + len, unit, unit_len);
		n = tokenize(buf, len);
		for (size_t i = 0; i < n; i++)
			found += tok(i)->type == MESURA_TOKEN_URL && tok(i)->end - tok(i)->start == 5;
		ck_assert_uint_eq(found, copies);
		assert_tiles(buf, len);
		steps[k] = mesura_tokens__steps(tokens);
	}
	printf("x.com after hangul: %zu steps for 2,000, %zu for 20,000\n", steps[0], steps[1]);
	ck_assert_uint_le(steps[1], 12 * steps[0]);
	free(buf);
}
END_TEST

/* The claim the tokenizer relies on to restart inside a segment without walking it
 * again (mesura_tokens__restarts_segment): from any position inside a segment whose
 * character it accepts, the segment ends where the one around it does. Random text of
 * characters of every Word_Break value, ill-formed bytes included. */
START_TEST(segments_restart_where_the_claim_says)
{
	static const char *const chars[] = {
	    "a", "Z", "1", "_", ".", ":", "'", "\"", ",", ";", " ", "\r", "\n", "-", "@", "#",
	    "\xcc\x81", "\xe2\x80\x8d", "\xe2\x80\x8b", "\xc2\xad", "\xef\xb8\x8f",
	    "\xf0\x9f\x87\xaa", "\xf0\x9f\x91\x8d", "\xd7\x90", "\xe3\x82\xa2",
	    "\xe3\x83\xbc", "\xed\x95\x9c", "\xd9\xa1", "\xe2\x80\xaf", "\xc2\xb7",
	    "\xe2\x80\xa4", "\xef\xbc\x8e", "\xe2\x80\xa8", "\xc3\xa9", "\xe6\x97\xa5",
	    "\x80", "\xff", "\xe2\x80\x8c", "\xd8\x80", "\xe3\x80\x80"};
	tu_rng rng = {0x7265737461727473u};
	tu_tally tally = {"segments restarted inside", 0, 0};
	unsigned char buf[256];
	for (int iter = 0; iter < 200000; iter++) {
		size_t len = 0, pieces = 1 + tu_rng_below(&rng, 24);
		int words = tu_rng_below(&rng, 4) != 0; /* mostly letters, digits and '_' */
		for (size_t k = 0; k < pieces; k++) {
			size_t c = words && tu_rng_below(&rng, 2) ? tu_rng_below(&rng, 4)
			                                         : tu_rng_below(&rng, sizeof chars / sizeof *chars);
			memcpy(buf + len, chars[c], strlen(chars[c]));
			len += strlen(chars[c]);
		}
		for (size_t q = 0; q < len;) {
			size_t end = mesura_tokens__next_word_break(buf, len, q);
			for (size_t r = q + 1; r < end; r++) {
				if ((buf[r] & 0xC0) == 0x80 || !mesura_tokens__restarts_segment(buf, len, r))
					continue;
				tally.checks++;
				size_t again = mesura_tokens__next_word_break(buf, len, r);
				if (again != end)
					tu_tally_fail(&tally, "text of %zu bytes: the segment at %zu ends at %zu, from %zu at %zu",
					              len, q, end, r, again);
			}
			q = end;
		}
	}
	tu_tally_finish(&tally, "restarts");
}
END_TEST

START_TEST(misuse_and_memory)
{
	ck_assert_int_eq(mesura_tokenize(NULL, "a", 1, 0), MESURA_EINVAL);
	ck_assert_int_eq(mesura_tokenize(tokens, NULL, 1, 0), MESURA_EINVAL);
	ck_assert_int_eq(mesura_tokenize(tokens, "a", 1, 1u << 20), MESURA_EINVAL);
	ck_assert_int_eq(mesura_tokenize(tokens, NULL, 0, 0), MESURA_OK);
	size_t n = 9;
	n = mesura_tokens_count(tokens);
	ck_assert_uint_eq(n, 0);
	ck_assert_int_eq(mesura_tokenize_view(tokens, NULL, 0), MESURA_EINVAL);
	ck_assert_str_eq(mesura_token_type_name(MESURA_TOKEN_HASHTAG), "hashtag");
	ck_assert_str_eq(mesura_token_type_name(99), "unknown");
	mesura_tokens_free(NULL);

	const char *post = "Hola @ana #NoMásAbusos f u c k https://x.co/a 👍🏽 ana@x.es";
	int ok = 0;
	for (size_t fail_after = 0; !ok && fail_after < 100; fail_after++) {
		tu_failing_alloc fa;
		tu_failing_alloc_init(&fa, fail_after);
		mesura_tokens *tk = NULL;
		int rc = mesura_tokens_new(&tk, &fa.hooks);
		if (rc == MESURA_OK)
			rc = mesura_tokenize(tk, post, strlen(post), MESURA_TOKENIZE_ALL);
		if (rc == MESURA_OK)
			ok = 1;
		else
			ck_assert_int_eq(rc, MESURA_ENOMEM);
		mesura_tokens_free(tk);
		ck_assert_uint_eq(fa.live, 0);
	}
	ck_assert(ok);
}
END_TEST

static Suite *tokenize_suite(void)
{
	Suite *s = suite_create("tokenize");
	TCase *tc = tcase_create("tokens");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, words_numbers_spaces_punctuation);
	tcase_add_test(tc, urls);
	tcase_add_test(tc, emails);
	tcase_add_test(tc, mentions);
	tcase_add_test(tc, hashtags_and_their_parts);
	tcase_add_test(tc, cashtags);
	tcase_add_test(tc, emoji_sequences);
	tcase_add_test(tc, every_fully_qualified_emoji_is_one_token);
	tcase_add_test(tc, spaced_words_and_invisibles);
	tcase_add_test(tc, spaced_run_closed_while_growing);
	tcase_add_test(tc, tokens_of_a_view);
	tcase_add_test(tc, adversarial_inputs);
	tcase_add_test(tc, random_bytes_tile);
	tcase_add_test(tc, social_tokens_inside_a_long_segment);
	tcase_add_test(tc, segments_restart_where_the_claim_says);
	tcase_add_test(tc, misuse_and_memory);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(tokenize_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
