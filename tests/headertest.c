/* Compiles the umbrella header alone as C11 (see tests/CMakeLists.txt), without
 * MESURA_EXPERIMENTAL: the experimental part must then stay out of sight. */
#include <mesura.h>

#if defined(MESURA_SCAN_EXPLAIN) || defined(MESURA_REDACT_PREVIEW_OPTIONS_INIT) || \
    defined(MESURA_EXPERIMENTAL_COMPATIBLE)
#error "mesura/experimental.h declared something without MESURA_EXPERIMENTAL"
#endif

int mesura_headertest_c(void);
int mesura_headertest_c(void)
{
	mesura_normalizer_options opts = MESURA_NORMALIZER_OPTIONS_INIT;
	return (int)opts.flags + MESURA_VERSION_NUMBER;
}
