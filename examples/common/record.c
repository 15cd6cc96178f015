/*
 * record.c - the JSON record of a screened post, one writer for mesura-screen's JSONL
 * output and mesura-serve's answers (DESIGN.md's output contract).
 */
/* RECORD_EXPLAIN writes the near misses of explain mode (mesura/experimental.h): a tool
 * that asks for them calls tool_require_experimental() at start. */
#define MESURA_EXPERIMENTAL
#include <stdint.h>

#include "tool.h"

/* Fields the record writes itself; input fields of these names are replaced. */
static int own_field(const char *key, unsigned flags)
{
	static const char *own[] = {"text",     "id",         "verdict", "findings",
	                            "redacted", "incomplete", "error"};
	for (size_t i = 0; i < sizeof own / sizeof own[0]; i++)
		if (strcmp(key, own[i]) == 0)
			return 1;
	return (flags & RECORD_FILE) && strcmp(key, "file") == 0;
}

/* UTF-16 code units of a lead byte: one, two above U+FFFF (a 4-byte sequence). */
static size_t units_of(unsigned char b)
{
	return (b & 0xc0) == 0x80 ? 0 : b >= 0xf0 ? 2 : 1;
}

#if defined(__SSE2__) && defined(__GNUC__) && !defined(MESURA_NO_SIMD)
#include <emmintrin.h>
/* The UTF-16 code units the 16 bytes at p hold (they may start or end mid-character:
 * continuation bytes count 0, lead bytes count their character's units). */
static size_t units16(const unsigned char *p)
{
	__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
	/* signed bytes: continuations 0x80-0xBF are below (char)0xC0, 4-byte leads
	 * 0xF0-0xFF are above (char)0xEF and below 0 */
	unsigned cont = (unsigned)_mm_movemask_epi8(_mm_cmplt_epi8(v, _mm_set1_epi8((char)0xc0)));
	unsigned four = (unsigned)_mm_movemask_epi8(_mm_cmpgt_epi8(v, _mm_set1_epi8((char)0xef))) &
	                (unsigned)_mm_movemask_epi8(v);
	return 16 - (size_t)__builtin_popcount(cont) + (size_t)__builtin_popcount(four);
}
#endif

size_t utf16_offset(utf16_cursor *c, size_t byte)
{
	const unsigned char *s = (const unsigned char *)c->text;
	if (byte > c->len)
		byte = c->len;
	if (byte < c->byte) {
		/* findings come by start, so an end can be past the next start: step back
		 * when that is nearer than the beginning */
		if (c->byte - byte <= byte) {
			while (c->byte > byte)
				c->units -= units_of(s[--c->byte]);
			return c->units;
		}
		c->byte = c->units = 0;
	}
#if defined(__SSE2__) && defined(__GNUC__) && !defined(MESURA_NO_SIMD)
	for (; byte - c->byte >= 16; c->byte += 16)
		c->units += units16(s + c->byte);
#endif
	for (; c->byte < byte; c->byte++)
		c->units += units_of(s[c->byte]);
	return c->units;
}

static void put_span(strbuf *out, utf16_cursor *u16, size_t start, size_t end)
{
	strbuf_puts(out, ",\"start\":");
	strbuf_put_uint(out, start);
	strbuf_puts(out, ",\"end\":");
	strbuf_put_uint(out, end);
	if (!u16)
		return;
	strbuf_puts(out, ",\"start_utf16\":");
	strbuf_put_uint(out, utf16_offset(u16, start));
	strbuf_puts(out, ",\"end_utf16\":");
	strbuf_put_uint(out, utf16_offset(u16, end));
}

void record_rule_fields(strbuf *out, const char *category, mesura_severity severity,
                        mesura_action action)
{
	strbuf_puts(out, ",\"category\":");
	strbuf_json_string(out, category, strlen(category));
	strbuf_puts(out, ",\"severity\":\"");
	strbuf_puts(out, mesura_severity_name(severity));
	strbuf_puts(out, "\",\"action\":\"");
	strbuf_puts(out, mesura_action_name(action));
	strbuf_putc(out, '"');
}

void record_findings(strbuf *out, const char *text, size_t len, const mesura_result *res,
                     unsigned flags)
{
	utf16_cursor cursor = {text, len, 0, 0};
	utf16_cursor *u16 = flags & RECORD_UTF16 ? &cursor : NULL;
	strbuf_puts(out, ",\"verdict\":\"");
	strbuf_puts(out, mesura_action_name(res->verdict));
	strbuf_puts(out, "\",\"findings\":[");
	for (size_t i = 0; i < mesura_result_finding_count(res); i++) {
		const mesura_finding *f = mesura_result_finding_get(res, i);
		strbuf_puts(out, i ? ",{\"rule\":" : "{\"rule\":");
		strbuf_json_string(out, f->rule_id, strlen(f->rule_id));
		record_rule_fields(out, f->category, f->severity, f->action);
		put_span(out, u16, f->start, f->end);
		strbuf_puts(out, ",\"text\":");
		strbuf_json_string(out, text + f->start, f->end - f->start);
		strbuf_puts(out, ",\"confidence\":");
		strbuf_put_confidence(out, f->confidence);
		if (flags & RECORD_EXPLAIN) {
			strbuf_puts(out, ",\"matched\":");
			strbuf_json_string(out, f->matched, f->matched_len);
			strbuf_puts(out, ",\"condition\":");
			strbuf_json_string(out, f->condition, strlen(f->condition));
		}
		strbuf_putc(out, '}');
	}
	strbuf_putc(out, ']');
	if (!(flags & RECORD_EXPLAIN))
		return;
	strbuf_puts(out, ",\"near_misses\":[");
	for (size_t i = 0; i < mesura_result_near_miss_count(res); i++) {
		const mesura_near_miss *m = mesura_result_near_miss_get(res, i);
		strbuf_puts(out, i ? ",{\"rule\":" : "{\"rule\":");
		strbuf_json_string(out, m->rule_id, strlen(m->rule_id));
		strbuf_puts(out, ",\"reason\":\"");
		strbuf_puts(out, mesura_miss_reason_name(m->reason));
		strbuf_putc(out, '"');
		put_span(out, u16, m->start, m->end);
		if (m->reason == MESURA_MISS_CONFIDENCE) {
			strbuf_puts(out, ",\"confidence\":");
			strbuf_put_confidence(out, m->confidence);
		}
		strbuf_putc(out, '}');
	}
	strbuf_putc(out, ']');
}

void record_screened(strbuf *out, const char *text, size_t len, const mesura_result *res,
                     int limited, const char *redacted, size_t redacted_len,
                     const json_t *object, unsigned flags)
{
	record_findings(out, text, len, res, flags);
	if (redacted) {
		strbuf_puts(out, ",\"redacted\":");
		strbuf_json_string(out, redacted, redacted_len);
	}
	if (limited)
		strbuf_puts(out, ",\"incomplete\":true");
	if (object) { /* the input's other fields, passed through in their order */
		const char *key;
		json_t *value;
		json_object_foreach((json_t *)object, key, value) {
			if (own_field(key, flags))
				continue;
			strbuf_put(out, ",", 1);
			strbuf_json_string(out, key, strlen(key));
			strbuf_put(out, ":", 1);
			strbuf_json(out, value);
		}
	}
	strbuf_putc(out, '}');
}

void record_unscreened(strbuf *out, mesura_action verdict, const char *why)
{
	strbuf_puts(out, ",\"verdict\":\"");
	strbuf_puts(out, mesura_action_name(verdict));
	strbuf_puts(out, "\",\"findings\":[],\"error\":");
	strbuf_json_string(out, why, strlen(why));
	strbuf_putc(out, '}');
}
