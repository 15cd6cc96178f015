/*
 * The scanner: runs a compiled policy over one post.
 *
 * Each view the policy needs is made once; each view's term automaton runs once over
 * it (with a bounded wildcard walk for self-censored spellings such as "f*ck"), and
 * each regex leaf runs on its view when its prefilter allows. A hit in a view is
 * mapped back to the original bytes through the view's map and kept when both ends
 * fall on token boundaries of the original: matching on the normalised view finds
 * "m1erda" and "f u c k", checking boundaries on the original keeps "Scunthorpe",
 * "classic" and "computadora" clean. The post is tokenized only when a hit needs that
 * check, so clean posts never pay for it.
 *
 * Then the rules are evaluated (rules.c): a rule fires when its match tree holds and
 * its unless tree does not; each hit of its match leaves becomes a finding, whose
 * confidence the rule's context words nearby raise or lower (context words have
 * automata of their own, run only once a rule with context fires: most posts never
 * need them). Findings that overlap an allow-listed term are dropped; the verdict is
 * the strongest action left (verdict.c).
 */
#include <string.h>

#include "hits.h"
#include "mesura/errors.h"
#include "regexes.h"
#include "rules.h"
#include "state.h"
#include "text/fold.h"
#include "text/plain.h"
#include "text/view.h"
#include "verdict.h"

/* What a post's base views are made from: whether it is plain (most: src/text/plain.h)
 * and, for a plain one, the views made so far with no word folds: the post itself, and
 * the post lower-cased (NO_BASE: none yet); for another of up to MESURA_TEXT_MARKED_MAX
 * bytes, its marked bytes, found once for all its base views (`marked`). */
typedef struct {
	int plain, marked;
	size_t as_is, folded;
	text_marks marks;
} post_shape;

/* View v of the post; views that share stage 1 are made from their base's (bases
 * come first). A plain post is each base's stage 1 as it is, lower-cased for those
 * that fold case, with no pass over its characters; a base with no word folds borrows
 * the text of the one made before it that folds case as it does (the personal-data and
 * NFKC views of the default policy are both the post). Another post's bases are made
 * from its marked bytes when it has them. */
static int make_view(mesura_scanner *s, size_t v, post_shape *post)
{
	const policy_view *view = &s->policy->views[v];
	if (view->base == NO_BASE && post->plain) {
		int folded = (view->flags & MESURA_NORM_CASEFOLD) != 0;
		size_t *twin = folded ? &post->folded : &post->as_is;
		if (!(view->flags & MESURA_TEXT_WORD_FOLDS)) {
			if (*twin != NO_BASE) {
				mesura_text__borrow_plain(s->views[v], s->views[*twin]);
				return MESURA_OK;
			}
			*twin = v;
		}
		return mesura_text__normalize_plain(view->normalizer, s->views[v], s->text, s->len);
	}
	if (view->base == NO_BASE)
		return mesura_text__normalize_marked(view->normalizer, s->views[v], s->text, s->len,
		                                     post->marked ? &post->marks : NULL);
	const policy_view *base = &s->policy->views[view->base];
	return mesura_text__normalize_from(view->normalizer, s->views[v], s->views[view->base],
	                                   base->flags & MESURA_TEXT_WORD_FOLDS);
}

/* The work of making view v: the steps the text layer counted making it (reading its
 * input: src/text/view.h) and the bytes it wrote. */
static uint64_t view_work(const mesura_scanner *s, size_t v)
{
	return s->views[v]->steps + s->views[v]->cur.len;
}

/* Whether view v may hold mask bytes, for the masked-word pass: a view made from a
 * base without them has none (the folds only replace and delete characters, and leet
 * turns @ $ ! into letters); else the pass looks (and records what it saw). */
static int may_have_masks(mesura_scanner *s, size_t v)
{
	const policy_view *view = &s->policy->views[v];
	s->has_masks[v] = view->base == NO_BASE || s->has_masks[view->base];
	return s->has_masks[v];
}

/* Whether view v's text is known to hold no joiner: its base's holds none (the folds
 * make none: leet makes letters, joining and collapsing only delete), so the joined
 * phrases need no pass over it. Unknown (0) for a base until its own pass looks. */
static void inherit_no_joiners(mesura_scanner *s, size_t v)
{
	const policy_view *view = &s->policy->views[v];
	s->no_joiners[v] = !s->exhaustive && view->base != NO_BASE && s->no_joiners[view->base];
}

/* Whether every view that rides on base v has v's text in this post: leet left it
 * alone, as in most posts (the text layer says so: same_as_base). */
static int riders_have_base_text(const mesura_scanner *s, size_t v)
{
	const mesura_policy *p = s->policy;
	for (size_t u = v + 1; u < p->n_views; u++)
		if (p->views[u].rides && p->views[u].base == v && !s->views[u]->same_as_base)
			return 0;
	return 1;
}

/* The automaton to search view v with: its group's, which covers its riders too, when
 * they have its text; none for a rider its base's group has covered; else its own
 * (always in exhaustive mode, which takes no shortcut). */
static const mesura_automaton *terms_to_search(mesura_scanner *s, size_t v)
{
	const policy_view *view = &s->policy->views[v];
	if (view->rides && s->grouped[view->base])
		return NULL;
	if (view->group && !s->exhaustive && riders_have_base_text(s, v)) {
		s->grouped[v] = 1;
		return view->group;
	}
	return view->terms;
}

static int scan_post(mesura_scanner *s)
{
	const mesura_policy *p = s->policy;
	memset(s->regex_todo, 0, s->regex_words[p->n_views] * sizeof *s->regex_todo);
	memset(s->grouped, 0, p->n_views);
	memset(s->no_joiners, 0, p->n_views);
	s->spaced_from = NULL;
	int rc = MESURA_OK;
	post_shape post; /* a post is marked in the pass that finds whether it is plain */
	post.marked = !s->exhaustive && s->len <= MESURA_TEXT_MARKED_MAX;
	post.plain = post.marked ? mesura_text__mark_not_plain(s->text, s->len, &post.marks)
	                         : !s->exhaustive && mesura_text__is_plain(s->text, s->len);
	post.as_is = post.folded = NO_BASE;
	size_t made = 0; /* views made: a base comes before the views made from it */
	for (int spent = out_of_time(s); rc == MESURA_OK && made < p->n_views && !spent; made++) {
		rc = make_view(s, made, &post);
		if (rc == MESURA_ELIMIT && found_spent(s)) {
			rc = MESURA_OK; /* the budget stopped it: the views made before are matched */
			break;
		}
		uint64_t work = view_work(s, made);
		spent = spend(s, work > s->view_advance ? work - s->view_advance : 0);
		s->view_advance = 0;
	}
	view_summary sums[2];
	const view_summary *earlier = NULL; /* the last one made */
	for (size_t v = 0; rc == MESURA_OK && v < made && !out_of_time(s); v++) {
		view_summary *sum = earlier == &sums[0] ? &sums[1] : &sums[0];
		sum->ready = 0;
		sum->earlier = earlier;
		inherit_no_joiners(s, v);
		rc = mesura_scan__match_terms(s, v, terms_to_search(s, v), may_have_masks(s, v));
		if (rc == MESURA_OK && !found_spent(s))
			rc = mesura_scan__match_regexes(s, v, sum);
		earlier = sum->ready ? sum : earlier;
	}
	if (rc == MESURA_OK)
		rc = mesura_scan__evaluate_rules(s);
	if (rc == MESURA_OK)
		rc = mesura_scan__apply_allow_list(s);
	if (rc == MESURA_OK)
		rc = mesura_scan__tidy_findings(s);
	return rc;
}

/* What a scan that cannot start hands out: nothing screened, so reviewed. */
static const scan_result NOT_SCREENED = {{MESURA_ACTION_REVIEW, SIZE_MAX, MESURA_LIMIT_ERROR},
                                         NULL, 0, NULL, 0};

/* Forgets the last scan's hits. Only they set first_hit and rule_hit (add_hit), so
 * only their leaves and rules are reset, not every one of the policy's (most posts
 * have no hit): between scans, first_hit is NO_HIT and rule_hit 0 throughout. */
static void forget_hits(mesura_scanner *s)
{
	const policy_cond *conds = s->policy->conds;
	for (size_t k = 0; k < s->n_hits; k++) {
		uint32_t cond = s->hits[k].cond;
		s->first_hit[cond] = NO_HIT;
		s->rule_hit[conds[cond].rule] = 0;
	}
	s->n_hits = 0;
}

/* The scan itself, once the scanner is this call's. */
static int scan_with(mesura_scanner *s, const char *text, size_t len, unsigned int flags)
{
	s->text = text ? text : "";
	s->len = len;
	s->explain = (flags & MESURA_SCAN_EXPLAIN) != 0;
	forget_hits(s);
	s->n_findings = 0;
	s->n_misses = 0;
	s->tokenized = 0;
	s->words_counted = 0;
	s->has_hash_known = 0;
	s->context_found = 0;
	s->limits_hit = 0;
	s->cluster_lo = s->cluster_hi = 0;
	mesura_scan__start_clock(s);
	int rc = MESURA_OK;
	if (len > s->limits.max_post_bytes)
		s->limits_hit |= MESURA_LIMIT_POST_SIZE; /* not scanned: never truncated */
	else
		rc = scan_post(s);
	if (rc != MESURA_OK) { /* fail closed: what was found so far is not the answer */
		s->n_findings = 0;
		s->n_misses = 0;
		s->limits_hit |= MESURA_LIMIT_ERROR;
	}
	mesura_scan__decide(s);
	if (rc == MESURA_OK && s->limits_hit)
		rc = MESURA_ELIMIT;
	return rc;
}

int mesura_scan(mesura_scanner *scanner, const char *text, size_t len, unsigned int flags,
                const mesura_result **result)
{
	if (result)
		*result = &NOT_SCREENED.pub;
	if (!scanner || !result || (!text && len > 0) || (flags & ~MESURA_SCAN_EXPLAIN))
		return MESURA_EINVAL;
	/* Best effort, as Hyperscan's scratch: a second call while one runs (another
	 * thread, or a hook of this one) must not touch the scratch the first is using. */
	if (atomic_exchange_explicit(&scanner->busy, 1, memory_order_acquire))
		return MESURA_EBUSY;
	int rc = scan_with(scanner, text, len, flags);
	*result = &scanner->result.pub;
	atomic_store_explicit(&scanner->busy, 0, memory_order_release);
	return rc;
}

static const scan_result *full_result(const mesura_result *result)
{
	return (const scan_result *)(const void *)result; /* `pub` is its first member */
}

size_t mesura_result_finding_count(const mesura_result *result)
{
	return result ? full_result(result)->n_findings : 0;
}

const mesura_finding *mesura_result_finding_get(const mesura_result *result, size_t i)
{
	return i < mesura_result_finding_count(result) ? &full_result(result)->findings[i] : NULL;
}

size_t mesura_result_near_miss_count(const mesura_result *result)
{
	return result ? full_result(result)->n_near_misses : 0;
}

const mesura_near_miss *mesura_result_near_miss_get(const mesura_result *result, size_t i)
{
	return i < mesura_result_near_miss_count(result) ? &full_result(result)->near_misses[i]
	                                                 : NULL;
}

const char *mesura_action_name(mesura_action value)
{
	int action = (int)value;
	static const char *const names[] = {"allow", "log", "redact", "review", "block"};
	return action >= 0 && action <= MESURA_ACTION_BLOCK ? names[action] : "unknown";
}

const char *mesura_severity_name(mesura_severity value)
{
	int severity = (int)value;
	static const char *const names[] = {"low", "medium", "high", "critical"};
	return severity >= MESURA_SEVERITY_LOW && severity <= MESURA_SEVERITY_CRITICAL
	           ? names[severity - 1]
	           : "unknown";
}
