/*
 * posts.c - reading posts: a buffered line reader over several files, and the
 * decoding of one line (charset, UTF-8 repair, JSONL) that the worker threads do.
 *
 * A line that cannot be decoded is never dropped here: posts_decode says why (and
 * the id, when one can be read), and the tools write a record for it in its place.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tool.h"

/* How much one buffer holds before the pipeline moves to the next (a batch's worth of
 * posts); a longer line grows it. */
#define READ_BLOCK ((size_t)128 << 10)

struct posts_reader {
	char **files;
	char **names;           /* the files' names for output, in valid UTF-8 */
	int n_files, next_file;
	posts_options opts;
	int fd;                 /* -1: no file open */
	const char *source;
	unsigned long line;
	posts_format format;    /* of the current file; AUTO until a first non-blank line */
	strbuf own;             /* the reader's buffer, when no batch lends one */
	strbuf *buf;            /* own, or the batch's (posts_reader_switch) */
	size_t start, end;      /* buf->data[start..end) holds bytes read, not yet returned */
	size_t limit;           /* read no further than this in buf (at least READ_BLOCK) */
	int pinned;             /* the lines returned stay where they are (a batch's buffer) */
	int waited;             /* POSTS_WAIT was returned since the last read */
	int regular;            /* the current file is a regular file: a read never waits */
	int eof, skipping;      /* skipping: the rest of a too-long line */
	unsigned long long done, total;
	int errors;
};

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

static int is_blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!is_space(s[i]))
			return 0;
	return 1;
}

/* Charsets whose line ends are not the single byte '\n'. */
static int charset_splits_lines(const char *charset)
{
	static const char *wide[] = {"UTF16", "UTF-16", "UTF32", "UTF-32", "UCS2", "UCS-2",
	                             "UCS4", "UCS-4", "UNICODE"};
	for (size_t i = 0; i < sizeof wide / sizeof wide[0]; i++)
		if (strncasecmp(charset, wide[i], strlen(wide[i])) == 0)
			return 0;
	return 1;
}

void posts_check_charset(const char *charset)
{
	if (!charset_splits_lines(charset))
		tool_die("--charset %s: line-oriented input needs a charset where a line ends "
		         "with the byte '\\n' (convert UTF-16/UTF-32 with iconv first)",
		         charset);
	size_t need;
	if (mesura_charset_to_utf8(charset, "", 0, NULL, 0, &need, NULL) == MESURA_ECHARSET)
		tool_die("--charset %s: unknown character set", charset);
}

posts_reader *posts_reader_new(char **files, int n, const posts_options *opts)
{
	static char *standard_input[] = {"-"};
	if (opts->charset)
		posts_check_charset(opts->charset);
	posts_reader *r = tool_xmalloc(sizeof *r);
	*r = (posts_reader){.files = n ? files : standard_input, .n_files = n ? n : 1,
	                    .opts = *opts, .fd = -1};
	r->buf = &r->own;
	r->limit = READ_BLOCK;
	strbuf_grow(r->buf, r->limit);
	r->names = tool_xmalloc((size_t)r->n_files * sizeof *r->names);
	for (int i = 0; i < r->n_files; i++)
		r->names[i] = tool_utf8_dup(strcmp(r->files[i], "-") == 0 ? "<stdin>" : r->files[i]);
	for (int i = 0; i < r->n_files; i++) {
		struct stat st;
		int ok = strcmp(r->files[i], "-") == 0 ? fstat(0, &st) == 0
		                                       : stat(r->files[i], &st) == 0;
		if (!ok || !S_ISREG(st.st_mode)) {
			r->total = 0; /* a pipe or a missing file: no ETA */
			break;
		}
		r->total += (unsigned long long)st.st_size;
	}
	return r;
}

void posts_reader_free(posts_reader *r)
{
	if (!r)
		return;
	if (r->fd > 0)
		close(r->fd);
	for (int i = 0; i < r->n_files; i++)
		free(r->names[i]);
	free(r->names);
	strbuf_free(&r->own);
	free(r);
}

void posts_reader_progress(const posts_reader *r, unsigned long long *done,
                           unsigned long long *total)
{
	*done = r->done;
	*total = r->total;
}

int posts_reader_errors(const posts_reader *r)
{
	return r->errors;
}

int posts_reader_files(const posts_reader *r)
{
	return r->n_files;
}

static void close_file(posts_reader *r)
{
	if (r->fd > 0)
		close(r->fd);
	r->fd = -1;
}

/* Opens the next file; 0 when there is none left. */
static int open_next(posts_reader *r)
{
	while (r->next_file < r->n_files) {
		const char *display = r->names[r->next_file];
		const char *name = r->files[r->next_file++];
		int fd = strcmp(name, "-") == 0 ? 0 : open(name, O_RDONLY);
		if (fd < 0) {
			fprintf(stderr, "%s: %s: %s\n", tool_name, display, strerror(errno));
			r->errors++;
			continue;
		}
		struct stat st;
		r->fd = fd;
		r->regular = fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
		r->source = display;
		r->line = 0;
		r->format = r->opts.format;
		r->start = r->end; /* the previous file's bytes were all returned (or skipped) */
		r->eof = r->skipping = 0;
		return 1;
	}
	return 0;
}

void posts_reader_switch(posts_reader *r, strbuf *buf)
{
	strbuf *to = buf ? buf : &r->own;
	size_t tail = r->end - r->start;
	size_t limit = READ_BLOCK;
	while (limit <= tail)
		limit *= 2;
	if (to != r->buf) {
		to->len = 0;
		strbuf_grow(to, limit);
		memcpy(to->data, r->buf->data + r->start, tail);
	} else {
		strbuf_grow(to, limit);
		memmove(to->data, to->data + r->start, tail);
	}
	r->buf = to;
	r->start = 0;
	r->end = tail;
	r->limit = limit;
	r->pinned = buf != NULL;
}

/* Would a read of the current file wait (a pipe or a terminal with nothing ready)? */
static int read_would_wait(const posts_reader *r)
{
	struct pollfd p = {.fd = r->fd, .events = POLLIN};
	return !r->regular && poll(&p, 1, 0) == 0;
}

/* Reads more bytes into the buffer: 1 when some came, 0 at the end, -1 on error;
 * POSTS_FULL when a pinned buffer has no room left, POSTS_WAIT (once) when a pinned
 * reader would wait for the input. */
static int fill(posts_reader *r)
{
	if (r->end == r->limit && r->start > 0) {
		if (r->pinned)
			return POSTS_FULL; /* lines were handed out from this buffer: keep them */
		memmove(r->buf->data, r->buf->data + r->start, r->end - r->start);
		r->end -= r->start;
		r->start = 0;
	}
	if (r->end == r->limit) { /* one line fills the buffer: grow it */
		r->limit *= 2;
		strbuf_grow(r->buf, r->limit);
	}
	if (r->pinned && !r->waited && read_would_wait(r)) {
		r->waited = 1;
		return POSTS_WAIT;
	}
	for (;;) {
		ssize_t n = read(r->fd, r->buf->data + r->end, r->limit - r->end);
		if (n > 0) {
			r->end += (size_t)n;
			r->done += (unsigned long long)n;
			r->waited = 0;
			return 1;
		}
		if (n == 0)
			return 0;
		if (errno != EINTR) {
			fprintf(stderr, "%s: %s: %s\n", tool_name, r->source, strerror(errno));
			r->errors++;
			return -1;
		}
	}
}

/* --input-format auto: is this first non-blank line of a file a JSON object with a
 * string "text"? A plain-text post that merely starts with '{' is not. Duplicate keys
 * are not checked here: such a line is JSONL, and refused as a post later. */
static int is_jsonl_post(posts_reader *r, const char *s, size_t len)
{
	size_t i = 0;
	while (i < len && is_space(s[i]))
		i++;
	if (i == len || s[i] != '{')
		return 0;
	char *converted = NULL;
	if (r->opts.charset && strcasecmp(r->opts.charset, "UTF-8") != 0) {
		size_t need = 0; /* JSON is UTF-8: read the line as the workers will */
		mesura_charset_to_utf8(r->opts.charset, s, len, NULL, 0, &need, NULL);
		converted = tool_xmalloc(need + 1);
		if (mesura_charset_to_utf8(r->opts.charset, s, len, converted, need + 1, &need,
		                           NULL) != MESURA_OK)
			need = 0;
		s = converted;
		len = need;
	}
	json_t *obj = tool_json_loadb(s, len, JSON_ALLOW_NUL, NULL);
	int jsonl = json_is_object(obj) && json_is_string(json_object_get(obj, "text"));
	json_decref(obj);
	free(converted);
	return jsonl;
}

int posts_reader_next(posts_reader *r, posts_line *out)
{
	for (;;) {
		if (r->fd < 0 && !open_next(r))
			return 0;
		char *s = r->buf->data + r->start;
		size_t avail = r->end - r->start;
		/* A line is too long when it holds more than POSTS_MAX_LINE bytes without its
		 * "\n" or "\r\n": its end must show within POSTS_MAX_LINE + 2 bytes. The rest of
		 * a too-long line is skipped, however long. */
		size_t look = r->skipping || avail < POSTS_MAX_LINE + 2 ? avail : POSTS_MAX_LINE + 2;
		char *nl = memchr(s, '\n', look);
		size_t len;
		int too_long = 0;
		if (nl) {
			len = (size_t)(nl - s);
			r->start += len + 1;
			if (r->skipping) { /* the end of a line already reported as too long */
				r->skipping = 0;
				continue;
			}
		} else if (r->skipping && avail > 0) {
			r->start = r->end;
			continue;
		} else if (avail >= POSTS_MAX_LINE + 2) {
			len = POSTS_MAX_LINE;
			r->start += look; /* the rest, up to its '\n', is skipped */
			r->skipping = too_long = 1;
		} else if (!r->eof) {
			int got = fill(r);
			if (got == POSTS_FULL || got == POSTS_WAIT)
				return got;
			if (got < 0) {
				close_file(r);
				return -1;
			}
			r->eof = got == 0;
			continue;
		} else if (avail > 0) {
			len = avail; /* a last line without '\n' */
			r->start = r->end;
		} else {
			close_file(r);
			continue;
		}
		r->line++;
		if (len > 0 && s[len - 1] == '\r' && !too_long)
			len--;
		if (len > POSTS_MAX_LINE) { /* its end showed, past the limit */
			len = POSTS_MAX_LINE;
			too_long = 1;
		}
		if (r->line == 1 && len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0 &&
		    (!r->opts.charset || strcasecmp(r->opts.charset, "UTF-8") == 0)) {
			s += 3;
			len -= 3;
		}
		int blank = r->format == POSTS_TEXT ? len == 0 : is_blank(s, len);
		if (!blank && !too_long && r->format == POSTS_AUTO)
			r->format = is_jsonl_post(r, s, len) ? POSTS_JSONL : POSTS_TEXT;
		if (blank && !too_long && !r->opts.keep_blank)
			continue;
		posts_format format = r->format;
		if (format == POSTS_AUTO) /* undecided (a too-long first line): its first byte */
			format = too_long && !is_blank(s, len) && s[strspn(s, " \t\r\f\v")] == '{'
			                 ? POSTS_JSONL
			                 : POSTS_TEXT;
		*out = (posts_line){r->source, r->line, format, s, len, too_long, blank && !too_long};
		return 1;
	}
}

/* ------------------------------------------------------------- decoding */

void post_clear(post *p)
{
	json_decref(p->object);
	*p = (post){0};
}

void posts_decoder_free(posts_decoder *d)
{
	strbuf_free(&d->converted);
	strbuf_free(&d->repaired);
}

/* Runs a size-query conversion into `buf`, growing it once when needed; an error
 * status when the line cannot be converted. */
static int convert(posts_decoder *d, const char **text, size_t *len, size_t *unmapped)
{
	size_t need = 0;
	strbuf *b = &d->converted;
	int rc = mesura_charset_to_utf8(d->charset, *text, *len, b->data, b->cap, &need, unmapped);
	if (rc == MESURA_EBUFS) {
		b->cap = need + 1;
		b->data = tool_xrealloc(b->data, b->cap);
		rc = mesura_charset_to_utf8(d->charset, *text, *len, b->data, b->cap, &need, unmapped);
	}
	if (rc == MESURA_OK) {
		*text = b->data;
		*len = need;
	}
	return rc;
}

static int repair(posts_decoder *d, const char **text, size_t *len, size_t *repaired)
{
	size_t need = 0;
	strbuf *b = &d->repaired;
	int rc = mesura_utf8_repair(*text, *len, b->data, b->cap, &need, repaired);
	if (rc == MESURA_EBUFS) {
		b->cap = need + 1;
		b->data = tool_xrealloc(b->data, b->cap);
		rc = mesura_utf8_repair(*text, *len, b->data, b->cap, &need, repaired);
	}
	if (rc == MESURA_OK) {
		*text = b->data;
		*len = need;
	}
	return rc;
}

static int is_bom(const char *s, size_t n)
{
	return n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0;
}

/* Why jansson refused a line, in a few words of ours: its own text can quote the
 * line's bytes, which may be anything. */
static const char *json_problem(const json_error_t *e)
{
	switch (json_error_code(e)) {
	case json_error_invalid_utf8: return "invalid UTF-8";
	case json_error_duplicate_key: return "duplicate key";
	case json_error_numeric_overflow: return "number too large";
	case json_error_stack_overflow: return "nesting too deep";
	case json_error_null_byte_in_key: return "NUL in a key";
	case json_error_out_of_memory: return "out of memory";
	case json_error_premature_end_of_input: return "invalid JSON: ends too early";
	case json_error_end_of_input_expected: return "invalid JSON: more after the value";
	default: /* "invalid Unicode '\uD800'": a surrogate escape without its other half */
		return strncmp(e->text, "invalid Unicode", 15) == 0 ? "lone surrogate escape"
		                                                    : "invalid JSON";
	}
}

/* The end of the JSON string token that starts at s[i] (a '"'): the index of its
 * closing quote. The line is valid JSON, so it has one. */
static size_t string_end(const char *s, size_t n, size_t i)
{
	for (i++; i < n && s[i] != '"'; i++)
		if (s[i] == '\\')
			i++;
	return i;
}

/* Is the JSON string token s[from..to] (quotes included) the key "id"? Escapes
 * ("\u0069d") count: jansson decodes them. */
static int is_id_key(const char *s, size_t from, size_t to)
{
	if (!memchr(s + from, '\\', to - from))
		return to - from == 3 && memcmp(s + from, "\"id\"", 4) == 0;
	json_t *key = tool_json_loadb(s + from, to - from + 1, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
	int id = json_is_string(key) && json_string_length(key) == 2 &&
	         memcmp(json_string_value(key), "id", 2) == 0;
	json_decref(key);
	return id;
}

/* How many times the top-level object in s[0..n) (valid JSON) has the key "id". */
static int count_id_keys(const char *s, size_t n)
{
	int depth = 0, expect_key = 0, ids = 0;
	for (size_t i = 0; i < n; i++) {
		switch (s[i]) {
		case '"': {
			size_t end = string_end(s, n, i);
			if (depth == 1 && expect_key)
				ids += is_id_key(s, i, end);
			expect_key = 0;
			i = end;
			break;
		}
		case '{':
			depth++;
			expect_key = depth == 1;
			break;
		case '[': depth++; break;
		case '}':
		case ']': depth--; break;
		case ',': expect_key = depth == 1; break;
		default: break;
		}
	}
	return ids;
}

/* Reads the id of a line jansson refused, when it can be read unambiguously: the line
 * without a stray byte-order mark, ill-formed UTF-8 replaced, duplicate keys allowed,
 * is an object with one "id" key, and the id holds no U+FFFD that the repair made.
 * Sets p->object (owning) and p->id, or leaves them NULL. */
static void salvage_id(posts_decoder *d, const char *text, size_t len, post *p)
{
	if (is_bom(text, len)) {
		text += 3;
		len -= 3;
	}
	size_t repaired = 0;
	if (mesura_utf8_validate(text, len, NULL) != MESURA_OK &&
	    repair(d, &text, &len, &repaired) != MESURA_OK)
		return;
	json_t *obj = tool_json_loadb(text, len, JSON_ALLOW_NUL, NULL);
	json_t *id = json_object_get(obj, "id"); /* NULL unless obj is an object with an id */
	int readable = id && count_id_keys(text, len) == 1;
	if (readable && repaired) {
		char *dump = json_dumps(id, JSON_ENCODE_ANY);
		readable = dump && !strstr(dump, "\xEF\xBF\xBD");
		free(dump);
	}
	if (!readable) {
		json_decref(obj);
		return;
	}
	p->object = obj;
	p->id = id;
}

/* Fails a line: the reason in the decoder's buffer. */
static int fail(posts_decoder *d, const char **error, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 3, 4)))
#endif
	;

static int fail(posts_decoder *d, const char **error, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(d->error_buf, sizeof d->error_buf, fmt, ap);
	va_end(ap);
	*error = d->error_buf;
	return -1;
}

static int decode_jsonl(posts_decoder *d, const char *text, size_t len, post *p,
                        const char **error)
{
	if (is_bom(text, len)) { /* line 1's was removed: this one is inside the stream */
		salvage_id(d, text, len, p);
		return fail(d, error, "byte-order mark inside the stream");
	}
	json_error_t jerr;
	json_t *obj = tool_json_loadb(text, len, JSON_DECODE_ANY | JSON_ALLOW_NUL | JSON_REJECT_DUPLICATES,
	                         &jerr);
	if (!obj) {
		salvage_id(d, text, len, p);
		return fail(d, error, "%s at column %d", json_problem(&jerr), jerr.column);
	}
	if (!json_is_object(obj)) {
		json_decref(obj);
		return fail(d, error, "not a JSON object");
	}
	p->object = obj;
	p->id = json_object_get(obj, "id");
	json_t *t = json_object_get(obj, "text");
	if (!json_is_string(t))
		return fail(d, error, t ? "\"text\" is not a string" : "no \"text\"");
	p->text = json_string_value(t);
	p->len = json_string_length(t);
	return 0;
}

int posts_decode(posts_decoder *d, const posts_line *line, post *p, const char **error)
{
	*p = (post){0};
	*error = NULL;
	if (line->too_long)
		return fail(d, error, "line longer than %zu bytes", (size_t)POSTS_MAX_LINE);
	const char *text = line->bytes;
	size_t len = line->len;
	int rc;
	if (d->charset && (rc = convert(d, &text, &len, &p->unmapped)) != MESURA_OK)
		return fail(d, error, "cannot convert from %s: %s", d->charset, mesura_strerror(rc));
	if (line->format == POSTS_JSONL)
		return decode_jsonl(d, text, len, p, error);
	if (mesura_utf8_validate(text, len, NULL) != MESURA_OK &&
	    (rc = repair(d, &text, &len, &p->repaired)) != MESURA_OK)
		return fail(d, error, "cannot repair UTF-8: %s", mesura_strerror(rc));
	p->text = text;
	p->len = len;
	return 0;
}
