/*
 * mesura.h - screen social-media posts against a company's policy.
 *
 * Umbrella header: include this one. See docs/api.md for the conventions (status
 * codes, ownership, options structs, allocators) and the threading rules:
 *
 *   mesura has no global mutable state and needs no init call.
 *   mesura_normalizer and mesura_policy are immutable after creation: share them
 *   across any number of threads with no locking and no thread cap (a policy's
 *   reference count, the one thing that moves, is atomic).
 *   mesura_scanner, mesura_redactor, mesura_view and mesura_tokens are scratch for
 *   one thread at a time: give each thread its own. mesura_diagnostics and options
 *   structs belong to one thread at a time. mesura_strerror() strings are static.
 *
 * Ownership and lifetimes (common.h states the general rules; docs/api.md has the
 * table):
 *   - Every handle made through a `**out` parameter is the caller's, freed once with
 *     its `_free` (NULL-safe).
 *   - A scanner holds a reference to its policy: policy and scanners may be freed in
 *     any order, from any thread; the last to go frees the policy. Nothing else holds
 *     another handle: views, tokens, redactors and diagnostics stand alone.
 *   - A result, its findings and near misses are borrowed from the scanner until its
 *     next scan or its freeing; a finding's rule_id and category from the policy,
 *     which the scanner keeps alive. Texts passed in are read during the call only.
 *   - Fail closed: mesura_scan hands out a result whatever it returns, and only
 *     MESURA_OK can hand out a verdict below REVIEW (see mesura/scan.h).
 *
 * Stable and experimental: everything declared here is frozen from 1.0 (functions
 * and types are only added; structs grow only at their end). What may still change
 * in any minor release is in mesura/experimental.h, visible only to a program that
 * defines MESURA_EXPERIMENTAL before including this header.
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
#include "mesura/experimental.h" /* empty unless MESURA_EXPERIMENTAL is defined */

#endif
