/*
 * mesura-redact: writes the posts back redacted, in the format they came in: text
 * lines stay lines, JSONL objects keep every field with "text" replaced.
 *
 * By default each finding is rewritten with its rule's operator from the policy
 * (mesura_redact_result). --style and --mask-char override the operators
 * (mesura_redact_findings with a choose callback). docs/tools.md has the details.
 */
#include <stdlib.h>
#include <string.h>

#include "common/tool.h"

typedef struct redact_tool {
	const mesura_policy *policy;
	const char *charset;
	int style;             /* -1: the policy's operators */
	const char *mask_char; /* NULL: the operator's own */
	unsigned char key[MESURA_REDACT_KEY_SIZE];
} redact_tool;

typedef struct worker {
	const redact_tool *tool;
	mesura_scanner *scanner;
	mesura_redactor *redactor;
	posts_decoder decoder;
	mesura_redact_options *options; /* per finding, for the overrides */
	size_t options_cap;
	size_t malformed, errors;
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

/* The overrides, on top of the policy's operator for the finding's rule. Findings that
 * are only reported (KEEP: the rule's action is log) stay as they are. */
static int choose(const mesura_finding *finding, size_t index, mesura_redact_span *span,
                  void *payload)
{
	worker *w = payload;
	mesura_redact_span_from_policy(span, w->tool->policy, finding);
	if (span->op == MESURA_REDACT_KEEP)
		return 0;
	if (w->tool->style >= 0)
		span->op = (mesura_redact_op)w->tool->style;
	if (w->tool->mask_char && span->op == MESURA_REDACT_MASK) {
		mesura_redact_options *o = &w->options[index];
		if (span->options)
			*o = *span->options;
		else
			mesura_redact_options_init(o, MESURA_REDACT_OPTIONS_VERSION);
		o->mask_char = w->tool->mask_char;
		span->options = o;
	}
	return 0;
}

static void process(void *arg, const posts_line *line, strbuf *out, strbuf *err)
{
	worker *w = arg;
	if (line->blank) { /* blank lines are copied */
		strbuf_put(out, "\n", 1);
		return;
	}
	post p;
	const char *why;
	if (posts_decode(&w->decoder, line, &p, &why) != 0) {
		strbuf_printf(err, "%s: %s:%lu: dropped malformed line: %s\n", tool_name, line->source,
		              line->line, why);
		w->malformed++;
		return;
	}
	const mesura_result *res;
	const char *red = NULL;
	size_t red_len = 0;
	int rc = mesura_scan(w->scanner, p.text, p.len, &res);
	if (rc == MESURA_ELIMIT)
		strbuf_printf(err, "%s: %s:%lu: a rule hit its match limit; redacted without it\n",
		              tool_name, line->source, line->line);
	if (rc == MESURA_OK || rc == MESURA_ELIMIT) {
		rc = MESURA_OK;
		if (res->n_findings == 0) { /* nothing to rewrite: the post is its own redaction */
			red = p.text;
			red_len = p.len;
		} else if (w->tool->style < 0 && !w->tool->mask_char) {
			rc = mesura_redact_result(w->redactor, w->tool->policy, p.text, p.len, res, &red,
			                          &red_len);
		} else {
			if (res->n_findings > w->options_cap) {
				w->options_cap = res->n_findings;
				w->options = tool_xrealloc(w->options, w->options_cap * sizeof *w->options);
			}
			rc = mesura_redact_findings(w->redactor, p.text, p.len, res->findings,
			                            res->n_findings, &red, &red_len, choose, w);
		}
	}
	if (rc != MESURA_OK) { /* never write a post that should have been redacted */
		strbuf_printf(err, "%s: %s:%lu: dropped, cannot redact it: %s\n", tool_name,
		              line->source, line->line, mesura_strerror(rc));
		w->errors++;
	} else if (p.object) {
		json_object_set_new(p.object, "text", json_stringn(red, red_len));
		strbuf_json(out, p.object);
		strbuf_put(out, "\n", 1);
	} else {
		strbuf_put(out, red, red_len);
		strbuf_put(out, "\n", 1);
	}
	post_clear(&p);
}

static void usage(FILE *to)
{
	fprintf(to,
	        "usage: mesura-redact [OPTIONS] [FILE...]\n"
	        "\n"
	        "Writes the posts of the files (or standard input) redacted, in the same format:\n"
	        "text lines, or JSONL objects with \"text\" replaced and every other field kept.\n"
	        "\n"
	        "  --policy FILE        the policy (default: the built-in employee policy)\n"
	        "  --input-format F     text | jsonl | auto (default: auto, per file)\n"
	        "  --charset NAME       the input's character set (output is always UTF-8)\n"
	        "  --style S            mask | label | remove | hash: one operator for every\n"
	        "                       finding, instead of the policy's\n"
	        "  --mask-char C        the mask character (e.g. '•'); implies the categories'\n"
	        "                       default operators rather than the policy's\n"
	        "  --hash-key HEX       32 hex digits keying hash tokens (else $MESURA_HASH_KEY,\n"
	        "                       else a random key per run)\n"
	        "  --threads N          threads (default: the online cores, %u here)\n"
	        "  --help               this text\n"
	        "\n"
	        "Findings of rules whose action is log are kept as they are. A line that cannot\n"
	        "be read (malformed JSON) is dropped with a message, never copied unredacted.\n"
	        "Exit status: 0 done, 1 some lines were dropped, 3 usage, input or policy errors.\n"
	        "\n"
	        "Examples:\n"
	        "  mesura-redact --policy acme.yaml posts.txt > posts.redacted.txt\n"
	        "  mesura-redact --style hash --hash-key $KEY export.jsonl > export.safe.jsonl\n"
	        "  echo 'call me at 612 345 678' | mesura-redact --style mask --mask-char '#'\n",
	        tool_cores());
}

int main(int argc, char **argv)
{
	tool_init("mesura-redact");
	redact_tool t = {.style = -1};
	posts_options popts = {.keep_blank = 1};
	const char *policy_path = NULL, *hash_key = NULL;
	unsigned threads = tool_cores();
	int argi = 1;
	for (; argi < argc && argv[argi][0] == '-' && argv[argi][1]; argi += 2) {
		const char *a = argv[argi], *v = argi + 1 < argc ? argv[argi + 1] : NULL;
		if (strcmp(a, "--") == 0) {
			argi++;
			break;
		} else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			usage(stdout);
			return 0;
		} else if (!v) {
			usage(stderr);
			tool_die("%s: unknown option or missing value", a);
		} else if (strcmp(a, "--policy") == 0) {
			policy_path = v;
		} else if (strcmp(a, "--input-format") == 0) {
			int f = posts_parse_format(v);
			if (f < 0)
				tool_die("--input-format: expected text, jsonl or auto, not \"%s\"", v);
			popts.format = (posts_format)f;
		} else if (strcmp(a, "--charset") == 0) {
			popts.charset = t.charset = v;
		} else if (strcmp(a, "--style") == 0) {
			static const char *styles[] = {"keep", "mask", "hash", "label", "remove"};
			for (int i = 1; i < 5; i++)
				if (strcmp(v, styles[i]) == 0)
					t.style = i;
			if (t.style < 0)
				tool_die("--style: expected mask, label, remove or hash, not \"%s\"", v);
		} else if (strcmp(a, "--mask-char") == 0) {
			t.mask_char = v;
		} else if (strcmp(a, "--hash-key") == 0) {
			hash_key = v;
		} else if (strcmp(a, "--threads") == 0) {
			threads = (unsigned)tool_parse_count(a, v);
			if (threads > 1024)
				tool_die("--threads: at most 1024");
		} else {
			usage(stderr);
			tool_die("unknown option %s", a);
		}
	}
	tool_hash_key(hash_key, t.key);
	if (t.mask_char) { /* check it once, rather than failing on every post */
		mesura_redactor *red = NULL;
		mesura_redact_options o = MESURA_REDACT_OPTIONS_INIT;
		o.mask_char = t.mask_char;
		mesura_redact_span span = {0, 1, MESURA_REDACT_MASK, &o, NULL, NULL};
		const char *out;
		size_t out_len;
		int rc = mesura_redactor_new(&red, NULL, NULL);
		if (rc == MESURA_OK)
			rc = mesura_redact(red, "x", 1, &span, 1, &out, &out_len);
		mesura_redactor_free(red);
		if (rc != MESURA_OK)
			tool_die("--mask-char \"%s\": must be one character, not a mark or a control "
			         "character",
			         t.mask_char);
	}
	mesura_policy *policy = tool_load_policy(policy_path);
	t.policy = policy;
	posts_reader *r = posts_reader_new(argv + argi, argc - argi, &popts);

	static char outbuf[1 << 16];
	setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);
	json_object_seed(0);
	pipeline_ops ops = {worker_new, process, NULL};
	void **workers;
	int write_failed = pipeline_run(r, threads, &ops, &t, stdout, &workers) != 0;
	size_t malformed = 0, errors = 0;
	for (unsigned i = 0; i < threads; i++) {
		malformed += ((worker *)workers[i])->malformed;
		errors += ((worker *)workers[i])->errors;
		worker_free(workers[i]);
	}
	free(workers);
	if (write_failed)
		fprintf(stderr, "%s: cannot write the output\n", tool_name);
	int status = write_failed || errors || posts_reader_errors(r) ? 3 : malformed ? 1 : 0;
	posts_reader_free(r);
	mesura_policy_free(policy);
	return status;
}
