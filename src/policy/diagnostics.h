/* Building the mesura_diagnostics object the compiler hands to the caller. */
#ifndef MESURA_POLICY_DIAGNOSTICS_H
#define MESURA_POLICY_DIAGNOSTICS_H

#include <stdarg.h>

#include "common/arena.h"
#include "mesura/policy.h"

struct mesura_diagnostics {
	mesura_allocator alloc; /* first: see mesura_alloc__new_object */
	mesura_arena arena; /* the strings */
	mesura_diagnostic *items;
	size_t n, cap, errors;
	const char *file;
	int out_of_memory; /* a diagnostic could not be recorded */
};

/* Where a diagnostic points. */
typedef struct {
	const char *path;    /* "rules[3].match.regex" */
	const char *rule_id; /* or NULL */
	size_t offset;
	unsigned line, column;
} mesura_diag_at;

int mesura_policy__diags_new(mesura_diagnostics **out, const char *file,
                             const mesura_allocator *alloc);

/* The file the next diagnostics are about (copied). */
int mesura_policy__diags_set_file(mesura_diagnostics *d, const char *file);

/* Records a diagnostic (message printf-style). Out of memory is remembered, not fatal:
 * the compile then fails with MESURA_ENOMEM. */
void mesura_policy__diag(mesura_diagnostics *d, mesura_diag_severity severity, int status,
                         const mesura_diag_at *at, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;

#endif
