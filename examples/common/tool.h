/*
 * tool.h - what the example tools share: reading posts (plain text or JSONL, any
 * ASCII-compatible charset), screening them on every core with the output kept in
 * input order, and a few output helpers.
 *
 * Built on the public API only (mesura.h) and jansson, as an application would be.
 * Names here are the tools' own (tool_, posts_, pipeline_), not the library's.
 */
#ifndef MESURA_TOOL_H
#define MESURA_TOOL_H

#include "options.h"
#include <jansson.h>
#include <mesura.h>
#include <stdio.h>
#include <string.h>

/* ------------------------------------------------------------- buffers */

/* A growable byte buffer. Allocation failure is fatal in the tools (message, exit 3). */
typedef struct strbuf {
	char *data;
	size_t len, cap;
} strbuf;

/* Makes room for `more` bytes and the NUL kept after them (the slow path of strbuf_put). */
void strbuf_grow(strbuf *b, size_t more);

/* Appends bytes[0..n); the data stays NUL-terminated. Inline: the output is written a
 * few bytes at a time (a constant piece then becomes a few moves), and a call per
 * piece would cost as much as the copy. */
static inline void strbuf_put(strbuf *b, const void *bytes, size_t n)
{
	if (b->cap - b->len <= n)
		strbuf_grow(b, n);
	if (n)
		memcpy(b->data + b->len, bytes, n);
	b->len += n;
	b->data[b->len] = '\0';
}

static inline void strbuf_putc(strbuf *b, char c)
{
	strbuf_put(b, &c, 1);
}

static inline void strbuf_puts(strbuf *b, const char *s)
{
	strbuf_put(b, s, strlen(s));
}

/* Appends n in decimal (what printf's %zu, %lu print). */
void strbuf_put_uint(strbuf *b, unsigned long long n);
/* Appends a finding's confidence rounded to 3 decimals as printf's %g prints that
 * value: "0.95", "0.8", "1", "0" (the JSONL and CSV outputs). */
void strbuf_put_confidence(strbuf *b, double confidence);
void strbuf_printf(strbuf *b, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;
void strbuf_free(strbuf *b);

/* Appends `json` compactly: UTF-8 kept, reals with 15 significant digits (so 0.8
 * prints as 0.8, not 0.80000000000000004). */
void strbuf_json(strbuf *b, const json_t *json);
/* Appends s[0..n) (well-formed UTF-8, NULs allowed) as a JSON string: the hot path of
 * the JSONL output, written directly rather than through a jansson object per post. */
void strbuf_json_string(strbuf *b, const char *s, size_t n);
/* Appends one CSV field: quoted when it holds a comma, quote, CR or LF (RFC 4180);
 * `text_field` also guards against spreadsheet formulas: a value starting with
 * = + - @ TAB or CR gets a leading apostrophe (OWASP's CSV-injection advice); a
 * leading NUL is no formula. */
void strbuf_csv(strbuf *b, const char *s, size_t n, int text_field);

/* A copy of the NUL-terminated `s` in well-formed UTF-8: each ill-formed sequence
 * becomes U+FFFD (file names are bytes; the outputs are UTF-8). Free with free(). */
char *tool_utf8_dup(const char *s);

void *tool_xmalloc(size_t n);
void *tool_xrealloc(void *p, size_t n);
/* Prints "PROG: message" to stderr and exits with status 3. */
void tool_die(const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 1, 2), noreturn))
#endif
	;
/* Sets tool_name and checks that the library linked can run the tool
 * (tool_options_init); reads the tests' MESURA_TEST_SCAN_ERROR. */
void tool_init(const char *name);

/* mesura_scan, except that a post containing the text of the environment variable
 * MESURA_TEST_SCAN_ERROR (read by tool_init; tests only) fails with MESURA_ENOMEM, so
 * that the tests can check what the tools do with a scan that fails. */
int tool_scan(mesura_scanner *scanner, const char *text, size_t len, unsigned int flags,
              const mesura_result **result);

/* What a limited scan left unscreened, in a few words, for the MESURA_LIMIT_* bits of
 * `limits_hit` ("the post is larger than the scan limit", ...). */
const char *tool_limit_reason(unsigned int limits_hit);

/* ------------------------------------------------------------- options */

/* Prints a compile diagnostic to stderr the way compilers do, `file:line:column:
 * error: path: message [rule id]` (editors jump to it); `file: error: ...` for one
 * about the file as a whole (line 0, e.g. a file that cannot be read). */
void tool_print_diagnostic(const mesura_diagnostic *d);

/* Loads the policy at `path`, a built-in module alone when `path` is "builtin:NAME", or
 * the built-in default policy when `path` is NULL, printing every
 * diagnostic. `no_file_access` compiles with MESURA_COMPILE_NO_FILES (no includes of
 * files, no lexicon files: for policies written by someone else). Exits with status 3
 * when there is no policy. */
mesura_policy *tool_load_policy(const char *path, int no_file_access);

/* What tool_load_policy compiles, without printing or exiting: the mesura_policy_*
 * status, *diags always set. */
int tool_compile_policy(mesura_policy **out, const char *path, int no_file_access,
                        mesura_diagnostics **diags);

/* Fills key[16] from --hash-key HEX (32 hex digits), else $MESURA_HASH_KEY, else
 * /dev/urandom (a new key per run: tokens then only compare within the run). */
void tool_hash_key(const char *hex, unsigned char key[MESURA_REDACT_KEY_SIZE]);

/* Parses an option's value as a decimal number in 1..max, as written: digits only (no
 * sign, no spaces), no overflow. Exits with status 3 otherwise. */
unsigned long tool_parse_count(const char *option, const char *value, unsigned long max);

/* The most --threads a tool accepts. */
#define TOOL_MAX_THREADS 1024u

/* Exit statuses shared by the tools that screen posts (docs/tools.md). */
#define TOOL_EXIT_ERROR 3        /* usage, policy, unreadable input, output; --strict stop */
#define TOOL_EXIT_UNSCREENED 4   /* some post could not be screened (it has its record) */

/* Number of online cores (at least 1). */
unsigned tool_cores(void);

/* ------------------------------------------------------------- records */

/* The JSON record of a post (DESIGN.md), written after its head ("{\"id\":ID", the
 * caller's): mesura-screen's JSONL lines and mesura-serve's answers. */
#define RECORD_FILE 1u    /* the record has a "file" field (an input field of that name
                             is not passed through) */
#define RECORD_UTF16 2u   /* spans also in UTF-16 code units: "start_utf16", "end_utf16"
                             (JavaScript's string indices) */
#define RECORD_EXPLAIN 4u /* findings also say what matched ("matched", "condition"),
                             and the near misses follow them ("near_misses"): explain
                             mode, mesura/experimental.h (tool_require_experimental) */

/* Writes a rule's ,"category":...,"severity":"...","action":"..." (in a finding, and
 * in mesura-serve's GET /v1/policy). */
void record_rule_fields(strbuf *out, const char *category, mesura_severity severity,
                        mesura_action action);
/* Writes ,"verdict":...,"findings":[...] (and with RECORD_EXPLAIN ,"near_misses":[...])
 * for `res`, a scan of text[0..len); the object stays open. */
void record_findings(strbuf *out, const char *text, size_t len, const mesura_result *res,
                     unsigned flags);
/* Writes the rest of a screened post's record and closes it: the findings, "redacted"
 * when `redacted` is not NULL, "incomplete": true when `limited`, then the fields of
 * the input `object` (may be NULL) the record does not write itself, in their order. */
void record_screened(strbuf *out, const char *text, size_t len, const mesura_result *res,
                     int limited, const char *redacted, size_t redacted_len,
                     const json_t *object, unsigned flags);
/* Writes the rest of the record of a post that could not be screened and closes it:
 * the verdict (review or stronger: never allow), no findings, and why. */
void record_unscreened(strbuf *out, mesura_action verdict, const char *why);

/* Byte offsets of a UTF-8 text to UTF-16 code units, for offsets that mostly grow. */
typedef struct utf16_cursor {
	const char *text;
	size_t len, byte, units;
} utf16_cursor;
/* The UTF-16 offset of byte offset `byte` (a character boundary) of c->text. */
size_t utf16_offset(utf16_cursor *c, size_t byte);

/* ---------------------------------------------------------- JSON input */

/* json_loadb (same flags, same tree, same errors), faster on the shapes posts and
 * requests come in (common/json.c). */
json_t *tool_json_loadb(const char *buf, size_t len, size_t flags, json_error_t *error);
/* The fast path alone: the tree, or NULL when it leaves the input to jansson (tests). */
json_t *tool_json_fast(const char *buf, size_t len, size_t flags);

/* A post of a batch request, read straight from the body (tool_json_batch). */
typedef struct batch_post {
	const char *text;  /* the "text", decoded (NULs allowed): in the body, or in the
	                      batch's buffer when it had escapes; NULL when `item` is set */
	size_t len;
	const char *id;    /* the "id" as strbuf_json writes it (an integer, a plain ASCII
	                      string), in the body; NULL: no "id" */
	size_t id_len;
	json_t *item;      /* an element of any other shape (more fields, another kind of
	                      id, no string "text", not an object), as jansson reads it */
} batch_post;

/* A batch request: `{"posts": [...]}` and an optional boolean "redact". */
typedef struct batch_request {
	batch_post *posts;
	size_t count, cap;
	int redact;        /* "redact": true */
	strbuf decoded;    /* the texts that had escapes, decoded */
} batch_request;

/* Reads a batch request without building a jansson tree for its plain posts: 1 when
 * `buf` is `{"posts": [...]}` with at most a boolean "redact" besides, each member
 * once, and json_loadb (same flags) would read it: then b->posts are the elements in
 * order. 0 for every other body, valid or not: read it with tool_json_loadb, which
 * answers as jansson does (so the errors stay jansson's). `b` is reused from call to
 * call; what it points to is the body's or its own until the next call. */
int tool_json_batch(batch_request *b, const char *buf, size_t len, size_t flags);
/* Drops the elements read (their trees), keeping the memory for the next request. */
void batch_request_clear(batch_request *b);
void batch_request_free(batch_request *b);

/* ---------------------------------------------------------- posts input */

typedef enum posts_format { POSTS_AUTO = 0, POSTS_TEXT, POSTS_JSONL } posts_format;

/* Parses "text", "jsonl" or "auto"; returns -1 otherwise. */
int posts_parse_format(const char *name);

typedef struct posts_options {
	posts_format format;  /* AUTO: per file, from its first non-blank line (posts.c) */
	const char *charset;  /* NULL: UTF-8 */
	int keep_blank;       /* pass blank lines on as posts (mesura-redact copies them) */
} posts_options;

/* One input line as the reader hands it on: raw bytes, not yet decoded. */
typedef struct posts_line {
	const char *source;   /* the file's name for output: valid UTF-8 (ill-formed bytes
	                         became U+FFFD), "<stdin>" for standard input */
	unsigned long line;   /* 1-based within its file */
	posts_format format;  /* TEXT or JSONL (decided) */
	const char *bytes;    /* without the line end; a UTF-8 BOM on line 1 is removed */
	size_t len;
	int too_long;         /* longer than POSTS_MAX_LINE: bytes are truncated; the line
	                         cannot be screened */
	int blank;            /* empty (text) or only white space (JSONL); keep_blank only */
} posts_line;

/* Starts a JSONL record: `{"id":` with the post's id (the line number when it has
 * none) and, when `with_file`, `,"file":` with the line's source. */
void strbuf_record_head(strbuf *b, const json_t *id, const posts_line *line, int with_file);

#define POSTS_MAX_LINE ((size_t)1 << 20)

typedef struct posts_reader posts_reader;

/* Exits with status 3 and a message when `charset` is unknown to iconv or is not
 * line-oriented (UTF-16, UTF-32: their line ends are not the byte '\n'). */
void posts_check_charset(const char *charset);

/* Reads files[0..n) in turn ("-" is standard input); n == 0 reads standard input.
 * Refuses (message, exit 3) charsets whose line ends are not the byte '\n' (UTF-16,
 * UTF-32). */
posts_reader *posts_reader_new(char **files, int n, const posts_options *opts);
/* The next line (blank lines skipped unless keep_blank): 1, 0 at the end, -1 after an
 * I/O error (reported on stderr; reading goes on with the next file); after
 * posts_reader_switch to a batch's buffer, also POSTS_FULL or POSTS_WAIT. The line is
 * borrowed until the next call (until the next switch, in a batch's buffer); its
 * `source` lives as long as the reader. A line holds at most POSTS_MAX_LINE bytes
 * without its "\n" or "\r\n"; a longer one is returned once, cut there, too_long. */
int posts_reader_next(posts_reader *r, posts_line *line);

/* Batch reading, without copying lines (the pipeline): the reader reads into `buf`
 * from now on (its memory reused, grown as needed) after moving there the bytes read
 * but not returned yet; `buf` is the one it reads into already, or one no line in use
 * points into. Until the next switch, no byte of a line returned moves:
 * posts_reader_next returns POSTS_FULL when the buffer has no room left (switch to
 * another one), and POSTS_WAIT, once, before a read that would wait for a pipe or a
 * terminal (write what is done first; the next call waits). NULL: back to the
 * reader's own buffer, and to returning lines only. */
void posts_reader_switch(posts_reader *r, strbuf *buf);
#define POSTS_FULL 2
#define POSTS_WAIT 3
/* Bytes read so far and the total size of the inputs when known (regular files),
 * else 0. */
void posts_reader_progress(const posts_reader *r, unsigned long long *done,
                           unsigned long long *total);
int posts_reader_errors(const posts_reader *r);
int posts_reader_files(const posts_reader *r);
void posts_reader_free(posts_reader *r);

/* A post decoded from a line: text in UTF-8 and, for JSONL, the object it came from. */
typedef struct post {
	const char *text;
	size_t len;
	json_t *object;   /* JSONL: the parsed object (a reference owned by the post) */
	json_t *id;       /* the object's "id" (borrowed from `object`), or NULL: text input,
	                     no id, or none that can be read unambiguously from a bad line */
	size_t repaired;  /* ill-formed UTF-8 sequences replaced with U+FFFD */
	size_t unmapped;  /* bytes --charset could not convert (each became U+FFFD) */
} post;

/* Per-thread decoding scratch. */
typedef struct posts_decoder {
	const char *charset;
	strbuf converted, repaired;
	char error_buf[200];
} posts_decoder;

/* Decodes a line into `*p` (converting from the charset, replacing ill-formed UTF-8 in
 * text, parsing JSONL: valid UTF-8, no duplicate keys at any depth, an object with a
 * string "text"). Returns 0, or -1 for a line that cannot be screened, with the reason
 * in a few words in `*error` (borrowed from the decoder until its next call) and, when
 * it can be read unambiguously, the line's id in p->id. Release with post_clear either
 * way. */
int posts_decode(posts_decoder *d, const posts_line *line, post *p, const char **error);
void post_clear(post *p);
void posts_decoder_free(posts_decoder *d);

/* ------------------------------------------------------------ pipeline */

/*
 * Runs `process` over every line of a reader on up to `threads` worker threads, each
 * with its own state (a scanner, a redactor...), in bounded batches, and writes what
 * it wrote for each line to `out` in input order. Messages written to `err` go to
 * stderr, in input order too. What a line wrote to `tally` is handed to `written` on
 * the main thread, in input order, once the line is written: the tools count there, so
 * their counts are those of the lines written, whatever the threads did. With one
 * thread everything runs in the calling thread; with more, the main thread reads and
 * writes whole batches while the workers handle others (pipeline.c).
 */
typedef struct pipeline_ops {
	/* Makes the state of worker `index` (on the main thread, before any work). */
	void *(*worker_new)(void *ctx, unsigned index);
	void (*worker_free)(void *worker);
	/* Handles one line on a worker thread. Returns 0, or PIPELINE_STOP to end the run
	 * after this line (it and every line before it are written, none after it). */
	int (*process)(void *worker, const posts_line *line, strbuf *out, strbuf *err,
	               strbuf *tally);
	/* Counts a line's tally (main thread, input order); may be NULL. */
	void (*written)(void *ctx, const char *tally, size_t len);
	/* Called on the main thread after each batch is written (progress); may be NULL. */
	void (*batch_done)(void *ctx, const posts_reader *r, size_t lines);
} pipeline_ops;

#define PIPELINE_STOP 1
/* The most lines in a batch, which is also at most one block of input (128 KB). */
#define PIPELINE_BATCH_LINES 4096

typedef struct pipeline_result {
	unsigned threads;   /* worker threads that ran (fewer than asked if some failed to start) */
	int stopped;        /* a line returned PIPELINE_STOP */
	int write_failed;   /* writing to `out` failed */
} pipeline_result;

/* Returns 0, or -1 when the run did not finish (no thread could start, or writing
 * failed); `*result` says what happened. Frees the worker states. */
int pipeline_run(posts_reader *r, unsigned threads, const pipeline_ops *ops, void *ctx,
                 FILE *out, pipeline_result *result);

/* --------------------------------------------------------------- misc */

/* Seconds on a monotonic clock. */
double tool_now(void);
/* Peak resident set size in KiB (VmHWM of /proc/self/status), or 0 when unknown. */
unsigned long tool_peak_rss_kib(void);

#endif
