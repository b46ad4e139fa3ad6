//! Proxy credentials with BG_AUTH_SCHEME_DIGEST: a CONNECT proxy written here (127.0.0.1 only,
//! stopped when the test ends) answers 407 with a Digest challenge (RFC 7616, the test server's
//! checker) and tunnels to the test server once the answer is right. Plain http and https targets
//! go through it; a wrong password or Basic-only credentials end in the proxy's 407.
mod common;

use common::*;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use testserver::auth::{AuthSpec, Verifier};
use testserver::{content, Options, Server};

/// The Digest-authenticating CONNECT proxy.
struct DigestProxy {
    port: u16,
    stop: Arc<AtomicBool>,
    /// 407s sent and tunnels opened.
    challenged: Arc<AtomicUsize>,
    tunnels: Arc<AtomicUsize>,
    thread: Option<std::thread::JoinHandle<()>>,
}

fn read_head(s: &mut TcpStream) -> Option<String> {
    let mut head = Vec::new();
    let mut b = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if s.read(&mut b).ok()? == 0 || head.len() > 65536 {
            return None;
        }
        head.push(b[0]);
    }
    Some(String::from_utf8_lossy(&head).into_owned())
}

fn pump(mut from: TcpStream, mut to: TcpStream) {
    let mut buf = [0u8; 65536];
    loop {
        match from.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                if to.write_all(&buf[..n]).is_err() {
                    break;
                }
            }
        }
    }
    let _ = to.shutdown(std::net::Shutdown::Write);
}

impl DigestProxy {
    fn start(user: &str, pass: &str) -> DigestProxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let stop = Arc::new(AtomicBool::new(false));
        let (challenged, tunnels) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let spec = AuthSpec::parse(&format!("digest:{user}:{pass}")).unwrap();
        let (st, ch, tu) = (stop.clone(), challenged.clone(), tunnels.clone());
        let thread = std::thread::spawn(move || {
            let verifier = Verifier::new(0x5eed);
            while !st.load(Ordering::Relaxed) {
                let mut client = match listener.accept() {
                    Ok((c, _)) => c,
                    Err(_) => {
                        std::thread::sleep(Duration::from_millis(5));
                        continue;
                    }
                };
                client.set_nonblocking(false).unwrap();
                let Some(head) = read_head(&mut client) else { continue };
                let mut words = head.split_whitespace();
                let (method, target) = (words.next().unwrap_or(""), words.next().unwrap_or("").to_string());
                let auth = head
                    .lines()
                    .filter_map(|l| l.split_once(':'))
                    .find(|(n, _)| n.trim().eq_ignore_ascii_case("proxy-authorization"))
                    .map(|(_, v)| v.trim().to_string());
                assert!(target.starts_with("127.0.0.1:"), "the proxy only tunnels to loopback: {target}");
                if method != "CONNECT" || !verifier.check(&spec, auth.as_deref(), "CONNECT", &target) {
                    ch.fetch_add(1, Ordering::Relaxed);
                    let _ = write!(
                        client,
                        "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: {}\r\n\
                         Content-Length: 0\r\nConnection: close\r\n\r\n",
                        verifier.challenge(&spec)
                    );
                    continue;
                }
                let Ok(server) = TcpStream::connect(&target) else { continue };
                tu.fetch_add(1, Ordering::Relaxed);
                let _ = client.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n");
                let (c2, s2) = (client.try_clone().unwrap(), server.try_clone().unwrap());
                std::thread::spawn(move || pump(client, server));
                std::thread::spawn(move || pump(s2, c2));
            }
        });
        DigestProxy { port, stop, challenged, tunnels, thread: Some(thread) }
    }
}

impl Drop for DigestProxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn set_proxy_creds(job: *mut IBackgroundCopyJob, scheme: BG_AUTH_SCHEME, user: &str, pass: &str) {
    let (mut u, mut p) = (wide(user), wide(pass));
    let mut c = BG_AUTH_CREDENTIALS {
        Target: BG_AUTH_TARGET_PROXY,
        Scheme: scheme,
        Credentials: BG_AUTH_CREDENTIALS_UNION {
            Basic: BG_BASIC_CREDENTIALS { UserName: u.as_mut_ptr(), Password: p.as_mut_ptr() },
        },
    };
    assert_eq!(call!(job as *mut IBackgroundCopyJob2, SetCredentials, &mut c), S_OK);
}

fn job_through(
    m: *mut IBackgroundCopyManager,
    proxy: &DigestProxy,
    url: &str,
    local: &std::path::Path,
) -> *mut IBackgroundCopyJob {
    let (_, job) = create_job(m, "digest proxy");
    let list = wide(&format!("127.0.0.1:{}", proxy.port));
    assert_eq!(call!(job, SetProxySettings, BG_JOB_PROXY_USAGE_OVERRIDE, list.as_ptr(), core::ptr::null()), S_OK);
    let (r, l) = (wide(url), wide(local.to_str().unwrap()));
    assert_eq!(call!(job, AddFile, r.as_ptr(), l.as_ptr()), S_OK);
    job
}

#[test]
fn digest_proxy_credentials_answer_the_proxy_challenge() {
    isolate_store();
    std::env::set_var("DELIVERYOPT_READ_TIMEOUT_MS", "5000");
    let plain = Server::start(Options::default()).unwrap();
    let tls = Server::start(Options { tls: true, ..Options::default() }).unwrap();
    let proxy = DigestProxy::start("pxuser", "pxpass");
    let dir = tempdir("proxy-digest");
    let m = manager();

    // http through the tunnel.
    let job = job_through(m, &proxy, &plain.url("/gen/40000/61"), &dir.join("a"));
    set_proxy_creds(job, BG_AUTH_SCHEME_DIGEST, "pxuser", "pxpass");
    assert_eq!(call!(job, Resume), S_OK);
    assert_eq!(wait_end(job), BG_JOB_STATE_TRANSFERRED);
    assert_eq!(call!(job, Complete), S_OK);
    release(job);
    assert_eq!(std::fs::read(dir.join("a")).unwrap(), content(61, 40000));
    assert!(proxy.challenged.load(Ordering::Relaxed) >= 1, "the proxy challenged first");
    assert!(proxy.tunnels.load(Ordering::Relaxed) >= 1, "and tunnelled after the Digest answer");
    assert!(plain.requests_for("/gen/40000/61").iter().all(|r| r.header("proxy-authorization").is_none()));

    // https through the tunnel (the test CA is not trusted here: IGNORE_UNKNOWN_CA).
    let job = job_through(m, &proxy, &tls.url("/gen/30000/62"), &dir.join("b"));
    set_proxy_creds(job, BG_AUTH_SCHEME_DIGEST, "pxuser", "pxpass");
    let http = qi(job, &IID_IBackgroundCopyJobHttpOptions).unwrap() as *mut IBackgroundCopyJobHttpOptions;
    assert_eq!(call!(http, SetSecurityFlags, BG_SSL_IGNORE_UNKNOWN_CA), S_OK);
    release(http);
    assert_eq!(call!(job, Resume), S_OK);
    assert_eq!(wait_end(job), BG_JOB_STATE_TRANSFERRED);
    assert_eq!(call!(job, Complete), S_OK);
    release(job);
    assert_eq!(std::fs::read(dir.join("b")).unwrap(), content(62, 30000));

    // A wrong password, and Basic credentials for a Digest-only proxy: the proxy's 407.
    const HTTP_407: HRESULT = 0x80190197_u32 as HRESULT;
    for (scheme, pass, name) in [(BG_AUTH_SCHEME_DIGEST, "wrong", "c"), (BG_AUTH_SCHEME_BASIC, "pxpass", "d")] {
        let job = job_through(m, &proxy, &plain.url("/gen/100/63"), &dir.join(name));
        set_proxy_creds(job, scheme, "pxuser", pass);
        assert_eq!(call!(job, Resume), S_OK);
        assert_eq!(wait_end(job), BG_JOB_STATE_ERROR, "scheme {scheme}");
        assert_eq!(error_code(job), HTTP_407, "scheme {scheme}");
        discard(job);
        assert!(!dir.join(name).exists());
    }
    release(m);
}
