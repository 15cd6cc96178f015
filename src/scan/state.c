/*
 * The scanner object: its creation and scratch, its limits, the clock and the work of a
 * scan (its time budget), and the near misses explain mode records.
 */
#include <string.h>
#include <time.h>

#include "common/options.h"
#include "mesura/errors.h"
#include "state.h"
#include "text/view.h"
#include "tokens/tokenize.h"

/* Default limits (mesura_scanner_limits): a regex may not take longer than this (PCRE2
 * match and depth limits), so that no pattern can hang a scan. */
#define REGEX_MATCH_LIMIT 1000000u
#define REGEX_DEPTH_LIMIT 10000u
#define MAX_POST_BYTES ((size_t)1 << 20)
#define MAX_FINDINGS 10000u

/* Steps of work (about a byte each) between two readings of the clock when the scan has
 * a time budget: the budget holds inside long steps, and clean short posts never read
 * the clock more than once per view. */
#define CHECK_EVERY ((uint64_t)1 << 16)

const char *mesura_miss_reason_name(mesura_miss_reason value)
{
	int reason = (int)value; /* any int may arrive: an enum holds no promise */
	static const char *const names[] = {"not_whole_word", "validator", "incomplete",
	                                    "unless", "confidence", "allowed", "limit"};
	return reason >= 1 && reason <= MESURA_MISS_LIMIT ? names[reason - 1] : "unknown";
}

/* Records why rule `rule` did not fire at [start, end) (explain mode only). */
int mesura_scan__miss(mesura_scanner *s, uint32_t rule, mesura_miss_reason reason, size_t start,
                size_t end, double confidence)
{
	if (!s->explain)
		return MESURA_OK;
	void *m = s->misses;
	int rc = mesura_alloc__grow(&s->alloc, &m, &s->misses_cap, s->n_misses + 1,
	                            sizeof(mesura_near_miss));
	if (rc != MESURA_OK)
		return rc;
	s->misses = m;
	s->misses[s->n_misses++] =
	    (mesura_near_miss){s->policy->rules[rule].id, rule, reason, start, end, confidence};
	return MESURA_OK;
}

void mesura_scan__set_exhaustive(mesura_scanner *s, int on)
{
	s->exhaustive = on;
}

void mesura_scan__set_work_budget(mesura_scanner *s, uint64_t steps)
{
	s->work_budget = steps;
}

static void *pcre_malloc(PCRE2_SIZE size, void *user)
{
	return mesura_alloc__malloc(user, size);
}

static void pcre_free(void *ptr, void *user)
{
	mesura_alloc__free(user, ptr);
}

void mesura_scanner_free(mesura_scanner *s)
{
	if (!s)
		return;
	for (size_t v = 0; s->views && v < s->policy->n_views; v++)
		mesura_view_free(s->views[v]);
	mesura_alloc__free(&s->alloc, s->views);
	mesura_alloc__free(&s->alloc, s->grouped);
	mesura_alloc__free(&s->alloc, s->has_masks);
	mesura_alloc__free(&s->alloc, s->no_joiners);
	mesura_tokens_free(s->tokens);
	mesura_alloc__free(&s->alloc, s->boundary);
	mesura_alloc__free(&s->alloc, s->spaced);
	mesura_alloc__free(&s->alloc, s->hits);
	mesura_alloc__free(&s->alloc, s->first_hit);
	mesura_alloc__free(&s->alloc, s->rule_hit);
	mesura_alloc__free(&s->alloc, s->regex_free);
	mesura_alloc__free(&s->alloc, s->regex_todo);
	mesura_alloc__free(&s->alloc, s->regex_later);
	mesura_alloc__free(&s->alloc, s->regex_words);
	mesura_alloc__free(&s->alloc, s->regex_bit);
	mesura_alloc__free(&s->alloc, s->findings);
	mesura_alloc__free(&s->alloc, s->allowed);
	mesura_alloc__free(&s->alloc, s->sort_scratch);
	mesura_alloc__free(&s->alloc, s->words_ended);
	mesura_alloc__free(&s->alloc, s->words_begun);
	mesura_alloc__free(&s->alloc, s->misses);
	pcre2_match_data_free(s->match_data);
	pcre2_match_context_free(s->pcre_match);
	pcre2_general_context_free(s->pcre_general);
	mesura_policy_free((mesura_policy *)s->policy); /* the scanner's reference */
	mesura_allocator a = s->alloc;
	mesura_alloc__free(&a, s);
}

/* The bits of the views' regex leaves (see regex_todo in scanner.h). */
static int create_regex_bits(mesura_scanner *s)
{
	const mesura_policy *p = s->policy;
	s->regex_words = mesura_alloc__malloc(&s->alloc, (p->n_views + 1) * sizeof *s->regex_words);
	s->regex_bit = mesura_alloc__malloc(&s->alloc, (p->n_conds + 1) * sizeof *s->regex_bit);
	if (!s->regex_words || !s->regex_bit)
		return MESURA_ENOMEM;
	memset(s->regex_bit, 0, (p->n_conds + 1) * sizeof *s->regex_bit);
	size_t words = 0;
	for (size_t v = 0; v < p->n_views; v++) {
		s->regex_words[v] = words;
		words += (p->views[v].n_regexes + 63) / 64;
	}
	s->regex_words[p->n_views] = words;
	s->regex_free = mesura_alloc__malloc(&s->alloc, (words + 1) * sizeof *s->regex_free);
	s->regex_todo = mesura_alloc__malloc(&s->alloc, (words + 1) * sizeof *s->regex_todo);
	s->regex_later = mesura_alloc__malloc(&s->alloc, (words + 1) * sizeof *s->regex_later);
	if (!s->regex_free || !s->regex_todo || !s->regex_later)
		return MESURA_ENOMEM;
	memset(s->regex_free, 0, (words + 1) * sizeof *s->regex_free);
	memset(s->regex_todo, 0, (words + 1) * sizeof *s->regex_todo);
	memset(s->regex_later, 0, (words + 1) * sizeof *s->regex_later);
	for (size_t v = 0; v < p->n_views; v++)
		for (size_t k = 0; k < p->views[v].n_regexes; k++) {
			const view_regex *r = &p->views[v].regexes[k];
			size_t bit = s->regex_words[v] * 64 + k;
			s->regex_bit[r->cond] = (uint32_t)bit;
			if (!r->has_keywords)
				s->regex_free[bit / 64] |= UINT64_C(1) << (bit % 64);
		}
	return MESURA_OK;
}

static int view_must_stop(void *arg);

static int create_scratch(mesura_scanner *s)
{
	const mesura_policy *p = s->policy;
	s->views = mesura_alloc__malloc(&s->alloc, (p->n_views + 1) * sizeof *s->views);
	if (!s->views)
		return MESURA_ENOMEM;
	memset(s->views, 0, (p->n_views + 1) * sizeof *s->views);
	s->grouped = mesura_alloc__malloc(&s->alloc, p->n_views + 1);
	s->has_masks = mesura_alloc__malloc(&s->alloc, p->n_views + 1);
	s->no_joiners = mesura_alloc__malloc(&s->alloc, p->n_views + 1);
	if (!s->grouped || !s->has_masks || !s->no_joiners)
		return MESURA_ENOMEM;
	s->first_hit = mesura_alloc__malloc(&s->alloc, (p->n_conds + 1) * sizeof *s->first_hit);
	s->rule_hit = mesura_alloc__malloc(&s->alloc, p->n_rules + 1);
	if (!s->first_hit || !s->rule_hit)
		return MESURA_ENOMEM;
	memset(s->first_hit, 0xFF, (p->n_conds + 1) * sizeof *s->first_hit); /* then kept so */
	memset(s->rule_hit, 0, p->n_rules + 1);                              /* (forget_hits) */
	if (create_regex_bits(s) != MESURA_OK)
		return MESURA_ENOMEM;
	for (size_t v = 0; v < p->n_views; v++) {
		if (mesura_view_new(&s->views[v], &s->alloc) != MESURA_OK)
			return MESURA_ENOMEM;
		s->views[v]->stop = view_must_stop;
		s->views[v]->stop_arg = s;
	}
	if (mesura_tokens_new(&s->tokens, &s->alloc) != MESURA_OK)
		return MESURA_ENOMEM;
	s->pcre_general = pcre2_general_context_create(pcre_malloc, pcre_free, &s->alloc);
	s->pcre_match = s->pcre_general ? pcre2_match_context_create(s->pcre_general) : NULL;
	s->match_data = s->pcre_general ? pcre2_match_data_create(16, s->pcre_general) : NULL;
	if (!s->pcre_match || !s->match_data)
		return MESURA_ENOMEM;
	return mesura_scanner_set_limits(s, NULL);
}

MESURA_OPTIONS_LAYOUT(scanner_limits_layout, MESURA_SCANNER_LIMITS_VERSION, sizeof(mesura_scanner_limits));

int mesura_scanner_limits_init(mesura_scanner_limits *limits, unsigned int version)
{
	MESURA_OPTIONS_INIT_FROM_TEMPLATE(limits, version, mesura_scanner_limits,
	                                  MESURA_SCANNER_LIMITS_INIT, scanner_limits_layout);
}

int mesura_scanner_set_limits(mesura_scanner *s, const mesura_scanner_limits *limits)
{
	static const mesura_scanner_limits defaults = MESURA_SCANNER_LIMITS_INIT;
	mesura_scanner_limits l;
	if (!s)
		return MESURA_EINVAL;
	int rc = mesura_options__read(&l, limits, &defaults, &scanner_limits_layout);
	if (rc != MESURA_OK)
		return rc;
	l.max_post_bytes = l.max_post_bytes ? l.max_post_bytes : MAX_POST_BYTES;
	l.max_findings = l.max_findings ? l.max_findings : MAX_FINDINGS;
	l.regex_match_limit = l.regex_match_limit ? l.regex_match_limit : REGEX_MATCH_LIMIT;
	l.regex_depth_limit = l.regex_depth_limit ? l.regex_depth_limit : REGEX_DEPTH_LIMIT;
	s->limits = l;
	pcre2_set_match_limit(s->pcre_match, l.regex_match_limit);
	pcre2_set_depth_limit(s->pcre_match, l.regex_depth_limit);
	return MESURA_OK;
}

/* Whether the budget (time, or the tests' work) is spent; once it is, it stays so
 * for the rest of the scan. */
int mesura_scan__budget_spent(mesura_scanner *s)
{
	if (s->limits_hit & MESURA_LIMIT_TIME)
		return 1;
	if (s->work_budget && s->work >= s->work_budget) {
		s->limits_hit |= MESURA_LIMIT_TIME; /* tests: a budget of work stands for time */
		return 1;
	}
	if (!s->limits.time_budget_ns)
		return 0;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (now.tv_sec < s->deadline.tv_sec ||
	    (now.tv_sec == s->deadline.tv_sec && now.tv_nsec < s->deadline.tv_nsec))
		return 0;
	s->limits_hit |= MESURA_LIMIT_TIME;
	return 1;
}

/* The slow half of spend: the time of a check has come. */
int mesura_scan__check_budget(mesura_scanner *s)
{
	s->next_check = s->work + CHECK_EVERY;
	if (!mesura_scan__budget_spent(s))
		return 0;
	s->next_check = 0; /* spent: every later spend says so at once */
	return 1;
}

/* The stop hook of the scanner's views (src/text/view.h), asked about every 64 KiB a
 * pass reads while a view of a long post is made: counts that much work ahead (the
 * rest of the view's work is counted once it is made) and says whether the budget has
 * run out, so that it holds inside the making of a view too. */
static int view_must_stop(void *arg)
{
	mesura_scanner *s = arg;
	if (!s->budgeted)
		return 0;
	s->view_advance += VIEW_STOP_EVERY;
	return spend(s, VIEW_STOP_EVERY);
}

void mesura_scan__start_clock(mesura_scanner *s)
{
	s->work = 0;
	s->view_advance = 0;
	s->budgeted = s->limits.time_budget_ns || s->work_budget;
	s->next_check = s->budgeted ? CHECK_EVERY : UINT64_MAX;
	if (!s->limits.time_budget_ns)
		return;
	clock_gettime(CLOCK_MONOTONIC, &s->deadline);
	uint64_t ns = (uint64_t)s->deadline.tv_nsec + s->limits.time_budget_ns % 1000000000u;
	s->deadline.tv_sec += (time_t)(s->limits.time_budget_ns / 1000000000u + ns / 1000000000u);
	s->deadline.tv_nsec = (long)(ns % 1000000000u);
}

int mesura_scanner_new(mesura_scanner **out, const mesura_policy *policy,
                       const mesura_allocator *allocator)
{
	if (!out || !policy)
		return MESURA_EINVAL;
	*out = NULL;
	mesura_scanner *s;
	int rc = mesura_alloc__new_object((void **)&s, sizeof *s, allocator);
	if (rc != MESURA_OK)
		return rc;
	s->policy = policy;
	atomic_init(&s->busy, 0);
	mesura_policy__retain(policy); /* dropped by mesura_scanner_free */
	rc = create_scratch(s);
	if (rc != MESURA_OK) {
		mesura_scanner_free(s);
		return rc;
	}
	*out = s;
	return MESURA_OK;
}

uint64_t mesura_scan__work(const mesura_scanner *s)
{
	return s->work;
}
