/*
 * mesura-redact: writes the posts back redacted, in the format they came in: text
 * lines stay lines, JSONL objects keep every field with "text" replaced.
 *
 * By default each finding is rewritten with its rule's operator from the policy
 * (mesura_redact_result). --style and --mask-char override the operators
 * (mesura_redact_result_with and a choose callback). docs/tools.md has the details.
 *
 * One output line per input line, always: a line that cannot be redacted is never
 * written as if it were (nor dropped): JSONL gets {"id":..., "error":...} without
 * "text", text gets a line starting with NOT_REDACTED. The exit status is then 4.
 */
#include <stdlib.h>
#include <string.h>

#include "common/tool.h"

/* The start of the line that stands for a text post that could not be redacted. No
 * redacted post is written that starts with it (such a post gets the marker too), so
 * a line that starts with it is always the marker. */
#define NOT_REDACTED "[mesura-redact: not redacted]"

typedef struct redact_tool {
	const mesura_policy *policy;
	const char *charset;
	int style;             /* -1: the policy's operators */
	const char *mask_char; /* NULL: the operator's own */
	unsigned char key[MESURA_REDACT_KEY_SIZE];
	int many_files;
	size_t not_redacted;   /* counted on the main thread (pipeline tallies) */
} redact_tool;

typedef struct worker {
	const redact_tool *tool;
	mesura_scanner *scanner;
	mesura_redactor *redactor;
	posts_decoder decoder;
	mesura_redact_format *options; /* per finding, for the overrides */
	size_t options_cap;
	char why[160];
} worker;

static void *worker_new(void *ctx, unsigned index)
{
	(void)index;
	const redact_tool *t = ctx;
	worker *w = tool_xmalloc(sizeof *w);
	*w = (worker){.tool = t};
	w->decoder.charset = t->charset;
	mesura_redactor_options ropts = MESURA_REDACTOR_OPTIONS_INIT;
	ropts.hash_key = t->key;
	int rc = mesura_scanner_new(&w->scanner, t->policy, NULL);
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
	free(w->options);
	free(w);
}

/* The overrides, on top of the policy's operator and extent for the finding's rule
 * (the span arrives as the policy makes it). Findings that are only reported (KEEP:
 * the rule's action is log) stay as they are. */
static int choose(const mesura_finding *finding, size_t index, mesura_redact_span *span,
                  void *payload)
{
	worker *w = payload;
	(void)finding;
	if (span->op == MESURA_REDACT_KEEP)
		return 0;
	if (w->tool->style >= 0)
		span->op = (mesura_redact_op)w->tool->style;
	if (w->tool->mask_char && span->op == MESURA_REDACT_MASK) {
		mesura_redact_format *o = &w->options[index];
		if (span->format)
			*o = *span->format;
		else
			mesura_redact_format_init(o, MESURA_REDACT_FORMAT_VERSION);
		o->mask_char = w->tool->mask_char;
		span->format = o;
	}
	return 0;
}

/* Writes, in place of a line that cannot be redacted, a line that says so: for JSONL
 * an object with the id (the input's when it can be read, else the line number) and
 * "error" but no "text"; for text the NOT_REDACTED marker. Never the post. */
static int not_redacted(worker *w, const posts_line *line, post *p, const char *why,
                        strbuf *out, strbuf *err, strbuf *tally)
{
	if (line->format == POSTS_JSONL) {
		strbuf_record_head(out, p->id, line, w->tool->many_files);
		strbuf_puts(out, ",\"error\":");
		strbuf_json_string(out, why, strlen(why));
		strbuf_puts(out, "}\n");
	} else {
		strbuf_printf(out, NOT_REDACTED " line %lu: %s\n", line->line, why);
	}
	strbuf_printf(err, "%s: %s:%lu: not redacted: %s\n", tool_name, line->source, line->line,
	              why);
	strbuf_put(tally, "!", 1);
	post_clear(p);
	return 0;
}

/* Redacts a decoded post; returns a status, and the redacted text in *red. */
static int redact_post(worker *w, const post *p, const char **red, size_t *red_len)
{
	const mesura_result *res;
	int rc = tool_scan(w->scanner, p->text, p->len, 0, &res);
	if (rc == MESURA_ELIMIT) { /* what was skipped could be anything: not redacted */
		snprintf(w->why, sizeof w->why, "screened only in part: %s",
		         tool_limit_reason(res->limits_hit));
		return rc;
	}
	if (rc != MESURA_OK) {
		snprintf(w->why, sizeof w->why, "cannot screen: %s", mesura_strerror(rc));
		return rc;
	}
	rc = MESURA_OK;
	if (mesura_result_finding_count(res) == 0) { /* nothing to rewrite: the post is its own
	                                              * redaction */
		*red = p->text;
		*red_len = p->len;
	} else if (w->tool->style < 0 && !w->tool->mask_char) {
		rc = mesura_redact_result(w->redactor, w->tool->policy, p->text, p->len, res, red,
		                          red_len);
	} else {
		if (mesura_result_finding_count(res) > w->options_cap) {
			w->options_cap = mesura_result_finding_count(res);
			w->options = tool_xrealloc(w->options, w->options_cap * sizeof *w->options);
		}
		rc = mesura_redact_result_with(w->redactor, w->tool->policy, p->text, p->len, res,
		                               choose, w, red, red_len);
	}
	if (rc != MESURA_OK)
		snprintf(w->why, sizeof w->why, "cannot redact: %s", mesura_strerror(rc));
	return rc;
}

static int process(void *arg, const posts_line *line, strbuf *out, strbuf *err,
                   strbuf *tally)
{
	worker *w = arg;
	if (line->blank) { /* blank lines are copied */
		strbuf_put(out, "\n", 1);
		strbuf_put(tally, ".", 1);
		return 0;
	}
	post p;
	const char *why;
	if (posts_decode(&w->decoder, line, &p, &why) != 0)
		return not_redacted(w, line, &p, why, out, err, tally);
	const char *red = NULL;
	size_t red_len = 0;
	if (redact_post(w, &p, &red, &red_len) != MESURA_OK)
		return not_redacted(w, line, &p, w->why, out, err, tally);
	if (p.object) {
		json_object_set_new(p.object, "text", json_stringn(red, red_len));
		strbuf_json(out, p.object);
		strbuf_put(out, "\n", 1);
	} else if (red_len >= strlen(NOT_REDACTED) &&
	           memcmp(red, NOT_REDACTED, strlen(NOT_REDACTED)) == 0) {
		return not_redacted(w, line, &p, "the post starts like the marker of a post not "
		                                 "redacted", out, err, tally);
	} else {
		strbuf_put(out, red, red_len);
		strbuf_put(out, "\n", 1);
	}
	strbuf_put(tally, ".", 1);
	post_clear(&p);
	return 0;
}

/* Counts the lines not redacted (main thread, as they are written). */
static void written(void *ctx, const char *tally, size_t len)
{
	redact_tool *t = ctx;
	t->not_redacted += len == 1 && tally[0] == '!';
}

static void usage(FILE *to)
{
	fprintf(to,
	        "usage: mesura-redact [OPTIONS] [FILE...]\n"
	        "\n"
	        "Writes the posts of the files (or standard input) redacted, in the same format:\n"
	        "text lines, or JSONL objects with \"text\" replaced and every other field kept.\n"
	        "\n"
	        "  -p, --policy FILE    the policy (default: the built-in employee policy), or\n"
	        "                       builtin:NAME for a built-in module (builtin:pii...)\n"
	        "  --no-file-access     the policy may not include files or read lexicon\n"
	        "                       files (a policy written by someone else)\n"
	        "  --input-format F     text | jsonl | auto (default: auto, per file)\n"
	        "  --charset NAME       the input's character set (output is always UTF-8)\n"
	        "  --style S            mask | label | remove | hash: one operator for every\n"
	        "                       finding, instead of the policy's\n"
	        "  --mask-char C        the mask character (e.g. '•'); implies the categories'\n"
	        "                       default operators rather than the policy's\n"
	        "  --hash-key HEX       32 hex digits keying hash tokens (else $MESURA_HASH_KEY,\n"
	        "                       else a random key per run)\n"
	        "  -j, --threads N      threads, 1 to %u (default: the online cores)\n"
	        "  -h, --help           this text\n"
	        "  -V, --version        the tool's, the library's and Unicode's versions\n"
	        "\n"
	        "Options may come before, between or after the files (--opt=value works too);\n"
	        "-- ends them.\n"
	        "\n"
	        "Findings of rules whose action is log are kept as they are. One line out per\n"
	        "line in: a line that cannot be redacted (bad JSON, duplicate keys, longer than\n"
	        "1 MiB, a scan error...) is never copied, nor dropped: JSONL gets {\"id\": ID,\n"
	        "\"error\": WHY} without \"text\", text gets a line starting with\n"
	        "\"" NOT_REDACTED "\".\n"
	        "\n"
	        "Exit status: 0 done, 4 some lines could not be redacted, 3 usage, unreadable\n"
	        "input, policy or output errors (3 outranks 4).\n"
	        "\n"
	        "Examples:\n"
	        "  mesura-redact --policy acme.yaml posts.txt > posts.redacted.txt\n"
	        "  mesura-redact --style hash --hash-key $KEY export.jsonl > export.safe.jsonl\n"
	        "  echo 'call me at 612 345 678' | mesura-redact --style mask --mask-char '#'\n",
	        TOOL_MAX_THREADS);
}

int main(int argc, char **argv)
{
	tool_init("mesura-redact");
	redact_tool t = {.style = -1};
	posts_options popts = {.keep_blank = 1};
	const char *policy_path = NULL, *hash_key = NULL;
	unsigned threads = tool_cores();
	int no_file_access = 0;
	enum { INPUT_FORMAT = 256, CHARSET, STYLE, MASK_CHAR, HASH_KEY, NO_FILES };
	static const struct option longs[] = {
		{"help", no_argument, NULL, 'h'},          {"version", no_argument, NULL, 'V'},
		{"policy", required_argument, NULL, 'p'},  {"threads", required_argument, NULL, 'j'},
		{"input-format", required_argument, NULL, INPUT_FORMAT},
		{"charset", required_argument, NULL, CHARSET},
		{"style", required_argument, NULL, STYLE},
		{"mask-char", required_argument, NULL, MASK_CHAR},
		{"hash-key", required_argument, NULL, HASH_KEY},
		{"no-file-access", no_argument, NULL, NO_FILES},
		{NULL, 0, NULL, 0}};
	for (int c; (c = tool_getopt(argc, argv, "hVp:j:", longs)) != -1;) {
		switch (c) {
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			tool_version();
		case 'p':
			policy_path = optarg;
			break;
		case 'j':
			threads = (unsigned)tool_parse_count("--threads", optarg, TOOL_MAX_THREADS);
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
			popts.charset = t.charset = optarg;
			break;
		case STYLE: {
			static const char *styles[] = {"keep", "mask", "hash", "label", "remove"};
			for (int i = 1; i < 5; i++)
				if (strcmp(optarg, styles[i]) == 0)
					t.style = i;
			if (t.style < 0)
				tool_usage_error("--style: expected mask, label, remove or hash, not \"%s\"",
				                 optarg);
			break;
		}
		case MASK_CHAR:
			t.mask_char = optarg;
			break;
		case HASH_KEY:
			hash_key = optarg;
			break;
		case NO_FILES:
			no_file_access = 1;
			break;
		}
	}
	int argi = optind;
	tool_hash_key(hash_key, t.key);
	if (t.mask_char) { /* check it once, rather than failing on every post */
		mesura_redactor *red = NULL;
		mesura_redact_format o = MESURA_REDACT_FORMAT_INIT;
		o.mask_char = t.mask_char;
		mesura_redact_span span = {0, 1, MESURA_REDACT_MASK, &o, NULL, NULL};
		const char *out;
		size_t out_len;
		int rc = mesura_redactor_new(&red, NULL, NULL);
		if (rc == MESURA_OK)
			rc = mesura_redact(red, "x", 1, &span, 1, sizeof span, &out, &out_len);
		mesura_redactor_free(red);
		if (rc != MESURA_OK)
			tool_die("--mask-char \"%s\": must be one character, not a mark or a control "
			         "character",
			         t.mask_char);
	}
	mesura_policy *policy = tool_load_policy(policy_path, no_file_access);
	t.policy = policy;
	posts_reader *r = posts_reader_new(argv + argi, argc - argi, &popts);
	t.many_files = posts_reader_files(r) > 1;

	static char outbuf[1 << 16];
	setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);
	json_object_seed(0);
	pipeline_ops ops = {worker_new, worker_free, process, written, NULL};
	pipeline_result run;
	pipeline_run(r, threads, &ops, &t, stdout, &run);
	if (run.write_failed)
		fprintf(stderr, "%s: cannot write the output\n", tool_name);
	if (t.not_redacted)
		fprintf(stderr, "%s: %zu line%s could not be redacted\n", tool_name, t.not_redacted,
		        t.not_redacted == 1 ? "" : "s");
	int status = t.not_redacted ? TOOL_EXIT_UNSCREENED : 0;
	if (run.threads == 0 || run.write_failed || posts_reader_errors(r))
		status = TOOL_EXIT_ERROR;
	posts_reader_free(r);
	mesura_policy_free(policy);
	return status;
}
