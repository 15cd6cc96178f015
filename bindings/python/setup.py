"""Builds mesura's Python binding against an installed libmesura.

    pip install --no-build-isolation ./bindings/python

libmesura is found with pkg-config (`pkg-config --cflags --libs mesura`): set
PKG_CONFIG_PATH to the directory of its mesura.pc when it is installed outside the
default paths. A library outside the system directories is also recorded as the
extension's run path (RPATH), so no LD_LIBRARY_PATH is needed at import; set
MESURA_NO_RPATH=1 to leave it out (e.g. for distribution packages).
"""

import os
import shlex
import subprocess
import sys

from setuptools import Extension, setup

SYSTEM_LIBDIRS = {"/lib", "/lib64", "/usr/lib", "/usr/lib64", "/usr/local/lib",
                  "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu"}


def pkg_config(*args):
    cmd = [os.environ.get("PKG_CONFIG", "pkg-config"), *args, "mesura"]
    try:
        out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    except FileNotFoundError:
        sys.exit("setup.py: pkg-config is not installed (Debian: apt-get install pkg-config)")
    except subprocess.CalledProcessError as e:
        sys.exit("setup.py: pkg-config does not find libmesura (%s); install it "
                 "(cmake --install build) and set PKG_CONFIG_PATH to the directory of "
                 "its mesura.pc" % e.stderr.strip())
    return out


version = pkg_config("--modversion").strip()
include_dirs, macros, cflags = [], [], []
for flag in shlex.split(pkg_config("--cflags")):
    if flag.startswith("-I"):
        include_dirs.append(flag[2:])
    elif flag.startswith("-D"):
        name, _, value = flag[2:].partition("=")
        macros.append((name, value or None))
    else:
        cflags.append(flag)
library_dirs, libraries, ldflags = [], [], []
for flag in shlex.split(pkg_config("--libs")):
    if flag.startswith("-L"):
        library_dirs.append(flag[2:])
    elif flag.startswith("-l"):
        libraries.append(flag[2:])
    else:
        ldflags.append(flag)
rpath = [] if os.environ.get("MESURA_NO_RPATH") else [
    os.path.normpath(d) for d in library_dirs if os.path.normpath(d) not in SYSTEM_LIBDIRS]

extension = Extension(
    "mesura._mesura",
    sources=[os.path.join("src", f) for f in ("module.c", "records.c", "policy.c", "text.c")],
    depends=[os.path.join("src", "binding.h")],
    include_dirs=include_dirs,
    define_macros=macros,
    library_dirs=library_dirs,
    libraries=libraries,
    runtime_library_dirs=rpath,
    extra_compile_args=cflags + ["-std=c11", "-pthread", "-fvisibility=hidden"],
    extra_link_args=ldflags + ["-pthread"],
)

setup(
    name="mesura",
    version=version,
    description="Screen social-media posts against a company policy (libmesura binding)",
    license="MIT",
    python_requires=">=3.9",
    packages=["mesura"],
    package_data={"mesura": ["py.typed", "__init__.pyi"]},
    ext_modules=[extension],
    zip_safe=False,
)
