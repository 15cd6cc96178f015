/*
 * mesura.h - screen social-media posts against a company's policy.
 *
 * Umbrella header: include this one. See docs/api.md for the conventions (status
 * codes, ownership, options structs, allocators) and the threading rules:
 *
 *   mesura has no global mutable state and needs no init call.
 *   mesura_normalizer (and, later, mesura_policy) is immutable after creation:
 *   share it across any number of threads with no locking.
 *   mesura_view (and, later, mesura_scanner) is scratch for one thread at a time.
 *   mesura_strerror() strings are static.
 */
#ifndef MESURA_H
#define MESURA_H

#include "mesura/common.h"
#include "mesura/errors.h"
#include "mesura/version.h"
#include "mesura/text.h"
#include "mesura/tokens.h"
#include "mesura/policy.h"
#include "mesura/scan.h"
#include "mesura/redact.h"

#endif
