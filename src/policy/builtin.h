/* The built-in policy modules (the YAML files of policies/builtin, embedded at build time). */
#ifndef MESURA_POLICY_BUILTIN_H
#define MESURA_POLICY_BUILTIN_H

#include <stddef.h>

/* The source of module `name` ("pii" for builtin:pii); 0 when there is none. */
int mesura_policy__builtin_find(const char *name, const char **src, size_t *len);

/* The modules' names, comma-separated, for messages. */
const char *mesura_policy__builtin_names(void);

/* The module name nearest to `name` (edit distance <= 2), for "did you mean"; or NULL. */
const char *mesura_policy__builtin_nearest(const char *name);

#endif
