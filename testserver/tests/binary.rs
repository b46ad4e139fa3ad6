//! The `deliveryopt-testserver` binary: start, serve, stop by pid.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use testserver::content;

fn http_get(port: u16, path: &str) -> Vec<u8> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(s, "GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").unwrap();
    let mut out = Vec::new();
    s.read_to_end(&mut out).unwrap();
    out
}

fn body(resp: &[u8]) -> &[u8] {
    let i = resp.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    &resp[i + 4..]
}

fn wait_for(path: &std::path::Path) -> String {
    let t = Instant::now();
    while t.elapsed() < Duration::from_secs(10) {
        if let Ok(s) = std::fs::read_to_string(path) {
            return s;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    panic!("{} never appeared", path.display());
}

#[test]
fn binary_serves_root_and_gen_and_stops_on_sigterm() {
    let dir = std::env::temp_dir().join(format!("testserver-bin-{}", std::process::id()));
    let root = dir.join("root");
    std::fs::create_dir_all(root.join("d")).unwrap();
    std::fs::write(root.join("d/file.bin"), content(5, 4096)).unwrap();
    let pid_file = dir.join("pid");
    let port_file = dir.join("port");
    let mut child = Command::new(env!("CARGO_BIN_EXE_deliveryopt-testserver"))
        .arg("--root")
        .arg(&root)
        .arg("--pid-file")
        .arg(&pid_file)
        .arg(format!("--port-file={}", port_file.display()))
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    assert!(line.starts_with("listening on http://127.0.0.1:"), "{line}");
    let port: u16 = wait_for(&port_file).trim().parse().unwrap();
    assert_eq!(line.trim().rsplit(':').next().unwrap(), port.to_string());
    let pid: i32 = wait_for(&pid_file).trim().parse().unwrap();
    assert_eq!(pid as u32, child.id());

    assert_eq!(body(&http_get(port, "/d/file.bin")), &content(5, 4096)[..]);
    assert_eq!(body(&http_get(port, "/gen/100/9")), &content(9, 100)[..]);
    assert!(http_get(port, "/missing").starts_with(b"HTTP/1.1 404"));

    // SAFETY: signalling our own child.
    unsafe { libc::kill(pid, libc::SIGTERM) };
    let status = child.wait().unwrap();
    assert!(status.success(), "{status:?}");
    assert!(!pid_file.exists() && !port_file.exists());
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn binary_tls_prints_ca_and_stops_on_sigint() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_deliveryopt-testserver"))
        .args(["--tls", "--port", "0"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut l1 = String::new();
    let mut l2 = String::new();
    out.read_line(&mut l1).unwrap();
    out.read_line(&mut l2).unwrap();
    assert!(l1.starts_with("listening on https://127.0.0.1:"), "{l1}");
    let ca = l2.trim().strip_prefix("ca ").expect("ca line").to_string();
    assert!(std::fs::read_to_string(&ca).unwrap().contains("BEGIN CERTIFICATE"));
    // SAFETY: signalling our own child.
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    assert!(child.wait().unwrap().success());
    assert!(!std::path::Path::new(&ca).exists());
}

#[test]
fn binary_rejects_bad_arguments() {
    let out = Command::new(env!("CARGO_BIN_EXE_deliveryopt-testserver")).arg("--bogus").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}
