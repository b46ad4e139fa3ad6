//! Normal behaviour: GET/HEAD, validators, ranges, If-Range, keep-alive, files.

mod common;

use common::{get, Client};
use testserver::{content, fill_content, http_date, Options, RangeHeader, Server};

fn server() -> Server {
    Server::start(Options::default()).expect("start")
}

#[test]
fn server_is_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<Server>();
}

#[test]
fn get_and_head_of_generated_content() {
    let s = server();
    assert!(s.url("/x").starts_with("http://127.0.0.1:"));
    let r = get(s.port(), "/gen/5000/3", &[]);
    assert_eq!(r.status, 200);
    assert_eq!(r.body, content(3, 5000));
    assert_eq!(r.header("content-length"), Some("5000"));
    assert_eq!(r.header("accept-ranges"), Some("bytes"));
    assert_eq!(r.header("etag"), Some("\"gen-5000-3\""));
    assert_eq!(r.header("last-modified"), Some("Mon, 01 Jan 2024 00:00:00 GMT"));
    // Trailing name segment allowed.
    assert_eq!(get(s.port(), "/gen/10/3/file.bin", &[]).body, content(3, 10));

    let mut c = Client::connect(s.port());
    c.request("HEAD", "/gen/5000/3", &[]);
    let h = c.read_response(true);
    assert_eq!(h.status, 200);
    assert_eq!(h.header("content-length"), Some("5000"));
    assert!(h.body.is_empty());
    // Same connection goes on: keep-alive after HEAD.
    c.request("GET", "/gen/7/3", &[]);
    assert_eq!(c.read_response(false).body, content(3, 7));

    let log = s.requests();
    assert_eq!(log.len(), 4);
    assert_eq!(log[2].method, "HEAD");
    assert_eq!(log[2].conn_id, log[3].conn_id);
    assert_ne!(log[0].conn_id, log[2].conn_id);
    assert_eq!(log[0].body_bytes_sent, 5000);
    assert_eq!(log[2].body_bytes_sent, 0);
    assert_eq!(log[0].status, 200);
    assert_eq!(log[0].header("host"), Some("127.0.0.1"));
}

#[test]
fn huge_generated_file_is_random_access() {
    let s = server();
    let len: u64 = 1 << 30;
    let mut c = Client::connect(s.port());
    c.request("HEAD", "/gen/1073741824/7", &[]);
    assert_eq!(c.read_response(true).header("content-length"), Some("1073741824"));
    c.request("GET", "/gen/1073741824/7", &[("Range", "bytes=-100")]);
    let r = c.read_response(false);
    assert_eq!(r.status, 206);
    let mut want = vec![0u8; 100];
    fill_content(7, len - 100, &mut want);
    assert_eq!(r.body, want);
    assert_eq!(r.header("content-range"), Some("bytes 1073741724-1073741823/1073741824"));
    // Start streaming the whole GiB, read 1 MiB, hang up: the server copes.
    c.request("GET", "/gen/1073741824/7", &[]);
    let mut got = 0usize;
    let mut tmp = vec![0u8; 65536];
    while got < (1 << 20) {
        got += std::io::Read::read(&mut c.stream, &mut tmp).unwrap();
    }
    drop(c);
    assert_eq!(get(s.port(), "/gen/3/7", &[]).body, content(7, 3));
}

#[test]
fn ranges() {
    let s = server();
    let all = content(9, 1000);
    let p = s.port();
    let r = get(p, "/gen/1000/9", &[("Range", "bytes=100-199")]);
    assert_eq!(r.status, 206);
    assert_eq!(r.body, &all[100..200]);
    assert_eq!(r.header("content-range"), Some("bytes 100-199/1000"));
    assert_eq!(r.header("content-length"), Some("100"));

    let r = get(p, "/gen/1000/9", &[("Range", "bytes=990-")]);
    assert_eq!((r.status, &r.body[..]), (206, &all[990..]));
    let r = get(p, "/gen/1000/9", &[("Range", "bytes=-10")]);
    assert_eq!((r.status, &r.body[..]), (206, &all[990..]));
    assert_eq!(r.header("content-range"), Some("bytes 990-999/1000"));
    // Last byte past the end is clamped.
    let r = get(p, "/gen/1000/9", &[("Range", "bytes=995-5000")]);
    assert_eq!((r.status, &r.body[..]), (206, &all[995..]));

    let r = get(p, "/gen/1000/9", &[("Range", "bytes=1000-")]);
    assert_eq!(r.status, 416);
    assert_eq!(r.header("content-range"), Some("bytes */1000"));
    // Multiple and invalid ranges are ignored.
    let r = get(p, "/gen/1000/9", &[("Range", "bytes=0-1,5-6")]);
    assert_eq!((r.status, r.body.len()), (200, 1000));
    let r = get(p, "/gen/1000/9", &[("Range", "bytes=9-1")]);
    assert_eq!((r.status, r.body.len()), (200, 1000));

    let log = s.requests();
    assert_eq!(log[0].range, Some(RangeHeader::Single(testserver::ByteRange::FromTo(100, 199))));
    assert!(matches!(log[5].range, Some(RangeHeader::Multiple(_))));
    assert!(matches!(log[6].range, Some(RangeHeader::Invalid(_))));
    assert_eq!(log[0].body_bytes_sent, 100);
}

#[test]
fn if_range_and_conditionals() {
    let s = server();
    let p = s.port();
    s.add_file("/f.bin", content(1, 500));
    let first = get(p, "/f.bin", &[]);
    let etag = first.header("etag").unwrap().to_string();
    let lm = first.header("last-modified").unwrap().to_string();

    let r = get(p, "/f.bin", &[("Range", "bytes=10-19"), ("If-Range", &etag)]);
    assert_eq!(r.status, 206);
    let r = get(p, "/f.bin", &[("Range", "bytes=10-19"), ("If-Range", &lm)]);
    assert_eq!(r.status, 206);
    let r = get(p, "/f.bin", &[("Range", "bytes=10-19"), ("If-Range", "\"other\"")]);
    assert_eq!((r.status, r.body.len()), (200, 500));
    let old = http_date(1_000_000_000);
    let r = get(p, "/f.bin", &[("Range", "bytes=10-19"), ("If-Range", &old)]);
    assert_eq!((r.status, r.body.len()), (200, 500));

    let r = get(p, "/f.bin", &[("If-None-Match", &etag)]);
    assert_eq!(r.status, 304);
    assert!(r.body.is_empty());
    let r = get(p, "/f.bin", &[("If-Modified-Since", &lm)]);
    assert_eq!(r.status, 304);

    // After set_file the old validators no longer match.
    s.set_file("/f.bin", content(2, 600));
    let r = get(p, "/f.bin", &[("Range", "bytes=10-19"), ("If-Range", &etag)]);
    assert_eq!((r.status, r.body.clone()), (200, content(2, 600)));
    assert_ne!(r.header("etag").unwrap(), etag);
    assert_ne!(r.header("last-modified").unwrap(), lm);
    let r = get(p, "/f.bin", &[("Range", "bytes=10-19"), ("If-Range", &lm)]);
    assert_eq!(r.status, 200);
}

#[test]
fn files_not_found_and_methods() {
    let s = server();
    let p = s.port();
    s.add_file("dir/a b.txt", b"hello".to_vec());
    assert_eq!(get(p, "/dir/a%20b.txt", &[]).body, b"hello");
    assert_eq!(get(p, "/nothing", &[]).status, 404);
    assert_eq!(get(p, "/gen/x/1", &[]).status, 404);
    let mut c = Client::connect(p);
    c.send("POST /dir/a%20b.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc");
    assert_eq!(c.read_response(false).status, 405);
    // The body was consumed: the connection still works.
    c.request("GET", "/dir/a%20b.txt", &[]);
    assert_eq!(c.read_response(false).body, b"hello");
    s.remove_file("/dir/a b.txt");
    assert_eq!(get(p, "/dir/a%20b.txt", &[]).status, 404);
    // Empty file: 200 with no body; any range is unsatisfiable.
    s.add_file("/empty", Vec::new());
    let r = get(p, "/empty", &[]);
    assert_eq!((r.status, r.header("content-length")), (200, Some("0")));
    assert_eq!(get(p, "/empty", &[("Range", "bytes=0-")]).status, 416);
}

#[test]
fn keep_alive_pipelining_and_http10() {
    let s = server();
    let p = s.port();
    let mut c = Client::connect(p);
    c.send("GET /gen/10/1 HTTP/1.1\r\nHost: x\r\n\r\nGET /gen/20/2 HTTP/1.1\r\nHost: x\r\n\r\n");
    assert_eq!(c.read_response(false).body, content(1, 10));
    assert_eq!(c.read_response(false).body, content(2, 20));
    c.request("GET", "/gen/5/5", &[("Connection", "close")]);
    let r = c.read_response(false);
    assert_eq!(r.header("connection"), Some("close"));
    assert!(c.closed_by_peer(std::time::Duration::from_secs(2)));

    let mut c = Client::connect(p);
    c.send("GET /gen/5/5 HTTP/1.0\r\n\r\n");
    let r = c.read_response(false);
    assert_eq!((r.status, r.header("connection")), (200, Some("close")));
    assert!(c.closed_by_peer(std::time::Duration::from_secs(2)));

    let mut c = Client::connect(p);
    c.send("GET /gen/5/5 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    assert_eq!(c.read_response(false).header("connection"), Some("keep-alive"));
    c.request("GET", "/gen/5/6?close=1", &[]);
    assert_eq!(c.read_response(false).header("connection"), Some("close"));
    assert!(c.closed_by_peer(std::time::Duration::from_secs(2)));
    let log = s.requests();
    assert_eq!(log[0].conn_id, log[1].conn_id);
    assert_eq!(log[0].conn_id, log[2].conn_id);
}

#[test]
fn root_directory_is_served() {
    let dir = std::env::temp_dir().join(format!("testserver-root-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    std::fs::write(dir.join("sub/f.bin"), content(4, 3000)).unwrap();
    let s = Server::start(Options { root: Some(dir.clone()), ..Default::default() }).unwrap();
    let r = get(s.port(), "/sub/f.bin", &[("Range", "bytes=1000-1999")]);
    assert_eq!((r.status, &r.body[..]), (206, &content(4, 3000)[1000..2000]));
    assert!(r.header("etag").unwrap().starts_with("\"f-"));
    assert_eq!(get(s.port(), "/sub/../sub/f.bin", &[]).status, 404);
    assert_eq!(get(s.port(), "/sub", &[]).status, 404);
    drop(s);
    std::fs::remove_dir_all(dir).unwrap();
}
