/* SipHash-2-4 (Aumasson & Bernstein, "SipHash: a fast short-input PRF", 2012): the
 * keyed digest behind the HASH operator. A PRF, so a token reveals nothing about the
 * value to someone without the key, and the same value gives the same token. */
#ifndef MESURA_REDACT_SIPHASH_H
#define MESURA_REDACT_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

/* The 64-bit SipHash-2-4 of data[0..len) under a 16-byte key. The reference writes
 * this value as 8 little-endian bytes; its test vectors are those bytes. */
uint64_t mesura_redact__siphash24(const unsigned char key[16], const unsigned char *data,
                                  size_t len);

#endif
