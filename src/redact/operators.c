/* Writing the plan: each region with its operator, the text between regions copied,
 * and one map segment per piece. */
#include <string.h>
#include <utf8proc.h>

#include "internal.h"
#include "mesura/errors.h"
#include "siphash.h"
#include "text/text.h"

int mesura_redact__append(mesura_redactor *r, redact_buf *b, const void *data, size_t n)
{
	void *p = b->data;
	int rc = mesura_alloc__grow(&r->alloc, &p, &b->cap, b->len + n + 1, 1);
	if (rc != MESURA_OK)
		return rc;
	b->data = p;
	if (n)
		memcpy(b->data + b->len, data, n);
	b->len += n;
	b->data[b->len] = '\0';
	return MESURA_OK;
}

static int append(mesura_redactor *r, const void *data, size_t n)
{
	return mesura_redact__append(r, &r->out, data, n);
}

static int push_segment(mesura_redactor *r, mesura_redact_segment seg)
{
	void *p = r->map;
	int rc = mesura_alloc__grow(&r->alloc, &p, &r->map_cap, r->n_map + 1, sizeof seg);
	if (rc != MESURA_OK)
		return rc;
	r->map = p;
	r->map[r->n_map++] = seg;
	return MESURA_OK;
}

/* Copies text[start, end) unchanged, as one segment decided by `span`. */
static int copy(mesura_redactor *r, const char *text, size_t start, size_t end, size_t span)
{
	if (start == end)
		return MESURA_OK;
	size_t out_start = r->out.len;
	int rc = append(r, text + start, end - start);
	if (rc != MESURA_OK)
		return rc;
	return push_segment(r, (mesura_redact_segment){out_start, r->out.len, start, end, 0,
	                                                MESURA_REDACT_KEEP, span});
}

/* ------------------------------------------------------------ templates */

enum { PIECE_LITERAL, PIECE_BRACE, PH_CATEGORY, PH_CATEGORY_UPPER, PH_RULE, PH_HASH };

static const struct {
	const char *name;
	int kind;
} PLACEHOLDERS[] = {{"{category}", PH_CATEGORY},
                    {"{CATEGORY}", PH_CATEGORY_UPPER},
                    {"{rule}", PH_RULE},
                    {"{hash}", PH_HASH}};

/* Length of the template piece at t and its kind: a literal run up to the next '{',
 * "{{", or a placeholder. 0 for a '{' that is none of these. */
static size_t template_piece(const char *t, int *kind)
{
	*kind = PIECE_LITERAL;
	if (*t != '{')
		return strcspn(t, "{");
	if (t[1] == '{') {
		*kind = PIECE_BRACE;
		return 2;
	}
	for (size_t i = 0; i < sizeof PLACEHOLDERS / sizeof *PLACEHOLDERS; i++) {
		size_t n = strlen(PLACEHOLDERS[i].name);
		if (strncmp(t, PLACEHOLDERS[i].name, n) == 0) {
			*kind = PLACEHOLDERS[i].kind;
			return n;
		}
	}
	return 0;
}

int mesura_redact__check_template(const char *tmpl, mesura_redact_op op)
{
	if (!tmpl)
		return MESURA_OK;
	if (mesura_utf8_validate(tmpl, strlen(tmpl), NULL) != MESURA_OK)
		return MESURA_EINVAL;
	int has_hash = 0, kind;
	for (const char *t = tmpl; *t;) {
		size_t n = template_piece(t, &kind);
		if (n == 0)
			return MESURA_EINVAL;
		has_hash |= kind == PH_HASH;
		t += n;
	}
	/* A label never carries a digest; a hash token always does. */
	return has_hash == (op == MESURA_REDACT_HASH) ? MESURA_OK : MESURA_EINVAL;
}

/* {CATEGORY}: the category's last part ("pii.email" -> "EMAIL"), each character
 * decomposed and stripped of marks, letters in capitals, digits kept, every run of
 * anything else one '_' (never at either end). ASCII, so a label cannot look like
 * the PII it replaces. */
static int append_category_upper(mesura_redactor *r, const char *category)
{
	const char *part = category ? strrchr(category, '.') : NULL;
	part = part ? part + 1 : category ? category : "";
	size_t len = strlen(part), before = r->out.len;
	int gap = 0, rc = MESURA_OK;
	for (size_t i = 0; i < len && rc == MESURA_OK;) {
		int32_t cp, parts[32];
		i += mesura_utf8__decode((const unsigned char *)part, len, i, &cp);
		utf8proc_ssize_t n = utf8proc_decompose_char(
		    cp, parts, 32, UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT | UTF8PROC_STRIPMARK, NULL);
		for (utf8proc_ssize_t k = 0; k < n && k < 32 && rc == MESURA_OK; k++) {
			int32_t c = parts[k];
			if (c >= 'a' && c <= 'z')
				c -= 'a' - 'A';
			if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) {
				gap = r->out.len > before;
				continue;
			}
			char ch = (char)c;
			if (gap)
				rc = append(r, "_", 1);
			if (rc == MESURA_OK)
				rc = append(r, &ch, 1);
			gap = 0;
		}
	}
	if (rc == MESURA_OK && r->out.len == before)
		rc = append(r, "REDACTED", 8);
	return rc;
}

static int append_hex(mesura_redactor *r, uint64_t digest, unsigned bytes)
{
	static const char HEX[] = "0123456789abcdef";
	char hex[16];
	for (unsigned i = 0; i < bytes; i++) { /* the reference's little-endian byte order */
		unsigned b = (unsigned)(digest >> (8 * i)) & 0xff;
		hex[2 * i] = HEX[b >> 4];
		hex[2 * i + 1] = HEX[b & 15];
	}
	return append(r, hex, 2 * bytes);
}

static int expand(mesura_redactor *r, const char *tmpl, const mesura_redact_span *sp,
                  uint64_t digest, unsigned hash_bytes)
{
	int rc = MESURA_OK, kind;
	for (const char *t = tmpl; *t && rc == MESURA_OK;) {
		size_t n = template_piece(t, &kind); /* checked: never 0 */
		switch (kind) {
		case PIECE_LITERAL: rc = append(r, t, n); break;
		case PIECE_BRACE: rc = append(r, "{", 1); break;
		case PH_CATEGORY:
			rc = sp->category ? append(r, sp->category, strlen(sp->category)) : MESURA_OK;
			break;
		case PH_CATEGORY_UPPER: rc = append_category_upper(r, sp->category); break;
		case PH_RULE:
			rc = sp->rule_id ? append(r, sp->rule_id, strlen(sp->rule_id)) : MESURA_OK;
			break;
		default: rc = append_hex(r, digest, hash_bytes); break;
		}
		t += n;
	}
	return rc;
}

/* ------------------------------------------------------------ operators */

/* White space or punctuation: what keep_separators leaves so "4111-1111" stays
 * "****-****" and "ana@x.es" "***@*.**". */
static int is_separator(const char *text, size_t len, size_t at)
{
	int32_t cp;
	mesura_utf8__decode((const unsigned char *)text, len, at, &cp);
	if (cp < 0)
		return 0;
	if ((cp >= 0x09 && cp <= 0x0D) || cp == 0x85)
		return 1;
	utf8proc_category_t c = utf8proc_category(cp);
	return (c >= UTF8PROC_CATEGORY_PC && c <= UTF8PROC_CATEGORY_PO) ||
	       (c >= UTF8PROC_CATEGORY_ZS && c <= UTF8PROC_CATEGORY_ZP);
}

/* Is the cluster at [i, next) left as it is by keep_separators? Not when it is the
 * mask itself ('*' and '•' are punctuation): a masked value masked again must count
 * the same characters, so that redaction is idempotent. */
static int kept_separator(const char *text, size_t len, size_t i, size_t next,
                          const char *mask, size_t mask_len, const mesura_redact_format *o)
{
	if (!o->keep_separators || !is_separator(text, len, i))
		return 0;
	return next - i != mask_len || memcmp(text + i, mask, mask_len) != 0;
}

static int write_mask(mesura_redactor *r, const char *text, size_t len,
                      const redact_region *g, const mesura_redact_format *o)
{
	const char *mask = o->mask_char ? o->mask_char : "*";
	size_t mask_len = strlen(mask), maskable = 0, next;
	for (size_t i = g->start; i < g->end; i = next) {
		next = mesura_redact__next_cluster(r, i);
		maskable += !kept_separator(text, len, i, next, mask, mask_len, o);
	}
	size_t first = o->keep_first, last = o->keep_last;
	if (first >= maskable || last >= maskable - first)
		first = last = 0; /* keeping them would reveal the whole value */
	size_t k = 0;
	int rc = MESURA_OK;
	for (size_t i = g->start; i < g->end && rc == MESURA_OK;) {
		next = mesura_redact__next_cluster(r, i);
		int clear = kept_separator(text, len, i, next, mask, mask_len, o);
		if (!clear) {
			clear = k < first || k >= maskable - last;
			k++;
		}
		rc = clear ? append(r, text + i, next - i) : append(r, mask, mask_len);
		i = next;
	}
	return rc;
}

static int write_label(mesura_redactor *r, const char *text, const redact_region *g,
                       const mesura_redact_span *sp, const mesura_redact_format *o)
{
	if (g->op == MESURA_REDACT_LABEL)
		return expand(r, o->label ? o->label : "[{CATEGORY}]", sp, 0, 0);
	unsigned bytes = o->hash_bytes ? o->hash_bytes : MESURA_REDACT_HASH_BYTES_MIN;
	uint64_t digest = mesura_redact__siphash24(
	    r->key, (const unsigned char *)text + g->start, g->end - g->start);
	return expand(r, o->hash_label ? o->hash_label : "[{CATEGORY}:{hash}]", sp, digest, bytes);
}

/* ------------------------------------------------------------ remove */

/* Closing punctuation that should not follow a space: "at ." -> "at.". */
static int is_closing(const char *text, size_t len, size_t at)
{
	int32_t cp;
	mesura_utf8__decode((const unsigned char *)text, len, at, &cp);
	if (cp >= 0 && cp < 0x80)
		return cp != 0 && strchr(",.;:!?)]}", (char)cp) != NULL;
	switch (cp) {
	case 0x2026: case 0x3001: case 0x3002: case 0xFF01: case 0xFF09: case 0xFF0C:
	case 0xFF0E: case 0xFF1A: case 0xFF1B: case 0xFF1F:
		return 1;
	default:
		return 0;
	}
}

/* Is the output's last byte a space copied from outside every span? */
static int can_take_space_before(const mesura_redactor *r)
{
	const mesura_redact_segment *last = r->n_map ? &r->map[r->n_map - 1] : NULL;
	return last && last->span == SIZE_MAX && last->out_end == r->out.len &&
	       r->out.data[r->out.len - 1] == ' ';
}

/* Removes the region, taking one space with it when the removal would leave two
 * spaces together, a space before closing punctuation or the end, or a space at the
 * start: "at X today" -> "at today". The space taken is never inside another span.
 * `limit` is where the next region starts. */
static int write_remove(mesura_redactor *r, const char *text, size_t len,
                        const redact_region *g, size_t limit, size_t *consumed)
{
	size_t in_start = g->start, in_end = g->end;
	int space_before = r->out.len > 0 && r->out.data[r->out.len - 1] == ' ';
	int space_after = in_end < len && text[in_end] == ' ';
	int take_after = space_after && in_end < limit && (space_before || r->out.len == 0);
	int take_before = !take_after && space_before && can_take_space_before(r) &&
	                  (space_after || in_end == len || is_closing(text, len, in_end));
	if (take_after)
		in_end++;
	if (take_before) {
		mesura_redact_segment *last = &r->map[r->n_map - 1];
		r->out.data[--r->out.len] = '\0';
		last->out_end--;
		last->in_end--;
		in_start--;
		if (last->out_end == last->out_start)
			r->n_map--;
	}
	*consumed = in_end;
	return push_segment(r, (mesura_redact_segment){r->out.len, r->out.len, in_start, in_end,
	                                                1, MESURA_REDACT_REMOVE, g->span});
}

/* ------------------------------------------------------------ the plan */

static int write_region(mesura_redactor *r, const char *text, size_t len,
                        const redact_region *g, const mesura_redact_span *spans,
                        size_t limit, size_t *consumed)
{
	const mesura_redact_span *sp = &spans[g->span];
	mesura_redact_format o;
	*consumed = g->end;
	if (g->op == MESURA_REDACT_KEEP)
		return copy(r, text, g->start, g->end, g->span);
	if (g->op == MESURA_REDACT_REMOVE)
		return write_remove(r, text, len, g, limit, consumed);
	size_t out_start = r->out.len;
	int rc = mesura_redact__span_format(sp, &o); /* checked: MESURA_OK */
	if (rc == MESURA_OK)
		rc = g->op == MESURA_REDACT_MASK ? write_mask(r, text, len, g, &o)
		                                 : write_label(r, text, g, sp, &o);
	if (rc != MESURA_OK)
		return rc;
	return push_segment(r, (mesura_redact_segment){out_start, r->out.len, g->start, g->end,
	                                                1, g->op, g->span});
}

int mesura_redact__write(mesura_redactor *r, const char *text, size_t len,
                         const mesura_redact_span *spans)
{
	r->out.len = 0;
	r->n_map = 0;
	int rc = mesura_redact__append(r, &r->out, NULL, 0); /* the NUL of an empty output */
	size_t at = 0;
	for (size_t i = 0; i < r->n_regions && rc == MESURA_OK; i++) {
		const redact_region *g = &r->regions[i];
		size_t limit = i + 1 < r->n_regions ? r->regions[i + 1].start : len;
		rc = copy(r, text, at, g->start, SIZE_MAX);
		if (rc == MESURA_OK)
			rc = write_region(r, text, len, g, spans, limit, &at);
	}
	if (rc == MESURA_OK)
		rc = copy(r, text, at, len, SIZE_MAX);
	return rc;
}
