#!/usr/bin/env bash
# examples-cs/run.sh: builds the C# sample (examples-cs/BitsSample.cs) with mono's mcs and runs it
# with mono against target/debug/libdeliveryopt.so, downloading from a loopback test server
# (deliveryopt-testserver on 127.0.0.1, a free port; nothing else is contacted):
#   * a file of random bytes, which must arrive with the served file's SHA-256;
#   * a missing file (HTTP 404), which must end in JobError, BG_E_HTTP_ERROR_404 and exit status 1.
# mcs and mono are installed from Debian's packages when missing (scripts/ensure-packages.sh).
# The run has its own job store and runtime directory under /tmp; the deliveryoptd it starts is
# stopped at the end. Prints "cs-sample: N passed, M failed"; exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
# Loopback only: a proxy from the environment must not carry the test traffic.
export no_proxy="127.0.0.1,localhost${no_proxy:+,$no_proxy}" NO_PROXY="127.0.0.1,localhost${NO_PROXY:+,$NO_PROXY}"

pass=0 fail=0
ok() { echo "PASS $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1"; fail=$((fail + 1)); }
check() { local name=$1; shift; if "$@"; then ok "$name"; else bad "$name"; fi; }
finish() {
    echo "cs-sample: $pass passed, $fail failed"
    [ "$fail" -eq 0 ] && exit 0
    exit 1
}

# A short path: the service's socket lives in the runtime directory.
T=$(mktemp -d /tmp/dopt-cs.XXXXXX)
export DELIVERYOPT_STATE_DIR="$T/store" DELIVERYOPT_RUNTIME_DIR="$T/run"
export DELIVERYOPT_IDLE_EXIT_SECONDS=${DELIVERYOPT_IDLE_EXIT_SECONDS:-5}
server_pid=""
cleanup() {
    if [ -n "$server_pid" ]; then
        kill "$server_pid" 2>/dev/null
        wait "$server_pid" 2>/dev/null
    fi
    bash "$ROOT/scripts/stop-services.sh" "$DELIVERYOPT_RUNTIME_DIR" >/dev/null 2>&1
    rm -rf "$T"
}
trap cleanup EXIT

# 1. The compiler and the runtime.
if bash scripts/ensure-packages.sh mcs=mono-mcs mono=mono-runtime; then
    ok "mcs and mono are installed ($(mono --version | head -n 1 | sed 's/ (.*//'))"
else
    bad "mcs and mono are installed (apt-get install mono-mcs mono-runtime)"
    finish
fi

# 2. The library, its service and the test server (a no-op after test-all.sh's build).
if cargo build -q 2>"$T/cargo.log"; then
    ok "cargo build (libdeliveryopt.so, deliveryoptd, deliveryopt-testserver)"
else
    cat "$T/cargo.log"
    bad "cargo build"
    finish
fi
LIBDIR="$ROOT/target/debug"
bash scripts/link-names.sh "$LIBDIR"
soname=$(objdump -p "$LIBDIR/libdeliveryopt.so" | awk '$1 == "SONAME" {print $2}')

# 3. The sample. [DllImport("deliveryopt")] finds libdeliveryopt.so on LD_LIBRARY_PATH; the
# dllmap beside the program names the SONAME (libdeliveryopt.so.0.1), the file an installed
# runtime has even without the development link libdeliveryopt.so.
OUT="$ROOT/target/examples-cs"
mkdir -p "$OUT"
exe="$OUT/BitsSample.exe"
rm -f "$exe"
if mcs -nologo -warn:4 -warnaserror+ -out:"$exe" examples-cs/BitsSample.cs >"$T/mcs.log" 2>&1; then
    ok "examples-cs/BitsSample.cs builds with mcs, no warnings"
else
    cat "$T/mcs.log"
    bad "examples-cs/BitsSample.cs builds with mcs, no warnings"
    finish
fi
# The hand-written C# vtable structs must name the slots of include/deliveryopt.h, in its order.
if python3 - examples-cs/BitsSample.cs include/deliveryopt.h <<'PY'
import re, sys
cs = open(sys.argv[1]).read()
h = re.sub(r"/\*.*?\*/", "", open(sys.argv[2]).read(), flags=re.S)
def header(name):
    m = re.search(r"typedef struct %s \{(.*?)\} %s;" % (name, name), h, re.S)
    return re.findall(r"\(\*(\w+)\)\(", m.group(1)) if m else None
def csharp(name):
    m = re.search(r"struct %s\s*\{(.*?)\n    \}" % name, cs, re.S)
    slots = []
    for typ, field in re.findall(r"public (?:new )?(\w+) (\w+);", m.group(1)):
        slots += csharp(typ) if typ.endswith("Vtbl") else [field]
    return slots
pairs = [("IUnknownVtbl", "IUnknownVtbl"), ("IBackgroundCopyManagerVtbl", "IBackgroundCopyManagerVtbl"),
         ("IBackgroundCopyJobVtbl", "IBackgroundCopyJobVtbl"), ("IBackgroundCopyFileVtbl", "IBackgroundCopyFileVtbl"),
         ("IBackgroundCopyErrorVtbl", "IBackgroundCopyErrorVtbl"), ("IEnumBackgroundCopyVtbl", "IEnumBackgroundCopyJobsVtbl"),
         ("IEnumBackgroundCopyVtbl", "IEnumBackgroundCopyFilesVtbl"), ("IBackgroundCopyCallbackVtbl", "IBackgroundCopyCallbackVtbl"),
         ("IBackgroundCopyJob5Vtbl", "IBackgroundCopyJob5Vtbl")]
bad = 0
for mine, theirs in pairs:
    a, b = csharp(mine), header(theirs)
    if a != b:
        print("  %s (C#) %s\n  %s (header) %s" % (mine, a, theirs, b))
        bad += 1
    else:
        print("  %s: %d slots match %s" % (mine, len(a), theirs))
sys.exit(1 if bad else 0)
PY
then
    ok "the C# vtable structs have the slots of include/deliveryopt.h, in order"
else
    bad "the C# vtable structs have the slots of include/deliveryopt.h, in order"
fi
cat >"$exe.config" <<EOF
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <dllmap dll="deliveryopt" target="${soname:-libdeliveryopt.so}" os="linux"/>
</configuration>
EOF
sample() {
    LD_LIBRARY_PATH="$LIBDIR${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" timeout 180 mono "$exe" "$@"
}

# 4. The loopback server, serving a generated file (an odd size, a few MiB).
mkdir -p "$T/www" "$T/dl"
head -c $((4 * 1024 * 1024 + 12345)) /dev/urandom >"$T/www/payload.bin"
size=$(stat -c %s "$T/www/payload.bin")
sha=$(sha256sum "$T/www/payload.bin" | awk '{print $1}')
"$LIBDIR/deliveryopt-testserver" --root "$T/www" --pid-file "$T/server.pid" --port-file "$T/port" \
    >"$T/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 200); do [ -s "$T/port" ] && break; sleep 0.05; done
port=$(head -n 1 "$T/port" 2>/dev/null)
if [ -n "$port" ]; then
    ok "the loopback test server listens on 127.0.0.1:$port"
else
    cat "$T/server.log"
    bad "the loopback test server starts"
    finish
fi
base="http://127.0.0.1:$port"

# 5. The download. The server pauses 1.5 s after the first MiB, so progress shows mid-transfer.
echo "---- mono BitsSample.exe $base/payload.bin?... $T/dl/payload.bin $size $sha"
sample "$base/payload.bin?stall_after=1048576&stall_ms=1500" "$T/dl/payload.bin" "$size" "$sha" 2>&1 | tee "$T/ok.log"
rc=${PIPESTATUS[0]}
echo "----"
check "the C# sample downloads the file (exit status $rc)" test "$rc" -eq 0
got=$( [ -f "$T/dl/payload.bin" ] && sha256sum "$T/dl/payload.bin" | awk '{print $1}' )
check "the downloaded file's sha256 equals the served file's ($size bytes)" test "$got" = "$sha"
check "the C# callback's JobTransferred was called" grep -q '^JobTransferred: every file arrived' "$T/ok.log"
check "Job5 properties through QueryInterface, the union passed by value (set 250 ms, read back)" \
    grep -q '^IBackgroundCopyJob5: MINIMUM_NOTIFICATION_INTERVAL_MS 250, COST_FLAGS 0x800000FF, HIGH_PERFORMANCE False' "$T/ok.log"
check "progress was shown mid-transfer (TRANSFERRING, part of the bytes)" \
    grep -Eq "TRANSFERRING +[0-9]+/$size bytes" "$T/ok.log"
check "every reference was released; the callback was freed on its last Release" \
    grep -q "every interface pointer released; the callback's last Release returned 0" "$T/ok.log"

# 6. A failing download: HTTP 404 is fatal, so JobError, then Cancel, and no file left.
echo "---- mono BitsSample.exe $base/missing.bin $T/dl/missing.bin"
sample "$base/missing.bin" "$T/dl/missing.bin" 2>&1 | tee "$T/err.log"
rc=${PIPESTATUS[0]}
echo "----"
check "a missing file makes the sample fail (exit status $rc, expected 1)" test "$rc" -eq 1
check "JobError reports BG_E_HTTP_ERROR_404 (0x80190194) from the error object" \
    sh -c "grep -q '^JobError: the job failed' '$T/err.log' && grep -q '0x80190194 (BG_E_HTTP_ERROR_404)' '$T/err.log'"
check "the failed job was cancelled and left no file" \
    sh -c "grep -q '^Cancel: 0x00000000' '$T/err.log' && ! test -e '$T/dl/missing.bin'"

# 7. Argument checks happen before the library is used.
sample "$base/payload.bin" "relative/path.bin" >"$T/usage.log" 2>&1
rc=$?
check "a relative LOCAL_PATH is refused (exit status $rc, expected 2)" test "$rc" -eq 2

finish
