/*
 * Loading a policy: the public compile and load entry points. They compile (src/policy)
 * and then scan every rule's examples with the compiled policy (examples.c, over
 * src/scan), so a policy is its own regression test; this is the one place where the
 * compiler and the scanner meet.
 */
#include <string.h>

#include "examples.h"
#include "mesura/errors.h"
#include "policy/builtin.h"
#include "policy/compile.h"

/* Puts diagnostics in source order, keeping the walk's order at equal offsets and the
 * files in the order they were read (a stable insertion sort: there are few). */
static void sort_by_offset(mesura_diagnostic *items, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		mesura_diagnostic x = items[i];
		size_t j = i;
		for (; j > 0 && !strcmp(items[j - 1].file, x.file) && items[j - 1].byte_offset > x.byte_offset;
		     j--)
			items[j] = items[j - 1];
		items[j] = x;
	}
}


/* Compiles into `policy`, then checks the examples while the compile's trees (the
 * examples point into them) and allocation budget still hold. `checked` is 0 for the
 * embedded default policy only: a ctest compiles those very bytes (the library's own
 * copy, mesura_policy_builtin_source) with every check, examples and warnings
 * (check_builtin: embedded_default_passes_every_check), so that each start need not
 * scan its examples (951 today) again. */
static int compile_policy(mesura_policy *policy, mesura_diagnostics *diags, const char *src,
                          size_t len, const char *file, const mesura_compile_options *opts,
                          int checked)
{
	mesura_arena trees;
	int rc = mesura_policy__compile_start(policy, &trees, diags, src, len, file, opts, checked);
	if (rc == MESURA_OK && checked)
		rc = mesura_load__check_examples(policy, diags);
	return mesura_policy__compile_finish(policy, &trees, diags, file, rc);
}

static int compile_named(mesura_policy **out, const char *src, size_t len, const char *name,
                         const mesura_compile_options *opts, mesura_diagnostics **diags,
                         const mesura_allocator *allocator, int checked)
{
	mesura_compile_options options;
	int rc = mesura_policy__read_options(&options, opts);
	if (rc != MESURA_OK)
		return rc;
	opts = &options;
	mesura_diagnostics *d = NULL;
	mesura_policy *policy = NULL;
	rc = mesura_policy__diags_new(&d, name, allocator);
	if (rc == MESURA_OK)
		rc = mesura_policy__new(&policy, allocator);
	if (rc == MESURA_OK)
		rc = compile_policy(policy, d, src ? src : "", len, d->file, opts, checked);
	if (rc == MESURA_OK && d->out_of_memory)
		rc = MESURA_ENOMEM;
	if (rc != MESURA_OK) {
		mesura_policy_free(policy);
		policy = NULL;
	}
	if (d)
		sort_by_offset(d->items, d->n);
	if (diags)
		*diags = d;
	else
		mesura_diagnostics_free(d);
	*out = policy;
	return rc;
}

int mesura_policy_compile(mesura_policy **out, const char *src, size_t len, const char *name,
                          const mesura_compile_options *opts, mesura_diagnostics **diags,
                          const mesura_allocator *allocator)
{
	if (diags)
		*diags = NULL;
	if (!out || (!src && len > 0))
		return MESURA_EINVAL;
	*out = NULL;
	return compile_named(out, src, len, name ? name : "<policy>", opts, diags, allocator, 1);
}

int mesura_policy_load_file(mesura_policy **out, const char *path,
                            const mesura_compile_options *opts, mesura_diagnostics **diags,
                            const mesura_allocator *allocator)
{
	if (diags)
		*diags = NULL;
	if (!out || !path)
		return MESURA_EINVAL;
	*out = NULL;
	mesura_allocator alloc;
	int rc = mesura_alloc__init(&alloc, allocator);
	if (rc != MESURA_OK)
		return rc;
	mesura_compile_options options;
	rc = mesura_policy__read_options(&options, opts);
	if (rc != MESURA_OK)
		return rc;
	char *buf, why[FILE_WHY_SIZE];
	size_t len;
	int opened;
	int got = mesura_policy__read_file(path, mesura_policy__source_limit(&options), &alloc,
	                                   &buf, &len, why, sizeof why, &opened);
	if (got == MESURA_ENOMEM)
		return MESURA_ENOMEM;
	if (got == MESURA_OK) {
		rc = compile_named(out, buf, len, path, opts, diags, allocator, 1);
		mesura_alloc__free(&alloc, buf);
		return rc;
	}
	mesura_diagnostics *d = NULL;
	rc = mesura_policy__diags_new(&d, path, allocator);
	if (rc == MESURA_OK) {
		mesura_diag_at at = {"", NULL, 0, 0, 0};
		mesura_policy__diag(d, MESURA_DIAG_ERROR, got, &at,
		                    got == MESURA_ELIMIT ? "'%s' is %s"
		                    : opened         ? "cannot read '%s': %s"
		                                     : "cannot open '%s': %s",
		                    path, why);
		rc = d->out_of_memory ? MESURA_ENOMEM : got;
	}
	if (diags)
		*diags = d;
	else
		mesura_diagnostics_free(d);
	return rc;
}

int mesura_policy_default(mesura_policy **out, mesura_diagnostics **diags,
                          const mesura_allocator *allocator)
{
	if (diags)
		*diags = NULL;
	if (!out)
		return MESURA_EINVAL;
	*out = NULL;
	const char *src;
	size_t len;
	if (!mesura_policy__builtin_find("default", &src, &len))
		return MESURA_EINVAL;
	return compile_named(out, src, len, "builtin:default", NULL, diags, allocator, 0);
}

