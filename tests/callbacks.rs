//! Callbacks through the C ABI: JobTransferred (calling Complete from inside), FileTransferred
//! for Callback2 objects, JobError, JobModification, and the flags that gate them. Transfers read
//! local files so no server is needed.
// `1 as *mut T` values are deliberate non-NULL sentinels that a failing call must reset to NULL.
#![allow(clippy::manual_dangling_ptr)]

mod common;

use common::*;
use core::ffi::c_void;
use core::ptr::null_mut;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A caller's IBackgroundCopyCallback2 written in Rust, recording what it is told.
#[repr(C)]
struct Recorder {
    vtbl: *const IBackgroundCopyCallback2Vtbl,
    refs: AtomicU32,
    complete_in_callback: bool,
    transferred: AtomicU32,
    errors: AtomicU32,
    modifications: AtomicU32,
    files: Mutex<Vec<String>>,
    complete_hr: Mutex<Option<HRESULT>>,
    error_seen: Mutex<Option<(BG_ERROR_CONTEXT, HRESULT)>>,
    events: Mutex<Vec<&'static str>>,
    fail_transferred_times: AtomicUsize,
    fail_file_times: AtomicUsize,
    /// JobTransferred waits while this is set (at most 30 s).
    hold: AtomicBool,
    done: AtomicBool,
}

fn rec<'a>(this: *mut IBackgroundCopyCallback2) -> &'a Recorder {
    unsafe { &*(this as *const Recorder) }
}

unsafe extern "C" fn qi(this: *mut IBackgroundCopyCallback2, riid: REFIID, ppv: *mut *mut c_void) -> HRESULT {
    let iid = *riid;
    if iid == IID_IUnknown || iid == IID_IBackgroundCopyCallback || iid == IID_IBackgroundCopyCallback2 {
        rec(this).refs.fetch_add(1, Ordering::SeqCst);
        *ppv = this as *mut c_void;
        S_OK
    } else {
        *ppv = null_mut();
        E_NOINTERFACE
    }
}
unsafe extern "C" fn addref(this: *mut IBackgroundCopyCallback2) -> ULONG {
    rec(this).refs.fetch_add(1, Ordering::SeqCst) + 1
}
unsafe extern "C" fn rel(this: *mut IBackgroundCopyCallback2) -> ULONG {
    rec(this).refs.fetch_sub(1, Ordering::SeqCst) - 1
}
unsafe extern "C" fn transferred(this: *mut IBackgroundCopyCallback2, job: *mut IBackgroundCopyJob) -> HRESULT {
    let r = rec(this);
    r.events.lock().unwrap().push("transferred");
    if r.fail_transferred_times.load(Ordering::SeqCst) > 0 {
        r.fail_transferred_times.fetch_sub(1, Ordering::SeqCst);
        return E_FAIL;
    }
    r.transferred.fetch_add(1, Ordering::SeqCst);
    let held_since = Instant::now();
    while r.hold.load(Ordering::SeqCst) && held_since.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(5));
    }
    if r.complete_in_callback {
        // Calling back into the library from inside the callback must work (no lock held).
        let mut p = BG_JOB_PROGRESS::default();
        assert_eq!(call!(job, GetProgress, &mut p), S_OK);
        *r.complete_hr.lock().unwrap() = Some(call!(job, Complete));
    }
    r.done.store(true, Ordering::SeqCst);
    S_OK
}
unsafe extern "C" fn error(
    this: *mut IBackgroundCopyCallback2,
    job: *mut IBackgroundCopyJob,
    err: *mut IBackgroundCopyError,
) -> HRESULT {
    let r = rec(this);
    r.events.lock().unwrap().push("error");
    let (mut ctx, mut code) = (0, 0);
    assert_eq!(call!(err, GetError, &mut ctx, &mut code), S_OK);
    *r.error_seen.lock().unwrap() = Some((ctx, code));
    r.errors.fetch_add(1, Ordering::SeqCst);
    assert_eq!(call!(job, Cancel), S_OK);
    r.done.store(true, Ordering::SeqCst);
    S_OK
}
unsafe extern "C" fn modification(
    this: *mut IBackgroundCopyCallback2,
    _: *mut IBackgroundCopyJob,
    _: DWORD,
) -> HRESULT {
    rec(this).modifications.fetch_add(1, Ordering::SeqCst);
    S_OK
}
unsafe extern "C" fn file_transferred(
    this: *mut IBackgroundCopyCallback2,
    _: *mut IBackgroundCopyJob,
    file: *mut IBackgroundCopyFile,
) -> HRESULT {
    let r = rec(this);
    r.events.lock().unwrap().push("file");
    if r.fail_file_times.load(Ordering::SeqCst) > 0 {
        r.fail_file_times.fetch_sub(1, Ordering::SeqCst);
        return E_FAIL;
    }
    let mut name: LPWSTR = null_mut();
    assert_eq!(call!(file, GetLocalName, &mut name), S_OK);
    r.files.lock().unwrap().push(take_str(name));
    S_OK
}

static VTBL: IBackgroundCopyCallback2Vtbl = IBackgroundCopyCallback2Vtbl {
    QueryInterface: Some(qi),
    AddRef: Some(addref),
    Release: Some(rel),
    JobTransferred: Some(transferred),
    JobError: Some(error),
    JobModification: Some(modification),
    FileTransferred: Some(file_transferred),
};

fn recorder(complete_in_callback: bool) -> Box<Recorder> {
    Box::new(Recorder {
        vtbl: &VTBL,
        refs: AtomicU32::new(1),
        complete_in_callback,
        transferred: AtomicU32::new(0),
        errors: AtomicU32::new(0),
        modifications: AtomicU32::new(0),
        files: Mutex::new(Vec::new()),
        complete_hr: Mutex::new(None),
        error_seen: Mutex::new(None),
        events: Mutex::new(Vec::new()),
        fail_transferred_times: AtomicUsize::new(0),
        fail_file_times: AtomicUsize::new(0),
        hold: AtomicBool::new(false),
        done: AtomicBool::new(false),
    })
}

fn wait(cond: impl Fn() -> bool, timeout: Duration) -> bool {
    let start = Instant::now();
    while !cond() {
        if start.elapsed() > timeout {
            return false;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    true
}

fn tempdir(tag: &str) -> std::path::PathBuf {
    let d = common::scratch_root().join(format!("deliveryopt-cb-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn add(job: *mut IBackgroundCopyJob, remote: &std::path::Path, local: &std::path::Path) {
    let r = wide(remote.to_str().unwrap());
    let l = wide(local.to_str().unwrap());
    assert_eq!(call!(job, AddFile, r.as_ptr(), l.as_ptr()), S_OK);
}

#[test]
fn complete_from_inside_job_transferred_and_file_callbacks_first() {
    let dir = tempdir("complete");
    for (i, n) in [10usize, 200_000, 0].iter().enumerate() {
        std::fs::write(dir.join(format!("src{i}")), vec![i as u8; *n]).unwrap();
    }
    let m = manager();
    let (_, job) = create_job(m, "callback-complete");
    for i in 0..3 {
        add(job, &dir.join(format!("src{i}")), &dir.join(format!("dst{i}")));
    }
    let cb = recorder(true);
    let pcb = &*cb as *const Recorder as *mut IUnknown;
    assert_eq!(
        call!(job, SetNotifyFlags, BG_NOTIFY_JOB_TRANSFERRED | BG_NOTIFY_JOB_ERROR | BG_NOTIFY_FILE_TRANSFERRED),
        S_OK
    );
    assert_eq!(call!(job, SetNotifyInterface, pcb), S_OK);
    assert_eq!(call!(job, Resume), S_OK);
    assert!(wait(|| cb.done.load(Ordering::SeqCst), Duration::from_secs(20)), "JobTransferred never came");
    assert_eq!(*cb.complete_hr.lock().unwrap(), Some(S_OK), "Complete inside the callback");
    let mut st = 0;
    call!(job, GetState, &mut st);
    assert_eq!(st, BG_JOB_STATE_ACKNOWLEDGED);
    for i in 0..3 {
        assert_eq!(
            std::fs::read(dir.join(format!("dst{i}"))).unwrap(),
            std::fs::read(dir.join(format!("src{i}"))).unwrap()
        );
    }
    let events = cb.events.lock().unwrap().clone();
    assert_eq!(events, vec!["file", "file", "file", "transferred"], "FileTransferred in order, before JobTransferred");
    let files = cb.files.lock().unwrap().clone();
    assert!(files[0].ends_with("dst0") && files[2].ends_with("dst2"));
    assert_eq!(cb.modifications.load(Ordering::SeqCst), 0, "JobModification not requested");
    // The job ended: the library gave its reference back.
    assert!(wait(|| cb.refs.load(Ordering::SeqCst) == 1, Duration::from_secs(5)));
    release(job);
    release(m);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn job_error_reaches_the_callback_with_its_context() {
    let dir = tempdir("error");
    let m = manager();
    let (_, job) = create_job(m, "callback-error");
    add(job, &dir.join("missing"), &dir.join("dst"));
    let cb = recorder(false);
    assert_eq!(call!(job, SetNotifyInterface, &*cb as *const Recorder as *mut IUnknown), S_OK);
    assert_eq!(call!(job, Resume), S_OK);
    assert!(wait(|| cb.done.load(Ordering::SeqCst), Duration::from_secs(20)), "JobError never came");
    assert_eq!(
        *cb.error_seen.lock().unwrap(),
        Some((BG_ERROR_CONTEXT_LOCAL_FILE, hresult_from_win32(ERROR_PATH_NOT_FOUND)))
    );
    assert_eq!(cb.transferred.load(Ordering::SeqCst), 0);
    assert!(wait(|| cb.refs.load(Ordering::SeqCst) == 1, Duration::from_secs(5)));
    release(job);
    release(m);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn modification_callbacks_are_sent_when_asked_and_a_late_registration_still_hears_transferred() {
    let dir = tempdir("late");
    std::fs::write(dir.join("src"), vec![7u8; 50_000]).unwrap();
    let m = manager();
    let (_, job) = create_job(m, "callback-late");
    add(job, &dir.join("src"), &dir.join("dst"));
    assert_eq!(call!(job, Resume), S_OK);
    assert!(wait(
        || {
            let mut st = 0;
            call!(job, GetState, &mut st);
            st == BG_JOB_STATE_TRANSFERRED
        },
        Duration::from_secs(20)
    ));
    // Registered after the job was transferred: BITS still delivers JobTransferred.
    let cb = recorder(false);
    assert_eq!(call!(job, SetNotifyFlags, BG_NOTIFY_JOB_TRANSFERRED | BG_NOTIFY_JOB_MODIFICATION), S_OK);
    assert_eq!(call!(job, SetNotifyInterface, &*cb as *const Recorder as *mut IUnknown), S_OK);
    // At least once: if the job's own event was still queued, both deliveries reach the callback.
    assert!(wait(|| cb.transferred.load(Ordering::SeqCst) >= 1, Duration::from_secs(10)));
    assert_eq!(call!(job, Complete), S_OK);
    assert_eq!(std::fs::read(dir.join("dst")).unwrap().len(), 50_000);
    release(job);
    release(m);
    assert!(wait(|| cb.refs.load(Ordering::SeqCst) == 1, Duration::from_secs(5)));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_failing_job_transferred_is_called_again() {
    let dir = tempdir("retry");
    std::fs::write(dir.join("src"), b"abc").unwrap();
    let m = manager();
    let (_, job) = create_job(m, "callback-retry");
    add(job, &dir.join("src"), &dir.join("dst"));
    let cb = recorder(true);
    cb.fail_transferred_times.store(1, Ordering::SeqCst);
    assert_eq!(call!(job, SetNotifyInterface, &*cb as *const Recorder as *mut IUnknown), S_OK);
    assert_eq!(call!(job, Resume), S_OK);
    assert!(wait(|| cb.done.load(Ordering::SeqCst), Duration::from_secs(20)), "JobTransferred was not retried");
    assert_eq!(cb.events.lock().unwrap().iter().filter(|e| **e == "transferred").count(), 2);
    assert_eq!(*cb.complete_hr.lock().unwrap(), Some(S_OK));
    release(job);
    release(m);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_failing_file_transferred_is_called_again_before_anything_after_it() {
    let dir = tempdir("file-retry");
    std::fs::write(dir.join("a"), b"first").unwrap();
    std::fs::write(dir.join("b"), b"second").unwrap();
    let m = manager();
    let (_, job) = create_job(m, "file-callback-retry");
    add(job, &dir.join("a"), &dir.join("a.out"));
    add(job, &dir.join("b"), &dir.join("b.out"));
    let cb = recorder(true);
    cb.fail_file_times.store(2, Ordering::SeqCst);
    assert_eq!(
        call!(job, SetNotifyFlags, BG_NOTIFY_JOB_TRANSFERRED | BG_NOTIFY_JOB_ERROR | BG_NOTIFY_FILE_TRANSFERRED),
        S_OK
    );
    assert_eq!(call!(job, SetNotifyInterface, &*cb as *const Recorder as *mut IUnknown), S_OK);
    assert_eq!(call!(job, Resume), S_OK);
    assert!(wait(|| cb.done.load(Ordering::SeqCst), Duration::from_secs(30)), "JobTransferred never came");
    // The first file's callback failed twice and was called again; the second file's and
    // JobTransferred waited for it.
    assert_eq!(*cb.events.lock().unwrap(), vec!["file", "file", "file", "file", "transferred"]);
    let files = cb.files.lock().unwrap().clone();
    assert_eq!(
        files,
        vec![dir.join("a.out").to_str().unwrap().to_string(), dir.join("b.out").to_str().unwrap().to_string()]
    );
    assert_eq!(*cb.complete_hr.lock().unwrap(), Some(S_OK));
    release(job);
    release(m);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn disable_flag_silences_every_callback() {
    let dir = tempdir("disable");
    std::fs::write(dir.join("src"), b"x").unwrap();
    let m = manager();
    let (_, job) = create_job(m, "callback-disable");
    add(job, &dir.join("src"), &dir.join("dst"));
    let cb = recorder(false);
    assert_eq!(
        call!(job, SetNotifyFlags, BG_NOTIFY_DISABLE | BG_NOTIFY_JOB_TRANSFERRED | BG_NOTIFY_JOB_MODIFICATION),
        S_OK
    );
    assert_eq!(call!(job, SetNotifyInterface, &*cb as *const Recorder as *mut IUnknown), S_OK);
    assert_eq!(call!(job, Resume), S_OK);
    assert!(wait(
        || {
            let mut st = 0;
            call!(job, GetState, &mut st);
            st == BG_JOB_STATE_TRANSFERRED
        },
        Duration::from_secs(20)
    ));
    std::thread::sleep(Duration::from_millis(300));
    assert!(cb.events.lock().unwrap().is_empty());
    assert_eq!(cb.modifications.load(Ordering::SeqCst), 0);
    assert_eq!(call!(job, Complete), S_OK);
    release(job);
    release(m);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_job_transferred_that_does_not_return_holds_up_no_other_job() {
    let dir = tempdir("held");
    let server = testserver::Server::start(testserver::Options::default()).unwrap();
    let m = manager();
    let (_, held) = create_job(m, "callback-held");
    // The held job's transfer ends at about 200 ms; the others (more than there are transfer
    // slots) each take 300 ms, so when it ends, jobs are queued and the worker that ran it is
    // given the next one before it calls JobTransferred.
    add_file(held, &server.url("/gen/1000/1?stall_after=500&stall_ms=200"), &dir.join("held.out"));
    let cb = recorder(true);
    cb.hold.store(true, Ordering::SeqCst);
    assert_eq!(call!(held, SetNotifyInterface, &*cb as *const Recorder as *mut IUnknown), S_OK);
    assert_eq!(call!(held, Resume), S_OK);
    let others: Vec<_> = (0..16)
        .map(|i| {
            let (_, job) = create_job(m, &format!("callback-held-{i}"));
            add_file(
                job,
                &server.url(&format!("/gen/1000/{}?stall_after=500&stall_ms=300", i + 2)),
                &dir.join(format!("other{i}.out")),
            );
            assert_eq!(call!(job, Resume), S_OK);
            job
        })
        .collect();
    assert!(wait(|| cb.transferred.load(Ordering::SeqCst) == 1, Duration::from_secs(20)), "JobTransferred never came");
    assert!(
        wait(|| others.iter().all(|&j| state(j) == BG_JOB_STATE_TRANSFERRED), Duration::from_secs(20)),
        "jobs queued behind a callback that does not return must still transfer: {:?}",
        others.iter().map(|&j| state(j)).collect::<Vec<_>>()
    );
    assert!(!cb.done.load(Ordering::SeqCst), "the held callback is still running");
    cb.hold.store(false, Ordering::SeqCst);
    assert!(wait(|| cb.done.load(Ordering::SeqCst), Duration::from_secs(20)));
    assert_eq!(*cb.complete_hr.lock().unwrap(), Some(S_OK), "Complete inside the callback, after the wait");
    for (i, &job) in others.iter().enumerate() {
        assert_eq!(call!(job, Complete), S_OK);
        assert_eq!(std::fs::read(dir.join(format!("other{i}.out"))).unwrap(), testserver::content(i as u64 + 2, 1000));
        release(job);
    }
    assert_eq!(std::fs::read(dir.join("held.out")).unwrap(), testserver::content(1, 1000));
    assert!(wait(|| cb.refs.load(Ordering::SeqCst) == 1, Duration::from_secs(5)));
    release(held);
    release(m);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn at_most_four_callbacks_are_in_flight_at_once() {
    let dir = tempdir("inflight");
    std::fs::write(dir.join("src"), b"four").unwrap();
    let m = manager();
    let cb = recorder(false);
    cb.hold.store(true, Ordering::SeqCst);
    let jobs: Vec<_> = (0..8)
        .map(|i| {
            let (_, job) = create_job(m, &format!("callback-inflight-{i}"));
            add(job, &dir.join("src"), &dir.join(format!("out{i}")));
            assert_eq!(call!(job, SetNotifyInterface, &*cb as *const Recorder as *mut IUnknown), S_OK);
            assert_eq!(call!(job, Resume), S_OK);
            job
        })
        .collect();
    assert!(wait(|| cb.transferred.load(Ordering::SeqCst) == 4, Duration::from_secs(20)));
    // Every job is TRANSFERRED, but four callbacks that do not return hold the others back.
    assert!(wait(|| jobs.iter().all(|&j| state(j) == BG_JOB_STATE_TRANSFERRED), Duration::from_secs(20)));
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(cb.transferred.load(Ordering::SeqCst), 4, "BITS has at most 4 notifications in flight");
    cb.hold.store(false, Ordering::SeqCst);
    assert!(wait(|| cb.transferred.load(Ordering::SeqCst) == 8, Duration::from_secs(20)));
    for &job in &jobs {
        assert_eq!(call!(job, Complete), S_OK);
        release(job);
    }
    assert!(wait(|| cb.refs.load(Ordering::SeqCst) == 1, Duration::from_secs(5)));
    release(m);
    std::fs::remove_dir_all(&dir).unwrap();
}
