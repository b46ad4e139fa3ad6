//! SetProxySettings against a real proxy: tinyproxy (Debian's package, installed by
//! scripts/ensure-packages.sh) started on 127.0.0.1 by this test and stopped by its pid.
//! OVERRIDE lists, bypass lists, PRECONFIG from the environment, NO_PROXY, and Basic proxy
//! credentials through SetCredentials. One test function: it changes environment variables the
//! engine reads.
mod common;

use common::*;
use std::io::Read;
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use testserver::{content, Options, Server};

/// A tinyproxy on 127.0.0.1, killed (by pid) when dropped.
struct Tinyproxy {
    child: Child,
    port: u16,
    dir: PathBuf,
}

impl Tinyproxy {
    fn start(tag: &str, auth: Option<(&str, &str)>) -> Tinyproxy {
        let dir = common::scratch_root().join(format!("deliveryopt-tinyproxy-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        for _ in 0..10 {
            let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
            let mut conf = format!(
                "Port {port}\nListen 127.0.0.1\nTimeout 30\nLogFile \"{log}\"\nLogLevel Connect\nMaxClients 50\n\
                 Allow 127.0.0.1\nDisableViaHeader Yes\n",
                log = dir.join("log").display()
            );
            if let Some((u, p)) = auth {
                conf.push_str(&format!("BasicAuth {u} {p}\n"));
            }
            std::fs::write(dir.join("conf"), conf).unwrap();
            let child = Command::new("tinyproxy")
                .args(["-d", "-c"])
                .arg(dir.join("conf"))
                .stdout(Stdio::null())
                .stderr(std::fs::File::create(dir.join("stderr")).unwrap())
                .spawn()
                .expect("tinyproxy is installed (scripts/ensure-packages.sh tinyproxy)");
            let mut t = Tinyproxy { child, port, dir: dir.clone() };
            let start = Instant::now();
            while start.elapsed() < Duration::from_secs(5) {
                if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                    return t;
                }
                if t.child.try_wait().unwrap().is_some() {
                    break; // the port was taken meanwhile: try another
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            let _ = t.child.kill();
            let _ = t.child.wait();
        }
        panic!("tinyproxy did not start; see {}", dir.join("stderr").display());
    }

    fn address(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// CONNECT requests the proxy saw for `target` (host:port).
    fn connects_to(&self, target: &str) -> usize {
        let mut log = String::new();
        if let Ok(mut f) = std::fs::File::open(self.dir.join("log")) {
            let _ = f.read_to_string(&mut log);
        }
        log.lines().filter(|l| l.contains(&format!("CONNECT {target} "))).count()
    }
}

impl Drop for Tinyproxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn wait_any(job: *mut IBackgroundCopyJob, states: &[BG_JOB_STATE]) -> BG_JOB_STATE {
    let start = Instant::now();
    while !states.contains(&state(job)) && start.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(5));
    }
    state(job)
}

/// One job of one file with the given proxy settings; returns it after Resume.
fn start_job(
    m: *mut IBackgroundCopyManager,
    url: &str,
    local: &std::path::Path,
    usage: BG_JOB_PROXY_USAGE,
    list: Option<&str>,
    bypass: Option<&str>,
) -> *mut IBackgroundCopyJob {
    let (_, job) = create_job(m, "proxy");
    let (l, b) = (list.map(wide), bypass.map(wide));
    let lp = l.as_ref().map_or(core::ptr::null(), |v| v.as_ptr());
    let bp = b.as_ref().map_or(core::ptr::null(), |v| v.as_ptr());
    assert_eq!(call!(job, SetProxySettings, usage, lp, bp), S_OK);
    let (r, lo) = (wide(url), wide(local.to_str().unwrap()));
    assert_eq!(call!(job, AddFile, r.as_ptr(), lo.as_ptr()), S_OK);
    assert_eq!(call!(job, Resume), S_OK);
    job
}

fn finish(job: *mut IBackgroundCopyJob) {
    assert_eq!(wait_any(job, &[BG_JOB_STATE_TRANSFERRED, BG_JOB_STATE_ERROR]), BG_JOB_STATE_TRANSFERRED);
    assert_eq!(call!(job, Complete), S_OK);
    release(job);
}

#[test]
fn proxy_settings_route_requests_through_a_real_proxy() {
    // PRECONFIG reads the engine's environment, which this test changes as it goes: the engine
    // runs in this process. (The service reads the environment it was started with.)
    std::env::set_var("DELIVERYOPT_ENGINE", "in-process");
    for v in
        ["http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY", "no_proxy", "NO_PROXY"]
    {
        std::env::remove_var(v);
    }
    std::env::set_var("DELIVERYOPT_MAX_JOBS_PER_USER", "1000");
    std::env::set_var("DELIVERYOPT_CONNECT_TIMEOUT_MS", "2000");
    let s = Server::start(Options::default()).unwrap();
    let target = format!("127.0.0.1:{}", s.port());
    let proxy = Tinyproxy::start("open", None);
    let dir = common::scratch_root().join(format!("deliveryopt-proxy-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let m = manager();

    // OVERRIDE: through the listed proxy.
    let job = start_job(
        m,
        &s.url("/gen/30000/81"),
        &dir.join("a"),
        BG_JOB_PROXY_USAGE_OVERRIDE,
        Some(&proxy.address()),
        None,
    );
    finish(job);
    assert_eq!(std::fs::read(dir.join("a")).unwrap(), content(81, 30000));
    let via = proxy.connects_to(&target);
    assert!(via >= 1, "the proxy carried the transfer");

    // OVERRIDE with the host in the bypass list, or a list for https only: direct. (A fresh
    // server for each check: a kept-alive tunnel would carry later requests without a new CONNECT.)
    let s2 = Server::start(Options::default()).unwrap();
    let target2 = format!("127.0.0.1:{}", s2.port());
    let job = start_job(
        m,
        &s2.url("/gen/1000/82"),
        &dir.join("b"),
        BG_JOB_PROXY_USAGE_OVERRIDE,
        Some(&proxy.address()),
        Some("*.example.com; 127.0.0.1"),
    );
    finish(job);
    let https_only = format!("https={}", proxy.address());
    let job =
        start_job(m, &s2.url("/gen/1000/83"), &dir.join("c"), BG_JOB_PROXY_USAGE_OVERRIDE, Some(&https_only), None);
    finish(job);
    assert_eq!(proxy.connects_to(&target2), 0, "bypassed requests went direct");
    assert_eq!(s2.requests().len(), 2);

    // PRECONFIG: the environment's http_proxy, unless no_proxy names the host.
    let s3 = Server::start(Options::default()).unwrap();
    std::env::set_var("http_proxy", format!("http://{}", proxy.address()));
    let job = start_job(m, &s3.url("/gen/2000/84"), &dir.join("d"), BG_JOB_PROXY_USAGE_PRECONFIG, None, None);
    finish(job);
    assert_eq!(proxy.connects_to(&format!("127.0.0.1:{}", s3.port())), 1, "PRECONFIG used http_proxy");
    // NO_PROXY ignores the environment; no_proxy exempts hosts from it.
    let s4 = Server::start(Options::default()).unwrap();
    let job = start_job(m, &s4.url("/gen/2000/85"), &dir.join("e"), BG_JOB_PROXY_USAGE_NO_PROXY, None, None);
    finish(job);
    std::env::set_var("no_proxy", "localhost,127.0.0.1");
    let job = start_job(m, &s4.url("/gen/2000/86"), &dir.join("f"), BG_JOB_PROXY_USAGE_AUTODETECT, None, None);
    finish(job);
    assert_eq!(proxy.connects_to(&format!("127.0.0.1:{}", s4.port())), 0, "NO_PROXY and no_proxy went direct");
    std::env::remove_var("http_proxy");
    std::env::remove_var("no_proxy");

    // A proxy that wants Basic credentials: 407 without them, the file with them.
    let guarded = Tinyproxy::start("auth", Some(("alice", "secret")));
    let job = start_job(
        m,
        &s.url("/gen/5000/87"),
        &dir.join("g"),
        BG_JOB_PROXY_USAGE_OVERRIDE,
        Some(&guarded.address()),
        None,
    );
    assert_eq!(wait_any(job, &[BG_JOB_STATE_ERROR, BG_JOB_STATE_TRANSFERRED]), BG_JOB_STATE_ERROR);
    assert_eq!(error_code(job), BG_E_HTTP_ERROR_407);
    let (mut u, mut p) = (wide("alice"), wide("secret"));
    let mut c = BG_AUTH_CREDENTIALS {
        Target: BG_AUTH_TARGET_PROXY,
        Scheme: BG_AUTH_SCHEME_BASIC,
        Credentials: BG_AUTH_CREDENTIALS_UNION {
            Basic: BG_BASIC_CREDENTIALS { UserName: u.as_mut_ptr(), Password: p.as_mut_ptr() },
        },
    };
    assert_eq!(call!(job as *mut IBackgroundCopyJob2, SetCredentials, &mut c), S_OK);
    assert_eq!(call!(job, Resume), S_OK);
    finish(job);
    assert_eq!(std::fs::read(dir.join("g")).unwrap(), content(87, 5000));
    assert!(guarded.connects_to(&target) >= 1);

    // A list whose first proxy cannot be reached: the next one carries the transfer.
    let s5 = Server::start(Options::default()).unwrap();
    let list = format!("127.0.0.1:1 {}", proxy.address());
    let job =
        start_job(m, &s5.url("/gen/2000/89"), &dir.join("failover"), BG_JOB_PROXY_USAGE_OVERRIDE, Some(&list), None);
    finish(job);
    assert_eq!(std::fs::read(dir.join("failover")).unwrap(), content(89, 2000));
    assert!(proxy.connects_to(&format!("127.0.0.1:{}", s5.port())) >= 1, "the second proxy of the list was used");

    // A proxy that is not there: a transient connection error, retried later.
    let job =
        start_job(m, &s.url("/gen/100/88"), &dir.join("h"), BG_JOB_PROXY_USAGE_OVERRIDE, Some("127.0.0.1:1"), None);
    assert_eq!(wait_any(job, &[BG_JOB_STATE_TRANSIENT_ERROR, BG_JOB_STATE_ERROR]), BG_JOB_STATE_TRANSIENT_ERROR);
    assert_eq!(error_code(job), hresult_from_win32(ERROR_WINHTTP_CANNOT_CONNECT));
    discard(job);
    release(m);
}
