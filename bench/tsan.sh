#!/usr/bin/env bash
# The C and C++ tests under ThreadSanitizer (gcc -fsanitize=thread; clang works too with CC/CXX):
# every test that c-tests/run.sh runs under ASan/UBSan, built again with TSan and run in the
# default (service) mode and in process. Callbacks come from the library's threads into the
# tests' C code, so races between a test's callback and its main thread are what TSan can see
# (the Rust library itself is not instrumented). Prints each run's summary line.
set -uo pipefail
cd "$(dirname "$0")/.."
cargo build -q
rc=0
for mode in service in-process; do
    echo "== C tests under ThreadSanitizer, engine: $mode"
    if [ "$mode" = in-process ]; then export DELIVERYOPT_ENGINE=in-process; else unset DELIVERYOPT_ENGINE; fi
    C_SANITIZER=thread bash c-tests/run.sh >"/tmp/dopt-tsan-$mode.log" 2>&1 || rc=1
    grep -E "^(PASS|FAIL|SKIP)" "/tmp/dopt-tsan-$mode.log"
    grep -c "WARNING: ThreadSanitizer" "/tmp/dopt-tsan-$mode.log" | sed 's/^/ThreadSanitizer warnings: /'
    tail -n 1 "/tmp/dopt-tsan-$mode.log"
done
echo "tsan: $(date -u +%Y-%m-%dT%H:%MZ), $(git rev-parse --short HEAD)"
exit $rc
