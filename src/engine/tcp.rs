//! Plain TCP connections for ureq, as its own `TcpConnector` makes them (every resolved address
//! tried in turn within the connect timeout, TCP_NODELAY, a handle for `Agent::shutdown`), with
//! two differences that matter when thousands of small files share kept-alive connections:
//!
//! - the liveness check the connection pool makes when a connection is put back and again when it
//!   is taken out is one non-blocking peek (`recv(MSG_PEEK | MSG_DONTWAIT)`), not a switch to
//!   non-blocking mode, a read and a switch back: one system call instead of three, twice a file;
//! - socket timeouts are set only when they change.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream};
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
        let transport = TcpTransport::new(stream, buffers);
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

/// The socket, shared with the agent's shutdown handle.
#[derive(Debug)]
struct Socket(TcpStream);

impl ShutdownHandle for Socket {
    fn shutdown(&self) {
        let _ = self.0.shutdown(Shutdown::Both);
    }
}

/// An open connection as a ureq transport (also the tunnel a CONNECT proxy opened, see
/// `proxy_auth`).
pub struct TcpTransport {
    stream: Arc<Socket>,
    buffers: LazyBuffers,
    /// The socket timeouts last set.
    read_timeout: Option<Duration>,
    write_timeout: Option<Duration>,
}

impl TcpTransport {
    pub(crate) fn new(stream: TcpStream, buffers: LazyBuffers) -> TcpTransport {
        TcpTransport { stream: Arc::new(Socket(stream)), buffers, read_timeout: None, write_timeout: None }
    }
}

impl std::fmt::Debug for TcpTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TcpTransport").field("peer", &self.stream.0.peer_addr().ok()).finish()
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
            self.stream.0.set_write_timeout(want)?;
            self.write_timeout = want;
        }
        let output = &self.buffers.output()[..amount];
        (&self.stream.0).write_all(output).map_err(|e| {
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
            self.stream.0.set_read_timeout(want)?;
            self.read_timeout = want;
        }
        let input = self.buffers.input_append_buf();
        let n = loop {
            match (&self.stream.0).read(input) {
                Ok(n) => break n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) if timed_out(&e) => return Err(ureq::Error::Timeout(timeout.reason)),
                Err(e) => return Err(e.into()),
            }
        };
        self.buffers.input_appended(n);
        Ok(n > 0)
    }

    /// Open when a peek finds nothing to read: bytes the client did not ask for, or the end of
    /// the stream (the server closed it), or an error, all mean the connection is not to be used.
    fn is_open(&mut self) -> bool {
        use rustix::net::RecvFlags;
        let mut probe = [0u8; 1];
        matches!(
            rustix::net::recv(&self.stream.0, &mut probe[..], RecvFlags::PEEK | RecvFlags::DONTWAIT),
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
        assert_eq!((&chatty.stream.0).read(&mut byte).unwrap(), 1);
        chatty.stream.0.set_read_timeout(Some(Duration::from_millis(50))).unwrap();
        let t = Instant::now();
        let e = (&chatty.stream.0).read(&mut byte).unwrap_err();
        assert!(timed_out(&e) && t.elapsed() >= Duration::from_millis(40), "{e} after {:?}", t.elapsed());
    }
}
