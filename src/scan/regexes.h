/* The regex leaves of a view (regexes.c). */
#ifndef MESURA_SCAN_REGEXES_H
#define MESURA_SCAN_REGEXES_H

#include "state.h"

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
	int classes_ready;    /* classes is this view's (made when a regex asks) */
	uint64_t classes;
	size_t digits, longest_run; /* digits, and the most of them in a row */
	uint32_t digit_at[DIGITS_KEPT]; /* when digits <= DIGITS_KEPT */
	int capitals_ready;   /* capital_run is this view's (made when a regex asks) */
	size_t capital_run;   /* the most ASCII capitals in a row */
};

/* Runs the regex leaves of view v that its keywords and the prefilters let through;
 * `sum` is the view's summary (made when a prefilter first needs it). */
int mesura_scan__match_regexes(mesura_scanner *s, size_t v, view_summary *sum);

#endif
