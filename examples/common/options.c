/*
 * options.c - command-line manners shared by the tools (options.h).
 */
#define MESURA_EXPERIMENTAL /* for tool_require_experimental */
#include "options.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mesura.h>

const char *tool_name = "mesura";

void tool_options_init(const char *name)
{
	tool_name = name;
	if (!MESURA_VERSION_COMPATIBLE(mesura_version())) {
		fprintf(stderr, "%s: built for mesura %s, which the library %s cannot serve\n",
		        tool_name, MESURA_VERSION_STRING, mesura_version_string());
		exit(3);
	}
}

void tool_require_experimental(void)
{
	if (!MESURA_EXPERIMENTAL_COMPATIBLE(mesura_version())) {
		fprintf(stderr, "%s: built for mesura %s, whose experimental API the library %s "
		        "may have changed\n", tool_name, MESURA_VERSION_STRING, mesura_version_string());
		exit(3);
	}
}

void tool_usage_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "%s: ", tool_name);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s --help' for more information.\n", tool_name);
	exit(3);
}

void tool_version(void)
{
	/* The tables' Unicode is utf8proc's but when a newer utf8proc was loaded. */
	const char *tables = mesura_unicode_tables_version();
	int same = strcmp(tables, mesura_unicode_version()) == 0;
	printf("%s (mesura) %s\nlibmesura %s, Unicode %s%s%s%s\n", tool_name, MESURA_VERSION_STRING,
	       mesura_version_string(), mesura_unicode_version(), same ? "" : " (mesura's tables: ",
	       same ? "" : tables, same ? "" : ")");
	exit(0);
}

int tool_getopt(int argc, char **argv, const char *shorts, const struct option *longs)
{
	char with_colon[64];
	snprintf(with_colon, sizeof with_colon, ":%s", shorts);
	opterr = 0; /* the messages below instead of getopt's */
	int c = getopt_long(argc, argv, with_colon, longs, NULL);
	if (c != '?' && c != ':')
		return c;
	const char *arg = argv[optind - 1];
	if (c == ':') {
		if (optopt && strncmp(arg, "--", 2) != 0)
			tool_usage_error("option '-%c' needs a value", optopt);
		tool_usage_error("option '%s' needs a value", arg);
	}
	if (optopt && strncmp(arg, "--", 2) != 0)
		tool_usage_error("unknown option '-%c'", optopt);
	size_t n = strcspn(arg, "=");
	for (const struct option *o = longs; o->name; o++)
		if (arg[n] == '=' && o->has_arg == no_argument && strlen(o->name) == n - 2 &&
		    strncmp(o->name, arg + 2, n - 2) == 0)
			tool_usage_error("option '--%s' takes no value", o->name);
	tool_usage_error("unknown option '%.*s'", (int)n, arg);
}
