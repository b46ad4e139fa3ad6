//! Hand-written HTTP/1.x helpers: request heads, dates, query strings, ranges.

use crate::{ByteRange, RangeHeader};

/// Longest request head (request line plus headers) accepted.
pub(crate) const MAX_HEAD: usize = 64 * 1024;

/// A parsed request head.
#[derive(Debug, Clone)]
pub(crate) struct Request {
    pub method: String,
    /// The request target as sent (path and query; absolute-form is reduced to its path).
    pub target: String,
    pub path: String,
    pub query: String,
    pub version: String,
    /// Header names lowercased, values trimmed, in order.
    pub headers: Vec<(String, String)>,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    fn connection_has(&self, token: &str) -> bool {
        self.headers
            .iter()
            .filter(|(n, _)| n == "connection")
            .flat_map(|(_, v)| v.split(','))
            .any(|t| t.trim().eq_ignore_ascii_case(token))
    }

    /// Whether the client lets the connection persist after this request.
    pub fn keep_alive(&self) -> bool {
        if self.version == "HTTP/1.1" {
            !self.connection_has("close")
        } else {
            self.connection_has("keep-alive")
        }
    }

    pub fn is_http11(&self) -> bool {
        self.version == "HTTP/1.1"
    }
}

fn is_tchar(c: u8) -> bool {
    c.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&c)
}

/// Parses a request head (everything up to and including the blank line).
pub(crate) fn parse_head(head: &[u8]) -> Result<Request, &'static str> {
    let text = std::str::from_utf8(head).map_err(|_| "request head is not UTF-8")?;
    let mut lines = text.split("\r\n");
    let line = lines.next().ok_or("empty request")?;
    let mut parts = line.split(' ');
    let method = parts.next().unwrap_or("");
    let target = parts.next().unwrap_or("");
    let version = parts.next().unwrap_or("");
    if parts.next().is_some()
        || method.is_empty()
        || !method.bytes().all(is_tchar)
        || target.is_empty()
        || !(version == "HTTP/1.1" || version == "HTTP/1.0")
    {
        return Err("malformed request line");
    }
    let mut headers = Vec::new();
    for l in lines {
        if l.is_empty() {
            continue;
        }
        if l.starts_with(' ') || l.starts_with('\t') {
            return Err("obsolete line folding");
        }
        let (name, value) = l.split_once(':').ok_or("header without colon")?;
        if name.is_empty() || !name.bytes().all(is_tchar) {
            return Err("bad header name");
        }
        headers.push((name.to_ascii_lowercase(), value.trim().to_string()));
    }
    // Absolute-form: keep only the path and query.
    let mut origin = target;
    for scheme in ["http://", "https://"] {
        if origin.len() > scheme.len() && origin[..scheme.len()].eq_ignore_ascii_case(scheme) {
            let rest = &origin[scheme.len()..];
            origin = rest.find('/').map(|i| &rest[i..]).unwrap_or("/");
        }
    }
    let origin = origin.split('#').next().unwrap_or("");
    let (path, query) = match origin.split_once('?') {
        Some((p, q)) => (p, q),
        None => (origin, ""),
    };
    Ok(Request {
        method: method.to_string(),
        target: origin.to_string(),
        path: path.to_string(),
        query: query.to_string(),
        version: version.to_string(),
        headers,
    })
}

/// Decodes `%XX` escapes (a `+` stays a `+`); invalid escapes are kept as they are.
pub(crate) fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let hex = std::str::from_utf8(&b[i + 1..i + 3]).ok();
            if let Some(v) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Percent-encodes everything but unreserved characters.
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for &c in s.as_bytes() {
        if c.is_ascii_alphanumeric() || b"-._~".contains(&c) {
            out.push(c as char);
        } else {
            out.push_str(&format!("%{c:02X}"));
        }
    }
    out
}

/// Splits a query string into decoded `(name, value)` pairs.
pub(crate) fn parse_query(q: &str) -> Vec<(String, String)> {
    q.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (percent_decode(k), percent_decode(v)),
            None => (percent_decode(p), String::new()),
        })
        .collect()
}

/// Parses a `Range` header value.
pub(crate) fn parse_range(value: &str) -> RangeHeader {
    let invalid = || RangeHeader::Invalid(value.to_string());
    let Some((unit, set)) = value.split_once('=') else {
        return invalid();
    };
    if !unit.trim().eq_ignore_ascii_case("bytes") {
        return invalid();
    }
    let mut ranges = Vec::new();
    for spec in set.split(',') {
        let spec = spec.trim();
        if spec.is_empty() {
            continue;
        }
        let Some((a, b)) = spec.split_once('-') else {
            return invalid();
        };
        let (a, b) = (a.trim(), b.trim());
        let num = |s: &str| -> Option<u64> {
            if s.is_empty() || !s.bytes().all(|c| c.is_ascii_digit()) {
                None
            } else {
                s.parse().ok()
            }
        };
        let r = if a.is_empty() {
            match num(b) {
                Some(n) => ByteRange::Suffix(n),
                None => return invalid(),
            }
        } else {
            let Some(first) = num(a) else {
                return invalid();
            };
            if b.is_empty() {
                ByteRange::From(first)
            } else {
                match num(b) {
                    Some(last) if last >= first => ByteRange::FromTo(first, last),
                    _ => return invalid(),
                }
            }
        };
        ranges.push(r);
    }
    match ranges.len() {
        0 => invalid(),
        1 => RangeHeader::Single(ranges.pop().unwrap_or(ByteRange::From(0))),
        _ => RangeHeader::Multiple(ranges),
    }
}

/// Resolves a range against a representation of `len` bytes: `Some((first, last))`
/// inclusive, or `None` when unsatisfiable.
pub(crate) fn resolve_range(r: ByteRange, len: u64) -> Option<(u64, u64)> {
    if len == 0 {
        return None;
    }
    match r {
        ByteRange::FromTo(a, b) if a < len => Some((a, b.min(len - 1))),
        ByteRange::From(a) if a < len => Some((a, len - 1)),
        ByteRange::Suffix(n) if n > 0 => Some((len.saturating_sub(n), len - 1)),
        _ => None,
    }
}

const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Formats seconds since the Unix epoch as an IMF-fixdate.
pub fn http_date(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let (y, m, d) = civil_from_days(days);
    let wd = DAYS[((days + 4).rem_euclid(7)) as usize];
    format!(
        "{wd}, {d:02} {} {y:04} {:02}:{:02}:{:02} GMT",
        MONTHS[(m - 1) as usize],
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    )
}

/// Parses an HTTP-date (IMF-fixdate, RFC 850 or asctime) into seconds since the epoch.
pub fn parse_http_date(s: &str) -> Option<u64> {
    let t: Vec<&str> = s.split_whitespace().collect();
    let month = |m: &str| MONTHS.iter().position(|x| x.eq_ignore_ascii_case(m));
    let (y, mo, d, hms) = if t.first()?.ends_with(',') {
        if t.len() == 6 && t[5] == "GMT" {
            (t[3].parse::<i64>().ok()?, month(t[2])?, t[1].parse::<u32>().ok()?, t[4])
        } else if t.len() == 4 && t[3] == "GMT" {
            let p: Vec<&str> = t[1].split('-').collect();
            if p.len() != 3 {
                return None;
            }
            let yy: i64 = p[2].parse().ok()?;
            let y = if p[2].len() == 2 {
                if yy < 70 {
                    2000 + yy
                } else {
                    1900 + yy
                }
            } else {
                yy
            };
            (y, month(p[1])?, p[0].parse().ok()?, t[2])
        } else {
            return None;
        }
    } else if t.len() == 5 {
        (t[4].parse().ok()?, month(t[1])?, t[2].parse().ok()?, t[3])
    } else {
        return None;
    };
    let hms: Vec<u64> = hms.split(':').map(|x| x.parse::<u64>().ok()).collect::<Option<Vec<_>>>()?;
    if hms.len() != 3 || hms[0] > 23 || hms[1] > 59 || hms[2] > 60 || !(1..=31).contains(&d) {
        return None;
    }
    let days = days_from_civil(y, mo as u32 + 1, d);
    if days < 0 {
        return None;
    }
    Some(days as u64 * 86_400 + hms[0] * 3600 + hms[1] * 60 + hms[2])
}

/// The reason phrase for a status code.
pub(crate) fn reason(status: u16) -> &'static str {
    match status {
        100 => "Continue",
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        204 => "No Content",
        206 => "Partial Content",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        407 => "Proxy Authentication Required",
        408 => "Request Timeout",
        410 => "Gone",
        411 => "Length Required",
        412 => "Precondition Failed",
        413 => "Content Too Large",
        414 => "URI Too Long",
        416 => "Range Not Satisfiable",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Status",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip() {
        assert_eq!(http_date(784_111_777), "Sun, 06 Nov 1994 08:49:37 GMT");
        assert_eq!(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), Some(784_111_777));
        assert_eq!(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"), Some(784_111_777));
        assert_eq!(parse_http_date("Sun Nov  6 08:49:37 1994"), Some(784_111_777));
        assert_eq!(parse_http_date("garbage"), None);
        let now = 1_700_000_000;
        assert_eq!(parse_http_date(&http_date(now)), Some(now));
    }

    #[test]
    fn ranges() {
        assert_eq!(parse_range("bytes=0-9"), RangeHeader::Single(ByteRange::FromTo(0, 9)));
        assert_eq!(parse_range("bytes=5-"), RangeHeader::Single(ByteRange::From(5)));
        assert_eq!(parse_range("bytes=-5"), RangeHeader::Single(ByteRange::Suffix(5)));
        assert!(matches!(parse_range("bytes=0-1,4-5"), RangeHeader::Multiple(v) if v.len() == 2));
        assert!(matches!(parse_range("bytes=9-1"), RangeHeader::Invalid(_)));
        assert!(matches!(parse_range("items=0-1"), RangeHeader::Invalid(_)));
        assert_eq!(resolve_range(ByteRange::FromTo(5, 100), 10), Some((5, 9)));
        assert_eq!(resolve_range(ByteRange::Suffix(100), 10), Some((0, 9)));
        assert_eq!(resolve_range(ByteRange::From(10), 10), None);
        assert_eq!(resolve_range(ByteRange::Suffix(0), 10), None);
    }

    #[test]
    fn decoding() {
        assert_eq!(percent_decode("a%20b%2Fc%zz%4"), "a b/c%zz%4");
        assert_eq!(percent_decode(&percent_encode("http://x/y?a=b&c")), "http://x/y?a=b&c");
        let q = parse_query("a=1&b&header=X-A%3A1&header=X-B:2");
        assert_eq!(q[1], ("b".into(), String::new()));
        assert_eq!(q[2].1, "X-A:1");
    }

    #[test]
    fn heads() {
        let r = parse_head(b"GET http://h:1/x?y=1 HTTP/1.1\r\nHost: h\r\nRange:  bytes=0-1 \r\n\r\n").unwrap();
        assert_eq!(r.path, "/x");
        assert_eq!(r.query, "y=1");
        assert_eq!(r.header("range"), Some("bytes=0-1"));
        assert!(r.keep_alive());
        assert!(parse_head(b"GET /x\r\n\r\n").is_err());
        assert!(parse_head(b"GET /x HTTP/1.1\r\n folded\r\n\r\n").is_err());
    }
}
