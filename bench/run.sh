#!/usr/bin/env bash
# The download benchmark: libdeliveryopt (through bench/do_bench.c) against curl, wget2 and aria2c,
# on a local nginx (127.0.0.1 only). See bench/README.md.
#
#   bash bench/run.sh            full run: 1 GiB file, 3 repetitions, medians  (~10 min on 2 cores)
#   bash bench/run.sh --quick    smoke check: 256 MiB file, 1 repetition
#   BENCH_CASES="a d" bash bench/run.sh   only those cases (default: a b c1 c2 e r d); the report
#                                         is then results-DATE-cases-a-d.md, never the day's full one
#   options: --poll  (the driver polls GetState instead of using the callback)
#            --keep  (keep the temp dir with logs, nginx logs and the data)
#
# Ours runs through the deliveryoptd service (the library's default), started before each timed
# run as a user's service would already be running; its CPU and memory are added to the
# driver's. "inproc" is the same driver with the engine in the process (DELIVERYOPT_ENGINE=
# in-process), for comparison. Case (d) is the big file again from an nginx that sends each
# connection at most 20 MiB/s (limit_rate 20m): ours with its default pieces (up to 8 connections)
# against aria2c -x8 -s8 and curl. Case (e) is 10 processes queuing 200 jobs each at once; case (r)
# is one 80 MB file under an 8 MB/s limit (ours: the engine's limit; the peers: their rate
# options), whose target is a rate within 5 % of the limit; the API rates
# (CreateJob+AddFile+Resume+Complete and GetProgress per second) close the run.
set -euo pipefail
# Settings of the library given by the caller (before this script sets its own): they name the report.
CALLER_SETTINGS=$(env | grep -c '^DELIVERYOPT_' || true)

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$HERE")
QUICK=0
KEEP=0
DRIVER_OPTS=()
for arg in "$@"; do
    case "$arg" in
        --quick) QUICK=1 ;;
        --poll) DRIVER_OPTS+=(--poll) ;;
        --keep) KEEP=1 ;;
        -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
        *) echo "run.sh: unknown option $arg (see --help)" >&2; exit 2 ;;
    esac
done

# The small-file cases take well under a second a run: five runs each make their medians steadier.
if [ "$QUICK" = 1 ]; then REPS=1; SMALL_REPS=1; BIG_MIB=256; else REPS=3; SMALL_REPS=5; BIG_MIB=1024; fi
NSMALL=2000
SMALL_BYTES=16384
BIG_BYTES=$((BIG_MIB * 1048576))
# Case (r): one file under a bandwidth limit, sized for about 10 s at the limit.
RATE_LIMIT=8000000
RATE_BYTES=$((RATE_LIMIT * 10))
# Case (d): nginx's limit per connection.
CONN_LIMIT=20m
RUN_TIMEOUT=300            # seconds, per run of any tool
START_EPOCH=$(date +%s)
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)

log() { echo "[bench $(date +%T)] $*" >&2; }

# CPU accounting, to see how much of the machine something else used during a run.
CLK_TCK=$(getconf CLK_TCK)
busy_ticks() {   # all CPUs: user, nice, system and steal of /proc/stat (not irq/softirq, which
                 # holds our own loopback traffic)
    awk '/^cpu /{print $2 + $3 + $4 + $9; exit}' /proc/stat
}
pid_ticks() {    # utime+stime of the given pids (children reaped do not count: nginx reaps none)
    local t=0 p f
    for p in "$@"; do
        f=$(cut -d')' -f2 "/proc/$p/stat" 2>/dev/null) || continue
        t=$((t + $(echo "$f" | awk '{print $12 + $13}')))
    done
    echo "$t"
}

# ---------------------------------------------------------------------------------------------
# 1. Tools. Installed when missing and we are root; a peer that cannot be had is skipped.
# ---------------------------------------------------------------------------------------------
have() { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ]; }

install_missing() {
    local pairs=("nginx:nginx" "curl:curl" "wget2:wget2" "aria2c:aria2" "openssl:openssl"
                 "python3:python3" "gcc:gcc" "timeout:coreutils")
    local missing=() p
    for p in "${pairs[@]}"; do have "${p%%:*}" || missing+=("${p#*:}"); done
    [ ${#missing[@]} = 0 ] && return 0
    if [ "$(id -u)" != 0 ]; then
        log "missing: ${missing[*]} (not root: not installing; peers that are missing are skipped)"
        return 0
    fi
    log "installing: ${missing[*]}"
    # Installing nginx must not start the system's nginx (port 80): keep services down meanwhile.
    local made_policy=0
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
        chmod +x /usr/sbin/policy-rc.d
        made_policy=1
    fi
    export DEBIAN_FRONTEND=noninteractive
    if ! apt-get install -y --no-install-recommends "${missing[@]}" >"${TMPDIR:-/tmp}/dobench-apt.log" 2>&1; then
        log "apt-get install failed; running apt-get update first"
        apt-get update >>"${TMPDIR:-/tmp}/dobench-apt.log" 2>&1 || true
        if ! apt-get install -y --no-install-recommends "${missing[@]}" >>"${TMPDIR:-/tmp}/dobench-apt.log" 2>&1; then
            # One at a time, so one unavailable package does not keep out the others.
            for p in "${missing[@]}"; do
                apt-get install -y --no-install-recommends "$p" >>"${TMPDIR:-/tmp}/dobench-apt.log" 2>&1 \
                    || log "could not install $p (see ${TMPDIR:-/tmp}/dobench-apt.log)"
            done
        fi
    fi
    [ "$made_policy" = 1 ] && rm -f /usr/sbin/policy-rc.d
    return 0
}
install_missing

NGINX=$(command -v nginx || echo /usr/sbin/nginx)
for req in openssl python3 gcc timeout; do
    have "$req" || { echo "run.sh: $req is required" >&2; exit 1; }
done
[ -x "$NGINX" ] || { echo "run.sh: nginx is required (apt-get install nginx)" >&2; exit 1; }

PEERS=()
for t in curl wget2 aria2c; do
    if have "$t"; then PEERS+=("$t"); else log "peer $t is not installed: skipped"; fi
done
TOOLS=(ours inproc "${PEERS[@]}")

# ---------------------------------------------------------------------------------------------
# 2. Build: the library (release) and the driver.
# ---------------------------------------------------------------------------------------------
TMP=$(mktemp -d "${TMPDIR:-/tmp}/dobench.XXXXXX")
chmod 755 "$TMP"   # nginx workers (nobody) read the data
OUTBASE=""
NGINX_PID=""
cleanup() {
    local rc=$?
    stop_service
    if [ -n "$NGINX_PID" ] && kill -0 "$NGINX_PID" 2>/dev/null; then
        kill "$NGINX_PID" 2>/dev/null || true
        # nginx removes its pid file when it has stopped (its process may linger as a zombie).
        for _ in $(seq 50); do [ -e "$TMP/nginx/nginx.pid" ] || break; sleep 0.1; done
    fi
    [ -n "$OUTBASE" ] && rm -rf "$OUTBASE"
    if [ "$KEEP" = 1 ]; then log "kept $TMP"; else rm -rf "$TMP"; fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log "building the library (cargo build --release)"
(cd "$ROOT" && cargo build --release -q) || { echo "run.sh: the library does not build (cargo build --release failed)" >&2; exit 1; }
LIBDIR="$ROOT/target/release"
DRIVER="$TMP/do_bench"
DAEMON="$LIBDIR/deliveryoptd"
# The services of our runs live here (each run has its own job store, so its own service).
export DELIVERYOPT_RUNTIME_DIR="$TMP/run"
export DELIVERYOPT_DAEMON="$DAEMON"
SVC_PID=""
# start_service STORE: starts the store's service (as a user's would already run); sets SVC_PID.
start_service() {
    rm -f "$DELIVERYOPT_RUNTIME_DIR"/*.pid
    "$DAEMON" --daemonize --state-dir "$1" --idle-exit 0 || return 1
    local f
    f=$(ls "$DELIVERYOPT_RUNTIME_DIR"/*.pid 2>/dev/null | head -1)
    SVC_PID=$(cat "$f")
}
stop_service() {
    [ -n "$SVC_PID" ] || return 0
    kill "$SVC_PID" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$SVC_PID" 2>/dev/null || break; sleep 0.05; done
    SVC_PID=""
}
svc_cpu() {   # "cpu_seconds utime_ticks stime_ticks" of the service: the total from its CPU
                # clock (nanoseconds), the ticks only to split it into user and system time
    echo "$("$TIMED" cpu "$SVC_PID" 2>/dev/null || echo 0)" \
        "$(cut -d')' -f2 "/proc/$SVC_PID/stat" 2>/dev/null | awk '{print $12, $13}')"
}
bash "$ROOT/scripts/link-names.sh" "$LIBDIR"
gcc -std=c11 -O2 -Wall -Wextra -Werror -I"$ROOT/include" "$HERE/do_bench.c" -o "$DRIVER" \
    -L"$LIBDIR" -ldeliveryopt -lpthread -Wl,-rpath,"$LIBDIR"
# Times every run (GNU time's CPU figures are in hundredths of a second: too coarse here).
TIMED="$TMP/timed"
gcc -std=c11 -O2 -Wall -Wextra -Werror "$HERE/timed.c" -o "$TIMED"

# ---------------------------------------------------------------------------------------------
# 3. Data, certificates, nginx.
# ---------------------------------------------------------------------------------------------
WWW="$TMP/www"
mkdir -p "$WWW/small" "$TMP/nginx" "$TMP/logs" "$TMP/tls"
log "generating data: ${BIG_MIB} MiB file, $NSMALL files of $SMALL_BYTES bytes"
head -c "$BIG_BYTES" /dev/urandom >"$WWW/big.bin"
head -c "$RATE_BYTES" /dev/urandom >"$WWW/rate.bin"
(cd "$WWW/small" && head -c $((NSMALL * SMALL_BYTES)) /dev/urandom \
    | split -b "$SMALL_BYTES" -a 4 -d --additional-suffix=.bin - f)
chmod -R a+rX "$WWW"
BIG_SHA=$(sha256sum "$WWW/big.bin" | cut -d' ' -f1)
RATE_SHA=$(sha256sum "$WWW/rate.bin" | cut -d' ' -f1)
SMALL_SHA=$(cat "$WWW"/small/f*.bin | sha256sum | cut -d' ' -f1)

# Output goes to a tmpfs when there is room (the same for every tool).
if [ -d /dev/shm ] && [ -w /dev/shm ] &&
   [ "$(df -Pk /dev/shm | awk 'NR==2{print $4}')" -gt $(( (BIG_BYTES / 1024) + 262144 )) ]; then
    OUTBASE=$(mktemp -d /dev/shm/dobench-out.XXXXXX)
    OUT_FS="tmpfs (/dev/shm)"
else
    OUTBASE="$TMP/out"
    mkdir -p "$OUTBASE"
    OUT_FS="the temp dir ($(df -PT "$TMP" | awk 'NR==2{print $2}'))"
fi
OUT="$OUTBASE/run"

log "making a CA and a server certificate"
(
    cd "$TMP/tls"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
        -keyout ca.key -out ca.pem -subj "/CN=deliveryopt bench CA" \
        -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
        -keyout server.key -out server.csr -subj "/CN=127.0.0.1" 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n' >ext.cnf
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 \
        -extfile ext.cnf -out server.pem 2>/dev/null
)
CA="$TMP/tls/ca.pem"
export SSL_CERT_FILE="$CA"

# How busy is the machine before we start? (Other people's builds make every figure noisy.)
b0=$(busy_ticks); sleep 1; b1=$(busy_ticks)
IDLE_BUSY=$(awk -v d=$((b1 - b0)) -v hz="$CLK_TCK" 'BEGIN{printf "%.2f", d / hz}')
if awk -v x="$IDLE_BUSY" 'BEGIN{exit !(x > 0.25)}'; then
    log "WARNING: the machine is busy before the runs ($IDLE_BUSY CPU-s per s): results will be noisy"
fi

read -r HTTP_PORT HTTPS_PORT LIMITED_PORT < <(python3 -c '
import socket
s = [socket.socket() for _ in range(3)]
for x in s: x.bind(("127.0.0.1", 0))
print(*[x.getsockname()[1] for x in s])')

NG="$TMP/nginx"
cat >"$NG/nginx.conf" <<EOF
daemon on;
worker_processes auto;
pid $NG/nginx.pid;
error_log $NG/error.log warn;
events { worker_connections 4096; }
http {
    log_format bench '\$connection \$status \$request_method \$body_bytes_sent';
    access_log $NG/access.log bench;
    client_body_temp_path $NG/client_body;
    proxy_temp_path $NG/proxy;
    fastcgi_temp_path $NG/fastcgi;
    uwsgi_temp_path $NG/uwsgi;
    scgi_temp_path $NG/scgi;
    types { application/octet-stream bin; }
    default_type application/octet-stream;
    sendfile on;
    tcp_nopush on;
    keepalive_timeout 65;
    keepalive_requests 100000;
    server {
        listen 127.0.0.1:$HTTP_PORT;
        root $WWW;
    }
    server {
        listen 127.0.0.1:$LIMITED_PORT;
        root $WWW;
        limit_rate $CONN_LIMIT;
    }
    server {
        listen 127.0.0.1:$HTTPS_PORT ssl;
        ssl_certificate $TMP/tls/server.pem;
        ssl_certificate_key $TMP/tls/server.key;
        root $WWW;
    }
}
EOF
"$NGINX" -p "$NG/" -e "$NG/error.log" -c "$NG/nginx.conf"
for _ in $(seq 50); do [ -s "$NG/nginx.pid" ] && break; sleep 0.1; done
NGINX_PID=$(cat "$NG/nginx.pid")
log "nginx (pid $NGINX_PID) on http://127.0.0.1:$HTTP_PORT and https://127.0.0.1:$HTTPS_PORT"
HTTP="http://127.0.0.1:$HTTP_PORT"
HTTPS="https://127.0.0.1:$HTTPS_PORT"
LIMITED="http://127.0.0.1:$LIMITED_PORT"
python3 - "$HTTP/small/f0000.bin" <<'EOF'
import sys, time, urllib.request
for _ in range(50):
    try:
        urllib.request.urlopen(sys.argv[1], timeout=2).read(); break
    except Exception:
        time.sleep(0.1)
else:
    sys.exit("nginx does not answer")
EOF

# Lists of the small files: URLs (peers) and URL<TAB>local (driver).
: >"$TMP/small-urls.txt"
: >"$TMP/small-jobs.txt"
for i in $(seq -f %04g 0 $((NSMALL - 1))); do
    echo "$HTTP/small/f$i.bin" >>"$TMP/small-urls.txt"
    printf '%s\t%s\n' "$HTTP/small/f$i.bin" "$OUT/f$i.bin" >>"$TMP/small-jobs.txt"
done
mapfile -t SMALL_URLS <"$TMP/small-urls.txt"

# Case (e): 10 processes at once, 200 files each (the same 2,000 files), one per job for ours.
EPROCS=10
split -n l/$EPROCS -d -a 2 "$TMP/small-jobs.txt" "$TMP/e-jobs-"
split -n l/$EPROCS -d -a 2 "$TMP/small-urls.txt" "$TMP/e-urls-"
printf 'rc=0\nfor l in %s/e-jobs-*; do %q --timeout %d manyjobs "$l" 2>>%q & done\nfor p in $(jobs -p); do wait "$p" || rc=1; done\nexit $rc\n' \
    "$TMP" "$DRIVER" $((RUN_TIMEOUT - 10)) "$TMP/logs/e-ours.err" >"$TMP/e-ours.sh"
# In process, one store serves one process: each process gets a store of its own.
printf 'rc=0; i=0\nfor l in %s/e-jobs-*; do i=$((i + 1)); DELIVERYOPT_ENGINE=in-process DELIVERYOPT_STATE_DIR="$DELIVERYOPT_STATE_DIR/p$i" %q --timeout %d manyjobs "$l" 2>>%q & done\nfor p in $(jobs -p); do wait "$p" || rc=1; done\nexit $rc\n' \
    "$TMP" "$DRIVER" $((RUN_TIMEOUT - 10)) "$TMP/logs/e-inproc.err" >"$TMP/e-inproc.sh"
printf 'rc=0\nfor l in %s/e-urls-*; do mapfile -t u <"$l"; curl -sS --fail -Z --parallel-max 50 --output-dir %q --remote-name-all "${u[@]}" & done\nfor p in $(jobs -p); do wait "$p" || rc=1; done\nexit $rc\n' \
    "$TMP" "$OUT" >"$TMP/e-curl.sh"
printf 'rc=0\nfor l in %s/e-urls-*; do wget2 -q --no-hsts --no-hpkp --max-threads=50 -P %q -i "$l" & done\nfor p in $(jobs -p); do wait "$p" || rc=1; done\nexit $rc\n' \
    "$TMP" "$OUT" >"$TMP/e-wget2.sh"
printf 'rc=0\nfor l in %s/e-urls-*; do aria2c -q --allow-overwrite=true --auto-file-renaming=false -j 16 -d %q -i "$l" & done\nfor p in $(jobs -p); do wait "$p" || rc=1; done\nexit $rc\n' \
    "$TMP" "$OUT" >"$TMP/e-aria2c.sh"

# The library's quotas, raised for the many-jobs case (root is exempt from some already).
export DELIVERYOPT_MAX_JOBS_PER_USER=100000
export DELIVERYOPT_MAX_JOBS_PER_MACHINE=100000
export DELIVERYOPT_MAX_FILES_PER_JOB=100000

# ---------------------------------------------------------------------------------------------
# 4. The runs.
# ---------------------------------------------------------------------------------------------
RESULTS="$TMP/results.tsv"
printf 'case\ttool\trep\trc\twall\tuser\tsys\trss_kb\tok\trequests\tconnections\tnot200\tnginx_cpu\tother_cpu\tnote\n' >"$RESULTS"
declare -A SHA_DONE=()

# cmd_for CASE TOOL -> fills CMD
cmd_for() {
    local case=$1 tool=$2 base
    case "$case" in a) base=$HTTP ;; b) base=$HTTPS ;; d) base=$LIMITED ;; esac
    CMD=()
    case "$case/$tool" in
        # (d): ours with its defaults (pieces over up to 8 connections); aria2c as the issue asks
        # (-x8 -s8); curl's one connection for scale. wget2 sits it out.
        d/ours) CMD=("$DRIVER" "${DRIVER_OPTS[@]}" --timeout $((RUN_TIMEOUT - 10)) single "$base/big.bin" "$OUT/big.bin") ;;
        d/curl) CMD=(curl -sS --fail -o "$OUT/big.bin" "$base/big.bin") ;;
        d/aria2c) CMD=(aria2c -q -x8 -s8 --allow-overwrite=true --auto-file-renaming=false -d "$OUT" -o big.bin "$base/big.bin") ;;
        d/wget2) return 1 ;;
        a/ours|b/ours) CMD=("$DRIVER" "${DRIVER_OPTS[@]}" --timeout $((RUN_TIMEOUT - 10)) single "$base/big.bin" "$OUT/big.bin") ;;
        a/curl) CMD=(curl -sS --fail -o "$OUT/big.bin" "$base/big.bin") ;;
        b/curl) CMD=(curl -sS --fail --cacert "$CA" -o "$OUT/big.bin" "$base/big.bin") ;;
        a/wget2) CMD=(wget2 -q --no-hsts --no-hpkp -O "$OUT/big.bin" "$base/big.bin") ;;
        b/wget2) CMD=(wget2 -q --no-hsts --no-hpkp --ca-certificate="$CA" -O "$OUT/big.bin" "$base/big.bin") ;;
        a/aria2c) CMD=(aria2c -q --allow-overwrite=true --auto-file-renaming=false -d "$OUT" -o big.bin "$base/big.bin") ;;
        b/aria2c) CMD=(aria2c -q --allow-overwrite=true --auto-file-renaming=false --ca-certificate="$CA" -d "$OUT" -o big.bin "$base/big.bin") ;;
        c1/ours) CMD=("$DRIVER" "${DRIVER_OPTS[@]}" --timeout $((RUN_TIMEOUT - 10)) onejob "$TMP/small-jobs.txt") ;;
        # (r): ours under the engine's limit (DELIVERYOPT_MAX_BYTES_PER_SECOND, exported for the
        # case, so the service started for the run has it); the peers with their own options.
        r/ours) CMD=("$DRIVER" "${DRIVER_OPTS[@]}" --timeout $((RUN_TIMEOUT - 10)) single "$HTTP/rate.bin" "$OUT/rate.bin") ;;
        r/curl) CMD=(curl -sS --fail --limit-rate "$RATE_LIMIT" -o "$OUT/rate.bin" "$HTTP/rate.bin") ;;
        # (wget2 1.99 has no rate limit option: it sits this case out.)
        r/wget2) wget2 --help 2>&1 | grep -q -- --limit-rate || return 1
                 CMD=(wget2 -q --no-hsts --no-hpkp --limit-rate="$RATE_LIMIT" -O "$OUT/rate.bin" "$HTTP/rate.bin") ;;
        r/aria2c) CMD=(aria2c -q --allow-overwrite=true --auto-file-renaming=false --max-overall-download-limit="$RATE_LIMIT" -d "$OUT" -o rate.bin "$HTTP/rate.bin") ;;
        c2/ours) CMD=("$DRIVER" "${DRIVER_OPTS[@]}" --timeout $((RUN_TIMEOUT - 10)) manyjobs "$TMP/small-jobs.txt") ;;
        e/inproc) CMD=(bash "$TMP/e-inproc.sh") ;;
        */inproc) cmd_for "$case" ours && CMD=(env DELIVERYOPT_ENGINE=in-process "${CMD[@]}") ;;
        e/ours) CMD=(bash "$TMP/e-ours.sh") ;;
        e/curl|e/wget2|e/aria2c) CMD=(bash "$TMP/e-$tool.sh") ;;
        c1/curl|c2/curl) CMD=(curl -sS --fail -Z --parallel-max 50 --output-dir "$OUT" --remote-name-all "${SMALL_URLS[@]}") ;;
        c1/wget2|c2/wget2) CMD=(wget2 -q --no-hsts --no-hpkp --max-threads=50 -P "$OUT" -i "$TMP/small-urls.txt") ;;
        c1/aria2c|c2/aria2c) CMD=(aria2c -q --allow-overwrite=true --auto-file-renaming=false -j 16 -d "$OUT" -i "$TMP/small-urls.txt") ;;
        *) return 1 ;;
    esac
}

# verify CASE TOOL -> prints "" when fine, else the reason
verify() {
    local case=$1 tool=$2
    case "$case" in
        a|b|d)
            local n
            n=$(find "$OUT" -mindepth 1 | wc -l)
            [ -f "$OUT/big.bin" ] || { echo "no output file"; return; }
            local size
            size=$(stat -c %s "$OUT/big.bin")
            [ "$size" = "$BIG_BYTES" ] || { echo "size $size, want $BIG_BYTES"; return; }
            [ "$n" = 1 ] || { echo "$n entries in the output dir, want 1: $(ls -A "$OUT" | head -5 | tr '\n' ' ')"; return; }
            if [ -z "${SHA_DONE[$case/$tool]:-}" ]; then
                local sha
                sha=$(sha256sum "$OUT/big.bin" | cut -d' ' -f1)
                [ "$sha" = "$BIG_SHA" ] || { echo "sha256 mismatch"; return; }
                SHA_DONE[$case/$tool]=1
            fi ;;
        r)
            [ -f "$OUT/rate.bin" ] || { echo "no output file"; return; }
            [ "$(sha256sum "$OUT/rate.bin" | cut -d' ' -f1)" = "$RATE_SHA" ] || { echo "sha256 mismatch"; return; } ;;
        c1|c2|e)
            local n
            n=$(find "$OUT" -mindepth 1 | wc -l)
            [ "$n" = "$NSMALL" ] || { echo "$n entries in the output dir, want $NSMALL: $(ls -A "$OUT" | grep -v '^f[0-9]*\.bin$' | head -3 | tr '\n' ' ')"; return; }
            local sha
            sha=$(cat "$OUT"/f*.bin | sha256sum | cut -d' ' -f1)
            [ "$sha" = "$SMALL_SHA" ] || { echo "content mismatch (sha256 of the concatenation)"; return; } ;;
    esac
    echo ""
}

run_one() {
    local case=$1 tool=$2 rep=$3
    rm -rf "$OUT"
    mkdir -p "$OUT"
    cmd_for "$case" "$tool" || return 0
    local tag="$case-$tool-$rep" rc=0
    # Our library keeps a job store (journal) that outlives the process: each run gets a fresh
    # one on disk in the temp dir, so runs are independent and the user's own store is untouched.
    export DELIVERYOPT_STATE_DIR="$TMP/state/$tag"
    local svc0="" svc_note=""
    if [ "$tool" = ours ]; then
        local ts0 ts1
        ts0=$(date +%s%N)
        start_service "$DELIVERYOPT_STATE_DIR" || log "the service did not start"
        ts1=$(date +%s%N)
        svc_note="service started in $(( (ts1 - ts0) / 1000000 )) ms before the run"
        svc0=$(svc_cpu)
    fi
    sync
    local log_before
    log_before=$(wc -l <"$NG/access.log")
    local ng_pids
    ng_pids=$(echo "$NGINX_PID"; pgrep -P "$NGINX_PID" || true)
    # shellcheck disable=SC2086
    local ng0 busy0 ng1 busy1
    ng0=$(pid_ticks $ng_pids)
    busy0=$(busy_ticks)
    "$TIMED" run "$TMP/time.txt" \
        timeout -k 5 "$RUN_TIMEOUT" "${CMD[@]}" >"$TMP/logs/$tag.out" 2>"$TMP/logs/$tag.err" || rc=$?
    busy1=$(busy_ticks)
    # shellcheck disable=SC2086
    ng1=$(pid_ticks $ng_pids)
    # What nginx saw during the run: requests, distinct connections, answers other than 200.
    local requests conns not200
    IFS=$'\t' read -r requests conns not200 < <(tail -n +$((log_before + 1)) "$NG/access.log" |
        awk '{n++; c[$1]=1; if ($2 != 200) b++; if ($3 != "GET") o[$3]++}
             END {s = ""; for (m in o) s = s (s ? ", " : "") o[m] " " m
                  printf "%d%s\t%d\t%d\n", n, (s ? " (" s ")" : ""), length(c), b}')
    local wall user sys rss
    read -r wall user sys rss < <(grep -E '^[0-9.]+ [0-9.]+ [0-9.]+ [0-9]+$' "$TMP/time.txt" | tail -1)
    if [ -n "$svc0" ] && [ -n "$SVC_PID" ]; then
        # The service's CPU during the run is ours too, and its peak memory adds to the driver's.
        local c0 su0 ss0 c1 su1 ss1 hwm
        read -r c0 su0 ss0 <<<"$svc0"
        read -r c1 su1 ss1 < <(svc_cpu)
        hwm=$(awk '/VmHWM/{print $2}' "/proc/$SVC_PID/status" 2>/dev/null || echo 0)
        # The precise total, split as the ticks were (evenly when there were none).
        read -r user sys < <(awk -v u="${user:-0}" -v s="${sys:-0}" -v c=$(awk -v a="$c0" -v b="$c1" 'BEGIN{print b - a}') \
            -v du=$((su1 - su0)) -v ds=$((ss1 - ss0)) \
            'BEGIN{f = (du + ds > 0) ? du / (du + ds) : 0.5; printf "%.6f %.6f\n", u + c * f, s + c * (1 - f)}')
        rss=$(( ${rss:-0} + ${hwm:-0} ))
        svc_note="$svc_note; service CPU $(awk -v a="$c0" -v b="$c1" 'BEGIN{printf "%.3f", b - a}') s, peak RSS $((hwm / 1024)) MiB"
        stop_service
    fi
    # CPU seconds nginx used, and what the rest of the machine used (neither us nor nginx).
    local nginx_cpu other_cpu
    nginx_cpu=$(awk -v d=$((ng1 - ng0)) -v hz="$CLK_TCK" 'BEGIN{printf "%.2f", d / hz}')
    other_cpu=$(awk -v b=$((busy1 - busy0)) -v n=$((ng1 - ng0)) -v hz="$CLK_TCK" -v u="${user:-0}" -v s="${sys:-0}" \
        'BEGIN{x = (b - n) / hz - u - s; if (x < 0) x = 0; printf "%.2f", x}')
    local reason ok=1
    if [ "$rc" != 0 ]; then
        ok=0
        # (A failing substitution would end the script under set -e.)
        reason="exit $rc"
        if [ "$rc" = 124 ]; then reason="$reason (timeout ${RUN_TIMEOUT}s)"; fi
    else
        reason=$(verify "$case" "$tool")
        [ -n "$reason" ] && ok=0
    fi
    local note=$reason
    if [ "$tool" = ours ] || [ "$tool" = inproc ]; then
        local line store=""
        line=$(grep -o 'mode=.*' "$TMP/logs/$tag.err" | tail -1 || true)
        if [ -f "$DELIVERYOPT_STATE_DIR/journal" ]; then
            store="; store journal: $(wc -l <"$DELIVERYOPT_STATE_DIR/journal") records, $(( $(stat -c %s "$DELIVERYOPT_STATE_DIR/journal") / 1024 )) KiB"
        fi
        note="${reason:+$reason; }$line$store${svc_note:+; $svc_note}"
    fi
    rm -rf "$DELIVERYOPT_STATE_DIR"
    if [ "$ok" = 0 ]; then
        # Keep the evidence with the results.
        {
            echo "----- $tag: $reason"
            echo "command: ${CMD[*]:0:12}$([ ${#CMD[@]} -gt 12 ] && echo " ... (${#CMD[@]} args)")"
            tail -n 40 "$TMP/logs/$tag.err"
        } >>"$TMP/failures.txt"
    fi
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$case" "$tool" "$rep" "$rc" \
        "${wall:-0}" "${user:-0}" "${sys:-0}" "${rss:-0}" "$ok" "$requests" "$conns" "$not200" "$nginx_cpu" "$other_cpu" "$note" >>"$RESULTS"
    log "$(printf '%-3s %-7s rep %s: %6ss wall, %5ss user, %5ss sys, %7s KiB RSS, %4s req / %2s conn, nginx %ss, other %ss: %s' \
        "$case" "$tool" "$rep" "${wall:-?}" "${user:-?}" "${sys:-?}" "${rss:-?}" "$requests" "$conns" "$nginx_cpu" "$other_cpu" \
        "$([ "$ok" = 1 ] && echo ok || echo "FAILED: $reason")")"
    rm -rf "$OUT"
}

# Warm-up (not measured): one download of the big file, so that the first measured run does not
# pay for first-touch costs (tmpfs pages, nginx's page cache, lazy kernel set-up).
log "warm-up download (not measured)"
rm -rf "$OUT"; mkdir -p "$OUT"
DELIVERYOPT_STATE_DIR="$TMP/state/warm-up" "$DRIVER" single "$HTTP/big.bin" "$OUT/big.bin" 2>/dev/null || log "warm-up download failed (see the runs)"
rm -rf "$OUT"

for case in ${BENCH_CASES:-a b c1 c2 e r d}; do
    reps=$REPS
    case "$case" in c1|c2|e) reps=$SMALL_REPS ;; r) reps=1 ;; esac
    if [ "$case" = r ]; then export DELIVERYOPT_MAX_BYTES_PER_SECOND=$RATE_LIMIT; else unset DELIVERYOPT_MAX_BYTES_PER_SECOND; fi
    for rep in $(seq "$reps"); do
        for tool in "${TOOLS[@]}"; do
            # c2 is our library's own shape (2,000 jobs); the peers run their c1 command again,
            # alternating with ours, so that both see the machine in the same state.
            # (d): curl's one limited connection takes a minute a run; once is enough for scale.
            if [ "$case" = d ] && [ "$tool" = curl ] && [ "$rep" -gt 1 ]; then continue; fi
            run_one "$case" "$tool" "$rep"
        done
    done
done

unset DELIVERYOPT_MAX_BYTES_PER_SECOND

# API calls per second, through the service and in process (3 runs each, alternating).
API="$TMP/api.tsv"
printf 'mode\trep\tsequences_per_s\tgetprogress_per_s\n' >"$API"
for rep in 1 2 3; do
    for mode in service in-process; do
        export DELIVERYOPT_STATE_DIR="$TMP/state/api-$mode-$rep"
        rm -rf "$OUT"; mkdir -p "$OUT"
        if [ "$mode" = service ]; then start_service "$DELIVERYOPT_STATE_DIR"; fi
        line=$(env "DELIVERYOPT_ENGINE=$mode" "$DRIVER" apirate 2000 "$HTTP/small/f0000.bin" "$OUT" 2>&1 | grep -o 'sequences_per_s=.*' || true)
        stop_service
        seqs=$(echo "$line" | sed -n 's/.*sequences_per_s=\([0-9]*\).*/\1/p')
        gets=$(echo "$line" | sed -n 's/.*getprogress_per_s=\([0-9]*\).*/\1/p')
        printf '%s\t%s\t%s\t%s\n' "$mode" "$rep" "${seqs:-0}" "${gets:-0}" >>"$API"
        log "api $mode rep $rep: ${seqs:-?} CreateJob+AddFile+Resume+Complete/s, ${gets:-?} GetProgress/s"
        rm -rf "$DELIVERYOPT_STATE_DIR" "$OUT"
    done
done

# ---------------------------------------------------------------------------------------------
# 5. The report.
# ---------------------------------------------------------------------------------------------
ELAPSED=$(( $(date +%s) - START_EPOCH ))
META="$TMP/meta.txt"
{
    echo "date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "quick=$QUICK"
    echo "reps=$REPS"
    echo "small_reps=$SMALL_REPS"
    echo "big_bytes=$BIG_BYTES"
    echo "rate_bytes=$RATE_BYTES"
    echo "rate_limit=$RATE_LIMIT"
    echo "conn_limit=$CONN_LIMIT"
    echo "nsmall=$NSMALL"
    echo "small_bytes=$SMALL_BYTES"
    echo "elapsed=$ELAPSED"
    echo "idle_busy=$IDLE_BUSY"
    echo "load=$LOAD_START at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end"
    echo "out_fs=$OUT_FS"
    echo "driver_opts=${DRIVER_OPTS[*]:-}"
    echo "cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
    echo "ncpu=$(nproc)"
    echo "kernel=$(uname -r)"
    echo "lib=deliveryopt $(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo '?')$(cd "$ROOT" && [ -n "$(git status --porcelain -- src Cargo.toml Cargo.lock 2>/dev/null)" ] && echo ' + uncommitted changes in src/Cargo')"
    echo "rustc=$(rustc --version 2>/dev/null || echo '?')"
    echo "nginx=$("$NGINX" -v 2>&1 | sed 's/.*: //')"
    echo "concurrency=${DELIVERYOPT_MAX_CONCURRENT_TRANSFERS:-6 (default)}"
    for t in curl wget2 aria2c; do
        if have "$t"; then echo "$t=$("$t" --version 2>/dev/null | head -1)"; else echo "$t=not installed"; fi
    done
} >"$META"

# A full run is the day's report; a quick run, or one of some cases only, or one with settings of
# its own (--poll, DELIVERYOPT_SPIN_US, ...), is named after what it was, so it never replaces the
# full run's report that README's figures come from.
SUFFIX=""
[ "$QUICK" = 1 ] && SUFFIX="-quick"
if [ -n "${BENCH_CASES:-}" ] && [ "$(echo $BENCH_CASES)" != "a b c1 c2 e r d" ]; then
    SUFFIX="$SUFFIX-cases-$(echo $BENCH_CASES | tr ' ' '-')"
fi
[ "${#DRIVER_OPTS[@]}" -gt 0 ] && SUFFIX="$SUFFIX-poll"
[ "$CALLER_SETTINGS" -gt 0 ] && SUFFIX="$SUFFIX-tuned"
REPORT="$HERE/results-$(date +%Y-%m-%d)$SUFFIX.md"
python3 "$HERE/report.py" "$RESULTS" "$META" "$TMP/failures.txt" "$API" >"$REPORT.tmp"
mv "$REPORT.tmp" "$REPORT"
cat "$REPORT"
log "written to $REPORT (total ${ELAPSED}s)"
