//! The shipped BITS upload server (`deliveryopt-upload-server`) with the library as its client:
//! uploads, replies from `--reply-command`, its refusals, and a restart of the server in the
//! middle of an upload.

mod common;

use common::*;
use core::ptr::null_mut;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use testserver::content;

/// The server on a free port, stopped (by pid) when dropped.
struct UploadServer {
    child: Child,
    port: u16,
    root: PathBuf,
}

impl UploadServer {
    fn start(dir: &Path, args: &[&str], port: u16) -> UploadServer {
        let root = dir.join("srv");
        let port_file = dir.join(format!("port-{}", rand_tag()));
        let child = Command::new(env!("CARGO_BIN_EXE_deliveryopt-upload-server"))
            .arg("--root")
            .arg(&root)
            .args(["--listen", &format!("127.0.0.1:{port}"), "--port-file"])
            .arg(&port_file)
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        assert!(wait_until(Duration::from_secs(10), || port_file.exists()), "the server listens");
        let port = std::fs::read_to_string(&port_file).unwrap().trim().parse().unwrap();
        UploadServer { child, port, root }
    }
    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }
    /// Waits (up to 10 s) until no session is left in the server's directory.
    fn sessions_end(&self) -> bool {
        wait_until(Duration::from_secs(10), || {
            std::fs::read_dir(self.root.join(".bits-sessions")).is_ok_and(|d| d.count() == 0)
        })
    }
    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for UploadServer {
    fn drop(&mut self) {
        self.kill();
    }
}

fn rand_tag() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64
}

fn create(m: *mut IBackgroundCopyManager, ty: BG_JOB_TYPE) -> *mut IBackgroundCopyJob {
    let n = wide("to the shipped server");
    let mut id = GUID::zeroed();
    let mut job: *mut IBackgroundCopyJob = null_mut();
    assert_eq!(call!(m, CreateJob, n.as_ptr(), ty, &mut id, &mut job), S_OK);
    job
}

fn reply_of(job: *mut IBackgroundCopyJob) -> Vec<u8> {
    let (mut buf, mut len): (*mut BYTE, UINT64) = (null_mut(), 0);
    assert_eq!(call!(job as *mut IBackgroundCopyJob2, GetReplyData, &mut buf, &mut len), S_OK);
    if buf.is_null() {
        return Vec::new();
    }
    // SAFETY: the library returned `len` bytes at `buf`.
    let v = unsafe { std::slice::from_raw_parts(buf, len as usize) }.to_vec();
    unsafe { deliveryopt::abi::memory::CoTaskMemFree(buf as *mut _) };
    v
}

#[test]
fn uploads_and_replies_reach_the_shipped_server() {
    let dir = tempdir("usrv-basic");
    let srv = UploadServer::start(&dir, &["--reply-command", "wc -c; echo \"$BITS_URL_PATH\""], 0);
    let src = dir.join("data.bin");
    std::fs::write(&src, content(11, 5_000_000)).unwrap();
    let m = manager();
    let up = create(m, BG_JOB_TYPE_UPLOAD);
    add_file(up, &srv.url("/in/data.bin"), &src);
    let rj = create(m, BG_JOB_TYPE_UPLOAD_REPLY);
    add_file(rj, &srv.url("/in/with%20reply.bin"), &src);
    assert_eq!(call!(up, Resume), S_OK);
    assert_eq!(call!(rj, Resume), S_OK);
    assert_eq!(wait_end(up), BG_JOB_STATE_TRANSFERRED);
    assert_eq!(wait_end(rj), BG_JOB_STATE_TRANSFERRED);
    assert_eq!(String::from_utf8(reply_of(rj)).unwrap(), "5000000\n/in/with%20reply.bin\n");
    assert_eq!(call!(up, Complete), S_OK);
    assert_eq!(call!(rj, Complete), S_OK);
    assert_eq!(std::fs::read(srv.root.join("in/data.bin")).unwrap(), content(11, 5_000_000));
    assert_eq!(std::fs::read(srv.root.join("in/with reply.bin")).unwrap(), content(11, 5_000_000));
    // Close-Session removed the sessions.
    assert!(srv.sessions_end(), "Close-Session removed the session");
    release(up);
    release(rj);
    release(m);
}

#[test]
fn the_server_refuses_what_it_must_and_the_job_says_why() {
    let dir = tempdir("usrv-refuse");
    let srv = UploadServer::start(&dir, &["--max-size", "1000", "--reply-command", "exit 3"], 0);
    let src = dir.join("big.bin");
    std::fs::write(&src, content(12, 5000)).unwrap();
    let small = dir.join("small.bin");
    std::fs::write(&small, content(13, 500)).unwrap();
    std::fs::create_dir_all(srv.root.join("taken")).unwrap();
    std::fs::write(srv.root.join("taken/f.bin"), b"old").unwrap();
    let m = manager();
    let run = |url: &str, file: &Path, ty: BG_JOB_TYPE| {
        let job = create(m, ty);
        add_file(job, &srv.url(url), file);
        assert_eq!(call!(job, Resume), S_OK);
        assert_eq!(wait_end(job), BG_JOB_STATE_ERROR, "{url}");
        let e = error_of(job);
        discard(job);
        e
    };
    assert_eq!(run("/big.bin", &src, BG_JOB_TYPE_UPLOAD), (BG_ERROR_CONTEXT_REMOTE_FILE, BG_E_TOO_LARGE));
    assert_eq!(
        run("/taken/f.bin", &small, BG_JOB_TYPE_UPLOAD),
        (BG_ERROR_CONTEXT_REMOTE_FILE, hresult_from_win32(183))
    );
    assert_eq!(std::fs::read(srv.root.join("taken/f.bin")).unwrap(), b"old", "not overwritten");
    assert_eq!(run("/.bits-sessions/x", &small, BG_JOB_TYPE_UPLOAD), (BG_ERROR_CONTEXT_REMOTE_FILE, E_ACCESSDENIED));
    // The reply command fails: the server application's error.
    assert_eq!(run("/replied.bin", &small, BG_JOB_TYPE_UPLOAD_REPLY), (BG_ERROR_CONTEXT_REMOTE_APPLICATION, E_FAIL));
    release(m);
}

#[test]
fn an_upload_continues_after_the_server_restarts_midway() {
    let dir = tempdir("usrv-restart");
    let mut srv = UploadServer::start(&dir, &["--fragment-delay-ms", "300"], 0);
    let port = srv.port;
    let src = dir.join("data.bin");
    std::fs::write(&src, content(14, 20_000_000)).unwrap();
    let m = manager();
    let job = create(m, BG_JOB_TYPE_UPLOAD);
    assert_eq!(call!(job, SetMinimumRetryDelay, 5), S_OK);
    add_file(job, &srv.url("/restart.bin"), &src);
    assert_eq!(call!(job, Resume), S_OK);
    let mut p = BG_JOB_PROGRESS::default();
    assert!(wait_until(Duration::from_secs(30), || {
        call!(job, GetProgress, &mut p);
        p.BytesTransferred >= 1_000_000
    }));
    srv.kill();
    let before = p.BytesTransferred;
    let _srv = UploadServer::start(&dir, &[], port);
    assert_eq!(
        wait_for(job, &[BG_JOB_STATE_TRANSFERRED, BG_JOB_STATE_ERROR], Duration::from_secs(60)),
        BG_JOB_STATE_TRANSFERRED
    );
    assert_eq!(call!(job, Complete), S_OK);
    assert_eq!(std::fs::read(dir.join("srv/restart.bin")).unwrap(), content(14, 20_000_000));
    assert!(before > 0 && before < 20_000_000, "the restart came midway ({before})");
    release(job);
    release(m);
}

/// Two servers of a farm share one directory; the one the URL names answers Create-Session with
/// `--host-id` naming the other, and the fragments and Close-Session go there. (The named-away
/// server would hold each fragment for a minute: the upload finishing in seconds shows they did
/// not go to it.)
#[test]
fn a_farm_server_hands_the_session_to_the_host_it_names() {
    let dir = tempdir("usrv-farm");
    let other = UploadServer::start(&dir, &[], 0);
    let host = format!("127.0.0.1:{}", other.port);
    let named = UploadServer::start(&dir, &["--host-id", &host, "--fragment-delay-ms", "60000"], 0);
    let src = dir.join("farm.bin");
    std::fs::write(&src, content(12, 1_500_000)).unwrap();
    let m = manager();
    let up = create(m, BG_JOB_TYPE_UPLOAD);
    add_file(up, &named.url("/in/farm.bin"), &src);
    assert_eq!(call!(up, Resume), S_OK);
    let st = wait_for(up, &[BG_JOB_STATE_TRANSFERRED, BG_JOB_STATE_ERROR], Duration::from_secs(20));
    assert_eq!(st, BG_JOB_STATE_TRANSFERRED, "the fragments went to {host}");
    assert_eq!(call!(up, Complete), S_OK);
    assert_eq!(std::fs::read(other.root.join("in/farm.bin")).unwrap(), content(12, 1_500_000));
    assert!(other.sessions_end(), "Close-Session removed the session");
    release(up);
    release(m);
}

/// The named host of a farm goes away after the last fragment: Complete's Close-Session, refused
/// there, goes to the URL's host once the fallback timeout (1 s) has passed, and the session ends.
#[test]
fn a_close_session_falls_back_to_the_urls_host() {
    let dir = tempdir("usrv-farm-gone");
    let mut other = UploadServer::start(&dir, &[], 0);
    let host = format!("127.0.0.1:{}", other.port);
    let first = UploadServer::start(&dir, &["--host-id", &host, "--host-id-fallback-timeout", "1"], 0);
    let src = dir.join("gone.bin");
    std::fs::write(&src, content(13, 400_000)).unwrap();
    let m = manager();
    let up = create(m, BG_JOB_TYPE_UPLOAD);
    add_file(up, &first.url("/in/gone.bin"), &src);
    assert_eq!(call!(up, Resume), S_OK);
    let st = wait_for(up, &[BG_JOB_STATE_TRANSFERRED, BG_JOB_STATE_ERROR], Duration::from_secs(20));
    assert_eq!(st, BG_JOB_STATE_TRANSFERRED);
    other.kill();
    assert_eq!(call!(up, Complete), S_OK);
    assert!(first.sessions_end(), "Close-Session reached the URL's host");
    assert_eq!(std::fs::read(first.root.join("in/gone.bin")).unwrap(), content(13, 400_000));
    release(up);
    release(m);
}
