#!/bin/sh
# Installs the Debian packages mesura needs, when missing (Debian 12; apt-get as root,
# or through sudo). usage: scripts/deps.sh [build|test|bench|fuzz|abi|package]
set -eu
need="build-essential cmake pkg-config libutf8proc-dev libpcre2-dev libyaml-dev libjansson-dev
      libmicrohttpd-dev"
case "${1:-build}" in
  # python3-*: the Python binding's build (headers, pip, setuptools, wheel) and tests
  # (Dask distributed for the cluster test; pytest to run the suite by hand);
  # wamerican, wspanish: the word lists of the dictionary sweep (tests/check_dictionary.c);
  # help2man: the man pages' check (scripts/gen-man.sh); gcovr: scripts/coverage.sh.
  test) need="$need check g++ python3 python3-dev python3-pip python3-setuptools python3-wheel
              python3-dask python3-distributed python3-pytest wamerican wspanish help2man gcovr" ;;
  bench) need="$need libicu-dev g++ fortunes fortunes-es fortunes-es-off python3" ;;
  fuzz) need="$need clang libclang-rt-14-dev" ;;
  abi) need="$need abigail-tools" ;;
  # scripts/package.sh: the Debian packages' build (debhelper, dh-python and the Python
  # headers and setuptools of every supported python3), lintian, and a C consumer.
  package) need="$need debhelper dh-python python3-all-dev python3-setuptools fakeroot
                 lintian" ;;
esac
missing=""
for pkg in $need; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" ||
    missing="$missing $pkg"
done
[ -z "$missing" ] && exit 0
echo "installing Debian packages:$missing" >&2
if [ "$(id -u)" -eq 0 ]; then
  SUDO=""
elif command -v sudo >/dev/null 2>&1; then
  SUDO="sudo"
else
  echo "error: missing packages:$missing (run as root or install them)" >&2
  exit 1
fi
$SUDO apt-get update -qq
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
