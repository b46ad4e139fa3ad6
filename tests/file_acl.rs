//! IBackgroundCopyJob3::SetFileACLFlags on Linux: a downloaded copy of a local source takes the
//! source's owner, group and permission bits as the flags ask; bad flags are refused.
mod common;

use common::*;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::time::Duration;

fn fetch_with_flags(m: *mut IBackgroundCopyManager, src: &std::path::Path, dst: &std::path::Path, flags: u32) {
    let (_, job) = create_job(m, "acl");
    let j3 = job as *mut IBackgroundCopyJob3;
    assert_eq!(call!(j3, SetFileACLFlags, flags), S_OK);
    let mut got = 99;
    assert_eq!(call!(j3, GetFileACLFlags, &mut got), S_OK);
    assert_eq!(got, flags);
    let (r, l) = (wide(src.to_str().unwrap()), wide(dst.to_str().unwrap()));
    assert_eq!(call!(job, AddFile, r.as_ptr(), l.as_ptr()), S_OK);
    assert_eq!(call!(job, Resume), S_OK);
    assert_eq!(wait_for(job, &[BG_JOB_STATE_TRANSFERRED], Duration::from_secs(30)), BG_JOB_STATE_TRANSFERRED);
    assert_eq!(call!(j3, SetFileACLFlags, 0), BG_E_INVALID_STATE, "fixed once transferred");
    assert_eq!(call!(job, Complete), S_OK);
    release(job);
}

#[test]
fn the_copy_takes_the_sources_owner_group_and_mode_as_asked() {
    std::env::set_var("DELIVERYOPT_MAX_JOBS_PER_USER", "1000");
    let dir = common::scratch_root().join(format!("deliveryopt-acl-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let src = dir.join("source");
    std::fs::write(&src, b"attributes travel with the bytes").unwrap();
    std::fs::set_permissions(&src, std::fs::Permissions::from_mode(0o640)).unwrap();
    let root = unsafe { libc::geteuid() } == 0;
    if root {
        std::os::unix::fs::chown(&src, Some(1234), Some(5678)).unwrap();
    }
    let m = manager();

    let (_, job) = create_job(m, "acl-args");
    let j3 = job as *mut IBackgroundCopyJob3;
    let mut got = 99;
    assert_eq!(call!(j3, GetFileACLFlags, &mut got), S_OK);
    assert_eq!(got, 0, "nothing is copied by default");
    assert_eq!(call!(j3, SetFileACLFlags, 0x10), E_INVALIDARG);
    assert_eq!(call!(j3, GetFileACLFlags, core::ptr::null_mut()), E_INVALIDARG);
    assert_eq!(call!(j3, GetFileACLFlags, &mut got), S_OK);
    assert_eq!(got, 0, "a refused value changes nothing");
    discard(job);

    // Permission bits only.
    fetch_with_flags(m, &src, &dir.join("mode"), BG_COPY_FILE_DACL);
    let meta = std::fs::metadata(dir.join("mode")).unwrap();
    assert_eq!(meta.mode() & 0o7777, 0o640);
    assert_eq!(meta.uid(), unsafe { libc::geteuid() }, "the owner is not copied without BG_COPY_FILE_OWNER");

    // Nothing copied.
    fetch_with_flags(m, &src, &dir.join("plain"), 0);
    let meta = std::fs::metadata(dir.join("plain")).unwrap();
    assert_ne!(meta.mode() & 0o7777, 0o640);

    if root {
        fetch_with_flags(m, &src, &dir.join("all"), BG_COPY_FILE_ALL);
        let meta = std::fs::metadata(dir.join("all")).unwrap();
        assert_eq!((meta.uid(), meta.gid(), meta.mode() & 0o7777), (1234, 5678, 0o640));
        fetch_with_flags(m, &src, &dir.join("group"), BG_COPY_FILE_GROUP);
        let meta = std::fs::metadata(dir.join("group")).unwrap();
        assert_eq!((meta.uid(), meta.gid()), (0, 5678));
    } else {
        // Without CAP_CHOWN a root-owned source cannot give its owner: a transient access error.
        let (_, job) = create_job(m, "acl-eperm");
        assert_eq!(call!(job as *mut IBackgroundCopyJob3, SetFileACLFlags, BG_COPY_FILE_OWNER), S_OK);
        let (r, l) = (wide("/etc/hostname"), wide(dir.join("eperm").to_str().unwrap()));
        assert_eq!(call!(job, AddFile, r.as_ptr(), l.as_ptr()), S_OK);
        assert_eq!(call!(job, Resume), S_OK);
        assert_eq!(
            wait_for(job, &[BG_JOB_STATE_TRANSIENT_ERROR], Duration::from_secs(30)),
            BG_JOB_STATE_TRANSIENT_ERROR
        );
        discard(job);
    }
    release(m);
}
