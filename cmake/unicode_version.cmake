# The Unicode version of mesura's own tables and of utf8proc, which must agree: the
# tables (word and sentence breaks, composition pairs, digits, confusables: generated
# by tools/gen_*.py) are read together with utf8proc's normalisation and categories.
# Each generated table starts with "/* Unicode X.Y.Z (mesura_unicode_tables_version) */";
# all must say the same version, and utf8proc_unicode_version() must be that version.
# Sets MESURA_UNICODE_TABLES_VERSION.
file(GLOB tables ${PROJECT_SOURCE_DIR}/src/*/*_table.inc)
set(MESURA_UNICODE_TABLES_VERSION "")
set(versioned "")
foreach(table ${tables})
  file(STRINGS ${table} line LIMIT_COUNT 1
       REGEX "^/\\* Unicode [0-9]+\\.[0-9]+\\.[0-9]+ \\(mesura_unicode_tables_version\\) \\*/$")
  if(NOT line)
    continue()  # a table of other data (top-level domains, HTML references)
  endif()
  string(REGEX MATCH "[0-9]+\\.[0-9]+\\.[0-9]+" version "${line}")
  if(MESURA_UNICODE_TABLES_VERSION AND NOT version STREQUAL MESURA_UNICODE_TABLES_VERSION)
    string(REPLACE ";" ", " others "${versioned}")
    message(FATAL_ERROR "${table} is of Unicode ${version}, other tables of "
            "${MESURA_UNICODE_TABLES_VERSION} (${others}): regenerate them all from one "
            "unicode-data (tools/gen_*.py)")
  endif()
  set(MESURA_UNICODE_TABLES_VERSION ${version})
  get_filename_component(name ${table} NAME)
  list(APPEND versioned ${name})
endforeach()
string(REPLACE ";" ", " versioned "${versioned}")
if(NOT MESURA_UNICODE_TABLES_VERSION)
  message(FATAL_ERROR "no table under src/ says its Unicode version (tools/gen_*.py)")
endif()

if(CMAKE_CROSSCOMPILING)
  message(STATUS "Unicode ${MESURA_UNICODE_TABLES_VERSION} in mesura's tables "
          "(utf8proc's not checked when cross-compiling)")
  return()
endif()
try_run(utf8proc_run utf8proc_compiled
        SOURCE_FROM_CONTENT utf8proc_unicode_version.c
        "#include <stdio.h>\n#include <utf8proc.h>\nint main(void) { return puts(utf8proc_unicode_version()) < 0; }\n"
        LINK_LIBRARIES PkgConfig::UTF8PROC
        COMPILE_OUTPUT_VARIABLE utf8proc_compile_log
        RUN_OUTPUT_VARIABLE utf8proc_unicode)
if(NOT utf8proc_compiled OR NOT utf8proc_run EQUAL 0)
  message(FATAL_ERROR "cannot run utf8proc_unicode_version():\n${utf8proc_compile_log}")
endif()
string(STRIP "${utf8proc_unicode}" utf8proc_unicode)
if(NOT utf8proc_unicode STREQUAL MESURA_UNICODE_TABLES_VERSION)
  message(FATAL_ERROR "utf8proc has Unicode ${utf8proc_unicode}, mesura's "
          "tables (${versioned}) Unicode ${MESURA_UNICODE_TABLES_VERSION}: regenerate the "
          "tables from a unicode-data of ${utf8proc_unicode} (tools/gen_*.py), or build "
          "with the utf8proc of ${MESURA_UNICODE_TABLES_VERSION}")
endif()
message(STATUS "Unicode ${MESURA_UNICODE_TABLES_VERSION} in mesura's tables and in utf8proc")
