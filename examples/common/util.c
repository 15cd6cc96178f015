/*
 * util.c - buffers, messages, option helpers and the policy loader of the tools.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tool.h"

void tool_die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "%s: ", tool_name);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(3);
}

char *tool_utf8_dup(const char *s)
{
	size_t len = strlen(s), need = 0;
	if (mesura_utf8_validate(s, len, NULL) == MESURA_OK) {
		char *copy = tool_xmalloc(len + 1);
		memcpy(copy, s, len + 1);
		return copy;
	}
	mesura_utf8_repair(s, len, NULL, 0, &need, NULL); /* size query */
	char *out = tool_xmalloc(need + 1);
	if (mesura_utf8_repair(s, len, out, need + 1, &need, NULL) != MESURA_OK)
		tool_die("cannot repair UTF-8");
	out[need] = '\0';
	return out;
}

void *tool_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		tool_die("out of memory");
	return p;
}

void *tool_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		tool_die("out of memory");
	return q;
}

static const char *test_scan_error; /* MESURA_TEST_SCAN_ERROR */

void tool_init(const char *name)
{
	tool_options_init(name);
	test_scan_error = getenv("MESURA_TEST_SCAN_ERROR");
	if (test_scan_error && !test_scan_error[0])
		test_scan_error = NULL;
}

static int contains(const char *s, size_t n, const char *needle)
{
	size_t m = strlen(needle);
	for (size_t i = 0; m <= n && i <= n - m; i++)
		if (memcmp(s + i, needle, m) == 0)
			return 1;
	return 0;
}

int tool_scan(mesura_scanner *scanner, const char *text, size_t len, unsigned int flags,
              const mesura_result **result)
{
	int rc = mesura_scan(scanner, text, len, flags, result);
	if (test_scan_error && (rc == MESURA_OK || rc == MESURA_ELIMIT) &&
	    contains(text, len, test_scan_error))
		rc = MESURA_ENOMEM;
	return rc;
}

const char *tool_limit_reason(unsigned int limits_hit)
{
	if (limits_hit & MESURA_LIMIT_POST_SIZE)
		return "the post is larger than the scan limit";
	if (limits_hit & MESURA_LIMIT_TIME)
		return "the time budget ran out";
	if (limits_hit & MESURA_LIMIT_REGEX)
		return "a rule hit its match limit";
	if (limits_hit & MESURA_LIMIT_MASKED)
		return "a word exhausted its search budget";
	if (limits_hit & MESURA_LIMIT_FINDINGS)
		return "too many findings";
	return "an error stopped the scan";
}

/* ------------------------------------------------------------- strbuf */

void strbuf_record_head(strbuf *b, const json_t *id, const posts_line *line, int with_file)
{
	strbuf_puts(b, "{\"id\":");
	if (id)
		strbuf_json(b, id);
	else
		strbuf_put_uint(b, line->line);
	if (with_file) {
		strbuf_puts(b, ",\"file\":");
		strbuf_json_string(b, line->source, strlen(line->source));
	}
}

void strbuf_grow(strbuf *b, size_t more)
{
	if (b->cap - b->len > more)
		return;
	size_t cap = b->cap ? b->cap : 256;
	while (cap - b->len <= more)
		cap *= 2;
	b->data = tool_xrealloc(b->data, cap);
	b->cap = cap;
}

void strbuf_put_uint(strbuf *b, unsigned long long n)
{
	char digits[20];
	size_t i = sizeof digits;
	do {
		digits[--i] = (char)('0' + n % 10);
		n /= 10;
	} while (n);
	strbuf_put(b, digits + i, sizeof digits - i);
}

void strbuf_put_confidence(strbuf *b, double confidence)
{
	long thousandths = (long)(confidence * 1000.0 + 0.5);
	if (thousandths < 0 || thousandths > 1000) { /* outside 0..1: let printf say it */
		strbuf_printf(b, "%g", (double)thousandths / 1000.0);
		return;
	}
	/* %g of k/1000 for k in 0..1000: "0", "1", or "0." and k's three digits without
	 * their trailing zeros (six significant digits are more than three decimals). */
	if (thousandths == 0 || thousandths == 1000) {
		strbuf_putc(b, thousandths ? '1' : '0');
		return;
	}
	char digits[5] = {'0', '.', (char)('0' + thousandths / 100),
	                  (char)('0' + thousandths / 10 % 10), (char)('0' + thousandths % 10)};
	size_t n = sizeof digits;
	while (digits[n - 1] == '0')
		n--;
	strbuf_put(b, digits, n);
}

void strbuf_printf(strbuf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	strbuf_grow(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void strbuf_free(strbuf *b)
{
	free(b->data);
	*b = (strbuf){0};
}

static int json_to_strbuf(const char *buffer, size_t size, void *data)
{
	strbuf_put(data, buffer, size);
	return 0;
}

/* Whether jansson would write string s as it is between quotes: printable ASCII
 * without '"' or '\\' (it escapes those two and the controls; the rest of
 * its escapes differ from strbuf_json_string's). */
static int plain_ascii(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] > 0x7e || s[i] == '"' || s[i] == '\\')
			return 0;
	return 1;
}

void strbuf_json(strbuf *b, const json_t *json)
{
	/* the usual ids (an integer, a plain string) without jansson's dump machinery */
	if (json_is_integer(json)) {
		json_int_t n = json_integer_value(json);
		if (n < 0)
			strbuf_putc(b, '-');
		strbuf_put_uint(b, n < 0 ? 0 - (unsigned long long)n : (unsigned long long)n);
		return;
	}
	if (json_is_string(json) && plain_ascii(json_string_value(json), json_string_length(json))) {
		strbuf_putc(b, '"');
		strbuf_put(b, json_string_value(json), json_string_length(json));
		strbuf_putc(b, '"');
		return;
	}
	if (json_dump_callback(json, json_to_strbuf, b,
	                       JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(15)) != 0)
		tool_die("cannot encode JSON output");
}

#if defined(__SSE2__) && defined(__GNUC__) && !defined(MESURA_NO_SIMD)
#include <emmintrin.h>
/* A bit per byte of the 16 at p that a JSON string escapes: '"', '\\', controls. */
static unsigned escapes16(const char *p)
{
	__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
	__m128i e = _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')),
	                         _mm_cmpeq_epi8(v, _mm_set1_epi8('\\')));
	e = _mm_or_si128(e, _mm_cmplt_epi8(v, _mm_set1_epi8(0x20))); /* signed: and >= 0x80 */
	return (unsigned)_mm_movemask_epi8(e) & ~(unsigned)_mm_movemask_epi8(v);
}
#endif

void strbuf_json_string(strbuf *b, const char *s, size_t n)
{
	if (b->cap - b->len <= n + 2)
		strbuf_grow(b, n + 2);
	b->data[b->len++] = '"';
	size_t run = 0; /* bytes copied as they are, written in one go */
	for (size_t i = 0; i < n; i++) {
#if defined(__SSE2__) && defined(__GNUC__) && !defined(MESURA_NO_SIMD)
		if (n - i >= 16) { /* sixteen bytes at a time to the next one to escape */
			unsigned escapes = escapes16(s + i);
			if (!escapes) {
				i += 15;
				continue;
			}
			i += (unsigned)__builtin_ctz(escapes);
		}
#endif
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		strbuf_put(b, s + run, i - run);
		run = i + 1;
		switch (c) {
		case '"': strbuf_put(b, "\\\"", 2); break;
		case '\\': strbuf_put(b, "\\\\", 2); break;
		case '\n': strbuf_put(b, "\\n", 2); break;
		case '\r': strbuf_put(b, "\\r", 2); break;
		case '\t': strbuf_put(b, "\\t", 2); break;
		default: {
			static const char hex[] = "0123456789abcdef";
			char escape[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
			strbuf_put(b, escape, sizeof escape);
			break;
		}
		}
	}
	strbuf_put(b, s + run, n - run);
	strbuf_put(b, "\"", 1);
}

void strbuf_csv(strbuf *b, const char *s, size_t n, int text_field)
{
	/* not strchr: it would find a leading NUL (the terminator) in "=+-@\t\r" */
	int formula = text_field && n > 0 && s[0] != '\0' && strchr("=+-@\t\r", s[0]) != NULL;
	int quote = formula;
	for (size_t i = 0; i < n && !quote; i++)
		quote = s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
	if (!quote) {
		strbuf_put(b, s, n);
		return;
	}
	strbuf_put(b, "\"", 1);
	if (formula)
		strbuf_put(b, "'", 1);
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"')
			strbuf_put(b, "\"", 1);
		strbuf_put(b, s + i, 1);
	}
	strbuf_put(b, "\"", 1);
}

/* ------------------------------------------------------------- options */

void tool_print_diagnostic(const mesura_diagnostic *d)
{
	if (d->line)
		fprintf(stderr, "%s:%u:%u: ", d->file, d->line, d->column);
	else
		fprintf(stderr, "%s: ", d->file);
	fprintf(stderr, "%s: %s%s%s", d->severity == MESURA_DIAG_ERROR ? "error" : "warning",
	        d->path, d->path[0] ? ": " : "", d->message);
	if (d->rule_id)
		fprintf(stderr, " [rule %s]", d->rule_id);
	fputc('\n', stderr);
}

int tool_compile_policy(mesura_policy **out, const char *path, int no_file_access,
                        mesura_diagnostics **diags)
{
	mesura_compile_options copts = MESURA_COMPILE_OPTIONS_INIT;
	if (no_file_access)
		copts.flags |= MESURA_COMPILE_NO_FILES;
	if (!path)
		return mesura_policy_default(out, diags, NULL); /* reads no file */
	if (strncmp(path, "builtin:", 8) != 0)
		return mesura_policy_load_file(out, path, &copts, diags, NULL);
	/* a built-in module on its own: a policy that includes it (reads no file) */
	char src[256];
	int n = snprintf(src, sizeof src, "mesura: 1\nname: %s\ninclude: [\"%s\"]\n", path + 8,
	                 path);
	if (n < 0 || (size_t)n >= sizeof src || strpbrk(path, "\"\\\n"))
		tool_die("%s: not a built-in module name", path);
	return mesura_policy_compile(out, src, (size_t)n, "(command line)", &copts, diags, NULL);
}

mesura_policy *tool_load_policy(const char *path, int no_file_access)
{
	/* mesura_policy_load_file says why a file cannot be read (and opens none that
	 * could block: a FIFO, a terminal) */
	mesura_policy *policy = NULL;
	mesura_diagnostics *diags = NULL;
	int rc = tool_compile_policy(&policy, path, no_file_access, &diags);
	for (size_t i = 0; i < mesura_diagnostics_count(diags); i++)
		tool_print_diagnostic(mesura_diagnostics_get(diags, i));
	size_t errors = mesura_diagnostics_errors(diags);
	mesura_diagnostics_free(diags);
	if (rc == MESURA_OK)
		return policy;
	if (!path)
		tool_die("the built-in default policy is not available (%s); "
		         "give a policy file with --policy FILE",
		         mesura_strerror(rc));
	if (rc == MESURA_EIO && errors)
		exit(3); /* the diagnostic above says why: "cannot open 'x': ..." */
	if (errors)
		tool_die("%s: the policy does not compile (%zu error%s above)", path, errors,
		         errors == 1 ? "" : "s");
	tool_die("%s: cannot load the policy: %s", path, mesura_strerror(rc));
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

void tool_hash_key(const char *hex, unsigned char key[MESURA_REDACT_KEY_SIZE])
{
	const char *from = hex ? "--hash-key" : "MESURA_HASH_KEY";
	if (!hex)
		hex = getenv("MESURA_HASH_KEY");
	if (hex && hex[0]) {
		if (strlen(hex) != 2 * MESURA_REDACT_KEY_SIZE)
			tool_die("%s: the key must be %d hex digits", from, 2 * MESURA_REDACT_KEY_SIZE);
		for (size_t i = 0; i < MESURA_REDACT_KEY_SIZE; i++) {
			int hi = hex_value(hex[2 * i]), lo = hex_value(hex[2 * i + 1]);
			if (hi < 0 || lo < 0)
				tool_die("%s: the key must be %d hex digits", from,
				         2 * MESURA_REDACT_KEY_SIZE);
			key[i] = (unsigned char)(hi << 4 | lo);
		}
		return;
	}
	int fd = open("/dev/urandom", O_RDONLY);
	size_t got = 0;
	while (fd >= 0 && got < MESURA_REDACT_KEY_SIZE) {
		ssize_t n = read(fd, key + got, MESURA_REDACT_KEY_SIZE - got);
		if (n <= 0 && errno != EINTR)
			break;
		got += n > 0 ? (size_t)n : 0;
	}
	if (fd >= 0)
		close(fd);
	if (got < MESURA_REDACT_KEY_SIZE)
		tool_die("cannot read a random hash key from /dev/urandom; give one with --hash-key");
}

unsigned long tool_parse_count(const char *option, const char *value, unsigned long max)
{
	/* Digits only: strtoul would take "-1" (as ULONG_MAX), " 7" and "+7". */
	int digits = value[0] != '\0';
	for (const char *c = value; *c; c++)
		digits &= *c >= '0' && *c <= '9';
	char *end;
	errno = 0;
	unsigned long n = digits ? strtoul(value, &end, 10) : 0;
	if (!digits || errno || n == 0 || n > max)
		tool_die("%s: expected a number from 1 to %lu, not \"%s\"", option, max, value);
	return n;
}

unsigned tool_cores(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1u : n > 256 ? 256u : (unsigned)n;
}

int posts_parse_format(const char *name)
{
	if (strcmp(name, "auto") == 0)
		return POSTS_AUTO;
	if (strcmp(name, "text") == 0)
		return POSTS_TEXT;
	if (strcmp(name, "jsonl") == 0)
		return POSTS_JSONL;
	return -1;
}

/* --------------------------------------------------------------- misc */

double tool_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

unsigned long tool_peak_rss_kib(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	if (!f)
		return 0;
	char line[256];
	unsigned long kib = 0;
	while (fgets(line, sizeof line, f))
		if (strncmp(line, "VmHWM:", 6) == 0)
			kib = strtoul(line + 6, NULL, 10);
	fclose(f);
	return kib;
}
