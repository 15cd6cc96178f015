/*
 * URLs, e-mail addresses, @mentions, #hashtags and $cashtags. The shapes follow
 * twitter-text, the library the networks published for extracting them, so that
 * mesura agrees with what users see linked; docs/tokens.md lists the differences.
 */
#include <string.h>
#include <utf8proc.h>

#include "social.h"
#include "text/text.h"
#include "wordbreak.h"

#include "tld_table.inc"

static int32_t cp_at(const unsigned char *s, size_t len, size_t i, size_t *n)
{
	int32_t cp;
	if (s[i] < 0x80) {
		*n = 1;
		return s[i];
	}
	*n = mesura_utf8__decode(s, len, i, &cp);
	return cp;
}

/* The character before s[i] (i > 0), or -1 at the start of the text. */
static int32_t cp_before(const unsigned char *s, size_t len, size_t i)
{
	if (i == 0)
		return -1;
	size_t j = i - 1, n;
	while (j > 0 && i - j < 4 && (s[j] & 0xC0) == 0x80)
		j--;
	int32_t cp = cp_at(s, len, j, &n);
	return j + n == i ? cp : 0xFFFD;
}

static int is_ascii_alnum(int32_t c)
{
	return (unsigned)((c | 0x20) - 'a') < 26u || (unsigned)(c - '0') < 10u;
}

static int is_ascii_alpha(int32_t c)
{
	return (unsigned)((c | 0x20) - 'a') < 26u;
}

static int category_in(int32_t cp, utf8proc_category_t lo, utf8proc_category_t hi)
{
	utf8proc_category_t c = utf8proc_category(cp);
	return c >= lo && c <= hi;
}

static int is_letter_or_mark(int32_t cp)
{
	if (cp < 0x80)
		return is_ascii_alpha(cp);
	return category_in(cp, UTF8PROC_CATEGORY_LU, UTF8PROC_CATEGORY_ME);
}

static int is_space(int32_t cp)
{
	if (cp < 0x80)
		return cp == ' ' || (cp >= '\t' && cp <= '\r');
	return utf8proc_get_property(cp)->bidi_class == UTF8PROC_BIDI_CLASS_WS ||
	       cp == 0x85 || cp == 0x2028 || cp == 0x2029;
}

size_t mesura_tokens__sigil_length(const unsigned char *s, size_t len, size_t i)
{
	if (s[i] == '#' || s[i] == '@' || s[i] == '$')
		return 1;
	/* ＃ U+FF03 and ＠ U+FF20, which twitter-text accepts too */
	if (i + 2 < len && s[i] == 0xEF && s[i + 1] == 0xBC && (s[i + 2] == 0x83 || s[i + 2] == 0xA0))
		return 3;
	return 0;
}

/* ------------------------------------------------------------- mentions */

/* @name: ASCII letters, digits and underscores, not inside a word or an e-mail. */
static int match_mention(const unsigned char *s, size_t len, size_t i, size_t sigil,
                         mesura_social_match *m)
{
	int32_t before = cp_before(s, len, i);
	if (before >= 0 && (is_ascii_alnum(before) || strchr("_!#$%&*@", (int)before) ||
	                    before == 0xFF20 || is_letter_or_mark(before)))
		return 0;
	size_t j = i + sigil;
	while (j < len && (is_ascii_alnum(s[j]) || s[j] == '_'))
		j++;
	if (j == i + sigil)
		return 0;
	if (j < len && (mesura_tokens__sigil_length(s, len, j) && (s[j] == '@' || s[j] == 0xEF)))
		return 0; /* @user@host is an address, not a mention */
	size_t n;
	if (j < len && is_letter_or_mark(cp_at(s, len, j, &n)))
		return 0; /* @josé: twitter-text links no part of it */
	m->type = MESURA_TOKEN_MENTION;
	m->end = j;
	return 1;
}

/* ------------------------------------------------------------- hashtags */

/* Characters of a hashtag's body besides letters, marks and digits (twitter-text). */
static int is_hashtag_extra(int32_t cp)
{
	return cp == '_' || cp == 0x200C || cp == 0x200D || cp == 0xA67E || cp == 0x05BE ||
	       cp == 0x05F3 || cp == 0x05F4 || cp == 0xFF5E || cp == 0x301C || cp == 0x309B ||
	       cp == 0x309C || cp == 0x30A0 || cp == 0x30FB || cp == 0x3003 || cp == 0x0F0B ||
	       cp == 0x0F0C || cp == 0x00B7;
}

static int is_hashtag_char(int32_t cp, int *letter)
{
	if (is_letter_or_mark(cp)) {
		*letter |= cp < 0x80 || category_in(cp, UTF8PROC_CATEGORY_LU, UTF8PROC_CATEGORY_LO);
		return 1;
	}
	if (cp < 0x80)
		return (unsigned)(cp - '0') < 10u || cp == '_';
	return category_in(cp, UTF8PROC_CATEGORY_ND, UTF8PROC_CATEGORY_ND) || is_hashtag_extra(cp);
}

static int match_hashtag(const unsigned char *s, size_t len, size_t i, size_t sigil,
                         mesura_social_match *m)
{
	int32_t before = cp_before(s, len, i);
	int ignored;
	if (before >= 0 && (before == '&' || is_hashtag_char(before, &ignored)))
		return 0;
	size_t j = i + sigil, n;
	int letter = 0;
	if (j < len && (cp_at(s, len, j, &n) == 0xFE0F || cp_at(s, len, j, &n) == 0x20E3))
		return 0; /* #️⃣ is a keycap emoji */
	while (j < len && is_hashtag_char(cp_at(s, len, j, &n), &letter))
		j += n;
	if (j == i + sigil || !letter)
		return 0; /* #1 is a number, not a hashtag; #️⃣ is an emoji */
	if (j < len && mesura_tokens__sigil_length(s, len, j) && (s[j] == '#' || s[j] == 0xEF))
		return 0; /* #a#b: twitter-text links neither */
	m->type = MESURA_TOKEN_HASHTAG;
	m->end = j;
	return 1;
}

/* ------------------------------------------------------------- cashtags */

/* $AAPL, $BRK.A: 1-6 letters, optionally . or _ and 1-2 letters, after a space. */
static int match_cashtag(const unsigned char *s, size_t len, size_t i, mesura_social_match *m)
{
	int32_t before = cp_before(s, len, i);
	if (before >= 0 && !is_space(before))
		return 0;
	size_t j = i + 1;
	while (j < len && j - i <= 6 && is_ascii_alpha(s[j]))
		j++;
	size_t letters = j - i - 1;
	if (letters == 0 || letters > 6 || (j < len && is_ascii_alpha(s[j])))
		return 0;
	if (j + 1 < len && (s[j] == '.' || s[j] == '_') && is_ascii_alpha(s[j + 1])) {
		size_t k = j + 1;
		while (k < len && k - j <= 2 && is_ascii_alpha(s[k]))
			k++;
		if (k - j - 1 <= 2 && !(k < len && is_ascii_alpha(s[k])))
			j = k;
	}
	size_t n;
	int32_t after = j < len ? cp_at(s, len, j, &n) : -1;
	if (after >= 0 && !is_space(after) && !(after < 0x80 && strchr("!\"#$%&'()*+,-./:;<=>?@[]^`{|}~", (int)after)))
		return 0;
	m->type = MESURA_TOKEN_CASHTAG;
	m->end = j;
	return 1;
}

/* ------------------------------------------------------------- URLs */

static int in_table(const char *const *table, size_t n, const char *key)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(table[mid], key);
		if (c == 0)
			return 1;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

typedef enum { TLD_UNKNOWN, TLD_GENERIC, TLD_COUNTRY } tld_kind;

static tld_kind tld_kind_of(const unsigned char *s, size_t n)
{
	char tld[16];
	if (n < 2 || n >= sizeof tld)
		return TLD_UNKNOWN;
	for (size_t k = 0; k < n; k++)
		tld[k] = (char)(s[k] | 0x20);
	tld[n] = '\0';
	if (in_table(generic_tlds, sizeof generic_tlds / sizeof generic_tlds[0], tld))
		return TLD_GENERIC;
	if (in_table(country_tlds, sizeof country_tlds / sizeof country_tlds[0], tld))
		return TLD_COUNTRY;
	return TLD_UNKNOWN;
}

/* Scans a host name (labels of letters, digits and dashes joined by dots) from s[i].
 * Returns its end, and the start of its last label in *tld; i when there is none. */
static size_t scan_host(const unsigned char *s, size_t len, size_t i, size_t *tld, size_t *labels)
{
	size_t j = i, end = i;
	*labels = 0;
	for (;;) {
		size_t label = j;
		while (j < len && (is_ascii_alnum(s[j]) || (s[j] == '-' && j > label)))
			j++;
		if (j == label || s[j - 1] == '-')
			break;
		*tld = label;
		end = j;
		(*labels)++;
		if (j + 1 < len && s[j] == '.' && is_ascii_alnum(s[j + 1]))
			j++;
		else
			break;
	}
	return end;
}

static int is_url_char(int32_t cp)
{
	if (cp < 0)
		return 0;
	if (cp < 0x80)
		return cp > ' ' && cp < 0x7F && !strchr("<>\"{}|\\^`", (int)cp);
	return !is_space(cp) && !mesura_tokens__extended_pictographic(cp) &&
	       !category_in(cp, UTF8PROC_CATEGORY_ZS, UTF8PROC_CATEGORY_CN) &&
	       !category_in(cp, UTF8PROC_CATEGORY_PS, UTF8PROC_CATEGORY_PO);
}

/* Extends a URL over its port, path, query and fragment, then gives back trailing
 * punctuation a sentence put there ("see acme.com/jobs." or "(acme.com/jobs)"). */
static size_t scan_url_rest(const unsigned char *s, size_t len, size_t j)
{
	size_t n, end = j;
	long parens = 0, brackets = 0;
	if (j < len && s[j] != '/' && s[j] != '?' && s[j] != '#' && s[j] != ':')
		return j;
	while (end < len && is_url_char(cp_at(s, len, end, &n))) {
		parens += s[end] == '(' ? 1 : s[end] == ')' ? -1 : 0;
		brackets += s[end] == '[' ? 1 : s[end] == ']' ? -1 : 0;
		end += n;
	}
	while (end > j) {
		unsigned char c = s[end - 1];
		if (strchr(".,;:!?'\"*", c)) {
			end--;
		} else if (c == ')' && parens < 0) {
			parens++;
			end--;
		} else if (c == ']' && brackets < 0) {
			brackets++;
			end--;
		} else {
			break;
		}
	}
	return end;
}

static int starts_with_ci(const unsigned char *s, size_t len, size_t i, const char *prefix)
{
	size_t n = strlen(prefix);
	if (len - i < n)
		return 0;
	for (size_t k = 0; k < n; k++)
		if ((s[i + k] | (is_ascii_alpha(s[i + k]) ? 0x20 : 0)) != (unsigned char)prefix[k])
			return 0;
	return 1;
}

/* Without a scheme, a host is a URL when it starts with www., or ends in a generic TLD
 * (acme.com), or in a country code and a path follows (acme.es/ofertas; not
 * "index.py", which twitter-text does not link either). */
static int scheme_less_host_is_url(const unsigned char *s, size_t len, size_t host,
                                   size_t host_end, size_t tld, size_t labels)
{
	if (starts_with_ci(s, len, host, "www."))
		return labels >= 3;
	if (labels < 2)
		return 0;
	switch (tld_kind_of(s + tld, host_end - tld)) {
	case TLD_GENERIC: return 1;
	case TLD_COUNTRY: return host_end < len && s[host_end] == '/';
	default: return 0;
	}
}

static int match_url(const unsigned char *s, size_t len, size_t i, mesura_social_match *m)
{
	int32_t before = cp_before(s, len, i);
	if (before >= 0 && (is_ascii_alnum(before) || before == '@' || before == '.' ||
	                    before == '/' || is_letter_or_mark(before)))
		return 0;
	size_t host = i, tld = 0, labels = 0;
	unsigned int flags = 0;
	if (starts_with_ci(s, len, i, "https://"))
		host = i + 8;
	else if (starts_with_ci(s, len, i, "http://"))
		host = i + 7;
	if (host != i)
		flags = MESURA_TOKEN_SCHEME;
	size_t host_end = scan_host(s, len, host, &tld, &labels);
	if (host_end == host)
		return 0;
	if (!flags && !scheme_less_host_is_url(s, len, host, host_end, tld, labels))
		return 0;
	if (host_end < len && s[host_end] == '@')
		return 0; /* an e-mail's domain */
	m->type = MESURA_TOKEN_URL;
	m->flags = flags;
	m->end = scan_url_rest(s, len, host_end);
	return 1;
}

/* ------------------------------------------------------------- e-mail */

static int is_local_char(unsigned char c)
{
	return is_ascii_alnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}

static int match_email(const unsigned char *s, size_t len, size_t i, mesura_social_match *m)
{
	int32_t before = cp_before(s, len, i);
	if (before >= 0 && (is_local_char((unsigned char)(before < 0x80 ? before : 'a')) ||
	                    is_letter_or_mark(before)))
		return 0;
	size_t j = i;
	while (j < len && is_local_char(s[j]))
		j++;
	if (j == i || j >= len || s[j] != '@' || s[i] == '.' || s[j - 1] == '.')
		return 0;
	size_t tld = 0, labels = 0;
	size_t host_end = scan_host(s, len, j + 1, &tld, &labels);
	if (labels < 2 || host_end - tld < 2)
		return 0;
	for (size_t k = tld; k < host_end; k++)
		if (!is_ascii_alpha(s[k]))
			return 0;
	m->type = MESURA_TOKEN_EMAIL;
	m->flags = 0;
	m->end = host_end;
	return 1;
}

int mesura_tokens__social_at(const unsigned char *s, size_t len, size_t i,
                             mesura_social_match *m)
{
	m->flags = 0;
	size_t sigil = mesura_tokens__sigil_length(s, len, i);
	if (sigil) {
		if (s[i] == '#' || s[i + sigil - 1] == 0x83)
			return match_hashtag(s, len, i, sigil, m);
		if (s[i] == '@' || s[i + sigil - 1] == 0xA0)
			return match_mention(s, len, i, sigil, m);
		return match_cashtag(s, len, i, m);
	}
	if (!is_ascii_alnum(s[i]))
		return 0;
	/* One look at the word decides which matcher can apply. */
	size_t j = i;
	int dot = 0;
	while (j < len && is_local_char(s[j])) {
		dot |= s[j] == '.';
		j++;
	}
	if (j < len && s[j] == '@')
		return match_email(s, len, i, m);
	if ((j < len && s[j] == ':') || dot)
		return match_url(s, len, i, m);
	return 0;
}
