//! A raw HTTP/1.1 client on `TcpStream`, so tests see exactly what went over the wire.
#![allow(dead_code)]

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// One response as read off the socket.
#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// The body was complete per its framing (Content-Length reached, chunked
    /// terminator seen, or EOF for a close-delimited body).
    pub complete: bool,
    /// The read that ended the body failed (e.g. connection reset).
    pub error: Option<io::ErrorKind>,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// A client connection.
pub struct Client {
    pub stream: TcpStream,
    buf: Vec<u8>,
}

impl Client {
    pub fn connect(port: u16) -> Client {
        let stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
        stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        Client { stream, buf: Vec::new() }
    }

    pub fn send(&mut self, raw: &str) {
        self.stream.write_all(raw.as_bytes()).expect("send");
    }

    /// Sends `GET path` (or another method) with extra header lines.
    pub fn request(&mut self, method: &str, path: &str, headers: &[(&str, &str)]) {
        let mut r = format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        for (n, v) in headers {
            r.push_str(&format!("{n}: {v}\r\n"));
        }
        r.push_str("\r\n");
        self.send(&r);
    }

    fn fill(&mut self) -> io::Result<usize> {
        let mut tmp = [0u8; 65536];
        let n = self.stream.read(&mut tmp)?;
        self.buf.extend_from_slice(&tmp[..n]);
        Ok(n)
    }

    /// Reads one response; `head_only` for HEAD requests.
    pub fn read_response(&mut self, head_only: bool) -> Resp {
        let end = loop {
            if let Some(p) = self.buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break p;
            }
            match self.fill() {
                Ok(0) => panic!("EOF before response head: {:?}", String::from_utf8_lossy(&self.buf)),
                Ok(_) => {}
                Err(e) => panic!("error before response head: {e}"),
            }
        };
        let head = String::from_utf8(self.buf.drain(..end + 4).collect()).unwrap();
        let mut lines = head.split("\r\n");
        let status_line = lines.next().unwrap();
        let status: u16 = status_line.split(' ').nth(1).unwrap().parse().unwrap();
        let headers: Vec<(String, String)> = lines
            .filter(|l| !l.is_empty())
            .map(|l| {
                let (n, v) = l.split_once(':').unwrap();
                (n.to_string(), v.trim().to_string())
            })
            .collect();
        let mut resp = Resp { status, headers, body: Vec::new(), complete: true, error: None };
        if head_only || status == 304 || status == 204 || (100..200).contains(&status) {
            return resp;
        }
        if resp.header("transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
            self.read_chunked(&mut resp);
        } else if let Some(cl) = resp.header("content-length") {
            let cl: usize = cl.parse().unwrap();
            while self.buf.len() < cl {
                match self.fill() {
                    Ok(0) => break,
                    Ok(_) => {}
                    Err(e) => {
                        resp.error = Some(e.kind());
                        break;
                    }
                }
            }
            let n = cl.min(self.buf.len());
            resp.body = self.buf.drain(..n).collect();
            resp.complete = n == cl;
        } else {
            loop {
                match self.fill() {
                    Ok(0) => break,
                    Ok(_) => {}
                    Err(e) => {
                        resp.error = Some(e.kind());
                        resp.complete = false;
                        break;
                    }
                }
            }
            resp.body = std::mem::take(&mut self.buf);
        }
        resp
    }

    fn read_chunked(&mut self, resp: &mut Resp) {
        loop {
            let line_end = loop {
                if let Some(p) = self.buf.windows(2).position(|w| w == b"\r\n") {
                    break p;
                }
                match self.fill() {
                    Ok(0) | Err(_) => {
                        resp.complete = false;
                        return;
                    }
                    Ok(_) => {}
                }
            };
            let line = String::from_utf8(self.buf.drain(..line_end + 2).collect()).unwrap();
            let size = usize::from_str_radix(line.trim(), 16).expect("chunk size");
            while self.buf.len() < size + 2 {
                match self.fill() {
                    Ok(0) | Err(_) => {
                        let n = size.min(self.buf.len());
                        resp.body.extend(self.buf.drain(..n));
                        resp.complete = false;
                        return;
                    }
                    Ok(_) => {}
                }
            }
            if size == 0 {
                self.buf.drain(..2);
                return;
            }
            resp.body.extend(self.buf.drain(..size));
            self.buf.drain(..2);
        }
    }

    /// Everything left until EOF (including bytes already buffered).
    pub fn read_rest(&mut self) -> Vec<u8> {
        let mut rest = std::mem::take(&mut self.buf);
        self.stream.read_to_end(&mut rest).expect("read to EOF");
        rest
    }

    /// Whether the server closed the connection (EOF or reset) within `wait`.
    pub fn closed_by_peer(&mut self, wait: Duration) -> bool {
        self.stream.set_read_timeout(Some(wait)).unwrap();
        let r = self.fill();
        self.stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        match r {
            Ok(0) => true,
            Ok(_) => false,
            Err(e) => !matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut),
        }
    }
}

/// One request on a fresh connection.
pub fn get(port: u16, path: &str, headers: &[(&str, &str)]) -> Resp {
    let mut c = Client::connect(port);
    c.request("GET", path, headers);
    c.read_response(false)
}
