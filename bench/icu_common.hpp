/* What the ICU reference rows (icu_ref.cpp, icu_wordbreak.cpp) share: their error
 * messages and the version line. */
#ifndef MESURA_BENCH_ICU_COMMON_HPP
#define MESURA_BENCH_ICU_COMMON_HPP

#include <unicode/uchar.h>
#include <unicode/utypes.h>
#include <unicode/uversion.h>

#include <cstddef>
#include <cstdio>

namespace bench_icu {

inline void set_error(char *err, size_t errcap, const char *what, UErrorCode status)
{
	if (err != nullptr && errcap > 0)
		std::snprintf(err, errcap, "%s: %s", what, u_errorName(status));
}

/* "ICU 72.1, Unicode 15.0" (static text). */
inline const char *version()
{
	static char text[96];
	UVersionInfo icu, uni;
	char icu_s[U_MAX_VERSION_STRING_LENGTH], uni_s[U_MAX_VERSION_STRING_LENGTH];
	u_getVersion(icu);
	u_getUnicodeVersion(uni);
	u_versionToString(icu, icu_s);
	u_versionToString(uni, uni_s);
	std::snprintf(text, sizeof text, "ICU %s, Unicode %s", icu_s, uni_s);
	return text;
}

} // namespace bench_icu

#endif
