# ctest readme_snippet: runs the README's first C snippet (built as readme_snippet) on
# the post its closing comment names and checks that it succeeds and prints exactly
# what that comment says:
#   /* "POST" prints
#    * LINE
#    * LINE */
file(READ ${README} readme)
string(FIND "${readme}" "```c\n" open)
string(SUBSTRING "${readme}" ${open} -1 readme)
string(FIND "${readme}" "\n```\n" close)
string(SUBSTRING "${readme}" 0 ${close} snippet)
if(NOT snippet MATCHES "/\\* \"([^\"]*)\" prints\n(( \\*[^\n]*\n?)+)")
  message(FATAL_ERROR "the README's first C snippet does not end with /* \"POST\" prints ... */")
endif()
set(post "${CMAKE_MATCH_1}")
string(REGEX REPLACE "(^|\n) \\* ?" "\\1" want "${CMAKE_MATCH_2}")
string(REGEX REPLACE " \\*/$" "" want "${want}")
execute_process(COMMAND ${EXE} ${post} RESULT_VARIABLE rc OUTPUT_VARIABLE out
                ERROR_VARIABLE err)
if(NOT rc EQUAL 0 OR NOT out STREQUAL "${want}\n")
  message(FATAL_ERROR "the README's snippet on \"${post}\": status ${rc}, printed\n${out}${err}"
                      "instead of what the README says:\n${want}\n")
endif()
message(STATUS "the README's snippet prints what the README says:\n${out}")
