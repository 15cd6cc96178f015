/*
 * Versioned options structs: every struct and every entry point that reads one accept
 * each version from 1 to the current one (an older caller's struct is read only up to
 * its own end) and refuse version 0 and current + 1 with MESURA_EVERSION.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <mesura.h>

#include "testutil.h"

static const char POLICY[] = "mesura: 1\n"
                             "rules:\n"
                             "  - id: fruit\n"
                             "    category: custom.fruit\n"
                             "    action: block\n"
                             "    match: { terms: [apple, pear] }\n";

/* The versions no library accepts: 0 and the one after the current. */
static unsigned int refused_versions(unsigned int current, unsigned int out[2])
{
	out[0] = 0;
	out[1] = current + 1;
	return 2;
}

START_TEST(normalizer_options)
{
	unsigned int bad[2];
	mesura_normalizer_options o;
	mesura_normalizer *nz = (mesura_normalizer *)&o; /* any non-NULL value */
	for (unsigned int i = 0; i < refused_versions(MESURA_NORMALIZER_OPTIONS_VERSION, bad); i++) {
		ck_assert_int_eq(mesura_normalizer_options_init(&o, bad[i]), MESURA_EVERSION);
		o.version = bad[i];
		ck_assert_int_eq(mesura_normalizer_new(&nz, &o, NULL), MESURA_EVERSION);
		ck_assert_ptr_null(nz);
	}
	mesura_view *view;
	ck_assert_int_eq(mesura_view_new(&view, NULL), MESURA_OK);
	for (unsigned int v = 1; v <= MESURA_NORMALIZER_OPTIONS_VERSION; v++) {
		ck_assert_int_eq(mesura_normalizer_options_init(&o, v), MESURA_OK);
		ck_assert_uint_eq(o.version, v);
		ck_assert_uint_eq(o.flags, MESURA_NORM_MODERATION); /* the template's default */
		o.flags = MESURA_NORM_CASEFOLD;                      /* read: only case folded */
		ck_assert_int_eq(mesura_normalizer_new(&nz, &o, NULL), MESURA_OK);
		ck_assert_int_eq(mesura_normalize(nz, view, "M1\xC3\x89RDA", 7), MESURA_OK);
		ck_assert_str_eq(mesura_view_text(view, NULL), "m1\xC3\xA9rda");
		mesura_normalizer_free(nz);
	}
	mesura_view_free(view);
	ck_assert_int_eq(mesura_normalizer_options_init(NULL, 1), MESURA_EINVAL);
}
END_TEST

static int compile_with(const mesura_compile_options *o, const char *src)
{
	mesura_policy *p = NULL;
	int rc = mesura_policy_compile(&p, src, strlen(src), "v.yaml", o, NULL, NULL);
	ck_assert(rc == MESURA_OK ? p != NULL : p == NULL);
	mesura_policy_free(p);
	return rc;
}

START_TEST(compile_options)
{
	unsigned int bad[2];
	mesura_compile_options o;
	for (unsigned int i = 0; i < refused_versions(MESURA_COMPILE_OPTIONS_VERSION, bad); i++) {
		ck_assert_int_eq(mesura_compile_options_init(&o, bad[i]), MESURA_EVERSION);
		o.version = bad[i];
		ck_assert_int_eq(compile_with(&o, POLICY), MESURA_EVERSION);
		mesura_policy *p = NULL;
		ck_assert_int_eq(mesura_policy_load_file(&p, tu_data_path("none.yaml"), &o, NULL, NULL),
		                 MESURA_EVERSION);
		ck_assert_ptr_null(p);
	}
	/* Each version's struct is written and read only up to its own end: the bytes
	 * after it (a newer field the caller's header does not have) are left alone. */
	const size_t ends[] = {offsetof(mesura_compile_options, max_compiled_bytes),
	                       sizeof(mesura_compile_options)};
	ck_assert_uint_eq(sizeof ends / sizeof ends[0], MESURA_COMPILE_OPTIONS_VERSION);
	for (unsigned int v = 1; v <= MESURA_COMPILE_OPTIONS_VERSION; v++) {
		union {
			mesura_compile_options o;
			unsigned char bytes[sizeof(mesura_compile_options)];
		} u;
		memset(&u, 0xA5, sizeof u);
		ck_assert_int_eq(mesura_compile_options_init(&u.o, v), MESURA_OK);
		ck_assert_uint_eq(u.o.version, v);
		for (size_t b = ends[v - 1]; b < sizeof u; b++)
			ck_assert_uint_eq(u.bytes[b], 0xA5);
		ck_assert_int_eq(compile_with(&u.o, POLICY), MESURA_OK);
		u.o.max_terms = 1; /* a field of version 1: read in every version */
		ck_assert_int_eq(compile_with(&u.o, POLICY), MESURA_ELIMIT);
	}
	/* Version 2's field is read from version 2 structs only. */
	ck_assert_int_eq(mesura_compile_options_init(&o, 2), MESURA_OK);
	o.max_compiled_bytes = 1;
	ck_assert_int_eq(compile_with(&o, POLICY), MESURA_ELIMIT);
	o.version = 1;
	ck_assert_int_eq(compile_with(&o, POLICY), MESURA_OK);
	ck_assert_int_eq(mesura_compile_options_init(NULL, 1), MESURA_EINVAL);
}
END_TEST

START_TEST(scan_limits)
{
	mesura_policy *p = NULL;
	ck_assert_int_eq(mesura_policy_compile(&p, POLICY, strlen(POLICY), NULL, NULL, NULL, NULL),
	                 MESURA_OK);
	mesura_scanner *s = NULL;
	ck_assert_int_eq(mesura_scanner_new(&s, p, NULL), MESURA_OK);
	unsigned int bad[2];
	mesura_scanner_limits l;
	for (unsigned int i = 0; i < refused_versions(MESURA_SCANNER_LIMITS_VERSION, bad); i++) {
		ck_assert_int_eq(mesura_scanner_limits_init(&l, bad[i]), MESURA_EVERSION);
		l.version = bad[i];
		ck_assert_int_eq(mesura_scanner_set_limits(s, &l), MESURA_EVERSION);
	}
	const char post[] = "an apple and a pear";
	const mesura_result *r;
	ck_assert_int_eq(mesura_scan(s, post, strlen(post), 0, &r), MESURA_OK);
	ck_assert_uint_eq(mesura_result_finding_count(r), 2); /* the refused limits changed nothing */
	for (unsigned int v = 1; v <= MESURA_SCANNER_LIMITS_VERSION; v++) {
		ck_assert_int_eq(mesura_scanner_limits_init(&l, v), MESURA_OK);
		ck_assert_uint_eq(l.version, v);
		l.max_findings = 1;
		ck_assert_int_eq(mesura_scanner_set_limits(s, &l), MESURA_OK);
		ck_assert_int_eq(mesura_scan(s, post, strlen(post), 0, &r), MESURA_ELIMIT);
		ck_assert_uint_eq(mesura_result_finding_count(r), 1);
		ck_assert_uint_eq(r->limits_hit, MESURA_LIMIT_FINDINGS);
	}
	ck_assert_int_eq(mesura_scanner_limits_init(NULL, 1), MESURA_EINVAL);
	mesura_scanner_free(s);
	mesura_policy_free(p);
}
END_TEST

static int redact_with(mesura_redactor *r, const mesura_redact_format *o, const char **out)
{
	const char text[] = "call 555";
	mesura_redact_span span = {5, 8, MESURA_REDACT_MASK, o, "pii.phone", NULL};
	size_t len;
	return mesura_redact(r, text, strlen(text), &span, 1, sizeof span, out, &len);
}

START_TEST(redact_options)
{
	mesura_redactor *r;
	ck_assert_int_eq(mesura_redactor_new(&r, NULL, NULL), MESURA_OK);
	unsigned int bad[2];
	mesura_redact_format o;
	const char *out = NULL;
	for (unsigned int i = 0; i < refused_versions(MESURA_REDACT_FORMAT_VERSION, bad); i++) {
		ck_assert_int_eq(mesura_redact_format_init(&o, bad[i]), MESURA_EVERSION);
		o.version = bad[i];
		ck_assert_int_eq(redact_with(r, &o, &out), MESURA_EVERSION);
		ck_assert_ptr_null(out);
	}
	for (unsigned int v = 1; v <= MESURA_REDACT_FORMAT_VERSION; v++) {
		ck_assert_int_eq(mesura_redact_format_init(&o, v), MESURA_OK);
		ck_assert_uint_eq(o.version, v);
		ck_assert_int_eq(redact_with(r, &o, &out), MESURA_OK);
		ck_assert_str_eq(out, "call ***");
		o.mask_char = "#";
		o.keep_last = 1;
		ck_assert_int_eq(redact_with(r, &o, &out), MESURA_OK);
		ck_assert_str_eq(out, "call ##5");
	}
	ck_assert_int_eq(mesura_redact_format_init(NULL, 1), MESURA_EINVAL);
	mesura_redactor_free(r);
}
END_TEST

START_TEST(redactor_options)
{
	static const unsigned char key[MESURA_REDACT_KEY_SIZE] = "0123456789abcdef";
	unsigned int bad[2];
	mesura_redactor_options o;
	mesura_redactor *r = (mesura_redactor *)&o;
	for (unsigned int i = 0; i < refused_versions(MESURA_REDACTOR_OPTIONS_VERSION, bad); i++) {
		ck_assert_int_eq(mesura_redactor_options_init(&o, bad[i]), MESURA_EVERSION);
		o.version = bad[i];
		o.hash_key = key;
		ck_assert_int_eq(mesura_redactor_new(&r, &o, NULL), MESURA_EVERSION);
		ck_assert_ptr_null(r);
	}
	const char text[] = "call 555";
	mesura_redact_span span = {5, 8, MESURA_REDACT_HASH, NULL, "pii.phone", NULL};
	for (unsigned int v = 1; v <= MESURA_REDACTOR_OPTIONS_VERSION; v++) {
		ck_assert_int_eq(mesura_redactor_options_init(&o, v), MESURA_OK);
		ck_assert_uint_eq(o.version, v);
		ck_assert_ptr_null(o.hash_key);
		o.hash_key = key; /* read: HASH needs a key */
		ck_assert_int_eq(mesura_redactor_new(&r, &o, NULL), MESURA_OK);
		const char *out;
		size_t len;
		ck_assert_int_eq(mesura_redact(r, text, strlen(text), &span, 1, sizeof span, &out, &len), MESURA_OK);
		ck_assert_int_eq(strncmp(out, "call [PHONE:", 12), 0);
		ck_assert_uint_eq(len, strlen("call [PHONE:123456]"));
		mesura_redactor_free(r);
	}
	ck_assert_int_eq(mesura_redactor_options_init(NULL, 1), MESURA_EINVAL);
}
END_TEST

START_TEST(redact_preview_options)
{
	mesura_redactor *r;
	ck_assert_int_eq(mesura_redactor_new(&r, NULL, NULL), MESURA_OK);
	const char text[] = "call 555";
	mesura_redact_span span = {5, 8, MESURA_REDACT_MASK, NULL, "pii.phone", NULL};
	unsigned int bad[2];
	mesura_redact_preview_options o;
	const char *out = NULL;
	size_t len;
	for (unsigned int i = 0; i < refused_versions(MESURA_REDACT_PREVIEW_OPTIONS_VERSION, bad);
	     i++) {
		ck_assert_int_eq(mesura_redact_preview_options_init(&o, bad[i]), MESURA_EVERSION);
		o.version = bad[i];
		ck_assert_int_eq(mesura_redact_preview(r, text, strlen(text), &span, 1, sizeof span, &o, &out, &len),
		                 MESURA_EVERSION);
		ck_assert_ptr_null(out);
	}
	for (unsigned int v = 1; v <= MESURA_REDACT_PREVIEW_OPTIONS_VERSION; v++) {
		ck_assert_int_eq(mesura_redact_preview_options_init(&o, v), MESURA_OK);
		ck_assert_uint_eq(o.version, v);
		o.open = "<";
		o.close = ">";
		ck_assert_int_eq(mesura_redact_preview(r, text, strlen(text), &span, 1, sizeof span, &o, &out, &len),
		                 MESURA_OK);
		ck_assert_str_eq(out, "call <555>");
	}
	ck_assert_int_eq(mesura_redact_preview_options_init(NULL, 1), MESURA_EINVAL);
	mesura_redactor_free(r);
}
END_TEST

/* A program accepts a library of its own major version and at least its minor one. */
START_TEST(library_version_compatible)
{
	const unsigned int major = MESURA_VERSION_MAJOR, minor = MESURA_VERSION_MINOR;
	const unsigned int patch = MESURA_VERSION_PATCH;
#define AT(M, m, p) ((M) * 10000u + (m) * 100u + (p))
	ck_assert(MESURA_VERSION_COMPATIBLE(mesura_version()));
	ck_assert(MESURA_VERSION_COMPATIBLE(AT(major, minor, patch)));
	ck_assert(MESURA_VERSION_COMPATIBLE(AT(major, minor, patch + 1)));
	ck_assert(MESURA_VERSION_COMPATIBLE(AT(major, minor, 0)));  /* an older patch level */
	ck_assert(MESURA_VERSION_COMPATIBLE(AT(major, minor + 1, 0)));
	ck_assert(MESURA_VERSION_COMPATIBLE(AT(major, 99, 99)));
	if (minor > 0)
		ck_assert(!MESURA_VERSION_COMPATIBLE(AT(major, minor - 1, 99)));
	ck_assert(!MESURA_VERSION_COMPATIBLE(AT(major + 1, minor, patch)));
	ck_assert(!MESURA_VERSION_COMPATIBLE(AT(major + 1, 0, 0)));
	if (major > 0)
		ck_assert(!MESURA_VERSION_COMPATIBLE(AT(major - 1, 99, 99)));
	/* a program that uses the experimental part needs its very minor version */
	ck_assert(MESURA_EXPERIMENTAL_COMPATIBLE(mesura_version()));
	ck_assert(MESURA_EXPERIMENTAL_COMPATIBLE(AT(major, minor, patch + 1)));
	ck_assert(MESURA_EXPERIMENTAL_COMPATIBLE(AT(major, minor, 0)));
	ck_assert(!MESURA_EXPERIMENTAL_COMPATIBLE(AT(major, minor + 1, 0)));
	if (minor > 0)
		ck_assert(!MESURA_EXPERIMENTAL_COMPATIBLE(AT(major, minor - 1, 99)));
	ck_assert(!MESURA_EXPERIMENTAL_COMPATIBLE(AT(major + 1, minor, patch)));
#undef AT
}
END_TEST

static Suite *options_suite(void)
{
	Suite *s = suite_create("options");
	TCase *tc = tcase_create("versions");
	tcase_add_test(tc, normalizer_options);
	tcase_add_test(tc, compile_options);
	tcase_add_test(tc, scan_limits);
	tcase_add_test(tc, redact_options);
	tcase_add_test(tc, redactor_options);
	tcase_add_test(tc, redact_preview_options);
	tcase_add_test(tc, library_version_compatible);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(options_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
