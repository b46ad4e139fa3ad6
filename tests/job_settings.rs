//! Job settings from IBackgroundCopyJob4/Job5 and IBackgroundCopyJobHttpOptions: each value is
//! validated with its documented code, read back, and honoured by real transfers against the
//! loopback test server.
// `1 as *mut T` values are deliberate non-NULL sentinels that a failing call must reset to NULL.
#![allow(clippy::manual_dangling_ptr)]

mod common;

use common::*;
use core::ptr::null_mut;
use std::sync::Once;
use std::time::{Duration, Instant};

use once_cell::sync::Lazy;
use testserver::{content, Options, Server};

/// The HTTPS server lives for the whole test binary: its CA must be in SSL_CERT_FILE before the
/// engine loads the trusted certificates.
static TLS: Lazy<Server> = Lazy::new(|| Server::start(Options { tls: true, ..Options::default() }).unwrap());

fn setup() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        std::env::set_var("SSL_CERT_FILE", TLS.ca_pem_path().unwrap());
        std::env::set_var("DELIVERYOPT_READ_TIMEOUT_MS", "3000");
        std::env::set_var("DELIVERYOPT_MAX_JOBS_PER_USER", "1000");
        std::env::set_var("DELIVERYOPT_MAX_JOBS_PER_MACHINE", "1000");
    });
}

fn http() -> Server {
    setup();
    Server::start(Options::default()).unwrap()
}

fn job5(job: *mut IBackgroundCopyJob) -> *mut IBackgroundCopyJob5 {
    qi(job, &IID_IBackgroundCopyJob5).unwrap() as *mut IBackgroundCopyJob5
}

fn http_options(job: *mut IBackgroundCopyJob) -> *mut IBackgroundCopyJobHttpOptions3 {
    qi(job, &IID_IBackgroundCopyJobHttpOptions3).unwrap() as *mut IBackgroundCopyJobHttpOptions3
}

fn dword(v: u32) -> BITS_JOB_PROPERTY_VALUE {
    BITS_JOB_PROPERTY_VALUE { Dword: v }
}

fn get_property(j5: *mut IBackgroundCopyJob5, id: BITS_JOB_PROPERTY_ID) -> (HRESULT, BITS_JOB_PROPERTY_VALUE) {
    let mut v = BITS_JOB_PROPERTY_VALUE { Uint64: 0xdead_beef };
    let hr = call!(j5, GetProperty, id, &mut v);
    (hr, v)
}

fn names_in(dir: &std::path::Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into())
        .collect();
    v.sort();
    v
}

#[test]
fn job5_properties_validate_read_back_and_refuse_what_is_not_built() {
    setup();
    let m = manager();
    let (_, job) = create_job(m, "props");
    let j5 = job5(job);

    // Defaults.
    let (hr, v) = get_property(j5, BITS_JOB_PROPERTY_ID_COST_FLAGS);
    assert_eq!(hr, S_OK);
    assert_eq!(unsafe { v.Dword }, 0x8000_00FF, "default cost: transfer on any network");
    let (hr, v) = get_property(j5, BITS_JOB_PROPERTY_MINIMUM_NOTIFICATION_INTERVAL_MS);
    assert_eq!((hr, unsafe { v.Dword }), (S_OK, 500));
    let (hr, v) = get_property(j5, BITS_JOB_PROPERTY_HIGH_PERFORMANCE);
    assert_eq!((hr, unsafe { v.Enable }), (S_OK, FALSE));
    let (hr, v) = get_property(j5, BITS_JOB_PROPERTY_MAX_DOWNLOAD_SIZE);
    assert_eq!(hr, S_OK);
    assert_eq!(unsafe { v.Uint64 }, u64::MAX, "no limit until one is set");

    // Round trips.
    assert_eq!(call!(j5, SetProperty, BITS_JOB_PROPERTY_ID_COST_FLAGS, dword(0x3)), S_OK);
    assert_eq!(unsafe { get_property(j5, BITS_JOB_PROPERTY_ID_COST_FLAGS).1.Dword }, 0x3);
    assert_eq!(call!(j5, SetProperty, BITS_JOB_PROPERTY_MINIMUM_NOTIFICATION_INTERVAL_MS, dword(0)), S_OK);
    assert_eq!(unsafe { get_property(j5, BITS_JOB_PROPERTY_MINIMUM_NOTIFICATION_INTERVAL_MS).1.Dword }, 0);
    let clsid = GUID { Data1: 0x1234_5678, Data2: 0x9abc, Data3: 0xdef0, Data4: [1, 2, 3, 4, 5, 6, 7, 8] };
    let (hr, _) = get_property(j5, BITS_JOB_PROPERTY_NOTIFICATION_CLSID);
    assert_eq!(hr, S_OK);
    assert_eq!(
        call!(j5, SetProperty, BITS_JOB_PROPERTY_NOTIFICATION_CLSID, BITS_JOB_PROPERTY_VALUE { ClsID: clsid }),
        S_OK
    );
    assert_eq!(unsafe { get_property(j5, BITS_JOB_PROPERTY_NOTIFICATION_CLSID).1.ClsID }, clsid);
    let v = BITS_JOB_PROPERTY_VALUE { Enable: TRUE };
    assert_eq!(call!(j5, SetProperty, BITS_JOB_PROPERTY_HIGH_PERFORMANCE, v), S_OK);
    assert_eq!(unsafe { get_property(j5, BITS_JOB_PROPERTY_HIGH_PERFORMANCE).1.Enable }, TRUE);

    // Validation.
    let zero = BITS_JOB_PROPERTY_VALUE { Uint64: 0 };
    assert_eq!(call!(j5, SetProperty, BITS_JOB_PROPERTY_MAX_DOWNLOAD_SIZE, zero), BG_E_MAX_DOWNLOAD_SIZE_INVALID_VALUE);
    assert_eq!(call!(j5, SetProperty, 999, dword(1)), BG_E_UNKNOWN_PROPERTY_ID);
    assert_eq!(get_property(j5, 999).0, BG_E_UNKNOWN_PROPERTY_ID);
    assert_eq!(call!(j5, GetProperty, BITS_JOB_PROPERTY_ID_COST_FLAGS, null_mut()), E_INVALIDARG);
    let on = BITS_JOB_PROPERTY_VALUE { Enable: TRUE };
    assert_eq!(unsafe { get_property(j5, BITS_JOB_PROPERTY_ON_DEMAND_MODE).1.Enable }, FALSE, "default");
    assert_eq!(call!(j5, SetProperty, BITS_JOB_PROPERTY_ON_DEMAND_MODE, on), S_OK);
    assert_eq!(unsafe { get_property(j5, BITS_JOB_PROPERTY_ON_DEMAND_MODE).1.Enable }, TRUE);
    let off = BITS_JOB_PROPERTY_VALUE { Enable: FALSE };
    assert_eq!(call!(j5, SetProperty, BITS_JOB_PROPERTY_ON_DEMAND_MODE, off), S_OK);
    let server = BITS_JOB_PROPERTY_VALUE { Target: BG_AUTH_TARGET_SERVER };
    assert_eq!(
        call!(j5, SetProperty, BITS_JOB_PROPERTY_USE_STORED_CREDENTIALS, server),
        BG_E_USE_STORED_CREDENTIALS_NOT_SUPPORTED
    );

    // HIGH_PERFORMANCE is fixed once a file is added; MAX_DOWNLOAD_SIZE once the job ran.
    let dir = tempdir("props");
    std::fs::write(dir.join("src"), b"x").unwrap();
    add_file(job, dir.join("src").to_str().unwrap(), &dir.join("dst"));
    let off = BITS_JOB_PROPERTY_VALUE { Enable: FALSE };
    assert_eq!(call!(j5, SetProperty, BITS_JOB_PROPERTY_HIGH_PERFORMANCE, off), BG_E_READ_ONLY_PROPERTY_AFTER_ADDFILE);
    assert_eq!(call!(job, Suspend), S_OK);
    assert_eq!(call!(job, Resume), S_OK);
    let limit = BITS_JOB_PROPERTY_VALUE { Uint64: 10 };
    assert_eq!(
        call!(j5, SetProperty, BITS_JOB_PROPERTY_MAX_DOWNLOAD_SIZE, limit),
        BG_E_READ_ONLY_PROPERTY_AFTER_RESUME
    );

    release(j5);
    discard(job);
    release(m);
}

#[test]
fn job4_settings_read_back_and_validate() {
    setup();
    let m = manager();
    let (_, job) = create_job(m, "job4");
    let j4 = qi(job, &IID_IBackgroundCopyJob4).unwrap() as *mut IBackgroundCopyJob4;

    let mut flags = 99;
    assert_eq!(call!(j4, GetPeerCachingFlags, &mut flags), S_OK);
    assert_eq!(flags, 0);
    assert_eq!(call!(j4, SetPeerCachingFlags, 0x3), S_OK);
    assert_eq!(call!(j4, GetPeerCachingFlags, &mut flags), S_OK);
    assert_eq!(flags, 0x3);
    assert_eq!(call!(j4, SetPeerCachingFlags, 0x100), E_INVALIDARG);
    assert_eq!(call!(j4, GetPeerCachingFlags, &mut flags), S_OK);
    assert_eq!(flags, 0x3, "a refused value changes nothing");

    let mut secs = 0;
    assert_eq!(call!(j4, GetMaximumDownloadTime, &mut secs), S_OK);
    assert_eq!(secs, 7_776_000, "90 days by default");
    assert_eq!(call!(j4, SetMaximumDownloadTime, 60), S_OK);
    assert_eq!(call!(j4, GetMaximumDownloadTime, &mut secs), S_OK);
    assert_eq!(secs, 60);
    assert_eq!(call!(j4, GetMaximumDownloadTime, null_mut()), E_INVALIDARG);

    let mut level = 0;
    assert_eq!(call!(j4, GetOwnerIntegrityLevel, &mut level), S_OK);
    let root = unsafe { libc::geteuid() } == 0;
    assert_eq!(level, if root { 0x3000 } else { 0x2000 });
    let mut elevated = -1;
    assert_eq!(call!(j4, GetOwnerElevationState, &mut elevated), S_OK);
    assert_eq!(elevated, if root { TRUE } else { FALSE });

    release(j4);
    discard(job);
    release(m);
}

#[test]
fn custom_headers_go_out_on_every_request_and_can_be_made_write_only() {
    let s = http();
    let dir = tempdir("headers");
    let m = manager();
    let (_, job) = create_job(m, "headers");
    let opts = http_options(job);

    let mut out: LPWSTR = 1 as LPWSTR;
    assert_eq!(call!(opts, GetCustomHeaders, &mut out), S_FALSE, "none set yet");
    assert!(out.is_null());

    let bad = wide("no colon here");
    assert_eq!(call!(opts, SetCustomHeaders, bad.as_ptr()), E_INVALIDARG);
    let long = wide(&format!("X-Long: {}", "a".repeat(20_000)));
    assert_eq!(call!(opts, SetCustomHeaders, long.as_ptr()), BG_E_STRING_TOO_LONG);
    assert_eq!(call!(opts, GetCustomHeaders, &mut out), S_FALSE, "refused values change nothing");

    let text = "X-Token: abc123\r\nX-Tenant: contoso";
    let h = wide(text);
    assert_eq!(call!(opts, SetCustomHeaders, h.as_ptr()), S_OK);
    assert_eq!(call!(opts, GetCustomHeaders, &mut out), S_OK);
    assert_eq!(take_str(out), text);

    // Two files: the job asks their sizes first (HEAD), then fetches them (GET).
    add_file(job, &s.url("/gen/5000/31"), &dir.join("a"));
    add_file(job, &s.url("/gen/700/37"), &dir.join("b"));
    assert_eq!(call!(job, Resume), S_OK);
    assert_eq!(wait_for(job, &[BG_JOB_STATE_TRANSFERRED], Duration::from_secs(30)), BG_JOB_STATE_TRANSFERRED);
    assert_eq!(call!(opts, MakeCustomHeadersWriteOnly), S_OK);
    assert_eq!(call!(opts, GetCustomHeaders, &mut out), E_ACCESSDENIED);
    assert!(out.is_null());
    assert_eq!(call!(opts, MakeCustomHeadersWriteOnly), S_OK, "again is harmless");
    // Clearing is still allowed; reading stays refused.
    assert_eq!(call!(opts, SetCustomHeaders, core::ptr::null()), S_OK);
    assert_eq!(call!(opts, GetCustomHeaders, &mut out), E_ACCESSDENIED);

    assert_eq!(call!(job, Complete), S_OK);
    assert_eq!(std::fs::read(dir.join("a")).unwrap(), content(31, 5000));
    assert_eq!(std::fs::read(dir.join("b")).unwrap(), content(37, 700));
    let reqs = s.requests();
    assert!(reqs.iter().any(|r| r.method == "HEAD") && reqs.iter().any(|r| r.method == "GET"), "{reqs:?}");
    for r in &reqs {
        assert_eq!(r.header("x-token"), Some("abc123"), "{} {}", r.method, r.target);
        assert_eq!(r.header("x-tenant"), Some("contoso"), "{} {}", r.method, r.target);
    }

    release(opts);
    release(job);
    release(m);
}

#[test]
fn security_flags_choose_the_redirect_policy() {
    let s = http();
    let dir = tempdir("security");
    let target = testserver::percent_encode("/gen/3000/32");
    let m = manager();

    // DISALLOW: the redirect is an error with the redirect's status.
    let (_, job) = create_job(m, "disallow");
    let opts = http_options(job);
    let mut flags = 99;
    assert_eq!(call!(opts, GetSecurityFlags, &mut flags), S_OK);
    assert_eq!(flags, BG_HTTP_REDIRECT_POLICY_ALLOW_SILENT);
    assert_eq!(call!(opts, SetSecurityFlags, BG_HTTP_REDIRECT_POLICY_DISALLOW), S_OK);
    assert_eq!(call!(opts, GetSecurityFlags, &mut flags), S_OK);
    assert_eq!(flags, BG_HTTP_REDIRECT_POLICY_DISALLOW);
    add_file(job, &s.url(&format!("/r?redirect={target}&redirect_status=307")), &dir.join("a"));
    assert_eq!(call!(job, Resume), S_OK);
    assert_eq!(wait_for(job, &[BG_JOB_STATE_ERROR], Duration::from_secs(30)), BG_JOB_STATE_ERROR);
    assert_eq!(error_of(job).1, hresult_from_win32(307));
    assert!(s.requests_for("/gen/3000/32").is_empty(), "the target was never fetched");
    assert_eq!(call!(job, Cancel), S_OK);
    release(opts);
    release(job);

    // ALLOW_REPORT: the download succeeds and the file's remote name becomes the final URL.
    let (_, job) = create_job(m, "report");
    let opts = http_options(job);
    assert_eq!(call!(opts, SetSecurityFlags, BG_HTTP_REDIRECT_POLICY_ALLOW_REPORT), S_OK);
    add_file(job, &s.url(&format!("/r?redirect={target}")), &dir.join("b"));
    assert_eq!(call!(job, Resume), S_OK);
    assert_eq!(wait_for(job, &[BG_JOB_STATE_TRANSFERRED], Duration::from_secs(30)), BG_JOB_STATE_TRANSFERRED);
    let mut files: *mut IEnumBackgroundCopyFiles = null_mut();
    assert_eq!(call!(job, EnumFiles, &mut files), S_OK);
    let (mut file, mut got): (*mut IBackgroundCopyFile, u32) = (null_mut(), 0);
    assert_eq!(call!(files, Next, 1, &mut file, &mut got), S_OK);
    let mut remote: LPWSTR = null_mut();
    assert_eq!(call!(file, GetRemoteName, &mut remote), S_OK);
    assert_eq!(take_str(remote), s.url("/gen/3000/32"));
    release(file);
    release(files);
    assert_eq!(call!(job, Complete), S_OK);
    assert_eq!(std::fs::read(dir.join("b")).unwrap(), content(32, 3000));
    release(opts);
    release(job);
    release(m);
}

#[test]
fn allow_https_to_http_lets_a_downgrade_through_and_bad_flags_change_nothing() {
    setup();
    let plain = http();
    let dir = tempdir("downgrade");
    let m = manager();
    let (_, job) = create_job(m, "downgrade-flag");
    let opts = http_options(job);
    let f = BG_HTTP_REDIRECT_POLICY_ALLOW_REPORT | BG_HTTP_REDIRECT_POLICY_ALLOW_HTTPS_TO_HTTP;
    assert_eq!(call!(opts, SetSecurityFlags, f), S_OK);
    let mut flags = 0;
    assert_eq!(call!(opts, GetSecurityFlags, &mut flags), S_OK);
    assert_eq!(flags, f);
    assert_eq!(call!(opts, SetSecurityFlags, 0x0300), E_INVALIDARG, "0x300 is no policy");
    assert_eq!(call!(opts, SetSecurityFlags, 0x1000), E_INVALIDARG, "undefined bit");
    assert_eq!(call!(opts, SetSecurityFlags, 0x20), E_INVALIDARG, "undefined BG_SSL bit");
    assert_eq!(call!(opts, GetSecurityFlags, &mut flags), S_OK);
    assert_eq!(flags, f, "a refused value changes nothing");
    assert_eq!(call!(opts, GetSecurityFlags, null_mut()), E_INVALIDARG);

    let down = testserver::percent_encode(&plain.url("/gen/2500/36"));
    add_file(job, &TLS.url(&format!("/x?redirect={down}")), &dir.join("down"));
    assert_eq!(call!(job, Resume), S_OK);
    assert_eq!(wait_for(job, &[BG_JOB_STATE_TRANSFERRED], Duration::from_secs(30)), BG_JOB_STATE_TRANSFERRED);
    assert_eq!(call!(job, Complete), S_OK);
    assert_eq!(std::fs::read(dir.join("down")).unwrap(), content(36, 2500));
    assert!(plain.requests_for("/gen/2500/36").iter().any(|r| r.method == "GET"), "fetched over http");
    release(opts);
    release(job);
    release(m);
}

#[test]
fn max_download_size_fails_a_larger_file_before_writing_anything() {
    let s = http();
    let dir = tempdir("maxsize");
    let m = manager();
    let (_, job) = create_job(m, "maxsize");
    let j5 = job5(job);
    let limit = BITS_JOB_PROPERTY_VALUE { Uint64: 4096 };
    assert_eq!(call!(j5, SetProperty, BITS_JOB_PROPERTY_MAX_DOWNLOAD_SIZE, limit), S_OK);
    assert_eq!(unsafe { get_property(j5, BITS_JOB_PROPERTY_MAX_DOWNLOAD_SIZE).1.Uint64 }, 4096);
    add_file(job, &s.url("/gen/4096/33"), &dir.join("fits"));
    add_file(job, &s.url("/gen/4097/34"), &dir.join("too-big"));
    assert_eq!(call!(job, Resume), S_OK);
    assert_eq!(wait_for(job, &[BG_JOB_STATE_ERROR], Duration::from_secs(30)), BG_JOB_STATE_ERROR);
    assert_eq!(error_of(job).1, BG_E_MAX_DOWNLOAD_SIZE_LIMIT_REACHED);
    let written: u64 = std::fs::read_dir(&dir).unwrap().filter_map(|e| e.ok()?.metadata().ok()).map(|m| m.len()).sum();
    assert!(written <= 4096, "only the file within the limit was written ({written} bytes)");
    assert!(!names_in(&dir).iter().any(|n| n == "too-big"), "nothing under the final name");
    assert_eq!(call!(job, Cancel), S_OK);
    assert!(names_in(&dir).is_empty(), "cancel leaves nothing: {:?}", names_in(&dir));
    release(j5);
    release(job);
    release(m);
}

#[test]
fn maximum_download_time_stops_a_slow_job_with_an_error() {
    let s = http();
    let dir = tempdir("maxtime");
    let m = manager();
    let (_, job) = create_job(m, "maxtime");
    let j4 = qi(job, &IID_IBackgroundCopyJob4).unwrap() as *mut IBackgroundCopyJob4;
    assert_eq!(call!(j4, SetMaximumDownloadTime, 1), S_OK);
    // 200 KB at 20 KB/s needs ten seconds; the job may spend one.
    add_file(job, &s.url("/gen/200000/35?trickle_bps=20000"), &dir.join("slow"));
    let started = Instant::now();
    assert_eq!(call!(job, Resume), S_OK);
    assert_eq!(wait_for(job, &[BG_JOB_STATE_ERROR], Duration::from_secs(30)), BG_JOB_STATE_ERROR);
    assert!(started.elapsed() < Duration::from_secs(8), "stopped by the deadline, not by the end of the file");
    assert_eq!(error_of(job).1, BG_E_MAXDOWNLOAD_TIMEOUT);
    assert_eq!(call!(job, Cancel), S_OK);
    assert!(names_in(&dir).is_empty(), "{:?}", names_in(&dir));
    release(j4);
    release(job);
    release(m);
}

#[test]
fn a_custom_http_method_is_sent_and_fixes_the_job_in_the_foreground() {
    let s = http();
    let dir = tempdir("method");
    let m = manager();
    let (_, job) = create_job(m, "method");
    let opts = http_options(job);
    let mut out: LPWSTR = null_mut();
    assert_eq!(call!(opts, GetHttpMethod, &mut out), S_OK);
    assert_eq!(take_str(out), "GET");
    for bad in ["", "BAD METHOD", "GET\r\nX: y", "ÜBER"] {
        let w = wide(bad);
        assert_eq!(call!(opts, SetHttpMethod, w.as_ptr()), E_INVALIDARG, "{bad:?}");
    }
    assert_eq!(call!(opts, SetHttpMethod, core::ptr::null()), E_INVALIDARG);
    let verb = wide("BITS_FETCH");
    assert_eq!(call!(opts, SetHttpMethod, verb.as_ptr()), S_OK);
    assert_eq!(call!(opts, GetHttpMethod, &mut out), S_OK);
    assert_eq!(take_str(out), "BITS_FETCH");
    let mut p = -1;
    assert_eq!(call!(job, GetPriority, &mut p), S_OK);
    assert_eq!(p, BG_JOB_PRIORITY_FOREGROUND, "a custom verb makes the job FOREGROUND");
    assert_eq!(call!(job, SetPriority, BG_JOB_PRIORITY_LOW), BG_E_READ_ONLY_PROPERTY);
    let j5 = job5(job);
    let on = BITS_JOB_PROPERTY_VALUE { Enable: TRUE };
    assert_eq!(
        call!(j5, SetProperty, BITS_JOB_PROPERTY_DYNAMIC_CONTENT, on),
        BG_E_NOT_SUPPORTED_WITH_CUSTOM_HTTP_METHOD
    );
    release(j5);
    // The other way round: a job with dynamic content refuses a custom verb.
    {
        let (_, dj) = create_job(m, "dynamic then verb");
        let dj5 = job5(dj);
        assert_eq!(call!(dj5, SetProperty, BITS_JOB_PROPERTY_DYNAMIC_CONTENT, on), S_OK);
        let dopts = qi(dj, &IID_IBackgroundCopyJobHttpOptions2).unwrap() as *mut IBackgroundCopyJobHttpOptions2;
        assert_eq!(call!(dopts, SetHttpMethod, verb.as_ptr()), BG_E_NOT_SUPPORTED_WITH_CUSTOM_HTTP_METHOD);
        release(dopts);
        release(dj5);
        discard(dj);
    }

    // Two files: no HEAD is sent for their sizes with a custom verb.
    add_file(job, &s.url("/gen/6000/38?any_method=1"), &dir.join("a"));
    add_file(job, &s.url("/gen/100/39?any_method=1"), &dir.join("b"));
    assert_eq!(call!(job, Resume), S_OK);
    assert_eq!(call!(opts, SetHttpMethod, verb.as_ptr()), BG_E_READ_ONLY_PROPERTY_AFTER_RESUME);
    assert_eq!(wait_for(job, &[BG_JOB_STATE_TRANSFERRED], Duration::from_secs(30)), BG_JOB_STATE_TRANSFERRED);
    assert_eq!(call!(job, Complete), S_OK);
    assert_eq!(std::fs::read(dir.join("a")).unwrap(), content(38, 6000));
    let methods: Vec<String> = s.requests().into_iter().map(|r| r.method).collect();
    assert_eq!(methods, ["BITS_FETCH", "BITS_FETCH"]);
    release(opts);
    release(job);

    // A network error with a custom verb is final, not retried.
    let (_, job) = create_job(m, "method-error");
    let opts = http_options(job);
    assert_eq!(call!(opts, SetHttpMethod, verb.as_ptr()), S_OK);
    add_file(job, &s.url("/gen/5000/40?any_method=1&fail_status=503"), &dir.join("c"));
    assert_eq!(call!(job, Resume), S_OK);
    assert_eq!(
        wait_for(job, &[BG_JOB_STATE_ERROR, BG_JOB_STATE_TRANSIENT_ERROR], Duration::from_secs(30)),
        BG_JOB_STATE_ERROR
    );
    assert_eq!(error_of(job).1, BG_E_HTTP_ERROR_503);
    // "GET" restores the default before the first Resume only.
    let (_, job2) = create_job(m, "method-reset");
    let opts2 = http_options(job2);
    assert_eq!(call!(opts2, SetHttpMethod, verb.as_ptr()), S_OK);
    let get = wide("GET");
    assert_eq!(call!(opts2, SetHttpMethod, get.as_ptr()), S_OK);
    assert_eq!(call!(job2, SetPriority, BG_JOB_PRIORITY_LOW), S_OK);
    release(opts2);
    discard(job2);
    release(opts);
    discard(job);
    release(m);
}

#[test]
fn dynamic_content_takes_bodies_without_a_size_and_never_resumes() {
    let s = http();
    let dir = tempdir("dynamic");
    let m = manager();

    // Without DYNAMIC_CONTENT a body of unknown size is refused.
    let (_, plain) = create_job(m, "not dynamic");
    add_file(plain, &s.url("/gen/30000/41?chunked=1"), &dir.join("refused"));
    assert_eq!(call!(plain, Resume), S_OK);
    assert_eq!(wait_for(plain, &[BG_JOB_STATE_ERROR], Duration::from_secs(30)), BG_JOB_STATE_ERROR);
    assert_eq!(error_of(plain).1, BG_E_MISSING_FILE_SIZE);
    discard(plain);

    let (_, job) = create_job(m, "dynamic");
    let j5 = job5(job);
    let on = BITS_JOB_PROPERTY_VALUE { Enable: TRUE };
    assert_eq!(call!(j5, SetProperty, BITS_JOB_PROPERTY_DYNAMIC_CONTENT, on), S_OK);
    assert_eq!(unsafe { get_property(j5, BITS_JOB_PROPERTY_DYNAMIC_CONTENT).1.Enable }, TRUE);
    let (u, l) = (wide(&s.url("/gen/10/1")), wide(dir.join("r").to_str().unwrap()));
    let mut range = BG_FILE_RANGE { InitialOffset: 0, Length: 5 };
    assert_eq!(
        call!(job as *mut IBackgroundCopyJob3, AddFileWithRanges, u.as_ptr(), l.as_ptr(), 1, &mut range),
        E_INVALIDARG,
        "no ranges with dynamic content"
    );
    add_file(job, &s.url("/gen/30000/42?chunked=1"), &dir.join("chunked"));
    add_file(job, &s.url("/gen/20000/43?no_length=1"), &dir.join("unsized"));
    assert_eq!(call!(job, Resume), S_OK);
    assert_eq!(
        wait_for(job, &[BG_JOB_STATE_TRANSFERRED, BG_JOB_STATE_ERROR], Duration::from_secs(30)),
        BG_JOB_STATE_TRANSFERRED
    );
    let mut p = BG_JOB_PROGRESS::default();
    assert_eq!(call!(job, GetProgress, &mut p), S_OK);
    assert_eq!((p.BytesTotal, p.BytesTransferred), (50000, 50000), "sizes known once the bodies ended");
    assert_eq!(call!(job, Complete), S_OK);
    assert_eq!(std::fs::read(dir.join("chunked")).unwrap(), content(42, 30000));
    assert_eq!(std::fs::read(dir.join("unsized")).unwrap(), content(43, 20000));
    assert!(s.requests().iter().all(|r| r.method == "GET" && r.header("range").is_none()), "no HEAD, no Range");
    let off = BITS_JOB_PROPERTY_VALUE { Enable: FALSE };
    assert_eq!(call!(j5, SetProperty, BITS_JOB_PROPERTY_DYNAMIC_CONTENT, off), BG_E_INVALID_STATE);
    release(j5);
    release(job);

    // An interrupted dynamic file starts again from byte 0 (no Range).
    let (_, job) = create_job(m, "dynamic-retry");
    let j5 = job5(job);
    assert_eq!(call!(j5, SetProperty, BITS_JOB_PROPERTY_DYNAMIC_CONTENT, on), S_OK);
    add_file(job, &s.url("/gen/40000/44?drop_after=10000"), &dir.join("dropped"));
    s.clear_requests();
    assert_eq!(call!(job, Resume), S_OK);
    assert_eq!(
        wait_for(job, &[BG_JOB_STATE_TRANSIENT_ERROR], Duration::from_secs(30)),
        BG_JOB_STATE_TRANSIENT_ERROR,
        "the connection dropped after 10,000 bytes"
    );
    // The same content, from a URL that does not drop: a plain job would continue with Range.
    let mut files: *mut IEnumBackgroundCopyFiles = null_mut();
    assert_eq!(call!(job, EnumFiles, &mut files), S_OK);
    let (mut f, mut got): (*mut IBackgroundCopyFile, u32) = (null_mut(), 0);
    assert_eq!(call!(files, Next, 1, &mut f, &mut got), S_OK);
    let fixed = wide(&s.url("/gen/40000/44"));
    assert_eq!(call!(f as *mut IBackgroundCopyFile2, SetRemoteName, fixed.as_ptr()), S_OK);
    release(f);
    release(files);
    assert_eq!(call!(job, Resume), S_OK);
    assert_eq!(wait_for(job, &[BG_JOB_STATE_TRANSFERRED], Duration::from_secs(30)), BG_JOB_STATE_TRANSFERRED);
    assert_eq!(call!(job, Complete), S_OK);
    assert_eq!(std::fs::read(dir.join("dropped")).unwrap(), content(44, 40000));
    let gets = s.requests_for("/gen/40000/44");
    assert!(gets.len() >= 2 && gets.iter().all(|r| r.header("range").is_none()), "{gets:?}");
    release(j5);
    release(job);
    release(m);
}
