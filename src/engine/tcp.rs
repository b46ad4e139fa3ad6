//! Plain TCP connections for ureq, as its own `TcpConnector` makes them (every resolved address
//! tried in turn within the connect timeout, TCP_NODELAY, a handle for `Agent::shutdown`), with
//! two differences that matter when thousands of small files share kept-alive connections:
//!
//! - the liveness check the connection pool makes when a connection is put back and again when it
//!   is taken out is one non-blocking peek (`recv(MSG_PEEK | MSG_DONTWAIT)`), not a switch to
//!   non-blocking mode, a read and a switch back: one system call instead of three, twice a file;
//! - socket timeouts are set only when they change.

use std::fs::File;
use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream};
use std::os::fd::OwnedFd;
use std::os::unix::fs::FileExt;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use ureq::unversioned::transport::{
    Buffers, ConnectionDetails, Connector, Either, LazyBuffers, NextTimeout, ShutdownHandle, Transport,
};

/// The connector (the first link that opens a socket in the chain; a chained transport, e.g. a
/// tunnel, is passed on untouched).
#[derive(Debug, Default)]
pub struct TcpConnector;

impl<In: Transport> Connector<In> for TcpConnector {
    type Out = Either<In, TcpTransport>;

    fn connect(&self, details: &ConnectionDetails, chained: Option<In>) -> Result<Option<Self::Out>, ureq::Error> {
        if let Some(t) = chained {
            return Ok(Some(Either::A(t)));
        }
        let stream = connect_any(details)?;
        if details.config.no_delay() {
            stream.set_nodelay(true)?;
        }
        let buffers = LazyBuffers::new(details.config.input_buffer_size(), details.config.output_buffer_size());
        // Only a direct plain-HTTP connection carries the response's bytes as they are, so only
        // its body may be moved to a file by the kernel (see `Direct`).
        let plain = details.uri.scheme_str() == Some("http") && details.config.proxy().is_none();
        let transport = TcpTransport::with_plain(stream, buffers, plain);
        (details.register_shutdown)(Arc::downgrade(&transport.stream) as std::sync::Weak<dyn ShutdownHandle>)?;
        Ok(Some(Either::B(transport)))
    }
}

/// Tries the resolved addresses in order. Each gets what is left of the connect budget divided by
/// the addresses left, so one that does not answer cannot use up the time of the others. The
/// last error is returned when none connects.
fn connect_any(details: &ConnectionDetails) -> Result<TcpStream, ureq::Error> {
    let budget = details.timeout.not_zero().map(|d| *d);
    let started = Instant::now();
    let addrs: Vec<_> = details.addrs.iter().copied().collect();
    let mut last: Option<ureq::Error> = None;
    for (i, addr) in addrs.iter().enumerate() {
        let attempt = match budget {
            Some(total) => {
                let left = total.saturating_sub(started.elapsed());
                if left.is_zero() {
                    return Err(ureq::Error::Timeout(ureq::Timeout::Connect));
                }
                TcpStream::connect_timeout(addr, (left / (addrs.len() - i) as u32).max(Duration::from_millis(10)))
            }
            None => TcpStream::connect(addr),
        };
        match attempt {
            Ok(s) => return Ok(s),
            Err(e) if matches!(e.kind(), std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock) => {
                last = Some(ureq::Error::Timeout(ureq::Timeout::Connect));
            }
            Err(e) => last = Some(e.into()),
        }
    }
    Err(last.unwrap_or_else(|| {
        std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "no address to connect to").into()
    }))
}

/// The socket, shared with the agent's shutdown handle (and, for a plain connection, with the
/// `Direct` copy of a body).
#[derive(Debug)]
struct Socket {
    stream: TcpStream,
    /// A direct plain-HTTP connection (no TLS, no proxy): its bytes are the response's.
    plain: bool,
    /// Bytes ureq has read from the socket and not yet used (what its input buffer holds).
    unread: AtomicUsize,
}

impl ShutdownHandle for Socket {
    fn shutdown(&self) {
        let _ = self.stream.shutdown(Shutdown::Both);
    }
}

thread_local! {
    /// The plain connection this thread last read from: after a request is answered, the one
    /// that carried the answer.
    static LAST_READ: std::cell::RefCell<std::sync::Weak<Socket>> = const { std::cell::RefCell::new(std::sync::Weak::new()) };
}

/// Forgets which connection this thread last read from (called before each request, so that
/// `Direct::take` can only find the connection of the answer that follows).
pub fn forget_last_read() {
    LAST_READ.with(|l| *l.borrow_mut() = std::sync::Weak::new());
}

/// ureq's buffers, counting what the input buffer holds so the body of a response can be taken
/// over from the socket once ureq holds none of it.
#[derive(Debug)]
struct CountedBuffers {
    inner: LazyBuffers,
    socket: Arc<Socket>,
}

impl CountedBuffers {
    fn count(&self) {
        self.socket.unread.store(self.inner.input().len(), Ordering::Relaxed);
    }
}

impl Buffers for CountedBuffers {
    fn output(&mut self) -> &mut [u8] {
        self.inner.output()
    }
    fn input(&self) -> &[u8] {
        self.inner.input()
    }
    fn input_append_buf(&mut self) -> &mut [u8] {
        self.inner.input_append_buf()
    }
    fn input_appended(&mut self, amount: usize) {
        self.inner.input_appended(amount);
        self.count();
    }
    fn input_consume(&mut self, amount: usize) {
        self.inner.input_consume(amount);
        self.count();
    }
    fn tmp_and_output(&mut self) -> (&mut [u8], &mut [u8]) {
        self.inner.tmp_and_output()
    }
    fn can_use_input(&self) -> bool {
        self.inner.can_use_input()
    }
}

/// The rest of a response body read straight from its plain connection into a file, by the
/// kernel: `splice(2)` from the socket into a pipe (`receive`), and from the pipe into the file
/// (`write_to`), so the bytes are never copied into this process. A loopback download of a large
/// file spends most of its CPU on those copies.
///
/// Taken only when ureq holds none of the body in its buffer: from then on ureq must not read
/// the connection again (the response is dropped unread; ureq closes the connection, it does not
/// go back to the pool).
pub struct Direct {
    socket: Arc<Socket>,
    /// The pipe (read end, write end), made on first use.
    pipe: Option<(OwnedFd, OwnedFd)>,
    /// False once the kernel refused a pipe or the file refused spliced bytes (a filesystem
    /// without splice support): the bytes then pass through `buf`.
    splice: bool,
    buf: Vec<u8>,
    /// Received and not yet written: in the pipe, or `buf[held.0..held.1]`.
    held: Held,
}

#[derive(Debug, Clone, Copy)]
enum Held {
    Pipe(usize),
    Buf(usize, usize),
}

impl Held {
    fn len(self) -> usize {
        match self {
            Held::Pipe(n) => n,
            Held::Buf(a, b) => b - a,
        }
    }
}

impl std::fmt::Debug for Direct {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Direct").field("splice", &self.splice).field("held", &self.held).finish()
    }
}

impl Direct {
    /// The plain connection the last answer on this thread came from, if any.
    pub fn take() -> Option<Direct> {
        let socket = LAST_READ.with(|l| std::mem::take(&mut *l.borrow_mut())).upgrade()?;
        Some(Direct { socket, pipe: None, splice: true, buf: Vec::new(), held: Held::Buf(0, 0) })
    }

    /// Limits the silence of the connection to `timeout` per `receive` (ureq's setting was for
    /// the response head).
    pub fn set_read_timeout(&self, timeout: Duration) -> std::io::Result<()> {
        self.socket.stream.set_read_timeout(Some(timeout.max(Duration::from_millis(1))))
    }

    /// Bytes of the connection ureq has read and not used: the body may be taken over only when
    /// this is 0.
    pub fn unread(&self) -> usize {
        self.socket.unread.load(Ordering::Relaxed)
    }

    /// Bytes received and not yet written or dropped.
    pub fn held(&self) -> usize {
        self.held.len()
    }

    /// Receives at most `max` (and at most 1 MiB) bytes of the connection, waiting for the first
    /// at most the read timeout (an error of kind `WouldBlock` then). Returns how many (0: the
    /// server closed the connection). What was held before is dropped first.
    pub fn receive(&mut self, max: usize) -> std::io::Result<usize> {
        use rustix::pipe::{splice, SpliceFlags};
        self.discard()?;
        if self.pipe.is_none() && self.splice {
            match rustix::pipe::pipe_with(rustix::pipe::PipeFlags::CLOEXEC) {
                Ok((r, w)) => {
                    // Larger than the default 64 KiB: fewer calls per MiB. Refused above the
                    // system's limit for unprivileged users; the default then serves.
                    let _ = rustix::pipe::fcntl_setpipe_size(&w, DIRECT_BLOCK);
                    self.pipe = Some((r, w));
                }
                Err(_) => self.splice = false,
            }
        }
        let len = max.min(DIRECT_BLOCK);
        if let Some((_, w)) = self.pipe.as_ref().filter(|_| self.splice) {
            let n = loop {
                match splice(&self.socket.stream, None, w, None, len, SpliceFlags::MOVE | SpliceFlags::MORE) {
                    Ok(n) => break n,
                    Err(rustix::io::Errno::INTR) => continue,
                    Err(e) => return Err(e.into()),
                }
            };
            self.held = Held::Pipe(n);
            return Ok(n);
        }
        if self.buf.len() < len {
            self.buf.resize(len, 0);
        }
        let n = loop {
            match (&self.socket.stream).read(&mut self.buf[..len]) {
                Ok(n) => break n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        };
        self.held = Held::Buf(0, n);
        Ok(n)
    }

    /// Writes the first `n` held bytes into `file` at `offset` (all of them, or an error).
    pub fn write_to(&mut self, file: &File, offset: u64, n: usize) -> std::io::Result<()> {
        use rustix::pipe::{splice, SpliceFlags};
        if n > self.held.len() {
            return Err(std::io::Error::new(std::io::ErrorKind::InvalidInput, "more bytes than are held"));
        }
        let mut at = offset;
        let mut left = n;
        while left > 0 {
            match self.held {
                Held::Pipe(have) => {
                    let Some((r, _)) = self.pipe.as_ref() else {
                        return Err(std::io::Error::other("bytes held in a pipe that is gone"));
                    };
                    match splice(r, None, file, Some(&mut at), left, SpliceFlags::MOVE) {
                        Ok(0) => return Err(std::io::ErrorKind::WriteZero.into()),
                        Ok(k) => {
                            left -= k;
                            self.held = Held::Pipe(have - k);
                        }
                        Err(rustix::io::Errno::INTR) => continue,
                        Err(rustix::io::Errno::INVAL) => {
                            // This file takes no spliced bytes: the pipe's go through memory,
                            // and later ones are read plainly.
                            self.splice = false;
                            self.unpipe()?;
                        }
                        Err(e) => return Err(e.into()),
                    }
                }
                Held::Buf(a, b) => {
                    file.write_all_at(&self.buf[a..a + left], at)?;
                    self.held = Held::Buf(a + left, b);
                    left = 0;
                }
            }
        }
        Ok(())
    }

    /// Drops the held bytes.
    pub fn discard(&mut self) -> std::io::Result<()> {
        match self.held {
            Held::Pipe(n) if n > 0 => {
                self.unpipe()?;
                self.held = Held::Buf(0, 0);
            }
            _ => self.held = Held::Buf(0, 0),
        }
        Ok(())
    }

    /// Moves what the pipe holds into `buf`.
    fn unpipe(&mut self) -> std::io::Result<()> {
        let n = self.held.len();
        let Some((r, _)) = self.pipe.as_ref() else { return Ok(()) };
        if self.buf.len() < n {
            self.buf.resize(n, 0);
        }
        let mut filled = 0;
        while filled < n {
            match rustix::io::read(r, &mut self.buf[filled..n]) {
                Ok(0) => break,
                Ok(k) => filled += k,
                Err(rustix::io::Errno::INTR) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        self.held = Held::Buf(0, filled);
        Ok(())
    }
}

/// The most a direct copy moves per `receive` (and the pipe's size).
const DIRECT_BLOCK: usize = 1 << 20;

/// An open connection as a ureq transport (also the tunnel a CONNECT proxy opened, see
/// `proxy_auth`).
pub struct TcpTransport {
    stream: Arc<Socket>,
    buffers: CountedBuffers,
    /// The socket timeouts last set.
    read_timeout: Option<Duration>,
    write_timeout: Option<Duration>,
}

impl TcpTransport {
    /// A connection whose bytes are not a plain HTTP response of their own (a proxy's tunnel).
    pub(crate) fn new(stream: TcpStream, buffers: LazyBuffers) -> TcpTransport {
        TcpTransport::with_plain(stream, buffers, false)
    }

    fn with_plain(stream: TcpStream, buffers: LazyBuffers, plain: bool) -> TcpTransport {
        let socket = Arc::new(Socket { stream, plain, unread: AtomicUsize::new(0) });
        TcpTransport {
            stream: socket.clone(),
            buffers: CountedBuffers { inner: buffers, socket },
            read_timeout: None,
            write_timeout: None,
        }
    }
}

impl std::fmt::Debug for TcpTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TcpTransport").field("peer", &self.stream.stream.peer_addr().ok()).finish()
    }
}

fn io_timeout(t: NextTimeout) -> Option<Duration> {
    t.not_zero().map(|d| *d)
}

fn timed_out(e: &std::io::Error) -> bool {
    matches!(e.kind(), std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock)
}

impl Transport for TcpTransport {
    fn buffers(&mut self) -> &mut dyn Buffers {
        &mut self.buffers
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), ureq::Error> {
        let timeout = timeout.for_write();
        let want = io_timeout(timeout);
        if want != self.write_timeout {
            self.stream.stream.set_write_timeout(want)?;
            self.write_timeout = want;
        }
        let output = &self.buffers.output()[..amount];
        (&self.stream.stream).write_all(output).map_err(|e| {
            if timed_out(&e) {
                ureq::Error::Timeout(timeout.reason)
            } else {
                e.into()
            }
        })
    }

    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, ureq::Error> {
        let timeout = timeout.for_read();
        let want = io_timeout(timeout);
        if want != self.read_timeout {
            self.stream.stream.set_read_timeout(want)?;
            self.read_timeout = want;
        }
        let input = self.buffers.input_append_buf();
        let n = loop {
            match (&self.stream.stream).read(input) {
                Ok(n) => break n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) if timed_out(&e) => return Err(ureq::Error::Timeout(timeout.reason)),
                Err(e) => return Err(e.into()),
            }
        };
        self.buffers.input_appended(n);
        if self.stream.plain {
            let socket = Arc::downgrade(&self.stream);
            LAST_READ.with(|l| *l.borrow_mut() = socket);
        }
        Ok(n > 0)
    }

    /// Open when a peek finds nothing to read: bytes the client did not ask for, or the end of
    /// the stream (the server closed it), or an error, all mean the connection is not to be used.
    fn is_open(&mut self) -> bool {
        use rustix::net::RecvFlags;
        let mut probe = [0u8; 1];
        matches!(
            rustix::net::recv(&self.stream.stream, &mut probe[..], RecvFlags::PEEK | RecvFlags::DONTWAIT),
            Err(rustix::io::Errno::AGAIN)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;

    fn transport(stream: TcpStream) -> TcpTransport {
        TcpTransport::new(stream, LazyBuffers::new(1024, 1024))
    }

    #[test]
    fn a_connection_is_open_until_the_peer_closes_it_or_sends_unasked_bytes() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();

        let mut quiet = transport(TcpStream::connect(addr).unwrap());
        let (quiet_peer, _) = listener.accept().unwrap();
        assert!(quiet.is_open(), "nothing to read: open");
        assert!(quiet.is_open(), "the peek takes nothing away");

        let mut chatty = transport(TcpStream::connect(addr).unwrap());
        let (mut chatty_peer, _) = listener.accept().unwrap();
        chatty_peer.write_all(b"x").unwrap();
        std::thread::sleep(Duration::from_millis(50));
        assert!(!chatty.is_open(), "bytes nobody asked for: not to be reused");

        drop(quiet_peer);
        std::thread::sleep(Duration::from_millis(50));
        assert!(!quiet.is_open(), "closed by the peer");
        // The peek left the byte in place, and the socket is still blocking: the next read waits
        // for its timeout instead of failing at once.
        let mut byte = [0u8; 1];
        assert_eq!((&chatty.stream.stream).read(&mut byte).unwrap(), 1);
        chatty.stream.stream.set_read_timeout(Some(Duration::from_millis(50))).unwrap();
        let t = Instant::now();
        let e = (&chatty.stream.stream).read(&mut byte).unwrap_err();
        assert!(timed_out(&e) && t.elapsed() >= Duration::from_millis(40), "{e} after {:?}", t.elapsed());
    }
}
