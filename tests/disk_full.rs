//! A full disk: a download into a small tmpfs that also holds the job store runs out of space.
//! The job must end in ERROR with HRESULT_FROM_WIN32(ERROR_DISK_FULL) and context LOCAL_FILE,
//! the store must still have the job for the next process, and once there is room again a Resume
//! continues from the bytes on disk (a Range request, not byte 0) to the right file.
//!
//! Needs root (mount). The children run the engine in process, so the store on the full disk is
//! the one the test reads back; `DELIVERYOPT_CHILD` selects the child.

mod common;

use common::*;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::Duration;

use testserver::{content, Options, Server};

const SIZE: usize = 6_000_000;
const ERROR_DISK_FULL_HR: HRESULT = 0x8007_0070_u32 as HRESULT;

/// The child's output lines; fails the test when it fails.
fn finish(mut c: Child) -> Vec<String> {
    let out = c.stdout.take().unwrap();
    let lines: Vec<String> = BufReader::new(out).lines().map_while(Result::ok).collect();
    let status = c.wait().unwrap();
    assert!(status.success(), "child failed: {status:?}\n{}", lines.join("\n"));
    lines
}

fn value(lines: &[String], key: &str) -> String {
    lines
        .iter()
        .find_map(|l| l.find(key).map(|at| l[at + key.len()..].trim().to_string()))
        .unwrap_or_else(|| panic!("no {key} in {lines:?}"))
}

#[test]
fn child_entry() {
    let Ok(mode) = std::env::var("DELIVERYOPT_CHILD") else { return };
    let dir = PathBuf::from(std::env::var("CHILD_DIR").unwrap());
    let m = manager();
    match mode.as_str() {
        "fill" => {
            let (id, job) = create_job(m, "fills the disk");
            add_file(job, &std::env::var("URL").unwrap(), &dir.join("out.bin"));
            assert_eq!(call!(job, Resume), S_OK);
            assert_eq!(
                wait_for(job, &[BG_JOB_STATE_ERROR, BG_JOB_STATE_TRANSFERRED], Duration::from_secs(60)),
                BG_JOB_STATE_ERROR
            );
            let (ctx, code) = error_of(job);
            let mut p = BG_JOB_PROGRESS::default();
            call!(job, GetProgress, &mut p);
            println!("GUID {}", guid_str(&id));
            println!("ERROR {ctx} {code:#010x}");
            println!("RECEIVED {}", p.BytesTransferred);
            release(job);
        }
        "resume" => {
            let id = parse_guid(&std::env::var("GUID").unwrap());
            let mut job: *mut IBackgroundCopyJob = core::ptr::null_mut();
            assert_eq!(call!(m, GetJob, &id, &mut job), S_OK, "the store kept the job");
            println!("STATE {}", state(job));
            assert_eq!(call!(job, Resume), S_OK);
            assert_eq!(wait_end(job), BG_JOB_STATE_TRANSFERRED);
            assert_eq!(call!(job, Complete), S_OK);
            println!("DONE");
            release(job);
        }
        other => panic!("unknown child {other}"),
    }
    release(m);
}

fn mount(dir: &Path, size: &str, remount: bool) -> bool {
    let mut cmd = Command::new("mount");
    if remount {
        cmd.args(["-o", &format!("remount,size={size}")]).arg(dir);
    } else {
        cmd.args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"]).arg(dir);
    }
    cmd.status().is_ok_and(|s| s.success())
}

#[test]
fn a_full_disk_is_an_error_that_keeps_the_job_and_a_resume_continues_when_space_returns() {
    if std::env::var_os("DELIVERYOPT_CHILD").is_some() {
        return;
    }
    if deliveryopt::abi::os::effective_uid() != 0 {
        println!("skipped: mounting a small tmpfs needs root");
        return;
    }
    let dir = common::scratch_root().join(format!("deliveryopt-diskfull-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    if !mount(&dir, "4m", false) {
        println!("skipped: tmpfs cannot be mounted here");
        return;
    }
    struct Unmount(PathBuf);
    impl Drop for Unmount {
        fn drop(&mut self) {
            let _ = Command::new("umount").arg(&self.0).status();
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
    let _unmount = Unmount(dir.clone());
    let s = Server::start(Options::default()).unwrap();
    let url = s.url(&format!("/gen/{SIZE}/31"));
    let lines = finish(in_process_child("fill", &dir, &[("URL", url.clone())]));
    assert_eq!(value(&lines, "ERROR "), format!("{} {ERROR_DISK_FULL_HR:#010x}", BG_ERROR_CONTEXT_LOCAL_FILE));
    let received: u64 = value(&lines, "RECEIVED ").parse().unwrap();
    assert!(received > 0 && received < SIZE as u64, "some bytes made it ({received})");
    assert!(!dir.join("out.bin").exists(), "no partial file under the final name");
    // Room again.
    assert!(mount(&dir, "32m", true), "remount");
    let guid = value(&lines, "GUID ");
    let lines = finish(in_process_child("resume", &dir, &[("GUID", guid)]));
    assert_eq!(value(&lines, "STATE "), BG_JOB_STATE_ERROR.to_string(), "the job came back in ERROR");
    assert_eq!(std::fs::read(dir.join("out.bin")).unwrap(), content(31, SIZE));
    // The resumed request asked for the rest, not the whole file.
    let ranged =
        s.requests_for(&format!("/gen/{SIZE}/31")).iter().filter(|r| r.method == "GET").any(|r| {
            r.headers.iter().any(|(k, v)| k == "range" && v.starts_with("bytes=") && !v.starts_with("bytes=0-"))
        });
    assert!(ranged, "the transfer continued with a Range");
}
