/* The options of one redaction span (mesura_redact_format), versioned: see
 * src/common/options.h. */
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
