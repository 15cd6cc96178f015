#!/bin/sh
# Writes the tools' man pages, man/NAME.1, from their --help and --version (help2man,
# Debian's help2man), so that the pages say what the tools print. Run it after changing
# a tool's --help and commit the pages; the ctest man_pages fails while they differ.
# usage: scripts/gen-man.sh BUILD_DIR [OUT_DIR]   (OUT_DIR defaults to man/)
set -eu
build=$1
out=${2:-"$(dirname "$0")/../man"}
mkdir -p "$out"
# A fixed date, so that the pages change only when the text does.
export SOURCE_DATE_EPOCH=1798675200
for tool in mesura-screen mesura-redact mesura-lint mesura-explain mesura-normalize mesura-serve; do
	case $tool in
	mesura-screen) what="screen social-media posts against a company policy" ;;
	mesura-redact) what="write posts with what the policy finds redacted" ;;
	mesura-lint) what="check mesura policies and run their test cases" ;;
	mesura-explain) what="explain how mesura screens one post" ;;
	mesura-normalize) what="print the normalised views mesura matches policies against" ;;
	mesura-serve) what="screen posts over HTTP: a local service with a pre-publish page" ;;
	esac
	help2man --no-info --section=1 --source="mesura" --name="$what" \
	         --output="$out/$tool.1" "$build/examples/$tool"
done
