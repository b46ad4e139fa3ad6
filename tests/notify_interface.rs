//! SetNotifyInterface / GetNotifyInterface with a caller-implemented callback object: the library
//! keeps exactly one reference while registered and gives it back when replaced or when the job
//! ends.
// `1 as *mut T` values are deliberate non-NULL sentinels that a failing call must reset to NULL.
#![allow(clippy::manual_dangling_ptr)]

mod common;

use common::*;
use core::ffi::c_void;
use core::ptr::null_mut;
use std::sync::atomic::{AtomicU32, Ordering};

/// A caller's callback object (`IBackgroundCopyCallback` only, or nothing when `plain`).
#[repr(C)]
struct Cb {
    vtbl: *const IBackgroundCopyCallbackVtbl,
    refs: AtomicU32,
    plain: bool,
}

unsafe extern "C" fn qi(this: *mut IBackgroundCopyCallback, riid: REFIID, ppv: *mut *mut c_void) -> HRESULT {
    let cb = &*(this as *mut Cb);
    let iid = *riid;
    if iid == IID_IUnknown || (!cb.plain && iid == IID_IBackgroundCopyCallback) {
        cb.refs.fetch_add(1, Ordering::SeqCst);
        *ppv = this as *mut c_void;
        S_OK
    } else {
        *ppv = null_mut();
        E_NOINTERFACE
    }
}
unsafe extern "C" fn addref(this: *mut IBackgroundCopyCallback) -> ULONG {
    (*(this as *mut Cb)).refs.fetch_add(1, Ordering::SeqCst) + 1
}
unsafe extern "C" fn rel(this: *mut IBackgroundCopyCallback) -> ULONG {
    (*(this as *mut Cb)).refs.fetch_sub(1, Ordering::SeqCst) - 1
}
unsafe extern "C" fn transferred(_: *mut IBackgroundCopyCallback, _: *mut IBackgroundCopyJob) -> HRESULT {
    S_OK
}
unsafe extern "C" fn error(
    _: *mut IBackgroundCopyCallback,
    _: *mut IBackgroundCopyJob,
    _: *mut IBackgroundCopyError,
) -> HRESULT {
    S_OK
}
unsafe extern "C" fn modification(_: *mut IBackgroundCopyCallback, _: *mut IBackgroundCopyJob, _: DWORD) -> HRESULT {
    S_OK
}

static VTBL: IBackgroundCopyCallbackVtbl = IBackgroundCopyCallbackVtbl {
    QueryInterface: Some(qi),
    AddRef: Some(addref),
    Release: Some(rel),
    JobTransferred: Some(transferred),
    JobError: Some(error),
    JobModification: Some(modification),
};

fn cb(plain: bool) -> Box<Cb> {
    Box::new(Cb { vtbl: &VTBL, refs: AtomicU32::new(1), plain })
}

#[test]
fn registration_holds_one_reference_until_replaced_or_final() {
    let m = manager();
    let (_, job) = create_job(m, "notify");
    let a = cb(false);
    let pa = &*a as *const Cb as *mut IUnknown;
    assert_eq!(call!(job, SetNotifyInterface, pa), S_OK);
    assert_eq!(a.refs.load(Ordering::SeqCst), 2, "the library keeps one reference");
    let mut got: *mut IUnknown = null_mut();
    assert_eq!(call!(job, GetNotifyInterface, &mut got), S_OK);
    assert_eq!(got, pa);
    assert_eq!(a.refs.load(Ordering::SeqCst), 3, "GetNotifyInterface AddRefs");
    release(got);

    // An object that is not a callback is refused and changes nothing.
    let plain = cb(true);
    let pp = &*plain as *const Cb as *mut IUnknown;
    assert_eq!(call!(job, SetNotifyInterface, pp), E_NOINTERFACE);
    assert_eq!(plain.refs.load(Ordering::SeqCst), 1, "no reference kept on failure");
    call!(job, GetNotifyInterface, &mut got);
    assert_eq!(got, pa, "the earlier registration stays");
    release(got);

    // Replacing releases the old one; NULL removes.
    let b = cb(false);
    let pb = &*b as *const Cb as *mut IUnknown;
    assert_eq!(call!(job, SetNotifyInterface, pb), S_OK);
    assert_eq!(a.refs.load(Ordering::SeqCst), 1);
    assert_eq!(b.refs.load(Ordering::SeqCst), 2);
    assert_eq!(call!(job, SetNotifyInterface, null_mut()), S_OK);
    assert_eq!(b.refs.load(Ordering::SeqCst), 1);
    got = 1 as *mut IUnknown;
    call!(job, GetNotifyInterface, &mut got);
    assert!(got.is_null());

    // The job's end releases a registration.
    assert_eq!(call!(job, SetNotifyInterface, pa), S_OK);
    assert_eq!(a.refs.load(Ordering::SeqCst), 2);
    assert_eq!(call!(job, Cancel), S_OK);
    assert_eq!(a.refs.load(Ordering::SeqCst), 1, "Cancel gives the callback back");
    assert_eq!(call!(job, SetNotifyInterface, pa), BG_E_INVALID_STATE);
    assert_eq!(a.refs.load(Ordering::SeqCst), 1);
    // A final job says so first, whatever the object (the library asks the state only when the
    // object is not a callback), and for NULL too.
    assert_eq!(call!(job, SetNotifyInterface, pp), BG_E_INVALID_STATE);
    assert_eq!(plain.refs.load(Ordering::SeqCst), 1);
    assert_eq!(call!(job, SetNotifyInterface, null_mut()), BG_E_INVALID_STATE);
    release(job);
    release(m);
}

/// A job completed or cancelled through one interface pointer refuses SetNotifyInterface through
/// any other (the library answers a job it ended itself without asking the engine; a job ended
/// elsewhere is refused by the engine).
#[test]
fn a_job_ended_elsewhere_refuses_a_callback() {
    let m = manager();
    let (id, job) = create_job(m, "notify-ended");
    let mut other: *mut IBackgroundCopyJob = null_mut();
    assert_eq!(call!(m, GetJob, &id, &mut other), S_OK);
    assert_eq!(call!(other, Cancel), S_OK);
    let a = cb(false);
    let pa = &*a as *const Cb as *mut IUnknown;
    assert_eq!(call!(job, SetNotifyInterface, pa), BG_E_INVALID_STATE);
    assert_eq!(call!(other, SetNotifyInterface, pa), BG_E_INVALID_STATE);
    assert_eq!(call!(job, SetNotifyInterface, null_mut()), BG_E_INVALID_STATE);
    assert_eq!(a.refs.load(Ordering::SeqCst), 1, "no reference kept");
    release(other);
    release(job);
    release(m);
}
