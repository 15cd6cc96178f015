// icu_wordbreak.cpp - the ICU reference row of bench_tokenize (built only with
// MESURA_BENCH_ICU).
//
// icu::BreakIterator::createWordInstance(Locale::getRoot()) over each post as UTF-8:
// utext_openUTF8() into one reused UText, then setText(UText*) on one reused iterator,
// what a C programmer would otherwise reach for. Every boundary after first() ends one
// segment; the segments are counted as tokens (ICU only segments, where mesura also
// types the tokens and finds the social ones).
// The prototypes are repeated in bench_tokenize.c; keep the two in step.

#include <unicode/brkiter.h>
#include <unicode/locid.h>
#include <unicode/utext.h>
#include <unicode/uversion.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>

#include "icu_common.hpp"

namespace {

icu::BreakIterator *words = nullptr;
UText text = UTEXT_INITIALIZER; // reused: utext_openUTF8 fills it in place, no allocation
using bench_icu::set_error;

} // namespace

extern "C" {

int mesura_bench_icu_words_init(char *err, size_t errcap);
const char *mesura_bench_icu_words_version(void);
int mesura_bench_icu_words_pass(const char *base, const size_t *starts, const size_t *lens,
                                size_t count, unsigned long long *segments, char *err,
                                size_t errcap);
void mesura_bench_icu_words_done(void);

/* 0 on success, -1 with a message in err. */
int mesura_bench_icu_words_init(char *err, size_t errcap)
{
	UErrorCode status = U_ZERO_ERROR;
	words = icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), status);
	if (U_FAILURE(status) || words == nullptr) {
		set_error(err, errcap, "BreakIterator::createWordInstance(Locale::getRoot())", status);
		delete words;
		words = nullptr;
		return -1;
	}
	return 0;
}

/* "ICU 72.1, Unicode 15.0" (static text). */
const char *mesura_bench_icu_words_version(void)
{
	return bench_icu::version();
}

/* Segments base[starts[i] .. starts[i]+lens[i]) for each i, one post at a time, and adds
 * the number of segments to *segments. 0 on success, -1 with a message in err. */
int mesura_bench_icu_words_pass(const char *base, const size_t *starts, const size_t *lens,
                                size_t count, unsigned long long *segments, char *err,
                                size_t errcap)
{
	unsigned long long n = 0;
	for (size_t i = 0; i < count; i++) {
		UErrorCode status = U_ZERO_ERROR;
		utext_openUTF8(&text, base + starts[i], static_cast<int64_t>(lens[i]), &status);
		if (U_SUCCESS(status))
			words->setText(&text, status);
		if (U_FAILURE(status)) {
			char what[80];
			std::snprintf(what, sizeof what, "utext_openUTF8/setText (post %zu)", i + 1);
			set_error(err, errcap, what, status);
			return -1;
		}
		words->first();
		while (words->next() != icu::BreakIterator::DONE)
			n++;
	}
	*segments += n;
	return 0;
}

void mesura_bench_icu_words_done(void)
{
	delete words;
	words = nullptr;
	utext_close(&text);
}

} // extern "C"
