//! The legacy BITS-compatible DO interfaces: a job made through CLSID_DeliveryOptimization's
//! IBackgroundCopyManager answers IDeliveryOptimizationJob/Job2, its files
//! IDeliveryOptimizationFile/File2, and they move real bytes.
mod common;

use common::*;
use core::ffi::c_void;
use core::ptr::null_mut;
use std::sync::Once;

use deliveryopt::abi::memory::{bstr_from_str, SysFreeString};
use deliveryopt::abi::variant::VariantClear;
use deliveryopt::interfaces::activation::CoCreateInstance;
use testserver::{content, Options, Server};

fn setup() -> Server {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        std::env::set_var("DELIVERYOPT_READ_TIMEOUT_MS", "3000");
        isolate_store();
    });
    Server::start(Options::default()).unwrap()
}

fn do_bits_manager() -> *mut IBackgroundCopyManager {
    let mut p: *mut c_void = null_mut();
    let hr = CoCreateInstance(
        &CLSID_DeliveryOptimization,
        null_mut(),
        CLSCTX_LOCAL_SERVER,
        &IID_IBackgroundCopyManager,
        &mut p,
    );
    assert_eq!(hr, S_OK);
    p as *mut IBackgroundCopyManager
}

fn files_of(job: *mut IBackgroundCopyJob) -> Vec<*mut IBackgroundCopyFile> {
    let mut e: *mut IEnumBackgroundCopyFiles = null_mut();
    assert_eq!(call!(job, EnumFiles, &mut e), S_OK);
    let mut v = Vec::new();
    loop {
        let (mut f, mut n): (*mut IBackgroundCopyFile, u32) = (null_mut(), 0);
        if call!(e, Next, 1, &mut f, &mut n) != S_OK {
            break;
        }
        v.push(f);
    }
    release(e);
    v
}

fn stats(f: *mut IBackgroundCopyFile, slot4: bool) -> (String, String, DOSwarmStats) {
    let dof = qi(f, &IID_IDeliveryOptimizationFile).unwrap() as *mut IDeliveryOptimizationFile;
    let mut s: DOSwarmStats = unsafe { core::mem::zeroed() };
    let hr = if slot4 {
        // The spare slot after GetStats (Office calls slot 4, per a third-party reconstruction).
        let f4: unsafe extern "C" fn(*mut IDeliveryOptimizationFile, *mut DOSwarmStats) -> HRESULT =
            unsafe { *((*dof).lpVtbl as *const usize).add(4).cast() };
        unsafe { f4(dof, &mut s) }
    } else {
        call!(dof, GetStats, &mut s)
    };
    assert_eq!(hr, S_OK);
    release(dof);
    (take_str(s.fileId), take_str(s.sourceURL), s)
}

#[test]
fn only_jobs_of_the_do_class_answer_the_legacy_interfaces() {
    setup();
    let plain = manager();
    let (_, job) = create_job(plain, "bits");
    assert_eq!(call!(job, Resume), BG_E_EMPTY, "a BITS job keeps BITS codes");
    assert_eq!(qi(job, &IID_IDeliveryOptimizationJob).unwrap_err(), E_NOINTERFACE);
    assert_eq!(qi(job, &IID_IDeliveryOptimizationJob2).unwrap_err(), E_NOINTERFACE);
    discard(job);
    release(plain);
    let m = do_bits_manager();
    let (_, job) = create_job(m, "do");
    // The BITS methods of a DO job answer DO's codes (do.md §8, errors.md §4).
    assert_eq!(call!(job, Resume), DO_E_JOB_EMPTY);
    let mut err: *mut IBackgroundCopyError = null_mut();
    assert_eq!(call!(job, GetError, &mut err), DO_E_ERROR_INFORMATION_UNAVAILABLE);
    let unknown = GUID { Data1: 1, Data2: 2, Data3: 3, Data4: [4; 8] };
    let mut other: *mut IBackgroundCopyJob = null_mut();
    assert_eq!(call!(m, GetJob, &unknown, &mut other), DO_E_JOB_NOT_FOUND);
    let j1 = qi(job, &IID_IDeliveryOptimizationJob).unwrap();
    let j2 = qi(job, &IID_IDeliveryOptimizationJob2).unwrap();
    let back = qi(j1 as *mut IDeliveryOptimizationJob, &IID_IBackgroundCopyJob).unwrap();
    assert_eq!(back, job as *mut c_void);
    release(back as *mut IBackgroundCopyJob);
    release(j1 as *mut IDeliveryOptimizationJob);
    release(j2 as *mut IDeliveryOptimizationJob2);
    assert_eq!(call!(job, Cancel), S_OK);
    assert_eq!(call!(job, Cancel), DO_E_INVALID_STATE);
    release(job);
    release(m);
}

#[test]
fn add_file_with_ranges_downloads_by_file_id_and_get_stats_reports_it() {
    let s = setup();
    let dir = tempdir("legacy-ranges");
    let m = do_bits_manager();
    let (_, job) = create_job(m, "legacy");
    let dj = qi(job, &IID_IDeliveryOptimizationJob).unwrap() as *mut IDeliveryOptimizationJob;
    let url = s.url("/gen/50000/31");
    let (id, u) = (wide("file-1"), wide(&url));
    let local = dir.join("one");
    let l = wide(local.to_str().unwrap());
    let empty = wide("");
    let mut bad = [BG_FILE_RANGE { InitialOffset: 0, Length: 100 }, BG_FILE_RANGE { InitialOffset: 50, Length: 10 }];
    assert_eq!(
        call!(dj, AddFileWithRanges, id.as_ptr(), u.as_ptr(), empty.as_ptr(), 0, null_mut(), DO_UNKNOWN_FILE_SIZE),
        E_INVALIDARG
    );
    assert_eq!(
        call!(dj, AddFileWithRanges, id.as_ptr(), u.as_ptr(), l.as_ptr(), 2, bad.as_mut_ptr(), DO_UNKNOWN_FILE_SIZE),
        DO_E_OVERLAPPING_RANGES
    );
    bad[0] = BG_FILE_RANGE { InitialOffset: BG_LENGTH_TO_EOF, Length: 1 };
    assert_eq!(
        call!(dj, AddFileWithRanges, id.as_ptr(), u.as_ptr(), l.as_ptr(), 1, bad.as_mut_ptr(), DO_UNKNOWN_FILE_SIZE),
        DO_E_INVALID_RANGE
    );
    assert!(files_of(job).is_empty(), "refused adds change nothing");
    let mut ranges =
        [BG_FILE_RANGE { InitialOffset: 40_000, Length: 1000 }, BG_FILE_RANGE { InitialOffset: 0, Length: 10 }];
    assert_eq!(call!(dj, AddFileWithRanges, id.as_ptr(), u.as_ptr(), l.as_ptr(), 2, ranges.as_mut_ptr(), 50_000), S_OK);
    assert_eq!(call!(job, Resume), S_OK);
    assert_eq!(wait_end(job), BG_JOB_STATE_TRANSFERRED);
    let files = files_of(job);
    assert_eq!(files.len(), 1);
    let (fid, src, st) = stats(files[0], false);
    assert_eq!((fid.as_str(), src.as_str()), ("file-1", url.as_str()));
    assert_eq!((st.totalBytesDownloaded, st.bytesFromHttp, st.bytesFromLanPeers), (1010, 1010, 0));
    assert_eq!((st.status, st.downloadMode, st.isBackground), (SwarmStatus_Complete, DownloadMode_CdnOnly, 1));
    assert_eq!(stats(files[0], true).0, "file-1", "slot 4 answers GetStats too");
    release(files[0]);
    assert_eq!(call!(job, Complete), S_OK);
    let got = std::fs::read(&local).unwrap();
    let c = content(31, 50_000);
    assert_eq!(got.len(), 50_000, "ranges at their offsets of a file of the remote's size");
    assert_eq!(&got[40_000..41_000], &c[40_000..41_000]);
    assert_eq!(&got[..10], &c[..10]);
    assert_eq!(
        call!(dj, AddFileWithRanges, id.as_ptr(), u.as_ptr(), l.as_ptr(), 0, null_mut(), DO_UNKNOWN_FILE_SIZE),
        DO_E_INVALID_STATE
    );
    release(dj);
    release(job);
    release(m);
}

fn set_file(f2: *mut IDeliveryOptimizationFile2, id: DOFilePropertyId, mut v: VARIANT) -> HRESULT {
    let hr = call!(f2, SetProperty, id, &v);
    if v.vt == VT_BSTR {
        unsafe { SysFreeString(v.val.bstrVal) };
        v = VARIANT::empty();
    }
    let _ = v;
    hr
}

fn bstr(s: &str) -> VARIANT {
    let mut v = VARIANT::empty();
    v.vt = VT_BSTR;
    v.val.bstrVal = bstr_from_str(s);
    v
}

#[test]
fn add_file_takes_its_sink_from_file2_properties() {
    let s = setup();
    let dir = tempdir("legacy-sink");
    let m = do_bits_manager();
    let (_, job) = create_job(m, "legacy2");
    let j2 = qi(job, &IID_IDeliveryOptimizationJob2).unwrap() as *mut IDeliveryOptimizationJob2;
    // ExtendedErrorInfo: none yet; read-only; other ids unknown.
    let mut v = VARIANT::empty();
    assert_eq!(call!(j2, GetProperty, DOJobPropertyId_ExtendedErrorInfo, &mut v), E_NOT_SET);
    assert_eq!(call!(j2, GetProperty, 7, &mut v), DO_E_UNKNOWN_PROPERTY_ID);
    assert_eq!(call!(j2, GetProperty, DOJobPropertyId_ExtendedErrorInfo, null_mut()), E_POINTER);
    assert_eq!(call!(j2, SetProperty, DOJobPropertyId_ExtendedErrorInfo, &v), DO_E_READ_ONLY_PROPERTY);
    assert_eq!(call!(j2, SetProperty, 3, &v), DO_E_UNKNOWN_PROPERTY_ID);
    let (id, u) = (wide("f2"), wide(&s.url("/gen/7000/32")));
    let mut obj: *mut c_void = null_mut();
    assert_eq!(
        call!(j2, AddFile, id.as_ptr(), u.as_ptr(), 0, null_mut(), &IID_IDeliveryOptimizationFile, null_mut()),
        E_POINTER
    );
    assert_eq!(
        call!(j2, AddFile, id.as_ptr(), core::ptr::null(), 0, null_mut(), &IID_IDeliveryOptimizationFile, &mut obj),
        DO_E_DOWNLOAD_NO_URI
    );
    assert_eq!(
        call!(j2, AddFile, id.as_ptr(), u.as_ptr(), 0, null_mut(), &IID_IDeliveryOptimizationFile, &mut obj),
        S_OK
    );
    let f2 = qi(obj as *mut IDeliveryOptimizationFile, &IID_IDeliveryOptimizationFile2).unwrap()
        as *mut IDeliveryOptimizationFile2;
    release(obj as *mut IDeliveryOptimizationFile);
    assert_eq!(call!(job, Resume), DO_E_FILE_DOWNLOADSINK_UNSPECIFIED, "no sink yet");
    let mut out = VARIANT::empty();
    assert_eq!(call!(f2, GetProperty, DOFilePropertyId_DownloadSinkFilePath, &mut out), E_NOT_SET);
    assert_eq!(call!(f2, GetProperty, DOFilePropertyId_DecryptionInfo, &mut out), DO_E_WRITE_ONLY_PROPERTY);
    assert_eq!(call!(f2, GetProperty, 42, &mut out), DO_E_UNKNOWN_PROPERTY_ID);
    assert_eq!(
        set_file(f2, DOFilePropertyId_DownloadSinkMemoryStream, VARIANT::empty()),
        DO_E_MEMORYSTREAM_DOWNLOAD_NOT_SUPPORTED
    );
    assert_eq!(set_file(f2, DOFilePropertyId_DownloadSinkFilePath, bstr("relative")), E_INVALIDARG);
    assert_eq!(set_file(f2, DOFilePropertyId_IntegrityCheckMandatory, bstr("x")), E_INVALIDARG, "type mismatch");
    assert_eq!(set_file(f2, 42, bstr("x")), DO_E_UNKNOWN_PROPERTY_ID);
    let local = dir.join("sunk");
    assert_eq!(set_file(f2, DOFilePropertyId_DownloadSinkFilePath, bstr(local.to_str().unwrap())), S_OK);
    assert_eq!(set_file(f2, DOFilePropertyId_IntegrityCheckInfo, bstr("{}")), S_OK);
    let mut b = VARIANT::empty();
    b.vt = VT_BOOL;
    b.val.boolVal = VARIANT_TRUE;
    assert_eq!(set_file(f2, DOFilePropertyId_IntegrityCheckMandatory, b), S_OK);
    assert_eq!(call!(f2, GetProperty, DOFilePropertyId_IntegrityCheckMandatory, &mut out), S_OK);
    assert_eq!((out.vt, unsafe { out.val.boolVal }), (VT_BOOL, VARIANT_TRUE));
    assert_eq!(call!(f2, GetProperty, DOFilePropertyId_DownloadSinkFilePath, &mut out), S_OK);
    assert_eq!(out.vt, VT_BSTR);
    unsafe { VariantClear(&mut out) };
    assert_eq!(call!(job, Resume), S_OK);
    assert_eq!(wait_end(job), BG_JOB_STATE_TRANSFERRED);
    assert_eq!(
        set_file(f2, DOFilePropertyId_DownloadSinkFilePath, bstr(dir.join("late").to_str().unwrap())),
        DO_E_INVALID_STATE
    );
    assert_eq!(call!(f2, GetProperty, DOFilePropertyId_TotalSizeBytes, &mut out), S_OK);
    assert_eq!((out.vt, unsafe { out.val.ullVal }), (VT_UI8, 7000));
    assert_eq!(call!(job, Complete), S_OK);
    assert_eq!(std::fs::read(&local).unwrap(), content(32, 7000));
    release(f2);
    // A failed job explains itself through ExtendedErrorInfo.
    let (_, job2) = create_job(m, "legacy-err");
    let j2b = qi(job2, &IID_IDeliveryOptimizationJob2).unwrap() as *mut IDeliveryOptimizationJob2;
    let (id, u) = (wide("missing"), wide(&s.url("/nope")));
    let mut obj: *mut c_void = null_mut();
    assert_eq!(
        call!(j2b, AddFile, id.as_ptr(), u.as_ptr(), 0, null_mut(), &IID_IDeliveryOptimizationFile2, &mut obj),
        S_OK
    );
    let f = obj as *mut IDeliveryOptimizationFile2;
    assert_eq!(set_file(f, DOFilePropertyId_DownloadSinkFilePath, bstr(dir.join("nope").to_str().unwrap())), S_OK);
    release(f);
    assert_eq!(call!(job2, Resume), S_OK);
    assert_eq!(wait_end(job2), BG_JOB_STATE_ERROR);
    assert_eq!(call!(j2b, GetProperty, DOJobPropertyId_ExtendedErrorInfo, &mut out), S_OK);
    let text = unsafe {
        let b = out.val.bstrVal;
        String::from_utf16(std::slice::from_raw_parts(b, deliveryopt::abi::memory::bstr_len(b))).unwrap()
    };
    unsafe { VariantClear(&mut out) };
    assert!(text.starts_with("0x80190194"), "{text}");
    release(j2b);
    discard(job2);
    release(j2);
    release(job);
    release(m);
}
