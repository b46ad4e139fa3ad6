//! BITS 10.1 on-demand (random access) jobs through the C ABI: Job5 ON_DEMAND_MODE and
//! File6::RequestFileRanges / UpdateDownloadPosition / GetFilledFileRanges, with
//! Callback3::FileRangesTransferred, against the loopback test server. Requested bytes (and only
//! those) are fetched and land at their own offsets; overlaps are split; the job goes SUSPENDED
//! when the requests are done and TRANSFERRED when the file is whole; the download position
//! orders the requests; bad ranges, jobs that are not on demand, servers without ranges and
//! changing servers end in their documented codes, never in a mixed file.
// `1 as *mut T` values are deliberate non-NULL sentinels that a failing call must reset to NULL.
#![allow(clippy::manual_dangling_ptr)]

mod common;

use common::*;
use core::ptr::null_mut;
use std::path::Path;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, Once};
use std::time::Duration;

use testserver::{content, Options, Server};

fn setup() -> Server {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        std::env::set_var("DELIVERYOPT_READ_TIMEOUT_MS", "5000");
        std::env::set_var("DELIVERYOPT_MAX_JOBS_PER_USER", "1000");
        std::env::set_var("DELIVERYOPT_MAX_JOBS_PER_MACHINE", "1000");
    });
    Server::start(Options::default()).unwrap()
}

const T: Duration = Duration::from_secs(30);

fn r(offset: u64, length: u64) -> BG_FILE_RANGE {
    BG_FILE_RANGE { InitialOffset: offset, Length: length }
}

fn job5(job: *mut IBackgroundCopyJob) -> *mut IBackgroundCopyJob5 {
    qi(job, &IID_IBackgroundCopyJob5).unwrap() as *mut IBackgroundCopyJob5
}

fn set_on_demand(job: *mut IBackgroundCopyJob, on: bool) -> HRESULT {
    let j5 = job5(job);
    let v = BITS_JOB_PROPERTY_VALUE { Enable: on as BOOL };
    let hr = call!(j5, SetProperty, BITS_JOB_PROPERTY_ON_DEMAND_MODE, v);
    release(j5);
    hr
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

/// A new on-demand job with one file.
fn on_demand_job(
    m: *mut IBackgroundCopyManager,
    url: &str,
    local: &Path,
) -> (*mut IBackgroundCopyJob, *mut IBackgroundCopyFile6) {
    let (_, job) = create_job(m, "on demand");
    assert_eq!(set_on_demand(job, true), S_OK);
    add_file(job, url, local);
    let file = first_file(job);
    (job, file)
}

fn request(file: *mut IBackgroundCopyFile6, ranges: &[BG_FILE_RANGE]) -> HRESULT {
    call!(file, RequestFileRanges, ranges.len() as u32, ranges.as_ptr())
}

fn filled(file: *mut IBackgroundCopyFile6) -> (HRESULT, Vec<BG_FILE_RANGE>) {
    let (mut n, mut p): (u32, *mut BG_FILE_RANGE) = (99, 1 as *mut BG_FILE_RANGE);
    let hr = call!(file, GetFilledFileRanges, &mut n, &mut p);
    let v = if p.is_null() { Vec::new() } else { unsafe { std::slice::from_raw_parts(p, n as usize).to_vec() } };
    unsafe { deliveryopt::abi::memory::CoTaskMemFree(p as *mut _) };
    (hr, v)
}

fn temp_name(file: *mut IBackgroundCopyFile6) -> String {
    let mut p: LPWSTR = null_mut();
    assert_eq!(call!(file, GetTemporaryName, &mut p), S_OK);
    take_str(p)
}

/// The Range headers of the GET requests for `path`, in order.
fn ranges_asked(s: &Server, path: &str) -> Vec<String> {
    s.requests_for(path)
        .iter()
        .filter(|q| q.method == "GET")
        .map(|q| q.header("range").unwrap_or("none").to_string())
        .collect()
}

/// Resumes and waits until the job leaves the active states; returns the state it stopped in.
fn run_requests(job: *mut IBackgroundCopyJob) -> BG_JOB_STATE {
    assert_eq!(call!(job, Resume), S_OK);
    wait_for(job, &[BG_JOB_STATE_SUSPENDED, BG_JOB_STATE_TRANSFERRED, BG_JOB_STATE_ERROR], T)
}

fn progress(job: *mut IBackgroundCopyJob) -> (u64, u64) {
    let mut p = BG_JOB_PROGRESS::default();
    assert_eq!(call!(job, GetProgress, &mut p), S_OK);
    (p.BytesTotal, p.BytesTransferred)
}

#[test]
fn requested_ranges_land_at_their_offsets_and_only_they_are_fetched() {
    let s = setup();
    let dir = tempdir("ondemand-offsets");
    let m = manager();
    let path = "/gen/200000/81";
    let (job, file) = on_demand_job(m, &s.url(path), &dir.join("out"));
    assert_eq!(filled(file), (S_OK, vec![]), "nothing on disk yet");
    // Given out of order; BG_LENGTH_TO_EOF is accepted before the size is known.
    assert_eq!(request(file, &[r(100_000, 2000), r(10_000, 5000), r(195_000, BG_LENGTH_TO_EOF)]), S_OK);
    assert_eq!(state(job), BG_JOB_STATE_SUSPENDED, "RequestFileRanges alone does not start the job");
    assert_eq!(run_requests(job), BG_JOB_STATE_SUSPENDED, "requests done, the file is not whole");
    assert_eq!(filled(file), (S_OK, vec![r(10_000, 5000), r(100_000, 2000), r(195_000, 5000)]));
    assert_eq!(
        ranges_asked(&s, path),
        ["bytes=100000-101999", "bytes=10000-14999", "bytes=195000-199999"],
        "each requested range once, in the order given (TO_EOF cut at the size the first answer told)"
    );
    assert_eq!(progress(job), (200_000, 12_000));
    let c = content(81, 200_000);
    let temp = std::fs::read(temp_name(file)).unwrap();
    assert_eq!(temp.len(), 200_000, "the temporary file has the remote's size");
    assert_eq!(&temp[10_000..15_000], &c[10_000..15_000]);
    assert_eq!(&temp[100_000..102_000], &c[100_000..102_000]);
    assert_eq!(&temp[195_000..], &c[195_000..]);
    assert!(temp[..10_000].iter().all(|b| *b == 0), "bytes never asked for are not there");

    // Overlapping requests: only the bytes not on disk are fetched, and the filled ranges merge.
    s.clear_requests();
    assert_eq!(request(file, &[r(12_000, 6000), r(99_000, 4000)]), S_OK);
    assert_eq!(run_requests(job), BG_JOB_STATE_SUSPENDED);
    assert_eq!(ranges_asked(&s, path), ["bytes=15000-17999", "bytes=99000-99999", "bytes=102000-102999"]);
    assert_eq!(filled(file), (S_OK, vec![r(10_000, 8000), r(99_000, 4000), r(195_000, 5000)]));
    // Past the end, now that the size is known: refused at once, nothing queued.
    assert_eq!(request(file, &[r(199_000, 2000)]), BG_E_INVALID_RANGE);
    assert_eq!(request(file, &[r(200_000, 1)]), BG_E_INVALID_RANGE);
    assert_eq!(request(file, &[r(5, 0)]), BG_E_INVALID_RANGE);
    assert_eq!(request(file, &[r(BG_LENGTH_TO_EOF, 5)]), BG_E_INVALID_RANGE);
    assert_eq!(call!(file, RequestFileRanges, 0, null_mut()), E_INVALIDARG);
    assert_eq!(call!(file, RequestFileRanges, 1, null_mut()), E_INVALIDARG);

    // A Resume without requests fetches every missing byte: the file becomes whole, each byte
    // fetched once.
    s.clear_requests();
    assert_eq!(run_requests(job), BG_JOB_STATE_TRANSFERRED);
    assert_eq!(filled(file), (S_OK, vec![r(0, 200_000)]));
    let sent: u64 = s.requests_for(path).iter().map(|q| q.body_bytes_sent).sum();
    assert_eq!(sent, 200_000 - 8000 - 4000 - 5000, "no byte on disk was asked again");
    assert_eq!(call!(job, Complete), S_OK);
    assert_eq!(std::fs::read(dir.join("out")).unwrap(), c);
    release(file);
    release(job);
    release(m);
}

#[test]
fn complete_keeps_only_whole_files() {
    let s = setup();
    let dir = tempdir("ondemand-partial");
    let m = manager();
    let (job, file) = on_demand_job(m, &s.url("/gen/50000/82"), &dir.join("out"));
    assert_eq!(request(file, &[r(0, 1000)]), S_OK);
    assert_eq!(run_requests(job), BG_JOB_STATE_SUSPENDED);
    let temp = temp_name(file);
    assert_eq!(call!(job, Complete), BG_S_PARTIAL_COMPLETE);
    assert!(!dir.join("out").exists(), "a partly filled file is not delivered");
    assert!(!Path::new(&temp).exists(), "its temporary file is gone");

    // Every requested byte present and the file whole: TRANSFERRED straight away.
    let (job2, file2) = on_demand_job(m, &s.url("/gen/3000/83"), &dir.join("small"));
    assert_eq!(request(file2, &[r(0, 2000), r(1000, 2000)]), S_OK);
    assert_eq!(run_requests(job2), BG_JOB_STATE_TRANSFERRED);
    assert_eq!(call!(job2, Complete), S_OK);
    assert_eq!(std::fs::read(dir.join("small")).unwrap(), content(83, 3000));
    release(file);
    release(file2);
    release(job);
    release(job2);
    release(m);
}

#[test]
fn the_download_position_orders_the_requests() {
    let s = setup();
    let dir = tempdir("ondemand-position");
    let m = manager();
    // Set before Resume: the range holding the position is split there; the ranges from the
    // position on come first, then those before it.
    let path = "/gen/500000/84";
    let (job, file) = on_demand_job(m, &s.url(path), &dir.join("a"));
    assert_eq!(request(file, &[r(0, 10_000), r(100_000, 20_000), r(300_000, 10_000)]), S_OK);
    assert_eq!(call!(file, UpdateDownloadPosition, 110_000), S_OK);
    assert_eq!(run_requests(job), BG_JOB_STATE_SUSPENDED);
    assert_eq!(
        ranges_asked(&s, path),
        ["bytes=110000-119999", "bytes=300000-309999", "bytes=0-9999", "bytes=100000-109999"]
    );
    assert_eq!(filled(file).1, vec![r(0, 10_000), r(100_000, 20_000), r(300_000, 10_000)]);
    discard(job);
    release(file);

    // Moved while a slow transfer runs: the next request is the first range at or after the new
    // position; the ones before it follow.
    let path = "/gen/1000000/85";
    let (job, file) = on_demand_job(m, &s.url(&format!("{path}?trickle_bps=200000")), &dir.join("b"));
    let wanted = [r(0, 100_000), r(300_000, 20_000), r(500_000, 20_000), r(700_000, 20_000)];
    assert_eq!(request(file, &wanted), S_OK);
    assert_eq!(call!(job, Resume), S_OK);
    assert!(wait_until(T, || !ranges_asked(&s, path).is_empty()), "the first request went out");
    assert_eq!(call!(file, UpdateDownloadPosition, 600_000), S_OK);
    assert_eq!(wait_for(job, &[BG_JOB_STATE_SUSPENDED, BG_JOB_STATE_ERROR], T), BG_JOB_STATE_SUSPENDED);
    assert_eq!(
        ranges_asked(&s, path),
        ["bytes=0-99999", "bytes=700000-719999", "bytes=300000-319999", "bytes=500000-519999"]
    );
    let c = content(85, 1_000_000);
    let temp = std::fs::read(temp_name(file)).unwrap();
    for w in wanted {
        let (a, b) = (w.InitialOffset as usize, (w.InitialOffset + w.Length) as usize);
        assert_eq!(&temp[a..b], &c[a..b], "range at {a}");
    }
    discard(job);
    release(file);
    release(m);
}

/// A minimal IBackgroundCopyCallback3 that records FileRangesTransferred calls.
#[repr(C)]
struct RangeRecorder {
    vtbl: *const IBackgroundCopyCallback3Vtbl,
    refs: AtomicU32,
    ranges: Mutex<Vec<(u64, u64)>>,
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
        rr(this).refs.fetch_add(1, Ordering::SeqCst);
        *ppv = this as *mut core::ffi::c_void;
        S_OK
    } else {
        *ppv = null_mut();
        E_NOINTERFACE
    }
}
unsafe extern "C" fn rr_addref(this: *mut IBackgroundCopyCallback3) -> ULONG {
    rr(this).refs.fetch_add(1, Ordering::SeqCst) + 1
}
unsafe extern "C" fn rr_release(this: *mut IBackgroundCopyCallback3) -> ULONG {
    rr(this).refs.fetch_sub(1, Ordering::SeqCst) - 1
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
    _file: *mut IBackgroundCopyFile,
    count: DWORD,
    ranges: *const BG_FILE_RANGE,
) -> HRESULT {
    let got = std::slice::from_raw_parts(ranges, count as usize);
    rr(this).ranges.lock().unwrap().extend(got.iter().map(|r| (r.InitialOffset, r.Length)));
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
fn callback3_hears_the_requested_ranges_as_they_arrive() {
    let s = setup();
    let dir = tempdir("ondemand-callback");
    let m = manager();
    let cb = Box::new(RangeRecorder { vtbl: &RR_VTBL, refs: AtomicU32::new(1), ranges: Mutex::new(Vec::new()) });
    let pcb = &*cb as *const RangeRecorder as *mut IUnknown;
    let (job, file) = on_demand_job(m, &s.url("/gen/300000/86"), &dir.join("out"));
    assert_eq!(call!(job, SetNotifyFlags, BG_NOTIFY_FILE_RANGES_TRANSFERRED | BG_NOTIFY_JOB_TRANSFERRED), S_OK);
    assert_eq!(call!(job, SetNotifyInterface, pcb), S_OK);
    assert_eq!(request(file, &[r(5000, 1000), r(200_000, 30_000), r(5500, 1000)]), S_OK);
    assert_eq!(run_requests(job), BG_JOB_STATE_SUSPENDED);
    let told = || {
        let mut v = cb.ranges.lock().unwrap().clone();
        v.sort_unstable();
        v
    };
    // The overlap was split off: 6000-6500 is a range of its own.
    let expected = vec![(5000, 1000), (6000, 500), (200_000, 30_000)];
    assert!(wait_until(Duration::from_secs(10), || told() == expected), "{:?}", told());
    // Later requests are told later.
    cb.ranges.lock().unwrap().clear();
    assert_eq!(request(file, &[r(0, 100)]), S_OK);
    assert_eq!(run_requests(job), BG_JOB_STATE_SUSPENDED);
    assert!(wait_until(Duration::from_secs(10), || told() == vec![(0, 100)]), "{:?}", told());
    discard(job);
    release(file);
    release(m);
    assert!(wait_until(Duration::from_secs(10), || cb.refs.load(Ordering::SeqCst) == 1), "references returned");
}

#[test]
fn random_access_needs_an_on_demand_job_and_a_server_with_ranges() {
    let s = setup();
    let dir = tempdir("ondemand-errors");
    let m = manager();
    // A job that is not on demand refuses random access (GetFilledFileRanges still answers).
    let (_, job) = create_job(m, "plain");
    add_file(job, &s.url("/gen/1000/87"), &dir.join("plain"));
    let file = first_file(job);
    assert_eq!(request(file, &[r(0, 10)]), BG_E_RANDOM_ACCESS_NOT_SUPPORTED);
    assert_eq!(call!(file, UpdateDownloadPosition, 10), BG_E_RANDOM_ACCESS_NOT_SUPPORTED);
    assert_eq!(filled(file), (S_OK, vec![]));
    // Files of another kind cannot join an on-demand job, nor the mode a job that has them.
    assert_eq!(set_on_demand(job, true), S_OK);
    let (u, l) = (wide(&s.url("/gen/1000/87")), wide(dir.join("ranged").to_str().unwrap()));
    let mut one = [r(0, 10)];
    let j3 = job as *mut IBackgroundCopyJob3;
    assert_eq!(call!(j3, AddFileWithRanges, u.as_ptr(), l.as_ptr(), 1, one.as_mut_ptr()), E_INVALIDARG);
    std::fs::write(dir.join("src"), b"local").unwrap();
    let (u, l) = (wide(dir.join("src").to_str().unwrap()), wide(dir.join("copy").to_str().unwrap()));
    assert_eq!(call!(job, AddFile, u.as_ptr(), l.as_ptr()), E_INVALIDARG);
    // Mode conflicts.
    let j5 = job5(job);
    let on = BITS_JOB_PROPERTY_VALUE { Enable: TRUE };
    assert_eq!(call!(j5, SetProperty, BITS_JOB_PROPERTY_DYNAMIC_CONTENT, on), E_INVALIDARG);
    let http = qi(job, &IID_IBackgroundCopyJobHttpOptions2).unwrap() as *mut IBackgroundCopyJobHttpOptions2;
    let post = wide("POST");
    assert_eq!(call!(http, SetHttpMethod, post.as_ptr()), BG_E_NOT_SUPPORTED_WITH_CUSTOM_HTTP_METHOD);
    release(http);
    assert_eq!(call!(job, Resume), S_OK);
    assert_eq!(
        call!(j5, SetProperty, BITS_JOB_PROPERTY_ON_DEMAND_MODE, on),
        BG_E_READ_ONLY_PROPERTY_AFTER_RESUME,
        "fixed from the first Resume"
    );
    release(j5);
    release(file);
    discard(job);

    // A job with ranges or a local file cannot become on demand.
    let (_, job) = create_job(m, "ranged");
    let (u, l) = (wide(&s.url("/gen/1000/87")), wide(dir.join("ranged").to_str().unwrap()));
    let j3 = job as *mut IBackgroundCopyJob3;
    assert_eq!(call!(j3, AddFileWithRanges, u.as_ptr(), l.as_ptr(), 1, one.as_mut_ptr()), S_OK);
    assert_eq!(set_on_demand(job, true), E_INVALIDARG);
    discard(job);

    // A range past the end, asked before the size is known: the job fails with
    // BG_E_INVALID_RANGE, and the other requests still work after Resume.
    let (job, file) = on_demand_job(m, &s.url("/gen/10000/88"), &dir.join("past"));
    assert_eq!(request(file, &[r(9_000, 2000), r(0, 100)]), S_OK);
    assert_eq!(run_requests(job), BG_JOB_STATE_ERROR);
    assert_eq!(error_code(job), BG_E_INVALID_RANGE);
    assert_eq!(run_requests(job), BG_JOB_STATE_SUSPENDED);
    assert_eq!(filled(file).1, vec![r(0, 100)]);
    discard(job);
    release(file);

    // A server that ignores Range: the job fails with BG_E_INSUFFICIENT_RANGE_SUPPORT, and
    // the file no longer takes random access calls; nothing of the whole-file answer is kept.
    for (tag, query) in [("none", "no_ranges=1"), ("ignored", "ignore_range=1")] {
        let (job, file) = on_demand_job(m, &s.url(&format!("/gen/10000/89?{query}")), &dir.join(tag));
        assert_eq!(request(file, &[r(100, 50)]), S_OK);
        assert_eq!(run_requests(job), BG_JOB_STATE_ERROR, "{tag}");
        assert_eq!(error_code(job), BG_E_INSUFFICIENT_RANGE_SUPPORT);
        assert_eq!(request(file, &[r(0, 10)]), BG_E_RANDOM_ACCESS_NOT_SUPPORTED);
        assert_eq!(call!(file, UpdateDownloadPosition, 0), BG_E_RANDOM_ACCESS_NOT_SUPPORTED);
        assert_eq!(filled(file).0, BG_E_RANDOM_ACCESS_NOT_SUPPORTED);
        assert_eq!(progress(job).1, 0);
        discard(job);
        release(file);
    }
    release(m);
}

#[test]
fn a_remote_that_changes_restarts_the_file_and_never_mixes_versions() {
    let s = setup();
    let dir = tempdir("ondemand-change");
    let m = manager();
    // The first request sees version A (seed 90); every later one version B (seed 91).
    let path = "/gen/100000/90";
    let (job, file) = on_demand_job(m, &s.url(&format!("{path}?change_after=1")), &dir.join("out"));
    assert_eq!(request(file, &[r(0, 1000), r(50_000, 1000)]), S_OK);
    assert_eq!(run_requests(job), BG_JOB_STATE_SUSPENDED);
    let b = content(91, 100_000);
    let temp = std::fs::read(temp_name(file)).unwrap();
    assert_eq!(filled(file).1, vec![r(0, 1000), r(50_000, 1000)], "what was on disk was asked again");
    assert_eq!(&temp[..1000], &b[..1000], "version B only");
    assert_eq!(&temp[50_000..51_000], &b[50_000..51_000]);
    let asked = s.requests_for(path);
    assert!(asked.iter().skip(1).any(|q| q.header("if-range").is_some()), "the change was noticed through If-Range");
    // The rest, and the delivered file, are version B too.
    assert_eq!(run_requests(job), BG_JOB_STATE_TRANSFERRED);
    assert_eq!(call!(job, Complete), S_OK);
    assert_eq!(std::fs::read(dir.join("out")).unwrap(), b);
    release(file);
    release(job);
    release(m);
}
