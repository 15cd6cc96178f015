/*
 * policy.c - the service's current policy: compiled off to the side on reload, then
 * swapped in under a lock; each user holds a reference, so a reload never frees a
 * policy a request is still using, and no request ever sees a half-built one.
 */
#include <stdlib.h>

#include "serve.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;   /* guards `current` */
static pthread_mutex_t reloading = PTHREAD_MUTEX_INITIALIZER; /* one reload at a time */
static loaded_policy *current;
static const char *source;     /* --policy as given (NULL: the built-in default) */
static int no_file_access;

static void put_rule(strbuf *out, const mesura_rule *r)
{
	strbuf_puts(out, "{\"id\":");
	strbuf_json_string(out, r->id, strlen(r->id));
	record_rule_fields(out, r->category, r->severity, r->action);
	strbuf_puts(out, ",\"description\":");
	if (r->description)
		strbuf_json_string(out, r->description, strlen(r->description));
	else
		strbuf_puts(out, "null");
	strbuf_putc(out, '}');
}

/* GET /v1/policy's answer: written once, when the policy is loaded. */
static void describe(loaded_policy *p)
{
	strbuf *out = &p->json;
	const char *name = mesura_policy_name(p->policy);
	strbuf_puts(out, "{\"name\":");
	strbuf_json_string(out, name, strlen(name));
	strbuf_puts(out, ",\"generation\":");
	strbuf_put_uint(out, p->generation);
	strbuf_puts(out, ",\"source\":");
	const char *from = source ? source : "builtin:default";
	strbuf_json_string(out, from, strlen(from));
	strbuf_puts(out, ",\"mesura\":\"");
	strbuf_puts(out, mesura_version_string());
	strbuf_puts(out, "\",\"rules\":[");
	for (size_t i = 0; i < mesura_policy_rule_count(p->policy); i++) {
		if (i)
			strbuf_putc(out, ',');
		put_rule(out, mesura_policy_rule_get(p->policy, i));
	}
	strbuf_puts(out, "]}");
}

static void put_diagnostics(strbuf *out, const mesura_diagnostics *diags)
{
	strbuf_puts(out, "\"diagnostics\":[");
	for (size_t i = 0; i < mesura_diagnostics_count(diags); i++) {
		const mesura_diagnostic *d = mesura_diagnostics_get(diags, i);
		strbuf_puts(out, i ? ",{\"severity\":\"" : "{\"severity\":\"");
		strbuf_puts(out, d->severity == MESURA_DIAG_ERROR ? "error" : "warning");
		strbuf_puts(out, "\",\"file\":");
		strbuf_json_string(out, d->file, strlen(d->file));
		strbuf_puts(out, ",\"line\":");
		strbuf_put_uint(out, d->line);
		strbuf_puts(out, ",\"column\":");
		strbuf_put_uint(out, d->column);
		strbuf_puts(out, ",\"path\":");
		strbuf_json_string(out, d->path, strlen(d->path));
		strbuf_puts(out, ",\"rule\":");
		if (d->rule_id)
			strbuf_json_string(out, d->rule_id, strlen(d->rule_id));
		else
			strbuf_puts(out, "null");
		strbuf_puts(out, ",\"message\":");
		strbuf_json_string(out, d->message, strlen(d->message));
		strbuf_putc(out, '}');
	}
	strbuf_putc(out, ']');
}

/* Compiles the policy; NULL when it does not compile. `report` gets the diagnostics. */
static loaded_policy *load(unsigned long generation, strbuf *report, int *rc)
{
	mesura_policy *policy = NULL;
	mesura_diagnostics *diags = NULL;
	*rc = tool_compile_policy(&policy, source, no_file_access, &diags);
	put_diagnostics(report, diags);
	mesura_diagnostics_free(diags);
	if (*rc != MESURA_OK) {
		mesura_policy_free(policy);
		return NULL;
	}
	loaded_policy *p = tool_xmalloc(sizeof *p);
	*p = (loaded_policy){.policy = policy, .generation = generation};
	atomic_init(&p->refs, 1); /* the service's own, dropped when it is replaced */
	describe(p);
	return p;
}

int policy_start(const serve_options *opts)
{
	source = opts->policy;
	no_file_access = opts->no_file_access;
	strbuf report = {0};
	int rc;
	current = load(1, &report, &rc);
	if (!current) {
		fprintf(stderr, "%s: cannot load the policy %s: %s %s\n", tool_name,
		        source ? source : "builtin:default", mesura_strerror(rc), report.data);
		strbuf_free(&report);
		return -1;
	}
	strbuf_free(&report);
	metrics_policy(1, 0);
	return 0;
}

loaded_policy *policy_acquire(void)
{
	pthread_mutex_lock(&lock);
	loaded_policy *p = current;
	atomic_fetch_add(&p->refs, 1);
	pthread_mutex_unlock(&lock);
	return p;
}

void policy_release(loaded_policy *p)
{
	if (p && atomic_fetch_sub(&p->refs, 1) == 1) {
		mesura_policy_free(p->policy); /* scanners made from it keep it alive */
		strbuf_free(&p->json);
		free(p);
	}
}

int policy_reload(strbuf *report)
{
	pthread_mutex_lock(&reloading);
	loaded_policy *old = policy_acquire();
	unsigned long generation = old->generation;
	int rc;
	strbuf diags = {0};
	loaded_policy *fresh = load(generation + 1, &diags, &rc); /* no lock held */
	if (fresh) {
		pthread_mutex_lock(&lock);
		current = fresh;
		pthread_mutex_unlock(&lock);
		policy_release(old); /* the service's reference */
		generation++;
	}
	policy_release(old); /* this function's */
	pthread_mutex_unlock(&reloading);
	metrics_policy(generation, !fresh);
	strbuf_puts(report, "\"generation\":");
	strbuf_put_uint(report, generation);
	strbuf_puts(report, ",\"reloaded\":");
	strbuf_puts(report, fresh ? "true" : "false");
	if (!fresh) {
		strbuf_puts(report, ",\"compile_status\":");
		strbuf_json_string(report, mesura_strerror(rc), strlen(mesura_strerror(rc)));
	}
	strbuf_putc(report, ',');
	strbuf_put(report, diags.data, diags.len);
	strbuf_free(&diags);
	return fresh ? 0 : -1;
}

void policy_stop(void)
{
	pthread_mutex_lock(&lock);
	loaded_policy *p = current;
	current = NULL;
	pthread_mutex_unlock(&lock);
	policy_release(p);
}
