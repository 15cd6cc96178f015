/* Hostile inputs for the linearity tests (check_linear.c): each kind is a prefix, a unit
 * repeated to the wanted length, and a suffix, so that a post of n bytes and one of 10n
 * bytes differ only in how often the unit repeats. */
#ifndef MESURA_TESTS_LINEAR_INPUTS_H
#define MESURA_TESTS_LINEAR_INPUTS_H

#include <stddef.h>

typedef struct {
	const char *name;
	const char *prefix, *unit, *suffix;
} linear_input;

/* Kinds whose unit is not text: every ASCII punctuation character and random bytes are
 * made by linear_input_make from these names. */
#define LINEAR_RANDOM_BYTES "random bytes"
#define LINEAR_RANDOM_TEXT "random text"

static const linear_input LINEAR_INPUTS[] = {
    /* leet symbols: alone, before a letter, after one, between letters */
    {"@ run", "", "@", ""},
    {"! run", "", "!", ""},
    {"$ run", "", "$", ""},
    {"| run", "", "|", ""},
    {"@ run then letter", "", "@", "a"},
    {"! run then letter", "", "!", "a"},
    {"$ run in word", "a", "$", "a"},
    {"| run after letter", "a", "|", ""},
    {"mixed leet symbols", "", "@$!|", ""},
    {"mixed leet symbols in word", "x", "@$!|", "x"},
    {"leet word", "", "h3ll0 w0r1d@ ", ""},
    {"leet digits", "a", "1", ""},
    {"leet digit pairs", "", "a13", ""},
    {"symbols and digits", "a", "@1", ""},
    /* combining marks on one base */
    {"acute marks", "a", "\xcc\x81", ""},
    {"marks of two classes", "a", "\xcc\x81\xcc\x96", ""},
    {"marks out of order", "a", "\xcc\x96\xcc\x81\xcd\x85", ""},
    {"tildes on n", "n", "\xcc\x83", ""},
    {"marks alone", "", "\xcc\x81", ""},
    {"marks on spaced letters", "", "a\xcc\x81\xcc\x81 ", ""},
    {"marks on a digit", "1", "\xcc\x81", ""},
    {"hangul vowels", "\xe1\x84\x80", "\xe1\x85\xa1", ""},
    {"hangul jamo", "", "\xe1\x84\x80\xe1\x85\xa1\xe1\x86\xa8", ""},
    /* invisibles */
    {"zwsp run", "", "\xe2\x80\x8b", ""},
    {"zwj run", "a", "\xe2\x80\x8d", "a"},
    {"zwsp in word", "", "a\xe2\x80\x8b", ""},
    {"soft hyphens", "", "\xc2\xad", ""},
    {"variation selectors", "a", "\xef\xb8\x8f", ""},
    {"bidi controls", "", "\xe2\x80\xae" "a", ""},
    {"tag characters", "a", "\xf3\xa0\x81\x81", ""},
    {"leet across invisibles", "a", "@\xe2\x80\x8b", "a"},
    /* controls, overrides (each one runs to the end of the line) */
    {"control run", "", "\x1b\x7f\x01", ""},
    {"controls before marks", "a", "\x01\xcc\x81", ""},
    {"nel run", "", "a\xc2\x85", ""},
    {"override run", "", "\xe2\x80\xae", ""},
    {"override then text", "\xe2\x80\xae", "ab\xd7\x90 ", ""},
    {"overrides closed", "", "\xe2\x80\xae" "ab\xe2\x80\xac", ""},
    {"overrides per line", "", "\xe2\x80\xae" "abc\n", ""},
    {"override marks", "\xe2\x80\xae" "a", "\xcc\x81", ""},
    /* markup: the starts of references that never end, and ones that decode */
    {"ampersand hash run", "", "&#", ""},
    {"ampersand run", "", "&", ""},
    {"percent run", "", "%", ""},
    {"percent lead bytes", "", "%E2%80", ""},
    {"long numeric reference", "&#", "0", ";"},
    {"long hex reference", "&#x", "F", ";"},
    {"long entity name", "&", "a", ";"},
    {"references", "", "&#102;&eacute;%66", ""},
    {"marks as references", "a", "&#769;", ""},
    {"other digits", "", "\xd9\xa3\xe0\xa5\xa8", ""},
    /* spaced letters */
    {"spaced letters", "", "a ", ""},
    {"dotted letters", "", "a.", ""},
    {"letters a.b.c", "", "a.b.", ""},
    {"dashed letters", "", "a-", ""},
    {"starred letters", "", "f*", ""},
    {"double spaces", "", "a  ", ""},
    {"mixed separators", "", "a a.", ""},
    {"pairs of letters", "", "a a.b b.", ""},
    {"spaced then word", "", "a a ab ", ""},
    {"spaced accented", "", "\xc3\xa9 ", ""},
    {"spaced leet", "", "@ ", ""},
    {"slashed letters", "", "a/", ""},
    {"piped letters", "", "a|", ""},
    {"letters on lines", "", "a\r\n", ""},
    {"bulleted letters", "", "a\xe2\x80\xa2", ""},
    {"letters between emoji", "", "a\xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd", ""},
    {"letter then emoji run", "a", "\xf0\x9f\x98\x82", "b"},
    {"letters between zwj emoji", "", "a\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9", ""},
    {"letters between flags", "", "a\xf0\x9f\x87\xa8\xf0\x9f\x87\xb0", ""},
    {"symbols before letters", "", "\xe2\x82\xac" "a\xc2\xa1", ""},
    /* digits with separators */
    {"digits with commas", "", "1,", ""},
    {"digits with dots", "", "12.", ""},
    {"digits with spaces", "", "1 ", ""},
    {"long number", "", "1234567890", ""},
    {"number with apostrophes", "", "1'2'", ""},
    /* stars, words, repeats */
    {"star run", "", "*", ""},
    {"one giant word", "", "abcdefghij", ""},
    {"repeated letter", "", "a", ""},
    {"repeated accented letter", "", "\xc3\xa9", ""},
    {"repeated sharp s", "", "\xc3\x9f", ""},
    {"space run", "", " ", ""},
    {"mixed space run", "", " \xc2\xa0\t\xe3\x80\x80", ""},
    /* scripts */
    {"mixed scripts", "", "a\xd0\xb0\xce\xb1", ""},
    {"confusables", "", "\xd0\x90\xd0\x92\xd0\xa1\xf0\x9d\x90\x9a", ""},
    {"hangul then url", "", "\xed\x95\x9cx.com", ""},
    {"hangul then letters", "", "\xed\x95\x9c" "a", ""},
    {"hebrew quotes", "\xd7\x90", "\"\xd7\x90", ""},
    {"cjk", "", "\xe6\x97\xa5\xe6\x9c\xac", ""},
    /* line breaks */
    {"crlf run", "", "\r\n", ""},
    {"cr run", "", "\r", ""},
    {"lf run", "", "\n", ""},
    /* emoji */
    {"emoji", "", "\xf0\x9f\x91\x8d", ""},
    {"zwj emoji", "", "\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9\xe2\x80\x8d", ""},
    {"regional indicators", "", "\xf0\x9f\x87\xaa", ""},
    {"keycaps", "", "1\xef\xb8\x8f\xe2\x83\xa3", ""},
    /* what the tokenizer reads */
    {"mentions", "", "@a", ""},
    {"mention chain", "", "@a@", ""},
    {"hashtags", "", "#a", ""},
    {"hashtag chain", "", "#aB1_", ""},
    {"cashtags", "", "$AB ", ""},
    {"emails", "", "a@b.co ", ""},
    {"at dots", "", "a@b.", ""},
    {"url path", "http://a.com/", "a(", ""},
    {"dotted host", "", "a.", "com"},
    {"dashed host", "", "a-", "b.com"},
    {"url punctuation", "a.com/", ".", ""},
    {"midletter extends", "a.", "\xcc\x88", ""},
    {"midletter extends repeated", "", "a.\xcc\x88\xcc\x88!", ""},
    {"apostrophes", "", "a'", ""},
    {LINEAR_RANDOM_BYTES, "", "", ""},
    {LINEAR_RANDOM_TEXT, "", "", ""},
};

#endif
