//! The file object: IBackgroundCopyFile..File6 (one vtable, the File6 layout). Obtained from
//! EnumFiles, IBackgroundCopyError::GetFile and FileTransferred callbacks.
#![allow(non_snake_case)]

use core::ffi::c_void;
use core::mem::offset_of;

use crate::abi::args::{clear_out, out_ptr, read_slice, read_str};
use crate::abi::bits_types::*;
use crate::abi::guids::*;
use crate::abi::hresult::*;
use crate::abi::memory::co_task_mem_slice;
use crate::abi::types::*;
use crate::abi::vtbl::*;
use crate::com::{self, ComClass, ComObject, ComRef};
use crate::engine::client::JobHandle;

/// The COM face of one file of a job.
pub struct FileObject {
    pub(crate) job: JobHandle,
    pub(crate) index: usize,
}

#[repr(C)]
pub struct FileVtables {
    file: *const IBackgroundCopyFile6Vtbl,
    do_file: *const IDeliveryOptimizationFileVtbl,
    do_file2: *const IDeliveryOptimizationFile2Vtbl,
}

pub const FACE_FILE: usize = offset_of!(FileVtables, file);
pub const FACE_DO_FILE: usize = offset_of!(FileVtables, do_file);
pub const FACE_DO_FILE2: usize = offset_of!(FileVtables, do_file2);

impl ComClass for FileObject {
    type Vtables = FileVtables;
    const VTABLES: FileVtables = FileVtables {
        file: &FILE_VTBL,
        do_file: &super::legacy_do::DO_FILE_VTBL.base,
        do_file2: &super::legacy_do::DO_FILE2_VTBL,
    };
    const MAGIC: u64 = 0x6669_6c65_5f62_6974; // "file_bit"

    fn face_for(&self, iid: &GUID) -> Option<usize> {
        let iids = [
            &IID_IBackgroundCopyFile,
            &IID_IBackgroundCopyFile2,
            &IID_IBackgroundCopyFile3,
            &IID_IBackgroundCopyFile4,
            &IID_IBackgroundCopyFile5,
            &IID_IBackgroundCopyFile6,
        ];
        if iids.iter().any(|g| **g == *iid) {
            return Some(FACE_FILE);
        }
        // Files of jobs made through CLSID_DeliveryOptimization add the legacy DO interfaces.
        let legacy = || self.job.is_do_legacy();
        if *iid == IID_IDeliveryOptimizationFile && legacy() {
            Some(FACE_DO_FILE)
        } else if *iid == IID_IDeliveryOptimizationFile2 && legacy() {
            Some(FACE_DO_FILE2)
        } else {
            None
        }
    }
}

impl FileObject {
    /// A new file object for file `index` of `job`, holding one reference.
    pub fn create(job: JobHandle, index: usize) -> ComRef<FileObject> {
        ComObject::create(FileObject { job, index })
    }
}

fn this<'a>(p: *mut IBackgroundCopyFile6) -> Result<&'a FileObject, HRESULT> {
    let o = ComObject::<FileObject>::from_face(p as *mut c_void, FACE_FILE).map(|o| o.value())?;
    if o.job.is_do_legacy() {
        crate::abi::dialect::use_do_codes();
    }
    Ok(o)
}

fn entry(o: &FileObject) -> Result<crate::engine::FileEntry, HRESULT> {
    o.job.file(o.index)?.ok_or(E_UNEXPECTED)
}

type F = IBackgroundCopyFile6;

static FILE_VTBL: IBackgroundCopyFile6Vtbl = IBackgroundCopyFile6Vtbl {
    QueryInterface: Some(com::query_interface::<FileObject, FACE_FILE, F>),
    AddRef: Some(com::add_ref::<FileObject, FACE_FILE, F>),
    Release: Some(com::release::<FileObject, FACE_FILE, F>),
    GetRemoteName: Some(GetRemoteName),
    GetLocalName: Some(GetLocalName),
    GetProgress: Some(GetProgress),
    GetFileRanges: Some(GetFileRanges),
    SetRemoteName: Some(SetRemoteName),
    GetTemporaryName: Some(GetTemporaryName),
    SetValidationState: Some(SetValidationState),
    GetValidationState: Some(GetValidationState),
    IsDownloadedFromPeer: Some(IsDownloadedFromPeer),
    GetPeerDownloadStats: Some(GetPeerDownloadStats),
    SetProperty: Some(SetProperty),
    GetProperty: Some(GetProperty),
    UpdateDownloadPosition: Some(UpdateDownloadPosition),
    RequestFileRanges: Some(RequestFileRanges),
    GetFilledFileRanges: Some(GetFilledFileRanges),
};

extern "C" fn GetRemoteName(This: *mut F, pVal: *mut LPWSTR) -> HRESULT {
    crate::com_call!({
        clear_out(pVal);
        let e = entry(this(This)?)?;
        out_ptr(pVal, E_INVALIDARG)?.write_str(&e.remote_name)?;
        Ok(S_OK)
    })
}

/// Changes the file's URL, for example to fix an ERROR before Resume. E_INVALIDARG for NULL, an
/// unsupported URL or more than 2,200 characters; BG_E_INVALID_STATE once the job is final. A
/// running transfer stops and the job goes back to the queue; progress is kept when the new
/// server's copy has the same validators, and the file starts again otherwise.
extern "C" fn SetRemoteName(This: *mut F, Val: LPCWSTR) -> HRESULT {
    crate::com_call!({
        let o = this(This)?;
        let name = read_str(Val, crate::engine::file::MAX_REMOTE_NAME).map_err(|_| E_INVALIDARG)?;
        o.job.rename_remote(o.index, name)?;
        Ok(S_OK)
    })
}

/// The caller's verdict on a transferred file. TRUE accepts it (Complete also accepts every
/// file). FALSE rejects it: the job goes to ERROR with BG_E_VALIDATION_FAILED, the file's progress
/// goes back to 0, and Resume fetches it again. E_PENDING while the file is not transferred;
/// BG_E_INVALID_STATE once the job is final.
extern "C" fn SetValidationState(This: *mut F, state: BOOL) -> HRESULT {
    crate::com_call!({
        let o = this(This)?;
        o.job.set_validation_state(o.index, state != FALSE)?;
        Ok(S_OK)
    })
}

/// The last SetValidationState value; FALSE before any (and after a rejection).
extern "C" fn GetValidationState(This: *mut F, pState: *mut BOOL) -> HRESULT {
    crate::com_call!({
        let out = out_ptr(pState, E_INVALIDARG)?;
        let e = entry(this(This)?)?;
        out.write(if e.validated == Some(true) { TRUE } else { FALSE });
        Ok(S_OK)
    })
}

extern "C" fn GetLocalName(This: *mut F, pVal: *mut LPWSTR) -> HRESULT {
    crate::com_call!({
        clear_out(pVal);
        let e = entry(this(This)?)?;
        out_ptr(pVal, E_INVALIDARG)?.write_str(&e.local.to_string_lossy())?;
        Ok(S_OK)
    })
}

extern "C" fn GetProgress(This: *mut F, pVal: *mut BG_FILE_PROGRESS) -> HRESULT {
    crate::com_call!({
        let o = this(This)?;
        let out = out_ptr(pVal, E_INVALIDARG)?;
        let p = o.job.file_progress(o.index)?.ok_or(E_UNEXPECTED)?;
        out.write(BG_FILE_PROGRESS {
            BytesTotal: p.bytes_total,
            BytesTransferred: p.bytes_transferred,
            Completed: p.completed as BOOL,
        });
        Ok(S_OK)
    })
}

/// Files added without ranges have none: S_FALSE, a count of 0 and NULL.
extern "C" fn GetFileRanges(This: *mut F, RangeCount: *mut DWORD, Ranges: *mut *mut BG_FILE_RANGE) -> HRESULT {
    crate::com_call!({
        clear_out(Ranges);
        let e = entry(this(This)?)?;
        let count = out_ptr(RangeCount, E_INVALIDARG)?;
        let out = out_ptr(Ranges, E_INVALIDARG)?;
        let Some(ranges) = e.ranges else {
            count.write(0);
            return Ok(S_FALSE);
        };
        let ranges: Vec<BG_FILE_RANGE> =
            ranges.iter().map(|r| BG_FILE_RANGE { InitialOffset: r.offset, Length: r.length }).collect();
        out.write(co_task_mem_slice(&ranges).ok_or(E_OUTOFMEMORY)?);
        count.write(ranges.len() as DWORD);
        Ok(S_OK)
    })
}

extern "C" fn GetTemporaryName(This: *mut F, pFilename: *mut LPWSTR) -> HRESULT {
    crate::com_call!({
        clear_out(pFilename);
        let e = entry(this(This)?)?;
        out_ptr(pFilename, E_INVALIDARG)?.write_str(&e.temp.to_string_lossy())?;
        Ok(S_OK)
    })
}

/// There are no peers on Linux: nothing ever comes from one.
extern "C" fn IsDownloadedFromPeer(This: *mut F, pVal: *mut BOOL) -> HRESULT {
    crate::com_call!({
        this(This)?;
        out_ptr(pVal, E_INVALIDARG)?.write(FALSE);
        Ok(S_OK)
    })
}

/// Every byte comes from the origin server.
extern "C" fn GetPeerDownloadStats(This: *mut F, pFromOrigin: *mut UINT64, pFromPeers: *mut UINT64) -> HRESULT {
    crate::com_call!({
        let o = this(This)?;
        let origin = out_ptr(pFromOrigin, E_INVALIDARG)?;
        let peers = out_ptr(pFromPeers, E_INVALIDARG)?;
        let p = o.job.file_progress(o.index)?.ok_or(E_UNEXPECTED)?;
        origin.write(p.bytes_transferred);
        peers.write(0);
        Ok(S_OK)
    })
}

/// HTTP_RESPONSE_HEADERS is read-only.
extern "C" fn SetProperty(
    This: *mut F,
    PropertyId: BITS_FILE_PROPERTY_ID,
    PropertyValue: BITS_FILE_PROPERTY_VALUE,
) -> HRESULT {
    crate::com_call!({
        let _ = PropertyValue;
        this(This)?;
        match PropertyId {
            BITS_FILE_PROPERTY_ID_HTTP_RESPONSE_HEADERS => Err(BG_E_READ_ONLY_PROPERTY),
            _ => Err(BG_E_UNKNOWN_PROPERTY_ID),
        }
    })
}

/// HTTP_RESPONSE_HEADERS: the status line and headers of the last response for this file, CRLF
/// separated (empty before the first response). Free `String` with CoTaskMemFree.
extern "C" fn GetProperty(
    This: *mut F,
    PropertyId: BITS_FILE_PROPERTY_ID,
    PropertyValue: *mut BITS_FILE_PROPERTY_VALUE,
) -> HRESULT {
    crate::com_call!({
        let o = this(This)?;
        if PropertyId != BITS_FILE_PROPERTY_ID_HTTP_RESPONSE_HEADERS {
            return Err(BG_E_UNKNOWN_PROPERTY_ID);
        }
        let out = out_ptr(PropertyValue, E_INVALIDARG)?;
        let headers = o.job.file_response_headers(o.index)?.unwrap_or_default();
        let s = crate::abi::strings::to_cotaskmem_wide(&headers);
        if s.is_null() {
            return Err(E_OUTOFMEMORY);
        }
        out.write(BITS_FILE_PROPERTY_VALUE { String: s });
        Ok(S_OK)
    })
}

/// The remote byte ranges whose bytes are on disk. A whole file downloads in order, so that is
/// one range from 0; a ranged file fills its ranges in the order given.
fn filled_ranges(e: &crate::engine::FileEntry) -> Vec<BG_FILE_RANGE> {
    let mut left = e.received;
    let Some(ranges) = &e.ranges else {
        return if left == 0 { Vec::new() } else { vec![BG_FILE_RANGE { InitialOffset: 0, Length: left }] };
    };
    let total = e.validators.as_ref().and_then(|v| v.size);
    let mut out = Vec::new();
    for r in ranges {
        if left == 0 {
            break;
        }
        let len = crate::engine::file::resolved_length(r, total).unwrap_or(left).min(left);
        out.push(BG_FILE_RANGE { InitialOffset: r.offset, Length: len });
        left -= len;
    }
    out
}

/// The bytes on disk, as remote ranges, merged and sorted by offset for a file of an on-demand
/// job (see `filled_ranges` for the others). CoTaskMem array; a count of 0 and NULL when nothing
/// is on disk. BG_E_RANDOM_ACCESS_NOT_SUPPORTED for an on-demand file whose server stopped
/// answering ranges.
extern "C" fn GetFilledFileRanges(This: *mut F, rangeCount: *mut DWORD, ranges: *mut *mut BG_FILE_RANGE) -> HRESULT {
    crate::com_call!({
        clear_out(ranges);
        let o = this(This)?;
        let count = out_ptr(rangeCount, E_INVALIDARG)?;
        let out = out_ptr(ranges, E_INVALIDARG)?;
        let filled = match o.job.filled_ranges(o.index)? {
            Some(on_demand) => on_demand
                .iter()
                .map(|&(offset, length)| BG_FILE_RANGE { InitialOffset: offset, Length: length })
                .collect(),
            None => filled_ranges(&entry(o)?),
        };
        if filled.is_empty() {
            count.write(0);
            return Ok(S_OK);
        }
        out.write(co_task_mem_slice(&filled).ok_or(E_OUTOFMEMORY)?);
        count.write(filled.len() as DWORD);
        Ok(S_OK)
    })
}

/// Asks an on-demand job to fetch from `offset` first: the requested ranges at or after it come
/// first (the one holding it is split there), then those before it; without requests, the missing
/// bytes from `offset` on, then those before. Takes effect at the transfer's next request.
/// BG_E_RANDOM_ACCESS_NOT_SUPPORTED unless the job is an on-demand download job whose server
/// answers ranges; BG_E_INVALID_STATE once the job is final.
extern "C" fn UpdateDownloadPosition(This: *mut F, offset: UINT64) -> HRESULT {
    crate::com_call!({
        let o = this(This)?;
        o.job.update_download_position(o.index, offset)?;
        Ok(S_OK)
    })
}

/// Adds ranges for an on-demand job to fetch, at their own offsets of the file. Overlaps with
/// earlier requests or with bytes on disk are split off. When every requested byte is on disk the
/// job goes to TRANSFERRED (the whole file is there) or SUSPENDED. The job's state does not change
/// here: a running job takes the ranges at its next request, a suspended one at Resume.
/// E_INVALIDARG (count 0, NULL); BG_E_INVALID_RANGE (empty, an offset of BG_LENGTH_TO_EOF, past
/// 2^64, or past the end once the size is known; before that the job fails with it);
/// BG_E_RANDOM_ACCESS_NOT_SUPPORTED (not an on-demand download job, or its server stopped
/// answering ranges); BG_E_INVALID_STATE once the job is final.
extern "C" fn RequestFileRanges(This: *mut F, rangeCount: DWORD, ranges: *const BG_FILE_RANGE) -> HRESULT {
    crate::com_call!({
        let o = this(This)?;
        if rangeCount == 0 {
            return Err(E_INVALIDARG);
        }
        let given = read_slice(ranges, rangeCount as usize, E_INVALIDARG)?;
        let ranges: Vec<crate::engine::file::FileRange> = given
            .iter()
            .map(|r| crate::engine::file::FileRange { offset: r.InitialOffset, length: r.Length })
            .collect();
        o.job.request_file_ranges(o.index, ranges)?;
        Ok(S_OK)
    })
}
