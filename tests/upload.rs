//! Upload and upload-reply jobs through the C ABI, against the test server's BITS upload side
//! and its faults (testserver/src/bits.rs).

mod common;

use common::*;
use core::ptr::null_mut;
use std::path::Path;
use std::time::Duration;
use testserver::{content, Options, Server};

fn create(m: *mut IBackgroundCopyManager, name: &str, ty: BG_JOB_TYPE) -> *mut IBackgroundCopyJob {
    let n = wide(name);
    let mut id = GUID::zeroed();
    let mut job: *mut IBackgroundCopyJob = null_mut();
    assert_eq!(call!(m, CreateJob, n.as_ptr(), ty, &mut id, &mut job), S_OK, "CreateJob type {ty}");
    job
}

fn source(dir: &Path, name: &str, len: u64, seed: u64) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, content(seed, len as usize)).unwrap();
    p
}

fn progress(job: *mut IBackgroundCopyJob) -> BG_JOB_PROGRESS {
    let mut p = BG_JOB_PROGRESS::default();
    assert_eq!(call!(job, GetProgress, &mut p), S_OK);
    p
}

fn j2(job: *mut IBackgroundCopyJob) -> *mut IBackgroundCopyJob2 {
    job as *mut IBackgroundCopyJob2
}

fn wait_session_end(s: &Server, packet: &str) -> bool {
    wait_until(Duration::from_secs(10), || s.bits_sessions_ended().iter().any(|(_, p)| p == packet))
}

#[test]
fn an_upload_job_sends_its_one_file_and_closes_the_session_at_complete() {
    let s = Server::start(Options::default()).unwrap();
    let dir = tempdir("upload-basic");
    let src = source(&dir, "report.bin", 3_000_000, 1);
    let m = manager();
    let job = create(m, "upload", BG_JOB_TYPE_UPLOAD);
    let mut ty = 0;
    assert_eq!(call!(job, GetType, &mut ty), S_OK);
    assert_eq!(ty, BG_JOB_TYPE_UPLOAD);
    // Not a URL the server knows: uploads need http(s); the source must exist.
    let (r, missing) = (wide(&s.url("/up/report.bin")), wide(dir.join("nope").to_str().unwrap()));
    assert_eq!(call!(job, AddFile, r.as_ptr(), missing.as_ptr()), hresult_from_win32(ERROR_PATH_NOT_FOUND));
    let (f, l) = (wide(&format!("file://{}", src.display())), wide(src.to_str().unwrap()));
    assert_eq!(call!(job, AddFile, f.as_ptr(), l.as_ptr()), E_INVALIDARG);
    add_file(job, &s.url("/up/report.bin"), &src);
    assert_eq!(call!(job, AddFile, r.as_ptr(), l.as_ptr()), BG_E_TOO_MANY_FILES, "one file per upload job");
    assert_eq!(progress(job).BytesTotal, 3_000_000, "the size is known from the source");
    // Before it is transferred, an upload job cannot be completed.
    assert_eq!(call!(job, Complete), BG_E_INVALID_STATE);
    let mut method: LPWSTR = null_mut();
    let h = qi(job, &IID_IBackgroundCopyJobHttpOptions2).unwrap() as *mut IBackgroundCopyJobHttpOptions2;
    assert_eq!(call!(h, GetHttpMethod, &mut method), S_OK);
    assert_eq!(take_str(method), "BITS_POST");
    release(h);
    assert_eq!(call!(job, Resume), S_OK);
    assert_eq!(wait_end(job), BG_JOB_STATE_TRANSFERRED);
    let p = progress(job);
    assert_eq!((p.BytesTransferred, p.FilesTransferred), (3_000_000, 1));
    // The reply methods belong to upload-reply jobs.
    let mut rp = BG_JOB_REPLY_PROGRESS::default();
    assert_eq!(call!(j2(job), GetReplyProgress, &mut rp), E_NOTIMPL);
    assert_eq!(call!(job, Complete), S_OK);
    assert_eq!(s.uploads().get("/up/report.bin").map(Vec::len), Some(3_000_000));
    assert_eq!(s.uploads()["/up/report.bin"], content(1, 3_000_000));
    assert!(wait_session_end(&s, "Close-Session"), "Complete closes the session");
    // The fragments grew: 256 KiB, 512 KiB, 1 MiB, then the rest.
    let fragments = s.requests_for("/up/report.bin").iter().filter(|r| r.method == "BITS_POST").count();
    assert!(fragments <= 6, "{fragments} packets");
    assert!(src.exists(), "the source stays");
    release(job);
    release(m);
}

#[test]
fn an_upload_reply_job_gets_its_reply_in_memory_and_in_its_file() {
    let s = Server::start(Options::default()).unwrap();
    let dir = tempdir("upload-reply");
    let src = source(&dir, "crash.dmp", 700_000, 2);
    let m = manager();
    let job = create(m, "upload-reply", BG_JOB_TYPE_UPLOAD_REPLY);
    add_file(job, &s.url("/reply/crash.dmp?bits_reply_len=5000"), &src);
    let mut name: LPWSTR = null_mut();
    assert_eq!(call!(j2(job), GetReplyFileName, &mut name), S_OK);
    assert!(name.is_null(), "no reply file before one is set or chosen");
    let reply = dir.join("answer.bin");
    let w = wide(reply.to_str().unwrap());
    let rel = wide("relative/answer.bin");
    assert_eq!(call!(j2(job), SetReplyFileName, rel.as_ptr()), E_INVALIDARG);
    let nodir = wide(dir.join("missing/answer.bin").to_str().unwrap());
    assert_ne!(call!(j2(job), SetReplyFileName, nodir.as_ptr()), S_OK);
    assert_eq!(call!(j2(job), SetReplyFileName, w.as_ptr()), S_OK);
    assert_eq!(call!(j2(job), GetReplyFileName, &mut name), S_OK);
    assert_eq!(take_str(name), reply.to_str().unwrap());
    let mut rp = BG_JOB_REPLY_PROGRESS::default();
    assert_eq!(call!(j2(job), GetReplyProgress, &mut rp), S_OK);
    assert_eq!(rp.BytesTotal, BG_SIZE_UNKNOWN, "unknown until the reply starts");
    let (mut buf, mut len): (*mut BYTE, UINT64) = (null_mut(), 0);
    assert_eq!(call!(j2(job), GetReplyData, &mut buf, &mut len), BG_E_INVALID_STATE);
    assert_eq!(call!(job, Resume), S_OK);
    assert_eq!(wait_end(job), BG_JOB_STATE_TRANSFERRED);
    assert_eq!(call!(j2(job), SetReplyFileName, w.as_ptr()), BG_E_INVALID_STATE, "the reply has come");
    assert_eq!(call!(j2(job), GetReplyProgress, &mut rp), S_OK);
    assert_eq!((rp.BytesTotal, rp.BytesTransferred), (5000, 5000));
    assert_eq!(call!(j2(job), GetReplyData, &mut buf, &mut len), S_OK);
    assert_eq!(len, 5000);
    // SAFETY: the library returned `len` bytes at `buf`.
    let data = unsafe { std::slice::from_raw_parts(buf, len as usize) }.to_vec();
    unsafe { deliveryopt::abi::memory::CoTaskMemFree(buf as *mut _) };
    assert_eq!(data, content(4242, 5000));
    assert!(!reply.exists(), "the reply gets its name at Complete");
    assert_eq!(call!(job, Complete), S_OK);
    assert_eq!(std::fs::read(&reply).unwrap(), content(4242, 5000));
    assert_eq!(s.uploads()["/reply/crash.dmp"], content(2, 700_000));
    // Still readable after Complete.
    assert_eq!(call!(j2(job), GetReplyData, &mut buf, &mut len), S_OK);
    assert_eq!(len, 5000);
    unsafe { deliveryopt::abi::memory::CoTaskMemFree(buf as *mut _) };
    release(job);
    release(m);
}

#[test]
fn a_reply_over_one_megabyte_is_refused_in_memory_and_kept_in_its_file() {
    let s = Server::start(Options::default()).unwrap();
    let dir = tempdir("upload-bigreply");
    let src = source(&dir, "in.bin", 1000, 3);
    let m = manager();
    let job = create(m, "big reply", BG_JOB_TYPE_UPLOAD_REPLY);
    add_file(job, &s.url("/reply/in.bin?bits_reply_len=1500000"), &src);
    assert_eq!(call!(job, Resume), S_OK);
    assert_eq!(wait_end(job), BG_JOB_STATE_TRANSFERRED);
    let (mut buf, mut len): (*mut BYTE, UINT64) = (std::ptr::dangling_mut::<BYTE>(), 0);
    assert_eq!(call!(j2(job), GetReplyData, &mut buf, &mut len), BG_E_TOO_LARGE);
    assert!(buf.is_null());
    assert_eq!(len, 1_500_000, "the size is still told");
    // Without SetReplyFileName the reply goes beside the uploaded file.
    let mut name: LPWSTR = null_mut();
    assert_eq!(call!(j2(job), GetReplyFileName, &mut name), S_OK);
    let name = std::path::PathBuf::from(take_str(name));
    assert_eq!(name.parent(), Some(dir.as_path()));
    assert_eq!(call!(job, Complete), S_OK);
    assert_eq!(std::fs::read(&name).unwrap(), content(4242, 1_500_000));
    release(job);
    release(m);
}

#[test]
fn cancel_sends_cancel_session_and_leaves_no_reply_behind() {
    let s = Server::start(Options::default()).unwrap();
    let dir = tempdir("upload-cancel");
    let src = source(&dir, "in.bin", 2_000_000, 4);
    let m = manager();
    let job = create(m, "cancelled", BG_JOB_TYPE_UPLOAD);
    // Slowed down so the cancel comes mid-upload: the server keeps failing with 503 after one
    // fragment... simpler: a session is made, then we cancel.
    add_file(job, &s.url("/up/cancel.bin?bits_fail_status=503&bits_fail_count=100"), &src);
    assert_eq!(call!(job, Resume), S_OK);
    assert_eq!(wait_for(job, &[BG_JOB_STATE_TRANSIENT_ERROR], Duration::from_secs(20)), BG_JOB_STATE_TRANSIENT_ERROR);
    assert_eq!(error_code(job), 0x8019_01F7_u32 as HRESULT, "BG_E_HTTP_ERROR_503");
    assert_eq!(call!(job, Cancel), S_OK);
    assert!(wait_session_end(&s, "Cancel-Session"));
    assert!(!s.uploads().contains_key("/up/cancel.bin"));
    let left: Vec<_> = std::fs::read_dir(&dir).unwrap().filter_map(|e| e.ok()).map(|e| e.file_name()).collect();
    assert_eq!(left.len(), 1, "only the source: {left:?}");
    release(job);
    release(m);
}

/// Runs an upload of `len` bytes against `query` faults; returns the job, TRANSFERRED or not.
fn faulty(tag: &str, query: &str, len: u64) -> (Server, *mut IBackgroundCopyJob, BG_JOB_STATE) {
    let s = Server::start(Options::default()).unwrap();
    let dir = tempdir(tag);
    let src = source(&dir, "f.bin", len, 9);
    let m = manager();
    let job = create(m, tag, BG_JOB_TYPE_UPLOAD);
    assert_eq!(call!(job, SetMinimumRetryDelay, 5), S_OK);
    add_file(job, &s.url(&format!("/up/{tag}.bin?{query}")), &src);
    assert_eq!(call!(job, Resume), S_OK);
    let st = wait_for(job, &[BG_JOB_STATE_TRANSFERRED, BG_JOB_STATE_ERROR], Duration::from_secs(40));
    release(m);
    (s, job, st)
}

#[test]
fn a_fragment_dropped_midway_resumes_from_what_the_server_acknowledges() {
    let (s, job, st) = faulty("fault-drop", "bits_drop_after=100000&bits_drop_count=1", 2_000_000);
    assert_eq!(st, BG_JOB_STATE_TRANSFERRED);
    assert_eq!(s.uploads()["/up/fault-drop.bin"], content(9, 2_000_000), "no byte lost or doubled");
    let mut errors = 0;
    assert_eq!(call!(job, GetErrorCount, &mut errors), S_OK);
    assert!(errors >= 1, "the drop was a transient error");
    assert_eq!(call!(job, Complete), S_OK);
    release(job);
}

#[test]
fn a_lost_session_starts_a_new_one_and_the_file_arrives_whole() {
    let (s, job, st) = faulty("fault-lose", "bits_lose_at=3", 2_000_000);
    assert_eq!(st, BG_JOB_STATE_TRANSFERRED);
    assert_eq!(s.uploads()["/up/fault-lose.bin"], content(9, 2_000_000));
    let creates = s
        .requests_for("/up/fault-lose.bin")
        .iter()
        .filter(|r| r.headers.iter().any(|(k, v)| k == "bits-packet-type" && v == "Create-Session"))
        .count();
    assert_eq!(creates, 2, "a second session after the first was lost");
    assert_eq!(call!(job, Complete), S_OK);
    release(job);
}

#[test]
fn server_errors_are_retried_and_the_upload_finishes() {
    let (s, job, st) = faulty("fault-5xx", "bits_fail_status=500&bits_fail_count=1", 600_000);
    assert_eq!(st, BG_JOB_STATE_TRANSFERRED);
    assert_eq!(s.uploads()["/up/fault-5xx.bin"], content(9, 600_000));
    assert_eq!(call!(job, Complete), S_OK);
    release(job);
}

#[test]
fn an_acknowledged_range_past_the_end_is_an_invalid_server_response() {
    let (_s, job, _) = faulty("fault-ack", "bits_wrong_ack=5000000", 300_000);
    assert!(wait_until(Duration::from_secs(10), || state(job) == BG_JOB_STATE_TRANSIENT_ERROR));
    assert_eq!(error_code(job), BG_E_INVALID_SERVER_RESPONSE);
    discard(job);
}

#[test]
fn a_server_that_is_not_a_bits_server_is_an_invalid_server_response() {
    let (_s, job, _) = faulty("fault-proto", "bits_no_protocol=1", 1000);
    assert!(wait_until(Duration::from_secs(10), || state(job) == BG_JOB_STATE_TRANSIENT_ERROR));
    assert_eq!(error_code(job), BG_E_INVALID_SERVER_RESPONSE);
    discard(job);
}

#[test]
fn a_refusal_carries_the_servers_code_and_context() {
    let (_s, job, st) = faulty("fault-refuse", "bits_error=0x80200020&bits_context=7", 1000);
    assert_eq!(st, BG_JOB_STATE_ERROR);
    let (ctx, code) = error_of(job);
    assert_eq!(code, BG_E_TOO_LARGE);
    assert_eq!(ctx, BG_ERROR_CONTEXT_REMOTE_APPLICATION);
    discard(job);
}

#[test]
fn a_source_changed_during_the_upload_fails_the_job() {
    let s = Server::start(Options::default()).unwrap();
    let dir = tempdir("upload-changed");
    let src = source(&dir, "in.bin", 2_000_000, 5);
    let m = manager();
    let job = create(m, "changed", BG_JOB_TYPE_UPLOAD);
    // The first fragment is dropped (a transient error), and the file changes meanwhile.
    add_file(job, &s.url("/up/changed.bin?bits_drop_after=10&bits_drop_count=1"), &src);
    assert_eq!(call!(job, SetMinimumRetryDelay, 5), S_OK);
    assert_eq!(call!(job, Resume), S_OK);
    assert!(wait_until(Duration::from_secs(20), || state(job) == BG_JOB_STATE_TRANSIENT_ERROR));
    std::fs::write(&src, content(6, 2_000_000)).unwrap();
    assert_eq!(
        wait_for(job, &[BG_JOB_STATE_ERROR, BG_JOB_STATE_TRANSFERRED], Duration::from_secs(30)),
        BG_JOB_STATE_ERROR
    );
    let (ctx, code) = error_of(job);
    assert_eq!((ctx, code), (BG_ERROR_CONTEXT_LOCAL_FILE, BG_E_LOCAL_FILE_CHANGED));
    assert!(!s.uploads().contains_key("/up/changed.bin"));
    discard(job);
    release(m);
}

/// A server of a farm names itself in the Create-Session Ack (`BITS-Host-Id`): the session's
/// later packets (the fragments, Close-Session) go to that host, not the URL's.
#[test]
fn the_sessions_packets_go_to_the_host_the_server_names() {
    let s = Server::start(Options::default()).unwrap();
    let dir = tempdir("upload-host-id");
    let src = source(&dir, "h.bin", 600_000, 3);
    let m = manager();
    let job = create(m, "host-id", BG_JOB_TYPE_UPLOAD);
    let host = format!("localhost:{}", s.port());
    add_file(job, &s.url(&format!("/up/h.bin?bits_host_id={host}")), &src);
    assert_eq!(call!(job, Resume), S_OK);
    assert_eq!(wait_end(job), BG_JOB_STATE_TRANSFERRED);
    assert_eq!(call!(job, Complete), S_OK);
    assert!(wait_session_end(&s, "Close-Session"), "Complete closes the session at the named host");
    assert_eq!(s.uploads()["/up/h.bin"], content(3, 600_000));
    let posts: Vec<(String, String)> = s
        .requests_for("/up/h.bin")
        .iter()
        .filter(|r| r.method == "BITS_POST")
        .map(|r| (r.header("bits-packet-type").unwrap_or("").to_string(), r.header("host").unwrap_or("").to_string()))
        .collect();
    assert_eq!(posts[0], ("Create-Session".to_string(), format!("127.0.0.1:{}", s.port())), "{posts:?}");
    assert!(posts.len() >= 4, "{posts:?}");
    assert!(posts[1..].iter().all(|(_, h)| *h == host), "every later packet to {host}: {posts:?}");
    release(job);
    release(m);
}

/// A named host that cannot be reached keeps the job retrying it (TRANSIENT_ERROR, nothing sent
/// to the URL's host); with `BITS-Host-Id-Fallback-Timeout` the URL's host is used again once
/// that long has passed (0 s here: at once).
#[test]
fn an_unreachable_named_host_is_retried_until_its_fallback_timeout() {
    let s = Server::start(Options::default()).unwrap();
    let dir = tempdir("upload-host-fallback");
    let src = source(&dir, "g.bin", 300_000, 4);
    let m = manager();
    // Nothing listens on port 1 of 127.0.0.1.
    let stuck = create(m, "host-id-stuck", BG_JOB_TYPE_UPLOAD);
    assert_eq!(call!(stuck, SetMinimumRetryDelay, 60), S_OK);
    add_file(stuck, &s.url("/up/stuck.bin?bits_host_id=127.0.0.1:1"), &src);
    assert_eq!(call!(stuck, Resume), S_OK);
    let end = [BG_JOB_STATE_TRANSIENT_ERROR, BG_JOB_STATE_TRANSFERRED, BG_JOB_STATE_ERROR];
    assert_eq!(wait_for(stuck, &end, Duration::from_secs(20)), BG_JOB_STATE_TRANSIENT_ERROR);
    assert!(s.uploads().get("/up/stuck.bin").is_none_or(|d| d.is_empty()), "no fragment went to the URL's host");

    let back = create(m, "host-id-back", BG_JOB_TYPE_UPLOAD);
    add_file(back, &s.url("/up/back.bin?bits_host_id=127.0.0.1:1&bits_host_fallback=0"), &src);
    assert_eq!(call!(back, Resume), S_OK);
    assert_eq!(wait_end(back), BG_JOB_STATE_TRANSFERRED);
    assert_eq!(call!(back, Complete), S_OK);
    assert_eq!(s.uploads()["/up/back.bin"], content(4, 300_000));
    assert_eq!(call!(stuck, Cancel), S_OK);
    release(stuck);
    release(back);
    release(m);
}
