#!/usr/bin/env bash
# The kill tests at 200 SIGKILLs (the default test run makes 50 and 20): a downloading process,
# running the engine in process, SIGKILLed at random moments 200 times while 3 jobs of 9 files each
# transfer; then the service, SIGKILLed 200 times while a program's 3 jobs of 5 files (one of
# 9 MiB, in pieces) transfer
# and the program polls them. Every file must end with the right bytes and no partial file may
# ever appear under a final name. Prints each test's summary and the time taken.
# Outside the default test run: it lasts a few minutes. KILL_SEED=n repeats a run.
set -euo pipefail
cd "$(dirname "$0")/.."
export DELIVERYOPT_RUNTIME_DIR=$(mktemp -d /tmp/dopt-kill.XXXXXX)
trap 'bash scripts/stop-services.sh "$DELIVERYOPT_RUNTIME_DIR"; rm -rf "$DELIVERYOPT_RUNTIME_DIR"' EXIT
cargo build -q --release --tests
start=$(date +%s)
KILL_COUNT=${KILL_COUNT:-200} cargo test -q --release --test persistence transfers_survive_sigkill_at_random_moments \
    -- --nocapture 2>&1 | grep -E "kill test|test result|panicked|FAILED"
echo "kill200 (engine in process): $(( $(date +%s) - start )) s ($(date -u +%Y-%m-%dT%H:%MZ), $(git rev-parse --short HEAD))"
# The service's counterpart: deliveryoptd SIGKILLed while a program's jobs transfer and the
# program polls them (each next call starts a new service).
start=$(date +%s)
SVC_KILL_COUNT=${KILL_COUNT:-200} cargo test -q --release --test service a_service_killed_again_and_again_loses_nothing \
    -- --nocapture 2>&1 | grep -E "kill test|test result|panicked|FAILED"
echo "kill200 (service): $(( $(date +%s) - start )) s ($(date -u +%Y-%m-%dT%H:%MZ), $(git rev-parse --short HEAD))"
