#!/bin/sh
# Installs the Debian packages mesura needs, when missing (Debian 12; apt-get as root,
# or through sudo). usage: scripts/deps.sh [build|test|bench|fuzz|abi|package]
#   scripts/deps.sh npm DIR: puppeteer-core into DIR/node_modules (the page's browser test)
set -eu
# puppeteer-core drives Debian's chromium in tests/tools/test_page.mjs; 24.x is the last
# line that runs on Node.js 18 and 20 (25 needs 22). npm installs it by name and version
# into a folder of the build; it downloads no browser.
PUPPETEER_CORE=24.43.1
if [ "${1:-}" = npm ]; then
  dir=${2:?usage: scripts/deps.sh npm DIR}
  "$0" test
  command -v npm >/dev/null 2>&1 || "$0" npm-cli  # Debian's nodejs comes without npm
  installed="$dir/node_modules/puppeteer-core/package.json"
  if [ -f "$installed" ] && grep -q "\"version\": \"$PUPPETEER_CORE\"" "$installed"; then
    exit 0
  fi
  echo "installing puppeteer-core@$PUPPETEER_CORE into $dir" >&2
  mkdir -p "$dir"
  npm install --prefix "$dir" --no-audit --no-fund --loglevel=error "puppeteer-core@$PUPPETEER_CORE"
  exit 0
fi
need="build-essential cmake pkg-config libutf8proc-dev libpcre2-dev libyaml-dev libjansson-dev
      libmicrohttpd-dev"
case "${1:-build}" in
  # python3-*: the Python binding's build (headers, pip, setuptools, wheel) and tests
  # (Dask distributed for the cluster test; pytest to run the suite by hand);
  # wamerican, wspanish: the word lists of the dictionary sweep (tests/check_dictionary.c);
  # help2man: the man pages' check (scripts/gen-man.sh); gcovr: scripts/coverage.sh;
  # nodejs, chromium and its emoji font: the pre-publish page's browser test
  # (tests/tools/test_page.mjs; `deps.sh npm` adds Debian's npm where nodejs came without it).
  test) need="$need check g++ python3 python3-dev python3-pip python3-setuptools python3-wheel
              python3-dask python3-distributed python3-pytest wamerican wspanish help2man gcovr
              nodejs chromium fonts-noto-color-emoji" ;;
  bench) need="$need libicu-dev g++ fortunes fortunes-es fortunes-es-off python3" ;;
  fuzz) need="$need clang libclang-rt-14-dev" ;;
  abi) need="$need abigail-tools" ;;
  # scripts/package.sh: the Debian packages' build (debhelper, dh-python and the Python
  # headers and setuptools of every supported python3), lintian, and a C consumer.
  package) need="$need debhelper dh-python python3-all-dev python3-setuptools fakeroot
                 lintian" ;;
  npm-cli) need="npm" ;;
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
