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
        let obj = Box::new(ComObject {
            vtables: T::VTABLES,
            refs: RefCount::new(),
            magic: T::MAGIC,
            value,
        });
        ComRef {
            ptr: NonNull::from(Box::leak(obj)),
        }
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
                    eprintln!(
                        "deliveryopt: AddRef on an object that was already released; ignored"
                    );
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
                eprintln!("deliveryopt: Release on an object with no references left; ignored");
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
        let face = if *iid == IID_IUnknown {
            Some(0)
        } else {
            self.value.face_for(iid)
        };
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
        Some(ComRef {
            ptr: NonNull::from(obj),
        })
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
pub unsafe extern "C" fn add_ref<T: ComClass, const FACE: usize, I>(this: *mut I) -> ULONG {
    crate::ffi_boundary!(0, {
        match ComObject::<T>::from_face(this as *mut c_void, FACE) {
            Ok(obj) => obj.add_ref(),
            Err(_) => 0,
        }
    })
}

/// Slot 2 for face `FACE` of class `T`.
pub unsafe extern "C" fn release<T: ComClass, const FACE: usize, I>(this: *mut I) -> ULONG {
    crate::ffi_boundary!(0, {
        match ComObject::<T>::from_face(this as *mut c_void, FACE) {
            // SAFETY: the C caller owns the reference it releases (COM contract).
            Ok(obj) => unsafe { obj.release() },
            Err(_) => 0,
        }
    })
}
