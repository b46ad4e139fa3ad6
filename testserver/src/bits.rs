//! The server side of the BITS Upload Protocol (`BITS_POST`), with faults for the client's tests.
//!
//! Sessions live in memory; a finished upload is kept by path ([`crate::Server::uploads`]). The
//! packets: Ping, Create-Session (the protocol GUID must be offered), Fragment (`Content-Range`
//! contiguous with what was received, else 416 with `BITS-Received-Content-Range`), Close-Session,
//! Cancel-Session. Faults, by query parameters of the upload URL (K counts the Fragments sent to
//! that request target, from 1):
//!
//! | parameter | effect |
//! | --- | --- |
//! | `bits_fail_status=S&bits_fail_count=K` | the first K Fragments get status S without BITS headers (a 5xx is transient) |
//! | `bits_drop_after=N&bits_drop_count=K` | the first K Fragments (default 1) keep only their first N bytes, and the connection closes without an answer |
//! | `bits_lose_at=K` | the K-th Fragment finds its session gone (`BG_E_SESSION_NOT_FOUND`): the client must start a new one |
//! | `bits_wrong_ack=D` | every Ack claims D bytes more than were received (past the end: an invalid answer) |
//! | `bits_no_protocol=1` | Create-Session answers 200 without any BITS header (not a BITS server) |
//! | `bits_error=HEX&bits_context=HEX&bits_error_status=S` | Create-Session is refused with that `BITS-Error-Code` (context default 5, status default 400) |
//! | `bits_reply_len=L` | the last Ack carries `BITS-Reply-URL: /gen/L/4242` (an upload-reply's reply) |
//! | `bits_host_id=H&bits_host_fallback=S` | the Create-Session Ack names host `H` (`BITS-Host-Id`, e.g. `localhost:8080`) and, if given, `BITS-Host-Id-Fallback-Timeout: S` |

use std::collections::HashMap;
use std::io::{self, Write};

use crate::http::{parse_query, reason, Request};
use crate::server::{lock, Shared};

/// The one protocol (BITS 1.5 upload).
pub const PROTOCOL: &str = "{7df0354d-249b-430f-820d-3d2a9bef4931}";

const BG_E_SESSION_NOT_FOUND: u32 = 0x8020_001F;
const BG_E_CLIENT_SERVER_PROTOCOL_MISMATCH: u32 = 0x8020_0022;

/// Every upload session and finished upload.
#[derive(Default)]
pub(crate) struct BitsState {
    sessions: HashMap<String, Session>,
    next: u64,
    /// Finished uploads by path.
    pub done: HashMap<String, Vec<u8>>,
    /// (session, packet) of every Close-Session and Cancel-Session received.
    pub ended: Vec<(String, String)>,
}

struct Session {
    path: String,
    data: Vec<u8>,
    total: Option<u64>,
    complete: bool,
}

/// Response headers of a packet.
type Headers = Vec<(&'static str, String)>;

/// What to do with the connection after a packet.
pub(crate) enum After {
    /// The answer was written; the connection may go on.
    KeepAlive,
    /// Close without an answer (a dropped fragment).
    Drop,
}

fn query_u64(q: &[(String, String)], k: &str) -> Option<u64> {
    q.iter().find(|(n, _)| n == k).and_then(|(_, v)| v.parse().ok())
}

fn query_hex(q: &[(String, String)], k: &str) -> Option<u32> {
    q.iter()
        .find(|(n, _)| n == k)
        .and_then(|(_, v)| u32::from_str_radix(v.trim_start_matches("0x").trim_start_matches("0X"), 16).ok())
}

fn answer(out: &mut dyn Write, status: u16, headers: &[(&str, String)]) -> io::Result<()> {
    let mut head =
        format!("HTTP/1.1 {status} {}\r\nServer: deliveryopt-testserver\r\nContent-Length: 0\r\n", reason(status));
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    out.write_all(head.as_bytes())?;
    out.flush()
}

fn refuse(out: &mut dyn Write, status: u16, hr: u32, context: u32) -> io::Result<After> {
    answer(
        out,
        status,
        &[
            ("BITS-Packet-Type", "Ack".into()),
            ("BITS-Error-Code", format!("{hr:#x}")),
            ("BITS-Error-Context", format!("{context:#x}")),
        ],
    )?;
    Ok(After::KeepAlive)
}

/// `bytes a-b/t` → (a, b + 1, t); `bytes */0` → (0, 0, 0).
fn content_range(v: &str) -> Option<(u64, u64, u64)> {
    let v = v.trim().strip_prefix("bytes ")?;
    let (range, total) = v.split_once('/')?;
    let total: u64 = total.trim().parse().ok()?;
    if range.trim() == "*" {
        return (total == 0).then_some((0, 0, 0));
    }
    let (a, b) = range.split_once('-')?;
    let (a, b): (u64, u64) = (a.trim().parse().ok()?, b.trim().parse().ok()?);
    (a <= b && b < total).then_some((a, b + 1, total))
}

/// Answers one `BITS_POST` (its body already read).
pub(crate) fn handle(shared: &Shared, out: &mut dyn Write, req: &Request, body: &[u8]) -> io::Result<After> {
    let q = parse_query(&req.query);
    let packet = req.header("bits-packet-type").unwrap_or("").to_ascii_lowercase();
    let ack = |extra: Vec<(&'static str, String)>| {
        let mut h = vec![("BITS-Packet-Type", "Ack".to_string())];
        h.extend(extra);
        h
    };
    match packet.as_str() {
        "ping" => {
            answer(out, 200, &ack(vec![]))?;
            Ok(After::KeepAlive)
        }
        "create-session" => {
            if query_u64(&q, "bits_no_protocol") == Some(1) {
                answer(out, 200, &[])?;
                return Ok(After::KeepAlive);
            }
            if let Some(hr) = query_hex(&q, "bits_error") {
                let status = query_u64(&q, "bits_error_status").unwrap_or(400) as u16;
                return refuse(out, status, hr, query_hex(&q, "bits_context").unwrap_or(5));
            }
            let offered = req.header("bits-supported-protocols").unwrap_or("");
            if !offered.split_whitespace().any(|p| p.eq_ignore_ascii_case(PROTOCOL)) {
                return refuse(out, 400, BG_E_CLIENT_SERVER_PROTOCOL_MISMATCH, 5);
            }
            let id = {
                let mut st = lock(&shared.bits);
                st.next += 1;
                let id = format!("{{5E55{:04X}-0000-4000-8000-{:012X}}}", st.next & 0xFFFF, st.next);
                st.sessions.insert(
                    id.clone(),
                    Session { path: req.path.clone(), data: Vec::new(), total: None, complete: false },
                );
                id
            };
            let mut headers = ack(vec![("BITS-Protocol", PROTOCOL.into()), ("BITS-Session-Id", id)]);
            if let Some((_, host)) = q.iter().find(|(k, _)| k == "bits_host_id") {
                headers.push(("BITS-Host-Id", host.clone()));
                if let Some(s) = query_u64(&q, "bits_host_fallback") {
                    headers.push(("BITS-Host-Id-Fallback-Timeout", s.to_string()));
                }
            }
            answer(out, 200, &headers)?;
            Ok(After::KeepAlive)
        }
        "fragment" => {
            let n = shared.count(&format!("BITS-Fragment {}", req.target));
            fragment(shared, out, req, body, &q, n, &ack)
        }
        "close-session" | "cancel-session" => {
            let id = req.header("bits-session-id").unwrap_or("").to_string();
            let mut st = lock(&shared.bits);
            st.ended.push((id.clone(), req.header("bits-packet-type").unwrap_or("").to_string()));
            st.sessions.remove(&id);
            drop(st);
            answer(out, 200, &ack(vec![("BITS-Session-Id", id)]))?;
            Ok(After::KeepAlive)
        }
        _ => {
            answer(out, 400, &[])?;
            Ok(After::KeepAlive)
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn fragment(
    shared: &Shared,
    out: &mut dyn Write,
    req: &Request,
    body: &[u8],
    q: &[(String, String)],
    n: u64,
    ack: &dyn Fn(Headers) -> Headers,
) -> io::Result<After> {
    if let Some(status) = query_u64(q, "bits_fail_status") {
        if n <= query_u64(q, "bits_fail_count").unwrap_or(u64::MAX) {
            answer(out, status as u16, &[])?;
            return Ok(After::KeepAlive);
        }
    }
    let id = req.header("bits-session-id").unwrap_or("").to_string();
    let mut st = lock(&shared.bits);
    if query_u64(q, "bits_lose_at") == Some(n) {
        st.sessions.remove(&id);
    }
    let Some(s) = st.sessions.get_mut(&id) else {
        drop(st);
        return refuse(out, 400, BG_E_SESSION_NOT_FOUND, 5);
    };
    let Some((first, end, total)) = req.header("content-range").and_then(content_range) else {
        drop(st);
        answer(out, 400, &[])?;
        return Ok(After::KeepAlive);
    };
    let wrong = query_u64(q, "bits_wrong_ack").unwrap_or(0);
    let reply = query_u64(q, "bits_reply_len").map(|l| format!("/gen/{l}/4242"));
    let received = s.data.len() as u64;
    if s.complete || first != received || s.total.is_some_and(|t| t != total) || end - first != body.len() as u64 {
        let mut h =
            ack(vec![("BITS-Session-Id", id.clone()), ("BITS-Received-Content-Range", (received + wrong).to_string())]);
        if s.complete {
            // The whole file is here already: the last Ack again, for a client that missed it.
            if let Some(r) = reply {
                h.push(("BITS-Reply-URL", r));
            }
            drop(st);
            answer(out, 200, &h)?;
        } else {
            drop(st);
            answer(out, 416, &h)?;
        }
        return Ok(After::KeepAlive);
    }
    s.total = Some(total);
    if let Some(keep) = query_u64(q, "bits_drop_after") {
        if n <= query_u64(q, "bits_drop_count").unwrap_or(1) {
            let keep = (keep as usize).min(body.len());
            s.data.extend_from_slice(&body[..keep]);
            return Ok(After::Drop);
        }
    }
    s.data.extend_from_slice(body);
    let received = s.data.len() as u64;
    let mut h = ack(vec![("BITS-Session-Id", id), ("BITS-Received-Content-Range", (received + wrong).to_string())]);
    if received == total {
        s.complete = true;
        let (path, data) = (s.path.clone(), s.data.clone());
        st.done.insert(path, data);
        if let Some(r) = reply {
            h.push(("BITS-Reply-URL", r));
        }
    }
    drop(st);
    answer(out, 200, &h)?;
    Ok(After::KeepAlive)
}
