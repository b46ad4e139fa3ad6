#!/usr/bin/env bash
# Builds every C and C++ test with -Wall -Wextra -Werror and AddressSanitizer + UBSan (LeakSanitizer
# included), links it to target/debug/libdeliveryopt.so, and runs it. The leak canary must fail with
# a LeakSanitizer report. Also checks the exported symbols against c-tests/exported-symbols.txt.
# Prints one line per case and ends with "N passed, M failed".
set -u
cd "$(dirname "$0")/.."
ROOT=$PWD
LIB=$ROOT/target/debug
OUT=$ROOT/c-tests/build
mkdir -p "$OUT"
CC=${CC:-gcc}
CXX=${CXX:-g++}
COMMON=(-Wall -Wextra -Werror -g -fno-omit-frame-pointer -fsanitize=address,undefined
        -fno-sanitize-recover=undefined -I"$ROOT/include" -I"$ROOT/c-tests")
LINK=(-L"$LIB" -ldeliveryopt -Wl,-rpath,"$LIB")
export ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:abort_on_error=0:detect_stack_use_after_return=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export LSAN_OPTIONS=report_objects=1

passed=0
failed=0
pass() { echo "PASS $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1"; failed=$((failed + 1)); }

if [ ! -f "$LIB/libdeliveryopt.so" ]; then
    echo "c-tests: $LIB/libdeliveryopt.so is missing: run cargo build first" >&2
    exit 2
fi

# build NAME COMPILER STD [extra flags...] SOURCE
build() {
    local name=$1 compiler=$2 std=$3
    shift 3
    if "$compiler" "-std=$std" "${COMMON[@]}" "$@" -o "$OUT/$name" "${LINK[@]}" 2>"$OUT/$name.build.log"; then
        return 0
    fi
    cat "$OUT/$name.build.log"
    return 1
}

# C++ tests leave out UBSan's -fsanitize=vptr: it reads C++ RTTI stored in front of a vtable, which
# COM objects made outside C++ (ours, Wine's, any written in C) do not have. COM forbids
# dynamic_cast/typeid on interface pointers for the same reason; every other UBSan check stays on.

# The sanitizers must really be in the binaries: libasan and libubsan are linked.
sanitized() {
    ldd "$OUT/$1" | grep -q libasan && ldd "$OUT/$1" | grep -q libubsan
}

# Every program gets a job store of its own (fresh), never the user's.
fresh_store() {
    local d="$OUT/state-$1"
    rm -rf "$d"
    echo "$d"
}

run_case() {
    local name=$1
    if DELIVERYOPT_STATE_DIR=$(fresh_store "$name") "$OUT/$name" >"$OUT/$name.log" 2>&1; then
        pass "$name ($(tail -n 1 "$OUT/$name.log"))"
    else
        cat "$OUT/$name.log"
        fail "$name"
    fi
}

for spec in "c_manager gcc c11 c-tests/c_manager.c" \
            "bad_input gcc c11 c-tests/bad_input.c" \
            "short_wchar gcc c11 -fshort-wchar c-tests/short_wchar.c" \
            "job_settings gcc c11 c-tests/job_settings.c" \
            "cpp_manager g++ c++17 -fno-sanitize=vptr c-tests/cpp_manager.cpp" \
            "cpp_manager_11 g++ c++11 -fno-sanitize=vptr c-tests/cpp_manager.cpp"; do
    # shellcheck disable=SC2086
    set -- $spec
    name=$1
    if build "$@"; then
        if sanitized "$name"; then run_case "$name"; else fail "$name (sanitizers not linked)"; fi
    else
        fail "$name (build)"
    fi
done

# The canary leaks one job reference on purpose: it must fail, and LeakSanitizer must say why.
if build leak_canary gcc c11 c-tests/leak_canary.c; then
    if DELIVERYOPT_STATE_DIR=$(fresh_store leak_canary) "$OUT/leak_canary" >"$OUT/leak_canary.log" 2>&1; then
        cat "$OUT/leak_canary.log"
        fail "leak_canary (a leaked job reference went unnoticed)"
    elif grep -q "ERROR: LeakSanitizer: detected memory leaks" "$OUT/leak_canary.log"; then
        pass "leak_canary (LeakSanitizer caught the leaked reference)"
    else
        cat "$OUT/leak_canary.log"
        fail "leak_canary (failed without a leak report)"
    fi
else
    fail "leak_canary (build)"
fi

# Jobs outlive the process: one process makes a job, a second one (same store) finishes it.
if build persist gcc c11 c-tests/persist.c; then
    pdir="$OUT/persist-data"
    rm -rf "$pdir" && mkdir -p "$pdir"
    pstore=$(fresh_store persist)
    if DELIVERYOPT_STATE_DIR=$pstore "$OUT/persist" create "$pdir" >"$OUT/persist.log" 2>&1 &&
        DELIVERYOPT_STATE_DIR=$pstore "$OUT/persist" finish "$pdir" >>"$OUT/persist.log" 2>&1; then
        pass "persist (a job made by one process finished by the next)"
    else
        cat "$OUT/persist.log"
        fail "persist"
    fi
else
    fail "persist (build)"
fi

# Spec layout: static asserts of every slot and struct offset, and GUID bytes at run time.
if [ -f c-tests/spec_layout.c ]; then
    if build spec_layout gcc c11 -Wpedantic c-tests/spec_layout.c; then run_case spec_layout; else fail "spec_layout (build)"; fi
else
    fail "spec_layout (c-tests/spec_layout.c missing)"
fi

# End to end against a real nginx (scripts/nginx.sh, in a temporary directory, loopback only): one
# job of five files with Complete from inside JobTransferred (C, then C++ with FileTransferred), and
# a 404 through JobError. nginx is stopped by its pid whatever happens. nginx that cannot be
# installed or started is a FAILURE, not a skip.
# A C validation callback against the test server speaking HTTPS (its CA trusted through
# SSL_CERT_FILE); the server is started here and stopped by its pid.
if build cert_callback gcc c11 c-tests/cert_callback.c && sanitized cert_callback; then
    tdir=$(mktemp -d "${TMPDIR:-/tmp}/deliveryopt-cert-callback.XXXXXX")
    if cargo build -q -p testserver --bin deliveryopt-testserver 2>"$OUT/cert_callback.server.log"; then
        "$ROOT/target/debug/deliveryopt-testserver" --tls --pid-file "$tdir/pid" --port-file "$tdir/port" \
            --ca-file "$tdir/ca.pem" >>"$OUT/cert_callback.server.log" 2>&1 &
        for _ in $(seq 200); do [ -s "$tdir/port" ] && break; sleep 0.05; done
        tport=$(head -n 1 "$tdir/port" 2>/dev/null)
        if [ -n "$tport" ] && SSL_CERT_FILE="$tdir/ca.pem" DELIVERYOPT_STATE_DIR=$(fresh_store cert_callback) \
            "$OUT/cert_callback" "$tport" "$tdir" >"$OUT/cert_callback.log" 2>&1; then
            pass "cert_callback ($(tail -n 1 "$OUT/cert_callback.log"))"
        else
            cat "$OUT/cert_callback.server.log" "$OUT/cert_callback.log" 2>/dev/null
            fail "cert_callback"
        fi
        [ -s "$tdir/pid" ] && kill "$(cat "$tdir/pid")" 2>/dev/null
        wait 2>/dev/null
    else
        cat "$OUT/cert_callback.server.log"
        fail "cert_callback (the test server did not build)"
    fi
    rm -rf "$tdir"
else
    fail "cert_callback (build, or sanitizers not linked)"
fi

# On-demand (random access) from C against the plain-HTTP test server, started here and stopped
# by its pid.
if build on_demand gcc c11 c-tests/on_demand.c && sanitized on_demand; then
    odir=$(mktemp -d "${TMPDIR:-/tmp}/deliveryopt-on-demand.XXXXXX")
    if cargo build -q -p testserver --bin deliveryopt-testserver 2>"$OUT/on_demand.server.log"; then
        "$ROOT/target/debug/deliveryopt-testserver" --pid-file "$odir/pid" --port-file "$odir/port" \
            >>"$OUT/on_demand.server.log" 2>&1 &
        for _ in $(seq 200); do [ -s "$odir/port" ] && break; sleep 0.05; done
        oport=$(head -n 1 "$odir/port" 2>/dev/null)
        if [ -n "$oport" ] && DELIVERYOPT_STATE_DIR=$(fresh_store on_demand) \
            "$OUT/on_demand" "$oport" "$odir" >"$OUT/on_demand.log" 2>&1; then
            pass "on_demand ($(tail -n 1 "$OUT/on_demand.log"))"
        else
            cat "$OUT/on_demand.server.log" "$OUT/on_demand.log" 2>/dev/null
            fail "on_demand"
        fi
        [ -s "$odir/pid" ] && kill "$(cat "$odir/pid")" 2>/dev/null
        wait 2>/dev/null
    else
        cat "$OUT/on_demand.server.log"
        fail "on_demand (the test server did not build)"
    fi
    rm -rf "$odir"
else
    fail "on_demand (build, or sanitizers not linked)"
fi

E2E_CASES=(e2e_nginx e2e_nginx_cpp e2e_bits10 e2e_do e2e_do_stream)
e2e_nginx_run() {
    local dir=$1 port name
    # Runs in a subshell: the traps (and E2E_NGINX_DIR) are its own.
    E2E_NGINX_DIR=$dir
    trap 'bash scripts/nginx.sh stop "$E2E_NGINX_DIR" >>"$OUT/e2e_nginx.nginx.log" 2>&1' EXIT
    trap 'exit 130' INT TERM
    if ! port=$(bash scripts/nginx.sh start "$dir" 2>>"$OUT/e2e_nginx.nginx.log"); then
        cat "$OUT/e2e_nginx.nginx.log"
        echo "e2e_nginx: nginx could not be installed or started (see above and $OUT/e2e_nginx.nginx.log)"
        return 3
    fi
    echo "nginx on 127.0.0.1:$port (pid $(cat "$dir/nginx.pid"), dir $dir)"
    # A tinyproxy for e2e_bits10's proxy case, stopped by its pid with nginx.
    if ! bash scripts/ensure-packages.sh tinyproxy >>"$OUT/e2e_nginx.nginx.log" 2>&1; then
        echo "e2e_nginx: tinyproxy could not be installed"
        return 3
    fi
    local pport
    pport=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    printf 'Port %s\nListen 127.0.0.1\nTimeout 30\nLogFile "%s"\nLogLevel Connect\nMaxClients 50\nAllow 127.0.0.1\nDisableViaHeader Yes\n' \
        "$pport" "$dir/tinyproxy.log" >"$dir/tinyproxy.conf"
    tinyproxy -d -c "$dir/tinyproxy.conf" >"$dir/tinyproxy.out" 2>&1 &
    E2E_PROXY_PID=$!
    trap 'kill "$E2E_PROXY_PID" 2>/dev/null; wait "$E2E_PROXY_PID" 2>/dev/null; bash scripts/nginx.sh stop "$E2E_NGINX_DIR" >>"$OUT/e2e_nginx.nginx.log" 2>&1' EXIT
    for _ in $(seq 100); do
        (exec 3<>"/dev/tcp/127.0.0.1/$pport") 2>/dev/null && break
        sleep 0.05
    done
    echo "tinyproxy on 127.0.0.1:$pport (pid $E2E_PROXY_PID)"
    export E2E_PROXY="127.0.0.1:$pport" E2E_PROXY_LOG="$dir/tinyproxy.log"
    # Deterministic content: 0 B, 1 B, 100 KiB, 3 MiB, 20 MiB; 300 KiB behind Basic authentication
    # and 40 KiB behind a custom-header check (for e2e_bits10).
    python3 - "$dir/www" <<'PY' || return 4
import os, random, sys
for seed, (name, size) in enumerate([("empty.bin", 0), ("one.bin", 1), ("100KiB.bin", 100 << 10),
                                      ("3MiB.bin", 3 << 20), ("20MiB.bin", 20 << 20),
                                      ("private/secret.bin", 300 << 10), ("tenant/report.bin", 40 << 10)]):
    os.makedirs(os.path.dirname(f"{sys.argv[1]}/{name}"), exist_ok=True)
    with open(f"{sys.argv[1]}/{name}", "wb") as f:
        f.write(random.Random(seed).randbytes(size))
PY
    for name in "${E2E_CASES[@]}"; do
        [ -x "$OUT/$name" ] || continue
        # A job store of its own (the library keeps jobs under DELIVERYOPT_STATE_DIR), not the user's.
        DELIVERYOPT_STATE_DIR="$dir/state-$name" "$OUT/$name" "$port" "$dir" >"$OUT/$name.log" 2>&1
        echo $? >"$OUT/$name.rc"
    done
}
e2e_built=()
for spec in "e2e_nginx gcc c11 -pthread c-tests/e2e_nginx.c" \
            "e2e_nginx_cpp g++ c++17 -pthread -fno-sanitize=vptr c-tests/e2e_nginx.cpp" \
            "e2e_bits10 g++ c++17 -pthread -fno-sanitize=vptr c-tests/e2e_bits10.cpp" \
            "e2e_do g++ c++17 -pthread -fno-sanitize=vptr c-tests/e2e_do.cpp" \
            "e2e_do_stream g++ c++17 -pthread -fno-sanitize=vptr c-tests/e2e_do_stream.cpp"; do
    # shellcheck disable=SC2086
    set -- $spec
    rm -f "$OUT/$1" "$OUT/$1.rc"
    if ! build "$@"; then
        fail "$1 (build)"
    elif ! sanitized "$1"; then
        fail "$1 (sanitizers not linked)"
        rm -f "$OUT/$1"
    else
        e2e_built+=("$1")
    fi
done
if [ ${#e2e_built[@]} -gt 0 ]; then
    e2e_dir=$(mktemp -d "${TMPDIR:-/tmp}/deliveryopt-e2e-nginx.XXXXXX")
    : >"$OUT/e2e_nginx.nginx.log"
    (e2e_nginx_run "$e2e_dir") >"$OUT/e2e_nginx.run.log" 2>&1
    rc=$?
    # nginx removes its pid file when it exits: one left behind means it was not stopped.
    if [ -f "$e2e_dir/nginx.pid" ]; then
        echo "e2e_nginx: nginx (pid $(cat "$e2e_dir/nginx.pid")) was not stopped by the trap" >>"$OUT/e2e_nginx.run.log"
        bash scripts/nginx.sh stop "$e2e_dir" >>"$OUT/e2e_nginx.run.log" 2>&1
        rc=5
    fi
    for name in "${e2e_built[@]}"; do
        if [ "$rc" -eq 3 ]; then
            cat "$OUT/e2e_nginx.run.log"
            fail "$name (nginx could not be installed or started)"
        elif [ "$rc" -eq 0 ] && [ "$(cat "$OUT/$name.rc" 2>/dev/null)" = 0 ]; then
            pass "$name ($(tail -n 1 "$OUT/$name.log"))"
        else
            cat "$OUT/e2e_nginx.run.log" "$OUT/$name.log" 2>/dev/null
            [ -f "$e2e_dir/logs/error.log" ] && tail -n 20 "$e2e_dir/logs/error.log"
            fail "$name (exit $(cat "$OUT/$name.rc" 2>/dev/null || echo "?"), run $rc)"
        fi
    done
    rm -rf "$e2e_dir"
fi

# Exported symbols equal the committed allow-list.
nm -D --defined-only "$LIB/libdeliveryopt.so" | awk '{print $3}' | sort >"$OUT/exported-symbols.txt"
if diff -u c-tests/exported-symbols.txt "$OUT/exported-symbols.txt"; then
    pass "exported-symbols ($(wc -l <"$OUT/exported-symbols.txt") symbols match the allow-list)"
else
    fail "exported-symbols (differ from c-tests/exported-symbols.txt: update it deliberately if intended)"
fi

echo "c-tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
