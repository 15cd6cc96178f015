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

#include <jansson.h>
#include <mesura.h>
#include <stdio.h>

/* ------------------------------------------------------------- buffers */

/* A growable byte buffer. Allocation failure is fatal in the tools (message, exit 3). */
typedef struct strbuf {
	char *data;
	size_t len, cap;
} strbuf;

void strbuf_put(strbuf *b, const void *bytes, size_t n);
void strbuf_puts(strbuf *b, const char *s);
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
 * = + - @ TAB or CR gets a leading apostrophe (OWASP's CSV-injection advice). */
void strbuf_csv(strbuf *b, const char *s, size_t n, int text_field);

void *tool_xmalloc(size_t n);
void *tool_xrealloc(void *p, size_t n);
/* Prints "PROG: message" to stderr and exits with status 3. */
void tool_die(const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 1, 2), noreturn))
#endif
	;
/* The program name used in messages (set by tool_init). */
extern const char *tool_name;

/* Checks that the library linked is the one the tool was built with; sets tool_name. */
void tool_init(const char *name);

/* ------------------------------------------------------------- options */

/* Loads the policy at `path`, or the built-in one when `path` is NULL, printing every
 * diagnostic. Exits with status 3 when there is no policy. */
mesura_policy *tool_load_policy(const char *path);

/* Fills key[16] from --hash-key HEX (32 hex digits), else $MESURA_HASH_KEY, else
 * /dev/urandom (a new key per run: tokens then only compare within the run). */
void tool_hash_key(const char *hex, unsigned char key[MESURA_REDACT_KEY_SIZE]);

/* Parses a positive integer option value; exits with status 3 otherwise. */
unsigned long tool_parse_count(const char *option, const char *value);

/* Number of online cores (at least 1). */
unsigned tool_cores(void);

/* ---------------------------------------------------------- posts input */

typedef enum posts_format { POSTS_AUTO = 0, POSTS_TEXT, POSTS_JSONL } posts_format;

/* Parses "text", "jsonl" or "auto"; returns -1 otherwise. */
int posts_parse_format(const char *name);

typedef struct posts_options {
	posts_format format;  /* AUTO: per file, JSONL when its first non-blank byte is '{' */
	const char *charset;  /* NULL: UTF-8 */
	int keep_blank;       /* pass blank lines on as posts (mesura-redact copies them) */
} posts_options;

/* One input line as the reader hands it on: raw bytes, not yet decoded. */
typedef struct posts_line {
	const char *source;   /* the file name, "<stdin>" for standard input */
	unsigned long line;   /* 1-based within its file */
	posts_format format;  /* TEXT or JSONL (decided) */
	const char *bytes;    /* without the line end; a UTF-8 BOM on line 1 is removed */
	size_t len;
	int too_long;         /* longer than POSTS_MAX_LINE: bytes are truncated, skip it */
	int blank;            /* empty (text) or only white space (JSONL); keep_blank only */
} posts_line;

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
 * I/O error (reported on stderr; reading goes on with the next file). The line is
 * borrowed until the next call. */
int posts_reader_next(posts_reader *r, posts_line *line);
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
	json_t *id;       /* the object's "id", or NULL for text input / no id */
	size_t repaired;  /* ill-formed UTF-8 sequences replaced with U+FFFD */
	size_t unmapped;  /* bytes --charset could not convert (each became U+FFFD) */
} post;

/* Per-thread decoding scratch. */
typedef struct posts_decoder {
	const char *charset;
	strbuf converted, repaired;
	char error_buf[200];
} posts_decoder;

/* Decodes a line into `*p` (converting from the charset, replacing ill-formed UTF-8,
 * parsing JSONL). Returns 0, or -1 for a malformed line with a reason in `*error`
 * (borrowed from the decoder until its next call). Release with post_clear. */
int posts_decode(posts_decoder *d, const posts_line *line, post *p, const char **error);
void post_clear(post *p);
void posts_decoder_free(posts_decoder *d);

/* ------------------------------------------------------------ pipeline */

/*
 * Runs `fn` over every line of a reader on `threads` worker threads, each with its own
 * state (a scanner, a redactor...), in bounded batches, and writes what `fn` wrote
 * for each line to `out` in input order. Messages `fn` writes to `err` go to stderr,
 * in input order too. The main thread reads the next batch while the workers screen
 * the current one.
 */
typedef struct pipeline_ops {
	/* Makes the state of worker `index` (on the main thread, before any work). */
	void *(*worker_new)(void *ctx, unsigned index);
	/* Handles one line on a worker thread: its output into `out`, messages into `err`. */
	void (*process)(void *worker, const posts_line *line, strbuf *out, strbuf *err);
	/* Called on the main thread after each batch is written (progress); may be NULL. */
	void (*batch_done)(void *ctx, const posts_reader *r, size_t lines);
} pipeline_ops;

#define PIPELINE_BATCH_LINES 4096
#define PIPELINE_BATCH_BYTES ((size_t)8 << 20)

/* Returns 0, or -1 when writing to `out` failed. `*workers` receives the array of
 * `threads` worker states, for the caller to read (counts) and free. */
int pipeline_run(posts_reader *r, unsigned threads, const pipeline_ops *ops, void *ctx,
                 FILE *out, void ***workers);

/* --------------------------------------------------------------- misc */

/* Seconds on a monotonic clock. */
double tool_now(void);
/* Peak resident set size in KiB (VmHWM of /proc/self/status), or 0 when unknown. */
unsigned long tool_peak_rss_kib(void);

#endif
