/* Compiles normalisation options once, so that each mesura_normalize() call only
 * reads a ready, immutable description. */
#include "normalizer.h"

#include <stdatomic.h>
#include <string.h>
#include <utf8proc.h>

#include "common/options.h"
#include "fold.h"
#include "mesura/errors.h"

#define FORMS (MESURA_NORM_NFC | MESURA_NORM_NFD | MESURA_NORM_NFKC | MESURA_NORM_NFKD)
#define ALL_FLAGS                                                                       \
	(FORMS | MESURA_NORM_CASEFOLD | MESURA_NORM_STRIP_MARKS |                           \
	 MESURA_NORM_REMOVE_INVISIBLES | MESURA_NORM_CONFUSABLES | MESURA_NORM_LEET |       \
	 MESURA_NORM_COLLAPSE_REPEATS | MESURA_NORM_JOIN_SPACED | MESURA_NORM_DIGITS |  \
	 MESURA_NORM_DECODE_MARKUP)
/* Flags that need characters decomposed (and usually recomposed). */
#define NEEDS_DECOMPOSITION \
	(FORMS | MESURA_NORM_CASEFOLD | MESURA_NORM_STRIP_MARKS | MESURA_NORM_CONFUSABLES)

MESURA_OPTIONS_LAYOUT(normalizer_options_layout, MESURA_NORMALIZER_OPTIONS_VERSION,
                      sizeof(mesura_normalizer_options));

int mesura_normalizer_options_init(mesura_normalizer_options *opts, unsigned int version)
{
	MESURA_OPTIONS_INIT_FROM_TEMPLATE(opts, version, mesura_normalizer_options,
	                                  MESURA_NORMALIZER_OPTIONS_INIT, normalizer_options_layout);
}

static int count_forms(unsigned int flags)
{
	unsigned int forms = flags & FORMS;
	int n = 0;
	for (; forms; forms &= forms - 1)
		n++;
	return n;
}

/* Adds the canonical decomposition (base + one mark) of each keep-letter. */
static int compile_keep_letters(mesura_normalizer *n, const char *letters)
{
	const unsigned char *s = (const unsigned char *)letters;
	size_t len = strlen(letters), i = 0;
	while (i < len) {
		int32_t cp, parts[4];
		i += mesura_utf8__decode(s, len, i, &cp);
		if (cp < 0 || n->n_keep == MESURA_MAX_KEEP_LETTERS)
			return MESURA_EINVAL;
		utf8proc_ssize_t k = utf8proc_decompose_char(cp, parts, 4, UTF8PROC_DECOMPOSE, NULL);
		if (k != 2 || utf8proc_get_property(parts[1])->combining_class == 0)
			return MESURA_EINVAL;
		n->keep[n->n_keep].base = parts[0];
		n->keep[n->n_keep].mark = parts[1];
		n->n_keep++;
	}
	return MESURA_OK;
}

static int compile_options(mesura_normalizer *n, const mesura_normalizer_options *opts)
{
	unsigned int flags = opts->flags;
	if ((flags & ~ALL_FLAGS) || count_forms(flags) > 1)
		return MESURA_EINVAL;
	if ((flags & NEEDS_DECOMPOSITION) && !(flags & FORMS))
		flags |= MESURA_NORM_NFC;
	n->flags = flags;
	n->decompose = (flags & NEEDS_DECOMPOSITION) != 0;
	n->compose = (flags & (MESURA_NORM_NFC | MESURA_NORM_NFKC)) != 0;
	int options = UTF8PROC_DECOMPOSE;
	if (flags & (MESURA_NORM_NFKC | MESURA_NORM_NFKD))
		options |= UTF8PROC_COMPAT;
	if (flags & MESURA_NORM_CASEFOLD)
		options |= UTF8PROC_CASEFOLD;
	n->utf8proc_options = options;
	n->fast_paths = 1;
	n->fold_fast_path = 1;
	const char *keep = opts->keep_letters ? opts->keep_letters : MESURA_KEEP_LETTERS_DEFAULT;
	return compile_keep_letters(n, keep);
}

/* The precomputed table is the same for every normaliser with the same flags and
 * keep-letters, and making one is nearly all the cost of compiling a small policy
 * (some 5 M instructions). Normalisers that also share an allocator therefore share
 * one table, counted, in a process-wide list behind a spin lock (held only to walk or
 * change the list: never while a table is computed). A table in the caller's own
 * memory (a mesura_allocator) is freed with the last normaliser that uses it, so it
 * never outlives the objects made from it; one made with malloc stays for the next
 * normaliser (a service that compiles a policy per request, the fuzzer), up to
 * IDLE_TABLES of them (some 34 KB each). */
typedef struct shared_pre {
	struct shared_pre *next;
	mesura_allocator alloc;
	unsigned int flags;
	keep_pair keep[MESURA_MAX_KEEP_LETTERS];
	size_t n_keep;
	size_t refs;
	pre_char *pre;
} shared_pre;

#define IDLE_TABLES 8

static shared_pre *shared_list;
static atomic_flag shared_lock = ATOMIC_FLAG_INIT;

static void lock_shared(void)
{
	while (atomic_flag_test_and_set_explicit(&shared_lock, memory_order_acquire))
		;
}

static void unlock_shared(void)
{
	atomic_flag_clear_explicit(&shared_lock, memory_order_release);
}

static int same_allocator(const mesura_allocator *a, const mesura_allocator *b)
{
	return a->malloc_fn == b->malloc_fn && a->realloc_fn == b->realloc_fn &&
	       a->free_fn == b->free_fn && a->user == b->user;
}

/* The flags a table depends on: not the word folds, which rework whole words after
 * stage 1 (fold.c) and never reach a precomputed character (normalize.c reads none of
 * them). The default policy's three views of the deobfuscating form share one table. */
static unsigned int table_flags(unsigned int flags)
{
	return flags & ~(unsigned int)MESURA_TEXT_WORD_FOLDS;
}

/* The table n can share, counted once more for n; NULL if none. Under the lock. */
static shared_pre *take_shared(mesura_normalizer *n)
{
	for (shared_pre *e = shared_list; e; e = e->next)
		if (e->flags == table_flags(n->flags) && e->n_keep == n->n_keep &&
		    memcmp(e->keep, n->keep, n->n_keep * sizeof *n->keep) == 0 &&
		    same_allocator(&e->alloc, &n->alloc)) {
			e->refs++;
			n->shared = e;
			n->pre = e->pre;
			return e;
		}
	return NULL;
}

/* Gives n its precomputed table: a shared one, or one made now and shared from then. */
static int attach_precomputed(mesura_normalizer *n)
{
	lock_shared();
	shared_pre *found = take_shared(n);
	unlock_shared();
	if (found)
		return MESURA_OK;
	shared_pre *e = mesura_alloc__malloc(&n->alloc, sizeof *e);
	if (!e)
		return MESURA_ENOMEM;
	int rc = mesura_text__precompute(n);
	if (rc != MESURA_OK) {
		mesura_alloc__free(&n->alloc, e);
		return rc;
	}
	*e = (shared_pre){.alloc = n->alloc, .flags = table_flags(n->flags), .n_keep = n->n_keep,
	                  .refs = 1, .pre = n->pre};
	memcpy(e->keep, n->keep, sizeof e->keep);
	lock_shared();
	pre_char *mine = n->pre;
	if (take_shared(n)) { /* another thread made the same table meanwhile */
		unlock_shared();
		mesura_alloc__free(&e->alloc, mine);
		mesura_alloc__free(&e->alloc, e);
		return MESURA_OK;
	}
	e->next = shared_list;
	shared_list = e;
	n->shared = e;
	unlock_shared();
	return MESURA_OK;
}

/* Whether a table nobody uses any more can stay listed: in malloc's memory, and fewer
 * than IDLE_TABLES idle ones listed. Under the lock. */
static int keeps_idle(const shared_pre *e)
{
	if (!mesura_alloc__is_default(&e->alloc))
		return 0;
	size_t idle = 0;
	for (const shared_pre *x = shared_list; x; x = x->next)
		idle += x != e && x->refs == 0;
	return idle < IDLE_TABLES;
}

static void release_shared(shared_pre *e)
{
	if (!e)
		return;
	lock_shared();
	int last = --e->refs == 0 && !keeps_idle(e);
	if (last)
		for (shared_pre **p = &shared_list; *p; p = &(*p)->next)
			if (*p == e) {
				*p = e->next;
				break;
			}
	unlock_shared();
	if (last) {
		mesura_allocator alloc = e->alloc;
		mesura_alloc__free(&alloc, e->pre);
		mesura_alloc__free(&alloc, e);
	}
}

int mesura_normalizer_new(mesura_normalizer **out, const mesura_normalizer_options *opts,
                          const mesura_allocator *allocator)
{
	if (!out)
		return MESURA_EINVAL;
	*out = NULL;
	static const mesura_normalizer_options defaults = MESURA_NORMALIZER_OPTIONS_INIT;
	mesura_normalizer_options o;
	int rc = mesura_options__read(&o, opts, &defaults, &normalizer_options_layout);
	if (rc != MESURA_OK)
		return rc;
	opts = &o;
	mesura_normalizer *n;
	rc = mesura_alloc__new_object((void **)&n, sizeof *n, allocator);
	if (rc != MESURA_OK)
		return rc;
	rc = compile_options(n, opts);
	if (rc == MESURA_OK)
		rc = attach_precomputed(n);
	if (rc != MESURA_OK) {
		mesura_normalizer_free(n);
		return rc;
	}
	*out = n;
	return MESURA_OK;
}

void mesura_normalizer_free(mesura_normalizer *normalizer)
{
	if (normalizer) {
		mesura_allocator alloc = normalizer->alloc;
		release_shared(normalizer->shared);
		mesura_alloc__free(&alloc, normalizer);
	}
}

unsigned int mesura_normalizer_flags(const mesura_normalizer *normalizer)
{
	return normalizer ? normalizer->flags : 0;
}
