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
#include <time.h>

#include "common/options.h"
#include "mesura/errors.h"
#include "scanner.h"
#include "text/chunk.h"
#include "text/fold.h"
#include "text/grapheme.h"
#include "text/text.h"
#include "text/view.h"
#include "tokens/tokenize.h"
#include "tokens/wordbreak.h"

/* Default limits (mesura_scanner_limits): a regex may not take longer than this (PCRE2
 * match and depth limits), so that no pattern can hang a scan. */
#define REGEX_MATCH_LIMIT 1000000u
#define REGEX_DEPTH_LIMIT 10000u
#define MAX_POST_BYTES ((size_t)1 << 20)
#define MAX_FINDINGS 10000u

/* Trie states the wildcard walk of one self-censored word may visit. */
#define MASKED_BUDGET 20000u

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
	mesura_tokens_free(s->tokens);
	mesura_alloc__free(&s->alloc, s->boundary);
	mesura_alloc__free(&s->alloc, s->spaced);
	mesura_alloc__free(&s->alloc, s->hits);
	mesura_alloc__free(&s->alloc, s->first_hit);
	mesura_alloc__free(&s->alloc, s->rule_hit);
	mesura_alloc__free(&s->alloc, s->keyword_seen);
	mesura_alloc__free(&s->alloc, s->regex_free);
	mesura_alloc__free(&s->alloc, s->regex_todo);
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
	if (!s->regex_free || !s->regex_todo)
		return MESURA_ENOMEM;
	memset(s->regex_free, 0, (words + 1) * sizeof *s->regex_free);
	memset(s->regex_todo, 0, (words + 1) * sizeof *s->regex_todo);
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
	if (!s->grouped || !s->has_masks)
		return MESURA_ENOMEM;
	s->first_hit = mesura_alloc__malloc(&s->alloc, (p->n_conds + 1) * sizeof *s->first_hit);
	s->keyword_seen = mesura_alloc__malloc(&s->alloc, p->n_conds + 1);
	s->rule_hit = mesura_alloc__malloc(&s->alloc, p->n_rules + 1);
	if (!s->first_hit || !s->keyword_seen || !s->rule_hit)
		return MESURA_ENOMEM;
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
static int budget_spent(mesura_scanner *s)
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

/* Whether the budget has been found spent (a flag: no clock, no budget needed). */
static inline int found_spent(const mesura_scanner *s)
{
	return (s->limits_hit & MESURA_LIMIT_TIME) != 0;
}

/* Whether the time budget has run out (at once false without one): checked between
 * the steps of a scan. */
static inline int out_of_time(mesura_scanner *s)
{
	return s->budgeted && budget_spent(s);
}

/* The slow half of spend: the time of a check has come. */
static int check_budget(mesura_scanner *s)
{
	s->next_check = s->work + CHECK_EVERY;
	if (!budget_spent(s))
		return 0;
	s->next_check = 0; /* spent: every later spend says so at once */
	return 1;
}

/* Counts n steps of work (see scanner.h), and every CHECK_EVERY steps, when the scan
 * has a budget, checks it. Returns whether it has run out: the caller's loop stops.
 * Without a budget, next_check is never reached. */
static inline int spend(mesura_scanner *s, uint64_t n)
{
	s->work += n;
	return s->work >= s->next_check && check_budget(s);
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

static void start_clock(mesura_scanner *s)
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

/* ------------------------------------------------------------ boundaries */

/* Tokenizes the post (once) and marks every token start and end, overlays included,
 * so the words inside #NoMásAbusos and the spaced "f u c k" are whole words too. */
int mesura_scan__tokenize_post(mesura_scanner *s)
{
	if (s->tokenized)
		return MESURA_OK;
	void *b = s->boundary;
	int rc = mesura_alloc__grow(&s->alloc, &b, &s->boundary_cap, s->len + 1, 1);
	if (rc != MESURA_OK)
		return rc;
	s->boundary = b;
	memset(s->boundary, 0, s->len + 1);
	rc = mesura_tokenize(s->tokens, s->text, s->len, MESURA_TOKENIZE_ALL);
	if (rc != MESURA_OK)
		return rc;
	spend(s, s->len + mesura_tokens__steps(s->tokens));
	size_t n;
	const mesura_token *t = mesura_tokens__array(s->tokens, &n);
	for (size_t i = 0; i < n; i++) {
		size_t start = t[i].start;
		if (t[i].type == MESURA_TOKEN_MENTION || t[i].type == MESURA_TOKEN_HASHTAG ||
		    t[i].type == MESURA_TOKEN_CASHTAG)
			start++; /* after the sigil: "#fuck" holds the word "fuck" */
		s->boundary[start] = 1;
		s->boundary[t[i].start] = 1;
		s->boundary[t[i].end] = 1;
	}
	s->tokenized = 1;
	return MESURA_OK;
}

/* ------------------------------------------------------------ hits */

/* Whether offset `at` is the end of the text or white space. */
static int is_space_or_end(const mesura_scanner *s, size_t at)
{
	return at >= s->len || ascii_is_space((unsigned char)s->text[at]);
}

/* Whether the character that ends at t[end - 1] is surely not white space, nor a
 * combining mark or format character that white space before it would hold (an ASCII
 * one, or a two-byte one from U+00C0 to U+02FF: Latin letters and modifiers). */
static int is_plain_char_before(const unsigned char *t, size_t start, size_t end)
{
	size_t last = end - 1;
	while (last > start && (t[last] & 0xC0) == 0x80)
		last--;
	if (t[last] < 0x80)
		return !ascii_is_space(t[last]);
	return t[last] >= 0xC3 && t[last] <= 0xCB && end - last == 2;
}

/* The same for the character that starts at t[at]. */
static int is_plain_char_at(const unsigned char *t, size_t len, size_t at)
{
	if (t[at] < 0x80)
		return !ascii_is_space(t[at]);
	return t[at] >= 0xC3 && t[at] <= 0xCB && at + 1 < len && (t[at + 1] & 0xC0) == 0x80;
}

/* Punctuation that ends a word before white space: "word," "word." "word!)". */
static int is_closing(unsigned char ch)
{
	return ch && strchr(",.!?;:)]}>\"", ch) != NULL;
}

/* Punctuation that opens a word after white space: "(word" "\"word" "[word". */
static int is_opening(unsigned char ch)
{
	return ch && strchr("([{<\"", ch) != NULL;
}

/* Whether the post may hold a hashtag, whose parts are words of their own. */
static int may_have_hashtag(mesura_scanner *s)
{
	if (!s->has_hash_known) {
		const unsigned char *t = (const unsigned char *)s->text, *p = t;
		s->has_hash = memchr(t, '#', s->len) != NULL;
		while (!s->has_hash && (p = memchr(p, 0xEF, s->len - (size_t)(p - t))) != NULL) {
			s->has_hash = t + s->len - p >= 3 && p[1] == 0xBC && p[2] == 0x83; /* ＃ */
			p++;
		}
		s->has_hash_known = 1;
	}
	return s->has_hash;
}

/* The upper-case ASCII letter at t[at] stays in one hashtag part with the upper-case
 * letter before it unless a lower-case letter follows it (#NASAMission splits before
 * the M): whether the next character is surely none. */
static int no_lower_after(const mesura_scanner *s, size_t at)
{
	const unsigned char *t = (const unsigned char *)s->text;
	return at + 1 >= s->len || (t[at + 1] < 0x80 && !(t[at + 1] >= 'a' && t[at + 1] <= 'z'));
}

/* Whether no boundary can fall between the ASCII letters or digits at t[at - 1] and
 * t[at]: they are one word (UAX #29 WB5, WB8-WB10; URLs, mentions and e-mail
 * addresses hold them together too), except inside a hashtag, whose parts split at
 * camelCase, before the last capital of an acronym and between letters and digits;
 * even there a lower-case letter after a letter, a digit after a digit, or a capital
 * after a capital that no lower-case letter follows stays joined. */
static int alnum_joined(mesura_scanner *s, size_t at)
{
	const unsigned char *t = (const unsigned char *)s->text;
	unsigned char x = t[at - 1], y = t[at];
	if (ascii_is_digit(x) || ascii_is_digit(y)) {
		if (ascii_is_digit(x) && ascii_is_digit(y))
			return 1;
	} else if ((y >= 'a' && y <= 'z') ||
	           (x >= 'A' && x <= 'Z' && y >= 'A' && y <= 'Z' && no_lower_after(s, at))) {
		return 1;
	}
	return !may_have_hashtag(s);
}

/* Whether the ASCII letters and digits that end at t[at] are a word of their own that
 * starts after white space, an opening bracket or quote, or at the start of the text:
 * then no social token (which starts at a word start) can end inside or right after
 * it ("x.es'fuck" has a URL that ends at the quote, "#ain't" a hashtag). */
static int plain_word_before(const unsigned char *t, size_t at)
{
	size_t i = at;
	while (i > 0 && ascii_is_alnum(t[i - 1]))
		i--;
	return i == 0 || ascii_is_space(t[i - 1]) || is_opening(t[i - 1]);
}

/* ASCII punctuation that UAX #29 keeps inside a word between letters. */
static int is_mid_letter(unsigned char ch)
{
	return ch == '.' || ch == '\'' || ch == ':';
}

/* Whether the tokenizer surely puts no boundary at offset `at` (0 < at < len), from the
 * bytes around it: between two ASCII letters or digits (alnum_joined), and around
 * . ' : between two ASCII letters, which UAX #29 keeps in one word (WB6, WB7:
 * "example.com", "ain't"), when the word before is plain (plain_word_before). */
static int joined_at(mesura_scanner *s, size_t at)
{
	const unsigned char *t = (const unsigned char *)s->text;
	if (ascii_is_alnum(t[at - 1]) && ascii_is_alnum(t[at]))
		return alnum_joined(s, at);
	if (at + 1 < s->len && is_mid_letter(t[at]) && ascii_is_letter(t[at - 1]) &&
	    ascii_is_letter(t[at + 1]))
		return plain_word_before(t, at); /* "ain|'t" */
	if (at >= 2 && is_mid_letter(t[at - 1]) && ascii_is_letter(t[at - 2]) &&
	    ascii_is_letter(t[at]))
		return plain_word_before(t, at - 1); /* "example.|com" */
	return 0;
}

/* Whether a token surely starts at `start` (> 0): after white space, or after opening
 * punctuation that white space or the start of the text precedes, and not on white
 * space or a mark. */
static int clear_start(const mesura_scanner *s, size_t start)
{
	const unsigned char *t = (const unsigned char *)s->text;
	if (!is_plain_char_at(t, s->len, start))
		return 0;
	if (ascii_is_space(t[start - 1]))
		return 1;
	return is_opening(t[start - 1]) && (start == 1 || ascii_is_space(t[start - 2]));
}

/* Whether a token surely ends at `end` (< len): before white space, or before closing
 * punctuation ("done!\"", "good.\"") that white space or the end of the text follows,
 * and not after white space or a mark. */
static int clear_end(const mesura_scanner *s, size_t start, size_t end)
{
	const unsigned char *t = (const unsigned char *)s->text;
	if (!is_plain_char_before(t, start, end))
		return 0;
	size_t after = end;
	while (after < s->len && after - end < 4 && is_closing(t[after]))
		after++;
	return is_space_or_end(s, after);
}

/* Whether [start, end) of the original text is whole words: both ends on token
 * boundaries. Most hits are words between spaces, perhaps with punctuation between,
 * or parts of longer words: those are answered without tokenizing the post. UAX #29
 * always breaks next to white space, except before a combining mark or format
 * character, and between any character and punctuation that closes a word before
 * white space (the MidLetter and MidNum rules need a letter or digit after it); no
 * social token holds white space. A hit that starts or ends with white space (a
 * regex's \s) is inside a run of it, one token; such hits, and the rest, ask the
 * tokenizer. *whole receives the answer. */
int mesura_scan__is_whole_words(mesura_scanner *s, size_t start, size_t end, int *whole)
{
	if (!s->exhaustive && end > start) {
		if ((start > 0 && joined_at(s, start)) || (end < s->len && joined_at(s, end))) {
			*whole = 0;
			return MESURA_OK;
		}
		if ((start == 0 || clear_start(s, start)) &&
		    (end == s->len || clear_end(s, start, end))) {
			*whole = 1;
			return MESURA_OK;
		}
	}
	int rc = mesura_scan__tokenize_post(s);
	*whole = rc == MESURA_OK && s->boundary[start] && s->boundary[end];
	return rc;
}

/* ------------------------------------------------------------ spans */

/* Whether offset `at` lies between two ASCII characters other than CR LF (or at an end
 * of the text next to one): then a cluster boundary lies there and no character that
 * joins the one before it follows, which is all widen_to_clusters asks in most posts. */
static int ascii_boundary(const unsigned char *t, size_t len, size_t at)
{
	return (at == 0 || t[at - 1] < 0x80) && (at == len || t[at] < 0x80) &&
	       !(at > 0 && at < len && t[at - 1] == '\r' && t[at] == '\n');
}

/* The cluster around `at` (mesura_text__cluster_around), from the last one found when
 * `at` lies inside it: hits inside one long cluster (a run of marks) read it once. */
static void cluster_around(mesura_scanner *s, size_t at, size_t *start, size_t *end)
{
	if (s->cluster_lo < at && at < s->cluster_hi) {
		*start = s->cluster_lo;
		*end = s->cluster_hi;
		return;
	}
	uint64_t steps = 0;
	mesura_text__cluster_around((const unsigned char *)s->text, s->len, at, start, end,
	                            &steps);
	spend(s, steps);
	if (*start < at && at < *end) {
		s->cluster_lo = *start;
		s->cluster_hi = *end;
	}
}

/* Whether the character at `at` (> 0) is one that the word rules attach to the
 * character before it (UAX #29 WB4: Extend, Format, ZWJ), which is no line break
 * (WB3a-b); *n its length. */
static int attaches_to_word(const mesura_scanner *s, size_t at, size_t *n)
{
	const unsigned char *t = (const unsigned char *)s->text;
	int32_t cp, before;
	*n = mesura_utf8__decode(t, s->len, at, &cp);
	mesura_wb wb = mesura_tokens__word_break(cp);
	if (wb != WB_EXTEND && wb != WB_FORMAT && wb != WB_ZWJ)
		return 0;
	size_t b = at - 1;
	while (b > 0 && at - b < 4 && (t[b] & 0xC0) == 0x80)
		b--;
	if (mesura_utf8__decode(t, s->len, b, &before) != at - b)
		return 1; /* after an ill-formed sequence: no line break */
	wb = mesura_tokens__word_break(before);
	return wb != WB_CR && wb != WB_LF && wb != WB_NEWLINE;
}

/* A view's characters map back to whole characters of the post, but not always to
 * whole grapheme clusters: "fuck" followed by a soft hyphen, a ZWJ, a variation
 * selector, a CGJ, a combining mark or an emoji modifier is "fuck" in a view that
 * drops them, and the original ends one cluster later. The span grows to whole
 * clusters (UAX #29), and its end past the format, extend and ZWJ characters that the
 * word rules attach to the word before them (a soft hyphen or a word joiner is a
 * cluster of its own), so that the whole-word check asks about the word as written and
 * redaction covers all of it. */
void mesura_scan__widen_to_clusters(mesura_scanner *s, size_t *start, size_t *end)
{
	const unsigned char *t = (const unsigned char *)s->text;
	size_t lo, hi, n;
	if (*end <= *start)
		return;
	if (!ascii_boundary(t, s->len, *start)) {
		cluster_around(s, *start, &lo, &hi);
		*start = lo;
	}
	if (ascii_boundary(t, s->len, *end))
		return;
	cluster_around(s, *end, &lo, &hi);
	while (hi < s->len && hi > 0 && attaches_to_word(s, hi, &n))
		cluster_around(s, hi + n, &lo, &hi);
	*end = hi;
}

/* Whether view bytes a and a + 1, both ASCII letters or digits, come from parts of
 * the post that are not two touching ASCII letters or digits: something the view
 * dropped lies between them (a joining separator, an invisible), or one is a look-alike
 * (⒜). Two touching ones ("#FuckMondays") are the tokenizer's to judge. */
static int glued_by_view(const mesura_view *v, const unsigned char *t, size_t len, size_t a,
                         const char *post)
{
	size_t a_start, a_end, b_start, b_end;
	if (a + 1 >= len || !ascii_is_alnum(t[a]) || !ascii_is_alnum(t[a + 1]))
		return 0;
	if (mesura_view_source_range(v, a, a + 1, &a_start, &a_end) != MESURA_OK ||
	    mesura_view_source_range(v, a + 1, a + 2, &b_start, &b_end) != MESURA_OK)
		return 0;
	return a_end != b_start || a_end - a_start != 1 || b_end - b_start != 1 ||
	       !ascii_is_alnum((unsigned char)post[a_start]) ||
	       !ascii_is_alnum((unsigned char)post[b_start]);
}

/* Letters and digits of the view before byte `at` (dir -1) or from it (dir 1), up to 2. */
static size_t alnum_run(const unsigned char *t, size_t len, size_t at, int dir)
{
	size_t n = 0;
	while (n < 2 && (dir < 0 ? at > n && ascii_is_alnum(t[at - n - 1])
	                         : at + n < len && ascii_is_alnum(t[at + n])))
		n++;
	return n;
}

/* Whether the hit [start, end) of view v lies inside a word the view made, though its
 * ends in the post are on word boundaries: letters the view glued to it on both sides,
 * or two or more on one side. Joined spaced letters read as one word: "s c u n t h o r
 * p e" is "scunthorpe", "d i s p u t a" is "disputa", and "cunt" or "puta" in them is
 * no whole word. One glued letter may be a word the run swallowed ("y f u c k" joins
 * to "yfuck", "a f u c k"): the hit stays whole, as the post says. */
static int inside_view_word(const mesura_view *v, size_t start, size_t end, const char *post)
{
	size_t len;
	const unsigned char *t = (const unsigned char *)mesura_view_text(v, &len);
	if (end <= start)
		return 0;
	int left = start > 0 && glued_by_view(v, t, len, start - 1, post);
	int right = glued_by_view(v, t, len, end - 1, post);
	return (left && right) || (left && alnum_run(t, len, start, -1) >= 2) ||
	       (right && alnum_run(t, len, end, 1) >= 2);
}

static int add_hit(mesura_scanner *s, uint32_t cond, size_t view_start, size_t view_end,
                   int masked)
{
	const policy_cond *x = &s->policy->conds[cond];
	size_t start, end;
	spend(s, 1);
	if (mesura_view_source_range(s->views[x->view], view_start, view_end, &start, &end) !=
	    MESURA_OK)
		return MESURA_OK;
	mesura_scan__widen_to_clusters(s, &start, &end);
	if (x->whole_word) {
		int whole, rc = mesura_scan__is_whole_words(s, start, end, &whole);
		if (rc != MESURA_OK)
			return rc;
		if (whole && inside_view_word(s->views[x->view], view_start, view_end, s->text))
			whole = 0;
		if (!whole)
			return x->role == ROLE_MATCH
			           ? mesura_scan__miss(s, x->rule, MESURA_MISS_NOT_WHOLE_WORD, start, end, 0)
			           : MESURA_OK;
	}
	if (s->n_hits >= 2 * s->limits.max_findings) { /* bounds the rules' work too */
		s->limits_hit |= MESURA_LIMIT_FINDINGS;
		return MESURA_OK;
	}
	void *h = s->hits;
	int rc = mesura_alloc__grow(&s->alloc, &h, &s->hits_cap, s->n_hits + 1, sizeof(hit));
	if (rc != MESURA_OK)
		return rc;
	s->hits = h;
	s->hits[s->n_hits] = (hit){cond, s->first_hit[cond], start, end, view_start, view_end,
	                           masked};
	s->first_hit[cond] = (uint32_t)s->n_hits++;
	s->rule_hit[x->rule] |= x->role == ROLE_MATCH;
	return MESURA_OK;
}

typedef struct {
	mesura_scanner *s;
	size_t offset; /* of the searched text in the view */
	int masked;
	int rc;
	size_t searched; /* bytes of the search counted as work so far (search_on) */
	const char *plain, *spaced; /* a search of a view with joiners read as spaces: the
	                             * view and that copy (match_joined_phrases) */
} hit_sink;

/* A keyword of regex leaf `cond` is in the post: the leaf is worth trying. */
static inline void keyword_found(mesura_scanner *s, uint32_t cond)
{
	uint32_t bit = s->regex_bit[cond];
	s->keyword_seen[cond] = 1;
	s->regex_todo[bit / 64] |= UINT64_C(1) << (bit % 64);
}

/* A term, or a keyword of a regex leaf (which only lets the regex run; a keyword is
 * what the post says, not what a masked spelling might stand for). */
static int on_term(uint32_t cond, size_t start, size_t end, void *payload)
{
	hit_sink *h = payload;
	if (cond & KEYWORD_ID) {
		if (!h->masked)
			keyword_found(h->s, cond & ~KEYWORD_ID);
		return 0;
	}
	const policy_cond *x = &h->s->policy->conds[cond];
	if (x->role == ROLE_CONTEXT && !h->s->rule_hit[x->rule])
		return 0; /* context words of a rule none of whose leaves matched: not needed */
	h->rc = add_hit(h->s, cond, h->offset + start, h->offset + end, h->masked);
	return h->rc != MESURA_OK;
}

#define mask_bytes mesura_policy__mask_bytes

static int is_word_byte(unsigned char ch)
{
	return ch >= 0x80 || ((ch | 0x20) >= 'a' && (ch | 0x20) <= 'z');
}

/* The self-censored word around the mask byte at text[at], as [*from, *to): letters
 * and mask bytes, without leading or trailing masks (those are emphasis, *like this*,
 * or punctuation, "f*ck?"); *next is the end of the run with them. Returns whether it
 * is worth a wildcard walk: at least two letters, at least as many letters as masks. */
static int masked_word(const char *text, size_t len, size_t at, size_t *from, size_t *to,
                       size_t *next)
{
	const unsigned char *p = (const unsigned char *)text;
	size_t a = at, b = at;
	while (a > 0 && (is_word_byte(p[a - 1]) || mask_bytes[p[a - 1]]))
		a--;
	while (b < len && (is_word_byte(p[b]) || mask_bytes[p[b]]))
		b++;
	*next = b;
	while (a < b && mask_bytes[p[a]])
		a++;
	while (b > a && mask_bytes[p[b - 1]])
		b--;
	*from = a;
	*to = b;
	size_t letters = 0, masks = 0;
	for (size_t i = a; i < b; i++) {
		masks += mask_bytes[p[i]];
		letters += is_word_byte(p[i]) && (p[i] & 0xC0) != 0x80;
	}
	return masks > 0 && letters >= 2 && letters >= masks;
}

/* The mask bytes (mesura_policy__mask_bytes) of x. */
static chunk mask_bytes_in(chunk x)
{
	return chunk_or(chunk_or(chunk_or(chunk_eq(x, '*'), chunk_eq(x, '#')),
	                         chunk_or(chunk_eq(x, '@'), chunk_eq(x, '$'))),
	                chunk_or(chunk_or(chunk_eq(x, '%'), chunk_eq(x, '!')),
	                         chunk_or(chunk_eq(x, '?'), chunk_eq(x, '_'))));
}

/* The first mask byte (mesura_policy__mask_bytes) of t[i, len), or len: a chunk of
 * bytes at a time, since most posts have none. */
static size_t next_mask_byte(const unsigned char *t, size_t len, size_t i)
{
	for (; i + CHUNK <= len; i += CHUNK) {
		chunk found = mask_bytes_in(chunk_load(t + i));
		if (chunk_any(found))
			return i + chunk_first(found);
	}
	if (i < len && len >= CHUNK) {
		unsigned bits = chunk_bits_last(mask_bytes_in(chunk_load_last(t, len)), len, i);
		return bits ? i + chunk_lowest_bit(bits) : len;
	}
	while (i < len && !mask_bytes[t[i]])
		i++;
	return i;
}

/* The self-censored words of view v in automaton a; records whether v has mask bytes. */
static int match_masked_words(mesura_scanner *s, size_t v, const mesura_automaton *a,
                              const char *text, size_t len)
{
	hit_sink h = {s, 0, 1, MESURA_OK, 0, NULL, NULL};
	const unsigned char *t = (const unsigned char *)text;
	size_t first = next_mask_byte(t, len, 0);
	s->has_masks[v] = first < len;
	size_t done = 0; /* bytes read up to the last word */
	for (size_t at = first; at < len && h.rc == MESURA_OK;
	     at = next_mask_byte(t, len, at + 1)) {
		size_t from, to, next, visited = 0;
		if (masked_word(text, len, at, &from, &to, &next)) {
			h.offset = from;
			int rc = mesura_scan__automaton_match_masked_counted(
			    a, text + from, to - from, mask_bytes, MASKED_BUDGET, on_term, &h, &visited);
			s->limits_hit |= rc == MESURA_ELIMIT ? MESURA_LIMIT_MASKED : 0;
		}
		if (spend(s, next - done + visited))
			break;
		done = next;
		at = next; /* one walk per word */
	}
	return h.rc;
}

/* What the prefilters ask of a view: the policy's byte classes it holds (see
 * compiled.h), its number of ASCII digits and where the first DIGITS_KEPT are. */
#define DIGITS_KEPT 64

typedef struct view_summary view_summary;
struct view_summary {
	int ready; /* made when the first regex that passes the cheaper tests needs it */
	const char *text; /* the view's, and its length: what was summarised */
	size_t len;
	const view_summary *earlier; /* of an earlier view of the post, or NULL: when ready
	                              * and of the same text (views often have the same:
	                              * NFKC and the personal-data view of ASCII text),
	                              * this one is its copy */
	uint64_t classes;
	size_t digits, longest_run; /* digits, and the most of them in a row */
	uint32_t digit_at[DIGITS_KEPT]; /* when digits <= DIGITS_KEPT */
	int capitals_ready;   /* capital_run is this view's (made when a regex asks) */
	size_t capital_run;   /* the most ASCII capitals in a row */
};

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

static void summarize(const mesura_policy *p, const char *text, size_t len, view_summary *sum)
{
	const view_summary *e = sum->earlier;
	if (e && e->ready && e->len == len && memcmp(e->text, text, len) == 0) {
		*sum = *e;
		return;
	}
	sum->text = text;
	sum->len = len;
	const unsigned char *b = (const unsigned char *)text;
	uint64_t c0 = 0, c1 = 0, c2 = 0, c3 = 0; /* four chains, to overlap the loads */
	size_t i = 0;
	for (; i + 4 <= len; i += 4) {
		c0 |= p->class_bit[b[i]];
		c1 |= p->class_bit[b[i + 1]];
		c2 |= p->class_bit[b[i + 2]];
		c3 |= p->class_bit[b[i + 3]];
	}
	for (; i < len; i++)
		c0 |= p->class_bit[b[i]];
	sum->classes = c0 | c1 | c2 | c3;
	count_digits(b, len, sum);
	sum->capitals_ready = 0;
	sum->capital_run = 0;
	sum->ready = 1;
}

/* The most ASCII capitals in a row in t[0..len), a chunk of bytes at a time: most
 * chunks of a post hold none. */
static size_t longest_capital_run(const unsigned char *t, size_t len)
{
	size_t i = 0, run = 0, best = 0;
	for (; i + CHUNK <= len; i += CHUNK) {
		unsigned bits = chunk_bits(chunk_in(chunk_load(t + i), 'A', 'Z'));
		if (bits == 0) {
			run = 0;
			continue;
		}
		for (unsigned k = 0; k < CHUNK; k++, bits >>= 1) {
			run = bits & 1 ? run + 1 : 0;
			best = run > best ? run : best;
		}
	}
	for (; i < len; i++) {
		run = (unsigned)(t[i] - 'A') < 26u ? run + 1 : 0;
		best = run > best ? run : best;
	}
	return best;
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

/* Whether t[0..len) holds `need` bytes of `set` in a row. */
static int has_class_run(const unsigned char *t, size_t len, const uint64_t set[4], size_t need)
{
	size_t run = 0;
	for (size_t i = 0; i < len; i++) {
		run = (set[t[i] >> 6] >> (t[i] & 63)) & 1 ? run + 1 : 0;
		if (run >= need)
			return 1;
	}
	return 0;
}

/* The check of a long automaton search (hit_sink payload): counts the bytes searched
 * since the last call and stops the search when the time budget has run out. */
static int search_on(size_t searched, void *payload)
{
	hit_sink *h = payload;
	int stop = spend(h->s, searched - h->searched);
	h->searched = searched;
	return stop;
}

/* Searches text[0..len) with automaton a, counting the work and minding the time. */
static void search_view(mesura_scanner *s, const mesura_automaton *a, const char *text,
                        size_t len, mesura_automaton_hit_fn on_hit, hit_sink *h)
{
	h->searched = 0;
	if (mesura_scan__automaton_search_checked(a, text, len, on_hit, search_on, h) == 0)
		spend(s, len - h->searched);
}

/* A word character around a joiner: an ASCII letter or digit, or a byte of any other
 * character (a letter, mostly: a phrase must still match around it). */
static int is_joinable(unsigned char ch)
{
	return ch >= 0x80 || ascii_is_alnum(ch);
}

static int is_joiner_at(const unsigned char *t, size_t len, size_t i)
{
	return i > 0 && i + 1 < len && is_joinable(t[i - 1]) && is_joinable(t[i + 1]) &&
	       !(ascii_is_digit(t[i - 1]) && ascii_is_digit(t[i + 1]));
}

/* Reads the joiner at t[i] (of a text of `len` bytes) as a space in s->spaced, which is
 * a copy of t once `copied`; returns whether it is. */
static int space_joiner(mesura_scanner *s, const unsigned char *t, size_t len, size_t i,
                        int copied)
{
	if (!is_joiner_at(t, len, i))
		return copied;
	if (!copied)
		memcpy(s->spaced, t, len);
	s->spaced[i] = ' ';
	return 1;
}

static chunk joiners_in(chunk x)
{
	return chunk_or(chunk_eq(x, '_'), chunk_eq(x, '-'));
}

/* The same for every joiner ('_' and '-') of t[from..to), in one pass a chunk of bytes
 * at a time: most posts have few. */
static int space_joiners(mesura_scanner *s, const unsigned char *t, size_t len, size_t from,
                         size_t to, int copied)
{
	size_t i = from;
	for (; i + CHUNK <= to; i += CHUNK)
		for (unsigned bits = chunk_bits(joiners_in(chunk_load(t + i))); bits; bits &= bits - 1)
			copied = space_joiner(s, t, len, i + chunk_lowest_bit(bits), copied);
	if (i < to && to >= CHUNK) {
		unsigned bits = chunk_bits_last(joiners_in(chunk_load_last(t, to)), to, i);
		for (; bits; bits &= bits - 1)
			copied = space_joiner(s, t, len, i + chunk_lowest_bit(bits), copied);
		return copied;
	}
	for (; i < to; i++)
		if (t[i] == '_' || t[i] == '-')
			copied = space_joiner(s, t, len, i, copied);
	return copied;
}

/* Bytes read between two checks of the time budget (as the automaton's search). */
#define JOINER_STRETCH ((size_t)1 << 16)

int mesura_scan__joiners_as_spaces(mesura_scanner *s, const char *text, size_t len,
                                   const char **spaced)
{
	if (s->spaced_from == text && s->spaced_len == len) { /* asked again for this view */
		*spaced = s->spaced_found ? s->spaced : NULL;
		return MESURA_OK;
	}
	*spaced = NULL;
	s->spaced_from = NULL; /* s->spaced is rewritten below */
	void *b = s->spaced;
	int rc = mesura_alloc__grow(&s->alloc, &b, &s->spaced_cap, len ? len : 1, 1);
	if (rc != MESURA_OK)
		return rc;
	s->spaced = b;
	const unsigned char *t = (const unsigned char *)text;
	int found = 0;
	for (size_t from = 0; from < len; from += JOINER_STRETCH) {
		if (out_of_time(s))
			return MESURA_OK; /* no copy, and nothing cached */
		size_t to = len - from < JOINER_STRETCH ? len : from + JOINER_STRETCH;
		found = space_joiners(s, t, len, from, to, found);
		spend(s, to - from);
	}
	s->spaced_from = text;
	s->spaced_len = len;
	s->spaced_found = found;
	*spaced = found ? s->spaced : NULL;
	return MESURA_OK;
}

/* A hit in a view whose joiners read as spaces: kept when it covers one and belongs to
 * a leaf whose phrases match joined (keywords only gate regexes: not from here). */
static int on_joined_phrase(uint32_t cond, size_t start, size_t end, void *payload)
{
	hit_sink *h = payload;
	if ((cond & KEYWORD_ID) || !h->s->policy->conds[cond].joined ||
	    memcmp(h->plain + start, h->spaced + start, end - start) == 0)
		return 0;
	return on_term(cond, start, end, payload);
}

/* The hits of automaton a on view text[0..len) read with its joiners as spaces. */
static int match_joined_phrases(mesura_scanner *s, const mesura_automaton *a, const char *text,
                                size_t len)
{
	const char *spaced;
	int rc = mesura_scan__joiners_as_spaces(s, text, len, &spaced);
	if (rc != MESURA_OK || !spaced || out_of_time(s))
		return rc;
	hit_sink h = {s, 0, 0, MESURA_OK, 0, text, spaced};
	search_view(s, a, spaced, len, on_joined_phrase, &h);
	return h.rc;
}

/* The hits of automaton a on view v, plain and self-censored (when the view may hold
 * mask bytes: `masks`). */
static int match_terms(mesura_scanner *s, size_t v, const mesura_automaton *a, int masks)
{
	if (!a)
		return MESURA_OK;
	size_t len;
	const char *text = mesura_view_text(s->views[v], &len);
	hit_sink h = {s, 0, 0, MESURA_OK, 0, NULL, NULL};
	search_view(s, a, text, len, on_term, &h);
	if (h.rc == MESURA_OK && (masks || s->exhaustive) && !found_spent(s))
		h.rc = match_masked_words(s, v, a, text, len);
	if (h.rc == MESURA_OK && s->policy->views[v].phrases && !found_spent(s))
		h.rc = match_joined_phrases(s, a, text, len);
	return h.rc;
}

int mesura_scan__find_context(mesura_scanner *s)
{
	const mesura_policy *p = s->policy;
	if (s->context_found)
		return MESURA_OK;
	s->context_found = 1;
	int rc = MESURA_OK;
	for (size_t v = 0; rc == MESURA_OK && v < p->n_views && !out_of_time(s); v++)
		rc = match_terms(s, v, p->views[v].context, 1);
	return rc;
}

/* ------------------------------------------------------------ regexes */

static int on_keyword(uint32_t cond, size_t start, size_t end, void *payload)
{
	(void)start;
	(void)end;
	keyword_found(((hit_sink *)payload)->s, cond & ~KEYWORD_ID);
	return 0;
}

/* Whether the regex can match in a view of `len` bytes summarised by `sum`. */
static int prefilter_passes(const mesura_scanner *s, const view_regex *r, const char *text,
                            size_t len, view_summary *sum)
{
	if (s->exhaustive)
		return 1;
	if (len < r->min_len || (r->has_keywords && !s->keyword_seen[r->cond]))
		return 0;
	if (!sum->ready)
		summarize(s->policy, text, len, sum);
	return digits_within(sum, r->min_digits, r->max_len) && r->min_digit_run <= sum->longest_run &&
	       (r->all_classes & sum->classes) == r->all_classes && (r->any_classes & sum->classes) &&
	       (r->min_capital_run == 0 || has_capital_run(sum, text, len, r->min_capital_run)) &&
	       (r->class_run == 0 ||
	        has_class_run((const unsigned char *)text, len,
	                      s->policy->conds[r->cond].pre.class_run_set, r->class_run));
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
	    !mesura_policy__validator_check(x->validator, text + start, end - start,
	                                    x->validator_param))
		return miss_in_view(s, cond, MESURA_MISS_VALIDATOR, start, end);
	return end > start ? add_hit(s, cond, start, end, 0) : MESURA_OK;
}

/* Every match of a regex leaf on its view, confirmed by its validator. */
static int match_regex(mesura_scanner *s, uint32_t cond)
{
	const policy_cond *x = &s->policy->conds[cond];
	size_t len, at = 0;
	const char *text = mesura_view_text(s->views[x->view], &len);
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
	const char *text = mesura_view_text(s->views[x->view], &len);
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
			unsigned char first = (unsigned char)text[p];
			if ((first & 0xC0) == 0x80 || !((x->pre.any_of[first >> 6] >> (first & 63)) & 1))
				continue; /* inside a character, or no match starts with that byte */
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

static int match_regexes(mesura_scanner *s, size_t v, view_summary *sum)
{
	const policy_view *view = &s->policy->views[v];
	if (!view->n_regexes)
		return MESURA_OK;
	size_t len;
	const char *text = mesura_view_text(s->views[v], &len);
	if (view->keywords && !keywords_found_by_host(s, view)) {
		hit_sink h = {s, 0, 0, MESURA_OK, 0, NULL, NULL};
		search_view(s, view->keywords, text, len, on_keyword, &h);
	}
	int rc = MESURA_OK;
	/* the leaves without keywords and those whose keywords the post holds, in order */
	const uint64_t *free_bits = s->regex_free + s->regex_words[v];
	const uint64_t *todo = s->regex_todo + s->regex_words[v];
	size_t words = s->regex_words[v + 1] - s->regex_words[v];
	for (size_t w = 0; w < words; w++) {
		uint64_t bits = s->exhaustive ? ~UINT64_C(0) : free_bits[w] | todo[w];
		while (bits && rc == MESURA_OK && !out_of_time(s)) {
			size_t k = w * 64 + lowest_bit(bits);
			bits &= bits - 1;
			if (k >= view->n_regexes)
				break;
			if (prefilter_passes(s, &view->regexes[k], text, len, sum))
				rc = near_digits(s, &view->regexes[k], sum)
				         ? match_regex_near_digits(s, &view->regexes[k], sum)
				         : match_regex(s, view->regexes[k].cond);
		}
	}
	spend(s, sum->ready ? len : 0); /* the summary's pass over the view */
	return rc;
}

/* View v of the post; views that share stage 1 are made from their base's (bases
 * come first). */
static int make_view(mesura_scanner *s, size_t v)
{
	const policy_view *view = &s->policy->views[v];
	if (view->base == NO_BASE)
		return mesura_normalize(view->normalizer, s->views[v], s->text, s->len);
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

/* Whether every view that rides on base v has v's text in this post (leet left it
 * alone, as in most posts). */
static int riders_have_base_text(const mesura_scanner *s, size_t v)
{
	const mesura_policy *p = s->policy;
	size_t len, n;
	const char *text = mesura_view_text(s->views[v], &len);
	for (size_t u = v + 1; u < p->n_views; u++) {
		if (!p->views[u].rides || p->views[u].base != v)
			continue;
		const char *t = mesura_view_text(s->views[u], &n);
		if (n != len || memcmp(t, text, len) != 0)
			return 0;
	}
	return 1;
}

/* The automaton to search view v with: its group's, which covers its riders too, when
 * they have its text; none for a rider its base's group has covered; else its own. */
static const mesura_automaton *terms_to_search(mesura_scanner *s, size_t v)
{
	const policy_view *view = &s->policy->views[v];
	if (view->rides && s->grouped[view->base])
		return NULL;
	if (view->group && riders_have_base_text(s, v)) {
		s->grouped[v] = 1;
		return view->group;
	}
	return view->terms;
}

static int scan_post(mesura_scanner *s)
{
	const mesura_policy *p = s->policy;
	memset(s->first_hit, 0xFF, p->n_conds * sizeof *s->first_hit);
	memset(s->keyword_seen, 0, p->n_conds);
	memset(s->regex_todo, 0, s->regex_words[p->n_views] * sizeof *s->regex_todo);
	memset(s->rule_hit, 0, p->n_rules);
	memset(s->grouped, 0, p->n_views);
	s->spaced_from = NULL;
	int rc = MESURA_OK;
	size_t made = 0; /* views made: a base comes before the views made from it */
	for (int spent = out_of_time(s); rc == MESURA_OK && made < p->n_views && !spent; made++) {
		rc = make_view(s, made);
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
		rc = match_terms(s, v, terms_to_search(s, v), may_have_masks(s, v));
		if (rc == MESURA_OK && !found_spent(s))
			rc = match_regexes(s, v, sum);
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

/* The scan itself, once the scanner is this call's. */
static int scan_with(mesura_scanner *s, const char *text, size_t len, unsigned int flags)
{
	s->text = text ? text : "";
	s->len = len;
	s->explain = (flags & MESURA_SCAN_EXPLAIN) != 0;
	s->n_hits = 0;
	s->n_findings = 0;
	s->n_misses = 0;
	s->tokenized = 0;
	s->words_counted = 0;
	s->has_hash_known = 0;
	s->context_found = 0;
	s->limits_hit = 0;
	s->cluster_lo = s->cluster_hi = 0;
	start_clock(s);
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

uint64_t mesura_scan__work(const mesura_scanner *s)
{
	return s->work;
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
