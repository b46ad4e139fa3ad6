//! The scheduler through the C ABI: a bounded number of background transfers, FOREGROUND jobs at
//! once, higher priority first with pre-emption, and time slices so a big job cannot starve small
//! ones. This binary's engine runs with 2 concurrent transfers and a 300 ms slice.

mod common;

use common::*;
use std::path::PathBuf;
use std::sync::Once;
use std::time::{Duration, Instant};

use testserver::{content, Options, Server};

/// These tests watch the one engine's slots, so they run one at a time.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn setup() -> Server {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        std::env::set_var("DELIVERYOPT_MAX_CONCURRENT_TRANSFERS", "2");
        std::env::set_var("DELIVERYOPT_TIME_SLICE_MS", "300");
        std::env::set_var("DELIVERYOPT_MAX_JOBS_PER_USER", "1000");
    });
    Server::start(Options::default()).unwrap()
}

fn tempdir(tag: &str) -> PathBuf {
    let d = common::scratch_root().join(format!("deliveryopt-sched-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn state(job: *mut IBackgroundCopyJob) -> BG_JOB_STATE {
    let mut st = -1;
    call!(job, GetState, &mut st);
    st
}

fn running(st: BG_JOB_STATE) -> bool {
    st == BG_JOB_STATE_CONNECTING || st == BG_JOB_STATE_TRANSFERRING
}

fn new_job(
    m: *mut IBackgroundCopyManager,
    name: &str,
    url: &str,
    local: PathBuf,
    prio: BG_JOB_PRIORITY,
) -> *mut IBackgroundCopyJob {
    let (_, job) = create_job(m, name);
    let r = wide(url);
    let l = wide(local.to_str().unwrap());
    assert_eq!(call!(job, AddFile, r.as_ptr(), l.as_ptr()), S_OK);
    assert_eq!(call!(job, SetPriority, prio), S_OK);
    job
}

/// Samples the states of `jobs` until `done` or the timeout; returns the largest number of
/// background jobs running at once and the time each first ran.
fn watch(
    jobs: &[*mut IBackgroundCopyJob],
    timeout: Duration,
    done: impl Fn(&[BG_JOB_STATE]) -> bool,
) -> (usize, Vec<Option<Duration>>) {
    let start = Instant::now();
    let mut max = 0;
    let mut first_run = vec![None; jobs.len()];
    loop {
        let states: Vec<BG_JOB_STATE> = jobs.iter().map(|j| state(*j)).collect();
        max = max.max(states.iter().filter(|s| running(**s)).count());
        for (i, s) in states.iter().enumerate() {
            if (running(*s) || *s == BG_JOB_STATE_TRANSFERRED) && first_run[i].is_none() {
                first_run[i] = Some(start.elapsed());
            }
        }
        if done(&states) || start.elapsed() > timeout {
            return (max, first_run);
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}

fn finish(jobs: Vec<*mut IBackgroundCopyJob>) {
    for j in jobs {
        let _ = call!(j, Cancel);
        release(j);
    }
}

#[test]
fn at_most_two_background_transfers_but_foreground_starts_at_once() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let s = setup();
    let dir = tempdir("limit");
    let m = manager();
    let slow = |i: u64| s.url(&format!("/gen/150000/{i}?trickle_bps=300000"));
    let jobs: Vec<_> = (0..3)
        .map(|i| new_job(m, &format!("bg{i}"), &slow(i), dir.join(format!("bg{i}")), BG_JOB_PRIORITY_NORMAL))
        .collect();
    for j in &jobs {
        assert_eq!(call!(*j, Resume), S_OK);
    }
    let (max_bg, _) = watch(&jobs, Duration::from_millis(250), |_| false);
    assert_eq!(max_bg, 2, "two of three background jobs run at once");
    let fg = new_job(m, "fg", &s.url("/gen/1000/9"), dir.join("fg"), BG_JOB_PRIORITY_FOREGROUND);
    assert_eq!(call!(fg, Resume), S_OK);
    let t = Instant::now();
    while state(fg) != BG_JOB_STATE_TRANSFERRED && t.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(2));
    }
    assert_eq!(state(fg), BG_JOB_STATE_TRANSFERRED);
    assert!(t.elapsed() < Duration::from_millis(400), "the foreground job did not wait for a slot: {:?}", t.elapsed());
    let (_, _) = watch(&jobs, Duration::from_secs(20), |st| st.iter().all(|s| *s == BG_JOB_STATE_TRANSFERRED));
    for (i, j) in jobs.iter().enumerate() {
        assert_eq!(state(*j), BG_JOB_STATE_TRANSFERRED);
        assert_eq!(call!(*j, Complete), S_OK);
        assert_eq!(std::fs::read(dir.join(format!("bg{i}"))).unwrap(), content(i as u64, 150_000));
    }
    finish(jobs);
    finish(vec![fg]);
    release(m);
}

#[test]
fn a_high_priority_job_preempts_a_low_one() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let s = setup();
    let dir = tempdir("preempt");
    let m = manager();
    let lows: Vec<_> = (0..2)
        .map(|i| {
            new_job(
                m,
                &format!("low{i}"),
                &s.url(&format!("/gen/400000/{}?trickle_bps=200000", 20 + i)),
                dir.join(format!("low{i}")),
                BG_JOB_PRIORITY_LOW,
            )
        })
        .collect();
    for j in &lows {
        assert_eq!(call!(*j, Resume), S_OK);
    }
    watch(&lows, Duration::from_secs(5), |st| st.iter().all(|s| *s == BG_JOB_STATE_TRANSFERRING));
    // Both have bytes on disk, so the one pre-empted has something to resume from (a job stopped
    // before its first body bytes rightly starts over without a Range).
    let on_disk = |j: *mut IBackgroundCopyJob| {
        let mut p = BG_JOB_PROGRESS::default();
        assert_eq!(call!(j, GetProgress, &mut p), S_OK);
        p.BytesTransferred
    };
    assert!(wait_until(Duration::from_secs(5), || lows.iter().all(|j| on_disk(*j) > 0)));
    let high = new_job(m, "high", &s.url("/gen/50000/30"), dir.join("high"), BG_JOB_PRIORITY_HIGH);
    assert_eq!(call!(high, Resume), S_OK);
    let t = Instant::now();
    while state(high) != BG_JOB_STATE_TRANSFERRED && t.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(1));
    }
    assert_eq!(state(high), BG_JOB_STATE_TRANSFERRED, "HIGH finished while LOW jobs were still long from done");
    assert!(t.elapsed() < Duration::from_millis(800), "HIGH waited {:?}", t.elapsed());
    assert!(lows.iter().all(|j| state(*j) != BG_JOB_STATE_TRANSFERRED));
    // One LOW job gave up its slot: it went back to the queue and later resumed with a Range.
    std::thread::sleep(Duration::from_millis(200));
    let resumed = s
        .requests()
        .iter()
        .filter(|r| r.method == "GET" && r.path.starts_with("/gen/400000/") && r.header("range").is_some())
        .count();
    assert_eq!(resumed, 1, "exactly one LOW job was pre-empted and resumed where it stopped");
    // The pre-empted job continues later from where it was, and both LOW jobs finish intact.
    watch(&lows, Duration::from_secs(20), |st| st.iter().all(|s| *s == BG_JOB_STATE_TRANSFERRED));
    for (i, j) in lows.iter().enumerate() {
        assert_eq!(call!(*j, Complete), S_OK);
        assert_eq!(std::fs::read(dir.join(format!("low{i}"))).unwrap(), content(20 + i as u64, 400_000));
    }
    assert_eq!(call!(high, Complete), S_OK);
    finish(lows);
    finish(vec![high]);
    release(m);
}

#[test]
fn time_slices_let_a_small_job_through_two_big_ones() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let s = setup();
    let dir = tempdir("fair");
    let m = manager();
    // Two big jobs take about 3 s each; a small one queued behind them must not wait for them.
    let bigs: Vec<_> = (0..2)
        .map(|i| {
            new_job(
                m,
                &format!("big{i}"),
                &s.url(&format!("/gen/900000/{}?trickle_bps=300000", 40 + i)),
                dir.join(format!("big{i}")),
                BG_JOB_PRIORITY_NORMAL,
            )
        })
        .collect();
    for j in &bigs {
        assert_eq!(call!(*j, Resume), S_OK);
    }
    std::thread::sleep(Duration::from_millis(50));
    let small = new_job(m, "small", &s.url("/gen/2000/50"), dir.join("small"), BG_JOB_PRIORITY_NORMAL);
    assert_eq!(call!(small, Resume), S_OK);
    let t = Instant::now();
    while state(small) != BG_JOB_STATE_TRANSFERRED && t.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(2));
    }
    assert_eq!(state(small), BG_JOB_STATE_TRANSFERRED);
    assert!(t.elapsed() < Duration::from_millis(1500), "small job waited {:?}", t.elapsed());
    assert!(bigs.iter().all(|j| state(*j) != BG_JOB_STATE_TRANSFERRED), "the big jobs were still running");
    watch(&bigs, Duration::from_secs(30), |st| st.iter().all(|s| *s == BG_JOB_STATE_TRANSFERRED));
    for (i, j) in bigs.iter().enumerate() {
        assert_eq!(call!(*j, Complete), S_OK);
        assert_eq!(std::fs::read(dir.join(format!("big{i}"))).unwrap(), content(40 + i as u64, 900_000));
    }
    assert_eq!(call!(small, Complete), S_OK);
    finish(bigs);
    finish(vec![small]);
    release(m);
}
