#!/usr/bin/env bash
# The kill test at 200 SIGKILLs (the default test run makes 50): a downloading process, running
# the engine in process, SIGKILLed at random moments 200 times while 3 jobs of 8 files each
# transfer; every file must end with the right bytes and no partial file may ever appear under a
# final name. Prints the test's summary (kills, bytes re-fetched per restart) and the time taken.
# Outside the default test run: it lasts a few minutes. KILL_SEED=n repeats a run.
set -euo pipefail
cd "$(dirname "$0")/.."
export DELIVERYOPT_RUNTIME_DIR=$(mktemp -d /tmp/dopt-kill.XXXXXX)
trap 'bash scripts/stop-services.sh "$DELIVERYOPT_RUNTIME_DIR"; rm -rf "$DELIVERYOPT_RUNTIME_DIR"' EXIT
cargo build -q --release --tests
start=$(date +%s)
KILL_COUNT=${KILL_COUNT:-200} cargo test -q --release --test persistence transfers_survive_sigkill_at_random_moments \
    -- --nocapture 2>&1 | grep -E "kill test|test result|panicked|FAILED"
echo "kill200: $(( $(date +%s) - start )) s ($(date -u +%Y-%m-%dT%H:%MZ), $(git rev-parse --short HEAD))"
