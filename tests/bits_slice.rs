//! The first slice through the C ABI: activation, the manager, a job's non-transfer methods and
//! the job enumerator, called through the exported functions and vtables as C does.
// `1 as *mut T` values are deliberate non-NULL sentinels that a failing call must reset to NULL.
#![allow(clippy::manual_dangling_ptr)]

mod common;

use common::*;
use core::ffi::c_void;
use core::ptr::null_mut;
use deliveryopt::interfaces::activation::{CoCreateInstance, CoInitializeEx, CoUninitialize};

#[test]
fn every_bits_clsid_activates_the_manager_and_unknown_ones_do_not() {
    let clsids = [
        &CLSID_BackgroundCopyManager,
        &CLSID_BackgroundCopyManager1_5,
        &CLSID_BackgroundCopyManager2_0,
        &CLSID_BackgroundCopyManager2_5,
        &CLSID_BackgroundCopyManager3_0,
        &CLSID_BackgroundCopyManager4_0,
        &CLSID_BackgroundCopyManager5_0,
        &CLSID_BackgroundCopyManager10_1,
        &CLSID_BackgroundCopyManager10_2,
        &CLSID_BackgroundCopyManager10_3,
        &CLSID_DeliveryOptimization,
    ];
    for c in clsids {
        let mut p: *mut c_void = null_mut();
        assert_eq!(CoCreateInstance(c, null_mut(), CLSCTX_ALL, &IID_IBackgroundCopyManager, &mut p), S_OK, "{c}");
        assert_eq!(release(p as *mut IUnknown), 0, "a fresh manager has one reference");
    }
    let mut p: *mut c_void = 1 as *mut c_void;
    assert_eq!(
        CoCreateInstance(&IID_IBackgroundCopyJob, null_mut(), CLSCTX_ALL, &IID_IBackgroundCopyManager, &mut p),
        REGDB_E_CLASSNOTREG
    );
    assert!(p.is_null());
    p = 1 as *mut c_void;
    assert_eq!(
        CoCreateInstance(&CLSID_BackgroundCopyManager, null_mut(), CLSCTX_ALL, &IID_IBackgroundCopyJob, &mut p),
        E_NOINTERFACE
    );
    assert!(p.is_null());
    assert_eq!(
        CoCreateInstance(&CLSID_BackgroundCopyManager, null_mut(), CLSCTX_ALL, &IID_IBackgroundCopyManager, null_mut()),
        E_POINTER
    );
    assert_eq!(CoCreateInstance(null_mut(), null_mut(), CLSCTX_ALL, &IID_IUnknown, &mut p), E_INVALIDARG);
    assert_eq!(
        CoCreateInstance(&CLSID_BackgroundCopyManager, null_mut(), CLSCTX_ALL, null_mut(), &mut p),
        E_INVALIDARG
    );
    let outer = manager();
    assert_eq!(
        CoCreateInstance(&CLSID_BackgroundCopyManager, outer as *mut IUnknown, CLSCTX_ALL, &IID_IUnknown, &mut p),
        CLASS_E_NOAGGREGATION
    );
    assert!(p.is_null());
    release(outer);
}

#[test]
fn co_initialize_counts_per_thread() {
    std::thread::spawn(|| {
        assert_eq!(CoInitializeEx(null_mut(), COINIT_MULTITHREADED), S_OK);
        assert_eq!(CoInitializeEx(null_mut(), COINIT_APARTMENTTHREADED), S_FALSE);
        CoUninitialize();
        CoUninitialize();
        assert_eq!(CoInitializeEx(null_mut(), 0), S_OK);
        CoUninitialize();
        assert_eq!(CoInitializeEx(1 as *mut c_void, 0), E_INVALIDARG);
    })
    .join()
    .unwrap();
}

#[test]
fn reference_counts_and_com_identity() {
    let m = manager();
    assert_eq!(add_ref(m), 2);
    assert_eq!(release(m), 1);
    let (_, job) = create_job(m, "identity");
    let unk1 = qi(job, &IID_IUnknown).unwrap();
    assert_eq!(unk1, job as *mut c_void, "IUnknown is the primary face");
    let http = qi(job, &IID_IBackgroundCopyJobHttpOptions).unwrap();
    assert_ne!(http, job as *mut c_void, "HttpOptions is a tear-off face");
    let unk2 = qi(http as *mut IUnknown, &IID_IUnknown).unwrap();
    assert_eq!(unk1, unk2, "QI for IUnknown from any face gives the same pointer");
    let back = qi(http as *mut IUnknown, &IID_IBackgroundCopyJob5).unwrap();
    assert_eq!(back, job as *mut c_void, "QI is symmetric and transitive");
    for iid in [
        &IID_IBackgroundCopyJob2,
        &IID_IBackgroundCopyJob3,
        &IID_IBackgroundCopyJob4,
        &IID_IBackgroundCopyJobHttpOptions2,
        &IID_IBackgroundCopyJobHttpOptions3,
        &IID_IBitsTokenOptions,
    ] {
        release(qi(job, iid).unwrap() as *mut IUnknown);
    }
    assert_eq!(qi(job, &IID_IBackgroundCopyFile), Err(E_NOINTERFACE));
    let mut out: *mut c_void = null_mut();
    assert_eq!(call!(job as *mut IUnknown, QueryInterface, &IID_IUnknown, null_mut()), E_POINTER);
    assert_eq!(call!(job as *mut IUnknown, QueryInterface, null_mut(), &mut out), E_INVALIDARG);
    for p in [unk1, http, unk2, back] {
        release(p as *mut IUnknown);
    }
    // Only the creator's reference is left now.
    assert_eq!(call!(job, Cancel), S_OK);
    assert_eq!(release(job), 0, "Release of a job with one reference returns 0");
    assert_eq!(release(m), 0);
}

#[test]
fn a_new_job_has_the_documented_defaults() {
    let m = manager();
    let (id, job) = create_job(m, "defaults");
    let mut g = GUID::zeroed();
    assert_eq!(call!(job, GetId, &mut g), S_OK);
    assert_eq!(g, id);
    let mut t = -1;
    assert_eq!(call!(job, GetType, &mut t), S_OK);
    assert_eq!(t, BG_JOB_TYPE_DOWNLOAD);
    let mut st = -1;
    assert_eq!(call!(job, GetState, &mut st), S_OK);
    assert_eq!(st, BG_JOB_STATE_SUSPENDED);
    let mut pr = -1;
    assert_eq!(call!(job, GetPriority, &mut pr), S_OK);
    assert_eq!(pr, BG_JOB_PRIORITY_NORMAL);
    let mut flags = 0;
    assert_eq!(call!(job, GetNotifyFlags, &mut flags), S_OK);
    assert_eq!(flags, 0x3);
    let mut secs = 0;
    assert_eq!(call!(job, GetMinimumRetryDelay, &mut secs), S_OK);
    assert_eq!(secs, 600);
    assert_eq!(call!(job, GetNoProgressTimeout, &mut secs), S_OK);
    assert_eq!(secs, 1_209_600);
    let mut n = 7;
    assert_eq!(call!(job, GetErrorCount, &mut n), S_OK);
    assert_eq!(n, 0);
    let mut prog = BG_JOB_PROGRESS { BytesTotal: 9, BytesTransferred: 9, FilesTotal: 9, FilesTransferred: 9 };
    assert_eq!(call!(job, GetProgress, &mut prog), S_OK);
    assert_eq!(prog, BG_JOB_PROGRESS::default());
    let mut times = BG_JOB_TIMES::default();
    assert_eq!(call!(job, GetTimes, &mut times), S_OK);
    assert!(times.CreationTime.to_u64() > 116_444_736_000_000_000, "a real FILETIME after 1970");
    assert_eq!(times.ModificationTime, times.CreationTime);
    assert_eq!(times.TransferCompletionTime.to_u64(), 0);
    let mut s: LPWSTR = null_mut();
    assert_eq!(call!(job, GetDisplayName, &mut s), S_OK);
    assert_eq!(take_str(s), "defaults");
    assert_eq!(call!(job, GetDescription, &mut s), S_OK);
    assert_eq!(take_str(s), "");
    assert_eq!(call!(job, GetOwner, &mut s), S_OK);
    let uid = unsafe { libc::getuid() };
    assert_eq!(take_str(s), format!("S-1-22-1-{uid}"));
    let mut unk: *mut IUnknown = 1 as *mut IUnknown;
    assert_eq!(call!(job, GetNotifyInterface, &mut unk), S_OK);
    assert!(unk.is_null());
    let mut usage = -1;
    let (mut l, mut b): (LPWSTR, LPWSTR) = (1 as LPWSTR, 1 as LPWSTR);
    assert_eq!(call!(job, GetProxySettings, &mut usage, &mut l, &mut b), S_OK);
    assert_eq!(usage, BG_JOB_PROXY_USAGE_PRECONFIG);
    assert!(l.is_null() && b.is_null());
    let mut err: *mut IBackgroundCopyError = 1 as *mut _;
    assert_eq!(call!(job, GetError, &mut err), BG_E_ERROR_INFORMATION_UNAVAILABLE);
    assert!(err.is_null());
    assert_eq!(call!(job, Resume), BG_E_EMPTY, "Resume on an empty job");
    assert_eq!(call!(job, GetState, &mut st), S_OK);
    assert_eq!(st, BG_JOB_STATE_SUSPENDED);
    discard(job);
    release(m);
}

#[test]
fn setters_store_values_and_reject_bad_input_without_change() {
    let m = manager();
    let (_, job) = create_job(m, "setters");
    let name = wide("renamed");
    assert_eq!(call!(job, SetDisplayName, name.as_ptr()), S_OK);
    assert_eq!(call!(job, SetDisplayName, null_mut()), E_INVALIDARG);
    let long = wide(&"n".repeat(257));
    assert_eq!(call!(job, SetDisplayName, long.as_ptr()), BG_E_STRING_TOO_LONG);
    let bad_utf16: [u16; 2] = [0xD800, 0];
    assert_eq!(call!(job, SetDisplayName, bad_utf16.as_ptr()), E_INVALIDARG);
    let mut s: LPWSTR = null_mut();
    call!(job, GetDisplayName, &mut s);
    assert_eq!(take_str(s), "renamed");

    let d = wide("a description");
    assert_eq!(call!(job, SetDescription, d.as_ptr()), S_OK);
    let long = wide(&"d".repeat(1025));
    assert_eq!(call!(job, SetDescription, long.as_ptr()), BG_E_STRING_TOO_LONG);
    assert_eq!(call!(job, SetDescription, null_mut()), E_INVALIDARG);
    call!(job, GetDescription, &mut s);
    assert_eq!(take_str(s), "a description");

    assert_eq!(call!(job, SetPriority, BG_JOB_PRIORITY_LOW), S_OK);
    assert_eq!(call!(job, SetPriority, 4), E_NOTIMPL);
    assert_eq!(call!(job, SetPriority, -1), E_NOTIMPL);
    let mut p = 0;
    call!(job, GetPriority, &mut p);
    assert_eq!(p, BG_JOB_PRIORITY_LOW);

    assert_eq!(call!(job, SetNotifyFlags, BG_NOTIFY_JOB_MODIFICATION | BG_NOTIFY_FILE_TRANSFERRED), S_OK);
    assert_eq!(call!(job, SetNotifyFlags, 0x40), E_NOTIMPL);
    let mut f = 0;
    call!(job, GetNotifyFlags, &mut f);
    assert_eq!(f, 0x18);

    assert_eq!(call!(job, SetMinimumRetryDelay, 2), S_OK);
    let mut secs = 0;
    call!(job, GetMinimumRetryDelay, &mut secs);
    assert_eq!(secs, 5, "values below 5 s are raised to 5");
    assert_eq!(call!(job, SetNoProgressTimeout, 0), S_OK);
    call!(job, GetNoProgressTimeout, &mut secs);
    assert_eq!(secs, 0);

    let proxy = wide("http://127.0.0.1:3128");
    let bypass = wide("localhost");
    assert_eq!(call!(job, SetProxySettings, BG_JOB_PROXY_USAGE_OVERRIDE, null_mut(), null_mut()), E_INVALIDARG);
    assert_eq!(call!(job, SetProxySettings, BG_JOB_PROXY_USAGE_NO_PROXY, proxy.as_ptr(), null_mut()), E_INVALIDARG);
    assert_eq!(call!(job, SetProxySettings, 9, null_mut(), null_mut()), E_NOTIMPL);
    let huge = wide(&"p".repeat(4001));
    assert_eq!(
        call!(job, SetProxySettings, BG_JOB_PROXY_USAGE_OVERRIDE, huge.as_ptr(), null_mut()),
        BG_E_PROXY_LIST_TOO_LARGE
    );
    assert_eq!(
        call!(job, SetProxySettings, BG_JOB_PROXY_USAGE_OVERRIDE, proxy.as_ptr(), huge.as_ptr()),
        BG_E_PROXY_BYPASS_LIST_TOO_LARGE
    );
    assert_eq!(call!(job, SetProxySettings, BG_JOB_PROXY_USAGE_OVERRIDE, proxy.as_ptr(), bypass.as_ptr()), S_OK);
    let mut usage = 0;
    let (mut l, mut b): (LPWSTR, LPWSTR) = (null_mut(), null_mut());
    assert_eq!(call!(job, GetProxySettings, &mut usage, &mut l, &mut b), S_OK);
    assert_eq!(
        (usage, take_str(l), take_str(b)),
        (BG_JOB_PROXY_USAGE_OVERRIDE, "http://127.0.0.1:3128".into(), "localhost".into())
    );
    assert_eq!(call!(job, GetProxySettings, null_mut(), &mut l, &mut b), E_INVALIDARG);

    if unsafe { libc::getuid() } != 0 {
        assert_eq!(call!(job, TakeOwnership), E_ACCESSDENIED);
    } else {
        assert_eq!(call!(job, TakeOwnership), S_OK);
    }

    // NULL out-pointers are refused.
    assert_eq!(call!(job, GetState, null_mut()), E_INVALIDARG);
    assert_eq!(call!(job, GetProgress, null_mut()), E_INVALIDARG);
    assert_eq!(call!(job, GetDisplayName, null_mut()), E_INVALIDARG);
    assert_eq!(call!(job, GetNotifyInterface, null_mut()), E_INVALIDARG);
    assert_eq!(call!(job, GetTimes, null_mut()), E_INVALIDARG);
    assert_eq!(call!(job, GetId, null_mut()), E_INVALIDARG);

    // Times: a change moved the modification time forward.
    let mut times = BG_JOB_TIMES::default();
    call!(job, GetTimes, &mut times);
    assert!(times.ModificationTime.to_u64() >= times.CreationTime.to_u64());
    discard(job);
    release(m);
}

#[test]
fn final_states_refuse_changes_and_leave_the_job_list() {
    let m = manager();
    let (id, job) = create_job(m, "final");
    assert_eq!(call!(job, Suspend), S_OK, "Suspend of a suspended job is S_OK");
    assert_eq!(call!(job, Cancel), S_OK);
    assert_eq!(call!(job, Cancel), BG_E_INVALID_STATE, "second Cancel");
    assert_eq!(call!(job, Complete), BG_E_INVALID_STATE);
    assert_eq!(call!(job, Suspend), BG_E_INVALID_STATE);
    assert_eq!(call!(job, Resume), BG_E_INVALID_STATE);
    let name = wide("x");
    assert_eq!(call!(job, SetDisplayName, name.as_ptr()), BG_E_INVALID_STATE);
    assert_eq!(call!(job, SetPriority, BG_JOB_PRIORITY_HIGH), BG_E_INVALID_STATE);
    assert_eq!(call!(job, SetNotifyInterface, null_mut()), BG_E_INVALID_STATE);
    let mut st = 0;
    assert_eq!(call!(job, GetState, &mut st), S_OK, "getters work in final states");
    assert_eq!(st, BG_JOB_STATE_CANCELLED);
    let mut found: *mut IBackgroundCopyJob = 1 as *mut _;
    assert_eq!(call!(m, GetJob, &id, &mut found), BG_E_NOT_FOUND);
    assert!(found.is_null());
    release(job);

    let (id2, job2) = create_job(m, "complete");
    assert_eq!(call!(job2, Complete), S_OK);
    call!(job2, GetState, &mut st);
    assert_eq!(st, BG_JOB_STATE_ACKNOWLEDGED);
    assert_eq!(call!(m, GetJob, &id2, &mut found), BG_E_NOT_FOUND);
    release(job2);
    release(m);
}

#[test]
fn get_job_returns_the_same_object_while_it_is_alive() {
    let m = manager();
    let (id, job) = create_job(m, "lookup");
    let mut again: *mut IBackgroundCopyJob = null_mut();
    assert_eq!(call!(m, GetJob, &id, &mut again), S_OK);
    assert_eq!(again, job, "one live object per job");
    release(again);
    assert_eq!(call!(m, GetJob, null_mut(), &mut again), E_INVALIDARG);
    assert_eq!(call!(m, GetJob, &id, null_mut()), E_INVALIDARG);
    let unknown = GUID { Data1: 1, Data2: 2, Data3: 3, Data4: [4; 8] };
    assert_eq!(call!(m, GetJob, &unknown, &mut again), BG_E_NOT_FOUND);
    discard(job);
    release(m);
}

#[test]
fn create_job_rejects_bad_arguments_and_creates_nothing() {
    let m = manager();
    let ok = wide("ok");
    let mut id = GUID::zeroed();
    let mut job: *mut IBackgroundCopyJob = 1 as *mut _;
    assert_eq!(call!(m, CreateJob, null_mut(), BG_JOB_TYPE_DOWNLOAD, &mut id, &mut job), E_INVALIDARG);
    assert!(job.is_null());
    let long = wide(&"x".repeat(257));
    assert_eq!(call!(m, CreateJob, long.as_ptr(), BG_JOB_TYPE_DOWNLOAD, &mut id, &mut job), E_INVALIDARG);
    assert_eq!(call!(m, CreateJob, ok.as_ptr(), 3, &mut id, &mut job), E_INVALIDARG);
    assert_eq!(call!(m, CreateJob, ok.as_ptr(), -1, &mut id, &mut job), E_INVALIDARG);
    assert_eq!(call!(m, CreateJob, ok.as_ptr(), BG_JOB_TYPE_DOWNLOAD, null_mut(), &mut job), E_INVALIDARG);
    assert_eq!(call!(m, CreateJob, ok.as_ptr(), BG_JOB_TYPE_DOWNLOAD, &mut id, null_mut()), E_INVALIDARG);
    assert!(job.is_null());
    assert_eq!(id, GUID::zeroed(), "no id written on failure");
    // Upload and upload-reply jobs exist.
    for ty in [BG_JOB_TYPE_UPLOAD, BG_JOB_TYPE_UPLOAD_REPLY] {
        let mut up: *mut IBackgroundCopyJob = null_mut();
        let mut up_id = GUID::zeroed();
        assert_eq!(call!(m, CreateJob, ok.as_ptr(), ty, &mut up_id, &mut up), S_OK);
        let mut got = -1;
        assert_eq!(call!(up, GetType, &mut got), S_OK);
        assert_eq!(got, ty);
        discard(up);
    }
    let name256 = wide(&"y".repeat(256));
    assert_eq!(call!(m, CreateJob, name256.as_ptr(), BG_JOB_TYPE_DOWNLOAD, &mut id, &mut job), S_OK);
    discard(job);
    release(m);
}

#[test]
fn enumerator_follows_the_ienum_rules() {
    let m = manager();
    let ids: Vec<(GUID, *mut IBackgroundCopyJob)> = (0..3).map(|i| create_job(m, &format!("enum{i}"))).collect();
    let mut e: *mut IEnumBackgroundCopyJobs = null_mut();
    assert_eq!(call!(m, EnumJobs, 0, &mut e), S_OK);
    let mut count = 0;
    assert_eq!(call!(e, GetCount, &mut count), S_OK);
    // Other tests run in parallel on the same engine; our three must be among them.
    assert!(count >= 3);
    let mut seen = Vec::new();
    loop {
        let mut j: *mut IBackgroundCopyJob = null_mut();
        let mut fetched = 0;
        let hr = call!(e, Next, 1, &mut j, &mut fetched);
        if hr == S_FALSE {
            assert_eq!(fetched, 0);
            assert!(j.is_null());
            break;
        }
        assert_eq!((hr, fetched), (S_OK, 1));
        let mut g = GUID::zeroed();
        call!(j, GetId, &mut g);
        seen.push(g);
        release(j);
    }
    assert_eq!(seen.len(), count as usize);
    for (id, _) in &ids {
        assert!(seen.contains(id));
    }
    // pceltFetched may be NULL only for celt == 1.
    let mut arr: [*mut IBackgroundCopyJob; 4] = [null_mut(); 4];
    assert_eq!(call!(e, Reset), S_OK);
    assert_eq!(call!(e, Next, 2, arr.as_mut_ptr(), null_mut()), E_INVALIDARG);
    assert_eq!(call!(e, Next, 1, arr.as_mut_ptr(), null_mut()), S_OK);
    release(arr[0]);
    // Asking for more than remain: S_FALSE with the rest.
    assert_eq!(call!(e, Reset), S_OK);
    assert_eq!(call!(e, Skip, count - 1), S_OK);
    let mut fetched = 0;
    assert_eq!(call!(e, Next, 4, arr.as_mut_ptr(), &mut fetched), S_FALSE);
    assert_eq!(fetched, 1);
    release(arr[0]);
    assert_eq!(call!(e, Skip, 1), S_FALSE, "skipping past the end");
    // A clone keeps the position and is independent.
    assert_eq!(call!(e, Reset), S_OK);
    assert_eq!(call!(e, Skip, 1), S_OK);
    let mut c: *mut IEnumBackgroundCopyJobs = null_mut();
    assert_eq!(call!(e, Clone, &mut c), S_OK);
    assert_eq!(call!(c, Skip, count - 1), S_OK);
    assert_eq!(call!(c, Skip, 1), S_FALSE);
    let mut j: *mut IBackgroundCopyJob = null_mut();
    assert_eq!(call!(e, Next, 1, &mut j, null_mut()), S_OK, "the original did not move");
    release(j);
    assert_eq!(call!(c, GetCount, null_mut()), E_INVALIDARG);
    assert_eq!(call!(e, Clone, null_mut()), E_INVALIDARG);
    assert_eq!(release(c), 0);
    // A snapshot: a job cancelled now is still in it.
    let (_, extra) = create_job(m, "late");
    let mut count2 = 0;
    call!(e, GetCount, &mut count2);
    assert_eq!(count, count2);
    assert_eq!(release(e), 0);
    discard(extra);
    for (_, job) in ids {
        discard(job);
    }
    assert_eq!(call!(m, EnumJobs, 0x2, &mut e), E_INVALIDARG);
    assert_eq!(call!(m, EnumJobs, 0, null_mut()), E_INVALIDARG);
    if unsafe { libc::getuid() } != 0 {
        assert_eq!(call!(m, EnumJobs, BG_JOB_ENUM_ALL_USERS, &mut e), E_ACCESSDENIED);
        assert!(e.is_null());
    }
    release(m);
}

#[test]
fn error_descriptions_exist_for_documented_codes_and_languages() {
    let m = manager();
    let mut s: LPWSTR = null_mut();
    for hr in [BG_E_NOT_FOUND, BG_E_HTTP_ERROR_404, E_INVALIDARG, DO_E_JOB_EMPTY, BG_S_PARTIAL_COMPLETE] {
        assert_eq!(call!(m, GetErrorDescription, hr, 0x409, &mut s), S_OK, "{hr:#x}");
        assert!(!take_str(s).is_empty());
    }
    assert_eq!(call!(m, GetErrorDescription, BG_E_NOT_FOUND, 0, &mut s), S_OK);
    take_str(s);
    s = 1 as LPWSTR;
    assert_eq!(
        call!(m, GetErrorDescription, BG_E_NOT_FOUND, 0x407, &mut s),
        hresult_from_win32(ERROR_RESOURCE_LANG_NOT_FOUND),
        "German is not available"
    );
    assert!(s.is_null());
    assert_eq!(call!(m, GetErrorDescription, BG_E_NOT_FOUND, 0x409, null_mut()), E_INVALIDARG);
    release(m);
}

#[test]
fn methods_of_later_issues_say_not_implemented() {
    let m = manager();
    let (_, job) = create_job(m, "notimpl");
    let mut reply = BG_JOB_REPLY_PROGRESS::default();
    assert_eq!(
        call!(job as *mut IBackgroundCopyJob2, GetReplyProgress, &mut reply),
        E_NOTIMPL,
        "download jobs have no reply, as BITS documents"
    );
    let token = qi(job, &IID_IBitsTokenOptions).unwrap() as *mut IBitsTokenOptions;
    assert_eq!(call!(token, SetHelperToken), E_NOTIMPL, "Windows helper tokens have no Linux meaning");
    release(token);
    let mut files: *mut IEnumBackgroundCopyFiles = null_mut();
    assert_eq!(call!(job, EnumFiles, &mut files), S_OK);
    let mut n = 9;
    assert_eq!(call!(files, GetCount, &mut n), S_OK);
    assert_eq!(n, 0);
    assert_eq!(release(files), 0);
    discard(job);
    let pca = qi(m, &IID_IBitsPeerCacheAdministration).unwrap() as *mut IBitsPeerCacheAdministration;
    assert_eq!(call!(pca, ClearRecords), BG_E_PEERCACHING_DISABLED);
    release(pca);
    release(m);
}

#[test]
fn unnamed_http_statuses_get_text_and_unknown_codes_an_error() {
    let m = manager();
    let mut s: LPWSTR = null_mut();
    assert_eq!(call!(m, GetErrorDescription, 0x801901ADu32 as HRESULT, 0x409, &mut s), S_OK);
    assert!(take_str(s).contains("429"));
    s = 1 as LPWSTR;
    assert_eq!(call!(m, GetErrorDescription, 0x12345678, 0x409, &mut s), hresult_from_win32(ERROR_MR_MID_NOT_FOUND));
    assert!(s.is_null());
    release(m);
}
