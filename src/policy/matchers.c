/*
 * What the scanner runs, built once the rules have compiled: one view per distinct
 * set of normalisation flags (however many rules share it; plus a base for views that
 * share stage 1), and per view the automata of its leaves (ids: leaf indexes): its
 * terms (with its regexes' keywords when it case-folds, and those of the views it
 * hosts), its context words apart, its regexes' keywords when nothing else holds them,
 * and on a base the group automaton of it and its leet riders; then the allow list's
 * automaton. policy_view (compiled.h) says what each is for.
 */
#include <string.h>

#include "compiler.h"
#include "text/fold.h"
#include "mesura/errors.h"

const unsigned char mesura_policy__mask_bytes[256] = {
	['*'] = 1, ['#'] = 1, ['@'] = 1, ['$'] = 1, ['%'] = 1, ['!'] = 1, ['?'] = 1, ['_'] = 1};

static int is_leaf(const policy_cond *x)
{
	return x->kind == COND_TERMS || x->kind == COND_REGEX;
}

/* Whether the scanner looks for leaf x at all: not when an override disabled its rule
 * (the rule never fires, whatever its leaves find), which takes its terms out of the
 * automata, its regexes out of the views and the views it alone needs out of every
 * post's work. Such a leaf's `view` stays 0, and is never read: it has no hit. */
static int is_searched(const mesura_policy *p, const policy_cond *x)
{
	return is_leaf(x) && !p->rules[x->rule].disabled;
}

const mesura_normalizer *mesura_policy__normalizer(mesura_policy *p, unsigned int flags)
{
	for (size_t i = 0; i < p->n_normalizers; i++)
		if (p->normalizers[i].flags == flags)
			return p->normalizers[i].nz;
	void *list = p->normalizers;
	if (mesura_alloc__grow(&p->alloc, &list, &p->normalizers_cap, p->n_normalizers + 1,
	                       sizeof *p->normalizers) != MESURA_OK)
		return NULL;
	p->normalizers = list;
	mesura_normalizer_options opts = MESURA_NORMALIZER_OPTIONS_INIT;
	opts.flags = flags;
	mesura_normalizer *nz = NULL;
	if (mesura_normalizer_new(&nz, &opts, &p->alloc) != MESURA_OK)
		return NULL;
	p->normalizers[p->n_normalizers++] = (struct policy_normalizer){flags, nz};
	return nz;
}

/* The view with `flags`, or NO_BASE. */
static size_t find_view(const mesura_policy *p, unsigned int flags)
{
	for (size_t v = 0; v < p->n_views; v++)
		if (p->views[v].flags == flags)
			return v;
	return NO_BASE;
}

/* The index of the view with `flags`, added when new. */
static size_t view_index(mesura_policy *p, unsigned int flags)
{
	size_t found = find_view(p, flags);
	if (found != NO_BASE)
		return found;
	memset(&p->views[p->n_views], 0, sizeof p->views[p->n_views]);
	p->views[p->n_views].flags = flags;
	p->views[p->n_views].base = NO_BASE;
	p->views[p->n_views].keyword_host = NO_BASE;
	return p->n_views++;
}

static unsigned int stage1_flags(unsigned int flags)
{
	return flags & ~(unsigned)MESURA_TEXT_WORD_FOLDS;
}

/* Views whose flags differ only in word folds (leet, repeats, spaced letters) share
 * stage 1, the costly per-character part: each is made from a copy of a base view
 * with just those flags (added when no rule uses it), normalised once per post. A
 * view with leet and more folds starts from the view with stage 1 and leet, when
 * there is one: leet comes first, and is then done once. */
static void share_stage1(mesura_policy *p)
{
	size_t n = p->n_views;
	for (size_t v = 0; v < n; v++) {
		unsigned int flags = p->views[v].flags, base_flags = stage1_flags(flags);
		if (base_flags == flags)
			continue;
		for (size_t u = 0; u < n; u++)
			if (u != v && stage1_flags(p->views[u].flags) == base_flags) {
				p->views[v].base = view_index(p, base_flags);
				break;
			}
		size_t leet = find_view(p, base_flags | MESURA_NORM_LEET);
		if ((flags & MESURA_NORM_LEET) && flags != (base_flags | MESURA_NORM_LEET) &&
		    leet != NO_BASE)
			p->views[v].base = leet;
	}
}

/* How many views a view is made through: 0 for a base. */
static int depth_of(const mesura_policy *p, size_t v)
{
	int d = 0;
	for (; p->views[v].base != NO_BASE; v = p->views[v].base)
		d++;
	return d;
}

/* Views made from their base by leet alone, when they case-fold: most posts hold no
 * leet, so their text is the base's, and one search serves both (policy_view). */
static void mark_riders(mesura_policy *p)
{
	for (size_t v = 0; v < p->n_views; v++) {
		policy_view *view = &p->views[v];
		view->rides = view->base != NO_BASE && (view->flags & MESURA_NORM_CASEFOLD) &&
		              view->flags == (p->views[view->base].flags | MESURA_NORM_LEET);
	}
}

/* What a keyword host may add to a view's flags: only more ASCII text. Case folding
 * turns ASCII letters into lower-case ones (keywords match in any case) and other
 * letters into some ASCII ones (Kelvin sign, long s); marks, invisible characters,
 * look-alikes and other scripts' digits go or become ASCII; no ASCII character changes
 * otherwise. (Not markup: decoding turns ASCII text such as "&amp;" into other text.) */
#define KEYWORD_HOST_EXTRA                                                                 \
	(MESURA_NORM_CASEFOLD | MESURA_NORM_STRIP_MARKS | MESURA_NORM_REMOVE_INVISIBLES |     \
	 MESURA_NORM_CONFUSABLES | MESURA_NORM_DIGITS)

/* Whether view h may hold the keywords of view v (not case-folding): h case-folds and
 * makes v's text but for KEYWORD_HOST_EXTRA and, when `markup`, DECODE_MARKUP. */
static int may_host(const mesura_policy *p, size_t h, size_t v, int markup)
{
	unsigned int host = p->views[h].flags, flags = p->views[v].flags;
	unsigned int extra = KEYWORD_HOST_EXTRA | (markup ? MESURA_NORM_DECODE_MARKUP : 0u);
	return h != v && (host & MESURA_NORM_CASEFOLD) && !(host & MESURA_TEXT_WORD_FOLDS) &&
	       (host & flags) == flags && !(host & ~flags & ~extra);
}

/* A view that does not case-fold (regexes default to NFKC) looks for its regexes'
 * keywords with the terms of a case-folding base view of its form, when there is one
 * (most policies match terms on such views): every keyword in the view is in that
 * base, so the regexes run at least as often, and the post is searched once less.
 * Failing that, a base that also decodes markup hosts them in the posts with no '%' or
 * '&', where decoding finds nothing to decode (the NFKC view of the secrets regexes and
 * the default policy's case-folded view: one search less for nearly every post). */
static void host_keywords(mesura_policy *p)
{
	for (size_t v = 0; v < p->n_views; v++) {
		if (p->views[v].flags & (MESURA_NORM_CASEFOLD | MESURA_TEXT_WORD_FOLDS))
			continue;
		for (int markup = 0; markup < 2 && p->views[v].keyword_host == NO_BASE; markup++)
			for (size_t h = 0; h < p->n_views; h++)
				if (may_host(p, h, v, markup)) {
					p->views[v].keyword_host = h;
					p->views[v].host_unless_markup = markup;
					break;
				}
	}
}

/* Where view v goes in the order: the views with stage 1 alone, keyword hosts before
 * the views they host, then those with leet, then the others. */
static int tier_of(const mesura_policy *p, size_t v)
{
	int depth = depth_of(p, v);
	return depth ? depth + 1 : p->views[v].keyword_host != NO_BASE;
}

/* Moves the bases before the views made from them and keyword hosts before their
 * guests (tier_of), keeping the order otherwise, and renumbers every reference to a
 * view. */
static int order_views(mesura_policy *p)
{
	if (p->n_views == 0)
		return MESURA_OK;
	policy_view *spare = mesura_arena__alloc(&p->arena, p->n_views * sizeof *spare);
	size_t *moved_to = mesura_arena__alloc(&p->arena, p->n_views * sizeof *moved_to), n = 0;
	if (!spare || !moved_to)
		return MESURA_ENOMEM;
	for (int tier = 0; n < p->n_views; tier++)
		for (size_t v = 0; v < p->n_views; v++)
			if (tier_of(p, v) == tier) {
				moved_to[v] = n;
				spare[n++] = p->views[v];
			}
	for (size_t v = 0; v < n; v++) {
		p->views[v] = spare[v];
		if (p->views[v].base != NO_BASE)
			p->views[v].base = moved_to[p->views[v].base];
		if (p->views[v].keyword_host != NO_BASE)
			p->views[v].keyword_host = moved_to[p->views[v].keyword_host];
	}
	for (size_t i = 0; i < p->n_conds; i++)
		if (is_searched(p, &p->conds[i]))
			p->conds[i].view = moved_to[p->conds[i].view];
	if (p->n_allow)
		p->allow_view = moved_to[p->allow_view];
	return MESURA_OK;
}

typedef int (*add_leaf_fn)(mesura_automaton_builder *b, const policy_cond *x, uint32_t id);

static int add_terms(mesura_automaton_builder *b, const policy_cond *x, uint32_t id)
{
	int rc = MESURA_OK;
	for (size_t i = 0; rc == MESURA_OK && i < x->n_terms; i++)
		rc = mesura_match__builder_add(b, x->terms[i], x->term_lens[i], id);
	return rc;
}

static int add_match_terms(mesura_automaton_builder *b, const policy_cond *x, uint32_t id)
{
	return x->kind == COND_TERMS && x->role != ROLE_CONTEXT ? add_terms(b, x, id) : MESURA_OK;
}

static int add_context_terms(mesura_automaton_builder *b, const policy_cond *x, uint32_t id)
{
	return x->kind == COND_TERMS && x->role == ROLE_CONTEXT ? add_terms(b, x, id) : MESURA_OK;
}

static int add_keywords(mesura_automaton_builder *b, const policy_cond *x, uint32_t id)
{
	if (x->kind != COND_REGEX)
		return MESURA_OK;
	int rc = MESURA_OK;
	for (size_t i = 0; rc == MESURA_OK && i < x->n_keywords; i++)
		rc = mesura_match__builder_add(b, x->keywords[i], strlen(x->keywords[i]), id | KEYWORD_ID);
	return rc;
}

static int add_match_terms_and_keywords(mesura_automaton_builder *b, const policy_cond *x,
                                        uint32_t id)
{
	int rc = add_match_terms(b, x, id);
	return rc == MESURA_OK ? add_keywords(b, x, id) : rc;
}

/* Whether leaf x is searched with view v's automata: it is on v, or, for the group
 * automaton, on a view that rides on v. */
static int searched_with(const mesura_policy *p, const policy_cond *x, size_t v, int group)
{
	const policy_view *on = &p->views[x->view];
	return x->view == v || (group && on->rides && on->base == v);
}

/* Whether views ride on view v (it then has a group automaton). */
static int has_riders(const mesura_policy *p, size_t v)
{
	for (size_t u = 0; u < p->n_views; u++)
		if (p->views[u].rides && p->views[u].base == v)
			return 1;
	return 0;
}

/* Whether view v's automaton (its `group` one, or its terms) holds the keywords of the
 * guest view g: a guest that may need its own search (host_unless_markup) only in the
 * group when there is one, the automaton the scanner searches in most posts (see
 * policy_view), so that they are compiled once. */
static int holds_guest(const mesura_policy *p, size_t v, size_t g, int group)
{
	return p->views[g].keyword_host == v &&
	       (group || !p->views[g].host_unless_markup || !has_riders(p, v));
}

/* The automaton of what `add` takes from the leaves searched with view v (with its
 * riders' for `group`, and the keywords of its guests with `add_match_terms_and_keywords`);
 * NULL when nothing. */
static int build_view_automaton(mesura_policy *p, size_t v, add_leaf_fn add, int caseless,
                                int group, mesura_automaton **out)
{
	int hosts = add == add_match_terms_and_keywords;
	mesura_automaton_builder *b = NULL;
	int rc = mesura_match__builder_new(&b, &p->alloc);
	if (rc == MESURA_OK && caseless)
		mesura_match__builder_ascii_caseless(b);
	int any = 0;
	for (size_t i = 0; rc == MESURA_OK && i < p->n_conds; i++) {
		const policy_cond *x = &p->conds[i];
		int guest = hosts && is_searched(p, x) && holds_guest(p, v, x->view, group);
		if (!is_searched(p, x) || (!searched_with(p, x, v, group) && !guest))
			continue;
		size_t before = mesura_match__builder_count(b);
		rc = guest ? add_keywords(b, x, (uint32_t)i) : add(b, x, (uint32_t)i);
		any |= mesura_match__builder_count(b) > before; /* only what `add` took */
	}
	if (rc == MESURA_OK && any)
		rc = mesura_match__builder_build(b, out);
	mesura_match__builder_free(b);
	return rc;
}

/* Whether one of the n terms is a phrase (holds a space once normalised). */
static int has_phrase(const char *const *terms, const size_t *lens, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (memchr(terms[i], ' ', lens[i]))
			return 1;
	return 0;
}

/* Whether a joined terms leaf with a phrase is searched with view v's automata (its
 * own, its riders' in its group): the scanner then reads joiners as spaces there. */
static int view_has_phrases(const mesura_policy *p, size_t v)
{
	for (size_t i = 0; i < p->n_conds; i++) {
		const policy_cond *x = &p->conds[i];
		if (x->kind == COND_TERMS && x->joined && is_searched(p, x) && searched_with(p, x, v, 1) &&
		    has_phrase(x->terms, x->term_lens, x->n_terms))
			return 1;
	}
	return 0;
}

static int build_allow_terms(mesura_policy *p)
{
	mesura_automaton_builder *b = NULL;
	int rc = mesura_match__builder_new(&b, &p->alloc);
	for (size_t i = 0; rc == MESURA_OK && i < p->n_allow; i++)
		rc = mesura_match__builder_add(b, p->allow[i], p->allow_lens[i], (uint32_t)i);
	if (rc == MESURA_OK)
		rc = mesura_match__builder_build(b, &p->allow_terms);
	mesura_match__builder_free(b);
	return rc;
}

/* Whether regex leaf x is searched from where its start literals are. */
static int has_starts(const policy_cond *x)
{
	return x->n_starts != 0;
}

/* The view's digit_gate: for each count t of digits below DIGIT_GATE, the leaves that
 * need more (most posts have no digit: the scanner drops the personal-data leaves of
 * such a post in one step, not one prefilter at a time). */
static int build_digit_gate(mesura_policy *p, policy_view *view)
{
	size_t words = (view->n_regexes + 63) / 64;
	uint64_t *gate = mesura_arena__alloc(&p->arena, (DIGIT_GATE * words + 1) * sizeof *gate);
	if (!gate)
		return MESURA_ENOMEM;
	memset(gate, 0, (DIGIT_GATE * words + 1) * sizeof *gate);
	for (size_t k = 0; k < view->n_regexes; k++)
		for (size_t t = 0; t < DIGIT_GATE && t < view->regexes[k].min_digits; t++)
			gate[t * words + k / 64] |= UINT64_C(1) << (k % 64);
	view->digit_gate = gate;
	return MESURA_OK;
}

/* Whether `leaf` is in the tree `node`; then adds to needs[*n] (NULL: only counts) the
 * other children of each `all` on the way to it. */
static int add_needs(const mesura_policy *p, uint32_t node, uint32_t leaf, uint32_t *needs,
                     size_t *n)
{
	const policy_cond *x = &p->conds[node];
	if (node == leaf)
		return 1;
	for (size_t i = 0; !is_leaf(x) && i < x->n_children; i++) {
		if (!add_needs(p, x->children[i], leaf, needs, n))
			continue;
		for (size_t k = 0; x->kind == COND_ALL && k < x->n_children; k++)
			if (k != i && needs)
				needs[(*n)++] = x->children[k];
			else if (k != i)
				(*n)++;
		return 1;
	}
	return 0;
}

/* The last view of the terms leaves of the tree `node` (0 when it has none). */
static size_t last_terms_view(const mesura_policy *p, uint32_t node)
{
	const policy_cond *x = &p->conds[node];
	size_t last = x->kind == COND_TERMS ? x->view : 0;
	for (size_t i = 0; !is_leaf(x) && i < x->n_children; i++) {
		size_t v = last_terms_view(p, x->children[i]);
		last = v > last ? v : last;
	}
	return last;
}

/* What regex leaf r of a view needs for its hits to be read (view_regex): the trees
 * and the view after which their terms are known. */
static int find_needs(mesura_policy *p, view_regex *r)
{
	const policy_cond *x = &p->conds[r->cond];
	const policy_rule *rule = &p->rules[x->rule];
	uint32_t root = x->role == ROLE_UNLESS ? rule->unless : rule->match;
	size_t n = x->role == ROLE_UNLESS;
	add_needs(p, root, r->cond, NULL, &n);
	if (n == 0)
		return MESURA_OK;
	uint32_t *needs = mesura_arena__alloc(&p->arena, n * sizeof *needs);
	if (!needs)
		return MESURA_ENOMEM;
	r->n_needs = 0;
	if (x->role == ROLE_UNLESS)
		needs[r->n_needs++] = rule->match;
	add_needs(p, root, r->cond, needs, &r->n_needs);
	for (size_t i = 0; i < r->n_needs; i++) {
		size_t v = last_terms_view(p, needs[i]);
		r->settled = v > r->settled ? v : r->settled;
	}
	r->needs = needs;
	return MESURA_OK;
}

static int build_view(mesura_policy *p, size_t v)
{
	policy_view *view = &p->views[v];
	view->normalizer = mesura_policy__normalizer(p, view->flags);
	int rc = view->normalizer ? MESURA_OK : MESURA_ENOMEM;
	int folds = (view->flags & MESURA_NORM_CASEFOLD) != 0;
	add_leaf_fn terms = folds ? add_match_terms_and_keywords : add_match_terms;
	if (rc == MESURA_OK)
		rc = build_view_automaton(p, v, terms, 0, 0, &view->terms);
	if (rc == MESURA_OK)
		rc = build_view_automaton(p, v, add_context_terms, 0, 0, &view->context);
	if (rc == MESURA_OK && !folds && (view->keyword_host == NO_BASE || view->host_unless_markup))
		rc = build_view_automaton(p, v, add_keywords, 1, 0, &view->keywords);
	if (rc == MESURA_OK && has_riders(p, v))
		rc = build_view_automaton(p, v, add_match_terms_and_keywords, 0, 1, &view->group);
	view->phrases = view_has_phrases(p, v);
	for (size_t i = 0; i < p->n_conds; i++)
		view->n_regexes += p->conds[i].kind == COND_REGEX && is_searched(p, &p->conds[i]) &&
		                   p->conds[i].view == v;
	view->regexes = mesura_arena__alloc(&p->arena, (view->n_regexes + 1) * sizeof *view->regexes);
	if (!view->regexes)
		return MESURA_ENOMEM;
	for (size_t i = 0, k = 0; i < p->n_conds; i++) {
		const regex_prefilter *pre = &p->conds[i].pre;
		if (p->conds[i].kind == COND_REGEX && is_searched(p, &p->conds[i]) &&
		    p->conds[i].view == v)
			view->regexes[k++] = (view_regex){pre->all_classes,     pre->any_classes,
			                                  pre->min_len,         pre->min_digits,
			                                  pre->min_digit_run,   pre->max_len,
			                                  pre->digit_lead,      pre->min_capital_run,
			                                  pre->class_run,       (uint32_t)i,
			                                  pre->has_keywords,    has_starts(&p->conds[i]),
			                                  NULL,                 0,
			                                  0};
	}
	for (size_t k = 0; rc == MESURA_OK && k < view->n_regexes; k++)
		rc = find_needs(p, &view->regexes[k]);
	return rc == MESURA_OK ? build_digit_gate(p, view) : rc;
}

/* A byte's signature: which prefilter sets hold it (a hash of that membership; bytes
 * whose hashes collide share a class, which only makes the prefilters less sharp). */
static uint64_t signature(const mesura_policy *p, unsigned char byte)
{
	uint64_t h = 1469598103934665603ull;
	for (size_t i = 0; i < p->n_conds; i++) {
		const policy_cond *x = &p->conds[i];
		if (x->kind != COND_REGEX)
			continue;
		uint64_t any = (uint64_t)mesura_policy__byte_in(x->pre.any_of, byte);
		uint64_t all = (uint64_t)mesura_policy__byte_in(x->pre.all_of, byte);
		h = (h ^ (any | all << 1)) * 1099511628211ull;
	}
	return h;
}

/* Classes in order of first appearance; past 63, every new signature shares class 63. */
static void assign_byte_classes(mesura_policy *p)
{
	uint64_t sigs[64];
	unsigned n = 0;
	for (unsigned byte = 0; byte < 256; byte++) {
		uint64_t sig = signature(p, (unsigned char)byte);
		unsigned k = 0;
		while (k < n && sigs[k] != sig)
			k++;
		if (k == n && n < 64)
			sigs[n++] = sig;
		p->byte_class[byte] = (uint8_t)(k < 64 ? k : 63);
	}
	for (unsigned byte = 0; byte < 256; byte++) {
		uint64_t bit = (uint64_t)1 << p->byte_class[byte];
		p->class_bit[byte] = bit;
		for (size_t i = 0; i < p->n_conds; i++) {
			regex_prefilter *pre = &p->conds[i].pre;
			pre->any_classes |= mesura_policy__byte_in(pre->any_of, (unsigned char)byte) ? bit : 0;
			pre->all_classes |= mesura_policy__byte_in(pre->all_of, (unsigned char)byte) ? bit : 0;
		}
	}
}

int mesura_policy__build_matchers(mesura_policy *p)
{
	assign_byte_classes(p);
	/* a view per leaf and the allow list's at most, and a base for each */
	p->views = mesura_arena__alloc(&p->arena, 2 * (p->n_conds + 1) * sizeof *p->views);
	if (!p->views)
		return MESURA_ENOMEM;
	for (size_t i = 0; i < p->n_conds; i++)
		if (is_leaf(&p->conds[i]))
			p->conds[i].view = is_searched(p, &p->conds[i])
			                       ? view_index(p, p->conds[i].normalize)
			                       : 0;
	if (p->n_allow)
		p->allow_view = view_index(p, MESURA_NORM_MODERATION);
	share_stage1(p);
	host_keywords(p);
	int rc = order_views(p);
	mark_riders(p);
	for (size_t v = 0; rc == MESURA_OK && v < p->n_views; v++)
		rc = build_view(p, v);
	if (rc == MESURA_OK && p->n_allow)
		rc = build_allow_terms(p);
	p->allow_phrases = has_phrase(p->allow, p->allow_lens, p->n_allow);
	return rc;
}
