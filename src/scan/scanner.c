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
 * Then the rules are evaluated: a rule fires when its match tree holds and its unless
 * tree does not; each hit of its match leaves becomes a finding, whose confidence the
 * rule's context words nearby raise or lower. Findings that overlap an allow-listed
 * term are dropped; the verdict is the strongest action left.
 */
#include <string.h>
#include <time.h>

#include "mesura/errors.h"
#include "mesura/scan.h"
#include "mesura/tokens.h"
#include "common/sort.h"
#include "policy/compiled.h"
#include "scanner.h"

/* Default limits (mesura_scan_limits): a regex may not take longer than this (PCRE2
 * match and depth limits), so that no pattern can hang a scan. */
#define REGEX_MATCH_LIMIT 1000000u
#define REGEX_DEPTH_LIMIT 10000u
#define MAX_POST_BYTES ((size_t)1 << 20)
#define MAX_FINDINGS 10000u

/* Trie states the wildcard walk of one self-censored word may visit. */
#define MASKED_BUDGET 20000u

#define NO_HIT UINT32_MAX

/* Where a leaf matched: its span in the original text and in its view. */
typedef struct {
	uint32_t cond, next; /* next hit of the same leaf, or NO_HIT */
	size_t start, end;
	size_t view_start, view_end;
	int masked;
} hit;

struct mesura_scanner {
	mesura_allocator alloc; /* first: see mesura_alloc__new_object */
	const mesura_policy *policy;
	mesura_view **views;    /* one per policy view */
	mesura_tokens *tokens;
	int tokenized;          /* tokens and boundary are those of this post */
	int has_hash, has_hash_known; /* the post has a '#' (hashtag parts split words) */
	int words_counted;      /* words_ended and words_begun are this post's */
	uint32_t *words_ended, *words_begun; /* see count_words */
	size_t words_ended_cap, words_begun_cap;
	unsigned char *boundary; /* per original byte offset: a token starts or ends here */
	size_t boundary_cap;
	hit *hits;
	size_t n_hits, hits_cap;
	uint32_t *first_hit;    /* per condition */
	unsigned char *keyword_seen; /* per condition: one of its keywords is in the view */
	mesura_finding *findings;
	size_t n_findings, findings_cap;
	struct allowed_span *allowed; /* allow-listed spans of the post (apply_allow_list) */
	size_t n_allowed, allowed_cap;
	void *sort_scratch;     /* for mesura_sort__stable */
	size_t sort_scratch_cap;
	mesura_result result;
	pcre2_general_context *pcre_general;
	pcre2_match_context *pcre_match;
	pcre2_match_data *match_data;
	const char *text;
	size_t len;
	unsigned int limits_hit; /* MESURA_LIMIT_* of this scan */
	mesura_scan_limits limits; /* with the defaults filled in */
	struct timespec deadline;  /* when limits.time_budget_ns is set */
	int exhaustive; /* tests: no prefilter, no shortcut (see scanner.h) */
	int explain;    /* record near misses */
	mesura_near_miss *misses;
	size_t n_misses, misses_cap;
};

int mesura_scanner_explain(mesura_scanner *s, int on)
{
	if (!s)
		return MESURA_EINVAL;
	s->explain = on != 0;
	return MESURA_OK;
}

const char *mesura_miss_reason_name(int reason)
{
	static const char *const names[] = {"not_whole_word", "validator", "incomplete",
	                                    "unless", "confidence", "allowed", "limit"};
	return reason >= 1 && reason <= MESURA_MISS_LIMIT ? names[reason - 1] : "unknown";
}

/* Records why rule `rule` did not fire at [start, end) (explain mode only). */
static int miss(mesura_scanner *s, uint32_t rule, mesura_miss_reason reason, size_t start,
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
	    (mesura_near_miss){s->policy->rules[rule].id, reason, start, end, confidence};
	return MESURA_OK;
}

void mesura_scan__set_exhaustive(mesura_scanner *s, int on)
{
	s->exhaustive = on;
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
	mesura_tokens_free(s->tokens);
	mesura_alloc__free(&s->alloc, s->boundary);
	mesura_alloc__free(&s->alloc, s->hits);
	mesura_alloc__free(&s->alloc, s->first_hit);
	mesura_alloc__free(&s->alloc, s->keyword_seen);
	mesura_alloc__free(&s->alloc, s->findings);
	mesura_alloc__free(&s->alloc, s->allowed);
	mesura_alloc__free(&s->alloc, s->sort_scratch);
	mesura_alloc__free(&s->alloc, s->words_ended);
	mesura_alloc__free(&s->alloc, s->words_begun);
	mesura_alloc__free(&s->alloc, s->misses);
	pcre2_match_data_free(s->match_data);
	pcre2_match_context_free(s->pcre_match);
	pcre2_general_context_free(s->pcre_general);
	mesura_allocator a = s->alloc;
	mesura_alloc__free(&a, s);
}

static int create_scratch(mesura_scanner *s)
{
	const mesura_policy *p = s->policy;
	s->views = mesura_alloc__malloc(&s->alloc, (p->n_views + 1) * sizeof *s->views);
	if (!s->views)
		return MESURA_ENOMEM;
	memset(s->views, 0, (p->n_views + 1) * sizeof *s->views);
	s->first_hit = mesura_alloc__malloc(&s->alloc, (p->n_conds + 1) * sizeof *s->first_hit);
	s->keyword_seen = mesura_alloc__malloc(&s->alloc, p->n_conds + 1);
	if (!s->first_hit || !s->keyword_seen)
		return MESURA_ENOMEM;
	for (size_t v = 0; v < p->n_views; v++)
		if (mesura_view_new(&s->views[v], &s->alloc) != MESURA_OK)
			return MESURA_ENOMEM;
	if (mesura_tokens_new(&s->tokens, &s->alloc) != MESURA_OK)
		return MESURA_ENOMEM;
	s->pcre_general = pcre2_general_context_create(pcre_malloc, pcre_free, &s->alloc);
	s->pcre_match = s->pcre_general ? pcre2_match_context_create(s->pcre_general) : NULL;
	s->match_data = s->pcre_general ? pcre2_match_data_create(16, s->pcre_general) : NULL;
	if (!s->pcre_match || !s->match_data)
		return MESURA_ENOMEM;
	return mesura_scanner_set_limits(s, NULL);
}

int mesura_scan_limits_init(mesura_scan_limits *limits, unsigned int version)
{
	if (!limits)
		return MESURA_EINVAL;
	if (version != MESURA_SCAN_LIMITS_VERSION)
		return MESURA_EVERSION;
	mesura_scan_limits defaults = MESURA_SCAN_LIMITS_INIT;
	*limits = defaults;
	return MESURA_OK;
}

int mesura_scanner_set_limits(mesura_scanner *s, const mesura_scan_limits *limits)
{
	mesura_scan_limits l = MESURA_SCAN_LIMITS_INIT;
	if (!s)
		return MESURA_EINVAL;
	if (limits && limits->version != MESURA_SCAN_LIMITS_VERSION)
		return MESURA_EVERSION;
	if (limits)
		l = *limits;
	l.max_post_bytes = l.max_post_bytes ? l.max_post_bytes : MAX_POST_BYTES;
	l.max_findings = l.max_findings ? l.max_findings : MAX_FINDINGS;
	l.regex_match_limit = l.regex_match_limit ? l.regex_match_limit : REGEX_MATCH_LIMIT;
	l.regex_depth_limit = l.regex_depth_limit ? l.regex_depth_limit : REGEX_DEPTH_LIMIT;
	s->limits = l;
	pcre2_set_match_limit(s->pcre_match, l.regex_match_limit);
	pcre2_set_depth_limit(s->pcre_match, l.regex_depth_limit);
	return MESURA_OK;
}

/* Whether the time budget has run out (always false without one). */
static int out_of_time(mesura_scanner *s)
{
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

static void start_clock(mesura_scanner *s)
{
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
static int tokenize_post(mesura_scanner *s)
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
	size_t n;
	const mesura_token *t = mesura_tokens_array(s->tokens, &n);
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

static int is_ascii_space(unsigned char ch)
{
	return ch == ' ' || (ch >= '\t' && ch <= '\r');
}

static int is_ascii_alnum(unsigned char ch)
{
	return (ch >= '0' && ch <= '9') || ((ch | 0x20) >= 'a' && (ch | 0x20) <= 'z');
}

/* Whether offset `at` is the end of the text or white space. */
static int is_space_or_end(const mesura_scanner *s, size_t at)
{
	return at >= s->len || is_ascii_space((unsigned char)s->text[at]);
}

/* Whether the hit [start, end) ends with a character that is surely not white space
 * (an ASCII one, or a two-byte one from U+00C0: no white space there). A hit that
 * ends with white space ends inside a run of it, which is one token. */
static int ends_in_non_space(const unsigned char *t, size_t start, size_t end)
{
	size_t last = end - 1;
	while (last > start && (t[last] & 0xC0) == 0x80)
		last--;
	if (t[last] < 0x80)
		return !is_ascii_space(t[last]);
	return t[last] >= 0xC3 && t[last] <= 0xDF && end - last == 2;
}

/* Punctuation that ends a word before white space: "word," "word." "word!)". */
static int is_closing(unsigned char ch)
{
	return ch && strchr(",.!?;:)]}\"", ch) != NULL;
}

/* Whether [start, end) of the original text is whole words: both ends on token
 * boundaries. Most hits are words between spaces, perhaps with a comma or a full stop
 * before the space, which are boundaries whatever the tokenizer says (UAX #29 always
 * breaks next to white space, except before a combining mark, which an ASCII byte is
 * not, and between a letter and closing punctuation that white space follows; no
 * social token holds a space): those are answered without tokenizing the post. A hit
 * that starts or ends with white space (a regex's \s) is inside a run of spaces, one
 * token: the tokenizer decides.
 * *whole receives the answer. */
static int is_whole_words(mesura_scanner *s, size_t start, size_t end, int *whole)
{
	const unsigned char *t = (const unsigned char *)s->text;
	if (s->exhaustive) {
		int rc = tokenize_post(s);
		*whole = rc == MESURA_OK && s->boundary[start] && s->boundary[end];
		return rc;
	}
	if (!s->has_hash_known) {
		s->has_hash = memchr(s->text, '#', s->len) != NULL;
		s->has_hash_known = 1;
	}
	/* Two ASCII letters or digits are never split (UAX #29 WB5, WB8-WB10; URLs and
	 * mentions neither), except into a hashtag's parts (#NoMásAbusos). */
	if (!s->has_hash && ((start > 0 && is_ascii_alnum(t[start - 1]) && is_ascii_alnum(t[start])) ||
	                     (end < s->len && end > start && is_ascii_alnum(t[end - 1]) &&
	                      is_ascii_alnum(t[end])))) {
		*whole = 0;
		return MESURA_OK;
	}
	int clear_start = start == 0 || (is_ascii_space(t[start - 1]) && t[start] < 0x80 &&
	                                 !is_ascii_space(t[start]));
	int clear_end = end >= s->len ||
	                (is_ascii_space(t[end]) && end > start && ends_in_non_space(t, start, end)) ||
	                (is_closing(t[end]) && end > start && t[end - 1] < 0x80 &&
	                 (t[end - 1] | 0x20) >= 'a' && (t[end - 1] | 0x20) <= 'z' &&
	                 is_space_or_end(s, end + 1));
	if (clear_start && clear_end) {
		*whole = 1;
		return MESURA_OK;
	}
	int rc = tokenize_post(s);
	*whole = rc == MESURA_OK && s->boundary[start] && s->boundary[end];
	return rc;
}

static int add_hit(mesura_scanner *s, uint32_t cond, size_t view_start, size_t view_end,
                   int masked)
{
	const policy_cond *x = &s->policy->conds[cond];
	size_t start, end;
	if (mesura_view_source_span(s->views[x->view], view_start, view_end, &start, &end) !=
	    MESURA_OK)
		return MESURA_OK;
	if (x->whole_word) {
		int whole, rc = is_whole_words(s, start, end, &whole);
		if (rc != MESURA_OK)
			return rc;
		if (!whole)
			return x->role == ROLE_MATCH
			           ? miss(s, x->rule, MESURA_MISS_NOT_WHOLE_WORD, start, end, 0)
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
	return MESURA_OK;
}

typedef struct {
	mesura_scanner *s;
	size_t offset; /* of the searched text in the view */
	int masked;
	int rc;
} hit_sink;

static int on_term(uint32_t cond, size_t start, size_t end, void *payload)
{
	hit_sink *h = payload;
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

static int match_masked_words(mesura_scanner *s, size_t v, const char *text, size_t len)
{
	const mesura_automaton *a = s->policy->views[v].terms;
	hit_sink h = {s, 0, 1, MESURA_OK};
	for (size_t at = 0; at < len && h.rc == MESURA_OK; at++) {
		if (!mask_bytes[(unsigned char)text[at]])
			continue;
		size_t from, to, next;
		if (masked_word(text, len, at, &from, &to, &next)) {
			h.offset = from;
			int rc = mesura_scan__automaton_match_masked(a, text + from, to - from, mask_bytes,
			                                              MASKED_BUDGET, on_term, &h);
			s->limits_hit |= rc == MESURA_ELIMIT ? MESURA_LIMIT_MASKED : 0;
		}
		at = next; /* one walk per word */
	}
	return h.rc;
}

/* What the prefilters ask of a view: the policy's byte classes it holds (see
 * compiled.h) and its number of ASCII digits. */
typedef struct {
	uint64_t classes;
	size_t digits;
} view_summary;

static view_summary summarize(const mesura_policy *p, const char *text, size_t len)
{
	const unsigned char *b = (const unsigned char *)text;
	uint64_t even = 0, odd = 0; /* two chains, to overlap the loads */
	size_t digits = 0, i = 0;
	for (; i + 1 < len; i += 2) {
		even |= p->class_bit[b[i]];
		odd |= p->class_bit[b[i + 1]];
		digits += (unsigned)(b[i] - '0') < 10u;
		digits += (unsigned)(b[i + 1] - '0') < 10u;
	}
	if (i < len) {
		even |= p->class_bit[b[i]];
		digits += (unsigned)(b[i] - '0') < 10u;
	}
	return (view_summary){even | odd, digits};
}

static int match_terms(mesura_scanner *s, size_t v, const view_summary *sum)
{
	const mesura_automaton *a = s->policy->views[v].terms;
	if (!a)
		return MESURA_OK;
	size_t len;
	const char *text = mesura_view_text(s->views[v], &len);
	hit_sink h = {s, 0, 0, MESURA_OK};
	mesura_scan__automaton_search(a, text, len, on_term, &h);
	if (h.rc == MESURA_OK && ((sum->classes & s->policy->mask_classes) || s->exhaustive))
		h.rc = match_masked_words(s, v, text, len);
	return h.rc;
}

/* ------------------------------------------------------------ regexes */

static int on_keyword(uint32_t cond, size_t start, size_t end, void *payload)
{
	(void)start;
	(void)end;
	((mesura_scanner *)payload)->keyword_seen[cond] = 1;
	return 0;
}

/* Whether the regex can match in a view of `len` bytes summarised by `sum`. */
static int prefilter_passes(const mesura_scanner *s, uint32_t cond, size_t len,
                            const view_summary *sum)
{
	const regex_prefilter *pre = &s->policy->conds[cond].pre;
	if (s->exhaustive)
		return 1;
	return len >= pre->min_len && sum->digits >= pre->min_digits &&
	       (!pre->has_keywords || s->keyword_seen[cond]) &&
	       (pre->all_classes & sum->classes) == pre->all_classes &&
	       (pre->any_classes & sum->classes);
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
	    mesura_view_source_span(s->views[x->view], start, end, &o_start, &o_end) != MESURA_OK)
		return MESURA_OK;
	return miss(s, x->rule, reason, o_start, o_end, 0);
}

/* Every match of a regex leaf on its view, confirmed by its validator. */
static int match_regex(mesura_scanner *s, uint32_t cond)
{
	const policy_cond *x = &s->policy->conds[cond];
	size_t len;
	const char *text = mesura_view_text(s->views[x->view], &len);
	PCRE2_SIZE at = 0;
	while (at <= len) {
		/* a view is always valid UTF-8: PCRE2 need not check it at every call */
		int m = pcre2_match(x->regex, (PCRE2_SPTR)text, len, at, PCRE2_NO_UTF_CHECK,
		                    s->match_data, s->pcre_match);
		if (m == PCRE2_ERROR_NOMATCH)
			return MESURA_OK;
		if (m == PCRE2_ERROR_NOMEMORY)
			return MESURA_ENOMEM;
		if (m < 0) { /* match or depth limit: skip the leaf, say so */
			s->limits_hit |= MESURA_LIMIT_REGEX;
			return miss_in_view(s, cond, MESURA_MISS_LIMIT, 0, 0);
		}
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(s->match_data);
		size_t start = ov[0], end = ov[1];
		int rc = MESURA_OK;
		if (end > start && x->validator &&
		    !mesura_policy__validator_check(x->validator, text + start, end - start,
		                                    x->validator_param))
			rc = miss_in_view(s, cond, MESURA_MISS_VALIDATOR, start, end);
		else if (end > start)
			rc = add_hit(s, cond, start, end, 0);
		if (rc != MESURA_OK)
			return rc;
		at = end > start ? end : end + 1;
		while (at < len && ((unsigned char)text[at] & 0xC0) == 0x80)
			at++; /* never start inside a character */
	}
	return MESURA_OK;
}

static int match_regexes(mesura_scanner *s, size_t v, const view_summary *sum)
{
	const mesura_policy *p = s->policy;
	if (!p->views[v].has_regexes)
		return MESURA_OK;
	size_t len;
	const char *text = mesura_view_text(s->views[v], &len);
	if (p->views[v].keywords)
		mesura_scan__automaton_search(p->views[v].keywords, text, len, on_keyword, s);
	int rc = MESURA_OK;
	for (uint32_t i = 0; rc == MESURA_OK && i < p->n_conds && !out_of_time(s); i++)
		if (p->conds[i].kind == COND_REGEX && p->conds[i].view == v &&
		    prefilter_passes(s, i, len, sum))
			rc = match_regex(s, i);
	return rc;
}

/* ------------------------------------------------------------ rules */

static int holds(const mesura_scanner *s, uint32_t cond)
{
	const policy_cond *x = &s->policy->conds[cond];
	if (x->kind == COND_TERMS || x->kind == COND_REGEX)
		return s->first_hit[cond] != NO_HIT;
	for (size_t i = 0; i < x->n_children; i++)
		if (holds(s, x->children[i]) != (x->kind == COND_ALL))
			return x->kind != COND_ALL;
	return x->kind == COND_ALL;
}

/* Characters (code points) of the original text between two spans, as far as a
 * comparison with `limit` needs: exact up to limit, limit + 1 beyond; 0 when they
 * overlap. Byte counts settle most pairs (a character is 1 to 4 bytes). */
static size_t chars_between(const mesura_scanner *s, const hit *a, const hit *b, size_t limit)
{
	if (a->end > b->start && b->end > a->start)
		return 0;
	size_t from = a->end <= b->start ? a->end : b->end;
	size_t to = a->end <= b->start ? b->start : a->start;
	if (to - from <= limit)
		return to - from;
	if (to - from > 4 * (limit + 1))
		return limit + 1;
	size_t n = 0;
	for (size_t i = from; i < to && n <= limit; i++)
		n += ((unsigned char)s->text[i] & 0xC0) != 0x80;
	return n;
}

static int is_word_token(const mesura_token *t)
{
	return !(t->flags & MESURA_TOKEN_OVERLAY) &&
	       (t->type == MESURA_TOKEN_WORD || t->type == MESURA_TOKEN_NUMBER);
}

/* Per original byte offset x: the words (word and number tokens) that end at or before
 * x, and those that start before x. Made once per post, when a context counts words,
 * so that each distance is two lookups, however many findings and words. */
static int count_words(mesura_scanner *s)
{
	if (s->words_counted)
		return MESURA_OK;
	int rc = tokenize_post(s);
	void *e = s->words_ended, *b = s->words_begun;
	if (rc == MESURA_OK)
		rc = mesura_alloc__grow(&s->alloc, &e, &s->words_ended_cap, s->len + 1, sizeof(uint32_t));
	s->words_ended = e;
	if (rc == MESURA_OK)
		rc = mesura_alloc__grow(&s->alloc, &b, &s->words_begun_cap, s->len + 1, sizeof(uint32_t));
	s->words_begun = b;
	if (rc != MESURA_OK)
		return rc;
	memset(s->words_ended, 0, (s->len + 1) * sizeof(uint32_t));
	memset(s->words_begun, 0, (s->len + 1) * sizeof(uint32_t));
	size_t n;
	const mesura_token *t = mesura_tokens_array(s->tokens, &n);
	for (size_t i = 0; i < n; i++)
		if (is_word_token(&t[i])) {
			s->words_ended[t[i].end]++;
			s->words_begun[t[i].start + 1]++; /* begun before x: start < x */
		}
	for (size_t x = 1; x <= s->len; x++) {
		s->words_ended[x] += s->words_ended[x - 1];
		s->words_begun[x] += s->words_begun[x - 1];
	}
	s->words_counted = 1;
	return MESURA_OK;
}

/* Words wholly between two spans of the original text. */
static size_t words_between(const mesura_scanner *s, const hit *a, const hit *b)
{
	size_t from = a->end <= b->start ? a->end : b->end;
	size_t to = a->end <= b->start ? b->start : a->start;
	if (to <= from)
		return 0;
	/* ended by `to`, less begun before `from`: a word around both cancels out to -1 */
	uint32_t ended = s->words_ended[to], begun = s->words_begun[from];
	return ended > begun ? ended - begun : 0;
}

static int context_near(mesura_scanner *s, const policy_context *ctx, const hit *h)
{
	if (ctx->in_words && !s->words_counted)
		return 0; /* evaluate_rules counts them first */
	for (uint32_t k = s->first_hit[ctx->cond]; k != NO_HIT; k = s->hits[k].next) {
		const hit *c = &s->hits[k];
		size_t d = ctx->in_words ? words_between(s, h, c) : chars_between(s, h, c, ctx->within);
		if (d <= ctx->within)
			return 1;
	}
	return 0;
}

/* The confidence of a finding at hit h of rule r; negative when a required context
 * is missing. */
static double confidence_of(mesura_scanner *s, const policy_rule *r, const hit *h)
{
	double conf = r->confidence;
	for (size_t i = 0; i < r->n_context; i++) {
		int near = context_near(s, &r->context[i], h);
		if (near)
			conf += r->context[i].boost;
		else if (r->context[i].required)
			return -1;
	}
	return conf < 0 ? 0 : conf > 1 ? 1 : conf;
}

static int add_finding(mesura_scanner *s, const policy_rule *r, const hit *h)
{
	double conf = confidence_of(s, r, h);
	if (s->n_findings >= s->limits.max_findings) {
		s->limits_hit |= MESURA_LIMIT_FINDINGS;
		return MESURA_OK;
	}
	if (conf < 0 || conf + 1e-9 < r->min_confidence)
		return miss(s, (uint32_t)(r - s->policy->rules), MESURA_MISS_CONFIDENCE, h->start,
		            h->end, conf < 0 ? 0 : conf);
	void *f = s->findings;
	int rc = mesura_alloc__grow(&s->alloc, &f, &s->findings_cap, s->n_findings + 1,
	                            sizeof(mesura_finding));
	if (rc != MESURA_OK)
		return rc;
	s->findings = f;
	const policy_cond *x = &s->policy->conds[h->cond];
	const char *text = mesura_view_text(s->views[x->view], NULL);
	s->findings[s->n_findings++] = (mesura_finding){
		r->id, r->category, r->severity, r->action, h->start, h->end,
		text + h->view_start, h->view_end - h->view_start,
		h->masked ? "masked" : x->kind == COND_TERMS ? "terms" : "regex", conf};
	return MESURA_OK;
}

/* One finding per hit of the leaves of a match tree, through the branches that hold. */
static int add_findings(mesura_scanner *s, const policy_rule *r, uint32_t cond)
{
	const policy_cond *x = &s->policy->conds[cond];
	int rc = MESURA_OK;
	if (x->kind == COND_ALL || x->kind == COND_ANY) {
		for (size_t i = 0; rc == MESURA_OK && i < x->n_children; i++)
			if (holds(s, x->children[i])) /* an `all` inside an `any` that failed: none */
				rc = add_findings(s, r, x->children[i]);
		return rc;
	}
	for (uint32_t k = s->first_hit[cond]; rc == MESURA_OK && k != NO_HIT; k = s->hits[k].next)
		rc = add_finding(s, r, &s->hits[k]);
	return rc;
}

/* Some hit of a leaf of the tree, or NULL. */
static const hit *any_hit(const mesura_scanner *s, uint32_t cond)
{
	const policy_cond *x = &s->policy->conds[cond];
	if (x->kind == COND_TERMS || x->kind == COND_REGEX)
		return s->first_hit[cond] != NO_HIT ? &s->hits[s->first_hit[cond]] : NULL;
	for (size_t i = 0; i < x->n_children; i++) {
		const hit *h = any_hit(s, x->children[i]);
		if (h)
			return h;
	}
	return NULL;
}

static int evaluate_rules(mesura_scanner *s)
{
	const mesura_policy *p = s->policy;
	int rc = MESURA_OK;
	for (size_t i = 0; rc == MESURA_OK && i < p->n_rules; i++) {
		const policy_rule *r = &p->rules[i];
		if (!holds(s, r->match)) {
			const hit *h = s->explain ? any_hit(s, r->match) : NULL;
			if (h)
				rc = miss(s, (uint32_t)i, MESURA_MISS_INCOMPLETE, h->start, h->end, 0);
			continue;
		}
		if (r->unless != COND_NONE && holds(s, r->unless)) {
			const hit *h = any_hit(s, r->unless);
			rc = miss(s, (uint32_t)i, MESURA_MISS_UNLESS, h ? h->start : 0, h ? h->end : 0, 0);
			continue;
		}
		if (p->uses_words && r->n_context)
			rc = count_words(s);
		if (rc == MESURA_OK)
			rc = add_findings(s, r, r->match);
	}
	return rc;
}

/* ------------------------------------------------------------ the verdict */

/* The allow list and the tidying are O(n log n) in the findings and allowed spans: a
 * hostile post may hold tens of thousands of each. */

typedef struct allowed_span {
	size_t start, end;
} span;

typedef struct {
	mesura_scanner *s;
	int rc;
} allow_sink;

static uint32_t rule_index(const mesura_scanner *s, const char *rule_id)
{
	uint32_t i = 0;
	while (i + 1 < s->policy->n_rules && s->policy->rules[i].id != rule_id)
		i++;
	return i;
}

/* Collects an allow-listed term found at view bytes [start, end), when it is whole
 * words of the original. */
static int on_allowed(uint32_t id, size_t start, size_t end, void *payload)
{
	(void)id;
	allow_sink *a = payload;
	mesura_scanner *s = a->s;
	size_t o_start, o_end;
	int whole;
	const mesura_view *view = s->views[s->policy->allow_view];
	if (mesura_view_source_span(view, start, end, &o_start, &o_end) != MESURA_OK)
		return 0;
	a->rc = is_whole_words(s, o_start, o_end, &whole);
	if (a->rc == MESURA_OK && whole) {
		void *spans = s->allowed;
		a->rc = mesura_alloc__grow(&s->alloc, &spans, &s->allowed_cap, s->n_allowed + 1,
		                           sizeof(span));
		s->allowed = spans;
		if (a->rc == MESURA_OK)
			s->allowed[s->n_allowed++] = (span){o_start, o_end};
	}
	return a->rc != MESURA_OK;
}

static int by_start(const void *x, const void *y)
{
	const span *a = x, *b = y;
	return a->start < b->start ? -1 : a->start > b->start;
}

/* Sorts n elements of `size` bytes with the scanner's scratch. */
static int sort(mesura_scanner *s, void *base, size_t n, size_t size,
                int (*cmp)(const void *, const void *))
{
	if (n < 2)
		return MESURA_OK;
	int rc = mesura_alloc__grow(&s->alloc, &s->sort_scratch, &s->sort_scratch_cap, n * size, 1);
	if (rc == MESURA_OK)
		mesura_sort__stable(base, n, size, s->sort_scratch, cmp);
	return rc;
}

/* Sorts the allowed spans and merges the overlapping ones: disjoint, in order. */
static int merge_allowed(mesura_scanner *s)
{
	span *a = s->allowed;
	int rc = sort(s, a, s->n_allowed, sizeof *a, by_start);
	if (rc != MESURA_OK)
		return rc;
	size_t kept = 0;
	for (size_t i = 0; i < s->n_allowed; i++) {
		if (kept && a[i].start < a[kept - 1].end) {
			if (a[i].end > a[kept - 1].end)
				a[kept - 1].end = a[i].end;
			continue;
		}
		a[kept++] = a[i];
	}
	s->n_allowed = kept;
	return MESURA_OK;
}

/* Whether [start, end) overlaps one of the disjoint sorted allowed spans. */
static int is_allowed(const mesura_scanner *s, size_t start, size_t end)
{
	size_t lo = 0, hi = s->n_allowed; /* the first span that ends after start */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->allowed[mid].end <= start)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < s->n_allowed && s->allowed[lo].start < end;
}

/* Drops the findings that overlap an allow-listed term. */
static int apply_allow_list(mesura_scanner *s)
{
	const mesura_policy *p = s->policy;
	if (!p->allow_terms || s->n_findings == 0)
		return MESURA_OK;
	size_t len;
	const char *text = mesura_view_text(s->views[p->allow_view], &len);
	allow_sink a = {s, MESURA_OK};
	s->n_allowed = 0;
	mesura_scan__automaton_search(p->allow_terms, text, len, on_allowed, &a);
	if (a.rc != MESURA_OK || s->n_allowed == 0)
		return a.rc;
	a.rc = merge_allowed(s);
	size_t kept = 0;
	for (size_t i = 0; i < s->n_findings && a.rc == MESURA_OK; i++) {
		const mesura_finding *f = &s->findings[i];
		if (!is_allowed(s, f->start, f->end))
			s->findings[kept++] = *f;
		else
			a.rc = miss(s, rule_index(s, f->rule_id), MESURA_MISS_ALLOWED, f->start, f->end, 0);
	}
	s->n_findings = kept;
	return a.rc;
}

/* By rule, then start: each rule's findings together, in order. */
static int by_rule_then_start(const void *x, const void *y)
{
	const mesura_finding *a = x, *b = y;
	int rule = a->rule_id == b->rule_id ? 0 : strcmp(a->rule_id, b->rule_id);
	if (rule)
		return rule;
	return a->start < b->start ? -1 : a->start > b->start ? 1 : a->end > b->end ? -1 : a->end < b->end;
}

/* By start, the longer first, then by rule: the order of the result. */
static int by_start_then_rule(const void *x, const void *y)
{
	const mesura_finding *a = x, *b = y;
	if (a->start != b->start)
		return a->start < b->start ? -1 : 1;
	if (a->end != b->end)
		return a->end > b->end ? -1 : 1;
	return a->rule_id == b->rule_id ? 0 : strcmp(a->rule_id, b->rule_id);
}

/* Merges the overlapping findings of one rule ("fuck" and "fucking" of the same list)
 * into one, then puts them in order of start. */
static int tidy_findings(mesura_scanner *s)
{
	mesura_finding *f = s->findings;
	int rc = sort(s, f, s->n_findings, sizeof *f, by_rule_then_start);
	if (rc != MESURA_OK)
		return rc;
	size_t kept = 0;
	for (size_t i = 0; i < s->n_findings; i++) {
		mesura_finding *last = kept ? &f[kept - 1] : NULL;
		if (last && last->rule_id == f[i].rule_id && f[i].start < last->end) {
			if (f[i].end > last->end)
				last->end = f[i].end;
			if (f[i].confidence > last->confidence)
				last->confidence = f[i].confidence;
			continue;
		}
		f[kept++] = f[i];
	}
	s->n_findings = kept;
	return sort(s, f, s->n_findings, sizeof *f, by_start_then_rule);
}

static void decide(mesura_scanner *s)
{
	mesura_result *r = &s->result;
	r->verdict = MESURA_ACTION_ALLOW;
	r->decisive = SIZE_MAX;
	for (size_t i = 0; i < s->n_findings; i++)
		if (s->findings[i].action > r->verdict ||
		    (r->decisive != SIZE_MAX && s->findings[i].action == r->verdict &&
		     s->findings[i].severity > s->findings[r->decisive].severity)) {
			r->verdict = s->findings[i].action;
			r->decisive = i;
		}
	r->findings = s->findings;
	r->n_findings = s->n_findings;
	r->near_misses = s->misses;
	r->n_near_misses = s->n_misses;
	r->limits_hit = s->limits_hit;
	if (s->limits_hit && !s->limits.fail_open && r->verdict < MESURA_ACTION_REVIEW)
		r->verdict = MESURA_ACTION_REVIEW; /* fail closed: what was not screened is reviewed */
}

static int scan_post(mesura_scanner *s)
{
	const mesura_policy *p = s->policy;
	memset(s->first_hit, 0xFF, p->n_conds * sizeof *s->first_hit);
	memset(s->keyword_seen, 0, p->n_conds);
	int rc = MESURA_OK;
	for (size_t v = 0; rc == MESURA_OK && v < p->n_views; v++)
		rc = mesura_normalize(p->views[v].normalizer, s->views[v], s->text, s->len);
	for (size_t v = 0; rc == MESURA_OK && v < p->n_views && !out_of_time(s); v++) {
		size_t len;
		const char *text = mesura_view_text(s->views[v], &len);
		/* A view without regexes needs no summary: the masked-word pass looks at every
		 * byte anyway. */
		view_summary sum = {p->mask_classes, 0};
		if (p->views[v].has_regexes)
			sum = summarize(p, text, len);
		rc = match_terms(s, v, &sum);
		if (rc == MESURA_OK)
			rc = match_regexes(s, v, &sum);
	}
	if (rc == MESURA_OK)
		rc = evaluate_rules(s);
	if (rc == MESURA_OK)
		rc = apply_allow_list(s);
	if (rc == MESURA_OK)
		rc = tidy_findings(s);
	return rc;
}

int mesura_scan(mesura_scanner *scanner, const char *text, size_t len,
                const mesura_result **result)
{
	if (!scanner || !result || (!text && len > 0))
		return MESURA_EINVAL;
	mesura_scanner *s = scanner;
	s->text = text ? text : "";
	s->len = len;
	s->n_hits = 0;
	s->n_findings = 0;
	s->n_misses = 0;
	s->tokenized = 0;
	s->words_counted = 0;
	s->has_hash_known = 0;
	s->limits_hit = 0;
	start_clock(s);
	int rc = MESURA_OK;
	if (len > s->limits.max_post_bytes)
		s->limits_hit |= MESURA_LIMIT_POST_SIZE; /* not scanned: never truncated */
	else
		rc = scan_post(s);
	if (rc != MESURA_OK) {
		s->n_findings = 0;
		s->n_misses = 0;
	}
	decide(s);
	*result = &s->result;
	if (rc == MESURA_OK && s->limits_hit)
		rc = MESURA_ELIMIT;
	return rc;
}

const char *mesura_action_name(int action)
{
	static const char *const names[] = {"allow", "log", "redact", "review", "block"};
	return action >= 0 && action <= MESURA_ACTION_BLOCK ? names[action] : "unknown";
}

const char *mesura_severity_name(int severity)
{
	static const char *const names[] = {"low", "medium", "high", "critical"};
	return severity >= MESURA_SEVERITY_LOW && severity <= MESURA_SEVERITY_CRITICAL
	           ? names[severity - 1]
	           : "unknown";
}
