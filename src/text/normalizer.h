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

struct mesura_normalizer {
	mesura_allocator alloc; /* first: see mesura_alloc__new_object */
	unsigned int flags;     /* with implied NFC made explicit */
	int decompose;          /* runs the per-character Unicode pipeline */
	int compose;            /* recomposes (NFC/NFKC) */
	int utf8proc_options;   /* for utf8proc_decompose_char */
	int ascii_fast_path;    /* 1; tests turn it off to compare with the general path */
	int fold_fast_path;     /* 1; the same for the ASCII skips of fold.c */
	keep_pair keep[MESURA_MAX_KEEP_LETTERS];
	size_t n_keep;
};

#endif
