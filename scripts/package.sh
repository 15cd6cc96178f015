#!/bin/sh
# Builds the Debian packages from the tree (debian/: libmesura1, libmesura-dev,
# mesura-tools, python3-mesura) with `dpkg-buildpackage -us -uc -b` in a copy of the
# tree under build/deb, and collects the .debs under dist/.
#
# --check also runs lintian on them (errors and warnings fail; the exceptions are
# debian/*.lintian-overrides, each with its reason) and tests what they install: the
# packages are unpacked with dpkg -x into a scratch root, the tools run from there, a C
# consumer builds against the headers, mesura.pc and CMake config found there (shared
# and static library) and runs, and Python imports the binding from there.
# usage: scripts/package.sh [--check]
set -eu
cd "$(dirname "$0")/.."
check=0
case "${1:-}" in
  --check) check=1 ;;
  "") ;;
  *) echo "usage: scripts/package.sh [--check]" >&2; exit 3 ;;
esac
scripts/deps.sh package

# The packages' names and version come from debian/; they must say what the tree builds.
version=$(sed -n 's/^project(mesura VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)
soversion=$(sed -n 's/^set(MESURA_SOVERSION \([0-9]*\))/\1/p' CMakeLists.txt)
deb_version=$(dpkg-parsechangelog -l debian/changelog -S Version)
if [ "$deb_version" != "$version" ]; then
  echo "error: debian/changelog is at $deb_version, CMakeLists.txt at $version: add a" \
       "changelog entry (dch -v $version)" >&2
  exit 1
fi
if ! grep -q "^Package: libmesura$soversion\$" debian/control; then
  echo "error: the library's SONAME is libmesura.so.$soversion but debian/control has no" \
       "package libmesura$soversion: rename it (and debian/libmesura*.install)" >&2
  exit 1
fi

work=build/deb
rm -rf "$work"
mkdir -p "$work/mesura-$version"
# A copy of the tree as git sees it (tracked and new files, not build/ or dist/), or of
# the whole folder outside git: dpkg-buildpackage writes next to the source folder.
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  git ls-files -z --cached --others --exclude-standard |
    xargs -0 sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' sh |
    tar --null -T - -cf - | tar -xf - -C "$work/mesura-$version"
else
  tar --exclude=./build --exclude=./dist -cf - . | tar -xf - -C "$work/mesura-$version"
fi
echo "building the packages of mesura $version (log: $work/build.log)"
if ! (cd "$work/mesura-$version" && dpkg-buildpackage -us -uc -b) >"$work/build.log" 2>&1; then
  tail -40 "$work/build.log"
  echo "error: dpkg-buildpackage failed (the whole log: $work/build.log)" >&2
  exit 1
fi
if [ "$check" -eq 1 ]; then
  echo "lintian (errors and warnings fail; every tag shown)"
  lintian --fail-on error,warning --display-level '>=pedantic' --pedantic "$work"/*.changes
fi
mkdir -p dist
rm -f dist/*.deb
mv "$work"/*.deb dist/
ls dist/*.deb
[ "$check" -eq 1 ] || exit 0

root=$(pwd)/$work/root
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
for deb in dist/*.deb; do
  dpkg -x "$deb" "$root"
done
lib=$root/usr/lib/$multiarch
# Unpacked, not installed: the tools find the library through LD_LIBRARY_PATH only (a
# system package keeps no RPATH, which lintian checks too).
export LD_LIBRARY_PATH="$lib"
fail() { echo "error: $*" >&2; exit 1; }

echo "the tools, from $root/usr/bin"
"$root/usr/bin/mesura-screen" --version | grep -qx "mesura-screen (mesura) $version" ||
  fail "mesura-screen --version does not say $version"
for tool in mesura-screen mesura-redact mesura-lint mesura-explain mesura-normalize \
            mesura-serve; do
  [ -x "$root/usr/bin/$tool" ] || fail "no $tool in mesura-tools"
  [ -s "$root/usr/share/man/man1/$tool.1.gz" ] || fail "no man page $tool.1.gz"
done
# The built-in modules' YAML, installed to be read, is what the library embeds.
for yaml in "$root"/usr/share/mesura/policies/*.yaml; do
  name=$(basename "$yaml" .yaml)
  "$root/usr/bin/mesura-lint" --print "builtin:$name" | cmp -s - "$yaml" ||
    fail "$yaml differs from the library's builtin:$name"
  "$root/usr/bin/mesura-lint" "$yaml" >/dev/null || fail "mesura-lint $yaml failed"
done
status=0
out=$(printf 'Write to ana.garcia@example.com\nGreat quarter!\n' |
      "$root/usr/bin/mesura-screen" -q -f jsonl) || status=$?
[ "$status" -eq 1 ] || fail "mesura-screen exited with $status, expected 1 (a redaction)"
echo "$out" | grep -q '"id":1,"verdict":"redact".*"category":"pii.email"' ||
  fail "mesura-screen did not find the e-mail address: $out"
echo "$out" | grep -q '"id":2,"verdict":"allow"' || fail "mesura-screen: $out"
red=$(echo 'Write to ana.garcia@example.com' | "$root/usr/bin/mesura-redact")
[ "$red" = "Write to [EMAIL]" ] || fail "mesura-redact wrote: $red"

echo "a C consumer, against $root/usr"
cmake -S tests/package -B "$work/consumer" -DCMAKE_PREFIX_PATH="$root/usr" \
      -DMESURA_VERSION="$version" >/dev/null
cmake --build "$work/consumer" >/dev/null
"$work/consumer/consumer_shared"
"$work/consumer/consumer_static"
readelf -d "$work/consumer/consumer_static" | grep -q 'libmesura\.so' &&
  fail "consumer_static needs libmesura.so"
# pkg-config, as a Makefile would use it (the .pc finds its prefix from its own place).
flags=$(PKG_CONFIG_PATH="$lib/pkgconfig" pkg-config --cflags --libs mesura)
# shellcheck disable=SC2086
cc tests/package/consumer.c $flags -o "$work/consumer/consumer_pc"
"$work/consumer/consumer_pc"

echo "the Python binding, from $root/usr/lib/python3/dist-packages"
PYTHONPATH="$root/usr/lib/python3/dist-packages" /usr/bin/python3 -c '
import sys, mesura
assert mesura.__file__.startswith(sys.argv[1]), mesura.__file__
r = mesura.Policy.default().scan("Write to ana.garcia@example.com")
assert r.verdict == "redact" and r.findings[0].category == "pii.email", r
print("python3-mesura ok:", mesura.__version__)
' "$root"
echo "packages ok: $(ls dist/*.deb | wc -l) in dist/, lintian clean, tools, C and Python run from them"
