/*
 * Validators of credential checksums (builtin:secrets, issue 16). GitHub's tokens
 * (ghp_, gho_, ghu_, ghs_, ghr_ + 36) and npm's (npm_ + 36) end in a checksum: the last
 * six characters are the CRC-32 (IEEE 802.3, the zlib/PNG polynomial, reflected
 * 0xEDB88320) of the 30 random characters before them, written in base 62 with the
 * digits 0-9A-Za-z and padded with leading zeros (GitHub's "Behind GitHub's new
 * authentication token formats", 2021; npm adopted the same format). Same contract as
 * validators.c: ASCII only, no allocation, linear in the length.
 */
#include "validators.h"

#include <stdint.h>
#include <string.h>

#define TOKEN_BODY 30
#define TOKEN_CHECK 6

static uint32_t crc32_ieee(const char *s, size_t n)
{
	uint32_t crc = 0xFFFFFFFFu;
	for (size_t i = 0; i < n; i++) {
		crc ^= (unsigned char)s[i];
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
	}
	return ~crc;
}

static int base62_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 36;
	return -1;
}

/* 1 when s[0..len) is a prefix ending in "_" and then 30 + 6 base-62 characters whose
 * last six are the checksum of the thirty. */
int mesura_match__check_token_crc32(const char *s, size_t len, double param)
{
	(void)param;
	if (!s || len < TOKEN_BODY + TOKEN_CHECK + 2)
		return 0;
	const char *body = s + len - TOKEN_BODY - TOKEN_CHECK;
	if (body[-1] != '_')
		return 0;
	for (size_t i = 0; i < TOKEN_BODY + TOKEN_CHECK; i++)
		if (base62_value(body[i]) < 0)
			return 0;
	uint64_t written = 0;
	for (size_t i = 0; i < TOKEN_CHECK; i++)
		written = written * 62u + (uint64_t)base62_value(body[TOKEN_BODY + i]);
	return written == crc32_ieee(body, TOKEN_BODY);
}
