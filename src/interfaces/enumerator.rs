//! Snapshot enumerators: IEnumBackgroundCopyJobs, IEnumBackgroundCopyFiles and IEnumUnknown.
//!
//! An enumerator copies the list when it is created (AddRef'ing every element), so later changes
//! to the jobs or files do not show through it, and every element stays alive until the
//! enumerator is released.
#![allow(non_snake_case)]

use core::ffi::c_void;
use core::mem::offset_of;
use std::sync::Arc;

use parking_lot::Mutex;

use crate::abi::args::{clear_out, out_array, out_ptr};
use crate::abi::guids::*;
use crate::abi::hresult::*;
use crate::abi::types::*;
use crate::abi::vtbl::*;
use crate::com::{self, ComClass, ComObject, ComPtr, ComRef};

/// Which interface an enumerator serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Jobs,
    Files,
    Unknown,
}

pub struct EnumObject {
    kind: Kind,
    items: Arc<Vec<ComPtr>>,
    pos: Mutex<usize>,
}

#[repr(C)]
pub struct EnumVtables {
    jobs: *const IEnumBackgroundCopyJobsVtbl,
    files: *const IEnumBackgroundCopyFilesVtbl,
    unknown: *const IEnumUnknownVtbl,
}

const FACE_JOBS: usize = offset_of!(EnumVtables, jobs);
const FACE_FILES: usize = offset_of!(EnumVtables, files);
const FACE_UNKNOWN: usize = offset_of!(EnumVtables, unknown);

impl ComClass for EnumObject {
    type Vtables = EnumVtables;
    const VTABLES: EnumVtables = EnumVtables { jobs: &JOBS_VTBL, files: &FILES_VTBL, unknown: &UNKNOWN_VTBL };
    const MAGIC: u64 = 0x656e_756d_5f73_6e70; // "enum_snp"

    fn face_for(&self, iid: &GUID) -> Option<usize> {
        match self.kind {
            Kind::Jobs if *iid == IID_IEnumBackgroundCopyJobs => Some(FACE_JOBS),
            Kind::Files if *iid == IID_IEnumBackgroundCopyFiles => Some(FACE_FILES),
            Kind::Unknown if *iid == IID_IEnumUnknown => Some(FACE_UNKNOWN),
            _ => None,
        }
    }
}

impl EnumObject {
    fn create(kind: Kind, items: Arc<Vec<ComPtr>>, pos: usize) -> *mut c_void {
        let face = match kind {
            Kind::Jobs => FACE_JOBS,
            Kind::Files => FACE_FILES,
            Kind::Unknown => FACE_UNKNOWN,
        };
        ComObject::create(EnumObject { kind, items, pos: Mutex::new(pos) }).into_face(face)
    }

    /// An IEnumBackgroundCopyJobs over these jobs (one reference, for an out-parameter).
    pub fn jobs<T: ComClass>(jobs: Vec<ComRef<T>>) -> *mut c_void {
        EnumObject::create(Kind::Jobs, Arc::new(to_ptrs(jobs)), 0)
    }

    /// An IEnumBackgroundCopyFiles over these files.
    pub fn files<T: ComClass>(files: Vec<ComRef<T>>) -> *mut c_void {
        EnumObject::create(Kind::Files, Arc::new(to_ptrs(files)), 0)
    }

    /// An IEnumUnknown over these objects.
    pub fn unknowns<T: ComClass>(objects: Vec<ComRef<T>>) -> *mut c_void {
        EnumObject::create(Kind::Unknown, Arc::new(to_ptrs(objects)), 0)
    }

    fn next(&self, celt: ULONG, rgelt: *mut *mut c_void, pceltFetched: *mut ULONG) -> Result<HRESULT, HRESULT> {
        if pceltFetched.is_null() && celt != 1 {
            return Err(E_INVALIDARG);
        }
        let out = out_array(rgelt, celt as usize, E_INVALIDARG)?;
        let mut pos = self.pos.lock();
        let n = (celt as usize).min(self.items.len() - *pos);
        for i in 0..n {
            out.set(i, self.items[*pos + i].to_out());
        }
        *pos += n;
        if !pceltFetched.is_null() {
            out_ptr(pceltFetched, E_INVALIDARG)?.write(n as ULONG);
        }
        Ok(if n == celt as usize { S_OK } else { S_FALSE })
    }

    fn skip(&self, celt: ULONG) -> HRESULT {
        let mut pos = self.pos.lock();
        let left = self.items.len() - *pos;
        if celt as usize > left {
            *pos = self.items.len();
            S_FALSE
        } else {
            *pos += celt as usize;
            S_OK
        }
    }

    fn reset(&self) -> HRESULT {
        *self.pos.lock() = 0;
        S_OK
    }

    fn clone_enum(&self, ppenum: *mut *mut c_void) -> Result<HRESULT, HRESULT> {
        let out = out_ptr(ppenum, E_INVALIDARG)?;
        let pos = *self.pos.lock();
        out.write(EnumObject::create(self.kind, self.items.clone(), pos));
        Ok(S_OK)
    }

    fn count(&self, puCount: *mut ULONG) -> Result<HRESULT, HRESULT> {
        out_ptr(puCount, E_INVALIDARG)?.write(self.items.len() as ULONG);
        Ok(S_OK)
    }
}

fn to_ptrs<T: ComClass>(objs: Vec<ComRef<T>>) -> Vec<ComPtr> {
    objs.into_iter()
        .map(|o| ComPtr::from_borrowed(o.object().face_ptr(0)).expect("our objects are valid COM objects"))
        .collect()
}

fn this<'a, I>(p: *mut I, face: usize) -> Result<&'a EnumObject, HRESULT> {
    ComObject::<EnumObject>::from_face(p as *mut c_void, face).map(|o| o.value())
}

// ---- IEnumBackgroundCopyJobs ----

type EJ = IEnumBackgroundCopyJobs;

static JOBS_VTBL: IEnumBackgroundCopyJobsVtbl = IEnumBackgroundCopyJobsVtbl {
    QueryInterface: Some(com::query_interface::<EnumObject, FACE_JOBS, EJ>),
    AddRef: Some(com::add_ref::<EnumObject, FACE_JOBS, EJ>),
    Release: Some(com::release::<EnumObject, FACE_JOBS, EJ>),
    Next: Some(JobsNext),
    Skip: Some(JobsSkip),
    Reset: Some(JobsReset),
    Clone: Some(JobsClone),
    GetCount: Some(JobsGetCount),
};

extern "C" fn JobsNext(
    This: *mut EJ,
    celt: ULONG,
    rgelt: *mut *mut IBackgroundCopyJob,
    pceltFetched: *mut ULONG,
) -> HRESULT {
    crate::com_call!({ this(This, FACE_JOBS)?.next(celt, rgelt as *mut *mut c_void, pceltFetched) })
}

extern "C" fn JobsSkip(This: *mut EJ, celt: ULONG) -> HRESULT {
    crate::com_call!({ Ok(this(This, FACE_JOBS)?.skip(celt)) })
}

extern "C" fn JobsReset(This: *mut EJ) -> HRESULT {
    crate::com_call!({ Ok(this(This, FACE_JOBS)?.reset()) })
}

extern "C" fn JobsClone(This: *mut EJ, ppenum: *mut *mut EJ) -> HRESULT {
    crate::com_call!({
        clear_out(ppenum);
        this(This, FACE_JOBS)?.clone_enum(ppenum as *mut *mut c_void)
    })
}

extern "C" fn JobsGetCount(This: *mut EJ, puCount: *mut ULONG) -> HRESULT {
    crate::com_call!({ this(This, FACE_JOBS)?.count(puCount) })
}

// ---- IEnumBackgroundCopyFiles ----

type EF = IEnumBackgroundCopyFiles;

static FILES_VTBL: IEnumBackgroundCopyFilesVtbl = IEnumBackgroundCopyFilesVtbl {
    QueryInterface: Some(com::query_interface::<EnumObject, FACE_FILES, EF>),
    AddRef: Some(com::add_ref::<EnumObject, FACE_FILES, EF>),
    Release: Some(com::release::<EnumObject, FACE_FILES, EF>),
    Next: Some(FilesNext),
    Skip: Some(FilesSkip),
    Reset: Some(FilesReset),
    Clone: Some(FilesClone),
    GetCount: Some(FilesGetCount),
};

extern "C" fn FilesNext(
    This: *mut EF,
    celt: ULONG,
    rgelt: *mut *mut IBackgroundCopyFile,
    pceltFetched: *mut ULONG,
) -> HRESULT {
    crate::com_call!({ this(This, FACE_FILES)?.next(celt, rgelt as *mut *mut c_void, pceltFetched) })
}

extern "C" fn FilesSkip(This: *mut EF, celt: ULONG) -> HRESULT {
    crate::com_call!({ Ok(this(This, FACE_FILES)?.skip(celt)) })
}

extern "C" fn FilesReset(This: *mut EF) -> HRESULT {
    crate::com_call!({ Ok(this(This, FACE_FILES)?.reset()) })
}

extern "C" fn FilesClone(This: *mut EF, ppenum: *mut *mut EF) -> HRESULT {
    crate::com_call!({
        clear_out(ppenum);
        this(This, FACE_FILES)?.clone_enum(ppenum as *mut *mut c_void)
    })
}

extern "C" fn FilesGetCount(This: *mut EF, puCount: *mut ULONG) -> HRESULT {
    crate::com_call!({ this(This, FACE_FILES)?.count(puCount) })
}

// ---- IEnumUnknown ----

type EU = IEnumUnknown;

static UNKNOWN_VTBL: IEnumUnknownVtbl = IEnumUnknownVtbl {
    QueryInterface: Some(com::query_interface::<EnumObject, FACE_UNKNOWN, EU>),
    AddRef: Some(com::add_ref::<EnumObject, FACE_UNKNOWN, EU>),
    Release: Some(com::release::<EnumObject, FACE_UNKNOWN, EU>),
    Next: Some(UnknownNext),
    Skip: Some(UnknownSkip),
    Reset: Some(UnknownReset),
    Clone: Some(UnknownClone),
};

extern "C" fn UnknownNext(This: *mut EU, celt: ULONG, rgelt: *mut *mut IUnknown, pceltFetched: *mut ULONG) -> HRESULT {
    crate::com_call!({ this(This, FACE_UNKNOWN)?.next(celt, rgelt as *mut *mut c_void, pceltFetched) })
}

extern "C" fn UnknownSkip(This: *mut EU, celt: ULONG) -> HRESULT {
    crate::com_call!({ Ok(this(This, FACE_UNKNOWN)?.skip(celt)) })
}

extern "C" fn UnknownReset(This: *mut EU) -> HRESULT {
    crate::com_call!({ Ok(this(This, FACE_UNKNOWN)?.reset()) })
}

extern "C" fn UnknownClone(This: *mut EU, ppenum: *mut *mut EU) -> HRESULT {
    crate::com_call!({
        clear_out(ppenum);
        this(This, FACE_UNKNOWN)?.clone_enum(ppenum as *mut *mut c_void)
    })
}
