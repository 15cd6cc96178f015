/*
 * log.c - one JSON line per request (time, method, path, status, timing, verdict and
 * counts), written whole under a lock. Posts carry personal data: their text is never
 * logged unless --log-posts asks for it.
 */
#include <errno.h>
#include <stdio.h>
#include <time.h>

#include "serve.h"

static FILE *log_file;
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

int log_open(const char *path)
{
	if (!path || strcmp(path, "-") == 0) {
		log_file = stderr;
		return 0;
	}
	log_file = fopen(path, "a");
	if (!log_file) {
		fprintf(stderr, "%s: %s: cannot open the log: %s\n", tool_name, path,
		        strerror(errno));
		return -1;
	}
	return 0;
}

/* "2026-12-07T17:03:11.123Z" */
static void put_time(strbuf *out)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	struct tm tm;
	gmtime_r(&ts.tv_sec, &tm);
	char when[32];
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
	strbuf_printf(out, "{\"time\":\"%s.%03ldZ\"", when, ts.tv_nsec / 1000000);
}

static void write_line(strbuf *line)
{
	strbuf_putc(line, '\n');
	pthread_mutex_lock(&log_lock);
	fwrite(line->data, 1, line->len, log_file);
	fflush(log_file);
	pthread_mutex_unlock(&log_lock);
}

void log_request(const char *method, const char *path, unsigned status, double seconds,
                 size_t bytes_in, size_t bytes_out, const job *j, serve_error e)
{
	strbuf line = {0};
	put_time(&line);
	strbuf_puts(&line, ",\"method\":");
	strbuf_json_string(&line, method, strlen(method));
	strbuf_puts(&line, ",\"path\":");
	strbuf_json_string(&line, path, strlen(path));
	strbuf_printf(&line, ",\"status\":%u,\"ms\":%.3f,\"bytes_in\":%zu,\"bytes_out\":%zu",
	              status, seconds * 1e3, bytes_in, bytes_out);
	if (j && j->generation) {
		strbuf_printf(&line, ",\"policy_generation\":%lu,\"posts\":%zu,\"findings\":%zu",
		              j->generation, j->posts, j->findings);
		if (j->verdict >= 0)
			strbuf_printf(&line, ",\"verdict\":\"%s\"",
			              mesura_action_name((mesura_action)j->verdict));
		if (j->logged_posts.len) {
			strbuf_puts(&line, ",\"texts\":");
			strbuf_put(&line, j->logged_posts.data, j->logged_posts.len);
		}
	}
	if (e != ERR_NONE) {
		strbuf_puts(&line, ",\"error\":\"");
		strbuf_puts(&line, serve_error_name(e));
		strbuf_putc(&line, '"');
	}
	strbuf_putc(&line, '}');
	write_line(&line);
	strbuf_free(&line);
}

void log_event(const char *event, const char *members)
{
	strbuf line = {0};
	put_time(&line);
	strbuf_puts(&line, ",\"event\":");
	strbuf_json_string(&line, event, strlen(event));
	if (members && members[0]) {
		strbuf_putc(&line, ',');
		strbuf_puts(&line, members);
	}
	strbuf_putc(&line, '}');
	write_line(&line);
	strbuf_free(&line);
}
