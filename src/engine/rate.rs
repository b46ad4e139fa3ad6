//! Bandwidth limits: a job's (the property `DELIVERYOPT_JOB_PROPERTY_MAX_BYTES_PER_SECOND`) and
//! the engine's (`DELIVERYOPT_MAX_BYTES_PER_SECOND`), each a GCRA token bucket (the `governor`
//! crate) that every body read of a transfer draws from. A transfer that has to wait simply reads
//! later, so TCP's flow control slows the server down: the limit is on the network, not just on
//! writes. A grant is at most a tenth of a second's worth (at least 4 KiB), so the pace is smooth
//! and a read never waits much longer than it should. A limit applies to every connection of a
//! job together; the engine's to every transfer together.
//!
//! In BITS's spirit (background transfers use what foreground ones leave), while a FOREGROUND job
//! transfers under a limit, the other jobs' transfers under that limit wait: the foreground job
//! gets all of it.

use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};

/// One limit, shared by the transfers it covers.
pub struct Rate {
    limiter: DefaultDirectRateLimiter,
    clock: DefaultClock,
    grant: u32,
    bytes_per_second: u64,
    /// FOREGROUND transfers drawing from this limit now.
    foreground: AtomicUsize,
    /// Bytes drawn so far.
    paid: AtomicU64,
    /// When a draw last had to wait (the limit, not the network, held a transfer back).
    waited_at: parking_lot::Mutex<Option<std::time::Instant>>,
}

/// How long after its last wait a limit counts as taken in full (`Rate::saturated`).
const SATURATED_FOR: Duration = Duration::from_secs(1);

/// Marks a FOREGROUND transfer under a limit while alive (see the module docs).
pub struct Foreground(Arc<Rate>);

impl Drop for Foreground {
    fn drop(&mut self) {
        self.0.foreground.fetch_sub(1, Ordering::SeqCst);
    }
}

impl std::fmt::Debug for Rate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Rate({} B/s)", self.bytes_per_second)
    }
}

impl PartialEq for Rate {
    fn eq(&self, other: &Rate) -> bool {
        std::ptr::eq(self, other)
    }
}

impl Eq for Rate {}

impl Rate {
    /// A limit of `bytes_per_second` (None for 0: no limit). Rates over 4 GiB/s are 4 GiB/s.
    pub fn new(bytes_per_second: u64) -> Option<Arc<Rate>> {
        let bps = NonZeroU32::new(u32::try_from(bytes_per_second).unwrap_or(u32::MAX))?;
        let grant = (bps.get() / 10).max(4096);
        let quota = Quota::per_second(bps).allow_burst(NonZeroU32::new(grant)?);
        Some(Arc::new(Rate {
            limiter: RateLimiter::direct(quota),
            clock: DefaultClock::default(),
            grant,
            bytes_per_second,
            foreground: AtomicUsize::new(0),
            paid: AtomicU64::new(0),
            waited_at: parking_lot::Mutex::new(None),
        }))
    }

    pub fn bytes_per_second(&self) -> u64 {
        self.bytes_per_second
    }

    /// Whether a draw had to wait within the last second: the transfers under this limit take
    /// all it allows, so another connection would not make them faster.
    pub fn saturated(&self) -> bool {
        self.waited_at.lock().is_some_and(|t| t.elapsed() < SATURATED_FOR)
    }

    /// Bytes drawn from this limit so far (`take`s that were not stopped).
    pub fn paid(&self) -> u64 {
        self.paid.load(Ordering::Relaxed)
    }

    /// The most one read may take at once.
    pub fn grant(&self) -> usize {
        self.grant as usize
    }

    /// A FOREGROUND transfer draws from this limit until the guard is dropped.
    pub fn foreground(self: &Arc<Self>) -> Foreground {
        self.foreground.fetch_add(1, Ordering::SeqCst);
        Foreground(self.clone())
    }

    /// Waits while a FOREGROUND transfer draws from this limit. False when `stop` said to stop.
    fn yield_to_foreground(&self, stop: &dyn Fn() -> bool) -> bool {
        while self.foreground.load(Ordering::SeqCst) > 0 {
            if stop() {
                return false;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        true
    }

    /// Waits until `n` bytes may go. False when `stop` said to stop meanwhile.
    pub fn take(&self, n: usize, stop: &dyn Fn() -> bool) -> bool {
        let mut left = n;
        while left > 0 {
            let k = left.min(self.grant as usize);
            let Some(cells) = NonZeroU32::new(k as u32) else { break };
            loop {
                match self.limiter.check_n(cells) {
                    Ok(Ok(())) => break,
                    Ok(Err(not_until)) => {
                        if stop() {
                            return false;
                        }
                        let wait = not_until.wait_time_from(self.clock.now());
                        *self.waited_at.lock() = Some(std::time::Instant::now());
                        std::thread::sleep(wait.min(Duration::from_millis(100)));
                    }
                    // Cannot happen (k is at most the burst); never loop on it.
                    Err(_) => break,
                }
            }
            left -= k;
            self.paid.fetch_add(k as u64, Ordering::Relaxed);
        }
        true
    }
}

/// Draws `n` bytes from every limit in `rates` (the job's, the engine's); a `background`
/// transfer first waits while a FOREGROUND one draws from the same limit.
pub fn take_all(rates: &[Arc<Rate>], n: usize, background: bool, stop: &dyn Fn() -> bool) -> bool {
    rates.iter().all(|r| (!background || r.yield_to_foreground(stop)) && r.take(n, stop))
}

/// The largest read the limits allow at once (None: no limit).
pub fn grant(rates: &[Arc<Rate>]) -> Option<usize> {
    rates.iter().map(|r| r.grant()).min()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_limit_paces_what_it_grants() {
        assert!(Rate::new(0).is_none(), "0 is no limit");
        let r = Rate::new(1_000_000).unwrap();
        assert_eq!(r.grant(), 100_000);
        let start = std::time::Instant::now();
        // 300 KB at 1 MB/s with a 100 KB burst: about 0.2 s of waiting.
        assert!(r.take(300_000, &|| false));
        assert!(start.elapsed() >= Duration::from_millis(150), "{:?}", start.elapsed());
        assert!(!r.take(1_000_000, &|| true), "a stop ends the wait");
    }

    #[test]
    fn background_transfers_wait_while_a_foreground_one_draws() {
        let r = Rate::new(100_000_000).unwrap();
        let fg = r.foreground();
        assert!(!take_all(std::slice::from_ref(&r), 10, true, &|| true), "a background draw waits (and stops)");
        assert!(take_all(std::slice::from_ref(&r), 10, false, &|| false), "the foreground one does not wait");
        drop(fg);
        assert!(take_all(std::slice::from_ref(&r), 10, true, &|| false), "then the background one goes");
    }
}
