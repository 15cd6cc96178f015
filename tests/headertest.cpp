// Compiles the umbrella header alone as C++ (see tests/CMakeLists.txt), with the
// experimental part (mesura/experimental.h) in sight.
#define MESURA_EXPERIMENTAL
#include <mesura.h>

int mesura_headertest_cxx();
int mesura_headertest_cxx()
{
	mesura_normalizer_options opts = MESURA_NORMALIZER_OPTIONS_INIT;
	mesura_redact_preview_options preview = MESURA_REDACT_PREVIEW_OPTIONS_INIT;
	return static_cast<int>(opts.flags + MESURA_SCAN_EXPLAIN) + preview.ansi +
	       MESURA_EXPERIMENTAL_COMPATIBLE(MESURA_VERSION_NUMBER) + MESURA_VERSION_NUMBER;
}
