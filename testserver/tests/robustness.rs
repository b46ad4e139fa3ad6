//! Bounds, malformed input, disconnects and stopping.

mod common;

use std::io::Write;
use std::time::{Duration, Instant};

use common::{get, Client};
use testserver::{content, Options, Server};

#[test]
fn absurd_request_line_is_refused() {
    let s = Server::start(Options::default()).unwrap();
    let mut c = Client::connect(s.port());
    let long = format!("GET /{} HTTP/1.1\r\n", "a".repeat(70 * 1024));
    // The server may close before reading it all; ignore write errors.
    let _ = c.stream.write_all(long.as_bytes());
    let r = c.read_response(false);
    assert_eq!(r.status, 414);

    let mut c = Client::connect(s.port());
    let mut req = "GET / HTTP/1.1\r\n".to_string();
    for i in 0..2000 {
        req.push_str(&format!("X-H{i}: {}\r\n", "v".repeat(40)));
    }
    req.push_str("\r\n");
    let _ = c.stream.write_all(req.as_bytes());
    assert_eq!(c.read_response(false).status, 431);
    // Still serving.
    assert_eq!(get(s.port(), "/gen/3/3", &[]).body, content(3, 3));
}

#[test]
fn malformed_requests_get_400() {
    let s = Server::start(Options::default()).unwrap();
    for raw in [
        "GARBAGE\r\n\r\n",
        "GET /x HTTP/2.0\r\n\r\n",
        "GET /x HTTP/1.1\r\nNoColon\r\n\r\n",
        "GET /x HTTP/1.1\r\n folded: x\r\n\r\n",
    ] {
        let mut c = Client::connect(s.port());
        c.send(raw);
        assert_eq!(c.read_response(false).status, 400, "{raw:?}");
    }
    let mut c = Client::connect(s.port());
    c.send("GET /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
    assert_eq!(c.read_response(false).status, 501);
}

#[test]
fn client_disconnects_do_not_hurt() {
    let s = Server::start(Options::default()).unwrap();
    for i in 0..20 {
        let mut c = Client::connect(s.port());
        if i % 2 == 0 {
            c.request("GET", "/gen/10000000/1", &[]);
            let mut b = [0u8; 1000];
            let _ = std::io::Read::read(&mut c.stream, &mut b);
        } else {
            c.send("GET /gen/10/1 HT");
        }
    }
    // Connect-and-close without a byte, too.
    for _ in 0..5 {
        drop(std::net::TcpStream::connect(("127.0.0.1", s.port())).unwrap());
    }
    assert_eq!(get(s.port(), "/gen/5/1", &[]).body, content(1, 5));
    let t = Instant::now();
    while s.open_connections() > 0 && t.elapsed() < Duration::from_secs(5) {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(s.open_connections(), 0);
}

#[test]
fn stop_ends_every_thread_promptly() {
    let s = Server::start(Options::default()).unwrap();
    let port = s.port();
    // An idle keep-alive connection, a slow reader, a stalled one and a delayed one.
    let mut idle = Client::connect(port);
    idle.request("GET", "/gen/10/1", &[]);
    idle.read_response(false);
    let mut slow = Client::connect(port);
    slow.request("GET", "/gen/100000000/1", &[]);
    let mut stalled = Client::connect(port);
    stalled.request("GET", "/gen/1000/1?stall_after=5", &[]);
    let mut delayed = Client::connect(port);
    delayed.request("GET", "/gen/1000/1?delay_headers_ms=60000", &[]);
    let mut trickle = Client::connect(port);
    trickle.request("GET", "/gen/100000/1?trickle_bps=10", &[]);
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(s.open_connections(), 5);
    let t = Instant::now();
    s.stop();
    assert!(t.elapsed() < Duration::from_secs(2), "{:?}", t.elapsed());
    s.stop(); // idempotent
    assert!(idle.closed_by_peer(Duration::from_secs(2)));
    // The listener is closed.
    assert!(std::net::TcpStream::connect(("127.0.0.1", port)).is_err());
}

#[test]
fn idle_connections_time_out() {
    let s = Server::start(Options { idle_timeout: Duration::from_millis(300), ..Default::default() }).unwrap();
    let mut c = Client::connect(s.port());
    c.request("GET", "/gen/10/1", &[]);
    c.read_response(false);
    assert!(c.closed_by_peer(Duration::from_secs(3)));
}

#[test]
fn many_servers_and_concurrent_clients() {
    let servers: Vec<Server> = (0..4).map(|_| Server::start(Options::default()).unwrap()).collect();
    std::thread::scope(|sc| {
        for s in &servers {
            for t in 0..4u64 {
                sc.spawn(move || {
                    let mut c = Client::connect(s.port());
                    for i in 0..10u64 {
                        c.request("GET", &format!("/gen/{}/{}", 1000 + i, t), &[]);
                        assert_eq!(c.read_response(false).body, content(t, 1000 + i as usize));
                    }
                });
            }
        }
    });
    for s in &servers {
        assert_eq!(s.requests().len(), 40);
        s.clear_requests();
        assert!(s.requests().is_empty());
    }
}
