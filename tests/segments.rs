//! Segmented download: a large file over several connections (the engine's default, capped per
//! job by DELIVERYOPT_JOB_PROPERTY_MAX_SEGMENTS), against the loopback test server. The file is
//! whole and exact; pieces carry If-Range so a changed remote starts the file over instead of
//! mixing versions; small files, servers without ranges or validators stay on one connection; a
//! server that takes fewer connections still serves the file; a suspended file and a file whose
//! process was killed resume only their holes. (Speed is measured by bench/run.sh case (d).)

mod common;

use common::*;
use core::ptr::null_mut;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::time::Duration;

use testserver::{content, Options, RangeHeader, RequestLog, Server};

const MIB: u64 = 1 << 20;
const T: Duration = Duration::from_secs(60);

fn job5(job: *mut IBackgroundCopyJob) -> *mut IBackgroundCopyJob5 {
    qi(job, &IID_IBackgroundCopyJob5).unwrap() as *mut IBackgroundCopyJob5
}

fn set_segments(job: *mut IBackgroundCopyJob, n: u32) -> HRESULT {
    let j5 = job5(job);
    let hr = call!(j5, SetProperty, DELIVERYOPT_JOB_PROPERTY_MAX_SEGMENTS, BITS_JOB_PROPERTY_VALUE { Dword: n });
    release(j5);
    hr
}

fn get_segments(job: *mut IBackgroundCopyJob) -> Result<u32, HRESULT> {
    let j5 = job5(job);
    let mut v = BITS_JOB_PROPERTY_VALUE { Uint64: 0xdead };
    let hr = call!(j5, GetProperty, DELIVERYOPT_JOB_PROPERTY_MAX_SEGMENTS, &mut v);
    release(j5);
    // SAFETY: the property is a DWORD one.
    if hr == S_OK {
        Ok(unsafe { v.Dword })
    } else {
        Err(hr)
    }
}

fn transferred(job: *mut IBackgroundCopyJob) -> u64 {
    let mut p = BG_JOB_PROGRESS::default();
    assert_eq!(call!(job, GetProgress, &mut p), S_OK);
    p.BytesTransferred
}

/// Downloads `url` into `dir/out` with a job set up by `setup`; returns the job's end state.
fn download(m: *mut IBackgroundCopyManager, url: &str, out: &Path, setup: impl FnOnce(*mut IBackgroundCopyJob)) -> i32 {
    let (_, job) = create_job(m, "segments");
    setup(job);
    add_file(job, url, out);
    assert_eq!(call!(job, Resume), S_OK);
    let st = wait_for(job, &[BG_JOB_STATE_TRANSFERRED, BG_JOB_STATE_ERROR], T);
    if st == BG_JOB_STATE_TRANSFERRED {
        assert_eq!(call!(job, Complete), S_OK);
        release(job);
    } else {
        println!("error {:#x}", error_code(job));
        discard(job);
    }
    st
}

/// Downloads `url` into `out` with a default job, which must end TRANSFERRED with exactly the
/// test server's `/gen/<size>/<seed>` content.
fn download_exact(m: *mut IBackgroundCopyManager, url: &str, out: &Path, seed: u64, size: u64) {
    assert_eq!(download(m, url, out, |_| {}), BG_JOB_STATE_TRANSFERRED, "{url}");
    assert!(std::fs::read(out).unwrap() == content(seed, size as usize), "{url}: not the content whole");
}

/// The GET requests the server saw for `path`.
fn gets(s: &Server, path: &str) -> Vec<RequestLog> {
    s.requests_for(path).into_iter().filter(|r| r.method == "GET").collect()
}

/// The byte interval `[a, b)` a request asked for (None: the whole file).
fn asked(r: &RequestLog, size: u64) -> Option<(u64, u64)> {
    match &r.range {
        Some(RangeHeader::Single(testserver::ByteRange::FromTo(a, b))) => Some((*a, (*b + 1).min(size))),
        Some(RangeHeader::Single(testserver::ByteRange::From(a))) => Some((*a, size)),
        _ => None,
    }
}

/// Total length of the union of intervals.
fn union_len(mut v: Vec<(u64, u64)>) -> u64 {
    v.sort();
    let (mut total, mut end) = (0, 0);
    for (a, b) in v {
        let a = a.max(end);
        if b > a {
            total += b - a;
            end = b;
        }
    }
    total
}

fn server() -> Server {
    Server::start(Options::default()).unwrap()
}

#[test]
fn a_large_file_comes_over_several_connections_each_piece_with_if_range() {
    if std::env::var_os("DELIVERYOPT_CHILD").is_some() {
        return;
    }
    let s = server();
    let dir = tempdir("seg-large");
    let m = manager();
    let size = 24 * MIB;
    let path = format!("/gen/{size}/41");
    // Slowed a little per connection, so the pieces overlap in time as on a real server.
    download_exact(m, &s.url(&format!("{path}?trickle_bps=40000000")), &dir.join("out"), 41, size);
    let log = gets(&s, &path);
    let conns: std::collections::HashSet<u64> = log.iter().map(|r| r.conn_id).collect();
    assert!(conns.len() >= 2, "one connection only: {log:#?}");
    assert!(log[0].range.is_none(), "the first request is an ordinary GET");
    let etag = format!("\"gen-{size}-41\"");
    for r in &log[1..] {
        assert!(asked(r, size).is_some(), "a piece without a Range: {r:?}");
        assert_eq!(r.header("if-range"), Some(etag.as_str()), "a piece without If-Range: {r:?}");
    }
    release(m);
}

#[test]
fn the_cap_is_a_job_property_of_ours() {
    if std::env::var_os("DELIVERYOPT_CHILD").is_some() {
        return;
    }
    let m = manager();
    let (_, job) = create_job(m, "cap");
    assert_eq!(get_segments(job), Ok(0), "0: the engine's default");
    assert_eq!(set_segments(job, 4), S_OK);
    assert_eq!(get_segments(job), Ok(4));
    assert_eq!(set_segments(job, 17), E_INVALIDARG, "at most 16");
    assert_eq!(get_segments(job), Ok(4), "a refused value changes nothing");
    assert_eq!(set_segments(job, 1), S_OK);
    assert_eq!(get_segments(job), Ok(1));
    discard(job);
    // Upload jobs have no pieces.
    let name = wide("upload");
    let (mut id, mut up): (GUID, *mut IBackgroundCopyJob) = (GUID::zeroed(), null_mut());
    assert_eq!(call!(m, CreateJob, name.as_ptr(), BG_JOB_TYPE_UPLOAD, &mut id, &mut up), S_OK);
    assert_eq!(set_segments(up, 2), BG_E_PROPERTY_SUPPORTED_FOR_DOWNLOAD_JOBS_ONLY);
    discard(up);
    release(m);
}

#[test]
fn a_cap_of_one_and_small_files_use_one_request() {
    if std::env::var_os("DELIVERYOPT_CHILD").is_some() {
        return;
    }
    let s = server();
    let dir = tempdir("seg-one");
    let m = manager();
    let size = 16 * MIB;
    let path = format!("/gen/{size}/42");
    let st = download(m, &s.url(&path), &dir.join("capped"), |job| assert_eq!(set_segments(job, 1), S_OK));
    assert_eq!(st, BG_JOB_STATE_TRANSFERRED);
    assert!(std::fs::read(dir.join("capped")).unwrap() == content(42, size as usize));
    assert_eq!(gets(&s, &path).len(), 1, "capped at 1: one request");
    // Below the threshold (8 MiB missing) a file is not split.
    let small = format!("/gen/{}/43", 7 * MIB);
    download_exact(m, &s.url(&small), &dir.join("small"), 43, 7 * MIB);
    assert_eq!(gets(&s, &small).len(), 1, "a small file: one request");
    release(m);
}

#[test]
fn servers_without_ranges_or_validators_are_not_split() {
    if std::env::var_os("DELIVERYOPT_CHILD").is_some() {
        return;
    }
    let s = server();
    let dir = tempdir("seg-noranges");
    let m = manager();
    let size = 16 * MIB;
    for (i, fault) in ["no_ranges=1", "no_validators=1"].iter().enumerate() {
        let path = format!("/gen/{size}/44");
        let url = s.url(&format!("{path}?{fault}"));
        download_exact(m, &url, &dir.join(format!("out{i}")), 44, size);
        let log: Vec<_> = gets(&s, &path).into_iter().filter(|r| r.query == *fault).collect();
        assert_eq!(log.len(), 1, "{fault}: one request, no pieces");
    }
    release(m);
}

#[test]
fn a_server_that_says_it_takes_ranges_but_does_not_gets_one_connection() {
    if std::env::var_os("DELIVERYOPT_CHILD").is_some() {
        return;
    }
    let s = server();
    let dir = tempdir("seg-ignore");
    let m = manager();
    let size = 16 * MIB;
    download_exact(m, &s.url(&format!("/gen/{size}/45?ignore_range=1")), &dir.join("out"), 45, size);
    release(m);
}

#[test]
fn a_remote_that_changes_under_the_pieces_starts_over_and_never_mixes() {
    if std::env::var_os("DELIVERYOPT_CHILD").is_some() {
        return;
    }
    let s = server();
    let dir = tempdir("seg-change");
    let m = manager();
    let size = 16 * MIB;
    // After the first request the server has another version (seed 47): the pieces' If-Range fails.
    // The new version whole: never a mix, never the old one.
    let url = s.url(&format!("/gen/{size}/46?change_after=1&trickle_bps=40000000"));
    download_exact(m, &url, &dir.join("out"), 47, size);
    release(m);
}

#[test]
fn a_server_that_takes_fewer_connections_still_serves_the_file() {
    if std::env::var_os("DELIVERYOPT_CHILD").is_some() {
        return;
    }
    let s = server();
    let dir = tempdir("seg-busy");
    let m = manager();
    let size = 24 * MIB;
    let path = format!("/gen/{size}/48");
    download_exact(m, &s.url(&format!("{path}?max_active=2&trickle_bps=40000000")), &dir.join("out"), 48, size);
    let log = gets(&s, &path);
    assert!(log.iter().any(|r| r.status == 503), "no connection was refused: {log:#?}");
    assert!(log.iter().filter(|r| r.status == 206).count() >= 1, "no piece was served");
    release(m);
}

#[test]
fn a_suspended_file_in_pieces_fetches_only_its_holes() {
    if std::env::var_os("DELIVERYOPT_CHILD").is_some() {
        return;
    }
    let s = server();
    let dir = tempdir("seg-suspend");
    let m = manager();
    let size = 24 * MIB;
    let path = format!("/gen/{size}/49");
    let (_, job) = create_job(m, "suspended pieces");
    assert_eq!(set_segments(job, 4), S_OK);
    add_file(job, &s.url(&format!("{path}?trickle_bps=3000000")), &dir.join("out"));
    assert_eq!(call!(job, Resume), S_OK);
    // Until every piece has started and some bytes of each are on disk.
    assert!(wait_until(T, || gets(&s, &path).len() >= 4 && transferred(job) >= 6 * MIB));
    assert_eq!(call!(job, Suspend), S_OK);
    std::thread::sleep(Duration::from_millis(300));
    let before = gets(&s, &path).len();
    let have = transferred(job);
    assert!(have < size, "finished before the suspend");
    assert_eq!(call!(job, Resume), S_OK);
    assert_eq!(wait_for(job, &[BG_JOB_STATE_TRANSFERRED, BG_JOB_STATE_ERROR], T), BG_JOB_STATE_TRANSFERRED);
    assert_eq!(call!(job, Complete), S_OK);
    release(job);
    assert!(std::fs::read(dir.join("out")).unwrap() == content(49, size as usize));
    let after: Vec<_> = gets(&s, &path).into_iter().skip(before).collect();
    let mut pieces = Vec::new();
    for r in &after {
        pieces.push(asked(r, size).unwrap_or_else(|| panic!("a whole-file request after the suspend: {r:?}")));
    }
    // What was asked for after the suspend is exactly what was missing (pieces that were split
    // between connections overlap in what they asked: the union counts).
    assert_eq!(union_len(pieces), size - have, "asked for bytes that were on disk, or missed some");
    release(m);
}

#[test]
fn a_connection_gets_company_only_while_it_waits_for_the_network() {
    if std::env::var_os("DELIVERYOPT_CHILD").is_some() {
        return;
    }
    let s = server();
    let size = 16 * MIB;
    // The same slow server (3 MB/s per connection: the connection's thread mostly waits) with
    // the engine's default, and with a limit of 0 % busy that counts every connection as busy.
    for (busy, want_pieces) in [("0", false), ("50", true)] {
        let dir = tempdir(&format!("seg-busy-{busy}"));
        let path = format!("/gen/{size}/51");
        let query = format!("trickle_bps=3000000&busy={busy}");
        let url = s.url(&format!("{path}?{query}"));
        let env = [("URL", url), ("DELIVERYOPT_SEGMENT_BUSY_PERCENT", busy.to_string())];
        let mut child = in_process_child("whole", &dir, &env);
        // Once the pieces (if any) have started, the rest is not needed: the child is stopped.
        let requests = || gets(&s, &path).into_iter().filter(|r| r.query == query).count();
        assert!(wait_until(T, || transferred_on_disk(&dir) >= 3 * MIB || requests() > 1));
        std::thread::sleep(Duration::from_millis(500));
        let n = requests();
        child.kill().unwrap();
        child.wait().unwrap();
        if want_pieces {
            assert!(n > 1, "a connection waiting for the network got no company");
        } else {
            assert_eq!(n, 1, "a connection counted as busy got company");
        }
    }
}

/// How many bytes the child's temporary file holds (its first one in `dir`, not sparse holes:
/// the blocks allocated).
fn transferred_on_disk(dir: &Path) -> u64 {
    use std::os::unix::fs::MetadataExt;
    std::fs::read_dir(dir)
        .map(|d| d.flatten().filter_map(|e| e.metadata().ok()).filter(|m| m.is_file()).map(|m| m.blocks() * 512).sum())
        .unwrap_or(0)
}

/// The child of the next test: starts a trickled download in pieces in its own engine, says
/// how far it got, and waits to be killed.
#[test]
fn child_entry() {
    let Ok(mode) = std::env::var("DELIVERYOPT_CHILD") else { return };
    let dir = std::path::PathBuf::from(std::env::var("CHILD_DIR").unwrap());
    if mode == "whole" {
        // One download in this engine (its settings from the environment), to the end.
        let m = manager();
        let st = download(m, &std::env::var("URL").unwrap(), &dir.join("out"), |_| {});
        assert_eq!(st, BG_JOB_STATE_TRANSFERRED);
        release(m);
        return;
    }
    assert_eq!(mode, "pieces");
    let m = manager();
    let (id, job) = create_job(m, "killed in pieces");
    assert_eq!(set_segments(job, 4), S_OK);
    add_file(job, &std::env::var("URL").unwrap(), &dir.join("out"));
    println!("GUID {}", guid_str(&id));
    assert_eq!(call!(job, Resume), S_OK);
    assert!(wait_until(T, || transferred(job) >= 8 * MIB));
    println!("HALFWAY");
    std::thread::sleep(Duration::from_secs(60));
}

#[test]
fn a_file_in_pieces_survives_a_kill_and_fetches_only_its_holes() {
    if std::env::var_os("DELIVERYOPT_CHILD").is_some() {
        return;
    }
    let s = server();
    let dir = tempdir("seg-kill");
    let size = 24 * MIB;
    let path = format!("/gen/{size}/50");
    let url = s.url(&format!("{path}?trickle_bps=3000000"));
    let mut child = in_process_child("pieces", &dir, &[("URL", url)]);
    let lines = BufReader::new(child.stdout.take().unwrap()).lines().map_while(Result::ok);
    let mut guid = None;
    for line in lines {
        if let Some(at) = line.find("GUID ") {
            guid = Some(parse_guid(&line[at + 5..]));
        }
        if line.contains("HALFWAY") {
            break;
        }
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let guid = guid.expect("the child printed no GUID");
    let before = gets(&s, &path).len();
    // This process opens the killed engine's store and goes on with the job.
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "resume_child", "--nocapture", "--test-threads=1"])
        .env("DELIVERYOPT_CHILD_RESUME", guid_str(&guid))
        .env("DELIVERYOPT_ENGINE", "in-process")
        .env("DELIVERYOPT_STATE_DIR", dir.join("store"))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "the resuming child failed: {text}");
    let have: u64 = text.lines().find_map(|l| l.split("LOADED ").nth(1)).unwrap().trim().parse().unwrap();
    assert!(have > 0 && have < size, "the pieces on disk were not kept: {have}");
    assert!(std::fs::read(dir.join("out")).unwrap() == content(50, size as usize), "the file differs");
    let log = gets(&s, &path);
    for r in &log[before..] {
        assert!(asked(r, size).is_some(), "a whole-file request after the kill: {r:?}");
    }
    // Every byte was sent about once: what a kill loses is what arrived after the last
    // checkpoint (256 KiB in this child) and what was in flight. Keeping only the first run of
    // bytes would have fetched most of the 8 MiB again.
    let sent: u64 = log.iter().map(|r| r.body_bytes_sent).sum();
    assert!(sent <= size + 2 * MIB, "{sent} bytes sent for a file of {size}");
}

/// The resuming side of the kill test: loads the job, says how many bytes it kept, finishes it.
#[test]
fn resume_child() {
    let Ok(guid) = std::env::var("DELIVERYOPT_CHILD_RESUME") else { return };
    let m = manager();
    let mut job: *mut IBackgroundCopyJob = null_mut();
    assert_eq!(call!(m, GetJob, &parse_guid(&guid), &mut job), S_OK);
    println!("LOADED {}", transferred(job));
    assert_eq!(call!(job, Resume), S_OK);
    assert_eq!(wait_for(job, &[BG_JOB_STATE_TRANSFERRED, BG_JOB_STATE_ERROR], T), BG_JOB_STATE_TRANSFERRED);
    assert_eq!(call!(job, Complete), S_OK);
    release(job);
    release(m);
}
