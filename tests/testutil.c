#include "testutil.h"

#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *tu_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
	long size = ftell(f);
	ck_assert_int_ge(size, 0);
	ck_assert_int_eq(fseek(f, 0, SEEK_SET), 0);
	char *buf = malloc((size_t)size + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_eq(fread(buf, 1, (size_t)size, f), (size_t)size);
	fclose(f);
	buf[size] = '\0';
	*len = (size_t)size;
	return buf;
}

const char *tu_data_path(const char *name)
{
	static char path[4096];
	snprintf(path, sizeof path, "%s/%s", MESURA_TEST_DATA_DIR, name);
	return path;
}

uint64_t tu_rng_next(tu_rng *rng)
{
	uint64_t z = (rng->state += 0x9e3779b97f4a7c15u);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

size_t tu_rng_below(tu_rng *rng, size_t n)
{
	return n ? (size_t)(tu_rng_next(rng) % n) : 0;
}

size_t tu_utf8_encode(uint32_t cp, char *out)
{
	unsigned char *o = (unsigned char *)out;
	if (cp < 0x80) {
		o[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (unsigned char)(0xC0 | (cp >> 6));
		o[1] = (unsigned char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (unsigned char)(0xE0 | (cp >> 12));
		o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		o[2] = (unsigned char)(0x80 | (cp & 0x3F));
		return 3;
	}
	o[0] = (unsigned char)(0xF0 | (cp >> 18));
	o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
	o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
	o[3] = (unsigned char)(0x80 | (cp & 0x3F));
	return 4;
}

static int fa_may_allocate(tu_failing_alloc *fa)
{
	if (fa->calls >= fa->fail_after)
		return 0;
	fa->calls++;
	return 1;
}

static void *fa_malloc(size_t size, void *user)
{
	tu_failing_alloc *fa = user;
	if (!fa_may_allocate(fa))
		return NULL;
	void *p = malloc(size);
	if (p)
		fa->live++;
	return p;
}

static void *fa_realloc(void *ptr, size_t size, void *user)
{
	tu_failing_alloc *fa = user;
	if (!fa_may_allocate(fa))
		return NULL;
	void *p = realloc(ptr, size);
	if (p && !ptr)
		fa->live++;
	return p;
}

static void fa_free(void *ptr, void *user)
{
	tu_failing_alloc *fa = user;
	if (ptr)
		fa->live--;
	free(ptr);
}

void tu_failing_alloc_init(tu_failing_alloc *fa, size_t fail_after)
{
	fa->hooks.malloc_fn = fa_malloc;
	fa->hooks.realloc_fn = fa_realloc;
	fa->hooks.free_fn = fa_free;
	fa->hooks.user = fa;
	fa->fail_after = fail_after;
	fa->calls = 0;
	fa->live = 0;
}

void tu_tally_fail(tu_tally *t, const char *fmt, ...)
{
	if (t->failures++ >= 20)
		return;
	va_list ap;
	va_start(ap, fmt);
	printf("  %s FAIL: ", t->name);
	vprintf(fmt, ap);
	putchar('\n');
	va_end(ap);
}

void tu_tally_finish(const tu_tally *t, const char *unit)
{
	printf("%s: %zu %s, %zu failures\n", t->name, t->checks, unit, t->failures);
	fflush(stdout);
	ck_assert_msg(t->failures == 0, "%s: %zu of %zu %s failed", t->name, t->failures,
	              t->checks, unit);
}

mesura_policy *tu_policy;
mesura_scanner *tu_scanner;

void tu_default_setup(void)
{
	mesura_diagnostics *d = NULL;
	ck_assert_int_eq(mesura_policy_default(&tu_policy, &d, NULL), MESURA_OK);
	mesura_diagnostics_free(d);
	ck_assert_int_eq(mesura_scanner_new(&tu_scanner, tu_policy, NULL), MESURA_OK);
}

void tu_default_teardown(void)
{
	mesura_scanner_free(tu_scanner);
	mesura_policy_free(tu_policy);
	tu_scanner = NULL;
	tu_policy = NULL;
}

double tu_seconds_since(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) * 1e-9;
}

int tu_has_finding(const mesura_result *r, const char *category, size_t start, size_t end)
{
	for (size_t i = 0; i < mesura_result_finding_count(r); i++) {
		const mesura_finding *f = mesura_result_finding_get(r, i);
		if (strcmp(f->category, category) == 0 && f->start == start && f->end == end)
			return 1;
	}
	return 0;
}

void tu_expect_flagged(mesura_scanner *s, const char *name, const char *category,
                       const tu_flagged *posts, size_t n, int min_verdict)
{
	tu_tally t = {name, 0, 0};
	for (size_t i = 0; i < n; i++) {
		const mesura_result *r;
		const char *post = posts[i].post, *at = strstr(post, posts[i].words);
		ck_assert_msg(at != NULL, "\"%s\" is not in \"%s\"", posts[i].words, post);
		ck_assert_int_eq(mesura_scan(s, post, strlen(post), 0, &r), MESURA_OK);
		t.checks++;
		size_t start = (size_t)(at - post);
		if (!tu_has_finding(r, category, start, start + strlen(posts[i].words)))
			tu_tally_fail(&t, "not flagged: \"%s\" in \"%s\"", posts[i].words, post);
		else if ((int)r->verdict < min_verdict)
			tu_tally_fail(&t, "verdict below %s: \"%s\"", mesura_action_name(min_verdict),
			              post);
	}
	tu_tally_finish(&t, "posts");
}

/* Whether `category` is `within` or one of its subcategories (within + "."). */
static int category_within(const char *category, const char *within)
{
	size_t n = strlen(within);
	return strncmp(category, within, n) == 0 && (category[n] == '\0' || category[n] == '.');
}

void tu_expect_clean(mesura_scanner *s, const char *name, const char *category,
                     const char *const *posts, size_t n)
{
	tu_tally t = {name, 0, 0};
	for (size_t i = 0; i < n; i++) {
		const mesura_result *r;
		ck_assert_int_eq(mesura_scan(s, posts[i], strlen(posts[i]), 0, &r), MESURA_OK);
		t.checks++;
		for (size_t k = 0; k < mesura_result_finding_count(r); k++) {
			const mesura_finding *f = mesura_result_finding_get(r, k);
			if (category_within(f->category, category))
				tu_tally_fail(&t, "flagged by %s: \"%.*s\" in \"%s\"", f->rule_id,
				              (int)(f->end - f->start), posts[i] + f->start, posts[i]);
		}
	}
	tu_tally_finish(&t, "posts");
}

int tu_has_category(const mesura_result *r, const char *category)
{
	for (size_t i = 0; i < mesura_result_finding_count(r); i++)
		if (strcmp(mesura_result_finding_get(r, i)->category, category) == 0)
			return 1;
	return 0;
}

void tu_print_diags(const mesura_diagnostics *d)
{
	for (size_t i = 0; i < mesura_diagnostics_count(d); i++) {
		const mesura_diagnostic *g = mesura_diagnostics_get(d, i);
		fprintf(stderr, "  %s:%u:%u: %s: %s [rule %s] (status %d)\n", g->file, g->line,
		        g->column, g->path, g->message, g->rule_id ? g->rule_id : "-", g->status);
	}
}

mesura_policy *tu_compile_ok(const char *src, const mesura_compile_options *opts)
{
	mesura_policy *p = NULL;
	mesura_diagnostics *d = NULL;
	int rc = mesura_policy_compile(&p, src, strlen(src), "rules.policy", opts, &d, NULL);
	if (rc != MESURA_OK || mesura_diagnostics_count(d))
		tu_print_diags(d);
	ck_assert_int_eq(rc, MESURA_OK);
	ck_assert_uint_eq(mesura_diagnostics_count(d), 0);
	mesura_diagnostics_free(d);
	return p;
}

mesura_policy *tu_load_ok(const char *path, const mesura_compile_options *opts)
{
	mesura_policy *p = NULL;
	mesura_diagnostics *d = NULL;
	int rc = mesura_policy_load_file(&p, path, opts, &d, NULL);
	if (rc != MESURA_OK || mesura_diagnostics_count(d))
		tu_print_diags(d);
	ck_assert_int_eq(rc, MESURA_OK);
	mesura_diagnostics_free(d);
	return p;
}

/* The checks every failed compile must pass; p is what the call left in its **out. */
static tu_failed failed_cleanly(int rc, mesura_policy *p, mesura_diagnostics *d)
{
	ck_assert_ptr_null(p);
	ck_assert_int_ne(rc, MESURA_OK);
	ck_assert_uint_ge(mesura_diagnostics_errors(d), 1);
	return (tu_failed){rc, d};
}

tu_failed tu_compile_fail(const char *src, const mesura_compile_options *opts)
{
	mesura_diagnostics *d = NULL;
	mesura_policy *p = (mesura_policy *)&d; /* must be reset to NULL */
	int rc = mesura_policy_compile(&p, src, strlen(src), "rules.policy", opts, &d, NULL);
	return failed_cleanly(rc, p, d);
}

tu_failed tu_load_fail(const char *path, const mesura_compile_options *opts)
{
	mesura_diagnostics *d = NULL;
	mesura_policy *p = (mesura_policy *)&d; /* must be reset to NULL */
	int rc = mesura_policy_load_file(&p, path, opts, &d, NULL);
	return failed_cleanly(rc, p, d);
}

const mesura_diagnostic *tu_diag_with(const mesura_diagnostics *d, const char *needle)
{
	for (size_t i = 0; i < mesura_diagnostics_count(d); i++)
		if (strstr(mesura_diagnostics_get(d, i)->message, needle))
			return mesura_diagnostics_get(d, i);
	tu_print_diags(d);
	ck_abort_msg("no diagnostic says \"%s\"", needle);
	return NULL;
}

void tu_span_of(const char *text, const char *piece, int nth, size_t *start, size_t *end)
{
	const char *at = strstr(text, piece);
	for (int i = 0; i < nth && at; i++)
		at = strstr(at + 1, piece);
	ck_assert_msg(at != NULL, "\"%s\" has no occurrence %d of \"%s\"", text, nth, piece);
	*start = (size_t)(at - text);
	*end = *start + strlen(piece);
}

void tu_position_of(const char *src, const char *marker, int nth, unsigned *line,
                    unsigned *column)
{
	size_t start, end;
	tu_span_of(src, marker, nth, &start, &end);
	*line = 1;
	*column = 1;
	for (size_t i = 0; i < start; i++) {
		if (src[i] == '\n') {
			++*line;
			*column = 1;
		} else if (((unsigned char)src[i] & 0xC0) != 0x80) {
			++*column;
		}
	}
}

void tu_expect_diag(const mesura_diagnostic *g, const char *src, int status,
                    const char *rule_id, const char *marker, int nth)
{
	ck_assert_int_eq(g->severity, MESURA_DIAG_ERROR);
	ck_assert_int_eq(g->status, status);
	if (rule_id)
		ck_assert_str_eq(g->rule_id ? g->rule_id : "(null)", rule_id);
	else
		ck_assert_ptr_null(g->rule_id);
	if (marker) {
		unsigned line, column;
		tu_position_of(src, marker, nth, &line, &column);
		ck_assert_msg(g->line == line && g->column == column, "\"%s\" at %u:%u, want %u:%u",
		              g->message, g->line, g->column, line, column);
	}
}

const mesura_finding *tu_finding_at(const mesura_result *r, const char *text,
                                    const char *rule, const char *piece, int nth)
{
	size_t start, end;
	tu_span_of(text, piece, nth, &start, &end);
	for (size_t i = 0; i < mesura_result_finding_count(r); i++) {
		const mesura_finding *f = mesura_result_finding_get(r, i);
		if (strcmp(f->rule_id, rule) == 0 && f->start == start && f->end == end)
			return f;
	}
	return NULL;
}

static size_t count_rule(const mesura_result *r, const char *rule)
{
	size_t n = 0;
	for (size_t i = 0; i < mesura_result_finding_count(r); i++)
		n += strcmp(mesura_result_finding_get(r, i)->rule_id, rule) == 0;
	return n;
}

static void print_findings(const mesura_result *r, const char *text)
{
	fprintf(stderr, "  findings in \"%s\":\n", text);
	for (size_t i = 0; i < mesura_result_finding_count(r); i++) {
		const mesura_finding *f = mesura_result_finding_get(r, i);
		fprintf(stderr, "    %s %s [%zu,%zu) \"%.*s\" %.3f\n", f->rule_id, f->condition,
		        f->start, f->end, (int)(f->end - f->start), text + f->start, f->confidence);
	}
}

const mesura_result *tu_expect_findings(mesura_scanner *s, const char *text,
                                        const char *rule, ...)
{
	const mesura_result *r = NULL;
	ck_assert_int_eq(mesura_scan(s, text, strlen(text), 0, &r), MESURA_OK);
	const char *pieces[16];
	size_t n = 0;
	va_list ap;
	va_start(ap, rule);
	for (const char *p; (p = va_arg(ap, const char *)) != NULL && n < 16;)
		pieces[n++] = p;
	va_end(ap);
	int ok = count_rule(r, rule) == n;
	for (size_t i = 0; ok && i < n; i++) {
		int nth = 0;
		for (size_t k = 0; k < i; k++)
			nth += strcmp(pieces[k], pieces[i]) == 0;
		ok = tu_finding_at(r, text, rule, pieces[i], nth) != NULL;
	}
	if (!ok) {
		print_findings(r, text);
		ck_abort_msg("rule %s: expected %zu findings in \"%s\"", rule, n, text);
	}
	return r;
}
