# ctest "install": installs mesura into a scratch prefix, then builds and runs a
# consumer and examples/hello-scan.c through find_package(mesura) and through
# pkg-config; hello-scan must print exactly what docs/api.md's example says.
set(prefix ${WORK}/prefix)
file(REMOVE_RECURSE ${WORK})
function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed: ${ARGN}\n${out}\n${err}")
  endif()
  message(STATUS "${out}")
endfunction()
run(${CMAKE_COMMAND} --install ${BUILD} --prefix ${prefix})

# hello-scan on one post with the built-in policy: verdict, findings, redacted copy.
set(hello_post "Qué m1erda de reunión, escríbeme a ana.garcia@example.com")
string(CONCAT hello_want
  "verdict: review\n"
  "finding: profanity.es (profanity) at bytes 5-11: m1erda\n"
  "finding: pii.email (pii.email) at bytes 38-60: ana.garcia@example.com\n"
  "redacted: Qué m***** de reunión, escríbeme a [EMAIL]\n")
function(run_hello exe)
  execute_process(COMMAND ${exe} ${hello_post} RESULT_VARIABLE rc OUTPUT_VARIABLE out
                  ERROR_VARIABLE err)
  if(NOT rc EQUAL 0 OR NOT out STREQUAL hello_want)
    message(FATAL_ERROR "${exe}: status ${rc}, printed\n${out}${err}\ninstead of\n${hello_want}")
  endif()
  # A policy file that is not there: a status, a diagnostic, and no verdict.
  execute_process(COMMAND ${exe} hello ${WORK}/no-such-policy.yaml RESULT_VARIABLE rc
                  OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 1 OR NOT out STREQUAL "" OR NOT err MATCHES "cannot open '.*no-such-policy.yaml': No such file")
    message(FATAL_ERROR "${exe} with a missing policy: status ${rc}, printed\n${out}${err}")
  endif()
  message(STATUS "${exe}: ok")
endfunction()
# The installed tools run from the prefix without LD_LIBRARY_PATH (RPATH $ORIGIN/../lib),
# their man pages and the built-in modules' YAML are installed with them.
if(EXISTS ${prefix}/bin/mesura-screen)
  unset(ENV{LD_LIBRARY_PATH})
  run(${prefix}/bin/mesura-screen --version)
  run(${prefix}/bin/mesura-lint builtin:pii)
  foreach(page mesura-screen mesura-redact mesura-lint mesura-explain mesura-normalize)
    if(NOT EXISTS ${prefix}/share/man/man1/${page}.1)
      message(FATAL_ERROR "no man page ${page}.1 under ${prefix}/share/man/man1")
    endif()
  endforeach()
  if(NOT EXISTS ${prefix}/share/mesura/policies/pii.yaml)
    message(FATAL_ERROR "the built-in modules are not installed under share/mesura/policies")
  endif()
endif()
run(${CMAKE_COMMAND} -S ${SRC} -B ${WORK}/cmake -DCMAKE_PREFIX_PATH=${prefix}
    "-DCMAKE_C_FLAGS=${CFLAGS}" "-DCMAKE_EXE_LINKER_FLAGS=${CFLAGS}")
run(${CMAKE_COMMAND} --build ${WORK}/cmake)
set(ENV{LD_LIBRARY_PATH} ${prefix}/lib:${prefix}/lib64:${prefix}/lib/x86_64-linux-gnu)
run(${WORK}/cmake/consumer_shared)
run(${WORK}/cmake/consumer_static)
run_hello(${WORK}/cmake/hello_shared)
run_hello(${WORK}/cmake/hello_static)
# pkg-config, as a Makefile user would do it.
file(GLOB_RECURSE pc ${prefix}/*/mesura.pc)
get_filename_component(pcdir "${pc}" DIRECTORY)
set(ENV{PKG_CONFIG_PATH} ${pcdir})
execute_process(COMMAND pkg-config --cflags --libs mesura OUTPUT_VARIABLE flags
                RESULT_VARIABLE rc OUTPUT_STRIP_TRAILING_WHITESPACE)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "pkg-config does not find mesura in ${pcdir}")
endif()
execute_process(COMMAND pkg-config --cflags mesura OUTPUT_VARIABLE cflags
                OUTPUT_STRIP_TRAILING_WHITESPACE)
if(cflags MATCHES "-D")  # another package's private defines (Debian's utf8proc has one)
  message(FATAL_ERROR "pkg-config --cflags mesura hands out defines: ${cflags}")
endif()
separate_arguments(flags UNIX_COMMAND "${CFLAGS} ${flags}")
run(${CC} ${SRC}/consumer.c ${flags} -o ${WORK}/consumer_pc)
run(${WORK}/consumer_pc)
run(${CC} -std=c11 -Wall -Wextra -pedantic -Werror ${SRC}/../../examples/hello-scan.c ${flags}
    -o ${WORK}/hello_pc)
run_hello(${WORK}/hello_pc)
