#!/usr/bin/env bash
# The whole test suite, as README's test command (`make test`) and .ci/run run it:
#   formatting and lints, header drift, Rust tests, C/C++ tests under ASan+UBSan+LSan, header
#   compile tests in every language mode, the exported-symbol allow-list, and the Python tests.
# Ends with one line "tests: N passed, M failed" summing every suite's own counts.
set -uo pipefail
cd "$(dirname "$0")/.."
# The tests talk to 127.0.0.1 only; a proxy from the environment (which jobs use by default, and
# apt may need) must not carry that traffic.
export no_proxy="127.0.0.1,localhost${no_proxy:+,$no_proxy}" NO_PROXY="127.0.0.1,localhost${NO_PROXY:+,$NO_PROXY}"
LOG=$(mktemp -d)
# The library runs its engine in the deliveryoptd service by default, started on demand (one per
# job store; every test program has a store of its own). The services live in this directory and
# exit when idle; any still running at the end are stopped by pid.
export DELIVERYOPT_RUNTIME_DIR="$LOG/run"
export DELIVERYOPT_IDLE_EXIT_SECONDS=${DELIVERYOPT_IDLE_EXIT_SECONDS:-5}
trap 'bash scripts/stop-services.sh "$DELIVERYOPT_RUNTIME_DIR"; rm -rf "$LOG"' EXIT
total_pass=0
total_fail=0
broken=()

step() { echo; echo "==== $1"; }
add() { total_pass=$((total_pass + $1)); total_fail=$((total_fail + $2)); }

step "cargo fmt --check"
if cargo fmt --all -- --check; then add 1 0; else add 0 1; broken+=("fmt"); fi

step "cargo clippy -D warnings"
if cargo clippy --workspace --all-targets -q -- -D warnings; then add 1 0; else add 0 1; broken+=("clippy"); fi

step "cargo build"
if ! cargo build -q; then echo "build failed"; exit 1; fi

step "generated headers are up to date"
if cargo run -q -p xtask -- headers --check; then add 1 0; else add 0 1; broken+=("stale headers: run cargo run -p xtask -- headers"); fi

step "README method table is up to date"
if cargo run -q -p xtask -- method-table --check; then add 1 0; else add 0 1; broken+=("stale method table: run cargo run -p xtask -- method-table"); fi

step "programs the tests start (tinyproxy)"
if bash scripts/ensure-packages.sh tinyproxy; then add 1 0; else add 0 1; broken+=("tinyproxy missing"); fi

# rust_tests LABEL [cargo test arguments...]
rust_tests() {
    local label=$1 log="$LOG/cargo-$1.txt"
    shift
    cargo test -q "$@" 2>&1 | tee "$log"
    local rc=${PIPESTATUS[0]}
    local p f
    p=$(grep -Eo '[0-9]+ passed' "$log" | awk '{s+=$1} END {print s+0}')
    f=$(grep -Eo '[0-9]+ failed' "$log" | awk '{s+=$1} END {print s+0}')
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
    add "$p" "$f"
    [ "$f" -eq 0 ] || broken+=("rust tests ($label)")
}

step "Rust tests (the default: the engine in the deliveryoptd service)"
rust_tests service --workspace

step "Rust integration tests again with the engine in process (DELIVERYOPT_ENGINE=in-process)"
DELIVERYOPT_ENGINE=in-process rust_tests in-process -p deliveryopt --tests

# c_tests LABEL: c-tests/run.sh in the current environment.
c_tests() {
    local label=$1 log="$LOG/c-$1.txt"
    bash c-tests/run.sh 2>&1 | tee "$log"
    local line p f
    line=$(grep -E '^c-tests: [0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
    p=$(echo "$line" | awk '{print $2}'); f=$(echo "$line" | awk '{print $4}')
    add "${p:-0}" "${f:-1}"
    [ "${f:-1}" -eq 0 ] || broken+=("c-tests ($label)")
}

step "C and C++ tests (ASan, UBSan, LSan), through the service"
c_tests service

step "C and C++ tests (ASan, UBSan, LSan), engine in process"
DELIVERYOPT_ENGINE=in-process c_tests in-process

step "header compile tests (C99, C11, C++11, C++17, -fshort-wchar, drop-in headers)"
bash c-tests/headers/run.sh 2>&1 | tee "$LOG/h.txt"
line=$(grep -E '[0-9]+ passed, [0-9]+ failed' "$LOG/h.txt" | tail -n 1)
p=$(echo "$line" | grep -Eo '[0-9]+ passed' | awk '{print $1}'); f=$(echo "$line" | grep -Eo '[0-9]+ failed' | awk '{print $1}')
add "${p:-0}" "${f:-1}"
[ "${f:-1}" -eq 0 ] || broken+=("header tests")

step "the command-line tool (bitsadmin) against nginx"
bash scripts/cli-test.sh 2>&1 | tee "$LOG/cli.txt"
line=$(grep -E '^cli-test: [0-9]+ passed, [0-9]+ failed' "$LOG/cli.txt" | tail -n 1)
p=$(echo "$line" | awk '{print $2}'); f=$(echo "$line" | awk '{print $4}')
add "${p:-0}" "${f:-1}"
[ "${f:-1}" -eq 0 ] || broken+=("cli test")

step "packaging: make install into a temporary prefix, the demo built with pkg-config"
bash scripts/install-test.sh 2>&1 | tee "$LOG/install.txt"
line=$(grep -E '^install-test: [0-9]+ passed, [0-9]+ failed' "$LOG/install.txt" | tail -n 1)
p=$(echo "$line" | awk '{print $2}'); f=$(echo "$line" | awk '{print $4}')
add "${p:-0}" "${f:-1}"
[ "${f:-1}" -eq 0 ] || broken+=("install test")

step "Python tests (ctypes through the vtables)"
if ! python3 -m pytest --version >/dev/null 2>&1; then
    python3 -m pip install --quiet pytest || echo "could not install pytest"
fi
python3 -m pytest python/tests -q 2>&1 | tee "$LOG/py.txt"
py_rc=${PIPESTATUS[0]}
p=$(grep -Eo '[0-9]+ passed' "$LOG/py.txt" | tail -n 1 | awk '{print $1}')
f=$(grep -Eo '[0-9]+ (failed|error)' "$LOG/py.txt" | awk '{s+=$1} END {print s+0}')
if [ "$py_rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
add "${p:-0}" "$f"
[ "$f" -eq 0 ] || broken+=("python tests")

echo
if [ ${#broken[@]} -gt 0 ]; then echo "failing: ${broken[*]}"; fi
echo "tests: $total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
