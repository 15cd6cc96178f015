/*
 * The multi-term matcher: Aho-Corasick over bytes, laid out for speed and memory.
 *
 * Bytes are first mapped to equivalence classes: every byte that occurs in some term
 * is its own class, all the others share one (terms are lower-case and mostly ASCII,
 * so a row has some 30-60 entries instead of 256). The space and the lower-case
 * letters come first (class_order), so that the steps most text takes out of a state
 * read few cache lines of its row.
 *
 * The shallowest states, breadth first, are DENSE: a row of resolved transitions
 * (failures already followed), one load per byte of text. When the whole automaton
 * fits in DENSE_BYTES every state is dense, which makes it a plain DFA. A larger one
 * keeps rows for its first DENSE_BYTES of states; the others are SPARSE: one compact
 * record each, [failure, edge count, edge classes, edge targets, match], so that a
 * step out of a sparse state reads one cache line and a failure soon reaches a dense
 * row. A row costs 4 bytes per class (plus 4 or 8, see below), a record about 4 + 5
 * per child: the deep states of a large term set, which have one child, take a tenth
 * of the memory sparse, at the price of a branchier step where text seldom goes.
 *
 * A plain DFA of at most 65,536 states is searched NARROW (build_narrow): 16-bit state
 * numbers in columns, one per class, turned from 16-bit rows once they are complete. A
 * step then reads 2 bytes at col[byte][state], with no arithmetic on the state before
 * the load, and the states text visits most lie together in each column: the default
 * policy's automata are all narrow, and its scans take a tenth less time than with
 * the rows (bench/README.md, "Seventh session").
 *
 * The scan itself is a chain of dependent loads, bound by memory latency rather than
 * bandwidth; any text of more than a few dozen bytes is therefore run as four
 * interleaved streams (see run_window), which keeps several loads in flight. (Eight,
 * on the narrow columns: no faster.)
 *
 * A transition is an ENCODED state whose bit 0 says "some term ends here or at a
 * suffix". A dense state's id is its row's offset plus that bit: rows have an even
 * length with room for one more word, and a matching state's transitions start one
 * word in, after its match number, so that a step is dense[id + class] either way (no
 * multiplication, and no mask on the chain of loads: 6% faster than a flag in bit 31).
 * A sparse state's id is twice its record's offset past the dense table, plus the bit.
 * The scan loop tests that bit and nothing else per byte. Matching states get MATCH
 * numbers, which index their own outputs and their dictionary link (the nearest suffix
 * state with outputs), so nested and overlapping terms cost nothing until they are
 * reported.
 *
 * The trie is built from the terms sorted bytewise: each term only appends nodes after
 * its longest common prefix with the previous one, nodes come out in preorder with
 * children in byte order, and no child is ever searched for. The automaton is two
 * allocations (the dense table, the rest); no per-node malloc.
 */
#include "automaton.h"

#include <string.h>
#include <utf8proc.h>

#include "mesura/errors.h"
#include "text/ascii.h"

#define NONE UINT32_MAX
#define MATCH_BIT 1u
#define ID_MAX (UINT32_MAX - 1) /* the largest encoded id (below NONE) */

/* Dense rows for the breadth-first prefix of the states that fits in this: every
 * state of up to some 15,000 terms, down to depth 4 or so of 100,000. Measured with
 * 100,000 random terms: 16 MiB scans twice as fast as 4 MiB, 32 MiB only 15% faster
 * again. */
#define DENSE_BYTES ((size_t)16 << 20)

/* A sparse record: [0] failure (encoded), [1] edge count | HAS_MATCH, then the edge
 * classes (bytes, padded to a word), the edge targets (encoded), and the match number
 * when HAS_MATCH. */
#define REC_COUNT_MASK 0x1ffu
#define HAS_MATCH 0x200u

/* The masked walk keeps its choice points on the C stack: one per mask byte plus up to
 * three inside a multi-byte letter. */
#define MASK_MAX 64
#define MASK_FRAMES (4 * MASK_MAX)

/* Layouts a builder may be told to take (mesura_match__builder_layout). */
#define FORCED_DENSE 1
#define FORCED_MIXED 2

/* The class of unused bytes has no byte of its own. */
#define NO_BYTE 0x100

typedef struct {
	size_t off; /* into the builder's bytes */
	uint32_t len, id;
} term_rec;

struct mesura_automaton_builder {
	mesura_allocator alloc; /* first: see mesura_alloc__new_object */
	char *bytes;
	size_t n_bytes, bytes_cap;
	term_rec *terms;
	size_t n_terms, terms_cap;
	int ascii_caseless;
	int layout; /* forced (mesura_match__builder_layout): 0 none, DENSE or MIXED */
};

typedef struct {
	uint32_t id, len;
} output;

struct mesura_automaton {
	mesura_allocator alloc;    /* first: see mesura_alloc__new_object */
	uint8_t classes[256];      /* byte -> class */
	uint16_t class_byte[256];  /* class -> byte, or NO_BYTE */
	uint32_t stride;           /* number of classes */
	uint32_t row_len;          /* a dense row: stride, the match word, even */
	uint32_t n_states, n_dense;
	uint32_t dense_end;        /* n_dense * row_len: encoded ids below are dense */
	uint32_t n_match;
	uint32_t max_len;          /* the longest term */
	uint32_t *dense;           /* n_dense rows of encoded transitions (and match number) */
	size_t dense_bytes;
	void *block;               /* every array below */
	size_t block_bytes;
	uint32_t *sparse;          /* the records of the sparse states */
	uint32_t *dense_edge_first; /* per dense state (+1): its trie edges, for the */
	uint8_t *dense_edge_class;  /* masked walk (the rows have lost them) */
	uint32_t *dense_edge_to;
	uint32_t *out_first;       /* per match number (+1): its own outputs */
	output *outs;
	uint32_t *dict;            /* per match number: next suffix's match number, or NONE */
	uint16_t *narrow;          /* NARROW states' columns (then `dense` is NULL), or NULL */
	uint16_t *narrow_id;       /* breadth-first position -> narrow state */
	const uint16_t *narrow_col[256]; /* byte -> its class's column */
	uint32_t narrow_last;      /* the last narrow state: match number m's is this - m */
	uint32_t narrow_bias;      /* 65536 - the first matching one: bit 16 of state + bias */
};

/* ---------------------------------------------------------- builder */

int mesura_match__builder_new(mesura_automaton_builder **out, const mesura_allocator *alloc)
{
	if (!out)
		return MESURA_EINVAL;
	*out = NULL;
	return mesura_alloc__new_object((void **)out, sizeof **out, alloc);
}

void mesura_match__builder_free(mesura_automaton_builder *b)
{
	if (!b)
		return;
	mesura_allocator a = b->alloc;
	mesura_alloc__free(&a, b->bytes);
	mesura_alloc__free(&a, b->terms);
	mesura_alloc__free(&a, b);
}

int mesura_match__builder_add(mesura_automaton_builder *b, const char *term, size_t len,
                              uint32_t id)
{
	if (!b || !term || len == 0 || len > UINT32_MAX - 1 || b->n_terms >= UINT32_MAX - 1)
		return MESURA_EINVAL;
	if (len > SIZE_MAX - b->n_bytes)
		return MESURA_ENOMEM;
	void *bytes = b->bytes, *terms = b->terms;
	int rc = mesura_alloc__grow(&b->alloc, &bytes, &b->bytes_cap, b->n_bytes + len, 1);
	b->bytes = bytes;
	if (rc == MESURA_OK)
		rc = mesura_alloc__grow(&b->alloc, &terms, &b->terms_cap, b->n_terms + 1,
		                        sizeof(term_rec));
	b->terms = terms;
	if (rc != MESURA_OK)
		return rc;
	memcpy(b->bytes + b->n_bytes, term, len);
	b->terms[b->n_terms++] = (term_rec){b->n_bytes, (uint32_t)len, id};
	b->n_bytes += len;
	return MESURA_OK;
}

size_t mesura_match__builder_count(const mesura_automaton_builder *b)
{
	return b ? b->n_terms : 0;
}

void mesura_match__builder_layout(mesura_automaton_builder *b, const char *layout)
{
	b->layout = strcmp(layout, "dense") == 0 ? FORCED_DENSE : strcmp(layout, "mixed") == 0 ? FORCED_MIXED : 0;
}

void mesura_match__builder_ascii_caseless(mesura_automaton_builder *b)
{
	b->ascii_caseless = 1;
}

/* ---------------------------------------------------------- sorting the terms */

typedef struct {
	const unsigned char *bytes;
	uint32_t len, id;
} sorted_term;

/* Bytewise, a prefix first; the same bytes by id. */
static int compare_terms(const sorted_term *x, const sorted_term *y)
{
	uint32_t common = x->len < y->len ? x->len : y->len;
	int r = memcmp(x->bytes, y->bytes, common);
	if (r)
		return r;
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

static void insertion_sort(sorted_term *t, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		sorted_term x = t[i];
		size_t j = i;
		for (; j > 0 && compare_terms(&t[j - 1], &x) > 0; j--)
			t[j] = t[j - 1];
		t[j] = x;
	}
}

static void merge(const sorted_term *x, size_t nx, const sorted_term *y, size_t ny,
                  sorted_term *out)
{
	while (nx && ny) {
		if (compare_terms(y, x) < 0) {
			*out++ = *y++;
			ny--;
		} else {
			*out++ = *x++;
			nx--;
		}
	}
	memcpy(out, x, nx * sizeof *x);
	memcpy(out + nx, y, ny * sizeof *y);
}

/* Bottom-up merge sort of runs of 16: O(n log n) whatever the terms, no recursion,
 * and no qsort (which may allocate behind the caller's hooks). Returns the array that
 * holds the result, t or spare. */
static sorted_term *sort_terms(sorted_term *t, sorted_term *spare, size_t n)
{
	enum { RUN = 16 };
	for (size_t lo = 0; lo < n; lo += RUN)
		insertion_sort(t + lo, n - lo < RUN ? n - lo : RUN);
	for (size_t width = RUN; width < n; width *= 2) {
		for (size_t lo = 0; lo < n; lo += 2 * width) {
			size_t mid = n - lo < width ? n : lo + width;
			size_t hi = n - lo < 2 * width ? n : lo + 2 * width;
			merge(t + lo, mid - lo, t + mid, hi - mid, spare + lo);
		}
		sorted_term *sorted = spare;
		spare = t;
		t = sorted;
	}
	return t;
}

static uint32_t common_prefix(const sorted_term *x, const sorted_term *y)
{
	uint32_t n = x->len < y->len ? x->len : y->len, k = 0;
	while (k < n && x->bytes[k] == y->bytes[k])
		k++;
	return k;
}

/* ---------------------------------------------------------- building */

typedef struct {
	const mesura_allocator *alloc;
	mesura_automaton *a;
	sorted_term *terms; /* sorted, then without repeated (term, id) pairs */
	size_t n_terms;
	void *scratch;      /* the per-node arrays below */
	/* The trie, nodes in preorder. */
	uint32_t *child, *sibling; /* first child; next sibling (children in byte order) */
	uint32_t *out_start;       /* per node (+1): its terms in terms[] */
	uint8_t *label;            /* the byte into the node */
	uint32_t *path;            /* per depth: the node of the last term inserted */
	/* The automaton. */
	uint32_t *order;           /* breadth-first position -> node */
	uint32_t *pos_enc;         /* node -> breadth-first position; later its encoded id */
	uint32_t *fail, *dict;     /* per node: failure node; nearest suffix with outputs */
	uint32_t *match;           /* per node: match number, or NONE */
	size_t sparse_words, dense_edges;
	int encoded_rows;          /* every state is dense: rows hold encoded ids at once */
	int forced;                /* the builder's layout, if it was told one */
	int narrow;                /* a plain DFA of at most 65,536 states: see build_narrow */
	uint16_t *nid;             /* its nodes' narrow states (given breadth first) */
	uint32_t *node_of;         /* narrow state -> node */
	uint16_t *rows16;          /* its rows while it is built, by narrow state */
} build;

/* Copies the builder's terms out, sorted, dropping repeated (term, id) pairs. */
static int sort_builder_terms(build *c, const mesura_automaton_builder *b)
{
	size_t n = b->n_terms;
	sorted_term *t = mesura_alloc__malloc(c->alloc, (n ? n : 1) * sizeof *t);
	sorted_term *spare = mesura_alloc__malloc(c->alloc, (n ? n : 1) * sizeof *spare);
	if (!t || !spare) {
		mesura_alloc__free(c->alloc, t);
		mesura_alloc__free(c->alloc, spare);
		return MESURA_ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		const term_rec *r = &b->terms[i];
		t[i] = (sorted_term){(const unsigned char *)b->bytes + r->off, r->len, r->id};
	}
	c->terms = sort_terms(t, spare, n);
	mesura_alloc__free(c->alloc, c->terms == t ? spare : t);
	size_t kept = 0;
	for (size_t i = 0; i < n; i++)
		if (kept == 0 || compare_terms(&c->terms[kept - 1], &c->terms[i]) != 0)
			c->terms[kept++] = c->terms[i];
	c->n_terms = kept;
	return MESURA_OK;
}

/* The order in which used bytes get their classes: the space and the lower-case
 * letters first, since they make most of the text of a post (terms are normalised,
 * mostly case-folded), so that the transitions a text takes out of a state are near
 * each other in its row (fewer cache lines read); then every other byte, in byte
 * order. */
static unsigned class_order(unsigned k)
{
	if (k == 0)
		return ' ';
	if (k <= 26)
		return 'a' + k - 1;
	if (k <= ' ' + 26)
		return k - 27; /* the bytes below the space */
	return k < 'a' + 26 ? k - 26 : k; /* the rest, skipping the letters */
}

/* Byte classes from the bytes the terms use (class 0 is every unused byte). */
static void assign_classes(mesura_automaton *a, const build *c)
{
	unsigned char used[256] = {0};
	for (size_t i = 0; i < c->n_terms; i++)
		for (uint32_t k = 0; k < c->terms[i].len; k++)
			used[c->terms[i].bytes[k]] = 1;
	unsigned n_used = 0;
	for (unsigned byte = 0; byte < 256; byte++)
		n_used += used[byte];
	unsigned next = n_used < 256; /* leave class 0 to the unused bytes, if any */
	for (unsigned k = 0; k < 256; k++) {
		a->class_byte[k] = NO_BYTE;
		a->classes[k] = 0;
	}
	for (unsigned k = 0; k < 256; k++) {
		unsigned byte = class_order(k);
		if (used[byte]) {
			a->classes[byte] = (uint8_t)next;
			a->class_byte[next++] = (uint16_t)byte;
		}
	}
	a->stride = next;
}

/* Counts the trie's nodes (one per byte after the common prefix with the previous
 * term), chooses the dense states and checks that every id fits in 32 bits. */
static int size_automaton(build *c)
{
	mesura_automaton *a = c->a;
	size_t nodes = 1;
	uint32_t max_len = 0;
	for (size_t i = 0; i < c->n_terms; i++) {
		const sorted_term *t = &c->terms[i];
		nodes += t->len - (i ? common_prefix(&c->terms[i - 1], t) : 0);
		if (t->len > max_len)
			max_len = t->len;
	}
	a->row_len = (a->stride + 2) & ~1u; /* room for the match word; even, for MATCH_BIT */
	size_t dense = DENSE_BYTES / (a->row_len * sizeof(uint32_t));
	dense = dense < 1 ? 1 : dense > nodes ? nodes : dense;
	if (c->forced == FORCED_MIXED)
		dense = nodes / 4 > 1 ? nodes / 4 : 1;
	/* A sparse record takes at most 6 words per state (counting its edges' share), and
	 * a sparse id is twice its offset. */
	if (nodes > (ID_MAX - dense * a->row_len) / 12)
		return MESURA_ENOMEM;
	a->n_states = (uint32_t)nodes;
	a->n_dense = (uint32_t)dense;
	c->narrow = dense == nodes && nodes <= 65536 && !c->forced;
	a->dense_end = (uint32_t)(dense * a->row_len);
	a->max_len = max_len;
	return MESURA_OK;
}

/* Carves consecutive arrays out of one allocation, each 8-byte aligned. */
typedef struct {
	size_t used;
	unsigned char *base;
} carver;

static void *carve(carver *k, size_t count, size_t size)
{
	size_t at = (k->used + 7) & ~(size_t)7;
	k->used = at + (count ? count : 1) * size;
	return k->base ? k->base + at : NULL;
}

static void carve_scratch(build *c, carver *k)
{
	size_t n = c->a->n_states;
	c->child = carve(k, n, sizeof(uint32_t));
	c->sibling = carve(k, n, sizeof(uint32_t));
	c->out_start = carve(k, n + 1, sizeof(uint32_t));
	c->order = carve(k, n, sizeof(uint32_t));
	c->pos_enc = carve(k, n, sizeof(uint32_t));
	c->fail = carve(k, n, sizeof(uint32_t));
	c->dict = carve(k, n, sizeof(uint32_t));
	c->match = carve(k, n, sizeof(uint32_t));
	c->path = carve(k, (size_t)c->a->max_len + 1, sizeof(uint32_t));
	c->rows16 = c->narrow ? carve(k, n * c->a->stride, sizeof(uint16_t)) : NULL;
	c->nid = c->narrow ? carve(k, n, sizeof(uint16_t)) : NULL;
	c->node_of = c->narrow ? carve(k, n, sizeof(uint32_t)) : NULL;
	c->label = carve(k, n, 1);
}

static int new_scratch(build *c)
{
	carver k = {0, NULL};
	carve_scratch(c, &k);
	c->scratch = mesura_alloc__malloc(c->alloc, k.used);
	if (!c->scratch)
		return MESURA_ENOMEM;
	k = (carver){0, c->scratch};
	carve_scratch(c, &k);
	return MESURA_OK;
}

/* Sorted terms make a preorder trie: each term appends nodes after its common prefix
 * with the previous one, as the last child of the branching node. */
static void insert_terms(build *c)
{
	uint32_t n = 1, prev_len = 0;
	c->child[0] = c->sibling[0] = NONE;
	c->label[0] = 0;
	memset(c->out_start, 0, ((size_t)c->a->n_states + 1) * sizeof *c->out_start);
	c->path[0] = 0;
	for (size_t i = 0; i < c->n_terms; i++) {
		const sorted_term *t = &c->terms[i];
		uint32_t common = i ? common_prefix(&c->terms[i - 1], t) : 0;
		for (uint32_t k = common; k < t->len; k++) {
			uint32_t x = n++;
			c->child[x] = c->sibling[x] = NONE;
			c->label[x] = t->bytes[k];
			if (k == common && common < prev_len)
				c->sibling[c->path[k + 1]] = x; /* after the previous term's branch */
			else
				c->child[c->path[k]] = x;
			c->path[k + 1] = x;
		}
		c->out_start[c->path[t->len] + 1]++; /* counted here, summed below */
		prev_len = t->len;
	}
	/* The terms ending at a node are consecutive in terms[], in node order. */
	for (uint32_t x = 0; x < n; x++)
		c->out_start[x + 1] += c->out_start[x];
}

static int has_outputs(const build *c, uint32_t x)
{
	return c->out_start[x + 1] > c->out_start[x];
}

static uint32_t count_children(const build *c, uint32_t x)
{
	uint32_t n = 0;
	for (uint32_t y = c->child[x]; y != NONE; y = c->sibling[y])
		n++;
	return n;
}

/* Whether node x is a matching state (known once its dictionary link is). */
static int is_matching(const build *c, uint32_t x)
{
	return has_outputs(c, x) || c->dict[x] != NONE;
}

/* The 16-bit row of node x of a narrow automaton. */
static uint16_t *row16_of(const build *c, uint32_t x)
{
	return c->rows16 + (size_t)c->nid[x] * c->a->stride;
}

/* The transitions of a dense node, while pos_enc holds breadth-first positions: after
 * the match word when the node matches, else before the unused last word. */
static uint32_t *row_of(const build *c, uint32_t x)
{
	size_t at = (size_t)c->pos_enc[x] * c->a->row_len;
	return c->a->dense + at + (is_matching(c, x) ? 1 : 0);
}

/* The encoded id of dense node x (number_states gives the same), once its dictionary
 * link is known. */
static uint32_t dense_id(const build *c, uint32_t x)
{
	return c->pos_enc[x] * c->a->row_len + (is_matching(c, x) ? MATCH_BIT : 0);
}

/* The node a row entry stands for. */
static uint32_t row_node(const build *c, uint32_t entry)
{
	return c->encoded_rows ? c->order[(entry & ~MATCH_BIT) / c->a->row_len] : entry;
}

/* The transition from node f by `byte`, failures followed: a sparse node looks among
 * its children, a dense one has the answer in its (already filled) row. */
static uint32_t resolve(const build *c, uint32_t f, unsigned char byte)
{
	const mesura_automaton *a = c->a;
	if (c->narrow)
		return c->node_of[row16_of(c, f)[a->classes[byte]]];
	while (c->pos_enc[f] >= a->n_dense) {
		for (uint32_t x = c->child[f]; x != NONE && c->label[x] <= byte; x = c->sibling[x])
			if (c->label[x] == byte)
				return x;
		f = c->fail[f];
	}
	return row_node(c, row_of(c, f)[a->classes[byte]]);
}

/* A dense row: the failure state's row, then the node's own children. The failure
 * state is shallower, so its row is already complete. The entries are node ids, which
 * lay_out encodes, or encoded ids at once when every state is dense (a plain DFA: the
 * children's places are known, they were queued before this row). The root's row,
 * and the spare words until lay_out, are 0. */
static void fill_row(build *c, uint32_t pos, uint32_t v)
{
	mesura_automaton *a = c->a;
	if (c->narrow) { /* the same, in narrow states */
		uint16_t *row = row16_of(c, v);
		if (pos == 0)
			memset(row, 0, a->stride * sizeof *row);
		else
			memcpy(row, row16_of(c, c->fail[v]), a->stride * sizeof *row);
		for (uint32_t x = c->child[v]; x != NONE; x = c->sibling[x])
			row[a->classes[c->label[x]]] = c->nid[x];
		return;
	}
	uint32_t *row = row_of(c, v);
	memset(a->dense + (size_t)pos * a->row_len, 0, a->row_len * sizeof *row);
	if (pos != 0)
		memcpy(row, row_of(c, c->fail[v]), a->stride * sizeof *row);
	for (uint32_t x = c->child[v]; x != NONE; x = c->sibling[x])
		row[a->classes[c->label[x]]] = c->encoded_rows ? dense_id(c, x) : x;
}

/* Failure and dictionary links and dense rows, breadth first: everything a node
 * needs belongs to shallower nodes. */
static void link_breadth_first(build *c)
{
	uint32_t tail = 1;
	c->order[0] = 0;
	c->pos_enc[0] = 0;
	c->fail[0] = 0;
	c->dict[0] = NONE;
	c->encoded_rows = c->a->n_dense == c->a->n_states;
	uint32_t plain = 1, matching = c->a->n_states; /* narrow states: the root's is 0 */
	if (c->narrow)
		c->nid[0] = 0, c->node_of[0] = 0;
	for (uint32_t head = 0; head < tail; head++) {
		uint32_t v = c->order[head];
		for (uint32_t x = c->child[v]; x != NONE; x = c->sibling[x]) {
			uint32_t f = v == 0 ? 0 : resolve(c, c->fail[v], c->label[x]);
			c->fail[x] = f;
			c->dict[x] = has_outputs(c, f) ? f : c->dict[f];
			if (c->narrow) {
				c->nid[x] = (uint16_t)(is_matching(c, x) ? --matching : plain++);
				c->node_of[c->nid[x]] = x;
			}
			c->pos_enc[x] = tail;
			c->order[tail++] = x;
		}
		if (head < c->a->n_dense)
			fill_row(c, head, v);
	}
}

static size_t record_words(uint32_t n_edges, int matching)
{
	return 2 + (n_edges + 3) / 4 + n_edges + (matching != 0);
}

/* Match numbers (dense states breadth first, then sparse ones in preorder) and encoded
 * ids (a dense state's row offset; twice a sparse state's record offset, in preorder,
 * so that a first child's record follows its parent's; plus MATCH_BIT). */
static void number_states(build *c)
{
	mesura_automaton *a = c->a;
	uint32_t m = 0;
	c->dense_edges = 0;
	for (uint32_t h = 0; h < a->n_dense; h++) {
		uint32_t x = c->order[h];
		c->match[x] = is_matching(c, x) ? m++ : NONE;
		c->dense_edges += count_children(c, x);
	}
	for (uint32_t x = 0; x < a->n_states; x++)
		if (c->pos_enc[x] >= a->n_dense)
			c->match[x] = is_matching(c, x) ? m++ : NONE;
	a->n_match = m;
	size_t words = 0;
	for (uint32_t x = 0; x < a->n_states; x++) {
		uint32_t enc, matching = c->match[x] != NONE;
		if (c->pos_enc[x] < a->n_dense) {
			enc = c->pos_enc[x] * a->row_len;
		} else {
			enc = a->dense_end + 2 * (uint32_t)words;
			words += record_words(count_children(c, x), (int)matching);
		}
		c->pos_enc[x] = enc + matching * MATCH_BIT;
	}
	c->sparse_words = words;
}

static void carve_block(mesura_automaton *a, const build *c, carver *k)
{
	a->sparse = carve(k, c->sparse_words, sizeof(uint32_t));
	a->dense_edge_first = carve(k, (size_t)a->n_dense + 1, sizeof(uint32_t));
	a->dense_edge_to = carve(k, c->dense_edges, sizeof(uint32_t));
	a->out_first = carve(k, (size_t)a->n_match + 1, sizeof(uint32_t));
	a->dict = carve(k, a->n_match, sizeof(uint32_t));
	a->outs = carve(k, c->n_terms, sizeof(output));
	a->dense_edge_class = carve(k, c->dense_edges, 1);
}

/* The outputs and dictionary link of node x, if it matches (called in match order). */
static void lay_out_outputs(build *c, uint32_t x, uint32_t *out)
{
	mesura_automaton *a = c->a;
	uint32_t m = c->match[x];
	if (m == NONE)
		return;
	a->out_first[m] = *out;
	for (uint32_t k = c->out_start[x]; k < c->out_start[x + 1]; k++)
		a->outs[(*out)++] = (output){c->terms[k].id, c->terms[k].len};
	a->dict[m] = c->dict[x] == NONE ? NONE : c->match[c->dict[x]];
}

static void lay_out_record(build *c, uint32_t x)
{
	mesura_automaton *a = c->a;
	uint32_t *rec = a->sparse + (c->pos_enc[x] - a->dense_end) / 2;
	uint32_t n = count_children(c, x), k = 0;
	uint8_t *classes = (uint8_t *)(rec + 2);
	uint32_t *to = rec + 2 + (n + 3) / 4;
	rec[0] = c->pos_enc[c->fail[x]];
	rec[1] = n | (c->match[x] != NONE ? HAS_MATCH : 0);
	memset(classes, 0, (n + 3) / 4 * sizeof *rec);
	for (uint32_t y = c->child[x]; y != NONE; y = c->sibling[y], k++) {
		classes[k] = a->classes[c->label[y]];
		to[k] = c->pos_enc[y];
	}
	if (c->match[x] != NONE)
		to[n] = c->match[x];
}

/* The final arrays; the dense rows get encoded ids and match numbers. */
static int lay_out(build *c)
{
	mesura_automaton *a = c->a;
	carver k = {0, NULL};
	carve_block(a, c, &k);
	a->block = mesura_alloc__malloc(&a->alloc, k.used);
	if (!a->block)
		return MESURA_ENOMEM;
	a->block_bytes = k.used;
	k = (carver){0, a->block};
	carve_block(a, c, &k);
	uint32_t edge = 0, out = 0;
	for (uint32_t h = 0; h < a->n_dense; h++) {
		uint32_t x = c->order[h], *row = c->narrow ? NULL : a->dense + (size_t)h * a->row_len;
		if (row && c->match[x] != NONE)
			*row++ = c->match[x];
		for (uint32_t i = 0; row && i < a->stride && !c->encoded_rows; i++)
			row[i] = c->pos_enc[row[i]];
		a->dense_edge_first[h] = edge;
		for (uint32_t y = c->child[x]; y != NONE; y = c->sibling[y], edge++) {
			a->dense_edge_class[edge] = a->classes[c->label[y]];
			a->dense_edge_to[edge] = c->pos_enc[y];
		}
		lay_out_outputs(c, x, &out);
	}
	a->dense_edge_first[a->n_dense] = edge;
	for (uint32_t x = 0; x < a->n_states; x++)
		if (c->pos_enc[x] >= a->dense_end) {
			lay_out_record(c, x);
			lay_out_outputs(c, x, &out);
		}
	a->out_first[a->n_match] = out;
	return MESURA_OK;
}

/* NARROW states: a plain DFA of at most 65,536 states gets 16-bit state numbers, the
 * non-matching states from 0 up and the matching ones from the top down, each breadth
 * first (so the matching state of match number m is the last but m), in columns:
 * column k holds every state's transition by class k. A step is then one load,
 * col[byte][state], whose address needs no arithmetic on the state, and the states
 * text visits most (the shallow ones, breadth first) lie together in each column, in
 * half the bytes of 32-bit rows. Its rows were built with these numbers, one row per
 * state in their order (fill_row); the columns are the rows turned, a block of rows at
 * a time (the block stays in the cache while every column takes its part). */
#define TURN_BLOCK 128
static int build_narrow(build *c)
{
	mesura_automaton *a = c->a;
	if (!c->narrow)
		return MESURA_OK;
	uint32_t n = a->n_states;
	a->dense_bytes = (size_t)n * (a->stride + 1) * sizeof *a->narrow;
	uint16_t *id = a->narrow_id = mesura_alloc__malloc(&a->alloc, (size_t)n * sizeof *id);
	a->narrow = mesura_alloc__malloc(&a->alloc, (size_t)n * a->stride * sizeof *a->narrow);
	if (!id || !a->narrow)
		return MESURA_ENOMEM;
	for (uint32_t h = 0; h < n; h++)
		id[h] = c->nid[c->order[h]];
	for (uint32_t from = 0; from < n; from += TURN_BLOCK) {
		uint32_t to = n - from < TURN_BLOCK ? n : from + TURN_BLOCK;
		for (uint32_t k = 0; k < a->stride; k++)
			for (uint32_t i = from; i < to; i++)
				a->narrow[(size_t)k * n + i] = c->rows16[(size_t)i * a->stride + k];
	}
	for (unsigned byte = 0; byte < 256; byte++)
		a->narrow_col[byte] = a->narrow + (size_t)a->classes[byte] * n;
	a->narrow_last = n - 1;
	a->narrow_bias = 65536 - (n - a->n_match);
	return MESURA_OK;
}

void mesura_match__automaton_free(mesura_automaton *a)
{
	if (!a)
		return;
	mesura_allocator alloc = a->alloc;
	mesura_alloc__free(&alloc, a->narrow);
	mesura_alloc__free(&alloc, a->narrow_id);
	mesura_alloc__free(&alloc, a->dense);
	mesura_alloc__free(&alloc, a->block);
	mesura_alloc__free(&alloc, a);
}

int mesura_match__builder_build(mesura_automaton_builder *b, mesura_automaton **out)
{
	if (!out)
		return MESURA_EINVAL;
	*out = NULL;
	if (!b)
		return MESURA_EINVAL;
	build c = {.alloc = &b->alloc, .forced = b->layout};
	int rc = mesura_alloc__new_object((void **)&c.a, sizeof *c.a, &b->alloc);
	if (rc == MESURA_OK)
		rc = sort_builder_terms(&c, b);
	if (rc == MESURA_OK) {
		assign_classes(c.a, &c);
		if (b->ascii_caseless) /* 'A' reads as 'a': one class, so one transition */
			for (unsigned byte = 'A'; byte <= 'Z'; byte++)
				c.a->classes[byte] = c.a->classes[byte | 0x20];
		rc = size_automaton(&c);
	}
	if (rc == MESURA_OK)
		rc = new_scratch(&c);
	if (rc == MESURA_OK && !c.narrow) {
		c.a->dense_bytes = (size_t)c.a->dense_end * sizeof(uint32_t);
		c.a->dense = mesura_alloc__malloc(&c.a->alloc, c.a->dense_bytes);
		rc = c.a->dense ? MESURA_OK : MESURA_ENOMEM;
	}
	if (rc == MESURA_OK) {
		insert_terms(&c);
		link_breadth_first(&c);
		number_states(&c);
		rc = lay_out(&c);
	}
	if (rc == MESURA_OK)
		rc = build_narrow(&c);
	mesura_alloc__free(c.alloc, c.scratch);
	mesura_alloc__free(c.alloc, c.terms);
	if (rc != MESURA_OK) {
		mesura_match__automaton_free(c.a);
		return rc;
	}
	*out = c.a;
	return MESURA_OK;
}

const char *mesura_match__automaton_layout(const mesura_automaton *a)
{
	return !a ? "none" : a->narrow ? "narrow" : a->n_dense == a->n_states ? "dense" : "mixed";
}

size_t mesura_match__automaton_longest(const mesura_automaton *a)
{
	return a ? a->max_len : 0;
}

size_t mesura_match__automaton_memory(const mesura_automaton *a)
{
	return a ? sizeof *a + a->dense_bytes + a->block_bytes : 0;
}

/* ---------------------------------------------------------- reading states */

static const uint32_t *record_of(const mesura_automaton *a, uint32_t enc)
{
	return a->sparse + (enc - a->dense_end) / 2;
}

/* The match number of an encoded state, or NONE. */
static uint32_t match_of(const mesura_automaton *a, uint32_t enc)
{
	if (!(enc & MATCH_BIT))
		return NONE;
	if (enc < a->dense_end && a->narrow)
		return a->narrow_last - a->narrow_id[enc / a->row_len];
	if (enc < a->dense_end)
		return a->dense[enc - 1]; /* the word before its transitions */
	const uint32_t *rec = record_of(a, enc);
	uint32_t n = rec[1] & REC_COUNT_MASK;
	return rec[1] & HAS_MATCH ? rec[2 + (n + 3) / 4 + n] : NONE;
}

/* A state's trie edges (not its failure transitions), sorted by class. */
typedef struct {
	const uint8_t *classes;
	const uint32_t *to;
	uint32_t n;
} edge_list;

static edge_list edges_of(const mesura_automaton *a, uint32_t enc)
{
	if (enc < a->dense_end) {
		uint32_t s = enc / a->row_len, first = a->dense_edge_first[s];
		return (edge_list){a->dense_edge_class + first, a->dense_edge_to + first,
		                   a->dense_edge_first[s + 1] - first};
	}
	const uint32_t *rec = record_of(a, enc);
	uint32_t n = rec[1] & REC_COUNT_MASK;
	return (edge_list){(const uint8_t *)(rec + 2), rec + 2 + (n + 3) / 4, n};
}

/* ---------------------------------------------------------- searching */

/* The step from sparse state `enc` by class `cls`: its edges, else its failure state,
 * until a dense row answers. */
static uint32_t sparse_step(const mesura_automaton *a, uint32_t enc, unsigned cls)
{
	do {
		const uint32_t *rec = record_of(a, enc);
		uint32_t n = rec[1] & REC_COUNT_MASK;
		const uint8_t *classes = (const uint8_t *)(rec + 2);
		for (uint32_t k = 0; k < n; k++)
			if (classes[k] == cls)
				return rec[2 + (n + 3) / 4 + k];
		enc = rec[0];
	} while (enc >= a->dense_end);
	return a->dense[enc + cls];
}

/* Every term ending at `end` in the state of match number m and its dictionary
 * suffixes. */
static int report(const mesura_automaton *a, uint32_t m, size_t end,
                  mesura_automaton_hit_fn hit, void *payload)
{
	do {
		for (uint32_t k = a->out_first[m]; k < a->out_first[m + 1]; k++) {
			int rc = hit(a->outs[k].id, end - a->outs[k].len, end, payload);
			if (rc)
				return rc;
		}
		m = a->dict[m];
	} while (m != NONE);
	return 0;
}

/* `dense` is a constant in each copy of the loops below: when every state is dense
 * (some 15,000 terms or fewer), a step is one load with no test. The loops are forced
 * inline so that each copy is compiled for its constant: left to itself, the compiler
 * made one copy that tested `dense` at every byte and kept the streams on the stack. */
#if defined(__GNUC__)
#define SPECIALISED inline __attribute__((always_inline))
#else
#define SPECIALISED inline
#endif

/* The layouts a search is compiled for: some states sparse, every state dense, or
 * every state narrow as well (which the search then uses). */
enum { MIXED, DENSE, NARROW };

static SPECIALISED uint32_t step(const mesura_automaton *a, uint32_t s, unsigned char byte,
                                 int layout)
{
	if (layout == NARROW)
		return a->narrow_col[byte][s];
	unsigned cls = a->classes[byte];
	return layout == DENSE || s < a->dense_end ? a->dense[(size_t)s + cls] : sparse_step(a, s, cls);
}

/* Whether state s matches (some term ends there). */
static SPECIALISED uint32_t matches(const mesura_automaton *a, uint32_t s, int layout)
{
	return layout == NARROW ? (s + a->narrow_bias) >> 16 : s & MATCH_BIT;
}

/* report() for a state of the layout. */
static SPECIALISED int report_state(const mesura_automaton *a, uint32_t s, size_t end,
                                    mesura_automaton_hit_fn hit, void *payload, int layout)
{
	return report(a, layout == NARROW ? a->narrow_last - s : match_of(a, s), end, hit, payload);
}

/* Runs text[from..to) from *state, reporting every term that ends there. */
static SPECIALISED int run_serial(const mesura_automaton *a, const unsigned char *p, size_t from,
                                  size_t to, uint32_t *state, mesura_automaton_hit_fn hit,
                                  void *payload, int layout)
{
	uint32_t s = *state;
	for (size_t i = from; i < to; i++) {
		s = step(a, s, p[i], layout);
		if (matches(a, s, layout)) {
			int rc = report_state(a, s, i + 1, hit, payload, layout);
			if (rc)
				return rc;
		}
	}
	*state = s;
	return 0;
}

/*
 * A scan is a chain of dependent loads, so one stream of text waits on memory at
 * every byte; four independent streams overlap those waits (three to four times the
 * throughput, more with large term sets). A WINDOW is four consecutive spans run in
 * lockstep. Stream 0 carries the state from before the window and reports at once.
 * Streams 1-3 start at the root `warm` bytes before their span: a GUESS of the state
 * at its start, checked once stream j-1 is done. If stream j-1 ended in the same
 * state, stream j has the same steps and hits from there on as a single scan; if not
 * (the text there was deeper in some term than the warm-up), the span runs again,
 * serially, from the right state. Warming up as long as the longest term is never
 * wrong, but for a post of 140 bytes and terms of 33 that is 236 steps instead of 140;
 * text is seldom deep in a term, and WARM_GUESS bytes guessed wrong at 0.5% of the
 * spans of the benchmark corpus (1,000 to 100,000 terms; 4 bytes: 5%). Spans of 8
 * longest terms or more take the sure warm-up, which costs them little: only short
 * spans are ever run twice. Hits of streams 1-3 wait in small queues until their
 * guess is checked; a full queue stops the lockstep and each stream finishes on its
 * own, in order.
 */
#define STREAMS 4
#define SPAN_MAX 2048  /* bytes per stream per window */
#define SPAN_MIN 8     /* below, one stream: the fixed costs would outweigh the gain */
#define WARM_GUESS 8
#define QUEUED 128     /* hits a later stream may hold per window */

typedef struct {
	uint32_t state, at; /* encoded state; step within the window */
} queued_hit;

typedef struct {
	queued_hit hits[QUEUED];
	uint32_t n;
} hit_queue;

/* Queues a hit of a later stream; returns non-zero when the queue is full. */
static SPECIALISED int queue_hit(const mesura_automaton *a, hit_queue *q, uint32_t s, size_t at,
                                 int layout)
{
	if (!matches(a, s, layout))
		return 0;
	q->hits[q->n++] = (queued_hit){s, (uint32_t)at};
	return q->n == QUEUED;
}

/* Steps the four streams (spans of `span` bytes from q0) from step t on, until step
 * `end` or until a step leaves some stream in a matching state; returns the steps
 * done by then. Nothing is called in the loop, so that the states, the streams and
 * the tables stay in registers (about 6 instructions a byte, against 11 before). */
static SPECIALISED size_t lockstep(const mesura_automaton *a, const unsigned char *q0,
                                   size_t span, size_t t, size_t end, uint32_t *s0,
                                   uint32_t *s1, uint32_t *s2, uint32_t *s3, int layout)
{
	const uint8_t *classes = a->classes;
	const uint32_t *table = a->dense;
	const uint16_t *const *col = a->narrow_col;
	const uint32_t bias = a->narrow_bias;
	const unsigned char *q1 = q0 + span, *q2 = q1 + span, *q3 = q2 + span;
	uint32_t x0 = *s0, x1 = *s1, x2 = *s2, x3 = *s3;
	while (t < end) {
		if (layout == NARROW) {
			x0 = col[q0[t]][x0];
			x1 = col[q1[t]][x1];
			x2 = col[q2[t]][x2];
			x3 = col[q3[t]][x3];
			t++;
			if (((x0 + bias) | (x1 + bias) | (x2 + bias) | (x3 + bias)) >> 16)
				break;
			continue;
		}
		if (layout == DENSE) {
			x0 = table[(size_t)x0 + classes[q0[t]]];
			x1 = table[(size_t)x1 + classes[q1[t]]];
			x2 = table[(size_t)x2 + classes[q2[t]]];
			x3 = table[(size_t)x3 + classes[q3[t]]];
		} else {
			x0 = step(a, x0, q0[t], MIXED);
			x1 = step(a, x1, q1[t], MIXED);
			x2 = step(a, x2, q2[t], MIXED);
			x3 = step(a, x3, q3[t], MIXED);
		}
		t++;
		if ((x0 | x1 | x2 | x3) & MATCH_BIT)
			break;
	}
	*s0 = x0;
	*s1 = x1;
	*s2 = x2;
	*s3 = x3;
	return t;
}

static SPECIALISED int run_window(const mesura_automaton *a, const unsigned char *p,
                                  size_t base, size_t span, size_t warm, uint32_t *carry,
                                  mesura_automaton_hit_fn hit, void *payload, int layout)
{
	const unsigned char *q0 = p + base;
	size_t steps = span + warm, t = 0;
	uint32_t s0 = *carry, s1 = 0, s2 = 0, s3 = 0;
	while (t < warm) { /* streams 1-3 warm up: no hits of theirs yet */
		t = lockstep(a, q0, span, t, warm, &s0, &s1, &s2, &s3, layout);
		if (matches(a, s0, layout)) {
			int rc = report_state(a, s0, base + t, hit, payload, layout);
			if (rc)
				return rc;
		}
	}
	uint32_t guess[STREAMS] = {s0, s1, s2, s3};
	hit_queue queue[STREAMS - 1];
	int full = 0;
	for (int j = 0; j < STREAMS - 1; j++)
		queue[j].n = 0;
	while (t < steps && !full) {
		t = lockstep(a, q0, span, t, steps, &s0, &s1, &s2, &s3, layout);
		if (matches(a, s0, layout)) {
			int rc = report_state(a, s0, base + t, hit, payload, layout);
			if (rc)
				return rc;
		}
		if (matches(a, s1, layout) | matches(a, s2, layout) | matches(a, s3, layout))
			full = queue_hit(a, &queue[0], s1, t - 1, layout) |
			       queue_hit(a, &queue[1], s2, t - 1, layout) |
			       queue_hit(a, &queue[2], s3, t - 1, layout);
	}
	/* t steps done by every stream; each finishes alone, in order. */
	uint32_t s[STREAMS] = {s0, s1, s2, s3};
	int rc = run_serial(a, p, base + t, base + steps, &s[0], hit, payload, layout);
	for (size_t j = 1; j < STREAMS && rc == 0; j++) {
		size_t from = base + j * span;
		if (guess[j] != s[j - 1]) {
			s[j] = s[j - 1];
			rc = run_serial(a, p, from + warm, from + steps, &s[j], hit, payload, layout);
			continue;
		}
		for (uint32_t k = 0; k < queue[j - 1].n && rc == 0; k++)
			rc = report_state(a, queue[j - 1].hits[k].state, from + queue[j - 1].hits[k].at + 1,
			                  hit, payload, layout);
		if (rc == 0)
			rc = run_serial(a, p, from + t, from + steps, &s[j], hit, payload, layout);
	}
	*carry = s[STREAMS - 1];
	return rc;
}

/* Bytes a checked search reads between two calls of its check (windows are smaller). */
#define CHECK_BYTES ((size_t)1 << 16)

static SPECIALISED int search(const mesura_automaton *a, const unsigned char *p, size_t len,
                              mesura_automaton_hit_fn hit, mesura_automaton_check_fn check,
                              void *payload, int layout)
{
	size_t sure = a->max_len, quick = sure < WARM_GUESS ? sure : WARM_GUESS, at = 0;
	size_t checked = 0;
	uint32_t s = 0;
	while (len - at > quick) {
		if (check && at - checked >= CHECK_BYTES) {
			checked = at;
			int rc = check(at, payload);
			if (rc)
				return rc;
		}
		size_t warm = quick, span = (len - at - warm) / STREAMS;
		if (span / 8 >= sure) { /* the sure warm-up costs this span little */
			warm = sure;
			span = (len - at - warm) / STREAMS;
		}
		span = span > SPAN_MAX ? SPAN_MAX : span;
		if (span < SPAN_MIN)
			break;
		int rc = run_window(a, p, at, span, warm, &s, hit, payload, layout);
		if (rc)
			return rc;
		at += STREAMS * span + warm;
	}
	return run_serial(a, p, at, len, &s, hit, payload, layout);
}

static int search_narrow(const mesura_automaton *a, const unsigned char *p, size_t len,
                         mesura_automaton_hit_fn hit, mesura_automaton_check_fn check,
                         void *payload)
{
	return search(a, p, len, hit, check, payload, NARROW);
}

static int search_dense(const mesura_automaton *a, const unsigned char *p, size_t len,
                        mesura_automaton_hit_fn hit, mesura_automaton_check_fn check,
                        void *payload)
{
	return search(a, p, len, hit, check, payload, DENSE);
}

static int search_mixed(const mesura_automaton *a, const unsigned char *p, size_t len,
                        mesura_automaton_hit_fn hit, mesura_automaton_check_fn check,
                        void *payload)
{
	return search(a, p, len, hit, check, payload, MIXED);
}

int mesura_match__automaton_search_checked(const mesura_automaton *a, const char *text,
                                           size_t len, mesura_automaton_hit_fn hit,
                                           mesura_automaton_check_fn check, void *payload)
{
	if (a->n_match == 0)
		return 0; /* no terms (an empty list): nothing to find, no need to read */
	const unsigned char *p = (const unsigned char *)text;
	if (a->narrow)
		return search_narrow(a, p, len, hit, check, payload);
	return a->n_dense == a->n_states ? search_dense(a, p, len, hit, check, payload)
	                                 : search_mixed(a, p, len, hit, check, payload);
}

int mesura_match__automaton_search(const mesura_automaton *a, const char *text, size_t len,
                                   mesura_automaton_hit_fn hit, void *payload)
{
	return mesura_match__automaton_search_checked(a, text, len, hit, NULL, payload);
}

/* ---------------------------------------------------------- masked spellings */

typedef struct {
	uint32_t state;          /* encoded; whose children are being tried */
	uint32_t edge;           /* the next one to try */
	uint32_t pos;            /* text offset of the mask byte */
	uint32_t wild;           /* mask bytes that stood for a letter before this one */
	uint32_t cp, min_cp;     /* inside a multi-byte letter: its bits so far, its floor */
	uint32_t need;           /* continuation bytes still to read, this one included */
} mask_frame;

typedef struct {
	const mesura_automaton *a;
	const unsigned char *text, *mask;
	uint32_t len;
	size_t budget;
	mesura_automaton_hit_fn hit;
	void *payload;
	uint32_t top;
	mask_frame stack[MASK_FRAMES];
} mask_walk;

/* A multi-byte letter: well formed (no overlong form, no surrogate) and of category L. */
static int is_wide_letter(uint32_t cp, uint32_t min_cp)
{
	if (cp < min_cp || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	utf8proc_category_t cat = utf8proc_category((utf8proc_int32_t)cp);
	return cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO;
}

/* Spends one visited state of the budget. */
static int visit(mask_walk *w)
{
	if (w->budget == 0)
		return 0;
	w->budget--;
	return 1;
}

static uint32_t child_by_byte(const mesura_automaton *a, uint32_t s, unsigned char byte)
{
	edge_list e = edges_of(a, s);
	uint32_t cls = a->classes[byte], lo = 0, hi = e.n;
	unsigned want = a->class_byte[cls]; /* edges are in byte order, classes are not */
	while (lo < hi) { /* the root has many edges */
		uint32_t mid = lo + (hi - lo) / 2;
		if (a->class_byte[e.classes[mid]] < want)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < e.n && e.classes[lo] == cls ? e.to[lo] : NONE;
}

static void push_frame(mask_walk *w, uint32_t s, uint32_t pos, uint32_t wild, uint32_t need,
                       uint32_t cp, uint32_t min_cp)
{
	w->stack[w->top++] = (mask_frame){s, 0, pos, wild, cp, min_cp, need};
}

/* Follows the exact bytes of the text from state s at pos: at the end, reports the
 * state's own terms (if some mask stood for a letter); at a mask byte, leaves a choice
 * point. */
static int walk_exact(mask_walk *w, uint32_t s, uint32_t pos, uint32_t wild)
{
	const mesura_automaton *a = w->a;
	for (; pos < w->len && !w->mask[w->text[pos]]; pos++) {
		if (!visit(w))
			return MESURA_ELIMIT;
		s = child_by_byte(a, s, w->text[pos]);
		if (s == NONE)
			return 0;
	}
	if (pos < w->len) {
		push_frame(w, s, pos, wild, 0, 0, 0);
		return 0;
	}
	uint32_t m = match_of(a, s);
	if (!wild || m == NONE)
		return 0;
	for (uint32_t k = a->out_first[m]; k < a->out_first[m + 1]; k++) {
		int rc = w->hit(a->outs[k].id, 0, w->len, w->payload);
		if (rc)
			return rc;
	}
	return 0;
}

/* Continuation bytes after a UTF-8 lead byte and the smallest code point it may
 * start; 0 for a byte that cannot lead a multi-byte character. */
static uint32_t lead_length(unsigned byte, uint32_t *bits, uint32_t *min_cp)
{
	if (byte >= 0xC2 && byte <= 0xDF) {
		*bits = byte & 0x1F;
		*min_cp = 0x80;
		return 1;
	}
	if (byte >= 0xE0 && byte <= 0xEF) {
		*bits = byte & 0x0F;
		*min_cp = 0x800;
		return 2;
	}
	if (byte >= 0xF0 && byte <= 0xF4) {
		*bits = byte & 0x07;
		*min_cp = 0x10000;
		return 3;
	}
	return 0;
}

/* Takes the next untried edge of the innermost choice point. At a mask byte the edge
 * may be the byte itself, an ASCII letter, or the lead byte of a multi-byte letter
 * (whose continuation bytes become choice points of their own). */
static int try_next_edge(mask_walk *w)
{
	const mesura_automaton *a = w->a;
	mask_frame *f = &w->stack[w->top - 1];
	edge_list edges = edges_of(a, f->state);
	if (f->edge == edges.n) {
		w->top--;
		return 0;
	}
	uint32_t e = f->edge++;
	unsigned byte = a->class_byte[edges.classes[e]];
	uint32_t child = edges.to[e], pos = f->pos, wild = f->wild;
	if (!visit(w))
		return MESURA_ELIMIT;
	if (f->need == 0) {
		uint32_t bits, min_cp, need;
		if (byte == w->text[pos])
			return walk_exact(w, child, pos + 1, wild);
		if (ascii_is_letter(byte))
			return walk_exact(w, child, pos + 1, wild + 1);
		if ((need = lead_length(byte, &bits, &min_cp)) != 0)
			push_frame(w, child, pos, wild, need, bits, min_cp);
		return 0;
	}
	if ((byte & 0xC0) != 0x80)
		return 0;
	uint32_t cp = f->cp << 6 | (byte & 0x3F);
	if (f->need > 1) {
		push_frame(w, child, pos, wild, f->need - 1, cp, f->min_cp);
		return 0;
	}
	return is_wide_letter(cp, f->min_cp) ? walk_exact(w, child, pos + 1, wild + 1) : 0;
}

int mesura_match__automaton_match_masked(const mesura_automaton *a, const char *text,
                                         size_t len, const unsigned char mask[256],
                                         size_t budget, mesura_automaton_hit_fn hit,
                                         void *payload)
{
	size_t visited;
	return mesura_match__automaton_match_masked_counted(a, text, len, mask, budget, hit, payload,
	                                                    &visited);
}

int mesura_match__automaton_match_masked_counted(const mesura_automaton *a, const char *text,
                                                 size_t len, const unsigned char mask[256],
                                                 size_t budget, mesura_automaton_hit_fn hit,
                                                 void *payload, size_t *visited)
{
	const unsigned char *p = (const unsigned char *)text;
	size_t masks = 0;
	*visited = 0;
	for (size_t i = 0; i < len; i++)
		masks += mask[p[i]] != 0;
	/* Each byte of text stands for at least one byte of a term. */
	if (masks == 0 || len > a->max_len)
		return 0;
	if (masks > MASK_MAX)
		return MESURA_ELIMIT;
	mask_walk w; /* the stack is written before it is read: no need to clear it */
	w.a = a;
	w.text = p;
	w.mask = mask;
	w.len = (uint32_t)len;
	w.budget = budget;
	w.hit = hit;
	w.payload = payload;
	w.top = 0;
	int rc = walk_exact(&w, 0, 0, 0);
	while (rc == 0 && w.top > 0)
		rc = try_next_edge(&w);
	*visited = budget - w.budget;
	return rc;
}
