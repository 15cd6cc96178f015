/*
 * page.h - the pre-publish page of mesura-serve, served at GET / (docs/serve.md).
 *
 * page.html is one self-contained file (inline style and script, no external
 * anything); embed_page.cmake turns it into the array below at build time, with the
 * Content-Security-Policy that allows exactly its inline style and script by hash.
 */
#ifndef MESURA_SERVE_PAGE_H
#define MESURA_SERVE_PAGE_H

#include <stddef.h>

#include <microhttpd.h>

extern const unsigned char serve_page_html[];
extern const size_t serve_page_html_len;
/* The page's Content-Security-Policy header value. */
extern const char serve_page_csp[];

/* Queues the page on `connection`: 200, text/html, its CSP and the headers that keep it
 * from being framed, sniffed or cached across upgrades. MHD_NO when it could not be
 * queued (out of memory), as MHD_queue_response. */
enum MHD_Result serve_page(struct MHD_Connection *connection);

#endif
