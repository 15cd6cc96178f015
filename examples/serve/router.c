/*
 * router.c - the HTTP side, on libmicrohttpd: routes, the bearer token, the limits,
 * and the hand-off of work to the pool. Requests are read on libmicrohttpd's thread;
 * a request that screens is suspended while a worker runs it, then resumed to answer.
 *
 * Slow clients: libmicrohttpd closes a connection idle for --timeout seconds, but a
 * client that sends a byte now and then is never idle. A reaper thread therefore gives
 * each connection --timeout seconds to deliver each whole request (from its opening,
 * or from its last answer) and shuts down the socket of one that does not, so that a
 * slow-loris client cannot hold the connection slots.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "serve.h"

#ifdef MESURA_SERVE_PAGE
#include "page.h"  /* GET /: the pre-publish page */
#endif

typedef enum endpoint {
	EP_NONE, EP_PAGE, EP_HEALTH, EP_METRICS, EP_POLICY, EP_JOB
} endpoint;

/* One open connection, for the reaper. */
typedef struct conn {
	int fd;
	double since;      /* opened, or answered last */
	int busy;          /* a job of its request is queued or running */
	int shut;          /* the reaper shut it down */
	struct conn *prev, *next;
} conn;

typedef struct request {
	double started;
	endpoint endpoint;
	char *path;        /* the URL path in valid UTF-8 (logs, problems) */
	char method[16];   /* a copy: libmicrohttpd's lives in its read buffer */
	strbuf body;
	int too_large;     /* the body passed --max-body */
	int submitted;
	atomic_int done;   /* the worker finished the job */
	int answered;
	unsigned status;
	serve_error error;
	size_t bytes_out;
	job job;
	conn *conn;
} request;

static const serve_options *options;
static atomic_uint in_flight;
static atomic_int draining;
static pthread_mutex_t conns_lock = PTHREAD_MUTEX_INITIALIZER;
static conn *conns;
static pthread_t reaper;
static int reaper_running;
static pthread_mutex_t reaper_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t reaper_wake = PTHREAD_COND_INITIALIZER;
static int reaper_stop;

unsigned router_in_flight(void)
{
	return atomic_load(&in_flight);
}

/* ------------------------------------------------------------- answers */

/* Queues `len` bytes of `data` (taken over: freed by libmicrohttpd) with `type`. */
static enum MHD_Result answer(struct MHD_Connection *c, request *r, unsigned status,
                              const char *type, char *data, size_t len)
{
	struct MHD_Response *resp =
	    MHD_create_response_from_buffer(len, data ? data : "",
	                                    data ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
	if (!resp) {
		free(data);
		return MHD_NO;
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	/* answers hold posts (personal data): no cache keeps them */
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	if (status == 405) {
		const char *allow = r->endpoint == EP_JOB ? "POST" : "GET, HEAD";
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, allow);
	}
	if (status == 401)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
		                        "Bearer realm=\"mesura\"");
	if (status == 503)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, "1");
	if (r->submitted && r->job.generation) { /* which policy answered */
		char generation[24];
		snprintf(generation, sizeof generation, "%lu", r->job.generation);
		MHD_add_response_header(resp, "Mesura-Policy-Generation", generation);
	}
	if (r->error == ERR_DRAINING || r->too_large)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");
	r->status = status;
	r->bytes_out = len;
	r->answered = 1;
	enum MHD_Result ok = MHD_queue_response(c, status, resp);
	MHD_destroy_response(resp);
	return ok;
}

static enum MHD_Result answer_json(struct MHD_Connection *c, request *r, unsigned status,
                                   strbuf *body)
{
	size_t len = body->len;
	char *data = body->data;
	*body = (strbuf){0};
	return answer(c, r, status, "application/json", data, len);
}

static enum MHD_Result answer_problem(struct MHD_Connection *c, request *r, serve_error e,
                                      const char *detail)
{
	strbuf body = {0};
	problem_write(&body, e, detail, r->path, NULL);
	r->error = e;
	size_t len = body.len;
	return answer(c, r, problem_status(e), "application/problem+json", body.data, len);
}

/* ------------------------------------------------------------- routes */

static endpoint route_of(const char *path, route *job_route)
{
	static const struct {
		const char *path;
		endpoint endpoint;
		route route;
	} routes[] = {
	    {"/", EP_PAGE, 0},
	    {"/healthz", EP_HEALTH, 0},
	    {"/metrics", EP_METRICS, 0},
	    {"/v1/policy", EP_POLICY, 0},
	    {"/v1/screen", EP_JOB, ROUTE_SCREEN},
	    {"/v1/redact", EP_JOB, ROUTE_REDACT},
	    {"/v1/explain", EP_JOB, ROUTE_EXPLAIN},
	    {"/v1/policy/reload", EP_JOB, ROUTE_RELOAD},
	};
	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++)
		if (strcmp(path, routes[i].path) == 0) {
			*job_route = routes[i].route;
			return routes[i].endpoint;
		}
	return EP_NONE;
}

/* Compares in time that depends only on the token's length, not on where they differ. */
static int token_matches(const char *given, size_t given_len, const char *token,
                         size_t token_len)
{
	unsigned char diff = given_len != token_len;
	for (size_t i = 0; i < token_len; i++)
		diff |= (unsigned char)token[i] ^ (unsigned char)(i < given_len ? given[i] : 0);
	return diff == 0;
}

static const char *token;     /* --token-file's, or NULL */
static size_t token_len;

static int authorized(struct MHD_Connection *c)
{
	if (!token)
		return 1;
	const char *auth =
	    MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
	if (!auth || strncasecmp(auth, "Bearer ", 7) != 0)
		return 0;
	auth += 7;
	while (*auth == ' ')
		auth++;
	return token_matches(auth, strlen(auth), token, token_len);
}

/* application/json, any case, parameters allowed ("; charset=utf-8"). */
static int is_json(const char *type)
{
	if (!type)
		return 0;
	static const char json[] = "application/json";
	if (strncasecmp(type, json, sizeof json - 1) != 0)
		return 0;
	char next = type[sizeof json - 1];
	return next == '\0' || next == ';' || next == ' ' || next == '\t';
}

static double now(void)
{
	return tool_now();
}

static void set_busy(request *r, int busy)
{
	if (!r->conn)
		return;
	pthread_mutex_lock(&conns_lock);
	r->conn->busy = busy;
	r->conn->since = now();
	pthread_mutex_unlock(&conns_lock);
}

/* The first call of a request: what it asks for, and whether it may. Returns the
 * answer queued, or -1 when the request goes on (its body comes next). */
static int first_call(struct MHD_Connection *c, request *r)
{
	int get = strcmp(r->method, "GET") == 0 || strcmp(r->method, "HEAD") == 0;
	int posting = strcmp(r->method, "POST") == 0;
	route job_route = ROUTE_SCREEN;
	r->endpoint = route_of(r->path, &job_route);
	r->job.route = job_route;
	if (r->endpoint == EP_NONE)
		return answer_problem(c, r, ERR_NOT_FOUND, "no such endpoint");
	if (r->endpoint == EP_JOB ? !posting : !get)
		return answer_problem(c, r, ERR_METHOD, NULL);
	if (r->endpoint != EP_PAGE && r->endpoint != EP_HEALTH && !authorized(c))
		return answer_problem(c, r, ERR_UNAUTHORIZED, "give the service's token as "
		                                              "\"Authorization: Bearer TOKEN\"");
	if (atomic_load(&draining) && r->endpoint == EP_JOB)
		return answer_problem(c, r, ERR_DRAINING, NULL);
	if (r->endpoint != EP_JOB)
		return -1;
	const char *length =
	    MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	if (length && strtoull(length, NULL, 10) > options->max_body) {
		r->too_large = 1;
		return answer_problem(c, r, ERR_TOO_LARGE, "the body is larger than --max-body");
	}
	const char *type =
	    MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
	if (job_route != ROUTE_RELOAD && !is_json(type))
		return answer_problem(c, r, ERR_MEDIA_TYPE, "send the body as application/json");
	/* room for the body announced, at once; only up to 64 KiB before it comes, so that
	 * announcing costs a client as much memory as sending */
	if (length) {
		unsigned long long announced = strtoull(length, NULL, 10);
		strbuf_grow(&r->body, announced < 65536 ? (size_t)announced : 65536);
	}
	return -1;
}

/* GET endpoints: answered on this thread (they are cheap and must answer even when
 * the workers are busy). */
static enum MHD_Result answer_get(struct MHD_Connection *c, request *r)
{
	strbuf body = {0};
	switch (r->endpoint) {
	case EP_PAGE:
#ifdef MESURA_SERVE_PAGE
		r->status = 200;
		r->answered = 1;
		return serve_page(c);
#else
		return answer_problem(c, r, ERR_NOT_FOUND, "this build has no page");
#endif
	case EP_HEALTH: {
		loaded_policy *p = policy_acquire();
		strbuf_printf(&body, "{\"status\":\"%s\",\"policy_generation\":%lu}",
		              atomic_load(&draining) ? "draining" : "ok", p->generation);
		policy_release(p);
		return answer_json(c, r, atomic_load(&draining) ? 503 : 200, &body);
	}
	case EP_METRICS:
		metrics_write(&body);
		size_t len = body.len;
		return answer(c, r, 200, "text/plain; version=0.0.4; charset=utf-8", body.data, len);
	case EP_POLICY: {
		loaded_policy *p = policy_acquire();
		strbuf_put(&body, p->json.data, p->json.len);
		policy_release(p);
		return answer_json(c, r, 200, &body);
	}
	default:
		return answer_problem(c, r, ERR_INTERNAL, NULL);
	}
}

/* The body has come: queue the job, and suspend the connection until it is done. */
static enum MHD_Result submit(struct MHD_Connection *c, request *r)
{
	if (r->too_large)
		return answer_problem(c, r, ERR_TOO_LARGE, "the body is larger than --max-body");
	r->job.body = r->body.data ? r->body.data : "";
	r->job.body_len = r->body.len;
	r->job.path = r->path;
	r->job.connection = c;
	r->job.request = r;
	if (pool_reserve() != 0)
		return answer_problem(c, r, ERR_OVERLOADED, "the work queue is full");
	r->submitted = 1;
	set_busy(r, 1);
	/* suspended before the job is queued: its worker may resume it at once */
	MHD_suspend_connection(c);
	pool_submit(&r->job);
	return MHD_YES;
}

void router_job_done(job *j)
{
	request *r = j->request;
	atomic_store(&r->done, 1);
	MHD_resume_connection(j->connection); /* r may be gone after this */
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_data_size,
                                  void **con_cls)
{
	(void)cls;
	(void)version;
	request *r = *con_cls;
	if (!r) {
		r = tool_xmalloc(sizeof *r);
		*r = (request){.started = now(), .path = tool_utf8_dup(url)};
		snprintf(r->method, sizeof r->method, "%s", method);
		for (char *m = r->method; *m; m++) /* the log is JSON: ASCII only */
			if ((unsigned char)*m >= 0x80 || (unsigned char)*m < 0x20)
				*m = '?';
		atomic_init(&r->done, 0);
		const union MHD_ConnectionInfo *info =
		    MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
		r->conn = info ? info->socket_context : NULL;
		*con_cls = r;
		atomic_fetch_add(&in_flight, 1);
		int answered = first_call(c, r);
		return answered >= 0 ? (enum MHD_Result)answered : MHD_YES;
	}
	if (r->answered) { /* a refused request's body: read and dropped */
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (*upload_data_size) {
		if (r->body.len + *upload_data_size > options->max_body)
			r->too_large = 1;
		else
			strbuf_put(&r->body, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (r->endpoint != EP_JOB)
		return answer_get(c, r);
	if (!r->submitted)
		return submit(c, r);
	if (!atomic_load(&r->done)) /* woken before its job is done: wait again */
		return MHD_YES;
	set_busy(r, 0);
	r->error = r->job.error;
	strbuf *body = &r->job.answer;
	size_t len = body->len;
	char *data = body->data;
	*body = (strbuf){0};
	return answer(c, r, r->job.status,
	              r->job.problem ? "application/problem+json" : "application/json", data, len);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)c;
	request *r = *con_cls;
	if (!r)
		return;
	*con_cls = NULL;
	double seconds = now() - r->started;
	serve_error e = r->error;
	if (toe == MHD_REQUEST_TERMINATED_TIMEOUT_REACHED)
		e = ERR_TIMEOUT;
	else if (toe != MHD_REQUEST_TERMINATED_COMPLETED_OK && e == ERR_NONE)
		e = ERR_ABORTED; /* closed before its answer went out */
	unsigned status = r->answered ? r->status : 0;
	metrics_request(seconds, e == ERR_SCAN ? ERR_NONE : e); /* scans counted per post */
	log_request(r->method, r->path, status, seconds, r->body.len, r->bytes_out,
	            r->submitted ? &r->job : NULL, e);
	set_busy(r, 0);
	strbuf_free(&r->body);
	strbuf_free(&r->job.answer);
	strbuf_free(&r->job.logged_posts);
	free(r->path);
	free(r);
	atomic_fetch_sub(&in_flight, 1);
}

/* ------------------------------------------------------------- connections */

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
	(void)cls;
	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *info =
		    MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
		conn *k = tool_xmalloc(sizeof *k);
		*k = (conn){.fd = info ? info->connect_fd : -1, .since = now()};
		pthread_mutex_lock(&conns_lock);
		k->next = conns;
		if (conns)
			conns->prev = k;
		conns = k;
		pthread_mutex_unlock(&conns_lock);
		*socket_context = k;
		return;
	}
	conn *k = *socket_context; /* closed: libmicrohttpd closes the socket after this */
	if (!k)
		return;
	pthread_mutex_lock(&conns_lock);
	if (k->prev)
		k->prev->next = k->next;
	else
		conns = k->next;
	if (k->next)
		k->next->prev = k->prev;
	pthread_mutex_unlock(&conns_lock);
	free(k);
	*socket_context = NULL;
}

static void *reap(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&reaper_lock);
	while (!reaper_stop) {
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += 250 * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&reaper_wake, &reaper_lock, &until);
		double limit = now() - options->timeout;
		pthread_mutex_lock(&conns_lock);
		for (conn *k = conns; k; k = k->next)
			if (!k->busy && !k->shut && k->since < limit && k->fd >= 0) {
				shutdown(k->fd, SHUT_RDWR); /* libmicrohttpd sees the end and closes it */
				k->shut = 1;
				metrics_error(ERR_TIMEOUT);
			}
		pthread_mutex_unlock(&conns_lock);
	}
	pthread_mutex_unlock(&reaper_lock);
	return NULL;
}

/* ------------------------------------------------------------- start, stop */

static int loopback(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return (ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr) >> 24) == 127;
	return IN6_IS_ADDR_LOOPBACK(&((const struct sockaddr_in6 *)sa)->sin6_addr);
}

/* ADDR:PORT or [ADDR6]:PORT into `ss`; -1 when it is neither. */
static int parse_listen(const char *s, struct sockaddr_storage *ss)
{
	char host[64];
	const char *colon = strrchr(s, ':');
	if (!colon || (size_t)(colon - s) >= sizeof host)
		return -1;
	memcpy(host, s, (size_t)(colon - s));
	host[colon - s] = '\0';
	char *end;
	unsigned long port = strtoul(colon + 1, &end, 10);
	if (!colon[1] || *end || port > 65535)
		return -1;
	memset(ss, 0, sizeof *ss);
	size_t n = strlen(host);
	if (n >= 2 && host[0] == '[' && host[n - 1] == ']') {
		host[n - 1] = '\0';
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
		a->sin6_family = AF_INET6;
		a->sin6_port = htons((uint16_t)port);
		return inet_pton(AF_INET6, host + 1, &a->sin6_addr) == 1 ? 0 : -1;
	}
	struct sockaddr_in *a = (struct sockaddr_in *)ss;
	a->sin_family = AF_INET;
	a->sin_port = htons((uint16_t)port);
	return inet_pton(AF_INET, host, &a->sin_addr) == 1 ? 0 : -1;
}

/* Reads the token: the file's first line, at least 16 bytes. */
static int read_token(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "%s: %s: cannot read the token file\n", tool_name, path);
		return -1;
	}
	static char buf[1024];
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	token_len = strlen(buf);
	if (token_len < 16 || token_len == sizeof buf - 1) {
		fprintf(stderr, "%s: %s: the token must be one line of 16 to 1000 bytes\n",
		        tool_name, path);
		return -1;
	}
	token = buf;
	return 0;
}

static void log_mhd_error(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	char message[512];
	vsnprintf(message, sizeof message, fmt, ap);
	message[strcspn(message, "\n")] = '\0';
	strbuf m = {0};
	strbuf_puts(&m, "\"message\":");
	strbuf_json_string(&m, message, strlen(message));
	log_event("libmicrohttpd", m.data);
	strbuf_free(&m);
}

int router_start(const serve_options *opts, struct MHD_Daemon **out)
{
	options = opts;
	struct sockaddr_storage ss;
	if (parse_listen(opts->listen, &ss) != 0) {
		fprintf(stderr, "%s: --listen: expected ADDR:PORT or [ADDR6]:PORT, not \"%s\"\n",
		        tool_name, opts->listen);
		return -1;
	}
	if (opts->token_file && read_token(opts->token_file) != 0)
		return -1;
	if (!loopback((struct sockaddr *)&ss) && !token) {
		fprintf(stderr, "%s: --listen %s is not a loopback address: give --token-file\n",
		        tool_name, opts->listen);
		return -1;
	}
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME |
	                 MHD_USE_ERROR_LOG | MHD_USE_TURBO;
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	struct MHD_Daemon *d = MHD_start_daemon(
	    flags, 0, NULL, NULL, on_request, NULL,
	    MHD_OPTION_EXTERNAL_LOGGER, log_mhd_error, NULL,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)opts->max_connections,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)opts->timeout,
	    MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
	    MHD_OPTION_NOTIFY_CONNECTION, on_connection, NULL,
	    MHD_OPTION_END);
	if (!d) {
		fprintf(stderr, "%s: cannot listen on %s\n", tool_name, opts->listen);
		return -1;
	}
	if (pthread_create(&reaper, NULL, reap, NULL) == 0)
		reaper_running = 1;
	*out = d;
	return 0;
}

void router_drain(void)
{
	atomic_store(&draining, 1);
}

void router_stop(void)
{
	pthread_mutex_lock(&reaper_lock);
	reaper_stop = 1;
	pthread_cond_signal(&reaper_wake);
	pthread_mutex_unlock(&reaper_lock);
	if (reaper_running)
		pthread_join(reaper, NULL);
}
