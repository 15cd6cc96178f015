/* Versioned options structs: see options.h. */
#include "options.h"

#include <string.h>

int mesura_options__check_version(unsigned int version, const mesura_options_layout *layout)
{
	return version >= 1 && version <= layout->current ? MESURA_OK : MESURA_EVERSION;
}

int mesura_options__init(void *opts, unsigned int version, const void *tpl,
                         const mesura_options_layout *layout)
{
	if (!opts)
		return MESURA_EINVAL;
	int rc = mesura_options__check_version(version, layout);
	if (rc != MESURA_OK)
		return rc;
	memcpy(opts, tpl, layout->sizes[version - 1]);
	memcpy(opts, &version, sizeof version); /* the first field of every options struct */
	return MESURA_OK;
}

int mesura_options__read(void *out, const void *opts, const void *tpl,
                         const mesura_options_layout *layout)
{
	size_t whole = layout->sizes[layout->current - 1];
	memcpy(out, tpl, whole);
	if (!opts)
		return MESURA_OK;
	unsigned int version;
	memcpy(&version, opts, sizeof version);
	int rc = mesura_options__check_version(version, layout);
	if (rc != MESURA_OK)
		return rc;
	memcpy(out, opts, layout->sizes[version - 1]);
	memcpy(out, &layout->current, sizeof layout->current);
	return MESURA_OK;
}
