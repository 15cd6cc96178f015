/*
 * posts.c - reading posts: a buffered line reader over several files, and the
 * decoding of one line (charset, UTF-8 repair, JSONL) that the worker threads do.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tool.h"

#define READ_CHUNK ((size_t)64 << 10)

struct posts_reader {
	char **files;
	int n_files, next_file;
	posts_options opts;
	int fd;                 /* -1: no file open */
	const char *source;
	unsigned long line;
	posts_format format;    /* of the current file; AUTO until its first non-blank line */
	char *buf;              /* buf[start..end) holds bytes read but not yet returned */
	size_t cap, start, end;
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
	r->cap = READ_CHUNK;
	r->buf = tool_xmalloc(r->cap);
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
	free(r->buf);
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
		const char *name = r->files[r->next_file++];
		int fd = strcmp(name, "-") == 0 ? 0 : open(name, O_RDONLY);
		if (fd < 0) {
			fprintf(stderr, "%s: %s: %s\n", tool_name, name, strerror(errno));
			r->errors++;
			continue;
		}
		r->fd = fd;
		r->source = fd == 0 ? "<stdin>" : name;
		r->line = 0;
		r->format = r->opts.format;
		r->start = r->end = 0;
		r->eof = r->skipping = 0;
		return 1;
	}
	return 0;
}

/* Reads more bytes into the buffer: 1 when some came, 0 at the end, -1 on error. */
static int fill(posts_reader *r)
{
	if (r->start > 0) {
		memmove(r->buf, r->buf + r->start, r->end - r->start);
		r->end -= r->start;
		r->start = 0;
	}
	if (r->end == r->cap) {
		r->cap *= 2;
		r->buf = tool_xrealloc(r->buf, r->cap);
	}
	for (;;) {
		ssize_t n = read(r->fd, r->buf + r->end, r->cap - r->end);
		if (n > 0) {
			r->end += (size_t)n;
			r->done += (unsigned long long)n;
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

int posts_reader_next(posts_reader *r, posts_line *out)
{
	for (;;) {
		if (r->fd < 0 && !open_next(r))
			return 0;
		char *s = r->buf + r->start;
		size_t avail = r->end - r->start;
		char *nl = memchr(s, '\n', avail);
		size_t len;
		int too_long = 0;
		if (nl) {
			len = (size_t)(nl - s);
			r->start += len + 1;
			if (r->skipping) { /* the end of a line already reported as too long */
				r->skipping = 0;
				continue;
			}
		} else if (avail >= POSTS_MAX_LINE) {
			len = POSTS_MAX_LINE;
			r->start = r->end;
			if (r->skipping)
				continue;
			r->skipping = too_long = 1;
		} else if (!r->eof) {
			int got = fill(r);
			if (got < 0) {
				close_file(r);
				return -1;
			}
			r->eof = got == 0;
			continue;
		} else if (avail > 0 && !r->skipping) {
			len = avail; /* a last line without '\n' */
			r->start = r->end;
		} else {
			close_file(r);
			continue;
		}
		r->line++;
		if (len > 0 && s[len - 1] == '\r' && !too_long)
			len--;
		if (r->line == 1 && len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0 &&
		    (!r->opts.charset || strcasecmp(r->opts.charset, "UTF-8") == 0)) {
			s += 3;
			len -= 3;
		}
		int blank = r->format == POSTS_TEXT ? len == 0 : is_blank(s, len);
		if (!blank && r->format == POSTS_AUTO) {
			size_t i = 0;
			while (is_space(s[i]))
				i++;
			r->format = s[i] == '{' ? POSTS_JSONL : POSTS_TEXT;
		}
		if (blank && !too_long && !r->opts.keep_blank)
			continue;
		*out = (posts_line){r->source, r->line, r->format == POSTS_AUTO ? POSTS_TEXT : r->format,
		                    s, len, too_long, blank && !too_long};
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

/* Runs a size-query conversion into `buf`, growing it once when needed. */
static void convert(posts_decoder *d, const char **text, size_t *len, size_t *unmapped)
{
	size_t need = 0;
	strbuf *b = &d->converted;
	int rc = mesura_charset_to_utf8(d->charset, *text, *len, b->data, b->cap, &need, unmapped);
	if (rc == MESURA_EBUFS) {
		b->cap = need + 1;
		b->data = tool_xrealloc(b->data, b->cap);
		rc = mesura_charset_to_utf8(d->charset, *text, *len, b->data, b->cap, &need, unmapped);
	}
	if (rc != MESURA_OK)
		tool_die("--charset %s: %s", d->charset, mesura_strerror(rc));
	*text = b->data;
	*len = need;
}

static void repair(posts_decoder *d, const char **text, size_t *len, size_t *repaired)
{
	size_t need = 0;
	strbuf *b = &d->repaired;
	int rc = mesura_utf8_repair(*text, *len, b->data, b->cap, &need, repaired);
	if (rc == MESURA_EBUFS) {
		b->cap = need + 1;
		b->data = tool_xrealloc(b->data, b->cap);
		rc = mesura_utf8_repair(*text, *len, b->data, b->cap, &need, repaired);
	}
	if (rc != MESURA_OK)
		tool_die("cannot repair UTF-8: %s", mesura_strerror(rc));
	*text = b->data;
	*len = need;
}

int posts_decode(posts_decoder *d, const posts_line *line, post *p, const char **error)
{
	*p = (post){0};
	*error = NULL;
	if (line->too_long) {
		snprintf(d->error_buf, sizeof d->error_buf, "line longer than %zu bytes",
		         (size_t)POSTS_MAX_LINE);
		*error = d->error_buf;
		return -1;
	}
	const char *text = line->bytes;
	size_t len = line->len;
	if (d->charset)
		convert(d, &text, &len, &p->unmapped);
	if (line->format == POSTS_TEXT) {
		if (mesura_utf8_validate(text, len, NULL) != MESURA_OK)
			repair(d, &text, &len, &p->repaired);
		p->text = text;
		p->len = len;
		return 0;
	}
	json_error_t jerr;
	json_t *obj = json_loadb(text, len, JSON_ALLOW_NUL, &jerr);
	const char *why = NULL;
	if (!obj) {
		snprintf(d->error_buf, sizeof d->error_buf, "invalid JSON at column %d: %s",
		         jerr.column, jerr.text);
		why = d->error_buf;
	} else if (!json_is_object(obj)) {
		why = "not a JSON object";
	} else if (!json_is_string(json_object_get(obj, "text"))) {
		why = "no \"text\" string";
	}
	if (why) {
		json_decref(obj);
		*error = why;
		return -1;
	}
	json_t *t = json_object_get(obj, "text");
	p->object = obj;
	p->text = json_string_value(t);
	p->len = json_string_length(t);
	p->id = json_object_get(obj, "id");
	return 0;
}
