/* What the benchmarks share: the corpus of posts, timing, and the table's number
 * formats. */
#ifndef MESURA_BENCH_COMMON_H
#define MESURA_BENCH_COMMON_H

#include <stddef.h>
#include <stdio.h>

#include "mesura.h"

/* The program name die() prints (set by main). */
extern const char *bench_program;

typedef struct corpus {
	char *data;        /* the whole file */
	size_t file_bytes; /* its size */
	size_t *starts;    /* post i is data[starts[i] .. starts[i] + lens[i]) */
	size_t *lens;
	size_t count;
	size_t post_bytes; /* sum of lens: the "MB" of the table */
	size_t max_len;
} corpus;

/* Prints "program: message" and exits with `code`. */
void die(int code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3), noreturn))
#endif
    ;
void *xmalloc(size_t n);
/* Reads a corpus file: one post per line, the newline not part of the post. */
void corpus_load(corpus *c, const char *path);
void corpus_free(corpus *c);
double now_seconds(void);
/* Sorts v and returns its median. */
double median(double *v, size_t n);
/* "1.10 M", "180 k", "950": three significant figures, as the shared README writes them. */
void human(char *out, size_t cap, double v);
void cpu_model(char *out, size_t cap);
/* Prints the post that a library failed on, so the failure can be reproduced. */
void dump_post(const corpus *c, size_t i);

/* Written after the timed loops so that their stores cannot be discarded. */
extern volatile unsigned long long bench_sink;

/* mesura's objects get this allocator, which counts calls in bench_allocs: a warmed-up
 * view or token array must allocate nothing during the timed passes. */
extern unsigned long long bench_allocs;
extern const mesura_allocator bench_counting_allocator;

/* Timed passes per row unless --repeat says otherwise. */
#define BENCH_DEFAULT_REPEAT 5

/* Parses --repeat's value (1..1000); prints why and returns 0 when it is not one. */
int parse_repeat(const char *arg, unsigned int *repeat);

/* The command line of a benchmark over one corpus file with rows names[0..n):
 * CORPUS [--repeat N] [--views LIST], -h/--help. selected[i] says whether row i runs
 * (all by default). Exits with 0 after --help, with 2 on a usage error. */
void bench_parse_args(int argc, char **argv, const char **path, unsigned int *repeat,
                      int *selected, const char *const *names, size_t n);

/* The corpus, cpu and mesura lines every benchmark's report starts with. */
void bench_print_header(const corpus *c, const char *path);

/* The timing line, after the other libraries' versions. */
void bench_print_timing(unsigned int repeat);

#endif
