/*
 * Unicode conformance: NormalizationTest.txt (Unicode 15.0, vendored in tests/data)
 * through mesura views, the offset map of every normalised character, and the ASCII
 * fast path against the general path on the same inputs.
 *
 * The loops run millions of normalisations, so they count failures and print the
 * first few instead of calling ck_assert per item (each Check assertion writes a
 * checkpoint to the runner, which would dominate the run time).
 */
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mesura.h>

#include "testutil.h"
#include "text/normalizer.h"

#define MAX_CODE_POINT 0x10FFFFu
#define RANDOM_POSTS 20000
#define RANDOM_SEED 0x6d65737572610001u
#define POST_CAP 2048
#define PIECE_MAX 32

#define COUNT(array) (sizeof(array) / sizeof((array)[0]))

/* Length of the well-formed UTF-8 character at s[i] (strict, Unicode table 3-7), or
 * 0 when the bytes there are ill-formed. */
static size_t utf8_char_len(const unsigned char *s, size_t len, size_t i, uint32_t *cp)
{
	unsigned char b = s[i];
	size_t n;
	uint32_t lo = 0x80, hi = 0xBF;
	if (b < 0x80) {
		*cp = b;
		return 1;
	} else if (b >= 0xC2 && b <= 0xDF) {
		n = 2;
		*cp = b & 0x1Fu;
	} else if (b >= 0xE0 && b <= 0xEF) {
		n = 3;
		*cp = b & 0x0Fu;
		lo = b == 0xE0 ? 0xA0 : 0x80;
		hi = b == 0xED ? 0x9F : 0xBF;
	} else if (b >= 0xF0 && b <= 0xF4) {
		n = 4;
		*cp = b & 0x07u;
		lo = b == 0xF0 ? 0x90 : 0x80;
		hi = b == 0xF4 ? 0x8F : 0xBF;
	} else {
		return 0;
	}
	if (len - i < n || s[i + 1] < lo || s[i + 1] > hi)
		return 0;
	for (size_t k = 1; k < n; k++) {
		if (k > 1 && (s[i + k] & 0xC0) != 0x80)
			return 0;
		*cp = (*cp << 6) | (s[i + k] & 0x3Fu);
	}
	return n;
}

typedef struct {
	char s[2048];
} hexbuf;

/* "0044 0307" for failure messages; ill-formed bytes print as <FF>. */
static const char *hex(hexbuf *b, const char *text, size_t len)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t at = 0, i = 0;
	b->s[0] = '\0';
	while (i < len && at + 16 < sizeof b->s) {
		uint32_t cp;
		size_t n = utf8_char_len(s, len, i, &cp);
		const char *sep = at ? " " : "";
		int w = n ? snprintf(b->s + at, sizeof b->s - at, "%s%04X", sep, (unsigned)cp)
		          : snprintf(b->s + at, sizeof b->s - at, "%s<%02X>", sep, (unsigned)s[i]);
		at += (size_t)w;
		i += n ? n : 1;
	}
	if (i < len)
		snprintf(b->s + at, sizeof b->s - at, " ...");
	return b->s;
}

/* ------------------------------------------------------ mesura plumbing */

static mesura_normalizer *new_normalizer(unsigned int flags, int ascii_fast_path)
{
	mesura_normalizer_options opts = MESURA_NORMALIZER_OPTIONS_INIT;
	opts.flags = flags;
	mesura_normalizer *n = NULL;
	ck_assert_int_eq(mesura_normalizer_new(&n, &opts, NULL), MESURA_OK);
	n->fast_paths = ascii_fast_path;
	return n;
}

static mesura_view *new_view(void)
{
	mesura_view *v = NULL;
	ck_assert_int_eq(mesura_view_new(&v, NULL), MESURA_OK);
	return v;
}

/* Normalises into v and returns the text; aborts the test on an error status (no
 * Check checkpoint on success: this runs millions of times). */
static const char *normalize(const mesura_normalizer *n, mesura_view *v, const char *s,
                             size_t len, size_t *out_len)
{
	int rc = mesura_normalize(n, v, s, len);
	if (rc != MESURA_OK)
		ck_abort_msg("mesura_normalize returned %d on %zu bytes", rc, len);
	return mesura_view_text(v, out_len);
}

typedef struct {
	size_t start, end;
} range;

static range span(const mesura_view *v, size_t start, size_t end)
{
	range r = {SIZE_MAX, SIZE_MAX};
	if (mesura_view_source_range(v, start, end, &r.start, &r.end) != MESURA_OK)
		ck_abort_msg("mesura_view_source_range(%zu, %zu) failed", start, end);
	return r;
}

/* One output character of a view and the source range it maps to. */
typedef struct {
	size_t out_start, out_end;
	range src;
} char_map;

typedef struct {
	char_map *items;
	size_t n, cap;
} char_maps;

/* Splits the (well-formed) view text into characters and looks up each one's span. */
static void map_chars(const mesura_view *v, char_maps *m)
{
	size_t len;
	const unsigned char *s = (const unsigned char *)mesura_view_text(v, &len);
	if (m->cap < len) {
		m->items = realloc(m->items, len * sizeof *m->items);
		ck_assert_ptr_nonnull(m->items);
		m->cap = len;
	}
	m->n = 0;
	for (size_t i = 0; i < len;) {
		size_t j = i + 1;
		while (j < len && (s[j] & 0xC0) == 0x80)
			j++;
		char_map *c = &m->items[m->n++];
		c->out_start = i;
		c->out_end = j;
		c->src = span(v, i, j);
		i = j;
	}
}

static int is_valid_utf8(const char *s, size_t len)
{
	return mesura_utf8_validate(s, len, NULL) == MESURA_OK;
}

/* Index of the first character whose span goes backwards or leaves the source, or
 * m->n when the map is monotonic and inside [0, source_len]. */
static size_t first_bad_span(const char_maps *m, size_t source_len)
{
	for (size_t i = 0; i < m->n; i++) {
		range r = m->items[i].src;
		if (r.start > r.end || r.end > source_len)
			return i;
		if (i > 0 && (r.start < m->items[i - 1].src.start || r.end < m->items[i - 1].src.end))
			return i;
	}
	return m->n;
}

/* ----------------------------------------------------- NormalizationTest */

enum { COLUMNS = 5 };

typedef struct {
	size_t line; /* 1-based line number in NormalizationTest.txt */
	int part;
	const char *col[COLUMNS]; /* c1..c5 as UTF-8, NUL-terminated */
	size_t len[COLUMNS];
} nt_case;

typedef struct {
	char *arena;
	nt_case *cases;
	size_t n_cases;
	unsigned char *in_part1; /* per code point: listed in column 1 of Part 1 */
} nt_data;

/* Parses one column ("0044 0307;") at *p into UTF-8 at *out; returns the first code
 * point, or -1 for a malformed column. */
static long parse_column(const char **p, const char *eol, char **out)
{
	long first = -1;
	const char *q = *p;
	while (q < eol && *q != ';') {
		if (*q == ' ') {
			q++;
			continue;
		}
		char *next;
		unsigned long cp = strtoul(q, &next, 16);
		if (next == q || cp > MAX_CODE_POINT)
			return -1;
		if (first < 0)
			first = (long)cp;
		*out += tu_utf8_encode((uint32_t)cp, *out);
		q = next;
	}
	if (q == eol || first < 0)
		return -1;
	*p = q + 1;
	**out = '\0';
	(*out)++;
	return first;
}

static void parse_case(nt_data *d, const char *line, const char *eol, size_t line_no, int part,
                       char **out)
{
	nt_case *c = &d->cases[d->n_cases++];
	c->line = line_no;
	c->part = part;
	for (int k = 0; k < COLUMNS; k++) {
		char *start = *out;
		long first = parse_column(&line, eol, out);
		if (first < 0)
			ck_abort_msg("NormalizationTest.txt line %zu: bad column c%d", line_no, k + 1);
		if (k == 0 && part == 1)
			d->in_part1[first] = 1;
		c->col[k] = start;
		c->len[k] = (size_t)(*out - start) - 1;
	}
}

static void nt_load(nt_data *d)
{
	size_t size;
	char *text = tu_read_file(tu_data_path("NormalizationTest.txt"), &size);
	size_t lines = 1;
	for (size_t i = 0; i < size; i++)
		lines += text[i] == '\n';
	/* UTF-8 never takes more bytes than the hex digits plus separator it came from. */
	d->arena = malloc(size + 1);
	d->cases = malloc(lines * sizeof *d->cases);
	d->in_part1 = calloc(MAX_CODE_POINT + 1, 1);
	ck_assert(d->arena && d->cases && d->in_part1);
	d->n_cases = 0;
	char *out = d->arena;
	int part = -1;
	size_t line_no = 0;
	for (const char *p = text, *end = text + size; p < end;) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol)
			eol = end;
		line_no++;
		if (strncmp(p, "@Part", 5) == 0)
			part = p[5] - '0';
		else if (p < eol && *p != '#')
			parse_case(d, p, eol, line_no, part, &out);
		p = eol + 1;
	}
	free(text);
	ck_assert_uint_gt(d->n_cases, 18000); /* the whole file was read */
}

static void nt_free(nt_data *d)
{
	free(d->arena);
	free(d->cases);
	free(d->in_part1);
}

/* The four forms and, per source column, the column the header says they yield. */
enum { FORMS = 4 };
static const struct {
	unsigned int flags;
	const char *name;
	int want[COLUMNS]; /* 0-based column index */
} forms[FORMS] = {
    {MESURA_NORM_NFC, "NFC", {1, 1, 1, 3, 3}},
    {MESURA_NORM_NFD, "NFD", {2, 2, 2, 4, 4}},
    {MESURA_NORM_NFKC, "NFKC", {3, 3, 3, 3, 3}},
    {MESURA_NORM_NFKD, "NFKD", {4, 4, 4, 4, 4}},
};

typedef struct {
	mesura_normalizer *nz[FORMS];
	mesura_view *view, *scratch;
} form_set;

static form_set forms_new(void)
{
	form_set fs;
	for (int f = 0; f < FORMS; f++)
		fs.nz[f] = new_normalizer(forms[f].flags, 1);
	fs.view = new_view();
	fs.scratch = new_view();
	return fs;
}

static void forms_free(form_set *fs)
{
	for (int f = 0; f < FORMS; f++)
		mesura_normalizer_free(fs->nz[f]);
	mesura_view_free(fs->view);
	mesura_view_free(fs->scratch);
}

/* (a) Every column of every line, in the four forms, against the header's table. */
START_TEST(normalization_test_invariants)
{
	nt_data d;
	nt_load(&d);
	form_set fs = forms_new();
	tu_tally t = {"NormalizationTest", 0, 0};
	for (size_t i = 0; i < d.n_cases; i++) {
		const nt_case *c = &d.cases[i];
		for (int f = 0; f < FORMS; f++)
			for (int k = 0; k < COLUMNS; k++) {
				int w = forms[f].want[k];
				size_t len;
				const char *got = normalize(fs.nz[f], fs.view, c->col[k], c->len[k], &len);
				t.checks++;
				if (len == c->len[w] && memcmp(got, c->col[w], len) == 0)
					continue;
				hexbuf a, b, e;
				tu_tally_fail(&t, "line %zu: %s(c%d = %s) = %s, want c%d = %s", c->line,
				             forms[f].name, k + 1, hex(&a, c->col[k], c->len[k]),
				             hex(&b, got, len), w + 1, hex(&e, c->col[w], c->len[w]));
			}
	}
	forms_free(&fs);
	nt_free(&d);
	tu_tally_finish(&t, "checks");
}
END_TEST

/* (a) Part 1's rule: a code point not listed there is unchanged by all four forms. */
START_TEST(unlisted_code_points_are_stable)
{
	nt_data d;
	nt_load(&d);
	form_set fs = forms_new();
	tu_tally t = {"Part 1 unlisted code points", 0, 0};
	for (uint32_t cp = 0; cp <= MAX_CODE_POINT; cp++) {
		if ((cp >= 0xD800 && cp <= 0xDFFF) || d.in_part1[cp])
			continue;
		char s[4];
		size_t n = tu_utf8_encode(cp, s);
		for (int f = 0; f < FORMS; f++) {
			size_t len;
			const char *got = normalize(fs.nz[f], fs.view, s, n, &len);
			t.checks++;
			if (len != n || memcmp(got, s, n) != 0) {
				hexbuf b;
				tu_tally_fail(&t, "%s(%04X) = %s, want it unchanged", forms[f].name,
				             (unsigned)cp, hex(&b, got, len));
			}
		}
	}
	forms_free(&fs);
	nt_free(&d);
	tu_tally_finish(&t, "checks");
}
END_TEST

/* ---------------------------------------------------------- offset maps */

typedef struct {
	const nt_case *c;
	int col, form;
	const char *src;
	size_t src_len;
} map_subject;

static void map_fail(tu_tally *t, const map_subject *m, const char *what, size_t a, size_t b)
{
	hexbuf s;
	tu_tally_fail(t, "line %zu: %s(c%d = %s): %s (%zu, %zu)", m->c->line, forms[m->form].name,
	             m->col + 1, hex(&s, m->src, m->src_len), what, a, b);
}

/* Normalises the source slice `src` on its own and compares it with the output bytes
 * [out_start, out_end) of the whole view; *alone receives the slice's own output. */
static int group_renormalizes(const form_set *fs, const map_subject *m, range src,
                              const char *out, size_t out_start, size_t out_end,
                              const char **alone, size_t *alone_len)
{
	*alone = normalize(fs->nz[m->form], fs->scratch, m->src + src.start, src.end - src.start,
	                   alone_len);
	return *alone_len == out_end - out_start && memcmp(*alone, out + out_start, *alone_len) == 0;
}

/*
 * Output characters whose source ranges overlap form a group (a connected
 * component); the groups must tile the source with no gap (nothing is deleted by
 * these forms), and each group's source slice normalised alone must give exactly
 * the group's output: the map of each character covers what it came from.
 */
static void check_groups(const form_set *fs, const map_subject *m, const char_maps *cm,
                         const char *out, tu_tally *t, size_t *groups)
{
	range g = {0, 0};
	size_t g_out = 0;
	for (size_t i = 0; i <= cm->n; i++) {
		const char_map *c = i < cm->n ? &cm->items[i] : NULL;
		if (c && i > 0 && c->src.start < g.end) {
			g.end = c->src.end > g.end ? c->src.end : g.end;
			continue;
		}
		if (i > 0) { /* close the group that ends before character i */
			size_t g_out_end = cm->items[i - 1].out_end;
			(*groups)++;
			const char *alone;
			size_t alone_len;
			if (!group_renormalizes(fs, m, g, out, g_out, g_out_end, &alone, &alone_len)) {
				hexbuf a, b, h;
				tu_tally_fail(t,
				             "line %zu: %s(c%d): source [%zu, %zu) = %s normalises alone "
				             "to %s, not to its output bytes [%zu, %zu) = %s",
				             m->c->line, forms[m->form].name, m->col + 1, g.start, g.end,
				             hex(&a, m->src + g.start, g.end - g.start),
				             hex(&h, alone, alone_len), g_out, g_out_end,
				             hex(&b, out + g_out, g_out_end - g_out));
				return;
			}
		}
		size_t expect_start = i > 0 ? g.end : 0;
		size_t next_start = c ? c->src.start : m->src_len;
		if (next_start != expect_start) {
			map_fail(t, m, c ? "groups leave a gap or overlap: next group starts at, "
			                   "previous ends at"
			                 : "groups end before the source: end, source length",
			         next_start, expect_start);
			return;
		}
		if (c) {
			g = c->src;
			g_out = c->out_start;
		}
	}
}

/* (b) for one view: monotonic spans, the whole view maps to the whole source, and
 * the groups tile the source and renormalise to their output. */
static void check_map(const form_set *fs, const map_subject *m, char_maps *cm, tu_tally *t,
                      size_t *chars, size_t *groups)
{
	size_t len;
	const char *out = normalize(fs->nz[m->form], fs->view, m->src, m->src_len, &len);
	t->checks++;
	if (!is_valid_utf8(out, len)) {
		map_fail(t, m, "ill-formed output of length", len, 0);
		return;
	}
	range whole = span(fs->view, 0, len);
	if (whole.start != 0 || whole.end != m->src_len) {
		map_fail(t, m, "the whole view maps to", whole.start, whole.end);
		return;
	}
	map_chars(fs->view, cm);
	*chars += cm->n;
	for (size_t i = 0; i < cm->n; i++) {
		range r = cm->items[i].src;
		if (r.start >= r.end || r.end > m->src_len) {
			map_fail(t, m, "an output character maps outside the source or to nothing",
			         r.start, r.end);
			return;
		}
	}
	size_t bad = first_bad_span(cm, m->src_len);
	if (bad < cm->n) {
		hexbuf o;
		tu_tally_fail(t,
		             "line %zu: %s(c%d): not monotonic at output character %zu of %s: "
		             "[%zu, %zu) after [%zu, %zu)",
		             m->c->line, forms[m->form].name, m->col + 1, bad, hex(&o, out, len),
		             cm->items[bad].src.start, cm->items[bad].src.end,
		             cm->items[bad - 1].src.start, cm->items[bad - 1].src.end);
		return;
	}
	check_groups(fs, m, cm, out, t, groups);
}

START_TEST(offset_maps_cover_their_sources)
{
	nt_data d;
	nt_load(&d);
	form_set fs = forms_new();
	char_maps cm = {NULL, 0, 0};
	tu_tally t = {"Offset maps (views)", 0, 0};
	size_t chars = 0, groups = 0;
	for (size_t i = 0; i < d.n_cases; i++)
		for (int k = 0; k < COLUMNS; k++)
			for (int f = 0; f < FORMS; f++) {
				map_subject m = {&d.cases[i], k, f, d.cases[i].col[k], d.cases[i].len[k]};
				check_map(&fs, &m, &cm, &t, &chars, &groups);
			}
	printf("Offset maps: %zu output characters in %zu groups\n", chars, groups);
	free(cm.items);
	forms_free(&fs);
	nt_free(&d);
	tu_tally_finish(&t, "checks");
}
END_TEST

/* ------------------------------------------------ fast path vs general */

static const struct {
	unsigned int flags;
	const char *name;
} flag_sets[] = {
    {MESURA_NORM_NFC, "NFC"},
    {MESURA_NORM_NFD, "NFD"},
    {MESURA_NORM_NFKC, "NFKC"},
    {MESURA_NORM_NFKD, "NFKD"},
    {MESURA_NORM_MODERATION, "MODERATION"},
    {MESURA_NORM_DEOBFUSCATE, "DEOBFUSCATE"},
    {0, "0"},
    {MESURA_NORM_NFC | MESURA_NORM_CASEFOLD, "NFC|CASEFOLD"},
    {MESURA_NORM_NFC | MESURA_NORM_REMOVE_INVISIBLES | MESURA_NORM_DIGITS |
         MESURA_NORM_DECODE_MARKUP, "NFC|INVISIBLES|DIGITS|MARKUP"},
    {MESURA_NORM_REMOVE_INVISIBLES | MESURA_NORM_DECODE_MARKUP, "INVISIBLES|MARKUP"},
};
#define N_FLAG_SETS COUNT(flag_sets)

typedef struct {
	mesura_normalizer *fast[N_FLAG_SETS], *general[N_FLAG_SETS];
	mesura_view *vf, *vg;
} path_pair;

static path_pair paths_new(void)
{
	path_pair p;
	for (size_t f = 0; f < N_FLAG_SETS; f++) {
		p.fast[f] = new_normalizer(flag_sets[f].flags, 1);
		p.general[f] = new_normalizer(flag_sets[f].flags, 0);
	}
	p.vf = new_view();
	p.vg = new_view();
	return p;
}

static void paths_free(path_pair *p)
{
	for (size_t f = 0; f < N_FLAG_SETS; f++) {
		mesura_normalizer_free(p->fast[f]);
		mesura_normalizer_free(p->general[f]);
	}
	mesura_view_free(p->vf);
	mesura_view_free(p->vg);
}

/* Where an input came from, for failure messages. */
typedef struct {
	const char *kind; /* "line" or "random string" */
	size_t index;
	int column; /* 0..4: c1..c5; COLUMNS: the mixed string; -1: none */
} origin;

static const char *describe(const origin *o, char *buf, size_t cap)
{
	if (o->column < 0)
		snprintf(buf, cap, "%s #%zu", o->kind, o->index);
	else if (o->column < COLUMNS)
		snprintf(buf, cap, "%s %zu c%d", o->kind, o->index, o->column + 1);
	else
		snprintf(buf, cap, "%s %zu mixed", o->kind, o->index);
	return buf;
}

/* First output offset where the two views' maps differ (empty ranges at every
 * offset, then every single byte), or SIZE_MAX when they agree. */
static size_t first_map_difference(const mesura_view *a, const mesura_view *b, size_t len)
{
	for (size_t i = 0; i <= len; i++) {
		range x = span(a, i, i), y = span(b, i, i);
		if (x.start != y.start || x.end != y.end)
			return i;
		if (i == len)
			break;
		x = span(a, i, i + 1);
		y = span(b, i, i + 1);
		if (x.start != y.start || x.end != y.end)
			return i;
	}
	return SIZE_MAX;
}

/* (c) One input through one flag set on both paths: same text, same map. */
static void compare_paths(path_pair *p, size_t f, const char *src, size_t len,
                          const origin *o, tu_tally *t)
{
	size_t nf, ng;
	const char *tf = normalize(p->fast[f], p->vf, src, len, &nf);
	const char *tg = normalize(p->general[f], p->vg, src, len, &ng);
	t->checks++;
	char where[96];
	hexbuf a, b, c;
	if (nf != ng || memcmp(tf, tg, nf) != 0 ||
	    mesura_view_repairs(p->vf) != mesura_view_repairs(p->vg)) {
		tu_tally_fail(t, "%s, flags %s: input %s -> fast %s, general %s",
		             describe(o, where, sizeof where), flag_sets[f].name, hex(&a, src, len),
		             hex(&b, tf, nf), hex(&c, tg, ng));
		return;
	}
	size_t at = first_map_difference(p->vf, p->vg, nf);
	if (at != SIZE_MAX) {
		range x = span(p->vf, at, at < nf ? at + 1 : at);
		range y = span(p->vg, at, at < nf ? at + 1 : at);
		tu_tally_fail(t,
		             "%s, flags %s: input %s -> %s: output byte %zu maps to [%zu, %zu) on "
		             "the fast path, [%zu, %zu) on the general path",
		             describe(o, where, sizeof where), flag_sets[f].name, hex(&a, src, len),
		             hex(&b, tf, nf), at, x.start, x.end, y.start, y.end);
	}
}

static void compare_every_flag_set(path_pair *p, const char *src, size_t len, const origin *o,
                                   tu_tally *t)
{
	for (size_t f = 0; f < N_FLAG_SETS; f++)
		compare_paths(p, f, src, len, o, t);
}

/* The columns of a line glued with ASCII, so that ASCII letters precede combining
 * marks and follow them: the hand-over points between the two paths. */
static size_t mixed_string(const nt_case *c, char *buf, size_t cap)
{
	static const char *const glue[COLUMNS + 1] = {"x", "Ab ", ".", " 9", "z", "Q"};
	size_t at = 0;
	for (int k = 0; k <= COLUMNS; k++) {
		size_t g = strlen(glue[k]);
		ck_assert_uint_le(at + g + (k < COLUMNS ? c->len[k] : 0), cap);
		memcpy(buf + at, glue[k], g);
		at += g;
		if (k < COLUMNS) {
			memcpy(buf + at, c->col[k], c->len[k]);
			at += c->len[k];
		}
	}
	return at;
}

START_TEST(fast_path_matches_general_path_on_normalization_test)
{
	nt_data d;
	nt_load(&d);
	path_pair p = paths_new();
	tu_tally t = {"Fast vs general path, NormalizationTest", 0, 0};
	char mixed[1024];
	for (size_t i = 0; i < d.n_cases; i++) {
		const nt_case *c = &d.cases[i];
		size_t mixed_len = mixed_string(c, mixed, sizeof mixed);
		for (size_t f = 0; f < N_FLAG_SETS; f++) {
			for (int k = 0; k < COLUMNS; k++) {
				origin o = {"line", c->line, k};
				compare_paths(&p, f, c->col[k], c->len[k], &o, &t);
			}
			origin o = {"line", c->line, COLUMNS};
			compare_paths(&p, f, mixed, mixed_len, &o, &t);
		}
	}
	paths_free(&p);
	nt_free(&d);
	tu_tally_finish(&t, "checks");
}
END_TEST

/* ------------------------------------------------------- random posts */

static size_t put(char *buf, size_t at, const char *s)
{
	size_t n = strlen(s);
	memcpy(buf + at, s, n);
	return at + n;
}

static size_t put_cp(char *buf, size_t at, uint32_t cp)
{
	return at + tu_utf8_encode(cp, buf + at);
}

static const char *pick(tu_rng *rng, const char *const *set, size_t n)
{
	return set[tu_rng_below(rng, n)];
}

#define PICK(rng, set) pick(rng, set, COUNT(set))

static const char letters[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
static const char *const punctuation[] = {" ", " ",  "  ", ".", ",", "!", "?", "-", "_",
                                          "*", "@", "$",  "'", "\"", "(", ")", ":", "#",
                                          "/", "|", "\n", "\t"};
static const char *const spanish[] = {
    "\xc3\xa9",        /* é */
    "\xc3\xb1",        /* ñ */
    "\xc3\x91",        /* Ñ */
    "\xc3\xbc",        /* ü */
    "e\xcc\x81",       /* e + U+0301 */
    "n\xcc\x83",       /* n + U+0303 */
    "N\xcc\x83",       /* N + U+0303 */
    "\xc3\xa1",        /* á */
    "\xc3\x93",        /* Ó */
    "\xc2\xbf",        /* ¿ */
    "\xc2\xa1",        /* ¡ */
};
static const uint32_t lookalikes[] = {
    /* Cyrillic а е о р с у х і, А В Е К М Н О Р */
    0x0430, 0x0435, 0x043E, 0x0440, 0x0441, 0x0443, 0x0445, 0x0456,
    0x0410, 0x0412, 0x0415, 0x041A, 0x041C, 0x041D, 0x041E, 0x0420,
    /* Greek α ο ρ ν Α Β Ε Ο */
    0x03B1, 0x03BF, 0x03C1, 0x03BD, 0x0391, 0x0392, 0x0395, 0x039F,
    /* looked up before NFKC (κ ϲ μ, small capitals ᴀ ʙ, ⒜ 🅰 🅐), symbols that read
     * as letters next to letters (€ √ ®), regional indicators (U S F C K: 🇺🇸 and 🇨🇰
     * are flags) */
    0x03BA, 0x03F2, 0x03BC, 0x1D00, 0x0299, 0x249C, 0x1F170, 0x1F150,
    0x20AC, 0x221A, 0x00AE, 0x1F1FA, 0x1F1F8, 0x1F1EB, 0x1F1E8, 0x1F1F0,
};
static const uint32_t invisibles[] = {0x200B, 0x200D, 0xFEFF, 0x00AD};
static const char *const emoji[] = {
    /* man ZWJ woman ZWJ girl; thumbs up + skin tone; white flag VS16 ZWJ rainbow;
     * woman + dark skin tone ZWJ laptop; heart VS16; grinning face */
    "\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x91\xa7",
    "\xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd",
    "\xf0\x9f\x8f\xb3\xef\xb8\x8f\xe2\x80\x8d\xf0\x9f\x8c\x88",
    "\xf0\x9f\x91\xa9\xf0\x9f\x8f\xbf\xe2\x80\x8d\xf0\x9f\x92\xbb",
    "\xe2\x9d\xa4\xef\xb8\x8f",
    "\xf0\x9f\x98\x80",
};
static const char *const ill_formed[] = {"\xff", "\xc0\x80", "\xed\xa0\x80", "\xe2\x82"};
/* Markup that decodes (to letters, a mark, an invisible, a digit, a ligature) and some
 * that does not; controls; a right-to-left override and its end. */
static const char *const markup[] = {"&#102;", "&#x301;", "&#769;", "%66", "%CC%81", "%c3%a9",
                                     "&eacute;", "&amp;", "&#8203;", "%E2%80%8B", "&#0;", "%",
                                     "&", "&#", "&#x", "%C3", "&NotEqualTilde;", "&#1633;",
                                     "&#xFB01;", "&#150;", "%0A", "&#x202E;"};
static const char *const controls[] = {"\x01", "\x1b", "\x7f", "\xc2\x85", "\xc2\x9b", "\x00",
                                       "\xe2\x80\xae", "\xe2\x80\xac", "\n"};

static size_t random_letters(tu_rng *rng, char *buf, size_t at, size_t n)
{
	for (size_t k = 0; k < n; k++)
		buf[at++] = letters[tu_rng_below(rng, sizeof letters - 1)];
	return at;
}

/* Appends one piece of a post (at most PIECE_MAX bytes). */
static size_t random_piece(tu_rng *rng, char *buf, size_t at)
{
	switch (tu_rng_below(rng, 21)) {
	case 17:
		return put(buf, at, PICK(rng, markup));
	case 18:
		return put(buf, at, PICK(rng, controls));
	case 19: /* digits of other scripts: Arabic-Indic, Devanagari, mathematical */
		return put_cp(buf, at, (uint32_t[]){0x0660, 0x0966, 0x1D7CE}[tu_rng_below(rng, 3)] +
		                           (uint32_t)tu_rng_below(rng, 10));
	case 0:
	case 1:
	case 2:
		return random_letters(rng, buf, at, 1 + tu_rng_below(rng, 8));
	case 3: { /* a repeated letter: "fuuuuck" */
		char c = letters[tu_rng_below(rng, sizeof letters - 1)];
		for (size_t n = 3 + tu_rng_below(rng, 4); n > 0; n--)
			buf[at++] = c;
		return at;
	}
	case 4: { /* spaced letters: "f u c k", "g.i.l" */
		static const char seps[] = " .-_*";
		char sep = seps[tu_rng_below(rng, sizeof seps - 1)];
		for (size_t n = 3 + tu_rng_below(rng, 3); n > 0; n--) {
			at = random_letters(rng, buf, at, 1);
			if (n > 1)
				buf[at++] = sep;
		}
		return at;
	}
	case 5:
		for (size_t n = 1 + tu_rng_below(rng, 4); n > 0; n--)
			buf[at++] = (char)('0' + tu_rng_below(rng, 10));
		return at;
	case 6:
	case 7:
		return put(buf, at, PICK(rng, punctuation));
	case 8:
	case 9:
		return put(buf, at, PICK(rng, spanish));
	case 10: /* combining marks */
		if (tu_rng_below(rng, 4) == 0)
			return put_cp(buf, at, 0x0323);
		return put_cp(buf, at, 0x0300 + (uint32_t)tu_rng_below(rng, 0x70));
	case 11:
		return put_cp(buf, at, lookalikes[tu_rng_below(rng, COUNT(lookalikes))]);
	case 12:
		return put_cp(buf, at, invisibles[tu_rng_below(rng, COUNT(invisibles))]);
	case 13:
		return put(buf, at, PICK(rng, emoji));
	case 14: /* fullwidth digits (and a fullwidth capital now and then) */
		if (tu_rng_below(rng, 4) == 0)
			return put_cp(buf, at, 0xFF21 + (uint32_t)tu_rng_below(rng, 26));
		return put_cp(buf, at, 0xFF10 + (uint32_t)tu_rng_below(rng, 10));
	case 15: /* Hangul: leading, vowel and trailing jamo, or an LV syllable */
		switch (tu_rng_below(rng, 4)) {
		case 0: return put_cp(buf, at, 0x1100 + (uint32_t)tu_rng_below(rng, 19));
		case 1: return put_cp(buf, at, 0x1161 + (uint32_t)tu_rng_below(rng, 21));
		case 2: return put_cp(buf, at, 0x11A8 + (uint32_t)tu_rng_below(rng, 27));
		default: return put_cp(buf, at, 0xAC00 + 28 * (uint32_t)tu_rng_below(rng, 19 * 21));
		}
	case 16:
		return put(buf, at, PICK(rng, ill_formed));
	default: /* leet words */
		return put(buf, at, tu_rng_below(rng, 2) ? "m1erd4" : "$h!t");
	}
}

static size_t random_post(tu_rng *rng, char *buf)
{
	size_t at = 0;
	for (size_t pieces = 1 + tu_rng_below(rng, 40); pieces > 0; pieces--) {
		if (at + PIECE_MAX > POST_CAP)
			break;
		at = random_piece(rng, buf, at);
	}
	return at;
}

/* Every code point of the blocks whose stage 1 the normaliser precomputes (and a
 * little around them), in the contexts that decide whether the precomputed form
 * applies: alone, between ASCII letters, after a letter it may compose with, before a
 * combining mark, an invisible character, itself, another precomputed one, and a
 * control or markup that stands for a mark, and an override, which reach back, and '&'
 * and '%' that are no markup, a regional indicator (a flag with some). A post made of
 * ASCII and of such code points only is made in one pass (normalize.c,
 * normalize_table_post), others by the general path. */
START_TEST(fast_path_matches_general_path_on_precomputed_code_points)
{
	static const struct {
		uint32_t first, last;
	} blocks[] = {{0x0080, 0x0800}, {0x1FF0, 0x27C0}, {0xFDF0, 0x10000}, {0x1F0F0, 0x1FB00}};
	static const char *const before[] = {"", "a", "e", "\xe1\x84\x80" /* Hangul L */, "\xc3\xa9"};
	static const char *const after[] = {"",  "b", "\xcc\x81" /* U+0301 */, "\xe2\x80\x8b",
	                                    "\xe2\x80\x8b\xcc\x81", "\xef\xb8\x8f", "\xc3\xb1",
	                                    "\xe1\x85\xa1" /* Hangul V */, "\xf0\x9f\x98\x80",
	                                    "\x01\xcc\x81" /* a control, then a mark */,
	                                    "&#769;" /* a mark, as markup */,
	                                    "&b%" /* '&' and '%' that are not markup */,
	                                    "\xf0\x9f\x87\xb8" /* regional indicator S: 🇪🇸 a flag */,
	                                    "\xe2\x80\xae" "ab" /* an override */};
	path_pair p = paths_new();
	tu_tally t = {"Fast vs general path, precomputed code points", 0, 0};
	char buf[64];
	for (size_t k = 0; k < COUNT(blocks); k++)
		for (uint32_t cp = blocks[k].first; cp < blocks[k].last; cp++)
			for (size_t b = 0; b < COUNT(before); b++)
				for (size_t a = 0; a < COUNT(after); a++) {
					size_t len = put(buf, 0, before[b]);
					len = put_cp(buf, len, cp);
					len = put(buf, len, a == 0 && b == 0 ? "" : after[a]);
					if (a == 0 && b == 0) /* and the code point twice */
						len = put_cp(buf, len, cp);
					origin o = {"code point", cp, -1};
					compare_every_flag_set(&p, buf, len, &o, &t);
				}
	paths_free(&p);
	tu_tally_finish(&t, "checks");
}
END_TEST

START_TEST(fast_path_matches_general_path_on_random_posts)
{
	path_pair p = paths_new();
	tu_tally t = {"Fast vs general path, random posts", 0, 0};
	tu_rng rng = {RANDOM_SEED};
	char post[POST_CAP];
	for (size_t i = 0; i < RANDOM_POSTS; i++) {
		size_t len = random_post(&rng, post);
		origin o = {"random string", i, -1};
		compare_every_flag_set(&p, post, len, &o, &t);
	}
	paths_free(&p);
	tu_tally_finish(&t, "checks");
}
END_TEST

/* (d) Map sanity on the random posts: well-formed output, monotonic spans inside the
 * source. */
START_TEST(random_posts_have_sane_maps)
{
	mesura_normalizer *nz[N_FLAG_SETS];
	for (size_t f = 0; f < N_FLAG_SETS; f++)
		nz[f] = new_normalizer(flag_sets[f].flags, 1);
	mesura_view *v = new_view();
	char_maps cm = {NULL, 0, 0};
	tu_tally t = {"Map sanity, random posts", 0, 0};
	tu_rng rng = {RANDOM_SEED};
	char post[POST_CAP];
	for (size_t i = 0; i < RANDOM_POSTS; i++) {
		size_t len = random_post(&rng, post);
		for (size_t f = 0; f < N_FLAG_SETS; f++) {
			size_t n;
			const char *out = normalize(nz[f], v, post, len, &n);
			t.checks++;
			hexbuf a, b;
			if (!is_valid_utf8(out, n)) {
				tu_tally_fail(&t, "random string #%zu, flags %s: input %s gives ill-formed %s",
				             i, flag_sets[f].name, hex(&a, post, len), hex(&b, out, n));
				continue;
			}
			map_chars(v, &cm);
			size_t bad = first_bad_span(&cm, len);
			if (bad < cm.n) {
				range r = cm.items[bad].src;
				range prev = bad > 0 ? cm.items[bad - 1].src : r;
				tu_tally_fail(&t,
				             "random string #%zu, flags %s: input %s -> %s: output "
				             "character %zu maps to [%zu, %zu) after [%zu, %zu) (source "
				             "length %zu)",
				             i, flag_sets[f].name, hex(&a, post, len), hex(&b, out, n), bad,
				             r.start, r.end, prev.start, prev.end, len);
			}
		}
	}
	free(cm.items);
	mesura_view_free(v);
	for (size_t f = 0; f < N_FLAG_SETS; f++)
		mesura_normalizer_free(nz[f]);
	tu_tally_finish(&t, "checks");
}
END_TEST

static Suite *conformance_suite(void)
{
	Suite *s = suite_create("conformance");
	TCase *tc = tcase_create("unicode");
	/* Seconds in a RelWithDebInfo build; the sanitizer build needs many times that. */
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, normalization_test_invariants);
	tcase_add_test(tc, unlisted_code_points_are_stable);
	tcase_add_test(tc, offset_maps_cover_their_sources);
	tcase_add_test(tc, fast_path_matches_general_path_on_normalization_test);
	tcase_add_test(tc, fast_path_matches_general_path_on_precomputed_code_points);
	tcase_add_test(tc, fast_path_matches_general_path_on_random_posts);
	tcase_add_test(tc, random_posts_have_sane_maps);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(conformance_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
