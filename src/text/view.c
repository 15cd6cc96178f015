#include "view.h"

#include <string.h>

#include "mesura/errors.h"

int mesura_view_new(mesura_view **out, const mesura_allocator *allocator)
{
	if (!out)
		return MESURA_EINVAL;
	*out = NULL;
	return mesura_alloc__new_object((void **)out, sizeof **out, allocator);
}

static void view_buf_dispose(const mesura_allocator *a, view_buf *b)
{
	mesura_alloc__free(a, b->text);
	mesura_alloc__free(a, b->atoms);
}

void mesura_view_free(mesura_view *view)
{
	if (!view)
		return;
	mesura_allocator alloc = view->alloc;
	view_buf_dispose(&alloc, &view->cur);
	view_buf_dispose(&alloc, &view->spare);
	mesura_alloc__free(&alloc, view->seg);
	mesura_alloc__free(&alloc, view->tmp);
	mesura_alloc__free(&alloc, view->units);
	mesura_alloc__free(&alloc, view->edits);
	mesura_alloc__free(&alloc, view->edits_tmp);
	mesura_alloc__free(&alloc, view);
}

int mesura_view__grow(mesura_view *v, view_buf *b, size_t extra)
{
	if (extra > SIZE_MAX - b->len - 1)
		return MESURA_ENOMEM;
	/* +1 keeps room for the NUL written after the text. */
	if (b->len + extra < b->cap)
		return MESURA_OK;
	void *text = b->text;
	int rc = mesura_alloc__grow(&v->alloc, &text, &b->cap, b->len + extra + 1, 1);
	b->text = text;
	return rc;
}

int mesura_view__grow_atoms(mesura_view *v, view_buf *b, size_t extra)
{
	if (extra > SIZE_MAX - b->n_atoms)
		return MESURA_ENOMEM;
	if (b->n_atoms + extra <= b->atoms_cap)
		return MESURA_OK;
	void *atoms = b->atoms;
	int rc = mesura_alloc__grow(&v->alloc, &atoms, &b->atoms_cap, b->n_atoms + extra,
	                            sizeof(view_atom));
	b->atoms = atoms;
	return rc;
}

int mesura_view__commit_linear(mesura_view *v, view_buf *b, size_t n, size_t src_start)
{
	int rc = mesura_view__reserve_atoms(v, b, 1);
	if (rc == MESURA_OK)
		mesura_view__map_linear(b, n, src_start);
	return rc;
}

int mesura_view__emit_linear(mesura_view *v, view_buf *b, const unsigned char *bytes,
                             size_t n, size_t src_start)
{
	int rc = mesura_view__reserve(v, b, n);
	if (rc != MESURA_OK)
		return rc;
	memcpy(b->text + b->len, bytes, n);
	return mesura_view__commit_linear(v, b, n, src_start);
}

int mesura_view__emit_block(mesura_view *v, view_buf *b, const unsigned char *bytes,
                            size_t n, size_t src_start, size_t src_end)
{
	int rc = mesura_view__reserve(v, b, n);
	if (rc == MESURA_OK)
		rc = mesura_view__reserve_atoms(v, b, 1);
	if (rc != MESURA_OK)
		return rc;
	memcpy(b->text + b->len, bytes, n);
	mesura_view__map_block(b, n, src_start, src_end);
	return MESURA_OK;
}

int mesura_view__copy(mesura_view *v, const view_buf *from)
{
	v->cur.len = v->cur.n_atoms = 0;
	int rc = mesura_view__reserve(v, &v->cur, from->len + VIEW_PAD);
	if (rc == MESURA_OK)
		rc = mesura_view__reserve_atoms(v, &v->cur, from->n_atoms);
	if (rc != MESURA_OK)
		return rc;
	if (from->len)
		memcpy(v->cur.text, from->text, from->len);
	memset(v->cur.text + from->len, 0, VIEW_PAD);
	if (from->n_atoms)
		memcpy(v->cur.atoms, from->atoms, from->n_atoms * sizeof *from->atoms);
	v->cur.len = from->len;
	v->cur.n_atoms = from->n_atoms;
	v->steps += (from->len + from->n_atoms * sizeof *from->atoms) / 8 + 1; /* 8 bytes a step */
	return MESURA_OK;
}

void mesura_view__swap(mesura_view *v)
{
	view_buf t = v->cur;
	v->cur = v->spare;
	v->spare = t;
}

const char *mesura_view_text(const mesura_view *view, size_t *len)
{
	if (!view) {
		if (len)
			*len = 0;
		return NULL;
	}
	const view_buf *b = mesura_view__buf(view);
	if (len)
		*len = b->len;
	return b->text ? (const char *)b->text : "";
}

size_t mesura_view_source_length(const mesura_view *view)
{
	return view ? view->source_len : 0;
}

size_t mesura_view_repairs(const mesura_view *view)
{
	return view ? view->repairs : 0;
}

/* Index of the atom holding output byte `at` (at < len). */
static size_t atom_at(const view_buf *b, size_t at)
{
	size_t lo = 0, hi = b->n_atoms;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (b->atoms[mid].out_start <= at)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

static int is_continuation(unsigned char byte)
{
	return (byte & 0xC0) == 0x80;
}

int mesura_view_source_range(const mesura_view *view, size_t start, size_t end,
                            size_t *source_start, size_t *source_end)
{
	if (!view || !source_start || !source_end || start > end ||
	    end > mesura_view__buf(view)->len)
		return MESURA_EINVAL;
	const view_buf *b = mesura_view__mapped(view);
	if (start == b->len) { /* empty range at the end: after the last mapped character */
		*source_start = *source_end = b->n_atoms ? b->atoms[b->n_atoms - 1].src_end : 0;
		return MESURA_OK;
	}
	/* Widen to whole normalised characters; linear atoms then end on whole source
	 * characters too. */
	while (start > 0 && is_continuation(b->text[start]))
		start--;
	while (end < b->len && end > start && is_continuation(b->text[end]))
		end++;
	const view_atom *first = &b->atoms[atom_at(b, start)];
	*source_start = first->linear ? first->src_start + (start - first->out_start)
	                              : first->src_start;
	if (end == start) {
		*source_end = *source_start;
		return MESURA_OK;
	}
	const view_atom *last = &b->atoms[atom_at(b, end - 1)];
	*source_end = last->linear ? last->src_start + (end - last->out_start) : last->src_end;
	return MESURA_OK;
}

/* ------------------------------------------------ maps put off by the word folds */

/* Index of the atom that holds byte `at` of b (at < b->len), searching from `from`. */
static size_t atom_from(const view_buf *b, size_t from, size_t at)
{
	while (b->atoms[from].out_end <= at)
		from++;
	return from;
}

/* Maps the next hi - lo bytes of out, the stage-1 bytes [lo, hi) of `in` kept as they
 * were, with their part of in's map. */
static void map_range(const view_buf *in, view_buf *out, size_t *atom, size_t lo, size_t hi)
{
	while (lo < hi) {
		*atom = atom_from(in, *atom, lo);
		const view_atom *a = &in->atoms[*atom];
		size_t end = a->out_end < hi ? a->out_end : hi;
		if (a->linear)
			mesura_view__map_linear(out, end - lo, a->src_start + (lo - a->out_start));
		else
			mesura_view__map_block(out, end - lo, a->src_start, a->src_end);
		lo = end;
	}
}

/* Maps the first letter of a collapsed run to the source of the whole run. */
static void map_collapsed(const view_buf *in, view_buf *out, size_t *atom, const fold_edit *e)
{
	*atom = atom_from(in, *atom, e->at);
	const view_atom *first = &in->atoms[*atom];
	size_t src_start = first->linear ? first->src_start + (e->at - first->out_start)
	                                 : first->src_start;
	size_t last_byte = e->at + e->len - 1;
	const view_atom *last = &in->atoms[atom_from(in, *atom, last_byte)];
	size_t src_end = last->linear ? last->src_start + (last_byte + 1 - last->out_start)
	                              : last->src_end;
	mesura_view__map_block(out, e->keep, src_start, src_end);
}

/* The map of a rebuilt text, put off by rebuild until read: v->edits applied to the map
 * of v->map_from. Writes the atoms into room rebuild reserved (each edit adds at most
 * two: it cuts an atom in two, and a collapse adds the block of its letter), and takes
 * the text's length from it (the map functions advance a length). */
void mesura_view__build_map(mesura_view *v)
{
	const view_buf *in = v->map_from;
	view_buf map = v->cur;
	map.len = 0;
	map.n_atoms = 0;
	size_t pos = 0, atom = 0;
	for (size_t k = 0; k < v->n_edits; k++) {
		const fold_edit *e = &v->edits[k];
		map_range(in, &map, &atom, pos, e->at);
		if (e->keep)
			map_collapsed(in, &map, &atom, e);
		pos = e->at + e->len;
	}
	map_range(in, &map, &atom, pos, in->len);
	v->cur.n_atoms = map.n_atoms;
	v->map_from = NULL;
}
