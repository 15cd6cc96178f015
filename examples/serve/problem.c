/*
 * problem.c - errors as RFC 9457 problem details (application/problem+json): a type
 * URI per kind, its title, the HTTP status, and a detail for this occurrence.
 */
#include "serve.h"

static const struct {
	unsigned status;
	const char *type, *title;
} problems[ERR_KINDS] = {
    [ERR_NONE] = {200, "about:blank", "OK"},
    [ERR_BAD_JSON] = {400, "urn:mesura:problem:bad-json", "The body is not valid JSON"},
    [ERR_BAD_REQUEST] = {400, "urn:mesura:problem:bad-request",
                         "The request does not say what to screen"},
    [ERR_UNAUTHORIZED] = {401, "urn:mesura:problem:unauthorized",
                          "A valid bearer token is required"},
    [ERR_NOT_FOUND] = {404, "about:blank", "Not Found"},
    [ERR_METHOD] = {405, "about:blank", "Method Not Allowed"},
    [ERR_TOO_LARGE] = {413, "urn:mesura:problem:too-large", "The request is too large"},
    [ERR_MEDIA_TYPE] = {415, "urn:mesura:problem:media-type",
                        "The body must be application/json"},
    [ERR_POLICY] = {422, "urn:mesura:problem:policy",
                    "The policy does not compile; the previous one stays in use"},
    [ERR_OVERLOADED] = {503, "urn:mesura:problem:overloaded",
                        "The service is busy; try again"},
    [ERR_DRAINING] = {503, "urn:mesura:problem:draining", "The service is shutting down"},
    [ERR_SCAN] = {500, "urn:mesura:problem:scan", "The post could not be screened"},
    [ERR_INTERNAL] = {500, "urn:mesura:problem:internal", "Internal error"},
    [ERR_TIMEOUT] = {408, "about:blank", "Request Timeout"},
    [ERR_ABORTED] = {499, "about:blank", "Client Closed Request"},
};

unsigned problem_status(serve_error e)
{
	return problems[e < ERR_KINDS ? e : ERR_INTERNAL].status;
}

void problem_write(strbuf *out, serve_error e, const char *detail, const char *instance,
                   const char *extra)
{
	if (e >= ERR_KINDS)
		e = ERR_INTERNAL;
	out->len = 0;
	strbuf_puts(out, "{\"type\":");
	strbuf_json_string(out, problems[e].type, strlen(problems[e].type));
	strbuf_puts(out, ",\"title\":");
	strbuf_json_string(out, problems[e].title, strlen(problems[e].title));
	strbuf_puts(out, ",\"status\":");
	strbuf_put_uint(out, problems[e].status);
	if (detail) {
		strbuf_puts(out, ",\"detail\":");
		strbuf_json_string(out, detail, strlen(detail));
	}
	if (instance) {
		strbuf_puts(out, ",\"instance\":");
		strbuf_json_string(out, instance, strlen(instance));
	}
	if (extra)
		strbuf_puts(out, extra);
	strbuf_puts(out, "}");
}
