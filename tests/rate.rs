//! Bandwidth limits: the job property of ours (DELIVERYOPT_JOB_PROPERTY_MAX_BYTES_PER_SECOND)
//! through Job5's SetProperty/GetProperty, and a limited download that cannot finish sooner than
//! its limit allows. (How close to the limit the rate stays is measured by bench/rate.sh, not
//! here: tests assert no speeds.)

mod common;

use common::*;
use std::time::{Duration, Instant};
use testserver::{content, Options, Server};

fn job5(job: *mut IBackgroundCopyJob) -> *mut IBackgroundCopyJob5 {
    qi(job, &IID_IBackgroundCopyJob5).unwrap() as *mut IBackgroundCopyJob5
}

fn get(j5: *mut IBackgroundCopyJob5, id: BITS_JOB_PROPERTY_ID) -> Result<u64, HRESULT> {
    let mut v = BITS_JOB_PROPERTY_VALUE { Uint64: 7 };
    let hr = call!(j5, GetProperty, id, &mut v);
    // SAFETY: the property is a UINT64 one.
    if hr == S_OK {
        Ok(unsafe { v.Uint64 })
    } else {
        Err(hr)
    }
}

#[test]
fn the_limit_is_a_job_property_of_ours() {
    if std::env::var_os("RATE_CHILD").is_some() {
        return;
    }
    let m = manager();
    let (_, job) = create_job(m, "limited");
    let j5 = job5(job);
    assert_eq!(get(j5, DELIVERYOPT_JOB_PROPERTY_MAX_BYTES_PER_SECOND), Ok(0), "no limit by default");
    let v = BITS_JOB_PROPERTY_VALUE { Uint64: 250_000 };
    assert_eq!(call!(j5, SetProperty, DELIVERYOPT_JOB_PROPERTY_MAX_BYTES_PER_SECOND, v), S_OK);
    assert_eq!(get(j5, DELIVERYOPT_JOB_PROPERTY_MAX_BYTES_PER_SECOND), Ok(250_000));
    let none = BITS_JOB_PROPERTY_VALUE { Uint64: 0 };
    assert_eq!(call!(j5, SetProperty, DELIVERYOPT_JOB_PROPERTY_MAX_BYTES_PER_SECOND, none), S_OK);
    assert_eq!(get(j5, DELIVERYOPT_JOB_PROPERTY_MAX_BYTES_PER_SECOND), Ok(0));
    assert_eq!(call!(j5, SetProperty, 0x1002, v), BG_E_UNKNOWN_PROPERTY_ID, "only ours are known");
    release(j5);
    discard(job);
    release(m);
}

/// Downloads `/gen/SIZE/SEED` (plus `query`) from a test server under a job limit of `bps`;
/// returns how long it took and over how many connections. None in the child of the engine
/// limit's test (which runs this file's tests too).
fn limited_download(size: u64, seed: u64, query: &str, bps: u64) -> Option<(Duration, usize)> {
    if std::env::var_os("RATE_CHILD").is_some() {
        return None;
    }
    let s = Server::start(Options::default()).unwrap();
    // One directory per download: these tests run at the same time.
    let dir = tempdir(&format!("rate-{seed}"));
    let m = manager();
    let (_, job) = create_job(m, "limited download");
    let j5 = job5(job);
    let v = BITS_JOB_PROPERTY_VALUE { Uint64: bps };
    assert_eq!(call!(j5, SetProperty, DELIVERYOPT_JOB_PROPERTY_MAX_BYTES_PER_SECOND, v), S_OK);
    release(j5);
    add_file(job, &s.url(&format!("/gen/{size}/{seed}{query}")), &dir.join("out"));
    let start = Instant::now();
    assert_eq!(call!(job, Resume), S_OK);
    assert_eq!(
        wait_for(job, &[BG_JOB_STATE_TRANSFERRED, BG_JOB_STATE_ERROR], Duration::from_secs(60)),
        BG_JOB_STATE_TRANSFERRED
    );
    let took = start.elapsed();
    assert_eq!(call!(job, Complete), S_OK);
    assert_eq!(std::fs::read(dir.join("out")).unwrap(), content(seed, size as usize));
    release(job);
    release(m);
    let conns: std::collections::HashSet<u64> = s.requests().iter().map(|r| r.conn_id).collect();
    Some((took, conns.len()))
}

#[test]
fn a_limited_download_takes_at_least_as_long_as_its_limit_says() {
    let Some((took, _)) = limited_download(1_500_000, 61, "", 500_000) else { return };
    // 1.5 MB at 0.5 MB/s, less the first grant (50 KB): 2.9 s at the least.
    assert!(took >= Duration::from_millis(2700), "the limit was not applied: {took:?}");
}

#[test]
fn a_limit_the_connection_fills_gets_no_second_connection() {
    // Large enough for pieces, but the first connection already takes all the limit allows:
    // another would only open a connection (and waste the bytes of the pieces it cuts short).
    let Some((took, conns)) = limited_download(12_000_000, 62, "", 4_000_000) else { return };
    assert_eq!(conns, 1, "the limit, not the network, held the connection back");
    // 12 MB at 4 MB/s, less the first grant (400 KB): 2.9 s at the least.
    assert!(took >= Duration::from_millis(2850), "the limit was not kept: {took:?}");
}

#[test]
fn a_file_in_pieces_keeps_to_the_limit_too() {
    // Each connection gets 1.5 MB/s from the server: pieces join until the 4 MB/s limit is
    // taken, and all of them together keep to it.
    let Some((took, conns)) = limited_download(10_000_000, 63, "?trickle_bps=1500000", 4_000_000) else { return };
    assert!(conns >= 2, "one connection only, where one was slower than the limit");
    // 10 MB at 4 MB/s, less the first grant (400 KB): 2.4 s at the least, whichever connection
    // took the bytes. (That each piece's last bytes are paid for before its connection stops is
    // checked exactly by the HTTP unit test `bytes_taken_directly_are_paid_for_...`.)
    assert!(took >= Duration::from_millis(2350), "the limit was not kept: {took:?}");
}

/// The child of the next test: runs the engine in process under DELIVERYOPT_MAX_BYTES_PER_SECOND.
#[test]
fn rate_child() {
    let Ok(dir) = std::env::var("RATE_CHILD") else { return };
    let dir = std::path::PathBuf::from(dir);
    let base = std::env::var("BASE").unwrap();
    let m = manager();
    let progress = |job: *mut IBackgroundCopyJob| {
        let mut p = BG_JOB_PROGRESS::default();
        call!(job, GetProgress, &mut p);
        p.BytesTransferred
    };
    let (_, background) = create_job(m, "background");
    add_file(background, &format!("{base}/gen/4000000/71"), &dir.join("bg"));
    assert_eq!(call!(background, Resume), S_OK);
    assert!(wait_until(Duration::from_secs(30), || progress(background) >= 300_000));
    let (_, foreground) = create_job(m, "foreground");
    add_file(foreground, &format!("{base}/gen/1000000/72"), &dir.join("fg"));
    assert_eq!(call!(foreground, SetPriority, BG_JOB_PRIORITY_FOREGROUND), S_OK);
    assert_eq!(call!(foreground, Resume), S_OK);
    assert!(wait_until(Duration::from_secs(30), || progress(foreground) > 0));
    let before = progress(background);
    assert_eq!(wait_for(foreground, &[BG_JOB_STATE_TRANSFERRED], Duration::from_secs(60)), BG_JOB_STATE_TRANSFERRED);
    let during = progress(background) - before;
    println!("BACKGROUND-DURING {during}");
    assert_eq!(call!(foreground, Complete), S_OK);
    assert_eq!(wait_for(background, &[BG_JOB_STATE_TRANSFERRED], Duration::from_secs(60)), BG_JOB_STATE_TRANSFERRED);
    assert_eq!(call!(background, Complete), S_OK);
    assert_eq!(std::fs::read(dir.join("fg")).unwrap(), content(72, 1_000_000));
    assert_eq!(std::fs::read(dir.join("bg")).unwrap(), content(71, 4_000_000));
    release(foreground);
    release(background);
    release(m);
}

#[test]
fn under_the_engine_limit_a_foreground_job_takes_the_whole_limit() {
    if std::env::var_os("RATE_CHILD").is_some() {
        return;
    }
    let s = Server::start(Options::default()).unwrap();
    let dir = tempdir("rate-fg");
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "rate_child", "--nocapture", "--test-threads=1"])
        .env("RATE_CHILD", &dir)
        .env("BASE", s.url("").trim_end_matches('/'))
        .env("DELIVERYOPT_ENGINE", "in-process")
        .env("DELIVERYOPT_STATE_DIR", dir.join("store"))
        .env("DELIVERYOPT_MAX_BYTES_PER_SECOND", "1000000")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "child failed:\n{text}\n{}", String::from_utf8_lossy(&out.stderr));
    let during: u64 = text
        .lines()
        .find_map(|l| l.find("BACKGROUND-DURING ").map(|at| l[at + 18..].trim().parse().unwrap()))
        .expect("the child reported");
    println!("background bytes while the foreground job ran: {during}");
    // Sharing the limit, the background job would have had about half of 1 MB/s for the second
    // the foreground job took; yielding, it gets at most what it had read before the foreground
    // job began (one grant, 100 KB, and what was in flight).
    assert!(during <= 110_000, "the background job went on at {during} bytes while the foreground job ran");
}
