/*
 * Immutable result records: Finding, Result, NearMiss, Token and Diagnostic.
 *
 * Scan results are copied into these plain Python objects inside the call
 * (yara-python's way), so nothing a caller keeps points into a scanner. One generic
 * implementation serves every type: the fields are the type's tp_members, in order.
 * Records compare equal field by field, hash, pickle (by value: `(type, fields)`),
 * support `match` statements (__match_args__) and turn into plain dicts (to_dict()).
 * They hold no reference cycles of their own, so they are not tracked by the
 * garbage collector: a million results cost no collection passes.
 */
#include "binding.h"

#include <stddef.h>
#include <string.h>
#include <structmember.h>

#define FIELD(i, name, doc)                                                              \
	{ name, T_OBJECT, (Py_ssize_t)(offsetof(mpy_record, f) + (i) * sizeof(PyObject *)), \
	  READONLY, PyDoc_STR(doc) }
#define RECORD_SIZE(n) ((Py_ssize_t)(offsetof(mpy_record, f) + (n) * sizeof(PyObject *)))

static Py_ssize_t nfields(PyTypeObject *type)
{
	Py_ssize_t n = 0;
	while (type->tp_members[n].name)
		n++;
	return n;
}

PyObject *mpy_record_alloc(PyTypeObject *type)
{
	return type->tp_alloc(type, 0); /* zero-filled: every field NULL */
}

static void record_dealloc(PyObject *self)
{
	Py_ssize_t n = nfields(Py_TYPE(self));
	for (Py_ssize_t i = 0; i < n; i++)
		Py_CLEAR(MPY_GET(self, i));
	Py_TYPE(self)->tp_free(self);
}

/* Type(field, ...) by position or keyword: every field is required. */
static PyObject *record_new(PyTypeObject *type, PyObject *args, PyObject *kwargs)
{
	Py_ssize_t n = nfields(type), nargs = PyTuple_GET_SIZE(args), used = 0;
	if (nargs > n)
		return PyErr_Format(PyExc_TypeError, "%s() takes %zd arguments (%zd given)",
		                    type->tp_name, n, nargs);
	PyObject *self = mpy_record_alloc(type);
	if (!self)
		return NULL;
	for (Py_ssize_t i = 0; i < n; i++) {
		const char *name = type->tp_members[i].name;
		PyObject *v = NULL;
		if (i < nargs) {
			v = PyTuple_GET_ITEM(args, i);
			if (kwargs && PyDict_GetItemString(kwargs, name)) {
				PyErr_Format(PyExc_TypeError, "%s() got multiple values for '%s'",
				             type->tp_name, name);
				goto fail;
			}
		} else if (kwargs) {
			v = PyDict_GetItemString(kwargs, name);
			used += v != NULL;
		}
		if (!v) {
			PyErr_Format(PyExc_TypeError, "%s() missing argument '%s'", type->tp_name, name);
			goto fail;
		}
		Py_INCREF(v);
		MPY_SET(self, i, v);
	}
	if (kwargs && PyDict_GET_SIZE(kwargs) != used) {
		PyErr_Format(PyExc_TypeError, "%s() got an unexpected keyword argument",
		             type->tp_name);
		goto fail;
	}
	return self;
fail:
	Py_DECREF(self);
	return NULL;
}

static PyObject *record_repr(PyObject *self)
{
	PyTypeObject *type = Py_TYPE(self);
	const char *dot = strrchr(type->tp_name, '.');
	Py_ssize_t n = nfields(type);
	PyObject *parts = PyList_New(n), *sep = NULL, *joined = NULL, *out = NULL;
	if (!parts)
		return NULL;
	for (Py_ssize_t i = 0; i < n; i++) {
		PyObject *s = PyUnicode_FromFormat("%s=%R", type->tp_members[i].name,
		                                   MPY_GET(self, i) ? MPY_GET(self, i) : Py_None);
		if (!s)
			goto done;
		PyList_SET_ITEM(parts, i, s);
	}
	sep = PyUnicode_FromString(", ");
	if (sep && (joined = PyUnicode_Join(sep, parts)) != NULL)
		out = PyUnicode_FromFormat("%s(%U)", dot ? dot + 1 : type->tp_name, joined);
done:
	Py_XDECREF(joined);
	Py_XDECREF(sep);
	Py_DECREF(parts);
	return out;
}

static PyObject *record_richcompare(PyObject *a, PyObject *b, int op)
{
	if (Py_TYPE(a) != Py_TYPE(b) || (op != Py_EQ && op != Py_NE))
		Py_RETURN_NOTIMPLEMENTED;
	Py_ssize_t n = nfields(Py_TYPE(a));
	int equal = 1;
	for (Py_ssize_t i = 0; i < n && equal; i++) {
		PyObject *x = MPY_GET(a, i) ? MPY_GET(a, i) : Py_None;
		PyObject *y = MPY_GET(b, i) ? MPY_GET(b, i) : Py_None;
		equal = PyObject_RichCompareBool(x, y, Py_EQ);
		if (equal < 0)
			return NULL;
	}
	return PyBool_FromLong(op == Py_EQ ? equal : !equal);
}

static PyObject *record_fields_tuple(PyObject *self)
{
	Py_ssize_t n = nfields(Py_TYPE(self));
	PyObject *t = PyTuple_New(n);
	if (!t)
		return NULL;
	for (Py_ssize_t i = 0; i < n; i++) {
		PyObject *v = MPY_GET(self, i) ? MPY_GET(self, i) : Py_None;
		Py_INCREF(v);
		PyTuple_SET_ITEM(t, i, v);
	}
	return t;
}

static Py_hash_t record_hash(PyObject *self)
{
	PyObject *t = record_fields_tuple(self);
	if (!t)
		return -1;
	Py_hash_t h = PyObject_Hash(t);
	Py_DECREF(t);
	return h;
}

static PyObject *record_reduce(PyObject *self, PyObject *unused)
{
	(void)unused;
	PyObject *t = record_fields_tuple(self);
	return t ? Py_BuildValue("(ON)", (PyObject *)Py_TYPE(self), t) : NULL;
}

static int is_record(PyObject *o)
{
	PyTypeObject *t = Py_TYPE(o);
	return t == &mpy_FindingType || t == &mpy_ResultType || t == &mpy_NearMissType ||
	       t == &mpy_TokenType || t == &mpy_DiagnosticType;
}

static PyObject *record_to_dict(PyObject *self, PyObject *unused);

/* A value as plain data: records become dicts, tuples become lists. */
static PyObject *plain(PyObject *v)
{
	if (is_record(v))
		return record_to_dict(v, NULL);
	if (PyTuple_Check(v)) {
		Py_ssize_t n = PyTuple_GET_SIZE(v);
		PyObject *list = PyList_New(n);
		for (Py_ssize_t i = 0; list && i < n; i++) {
			PyObject *x = plain(PyTuple_GET_ITEM(v, i));
			if (!x) {
				Py_CLEAR(list);
				break;
			}
			PyList_SET_ITEM(list, i, x);
		}
		return list;
	}
	Py_INCREF(v);
	return v;
}

static PyObject *record_to_dict(PyObject *self, PyObject *unused)
{
	(void)unused;
	PyTypeObject *type = Py_TYPE(self);
	Py_ssize_t n = nfields(type);
	PyObject *d = PyDict_New();
	for (Py_ssize_t i = 0; d && i < n; i++) {
		PyObject *v = plain(MPY_GET(self, i) ? MPY_GET(self, i) : Py_None);
		if (!v || PyDict_SetItemString(d, type->tp_members[i].name, v) < 0) {
			Py_XDECREF(v);
			Py_CLEAR(d);
			break;
		}
		Py_DECREF(v);
	}
	return d;
}

static PyMethodDef record_methods[] = {
	{"__reduce__", record_reduce, METH_NOARGS, PyDoc_STR("Pickles by value.")},
	{"to_dict", record_to_dict, METH_NOARGS,
	 PyDoc_STR("to_dict($self, /)\n--\n\n"
	           "The record as plain data (nested records as dicts, tuples as lists), "
	           "ready for json.dumps().")},
	{NULL, NULL, 0, NULL}};

/* Diagnostic: str() is the compiler's line, as mesura-lint prints it:
 * "file:line:column: error: path: message [rule id]". */
static PyObject *diagnostic_str(PyObject *self)
{
	PyObject *path = MPY_GET(self, DIAG_PATH), *rule = MPY_GET(self, DIAG_RULE_ID);
	PyObject *head = PyUnicode_FromFormat("%S:%S:%S: %S: ", MPY_GET(self, DIAG_FILE),
	                                      MPY_GET(self, DIAG_LINE), MPY_GET(self, DIAG_COLUMN),
	                                      MPY_GET(self, DIAG_SEVERITY));
	if (!head)
		return NULL;
	PyObject *out;
	int has_path = PyUnicode_Check(path) && PyUnicode_GET_LENGTH(path) > 0;
	int has_rule = rule != Py_None;
	if (has_path && has_rule)
		out = PyUnicode_FromFormat("%U%U: %S [rule %S]", head, path, MPY_GET(self, DIAG_MESSAGE), rule);
	else if (has_path)
		out = PyUnicode_FromFormat("%U%U: %S", head, path, MPY_GET(self, DIAG_MESSAGE));
	else if (has_rule)
		out = PyUnicode_FromFormat("%U%S [rule %S]", head, MPY_GET(self, DIAG_MESSAGE), rule);
	else
		out = PyUnicode_FromFormat("%U%S", head, MPY_GET(self, DIAG_MESSAGE));
	Py_DECREF(head);
	return out;
}

static PyMemberDef finding_members[] = {
	FIELD(FND_RULE, "rule", "The id of the rule that fired."),
	FIELD(FND_CATEGORY, "category", "The rule's category: 'pii.email', 'profanity', 'custom.x'..."),
	FIELD(FND_SEVERITY, "severity", "'low', 'medium', 'high' or 'critical'."),
	FIELD(FND_ACTION, "action", "What the rule asks for: 'log', 'redact', 'review' or 'block'."),
	FIELD(FND_START, "start",
	      "Start of the finding in the scanned text: a str index for str input, a byte "
	      "offset for bytes input."),
	FIELD(FND_END, "end", "End (exclusive), in the same unit as start."),
	FIELD(FND_BYTE_START, "byte_start", "Start as a byte offset into the text's UTF-8."),
	FIELD(FND_BYTE_END, "byte_end", "End (exclusive) as a byte offset into the text's UTF-8."),
	FIELD(FND_TEXT, "text", "The original text that matched: text[start:end] (str or bytes)."),
	FIELD(FND_MATCHED, "matched", "The normalised text the rule matched (str), e.g. 'mierda' for 'M1ERDA'."),
	FIELD(FND_CONFIDENCE, "confidence", "0..1: the rule's base confidence moved by its context words."),
	FIELD(FND_CONDITION, "condition",
	      "Which kind of condition matched: 'terms', 'masked' (a self-censored spelling) or 'regex'."),
	{NULL, 0, 0, 0, NULL}};

static PyMemberDef result_members[] = {
	FIELD(RES_VERDICT, "verdict",
	      "The strongest action that fired: 'allow' (nothing fired), 'log', 'redact', "
	      "'review' or 'block'."),
	FIELD(RES_FINDINGS, "findings", "A tuple of Finding, in order of start offset."),
	FIELD(RES_DECISIVE, "decisive", "The Finding that decided the verdict, or None."),
	FIELD(RES_REDACTED, "redacted",
	      "The redacted text (same type as the input) when the scan was asked to redact; "
	      "else None."),
	FIELD(RES_LIMIT, "limit_reached",
	      "True when a regex hit its match limit or a self-censored word its budget: that "
	      "condition was skipped, the findings hold everything else."),
	FIELD(RES_NEAR_MISSES, "near_misses",
	      "A tuple of NearMiss (rules that almost fired, and why) when scanned with "
	      "explain=True; else empty."),
	{NULL, 0, 0, 0, NULL}};

static PyMemberDef near_miss_members[] = {
	FIELD(MISS_RULE, "rule", "The id of the rule that did not fire."),
	FIELD(MISS_REASON, "reason",
	      "'not_whole_word', 'validator', 'incomplete', 'unless', 'confidence', "
	      "'allowed' or 'limit'."),
	FIELD(MISS_START, "start", "Where (str index or byte offset, as for findings); 0, 0: the whole post."),
	FIELD(MISS_END, "end", "End (exclusive)."),
	FIELD(MISS_BYTE_START, "byte_start", "Start as a byte offset."),
	FIELD(MISS_BYTE_END, "byte_end", "End as a byte offset."),
	FIELD(MISS_CONFIDENCE, "confidence", "For 'confidence': the confidence the finding had."),
	{NULL, 0, 0, 0, NULL}};

static PyMemberDef token_members[] = {
	FIELD(TOK_TYPE, "type",
	      "'word', 'number', 'url', 'email', 'mention', 'hashtag', 'cashtag', 'emoji', "
	      "'punct', 'symbol', 'space' or 'other'."),
	FIELD(TOK_START, "start", "Start: a str index for str input, a byte offset for bytes."),
	FIELD(TOK_END, "end", "End (exclusive)."),
	FIELD(TOK_BYTE_START, "byte_start", "Start as a byte offset into the UTF-8."),
	FIELD(TOK_BYTE_END, "byte_end", "End as a byte offset."),
	FIELD(TOK_TEXT, "text", "text[start:end]."),
	FIELD(TOK_FLAGS, "flags",
	      "A tuple of flag names: 'overlay' (a second reading over other tokens), 'part' "
	      "(a word part of a hashtag, mention or cashtag), 'spaced' (f u c k), 'invisibles' "
	      "(a word split by invisible characters), 'scheme' (a URL with its scheme)."),
	{NULL, 0, 0, 0, NULL}};

static PyMemberDef diagnostic_members[] = {
	FIELD(DIAG_SEVERITY, "severity", "'error' or 'warning'."),
	FIELD(DIAG_STATUS, "status", "The C status code (mesura.ESYNTAX, mesura.ELIMIT...)."),
	FIELD(DIAG_FILE, "file", "The policy's file (or the name given to from_string)."),
	FIELD(DIAG_PATH, "path", "Where in the document: 'rules[3].match.regex', or ''."),
	FIELD(DIAG_RULE_ID, "rule_id", "The rule the problem is in, or None."),
	FIELD(DIAG_BYTE_OFFSET, "byte_offset", "0-based byte offset in the policy source."),
	FIELD(DIAG_LINE, "line", "1-based line."),
	FIELD(DIAG_COLUMN, "column", "1-based column, in code points."),
	FIELD(DIAG_MESSAGE, "message", "What is wrong, in plain English."),
	{NULL, 0, 0, 0, NULL}};

#define RECORD_TYPE(var, pyname, members, n, doc)                           \
	PyTypeObject var = {                                                    \
		PyVarObject_HEAD_INIT(NULL, 0)                                      \
		.tp_name = "mesura." pyname,                                        \
		.tp_basicsize = RECORD_SIZE(n),                                     \
		.tp_dealloc = record_dealloc,                                       \
		.tp_repr = record_repr,                                             \
		.tp_hash = record_hash,                                             \
		.tp_flags = Py_TPFLAGS_DEFAULT,                                     \
		.tp_doc = PyDoc_STR(doc),                                           \
		.tp_richcompare = record_richcompare,                               \
		.tp_methods = record_methods,                                       \
		.tp_members = members,                                              \
		.tp_new = record_new,                                               \
	}

RECORD_TYPE(mpy_FindingType, "Finding", finding_members, FND_NFIELDS,
            "Finding(rule, category, severity, action, start, end, byte_start, byte_end, "
            "text, matched, confidence, condition)\n--\n\n"
            "One place where a rule fired. Immutable; compares, hashes and pickles by value.");
RECORD_TYPE(mpy_ResultType, "Result", result_members, RES_NFIELDS,
            "Result(verdict, findings, decisive, redacted, limit_reached, near_misses)\n--\n\n"
            "The outcome of screening one post: the verdict and the findings. Immutable; "
            "compares and pickles by value.");
RECORD_TYPE(mpy_NearMissType, "NearMiss", near_miss_members, MISS_NFIELDS,
            "NearMiss(rule, reason, start, end, byte_start, byte_end, confidence)\n--\n\n"
            "A rule that matched something but did not fire, and why (explain mode).");
RECORD_TYPE(mpy_TokenType, "Token", token_members, TOK_NFIELDS,
            "Token(type, start, end, byte_start, byte_end, text, flags)\n--\n\n"
            "One token of mesura.tokenize().");
RECORD_TYPE(mpy_DiagnosticType, "Diagnostic", diagnostic_members, DIAG_NFIELDS,
            "Diagnostic(severity, status, file, path, rule_id, byte_offset, line, column, "
            "message)\n--\n\n"
            "One problem found in a policy. str() gives 'file:line:column: path: message "
            "[rule id]'.");

static int ready(PyObject *module, PyTypeObject *type, const char *name)
{
	if (PyType_Ready(type) < 0)
		return -1;
	Py_ssize_t n = nfields(type);
	PyObject *names = PyTuple_New(n);
	if (!names)
		return -1;
	for (Py_ssize_t i = 0; i < n; i++) {
		PyObject *s = PyUnicode_InternFromString(type->tp_members[i].name);
		if (!s) {
			Py_DECREF(names);
			return -1;
		}
		PyTuple_SET_ITEM(names, i, s);
	}
	int rc = PyDict_SetItemString(type->tp_dict, "__match_args__", names) < 0 ||
	                 PyDict_SetItemString(type->tp_dict, "_fields", names) < 0
	             ? -1
	             : 0;
	Py_DECREF(names);
	if (rc < 0)
		return -1;
	PyType_Modified(type);
	Py_INCREF(type);
	if (PyModule_AddObject(module, name, (PyObject *)type) < 0) {
		Py_DECREF(type);
		return -1;
	}
	return 0;
}

int mpy_records_init(PyObject *module)
{
	mpy_DiagnosticType.tp_str = diagnostic_str;
	return ready(module, &mpy_FindingType, "Finding") < 0 ||
	               ready(module, &mpy_ResultType, "Result") < 0 ||
	               ready(module, &mpy_NearMissType, "NearMiss") < 0 ||
	               ready(module, &mpy_TokenType, "Token") < 0 ||
	               ready(module, &mpy_DiagnosticType, "Diagnostic") < 0
	           ? -1
	           : 0;
}

static PyObject *str_or_none(const char *s)
{
	if (!s)
		Py_RETURN_NONE;
	return PyUnicode_DecodeUTF8(s, (Py_ssize_t)strlen(s), "replace");
}

PyObject *mpy_diagnostics_tuple(const mesura_diagnostics *diags)
{
	size_t n = diags ? mesura_diagnostics_count(diags) : 0;
	PyObject *t = PyTuple_New((Py_ssize_t)n);
	for (size_t i = 0; t && i < n; i++) {
		const mesura_diagnostic *d = mesura_diagnostics_get(diags, i);
		PyObject *rec = mpy_record_alloc(&mpy_DiagnosticType);
		if (!rec) {
			Py_CLEAR(t);
			break;
		}
		PyTuple_SET_ITEM(t, (Py_ssize_t)i, rec);
		MPY_SET(rec, DIAG_SEVERITY, PyUnicode_InternFromString(
		                                d->severity == MESURA_DIAG_WARNING ? "warning" : "error"));
		MPY_SET(rec, DIAG_STATUS, PyLong_FromLong(d->status));
		MPY_SET(rec, DIAG_FILE, str_or_none(d->file ? d->file : "<policy>"));
		MPY_SET(rec, DIAG_PATH, str_or_none(d->path ? d->path : ""));
		MPY_SET(rec, DIAG_RULE_ID, str_or_none(d->rule_id));
		MPY_SET(rec, DIAG_BYTE_OFFSET, PyLong_FromSize_t(d->byte_offset));
		MPY_SET(rec, DIAG_LINE, PyLong_FromUnsignedLong(d->line));
		MPY_SET(rec, DIAG_COLUMN, PyLong_FromUnsignedLong(d->column));
		MPY_SET(rec, DIAG_MESSAGE, str_or_none(d->message ? d->message : ""));
		for (int f = 0; f < DIAG_NFIELDS; f++)
			if (!MPY_GET(rec, f)) {
				Py_CLEAR(t);
				break;
			}
	}
	return t;
}
