/* Conversion from other character sets to UTF-8 through glibc iconv.
 *
 * iconv decodes to UTF-32LE, not straight to UTF-8: glibc's UTF-8 encoder writes code
 * points above U+10FFFF that its UCS-4 decoder lets through as 4- to 6-byte sequences,
 * while its UTF-32 encoder rejects them (EILSEQ at the offending unit, like any other
 * invalid input). mesura then encodes the scalar values itself, so the output is
 * well-formed UTF-8 by construction and the size is counted without a second pass.
 *
 * A conversion descriptor is opened and closed on every call: descriptors carry shift
 * state and are not thread-safe, and one per call keeps the function reentrant
 * without a cache or a lock. */
#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <string.h>

#include "mesura/errors.h"
#include "text.h"

#define REPLACEMENT_CP 0xFFFD

/* UTF-32 units iconv writes per call; E2BIG just means "drain and call again". */
#define UNIT_BATCH 256

/* The caller's buffer: bytes are written while they fit, and counted either way, so a
 * buffer that is too small still learns the size needed. */
typedef struct {
	char *out;
	size_t cap;
	size_t len; /* bytes the whole output needs so far */
} utf8_sink;

static void sink_put(utf8_sink *s, const unsigned char *bytes, size_t n)
{
	if (s->len <= s->cap && n <= s->cap - s->len)
		memcpy(s->out + s->len, bytes, n);
	s->len += n;
}

static void sink_put_code_point(utf8_sink *s, int32_t cp)
{
	unsigned char bytes[4];
	sink_put(s, bytes, mesura_utf8__encode(cp, bytes));
}

static int is_scalar_value(uint32_t cp)
{
	return cp <= 0x10FFFF && (cp < 0xD800 || cp > 0xDFFF);
}

/* Encodes `n` UTF-32LE units from iconv. iconv only writes scalar values; anything
 * else would still become U+FFFD rather than ill-formed output. */
static void sink_put_units(utf8_sink *s, const unsigned char *units, size_t n, size_t *fixes)
{
	for (size_t i = 0; i < n; i++) {
		const unsigned char *u = units + 4 * i;
		uint32_t cp = (uint32_t)u[0] | (uint32_t)u[1] << 8 | (uint32_t)u[2] << 16 |
		              (uint32_t)u[3] << 24;
		if (!is_scalar_value(cp)) {
			cp = REPLACEMENT_CP;
			(*fixes)++;
		}
		sink_put_code_point(s, (int32_t)cp);
	}
}

/* The ASCII upper case of c; the locale must not change how names match. */
static char ascii_upper(char c)
{
	return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

/* Non-zero when `name` starts with `prefix` (upper-case, no separators), ignoring
 * case and the '-' and '_' separators of the name: "utf_16le" starts with "UTF16". */
static int name_starts_with(const char *name, const char *prefix)
{
	for (; *prefix; name++) {
		if (*name == '-' || *name == '_')
			continue;
		if (ascii_upper(*name) != *prefix)
			return 0;
		prefix++;
	}
	return 1;
}

/* Non-zero when `name` equals `upper` ignoring ASCII case. */
static int name_equals(const char *name, const char *upper)
{
	while (*name && ascii_upper(*name) == *upper) {
		name++;
		upper++;
	}
	return !*name && !*upper;
}

/* UTF-8 itself goes through mesura's own repair, the same everywhere in the library. */
static int is_utf8_name(const char *name)
{
	return name_equals(name, "UTF-8") || name_equals(name, "UTF8");
}

/* Bytes to skip past an invalid code unit: the UTF-16/UCS-2 and UTF-32/UCS-4 families
 * work in 2- and 4-byte units, the rest resynchronise on the next byte. */
static size_t code_unit_size(const char *charset)
{
	if (name_starts_with(charset, "UTF16") || name_starts_with(charset, "UCS2"))
		return 2;
	if (name_starts_with(charset, "UTF32") || name_starts_with(charset, "UCS4"))
		return 4;
	return 1;
}

/* Runs iconv over the whole input into the sink, replacing what it rejects. */
static void convert_all(iconv_t cd, const char *text, size_t len, size_t unit,
                        utf8_sink *sink, size_t *fixes)
{
	unsigned char units[4 * UNIT_BATCH];
	/* iconv's prototype predates const; it never writes through the input pointer. */
	char *in = (char *)text;
	size_t in_left = len;
	while (in_left > 0) {
		char *dst = (char *)units;
		size_t dst_left = sizeof units;
		size_t rc = iconv(cd, &in, &in_left, &dst, &dst_left);
		int err = errno;
		size_t produced = (sizeof units - dst_left) / 4;
		sink_put_units(sink, units, produced, fixes);
		if (rc != (size_t)-1)
			break;
		if (err == E2BIG && produced > 0)
			continue;
		sink_put_code_point(sink, REPLACEMENT_CP);
		(*fixes)++;
		if (err == EINVAL) /* a truncated sequence: it runs to the end of the input */
			break;
		/* EILSEQ, or anything that made no progress: skip one code unit and go on. */
		size_t skip = unit < in_left ? unit : in_left;
		in += skip;
		in_left -= skip;
	}
}

/* Writes what a stateful decoder still holds back and returns it to the initial state. */
static void flush_state(iconv_t cd, utf8_sink *sink, size_t *fixes)
{
	unsigned char units[4 * UNIT_BATCH];
	size_t produced;
	do {
		char *dst = (char *)units;
		size_t dst_left = sizeof units;
		size_t rc = iconv(cd, NULL, NULL, &dst, &dst_left);
		int err = errno;
		produced = (sizeof units - dst_left) / 4;
		sink_put_units(sink, units, produced, fixes);
		if (rc != (size_t)-1 || err != E2BIG)
			return;
	} while (produced > 0);
}

static int open_decoder(const char *charset, iconv_t *cd)
{
	if (!*charset) /* "" would mean the locale's charset: not a name, and not portable */
		return MESURA_ECHARSET;
	/* UTF-32LE, not "UTF-32": no BOM, and the byte order is known whatever the host. */
	*cd = iconv_open("UTF-32LE", charset);
	if (*cd != (iconv_t)-1)
		return MESURA_OK;
	return errno == EINVAL ? MESURA_ECHARSET : MESURA_ENOMEM; /* ENOMEM, EMFILE, ENFILE */
}

int mesura_charset_to_utf8(const char *charset, const char *text, size_t len, char *out,
                           size_t out_cap, size_t *out_len, size_t *replaced)
{
	if (!charset || !out_len || (!text && len > 0) || (!out && out_cap > 0))
		return MESURA_EINVAL;
	if (is_utf8_name(charset))
		return mesura_utf8_repair(text, len, out, out_cap, out_len, replaced);
	iconv_t cd;
	int rc = open_decoder(charset, &cd);
	if (rc != MESURA_OK)
		return rc;
	utf8_sink sink = {out, out_cap, 0};
	size_t fixes = 0;
	convert_all(cd, text, len, code_unit_size(charset), &sink, &fixes);
	flush_state(cd, &sink, &fixes);
	iconv_close(cd);
	*out_len = sink.len;
	if (replaced)
		*replaced = fixes;
	return sink.len <= out_cap ? MESURA_OK : MESURA_EBUFS;
}
