//! The service's wire format: a fixed handshake, then length-prefixed MessagePack frames.
//!
//! ```text
//! client → service   "DOPT" u32le(PROTOCOL_VERSION)  frame(Hello)
//! service → client   "DOPT" u32le(PROTOCOL_VERSION)  frame(Welcome)
//! then, both ways    frame := u32le(length) MessagePack(ToService | ToClient)
//! ```
//!
//! The handshake's version is read before anything is decoded, so peers of different versions
//! refuse each other with a clear error instead of misreading messages. Frames over
//! [`MAX_FRAME`] and bodies that do not decode end the connection.

use std::io::{self, Read, Write};
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::job::JobId;
use super::rpc::{Callback, JobInfo, Op, Reply, Request, PROTOCOL_VERSION};
use super::EngineError;

/// The handshake's first four bytes.
pub const MAGIC: &[u8; 4] = b"DOPT";
/// Largest frame accepted (a DO stream chunk or a long job list fits with room to spare).
pub const MAX_FRAME: usize = 64 << 20;

/// The client's introduction.
#[derive(Debug, Serialize, Deserialize)]
pub struct Hello {
    /// The job store the client means; the service refuses a client of another store. `None`:
    /// whichever store the service has (a client of the system instance does not know it).
    pub store: Option<PathBuf>,
}

/// The service's answer to [`Hello`].
#[derive(Debug, Serialize, Deserialize)]
pub enum Welcome {
    Ok { pid: u32 },
    Refused { reason: String },
}

/// Client to service.
#[derive(Debug, Serialize, Deserialize)]
pub enum ToService {
    /// A call, answered by `ToClient::Reply` with the same id.
    Call { id: u64, req: Request },
    /// The answer to `ToClient::Callback` with the same id.
    CallbackDone { id: u64, result: Result<(), i32> },
    /// The client dropped its handle of a job it had been handed `count` times.
    Release { job: JobId, count: u64 },
    /// A job call whose answer the client does not wait for (see `client::JobHandle::op`):
    /// executed in order with the connection's other messages, and never answered. Sinks it
    /// releases go out as `ToClient::ReleaseSink`; a failure is only logged.
    Post { job: JobId, op: Op },
}

/// Service to client.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Serialize, Deserialize)]
pub enum ToClient {
    /// The answer to `ToService::Call`. `released`: the client's sinks the engine let go of
    /// during the call (a replaced or ended registration); the client releases them before the
    /// call returns, as the in-process engine does.
    Reply {
        id: u64,
        result: Result<Reply, EngineError>,
        #[serde(default)]
        released: Vec<u64>,
        /// Few clients are making calls in a row: the client may spin for its next reply (see
        /// [`spin_budget`]). Absent (false) from a service that does not say.
        #[serde(default)]
        spin: bool,
    },
    /// Call the client's sink; answered by `ToService::CallbackDone`.
    Callback { id: u64, sink: u64, job: Option<JobInfo>, cb: Callback },
    /// The engine let go of a sink outside a call of this client: the client may release its
    /// object.
    ReleaseSink { sink: u64 },
    /// Another client completed or cancelled a job this client holds: it is final for good, and
    /// the client no longer posts calls on it. Sent before that client's call is answered.
    Ended { job: JobId },
}

/// Encodes `msg` as one frame.
pub fn encode<T: Serialize>(msg: &T) -> io::Result<Vec<u8>> {
    let mut out = vec![0u8; 4];
    rmp_serde::encode::write_named(&mut out, msg).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
    let len = out.len() - 4;
    if len > MAX_FRAME {
        return Err(io::Error::new(io::ErrorKind::InvalidInput, "message larger than the frame limit"));
    }
    out[..4].copy_from_slice(&(len as u32).to_le_bytes());
    Ok(out)
}

/// Reads one frame and decodes it. `UnexpectedEof` at a frame boundary means the peer closed.
pub fn read_frame<T: for<'de> Deserialize<'de>>(r: &mut impl Read, buf: &mut Vec<u8>) -> io::Result<T> {
    let mut len = [0u8; 4];
    r.read_exact(&mut len)?;
    let len = u32::from_le_bytes(len) as usize;
    if len > MAX_FRAME {
        return Err(io::Error::new(io::ErrorKind::InvalidData, "frame larger than the limit"));
    }
    buf.clear();
    buf.resize(len, 0);
    r.read_exact(buf)?;
    rmp_serde::from_slice(buf).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
}

/// How long a client waiting for its reply, or the service waiting for a client's next call,
/// spins at most before it sleeps in `read` (`DELIVERYOPT_SPIN_US`, default 100 µs, at most
/// 10 ms; 0, or a machine with one CPU, never spins). Each side spins only while the other has
/// been answering within this budget (see [`Pace`] and the client's `Conn::spin_for`).
///
/// Why: a round trip between two processes that each sleep in `read` costs two wake-ups, 25 to
/// 45 µs on a small VM (a bare socketpair ping-pong in C); with the reader spinning it costs 3 to
/// 5 µs, and a caller's sequence of calls (CreateJob, AddFile, Resume, ...) is round trips one
/// after another. Spinning is bounded, so a slow answer costs at most this much CPU more.
pub fn spin_budget() -> std::time::Duration {
    static BUDGET: once_cell::sync::Lazy<std::time::Duration> = once_cell::sync::Lazy::new(|| {
        let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
        let us = std::env::var("DELIVERYOPT_SPIN_US").ok().and_then(|v| v.trim().parse::<u64>().ok()).unwrap_or(100);
        std::time::Duration::from_micros(if cpus > 1 { us.min(10_000) } else { 0 })
    });
    *BUDGET
}

/// Spins (polling without sleeping) until `fd` has something to read or `budget` has passed.
/// True when it is readable (or in error: the read that follows finds out what is wrong).
pub fn spin_readable(fd: &impl std::os::fd::AsFd, budget: std::time::Duration) -> bool {
    if budget.is_zero() {
        return false;
    }
    let start = std::time::Instant::now();
    loop {
        if readable_now(fd) {
            return true;
        }
        if start.elapsed() >= budget {
            return false;
        }
        std::hint::spin_loop();
    }
}

/// Whether `fd` has something to read now (or is in error: the read that follows finds out what
/// is wrong).
pub fn readable_now(fd: &impl std::os::fd::AsFd) -> bool {
    let mut fds = [rustix::event::PollFd::new(fd, rustix::event::PollFlags::IN)];
    let zero = rustix::event::Timespec { tv_sec: 0, tv_nsec: 0 };
    loop {
        match rustix::event::poll(&mut fds, Some(&zero)) {
            Ok(n) => return n > 0,
            Err(rustix::io::Errno::INTR) => continue,
            Err(_) => return true,
        }
    }
}

/// The service's side of spinning: a connection's reader spins for the client's next call while
/// the client's calls have been following each other within the spin budget (a program making
/// calls in a row: a *chatty* client), and sleeps otherwise. Spinning is for machines with CPUs to
/// spare: at most half the CPUs (at least one) spin at once in the service, and while more
/// clients than that are chatty, neither the service nor the clients spin (each reply says so),
/// so many busy programs never take the CPUs that the service and the transfers need.
#[derive(Default)]
pub struct Pace {
    /// How long the next frame has been taking to come (a moving average, nanoseconds).
    gap_ns: u64,
    waiting_since: Option<std::time::Instant>,
    chatty: bool,
}

static SPINNERS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
static CHATTY: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

fn cpus() -> usize {
    static CPUS: once_cell::sync::Lazy<usize> =
        once_cell::sync::Lazy::new(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    *CPUS
}

/// How many may spin at once: half the CPUs, at least one.
fn most_spinners() -> usize {
    (cpus() / 2).max(1)
}

/// Whether a chatty client and the service may spin now, with `transfers()` jobs transferring
/// or queued (asked only when spinning is on at all): only while the engine has had nothing to transfer for [`QUIET`] and few clients are
/// chatty. A spinning pair takes two CPUs; whatever else needs them then waits (measured on two
/// CPUs: CreateJob+AddFile+Resume+Complete in a row, each Complete stopping the transfer its
/// Resume started, went from 27 to 60-100 µs per call with spinning, while calls with nothing
/// transferring went from 27-34 to 10-14 µs). A transfer that just ended still has threads
/// winding down, hence the quiet time.
pub fn room_to_spin(transfers: impl FnOnce() -> usize) -> bool {
    use std::sync::atomic::Ordering;
    static START: once_cell::sync::Lazy<std::time::Instant> = once_cell::sync::Lazy::new(std::time::Instant::now);
    static LAST_BUSY_MS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    if spin_budget().is_zero() {
        return false;
    }
    let now_ms = u64::try_from(START.elapsed().as_millis()).unwrap_or(u64::MAX).saturating_add(1);
    if transfers() > 0 {
        LAST_BUSY_MS.store(now_ms, Ordering::Relaxed);
        return false;
    }
    let last = LAST_BUSY_MS.load(Ordering::Relaxed);
    if last != 0 && now_ms.saturating_sub(last) < QUIET.as_millis() as u64 {
        return false;
    }
    let chatty = CHATTY.load(Ordering::Relaxed);
    chatty <= most_spinners() && 2 * chatty <= cpus()
}

/// How long after the last transfer nobody spins (see [`room_to_spin`]).
pub const QUIET: std::time::Duration = std::time::Duration::from_millis(50);

impl Pace {
    /// Before a read that would block: spins a moment when the client's calls come quickly
    /// (see [`room_to_spin`]; `transfers`: how many jobs are transferring).
    pub fn wait(&mut self, fd: &impl std::os::fd::AsFd, transfers: impl FnOnce() -> usize) {
        use std::sync::atomic::Ordering;
        self.waiting_since = Some(std::time::Instant::now());
        let usual = std::time::Duration::from_nanos(self.gap_ns);
        if !self.chatty || !room_to_spin(transfers) {
            return;
        }
        if SPINNERS.fetch_add(1, Ordering::Relaxed) < most_spinners() {
            spin_readable(fd, (usual * 2).min(spin_budget()));
        }
        SPINNERS.fetch_sub(1, Ordering::Relaxed);
    }

    /// A frame was read: counts how long it took to come.
    pub fn arrived(&mut self) {
        let Some(since) = self.waiting_since.take() else { return };
        let ns = u64::try_from(since.elapsed().as_nanos()).unwrap_or(u64::MAX).min(1_000_000_000);
        self.gap_ns = self.gap_ns - self.gap_ns / 8 + ns / 8;
        let chatty = std::time::Duration::from_nanos(self.gap_ns) < spin_budget();
        if chatty != self.chatty {
            self.chatty = chatty;
            if chatty {
                CHATTY.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            } else {
                CHATTY.fetch_sub(1, std::sync::atomic::Ordering::Relaxed);
            }
        }
    }
}

impl Drop for Pace {
    fn drop(&mut self) {
        if self.chatty {
            CHATTY.fetch_sub(1, std::sync::atomic::Ordering::Relaxed);
        }
    }
}

/// Writes the handshake prefix.
pub fn write_prefix(w: &mut impl Write) -> io::Result<()> {
    let mut p = [0u8; 8];
    p[..4].copy_from_slice(MAGIC);
    p[4..].copy_from_slice(&PROTOCOL_VERSION.to_le_bytes());
    w.write_all(&p)
}

/// Reads the peer's handshake prefix: its protocol version, or an error for anything that is not
/// a deliveryopt peer.
pub fn read_prefix(r: &mut impl Read) -> io::Result<u32> {
    let mut p = [0u8; 8];
    r.read_exact(&mut p)?;
    if &p[..4] != MAGIC {
        return Err(io::Error::new(io::ErrorKind::InvalidData, "not a deliveryopt peer"));
    }
    Ok(u32::from_le_bytes([p[4], p[5], p[6], p[7]]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::rpc::Op;

    #[test]
    fn nobody_spins_while_or_just_after_something_transfers() {
        assert!(!room_to_spin(|| 3), "a transfer needs the CPUs");
        assert!(!room_to_spin(|| 0), "one that just ended is still winding down");
    }

    #[test]
    fn a_frame_round_trips() {
        let msg = ToService::Call {
            id: 7,
            req: Request::Job { id: JobId::new_random(), op: Op::set_display_name { name: "x".into() } },
        };
        let bytes = encode(&msg).unwrap();
        let back: ToService = read_frame(&mut &bytes[..], &mut Vec::new()).unwrap();
        assert!(matches!(back, ToService::Call { id: 7, req: Request::Job { op: Op::set_display_name { .. }, .. } }));
    }

    #[test]
    fn an_oversized_or_garbled_frame_is_refused() {
        let mut big = (MAX_FRAME as u32 + 1).to_le_bytes().to_vec();
        big.extend_from_slice(&[0; 16]);
        assert!(read_frame::<ToService>(&mut &big[..], &mut Vec::new()).is_err());
        let mut junk = 5u32.to_le_bytes().to_vec();
        junk.extend_from_slice(&[0xc1, 0xff, 0x00, 0x13, 0x37]);
        assert!(read_frame::<ToService>(&mut &junk[..], &mut Vec::new()).is_err());
        assert!(read_prefix(&mut &b"HTTP/1.1"[..]).is_err());
    }

    #[test]
    fn engine_errors_cross_with_their_details() {
        let e: Result<Reply, EngineError> = Err(EngineError::InvalidArgument("after resume"));
        let bytes = encode(&ToClient::Reply { id: 1, result: e, released: vec![], spin: false }).unwrap();
        let back: ToClient = read_frame(&mut &bytes[..], &mut Vec::new()).unwrap();
        match back {
            ToClient::Reply { result: Err(EngineError::InvalidArgument(s)), .. } => assert_eq!(s, "after resume"),
            other => panic!("{other:?}"),
        }
    }
}
