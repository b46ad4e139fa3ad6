#!/usr/bin/env bash
# Builds every C and C++ test with -Wall -Wextra -Werror and AddressSanitizer + UBSan (LeakSanitizer
# included), links it to target/debug/libdeliveryopt.so, and runs it. The leak canary must fail with
# a LeakSanitizer report. Also checks the exported symbols against c-tests/exported-symbols.txt.
# Prints one line per case and ends with "N passed, M failed".
# C_SANITIZER=thread builds and runs them under ThreadSanitizer instead (bench/tsan.sh; TSan and
# ASan cannot share a binary), in c-tests/build-tsan; the leak canary is then skipped.
set -u
cd "$(dirname "$0")/.."
ROOT=$PWD
# C_TESTS_LIB: another build of the library (bench/tsan.sh: one instrumented with TSan).
LIB=${C_TESTS_LIB:-$ROOT/target/debug}
SANITIZER=${C_SANITIZER:-address}
OUT=$ROOT/c-tests/build
[ "$SANITIZER" = thread ] && OUT=$ROOT/c-tests/build-tsan
mkdir -p "$OUT"
CC=${CC:-gcc}
CXX=${CXX:-g++}
if [ "$SANITIZER" = thread ]; then
    COMMON=(-Wall -Wextra -Werror -g -fno-omit-frame-pointer -fsanitize=thread -I"$ROOT/include" -I"$ROOT/c-tests")
    # A library instrumented by rustc calls __tsan_memcpy & co., which GCC's libtsan lacks.
    if nm -D --undefined-only "$LIB/libdeliveryopt.so" 2>/dev/null | grep -q __tsan_memcpy; then
        COMMON+=("$ROOT/c-tests/tsan_shim.c")
    fi
    export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1}
else
    COMMON=(-Wall -Wextra -Werror -g -fno-omit-frame-pointer -fsanitize=address,undefined
            -fno-sanitize-recover=undefined -I"$ROOT/include" -I"$ROOT/c-tests")
fi
LINK=(-L"$LIB" -ldeliveryopt -Wl,-rpath,"$LIB")
export ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:abort_on_error=0:detect_stack_use_after_return=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export LSAN_OPTIONS=report_objects=1

passed=0
failed=0
pass() { echo "PASS $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1"; failed=$((failed + 1)); }

# The services the programs start (one per job store, as each program has a store of its own)
# keep their sockets and pid files here; whatever still runs at the end is stopped by pid.
# (Under /tmp, not the checkout: a socket path must fit in 108 bytes.)
export DELIVERYOPT_RUNTIME_DIR
DELIVERYOPT_RUNTIME_DIR=$(mktemp -d /tmp/dort-c.XXXXXX)
export DELIVERYOPT_IDLE_EXIT_SECONDS=${DELIVERYOPT_IDLE_EXIT_SECONDS:-5}
trap 'bash "$ROOT/scripts/stop-services.sh" "$DELIVERYOPT_RUNTIME_DIR"; rm -rf "$DELIVERYOPT_RUNTIME_DIR"' EXIT

if [ ! -f "$LIB/libdeliveryopt.so" ]; then
    echo "c-tests: $LIB/libdeliveryopt.so is missing: run cargo build first" >&2
    exit 2
fi
# The name the test programs ask the loader for (the library's SONAME), beside the build.
bash "$ROOT/scripts/link-names.sh" "$LIB" || exit 2

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
    if [ "$SANITIZER" = thread ]; then
        ldd "$OUT/$1" | grep -q libtsan
    else
        ldd "$OUT/$1" | grep -q libasan && ldd "$OUT/$1" | grep -q libubsan
    fi
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
if [ "$SANITIZER" = thread ]; then
    echo "SKIP leak_canary (LeakSanitizer is not in a ThreadSanitizer build)"
elif build leak_canary gcc c11 c-tests/leak_canary.c; then
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

# Uploads across a SIGKILL: a 50 MiB upload job and upload-reply job to the shipped upload server,
# the client (and in service mode the service) killed midway, finished by another process.
if build upload_e2e gcc c11 c-tests/upload_e2e.c; then
    udir="$OUT/upload-data"
    rm -rf "$udir" && mkdir -p "$udir"
    if [ ! -x "$LIB/deliveryopt-upload-server" ]; then
        fail "upload_e2e ($LIB/deliveryopt-upload-server is missing: cargo build)"
    elif DELIVERYOPT_STATE_DIR=$(fresh_store upload_e2e) "$OUT/upload_e2e" "$LIB/deliveryopt-upload-server" "$udir" \
        >"$OUT/upload_e2e.log" 2>&1; then
        pass "upload_e2e ($(tail -n 1 "$OUT/upload_e2e.log"))"
    else
        cat "$OUT/upload_e2e.log"
        fail "upload_e2e"
    fi
    rm -rf "$udir"
else
    fail "upload_e2e (build)"
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
# C programs against the loopback test server (deliveryopt-testserver), started for each program
# and stopped by its pid: `testserver_case NAME [--tls]` builds c-tests/NAME.c and runs
# `NAME PORT DIR` (with --tls the server speaks HTTPS and its CA, DIR/ca.pem, is trusted through
# SSL_CERT_FILE).
testserver_case() {
    local name=$1 tls=${2:-} dir port
    if ! build "$name" gcc c11 "c-tests/$name.c" || ! sanitized "$name"; then
        fail "$name (build, or sanitizers not linked)"
        return
    fi
    if ! cargo build -q -p testserver --bin deliveryopt-testserver 2>"$OUT/$name.server.log"; then
        cat "$OUT/$name.server.log"
        fail "$name (the test server did not build)"
        return
    fi
    dir=$(mktemp -d "${TMPDIR:-/tmp}/deliveryopt-$name.XXXXXX")
    local server_tls=() client_env=()
    if [ "$tls" = --tls ]; then
        server_tls=(--tls --ca-file "$dir/ca.pem")
        client_env=("SSL_CERT_FILE=$dir/ca.pem")
    fi
    "$ROOT/target/debug/deliveryopt-testserver" "${server_tls[@]}" --pid-file "$dir/pid" \
        --port-file "$dir/port" >>"$OUT/$name.server.log" 2>&1 &
    for _ in $(seq 200); do [ -s "$dir/port" ] && break; sleep 0.05; done
    port=$(head -n 1 "$dir/port" 2>/dev/null)
    if [ -n "$port" ] && env "${client_env[@]}" DELIVERYOPT_STATE_DIR="$(fresh_store "$name")" \
        "$OUT/$name" "$port" "$dir" >"$OUT/$name.log" 2>&1; then
        pass "$name ($(tail -n 1 "$OUT/$name.log"))"
    else
        cat "$OUT/$name.server.log" "$OUT/$name.log" 2>/dev/null
        fail "$name"
    fi
    [ -s "$dir/pid" ] && kill "$(cat "$dir/pid")" 2>/dev/null
    wait 2>/dev/null
    rm -rf "$dir"
}
# A C server-certificate validation callback, over HTTPS.
testserver_case cert_callback --tls
# On-demand (random access) from C.
testserver_case on_demand
# Job4, File3-File5 and Callback3 from C: peer caching flags, owner integrity and elevation,
# MaximumDownloadTime running out, peer statistics, response headers, FileRangesTransferred, and
# a notify command line.
testserver_case bits_more
# A NonVolatile DO download outlives its process (and a volatile one does not): two processes on
# one job store.
testserver_case do_persist
# Upload jobs from C against the test server's BITS faults (a dropped fragment, a refusal).
testserver_case upload_faults
# A large file in pieces over several connections from C (the cap property; suspend, resume).
testserver_case segments

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
