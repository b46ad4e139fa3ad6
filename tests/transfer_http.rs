//! HTTP(S) transfers against the misbehaving test server: every fault it can inject ends either
//! with the right bytes or with the documented error state and code, and never with a partial or
//! mixed file under a final name.
// `1 as *mut T` values are deliberate non-NULL sentinels that a failing call must reset to NULL.
#![allow(clippy::manual_dangling_ptr)]

mod common;

use common::*;
use core::ptr::null_mut;
use std::path::{Path, PathBuf};
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
        let ca = TLS.ca_pem_path().unwrap().to_path_buf();
        std::env::set_var("SSL_CERT_FILE", ca);
        std::env::set_var("DELIVERYOPT_READ_TIMEOUT_MS", "1500");
        std::env::set_var("DELIVERYOPT_CONNECT_TIMEOUT_MS", "3000");
        std::env::set_var("DELIVERYOPT_MAX_JOBS_PER_USER", "1000");
        std::env::set_var("DELIVERYOPT_MAX_JOBS_PER_MACHINE", "1000");
    });
}

fn http() -> Server {
    setup();
    Server::start(Options::default()).unwrap()
}

/// Resumes after every transient error until TRANSFERRED or ERROR (at most `tries` resumes).
fn drive(job: *mut IBackgroundCopyJob, tries: usize) -> BG_JOB_STATE {
    for _ in 0..tries {
        let st = wait_for(
            job,
            &[BG_JOB_STATE_TRANSFERRED, BG_JOB_STATE_ERROR, BG_JOB_STATE_TRANSIENT_ERROR],
            Duration::from_secs(30),
        );
        if st != BG_JOB_STATE_TRANSIENT_ERROR {
            return st;
        }
        assert_eq!(call!(job, Resume), S_OK, "Resume retries a transient error at once");
    }
    state(job)
}

fn job_with(m: *mut IBackgroundCopyManager, name: &str, files: &[(String, PathBuf)]) -> *mut IBackgroundCopyJob {
    let (_, job) = create_job(m, name);
    for (url, local) in files {
        let r = wide(url);
        let l = wide(local.to_str().unwrap());
        assert_eq!(call!(job, AddFile, r.as_ptr(), l.as_ptr()), S_OK, "AddFile {url}");
    }
    job
}

/// No file appears under a final name and no temporary file remains.
fn assert_clean(dir: &Path, finals: &[&str]) {
    for f in finals {
        assert!(!dir.join(f).exists(), "{f} must not exist");
    }
    let temps: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with(".BIT"))
        .collect();
    assert!(temps.is_empty(), "temporary files left: {temps:?}");
}

#[test]
fn several_files_download_with_known_total_and_exact_bytes() {
    let s = http();
    let dir = tempdir("basic");
    s.add_file("/empty", Vec::new());
    let sizes = [1usize, 100_000, 3_000_000, 0];
    let files: Vec<(String, PathBuf)> = sizes
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let url = if *n == 0 { s.url("/empty") } else { s.url(&format!("/gen/{n}/{i}")) };
            (url, dir.join(format!("f{i}")))
        })
        .collect();
    let m = manager();
    let job = job_with(m, "basic", &files);
    assert_eq!(call!(job, Resume), S_OK);
    assert_eq!(drive(job, 1), BG_JOB_STATE_TRANSFERRED);
    let mut p = BG_JOB_PROGRESS::default();
    call!(job, GetProgress, &mut p);
    let total: u64 = sizes.iter().map(|n| *n as u64).sum();
    assert_eq!(p, BG_JOB_PROGRESS { BytesTotal: total, BytesTransferred: total, FilesTotal: 4, FilesTransferred: 4 });
    for i in 0..4 {
        assert!(!dir.join(format!("f{i}")).exists(), "nothing under a final name before Complete");
    }
    assert_eq!(call!(job, Complete), S_OK);
    assert_clean(&dir, &[]);
    for (i, n) in sizes.iter().enumerate() {
        let want = if *n == 0 { Vec::new() } else { content(i as u64, *n) };
        assert_eq!(std::fs::read(dir.join(format!("f{i}"))).unwrap(), want, "file {i}");
    }
    // Size discovery asked HEAD for the files before fetching them.
    let log = s.requests();
    assert!(log.iter().any(|r| r.method == "HEAD"));
    let conns: std::collections::HashSet<u64> = log.iter().map(|r| r.conn_id).collect();
    // Files of a job are fetched on up to 8 connections at once; each connection is reused (the
    // HEAD of size discovery and the GET go over the same ones).
    assert!(
        conns.len() <= 4 && log.len() >= 2 * conns.len(),
        "{} requests over {} connections",
        log.len(),
        conns.len()
    );
    release(job);
    release(m);
}

#[test]
fn a_dropped_connection_resumes_with_range_where_it_stopped() {
    let s = http();
    let dir = tempdir("drop");
    let url = s.url("/gen/1000000/5?drop_after=300000");
    let m = manager();
    let job = job_with(m, "drop", &[(url, dir.join("out"))]);
    assert_eq!(call!(job, Resume), S_OK);
    let st = wait_for(job, &[BG_JOB_STATE_TRANSIENT_ERROR, BG_JOB_STATE_ERROR], Duration::from_secs(30));
    assert_eq!(st, BG_JOB_STATE_TRANSIENT_ERROR);
    let (ctx, code) = error_of(job);
    assert_eq!(ctx, BG_ERROR_CONTEXT_GENERAL_TRANSPORT);
    assert_eq!(code, hresult_from_win32(ERROR_WINHTTP_CONNECTION_ERROR));
    assert!(!dir.join("out").exists());
    assert_eq!(drive(job, 10), BG_JOB_STATE_TRANSFERRED);
    let ranges: Vec<String> = s
        .requests()
        .iter()
        .filter(|r| r.method == "GET")
        .filter_map(|r| r.header("range").map(str::to_owned))
        .collect();
    assert_eq!(ranges, vec!["bytes=300000-", "bytes=600000-", "bytes=900000-"]);
    let mut n = 0;
    call!(job, GetErrorCount, &mut n);
    assert_eq!(n, 3);
    assert_eq!(call!(job, Complete), S_OK);
    assert_eq!(std::fs::read(dir.join("out")).unwrap(), content(5, 1_000_000));
    release(job);
    release(m);
}

#[test]
fn server_errors_are_transient_and_a_recovery_completes() {
    let s = http();
    let dir = tempdir("503");
    let url = s.url("/gen/50000/6?fail_status=503&fail_count=2");
    let m = manager();
    let job = job_with(m, "503", &[(url, dir.join("out"))]);
    assert_eq!(call!(job, Resume), S_OK);
    assert_eq!(wait_for(job, &[BG_JOB_STATE_TRANSIENT_ERROR], Duration::from_secs(30)), BG_JOB_STATE_TRANSIENT_ERROR);
    assert_eq!(error_of(job), (BG_ERROR_CONTEXT_REMOTE_FILE, BG_E_HTTP_ERROR_503));
    assert_eq!(drive(job, 5), BG_JOB_STATE_TRANSFERRED);
    assert_eq!(call!(job, Complete), S_OK);
    assert_eq!(std::fs::read(dir.join("out")).unwrap(), content(6, 50_000));
    release(job);
    release(m);
}

#[test]
fn not_found_is_a_job_error_with_the_http_code() {
    let s = http();
    let dir = tempdir("404");
    let m = manager();
    let job = job_with(m, "404", &[(s.url("/nothing-here"), dir.join("out"))]);
    assert_eq!(call!(job, Resume), S_OK);
    assert_eq!(wait_for(job, &[BG_JOB_STATE_ERROR], Duration::from_secs(30)), BG_JOB_STATE_ERROR);
    let mut err: *mut IBackgroundCopyError = null_mut();
    assert_eq!(call!(job, GetError, &mut err), S_OK);
    let (mut ctx, mut code) = (0, 0);
    call!(err, GetError, &mut ctx, &mut code);
    assert_eq!((ctx, code), (BG_ERROR_CONTEXT_REMOTE_FILE, BG_E_HTTP_ERROR_404));
    let mut proto: LPWSTR = null_mut();
    assert_eq!(call!(err, GetProtocol, &mut proto), S_OK);
    assert_eq!(take_str(proto), "http");
    let mut text: LPWSTR = null_mut();
    assert_eq!(call!(err, GetErrorDescription, 0x409, &mut text), S_OK);
    let text = take_str(text);
    assert!(text.contains("404") && text.contains("/nothing-here"), "{text}");
    release(err);
    assert_eq!(call!(job, Cancel), S_OK);
    assert_clean(&dir, &["out"]);
    release(job);
    release(m);
}

#[test]
fn a_remote_that_changes_between_attempts_restarts_the_file_never_mixing() {
    let s = http();
    let dir = tempdir("change");
    // The first attempt drops after 300,000 bytes; from the second request on the resource is
    // different content (new ETag). If-Range makes the server send the whole new file.
    let url = s.url("/gen/1000000/7?drop_after=300000&change_after=1");
    let m = manager();
    let job = job_with(m, "change", &[(url, dir.join("out"))]);
    assert_eq!(call!(job, Resume), S_OK);
    assert_eq!(drive(job, 10), BG_JOB_STATE_TRANSFERRED);
    assert_eq!(call!(job, Complete), S_OK);
    let got = std::fs::read(dir.join("out")).unwrap();
    assert_eq!(got.len(), 1_000_000);
    assert_eq!(got, content(8, 1_000_000), "all bytes from the new version");
    let gets: Vec<_> = s.requests().into_iter().filter(|r| r.method == "GET").collect();
    assert!(gets[1].header("if-range").is_some(), "the resume asked with If-Range");
    release(job);
    release(m);
}

#[test]
fn a_server_that_ignores_range_restarts_the_file_cleanly() {
    let s = http();
    let dir = tempdir("norange");
    // drop_after applies to every answer; without range support each attempt starts at 0 again,
    // so the job never completes but the temporary file never holds two attempts spliced.
    let url = s.url("/gen/500000/9?drop_after=200000&ignore_range=1");
    let m = manager();
    let job = job_with(m, "norange", &[(url, dir.join("out"))]);
    assert_eq!(call!(job, Resume), S_OK);
    for _ in 0..3 {
        assert_eq!(
            wait_for(job, &[BG_JOB_STATE_TRANSIENT_ERROR], Duration::from_secs(30)),
            BG_JOB_STATE_TRANSIENT_ERROR
        );
        let mut f: *mut IEnumBackgroundCopyFiles = null_mut();
        call!(job, EnumFiles, &mut f);
        let mut file: *mut IBackgroundCopyFile = null_mut();
        call!(f, Next, 1, &mut file, null_mut());
        let mut tmp: LPWSTR = null_mut();
        assert_eq!(call!(file as *mut IBackgroundCopyFile3, GetTemporaryName, &mut tmp), S_OK);
        let bytes = std::fs::read(take_str(tmp)).unwrap();
        assert_eq!(bytes.len(), 200_000);
        assert_eq!(bytes[..], content(9, 500_000)[..200_000], "only bytes of one attempt, from offset 0");
        release(file);
        release(f);
        assert_eq!(call!(job, Resume), S_OK);
    }
    let gets: Vec<_> = s.requests().into_iter().filter(|r| r.method == "GET").collect();
    assert!(gets.len() >= 3 && gets[1].header("range") == Some("bytes=200000-"));
    assert_eq!(call!(job, Cancel), S_OK);
    assert_clean(&dir, &["out"]);
    release(job);
    release(m);
}

#[test]
fn a_server_announcing_more_than_it_sends_never_completes_a_short_file() {
    let s = http();
    let dir = tempdir("lie");
    let url = s.url("/gen/1000/10?lie_length=2000");
    let m = manager();
    let job = job_with(m, "lie", &[(url, dir.join("out"))]);
    assert_eq!(call!(job, Resume), S_OK);
    for _ in 0..3 {
        let st = wait_for(job, &[BG_JOB_STATE_TRANSIENT_ERROR, BG_JOB_STATE_TRANSFERRED], Duration::from_secs(30));
        assert_eq!(st, BG_JOB_STATE_TRANSIENT_ERROR);
        assert_eq!(call!(job, Resume), S_OK);
    }
    assert_eq!(call!(job, Cancel), S_OK);
    assert_clean(&dir, &["out"]);
    release(job);
    release(m);
}

#[test]
fn a_response_without_size_is_an_error() {
    let s = http();
    let dir = tempdir("nolen");
    let m = manager();
    let job = job_with(m, "nolen", &[(s.url("/gen/1000/11?no_length=1"), dir.join("out"))]);
    assert_eq!(call!(job, Resume), S_OK);
    assert_eq!(wait_for(job, &[BG_JOB_STATE_ERROR], Duration::from_secs(30)), BG_JOB_STATE_ERROR);
    assert_eq!(error_of(job), (BG_ERROR_CONTEXT_REMOTE_FILE, BG_E_MISSING_FILE_SIZE));
    assert_eq!(call!(job, Cancel), S_OK);
    assert_clean(&dir, &["out"]);
    release(job);
    release(m);
}

#[test]
fn redirects_are_followed_and_endless_ones_fail() {
    let s = http();
    let dir = tempdir("redirect");
    let target = testserver::percent_encode("/gen/20000/12");
    let m = manager();
    let job = job_with(
        m,
        "redirect",
        &[
            (s.url(&format!("/start?redirect={target}&redirect_status=301")), dir.join("a")),
            (s.url("/gen/10/13?redirect_count=3"), dir.join("b")),
        ],
    );
    assert_eq!(call!(job, Resume), S_OK);
    assert_eq!(drive(job, 1), BG_JOB_STATE_TRANSFERRED);
    assert_eq!(call!(job, Complete), S_OK);
    assert_eq!(std::fs::read(dir.join("a")).unwrap(), content(12, 20_000));
    assert_eq!(std::fs::read(dir.join("b")).unwrap(), content(13, 10));

    let job = {
        release(job);
        job_with(m, "redirect-loop", &[(s.url("/gen/10/14?redirect_count=50"), dir.join("c"))])
    };
    assert_eq!(call!(job, Resume), S_OK);
    assert_eq!(wait_for(job, &[BG_JOB_STATE_ERROR], Duration::from_secs(30)), BG_JOB_STATE_ERROR);
    assert_eq!(error_of(job).1, hresult_from_win32(ERROR_WINHTTP_REDIRECT_FAILED));
    assert_eq!(call!(job, Cancel), S_OK);
    release(job);
    release(m);
}

#[test]
fn https_downloads_with_the_system_store_and_refuses_https_to_http() {
    setup();
    let plain = http();
    let dir = tempdir("https");
    let m = manager();
    let job = job_with(m, "https", &[(TLS.url("/gen/2000000/15"), dir.join("secure"))]);
    assert_eq!(call!(job, Resume), S_OK);
    assert_eq!(drive(job, 3), BG_JOB_STATE_TRANSFERRED);
    assert_eq!(call!(job, Complete), S_OK);
    assert_eq!(std::fs::read(dir.join("secure")).unwrap(), content(15, 2_000_000));
    release(job);

    let down = testserver::percent_encode(&plain.url("/gen/10/16"));
    let job = job_with(m, "downgrade", &[(TLS.url(&format!("/x?redirect={down}")), dir.join("down"))]);
    assert_eq!(call!(job, Resume), S_OK);
    assert_eq!(wait_for(job, &[BG_JOB_STATE_ERROR], Duration::from_secs(30)), BG_JOB_STATE_ERROR);
    assert_eq!(error_of(job).1, hresult_from_win32(302), "a refused redirect is HRESULT_FROM_WIN32(status)");
    assert!(plain.requests().is_empty(), "the http server was never contacted");
    assert_eq!(call!(job, Cancel), S_OK);
    assert_clean(&dir, &["down"]);
    release(job);
    release(m);
}

#[test]
fn a_stalled_server_times_out_into_a_transient_error() {
    let s = http();
    let dir = tempdir("stall");
    let m = manager();
    let job = job_with(m, "stall", &[(s.url("/gen/100000/17?stall_after=1000"), dir.join("out"))]);
    assert_eq!(call!(job, Resume), S_OK);
    assert_eq!(wait_for(job, &[BG_JOB_STATE_TRANSIENT_ERROR], Duration::from_secs(30)), BG_JOB_STATE_TRANSIENT_ERROR);
    assert_eq!(error_of(job), (BG_ERROR_CONTEXT_GENERAL_TRANSPORT, hresult_from_win32(ERROR_WINHTTP_TIMEOUT)));
    assert_eq!(call!(job, Cancel), S_OK);
    assert_clean(&dir, &["out"]);
    release(job);
    release(m);
}

#[test]
fn suspend_and_resume_continue_a_trickling_transfer() {
    let s = http();
    let dir = tempdir("suspend");
    let m = manager();
    let job = job_with(m, "suspend", &[(s.url("/gen/600000/18?trickle_bps=2000000"), dir.join("out"))]);
    assert_eq!(call!(job, Resume), S_OK);
    assert_eq!(wait_for(job, &[BG_JOB_STATE_TRANSFERRING], Duration::from_secs(30)), BG_JOB_STATE_TRANSFERRING);
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(call!(job, Suspend), S_OK);
    assert_eq!(state(job), BG_JOB_STATE_SUSPENDED);
    let mut p = BG_JOB_PROGRESS::default();
    call!(job, GetProgress, &mut p);
    let at_suspend = p.BytesTransferred;
    assert!(at_suspend > 0 && at_suspend < 600_000, "{at_suspend}");
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(state(job), BG_JOB_STATE_SUSPENDED, "stays suspended");
    assert_eq!(call!(job, Resume), S_OK);
    assert_eq!(drive(job, 3), BG_JOB_STATE_TRANSFERRED);
    assert_eq!(call!(job, Complete), S_OK);
    assert_eq!(std::fs::read(dir.join("out")).unwrap(), content(18, 600_000));
    let gets: Vec<_> = s.requests().into_iter().filter(|r| r.method == "GET").collect();
    assert!(gets.len() >= 2 && gets.last().unwrap().header("range").is_some(), "resumed with a Range");
    release(job);
    release(m);
}

#[test]
fn connection_refused_with_no_progress_timeout_zero_is_an_immediate_error() {
    setup();
    let dir = tempdir("refused");
    // A port with nothing listening: bind, note the port, close.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let m = manager();
    let job = job_with(m, "refused", &[(format!("http://127.0.0.1:{port}/x"), dir.join("out"))]);
    assert_eq!(call!(job, SetNoProgressTimeout, 0), S_OK);
    assert_eq!(call!(job, Resume), S_OK);
    assert_eq!(wait_for(job, &[BG_JOB_STATE_ERROR], Duration::from_secs(30)), BG_JOB_STATE_ERROR);
    assert_eq!(error_of(job), (BG_ERROR_CONTEXT_GENERAL_TRANSPORT, hresult_from_win32(ERROR_WINHTTP_CANNOT_CONNECT)));
    assert_eq!(call!(job, Cancel), S_OK);
    release(job);
    release(m);
}

#[test]
fn a_transient_error_is_retried_after_the_minimum_retry_delay() {
    let s = http();
    let dir = tempdir("retry");
    let m = manager();
    let job = job_with(m, "retry", &[(s.url("/gen/1000/19?fail_status=503&fail_count=1"), dir.join("out"))]);
    assert_eq!(call!(job, SetMinimumRetryDelay, 5), S_OK);
    assert_eq!(call!(job, Resume), S_OK);
    assert_eq!(wait_for(job, &[BG_JOB_STATE_TRANSIENT_ERROR], Duration::from_secs(30)), BG_JOB_STATE_TRANSIENT_ERROR);
    let t = Instant::now();
    assert_eq!(wait_for(job, &[BG_JOB_STATE_TRANSFERRED], Duration::from_secs(30)), BG_JOB_STATE_TRANSFERRED);
    assert!(t.elapsed() >= Duration::from_secs(4), "retried by the timer, not at once: {:?}", t.elapsed());
    assert_eq!(call!(job, Complete), S_OK);
    assert_eq!(std::fs::read(dir.join("out")).unwrap(), content(19, 1000));
    release(job);
    release(m);
}

#[test]
fn complete_replaces_an_existing_destination_and_cancel_never_touches_one() {
    let s = http();
    let dir = tempdir("existing");
    std::fs::write(dir.join("keep"), b"precious").unwrap();
    std::fs::write(dir.join("replace"), b"old").unwrap();
    let m = manager();
    let job = job_with(m, "cancel-existing", &[(s.url("/gen/5000/20"), dir.join("keep"))]);
    assert_eq!(call!(job, Resume), S_OK);
    assert_eq!(drive(job, 1), BG_JOB_STATE_TRANSFERRED);
    assert_eq!(call!(job, Cancel), S_OK);
    assert_eq!(std::fs::read(dir.join("keep")).unwrap(), b"precious");
    release(job);
    let job = job_with(m, "replace", &[(s.url("/gen/5000/21"), dir.join("replace"))]);
    assert_eq!(call!(job, Resume), S_OK);
    assert_eq!(drive(job, 1), BG_JOB_STATE_TRANSFERRED);
    assert_eq!(call!(job, Complete), S_OK);
    assert_eq!(std::fs::read(dir.join("replace")).unwrap(), content(21, 5000));
    assert_clean(&dir, &[]);
    release(job);
    release(m);
}

#[test]
fn complete_during_a_transfer_keeps_finished_files_and_reports_partial() {
    let s = http();
    let dir = tempdir("partial");
    let m = manager();
    let job = job_with(
        m,
        "partial",
        &[(s.url("/gen/1000/22"), dir.join("done")), (s.url("/gen/400000/23?trickle_bps=200000"), dir.join("slow"))],
    );
    assert_eq!(call!(job, Resume), S_OK);
    let start = Instant::now();
    loop {
        let mut p = BG_JOB_PROGRESS::default();
        call!(job, GetProgress, &mut p);
        if p.FilesTransferred == 1 || start.elapsed() > Duration::from_secs(30) {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    assert_eq!(call!(job, Complete), BG_S_PARTIAL_COMPLETE);
    assert_eq!(std::fs::read(dir.join("done")).unwrap(), content(22, 1000));
    assert_clean(&dir, &["slow"]);
    release(job);
    release(m);
}

#[test]
fn a_full_disk_is_a_local_file_error_and_leaves_nothing() {
    let s = http();
    let dir = tempdir("diskfull");
    // A 256 KiB file system to fill (mounting needs root, which CI has).
    let status = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=256k", "tmpfs", dir.to_str().unwrap()])
        .status();
    if !status.is_ok_and(|s| s.success()) {
        eprintln!("SKIPPED a_full_disk_is_a_local_file_error_and_leaves_nothing: cannot mount a tmpfs (needs root)");
        return;
    }
    let m = manager();
    let job = job_with(m, "diskfull", &[(s.url("/gen/2000000/60"), dir.join("big"))]);
    assert_eq!(call!(job, Resume), S_OK);
    let st = wait_for(job, &[BG_JOB_STATE_ERROR, BG_JOB_STATE_TRANSFERRED], Duration::from_secs(30));
    let result = std::panic::catch_unwind(|| {
        assert_eq!(st, BG_JOB_STATE_ERROR);
        assert_eq!(error_of(job), (BG_ERROR_CONTEXT_LOCAL_FILE, hresult_from_win32(ERROR_DISK_FULL)));
        assert_eq!(call!(job, Cancel), S_OK);
        assert_clean(&dir, &["big"]);
    });
    release(job);
    release(m);
    let _ = std::process::Command::new("umount").arg(&dir).status();
    if let Err(e) = result {
        std::panic::resume_unwind(e);
    }
}

#[test]
fn files_fetched_in_parallel_become_transferred_in_the_order_added() {
    let s = http();
    let dir = tempdir("order");
    let m = manager();
    let mut files = vec![(s.url("/gen/300000/70?trickle_bps=600000"), dir.join("slow"))];
    for i in 0..4 {
        files.push((s.url(&format!("/gen/20000/{}", 71 + i)), dir.join(format!("fast{i}"))));
    }
    let job = job_with(m, "order", &files);
    assert_eq!(call!(job, Resume), S_OK);
    // The fast files are fetched while the slow first one trickles...
    let start = Instant::now();
    let mut saw_fast_done_first = false;
    loop {
        let mut p = BG_JOB_PROGRESS::default();
        call!(job, GetProgress, &mut p);
        if p.FilesTransferred == 5 || start.elapsed() > Duration::from_secs(30) {
            break;
        }
        if p.BytesTransferred >= 80_000 && p.BytesTransferred < 300_000 {
            // ...but none of them counts as transferred before the first file is.
            assert_eq!(p.FilesTransferred, 0, "a later file was announced before the first");
            saw_fast_done_first = true;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    assert!(saw_fast_done_first, "the fast files were fetched alongside the slow one");
    assert_eq!(drive(job, 1), BG_JOB_STATE_TRANSFERRED);
    assert_eq!(call!(job, Complete), S_OK);
    assert_eq!(std::fs::read(dir.join("slow")).unwrap(), content(70, 300_000));
    release(job);
    release(m);
}
