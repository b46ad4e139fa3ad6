#!/usr/bin/env bash
# The fuzz targets (fuzz/, cargo-fuzz with libFuzzer and AddressSanitizer, nightly), each for
# FUZZ_SECONDS (default 60): the job store's journal reader, the service protocol's frame
# decoder, caller/server texts (custom headers, names, Content-Range), the whole HTTP response
# path (a loopback server answering with the input), the exported C API with arbitrary
# arguments (no network: nothing is resumed), and the service's connection code and engine
# with what a hostile client sends after a correct greeting (calls, posts, releases, callback
# answers; again nothing resumed or started). Prints executions and findings per target; crashes
# are kept in fuzz/artifacts/<target>/. Needs `cargo install cargo-fuzz` and a nightly toolchain.
set -uo pipefail
cd "$(dirname "$0")/../fuzz"
SECONDS_EACH=${FUZZ_SECONDS:-60}
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
cargo +nightly fuzz build -O || exit 1
found=0
for t in journal wire texts http_response api service; do
    mkdir -p "corpus/$t"
    [ -d "seeds/$t" ] && cp -n seeds/$t/* "corpus/$t/" 2>/dev/null
    log=$(mktemp)
    # The service target leaves engine threads running between inputs (a transfer's threads end
    # just after the input does): libFuzzer's check after each input takes a thread in the
    # middle of exiting for a leak. Its leaks are checked once, at exit, instead, with the
    # records of threads starting or exiting then suppressed (fuzz/service.lsan.supp).
    leaks=1
    lsan=${LSAN_OPTIONS:-}
    if [ "$t" = service ]; then
        leaks=0
        lsan="suppressions=$PWD/service.lsan.supp${lsan:+:$lsan}"
    fi
    LSAN_OPTIONS=$lsan cargo +nightly fuzz run -O "$t" "corpus/$t" -- -max_total_time="$SECONDS_EACH" -timeout=20 \
        -rss_limit_mb=4096 -print_final_stats=1 -detect_leaks=$leaks >"$log" 2>&1
    rc=$?
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
    crashes=$(ls "artifacts/$t" 2>/dev/null | wc -l)
    echo "fuzz $t: ${runs:-?} executions in ${SECONDS_EACH} s, $cov, exit $rc, $crashes artifact(s)"
    if [ "$rc" -ne 0 ]; then
        found=1
        grep -E "ERROR|panicked|SUMMARY" "$log" | head -5
    fi
    rm -f "$log"
done
echo "fuzz: $(date -u +%Y-%m-%dT%H:%MZ), $(git rev-parse --short HEAD)"
exit $found
