#!/usr/bin/env bash
# The whole test suite, as README's test command (`make test`) and .ci/run run it:
#   formatting and lints, header drift, Rust tests, C/C++ tests under ASan+UBSan+LSan, header
#   compile tests in every language mode, the exported-symbol allow-list, and the Python tests.
# Ends with one line "tests: N passed, M failed" summing every suite's own counts.
set -uo pipefail
cd "$(dirname "$0")/.."
# The tests talk to 127.0.0.1 only; a proxy from the environment (which jobs use by default, and
# apt may need) must not carry that traffic.
export no_proxy="127.0.0.1,localhost${no_proxy:+,$no_proxy}" NO_PROXY="127.0.0.1,localhost${NO_PROXY:+,$NO_PROXY}"
LOG=$(mktemp -d)
# Every temporary file of the tests (Rust's temp_dir(), mktemp, the C tests' scratch directories)
# goes into a directory of this run, removed at the end: a run leaves nothing in /tmp. It is
# world-writable and sticky like /tmp, as tests that act as another user (nobody) write there too.
TMPDIR=$(mktemp -d)
chmod 1777 "$TMPDIR"
export TMPDIR
# The library runs its engine in the deliveryoptd service by default, started on demand (one per
# job store; every test program has a store of its own). The services live in this directory and
# exit when idle; any still running at the end are stopped by pid.
export DELIVERYOPT_RUNTIME_DIR="$LOG/run"
export DELIVERYOPT_IDLE_EXIT_SECONDS=${DELIVERYOPT_IDLE_EXIT_SECONDS:-5}
trap 'bash scripts/stop-services.sh "$DELIVERYOPT_RUNTIME_DIR"; rm -rf "$DELIVERYOPT_RUNTIME_DIR" "$LOG" "$TMPDIR"' EXIT
total_pass=0
total_fail=0
broken=()

step() { echo; echo "==== $1"; }

# counted PREFIX LABEL COMMAND...: runs a script that ends with "PREFIX: N passed, M failed" and
# adds its counts (a script that never prints the line counts as one failure).
counted() {
    local prefix=$1 label=$2 out="$LOG/$1.txt" line p f
    shift 2
    "$@" 2>&1 | tee "$out"
    line=$(grep -E "^$prefix: [0-9]+ passed, [0-9]+ failed" "$out" | tail -n 1)
    p=$(echo "$line" | awk '{print $2}'); f=$(echo "$line" | awk '{print $4}')
    add "${p:-0}" "${f:-1}"
    [ "${f:-1}" -eq 0 ] || broken+=("$label")
}
add() { total_pass=$((total_pass + $1)); total_fail=$((total_fail + $2)); }

step "cargo fmt --check"
if cargo fmt --all -- --check; then add 1 0; else add 0 1; broken+=("fmt"); fi

step "cargo clippy -D warnings"
if cargo clippy --workspace --all-targets -q -- -D warnings; then add 1 0; else add 0 1; broken+=("clippy"); fi

step "cargo build"
if ! cargo build -q; then echo "build failed"; exit 1; fi

step "generated headers are up to date"
if cargo run -q -p xtask -- headers --check; then add 1 0; else add 0 1; broken+=("stale headers: run cargo run -p xtask -- headers"); fi

step "README method table is up to date"
if cargo run -q -p xtask -- method-table --check; then add 1 0; else add 0 1; broken+=("stale method table: run cargo run -p xtask -- method-table"); fi

step "programs the tests start (tinyproxy)"
if bash scripts/ensure-packages.sh tinyproxy; then add 1 0; else add 0 1; broken+=("tinyproxy missing"); fi

# rust_tests LABEL [cargo test arguments...]
rust_tests() {
    local label=$1 log="$LOG/cargo-$1.txt"
    shift
    cargo test -q --no-fail-fast "$@" 2>&1 | tee "$log"
    local rc=${PIPESTATUS[0]}
    local p f
    p=$(grep -Eo '[0-9]+ passed' "$log" | awk '{s+=$1} END {print s+0}')
    f=$(grep -Eo '[0-9]+ failed' "$log" | awk '{s+=$1} END {print s+0}')
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
    add "$p" "$f"
    [ "$f" -eq 0 ] || broken+=("rust tests ($label)")
}

step "Rust tests (the default: the engine in the deliveryoptd service)"
rust_tests service --workspace

step "Rust integration tests again with the engine in process (DELIVERYOPT_ENGINE=in-process)"
# The same selection as above (--workspace), so the test binaries built there are reused, not
# rebuilt: a different package selection can unify dependency features differently.
DELIVERYOPT_ENGINE=in-process rust_tests in-process --workspace --tests

# c_tests LABEL: c-tests/run.sh in the current environment.
c_tests() {
    local label=$1 log="$LOG/c-$1.txt"
    bash c-tests/run.sh 2>&1 | tee "$log"
    local line p f
    line=$(grep -E '^c-tests: [0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
    p=$(echo "$line" | awk '{print $2}'); f=$(echo "$line" | awk '{print $4}')
    add "${p:-0}" "${f:-1}"
    [ "${f:-1}" -eq 0 ] || broken+=("c-tests ($label)")
}

step "C and C++ tests (ASan, UBSan, LSan), through the service"
c_tests service

step "C and C++ tests (ASan, UBSan, LSan), engine in process"
DELIVERYOPT_ENGINE=in-process c_tests in-process

step "header compile tests (C99, C11, C++11, C++17, -fshort-wchar, drop-in headers)"
bash c-tests/headers/run.sh 2>&1 | tee "$LOG/h.txt"
line=$(grep -E '[0-9]+ passed, [0-9]+ failed' "$LOG/h.txt" | tail -n 1)
p=$(echo "$line" | grep -Eo '[0-9]+ passed' | awk '{print $1}'); f=$(echo "$line" | grep -Eo '[0-9]+ failed' | awk '{print $1}')
add "${p:-0}" "${f:-1}"
[ "${f:-1}" -eq 0 ] || broken+=("header tests")

step "the command-line tool (bitsadmin) against nginx and the upload server"
counted cli-test "cli test" bash scripts/cli-test.sh

step "packaging: make install into a temporary prefix, the demo built with pkg-config"
counted install-test "install test" bash scripts/install-test.sh

step "C# sample (mono, P/Invoke through the vtables)"
counted cs-sample "C# sample" bash examples-cs/run.sh

step "Python tests (pip install ./python into a fresh venv; pytest with it; a three-line download)"
# The package as a user gets it: `pip install ./python` into a new virtualenv (which also sees
# the system's site-packages, for pytest), then the suite with that interpreter against this
# build (DELIVERYOPT_PYTEST_INSTALLED makes conftest.py refuse the checkout's copy), then the
# three-line download of docs/python.md from a loopback test server.
# The servers the Python tests start (test server, upload server) are built first.
cargo build -q -p testserver --bin deliveryopt-testserver && cargo build -q --bin deliveryopt-upload-server
venv="$LOG/venv"
make_venv() { rm -rf "$venv"; python3 -m venv --system-site-packages "$venv" >>"$LOG/py-setup.txt" 2>&1; }
if ! make_venv; then
    # Debian's python3 makes virtualenvs only with python3-venv (ensurepip). There is no program
    # to look for, so ensure-packages.sh gets a name that is never on PATH: it installs the package.
    bash scripts/ensure-packages.sh "python3-venv-ensurepip=python3-venv" && make_venv
fi
py_lib="$PWD/target/debug/libdeliveryopt.so"
py=""
rm -rf python/build  # setuptools' scratch copy: a stale one would put deleted modules in the wheel
if [ -x "$venv/bin/python" ] && "$venv/bin/python" -m pip install --quiet ./python >>"$LOG/py-setup.txt" 2>&1; then
    py="$venv/bin/python"
    add 1 0
else
    cat "$LOG/py-setup.txt"
    echo "pip install ./python into a virtualenv failed; the suite runs from the checkout instead"
    add 0 1
    broken+=("python: pip install ./python")
fi
if [ -n "$py" ]; then
    "$py" -m pytest --version >/dev/null 2>&1 || "$py" -m pip install --quiet pytest || echo "could not install pytest"
    DELIVERYOPT_PYTEST_INSTALLED=1 DELIVERYOPT_LIBRARY="$py_lib" "$py" -m pytest python/tests -q 2>&1 | tee "$LOG/py.txt"
    py_rc=${PIPESTATUS[0]}
else
    python3 -m pytest --version >/dev/null 2>&1 || python3 -m pip install --quiet pytest || echo "could not install pytest"
    python3 -m pytest python/tests -q 2>&1 | tee "$LOG/py.txt"
    py_rc=${PIPESTATUS[0]}
fi
p=$(grep -Eo '[0-9]+ passed' "$LOG/py.txt" | tail -n 1 | awk '{print $1}')
f=$(grep -Eo '[0-9]+ (failed|error)' "$LOG/py.txt" | awk '{s+=$1} END {print s+0}')
if [ "$py_rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
add "${p:-0}" "$f"
[ "$f" -eq 0 ] || broken+=("python tests")
if [ -n "$py" ]; then
    demo="$LOG/py-demo"
    mkdir -p "$demo"
    demo_ok=0
    if cargo build -q -p testserver --bin deliveryopt-testserver; then
        target/debug/deliveryopt-testserver --pid-file "$demo/server.pid" --port-file "$demo/port" >"$demo/server.log" 2>&1 &
        server_pid=$!
        for _ in $(seq 100); do [ -s "$demo/port" ] && break; sleep 0.1; done
        port=$(head -n 1 "$demo/port" 2>/dev/null)
        cat >"$demo/download.py" <<PY
import deliveryopt
with deliveryopt.Manager() as m:
    m.download("http://127.0.0.1:$port/gen/2000000/7?trickle_bps=4000000", "out.bin", progress=lambda done, total: print(f"{done}/{total} bytes"))
PY
        echo "--- $demo/download.py:"
        cat "$demo/download.py"
        echo "---"
        if [ -n "$port" ] && (cd "$demo" && DELIVERYOPT_LIBRARY="$py_lib" timeout 120 "$py" download.py) | tee "$demo/out.txt" \
            && [ "$(stat -c %s "$demo/out.bin" 2>/dev/null)" = 2000000 ] \
            && [ "$(tail -n 1 "$demo/out.txt")" = "2000000/2000000 bytes" ]; then
            demo_ok=1
        fi
        kill "$server_pid" 2>/dev/null
        wait "$server_pid" 2>/dev/null
    fi
    if [ "$demo_ok" -eq 1 ]; then echo "three-line download: ok"; add 1 0; else echo "three-line download: FAILED"; add 0 1; broken+=("python three-line download"); fi
fi

echo
if [ ${#broken[@]} -gt 0 ]; then echo "failing: ${broken[*]}"; fi
echo "tests: $total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
