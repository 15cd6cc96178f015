/* The built-in policy modules: the YAML files of policies/builtin, embedded by the
 * build (tools/embed_policies.cmake) so that a bare install screens posts on day one. */
#include "builtin.h"

#include <string.h>

#include "common/distance.h"
#include "mesura/errors.h"
#include "mesura/policy.h"

typedef struct {
	const char *name, *src;
	size_t len;
} module;

static const module modules[] = {
#include "builtin_modules.inc"
	{NULL, NULL, 0}};

int mesura_policy__builtin_find(const char *name, const char **src, size_t *len)
{
	for (const module *m = modules; m->name; m++)
		if (strcmp(m->name, name) == 0) {
			*src = m->src;
			*len = m->len;
			return 1;
		}
	return 0;
}

const char *mesura_policy__builtin_nearest(const char *name)
{
	const char *best = NULL;
	size_t best_d = 3, len = strlen(name);
	for (const module *m = modules; m->name; m++) {
		size_t d = mesura_distance__edit(name, len, m->name, strlen(m->name));
		if (d < best_d) {
			best = m->name;
			best_d = d;
		}
	}
	return best;
}

const char *mesura_policy__builtin_names(void)
{
	return BUILTIN_NAMES[0] ? BUILTIN_NAMES : "none";
}

int mesura_policy_builtin_source(const char *name, const char **src, size_t *len)
{
	if (src)
		*src = NULL;
	if (len)
		*len = 0;
	if (!name || !src || !len)
		return MESURA_EINVAL;
	if (strncmp(name, "builtin:", 8) == 0)
		name += 8;
	return mesura_policy__builtin_find(name, src, len) ? MESURA_OK : MESURA_EINVAL;
}
