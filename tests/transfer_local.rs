//! Transfers from local files (`file://` URLs and plain paths): the whole path through the C ABI
//! without a network.
// `1 as *mut T` values are deliberate non-NULL sentinels that a failing call must reset to NULL.
#![allow(clippy::manual_dangling_ptr)]

mod common;

use common::*;
use core::ptr::null_mut;
use std::time::{Duration, Instant};

fn wait_state(job: *mut IBackgroundCopyJob, want: BG_JOB_STATE, timeout: Duration) -> BG_JOB_STATE {
    let start = Instant::now();
    loop {
        let mut st = -1;
        call!(job, GetState, &mut st);
        if st == want || start.elapsed() > timeout {
            return st;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn tempdir(tag: &str) -> std::path::PathBuf {
    let d = common::scratch_root().join(format!("deliveryopt-{tag}-{}-{:?}", std::process::id(), Instant::now()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn local_files_transfer_and_complete_renames_them_into_place() {
    let dir = tempdir("local");
    let src1 = dir.join("src1.bin");
    let src2 = dir.join("src2.bin");
    let data1: Vec<u8> = (0..3_000_000u32).map(|i| (i * 7 % 251) as u8).collect();
    std::fs::write(&src1, &data1).unwrap();
    std::fs::write(&src2, b"").unwrap();
    let m = manager();
    let (_, job) = create_job(m, "local");
    let r1 = wide(&format!("file://{}", src1.display()));
    let l1 = wide(dir.join("out1.bin").to_str().unwrap());
    let r2 = wide(src2.to_str().unwrap());
    let l2 = wide(dir.join("out2.bin").to_str().unwrap());
    assert_eq!(call!(job, AddFile, r1.as_ptr(), l1.as_ptr()), S_OK);
    assert_eq!(call!(job, AddFile, r2.as_ptr(), l2.as_ptr()), S_OK);
    let mut p = BG_JOB_PROGRESS::default();
    call!(job, GetProgress, &mut p);
    assert_eq!((p.FilesTotal, p.BytesTotal), (2, BG_SIZE_UNKNOWN));
    assert_eq!(call!(job, Resume), S_OK);
    assert_eq!(wait_state(job, BG_JOB_STATE_TRANSFERRED, Duration::from_secs(20)), BG_JOB_STATE_TRANSFERRED);
    call!(job, GetProgress, &mut p);
    assert_eq!(
        p,
        BG_JOB_PROGRESS { BytesTotal: 3_000_000, BytesTransferred: 3_000_000, FilesTotal: 2, FilesTransferred: 2 }
    );
    assert!(!dir.join("out1.bin").exists(), "nothing under the final name before Complete");
    assert_eq!(call!(job, Complete), S_OK);
    assert_eq!(std::fs::read(dir.join("out1.bin")).unwrap(), data1);
    assert_eq!(std::fs::read(dir.join("out2.bin")).unwrap(), b"");
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with(".BIT"))
        .collect();
    assert!(leftovers.is_empty(), "no temporary files left");
    release(job);
    release(m);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_missing_source_is_a_job_error_with_a_file_and_context() {
    let dir = tempdir("missing");
    let m = manager();
    let (_, job) = create_job(m, "missing");
    let r = wide(dir.join("does-not-exist").to_str().unwrap());
    let l = wide(dir.join("out").to_str().unwrap());
    assert_eq!(call!(job, AddFile, r.as_ptr(), l.as_ptr()), S_OK);
    assert_eq!(call!(job, Resume), S_OK);
    assert_eq!(wait_state(job, BG_JOB_STATE_ERROR, Duration::from_secs(20)), BG_JOB_STATE_ERROR);
    let mut err: *mut IBackgroundCopyError = null_mut();
    assert_eq!(call!(job, GetError, &mut err), S_OK);
    let (mut ctx, mut code) = (0, 0);
    assert_eq!(call!(err, GetError, &mut ctx, &mut code), S_OK);
    assert_eq!(ctx, BG_ERROR_CONTEXT_LOCAL_FILE);
    assert_eq!(code, hresult_from_win32(ERROR_PATH_NOT_FOUND));
    let mut file: *mut IBackgroundCopyFile = null_mut();
    assert_eq!(call!(err, GetFile, &mut file), S_OK);
    let mut name: LPWSTR = null_mut();
    call!(file, GetLocalName, &mut name);
    assert!(take_str(name).ends_with("/out"));
    release(file);
    let mut text: LPWSTR = null_mut();
    assert_eq!(call!(err, GetErrorDescription, 0x409, &mut text), S_OK);
    let text = take_str(text);
    assert!(text.contains("does-not-exist"), "{text}");
    release(err);
    let mut n = 0;
    call!(job, GetErrorCount, &mut n);
    assert_eq!(n, 1);
    assert_eq!(call!(job, Cancel), S_OK);
    assert!(!dir.join("out").exists());
    release(job);
    release(m);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn add_file_rejects_bad_arguments_before_queueing() {
    let dir = tempdir("addfile");
    let m = manager();
    let (_, job) = create_job(m, "addfile");
    let ok_remote = wide("http://127.0.0.1:9/x");
    for (remote, local, want) in [
        ("ftp://127.0.0.1/x", dir.join("a").to_str().unwrap().to_string(), E_INVALIDARG),
        ("http://127.0.0.1/x", "relative/path".to_string(), E_INVALIDARG),
        ("http://127.0.0.1/x", dir.to_str().unwrap().to_string() + "/", E_INVALIDARG),
        ("http://127.0.0.1/x", dir.to_str().unwrap().to_string(), E_INVALIDARG),
        (
            "http://127.0.0.1/x",
            dir.join("no-such-dir/f").to_str().unwrap().to_string(),
            hresult_from_win32(ERROR_PATH_NOT_FOUND),
        ),
    ] {
        let r = wide(remote);
        let l = wide(&local);
        assert_eq!(call!(job, AddFile, r.as_ptr(), l.as_ptr()), want, "{remote} {local}");
    }
    assert_eq!(call!(job, AddFile, null_mut(), ok_remote.as_ptr()), E_INVALIDARG);
    assert_eq!(call!(job, AddFileSet, 0, null_mut()), E_INVALIDARG);
    assert_eq!(call!(job, AddFileSet, 2, null_mut()), E_INVALIDARG);
    let mut p = BG_JOB_PROGRESS::default();
    call!(job, GetProgress, &mut p);
    assert_eq!(p.FilesTotal, 0, "nothing was added");
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0, "no temporary file left behind");
    discard(job);
    release(m);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn add_file_checks_the_destination_and_the_transfer_creates_the_temporary_file() {
    let dir = tempdir("destcheck");
    let src = dir.join("src.bin");
    std::fs::write(&src, b"twelve bytes").unwrap();
    let m = manager();
    let (_, job) = create_job(m, "destcheck");
    let r = wide(src.to_str().unwrap());
    // Refused at AddFile, nothing added: a missing directory, a directory as the destination, and
    // (for a user the permission bits bind) a directory that may not be written.
    let missing = wide(dir.join("no/such/dir/out").to_str().unwrap());
    assert_eq!(call!(job, AddFile, r.as_ptr(), missing.as_ptr()), hresult_from_win32(ERROR_PATH_NOT_FOUND));
    std::fs::create_dir(dir.join("sub")).unwrap();
    let is_dir = wide(dir.join("sub").to_str().unwrap());
    assert_eq!(call!(job, AddFile, r.as_ptr(), is_dir.as_ptr()), E_INVALIDARG);
    if rustix::process::geteuid().as_raw() != 0 {
        use std::os::unix::fs::PermissionsExt;
        std::fs::create_dir(dir.join("ro")).unwrap();
        std::fs::set_permissions(dir.join("ro"), std::fs::Permissions::from_mode(0o555)).unwrap();
        let ro = wide(dir.join("ro/out").to_str().unwrap());
        assert_eq!(call!(job, AddFile, r.as_ptr(), ro.as_ptr()), E_ACCESSDENIED);
    }
    let mut p = BG_JOB_PROGRESS::default();
    call!(job, GetProgress, &mut p);
    assert_eq!(p.FilesTotal, 0);
    // Accepted: the temporary file is named now and made by the transfer.
    let l = wide(dir.join("out.bin").to_str().unwrap());
    assert_eq!(call!(job, AddFile, r.as_ptr(), l.as_ptr()), S_OK);
    let mut files: *mut IEnumBackgroundCopyFiles = null_mut();
    call!(job, EnumFiles, &mut files);
    let mut file: *mut IBackgroundCopyFile = null_mut();
    call!(files, Next, 1, &mut file, null_mut());
    let mut tmp: LPWSTR = null_mut();
    assert_eq!(call!(file as *mut IBackgroundCopyFile3, GetTemporaryName, &mut tmp), S_OK);
    let temp = std::path::PathBuf::from(take_str(tmp));
    assert_eq!(temp.parent(), Some(dir.as_path()));
    assert!(temp.file_name().unwrap().to_string_lossy().starts_with(".BIT"));
    assert!(!temp.exists(), "AddFile creates nothing");
    assert_eq!(call!(job, Resume), S_OK);
    assert_eq!(wait_state(job, BG_JOB_STATE_TRANSFERRED, Duration::from_secs(20)), BG_JOB_STATE_TRANSFERRED);
    assert_eq!(std::fs::read(&temp).unwrap(), b"twelve bytes");
    assert_eq!(call!(job, Complete), S_OK);
    assert_eq!(std::fs::read(dir.join("out.bin")).unwrap(), b"twelve bytes");
    assert!(!temp.exists());
    release(file);
    release(files);
    release(job);
    release(m);
    std::fs::remove_dir_all(&dir).unwrap();
}
