# Checks the shared library's dynamic symbols (zstd's check, and the version script's):
# every exported symbol is a public mesura_* name carrying a MESURA_1.N version (or,
# for the experimental functions, MESURA_EXPERIMENTAL_1.N), and
# every function that include/mesura declares with MESURA_API is exported, so a new
# function missing from abi/libmesura.map (which hides what it does not name) fails here.
# usage: cmake -DLIB=libmesura.so -DHEADERS=include/mesura -P check_symbols.cmake
execute_process(COMMAND nm -D --defined-only --with-symbol-versions ${LIB}
                OUTPUT_VARIABLE syms RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "nm failed on ${LIB}")
endif()
string(REPLACE "\n" ";" lines "${syms}")
set(exported "")
foreach(line ${lines})
  if(line MATCHES "^[0-9a-f]+ A MESURA_(EXPERIMENTAL_)?1\\.[0-9]+$")
    continue()  # a version node's own definition
  endif()
  if(line MATCHES "^[0-9a-f]+ [TDRBW] ([^@]+)(@@?.*)?$")
    set(sym ${CMAKE_MATCH_1})
    set(ver "${CMAKE_MATCH_2}")
    if(NOT sym MATCHES "^mesura_" OR sym MATCHES "__")
      message(FATAL_ERROR "exported symbol without the public mesura_ prefix: ${sym}")
    endif()
    if(NOT ver MATCHES "^@@MESURA_(EXPERIMENTAL_)?1\\.[0-9]+$")
      message(FATAL_ERROR "exported symbol without a MESURA_1.N version: ${sym}${ver} "
                          "(abi/libmesura.map)")
    endif()
    list(APPEND exported ${sym})
  endif()
endforeach()
list(LENGTH exported count)
if(count EQUAL 0)
  message(FATAL_ERROR "no exported symbols found in ${LIB}")
endif()

file(GLOB headers ${HEADERS}/*.h)
set(declared 0)
foreach(header ${headers})
  file(READ ${header} text)
  string(REGEX REPLACE "[\r\n\t ]+" " " text "${text}")
  string(REGEX MATCHALL "MESURA_API [^;(]*[ *](mesura_[a-z0-9_]+) ?\\(" decls "${text}")
  foreach(decl ${decls})
    string(REGEX REPLACE ".*[ *](mesura_[a-z0-9_]+) ?\\($" "\\1" name "${decl}")
    math(EXPR declared "${declared} + 1")
    list(FIND exported ${name} at)
    if(at EQUAL -1)
      message(FATAL_ERROR "${name}, declared in ${header}, is not exported: "
                          "add it to the newest node of abi/libmesura.map")
    endif()
  endforeach()
endforeach()
if(NOT declared EQUAL count)
  message(FATAL_ERROR "${count} exported symbols but ${declared} MESURA_API declarations")
endif()
message(STATUS "${count} exported symbols, all mesura_* and versioned, as declared")
