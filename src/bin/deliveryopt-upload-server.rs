//! `deliveryopt-upload-server`: a BITS upload server (the server side of the BITS Upload Protocol
//! 1.5), for upload and upload-reply jobs of deliveryopt, Windows BITS or any BITS client. Outside
//! IIS no other exists.
//!
//! ```text
//! deliveryopt-upload-server --root DIR [--listen ADDR:PORT] [--max-size BYTES]
//!     [--reply-command CMD] [--allow-overwrite] [--session-timeout SECONDS]
//!     [--port-file FILE] [--fragment-delay-ms MS]
//! ```
//!
//! A `BITS_POST` to `/a/b.bin` uploads `DIR/a/b.bin` (directories are created; `..`, absolute
//! paths and names starting with `.bits` are refused). Sessions are kept on disk under
//! `DIR/.bits-sessions/<id>/` (the bytes received and what the session is for), so an upload
//! continues across a restart of the server; the file appears under its name, whole, when its
//! last byte arrives. With `--reply-command`, that command (run by `sh -c`, the uploaded file on
//! its standard input, `BITS_UPLOAD_FILE`, `BITS_SESSION_ID` and `BITS_URL_PATH` in its
//! environment) answers an upload-reply job: its standard output is the reply, served at the
//! `BITS-Reply-URL` of the last Ack until the client closes the session; a command that fails
//! refuses the upload with context REMOTE_APPLICATION. Sessions not touched for
//! `--session-timeout` seconds (default a day) are removed. Loopback by default
//! (`--listen 127.0.0.1:8080`); put it behind a TLS proxy for https.

use std::collections::HashMap;
use std::fs::{self, File, OpenOptions};
use std::io::{Read, Write};
use std::os::unix::fs::FileExt;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use tiny_http::{Header, Method, Request, Response, Server, StatusCode};

const PROTOCOL: &str = "{7df0354d-249b-430f-820d-3d2a9bef4931}";
const SESSIONS: &str = ".bits-sessions";
const REPLY_PATH: &str = "/.bits-reply/";

const BG_E_SESSION_NOT_FOUND: u32 = 0x8020_001F;
const BG_E_TOO_LARGE: u32 = 0x8020_0020;
const BG_E_CLIENT_SERVER_PROTOCOL_MISMATCH: u32 = 0x8020_0022;
const E_INVALIDARG: u32 = 0x8007_0057;
const E_ACCESSDENIED: u32 = 0x8007_0005;
const E_FAIL: u32 = 0x8000_4005;
const ERROR_ALREADY_EXISTS: u32 = 0x8007_00B7;
const CONTEXT_REMOTE_FILE: u32 = 5;
const CONTEXT_REMOTE_APPLICATION: u32 = 7;

const USAGE: &str = "\
usage: deliveryopt-upload-server --root DIR [--listen ADDR:PORT] [--max-size BYTES]
                                 [--reply-command CMD] [--allow-overwrite]
                                 [--session-timeout SECONDS] [--port-file FILE]
                                 [--fragment-delay-ms MS]
                                 [--host-id HOST[:PORT] [--host-id-fallback-timeout S]]

A BITS upload server: BITS_POST uploads (Create-Session, Fragment, Close-Session,
Cancel-Session, Ping) into DIR, resumable across restarts.

  --root DIR             where uploads go (URL path = file path under DIR)
  --listen ADDR:PORT     default 127.0.0.1:8080 (port 0: any free port)
  --max-size BYTES       refuse larger uploads (BG_E_TOO_LARGE); default no limit
  --reply-command CMD    answer upload-reply jobs: sh -c CMD, the upload on stdin, reply on stdout
  --allow-overwrite      replace existing files (default: refuse with ERROR_ALREADY_EXISTS)
  --session-timeout S    remove sessions idle this long (default 86400)
  --port-file FILE       write the port listened on to FILE once listening
  --fragment-delay-ms MS wait this long before acknowledging each fragment (testing)
  --host-id HOST[:PORT]  for a server farm (servers sharing DIR): name this server in each new
                         session's Ack (BITS-Host-Id), so the session's later packets come here
  --host-id-fallback-timeout S
                         with --host-id: a client that cannot reach HOST for S seconds goes back
                         to the URL's host (default: it keeps trying HOST)
";

struct Config {
    root: PathBuf,
    max_size: Option<u64>,
    reply_command: Option<String>,
    allow_overwrite: bool,
    session_timeout: Duration,
    fragment_delay: Duration,
    /// BITS-Host-Id and BITS-Host-Id-Fallback-Timeout of each Create-Session Ack.
    host_id: Option<String>,
    host_id_fallback: Option<u64>,
}

/// One lock per session: its fragments are taken in order.
type Locks = Mutex<HashMap<String, Arc<Mutex<()>>>>;

fn main() {
    let mut root = None;
    let mut listen = "127.0.0.1:8080".to_string();
    let mut cfg = Config {
        root: PathBuf::new(),
        max_size: None,
        reply_command: None,
        allow_overwrite: false,
        session_timeout: Duration::from_secs(86_400),
        fragment_delay: Duration::ZERO,
        host_id: None,
        host_id_fallback: None,
    };
    let mut port_file = None;
    let mut args = std::env::args().skip(1);
    let fail = |m: &str| -> ! {
        eprintln!("deliveryopt-upload-server: {m}\n{USAGE}");
        std::process::exit(2)
    };
    while let Some(a) = args.next() {
        let mut value = || args.next().unwrap_or_else(|| fail(&format!("{a} needs a value")));
        match a.as_str() {
            "--root" => root = Some(PathBuf::from(value())),
            "--listen" => listen = value(),
            "--max-size" => cfg.max_size = Some(value().parse().unwrap_or_else(|_| fail("--max-size needs a number"))),
            "--reply-command" => cfg.reply_command = Some(value()),
            "--allow-overwrite" => cfg.allow_overwrite = true,
            "--session-timeout" => {
                cfg.session_timeout =
                    Duration::from_secs(value().parse().unwrap_or_else(|_| fail("--session-timeout needs a number")))
            }
            "--port-file" => port_file = Some(PathBuf::from(value())),
            "--fragment-delay-ms" => {
                cfg.fragment_delay = Duration::from_millis(
                    value().parse().unwrap_or_else(|_| fail("--fragment-delay-ms needs a number")),
                )
            }
            "--host-id" => {
                let h = value();
                if h.is_empty() || h.chars().any(|c| c.is_whitespace() || c.is_control() || "/?#@".contains(c)) {
                    fail("--host-id needs a host name or address, with an optional :PORT");
                }
                cfg.host_id = Some(h)
            }
            "--host-id-fallback-timeout" => {
                cfg.host_id_fallback =
                    Some(value().parse().unwrap_or_else(|_| fail("--host-id-fallback-timeout needs a number")))
            }
            "--help" | "-h" => {
                print!("{USAGE}");
                return;
            }
            other => fail(&format!("unknown argument {other}")),
        }
    }
    let root = root.unwrap_or_else(|| fail("--root is required"));
    if let Err(e) = fs::create_dir_all(root.join(SESSIONS)) {
        fail(&format!("{}: {e}", root.display()));
    }
    cfg.root = root.canonicalize().unwrap_or(root);
    let server = Server::http(&listen).unwrap_or_else(|e| fail(&format!("cannot listen on {listen}: {e}")));
    let port = server.server_addr().to_ip().map(|a| a.port()).unwrap_or(0);
    if let Some(f) = port_file {
        let tmp = f.with_extension("tmp");
        if fs::write(&tmp, format!("{port}\n")).and_then(|()| fs::rename(&tmp, &f)).is_err() {
            fail(&format!("cannot write {}", f.display()));
        }
    }
    eprintln!("deliveryopt-upload-server: serving {} on {listen} (port {port})", cfg.root.display());
    let cfg = Arc::new(cfg);
    let locks: Arc<Locks> = Arc::new(Mutex::new(HashMap::new()));
    let server = Arc::new(server);
    {
        let cfg = cfg.clone();
        std::thread::spawn(move || loop {
            std::thread::sleep(Duration::from_secs(60));
            expire(&cfg);
        });
    }
    let workers: Vec<_> = (0..8)
        .map(|_| {
            let (server, cfg, locks) = (server.clone(), cfg.clone(), locks.clone());
            std::thread::spawn(move || {
                while let Ok(req) = server.recv() {
                    serve(&cfg, &locks, req);
                }
            })
        })
        .collect();
    for w in workers {
        let _ = w.join();
    }
}

fn header(req: &Request, name: &str) -> Option<String> {
    req.headers()
        .iter()
        .find(|h| h.field.as_str().as_str().eq_ignore_ascii_case(name))
        .map(|h| h.value.as_str().trim().to_string())
}

fn h(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("a valid header")
}

/// An Ack with `headers`.
fn ack(status: u16, headers: &[(&str, String)]) -> Response<std::io::Empty> {
    let mut r = Response::empty(StatusCode(status)).with_header(h("BITS-Packet-Type", "Ack"));
    for (k, v) in headers {
        r = r.with_header(h(k, v));
    }
    r
}

/// A refusal: status, `BITS-Error-Code` and `BITS-Error-Context`.
fn refuse(status: u16, code: u32, context: u32) -> Response<std::io::Empty> {
    ack(status, &[("BITS-Error-Code", format!("{code:#x}")), ("BITS-Error-Context", format!("{context:#x}"))])
}

fn serve(cfg: &Config, locks: &Locks, mut req: Request) {
    let url_path = req.url().split('?').next().unwrap_or("").to_string();
    let method = req.method().clone();
    let response = match method {
        Method::NonStandard(ref m) if m.as_str() == "BITS_POST" => {
            let mut body = Vec::new();
            let limit = 64 * 1024 * 1024;
            if req.as_reader().take(limit + 1).read_to_end(&mut body).is_err() || body.len() as u64 > limit {
                let _ = req.respond(refuse(413, BG_E_TOO_LARGE, CONTEXT_REMOTE_FILE));
                return;
            }
            bits_post(cfg, locks, &req, &url_path, &body)
        }
        Method::Get | Method::Head if url_path.starts_with(REPLY_PATH) => {
            let _ = serve_reply(cfg, req, &url_path);
            return;
        }
        _ => Response::empty(StatusCode(405)).with_header(h("Allow", "BITS_POST")),
    };
    let _ = req.respond(response);
}

/// The file an upload URL names, inside the root.
fn target_of(cfg: &Config, url_path: &str) -> Option<PathBuf> {
    let decoded = percent_decode(url_path)?;
    let rel = Path::new(decoded.trim_start_matches('/'));
    let mut out = cfg.root.clone();
    let mut parts = 0;
    for c in rel.components() {
        match c {
            Component::Normal(n) if !n.to_string_lossy().starts_with(".bits") => {
                out.push(n);
                parts += 1;
            }
            _ => return None,
        }
    }
    (parts > 0).then_some(out)
}

fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = std::str::from_utf8(b.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    let s = String::from_utf8(out).ok()?;
    (!s.contains('\0')).then_some(s)
}

fn session_dir(cfg: &Config, id: &str) -> Option<PathBuf> {
    let inner = id.strip_prefix('{')?.strip_suffix('}')?;
    uuid::Uuid::parse_str(inner).ok()?;
    Some(cfg.root.join(SESSIONS).join(inner.to_ascii_lowercase()))
}

/// What a session is for, stored beside its bytes.
#[derive(serde::Serialize, serde::Deserialize)]
struct Meta {
    /// The upload's file, relative to the root.
    path: PathBuf,
    url_path: String,
    total: Option<u64>,
    complete: bool,
    reply: bool,
}

fn read_meta(dir: &Path) -> Option<Meta> {
    serde_json::from_slice(&fs::read(dir.join("meta.json")).ok()?).ok()
}

fn write_meta(dir: &Path, m: &Meta) -> std::io::Result<()> {
    let tmp = dir.join("meta.tmp");
    fs::write(&tmp, serde_json::to_vec(m)?)?;
    fs::rename(tmp, dir.join("meta.json"))
}

fn bits_post(cfg: &Config, locks: &Locks, req: &Request, url_path: &str, body: &[u8]) -> Response<std::io::Empty> {
    let packet = header(req, "BITS-Packet-Type").unwrap_or_default().to_ascii_lowercase();
    match packet.as_str() {
        "ping" => ack(200, &[]),
        "create-session" => create_session(cfg, req, url_path),
        "fragment" => {
            let id = header(req, "BITS-Session-Id").unwrap_or_default();
            let lock = locks.lock().unwrap_or_else(|e| e.into_inner()).entry(id.clone()).or_default().clone();
            let _one_at_a_time = lock.lock().unwrap_or_else(|e| e.into_inner());
            fragment(cfg, req, url_path, &id, body)
        }
        "close-session" | "cancel-session" => {
            let id = header(req, "BITS-Session-Id").unwrap_or_default();
            let Some(dir) = session_dir(cfg, &id).filter(|d| d.is_dir()) else {
                return refuse(400, BG_E_SESSION_NOT_FOUND, CONTEXT_REMOTE_FILE);
            };
            // A finished upload stays; the session's bytes and reply go.
            let _ = fs::remove_dir_all(&dir);
            locks.lock().unwrap_or_else(|e| e.into_inner()).remove(&id);
            eprintln!("deliveryopt-upload-server: {packet} {id}");
            ack(200, &[("BITS-Session-Id", id)])
        }
        _ => refuse(400, E_INVALIDARG, CONTEXT_REMOTE_FILE),
    }
}

fn create_session(cfg: &Config, req: &Request, url_path: &str) -> Response<std::io::Empty> {
    let offered = header(req, "BITS-Supported-Protocols").unwrap_or_default();
    if !offered.split_whitespace().any(|p| p.eq_ignore_ascii_case(PROTOCOL)) {
        return refuse(400, BG_E_CLIENT_SERVER_PROTOCOL_MISMATCH, CONTEXT_REMOTE_FILE);
    }
    let Some(target) = target_of(cfg, url_path) else { return refuse(400, E_ACCESSDENIED, CONTEXT_REMOTE_FILE) };
    if target.is_dir() || (target.exists() && !cfg.allow_overwrite) {
        return refuse(409, ERROR_ALREADY_EXISTS, CONTEXT_REMOTE_FILE);
    }
    let id = uuid::Uuid::new_v4();
    let dir = cfg.root.join(SESSIONS).join(id.to_string());
    let rel = target.strip_prefix(&cfg.root).unwrap_or(&target).to_path_buf();
    let meta = Meta { path: rel, url_path: url_path.to_string(), total: None, complete: false, reply: false };
    if fs::create_dir_all(&dir)
        .and_then(|()| File::create(dir.join("data")).map(drop))
        .and_then(|()| write_meta(&dir, &meta))
        .is_err()
    {
        return refuse(500, E_FAIL, CONTEXT_REMOTE_FILE);
    }
    let id = format!("{{{}}}", id.to_string().to_uppercase());
    eprintln!("deliveryopt-upload-server: session {id} for {url_path}");
    let mut headers =
        vec![("BITS-Protocol", PROTOCOL.to_string()), ("BITS-Session-Id", id), ("Accept-Encoding", "Identity".into())];
    if let Some(h) = &cfg.host_id {
        headers.push(("BITS-Host-Id", h.clone()));
        if let Some(s) = cfg.host_id_fallback {
            headers.push(("BITS-Host-Id-Fallback-Timeout", s.to_string()));
        }
    }
    ack(200, &headers)
}

/// `bytes a-b/t` → (a, b + 1, t); `bytes */0` → (0, 0, 0).
fn content_range(v: &str) -> Option<(u64, u64, u64)> {
    let (range, total) = v.trim().strip_prefix("bytes ")?.split_once('/')?;
    let total: u64 = total.trim().parse().ok()?;
    if range.trim() == "*" {
        return (total == 0).then_some((0, 0, 0));
    }
    let (a, b) = range.split_once('-')?;
    let (a, b): (u64, u64) = (a.trim().parse().ok()?, b.trim().parse().ok()?);
    (a <= b && b < total).then_some((a, b + 1, total))
}

fn fragment(cfg: &Config, req: &Request, url_path: &str, id: &str, body: &[u8]) -> Response<std::io::Empty> {
    let Some(dir) = session_dir(cfg, id).filter(|d| d.is_dir()) else {
        return refuse(400, BG_E_SESSION_NOT_FOUND, CONTEXT_REMOTE_FILE);
    };
    let Some(mut meta) = read_meta(&dir).filter(|m| m.url_path == url_path) else {
        return refuse(400, BG_E_SESSION_NOT_FOUND, CONTEXT_REMOTE_FILE);
    };
    let reply_url = |meta: &Meta| {
        meta.reply.then(|| format!("{REPLY_PATH}{}", dir.file_name().unwrap_or_default().to_string_lossy()))
    };
    let Some((first, end, total)) = header(req, "Content-Range").as_deref().and_then(content_range) else {
        return refuse(400, E_INVALIDARG, CONTEXT_REMOTE_FILE);
    };
    if end - first != body.len() as u64 || meta.total.is_some_and(|t| t != total) {
        return refuse(400, E_INVALIDARG, CONTEXT_REMOTE_FILE);
    }
    if cfg.max_size.is_some_and(|m| total > m) {
        return refuse(413, BG_E_TOO_LARGE, CONTEXT_REMOTE_FILE);
    }
    let data_path = dir.join("data");
    let received = fs::metadata(&data_path).map(|m| m.len()).unwrap_or(0);
    let with_id = |mut v: Vec<(&'static str, String)>| {
        v.push(("BITS-Session-Id", id.to_string()));
        v
    };
    if meta.complete {
        let mut hs = with_id(vec![("BITS-Received-Content-Range", total.to_string())]);
        if let Some(r) = reply_url(&meta) {
            hs.push(("BITS-Reply-URL", r));
        }
        return ack(200, &hs);
    }
    if first != received {
        return ack(416, &with_id(vec![("BITS-Received-Content-Range", received.to_string())]));
    }
    let written = OpenOptions::new().write(true).open(&data_path).and_then(|f| {
        f.write_all_at(body, first)?;
        if end == total {
            f.sync_all()?;
        }
        Ok(())
    });
    if written.is_err() {
        return refuse(500, E_FAIL, CONTEXT_REMOTE_FILE);
    }
    if meta.total.is_none() {
        meta.total = Some(total);
        let _ = write_meta(&dir, &meta);
    }
    if !cfg.fragment_delay.is_zero() {
        std::thread::sleep(cfg.fragment_delay);
    }
    if end < total {
        return ack(200, &with_id(vec![("BITS-Received-Content-Range", end.to_string())]));
    }
    // The last byte: the file appears under its name, then the reply is made.
    let target = cfg.root.join(&meta.path);
    if target.exists() && !cfg.allow_overwrite {
        return refuse(409, ERROR_ALREADY_EXISTS, CONTEXT_REMOTE_FILE);
    }
    // (The session's bytes are under the root, so this is a rename on one file system.)
    let placed = target.parent().map_or(Ok(()), fs::create_dir_all).and_then(|()| fs::rename(&data_path, &target));
    if let Err(e) = placed {
        eprintln!("deliveryopt-upload-server: cannot place {}: {e}", target.display());
        return refuse(500, E_FAIL, CONTEXT_REMOTE_FILE);
    }
    if let Some(cmd) = &cfg.reply_command {
        match run_reply(cmd, &target, id, url_path) {
            Ok(out) => {
                if fs::write(dir.join("reply"), out).is_err() {
                    return refuse(500, E_FAIL, CONTEXT_REMOTE_APPLICATION);
                }
                meta.reply = true;
            }
            Err(why) => {
                eprintln!("deliveryopt-upload-server: the reply command failed for {url_path}: {why}");
                // The application refused the upload: not a server fault a retry would mend.
                return refuse(400, E_FAIL, CONTEXT_REMOTE_APPLICATION);
            }
        }
    }
    meta.complete = true;
    let _ = write_meta(&dir, &meta);
    eprintln!("deliveryopt-upload-server: received {} ({total} bytes)", target.display());
    let mut hs = with_id(vec![("BITS-Received-Content-Range", total.to_string())]);
    if let Some(r) = reply_url(&meta) {
        hs.push(("BITS-Reply-URL", r));
    }
    ack(200, &hs)
}

/// Runs the reply command on the uploaded file; its standard output is the reply.
fn run_reply(cmd: &str, file: &Path, id: &str, url_path: &str) -> Result<Vec<u8>, String> {
    let input = File::open(file).map_err(|e| e.to_string())?;
    let out = std::process::Command::new("/bin/sh")
        .arg("-c")
        .arg(cmd)
        .env("BITS_UPLOAD_FILE", file)
        .env("BITS_SESSION_ID", id)
        .env("BITS_URL_PATH", url_path)
        .stdin(input)
        .stderr(std::process::Stdio::inherit())
        .output()
        .map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(format!("{}", out.status));
    }
    Ok(out.stdout)
}

/// GET of a reply (`Range: bytes=N-` answered with 206).
fn serve_reply(cfg: &Config, req: Request, url_path: &str) -> std::io::Result<()> {
    let name = &url_path[REPLY_PATH.len()..];
    let file = uuid::Uuid::parse_str(name)
        .ok()
        .map(|u| cfg.root.join(SESSIONS).join(u.to_string()).join("reply"))
        .and_then(|p| fs::read(p).ok());
    let Some(data) = file else { return req.respond(Response::empty(StatusCode(404))) };
    let from = header(&req, "Range")
        .and_then(|r| r.strip_prefix("bytes=").and_then(|r| r.strip_suffix('-')).and_then(|n| n.parse::<usize>().ok()));
    let etag = h("ETag", &format!("\"{:x}-{}\"", data.len(), name));
    match from {
        Some(n) if n < data.len() => {
            let range = format!("bytes {n}-{}/{}", data.len() - 1, data.len());
            req.respond(
                Response::from_data(data[n..].to_vec())
                    .with_status_code(206)
                    .with_header(h("Content-Range", &range))
                    .with_header(etag),
            )
        }
        _ => req.respond(Response::from_data(data).with_header(h("Accept-Ranges", "bytes")).with_header(etag)),
    }
}

/// Removes sessions idle longer than the timeout.
fn expire(cfg: &Config) {
    let Ok(entries) = fs::read_dir(cfg.root.join(SESSIONS)) else { return };
    for e in entries.flatten() {
        let idle = e
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| SystemTime::now().duration_since(t).ok())
            .unwrap_or_default();
        let touched = fs::metadata(e.path().join("data")).and_then(|m| m.modified()).ok();
        let idle = touched.and_then(|t| SystemTime::now().duration_since(t).ok()).map_or(idle, |d| d.min(idle));
        if idle > cfg.session_timeout {
            let _ = fs::remove_dir_all(e.path());
        }
    }
    let _ = std::io::stderr().flush();
}
