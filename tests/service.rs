//! The deliveryoptd service: one queue shared by the processes of a user, jobs that outlive every
//! client, and a service that survives its clients and hostile peers.
//!
//! Every test gives its processes a job store and a runtime directory of their own. The test
//! process itself never calls the C API (its process-wide client would be bound to one store):
//! it runs this binary again as child processes (`child_entry`, selected by DELIVERYOPT_CHILD),
//! kills services by the pid they write, and talks to the socket directly for the hostile cases.

mod common;

use common::*;
use core::ptr::null_mut;
use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use deliveryopt::engine::rpc::PROTOCOL_VERSION;
use deliveryopt::engine::wire::{self, Hello, ToClient, ToService, Welcome};
use testserver::{content, Options, Server};

/// A store and a runtime directory for one test; services still running at the end are killed.
struct Place {
    root: PathBuf,
}

impl Place {
    fn new(tag: &str) -> Place {
        let root = std::env::temp_dir().join(format!("dosvc-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("data")).unwrap();
        Place { root }
    }
    fn store(&self) -> PathBuf {
        self.root.join("store")
    }
    fn run_dir(&self) -> PathBuf {
        self.root.join("run")
    }
    fn data(&self) -> PathBuf {
        self.root.join("data")
    }
    /// The socket of the store's service.
    fn socket(&self) -> PathBuf {
        let mut f = self.pid_file().expect("a service ran");
        f.set_extension("sock");
        f
    }
    fn pid_file(&self) -> Option<PathBuf> {
        std::fs::read_dir(self.run_dir())
            .ok()?
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .find(|p| p.extension().is_some_and(|x| x == "pid"))
    }
    /// The pid of the running service.
    fn service_pid(&self) -> Option<i32> {
        let text = std::fs::read_to_string(self.pid_file()?).ok()?;
        let pid: i32 = text.trim().parse().ok()?;
        alive(pid).then_some(pid)
    }
    /// Runs this binary as a child in `mode`, in this place.
    fn child(&self, mode: &str, extra: &[(&str, String)]) -> Child {
        self.child_as(mode, extra, None)
    }
    /// Runs this binary as a child in `mode`, as the user `uid` (with its uid as gid) if given.
    fn child_as(&self, mode: &str, extra: &[(&str, String)], uid: Option<u32>) -> Child {
        use std::os::unix::process::CommandExt;
        let mut cmd = Command::new(std::env::current_exe().unwrap());
        if let Some(uid) = uid {
            cmd.uid(uid).gid(uid);
        }
        cmd.args(["--exact", "child_entry", "--nocapture", "--test-threads=1"])
            .env("DELIVERYOPT_CHILD", mode)
            .env_remove("DELIVERYOPT_ENGINE")
            .env("DELIVERYOPT_STATE_DIR", self.store())
            .env("DELIVERYOPT_RUNTIME_DIR", self.run_dir())
            .env("DELIVERYOPT_IDLE_EXIT_SECONDS", "30")
            .env("DELIVERYOPT_CHECKPOINT_MS", "50")
            .env("DELIVERYOPT_CHECKPOINT_BYTES", "65536")
            .env("CHILD_DIR", self.data())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        for (k, v) in extra {
            cmd.env(k, v);
        }
        cmd.spawn().unwrap()
    }
}

impl Drop for Place {
    fn drop(&mut self) {
        if let Some(pid) = self.service_pid() {
            kill(pid);
        }
        // DELIVERYOPT_KEEP_TEST_DIRS=1 keeps the store and the services' log for a look.
        if std::env::var_os("DELIVERYOPT_KEEP_TEST_DIRS").is_none() {
            let _ = std::fs::remove_dir_all(&self.root);
        }
    }
}

/// Whether the process still runs, or still holds its files: a zombie leader whose other threads
/// are still exiting keeps the process's sockets open (a client writing then is not refused).
fn alive(pid: i32) -> bool {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else { return false };
    !stat.contains(") Z ") || std::fs::read_dir(format!("/proc/{pid}/task")).map_or(0, |d| d.count()) > 1
}

fn kill(pid: i32) {
    let _ = Command::new("kill").args(["-KILL", &pid.to_string()]).status();
    let t = Instant::now();
    while alive(pid) && t.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Lines of a child's stdout, as they come.
struct Lines {
    rx: std::sync::mpsc::Receiver<String>,
}

impl Lines {
    fn of(child: &mut Child) -> Lines {
        let out = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        Lines { rx }
    }
    /// The rest of the first line containing `prefix`.
    fn expect(&self, prefix: &str) -> String {
        self.expect_within(prefix, Duration::from_secs(60))
    }
    /// The rest of the first line containing `prefix`, which must come within `wait`.
    fn expect_within(&self, prefix: &str, wait: Duration) -> String {
        let deadline = Instant::now() + wait;
        while let Ok(line) = self.rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            if let Some(at) = line.find(prefix) {
                return line[at + prefix.len()..].trim().to_string();
            }
        }
        panic!("the child never printed {prefix}");
    }
}

/// A child killed when the test ends early (a panic), so that it does not go on starting services.
struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn finish(mut child: Child) {
    let status = child.wait().unwrap();
    assert!(status.success(), "child failed: {status:?}");
}

// ---- the children ----

/// The child side. Does nothing in a normal test run.
#[test]
fn child_entry() {
    let Ok(mode) = std::env::var("DELIVERYOPT_CHILD") else { return };
    let dir = PathBuf::from(std::env::var("CHILD_DIR").unwrap());
    match mode.as_str() {
        "queue" => child_queue(&dir),
        "look" => child_look(),
        "complete" => child_complete(&dir),
        "loop" => child_loop(&dir),
        "transfer" => child_transfer(&dir),
        "probe" => probe(),
        "held-callback" => child_held_callback(&dir),
        "posted" => child_posted(&dir),
        "cancel" => child_cancel(),
        "sys-root-create" => child_sys_root_create(),
        "sys-user" => child_sys_user(&dir),
        "sys-admin" => child_sys_admin(),
        "svc-kill-worker" => child_svc_kill_worker(&dir),
        other => panic!("unknown child mode {other}"),
    }
}

fn names(m: *mut IBackgroundCopyManager) -> Vec<String> {
    let mut e: *mut IEnumBackgroundCopyJobs = null_mut();
    assert_eq!(call!(m, EnumJobs, 0, &mut e), S_OK);
    let mut out = Vec::new();
    loop {
        let mut j: *mut IBackgroundCopyJob = null_mut();
        let mut got = 0;
        if call!(e, Next, 1, &mut j, &mut got) != S_OK || got == 0 {
            break;
        }
        let mut name: LPWSTR = null_mut();
        assert_eq!(call!(j, GetDisplayName, &mut name), S_OK);
        out.push(take_str(name));
        release(j);
    }
    release(e);
    out.sort();
    out
}

/// Queues a job named $NAME for $URL (to $CHILD_DIR/$NAME), optionally with a callback, resumes
/// it, prints its GUID, then waits for a line on stdin before listing the jobs and exiting
/// (without releasing anything when $ABRUPT is set).
fn child_queue(dir: &Path) {
    let name = std::env::var("NAME").unwrap();
    let m = manager();
    let (id, job) = create_job(m, &name);
    add_file(job, &std::env::var("URL").unwrap(), &dir.join(&name));
    if std::env::var_os("WITH_CALLBACK").is_some() {
        let cb = common_callback::new_callback();
        assert_eq!(call!(job, SetNotifyInterface, cb as *mut IUnknown), S_OK);
        release(cb);
    }
    assert_eq!(call!(job, Resume), S_OK);
    println!("GUID {}", guid_str(&id));
    if std::env::var_os("WAIT").is_some() {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line).unwrap();
        println!("SEES {}", names(m).join(","));
    }
    if std::env::var_os("ABRUPT").is_some() {
        std::process::exit(0);
    }
    release(job);
    release(m);
}

/// Lists the jobs, and finds $GUID by GetJob.
fn child_look() {
    let m = manager();
    println!("SEES {}", names(m).join(","));
    let id = parse_guid(&std::env::var("GUID").unwrap());
    let mut job: *mut IBackgroundCopyJob = null_mut();
    assert_eq!(call!(m, GetJob, &id, &mut job), S_OK);
    let mut name: LPWSTR = null_mut();
    assert_eq!(call!(job, GetDisplayName, &mut name), S_OK);
    println!("FOUND {}", take_str(name));
    release(job);
    release(m);
}

/// Finds $GUID, prints its state as found, waits for TRANSFERRED and completes it.
fn child_complete(_dir: &Path) {
    let m = manager();
    let id = parse_guid(&std::env::var("GUID").unwrap());
    let mut job: *mut IBackgroundCopyJob = null_mut();
    assert_eq!(call!(m, GetJob, &id, &mut job), S_OK, "the job is found in a later process");
    println!("FOUND-STATE {}", state(job));
    assert_eq!(wait_for(job, &[BG_JOB_STATE_TRANSFERRED], Duration::from_secs(60)), BG_JOB_STATE_TRANSFERRED);
    assert_eq!(call!(job, Complete), S_OK);
    println!("COMPLETED");
    release(job);
    release(m);
}

/// System instance, as root: a suspended job of root's, its GUID printed.
fn child_sys_root_create() {
    let m = manager();
    let (id, job) = create_job(m, "root-job");
    println!("GUID {}", guid_str(&id));
    release(job);
    release(m);
}

/// System instance, as an ordinary user (uid 65534): $CHILD_DIR/user is theirs, $CHILD_DIR/root
/// is root's (0755, with a 0600 file `secret`). Every file operation of their jobs must be theirs.
fn child_sys_user(dir: &Path) {
    use std::os::unix::fs::MetadataExt;
    let url = std::env::var("URL").unwrap();
    let mine = dir.join("user");
    let m = manager();
    // A download into their own directory: made by them, owned by them.
    let (_, job) = create_job(m, "user-download");
    add_file(job, &url, &mine.join("out.bin"));
    let program = wide("/bin/sh");
    let params = wide(&format!(r#"sh -c "id -u > {}""#, mine.join("cmd-uid").display()));
    assert_eq!(call!(job as *mut IBackgroundCopyJob2, SetNotifyCmdLine, program.as_ptr(), params.as_ptr()), S_OK);
    // Into root's directory: refused at AddFile, as the user's own process would be.
    let (r, l) = (wide(&url), wide(dir.join("root").join("planted").to_str().unwrap()));
    assert_eq!(call!(job, AddFile, r.as_ptr(), l.as_ptr()), E_ACCESSDENIED, "root's directory is not the user's");
    assert_eq!(call!(job, Resume), S_OK);
    assert_eq!(wait_end(job), BG_JOB_STATE_TRANSFERRED);
    // The notify program ran as the user.
    assert!(wait_until(Duration::from_secs(30), || mine.join("cmd-uid").exists()));
    assert!(wait_until(Duration::from_secs(5), || std::fs::read_to_string(mine.join("cmd-uid"))
        .is_ok_and(|t| t.ends_with('\n'))));
    assert_eq!(std::fs::read_to_string(mine.join("cmd-uid")).unwrap().trim(), "65534");
    assert_eq!(call!(job, Complete), S_OK);
    let md = std::fs::metadata(mine.join("out.bin")).unwrap();
    assert_eq!((md.uid(), md.gid()), (65534, 65534), "the file is the user's");
    release(job);
    // A local source only root may read: the copy fails as it would for the user.
    let (_, job) = create_job(m, "user-secret");
    let src = format!("file://{}", dir.join("root").join("secret").display());
    add_file(job, &src, &mine.join("secret-copy"));
    assert_eq!(call!(job, Resume), S_OK);
    assert_eq!(wait_end(job), BG_JOB_STATE_ERROR);
    assert_eq!(error_code(job), E_ACCESSDENIED);
    assert!(!mine.join("secret-copy").exists());
    assert_eq!(call!(job, Cancel), S_OK);
    release(job);
    // Others' jobs are out of sight.
    let mut e: *mut IEnumBackgroundCopyJobs = null_mut();
    assert_eq!(call!(m, EnumJobs, BG_JOB_ENUM_ALL_USERS, &mut e), E_ACCESSDENIED);
    assert_eq!(names(m), Vec::<String>::new());
    let root_job = parse_guid(&std::env::var("ROOT_GUID").unwrap());
    let mut j: *mut IBackgroundCopyJob = null_mut();
    assert_ne!(call!(m, GetJob, &root_job, &mut j), S_OK, "root's job is not the user's");
    assert!(j.is_null());
    // One left for root to find.
    let (id, job) = create_job(m, "user-left");
    println!("GUID {}", guid_str(&id));
    release(job);
    release(m);
}

/// System instance, as root (the administrator): sees every user's jobs, takes one over.
fn child_sys_admin() {
    let m = manager();
    assert_eq!(names(m), vec!["root-job".to_string()], "root's own jobs");
    let mut e: *mut IEnumBackgroundCopyJobs = null_mut();
    assert_eq!(call!(m, EnumJobs, BG_JOB_ENUM_ALL_USERS, &mut e), S_OK);
    let mut n = 0;
    call!(e, GetCount, &mut n);
    assert_eq!(n, 2, "root's job and the user's");
    release(e);
    let id = parse_guid(&std::env::var("USER_GUID").unwrap());
    let mut job: *mut IBackgroundCopyJob = null_mut();
    assert_eq!(call!(m, GetJob, &id, &mut job), S_OK);
    let mut owner: LPWSTR = null_mut();
    assert_eq!(call!(job, GetOwner, &mut owner), S_OK);
    assert_eq!(take_str(owner), "S-1-22-1-65534");
    assert_eq!(call!(job, TakeOwnership), S_OK);
    assert_eq!(call!(job, GetOwner, &mut owner), S_OK);
    assert_eq!(take_str(owner), "S-1-22-1-0");
    assert_eq!(call!(job, Cancel), S_OK);
    release(job);
    let root_job = parse_guid(&std::env::var("ROOT_GUID").unwrap());
    assert_eq!(call!(m, GetJob, &root_job, &mut job), S_OK);
    assert_eq!(call!(job, Cancel), S_OK);
    release(job);
    println!("ADMIN-OK");
    release(m);
}

/// Makes calls as fast as it can until killed.
fn child_loop(dir: &Path) {
    let m = manager();
    println!("LOOPING");
    let url = std::env::var("URL").unwrap();
    let mut i = 0u64;
    loop {
        let (_, job) = create_job(m, "loop");
        add_file(job, &url, &dir.join(format!("loop-{i}")));
        let mut p = BG_JOB_PROGRESS::default();
        call!(job, GetProgress, &mut p);
        call!(job, Cancel);
        release(job);
        i += 1;
    }
}

/// Queues $URL (to $CHILD_DIR/$NAME) without resuming it and prints its GUID; then per line on
/// stdin: `resume` prints `RESUME <hr>`; `complete` waits (20 s at most) for TRANSFERRED,
/// completes and prints COMPLETED; anything else releases the job and exits.
fn child_posted(dir: &Path) {
    let name = std::env::var("NAME").unwrap();
    let m = manager();
    let (id, job) = create_job(m, &name);
    add_file(job, &std::env::var("URL").unwrap(), &dir.join(&name));
    println!("GUID {}", guid_str(&id));
    for line in std::io::stdin().lines().map_while(Result::ok) {
        match line.trim() {
            "resume" => println!("RESUME {:#010x}", call!(job, Resume) as u32),
            "complete" => {
                assert_eq!(
                    wait_for(job, &[BG_JOB_STATE_TRANSFERRED], Duration::from_secs(20)),
                    BG_JOB_STATE_TRANSFERRED
                );
                assert_eq!(call!(job, Complete), S_OK);
                println!("COMPLETED");
            }
            _ => break,
        }
    }
    release(job);
    release(m);
}

/// Finds $GUID and cancels it.
fn child_cancel() {
    let m = manager();
    let id = parse_guid(&std::env::var("GUID").unwrap());
    let mut job: *mut IBackgroundCopyJob = null_mut();
    assert_eq!(call!(m, GetJob, &id, &mut job), S_OK);
    assert_eq!(call!(job, Cancel), S_OK);
    println!("CANCELLED");
    release(job);
    release(m);
}

/// A whole transfer of $URL to $CHILD_DIR/$NAME, start to Complete.
fn child_transfer(dir: &Path) {
    let name = std::env::var("NAME").unwrap();
    let m = manager();
    let (_, job) = create_job(m, &name);
    add_file(job, &std::env::var("URL").unwrap(), &dir.join(&name));
    assert_eq!(call!(job, Resume), S_OK);
    assert_eq!(wait_end(job), BG_JOB_STATE_TRANSFERRED);
    assert_eq!(call!(job, Complete), S_OK);
    println!("DONE {}", names(m).len());
    release(job);
    release(m);
}

/// Queues $URL with a callback that completes the job, and waits (making no call) until the
/// callback has run, then reports how many references the library holds on the callback.
fn child_held_callback(dir: &Path) {
    let m = manager();
    let (_, job) = create_job(m, "held");
    add_file(job, &std::env::var("URL").unwrap(), &dir.join("held"));
    let cb = common_callback::new_callback();
    assert_eq!(call!(job, SetNotifyInterface, cb as *mut IUnknown), S_OK);
    assert_eq!(call!(job, Resume), S_OK);
    println!("REGISTERED {}", common_callback::refs(cb));
    let t = Instant::now();
    while !dir.join("held").exists() && t.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(10));
    }
    // The job ended: the library lets go of the callback.
    while common_callback::refs(cb) > 1 && t.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(10));
    }
    println!("RELEASED {}", common_callback::refs(cb));
    release(cb);
    release(job);
    release(m);
}

/// A minimal IBackgroundCopyCallback for the children.
mod common_callback {
    use super::*;
    use core::ffi::c_void;
    use std::sync::atomic::{AtomicU32, Ordering};

    #[repr(C)]
    struct Cb {
        vtbl: *const IBackgroundCopyCallbackVtbl,
        refs: AtomicU32,
    }

    extern "C" fn qi(this: *mut IBackgroundCopyCallback, iid: REFIID, out: *mut *mut c_void) -> HRESULT {
        let iid = unsafe { &*iid };
        if *iid == IID_IUnknown || *iid == IID_IBackgroundCopyCallback {
            add(this);
            unsafe { *out = this as *mut c_void };
            S_OK
        } else {
            unsafe { *out = null_mut() };
            E_NOINTERFACE
        }
    }
    extern "C" fn add(this: *mut IBackgroundCopyCallback) -> ULONG {
        unsafe { (*(this as *mut Cb)).refs.fetch_add(1, Ordering::SeqCst) + 1 }
    }
    extern "C" fn rel(this: *mut IBackgroundCopyCallback) -> ULONG {
        let n = unsafe { (*(this as *mut Cb)).refs.fetch_sub(1, Ordering::SeqCst) - 1 };
        if n == 0 {
            drop(unsafe { Box::from_raw(this as *mut Cb) });
        }
        n
    }
    extern "C" fn transferred(_: *mut IBackgroundCopyCallback, job: *mut IBackgroundCopyJob) -> HRESULT {
        println!("CALLBACK transferred");
        call!(job, Complete);
        S_OK
    }
    extern "C" fn error(
        _: *mut IBackgroundCopyCallback,
        _: *mut IBackgroundCopyJob,
        _: *mut IBackgroundCopyError,
    ) -> HRESULT {
        S_OK
    }
    extern "C" fn modification(_: *mut IBackgroundCopyCallback, _: *mut IBackgroundCopyJob, _: DWORD) -> HRESULT {
        S_OK
    }
    static VTBL: IBackgroundCopyCallbackVtbl = IBackgroundCopyCallbackVtbl {
        QueryInterface: Some(qi),
        AddRef: Some(add),
        Release: Some(rel),
        JobTransferred: Some(transferred),
        JobError: Some(error),
        JobModification: Some(modification),
    };

    pub fn refs(cb: *mut IBackgroundCopyCallback) -> u32 {
        unsafe { (*(cb as *mut Cb)).refs.load(Ordering::SeqCst) }
    }

    pub fn new_callback() -> *mut IBackgroundCopyCallback {
        Box::into_raw(Box::new(Cb { vtbl: &VTBL, refs: AtomicU32::new(1) })) as *mut IBackgroundCopyCallback
    }
}

// ---- the tests ----

#[test]
fn two_processes_share_one_queue_and_a_job_outlives_every_client() {
    if std::env::var_os("DELIVERYOPT_CHILD").is_some() {
        return;
    }
    let s = Server::start(Options::default()).unwrap();
    let place = Place::new("share");
    // About 2 s of transfer at 200 KB/s: it goes on after both clients have exited.
    let url = s.url("/gen/400000/61?trickle_bps=200000");
    let mut a = place.child("queue", &[("NAME", "from-a".into()), ("URL", url.clone()), ("WAIT", "1".into())]);
    let a_lines = Lines::of(&mut a);
    let guid = a_lines.expect("GUID ");
    // B, alive at the same time as A, sees A's job and adds its own.
    let mut b =
        place.child("queue", &[("NAME", "from-b".into()), ("URL", s.url("/gen/1000/62")), ("WAIT", "1".into())]);
    let b_lines = Lines::of(&mut b);
    b_lines.expect("GUID ");
    let mut look = place.child("look", &[("GUID", guid.clone())]);
    let look_lines = Lines::of(&mut look);
    assert_eq!(look_lines.expect("SEES "), "from-a,from-b");
    assert_eq!(look_lines.expect("FOUND "), "from-a");
    finish(look);
    // A sees B's job too.
    a.stdin.as_mut().unwrap().write_all(b"go\n").unwrap();
    assert_eq!(a_lines.expect("SEES "), "from-a,from-b");
    finish(a);
    b.stdin.as_mut().unwrap().write_all(b"go\n").unwrap();
    assert_eq!(b_lines.expect("SEES "), "from-a,from-b");
    finish(b);
    // No client is left. The job keeps transferring: it is TRANSFERRED by the time a later
    // process looks, without anybody waiting for it.
    let pid = place.service_pid().expect("the service runs on");
    // Wait until every byte is in the job's temporary file (the service is the only one left to
    // write it), and a moment for the job to become TRANSFERRED.
    let full = || {
        std::fs::read_dir(place.data()).unwrap().filter_map(|e| e.ok()).any(|e| {
            e.file_name().to_string_lossy().starts_with(".BIT") && e.metadata().is_ok_and(|m| m.len() == 400_000)
        })
    };
    let t = Instant::now();
    while !full() && t.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(full(), "the transfer went on with no client");
    std::thread::sleep(Duration::from_millis(500));
    let mut c = place.child("complete", &[("GUID", guid)]);
    let c_lines = Lines::of(&mut c);
    assert_eq!(c_lines.expect("FOUND-STATE "), BG_JOB_STATE_TRANSFERRED.to_string(), "transferred with no client");
    c_lines.expect("COMPLETED");
    finish(c);
    assert_eq!(std::fs::read(place.data().join("from-a")).unwrap(), content(61, 400000));
    assert_eq!(place.service_pid(), Some(pid), "one service served every process");
}

/// How many times `a_service_killed_again_and_again_loses_nothing` kills the service
/// (`SVC_KILL_COUNT`; `bench/kill200.sh` sets 200).
fn svc_kill_count() -> usize {
    std::env::var("SVC_KILL_COUNT").ok().and_then(|v| v.parse().ok()).filter(|n| *n > 0).unwrap_or(20)
}

/// The service kill test's jobs: name → (server path, local file name, content seed, length).
/// Trickled, slower for more kills, so that they are still transferring at the last kill (a kill
/// comes every 20–170 ms, and a new service takes a while to start and go on): the 2 MiB files
/// take about 0.15 s per kill on their one connection; the 9 MiB ones are fetched in pieces.
#[allow(clippy::type_complexity)]
fn svc_kill_plan() -> Vec<(String, Vec<(String, String, u64, usize)>)> {
    let rate = (2 << 20) * 20 / (3 * svc_kill_count() as u64);
    let sizes = [9 << 20, 2 << 20, 1, 0, 150_000];
    (0..3)
        .map(|j| {
            let files = sizes
                .iter()
                .enumerate()
                .map(|(i, n)| {
                    let seed = (500 + j * 10 + i) as u64;
                    let name = format!("sk{j}f{i}");
                    (format!("/gen/{n}/{seed}/{name}?trickle_bps={rate}"), name, seed, *n)
                })
                .collect();
            (format!("svc-kill-{j}"), files)
        })
        .collect()
}

/// Queues the service kill test's jobs, says RUNNING, then polls them (a program that makes
/// calls, so each call after a kill starts the service again) and Completes each once
/// TRANSFERRED, until all are done. A call the dying service never answered fails with
/// RPC_S_SERVER_UNAVAILABLE and is made again; a Complete that failed so may have been made, in
/// which case the job is gone (BG_E_NOT_FOUND) and its files are in place.
fn child_svc_kill_worker(dir: &Path) {
    use deliveryopt::abi::hresult::{BG_E_NOT_FOUND, RPC_S_SERVER_UNAVAILABLE};
    let base = std::env::var("URL_BASE").unwrap();
    let m = manager();
    let mut jobs = Vec::new();
    for (name, files) in svc_kill_plan() {
        let (_, j) = create_job(m, &name);
        for (path, file, _, _) in &files {
            add_file(j, &format!("{base}{path}"), &dir.join(file));
        }
        assert_eq!(call!(j, Resume), S_OK);
        jobs.push((name, j, false));
    }
    println!("RUNNING");
    let started = Instant::now();
    let mut lost = 0usize;
    while !jobs.is_empty() {
        assert!(started.elapsed() < Duration::from_secs(300), "the jobs did not finish");
        jobs.retain_mut(|(name, j, complete_lost)| {
            let mut st: BG_JOB_STATE = 0;
            let hr = call!(*j, GetState, &mut st);
            if hr == RPC_S_SERVER_UNAVAILABLE {
                lost += 1;
                return true;
            }
            if hr == BG_E_NOT_FOUND && *complete_lost {
                release(*j);
                return false;
            }
            assert_eq!(hr, S_OK, "GetState of {name}");
            match st {
                BG_JOB_STATE_TRANSFERRED => match call!(*j, Complete) {
                    S_OK => {
                        release(*j);
                        false
                    }
                    RPC_S_SERVER_UNAVAILABLE => {
                        lost += 1;
                        *complete_lost = true;
                        true
                    }
                    hr => panic!("Complete of {name}: {hr:#x}"),
                },
                BG_JOB_STATE_TRANSIENT_ERROR => {
                    call!(*j, Resume);
                    true
                }
                BG_JOB_STATE_ERROR => {
                    let mut err: *mut IBackgroundCopyError = null_mut();
                    assert_eq!(call!(*j, GetError, &mut err), S_OK);
                    let (mut ctx, mut code) = (0, 0);
                    call!(err, GetError, &mut ctx, &mut code);
                    let mut file: *mut IBackgroundCopyFile = null_mut();
                    let mut remote: LPWSTR = null_mut();
                    if call!(err, GetFile, &mut file) == S_OK {
                        call!(file, GetRemoteName, &mut remote);
                        release(file);
                    }
                    let mut text: LPWSTR = null_mut();
                    call!(err, GetErrorDescription, 0x409, &mut text);
                    release(err);
                    panic!(
                        "{name} failed: context {ctx}, {code:#x} ({}), file {}",
                        take_str(text),
                        if remote.is_null() { "-".into() } else { take_str(remote) }
                    );
                }
                _ => true,
            }
        });
        std::thread::sleep(Duration::from_millis(5));
    }
    release(m);
    println!("LOST {lost}");
    println!("ALL DONE");
}

/// Issue 12's "a service killed at any moment is restarted by the next call, and loses nothing":
/// the service is SIGKILLed at random moments (20 times; `SVC_KILL_COUNT`) while a program's jobs
/// transfer and the program polls them. Each time the program's next call starts a new service,
/// which goes on from the store's checkpoints; no final name ever holds a partial file, and every
/// file ends with the right bytes.
#[test]
fn a_service_killed_again_and_again_loses_nothing() {
    if std::env::var_os("DELIVERYOPT_CHILD").is_some() {
        return;
    }
    let s = Server::start(Options::default()).unwrap();
    let place = Place::new("svc-kills");
    let base = s.url("");
    let plan = svc_kill_plan();
    let finals: Vec<(PathBuf, Vec<u8>)> = plan
        .iter()
        .flat_map(|(_, files)| files.iter().map(|(_, file, seed, n)| (place.data().join(file), content(*seed, *n))))
        .collect();
    let check_finals = |when: &str| {
        for (path, want) in &finals {
            if let Ok(got) = std::fs::read(path) {
                assert!(got == *want, "{when}: {} holds a partial or wrong file ({} bytes)", path.display(), got.len());
            }
        }
    };
    let mut w = KillOnDrop(place.child("svc-kill-worker", &[("URL_BASE", base.trim_end_matches('/').to_string())]));
    let lines = Lines::of(&mut w.0);
    lines.expect("RUNNING");
    let mut rng = 0x9e37_79b9_7f4a_7c15u64 ^ u64::from(std::process::id());
    let mut killed = std::collections::HashSet::new();
    let started = Instant::now();
    while killed.len() < svc_kill_count() {
        assert!(started.elapsed() < Duration::from_secs(240), "the kills took too long");
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        std::thread::sleep(Duration::from_millis(20 + rng % 150));
        if w.0.try_wait().unwrap().is_some() {
            break;
        }
        // None (or one already killed): the program has not started the next service yet.
        if let Some(pid) = place.service_pid().filter(|p| !killed.contains(p)) {
            kill(pid);
            killed.insert(pid);
            check_finals(&format!("after kill {}", killed.len()));
        }
    }
    // After the kills, the rest at full speed (the 2 MiB files' whole transfer takes about 0.15 s
    // per kill).
    let lost =
        lines.expect_within("LOST ", Duration::from_secs(60) + Duration::from_millis(200) * svc_kill_count() as u32);
    lines.expect("ALL DONE");
    let status = w.0.wait().unwrap();
    assert!(status.success(), "child failed: {status:?}");
    let total: u64 = finals.iter().map(|(_, c)| c.len() as u64).sum();
    let sent: u64 = s.requests().iter().filter(|r| r.method == "GET").map(|r| r.body_bytes_sent).sum();
    println!(
        "service kill test: {} kills; {} files, {total} bytes; the server sent {sent} bytes; {lost} calls \
         failed with a dying service and were made again",
        killed.len(),
        finals.len()
    );
    assert_eq!(killed.len(), svc_kill_count(), "the jobs finished before the last kill");
    for (path, want) in &finals {
        let got = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(got == *want, "{} has the wrong bytes ({} of {})", path.display(), got.len(), want.len());
    }
    let resumed = s.requests().iter().filter(|r| r.path.starts_with("/gen/") && r.header("range").is_some()).count();
    assert!(resumed > 0, "the new services went on from checkpoints (Range requests)");
    let pieces = s.requests().into_iter().filter(|r| {
        r.path.contains("/sk")
            && r.path.ends_with("f0")
            && matches!(r.range, Some(testserver::RangeHeader::Single(testserver::ByteRange::FromTo(..))))
    });
    assert!(pieces.count() > 3, "the 9 MiB files were fetched in pieces");
}

/// A 1.5 MB file trickled at 500 KB/s, queued by a program that exits at once, with some bytes
/// (and a checkpoint) landed: the server, the place, the job's GUID and the service's pid.
fn a_transfer_under_way(tag: &str, seed: u64) -> (Server, Place, String, i32) {
    let s = Server::start(Options::default()).unwrap();
    let place = Place::new(tag);
    let url = s.url(&format!("/gen/1500000/{seed}?trickle_bps=500000"));
    let mut a = place.child("queue", &[("NAME", "big".into()), ("URL", url), ("ABRUPT", "1".into())]);
    let guid = Lines::of(&mut a).expect("GUID ");
    finish(a);
    std::thread::sleep(Duration::from_millis(1200));
    let pid = place.service_pid().expect("a service");
    (s, place, guid, pid)
}

/// After the service `first` went mid-transfer: the next program's call starts a new service,
/// which finishes the file from the checkpoint (a Range request), and the program completes it.
fn carried_on(s: &Server, place: &Place, guid: String, first: i32, seed: u64) {
    let mut c = place.child("complete", &[("GUID", guid)]);
    let c_lines = Lines::of(&mut c);
    let found = c_lines.expect("FOUND-STATE ");
    assert_ne!(found, BG_JOB_STATE_TRANSFERRED.to_string(), "the service went in the middle of the transfer");
    c_lines.expect("COMPLETED");
    finish(c);
    let second = place.service_pid().expect("a new service");
    assert_ne!(first, second, "the next call started a new service");
    assert_eq!(std::fs::read(place.data().join("big")).unwrap(), content(seed, 1500000));
    let prefix = format!("/gen/1500000/{seed}");
    let ranged = s.requests().iter().filter(|r| r.path.starts_with(&prefix) && r.header("range").is_some()).count();
    assert!(ranged > 0, "the new service continued from the checkpoint with a Range request");
}

#[test]
fn a_service_killed_mid_transfer_is_started_again_and_the_transfer_continues() {
    if std::env::var_os("DELIVERYOPT_CHILD").is_some() {
        return;
    }
    let (s, place, guid, first) = a_transfer_under_way("kill", 71);
    kill(first);
    carried_on(&s, &place, guid, first, 71);
}

/// SIGTERM (what `systemctl stop` sends) stops the service in order: it exits at once with status
/// 0, its socket and pid file gone and the reason in its log, and the next call starts a new
/// service that carries the transfer on from its checkpoint.
#[test]
fn a_service_stopped_by_sigterm_leaves_in_order_and_the_next_call_carries_on() {
    if std::env::var_os("DELIVERYOPT_CHILD").is_some() {
        return;
    }
    let (s, place, guid, first) = a_transfer_under_way("term", 72);
    let (socket, pid_file) = (place.socket(), place.pid_file().unwrap());
    assert!(socket.exists());
    let _ = Command::new("kill").args(["-TERM", &first.to_string()]).status();
    let t = Instant::now();
    while alive(first) && t.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(!alive(first), "the service left within 10 s of SIGTERM");
    assert!(!socket.exists() && !pid_file.exists(), "its socket and pid file went with it");
    let log = std::fs::read_to_string(socket.with_extension("log")).unwrap_or_default();
    assert!(log.contains("stopped by SIGTERM"), "the log says why: {log}");
    carried_on(&s, &place, guid, first, 72);
}

/// Resume is posted (not waited for) on a job with files; a job another process ended meanwhile
/// is known as ended (the service says so before that process's Cancel returns), so the Resume is
/// made and refused as it would be without posting.
#[test]
fn a_resume_after_another_process_cancelled_the_job_is_refused() {
    if std::env::var_os("DELIVERYOPT_CHILD").is_some() {
        return;
    }
    let s = Server::start(Options::default()).unwrap();
    let place = Place::new("ended");
    let mut a = place.child("posted", &[("NAME", "one".into()), ("URL", s.url("/gen/1000/5"))]);
    let a_lines = Lines::of(&mut a);
    let guid = a_lines.expect("GUID ");
    let mut b = place.child("cancel", &[("GUID", guid)]);
    Lines::of(&mut b).expect("CANCELLED");
    finish(b);
    let mut input = a.stdin.take().unwrap();
    writeln!(input, "resume").unwrap();
    assert_eq!(a_lines.expect("RESUME "), format!("{:#010x}", BG_E_INVALID_STATE as u32));
    writeln!(input, "end").unwrap();
    finish(a);
}

/// A "posted" child queues `/gen/20000/SEED` as NAME; then the service is stopped (SIGSTOP)
/// and the child resumes the job, which returns at once (posted). Returns the child, its lines
/// and input, the job's GUID and the stopped service's pid.
fn resumed_while_stopped(
    place: &Place,
    s: &Server,
    name: &str,
    seed: u32,
) -> (Child, Lines, std::process::ChildStdin, String, i32) {
    let mut a = place.child("posted", &[("NAME", name.into()), ("URL", s.url(&format!("/gen/20000/{seed}")))]);
    let lines = Lines::of(&mut a);
    let guid = lines.expect("GUID ");
    let pid = place.service_pid().expect("a service");
    let _ = Command::new("kill").args(["-STOP", &pid.to_string()]).status();
    let mut input = a.stdin.take().unwrap();
    writeln!(input, "resume").unwrap();
    assert_eq!(lines.expect("RESUME "), "0x00000000", "Resume did not wait for the stopped service");
    (a, lines, input, guid, pid)
}

/// A posted Resume returns without the service (stopped here, so it cannot read it); the service
/// is then killed, and the client's next call starts a new one, which gets the Resume first: the
/// job transfers, and Complete gives the file.
#[test]
fn a_posted_resume_the_service_never_read_is_made_by_the_next_service() {
    if std::env::var_os("DELIVERYOPT_CHILD").is_some() {
        return;
    }
    let s = Server::start(Options::default()).unwrap();
    let place = Place::new("posted");
    let (a, a_lines, mut input, _, first) = resumed_while_stopped(&place, &s, "two", 9);
    kill(first);
    writeln!(input, "complete").unwrap();
    a_lines.expect("COMPLETED");
    writeln!(input, "end").unwrap();
    finish(a);
    let second = place.service_pid().expect("a new service");
    assert_ne!(first, second);
    assert_eq!(std::fs::read(place.data().join("two")).unwrap(), content(9, 20000));
}

/// As above, but the program releases the job and exits right after the posted Resume: the
/// release waits until a service has made the Resume (here the one started after the kill), so
/// a later process finds the job transferring and completes it.
#[test]
fn releasing_a_job_waits_until_its_posted_resume_is_made() {
    if std::env::var_os("DELIVERYOPT_CHILD").is_some() {
        return;
    }
    let s = Server::start(Options::default()).unwrap();
    let place = Place::new("settle");
    let (mut a, _a_lines, mut input, guid, first) = resumed_while_stopped(&place, &s, "three", 11);
    writeln!(input, "end").unwrap();
    // The release is waiting for the stopped service.
    std::thread::sleep(Duration::from_millis(300));
    assert!(a.try_wait().unwrap().is_none(), "the program exited with its Resume unconfirmed");
    kill(first);
    finish(a);
    let mut c = place.child("complete", &[("GUID", guid)]);
    Lines::of(&mut c).expect("COMPLETED");
    finish(c);
    assert_eq!(std::fs::read(place.data().join("three")).unwrap(), content(11, 20000));
}

#[test]
fn a_client_killed_mid_call_leaves_the_service_serving() {
    if std::env::var_os("DELIVERYOPT_CHILD").is_some() {
        return;
    }
    let s = Server::start(Options::default()).unwrap();
    let place = Place::new("client-kill");
    for round in 0..3 {
        let mut l = place.child("loop", &[("URL", s.url("/gen/100/1"))]);
        Lines::of(&mut l).expect("LOOPING");
        std::thread::sleep(Duration::from_millis(150 + 100 * round));
        l.kill().unwrap();
        l.wait().unwrap();
    }
    let pid = place.service_pid().expect("the service outlived its clients");
    let mut t = place.child("transfer", &[("NAME", "after".into()), ("URL", s.url("/gen/5000/9"))]);
    Lines::of(&mut t).expect("DONE ");
    finish(t);
    assert_eq!(std::fs::read(place.data().join("after")).unwrap(), content(9, 5000));
    assert_eq!(place.service_pid(), Some(pid));
}

#[test]
fn racing_clients_start_one_service() {
    if std::env::var_os("DELIVERYOPT_CHILD").is_some() {
        return;
    }
    let s = Server::start(Options::default()).unwrap();
    let place = Place::new("race");
    let children: Vec<Child> = (0..6)
        .map(|i| place.child("queue", &[("NAME", format!("racer-{i}")), ("URL", s.url("/gen/2000/5"))]))
        .collect();
    for c in children {
        finish(c);
    }
    let mut look = place.child("probe", &[]);
    let lines = Lines::of(&mut look);
    assert_eq!(lines.expect("HR "), "0x00000000");
    assert_eq!(lines.expect("JOBS "), "6", "every racer's job is in the one store");
    finish(look);
    // Exactly one service process for this socket.
    let socket = place.socket();
    let services = std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(|e| e.ok())
        .filter_map(|e| std::fs::read(e.path().join("cmdline")).ok())
        .filter(|cmd| {
            let text = String::from_utf8_lossy(cmd).replace('\0', " ");
            text.contains("deliveryoptd") && text.contains(socket.to_str().unwrap())
        })
        .count();
    assert_eq!(services, 1);
}

/// A connection that has been greeted, speaking raw frames.
fn greeted(place: &Place) -> UnixStream {
    let mut s = UnixStream::connect(place.socket()).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut out = Vec::new();
    wire::write_prefix(&mut out).unwrap();
    out.extend(wire::encode(&Hello { store: Some(place.store()) }).unwrap());
    s.write_all(&out).unwrap();
    assert_eq!(wire::read_prefix(&mut s).unwrap(), PROTOCOL_VERSION);
    let w: Welcome = wire::read_frame(&mut s, &mut Vec::new()).unwrap();
    assert!(matches!(w, Welcome::Ok { .. }), "{w:?}");
    s
}

/// Reads until the peer closes (or its 10 s read timeout passes): true when it closed.
fn closes(s: &mut UnixStream) -> bool {
    let mut buf = [0u8; 4096];
    loop {
        match s.read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => continue,
            // Closed with our bytes unread: the peer resets the connection.
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => return true,
            Err(_) => return false,
        }
    }
}

#[test]
fn garbage_and_hostile_messages_get_an_error_and_a_closed_connection() {
    if std::env::var_os("DELIVERYOPT_CHILD").is_some() {
        return;
    }
    let s = Server::start(Options::default()).unwrap();
    let place = Place::new("garbage");
    let mut p = place.child("probe", &[]);
    Lines::of(&mut p).expect("HR ");
    finish(p);
    let pid = place.service_pid().unwrap();
    let socket = place.socket();

    // Not a deliveryopt peer at all.
    let mut c = UnixStream::connect(&socket).unwrap();
    c.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    c.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    assert!(closes(&mut c));

    // An older protocol version: the service says its own and closes (and goes on; a newer
    // one would make it hand over: see a_newer_client_takes_the_store_over...).
    let mut c = UnixStream::connect(&socket).unwrap();
    c.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut pre = b"DOPT".to_vec();
    pre.extend_from_slice(&(PROTOCOL_VERSION - 1).to_le_bytes());
    c.write_all(&pre).unwrap();
    assert_eq!(wire::read_prefix(&mut c).unwrap(), PROTOCOL_VERSION);
    assert!(closes(&mut c));

    // Another store: refused with a reason.
    let mut c = UnixStream::connect(&socket).unwrap();
    c.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut out = Vec::new();
    wire::write_prefix(&mut out).unwrap();
    out.extend(wire::encode(&Hello { store: Some(PathBuf::from("/elsewhere")) }).unwrap());
    c.write_all(&out).unwrap();
    wire::read_prefix(&mut c).unwrap();
    let w: Welcome = wire::read_frame(&mut c, &mut Vec::new()).unwrap();
    assert!(matches!(w, Welcome::Refused { .. }), "{w:?}");
    assert!(closes(&mut c));

    // A frame that is not a message: an error reply, then the connection is closed.
    let mut c = greeted(&place);
    let mut junk = 6u32.to_le_bytes().to_vec();
    junk.extend_from_slice(&[0xc1, 0xde, 0xad, 0xbe, 0xef, 0x00]);
    c.write_all(&junk).unwrap();
    let reply: ToClient = wire::read_frame(&mut c, &mut Vec::new()).unwrap();
    assert!(
        matches!(reply, ToClient::Reply { id: 0, result: Err(deliveryopt::engine::EngineError::Protocol(_)), .. }),
        "{reply:?}"
    );
    assert!(closes(&mut c));

    // A frame longer than the limit: closed without reading it.
    let mut c = greeted(&place);
    c.write_all(&u32::MAX.to_le_bytes()).unwrap();
    assert!(closes(&mut c));

    // Well-formed calls with nonsense in them get errors, not a crash.
    let mut c = greeted(&place);
    let calls = [
        ToService::Call {
            id: 1,
            req: deliveryopt::engine::rpc::Request::Job {
                id: deliveryopt::engine::JobId::new_random(),
                op: deliveryopt::engine::rpc::Op::resume {},
            },
        },
        ToService::Release { job: deliveryopt::engine::JobId::new_random(), count: u64::MAX },
        ToService::CallbackDone { id: 12345, result: Ok(()) },
        // A post on a job that does not exist: no reply (a post has none), and nothing else.
        ToService::Post { job: deliveryopt::engine::JobId::new_random(), op: deliveryopt::engine::rpc::Op::resume {} },
        ToService::Call {
            id: 2,
            req: deliveryopt::engine::rpc::Request::GetJob { id: deliveryopt::engine::JobId::new_random() },
        },
    ];
    for m in &calls {
        c.write_all(&wire::encode(m).unwrap()).unwrap();
    }
    // Replies come as calls finish, not in order.
    let mut buf = Vec::new();
    let mut ids = Vec::new();
    for _ in 0..2 {
        match wire::read_frame::<ToClient>(&mut c, &mut buf).unwrap() {
            ToClient::Reply { id, result: Err(deliveryopt::engine::EngineError::NotFound), .. } => ids.push(id),
            other => panic!("{other:?}"),
        }
    }
    ids.sort();
    assert_eq!(ids, [1, 2]);
    drop(c);

    // A post of a call no client posts (one that could hold the connection's reader up, or
    // whose failure the caller must hear): an error reply, then the connection is closed.
    let mut c = greeted(&place);
    let job = deliveryopt::engine::JobId::new_random();
    for op in [deliveryopt::engine::rpc::Op::do_wait {}, deliveryopt::engine::rpc::Op::cancel {}] {
        c.write_all(&wire::encode(&ToService::Post { job, op }).unwrap()).unwrap();
    }
    let reply: ToClient = wire::read_frame(&mut c, &mut Vec::new()).unwrap();
    assert!(
        matches!(reply, ToClient::Reply { id: 0, result: Err(deliveryopt::engine::EngineError::Protocol(_)), .. }),
        "{reply:?}"
    );
    assert!(closes(&mut c));

    // Random bytes, many times over.
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    for n in 0..200 {
        let mut c = UnixStream::connect(&socket).unwrap();
        c.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let mut bytes = Vec::new();
        if n % 2 == 0 {
            // Past the greeting, so the frame reader sees the noise.
            wire::write_prefix(&mut bytes).unwrap();
            bytes.extend(wire::encode(&Hello { store: Some(place.store()) }).unwrap());
        }
        for _ in 0..(16 + n % 200) {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            bytes.push(seed as u8);
        }
        let _ = c.write_all(&bytes);
        let _ = c.shutdown(std::net::Shutdown::Write);
        let _ = closes(&mut c);
    }

    // The service is the same process and still works.
    assert_eq!(place.service_pid(), Some(pid));
    let mut t = place.child("transfer", &[("NAME", "after-garbage".into()), ("URL", s.url("/gen/3000/3"))]);
    Lines::of(&mut t).expect("DONE ");
    finish(t);
    assert_eq!(place.service_pid(), Some(pid));
}

#[test]
fn a_peer_of_another_user_is_refused() {
    if std::env::var_os("DELIVERYOPT_CHILD").is_some() {
        return;
    }
    if deliveryopt::abi::os::effective_uid() != 0 {
        println!("skipped: needs root to connect as another user");
        return;
    }
    let place = Place::new("uid");
    let mut p = place.child("probe", &[]);
    Lines::of(&mut p).expect("HR ");
    finish(p);
    let socket = place.socket();
    // Open the way on purpose (the directory is 0700 and the socket 0600 normally), so that only
    // the service's own check stands between another user and the jobs.
    for d in [place.root.clone(), place.run_dir()] {
        let _ = Command::new("chmod").args(["0755", d.to_str().unwrap()]).status();
    }
    let _ = Command::new("chmod").args(["0666", socket.to_str().unwrap()]).status();
    let mut greeting = Vec::new();
    wire::write_prefix(&mut greeting).unwrap();
    greeting.extend(wire::encode(&Hello { store: Some(place.store()) }).unwrap());
    let hex: String = greeting.iter().map(|b| format!("{b:02x}")).collect();
    let script = format!(
        "import socket,sys\ns=socket.socket(socket.AF_UNIX)\ns.settimeout(10)\ns.connect({:?})\n\
         s.sendall(bytes.fromhex({hex:?}))\nd=b''\nwhile True:\n    b=s.recv(4096)\n    if not b: break\n    d+=b\n\
         sys.stdout.write(d.hex())\n",
        socket.to_str().unwrap()
    );
    use std::os::unix::process::CommandExt;
    let out = Command::new("python3").arg("-c").arg(&script).uid(65534).gid(65534).output();
    let Ok(out) = out else {
        println!("skipped: python3 not available");
        return;
    };
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let hexout = String::from_utf8(out.stdout).unwrap();
    let bytes: Vec<u8> =
        (0..hexout.len() / 2).map(|i| u8::from_str_radix(&hexout[2 * i..2 * i + 2], 16).unwrap()).collect();
    let mut r = &bytes[..];
    assert_eq!(wire::read_prefix(&mut r).unwrap(), PROTOCOL_VERSION);
    let w: Welcome = wire::read_frame(&mut r, &mut Vec::new()).unwrap();
    match w {
        Welcome::Refused { reason } => assert!(reason.contains("uid"), "{reason}"),
        other => panic!("another user was served: {other:?}"),
    }
    assert!(r.is_empty(), "nothing follows the refusal");
    // Nor may another user make the service hand over by posing as a newer client.
    let pid = place.service_pid().expect("a service");
    let mut newer = b"DOPT".to_vec();
    newer.extend_from_slice(&(PROTOCOL_VERSION + 1).to_le_bytes());
    let hex: String = newer.iter().map(|b| format!("{b:02x}")).collect();
    let script = format!(
        "import socket\ns=socket.socket(socket.AF_UNIX)\ns.settimeout(10)\ns.connect({:?})\n\
         s.sendall(bytes.fromhex({hex:?}))\nwhile s.recv(4096): pass\n",
        socket.to_str().unwrap()
    );
    let out = Command::new("python3").arg("-c").arg(&script).uid(65534).gid(65534).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    std::thread::sleep(Duration::from_millis(300));
    assert!(alive(pid), "the service handed over to another user");
    assert_eq!(place.service_pid(), Some(pid));
}

/// The library was upgraded while its service ran: the first client of the newer protocol makes
/// the older service hand the store over (it leaves; its transfer stops where it is) and starts
/// its own, which goes on with the job from its checkpoint.
#[test]
fn a_newer_client_takes_the_store_over_from_an_older_service() {
    if std::env::var_os("DELIVERYOPT_CHILD").is_some() {
        return;
    }
    let s = Server::start(Options::default()).unwrap();
    let place = Place::new("handover");
    let url = s.url("/gen/1000000/13?trickle_bps=500000");
    let mut a = place.child("queue", &[("NAME", "kept".into()), ("URL", url), ("ABRUPT", "1".into())]);
    let guid = Lines::of(&mut a).expect("GUID ");
    finish(a);
    let first = place.service_pid().expect("a service");
    let socket = place.socket();
    let mut c = UnixStream::connect(&socket).unwrap();
    c.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut pre = b"DOPT".to_vec();
    pre.extend_from_slice(&(PROTOCOL_VERSION + 1).to_le_bytes());
    c.write_all(&pre).unwrap();
    assert_eq!(wire::read_prefix(&mut c).unwrap(), PROTOCOL_VERSION);
    let t = Instant::now();
    while alive(first) && t.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(!alive(first), "the older service left");
    assert!(!socket.exists(), "and took its socket away");
    let mut b = place.child("complete", &[("GUID", guid)]);
    Lines::of(&mut b).expect("COMPLETED");
    finish(b);
    assert_ne!(place.service_pid(), Some(first));
    assert_eq!(std::fs::read(place.data().join("kept")).unwrap(), content(13, 1000000));
}

/// A stand-in service at the store's socket that greets clients with protocol `version`: the
/// first `greetings` of them, then it stops listening and removes its socket (as a service that
/// hands over leaves after its first newer client).
fn stand_in(place: &Place, version: u32, greetings: usize) -> std::thread::JoinHandle<()> {
    let target = deliveryopt::engine::remote::Target::for_store(place.store());
    let socket = place.run_dir().join(target.socket.file_name().unwrap());
    std::fs::create_dir_all(place.run_dir()).unwrap();
    let listener = std::os::unix::net::UnixListener::bind(&socket).unwrap();
    listener.set_nonblocking(true).unwrap();
    std::thread::spawn(move || {
        let t = Instant::now();
        let mut greeted = 0;
        while greeted < greetings && t.elapsed() < Duration::from_secs(30) {
            let Ok((mut c, _)) = listener.accept() else {
                std::thread::sleep(Duration::from_millis(5));
                continue;
            };
            c.set_nonblocking(false).unwrap();
            let mut pre = [0u8; 8];
            let _ = c.read_exact(&mut pre);
            let mut answer = b"DOPT".to_vec();
            answer.extend_from_slice(&version.to_le_bytes());
            let _ = c.write_all(&answer);
            greeted += 1;
        }
        let _ = std::fs::remove_file(&socket);
    })
}

/// A service of an older protocol that does not hand over (one from before that rule) is waited
/// for a moment, then refused with ERROR_REVISION_MISMATCH; one that leaves is replaced.
#[test]
fn an_older_service_that_stays_is_refused_and_one_that_leaves_is_replaced() {
    if std::env::var_os("DELIVERYOPT_CHILD").is_some() {
        return;
    }
    let place = Place::new("older");
    let stays = stand_in(&place, PROTOCOL_VERSION - 1, usize::MAX);
    let t = Instant::now();
    let mut p = place.child("probe", &[]);
    let hr = Lines::of(&mut p).expect("HR ");
    finish(p);
    assert_eq!(hr, format!("{:#010x}", hresult_from_win32(ERROR_REVISION_MISMATCH)));
    assert!(t.elapsed() >= Duration::from_secs(2), "it was given time to hand over");
    drop(stays);
    let place = Place::new("older-leaves");
    let leaves = stand_in(&place, PROTOCOL_VERSION - 1, 3);
    let mut p = place.child("probe", &[]);
    let hr = Lines::of(&mut p).expect("HR ");
    finish(p);
    assert_eq!(hr, "0x00000000", "a service of this version was started in its place");
    leaves.join().unwrap();
}

#[test]
fn a_service_of_another_protocol_version_is_refused_with_its_own_error() {
    if std::env::var_os("DELIVERYOPT_CHILD").is_some() {
        return;
    }
    let place = Place::new("version");
    // A stand-in service at the store's socket that speaks version 999.
    let server = stand_in(&place, 999, 1);
    let mut p = place.child("probe", &[]);
    let hr = Lines::of(&mut p).expect("HR ");
    finish(p);
    assert_eq!(hr, format!("{:#010x}", hresult_from_win32(ERROR_REVISION_MISMATCH)));
    server.join().unwrap();
}

#[test]
fn a_client_that_dies_drops_its_callback_and_its_job_goes_on() {
    if std::env::var_os("DELIVERYOPT_CHILD").is_some() {
        return;
    }
    let s = Server::start(Options::default()).unwrap();
    let place = Place::new("callback-gone");
    let url = s.url("/gen/300000/44?trickle_bps=300000");
    let mut a = place
        .child("queue", &[("NAME", "cb".into()), ("URL", url), ("WITH_CALLBACK", "1".into()), ("ABRUPT", "1".into())]);
    let guid = Lines::of(&mut a).expect("GUID ");
    // Killed, not exited: its callback object is gone with it.
    a.kill().unwrap();
    a.wait().unwrap();
    let pid = place.service_pid().unwrap();
    let mut c = place.child("complete", &[("GUID", guid)]);
    let lines = Lines::of(&mut c);
    lines.expect("COMPLETED");
    finish(c);
    assert_eq!(std::fs::read(place.data().join("cb")).unwrap(), content(44, 300000));
    assert_eq!(place.service_pid(), Some(pid));
}

#[test]
fn a_callback_set_in_one_process_is_called_in_that_process() {
    if std::env::var_os("DELIVERYOPT_CHILD").is_some() {
        return;
    }
    let s = Server::start(Options::default()).unwrap();
    let place = Place::new("callback");
    let mut a = place.child(
        "queue",
        &[
            ("NAME", "called".into()),
            ("URL", s.url("/gen/20000/45")),
            ("WITH_CALLBACK", "1".into()),
            ("WAIT", "1".into()),
        ],
    );
    let lines = Lines::of(&mut a);
    lines.expect("GUID ");
    // The callback completes the job from inside JobTransferred (a call back into the service).
    lines.expect("CALLBACK transferred");
    let t = Instant::now();
    while !place.data().join("called").exists() && t.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(20));
    }
    drop(a.stdin.take());
    let _ = a.kill();
    let _ = a.wait();
    assert_eq!(std::fs::read(place.data().join("called")).unwrap(), content(45, 20000));
}

#[test]
fn a_socket_passed_by_systemd_is_served() {
    if std::env::var_os("DELIVERYOPT_CHILD").is_some() {
        return;
    }
    let activate = Path::new("/usr/bin/systemd-socket-activate");
    if !activate.exists() {
        println!("skipped: systemd-socket-activate is not installed");
        return;
    }
    let s = Server::start(Options::default()).unwrap();
    let place = Place::new("activate");
    std::fs::create_dir_all(place.run_dir()).unwrap();
    let target = deliveryopt::engine::remote::Target::for_store(place.store());
    let socket = place.run_dir().join(target.socket.file_name().unwrap());
    // systemd's protocol: the socket is fd 3 (LISTEN_FDS=1), and the service starts on the
    // first connection.
    let mut activator = Command::new(activate)
        .arg("-l")
        .arg(&socket)
        .arg(env!("CARGO_BIN_EXE_deliveryoptd"))
        .arg("--foreground")
        .arg("--state-dir")
        .arg(place.store())
        .env("DELIVERYOPT_RUNTIME_DIR", place.run_dir())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let t = Instant::now();
    while !socket.exists() && t.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(20));
    }
    let mut c = place.child("transfer", &[("NAME", "activated".into()), ("URL", s.url("/gen/4000/8"))]);
    Lines::of(&mut c).expect("DONE ");
    finish(c);
    assert_eq!(std::fs::read(place.data().join("activated")).unwrap(), content(8, 4000));
    assert!(activator.try_wait().unwrap().is_none(), "the activated service runs on");
    assert!(place.pid_file().is_none(), "a service on systemd's socket starts none of its own");
    let _ = activator.kill();
    let _ = activator.wait();
}

#[test]
fn a_callback_outlives_a_restart_of_the_service() {
    if std::env::var_os("DELIVERYOPT_CHILD").is_some() {
        return;
    }
    let s = Server::start(Options::default()).unwrap();
    let place = Place::new("held");
    let url = s.url("/gen/600000/46?trickle_bps=400000");
    let mut c = place.child("held-callback", &[("URL", url)]);
    let lines = Lines::of(&mut c);
    assert_eq!(lines.expect("REGISTERED "), "2", "the library holds one reference");
    std::thread::sleep(Duration::from_millis(400));
    let first = place.service_pid().unwrap();
    kill(first);
    // The client notices, starts the service again and registers its callback again; the job
    // continues and the callback completes it, with no call from the program in between.
    lines.expect("CALLBACK transferred");
    assert_eq!(lines.expect("RELEASED "), "1", "released once the job ended");
    finish(c);
    assert_eq!(std::fs::read(place.data().join("held")).unwrap(), content(46, 600000));
    assert_ne!(place.service_pid(), Some(first));
}

#[test]
fn a_service_whose_store_is_deleted_exits() {
    if std::env::var_os("DELIVERYOPT_CHILD").is_some() {
        return;
    }
    let place = Place::new("store-gone");
    let mut p = place.child("probe", &[]);
    Lines::of(&mut p).expect("HR ");
    finish(p);
    let pid = place.service_pid().expect("a service");
    let socket = place.socket();
    std::fs::remove_dir_all(place.store()).unwrap();
    let t = Instant::now();
    while alive(pid) && t.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(!alive(pid), "the service exits when its store is gone");
    assert!(!socket.exists(), "and removes its socket");
}

#[test]
fn the_system_instance_serves_every_user_as_themselves() {
    if std::env::var_os("DELIVERYOPT_CHILD").is_some() {
        return;
    }
    if deliveryopt::abi::os::effective_uid() != 0 {
        println!("skipped: the system instance needs root");
        return;
    }
    use std::os::unix::fs::PermissionsExt;
    let s = Server::start(Options::default()).unwrap();
    let place = Place::new("system");
    let (user_dir, root_dir) = (place.data().join("user"), place.data().join("root"));
    std::fs::create_dir_all(&user_dir).unwrap();
    std::fs::create_dir_all(&root_dir).unwrap();
    for d in [place.root.clone(), place.data(), root_dir.clone()] {
        std::fs::set_permissions(&d, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    std::fs::set_permissions(&user_dir, std::fs::Permissions::from_mode(0o700)).unwrap();
    std::os::unix::fs::chown(&user_dir, Some(65534), Some(65534)).unwrap();
    std::fs::write(root_dir.join("secret"), b"root only").unwrap();
    std::fs::set_permissions(root_dir.join("secret"), std::fs::Permissions::from_mode(0o600)).unwrap();
    // The test binary must be reachable by the other user (it runs as their child).
    let exe = std::env::current_exe().unwrap();
    if exe.ancestors().skip(1).any(|d| std::fs::metadata(d).is_ok_and(|m| m.permissions().mode() & 0o001 == 0)) {
        println!("skipped: the test binary is not reachable by other users");
        return;
    }
    let socket = place.run_dir().join("system.sock");
    let mut service = Command::new(env!("CARGO_BIN_EXE_deliveryoptd"))
        .args(["--foreground", "--system", "--idle-exit", "0", "--state-dir"])
        .arg(place.store())
        .arg("--socket")
        .arg(&socket)
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    assert!(
        wait_until(Duration::from_secs(20), || UnixStream::connect(&socket).is_ok()),
        "the system instance listens"
    );
    let mode = std::fs::metadata(&socket).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o666, "every user may connect");
    fn env(socket: &Path, extra: &[(&'static str, String)]) -> Vec<(&'static str, String)> {
        let mut v = vec![
            ("DELIVERYOPT_ENGINE", "system".to_string()),
            ("DELIVERYOPT_SYSTEM_SOCKET", socket.display().to_string()),
        ];
        v.extend(extra.iter().cloned());
        v
    }
    let mut c = place.child("sys-root-create", &env(&socket, &[]));
    let root_guid = Lines::of(&mut c).expect("GUID ");
    finish(c);
    let mut c = place.child_as(
        "sys-user",
        &env(&socket, &[("URL", s.url("/gen/6000/5")), ("ROOT_GUID", root_guid.clone())]),
        Some(65534),
    );
    let user_guid = Lines::of(&mut c).expect("GUID ");
    finish(c);
    assert_eq!(std::fs::read(user_dir.join("out.bin")).unwrap(), content(5, 6000));
    assert!(!root_dir.join("planted").exists());
    let mut c = place.child("sys-admin", &env(&socket, &[("USER_GUID", user_guid), ("ROOT_GUID", root_guid)]));
    Lines::of(&mut c).expect("ADMIN-OK");
    finish(c);
    let _ = service.kill();
    let _ = service.wait();
    // With no system instance running, an ordinary user's program is told so at once: only root
    // (or its system unit) starts it.
    let t = Instant::now();
    let mut p = place.child_as("probe", &env(&socket, &[]), Some(65534));
    let hr = Lines::of(&mut p).expect("HR ");
    finish(p);
    assert_eq!(hr, format!("{:#010x}", CO_E_SERVER_EXEC_FAILURE));
    assert!(t.elapsed() < Duration::from_secs(20));
    assert!(UnixStream::connect(&socket).is_err(), "no service was started for the user");
}
