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
trap 'rm -rf "$LOG"' EXIT
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

step "Rust tests"
cargo test --workspace -q 2>&1 | tee "$LOG/cargo.txt"
rust_rc=${PIPESTATUS[0]}
p=$(grep -Eo '[0-9]+ passed' "$LOG/cargo.txt" | awk '{s+=$1} END {print s+0}')
f=$(grep -Eo '[0-9]+ failed' "$LOG/cargo.txt" | awk '{s+=$1} END {print s+0}')
if [ "$rust_rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
add "$p" "$f"
[ "$f" -eq 0 ] || broken+=("rust tests")

step "C and C++ tests (ASan, UBSan, LSan)"
bash c-tests/run.sh 2>&1 | tee "$LOG/c.txt"
line=$(grep -E '^c-tests: [0-9]+ passed, [0-9]+ failed' "$LOG/c.txt" | tail -n 1)
p=$(echo "$line" | awk '{print $2}'); f=$(echo "$line" | awk '{print $4}')
add "${p:-0}" "${f:-1}"
[ "${f:-1}" -eq 0 ] || broken+=("c-tests")

step "header compile tests (C99, C11, C++11, C++17, -fshort-wchar, drop-in headers)"
bash c-tests/headers/run.sh 2>&1 | tee "$LOG/h.txt"
line=$(grep -E '[0-9]+ passed, [0-9]+ failed' "$LOG/h.txt" | tail -n 1)
p=$(echo "$line" | grep -Eo '[0-9]+ passed' | awk '{print $1}'); f=$(echo "$line" | grep -Eo '[0-9]+ failed' | awk '{print $1}')
add "${p:-0}" "${f:-1}"
[ "${f:-1}" -eq 0 ] || broken+=("header tests")

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
