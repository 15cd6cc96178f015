/* Internal interface of the redaction layer (src/redact/). Not installed.
 *
 * A call goes in three steps: scan the text once for character and grapheme-cluster
 * starts (marks.c), turn the spans into sorted, disjoint regions (regions.c), then
 * write each region with its operator (operators.c). */
#ifndef MESURA_REDACT_INTERNAL_H
#define MESURA_REDACT_INTERNAL_H

#include <stdatomic.h>
#include <stddef.h>

#include "common/alloc.h"
#include "mesura/experimental.h" /* the preview */
#include "mesura/redact.h"

/* Per input byte offset (and one past the end): what starts there. */
#define MARK_CHAR 1u    /* a character, or a maximal ill-formed subsequence */
#define MARK_CLUSTER 2u /* an extended grapheme cluster */

/* A growable byte buffer, always followed by a NUL when handed out. */
typedef struct {
	char *data;
	size_t len, cap;
} redact_buf;

/* Input bytes [start, end) and the span that decides what happens to them. */
typedef struct {
	size_t start, end;
	size_t own_len; /* length of the deciding span alone (widened): breaks ties */
	size_t span;    /* its index in the caller's array */
	mesura_redact_op op;
} redact_region;

/* A sentence: [start, end) between two boundaries, and the same without the white
 * space at its ends ([trim_start, trim_end): what a sentence extent redacts). */
typedef struct {
	size_t start, end, trim_start, trim_end;
} redact_sentence;

struct mesura_redactor {
	mesura_allocator alloc; /* first: see mesura_alloc__new_object */
	atomic_bool busy;       /* a call is using it (MESURA_EBUSY for another) */
	unsigned char key[MESURA_REDACT_KEY_SIZE];
	int has_key;
	unsigned char *marks; /* MARK_* per offset of the current text */
	size_t marks_cap;
	redact_region *regions; /* the plan: disjoint, by start */
	size_t n_regions, regions_cap;
	redact_region *keeps; /* KEEP spans while they are clipped */
	size_t n_keeps, keeps_cap;
	mesura_redact_segment *map;
	size_t n_map, map_cap;
	mesura_redact_span *spans; /* the call's spans as whole current structs */
	size_t spans_cap;
	redact_sentence *sentences; /* of the text being redacted (extents, result.c) */
	size_t n_sentences, sentences_cap;
	redact_buf out, preview;
};

/* Makes the redactor this call's: 0 when another call is using it (MESURA_EBUSY, best
 * effort); mesura_redact__release gives it back. Public entry points claim it once and
 * call each other's internal halves. */
int mesura_redact__claim(mesura_redactor *r);
void mesura_redact__release(mesura_redactor *r);

/* mesura_redact once the redactor is claimed. */
int mesura_redact__spans(mesura_redactor *r, const char *text, size_t len,
                         const mesura_redact_span *spans, size_t n_spans, const char **out,
                         size_t *out_len);

/* marks.c: fills r->marks for text[0..len). */
int mesura_redact__scan_text(mesura_redactor *r, const char *text, size_t len);

/* Checks every span against the scanned text (range, boundaries, operator, options,
 * strings); `need_key`: HASH spans need the redactor's key. Writes nothing. */
int mesura_redact__check_spans(const mesura_redactor *r, size_t len,
                               const mesura_redact_span *spans, size_t n, int need_key);

/* Builds r->regions from checked spans: widened to clusters, overlapping and touching
 * redactions merged (the operator that reveals least wins), KEEP spans clipped to what
 * no redaction covers. */
int mesura_redact__plan(mesura_redactor *r, const mesura_redact_span *spans, size_t n);

/* Writes r->out and r->map from the plan. */
int mesura_redact__write(mesura_redactor *r, const char *text, size_t len,
                         const mesura_redact_span *spans);

/* The options of span `sp` as a whole current struct in *o (its defaults when it has
 * none, or for the fields an older version lacks). MESURA_EVERSION for a version this
 * library does not know. */
int mesura_redact__span_format(const mesura_redact_span *sp, mesura_redact_format *o);

/* MESURA_OK when `span_size` is sizeof(mesura_redact_span) in some version of the
 * header, else MESURA_EVERSION (options.c). */
int mesura_redact__check_span_size(size_t span_size);

/* Copies the caller's spans[0..n), elements of `span_size` bytes, into r->spans as
 * whole current structs, the fields an older element lacks set to 0. */
int mesura_redact__copy_spans(mesura_redactor *r, const void *spans, size_t n,
                              size_t span_size);

/* Writes the first `span_size` bytes of `whole` to the caller's `span`: as much of it
 * as the caller's version of the struct has. */
int mesura_redact__put_span(void *span, size_t span_size, const mesura_redact_span *whole);

/* The span of a finding with its category's default operator (redactor.c). */
void mesura_redact__default_span(mesura_redact_span *span, const mesura_finding *f);

/* Checks a template for its operator (label: no {hash}; hash: {hash} required). */
int mesura_redact__check_template(const char *tmpl, mesura_redact_op op);

int mesura_redact__append(mesura_redactor *r, redact_buf *b, const void *data, size_t n);

/* marks.c: the index of the next cluster start after offset i (i < the text's length). */
size_t mesura_redact__next_cluster(const mesura_redactor *r, size_t i);

#endif
