/*
 * handlers.c - the work of the endpoints that screen, run on a worker thread with the
 * worker's own scanner and redactor, over the policy current when the job started.
 *
 * The answers are mesura-screen's JSONL records (common/record.c) with UTF-16 offsets
 * added. A post that cannot be screened gets its record with verdict review (or
 * stronger), no findings and an "error": nothing that failed ever reads as allow.
 */
/* /v1/explain uses explain mode (mesura/experimental.h; main checks the library). */
#define MESURA_EXPERIMENTAL
#include <stdlib.h>

#include "serve.h"

/* The normalised views /v1/explain shows (as mesura-explain does). */
static const struct {
	const char *name;
	unsigned flags;
} views[] = {
    {"moderation", MESURA_NORM_MODERATION},
    {"deobfuscate", MESURA_NORM_DEOBFUSCATE},
    {"nfkc", MESURA_NORM_NFKC},
};
#define N_VIEWS (sizeof views / sizeof views[0])

struct worker_state {
	const serve_options *opts;
	unsigned long generation; /* of the policy `scanner` was made from */
	mesura_scanner *scanner;
	mesura_redactor *redactor;
	mesura_normalizer *normalizers[N_VIEWS];
	mesura_view *view;
	char why[160];
};

worker_state *worker_state_new(const serve_options *opts)
{
	worker_state *w = tool_xmalloc(sizeof *w);
	*w = (worker_state){.opts = opts};
	mesura_redactor_options ropts = MESURA_REDACTOR_OPTIONS_INIT;
	ropts.hash_key = opts->hash_key;
	int rc = mesura_redactor_new(&w->redactor, &ropts, NULL);
	if (rc == MESURA_OK)
		rc = mesura_view_new(&w->view, NULL);
	for (size_t i = 0; i < N_VIEWS && rc == MESURA_OK; i++) {
		mesura_normalizer_options o = MESURA_NORMALIZER_OPTIONS_INIT;
		o.flags = views[i].flags;
		rc = mesura_normalizer_new(&w->normalizers[i], &o, NULL);
	}
	if (rc != MESURA_OK) {
		worker_state_free(w);
		return NULL;
	}
	return w;
}

void worker_state_free(worker_state *w)
{
	if (!w)
		return;
	mesura_scanner_free(w->scanner);
	mesura_redactor_free(w->redactor);
	for (size_t i = 0; i < N_VIEWS; i++)
		mesura_normalizer_free(w->normalizers[i]);
	mesura_view_free(w->view);
	free(w);
}

/* A scanner for `p`: the worker's, made again when the policy changed. */
static int scanner_for(worker_state *w, const loaded_policy *p)
{
	if (w->scanner && w->generation == p->generation)
		return MESURA_OK;
	mesura_scanner_free(w->scanner);
	w->scanner = NULL;
	int rc = mesura_scanner_new(&w->scanner, p->policy, NULL);
	w->generation = rc == MESURA_OK ? p->generation : 0;
	return rc;
}

static void fail(job *j, serve_error e, const char *detail)
{
	j->status = problem_status(e);
	j->problem = 1;
	j->error = e;
	problem_write(&j->answer, e, detail, j->path, NULL);
}

/* The record head: the post's "id", else its 1-based place in the request. */
static void put_head(strbuf *out, const json_t *id, size_t place)
{
	strbuf_puts(out, "{\"id\":");
	if (id)
		strbuf_json(out, id);
	else
		strbuf_put_uint(out, place);
}

static void count_post(job *j, mesura_action verdict)
{
	metrics_post(verdict);
	j->posts++;
	if ((int)verdict > j->verdict)
		j->verdict = (int)verdict;
}

static void unscreened(job *j, mesura_action verdict, const char *why)
{
	record_unscreened(&j->answer, verdict, why);
	metrics_error(ERR_SCAN);
	count_post(j, verdict);
	if (j->error == ERR_NONE)
		j->error = ERR_SCAN;
}

/* Tests only: with MESURA_TEST_HOLD set to a FIFO's path, a post containing
 * "hold-the-worker" makes its worker wait until the test writes a byte to the FIFO, so
 * that the tests can fill the queue and drain on SIGTERM without racing the clock. */
static void test_hold(const char *text, size_t len)
{
	static const char mark[] = "hold-the-worker";
	const char *fifo = getenv("MESURA_TEST_HOLD");
	if (!fifo || !fifo[0] || len < sizeof mark - 1)
		return;
	for (size_t i = 0; i + sizeof mark - 1 <= len; i++)
		if (memcmp(text + i, mark, sizeof mark - 1) == 0) {
			FILE *f = fopen(fifo, "r"); /* blocks until the test opens it to write */
			if (f) {
				fgetc(f);
				fclose(f);
			}
			return;
		}
}

/* Screens one post and writes its record (head already written). */
static void screen_post(worker_state *w, job *j, const loaded_policy *p, const char *text,
                        size_t len, const json_t *object, int redact)
{
	test_hold(text, len);
	const mesura_result *res;
	int rc = tool_scan(w->scanner, text, len, 0, &res);
	int limited = rc == MESURA_ELIMIT;
	if (rc != MESURA_OK && !limited) {
		snprintf(w->why, sizeof w->why, "cannot screen: %s", mesura_strerror(rc));
		unscreened(j, MESURA_ACTION_REVIEW, w->why);
		return;
	}
	if (limited && (res->limits_hit & MESURA_LIMIT_POST_SIZE)) { /* nothing screened */
		unscreened(j, MESURA_ACTION_REVIEW, tool_limit_reason(MESURA_LIMIT_POST_SIZE));
		return;
	}
	const char *redacted = NULL;
	size_t redacted_len = 0;
	/* as mesura-screen: a post screened only in part gets no redacted copy */
	if (redact && !limited) {
		redacted = text;
		redacted_len = len;
		rc = MESURA_OK;
		if (mesura_result_finding_count(res))
			rc = mesura_redact_result(w->redactor, p->policy, text, len, res, &redacted,
			                          &redacted_len);
		if (rc != MESURA_OK) {
			snprintf(w->why, sizeof w->why, "cannot redact: %s", mesura_strerror(rc));
			unscreened(j, res->verdict > MESURA_ACTION_REVIEW ? res->verdict
			                                                  : MESURA_ACTION_REVIEW,
			           w->why);
			return;
		}
	}
	record_screened(&j->answer, text, len, res, limited, redacted, redacted_len, object,
	                RECORD_UTF16);
	count_post(j, res->verdict);
	for (size_t i = 0; i < mesura_result_finding_count(res); i++)
		metrics_finding(mesura_result_finding_get(res, i)->category);
	j->findings += mesura_result_finding_count(res);
}

static void log_text(worker_state *w, job *j, const char *text, size_t len)
{
	if (!w->opts->log_posts)
		return;
	strbuf_putc(&j->logged_posts, j->logged_posts.len ? ',' : '[');
	strbuf_json_string(&j->logged_posts, text, len);
}

/* {"posts": [...]}: a record per element, in order, inside {"results": [...]}. An
 * element that is not an object with a string "text" gets a record that says so. */
static void screen_batch(worker_state *w, job *j, const loaded_policy *p, json_t *posts,
                         int redact)
{
	strbuf_puts(&j->answer, "{\"results\":[");
	for (size_t i = 0; i < json_array_size(posts); i++) {
		json_t *item = json_array_get(posts, i);
		json_t *id = json_is_object(item) ? json_object_get(item, "id") : NULL;
		json_t *text = json_is_object(item) ? json_object_get(item, "text") : NULL;
		if (i)
			strbuf_putc(&j->answer, ',');
		put_head(&j->answer, id, i + 1);
		if (!json_is_string(text)) {
			unscreened(j, MESURA_ACTION_REVIEW,
			           json_is_object(item) ? "no string \"text\"" : "not an object");
			continue;
		}
		log_text(w, j, json_string_value(text), json_string_length(text));
		screen_post(w, j, p, json_string_value(text), json_string_length(text), item, redact);
	}
	strbuf_puts(&j->answer, "]}");
}

/* /v1/explain: the record with what matched, the near misses and the views. */
static void explain_post(worker_state *w, job *j, const char *text, size_t len)
{
	const mesura_result *res;
	int rc = tool_scan(w->scanner, text, len, MESURA_SCAN_EXPLAIN, &res);
	if (rc != MESURA_OK && rc != MESURA_ELIMIT) {
		snprintf(w->why, sizeof w->why, "cannot screen: %s", mesura_strerror(rc));
		unscreened(j, MESURA_ACTION_REVIEW, w->why);
		return;
	}
	record_findings(&j->answer, text, len, res, RECORD_UTF16 | RECORD_EXPLAIN);
	const mesura_finding *decisive = mesura_result_finding_get(res, res->decisive);
	strbuf_puts(&j->answer, ",\"decisive\":");
	if (decisive)
		strbuf_json_string(&j->answer, decisive->rule_id, strlen(decisive->rule_id));
	else
		strbuf_puts(&j->answer, "null");
	if (rc == MESURA_ELIMIT)
		strbuf_puts(&j->answer, ",\"incomplete\":true");
	strbuf_puts(&j->answer, ",\"views\":{");
	for (size_t i = 0; i < N_VIEWS; i++) {
		if (i)
			strbuf_putc(&j->answer, ',');
		strbuf_json_string(&j->answer, views[i].name, strlen(views[i].name));
		strbuf_putc(&j->answer, ':');
		size_t n;
		if (mesura_normalize(w->normalizers[i], w->view, text, len) == MESURA_OK) {
			const char *v = mesura_view_text(w->view, &n);
			strbuf_json_string(&j->answer, v, n);
		} else {
			strbuf_puts(&j->answer, "null");
		}
	}
	strbuf_puts(&j->answer, "}}");
	count_post(j, res->verdict);
	for (size_t i = 0; i < mesura_result_finding_count(res); i++)
		metrics_finding(mesura_result_finding_get(res, i)->category);
	j->findings += mesura_result_finding_count(res);
}

/* Screens, redacts or explains what the request body asks for. */
static void screen_request(worker_state *w, job *j, const loaded_policy *p)
{
	json_error_t error;
	json_t *root = tool_json_loadb(j->body, j->body_len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL,
	                          &error);
	if (!root) {
		char detail[256];
		snprintf(detail, sizeof detail, "line %d, column %d: %s", error.line, error.column,
		         error.text);
		fail(j, ERR_BAD_JSON, detail);
		return;
	}
	json_t *text = json_object_get(root, "text"), *posts = json_object_get(root, "posts");
	json_t *redact = json_object_get(root, "redact");
	if (!json_is_object(root))
		fail(j, ERR_BAD_REQUEST, "the body must be a JSON object");
	else if (redact && !json_is_boolean(redact))
		fail(j, ERR_BAD_REQUEST, "\"redact\" must be true or false");
	else if (posts && (text || j->route == ROUTE_EXPLAIN))
		fail(j, ERR_BAD_REQUEST, j->route == ROUTE_EXPLAIN
		                             ? "/v1/explain takes one post: {\"text\": ...}"
		                             : "give \"text\" or \"posts\", not both");
	else if (posts && !json_is_array(posts))
		fail(j, ERR_BAD_REQUEST, "\"posts\" must be an array of {\"id\", \"text\"} objects");
	else if (posts && json_array_size(posts) > w->opts->max_posts) {
		char detail[96];
		snprintf(detail, sizeof detail, "%zu posts; at most %u in one request",
		         json_array_size(posts), w->opts->max_posts);
		fail(j, ERR_TOO_LARGE, detail);
	} else if (!posts && !json_is_string(text))
		fail(j, ERR_BAD_REQUEST, "no string \"text\" (or \"posts\" array) to screen");
	else {
		int redacting = j->route == ROUTE_REDACT || json_is_true(redact);
		j->status = 200;
		if (posts) {
			screen_batch(w, j, p, posts, redacting);
		} else {
			const char *s = json_string_value(text);
			size_t n = json_string_length(text);
			log_text(w, j, s, n);
			put_head(&j->answer, json_object_get(root, "id"), 1);
			json_object_del(root, "redact"); /* a request option, not a field to echo */
			if (j->route == ROUTE_EXPLAIN)
				explain_post(w, j, s, n);
			else
				screen_post(w, j, p, s, n, root, redacting);
		}
		if (j->logged_posts.len)
			strbuf_putc(&j->logged_posts, ']');
	}
	json_decref(root);
}

void handle_job(worker_state *w, job *j)
{
	j->verdict = -1;
	if (j->route == ROUTE_RELOAD) {
		strbuf report = {0};
		int rc = policy_reload(&report);
		loaded_policy *p = policy_acquire();
		j->generation = p->generation;
		policy_release(p);
		if (rc == 0) {
			j->status = 200;
			strbuf_putc(&j->answer, '{');
			strbuf_put(&j->answer, report.data, report.len);
			strbuf_putc(&j->answer, '}');
			log_event("reload", report.data);
		} else {
			strbuf extra = {0};
			strbuf_putc(&extra, ',');
			strbuf_put(&extra, report.data, report.len);
			j->status = problem_status(ERR_POLICY);
			j->problem = 1;
			j->error = ERR_POLICY;
			problem_write(&j->answer, ERR_POLICY,
			              "the policy does not compile: see \"diagnostics\"", j->path, extra.data);
			log_event("reload_failed", report.data);
			strbuf_free(&extra);
		}
		strbuf_free(&report);
		return;
	}
	loaded_policy *p = policy_acquire(); /* this job's policy, whatever reloads happen */
	j->generation = p->generation;
	int rc = scanner_for(w, p);
	if (rc != MESURA_OK) {
		char detail[128];
		snprintf(detail, sizeof detail, "cannot make a scanner: %s", mesura_strerror(rc));
		fail(j, ERR_INTERNAL, detail);
	} else {
		screen_request(w, j, p);
	}
	policy_release(p);
}
