/* Where characters and grapheme clusters start in the text being redacted: the marks
 * that the plan (regions.c) and the operators (operators.c) both walk. */
#include <string.h>
#include <utf8proc.h>

#include "internal.h"
#include "mesura/errors.h"
#include "text/text.h"

/* UAX #29 extended grapheme clusters through utf8proc. An ill-formed sequence is a
 * cluster of its own: nothing may join it, so a span never grows across one. */
int mesura_redact__scan_text(mesura_redactor *r, const char *text, size_t len)
{
	void *m = r->marks;
	int rc = mesura_alloc__grow(&r->alloc, &m, &r->marks_cap, len + 1, 1);
	if (rc != MESURA_OK)
		return rc;
	r->marks = m;
	const unsigned char *s = (const unsigned char *)text;
	int32_t prev = -1, state = 0;
	for (size_t i = 0; i < len;) {
		int32_t cp;
		size_t n = mesura_utf8__decode(s, len, i, &cp);
		int brk = prev < 0 || cp < 0 || utf8proc_grapheme_break_stateful(prev, cp, &state);
		if (prev < 0 || cp < 0)
			state = 0; /* the next pair starts afresh */
		r->marks[i] = MARK_CHAR | (brk ? MARK_CLUSTER : 0u);
		memset(r->marks + i + 1, 0, n - 1);
		prev = cp;
		i += n;
	}
	r->marks[len] = MARK_CHAR | MARK_CLUSTER;
	return MESURA_OK;
}

size_t mesura_redact__next_cluster(const mesura_redactor *r, size_t i)
{
	do
		i++;
	while (!(r->marks[i] & MARK_CLUSTER));
	return i;
}
