//! Reference counting with guards against over- and under-release.

use core::sync::atomic::{fence, AtomicU32, Ordering};

/// What [`RefCount::release`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Released {
    /// References remain; the new count.
    Alive(u32),
    /// That was the last reference: the caller must destroy the object now.
    Last,
    /// The count was already zero: a caller released more than it owned. Nothing to do.
    Underflow,
}

/// A COM reference count. Increments are relaxed, decrements release, and the last decrement is
/// followed by an acquire fence so the destroying thread sees every write made under earlier
/// references.
#[derive(Debug)]
pub struct RefCount(AtomicU32);

impl RefCount {
    /// A count of one: the creator's reference.
    pub const fn new() -> RefCount {
        RefCount(AtomicU32::new(1))
    }

    /// Adds a reference and returns the new count, or `None` when the object is already dead
    /// (count zero: it is never resurrected) or the count would overflow (it saturates).
    pub fn add_ref(&self) -> Option<u32> {
        let mut cur = self.0.load(Ordering::Relaxed);
        loop {
            if cur == 0 || cur == u32::MAX {
                return None;
            }
            match self.0.compare_exchange_weak(cur, cur + 1, Ordering::Relaxed, Ordering::Relaxed) {
                Ok(_) => return Some(cur + 1),
                Err(actual) => cur = actual,
            }
        }
    }

    /// Drops a reference.
    pub fn release(&self) -> Released {
        let mut cur = self.0.load(Ordering::Relaxed);
        loop {
            if cur == 0 {
                return Released::Underflow;
            }
            match self.0.compare_exchange_weak(cur, cur - 1, Ordering::Release, Ordering::Relaxed) {
                Ok(_) if cur == 1 => {
                    fence(Ordering::Acquire);
                    return Released::Last;
                }
                Ok(_) => return Released::Alive(cur - 1),
                Err(actual) => cur = actual,
            }
        }
    }

    /// The current count (for diagnostics and tests only: it may change at any moment).
    pub fn get(&self) -> u32 {
        self.0.load(Ordering::Relaxed)
    }
}

impl Default for RefCount {
    fn default() -> Self {
        RefCount::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_up_and_down_to_last() {
        let r = RefCount::new();
        assert_eq!(r.add_ref(), Some(2));
        assert_eq!(r.release(), Released::Alive(1));
        assert_eq!(r.release(), Released::Last);
        assert_eq!(r.get(), 0);
    }

    #[test]
    fn dead_object_is_not_resurrected_and_underflow_is_reported() {
        let r = RefCount::new();
        assert_eq!(r.release(), Released::Last);
        assert_eq!(r.add_ref(), None);
        assert_eq!(r.release(), Released::Underflow);
        assert_eq!(r.get(), 0);
    }

    #[test]
    fn saturates_instead_of_wrapping() {
        let r = RefCount(AtomicU32::new(u32::MAX - 1));
        assert_eq!(r.add_ref(), Some(u32::MAX));
        assert_eq!(r.add_ref(), None);
        assert_eq!(r.get(), u32::MAX);
    }
}
