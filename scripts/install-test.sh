#!/usr/bin/env bash
# The packaging test: `make install` into a temporary prefix, then the examples-c demo built only
# with `pkg-config --cflags --libs deliveryopt`, run against the installed library, which must
# start the installed service. Prints "install-test: N passed, M failed".
# PROFILE (default dev, reusing the test build) chooses the cargo profile that is installed.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-packages.sh pkg-config >/dev/null || { echo "install-test: pkg-config missing"; echo "install-test: 0 passed, 1 failed"; exit 1; }
T=$(mktemp -d /tmp/dopt-install.XXXXXX)
P="$T/prefix"
pass=0 fail=0
ok() { echo "PASS $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1"; fail=$((fail + 1)); }
check() { local name=$1; shift; if "$@"; then ok "$name"; else bad "$name"; fi; }
cleanup() {
    bash scripts/stop-services.sh "$T/run" >/dev/null 2>&1
    rm -rf "$T"
}
trap cleanup EXIT
# A signal (the test run interrupted, its output pipe closed) still runs the cleanup.
trap 'exit 130' INT TERM HUP PIPE

if ! make -s install PREFIX="$P" PROFILE="${PROFILE:-dev}" >"$T/install.log" 2>&1; then
    cat "$T/install.log"
    bad "make install"
    echo "install-test: $pass passed, $fail failed"
    exit 1
fi
ok "make install"
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
abi=$(echo "$version" | awk -F. '{ print ($1 == "0") ? "0." $2 : $1 }')
lib="$P/lib/libdeliveryopt.so.$version"
check "the library is installed as libdeliveryopt.so.$version" test -f "$lib"
check "its SONAME is libdeliveryopt.so.$abi" test "$(objdump -p "$lib" | awk '$1 == "SONAME" {print $2}')" = "libdeliveryopt.so.$abi"
check "libdeliveryopt.so.$abi -> libdeliveryopt.so.$version" test "$(readlink "$P/lib/libdeliveryopt.so.$abi")" = "libdeliveryopt.so.$version"
check "libdeliveryopt.so -> libdeliveryopt.so.$abi" test "$(readlink "$P/lib/libdeliveryopt.so")" = "libdeliveryopt.so.$abi"
check "headers under include/deliveryopt/ with the Windows names" test -f "$P/include/deliveryopt/bits.h" -a -f "$P/include/deliveryopt/deliveryoptimization.h" -a -f "$P/include/deliveryopt/bits10_3.h"
check "the service is installed" test -x "$P/bin/deliveryoptd"
check "the BITS upload server is installed" sh -c "'$P/bin/deliveryopt-upload-server' --help | grep -q BITS_POST"
check "bitsadmin and its Linux name deliveryopt are installed" sh -c "'$P/bin/bitsadmin' --version >/dev/null && '$P/bin/deliveryopt' --help | grep -q transfer"
check "the user units name the installed service" grep -q "^ExecStart=$P/bin/deliveryoptd " "$P/lib/systemd/user/deliveryoptd.service"
check "the system units name the installed service" grep -q "^ExecStart=$P/bin/deliveryoptd .*--system" "$P/lib/systemd/system/deliveryoptd-system.service"

export PKG_CONFIG_PATH="$P/lib/pkgconfig"
check "pkg-config knows deliveryopt $version" test "$(pkg-config --modversion deliveryopt)" = "$version"
# shellcheck disable=SC2046
if gcc -std=c11 -Wall -Wextra -Werror -O1 -pthread $(pkg-config --cflags deliveryopt) examples-c/demo.c \
    -o "$T/demo" $(pkg-config --libs deliveryopt) 2>"$T/cc.log"; then
    ok "examples-c/demo.c builds with pkg-config --cflags --libs deliveryopt"
else
    cat "$T/cc.log"
    bad "examples-c/demo.c builds with pkg-config --cflags --libs deliveryopt"
fi
check "the demo asks for the SONAME" sh -c "objdump -p '$T/demo' | grep -q 'NEEDED *libdeliveryopt.so.$abi'"

# Run it with nothing of the build tree in reach: the installed library must find the installed
# service next to it (../bin), in a runtime directory and store of this test.
if [ -x "$T/demo" ]; then
    if env -u DELIVERYOPT_DAEMON -u DELIVERYOPT_ENGINE LD_LIBRARY_PATH="$P/lib" \
        DELIVERYOPT_RUNTIME_DIR="$T/run" DELIVERYOPT_STATE_DIR="$T/store" "$T/demo" >"$T/demo.log" 2>&1; then
        ok "the demo downloads through the installed library"
    else
        cat "$T/demo.log"
        bad "the demo downloads through the installed library"
    fi
    pidfile=$(ls "$T"/run/*.pid 2>/dev/null | head -n 1)
    exe=$( [ -n "$pidfile" ] && readlink "/proc/$(cat "$pidfile")/exe" )
    check "the installed service served it ($exe)" test "$exe" = "$P/bin/deliveryoptd"
fi

make -s uninstall PREFIX="$P" >/dev/null 2>&1
left=$(find "$P" -type f -o -type l | wc -l)
check "make uninstall removes every file it installed" test "$left" -eq 0

echo "install-test: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
