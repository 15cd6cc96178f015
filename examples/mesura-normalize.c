/*
 * mesura-normalize: prints the normalised views mesura matches policies against.
 *
 *   mesura-normalize [--flags LIST] [--keep-letters STR] [--charset NAME]
 *                    [--show-map] [FILE...]
 *
 * Reads posts, one per line, from the files or standard input. For each post prints
 * the post and its view; --show-map adds every stretch the view changed, with its
 * byte range in the original post. LIST is comma-separated: moderation (default),
 * deobfuscate, none, nfc, nfd, nfkc, nfkd, casefold, strip-marks, invisibles,
 * confusables, leet, collapse, join.
 */
#include <errno.h>
#include <mesura.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/options.h"

typedef struct {
	mesura_normalizer *normalizer;
	mesura_view *view;
	const char *charset;
	int show_map;
	char *converted;
	size_t converted_cap;
} tool;

static const struct {
	const char *name;
	unsigned int flags;
} flag_names[] = {
	{"moderation", MESURA_NORM_MODERATION}, {"deobfuscate", MESURA_NORM_DEOBFUSCATE},
	{"none", 0}, {"nfc", MESURA_NORM_NFC}, {"nfd", MESURA_NORM_NFD}, {"nfkc", MESURA_NORM_NFKC},
	{"nfkd", MESURA_NORM_NFKD}, {"casefold", MESURA_NORM_CASEFOLD},
	{"strip-marks", MESURA_NORM_STRIP_MARKS}, {"invisibles", MESURA_NORM_REMOVE_INVISIBLES},
	{"confusables", MESURA_NORM_CONFUSABLES}, {"leet", MESURA_NORM_LEET},
	{"collapse", MESURA_NORM_COLLAPSE_REPEATS}, {"join", MESURA_NORM_JOIN_SPACED},
};

static int parse_flags(const char *list, unsigned int *flags)
{
	char *copy = strdup(list);
	if (!copy)
		return -1;
	*flags = 0;
	int ok = 1;
	for (char *save = NULL, *name = strtok_r(copy, ",", &save); name && ok;
	     name = strtok_r(NULL, ",", &save)) {
		ok = 0;
		for (size_t i = 0; i < sizeof flag_names / sizeof flag_names[0]; i++)
			if (strcmp(name, flag_names[i].name) == 0) {
				*flags |= flag_names[i].flags;
				ok = 1;
			}
		if (!ok)
			fprintf(stderr, "mesura-normalize: --flags: unknown flag '%s'\n"
			                "Try 'mesura-normalize --help' for more information.\n", name);
	}
	free(copy);
	return ok ? 0 : -1;
}

/* Converts a line from --charset to UTF-8 into the tool's buffer. */
static int convert(tool *t, const char **text, size_t *len)
{
	size_t need = 0;
	int rc = mesura_charset_to_utf8(t->charset, *text, *len, t->converted, t->converted_cap,
	                                &need, NULL);
	if (rc == MESURA_EBUFS) {
		char *grown = realloc(t->converted, need);
		if (!grown)
			return MESURA_ENOMEM;
		t->converted = grown;
		t->converted_cap = need;
		rc = mesura_charset_to_utf8(t->charset, *text, *len, t->converted, t->converted_cap,
		                            &need, NULL);
	}
	*text = t->converted;
	*len = need;
	return rc;
}

/* Prints each stretch where the view differs from the original, as
 * [start,end) "original" -> "view", grouping bytes that map to the same range. */
static void print_changes(const mesura_view *view, const char *text)
{
	size_t len;
	const char *out = mesura_view_text(view, &len);
	size_t prev_end = 0, i = 0;
	while (i < len) {
		size_t start, end, j = i + 1;
		mesura_view_source_range(view, i, j, &start, &end);
		size_t s2, e2;
		while (j < len && mesura_view_source_range(view, j, j + 1, &s2, &e2) == MESURA_OK &&
		       s2 < end) { /* bytes of one character, or of one source range */
			end = e2 > end ? e2 : end;
			j++;
		}
		int same = (end - start == j - i) && memcmp(text + start, out + i, j - i) == 0;
		if (start > prev_end)
			printf("    [%zu,%zu) \"%.*s\" -> \"\"\n", prev_end, start,
			       (int)(start - prev_end), text + prev_end);
		if (!same)
			printf("    [%zu,%zu) \"%.*s\" -> \"%.*s\"\n", start, end, (int)(end - start),
			       text + start, (int)(j - i), out + i);
		prev_end = end;
		i = j;
	}
	size_t total = mesura_view_source_length(view);
	if (total > prev_end)
		printf("    [%zu,%zu) \"%.*s\" -> \"\"\n", prev_end, total, (int)(total - prev_end),
		       text + prev_end);
}

static int screen_line(tool *t, const char *text, size_t len, unsigned long line_no)
{
	if (t->charset) {
		int rc = convert(t, &text, &len);
		if (rc != MESURA_OK)
			return rc;
	}
	int rc = mesura_normalize(t->normalizer, t->view, text, len);
	if (rc != MESURA_OK)
		return rc;
	size_t out_len;
	const char *out = mesura_view_text(t->view, &out_len);
	printf("%lu: %.*s\n  => %.*s\n", line_no, (int)len, text, (int)out_len, out);
	if (mesura_view_repairs(t->view))
		printf("    (%zu ill-formed UTF-8 sequences replaced)\n", mesura_view_repairs(t->view));
	if (t->show_map)
		print_changes(t->view, text);
	return MESURA_OK;
}

static int screen_file(tool *t, FILE *in, const char *name)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	unsigned long line_no = 0;
	int rc = MESURA_OK;
	while (rc == MESURA_OK && (n = getline(&line, &cap, in)) >= 0) {
		line_no++;
		size_t len = (size_t)n;
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			len--;
		rc = screen_line(t, line, len, line_no);
		if (rc != MESURA_OK)
			fprintf(stderr, "mesura-normalize: %s:%lu: %s\n", name, line_no, mesura_strerror(rc));
	}
	if (ferror(in)) {
		fprintf(stderr, "mesura-normalize: %s: %s\n", name, strerror(errno));
		rc = -1;
	}
	free(line);
	return rc == MESURA_OK ? 0 : -1;
}

static void usage(FILE *to)
{
	fprintf(to, "usage: mesura-normalize [--flags LIST] [--keep-letters STR] "
	            "[--charset NAME] [--show-map] [FILE...]\n"
	            "       mesura-normalize -h|--help | -V|--version\n"
	            "\n"
	            "Prints each post (one per line) and its normalised view; --show-map lists\n"
	            "every stretch the view changed, with its bytes in the original post.\n"
	            "LIST is comma-separated: moderation (default), deobfuscate, none, nfc, nfd,\n"
	            "nfkc, nfkd, casefold, strip-marks, invisibles, confusables, leet, collapse,\n"
	            "join.\n"
	            "Options may come before, between or after the files (--opt=value works too);\n"
	            "-- ends them.\n"
	            "\n"
	            "Exit status: 0 done, 3 usage errors, unreadable input or a line that could\n"
	            "not be normalised (this tool screens nothing: no verdict statuses).\n"
	            "\n"
	            "Examples:\n"
	            "  mesura-normalize --flags deobfuscate --show-map examples/data/sample-posts.txt\n"
	            "  echo 'f u c k, m1erda' | mesura-normalize --flags moderation,join\n");
}

int main(int argc, char **argv)
{
	tool_options_init("mesura-normalize");
	tool t = {0};
	mesura_normalizer_options opts = MESURA_NORMALIZER_OPTIONS_INIT;
	enum { FLAGS = 256, KEEP_LETTERS, CHARSET, SHOW_MAP };
	static const struct option longs[] = {
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{"flags", required_argument, NULL, FLAGS},
		{"keep-letters", required_argument, NULL, KEEP_LETTERS},
		{"charset", required_argument, NULL, CHARSET},
		{"show-map", no_argument, NULL, SHOW_MAP},
		{NULL, 0, NULL, 0}};
	for (int c; (c = tool_getopt(argc, argv, "hV", longs)) != -1;) {
		switch (c) {
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			tool_version();
		case FLAGS:
			if (parse_flags(optarg, &opts.flags) != 0)
				return 3;
			break;
		case KEEP_LETTERS:
			opts.keep_letters = optarg;
			break;
		case CHARSET:
			t.charset = optarg;
			break;
		case SHOW_MAP:
			t.show_map = 1;
			break;
		}
	}
	int argi = optind;
	int rc = mesura_normalizer_new(&t.normalizer, &opts, NULL);
	if (rc == MESURA_OK)
		rc = mesura_view_new(&t.view, NULL);
	if (rc != MESURA_OK) {
		fprintf(stderr, "mesura-normalize: %s\n", mesura_strerror(rc));
		return 3;
	}
	printf("mesura %s, Unicode %s\n", mesura_version_string(), mesura_unicode_version());
	int status = 0;
	if (argi == argc)
		status = screen_file(&t, stdin, "<stdin>");
	for (; argi < argc; argi++) {
		FILE *in = fopen(argv[argi], "rb");
		if (!in) {
			fprintf(stderr, "mesura-normalize: %s: %s\n", argv[argi], strerror(errno));
			status = -1;
			continue;
		}
		status |= screen_file(&t, in, argv[argi]);
		fclose(in);
	}
	mesura_view_free(t.view);
	mesura_normalizer_free(t.normalizer);
	free(t.converted);
	return status ? 3 : 0;
}
