//! IBackgroundCopyJob2 notify command lines: run without a shell when the job reaches
//! TRANSFERRED or ERROR, exactly once per event, only when no callback answered.

mod common;

use common::*;
use core::ffi::c_void;
use core::ptr::null_mut;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

fn tempdir(tag: &str) -> PathBuf {
    let d = common::scratch_root().join(format!("deliveryopt-cmdline-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn wait_lines(path: &Path, n: usize, timeout: Duration) -> Vec<String> {
    let t = Instant::now();
    loop {
        let lines: Vec<String> =
            std::fs::read_to_string(path).map(|s| s.lines().map(str::to_owned).collect()).unwrap_or_default();
        if lines.len() >= n || t.elapsed() > timeout {
            return lines;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// A job copying a local file (or a missing one), with a command line that appends the job id to
/// `marker`.
fn job_with_cmdline(
    m: *mut IBackgroundCopyManager,
    dir: &Path,
    source_exists: bool,
) -> (GUID, *mut IBackgroundCopyJob) {
    let src = dir.join("src");
    if source_exists {
        std::fs::write(&src, b"payload").unwrap();
    }
    let (id, job) = create_job(m, "cmdline");
    let r = wide(src.to_str().unwrap());
    let l = wide(dir.join("dst").to_str().unwrap());
    assert_eq!(call!(job, AddFile, r.as_ptr(), l.as_ptr()), S_OK);
    let program = wide("/bin/sh");
    let params = wide(&format!(r#"sh -c "echo $DELIVERYOPT_JOB_ID >> {}""#, dir.join("marker").display()));
    assert_eq!(call!(job as *mut IBackgroundCopyJob2, SetNotifyCmdLine, program.as_ptr(), params.as_ptr()), S_OK);
    (id, job)
}

#[test]
fn the_command_line_runs_once_when_the_job_is_transferred() {
    let dir = tempdir("once");
    let m = manager();
    let (id, job) = job_with_cmdline(m, &dir, true);
    let (mut p, mut a): (LPWSTR, LPWSTR) = (null_mut(), null_mut());
    assert_eq!(call!(job as *mut IBackgroundCopyJob2, GetNotifyCmdLine, &mut p, &mut a), S_OK);
    assert_eq!(take_str(p), "/bin/sh");
    assert!(take_str(a).starts_with("sh -c"));
    assert_eq!(call!(job, Resume), S_OK);
    let lines = wait_lines(&dir.join("marker"), 1, Duration::from_secs(20));
    assert_eq!(lines, vec![format!("{id}")], "run once, with the job's GUID");
    // Asking again (a callback registered now re-posts the event) does not run it twice.
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(wait_lines(&dir.join("marker"), 2, Duration::from_millis(200)).len(), 1);
    assert_eq!(call!(job, Complete), S_OK);
    release(job);
    release(m);
}

#[test]
fn errors_run_it_too_and_a_late_command_line_still_runs() {
    let dir = tempdir("error");
    let m = manager();
    let (_, job) = create_job(m, "late");
    let r = wide(dir.join("missing").to_str().unwrap());
    let l = wide(dir.join("dst").to_str().unwrap());
    assert_eq!(call!(job, AddFile, r.as_ptr(), l.as_ptr()), S_OK);
    assert_eq!(call!(job, Resume), S_OK);
    let t = Instant::now();
    let mut st = 0;
    while st != BG_JOB_STATE_ERROR && t.elapsed() < Duration::from_secs(20) {
        call!(job, GetState, &mut st);
        std::thread::sleep(Duration::from_millis(5));
    }
    assert_eq!(st, BG_JOB_STATE_ERROR);
    // Set after the event: BITS still runs it.
    let program = wide("/bin/sh");
    let params = wide(&format!(r#"sh -c "echo error >> {}""#, dir.join("marker").display()));
    assert_eq!(call!(job as *mut IBackgroundCopyJob2, SetNotifyCmdLine, program.as_ptr(), params.as_ptr()), S_OK);
    assert_eq!(wait_lines(&dir.join("marker"), 1, Duration::from_secs(20)), vec!["error"]);
    assert_eq!(call!(job, Cancel), S_OK);
    release(job);
    release(m);
}

#[test]
fn bad_command_lines_are_refused_and_removal_gives_empty_strings() {
    let m = manager();
    let (_, job) = create_job(m, "bad-cmdline");
    let j2 = job as *mut IBackgroundCopyJob2;
    let rel = wide("relative/prog");
    let params = wide("x");
    let long = wide(&format!("/{}", "p".repeat(300)));
    assert_eq!(call!(j2, SetNotifyCmdLine, rel.as_ptr(), null_mut()), E_INVALIDARG);
    assert_eq!(call!(j2, SetNotifyCmdLine, null_mut(), params.as_ptr()), E_INVALIDARG);
    assert_eq!(call!(j2, SetNotifyCmdLine, long.as_ptr(), null_mut()), BG_E_STRING_TOO_LONG);
    let (mut p, mut a): (LPWSTR, LPWSTR) = (null_mut(), null_mut());
    assert_eq!(call!(j2, GetNotifyCmdLine, &mut p, &mut a), S_OK);
    assert_eq!((take_str(p), take_str(a)), (String::new(), String::new()), "never set: empty strings");
    let prog = wide("/bin/true");
    assert_eq!(call!(j2, SetNotifyCmdLine, prog.as_ptr(), null_mut()), S_OK);
    assert_eq!(call!(j2, SetNotifyCmdLine, null_mut(), null_mut()), S_OK);
    assert_eq!(call!(j2, GetNotifyCmdLine, &mut p, &mut a), S_OK);
    assert_eq!((take_str(p), take_str(a)), (String::new(), String::new()), "removed");
    assert_eq!(call!(j2, GetNotifyCmdLine, null_mut(), &mut a), E_INVALIDARG);
    assert_eq!(call!(job, Cancel), S_OK);
    assert_eq!(call!(j2, SetNotifyCmdLine, prog.as_ptr(), null_mut()), BG_E_INVALID_STATE);
    release(job);
    release(m);
}

/// A minimal IBackgroundCopyCallback whose JobTransferred returns `result`.
#[repr(C)]
struct Cb {
    vtbl: *const IBackgroundCopyCallbackVtbl,
    refs: AtomicU32,
    result: HRESULT,
    calls: AtomicU32,
}

unsafe extern "C" fn qi(this: *mut IBackgroundCopyCallback, riid: REFIID, ppv: *mut *mut c_void) -> HRESULT {
    if *riid == IID_IUnknown || *riid == IID_IBackgroundCopyCallback {
        (*(this as *mut Cb)).refs.fetch_add(1, Ordering::SeqCst);
        *ppv = this as *mut c_void;
        S_OK
    } else {
        *ppv = null_mut();
        E_NOINTERFACE
    }
}
unsafe extern "C" fn addref(this: *mut IBackgroundCopyCallback) -> ULONG {
    (*(this as *mut Cb)).refs.fetch_add(1, Ordering::SeqCst) + 1
}
unsafe extern "C" fn rel(this: *mut IBackgroundCopyCallback) -> ULONG {
    (*(this as *mut Cb)).refs.fetch_sub(1, Ordering::SeqCst) - 1
}
unsafe extern "C" fn transferred(this: *mut IBackgroundCopyCallback, _: *mut IBackgroundCopyJob) -> HRESULT {
    let cb = &*(this as *mut Cb);
    cb.calls.fetch_add(1, Ordering::SeqCst);
    cb.result
}
unsafe extern "C" fn error(
    _: *mut IBackgroundCopyCallback,
    _: *mut IBackgroundCopyJob,
    _: *mut IBackgroundCopyError,
) -> HRESULT {
    S_OK
}
unsafe extern "C" fn modification(_: *mut IBackgroundCopyCallback, _: *mut IBackgroundCopyJob, _: DWORD) -> HRESULT {
    S_OK
}
static VTBL: IBackgroundCopyCallbackVtbl = IBackgroundCopyCallbackVtbl {
    QueryInterface: Some(qi),
    AddRef: Some(addref),
    Release: Some(rel),
    JobTransferred: Some(transferred),
    JobError: Some(error),
    JobModification: Some(modification),
};

#[test]
fn a_working_callback_takes_precedence_and_a_failing_one_gives_way_to_the_command_line() {
    for (result, runs) in [(S_OK, 0usize), (E_FAIL, 1usize)] {
        let dir = tempdir(if runs == 0 { "cb-ok" } else { "cb-fail" });
        let m = manager();
        let (_, job) = job_with_cmdline(m, &dir, true);
        let cb = Box::new(Cb { vtbl: &VTBL, refs: AtomicU32::new(1), result, calls: AtomicU32::new(0) });
        assert_eq!(call!(job, SetNotifyInterface, &*cb as *const Cb as *mut IUnknown), S_OK);
        assert_eq!(call!(job, Resume), S_OK);
        let t = Instant::now();
        while cb.calls.load(Ordering::SeqCst) == 0 && t.elapsed() < Duration::from_secs(20) {
            std::thread::sleep(Duration::from_millis(5));
        }
        assert_eq!(cb.calls.load(Ordering::SeqCst), 1);
        let lines =
            wait_lines(&dir.join("marker"), runs.max(1), Duration::from_millis(if runs == 0 { 500 } else { 20_000 }));
        assert_eq!(lines.len(), runs, "callback returned {result:#x}");
        std::thread::sleep(Duration::from_millis(1500));
        assert_eq!(
            cb.calls.load(Ordering::SeqCst),
            1,
            "a failed callback is not called again once the command line ran"
        );
        assert_eq!(call!(job, Complete), S_OK);
        release(job);
        release(m);
    }
}
