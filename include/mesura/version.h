/*
 * mesura/version.h - compile-time and run-time versions.
 */
#ifndef MESURA_VERSION_H
#define MESURA_VERSION_H

#include "common.h"

#define MESURA_VERSION_MAJOR 0
#define MESURA_VERSION_MINOR 1
#define MESURA_VERSION_PATCH 0
#define MESURA_VERSION_NUMBER \
	(MESURA_VERSION_MAJOR * 10000 + MESURA_VERSION_MINOR * 100 + MESURA_VERSION_PATCH)
#define MESURA_VERSION_STRING "0.1.0"

/**
 * Whether a library whose mesura_version() is `linked` serves a program built with this
 * header: the same major version (the SONAME's promise) and at least the header's minor
 * version (the functions the program may call); any patch level. Check it at start-up:
 * `if (!MESURA_VERSION_COMPATIBLE(mesura_version())) ...` (the example tools and the
 * Python binding do).
 */
#define MESURA_VERSION_COMPATIBLE(linked)                     \
	((linked) / 10000 == MESURA_VERSION_MAJOR &&              \
	 (linked) / 100 % 100 >= MESURA_VERSION_MINOR)

MESURA_BEGIN_DECL

/** MESURA_VERSION_NUMBER of the library actually linked; compare it with the header's. */
MESURA_API unsigned int mesura_version(void);

/** MESURA_VERSION_STRING of the library actually linked (static text). */
MESURA_API const char *mesura_version_string(void);

/**
 * The Unicode version of the character data the library uses (e.g. "15.0.0").
 * Screening results depend on it, so it belongs in any reproducible report.
 */
MESURA_API const char *mesura_unicode_version(void);

MESURA_END_DECL

#endif
