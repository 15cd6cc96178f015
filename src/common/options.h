/*
 * Versioned options structs (libgit2's GIT_ERROR_CHECK_VERSION and
 * GIT_INIT_STRUCTURE_FROM_TEMPLATE). Every public options struct starts with
 * `unsigned int version` and only grows at its end; each version has a size, the
 * offset where the next version's first field begins. A caller built against an older
 * header hands in an older, shorter struct: it is read only up to its own end, and
 * the fields it lacks get their defaults.
 */
#ifndef MESURA_COMMON_OPTIONS_H
#define MESURA_COMMON_OPTIONS_H

#include <stddef.h>

#include "mesura/errors.h"

/* The sizes of versions 1..current of one options struct: sizes[v - 1]. */
typedef struct mesura_options_layout {
	const size_t *sizes;
	unsigned int current;
} mesura_options_layout;

/* The layout of TYPE from a list of sizes, one per version; the list's length is the
 * current version, MESURA_..._VERSION (checked when the library compiles). */
#define MESURA_OPTIONS_LAYOUT(name, current_version, ...)                             \
	static const size_t name##_sizes[] = {__VA_ARGS__};                             \
	_Static_assert(sizeof name##_sizes / sizeof name##_sizes[0] == (current_version), \
	               #name ": one size per version, up to the current one");         \
	static const mesura_options_layout name = {name##_sizes, (current_version)}

/* MESURA_OK for a version from 1 to the current one, else MESURA_EVERSION. */
int mesura_options__check_version(unsigned int version, const mesura_options_layout *layout);

/* Sets the first sizes[version - 1] bytes of `opts` from `tpl` (a whole current
 * struct), with `version` in its version field. Bytes past the end of that version
 * are not touched: the caller's struct may be an older, shorter one. */
int mesura_options__init(void *opts, unsigned int version, const void *tpl,
                         const mesura_options_layout *layout);

/* Copies the caller's options `opts` (NULL: the defaults) into `out`, a whole current
 * struct: `tpl` first, then as many bytes of `opts` as its version has, and the
 * current version. MESURA_EVERSION for a version the layout does not know. */
int mesura_options__read(void *out, const void *opts, const void *tpl,
                         const mesura_options_layout *layout);

/* The body of a public mesura_x_options_init(opts, version): fills `opts` from the
 * TEMPLATE initializer (MESURA_X_OPTIONS_INIT) as the caller's version has it. */
#define MESURA_OPTIONS_INIT_FROM_TEMPLATE(opts, version, type, TEMPLATE, layout) \
	do {                                                                     \
		static const type tpl_ = TEMPLATE;                               \
		return mesura_options__init((opts), (version), &tpl_, &(layout)); \
	} while (0)

#endif
