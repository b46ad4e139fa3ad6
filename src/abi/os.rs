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

/// The signals that stop the service: SIGTERM (`systemctl stop`, `kill`) and SIGINT (Ctrl-C on
/// `deliveryoptd --foreground`).
fn stop_signals() -> nix::sys::signal::SigSet {
    use nix::sys::signal::{SigSet, Signal};
    let mut set = SigSet::empty();
    set.add(Signal::SIGTERM);
    set.add(Signal::SIGINT);
    set
}

/// Blocks the stop signals in the calling thread, and so in every thread it starts afterwards:
/// they then wait for [`wait_for_stop_signal`] instead of ending the process where it stands.
/// Call it before any thread exists. (Programs the process starts do not inherit the mask: the
/// standard library empties it in the child.)
pub fn block_stop_signals() -> std::io::Result<()> {
    stop_signals().thread_block().map_err(|e| std::io::Error::from_raw_os_error(e as i32))
}

/// Ends the process at once with `code`, running nothing more (no exit handlers, no flushing):
/// for a second stop signal while an orderly stop hangs.
pub fn exit_now(code: i32) -> ! {
    // SAFETY: _exit has no preconditions; it never returns.
    unsafe { libc::_exit(code) }
}

/// Moves the calling thread, and every thread it starts from then on, into a network namespace
/// of its own whose only interface is the loopback one (brought up): nothing off this machine can
/// be reached from there, and nothing on it but what those threads listen on. For test and
/// fuzzing harnesses that let arbitrary calls make transfers. Needs `CAP_SYS_ADMIN` (root, and a
/// container that allows it); an error leaves the thread where it was.
pub fn private_loopback_network() -> std::io::Result<()> {
    use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
    // SAFETY: unshare takes flags only; CLONE_NEWNET moves this thread alone, and only on success.
    if unsafe { libc::unshare(libc::CLONE_NEWNET) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: socket takes no pointers; a valid descriptor is owned below.
    let fd = unsafe { libc::socket(libc::AF_INET, libc::SOCK_DGRAM | libc::SOCK_CLOEXEC, 0) };
    if fd < 0 {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: `fd` was just opened and is owned by nothing else.
    let sock = unsafe { OwnedFd::from_raw_fd(fd) };
    // SAFETY: ifreq is plain data (an interface name and a union of integers); all zero is valid.
    let mut ifr: libc::ifreq = unsafe { std::mem::zeroed() };
    for (dst, src) in ifr.ifr_name.iter_mut().zip(b"lo\0") {
        *dst = *src as libc::c_char;
    }
    // SAFETY: SIOCGIFFLAGS and SIOCSIFFLAGS read and write the `ifreq` passed, which lives across
    // both calls; the socket is open.
    unsafe {
        if libc::ioctl(sock.as_raw_fd(), libc::SIOCGIFFLAGS, &mut ifr) != 0 {
            return Err(std::io::Error::last_os_error());
        }
        ifr.ifr_ifru.ifru_flags |= libc::IFF_UP as libc::c_short;
        if libc::ioctl(sock.as_raw_fd(), libc::SIOCSIFFLAGS, &mut ifr) != 0 {
            return Err(std::io::Error::last_os_error());
        }
    }
    Ok(())
}

/// Takes the stop signals' default back in the calling thread (when no thread waits for them).
pub fn unblock_stop_signals() {
    let _ = stop_signals().thread_unblock();
}

/// Waits for a stop signal (blocked with [`block_stop_signals`]) and returns its name.
pub fn wait_for_stop_signal() -> &'static str {
    loop {
        if let Ok(sig) = stop_signals().wait() {
            return sig.as_str();
        }
    }
}

/// A user as the user database (`getpwuid_r`, `getgrouplist`) describes it: what a thread of the
/// system service takes on to act for the owner of a job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserIds {
    pub uid: u32,
    pub name: String,
    /// The primary group.
    pub gid: u32,
    /// Every group of the user, the primary one included.
    pub groups: Vec<u32>,
    pub home: std::path::PathBuf,
}

/// Users looked up lately, with when (the database is read again after [`USER_CACHE_TTL`]).
type UserCache = std::collections::HashMap<u32, (std::time::Instant, std::sync::Arc<UserIds>)>;
static USERS: once_cell::sync::Lazy<parking_lot::Mutex<UserCache>> = once_cell::sync::Lazy::new(Default::default);

const USER_CACHE_TTL: std::time::Duration = std::time::Duration::from_secs(30);

/// The user `uid` from the user database. `PermissionDenied` when there is no such user (a job
/// of a deleted account acts for nobody).
pub fn user(uid: u32) -> std::io::Result<std::sync::Arc<UserIds>> {
    use std::io::{Error, ErrorKind};
    if let Some((at, u)) = USERS.lock().get(&uid) {
        if at.elapsed() < USER_CACHE_TTL {
            return Ok(u.clone());
        }
    }
    let pw = nix::unistd::User::from_uid(nix::unistd::Uid::from_raw(uid))
        .map_err(|e| Error::from_raw_os_error(e as i32))?
        .ok_or_else(|| Error::new(ErrorKind::PermissionDenied, format!("uid {uid} is not in the user database")))?;
    let name = std::ffi::CString::new(pw.name.clone())
        .map_err(|_| Error::new(ErrorKind::PermissionDenied, "a user name with a NUL byte"))?;
    let groups = nix::unistd::getgrouplist(&name, pw.gid).map_err(|e| Error::from_raw_os_error(e as i32))?;
    let ids = std::sync::Arc::new(UserIds {
        uid,
        name: pw.name,
        gid: pw.gid.as_raw(),
        groups: groups.into_iter().map(|g| g.as_raw()).collect(),
        home: pw.dir,
    });
    USERS.lock().insert(uid, (std::time::Instant::now(), ids.clone()));
    Ok(ids)
}

/// Whether this thread acts with root's effective identity (the system service, or a root
/// program with its own engine): only then does [`act_as`] switch anything.
fn thread_is_root() -> bool {
    // The raw system call: the calling thread's effective uid, which [`act_as`] changes.
    rustix::process::geteuid().is_root()
}

/// While alive, the calling thread acts as another user for file-system access: its effective
/// uid and gid (and so its file-system ids) and its supplementary groups are that user's, and
/// root's capabilities are out of its effective set, so the kernel checks every open, create,
/// rename and delete as it would for the user's own process. Dropping it restores root.
///
/// Only this thread changes: Linux keeps credentials per thread and the switch uses the raw
/// system calls (glibc's `setresuid`/`setgroups` would change every thread of the process).
/// Never hold it across an `.await` or hand work to another thread meanwhile.
#[must_use = "the identity is switched back when this is dropped"]
pub struct ActingAs {
    /// What to restore: the egid and the supplementary groups before the switch; `None` when
    /// nothing was switched.
    saved: Option<(u32, Vec<rustix::process::Gid>)>,
}

/// Makes the calling thread act as `uid` (see [`ActingAs`]). Nothing changes when the thread is
/// not root, or `uid` is root: an unprivileged service already acts as its only user. Fails
/// (changing nothing) when `uid` is not in the user database.
pub fn act_as(uid: u32) -> std::io::Result<ActingAs> {
    use rustix::process::{Gid, Uid};
    use rustix::thread::{set_thread_groups, set_thread_res_gid, set_thread_res_uid};
    if uid == 0 || !thread_is_root() {
        return Ok(ActingAs { saved: None });
    }
    let u = user(uid)?;
    let saved_egid = rustix::process::getegid();
    let saved_groups = rustix::process::getgroups()?;
    let groups: Vec<Gid> = u.groups.iter().map(|&g| Gid::from_raw(g)).collect();
    set_thread_groups(&groups)?;
    let switched = set_thread_res_gid(None, Some(Gid::from_raw(u.gid)), None)
        .and_then(|()| set_thread_res_uid(None, Some(Uid::from_raw(uid)), None));
    let guard = ActingAs { saved: Some((saved_egid.as_raw(), saved_groups)) };
    // On failure the guard's drop puts back whatever changed.
    switched?;
    Ok(guard)
}

impl Drop for ActingAs {
    fn drop(&mut self) {
        use rustix::process::{Gid, Uid};
        use rustix::thread::{set_thread_groups, set_thread_res_gid, set_thread_res_uid};
        let Some((egid, groups)) = self.saved.take() else { return };
        let restored = set_thread_res_uid(None, Some(Uid::ROOT), None)
            .and_then(|()| set_thread_res_gid(None, Some(Gid::from_raw(egid)), None))
            .and_then(|()| set_thread_groups(&groups));
        if restored.is_err() {
            // Cannot happen (the saved uid is root's), and a thread left as one user must never
            // act for another: stop rather than go on.
            eprintln!("deliveryopt: could not return a thread to root's identity; aborting");
            std::process::abort();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acting_as_a_user_changes_this_thread_only_and_is_undone() {
        use std::os::unix::fs::MetadataExt;
        if effective_uid() != 0 || user(65534).is_err() {
            return; // needs root and the user `nobody`
        }
        let dir = std::env::temp_dir().join(format!("dopt-act-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::create_dir(dir.join("private")).unwrap();
        std::fs::set_permissions(dir.join("private"), std::os::unix::fs::PermissionsExt::from_mode(0o700)).unwrap();
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        let (back_tx, back_rx) = std::sync::mpsc::channel::<()>();
        let d = dir.clone();
        let t = std::thread::spawn(move || {
            let guard = act_as(65534).unwrap();
            std::fs::write(d.join("made"), b"x").unwrap_err(); // 0755 root directory: refused
            assert!(std::fs::read_dir(d.join("private")).is_err(), "root's capabilities are gone");
            assert_eq!(rustix::process::geteuid().as_raw(), 65534);
            tx.send(()).unwrap();
            back_rx.recv().unwrap();
            drop(guard);
            assert_eq!(rustix::process::geteuid().as_raw(), 0);
            std::fs::write(d.join("made"), b"x").unwrap();
        });
        rx.recv().unwrap();
        // Meanwhile this thread is still root.
        assert_eq!(rustix::process::geteuid().as_raw(), 0);
        assert!(std::fs::read_dir(dir.join("private")).is_ok());
        back_tx.send(()).unwrap();
        t.join().unwrap();
        assert_eq!(std::fs::metadata(dir.join("made")).unwrap().uid(), 0);
        // Creating as the user in a directory they may write to gives them the file.
        std::os::unix::fs::chown(&dir, Some(65534), Some(65534)).unwrap();
        {
            let _g = act_as(65534).unwrap();
            std::fs::write(dir.join("theirs"), b"y").unwrap();
        }
        let md = std::fs::metadata(dir.join("theirs")).unwrap();
        assert_eq!((md.uid(), md.gid()), (65534, 65534));
        // Root and unknown users.
        let _noop = act_as(0).unwrap();
        assert_eq!(rustix::process::geteuid().as_raw(), 0);
        assert!(act_as(0xFFFF_FFF0).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
