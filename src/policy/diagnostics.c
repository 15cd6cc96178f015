#include "diagnostics.h"

#include <stdio.h>
#include <string.h>

#include "mesura/errors.h"

int mesura_policy__diags_new(mesura_diagnostics **out, const char *file,
                             const mesura_allocator *alloc)
{
	mesura_diagnostics *d;
	int rc = mesura_alloc__new_object((void **)&d, sizeof *d, alloc);
	if (rc != MESURA_OK)
		return rc;
	mesura_arena__init(&d->arena, &d->alloc);
	d->file = mesura_arena__strndup(&d->arena, file, strlen(file));
	if (!d->file) {
		mesura_diagnostics_free(d);
		return MESURA_ENOMEM;
	}
	*out = d;
	return MESURA_OK;
}

int mesura_policy__diags_set_file(mesura_diagnostics *d, const char *file)
{
	if (strcmp(d->file, file) == 0)
		return MESURA_OK;
	const char *copy = mesura_arena__strndup(&d->arena, file, strlen(file));
	if (!copy)
		return MESURA_ENOMEM;
	d->file = copy;
	return MESURA_OK;
}

static const char *copy(mesura_diagnostics *d, const char *s)
{
	return s ? mesura_arena__strndup(&d->arena, s, strlen(s)) : NULL;
}

void mesura_policy__diag(mesura_diagnostics *d, mesura_diag_severity severity, int status,
                         const mesura_diag_at *at, const char *fmt, ...)
{
	char message[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(message, sizeof message, fmt, ap);
	va_end(ap);
	void *items = d->items;
	if (mesura_alloc__grow(&d->alloc, &items, &d->cap, d->n + 1, sizeof(mesura_diagnostic)) !=
	    MESURA_OK) {
		d->out_of_memory = 1;
		return;
	}
	d->items = items;
	mesura_diagnostic *g = &d->items[d->n];
	g->severity = severity;
	g->status = status;
	g->file = d->file;
	g->path = copy(d, at->path ? at->path : "");
	g->rule_id = copy(d, at->rule_id);
	g->byte_offset = at->offset;
	g->line = at->line;
	g->column = at->column;
	g->message = copy(d, message);
	if (!g->path || !g->message || (at->rule_id && !g->rule_id)) {
		d->out_of_memory = 1;
		return;
	}
	d->n++;
	d->errors += severity == MESURA_DIAG_ERROR;
}

size_t mesura_diagnostics_count(const mesura_diagnostics *diags)
{
	return diags ? diags->n : 0;
}

const mesura_diagnostic *mesura_diagnostics_get(const mesura_diagnostics *diags, size_t i)
{
	return diags && i < diags->n ? &diags->items[i] : NULL;
}

size_t mesura_diagnostics_errors(const mesura_diagnostics *diags)
{
	return diags ? diags->errors : 0;
}

void mesura_diagnostics_free(mesura_diagnostics *diags)
{
	if (!diags)
		return;
	mesura_allocator a = diags->alloc;
	mesura_arena__free(&diags->arena);
	mesura_alloc__free(&a, diags->items);
	mesura_alloc__free(&a, diags);
}
