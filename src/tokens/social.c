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

/* Latin letters with accents and Cyrillic: twitter-text lets them into URL paths. */
static int is_latin_or_cyrillic(int32_t cp)
{
	return (cp >= 0xC0 && cp <= 0x24F && cp != 0xD7 && cp != 0xF7) ||
	       (cp >= 0x1E00 && cp <= 0x1EFF) || (cp >= 0x400 && cp <= 0x4FF);
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

/* "RT" or "rt" (any case) right before s[i], itself at a word start: "RT@user" is a
 * retweet of @user in twitter-text. */
static int after_retweet_marker(const unsigned char *s, size_t len, size_t i)
{
	if (i < 2 || (s[i - 2] | 0x20) != 'r' || (s[i - 1] | 0x20) != 't')
		return 0;
	int32_t before = cp_before(s, len, i - 2);
	return before < 0 || !(is_ascii_alnum(before) || strchr("_+~.-", (int)before));
}

/* Non-zero when "://" follows s[j]: "@http://" and "#http://" are URLs, not tags. */
static int scheme_follows(const unsigned char *s, size_t len, size_t j)
{
	return len - j >= 3 && s[j] == ':' && s[j + 1] == '/' && s[j + 2] == '/';
}

/* @name: ASCII letters, digits and underscores, not inside a word or an e-mail. */
static int match_mention(const unsigned char *s, size_t len, size_t i, size_t sigil,
                         mesura_social_match *m)
{
	int32_t before = cp_before(s, len, i);
	if (before >= 0 && before < 0x80 && (is_ascii_alnum(before) || strchr("_!#$%&*@", (int)before)) &&
	    !after_retweet_marker(s, len, i))
		return 0;
	if (before == 0xFF20)
		return 0;
	size_t j = i + sigil, n;
	while (j < len && (is_ascii_alnum(s[j]) || s[j] == '_'))
		j++;
	if (j == i + sigil || scheme_follows(s, len, j))
		return 0;
	if (j < len && mesura_tokens__sigil_length(s, len, j) && (s[j] == '@' || s[j] == 0xEF))
		return 0; /* @user@host is an address, not a mention */
	if (j < len && is_latin_or_cyrillic(cp_at(s, len, j, &n)))
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
	if (j == i + sigil || !letter || scheme_follows(s, len, j))
		return 0; /* #1 is a number, not a hashtag; #http:// starts a URL */
	if (j < len && mesura_tokens__sigil_length(s, len, j) && (s[j] == '#' || s[j] == 0xEF))
		return 0; /* #a#b: twitter-text links neither */
	m->type = MESURA_TOKEN_HASHTAG;
	m->end = j;
	return 1;
}

/* ------------------------------------------------------------- cashtags */

/* Length of the run of characters at s[i] accepted by `in_class`, up to max + 1. */
static size_t run_length(const unsigned char *s, size_t len, size_t i, size_t max,
                         int (*in_class)(int32_t))
{
	size_t n = 0;
	while (i + n < len && n <= max && in_class(s[i + n]))
		n++;
	return n;
}

static int is_ascii_digit(int32_t c)
{
	return (unsigned)(c - '0') < 10u;
}

/* The ticker of a cashtag after its $ (twitter-text's conformance cases):
 * letters{1,6}, optionally [._]letters{1,2} ($BRK.A) or [:-]alnum{1,6} ($VOW:GR,
 * $ABC-A); or digits{1,6}:letters{1,6} ($6758:JP). Returns its length, or 0. */
static size_t ticker_length(const unsigned char *s, size_t len, size_t i)
{
	size_t letters = run_length(s, len, i, 6, is_ascii_alpha);
	size_t digits = letters ? 0 : run_length(s, len, i, 6, is_ascii_digit);
	size_t base = letters + digits;
	if (base == 0 || base > 6 || (i + base < len && is_ascii_alnum(s[i + base])))
		return 0;
	size_t j = i + base;
	char sep = j + 1 < len ? (char)s[j] : 0;
	size_t suffix = 0;
	if (letters && (sep == '.' || sep == '_')) {
		suffix = run_length(s, len, j + 1, 2, is_ascii_alpha);
		suffix = suffix <= 2 && !(j + 1 + suffix < len && is_ascii_alnum(s[j + 1 + suffix])) ? suffix : 0;
	} else if ((letters && (sep == ':' || sep == '-')) || (digits && sep == ':')) {
		suffix = run_length(s, len, j + 1, 6, digits ? is_ascii_alpha : is_ascii_alnum);
		suffix = suffix <= 6 && !(j + 1 + suffix < len && is_ascii_alnum(s[j + 1 + suffix])) ? suffix : 0;
	}
	if (digits && !suffix)
		return 0; /* $5, $12.50: prices */
	return suffix ? base + 1 + suffix : base;
}

/* $AAPL, $BRK.A, $VOW:GR after a space (or at the start), followed by a space or ASCII
 * punctuation. */
static int match_cashtag(const unsigned char *s, size_t len, size_t i, mesura_social_match *m)
{
	int32_t before = cp_before(s, len, i);
	if (before >= 0 && !is_space(before))
		return 0;
	size_t ticker = ticker_length(s, len, i + 1), j = i + 1 + ticker, n;
	if (ticker == 0)
		return 0;
	int32_t after = j < len ? cp_at(s, len, j, &n) : -1;
	if (after >= 0 && !is_space(after) &&
	    !(after < 0x80 && strchr("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", (int)after)))
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


/* Characters of a host label: ASCII letters, digits, - and _, and the non-ASCII letters,
 * marks and symbols of internationalised names (ELPAÍS.com, ✪df.ws). */
static int is_host_char(int32_t cp)
{
	if (cp < 0x80)
		return is_ascii_alnum(cp) || cp == '-' || cp == '_';
	return cp > 0 && !is_space(cp) && !mesura_tokens__extended_pictographic(cp) &&
	       (category_in(cp, UTF8PROC_CATEGORY_LU, UTF8PROC_CATEGORY_ND) ||
	        category_in(cp, UTF8PROC_CATEGORY_SM, UTF8PROC_CATEGORY_SO));
}

typedef struct {
	size_t end;        /* end of the host */
	size_t tld;        /* start of its last label */
	size_t labels;
	int valid;         /* label shapes are right (no leading or trailing - or _, ...) */
} host_scan;

/* The ASCII letters that start the label at s[i] (a TLD followed by CJK text, as in
 * "example.com中国語", ends where the letters end). */
static size_t ascii_letters(const unsigned char *s, size_t len, size_t i)
{
	size_t j = i;
	while (j < len && is_ascii_alpha(s[j]))
		j++;
	return j;
}

/* Scans labels joined by dots from s[i]. Subdomains may hold - and _ inside; the
 * domain name only -; the TLD only letters (twitter-text's validSubdomain,
 * validDomainName). Without a scheme (`any_script` 0) labels are ASCII or accented
 * Latin, so that "example.com中国語" ends at "com", as twitter-text reads it. */
static host_scan scan_host(const unsigned char *s, size_t len, size_t i, int any_script)
{
	host_scan h = {i, i, 0, 1};
	size_t j = i, n;
	size_t prev_label = i;
	for (;;) {
		size_t label = j;
		for (int32_t cp; j < len && (cp = cp_at(s, len, j, &n), is_host_char(cp)) &&
		                 (any_script || cp < 0x80 || is_latin_or_cyrillic(cp));)
			j += n;
		if (j == label)
			break;
		if (strchr("-_", s[label]) || strchr("-_", s[j - 1]))
			h.valid = 0;
		prev_label = h.tld;
		h.tld = label;
		h.end = j;
		h.labels++;
		if (j + 1 < len && s[j] == '.' && is_host_char(cp_at(s, len, j + 1, &n)))
			j++;
		else
			break;
	}
	if (h.labels == 0)
		return h;
	/* The TLD is letters. ASCII letters followed by another script end at the letters
	 * ("example.com中国語"), and so does a known TLD run into a dash, a typo for a
	 * space ("domain.com-that-you..."), as twitter-text reads them. */
	size_t letters_end = ascii_letters(s, len, h.tld);
	if (letters_end < h.end && letters_end > h.tld &&
	    (s[letters_end] >= 0x80 ||
	     (s[letters_end] == '-' && tld_kind_of(s + h.tld, letters_end - h.tld) != TLD_UNKNOWN)))
		h.end = letters_end;
	if (letters_end != h.end || letters_end == h.tld)
		h.valid = 0;
	if (h.labels >= 2)
		for (size_t k = prev_label; k < h.tld - 1; k++)
			if (s[k] == '_')
				h.valid = 0; /* no underscore in the domain name itself */
	return h;
}

/* Characters of a URL path, query or fragment (twitter-text's validGeneralUrlPathChars
 * and query characters). */
static int is_url_path_char(int32_t cp)
{
	if (cp < 0x80)
		return cp > ' ' && cp < 0x7F && !strchr("<>\"{}\\^`", (int)cp);
	return is_latin_or_cyrillic(cp);
}

/* Extends a URL over its port, path, query and fragment, then gives back trailing
 * punctuation a sentence put there ("see acme.com/jobs." or "(acme.com/jobs)"). */
static size_t scan_url_rest(const unsigned char *s, size_t len, size_t j)
{
	size_t n, end = j;
	long parens = 0, brackets = 0;
	if (j >= len || (s[j] != '/' && s[j] != '?' && s[j] != '#' && s[j] != ':'))
		return j;
	while (end < len && is_url_path_char(cp_at(s, len, end, &n))) {
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

/* Without a scheme, a host is a URL when its TLD is known and: it is generic
 * (acme.com); or the host has a subdomain (foo.co.jp, www.acme.es); or a path follows
 * (acme.es/ofertas); or it is one of the short links under .co and .tv (t.co). So
 * "index.py" is not a link, as in twitter-text. */
static int scheme_less_host_is_url(const unsigned char *s, size_t len, const host_scan *h)
{
	if (h->labels < 2)
		return 0;
	size_t tld_len = h->end - h->tld;
	switch (tld_kind_of(s + h->tld, tld_len)) {
	case TLD_GENERIC:
		return 1;
	case TLD_COUNTRY:
		return h->labels >= 3 || (h->end < len && s[h->end] == '/') ||
		       (tld_len == 2 && (starts_with_ci(s, len, h->tld, "co") ||
		                         starts_with_ci(s, len, h->tld, "tv")));
	default:
		return 0;
	}
}

static int match_url(const unsigned char *s, size_t len, size_t i, mesura_social_match *m)
{
	int32_t before = cp_before(s, len, i);
	if (before >= 0 && (is_ascii_alnum(before) || strchr("@.$#/-_", (int)before) ||
	                    before == 0xFF20 || before == 0xFF03 || is_latin_or_cyrillic(before)))
		return 0;
	size_t host = i;
	unsigned int flags = 0;
	if (starts_with_ci(s, len, i, "https://"))
		host = i + 8;
	else if (starts_with_ci(s, len, i, "http://"))
		host = i + 7;
	if (host != i)
		flags = MESURA_TOKEN_SCHEME;
	host_scan h = scan_host(s, len, host, flags != 0);
	if (!h.valid || h.labels < 2)
		return 0;
	if (!flags && !scheme_less_host_is_url(s, len, &h))
		return 0;
	if (h.end < len && s[h.end] == '@')
		return 0; /* an e-mail's domain */
	m->type = MESURA_TOKEN_URL;
	m->flags = flags;
	m->end = scan_url_rest(s, len, h.end);
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
	host_scan h = scan_host(s, len, j + 1, 0);
	if (!h.valid || h.labels < 2 || h.end - h.tld < 2)
		return 0;
	m->type = MESURA_TOKEN_EMAIL;
	m->flags = 0;
	m->end = h.end;
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
	/* An address or a URL never starts right after a character of an address: that
	 * rule also keeps the scans below linear, since each run of such characters is
	 * scanned from its first character only. */
	int32_t before = cp_before(s, len, i);
	if (before >= 0 && before < 0x80 && is_local_char((unsigned char)before))
		return 0;
	/* One look at the word decides which matcher can apply. */
	size_t j = i, n = 1;
	int dot = 0;
	while (j < len && (is_local_char(s[j]) || is_latin_or_cyrillic(cp_at(s, len, j, &n)))) {
		dot |= s[j] == '.';
		j += s[j] < 0x80 ? 1 : n;
	}
	if (j < len && s[j] == '@')
		return match_email(s, len, i, m);
	if ((j < len && s[j] == ':') || dot)
		return match_url(s, len, i, m);
	return 0;
}
