/* Rule evaluation (rules.c). */
#ifndef MESURA_SCAN_RULES_H
#define MESURA_SCAN_RULES_H

#include "state.h"

/* The findings of every rule that fires on the post's hits. */
int mesura_scan__evaluate_rules(mesura_scanner *s);

#endif
