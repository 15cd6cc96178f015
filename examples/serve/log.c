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

/* n in decimal with at least `width` digits (zeros in front). */
static void put_padded(strbuf *out, unsigned long n, int width)
{
	char digits[24];
	int i = (int)sizeof digits;
	do {
		digits[--i] = (char)('0' + n % 10);
		n /= 10;
	} while (n || (int)sizeof digits - i < width);
	strbuf_put(out, digits + i, sizeof digits - (size_t)i);
}

/* "2026-12-07T17:03:11.123Z", written by hand: printf and strftime cost more than the
 * rest of a request's line. */
static void put_time(strbuf *out)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	struct tm tm;
	gmtime_r(&ts.tv_sec, &tm);
	const struct {
		long value;
		int width;
		char after;
	} parts[] = {{tm.tm_year + 1900L, 4, '-'}, {tm.tm_mon + 1L, 2, '-'}, {tm.tm_mday, 2, 'T'},
	             {tm.tm_hour, 2, ':'},         {tm.tm_min, 2, ':'},      {tm.tm_sec, 2, '.'},
	             {ts.tv_nsec / 1000000, 3, 'Z'}};
	strbuf_puts(out, "{\"time\":\"");
	for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
		put_padded(out, (unsigned long)parts[i].value, parts[i].width);
		strbuf_putc(out, parts[i].after);
	}
	strbuf_putc(out, '"');
}

/* A duration in milliseconds with three decimals ("0.077"), from whole microseconds. */
static void put_ms(strbuf *out, double seconds)
{
	unsigned long micros = seconds > 0 ? (unsigned long)(seconds * 1e6 + 0.5) : 0;
	put_padded(out, micros / 1000, 1);
	strbuf_putc(out, '.');
	put_padded(out, micros % 1000, 3);
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
	strbuf_puts(&line, ",\"status\":");
	strbuf_put_uint(&line, status);
	strbuf_puts(&line, ",\"ms\":");
	put_ms(&line, seconds);
	strbuf_puts(&line, ",\"bytes_in\":");
	strbuf_put_uint(&line, bytes_in);
	strbuf_puts(&line, ",\"bytes_out\":");
	strbuf_put_uint(&line, bytes_out);
	if (j && j->generation) {
		strbuf_puts(&line, ",\"policy_generation\":");
		strbuf_put_uint(&line, j->generation);
		strbuf_puts(&line, ",\"posts\":");
		strbuf_put_uint(&line, j->posts);
		strbuf_puts(&line, ",\"findings\":");
		strbuf_put_uint(&line, j->findings);
		if (j->verdict >= 0) {
			strbuf_puts(&line, ",\"verdict\":\"");
			strbuf_puts(&line, mesura_action_name((mesura_action)j->verdict));
			strbuf_putc(&line, '"');
		}
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
