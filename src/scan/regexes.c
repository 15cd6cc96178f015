/*
 * The regex leaves of a view: their keywords gate them, a summary of the view (byte
 * classes, digits, capitals) lets the prefilters skip those that cannot match, and each
 * match is confirmed by the leaf's validator before it becomes a hit.
 */
#include <string.h>

#include "hits.h"
#include "mesura/errors.h"
#include "regexes.h"
#include "text/chunk.h"
#include "text/view.h"

/* Whether some `need` digits of the view lie within `width` bytes: a match of a regex
 * that holds them and takes at most `width` bytes needs that. */
static int digits_within(const view_summary *sum, size_t need, size_t width)
{
	if (need < 2 || width == SIZE_MAX || sum->digits > DIGITS_KEPT)
		return sum->digits >= need; /* too many digits to look closer: it may */
	for (size_t i = 0; i + need <= sum->digits; i++)
		if (sum->digit_at[i + need - 1] - sum->digit_at[i] < width)
			return 1;
	return 0;
}

/* Counts the digit at offset `at`, which follows the ones counted before. */
static void add_digit(view_summary *sum, size_t at, size_t *run, size_t *last)
{
	if (sum->digits < DIGITS_KEPT)
		sum->digit_at[sum->digits] = (uint32_t)at;
	sum->digits++;
	*run = *last + 1 == at ? *run + 1 : 1;
	sum->longest_run = *run > sum->longest_run ? *run : sum->longest_run;
	*last = at;
}

/* The digits of the view, a chunk of bytes at a time: their number, the longest run of
 * them, and where the first DIGITS_KEPT are. */
static void count_digits(const unsigned char *b, size_t len, view_summary *sum)
{
	size_t i = 0, run = 0, last = SIZE_MAX;
	sum->digits = 0;
	sum->longest_run = 0;
	for (; i + CHUNK <= len; i += CHUNK) {
		unsigned bits = chunk_bits(chunk_in(chunk_load(b + i), '0', '9'));
		for (size_t k = i; bits; bits >>= 1, k++)
			if (bits & 1)
				add_digit(sum, k, &run, &last);
	}
	if (i < len && len >= CHUNK) {
		unsigned bits = chunk_bits_last(chunk_in(chunk_load_last(b, len), '0', '9'), len, i);
		for (size_t k = i; bits; bits >>= 1, k++)
			if (bits & 1)
				add_digit(sum, k, &run, &last);
		return;
	}
	for (; i < len; i++)
		if ((unsigned)(b[i] - '0') < 10u)
			add_digit(sum, i, &run, &last);
}

/* The summary's digits (the byte classes and the capitals are counted when a prefilter
 * first asks: after the digits, most posts have no leaf left that does). */
static void summarize(const char *text, size_t len, view_summary *sum)
{
	const view_summary *e = sum->earlier;
	if (e && e->ready && e->len == len && (e->text == text || memcmp(e->text, text, len) == 0)) {
		*sum = *e;
		return;
	}
	sum->text = text;
	sum->len = len;
	count_digits((const unsigned char *)text, len, sum);
	sum->classes_ready = 0;
	sum->capitals_ready = 0;
	sum->capital_run = 0;
	sum->ready = 1;
}

/* The policy's byte classes the summarised view holds (counted once per view). */
static uint64_t view_classes(const mesura_policy *p, view_summary *sum)
{
	if (sum->classes_ready)
		return sum->classes;
	const unsigned char *b = (const unsigned char *)sum->text;
	size_t i = 0, len = sum->len;
	uint64_t c0 = 0, c1 = 0, c2 = 0, c3 = 0; /* four chains, to overlap the loads */
	for (; i + 4 <= len; i += 4) {
		c0 |= p->class_bit[b[i]];
		c1 |= p->class_bit[b[i + 1]];
		c2 |= p->class_bit[b[i + 2]];
		c3 |= p->class_bit[b[i + 3]];
	}
	for (; i < len; i++)
		c0 |= p->class_bit[b[i]];
	sum->classes = c0 | c1 | c2 | c3;
	sum->classes_ready = 1;
	return sum->classes;
}

/* Whether the summarised view holds every byte class of `all` and one of `any`. */
static int holds_classes(const mesura_policy *p, view_summary *sum, uint64_t all, uint64_t any)
{
	uint64_t classes = view_classes(p, sum);
	return (all & classes) == all && (any & classes);
}

/* The most set bits in a row in x (an AND with x shifted by one shortens every run by
 * one: as many rounds as the longest run). */
static unsigned longest_ones(unsigned x)
{
	unsigned n = 0;
	for (; x; x &= x >> 1)
		n++;
	return n;
}

/* The most ASCII capitals in a row in t[0..len), a chunk of bytes at a time (bit k of a
 * chunk's mask is its byte k): most chunks of a post hold none, the others one or two
 * short runs, counted in a few bit operations; `run` carries a run across chunks. */
static size_t longest_capital_run(const unsigned char *t, size_t len)
{
	const unsigned full = (1u << CHUNK) - 1;
	size_t i = 0, run = 0, best = 0;
	if (len < CHUNK) { /* too short for a chunk */
		for (; i < len; i++) {
			run = (unsigned)(t[i] - 'A') < 26u ? run + 1 : 0;
			best = run > best ? run : best;
		}
		return best;
	}
	for (; i < len; i += CHUNK) {
		/* the last bytes as the chunk that ends the view, those before i dropped: its
		 * bits past the view's end are 0, so no run goes on there */
		unsigned bits = i + CHUNK <= len
		                    ? chunk_bits(chunk_in(chunk_load(t + i), 'A', 'Z'))
		                    : chunk_bits_last(chunk_in(chunk_load_last(t, len), 'A', 'Z'), len, i);
		if (bits == 0) { /* most chunks */
			best = run > best ? run : best;
			run = 0;
			continue;
		}
		if (bits == full) {
			run += CHUNK;
			continue;
		}
		size_t first = (size_t)__builtin_ctz(~bits); /* the run that goes on from before */
		best = run + first > best ? run + first : best;
		best = longest_ones(bits) > best ? longest_ones(bits) : best;
		run = (size_t)__builtin_clz(~(bits << (32 - CHUNK))); /* the one that may go on */
	}
	return run > best ? run : best;
}

/* Whether the summarised view holds `need` ASCII capitals in a row (counted once per
 * view, when a regex first asks). */
static int has_capital_run(view_summary *sum, const char *text, size_t len, size_t need)
{
	if (!sum->capitals_ready) {
		sum->capital_run = longest_capital_run((const unsigned char *)text, len);
		sum->capitals_ready = 1;
	}
	return sum->capital_run >= need;
}

/* Whether t[0..len) holds `need` bytes of `set` in a row: windows of `need` bytes,
 * each read from its end back; a byte not in the set moves the window past it, and the
 * bytes read before it (in the set) are not read again. Text has a space or a
 * punctuation mark every few bytes, and the runs asked for are long (8 to 82): most
 * windows are dismissed at one of their last bytes. */
static int has_class_run(const unsigned char *t, size_t len, const uint64_t set[4], size_t need)
{
	size_t start = 0, known = 0; /* t[start, known) are in the set */
	while (need > 0 && start + need <= len) {
		size_t j = start + need;
		while (j > known && mesura_policy__byte_in(set, t[j - 1]))
			j--;
		if (j == known)
			return 1;
		known = start + need; /* t[j, start + need) are */
		start = j;
	}
	return need == 0;
}

static int on_keyword(uint32_t cond, size_t start, size_t end, void *payload)
{
	(void)start;
	(void)end;
	keyword_found(((hit_sink *)payload)->s, cond & ~KEYWORD_ID);
	return 0;
}

/* Whether a leaf searched from its start literals asks the summary only for the bytes
 * a match starts with or needs: the scan for the literals reads the view once anyway,
 * for less than a summary costs, and finds none where no match can start. Not worth
 * making a summary for (one made for another leaf is read). */
static int summary_not_worth(const view_regex *r)
{
	return r->has_starts && r->min_digits == 0 && r->min_digit_run == 0 &&
	       r->min_capital_run == 0 && r->class_run == 0;
}

static int near_digits(const mesura_scanner *s, const view_regex *r, const view_summary *sum);

/* Whether the regex can match in a view of `len` bytes summarised by `sum` (inlined in
 * the loop over a view's leaves: called for most of them in every post). A run of one
 * class is looked for before the capitals and the byte classes are counted (its windows
 * are read from their end: most fall at a byte; the codice fiscale leaf asks in every
 * post), and a leaf tried near digits reads the classes only when another leaf had them
 * counted: its head and lookbehinds rule offsets out for less than a pass over the view
 * costs. */
static inline __attribute__((always_inline)) int
prefilter_passes(const mesura_scanner *s, const view_regex *r, const char *text, size_t len,
                 view_summary *sum)
{
	if (s->exhaustive)
		return 1;
	if (len < r->min_len || (r->has_keywords && !keyword_in_post(s, r->cond)))
		return 0;
	if (!sum->ready && summary_not_worth(r))
		return 1;
	if (!sum->ready)
		summarize(text, len, sum);
	if (!digits_within(sum, r->min_digits, r->max_len) || r->min_digit_run > sum->longest_run)
		return 0;
	if (r->class_run && !has_class_run((const unsigned char *)text, len,
	                                   s->policy->conds[r->cond].pre.class_run_set, r->class_run))
		return 0;
	if (r->min_capital_run && !has_capital_run(sum, text, len, r->min_capital_run))
		return 0;
	return (!sum->classes_ready && near_digits(s, r, sum)) ||
	       holds_classes(s->policy, sum, r->all_classes, r->any_classes);
}

/* A near miss of leaf `cond` at [start, end) of its view. */
static int miss_in_view(mesura_scanner *s, uint32_t cond, mesura_miss_reason reason,
                        size_t start, size_t end)
{
	const policy_cond *x = &s->policy->conds[cond];
	size_t o_start = 0, o_end = 0;
	if (!s->explain || x->role != ROLE_MATCH)
		return MESURA_OK;
	if (end > start &&
	    mesura_view_source_range(s->views[x->view], start, end, &o_start, &o_end) != MESURA_OK)
		return MESURA_OK;
	return mesura_scan__miss(s, x->rule, reason, o_start, o_end, 0);
}

/* One attempt of `code` (leaf `cond`'s regex) from offset `at` of its view: *found is
 * 1 when it matched (a hit, unless the validator refuses it) and *next where the leaf
 * goes on; 0 when it did not; -1 when a match or depth limit ends the leaf. */
static int attempt(mesura_scanner *s, uint32_t cond, const pcre2_code *code, const char *text,
                   size_t len, size_t at, int *found, size_t *next)
{
	const policy_cond *x = &s->policy->conds[cond];
	/* a view is always valid UTF-8: PCRE2 need not check it at every call */
	int m = x->jit ? pcre2_jit_match(code, (PCRE2_SPTR)text, len, at, PCRE2_NO_UTF_CHECK,
	                                 s->match_data, s->pcre_match)
	               : pcre2_match(code, (PCRE2_SPTR)text, len, at, PCRE2_NO_UTF_CHECK,
	                             s->match_data, s->pcre_match);
	*found = 0;
	if (m == PCRE2_ERROR_NOMATCH)
		return MESURA_OK;
	if (m == PCRE2_ERROR_NOMEMORY)
		return MESURA_ENOMEM;
	if (m < 0) { /* match or depth limit: skip the leaf, say so */
		s->limits_hit |= MESURA_LIMIT_REGEX;
		*found = -1;
		return miss_in_view(s, cond, MESURA_MISS_LIMIT, 0, 0);
	}
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(s->match_data);
	size_t start = ov[0], end = ov[1];
	*found = 1;
	*next = end > start ? end : end + 1;
	while (*next < len && ((unsigned char)text[*next] & 0xC0) == 0x80)
		(*next)++; /* never start inside a character */
	if (end > start && x->validator &&
	    !mesura_match__validator_check(x->validator, text + start, end - start,
	                                   x->validator_param))
		return miss_in_view(s, cond, MESURA_MISS_VALIDATOR, start, end);
	return end > start ? mesura_scan__add_hit(s, cond, start, end, 0) : MESURA_OK;
}

/* Every match of a regex leaf on its view, confirmed by its validator. */
static int match_regex(mesura_scanner *s, uint32_t cond)
{
	const policy_cond *x = &s->policy->conds[cond];
	size_t len, at = 0;
	const char *text = mesura_view__text(s->views[x->view], &len);
	while (at <= len) {
		int found;
		size_t next;
		int rc = attempt(s, cond, x->regex, text, len, at, &found, &next);
		if (rc != MESURA_OK || found != 1) {
			spend(s, found == 0 ? len - at : 0); /* no match: it read the rest */
			return rc;
		}
		if (spend(s, 1 + next - at)) /* it read up to its match's end */
			return MESURA_OK;
		at = next;
	}
	return MESURA_OK;
}

/* Whether one of x's leading lookbehinds refuses a match at offset p of t: the ASCII
 * characters right before p are a text it rules out. */
static int refused_at(const policy_cond *x, const unsigned char *t, size_t p)
{
	for (size_t i = 0; i < x->n_refusals; i++) {
		const regex_refusal *r = &x->refusals[i];
		size_t k = 0;
		while (k < r->len && r->len <= p && mesura_policy__byte_in(r->set[k], t[p - r->len + k]))
			k++;
		if (k == r->len && r->len <= p)
			return 1;
	}
	return 0;
}

/* Whether t[p..len) starts with bytes of x's head (the first is PCRE2's own). */
static int head_fits(const policy_cond *x, const unsigned char *t, size_t len, size_t p)
{
	if (!mesura_policy__byte_in(x->pre.any_of, t[p]))
		return 0;
	for (size_t k = 0; k < x->head_len; k++)
		if (p + k >= len || !mesura_policy__byte_in(x->head[k], t[p + k]))
			return 0;
	return 1;
}

/* The same, for a leaf whose every match has a digit within `lead` bytes of its start
 * (cards, IBANs, IDs, phones): tried, anchored, only at the few offsets that close
 * before a digit of the view whose byte can start a match (PCRE2's own first-byte
 * analysis), in order. Nothing can start a match elsewhere, so it finds what a search
 * from every offset finds, in a fraction of the attempts. */
static int match_regex_near_digits(mesura_scanner *s, const view_regex *r,
                                   const view_summary *sum)
{
	const policy_cond *x = &s->policy->conds[r->cond];
	uint32_t cond = r->cond;
	size_t len, at = 0, lead = r->digit_lead;
	size_t need = r->min_digits ? r->min_digits : 1, width = r->max_len;
	const char *text = mesura_view__text(s->views[x->view], &len);
	size_t tried = 0; /* attempts: at most DIGITS_KEPT * (lead + 1), so counted at the end */
	/* A match tried from an offset after digit k - 1 and at most `lead` bytes before
	 * digit k holds digit k first and `need` digits from it on, all within `width`
	 * bytes of its start: digits that leave too few digits after them, or too far, are
	 * no start. */
	for (size_t k = 0; k + need <= sum->digits; k++) {
		size_t d = sum->digit_at[k], from = d > lead ? d - lead : 0;
		if (width != SIZE_MAX && sum->digit_at[k + need - 1] - d >= width) {
			at = at > d ? at : d + 1;
			continue;
		}
		for (size_t p = from > at ? from : at; p <= d; p++) {
			const unsigned char *t = (const unsigned char *)text;
			if ((t[p] & 0xC0) == 0x80 || !head_fits(x, t, len, p) || refused_at(x, t, p))
				continue; /* inside a character, or no match starts there */
			int found;
			size_t next;
			tried++;
			int rc = attempt(s, cond, x->anchored, text, len, p, &found, &next);
			if (rc != MESURA_OK || found < 0) {
				spend(s, tried);
				return rc;
			}
			if (found) {
				at = next;
				break;
			}
		}
		at = at > d ? at : d + 1;
	}
	spend(s, tried);
	return MESURA_OK;
}

/* Whether one of x's start literals is at t[0..n), n > 0 (ASCII letters in either
 * case). */
static int start_literal_at(const policy_cond *x, const unsigned char *t, size_t n)
{
	unsigned char first = ascii_lower(t[0]);
	for (size_t i = x->start_bucket[first]; i < x->start_bucket[first + 1]; i++) {
		const unsigned char *l = (const unsigned char *)x->starts[i];
		size_t m = x->start_lens[i], j = 1;
		while (j < m && j < n && ascii_lower(t[j]) == l[j])
			j++;
		if (j == m)
			return 1;
	}
	return 0;
}

/* The bytes of a chunk that may start one of x's start literals, from c0, the chunk
 * with bit 0x20 set in each byte, and c1, the same of the chunk one byte further (a
 * few that cannot: '@' is '`' with that bit, and so on). */
static unsigned start_marks(const policy_cond *x, chunk c0, chunk c1)
{
	chunk m = chunk_splat(0); /* no byte marked */
	for (size_t i = 0; i < x->n_start_pairs; i++) {
		chunk first = chunk_eq(c0, x->start_pairs[i][0]);
		m = chunk_or(m, x->start_pairs[i][1] ? chunk_and(first, chunk_eq(c1, x->start_pairs[i][1]))
		                                     : first);
	}
	return chunk_bits(m);
}

/* The offsets of the view t[0..len) from `from` on where one of x's start literals may
 * begin, for a chunk: bit k of the result marks from + k (none past len). */
static unsigned start_candidates(const policy_cond *x, const unsigned char *t, size_t len,
                                 size_t from)
{
	if (from + CHUNK < len)
		return start_marks(x, chunk_fold_case(chunk_load(t + from)),
		                   chunk_fold_case(chunk_load(t + from + 1)));
	unsigned char end[CHUNK + 1] = {0}; /* the last bytes, and zeros after them */
	size_t n = len - from;
	memcpy(end, t + from, n);
	return start_marks(x, chunk_fold_case(chunk_load(end)), chunk_fold_case(chunk_load(end + 1))) &
	       ((1u << n) - 1);
}

/* The same, for a leaf every match of which starts with one of its start literals
 * (mesura_policy__regex_starts: the insult, threat and deal regexes open with
 * lookbehinds and an alternation of words, where PCRE2 itself skips few offsets):
 * searched from the first offset where one of them is, and after a match from the
 * first one past it. No match starts before those, so it finds what a search from the
 * view's start finds; in a view with none, PCRE2 does not run. (Tried anchored at each
 * such offset instead, with a second JIT compile as near digits, the default policy
 * took 3.3 MB more to compile, past check_untrusted's bound, for 0.4 % fewer
 * instructions.) */
static int match_regex_at_starts(mesura_scanner *s, const view_regex *r)
{
	const policy_cond *x = &s->policy->conds[r->cond];
	size_t len, at = 0;
	const unsigned char *t = (const unsigned char *)mesura_view__text(s->views[x->view], &len);
	spend(s, len); /* the view read for the literals */
	for (size_t from = 0; from < len; from += CHUNK) {
		for (unsigned bits = start_candidates(x, t, len, from); bits; bits &= bits - 1) {
			size_t p = from + chunk_lowest_bit(bits);
			if (p < at || !start_literal_at(x, t + p, len - p) || refused_at(x, t, p))
				continue;
			int found;
			size_t next;
			int rc = attempt(s, r->cond, x->regex, (const char *)t, len, p, &found, &next);
			if (rc != MESURA_OK || found != 1) {
				spend(s, found == 0 ? len - p : 0); /* no match from p on: none further */
				return rc;
			}
			if (spend(s, 1 + next - p))
				return MESURA_OK;
			at = next;
		}
	}
	return MESURA_OK;
}

/* Whether regex r is best tried near the view's digits (match_regex_near_digits): its
 * matches start close before a digit and the summary knows where every digit is. */
static int near_digits(const mesura_scanner *s, const view_regex *r, const view_summary *sum)
{
	return r->digit_lead != SIZE_MAX && s->policy->conds[r->cond].anchored && !s->exhaustive &&
	       sum->ready && sum->digits <= DIGITS_KEPT;
}

/* The index of the lowest set bit of x (not 0). */
static inline size_t lowest_bit(uint64_t x)
{
#if defined(__GNUC__)
	return (size_t)__builtin_ctzll(x);
#else
	size_t k = 0;
	for (; !(x & 1); x >>= 1)
		k++;
	return k;
#endif
}

/* Whether the post holds a '%' or '&', where markup that a view decodes may start
 * (src/text/markup.c: decoding starts at no other byte of the post). */
static int may_hold_markup(const mesura_scanner *s)
{
	return memchr(s->text, '%', s->len) || memchr(s->text, '&', s->len);
}

/* Whether view v's keywords have been looked for with its host's terms in this post:
 * always for a plain host; for one that decodes markup, when the post holds none and
 * the host was searched with the automaton that holds them (its group, when it has
 * one: see policy_view). */
static int keywords_found_by_host(const mesura_scanner *s, const policy_view *view)
{
	if (view->keyword_host == NO_BASE)
		return 0;
	if (!view->host_unless_markup)
		return 1;
	const policy_view *host = &s->policy->views[view->keyword_host];
	return (!host->group || s->grouped[view->keyword_host]) && !may_hold_markup(s);
}

/* Word w of the view's leaves that need more digits than it holds (digit_gate): their
 * prefilters would refuse them (the summary is made for it). */
static uint64_t too_few_digits(const policy_view *view, const char *text, size_t len,
                               view_summary *sum, size_t w)
{
	if (!sum->ready)
		summarize(text, len, sum);
	size_t words = (view->n_regexes + 63) / 64;
	return sum->digits < DIGIT_GATE ? view->digit_gate[sum->digits * words + w] : 0;
}

/* What is known of a tree of conditions while the post is scanned. */
typedef enum { TREE_FAILS, TREE_HOLDS, TREE_OPEN } tree_state;

static int put_off(const mesura_scanner *s, uint32_t bit)
{
	return (s->regex_later[bit / 64] >> (bit % 64)) & 1;
}

/* Tree `cond` with the terms of the views up to `view` searched and the regex leaves
 * before bit `bit` done (tried, or refused by their prefilters or their rules), but
 * those put off. */
static tree_state tree_now(const mesura_scanner *s, uint32_t cond, size_t view, uint32_t bit)
{
	const policy_cond *x = &s->policy->conds[cond];
	if (x->kind == COND_TERMS || x->kind == COND_REGEX) {
		uint32_t b = s->regex_bit[cond];
		if (s->first_hit[cond] != NO_HIT)
			return TREE_HOLDS;
		if (x->kind == COND_TERMS)
			return x->view <= view ? TREE_FAILS : TREE_OPEN;
		return b < bit && !put_off(s, b) ? TREE_FAILS : TREE_OPEN;
	}
	int all = x->kind == COND_ALL, open = 0;
	for (size_t i = 0; i < x->n_children; i++) {
		tree_state c = tree_now(s, x->children[i], view, bit);
		if (c == (all ? TREE_FAILS : TREE_HOLDS))
			return c;
		open |= c == TREE_OPEN;
	}
	return open ? TREE_OPEN : all ? TREE_HOLDS : TREE_FAILS;
}

/* Whether leaf r's hits (it is of bit `bit`) may still be read, as far as `view`'s
 * terms and the leaves before it tell: TREE_FAILS when one of the trees it needs
 * fails (then its rule cannot fire through it, whatever it finds: its hits would be
 * read by nothing, near misses apart, which explain mode records); TREE_OPEN when one
 * is not known yet. */
static tree_state needs_now(const mesura_scanner *s, const view_regex *r, size_t view,
                            uint32_t bit)
{
	tree_state all = TREE_HOLDS;
	for (size_t i = 0; i < r->n_needs; i++) {
		tree_state one = tree_now(s, r->needs[i], view, bit);
		if (one == TREE_FAILS)
			return TREE_FAILS;
		all = one == TREE_OPEN ? TREE_OPEN : all;
	}
	return all;
}

/* Runs leaf r, which its prefilter let through. */
static int try_leaf(mesura_scanner *s, const view_regex *r, view_summary *sum)
{
	if (near_digits(s, r, sum))
		return match_regex_near_digits(s, r, sum);
	return r->has_starts && !s->exhaustive ? match_regex_at_starts(s, r) : match_regex(s, r->cond);
}

/* The leaves put off until the terms of every view were searched, in order, where
 * their rules may still fire. */
static int match_later(mesura_scanner *s)
{
	const mesura_policy *p = s->policy;
	int rc = MESURA_OK;
	size_t words = s->regex_words[p->n_views], v = 0;
	for (size_t w = 0; w < words; w++)
		while (s->regex_later[w] && rc == MESURA_OK && !out_of_time(s)) {
			uint32_t bit = (uint32_t)(w * 64 + lowest_bit(s->regex_later[w]));
			while (s->regex_words[v + 1] <= w)
				v++;
			const view_regex *r = &p->views[v].regexes[bit - s->regex_words[v] * 64];
			view_summary sum;
			size_t len;
			const char *text = mesura_view__text(s->views[v], &len);
			sum.ready = 0;
			sum.earlier = NULL;
			if (needs_now(s, r, p->n_views, UINT32_MAX) != TREE_FAILS &&
			    prefilter_passes(s, r, text, len, &sum))
				rc = try_leaf(s, r, &sum);
			spend(s, sum.ready ? len : 0);
			s->regex_later[w] &= s->regex_later[w] - 1;
		}
	memset(s->regex_later, 0, words * sizeof *s->regex_later); /* those the time left */
	s->n_put_off = 0;
	return rc;
}

/* The regex leaves of view v (not inlined: most calls are for views without any). */
static __attribute__((noinline)) int match_view(mesura_scanner *s, size_t v, view_summary *sum)
{
	const policy_view *view = &s->policy->views[v];
	size_t len;
	const char *text = mesura_view__text(s->views[v], &len);
	if (view->keywords && !keywords_found_by_host(s, view)) {
		hit_sink h = {s, 0, 0, MESURA_OK, 0, NULL, NULL};
		mesura_scan__search_view(s, view->keywords, text, len, on_keyword, &h);
	}
	int rc = MESURA_OK;
	/* the leaves without keywords and those whose keywords the post holds, in order */
	const uint64_t *free_bits = s->regex_free + s->regex_words[v];
	const uint64_t *todo = s->regex_todo + s->regex_words[v];
	size_t words = s->regex_words[v + 1] - s->regex_words[v];
	for (size_t w = 0; w < words; w++) {
		uint64_t bits = s->exhaustive ? ~UINT64_C(0) : free_bits[w] | todo[w];
		if (!s->exhaustive && (bits & view->digit_gate[w]))
			bits &= ~too_few_digits(view, text, len, sum, w);
		while (bits && rc == MESURA_OK && !out_of_time(s)) {
			size_t k = w * 64 + lowest_bit(bits);
			uint32_t bit = (uint32_t)(s->regex_words[v] * 64 + k);
			bits &= bits - 1;
			if (k >= view->n_regexes)
				break;
			const view_regex *r = &view->regexes[k];
			tree_state rule = r->n_needs && !s->explain && !s->exhaustive
			                      ? needs_now(s, r, v, bit) : TREE_HOLDS;
			if (rule == TREE_FAILS)
				continue;
			if (rule == TREE_OPEN && r->settled > v) { /* a later view's terms may settle it */
				s->regex_later[bit / 64] |= UINT64_C(1) << (bit % 64);
				s->n_put_off++;
				continue;
			}
			if (prefilter_passes(s, r, text, len, sum))
				rc = try_leaf(s, r, sum);
		}
	}
	spend(s, sum->ready ? len : 0); /* the summary's pass over the view */
	return rc;
}

int mesura_scan__match_regexes(mesura_scanner *s, size_t v, view_summary *sum)
{
	const mesura_policy *p = s->policy;
	if (v == 0 && s->n_put_off) { /* left by a post whose scan stopped early */
		memset(s->regex_later, 0, s->regex_words[p->n_views] * sizeof *s->regex_later);
		s->n_put_off = 0;
	}
	int rc = p->views[v].n_regexes ? match_view(s, v, sum) : MESURA_OK;
	return rc == MESURA_OK && s->n_put_off && v + 1 == p->n_views ? match_later(s) : rc;
}
