/* Scanner internals that tests reach. */
#ifndef MESURA_SCAN_SCANNER_H
#define MESURA_SCAN_SCANNER_H

#include "mesura/scan.h"

/* Exhaustive mode: every regex runs (no prefilter, declared keywords ignored), every
 * wildcard walk is tried and every whole-word check asks the tokenizer. Without
 * declared keywords (which change results by design) the results must be the same as
 * with the shortcuts; tests compare the two. */
void mesura_scan__set_exhaustive(mesura_scanner *s, int on);

#endif
