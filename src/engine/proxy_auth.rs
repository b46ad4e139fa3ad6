//! CONNECT tunnels through a proxy that asks for Digest authentication (SetCredentials with
//! BG_AUTH_TARGET_PROXY and BG_AUTH_SCHEME_DIGEST). ureq's own CONNECT connector only sends Basic
//! credentials up front; this one comes first in the chain when the request carries Digest proxy
//! credentials: it asks for the tunnel, answers a `407` Digest challenge (or a Basic one, when
//! Basic credentials are set too) on a new connection, and hands the open tunnel to the rest of
//! the chain (TLS for https). Without Digest credentials it steps aside.
//!
//! The credentials travel with the calling thread (ureq runs the connector chain on it), set by
//! [`with_credentials`] around one request.

use std::cell::RefCell;
use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

use ureq::unversioned::transport::{ConnectionDetails, Connector, Either, LazyBuffers, Transport};

use super::job::{AuthScheme, Credential};

thread_local! {
    static CREDENTIALS: RefCell<Vec<Credential>> = const { RefCell::new(Vec::new()) };
}

/// Runs `f` (one request) with these proxy credentials available to the CONNECT connector.
pub fn with_credentials<R>(creds: &[Credential], f: impl FnOnce() -> R) -> R {
    let before = CREDENTIALS.with(|c| c.replace(creds.to_vec()));
    let r = f();
    CREDENTIALS.with(|c| *c.borrow_mut() = before);
    r
}

/// Longest proxy answer head read before the tunnel.
const MAX_HEAD: usize = 64 * 1024;

/// The CONNECT connector for Digest-authenticating proxies.
#[derive(Debug, Default)]
pub struct DigestConnectConnector;

impl<In: Transport> Connector<In> for DigestConnectConnector {
    type Out = Either<In, Box<dyn Transport>>;

    fn connect(&self, details: &ConnectionDetails, chained: Option<In>) -> Result<Option<Self::Out>, ureq::Error> {
        if let Some(t) = chained {
            return Ok(Some(Either::A(t)));
        }
        let creds = CREDENTIALS.with(|c| c.borrow().clone());
        let Some(digest) = creds.iter().find(|c| c.scheme == AuthScheme::Digest) else { return Ok(None) };
        let Some(proxy) = details.config.proxy() else { return Ok(None) };
        // Only plain-HTTP CONNECT proxies; anything else is ureq's.
        if proxy.protocol() != ureq::ProxyProtocol::Http || proxy.is_no_proxy(details.uri) {
            return Ok(None);
        }
        let host = details.uri.host().ok_or_else(|| ureq::Error::BadUri("no host".into()))?;
        let port = details.uri.port_u16().unwrap_or(if details.uri.scheme_str() == Some("https") { 443 } else { 80 });
        let target = if host.contains(':') { format!("[{host}]:{port}") } else { format!("{host}:{port}") };
        let budget = details.timeout.not_zero().map(|d| *d).unwrap_or(Duration::from_secs(30));
        let deadline = Instant::now() + budget;
        let basic = creds.iter().find(|c| c.scheme == AuthScheme::Basic);

        let (stream, status, head) = connect_once(proxy.host(), proxy.port(), &target, None, deadline)?;
        let stream = match status {
            200..=299 => stream,
            407 => {
                drop(stream);
                let auth = answer(&head, &target, digest, basic).ok_or_else(|| refused(407))?;
                let (stream, status, _) = connect_once(proxy.host(), proxy.port(), &target, Some(&auth), deadline)?;
                if !(200..=299).contains(&status) {
                    return Err(refused(status));
                }
                stream
            }
            s => return Err(refused(s)),
        };
        stream.set_read_timeout(None)?;
        stream.set_write_timeout(None)?;
        let buffers = LazyBuffers::new(details.config.input_buffer_size(), details.config.output_buffer_size());
        Ok(Some(Either::B(Box::new(super::tcp::TcpTransport::new(stream, buffers)))))
    }
}

/// ureq's own wording, which `map_ureq_error` turns back into the proxy's status.
fn refused(status: u16) -> ureq::Error {
    ureq::Error::ConnectProxyFailed(format!("proxy server responded {status}/CONNECT refused"))
}

/// One CONNECT on a new connection: the stream, the answer's status and its head.
fn connect_once(
    proxy_host: &str,
    proxy_port: u16,
    target: &str,
    authorization: Option<&str>,
    deadline: Instant,
) -> Result<(TcpStream, u16, String), ureq::Error> {
    let left = || deadline.saturating_duration_since(Instant::now()).max(Duration::from_millis(1));
    let addrs: Vec<_> = (proxy_host, proxy_port).to_socket_addrs()?.collect();
    let mut last = None;
    let mut stream = None;
    for a in addrs {
        match TcpStream::connect_timeout(&a, left()) {
            Ok(s) => {
                stream = Some(s);
                break;
            }
            Err(e) => last = Some(e),
        }
    }
    let mut stream = match (stream, last) {
        (Some(s), _) => s,
        (None, Some(e)) => return Err(e.into()),
        (None, None) => return Err(ureq::Error::HostNotFound),
    };
    stream.set_nodelay(true)?;
    stream.set_read_timeout(Some(left()))?;
    stream.set_write_timeout(Some(left()))?;
    let mut req = format!("CONNECT {target} HTTP/1.1\r\nHost: {target}\r\nProxy-Connection: Keep-Alive\r\n");
    if let Some(a) = authorization {
        req.push_str(&format!("Proxy-Authorization: {a}\r\n"));
    }
    req.push_str("\r\n");
    stream.write_all(req.as_bytes())?;
    // The head, byte by byte: nothing of the tunnel may be read past it.
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if head.len() > MAX_HEAD || stream.read(&mut byte)? == 0 {
            return Err(ureq::Error::ConnectProxyFailed("proxy server did not respond".into()));
        }
        head.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&head).into_owned();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse::<u16>().ok())
        .ok_or_else(|| ureq::Error::ConnectProxyFailed("bad proxy response".into()))?;
    Ok((stream, status, head))
}

/// The Proxy-Authorization answering a 407 head's challenges: Digest when offered, else Basic
/// when offered and Basic credentials are set.
fn answer(head: &str, target: &str, digest: &Credential, basic: Option<&Credential>) -> Option<String> {
    let challenges: Vec<&str> = head
        .lines()
        .filter_map(|l| l.split_once(':'))
        .filter(|(n, _)| n.trim().eq_ignore_ascii_case("proxy-authenticate"))
        .map(|(_, v)| v.trim())
        .collect();
    let offered = |scheme: &str| {
        challenges.iter().copied().find(|c| c.get(..scheme.len()).is_some_and(|p| p.eq_ignore_ascii_case(scheme)))
    };
    if let Some(challenge) = offered("digest") {
        let mut prompt = digest_auth::parse(challenge).ok()?;
        let ctx = digest_auth::AuthContext::new_with_method(
            digest.user.as_str(),
            digest.password.as_str(),
            target,
            Option::<&[u8]>::None,
            digest_auth::HttpMethod("CONNECT".into()),
        );
        return prompt.respond(&ctx).ok().map(|h| h.to_header_string());
    }
    if let (Some(_), Some(c)) = (offered("basic"), basic) {
        use base64::Engine as _;
        let token = base64::engine::general_purpose::STANDARD.encode(format!("{}:{}", c.user, c.password));
        return Some(format!("Basic {token}"));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cred(scheme: AuthScheme) -> Credential {
        Credential { target: super::super::job::AuthTarget::Proxy, scheme, user: "u".into(), password: "p".into() }
    }

    #[test]
    fn a_digest_challenge_gets_a_digest_answer_for_the_tunnel_target() {
        let head = "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"x\"\r\n\
                    Proxy-Authenticate: Digest realm=\"r\", qop=\"auth\", nonce=\"abc\", opaque=\"o\"\r\n\r\n";
        let a = answer(head, "example.test:443", &cred(AuthScheme::Digest), None).unwrap();
        assert!(a.starts_with("Digest "), "{a}");
        assert!(a.contains("uri=\"example.test:443\""), "{a}");
        assert!(a.contains("username=\"u\""), "{a}");
        let basic_only = "HTTP/1.1 407 x\r\nProxy-Authenticate: Basic realm=\"x\"\r\n\r\n";
        assert_eq!(answer(basic_only, "h:1", &cred(AuthScheme::Digest), None), None);
        let b = answer(basic_only, "h:1", &cred(AuthScheme::Digest), Some(&cred(AuthScheme::Basic))).unwrap();
        assert_eq!(b, "Basic dTpw");
    }
}
