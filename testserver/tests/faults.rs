//! Fault injection by query parameters.

mod common;

use std::io::Read;
use std::time::{Duration, Instant};

use common::{get, Client};
use testserver::{auth, content, percent_encode, Options, Server};

fn server() -> Server {
    Server::start(Options::default()).expect("start")
}

#[test]
fn drop_after_closes_after_exactly_n_bytes() {
    let s = server();
    let r = get(s.port(), "/gen/1000000/1?drop_after=300000", &[]);
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-length"), Some("1000000"));
    assert_eq!(r.header("connection"), Some("close"));
    assert!(!r.complete);
    assert_eq!(r.body.len(), 300_000);
    assert_eq!(r.body, content(1, 300_000));
    assert_eq!(s.requests()[0].body_bytes_sent, 300_000);

    // Within a range.
    let r = get(s.port(), "/gen/1000/1?drop_after=10", &[("Range", "bytes=500-")]);
    assert_eq!(r.status, 206);
    assert_eq!(r.body, &content(1, 1000)[500..510]);

    // With RST: the data arrives, then the connection is reset.
    let mut c = Client::connect(s.port());
    c.request("GET", "/gen/100000/2?drop_after=5000&drop_rst=1", &[]);
    let r = c.read_response(false);
    assert_eq!(r.body, content(2, 5000));
    assert_eq!(r.error, Some(std::io::ErrorKind::ConnectionReset));

    // drop_after=0: head only, then close.
    let r = get(s.port(), "/gen/100/2?drop_after=0", &[]);
    assert!(r.body.is_empty() && !r.complete);
}

#[test]
fn stall_for_a_while_then_continue() {
    let s = server();
    let mut c = Client::connect(s.port());
    let t = Instant::now();
    c.request("GET", "/gen/200000/3?stall_after=1000&stall_ms=400", &[]);
    let r = c.read_response(false);
    assert!(t.elapsed() >= Duration::from_millis(400));
    assert!(r.complete);
    assert_eq!(r.body, content(3, 200_000));
    // Keep-alive still works after a finite stall.
    c.request("GET", "/gen/10/3", &[]);
    assert_eq!(c.read_response(false).body, content(3, 10));
}

#[test]
fn stall_forever_until_the_client_leaves_or_the_server_stops() {
    let s = server();
    let mut c = Client::connect(s.port());
    c.request("GET", "/gen/100000/4?stall_after=777", &[]);
    c.stream.set_read_timeout(Some(Duration::from_millis(400))).unwrap();
    let mut got = Vec::new();
    let mut tmp = [0u8; 65536];
    let timed_out = loop {
        match c.stream.read(&mut tmp) {
            Ok(0) => break false,
            Ok(n) => got.extend_from_slice(&tmp[..n]),
            Err(_) => break true,
        }
    };
    assert!(timed_out, "server should stall, not close");
    let body_start = got.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
    assert_eq!(&got[body_start..], &content(4, 777)[..]);
    // The client gives up: the server's thread notices and ends.
    drop(c);
    let t = Instant::now();
    while s.open_connections() > 0 && t.elapsed() < Duration::from_secs(3) {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(s.open_connections(), 0);

    // A stalled client still connected: stop() ends it promptly.
    let mut c2 = Client::connect(s.port());
    c2.request("GET", "/gen/100000/4?stall_after=10", &[]);
    std::thread::sleep(Duration::from_millis(100));
    let t = Instant::now();
    s.stop();
    assert!(t.elapsed() < Duration::from_secs(2));
    assert!(c2.closed_by_peer(Duration::from_secs(2)) || c2.read_response(false).body.len() == 10);
}

#[test]
fn fail_status_and_fail_count() {
    let s = server();
    let p = s.port();
    let path = "/gen/100/5?fail_status=503&fail_count=2";
    let mut c = Client::connect(p);
    for _ in 0..2 {
        c.request("GET", path, &[]);
        let r = c.read_response(false);
        assert_eq!(r.status, 503);
        assert!(!r.body.is_empty());
    }
    c.request("GET", path, &[]);
    let r = c.read_response(false);
    assert_eq!((r.status, r.body.clone()), (200, content(5, 100)));
    // Counters are per path+query: another query starts afresh.
    assert_eq!(get(p, "/gen/100/5?fail_status=500&fail_count=1&x=1", &[]).status, 500);
    assert_eq!(get(p, "/gen/100/5?fail_status=500&fail_count=1&x=1", &[]).status, 200);
    s.reset_counters();
    assert_eq!(get(p, "/gen/100/5?fail_status=500&fail_count=1&x=1", &[]).status, 500);
    // Without fail_count: always.
    for _ in 0..3 {
        assert_eq!(get(p, "/gen/100/5?fail_status=429", &[]).status, 429);
    }
    let statuses: Vec<u16> = s.requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses[..3], [503, 503, 200]);
}

#[test]
fn status_param_always_answers_that_status() {
    let s = server();
    for code in ["404", "500", "403", "410"] {
        for _ in 0..2 {
            let r = get(s.port(), &format!("/gen/100/1?status={code}"), &[]);
            assert_eq!(r.status.to_string(), code);
        }
    }
    let r = get(s.port(), "/gen/100/1?status=abc", &[]);
    assert_eq!(r.status, 400);
    assert!(String::from_utf8_lossy(&r.body).contains("status"));
}

#[test]
fn ignore_range_and_no_ranges() {
    let s = server();
    let p = s.port();
    let r = get(p, "/gen/1000/6?ignore_range=1", &[("Range", "bytes=10-19")]);
    assert_eq!((r.status, r.body.clone()), (200, content(6, 1000)));
    assert_eq!(r.header("accept-ranges"), Some("bytes"));
    assert_eq!(r.header("content-range"), None);
    let r = get(p, "/gen/1000/6?no_ranges=1", &[("Range", "bytes=10-19")]);
    assert_eq!((r.status, r.body.len()), (200, 1000));
    assert_eq!(r.header("accept-ranges"), None);
}

#[test]
fn change_after_changes_content_and_validators() {
    let s = server();
    let p = s.port();
    let path = "/gen/1000/8?change_after=2";
    let a = get(p, path, &[]);
    let b = get(p, path, &[]);
    let c = get(p, path, &[]);
    assert_eq!(a.body, content(8, 1000));
    assert_eq!(a.header("etag"), b.header("etag"));
    assert_ne!(b.header("etag"), c.header("etag"));
    assert_ne!(b.header("last-modified"), c.header("last-modified"));
    assert_eq!(c.body, content(9, 1000));
    // An If-Range with the old ETag now gets the whole new body.
    let d = get(p, path, &[("Range", "bytes=0-9"), ("If-Range", a.header("etag").unwrap())]);
    assert_eq!((d.status, d.body.len()), (200, 1000));

    let path = "/gen/1000/8?change_after=1&change_len=1500&change_seed=77";
    assert_eq!(get(p, path, &[]).body.len(), 1000);
    let r = get(p, path, &[]);
    assert_eq!(r.body, content(77, 1500));
    assert_eq!(r.header("content-length"), Some("1500"));

    s.add_file("/f", content(1, 50));
    get(p, "/f?change_after=1", &[]);
    assert_eq!(get(p, "/f?change_after=1", &[]).body, content(0xC0FFEE, 50));
}

#[test]
fn lie_length_shorter_and_longer() {
    let s = server();
    let p = s.port();
    // Announces more than it sends: the body ends early with EOF.
    let r = get(p, "/gen/1000/2?lie_length=5000", &[]);
    assert_eq!(r.header("content-length"), Some("5000"));
    assert!(!r.complete);
    assert_eq!(r.body, content(2, 1000));
    // Announces less than it sends: the extra bytes follow, then EOF.
    let mut c = Client::connect(p);
    c.request("GET", "/gen/1000/2?lie_length=100", &[]);
    let r = c.read_response(false);
    assert_eq!(r.body, content(2, 100));
    let rest = c.read_rest();
    assert_eq!(rest, &content(2, 1000)[100..]);
}

#[test]
fn no_length_and_chunked() {
    let s = server();
    let p = s.port();
    let r = get(p, "/gen/3000/3?no_length=1", &[("Range", "bytes=0-9")]);
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-length"), None);
    assert_eq!(r.header("accept-ranges"), None);
    assert_eq!(r.header("connection"), Some("close"));
    assert_eq!(r.body, content(3, 3000));

    let mut c = Client::connect(p);
    c.request("GET", "/gen/200000/3?chunked=1&chunk_size=1000", &[]);
    let r = c.read_response(false);
    assert_eq!(r.header("transfer-encoding"), Some("chunked"));
    assert_eq!(r.header("content-length"), None);
    assert!(r.complete);
    assert_eq!(r.body, content(3, 200_000));
    // Ranges work chunked too, and the connection persists.
    c.request("GET", "/gen/200000/3?chunked=1", &[("Range", "bytes=5-9")]);
    let r = c.read_response(false);
    assert_eq!((r.status, &r.body[..]), (206, &content(3, 10)[5..]));

    // chunked + drop_after: no terminating chunk.
    let r = get(p, "/gen/5000/3?chunked=1&drop_after=1234", &[]);
    assert!(!r.complete);
    assert_eq!(r.body, content(3, 1234));
}

#[test]
fn redirects() {
    let s = server();
    let p = s.port();
    let r = get(p, "/gen/10/1?redirect=%2Fgen%2F20%2F2&redirect_status=307", &[]);
    assert_eq!(r.status, 307);
    assert_eq!(r.header("location"), Some("/gen/20/2"));

    // A chain of 3 hops back to the same path, then the content.
    let mut path = "/gen/10/1?x=y&redirect_count=3".to_string();
    let mut hops = 0;
    loop {
        let r = get(p, &path, &[]);
        if r.status != 302 {
            assert_eq!((r.status, r.body), (200, content(1, 10)));
            break;
        }
        path = r.header("location").unwrap().to_string();
        assert!(path.contains("x=y"));
        hops += 1;
    }
    assert_eq!(hops, 3);

    // Absolute target (an http:// URL, as the HTTPS server would send for a downgrade).
    let target = format!("http://127.0.0.1:{p}/gen/10/1?a=b&c=d");
    for code in [301, 302, 303, 307, 308] {
        let r = get(p, &format!("/x?redirect={}&redirect_status={code}", percent_encode(&target)), &[]);
        assert_eq!(r.status, code);
        assert_eq!(r.header("location"), Some(target.as_str()));
    }
}

#[test]
fn trickle_and_delayed_headers() {
    let s = server();
    let p = s.port();
    let t = Instant::now();
    let r = get(p, "/gen/4000/1?trickle_bps=10000", &[]);
    let e = t.elapsed();
    assert_eq!(r.body, content(1, 4000));
    assert!(e >= Duration::from_millis(300), "{e:?}");
    assert!(e < Duration::from_secs(3), "{e:?}");

    let mut c = Client::connect(p);
    let t = Instant::now();
    c.request("GET", "/gen/10/1?delay_headers_ms=300", &[]);
    let mut one = [0u8; 1];
    c.stream.read_exact(&mut one).unwrap();
    assert!(t.elapsed() >= Duration::from_millis(300));
}

#[test]
fn extra_headers() {
    let s = server();
    let r = get(
        s.port(),
        "/gen/10/1?header=Retry-After:5&header=Content-Disposition%3Aattachment%3B%20filename%3D%22a.bin%22&fail_status=503",
        &[],
    );
    assert_eq!(r.status, 503);
    assert_eq!(r.header("retry-after"), Some("5"));
    assert_eq!(r.header("content-disposition"), Some("attachment; filename=\"a.bin\""));
    assert_eq!(get(s.port(), "/gen/10/1?header=nocolon", &[]).status, 400);
}

#[test]
fn basic_auth() {
    let s = server();
    let p = s.port();
    let path = "/gen/100/1?auth=basic:alice:s3cret";
    let r = get(p, path, &[]);
    assert_eq!(r.status, 401);
    assert_eq!(r.header("www-authenticate").map(|v| v.starts_with("Basic realm=\"deliveryopt-test\"")), Some(true));
    // "alice:s3cret" in base64, computed by hand.
    let r = get(p, path, &[("Authorization", "Basic YWxpY2U6czNjcmV0")]);
    assert_eq!((r.status, r.body), (200, content(1, 100)));
    let wrong = auth::basic_authorization("alice", "nope");
    assert_eq!(get(p, path, &[("Authorization", &wrong)]).status, 401);
}

fn md5_hex(s: &str) -> String {
    use md5::{Digest, Md5};
    Md5::digest(s.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// The client side of RFC 7616, written out here independently of the server's code.
fn digest_header(challenge: &str, uri: &str, user: &str, pass: &str) -> String {
    let field = |name: &str| -> String {
        let i = challenge.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
        challenge[i..].split('"').next().unwrap().to_string()
    };
    let (realm, nonce, opaque) = (field("realm"), field("nonce"), field("opaque"));
    assert!(challenge.starts_with("Digest "));
    assert!(challenge.contains("qop=\"auth\""));
    let ha1 = md5_hex(&format!("{user}:{realm}:{pass}"));
    let ha2 = md5_hex(&format!("GET:{uri}"));
    let cnonce = "abcdef0123";
    let response = md5_hex(&format!("{ha1}:{nonce}:00000002:{cnonce}:auth:{ha2}"));
    format!(
        "Digest username=\"{user}\", realm=\"{realm}\", nonce=\"{nonce}\", uri=\"{uri}\", \
         qop=auth, nc=00000002, cnonce=\"{cnonce}\", response=\"{response}\", opaque=\"{opaque}\", algorithm=MD5"
    )
}

#[test]
fn digest_auth() {
    let s = server();
    let p = s.port();
    let path = "/gen/100/2?auth=digest:bob:pa%3Ass";
    let mut c = Client::connect(p);
    c.request("GET", path, &[]);
    let r = c.read_response(false);
    assert_eq!(r.status, 401);
    let challenge = r.header("www-authenticate").unwrap().to_string();

    let good = digest_header(&challenge, path, "bob", "pa:ss");
    c.request("GET", path, &[("Authorization", &good)]);
    let r = c.read_response(false);
    assert_eq!((r.status, r.body), (200, content(2, 100)));

    let bad = digest_header(&challenge, path, "bob", "wrong");
    c.request("GET", path, &[("Authorization", &bad)]);
    assert_eq!(c.read_response(false).status, 401);
    let other_user = digest_header(&challenge, path, "eve", "pa:ss");
    c.request("GET", path, &[("Authorization", &other_user)]);
    assert_eq!(c.read_response(false).status, 401);
    // A forged nonce is refused even with a correct response for it.
    let forged = challenge
        .replace(&challenge[challenge.find("nonce=\"").unwrap() + 7..][..32], "00000000000000000000000000000000");
    let h = digest_header(&forged, path, "bob", "pa:ss");
    c.request("GET", path, &[("Authorization", &h)]);
    assert_eq!(c.read_response(false).status, 401);
    // The library's client helper agrees.
    let h = auth::digest_authorization(&challenge, "GET", path, "bob", "pa:ss").unwrap();
    c.request("GET", path, &[("Authorization", &h)]);
    assert_eq!(c.read_response(false).status, 200);
}

#[test]
fn bad_parameters_are_400() {
    let s = server();
    for q in ["drop_after=x", "fail_status=99", "auth=ntlm:a:b", "trickle_bps=0"] {
        assert_eq!(get(s.port(), &format!("/gen/10/1?{q}"), &[]).status, 400, "{q}");
    }
    // Unknown parameters are ignored.
    assert_eq!(get(s.port(), "/gen/10/1?whatever=1", &[]).status, 200);
}
