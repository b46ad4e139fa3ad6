//! IBackgroundCopyJob3::AddFileWithRanges and File2::GetFileRanges: only the listed ranges are
//! fetched, written back to back in the given order; BG_LENGTH_TO_EOF runs to the end; bad ranges
//! are refused with their documented codes, and servers without ranges or files too short end in
//! the documented job errors.
mod common;

use common::*;
use core::ptr::null_mut;
use std::path::Path;
use std::sync::Once;
use std::time::Duration;

use testserver::{content, Options, Server};

fn setup() -> Server {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        std::env::set_var("DELIVERYOPT_READ_TIMEOUT_MS", "3000");
        std::env::set_var("DELIVERYOPT_MAX_JOBS_PER_USER", "1000");
        std::env::set_var("DELIVERYOPT_MAX_JOBS_PER_MACHINE", "1000");
    });
    Server::start(Options::default()).unwrap()
}

fn r(offset: u64, length: u64) -> BG_FILE_RANGE {
    BG_FILE_RANGE { InitialOffset: offset, Length: length }
}

fn add_ranged(job: *mut IBackgroundCopyJob, url: &str, local: &Path, ranges: &mut [BG_FILE_RANGE]) -> HRESULT {
    let (u, l) = (wide(url), wide(local.to_str().unwrap()));
    let j3 = job as *mut IBackgroundCopyJob3;
    call!(j3, AddFileWithRanges, u.as_ptr(), l.as_ptr(), ranges.len() as u32, ranges.as_mut_ptr())
}

fn first_file(job: *mut IBackgroundCopyJob) -> *mut IBackgroundCopyFile6 {
    let mut e: *mut IEnumBackgroundCopyFiles = null_mut();
    assert_eq!(call!(job, EnumFiles, &mut e), S_OK);
    let (mut f, mut got): (*mut IBackgroundCopyFile, u32) = (null_mut(), 0);
    assert_eq!(call!(e, Next, 1, &mut f, &mut got), S_OK);
    release(e);
    let f6 = qi(f, &IID_IBackgroundCopyFile6).unwrap() as *mut IBackgroundCopyFile6;
    release(f);
    f6
}

fn ranges_of(file: *mut IBackgroundCopyFile6, filled: bool) -> (HRESULT, Vec<BG_FILE_RANGE>) {
    let (mut n, mut p): (u32, *mut BG_FILE_RANGE) = (99, null_mut());
    let hr = if filled {
        call!(file, GetFilledFileRanges, &mut n, &mut p)
    } else {
        call!(file, GetFileRanges, &mut n, &mut p)
    };
    let v = if p.is_null() { Vec::new() } else { unsafe { std::slice::from_raw_parts(p, n as usize).to_vec() } };
    unsafe { deliveryopt::abi::memory::CoTaskMemFree(p as *mut _) };
    (hr, v)
}

#[test]
fn listed_ranges_are_written_back_to_back_in_the_given_order() {
    let s = setup();
    let dir = tempdir("order");
    let m = manager();
    let (_, job) = create_job(m, "ranges");
    let mut ranges = [r(50_000, 1000), r(0, 500), r(99_000, BG_LENGTH_TO_EOF)];
    assert_eq!(add_ranged(job, &s.url("/gen/100000/71"), &dir.join("out"), &mut ranges), S_OK);
    let file = first_file(job);
    assert_eq!(ranges_of(file, false), (S_OK, ranges.to_vec()));
    assert_eq!(ranges_of(file, true).1, vec![], "nothing on disk yet");
    assert_eq!(call!(job, Resume), S_OK);
    assert_eq!(wait_end(job), BG_JOB_STATE_TRANSFERRED);
    let mut p = BG_JOB_PROGRESS::default();
    assert_eq!(call!(job, GetProgress, &mut p), S_OK);
    assert_eq!((p.BytesTotal, p.BytesTransferred), (2500, 2500));
    assert_eq!(ranges_of(file, true).1, vec![r(50_000, 1000), r(0, 500), r(99_000, 1000)]);
    assert_eq!(call!(job, Complete), S_OK);
    let c = content(71, 100_000);
    let expected = [&c[50_000..51_000], &c[..500], &c[99_000..]].concat();
    assert_eq!(std::fs::read(dir.join("out")).unwrap(), expected);
    let asked: Vec<String> = s
        .requests_for("/gen/100000/71")
        .iter()
        .filter(|q| q.method == "GET")
        .filter_map(|q| q.header("range").map(str::to_string))
        .collect();
    // The TO_EOF range is asked with its end: the first answer told the size.
    assert_eq!(asked, ["bytes=50000-50999", "bytes=0-499", "bytes=99000-99999"], "only the ranges were asked for");
    release(file);
    release(job);
    release(m);
}

#[test]
fn bad_ranges_are_refused_and_add_nothing() {
    let s = setup();
    let dir = tempdir("bad");
    let m = manager();
    let (_, job) = create_job(m, "bad ranges");
    let url = s.url("/gen/1000/72");
    let out = dir.join("out");
    let cases: Vec<(Vec<BG_FILE_RANGE>, HRESULT)> = vec![
        (vec![r(0, 10), r(5, 10)], BG_E_OVERLAPPING_RANGES),
        (vec![r(100, 10), r(100, 10)], BG_E_OVERLAPPING_RANGES),
        (vec![r(20, 5), r(0, BG_LENGTH_TO_EOF)], BG_E_OVERLAPPING_RANGES),
        (vec![r(BG_LENGTH_TO_EOF, 10)], BG_E_INVALID_RANGE),
        (vec![r(0, 0)], BG_E_INVALID_RANGE),
        (vec![r(u64::MAX - 5, 10)], BG_E_INVALID_RANGE),
        ((0..501).map(|i| r(i * 10, 5)).collect(), BG_E_TOO_MANY_RANGES_IN_FILE),
    ];
    for (mut ranges, code) in cases {
        assert_eq!(add_ranged(job, &url, &out, &mut ranges), code, "{ranges:?}");
    }
    let (u, l) = (wide(&url), wide(out.to_str().unwrap()));
    let j3 = job as *mut IBackgroundCopyJob3;
    assert_eq!(call!(j3, AddFileWithRanges, u.as_ptr(), l.as_ptr(), 0, null_mut()), E_INVALIDARG);
    assert_eq!(call!(j3, AddFileWithRanges, u.as_ptr(), l.as_ptr(), 1, null_mut()), E_INVALIDARG);
    std::fs::write(dir.join("src"), b"local").unwrap();
    assert_eq!(add_ranged(job, dir.join("src").to_str().unwrap(), &out, &mut [r(0, 2)]), E_INVALIDARG);
    let mut n = 9;
    let mut files: *mut IEnumBackgroundCopyFiles = null_mut();
    assert_eq!(call!(job, EnumFiles, &mut files), S_OK);
    assert_eq!(call!(files, GetCount, &mut n), S_OK);
    assert_eq!(n, 0, "no refused call added a file");
    release(files);
    // Non-overlapping ranges in any order are fine.
    assert_eq!(add_ranged(job, &url, &out, &mut [r(900, 50), r(0, 10), r(960, BG_LENGTH_TO_EOF)]), S_OK);
    discard(job);
    release(m);
}

#[test]
fn servers_without_ranges_and_ranges_past_the_end_are_job_errors() {
    let s = setup();
    let dir = tempdir("errors");
    let m = manager();
    let cases = [
        ("/gen/10000/73?ignore_range=1", r(100, 50), BG_E_INSUFFICIENT_RANGE_SUPPORT),
        ("/gen/10000/74", r(20_000, 10), BG_E_INVALID_RANGE),
        ("/gen/10000/75", r(9_990, 100), BG_E_INVALID_RANGE),
    ];
    for (i, (path, range, code)) in cases.into_iter().enumerate() {
        let (_, job) = create_job(m, "range errors");
        assert_eq!(add_ranged(job, &s.url(path), &dir.join(format!("out{i}")), &mut [range]), S_OK);
        assert_eq!(call!(job, Resume), S_OK);
        assert_eq!(wait_end(job), BG_JOB_STATE_ERROR, "{path}");
        assert_eq!(error_code(job), code, "{path}");
        discard(job);
    }
    release(m);
}

#[test]
fn a_suspended_ranged_file_resumes_inside_the_range_it_stopped_in() {
    let s = setup();
    let dir = tempdir("resume");
    let m = manager();
    let (_, job) = create_job(m, "ranged resume");
    let url = s.url("/gen/1000000/76?trickle_bps=1500000");
    assert_eq!(add_ranged(job, &url, &dir.join("out"), &mut [r(0, 300_000), r(500_000, 300_000)]), S_OK);
    assert_eq!(call!(job, Resume), S_OK);
    let received = || {
        let mut p = BG_JOB_PROGRESS::default();
        assert_eq!(call!(job, GetProgress, &mut p), S_OK);
        p.BytesTransferred
    };
    assert!(wait_until(Duration::from_secs(30), || received() >= 400_000), "into the second range");
    assert_eq!(call!(job, Suspend), S_OK);
    let at = received();
    s.clear_requests();
    assert_eq!(call!(job, Resume), S_OK);
    assert_eq!(wait_end(job), BG_JOB_STATE_TRANSFERRED);
    let first = s.requests_for("/gen/1000000/76").into_iter().find(|q| q.method == "GET").unwrap();
    let from: u64 =
        first.header("range").unwrap().trim_start_matches("bytes=").split('-').next().unwrap().parse().unwrap();
    assert!(
        from >= 500_000 + (at - 300_000),
        "resumed inside the second range: {:?} (had {at})",
        first.header("range")
    );
    assert_eq!(call!(job, Complete), S_OK);
    let c = content(76, 1_000_000);
    assert_eq!(std::fs::read(dir.join("out")).unwrap(), [&c[..300_000], &c[500_000..800_000]].concat());
    release(job);
    release(m);
}

/// A minimal IBackgroundCopyCallback3 that records FileRangesTransferred calls.
#[repr(C)]
struct RangeRecorder {
    vtbl: *const IBackgroundCopyCallback3Vtbl,
    refs: std::sync::atomic::AtomicU32,
    ranges: std::sync::Mutex<Vec<(String, u64, u64)>>,
    calls: std::sync::atomic::AtomicU32,
}

fn rr<'a>(this: *mut IBackgroundCopyCallback3) -> &'a RangeRecorder {
    unsafe { &*(this as *const RangeRecorder) }
}

unsafe extern "C" fn rr_qi(
    this: *mut IBackgroundCopyCallback3,
    riid: REFIID,
    ppv: *mut *mut core::ffi::c_void,
) -> HRESULT {
    let iid = *riid;
    let known = [IID_IUnknown, IID_IBackgroundCopyCallback, IID_IBackgroundCopyCallback2, IID_IBackgroundCopyCallback3];
    if known.contains(&iid) {
        rr(this).refs.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        *ppv = this as *mut core::ffi::c_void;
        S_OK
    } else {
        *ppv = null_mut();
        E_NOINTERFACE
    }
}
unsafe extern "C" fn rr_addref(this: *mut IBackgroundCopyCallback3) -> ULONG {
    rr(this).refs.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1
}
unsafe extern "C" fn rr_release(this: *mut IBackgroundCopyCallback3) -> ULONG {
    rr(this).refs.fetch_sub(1, std::sync::atomic::Ordering::SeqCst) - 1
}
unsafe extern "C" fn rr_job(_: *mut IBackgroundCopyCallback3, _: *mut IBackgroundCopyJob) -> HRESULT {
    S_OK
}
unsafe extern "C" fn rr_error(
    _: *mut IBackgroundCopyCallback3,
    _: *mut IBackgroundCopyJob,
    _: *mut IBackgroundCopyError,
) -> HRESULT {
    S_OK
}
unsafe extern "C" fn rr_modification(
    _: *mut IBackgroundCopyCallback3,
    _: *mut IBackgroundCopyJob,
    _: DWORD,
) -> HRESULT {
    S_OK
}
unsafe extern "C" fn rr_file(
    _: *mut IBackgroundCopyCallback3,
    _: *mut IBackgroundCopyJob,
    _: *mut IBackgroundCopyFile,
) -> HRESULT {
    S_OK
}
unsafe extern "C" fn rr_ranges(
    this: *mut IBackgroundCopyCallback3,
    _job: *mut IBackgroundCopyJob,
    file: *mut IBackgroundCopyFile,
    count: DWORD,
    ranges: *const BG_FILE_RANGE,
) -> HRESULT {
    let mut name: LPWSTR = null_mut();
    assert_eq!(call!(file, GetLocalName, &mut name), S_OK);
    let name = take_str(name);
    let got = std::slice::from_raw_parts(ranges, count as usize);
    rr(this).calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let mut v = rr(this).ranges.lock().unwrap();
    for r in got {
        v.push((name.clone(), r.InitialOffset, r.Length));
    }
    S_OK
}

static RR_VTBL: IBackgroundCopyCallback3Vtbl = IBackgroundCopyCallback3Vtbl {
    QueryInterface: Some(rr_qi),
    AddRef: Some(rr_addref),
    Release: Some(rr_release),
    JobTransferred: Some(rr_job),
    JobError: Some(rr_error),
    JobModification: Some(rr_modification),
    FileTransferred: Some(rr_file),
    FileRangesTransferred: Some(rr_ranges),
};

#[test]
fn callback3_hears_each_finished_range_when_asked() {
    let s = setup();
    let dir = tempdir("callback3");
    let m = manager();
    let cb = Box::new(RangeRecorder {
        vtbl: &RR_VTBL,
        refs: std::sync::atomic::AtomicU32::new(1),
        ranges: std::sync::Mutex::new(Vec::new()),
        calls: std::sync::atomic::AtomicU32::new(0),
    });
    let pcb = &*cb as *const RangeRecorder as *mut IUnknown;
    for (tag, flags) in
        [("quiet", BG_NOTIFY_JOB_TRANSFERRED), ("asked", BG_NOTIFY_JOB_TRANSFERRED | BG_NOTIFY_FILE_RANGES_TRANSFERRED)]
    {
        let (_, job) = create_job(m, tag);
        let out = dir.join(tag);
        assert_eq!(
            add_ranged(job, &s.url("/gen/50000/77"), &out, &mut [r(1000, 100), r(40_000, BG_LENGTH_TO_EOF)]),
            S_OK
        );
        assert_eq!(call!(job, SetNotifyFlags, flags), S_OK);
        assert_eq!(call!(job, SetNotifyInterface, pcb), S_OK);
        assert_eq!(call!(job, Resume), S_OK);
        assert_eq!(wait_end(job), BG_JOB_STATE_TRANSFERRED);
        let name = out.to_str().unwrap().to_string();
        let expected = if tag == "asked" { vec![(name.clone(), 1000, 100), (name, 40_000, 10_000)] } else { vec![] };
        assert!(
            wait_until(Duration::from_secs(10), || *cb.ranges.lock().unwrap() == expected),
            "{tag}: {:?}",
            cb.ranges.lock().unwrap()
        );
        assert_eq!(call!(job, Complete), S_OK);
        release(job);
        cb.ranges.lock().unwrap().clear();
    }

    // Twenty ranges finishing at once, with the default 500 ms MINIMUM_NOTIFICATION_INTERVAL_MS:
    // all of them are told, in at most two calls (one at once, the rest folded into one later).
    let (_, job) = create_job(m, "many");
    let out = dir.join("many");
    let mut many: Vec<BG_FILE_RANGE> = (0..20).map(|i| r(i * 2000, 1000)).collect();
    assert_eq!(add_ranged(job, &s.url("/gen/50000/78"), &out, &mut many), S_OK);
    assert_eq!(call!(job, SetNotifyFlags, BG_NOTIFY_FILE_RANGES_TRANSFERRED | BG_NOTIFY_JOB_TRANSFERRED), S_OK);
    assert_eq!(call!(job, SetNotifyInterface, pcb), S_OK);
    cb.calls.store(0, std::sync::atomic::Ordering::SeqCst);
    assert_eq!(call!(job, Resume), S_OK);
    assert_eq!(wait_end(job), BG_JOB_STATE_TRANSFERRED);
    assert!(wait_until(Duration::from_secs(10), || cb.ranges.lock().unwrap().len() == 20), "all twenty told");
    let calls = cb.calls.load(std::sync::atomic::Ordering::SeqCst);
    assert!((1..=2).contains(&calls), "{calls} calls for ranges finished together");
    assert_eq!(call!(job, Complete), S_OK);
    release(job);
    release(m);
    assert!(
        wait_until(Duration::from_secs(10), || cb.refs.load(std::sync::atomic::Ordering::SeqCst) == 1),
        "every reference returned"
    );
}
