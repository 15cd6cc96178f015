/*
 * Aho-Corasick over bytes. The trie's edges are kept sorted per node in one array
 * (nodes deeper than the root have few children); the root has a dense table, so the
 * common case of text that matches nothing costs one lookup per byte. Failure links
 * and dictionary links (the nearest suffix node that ends a term) are computed once,
 * breadth first, at build time.
 */
#include "terms.h"

#include <string.h>

#include "mesura/errors.h"

typedef struct {
	uint32_t first_edge, n_edges; /* into edges[], sorted by byte */
	uint32_t fail;                /* longest proper suffix that is a trie node */
	uint32_t dict;                /* nearest suffix node with terms, or NONE */
	uint32_t first_out, n_out;    /* into outs[]: the terms ending here */
	uint32_t depth;               /* length of the node's string */
	uint32_t dense;               /* row in dense[] of a busy node, or NONE */
} node;

typedef struct {
	unsigned char byte;
	uint32_t to;
} edge;

#define NONE UINT32_MAX

struct mesura_terms {
	mesura_allocator alloc; /* first: see mesura_alloc__new_object */
	node *nodes;
	size_t n_nodes;
	edge *edges;
	uint32_t *outs;
	uint32_t (*dense)[256];  /* full transitions (failures resolved) of busy nodes */
	size_t n_dense;
	uint32_t root_next[256]; /* dense transitions of the root (0 = back to the root) */
};

/* Nodes with this many children or more get a dense row: the first letters of a large
 * term list branch widely, and a table lookup there beats a search plus failures. */
#define DENSE_MIN_EDGES 4

/* ---------------------------------------------------------- building */

/* A trie under construction: children as linked lists, turned into sorted arrays. */
typedef struct {
	uint32_t child, sibling;
	unsigned char byte;
} build_link;

typedef struct {
	const mesura_allocator *alloc;
	build_link *links; /* per node */
	uint32_t *term_end; /* per term: its node */
	size_t n_nodes, cap;
} builder;

static int new_node(builder *b, unsigned char byte, uint32_t *out)
{
	void *links = b->links;
	if (b->n_nodes >= NONE - 1 ||
	    mesura_alloc__grow(b->alloc, &links, &b->cap, b->n_nodes + 1, sizeof(build_link)) != MESURA_OK)
		return MESURA_ENOMEM;
	b->links = links;
	b->links[b->n_nodes] = (build_link){NONE, NONE, byte};
	*out = (uint32_t)b->n_nodes++;
	return MESURA_OK;
}

/* The child of `parent` by `byte`, created when missing (children kept sorted). */
static int child_of(builder *b, uint32_t parent, unsigned char byte, uint32_t *out)
{
	uint32_t *link = &b->links[parent].child;
	while (*link != NONE && b->links[*link].byte < byte)
		link = &b->links[*link].sibling;
	if (*link != NONE && b->links[*link].byte == byte) {
		*out = *link;
		return MESURA_OK;
	}
	uint32_t fresh;
	size_t link_offset = (size_t)((char *)link - (char *)b->links);
	int in_links = link_offset < b->n_nodes * sizeof(build_link);
	int rc = new_node(b, byte, &fresh); /* may move b->links */
	if (rc != MESURA_OK)
		return rc;
	if (in_links)
		link = (uint32_t *)((char *)b->links + link_offset);
	b->links[fresh].sibling = *link;
	*link = fresh;
	*out = fresh;
	return MESURA_OK;
}

static int insert_terms(builder *b, const char *const *terms, const size_t *lens, size_t n)
{
	uint32_t root;
	int rc = new_node(b, 0, &root);
	for (size_t i = 0; i < n && rc == MESURA_OK; i++) {
		uint32_t at = root;
		for (size_t k = 0; k < lens[i] && rc == MESURA_OK; k++)
			rc = child_of(b, at, (unsigned char)terms[i][k], &at);
		b->term_end[i] = at;
	}
	return rc;
}

/* Lays the trie out in arrays: nodes in breadth-first order would help locality, but
 * the build order is kept so that node numbers stay those of the builder. */
static int lay_out(mesura_terms *t, const builder *b, const uint32_t *ids, size_t n)
{
	t->n_nodes = b->n_nodes;
	t->nodes = mesura_alloc__malloc(&t->alloc, b->n_nodes * sizeof *t->nodes);
	t->edges = mesura_alloc__malloc(&t->alloc, (b->n_nodes ? b->n_nodes : 1) * sizeof *t->edges);
	t->outs = mesura_alloc__malloc(&t->alloc, (n ? n : 1) * sizeof *t->outs);
	if (!t->nodes || !t->edges || !t->outs)
		return MESURA_ENOMEM;
	memset(t->nodes, 0, b->n_nodes * sizeof *t->nodes);
	uint32_t e = 0;
	for (uint32_t v = 0; v < b->n_nodes; v++) {
		t->nodes[v].first_edge = e;
		for (uint32_t c = b->links[v].child; c != NONE; c = b->links[c].sibling)
			t->edges[e++] = (edge){b->links[c].byte, c};
		t->nodes[v].n_edges = e - t->nodes[v].first_edge;
		t->nodes[v].dict = NONE;
		t->nodes[v].dense = NONE;
		if (v != 0 && t->nodes[v].n_edges >= DENSE_MIN_EDGES)
			t->nodes[v].dense = (uint32_t)t->n_dense++;
	}
	if (t->n_dense) {
		t->dense = mesura_alloc__malloc(&t->alloc, t->n_dense * sizeof *t->dense);
		if (!t->dense)
			return MESURA_ENOMEM;
	}
	/* Outputs grouped by node: count, then place. */
	for (size_t i = 0; i < n; i++)
		t->nodes[b->term_end[i]].n_out++;
	uint32_t o = 0;
	for (uint32_t v = 0; v < b->n_nodes; v++) {
		t->nodes[v].first_out = o;
		o += t->nodes[v].n_out;
		t->nodes[v].n_out = 0;
	}
	for (size_t i = 0; i < n; i++) {
		node *v = &t->nodes[b->term_end[i]];
		t->outs[v->first_out + v->n_out++] = ids[i];
	}
	return MESURA_OK;
}

static uint32_t find_edge(const mesura_terms *t, uint32_t v, unsigned char byte)
{
	const node *n = &t->nodes[v];
	const edge *e = t->edges + n->first_edge;
	uint32_t lo = 0, hi = n->n_edges;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (e[mid].byte < byte)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n->n_edges && e[lo].byte == byte ? e[lo].to : NONE;
}

/* The state after reading `byte` in state v (following failure links). */
static uint32_t step(const mesura_terms *t, uint32_t v, unsigned char byte)
{
	while (v != 0) {
		if (t->nodes[v].dense != NONE)
			return t->dense[t->nodes[v].dense][byte];
		uint32_t next = find_edge(t, v, byte);
		if (next != NONE)
			return next;
		v = t->nodes[v].fail;
	}
	return t->root_next[byte];
}

/* Failure and dictionary links, breadth first (a node's links need its parent's). */
static int link_nodes(mesura_terms *t)
{
	uint32_t *queue = mesura_alloc__malloc(&t->alloc, t->n_nodes * sizeof *queue);
	if (!queue)
		return MESURA_ENOMEM;
	size_t head = 0, tail = 0;
	for (unsigned b = 0; b < 256; b++) {
		uint32_t c = find_edge(t, 0, (unsigned char)b);
		t->root_next[b] = c == NONE ? 0 : c;
		if (c != NONE) {
			t->nodes[c].fail = 0;
			t->nodes[c].depth = 1;
			queue[tail++] = c;
		}
	}
	while (head < tail) {
		uint32_t v = queue[head++];
		const node *n = &t->nodes[v];
		if (n->dense != NONE) /* shallower nodes are done: breadth-first order */
			for (unsigned b = 0; b < 256; b++) {
				uint32_t c = find_edge(t, v, (unsigned char)b);
				t->dense[n->dense][b] = c != NONE ? c : step(t, n->fail, (unsigned char)b);
			}
		for (uint32_t k = 0; k < n->n_edges; k++) {
			const edge *e = &t->edges[n->first_edge + k];
			uint32_t f = step(t, t->nodes[v].fail, e->byte);
			node *c = &t->nodes[e->to];
			c->fail = f;
			c->depth = n->depth + 1;
			c->dict = t->nodes[f].n_out ? f : t->nodes[f].dict;
			queue[tail++] = e->to;
		}
	}
	mesura_alloc__free(&t->alloc, queue);
	return MESURA_OK;
}

void mesura_scan__terms_free(mesura_terms *t)
{
	if (!t)
		return;
	mesura_allocator a = t->alloc;
	mesura_alloc__free(&a, t->nodes);
	mesura_alloc__free(&a, t->edges);
	mesura_alloc__free(&a, t->outs);
	mesura_alloc__free(&a, t->dense);
	mesura_alloc__free(&a, t);
}

int mesura_scan__terms_build(mesura_terms **out, const char *const *terms,
                             const size_t *lens, const uint32_t *ids, size_t n,
                             const mesura_allocator *alloc)
{
	*out = NULL;
	for (size_t i = 0; i < n; i++)
		if (lens[i] == 0)
			return MESURA_EINVAL;
	mesura_terms *t;
	int rc = mesura_alloc__new_object((void **)&t, sizeof *t, alloc);
	if (rc != MESURA_OK)
		return rc;
	builder b = {&t->alloc, NULL, NULL, 0, 0};
	b.term_end = mesura_alloc__malloc(&t->alloc, (n ? n : 1) * sizeof *b.term_end);
	rc = b.term_end ? insert_terms(&b, terms, lens, n) : MESURA_ENOMEM;
	if (rc == MESURA_OK)
		rc = lay_out(t, &b, ids, n);
	if (rc == MESURA_OK)
		rc = link_nodes(t);
	mesura_alloc__free(&t->alloc, b.links);
	mesura_alloc__free(&t->alloc, b.term_end);
	if (rc != MESURA_OK) {
		mesura_scan__terms_free(t);
		return rc;
	}
	*out = t;
	return MESURA_OK;
}

/* ---------------------------------------------------------- searching */

static int report(const mesura_terms *t, uint32_t v, size_t end, mesura_terms_hit hit,
                  void *payload)
{
	for (; v != NONE; v = t->nodes[v].dict) {
		const node *n = &t->nodes[v];
		for (uint32_t k = 0; k < n->n_out; k++) {
			int rc = hit(t->outs[n->first_out + k], end - n->depth, end, payload);
			if (rc)
				return rc;
		}
	}
	return 0;
}

int mesura_scan__terms_search(const mesura_terms *t, const char *text, size_t len,
                              mesura_terms_hit hit, void *payload)
{
	const unsigned char *s = (const unsigned char *)text;
	uint32_t v = 0;
	for (size_t i = 0; i < len; i++) {
		v = v == 0 ? t->root_next[s[i]] : step(t, v, s[i]);
		if (v == 0)
			continue;
		const node *n = &t->nodes[v];
		if (n->n_out || n->dict != NONE) {
			int rc = report(t, n->n_out ? v : n->dict, i + 1, hit, payload);
			if (rc)
				return rc;
		}
	}
	return 0;
}
