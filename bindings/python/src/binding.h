/*
 * The CPython extension `mesura._mesura`: shared declarations.
 *
 * Written against the public C API of mesura only (<mesura.h>). The pure-Python
 * package `mesura` (bindings/python/mesura/__init__.py) wraps it.
 *
 * Files: module.c (module, errors, text input, names), records.c (the immutable result
 * types: Finding, Result, NearMiss, Token, Diagnostic), policy.c (Policy, its scanner
 * and redactor pool, scan, redact, the multi-threaded batch), text.c (normalize,
 * tokenize).
 */
#ifndef MESURA_PY_BINDING_H
#define MESURA_PY_BINDING_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

/* Explain mode and its near misses are experimental (mesura/experimental.h): the
 * module refuses a library of another minor version at import. */
#define MESURA_EXPERIMENTAL
#include <mesura.h>

/* A build-time guard (pygit2's): this binding knows the 1.x API. */
#if MESURA_VERSION_MAJOR != 1
#error "bindings/python is written for mesura 1.x"
#endif

/* Every mesura object the binding creates allocates through PyMem_RawMalloc (callable
 * from any thread without the GIL), so tracemalloc sees the library's memory too. */
extern const mesura_allocator mpy_allocator;

/* ------------------------------------------------------------- records.c */

/* An immutable record: a fixed number of Python values, described by the type's
 * tp_members (one T_OBJECT member per field, in order). */
typedef struct {
	PyObject_HEAD
	PyObject *f[];
} mpy_record;

extern PyTypeObject mpy_FindingType, mpy_ResultType, mpy_NearMissType, mpy_TokenType,
	mpy_DiagnosticType;

/* Field indices. */
enum { FND_RULE, FND_CATEGORY, FND_SEVERITY, FND_ACTION, FND_START, FND_END, FND_BYTE_START,
       FND_BYTE_END, FND_TEXT, FND_MATCHED, FND_CONFIDENCE, FND_CONDITION, FND_NFIELDS };
enum { RES_VERDICT, RES_FINDINGS, RES_DECISIVE, RES_REDACTED, RES_LIMIT, RES_NEAR_MISSES,
       RES_NFIELDS };
enum { MISS_RULE, MISS_REASON, MISS_START, MISS_END, MISS_BYTE_START, MISS_BYTE_END,
       MISS_CONFIDENCE, MISS_NFIELDS };
enum { TOK_TYPE, TOK_START, TOK_END, TOK_BYTE_START, TOK_BYTE_END, TOK_TEXT, TOK_FLAGS,
       TOK_NFIELDS };
enum { DIAG_SEVERITY, DIAG_STATUS, DIAG_FILE, DIAG_PATH, DIAG_RULE_ID, DIAG_BYTE_OFFSET,
       DIAG_LINE, DIAG_COLUMN, DIAG_MESSAGE, DIAG_NFIELDS };

/* A new record of `type` with every field NULL; the caller sets them all (MPY_SET
 * steals the reference). NULL with an exception set on failure. */
PyObject *mpy_record_alloc(PyTypeObject *type);
#define MPY_SET(rec, i, v) (((mpy_record *)(rec))->f[(i)] = (v))
#define MPY_GET(rec, i) (((mpy_record *)(rec))->f[(i)])

/* Readies the record types and adds them to the module. -1 on failure. */
int mpy_records_init(PyObject *module);

/* A tuple of Diagnostic records for every diagnostic of `diags` (NULL: empty). */
PyObject *mpy_diagnostics_tuple(const mesura_diagnostics *diags);

/* -------------------------------------------------------------- module.c */

extern PyObject *mpy_Error;       /* mesura.Error */
extern PyObject *mpy_PolicyError; /* mesura.PolicyError(Error) */

/* Raises the exception for a status code: MemoryError (ENOMEM), ValueError (EINVAL),
 * UnicodeError (EUTF8), mesura.Error otherwise, with mesura_strerror()'s text after
 * `what`. Returns NULL. */
PyObject *mpy_raise(int status, const char *what);

/* Raises mesura.PolicyError for a failed compile (ESYNTAX, ELIMIT, EINVAL) with the
 * diagnostics; MemoryError for ENOMEM. Returns NULL. */
PyObject *mpy_raise_policy_error(int status, const mesura_diagnostics *diags,
                                 const char *fallback);

/* Interned names (borrowed references, alive as long as the module). */
PyObject *mpy_action_str(int action);
PyObject *mpy_severity_str(int severity);
PyObject *mpy_miss_reason_str(int reason);
PyObject *mpy_token_type_str(int type);
PyObject *mpy_token_flags_tuple(unsigned int flags);

/* A text argument: str (encoded to UTF-8; offsets reported as str indices) or any
 * bytes-like object (taken as UTF-8; offsets reported in bytes). */
enum { MPY_TEXT_BYTES = 0, MPY_TEXT_ASCII = 1, MPY_TEXT_STR = 2 };
typedef struct {
	const char *p;
	size_t n;
	int kind;      /* MPY_TEXT_* */
	int has_view;  /* `view` must be released */
	PyObject *obj; /* borrowed: the caller keeps it alive */
	Py_buffer view;
} mpy_text;

/* 0, or -1 with TypeError/UnicodeEncodeError set. */
int mpy_text_get(PyObject *obj, mpy_text *t);
void mpy_text_release(mpy_text *t);
/* text[byte_start, byte_end) as the input's type: a str slice (code point indices
 * cstart, cend) or bytes. */
PyObject *mpy_text_slice(const mpy_text *t, size_t byte_start, size_t byte_end,
                         size_t cstart, size_t cend);

/* Converts `count` byte offsets of text[0..len) (well-formed UTF-8) to code point
 * indices, in place (mesura_offsets_convert). Returns a mesura status. */
int mpy_bytes_to_codepoints(const char *text, size_t len, size_t *pos, size_t count);

/* Keyword arguments of a METH_FASTCALL | METH_KEYWORDS method: fills values[i] (borrowed)
 * for each name in `names` (NULL-terminated) found in kwnames; unknown names raise
 * TypeError. Returns 0 or -1. */
int mpy_parse_kwargs(const char *func, PyObject *const *kwvalues, PyObject *kwnames,
                     const char *const *names, PyObject **values);

/* A 16-byte hash key argument: None (0, *key untouched), bytes of length 16 (1), or -1
 * with ValueError/TypeError set. */
int mpy_hash_key(PyObject *obj, unsigned char key[MESURA_REDACT_KEY_SIZE]);

/* -------------------------------------------------------------- policy.c */

extern PyTypeObject mpy_PolicyType;

/* ---------------------------------------------------------------- text.c */

PyObject *mpy_normalize(PyObject *module, PyObject *const *args, Py_ssize_t nargs,
                        PyObject *kwnames);
PyObject *mpy_tokenize(PyObject *module, PyObject *const *args, Py_ssize_t nargs,
                       PyObject *kwnames);
void mpy_text_module_free(void);

#endif
