/*
 * bench_scan: end-to-end screening of the shared corpus (normalisation, tokenisation,
 * term matching, regexes and validators), post by post on one core, with policies of
 * 100 to 100,000 terms: how throughput and compile time change with the term count.
 *
 *   bench_scan CORPUS_DIR [--repeat N] [--terms 100|1000|10000|100000 | --default]
 *
 * CORPUS_DIR holds corpus.txt and terms.txt (../shared/bench/make_corpus.sh). The
 * policy has one terms rule (the corpus terms, then made-up terms to reach the count)
 * and eighteen regex rules (cards with Luhn, IBANs with mod 97, national IDs with their
 * control letters, phones, e-mail addresses, credentials with keywords and entropy).
 */
#include "bench_common.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A growable text, for writing the policy. */
typedef struct {
	char *data;
	size_t len, cap;
} text_buf;

static void put(text_buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		char *grown = realloc(b->data, b->cap);
		if (!grown)
			die(2, "out of memory");
		b->data = grown;
	}
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

static void puts_buf(text_buf *b, const char *s)
{
	put(b, s, strlen(s));
}

/* A YAML double-quoted scalar of s[0..n). */
static void put_quoted(text_buf *b, const char *s, size_t n)
{
	put(b, "\"", 1);
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"' || s[i] == '\\')
			put(b, "\\", 1);
		put(b, s + i, 1);
	}
	put(b, "\"", 1);
}

/* Eighteen regex rules of the kinds a company screens for (PII and credentials), with
 * their validators and keywords: what the benchmark asks for beside the terms. */
static const char regex_rules[] =
	"  - id: card\n    category: pii.payment_card\n    action: redact\n"
	"    match: { regex: '\\b\\d(?:[ -]?\\d){12,18}\\b', validate: luhn }\n"
	"  - id: iban\n    category: pii.iban\n    action: redact\n"
	"    match: { regex: '\\b[A-Z]{2}\\d{2}(?: ?[A-Z0-9]{4}){3,7}(?: ?[A-Z0-9]{1,3})?\\b',"
	" validate: iban }\n"
	"  - id: email\n    category: pii.email\n    action: redact\n"
	"    match: { regex: '[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}' }\n"
	"  - id: dni\n    category: pii.national_id\n    action: redact\n"
	"    match: { regex: '\\b\\d{8}-?[A-Za-z]\\b', validate: es_dni }\n"
	"  - id: nie\n    category: pii.national_id\n    action: redact\n"
	"    match: { regex: '\\b[XYZxyz]-?\\d{7}-?[A-Za-z]\\b', validate: es_nie }\n"
	"  - id: ssn\n    category: pii.national_id\n    action: redact\n"
	"    match: { regex: '\\b\\d{3}-\\d{2}-\\d{4}\\b', validate: us_ssn }\n"
	"  - id: phone-es\n    category: pii.phone\n    action: redact\n"
	"    match: { regex: '(?:\\+34|0034)?[ -]?\\b[6789]\\d{2}[ -]?\\d{3}[ -]?\\d{3}\\b' }\n"
	"  - id: phone-nanp\n    category: pii.phone\n    action: redact\n"
	"    match: { regex: '\\(?\\b[2-9]\\d{2}\\)?[ .-]\\d{3}[ .-]\\d{4}\\b' }\n"
	"  - id: aws-key-id\n    category: secret.credential\n    action: block\n"
	"    match: { regex: '\\b(?:AKIA|ASIA)[0-9A-Z]{16}\\b', keywords: [akia, asia] }\n"
	"  - id: aws-secret\n    category: secret.credential\n    action: block\n"
	"    match: { regex: '(?i)aws.{0,20}?[A-Za-z0-9/+=]{40}', validate: entropy>=4 }\n"
	"  - id: github-token\n    category: secret.credential\n    action: block\n"
	"    match: { regex: '\\bgh[pousr]_[A-Za-z0-9]{36}\\b',"
	" keywords: [ghp_, gho_, ghu_, ghs_, ghr_] }\n"
	"  - id: slack-token\n    category: secret.credential\n    action: block\n"
	"    match: { regex: '\\bxox[baprs]-[A-Za-z0-9-]{10,48}' }\n"
	"  - id: stripe-key\n    category: secret.credential\n    action: block\n"
	"    match: { regex: '\\b[rs]k_live_[A-Za-z0-9]{24,}' }\n"
	"  - id: google-api-key\n    category: secret.credential\n    action: block\n"
	"    match: { regex: '\\bAIza[0-9A-Za-z_-]{35}' }\n"
	"  - id: jwt\n    category: secret.credential\n    action: block\n"
	"    match: { regex: '\\beyJ[A-Za-z0-9_-]{8,}\\.eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}' }\n"
	"  - id: private-key\n    category: secret.credential\n    action: block\n"
	"    match: { regex: '-----BEGIN (?:RSA |EC |OPENSSH |DSA )?PRIVATE KEY-----' }\n"
	"  - id: url-credentials\n    category: secret.credential\n    action: block\n"
	"    match: { regex: '\\b[a-z][a-z0-9+.-]*://[^\\s:/@]+:[^\\s/@]+@' }\n"
	"  - id: password\n    category: secret.credential\n    action: block\n"
	"    match: { regex: '(?i)\\b(?:password|passwd|pwd|contraseña|clave)\\s*[:=]\\s*\\S+',"
	" keywords: [password, passwd, pwd, contraseña, clave] }\n";

/* The policy source with `count` terms: the corpus's, then made-up words. */
static void write_policy(text_buf *b, const corpus *terms, size_t count)
{
	b->len = 0;
	puts_buf(b, "mesura: 1\nname: bench\nrules:\n  - id: terms\n    category: profanity\n"
	            "    match:\n      terms:\n");
	unsigned long long state = 12345;
	for (size_t i = 0; i < count; i++) {
		puts_buf(b, "        - ");
		if (i < terms->count && terms->lens[i] > 0) {
			put_quoted(b, terms->data + terms->starts[i], terms->lens[i]);
		} else {
			char word[16];
			size_t n = 5 + (size_t)(state % 6);
			for (size_t k = 0; k < n; k++) {
				state = state * 6364136223846793005ull + 1442695040888963407ull;
				word[k] = (char)('a' + (state >> 33) % 26);
			}
			put_quoted(b, word, n);
		}
		puts_buf(b, "\n");
	}
	puts_buf(b, regex_rules);
}

/* One pass over every post; returns the number of findings. */
static unsigned long long scan_pass(mesura_scanner *s, const corpus *c)
{
	unsigned long long findings = 0;
	for (size_t i = 0; i < c->count; i++) {
		const mesura_result *r;
		int rc = mesura_scan(s, c->data + c->starts[i], c->lens[i], 0, &r);
		if (rc != MESURA_OK && rc != MESURA_ELIMIT) {
			dump_post(c, i);
			die(1, "mesura_scan: %s", mesura_strerror(rc));
		}
		findings += mesura_result_finding_count(r);
	}
	return findings;
}

static void run_row(const corpus *posts, const corpus *terms, size_t count, unsigned repeat,
                    text_buf *src, double *times)
{
	mesura_policy *p = NULL;
	mesura_diagnostics *d = NULL;
	double t0 = now_seconds();
	int rc;
	if (count) {
		write_policy(src, terms, count);
		rc = mesura_policy_compile(&p, src->data, src->len, "bench", NULL, &d,
		                           &bench_counting_allocator);
	} else { /* the built-in default policy */
		rc = mesura_policy_default(&p, &d, &bench_counting_allocator);
	}
	double compile_ms = (now_seconds() - t0) * 1e3;
	if (rc != MESURA_OK) {
		const mesura_diagnostic *g = mesura_diagnostics_get(d, 0);
		die(1, "compile: %s (%s)", mesura_strerror(rc), g ? g->message : "");
	}
	mesura_diagnostics_free(d);
	mesura_scanner *s;
	if (mesura_scanner_new(&s, p, &bench_counting_allocator) != MESURA_OK)
		die(1, "mesura_scanner_new failed");
	unsigned long long findings = scan_pass(s, posts); /* warm-up */
	unsigned long long allocs = bench_allocs;
	for (unsigned k = 0; k < repeat; k++) {
		double start = now_seconds();
		if (scan_pass(s, posts) != findings)
			die(1, "findings differ between passes");
		times[k] = now_seconds() - start;
	}
	allocs = bench_allocs - allocs;
	double t = median(times, repeat);
	char pps[32];
	human(pps, sizeof pps, (double)posts->count / t);
	char label[32];
	snprintf(label, sizeof label, count ? "%zu" : "built-in default policy", count);
	printf("| %s | %.1f | %.1f | %s | %llu | %llu |\n", label, compile_ms,
	       (double)posts->post_bytes / t / 1e6, pps, findings, allocs);
	mesura_scanner_free(s);
	mesura_policy_free(p);
}

/* ------------------------------------------------------------ threads */

typedef struct {
	const mesura_policy *policy;
	const corpus *posts;
	size_t from, to;
	unsigned long long findings;
} slice;

/* One thread: its own scanner, a contiguous slice of the posts. */
static void *scan_slice(void *arg)
{
	slice *sl = arg;
	mesura_scanner *s;
	if (mesura_scanner_new(&s, sl->policy, NULL) != MESURA_OK)
		die(1, "mesura_scanner_new failed");
	sl->findings = 0;
	for (size_t i = sl->from; i < sl->to; i++) {
		const mesura_result *r;
		int rc = mesura_scan(s, sl->posts->data + sl->posts->starts[i], sl->posts->lens[i], 0,
		                     &r);
		if (rc != MESURA_OK && rc != MESURA_ELIMIT)
			die(1, "mesura_scan: %s", mesura_strerror(rc));
		sl->findings += mesura_result_finding_count(r);
	}
	mesura_scanner_free(s);
	return NULL;
}

/* Seconds to screen every post with n threads sharing one policy; the findings too. */
static double scan_threads(const mesura_policy *p, const corpus *posts, unsigned n,
                           unsigned long long *findings)
{
	pthread_t tid[64];
	slice sl[64];
	double start = now_seconds();
	for (unsigned t = 0; t < n; t++) {
		sl[t] = (slice){p, posts, posts->count * t / n, posts->count * (t + 1) / n, 0};
		if (pthread_create(&tid[t], NULL, scan_slice, &sl[t]) != 0)
			die(1, "pthread_create failed");
	}
	*findings = 0;
	for (unsigned t = 0; t < n; t++) {
		pthread_join(tid[t], NULL);
		*findings += sl[t].findings;
	}
	return now_seconds() - start;
}

/* Throughput with 1, 2, 4... threads up to twice the cores, 1,000 terms. */
static void run_threads(const corpus *posts, const corpus *terms, unsigned repeat,
                        text_buf *src, double *times)
{
	write_policy(src, terms, 1000);
	mesura_policy *p = NULL;
	if (mesura_policy_compile(&p, src->data, src->len, "bench", NULL, NULL, NULL) != MESURA_OK)
		die(1, "compile failed");
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned max = cores > 0 && cores < 32 ? (unsigned)cores * 2 : 2;
	printf("\n%ld cores online; 1,000 terms; one policy shared by every thread\n\n"
	       "| threads | MB/s | posts/s | speed-up |\n|---:|---:|---:|---:|\n", cores);
	unsigned long long expected = 0, findings;
	double single = 0;
	for (unsigned n = 1; n <= max; n *= 2) {
		scan_threads(p, posts, n, &findings); /* warm-up */
		if (n == 1)
			expected = findings;
		else if (findings != expected)
			die(1, "%u threads found %llu findings, one thread %llu", n, findings, expected);
		for (unsigned k = 0; k < repeat; k++)
			times[k] = scan_threads(p, posts, n, &findings);
		double t = median(times, repeat);
		single = n == 1 ? t : single;
		char pps[32];
		human(pps, sizeof pps, (double)posts->count / t);
		printf("| %u | %.1f | %s | %.2fx |\n", n, (double)posts->post_bytes / t / 1e6, pps,
		       single / t);
	}
	mesura_policy_free(p);
}

int main(int argc, char **argv)
{
	bench_program = "bench_scan";
	unsigned int repeat = 3;
	const char *dir = NULL;
	size_t only = 0; /* --terms N: just that row */
	for (int a = 1; a < argc; a++) {
		if (strcmp(argv[a], "--repeat") == 0 && a + 1 < argc) {
			if (!parse_repeat(argv[++a], &repeat))
				return 2;
		} else if (strcmp(argv[a], "--terms") == 0 && a + 1 < argc) {
			only = strtoul(argv[++a], NULL, 10);
		} else if (strcmp(argv[a], "--default") == 0) {
			only = SIZE_MAX;
		} else if (argv[a][0] != '-' && !dir) {
			dir = argv[a];
		} else {
			die(2, "usage: bench_scan CORPUS_DIR [--repeat N] [--terms N | --default]");
		}
	}
	if (!dir)
		die(2, "usage: bench_scan CORPUS_DIR [--repeat N] [--terms N | --default]");
	char path[4096];
	corpus posts, terms;
	snprintf(path, sizeof path, "%s/corpus.txt", dir);
	corpus_load(&posts, path);
	snprintf(path, sizeof path, "%s/terms.txt", dir);
	corpus_load(&terms, path);
	char cpu[256];
	cpu_model(cpu, sizeof cpu);
	printf("corpus:   %zu posts, %zu bytes of post text; %zu corpus terms\n", posts.count,
	       posts.post_bytes, terms.count);
	printf("cpu:      %s\nmesura:   %s, Unicode %s\n", cpu, mesura_version_string(),
	       mesura_unicode_version());
	printf("timing:   each post screened separately, one core; median of %u passes\n\n", repeat);
	printf("| terms | compile ms | MB/s | posts/s | findings per pass | allocations in timed "
	       "passes |\n|---:|---:|---:|---:|---:|---:|\n");
	static const size_t counts[] = {100, 1000, 10000, 100000};
	double *times = xmalloc(repeat * sizeof *times);
	text_buf src = {NULL, 0, 0};
	for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++)
		if (!only || counts[i] == only)
			run_row(&posts, &terms, counts[i], repeat, &src, times);
	if (!only || only == SIZE_MAX)
		run_row(&posts, &terms, 0, repeat, &src, times);
	if (!only)
		run_threads(&posts, &terms, repeat, &src, times);
	free(src.data);
	free(times);
	corpus_free(&posts);
	corpus_free(&terms);
	return 0;
}
