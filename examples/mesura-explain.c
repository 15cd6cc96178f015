/*
 * mesura-explain: why was this post flagged, and why not that one?
 *
 * For one post (the arguments, or standard input) prints what the scanner sees and
 * decides: the normalised views policy terms are matched on, the tokens that decide
 * whole words, each finding with its condition and confidence, and the near misses
 * (explain mode: rules that matched something but did not fire, and why).
 *
 *   mesura-explain --policy acme.yaml 'Qué m1erda de servicio'
 *   echo 'mi tarjeta 4111 1111 1111 1112' | mesura-explain --policy acme.yaml
 */
/* Uses explain mode and its near misses (mesura/experimental.h). */
#define MESURA_EXPERIMENTAL
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/tool.h"

/* Characters that are invisible on a terminal but matter to the scanner. */
static int invisible(uint32_t c)
{
	return c == 0xAD || (c >= 0x200B && c <= 0x200F) || (c >= 0x202A && c <= 0x202E) ||
	       (c >= 0x2060 && c <= 0x2064) || c == 0xFEFF || (c >= 0xFE00 && c <= 0xFE0F);
}

/* Prints s[0..n) in double quotes, with controls and invisible characters escaped
 * (\n, \x1b, \u{200B}) so that what the scanner sees is what the reader sees. */
static void print_quoted(const char *s, size_t n)
{
	const unsigned char *b = (const unsigned char *)s;
	putchar('"');
	for (size_t i = 0; i < n;) {
		uint32_t c = b[i];
		size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
		if (i + len > n)
			len = 1;
		if (len == 2)
			c = (c & 0x1Fu) << 6 | (b[i + 1] & 0x3Fu);
		else if (len == 3)
			c = (c & 0x0Fu) << 12 | (b[i + 1] & 0x3Fu) << 6 | (b[i + 2] & 0x3Fu);
		if (c == '"' || c == '\\')
			printf("\\%c", (char)c);
		else if (c == '\n')
			printf("\\n");
		else if (c == '\t')
			printf("\\t");
		else if (c < 0x20 || c == 0x7F)
			printf("\\x%02x", (unsigned)c);
		else if ((c >= 0x80 && c < 0xA0) || invisible(c))
			printf("\\u{%04X}", (unsigned)c);
		else
			fwrite(s + i, 1, len, stdout);
		i += len;
	}
	putchar('"');
}

static void print_views(const char *text, size_t len)
{
	static const struct {
		const char *name;
		unsigned flags;
		const char *about;
	} views[] = {
	    {"moderation", MESURA_NORM_MODERATION, "terms with normalize: moderation"},
	    {"deobfuscate", MESURA_NORM_DEOBFUSCATE, "terms by default"},
	    {"nfkc", MESURA_NORM_NFKC, "regexes by default"},
	};
	printf("\nviews (what rules match on)\n");
	mesura_view *view = NULL;
	if (mesura_view_new(&view, NULL) != MESURA_OK)
		tool_die("out of memory");
	for (size_t i = 0; i < sizeof views / sizeof views[0]; i++) {
		mesura_normalizer_options o = MESURA_NORMALIZER_OPTIONS_INIT;
		o.flags = views[i].flags;
		mesura_normalizer *norm = NULL;
		int rc = mesura_normalizer_new(&norm, &o, NULL);
		if (rc == MESURA_OK)
			rc = mesura_normalize(norm, view, text, len);
		if (rc != MESURA_OK)
			tool_die("cannot normalise: %s", mesura_strerror(rc));
		size_t n;
		const char *v = mesura_view_text(view, &n);
		printf("  %-12s ", views[i].name);
		print_quoted(v, n);
		printf("  (%s)\n", views[i].about);
		mesura_normalizer_free(norm);
	}
	mesura_view_free(view);
}

static void print_tokens(const char *text, size_t len)
{
	static const struct {
		unsigned flag;
		const char *name;
	} flags[] = {{MESURA_TOKEN_OVERLAY, "overlay"},
	             {MESURA_TOKEN_PART, "part"},
	             {MESURA_TOKEN_SPACED, "spaced"},
	             {MESURA_TOKEN_INVISIBLES, "invisibles"},
	             {MESURA_TOKEN_SCHEME, "scheme"}};
	mesura_tokens *tokens = NULL;
	int rc = mesura_tokens_new(&tokens, NULL);
	if (rc == MESURA_OK)
		rc = mesura_tokenize(tokens, text, len, MESURA_TOKENIZE_ALL);
	if (rc != MESURA_OK)
		tool_die("cannot tokenize: %s", mesura_strerror(rc));
	printf("\ntokens (whole-word matches start and end on their edges; spaces not shown)\n");
	for (size_t i = 0; i < mesura_tokens_count(tokens); i++) {
		const mesura_token *t = mesura_tokens_get(tokens, i);
		if (t->type == MESURA_TOKEN_SPACE)
			continue;
		char span[48];
		snprintf(span, sizeof span, "[%zu,%zu)", t->start, t->end);
		printf("  %-12s %-8s ", span, mesura_token_type_name(t->type));
		print_quoted(text + t->start, t->end - t->start);
		for (size_t f = 0; f < sizeof flags / sizeof flags[0]; f++)
			if (t->flags & flags[f].flag)
				printf(" %s", flags[f].name);
		putchar('\n');
	}
	mesura_tokens_free(tokens);
}

static void print_result(const char *text, const mesura_result *res)
{
	printf("\nverdict: %s", mesura_action_name(res->verdict));
	const mesura_finding *decisive = mesura_result_finding_get(res, res->decisive);
	if (decisive)
		printf(" (decided by %s at [%zu,%zu))", decisive->rule_id, decisive->start,
		       decisive->end);
	printf("\n\nfindings (why it was flagged)\n");
	if (mesura_result_finding_count(res) == 0)
		printf("  none\n");
	for (size_t i = 0; i < mesura_result_finding_count(res); i++) {
		const mesura_finding *f = mesura_result_finding_get(res, i);
		printf("  %s  %s, %s, %s  [%zu,%zu) ", f->rule_id, f->category,
		       mesura_severity_name(f->severity), mesura_action_name(f->action), f->start,
		       f->end);
		print_quoted(text + f->start, f->end - f->start);
		printf("\n      matched ");
		print_quoted(f->matched, f->matched_len);
		printf(" by %s, confidence %.2f\n", f->condition, f->confidence);
	}
	printf("\nnear misses (why not: rules that matched something but did not fire)\n");
	if (mesura_result_near_miss_count(res) == 0)
		printf("  none\n");
	for (size_t i = 0; i < mesura_result_near_miss_count(res); i++) {
		const mesura_near_miss *m = mesura_result_near_miss_get(res, i);
		printf("  %s  %s  ", m->rule_id, mesura_miss_reason_name(m->reason));
		if (m->start == 0 && m->end == 0) {
			printf("(the post as a whole)");
		} else {
			printf("[%zu,%zu) ", m->start, m->end);
			print_quoted(text + m->start, m->end - m->start);
		}
		if (m->reason == MESURA_MISS_CONFIDENCE)
			printf(", confidence %.2f", m->confidence);
		putchar('\n');
	}
}

static void usage(FILE *to)
{
	fprintf(to, "usage: mesura-explain [OPTIONS] [--] [TEXT...]\n"
	            "\n"
	            "Explains how one post is screened: its normalised views, its tokens, the\n"
	            "findings (condition, confidence) and the near misses. The post is the\n"
	            "arguments joined with spaces, or standard input (one final newline removed).\n"
	            "\n"
	            "  -p, --policy FILE  the policy (default: the built-in employee policy), or\n"
	            "                     builtin:NAME for a built-in module (builtin:pii...)\n"
	            "  --no-file-access   the policy may not include files or read lexicon files\n"
	            "  --charset NAME     the post's character set (default UTF-8)\n"
	            "  -h, --help         this text\n"
	            "  -V, --version      the tool's, the library's and Unicode's versions\n"
	            "\n"
	            "Options may come before or after the words of the post; after -- every\n"
	            "argument is text (a post that starts with '-').\n"
	            "\n"
	            "Exit status: 0 allowed (or only logged), 1 review or redaction, 2 blocked,\n"
	            "4 the post could not be screened (longer than 1 MiB, a scan error), 3 usage\n"
	            "or policy errors.\n"
	            "\n"
	            "Examples:\n"
	            "  mesura-explain --policy examples/policies/acme.yaml 'Qué m1erda de servicio'\n"
	            "  mesura-explain --policy acme.yaml < post.txt\n");
}

int main(int argc, char **argv)
{
	tool_init("mesura-explain");
	tool_require_experimental();
	const char *policy_path = NULL, *charset = NULL;
	int no_file_access = 0;
	enum { CHARSET = 256, NO_FILES };
	static const struct option longs[] = {
		{"help", no_argument, NULL, 'h'},         {"version", no_argument, NULL, 'V'},
		{"policy", required_argument, NULL, 'p'}, {"charset", required_argument, NULL, CHARSET},
		{"no-file-access", no_argument, NULL, NO_FILES},
		{NULL, 0, NULL, 0}};
	for (int c; (c = tool_getopt(argc, argv, "hVp:", longs)) != -1;) {
		switch (c) {
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			tool_version();
		case 'p':
			policy_path = optarg;
			break;
		case CHARSET:
			charset = optarg;
			break;
		case NO_FILES:
			no_file_access = 1;
			break;
		}
	}
	int argi = optind;
	strbuf raw = {0};
	if (argi < argc) {
		for (int i = argi; i < argc; i++) {
			if (i > argi)
				strbuf_put(&raw, " ", 1);
			strbuf_puts(&raw, argv[i]);
		}
	} else {
		char chunk[4096];
		size_t n;
		while ((n = fread(chunk, 1, sizeof chunk, stdin)) > 0 && raw.len <= POSTS_MAX_LINE + 2)
			strbuf_put(&raw, chunk, n);
		if (ferror(stdin))
			tool_die("cannot read the post from standard input");
		if (raw.len && raw.data[raw.len - 1] == '\n')
			raw.len--;
		if (raw.len && raw.data[raw.len - 1] == '\r')
			raw.len--;
	}
	/* The same decoding as the other tools: charset, then UTF-8 repair. */
	posts_decoder dec = {.charset = charset};
	posts_line line = {"<post>", 1, POSTS_TEXT, raw.data ? raw.data : "", raw.len,
	                   raw.len > POSTS_MAX_LINE, 0};
	post p;
	const char *why;
	if (charset)
		posts_check_charset(charset);
	if (posts_decode(&dec, &line, &p, &why) != 0) {
		fprintf(stderr, "%s: the post cannot be screened: %s\n", tool_name, why);
		post_clear(&p);
		posts_decoder_free(&dec);
		strbuf_free(&raw);
		return TOOL_EXIT_UNSCREENED;
	}

	mesura_policy *policy = tool_load_policy(policy_path, no_file_access);
	mesura_scanner *scanner = NULL;
	int rc = mesura_scanner_new(&scanner, policy, NULL);
	const mesura_result *res = NULL;
	if (rc == MESURA_OK)
		rc = tool_scan(scanner, p.text, p.len, MESURA_SCAN_EXPLAIN, &res);
	if (rc != MESURA_OK && rc != MESURA_ELIMIT) {
		fprintf(stderr, "%s: the post cannot be screened: %s\n", tool_name,
		        mesura_strerror(rc));
		mesura_scanner_free(scanner);
		mesura_policy_free(policy);
		post_clear(&p);
		posts_decoder_free(&dec);
		strbuf_free(&raw);
		return TOOL_EXIT_UNSCREENED;
	}

	printf("post (%zu bytes): ", p.len);
	print_quoted(p.text, p.len);
	size_t disabled = 0;
	for (size_t i = 0; i < mesura_policy_rule_count(policy); i++)
		disabled += mesura_policy_rule_get(policy, i)->disabled != 0;
	printf("\npolicy: %s, %zu rules", mesura_policy_name(policy),
	       mesura_policy_rule_count(policy));
	if (disabled)
		printf(" (%zu disabled)", disabled);
	putchar('\n');
	if (p.repaired)
		printf("(%zu ill-formed UTF-8 sequences replaced with U+FFFD)\n", p.repaired);
	if (rc == MESURA_ELIMIT)
		printf("(a rule hit its match limit and was skipped)\n");
	print_views(p.text, p.len);
	print_tokens(p.text, p.len);
	print_result(p.text, res);

	int verdict = (int)res->verdict;
	mesura_scanner_free(scanner);
	mesura_policy_free(policy);
	post_clear(&p);
	posts_decoder_free(&dec);
	strbuf_free(&raw);
	return verdict >= MESURA_ACTION_BLOCK ? 2 : verdict >= MESURA_ACTION_REDACT ? 1 : 0;
}
