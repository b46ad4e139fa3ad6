//! The HTTP response path: the engine's client fetches from a loopback server that answers with
//! the fuzz input (a whole raw response: status line, headers, body), from offset 0 or resuming
//! with validators, or as one piece of a segmented download (the first input byte chooses).
#![no_main]

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex, OnceLock};

struct Server {
    port: u16,
    /// What every connection is answered with now.
    answer: Arc<Mutex<Vec<u8>>>,
}

fn serve(listener: TcpListener, answer: Arc<Mutex<Vec<u8>>>) {
    for conn in listener.incoming() {
        let Ok(mut c) = conn else { continue };
        let answer = answer.lock().unwrap().clone();
        let _ = c.set_read_timeout(Some(std::time::Duration::from_millis(200)));
        // The request head (until a blank line), then the canned answer, then close.
        let mut head = Vec::new();
        let mut b = [0u8; 1024];
        while !head.windows(4).any(|w| w == b"\r\n\r\n") {
            match c.read(&mut b) {
                Ok(0) | Err(_) => break,
                Ok(n) => head.extend_from_slice(&b[..n]),
            }
        }
        let _ = c.write_all(&answer);
    }
}

fn server() -> &'static Server {
    static S: OnceLock<Server> = OnceLock::new();
    S.get_or_init(|| {
        let listener = TcpListener::bind("127.0.0.1:0").expect("loopback");
        let port = listener.local_addr().unwrap().port();
        let answer = Arc::new(Mutex::new(Vec::new()));
        let a = answer.clone();
        std::thread::spawn(move || serve(listener, a));
        Server { port, answer }
    })
}

fn client() -> &'static deliveryopt::engine::http::HttpClient {
    static C: OnceLock<deliveryopt::engine::http::HttpClient> = OnceLock::new();
    C.get_or_init(deliveryopt::engine::fuzzing::http_client)
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Some((&mode, answer)) = data.split_first() else { return };
    let s = server();
    *s.answer.lock().unwrap() = answer.to_vec();
    let url = format!("http://127.0.0.1:{}/f", s.port);
    // Bit 0: resuming with validators; bit 1: one piece of a segmented download (a range
    // request with If-Range); the rest: the offset in hundreds of bytes.
    let (resume, piece) = (mode & 1 == 1, mode & 2 == 2);
    let offset = if resume || piece { u64::from(mode >> 2) * 100 } else { 0 };
    deliveryopt::engine::fuzzing::http_response(client(), &url, offset, resume, piece);
});
