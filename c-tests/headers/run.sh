#!/usr/bin/env bash
# Header tests. include/deliveryopt.h and the drop-in headers must build cleanly with
# -Wall -Wextra -Wpedantic -Werror as C99, C11, C++11 and C++17, and as C with -fshort-wchar.
# Programs that need nothing from the library are compiled and run on their own; the C++ view test
# and c-tests/spec_layout.c are linked to target/debug/libdeliveryopt.so (built first with
# `cargo build --lib`; set DELIVERYOPT_NO_BUILD=1 to use the existing one) and run.
# Prints one line per case and a final line "N passed, M failed"; exits non-zero on any failure.
set -u
cd "$(dirname "$0")/../.."
ROOT=$PWD
LIB=$ROOT/target/debug
OUT=$ROOT/c-tests/build/headers
SRC=$ROOT/c-tests/headers
mkdir -p "$OUT"
CC=${CC:-gcc}
CXX=${CXX:-g++}
WARN=(-Wall -Wextra -Wpedantic -Werror)
INC=(-I"$ROOT/include")
LINK=(-L"$LIB" -ldeliveryopt -Wl,-rpath,"$LIB")

passed=0
failed=0
# run_case NAME COMMAND...: runs the command (a function or program) with its output in a log,
# prints PASS/FAIL and, on failure, the log.
run_case() {
    local name=$1
    shift
    local log="$OUT/$(printf '%s' "$name" | tr -c 'A-Za-z0-9_.+-' '_').log"
    ("$@") >"$log" 2>&1
    if [ $? -eq 0 ]; then
        echo "PASS $name"
        passed=$((passed + 1))
    else
        echo "FAIL $name"
        sed 's/^/    /' "$log" | head -40
        failed=$((failed + 1))
    fi
}

library_ok=1
if [ -z "${DELIVERYOPT_NO_BUILD:-}" ]; then
    cargo build --lib --quiet >"$OUT/cargo-build.log" 2>&1 || library_ok=0
fi
[ -f "$LIB/libdeliveryopt.so" ] || library_ok=0
[ "$library_ok" -eq 0 ] || bash scripts/link-names.sh "$LIB" || library_ok=0
need_library() {
    [ "$library_ok" -eq 1 ] && return 0
    echo "target/debug/libdeliveryopt.so could not be built: see $OUT/cargo-build.log"
    return 1
}

# header_alone COMPILER FLAGS...: an empty translation unit that includes deliveryopt.h.
header_alone() {
    printf '#include "deliveryopt.h"\n' | "$@" "${WARN[@]}" "${INC[@]}" -fsyntax-only -
}
# inside_extern_c: C++ code that includes the header inside `extern "C" { }`, as old code does.
inside_extern_c() {
    printf 'extern "C" {\n#include "deliveryopt.h"\n}\nbool same(REFIID a) { return a == IID_IUnknown || IsEqualIID(a, IID_IStream); }\n' |
        "$CXX" -x c++ -std=c++17 "${WARN[@]}" "${INC[@]}" -fsyntax-only -
}
# c_view STD [FLAGS...]: c_view.c compiled and run.
c_view() {
    local std=$1
    shift
    local exe="$OUT/c_view-$std$(printf '%s' "$*" | tr -c 'A-Za-z0-9' '_')"
    "$CC" "-std=$std" "$@" "${WARN[@]}" "${INC[@]}" "$SRC/c_view.c" -o "$exe" && "$exe"
}
# cpp_view STD: cpp_view.cpp linked to the library and run.
cpp_view() {
    need_library || return 1
    local exe="$OUT/cpp_view-$1"
    "$CXX" "-std=$1" "${WARN[@]}" "${INC[@]}" "$SRC/cpp_view.cpp" -o "$exe" "${LINK[@]}" && "$exe"
}
# drop_in HEADER: the header included alone, as C99, C11 and C++11.
drop_in() {
    printf '#include <%s>\n' "$1" | "$CC" -x c -std=c99 "${WARN[@]}" "${INC[@]}" -fsyntax-only - &&
        printf '#include <%s>\n' "$1" | "$CC" -x c -std=c11 "${WARN[@]}" "${INC[@]}" -fsyntax-only - &&
        printf '#include <%s>\n' "$1" | "$CXX" -x c++ -std=c++11 "${WARN[@]}" "${INC[@]}" -fsyntax-only -
}
# spec_layout: c-tests/spec_layout.c (generated from the spec by `cargo run -p xtask --
# spec-layout`) as C11, linked to the library for the GUID symbols, and run.
spec_layout() {
    need_library || return 1
    "$CC" -std=c11 "${WARN[@]}" "${INC[@]}" "$ROOT/c-tests/spec_layout.c" -o "$OUT/spec_layout" "${LINK[@]}" &&
        "$OUT/spec_layout"
}

run_case "deliveryopt.h alone (c99)" header_alone "$CC" -x c -std=c99
run_case "deliveryopt.h alone (c11)" header_alone "$CC" -x c -std=c11
run_case "deliveryopt.h alone (c99 -fshort-wchar)" header_alone "$CC" -x c -std=c99 -fshort-wchar
run_case "deliveryopt.h alone (c11 -fshort-wchar)" header_alone "$CC" -x c -std=c11 -fshort-wchar
run_case "deliveryopt.h alone (c++11)" header_alone "$CXX" -x c++ -std=c++11
run_case "deliveryopt.h alone (c++17)" header_alone "$CXX" -x c++ -std=c++17
run_case "deliveryopt.h alone (c++17 -fshort-wchar)" header_alone "$CXX" -x c++ -std=c++17 -fshort-wchar
# Warnings that users often add: the header itself must not trigger them.
run_case "deliveryopt.h alone (c11, stricter warnings)" header_alone "$CC" -x c -std=c11 -Wshadow -Wconversion \
    -Wsign-conversion -Wcast-qual -Wstrict-prototypes -Wmissing-prototypes -Wundef -Wredundant-decls
run_case "deliveryopt.h alone (c++17, stricter warnings)" header_alone "$CXX" -x c++ -std=c++17 -Wnon-virtual-dtor \
    -Weffc++ -Wshadow -Wconversion -Wundef -Wzero-as-null-pointer-constant -Wredundant-decls -Wextra-semi

run_case "C view, run (c99)" c_view c99
run_case "C view, run (c11, u\"...\")" c_view c11
run_case "C view, run (c99 -fshort-wchar, L\"...\")" c_view c99 -fshort-wchar
run_case "C view, run (c11 -fshort-wchar, L\"...\")" c_view c11 -fshort-wchar
run_case "DELIVERYOPT_NO_COBJMACROS (c99)" \
    "$CC" -std=c99 "${WARN[@]}" "${INC[@]}" -fsyntax-only "$SRC/c_no_cobjmacros.c"
run_case "DELIVERYOPT_NO_COBJMACROS with COBJMACROS (c11)" \
    "$CC" -std=c11 -DCOBJMACROS "${WARN[@]}" "${INC[@]}" -fsyntax-only "$SRC/c_no_cobjmacros.c"

run_case "C++ view, linked and run (c++11)" cpp_view c++11
run_case "C++ view, linked and run (c++17)" cpp_view c++17
run_case "C++ including the header inside extern \"C\" (c++17)" inside_extern_c
run_case "C++ with CINTERFACE (c++11)" \
    "$CXX" -std=c++11 "${WARN[@]}" "${INC[@]}" -fsyntax-only "$SRC/cpp_cinterface.cpp"
run_case "C++ with CINTERFACE (c++17)" \
    "$CXX" -std=c++17 "${WARN[@]}" "${INC[@]}" -fsyntax-only "$SRC/cpp_cinterface.cpp"

for h in bits.h bits1_5.h bits2_0.h bits2_5.h bits3_0.h bits4_0.h bits5_0.h bits10_1.h bits10_2.h bits10_3.h \
    deliveryoptimization.h deliveryoptimizationerrors.h bitsmsg.h; do
    run_case "drop-in $h alone (c99, c11, c++11)" drop_in "$h"
done
run_case "drop-in deliveryoptimizationerrors.h: IS_DO_TRANSIENT_ERROR (c99)" \
    "$CC" -std=c99 "${WARN[@]}" "${INC[@]}" -fsyntax-only "$SRC/dropin_errors.c"

run_case "spec_layout.c (c11, linked, run)" spec_layout

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
