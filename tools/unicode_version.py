"""The Unicode version of the character data a generator reads, for the first line of
every table generated from it: "/* Unicode 15.0.0 (mesura_unicode_tables_version) */".
CMake reads that line from each table, checks that all of them and utf8proc agree, and
the library reports it (mesura_unicode_tables_version)."""
import os
import re


def ucd_version(udir):
    """"15.0.0" from the ReadMe.txt of a Unicode Character Database directory."""
    path = os.path.join(udir, "ReadMe.txt")
    with open(path, encoding="utf-8") as f:
        m = re.search(r"Version (\d+\.\d+\.\d+) of the Unicode Standard", f.read())
    if not m:
        raise SystemExit(f"{path}: no Unicode version in it")
    return m.group(1)


def version_line(version):
    return f"/* Unicode {version} (mesura_unicode_tables_version) */\n"
