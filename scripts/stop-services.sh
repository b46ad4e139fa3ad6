#!/usr/bin/env bash
# stop-services.sh DIR: stops (by pid) every deliveryoptd whose pid file is in the runtime
# directory DIR, then removes DIR. The test scripts call it when they end.
dir=${1:?usage: stop-services.sh RUNTIME_DIR}
for f in "$dir"/*.pid; do
    [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null
done
rm -rf "$dir"
exit 0
