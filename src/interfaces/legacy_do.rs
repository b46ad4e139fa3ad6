//! The legacy "BITS-compatible" Delivery Optimization interfaces (`spec/do.md` §8): a job made
//! through CLSID_DeliveryOptimization's IBackgroundCopyManager also answers
//! IDeliveryOptimizationJob/Job2, and its files IDeliveryOptimizationFile/File2. Their slot order
//! follows the Learn pages (UNCONFIRMED by any Microsoft header; README says so).
#![allow(non_snake_case, non_upper_case_globals)]

use core::ffi::c_void;

use super::download::{do_error, stream_object, stream_target};
use super::file::{FileObject, FACE_DO_FILE, FACE_DO_FILE2};
use super::job::JobObject;
use crate::abi::args::{out_ptr, read_in, read_slice, read_str, read_str_opt};
use crate::abi::bits_types::BG_FILE_RANGE;
use crate::abi::do_types::*;
use crate::abi::hresult::*;
use crate::abi::strings::to_cotaskmem_wide;
use crate::abi::types::*;
use crate::abi::variant::{read_variant, write_variant, InVariant, OutVariant};
use crate::abi::vtbl::*;
use crate::com::{self, ComObject, ComPtr};
use crate::engine::dodl::DoStartError;
use crate::engine::file::{FileRange, MAX_LOCAL_NAME, MAX_REMOTE_NAME};
use crate::engine::rpc::FileChange;
use crate::engine::{EngineError, JobState};

fn job_this<'a, I>(p: *mut I, face: usize) -> Result<&'a JobObject, HRESULT> {
    ComObject::<JobObject>::from_face(p as *mut c_void, face).map(|o| o.value())
}

fn file_this<'a, I>(p: *mut I, face: usize) -> Result<&'a FileObject, HRESULT> {
    ComObject::<FileObject>::from_face(p as *mut c_void, face).map(|o| o.value())
}

fn err(e: EngineError) -> HRESULT {
    do_error(&DoStartError::Engine(e))
}

/// Longest file id, in UTF-16 units.
const MAX_FILE_ID: usize = 1024;

/// Reads a ranges argument: `count` ranges at `ranges` (NULL only when `count` is 0).
fn read_ranges(count: DWORD, ranges: *const BG_FILE_RANGE) -> Result<Option<Vec<FileRange>>, HRESULT> {
    if count == 0 {
        return Ok(None);
    }
    let list = read_slice(ranges, count as usize, E_INVALIDARG)?;
    Ok(Some(list.iter().map(|r| FileRange { offset: r.InitialOffset, length: r.Length }).collect()))
}

// ---- IDeliveryOptimizationJob ----

pub(crate) static DO_JOB_VTBL: IDeliveryOptimizationJobVtbl = IDeliveryOptimizationJobVtbl {
    QueryInterface: Some(com::query_interface::<JobObject, { JobObject::FACE_DO_JOB }, IDeliveryOptimizationJob>),
    AddRef: Some(com::add_ref::<JobObject, { JobObject::FACE_DO_JOB }, IDeliveryOptimizationJob>),
    Release: Some(com::release::<JobObject, { JobObject::FACE_DO_JOB }, IDeliveryOptimizationJob>),
    AddFileWithRanges: Some(AddFileWithRanges),
};

/// IDeliveryOptimizationJob::AddFileWithRanges.
extern "C" fn AddFileWithRanges(
    This: *mut IDeliveryOptimizationJob,
    fileId: LPCWSTR,
    remoteUrl: LPCWSTR,
    localName: LPCWSTR,
    rangeCount: DWORD,
    ranges: *mut BG_FILE_RANGE,
    fileSize: UINT64,
) -> HRESULT {
    crate::com_call!({
        let o = job_this(This, JobObject::FACE_DO_JOB)?;
        let id = read_str(fileId, MAX_FILE_ID)?;
        let url = read_str(remoteUrl, MAX_REMOTE_NAME)?;
        let local = read_str(localName, MAX_LOCAL_NAME)?;
        if id.is_empty() || local.is_empty() {
            return Err(E_INVALIDARG);
        }
        let ranges = read_ranges(rangeCount, ranges)?;
        let hint = (fileSize != DO_UNKNOWN_FILE_SIZE).then_some(fileSize);
        o.job().add_legacy_file(id, url, Some(local), ranges, hint).map_err(err)?;
        Ok(S_OK)
    })
}

// ---- IDeliveryOptimizationJob2 ----

pub(crate) static DO_JOB2_VTBL: IDeliveryOptimizationJob2Vtbl = IDeliveryOptimizationJob2Vtbl {
    QueryInterface: Some(com::query_interface::<JobObject, { JobObject::FACE_DO_JOB2 }, IDeliveryOptimizationJob2>),
    AddRef: Some(com::add_ref::<JobObject, { JobObject::FACE_DO_JOB2 }, IDeliveryOptimizationJob2>),
    Release: Some(com::release::<JobObject, { JobObject::FACE_DO_JOB2 }, IDeliveryOptimizationJob2>),
    AddFile: Some(AddFile),
    GetProperty: Some(JobGetProperty),
    SetProperty: Some(JobSetProperty),
};

/// IDeliveryOptimizationJob2::AddFile.
extern "C" fn AddFile(
    This: *mut IDeliveryOptimizationJob2,
    fileId: LPCWSTR,
    remoteUrl: LPCWSTR,
    rangeCount: DWORD,
    ranges: *mut BG_FILE_RANGE,
    riid: REFIID,
    object: *mut *mut c_void,
) -> HRESULT {
    crate::com_call!({
        if object.is_null() {
            return Err(E_POINTER);
        }
        crate::abi::args::clear_out(object);
        let o = job_this(This, JobObject::FACE_DO_JOB2)?;
        let iid: GUID = read_in(riid, E_INVALIDARG)?;
        let id = read_str(fileId, MAX_FILE_ID)?;
        // A file known only by its content id needs DO's content service, which Linux lacks.
        let url = read_str_opt(remoteUrl, MAX_REMOTE_NAME)?.ok_or(DO_E_DOWNLOAD_NO_URI)?;
        if id.is_empty() {
            return Err(E_INVALIDARG);
        }
        let ranges = read_ranges(rangeCount, ranges)?;
        let index = o.job().add_legacy_file(id, url, None, ranges, None).map_err(err)?;
        let f = FileObject::create(o.job().clone(), index);
        Ok(f.object().query_interface(&iid, object))
    })
}

/// IDeliveryOptimizationJob2::GetProperty: DOJobPropertyId_ExtendedErrorInfo, the job's error as
/// text ("0xHRESULT: description"), E_NOT_SET when the job has none.
extern "C" fn JobGetProperty(
    This: *mut IDeliveryOptimizationJob2,
    propId: DOJobPropertyId,
    propValue: *mut VARIANT,
) -> HRESULT {
    crate::com_call!({
        let o = job_this(This, JobObject::FACE_DO_JOB2)?;
        if propValue.is_null() {
            return Err(E_POINTER);
        }
        if propId != DOJobPropertyId_ExtendedErrorInfo {
            return Err(DO_E_UNKNOWN_PROPERTY_ID);
        }
        let failure = o.job().failure()?.ok_or(E_NOT_SET)?;
        let hr = super::hresult_map::fetch_error(&failure.error);
        let text = crate::abi::messages::message_owned(hr).unwrap_or_default();
        write_variant(propValue, OutVariant::Str(format!("0x{:08X}: {}", hr as u32, text.trim_end())))?;
        Ok(S_OK)
    })
}

/// IDeliveryOptimizationJob2::SetProperty: no job property is writable.
extern "C" fn JobSetProperty(
    This: *mut IDeliveryOptimizationJob2,
    propId: DOJobPropertyId,
    propValue: *const VARIANT,
) -> HRESULT {
    crate::com_call!({
        job_this(This, JobObject::FACE_DO_JOB2)?;
        if propValue.is_null() {
            return Err(E_POINTER);
        }
        Err(if propId == DOJobPropertyId_ExtendedErrorInfo {
            DO_E_READ_ONLY_PROPERTY
        } else {
            DO_E_UNKNOWN_PROPERTY_ID
        })
    })
}

// ---- IDeliveryOptimizationFile ----

/// The IDeliveryOptimizationFile vtable with GetStats in slot 4 as well: a third-party
/// reconstruction reports that Office calls GetStats through slot 4, so an undocumented method may
/// precede it in the real interface (`spec/do.md` §8). The public header shows slot 3 only.
#[repr(C)]
pub(crate) struct DoFileVtblWithSpare {
    pub base: IDeliveryOptimizationFileVtbl,
    pub spare: Option<unsafe extern "C" fn(*mut IDeliveryOptimizationFile, *mut DOSwarmStats) -> HRESULT>,
}

const DO_FILE_SLOTS: IDeliveryOptimizationFileVtbl = IDeliveryOptimizationFileVtbl {
    QueryInterface: Some(com::query_interface::<FileObject, FACE_DO_FILE, IDeliveryOptimizationFile>),
    AddRef: Some(com::add_ref::<FileObject, FACE_DO_FILE, IDeliveryOptimizationFile>),
    Release: Some(com::release::<FileObject, FACE_DO_FILE, IDeliveryOptimizationFile>),
    GetStats: Some(GetStats),
};

pub(crate) static DO_FILE_VTBL: DoFileVtblWithSpare =
    DoFileVtblWithSpare { base: DO_FILE_SLOTS, spare: Some(GetStats) };

/// IDeliveryOptimizationFile::GetStats. Everything came over HTTP (no peers on Linux).
extern "C" fn GetStats(This: *mut IDeliveryOptimizationFile, swarmStats: *mut DOSwarmStats) -> HRESULT {
    crate::com_call!({
        let o = file_this(This, FACE_DO_FILE)?;
        let out = out_ptr(swarmStats, E_POINTER)?;
        let s = o.job.file_stats(o.index).map_err(err)?;
        let mut file_id = to_cotaskmem_wide(&s.file_id);
        let mut url = to_cotaskmem_wide(&s.source_url);
        if file_id.is_null() || url.is_null() {
            // Whichever was allocated goes back (free_out_str takes NULL too).
            crate::abi::args::free_out_str(&mut file_id);
            crate::abi::args::free_out_str(&mut url);
            return Err(E_OUTOFMEMORY);
        }
        let status = match s.job_state {
            _ if s.transferred => SwarmStatus_Complete,
            JobState::Suspended | JobState::Error => SwarmStatus_Paused,
            _ => SwarmStatus_Downloading,
        };
        out.write(DOSwarmStats {
            fileId: file_id,
            sourceURL: url,
            fileSize: s.file_size,
            totalBytesDownloaded: s.bytes,
            bytesFromLanPeers: 0,
            bytesFromGroupPeers: 0,
            bytesFromInternetPeers: 0,
            bytesFromHttp: s.bytes,
            bytesFromDoinc: 0,
            bytesToLanPeers: 0,
            bytesToGroupPeers: 0,
            bytesToInternetPeers: 0,
            httpConnectionCount: u32::from(s.bytes > 0),
            doincConnectionCount: 0,
            lanConnectionCount: 0,
            groupConnectionCount: 0,
            internetConnectionCount: 0,
            downloadDuration: s.duration_secs,
            downloadMode: DownloadMode_CdnOnly,
            status,
            isBackground: BOOL::from(!s.foreground),
        });
        Ok(S_OK)
    })
}

// ---- IDeliveryOptimizationFile2 ----

pub(crate) static DO_FILE2_VTBL: IDeliveryOptimizationFile2Vtbl = IDeliveryOptimizationFile2Vtbl {
    QueryInterface: Some(com::query_interface::<FileObject, FACE_DO_FILE2, IDeliveryOptimizationFile2>),
    AddRef: Some(com::add_ref::<FileObject, FACE_DO_FILE2, IDeliveryOptimizationFile2>),
    Release: Some(com::release::<FileObject, FACE_DO_FILE2, IDeliveryOptimizationFile2>),
    GetProperty: Some(FileGetProperty),
    SetProperty: Some(FileSetProperty),
};

/// IDeliveryOptimizationFile2::GetProperty.
extern "C" fn FileGetProperty(
    This: *mut IDeliveryOptimizationFile2,
    propId: DOFilePropertyId,
    propValue: *mut VARIANT,
) -> HRESULT {
    crate::com_call!({
        let o = file_this(This, FACE_DO_FILE2)?;
        if propValue.is_null() {
            return Err(E_POINTER);
        }
        let f = o.job.file(o.index)?.ok_or(DO_E_FILE_NOT_AVAILABLE)?;
        let props = f.do_file.clone().unwrap_or_default();
        let value = match propId {
            DOFilePropertyId_DecryptionInfo | DOFilePropertyId_IntegrityCheckInfo => {
                return Err(DO_E_WRITE_ONLY_PROPERTY)
            }
            DOFilePropertyId_IntegrityCheckMandatory => OutVariant::Bool(props.integrity_check_mandatory),
            DOFilePropertyId_DownloadSinkInterface => {
                let t = o.job.file_stream_sink(o.index)?.ok_or(E_NOT_SET)?;
                let s = stream_object(&t).ok_or(E_NOT_SET)?;
                OutVariant::Unknown(s.to_out() as *mut IUnknown)
            }
            DOFilePropertyId_DownloadSinkFilePath => {
                if f.stream || f.local.as_os_str().is_empty() {
                    return Err(E_NOT_SET);
                }
                OutVariant::Str(f.local.to_string_lossy().into_owned())
            }
            DOFilePropertyId_DownloadSinkMemoryStream => return Err(E_NOT_SET),
            DOFilePropertyId_TotalSizeBytes => OutVariant::U64(f.size.or(f.size_hint).ok_or(E_NOT_SET)?),
            _ => return Err(DO_E_UNKNOWN_PROPERTY_ID),
        };
        write_variant(propValue, value)?;
        Ok(S_OK)
    })
}

/// IDeliveryOptimizationFile2::SetProperty.
extern "C" fn FileSetProperty(
    This: *mut IDeliveryOptimizationFile2,
    propId: DOFilePropertyId,
    propValue: *const VARIANT,
) -> HRESULT {
    crate::com_call!({
        let o = file_this(This, FACE_DO_FILE2)?;
        let v = read_variant(propValue)?;
        let change = |c: FileChange| o.job.change_file(o.index, c);
        match (propId, v) {
            (DOFilePropertyId_DecryptionInfo, InVariant::Str(s)) => change(FileChange::DecryptionInfo(s)),
            (DOFilePropertyId_IntegrityCheckInfo, InVariant::Str(s)) => change(FileChange::IntegrityCheckInfo(s)),
            (DOFilePropertyId_IntegrityCheckMandatory, InVariant::Bool(b)) => {
                change(FileChange::IntegrityCheckMandatory(b))
            }
            (DOFilePropertyId_DownloadSinkInterface, InVariant::Unknown(p)) => {
                let unknown = ComPtr::from_borrowed(p as *mut c_void).ok_or(E_INVALIDARG)?;
                let sink = stream_target(&unknown)?;
                o.job.set_file_stream_sink(o.index, sink).map_err(err)?;
                Ok(())
            }
            (DOFilePropertyId_DownloadSinkFilePath, InVariant::Str(s)) => o.job.set_file_sink_path(o.index, s),
            (DOFilePropertyId_DownloadSinkMemoryStream, _) => return Err(DO_E_MEMORYSTREAM_DOWNLOAD_NOT_SUPPORTED),
            (DOFilePropertyId_TotalSizeBytes, InVariant::U64(n)) => change(FileChange::SizeHint(n)),
            (
                DOFilePropertyId_DecryptionInfo
                | DOFilePropertyId_IntegrityCheckInfo
                | DOFilePropertyId_IntegrityCheckMandatory
                | DOFilePropertyId_DownloadSinkInterface
                | DOFilePropertyId_DownloadSinkFilePath
                | DOFilePropertyId_TotalSizeBytes,
                _,
            ) => return Err(E_INVALIDARG),
            _ => return Err(DO_E_UNKNOWN_PROPERTY_ID),
        }
        .map_err(err)?;
        Ok(S_OK)
    })
}
