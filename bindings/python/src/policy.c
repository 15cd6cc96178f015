/*
 * mesura._mesura.Policy: a compiled, immutable mesura_policy and what scans with it.
 *
 * Threads (STYLE.md section 9). The policy is shared freely. Scanners and redactors
 * are per-call scratch: each call takes one from the Policy's small pool and gives it
 * back after the call, so no two calls ever share one, and the GIL is released around
 * mesura_scan, mesura_redact_result and mesura_policy_compile. The pool itself is
 * only touched with the GIL held (before releasing it and after taking it back):
 * that is its lock, and unlike a mutex of our own it is in a sane state in a child
 * process after fork(). (The module does not declare Py_mod_gil, so a free-threaded
 * CPython keeps the GIL enabled while it is loaded.) Results are copied (snapshots)
 * before the scanner goes back to the pool; Python objects are made from the copies
 * with the GIL held.
 *
 * scan_batch runs N pthreads over one list of posts: each is handed a scanner of its
 * own, takes posts in small blocks from an atomic counter and scans them, while the
 * calling thread turns finished snapshots into Result objects in input order
 * (waiting, with the GIL released, for the next one when it is not ready).
 */
#include "binding.h"

#include <math.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>

#define POOL_MAX 32   /* idle scanners (and redactors) kept per Policy */
#define BATCH_BLOCK 32 /* posts a thread takes at a time */

enum { KIND_STRING = 0, KIND_FILE = 1, KIND_DEFAULT = 2 };

typedef struct {
	const char *key;
	PyObject *value;
} str_slot;

typedef struct {
	PyObject_HEAD
	mesura_policy *policy;
	int kind;
	PyObject *source;   /* bytes (NULL for the default policy) */
	PyObject *origin;   /* str: the name the compiler was given (a path for files) */
	PyObject *warnings; /* tuple of Diagnostic */
	unsigned int compile_flags;
	size_t max_source_bytes;
	unsigned int max_depth;
	size_t max_compiled_bytes;
	int has_key;
	unsigned char key[MESURA_REDACT_KEY_SIZE];
	/* Idle scratch, touched with the GIL held only. */
	mesura_scanner *scanners[POOL_MAX];
	size_t n_scanners;
	mesura_redactor *redactors[POOL_MAX];
	size_t n_redactors;
	/* rule ids and categories (borrowed from the policy) as Python strings; used with
	 * the GIL held only. Open addressing on the pointer. */
	str_slot *strs;
	size_t strs_cap, strs_n;
} PolicyObject;

/* --------------------------------------------------------------- pools */

/* Both run with the GIL held: it guards the pools. */
static mesura_scanner *take_scanner(PolicyObject *p, int *rc)
{
	*rc = MESURA_OK;
	if (p->n_scanners)
		return p->scanners[--p->n_scanners];
	mesura_scanner *s = NULL;
	*rc = mesura_scanner_new(&s, p->policy, &mpy_allocator);
	return s;
}

static void give_scanner(PolicyObject *p, mesura_scanner *s)
{
	if (s && p->n_scanners < POOL_MAX)
		p->scanners[p->n_scanners++] = s;
	else
		mesura_scanner_free(s);
}

/* What a call asks for beyond the scan. */
typedef struct {
	int redact, explain, findings;
	int own_key; /* a per-call hash key: fresh redactors, not the pool's */
	unsigned char key[MESURA_REDACT_KEY_SIZE];
} scan_opts;

/* NULL (and MESURA_OK) when the call does not redact. */
static mesura_redactor *take_redactor(PolicyObject *p, const scan_opts *o, int *rc)
{
	*rc = MESURA_OK;
	if (!o->redact)
		return NULL;
	if (!o->own_key && p->n_redactors)
		return p->redactors[--p->n_redactors];
	mesura_redactor_options ro = MESURA_REDACTOR_OPTIONS_INIT;
	if (o->own_key)
		ro.hash_key = o->key;
	else if (p->has_key)
		ro.hash_key = p->key;
	mesura_redactor *r = NULL;
	*rc = mesura_redactor_new(&r, &ro, &mpy_allocator);
	return r;
}

static void give_redactor(PolicyObject *p, const scan_opts *o, mesura_redactor *r)
{
	if (r && !o->own_key && p->n_redactors < POOL_MAX)
		p->redactors[p->n_redactors++] = r;
	else
		mesura_redactor_free(r);
}

/* ------------------------------------------------------ string cache */

static size_t ptr_hash(const char *s)
{
	return (size_t)(((uintptr_t)s >> 3) * (uintptr_t)0x9E3779B97F4A7C15u);
}

/* A new reference to the str for `s` (a string the policy owns, or a static one). */
static PyObject *policy_str(PolicyObject *p, const char *s)
{
	if (!s)
		Py_RETURN_NONE;
	if (2 * (p->strs_n + 1) > p->strs_cap) {
		size_t cap = p->strs_cap ? 2 * p->strs_cap : 64;
		str_slot *t = PyMem_Calloc(cap, sizeof *t);
		if (!t)
			return PyErr_NoMemory();
		for (size_t i = 0; i < p->strs_cap; i++) {
			if (!p->strs[i].key)
				continue;
			size_t j = ptr_hash(p->strs[i].key) & (cap - 1);
			while (t[j].key)
				j = (j + 1) & (cap - 1);
			t[j] = p->strs[i];
		}
		PyMem_Free(p->strs);
		p->strs = t;
		p->strs_cap = cap;
	}
	size_t j = ptr_hash(s) & (p->strs_cap - 1);
	while (p->strs[j].key && p->strs[j].key != s)
		j = (j + 1) & (p->strs_cap - 1);
	if (!p->strs[j].key) {
		PyObject *v = PyUnicode_DecodeUTF8(s, (Py_ssize_t)strlen(s), "replace");
		if (!v)
			return NULL;
		PyUnicode_InternInPlace(&v);
		p->strs[j].key = s;
		p->strs[j].value = v;
		p->strs_n++;
	}
	Py_INCREF(p->strs[j].value);
	return p->strs[j].value;
}

/* ----------------------------------------------------------- snapshots */

typedef struct {
	const char *rule, *category, *condition;
	int severity, action;
	size_t b0, b1, c0, c1;
	const char *matched;
	size_t matched_len;
	double confidence;
} snap_finding;

typedef struct {
	const char *rule;
	int reason;
	size_t b0, b1, c0, c1;
	double confidence;
} snap_miss;

/* One scan, copied out of its scanner and redactor. */
typedef struct {
	int rc;        /* MESURA_OK, or the status that failed */
	int failed_in; /* 0 the scanner (or its creation), 1 redaction, 2 offsets */
	int limit;     /* mesura_scan returned MESURA_ELIMIT */
	int verdict;
	size_t decisive;
	size_t n_findings, n_misses;
	snap_finding *findings;
	snap_miss *misses;
	const char *redacted;
	size_t redacted_len;
	int has_redacted;
	void *block; /* everything above that points somewhere */
} snap;

static void snap_free(snap *s)
{
	PyMem_RawFree(s->block);
	s->block = NULL;
}

/* Scans text[0..n) into `s`; no Python API (runs without the GIL). `need_cp`: also
 * convert the offsets to code points (non-ASCII str input). */
static void snap_scan(const mesura_policy *policy, mesura_scanner *sc, mesura_redactor *red,
                      const scan_opts *o, const char *text, size_t n, int need_cp, snap *s)
{
	memset(s, 0, sizeof *s);
	s->decisive = SIZE_MAX;
	const mesura_result *r = NULL;
	int rc = mesura_scan(sc, text, n, o->explain ? MESURA_SCAN_EXPLAIN : 0, &r);
	if (rc != MESURA_OK && rc != MESURA_ELIMIT) {
		s->rc = rc;
		return;
	}
	s->limit = rc == MESURA_ELIMIT;
	s->verdict = (int)r->verdict;
	s->decisive = r->decisive;
	const char *out = NULL;
	size_t out_len = 0;
	if (red) {
		rc = mesura_redact_result(red, policy, text, n, r, &out, &out_len);
		if (rc != MESURA_OK) {
			s->rc = rc;
			s->failed_in = 1;
			return;
		}
	}
	size_t nf = o->findings ? mesura_result_finding_count(r) : 0;
	size_t nm = o->findings ? mesura_result_near_miss_count(r) : 0;
	size_t npos = need_cp ? 2 * (nf + nm) : 0;
	size_t strings = red ? out_len + 1 : 0;
	for (size_t i = 0; i < nf; i++)
		strings += mesura_result_finding_get(r, i)->matched_len;
	size_t size = nf * sizeof(snap_finding) + nm * sizeof(snap_miss) + npos * sizeof(size_t) +
	              strings;
	if (size) {
		char *block = PyMem_RawMalloc(size);
		if (!block) {
			s->rc = MESURA_ENOMEM;
			return;
		}
		s->block = block;
		s->findings = (snap_finding *)(void *)block;
		s->misses = (snap_miss *)(void *)(block + nf * sizeof(snap_finding));
		size_t *pos = (size_t *)(void *)(block + nf * sizeof(snap_finding) +
		                                 nm * sizeof(snap_miss));
		char *str = (char *)(pos + npos);
		s->n_findings = nf;
		s->n_misses = nm;
		for (size_t i = 0; i < nf; i++) {
			const mesura_finding *f = mesura_result_finding_get(r, i);
			snap_finding *d = &s->findings[i];
			d->rule = f->rule_id;
			d->category = f->category;
			d->condition = f->condition;
			d->severity = (int)f->severity;
			d->action = (int)f->action;
			d->b0 = d->c0 = f->start;
			d->b1 = d->c1 = f->end;
			d->confidence = f->confidence;
			d->matched = str;
			d->matched_len = f->matched_len;
			if (f->matched_len)
				memcpy(str, f->matched, f->matched_len);
			str += f->matched_len;
		}
		for (size_t i = 0; i < nm; i++) {
			const mesura_near_miss *m = mesura_result_near_miss_get(r, i);
			snap_miss *d = &s->misses[i];
			d->rule = m->rule_id;
			d->reason = (int)m->reason;
			d->b0 = d->c0 = m->start;
			d->b1 = d->c1 = m->end;
			d->confidence = m->confidence;
		}
		if (red) {
			memcpy(str, out, out_len);
			str[out_len] = '\0';
			s->redacted = str;
			s->redacted_len = out_len;
			s->has_redacted = 1;
		}
		if (npos) {
			for (size_t i = 0; i < nf; i++) {
				pos[2 * i] = s->findings[i].b0;
				pos[2 * i + 1] = s->findings[i].b1;
			}
			for (size_t i = 0; i < nm; i++) {
				pos[2 * (nf + i)] = s->misses[i].b0;
				pos[2 * (nf + i) + 1] = s->misses[i].b1;
			}
			rc = mpy_bytes_to_codepoints(text, n, pos, npos);
			if (rc != MESURA_OK) {
				s->rc = rc;
				s->failed_in = 2;
			}
			for (size_t i = 0; i < nf; i++) {
				s->findings[i].c0 = pos[2 * i];
				s->findings[i].c1 = pos[2 * i + 1];
			}
			for (size_t i = 0; i < nm; i++) {
				s->misses[i].c0 = pos[2 * (nf + i)];
				s->misses[i].c1 = pos[2 * (nf + i) + 1];
			}
		}
	} else if (red) {
		s->redacted = "";
		s->has_redacted = 1;
	}
}

static PyObject *size_obj(size_t v)
{
	return PyLong_FromSize_t(v);
}

/* Raises the exception a failed snapshot stands for. */
static PyObject *snap_raise(const PolicyObject *p, const scan_opts *o, const snap *s)
{
	if (s->failed_in == 1 && s->rc == MESURA_EINVAL && !o->own_key && !p->has_key)
		return PyErr_Format(PyExc_ValueError,
		                    "redacting the post: %s (a rule that redacts with `hash` needs a "
		                    "16-byte hash_key: give one to the Policy or to this call)",
		                    mesura_strerror(s->rc));
	return mpy_raise(s->rc, s->failed_in == 1   ? "redacting the post"
	                        : s->failed_in == 2 ? "converting offsets"
	                                            : "scanning the post");
}

static PyObject *redacted_obj(const mpy_text *t, const snap *s)
{
	if (t->kind == MPY_TEXT_BYTES)
		return PyBytes_FromStringAndSize(s->redacted, (Py_ssize_t)s->redacted_len);
	return PyUnicode_DecodeUTF8(s->redacted, (Py_ssize_t)s->redacted_len, "strict");
}

/* A confidence as people read it: base + boosts in binary floating point give
 * 0.8999999999999999 for 0.9; six decimals are more than any policy writes. */
static double shown_confidence(double c)
{
	return floor(c * 1e6 + 0.5) / 1e6;
}

static PyObject *finding_obj(PolicyObject *p, const mpy_text *t, const snap_finding *f)
{
	PyObject *rec = mpy_record_alloc(&mpy_FindingType);
	if (!rec)
		return NULL;
	PyObject *sev = mpy_severity_str(f->severity), *act = mpy_action_str(f->action);
	if (!sev || !act) {
		Py_DECREF(rec);
		return NULL;
	}
	Py_INCREF(sev);
	Py_INCREF(act);
	MPY_SET(rec, FND_RULE, policy_str(p, f->rule));
	MPY_SET(rec, FND_CATEGORY, policy_str(p, f->category));
	MPY_SET(rec, FND_SEVERITY, sev);
	MPY_SET(rec, FND_ACTION, act);
	MPY_SET(rec, FND_START, size_obj(f->c0));
	MPY_SET(rec, FND_END, size_obj(f->c1));
	MPY_SET(rec, FND_BYTE_START, size_obj(f->b0));
	MPY_SET(rec, FND_BYTE_END, size_obj(f->b1));
	MPY_SET(rec, FND_TEXT, mpy_text_slice(t, f->b0, f->b1, f->c0, f->c1));
	MPY_SET(rec, FND_MATCHED,
	        PyUnicode_DecodeUTF8(f->matched, (Py_ssize_t)f->matched_len, "replace"));
	MPY_SET(rec, FND_CONFIDENCE, PyFloat_FromDouble(shown_confidence(f->confidence)));
	MPY_SET(rec, FND_CONDITION, policy_str(p, f->condition));
	for (int i = 0; i < FND_NFIELDS; i++)
		if (!MPY_GET(rec, i)) {
			Py_DECREF(rec);
			return NULL;
		}
	return rec;
}

static PyObject *miss_obj(PolicyObject *p, const snap_miss *m)
{
	PyObject *rec = mpy_record_alloc(&mpy_NearMissType);
	if (!rec)
		return NULL;
	PyObject *reason = mpy_miss_reason_str(m->reason);
	Py_XINCREF(reason);
	MPY_SET(rec, MISS_RULE, policy_str(p, m->rule));
	MPY_SET(rec, MISS_REASON, reason);
	MPY_SET(rec, MISS_START, size_obj(m->c0));
	MPY_SET(rec, MISS_END, size_obj(m->c1));
	MPY_SET(rec, MISS_BYTE_START, size_obj(m->b0));
	MPY_SET(rec, MISS_BYTE_END, size_obj(m->b1));
	MPY_SET(rec, MISS_CONFIDENCE, PyFloat_FromDouble(shown_confidence(m->confidence)));
	for (int i = 0; i < MISS_NFIELDS; i++)
		if (!MPY_GET(rec, i)) {
			Py_DECREF(rec);
			return NULL;
		}
	return rec;
}

/* The Result for a snapshot (or only the redacted text when !o->findings). */
static PyObject *snap_object(PolicyObject *p, const scan_opts *o, const mpy_text *t,
                             const snap *s)
{
	if (s->rc != MESURA_OK)
		return snap_raise(p, o, s);
	if (!o->findings)
		return redacted_obj(t, s);
	PyObject *res = mpy_record_alloc(&mpy_ResultType);
	if (!res)
		return NULL;
	PyObject *findings = PyTuple_New((Py_ssize_t)s->n_findings);
	MPY_SET(res, RES_FINDINGS, findings);
	if (!findings)
		goto fail;
	for (size_t i = 0; i < s->n_findings; i++) {
		PyObject *f = finding_obj(p, t, &s->findings[i]);
		if (!f)
			goto fail;
		PyTuple_SET_ITEM(findings, (Py_ssize_t)i, f);
	}
	/* Records are not containers, so a tuple of them can never be in a cycle: untrack
	 * it now rather than let the collector find that out over a million results
	 * (CPython untracks such tuples itself, but only when a collection reaches them). */
	if (s->n_findings)
		PyObject_GC_UnTrack(findings);
	PyObject *misses = PyTuple_New((Py_ssize_t)s->n_misses);
	MPY_SET(res, RES_NEAR_MISSES, misses);
	if (!misses)
		goto fail;
	for (size_t i = 0; i < s->n_misses; i++) {
		PyObject *m = miss_obj(p, &s->misses[i]);
		if (!m)
			goto fail;
		PyTuple_SET_ITEM(misses, (Py_ssize_t)i, m);
	}
	if (s->n_misses)
		PyObject_GC_UnTrack(misses);
	PyObject *verdict = mpy_action_str(s->verdict);
	if (!verdict)
		goto fail;
	Py_INCREF(verdict);
	MPY_SET(res, RES_VERDICT, verdict);
	PyObject *decisive = s->decisive < s->n_findings
	                         ? PyTuple_GET_ITEM(findings, (Py_ssize_t)s->decisive)
	                         : Py_None;
	Py_INCREF(decisive);
	MPY_SET(res, RES_DECISIVE, decisive);
	if (s->has_redacted) {
		PyObject *red = redacted_obj(t, s);
		if (!red)
			goto fail;
		MPY_SET(res, RES_REDACTED, red);
	} else {
		Py_INCREF(Py_None);
		MPY_SET(res, RES_REDACTED, Py_None);
	}
	PyObject *limit = s->limit ? Py_True : Py_False;
	Py_INCREF(limit);
	MPY_SET(res, RES_LIMIT, limit);
	return res;
fail:
	Py_DECREF(res);
	return NULL;
}

/* ------------------------------------------------------ creation, free */

static PyObject *policy_new(PyTypeObject *type, PyObject *args, PyObject *kwargs)
{
	(void)args;
	(void)kwargs;
	return PyErr_Format(PyExc_TypeError,
	                    "use %s.from_file(), %s.from_string() or %s.default() to make a policy",
	                    type->tp_name, type->tp_name, type->tp_name);
}

static void policy_dealloc(PyObject *self)
{
	PolicyObject *p = (PolicyObject *)self;
	for (size_t i = 0; i < p->n_scanners; i++)
		mesura_scanner_free(p->scanners[i]);
	for (size_t i = 0; i < p->n_redactors; i++)
		mesura_redactor_free(p->redactors[i]);
	p->n_scanners = p->n_redactors = 0;
	mesura_policy_free(p->policy);
	p->policy = NULL;
	for (size_t i = 0; i < p->strs_cap; i++)
		Py_XDECREF(p->strs[i].value);
	PyMem_Free(p->strs);
	p->strs = NULL;
	Py_CLEAR(p->source);
	Py_CLEAR(p->origin);
	Py_CLEAR(p->warnings);
	memset(p->key, 0, sizeof p->key);
	Py_TYPE(self)->tp_free(self);
}

/* Policy._compile(kind, source, origin, flags, max_source_bytes, max_depth,
 *                 max_compiled_bytes, hash_key) */
static PyObject *policy_compile(PyTypeObject *cls, PyObject *args)
{
	int kind;
	PyObject *source, *origin, *key_obj;
	unsigned int flags, max_depth;
	Py_ssize_t max_source, max_compiled;
	if (!PyArg_ParseTuple(args, "iOOInInO:_compile", &kind, &source, &origin, &flags,
	                      &max_source, &max_depth, &max_compiled, &key_obj))
		return NULL;
	if (kind < KIND_STRING || kind > KIND_DEFAULT)
		return PyErr_Format(PyExc_ValueError, "unknown policy kind %d", kind);
	if (max_source < 0)
		return PyErr_Format(PyExc_ValueError, "max_source_bytes must be >= 0");
	if (max_compiled < 0)
		return PyErr_Format(PyExc_ValueError, "max_compiled_bytes must be >= 0");
	if (kind != KIND_DEFAULT && !PyBytes_Check(source))
		return PyErr_Format(PyExc_TypeError, "the policy source must be bytes");
	unsigned char key[MESURA_REDACT_KEY_SIZE];
	int has_key = mpy_hash_key(key_obj, key);
	if (has_key < 0)
		return NULL;
	PyObject *name_bytes = NULL, *origin_str = NULL;
	if (origin != Py_None) {
		if (!PyUnicode_FSConverter(origin, &name_bytes))
			return NULL;
		origin_str = PyUnicode_DecodeFSDefaultAndSize(PyBytes_AS_STRING(name_bytes),
		                                              PyBytes_GET_SIZE(name_bytes));
	} else {
		origin_str = PyUnicode_FromString(kind == KIND_DEFAULT ? "builtin:default" : "<policy>");
	}
	if (!origin_str) {
		Py_XDECREF(name_bytes);
		return NULL;
	}

	mesura_policy *policy = NULL;
	mesura_diagnostics *diags = NULL;
	int rc;
	const char *name = name_bytes ? PyBytes_AS_STRING(name_bytes) : NULL;
	mesura_compile_options opts = MESURA_COMPILE_OPTIONS_INIT;
	opts.flags = flags;
	opts.max_source_bytes = (size_t)max_source;
	opts.max_depth = max_depth;
	opts.max_compiled_bytes = (size_t)max_compiled;
	const char *src = kind == KIND_DEFAULT ? NULL : PyBytes_AS_STRING(source);
	size_t len = kind == KIND_DEFAULT ? 0 : (size_t)PyBytes_GET_SIZE(source);
	Py_BEGIN_ALLOW_THREADS
	if (kind == KIND_DEFAULT)
		rc = mesura_policy_default(&policy, &diags, &mpy_allocator);
	else
		rc = mesura_policy_compile(&policy, src, len, name, &opts, &diags, &mpy_allocator);
	Py_END_ALLOW_THREADS
	Py_XDECREF(name_bytes);

	if (rc != MESURA_OK) {
		if (kind == KIND_DEFAULT && rc == MESURA_EINVAL &&
		    mesura_diagnostics_errors(diags) == 0)
			mpy_raise_policy_error(rc, NULL,
			                       "this libmesura has no built-in default policy "
			                       "(builtin:default); use Policy.from_file() or "
			                       "Policy.from_string()");
		else
			mpy_raise_policy_error(rc, diags, "cannot compile the policy");
		mesura_diagnostics_free(diags);
		mesura_policy_free(policy);
		Py_DECREF(origin_str);
		return NULL;
	}
	PyObject *warnings = mpy_diagnostics_tuple(diags);
	mesura_diagnostics_free(diags);
	PolicyObject *self = warnings ? (PolicyObject *)cls->tp_alloc(cls, 0) : NULL;
	if (!self) {
		Py_XDECREF(warnings);
		Py_DECREF(origin_str);
		mesura_policy_free(policy);
		return NULL;
	}
	self->policy = policy;
	self->kind = kind;
	if (kind != KIND_DEFAULT) {
		Py_INCREF(source);
		self->source = source;
	}
	self->origin = origin_str;
	self->warnings = warnings;
	self->compile_flags = flags;
	self->max_source_bytes = (size_t)max_source;
	self->max_depth = max_depth;
	self->max_compiled_bytes = (size_t)max_compiled;
	self->has_key = has_key;
	if (has_key)
		memcpy(self->key, key, sizeof key);
	memset(key, 0, sizeof key);
	return (PyObject *)self;
}

static int check(PolicyObject *p)
{
	if (!p->policy) {
		PyErr_SetString(PyExc_ValueError, "this Policy was not compiled");
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------ scan, redact */

/* Fills `o` from the keyword values (borrowed, may be NULL). */
static int parse_scan_opts(scan_opts *o, PyObject *redact, PyObject *explain, PyObject *key)
{
	memset(o, 0, sizeof *o);
	o->findings = 1;
	if (redact && (o->redact = PyObject_IsTrue(redact)) < 0)
		return -1;
	if (explain && (o->explain = PyObject_IsTrue(explain)) < 0)
		return -1;
	int k = mpy_hash_key(key, o->key);
	if (k < 0)
		return -1;
	o->own_key = k;
	if (k)
		o->redact = 1;
	return 0;
}

/* One post, in the calling thread with the GIL released. */
static PyObject *scan_one(PolicyObject *p, PyObject *text, const scan_opts *o)
{
	mpy_text t;
	if (mpy_text_get(text, &t) < 0)
		return NULL;
	snap s;
	int rc, rrc = MESURA_OK;
	mesura_scanner *sc = take_scanner(p, &rc);
	mesura_redactor *red = sc ? take_redactor(p, o, &rrc) : NULL;
	int need_cp = t.kind == MPY_TEXT_STR;
	if (sc && rrc == MESURA_OK) {
		Py_BEGIN_ALLOW_THREADS
		snap_scan(p->policy, sc, red, o, t.p, t.n, need_cp, &s);
		Py_END_ALLOW_THREADS
	}
	give_redactor(p, o, red);
	give_scanner(p, sc);
	PyObject *out;
	if (!sc)
		out = mpy_raise(rc, "creating a scanner");
	else if (rrc != MESURA_OK)
		out = mpy_raise(rrc, "creating a redactor");
	else {
		out = snap_object(p, o, &t, &s);
		snap_free(&s);
	}
	mpy_text_release(&t);
	return out;
}

static PyObject *policy_scan(PyObject *self, PyObject *const *args, Py_ssize_t nargs,
                             PyObject *kwnames)
{
	PolicyObject *p = (PolicyObject *)self;
	static const char *const names[] = {"redact", "explain", "hash_key", NULL};
	PyObject *values[3] = {NULL, NULL, NULL};
	if (nargs != 1)
		return PyErr_Format(PyExc_TypeError, "scan() takes one positional argument (%zd given)",
		                    nargs);
	if (check(p) < 0 || mpy_parse_kwargs("scan", args + nargs, kwnames, names, values) < 0)
		return NULL;
	scan_opts o;
	if (parse_scan_opts(&o, values[0], values[1], values[2]) < 0)
		return NULL;
	PyObject *out = scan_one(p, args[0], &o);
	memset(o.key, 0, sizeof o.key);
	return out;
}

static PyObject *policy_redact(PyObject *self, PyObject *const *args, Py_ssize_t nargs,
                               PyObject *kwnames)
{
	PolicyObject *p = (PolicyObject *)self;
	static const char *const names[] = {"hash_key", NULL};
	PyObject *values[1] = {NULL};
	if (nargs != 1)
		return PyErr_Format(PyExc_TypeError,
		                    "redact() takes one positional argument (%zd given)", nargs);
	if (check(p) < 0 || mpy_parse_kwargs("redact", args + nargs, kwnames, names, values) < 0)
		return NULL;
	scan_opts o;
	if (parse_scan_opts(&o, NULL, NULL, values[0]) < 0)
		return NULL;
	o.redact = 1;
	o.findings = 0;
	PyObject *out = scan_one(p, args[0], &o);
	memset(o.key, 0, sizeof o.key);
	return out;
}

/* ------------------------------------------------------------- batch */

typedef struct batch batch;

typedef struct {
	batch *b;
	mesura_scanner *scanner;
	mesura_redactor *redactor;
	pthread_t tid;
} worker;

struct batch {
	PolicyObject *p;
	const scan_opts *o;
	size_t n;
	mpy_text *texts;
	snap *snaps;
	atomic_uchar *done;
	atomic_size_t next;
	atomic_int stop;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int waiting; /* the converting thread waits on cv (guarded by mu) */
};

/* Scans the next block of posts; 0 when none was left. No Python API (runs without
 * the GIL). */
static int batch_block(worker *w)
{
	batch *b = w->b;
	size_t i = atomic_fetch_add(&b->next, (size_t)BATCH_BLOCK);
	if (i >= b->n || atomic_load(&b->stop))
		return 0;
	size_t end = i + BATCH_BLOCK < b->n ? i + BATCH_BLOCK : b->n;
	for (size_t j = i; j < end; j++) {
		const mpy_text *t = &b->texts[j];
		snap_scan(b->p->policy, w->scanner, w->redactor, b->o, t->p, t->n,
		          t->kind == MPY_TEXT_STR, &b->snaps[j]);
		atomic_store_explicit(&b->done[j], 1, memory_order_release);
	}
	pthread_mutex_lock(&b->mu);
	if (b->waiting)
		pthread_cond_broadcast(&b->cv);
	pthread_mutex_unlock(&b->mu);
	return 1;
}

static void *batch_worker(void *arg)
{
	while (batch_block(arg))
		;
	return NULL;
}

/* Waits (GIL released) until post i is scanned. */
static void batch_wait(batch *b, size_t i)
{
	if (atomic_load_explicit(&b->done[i], memory_order_acquire))
		return;
	Py_BEGIN_ALLOW_THREADS
	pthread_mutex_lock(&b->mu);
	b->waiting = 1;
	while (!atomic_load_explicit(&b->done[i], memory_order_acquire))
		pthread_cond_wait(&b->cv, &b->mu);
	b->waiting = 0;
	pthread_mutex_unlock(&b->mu);
	Py_END_ALLOW_THREADS
}

/* Policy._scan_batch(posts, threads, redact, explain, hash_key) -> list of Result */
static PyObject *policy_scan_batch(PyObject *self, PyObject *args)
{
	PolicyObject *p = (PolicyObject *)self;
	PyObject *posts, *redact, *explain, *key;
	Py_ssize_t threads;
	if (!PyArg_ParseTuple(args, "OnOOO:_scan_batch", &posts, &threads, &redact, &explain, &key))
		return NULL;
	if (check(p) < 0)
		return NULL;
	if (threads < 1)
		return PyErr_Format(PyExc_ValueError, "threads must be at least 1, not %zd", threads);
	scan_opts o;
	if (parse_scan_opts(&o, redact, explain, key) < 0)
		return NULL;
	/* A tuple of our own: the posts stay alive (and their buffers valid) however the
	 * caller's list changes while the GIL is released. */
	PyObject *items = PySequence_Tuple(posts);
	if (!items)
		return NULL;
	size_t n = (size_t)PyTuple_GET_SIZE(items);
	PyObject *out = PyList_New((Py_ssize_t)n);
	if (!out || n == 0) {
		Py_DECREF(items);
		return out;
	}
	size_t blocks = (n + BATCH_BLOCK - 1) / BATCH_BLOCK;
	size_t nworkers = (size_t)threads < blocks ? (size_t)threads : blocks;
	batch b;
	memset(&b, 0, sizeof b);
	b.p = p;
	b.o = &o;
	b.n = n;
	b.texts = PyMem_Calloc(n, sizeof *b.texts);
	b.snaps = PyMem_Calloc(n, sizeof *b.snaps);
	b.done = PyMem_Calloc(n, sizeof *b.done);
	worker *workers = PyMem_Calloc(nworkers, sizeof *workers);
	size_t got = 0, ready = 0, started = 0;
	int mu_ready = 0, cv_ready = 0;
	if (!b.texts || !b.snaps || !b.done || !workers) {
		PyErr_NoMemory();
		goto done;
	}
	for (; got < n; got++)
		if (mpy_text_get(PyTuple_GET_ITEM(items, (Py_ssize_t)got), &b.texts[got]) < 0)
			goto done;
	/* Each worker's scratch, from the pool (with the GIL held). */
	for (; ready < nworkers; ready++) {
		int rc;
		workers[ready].b = &b;
		workers[ready].scanner = take_scanner(p, &rc);
		if (rc == MESURA_OK)
			workers[ready].redactor = take_redactor(p, &o, &rc);
		if (rc != MESURA_OK) {
			give_scanner(p, workers[ready].scanner);
			workers[ready].scanner = NULL;
			if (ready == 0) {
				mpy_raise(rc, "creating a scanner");
				goto done;
			}
			break; /* fewer threads */
		}
	}
	nworkers = ready;
	for (size_t i = 0; i < n; i++)
		atomic_init(&b.done[i], 0);
	atomic_init(&b.next, 0);
	atomic_init(&b.stop, 0);
	if (pthread_mutex_init(&b.mu, NULL) != 0) {
		PyErr_NoMemory();
		goto done;
	}
	mu_ready = 1;
	if (pthread_cond_init(&b.cv, NULL) != 0) {
		PyErr_NoMemory();
		goto done;
	}
	cv_ready = 1;
	/* Worker 0 is this thread: it scans too, between turning finished posts into
	 * Results, and sleeps only when every block is taken and the next post in order
	 * is still being scanned by another thread. */
	for (started = 1; started < nworkers; started++)
		if (pthread_create(&workers[started].tid, NULL, batch_worker, &workers[started]) != 0)
			break;
	for (size_t i = 0; i < n;) {
		/* Ctrl-C (and other signal handlers) between Results: stop the batch. */
		if ((i & 1023) == 1023 && PyErr_CheckSignals() < 0) {
			atomic_store(&b.stop, 1);
			break;
		}
		if (atomic_load_explicit(&b.done[i], memory_order_acquire)) {
			PyObject *r = snap_object(p, &o, &b.texts[i], &b.snaps[i]);
			snap_free(&b.snaps[i]);
			if (!r) {
				atomic_store(&b.stop, 1);
				break;
			}
			PyList_SET_ITEM(out, (Py_ssize_t)i++, r);
			continue;
		}
		int scanned = 0;
		if (atomic_load(&b.next) < n) {
			Py_BEGIN_ALLOW_THREADS
			scanned = batch_block(&workers[0]);
			Py_END_ALLOW_THREADS
		}
		if (!scanned)
			batch_wait(&b, i);
	}
done:
	if (started > 1) {
		Py_BEGIN_ALLOW_THREADS
		for (size_t t = 1; t < started; t++)
			pthread_join(workers[t].tid, NULL);
		Py_END_ALLOW_THREADS
	}
	for (size_t t = 0; t < ready; t++) {
		give_redactor(p, &o, workers[t].redactor);
		give_scanner(p, workers[t].scanner);
	}
	if (b.snaps)
		for (size_t i = 0; i < n; i++)
			snap_free(&b.snaps[i]);
	for (size_t i = 0; i < got; i++)
		mpy_text_release(&b.texts[i]);
	if (cv_ready)
		pthread_cond_destroy(&b.cv);
	if (mu_ready)
		pthread_mutex_destroy(&b.mu);
	PyMem_Free(workers);
	PyMem_Free(b.done);
	PyMem_Free(b.snaps);
	PyMem_Free(b.texts);
	Py_DECREF(items);
	if (PyErr_Occurred())
		Py_CLEAR(out);
	memset(o.key, 0, sizeof o.key);
	return out;
}

/* ------------------------------------------------------------ the rest */

/* Policy._state(): what pickling needs to compile the same policy again. */
static PyObject *policy_state(PyObject *self, PyObject *unused)
{
	(void)unused;
	PolicyObject *p = (PolicyObject *)self;
	if (check(p) < 0)
		return NULL;
	PyObject *key = p->has_key ? PyBytes_FromStringAndSize((const char *)p->key, sizeof p->key)
	                           : (Py_INCREF(Py_None), Py_None);
	if (!key)
		return NULL;
	return Py_BuildValue("(iOOInInN)", p->kind, p->source ? p->source : Py_None, p->origin,
	                     p->compile_flags, (Py_ssize_t)p->max_source_bytes, p->max_depth,
	                     (Py_ssize_t)p->max_compiled_bytes, key);
}

static PyObject *get_name(PyObject *self, void *closure)
{
	(void)closure;
	PolicyObject *p = (PolicyObject *)self;
	if (check(p) < 0)
		return NULL;
	const char *name = mesura_policy_name(p->policy);
	if (!name)
		Py_RETURN_NONE;
	return PyUnicode_DecodeUTF8(name, (Py_ssize_t)strlen(name), "replace");
}

static PyObject *get_rule_count(PyObject *self, void *closure)
{
	(void)closure;
	PolicyObject *p = (PolicyObject *)self;
	if (check(p) < 0)
		return NULL;
	return PyLong_FromSize_t(mesura_policy_rule_count(p->policy));
}

static PyObject *get_origin(PyObject *self, void *closure)
{
	(void)closure;
	PolicyObject *p = (PolicyObject *)self;
	PyObject *v = p->origin ? p->origin : Py_None;
	Py_INCREF(v);
	return v;
}

static PyObject *get_source(PyObject *self, void *closure)
{
	(void)closure;
	PolicyObject *p = (PolicyObject *)self;
	if (!p->source)
		Py_RETURN_NONE;
	return PyUnicode_DecodeUTF8(PyBytes_AS_STRING(p->source), PyBytes_GET_SIZE(p->source),
	                            "replace");
}

static PyObject *get_warnings(PyObject *self, void *closure)
{
	(void)closure;
	PolicyObject *p = (PolicyObject *)self;
	return p->warnings ? PySequence_List(p->warnings) : PyList_New(0);
}

static PyObject *get_has_hash_key(PyObject *self, void *closure)
{
	(void)closure;
	return PyBool_FromLong(((PolicyObject *)self)->has_key);
}

static PyObject *get_is_default(PyObject *self, void *closure)
{
	(void)closure;
	return PyBool_FromLong(((PolicyObject *)self)->kind == KIND_DEFAULT);
}

static PyGetSetDef policy_getset[] = {
	{"name", get_name, NULL, PyDoc_STR("The policy's `name:` (str)."), NULL},
	{"rule_count", get_rule_count, NULL, PyDoc_STR("Number of rules, includes counted."), NULL},
	{"origin", get_origin, NULL,
	 PyDoc_STR("Where the policy came from: its file's path, the name given to "
	           "from_string() ('<policy>' by default) or 'builtin:default'."),
	 NULL},
	{"source", get_source, NULL,
	 PyDoc_STR("The YAML source (str), or None for the built-in default policy."), NULL},
	{"warnings", get_warnings, NULL,
	 PyDoc_STR("The compiler's warnings: a list of Diagnostic (empty when clean)."), NULL},
	{"has_hash_key", get_has_hash_key, NULL,
	 PyDoc_STR("True when the policy was given a hash_key for `hash` redaction."), NULL},
	{"is_default", get_is_default, NULL,
	 PyDoc_STR("True for the built-in default policy (Policy.default())."), NULL},
	{NULL, NULL, NULL, NULL, NULL}};

static PyMethodDef policy_methods[] = {
	{"scan", (PyCFunction)(void (*)(void))policy_scan, METH_FASTCALL | METH_KEYWORDS,
	 PyDoc_STR("scan($self, text, /, *, redact=False, explain=False, hash_key=None)\n--\n\n"
	           "Screens one post and returns a Result: the verdict ('allow', 'log', "
	           "'redact', 'review' or 'block') and the findings.\n\n"
	           "text: str, or bytes taken as UTF-8 (ill-formed bytes are repaired on the "
	           "way). Findings' start/end are str indices for str input and byte offsets "
	           "for bytes; byte_start/byte_end are always bytes of the UTF-8.\n"
	           "redact=True: Result.redacted holds the redacted post as well (one scan for "
	           "both).\n"
	           "explain=True: Result.near_misses lists the rules that almost fired, and why.\n"
	           "hash_key: 16 bytes for rules that redact with `hash` (implies redact=True); "
	           "default: the Policy's own key.\n\n"
	           "The GIL is released while the C library scans. Safe to call from any "
	           "number of threads at once.")},
	{"redact", (PyCFunction)(void (*)(void))policy_redact, METH_FASTCALL | METH_KEYWORDS,
	 PyDoc_STR("redact($self, text, /, *, hash_key=None)\n--\n\n"
	           "Screens one post and returns its redacted copy (str for str, bytes for "
	           "bytes): each finding rewritten by its rule's `redact:` operator, or its "
	           "category's default (cards '**** **** **** 1111', insults 'm*****', the rest "
	           "'[EMAIL]', '[PHONE]'...). Text outside the findings is kept exactly.\n\n"
	           "hash_key: 16 secret bytes for rules that redact with `hash`; default: the "
	           "Policy's own key (from_file/from_string(hash_key=...)). Without one, such a "
	           "rule raises ValueError.")},
	{"_scan_batch", policy_scan_batch, METH_VARARGS,
	 PyDoc_STR("_scan_batch($self, posts, threads, redact, explain, hash_key, /)\n--\n\n"
	           "Low level: see Policy.scan_many().")},
	{"_state", policy_state, METH_NOARGS,
	 PyDoc_STR("_state($self, /)\n--\n\nWhat pickling needs to compile this policy again.")},
	{"_compile", (PyCFunction)(void (*)(void))policy_compile, METH_VARARGS | METH_CLASS,
	 PyDoc_STR("_compile(kind, source, origin, flags, max_source_bytes, max_depth, "
	           "max_compiled_bytes, hash_key, /)\n--\n\nLow level: see from_string(), "
	           "from_file(), default().")},
	{NULL, NULL, 0, NULL}};

PyTypeObject mpy_PolicyType = {
	PyVarObject_HEAD_INIT(NULL, 0)
	.tp_name = "mesura._mesura.Policy",
	.tp_basicsize = sizeof(PolicyObject),
	.tp_dealloc = policy_dealloc,
	.tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
	.tp_doc = PyDoc_STR("The C core of mesura.Policy."),
	.tp_methods = policy_methods,
	.tp_getset = policy_getset,
	.tp_new = policy_new,
};
