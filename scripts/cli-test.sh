#!/usr/bin/env bash
# The command-line tool against nginx on 127.0.0.1: bitsadmin's verbs in Windows and Linux
# spelling, its exit codes, --json, and the progress bar (under a pseudo-terminal, with script(1)).
# Prints "cli-test: N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
B="$ROOT/target/debug/bitsadmin"
[ -x "$B" ] || cargo build -q --bin bitsadmin --bin deliveryoptd
T=$(mktemp -d /tmp/dopt-cli.XXXXXX)
export DELIVERYOPT_RUNTIME_DIR="$T/run" DELIVERYOPT_STATE_DIR="$T/store" DELIVERYOPT_DAEMON="$ROOT/target/debug/deliveryoptd"
unset DELIVERYOPT_ENGINE
pass=0 fail=0
ok() { echo "PASS $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1"; fail=$((fail + 1)); }
check() { local name=$1; shift; if "$@"; then ok "$name"; else bad "$name"; fi; }
cleanup() {
    bash scripts/nginx.sh stop "$T/nginx" >/dev/null 2>&1
    bash scripts/stop-services.sh "$T/run" >/dev/null 2>&1
    rm -rf "$T"
}
trap cleanup EXIT
# A signal (the test run interrupted, its output pipe closed) still runs the cleanup.
trap 'exit 130' INT TERM HUP PIPE

mkdir -p "$T/nginx/www" "$T/out"
head -c 3000000 /dev/urandom >"$T/nginx/www/big.bin"
printf 'small file\n' >"$T/nginx/www/small.txt"
if ! port=$(bash scripts/nginx.sh start "$T/nginx" 2>"$T/nginx.err"); then
    cat "$T/nginx.err"
    echo "cli-test: 0 passed, 1 failed"
    exit 1
fi
U="http://127.0.0.1:$port"

# run NAME EXPECTED-RC CMD...: runs, keeps stdout/stderr in $out/$err, checks the exit status.
run() {
    local name=$1 want=$2
    shift 2
    out=$("$@" 2>"$T/err"); rc=$?
    err=$(cat "$T/err")
    if [ "$rc" -eq "$want" ]; then ok "$name (exit $rc)"; else bad "$name (exit $rc, wanted $want): $out $err"; fi
}
# contains TEXT PATTERN...: every pattern occurs in TEXT.
contains() {
    local text=$1 p
    shift
    for p in "$@"; do grep -qF -- "$p" <<<"$text" || { echo "  missing: $p"; return 1; }; done
}
json() { python3 -c "import json,sys; v=json.loads(sys.argv[1]); print($2)" "$1" 2>/dev/null; }

run "/transfer downloads a file" 0 "$B" /transfer t1 "$U/big.bin" "$T/out/big.bin"
check "  the file has the served bytes" cmp -s "$T/nginx/www/big.bin" "$T/out/big.bin"
check "  and the transfer says so" grep -q "Transfer complete" <<<"$out"
run "/transfer of two files, with /PRIORITY FOREGROUND in any case" 0 "$B" /TRANSFER t2 /PRIORITY foreground \
    "$U/small.txt" "$T/out/a.txt" "$U/big.bin" "$T/out/b.bin"
check "  both files arrived" sh -c "cmp -s '$T/nginx/www/small.txt' '$T/out/a.txt' && cmp -s '$T/nginx/www/big.bin' '$T/out/b.bin'"
run "Linux spelling with --json" 0 "$B" transfer t3 --json "$U/big.bin" "$T/out/c.bin"
check "  JSON: ACKNOWLEDGED with the size" test "$(json "$out" 'v["state"], v["bytes_total"], v["files_total"]')" = "ACKNOWLEDGED 3000000 1"
(cd "$T/out" && run "a relative path is taken from the current directory" 0 "$B" /transfer t4 "$U/small.txt" rel.txt)
check "  it is there" cmp -s "$T/nginx/www/small.txt" "$T/out/rel.txt"
if command -v script >/dev/null 2>&1; then
    script -qec "$B /transfer bar $U/big.bin $T/out/bar.bin" /dev/null >"$T/tty.out" 2>&1
    check "a terminal sees a progress bar with bytes and rate" sh -c "grep -q 'transferred' '$T/tty.out' && grep -q 'MiB' '$T/tty.out' && grep -q '\\[' '$T/tty.out'"
else
    echo "SKIP progress bar: script(1) is not installed"
fi

run "a missing remote file fails with the HTTP status's HRESULT" 1 "$B" /transfer t404 "$U/missing" "$T/out/missing"
check "  the message names it" grep -q "0x80190194" <<<"$err"
check "  and nothing is left behind" sh -c "[ ! -e '$T/out/missing' ] && [ \"\$('$B' --json list | python3 -c 'import json,sys; print(len(json.load(sys.stdin)[\"jobs\"]))')\" = 0 ]"
run "a file in a directory that does not exist is refused at once" 1 "$B" /transfer tdir "$U/small.txt" "$T/nope/x"

run "/create" 0 "$B" /create /download job1
guid=$(grep -o '{[0-9A-F-]*}' <<<"$out")
check "  prints the GUID" test -n "$guid"
run "/addfile by name" 0 "$B" /addfile job1 "$U/big.bin" "$T/out/j1.bin"
printf '%s %s\n# a comment\n%s %s\n' "$U/small.txt" "$T/out/j1a.txt" "$U/small.txt" "$T/out/j1b.txt" >"$T/set.txt"
run "/addfileset" 0 "$B" /addfileset job1 "$T/set.txt"
run "/setpriority by GUID" 0 "$B" /setpriority "$guid" high
run "/setcustomheaders" 0 "$B" /setcustomheaders job1 "X-From: cli-test" "X-Other: 2"
run "/setproxysettings NO_PROXY" 0 "$B" /setproxysettings job1 NO_PROXY
run "/setcredentials" 0 "$B" /setcredentials job1 SERVER BASIC someone secret
run "/setcredentials NTLM is not supported" 1 "$B" /setcredentials job1 SERVER NTLM someone secret
run "/setmaxbytespersecond" 0 "$B" /setmaxbytespersecond job1 100000000
run "/setmaxsegments" 0 "$B" /setmaxsegments job1 4
run "/setmaxsegments over 16 is refused" 1 "$B" /setmaxsegments job1 17
run "/setnotifycmdline" 0 "$B" /setnotifycmdline job1 /bin/true NULL
run "/setnotifycmdline needs an absolute program" 1 "$B" /setnotifycmdline job1 true NULL
run "/getstate" 0 "$B" /getstate job1
check "  SUSPENDED" test "$out" = "SUSPENDED"
run "/info /verbose" 0 "$B" /info job1 /verbose
check "  shows what was set" contains "$out" 'PRIORITY: HIGH' 'FILES: 0 / 3' 'X-From: cli-test' 'PROXY USAGE: NoProxy' "NOTIFY COMMAND LINE: '/bin/true'" 'MAX BYTES PER SECOND: 100000000 MAX CONNECTIONS PER FILE: 4'
check "  never the password" bash -c '[ -n "$1" ] && ! grep -q secret <<<"$1"' _ "$out"
# The GET and SET verbs of Windows' bitsadmin, and /RAWRETURN.
run "/setdescription" 0 "$B" /setdescription job1 "cli test job"
run "/getdescription" 0 "$B" /getdescription job1
check "  as set" test "$out" = "cli test job"
run "/setminretry" 0 "$B" /setminretry job1 30
run "/getminretry /rawreturn" 0 "$B" /rawreturn /getminretry job1
check "  the bare value" test "$out" = "30"
run "/setminretry below the floor" 0 "$B" /setminretry job1 1
check "  says the 5 s it took" grep -q "set to 5 seconds" <<<"$out"
run "/setminretry" 0 "$B" /setminretry job1 30
run "/setnoprogresstimeout" 0 "$B" /setnoprogresstimeout job1 600
run "/setmaxdownloadtime" 0 "$B" /setmaxdownloadtime job1 3600
run "/setnotifyflags" 0 "$B" /setnotifyflags job1 3
run "/setnotifyflags with an unknown flag is refused" 1 "$B" /setnotifyflags job1 64
run "/setsecurityflags in hexadecimal" 0 "$B" /setsecurityflags job1 0x0901
run "/nowrap /getsecurityflags /rawreturn" 0 "$B" /nowrap /rawreturn /getsecurityflags job1
check "  as set (CRL check, report redirects, https to http)" test "$out" = "0x0901"
run "/setsecurityflags in decimal" 0 "$B" /wrap /setsecurityflags job1 512
run "/getsecurityflags" 0 "$B" /getsecurityflags job1
check "  0x0200" test "$out" = "0x0200"
run "/setsecurityflags with an undefined redirect policy is refused" 1 "$B" /setsecurityflags job1 0x0300
check "  E_INVALIDARG" grep -q "0x80070057" <<<"$err"
run "/setsecurityflags with an undefined bit is refused" 1 "$B" /setsecurityflags job1 0x20
run "  and it kept the flags" 0 "$B" /rawreturn /getsecurityflags job1
check "  0x0200 still" test "$out" = "0x0200"
run "/setsecurityflags with no number is bad usage" 2 "$B" /setsecurityflags job1 lots
run "/setsecurityflags" 0 "$B" /setsecurityflags job1 0
got=""
for v in gettype getpriority getfilestotal getbytestotal getnoprogresstimeout getmaxdownloadtime getnotifyflags getnotifyinterface getproxyusage getcompletiontime geterrorcount; do
    got="$got $v=$("$B" /rawreturn "/$v" job1)"
done
check "  every GET verb answers" test "$got" = " gettype=DOWNLOAD getpriority=HIGH getfilestotal=3 getbytestotal=UNKNOWN getnoprogresstimeout=600 getmaxdownloadtime=3600 getnotifyflags=3 getnotifyinterface=UNREGISTERED getproxyusage=NO_PROXY getcompletiontime=NONE geterrorcount=0"
if command -v script >/dev/null 2>&1; then
    # /nowrap on a 40-column terminal: every line cut at the edge (the job line is longer);
    # without it, or with the output in a pipe, lines are whole.
    longest() { tr -d '\r' <"$1" | awk '{ if (length($0) > m) m = length($0) } END { print m + 0 }'; }
    script -qec "stty cols 40; $B /nowrap /list" /dev/null >"$T/nowrap.out" 2>&1
    script -qec "stty cols 40; $B /list" /dev/null >"$T/wrap.out" 2>&1
    check "/nowrap on a terminal cuts lines at the window's edge (40 columns)" \
        sh -c "grep -q 'Listed' '$T/nowrap.out' && [ $(longest "$T/nowrap.out") -le 40 ] && [ $(longest "$T/wrap.out") -gt 40 ]"
    run "/nowrap into a pipe writes lines whole" 0 "$B" /nowrap /list
    check "  (the job line is longer than 40)" sh -c "echo \"\$1\" | awk '{ if (length(\$0) > 40) f = 1 } END { exit !f }'" _ "$out"
else
    echo "SKIP /nowrap: script(1) is not installed"
fi
run "/getcreationtime" 0 "$B" /getcreationtime job1
check "  a UTC time" grep -Eq '^20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$' <<<"$out"
run "/getnotifycmdline" 0 "$B" /getnotifycmdline job1
check "  the program" grep -qF "'/bin/true'" <<<"$out"
run "/geterror of a job without one" 1 "$B" /geterror job1
check "  BG_E_ERROR_INFORMATION_UNAVAILABLE" grep -q "0x8020000f" <<<"$err"
run "/getreplydata of a download job" 1 "$B" /getreplydata job1
run "/replaceremoteprefix" 0 "$B" /replaceremoteprefix job1 "$U/nothing/" "$U/other/"
check "  changes nothing that does not match" grep -q "^0 file(s) changed" <<<"$out"
run "/setdisplayname" 0 "$B" /setdisplayname job1 job1renamed
run "/getdisplayname" 0 "$B" /getdisplayname job1renamed
check "  the new name" test "$out" = "'job1renamed'"
run "/setdisplayname back" 0 "$B" /setdisplayname job1renamed job1
run "/getfilestransferred --json" 0 "$B" --json getfilestransferred job1
check "  JSON: 0 of them so far" test "$(json "$out" 'v["files_transferred"]')" = "0"
run "/resume" 0 "$B" /resume job1
for _ in $(seq 100); do [ "$("$B" /getstate job1)" = TRANSFERRED ] && break; sleep 0.1; done
run "/getstate after the transfer" 0 "$B" /getstate job1
check "  TRANSFERRED" test "$out" = "TRANSFERRED"
run "/getbytestransferred" 0 "$B" /getbytestransferred job1
check "  every byte" test "$out" = "$((3000000 + 11 + 11))"
run "--json info" 0 "$B" --json info job1
check "  JSON: three files transferred" test "$(json "$out" 'v["files_transferred"]')" = "3"
run "/complete" 0 "$B" /complete job1
check "  the files are there" sh -c "cmp -s '$T/nginx/www/big.bin' '$T/out/j1.bin' && cmp -s '$T/nginx/www/small.txt' '$T/out/j1b.txt'"
run "a completed job is gone" 1 "$B" /getstate "$guid"
check "  BG_E_NOT_FOUND" grep -q "0x80200001" <<<"$err"

run "/create for suspend and cancel" 0 "$B" create job2
run "/suspend" 0 "$B" /suspend job2
run "/cancel" 0 "$B" /cancel job2
"$B" /create r1 >/dev/null; "$B" /create r2 >/dev/null
run "/monitor once" 0 "$B" /monitor /refresh 1 /count 1
check "  lists the jobs" contains "$out" MONITORING "'r1'" "'r2'"
run "/reset cancels every job" 0 "$B" /reset
check "  2 of them" grep -q "2 out of 2 jobs canceled" <<<"$out"
run "/list after /reset" 0 "$B" /list
check "  empty" grep -q "Listed 0 job(s)" <<<"$out"
run "--json errors are JSON too" 1 "$B" --json getstate nosuchjob
check "  with the HRESULT" test "$(json "$out" 'v["error"]["hr"]')" = "0x80200001"

run "an unknown verb is a usage error" 2 "$B" /bogus
run "a bad priority is a usage error" 2 "$B" /setpriority job1 urgent
run "/create /upload" 0 "$B" /create /upload up1
run "  and it is an upload job" 0 "$B" --json info up1
check "  UPLOAD" test "$(json "$out" 'v["type"]')" = "UPLOAD"
run "/gethttpmethod of an upload job" 0 "$B" /gethttpmethod up1
check "  BITS_POST" test "$out" = "BITS_POST"
run "/addfilewithranges to an upload job is refused" 1 "$B" /addfilewithranges up1 "$U/up.bin" "$T/nginx/www/big.bin" 0:10
check "  E_NOTIMPL" grep -q "0x80004001" <<<"$err"
run "  and it has no file" 0 "$B" /getfilestotal up1
check "  0" test "$out" = "0"
run "/getreplyprogress of an upload job is refused" 1 "$B" /getreplyprogress up1
check "  E_NOTIMPL" grep -q "0x80004001" <<<"$err"
run "/cancel it" 0 "$B" /cancel up1
run "/download and /upload together are refused" 1 "$B" /create /download /upload both

# Windows' verbs on a job's files and settings. Each refusal is followed by a check that it
# changed nothing.
# eventually CMD...: until CMD succeeds (10 s at most); wait_state JOB STATE: until JOB is in STATE.
eventually() { for _ in $(seq 100); do "$@" && return 0; sleep 0.1; done; return 1; }
is_state() { [ "$("$B" /getstate "$1")" = "$2" ]; }
wait_state() { eventually is_state "$@"; }
"$B" /create ranged >/dev/null
run "/addfilewithranges" 0 "$B" /addfilewithranges ranged "$U/big.bin" "$T/out/ranged.bin" 0:100,2000:100,2999000:EOF
run "/addfilewithranges with overlapping ranges is refused" 1 "$B" /addfilewithranges ranged "$U/big.bin" "$T/out/x.bin" 0:100,50:eof
check "  BG_E_OVERLAPPING_RANGES" grep -q "0x8020002c" <<<"$err"
run "/addfilewithranges with an empty range is refused" 1 "$B" /addfilewithranges ranged "$U/big.bin" "$T/out/x.bin" 100:0
check "  BG_E_INVALID_RANGE" grep -q "0x8020002b" <<<"$err"
run "/addfilewithranges with ranges that are not OFFSET:LENGTH is refused" 1 "$B" /addfilewithranges ranged "$U/big.bin" "$T/out/x.bin" 0-100
check "  E_INVALIDARG" grep -q "0x80070057" <<<"$err"
run "/addfilewithranges of a local source is refused" 1 "$B" /addfilewithranges ranged "$T/nginx/www/big.bin" "$T/out/x.bin" 0:10
check "  E_INVALIDARG" grep -q "0x80070057" <<<"$err"
run "/listfiles" 0 "$B" /listfiles ranged
check "  the one file, its size unknown yet (the refusals added none)" test "$out" = "0 / UNKNOWN WORKING $U/big.bin -> $T/out/ranged.bin
Listed 1 file(s)."
run "/listfiles of a job that does not exist" 1 "$B" /listfiles nosuchjob
check "  BG_E_NOT_FOUND" grep -q "0x80200001" <<<"$err"
run "/gettemporaryname" 0 "$B" /gettemporaryname ranged 0
check "  a hidden name beside the file" bash -c '[[ "$1" == "$2"/.BIT*.tmp ]]' _ "$out" "$T/out"
temp=$out
run "/gettemporaryname of a file the job does not have is refused" 1 "$B" /gettemporaryname ranged 1
check "  E_INVALIDARG" grep -q "0x80070057" <<<"$err"
run "/getvalidationstate before any" 0 "$B" /getvalidationstate ranged 0
check "  FALSE" test "$out" = "FALSE"
run "/setvalidationstate before the file is transferred is refused" 1 "$B" /setvalidationstate ranged 0 TRUE
check "  E_PENDING" grep -q "0x8000000a" <<<"$err"
run "  and it is still FALSE" 0 "$B" /rawreturn /getvalidationstate ranged 0
check "  FALSE" test "$out" = "FALSE"
run "/getvalidationstate of a file the job does not have is refused" 1 "$B" /getvalidationstate ranged 3
run "/setvalidationstate takes TRUE or FALSE only" 2 "$B" /setvalidationstate ranged 0 maybe
"$B" /resume ranged >/dev/null
check "the ranged job is transferred" wait_state ranged TRANSFERRED
run "/listfiles --json" 0 "$B" --json listfiles ranged
check "  JSON: the size is the sum of the ranges, all of it there" test "$(json "$out" 'len(v["files"]), v["files"][0]["bytes_transferred"], v["files"][0]["bytes_total"]')" = "1 1200 1200"
run "/setvalidationstate TRUE" 0 "$B" /setvalidationstate ranged 0 true
run "/getvalidationstate" 0 "$B" /getvalidationstate ranged 0
check "  TRUE" test "$out" = "TRUE"
run "/complete the ranged job" 0 "$B" /complete ranged
check "  the file holds exactly the ranges, back to back" python3 -c '
import sys
d = open(sys.argv[1], "rb").read()
sys.exit(open(sys.argv[2], "rb").read() != d[0:100] + d[2000:2100] + d[2999000:])' "$T/nginx/www/big.bin" "$T/out/ranged.bin"
check "  and the temporary name is gone" test ! -e "$temp"
"$B" /create rejected >/dev/null
"$B" /addfile rejected "$U/small.txt" "$T/out/rejected.txt" >/dev/null
"$B" /resume rejected >/dev/null
check "a job to reject is transferred" wait_state rejected TRANSFERRED
run "/setvalidationstate FALSE" 0 "$B" /setvalidationstate rejected 0 FALSE
run "  the job is in ERROR" 0 "$B" /geterror rejected
check "  BG_E_VALIDATION_FAILED" grep -q "0x80200053" <<<"$out"
"$B" /resume rejected >/dev/null
check "  /resume fetches the file again" wait_state rejected TRANSFERRED
run "  and /complete puts it in place" 0 "$B" /complete rejected
check "  with the served bytes" cmp -s "$T/nginx/www/small.txt" "$T/out/rejected.txt"

"$B" /create meth >/dev/null
"$B" /addfile meth "$U/small.txt" "$T/out/meth.txt" >/dev/null
run "/gethttpmethod" 0 "$B" /gethttpmethod meth
check "  GET by default" test "$out" = "GET"
run "/sethttpmethod that is not a token is refused" 1 "$B" /sethttpmethod meth "GET /x"
check "  E_INVALIDARG" grep -q "0x80070057" <<<"$err"
run "  and it is still GET" 0 "$B" /gethttpmethod meth
check "  GET" test "$out" = "GET"
run "/sethttpmethod" 0 "$B" /sethttpmethod meth POST
run "/gethttpmethod" 0 "$B" /gethttpmethod meth
check "  POST" test "$out" = "POST"
run "  and the job is FOREGROUND for good" 0 "$B" /getpriority meth
check "  FOREGROUND" test "$out" = "FOREGROUND"
"$B" /resume meth >/dev/null
check "the job sent POST and failed with the answer (405)" eventually sh -c "grep -q '\"POST /small.txt' '$T/nginx/logs/access.log' && '$B' /geterror meth 2>/dev/null | grep -q 0x80190195"
run "/sethttpmethod after /resume is refused" 1 "$B" /sethttpmethod meth GET
check "  BG_E_READ_ONLY_PROPERTY_AFTER_RESUME" grep -q "0x80200062" <<<"$err"
run "  and it is still POST" 0 "$B" /gethttpmethod meth
check "  POST" test "$out" = "POST"
"$B" /cancel meth >/dev/null

mkdir -p "$T/nginx/www/tenant"
printf 'for contoso\n' >"$T/nginx/www/tenant/t.txt"
"$B" /create hdr >/dev/null
"$B" /addfile hdr "$U/tenant/t.txt" "$T/out/tenant.txt" >/dev/null
run "/getcustomheaders of a job without any" 0 "$B" /getcustomheaders hdr
check "  (null)" test "$out" = "(null)"
"$B" /setcustomheaders hdr "X-Tenant: contoso" "X-Other: 2" >/dev/null
run "/getcustomheaders" 0 "$B" /getcustomheaders hdr
check "  one a line" test "$out" = "X-Tenant: contoso
X-Other: 2"
run "/makecustomheaderswriteonly" 0 "$B" /makecustomheaderswriteonly hdr
run "/getcustomheaders once they are write-only is refused" 1 "$B" /getcustomheaders hdr
check "  E_ACCESSDENIED" grep -q "0x80070005" <<<"$err"
run "/info /verbose" 0 "$B" /info hdr /verbose
check "  does not show them either" bash -c 'grep -q "CUSTOM HEADERS: (write-only)" <<<"$1" && ! grep -q contoso <<<"$1"' _ "$out"
run "/makecustomheaderswriteonly of a job that does not exist is refused" 1 "$B" /makecustomheaderswriteonly nosuchjob
"$B" /resume hdr >/dev/null
check "they are still sent: the server that wants them serves the file" wait_state hdr TRANSFERRED
"$B" /complete hdr >/dev/null
check "  which arrived" cmp -s "$T/nginx/www/tenant/t.txt" "$T/out/tenant.txt"

mkdir -p "$T/nginx/www/private"
printf 'for alice\n' >"$T/nginx/www/private/p.txt"
"$B" /create cred >/dev/null
"$B" /addfile cred "$U/private/p.txt" "$T/out/private.txt" >/dev/null
run "/removecredentials when none are set" 0 "$B" /removecredentials cred SERVER BASIC
check "  says so" grep -q "No credentials were set for SERVER BASIC" <<<"$out"
"$B" /setcredentials cred SERVER BASIC alice "open sesame" >/dev/null
run "/removecredentials NTLM is not supported" 1 "$B" /removecredentials cred SERVER NTLM
check "  E_NOTIMPL" grep -q "0x80004001" <<<"$err"
run "/removecredentials of an unknown target is refused" 1 "$B" /removecredentials cred CLIENT BASIC
check "  BG_E_INVALID_AUTH_TARGET" grep -q "0x80200027" <<<"$err"
run "/removecredentials" 0 "$B" /removecredentials cred server basic
check "  the BASIC ones were still there" grep -q "Credentials removed" <<<"$out"
"$B" /resume cred >/dev/null
check "without them the server refuses the file (401)" eventually sh -c "'$B' /geterror cred 2>/dev/null | grep -q 0x80190191"
"$B" /setcredentials cred SERVER BASIC alice "open sesame" >/dev/null
run "/setcredentials of a Basic user name with a colon is refused (RFC 7617)" 1 "$B" /setcredentials cred SERVER BASIC "al:ice" x
check "  E_INVALIDARG" grep -q "0x80070057" <<<"$err"
"$B" /resume cred >/dev/null
check "  with them again (alice's, kept) it is served" wait_state cred TRANSFERRED
"$B" /complete cred >/dev/null
check "  and arrives" cmp -s "$T/nginx/www/private/p.txt" "$T/out/private.txt"

printf 'mode 604\n' >"$T/acl-src.txt"
chmod 604 "$T/acl-src.txt"
"$B" /create acl >/dev/null
"$B" /addfile acl "$T/acl-src.txt" "$T/out/acl.txt" >/dev/null
run "/getaclflags of a job without any" 0 "$B" /rawreturn /getaclflags acl
check "  none" test -z "$out"
run "/setaclflag" 0 "$B" /setaclflag acl D
run "/getaclflags" 0 "$B" /getaclflags acl
check "  d" test "$out" = "d"
run "/SETACLFLAGS (the other spelling) with an unknown letter is refused" 1 "$B" /SETACLFLAGS acl dx
check "  E_INVALIDARG" grep -q "0x80070057" <<<"$err"
run "  and the flags are still d" 0 "$B" /getaclflags acl
check "  d" test "$out" = "d"
"$B" /resume acl >/dev/null
check "the ACL job is transferred" wait_state acl TRANSFERRED
"$B" /complete acl >/dev/null
check "  the copy has the source's permission bits (d)" test "$(stat -c %a "$T/out/acl.txt")" = "604"
"$B" /create peer >/dev/null
run "/getpeercachingflags" 0 "$B" /getpeercachingflags peer
check "  0" test "$out" = "0"
run "/setpeercachingflags in hexadecimal" 0 "$B" /setpeercachingflags peer 0x3
run "/getpeercachingflags" 0 "$B" /getpeercachingflags peer
check "  3" test "$out" = "3"
run "/setpeercachingflags with an undefined flag is refused" 1 "$B" /setpeercachingflags peer 8
check "  E_INVALIDARG" grep -q "0x80070057" <<<"$err"
run "  and the flags are still 3" 0 "$B" --json getpeercachingflags peer
check "  JSON: 3" test "$(json "$out" 'v["peer_caching_flags"]')" = "3"
run "/setpeercachingflags with no number is bad usage" 2 "$B" /setpeercachingflags peer lots
"$B" /cancel peer >/dev/null
got=""
for v in listfiles gethttpmethod getcustomheaders getaclflags getpeercachingflags getreplyprogress; do
    "$B" "/$v" nosuchjob >/dev/null 2>"$T/err"
    got="$got $v=$?$(grep -o 0x80200001 "$T/err")"
done
check "every new GET verb refuses a job that does not exist (BG_E_NOT_FOUND)" test "$got" = " listfiles=10x80200001 gethttpmethod=10x80200001 getcustomheaders=10x80200001 getaclflags=10x80200001 getpeercachingflags=10x80200001 getreplyprogress=10x80200001"

# Uploads, to the shipped BITS upload server.
"$ROOT/target/debug/deliveryopt-upload-server" --root "$T/up" --listen 127.0.0.1:0 --port-file "$T/up.port" \
    --reply-command 'wc -c' 2>"$T/up.log" &
UP_PID=$!
for _ in $(seq 100); do [ -s "$T/up.port" ] && break; sleep 0.05; done
UP="http://127.0.0.1:$(cat "$T/up.port" 2>/dev/null)"
run "/transfer /upload sends a file" 0 "$B" /transfer sent /upload "$UP/in/big.bin" "$T/nginx/www/big.bin"
check "  the server has it" cmp -s "$T/nginx/www/big.bin" "$T/up/in/big.bin"
run "/transfer /upload-reply prints the reply" 0 "$B" /transfer replied /upload-reply "$UP/in/r.bin" "$T/nginx/www/big.bin"
check "  the reply is the server's answer" contains "$out" "3000000"
"$B" /create /upload-reply rd >/dev/null
"$B" /addfile rd "$UP/in/rd.bin" "$T/nginx/www/small.txt" >/dev/null
run "/setreplyfilename" 0 "$B" /setreplyfilename rd "$T/out/rd.reply"
run "/getreplyfilename" 0 "$B" /getreplyfilename rd
check "  as set" test "$out" = "$T/out/rd.reply"
run "/getreplyprogress before the reply" 0 "$B" /getreplyprogress rd
check "  0 / UNKNOWN" test "$out" = "0 / UNKNOWN"
"$B" /resume rd >/dev/null
for _ in $(seq 100); do [ "$("$B" /getstate rd)" = TRANSFERRED ] && break; sleep 0.1; done
run "/getreplydata" 0 "$B" /rawreturn /getreplydata rd
check "  the reply in hexadecimal (wc -c of 11 bytes)" test "$out" = "$(printf '11\n' | od -An -tx1 | tr -d ' \n')"
run "/getreplyprogress after it" 0 "$B" /getreplyprogress rd
check "  the whole reply (3 bytes)" test "$out" = "3 / 3"
run "/complete it" 0 "$B" /complete rd
run "--json upload-reply gives the reply" 0 "$B" --json transfer rj --upload-reply "$UP/in/r2.bin" "$T/nginx/www/small.txt"
check "  JSON: the reply" test "$(json "$out" 'v["reply"].strip()')" = "11"
kill "$UP_PID"; wait "$UP_PID" 2>/dev/null
run "help for a verb (/transfer /?)" 0 "$B" /transfer /?
check "  explains its switches" grep -q -- "--priority" <<<"$out"
run "help VERB" 0 "$B" help setproxysettings
run "--version" 0 "$B" --version

echo "cli-test: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
