//! Diagnostics: `DELIVERYOPT_LOG` turns on `tracing` output on stderr, with the job and the URL
//! in every transfer line; without it a good transfer writes nothing.
//!
//! The test runs this binary again as a child (selected by LOG_CHILD) to read its stderr.

mod common;

use common::*;
use std::process::Command;
use testserver::{Options, Server};

/// The child: one job, one file from $URL, to Complete; prints the job's GUID on stdout.
#[test]
fn log_child() {
    let Ok(dir) = std::env::var("LOG_CHILD") else { return };
    let m = manager();
    let (id, job) = create_job(m, "logged");
    add_file(job, &std::env::var("URL").unwrap(), &std::path::Path::new(&dir).join("out"));
    assert_eq!(call!(job, Resume), S_OK);
    assert_eq!(wait_end(job), BG_JOB_STATE_TRANSFERRED);
    assert_eq!(call!(job, Complete), S_OK);
    println!("GUID {}", guid_str(&id));
    release(job);
    release(m);
}

fn run_child(tag: &str, url: &str, log: Option<&str>) -> (String, String) {
    let dir = tempdir(tag);
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args(["--exact", "log_child", "--nocapture", "--test-threads=1"])
        .env("LOG_CHILD", &dir)
        .env("URL", url)
        .env("DELIVERYOPT_ENGINE", "in-process")
        .env("DELIVERYOPT_STATE_DIR", dir.join("store"))
        .env_remove("DELIVERYOPT_LOG");
    if let Some(l) = log {
        cmd.env("DELIVERYOPT_LOG", l);
    }
    let out = cmd.output().unwrap();
    let (stdout, stderr) =
        (String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned());
    assert!(out.status.success(), "child failed:\n{stdout}\n{stderr}");
    // (libtest may print "test log_child ... " on the same line first)
    let guid = stdout
        .lines()
        .find_map(|l| l.find("GUID ").map(|at| l[at + 5..].trim().to_string()))
        .expect("the child printed its job");
    let _ = std::fs::remove_dir_all(&dir);
    (guid, stderr)
}

#[test]
fn debug_lines_name_the_job_and_the_url_and_hide_passwords() {
    if std::env::var_os("LOG_CHILD").is_some() {
        return;
    }
    let s = Server::start(Options::default()).unwrap();
    let url = s.url("/gen/2000/1").replace("http://", "http://someone:hunter2@");
    let (guid, stderr) = run_child("log-debug", &url, Some("debug"));
    let lines: Vec<&str> = stderr.lines().collect();
    let transferred = lines
        .iter()
        .find(|l| l.contains("file transferred"))
        .unwrap_or_else(|| panic!("no transfer line in:\n{stderr}"));
    assert!(transferred.contains(&guid), "the job is named: {transferred}");
    assert!(transferred.contains("/gen/2000/1") && transferred.contains("someone:***@"), "{transferred}");
    assert!(transferred.contains("DEBUG"), "{transferred}");
    assert!(lines.iter().any(|l| l.contains("Complete") && l.contains(&guid)), "{stderr}");
    assert!(lines.iter().any(|l| l.contains("response") && l.contains("status=200")), "{stderr}");
    assert!(!stderr.contains("hunter2"), "a password is never logged:\n{stderr}");
}

#[test]
fn a_good_transfer_writes_nothing_by_default_and_the_filter_is_honoured() {
    if std::env::var_os("LOG_CHILD").is_some() {
        return;
    }
    let s = Server::start(Options::default()).unwrap();
    let (_, quiet) = run_child("log-quiet", &s.url("/gen/2000/2"), None);
    assert!(!quiet.contains("deliveryopt"), "nothing by default:\n{quiet}");
    // A module filter: the HTTP lines only.
    let (_, http) = run_child("log-http", &s.url("/gen/2000/3"), Some("deliveryopt::engine::http=debug"));
    assert!(http.contains("response"), "{http}");
    assert!(!http.contains("file transferred"), "other modules stay quiet:\n{http}");
}
