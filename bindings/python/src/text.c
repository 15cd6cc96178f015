/*
 * The text tools: mesura.normalize() and mesura.tokenize().
 *
 * Normalisers are immutable once made, so one per (flags, keep_letters) is kept in a
 * small module cache and shared by every thread; views and token arrays are per-call
 * scratch. The GIL is released for long texts.
 */
#include "binding.h"

#include <stdio.h>
#include <string.h>

#define RELEASE_GIL_BYTES 2048 /* shorter texts are done before a GIL switch would pay */
#define CACHE_MAX 64

static PyObject *normalizers; /* dict: (flags, keep_letters) -> capsule */

/* A ValueError naming `flags` in hex: PyErr_Format has no %lx before Python 3.12 (it
 * would print "%lx" itself). */
static PyObject *flags_error(const char *before, unsigned long flags, const char *after)
{
	char hex[2 + 2 * sizeof flags + 1];
	snprintf(hex, sizeof hex, "0x%lx", flags);
	return PyErr_Format(PyExc_ValueError, "%s%s%s", before, hex, after);
}

static void capsule_free(PyObject *capsule)
{
	mesura_normalizer_free(PyCapsule_GetPointer(capsule, "mesura_normalizer"));
}

void mpy_text_module_free(void)
{
	Py_CLEAR(normalizers);
}

/* A new reference to the capsule of the normaliser for (flags, keep_letters). */
static PyObject *get_normalizer(unsigned long flags, PyObject *keep)
{
	if (!normalizers && !(normalizers = PyDict_New()))
		return NULL;
	PyObject *key = Py_BuildValue("(kO)", flags, keep);
	if (!key)
		return NULL;
	PyObject *cap = PyDict_GetItemWithError(normalizers, key);
	if (cap) {
		Py_INCREF(cap);
		Py_DECREF(key);
		return cap;
	}
	if (PyErr_Occurred()) {
		Py_DECREF(key);
		return NULL;
	}
	mesura_normalizer_options opts = MESURA_NORMALIZER_OPTIONS_INIT;
	opts.flags = (unsigned int)flags;
	if (keep != Py_None) {
		if (!PyUnicode_Check(keep)) {
			Py_DECREF(key);
			return PyErr_Format(PyExc_TypeError, "keep_letters must be a str or None");
		}
		opts.keep_letters = PyUnicode_AsUTF8(keep);
		if (!opts.keep_letters) {
			Py_DECREF(key);
			return NULL;
		}
	}
	mesura_normalizer *nz = NULL;
	int rc = flags > 0xFFFFFFFFul ? MESURA_EINVAL : mesura_normalizer_new(&nz, &opts, &mpy_allocator);
	if (rc != MESURA_OK) {
		Py_DECREF(key);
		if (rc == MESURA_EINVAL)
			return flags_error("invalid normalisation: flags ", flags,
			                   " (at most one of NFC, NFD, NFKC, NFKD; no unknown bits) or "
			                   "keep_letters (single letters with a mark, like 'ñç')");
		return mpy_raise(rc, "making a normaliser");
	}
	cap = PyCapsule_New(nz, "mesura_normalizer", capsule_free);
	if (!cap) {
		mesura_normalizer_free(nz);
		Py_DECREF(key);
		return NULL;
	}
	if (PyDict_GET_SIZE(normalizers) >= CACHE_MAX)
		PyDict_Clear(normalizers);
	if (PyDict_SetItem(normalizers, key, cap) < 0) {
		Py_DECREF(cap);
		cap = NULL;
	}
	Py_DECREF(key);
	return cap;
}

/* The map of a normalised text: for each output character (str input) or byte (bytes
 * input), the (start, end) of the input it came from. */
static PyObject *view_map(const mesura_view *view, const mpy_text *t, const char *out,
                          size_t out_len)
{
	size_t *pos = PyMem_Malloc((2 * out_len + 1) * sizeof *pos);
	size_t *ends = PyMem_Malloc((out_len + 1) * sizeof *ends);
	PyObject *list = NULL;
	if (!pos || !ends) {
		PyErr_NoMemory();
		goto done;
	}
	size_t nchars = 0;
	int rc = MESURA_OK;
	for (size_t i = 0; i < out_len && rc == MESURA_OK; nchars++) {
		size_t j = i + 1;
		while (j < out_len && ((unsigned char)out[j] & 0xC0) == 0x80)
			j++;
		rc = mesura_view_source_range(view, i, j, &pos[2 * nchars], &pos[2 * nchars + 1]);
		ends[nchars] = j;
		i = j;
	}
	if (rc == MESURA_OK && t->kind == MPY_TEXT_STR)
		rc = mpy_bytes_to_codepoints(t->p, t->n, pos, 2 * nchars);
	if (rc != MESURA_OK) {
		mpy_raise(rc, "mapping the normalised text");
		goto done;
	}
	list = PyList_New(0);
	for (size_t c = 0, i = 0; list && c < nchars; c++) {
		PyObject *span = Py_BuildValue("(nn)", (Py_ssize_t)pos[2 * c], (Py_ssize_t)pos[2 * c + 1]);
		if (!span) {
			Py_CLEAR(list);
			break;
		}
		/* bytes input: one entry per output byte */
		for (size_t k = t->kind == MPY_TEXT_BYTES ? i : ends[c] - 1; list && k < ends[c]; k++)
			if (PyList_Append(list, span) < 0)
				Py_CLEAR(list);
		Py_DECREF(span);
		i = ends[c];
	}
done:
	PyMem_Free(ends);
	PyMem_Free(pos);
	return list;
}

/* _mesura.normalize(text, flags, /, keep_letters=None, with_map=False) */
PyObject *mpy_normalize(PyObject *module, PyObject *const *args, Py_ssize_t nargs,
                        PyObject *kwnames)
{
	(void)module;
	static const char *const names[] = {"keep_letters", "with_map", NULL};
	PyObject *values[2] = {NULL, NULL};
	if (nargs != 2)
		return PyErr_Format(PyExc_TypeError, "normalize() takes 2 positional arguments");
	if (mpy_parse_kwargs("normalize", args + nargs, kwnames, names, values) < 0)
		return NULL;
	unsigned long flags = PyLong_AsUnsignedLong(args[1]);
	if (flags == (unsigned long)-1 && PyErr_Occurred())
		return NULL;
	int with_map = values[1] ? PyObject_IsTrue(values[1]) : 0;
	if (with_map < 0)
		return NULL;
	PyObject *cap = get_normalizer(flags, values[0] ? values[0] : Py_None);
	if (!cap)
		return NULL;
	const mesura_normalizer *nz = PyCapsule_GetPointer(cap, "mesura_normalizer");
	mpy_text t;
	mesura_view *view = NULL;
	PyObject *out = NULL;
	if (mpy_text_get(args[0], &t) < 0) {
		Py_DECREF(cap);
		return NULL;
	}
	int rc = mesura_view_new(&view, &mpy_allocator);
	if (rc == MESURA_OK) {
		if (t.n >= RELEASE_GIL_BYTES) {
			Py_BEGIN_ALLOW_THREADS
			rc = mesura_normalize(nz, view, t.p, t.n);
			Py_END_ALLOW_THREADS
		} else {
			rc = mesura_normalize(nz, view, t.p, t.n);
		}
	}
	if (rc != MESURA_OK) {
		mpy_raise(rc, "normalising the text");
		goto done;
	}
	size_t len;
	const char *text = mesura_view_text(view, &len);
	out = t.kind == MPY_TEXT_BYTES ? PyBytes_FromStringAndSize(text, (Py_ssize_t)len)
	                               : PyUnicode_DecodeUTF8(text, (Py_ssize_t)len, "strict");
	if (out && with_map) {
		PyObject *map = view_map(view, &t, text, len);
		PyObject *pair = map ? PyTuple_Pack(2, out, map) : NULL;
		Py_XDECREF(map);
		Py_SETREF(out, pair);
	}
done:
	mesura_view_free(view);
	mpy_text_release(&t);
	Py_DECREF(cap);
	return out;
}

/* _mesura.tokenize(text, flags, /) */
PyObject *mpy_tokenize(PyObject *module, PyObject *const *args, Py_ssize_t nargs,
                       PyObject *kwnames)
{
	(void)module;
	if (nargs != 2 || (kwnames && PyTuple_GET_SIZE(kwnames)))
		return PyErr_Format(PyExc_TypeError, "tokenize() takes 2 positional arguments");
	unsigned long flags = PyLong_AsUnsignedLong(args[1]);
	if (flags == (unsigned long)-1 && PyErr_Occurred())
		return NULL;
	if (flags > 0xFFFFFFFFul)
		return flags_error("unknown tokenizer flags ", flags, "");
	mpy_text t;
	if (mpy_text_get(args[0], &t) < 0)
		return NULL;
	mesura_tokens *tokens = NULL;
	PyObject *list = NULL;
	size_t *pos = NULL;
	int rc = mesura_tokens_new(&tokens, &mpy_allocator);
	if (rc == MESURA_OK) {
		if (t.n >= RELEASE_GIL_BYTES) {
			Py_BEGIN_ALLOW_THREADS
			rc = mesura_tokenize(tokens, t.p, t.n, (unsigned int)flags);
			Py_END_ALLOW_THREADS
		} else {
			rc = mesura_tokenize(tokens, t.p, t.n, (unsigned int)flags);
		}
	}
	if (rc != MESURA_OK) {
		if (rc == MESURA_EINVAL)
			flags_error("unknown tokenizer flags ", flags, "");
		else
			mpy_raise(rc, "tokenizing the text");
		goto done;
	}
	size_t count = mesura_tokens_count(tokens);
	pos = PyMem_Malloc((2 * count + 1) * sizeof *pos);
	if (!pos) {
		PyErr_NoMemory();
		goto done;
	}
	for (size_t i = 0; i < count; i++) {
		const mesura_token *tok = mesura_tokens_get(tokens, i);
		pos[2 * i] = tok->start;
		pos[2 * i + 1] = tok->end;
	}
	if (t.kind == MPY_TEXT_STR && (rc = mpy_bytes_to_codepoints(t.p, t.n, pos, 2 * count))) {
		mpy_raise(rc, "converting offsets");
		goto done;
	}
	list = PyList_New((Py_ssize_t)count);
	for (size_t i = 0; list && i < count; i++) {
		PyObject *rec = mpy_record_alloc(&mpy_TokenType);
		if (!rec) {
			Py_CLEAR(list);
			break;
		}
		PyList_SET_ITEM(list, (Py_ssize_t)i, rec);
		const mesura_token *tok = mesura_tokens_get(tokens, i);
		PyObject *type = mpy_token_type_str((int)tok->type);
		PyObject *fl = mpy_token_flags_tuple(tok->flags);
		Py_XINCREF(type);
		Py_XINCREF(fl);
		MPY_SET(rec, TOK_TYPE, type);
		MPY_SET(rec, TOK_START, PyLong_FromSize_t(pos[2 * i]));
		MPY_SET(rec, TOK_END, PyLong_FromSize_t(pos[2 * i + 1]));
		MPY_SET(rec, TOK_BYTE_START, PyLong_FromSize_t(tok->start));
		MPY_SET(rec, TOK_BYTE_END, PyLong_FromSize_t(tok->end));
		MPY_SET(rec, TOK_TEXT, mpy_text_slice(&t, tok->start, tok->end, pos[2 * i],
		                                      pos[2 * i + 1]));
		MPY_SET(rec, TOK_FLAGS, fl);
		for (int f = 0; f < TOK_NFIELDS; f++)
			if (!MPY_GET(rec, f)) {
				Py_CLEAR(list);
				break;
			}
	}
done:
	PyMem_Free(pos);
	mesura_tokens_free(tokens);
	mpy_text_release(&t);
	return list;
}
