#!/usr/bin/env bash
# Bandwidth limits, measured: downloads from the test server on 127.0.0.1 under the engine's
# limit (DELIVERYOPT_MAX_BYTES_PER_SECOND) and under a job's (the property, through bitsadmin
# /setmaxbytespersecond), each sized for about 10 s at its limit; prints the achieved rate and its
# distance from the limit (the target: within 5 %).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build -q --release --bin bitsadmin
cargo build -q --release -p testserver --bin deliveryopt-testserver
B=$PWD/target/release/bitsadmin
T=$(mktemp -d /tmp/dopt-rate.XXXXXX)
target/release/deliveryopt-testserver --port-file "$T/port" --pid-file "$T/pid" >/dev/null 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; bash scripts/stop-services.sh "$T/run"; rm -rf "$T"' EXIT
for _ in $(seq 100); do [ -s "$T/port" ] && break; sleep 0.05; done
PORT=$(cat "$T/port")
report() { # label limit bytes seconds
    python3 -c "import sys; l,b,s=float(sys.argv[2]),float(sys.argv[3]),float(sys.argv[4]); r=b/s; print(f'{sys.argv[1]}: limit {l/1e6:.1f} MB/s, {b/1e6:.0f} MB in {s:.2f} s = {r/1e6:.3f} MB/s ({(r-l)/l*100:+.1f} %)')" "$@"
}
for limit in 2000000 8000000; do
    bytes=$((limit * 10))
    secs=$(DELIVERYOPT_ENGINE=in-process DELIVERYOPT_STATE_DIR="$T/s-$limit" DELIVERYOPT_MAX_BYTES_PER_SECOND=$limit \
        "$B" --json /transfer "engine-$limit" "http://127.0.0.1:$PORT/gen/$bytes/5" "$T/out-$limit" |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["seconds"])')
    report "engine limit" "$limit" "$bytes" "$secs"
    rm -f "$T/out-$limit"
done
limit=4000000
bytes=$((limit * 10))
# Through the service (several bitsadmin processes act on one job): its own store and runtime dir.
export DELIVERYOPT_STATE_DIR="$T/s-job" DELIVERYOPT_RUNTIME_DIR="$T/run" DELIVERYOPT_DAEMON=$PWD/target/release/deliveryoptd
cargo build -q --release --bin deliveryoptd
"$B" /create jobrate >/dev/null
"$B" /addfile jobrate "http://127.0.0.1:$PORT/gen/$bytes/6" "$T/out-job" >/dev/null
"$B" /setmaxbytespersecond jobrate $limit >/dev/null
start=$(date +%s.%N)
"$B" /resume jobrate >/dev/null
while [ "$("$B" /getstate jobrate)" != TRANSFERRED ]; do sleep 0.02; done
end=$(date +%s.%N)
"$B" /complete jobrate >/dev/null
report "job limit" "$limit" "$bytes" "$(python3 -c "print($end - $start)")"
echo "rate: $(date -u +%Y-%m-%dT%H:%MZ), $(git rev-parse --short HEAD)"
