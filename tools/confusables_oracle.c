/*
 * ICU oracle for tools/gen_confusables.py: prints UTS #39 confusable skeletons.
 *
 * Reads lines of hexadecimal code points on stdin (one code point per line, or a
 * sequence separated by spaces) and prints, for each line,
 *     <the line's code points><TAB><skeleton code points>
 * all as upper-case hex separated by spaces. A line ICU cannot handle gets "!" as its
 * skeleton. The skeleton is ICU's (uspoof_getSkeleton: NFD, confusables.txt mapping,
 * NFD again), computed from the confusables data compiled into libicu.
 *
 * build: cc -std=c11 -O2 -o confusables_oracle tools/confusables_oracle.c \
 *            $(pkg-config --cflags --libs icu-i18n)
 * Not part of the library build.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uspoof.h>
#include <unicode/uversion.h>

enum { MAX_CPS = 64, MAX_SKELETON = 512 };

static void print_cps(const UChar *s, int32_t len)
{
	for (int32_t i = 0; i < len; i++) {
		const char *format = i == 0 ? "%04lX" : " %04lX";
		unsigned long c = s[i];
		if (c >= 0xD800 && c < 0xDC00 && i + 1 < len && s[i + 1] >= 0xDC00 && s[i + 1] < 0xE000)
			c = 0x10000 + ((c - 0xD800) << 10) + (unsigned long)(s[++i] - 0xDC00);
		printf(format, c);
	}
}

/* Appends cp as UTF-16; returns 0 when it does not fit. */
static int append_utf16(UChar *out, int32_t *len, int32_t cap, unsigned long cp)
{
	if (cp < 0x10000) {
		if (*len >= cap)
			return 0;
		out[(*len)++] = (UChar)cp;
		return 1;
	}
	if (*len + 2 > cap)
		return 0;
	out[(*len)++] = (UChar)(0xD800 + ((cp - 0x10000) >> 10));
	out[(*len)++] = (UChar)(0xDC00 + ((cp - 0x10000) & 0x3FF));
	return 1;
}

int main(int argc, char **argv)
{
	UErrorCode status = U_ZERO_ERROR;
	USpoofChecker *sc = uspoof_open(&status);
	if (U_FAILURE(status)) {
		fprintf(stderr, "confusables_oracle: uspoof_open: %s\n", u_errorName(status));
		return 2;
	}
	if (argc > 1 && strcmp(argv[1], "--version") == 0) {
		char version[U_MAX_VERSION_STRING_LENGTH];
		UVersionInfo info;
		u_getUnicodeVersion(info);
		u_versionToString(info, version);
		printf("ICU %s, Unicode %s\n", U_ICU_VERSION, version);
		uspoof_close(sc);
		return 0;
	}
	char line[1024];
	while (fgets(line, sizeof line, stdin)) {
		UChar in[2 * MAX_CPS];
		int32_t in_len = 0, ncps = 0;
		int bad = 0;
		char *p = line;
		for (;;) {
			while (*p == ' ' || *p == '\t')
				p++;
			if (*p == '\n' || *p == '\r' || *p == '\0')
				break;
			char *end;
			unsigned long cp = strtoul(p, &end, 16);
			if (end == p || cp > 0x10FFFF || ncps == MAX_CPS) {
				bad = 1;
				break;
			}
			if (!append_utf16(in, &in_len, 2 * MAX_CPS, cp))
				bad = 1;
			ncps++;
			p = end;
		}
		if (ncps == 0 && !bad)
			continue;
		print_cps(in, in_len);
		putchar('\t');
		UChar skel[MAX_SKELETON];
		status = U_ZERO_ERROR;
		int32_t n = bad ? -1 : uspoof_getSkeleton(sc, 0, in, in_len, skel, MAX_SKELETON, &status);
		if (bad || U_FAILURE(status) || n > MAX_SKELETON)
			putchar('!');
		else
			print_cps(skel, n);
		putchar('\n');
	}
	uspoof_close(sc);
	return ferror(stdin) ? 1 : 0;
}
