//! HTTP Basic and Digest (RFC 7616, MD5, qop=auth) authentication, server and client side.
//!
//! The client-side helpers ([`basic_authorization`], [`digest_authorization`]) exist so
//! tests can build credentials; the server checks them in the connection handler.

use md5::{Digest, Md5};

/// The realm of every challenge this server sends.
pub const REALM: &str = "deliveryopt-test";

/// Which scheme an `auth=` query parameter asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scheme {
    Basic,
    Digest,
}

/// A parsed `auth=scheme:user:pass` parameter.
#[derive(Debug, Clone)]
pub struct AuthSpec {
    pub scheme: Scheme,
    pub user: String,
    pub pass: String,
}

impl AuthSpec {
    pub fn parse(v: &str) -> Option<AuthSpec> {
        let mut it = v.splitn(3, ':');
        let scheme = match it.next()?.to_ascii_lowercase().as_str() {
            "basic" => Scheme::Basic,
            "digest" => Scheme::Digest,
            _ => return None,
        };
        Some(AuthSpec { scheme, user: it.next()?.to_string(), pass: it.next()?.to_string() })
    }
}

/// Lowercase hex MD5 of `s`.
pub fn md5_hex(s: &str) -> String {
    let d = Md5::digest(s.as_bytes());
    d.iter().map(|b| format!("{b:02x}")).collect()
}

/// Standard base64 with padding.
pub fn base64(data: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for c in data.chunks(3) {
        let n = (c[0] as u32) << 16 | (*c.get(1).unwrap_or(&0) as u32) << 8 | *c.get(2).unwrap_or(&0) as u32;
        out.push(T[(n >> 18) as usize & 63] as char);
        out.push(T[(n >> 12) as usize & 63] as char);
        out.push(if c.len() > 1 { T[(n >> 6) as usize & 63] as char } else { '=' });
        out.push(if c.len() > 2 { T[n as usize & 63] as char } else { '=' });
    }
    out
}

/// The `Authorization` header value for HTTP Basic.
pub fn basic_authorization(user: &str, pass: &str) -> String {
    format!("Basic {}", base64(format!("{user}:{pass}").as_bytes()))
}

/// Parses the comma-separated `name=value` / `name="quoted"` list of a Digest header
/// (the part after the scheme). Names are lowercased.
pub fn parse_auth_params(s: &str) -> Vec<(String, String)> {
    let b = s.as_bytes();
    let mut i = 0;
    let mut out = Vec::new();
    loop {
        while i < b.len() && (b[i] == b',' || b[i].is_ascii_whitespace()) {
            i += 1;
        }
        if i >= b.len() {
            break;
        }
        let start = i;
        while i < b.len() && b[i] != b'=' && b[i] != b',' {
            i += 1;
        }
        let name = s[start..i].trim().to_ascii_lowercase();
        if i >= b.len() || b[i] == b',' {
            out.push((name, String::new()));
            continue;
        }
        i += 1; // '='
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        let mut value = Vec::new();
        if i < b.len() && b[i] == b'"' {
            i += 1;
            while i < b.len() && b[i] != b'"' {
                if b[i] == b'\\' && i + 1 < b.len() {
                    i += 1;
                }
                value.push(b[i]);
                i += 1;
            }
            i += 1; // closing quote
        } else {
            while i < b.len() && b[i] != b',' {
                value.push(b[i]);
                i += 1;
            }
        }
        out.push((name, String::from_utf8_lossy(&value).trim().to_string()));
    }
    out
}

fn param<'a>(p: &'a [(String, String)], name: &str) -> Option<&'a str> {
    p.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
}

/// The Digest `response` value (RFC 7616 section 3.4.1, MD5). With `qop` `None` the
/// RFC 2069 form `MD5(HA1:nonce:HA2)` is used.
#[allow(clippy::too_many_arguments)]
pub fn digest_response(
    user: &str,
    realm: &str,
    pass: &str,
    method: &str,
    uri: &str,
    nonce: &str,
    nc: &str,
    cnonce: &str,
    qop: Option<&str>,
) -> String {
    let ha1 = md5_hex(&format!("{user}:{realm}:{pass}"));
    let ha2 = md5_hex(&format!("{method}:{uri}"));
    match qop {
        Some(q) => md5_hex(&format!("{ha1}:{nonce}:{nc}:{cnonce}:{q}:{ha2}")),
        None => md5_hex(&format!("{ha1}:{nonce}:{ha2}")),
    }
}

/// Builds an `Authorization: Digest ...` value answering `challenge` (a
/// `WWW-Authenticate` value), or `None` if it is not a Digest challenge.
pub fn digest_authorization(challenge: &str, method: &str, uri: &str, user: &str, pass: &str) -> Option<String> {
    let (scheme, rest) = challenge.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("digest") {
        return None;
    }
    let p = parse_auth_params(rest);
    let realm = param(&p, "realm")?;
    let nonce = param(&p, "nonce")?;
    let cnonce = "0a4f113b";
    let nc = "00000001";
    let resp = digest_response(user, realm, pass, method, uri, nonce, nc, cnonce, Some("auth"));
    let mut v = format!(
        "Digest username=\"{user}\", realm=\"{realm}\", nonce=\"{nonce}\", uri=\"{uri}\", \
         algorithm=MD5, qop=auth, nc={nc}, cnonce=\"{cnonce}\", response=\"{resp}\""
    );
    if let Some(o) = param(&p, "opaque") {
        v.push_str(&format!(", opaque=\"{o}\""));
    }
    Some(v)
}

/// Server side: issues and checks credentials.
pub struct Verifier {
    secret: u64,
}

impl Verifier {
    pub fn new(secret: u64) -> Verifier {
        Verifier { secret }
    }

    fn nonce_for(&self, ts: u64) -> String {
        let h = md5_hex(&format!("{}:{ts:x}", self.secret));
        format!("{ts:012x}{}", &h[..20])
    }

    fn nonce_ok(&self, nonce: &str) -> bool {
        nonce.len() == 32
            && u64::from_str_radix(&nonce[..12], 16).map(|ts| self.nonce_for(ts) == nonce).unwrap_or(false)
    }

    fn opaque(&self) -> String {
        md5_hex(&format!("opaque:{}", self.secret))
    }

    /// The `WWW-Authenticate` value for a 401.
    pub fn challenge(&self, spec: &AuthSpec) -> String {
        match spec.scheme {
            Scheme::Basic => format!("Basic realm=\"{REALM}\", charset=\"UTF-8\""),
            Scheme::Digest => {
                let ts = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_nanos() as u64 & 0xFFFF_FFFF_FFFF)
                    .unwrap_or(1);
                format!(
                    "Digest realm=\"{REALM}\", qop=\"auth\", algorithm=MD5, nonce=\"{}\", opaque=\"{}\"",
                    self.nonce_for(ts),
                    self.opaque()
                )
            }
        }
    }

    /// Whether `authorization` (the request header, if any) satisfies `spec` for this
    /// request.
    pub fn check(&self, spec: &AuthSpec, authorization: Option<&str>, method: &str, target: &str) -> bool {
        let Some(auth) = authorization else {
            return false;
        };
        let Some((scheme, rest)) = auth.trim().split_once(' ') else {
            return false;
        };
        match spec.scheme {
            Scheme::Basic => {
                scheme.eq_ignore_ascii_case("basic")
                    && rest.trim() == base64(format!("{}:{}", spec.user, spec.pass).as_bytes())
            }
            Scheme::Digest => {
                if !scheme.eq_ignore_ascii_case("digest") {
                    return false;
                }
                let p = parse_auth_params(rest);
                let get = |n: &str| param(&p, n).unwrap_or("");
                if get("username") != spec.user
                    || get("realm") != REALM
                    || !self.nonce_ok(get("nonce"))
                    || get("uri") != target
                {
                    return false;
                }
                if let Some(alg) = param(&p, "algorithm") {
                    if !alg.eq_ignore_ascii_case("MD5") {
                        return false;
                    }
                }
                if let Some(o) = param(&p, "opaque") {
                    if o != self.opaque() {
                        return false;
                    }
                }
                let qop = param(&p, "qop");
                if qop.is_some_and(|q| q != "auth") {
                    return false;
                }
                let expected = digest_response(
                    &spec.user,
                    REALM,
                    &spec.pass,
                    method,
                    get("uri"),
                    get("nonce"),
                    get("nc"),
                    get("cnonce"),
                    qop,
                );
                get("response").eq_ignore_ascii_case(&expected)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc7616_md5_example() {
        // RFC 7616 section 3.9.1.
        let r = digest_response(
            "Mufasa",
            "http-auth@example.org",
            "Circle of Life",
            "GET",
            "/dir/index.html",
            "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",
            "00000001",
            "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
            Some("auth"),
        );
        assert_eq!(r, "8ca523f5e9506fed4657c9700eebdbec");
    }

    #[test]
    fn rfc2617_example() {
        let r = digest_response(
            "Mufasa",
            "testrealm@host.com",
            "Circle Of Life",
            "GET",
            "/dir/index.html",
            "dcd98b7102dd2f0e8b11d0f600bfb0c093",
            "00000001",
            "0a4f113b",
            Some("auth"),
        );
        assert_eq!(r, "6629fae49393a05397450978507c4ef1");
    }

    #[test]
    fn base64_and_params() {
        assert_eq!(base64(b"Aladdin:open sesame"), "QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
        assert_eq!(base64(b"ab"), "YWI=");
        let p = parse_auth_params(r#"realm="a, b", qop="auth", nc=00000001, x"#);
        assert_eq!(p[0], ("realm".into(), "a, b".into()));
        assert_eq!(p[2], ("nc".into(), "00000001".into()));
        assert_eq!(p[3], ("x".into(), String::new()));
    }

    #[test]
    fn verifier_round_trip() {
        let v = Verifier::new(7);
        let spec = AuthSpec::parse("digest:u:p:w").unwrap();
        assert_eq!(spec.pass, "p:w");
        let ch = v.challenge(&spec);
        let good = digest_authorization(&ch, "GET", "/x?a=1", "u", "p:w").unwrap();
        assert!(v.check(&spec, Some(&good), "GET", "/x?a=1"));
        assert!(!v.check(&spec, Some(&good), "GET", "/other"));
        let bad = digest_authorization(&ch, "GET", "/x?a=1", "u", "nope").unwrap();
        assert!(!v.check(&spec, Some(&bad), "GET", "/x?a=1"));
        let basic = AuthSpec::parse("basic:u:p").unwrap();
        assert!(v.check(&basic, Some(&basic_authorization("u", "p")), "GET", "/"));
        assert!(!v.check(&basic, Some(&basic_authorization("u", "q")), "GET", "/"));
    }
}
