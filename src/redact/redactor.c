/* The redactor object and the public entry points: redact, redact findings, preview. */
#include <string.h>

#include "common/options.h"
#include "internal.h"
#include "mesura/errors.h"

MESURA_OPTIONS_LAYOUT(redactor_options_layout, MESURA_REDACTOR_OPTIONS_VERSION,
                      sizeof(mesura_redactor_options));
MESURA_OPTIONS_LAYOUT(preview_options_layout, MESURA_REDACT_PREVIEW_OPTIONS_VERSION,
                      sizeof(mesura_redact_preview_options));

int mesura_redactor_options_init(mesura_redactor_options *opts, unsigned int version)
{
	MESURA_OPTIONS_INIT_FROM_TEMPLATE(opts, version, mesura_redactor_options,
	                                  MESURA_REDACTOR_OPTIONS_INIT, redactor_options_layout);
}

int mesura_redact_preview_options_init(mesura_redact_preview_options *opts,
                                       unsigned int version)
{
	MESURA_OPTIONS_INIT_FROM_TEMPLATE(opts, version, mesura_redact_preview_options,
	                                  MESURA_REDACT_PREVIEW_OPTIONS_INIT, preview_options_layout);
}

int mesura_redactor_new(mesura_redactor **out, const mesura_redactor_options *opts,
                        const mesura_allocator *allocator)
{
	static const mesura_redactor_options defaults = MESURA_REDACTOR_OPTIONS_INIT;
	if (!out)
		return MESURA_EINVAL;
	*out = NULL;
	mesura_redactor_options o;
	int rc = mesura_options__read(&o, opts, &defaults, &redactor_options_layout);
	if (rc != MESURA_OK)
		return rc;
	mesura_redactor *r;
	rc = mesura_alloc__new_object((void **)&r, sizeof *r, allocator);
	if (rc != MESURA_OK)
		return rc;
	atomic_init(&r->busy, 0);
	if (o.hash_key) {
		memcpy(r->key, o.hash_key, sizeof r->key);
		r->has_key = 1;
	}
	*out = r;
	return MESURA_OK;
}

void mesura_redactor_free(mesura_redactor *r)
{
	if (!r)
		return;
	volatile unsigned char *key = r->key; /* a plain memset could be optimised away */
	for (size_t i = 0; i < sizeof r->key; i++)
		key[i] = 0;
	mesura_alloc__free(&r->alloc, r->marks);
	mesura_alloc__free(&r->alloc, r->regions);
	mesura_alloc__free(&r->alloc, r->keeps);
	mesura_alloc__free(&r->alloc, r->map);
	mesura_alloc__free(&r->alloc, r->spans);
	mesura_alloc__free(&r->alloc, r->sentences);
	mesura_alloc__free(&r->alloc, r->out.data);
	mesura_alloc__free(&r->alloc, r->preview.data);
	mesura_allocator a = r->alloc;
	mesura_alloc__free(&a, r);
}

/* Scans, checks and plans: everything before the first byte of output. */
static int prepare(mesura_redactor *r, const char *text, size_t len,
                   const mesura_redact_span *spans, size_t n, int need_key)
{
	int rc = mesura_redact__scan_text(r, text, len);
	if (rc == MESURA_OK)
		rc = mesura_redact__check_spans(r, len, spans, n, need_key);
	if (rc == MESURA_OK)
		rc = mesura_redact__plan(r, spans, n);
	return rc;
}

int mesura_redact__claim(mesura_redactor *r)
{
	return !atomic_exchange_explicit(&r->busy, 1, memory_order_acquire);
}

void mesura_redact__release(mesura_redactor *r)
{
	atomic_store_explicit(&r->busy, 0, memory_order_release);
}

int mesura_redact__spans(mesura_redactor *r, const char *text, size_t len,
                        const mesura_redact_span *spans, size_t n_spans, const char **out,
                        size_t *out_len)
{
	r->n_map = 0;
	text = text ? text : "";
	int rc = prepare(r, text, len, spans, n_spans, 1);
	if (rc == MESURA_OK)
		rc = mesura_redact__write(r, text, len, spans);
	if (rc != MESURA_OK) {
		r->n_map = 0;
		return rc;
	}
	*out = r->out.data;
	*out_len = r->out.len;
	return MESURA_OK;
}

int mesura_redact(mesura_redactor *r, const char *text, size_t len,
                  const mesura_redact_span *spans, size_t n_spans, size_t span_size,
                  const char **out, size_t *out_len)
{
	if (!r || !out || !out_len || (!text && len > 0) || (!spans && n_spans > 0))
		return MESURA_EINVAL;
	if (!mesura_redact__claim(r))
		return MESURA_EBUSY;
	int rc = mesura_redact__copy_spans(r, spans, n_spans, span_size);
	if (rc == MESURA_OK)
		rc = mesura_redact__spans(r, text, len, r->spans, n_spans, out, out_len);
	else
		r->n_map = 0;
	mesura_redact__release(r);
	return rc;
}

size_t mesura_redactor_map_count(const mesura_redactor *r)
{
	return r ? r->n_map : 0;
}

const mesura_redact_segment *mesura_redactor_map_get(const mesura_redactor *r, size_t i)
{
	return i < mesura_redactor_map_count(r) ? &r->map[i] : NULL;
}

/* ------------------------------------------------------------ findings */

static const mesura_redact_format KEEP_LAST_4 = {MESURA_REDACT_FORMAT_VERSION, NULL, 0, 4, 1,
                                                  NULL, NULL, 0};
static const mesura_redact_format KEEP_FIRST_1 = {MESURA_REDACT_FORMAT_VERSION, NULL, 1, 0, 0,
                                                   NULL, NULL, 0};

/* "[CONFIDENTIAL]" would itself be a confidentiality marker that the policy flags: a
 * label must never match a rule (redaction is idempotent). */
static const mesura_redact_format WITHHELD = {MESURA_REDACT_FORMAT_VERSION, NULL, 0, 0, 0,
                                               "[REDACTED]", NULL, 0};

static int is_category(const char *category, const char *name)
{
	return category && strcmp(category, name) == 0;
}

void mesura_redact__default_span(mesura_redact_span *span, const mesura_finding *f)
{
	*span = (mesura_redact_span){f->start, f->end, MESURA_REDACT_LABEL, NULL, f->category,
	                             f->rule_id};
	if (f->action <= MESURA_ACTION_LOG) {
		span->op = MESURA_REDACT_KEEP;
	} else if (is_category(f->category, "pii.payment_card")) {
		span->op = MESURA_REDACT_MASK;
		span->format = &KEEP_LAST_4;
	} else if (is_category(f->category, "profanity") ||
	           is_category(f->category, "harassment") || is_category(f->category, "hate") ||
	           is_category(f->category, "sexual")) {
		span->op = MESURA_REDACT_MASK;
		span->format = &KEEP_FIRST_1;
	} else if (is_category(f->category, "confidential")) {
		span->format = &WITHHELD;
	}
}

int mesura_redact_span_from_finding(mesura_redact_span *span, size_t span_size,
                                    const mesura_finding *finding)
{
	if (!finding)
		return MESURA_EINVAL;
	mesura_redact_span whole;
	mesura_redact__default_span(&whole, finding);
	return mesura_redact__put_span(span, span_size, &whole);
}

/* ------------------------------------------------------------ preview */

/* The ANSI colour of each operator, in mesura_redact_op order: KEEP underlined, MASK
 * yellow, HASH magenta, LABEL cyan, REMOVE red and struck through. */
static const char *const ANSI_OPEN[] = {"\x1b[4m", "\x1b[33m", "\x1b[35m", "\x1b[36m",
                                        "\x1b[9;31m"};

static int write_preview(mesura_redactor *r, const char *text, size_t len,
                         const mesura_redact_preview_options *o)
{
	const char *close = o->close ? o->close : o->ansi ? "\x1b[0m" : "\xe2\x9f\xa7"; /* ⟧ */
	redact_buf *b = &r->preview;
	b->len = 0;
	int rc = mesura_redact__append(r, b, NULL, 0);
	size_t at = 0;
	for (size_t i = 0; i < r->n_regions && rc == MESURA_OK; i++) {
		const redact_region *g = &r->regions[i];
		const char *open = o->open ? o->open : o->ansi ? ANSI_OPEN[g->op] : "\xe2\x9f\xa6"; /* ⟦ */
		rc = mesura_redact__append(r, b, text + at, g->start - at);
		if (rc == MESURA_OK)
			rc = mesura_redact__append(r, b, open, strlen(open));
		if (rc == MESURA_OK)
			rc = mesura_redact__append(r, b, text + g->start, g->end - g->start);
		if (rc == MESURA_OK)
			rc = mesura_redact__append(r, b, close, strlen(close));
		at = g->end;
	}
	if (rc == MESURA_OK)
		rc = mesura_redact__append(r, b, text + at, len - at);
	return rc;
}

int mesura_redact_preview(mesura_redactor *r, const char *text, size_t len,
                          const mesura_redact_span *spans, size_t n_spans, size_t span_size,
                          const mesura_redact_preview_options *opts, const char **out,
                          size_t *out_len)
{
	static const mesura_redact_preview_options defaults = MESURA_REDACT_PREVIEW_OPTIONS_INIT;
	if (!r || !out || !out_len || (!text && len > 0) || (!spans && n_spans > 0))
		return MESURA_EINVAL;
	mesura_redact_preview_options o;
	int rc = mesura_options__read(&o, opts, &defaults, &preview_options_layout);
	if (rc != MESURA_OK)
		return rc;
	if (!mesura_redact__claim(r))
		return MESURA_EBUSY;
	text = text ? text : "";
	rc = mesura_redact__copy_spans(r, spans, n_spans, span_size);
	if (rc == MESURA_OK)
		rc = prepare(r, text, len, r->spans, n_spans, 0);
	if (rc == MESURA_OK)
		rc = write_preview(r, text, len, &o);
	if (rc == MESURA_OK) {
		*out = r->preview.data;
		*out_len = r->preview.len;
	}
	mesura_redact__release(r);
	return rc;
}
