/*
 * json.c - the tools' JSON reader: jansson's json_loadb, with a fast path in front.
 *
 * jansson's lexer costs some 170 instructions a byte, as much as screening the post the
 * JSON carries. The fast path below builds the same jansson tree from the shapes posts
 * and requests come in (objects, arrays, strings, integers, true, false, null) in a
 * fraction of that, and hands everything else to json_loadb: reals, nesting deeper than
 * FAST_DEPTH, integers of more than 18 digits, duplicate keys, keys holding NUL, and
 * every input that is not valid JSON. So what is accepted, the tree and each error's
 * message stay jansson's: the fast path only ever accepts what jansson accepts, and
 * builds what jansson would (tests/tools/check_tool_io.c and the differential fuzz
 * harness tests/fuzz/fuzz_json.c hold it to that, with jansson as the oracle).
 */
#include <stdint.h>
#include <stdlib.h>

#include "tool.h"

/* Deeper input is rare and goes to jansson, which allows JSON_PARSER_MAX_DEPTH. */
#define FAST_DEPTH 64

typedef struct reader {
	const unsigned char *begin, *p, *end;
	size_t flags;
	strbuf decoded; /* a string with escapes, decoded */
	int keep;       /* decoded strings stay (appended): a batch's texts point there */
} reader;

static void skip_space(reader *r)
{
	while (r->p < r->end && (*r->p == ' ' || *r->p == '\n' || *r->p == '\r' || *r->p == '\t'))
		r->p++;
}

static int hex4(const unsigned char *s, unsigned *out)
{
	unsigned v = 0;
	for (int i = 0; i < 4; i++) {
		unsigned c = s[i], d;
		if (c >= '0' && c <= '9')
			d = c - '0';
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			d = (c | 0x20) - 'a' + 10;
		else
			return 0;
		v = v << 4 | d;
	}
	*out = v;
	return 1;
}

/* Appends code point cp in UTF-8, written in place (a memcpy call per escape would
 * cost more than the decoding). */
static void put_utf8(strbuf *b, unsigned cp)
{
	if (b->cap - b->len <= 4)
		strbuf_grow(b, 4);
	unsigned char *u = (unsigned char *)b->data + b->len;
	if (cp < 0x80) {
		u[0] = (unsigned char)cp;
		b->len += 1;
	} else if (cp < 0x800) {
		u[0] = (unsigned char)(0xc0 | cp >> 6);
		u[1] = (unsigned char)(0x80 | (cp & 0x3f));
		b->len += 2;
	} else if (cp < 0x10000) {
		u[0] = (unsigned char)(0xe0 | cp >> 12);
		u[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
		u[2] = (unsigned char)(0x80 | (cp & 0x3f));
		b->len += 3;
	} else {
		u[0] = (unsigned char)(0xf0 | cp >> 18);
		u[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3f));
		u[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
		u[3] = (unsigned char)(0x80 | (cp & 0x3f));
		b->len += 4;
	}
	b->data[b->len] = '\0';
}

/* The escape after a backslash at r->p, decoded into r->decoded; 0 when it is not one
 * JSON allows (or a \u0000 without JSON_ALLOW_NUL, or half a surrogate pair). */
static int decode_escape(reader *r)
{
	if (r->end - r->p < 2)
		return 0;
	unsigned char c = r->p[1];
	char simple = 0;
	switch (c) {
	case '"': case '\\': case '/': simple = (char)c; break;
	case 'b': simple = '\b'; break;
	case 'f': simple = '\f'; break;
	case 'n': simple = '\n'; break;
	case 'r': simple = '\r'; break;
	case 't': simple = '\t'; break;
	}
	if (simple) {
		strbuf_putc(&r->decoded, simple);
		r->p += 2;
		return 1;
	}
	unsigned cp, low;
	if (c != 'u' || r->end - r->p < 6 || !hex4(r->p + 2, &cp))
		return 0;
	r->p += 6;
	if (cp >= 0xdc00 && cp <= 0xdfff)
		return 0;
	if (cp >= 0xd800 && cp <= 0xdbff) {
		if (r->end - r->p < 6 || r->p[0] != '\\' || r->p[1] != 'u' || !hex4(r->p + 2, &low) ||
		    low < 0xdc00 || low > 0xdfff)
			return 0;
		r->p += 6;
		cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
	}
	if (cp == 0 && !(r->flags & JSON_ALLOW_NUL))
		return 0;
	put_utf8(&r->decoded, cp);
	return 1;
}

/* Whether the 8 bytes at p hold no '"', '\\', control character or non-ASCII byte (the
 * usual zero-byte tricks, on v ^ '"', on v ^ '\\', and on v - 0x20 for the controls). */
static int plain8(const unsigned char *p)
{
	const uint64_t ones = 0x0101010101010101u, high = 0x8080808080808080u;
	uint64_t v;
	memcpy(&v, p, 8);
	uint64_t quote = v ^ (ones * '"'), backslash = v ^ (ones * '\\');
	uint64_t stop = ((quote - ones) & ~quote) | ((backslash - ones) & ~backslash) |
	                (v - ones * 0x20) | v;
	return (stop & high) == 0;
}

#if defined(__SSE2__) && defined(__GNUC__) && !defined(MESURA_NO_SIMD)
#include <emmintrin.h>
/* The 16 bytes at p: a bit per '"', '\\' and control byte, and in *high a bit per
 * non-ASCII byte. */
static unsigned stops16(const unsigned char *p, unsigned *high)
{
	__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
	__m128i stop = _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')),
	                            _mm_cmpeq_epi8(v, _mm_set1_epi8('\\')));
	/* signed: the controls, and the bytes >= 0x80, which *high takes back out */
	stop = _mm_or_si128(stop, _mm_cmplt_epi8(v, _mm_set1_epi8(0x20)));
	*high = (unsigned)_mm_movemask_epi8(v);
	return (unsigned)_mm_movemask_epi8(stop) & ~*high;
}
#endif

/* The end of the run of string bytes from p that need no decoding: the first '"',
 * '\\' or control character, or `end`. Clears *ascii on a non-ASCII byte. */
static const unsigned char *plain_run(const unsigned char *p, const unsigned char *end,
                                      int *ascii)
{
#if defined(__SSE2__) && defined(__GNUC__) && !defined(MESURA_NO_SIMD)
	for (; end - p >= 16; p += 16) { /* sixteen bytes at a time (every x86-64) */
		unsigned high, stops = stops16(p, &high);
		if (stops) {
			unsigned at = (unsigned)__builtin_ctz(stops);
			if (high & ((1u << at) - 1))
				*ascii = 0;
			return p + at;
		}
		if (high)
			*ascii = 0;
	}
#endif
	for (;;) {
		while (end - p >= 8 && plain8(p))
			p += 8;
		if (p == end || *p == '"' || *p == '\\' || *p < 0x20)
			return p;
		*ascii &= *p < 0x80;
		p++;
	}
}

/* The string whose opening quote is at r->p: its bytes in *s, *n (pointing into the
 * input when it has no escape, else into r->decoded). 0 when it is not a valid one. */
static int read_string(reader *r, const char **s, size_t *n)
{
	const unsigned char *start = ++r->p;
	int ascii = 1;
	r->p = plain_run(r->p, r->end, &ascii);
	if (r->p < r->end && *r->p == '"') { /* no escape: the bytes as they are */
		*s = (const char *)start;
		*n = (size_t)(r->p++ - start);
	} else {
		size_t from = r->keep ? r->decoded.len : 0;
		r->decoded.len = from;
		strbuf_put(&r->decoded, start, (size_t)(r->p - start));
		while (r->p < r->end && *r->p == '\\') {
			if (!decode_escape(r))
				return 0;
			const unsigned char *run = r->p;
			r->p = plain_run(r->p, r->end, &ascii);
			strbuf_put(&r->decoded, run, (size_t)(r->p - run));
		}
		if (r->p == r->end || *r->p != '"') /* the end, or a control character */
			return 0;
		r->p++;
		*s = r->decoded.data + from;
		*n = r->decoded.len - from;
	}
	/* escapes decode to valid UTF-8: only raw non-ASCII bytes need checking */
	return ascii || mesura_utf8_validate(*s, *n, NULL) == MESURA_OK;
}

/* An integer of at most 18 digits (it fits json_int_t); reals and longer ones: NULL. */
static json_t *read_integer(reader *r)
{
	int negative = *r->p == '-';
	if (negative)
		r->p++;
	const unsigned char *digits = r->p;
	unsigned long long v = 0; /* wraps harmlessly past 18 digits, which are refused */
	while (r->p < r->end && *r->p >= '0' && *r->p <= '9')
		v = v * 10 + (unsigned)(*r->p++ - '0');
	size_t n = (size_t)(r->p - digits);
	if (n == 0 || n > 18 || (digits[0] == '0' && n > 1))
		return NULL;
	if (r->p < r->end && (*r->p == '.' || *r->p == 'e' || *r->p == 'E'))
		return NULL;
	return json_integer(negative ? -(json_int_t)v : (json_int_t)v);
}

static json_t *read_literal(reader *r, const char *word, json_t *value)
{
	size_t n = strlen(word);
	if ((size_t)(r->end - r->p) < n || memcmp(r->p, word, n) != 0)
		return NULL;
	r->p += n;
	return value;
}

static json_t *read_value(reader *r, int depth);

/* Whether s points into the input (a string without escapes), not into r->decoded. */
static int in_input(const reader *r, const char *s)
{
	uintptr_t at = (uintptr_t)s;
	return at >= (uintptr_t)r->begin && at < (uintptr_t)r->end;
}

/* Whether the next byte after white space is c; if so, it is read. */
static int take(reader *r, char c)
{
	skip_space(r);
	if (r->p == r->end || *r->p != (unsigned char)c)
		return 0;
	r->p++;
	return 1;
}

static json_t *read_array(reader *r, int depth)
{
	json_t *array = json_array();
	r->p++;
	if (take(r, ']'))
		return array;
	while (array && json_array_append_new(array, read_value(r, depth + 1)) == 0) {
		if (take(r, ','))
			continue;
		if (take(r, ']'))
			return array;
		break;
	}
	json_decref(array);
	return NULL;
}

static json_t *read_object(reader *r, int depth)
{
	json_t *object = json_object();
	r->p++;
	if (take(r, '}'))
		return object;
	for (skip_space(r); object && r->p < r->end && *r->p == '"'; skip_space(r)) {
		const char *s;
		size_t n;
		if (!read_string(r, &s, &n) || memchr(s, '\0', n) || json_object_getn(object, s, n))
			break; /* a duplicate goes to jansson: refused or replaced as the flags say */
		/* a key with escapes is in r->decoded, which the value may reuse or move */
		char *copy = NULL;
		if (!in_input(r, s) && !(copy = strndup(s, n)))
			break;
		json_t *value = take(r, ':') ? read_value(r, depth + 1) : NULL;
		int kept = value && json_object_setn_new_nocheck(object, copy ? copy : s, n, value) == 0;
		free(copy);
		if (!kept)
			break;
		if (take(r, ','))
			continue;
		if (take(r, '}'))
			return object;
		break;
	}
	json_decref(object);
	return NULL;
}

static json_t *read_value(reader *r, int depth)
{
	skip_space(r);
	if (r->p == r->end || depth > FAST_DEPTH)
		return NULL;
	switch (*r->p) {
	case '{': return read_object(r, depth);
	case '[': return read_array(r, depth);
	case '"': {
		const char *s;
		size_t n;
		return read_string(r, &s, &n) ? json_stringn_nocheck(s, n) : NULL;
	}
	case 't': return read_literal(r, "true", json_true());
	case 'f': return read_literal(r, "false", json_false());
	case 'n': return read_literal(r, "null", json_null());
	default: return read_integer(r);
	}
}

json_t *tool_json_fast(const char *buf, size_t len, size_t flags)
{
	const unsigned char *in = (const unsigned char *)buf;
	reader r = {.begin = in, .p = in, .end = in + len, .flags = flags};
	skip_space(&r);
	int container = r.p < r.end && (*r.p == '{' || *r.p == '[');
	json_t *root = container || (flags & JSON_DECODE_ANY) ? read_value(&r, 0) : NULL;
	skip_space(&r);
	if (root && r.p != r.end) {
		json_decref(root);
		root = NULL;
	}
	strbuf_free(&r.decoded);
	return root;
}

json_t *tool_json_loadb(const char *buf, size_t len, size_t flags, json_error_t *error)
{
	json_t *root = tool_json_fast(buf, len, flags);
	return root ? root : json_loadb(buf, len, flags, error);
}

/* ---------------------------------------------------------- batch requests */

/* An "id" the record writes back byte for byte as strbuf_json would: an integer of at
 * most 18 digits (not -0, which jansson writes 0), or a string of printable ASCII
 * without escapes. 0 for any other value (the element is then read whole). */
static int read_plain_id(reader *r, batch_post *bp)
{
	const unsigned char *start = r->p;
	if (*r->p == '"') {
		const char *s;
		size_t n;
		if (!read_string(r, &s, &n) || !in_input(r, s))
			return 0;
		for (size_t i = 0; i < n; i++)
			if ((unsigned char)s[i] > 0x7e)
				return 0; /* controls, '"' and '\\' cannot be there unescaped */
	} else {
		if (*r->p == '-')
			r->p++;
		const unsigned char *digits = r->p;
		while (r->p < r->end && *r->p >= '0' && *r->p <= '9')
			r->p++;
		size_t n = (size_t)(r->p - digits);
		if (n == 0 || n > 18 || (digits[0] == '0' && (n > 1 || digits > start)))
			return 0;
		if (r->p < r->end && (*r->p == '.' || *r->p == 'e' || *r->p == 'E'))
			return 0;
	}
	bp->id = (const char *)start;
	bp->id_len = (size_t)(r->p - start);
	return 1;
}

/* A member's key (after white space) and the ':' after it; 0 when the text is not that. */
static int read_key(reader *r, const char **key, size_t *n)
{
	skip_space(r);
	return r->p != r->end && *r->p == '"' && read_string(r, key, n) && take(r, ':');
}

/* {"text": STRING} with an optional plain "id", in either order, each once: the shape
 * of nearly every post. 0 for any other element. */
static int read_plain_post(reader *r, batch_post *bp)
{
	int has_text = 0;
	r->p++;
	do {
		const char *key;
		size_t n;
		if (!read_key(r, &key, &n))
			return 0;
		skip_space(r);
		if (r->p == r->end)
			return 0;
		if (n == 4 && memcmp(key, "text", 4) == 0 && !has_text && *r->p == '"') {
			if (!read_string(r, &bp->text, &bp->len))
				return 0;
			has_text = 1;
		} else if (n == 2 && memcmp(key, "id", 2) == 0 && !bp->id) {
			if (!read_plain_id(r, bp))
				return 0;
		} else {
			return 0;
		}
	} while (take(r, ','));
	return take(r, '}') && has_text;
}

static int read_posts(reader *r, batch_request *b)
{
	if (!take(r, '['))
		return 0;
	if (take(r, ']'))
		return 1;
	do {
		if (b->count == b->cap) {
			b->cap = b->cap ? 2 * b->cap : 128;
			b->posts = tool_xrealloc(b->posts, b->cap * sizeof *b->posts);
		}
		batch_post *bp = &b->posts[b->count];
		*bp = (batch_post){0};
		skip_space(r);
		const unsigned char *start = r->p;
		size_t mark = r->decoded.len;
		if (start == r->end)
			return 0;
		if (*start != '{' || !read_plain_post(r, bp)) {
			/* any other element, read as the tree builder reads it (depth 2) */
			r->p = start;
			r->decoded.len = mark;
			*bp = (batch_post){0};
			if (!(bp->item = read_value(r, 2)))
				return 0;
		}
		b->count++;
	} while (take(r, ','));
	return take(r, ']');
}

/* {"posts": [...]} with an optional "redact": true or false, and nothing else. */
static int read_batch(reader *r, batch_request *b)
{
	int posts = 0, redact = 0;
	if (!take(r, '{'))
		return 0;
	do {
		const char *key;
		size_t n;
		if (!read_key(r, &key, &n))
			return 0;
		if (n == 5 && memcmp(key, "posts", 5) == 0 && !posts) {
			if (!read_posts(r, b))
				return 0;
			posts = 1;
		} else if (n == 6 && memcmp(key, "redact", 6) == 0 && !redact) {
			skip_space(r);
			if (read_literal(r, "true", json_true()))
				b->redact = 1;
			else if (!read_literal(r, "false", json_false()))
				return 0;
			redact = 1;
		} else {
			return 0;
		}
	} while (take(r, ','));
	return take(r, '}') && posts;
}

void batch_request_clear(batch_request *b)
{
	for (size_t i = 0; i < b->count; i++)
		json_decref(b->posts[i].item);
	b->count = 0;
	b->redact = 0;
	b->decoded.len = 0;
}

void batch_request_free(batch_request *b)
{
	batch_request_clear(b);
	free(b->posts);
	strbuf_free(&b->decoded);
	*b = (batch_request){0};
}

int tool_json_batch(batch_request *b, const char *buf, size_t len, size_t flags)
{
	batch_request_clear(b);
	/* Decoded strings are never longer than they are in the input: with room for the
	 * whole input, the buffer the texts point into never moves while it is read. */
	strbuf_grow(&b->decoded, len + 1);
	const char *arena = b->decoded.data;
	const unsigned char *in = (const unsigned char *)buf;
	reader r = {.begin = in, .p = in, .end = in + len, .flags = flags, .decoded = b->decoded,
	            .keep = 1};
	int ok = read_batch(&r, b);
	skip_space(&r);
	b->decoded = r.decoded;
	if (!ok || r.p != r.end || b->decoded.data != arena) {
		batch_request_clear(b);
		return 0;
	}
	return 1;
}
