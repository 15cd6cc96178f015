/*
 * serve.h - what the files of mesura-serve share (docs/serve.md tells the story).
 *
 * The shape: libmicrohttpd reads requests on its own thread (router.c); a request's
 * work goes into a bounded queue (pool.c), and worker threads, each with its own
 * scanner and redactor, screen it on the current policy (handlers.c) and hand the
 * answer back. The current policy (policy.c) is compiled off to the side on reload and
 * swapped in; each job holds a reference, so requests in flight finish on the policy
 * they started with.
 */
#ifndef MESURA_SERVE_H
#define MESURA_SERVE_H

#include <microhttpd.h>
#include <pthread.h>
#include <stdatomic.h>

#include "common/tool.h"

/* ------------------------------------------------------------ options */

typedef struct serve_options {
	const char *listen;       /* ADDR:PORT, [ADDR6]:PORT */
	const char *policy;       /* NULL: the built-in default; FILE or builtin:NAME */
	int no_file_access;
	unsigned threads;         /* screening workers */
	unsigned queue;           /* jobs waiting at most (503 beyond) */
	const char *token_file;   /* bearer token; required off loopback */
	size_t max_body;          /* bytes of a request body (413 beyond) */
	unsigned max_posts;       /* posts of one batch (413 beyond) */
	unsigned max_connections;
	unsigned timeout;         /* seconds a connection has for each request */
	const char *log;          /* NULL: standard error */
	int log_posts;            /* the log holds the posts' text (personal data) */
	unsigned char hash_key[MESURA_REDACT_KEY_SIZE];
} serve_options;

/* ------------------------------------------------------------- policy */

/* A compiled policy as the service holds it: shared by the jobs that run on it, freed
 * with the last reference (policy_release). */
typedef struct loaded_policy {
	mesura_policy *policy;
	unsigned long generation;  /* 1 for the policy loaded at start, +1 per reload */
	atomic_uint refs;
	strbuf json;               /* GET /v1/policy's answer, written once at load */
} loaded_policy;

/* Loads the first policy (generation 1); 0, or -1 after printing why. */
int policy_start(const serve_options *opts);
/* The current policy, with a reference the caller drops with policy_release. */
loaded_policy *policy_acquire(void);
void policy_release(loaded_policy *p);
/* Compiles the policy file again, off to the side, and swaps it in when it compiles.
 * Returns 0 (reloaded) or -1 (the old policy stays); either way `report` gets the JSON
 * members of the answer ("generation", "diagnostics": [...]) without braces. */
int policy_reload(strbuf *report);
/* Drops the current policy (at exit). */
void policy_stop(void);

/* ------------------------------------------------------------- metrics */

typedef enum serve_error {
	ERR_NONE = 0,
	ERR_BAD_JSON,      /* 400 */
	ERR_BAD_REQUEST,   /* 400: valid JSON, wrong shape (no text...) */
	ERR_UNAUTHORIZED,  /* 401 */
	ERR_NOT_FOUND,     /* 404 */
	ERR_METHOD,        /* 405 */
	ERR_TOO_LARGE,     /* 413: body or batch */
	ERR_MEDIA_TYPE,    /* 415 */
	ERR_POLICY,        /* 422: a reload that did not compile */
	ERR_OVERLOADED,    /* 503: the queue is full */
	ERR_DRAINING,      /* 503: shutting down */
	ERR_SCAN,          /* a post that could not be screened (its record says so) */
	ERR_INTERNAL,      /* 500 */
	ERR_TIMEOUT,       /* a connection closed for taking too long (slow client) */
	ERR_ABORTED,       /* the client went away before its answer */
	ERR_KINDS
} serve_error;

/* "bad_json", "too_large"...: the label of metrics and logs. */
const char *serve_error_name(serve_error e);

void metrics_request(double seconds, serve_error e);
/* Adds n posts of `verdict`, n findings of `category` (a job's counts, at its end). */
void metrics_posts(mesura_action verdict, unsigned long n);
void metrics_findings(const char *category, unsigned long n);
void metrics_error(serve_error e);
void metrics_policy(unsigned long generation, int reload_failed);
/* The Prometheus text exposition of everything counted. */
void metrics_write(strbuf *out);

/* ------------------------------------------------------------- problems */

/* An RFC 9457 problem: its HTTP status, its JSON body in `body`. */
unsigned problem_status(serve_error e);
/* Writes the problem+json body of `e` with `detail` into out (replacing what it held);
 * `extra` (may be NULL) is more members, written as they are (",\"diagnostics\":..."). */
void problem_write(strbuf *out, serve_error e, const char *detail, const char *instance,
                   const char *extra);

/* ------------------------------------------------------------- work */

typedef enum route {
	ROUTE_SCREEN, ROUTE_REDACT, ROUTE_EXPLAIN, ROUTE_RELOAD
} route;

/* One request's work, from the router to a worker and back. */
typedef struct job {
	route route;
	const char *body;          /* the request body (the router's, read-only here) */
	const char *path;          /* the request's path (a problem's "instance") */
	size_t body_len;
	/* the answer */
	unsigned status;
	int problem;               /* the body is application/problem+json */
	strbuf answer;
	serve_error error;
	/* for the log and the metrics */
	unsigned long generation;
	size_t posts, findings;
	int verdict;               /* strongest verdict answered, -1 when none */
	strbuf logged_posts;       /* --log-posts: the posts' text as a JSON array */
	/* the router's */
	struct MHD_Connection *connection;
	void *request;
} job;

/* Runs a job on a worker with its scanner (handlers.c). */
typedef struct worker_state worker_state;
worker_state *worker_state_new(const serve_options *opts);
void worker_state_free(worker_state *w);
void handle_job(worker_state *w, job *j);

/* The pool (pool.c): `threads` workers over a queue of at most `queue` jobs. */
int pool_start(const serve_options *opts);
/* Reserves a place in the queue: 0, or -1 when the queue is full. */
int pool_reserve(void);
/* Jobs waiting for a worker now (the metrics' gauge). */
unsigned pool_queued(void);
/* Queues a job into the place reserved for it. */
void pool_submit(job *j);
/* Called by a worker when a job is done (router.c resumes its connection). */
void router_job_done(job *j);
/* Finishes the queued jobs, then stops and joins the workers. */
void pool_stop(void);

/* ------------------------------------------------------------- router */

int router_start(const serve_options *opts, struct MHD_Daemon **out);
/* Requests started and not yet answered (SIGTERM waits for 0). */
unsigned router_in_flight(void);
/* Refuses new work from now on (503, "draining"); what is in flight goes on. */
void router_drain(void);
/* Stops the reaper of slow connections. */
void router_stop(void);

/* ------------------------------------------------------------- log */

int log_open(const char *path);
/* One JSON line per request (never a post's text unless --log-posts). */
void log_request(const char *method, const char *path, unsigned status, double seconds,
                 size_t bytes_in, size_t bytes_out, const job *j, serve_error e);
/* One JSON line about the service itself (start, reload, stop). */
void log_event(const char *event, const char *members);

#endif
