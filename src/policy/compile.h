/* The steps of compiling a policy, as src/load/load.c runs them around the check of
 * the rules' examples (which needs the scanner, a layer above policy). */
#ifndef MESURA_POLICY_COMPILE_H
#define MESURA_POLICY_COMPILE_H

#include "compiled.h"
#include "diagnostics.h"

/* An empty policy holding the caller's reference, allocating with `allocator`. */
int mesura_policy__new(mesura_policy **out, const mesura_allocator *allocator);

/* The caller's options (NULL: the defaults) as a whole current struct in *out;
 * MESURA_EVERSION for a version this library does not know. */
int mesura_policy__read_options(mesura_compile_options *out, const mesura_compile_options *opts);

/* Compiles src into `policy` (empty), recording problems in `diags`: MESURA_OK,
 * MESURA_ESYNTAX, MESURA_ELIMIT or MESURA_ENOMEM. The YAML trees go into `trees` (the
 * rules' examples point into them) and the compile's allocation budget is counting: both
 * last until mesura_policy__compile_finish, which must follow whatever this returns.
 * `warn`: whether to look for what compiles but is probably a mistake (warnings.c). */
int mesura_policy__compile_start(mesura_policy *policy, mesura_arena *trees,
                                 mesura_diagnostics *diags, const char *src, size_t len,
                                 const char *file, const mesura_compile_options *opts,
                                 int warn);

/* Frees the trees and stops the budget; returns `rc`, or MESURA_ELIMIT (with its
 * diagnostic) when the budget was exceeded since the start. */
int mesura_policy__compile_finish(mesura_policy *policy, mesura_arena *trees,
                                  mesura_diagnostics *diags, const char *file, int rc);

/* files.c: reads a whole regular file (NUL-terminated) of at most `limit` bytes with
 * `alloc`, never blocking and never reading more than limit + 1 bytes. MESURA_OK,
 * MESURA_ENOMEM, MESURA_ELIMIT (larger than limit) or MESURA_EIO (cannot open, not a
 * regular file, read error); but for MESURA_ENOMEM, why[] says why in a few words
 * ("No such file or directory", "not a regular file: a FIFO"...) and *opened whether
 * the file was opened (so that a failure was in reading it). */
int mesura_policy__read_file(const char *path, size_t limit, const mesura_allocator *alloc,
                             char **buf, size_t *len, char *why, size_t why_size, int *opened);

/* The size limit of a policy file, an included file or a lexicon file. */
size_t mesura_policy__source_limit(const mesura_compile_options *opts);

/* Room for the `why` of a file that cannot be read. */
#define FILE_WHY_SIZE 120


#endif
