/*
 * mesura/errors.h - status codes.
 *
 * Every function that can fail returns an `int` status: MESURA_OK (0) or one of the
 * negative codes below. The list is append-only: values are never renumbered.
 */
#ifndef MESURA_ERRORS_H
#define MESURA_ERRORS_H

#include "common.h"

MESURA_BEGIN_DECL

/** The status codes, with a fixed value each (docs/api.md has the table). Functions
 *  return them as an `int`: MESURA_OK, or one of the negative values below. */
typedef enum mesura_status {
	MESURA_OK = 0,
	MESURA_ENOMEM = -1,    /**< an allocation failed; nothing leaked */
	MESURA_EINVAL = -2,    /**< misuse: NULL pointer, bad flag combination, offset out of range */
	MESURA_EVERSION = -3,  /**< an options struct has a version this library does not know */
	MESURA_EUTF8 = -4,     /**< the text is not valid UTF-8 (only from functions that validate) */
	MESURA_ESYNTAX = -5,   /**< a policy does not compile; see its diagnostics */
	MESURA_EBUFS = -6,     /**< the output buffer is too small; the size needed was reported */
	MESURA_EBUSY = -7,     /**< the scanner or redactor is in use by another call */
	MESURA_ELIMIT = -8,    /**< a configured limit was reached */
	MESURA_EUSER = -9,     /**< a callback asked to stop or failed */
	MESURA_ECHARSET = -10, /**< the character set name is unknown to iconv */
	MESURA_EIO = -11       /**< a file cannot be opened or read (missing, unreadable, not a
	                            regular file); a diagnostic says which and why */
} mesura_status;

/**
 * A short English description of a status code. Returns static text, never NULL
 * ("unknown status" for codes outside the list). Thread-safe.
 */
MESURA_API const char *mesura_strerror(int status);

MESURA_END_DECL

#endif
