/*
 * mesura/policy.h - compiling a company's social-media policy.
 *
 * A policy is a YAML document written by compliance staff (docs/policy.md). It is
 * compiled once into an immutable mesura_policy, shared by every thread that scans.
 * Problems are reported in a mesura_diagnostics object the caller owns, each with the
 * file, line and column (columns count code points) and a message a compliance officer
 * can act on.
 *
 * Thread safety: a mesura_policy is immutable: share it between any number of threads.
 * A mesura_diagnostics belongs to one thread at a time.
 *
 * Lifetimes: a policy is reference-counted (atomically). The caller's handle is one
 * reference; each mesura_scanner made from it holds another until it is freed. So
 * mesura_policy_free() may come before or after the scanners' mesura_scanner_free(),
 * from any thread: the last one frees the policy. A diagnostics object holds copies
 * of everything it reports and is independent of the policy.
 */
#ifndef MESURA_POLICY_H
#define MESURA_POLICY_H

#include "common.h"

MESURA_BEGIN_DECL

/** A compiled policy: immutable and shared by every thread, reference-counted (see
 *  Lifetimes above). Made by mesura_policy_compile(), mesura_policy_load_file() or
 *  mesura_policy_default(); the caller drops its reference with mesura_policy_free(). */
typedef struct mesura_policy mesura_policy;

/** How serious a rule's findings are. */
typedef enum mesura_severity {
	MESURA_SEVERITY_LOW = 1,
	MESURA_SEVERITY_MEDIUM = 2,
	MESURA_SEVERITY_HIGH = 3,
	MESURA_SEVERITY_CRITICAL = 4
} mesura_severity;

/** What a rule asks for; a post's verdict is the strongest action that fired. */
typedef enum mesura_action {
	MESURA_ACTION_ALLOW = 0, /**< the verdict when nothing fired */
	MESURA_ACTION_LOG = 1,
	MESURA_ACTION_REDACT = 2,
	MESURA_ACTION_REVIEW = 3,
	MESURA_ACTION_BLOCK = 4
} mesura_action;

/* -------------------------------------------------------- diagnostics */

/** How bad one diagnostic is: an error stops the compile, a warning does not. */
typedef enum mesura_diag_severity {
	MESURA_DIAG_ERROR = 1,  /**< the policy does not compile */
	MESURA_DIAG_WARNING = 2 /**< it compiles, but something is probably wrong */
} mesura_diag_severity;

/** One problem found in a policy. Strings are borrowed from the diagnostics object. */
typedef struct mesura_diagnostic {
	mesura_diag_severity severity;
	int status;          /**< MESURA_ESYNTAX, MESURA_ELIMIT... */
	const char *file;    /**< the name given to the compiler, or the file's path */
	const char *path;    /**< where in the document: "rules[3].match.regex", or "" */
	const char *rule_id; /**< the rule the problem is in, or NULL */
	size_t byte_offset;  /**< 0-based, in the policy source */
	unsigned line;       /**< 1-based */
	unsigned column;     /**< 1-based, in code points */
	const char *message; /**< plain English, e.g. unknown validator "lun"; did you mean "luhn"? */
} mesura_diagnostic;

/** The problems found while compiling one policy. The compile functions make it for the
 *  caller, who frees it with mesura_diagnostics_free(); it holds copies of everything
 *  it reports, so it is independent of the policy. One thread at a time. */
typedef struct mesura_diagnostics mesura_diagnostics;

/** Number of diagnostics, errors and warnings together (0 for NULL). */
MESURA_API size_t mesura_diagnostics_count(const mesura_diagnostics *diags);
/** The i-th diagnostic, in source order; NULL when i is out of range. It and its strings
 *  are borrowed from `diags` until mesura_diagnostics_free(). */
MESURA_API const mesura_diagnostic *mesura_diagnostics_get(const mesura_diagnostics *diags,
                                                           size_t i);
/** Number of errors (diagnostics of severity MESURA_DIAG_ERROR). */
MESURA_API size_t mesura_diagnostics_errors(const mesura_diagnostics *diags);
/** Frees the diagnostics (NULL-safe). They hold copies of what they report, so they
 *  may be freed before or after the policy they came with. */
MESURA_API void mesura_diagnostics_free(mesura_diagnostics *diags);

/* ---------------------------------------------------------- compiling */

#define MESURA_COMPILE_OPTIONS_VERSION 2

/** The limits and flags of one compile. Initialise with MESURA_COMPILE_OPTIONS_INIT or
 *  mesura_compile_options_init(); NULL means the defaults. Version 2 added
 *  max_compiled_bytes; version 1 structs are still accepted (they get the default for
 *  it). The compile reads the struct during the call only. */
typedef struct mesura_compile_options {
	unsigned int version;       /**< MESURA_COMPILE_OPTIONS_VERSION */
	size_t max_source_bytes;    /**< a larger policy is MESURA_ELIMIT; 0: 16 MiB. Each
	                                 included file and lexicon file has the same limit,
	                                 and no more than this plus one byte is read of it */
	unsigned int max_depth;     /**< nesting of YAML collections; 0: 64 */
	unsigned int flags;         /**< MESURA_COMPILE_* */
	size_t max_terms;           /**< terms of the whole policy (lexicons, allow list too);
	                                 0: 2,000,000 */
	unsigned int max_condition_depth; /**< nesting of all/any; 0: 16 */
	/** Memory the compiler may allocate for the policy, counting every allocation in
	 *  full (terms, automata, PCRE2 and JIT code, temporaries): the compile stops with
	 *  MESURA_ELIMIT at the allocation that would pass it. 0: 1 GiB. (Version 2.) */
	size_t max_compiled_bytes;
} mesura_compile_options;

/** Refuse `include:` of files and lexicon `file:`s, at any depth (built-in modules stay
 *  allowed): for policies that come from people who may not read the server's files
 *  (mesura_policy_load_file still reads the file it is given). Without it, the files a
 *  policy names are still read with care: regular files only (a FIFO, a device or a
 *  directory is an error at once), never more than max_source_bytes + 1 bytes of each,
 *  and diagnostics never quote what a lexicon file or a file that is no policy holds
 *  (they cite file:line:column). */
#define MESURA_COMPILE_NO_FILES (1u << 0)

#define MESURA_COMPILE_OPTIONS_INIT { MESURA_COMPILE_OPTIONS_VERSION, 0, 0, 0, 0, 0, 0 }

/** Sets `opts` to the defaults of `version` (1 or 2), writing only that version's
 *  fields. MESURA_EVERSION for any other version, MESURA_EINVAL for NULL. */
MESURA_API int mesura_compile_options_init(mesura_compile_options *opts, unsigned int version);

/**
 * Compiles the policy in src[0..len) (UTF-8 YAML). `name` (e.g. its file name) is used
 * in diagnostics; NULL means "<policy>". On success `*out` is the policy and the
 * return value MESURA_OK (warnings may still be reported). On failure `*out` is NULL
 * and the return value is MESURA_ESYNTAX (see the diagnostics), MESURA_ELIMIT,
 * MESURA_ENOMEM or MESURA_EINVAL. `diags` may be NULL; otherwise `*diags` receives a
 * diagnostics object (possibly empty) to free with mesura_diagnostics_free().
 * Lifetimes: `*out` is the caller's reference, dropped with mesura_policy_free();
 * `*diags` is the caller's too and independent of the policy (free them in any
 * order). `src`, `name`, `opts` and any file read are only read during the call: the
 * policy keeps copies of what it needs. The allocator is copied; its hooks must stay
 * callable until the policy is freed (by the last reference: possibly a scanner's).
 */
MESURA_API int mesura_policy_compile(mesura_policy **out, const char *src, size_t len,
                                     const char *name, const mesura_compile_options *opts,
                                     mesura_diagnostics **diags,
                                     const mesura_allocator *allocator);

/** Reads the file at `path` and compiles it, as mesura_policy_compile() does, with the
 *  same lifetimes: `*out` is the caller's reference, dropped with mesura_policy_free(),
 *  and `*diags` the caller's, freed with mesura_diagnostics_free(), in any order.
 *  Relative includes and lexicon files are found next to the file. A file that
 *  cannot be opened or read is MESURA_EIO with one diagnostic, file `path`, no line:
 *  "cannot open 'acme.yaml': No such file or directory" (or "Permission denied"...);
 *  one that is not a regular file is refused at once, never waited on: "cannot open
 *  'x': not a regular file: a directory" (a FIFO, a character device...). One larger
 *  than max_source_bytes is MESURA_ELIMIT ("'x' is larger than the limit of N bytes
 *  (max_source_bytes)"), having read no more than that + 1 bytes. */
MESURA_API int mesura_policy_load_file(mesura_policy **out, const char *path,
                                       const mesura_compile_options *opts,
                                       mesura_diagnostics **diags,
                                       const mesura_allocator *allocator);

/** Compiles the built-in employee social-media policy (`builtin:default`, embedded in
 *  the library: docs/default-policy.md). Same results and lifetimes as
 *  mesura_policy_compile() of its source: `*out` is the caller's reference, dropped with
 *  mesura_policy_free(); `*diags` (if asked for) the caller's, freed with
 *  mesura_diagnostics_free(). It scans none of the rules' examples and looks for no
 *  warning: the test suite does both on the bytes the library embeds (docs/policy.md,
 *  "Examples"). */
MESURA_API int mesura_policy_default(mesura_policy **out, mesura_diagnostics **diags,
                                     const mesura_allocator *allocator);

/** The YAML source of the built-in module `name` ("pii", "secrets", "default"...; a
 *  "builtin:" prefix is accepted), as the library embeds it: `*src` points to `*len`
 *  bytes (static, NUL-terminated). MESURA_EINVAL when an argument is NULL or there is
 *  no such module (then `*src` is NULL and `*len` 0). */
MESURA_API int mesura_policy_builtin_source(const char *name, const char **src, size_t *len);

/** Drops the caller's reference to the policy (NULL-safe; once per policy handed out).
 *  The policy is freed now, or with the last scanner made from it. After this call the
 *  caller may not use the pointer again, not even to make a scanner. */
MESURA_API void mesura_policy_free(mesura_policy *policy);

/** The policy's `name:` (valid until the last reference to the policy goes). */
MESURA_API const char *mesura_policy_name(const mesura_policy *policy);

/**
 * One rule of a compiled policy, as its policy file says (docs/policy.md): what a
 * service shows of its policy (a GET /v1/policy) or a finding's rule (mesura_finding's
 * `rule` is its index). The policy allocates it and its strings, which live as long as
 * the policy; fields may be appended in a minor version, so read it through the
 * pointer, never allocate one or copy one by value to keep.
 */
typedef struct mesura_rule {
	const char *id;
	const char *category;
	const char *description;   /**< NULL when the rule has none */
	mesura_severity severity;
	mesura_action action;
	double confidence;         /**< of a finding before context (`confidence:`) */
	double min_confidence;     /**< findings below it are dropped (`min_confidence:`) */
	/** The rule's `redact:` operator: "mask", "label", "hash", "remove" or "keep"; NULL
	 *  when it has none and its category's default applies (docs/redact.md). */
	const char *redact;
	const char *redact_extent; /**< "parts" (the default), "sentence" or "post" */
	/** 1 when an `overrides:` entry disabled the rule (`disabled: true`): it never
	 *  fires, and its fields above are still the effective ones; else 0. */
	int disabled;
} mesura_rule;

/** Number of rules. */
MESURA_API size_t mesura_policy_rule_count(const mesura_policy *policy);
/** Rule i (0-based, in the order the policy and its includes define them); NULL when i
 *  is out of range or policy is NULL. Borrowed until the last reference to the policy
 *  goes. */
MESURA_API const mesura_rule *mesura_policy_rule_get(const mesura_policy *policy, size_t i);

MESURA_END_DECL

#endif
