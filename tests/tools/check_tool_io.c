/* The tools' own reading and writing (examples/common): the JSON and CSV pieces that
 * are written by hand instead of printf (numbers, confidences, escapes), and the line
 * reader: line ends, the line limit, the last line without '\n', and lines that stay
 * where they are in a batch's buffer while the next batch is read. */
#include <check.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/tool.h"

/* ------------------------------------------------------------- writer */

START_TEST(test_uint_as_printf)
{
	unsigned long long values[] = {0, 1, 9, 10, 99, 100, 4096, 1048576, 4294967295ull,
	                               4294967296ull, 18446744073709551615ull};
	for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
		strbuf b = {0};
		char want[32];
		snprintf(want, sizeof want, "%llu", values[i]);
		strbuf_put_uint(&b, values[i]);
		ck_assert_str_eq(b.data, want);
		strbuf_free(&b);
	}
	for (unsigned long long n = 1; n < ULLONG_MAX / 10; n *= 10) { /* every length */
		strbuf b = {0};
		char want[32];
		snprintf(want, sizeof want, "%llu", n - 1);
		strbuf_put_uint(&b, n - 1);
		ck_assert_str_eq(b.data, want);
		strbuf_free(&b);
	}
}
END_TEST

/* What mesura-screen printed before: the confidence rounded to 3 decimals, then %g. */
static void printf_confidence(char *out, size_t cap, double c)
{
	snprintf(out, cap, "%g", (double)(long)(c * 1000.0 + 0.5) / 1000.0);
}

START_TEST(test_confidence_as_printf)
{
	/* every value a rule can give, and values just around each rounding step */
	for (int k = 0; k <= 1000; k++) {
		double values[] = {k / 1000.0, k / 1000.0 + 0.0004999, k / 1000.0 - 0.0005,
		                   k / 1000.0 + 0.0005, (k + 0.5) / 1000.0};
		for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
			strbuf b = {0};
			char want[64];
			printf_confidence(want, sizeof want, values[i]);
			strbuf_put_confidence(&b, values[i]);
			ck_assert_msg(strcmp(b.data, want) == 0, "%.17g: \"%s\", printf \"%s\"", values[i],
			              b.data, want);
			strbuf_free(&b);
		}
	}
	double odd[] = {-0.0, -0.4, -3.0, 1.2, 2.5, 1e9}; /* outside 0..1: still as printf */
	for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++) {
		strbuf b = {0};
		char want[64];
		printf_confidence(want, sizeof want, odd[i]);
		strbuf_put_confidence(&b, odd[i]);
		ck_assert_str_eq(b.data, want);
		strbuf_free(&b);
	}
}
END_TEST

/* Every control character is escaped, each as JSON's short form where there is one
 * that the writer uses (\n \r \t), else \u00xx in lowercase; the quote and the
 * backslash too; nothing else (DEL, C1 controls, U+2028 and U+2029 are valid JSON
 * as they are). jansson reads each string back to the same bytes. */
START_TEST(test_json_string_escapes)
{
	for (int c = 0; c < 0x100; c++) {
		char in[3] = {'a', (char)c, 'z'};
		strbuf b = {0};
		strbuf_json_string(&b, in, sizeof in);
		char want[16];
		if (c == '\n' || c == '\r' || c == '\t')
			snprintf(want, sizeof want, "\"a\\%cz\"", c == '\n' ? 'n' : c == '\r' ? 'r' : 't');
		else if (c == '"' || c == '\\')
			snprintf(want, sizeof want, "\"a\\%cz\"", c);
		else if (c < 0x20)
			snprintf(want, sizeof want, "\"a\\u%04xz\"", (unsigned)c);
		else
			snprintf(want, sizeof want, "\"a%cz\"", c);
		ck_assert_msg(b.len == strlen(want) && memcmp(b.data, want, b.len) == 0,
		              "byte 0x%02x: %s", (unsigned)c, b.data);
		if (c < 0x80) { /* a lone byte >= 0x80 is no UTF-8: the tools never write one */
			json_t *back = json_loadb(b.data, b.len, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
			ck_assert_ptr_nonnull(back);
			ck_assert_uint_eq(json_string_length(back), sizeof in);
			ck_assert(memcmp(json_string_value(back), in, sizeof in) == 0);
			json_decref(back);
		}
		strbuf_free(&b);
	}
	const char seps[] = "\xE2\x80\xA8 and \xE2\x80\xA9, \xC2\x85 \x7F \xF0\x9F\x98\x80";
	strbuf b = {0};
	strbuf_json_string(&b, seps, sizeof seps - 1);
	ck_assert_uint_eq(b.len, sizeof seps - 1 + 2);
	ck_assert(memcmp(b.data + 1, seps, sizeof seps - 1) == 0);
	strbuf_free(&b);
}
END_TEST

/* ------------------------------------------------------------- reader */

static char *temp_file(const void *bytes, size_t n)
{
	char *path = strdup("/tmp/check_tool_io.XXXXXX");
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert(write(fd, bytes, n) == (ssize_t)n);
	close(fd);
	return path;
}

typedef struct want_line {
	size_t len;
	int too_long;
	char first, last; /* its first and last bytes */
} want_line;

/* Reads `path` as text, returning lines only (no batches), and checks them. */
static void expect_lines(const char *path, const want_line *want, size_t n_want)
{
	char *files[] = {(char *)path};
	posts_options opts = {.format = POSTS_TEXT};
	posts_reader *r = posts_reader_new(files, 1, &opts);
	posts_line line;
	size_t n = 0;
	int rc;
	while ((rc = posts_reader_next(r, &line)) == 1) {
		ck_assert_uint_lt(n, n_want);
		ck_assert_msg(line.len == want[n].len && line.too_long == want[n].too_long,
		              "line %zu: %zu bytes, too long %d; expected %zu, %d", n + 1, line.len,
		              line.too_long, want[n].len, want[n].too_long);
		ck_assert_uint_eq(line.line, n + 1);
		ck_assert_int_eq(line.bytes[0], want[n].first);
		ck_assert_int_eq(line.bytes[line.len - 1], want[n].last);
		n++;
	}
	ck_assert_int_eq(rc, 0);
	ck_assert_uint_eq(n, n_want);
	posts_reader_free(r);
}

/* Appends a line of `len` bytes: `first`, then 'x'..., then `last`, then `end`. */
static void put_line(strbuf *b, size_t len, char first, char last, const char *end)
{
	size_t at = b->len;
	strbuf_grow(b, len);
	memset(b->data + at, 'x', len);
	b->data[at] = first;
	b->data[at + len - 1] = last;
	b->len += len;
	strbuf_puts(b, end);
}

/* A line holds up to POSTS_MAX_LINE bytes without its "\n" or "\r\n", however the reads
 * fall; a longer one comes once, cut, too_long, and the lines after it all come. */
START_TEST(test_line_limit)
{
	const size_t max = POSTS_MAX_LINE;
	strbuf in = {0};
	put_line(&in, 10, 'a', 'b', "\n");
	put_line(&in, max, 'c', 'd', "\n");        /* exactly the limit */
	put_line(&in, max, 'e', 'f', "\r\n");      /* the limit, CRLF */
	put_line(&in, max + 1, 'g', 'h', "\n");    /* one byte over */
	put_line(&in, 5, 'i', 'j', "\r\n");
	put_line(&in, max + 1, 'k', 'l', "\r\n");  /* one over, CRLF */
	put_line(&in, 3 * max, 'm', 'n', "\n");    /* far over: skipped to its end */
	put_line(&in, 7, 'o', 'p', "\n");
	put_line(&in, max, 'q', 'r', "");          /* the last line, no newline, the limit */
	char *path = temp_file(in.data, in.len);
	want_line want[] = {{10, 0, 'a', 'b'}, {max, 0, 'c', 'd'}, {max, 0, 'e', 'f'},
	                    {max, 1, 'g', 'x'}, {5, 0, 'i', 'j'}, {max, 1, 'k', 'x'},
	                    {max, 1, 'm', 'x'}, {7, 0, 'o', 'p'}, {max, 0, 'q', 'r'}};
	expect_lines(path, want, sizeof want / sizeof want[0]);
	unlink(path);
	free(path);

	in.len = 0; /* a lone "\r" is no line end; the last line one byte over, no newline */
	put_line(&in, 4, 's', '\r', "\n");
	put_line(&in, 2, 'u', 'v', "\r\r\n");
	put_line(&in, max + 1, 'w', 'y', "");
	path = temp_file(in.data, in.len);
	want_line tail[] = {{3, 0, 's', 'x'}, {3, 0, 'u', '\r'}, {max, 1, 'w', 'x'}};
	expect_lines(path, tail, sizeof tail / sizeof tail[0]);
	unlink(path);
	free(path);

	in.len = 0; /* the last line ends with "\r" but no "\n": the "\r" goes too */
	put_line(&in, 6, 't', '\r', "");
	path = temp_file(in.data, in.len);
	want_line last[] = {{5, 0, 't', 'x'}};
	expect_lines(path, last, 1);
	unlink(path);
	free(path);
	strbuf_free(&in);
}
END_TEST

/* Batch reading: the lines returned into one buffer stay there, unchanged, while the
 * reader goes on in another; a line cut by the end of a buffer continues in the next. */
START_TEST(test_lines_stay_in_their_batch)
{
	strbuf in = {0};
	size_t n_lines = 30000;
	for (size_t i = 0; i < n_lines; i++) {
		char line[64];
		int n = snprintf(line, sizeof line, "post %zu %.*s\n", i + 1, (int)(i % 37),
		                 "padding padding padding padding padding");
		strbuf_put(&in, line, (size_t)n);
	}
	char *path = temp_file(in.data, in.len);
	char *files[] = {path};
	posts_options opts = {.format = POSTS_TEXT};
	posts_reader *r = posts_reader_new(files, 1, &opts);
	strbuf bufs[2] = {{0}, {0}};
	posts_line *kept[2] = {malloc(n_lines * sizeof(posts_line)),
	                       malloc(n_lines * sizeof(posts_line))};
	size_t counts[2] = {0, 0}, seen = 0, batches = 0;
	int rc = 1;
	while (rc != 0) {
		int k = (int)(batches++ % 2);
		posts_reader_switch(r, &bufs[k]);
		counts[k] = 0;
		posts_line line;
		while ((rc = posts_reader_next(r, &line)) == 1)
			kept[k][counts[k]++] = line;
		ck_assert(rc == 0 || rc == POSTS_FULL);
		/* this batch's lines and the previous batch's are all intact */
		for (int j = 0; j < 2; j++)
			for (size_t i = 0; i < counts[j]; i++) {
				char want[32];
				int n = snprintf(want, sizeof want, "post %lu ", kept[j][i].line);
				ck_assert(memcmp(kept[j][i].bytes, want, (size_t)n) == 0);
			}
		seen += counts[k];
	}
	ck_assert_uint_eq(seen, n_lines);
	ck_assert_uint_gt(batches, 4); /* the input took several buffers */
	posts_reader_switch(r, NULL);
	posts_reader_free(r);
	strbuf_free(&bufs[0]);
	strbuf_free(&bufs[1]);
	free(kept[0]);
	free(kept[1]);
	unlink(path);
	free(path);
	strbuf_free(&in);
}
END_TEST

/* strbuf_json writes what jansson's dump writes (JSON_COMPACT | JSON_ENCODE_ANY), also
 * for the ids it writes itself (integers, plain strings). */
START_TEST(test_json_values_as_jansson)
{
	json_t *values[] = {
	    json_integer(0), json_integer(7), json_integer(-1), json_integer(1234567890123),
	    json_integer(LLONG_MAX), json_integer(LLONG_MIN), json_string(""),
	    json_string("a-7"), json_string("with space ~!"), json_string("quote \" here"),
	    json_string("back\\slash"), json_string("slash / ok"), json_string("tab\there"),
	    json_string("bell\bform\f"), json_string("del \x7f"), json_string("caf\xc3\xa9"),
	    json_string("\xe2\x80\xa8 line separator"), json_stringn("nul\0in", 6), json_real(1.5),
	    json_true(), json_null(), json_pack("{s:i,s:[s,f]}", "a", 1, "b", "x", 0.25),
	};
	for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
		ck_assert_ptr_nonnull(values[i]);
		char *want = json_dumps(values[i], JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(15));
		strbuf b = {0};
		strbuf_json(&b, values[i]);
		ck_assert_str_eq(b.data, want);
		free(want);
		strbuf_free(&b);
		json_decref(values[i]);
	}
}
END_TEST

/* ------------------------------------------------------------- JSON reader */

/* The flag sets the tools read with (common/posts.c, serve/handlers.c), and none. */
static const size_t json_flags[] = {
    0,
    JSON_ALLOW_NUL,
    JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL,
    JSON_DECODE_ANY | JSON_ALLOW_NUL,
    JSON_DECODE_ANY | JSON_ALLOW_NUL | JSON_REJECT_DUPLICATES,
};
#define N_JSON_FLAGS (sizeof json_flags / sizeof json_flags[0])

/* What tool_json_batch takes, jansson reads (same flags) into the same request: an
 * object of "posts" and at most a boolean "redact", each plain post an object of a
 * string "text" and at most an "id" that strbuf_json writes as the batch holds it, and
 * each other element the same tree. Returns whether the batch reader took the input. */
static int batch_as_jansson(batch_request *b, const char *in, size_t n, size_t flags)
{
	int took = tool_json_batch(b, in, n, flags);
	if (!took) {
		ck_assert_uint_eq(b->count, 0);
		return 0;
	}
	json_t *want = json_loadb(in, n, flags, NULL);
	ck_assert_msg(want != NULL, "batch reader took what jansson refuses: %.*s", (int)n, in);
	json_t *posts = json_object_get(want, "posts"), *redact = json_object_get(want, "redact");
	ck_assert(json_is_array(posts));
	ck_assert(!redact || json_is_boolean(redact));
	ck_assert_uint_eq(json_object_size(want), redact ? 2 : 1);
	ck_assert_int_eq(b->redact, json_is_true(redact));
	ck_assert_uint_eq(b->count, json_array_size(posts));
	for (size_t i = 0; i < b->count; i++) {
		const batch_post *p = &b->posts[i];
		json_t *item = json_array_get(posts, i);
		if (p->item) {
			ck_assert(p->text == NULL && p->id == NULL);
			ck_assert(json_equal(p->item, item));
			continue;
		}
		json_t *text = json_object_get(item, "text"), *id = json_object_get(item, "id");
		ck_assert(json_is_string(text));
		ck_assert_uint_eq(json_object_size(item), id ? 2 : 1);
		ck_assert_uint_eq(p->len, json_string_length(text));
		ck_assert(memcmp(p->text, json_string_value(text), p->len) == 0);
		ck_assert_int_eq(p->id != NULL, id != NULL);
		if (id) {
			strbuf written = {0};
			strbuf_json(&written, id);
			ck_assert_msg(written.len == p->id_len && memcmp(written.data, p->id, p->id_len) == 0,
			              "id %.*s written %s", (int)p->id_len, p->id, written.data);
			strbuf_free(&written);
		}
	}
	json_decref(want);
	return 1;
}

/* tool_json_loadb must answer exactly as json_loadb (the oracle): the same tree, or the
 * same error. Returns whether the fast path took the input. The batch reader is held
 * to jansson on the same input. */
static int same_as_jansson(const char *in, size_t n, size_t flags)
{
	static batch_request reused; /* reused as the service reuses a worker's */
	batch_as_jansson(&reused, in, n, flags);
	batch_request_clear(&reused);
	json_error_t want_error, got_error;
	json_t *want = json_loadb(in, n, flags, &want_error);
	json_t *fast = tool_json_fast(in, n, flags);
	json_t *got = tool_json_loadb(in, n, flags, &got_error);
	if (fast) /* what the fast path takes, jansson takes */
		ck_assert_msg(want != NULL, "fast path took what jansson refuses: %.*s", (int)n, in);
	ck_assert_msg((want == NULL) == (got == NULL), "accepted differently: %.*s", (int)n, in);
	if (want) {
		size_t dump = JSON_COMPACT | JSON_ENCODE_ANY;
		char *a = json_dumps(want, dump), *b = json_dumps(got, dump), *c = NULL;
		ck_assert_str_eq(b, a);
		if (fast) {
			c = json_dumps(fast, dump);
			ck_assert_str_eq(c, a);
		}
		ck_assert(json_equal(want, got));
		free(a);
		free(b);
		free(c);
	} else {
		ck_assert_str_eq(got_error.text, want_error.text);
		ck_assert_int_eq(got_error.line, want_error.line);
		ck_assert_int_eq(got_error.column, want_error.column);
		ck_assert_int_eq(got_error.position, want_error.position);
	}
	json_decref(want);
	json_decref(got);
	json_decref(fast);
	return fast != NULL;
}

/* The shapes posts and requests come in: the fast path takes each of them. */
static const char *const json_common[] = {
    "{\"id\":1,\"text\":\"hello\"}",
    " {\"id\" : \"a-7\" , \"text\" : \"caf\xc3\xa9 \xf0\x9f\x98\x82 #tag\", \"lang\":\"es\"}\r\n",
    "{\"text\":\"tab\\tquote\\\" slash\\/ back\\\\ \\b\\f\\n\\r\",\"id\":-42}",
    "{\"text\":\"\\u00e9\\u20AC\\ud83d\\ude00 \\uFFFD\",\"id\":null,\"flag\":true,\"off\":false}",
    "{\"k\\u0065y\":\"v\\u0061lue\",\"text\":\"x\"}",
    "{\"posts\":[{\"id\":1,\"text\":\"a\"},{\"id\":2,\"text\":\"b\"}],\"redact\":true}",
    "{\"text\":\"\",\"\":0,\"nested\":{\"a\":[1,[2,[3,{}]],[]],\"b\":{\"c\":null}}}",
    "[]",
    "[0,-0,123456789012345678,-123456789012345678]",
    "{\"text\":\"\\u0000 NUL, allowed by JSON_ALLOW_NUL\"}",
};

/* Inputs the fast path leaves to jansson (which accepts some and refuses the others). */
static const char *const json_unusual[] = {
    "",
    "   ",
    "{\"id\":1.5,\"text\":\"real\"}",
    "{\"id\":1e3,\"text\":\"exponent\"}",
    "{\"id\":1234567890123456789,\"text\":\"19 digits\"}",
    "{\"id\":9223372036854775807}",
    "{\"id\":9223372036854775808}",
    "{\"id\":-9223372036854775809}",
    "{\"id\":01}",
    "{\"id\":-}",
    "{\"id\":+1}",
    "{\"text\":\"a\",\"text\":\"b\"}",
    "{\"text\":\"a\",\"te\\u0078t\":\"b\"}",
    "{\"a\\u0000b\":1}",
    "{\"text\":\"\\ud800\"}",
    "{\"text\":\"\\udc00\"}",
    "{\"text\":\"\\ud800\\u0041\"}",
    "{\"text\":\"\\ud800\\\\\"}",
    "{\"text\":\"\\u12\"}",
    "{\"text\":\"\\x41\"}",
    "{\"text\":\"\\\"}",
    "{\"text\":\"raw\ttab\"}",
    "{\"text\":\"bad \xc3\x28\"}",
    "{\"text\":\"overlong \xc0\xaf\"}",
    "{\"text\":\"surrogate \xed\xa0\x80\"}",
    "{\"text\":\"too high \xf4\x90\x80\x80\"}",
    "{\"text\":\"cut \xe2\x82\"}",
    "{\"t\xff\":1}",
    "\xef\xbb\xbf{\"text\":\"bom\"}",
    "{\"text\":\"x\"} trailing",
    "{\"text\":\"x\"}{}",
    "{\"text\":\"x\",}",
    "{,}",
    "[1,]",
    "[1 2]",
    "{\"a\" 1}",
    "{\"a\":}",
    "{'a':1}",
    "{\"a\":tru}",
    "{\"a\":truex}",
    "{\"a\":nul}",
    "{\"a\":NaN}",
    "\"just a string\"",
    "42",
    "null",
    "{\"text\":\"unterminated",
    "{\"text\":",
    "[",
    "{\"text\":\"x\"}\v",
};

START_TEST(test_json_common_shapes_take_the_fast_path)
{
	for (size_t i = 0; i < sizeof json_common / sizeof json_common[0]; i++)
		for (size_t f = 0; f < N_JSON_FLAGS; f++) {
			const char *in = json_common[i];
			int nul = strstr(in, "\\u0000") != NULL;
			int fast = same_as_jansson(in, strlen(in), json_flags[f]);
			if (!nul || (json_flags[f] & JSON_ALLOW_NUL))
				ck_assert_msg(fast, "fast path refused: %s (flags %zx)", in, json_flags[f]);
		}
}
END_TEST

START_TEST(test_json_unusual_inputs_as_jansson)
{
	for (size_t i = 0; i < sizeof json_unusual / sizeof json_unusual[0]; i++)
		for (size_t f = 0; f < N_JSON_FLAGS; f++) {
			same_as_jansson(json_unusual[i], strlen(json_unusual[i]), json_flags[f]);
		}
	/* a NUL byte inside the input, and after it */
	static const char nul_inside[] = "{\"text\":\"a\0b\"}", nul_after[] = "{\"text\":\"ab\"}\0";
	for (size_t f = 0; f < N_JSON_FLAGS; f++) {
		same_as_jansson(nul_inside, sizeof nul_inside - 1, json_flags[f]);
		same_as_jansson(nul_after, sizeof nul_after - 1, json_flags[f]);
	}
}
END_TEST

/* Nesting around the fast path's limit (64) and jansson's (JSON_PARSER_MAX_DEPTH). */
START_TEST(test_json_depth_as_jansson)
{
	size_t depths[] = {63, 64, 65, 66, JSON_PARSER_MAX_DEPTH - 1, JSON_PARSER_MAX_DEPTH,
	                   JSON_PARSER_MAX_DEPTH + 1};
	for (size_t d = 0; d < sizeof depths / sizeof depths[0]; d++)
		for (int shape = 0; shape < 2; shape++) {
			strbuf b = {0};
			for (size_t i = 0; i < depths[d]; i++)
				strbuf_puts(&b, shape ? "{\"a\":" : "[");
			strbuf_puts(&b, "1");
			for (size_t i = 0; i < depths[d]; i++)
				strbuf_puts(&b, shape ? "}" : "]");
			int fast = same_as_jansson(b.data, b.len, 0);
			ck_assert_int_eq(fast, depths[d] <= 64);
			strbuf_free(&b);
		}
}
END_TEST

/* Every one-byte change of a few documents (each byte replaced by one of the bytes that
 * steer a JSON reader, deleted, or doubled): tool_json_loadb answers as json_loadb. */
START_TEST(test_json_mutations_as_jansson)
{
	static const char *const seeds[] = {
	    "{\"id\":17,\"text\":\"Caf\xc3\xa9 \\u00e9\\ud83d\\ude00 \\\"q\\\" \xf0\x9f\x91\x8d\","
	    "\"x\":[true,false,null,-3,{}]}",
	    "{\"posts\":[{\"id\":\"a\",\"text\":\"\\n\\t\\\\\"},{\"text\":\"\\u0000\"}],\"redact\":false}",
	    /* every steering byte at every place of the eight-byte blocks of a plain run */
	    "{\"text\":\"abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789\"}",
	    "[\"\\u00e9\",0,-0,12,\"\xe2\x82\xac\",{\"k\\u0065y\":[[]]}]",
	    /* a batch as the service's clients send it (the batch reader's shapes) */
	    "{\"posts\": [{\"id\": 0, \"text\": \"Qu\\u00e9 \\ud83d\\ude21\"}, {\"text\": \"x\", \"id\": \"a\"}], "
	    "\"redact\": true}",
	};
	static const unsigned char steer[] = {'"', '\\', '{', '}', '[', ']', ',', ':', '0', '1', '-',
	                                      '.', 'e', 'u', 'd', 'n', 't', ' ', '\t', 0x00, 0x1f,
	                                      0x7f, 0x80, 0xbf, 0xc3, 0xed, 0xf0, 0xf4, 0xff};
	size_t cases = 0, fast = 0;
	for (size_t s = 0; s < sizeof seeds / sizeof seeds[0]; s++) {
		const char *seed = seeds[s];
		size_t n = strlen(seed);
		char *m = malloc(n + 1);
		ck_assert_ptr_nonnull(m);
		for (size_t at = 0; at < n; at++) {
			for (size_t k = 0; k <= sizeof steer + 1; k++) {
				size_t len = n;
				if (k < sizeof steer) { /* replaced */
					memcpy(m, seed, n);
					m[at] = (char)steer[k];
				} else if (k == sizeof steer) { /* deleted */
					memcpy(m, seed, at);
					memcpy(m + at, seed + at + 1, n - at - 1);
					len = n - 1;
				} else { /* doubled */
					memcpy(m, seed, at + 1);
					memcpy(m + at + 1, seed + at, n - at);
					len = n + 1;
				}
				for (size_t f = 0; f < N_JSON_FLAGS; f++) {
					fast += (size_t)same_as_jansson(m, len, json_flags[f]);
					cases++;
				}
			}
		}
		free(m);
	}
	/* the mutants that stay valid and plain still take the fast path */
	ck_assert_uint_gt(fast, cases / 10);
}
END_TEST

/* Batch requests as clients send them take the batch reader (and answer as jansson);
 * any other body is left to tool_json_loadb. */
START_TEST(test_json_batch_shapes)
{
	static const char *const taken[] = {
	    "{\"posts\":[]}",
	    "{\"posts\":[{\"id\":1,\"text\":\"a\"},{\"text\":\"b\",\"id\":\"x-2\"}]}",
	    /* as Python's json.dumps writes it: spaces, non-ASCII and emoji as escapes */
	    "{\"posts\": [{\"id\": 0, \"text\": \"Qu\\u00e9 \\ud83d\\ude21 \\\"x\\\"\"}, "
	    "{\"id\": -17, \"text\": \"tab\\there\\n\"}], \"redact\": true}",
	    /* as a browser writes it: UTF-8 as it is */
	    "{\"redact\":false,\"posts\":[{\"text\":\"Caf\xc3\xa9 \xf0\x9f\x99\x82\",\"id\":123456789012345678}]}",
	    /* elements of other shapes: read as trees, next to plain ones */
	    "{\"posts\":[{\"id\":7,\"text\":\"a\",\"channel\":\"x\"},\"nope\",{\"id\":\"x\"},"
	    "{\"id\":\"caf\\u00e9\",\"text\":\"escaped id\"},"
	    "{\"id\":-0,\"text\":\"minus zero\"},{\"id\":null,\"text\":\"null id\"},"
	    "{\"id\":\"\xc3\xa9\",\"text\":\"non-ASCII id\"},{\"te\\u0078t\":\"escaped key\"},"
	    "{\"text\":5},{},[],"
	    "{\"id\":1,\"text\":\"a\",\"nested\":{\"b\":[1,{\"c\":null}]}},{\"text\":\"last\"}]}",
	    "{\"posts\":[{\"text\":\"NUL \\u0000 inside\"}]}",
	};
	static const char *const left[] = {
	    "{\"text\":\"a single post\"}",
	    "{\"posts\":[],\"text\":\"both\"}",
	    "{\"posts\":[],\"id\":1}",
	    "{\"posts\":[],\"redact\":\"yes\"}",
	    "{\"posts\":[],\"redact\":true,\"redact\":false}",
	    "{\"posts\":[],\"posts\":[]}",
	    "{\"posts\":{}}",
	    /* what the tree builder leaves to jansson, in any element: the whole body */
	    "{\"posts\":[{\"text\":\"a\"},{\"id\":1.5,\"text\":\"real id\"}]}",
	    "{\"posts\":[{\"id\":1234567890123456789,\"text\":\"19 digits\"}]}",
	    "{\"posts\":[{\"text\":\"a\",\"text\":\"b\"}]}",
	    "{\"posts\":[{\"id\":1,\"id\":2,\"text\":\"b\"}]}",
	    "{\"posts\":[{\"text\":\"a\",\"x\":1,\"x\":2}]}",
	    "{\"posts\":[{\"text\":\"bad \xc3\x28\"}]}",
	    "{\"posts\":[{\"text\":\"\\ud800\"}]}",
	    "{\"posts\":[{\"text\":\"a\"},]}",
	    "{\"posts\":[{\"text\":\"a\"}]} trailing",
	    "{\"posts\":[{\"text\":\"a\"}]",
	    "{}",
	    "[]",
	};
	batch_request b = {0};
	for (size_t i = 0; i < sizeof taken / sizeof taken[0]; i++) {
		const char *in = taken[i];
		int nul = strstr(in, "\\u0000") != NULL;
		for (size_t f = 0; f < N_JSON_FLAGS; f++) {
			int took = batch_as_jansson(&b, in, strlen(in), json_flags[f]);
			ck_assert_msg(took == (!nul || (json_flags[f] & JSON_ALLOW_NUL) != 0),
			              "batch reader: %s (flags %zx)", in, json_flags[f]);
			same_as_jansson(in, strlen(in), json_flags[f]);
		}
	}
	/* the plain posts of the mixed batch are read without a tree, the others with one */
	const char *mixed = taken[4];
	ck_assert(tool_json_batch(&b, mixed, strlen(mixed), JSON_REJECT_DUPLICATES));
	ck_assert_uint_eq(b.count, 13);
	for (size_t i = 0; i < b.count; i++)
		ck_assert_msg((b.posts[i].item == NULL) == (i == 7 || i == 12), /* "te\\u0078t" is "text" */
		              "element %zu", i);
	for (size_t i = 0; i < sizeof left / sizeof left[0]; i++)
		for (size_t f = 0; f < N_JSON_FLAGS; f++) {
			ck_assert_msg(!tool_json_batch(&b, left[i], strlen(left[i]), json_flags[f]),
			              "batch reader took %s", left[i]);
			same_as_jansson(left[i], strlen(left[i]), json_flags[f]);
		}
	batch_request_free(&b);
}
END_TEST

/* A reused batch: a large request, then a small one, each read whole and right (the
 * texts of the first do not leak into the second, whose texts stay where they are). */
START_TEST(test_json_batch_reused)
{
	batch_request b = {0};
	strbuf big = {0};
	strbuf_puts(&big, "{\"posts\":[");
	for (int i = 0; i < 1000; i++)
		strbuf_printf(&big, "%s{\"id\":%d,\"text\":\"post \\u00e9 number %d\"}", i ? "," : "", i, i);
	strbuf_puts(&big, "]}");
	ck_assert(batch_as_jansson(&b, big.data, big.len, JSON_REJECT_DUPLICATES));
	ck_assert_uint_eq(b.count, 1000);
	ck_assert_uint_eq(b.posts[999].len, strlen("post \xc3\xa9 number 999"));
	ck_assert(memcmp(b.posts[999].text, "post \xc3\xa9 number 999", b.posts[999].len) == 0);
	static const char small[] = "{\"posts\":[{\"text\":\"\\u00e9\"},{\"text\":\"x\",\"y\":1}]}";
	ck_assert(batch_as_jansson(&b, small, sizeof small - 1, JSON_REJECT_DUPLICATES));
	ck_assert_uint_eq(b.count, 2);
	ck_assert(b.posts[0].len == 2 && memcmp(b.posts[0].text, "\xc3\xa9", 2) == 0);
	ck_assert(b.posts[1].item != NULL);
	ck_assert(!tool_json_batch(&b, "{\"posts\":[1,", 12, 0)); /* a failed read leaves nothing */
	ck_assert_uint_eq(b.count, 0);
	strbuf_free(&big);
	batch_request_free(&b);
}
END_TEST

/* UTF-16 offsets of byte offsets, asked in any order (findings overlap: an end can come
 * before the next start), against a count from the text's start. */
START_TEST(test_utf16_offsets)
{
	/* 1-, 2-, 3- and 4-byte characters, in runs longer and shorter than 16 bytes */
	static const char *const pieces[] = {"a", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x99\x82",
	                                     "plain ascii run of more than sixteen bytes "};
	strbuf text = {0};
	unsigned seed = 12345;
	for (int i = 0; i < 400; i++) {
		seed = seed * 1103515245u + 12345u;
		strbuf_puts(&text, pieces[(seed >> 16) % 5]);
	}
	size_t *units = calloc(text.len + 1, sizeof *units); /* at each boundary, else (size_t)-1 */
	ck_assert_ptr_nonnull(units);
	size_t u = 0;
	for (size_t i = 0; i <= text.len; i++) {
		unsigned char c = i < text.len ? (unsigned char)text.data[i] : 0;
		int boundary = i == text.len || (c & 0xc0) != 0x80;
		units[i] = boundary ? u : (size_t)-1;
		if (i < text.len && boundary)
			u += c >= 0xf0 ? 2 : 1;
	}
	utf16_cursor cursor = {text.data, text.len, 0, 0};
	for (int k = 0; k < 20000; k++) {
		seed = seed * 1103515245u + 12345u;
		size_t at = (seed >> 8) % (text.len + 1);
		if (k % 3 == 0) /* near the last one asked, either side */
			at = cursor.byte + (seed >> 4) % 40 < 20 ? 0 : cursor.byte + (seed >> 4) % 40 - 20;
		if (at > text.len)
			at = text.len;
		while (units[at] == (size_t)-1)
			at--;
		ck_assert_uint_eq(utf16_offset(&cursor, at), units[at]);
	}
	free(units);
	strbuf_free(&text);
}
END_TEST

static Suite *tool_io_suite(void)
{
	Suite *s = suite_create("tool_io");
	TCase *w = tcase_create("writer");
	tcase_add_test(w, test_uint_as_printf);
	tcase_add_test(w, test_confidence_as_printf);
	tcase_add_test(w, test_json_string_escapes);
	tcase_add_test(w, test_json_values_as_jansson);
	suite_add_tcase(s, w);
	TCase *j = tcase_create("json");
	tcase_add_test(j, test_json_common_shapes_take_the_fast_path);
	tcase_add_test(j, test_json_unusual_inputs_as_jansson);
	tcase_add_test(j, test_json_depth_as_jansson);
	tcase_add_test(j, test_json_mutations_as_jansson);
	tcase_add_test(j, test_json_batch_shapes);
	tcase_add_test(j, test_json_batch_reused);
	tcase_add_test(j, test_utf16_offsets);
	suite_add_tcase(s, j);
	TCase *r = tcase_create("reader");
	tcase_add_test(r, test_line_limit);
	tcase_add_test(r, test_lines_stay_in_their_batch);
	suite_add_tcase(s, r);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(tool_io_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
