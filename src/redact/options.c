/* The options of one redaction span (mesura_redact_options), versioned: see
 * src/common/options.h. */
#include "common/options.h"
#include "internal.h"

MESURA_OPTIONS_LAYOUT(redact_options_layout, MESURA_REDACT_OPTIONS_VERSION,
                      sizeof(mesura_redact_options));

int mesura_redact_options_init(mesura_redact_options *opts, unsigned int version)
{
	MESURA_OPTIONS_INIT_FROM_TEMPLATE(opts, version, mesura_redact_options,
	                                  MESURA_REDACT_OPTIONS_INIT, redact_options_layout);
}

int mesura_redact__span_options(const mesura_redact_span *sp, mesura_redact_options *o)
{
	static const mesura_redact_options defaults = MESURA_REDACT_OPTIONS_INIT;
	return mesura_options__read(o, sp->options, &defaults, &redact_options_layout);
}
