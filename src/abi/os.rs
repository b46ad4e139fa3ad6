//! The few operating-system facts the interfaces need about the calling process.

/// The real user id of the calling process (the owner of the jobs it creates).
pub fn current_uid() -> u32 {
    // SAFETY: getuid has no preconditions and cannot fail.
    unsafe { libc::getuid() }
}

/// The effective user id of this process.
pub fn effective_uid() -> u32 {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() }
}

/// The path of the shared object (or executable) this code was loaded from, as the dynamic
/// loader knows it. The service's program is looked for next to it.
pub fn library_path() -> Option<std::path::PathBuf> {
    use std::os::unix::ffi::OsStrExt;
    let mut info = core::mem::MaybeUninit::<libc::Dl_info>::zeroed();
    let here = library_path as *const () as *const libc::c_void;
    // SAFETY: dladdr only reads the loader's tables and fills `info`; `here` is an address inside
    // this object. On success `dli_fname` is a NUL-terminated string owned by the loader that
    // stays valid while the object is loaded (we copy it at once).
    unsafe {
        if libc::dladdr(here, info.as_mut_ptr()) == 0 {
            return None;
        }
        let info = info.assume_init();
        if info.dli_fname.is_null() {
            return None;
        }
        let name = core::ffi::CStr::from_ptr(info.dli_fname);
        Some(std::path::PathBuf::from(std::ffi::OsStr::from_bytes(name.to_bytes())))
    }
}

/// The parent's end of [`daemonize`]: tells the waiting parent how the start went.
pub struct DaemonStart {
    pipe: std::fs::File,
}

impl DaemonStart {
    /// Reports `code` (0: ready) to the process that ran the program, which exits with it.
    pub fn report(mut self, code: u8) {
        use std::io::Write;
        let _ = self.pipe.write_all(&[code]);
    }
}

/// Detaches this process the classic way: forks; the parent waits until the child reports its
/// start (`DaemonStart::report`) and exits with the reported code (1 if the child died first);
/// the child starts a new session, leaves the working directory and takes `/dev/null` as stdin
/// and stdout and `log` (appended) as stderr.
///
/// Call it first thing in `main`, before any thread exists.
pub fn daemonize(log: &std::path::Path) -> std::io::Result<DaemonStart> {
    use std::io::Read;
    use std::os::fd::{AsRawFd, FromRawFd};
    let mut fds = [0; 2];
    // SAFETY: `fds` has room for the two descriptors pipe2 writes.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: both descriptors were just created and are owned by nothing else.
    let (mut rd, wr) = unsafe { (std::fs::File::from_raw_fd(fds[0]), std::fs::File::from_raw_fd(fds[1])) };
    // SAFETY: the caller guarantees no other thread exists, so the child's copy of the process
    // has no lock held by a thread that is not there.
    let pid = unsafe { libc::fork() };
    if pid < 0 {
        return Err(std::io::Error::last_os_error());
    }
    if pid > 0 {
        drop(wr);
        let mut code = [1u8];
        let _ = rd.read_exact(&mut code);
        std::process::exit(i32::from(code[0]));
    }
    drop(rd);
    // SAFETY: setsid has no preconditions; it fails only for a group leader, which a fresh
    // child is not.
    unsafe { libc::setsid() };
    let _ = std::env::set_current_dir("/");
    let null = std::fs::OpenOptions::new().read(true).write(true).open("/dev/null")?;
    let logf = std::fs::OpenOptions::new().create(true).append(true).open(log).unwrap_or(null.try_clone()?);
    // SAFETY: dup2 onto the standard descriptors, from descriptors we own and keep open for the
    // duration of the calls.
    unsafe {
        libc::dup2(null.as_raw_fd(), 0);
        libc::dup2(null.as_raw_fd(), 1);
        libc::dup2(logf.as_raw_fd(), 2);
    }
    Ok(DaemonStart { pipe: wr })
}
