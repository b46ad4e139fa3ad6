//! References to objects the caller implements (callbacks, streams) and passes to the library.

// These functions take raw pointers from C callers and are safe to call by design: the pointer
// comes straight from an exported function or vtable slot whose C contract makes it valid (the
// rustls-ffi pattern). They are not for use by the engine, which never sees a raw pointer.
#![allow(clippy::not_unsafe_ptr_arg_deref)]

use core::ffi::c_void;
use core::ptr::NonNull;

use crate::abi::hresult::*;
use crate::abi::types::{GUID, HRESULT};
use crate::abi::vtbl::IUnknown;

/// One reference to a caller's COM object, taken with AddRef and given back with Release on drop.
///
/// The library calls such objects from its own threads (the notifier), so callers must implement
/// them free-threaded, as BITS requires of callbacks (they arrive on arbitrary threads).
pub struct ComPtr {
    ptr: NonNull<IUnknown>,
}

// SAFETY: COM objects handed to this library must be callable from any thread (documented in the
// header for SetNotifyInterface and the DO callback/stream properties); AddRef/Release are
// thread-safe by the COM contract.
unsafe impl Send for ComPtr {}
// SAFETY: as above.
unsafe impl Sync for ComPtr {}

impl ComPtr {
    /// Takes a new reference to a caller's pointer. `None` for NULL or a NULL vtable.
    ///
    /// `p` comes from the C caller, who promises it is a live COM interface pointer for the
    /// duration of the call; from then on the reference taken here keeps it alive.
    pub fn from_borrowed(p: *mut c_void) -> Option<ComPtr> {
        let ptr = NonNull::new(p as *mut IUnknown)?;
        // SAFETY: a live COM pointer points at a readable vtable pointer (caller contract).
        let vtbl = unsafe { (*ptr.as_ptr()).lpVtbl };
        if vtbl.is_null() {
            return None;
        }
        // SAFETY: slot 1 of every COM vtable is AddRef.
        let add_ref = unsafe { (*vtbl).AddRef }?;
        // SAFETY: calling AddRef on a live object with itself as `This`.
        unsafe { add_ref(ptr.as_ptr()) };
        Some(ComPtr { ptr })
    }

    /// Takes ownership of a reference the caller already gave us (e.g. a QueryInterface result).
    fn from_owned(p: *mut c_void) -> Option<ComPtr> {
        NonNull::new(p as *mut IUnknown).map(|ptr| ComPtr { ptr })
    }

    /// The raw interface pointer (still owned by this `ComPtr`).
    pub fn as_raw(&self) -> *mut c_void {
        self.ptr.as_ptr() as *mut c_void
    }

    /// Asks the object for another interface; the result holds its own reference.
    pub fn query(&self, iid: &GUID) -> Result<ComPtr, HRESULT> {
        let this = self.ptr.as_ptr();
        // SAFETY: `this` is live while we hold our reference; slot 0 is QueryInterface.
        let qi = unsafe { (*(*this).lpVtbl).QueryInterface }.ok_or(E_NOINTERFACE)?;
        let mut out: *mut c_void = core::ptr::null_mut();
        // SAFETY: QueryInterface with a valid IID pointer and a valid out-pointer.
        let hr = unsafe { qi(this, iid, &mut out) };
        if hr < 0 {
            if !out.is_null() {
                // A misbehaving object returned a pointer with a failure code; do not leak it.
                drop(ComPtr::from_owned(out));
            }
            return Err(hr);
        }
        ComPtr::from_owned(out).ok_or(E_NOINTERFACE)
    }

    /// Gives a new reference to the caller (for a `[out] IUnknown **` parameter).
    pub fn to_out(&self) -> *mut c_void {
        core::mem::forget(self.clone());
        self.as_raw()
    }

    /// Calls a method of the object through its vtable, viewing it as interface `V`.
    ///
    /// `f` receives the object's vtable read as `V` and the object pointer; it must only call
    /// slots that the interface `V` really has (the caller guarantees this by having obtained
    /// this pointer by QueryInterface for that interface).
    pub fn with_vtbl<V, R>(&self, f: impl FnOnce(&V, *mut c_void) -> R) -> R {
        let this = self.ptr.as_ptr();
        // SAFETY: this pointer was obtained for an interface whose vtable layout is `V`
        // (documented contract of this function), and it is live while we hold our reference.
        let vtbl = unsafe { &*((*this).lpVtbl as *const V) };
        f(vtbl, this as *mut c_void)
    }
}

impl Clone for ComPtr {
    fn clone(&self) -> Self {
        ComPtr::from_borrowed(self.as_raw()).expect("a held COM pointer stays valid")
    }
}

impl Drop for ComPtr {
    fn drop(&mut self) {
        // SAFETY: we own one reference; giving it back once.
        unsafe { crate::abi::variant::release_unknown(self.ptr.as_ptr()) };
    }
}

impl core::fmt::Debug for ComPtr {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "ComPtr({:p})", self.ptr)
    }
}
