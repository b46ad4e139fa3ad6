//! A misbehaving HTTP/1.1 + HTTPS test server for deliveryopt's transfer engine.
//!
//! The server binds **127.0.0.1 only**, runs one thread per connection (keep-alive
//! supported) and writes every response by hand on the socket, so that it can misbehave
//! at byte level: drop the connection after N body bytes, stall, lie about the length,
//! fail N times, change the content between requests, redirect, ask for credentials...
//! What it does is chosen **per request by query parameters**, so one server serves every
//! behaviour at once.
//!
//! # Library use
//!
//! ```no_run
//! use testserver::{content, Options, Server};
//!
//! let server = Server::start(Options::default()).unwrap();
//! server.add_file("/a.bin", content(1, 1000));
//! let url = server.url("/gen/1000000/7?drop_after=300000");
//! // ... point the engine at `url` ...
//! let log = server.requests();
//! assert_eq!(log[0].body_bytes_sent, 300_000);
//! // Dropping `server` (or `server.stop()`) closes the listener, shuts every
//! // connection down and joins all threads.
//! ```
//!
//! With `Options { tls: true, .. }` the server speaks HTTPS only, with a certificate for
//! `localhost` and `127.0.0.1` signed by a CA made at start-up; [`Server::ca_pem_path`]
//! is that CA as a PEM file (for `SSL_CERT_FILE` or a client's root store) and
//! [`Server::ca_pem`] the same text. [`Server::url`] always uses `127.0.0.1`.
//! [`Options::cert`] chooses a deliberately wrong certificate instead ([`CertKind`]: wrong
//! name, expired, client-only usage); [`Server::leaf_der`] is the certificate the server sends
//! and [`Server::crl_pem`] a CRL of its CA that revokes it, or not.
//!
//! # Binary
//!
//! `deliveryopt-testserver [--tls] [--port N] [--root DIR] [--pid-file F] [--port-file F]
//! [--ca-file F] [--verbose]` serves the files under `--root` at their relative paths,
//! plus `/gen/...`; see `src/main.rs`.
//!
//! # Content
//!
//! * Files added with [`Server::add_file`] / [`Server::set_file`] (looked up first).
//! * `/gen/<len>/<seed>` (optionally followed by `/<any name>`): `len` bytes of
//!   [`content`]`(seed, len)`, generated on the fly at any offset, so
//!   `/gen/1073741824/7` streams 1 GiB without holding it. ETag `"gen-<len>-<seed>"`,
//!   Last-Modified Mon, 01 Jan 2024 00:00:00 GMT.
//! * Files under [`Options::root`] (the binary's `--root`); `..` is refused.
//! * Anything else: 404.
//!
//! [`content`] is counter-based so that any offset can be produced directly: byte `i` of
//! `content(seed, len)` is byte `i % 8` (little-endian) of `word(seed, i / 8)`, where
//! `word(s, k) = mix(mix(s ^ G) + k * G)` (wrapping), `G = 0x9E3779B97F4A7C15` and `mix`
//! is the splitmix64 finaliser (`z ^= z >> 30; z *= 0xBF58476D1CE4E5B9; z ^= z >> 27;
//! z *= 0x94D049BB133111EB; z ^= z >> 31`).
//!
//! # Normal behaviour
//!
//! GET and HEAD (other methods: 405); `Content-Length`; a strong `ETag` and a
//! `Last-Modified` that change whenever the content changes ([`Server::set_file`], or
//! `change_after`); `Accept-Ranges: bytes`; a single `Range: bytes=a-b`, `bytes=a-` or
//! `bytes=-n` gives 206 with `Content-Range: bytes a-b/len`; an unsatisfiable range gives
//! 416 with `Content-Range: bytes */len`; a multi-range or syntactically invalid `Range`
//! is ignored (200, whole body). `If-Range` with an ETag (strong comparison) or an
//! HTTP-date (exact match with Last-Modified) that does not match gives 200 with the whole
//! body. `If-None-Match` / `If-Modified-Since` give 304. HTTP/1.1 keep-alive (and
//! HTTP/1.0 `Connection: keep-alive`), pipelining; idle connections are closed after
//! [`Options::idle_timeout`]. Request heads over 64 KiB are refused (414 when the request
//! line alone is longer, 431 otherwise) and the connection closed; request bodies are
//! read and discarded (up to 16 MiB, else 413).
//!
//! # Fault injection (query parameters)
//!
//! Unknown parameters are ignored (use them as cache-busters). Values are %-decoded (`+`
//! stays `+`). A number that does not parse gives 400 with the reason in the body.
//! Every request is counted per exact request target (path + `?` + query, as sent); `n`
//! below is that count including the current request (1 for the first), shared by
//! `fail_count` and `change_after` ([`Server::reset_counters`] clears it). The steps are
//! applied in this order:
//!
//! | parameter | effect |
//! | --- | --- |
//! | `delay_headers_ms=M` | wait M ms before sending the status line (any response) |
//! | `header=Name:Value` | add that response header (repeatable; to every response of the request) |
//! | `close=1` | answer with `Connection: close` and close afterwards |
//! | `auth=basic:USER:PASS` | 401 with `WWW-Authenticate: Basic realm="deliveryopt-test"` unless the request has the right `Authorization: Basic` |
//! | `auth=digest:USER:PASS` | 401 with `WWW-Authenticate: Digest realm="deliveryopt-test", qop="auth", algorithm=MD5, nonce=.., opaque=..` unless the request has a valid RFC 7616 MD5 / qop=auth response (the `uri` must equal the request target; nonces are stateless and never go stale) |
//! | `fail_status=S&fail_count=K` | while `n <= K` answer status S with a small text body; without `fail_count` always |
//! | `status=S` | always answer status S with a small text body (none for 1xx/204/304) |
//! | `redirect_count=N` | with N > 0: redirect to the same path and query with `redirect_count=N-1` |
//! | `redirect=TARGET` | (when `redirect_count` is absent or 0) redirect to TARGET (%-encoded; relative or absolute, e.g. an `http://` URL from the HTTPS server) |
//! | `redirect_status=S` | status of those redirects (default 302; 301, 303, 307, 308...) |
//! | `change_after=K` | when `n > K` the resource is replaced by `content(change_seed, change_len)` with ETag `"<old>-changed-<seed>-<len>"` and Last-Modified 60 s later |
//! | `change_len=L`, `change_seed=S` | length (default: the same) and seed (default: `seed + 1` for `/gen/`, else `0xC0FFEE`) of the changed content |
//! | `ignore_range=1` | ignore `Range` (200 with the whole body), still `Accept-Ranges: bytes` |
//! | `no_ranges=1` | no `Accept-Ranges` and `Range` ignored (200) |
//! | `any_method=1` | answer any method as GET (by default only GET and HEAD; others get 405) |
//! | `lie_length=N` | send `Content-Length: N` but the real body (shorter or longer), then close |
//! | `no_length=1` | no `Content-Length`, no `Accept-Ranges`, `Range` ignored, `Connection: close`, close-delimited body |
//! | `chunked=1` | `Transfer-Encoding: chunked` (HTTP/1.1 requests; close-delimited for 1.0) |
//! | `chunk_size=N` | largest chunk (and write) size, default 65536 |
//! | `drop_after=N` | send the head and N body bytes, then close the connection (FIN; the connection never persists). With `chunked`, the last chunk and terminator are never sent |
//! | `drop_rst=1` | with `drop_after`: abort with a TCP RST (SO_LINGER 0, after the sent data has left) |
//! | `stall_after=N&stall_ms=M` | after N body bytes stop sending for M ms, then go on; without `stall_ms` stall until the client goes away or the server stops (the connection is then closed) |
//! | `trickle_bps=N` | send the body at about N bytes per second |
//! | `no_validators=1` | no `ETag` and no `Last-Modified` (conditional headers still compare against them) |
//! | `max_active=N` | while N requests for the same target are being answered, answer 503 (with `Retry-After: 1`): a server that takes that many connections at once |
//!
//! Precedence of framing: `lie_length` over `no_length` over `chunked`. HEAD requests get
//! the same head as GET and no body (body faults do not apply).
//!
//! # Request log
//!
//! [`Server::requests`] returns a [`RequestLog`] per request, recorded as soon as the
//! request head is parsed (status 0 until the status line is decided; `body_bytes_sent`
//! counts body bytes handed to the socket, updated as they are sent).

pub mod auth;
mod bits;
mod conn;
mod content;
mod http;
mod server;
mod tls;

pub use content::{content, fill_content};
pub use http::{http_date, parse_http_date, percent_encode};
pub use server::{Options, Server};
pub use tls::CertKind;

/// One byte range of a `Range` header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ByteRange {
    /// `a-b` (inclusive).
    FromTo(u64, u64),
    /// `a-`.
    From(u64),
    /// `-n`: the last n bytes.
    Suffix(u64),
}

/// A parsed `Range` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RangeHeader {
    /// `bytes=` with one range.
    Single(ByteRange),
    /// `bytes=` with several ranges (the server ignores it and sends 200).
    Multiple(Vec<ByteRange>),
    /// Anything else, as sent (ignored by the server).
    Invalid(String),
}

/// What the server saw and did for one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestLog {
    /// Unique, increasing id of the request.
    pub seq: u64,
    /// Id of the TCP connection (1 for the first accepted): equal ids mean the
    /// connection was reused.
    pub conn_id: u64,
    /// Whether it came over TLS.
    pub tls: bool,
    pub method: String,
    /// Path and query as sent (`/gen/10/1?drop_after=5`).
    pub target: String,
    /// The path part (not %-decoded).
    pub path: String,
    /// The query part without `?` (not %-decoded).
    pub query: String,
    /// `HTTP/1.1` or `HTTP/1.0`.
    pub version: String,
    /// Header names lowercased, in order.
    pub headers: Vec<(String, String)>,
    /// The parsed `Range` header, if any.
    pub range: Option<RangeHeader>,
    /// Status sent (0 while not decided yet).
    pub status: u16,
    /// Body bytes handed to the socket so far.
    pub body_bytes_sent: u64,
}

impl RequestLog {
    /// The first value of header `name` (give it lowercased).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}
