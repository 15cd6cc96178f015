/*
 * Reading the files a policy names: the policy itself (mesura_policy_load_file), its
 * includes and its lexicon files. A policy may come from someone else, so a name in it
 * must not make the compiler hang or eat memory: only regular files are read, they are
 * opened so that opening cannot block (a FIFO without a writer), and no more than the
 * size limit plus one byte is read (enough to tell the file is too large).
 */
#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "compiler.h"
#include "mesura/errors.h"

#ifndef O_CLOEXEC
#define O_CLOEXEC 0
#endif
#ifndef O_NOCTTY
#define O_NOCTTY 0
#endif

/* What a file that is not a regular one is, for the diagnostic that refuses it. */
static const char *file_kind(const struct stat *st)
{
	if (S_ISDIR(st->st_mode))
		return ": a directory";
	if (S_ISFIFO(st->st_mode))
		return ": a FIFO";
	if (S_ISCHR(st->st_mode))
		return ": a character device";
	if (S_ISBLK(st->st_mode))
		return ": a block device";
	if (S_ISSOCK(st->st_mode))
		return ": a socket";
	return "";
}

/* Opens `path` for reading if it is a regular file; -1 with `why` filled otherwise. */
static int open_regular(const char *path, char *why, size_t why_size, size_t *size)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		if (strerror_r(errno, why, why_size) != 0)
			snprintf(why, why_size, "error %d", errno);
		return -1;
	}
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		snprintf(why, why_size, "not a regular file%s", file_kind(&st));
		close(fd);
		return -1;
	}
	*size = st.st_size > 0 ? (size_t)st.st_size : 0;
	return fd;
}

/* Reads up to `want` bytes into buf[0..cap), growing it (cap >= 1 byte more for the
 * NUL); the bytes read go to *len. MESURA_OK, MESURA_ENOMEM or MESURA_EIO. */
static int read_upto(int fd, const mesura_allocator *alloc, char **buf, size_t *cap,
                     size_t want, size_t *len, char *why, size_t why_size)
{
	while (*len < want) {
		if (*len + 1 >= *cap) {
			size_t grown_cap = *cap * 2 < want + 1 ? *cap * 2 : want + 1;
			void *grown = mesura_alloc__realloc(alloc, *buf, grown_cap);
			if (!grown)
				return MESURA_ENOMEM;
			*buf = grown;
			*cap = grown_cap;
		}
		size_t room = *cap - 1 - *len;
		ssize_t n = read(fd, *buf + *len, room < want - *len ? room : want - *len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			if (strerror_r(errno, why, why_size) != 0)
				snprintf(why, why_size, "error %d", errno);
			return MESURA_EIO;
		}
		if (n == 0)
			break;
		*len += (size_t)n;
	}
	return MESURA_OK;
}

int mesura_policy__read_file(const char *path, size_t limit, const mesura_allocator *alloc,
                             char **buf, size_t *len, char *why, size_t why_size, int *opened)
{
	*opened = 0;
	*buf = NULL;
	*len = 0;
	if (limit > SIZE_MAX / 2)
		limit = SIZE_MAX / 2;
	size_t size;
	int fd = open_regular(path, why, why_size, &size);
	if (fd < 0)
		return MESURA_EIO;
	*opened = 1;
	/* The size is a hint: the file may grow or shrink while it is read. */
	size_t cap = (size < limit ? size : limit) + 2;
	*buf = mesura_alloc__malloc(alloc, cap);
	int rc = *buf ? read_upto(fd, alloc, buf, &cap, limit + 1, len, why, why_size)
	              : MESURA_ENOMEM;
	close(fd);
	if (rc == MESURA_OK && *len > limit) {
		snprintf(why, why_size, "larger than the limit of %zu bytes (max_source_bytes)", limit);
		rc = MESURA_ELIMIT;
	}
	if (rc != MESURA_OK) {
		mesura_alloc__free(alloc, *buf);
		*buf = NULL;
		*len = 0;
		return rc;
	}
	(*buf)[*len] = '\0';
	return MESURA_OK;
}

size_t mesura_policy__source_limit(const mesura_compile_options *opts)
{
	return opts->max_source_bytes ? opts->max_source_bytes : (size_t)16 << 20;
}
