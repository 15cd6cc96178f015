/* Runs the README's first C snippet (tests/CMakeLists.txt extracts it into
 * readme_snippet.c) on the post given as the only argument; the ctest readme_snippet
 * (tests/readme_snippet.cmake) compares what it prints with what the README says. */
#include <stddef.h>
#include <string.h>

int screen_post(const char *post, size_t post_len);

int main(int argc, char **argv)
{
	return argc == 2 && screen_post(argv[1], strlen(argv[1])) == 0 ? 0 : 1;
}
