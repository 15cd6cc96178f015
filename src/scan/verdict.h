/* From findings to the result (verdict.c). */
#ifndef MESURA_SCAN_VERDICT_H
#define MESURA_SCAN_VERDICT_H

#include "state.h"

/* Drops the findings that overlap allow-listed terms; merges each rule's overlapping
 * findings and sorts them; sets the result and its verdict. */
int mesura_scan__apply_allow_list(mesura_scanner *s);
int mesura_scan__tidy_findings(mesura_scanner *s);
void mesura_scan__decide(mesura_scanner *s);

#endif
