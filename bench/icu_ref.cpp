// icu_ref.cpp - the ICU reference row of bench_normalize (built only with MESURA_BENCH_ICU).
//
// icu::Normalizer2::getNFKCCasefoldInstance()->normalizeUTF8() of each post into one
// reused std::string through a StringByteSink, the fastest UTF-8 path ICU offers.
// The prototypes are repeated in bench_normalize.c; keep the two in step.

#include <unicode/bytestream.h>
#include <unicode/normalizer2.h>
#include <unicode/stringpiece.h>
#include <unicode/uchar.h>
#include <unicode/uversion.h>

#include <cstddef>
#include <cstdio>

#include "icu_common.hpp"
#include <string>

namespace {

const icu::Normalizer2 *nfkc_cf = nullptr;
std::string out; // reused: clear() keeps the capacity, so steady state allocates nothing
using bench_icu::set_error;

} // namespace

extern "C" {

int mesura_bench_icu_init(char *err, size_t errcap);
const char *mesura_bench_icu_version(void);
int mesura_bench_icu_pass(const char *base, const size_t *starts, const size_t *lens,
                          size_t count, unsigned long long *out_bytes, char *err,
                          size_t errcap);

/* 0 on success, -1 with a message in err. */
int mesura_bench_icu_init(char *err, size_t errcap)
{
	UErrorCode status = U_ZERO_ERROR;
	nfkc_cf = icu::Normalizer2::getNFKCCasefoldInstance(status);
	if (U_FAILURE(status) || nfkc_cf == nullptr) {
		set_error(err, errcap, "Normalizer2::getNFKCCasefoldInstance", status);
		return -1;
	}
	out.reserve(1 << 16);
	return 0;
}

/* "ICU 72.1, Unicode 15.0" (static text). */
const char *mesura_bench_icu_version(void)
{
	return bench_icu::version();
}

/* Normalises base[starts[i] .. starts[i]+lens[i]) for each i, one post at a time.
 * Adds the output lengths to *out_bytes. 0 on success, -1 with a message in err. */
int mesura_bench_icu_pass(const char *base, const size_t *starts, const size_t *lens,
                          size_t count, unsigned long long *out_bytes, char *err,
                          size_t errcap)
{
	unsigned long long total = 0;
	for (size_t i = 0; i < count; i++) {
		UErrorCode status = U_ZERO_ERROR;
		out.clear();
		icu::StringByteSink<std::string> sink(&out);
		nfkc_cf->normalizeUTF8(0, icu::StringPiece(base + starts[i],
		                                           static_cast<int32_t>(lens[i])),
		                       sink, nullptr, status);
		if (U_FAILURE(status)) {
			char what[64];
			std::snprintf(what, sizeof what, "normalizeUTF8 (post %zu)", i + 1);
			set_error(err, errcap, what, status);
			return -1;
		}
		total += out.size();
	}
	*out_bytes += total;
	return 0;
}

} // extern "C"
