//! Jobs outlive the process that made them. The test binary runs itself again as child processes
//! (`child_entry`, selected by DELIVERYOPT_CHILD) that share one store directory; the parent owns the
//! test server, so its request log shows exactly what every restart fetched again.
//!
//! The kill test SIGKILLs a downloading child at random moments (at least 50 times, seed printed)
//! until every job is done, and checks that each file ends with the right bytes, that no partial
//! file ever appears under a final name, and how many bytes each restart fetched again.

mod common;

use common::*;
use core::ptr::null_mut;
use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::Child;
use std::time::{Duration, Instant};

use testserver::{content, Options, Server};

const CHECKPOINT_BYTES: u64 = CHILD_CHECKPOINT_BYTES;
const CHECKPOINT_MS: u64 = CHILD_CHECKPOINT_MS;
/// Each connection of the kill test is trickled to this rate so transfers last long enough.
const RATE: u64 = 1_000_000;
/// Files of one job fetched at once in the kill test (the parallel path, kept small so the test
/// lasts long enough for 50 kills).
const KILL_CONNECTIONS: usize = 2;

fn state_dir(tag: &str) -> PathBuf {
    let d = common::scratch_root().join(format!("deliveryopt-persist-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Starts this test binary as a child in `mode`, running the engine in process: these tests are
/// about the in-process engine's store (one process at a time; a SIGKILL of the process that runs
/// the engine). `tests/service.rs` has the service's counterparts.
fn spawn_child(mode: &str, dir: &Path, extra: &[(&str, String)]) -> Child {
    in_process_child(mode, dir, extra)
}

/// Reads the child's stdout until a line starting with `prefix`; returns the rest of that line.
fn read_until(child: &mut Child, prefix: &str, timeout: Duration) -> Option<String> {
    let out = child.stdout.take()?;
    let (tx, rx) = std::sync::mpsc::channel();
    let prefix = prefix.to_string();
    std::thread::spawn(move || {
        // The test harness may print `test child_entry ... ` in front of the child's first line.
        // Keep reading to the end: a closed pipe would make the child's later output fail.
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            if let Some(at) = line.find(&prefix) {
                let _ = tx.send(line[at + prefix.len()..].trim().to_string());
            }
        }
    });
    rx.recv_timeout(timeout).ok()
}

fn state(job: *mut IBackgroundCopyJob) -> BG_JOB_STATE {
    let mut st = -1;
    call!(job, GetState, &mut st);
    st
}

/// The child side. Does nothing in a normal test run.
#[test]
fn child_entry() {
    let Ok(mode) = std::env::var("DELIVERYOPT_CHILD") else { return };
    let dir = PathBuf::from(std::env::var("CHILD_DIR").unwrap());
    match mode.as_str() {
        "create" => child_create(&dir),
        "finish" => child_finish(&dir),
        "hold" => child_hold(),
        "probe" => probe(),
        "kill-worker" => child_kill_worker(&dir),
        "two-files" => child_two_files(&dir),
        "cmdline-set" => child_cmdline_set(&dir),
        "resume-all" => child_resume_all(),
        other => panic!("unknown child mode {other}"),
    }
}

fn child_create(dir: &Path) {
    let m = manager();
    let (id, job) = create_job(m, "outlives its process");
    let url = wide(&std::env::var("URL").unwrap());
    let local = wide(dir.join("out").to_str().unwrap());
    assert_eq!(call!(job, AddFile, url.as_ptr(), local.as_ptr()), S_OK);
    assert_eq!(call!(job, SetPriority, BG_JOB_PRIORITY_HIGH), S_OK);
    // Settings of the later interfaces are stored with the job too.
    let http = qi(job, &IID_IBackgroundCopyJobHttpOptions3).unwrap() as *mut IBackgroundCopyJobHttpOptions3;
    let headers = wide("X-Persisted: yes");
    assert_eq!(call!(http, SetCustomHeaders, headers.as_ptr()), S_OK);
    assert_eq!(call!(http, SetSecurityFlags, BG_HTTP_REDIRECT_POLICY_ALLOW_REPORT), S_OK);
    let j5 = qi(job, &IID_IBackgroundCopyJob5).unwrap() as *mut IBackgroundCopyJob5;
    assert_eq!(call!(j5, SetMaximumDownloadTime, 3600), S_OK);
    let cost = BITS_JOB_PROPERTY_VALUE { Dword: BITS_COST_STATE_TRANSFER_UNRESTRICTED };
    assert_eq!(call!(j5, SetProperty, BITS_JOB_PROPERTY_ID_COST_FLAGS, cost), S_OK);
    println!("GUID {}", guid_str(&id));
    // Exit with the job still SUSPENDED and without releasing anything: the process just ends.
    std::process::exit(0);
}

fn child_finish(dir: &Path) {
    let m = manager();
    let id = parse_guid(&std::env::var("GUID").unwrap());
    let mut job: *mut IBackgroundCopyJob = null_mut();
    assert_eq!(call!(m, GetJob, &id, &mut job), S_OK, "the job is found by its GUID in a new process");
    let mut name: LPWSTR = null_mut();
    call!(job, GetDisplayName, &mut name);
    assert_eq!(take_str(name), "outlives its process");
    let mut p = 0;
    call!(job, GetPriority, &mut p);
    assert_eq!(p, BG_JOB_PRIORITY_HIGH);
    assert_eq!(state(job), BG_JOB_STATE_SUSPENDED, "a SUSPENDED job stays suspended");
    let http = qi(job, &IID_IBackgroundCopyJobHttpOptions3).unwrap() as *mut IBackgroundCopyJobHttpOptions3;
    let mut headers: LPWSTR = null_mut();
    assert_eq!(call!(http, GetCustomHeaders, &mut headers), S_OK);
    assert_eq!(take_str(headers), "X-Persisted: yes");
    let mut flags = 0;
    assert_eq!(call!(http, GetSecurityFlags, &mut flags), S_OK);
    assert_eq!(flags, BG_HTTP_REDIRECT_POLICY_ALLOW_REPORT);
    release(http);
    let j5 = qi(job, &IID_IBackgroundCopyJob5).unwrap() as *mut IBackgroundCopyJob5;
    let mut secs = 0;
    assert_eq!(call!(j5, GetMaximumDownloadTime, &mut secs), S_OK);
    assert_eq!(secs, 3600);
    let mut cost = BITS_JOB_PROPERTY_VALUE { Dword: 0 };
    assert_eq!(call!(j5, GetProperty, BITS_JOB_PROPERTY_ID_COST_FLAGS, &mut cost), S_OK);
    assert_eq!(unsafe { cost.Dword }, BITS_COST_STATE_TRANSFER_UNRESTRICTED);
    release(j5);
    assert_eq!(call!(job, Resume), S_OK);
    let t = Instant::now();
    while state(job) != BG_JOB_STATE_TRANSFERRED && t.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(5));
    }
    assert_eq!(call!(job, Complete), S_OK);
    assert!(dir.join("out").exists());
    release(job);
    release(m);
    println!("FINISHED");
}

fn child_hold() {
    let m = manager();
    let (_, job) = create_job(m, "held");
    println!("HOLDING");
    release(job);
    std::thread::sleep(Duration::from_secs(60));
    release(m);
}

/// Kill-test worker: finds its jobs (or makes them), resumes them, completes each when transferred.
fn child_kill_worker(dir: &Path) {
    let base = std::env::var("URL_BASE").unwrap();
    let plan = kill_plan();
    let m = manager();
    // Jobs made by an earlier run, by display name. A job killed between CreateJob and
    // AddFileSet has no files: cancel it and make it again.
    let mut jobs: HashMap<String, *mut IBackgroundCopyJob> = HashMap::new();
    let mut e: *mut IEnumBackgroundCopyJobs = null_mut();
    assert_eq!(call!(m, EnumJobs, 0, &mut e), S_OK);
    loop {
        let mut j: *mut IBackgroundCopyJob = null_mut();
        if call!(e, Next, 1, &mut j, null_mut()) != S_OK {
            break;
        }
        let mut name: LPWSTR = null_mut();
        call!(j, GetDisplayName, &mut name);
        let name = take_str(name);
        let mut p = BG_JOB_PROGRESS::default();
        call!(j, GetProgress, &mut p);
        if p.FilesTotal == 0 {
            call!(j, Cancel);
            release(j);
        } else {
            jobs.insert(name, j);
        }
    }
    release(e);
    for (name, files) in &plan {
        if jobs.contains_key(name) {
            continue;
        }
        // A job completed by an earlier run is gone from the store; its files are in place.
        if files.iter().all(|(path, _, _)| dir.join(file_name(path)).exists()) {
            continue;
        }
        let (_, j) = create_job(m, name);
        let strings: Vec<(Vec<u16>, Vec<u16>)> = files
            .iter()
            .map(|(path, _, _)| (wide(&format!("{base}{path}")), wide(dir.join(file_name(path)).to_str().unwrap())))
            .collect();
        let mut infos: Vec<BG_FILE_INFO> = strings
            .iter()
            .map(|(r, l)| BG_FILE_INFO { RemoteName: r.as_ptr() as *mut u16, LocalName: l.as_ptr() as *mut u16 })
            .collect();
        assert_eq!(call!(j, AddFileSet, infos.len() as u32, infos.as_mut_ptr()), S_OK);
        jobs.insert(name.clone(), j);
    }
    for j in jobs.values() {
        assert_eq!(call!(*j, Resume), S_OK);
    }
    println!("RUNNING");
    let t = Instant::now();
    while !jobs.is_empty() && t.elapsed() < Duration::from_secs(120) {
        let done: Vec<String> = jobs
            .iter()
            .filter_map(|(n, j)| match state(*j) {
                BG_JOB_STATE_TRANSFERRED => Some(n.clone()),
                BG_JOB_STATE_TRANSIENT_ERROR => {
                    call!(*j, Resume);
                    None
                }
                BG_JOB_STATE_ERROR => panic!("job {n} failed"),
                _ => None,
            })
            .collect();
        for n in done {
            let j = jobs.remove(&n).unwrap();
            assert_eq!(call!(j, Complete), S_OK);
            release(j);
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    assert!(jobs.is_empty(), "timed out");
    release(m);
    println!("ALL DONE");
}

/// One planned file: server path, content seed, length.
type PlannedFile = (String, u64, usize);

/// Two trickled files in one job: with STOP_PARTIAL, runs until both have some bytes and says
/// PARTIAL (the parent then kills it); otherwise finishes the job (found again or made anew).
fn child_two_files(dir: &Path) {
    let base = std::env::var("URL_BASE").unwrap();
    let m = manager();
    let mut e: *mut IEnumBackgroundCopyJobs = null_mut();
    call!(m, EnumJobs, 0, &mut e);
    let mut job: *mut IBackgroundCopyJob = null_mut();
    call!(e, Next, 1, &mut job, null_mut());
    release(e);
    if job.is_null() {
        let (_, j) = create_job(m, "two files");
        for (name, seed) in [("a", 501), ("b", 502)] {
            let r = wide(&format!("{base}/gen/2000000/{seed}/{name}?trickle_bps=1000000"));
            let l = wide(dir.join(name).to_str().unwrap());
            assert_eq!(call!(j, AddFile, r.as_ptr(), l.as_ptr()), S_OK);
        }
        job = j;
    }
    assert_eq!(call!(job, Resume), S_OK);
    let partial = std::env::var_os("STOP_PARTIAL").is_some();
    let t = Instant::now();
    loop {
        assert!(t.elapsed() < Duration::from_secs(60), "timed out");
        if partial {
            let mut f: *mut IEnumBackgroundCopyFiles = null_mut();
            call!(job, EnumFiles, &mut f);
            let mut files: [*mut IBackgroundCopyFile; 2] = [null_mut(); 2];
            let mut n = 0;
            call!(f, Next, 2, files.as_mut_ptr(), &mut n);
            let mut got = [0u64; 2];
            for (i, file) in files.iter().enumerate().take(n as usize) {
                let mut p = BG_FILE_PROGRESS::default();
                call!(*file, GetProgress, &mut p);
                got[i] = p.BytesTransferred;
                release(*file);
            }
            release(f);
            // The second file starts when the first is done: wait until it has its own bytes.
            if got[0] == 2_000_000 && got[1] > 300_000 {
                println!("PARTIAL");
                std::thread::sleep(Duration::from_secs(60));
            }
        } else if state(job) == BG_JOB_STATE_TRANSFERRED {
            assert_eq!(call!(job, Complete), S_OK);
            println!("DONE");
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    release(job);
    release(m);
}

/// Makes a suspended job whose notify command line appends to `marker`, then exits.
fn child_cmdline_set(dir: &Path) {
    std::fs::write(dir.join("src"), b"cmdline payload").unwrap();
    let m = manager();
    let (_, job) = create_job(m, "cmdline across processes");
    let r = wide(dir.join("src").to_str().unwrap());
    let l = wide(dir.join("dst").to_str().unwrap());
    assert_eq!(call!(job, AddFile, r.as_ptr(), l.as_ptr()), S_OK);
    let program = wide("/bin/sh");
    let params = wide(&format!(r#"sh -c "echo ran >> {}""#, dir.join("marker").display()));
    assert_eq!(call!(job as *mut IBackgroundCopyJob2, SetNotifyCmdLine, program.as_ptr(), params.as_ptr()), S_OK);
    println!("SET");
    std::process::exit(0);
}

/// Resumes every job, waits until they are transferred (without completing them), then waits a
/// moment for notifications and exits.
fn child_resume_all() {
    let m = manager();
    let mut e: *mut IEnumBackgroundCopyJobs = null_mut();
    call!(m, EnumJobs, 0, &mut e);
    loop {
        let mut j: *mut IBackgroundCopyJob = null_mut();
        if call!(e, Next, 1, &mut j, null_mut()) != S_OK {
            break;
        }
        call!(j, Resume);
        let t = Instant::now();
        while state(j) != BG_JOB_STATE_TRANSFERRED && t.elapsed() < Duration::from_secs(20) {
            std::thread::sleep(Duration::from_millis(5));
        }
        release(j);
    }
    release(e);
    std::thread::sleep(Duration::from_millis(800));
    println!("RESUMED");
    release(m);
}

/// How many SIGKILLs the kill test makes: `KILL_COUNT` (default 50; `bench/kill200.sh` runs 200).
fn kill_count() -> usize {
    std::env::var("KILL_COUNT").ok().and_then(|v| v.parse().ok()).filter(|n| *n > 0).unwrap_or(50)
}

/// Each connection's rate in the kill test: slower for more kills, so the jobs are still
/// transferring when the last kill comes.
fn kill_rate() -> u64 {
    (RATE * 50 / kill_count() as u64).max(50_000)
}

/// The kill test's jobs: name → files.
fn kill_plan() -> Vec<(String, Vec<PlannedFile>)> {
    // The 10 MiB files are fetched in pieces (segmented download), the others on one connection.
    let sizes = [4 << 20, 2 << 20, 1_500_000, 64 * 1024, 1, 0, 3 << 20, 700_000, 10 << 20];
    (0..3)
        .map(|j| {
            let files = sizes
                .iter()
                .enumerate()
                .map(|(i, n)| {
                    let seed = (j * 100 + i) as u64;
                    // Trickled so that transfers take long enough to be killed mid-way.
                    (format!("/gen/{n}/{seed}/j{j}f{i}?trickle_bps={}", kill_rate()), seed, *n)
                })
                .collect();
            (format!("kill-job-{j}"), files)
        })
        .collect()
}

fn file_name(server_path: &str) -> String {
    server_path.split('?').next().unwrap().rsplit('/').next().unwrap().to_string()
}

#[test]
fn a_job_outlives_its_process_and_finishes_in_the_next_one() {
    if std::env::var_os("DELIVERYOPT_CHILD").is_some() {
        return;
    }
    let s = Server::start(Options::default()).unwrap();
    let dir = state_dir("outlive");
    let url = s.url("/gen/300000/77");
    let mut a = spawn_child("create", &dir, &[("URL", url)]);
    let guid = read_until(&mut a, "GUID ", Duration::from_secs(30)).expect("the first process made a job");
    assert!(a.wait().unwrap().success());
    let mut b = spawn_child("finish", &dir, &[("GUID", guid)]);
    assert_eq!(read_until(&mut b, "FINISHED", Duration::from_secs(60)), Some(String::new()));
    assert!(b.wait().unwrap().success());
    assert_eq!(std::fs::read(dir.join("out")).unwrap(), content(77, 300_000));
    let reqs = s.requests_for("/gen/300000/77");
    assert!(!reqs.is_empty() && reqs.iter().all(|r| r.header("x-persisted") == Some("yes")), "{reqs:?}");
}

#[test]
fn only_one_process_drives_the_store_and_the_next_takes_over_when_it_dies() {
    if std::env::var_os("DELIVERYOPT_CHILD").is_some() {
        return;
    }
    let dir = state_dir("lock");
    let mut holder = spawn_child("hold", &dir, &[]);
    assert_eq!(read_until(&mut holder, "HOLDING", Duration::from_secs(30)), Some(String::new()));
    let mut probe = spawn_child("probe", &dir, &[]);
    let hr = read_until(&mut probe, "HR ", Duration::from_secs(30)).unwrap();
    assert_eq!(hr, format!("{:#010x}", CO_E_SERVER_EXEC_FAILURE), "a second process is refused");
    probe.wait().unwrap();
    holder.kill().unwrap(); // SIGKILL: the lock goes with the process
    holder.wait().unwrap();
    let mut next = spawn_child("probe", &dir, &[]);
    assert_eq!(read_until(&mut next, "HR ", Duration::from_secs(30)).unwrap(), "0x00000000");
    next.wait().unwrap();
    // The held job was taken over: it is in the store the next process opened.
    let mut again = spawn_child("probe", &dir, &[]);
    let out = again.stdout.take().unwrap();
    let text: Vec<String> = BufReader::new(out).lines().map_while(Result::ok).collect();
    again.wait().unwrap();
    assert!(text.iter().any(|l| l == "JOBS 1"), "{text:?}");
}

#[test]
fn transfers_survive_sigkill_at_random_moments() {
    if std::env::var_os("DELIVERYOPT_CHILD").is_some() {
        return;
    }
    let seed: u64 = std::env::var("KILL_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64
    });
    println!("kill test seed {seed} (rerun with KILL_SEED={seed})");
    let mut rng = seed | 1;
    let mut next = move || {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng
    };
    let s = Server::start(Options::default()).unwrap();
    let dir = state_dir("kill");
    let base = s.url("");
    let base = base.trim_end_matches('/').to_string();
    let plan = kill_plan();
    let finals: Vec<(PathBuf, Vec<u8>)> = plan
        .iter()
        .flat_map(|(_, files)| files.iter().map(|(p, seed, n)| (dir.join(file_name(p)), content(*seed, *n))))
        .collect();
    let total: u64 = finals.iter().map(|(_, c)| c.len() as u64).sum();
    // A final name holds either nothing or the whole right file.
    let check_finals = |when: &str| {
        for (path, want) in &finals {
            if let Ok(got) = std::fs::read(path) {
                assert!(got == *want, "{when}: {} holds a partial or wrong file ({} bytes)", path.display(), got.len());
            }
        }
    };
    let mut kills = 0usize;
    let mut lifetimes: Vec<u64> = Vec::new(); // request sequence number at each start
    let mut finished = false;
    let started = Instant::now();
    while !finished {
        assert!(started.elapsed() < Duration::from_secs(6 * kill_count() as u64), "the kill test took too long");
        lifetimes.push(s.requests().last().map(|r| r.seq + 1).unwrap_or(0));
        let mut child = spawn_child(
            "kill-worker",
            &dir,
            &[("URL_BASE", base.clone()), ("DELIVERYOPT_CONNECTIONS_PER_JOB", KILL_CONNECTIONS.to_string())],
        );
        if kills < kill_count() {
            // Kill at a random moment: sometimes during start-up, mostly during transfers.
            let wait = Duration::from_millis(20 + next() % 180);
            std::thread::sleep(wait);
            if child.try_wait().unwrap().is_none() {
                child.kill().unwrap();
                child.wait().unwrap();
                kills += 1;
                check_finals(&format!("after kill {kills}"));
                continue;
            }
        }
        let status = child.wait().unwrap();
        assert!(status.success(), "the last run must finish its jobs");
        finished = true;
    }
    check_finals("at the end");
    for (path, want) in &finals {
        assert_eq!(std::fs::read(path).unwrap(), *want, "{}", path.display());
    }
    // Bytes fetched again at each restart: for every file, the bytes a run's requests were sent
    // that earlier runs had been sent already (a file in pieces asks for several ranges).
    let log = s.requests();
    let mut sent_before: HashMap<String, Vec<(u64, u64)>> = HashMap::new();
    let mut per_restart: Vec<u64> = Vec::new();
    let mut per_file_max = 0u64;
    for (k, start) in lifetimes.iter().enumerate() {
        let end = lifetimes.get(k + 1).copied().unwrap_or(u64::MAX);
        let mut refetched = 0u64;
        let mut this_run: HashMap<String, Vec<(u64, u64)>> = HashMap::new();
        for r in log.iter().filter(|r| r.seq >= *start && r.seq < end && r.method == "GET") {
            let from = match &r.range {
                Some(testserver::RangeHeader::Single(testserver::ByteRange::From(a)))
                | Some(testserver::RangeHeader::Single(testserver::ByteRange::FromTo(a, _))) => *a,
                _ => 0,
            };
            this_run.entry(r.path.clone()).or_default().push((from, from + r.body_bytes_sent));
        }
        for (path, got) in this_run {
            let before = sent_before.entry(path.clone()).or_default();
            let again: u64 = got.iter().map(|&(a, b)| overlap(before, a, b)).sum();
            if k > 0 {
                refetched += again;
                // A file in pieces (8 MiB or more: /gen/<size>/...) may lose one connection's
                // worth per piece; see the bounds below.
                let size: u64 = path.split('/').nth(2).and_then(|n| n.parse().ok()).unwrap_or(0);
                let pieces = if size >= 8 << 20 { 8 } else { 1 };
                per_file_max = per_file_max.max(again / pieces);
                if again > 1_000_000 && std::env::var_os("KILL_DEBUG").is_some() {
                    println!("restart {k}: {path} was sent {again} bytes again");
                }
            }
            for (a, b) in got {
                deliveryopt::engine::file::insert_interval(before, a, b);
            }
        }
        if k > 0 {
            per_restart.push(refetched);
        }
    }
    let pieces = log.iter().filter(|r| {
        r.path.ends_with("f8")
            && matches!(r.range, Some(testserver::RangeHeader::Single(testserver::ByteRange::FromTo(..))))
    });
    assert!(pieces.count() > 3, "the 10 MiB files were not fetched in pieces");
    let sent: u64 = log.iter().filter(|r| r.method == "GET").map(|r| r.body_bytes_sent).sum();
    let max = per_restart.iter().copied().max().unwrap_or(0);
    println!(
        "kill test: survived {kills} kills; {} files, {total} bytes; server sent {sent} bytes; \
         re-fetched {} bytes in all, at most {max} bytes at one restart and {per_file_max} for one file \
         (checkpoint: {CHECKPOINT_BYTES} bytes or {CHECKPOINT_MS} ms per file)",
        finals.len(),
        per_restart.iter().sum::<u64>()
    );
    assert!(kills >= kill_count(), "only {kills} kills");
    // Each connection loses at most what arrived since its file's last checkpoint (256 KiB, or
    // what arrives in 50 ms at the trickle rate), plus what its worker had not yet written (at
    // most 50 ms of data) and what was in flight in socket buffers. A file on one connection
    // loses one connection's worth; a file in pieces up to one per connection (8 by default);
    // at most 3 jobs x 2 files transfer at once.
    let per_file_bound = CHECKPOINT_BYTES + 2 * kill_rate() * CHECKPOINT_MS / 1000 + 512 * 1024;
    assert!(
        per_file_max <= per_file_bound,
        "a file fetched {per_file_max} bytes again per connection (bound {per_file_bound})"
    );
    let active = 3 * (KILL_CONNECTIONS as u64 - 1 + 8);
    assert!(max <= active * per_file_bound, "a restart fetched {max} bytes again (bound {})", active * per_file_bound);
}

/// Bytes of `[a, b)` within `set` (sorted, merged intervals).
fn overlap(set: &[(u64, u64)], a: u64, b: u64) -> u64 {
    set.iter().map(|&(s, e)| e.min(b).saturating_sub(s.max(a))).sum()
}

#[test]
fn a_missing_or_short_temporary_file_is_fetched_again_as_needed() {
    if std::env::var_os("DELIVERYOPT_CHILD").is_some() {
        return;
    }
    let s = Server::start(Options::default()).unwrap();
    let dir = state_dir("damaged-temp");
    let base = s.url("").trim_end_matches('/').to_string();
    // One file at a time, so that the first is complete while the second is under way.
    let one = ("DELIVERYOPT_CONNECTIONS_PER_JOB", "1".to_string());
    let mut first =
        spawn_child("two-files", &dir, &[("URL_BASE", base.clone()), ("STOP_PARTIAL", "1".into()), one.clone()]);
    assert_eq!(read_until(&mut first, "PARTIAL", Duration::from_secs(60)), Some(String::new()));
    first.kill().unwrap();
    first.wait().unwrap();
    // The first file is transferred (its temporary file complete), the second under way. Damage
    // both: cut the complete one short, delete the partial one.
    let mut temps: Vec<(PathBuf, u64)> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with(".BIT"))
        .map(|e| (e.path(), e.metadata().unwrap().len()))
        .collect();
    temps.sort_by_key(|t| std::cmp::Reverse(t.1));
    assert_eq!(temps.len(), 2);
    assert_eq!(temps[0].1, 2_000_000);
    std::fs::OpenOptions::new().write(true).open(&temps[0].0).unwrap().set_len(700_000).unwrap();
    std::fs::remove_file(&temps[1].0).unwrap();
    let seq = s.requests().last().unwrap().seq;
    let mut second = spawn_child("two-files", &dir, &[("URL_BASE", base), one]);
    assert_eq!(read_until(&mut second, "DONE", Duration::from_secs(60)), Some(String::new()));
    assert!(second.wait().unwrap().success());
    assert_eq!(std::fs::read(dir.join("a")).unwrap(), content(501, 2_000_000));
    assert_eq!(std::fs::read(dir.join("b")).unwrap(), content(502, 2_000_000));
    let after: Vec<_> = s.requests().into_iter().filter(|r| r.seq > seq && r.method == "GET").collect();
    let range_of =
        |name: &str| after.iter().find(|r| r.path.ends_with(name)).map(|r| r.header("range").map(str::to_owned));
    assert_eq!(
        range_of("/a"),
        Some(Some("bytes=700000-".to_string())),
        "the short file continued from its real length"
    );
    assert_eq!(range_of("/b"), Some(None), "the missing file started over");
}

#[test]
fn a_notify_command_line_fires_after_its_setter_is_gone_and_only_once() {
    if std::env::var_os("DELIVERYOPT_CHILD").is_some() {
        return;
    }
    let dir = state_dir("cmdline");
    let mut a = spawn_child("cmdline-set", &dir, &[]);
    assert_eq!(read_until(&mut a, "SET", Duration::from_secs(30)), Some(String::new()));
    assert!(a.wait().unwrap().success());
    let marker = dir.join("marker");
    assert!(!marker.exists());
    // Another program, which never set a command line, resumes the job: the command line runs.
    let mut b = spawn_child("resume-all", &dir, &[]);
    assert_eq!(read_until(&mut b, "RESUMED", Duration::from_secs(60)), Some(String::new()));
    assert!(b.wait().unwrap().success());
    assert_eq!(std::fs::read_to_string(&marker).unwrap(), "ran\n");
    // A third process takes the (still TRANSFERRED) job over: the command line already ran for
    // this event and does not run again.
    let mut c = spawn_child("resume-all", &dir, &[]);
    assert_eq!(read_until(&mut c, "RESUMED", Duration::from_secs(60)), Some(String::new()));
    assert!(c.wait().unwrap().success());
    assert_eq!(std::fs::read_to_string(&marker).unwrap(), "ran\n", "exactly once per event");
}
