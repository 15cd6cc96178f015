/* Compiles normalisation options once, so that each mesura_normalize() call only
 * reads a ready, immutable description. */
#include "normalizer.h"

#include <string.h>
#include <utf8proc.h>

#include "mesura/errors.h"

#define FORMS (MESURA_NORM_NFC | MESURA_NORM_NFD | MESURA_NORM_NFKC | MESURA_NORM_NFKD)
#define ALL_FLAGS                                                                       \
	(FORMS | MESURA_NORM_CASEFOLD | MESURA_NORM_STRIP_MARKS |                           \
	 MESURA_NORM_REMOVE_INVISIBLES | MESURA_NORM_CONFUSABLES | MESURA_NORM_LEET |       \
	 MESURA_NORM_COLLAPSE_REPEATS | MESURA_NORM_JOIN_SPACED)
/* Flags that need characters decomposed (and usually recomposed). */
#define NEEDS_DECOMPOSITION \
	(FORMS | MESURA_NORM_CASEFOLD | MESURA_NORM_STRIP_MARKS | MESURA_NORM_CONFUSABLES)

int mesura_normalizer_options_init(mesura_normalizer_options *opts, unsigned int version)
{
	if (!opts)
		return MESURA_EINVAL;
	if (version != MESURA_NORMALIZER_OPTIONS_VERSION)
		return MESURA_EVERSION;
	mesura_normalizer_options defaults = MESURA_NORMALIZER_OPTIONS_INIT;
	*opts = defaults;
	return MESURA_OK;
}

static int count_forms(unsigned int flags)
{
	unsigned int forms = flags & FORMS;
	int n = 0;
	for (; forms; forms &= forms - 1)
		n++;
	return n;
}

/* Adds the canonical decomposition (base + one mark) of each keep-letter. */
static int compile_keep_letters(mesura_normalizer *n, const char *letters)
{
	const unsigned char *s = (const unsigned char *)letters;
	size_t len = strlen(letters), i = 0;
	while (i < len) {
		int32_t cp, parts[4];
		i += mesura_utf8__decode(s, len, i, &cp);
		if (cp < 0 || n->n_keep == MESURA_MAX_KEEP_LETTERS)
			return MESURA_EINVAL;
		utf8proc_ssize_t k = utf8proc_decompose_char(cp, parts, 4, UTF8PROC_DECOMPOSE, NULL);
		if (k != 2 || utf8proc_get_property(parts[1])->combining_class == 0)
			return MESURA_EINVAL;
		n->keep[n->n_keep].base = parts[0];
		n->keep[n->n_keep].mark = parts[1];
		n->n_keep++;
	}
	return MESURA_OK;
}

static int compile_options(mesura_normalizer *n, const mesura_normalizer_options *opts)
{
	unsigned int flags = opts->flags;
	if ((flags & ~ALL_FLAGS) || count_forms(flags) > 1)
		return MESURA_EINVAL;
	if ((flags & NEEDS_DECOMPOSITION) && !(flags & FORMS))
		flags |= MESURA_NORM_NFC;
	n->flags = flags;
	n->decompose = (flags & NEEDS_DECOMPOSITION) != 0;
	n->compose = (flags & (MESURA_NORM_NFC | MESURA_NORM_NFKC)) != 0;
	int options = UTF8PROC_DECOMPOSE;
	if (flags & (MESURA_NORM_NFKC | MESURA_NORM_NFKD))
		options |= UTF8PROC_COMPAT;
	if (flags & MESURA_NORM_CASEFOLD)
		options |= UTF8PROC_CASEFOLD;
	n->utf8proc_options = options;
	n->fast_paths = 1;
	n->fold_fast_path = 1;
	const char *keep = opts->keep_letters ? opts->keep_letters : MESURA_KEEP_LETTERS_DEFAULT;
	return compile_keep_letters(n, keep);
}

int mesura_normalizer_new(mesura_normalizer **out, const mesura_normalizer_options *opts,
                          const mesura_allocator *allocator)
{
	if (!out)
		return MESURA_EINVAL;
	*out = NULL;
	mesura_normalizer_options defaults = MESURA_NORMALIZER_OPTIONS_INIT;
	if (!opts)
		opts = &defaults;
	if (opts->version != MESURA_NORMALIZER_OPTIONS_VERSION)
		return MESURA_EVERSION;
	mesura_normalizer *n;
	int rc = mesura_alloc__new_object((void **)&n, sizeof *n, allocator);
	if (rc != MESURA_OK)
		return rc;
	rc = compile_options(n, opts);
	if (rc == MESURA_OK)
		rc = mesura_text__precompute(n);
	if (rc != MESURA_OK) {
		mesura_normalizer_free(n);
		return rc;
	}
	*out = n;
	return MESURA_OK;
}

void mesura_normalizer_free(mesura_normalizer *normalizer)
{
	if (normalizer) {
		mesura_allocator alloc = normalizer->alloc;
		mesura_alloc__free(&alloc, normalizer->pre);
		mesura_alloc__free(&alloc, normalizer);
	}
}

unsigned int mesura_normalizer_flags(const mesura_normalizer *normalizer)
{
	return normalizer ? normalizer->flags : 0;
}
