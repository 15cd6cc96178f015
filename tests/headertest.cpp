// Compiles the umbrella header alone as C++ (see tests/CMakeLists.txt).
#include <mesura.h>

int mesura_headertest_cxx();
int mesura_headertest_cxx()
{
	mesura_normalizer_options opts = MESURA_NORMALIZER_OPTIONS_INIT;
	return static_cast<int>(opts.flags) + MESURA_VERSION_NUMBER;
}
