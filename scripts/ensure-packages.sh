#!/usr/bin/env bash
# Makes sure the programs the tests start are installed: `ensure-packages.sh PROGRAM[=PACKAGE]...`.
# A missing program is installed from Debian's packages (apt-get, as root) without starting its
# system service; not being root or not having apt-get is an error naming the package to install.
set -euo pipefail
missing=()
for spec in "$@"; do
    prog=${spec%%=*}
    pkg=${spec#*=}
    command -v "$prog" >/dev/null 2>&1 || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "ensure-packages.sh: please install: ${missing[*]}" >&2
    exit 1
fi
policy=/usr/sbin/policy-rc.d
made_policy=0
if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy" && made_policy=1
fi
trap '[ "$made_policy" -eq 0 ] || rm -f "$policy"' EXIT
echo "ensure-packages.sh: installing ${missing[*]}" >&2
if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >&2; then
    DEBIAN_FRONTEND=noninteractive apt-get update -q >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >&2
fi
