//! File2::SetRemoteName and Job3::ReplaceRemotePrefix: a job can be pointed at another server, before
//! or during a transfer. Progress is kept when the new server's copy has the same validators and
//! the file starts again otherwise; bad names change nothing.
mod common;

use common::*;
use core::ptr::null_mut;
use std::sync::Once;
use std::time::Duration;

use testserver::{content, Options, Server};

fn setup() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        std::env::set_var("DELIVERYOPT_READ_TIMEOUT_MS", "3000");
        std::env::set_var("DELIVERYOPT_MAX_JOBS_PER_USER", "1000");
        std::env::set_var("DELIVERYOPT_MAX_JOBS_PER_MACHINE", "1000");
    });
}

fn server() -> Server {
    setup();
    Server::start(Options::default()).unwrap()
}

fn first_file(job: *mut IBackgroundCopyJob) -> *mut IBackgroundCopyFile2 {
    let mut files: *mut IEnumBackgroundCopyFiles = null_mut();
    assert_eq!(call!(job, EnumFiles, &mut files), S_OK);
    let (mut file, mut got): (*mut IBackgroundCopyFile, u32) = (null_mut(), 0);
    assert_eq!(call!(files, Next, 1, &mut file, &mut got), S_OK);
    release(files);
    file as *mut IBackgroundCopyFile2
}

fn remote_name(file: *mut IBackgroundCopyFile2) -> String {
    let mut p: LPWSTR = null_mut();
    assert_eq!(call!(file, GetRemoteName, &mut p), S_OK);
    take_str(p)
}

fn received(job: *mut IBackgroundCopyJob) -> u64 {
    let mut p = BG_JOB_PROGRESS::default();
    assert_eq!(call!(job, GetProgress, &mut p), S_OK);
    p.BytesTransferred
}

#[test]
fn set_remote_name_fixes_a_missing_file_and_refuses_bad_names() {
    let s = server();
    let dir = tempdir("fix");
    let m = manager();
    let (_, job) = create_job(m, "fix");
    add_file(job, &s.url("/missing"), &dir.join("out"));
    assert_eq!(call!(job, Resume), S_OK);
    assert_eq!(wait_end(job), BG_JOB_STATE_ERROR);
    let file = first_file(job);
    for bad in ["", "ftp://127.0.0.1/x", "relative/path", "http://"] {
        let w = wide(bad);
        assert_eq!(call!(file, SetRemoteName, w.as_ptr()), E_INVALIDARG, "{bad:?}");
    }
    assert_eq!(call!(file, SetRemoteName, core::ptr::null()), E_INVALIDARG);
    let long = wide(&format!("http://127.0.0.1/{}", "a".repeat(2200)));
    assert_eq!(call!(file, SetRemoteName, long.as_ptr()), E_INVALIDARG);
    assert_eq!(remote_name(file), s.url("/missing"), "refused names change nothing");

    let good = s.url("/gen/20000/51");
    let w = wide(&good);
    assert_eq!(call!(file, SetRemoteName, w.as_ptr()), S_OK);
    assert_eq!(remote_name(file), good);
    assert_eq!(call!(job, Resume), S_OK);
    assert_eq!(wait_end(job), BG_JOB_STATE_TRANSFERRED);
    assert_eq!(call!(job, Complete), S_OK);
    assert_eq!(std::fs::read(dir.join("out")).unwrap(), content(51, 20000));
    assert_eq!(call!(file, SetRemoteName, w.as_ptr()), BG_E_INVALID_STATE, "final jobs refuse");
    release(file);
    release(job);
    release(m);
}

#[test]
fn replace_remote_prefix_mid_transfer_keeps_progress_for_the_same_content() {
    let a = server();
    let b = server();
    let dir = tempdir("same");
    let m = manager();
    let (_, job) = create_job(m, "move-same");
    // 600 KB at 300 KB/s from A: switched to B while it trickles.
    add_file(job, &a.url("/gen/600000/52?trickle_bps=300000"), &dir.join("out"));
    assert_eq!(call!(job, Resume), S_OK);
    assert!(wait_until(Duration::from_secs(30), || received(job) >= 100_000), "A delivered a part");
    let (old, new) = (wide(&a.base_url()), wide(&b.base_url()));
    assert_eq!(call!(job as *mut IBackgroundCopyJob3, ReplaceRemotePrefix, old.as_ptr(), new.as_ptr()), S_OK);
    assert_eq!(wait_end(job), BG_JOB_STATE_TRANSFERRED);
    assert_eq!(call!(job, Complete), S_OK);
    assert_eq!(std::fs::read(dir.join("out")).unwrap(), content(52, 600000));
    let gets: Vec<_> = b.requests().into_iter().filter(|r| r.method == "GET").collect();
    assert!(!gets.is_empty(), "B served the rest");
    let range = gets[0].header("range").expect("B was asked for the rest only");
    let from: u64 = range.trim_start_matches("bytes=").trim_end_matches('-').parse().unwrap();
    assert!(from >= 100_000, "progress was kept: {range}");
    release(job);
    release(m);
}

#[test]
fn replace_remote_prefix_to_other_content_restarts_and_reports_no_match() {
    let a = server();
    let b = server();
    let dir = tempdir("other");
    b.add_file("/files/x.bin", b"the new server's different bytes".repeat(1000));
    a.add_file("/files/x.bin", vec![7u8; 400_000]);
    let m = manager();
    let (_, job) = create_job(m, "move-other");
    add_file(job, &a.url("/files/x.bin?trickle_bps=200000"), &dir.join("out"));
    assert_eq!(call!(job, Resume), S_OK);
    assert!(wait_until(Duration::from_secs(30), || received(job) >= 50_000));
    assert_eq!(call!(job, Suspend), S_OK);

    let j3 = job as *mut IBackgroundCopyJob3;
    let (nomatch, new) = (wide("http://127.0.0.9/nothing/"), wide(&b.base_url()));
    assert_eq!(call!(j3, ReplaceRemotePrefix, nomatch.as_ptr(), new.as_ptr()), S_FALSE);
    let (old, bad) = (wide(&a.base_url()), wide("gopher://"));
    assert_eq!(call!(j3, ReplaceRemotePrefix, old.as_ptr(), bad.as_ptr()), E_INVALIDARG);
    let empty = wide("");
    assert_eq!(call!(j3, ReplaceRemotePrefix, empty.as_ptr(), new.as_ptr()), E_INVALIDARG);
    assert_eq!(call!(j3, ReplaceRemotePrefix, null_mut(), new.as_ptr()), E_INVALIDARG);
    let file = first_file(job);
    assert_eq!(remote_name(file), a.url("/files/x.bin?trickle_bps=200000"), "nothing changed");

    assert_eq!(call!(j3, ReplaceRemotePrefix, old.as_ptr(), new.as_ptr()), S_OK);
    assert_eq!(remote_name(file), b.url("/files/x.bin?trickle_bps=200000"));
    assert_eq!(call!(job, Resume), S_OK);
    assert_eq!(wait_end(job), BG_JOB_STATE_TRANSFERRED);
    assert_eq!(call!(job, Complete), S_OK);
    assert_eq!(
        std::fs::read(dir.join("out")).unwrap(),
        b"the new server's different bytes".repeat(1000),
        "restarted from byte 0: no bytes of A's version remain"
    );
    release(file);
    release(job);
    release(m);
}
