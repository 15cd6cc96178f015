/* From the caller's spans to a plan of disjoint regions: which spans are acceptable,
 * and how spans merge (over the marks of marks.c). */
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "check.h"
#include "internal.h"
#include "mesura/errors.h"
#include "mesura/text.h"
#include "text/text.h"

/* ------------------------------------------------------------ checks */

/* One scalar, visible on its own: a mark would join the text before it, a control or
 * format character would vanish, an unassigned one has no glyph. */
static int check_mask_char(const char *mask)
{
	if (!mask)
		return MESURA_OK;
	size_t n = strlen(mask);
	int32_t cp;
	if (n == 0 || mesura_utf8__decode((const unsigned char *)mask, n, 0, &cp) != n || cp < 0)
		return MESURA_EINVAL;
	switch (utf8proc_category(cp)) {
	case UTF8PROC_CATEGORY_MN: case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ME:
	case UTF8PROC_CATEGORY_CC: case UTF8PROC_CATEGORY_CF: case UTF8PROC_CATEGORY_CN:
		return MESURA_EINVAL;
	default:
		return MESURA_OK;
	}
}

static int well_formed(const char *s)
{
	return !s || mesura_utf8_validate(s, strlen(s), NULL) == MESURA_OK;
}

static int check_options(const mesura_redact_span *sp, int need_key, int has_key)
{
	mesura_redact_format whole;
	int rc = mesura_redact__span_format(sp, &whole);
	if (rc != MESURA_OK)
		return rc;
	const mesura_redact_format *o = &whole;
	if (sp->op == MESURA_REDACT_MASK)
		return check_mask_char(o->mask_char);
	if (sp->op == MESURA_REDACT_HASH &&
	    ((need_key && !has_key) ||
	     (o->hash_bytes != 0 && (o->hash_bytes < MESURA_REDACT_HASH_BYTES_MIN ||
	                             o->hash_bytes > MESURA_REDACT_HASH_BYTES_MAX))))
		return MESURA_EINVAL;
	if (sp->op != MESURA_REDACT_LABEL && sp->op != MESURA_REDACT_HASH)
		return MESURA_OK;
	/* The strings go into the label or token as they are. */
	if (!well_formed(sp->category) || !well_formed(sp->rule_id))
		return MESURA_EINVAL;
	return mesura_redact__check_template(
	    sp->op == MESURA_REDACT_HASH ? o->hash_label : o->label, sp->op);
}

int mesura_redact__check_operator(const mesura_redact_span *sp)
{
	if ((unsigned)sp->op > MESURA_REDACT_REMOVE)
		return MESURA_EINVAL;
	return check_options(sp, 1, 1);
}

int mesura_redact__check_spans(const mesura_redactor *r, size_t len,
                               const mesura_redact_span *spans, size_t n, int need_key)
{
	for (size_t i = 0; i < n; i++) {
		const mesura_redact_span *sp = &spans[i];
		if (sp->start > sp->end || sp->end > len || !(r->marks[sp->start] & MARK_CHAR) ||
		    !(r->marks[sp->end] & MARK_CHAR) || (unsigned)sp->op > MESURA_REDACT_REMOVE)
			return MESURA_EINVAL;
		int rc = check_options(sp, need_key, r->has_key);
		if (rc != MESURA_OK)
			return rc;
	}
	return MESURA_OK;
}

/* ------------------------------------------------------------ plan */

static int by_start_cmp(const void *pa, const void *pb)
{
	const redact_region *a = pa, *b = pb;
	if (a->start != b->start)
		return a->start < b->start ? -1 : 1;
	return a->span < b->span ? -1 : a->span > b->span;
}

static void sort_by_start(redact_region *list, size_t n)
{
	if (n > 1) /* an empty list may be a NULL pointer, which qsort must not get */
		qsort(list, n, sizeof *list, by_start_cmp);
}

/* Appends a region to *list, growing it. */
static int push_region(mesura_redactor *r, redact_region **list, size_t *n, size_t *cap,
                       redact_region region)
{
	void *p = *list;
	int rc = mesura_alloc__grow(&r->alloc, &p, cap, *n + 1, sizeof region);
	if (rc != MESURA_OK)
		return rc;
	*list = p;
	(*list)[(*n)++] = region;
	return MESURA_OK;
}

/* Does b decide over a? Reveals less, then longer, then given first. */
static int stronger(const redact_region *b, const redact_region *a)
{
	if (b->op != a->op)
		return b->op > a->op;
	if (b->own_len != a->own_len)
		return b->own_len > a->own_len;
	return b->span < a->span;
}

/* Sorts and merges the regions that overlap or touch into their union. */
static size_t merge(redact_region *list, size_t n)
{
	sort_by_start(list, n);
	size_t kept = 0;
	for (size_t i = 0; i < n; i++) {
		redact_region *last = kept ? &list[kept - 1] : NULL;
		if (!last || list[i].start > last->end) {
			list[kept++] = list[i];
			continue;
		}
		size_t start = last->start; /* sorted: the smaller start */
		size_t end = list[i].end > last->end ? list[i].end : last->end;
		if (stronger(&list[i], last))
			*last = list[i];
		last->start = start;
		last->end = end;
	}
	return kept;
}

/* Adds the parts of each KEEP region that no redaction covers to the plan. KEEP
 * changes nothing, so it never widens a redaction: it is only reported. */
static int clip_keeps(mesura_redactor *r)
{
	size_t n_red = r->n_regions, j = 0;
	for (size_t k = 0; k < r->n_keeps; k++) {
		redact_region piece = r->keeps[k];
		size_t end = piece.end;
		while (piece.start < end) {
			while (j < n_red && r->regions[j].end <= piece.start)
				j++;
			piece.end = j < n_red && r->regions[j].start < end ? r->regions[j].start : end;
			if (piece.end > piece.start) {
				int rc = push_region(r, &r->regions, &r->n_regions, &r->regions_cap, piece);
				if (rc != MESURA_OK)
					return rc;
			}
			if (piece.end == end)
				break;
			piece.start = r->regions[j].end;
		}
	}
	sort_by_start(r->regions, r->n_regions);
	return MESURA_OK;
}

int mesura_redact__plan(mesura_redactor *r, const mesura_redact_span *spans, size_t n)
{
	r->n_regions = r->n_keeps = 0;
	for (size_t i = 0; i < n; i++) {
		if (spans[i].start == spans[i].end)
			continue;
		redact_region g = {spans[i].start, spans[i].end, 0, i, spans[i].op};
		while (!(r->marks[g.start] & MARK_CLUSTER))
			g.start--;
		while (!(r->marks[g.end] & MARK_CLUSTER))
			g.end++;
		g.own_len = g.end - g.start;
		int rc = g.op == MESURA_REDACT_KEEP
		             ? push_region(r, &r->keeps, &r->n_keeps, &r->keeps_cap, g)
		             : push_region(r, &r->regions, &r->n_regions, &r->regions_cap, g);
		if (rc != MESURA_OK)
			return rc;
	}
	r->n_regions = merge(r->regions, r->n_regions);
	r->n_keeps = merge(r->keeps, r->n_keeps);
	return clip_keeps(r);
}
