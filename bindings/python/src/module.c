/*
 * The module `mesura._mesura`: its functions and constants, the exceptions, text
 * arguments, interned names and the allocator.
 *
 * mesura has no global state and needs no init call, so the module needs no
 * teardown beyond its own caches. At import it checks that the library it is linked
 * with is the one it was compiled against (SQLite's and pygit2's check).
 */
#include "binding.h"

#include <string.h>

/* ------------------------------------------------------------ allocator */

static void *raw_malloc(size_t size, void *user)
{
	(void)user;
	return PyMem_RawMalloc(size);
}

static void *raw_realloc(void *ptr, size_t size, void *user)
{
	(void)user;
	return PyMem_RawRealloc(ptr, size);
}

static void raw_free(void *ptr, void *user)
{
	(void)user;
	PyMem_RawFree(ptr);
}

const mesura_allocator mpy_allocator = {raw_malloc, raw_realloc, raw_free, NULL};

/* ----------------------------------------------------------- exceptions */

PyObject *mpy_Error, *mpy_PolicyError;

static int set_attr(PyObject *exc, const char *name, PyObject *value)
{
	if (!value)
		return -1;
	int rc = PyObject_SetAttrString(exc, name, value);
	Py_DECREF(value);
	return rc;
}

PyObject *mpy_raise(int status, const char *what)
{
	const char *msg = mesura_strerror(status);
	switch (status) {
	case MESURA_ENOMEM:
		return PyErr_Format(PyExc_MemoryError, "%s: %s", what, msg);
	case MESURA_EINVAL:
		return PyErr_Format(PyExc_ValueError, "%s: %s", what, msg);
	case MESURA_EUTF8:
		return PyErr_Format(PyExc_UnicodeError, "%s: %s", what, msg);
	default:
		break;
	}
	PyObject *text = PyUnicode_FromFormat("%s: %s", what, msg);
	if (!text)
		return NULL;
	PyObject *exc = PyObject_CallOneArg(mpy_Error, text);
	Py_DECREF(text);
	if (!exc)
		return NULL;
	if (set_attr(exc, "status", PyLong_FromLong(status)) == 0)
		PyErr_SetObject(mpy_Error, exc);
	Py_DECREF(exc);
	return NULL;
}

PyObject *mpy_raise_policy_error(int status, const mesura_diagnostics *diags,
                                 const char *fallback)
{
	if (status == MESURA_ENOMEM)
		return PyErr_Format(PyExc_MemoryError, "compiling the policy: %s",
		                    mesura_strerror(status));
	PyObject *all = mpy_diagnostics_tuple(diags);
	if (!all)
		return NULL;
	PyObject *lines = PyList_New(0), *first = NULL, *message = NULL, *exc = NULL;
	if (!lines)
		goto done;
	for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(all); i++) {
		PyObject *d = PyTuple_GET_ITEM(all, i);
		if (PyUnicode_CompareWithASCIIString(MPY_GET(d, DIAG_SEVERITY), "error") != 0)
			continue;
		if (!first)
			first = d;
		PyObject *line = PyObject_Str(d);
		if (!line || PyList_Append(lines, line) < 0) {
			Py_XDECREF(line);
			goto done;
		}
		Py_DECREF(line);
	}
	if (!first && PyTuple_GET_SIZE(all) > 0)
		first = PyTuple_GET_ITEM(all, 0);
	if (PyList_GET_SIZE(lines) > 0) {
		PyObject *nl = PyUnicode_FromString("\n");
		if (!nl)
			goto done;
		message = PyUnicode_Join(nl, lines);
		Py_DECREF(nl);
	} else {
		message = PyUnicode_FromFormat("%s (%s)", fallback, mesura_strerror(status));
	}
	if (!message)
		goto done;
	exc = PyObject_CallOneArg(mpy_PolicyError, message);
	if (!exc)
		goto done;
	if (set_attr(exc, "status", PyLong_FromLong(status)) < 0 ||
	    set_attr(exc, "diagnostics", PySequence_List(all)) < 0)
		goto done;
	static const struct {
		const char *attr;
		int field;
	} from_first[] = {{"line", DIAG_LINE}, {"column", DIAG_COLUMN}, {"path", DIAG_PATH},
	                  {"file", DIAG_FILE}, {"rule_id", DIAG_RULE_ID}, {"message", DIAG_MESSAGE}};
	for (size_t i = 0; i < sizeof from_first / sizeof from_first[0]; i++) {
		PyObject *v = first ? MPY_GET(first, from_first[i].field)
		              : from_first[i].field == DIAG_MESSAGE ? message
		                                                    : Py_None;
		Py_INCREF(v);
		if (set_attr(exc, from_first[i].attr, v) < 0)
			goto done;
	}
	PyErr_SetObject(mpy_PolicyError, exc);
done:
	Py_XDECREF(exc);
	Py_XDECREF(message);
	Py_XDECREF(lines);
	Py_DECREF(all);
	return NULL;
}

/* --------------------------------------------------------------- names */

static PyObject *action_names[6], *severity_names[5], *miss_names[8], *token_names[13];
static PyObject *token_flag_tuples[32];

static PyObject *interned(PyObject **slot, const char *s)
{
	if (!*slot)
		*slot = PyUnicode_InternFromString(s);
	return *slot;
}

PyObject *mpy_action_str(int a)
{
	return interned(&action_names[a >= 0 && a <= 4 ? a + 1 : 0], mesura_action_name(a));
}

/* _set_name_types(verdicts, severities): from then on results carry these objects
 * (mesura.Verdict and mesura.Severity members, which are str) instead of plain
 * strings: allow, log, redact, review, block, then low, medium, high, critical. */
static PyObject *mod_set_name_types(PyObject *self, PyObject *args)
{
	(void)self;
	PyObject *verdicts, *severities;
	if (!PyArg_ParseTuple(args, "O!O!", &PyTuple_Type, &verdicts, &PyTuple_Type, &severities))
		return NULL;
	if (PyTuple_GET_SIZE(verdicts) != 5 || PyTuple_GET_SIZE(severities) != 4)
		return PyErr_Format(PyExc_ValueError, "expected 5 verdicts and 4 severities");
	for (Py_ssize_t i = 0; i < 9; i++) {
		PyObject *v = i < 5 ? PyTuple_GET_ITEM(verdicts, i) : PyTuple_GET_ITEM(severities, i - 5);
		const char *name = i < 5 ? mesura_action_name((int)i) : mesura_severity_name((int)i - 4);
		if (!PyUnicode_Check(v) || PyUnicode_CompareWithASCIIString(v, name) != 0)
			return PyErr_Format(PyExc_ValueError, "expected a str equal to '%s'", name);
	}
	for (Py_ssize_t i = 0; i < 5; i++)
		Py_XSETREF(action_names[i + 1], Py_NewRef(PyTuple_GET_ITEM(verdicts, i)));
	for (Py_ssize_t i = 0; i < 4; i++)
		Py_XSETREF(severity_names[i + 1], Py_NewRef(PyTuple_GET_ITEM(severities, i)));
	Py_RETURN_NONE;
}

PyObject *mpy_severity_str(int s)
{
	if (s >= 1 && s <= 4)
		return interned(&severity_names[s], mesura_severity_name(s));
	return interned(&severity_names[0], mesura_severity_name(s));
}

PyObject *mpy_miss_reason_str(int r)
{
	return interned(&miss_names[r >= 1 && r <= 7 ? r : 0], mesura_miss_reason_name(r));
}

PyObject *mpy_token_type_str(int t)
{
	return interned(&token_names[t >= 1 && t <= 12 ? t : 0], mesura_token_type_name(t));
}

PyObject *mpy_token_flags_tuple(unsigned int flags)
{
	static const char *const names[] = {"overlay", "part", "spaced", "invisibles", "scheme"};
	flags &= 31u;
	if (!token_flag_tuples[flags]) {
		PyObject *t = PyTuple_New(__builtin_popcount(flags));
		Py_ssize_t k = 0;
		for (unsigned i = 0; t && i < 5; i++) {
			if (!(flags & (1u << i)))
				continue;
			PyObject *s = PyUnicode_InternFromString(names[i]);
			if (!s) {
				Py_CLEAR(t);
				break;
			}
			PyTuple_SET_ITEM(t, k++, s);
		}
		token_flag_tuples[flags] = t;
	}
	return token_flag_tuples[flags];
}

/* ---------------------------------------------------------------- text */

int mpy_text_get(PyObject *obj, mpy_text *t)
{
	memset(t, 0, sizeof *t);
	t->obj = obj;
	if (PyUnicode_Check(obj)) {
		Py_ssize_t n;
		const char *p = PyUnicode_AsUTF8AndSize(obj, &n);
		if (!p)
			return -1;
		t->p = p;
		t->n = (size_t)n;
		t->kind = PyUnicode_IS_ASCII(obj) ? MPY_TEXT_ASCII : MPY_TEXT_STR;
		return 0;
	}
	if (PyBytes_Check(obj)) {
		t->p = PyBytes_AS_STRING(obj);
		t->n = (size_t)PyBytes_GET_SIZE(obj);
		t->kind = MPY_TEXT_BYTES;
		return 0;
	}
	if (PyObject_CheckBuffer(obj)) {
		if (PyObject_GetBuffer(obj, &t->view, PyBUF_SIMPLE) < 0)
			return -1;
		t->has_view = 1;
		t->p = t->view.buf;
		t->n = (size_t)t->view.len;
		t->kind = MPY_TEXT_BYTES;
		return 0;
	}
	PyErr_Format(PyExc_TypeError, "expected str or bytes, not %.100s", Py_TYPE(obj)->tp_name);
	return -1;
}

void mpy_text_release(mpy_text *t)
{
	if (t->has_view)
		PyBuffer_Release(&t->view);
	t->has_view = 0;
}

PyObject *mpy_text_slice(const mpy_text *t, size_t byte_start, size_t byte_end, size_t cstart,
                         size_t cend)
{
	if (t->kind == MPY_TEXT_BYTES)
		return PyBytes_FromStringAndSize(t->p + byte_start, (Py_ssize_t)(byte_end - byte_start));
	return PyUnicode_Substring(t->obj, (Py_ssize_t)cstart, (Py_ssize_t)cend);
}

int mpy_bytes_to_codepoints(const char *text, size_t len, size_t *pos, size_t count)
{
	return mesura_offsets_convert(text, len, MESURA_UNIT_BYTE, MESURA_UNIT_CODEPOINT, pos, pos,
	                              count);
}

int mpy_parse_kwargs(const char *func, PyObject *const *kwvalues, PyObject *kwnames,
                     const char *const *names, PyObject **values)
{
	if (!kwnames)
		return 0;
	for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(kwnames); i++) {
		PyObject *key = PyTuple_GET_ITEM(kwnames, i);
		size_t j = 0;
		for (; names[j]; j++)
			if (PyUnicode_CompareWithASCIIString(key, names[j]) == 0)
				break;
		if (!names[j]) {
			PyErr_Format(PyExc_TypeError, "%s() got an unexpected keyword argument '%U'", func,
			             key);
			return -1;
		}
		values[j] = kwvalues[i];
	}
	return 0;
}

int mpy_hash_key(PyObject *obj, unsigned char key[MESURA_REDACT_KEY_SIZE])
{
	if (!obj || obj == Py_None)
		return 0;
	if (!PyBytes_Check(obj)) {
		PyErr_Format(PyExc_TypeError, "hash_key must be bytes, not %.100s",
		             Py_TYPE(obj)->tp_name);
		return -1;
	}
	if (PyBytes_GET_SIZE(obj) != MESURA_REDACT_KEY_SIZE) {
		PyErr_Format(PyExc_ValueError, "hash_key must be %d bytes (os.urandom(%d)), not %zd",
		             MESURA_REDACT_KEY_SIZE, MESURA_REDACT_KEY_SIZE, PyBytes_GET_SIZE(obj));
		return -1;
	}
	memcpy(key, PyBytes_AS_STRING(obj), MESURA_REDACT_KEY_SIZE);
	return 1;
}

/* ------------------------------------------------------------- module */

static PyObject *mod_strerror(PyObject *module, PyObject *arg)
{
	(void)module;
	long status = PyLong_AsLong(arg);
	if (status == -1 && PyErr_Occurred())
		return NULL;
	if (status < -1000 || status > 1000)
		status = 1000;
	return PyUnicode_FromString(mesura_strerror((int)status));
}

static PyObject *mod_version(PyObject *module, PyObject *unused)
{
	(void)module;
	(void)unused;
	return PyUnicode_FromString(mesura_version_string());
}

static PyObject *mod_unicode_version(PyObject *module, PyObject *unused)
{
	(void)module;
	(void)unused;
	return PyUnicode_FromString(mesura_unicode_version());
}

static PyObject *mod_unicode_tables_version(PyObject *module, PyObject *unused)
{
	(void)module;
	(void)unused;
	return PyUnicode_FromString(mesura_unicode_tables_version());
}

/* Whether this libmesura has a built-in default policy that compiles (cached). */
static PyObject *mod_has_default_policy(PyObject *module, PyObject *unused)
{
	(void)module;
	(void)unused;
	static int known = -1;
	if (known < 0) {
		mesura_policy *p = NULL;
		int rc;
		Py_BEGIN_ALLOW_THREADS
		rc = mesura_policy_default(&p, NULL, &mpy_allocator);
		mesura_policy_free(p);
		Py_END_ALLOW_THREADS
		known = rc == MESURA_OK;
	}
	return PyBool_FromLong(known);
}

static PyMethodDef module_methods[] = {
	{"normalize", (PyCFunction)(void (*)(void))mpy_normalize, METH_FASTCALL | METH_KEYWORDS,
	 PyDoc_STR("normalize(text, flags, /, keep_letters=None, with_map=False)\n--\n\n"
	           "Low level: see mesura.normalize().")},
	{"tokenize", (PyCFunction)(void (*)(void))mpy_tokenize, METH_FASTCALL | METH_KEYWORDS,
	 PyDoc_STR("tokenize(text, flags, /)\n--\n\nLow level: see mesura.tokenize().")},
	{"strerror", mod_strerror, METH_O,
	 PyDoc_STR("strerror(status, /)\n--\n\nThe C library's text for a status code.")},
	{"_set_name_types", mod_set_name_types, METH_VARARGS,
	 PyDoc_STR("_set_name_types(verdicts, severities, /)\n--\n\n"
	           "Internal: the objects results carry for verdicts, actions and severities.")},
	{"version", mod_version, METH_NOARGS,
	 PyDoc_STR("version()\n--\n\nThe version of the libmesura in use, e.g. '1.0.0'.")},
	{"unicode_version", mod_unicode_version, METH_NOARGS,
	 PyDoc_STR("unicode_version()\n--\n\n"
	           "The Unicode version of the utf8proc libmesura uses, e.g. '15.0.0'.")},
	{"unicode_tables_version", mod_unicode_tables_version, METH_NOARGS,
	 PyDoc_STR("unicode_tables_version()\n--\n\n"
	           "The Unicode version of libmesura's own tables (word breaks, confusables...), "
	           "e.g. '15.0.0'.")},
	{"has_default_policy", mod_has_default_policy, METH_NOARGS,
	 PyDoc_STR("has_default_policy()\n--\n\n"
	           "True when this libmesura carries a built-in default policy that compiles "
	           "(Policy.default()).")},
	{NULL, NULL, 0, NULL}};

static void module_free(void *module)
{
	(void)module;
	mpy_text_module_free();
}

static struct PyModuleDef moduledef = {
	PyModuleDef_HEAD_INIT,
	.m_name = "mesura._mesura",
	.m_doc = PyDoc_STR("The C core of the mesura package (import mesura instead)."),
	.m_size = -1,
	.m_methods = module_methods,
	.m_free = module_free,
};

static int add_int(PyObject *m, const char *name, long v)
{
	return PyModule_AddIntConstant(m, name, v);
}

PyMODINIT_FUNC PyInit__mesura(void);

PyMODINIT_FUNC PyInit__mesura(void)
{
	/* The library must serve the binding's header: same major, and the very minor
	 * version it was built with, since it uses the experimental explain mode. */
	if (!MESURA_EXPERIMENTAL_COMPATIBLE(mesura_version())) {
		PyErr_Format(PyExc_ImportError,
		             "mesura._mesura was built for libmesura %s but loaded libmesura %s",
		             MESURA_VERSION_STRING, mesura_version_string());
		return NULL;
	}
	PyObject *m = PyModule_Create(&moduledef);
	if (!m)
		return NULL;
	if (mpy_records_init(m) < 0)
		goto fail;
	if (PyType_Ready(&mpy_PolicyType) < 0)
		goto fail;
	Py_INCREF(&mpy_PolicyType);
	if (PyModule_AddObject(m, "Policy", (PyObject *)&mpy_PolicyType) < 0) {
		Py_DECREF(&mpy_PolicyType);
		goto fail;
	}
	/* Class attributes give every instance the documented attributes, also one made
	 * by hand (raise mesura.PolicyError("...")). */
	PyObject *attrs = Py_BuildValue("{s:O}", "status", Py_None);
	if (!attrs)
		goto fail;
	mpy_Error = PyErr_NewExceptionWithDoc(
		"mesura.Error",
		"Base class of mesura's errors. `status` is the C status code (mesura.EINVAL...).",
		NULL, attrs);
	Py_DECREF(attrs);
	if (!mpy_Error || PyModule_AddObjectRef(m, "Error", mpy_Error) < 0)
		goto fail;
	attrs = Py_BuildValue("{s:O,s:O,s:O,s:O,s:O,s:O,s:O}", "diagnostics", Py_None, "line",
	                      Py_None, "column", Py_None, "path", Py_None, "file", Py_None,
	                      "rule_id", Py_None, "message", Py_None);
	if (!attrs)
		goto fail;
	mpy_PolicyError = PyErr_NewExceptionWithDoc(
		"mesura.PolicyError",
		"PolicyError(message, diagnostics)\n\n"
		"A policy does not compile. `diagnostics` lists every Diagnostic (errors and "
		"warnings); `line`, `column`, `path`, `file`, `rule_id` and `message` are those "
		"of the first error; `status` is the C status (mesura.ESYNTAX, ELIMIT, EINVAL). "
		"str() gives one 'file:line:column: error: path: message [rule id]' line per "
		"error.",
		mpy_Error, attrs);
	Py_DECREF(attrs);
	if (!mpy_PolicyError || PyModule_AddObjectRef(m, "PolicyError", mpy_PolicyError) < 0)
		goto fail;

	static const struct {
		const char *name;
		long value;
	} constants[] = {
		{"OK", MESURA_OK}, {"ENOMEM", MESURA_ENOMEM}, {"EINVAL", MESURA_EINVAL},
		{"EVERSION", MESURA_EVERSION}, {"EUTF8", MESURA_EUTF8}, {"ESYNTAX", MESURA_ESYNTAX},
		{"EBUFS", MESURA_EBUFS}, {"EBUSY", MESURA_EBUSY}, {"ELIMIT", MESURA_ELIMIT},
		{"EUSER", MESURA_EUSER}, {"ECHARSET", MESURA_ECHARSET}, {"EIO", MESURA_EIO},
		{"NORM_NFC", MESURA_NORM_NFC}, {"NORM_NFD", MESURA_NORM_NFD},
		{"NORM_NFKC", MESURA_NORM_NFKC}, {"NORM_NFKD", MESURA_NORM_NFKD},
		{"NORM_CASEFOLD", MESURA_NORM_CASEFOLD}, {"NORM_STRIP_MARKS", MESURA_NORM_STRIP_MARKS},
		{"NORM_REMOVE_INVISIBLES", MESURA_NORM_REMOVE_INVISIBLES},
		{"NORM_CONFUSABLES", MESURA_NORM_CONFUSABLES}, {"NORM_LEET", MESURA_NORM_LEET},
		{"NORM_COLLAPSE_REPEATS", MESURA_NORM_COLLAPSE_REPEATS},
		{"NORM_JOIN_SPACED", MESURA_NORM_JOIN_SPACED},
		{"NORM_DIGITS", MESURA_NORM_DIGITS},
		{"NORM_DECODE_MARKUP", MESURA_NORM_DECODE_MARKUP},
		{"NORM_MODERATION", MESURA_NORM_MODERATION},
		{"NORM_DEOBFUSCATE", MESURA_NORM_DEOBFUSCATE},
		{"TOKENIZE_SOCIAL", MESURA_TOKENIZE_SOCIAL},
		{"TOKENIZE_HASHTAG_PARTS", MESURA_TOKENIZE_HASHTAG_PARTS},
		{"TOKENIZE_SPACED", MESURA_TOKENIZE_SPACED},
		{"TOKENIZE_INVISIBLES", MESURA_TOKENIZE_INVISIBLES},
		{"TOKENIZE_ALL", MESURA_TOKENIZE_ALL},
		{"COMPILE_NO_FILES", MESURA_COMPILE_NO_FILES},
		{"REDACT_KEY_SIZE", MESURA_REDACT_KEY_SIZE},
		{"VERSION_NUMBER", MESURA_VERSION_NUMBER},
	};
	for (size_t i = 0; i < sizeof constants / sizeof constants[0]; i++)
		if (add_int(m, constants[i].name, constants[i].value) < 0)
			goto fail;
	if (PyModule_AddStringConstant(m, "VERSION_STRING", MESURA_VERSION_STRING) < 0)
		goto fail;
	return m;
fail:
	Py_DECREF(m);
	return NULL;
}
