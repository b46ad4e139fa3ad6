//! The exported C API with arbitrary arguments: the input is a little program of calls on a
//! manager and its jobs (CreateJob with any type and name, AddFile with any names, setters with
//! any numbers and strings, including unpaired surrogates and NULL, QueryInterface of any IID,
//! Job5 properties, custom headers, Suspend/Cancel/Complete in any state, getters, Release).
//! Nothing is resumed, so nothing is fetched: no network is touched. The engine runs in process
//! with a store of its own. Every call must return an HRESULT; none may crash.
#![no_main]

use core::ffi::c_void;
use core::ptr::null_mut;
use std::sync::Once;

use deliveryopt::abi::bits_types::*;
use deliveryopt::abi::guids::*;
use deliveryopt::abi::types::*;
use deliveryopt::abi::vtbl::*;
use deliveryopt::interfaces::activation::{deliveryopt_set_engine_mode, deliveryopt_set_state_dir, CoCreateInstance};

macro_rules! call {
    ($p:expr, $slot:ident $(, $arg:expr)*) => {{
        let p = $p;
        // SAFETY: `p` is a live object the library handed out; the slot exists in its vtable.
        let f = unsafe { (*(*p).lpVtbl).$slot.expect(stringify!($slot)) };
        #[allow(unused_unsafe)]
        unsafe { f(p $(, $arg)*) }
    }};
}

/// Reads the program.
struct Input<'a>(&'a [u8]);

impl Input<'_> {
    fn byte(&mut self) -> Option<u8> {
        let (&b, rest) = self.0.split_first()?;
        self.0 = rest;
        Some(b)
    }
    fn u32(&mut self) -> u32 {
        let mut v = 0u32;
        for _ in 0..4 {
            v = (v << 8) | u32::from(self.byte().unwrap_or(0));
        }
        v
    }
    /// A NUL-terminated UTF-16 string (any code units), or None for NULL.
    fn wide(&mut self, prefix: &str) -> Option<Vec<u16>> {
        let n = self.byte()?;
        if n == 0xFF {
            return None;
        }
        let mut w: Vec<u16> = prefix.encode_utf16().collect();
        for _ in 0..n % 64 {
            let (a, b) = (self.byte().unwrap_or(0), self.byte().unwrap_or(0));
            let u = u16::from_le_bytes([a, b]);
            // Printable most of the time, anything (surrogates too) sometimes; never NUL inside.
            w.push(if a & 0x80 == 0 { u16::from(b % 94 + 33) } else { u.max(1) });
        }
        w.push(0);
        Some(w)
    }
    fn guid(&mut self) -> GUID {
        let mut b = [0u8; 16];
        for x in &mut b {
            *x = self.byte().unwrap_or(0);
        }
        GUID {
            Data1: u32::from_le_bytes([b[0], b[1], b[2], b[3]]),
            Data2: u16::from_le_bytes([b[4], b[5]]),
            Data3: u16::from_le_bytes([b[6], b[7]]),
            Data4: [b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]],
        }
    }
}

fn ptr(w: &Option<Vec<u16>>) -> *const u16 {
    w.as_ref().map_or(core::ptr::null(), |v| v.as_ptr())
}

fn free(p: *mut u16) {
    if !p.is_null() {
        // SAFETY: a string the library allocated with CoTaskMemAlloc, freed once.
        unsafe { deliveryopt::abi::memory::CoTaskMemFree(p as *mut c_void) };
    }
}

fn release<T>(p: *mut T) {
    call!(p as *mut IUnknown, Release);
}

/// A known interface of a job, sometimes: the ones the library answers.
const JOB_IIDS: [&GUID; 6] = [
    &IID_IBackgroundCopyJob,
    &IID_IBackgroundCopyJob2,
    &IID_IBackgroundCopyJob3,
    &IID_IBackgroundCopyJob4,
    &IID_IBackgroundCopyJob5,
    &IID_IBackgroundCopyJobHttpOptions,
];

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    static SETUP: Once = Once::new();
    SETUP.call_once(|| {
        let dir = format!("/tmp/dopt-fuzz-api-{}\0", std::process::id());
        deliveryopt_set_engine_mode(1);
        deliveryopt_set_state_dir(dir.as_ptr() as *const core::ffi::c_char);
    });
    let mut p: *mut c_void = null_mut();
    let hr = CoCreateInstance(&CLSID_BackgroundCopyManager, null_mut(), 0, &IID_IBackgroundCopyManager, &mut p);
    if hr != 0 {
        return;
    }
    let m = p as *mut IBackgroundCopyManager;
    let mut jobs: Vec<*mut IBackgroundCopyJob> = Vec::new();
    let mut input = Input(data);
    let mut steps = 0;
    while let Some(op) = input.byte() {
        steps += 1;
        if steps > 64 {
            break;
        }
        let pick = |input: &mut Input, jobs: &Vec<*mut IBackgroundCopyJob>| -> Option<*mut IBackgroundCopyJob> {
            if jobs.is_empty() {
                return None;
            }
            Some(jobs[usize::from(input.byte().unwrap_or(0)) % jobs.len()])
        };
        match op % 14 {
            0 => {
                let name = input.wide("");
                let ty = i32::from(input.byte().unwrap_or(0) % 4);
                let mut id = GUID::zeroed();
                let mut job: *mut IBackgroundCopyJob = null_mut();
                if call!(m, CreateJob, ptr(&name), ty, &mut id, &mut job) == 0 && !job.is_null() {
                    jobs.push(job);
                }
            }
            1 => {
                let Some(j) = pick(&mut input, &jobs) else { continue };
                let remote = input.wide(if op & 0x10 != 0 { "http://127.0.0.1:9/" } else { "" });
                let local = input.wide(if op & 0x20 != 0 { "/tmp/dopt-fuzz-out/" } else { "" });
                call!(j, AddFile, ptr(&remote), ptr(&local));
            }
            2 => {
                let Some(j) = pick(&mut input, &jobs) else { continue };
                let s = input.wide("");
                if op & 0x10 != 0 {
                    call!(j, SetDisplayName, ptr(&s));
                } else {
                    call!(j, SetDescription, ptr(&s));
                }
            }
            3 => {
                let Some(j) = pick(&mut input, &jobs) else { continue };
                let v = input.u32();
                match input.byte().unwrap_or(0) % 4 {
                    0 => call!(j, SetPriority, v as i32),
                    1 => call!(j, SetNotifyFlags, v),
                    2 => call!(j, SetMinimumRetryDelay, v),
                    _ => call!(j, SetNoProgressTimeout, v),
                };
            }
            4 => {
                let Some(j) = pick(&mut input, &jobs) else { continue };
                let usage = input.u32() as i32 % 6;
                let (list, bypass) = (input.wide(""), input.wide(""));
                call!(j, SetProxySettings, usage, ptr(&list), ptr(&bypass));
            }
            5 => {
                let Some(j) = pick(&mut input, &jobs) else { continue };
                match input.byte().unwrap_or(0) % 3 {
                    0 => call!(j, Suspend),
                    1 => call!(j, Cancel),
                    _ => call!(j, Complete),
                };
            }
            6 => {
                let Some(j) = pick(&mut input, &jobs) else { continue };
                let mut prog = BG_JOB_PROGRESS::default();
                call!(j, GetProgress, &mut prog);
                let mut st = 0;
                call!(j, GetState, &mut st);
                let mut s: *mut u16 = null_mut();
                call!(j, GetDisplayName, &mut s);
                free(s);
                let mut s: *mut u16 = null_mut();
                call!(j, GetOwner, &mut s);
                free(s);
                let mut e: *mut IBackgroundCopyError = null_mut();
                if call!(j, GetError, &mut e) == 0 && !e.is_null() {
                    release(e);
                }
                let mut f: *mut IEnumBackgroundCopyFiles = null_mut();
                if call!(j, EnumFiles, &mut f) == 0 && !f.is_null() {
                    release(f);
                }
            }
            7 => {
                let Some(j) = pick(&mut input, &jobs) else { continue };
                let iid =
                    if op & 0x10 != 0 { input.guid() } else { *JOB_IIDS[usize::from(input.byte().unwrap_or(0)) % 6] };
                let mut out: *mut c_void = null_mut();
                if call!(j as *mut IUnknown, QueryInterface, &iid, &mut out) == 0 && !out.is_null() {
                    release(out as *mut IUnknown);
                }
            }
            8 => {
                let Some(j) = pick(&mut input, &jobs) else { continue };
                let mut out: *mut c_void = null_mut();
                if call!(j as *mut IUnknown, QueryInterface, &IID_IBackgroundCopyJob5, &mut out) != 0 {
                    continue;
                }
                let j5 = out as *mut IBackgroundCopyJob5;
                let id = input.u32() % 12;
                let value = BITS_JOB_PROPERTY_VALUE { Uint64: u64::from(input.u32()) << 16 | u64::from(input.u32()) };
                call!(j5, SetProperty, id as BITS_JOB_PROPERTY_ID, value);
                let mut back = BITS_JOB_PROPERTY_VALUE { Uint64: 0 };
                call!(j5, GetProperty, id as BITS_JOB_PROPERTY_ID, &mut back);
                release(j5);
            }
            9 => {
                let Some(j) = pick(&mut input, &jobs) else { continue };
                let mut out: *mut c_void = null_mut();
                if call!(j as *mut IUnknown, QueryInterface, &IID_IBackgroundCopyJobHttpOptions, &mut out) != 0 {
                    continue;
                }
                let h = out as *mut IBackgroundCopyJobHttpOptions;
                let headers = input.wide("");
                call!(h, SetCustomHeaders, ptr(&headers));
                let mut s: *mut u16 = null_mut();
                call!(h, GetCustomHeaders, &mut s);
                free(s);
                let flags = input.u32();
                call!(h, SetSecurityFlags, flags);
                release(h);
            }
            10 => {
                let Some(j) = pick(&mut input, &jobs) else { continue };
                let mut out: *mut c_void = null_mut();
                if call!(j as *mut IUnknown, QueryInterface, &IID_IBackgroundCopyJob2, &mut out) != 0 {
                    continue;
                }
                let j2 = out as *mut IBackgroundCopyJob2;
                let (prog, params) = (input.wide(""), input.wide(""));
                call!(j2, SetNotifyCmdLine, ptr(&prog), ptr(&params));
                let reply = input.wide("/tmp/dopt-fuzz-out/");
                call!(j2, SetReplyFileName, ptr(&reply));
                let mut rp = BG_JOB_REPLY_PROGRESS::default();
                call!(j2, GetReplyProgress, &mut rp);
                let (mut buf, mut len): (*mut u8, u64) = (null_mut(), 0);
                if call!(j2, GetReplyData, &mut buf, &mut len) == 0 && !buf.is_null() {
                    // SAFETY: the reply buffer the library allocated, freed once.
                    unsafe { deliveryopt::abi::memory::CoTaskMemFree(buf as *mut c_void) };
                }
                release(j2);
            }
            11 => {
                let mut id = input.guid();
                if op & 0x10 != 0 {
                    if let Some(j) = pick(&mut input, &jobs) {
                        call!(j, GetId, &mut id);
                    }
                }
                let mut job: *mut IBackgroundCopyJob = null_mut();
                if call!(m, GetJob, &id, &mut job) == 0 && !job.is_null() {
                    release(job);
                }
            }
            12 => {
                let flags = input.u32() & 3;
                let mut e: *mut IEnumBackgroundCopyJobs = null_mut();
                if call!(m, EnumJobs, flags, &mut e) == 0 && !e.is_null() {
                    release(e);
                }
                let mut s: *mut u16 = null_mut();
                call!(m, GetErrorDescription, input.u32() as i32, 0, &mut s);
                free(s);
            }
            _ => {
                if !jobs.is_empty() {
                    let i = usize::from(input.byte().unwrap_or(0)) % jobs.len();
                    let j = jobs.swap_remove(i);
                    call!(j, Cancel);
                    release(j);
                }
            }
        }
    }
    for j in jobs {
        call!(j, Cancel);
        release(j);
    }
    release(m);
});
