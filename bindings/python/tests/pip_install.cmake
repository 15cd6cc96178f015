# ctest "python_pip": installs libmesura into a scratch prefix, then builds and installs
# the Python package with pip against it, as a user would:
#   PKG_CONFIG_PATH=<prefix>/lib/pkgconfig pip install --no-build-isolation ./bindings/python
# (into a scratch --target directory, from a copy of the sources so that pip's build
# files stay out of the tree; --no-index: no network), then imports it from there and
# screens a post. Variables: BUILD, SRC (bindings/python), WORK, PYTHON.
set(prefix ${WORK}/prefix)
file(REMOVE_RECURSE ${WORK})
function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err
                  WORKING_DIRECTORY ${WORK})
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed: ${ARGN}\n${out}\n${err}")
  endif()
  message(STATUS "${out}")
endfunction()
file(MAKE_DIRECTORY ${WORK})
run(${CMAKE_COMMAND} --install ${BUILD} --prefix ${prefix})
file(GLOB_RECURSE pc ${prefix}/*/mesura.pc)
get_filename_component(pcdir "${pc}" DIRECTORY)
file(COPY ${SRC}/setup.py ${SRC}/pyproject.toml ${SRC}/mesura ${SRC}/src DESTINATION ${WORK}/src)
set(ENV{PKG_CONFIG_PATH} ${pcdir})
set(ENV{PIP_DISABLE_PIP_VERSION_CHECK} 1)
unset(ENV{PYTHONPATH})
unset(ENV{LD_LIBRARY_PATH})
run(${PYTHON} -m pip install --no-build-isolation --no-index --no-deps --no-cache-dir
    --target ${WORK}/site ${WORK}/src)
# Import from the scratch target only; the extension must find the scratch prefix's
# libmesura by itself (its RPATH), and report the library's version.
set(ENV{PYTHONPATH} ${WORK}/site)
run(${PYTHON} -c [=[
import os, sys, mesura
site = os.path.realpath(sys.argv[1])
assert os.path.realpath(mesura._mesura.__file__).startswith(site), mesura._mesura.__file__
maps = open("/proc/self/maps").read()
lib = [l.split()[-1] for l in maps.splitlines() if "libmesura.so" in l]
assert lib and all(os.path.realpath(p).startswith(os.path.realpath(sys.argv[2])) for p in lib), lib
policy = mesura.Policy.from_string("""
mesura: 1
name: pip-test
rules:
  - id: insult
    category: profanity
    match: { terms: [mierda] }
""")
r = policy.scan("¡Qué m1erda! 😡")
assert r.verdict == "review" and r.findings[0].text == "m1erda", r
assert policy.redact("¡Qué m1erda! 😡") == "¡Qué m*****! 😡"
assert os.path.exists(os.path.join(os.path.dirname(mesura.__file__), "__init__.pyi"))
print("mesura", mesura.__version__, "from", mesura.__file__, "with", lib[0])
]=] ${WORK}/site ${prefix})
