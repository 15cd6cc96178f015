/*
 * mesura/tokens.h - the tokenizer: UAX #29 words plus the tokens of social media.
 *
 * Thread safety: a mesura_tokens is per-thread scratch, used by one call at a time.
 * The functions keep no other state.
 */
#ifndef MESURA_TOKENS_H
#define MESURA_TOKENS_H

#include "common.h"
#include "text.h"

MESURA_BEGIN_DECL

/** What a token is. Values are stable (append-only). */
typedef enum mesura_token_type {
	MESURA_TOKEN_WORD = 1,    /**< letters, with UAX #29's joiners (don't, e.g., l'amour) */
	MESURA_TOKEN_NUMBER = 2,  /**< digits with their UAX #29 separators: 1.234,56  3.5 */
	MESURA_TOKEN_URL = 3,     /**< https://x.co/a?b=c, www.acme.es/ofertas, acme.com/jobs */
	MESURA_TOKEN_EMAIL = 4,   /**< ana.garcia@example.com */
	MESURA_TOKEN_MENTION = 5, /**< @user */
	MESURA_TOKEN_HASHTAG = 6, /**< #OrgullosaDeMiEquipo, #año2024 */
	MESURA_TOKEN_CASHTAG = 7, /**< $AAPL (not $5) */
	MESURA_TOKEN_EMOJI = 8,   /**< one whole emoji sequence: ZWJ family, flag, keycap... */
	MESURA_TOKEN_PUNCT = 9,   /**< punctuation */
	MESURA_TOKEN_SYMBOL = 10, /**< other symbols: + = € % ... */
	MESURA_TOKEN_SPACE = 11,  /**< a run of white space */
	MESURA_TOKEN_OTHER = 12   /**< controls, unassigned, U+FFFD of ill-formed bytes, invisibles */
} mesura_token_type;

/*
 * Token flags. Tokens without MESURA_TOKEN_OVERLAY tile the text exactly, in order.
 * Overlay tokens add a second reading of some of those tokens and come right after
 * the tokens they overlap.
 */
/** An extra reading overlapping other tokens (hashtag parts, spaced words). */
#define MESURA_TOKEN_OVERLAY    (1u << 0)
/** A word part of a hashtag, mention or cashtag: #NoMásAbusos -> No, Más, Abusos. */
#define MESURA_TOKEN_PART       (1u << 1)
/** Single letters spaced out by spaces, dots or dashes, read as one word ("f u c k"). */
#define MESURA_TOKEN_SPACED     (1u << 2)
/** A word whose pieces were separated only by invisible characters ("fu\u200Bck"),
 *  read as one token. */
#define MESURA_TOKEN_INVISIBLES (1u << 3)
/** A URL written with its scheme (https://...). */
#define MESURA_TOKEN_SCHEME     (1u << 4)

/** One token. Offsets are bytes, end exclusive. The tokens object allocates it
 *  (mesura_tokens_get); fields may be appended in a minor version, so read it through
 *  the pointer, never allocate one or copy one by value to keep. */
typedef struct mesura_token {
	mesura_token_type type;
	unsigned int flags;       /**< MESURA_TOKEN_* flags */
	size_t start, end;        /**< in the caller's original text */
	size_t text_start, text_end; /**< in the text that was tokenized (a view's text for
	                               *  mesura_tokenize_view; otherwise equal to start/end) */
} mesura_token;

/* What mesura_tokenize recognises beyond UAX #29 words; MESURA_TOKENIZE_ALL for all. */
#define MESURA_TOKENIZE_SOCIAL        (1u << 0) /**< URLs, e-mails, mentions, hashtags, cashtags */
#define MESURA_TOKENIZE_HASHTAG_PARTS (1u << 1) /**< overlay parts of hashtags */
#define MESURA_TOKENIZE_SPACED        (1u << 2) /**< overlay spaced-out words */
#define MESURA_TOKENIZE_INVISIBLES    (1u << 3) /**< words split by invisibles stay one token */
#define MESURA_TOKENIZE_ALL                                                      \
	(MESURA_TOKENIZE_SOCIAL | MESURA_TOKENIZE_HASHTAG_PARTS | MESURA_TOKENIZE_SPACED | \
	 MESURA_TOKENIZE_INVISIBLES)

/** The tokens of one text: reusable scratch, like a view. */
typedef struct mesura_tokens mesura_tokens;

/** Makes an empty token list into `*out`, owned by the caller, who frees it with
 *  mesura_tokens_free(); it holds no reference to anything
 *  (mesura_tokenize reads its text, mesura_tokenize_view its view, during the call
 *  only: either may go once the call returns). */
MESURA_API int mesura_tokens_new(mesura_tokens **out, const mesura_allocator *allocator);
/** Frees the tokens (NULL-safe): what mesura_tokens_get() returned becomes invalid. */
MESURA_API void mesura_tokens_free(mesura_tokens *tokens);

/**
 * Tokenizes text[0..len) into `tokens`, replacing what they held. Ill-formed UTF-8 is
 * read as U+FFFD per maximal subpart (each one an OTHER token), so any bytes give
 * tokens. `flags` is a set of MESURA_TOKENIZE_*; unknown bits are MESURA_EINVAL.
 * Returns MESURA_OK, MESURA_ENOMEM (tokens then empty) or MESURA_EINVAL.
 */
MESURA_API int mesura_tokenize(mesura_tokens *tokens, const char *text, size_t len,
                               unsigned int flags);

/**
 * Tokenizes the text of a normalised view. text_start/text_end are offsets in the
 * view's text; start/end are the original bytes they map to.
 */
MESURA_API int mesura_tokenize_view(mesura_tokens *tokens, const mesura_view *view,
                                    unsigned int flags);

/** Number of tokens (0 for NULL). */
MESURA_API size_t mesura_tokens_count(const mesura_tokens *tokens);
/** Token i, in order; NULL when i is out of range. Borrowed until the next tokenize into
 *  `tokens` or its freeing. */
MESURA_API const mesura_token *mesura_tokens_get(const mesura_tokens *tokens, size_t i);

/** A short lower-case name for a token type ("word", "hashtag"...); "unknown" otherwise. */
MESURA_API const char *mesura_token_type_name(mesura_token_type type);

MESURA_END_DECL

#endif
