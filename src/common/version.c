#include "mesura/version.h"

#include <utf8proc.h>

unsigned int mesura_version(void)
{
	return MESURA_VERSION_NUMBER;
}

const char *mesura_version_string(void)
{
	return MESURA_VERSION_STRING;
}

const char *mesura_unicode_version(void)
{
	return utf8proc_unicode_version();
}

const char *mesura_unicode_tables_version(void)
{
	return MESURA_UNICODE_TABLES_VERSION; /* the tables' first line, read by CMake */
}
