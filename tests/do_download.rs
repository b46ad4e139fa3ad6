//! The Delivery Optimization API through the C ABI: IDOManager, IDODownload with every property,
//! the state machine and its DO_E_ codes, IDODownloadStatusCallback, BlockingMode, ranges into a
//! file and into a caller's IStream, transient failures and NoProgressTimeoutSeconds, and
//! EnumDownloads.
mod common;

use common::*;
use core::ffi::c_void;
use core::ptr::null_mut;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, Once};
use std::time::Duration;

use deliveryopt::abi::memory::{bstr_from_str, SysFreeString};
use deliveryopt::abi::variant::VariantClear;
use deliveryopt::interfaces::activation::CoCreateInstance;
use testserver::{content, Options, Server};

/// STG_E_ACCESSDENIED, a typical stream failure.
const STG_E_ACCESSDENIED: HRESULT = 0x8003_0005_u32 as HRESULT;

const LONG: Duration = Duration::from_secs(30);

fn setup() -> Server {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        std::env::set_var("DELIVERYOPT_READ_TIMEOUT_MS", "3000");
        std::env::set_var("DELIVERYOPT_MAX_JOBS_PER_USER", "1000");
        std::env::set_var("DELIVERYOPT_MAX_JOBS_PER_MACHINE", "1000");
        // The policy minimum of NoProgressTimeoutSeconds (60 s), lowered so a test can run out.
        std::env::set_var("DELIVERYOPT_DO_MIN_NO_PROGRESS_SECONDS", "1");
        isolate_store();
    });
    Server::start(Options::default()).unwrap()
}

fn do_manager() -> *mut IDOManager {
    setup_store();
    let mut p: *mut c_void = null_mut();
    let hr = CoCreateInstance(&CLSID_DeliveryOptimization, null_mut(), CLSCTX_LOCAL_SERVER, &IID_IDOManager, &mut p);
    assert_eq!(hr, S_OK);
    p as *mut IDOManager
}

fn setup_store() {
    isolate_store();
}

fn create(m: *mut IDOManager) -> *mut IDODownload {
    let mut d: *mut IDODownload = null_mut();
    assert_eq!(call!(m, CreateDownload, &mut d), S_OK);
    assert!(!d.is_null());
    d
}

fn v_str(s: &str) -> VARIANT {
    let mut v = VARIANT::empty();
    v.vt = VT_BSTR;
    v.val.bstrVal = bstr_from_str(s);
    v
}
fn v_u32(x: u32) -> VARIANT {
    let mut v = VARIANT::empty();
    v.vt = VT_UI4;
    v.val.ulVal = x;
    v
}
fn v_u64(x: u64) -> VARIANT {
    let mut v = VARIANT::empty();
    v.vt = VT_UI8;
    v.val.ullVal = x;
    v
}
fn v_bool(b: bool) -> VARIANT {
    let mut v = VARIANT::empty();
    v.vt = VT_BOOL;
    v.val.boolVal = if b { VARIANT_TRUE } else { VARIANT_FALSE };
    v
}
fn v_unk(p: *mut c_void) -> VARIANT {
    let mut v = VARIANT::empty();
    v.vt = VT_UNKNOWN;
    v.val.punkVal = p as *mut IUnknown;
    v
}

/// SetProperty with a VARIANT we own (cleared afterwards, except interface values, which stay the
/// caller's).
fn set(d: *mut IDODownload, id: DODownloadProperty, mut v: VARIANT) -> HRESULT {
    let hr = call!(d, SetProperty, id, &v);
    if v.vt == VT_BSTR {
        unsafe { SysFreeString(v.val.bstrVal) };
        v = VARIANT::empty();
    }
    let _ = v;
    hr
}

#[derive(Debug, PartialEq)]
enum Got {
    Str(String),
    U32(u32),
    U64(u64),
    Bool(bool),
    Unknown(*mut IUnknown),
}

fn get(d: *mut IDODownload, id: DODownloadProperty) -> Result<Got, HRESULT> {
    let mut v = VARIANT::empty();
    let hr = call!(d, GetProperty, id, &mut v);
    if hr != S_OK {
        assert_eq!(v.vt, VT_EMPTY, "a failed GetProperty leaves the VARIANT empty");
        return Err(hr);
    }
    let g = unsafe {
        match v.vt {
            VT_BSTR => {
                let b = v.val.bstrVal;
                let n = deliveryopt::abi::memory::bstr_len(b);
                Got::Str(String::from_utf16(std::slice::from_raw_parts(b, n)).unwrap())
            }
            VT_UI4 => Got::U32(v.val.ulVal),
            VT_UI8 => Got::U64(v.val.ullVal),
            VT_BOOL => Got::Bool(v.val.boolVal == VARIANT_TRUE),
            VT_UNKNOWN => {
                let p = v.val.punkVal;
                add_ref(p);
                Got::Unknown(p)
            }
            t => panic!("unexpected VARIANT type {t}"),
        }
    };
    assert_eq!(unsafe { VariantClear(&mut v) }, S_OK);
    Ok(g)
}

fn status(d: *mut IDODownload) -> DO_DOWNLOAD_STATUS {
    let mut s = DO_DOWNLOAD_STATUS::default();
    assert_eq!(call!(d, GetStatus, &mut s), S_OK);
    s
}

fn wait_state(d: *mut IDODownload, states: &[DODownloadState]) -> DO_DOWNLOAD_STATUS {
    let mut last = status(d);
    wait_until(LONG, || {
        last = status(d);
        states.contains(&last.State)
    });
    last
}

fn basic(d: *mut IDODownload, url: &str, local: &std::path::Path) {
    assert_eq!(set(d, DODownloadProperty_Uri, v_str(url)), S_OK);
    assert_eq!(set(d, DODownloadProperty_LocalPath, v_str(local.to_str().unwrap())), S_OK);
}

fn start(d: *mut IDODownload, ranges: Option<&[(u64, u64)]>) -> HRESULT {
    match ranges {
        None => call!(d, Start, core::ptr::null()),
        Some(r) => {
            // DO_DOWNLOAD_RANGES_INFO with a flexible array: RangeCount, then the ranges at 8.
            let mut buf = vec![0u64; 1 + 2 * r.len().max(1)];
            buf[0] = r.len() as u64;
            for (i, (o, l)) in r.iter().enumerate() {
                buf[1 + 2 * i] = *o;
                buf[2 + 2 * i] = *l;
            }
            call!(d, Start, buf.as_ptr() as *const DO_DOWNLOAD_RANGES_INFO)
        }
    }
}

// ---- a status callback implemented in Rust, as a C caller would ----

#[repr(C)]
struct Callback {
    vtbl: *const IDODownloadStatusCallbackVtbl,
    refs: AtomicU32,
    seen: Mutex<Vec<DO_DOWNLOAD_STATUS>>,
    /// Finalize from inside the callback when it sees Transferred.
    finalize_on_transferred: bool,
    finalize_result: Mutex<Option<HRESULT>>,
}

unsafe extern "C" fn cb_qi(this: *mut IDODownloadStatusCallback, riid: REFIID, out: *mut *mut c_void) -> HRESULT {
    let iid = unsafe { *riid };
    if iid == IID_IUnknown || iid == IID_IDODownloadStatusCallback {
        unsafe { *out = this as *mut c_void };
        unsafe { cb_add_ref(this) };
        S_OK
    } else {
        unsafe { *out = null_mut() };
        E_NOINTERFACE
    }
}
unsafe extern "C" fn cb_add_ref(this: *mut IDODownloadStatusCallback) -> ULONG {
    unsafe { (*(this as *mut Callback)).refs.fetch_add(1, Ordering::SeqCst) + 1 }
}
unsafe extern "C" fn cb_release(this: *mut IDODownloadStatusCallback) -> ULONG {
    let n = unsafe { (*(this as *mut Callback)).refs.fetch_sub(1, Ordering::SeqCst) - 1 };
    if n == 0 {
        drop(unsafe { Box::from_raw(this as *mut Callback) });
    }
    n
}
unsafe extern "C" fn cb_status(
    this: *mut IDODownloadStatusCallback,
    download: *mut IDODownload,
    status: *const DO_DOWNLOAD_STATUS,
) -> HRESULT {
    let me = unsafe { &*(this as *mut Callback) };
    let s = unsafe { *status };
    me.seen.lock().unwrap().push(s);
    if me.finalize_on_transferred && s.State == DODownloadState_Transferred {
        *me.finalize_result.lock().unwrap() = Some(call!(download, Finalize));
    }
    S_OK
}
static CB_VTBL: IDODownloadStatusCallbackVtbl = IDODownloadStatusCallbackVtbl {
    QueryInterface: Some(cb_qi),
    AddRef: Some(cb_add_ref),
    Release: Some(cb_release),
    OnStatusChange: Some(cb_status),
};

fn new_callback(finalize_on_transferred: bool) -> *mut Callback {
    Box::into_raw(Box::new(Callback {
        vtbl: &CB_VTBL,
        refs: AtomicU32::new(1),
        seen: Mutex::new(Vec::new()),
        finalize_on_transferred,
        finalize_result: Mutex::new(None),
    }))
}

fn seen(cb: *mut Callback) -> Vec<DO_DOWNLOAD_STATUS> {
    unsafe { (*cb).seen.lock().unwrap().clone() }
}

fn cb_release_own(cb: *mut Callback) -> u32 {
    unsafe { cb_release(cb as *mut IDODownloadStatusCallback) }
}

// ---- an IStream implemented in Rust ----

#[repr(C)]
struct Stream {
    vtbl: *const IStreamVtbl,
    refs: AtomicU32,
    data: Mutex<Vec<u8>>,
    /// Fail Write with this HRESULT once this many bytes were taken.
    fail_after: Option<(usize, HRESULT)>,
}

unsafe extern "C" fn st_qi(this: *mut IStream, riid: REFIID, out: *mut *mut c_void) -> HRESULT {
    let iid = unsafe { *riid };
    if iid == IID_IUnknown || iid == IID_IStream || iid == IID_ISequentialStream {
        unsafe { *out = this as *mut c_void };
        unsafe { st_add_ref(this) };
        S_OK
    } else {
        unsafe { *out = null_mut() };
        E_NOINTERFACE
    }
}
unsafe extern "C" fn st_add_ref(this: *mut IStream) -> ULONG {
    unsafe { (*(this as *mut Stream)).refs.fetch_add(1, Ordering::SeqCst) + 1 }
}
unsafe extern "C" fn st_release(this: *mut IStream) -> ULONG {
    let n = unsafe { (*(this as *mut Stream)).refs.fetch_sub(1, Ordering::SeqCst) - 1 };
    if n == 0 {
        drop(unsafe { Box::from_raw(this as *mut Stream) });
    }
    n
}
unsafe extern "C" fn st_write(this: *mut IStream, pv: *const c_void, cb: ULONG, written: *mut ULONG) -> HRESULT {
    let me = unsafe { &*(this as *mut Stream) };
    let mut d = me.data.lock().unwrap();
    if let Some((limit, hr)) = me.fail_after {
        if d.len() >= limit {
            return hr;
        }
    }
    d.extend_from_slice(unsafe { std::slice::from_raw_parts(pv as *const u8, cb as usize) });
    if !written.is_null() {
        unsafe { *written = cb };
    }
    S_OK
}
static ST_VTBL: IStreamVtbl = IStreamVtbl {
    QueryInterface: Some(st_qi),
    AddRef: Some(st_add_ref),
    Release: Some(st_release),
    Read: None,
    Write: Some(st_write),
    Seek: None,
    SetSize: None,
    CopyTo: None,
    Commit: None,
    Revert: None,
    LockRegion: None,
    UnlockRegion: None,
    Stat: None,
    Clone: None,
};

fn new_stream(fail_after: Option<(usize, HRESULT)>) -> *mut Stream {
    Box::into_raw(Box::new(Stream {
        vtbl: &ST_VTBL,
        refs: AtomicU32::new(1),
        data: Mutex::new(Vec::new()),
        fail_after,
    }))
}

// ---- tests ----

#[test]
fn the_do_class_serves_idomanager_and_the_legacy_bits_manager() {
    setup();
    let m = do_manager();
    let bits = qi(m, &IID_IBackgroundCopyManager).unwrap() as *mut IBackgroundCopyManager;
    let back = qi(bits, &IID_IDOManager).unwrap();
    assert_eq!(back, m as *mut c_void, "one object, one IDOManager pointer");
    release(back as *mut IDOManager);
    release(bits);
    // A BITS class has no IDOManager.
    let plain = manager();
    assert_eq!(qi(plain, &IID_IDOManager).unwrap_err(), E_NOINTERFACE);
    release(plain);
    // NULL out-pointers.
    assert_eq!(call!(m, CreateDownload, null_mut()), E_POINTER);
    assert_eq!(call!(m, EnumDownloads, core::ptr::null(), null_mut()), E_POINTER);
    release(m);
}

#[test]
fn a_download_goes_created_transferring_transferred_finalized_with_callbacks() {
    let s = setup();
    let dir = tempdir("do-basic");
    let m = do_manager();
    let d = create(m);
    assert_eq!(status(d).State, DODownloadState_Created);
    let local = dir.join("sub/dir/file.bin");
    basic(d, &s.url("/gen/300000/5"), &local);
    assert_eq!(set(d, DODownloadProperty_DisplayName, v_str("my download")), S_OK);
    assert_eq!(set(d, DODownloadProperty_ContentId, v_str("content-42")), S_OK);
    assert_eq!(set(d, DODownloadProperty_ForegroundPriority, v_bool(true)), S_OK);
    let cb = new_callback(false);
    assert_eq!(set(d, DODownloadProperty_CallbackInterface, v_unk(cb as *mut c_void)), S_OK);
    match get(d, DODownloadProperty_CallbackInterface).unwrap() {
        Got::Unknown(p) => {
            assert_eq!(p as *mut c_void, cb as *mut c_void);
            release(p);
        }
        other => panic!("{other:?}"),
    }
    // Start with a zero-range struct: the whole file (what the Microsoft SDK passes).
    assert_eq!(start(d, Some(&[])), S_OK);
    let st = wait_state(d, &[DODownloadState_Transferred]);
    assert_eq!(st.State, DODownloadState_Transferred);
    assert_eq!((st.BytesTotal, st.BytesTransferred, st.Error), (300_000, 300_000, S_OK));
    assert!(!local.exists(), "nothing under the final name before Finalize");
    assert_eq!(call!(d, Finalize), S_OK);
    assert_eq!(std::fs::read(&local).unwrap(), content(5, 300_000));
    assert_eq!(status(d).State, DODownloadState_Finalized);
    assert!(wait_until(LONG, || seen(cb).last().is_some_and(|s| s.State == DODownloadState_Finalized)));
    let states: Vec<i32> = seen(cb).iter().map(|s| s.State).collect();
    let mut dedup = states.clone();
    dedup.dedup();
    assert_eq!(
        dedup,
        vec![DODownloadState_Transferring, DODownloadState_Transferred, DODownloadState_Finalized],
        "every state change is reported, in order: {states:?}"
    );
    assert_eq!(call!(d, Finalize), S_OK, "Finalize again is a no-op");
    assert_eq!(release(d), 0);
    // The library gives back every reference it took on the callback once the download has
    // ended: after the last status call returned (from the service, a moment later).
    assert!(wait_until(LONG, || unsafe { (*cb).refs.load(Ordering::SeqCst) } == 1));
    assert_eq!(cb_release_own(cb), 0);
    release(m);
}

#[test]
fn a_callback_may_finalize_from_inside_on_status_change() {
    let s = setup();
    let dir = tempdir("do-cb-finalize");
    let m = do_manager();
    let d = create(m);
    basic(d, &s.url("/gen/5000/6"), &dir.join("f"));
    let cb = new_callback(true);
    assert_eq!(set(d, DODownloadProperty_CallbackInterface, v_unk(cb as *mut c_void)), S_OK);
    assert_eq!(start(d, None), S_OK);
    assert_eq!(wait_state(d, &[DODownloadState_Finalized]).State, DODownloadState_Finalized);
    // The download is Finalized while the callback's Finalize call is still returning.
    assert!(wait_until(LONG, || unsafe { (*cb).finalize_result.lock().unwrap().is_some() }));
    assert_eq!(unsafe { *(*cb).finalize_result.lock().unwrap() }, Some(S_OK));
    assert_eq!(std::fs::read(dir.join("f")).unwrap(), content(6, 5000));
    release(d);
    release(m);
    assert!(wait_until(LONG, || unsafe { (*cb).refs.load(Ordering::SeqCst) } == 1));
    assert_eq!(cb_release_own(cb), 0);
}

#[test]
fn blocking_mode_returns_when_done_or_failed() {
    let s = setup();
    let dir = tempdir("do-blocking");
    let m = do_manager();
    let d = create(m);
    basic(d, &s.url("/gen/200000/7?trickle_bps=400000"), &dir.join("a"));
    assert_eq!(set(d, DODownloadProperty_BlockingMode, v_bool(true)), S_OK);
    assert_eq!(get(d, DODownloadProperty_BlockingMode), Ok(Got::Bool(true)));
    assert_eq!(start(d, None), S_OK);
    assert_eq!(status(d).State, DODownloadState_Transferred, "Start returned only when transferred");
    assert_eq!(call!(d, Finalize), S_OK);
    release(d);
    // A fatal failure: Start returns it, and the download is Paused with it.
    let d = create(m);
    basic(d, &s.url("/missing"), &dir.join("b"));
    assert_eq!(set(d, DODownloadProperty_BlockingMode, v_bool(true)), S_OK);
    assert_eq!(start(d, None), BG_E_HTTP_ERROR_404);
    let st = status(d);
    assert_eq!((st.State, st.Error), (DODownloadState_Paused, BG_E_HTTP_ERROR_404));
    assert_eq!(get(d, DODownloadProperty_HttpStatusCode), Ok(Got::U32(404)));
    assert_eq!(call!(d, Abort), S_OK);
    release(d);
    release(m);
}

#[test]
fn the_state_machine_refuses_what_do_forbids() {
    let s = setup();
    let dir = tempdir("do-states");
    let m = do_manager();
    let d = create(m);
    assert_eq!(call!(d, Finalize), DO_E_INVALID_STATE, "Created cannot finalize");
    assert_eq!(call!(d, Pause), S_OK, "Pause in Created is a no-op");
    assert_eq!(status(d).State, DODownloadState_Created);
    // Start checks: no Uri, then no sink.
    assert_eq!(start(d, None), DO_E_DOWNLOAD_NO_URI);
    assert_eq!(set(d, DODownloadProperty_Uri, v_str(&s.url("/gen/1000/1"))), S_OK);
    assert_eq!(start(d, None), DO_E_FILE_DOWNLOADSINK_UNSPECIFIED);
    assert_eq!(status(d).State, DODownloadState_Created, "a refused Start changes nothing");
    assert_eq!(set(d, DODownloadProperty_LocalPath, v_str(dir.join("x").to_str().unwrap())), S_OK);
    // Bad ranges.
    assert_eq!(start(d, Some(&[(DO_LENGTH_TO_EOF, 5)])), DO_E_INVALID_RANGE);
    assert_eq!(start(d, Some(&[(0, 0)])), DO_E_INVALID_RANGE);
    assert_eq!(start(d, Some(&[(0, 100), (50, 10)])), DO_E_OVERLAPPING_RANGES);
    assert_eq!(start(d, Some(&[(0, DO_LENGTH_TO_EOF), (500, 10)])), DO_E_OVERLAPPING_RANGES);
    assert_eq!(status(d).State, DODownloadState_Created);
    // Integrity checks this library cannot make are refused rather than skipped.
    assert_eq!(set(d, DODownloadProperty_IntegrityCheckMandatory, v_bool(true)), S_OK);
    assert_eq!(start(d, None), DO_E_INTEGRITYCHECKINFO_UNSPECIFIED);
    assert_eq!(set(d, DODownloadProperty_IntegrityCheckInfo, v_str("{\"PiecesHashFileUrl\":\"x\"}")), S_OK);
    assert_eq!(start(d, None), DO_E_INTEGRITYCHECKINFO_UNAVAILABLE);
    assert_eq!(set(d, DODownloadProperty_IntegrityCheckMandatory, v_bool(false)), S_OK);
    // Abort: from Created, then everything is refused but Abort itself.
    assert_eq!(call!(d, Abort), S_OK);
    assert_eq!(status(d).State, DODownloadState_Aborted);
    assert_eq!(call!(d, Abort), S_OK, "Abort again is a no-op");
    assert_eq!(start(d, None), DO_E_INVALID_STATE);
    assert_eq!(call!(d, Pause), DO_E_INVALID_STATE);
    assert_eq!(call!(d, Finalize), DO_E_INVALID_STATE);
    assert_eq!(set(d, DODownloadProperty_DisplayName, v_str("late")), DO_E_INVALID_STATE);
    release(d);
    // Finalized refuses Start, Pause and Abort.
    let d = create(m);
    basic(d, &s.url("/gen/1000/2"), &dir.join("y"));
    assert_eq!(set(d, DODownloadProperty_BlockingMode, v_bool(true)), S_OK);
    assert_eq!(start(d, None), S_OK);
    assert_eq!(call!(d, Pause), S_OK, "Pause in Transferred is a no-op");
    assert_eq!(start(d, None), S_OK, "Start without ranges on Transferred is a no-op");
    assert_eq!(call!(d, Finalize), S_OK);
    for hr in [start(d, None), call!(d, Pause), call!(d, Abort)] {
        assert_eq!(hr, DO_E_INVALID_STATE);
    }
    assert!(dir.join("y").exists(), "a refused Abort keeps the finalized file");
    release(d);
    release(m);
}

#[test]
fn pause_and_start_resume_where_the_download_stopped() {
    let s = setup();
    let dir = tempdir("do-pause");
    let m = do_manager();
    let d = create(m);
    let url = s.url("/gen/2000000/8?trickle_bps=2000000");
    basic(d, &url, &dir.join("p"));
    assert_eq!(start(d, None), S_OK);
    assert_eq!(start(d, Some(&[(0, 10)])), DO_E_DOWNLOAD_RANGES_UNEXPECTED, "no new ranges mid-transfer");
    assert!(wait_until(LONG, || status(d).BytesTransferred > 200_000));
    assert_eq!(call!(d, Pause), S_OK);
    let st = status(d);
    assert_eq!((st.State, st.Error), (DODownloadState_Paused, S_OK));
    assert_eq!(call!(d, Finalize), DO_E_INVALID_STATE, "Paused cannot finalize");
    std::thread::sleep(Duration::from_millis(300));
    let paused_at = status(d).BytesTransferred;
    assert!(paused_at > 0 && paused_at < 2_000_000);
    assert_eq!(status(d).BytesTransferred, paused_at, "nothing moves while paused");
    assert_eq!(start(d, None), S_OK);
    assert_eq!(wait_state(d, &[DODownloadState_Transferred]).State, DODownloadState_Transferred);
    assert_eq!(call!(d, Finalize), S_OK);
    assert_eq!(std::fs::read(dir.join("p")).unwrap(), content(8, 2_000_000));
    let ranged = s.requests_for("/gen/2000000/8");
    assert!(ranged.iter().any(|r| r.header("range").is_some()), "the resumed request asked for the rest");
    release(d);
    release(m);
}

#[test]
fn ranges_land_at_their_offsets_and_a_transferred_download_can_fetch_more() {
    let s = setup();
    let dir = tempdir("do-ranges");
    let m = do_manager();
    let d = create(m);
    let local = dir.join("r");
    basic(d, &s.url("/gen/100000/9"), &local);
    assert_eq!(start(d, Some(&[(10_000, 1000), (0, 100), (99_000, DO_LENGTH_TO_EOF)])), S_OK);
    let st = wait_state(d, &[DODownloadState_Transferred]);
    assert_eq!((st.BytesTotal, st.BytesTransferred), (2100, 2100));
    // More ranges on the transferred download.
    assert_eq!(start(d, Some(&[(50_000, 500)])), S_OK);
    let st = wait_state(d, &[DODownloadState_Transferred]);
    assert_eq!(st.BytesTransferred, 500);
    assert_eq!(call!(d, Finalize), S_OK);
    let got = std::fs::read(&local).unwrap();
    let c = content(9, 100_000);
    assert_eq!(got.len(), 100_000, "the file has the remote's size");
    for (o, l) in [(10_000usize, 1000usize), (0, 100), (99_000, 1000), (50_000, 500)] {
        assert_eq!(&got[o..o + l], &c[o..o + l], "range at {o}");
    }
    assert!(got[20_000..21_000].iter().all(|b| *b == 0), "bytes never asked for are not there");
    release(d);
    release(m);
}

#[test]
fn a_stream_sink_gets_the_ranges_in_order_and_its_failure_stops_the_download() {
    let s = setup();
    let m = do_manager();
    let d = create(m);
    assert_eq!(set(d, DODownloadProperty_Uri, v_str(&s.url("/gen/400000/10"))), S_OK);
    let st = new_stream(None);
    assert_eq!(set(d, DODownloadProperty_StreamInterface, v_unk(st as *mut c_void)), S_OK);
    assert_eq!(
        set(d, DODownloadProperty_LocalPath, v_str("/tmp/never")),
        DO_E_FILE_DOWNLOADSINK_ALREADY_SET,
        "one sink only"
    );
    match get(d, DODownloadProperty_StreamInterface).unwrap() {
        Got::Unknown(p) => {
            assert_eq!(p as *mut c_void, st as *mut c_void);
            release(p);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(start(d, None), DO_E_DOWNLOAD_RANGES_EXPECTED, "a stream takes explicit ranges");
    assert_eq!(start(d, Some(&[(300_000, 1000), (0, DO_LENGTH_TO_EOF)])), DO_E_OVERLAPPING_RANGES);
    assert_eq!(start(d, Some(&[(300_000, 1000), (5, 10)])), S_OK);
    assert_eq!(wait_state(d, &[DODownloadState_Transferred]).BytesTransferred, 1010);
    assert_eq!(call!(d, Finalize), S_OK);
    let c = content(10, 400_000);
    assert_eq!(unsafe { (*st).data.lock().unwrap().clone() }, [&c[300_000..301_000], &c[5..15]].concat());
    release(d);
    assert_eq!(unsafe { st_release(st as *mut IStream) }, 0, "the library released the stream");

    // Whole file as one explicit range, with a Write failure part-way.
    let d = create(m);
    assert_eq!(set(d, DODownloadProperty_Uri, v_str(&s.url("/gen/3000000/11"))), S_OK);
    let st = new_stream(Some((1_000_000, STG_E_ACCESSDENIED)));
    assert_eq!(set(d, DODownloadProperty_StreamInterface, v_unk(st as *mut c_void)), S_OK);
    assert_eq!(start(d, Some(&[(0, DO_LENGTH_TO_EOF)])), S_OK);
    let end = wait_state(d, &[DODownloadState_Paused]);
    assert_eq!((end.State, end.Error), (DODownloadState_Paused, STG_E_ACCESSDENIED));
    let got = unsafe { (*st).data.lock().unwrap().clone() };
    assert!(got.len() >= 1_000_000 && got.len() < 3_000_000);
    assert_eq!(&got[..], &content(11, 3_000_000)[..got.len()], "what arrived is in order");
    assert_eq!(call!(d, Abort), S_OK);
    release(d);
    assert_eq!(unsafe { st_release(st as *mut IStream) }, 0);
    release(m);
}

#[test]
fn transient_failures_stay_transferring_and_no_progress_pauses_with_its_code() {
    let s = setup();
    let dir = tempdir("do-transient");
    let m = do_manager();
    let d = create(m);
    basic(d, &s.url("/gen/10000/12?fail_status=503&fail_count=1"), &dir.join("t"));
    let cb = new_callback(false);
    assert_eq!(set(d, DODownloadProperty_CallbackInterface, v_unk(cb as *mut c_void)), S_OK);
    assert_eq!(start(d, None), S_OK);
    assert_eq!(wait_state(d, &[DODownloadState_Transferred]).State, DODownloadState_Transferred);
    let saw_retry = seen(cb).iter().any(|s| s.State == DODownloadState_Transferring && s.Error == BG_E_HTTP_ERROR_503);
    assert!(saw_retry, "the failed request showed as Transferring with Error set: {:?}", seen(cb));
    assert_eq!(call!(d, Abort), S_OK);
    release(d);
    assert!(wait_until(LONG, || unsafe { (*cb).refs.load(Ordering::SeqCst) } == 1));
    cb_release_own(cb);

    // A server that keeps failing: NoProgressTimeoutSeconds runs out.
    let d = create(m);
    basic(d, &s.url("/gen/10000/13?fail_status=503"), &dir.join("u"));
    assert_eq!(set(d, DODownloadProperty_NoProgressTimeoutSeconds, v_u32(2)), S_OK);
    assert_eq!(start(d, None), S_OK);
    let end = wait_state(d, &[DODownloadState_Paused]);
    assert_eq!(
        (end.State, end.Error, end.ExtendedError),
        (DODownloadState_Paused, DO_E_DOWNLOAD_NO_PROGRESS, BG_E_HTTP_ERROR_503)
    );
    // Fixing the Uri while Paused and starting again recovers.
    assert_eq!(set(d, DODownloadProperty_Uri, v_str(&s.url("/gen/10000/13"))), S_OK);
    assert_eq!(start(d, None), S_OK);
    assert_eq!(wait_state(d, &[DODownloadState_Transferred]).Error, S_OK);
    assert_eq!(call!(d, Finalize), S_OK);
    assert_eq!(std::fs::read(dir.join("u")).unwrap(), content(13, 10000));
    release(d);
    release(m);
}

#[test]
fn abort_deletes_partial_data() {
    let s = setup();
    let dir = tempdir("do-abort");
    let m = do_manager();
    let d = create(m);
    basic(d, &s.url("/gen/5000000/14?trickle_bps=1000000"), &dir.join("big"));
    assert_eq!(start(d, None), S_OK);
    assert!(wait_until(LONG, || status(d).BytesTransferred > 100_000));
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1, "a temporary file holds the partial data");
    assert_eq!(call!(d, Abort), S_OK);
    assert_eq!(status(d).State, DODownloadState_Aborted);
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0, "partial data deleted, no destination");
    release(d);
    release(m);
}

#[test]
fn every_property_sets_gets_and_checks_its_type_and_state() {
    let s = setup();
    let dir = tempdir("do-props");
    let m = do_manager();
    let d = create(m);
    // Unknown ids.
    assert_eq!(get(d, 30), Err(DO_E_UNKNOWN_PROPERTY_ID));
    assert_eq!(get(d, -1), Err(DO_E_UNKNOWN_PROPERTY_ID));
    assert_eq!(set(d, 99, v_u32(1)), DO_E_UNKNOWN_PROPERTY_ID);
    // NULL VARIANT pointers.
    assert_eq!(call!(d, GetProperty, DODownloadProperty_Uri, null_mut()), E_POINTER);
    assert_eq!(call!(d, SetProperty, DODownloadProperty_Uri, core::ptr::null()), E_POINTER);
    // Id: read-only, a braced GUID.
    match get(d, DODownloadProperty_Id).unwrap() {
        Got::Str(id) => assert!(id.len() == 38 && id.starts_with('{') && id.ends_with('}'), "{id}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(set(d, DODownloadProperty_Id, v_str("x")), DO_E_READ_ONLY_PROPERTY);
    // Never set: E_NOT_SET.
    for p in [
        DODownloadProperty_Uri,
        DODownloadProperty_ContentId,
        DODownloadProperty_DisplayName,
        DODownloadProperty_LocalPath,
        DODownloadProperty_HttpCustomHeaders,
        DODownloadProperty_CallbackFreqPercent,
        DODownloadProperty_CallbackInterface,
        DODownloadProperty_StreamInterface,
        DODownloadProperty_CorrelationVector,
        DODownloadProperty_TotalSizeBytes,
        DODownloadProperty_HttpCustomAuthHeaders,
        DODownloadProperty_HttpRedirectionTarget,
        DODownloadProperty_HttpResponseHeaders,
        DODownloadProperty_HttpServerIPAddress,
        DODownloadProperty_HttpStatusCode,
    ] {
        assert_eq!(get(d, p), Err(E_NOT_SET), "property {p}");
    }
    // Defaults.
    assert_eq!(get(d, DODownloadProperty_CostPolicy), Ok(Got::U32(DODownloadCostPolicy_Always as u32)));
    assert_eq!(get(d, DODownloadProperty_CallbackFreqSeconds), Ok(Got::U32(1)));
    assert_eq!(get(d, DODownloadProperty_NoProgressTimeoutSeconds), Ok(Got::U32(300)));
    for p in [
        DODownloadProperty_ForegroundPriority,
        DODownloadProperty_BlockingMode,
        DODownloadProperty_IntegrityCheckMandatory,
        DODownloadProperty_DisallowOnCellular,
        DODownloadProperty_HttpAllowSecureToNonSecureRedirect,
        DODownloadProperty_NonVolatile,
    ] {
        assert_eq!(get(d, p), Ok(Got::Bool(false)), "property {p}");
    }
    // Write-only properties: set works, get says so.
    assert_eq!(set(d, DODownloadProperty_SecurityFlags, v_u32(0x3300)), S_OK);
    assert_eq!(set(d, DODownloadProperty_SecurityFlags, v_u32(0x4)), E_INVALIDARG, "an unknown flag");
    assert_eq!(set(d, DODownloadProperty_NetworkToken, v_bool(true)), S_OK);
    assert_eq!(set(d, DODownloadProperty_DecryptionInfo, v_str("{}")), S_OK);
    assert_eq!(set(d, DODownloadProperty_IntegrityCheckInfo, v_str("{\"HashOfHashes\":\"x\"}")), S_OK);
    let mut sa_v = VARIANT::empty();
    sa_v.vt = VT_ARRAY | VT_UI1;
    sa_v.val.parray = deliveryopt::abi::variant::safearray_from_bytes(&[1, 2, 3]);
    assert_eq!(call!(d, SetProperty, DODownloadProperty_SecurityContext, &sa_v), S_OK);
    assert_eq!(unsafe { VariantClear(&mut sa_v) }, S_OK);
    for p in [
        DODownloadProperty_SecurityFlags,
        DODownloadProperty_SecurityContext,
        DODownloadProperty_NetworkToken,
        DODownloadProperty_DecryptionInfo,
        DODownloadProperty_IntegrityCheckInfo,
    ] {
        assert_eq!(get(d, p), Err(DO_E_WRITE_ONLY_PROPERTY), "property {p}");
    }
    // Read/write values come back.
    let local = dir.join("props.bin");
    let url = s.url("/gen/1000/15");
    assert_eq!(set(d, DODownloadProperty_Uri, v_str(&url)), S_OK);
    assert_eq!(get(d, DODownloadProperty_Uri), Ok(Got::Str(url.clone())));
    assert_eq!(set(d, DODownloadProperty_LocalPath, v_str(local.to_str().unwrap())), S_OK);
    assert_eq!(get(d, DODownloadProperty_LocalPath), Ok(Got::Str(local.to_str().unwrap().into())));
    assert_eq!(set(d, DODownloadProperty_ContentId, v_str("cid")), S_OK);
    assert_eq!(get(d, DODownloadProperty_ContentId), Ok(Got::Str("cid".into())));
    assert_eq!(set(d, DODownloadProperty_DisplayName, v_str("name")), S_OK);
    assert_eq!(get(d, DODownloadProperty_DisplayName), Ok(Got::Str("name".into())));
    assert_eq!(set(d, DODownloadProperty_HttpCustomHeaders, v_str("X-Test: one\r\nX-Other: two")), S_OK);
    assert_eq!(get(d, DODownloadProperty_HttpCustomHeaders), Ok(Got::Str("X-Test: one\r\nX-Other: two".into())));
    assert_eq!(set(d, DODownloadProperty_HttpCustomHeaders, v_str("no colon")), E_INVALIDARG);
    assert_eq!(set(d, DODownloadProperty_CostPolicy, v_u32(DODownloadCostPolicy_NoCellular as u32)), S_OK);
    assert_eq!(get(d, DODownloadProperty_CostPolicy), Ok(Got::U32(5)));
    assert_eq!(set(d, DODownloadProperty_CostPolicy, v_u32(6)), E_INVALIDARG);
    assert_eq!(set(d, DODownloadProperty_CallbackFreqPercent, v_u32(10)), S_OK);
    assert_eq!(get(d, DODownloadProperty_CallbackFreqPercent), Ok(Got::U32(10)));
    assert_eq!(set(d, DODownloadProperty_CallbackFreqPercent, v_u32(101)), E_INVALIDARG);
    assert_eq!(set(d, DODownloadProperty_CallbackFreqSeconds, v_u32(5)), S_OK);
    assert_eq!(get(d, DODownloadProperty_CallbackFreqSeconds), Ok(Got::U32(5)));
    assert_eq!(set(d, DODownloadProperty_NoProgressTimeoutSeconds, v_u32(0)), S_OK);
    assert_eq!(get(d, DODownloadProperty_NoProgressTimeoutSeconds), Ok(Got::U32(300)), "0 is the DO default");
    assert_eq!(set(d, DODownloadProperty_NoProgressTimeoutSeconds, v_u32(600)), S_OK);
    assert_eq!(get(d, DODownloadProperty_NoProgressTimeoutSeconds), Ok(Got::U32(600)));
    assert_eq!(set(d, DODownloadProperty_ForegroundPriority, v_bool(true)), S_OK);
    assert_eq!(get(d, DODownloadProperty_ForegroundPriority), Ok(Got::Bool(true)));
    assert_eq!(set(d, DODownloadProperty_CorrelationVector, v_str("cv.1")), S_OK);
    assert_eq!(get(d, DODownloadProperty_CorrelationVector), Ok(Got::Str("cv.1".into())));
    assert_eq!(set(d, DODownloadProperty_TotalSizeBytes, v_u64(1000)), S_OK);
    assert_eq!(get(d, DODownloadProperty_TotalSizeBytes), Ok(Got::U64(1000)));
    assert_eq!(set(d, DODownloadProperty_DisallowOnCellular, v_bool(true)), S_OK);
    assert_eq!(get(d, DODownloadProperty_DisallowOnCellular), Ok(Got::Bool(true)));
    assert_eq!(set(d, DODownloadProperty_HttpCustomAuthHeaders, v_str("Authorization: Bearer t")), S_OK);
    assert_eq!(get(d, DODownloadProperty_HttpCustomAuthHeaders), Ok(Got::Str("Authorization: Bearer t".into())));
    assert_eq!(set(d, DODownloadProperty_HttpAllowSecureToNonSecureRedirect, v_bool(true)), S_OK);
    assert_eq!(get(d, DODownloadProperty_HttpAllowSecureToNonSecureRedirect), Ok(Got::Bool(true)));
    assert_eq!(set(d, DODownloadProperty_IntegrityCheckMandatory, v_bool(false)), S_OK);
    assert_eq!(get(d, DODownloadProperty_IntegrityCheckMandatory), Ok(Got::Bool(false)));
    // Type mismatches: every property refuses a VARIANT of another type, and keeps its value.
    let wrong: [(DODownloadProperty, VARIANT); 21] = [
        (DODownloadProperty_Uri, v_u32(1)),
        (DODownloadProperty_ContentId, v_bool(true)),
        (DODownloadProperty_DisplayName, v_u32(1)),
        (DODownloadProperty_LocalPath, v_u64(1)),
        (DODownloadProperty_HttpCustomHeaders, v_u32(1)),
        (DODownloadProperty_CostPolicy, v_str("1")),
        (DODownloadProperty_SecurityFlags, v_bool(true)),
        (DODownloadProperty_CallbackFreqPercent, v_str("1")),
        (DODownloadProperty_CallbackFreqSeconds, v_bool(true)),
        (DODownloadProperty_NoProgressTimeoutSeconds, v_str("60")),
        (DODownloadProperty_ForegroundPriority, v_u32(1)),
        (DODownloadProperty_BlockingMode, v_str("yes")),
        (DODownloadProperty_CallbackInterface, v_u32(1)),
        (DODownloadProperty_StreamInterface, v_str("s")),
        (DODownloadProperty_SecurityContext, v_str("cert")),
        (DODownloadProperty_NetworkToken, v_u32(1)),
        (DODownloadProperty_CorrelationVector, v_u32(1)),
        (DODownloadProperty_IntegrityCheckMandatory, v_u32(1)),
        (DODownloadProperty_TotalSizeBytes, v_str("5")),
        (DODownloadProperty_DisallowOnCellular, v_u64(1)),
        (DODownloadProperty_NonVolatile, v_u32(1)),
    ];
    for (p, v) in wrong {
        assert_eq!(set(d, p, v), E_INVALIDARG, "property {p}");
    }
    for (p, v) in [
        (DODownloadProperty_DecryptionInfo, v_u32(1)),
        (DODownloadProperty_IntegrityCheckInfo, v_bool(true)),
        (DODownloadProperty_HttpCustomAuthHeaders, v_u32(1)),
        (DODownloadProperty_HttpAllowSecureToNonSecureRedirect, v_str("x")),
    ] {
        assert_eq!(set(d, p, v), E_INVALIDARG, "property {p}");
    }
    assert_eq!(get(d, DODownloadProperty_Uri), Ok(Got::Str(url.clone())), "a refused value changes nothing");
    // Bad values.
    assert_eq!(set(d, DODownloadProperty_Uri, v_str("")), E_INVALIDARG);
    assert_eq!(set(d, DODownloadProperty_Uri, v_str("ftp://127.0.0.1/x")), INET_E_INVALID_URL);
    assert_eq!(set(d, DODownloadProperty_Uri, v_str("not a url")), INET_E_INVALID_URL);
    assert_eq!(set(d, DODownloadProperty_LocalPath, v_str("relative/path")), E_INVALIDARG);
    assert_eq!(set(d, DODownloadProperty_LocalPath, v_str("")), E_INVALIDARG);
    assert_eq!(set(d, DODownloadProperty_NoProgressTimeoutSeconds, v_u32(0)), S_OK);
    for p in [
        DODownloadProperty_HttpRedirectionTarget,
        DODownloadProperty_HttpResponseHeaders,
        DODownloadProperty_HttpServerIPAddress,
        DODownloadProperty_HttpStatusCode,
    ] {
        assert_eq!(set(d, p, v_str("x")), DO_E_READ_ONLY_PROPERTY, "property {p}");
    }
    // A bad BSTR (an unpaired surrogate) is refused.
    let bad: [u16; 2] = [0xD800, 0];
    let mut bv = VARIANT::empty();
    bv.vt = VT_BSTR;
    bv.val.bstrVal = unsafe { deliveryopt::abi::memory::alloc_bstr(bad.as_ptr(), 1) };
    assert_eq!(call!(d, SetProperty, DODownloadProperty_DisplayName, &bv), E_INVALIDARG);
    unsafe { VariantClear(&mut bv) };
    assert_eq!(get(d, DODownloadProperty_DisplayName), Ok(Got::Str("name".into())));

    // State rules: LocalPath, ContentId and the stream only in Created; Uri in Created or Paused.
    assert_eq!(set(d, DODownloadProperty_BlockingMode, v_bool(true)), S_OK);
    assert_eq!(set(d, DODownloadProperty_TotalSizeBytes, v_u64(1000)), S_OK);
    assert_eq!(start(d, None), S_OK);
    assert_eq!(status(d).State, DODownloadState_Transferred);
    assert_eq!(set(d, DODownloadProperty_LocalPath, v_str(dir.join("other").to_str().unwrap())), DO_E_INVALID_STATE);
    assert_eq!(set(d, DODownloadProperty_ContentId, v_str("other")), DO_E_INVALID_STATE);
    assert_eq!(set(d, DODownloadProperty_Uri, v_str(&s.url("/gen/1000/16"))), DO_E_INVALID_STATE);
    let st = new_stream(None);
    let hr = set(d, DODownloadProperty_StreamInterface, v_unk(st as *mut c_void));
    assert_eq!(hr, DO_E_INVALID_STATE);
    assert_eq!(unsafe { st_release(st as *mut IStream) }, 0, "a refused stream is not kept");
    // The read-only HTTP properties describe the last response.
    assert_eq!(get(d, DODownloadProperty_HttpStatusCode), Ok(Got::U32(200)));
    assert_eq!(get(d, DODownloadProperty_HttpServerIPAddress), Ok(Got::Str("127.0.0.1".into())));
    match get(d, DODownloadProperty_HttpResponseHeaders).unwrap() {
        Got::Str(h) => assert!(h.to_ascii_lowercase().contains("content-length: 1000"), "{h}"),
        other => panic!("{other:?}"),
    }
    let asked = s.requests_for("/gen/1000/15");
    assert_eq!(asked[0].header("x-test"), Some("one"), "custom headers are sent");
    assert_eq!(asked[0].header("x-other"), Some("two"));
    assert!(asked.iter().all(|r| r.header("authorization").is_none()), "auth headers wait for a challenge");
    assert_eq!(call!(d, Finalize), S_OK);
    // Once Finalized, every writable property refuses a change.
    let late: [(DODownloadProperty, VARIANT); 24] = [
        (DODownloadProperty_Uri, v_str("http://127.0.0.1:1/x")),
        (DODownloadProperty_ContentId, v_str("c")),
        (DODownloadProperty_DisplayName, v_str("late")),
        (DODownloadProperty_LocalPath, v_str("/tmp/late")),
        (DODownloadProperty_HttpCustomHeaders, v_str("A: b")),
        (DODownloadProperty_CostPolicy, v_u32(0)),
        (DODownloadProperty_SecurityFlags, v_u32(0)),
        (DODownloadProperty_CallbackFreqPercent, v_u32(1)),
        (DODownloadProperty_CallbackFreqSeconds, v_u32(1)),
        (DODownloadProperty_NoProgressTimeoutSeconds, v_u32(0)),
        (DODownloadProperty_ForegroundPriority, v_bool(false)),
        (DODownloadProperty_BlockingMode, v_bool(false)),
        (DODownloadProperty_CallbackInterface, v_unk(null_mut())),
        (DODownloadProperty_StreamInterface, v_unk(null_mut())),
        (DODownloadProperty_NetworkToken, v_bool(false)),
        (DODownloadProperty_CorrelationVector, v_str("cv")),
        (DODownloadProperty_DecryptionInfo, v_str("{}")),
        (DODownloadProperty_IntegrityCheckInfo, v_str("{}")),
        (DODownloadProperty_IntegrityCheckMandatory, v_bool(false)),
        (DODownloadProperty_TotalSizeBytes, v_u64(1)),
        (DODownloadProperty_DisallowOnCellular, v_bool(false)),
        (DODownloadProperty_HttpCustomAuthHeaders, v_str("A: b")),
        (DODownloadProperty_HttpAllowSecureToNonSecureRedirect, v_bool(false)),
        (DODownloadProperty_NonVolatile, v_bool(true)),
    ];
    for (p, v) in late {
        assert_eq!(set(d, p, v), DO_E_INVALID_STATE, "property {p} after Finalize");
    }
    let mut sa_v = VARIANT::empty();
    sa_v.vt = VT_ARRAY | VT_UI1;
    sa_v.val.parray = deliveryopt::abi::variant::safearray_from_bytes(&[1]);
    assert_eq!(call!(d, SetProperty, DODownloadProperty_SecurityContext, &sa_v), DO_E_INVALID_STATE);
    assert_eq!(unsafe { VariantClear(&mut sa_v) }, S_OK);
    // Reading still works.
    assert_eq!(get(d, DODownloadProperty_DisplayName), Ok(Got::Str("name".into())));
    release(d);
    release(m);
}

#[test]
fn a_server_without_ranges_pauses_a_ranged_download_with_do_codes() {
    let s = setup();
    let dir = tempdir("do-noranges");
    let m = do_manager();
    let d = create(m);
    basic(d, &s.url("/gen/10000/23?no_ranges=1"), &dir.join("r"));
    assert_eq!(set(d, DODownloadProperty_BlockingMode, v_bool(true)), S_OK);
    assert_eq!(start(d, Some(&[(100, 50)])), DO_E_INSUFFICIENT_RANGE_SUPPORT);
    let st = status(d);
    assert_eq!((st.State, st.Error), (DODownloadState_Paused, DO_E_INSUFFICIENT_RANGE_SUPPORT));
    assert_eq!(call!(d, Abort), S_OK);
    release(d);
    // A range past the end of the file.
    let d = create(m);
    basic(d, &s.url("/gen/10000/23"), &dir.join("e"));
    assert_eq!(set(d, DODownloadProperty_BlockingMode, v_bool(true)), S_OK);
    assert_eq!(start(d, Some(&[(20_000, 10)])), DO_E_INVALID_RANGE);
    assert_eq!(status(d).Error, DO_E_INVALID_RANGE);
    assert_eq!(call!(d, Abort), S_OK);
    release(d);
    release(m);
}

#[test]
fn http_properties_follow_redirects_auth_headers_and_size_hints() {
    let s = setup();
    let dir = tempdir("do-http");
    let m = do_manager();
    // A redirect is reported in HttpRedirectionTarget.
    let d = create(m);
    let target = s.url("/gen/3000/17");
    let from = s.url(&format!("/start?redirect={}", testserver::percent_encode(&target)));
    basic(d, &from, &dir.join("r"));
    assert_eq!(set(d, DODownloadProperty_BlockingMode, v_bool(true)), S_OK);
    assert_eq!(start(d, None), S_OK);
    assert_eq!(get(d, DODownloadProperty_HttpRedirectionTarget), Ok(Got::Str(target)));
    assert_eq!(call!(d, Finalize), S_OK);
    assert_eq!(std::fs::read(dir.join("r")).unwrap(), content(17, 3000));
    release(d);
    // HttpCustomAuthHeaders answer a 401.
    let d = create(m);
    basic(d, &s.url("/gen/2000/18?auth=basic:user:pw"), &dir.join("a"));
    assert_eq!(set(d, DODownloadProperty_HttpCustomAuthHeaders, v_str("Authorization: Basic dXNlcjpwdw==")), S_OK);
    assert_eq!(set(d, DODownloadProperty_BlockingMode, v_bool(true)), S_OK);
    assert_eq!(start(d, None), S_OK);
    assert_eq!(call!(d, Finalize), S_OK);
    assert_eq!(std::fs::read(dir.join("a")).unwrap(), content(18, 2000));
    release(d);
    // Without them the 401 is fatal.
    let d = create(m);
    basic(d, &s.url("/gen/2000/18?auth=basic:user:pw&x=1"), &dir.join("b"));
    assert_eq!(set(d, DODownloadProperty_BlockingMode, v_bool(true)), S_OK);
    assert_eq!(start(d, None), BG_E_HTTP_ERROR_401);
    release(d);
    // TotalSizeBytes stands in for a missing Content-Length.
    let d = create(m);
    basic(d, &s.url("/gen/4000/19?no_length=1"), &dir.join("n"));
    assert_eq!(set(d, DODownloadProperty_BlockingMode, v_bool(true)), S_OK);
    assert_eq!(start(d, None), DO_E_FILE_SIZE_UNKNOWN_HTTP_200, "no size, no hint");
    assert_eq!(set(d, DODownloadProperty_TotalSizeBytes, v_u64(4000)), S_OK);
    assert_eq!(start(d, None), S_OK);
    assert_eq!(status(d).State, DODownloadState_Transferred);
    assert_eq!(call!(d, Finalize), S_OK);
    assert_eq!(std::fs::read(dir.join("n")).unwrap(), content(19, 4000));
    release(d);
    release(m);
}

#[test]
fn enum_downloads_lists_this_callers_downloads_with_filters() {
    let s = setup();
    let dir = tempdir("do-enum");
    let m = do_manager();
    let tag = format!("enum-{}", std::process::id());
    let a = create(m);
    assert_eq!(set(a, DODownloadProperty_DisplayName, v_str(&tag)), S_OK);
    assert_eq!(set(a, DODownloadProperty_Uri, v_str(&s.url("/gen/10/20"))), S_OK);
    let b = create(m);
    assert_eq!(set(b, DODownloadProperty_ContentId, v_str(&tag)), S_OK);
    assert_eq!(set(b, DODownloadProperty_LocalPath, v_str(dir.join("b").to_str().unwrap())), S_OK);
    let list = |cat: Option<(DODownloadProperty, &str)>| -> Result<Vec<*mut c_void>, HRESULT> {
        let w = cat.map(|(_, v)| wide(v));
        let c = cat.map(|(p, _)| DO_DOWNLOAD_ENUM_CATEGORY { Property: p, Value: w.as_ref().unwrap().as_ptr() });
        let mut e: *mut IEnumUnknown = null_mut();
        let hr = call!(m, EnumDownloads, c.as_ref().map_or(core::ptr::null(), |c| c as *const _), &mut e);
        if hr != S_OK {
            assert!(e.is_null());
            return Err(hr);
        }
        let mut out = Vec::new();
        loop {
            let (mut u, mut n): (*mut IUnknown, u32) = (null_mut(), 0);
            if call!(e, Next, 1, &mut u, &mut n) != S_OK {
                break;
            }
            let dl = qi(u, &IID_IDODownload).unwrap();
            release(u);
            out.push(dl);
            release(dl as *mut IDODownload);
        }
        release(e);
        Ok(out)
    };
    let all = list(None).unwrap();
    assert!(all.contains(&(a as *mut c_void)) && all.contains(&(b as *mut c_void)), "the same objects");
    assert_eq!(list(Some((DODownloadProperty_DisplayName, &tag))).unwrap(), vec![a as *mut c_void]);
    assert_eq!(list(Some((DODownloadProperty_ContentId, &tag))).unwrap(), vec![b as *mut c_void]);
    assert_eq!(list(Some((DODownloadProperty_Uri, &s.url("/gen/10/20")))).unwrap(), vec![a as *mut c_void]);
    let lp = dir.join("b");
    assert_eq!(list(Some((DODownloadProperty_LocalPath, lp.to_str().unwrap()))).unwrap(), vec![b as *mut c_void]);
    let id = match get(b, DODownloadProperty_Id).unwrap() {
        Got::Str(s) => s,
        other => panic!("{other:?}"),
    };
    assert_eq!(list(Some((DODownloadProperty_Id, &id.to_lowercase()))).unwrap(), vec![b as *mut c_void]);
    assert_eq!(list(Some((DODownloadProperty_Uri, "http://127.0.0.1:1/none"))).unwrap(), vec![]);
    assert_eq!(list(Some((DODownloadProperty_CostPolicy, "0"))), Err(E_INVALIDARG));
    // DO downloads are not BITS jobs.
    let bits = manager();
    let mut e: *mut IEnumBackgroundCopyJobs = null_mut();
    assert_eq!(call!(bits, EnumJobs, 0, &mut e), S_OK);
    let mut n = 0u32;
    assert_eq!(call!(e, GetCount, &mut n), S_OK);
    let mut found = false;
    for _ in 0..n {
        let (mut j, mut got): (*mut IBackgroundCopyJob, u32) = (null_mut(), 0);
        assert_eq!(call!(e, Next, 1, &mut j, &mut got), S_OK);
        let mut name: LPWSTR = null_mut();
        assert_eq!(call!(j, GetDisplayName, &mut name), S_OK);
        found |= take_str(name) == tag;
        release(j);
    }
    assert!(!found, "EnumJobs does not list DO downloads");
    release(e);
    release(bits);
    // Aborted downloads leave the list.
    assert_eq!(call!(a, Abort), S_OK);
    assert_eq!(list(Some((DODownloadProperty_DisplayName, &tag))).unwrap(), vec![]);
    assert_eq!(call!(b, Abort), S_OK);
    release(a);
    release(b);
    release(m);
}

#[test]
fn progress_is_reported_at_the_callback_frequency() {
    let s = setup();
    let dir = tempdir("do-freq");
    let m = do_manager();
    let d = create(m);
    basic(d, &s.url("/gen/3000000/21?trickle_bps=1500000"), &dir.join("f"));
    assert_eq!(set(d, DODownloadProperty_CallbackFreqSeconds, v_u32(0)), S_OK);
    assert_eq!(set(d, DODownloadProperty_CallbackFreqPercent, v_u32(25)), S_OK);
    let cb = new_callback(false);
    assert_eq!(set(d, DODownloadProperty_CallbackInterface, v_unk(cb as *mut c_void)), S_OK);
    assert_eq!(start(d, None), S_OK);
    assert_eq!(wait_state(d, &[DODownloadState_Transferred]).State, DODownloadState_Transferred);
    assert!(wait_until(LONG, || seen(cb).iter().any(|s| s.State == DODownloadState_Transferred)));
    let progress: Vec<u64> = seen(cb)
        .iter()
        .filter(|s| s.State == DODownloadState_Transferring && s.BytesTransferred > 0)
        .map(|s| s.BytesTransferred * 100 / 3_000_000)
        .collect();
    assert!((2..=4).contains(&progress.len()), "one call per 25% step: {progress:?}");
    let steps: Vec<u64> = progress.iter().map(|p| p / 25).collect();
    assert!(steps.windows(2).all(|w| w[0] < w[1]), "each call is a new step: {progress:?}");
    assert_eq!(call!(d, Abort), S_OK);
    release(d);
    release(m);
    assert!(wait_until(LONG, || unsafe { (*cb).refs.load(Ordering::SeqCst) } == 1));
    cb_release_own(cb);
}

#[test]
fn security_flags_relax_the_certificate_checks_of_https_downloads() {
    setup();
    let tls = Server::start(Options { tls: true, ..Options::default() }).unwrap();
    let dir = tempdir("do-tls");
    let m = do_manager();
    // The test server's CA is not trusted here: the download fails as WinHTTP would.
    let d = create(m);
    basic(d, &tls.url("/gen/5000/22"), &dir.join("strict"));
    assert_eq!(set(d, DODownloadProperty_BlockingMode, v_bool(true)), S_OK);
    const INVALID_CA: HRESULT = 0x80072F0D_u32 as HRESULT; // HRESULT_FROM_WIN32(ERROR_WINHTTP_SECURE_INVALID_CA)
    assert_eq!(start(d, None), INVALID_CA);
    assert_eq!(status(d).Error, INVALID_CA);
    assert_eq!(call!(d, Abort), S_OK);
    release(d);
    // SECURITY_FLAG_IGNORE_UNKNOWN_CA lifts exactly that check.
    let d = create(m);
    basic(d, &tls.url("/gen/5000/22"), &dir.join("relaxed"));
    assert_eq!(set(d, DODownloadProperty_BlockingMode, v_bool(true)), S_OK);
    assert_eq!(set(d, DODownloadProperty_SecurityFlags, v_u32(0x100)), S_OK);
    assert_eq!(start(d, None), S_OK);
    assert_eq!(call!(d, Finalize), S_OK);
    assert_eq!(std::fs::read(dir.join("relaxed")).unwrap(), content(22, 5000));
    release(d);
    release(m);
}
