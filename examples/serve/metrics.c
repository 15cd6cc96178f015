/*
 * metrics.c - counters for GET /metrics (Prometheus text format 0.0.4): posts by
 * verdict, findings by category, request latency, errors by kind, policy generation.
 * Counters are atomics; the categories (a few dozen names) sit behind a lock. Workers
 * add a job's counts at its end (handlers.c), not post by post.
 */
#include "serve.h"

static const double buckets[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                 0.05,   0.1,   0.25,   0.5,   1,    2.5};
#define N_BUCKETS (sizeof buckets / sizeof buckets[0])

static atomic_ulong requests_le[N_BUCKETS + 1]; /* the last one: +Inf */
static atomic_ulong requests_micros;            /* sum of latencies in microseconds */
static atomic_ulong posts[MESURA_ACTION_BLOCK + 1];
static atomic_ulong errors[ERR_KINDS];
static atomic_ulong generation, reload_failures;

#define MAX_CATEGORIES 128
static pthread_mutex_t categories_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
	char *name;
	unsigned long n;
} categories[MAX_CATEGORIES];
static size_t n_categories;
static unsigned long other_categories; /* past MAX_CATEGORIES (custom.* galore) */

const char *serve_error_name(serve_error e)
{
	static const char *names[ERR_KINDS] = {
	    "none",          "bad_json",  "bad_request", "unauthorized", "not_found",
	    "method",        "too_large", "media_type",  "policy",       "overloaded",
	    "draining",      "scan",      "internal",    "timeout",      "aborted"};
	return e < ERR_KINDS ? names[e] : "internal";
}

void metrics_request(double seconds, serve_error e)
{
	size_t b = 0;
	while (b < N_BUCKETS && seconds > buckets[b])
		b++;
	atomic_fetch_add(&requests_le[b], 1);
	atomic_fetch_add(&requests_micros, (unsigned long)(seconds * 1e6));
	if (e != ERR_NONE)
		metrics_error(e);
}

void metrics_posts(mesura_action verdict, unsigned long n)
{
	if (verdict <= MESURA_ACTION_BLOCK)
		atomic_fetch_add(&posts[verdict], n);
}

void metrics_error(serve_error e)
{
	atomic_fetch_add(&errors[e < ERR_KINDS ? e : ERR_INTERNAL], 1);
}

void metrics_findings(const char *category, unsigned long n)
{
	pthread_mutex_lock(&categories_lock);
	size_t i = 0;
	while (i < n_categories && strcmp(categories[i].name, category) != 0)
		i++;
	if (i == n_categories && n_categories < MAX_CATEGORIES) {
		categories[i].name = tool_xmalloc(strlen(category) + 1);
		strcpy(categories[i].name, category);
		n_categories++;
	}
	if (i < n_categories)
		categories[i].n += n;
	else
		other_categories += n;
	pthread_mutex_unlock(&categories_lock);
}

void metrics_policy(unsigned long gen, int reload_failed)
{
	atomic_store(&generation, gen);
	if (reload_failed)
		atomic_fetch_add(&reload_failures, 1);
}

/* A label value as the text format wants it: \ " and newline escaped. */
static void put_label(strbuf *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			strbuf_putc(out, '\\');
		if (*s == '\n') {
			strbuf_puts(out, "\\n");
			continue;
		}
		strbuf_putc(out, *s);
	}
}

void metrics_write(strbuf *out)
{
	strbuf_puts(out, "# HELP mesura_posts_total Posts screened, by verdict.\n"
	                 "# TYPE mesura_posts_total counter\n");
	for (int v = 0; v <= MESURA_ACTION_BLOCK; v++)
		strbuf_printf(out, "mesura_posts_total{verdict=\"%s\"} %lu\n",
		              mesura_action_name((mesura_action)v), atomic_load(&posts[v]));

	strbuf_puts(out, "# HELP mesura_findings_total Findings, by category.\n"
	                 "# TYPE mesura_findings_total counter\n");
	pthread_mutex_lock(&categories_lock);
	for (size_t i = 0; i < n_categories; i++) {
		strbuf_puts(out, "mesura_findings_total{category=\"");
		put_label(out, categories[i].name);
		strbuf_printf(out, "\"} %lu\n", categories[i].n);
	}
	if (other_categories)
		strbuf_printf(out, "mesura_findings_total{category=\"other\"} %lu\n",
		              other_categories);
	pthread_mutex_unlock(&categories_lock);

	strbuf_puts(out, "# HELP mesura_request_duration_seconds Time from a request's first "
	                 "byte to its answer.\n"
	                 "# TYPE mesura_request_duration_seconds histogram\n");
	unsigned long cumulative = 0;
	for (size_t b = 0; b <= N_BUCKETS; b++) {
		cumulative += atomic_load(&requests_le[b]);
		if (b < N_BUCKETS)
			strbuf_printf(out, "mesura_request_duration_seconds_bucket{le=\"%g\"} %lu\n",
			              buckets[b], cumulative);
		else
			strbuf_printf(out, "mesura_request_duration_seconds_bucket{le=\"+Inf\"} %lu\n",
			              cumulative);
	}
	strbuf_printf(out, "mesura_request_duration_seconds_sum %.6f\n",
	              (double)atomic_load(&requests_micros) / 1e6);
	strbuf_printf(out, "mesura_request_duration_seconds_count %lu\n", cumulative);

	strbuf_puts(out, "# HELP mesura_errors_total Requests answered with a problem, and "
	                 "posts that could not be screened, by kind.\n"
	                 "# TYPE mesura_errors_total counter\n");
	for (int e = ERR_NONE + 1; e < ERR_KINDS; e++)
		strbuf_printf(out, "mesura_errors_total{kind=\"%s\"} %lu\n",
		              serve_error_name((serve_error)e), atomic_load(&errors[e]));

	strbuf_printf(out, "# HELP mesura_queued_requests Requests waiting for a worker.\n"
	                   "# TYPE mesura_queued_requests gauge\n"
	                   "mesura_queued_requests %u\n",
	              pool_queued());
	strbuf_printf(out,
	              "# HELP mesura_policy_generation The policy in use: 1 at start, +1 per "
	              "reload.\n"
	              "# TYPE mesura_policy_generation gauge\n"
	              "mesura_policy_generation %lu\n"
	              "# HELP mesura_policy_reload_failures_total Reloads that kept the old "
	              "policy.\n"
	              "# TYPE mesura_policy_reload_failures_total counter\n"
	              "mesura_policy_reload_failures_total %lu\n",
	              atomic_load(&generation), atomic_load(&reload_failures));
}
