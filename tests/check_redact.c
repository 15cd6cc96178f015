/* Redaction: each operator on ASCII, Spanish, emoji, fullwidth and right-to-left
 * text; merging; widening to grapheme clusters; the map; the preview; idempotence;
 * SipHash against the reference vectors; bad input; memory; random posts. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "redact/siphash.h"
#include "testutil.h"

#define FAMILY "\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9\xe2\x80\x8d" \
               "\xf0\x9f\x91\xa7\xe2\x80\x8d\xf0\x9f\x91\xa6" /* 👨‍👩‍👧‍👦, 25 bytes */
#define FLAGS_ES_MX "\xf0\x9f\x87\xaa\xf0\x9f\x87\xb8\xf0\x9f\x87\xb2\xf0\x9f\x87\xbd"
#define E_ACUTE_NFD "e\xcc\x81" /* e + U+0301 */
/* The element size every caller passes with an array of spans. */
#define SPAN_SIZE sizeof(mesura_redact_span)

static const unsigned char KEY[16] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
static mesura_redactor *red; /* keyed with KEY, the reference vectors' key */

static void setup(void)
{
	mesura_redactor_options o = MESURA_REDACTOR_OPTIONS_INIT;
	o.hash_key = KEY;
	ck_assert_int_eq(mesura_redactor_new(&red, &o, NULL), MESURA_OK);
}

/* A scanner of CATEGORY_POLICY, made when a test first asks for findings. */
static mesura_policy *category_policy;
static mesura_scanner *category_scanner;

static void teardown(void)
{
	mesura_redactor_free(red);
	mesura_scanner_free(category_scanner);
	mesura_policy_free(category_policy);
	category_scanner = NULL;
	category_policy = NULL;
}

/* A span over the first occurrence of `piece` in `text`. */
static mesura_redact_span span_of(const char *text, const char *piece, mesura_redact_op op,
                                  const mesura_redact_format *o, const char *category)
{
	const char *at = strstr(text, piece);
	ck_assert_msg(at != NULL, "\"%s\" not in \"%s\"", piece, text);
	size_t start = (size_t)(at - text);
	return (mesura_redact_span){start, start + strlen(piece), op, o, category, NULL};
}

static mesura_redact_span span_at(size_t start, size_t end, mesura_redact_op op,
                                  const char *category)
{
	return (mesura_redact_span){start, end, op, NULL, category, NULL};
}

/* The map tiles input and output, and copied segments hold identical bytes. */
static void check_map(const char *in, size_t in_len, const char *out, size_t out_len)
{
	size_t n;
	n = mesura_redactor_map_count(red);
	size_t o = 0, i = 0;
	for (size_t k = 0; k < n; k++) {
		ck_assert_uint_eq(mesura_redactor_map_get(red, k)->out_start, o);
		ck_assert_uint_eq(mesura_redactor_map_get(red, k)->in_start, i);
		ck_assert_uint_ge(mesura_redactor_map_get(red, k)->out_end, mesura_redactor_map_get(red, k)->out_start);
		ck_assert_uint_ge(mesura_redactor_map_get(red, k)->in_end, mesura_redactor_map_get(red, k)->in_start);
		if (!mesura_redactor_map_get(red, k)->changed) {
			ck_assert_uint_eq(mesura_redactor_map_get(red, k)->out_end - mesura_redactor_map_get(red, k)->out_start, mesura_redactor_map_get(red, k)->in_end - mesura_redactor_map_get(red, k)->in_start);
			ck_assert(memcmp(out + o, in + i, mesura_redactor_map_get(red, k)->in_end - i) == 0);
		}
		o = mesura_redactor_map_get(red, k)->out_end;
		i = mesura_redactor_map_get(red, k)->in_end;
	}
	ck_assert_uint_eq(o, out_len);
	ck_assert_uint_eq(i, in_len);
}

static void expect_spans(const char *text, const mesura_redact_span *spans, size_t n,
                         const char *want)
{
	const char *out = NULL;
	size_t len = 0;
	ck_assert_int_eq(mesura_redact(red, text, strlen(text), spans, n, SPAN_SIZE, &out, &len), MESURA_OK);
	ck_assert_str_eq(out, want);
	ck_assert_uint_eq(len, strlen(want));
	check_map(text, strlen(text), out, len);
}

static void expect(const char *text, const char *piece, mesura_redact_op op,
                   const mesura_redact_format *o, const char *category, const char *want)
{
	mesura_redact_span s = span_of(text, piece, op, o, category);
	expect_spans(text, &s, 1, want);
}

static mesura_redact_format mask_opts(size_t first, size_t last, int separators,
                                       const char *mask)
{
	mesura_redact_format o = MESURA_REDACT_FORMAT_INIT;
	o.keep_first = first;
	o.keep_last = last;
	o.keep_separators = separators;
	o.mask_char = mask;
	return o;
}

/* ------------------------------------------------------------ siphash */

/* vectors_sip64 of the reference implementation (github.com/veorq/SipHash, vectors.h):
 * SipHash-2-4 with key 00 01 .. 0f of the messages "", 00, 00 01, ... 00 01 .. 3e,
 * each written as 8 little-endian bytes. */
static const unsigned char SIP64[64][8] = {
	{0x31, 0x0e, 0x0e, 0xdd, 0x47, 0xdb, 0x6f, 0x72},
	{0xfd, 0x67, 0xdc, 0x93, 0xc5, 0x39, 0xf8, 0x74},
	{0x5a, 0x4f, 0xa9, 0xd9, 0x09, 0x80, 0x6c, 0x0d},
	{0x2d, 0x7e, 0xfb, 0xd7, 0x96, 0x66, 0x67, 0x85},
	{0xb7, 0x87, 0x71, 0x27, 0xe0, 0x94, 0x27, 0xcf},
	{0x8d, 0xa6, 0x99, 0xcd, 0x64, 0x55, 0x76, 0x18},
	{0xce, 0xe3, 0xfe, 0x58, 0x6e, 0x46, 0xc9, 0xcb},
	{0x37, 0xd1, 0x01, 0x8b, 0xf5, 0x00, 0x02, 0xab},
	{0x62, 0x24, 0x93, 0x9a, 0x79, 0xf5, 0xf5, 0x93},
	{0xb0, 0xe4, 0xa9, 0x0b, 0xdf, 0x82, 0x00, 0x9e},
	{0xf3, 0xb9, 0xdd, 0x94, 0xc5, 0xbb, 0x5d, 0x7a},
	{0xa7, 0xad, 0x6b, 0x22, 0x46, 0x2f, 0xb3, 0xf4},
	{0xfb, 0xe5, 0x0e, 0x86, 0xbc, 0x8f, 0x1e, 0x75},
	{0x90, 0x3d, 0x84, 0xc0, 0x27, 0x56, 0xea, 0x14},
	{0xee, 0xf2, 0x7a, 0x8e, 0x90, 0xca, 0x23, 0xf7},
	{0xe5, 0x45, 0xbe, 0x49, 0x61, 0xca, 0x29, 0xa1},
	{0xdb, 0x9b, 0xc2, 0x57, 0x7f, 0xcc, 0x2a, 0x3f},
	{0x94, 0x47, 0xbe, 0x2c, 0xf5, 0xe9, 0x9a, 0x69},
	{0x9c, 0xd3, 0x8d, 0x96, 0xf0, 0xb3, 0xc1, 0x4b},
	{0xbd, 0x61, 0x79, 0xa7, 0x1d, 0xc9, 0x6d, 0xbb},
	{0x98, 0xee, 0xa2, 0x1a, 0xf2, 0x5c, 0xd6, 0xbe},
	{0xc7, 0x67, 0x3b, 0x2e, 0xb0, 0xcb, 0xf2, 0xd0},
	{0x88, 0x3e, 0xa3, 0xe3, 0x95, 0x67, 0x53, 0x93},
	{0xc8, 0xce, 0x5c, 0xcd, 0x8c, 0x03, 0x0c, 0xa8},
	{0x94, 0xaf, 0x49, 0xf6, 0xc6, 0x50, 0xad, 0xb8},
	{0xea, 0xb8, 0x85, 0x8a, 0xde, 0x92, 0xe1, 0xbc},
	{0xf3, 0x15, 0xbb, 0x5b, 0xb8, 0x35, 0xd8, 0x17},
	{0xad, 0xcf, 0x6b, 0x07, 0x63, 0x61, 0x2e, 0x2f},
	{0xa5, 0xc9, 0x1d, 0xa7, 0xac, 0xaa, 0x4d, 0xde},
	{0x71, 0x65, 0x95, 0x87, 0x66, 0x50, 0xa2, 0xa6},
	{0x28, 0xef, 0x49, 0x5c, 0x53, 0xa3, 0x87, 0xad},
	{0x42, 0xc3, 0x41, 0xd8, 0xfa, 0x92, 0xd8, 0x32},
	{0xce, 0x7c, 0xf2, 0x72, 0x2f, 0x51, 0x27, 0x71},
	{0xe3, 0x78, 0x59, 0xf9, 0x46, 0x23, 0xf3, 0xa7},
	{0x38, 0x12, 0x05, 0xbb, 0x1a, 0xb0, 0xe0, 0x12},
	{0xae, 0x97, 0xa1, 0x0f, 0xd4, 0x34, 0xe0, 0x15},
	{0xb4, 0xa3, 0x15, 0x08, 0xbe, 0xff, 0x4d, 0x31},
	{0x81, 0x39, 0x62, 0x29, 0xf0, 0x90, 0x79, 0x02},
	{0x4d, 0x0c, 0xf4, 0x9e, 0xe5, 0xd4, 0xdc, 0xca},
	{0x5c, 0x73, 0x33, 0x6a, 0x76, 0xd8, 0xbf, 0x9a},
	{0xd0, 0xa7, 0x04, 0x53, 0x6b, 0xa9, 0x3e, 0x0e},
	{0x92, 0x59, 0x58, 0xfc, 0xd6, 0x42, 0x0c, 0xad},
	{0xa9, 0x15, 0xc2, 0x9b, 0xc8, 0x06, 0x73, 0x18},
	{0x95, 0x2b, 0x79, 0xf3, 0xbc, 0x0a, 0xa6, 0xd4},
	{0xf2, 0x1d, 0xf2, 0xe4, 0x1d, 0x45, 0x35, 0xf9},
	{0x87, 0x57, 0x75, 0x19, 0x04, 0x8f, 0x53, 0xa9},
	{0x10, 0xa5, 0x6c, 0xf5, 0xdf, 0xcd, 0x9a, 0xdb},
	{0xeb, 0x75, 0x09, 0x5c, 0xcd, 0x98, 0x6c, 0xd0},
	{0x51, 0xa9, 0xcb, 0x9e, 0xcb, 0xa3, 0x12, 0xe6},
	{0x96, 0xaf, 0xad, 0xfc, 0x2c, 0xe6, 0x66, 0xc7},
	{0x72, 0xfe, 0x52, 0x97, 0x5a, 0x43, 0x64, 0xee},
	{0x5a, 0x16, 0x45, 0xb2, 0x76, 0xd5, 0x92, 0xa1},
	{0xb2, 0x74, 0xcb, 0x8e, 0xbf, 0x87, 0x87, 0x0a},
	{0x6f, 0x9b, 0xb4, 0x20, 0x3d, 0xe7, 0xb3, 0x81},
	{0xea, 0xec, 0xb2, 0xa3, 0x0b, 0x22, 0xa8, 0x7f},
	{0x99, 0x24, 0xa4, 0x3c, 0xc1, 0x31, 0x57, 0x24},
	{0xbd, 0x83, 0x8d, 0x3a, 0xaf, 0xbf, 0x8d, 0xb7},
	{0x0b, 0x1a, 0x2a, 0x32, 0x65, 0xd5, 0x1a, 0xea},
	{0x13, 0x50, 0x79, 0xa3, 0x23, 0x1c, 0xe6, 0x60},
	{0x93, 0x2b, 0x28, 0x46, 0xe4, 0xd7, 0x06, 0x66},
	{0xe1, 0x91, 0x5f, 0x5c, 0xb1, 0xec, 0xa4, 0x6c},
	{0xf3, 0x25, 0x96, 0x5c, 0xa1, 0x6d, 0x62, 0x9f},
	{0x57, 0x5f, 0xf2, 0x8e, 0x60, 0x38, 0x1b, 0xe5},
	{0x72, 0x45, 0x06, 0xeb, 0x4c, 0x32, 0x8a, 0x95},
};

START_TEST(siphash_matches_the_reference_vectors)
{
	unsigned char msg[64];
	for (size_t i = 0; i < 64; i++)
		msg[i] = (unsigned char)i;
	for (size_t len = 0; len < 64; len++) {
		uint64_t h = mesura_redact__siphash24(KEY, msg, len);
		for (size_t b = 0; b < 8; b++)
			ck_assert_msg(((h >> (8 * b)) & 0xff) == SIP64[len][b],
			              "vector %zu byte %zu", len, b);
	}
	ck_assert(mesura_redact__siphash24(KEY, msg, 0) == 0x726fdb47dd0e0e31u);
}
END_TEST

/* ------------------------------------------------------------ mask */

START_TEST(mask_ascii)
{
	mesura_redact_format card = mask_opts(0, 4, 1, NULL);
	expect("card 4111 1111 1111 1111 ok", "4111 1111 1111 1111", MESURA_REDACT_MASK, &card,
	       NULL, "card **** **** **** 1111 ok");
	mesura_redact_format last4 = mask_opts(0, 4, 0, NULL);
	expect("card 4111 1111 1111 1111 ok", "4111 1111 1111 1111", MESURA_REDACT_MASK, &last4,
	       NULL, "card ***************1111 ok"); /* 19 clusters: 15 masked, 4 kept */
	expect("my secret here", "secret", MESURA_REDACT_MASK, NULL, NULL, "my ****** here");
	mesura_redact_format first1 = mask_opts(1, 0, 0, NULL);
	expect("what a mierda", "mierda", MESURA_REDACT_MASK, &first1, NULL, "what a m*****");
	mesura_redact_format seps = mask_opts(0, 0, 1, NULL);
	expect("id 12-34.56 x", "12-34.56", MESURA_REDACT_MASK, &seps, NULL, "id **-**.** x");
	expect("ana.lopez@example.es", "ana.lopez@example.es", MESURA_REDACT_MASK, &seps, NULL,
	       "***.*****@*******.**");
}
END_TEST

START_TEST(mask_never_reveals_the_whole_value)
{
	mesura_redact_format last4 = mask_opts(0, 4, 0, NULL);
	expect("pin 1234", "1234", MESURA_REDACT_MASK, &last4, NULL, "pin ****");
	mesura_redact_format both = mask_opts(2, 2, 0, NULL);
	expect("pin 1234", "1234", MESURA_REDACT_MASK, &both, NULL, "pin ****");
	expect("pin 12345", "12345", MESURA_REDACT_MASK, &both, NULL, "pin 12*45");
	/* only separators: nothing to mask, and nothing shown but the shape */
	mesura_redact_format seps = mask_opts(0, 0, 1, NULL);
	expect("a - b", "-", MESURA_REDACT_MASK, &seps, NULL, "a - b");
}
END_TEST

START_TEST(mask_counts_grapheme_clusters_in_spanish)
{
	/* composed é (one code point) and decomposed e + U+0301 (two) are one cluster */
	expect("Sr. Pérez", "Pérez", MESURA_REDACT_MASK, NULL, NULL, "Sr. *****");
	expect("Sr. P" E_ACUTE_NFD "rez", "P" E_ACUTE_NFD "rez", MESURA_REDACT_MASK, NULL, NULL,
	       "Sr. *****");
	mesura_redact_format first2 = mask_opts(2, 0, 0, NULL);
	expect("Sr. P" E_ACUTE_NFD "rez", "P" E_ACUTE_NFD "rez", MESURA_REDACT_MASK, &first2, NULL,
	       "Sr. P" E_ACUTE_NFD "***");
	mesura_redact_format dot = mask_opts(0, 0, 0, "\xe2\x80\xa2"); /* • */
	expect("año", "año", MESURA_REDACT_MASK, &dot, NULL, "•••");
	mesura_redact_format block = mask_opts(0, 1, 0, "\xe2\x96\x88"); /* █ */
	expect("niño", "niño", MESURA_REDACT_MASK, &block, NULL, "███o");
}
END_TEST

START_TEST(mask_emoji_sequences_as_one_character)
{
	expect("hola " FAMILY "!", FAMILY, MESURA_REDACT_MASK, NULL, NULL, "hola *!");
	expect(FLAGS_ES_MX, FLAGS_ES_MX, MESURA_REDACT_MASK, NULL, NULL, "**");
	/* thumbs up + skin tone modifier */
	expect("ok \xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd", "\xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd",
	       MESURA_REDACT_MASK, NULL, NULL, "ok *");
}
END_TEST

START_TEST(mask_fullwidth_digits_and_rtl_text)
{
	mesura_redact_format last2 = mask_opts(0, 2, 0, NULL);
	expect("tel １２３４", "１２３４", MESURA_REDACT_MASK, &last2, NULL, "tel **３４");
	expect("مرحبا يا", "مرحبا", MESURA_REDACT_MASK, NULL, NULL, "***** يا"); /* 5 letters */
	expect("שלום עולם", "שלום", MESURA_REDACT_MASK, NULL, NULL, "**** עולם");  /* 4 letters */
	mesura_redact_format last3 = mask_opts(0, 3, 0, NULL);
	expect("رقمي 600123456 شكرا", "600123456", MESURA_REDACT_MASK, &last3, NULL,
	       "رقمي ******456 شكرا");
}
END_TEST

/* ------------------------------------------------------------ label */

START_TEST(label_defaults_are_ascii_capitals)
{
	const char *t = "write to ana@x.es now";
	const mesura_redact_op L = MESURA_REDACT_LABEL;
	expect(t, "ana@x.es", L, NULL, "pii.email", "write to [EMAIL] now");
	expect(t, "ana@x.es", L, NULL, "pii.payment_card", "write to [PAYMENT_CARD] now");
	expect(t, "ana@x.es", L, NULL, "confidential", "write to [CONFIDENTIAL] now");
	expect(t, "ana@x.es", L, NULL, NULL, "write to [REDACTED] now");
	expect(t, "ana@x.es", L, NULL, "pii.", "write to [REDACTED] now");
	/* accents stripped, other runs one '_', nothing left: REDACTED */
	expect(t, "ana@x.es", L, NULL, "custom.teléfono móvil", "write to [TELEFONO_MOVIL] now");
	expect(t, "ana@x.es", L, NULL, "custom.-e-mail-", "write to [E_MAIL] now");
	expect(t, "ana@x.es", L, NULL, "custom.\xf0\x9f\x94\xa5", "write to [REDACTED] now");
}
END_TEST

START_TEST(label_templates)
{
	const char *t = "llama al 600123456 ya";
	const mesura_redact_op L = MESURA_REDACT_LABEL;
	mesura_redact_format o = MESURA_REDACT_FORMAT_INIT;
	o.label = "[TELÉFONO]";
	expect(t, "600123456", L, &o, "pii.phone", "llama al [TELÉFONO] ya");
	o.label = "<{category}/{rule}>";
	mesura_redact_span s = span_of(t, "600123456", L, &o, "pii.phone");
	s.rule_id = "phone-es";
	expect_spans(t, &s, 1, "llama al <pii.phone/phone-es> ya");
	s.rule_id = NULL;
	s.category = NULL;
	expect_spans(t, &s, 1, "llama al </> ya");
	o.label = "{{{CATEGORY}}"; /* "{{" writes '{'; '}' is always literal */
	expect(t, "600123456", L, &o, "pii.phone", "llama al {PHONE} ya");
	o.label = "";
	expect(t, "600123456", L, &o, "pii.phone", "llama al  ya");
}
END_TEST

/* ------------------------------------------------------------ hash */

START_TEST(hash_is_the_keyed_siphash_of_the_span)
{
	/* The span holds bytes 00 01 02: reference vector 3 is 2d 7e fb d7 96 66 67 85. */
	const char text[] = "\x00\x01\x02";
	mesura_redact_span s = span_at(0, 3, MESURA_REDACT_HASH, NULL);
	const char *out;
	size_t len;
	ck_assert_int_eq(mesura_redact(red, text, 3, &s, 1, SPAN_SIZE, &out, &len), MESURA_OK);
	ck_assert_str_eq(out, "[REDACTED:2d7efb]");
	mesura_redact_format o = MESURA_REDACT_FORMAT_INIT;
	o.hash_bytes = 8;
	o.hash_label = "{hash}";
	s.format = &o;
	ck_assert_int_eq(mesura_redact(red, text, 3, &s, 1, SPAN_SIZE, &out, &len), MESURA_OK);
	ck_assert_str_eq(out, "2d7efbd796666785");
	/* 00 .. 06: vector 7 is 37 d1 01 8b f5 00 02 ab */
	const char seven[] = "\x00\x01\x02\x03\x04\x05\x06";
	s = span_at(0, 7, MESURA_REDACT_HASH, "pii.email");
	ck_assert_int_eq(mesura_redact(red, seven, 7, &s, 1, SPAN_SIZE, &out, &len), MESURA_OK);
	ck_assert_str_eq(out, "[EMAIL:37d101]");
}
END_TEST

/* The first three digest bytes of text[0..len) under KEY, in hex. */
static void hex3(const char *text, size_t len, char out[7])
{
	uint64_t h = mesura_redact__siphash24(KEY, (const unsigned char *)text, len);
	snprintf(out, 7, "%02x%02x%02x", (unsigned)(h & 0xff), (unsigned)((h >> 8) & 0xff),
	         (unsigned)((h >> 16) & 0xff));
}

START_TEST(hash_gives_one_token_per_value)
{
	const char *t = "a@x.es, b@x.es, a@x.es";
	mesura_redact_span s[3] = {span_at(0, 6, MESURA_REDACT_HASH, "pii.email"),
	                           span_at(8, 14, MESURA_REDACT_HASH, "pii.email"),
	                           span_at(16, 22, MESURA_REDACT_HASH, "pii.email")};
	char a[7], b[7], want[64];
	hex3("a@x.es", 6, a);
	hex3("b@x.es", 6, b);
	ck_assert_str_ne(a, b);
	snprintf(want, sizeof want, "[EMAIL:%s], [EMAIL:%s], [EMAIL:%s]", a, b, a);
	expect_spans(t, s, 3, want);

	/* another key, another token */
	unsigned char key2[16] = {1};
	mesura_redactor_options o = MESURA_REDACTOR_OPTIONS_INIT;
	o.hash_key = key2;
	mesura_redactor *r2;
	const char *out;
	size_t len;
	ck_assert_int_eq(mesura_redactor_new(&r2, &o, NULL), MESURA_OK);
	ck_assert_int_eq(mesura_redact(r2, t, strlen(t), s, 1, SPAN_SIZE, &out, &len), MESURA_OK);
	ck_assert(strncmp(out, want, 14) != 0);
	mesura_redactor_free(r2);
}
END_TEST

START_TEST(hash_needs_a_key)
{
	mesura_redactor *r;
	ck_assert_int_eq(mesura_redactor_new(&r, NULL, NULL), MESURA_OK);
	mesura_redact_span s = span_at(0, 3, MESURA_REDACT_HASH, NULL);
	const char *out = NULL;
	size_t len = 0;
	ck_assert_int_eq(mesura_redact(r, "abc", 3, &s, 1, SPAN_SIZE, &out, &len), MESURA_EINVAL);
	ck_assert_ptr_null(out);
	/* labels and masks work without one */
	s.op = MESURA_REDACT_LABEL;
	ck_assert_int_eq(mesura_redact(r, "abc", 3, &s, 1, SPAN_SIZE, &out, &len), MESURA_OK);
	ck_assert_str_eq(out, "[REDACTED]");
	mesura_redactor_free(r);
}
END_TEST

/* ------------------------------------------------------------ remove */

START_TEST(remove_tidies_the_space_it_leaves)
{
	const mesura_redact_op R = MESURA_REDACT_REMOVE;
	expect("Call me at 600123456 today", "600123456", R, NULL, NULL, "Call me at today");
	expect("Mail: ana@x.es.", "ana@x.es", R, NULL, NULL, "Mail:.");
	expect("¿Hola ana, qué tal?", "ana", R, NULL, NULL, "¿Hola, qué tal?");
	expect("mine is ana@x.es", "ana@x.es", R, NULL, NULL, "mine is");
	expect("ana@x.es is mine", "ana@x.es", R, NULL, NULL, "is mine");
	expect("ana@x.es", "ana@x.es", R, NULL, NULL, "");
	expect("a (ana@x.es) b", "ana@x.es", R, NULL, NULL, "a () b");
	expect("x\tana\ty", "ana", R, NULL, NULL, "x\t\ty"); /* only spaces are tidied */
	expect("x  ana  y", "ana", R, NULL, NULL, "x   y");   /* one space, not all */
	expect("fin ana。", "ana", R, NULL, NULL, "fin。");
	/* two removals one space apart, at the start */
	mesura_redact_span two[2] = {span_at(0, 3, R, NULL), span_at(4, 7, R, NULL)};
	expect_spans("ana bob carl", two, 2, "carl");
	/* the space is never taken from another span */
	mesura_redact_span kept[2] = {span_at(0, 4, MESURA_REDACT_KEEP, NULL),
	                              span_at(4, 7, R, NULL)};
	expect_spans("say bob", kept, 2, "say ");
}
END_TEST

START_TEST(remove_reports_the_space_in_the_map)
{
	const char *t = "Call me at 600123456 today";
	mesura_redact_span s = span_of(t, "600123456", MESURA_REDACT_REMOVE, NULL, NULL);
	expect_spans(t, &s, 1, "Call me at today");
	size_t n;
	n = mesura_redactor_map_count(red);
	ck_assert_uint_eq(n, 3);
	ck_assert_uint_eq(mesura_redactor_map_get(red, 1)->in_start, 11);
	ck_assert_uint_eq(mesura_redactor_map_get(red, 1)->in_end, 21); /* the digits and the space after them */
	ck_assert_uint_eq(mesura_redactor_map_get(red, 1)->out_start, 11);
	ck_assert_uint_eq(mesura_redactor_map_get(red, 1)->out_end, 11);
	ck_assert_int_eq(mesura_redactor_map_get(red, 1)->op, MESURA_REDACT_REMOVE);
	ck_assert_int_eq(mesura_redactor_map_get(red, 1)->changed, 1);

	t = "Mail: ana@x.es.";
	s = span_of(t, "ana@x.es", MESURA_REDACT_REMOVE, NULL, NULL);
	expect_spans(t, &s, 1, "Mail:.");
	n = mesura_redactor_map_count(red);
	ck_assert_uint_eq(n, 3);
	ck_assert_uint_eq(mesura_redactor_map_get(red, 0)->in_end, 5); /* "Mail:" */
	ck_assert_uint_eq(mesura_redactor_map_get(red, 1)->in_start, 5);
	ck_assert_uint_eq(mesura_redactor_map_get(red, 1)->in_end, 14);
}
END_TEST

/* ------------------------------------------------------------ keep, map */

START_TEST(keep_reports_without_changing)
{
	const char *t = "hello ana bye";
	mesura_redact_span s = span_of(t, "ana", MESURA_REDACT_KEEP, NULL, "pii.name");
	expect_spans(t, &s, 1, t);
	size_t n;
	n = mesura_redactor_map_count(red);
	ck_assert_uint_eq(n, 3);
	ck_assert_uint_eq(mesura_redactor_map_get(red, 0)->span, SIZE_MAX);
	ck_assert_uint_eq(mesura_redactor_map_get(red, 1)->in_start, 6);
	ck_assert_uint_eq(mesura_redactor_map_get(red, 1)->in_end, 9);
	ck_assert_uint_eq(mesura_redactor_map_get(red, 1)->span, 0);
	ck_assert_int_eq(mesura_redactor_map_get(red, 1)->op, MESURA_REDACT_KEEP);
	ck_assert_int_eq(mesura_redactor_map_get(red, 1)->changed, 0);
	ck_assert_uint_eq(mesura_redactor_map_get(red, 2)->span, SIZE_MAX);
}
END_TEST

START_TEST(map_of_a_label)
{
	const char *t = "to ana@x.es now";
	mesura_redact_span s = span_of(t, "ana@x.es", MESURA_REDACT_LABEL, NULL, "pii.email");
	expect_spans(t, &s, 1, "to [EMAIL] now");
	size_t n;
	n = mesura_redactor_map_count(red);
	ck_assert_uint_eq(n, 3);
	/* "[EMAIL]" (out 3..10) stands for "ana@x.es" (in 3..11) */
	ck_assert_uint_eq(mesura_redactor_map_get(red, 1)->out_start, 3);
	ck_assert_uint_eq(mesura_redactor_map_get(red, 1)->out_end, 10);
	ck_assert_uint_eq(mesura_redactor_map_get(red, 1)->in_start, 3);
	ck_assert_uint_eq(mesura_redactor_map_get(red, 1)->in_end, 11);
	ck_assert_int_eq(mesura_redactor_map_get(red, 1)->op, MESURA_REDACT_LABEL);
	ck_assert_int_eq(mesura_redactor_map_get(red, 1)->changed, 1);
	/* no spans, empty text */
	expect_spans("", NULL, 0, "");
	n = mesura_redactor_map_count(red);
	ck_assert_uint_eq(n, 0);
}
END_TEST

/* ------------------------------------------------------------ merging */

static const char DIGITS[] = "0123456789abcdef";

START_TEST(overlaps_take_the_operator_that_reveals_least)
{
	const mesura_redact_op K = MESURA_REDACT_KEEP, M = MESURA_REDACT_MASK,
	                       H = MESURA_REDACT_HASH, L = MESURA_REDACT_LABEL,
	                       R = MESURA_REDACT_REMOVE;
	mesura_redact_span ml[2] = {span_at(0, 10, M, NULL), span_at(5, 15, L, "pii.phone")};
	expect_spans(DIGITS, ml, 2, "[PHONE]f");
	/* label beats hash, whatever the order */
	mesura_redact_span hl[2] = {span_at(2, 6, L, "pii.phone"), span_at(0, 4, H, "pii.email")};
	expect_spans(DIGITS, hl, 2, "[PHONE]6789abcdef");
	/* hash beats mask: the digest is of the union 0..6 */
	mesura_redact_span mh[2] = {span_at(0, 4, M, NULL), span_at(2, 6, H, NULL)};
	char hex[7], want[64];
	hex3(DIGITS, 6, hex);
	snprintf(want, sizeof want, "[REDACTED:%s]6789abcdef", hex);
	expect_spans(DIGITS, mh, 2, want);
	/* remove beats everything; a span inside another rewrites the union */
	mesura_redact_span lr[2] = {span_at(0, 10, L, NULL), span_at(3, 5, R, NULL)};
	expect_spans(DIGITS, lr, 2, "abcdef");
	mesura_redact_span chain[4] = {span_at(0, 3, M, NULL), span_at(2, 5, H, NULL),
	                               span_at(4, 7, L, NULL), span_at(6, 8, R, NULL)};
	expect_spans(DIGITS, chain, 4, "89abcdef");
	/* keep never wins and never widens a redaction */
	mesura_redact_span km[2] = {span_at(0, 8, K, NULL), span_at(4, 12, M, NULL)};
	expect_spans(DIGITS, km, 2, "0123********cdef");
}
END_TEST

START_TEST(equal_operators_take_the_longer_then_the_first_span)
{
	const mesura_redact_op L = MESURA_REDACT_LABEL;
	mesura_redact_span longer[2] = {span_at(0, 4, L, "pii.email"),
	                                span_at(2, 10, L, "pii.phone")};
	expect_spans(DIGITS, longer, 2, "[PHONE]abcdef");
	mesura_redact_span tie[2] = {span_at(0, 6, L, "pii.email"), span_at(3, 9, L, "pii.phone")};
	expect_spans(DIGITS, tie, 2, "[EMAIL]9abcdef");
	mesura_redact_span swapped[2] = {tie[1], tie[0]};
	expect_spans(DIGITS, swapped, 2, "[PHONE]9abcdef");
	size_t n;
	n = mesura_redactor_map_count(red);
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(mesura_redactor_map_get(red, 0)->span, 0); /* the deciding span's index */
	ck_assert_uint_eq(mesura_redactor_map_get(red, 0)->in_start, 0);
	ck_assert_uint_eq(mesura_redactor_map_get(red, 0)->in_end, 9);
}
END_TEST

START_TEST(touching_spans_merge_but_keep_does_not)
{
	const mesura_redact_op K = MESURA_REDACT_KEEP, M = MESURA_REDACT_MASK,
	                       L = MESURA_REDACT_LABEL;
	mesura_redact_span touch[2] = {span_at(0, 3, M, NULL), span_at(3, 6, L, "pii.phone")};
	expect_spans(DIGITS, touch, 2, "[PHONE]6789abcdef");
	mesura_redact_span apart[2] = {span_at(0, 3, M, NULL), span_at(4, 6, L, "pii.phone")};
	expect_spans(DIGITS, apart, 2, "***3[PHONE]6789abcdef");
	mesura_redact_span keep_touch[2] = {span_at(0, 4, K, NULL), span_at(4, 8, M, NULL)};
	expect_spans(DIGITS, keep_touch, 2, "0123****89abcdef");
	/* a keep span around a mask is reported on both sides of it */
	mesura_redact_span around[2] = {span_at(0, 16, K, NULL), span_at(4, 8, M, NULL)};
	expect_spans(DIGITS, around, 2, "0123****89abcdef");
	size_t n;
	n = mesura_redactor_map_count(red);
	ck_assert_uint_eq(n, 3);
	ck_assert_int_eq(mesura_redactor_map_get(red, 0)->op, K);
	ck_assert_uint_eq(mesura_redactor_map_get(red, 0)->span, 0);
	ck_assert_int_eq(mesura_redactor_map_get(red, 1)->op, M);
	ck_assert_int_eq(mesura_redactor_map_get(red, 2)->op, K);
	ck_assert_uint_eq(mesura_redactor_map_get(red, 2)->in_start, 8);
	ck_assert_uint_eq(mesura_redactor_map_get(red, 2)->in_end, 16);
	/* a keep span inside a mask disappears */
	mesura_redact_span inside[2] = {span_at(5, 6, K, NULL), span_at(4, 8, M, NULL)};
	expect_spans(DIGITS, inside, 2, "0123****89abcdef");
	n = mesura_redactor_map_count(red);
	ck_assert_uint_eq(n, 3);
	ck_assert_uint_eq(mesura_redactor_map_get(red, 0)->span, SIZE_MAX);
	ck_assert_uint_eq(mesura_redactor_map_get(red, 1)->span, 1);
}
END_TEST

/* ------------------------------------------------------------ clusters */

START_TEST(spans_widen_to_whole_grapheme_clusters)
{
	const mesura_redact_op M = MESURA_REDACT_MASK;
	/* "cafe" + U+0301: a span over "cafe" takes the accent too */
	mesura_redact_span s = span_at(0, 4, M, NULL);
	expect_spans("cafe\xcc\x81 ok", &s, 1, "**** ok");
	/* from inside the family emoji (at the second person) to its end */
	s = span_at(3 + 7, 3 + 25, M, NULL);
	expect_spans("hi " FAMILY " yo", &s, 1, "hi * yo");
	/* the second half of one flag and the first half of the next: both flags */
	s = span_at(4, 12, M, NULL);
	expect_spans(FLAGS_ES_MX, &s, 1, "**");
	/* an empty span is ignored, even inside a cluster */
	s = span_at(4, 4, M, NULL);
	expect_spans(FLAGS_ES_MX, &s, 1, FLAGS_ES_MX);
	/* an ill-formed byte is a cluster of its own: a mark after it stays apart */
	s = span_at(0, 1, M, NULL);
	expect_spans("\xff\xcc\x81x", &s, 1, "*\xcc\x81x");
}
END_TEST

/* ------------------------------------------------------------ preview */

START_TEST(preview_marks_what_would_change)
{
	const char *t = "write to ana@x.es now";
	mesura_redact_span s = span_of(t, "ana@x.es", MESURA_REDACT_HASH, NULL, "pii.email");
	const char *out;
	size_t len;
	ck_assert_int_eq(mesura_redact_preview(red, t, strlen(t), &s, 1, SPAN_SIZE, NULL, &out, &len),
	                 MESURA_OK);
	ck_assert_str_eq(out, "write to ⟦ana@x.es⟧ now");
	ck_assert_uint_eq(len, strlen(out));
	mesura_redact_preview_options o = MESURA_REDACT_PREVIEW_OPTIONS_INIT;
	o.ansi = 1;
	ck_assert_int_eq(mesura_redact_preview(red, t, strlen(t), &s, 1, SPAN_SIZE, &o, &out, &len), MESURA_OK);
	ck_assert_str_eq(out, "write to \x1b[35mana@x.es\x1b[0m now");
	o.open = "<<";
	o.close = ">>";
	ck_assert_int_eq(mesura_redact_preview(red, t, strlen(t), &s, 1, SPAN_SIZE, &o, &out, &len), MESURA_OK);
	ck_assert_str_eq(out, "write to <<ana@x.es>> now");
	/* widened and merged as mesura_redact() would */
	mesura_redact_span two[2] = {span_at(0, 4, MESURA_REDACT_MASK, NULL),
	                             span_at(4, 6, MESURA_REDACT_MASK, NULL)};
	ck_assert_int_eq(mesura_redact_preview(red, "cafe\xcc\x81 ok", 9, two, 2, SPAN_SIZE, NULL, &out, &len),
	                 MESURA_OK);
	ck_assert_str_eq(out, "⟦cafe\xcc\x81⟧ ok");
	/* a keyless redactor previews hash spans */
	mesura_redactor *r;
	ck_assert_int_eq(mesura_redactor_new(&r, NULL, NULL), MESURA_OK);
	ck_assert_int_eq(mesura_redact_preview(r, t, strlen(t), &s, 1, SPAN_SIZE, NULL, &out, &len), MESURA_OK);
	ck_assert_str_eq(out, "write to ⟦ana@x.es⟧ now");
	mesura_redactor_free(r);
}
END_TEST

START_TEST(preview_leaves_the_output_and_map_alone)
{
	const char *t = "to ana@x.es now";
	mesura_redact_span s = span_of(t, "ana@x.es", MESURA_REDACT_LABEL, NULL, "pii.email");
	const char *out, *pv;
	size_t len, pv_len, n;
	ck_assert_int_eq(mesura_redact(red, t, strlen(t), &s, 1, SPAN_SIZE, &out, &len), MESURA_OK);
	ck_assert_int_eq(mesura_redact_preview(red, t, 3, NULL, 0, SPAN_SIZE, NULL, &pv, &pv_len), MESURA_OK);
	ck_assert_str_eq(pv, "to ");
	ck_assert_str_eq(out, "to [EMAIL] now");
	n = mesura_redactor_map_count(red);
	ck_assert_uint_eq(n, 3);
}
END_TEST

/* ------------------------------------------------------------ findings */

/* One rule per category whose default operator differs (and a `log` rule): the
 * findings of a real scan, since callers never make findings themselves. */
static const char CATEGORY_POLICY[] =
	"mesura: 1\n"
	"name: categories\n"
	"rules:\n"
	"  - { id: card, category: pii.payment_card, action: redact,\n"
	"      match: { regex: '\\d(?:[ -]?\\d){12,18}', validate: luhn } }\n"
	"  - { id: email, category: pii.email, action: block,\n"
	"      match: { regex: '[a-z]+@[a-z]+\\.[a-z]{2,}' } }\n"
	"  - { id: insult, category: profanity, action: review, match: { terms: mierda } }\n"
	"  - { id: logged, category: custom.log, action: log, match: { terms: log } }\n"
	"  - { id: jerk, category: harassment, action: review, match: { terms: jerk } }\n"
	"  - { id: slur, category: hate, action: block, match: { terms: slur } }\n"
	"  - { id: smut, category: sexual, action: review, match: { terms: smut } }\n";

/* The findings of CATEGORY_POLICY in `text` (borrowed until the next call). */
static const mesura_result *category_findings(const char *text, size_t want)
{
	if (!category_scanner) {
		ck_assert_int_eq(mesura_policy_compile(&category_policy, CATEGORY_POLICY,
		                                       sizeof CATEGORY_POLICY - 1, NULL, NULL, NULL,
		                                       NULL),
		                 MESURA_OK);
		ck_assert_int_eq(mesura_scanner_new(&category_scanner, category_policy, NULL),
		                 MESURA_OK);
	}
	const mesura_result *r;
	ck_assert_int_eq(mesura_scan(category_scanner, text, strlen(text), 0, &r), MESURA_OK);
	ck_assert_uint_eq(mesura_result_finding_count(r), want);
	return r;
}

static int choose_hash_for_email(const mesura_finding *f, size_t i, mesura_redact_span *s,
                                 void *payload)
{
	(void)i;
	(*(int *)payload)++;
	if (strcmp(f->category, "pii.email") == 0)
		s->op = MESURA_REDACT_HASH;
	return 0;
}

static int stop_at_second(const mesura_finding *f, size_t i, mesura_redact_span *s,
                          void *payload)
{
	(void)f, (void)s, (void)payload;
	return i == 1;
}

START_TEST(findings_get_default_operators_per_category)
{
	const char *t = "card 4111 1111 1111 1111, mail ana@x.es, mierda, log me";
	const mesura_result *f = category_findings(t, 4);
	const char *out;
	size_t len, n;
	ck_assert_int_eq(mesura_redact_findings(red, t, strlen(t), f, &out, &len, NULL, NULL),
	                 MESURA_OK);
	ck_assert_str_eq(out, "card **** **** **** 1111, mail [EMAIL], m*****, log me");
	n = mesura_redactor_map_count(red);
	ck_assert_int_eq(mesura_redactor_map_get(red, n - 2)->op, MESURA_REDACT_KEEP); /* "log", then " me" */
	ck_assert_uint_eq(mesura_redactor_map_get(red, n - 2)->span, 3);

	int calls = 0;
	char hex[7], want[96];
	hex3("ana@x.es", 8, hex);
	snprintf(want, sizeof want, "card **** **** **** 1111, mail [EMAIL:%s], m*****, log me",
	         hex);
	ck_assert_int_eq(mesura_redact_findings(red, t, strlen(t), f, &out, &len,
	                                        choose_hash_for_email, &calls),
	                 MESURA_OK);
	ck_assert_int_eq(calls, 4);
	ck_assert_str_eq(out, want);
	ck_assert_int_eq(
	    mesura_redact_findings(red, t, strlen(t), f, &out, &len, stop_at_second, NULL),
	    MESURA_EUSER);
	ck_assert_uint_eq(mesura_redactor_map_count(red), 0);
}
END_TEST

/* Words that offend (profanity, harassment, hate, sexual) keep their first letter, so a
 * reviewer sees which word it was; other categories get their label. */
START_TEST(offensive_categories_are_masked_keeping_the_first_letter)
{
	const char *t = "jerk, slur, smut, mail ana@x.es";
	const mesura_result *f = category_findings(t, 4);
	const char *out;
	size_t len;
	ck_assert_int_eq(mesura_redact_findings(red, t, strlen(t), f, &out, &len, NULL, NULL),
	                 MESURA_OK);
	ck_assert_str_eq(out, "j***, s***, s***, mail [EMAIL]");
}
END_TEST

/* ------------------------------------------------------------ idempotence */

/* Redacting the output again over its own rewritten segments changes nothing. */
static void assert_idempotent(const char *text, const mesura_redact_span *spans, size_t n)
{
	const char *out;
	size_t len, n_map;
	ck_assert_int_eq(mesura_redact(red, text, strlen(text), spans, n, SPAN_SIZE, &out, &len), MESURA_OK);
	char *first = strdup(out);
	n_map = mesura_redactor_map_count(red);
	mesura_redact_span again[16];
	size_t k = 0;
	for (size_t i = 0; i < n_map; i++)
		if (mesura_redactor_map_get(red, i)->span != SIZE_MAX && k < 16)
			again[k++] = (mesura_redact_span){mesura_redactor_map_get(red, i)->out_start, mesura_redactor_map_get(red, i)->out_end, mesura_redactor_map_get(red, i)->op,
			                                  spans[mesura_redactor_map_get(red, i)->span].format,
			                                  spans[mesura_redactor_map_get(red, i)->span].category, NULL};
	ck_assert_int_eq(mesura_redact(red, first, len, again, k, SPAN_SIZE, &out, &len), MESURA_OK);
	ck_assert_str_eq(out, first);
	free(first);
}

START_TEST(redaction_is_idempotent)
{
	const char *t = "Pérez " FAMILY " 4111-1111-1111-1111 at ana@x.es, שלום １２３ end";
	mesura_redact_format card = mask_opts(0, 4, 1, NULL);
	mesura_redact_format first1 = mask_opts(1, 0, 0, "\xe2\x80\xa2");
	for (int op = MESURA_REDACT_KEEP; op <= MESURA_REDACT_REMOVE; op++) {
		if (op == MESURA_REDACT_HASH)
			continue; /* a digest of a token is another token: see docs/redact.md */
		mesura_redact_op o = (mesura_redact_op)op;
		mesura_redact_span s[5] = {
		    span_of(t, "Pérez", o, &first1, "pii.name"),
		    span_of(t, FAMILY, o, NULL, "custom.emoji"),
		    span_of(t, "4111-1111-1111-1111", o, &card, "pii.payment_card"),
		    span_of(t, "ana@x.es", o, NULL, "pii.email"), span_of(t, "שלום", o, NULL, NULL)};
		assert_idempotent(t, s, 5);
	}
}
END_TEST

static const char POLICY[] =
	"mesura: 1\n"
	"name: redact-test\n"
	"rules:\n"
	"  - id: email\n"
	"    category: pii.email\n"
	"    action: redact\n"
	"    match: { regex: '[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}' }\n"
	"  - id: card-number\n"
	"    category: pii.payment_card\n"
	"    action: redact\n"
	"    match: { regex: '\\d(?:[ -]?\\d){12,18}', validate: luhn }\n"
	"  - id: phone\n"
	"    category: pii.phone\n"
	"    action: redact\n"
	"    match: { regex: '\\+\\d{2} \\d{3} \\d{3} \\d{3}' }\n"
	"  - id: insults-es\n"
	"    category: profanity\n"
	"    action: review\n"
	"    match: { terms: [mierda, gilipollas] }\n";

/* Scan, redact with the defaults, scan the result: nothing is found again, and
 * redacting again gives the same text. */
START_TEST(default_labels_are_not_found_again)
{
	mesura_policy *p;
	mesura_scanner *sc;
	mesura_diagnostics *d = NULL;
	int rc = mesura_policy_compile(&p, POLICY, sizeof POLICY - 1, "t", NULL, &d, NULL);
	for (size_t i = 0; i < mesura_diagnostics_count(d); i++)
		fprintf(stderr, "%s\n", mesura_diagnostics_get(d, i)->message);
	mesura_diagnostics_free(d);
	ck_assert_int_eq(rc, MESURA_OK);
	ck_assert_int_eq(mesura_scanner_new(&sc, p, NULL), MESURA_OK);
	const char *post = "Qué mierda, mi tarjeta 4111 1111 1111 1111 y mi correo "
	                   "ana.lopez@example.es, llamad al +34 600 123 456 gilipollas";
	const mesura_result *res;
	ck_assert_int_eq(mesura_scan(sc, post, strlen(post), 0, &res), MESURA_OK);
	ck_assert_uint_eq(mesura_result_finding_count(res), 5);
	const char *out;
	size_t len;
	ck_assert_int_eq(mesura_redact_findings(red, post, strlen(post), res, &out, &len, NULL, NULL),
	                 MESURA_OK);
	ck_assert_str_eq(out, "Qué m*****, mi tarjeta **** **** **** 1111 y mi correo "
	                      "[EMAIL], llamad al [PHONE] g*********");
	char *once = strdup(out);
	ck_assert_int_eq(mesura_scan(sc, once, len, 0, &res), MESURA_OK);
	ck_assert_uint_eq(mesura_result_finding_count(res), 0);
	ck_assert_int_eq(mesura_redact_findings(red, once, len, res, &out, &len, NULL, NULL),
	                 MESURA_OK);
	ck_assert_str_eq(out, once);
	free(once);
	mesura_scanner_free(sc);
	mesura_policy_free(p);
}
END_TEST

/* ------------------------------------------------------------ bad input */

static void assert_refused(const char *text, size_t len, mesura_redact_span s, int want)
{
	static const char sentinel[] = "untouched";
	const char *out = sentinel;
	size_t out_len = 12345, n = 99;
	ck_assert_int_eq(mesura_redact(red, text, len, &s, 1, SPAN_SIZE, &out, &out_len), want);
	ck_assert_ptr_eq(out, sentinel);
	ck_assert_uint_eq(out_len, 12345);
	n = mesura_redactor_map_count(red);
	ck_assert_uint_eq(n, 0);
}

START_TEST(bad_spans_are_refused)
{
	const mesura_redact_op M = MESURA_REDACT_MASK;
	assert_refused("abc", 3, span_at(2, 1, M, NULL), MESURA_EINVAL);
	assert_refused("abc", 3, span_at(0, 4, M, NULL), MESURA_EINVAL);
	assert_refused("abc", 3, span_at(4, 4, M, NULL), MESURA_EINVAL);
	assert_refused("abc", 3, span_at(SIZE_MAX, SIZE_MAX, M, NULL), MESURA_EINVAL);
	/* inside a character */
	assert_refused("é", 2, span_at(1, 2, M, NULL), MESURA_EINVAL);
	assert_refused("é", 2, span_at(0, 1, M, NULL), MESURA_EINVAL);
	assert_refused(FAMILY, 25, span_at(0, 2, M, NULL), MESURA_EINVAL);
	/* inside a truncated sequence (E2 82 is one ill-formed unit) */
	assert_refused("\xe2\x82x", 3, span_at(1, 3, M, NULL), MESURA_EINVAL);
	/* a stray continuation byte is a unit of its own: its edges are boundaries */
	const char *out;
	size_t len;
	mesura_redact_span ok = span_at(1, 2, M, NULL);
	ck_assert_int_eq(mesura_redact(red, "a\x80" "b", 3, &ok, 1, SPAN_SIZE, &out, &len), MESURA_OK);
	ck_assert_str_eq(out, "a*b");
	ok = span_at(2, 3, M, NULL);
	ck_assert_int_eq(mesura_redact(red, "\xe2\x82x", 3, &ok, 1, SPAN_SIZE, &out, &len), MESURA_OK);
	ck_assert_str_eq(out, "\xe2\x82*");
	mesura_redact_span op = span_at(0, 1, (mesura_redact_op)99, NULL);
	assert_refused("abc", 3, op, MESURA_EINVAL);
	op.op = (mesura_redact_op)-1;
	assert_refused("abc", 3, op, MESURA_EINVAL);
	/* a good span does not excuse a bad one */
	mesura_redact_span mixed[2] = {span_at(0, 1, M, NULL), span_at(0, 9, M, NULL)};
	ck_assert_int_eq(mesura_redact(red, "abc", 3, mixed, 2, SPAN_SIZE, &out, &len), MESURA_EINVAL);
}
END_TEST

START_TEST(bad_options_are_refused)
{
	mesura_redact_format o = MESURA_REDACT_FORMAT_INIT;
	mesura_redact_span s = {0, 3, MESURA_REDACT_MASK, &o, "pii.email", NULL};
	const char *bad_masks[] = {"", "ab", "\xff", "\xcc\x81" /* a mark */,
	                           "\xe2\x80\x8b" /* ZWSP */, "\t", "\xc3", "**"};
	for (size_t i = 0; i < sizeof bad_masks / sizeof *bad_masks; i++) {
		o.mask_char = bad_masks[i];
		assert_refused("abc", 3, s, MESURA_EINVAL);
	}
	o.mask_char = "\xf0\x9f\x94\x92"; /* 🔒: one scalar, fine */
	const char *out;
	size_t len;
	ck_assert_int_eq(mesura_redact(red, "abc", 3, &s, 1, SPAN_SIZE, &out, &len), MESURA_OK);
	ck_assert_str_eq(out, "\xf0\x9f\x94\x92\xf0\x9f\x94\x92\xf0\x9f\x94\x92");
	o.mask_char = NULL;

	s.op = MESURA_REDACT_LABEL;
	const char *bad_labels[] = {"{bogus}", "[{category]", "{", "x{hash}", "\xff"};
	for (size_t i = 0; i < sizeof bad_labels / sizeof *bad_labels; i++) {
		o.label = bad_labels[i];
		assert_refused("abc", 3, s, MESURA_EINVAL);
	}
	o.label = NULL;
	s.category = "pii.\xff";
	assert_refused("abc", 3, s, MESURA_EINVAL);
	s.category = "pii.email";
	s.rule_id = "\xc3";
	assert_refused("abc", 3, s, MESURA_EINVAL);
	s.rule_id = NULL;

	s.op = MESURA_REDACT_HASH;
	o.hash_label = "[{CATEGORY}]"; /* a hash token without the hash */
	assert_refused("abc", 3, s, MESURA_EINVAL);
	o.hash_label = NULL;
	o.hash_bytes = 2;
	assert_refused("abc", 3, s, MESURA_EINVAL);
	o.hash_bytes = 9;
	assert_refused("abc", 3, s, MESURA_EINVAL);
	o.hash_bytes = 0;

	o.version = 99;
	assert_refused("abc", 3, s, MESURA_EVERSION);
	ck_assert_int_eq(mesura_redact_format_init(&o, 99), MESURA_EVERSION);
	ck_assert_int_eq(mesura_redact_format_init(&o, MESURA_REDACT_FORMAT_VERSION), MESURA_OK);
	ck_assert_uint_eq(o.version, MESURA_REDACT_FORMAT_VERSION);
	ck_assert_ptr_null(o.label);
	ck_assert_int_eq(mesura_redact_format_init(NULL, MESURA_REDACT_FORMAT_VERSION),
	                 MESURA_EINVAL);
}
END_TEST

/* Spans come in the caller's arrays, so the caller says how big one is: only the
 * sizes of released headers are read, anything else leaves everything unwritten. */
START_TEST(span_size_must_be_a_known_one)
{
	const char *text = "call 555 0100";
	mesura_redact_span s[2] = {span_at(0, 4, MESURA_REDACT_MASK, NULL),
	                           span_at(5, 13, MESURA_REDACT_LABEL, "pii.phone")};
	const char *out = "untouched";
	size_t len = 99;
	ck_assert_int_eq(mesura_redact(red, text, strlen(text), s, 2, SPAN_SIZE, &out, &len),
	                 MESURA_OK);
	ck_assert_str_eq(out, "**** [PHONE]");
	ck_assert_uint_eq(mesura_redactor_map_count(red), 3);
	const size_t unknown[] = {0, 1, SPAN_SIZE - 1, SPAN_SIZE + 1,
	                          SPAN_SIZE + sizeof(void *), 2 * SPAN_SIZE};
	for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
		const char *o2 = "untouched";
		size_t l2 = 99;
		ck_assert_int_eq(mesura_redact(red, text, strlen(text), s, 2, unknown[i], &o2, &l2),
		                 MESURA_EVERSION);
		ck_assert_str_eq(o2, "untouched");
		ck_assert_uint_eq(l2, 99);
		ck_assert_uint_eq(mesura_redactor_map_count(red), 0);
		ck_assert_int_eq(mesura_redact_preview(red, text, strlen(text), s, 2, unknown[i], NULL,
		                                       &o2, &l2),
		                 MESURA_EVERSION);
		ck_assert_str_eq(o2, "untouched");
		/* even with no spans: the size is checked before anything is read */
		ck_assert_int_eq(mesura_redact(red, text, strlen(text), NULL, 0, unknown[i], &o2, &l2),
		                 MESURA_EVERSION);
	}
	/* a finding's span is written only for a known size, and only that many bytes */
	mesura_finding f = {0};
	f.start = 5;
	f.end = 13;
	f.category = "pii.phone";
	f.rule_id = "phone";
	f.action = MESURA_ACTION_BLOCK;
	mesura_redact_span got[2];
	memset(got, 0xA5, sizeof got);
	ck_assert_int_eq(mesura_redact_span_from_finding(&got[0], SPAN_SIZE + 1, &f),
	                 MESURA_EVERSION);
	ck_assert_int_eq(mesura_redact_span_from_policy(&got[0], 0, NULL, &f), MESURA_EVERSION);
	const unsigned char *bytes = (const unsigned char *)got;
	for (size_t i = 0; i < sizeof got; i++)
		ck_assert_uint_eq(bytes[i], 0xA5);
	ck_assert_int_eq(mesura_redact_span_from_finding(&got[0], SPAN_SIZE, &f), MESURA_OK);
	ck_assert_uint_eq(got[0].start, 5);
	ck_assert_uint_eq(got[0].end, 13);
	ck_assert_int_eq(got[0].op, MESURA_REDACT_LABEL);
	ck_assert_str_eq(got[0].rule_id, "phone");
	for (size_t i = SPAN_SIZE; i < sizeof got; i++)
		ck_assert_uint_eq(bytes[i], 0xA5);
	ck_assert_int_eq(mesura_redact_span_from_policy(&got[1], SPAN_SIZE, NULL, &f), MESURA_OK);
	ck_assert_int_eq(got[1].op, got[0].op);
	ck_assert_ptr_eq(got[1].format, got[0].format);
	ck_assert_int_eq(mesura_redact_span_from_finding(NULL, SPAN_SIZE, &f), MESURA_EINVAL);
	ck_assert_int_eq(mesura_redact_span_from_finding(&got[0], SPAN_SIZE, NULL), MESURA_EINVAL);
	ck_assert_int_eq(mesura_redact_span_from_policy(&got[0], SPAN_SIZE, NULL, NULL),
	                 MESURA_EINVAL);
	/* the spans so made redact as the defaults do */
	ck_assert_int_eq(mesura_redact(red, text, strlen(text), got, 1, SPAN_SIZE, &out, &len),
	                 MESURA_OK);
	ck_assert_str_eq(out, "call [PHONE]");
}
END_TEST

START_TEST(bad_arguments_are_refused)
{
	const char *out;
	size_t len;
	mesura_redact_span s = span_at(0, 1, MESURA_REDACT_MASK, NULL);
	ck_assert_int_eq(mesura_redact(NULL, "a", 1, &s, 1, SPAN_SIZE, &out, &len), MESURA_EINVAL);
	ck_assert_int_eq(mesura_redact(red, NULL, 1, &s, 1, SPAN_SIZE, &out, &len), MESURA_EINVAL);
	ck_assert_int_eq(mesura_redact(red, "a", 1, NULL, 1, SPAN_SIZE, &out, &len), MESURA_EINVAL);
	ck_assert_int_eq(mesura_redact(red, "a", 1, &s, 1, SPAN_SIZE, NULL, &len), MESURA_EINVAL);
	ck_assert_int_eq(mesura_redact(red, "a", 1, &s, 1, SPAN_SIZE, &out, NULL), MESURA_EINVAL);
	ck_assert_int_eq(mesura_redact(red, NULL, 0, NULL, 0, SPAN_SIZE, &out, &len), MESURA_OK);
	ck_assert_str_eq(out, "");
	ck_assert_int_eq(mesura_redact_findings(red, "a", 1, NULL, &out, &len, NULL, NULL),
	                 MESURA_EINVAL);
	ck_assert_int_eq(mesura_redact_preview(red, "a", 1, NULL, 1, SPAN_SIZE, NULL, &out, &len),
	                 MESURA_EINVAL);
	mesura_redact_preview_options po = MESURA_REDACT_PREVIEW_OPTIONS_INIT;
	po.version = 0;
	ck_assert_int_eq(mesura_redact_preview(red, "a", 1, &s, 1, SPAN_SIZE, &po, &out, &len),
	                 MESURA_EVERSION);
	ck_assert_int_eq(mesura_redact_preview_options_init(&po, 2), MESURA_EVERSION);
	ck_assert_int_eq(mesura_redact_preview_options_init(NULL, 1), MESURA_EINVAL);

	mesura_redactor *r = NULL;
	ck_assert_int_eq(mesura_redactor_new(NULL, NULL, NULL), MESURA_EINVAL);
	mesura_redactor_options ro;
	ck_assert_int_eq(mesura_redactor_options_init(&ro, MESURA_REDACTOR_OPTIONS_VERSION),
	                 MESURA_OK);
	ck_assert_ptr_null(ro.hash_key);
	ro.version = 7;
	ck_assert_int_eq(mesura_redactor_new(&r, &ro, NULL), MESURA_EVERSION);
	ck_assert_ptr_null(r);
	mesura_allocator half = {NULL, NULL, NULL, NULL};
	ck_assert_int_eq(mesura_redactor_new(&r, NULL, &half), MESURA_EINVAL);
	mesura_redactor_free(NULL);
	ck_assert_uint_eq(mesura_redactor_map_count(NULL), 0);
	ck_assert_ptr_null(mesura_redactor_map_get(NULL, 0));
	ck_assert_ptr_null(mesura_redactor_map_get(red, mesura_redactor_map_count(red)));
}
END_TEST

/* ------------------------------------------------------------ memory */

static int run_everything(mesura_redactor *r)
{
	const char *t = "Sr. P" E_ACUTE_NFD "rez " FAMILY " 4111 1111 1111 1111 ana@x.es ok";
	size_t n = strlen(t);
	mesura_redact_format card = mask_opts(0, 4, 1, NULL);
	mesura_redact_span s[6] = {
	    span_of(t, "Sr.", MESURA_REDACT_KEEP, NULL, NULL),
	    span_of(t, "P" E_ACUTE_NFD "rez", MESURA_REDACT_MASK, NULL, NULL),
	    span_of(t, FAMILY, MESURA_REDACT_REMOVE, NULL, NULL),
	    span_of(t, "4111 1111 1111 1111", MESURA_REDACT_MASK, &card, NULL),
	    span_of(t, "ana@x.es", MESURA_REDACT_HASH, NULL, "pii.email"),
	    span_of(t, "ok", MESURA_REDACT_LABEL, NULL, "custom.teléfono")};
	const char *out;
	size_t len;
	size_t n_map = 99;
	int rc = mesura_redact(r, t, n, s, 6, SPAN_SIZE, &out, &len);
	if (rc != MESURA_OK) {
		n_map = mesura_redactor_map_count(r);
		ck_assert_uint_eq(n_map, 0); /* a failed redaction leaves no map */
		return rc;
	}
	rc = mesura_redact_preview(r, t, n, s, 6, SPAN_SIZE, NULL, &out, &len);
	if (rc != MESURA_OK)
		return rc;
	const mesura_result *f = category_findings(t, 2); /* the card and ana@x.es */
	rc = mesura_redact_findings(r, t, n, f, &out, &len, NULL, NULL);
	if (rc != MESURA_OK)
		ck_assert_uint_eq(mesura_redactor_map_count(r), 0);
	return rc;
}

START_TEST(every_allocation_failure_is_clean)
{
	size_t failures = 0, successes = 0;
	for (size_t fail_after = 0; fail_after < 1000 && successes == 0; fail_after++) {
		tu_failing_alloc fa;
		tu_failing_alloc_init(&fa, fail_after);
		mesura_redactor_options o = MESURA_REDACTOR_OPTIONS_INIT;
		o.hash_key = KEY;
		mesura_redactor *r = NULL;
		int rc = mesura_redactor_new(&r, &o, &fa.hooks);
		if (rc == MESURA_OK)
			rc = run_everything(r);
		if (rc == MESURA_OK) {
			successes++;
		} else {
			failures++;
			ck_assert_int_eq(rc, MESURA_ENOMEM);
		}
		mesura_redactor_free(r);
		ck_assert_uint_eq(fa.live, 0);
	}
	ck_assert_uint_eq(successes, 1);
	ck_assert_uint_ge(failures, 5); /* the object and its buffers */
}
END_TEST

START_TEST(warm_redactor_does_not_allocate)
{
	tu_failing_alloc fa;
	tu_failing_alloc_init(&fa, SIZE_MAX);
	mesura_redactor_options o = MESURA_REDACTOR_OPTIONS_INIT;
	o.hash_key = KEY;
	mesura_redactor *r;
	ck_assert_int_eq(mesura_redactor_new(&r, &o, &fa.hooks), MESURA_OK);
	ck_assert_int_eq(run_everything(r), MESURA_OK);
	fa.fail_after = fa.calls; /* any further allocation now fails */
	ck_assert_int_eq(run_everything(r), MESURA_OK);
	mesura_redactor_free(r);
	ck_assert_uint_eq(fa.live, 0);
}
END_TEST

/* ------------------------------------------------------------ random posts */

/* Pieces of posts, each a whole grapheme cluster that cannot join its neighbours, so
 * that spans on piece edges are on cluster boundaries and never widen. The last four
 * are ill-formed, and none of them can complete another's sequence. */
static const char *const ATOMS[] = {
	"a", "Z", "q", "7", "0", " ", " ", " ", "-", ".", ",", "@", "!", "\t", "\n",
	"\xc3\xa9", "\xc3\xb1", "n\xcc\x83", "e\xcc\x81\xcc\xa7", "\xef\xbc\x91",
	"\xd9\x85", "\xd8\xb1", "\xd7\xa9", "\xd7\x9c", FAMILY,
	"\xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd", "\xf0\x9f\x87\xaa\xf0\x9f\x87\xb8",
	"\xe2\x80\x94", "\xc2\xbf",
	"\xff", "\x80", "\xc0", "\xed\xa0\x80"};
#define N_ATOMS (sizeof ATOMS / sizeof *ATOMS)
#define N_INVALID 4

typedef struct {
	char text[2048];
	size_t len;
	size_t edge[64]; /* atom edges: edge[0] = 0 ... edge[n] = len */
	size_t n;
	size_t chars[2048]; /* character starts, and len */
	size_t n_chars;
	int valid;
} post;

/* Character starts inside one atom: each scalar of a well-formed atom; each byte of
 * an ill-formed one (every byte of those is its own maximal subpart). */
static void add_chars(post *p, const char *atom, size_t at, int invalid)
{
	size_t n = strlen(atom);
	for (size_t i = 0; i < n;) {
		p->chars[p->n_chars++] = at + i;
		utf8proc_int32_t cp;
		utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)atom + i,
		                                      (utf8proc_ssize_t)(n - i), &cp);
		i += invalid || k <= 0 ? 1 : (size_t)k;
	}
}

static void random_post(tu_rng *rng, post *p)
{
	p->len = p->n = p->n_chars = 0;
	p->valid = 1;
	size_t atoms = 1 + tu_rng_below(rng, 60);
	int allow_invalid = tu_rng_below(rng, 3) == 0;
	p->edge[0] = 0;
	for (size_t i = 0; i < atoms; i++) {
		size_t a = tu_rng_below(rng, allow_invalid ? N_ATOMS : N_ATOMS - N_INVALID);
		int invalid = a >= N_ATOMS - N_INVALID;
		p->valid &= !invalid;
		add_chars(p, ATOMS[a], p->len, invalid);
		memcpy(p->text + p->len, ATOMS[a], strlen(ATOMS[a]));
		p->len += strlen(ATOMS[a]);
		p->edge[++p->n] = p->len;
	}
	p->chars[p->n_chars++] = p->len;
}

static const char *const CATEGORIES[] = {NULL, "pii.email", "pii.phone", "custom.teléfono"};

static mesura_redact_format random_options[4];

static void init_random_options(void)
{
	random_options[0] = mask_opts(0, 4, 1, NULL);
	random_options[1] = mask_opts(1, 1, 0, "\xe2\x96\x88");
	mesura_redact_format_init(&random_options[2], MESURA_REDACT_FORMAT_VERSION);
	random_options[2].label = "<{category}|{rule}>";
	random_options[2].hash_label = "#{hash}";
	random_options[2].hash_bytes = 8;
	random_options[3] = mask_opts(0, 0, 1, ".");
}

/* n random spans between points[] (sorted offsets), random operators and options. */
static void random_spans(tu_rng *rng, const size_t *points, size_t n_points,
                         mesura_redact_span *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		size_t a = tu_rng_below(rng, n_points), b = tu_rng_below(rng, n_points);
		if (a > b) {
			size_t t = a;
			a = b;
			b = t;
		}
		size_t o = tu_rng_below(rng, 5);
		s[i] = (mesura_redact_span){points[a], points[b],
		                            (mesura_redact_op)tu_rng_below(rng, 5),
		                            o < 4 ? &random_options[o] : NULL,
		                            CATEGORIES[tu_rng_below(rng, 4)], "r-1"};
	}
}

static int inside_any(const mesura_redact_span *s, size_t n, size_t at)
{
	for (size_t i = 0; i < n; i++)
		if (at >= s[i].start && at < s[i].end)
			return 1;
	return 0;
}

/* Checks the map of the last redaction of p into out. `strict`: spans are on cluster
 * boundaries, so every byte outside them must be copied, except one space per
 * removal, next to it. */
static void check_random(tu_tally *t, const post *p, const char *out, size_t out_len,
                         const mesura_redact_span *s, size_t n_spans, int strict)
{
	size_t n;
	n = mesura_redactor_map_count(red);
	size_t o = 0, i = 0;
	for (size_t k = 0; k < n; k++) {
		int ok = mesura_redactor_map_get(red, k)->out_start == o && mesura_redactor_map_get(red, k)->in_start == i && mesura_redactor_map_get(red, k)->out_end >= o &&
		         mesura_redactor_map_get(red, k)->in_end >= i;
		if (ok && !mesura_redactor_map_get(red, k)->changed)
			ok = mesura_redactor_map_get(red, k)->out_end - o == mesura_redactor_map_get(red, k)->in_end - i &&
			     memcmp(out + o, p->text + i, mesura_redactor_map_get(red, k)->in_end - i) == 0;
		size_t outside = 0;
		for (size_t b = mesura_redactor_map_get(red, k)->in_start; ok && strict && mesura_redactor_map_get(red, k)->changed && b < mesura_redactor_map_get(red, k)->in_end; b++)
			if (!inside_any(s, n_spans, b)) {
				outside++;
				ok = mesura_redactor_map_get(red, k)->op == MESURA_REDACT_REMOVE && p->text[b] == ' ' && outside == 1 &&
				     (b == mesura_redactor_map_get(red, k)->in_start || b + 1 == mesura_redactor_map_get(red, k)->in_end);
			}
		if (!ok) {
			tu_tally_fail(t, "segment %zu of \"%.*s\"", k, (int)p->len, p->text);
			return;
		}
		o = mesura_redactor_map_get(red, k)->out_end;
		i = mesura_redactor_map_get(red, k)->in_end;
	}
	if (o != out_len || i != p->len)
		tu_tally_fail(t, "map does not tile \"%.*s\"", (int)p->len, p->text);
	if (p->valid && mesura_utf8_validate(out, out_len, NULL) != MESURA_OK)
		tu_tally_fail(t, "ill-formed output for \"%.*s\"", (int)p->len, p->text);
}

/* Taking the preview's markers out gives the text back, with one pair of markers per
 * segment that a span decided. */
static void check_preview(tu_tally *t, const post *p, const mesura_redact_span *s, size_t n)
{
	size_t n_map;
	n_map = mesura_redactor_map_count(red);
	size_t decided = 0;
	for (size_t k = 0; k < n_map; k++)
		decided += mesura_redactor_map_get(red, k)->span != SIZE_MAX;
	const char *pv;
	size_t len;
	if (mesura_redact_preview(red, p->text, p->len, s, n, SPAN_SIZE, NULL, &pv, &len) != MESURA_OK) {
		tu_tally_fail(t, "preview of \"%.*s\" failed", (int)p->len, p->text);
		return;
	}
	static char plain[8192];
	size_t w = 0, marks = 0;
	for (size_t i = 0; i < len;) {
		if (i + 3 <= len && (memcmp(pv + i, "⟦", 3) == 0 || memcmp(pv + i, "⟧", 3) == 0)) {
			marks++;
			i += 3;
			continue;
		}
		plain[w++] = pv[i++];
	}
	if (w != p->len || memcmp(plain, p->text, w) != 0 || marks != 2 * decided)
		tu_tally_fail(t, "preview of \"%.*s\"", (int)p->len, p->text);
}

START_TEST(random_posts_keep_everything_outside_their_spans)
{
	init_random_options();
	tu_rng rng = {20240611};
	tu_tally t = {"redact random posts", 0, 0};
	size_t rewritten = 0;
	for (int iter = 0; iter < 20000; iter++) {
		post p;
		random_post(&rng, &p);
		mesura_redact_span s[6];
		size_t n = tu_rng_below(&rng, 7);
		int strict = iter % 2 == 0; /* on atom edges, or on any character boundary */
		if (strict)
			random_spans(&rng, p.edge, p.n + 1, s, n);
		else
			random_spans(&rng, p.chars, p.n_chars, s, n);
		const char *out;
		size_t len;
		t.checks++;
		int rc = mesura_redact(red, p.text, p.len, s, n, SPAN_SIZE, &out, &len);
		if (rc != MESURA_OK) {
			tu_tally_fail(&t, "rc %d for \"%.*s\"", rc, (int)p.len, p.text);
			continue;
		}
		size_t n_map;
		n_map = mesura_redactor_map_count(red);
		for (size_t k = 0; k < n_map; k++)
			rewritten += mesura_redactor_map_get(red, k)->changed != 0;
		check_random(&t, &p, out, len, s, n, strict);
		check_preview(&t, &p, s, n);
	}
	printf("redact random posts: %zu segments rewritten\n", rewritten);
	ck_assert_uint_gt(rewritten, 10000); /* it did redact */
	tu_tally_finish(&t, "posts");
}
END_TEST

/* ------------------------------------------------------------ policy operators */

static const char REDACT_POLICY[] =
	"mesura: 1\nrules:\n"
	"  - id: card\n    category: pii.payment_card\n    action: redact\n"
	"    match: { regex: '\\b\\d(?:[ -]?\\d){12,18}\\b', validate: luhn }\n"
	"    redact: { mask: \"\xe2\x80\xa2\", keep_last: 4, keep_separators: true }\n"
	"  - id: phone\n    category: pii.phone\n    action: redact\n"
	"    match: { regex: '\\+34 ?\\d{3} ?\\d{3} ?\\d{3}' }\n"
	"    redact: { label: \"[TEL\xc3\x89" "FONO {rule}]\" }\n"
	"  - id: swear\n    category: profanity\n    match: { terms: [mierda] }\n"
	"    redact: remove\n"
	"  - id: email\n    category: pii.email\n    action: redact\n"
	"    match: { regex: '[a-z.]+@[a-z]+\\.[a-z]+' }\n";

START_TEST(policy_operators_rewrite_their_rules_findings)
{
	mesura_policy *p;
	mesura_diagnostics *d = NULL;
	ck_assert_int_eq(mesura_policy_compile(&p, REDACT_POLICY, sizeof REDACT_POLICY - 1, NULL,
	                                       NULL, &d, NULL), MESURA_OK);
	mesura_diagnostics_free(d);
	mesura_scanner *s;
	mesura_redactor *rd;
	ck_assert_int_eq(mesura_scanner_new(&s, p, NULL), MESURA_OK);
	ck_assert_int_eq(mesura_redactor_new(&rd, NULL, NULL), MESURA_OK);
	/* A Luhn-valid card computed here, grouped by four. */
	char digits[17] = "411111111111111";
	int sum = 0;
	for (int i = 14, dbl = 1; i >= 0; i--, dbl = !dbl) {
		int v = (digits[i] - '0') * (dbl ? 2 : 1);
		sum += v > 9 ? v - 9 : v;
	}
	digits[15] = (char)('0' + (10 - sum % 10) % 10);
	digits[16] = '\0';
	char text[256];
	snprintf(text, sizeof text, "tarjeta %.4s %.4s %.4s %.4s, llama al +34 612 345 678, "
	         "vaya mierda, escribe a ana.garcia@example.com",
	         digits, digits + 4, digits + 8, digits + 12);
	const mesura_result *r;
	ck_assert_int_eq(mesura_scan(s, text, strlen(text), 0, &r), MESURA_OK);
	ck_assert_uint_eq(mesura_result_finding_count(r), 4);
	const char *out;
	size_t out_len;
	ck_assert_int_eq(mesura_redact_result(rd, p, text, strlen(text), r, &out, &out_len),
	                 MESURA_OK);
	char want[256];
	snprintf(want, sizeof want, "tarjeta \xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2 "
	         "\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2 \xe2\x80\xa2\xe2\x80\xa2\xe2\x80"
	         "\xa2\xe2\x80\xa2 %.4s, llama al [TEL\xc3\x89" "FONO phone], vaya, escribe a "
	         "[EMAIL]", digits + 12);
	ck_assert_str_eq(out, want);
	ck_assert_uint_eq(out_len, strlen(want));
	/* The same operators, one finding at a time, for callers that override some. */
	for (size_t i = 0; i < mesura_result_finding_count(r); i++) {
		mesura_redact_span span;
		ck_assert_int_eq(mesura_redact_span_from_policy(&span, sizeof span, p,
		                                                mesura_result_finding_get(r, i)),
		                 MESURA_OK);
		const char *rule = mesura_result_finding_get(r, i)->rule_id;
		if (strcmp(rule, "card") == 0) {
			ck_assert_int_eq(span.op, MESURA_REDACT_MASK);
			ck_assert_str_eq(span.format->mask_char, "\xe2\x80\xa2");
		} else if (strcmp(rule, "swear") == 0) {
			ck_assert_int_eq(span.op, MESURA_REDACT_REMOVE);
		} else if (strcmp(rule, "email") == 0) { /* no redact: its category's default */
			mesura_redact_span def;
			ck_assert_int_eq(mesura_redact_span_from_finding(&def, sizeof def,
			                                                 mesura_result_finding_get(r, i)),
			                 MESURA_OK);
			ck_assert_int_eq(span.op, def.op);
			ck_assert_ptr_eq(span.format, def.format);
		}
	}
	/* A finding names its rule by index; a policy whose rule at that index has another
	 * id (not the policy that scanned) lends it nothing: the category's default. */
	static const char OTHER[] =
		"mesura: 1\nrules:\n"
		"  - { id: other, category: pii.payment_card, match: { terms: x }, redact: remove }\n";
	mesura_policy *other;
	ck_assert_int_eq(mesura_policy_compile(&other, OTHER, sizeof OTHER - 1, NULL, NULL, NULL,
	                                       NULL), MESURA_OK);
	const mesura_finding *card = mesura_result_finding_get(r, 0);
	ck_assert_str_eq(card->rule_id, "card");
	ck_assert_uint_eq(card->rule, 0);
	mesura_redact_span span, def;
	ck_assert_int_eq(mesura_redact_span_from_policy(&span, sizeof span, other, card), MESURA_OK);
	ck_assert_int_eq(mesura_redact_span_from_finding(&def, sizeof def, card), MESURA_OK);
	ck_assert_int_eq(span.op, def.op);
	ck_assert_ptr_eq(span.format, def.format);
	mesura_policy_free(other);
	mesura_redactor_free(rd);
	mesura_scanner_free(s);
	mesura_policy_free(p);
}
END_TEST

/* What a service shows of its policy: each rule as written, by index. */
START_TEST(rules_are_listed_by_index)
{
	mesura_policy *p;
	ck_assert_int_eq(mesura_policy_compile(&p, REDACT_POLICY, sizeof REDACT_POLICY - 1, NULL,
	                                       NULL, NULL, NULL), MESURA_OK);
	ck_assert_uint_eq(mesura_policy_rule_count(p), 4);
	const mesura_rule *card = mesura_policy_rule_get(p, 0);
	ck_assert_str_eq(card->id, "card");
	ck_assert_str_eq(card->category, "pii.payment_card");
	ck_assert_ptr_null(card->description);
	ck_assert_int_eq(card->action, MESURA_ACTION_REDACT);
	ck_assert_int_eq(card->severity, MESURA_SEVERITY_MEDIUM);
	ck_assert_double_eq_tol(card->confidence, 0.8, 1e-9);
	ck_assert_double_eq_tol(card->min_confidence, 0, 1e-9);
	ck_assert_str_eq(card->redact, "mask");
	ck_assert_str_eq(card->redact_extent, "parts");
	ck_assert_str_eq(mesura_policy_rule_get(p, 1)->redact, "label");
	ck_assert_str_eq(mesura_policy_rule_get(p, 2)->id, "swear");
	ck_assert_str_eq(mesura_policy_rule_get(p, 2)->redact, "remove");
	ck_assert_int_eq(mesura_policy_rule_get(p, 2)->action, MESURA_ACTION_REVIEW);
	ck_assert_ptr_null(mesura_policy_rule_get(p, 3)->redact); /* its category's default */
	ck_assert_ptr_null(mesura_policy_rule_get(p, 4));
	ck_assert_ptr_null(mesura_policy_rule_get(NULL, 0));
	mesura_policy_free(p);

	static const char DESCRIBED[] =
		"mesura: 1\nrules:\n"
		"  - id: leak\n    category: confidential\n    action: block\n"
		"    severity: critical\n    description: Unreleased results\n"
		"    confidence: 0.6\n    min_confidence: 0.5\n    redact_extent: sentence\n"
		"    match: { terms: [falcon] }\n";
	ck_assert_int_eq(mesura_policy_compile(&p, DESCRIBED, sizeof DESCRIBED - 1, NULL, NULL,
	                                       NULL, NULL), MESURA_OK);
	const mesura_rule *leak = mesura_policy_rule_get(p, 0);
	ck_assert_str_eq(leak->description, "Unreleased results");
	ck_assert_int_eq(leak->severity, MESURA_SEVERITY_CRITICAL);
	ck_assert_int_eq(leak->action, MESURA_ACTION_BLOCK);
	ck_assert_double_eq_tol(leak->confidence, 0.6, 1e-9);
	ck_assert_double_eq_tol(leak->min_confidence, 0.5, 1e-9);
	ck_assert_str_eq(leak->redact_extent, "sentence");
	mesura_policy_free(p);
}
END_TEST

/* ------------------------------------------------------------ in use */

typedef struct {
	const char *text;
	int busy, preview_busy, findings_busy, calls;
} reentry;

/* A `choose` callback that calls back into the redactor that is calling it. */
static int redact_from_inside(const mesura_finding *f, size_t i, mesura_redact_span *span,
                              void *payload)
{
	(void)f, (void)i;
	reentry *e = payload;
	const char *out = NULL;
	size_t len = 0;
	e->calls++;
	e->busy += mesura_redact(red, e->text, strlen(e->text), span, 1, SPAN_SIZE, &out, &len) ==
	           MESURA_EBUSY;
	e->preview_busy += mesura_redact_preview(red, e->text, strlen(e->text), span, 1, SPAN_SIZE, NULL,
	                                         &out, &len) == MESURA_EBUSY;
	ck_assert_ptr_null(out); /* nothing written */
	return 0;
}

/* A redactor is one call's at a time: a second call while one runs (here from its own
 * callback, deterministically) gets MESURA_EBUSY and writes nothing; the first goes on
 * undisturbed, and the redactor is free again afterwards. */
START_TEST(a_redactor_in_use_is_busy)
{
	const char *t = "card 4111 1111 1111 1111, mail ana@x.es, mierda, log me";
	const mesura_result *f = category_findings(t, 4);
	reentry e = {t, 0, 0, 0, 0};
	const char *out;
	size_t len;
	ck_assert_int_eq(mesura_redact_findings(red, t, strlen(t), f, &out, &len,
	                                        redact_from_inside, &e),
	                 MESURA_OK);
	ck_assert_int_eq(e.calls, 4);
	ck_assert_int_eq(e.busy, 4);
	ck_assert_int_eq(e.preview_busy, 4);
	ck_assert_str_eq(out, "card **** **** **** 1111, mail [EMAIL], m*****, log me");
	ck_assert_uint_eq(mesura_redactor_map_count(red), 9);
	e.calls = e.busy = 0;
	ck_assert_int_eq(mesura_redact_result_with(red, category_policy, t, strlen(t), f,
	                                           redact_from_inside, &e, &out, &len),
	                 MESURA_OK);
	ck_assert_int_eq(e.busy, e.calls);
	ck_assert_str_eq(out, "card **** **** **** 1111, mail [EMAIL], m*****, log me");
	/* free again */
	mesura_redact_span s = span_of(t, "mierda", MESURA_REDACT_LABEL, NULL, "profanity");
	ck_assert_int_eq(mesura_redact(red, t, strlen(t), &s, 1, SPAN_SIZE, &out, &len), MESURA_OK);
}
END_TEST

/* A template or mask the redactor would refuse fails the compile, at its line. */
START_TEST(bad_policy_operators_do_not_compile)
{
	static const char *const bad[] = {
		"redact: { label: \"[{nope}]\" }", "redact: { mask: \"ab\" }",
		"redact: { mask: \"*\", label: \"x\" }", "redact: masc", "redact: { keep_last: 2 }",
		"redact: { remove: \"x\" }", "redact: { hash: \"[H]\" }",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char src[512];
		snprintf(src, sizeof src, "mesura: 1\nrules:\n  - id: r\n    category: pii.email\n"
		         "    match: { terms: [x] }\n    %s\n", bad[i]);
		mesura_policy *p = NULL;
		mesura_diagnostics *d = NULL;
		ck_assert_int_eq(mesura_policy_compile(&p, src, strlen(src), NULL, NULL, &d, NULL),
		                 MESURA_ESYNTAX);
		const mesura_diagnostic *g = mesura_diagnostics_get(d, 0);
		ck_assert_ptr_nonnull(g);
		ck_assert_uint_eq(g->line, 6);
		ck_assert_msg(strstr(g->path, "redact") != NULL, "%s: %s", bad[i], g->path);
		mesura_diagnostics_free(d);
	}
}
END_TEST


/* The compiler checks a rule's operator with the redactor's own span check instead of
 * running the redactor: a policy's `redact:` compiles exactly when the redactor takes
 * the same operator and options. Mask characters by their category in UnicodeData.txt:
 * U+2022 Po, U+00E9 Ll, U+0301 Mn, U+200B Cf, U+0378 unassigned. */
START_TEST(policy_operators_compile_as_the_redactor_takes_them)
{
	static const struct {
		const char *yaml;  /* the redact: value */
		mesura_redact_op op;
		const char *value; /* the same mask or template in UTF-8 */
	} cases[] = {
		{"{ mask: \"\\u2022\" }", MESURA_REDACT_MASK, "\xe2\x80\xa2"},
		{"{ mask: \"\\u00e9\" }", MESURA_REDACT_MASK, "\xc3\xa9"},
		{"{ mask: \"#\" }", MESURA_REDACT_MASK, "#"},
		{"{ mask: \"ab\" }", MESURA_REDACT_MASK, "ab"},
		{"{ mask: \"\\u0301\" }", MESURA_REDACT_MASK, "\xcc\x81"},
		{"{ mask: \"\\u200b\" }", MESURA_REDACT_MASK, "\xe2\x80\x8b"},
		{"{ mask: \"\\u0378\" }", MESURA_REDACT_MASK, "\xcd\xb8"},
		{"{ label: \"[{category}]\" }", MESURA_REDACT_LABEL, "[{category}]"},
		{"{ label: \"[{CATEGORY}:{rule}]\" }", MESURA_REDACT_LABEL, "[{CATEGORY}:{rule}]"},
		{"{ label: \"{{x}}\" }", MESURA_REDACT_LABEL, "{{x}}"},
		{"{ label: \"[{hash}]\" }", MESURA_REDACT_LABEL, "[{hash}]"},
		{"{ label: \"[{nope}]\" }", MESURA_REDACT_LABEL, "[{nope}]"},
		{"{ label: \"{\" }", MESURA_REDACT_LABEL, "{"},
		{"{ hash: \"[H:{hash}]\" }", MESURA_REDACT_HASH, "[H:{hash}]"},
		{"{ hash: \"{hash}{hash}\" }", MESURA_REDACT_HASH, "{hash}{hash}"},
		{"{ hash: \"[H]\" }", MESURA_REDACT_HASH, "[H]"},
	};
	size_t accepted = 0;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		mesura_redact_format o = MESURA_REDACT_FORMAT_INIT;
		if (cases[i].op == MESURA_REDACT_MASK)
			o.mask_char = cases[i].value;
		else if (cases[i].op == MESURA_REDACT_LABEL)
			o.label = cases[i].value;
		else
			o.hash_label = cases[i].value;
		mesura_redact_span span = {0, 7, cases[i].op, &o, "pii.email", "r"};
		const char *out;
		size_t out_len;
		int taken = mesura_redact(red, "sample1", 7, &span, 1, SPAN_SIZE, &out, &out_len) == MESURA_OK;
		char src[512];
		snprintf(src, sizeof src, "mesura: 1\nrules:\n  - id: r\n    category: pii.email\n"
		         "    match: { terms: [x] }\n    redact: %s\n", cases[i].yaml);
		mesura_policy *p = NULL;
		int rc = mesura_policy_compile(&p, src, strlen(src), NULL, NULL, NULL, NULL);
		ck_assert_msg(rc == (taken ? MESURA_OK : MESURA_ESYNTAX), "%s: compile %d, redact %s",
		              cases[i].yaml, rc, taken ? "takes it" : "refuses it");
		mesura_policy_free(p);
		accepted += taken ? 1 : 0;
	}
	ck_assert_uint_eq(accepted, 8); /* both sides of the check are exercised */
}
END_TEST

/* ------------------------------------------------------------ extents */

static const char EXTENT_POLICY[] =
	"mesura: 1\nrules:\n"
	"  - id: figures\n    category: confidential\n    action: block\n"
	"    redact_extent: sentence\n"
	"    match:\n      all:\n        - terms: [q3, ingresos, revenue]\n"
	"        - terms: [\"antes de publicarlos\", \"before they are published\"]\n"
	"  - id: email\n    category: pii.email\n    action: redact\n"
	"    match: { regex: '[a-z.]+@[a-z]+\\.[a-z]+' }\n"
	"  - id: codename\n    category: confidential\n    action: block\n"
	"    redact_extent: post\n    match: { terms: [\"project falcon\"] }\n"
	"  - id: noted\n    category: custom.noted\n    action: log\n"
	"    redact_extent: sentence\n    match: { terms: [falcon] }\n"
	"  - id: parts\n    category: custom.parts\n    action: review\n"
	"    redact_extent: parts\n    match: { terms: [secreto] }\n";

typedef struct {
	mesura_policy *policy;
	mesura_scanner *scanner;
	mesura_redactor *redactor;
} extent_engine;

static extent_engine extent_engine_new(const mesura_allocator *alloc)
{
	extent_engine e = {NULL, NULL, NULL};
	ck_assert_int_eq(mesura_policy_compile(&e.policy, EXTENT_POLICY, sizeof EXTENT_POLICY - 1,
	                                       NULL, NULL, NULL, NULL), MESURA_OK);
	ck_assert_int_eq(mesura_scanner_new(&e.scanner, e.policy, NULL), MESURA_OK);
	ck_assert_int_eq(mesura_redactor_new(&e.redactor, NULL, alloc), MESURA_OK);
	return e;
}

static void extent_engine_free(extent_engine *e)
{
	mesura_redactor_free(e->redactor);
	mesura_scanner_free(e->scanner);
	mesura_policy_free(e->policy);
}

static void expect_redacted(extent_engine *e, const char *text, const char *want)
{
	const mesura_result *r;
	ck_assert_int_eq(mesura_scan(e->scanner, text, strlen(text), 0, &r), MESURA_OK);
	const char *out;
	size_t out_len;
	ck_assert_int_eq(mesura_redact_result(e->redactor, e->policy, text, strlen(text), r, &out,
	                                      &out_len), MESURA_OK);
	ck_assert_msg(strcmp(out, want) == 0, "\"%s\": want \"%s\", got \"%s\"", text, want, out);
	ck_assert_uint_eq(out_len, strlen(want));
}

START_TEST(extents_redact_the_sentence_or_the_post)
{
	extent_engine e = extent_engine_new(NULL);
	/* The parts alone would leave the figure: "Los [REDACTED] del [REDACTED]: +18%". */
	expect_redacted(&e, "Hola equipo. Los ingresos del Q3: +18%, os lo cuento antes de "
	                    "publicarlos. Escribid a ana@x.es si queréis más.",
	                "Hola equipo. [REDACTED] Escribid a [EMAIL] si queréis más.");
	/* Parts in two sentences: each sentence; white space between them stays. */
	expect_redacted(&e, "Q3 revenue: +18%!  Before they are published, of course.\nBye",
	                "[REDACTED]  [REDACTED]\nBye");
	/* Abbreviations do not end the sentence; a line break does. */
	expect_redacted(&e, "Intro. Mr. Smith says Q3 is +18% vs. Q2, before they are published "
	                    "\xf0\x9f\x98\x89\nNext line.",
	                "Intro. [REDACTED]\nNext line.");
	/* A decimal number and "e.g." stay inside the sentence. */
	expect_redacted(&e, "Q3 up 1.5M e.g. before they are published. Ok.", "[REDACTED] Ok.");
	/* The whole post, and the post extent outranks the e-mail's label. */
	expect_redacted(&e, "Mail ana@x.es about #ProjectFalcon. Thanks!", "[REDACTED]");
	/* A log rule rewrites nothing, whatever its extent; parts stay parts. */
	expect_redacted(&e, "The falcon flew. Nice.", "The falcon flew. Nice.");
	expect_redacted(&e, "Es un secreto. Vale.", "Es un [PARTS]. Vale.");
	/* Combining marks and emoji at the edges: whole clusters, original bytes elsewhere. */
	expect_redacted(&e, "Cafe\xcc\x81. Ingresos Q3 antes de publicarlos \xf0\x9f\x91\x8d"
	                    "\xf0\x9f\x8f\xbd. Fin",
	                "Cafe\xcc\x81. [REDACTED] Fin");
	extent_engine_free(&e);
}
END_TEST

/* The caller's choice comes after the policy's, over the widened span. */
static int mask_everything(const mesura_finding *f, size_t index, mesura_redact_span *span,
                           void *payload)
{
	(void)f;
	(void)index;
	++*(int *)payload;
	if (span->op != MESURA_REDACT_KEEP) {
		span->op = MESURA_REDACT_MASK;
		span->format = NULL;
	}
	return 0;
}

START_TEST(extents_reach_the_callers_choice)
{
	extent_engine e = extent_engine_new(NULL);
	const char *text = "Ok. Q3 +18% before they are published. Bye";
	const mesura_result *r;
	ck_assert_int_eq(mesura_scan(e.scanner, text, strlen(text), 0, &r), MESURA_OK);
	const char *out;
	size_t out_len;
	int calls = 0;
	ck_assert_int_eq(mesura_redact_result_with(e.redactor, e.policy, text, strlen(text), r,
	                                           mask_everything, &calls, &out, &out_len),
	                 MESURA_OK);
	ck_assert_int_eq(calls, (int)mesura_result_finding_count(r));
	char want[64] = "Ok. ";
	size_t sentence = strlen("Q3 +18% before they are published.");
	memset(want + 4, '*', sentence);
	strcpy(want + 4 + sentence, " Bye");
	ck_assert_str_eq(out, want);
	/* A span is what the map reports: the whole sentence, one region. */
	size_t n;
	n = mesura_redactor_map_count(e.redactor);
	ck_assert_uint_eq(n, 3);
	ck_assert_uint_eq(mesura_redactor_map_get(e.redactor, 1)->in_start, 4);
	ck_assert_uint_eq(mesura_redactor_map_get(e.redactor, 1)->in_end, strlen(text) - 4);
	extent_engine_free(&e);
}
END_TEST

START_TEST(extent_problems_are_compile_errors)
{
	static const char bad[] = "mesura: 1\nrules:\n  - id: r\n    category: custom.r\n"
	                          "    redact_extent: sentense\n    match: { terms: [x] }\n";
	mesura_policy *p = NULL;
	mesura_diagnostics *d = NULL;
	ck_assert_int_eq(mesura_policy_compile(&p, bad, sizeof bad - 1, NULL, NULL, &d, NULL),
	                 MESURA_ESYNTAX);
	ck_assert_ptr_null(p);
	ck_assert_uint_eq(mesura_diagnostics_count(d), 1);
	const mesura_diagnostic *g = mesura_diagnostics_get(d, 0);
	ck_assert_str_eq(g->message, "unknown redact_extent \"sentense\"; did you mean \"sentence\"?");
	ck_assert_uint_eq(g->line, 5);
	mesura_diagnostics_free(d);
}
END_TEST

/* Every allocation failure while finding sentences is MESURA_ENOMEM with nothing
 * leaked; once warm, a redactor finds them without allocating. */
START_TEST(extent_allocation_failures_are_clean)
{
	char text[4096] = "";
	for (int i = 0; i < 60; i++)
		strcat(text, i % 7 == 3 ? "Ingresos Q3 antes de publicarlos. " : "Otra frase. ");
	size_t successes = 0;
	for (size_t fail_after = 0; successes == 0; fail_after++) {
		tu_failing_alloc fa;
		tu_failing_alloc_init(&fa, SIZE_MAX);
		extent_engine e = extent_engine_new(&fa.hooks);
		const mesura_result *r;
		ck_assert_int_eq(mesura_scan(e.scanner, text, strlen(text), 0, &r), MESURA_OK);
		fa.fail_after = fa.calls + fail_after;
		const char *out;
		size_t out_len;
		int rc = mesura_redact_result(e.redactor, e.policy, text, strlen(text), r, &out,
		                              &out_len);
		if (rc == MESURA_OK) {
			successes++;
			ck_assert_ptr_nonnull(strstr(out, "Otra frase. [REDACTED] Otra frase."));
			fa.fail_after = fa.calls; /* warm: no allocation from here on */
			ck_assert_int_eq(mesura_redact_result(e.redactor, e.policy, text, strlen(text), r,
			                                      &out, &out_len), MESURA_OK);
		} else {
			ck_assert_int_eq(rc, MESURA_ENOMEM);
		}
		extent_engine_free(&e);
		ck_assert_uint_eq(fa.live, 0);
	}
}
END_TEST

static Suite *redact_suite(void)
{
	Suite *s = suite_create("redact");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, siphash_matches_the_reference_vectors);
	tcase_add_test(tc, mask_ascii);
	tcase_add_test(tc, mask_never_reveals_the_whole_value);
	tcase_add_test(tc, mask_counts_grapheme_clusters_in_spanish);
	tcase_add_test(tc, mask_emoji_sequences_as_one_character);
	tcase_add_test(tc, mask_fullwidth_digits_and_rtl_text);
	tcase_add_test(tc, label_defaults_are_ascii_capitals);
	tcase_add_test(tc, label_templates);
	tcase_add_test(tc, hash_is_the_keyed_siphash_of_the_span);
	tcase_add_test(tc, hash_gives_one_token_per_value);
	tcase_add_test(tc, hash_needs_a_key);
	tcase_add_test(tc, remove_tidies_the_space_it_leaves);
	tcase_add_test(tc, remove_reports_the_space_in_the_map);
	tcase_add_test(tc, keep_reports_without_changing);
	tcase_add_test(tc, map_of_a_label);
	tcase_add_test(tc, overlaps_take_the_operator_that_reveals_least);
	tcase_add_test(tc, equal_operators_take_the_longer_then_the_first_span);
	tcase_add_test(tc, touching_spans_merge_but_keep_does_not);
	tcase_add_test(tc, spans_widen_to_whole_grapheme_clusters);
	tcase_add_test(tc, preview_marks_what_would_change);
	tcase_add_test(tc, preview_leaves_the_output_and_map_alone);
	tcase_add_test(tc, findings_get_default_operators_per_category);
	tcase_add_test(tc, offensive_categories_are_masked_keeping_the_first_letter);
	tcase_add_test(tc, redaction_is_idempotent);
	tcase_add_test(tc, default_labels_are_not_found_again);
	tcase_add_test(tc, bad_spans_are_refused);
	tcase_add_test(tc, bad_options_are_refused);
	tcase_add_test(tc, bad_arguments_are_refused);
	tcase_add_test(tc, span_size_must_be_a_known_one);
	tcase_add_test(tc, every_allocation_failure_is_clean);
	tcase_add_test(tc, warm_redactor_does_not_allocate);
	tcase_add_test(tc, random_posts_keep_everything_outside_their_spans);
	tcase_add_test(tc, policy_operators_rewrite_their_rules_findings);
	tcase_add_test(tc, rules_are_listed_by_index);
	tcase_add_test(tc, a_redactor_in_use_is_busy);
	tcase_add_test(tc, bad_policy_operators_do_not_compile);
	tcase_add_test(tc, policy_operators_compile_as_the_redactor_takes_them);
	tcase_add_test(tc, extents_redact_the_sentence_or_the_post);
	tcase_add_test(tc, extents_reach_the_callers_choice);
	tcase_add_test(tc, extent_problems_are_compile_errors);
	tcase_add_test(tc, extent_allocation_failures_are_clean);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(redact_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
