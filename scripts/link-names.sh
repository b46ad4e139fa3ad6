#!/usr/bin/env bash
# scripts/link-names.sh DIR: beside DIR/libdeliveryopt.so (a cargo build), the name programs
# linked against it ask the loader for (its SONAME, e.g. libdeliveryopt.so.0.1), as a symlink.
# Every script that links C programs against target/ runs it after `cargo build`.
set -euo pipefail
dir=${1:?usage: link-names.sh DIR}
lib="$dir/libdeliveryopt.so"
[ -f "$lib" ] || { echo "link-names: $lib is missing (cargo build first)" >&2; exit 1; }
soname=$(objdump -p "$lib" | awk '$1 == "SONAME" {print $2}')
[ -n "$soname" ] || { echo "link-names: $lib has no SONAME" >&2; exit 1; }
ln -sfn libdeliveryopt.so "$dir/$soname"
