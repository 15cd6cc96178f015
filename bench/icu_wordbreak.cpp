// icu_wordbreak.cpp - the ICU reference row of bench_tokenize (built with MESURA_BENCH_ICU).
//
// ICU's word BreakIterator over each post as UTF-8 (utext_openUTF8 + setText(UText*),
// one iterator reused for every post): what a C programmer would otherwise reach for.
// It counts segments, where mesura produces typed tokens.

#include <unicode/brkiter.h>
#include <unicode/utext.h>
#include <unicode/uversion.h>

#include <cstddef>
#include <cstdio>

namespace {
icu::BreakIterator *words = nullptr;
UText text = UTEXT_INITIALIZER;
char version_text[96];
} // namespace

extern "C" {

int mesura_bench_icu_words_init(char *err, size_t errcap);
const char *mesura_bench_icu_words_version(void);
int mesura_bench_icu_words_pass(const char *base, const size_t *starts, const size_t *lens,
                                size_t count, unsigned long long *segments);

/* 0 on success, -1 with a message in err. */
int mesura_bench_icu_words_init(char *err, size_t errcap)
{
	UErrorCode status = U_ZERO_ERROR;
	words = icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), status);
	if (U_FAILURE(status)) {
		std::snprintf(err, errcap, "createWordInstance: %s", u_errorName(status));
		return -1;
	}
	UVersionInfo v;
	char icu[U_MAX_VERSION_STRING_LENGTH], uni[U_MAX_VERSION_STRING_LENGTH];
	u_getVersion(v);
	u_versionToString(v, icu);
	u_getUnicodeVersion(v);
	u_versionToString(v, uni);
	std::snprintf(version_text, sizeof version_text, "ICU %s, Unicode %s", icu, uni);
	return 0;
}

const char *mesura_bench_icu_words_version(void)
{
	return version_text;
}

/* Segments every post; 0 on success. */
int mesura_bench_icu_words_pass(const char *base, const size_t *starts, const size_t *lens,
                                size_t count, unsigned long long *segments)
{
	unsigned long long n = 0;
	for (size_t i = 0; i < count; i++) {
		UErrorCode status = U_ZERO_ERROR;
		utext_openUTF8(&text, base + starts[i], (int64_t)lens[i], &status);
		words->setText(&text, status);
		if (U_FAILURE(status))
			return -1;
		for (int32_t at = words->first(); (at = words->next()) != icu::BreakIterator::DONE;)
			n++;
	}
	*segments = n;
	return 0;
}

} // extern "C"
