//! The few operating-system facts the interfaces need about the calling process.

/// The real user id of the calling process (the owner of the jobs it creates).
pub fn current_uid() -> u32 {
    // SAFETY: getuid has no preconditions and cannot fail.
    unsafe { libc::getuid() }
}
