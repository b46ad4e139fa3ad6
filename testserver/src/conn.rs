//! One connection: read request heads, decide, write (mis)behaving responses.

use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::os::unix::io::AsRawFd;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rustls::{ServerConnection, StreamOwned};

use crate::auth::AuthSpec;
use crate::http::{
    http_date, parse_head, parse_http_date, parse_query, parse_range, percent_decode, reason, resolve_range, Request,
    MAX_HEAD,
};
use crate::server::{now_secs, Body, Resource, Shared};
use crate::{RangeHeader, RequestLog};

/// Largest request body read and discarded.
const MAX_REQUEST_BODY: u64 = 16 * 1024 * 1024;
/// Default chunk / write size of bodies.
const CHUNK: usize = 64 * 1024;

enum Stream {
    Plain(TcpStream),
    Tls(Box<StreamOwned<ServerConnection, TcpStream>>),
}

impl Stream {
    fn tcp(&self) -> &TcpStream {
        match self {
            Stream::Plain(s) => s,
            Stream::Tls(s) => &s.sock,
        }
    }
}

impl Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Stream::Plain(s) => s.read(buf),
            Stream::Tls(s) => s.read(buf),
        }
    }
}

impl Write for Stream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Stream::Plain(s) => s.write(buf),
            Stream::Tls(s) => s.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Stream::Plain(s) => s.flush(),
            Stream::Tls(s) => s.flush(),
        }
    }
}

/// What happens to the connection after a response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Next {
    KeepAlive,
    /// Orderly close (TLS close_notify, FIN).
    Close,
    /// Close without close_notify (FIN).
    Abort,
    /// Abort with RST.
    AbortRst,
}

enum HeadError {
    Io,
    TooLong(u16),
}

/// Serves one accepted connection until it closes or the server stops.
pub(crate) fn serve(shared: &Arc<Shared>, tcp: TcpStream, conn_id: u64) {
    let _ = tcp.set_nodelay(true);
    let _ = tcp.set_read_timeout(Some(shared.idle_timeout));
    let mut stream = match &shared.tls {
        None => Stream::Plain(tcp),
        Some(cfg) => match ServerConnection::new(cfg.clone()) {
            Ok(c) => Stream::Tls(Box::new(StreamOwned::new(c, tcp))),
            Err(_) => return,
        },
    };
    let tls = shared.tls.is_some();
    let mut buf: Vec<u8> = Vec::new();
    loop {
        if shared.stopping.load(Ordering::SeqCst) {
            break;
        }
        let head = match read_head(&mut stream, &mut buf) {
            Ok(Some(h)) => h,
            Ok(None) | Err(HeadError::Io) => break,
            Err(HeadError::TooLong(status)) => {
                let _ = write_simple_raw(&mut stream, status, "request head too long\n");
                finish(&mut stream, Next::Close);
                return;
            }
        };
        let req = match parse_head(&head) {
            Ok(r) => r,
            Err(why) => {
                let _ = write_simple_raw(&mut stream, 400, &format!("{why}\n"));
                finish(&mut stream, Next::Close);
                return;
            }
        };
        // A BITS upload packet: its body is the fragment.
        if req.method == "BITS_POST" {
            let n = req.header("content-length").and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
            if n > MAX_REQUEST_BODY || req.header("transfer-encoding").is_some() {
                let _ = write_simple_raw(&mut stream, 413, "request body refused\n");
                finish(&mut stream, Next::Close);
                return;
            }
            let Ok(body) = read_body(&mut stream, &mut buf, n) else { break };
            log_request(shared, &req, conn_id, tls, None);
            match crate::bits::handle(shared, &mut stream, &req, &body) {
                Ok(crate::bits::After::KeepAlive) => continue,
                Ok(crate::bits::After::Drop) | Err(_) => {
                    finish(&mut stream, Next::Abort);
                    return;
                }
            }
        }
        // Discard a request body.
        let mut body_ok = true;
        if req.header("transfer-encoding").is_some() {
            let _ = write_simple_raw(&mut stream, 501, "chunked request bodies unsupported\n");
            finish(&mut stream, Next::Close);
            return;
        }
        if let Some(cl) = req.header("content-length") {
            match cl.parse::<u64>() {
                Ok(n) if n <= MAX_REQUEST_BODY => {
                    if discard(&mut stream, &mut buf, n).is_err() {
                        break;
                    }
                }
                _ => body_ok = false,
            }
        }
        if !body_ok {
            let _ = write_simple_raw(&mut stream, 413, "request body refused\n");
            finish(&mut stream, Next::Close);
            return;
        }
        let next = handle(shared, &mut stream, &req, conn_id, tls);
        if next != Next::KeepAlive {
            finish(&mut stream, next);
            return;
        }
    }
    finish(&mut stream, Next::Close);
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Reads one request head out of `buf` + the stream; leftover bytes stay in `buf`.
fn read_head(stream: &mut Stream, buf: &mut Vec<u8>) -> Result<Option<Vec<u8>>, HeadError> {
    let mut tmp = [0u8; 8192];
    loop {
        // Blank lines before a request line are allowed.
        let skip = buf.iter().position(|&c| c != b'\r' && c != b'\n').unwrap_or(buf.len());
        buf.drain(..skip);
        if let Some(pos) = find(buf, b"\r\n\r\n") {
            if pos + 4 > MAX_HEAD {
                return Err(too_long(buf));
            }
            let head: Vec<u8> = buf.drain(..pos + 4).collect();
            return Ok(Some(head));
        }
        if buf.len() > MAX_HEAD {
            return Err(too_long(buf));
        }
        match stream.read(&mut tmp) {
            Ok(0) => return if buf.is_empty() { Ok(None) } else { Err(HeadError::Io) },
            Ok(n) => buf.extend_from_slice(&tmp[..n]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => return Err(HeadError::Io),
        }
    }
}

fn too_long(buf: &[u8]) -> HeadError {
    match find(buf, b"\r\n") {
        Some(p) if p <= MAX_HEAD => HeadError::TooLong(431),
        _ => HeadError::TooLong(414),
    }
}

/// Reads a request body of `n` bytes (the part already in `buf` first).
fn read_body(stream: &mut Stream, buf: &mut Vec<u8>, n: u64) -> io::Result<Vec<u8>> {
    let from_buf = (n as usize).min(buf.len());
    let mut body: Vec<u8> = buf.drain(..from_buf).collect();
    let mut tmp = [0u8; 65536];
    while (body.len() as u64) < n {
        let want = ((n - body.len() as u64) as usize).min(tmp.len());
        let got = stream.read(&mut tmp[..want])?;
        if got == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        body.extend_from_slice(&tmp[..got]);
    }
    Ok(body)
}

fn discard(stream: &mut Stream, buf: &mut Vec<u8>, n: u64) -> io::Result<()> {
    let from_buf = (n as usize).min(buf.len());
    buf.drain(..from_buf);
    let mut left = n - from_buf as u64;
    let mut tmp = [0u8; 8192];
    while left > 0 {
        let want = (left as usize).min(tmp.len());
        let got = stream.read(&mut tmp[..want])?;
        if got == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        left -= got as u64;
    }
    Ok(())
}

/// Ends a connection the way `next` says.
fn finish(stream: &mut Stream, next: Next) {
    match next {
        Next::KeepAlive | Next::Close => {
            if let Stream::Tls(s) = stream {
                s.conn.send_close_notify();
            }
            let _ = stream.flush();
            let _ = stream.tcp().shutdown(Shutdown::Write);
        }
        Next::Abort => {
            let _ = stream.flush();
            let _ = stream.tcp().shutdown(Shutdown::Write);
        }
        Next::AbortRst => {
            let _ = stream.flush();
            let fd = stream.tcp().as_raw_fd();
            // Let the data already written leave before the RST discards the send queue.
            let until = Instant::now() + Duration::from_secs(2);
            while Instant::now() < until {
                let mut queued: libc::c_int = 0;
                // SAFETY: TIOCOUTQ writes one c_int.
                let r = unsafe { libc::ioctl(fd, libc::TIOCOUTQ, &mut queued) };
                if r != 0 || queued == 0 {
                    break;
                }
                std::thread::sleep(Duration::from_millis(2));
            }
            let l = libc::linger { l_onoff: 1, l_linger: 0 };
            // SAFETY: a valid linger struct of the size given.
            unsafe {
                libc::setsockopt(
                    fd,
                    libc::SOL_SOCKET,
                    libc::SO_LINGER,
                    &l as *const libc::linger as *const libc::c_void,
                    std::mem::size_of::<libc::linger>() as libc::socklen_t,
                );
            }
        }
    }
}

/// Writes a minimal response outside of any request context (errors of framing).
fn write_simple_raw(stream: &mut Stream, status: u16, body: &str) -> io::Result<()> {
    let head = format!(
        "HTTP/1.1 {status} {}\r\nDate: {}\r\nServer: deliveryopt-testserver\r\n\
         Content-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        reason(status),
        http_date(now_secs()),
        body.len()
    );
    stream.write_all(head.as_bytes())?;
    stream.write_all(body.as_bytes())?;
    stream.flush()
}

/// The fault-injection parameters of a request.
#[derive(Debug, Default)]
struct Faults {
    delay_headers_ms: Option<u64>,
    headers: Vec<(String, String)>,
    close: bool,
    auth: Option<AuthSpec>,
    fail_status: Option<u16>,
    fail_count: Option<u64>,
    status: Option<u16>,
    redirect: Option<String>,
    redirect_status: u16,
    redirect_count: u64,
    change_after: Option<u64>,
    change_len: Option<u64>,
    change_seed: Option<u64>,
    ignore_range: bool,
    no_ranges: bool,
    any_method: bool,
    lie_length: Option<u64>,
    no_length: bool,
    chunked: bool,
    chunk_size: usize,
    drop_after: Option<u64>,
    drop_rst: bool,
    stall_after: Option<u64>,
    stall_ms: Option<u64>,
    trickle_bps: Option<u64>,
    max_active: Option<u64>,
    no_validators: bool,
}

impl Faults {
    fn parse(q: &[(String, String)]) -> Result<Faults, String> {
        let get = |name: &str| q.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
        let num = |name: &str| -> Result<Option<u64>, String> {
            match get(name) {
                None => Ok(None),
                Some(v) => v.trim().parse::<u64>().map(Some).map_err(|_| format!("bad number for {name}: {v:?}")),
            }
        };
        let status = |name: &str| -> Result<Option<u16>, String> {
            match num(name)? {
                None => Ok(None),
                Some(s) if (100..=999).contains(&s) => Ok(Some(s as u16)),
                Some(s) => Err(format!("bad status for {name}: {s}")),
            }
        };
        let flag = |name: &str| {
            get(name).is_some_and(|v| !matches!(v.to_ascii_lowercase().as_str(), "0" | "false" | "no" | "off"))
        };
        let mut headers = Vec::new();
        for (k, v) in q.iter().filter(|(k, _)| k == "header") {
            let (n, val) = v.split_once(':').ok_or_else(|| format!("header= needs Name:Value, got {v:?}"))?;
            let n = n.trim();
            if n.is_empty() || n.bytes().any(|c| c <= b' ' || c == b':' || c >= 0x7f) || val.contains(['\r', '\n']) {
                return Err(format!("bad {k}= value {v:?}"));
            }
            headers.push((n.to_string(), val.trim().to_string()));
        }
        let auth = match get("auth") {
            None => None,
            Some(v) => Some(
                AuthSpec::parse(v)
                    .ok_or_else(|| format!("auth= needs basic:user:pass or digest:user:pass, got {v:?}"))?,
            ),
        };
        let chunk_size = match num("chunk_size")? {
            None => CHUNK,
            Some(0) => return Err("chunk_size must be > 0".into()),
            Some(n) => (n as usize).min(CHUNK),
        };
        if let Some(0) = num("trickle_bps")? {
            return Err("trickle_bps must be > 0".into());
        }
        Ok(Faults {
            delay_headers_ms: num("delay_headers_ms")?,
            headers,
            close: flag("close"),
            auth,
            fail_status: status("fail_status")?,
            fail_count: num("fail_count")?,
            status: status("status")?,
            redirect: get("redirect").filter(|v| !v.is_empty()).map(str::to_string),
            redirect_status: status("redirect_status")?.unwrap_or(302),
            redirect_count: num("redirect_count")?.unwrap_or(0),
            change_after: num("change_after")?,
            change_len: num("change_len")?,
            change_seed: num("change_seed")?,
            ignore_range: flag("ignore_range"),
            any_method: flag("any_method"),
            no_ranges: flag("no_ranges"),
            lie_length: num("lie_length")?,
            no_length: flag("no_length"),
            chunked: flag("chunked"),
            chunk_size,
            drop_after: num("drop_after")?,
            drop_rst: flag("drop_rst"),
            stall_after: num("stall_after")?,
            stall_ms: num("stall_ms")?,
            trickle_bps: num("trickle_bps")?,
            max_active: num("max_active")?,
            no_validators: flag("no_validators"),
        })
    }
}

/// Per-request context.
struct Ctx<'a> {
    shared: &'a Shared,
    req: &'a Request,
    faults: Faults,
    seq: u64,
    head_only: bool,
    keep_alive: bool,
}

impl Ctx<'_> {
    fn set_status(&self, status: u16) {
        self.shared.update_log(self.seq, |e| e.status = status);
        if self.shared.log_to_stderr {
            eprintln!("[testserver] {} {} {} -> {status}", self.seq, self.req.method, self.req.target);
        }
    }

    /// Writes a status line and headers (plus the common and `header=` ones).
    fn write_head(
        &self,
        stream: &mut Stream,
        status: u16,
        headers: &[(String, String)],
        close: bool,
    ) -> io::Result<()> {
        self.set_status(status);
        let mut h = format!(
            "HTTP/1.1 {status} {}\r\nDate: {}\r\nServer: deliveryopt-testserver\r\n",
            reason(status),
            http_date(now_secs())
        );
        for (n, v) in headers.iter().chain(self.faults.headers.iter()) {
            h.push_str(n);
            h.push_str(": ");
            h.push_str(v);
            h.push_str("\r\n");
        }
        h.push_str(if close { "Connection: close\r\n\r\n" } else { "Connection: keep-alive\r\n\r\n" });
        stream.write_all(h.as_bytes())?;
        stream.flush()
    }

    /// A short text response.
    fn simple(
        &self,
        stream: &mut Stream,
        status: u16,
        mut headers: Vec<(String, String)>,
        body: &str,
    ) -> io::Result<Next> {
        let no_body = status < 200 || status == 204 || status == 304;
        if !no_body {
            headers.push(("Content-Type".into(), "text/plain; charset=utf-8".into()));
            headers.push(("Content-Length".into(), body.len().to_string()));
        }
        let close = !self.keep_alive;
        self.write_head(stream, status, &headers, close)?;
        if !no_body && !self.head_only {
            self.shared.update_log(self.seq, |e| e.body_bytes_sent += body.len() as u64);
            stream.write_all(body.as_bytes())?;
            stream.flush()?;
        }
        Ok(if close { Next::Close } else { Next::KeepAlive })
    }
}

fn h(n: &str, v: impl Into<String>) -> (String, String) {
    (n.to_string(), v.into())
}

/// Records a request in the log as soon as its head is parsed; returns its sequence number.
fn log_request(shared: &Shared, req: &Request, conn_id: u64, tls: bool, range: Option<RangeHeader>) -> u64 {
    shared.push_log(RequestLog {
        seq: 0,
        conn_id,
        tls,
        method: req.method.clone(),
        target: req.target.clone(),
        path: req.path.clone(),
        query: req.query.clone(),
        version: req.version.clone(),
        headers: req.headers.clone(),
        range,
        status: 0,
        body_bytes_sent: 0,
    })
}

/// Handles one request; says what to do with the connection next.
fn handle(shared: &Shared, stream: &mut Stream, req: &Request, conn_id: u64, tls: bool) -> Next {
    let range = req.header("range").map(parse_range);
    let seq = log_request(shared, req, conn_id, tls, range.clone());
    let n = shared.count(&req.target);
    let query = parse_query(&req.query);
    let head_only = req.method == "HEAD";
    let (faults, bad) = match Faults::parse(&query) {
        Ok(f) => (f, None),
        Err(e) => (Faults::default(), Some(e)),
    };
    let mut ctx = Ctx { shared, req, keep_alive: req.keep_alive() && !faults.close, faults, seq, head_only };
    if let Some(why) = bad {
        ctx.keep_alive = false;
        return ctx.simple(stream, 400, Vec::new(), &format!("{why}\n")).unwrap_or(Next::Abort);
    }
    // `max_active`: a server that answers at most that many requests for the target at once.
    let _active = match ctx.faults.max_active {
        Some(max) => match shared.enter(&req.target, max) {
            Some(guard) => Some(guard),
            None => {
                return ctx
                    .simple(stream, 503, vec![h("Retry-After", "1")], "too many requests for this target at once\n")
                    .unwrap_or(Next::Abort)
            }
        },
        None => None,
    };
    respond(&ctx, stream, n, range).unwrap_or(Next::Abort)
}

fn respond(ctx: &Ctx<'_>, stream: &mut Stream, n: u64, range: Option<RangeHeader>) -> io::Result<Next> {
    let f = &ctx.faults;
    let req = ctx.req;
    if let Some(ms) = f.delay_headers_ms {
        if !ctx.shared.sleep_ms(ms) {
            return Ok(Next::Abort);
        }
    }
    if let Some(spec) = &f.auth {
        let ok = ctx.shared.verifier.check(spec, req.header("authorization"), &req.method, &req.target);
        if !ok {
            let challenge = ctx.shared.verifier.challenge(spec);
            return ctx.simple(stream, 401, vec![h("WWW-Authenticate", challenge)], "authentication required\n");
        }
    }
    if let Some(status) = f.fail_status {
        if f.fail_count.is_none_or(|k| n <= k) {
            return ctx.simple(
                stream,
                status,
                Vec::new(),
                &format!("injected failure {n}: {status} {}\n", reason(status)),
            );
        }
    }
    if let Some(status) = f.status {
        return ctx.simple(stream, status, Vec::new(), &format!("{status} {}\n", reason(status)));
    }
    if f.redirect_count > 0 {
        let q: Vec<String> = req
            .query
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| {
                let name = percent_decode(p.split('=').next().unwrap_or(""));
                if name == "redirect_count" {
                    format!("redirect_count={}", f.redirect_count - 1)
                } else {
                    p.to_string()
                }
            })
            .collect();
        let location = format!("{}?{}", req.path, q.join("&"));
        return ctx.simple(
            stream,
            f.redirect_status,
            vec![h("Location", location.clone())],
            &format!("redirecting to {location}\n"),
        );
    }
    if let Some(target) = &f.redirect {
        return ctx.simple(
            stream,
            f.redirect_status,
            vec![h("Location", target.clone())],
            &format!("redirecting to {target}\n"),
        );
    }
    let Some(res) = ctx.shared.lookup(&percent_decode(&req.path)) else {
        return ctx.simple(stream, 404, Vec::new(), "not found\n");
    };
    if !f.any_method && req.method != "GET" && req.method != "HEAD" {
        return ctx.simple(stream, 405, vec![h("Allow", "GET, HEAD")], "GET or HEAD only\n");
    }
    let res: Arc<Resource> = match f.change_after {
        Some(k) if n > k => {
            let seed = f.change_seed.unwrap_or(match res.body {
                Body::Gen { seed, .. } => seed.wrapping_add(1),
                _ => 0xC0FFEE,
            });
            let len = f.change_len.unwrap_or(res.len());
            Arc::new(Resource {
                body: Body::Gen { seed, len },
                etag: format!("\"{}-changed-{seed}-{len}\"", res.etag.trim_matches('"')),
                last_modified: res.last_modified + 60,
            })
        }
        _ => res,
    };
    send_resource(ctx, stream, &res, range)
}

/// Whether an `If-None-Match` list matches `etag` (weak comparison).
fn none_match(list: &str, etag: &str) -> bool {
    let bare = etag.trim_start_matches("W/");
    list.split(',').any(|t| {
        let t = t.trim();
        t == "*" || t.trim_start_matches("W/") == bare
    })
}

/// Whether an `If-Range` value still matches the representation.
fn if_range_matches(v: &str, res: &Resource) -> bool {
    let v = v.trim();
    if v.starts_with("W/") {
        false
    } else if v.starts_with('"') {
        v == res.etag
    } else {
        parse_http_date(v) == Some(res.last_modified)
    }
}

fn send_resource(ctx: &Ctx<'_>, stream: &mut Stream, res: &Resource, range: Option<RangeHeader>) -> io::Result<Next> {
    let f = &ctx.faults;
    let req = ctx.req;
    let len = res.len();
    let validators = if f.no_validators {
        Vec::new()
    } else {
        vec![h("ETag", res.etag.clone()), h("Last-Modified", http_date(res.last_modified))]
    };
    let not_modified = match req.header("if-none-match") {
        Some(list) => none_match(list, &res.etag),
        None => req.header("if-modified-since").and_then(parse_http_date).is_some_and(|t| res.last_modified <= t),
    };
    if not_modified {
        return ctx.simple(stream, 304, validators, "");
    }
    let advertise = !(f.no_ranges || f.no_length);
    let honour = advertise && !f.ignore_range;
    let mut status = 200;
    let (mut first, mut end) = (0u64, len);
    let mut headers = vec![h("Content-Type", "application/octet-stream")];
    headers.extend(validators);
    if advertise {
        headers.push(h("Accept-Ranges", "bytes"));
    }
    if let (true, Some(RangeHeader::Single(r))) = (honour, range) {
        let current = req.header("if-range").is_none_or(|v| if_range_matches(v, res));
        if current {
            match resolve_range(r, len) {
                Some((a, b)) => {
                    status = 206;
                    first = a;
                    end = b + 1;
                    headers.push(h("Content-Range", format!("bytes {a}-{b}/{len}")));
                }
                None => {
                    let mut hs = headers;
                    hs.push(h("Content-Range", format!("bytes */{len}")));
                    hs.retain(|(n, _)| n != "Content-Type");
                    return ctx.simple(stream, 416, hs, "range not satisfiable\n");
                }
            }
        }
    }
    let mut close = !ctx.keep_alive || f.drop_after.is_some();
    let mut chunked = false;
    if let Some(lie) = f.lie_length {
        headers.push(h("Content-Length", lie.to_string()));
        close = true;
    } else if f.no_length || (f.chunked && !req.is_http11()) {
        close = true;
    } else if f.chunked {
        headers.push(h("Transfer-Encoding", "chunked"));
        chunked = true;
    } else {
        headers.push(h("Content-Length", (end - first).to_string()));
    }
    ctx.write_head(stream, status, &headers, close)?;
    if ctx.head_only {
        return Ok(if close { Next::Close } else { Next::KeepAlive });
    }
    let outcome = send_body(ctx, stream, res, first, end, chunked)?;
    Ok(match outcome {
        BodyEnd::Dropped if f.drop_rst => Next::AbortRst,
        BodyEnd::Dropped => Next::Abort,
        BodyEnd::Complete if f.drop_after.is_some() => {
            if f.drop_rst {
                Next::AbortRst
            } else {
                Next::Abort
            }
        }
        BodyEnd::Complete if close => Next::Close,
        BodyEnd::Complete => Next::KeepAlive,
    })
}

enum BodyEnd {
    Complete,
    Dropped,
}

/// Sends body bytes `first..end` of `res`, applying drop/stall/trickle faults.
fn send_body(
    ctx: &Ctx<'_>,
    stream: &mut Stream,
    res: &Resource,
    first: u64,
    end: u64,
    chunked: bool,
) -> io::Result<BodyEnd> {
    let f = &ctx.faults;
    let reader = res.reader()?;
    let total = end - first;
    let mut sent = 0u64;
    let mut stalled = false;
    let mut buf = vec![0u8; f.chunk_size + 32];
    let started = Instant::now();
    loop {
        if f.drop_after.is_some_and(|d| sent >= d) {
            stream.flush()?;
            return Ok(BodyEnd::Dropped);
        }
        if !stalled && f.stall_after.is_some_and(|s| sent >= s) {
            stalled = true;
            stream.flush()?;
            match f.stall_ms {
                Some(ms) => {
                    if !ctx.shared.sleep_ms(ms) {
                        return Ok(BodyEnd::Dropped);
                    }
                }
                None => {
                    wait_until_gone(ctx.shared, stream);
                    return Ok(BodyEnd::Dropped);
                }
            }
        }
        if sent >= total {
            break;
        }
        let mut n = (total - sent).min(f.chunk_size as u64);
        if let Some(d) = f.drop_after {
            n = n.min(d - sent);
        }
        if let (false, Some(s)) = (stalled, f.stall_after) {
            n = n.min(s - sent);
        }
        if let Some(bps) = f.trickle_bps {
            n = n.min((bps / 20).max(1));
            let due = started + Duration::from_secs_f64(sent as f64 / bps as f64);
            let now = Instant::now();
            if due > now && !ctx.shared.sleep_ms((due - now).as_millis() as u64) {
                return Ok(BodyEnd::Dropped);
            }
        }
        let n = n as usize;
        let out: &[u8] = if chunked {
            let prefix = format!("{n:x}\r\n");
            let p = prefix.len();
            buf[..p].copy_from_slice(prefix.as_bytes());
            reader.read_at(first + sent, &mut buf[p..p + n])?;
            buf[p + n..p + n + 2].copy_from_slice(b"\r\n");
            &buf[..p + n + 2]
        } else {
            reader.read_at(first + sent, &mut buf[..n])?;
            &buf[..n]
        };
        ctx.shared.update_log(ctx.seq, |e| e.body_bytes_sent += n as u64);
        stream.write_all(out)?;
        sent += n as u64;
        if ctx.shared.stopping.load(Ordering::SeqCst) {
            return Ok(BodyEnd::Dropped);
        }
    }
    if chunked {
        stream.write_all(b"0\r\n\r\n")?;
    }
    stream.flush()?;
    Ok(BodyEnd::Complete)
}

/// Waits (for an endless stall) until the peer closes or the server stops. Whatever the
/// peer sends meanwhile is discarded: the connection is closed afterwards anyway.
fn wait_until_gone(shared: &Shared, stream: &Stream) {
    let tcp = stream.tcp();
    let mut scratch = [0u8; 4096];
    loop {
        if shared.stopping.load(Ordering::SeqCst) {
            return;
        }
        if tcp.set_nonblocking(true).is_err() {
            return;
        }
        let gone = loop {
            match (&*tcp).read(&mut scratch) {
                Ok(0) => break true,
                Ok(_) => continue,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => break false,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(_) => break true,
            }
        };
        let _ = tcp.set_nonblocking(false);
        if gone {
            return;
        }
        std::thread::sleep(Duration::from_millis(25));
    }
}
