/*
 * page.c - GET /: the pre-publish page (page.h), from the array embed_page.cmake writes.
 */
#include "page.h"

static const char *const page_headers[][2] = {
	{MHD_HTTP_HEADER_CONTENT_TYPE, "text/html; charset=utf-8"},
	{"Content-Security-Policy", serve_page_csp},
	{"X-Content-Type-Options", "nosniff"},
	{"X-Frame-Options", "DENY"},
	{"Referrer-Policy", "no-referrer"},
	{"Cross-Origin-Opener-Policy", "same-origin"},
	{MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache"},
};

enum MHD_Result serve_page(struct MHD_Connection *connection)
{
	/* libmicrohttpd only reads a PERSISTENT buffer; its prototype takes void *. */
	struct MHD_Response *response = MHD_create_response_from_buffer(
		serve_page_html_len, (void *)serve_page_html, MHD_RESPMEM_PERSISTENT);
	if (!response)
		return MHD_NO;
	for (size_t i = 0; i < sizeof page_headers / sizeof page_headers[0]; i++) {
		if (MHD_add_response_header(response, page_headers[i][0], page_headers[i][1]) == MHD_NO) {
			MHD_destroy_response(response);
			return MHD_NO;
		}
	}
	enum MHD_Result queued = MHD_queue_response(connection, MHD_HTTP_OK, response);
	MHD_destroy_response(response);
	return queued;
}
