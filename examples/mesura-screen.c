/*
 * mesura-screen: screens posts against a policy, on every core, and says for each
 * one allow / log / redact / review / block, which rule matched where, and
 * (--redact) the redacted post. docs/tools.md has the whole story; --help the short.
 *
 * The shape is the one the library is built for: compile the policy once, share it
 * between threads, give each thread its own mesura_scanner (and mesura_redactor).
 * examples/common/ reads the posts and keeps the output in input order.
 *
 * Every input line gets exactly one record, in order: a line that cannot be screened
 * (bad JSON, too long, a scan error...) gets verdict review, no findings and an
 * "error", and the exit status 4 says so.
 */
/* Uses the redaction preview (mesura/experimental.h). */
#define MESURA_EXPERIMENTAL
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/tool.h"

typedef enum { OUT_HUMAN, OUT_JSONL, OUT_CSV } out_format;

typedef struct category_count {
	const char *name;
	size_t n;
} category_count;

/* What the main thread counts as lines are written (from their tallies). */
typedef struct stats {
	size_t posts, verdicts[5], findings, unscreened, repaired, unmapped, limited;
	category_count *categories;
	size_t n_categories;
	int worst; /* strongest verdict of the posts screened */
} stats;

/* What a worker tells the main thread about one line (pipeline tally), followed by
 * the category of each finding (n_findings pointers into the policy). */
typedef struct tally {
	unsigned char verdict, unscreened, repaired, limited;
	size_t unmapped, n_findings;
} tally;

typedef struct screen {
	const mesura_policy *policy;
	out_format format;
	int redact, color, many_files, quiet, show_stats, strict;
	unsigned char key[MESURA_REDACT_KEY_SIZE];
	const char *charset;
	double started, last_progress;
	size_t lines_done;
	int progress;
	stats stats;
} screen;

typedef struct worker {
	const screen *screen;
	mesura_scanner *scanner;
	mesura_redactor *redactor;
	posts_decoder decoder;
	mesura_redact_span *spans;
	size_t spans_cap;
	strbuf safe; /* the post with control characters made visible (human output) */
	char why[160]; /* why the current line was not screened */
} worker;

/* ------------------------------------------------------------- counting */

static void count_category(stats *s, const char *name, size_t n)
{
	for (size_t i = 0; i < s->n_categories; i++)
		if (s->categories[i].name == name || strcmp(s->categories[i].name, name) == 0) {
			s->categories[i].n += n;
			return;
		}
	s->categories = tool_xrealloc(s->categories, (s->n_categories + 1) * sizeof *s->categories);
	s->categories[s->n_categories++] = (category_count){name, n};
}

/* Counts a line as it is written (main thread, input order). */
static void written(void *ctx, const char *data, size_t len)
{
	stats *s = &((screen *)ctx)->stats;
	tally t;
	if (len < sizeof t)
		return;
	memcpy(&t, data, sizeof t);
	if (t.unscreened) {
		s->unscreened++;
		return;
	}
	s->posts++;
	s->verdicts[t.verdict]++;
	if (t.verdict > s->worst)
		s->worst = t.verdict;
	s->findings += t.n_findings;
	s->repaired += t.repaired;
	s->limited += t.limited;
	s->unmapped += t.unmapped;
	for (size_t i = 0; i < t.n_findings; i++) {
		const char *category;
		memcpy(&category, data + sizeof t + i * sizeof category, sizeof category);
		count_category(s, category, 1);
	}
}

static void put_tally(strbuf *out, const post *p, const mesura_result *res, int limited)
{
	tally t = {(unsigned char)res->verdict, 0, p->repaired > 0, limited != 0, p->unmapped,
	           mesura_result_finding_count(res)};
	strbuf_put(out, &t, sizeof t);
	for (size_t i = 0; i < mesura_result_finding_count(res); i++) {
		const mesura_finding *f = mesura_result_finding_get(res, i);
		strbuf_put(out, &f->category, sizeof f->category);
	}
}

/* ------------------------------------------------------------- workers */

static void *worker_new(void *ctx, unsigned index)
{
	(void)index;
	const screen *sc = ctx;
	worker *w = tool_xmalloc(sizeof *w);
	*w = (worker){.screen = sc};
	w->decoder.charset = sc->charset;
	int rc = mesura_scanner_new(&w->scanner, sc->policy, NULL);
	mesura_redactor_options ropts = MESURA_REDACTOR_OPTIONS_INIT;
	ropts.hash_key = sc->key;
	if (rc == MESURA_OK)
		rc = mesura_redactor_new(&w->redactor, &ropts, NULL);
	if (rc != MESURA_OK)
		tool_die("cannot make a scanner: %s", mesura_strerror(rc));
	return w;
}

static void worker_free(void *arg)
{
	worker *w = arg;
	mesura_scanner_free(w->scanner);
	mesura_redactor_free(w->redactor);
	posts_decoder_free(&w->decoder);
	strbuf_free(&w->safe);
	free(w->spans);
	free(w);
}

/* One object per post, written directly (the hot path); jansson only for what came
 * from the input (the id and the fields passed through). */
static void out_jsonl(worker *w, const posts_line *line, const post *p, const mesura_result *res,
                      int limited, const char *redacted, size_t redacted_len, strbuf *out)
{
	int many_files = w->screen->many_files;
	strbuf_record_head(out, p->id, line, many_files);
	record_screened(out, p->text, p->len, res, limited, redacted, redacted_len, p->object,
	                many_files ? RECORD_FILE : 0);
	strbuf_putc(out, '\n');
}

static void csv_id(strbuf *out, const posts_line *line, const post *p, int many_files)
{
	if (many_files) {
		strbuf_csv(out, line->source, strlen(line->source), 1);
		strbuf_put(out, ",", 1);
	}
	if (!p->id)
		strbuf_put_uint(out, line->line);
	else if (json_is_string(p->id))
		strbuf_csv(out, json_string_value(p->id), json_string_length(p->id), 1);
	else {
		strbuf j = {0};
		strbuf_json(&j, p->id);
		strbuf_csv(out, j.data, j.len, 1);
		strbuf_free(&j);
	}
}

static void out_csv(worker *w, const posts_line *line, const post *p, const mesura_result *res,
                    const char *redacted, size_t redacted_len, strbuf *out)
{
	size_t n = mesura_result_finding_count(res);
	size_t rows = n ? n : 1; /* a clean post gets one row */
	for (size_t i = 0; i < rows; i++) {
		csv_id(out, line, p, w->screen->many_files);
		strbuf_putc(out, ',');
		strbuf_puts(out, mesura_action_name(res->verdict));
		strbuf_putc(out, ',');
		if (n) {
			const mesura_finding *f = mesura_result_finding_get(res, i);
			strbuf_csv(out, f->rule_id, strlen(f->rule_id), 1);
			strbuf_putc(out, ',');
			strbuf_csv(out, f->category, strlen(f->category), 1);
			strbuf_putc(out, ',');
			strbuf_puts(out, mesura_severity_name(f->severity));
			strbuf_putc(out, ',');
			strbuf_puts(out, mesura_action_name(f->action));
			strbuf_putc(out, ',');
			strbuf_put_uint(out, f->start);
			strbuf_putc(out, ',');
			strbuf_put_uint(out, f->end);
			strbuf_putc(out, ',');
			strbuf_csv(out, p->text + f->start, f->end - f->start, 1);
			strbuf_putc(out, ',');
			strbuf_put_confidence(out, f->confidence);
		} else {
			strbuf_puts(out, ",,,,,,,");
		}
		if (w->screen->redact) {
			strbuf_put(out, ",", 1);
			strbuf_csv(out, redacted, redacted_len, 1);
		}
		strbuf_put(out, ",\r\n", 3); /* the error column, empty */
	}
}

/* Bytes that may start something terminal_safe replaces: C0 controls but TAB, DEL, and
 * 0xC2 (the lead byte of the C1 controls). */
static int may_be_control(unsigned char c)
{
	return (c < 0x20 && c != '\t') || c == 0x7f || c == 0xc2;
}

/* The post with control characters (C0 but TAB, DEL, C1) replaced by '?' byte for
 * byte, so offsets still hold and no escape sequence reaches the terminal: `s` itself
 * when it holds none (most posts), else a copy. */
static const char *terminal_safe(worker *w, const char *s, size_t n)
{
	const unsigned char *in = (const unsigned char *)s;
	size_t first = 0;
	while (first < n && !may_be_control(in[first]))
		first++;
	if (first == n)
		return s;
	w->safe.len = 0;
	strbuf_put(&w->safe, s, n);
	unsigned char *b = (unsigned char *)w->safe.data;
	for (size_t i = first; i < n; i++) {
		if ((b[i] < 0x20 && b[i] != '\t') || b[i] == 0x7f)
			b[i] = '?';
		else if (b[i] == 0xc2 && i + 1 < n && b[i + 1] >= 0x80 && b[i + 1] <= 0x9f)
			b[i] = b[i + 1] = '?';
	}
	return w->safe.data;
}

static const char *verdict_colour(mesura_action v)
{
	static const char *colours[] = {"\033[32m", "\033[34m", "\033[36m", "\033[1;33m",
	                                "\033[1;31m"};
	return colours[v <= MESURA_ACTION_BLOCK ? v : 0];
}

/* "file:line id ID  VERDICT  ": the file name and the id as terminal_safe shows posts. */
static void human_head(worker *w, const posts_line *line, const post *p, mesura_action verdict,
                       strbuf *out)
{
	int colour = w->screen->color;
	const char *name = mesura_action_name(verdict);
	size_t source_len = strlen(line->source);
	strbuf_put(out, terminal_safe(w, line->source, source_len), source_len);
	strbuf_putc(out, ':');
	strbuf_put_uint(out, line->line);
	if (p->id) { /* jansson escapes C0 controls but not DEL or C1 (U+009B is CSI) */
		strbuf id = {0};
		strbuf_json(&id, p->id);
		strbuf_puts(out, " id ");
		strbuf_put(out, terminal_safe(w, id.data, id.len), id.len);
		strbuf_free(&id);
	}
	strbuf_puts(out, "  ");
	if (colour)
		strbuf_puts(out, verdict_colour(verdict));
	for (const char *c = name; *c; c++) /* BLOCK, REVIEW...: easy to spot */
		strbuf_putc(out, verdict == MESURA_ACTION_ALLOW ? *c : (char)(*c - 'a' + 'A'));
	if (colour)
		strbuf_puts(out, "\033[0m");
	strbuf_puts(out, "  ");
}

static void out_human(worker *w, const posts_line *line, const post *p, const mesura_result *res,
                      const char *redacted, size_t redacted_len, strbuf *out)
{
	int colour = w->screen->color;
	human_head(w, line, p, res->verdict, out);

	/* The post with each finding marked, as the redactor would widen and merge it. */
	const char *safe = terminal_safe(w, p->text, p->len);
	if (mesura_result_finding_count(res) > w->spans_cap) {
		w->spans_cap = mesura_result_finding_count(res);
		w->spans = tool_xrealloc(w->spans, w->spans_cap * sizeof *w->spans);
	}
	int filled = MESURA_OK;
	for (size_t i = 0; i < mesura_result_finding_count(res) && filled == MESURA_OK; i++)
		filled = mesura_redact_span_from_finding(&w->spans[i], sizeof *w->spans,
		                                         mesura_result_finding_get(res, i));
	mesura_redact_preview_options popts = MESURA_REDACT_PREVIEW_OPTIONS_INIT;
	popts.ansi = colour;
	const char *preview = safe; /* a post without findings is its own preview */
	size_t preview_len = p->len;
	if (mesura_result_finding_count(res) && filled == MESURA_OK &&
	    mesura_redact_preview(w->redactor, safe, p->len, w->spans,
	                          mesura_result_finding_count(res), sizeof *w->spans, &popts,
	                          &preview, &preview_len) != MESURA_OK) {
		preview = safe;
		preview_len = p->len;
	}
	strbuf_put(out, preview, preview_len);
	strbuf_put(out, "\n", 1);
	for (size_t i = 0; i < mesura_result_finding_count(res); i++) {
		const mesura_finding *f = mesura_result_finding_get(res, i);
		strbuf_puts(out, "    ");
		strbuf_puts(out, f->rule_id);
		strbuf_puts(out, "  ");
		strbuf_puts(out, f->category);
		strbuf_puts(out, ", ");
		strbuf_puts(out, mesura_severity_name(f->severity));
		strbuf_puts(out, ", ");
		strbuf_puts(out, mesura_action_name(f->action));
		strbuf_puts(out, "  [");
		strbuf_put_uint(out, f->start);
		strbuf_putc(out, ',');
		strbuf_put_uint(out, f->end);
		strbuf_puts(out, ") \"");
		strbuf_put(out, safe + f->start, f->end - f->start);
		strbuf_printf(out, "\"  confidence %.2f\n", f->confidence);
	}
	if (redacted && mesura_result_finding_count(res)) {
		strbuf_puts(out, "    => ");
		strbuf_put(out, terminal_safe(w, redacted, redacted_len), redacted_len);
		strbuf_put(out, "\n", 1);
	}
}

/* The record of a line that could not be screened, in place of its post: verdict
 * `verdict` (review, or block when the scan said so before redaction failed), no
 * findings, and why. */
static void out_unscreened(worker *w, const posts_line *line, const post *p,
                           mesura_action verdict, const char *why, strbuf *out)
{
	int many_files = w->screen->many_files;
	const char *name = mesura_action_name(verdict);
	switch (w->screen->format) {
	case OUT_JSONL:
		strbuf_record_head(out, p->id, line, many_files);
		record_unscreened(out, verdict, why);
		strbuf_putc(out, '\n');
		break;
	case OUT_CSV:
		csv_id(out, line, p, many_files);
		strbuf_printf(out, ",%s,,,,,,,,%s,", name, w->screen->redact ? "," : "");
		strbuf_csv(out, why, strlen(why), 1);
		strbuf_put(out, "\r\n", 2);
		break;
	case OUT_HUMAN:
		human_head(w, line, p, verdict, out);
		strbuf_printf(out, "(not screened: %s)\n", why);
		break;
	}
}

/* A line that could not be screened: its record, a message, its tally. */
static int unscreened(worker *w, const posts_line *line, post *p, mesura_action verdict,
                      const char *why, strbuf *out, strbuf *err, strbuf *tallies)
{
	out_unscreened(w, line, p, verdict, why, out);
	strbuf_printf(err, "%s: %s:%lu: not screened: %s\n", tool_name, line->source, line->line,
	              why);
	tally t = {(unsigned char)verdict, 1, 0, 0, 0, 0};
	strbuf_put(tallies, &t, sizeof t);
	post_clear(p);
	return w->screen->strict ? PIPELINE_STOP : 0;
}

static int process(void *arg, const posts_line *line, strbuf *out, strbuf *err,
                   strbuf *tallies)
{
	worker *w = arg;
	const screen *sc = w->screen;
	post p;
	const char *why;
	if (posts_decode(&w->decoder, line, &p, &why) != 0)
		return unscreened(w, line, &p, MESURA_ACTION_REVIEW, why, out, err, tallies);
	const mesura_result *res;
	int rc = tool_scan(w->scanner, p.text, p.len, 0, &res);
	int limited = rc == MESURA_ELIMIT;
	if (rc != MESURA_OK && !limited) {
		snprintf(w->why, sizeof w->why, "cannot screen: %s", mesura_strerror(rc));
		return unscreened(w, line, &p, MESURA_ACTION_REVIEW, w->why, out, err, tallies);
	}
	if (limited && (res->limits_hit & MESURA_LIMIT_POST_SIZE)) /* nothing was screened */
		return unscreened(w, line, &p, MESURA_ACTION_REVIEW,
		                  tool_limit_reason(MESURA_LIMIT_POST_SIZE), out, err, tallies);
	const char *redacted = NULL;
	size_t redacted_len = 0;
	/* A redacted copy of a post screened only in part could hold what was skipped:
	 * such a post gets its findings and `incomplete`, but no redacted copy. */
	if (sc->redact && !limited) {
		rc = MESURA_OK;
		if (mesura_result_finding_count(res) == 0) { /* nothing to rewrite: the post is its
		                                              * own redaction */
			redacted = p.text;
			redacted_len = p.len;
		} else {
			rc = mesura_redact_result(w->redactor, sc->policy, p.text, p.len, res, &redacted,
			                          &redacted_len);
		}
		if (rc != MESURA_OK) {
			mesura_action verdict = res->verdict > MESURA_ACTION_REVIEW ? res->verdict
			                                                            : MESURA_ACTION_REVIEW;
			snprintf(w->why, sizeof w->why, "cannot redact: %s", mesura_strerror(rc));
			return unscreened(w, line, &p, verdict, w->why, out, err, tallies);
		}
	}
	put_tally(tallies, &p, res, limited);
	if (limited)
		strbuf_printf(err, "%s: %s:%lu: screened only in part (%s)%s\n", tool_name,
		              line->source, line->line, tool_limit_reason(res->limits_hit),
		              sc->redact ? "; no redacted copy" : "");

	switch (sc->format) {
	case OUT_JSONL:
		out_jsonl(w, line, &p, res, limited, redacted, redacted_len, out);
		break;
	case OUT_CSV:
		out_csv(w, line, &p, res, redacted, redacted_len, out);
		break;
	case OUT_HUMAN:
		out_human(w, line, &p, res, redacted, redacted_len, out);
		break;
	}
	post_clear(&p);
	return 0;
}

/* ------------------------------------------------------------ progress */

static void progress(void *ctx, const posts_reader *r, size_t lines)
{
	screen *sc = ctx;
	sc->lines_done += lines;
	double now = tool_now();
	if (!sc->progress || now - sc->last_progress < 0.5)
		return;
	sc->last_progress = now;
	double secs = now - sc->started;
	unsigned long long done, total;
	posts_reader_progress(r, &done, &total);
	fprintf(stderr, "\r\033[K%s: %zu posts, %.0f posts/s", tool_name, sc->lines_done,
	        (double)sc->lines_done / secs);
	if (total && done > 0 && done <= total)
		fprintf(stderr, ", %.0f%%, about %.0f s left", 100.0 * (double)done / (double)total,
		        secs * (double)(total - done) / (double)done);
}

static void summary(const screen *sc, const posts_reader *r, const pipeline_result *run)
{
	const stats *s = &sc->stats;
	double secs = tool_now() - sc->started;
	unsigned long long bytes, total;
	posts_reader_progress(r, &bytes, &total);
	if (sc->progress)
		fprintf(stderr, "\r\033[K");
	if (sc->quiet)
		return;
	size_t records = s->posts + s->unscreened;
	fprintf(stderr, "%s: %zu posts: %zu allow, %zu log, %zu redact, %zu review, %zu block, "
	                "%zu not screened; %zu findings",
	        tool_name, records, s->verdicts[0], s->verdicts[1], s->verdicts[2], s->verdicts[3],
	        s->verdicts[4], s->unscreened, s->findings);
	for (size_t i = 0; i < s->n_categories; i++)
		fprintf(stderr, "%s%s %zu", i ? ", " : " (", s->categories[i].name, s->categories[i].n);
	if (s->n_categories)
		fputc(')', stderr);
	if (s->repaired)
		fprintf(stderr, "; ill-formed UTF-8 repaired in %zu posts", s->repaired);
	if (s->unmapped)
		fprintf(stderr, "; %zu bytes not in %s", s->unmapped, sc->charset);
	if (s->limited)
		fprintf(stderr, "; %zu posts hit a match limit", s->limited);
	if (run->stopped)
		fprintf(stderr, "; stopped at the first post not screened (--strict)");
	fprintf(stderr, "; %.2f s, %.0f posts/s, %.1f MB/s", secs,
	        secs > 0 ? (double)records / secs : 0.0,
	        secs > 0 ? (double)bytes / secs / 1e6 : 0.0);
	if (sc->show_stats)
		fprintf(stderr, "; %u threads, peak RSS %.1f MiB", run->threads,
		        (double)tool_peak_rss_kib() / 1024.0);
	fputc('\n', stderr);
}

/* ---------------------------------------------------------------- main */

static void usage(FILE *to)
{
	fprintf(to,
	        "usage: mesura-screen [OPTIONS] [FILE...]\n"
	        "\n"
	        "Screens posts (one per line, or JSONL objects with \"text\") from the files or\n"
	        "standard input and writes one record per input line, in input order: its\n"
	        "verdict and findings. A line that cannot be screened (bad JSON, duplicate keys,\n"
	        "longer than 1 MiB, a scan error...) gets verdict review, no findings and an\n"
	        "\"error\" (CSV: the error column; human: \"(not screened: why)\").\n"
	        "\n"
	        "  -p, --policy FILE      the policy (default: the built-in employee policy), or\n"
	        "                         builtin:NAME for a built-in module (builtin:pii...)\n"
	        "  --no-file-access       the policy may not include files or read lexicon\n"
	        "                         files (a policy written by someone else)\n"
	        "  -f, --format F         human | jsonl | csv (default: human when standard\n"
	        "                         output is a terminal, jsonl otherwise)\n"
	        "  --input-format F       text | jsonl | auto (default: auto, per file: JSONL\n"
	        "                         when its first non-blank line is a JSON object with a\n"
	        "                         string \"text\")\n"
	        "  --charset NAME         the input's character set (ISO-8859-1, WINDOWS-1252...)\n"
	        "  --redact               add the redacted post (the policy's operators)\n"
	        "  --hash-key HEX         32 hex digits keying hash tokens (else $MESURA_HASH_KEY,\n"
	        "                         else a random key per run)\n"
	        "  -j, --threads N        screening threads, 1 to %u (default: the online\n"
	        "                         cores)\n"
	        "  --color WHEN           auto | always | never (human format)\n"
	        "  --strict               stop after the record of the first line that cannot be\n"
	        "                         screened, with exit status 3\n"
	        "  --stats                add threads and peak memory to the summary\n"
	        "  -q, --quiet            no progress and no summary on standard error\n"
	        "  -h, --help             this text\n"
	        "  -V, --version          the tool's, the library's and Unicode's versions\n"
	        "\n"
	        "Options may come before, between or after the files (--opt=value works too);\n"
	        "-- ends them.\n"
	        "\n"
	        "Exit status: 0 every post allowed (or only logged), 1 some post needs review or\n"
	        "redaction, 2 some post is blocked, 4 some line could not be screened (it has its\n"
	        "record; 4 outranks 0-2), 3 usage, unreadable input, policy or output errors, or\n"
	        "a --strict stop (3 outranks 4).\n"
	        "\n"
	        "Examples:\n"
	        "  mesura-screen examples/data/sample-posts.txt\n"
	        "  mesura-screen --policy acme.yaml --format jsonl --redact posts.jsonl > out.jsonl\n"
	        "  zcat archive.txt.gz | mesura-screen --charset latin1 --format csv > report.csv\n",
	        TOOL_MAX_THREADS);
}

int main(int argc, char **argv)
{
	tool_init("mesura-screen");
	tool_require_experimental();
	screen sc = {.format = OUT_JSONL};
	posts_options popts = {0};
	const char *policy_path = NULL, *format = NULL, *color = "auto", *hash_key = NULL;
	unsigned threads = tool_cores();
	int no_file_access = 0;
	enum { INPUT_FORMAT = 256, CHARSET, HASH_KEY, COLOR, REDACT, STRICT, STATS, NO_FILES };
	static const struct option longs[] = {
		{"help", no_argument, NULL, 'h'},          {"version", no_argument, NULL, 'V'},
		{"policy", required_argument, NULL, 'p'},  {"format", required_argument, NULL, 'f'},
		{"threads", required_argument, NULL, 'j'}, {"quiet", no_argument, NULL, 'q'},
		{"input-format", required_argument, NULL, INPUT_FORMAT},
		{"charset", required_argument, NULL, CHARSET},
		{"hash-key", required_argument, NULL, HASH_KEY},
		{"color", required_argument, NULL, COLOR},
		{"colour", required_argument, NULL, COLOR},
		{"redact", no_argument, NULL, REDACT},     {"strict", no_argument, NULL, STRICT},
		{"stats", no_argument, NULL, STATS},
		{"no-file-access", no_argument, NULL, NO_FILES},
		{NULL, 0, NULL, 0}};
	for (int c; (c = tool_getopt(argc, argv, "hVp:f:j:q", longs)) != -1;) {
		switch (c) {
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			tool_version();
		case 'p':
			policy_path = optarg;
			break;
		case 'f':
			format = optarg;
			break;
		case 'j':
			threads = (unsigned)tool_parse_count("--threads", optarg, TOOL_MAX_THREADS);
			break;
		case 'q':
			sc.quiet = 1;
			break;
		case INPUT_FORMAT: {
			int f = posts_parse_format(optarg);
			if (f < 0)
				tool_usage_error("--input-format: expected text, jsonl or auto, not \"%s\"",
				                 optarg);
			popts.format = (posts_format)f;
			break;
		}
		case CHARSET:
			popts.charset = sc.charset = optarg;
			break;
		case HASH_KEY:
			hash_key = optarg;
			break;
		case COLOR:
			color = optarg;
			break;
		case REDACT:
			sc.redact = 1;
			break;
		case STRICT:
			sc.strict = 1;
			break;
		case STATS:
			sc.show_stats = 1;
			break;
		case NO_FILES:
			no_file_access = 1;
			break;
		}
	}
	int argi = optind;
	if (!format)
		sc.format = isatty(STDOUT_FILENO) ? OUT_HUMAN : OUT_JSONL;
	else if (strcmp(format, "human") == 0)
		sc.format = OUT_HUMAN;
	else if (strcmp(format, "jsonl") == 0)
		sc.format = OUT_JSONL;
	else if (strcmp(format, "csv") == 0)
		sc.format = OUT_CSV;
	else
		tool_usage_error("--format: expected human, jsonl or csv, not \"%s\"", format);
	if (strcmp(color, "always") == 0)
		sc.color = 1;
	else if (strcmp(color, "auto") == 0)
		sc.color = isatty(STDOUT_FILENO) && !getenv("NO_COLOR") &&
		           !(getenv("TERM") && strcmp(getenv("TERM"), "dumb") == 0);
	else if (strcmp(color, "never") != 0)
		tool_usage_error("--color: expected auto, always or never, not \"%s\"", color);

	if (sc.redact)
		tool_hash_key(hash_key, sc.key);
	mesura_policy *policy = tool_load_policy(policy_path, no_file_access);
	sc.policy = policy;
	posts_reader *r = posts_reader_new(argv + argi, argc - argi, &popts);
	sc.many_files = posts_reader_files(r) > 1;
	sc.progress = !sc.quiet && isatty(STDERR_FILENO) && !isatty(STDOUT_FILENO);
	sc.started = sc.last_progress = tool_now();

	static char outbuf[1 << 16];
	setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);
	if (sc.format == OUT_CSV)
		printf("%sid,verdict,rule,category,severity,action,start,end,text,confidence%s,error\r\n",
		       sc.many_files ? "file," : "", sc.redact ? ",redacted" : "");
	json_object_seed(0); /* before any thread makes a JSON object */

	pipeline_ops ops = {worker_new, worker_free, process, written, progress};
	pipeline_result run;
	pipeline_run(r, threads, &ops, &sc, stdout, &run);
	summary(&sc, r, &run);
	if (run.write_failed)
		fprintf(stderr, "%s: cannot write the output\n", tool_name);

	const stats *total = &sc.stats;
	int status = total->worst >= MESURA_ACTION_BLOCK    ? 2
	             : total->worst >= MESURA_ACTION_REDACT ? 1
	                                                    : 0;
	if (total->unscreened)
		status = TOOL_EXIT_UNSCREENED;
	if (run.threads == 0 || run.write_failed || run.stopped || posts_reader_errors(r))
		status = TOOL_EXIT_ERROR;
	free(sc.stats.categories);
	posts_reader_free(r);
	mesura_policy_free(policy);
	return status;
}
