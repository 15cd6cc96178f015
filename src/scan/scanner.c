/*
 * The scanner: runs a compiled policy over one post.
 *
 * The post is tokenized once, on the original text: token boundaries are where whole
 * words may start and end. Each view the policy needs is made once; each view's term
 * automaton runs once over it, and each regex rule over its view. A hit in a view is
 * mapped back to the original bytes through the view's map and kept when both ends
 * fall on token boundaries of the original: matching on the normalised view finds
 * "m1erda" and "f u c k", checking boundaries on the original keeps "Scunthorpe",
 * "classic" and "computadora" clean. Findings that overlap an allow-listed term are
 * dropped; the verdict is the strongest action left.
 */
#include <string.h>

#include "mesura/errors.h"
#include "mesura/scan.h"
#include "mesura/tokens.h"
#include "policy/compiled.h"

/* A regex may not take longer than this (PCRE2 match and depth limits), so that no
 * pattern can hang a scan. */
#define REGEX_MATCH_LIMIT 1000000u
#define REGEX_DEPTH_LIMIT 10000u

struct mesura_scanner {
	mesura_allocator alloc; /* first: see mesura_alloc__new_object */
	const mesura_policy *policy;
	mesura_view **views;    /* one per policy view */
	mesura_tokens *tokens;
	unsigned char *boundary; /* per original byte offset: a token starts or ends here */
	size_t boundary_cap;
	mesura_finding *findings;
	size_t n_findings, findings_cap;
	mesura_result result;
	pcre2_general_context *pcre_general;
	pcre2_match_context *pcre_match;
	pcre2_match_data *match_data;
	const char *text;
	size_t len;
	int limited; /* a regex hit its limit in this scan */
};

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
	mesura_alloc__free(&s->alloc, s->findings);
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
	pcre2_set_match_limit(s->pcre_match, REGEX_MATCH_LIMIT);
	pcre2_set_depth_limit(s->pcre_match, REGEX_DEPTH_LIMIT);
	return MESURA_OK;
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

/* Marks every token start and end of the original text (overlays included, so the
 * words inside #NoMásAbusos and the spaced "f u c k" are whole words too). */
static int mark_boundaries(mesura_scanner *s)
{
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
	return MESURA_OK;
}

/* ------------------------------------------------------------ findings */

static int add_finding(mesura_scanner *s, const policy_rule *r, size_t view_start,
                       size_t view_end, const mesura_view *view, const char *condition)
{
	size_t start, end;
	if (mesura_view_source_span(view, view_start, view_end, &start, &end) != MESURA_OK)
		return MESURA_OK;
	if (r->whole_word && (!s->boundary[start] || !s->boundary[end]))
		return MESURA_OK;
	void *f = s->findings;
	int rc = mesura_alloc__grow(&s->alloc, &f, &s->findings_cap, s->n_findings + 1,
	                            sizeof(mesura_finding));
	if (rc != MESURA_OK)
		return rc;
	s->findings = f;
	const char *text = mesura_view_text(view, NULL);
	s->findings[s->n_findings++] = (mesura_finding){
		r->id, r->category, r->severity, r->action, start, end, text + view_start,
		view_end - view_start, condition};
	return MESURA_OK;
}

typedef struct {
	mesura_scanner *s;
	const mesura_view *view;
	int rc;
} term_hits;

static int on_term(uint32_t rule, size_t start, size_t end, void *payload)
{
	term_hits *h = payload;
	h->rc = add_finding(h->s, &h->s->policy->rules[rule], start, end, h->view, "terms");
	return h->rc != MESURA_OK;
}

static int match_terms(mesura_scanner *s, size_t v)
{
	const mesura_terms *terms = s->policy->views[v].terms;
	if (!terms)
		return MESURA_OK;
	size_t len;
	const char *text = mesura_view_text(s->views[v], &len);
	term_hits h = {s, s->views[v], MESURA_OK};
	mesura_scan__terms_search(terms, text, len, on_term, &h);
	return h.rc;
}

/* Every match of a regex rule on its view, confirmed by its validator. */
static int match_regex(mesura_scanner *s, const policy_rule *r)
{
	const mesura_view *view = s->views[r->view];
	size_t len;
	const char *text = mesura_view_text(view, &len);
	PCRE2_SIZE at = 0;
	while (at <= len) {
		int m = pcre2_match(r->regex, (PCRE2_SPTR)text, len, at, 0, s->match_data,
		                    s->pcre_match);
		if (m == PCRE2_ERROR_NOMATCH)
			return MESURA_OK;
		if (m == PCRE2_ERROR_NOMEMORY)
			return MESURA_ENOMEM;
		if (m < 0) { /* match or depth limit: skip the rule, say so */
			s->limited = 1;
			return MESURA_OK;
		}
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(s->match_data);
		size_t start = ov[0], end = ov[1];
		if (end > start &&
		    (!r->validator ||
		     mesura_policy__validator_check(r->validator, text + start, end - start,
		                                    r->validator_param))) {
			int rc = add_finding(s, r, start, end, view, "regex");
			if (rc != MESURA_OK)
				return rc;
		}
		at = end > start ? end : end + 1;
		while (at < len && ((unsigned char)text[at] & 0xC0) == 0x80)
			at++; /* never start inside a character */
	}
	return MESURA_OK;
}

typedef struct {
	mesura_scanner *s;
	size_t kept;
} allow_ctx;

/* Drops the findings that overlap an allow-listed term found at [start, end). */
static int on_allowed(uint32_t id, size_t start, size_t end, void *payload)
{
	(void)id;
	mesura_scanner *s = payload;
	size_t o_start, o_end;
	const mesura_view *view = s->views[s->policy->allow_view];
	if (mesura_view_source_span(view, start, end, &o_start, &o_end) != MESURA_OK ||
	    !s->boundary[o_start] || !s->boundary[o_end])
		return 0;
	size_t kept = 0;
	for (size_t i = 0; i < s->n_findings; i++)
		if (s->findings[i].end <= o_start || s->findings[i].start >= o_end)
			s->findings[kept++] = s->findings[i];
	s->n_findings = kept;
	return 0;
}

static void apply_allow_list(mesura_scanner *s)
{
	const mesura_policy *p = s->policy;
	if (!p->allow_terms || s->n_findings == 0)
		return;
	size_t len;
	const char *text = mesura_view_text(s->views[p->allow_view], &len);
	mesura_scan__terms_search(p->allow_terms, text, len, on_allowed, s);
}

/* Sorts findings by start (insertion sort: a post has few) and merges the overlapping
 * hits of one rule ("fuck" and "fucking" of the same list) into one finding. */
static void tidy_findings(mesura_scanner *s)
{
	mesura_finding *f = s->findings;
	for (size_t i = 1; i < s->n_findings; i++) {
		mesura_finding x = f[i];
		size_t j = i;
		for (; j > 0 && (f[j - 1].start > x.start ||
		                 (f[j - 1].start == x.start && f[j - 1].end < x.end)); j--)
			f[j] = f[j - 1];
		f[j] = x;
	}
	size_t kept = 0;
	for (size_t i = 0; i < s->n_findings; i++) {
		size_t k = kept;
		while (k > 0 && f[k - 1].rule_id != f[i].rule_id)
			k--; /* the last kept finding of the same rule */
		if (k > 0 && f[i].start < f[k - 1].end) {
			if (f[i].end > f[k - 1].end)
				f[k - 1].end = f[i].end;
			continue;
		}
		f[kept++] = f[i];
	}
	s->n_findings = kept;
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
}

static int scan_post(mesura_scanner *s)
{
	const mesura_policy *p = s->policy;
	int rc = mark_boundaries(s);
	for (size_t v = 0; rc == MESURA_OK && v < p->n_views; v++)
		rc = mesura_normalize(p->views[v].normalizer, s->views[v], s->text, s->len);
	for (size_t v = 0; rc == MESURA_OK && v < p->n_views; v++)
		rc = match_terms(s, v);
	for (size_t i = 0; rc == MESURA_OK && i < p->n_rules; i++)
		if (p->rules[i].kind == RULE_REGEX)
			rc = match_regex(s, &p->rules[i]);
	if (rc == MESURA_OK) {
		apply_allow_list(s);
		tidy_findings(s);
	}
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
	s->n_findings = 0;
	s->limited = 0;
	int rc = scan_post(s);
	if (rc != MESURA_OK)
		s->n_findings = 0;
	decide(s);
	*result = &s->result;
	if (rc == MESURA_OK && s->limited)
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
