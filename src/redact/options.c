/* The options of one redaction span (mesura_redact_format), versioned: see
 * src/common/options.h; and the caller's arrays of spans, whose element size says
 * which version of mesura_redact_span they hold. */
#include <string.h>

#include "common/options.h"
#include "internal.h"

MESURA_OPTIONS_LAYOUT(redact_format_layout, MESURA_REDACT_FORMAT_VERSION,
                      sizeof(mesura_redact_format));

int mesura_redact_format_init(mesura_redact_format *opts, unsigned int version)
{
	MESURA_OPTIONS_INIT_FROM_TEMPLATE(opts, version, mesura_redact_format,
	                                  MESURA_REDACT_FORMAT_INIT, redact_format_layout);
}

int mesura_redact__span_format(const mesura_redact_span *sp, mesura_redact_format *o)
{
	static const mesura_redact_format defaults = MESURA_REDACT_FORMAT_INIT;
	return mesura_options__read(o, sp->format, &defaults, &redact_format_layout);
}

/* ------------------------------------------------------------ span arrays */

/* mesura_redact_span as version 1 of the header lays it out, frozen. */
typedef struct {
	size_t start, end;
	mesura_redact_op op;
	const mesura_redact_format *format;
	const char *category;
	const char *rule_id;
} span_v1;

/* sizeof(mesura_redact_span) in each version of the header, oldest first: the element
 * sizes a caller's array may have. Appending a field to the struct appends its new size
 * here, with the old layout frozen above; the field's default must be 0, what a
 * shorter element leaves it. */
static const size_t SPAN_SIZES[] = {sizeof(span_v1)};

_Static_assert(sizeof(mesura_redact_span) == sizeof(span_v1) &&
                   offsetof(mesura_redact_span, op) == offsetof(span_v1, op) &&
                   offsetof(mesura_redact_span, format) == offsetof(span_v1, format) &&
                   offsetof(mesura_redact_span, rule_id) == offsetof(span_v1, rule_id),
               "mesura_redact_span changed: freeze its new layout and add its size");

int mesura_redact__check_span_size(size_t span_size)
{
	for (size_t v = 0; v < sizeof SPAN_SIZES / sizeof SPAN_SIZES[0]; v++)
		if (span_size == SPAN_SIZES[v])
			return MESURA_OK;
	return MESURA_EVERSION;
}

int mesura_redact__copy_spans(mesura_redactor *r, const void *spans, size_t n,
                              size_t span_size)
{
	int rc = mesura_redact__check_span_size(span_size);
	if (rc != MESURA_OK)
		return rc;
	void *p = r->spans;
	rc = mesura_alloc__grow(&r->alloc, &p, &r->spans_cap, n, sizeof(mesura_redact_span));
	if (rc != MESURA_OK)
		return rc;
	r->spans = p;
	for (size_t i = 0; i < n; i++) {
		memset(&r->spans[i], 0, sizeof r->spans[i]);
		memcpy(&r->spans[i], (const char *)spans + i * span_size, span_size);
	}
	return MESURA_OK;
}

int mesura_redact__put_span(void *span, size_t span_size, const mesura_redact_span *whole)
{
	if (!span)
		return MESURA_EINVAL;
	int rc = mesura_redact__check_span_size(span_size);
	if (rc == MESURA_OK)
		memcpy(span, whole, span_size);
	return rc;
}
