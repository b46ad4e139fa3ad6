//! One object layout for every COM object the library hands out, and the generic IUnknown slots.
//!
//! ```text
//! ComObject<T>:  [ vtable ptr face 0 | face 1 | ... ]  refcount  magic  value: T
//!                  ^ primary interface pointer = object address (also the IUnknown identity)
//!                            ^ further interface pointers (tear-offs for interfaces that do not
//!                              derive from the primary one, e.g. IBackgroundCopyJobHttpOptions)
//! ```
//! An interface pointer is the address of one vtable-pointer slot; [`ComObject::from_face`]
//! subtracts that slot's offset to find the object again (Wine's `impl_from_*`).

// These functions take raw pointers from C callers and are safe to call by design: the pointer
// comes straight from an exported function or vtable slot whose C contract makes it valid (the
// rustls-ffi pattern). They are not for use by the engine, which never sees a raw pointer.
#![allow(clippy::not_unsafe_ptr_arg_deref)]

use core::ffi::c_void;
use core::ptr::NonNull;

use super::refcount::{RefCount, Released};
use crate::abi::hresult::*;
use crate::abi::types::{GUID, HRESULT, REFIID, ULONG};
use crate::abi::IID_IUnknown;

/// A Rust type served to C as a COM object.
pub trait ComClass: Send + Sync + Sized + 'static {
    /// `#[repr(C)]` struct of vtable pointers, one per face; face 0 is the primary interface.
    type Vtables: 'static;
    /// The vtable pointers every object of this class starts with.
    const VTABLES: Self::Vtables;
    /// Distinguishes classes so that a pointer of the wrong kind is refused, not trusted.
    const MAGIC: u64;
    /// Byte offset (within `Vtables`) of the face that answers `iid`, or `None`. IUnknown is
    /// handled before this is asked and always gives face 0.
    fn face_for(&self, iid: &GUID) -> Option<usize>;
}

const DEAD: u64 = 0xDEAD_DEAD_DEAD_DEAD;

/// The heap block behind every interface pointer the library returns.
#[repr(C)]
pub struct ComObject<T: ComClass> {
    vtables: T::Vtables,
    refs: RefCount,
    magic: u64,
    value: T,
}

impl<T: ComClass> ComObject<T> {
    /// Allocates an object holding one reference, owned by the returned [`ComRef`].
    pub fn create(value: T) -> ComRef<T> {
        let obj = Box::new(ComObject { vtables: T::VTABLES, refs: RefCount::new(), magic: T::MAGIC, value });
        ComRef { ptr: NonNull::from(Box::leak(obj)) }
    }

    /// The Rust value inside.
    pub fn value(&self) -> &T {
        &self.value
    }

    /// The interface pointer of the face at byte offset `face`.
    pub fn face_ptr(&self, face: usize) -> *mut c_void {
        (self as *const Self as *mut u8).wrapping_add(face) as *mut c_void
    }

    /// Maps an interface pointer of face `face` back to its object.
    ///
    /// Returns `E_POINTER` for NULL and `E_INVALIDARG` when the pointer does not lead to a live
    /// object of this class. The pointer comes from a C caller that promises it is an interface
    /// pointer it holds a reference to; that promise is what makes the reads below sound, and the
    /// returned borrow lives as long as the caller's reference (the call).
    pub fn from_face<'a>(this: *mut c_void, face: usize) -> Result<&'a ComObject<T>, HRESULT> {
        if this.is_null() {
            return Err(E_POINTER);
        }
        let obj = (this as *mut u8).wrapping_sub(face) as *const ComObject<T>;
        if (obj as usize) % core::mem::align_of::<ComObject<T>>() != 0 {
            return Err(E_INVALIDARG);
        }
        // SAFETY: by the caller's contract `this` is a live interface pointer of face `face` of some
        // object; the magic check refuses objects of another class before any other field is used.
        let obj = unsafe { &*obj };
        if obj.magic != T::MAGIC {
            return Err(E_INVALIDARG);
        }
        Ok(obj)
    }

    /// Adds a reference; returns the new count, or 0 if the object was already dead.
    pub fn add_ref(&self) -> ULONG {
        match self.refs.add_ref() {
            Some(n) => n,
            None => {
                if self.refs.get() == 0 {
                    tracing::warn!("AddRef on an object that was already released; ignored");
                }
                self.refs.get()
            }
        }
    }

    /// Drops a reference, destroying the object at zero.
    ///
    /// # Safety
    /// The caller must own the reference it releases, and must not use `self` afterwards.
    pub unsafe fn release(&self) -> ULONG {
        match self.refs.release() {
            Released::Alive(n) => n,
            Released::Last => {
                let p = self as *const Self as *mut Self;
                // SAFETY: the count reached zero, so no other reference exists; the block came from
                // `Box::leak` in `create`. Marking it dead first lets a later stray call be refused
                // while the memory is still mapped (ASan reports it in tests).
                unsafe {
                    (*p).magic = DEAD;
                    drop(Box::from_raw(p));
                }
                0
            }
            Released::Underflow => {
                tracing::warn!("Release on an object with no references left; ignored");
                0
            }
        }
    }

    /// QueryInterface with the COM identity rules: IUnknown always gives face 0, every success
    /// AddRefs, every failure stores NULL.
    pub fn query_interface(&self, riid: REFIID, ppv: *mut *mut c_void) -> HRESULT {
        if ppv.is_null() {
            return E_POINTER;
        }
        // SAFETY: `ppv` is a non-NULL out-pointer from the C caller.
        unsafe { ppv.write(core::ptr::null_mut()) };
        if riid.is_null() {
            return E_INVALIDARG;
        }
        // SAFETY: `riid` is a non-NULL pointer to a GUID from the C caller.
        let iid = unsafe { &*riid };
        let face = if *iid == IID_IUnknown { Some(0) } else { self.value.face_for(iid) };
        match face {
            Some(face) => {
                self.add_ref();
                // SAFETY: `ppv` checked non-NULL above.
                unsafe { ppv.write(self.face_ptr(face)) };
                S_OK
            }
            None => E_NOINTERFACE,
        }
    }

    /// The current reference count (diagnostics and tests).
    pub fn ref_count(&self) -> u32 {
        self.refs.get()
    }
}

/// An owned reference to one of our objects, held by Rust code (Arc-like: Clone AddRefs, Drop
/// Releases).
pub struct ComRef<T: ComClass> {
    ptr: NonNull<ComObject<T>>,
}

// SAFETY: the object's value is Send + Sync and its refcount is atomic, so references may move
// between and be shared by threads.
unsafe impl<T: ComClass> Send for ComRef<T> {}
// SAFETY: as above.
unsafe impl<T: ComClass> Sync for ComRef<T> {}

impl<T: ComClass> ComRef<T> {
    /// The object.
    pub fn object(&self) -> &ComObject<T> {
        // SAFETY: this reference keeps the object alive.
        unsafe { self.ptr.as_ref() }
    }

    /// Gives this reference away as the interface pointer of face `face` (e.g. to an out-param).
    pub fn into_face(self, face: usize) -> *mut c_void {
        let p = self.object().face_ptr(face);
        core::mem::forget(self);
        p
    }

    /// Takes a new reference from a borrowed object, or `None` if it is already dying.
    pub fn from_object(obj: &ComObject<T>) -> Option<ComRef<T>> {
        obj.refs.add_ref()?;
        Some(ComRef { ptr: NonNull::from(obj) })
    }
}

impl<T: ComClass> Clone for ComRef<T> {
    fn clone(&self) -> Self {
        self.object().add_ref();
        ComRef { ptr: self.ptr }
    }
}

impl<T: ComClass> Drop for ComRef<T> {
    fn drop(&mut self) {
        // SAFETY: this handle owns exactly one reference and is not used after this.
        unsafe { self.object().release() };
    }
}

impl<T: ComClass> core::ops::Deref for ComRef<T> {
    type Target = T;
    fn deref(&self) -> &T {
        self.object().value()
    }
}

// ---- The generic IUnknown slots, instantiated per class, face and interface type ----

/// Slot 0 for face `FACE` of class `T`.
///
/// # Safety
/// Called by C through a vtable of class `T`: `this` must be a live interface pointer of face
/// `FACE` (a wrong pointer is refused when it does not lead to an object of class `T`).
pub unsafe extern "C" fn query_interface<T: ComClass, const FACE: usize, I>(
    this: *mut I,
    riid: REFIID,
    ppv: *mut *mut c_void,
) -> HRESULT {
    crate::ffi_boundary!(E_UNEXPECTED, {
        match ComObject::<T>::from_face(this as *mut c_void, FACE) {
            Ok(obj) => obj.query_interface(riid, ppv),
            Err(hr) => {
                if !ppv.is_null() {
                    // SAFETY: non-NULL out-pointer from the C caller.
                    unsafe { ppv.write(core::ptr::null_mut()) };
                }
                hr
            }
        }
    })
}

/// Slot 1 for face `FACE` of class `T`.
///
/// # Safety
/// Called by C through a vtable of class `T`: `this` must be a live interface pointer of face
/// `FACE` (a wrong pointer is refused when it does not lead to an object of class `T`).
pub unsafe extern "C" fn add_ref<T: ComClass, const FACE: usize, I>(this: *mut I) -> ULONG {
    crate::ffi_boundary!(0, {
        match ComObject::<T>::from_face(this as *mut c_void, FACE) {
            Ok(obj) => obj.add_ref(),
            Err(_) => 0,
        }
    })
}

/// Slot 2 for face `FACE` of class `T`.
///
/// # Safety
/// Called by C through a vtable of class `T`: `this` must be a live interface pointer of face
/// `FACE` (a wrong pointer is refused when it does not lead to an object of class `T`).
pub unsafe extern "C" fn release<T: ComClass, const FACE: usize, I>(this: *mut I) -> ULONG {
    crate::ffi_boundary!(0, {
        match ComObject::<T>::from_face(this as *mut c_void, FACE) {
            // SAFETY: the C caller owns the reference it releases (COM contract).
            Ok(obj) => unsafe { obj.release() },
            Err(_) => 0,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::abi::vtbl::{IUnknown, IUnknownVtbl};
    use crate::abi::IID_IBackgroundCopyJob;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;

    /// A class with two faces whose drop sets a tombstone.
    struct Probe {
        dead: Arc<AtomicBool>,
    }

    impl Drop for Probe {
        fn drop(&mut self) {
            assert!(!self.dead.swap(true, Ordering::SeqCst), "dropped twice");
        }
    }

    #[repr(C)]
    struct ProbeVtables {
        a: *const IUnknownVtbl,
        b: *const IUnknownVtbl,
    }

    const FACE_B: usize = core::mem::offset_of!(ProbeVtables, b);

    static VTBL_A: IUnknownVtbl = IUnknownVtbl {
        QueryInterface: Some(query_interface::<Probe, 0, IUnknown>),
        AddRef: Some(add_ref::<Probe, 0, IUnknown>),
        Release: Some(release::<Probe, 0, IUnknown>),
    };
    static VTBL_B: IUnknownVtbl = IUnknownVtbl {
        QueryInterface: Some(query_interface::<Probe, FACE_B, IUnknown>),
        AddRef: Some(add_ref::<Probe, FACE_B, IUnknown>),
        Release: Some(release::<Probe, FACE_B, IUnknown>),
    };

    impl ComClass for Probe {
        type Vtables = ProbeVtables;
        const VTABLES: ProbeVtables = ProbeVtables { a: &VTBL_A, b: &VTBL_B };
        const MAGIC: u64 = 0x7072_6f62_6570_726f;
        fn face_for(&self, iid: &GUID) -> Option<usize> {
            (*iid == IID_IBackgroundCopyJob).then_some(FACE_B)
        }
    }

    fn call_qi(p: *mut IUnknown, iid: &GUID) -> (HRESULT, *mut c_void) {
        let mut out: *mut c_void = core::ptr::dangling_mut::<c_void>();
        // SAFETY: `p` is a live face of a Probe.
        let hr = unsafe { ((*(*p).lpVtbl).QueryInterface.unwrap())(p, iid, &mut out) };
        (hr, out)
    }

    fn call_release(p: *mut c_void) -> ULONG {
        let p = p as *mut IUnknown;
        // SAFETY: `p` is a live face of a Probe holding a reference we own.
        unsafe { ((*(*p).lpVtbl).Release.unwrap())(p) }
    }

    #[test]
    fn object_dies_exactly_when_the_last_reference_goes() {
        let dead = Arc::new(AtomicBool::new(false));
        let r = ComObject::create(Probe { dead: dead.clone() });
        let a = r.into_face(0) as *mut IUnknown;
        let (hr, b) = call_qi(a, &IID_IBackgroundCopyJob);
        assert_eq!(hr, S_OK);
        assert_eq!(b as usize - a as usize, FACE_B);
        // Identity: IUnknown from either face is face 0.
        let (hr, u) = call_qi(b as *mut IUnknown, &IID_IUnknown);
        assert_eq!((hr, u), (S_OK, a as *mut c_void));
        assert_eq!(call_release(u), 2);
        assert_eq!(call_release(a as *mut c_void), 1);
        assert!(!dead.load(Ordering::SeqCst), "alive while the tear-off holds a reference");
        assert_eq!(call_release(b), 0);
        assert!(dead.load(Ordering::SeqCst), "dead after the last Release");
    }

    #[test]
    fn failed_query_stores_null_and_adds_no_reference() {
        let dead = Arc::new(AtomicBool::new(false));
        let r = ComObject::create(Probe { dead: dead.clone() });
        let a = r.object().face_ptr(0) as *mut IUnknown;
        let (hr, out) = call_qi(a, &crate::abi::IID_IBackgroundCopyFile);
        assert_eq!((hr, out), (E_NOINTERFACE, core::ptr::null_mut()));
        assert_eq!(r.object().ref_count(), 1);
        drop(r);
        assert!(dead.load(Ordering::SeqCst));
    }

    #[test]
    fn comref_clones_share_the_object() {
        let dead = Arc::new(AtomicBool::new(false));
        let r = ComObject::create(Probe { dead: dead.clone() });
        let r2 = r.clone();
        assert_eq!(r.object().ref_count(), 2);
        drop(r);
        assert!(!dead.load(Ordering::SeqCst));
        assert!(ComRef::from_object(r2.object()).is_some());
        drop(r2);
        assert!(dead.load(Ordering::SeqCst));
    }

    #[test]
    fn pointers_of_another_class_are_refused() {
        let dead = Arc::new(AtomicBool::new(false));
        let r = ComObject::create(Probe { dead });
        let mut buf = [0u64; 8];
        let not_an_object = buf.as_mut_ptr() as *mut c_void;
        assert_eq!(ComObject::<Probe>::from_face(not_an_object, 0).err(), Some(E_INVALIDARG));
        assert_eq!(ComObject::<Probe>::from_face(core::ptr::null_mut(), 0).err(), Some(E_POINTER));
        assert!(ComObject::<Probe>::from_face(r.object().face_ptr(FACE_B), FACE_B).is_ok());
    }
}
