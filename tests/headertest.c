/* Compiles the umbrella header alone as C11 (see tests/CMakeLists.txt). */
#include <mesura.h>

int mesura_headertest_c(void);
int mesura_headertest_c(void)
{
	mesura_normalizer_options opts = MESURA_NORMALIZER_OPTIONS_INIT;
	return (int)opts.flags + MESURA_VERSION_NUMBER;
}
