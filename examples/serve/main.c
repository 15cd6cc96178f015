/*
 * mesura-serve: the screen as a local HTTP service. POST /v1/screen answers with
 * mesura-screen's records; docs/serve.md has the whole story, --help the short.
 *
 * main.c: options, start-up, and the signals: SIGHUP reloads the policy, SIGTERM and
 * SIGINT stop taking work, let what is in flight finish, and exit with status 0.
 */
#include <signal.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "serve.h"

static void usage(FILE *to)
{
	fprintf(to,
	        "usage: mesura-serve [OPTIONS]\n"
	        "\n"
	        "Serves the screen over HTTP: POST /v1/screen, /v1/redact and /v1/explain take\n"
	        "{\"text\": ...} or {\"posts\": [{\"id\", \"text\"}...]} and answer with the\n"
	        "records of mesura-screen --format jsonl (byte and UTF-16 offsets); GET\n"
	        "/v1/policy, /healthz and /metrics (Prometheus); POST /v1/policy/reload. Errors\n"
	        "are application/problem+json (RFC 9457). Logs one JSON line per request,\n"
	        "without the posts' text.\n"
	        "\n"
	        "  -l, --listen ADDR:PORT the address (default: 127.0.0.1:8080; [::1]:8080 for\n"
	        "                         IPv6; port 0 picks a free one, logged at start).\n"
	        "                         Anything but loopback needs --token-file\n"
	        "  -p, --policy FILE      the policy (default: the built-in employee policy), or\n"
	        "                         builtin:NAME for a built-in module; read again on\n"
	        "                         SIGHUP and POST /v1/policy/reload\n"
	        "  --no-file-access       the policy may not include files or read lexicon files\n"
	        "  -j, --threads N        screening threads, 1 to %u (default: the online cores)\n"
	        "  --queue N              requests waiting for a thread at most; 503 beyond\n"
	        "                         (default: 1024)\n"
	        "  --token-file FILE      require \"Authorization: Bearer TOKEN\" (the file's first\n"
	        "                         line, 16 bytes or more) on every endpoint but / and\n"
	        "                         /healthz\n"
	        "  --max-body BYTES       largest request body (default: 1048576); 413 beyond\n"
	        "  --max-posts N          most posts in one request (default: 1000); 413 beyond\n"
	        "  --max-connections N    open connections at most (default: 256)\n"
	        "  --timeout SECONDS      each request must arrive whole within this time of the\n"
	        "                         connection's opening or last answer (default: 10)\n"
	        "  --log FILE             the request log (default: standard error)\n"
	        "  --log-posts            log the posts' text too (personal data: off by default)\n"
	        "  --hash-key HEX         32 hex digits keying hash tokens of redaction (else\n"
	        "                         $MESURA_HASH_KEY, else a random key per start)\n"
	        "  -h, --help             this text\n"
	        "  -V, --version          the tool's, the library's and Unicode's versions\n"
	        "\n"
	        "Signals: SIGHUP reloads the policy (a policy that does not compile leaves the\n"
	        "old one in use); SIGTERM or SIGINT stops taking requests, finishes those in\n"
	        "flight and exits.\n"
	        "\n"
	        "Exit status: 0 after SIGTERM or SIGINT, 3 usage, policy or start-up errors.\n"
	        "\n"
	        "Examples:\n"
	        "  mesura-serve --policy acme.yaml\n"
	        "  curl -s localhost:8080/v1/screen -H 'Content-Type: application/json' \\\n"
	        "       -d '{\"text\": \"call me at +34 612 345 678\"}'\n",
	        TOOL_MAX_THREADS);
}

static void parse_options(int argc, char **argv, serve_options *o)
{
	const char *hash_key = NULL;
	enum { QUEUE = 256, TOKEN_FILE, MAX_BODY, MAX_POSTS, MAX_CONNECTIONS, TIMEOUT, LOG,
	       LOG_POSTS, HASH_KEY, NO_FILES };
	static const struct option longs[] = {
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {"listen", required_argument, NULL, 'l'},
	    {"policy", required_argument, NULL, 'p'},
	    {"threads", required_argument, NULL, 'j'},
	    {"queue", required_argument, NULL, QUEUE},
	    {"token-file", required_argument, NULL, TOKEN_FILE},
	    {"max-body", required_argument, NULL, MAX_BODY},
	    {"max-posts", required_argument, NULL, MAX_POSTS},
	    {"max-connections", required_argument, NULL, MAX_CONNECTIONS},
	    {"timeout", required_argument, NULL, TIMEOUT},
	    {"log", required_argument, NULL, LOG},
	    {"log-posts", no_argument, NULL, LOG_POSTS},
	    {"hash-key", required_argument, NULL, HASH_KEY},
	    {"no-file-access", no_argument, NULL, NO_FILES},
	    {NULL, 0, NULL, 0}};
	for (int c; (c = tool_getopt(argc, argv, "hVl:p:j:", longs)) != -1;) {
		switch (c) {
		case 'h':
			usage(stdout);
			exit(0);
		case 'V':
			tool_version();
		case 'l':
			o->listen = optarg;
			break;
		case 'p':
			o->policy = optarg;
			break;
		case 'j':
			o->threads = (unsigned)tool_parse_count("--threads", optarg, TOOL_MAX_THREADS);
			break;
		case QUEUE:
			o->queue = (unsigned)tool_parse_count("--queue", optarg, 1u << 20);
			break;
		case TOKEN_FILE:
			o->token_file = optarg;
			break;
		case MAX_BODY:
			o->max_body = tool_parse_count("--max-body", optarg, 1ul << 30);
			break;
		case MAX_POSTS:
			o->max_posts = (unsigned)tool_parse_count("--max-posts", optarg, 1u << 20);
			break;
		case MAX_CONNECTIONS:
			o->max_connections =
			    (unsigned)tool_parse_count("--max-connections", optarg, 1u << 16);
			break;
		case TIMEOUT:
			o->timeout = (unsigned)tool_parse_count("--timeout", optarg, 3600);
			break;
		case LOG:
			o->log = optarg;
			break;
		case LOG_POSTS:
			o->log_posts = 1;
			break;
		case HASH_KEY:
			hash_key = optarg;
			break;
		case NO_FILES:
			o->no_file_access = 1;
			break;
		}
	}
	if (optind < argc)
		tool_usage_error("unexpected argument \"%s\"", argv[optind]);
	tool_hash_key(hash_key, o->hash_key);
}

/* SIGTERM: no new work; wait for what is in flight (at most --timeout seconds more). */
static void drain(struct MHD_Daemon *daemon, unsigned timeout)
{
	router_drain();
	MHD_socket listener = MHD_quiesce_daemon(daemon);
	if (listener != MHD_INVALID_SOCKET)
		close(listener);
	double until = tool_now() + timeout;
	struct timespec pause = {0, 10 * 1000000L};
	while (router_in_flight() > 0 && tool_now() < until)
		nanosleep(&pause, NULL);
}

int main(int argc, char **argv)
{
	tool_init("mesura-serve");
	tool_require_experimental(); /* /v1/explain: explain mode */
	serve_options o = {.listen = "127.0.0.1:8080", .threads = tool_cores(), .queue = 1024,
	                   .max_body = 1u << 20, .max_posts = 1000, .max_connections = 256,
	                   .timeout = 10};
	parse_options(argc, argv, &o);

	/* The signals are taken here, by sigwait: every thread started below blocks them. */
	sigset_t signals;
	sigemptyset(&signals);
	sigaddset(&signals, SIGHUP);
	sigaddset(&signals, SIGTERM);
	sigaddset(&signals, SIGINT);
	pthread_sigmask(SIG_BLOCK, &signals, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (log_open(o.log) != 0 || policy_start(&o) != 0)
		return TOOL_EXIT_ERROR;
	json_object_seed(0); /* before any thread makes a JSON object */
	struct MHD_Daemon *daemon = NULL;
	if (pool_start(&o) != 0 || router_start(&o, &daemon) != 0)
		return TOOL_EXIT_ERROR;

	const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT);
	loaded_policy *p = policy_acquire();
	strbuf started = {0};
	strbuf_printf(&started, "\"listen\":\"%.*s:%u\",\"threads\":%u,\"policy_generation\":%lu,"
	                        "\"policy\":",
	              (int)(strrchr(o.listen, ':') - o.listen), o.listen,
	              info ? info->port : 0, o.threads, p->generation);
	const char *name = mesura_policy_name(p->policy);
	strbuf_json_string(&started, name, strlen(name));
	policy_release(p);
	log_event("started", started.data);
	strbuf_free(&started);

	for (;;) {
		int sig = 0;
		sigwait(&signals, &sig);
		if (sig != SIGHUP)
			break;
		strbuf report = {0};
		int rc = policy_reload(&report);
		log_event(rc == 0 ? "reload" : "reload_failed", report.data);
		strbuf_free(&report);
	}
	log_event("stopping", "\"reason\":\"signal\"");
	drain(daemon, o.timeout);
	pool_stop();
	MHD_stop_daemon(daemon);
	router_stop();
	policy_stop();
	log_event("stopped", NULL);
	return 0;
}
