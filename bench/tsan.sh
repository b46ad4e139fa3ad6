#!/usr/bin/env bash
# The C and C++ tests under ThreadSanitizer (gcc -fsanitize=thread; clang works too with CC/CXX):
# every test that c-tests/run.sh runs under ASan/UBSan, built again with TSan and run in the
# default (service) mode and in process. Callbacks come from the library's threads into the
# tests' C code, so races between a test's callback and its main thread are what TSan can see
# (the Rust library itself is not instrumented). Prints each run's summary line.
set -uo pipefail
cd "$(dirname "$0")/.."
cargo build -q
cargo build -q -p testserver --bin deliveryopt-testserver
# The library (and its service) instrumented too, so TSan sees its synchronization: nightly
# -Zsanitizer=thread with an instrumented std (-Zbuild-std). Without nightly, the plain build
# is used and c-tests/tsan.supp hides what TSan cannot see inside it.
TSAN_LIB=""
if cargo +nightly --version >/dev/null 2>&1 && rustup component list --toolchain nightly --installed 2>/dev/null | grep -q rust-src; then
    if RUSTFLAGS="-Zsanitizer=thread" cargo +nightly build -q -Zbuild-std --target x86_64-unknown-linux-gnu \
        --target-dir target/tsan -p deliveryopt --lib --bins; then
        TSAN_LIB=$PWD/target/tsan/x86_64-unknown-linux-gnu/debug
        bash scripts/link-names.sh "$TSAN_LIB"
        echo "library: instrumented ($TSAN_LIB)"
    fi
fi
if [ -z "$TSAN_LIB" ]; then
    echo "library: not instrumented (no nightly with rust-src): suppressions in c-tests/tsan.supp"
    export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=$PWD/c-tests/tsan.supp"
fi
rc=0
for mode in service in-process; do
    echo "== C tests under ThreadSanitizer, engine: $mode"
    if [ "$mode" = in-process ]; then export DELIVERYOPT_ENGINE=in-process; else unset DELIVERYOPT_ENGINE; fi
    C_SANITIZER=thread C_TESTS_LIB=${TSAN_LIB:-$PWD/target/debug} bash c-tests/run.sh >"/tmp/dopt-tsan-$mode.log" 2>&1 || rc=1
    grep -E "^(PASS|FAIL|SKIP)" "/tmp/dopt-tsan-$mode.log"
    grep -c "WARNING: ThreadSanitizer" "/tmp/dopt-tsan-$mode.log" | sed 's/^/ThreadSanitizer warnings: /'
    tail -n 1 "/tmp/dopt-tsan-$mode.log"
done
echo "tsan: $(date -u +%Y-%m-%dT%H:%MZ), $(git rev-parse --short HEAD)"
exit $rc
