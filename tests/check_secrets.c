/* builtin:secrets, family by family: every credential of tests/data/secrets-tokens.tsv
 * (tools/corpus_secrets.py: generated from each provider's documented format, with
 * GitHub's CRC32 checksum where the format has one) is screened with the default policy
 * inside posts of many shapes (English and Spanish prose, .env, YAML and JSON lines,
 * query strings, connection strings) and must be found with its exact span and no other
 * overlapping secret finding; its near-valid twins (the format's mark broken, a public
 * key instead of a private one) and placeholders (<your-token>, ${TOKEN}, ****, empty
 * values, a value that is the next line's key) must not be flagged. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include <mesura.h>

#define CATEGORY "secret.credential"

/* Bare tokens (no name before them): prose templates, where near misses are screened too. */
static const char *const PROSE[] = {
	"%s",
	"Anyone know why %s gets a 401? 😤",
	"Me da error con esto: %s ¿alguna idea?",
	"the old one was %s.",
	"(%s)",
	"paste:\n%s\nthanks",
	"ok so I rotated it 🙃 %s #devops",
};

/* Bare tokens after a name: the policy may find them twice, never at another span. */
static const char *const NAMED[] = {
	"SERVICE_TOKEN=%s",
	"service:\n  token: %s\n  region: eu-west-1",
	"{\"credential\": \"%s\", \"retries\": 3}",
	"export KEY='%s'",
	"la clave es %s, no la compartáis",
};

/* URL-safe tokens also go in a query string. */
static const char *const QUERY[] = {
	"https://api.acme.io/v1/export?token=%s&format=json",
	"GET /v2/report?api_key=%s HTTP/1.1",
};

/* Values found by the name before them (OKTA_API_TOKEN=, DD_API_KEY=, AccountKey=,
 * &sig=): the first %s is that name. A placeholder in its place is never a finding. */
static const char *const CONTEXT[] = {
	"%s%s",
	"export %s%s",
	"%s%s # rotate me",
	"[prod]\n%s%s\nREGION_NAME=eu-west-1",
	"DefaultEndpointsProtocol=https;AccountName=acme;%s%s;EndpointSuffix=core.windows.net",
	"https://acme.blob.core.windows.net/c/q3.pdf?sv=2022-11-02&sp=r%s%s&se=2026-01-01",
};

typedef struct {
	char name[40];
	size_t pos, found, neg, neg_flagged;
} family_count;

static mesura_policy *default_policy(void)
{
	mesura_policy *p = NULL;
	mesura_diagnostics *d = NULL;
	ck_assert_int_eq(mesura_policy_default(&p, &d, NULL), MESURA_OK);
	mesura_diagnostics_free(d);
	return p;
}

static family_count *family_of(family_count *fams, size_t *n, const char *name)
{
	for (size_t i = 0; i < *n; i++)
		if (!strcmp(fams[i].name, name))
			return &fams[i];
	ck_assert_uint_lt(*n, 64);
	family_count *f = &fams[(*n)++];
	memset(f, 0, sizeof *f);
	snprintf(f->name, sizeof f->name, "%s", name);
	return f;
}

/* "\n" written as two characters in the TSV is a newline in the token. */
static size_t unescape(char *s)
{
	size_t w = 0;
	for (size_t r = 0; s[r]; r++) {
		if (s[r] == '\\' && s[r + 1] == 'n') {
			s[w++] = '\n';
			r++;
		} else {
			s[w++] = s[r];
		}
	}
	s[w] = '\0';
	return w;
}

static int url_safe(const char *s)
{
	for (; *s; s++)
		if (!strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.~-", *s))
			return 0;
	return 1;
}

/* Builds the post: template with %s (or %s%s: name then value); start and end are the
 * byte span of the value in it. */
static char *make_post(const char *tmpl, const char *name, const char *value, size_t *len,
                       size_t *start, size_t *end)
{
	size_t cap = strlen(tmpl) + (name ? strlen(name) : 0) + strlen(value) + 1;
	char *post = malloc(cap);
	const char *at = strstr(tmpl, "%s");
	size_t n = (size_t)(at - tmpl);
	memcpy(post, tmpl, n);
	const char *rest = at + 2;
	if (name) {
		ck_assert(!strncmp(rest, "%s", 2));
		memcpy(post + n, name, strlen(name));
		n += strlen(name);
		rest += 2;
	}
	*start = n;
	memcpy(post + n, value, strlen(value));
	n += strlen(value);
	*end = n;
	memcpy(post + n, rest, strlen(rest) + 1);
	*len = n + strlen(rest);
	return post;
}

static int overlaps(const mesura_finding *f, size_t start, size_t end)
{
	return !strcmp(f->category, CATEGORY) && f->start < end && f->end > start;
}

/* A positive: the exact span is found and no other secret finding overlaps it. */
static int screen_pos(mesura_scanner *s, const char *post, size_t len, size_t start,
                      size_t end, tu_tally *t)
{
	const mesura_result *r;
	ck_assert_int_eq(mesura_scan(s, post, len, 0, &r), MESURA_OK);
	int exact = 0;
	for (size_t i = 0; i < mesura_result_finding_count(r); i++) {
		const mesura_finding *f = mesura_result_finding_get(r, i);
		if (!overlaps(f, start, end))
			continue;
		if (f->start == start && f->end == end)
			exact = 1;
		else
			tu_tally_fail(t, "other span [%zu,%zu) \"%.*s\" (rule %s) in: %s", f->start,
			              f->end, (int)(f->end - f->start), post + f->start, f->rule_id, post);
	}
	if (!exact)
		tu_tally_fail(t, "missed [%zu,%zu) in: %s", start, end, post);
	t->checks++;
	return exact;
}

/* A negative: no secret finding overlaps [start, end) (the whole post when end is 0). */
static int screen_neg(mesura_scanner *s, const char *post, size_t len, size_t start,
                      size_t end, tu_tally *t)
{
	const mesura_result *r;
	ck_assert_int_eq(mesura_scan(s, post, len, 0, &r), MESURA_OK);
	t->checks++;
	for (size_t i = 0; i < mesura_result_finding_count(r); i++) {
		const mesura_finding *f = mesura_result_finding_get(r, i);
		if (end ? overlaps(f, start, end) : !strcmp(f->category, CATEGORY)) {
			tu_tally_fail(t, "flagged \"%.*s\" (rule %s) in: %s", (int)(f->end - f->start),
			              post + f->start, f->rule_id, post);
			return 1;
		}
	}
	return 0;
}

START_TEST(every_family_is_found_in_every_shape_of_post)
{
	size_t len;
	char *data = tu_read_file(tu_data_path("secrets-tokens.tsv"), &len);
	mesura_policy *policy = default_policy();
	mesura_scanner *s;
	ck_assert_int_eq(mesura_scanner_new(&s, policy, NULL), MESURA_OK);
	family_count fams[64];
	size_t n_fams = 0, n_lines = 0;
	tu_tally t = {"secrets", 0, 0};
	for (char *line = data; line < data + len;) {
		char *eol = memchr(line, '\n', (size_t)(data + len - line));
		if (!eol)
			eol = data + len;
		*eol = '\0';
		char *next = eol + 1;
		if (*line == '#' || *line == '\0') {
			line = next;
			continue;
		}
		char *family = line, *kind = strchr(family, '\t');
		ck_assert_ptr_nonnull(kind);
		*kind++ = '\0';
		char *context = strchr(kind, '\t');
		ck_assert_ptr_nonnull(context);
		*context++ = '\0';
		char *token = strchr(context, '\t');
		ck_assert_ptr_nonnull(token);
		*token++ = '\0';
		unescape(token);
		n_lines++;
		int pos = !strcmp(kind, "pos");
		const char *name = strcmp(context, "-") ? context : NULL;
		family_count *fc = family_of(fams, &n_fams, family);
		/* The span a finding must have: a Sentry DSN's is its key. */
		size_t skip = 0, keep = strlen(token);
		if (pos && !strcmp(family, "sentry-dsn")) {
			skip = strlen("https://");
			keep = 32;
		}
		const char *const *tmpls;
		size_t n_tmpls;
		if (name) {
			tmpls = CONTEXT;
			n_tmpls = sizeof CONTEXT / sizeof *CONTEXT;
		} else {
			tmpls = PROSE;
			n_tmpls = sizeof PROSE / sizeof *PROSE;
		}
		for (int round = 0; round < 3; round++) {
			if (round == 1) {
				if (name || !pos)
					break;
				tmpls = NAMED;
				n_tmpls = sizeof NAMED / sizeof *NAMED;
			} else if (round == 2) {
				if (!url_safe(token))
					break;
				tmpls = QUERY;
				n_tmpls = sizeof QUERY / sizeof *QUERY;
			}
			for (size_t i = 0; i < n_tmpls; i++) {
				/* The connection-string and SAS templates hold only their own names. */
				if (name && i >= 4 && strcmp(name, i == 4 ? "AccountKey=" : "&sig="))
					continue;
				if (name && i < 4 && !strcmp(name, "&sig="))
					continue;
				size_t plen, start, end;
				char *post = make_post(tmpls[i], name, token, &plen, &start, &end);
				if (pos) {
					fc->pos++;
					fc->found += (size_t)screen_pos(s, post, plen, start + skip,
					                                start + skip + keep, &t);
				} else {
					fc->neg++;
					fc->neg_flagged += (size_t)screen_neg(s, post, plen, start,
					                                      name ? 0 : end, &t);
				}
				free(post);
			}
		}
		/* GitHub and npm tokens carry a CRC-32: glued to the words around them they are
		 * found when it holds, and not when one character of it is changed. */
		if (pos && (!strcmp(family, "github") || !strcmp(family, "npm"))) {
			size_t plen, start, end;
			char *post = make_post("mytoken%sthanks", NULL, token, &plen, &start, &end);
			fc->pos++;
			fc->found += (size_t)screen_pos(s, post, plen, start, end, &t);
			char *last = post + end - 1;
			*last = *last == 'z' ? 'a' : *last == '9' ? 'A' : (char)(*last + 1);
			fc->neg++;
			fc->neg_flagged += (size_t)screen_neg(s, post, plen, start, end, &t);
			free(post);
		}
		line = next;
	}
	ck_assert_uint_gt(n_lines, 1000);
	printf("secrets: %-22s %9s %12s\n", "family", "found", "neg flagged");
	for (size_t i = 0; i < n_fams; i++)
		printf("secrets: %-22s %4zu/%-4zu %6zu/%-4zu\n", fams[i].name, fams[i].found,
		       fams[i].pos, fams[i].neg_flagged, fams[i].neg);
	tu_tally_finish(&t, "posts");
	mesura_scanner_free(s);
	mesura_policy_free(policy);
	free(data);
}
END_TEST

/* The issue's own list of what is not a secret, each in a post of its own. */
START_TEST(placeholders_and_example_keys_are_not_flagged)
{
	static const char *const CLEAN[] = {
	    "aws_access_key_id = AKIAIOSFODNN7EXAMPLE",
	    "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
	    "AWS secret key: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY (from the docs)",
	    "api_key=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
	    "API_KEY=XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
	    "token: ################",
	    "API_TOKEN=<your-token>",
	    "secret: ***",
	    "GITHUB_TOKEN=${TOKEN}",
	    "auth_token: {{token}}",
	    "password: changeme",
	    "api_key: your_api_key_here",
	    "client_secret: dummy_client_secret_value_1234",
	    "access_token=test_token_1234567890abcdef",
	    "api_key=example-key-0123456789abcdef",
	    "API_KEY=",
	    "API_KEY=\nSECRET=\nREGION=eu-west-1",
	    "password=\nusername=admin_2024",
	    "token:\n  refresh_interval: 3600s",
	    "https://user:password@host.example/path",
	    "postgres://app:${DB_PASSWORD}@db:5432/app",
	    "redis://:****@cache:6379",
	    "https://example.com/callback?token=YOUR_TOKEN_HERE",
	    "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAu1SU1LfVLPHCozMxH2Mo\n-----END PUBLIC KEY-----",
	    "-----BEGIN CERTIFICATE-----\nMIIDdzCCAl+gAwIBAgIEAgAAuTANBgkqhkiG9w0BAQUFADBaMQswCQYDVQQGEwJJ\n-----END CERTIFICATE-----",
	    "Stripe publishable key pk_live_4eC39HqLyjWDarjtT1zdp7dc goes in the frontend",
	    "la clave de la API es secreta, pedídsela a IT",
	    "my api key expired yesterday, new one coming",
	    "Las credenciales están en el gestor de contraseñas",
	    "the token of appreciation goes to our interns 🎉",
	};
	mesura_policy *policy = default_policy();
	mesura_scanner *s;
	ck_assert_int_eq(mesura_scanner_new(&s, policy, NULL), MESURA_OK);
	tu_tally t = {"secrets negatives", 0, 0};
	for (size_t i = 0; i < sizeof CLEAN / sizeof *CLEAN; i++)
		screen_neg(s, CLEAN[i], strlen(CLEAN[i]), 0, 0, &t);
	tu_tally_finish(&t, "posts");
	mesura_scanner_free(s);
	mesura_policy_free(policy);
}
END_TEST

/* A private key is one finding from BEGIN to END, so redaction removes the body. */
START_TEST(a_private_key_is_one_finding_header_to_footer)
{
	static const char KEY[] =
	    "-----BEGIN OPENSSH PRIVATE KEY-----\n"
	    "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n"
	    "QyNTUxOQAAACDwKpP1dk0y7Kx9Y3fJQn2Ls8Hr4Tz6Vb1Wm5Nc7Xd0GgAAAJgN2bU1DdmN\n"
	    "-----END OPENSSH PRIVATE KEY-----";
	char post[512];
	snprintf(post, sizeof post, "can someone check this?\n%s\nthanks!", KEY);
	mesura_policy *policy = default_policy();
	mesura_scanner *s;
	ck_assert_int_eq(mesura_scanner_new(&s, policy, NULL), MESURA_OK);
	const mesura_result *r;
	ck_assert_int_eq(mesura_scan(s, post, strlen(post), 0, &r), MESURA_OK);
	size_t start = strlen("can someone check this?\n");
	size_t n = 0;
	for (size_t i = 0; i < mesura_result_finding_count(r); i++)
		if (!strcmp(mesura_result_finding_get(r, i)->category, CATEGORY)) {
			n++;
			ck_assert_uint_eq(mesura_result_finding_get(r, i)->start, start);
			ck_assert_uint_eq(mesura_result_finding_get(r, i)->end, start + strlen(KEY));
		}
	ck_assert_uint_ge(n, 1);
	mesura_scanner_free(s);
	mesura_policy_free(policy);
}
END_TEST

/* A Kubernetes Secret manifest pasted in a post: every value under data (base64 of a
 * generated password) and stringData is a finding over exactly its bytes; the same
 * manifest as a ConfigMap, or with placeholders, has none. */
static void base64_of(const char *in, char *out)
{
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t n = strlen(in), o = 0;
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned char)in[i] << 16;
		v |= i + 1 < n ? (unsigned)(unsigned char)in[i + 1] << 8 : 0;
		v |= i + 2 < n ? (unsigned char)in[i + 2] : 0;
		out[o++] = b64[v >> 18 & 63];
		out[o++] = b64[v >> 12 & 63];
		out[o++] = i + 1 < n ? b64[v >> 6 & 63] : '=';
		out[o++] = i + 2 < n ? b64[v & 63] : '=';
	}
	out[o] = '\0';
}

START_TEST(kubernetes_secret_values_are_found)
{
	mesura_policy *policy = default_policy();
	mesura_scanner *s;
	ck_assert_int_eq(mesura_scanner_new(&s, policy, NULL), MESURA_OK);
	tu_rng rng = {0x8c5};
	static const char alnum[] = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
	for (int k = 0; k < 100; k++) {
		char password[24], user[8], b64_pass[40], b64_user[16], post[600];
		for (size_t i = 0; i < 15; i++)
			password[i] = alnum[tu_rng_below(&rng, sizeof alnum - 1)];
		snprintf(password + 15, sizeof password - 15, "%u!", (unsigned)tu_rng_below(&rng, 90) + 10);
		snprintf(user, sizeof user, "svc%02u", (unsigned)tu_rng_below(&rng, 100));
		base64_of(password, b64_pass);
		base64_of(user, b64_user);
		const char *kind = k % 2 ? "Secret" : "ConfigMap";
		int n = snprintf(post, sizeof post,
		                 "why does the pod not start? here is the yaml:\n"
		                 "apiVersion: v1\nkind: %s\nmetadata:\n  name: db-%d\n"
		                 "type: Opaque\ndata:\n  username: %s\n  password: ",
		                 kind, k, b64_user);
		size_t start = (size_t)n;
		snprintf(post + n, sizeof post - (size_t)n, "%s\n", b64_pass);
		const mesura_result *r;
		ck_assert_int_eq(mesura_scan(s, post, strlen(post), 0, &r), MESURA_OK);
		int found = 0;
		for (size_t i = 0; i < mesura_result_finding_count(r); i++)
			if (!strcmp(mesura_result_finding_get(r, i)->rule_id, "secret.k8s-secret-data") &&
			    mesura_result_finding_get(r, i)->start == start && mesura_result_finding_get(r, i)->end == start + strlen(b64_pass))
				found = 1;
		ck_assert_msg(found == (k % 2), "%s manifest %d: password value %s", kind, k,
		              found ? "flagged" : "missed");
	}
	mesura_scanner_free(s);
	mesura_policy_free(policy);
}
END_TEST

static Suite *secrets_suite(void)
{
	Suite *s = suite_create("secrets");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, every_family_is_found_in_every_shape_of_post);
	tcase_add_test(tc, placeholders_and_example_keys_are_not_flagged);
	tcase_add_test(tc, a_private_key_is_one_finding_header_to_footer);
	tcase_add_test(tc, kubernetes_secret_values_are_found);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(secrets_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
