/*
 * mesura/text.h - the text layer: UTF-8 validation and repair, charset conversion,
 * normalisation views with offset maps, and offset-unit conversion.
 *
 * Thread safety: the functions without an object are reentrant. A mesura_normalizer
 * is immutable after mesura_normalizer_new(): share it between threads freely. A
 * mesura_view belongs to one thread at a time (it is the per-thread scratch).
 */
#ifndef MESURA_TEXT_H
#define MESURA_TEXT_H

#include "common.h"

MESURA_BEGIN_DECL

/* ------------------------------------------------------------------ UTF-8 */

/**
 * Checks that text[0..len) is well-formed UTF-8 (Unicode 15 table 3-7: no overlong
 * forms, no surrogates, nothing above U+10FFFF). Noncharacters such as U+FFFE are
 * well-formed and accepted. NUL bytes are accepted.
 *
 * Returns MESURA_OK, or MESURA_EUTF8 with `*error_offset` (if not NULL) set to the
 * byte offset of the first ill-formed sequence. MESURA_EINVAL if text is NULL and
 * len > 0.
 */
MESURA_API int mesura_utf8_validate(const char *text, size_t len, size_t *error_offset);

/**
 * Copies text into `out`, replacing each maximal ill-formed subsequence with U+FFFD
 * (the W3C/WHATWG "substitution of maximal subparts" practice, as Python's
 * errors="replace" does). The result is always well-formed UTF-8.
 *
 * `*out_len` receives the length of the result. If it does not fit in out_cap bytes,
 * returns MESURA_EBUFS with `*out_len` set to the size needed (call with out=NULL,
 * out_cap=0 to ask). `*replaced`, if not NULL, receives the number of replacements.
 * No NUL terminator is written. For the map from repaired to original bytes, use a
 * view: mesura_normalize() with flags 0 repairs and keeps the map.
 */
MESURA_API int mesura_utf8_repair(const char *text, size_t len, char *out, size_t out_cap,
                                  size_t *out_len, size_t *replaced);

/* ------------------------------------------------------------- offsets */

/** Units in which callers count positions in a string. */
typedef enum mesura_offset_unit {
	MESURA_UNIT_BYTE = 0,      /**< UTF-8 bytes (C, Go, Rust, mesura's own offsets) */
	MESURA_UNIT_CODEPOINT = 1, /**< code points (Python str indices) */
	MESURA_UNIT_UTF16 = 2      /**< UTF-16 code units (Java, JavaScript, C#) */
} mesura_offset_unit;

/**
 * Converts `count` positions in text[0..len) from unit `from` to unit `to`, reading
 * `in[i]` and writing `out[i]` (in and out may be the same array). Positions may come
 * in any order; ascending order is one pass over the text.
 *
 * Each ill-formed sequence counts as one U+FFFD, as mesura_utf8_repair() would write
 * it, so positions agree with a caller that decoded the text with replacement.
 * A position past the end, inside a UTF-8 sequence, or between the two halves of a
 * UTF-16 surrogate pair is MESURA_EINVAL, and then `out` is left untouched.
 */
MESURA_API int mesura_offsets_convert(const char *text, size_t len, mesura_offset_unit from,
                                      mesura_offset_unit to, const size_t *in, size_t *out,
                                      size_t count);

/* ------------------------------------------------------------- charsets */

/**
 * Converts text in `charset` (any name glibc iconv knows: "ISO-8859-1",
 * "WINDOWS-1252", "UTF-16LE", "UTF-16" with a BOM, ...) to UTF-8 in `out`.
 * Bytes that are invalid in that charset become U+FFFD (one per code unit), counted
 * in `*replaced` if not NULL; a truncated sequence at the end becomes one U+FFFD.
 *
 * Returns MESURA_ECHARSET for an unknown charset name, MESURA_EBUFS with `*out_len`
 * set to the size needed when out_cap is too small (out=NULL, out_cap=0 asks),
 * MESURA_EINVAL for NULL arguments. `charset` is a NUL-terminated name.
 */
MESURA_API int mesura_charset_to_utf8(const char *charset, const char *text, size_t len,
                                      char *out, size_t out_cap, size_t *out_len,
                                      size_t *replaced);

/* -------------------------------------------------------- normalisation */

/*
 * Normalisation is a set of flags. At most one of the four Unicode forms may be set.
 * Any of CASEFOLD, STRIP_MARKS or CONFUSABLES without a form implies NFC.
 * With no flag at all, a view is the repaired text with an identity map.
 */
#define MESURA_NORM_NFC               (1u << 0)
#define MESURA_NORM_NFD               (1u << 1)
#define MESURA_NORM_NFKC              (1u << 2)
#define MESURA_NORM_NFKD              (1u << 3)
/** Full Unicode case folding (ß -> ss). */
#define MESURA_NORM_CASEFOLD          (1u << 4)
/** Remove nonspacing and enclosing marks (accents), except in the keep-letters. */
#define MESURA_NORM_STRIP_MARKS       (1u << 5)
/** Remove Default_Ignorable_Code_Point characters (zero-width characters, bidi
 *  controls, soft hyphen, variation selectors, tag characters) and control characters
 *  (C0 but TAB, LF, VT, FF and CR; DEL; C1, NEL included); and read the text under a
 *  right-to-left override (U+202E, to U+202C or the end of the line) in the order it
 *  is displayed. */
#define MESURA_NORM_REMOVE_INVISIBLES (1u << 6)
/** Map look-alike letters of other scripts to Latin (Unicode confusables data). */
#define MESURA_NORM_CONFUSABLES       (1u << 7)
/** Fold leetspeak digits and symbols to letters, only inside words that contain a
 *  letter: "m1erda" -> "mierda", "$hit" -> "shit", while "2024", "#año2024" and "100k"
 *  stay (runs of three or more digits are numbers). */
#define MESURA_NORM_LEET              (1u << 8)
/** Collapse a run of the same letter to one letter ("fuuuuck" -> "fuck"), and a run of
 *  white space to its first character ("hijo   de puta" -> "hijo de puta"). */
#define MESURA_NORM_COLLAPSE_REPEATS  (1u << 9)
/** Join three or more single letters separated by spaces, dots, dashes, underscores
 *  or asterisks: "f u c k", "g.i.l.i.p.o.l.l.a.s". */
#define MESURA_NORM_JOIN_SPACED       (1u << 10)

/** Read every decimal digit (General_Category Nd: Arabic-Indic, Devanagari, Thai,
 *  fullwidth, mathematical...) as the ASCII digit of its value: Arabic-Indic
 *  U+0664 U+0661 -> "41". */
#define MESURA_NORM_DIGITS            (1u << 11)
/** Read markup as the characters it stands for: HTML character references
 *  ("&#102;", "&#x66;", "&eacute;") and percent-encoding ("%66", "%C3%A9"), each
 *  decoded character mapped back to its whole reference. Only what decodes to
 *  printable, well-formed text: "&#0;", "%0A", "%FF", "100%" and "50%off" stay. */
#define MESURA_NORM_DECODE_MARKUP     (1u << 12)

/** The moderation view: what policy terms are matched against by default. */
#define MESURA_NORM_MODERATION                                                      \
	(MESURA_NORM_NFKC | MESURA_NORM_CASEFOLD | MESURA_NORM_STRIP_MARKS |            \
	 MESURA_NORM_REMOVE_INVISIBLES | MESURA_NORM_CONFUSABLES | MESURA_NORM_LEET |      \
	 MESURA_NORM_DIGITS | MESURA_NORM_DECODE_MARKUP)
/** The moderation view plus the folds that change word shape. */
#define MESURA_NORM_DEOBFUSCATE \
	(MESURA_NORM_MODERATION | MESURA_NORM_COLLAPSE_REPEATS | MESURA_NORM_JOIN_SPACED)

/** Letters that STRIP_MARKS keeps whole unless told otherwise: Spanish ñ, Ñ. */
#define MESURA_KEEP_LETTERS_DEFAULT "\xc3\xb1\xc3\x91"

#define MESURA_NORMALIZER_OPTIONS_VERSION 1

/** Options of a normaliser. Initialise with MESURA_NORMALIZER_OPTIONS_INIT or
 *  mesura_normalizer_options_init(); fields are only ever appended. */
typedef struct mesura_normalizer_options {
	unsigned int version; /**< MESURA_NORMALIZER_OPTIONS_VERSION */
	unsigned int flags;   /**< MESURA_NORM_* */
	/**
	 * NUL-terminated UTF-8 list of letters that STRIP_MARKS keeps with their marks
	 * (a language's letters of their own: Spanish ñ, Catalan ç, German ä ö ü...).
	 * NULL means MESURA_KEEP_LETTERS_DEFAULT; "" strips every mark. Each must be a
	 * single code point with a canonical decomposition (a base letter plus a mark).
	 */
	const char *keep_letters;
} mesura_normalizer_options;

#define MESURA_NORMALIZER_OPTIONS_INIT \
	{ MESURA_NORMALIZER_OPTIONS_VERSION, MESURA_NORM_MODERATION, NULL }

/** Sets `opts` to the defaults of `version`. MESURA_EVERSION for an unknown version. */
MESURA_API int mesura_normalizer_options_init(mesura_normalizer_options *opts,
                                              unsigned int version);

/** A compiled set of normalisation options. Immutable; share it between threads. */
typedef struct mesura_normalizer mesura_normalizer;

/**
 * Compiles `opts` (NULL: the moderation view) into `*out`, owned by the caller, who
 * frees it with mesura_normalizer_free(); the options are copied. MESURA_EINVAL for two
 * Unicode forms at once, unknown flag bits, or a keep-letter that is not a single
 * decomposable code point; MESURA_EVERSION for an unknown options version.
 */
MESURA_API int mesura_normalizer_new(mesura_normalizer **out,
                                     const mesura_normalizer_options *opts,
                                     const mesura_allocator *allocator);
/** Frees the normalizer (NULL-safe). Views are independent of it: they keep no
 *  pointer to the normalizer that filled them, so views may outlive it. The options
 *  (and their strings) are copied by mesura_normalizer_new and may go after it. */
MESURA_API void mesura_normalizer_free(mesura_normalizer *normalizer);

/** The flags a normaliser applies (with implied NFC made explicit). */
MESURA_API unsigned int mesura_normalizer_flags(const mesura_normalizer *normalizer);

/**
 * A normalised view of one text: the normalised UTF-8 and the map from each of its
 * bytes back to a range of the original bytes. A view is reusable scratch: after its
 * buffers have grown to the size of the posts it sees, normalising allocates nothing.
 */
typedef struct mesura_view mesura_view;

/** Makes an empty view into `*out`, owned by the caller, who frees it with
 *  mesura_view_free(); it holds no reference to anything. */
MESURA_API int mesura_view_new(mesura_view **out, const mesura_allocator *allocator);
/** Frees the view (NULL-safe): what mesura_view_text() returned becomes invalid. */
MESURA_API void mesura_view_free(mesura_view *view);

/**
 * Normalises text[0..len) into `view`, replacing what the view held. Ill-formed
 * UTF-8 is repaired on the way (each maximal ill-formed subsequence becomes U+FFFD
 * mapped to its original bytes), so any bytes give a view. The text is not retained.
 * Returns MESURA_OK, MESURA_ENOMEM (the view is then empty), or MESURA_EINVAL.
 */
MESURA_API int mesura_normalize(const mesura_normalizer *normalizer, mesura_view *view,
                                const char *text, size_t len);

/**
 * The normalised text: well-formed UTF-8, followed by a NUL that is not counted in
 * `*len` (NUL characters of the input are kept, so use the length). Borrowed until
 * the next mesura_normalize() into this view or its mesura_view_free(); the input
 * text itself may go as soon as mesura_normalize() returns.
 */
MESURA_API const char *mesura_view_text(const mesura_view *view, size_t *len);

/** Length in bytes of the original text the view was made from. */
MESURA_API size_t mesura_view_source_length(const mesura_view *view);

/** Number of ill-formed UTF-8 sequences that were replaced with U+FFFD. */
MESURA_API size_t mesura_view_repairs(const mesura_view *view);

/**
 * Maps the normalised byte range [start, end) to the smallest range of the original
 * text that covers every original character those bytes came from. An empty range
 * maps to the empty range at the original position of byte `start`. Characters the
 * view removed (e.g. zero-width ones) between mapped characters fall inside the
 * result. MESURA_EINVAL if start > end or end > the view's length.
 */
MESURA_API int mesura_view_source_range(const mesura_view *view, size_t start, size_t end,
                                       size_t *source_start, size_t *source_end);

MESURA_END_DECL

#endif
