/* Redacting a scan's findings: with their categories' defaults, or the way the policy
 * says: each rule's operator (`redact:`) and extent (`redact_extent:` parts, sentence or
 * post), read through the policy's one accessor for the redactor
 * (policy/rule_redaction.h) by the finding's rule index. What reads a scan result lives
 * here, above scan, so that redact/ (the operators and regions) stays below it. */
#include <string.h>

#include "mesura/errors.h"
#include "redact/internal.h"
#include "mesura/redact.h"
#include "policy/rule_redaction.h"
#include "text/text.h"
#include "tokens/sentence.h"

int mesura_redact_span_from_policy(mesura_redact_span *span, size_t span_size,
                                   const mesura_policy *policy, const mesura_finding *finding)
{
	if (!finding)
		return MESURA_EINVAL;
	mesura_redact_span whole;
	mesura_redact__default_span(&whole, finding);
	mesura_rule_redaction how;
	if (policy && mesura_policy__rule_redaction(policy, finding->rule, finding->rule_id, &how) &&
	    how.has_op) {
		whole.op = how.op;
		whole.format = how.format;
	}
	return mesura_redact__put_span(span, span_size, &whole);
}

/* ------------------------------------------------------------ findings */

/* mesura_redact_findings once the redactor is claimed: each finding's span with its
 * category's default, then the caller's choice. */
static int redact_findings(mesura_redactor *r, const char *text, size_t len,
                           const mesura_result *result, const char **out, size_t *out_len,
                           mesura_redact_choose_cb choose, void *payload)
{
	size_t n = mesura_result_finding_count(result);
	void *p = r->spans;
	int rc = mesura_alloc__grow(&r->alloc, &p, &r->spans_cap, n, sizeof(mesura_redact_span));
	if (rc != MESURA_OK) {
		r->n_map = 0;
		return rc;
	}
	r->spans = p;
	for (size_t i = 0; i < n; i++) {
		const mesura_finding *f = mesura_result_finding_get(result, i);
		mesura_redact__default_span(&r->spans[i], f);
		if (choose && choose(f, i, &r->spans[i], payload) != 0) {
			r->n_map = 0;
			return MESURA_EUSER;
		}
	}
	return mesura_redact__spans(r, text, len, r->spans, n, out, out_len);
}

int mesura_redact_findings(mesura_redactor *r, const char *text, size_t len,
                           const mesura_result *result, const char **out, size_t *out_len,
                           mesura_redact_choose_cb choose, void *payload)
{
	if (!r || !out || !out_len || !result || (!text && len > 0))
		return MESURA_EINVAL;
	if (!mesura_redact__claim(r))
		return MESURA_EBUSY;
	int rc = redact_findings(r, text, len, result, out, out_len, choose, payload);
	mesura_redact__release(r);
	return rc;
}

/* ------------------------------------------------------------ sentences */

static int is_space_sb(mesura_sb v)
{
	return v == SB_SP || v == SB_SEP || v == SB_CR || v == SB_LF;
}

/* The length of the white-space character that starts at t[i], or 0. */
static size_t space_at(const unsigned char *t, size_t len, size_t i)
{
	int32_t cp;
	size_t n = mesura_utf8__decode(t, len, i, &cp);
	return is_space_sb(mesura_tokens__sentence_break(cp)) ? n : 0;
}

/* The length of the white-space character that ends at t[end] (> from), or 0. */
static size_t space_before(const unsigned char *t, size_t from, size_t end)
{
	size_t i = end - 1;
	while (i > from && end - i < 4 && (t[i] & 0xC0) == 0x80)
		i--;
	size_t n = space_at(t, end, i);
	return i + n == end ? n : 0;
}

/* Appends the sentence that ends at boundary `at` (the walk's callback). */
static int add_sentence(size_t at, void *payload)
{
	mesura_redactor *r = payload;
	if (at == 0)
		return MESURA_OK;
	void *p = r->sentences;
	int rc = mesura_alloc__grow(&r->alloc, &p, &r->sentences_cap, r->n_sentences + 1,
	                            sizeof *r->sentences);
	if (rc != MESURA_OK)
		return rc;
	r->sentences = p;
	size_t start = r->n_sentences ? r->sentences[r->n_sentences - 1].end : 0;
	r->sentences[r->n_sentences++] = (redact_sentence){start, at, start, at};
	return MESURA_OK;
}

/* The sentences of text[0..len) in r->sentences, each trimmed of the white space at
 * its ends (each character is read at most twice: linear). */
static int find_sentences(mesura_redactor *r, const char *text, size_t len)
{
	const unsigned char *t = (const unsigned char *)text;
	r->n_sentences = 0;
	int rc = mesura_tokens__sentences(t, len, 1, add_sentence, r);
	for (size_t k = 0; rc == MESURA_OK && k < r->n_sentences; k++) {
		redact_sentence *x = &r->sentences[k];
		for (size_t n; x->trim_end > x->trim_start &&
		               (n = space_before(t, x->trim_start, x->trim_end)) != 0;)
			x->trim_end -= n;
		for (size_t n; x->trim_start < x->trim_end &&
		               (n = space_at(t, x->trim_end, x->trim_start)) != 0;)
			x->trim_start += n;
	}
	return rc;
}

/* The index of the sentence that holds byte `at` (< the text's length). */
static size_t sentence_holding(const mesura_redactor *r, size_t at)
{
	size_t lo = 0, hi = r->n_sentences; /* the answer is in [lo, hi) */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (r->sentences[mid].start <= at)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/* ------------------------------------------------------------ extents */

typedef struct {
	const mesura_policy *policy;
	mesura_redactor *redactor;
	size_t len;
	mesura_redact_choose_cb choose; /* the caller's, after the policy's */
	void *payload;
} rule_ops;

/* Widens a span to the sentences that hold it, or to the post. */
static void widen(const rule_ops *ops, mesura_redact_span *span, mesura_redact_extent extent)
{
	if (span->op == MESURA_REDACT_KEEP || span->end <= span->start || span->end > ops->len)
		return; /* a log rule's findings rewrite nothing; a bad span fails later */
	if (extent == MESURA_EXTENT_POST) {
		span->start = 0;
		span->end = ops->len;
	} else if (extent == MESURA_EXTENT_SENTENCE && ops->redactor->n_sentences) {
		const mesura_redactor *r = ops->redactor;
		size_t from = r->sentences[sentence_holding(r, span->start)].trim_start;
		size_t to = r->sentences[sentence_holding(r, span->end - 1)].trim_end;
		span->start = from < span->start ? from : span->start;
		span->end = to > span->end ? to : span->end;
	}
}

/* The rule's own `redact:` and extent when it has them; the category's defaults
 * otherwise; then the caller's choice. */
static int choose_rule_operator(const mesura_finding *f, size_t index, mesura_redact_span *span,
                                void *payload)
{
	const rule_ops *ops = payload;
	mesura_rule_redaction how;
	if (mesura_policy__rule_redaction(ops->policy, f->rule, f->rule_id, &how)) {
		if (how.has_op) {
			span->op = how.op;
			span->format = how.format;
		}
		widen(ops, span, how.extent);
	}
	return ops->choose ? ops->choose(f, index, span, ops->payload) : 0;
}

/* Whether a finding's rule redacts whole sentences: they are then found once. */
static int needs_sentences(const mesura_policy *policy, const mesura_result *result)
{
	mesura_rule_redaction how;
	for (size_t i = 0; i < mesura_result_finding_count(result); i++) {
		const mesura_finding *f = mesura_result_finding_get(result, i);
		if (mesura_policy__rule_redaction(policy, f->rule, f->rule_id, &how) &&
		    how.extent == MESURA_EXTENT_SENTENCE)
			return 1;
	}
	return 0;
}

/* mesura_redact_result_with once the redactor is claimed. */
static int redact_result(mesura_redactor *redactor, const mesura_policy *policy,
                         const char *text, size_t len, const mesura_result *result,
                         mesura_redact_choose_cb choose, void *payload, const char **out,
                         size_t *out_len)
{
	if (result->limits_hit & MESURA_LIMIT_ERROR) {
		/* a failed scan screened nothing: its text must not come out as redacted */
		redactor->n_map = 0;
		return MESURA_EINVAL;
	}
	if (result->limits_hit & MESURA_LIMIT_POST_SIZE) {
		/* too large to scan: nothing was screened, so nothing may pass as redacted */
		redactor->n_map = 0;
		return MESURA_ELIMIT;
	}
	redactor->n_sentences = 0;
	if (needs_sentences(policy, result)) {
		int rc = find_sentences(redactor, text, len);
		if (rc != MESURA_OK) {
			redactor->n_map = 0;
			return rc;
		}
	}
	rule_ops ops = {policy, redactor, len, choose, payload};
	return redact_findings(redactor, text, len, result, out, out_len, choose_rule_operator,
	                       &ops);
}

int mesura_redact_result_with(mesura_redactor *redactor, const mesura_policy *policy,
                              const char *text, size_t len, const mesura_result *result,
                              mesura_redact_choose_cb choose, void *payload,
                              const char **out, size_t *out_len)
{
	if (!policy || !result || !redactor || !out || !out_len || (!text && len > 0))
		return MESURA_EINVAL;
	if (!mesura_redact__claim(redactor))
		return MESURA_EBUSY;
	int rc = redact_result(redactor, policy, text, len, result, choose, payload, out, out_len);
	mesura_redact__release(redactor);
	return rc;
}

int mesura_redact_result(mesura_redactor *redactor, const mesura_policy *policy,
                         const char *text, size_t len, const mesura_result *result,
                         const char **out, size_t *out_len)
{
	return mesura_redact_result_with(redactor, policy, text, len, result, NULL, NULL, out,
	                                 out_len);
}
