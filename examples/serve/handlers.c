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
	const char *hold_fifo;   /* MESURA_TEST_HOLD (tests only), read once */
	batch_request batch;     /* a batch request read straight from its body */
	size_t answer_per_kib;   /* answer bytes per KiB of body in the last batch */
	/* the job's counts, added to the metrics once at its end (not a lock per post) */
	unsigned long verdicts[MESURA_ACTION_BLOCK + 1];
	struct {
		const char *category; /* the policy's: the job holds it */
		unsigned long n;
	} categories[32];
	size_t n_categories;
};

worker_state *worker_state_new(const serve_options *opts)
{
	worker_state *w = tool_xmalloc(sizeof *w);
	*w = (worker_state){.opts = opts, .hold_fifo = getenv("MESURA_TEST_HOLD")};
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
	batch_request_free(&w->batch);
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

static void count_post(worker_state *w, job *j, mesura_action verdict)
{
	if (verdict <= MESURA_ACTION_BLOCK)
		w->verdicts[verdict]++;
	j->posts++;
	if ((int)verdict > j->verdict)
		j->verdict = (int)verdict;
}

static void count_findings(worker_state *w, job *j, const mesura_result *res)
{
	size_t n = mesura_result_finding_count(res);
	for (size_t i = 0; i < n; i++) {
		const char *category = mesura_result_finding_get(res, i)->category;
		size_t k = 0;
		while (k < w->n_categories && w->categories[k].category != category &&
		       strcmp(w->categories[k].category, category) != 0)
			k++;
		if (k == w->n_categories) {
			if (k == sizeof w->categories / sizeof w->categories[0]) {
				metrics_findings(category, 1); /* more categories than the job's table */
				continue;
			}
			w->categories[k].category = category;
			w->categories[k].n = 0;
			w->n_categories++;
		}
		w->categories[k].n++;
	}
	j->findings += n;
}

/* Adds the job's counts to the metrics (before its policy is released). */
static void flush_counts(worker_state *w)
{
	for (int v = 0; v <= MESURA_ACTION_BLOCK; v++)
		if (w->verdicts[v]) {
			metrics_posts((mesura_action)v, w->verdicts[v]);
			w->verdicts[v] = 0;
		}
	for (size_t k = 0; k < w->n_categories; k++)
		metrics_findings(w->categories[k].category, w->categories[k].n);
	w->n_categories = 0;
}

static void unscreened(worker_state *w, job *j, mesura_action verdict, const char *why)
{
	record_unscreened(&j->answer, verdict, why);
	metrics_error(ERR_SCAN);
	count_post(w, j, verdict);
	if (j->error == ERR_NONE)
		j->error = ERR_SCAN;
}

/* Tests only: with MESURA_TEST_HOLD set to a FIFO's path, a post containing
 * "hold-the-worker" makes its worker wait until the test writes a byte to the FIFO, so
 * that the tests can fill the queue and drain on SIGTERM without racing the clock. */
static void test_hold(const char *fifo, const char *text, size_t len)
{
	static const char mark[] = "hold-the-worker";
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
	test_hold(w->hold_fifo, text, len);
	const mesura_result *res;
	int rc = tool_scan(w->scanner, text, len, 0, &res);
	int limited = rc == MESURA_ELIMIT;
	if (rc != MESURA_OK && !limited) {
		snprintf(w->why, sizeof w->why, "cannot screen: %s", mesura_strerror(rc));
		unscreened(w, j, MESURA_ACTION_REVIEW, w->why);
		return;
	}
	if (limited && (res->limits_hit & MESURA_LIMIT_POST_SIZE)) { /* nothing screened */
		unscreened(w, j, MESURA_ACTION_REVIEW, tool_limit_reason(MESURA_LIMIT_POST_SIZE));
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
			unscreened(w, j, res->verdict > MESURA_ACTION_REVIEW ? res->verdict
			                                                     : MESURA_ACTION_REVIEW,
			           w->why);
			return;
		}
	}
	record_screened(&j->answer, text, len, res, limited, redacted, redacted_len, object,
	                RECORD_UTF16);
	count_post(w, j, res->verdict);
	count_findings(w, j, res);
}

static void log_text(worker_state *w, job *j, const char *text, size_t len)
{
	if (!w->opts->log_posts)
		return;
	strbuf_putc(&j->logged_posts, j->logged_posts.len ? ',' : '[');
	strbuf_json_string(&j->logged_posts, text, len);
}

/* The record of a batch's element `place` (1-based) read as a tree. An element that is
 * not an object with a string "text" gets a record that says so. */
static void screen_item(worker_state *w, job *j, const loaded_policy *p, json_t *item,
                        size_t place, int redact)
{
	json_t *id = json_is_object(item) ? json_object_get(item, "id") : NULL;
	json_t *text = json_is_object(item) ? json_object_get(item, "text") : NULL;
	put_head(&j->answer, id, place);
	if (!json_is_string(text)) {
		unscreened(w, j, MESURA_ACTION_REVIEW,
		           json_is_object(item) ? "no string \"text\"" : "not an object");
		return;
	}
	log_text(w, j, json_string_value(text), json_string_length(text));
	screen_post(w, j, p, json_string_value(text), json_string_length(text), item, redact);
}

/* {"posts": [...]} as a tree: a record per element, in order, in {"results": [...]}. */
static void screen_batch(worker_state *w, job *j, const loaded_policy *p, json_t *posts,
                         int redact)
{
	strbuf_puts(&j->answer, "{\"results\":[");
	for (size_t i = 0; i < json_array_size(posts); i++) {
		if (i)
			strbuf_putc(&j->answer, ',');
		screen_item(w, j, p, json_array_get(posts, i), i + 1, redact);
	}
	strbuf_puts(&j->answer, "]}");
}

/* The same for a batch read straight from the body (w->batch, tool_json_batch): the
 * plain posts ({"id", "text"}) without a tree; the answer's buffer sized at once from
 * the last batch's answer per byte of body. */
static void screen_batch_read(worker_state *w, job *j, const loaded_policy *p)
{
	const batch_request *b = &w->batch;
	if (b->count > w->opts->max_posts) {
		char detail[96];
		snprintf(detail, sizeof detail, "%zu posts; at most %u in one request", b->count,
		         w->opts->max_posts);
		fail(j, ERR_TOO_LARGE, detail);
		return;
	}
	int redact = j->route == ROUTE_REDACT || b->redact;
	j->status = 200;
	strbuf_grow(&j->answer, j->body_len / 1024 * w->answer_per_kib + 256);
	strbuf_puts(&j->answer, "{\"results\":[");
	for (size_t i = 0; i < b->count; i++) {
		const batch_post *bp = &b->posts[i];
		if (i)
			strbuf_putc(&j->answer, ',');
		if (bp->item) {
			screen_item(w, j, p, bp->item, i + 1, redact);
			continue;
		}
		strbuf_puts(&j->answer, "{\"id\":");
		if (bp->id)
			strbuf_put(&j->answer, bp->id, bp->id_len);
		else
			strbuf_put_uint(&j->answer, i + 1);
		log_text(w, j, bp->text, bp->len);
		screen_post(w, j, p, bp->text, bp->len, NULL, redact);
	}
	strbuf_puts(&j->answer, "]}");
	if (j->logged_posts.len)
		strbuf_putc(&j->logged_posts, ']');
	size_t kib = j->body_len / 1024;
	if (kib) { /* the next answer's first size: a guess, at most 16 times its body */
		size_t per_kib = j->answer.len / kib + 64;
		w->answer_per_kib = per_kib < 16 * 1024 ? per_kib : 16 * 1024;
	}
}

/* /v1/explain: the record with what matched, the near misses and the views. */
static void explain_post(worker_state *w, job *j, const char *text, size_t len)
{
	const mesura_result *res;
	int rc = tool_scan(w->scanner, text, len, MESURA_SCAN_EXPLAIN, &res);
	if (rc != MESURA_OK && rc != MESURA_ELIMIT) {
		snprintf(w->why, sizeof w->why, "cannot screen: %s", mesura_strerror(rc));
		unscreened(w, j, MESURA_ACTION_REVIEW, w->why);
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
	count_post(w, j, res->verdict);
	count_findings(w, j, res);
}

/* Screens, redacts or explains what the request body asks for. */
static void screen_request(worker_state *w, job *j, const loaded_policy *p)
{
	const size_t flags = JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL;
	if (j->route != ROUTE_EXPLAIN && tool_json_batch(&w->batch, j->body, j->body_len, flags)) {
		screen_batch_read(w, j, p);
		batch_request_clear(&w->batch);
		return;
	}
	json_error_t error;
	json_t *root = tool_json_loadb(j->body, j->body_len, flags, &error);
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
	flush_counts(w);
	policy_release(p);
}
