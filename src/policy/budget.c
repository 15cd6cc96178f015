/*
 * The compiled-size limit (compile option max_compiled_bytes). A small policy can ask
 * for a huge compiled one: a long lexicon term used by many rules, terms that NFKC
 * expands tenfold, repeated groups that PCRE2 copies out. So the compiler counts every
 * byte it allocates for the policy (terms, automata, PCRE2 code, temporaries: each
 * allocation and each reallocation in full) and the JIT code, and refuses the
 * allocation that would pass the limit: the compile then stops at once and fails with
 * MESURA_ELIMIT, instead of eating the machine's memory first.
 */
#include "compiled.h"

/* Counts an allocation of `size` bytes; 0 when it would pass the limit (refused). */
static int budget_take(struct policy_budget *b, size_t size)
{
	if (!b->counting)
		return 1;
	if (size > b->limit - b->used) {
		b->exceeded = 1;
		return 0;
	}
	b->used += size;
	return 1;
}

static void *budget_malloc(size_t size, void *user)
{
	struct policy_budget *b = user;
	return budget_take(b, size) ? b->inner.malloc_fn(size, b->inner.user) : NULL;
}

static void *budget_realloc(void *ptr, size_t size, void *user)
{
	struct policy_budget *b = user;
	return budget_take(b, size) ? b->inner.realloc_fn(ptr, size, b->inner.user) : NULL;
}

static void budget_free(void *ptr, void *user)
{
	struct policy_budget *b = user;
	b->inner.free_fn(ptr, b->inner.user);
}

void mesura_policy__budget_start(mesura_policy *p, size_t limit)
{
	p->budget.inner = p->alloc;
	p->budget.used = 0;
	p->budget.limit = limit;
	p->budget.counting = 1;
	p->budget.exceeded = 0;
	p->alloc = (mesura_allocator){budget_malloc, budget_realloc, budget_free, &p->budget};
}

void mesura_policy__budget_stop(mesura_policy *p)
{
	p->budget.counting = 0;
	p->alloc = p->budget.inner;
}

int mesura_policy__budget_charge(mesura_policy *p, size_t bytes)
{
	struct policy_budget *b = &p->budget;
	if (!b->counting)
		return 1;
	if (bytes > b->limit - b->used) {
		b->exceeded = 1;
		return 0;
	}
	b->used += bytes;
	return 1;
}
