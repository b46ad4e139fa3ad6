#!/usr/bin/env bash
# stop-services.sh DIR: stops (by pid) every deliveryoptd whose pid file is in the runtime
# directory DIR, then removes what a service leaves there (sockets, pid, lock and log files) and
# DIR itself when that empties it. Nothing else is deleted, whatever DIR is.
dir=${1:?usage: stop-services.sh RUNTIME_DIR}
[ -d "$dir" ] || exit 0
for f in "$dir"/*.pid; do
    [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null
done
rm -f "$dir"/*.sock "$dir"/*.pid "$dir"/*.lock "$dir"/*.log 2>/dev/null
rmdir "$dir" 2>/dev/null
exit 0
