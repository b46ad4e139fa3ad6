//! A tiny Rust client of the C ABI, for the integration tests: it calls the exports and the
//! vtable slots exactly as C code does.
// `1 as *mut T` values are deliberate non-NULL sentinels that a failing call must reset to NULL.
#![allow(clippy::manual_dangling_ptr)]
#![allow(dead_code, non_snake_case, clippy::missing_safety_doc)]

use core::ffi::c_void;
use core::ptr::null_mut;

pub use deliveryopt::abi::*;
use deliveryopt::interfaces::activation::CoCreateInstance;

/// Calls a vtable slot: `call!(ptr, Slot, args...)`.
macro_rules! call {
    ($p:expr, $slot:ident $(, $arg:expr)*) => {{
        let p = $p;
        let f = unsafe { (*(*p).lpVtbl).$slot.expect(stringify!($slot)) };
        #[allow(unused_unsafe)]
        unsafe { f(p $(, $arg)*) }
    }};
}
pub(crate) use call;

pub fn wide(s: &str) -> Vec<u16> {
    deliveryopt::abi::strings::wide(s)
}

/// Reads and frees a CoTaskMem string.
pub fn take_str(p: LPWSTR) -> String {
    assert!(!p.is_null());
    let mut n = 0;
    unsafe {
        while *p.add(n) != 0 {
            n += 1;
        }
        let s = String::from_utf16(std::slice::from_raw_parts(p, n)).unwrap();
        deliveryopt::abi::memory::CoTaskMemFree(p as *mut c_void);
        s
    }
}

/// Gives this test binary a store of its own (a fresh directory), unless the test chose one, so
/// tests never see each other's jobs nor the user's.
pub fn isolate_store() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // Tests talk to 127.0.0.1 only: a proxy from the environment (PRECONFIG) must not apply.
        for v in ["http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"] {
            std::env::remove_var(v);
        }
        if std::env::var_os("DELIVERYOPT_STATE_DIR").is_none() {
            let dir = scratch_root().join(format!(
                "deliveryopt-test-state-{}-{}",
                std::process::id(),
                std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos()
            ));
            std::env::set_var("DELIVERYOPT_STATE_DIR", dir);
        }
    });
}

/// For child processes of the tests: prints what CoCreateInstance answers ("HR 0x........") and
/// prints the number of jobs the manager lists ("JOBS n") when it succeeded.
pub fn probe() {
    let mut p: *mut c_void = null_mut();
    let hr =
        CoCreateInstance(&CLSID_BackgroundCopyManager, null_mut(), CLSCTX_ALL, &IID_IBackgroundCopyManager, &mut p);
    println!("HR {hr:#010x}");
    if hr == S_OK {
        let m = p as *mut IBackgroundCopyManager;
        let mut e: *mut IEnumBackgroundCopyJobs = null_mut();
        call!(m, EnumJobs, 0, &mut e);
        let mut n = 0;
        call!(e, GetCount, &mut n);
        println!("JOBS {n}");
        release(e);
        release(m);
    }
}

/// A GUID as text (`{XXXXXXXX-...}`), for passing job ids to child processes.
pub fn guid_str(g: &GUID) -> String {
    format!("{g}")
}

/// The GUID of `guid_str`'s text.
pub fn parse_guid(s: &str) -> GUID {
    let hex: String = s.chars().filter(|c| c.is_ascii_hexdigit()).collect();
    let b = u128::from_str_radix(&hex, 16).unwrap().to_be_bytes();
    GUID {
        Data1: u32::from_be_bytes([b[0], b[1], b[2], b[3]]),
        Data2: u16::from_be_bytes([b[4], b[5]]),
        Data3: u16::from_be_bytes([b[6], b[7]]),
        Data4: [b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]],
    }
}

pub fn manager() -> *mut IBackgroundCopyManager {
    isolate_store();
    let mut p: *mut c_void = null_mut();
    let hr = CoCreateInstance(
        &CLSID_BackgroundCopyManager,
        null_mut(),
        CLSCTX_LOCAL_SERVER,
        &IID_IBackgroundCopyManager,
        &mut p,
    );
    assert_eq!(hr, S_OK);
    p as *mut IBackgroundCopyManager
}

pub fn create_job(m: *mut IBackgroundCopyManager, name: &str) -> (GUID, *mut IBackgroundCopyJob) {
    let n = wide(name);
    let mut id = GUID::zeroed();
    let mut job: *mut IBackgroundCopyJob = null_mut();
    let hr = call!(m, CreateJob, n.as_ptr(), BG_JOB_TYPE_DOWNLOAD, &mut id, &mut job);
    assert_eq!(hr, S_OK, "CreateJob");
    (id, job)
}

pub fn qi<T>(p: *mut T, iid: &GUID) -> Result<*mut c_void, HRESULT> {
    let p = p as *mut IUnknown;
    let mut out: *mut c_void = 1 as *mut c_void;
    let hr = call!(p, QueryInterface, iid, &mut out);
    if hr == S_OK {
        assert!(!out.is_null());
        Ok(out)
    } else {
        assert!(out.is_null(), "failed QueryInterface must store NULL");
        Err(hr)
    }
}

pub fn release<T>(p: *mut T) -> u32 {
    let p = p as *mut IUnknown;
    call!(p, Release)
}

pub fn add_ref<T>(p: *mut T) -> u32 {
    let p = p as *mut IUnknown;
    call!(p, AddRef)
}

/// Cancels and releases a job (keeps the shared engine under its quota between tests).
pub fn discard(job: *mut IBackgroundCopyJob) {
    let _ = call!(job, Cancel);
    release(job);
}

/// The directory the scratch directories of this test program go in,
/// `<tmp>/deliveryopt-tests-<pid>`, removed when the program exits (whatever the tests'
/// outcome; set DELIVERYOPT_KEEP_TEST_DIRS=1 to keep it for a look).
pub fn scratch_root() -> &'static std::path::Path {
    static ROOT: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();
    extern "C" fn remove_root() {
        if let Some(d) = ROOT.get() {
            let _ = std::fs::remove_dir_all(d);
        }
    }
    ROOT.get_or_init(|| {
        let d = std::env::temp_dir().join(format!("deliveryopt-tests-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        if std::env::var_os("DELIVERYOPT_KEEP_TEST_DIRS").is_none() {
            // SAFETY: registers a function without arguments that only removes files; it runs
            // once, when the program exits.
            unsafe { libc::atexit(remove_root) };
        }
        d
    })
}

/// A fresh, empty directory for one test: `<scratch_root>/deliveryopt-<tag>-<pid>`.
pub fn tempdir(tag: &str) -> std::path::PathBuf {
    let d = scratch_root().join(format!("deliveryopt-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// The job's state.
pub fn state(job: *mut IBackgroundCopyJob) -> BG_JOB_STATE {
    let mut st = -1;
    assert_eq!(call!(job, GetState, &mut st), S_OK);
    st
}

/// Polls `f` every 5 ms until it is true or `timeout` passes; returns its last answer.
pub fn wait_until(timeout: std::time::Duration, mut f: impl FnMut() -> bool) -> bool {
    let start = std::time::Instant::now();
    while start.elapsed() < timeout {
        if f() {
            return true;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    f()
}

/// Waits until the job reaches one of `states`; returns the state it ended in.
pub fn wait_for(job: *mut IBackgroundCopyJob, states: &[BG_JOB_STATE], timeout: std::time::Duration) -> BG_JOB_STATE {
    wait_until(timeout, || states.contains(&state(job)));
    state(job)
}

/// Waits (30 s at most) until the job is TRANSFERRED or ERROR; returns its state.
pub fn wait_end(job: *mut IBackgroundCopyJob) -> BG_JOB_STATE {
    wait_for(job, &[BG_JOB_STATE_TRANSFERRED, BG_JOB_STATE_ERROR], std::time::Duration::from_secs(30))
}

/// AddFile, which must succeed.
pub fn add_file(job: *mut IBackgroundCopyJob, url: &str, local: &std::path::Path) {
    let r = wide(url);
    let l = wide(local.to_str().unwrap());
    assert_eq!(call!(job, AddFile, r.as_ptr(), l.as_ptr()), S_OK, "AddFile {url}");
}

/// The job's error: context and code.
pub fn error_of(job: *mut IBackgroundCopyJob) -> (BG_ERROR_CONTEXT, HRESULT) {
    let mut err: *mut IBackgroundCopyError = null_mut();
    assert_eq!(call!(job, GetError, &mut err), S_OK);
    let (mut ctx, mut code) = (0, 0);
    assert_eq!(call!(err, GetError, &mut ctx, &mut code), S_OK);
    release(err);
    (ctx, code)
}

/// The job's error code.
pub fn error_code(job: *mut IBackgroundCopyJob) -> HRESULT {
    error_of(job).1
}

/// Checkpoints of [`in_process_child`]'s engine: every 256 KiB or 50 ms per file.
pub const CHILD_CHECKPOINT_BYTES: u64 = 256 * 1024;
pub const CHILD_CHECKPOINT_MS: u64 = 50;

/// This test binary again, as a child running its `child_entry` test in `mode`
/// (DELIVERYOPT_CHILD), with the engine in process on the store `dir/store`, frequent
/// checkpoints, a 3 s read timeout, CHILD_DIR=`dir` and `extra`; stdout piped, stderr inherited.
/// For the tests of the in-process engine's store (one process at a time, SIGKILLs of the process
/// that runs the engine, a full disk).
pub fn in_process_child(mode: &str, dir: &std::path::Path, extra: &[(&str, String)]) -> std::process::Child {
    let mut cmd = std::process::Command::new(std::env::current_exe().unwrap());
    cmd.args(["--exact", "child_entry", "--nocapture", "--test-threads=1"])
        .env("DELIVERYOPT_CHILD", mode)
        .env("DELIVERYOPT_ENGINE", "in-process")
        .env("DELIVERYOPT_STATE_DIR", dir.join("store"))
        .env("DELIVERYOPT_CHECKPOINT_BYTES", CHILD_CHECKPOINT_BYTES.to_string())
        .env("DELIVERYOPT_CHECKPOINT_MS", CHILD_CHECKPOINT_MS.to_string())
        .env("DELIVERYOPT_READ_TIMEOUT_MS", "3000")
        .env("CHILD_DIR", dir)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::inherit());
    for (k, v) in extra {
        cmd.env(k, v);
    }
    cmd.spawn().unwrap()
}
