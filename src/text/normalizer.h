/* The compiled form of mesura_normalizer_options. */
#ifndef MESURA_TEXT_NORMALIZER_H
#define MESURA_TEXT_NORMALIZER_H

#include "common/alloc.h"
#include "text.h"

/* A (base, mark) pair that STRIP_MARKS keeps: the decomposition of a keep-letter. */
typedef struct {
	int32_t base, mark;
} keep_pair;

#define MESURA_MAX_KEEP_LETTERS 32

/* Stage 1 of one character on its own, precomputed for the code points posts use most
 * beyond ASCII (normalize.c): what the general path makes of it whenever it starts a
 * segment and so does what follows it. */
typedef enum {
	PRE_NONE,    /* not precomputed: the character takes the general path */
	PRE_DROP,    /* an invisible character that REMOVE_INVISIBLES drops */
	PRE_SAME,    /* a starter that stays as it is (a linear piece of the map) */
	PRE_CHANGED, /* a starter that becomes `out` (one block of the map) */
	/* With PRE_SAME or PRE_CHANGED: a look-alike read in context (¡, €, a regional
	 * indicator) under CONFUSABLES, whose entry is what it makes where it does not
	 * read as its letters; only the one-pass path of whole posts reads such entries
	 * (normalize.c). */
	PRE_IN_CONTEXT = 0x10
} pre_kind;

typedef struct {
	uint8_t kind; /* pre_kind */
	uint8_t len;  /* bytes of out */
	unsigned char out[6];
} pre_char;

struct mesura_normalizer {
	mesura_allocator alloc; /* first: see mesura_alloc__new_object */
	unsigned int flags;     /* with implied NFC made explicit */
	int decompose;          /* runs the per-character Unicode pipeline */
	int compose;            /* recomposes (NFC/NFKC) */
	int utf8proc_options;   /* for utf8proc_decompose_char */
	int fast_paths;         /* 1; tests turn it off to compare with the general path:
	                         * runs of ASCII, and precomputed characters */
	pre_char *pre;          /* per code point of the precomputed ranges: shared->pre */
	struct shared_pre *shared; /* the counted table pre belongs to (normalizer.c) */
	int fold_fast_path;     /* 1; the same for the ASCII skips of fold.c */
	keep_pair keep[MESURA_MAX_KEEP_LETTERS];
	size_t n_keep;
};

/* Precomputes nz->pre (at its creation: the normaliser is immutable afterwards), in
 * memory of nz's allocator that the caller owns. */
int mesura_text__precompute(mesura_normalizer *nz);

#endif
