/*
 * A rule's `redact:` operator: how mesura_redact_result() rewrites its findings; and
 * its `redact_extent:` (parts, sentence, post), and the accessor the redactor reads
 * both through (rule_redaction.h).
 *
 *   redact: mask                       # or label, hash, remove, keep
 *   redact: { mask: "•", keep_last: 4, keep_separators: true }
 *   redact: { label: "[TELÉFONO]" }
 *   redact: { hash: "[EMAIL:{hash}]", hash_bytes: 4 }
 *
 * The operator is checked at compile time by the redact layer's own check of a span
 * (redact/check.h), so a template or mask character the redactor would refuse is a
 * compile error, not a scan-time one.
 */
#include <string.h>

#include "compiler.h"
#include "mesura/errors.h"
#include "redact/check.h"

static const char *const op_names[] = {"keep", "mask", "hash", "label", "remove", NULL};
static const char *const redact_keys[] = {"mask", "label", "hash", "remove", "keep",
                                          "keep_first", "keep_last", "keep_separators",
                                          "hash_bytes", NULL};

/* The operator a mapping names: its one key among mask, label, hash, remove, keep. */
static int op_of_mapping(compiler *c, const ynode *n, const ynode **value)
{
	int op = -1;
	for (int k = 0; op_names[k]; k++) {
		const ynode *v = mesura_policy__yaml_get(n, op_names[k]);
		if (!v)
			continue;
		if (op >= 0) {
			cerror(c, n, "redact takes one operator: mask, label, hash, remove or keep");
			return -1;
		}
		op = k;
		*value = v;
	}
	if (op < 0)
		cerror(c, n, "redact needs an operator: mask, label, hash, remove or keep");
	return op;
}

/* The operator's own value: the mask character, or the label or hash template. */
static void take_value(compiler *c, policy_rule *r, const ynode *v)
{
	if (mesura_policy__scalar_is(v, "true"))
		return; /* mask: true, keep: true... the defaults */
	if (!mesura_policy__is_scalar(v) || v->len == 0 || memchr(v->text, '\0', v->len)) {
		cerror(c, v, "the value of \"%s\" is a text", op_names[r->redact_op]);
		return;
	}
	const char *text = mesura_policy__copy_text(c, v->text, v->len);
	if (r->redact_op == MESURA_REDACT_MASK)
		r->redact_opts.mask_char = text;
	else if (r->redact_op == MESURA_REDACT_LABEL)
		r->redact_opts.label = text;
	else if (r->redact_op == MESURA_REDACT_HASH)
		r->redact_opts.hash_label = text;
	else
		cerror(c, v, "\"%s\" takes no value; write redact: %s", op_names[r->redact_op],
		       op_names[r->redact_op]);
}

/* What the redactor would refuse, the compiler does. */
static void check_operator(compiler *c, const policy_rule *r, const ynode *n)
{
	mesura_redact_span span = {0, 0, r->redact_op, &r->redact_opts, r->category, r->id};
	if (mesura_redact__check_operator(&span) != MESURA_OK)
		cerror(c, n, "redact: the mask character must be one character, and a template may "
		             "use only {category}, {CATEGORY}, {rule}, {hash} (hash only) and {{");
}

void mesura_policy__compile_redact(compiler *c, policy_rule *r, const ynode *n)
{
	size_t old = mesura_policy__path_push(c, ".redact");
	mesura_redact_format_init(&r->redact_opts, MESURA_REDACT_FORMAT_VERSION);
	int op = -1;
	const ynode *value = NULL;
	if (mesura_policy__is_scalar(n)) {
		for (int k = 0; op_names[k] && op < 0; k++)
			if (mesura_policy__scalar_is(n, op_names[k]))
				op = k;
		const char *near = op < 0 ? mesura_policy__suggest(n->text, n->len, op_names) : NULL;
		if (near)
			cerror(c, n, "unknown redaction \"%s\"; did you mean \"%s\"?", n->text, near);
		else if (op < 0)
			cerror(c, n, "redact is one of mask, label, hash, remove, keep, or a mapping "
			             "such as { mask: \"*\", keep_last: 4 }");
	} else if (n->kind == YNODE_MAPPING) {
		mesura_policy__check_keys(c, n, redact_keys);
		op = op_of_mapping(c, n, &value);
		r->redact_opts.keep_first =
		    (size_t)mesura_policy__get_number(c, n, "keep_first", 0, 1000, 0);
		r->redact_opts.keep_last = (size_t)mesura_policy__get_number(c, n, "keep_last", 0, 1000, 0);
		r->redact_opts.keep_separators = mesura_policy__get_bool(c, n, "keep_separators", 0);
		r->redact_opts.hash_bytes = (unsigned)mesura_policy__get_number(
		    c, n, "hash_bytes", MESURA_REDACT_HASH_BYTES_MIN, MESURA_REDACT_HASH_BYTES_MAX,
		    MESURA_REDACT_HASH_BYTES_MIN);
	} else {
		cerror(c, n, "redact is an operator name or a mapping");
	}
	if (op >= 0) {
		r->has_redact = 1;
		r->redact_op = (mesura_redact_op)op;
		if (value)
			take_value(c, r, value);
		if (!c->failed_alloc)
			check_operator(c, r, n);
	}
	mesura_policy__path_pop(c, old);
}

int mesura_policy__rule_redaction(const mesura_policy *p, size_t rule, const char *rule_id,
                                  mesura_rule_redaction *out)
{
	if (!p || !rule_id || rule >= p->n_rules)
		return 0;
	const policy_rule *r = &p->rules[rule];
	if (r->id != rule_id && strcmp(r->id, rule_id) != 0)
		return 0; /* the finding is not of this policy's rule */
	*out = (mesura_rule_redaction){r->has_redact, r->redact_op, &r->redact_opts,
	                               r->redact_extent};
	return 1;
}
