/*
 * options.h - the command-line manners every tool shares: GNU getopt_long (options
 * anywhere among the operands, --opt=value, -- ends the options), one line and a hint
 * for a usage error, the same -V/--version, and the library check at start-up.
 */
#ifndef MESURA_TOOL_OPTIONS_H
#define MESURA_TOOL_OPTIONS_H

#include <getopt.h>

/* The program name used in messages (tool_options_init sets it). */
extern const char *tool_name;

/* Sets tool_name, and exits with status 3 unless the library linked can run a tool
 * built against this header: the same major version, and a minor (and patch) at least
 * the one built with (a newer library adds, never removes). */
void tool_options_init(const char *name);

/* For a tool that uses mesura/experimental.h: exits with status 3 unless the library
 * linked is of the very minor version built with (a minor release may change the
 * experimental part). */
void tool_require_experimental(void);

/* The next option of argv, as getopt_long returns it (its value in optarg), or -1
 * when only operands are left (they are then argv[optind..argc), in their order).
 * `shorts` is getopt's short-option string without a leading ':'. An unknown option or
 * one without its value prints one line and "Try 'PROG --help'" and exits with 3. */
int tool_getopt(int argc, char **argv, const char *shorts, const struct option *longs);

/* Prints the tool's and the library's versions and the Unicode version of the
 * library's tables to stdout, then exits with 0 (the answer to -V/--version). */
void tool_version(void)
#if defined(__GNUC__)
	__attribute__((noreturn))
#endif
	;

/* Prints "PROG: message" and "Try 'PROG --help' for more information." to stderr and
 * exits with status 3. */
void tool_usage_error(const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 1, 2), noreturn))
#endif
	;

#endif
