/* A program built against an installed mesura, as a user would build it. */
#include <mesura.h>
#include <stdio.h>
#include <string.h>

int main(void)
{
	if (!MESURA_VERSION_COMPATIBLE(mesura_version()))
		return 1;
	mesura_normalizer *nz;
	mesura_view *view;
	if (mesura_normalizer_new(&nz, NULL, NULL) != MESURA_OK ||
	    mesura_view_new(&view, NULL) != MESURA_OK)
		return 1;
	const char *post = "M1ERDA";
	int ok = mesura_normalize(nz, view, post, strlen(post)) == MESURA_OK &&
	         strcmp(mesura_view_text(view, NULL), "mierda") == 0;
	mesura_view_free(view);
	mesura_normalizer_free(nz);
	puts(ok ? "consumer ok" : "consumer FAILED");
	return ok ? 0 : 1;
}
