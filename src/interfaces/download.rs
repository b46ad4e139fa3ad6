//! The Delivery Optimization download object: IDODownload, plus the caller's
//! IDODownloadStatusCallback and stream sink as the engine sees them (`spec/do.md` §3-4, §6-7).
//!
//! While a download object is alive, every EnumDownloads result and callback for that download
//! hands out the same object, so IDODownload pointers of one download compare equal.
#![allow(non_snake_case)]

use core::ffi::c_void;
use core::mem::offset_of;
use std::any::Any;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use once_cell::sync::Lazy;
use parking_lot::Mutex;

use super::hresult_map::{fetch_error, local_error, map_error};
use crate::abi::args::{out_ptr, read_in, read_slice};
use crate::abi::do_types::*;
use crate::abi::guids::*;
use crate::abi::hresult::*;
use crate::abi::types::*;
use crate::abi::variant::{read_variant, write_variant, InVariant, OutVariant};
use crate::abi::vtbl::*;
use crate::com::{self, callbacks, ComClass, ComObject, ComPtr, ComRef};
use crate::engine::client::{JobHandle, NotifySink, StreamSink};
use crate::engine::dodl::{DoError, DoProp, DoRefusal, DoStartError, DoState, DoStatus, DoValue, StartRanges};
use crate::engine::file::FileRange;
use crate::engine::{EngineError, EngineResult, FetchError, JobFailure, JobId};

/// The COM face of one DO download (an engine job).
pub struct DownloadObject {
    job: JobHandle,
    serial: u64,
}

#[repr(C)]
pub struct DownloadVtables {
    download: *const IDODownloadVtbl,
}

pub const FACE_DOWNLOAD: usize = offset_of!(DownloadVtables, download);

impl ComClass for DownloadObject {
    type Vtables = DownloadVtables;
    const VTABLES: DownloadVtables = DownloadVtables { download: &DOWNLOAD_VTBL };
    const MAGIC: u64 = 0x646f_5f64_6f77_6e6c; // "do_downl"

    fn face_for(&self, iid: &GUID) -> Option<usize> {
        (*iid == IID_IDODownload).then_some(FACE_DOWNLOAD)
    }
}

/// Live download objects by job id (masked address, serial); see `job::LIVE`.
static LIVE: Lazy<Mutex<HashMap<JobId, (usize, u64)>>> = Lazy::new(|| Mutex::new(HashMap::new()));
const ADDRESS_MASK: usize = 0x3c3c_3c3c_3c3c_3c3c;
static SERIAL: AtomicU64 = AtomicU64::new(1);

impl Drop for DownloadObject {
    fn drop(&mut self) {
        let mut live = LIVE.lock();
        if live.get(&self.job.id()).is_some_and(|e| e.1 == self.serial) {
            live.remove(&self.job.id());
        }
    }
}

/// The COM object of a download: the live one if there is one, else a new one. One reference.
pub fn download_object(job: JobHandle) -> ComRef<DownloadObject> {
    let mut live = LIVE.lock();
    if let Some(&(addr, _)) = live.get(&job.id()) {
        if let Ok(obj) = ComObject::<DownloadObject>::from_face((addr ^ ADDRESS_MASK) as *mut c_void, 0) {
            if let Some(r) = ComRef::from_object(obj) {
                return r;
            }
        }
    }
    let serial = SERIAL.fetch_add(1, Ordering::Relaxed);
    let id = job.id();
    let r = ComObject::create(DownloadObject { job, serial });
    live.insert(id, (r.object().face_ptr(0) as usize ^ ADDRESS_MASK, serial));
    r
}

fn this<'a>(p: *mut IDODownload) -> Result<&'a DownloadObject, HRESULT> {
    ComObject::<DownloadObject>::from_face(p as *mut c_void, FACE_DOWNLOAD).map(|o| o.value())
}

/// The HRESULT a transfer failure shows in DO_DOWNLOAD_STATUS: DO's own codes where DO has one.
pub fn do_fetch_error(e: &FetchError) -> HRESULT {
    match e {
        FetchError::NoRangeSupport => DO_E_INSUFFICIENT_RANGE_SUPPORT,
        FetchError::RangeBeyondEnd => DO_E_INVALID_RANGE,
        FetchError::MissingSize => DO_E_FILE_SIZE_UNKNOWN_HTTP_200,
        other => fetch_error(other),
    }
}

/// The HRESULT of a refused DO call.
pub fn do_error(e: &DoStartError) -> HRESULT {
    match e {
        DoStartError::Do(r) => match r {
            DoRefusal::UnknownProperty => DO_E_UNKNOWN_PROPERTY_ID,
            DoRefusal::ReadOnly => DO_E_READ_ONLY_PROPERTY,
            DoRefusal::WriteOnly => DO_E_WRITE_ONLY_PROPERTY,
            DoRefusal::NotSet => E_NOT_SET,
            DoRefusal::NoUri => DO_E_DOWNLOAD_NO_URI,
            DoRefusal::SinkUnspecified => DO_E_FILE_DOWNLOADSINK_UNSPECIFIED,
            DoRefusal::SinkAlreadySet => DO_E_FILE_DOWNLOADSINK_ALREADY_SET,
            DoRefusal::RangesExpected => DO_E_DOWNLOAD_RANGES_EXPECTED,
            DoRefusal::RangesUnexpected => DO_E_DOWNLOAD_RANGES_UNEXPECTED,
            DoRefusal::IntegrityInfoUnspecified => DO_E_INTEGRITYCHECKINFO_UNSPECIFIED,
            DoRefusal::IntegrityInfoUnavailable => DO_E_INTEGRITYCHECKINFO_UNAVAILABLE,
            DoRefusal::InvalidUrl => INET_E_INVALID_URL,
        },
        DoStartError::Engine(e) => match e {
            EngineError::InvalidState => DO_E_INVALID_STATE,
            EngineError::InvalidRange | EngineError::TooManyRanges => DO_E_INVALID_RANGE,
            EngineError::OverlappingRanges => DO_E_OVERLAPPING_RANGES,
            EngineError::NotFound => DO_E_JOB_NOT_FOUND,
            EngineError::Empty => DO_E_JOB_EMPTY,
            EngineError::StringTooLong | EngineError::InvalidArgument(_) => E_INVALIDARG,
            EngineError::Local(l) => local_error(l),
            other => map_error(other),
        },
    }
}

/// The HRESULT of an engine error of a DO call.
pub fn de(e: EngineError) -> HRESULT {
    do_error(&DoStartError::Engine(e))
}

/// A DO call's result: the engine's error or DO's refusal, each as its DO HRESULT.
pub fn dor<T>(r: EngineResult<Result<T, DoRefusal>>) -> Result<T, HRESULT> {
    r.map_err(de)?.map_err(|d| do_error(&DoStartError::Do(d)))
}

impl From<DoStartError> for HRESULT {
    fn from(e: DoStartError) -> HRESULT {
        do_error(&e)
    }
}

/// The C struct of a status snapshot.
pub fn status_struct(s: &DoStatus) -> DO_DOWNLOAD_STATUS {
    let (error, extended) = match &s.error {
        None => (S_OK, S_OK),
        Some(DoError::Failed(e)) => (do_fetch_error(e), S_OK),
        Some(DoError::NoProgress(e)) => (DO_E_DOWNLOAD_NO_PROGRESS, do_fetch_error(e)),
        Some(DoError::Blocked(_)) => (S_OK, DO_E_BLOCKED_BY_NO_NETWORK),
    };
    DO_DOWNLOAD_STATUS {
        BytesTotal: s.bytes_total,
        BytesTransferred: s.bytes_transferred,
        State: s.state as DODownloadState,
        Error: error,
        ExtendedError: extended,
    }
}

/// A registered IDODownloadStatusCallback (holding its own reference, released when replaced or
/// when the download ends).
pub struct StatusCallbackTarget {
    callback: ComPtr,
}

impl NotifySink for StatusCallbackTarget {
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn job_transferred(&self, _job: &JobHandle) -> Result<(), i32> {
        Ok(())
    }
    fn job_error(&self, _job: &JobHandle, _failure: &JobFailure) -> Result<(), i32> {
        Ok(())
    }
    fn job_modification(&self, _job: &JobHandle) -> Result<(), i32> {
        Ok(())
    }
    fn file_transferred(&self, _job: &JobHandle, _file: usize) -> Result<(), i32> {
        Ok(())
    }
    fn do_status(&self, job: &JobHandle, status: &DoStatus) -> Result<(), i32> {
        let d = download_object(job.clone());
        let s = status_struct(status);
        let hr = callbacks::do_status_change(&self.callback, d.object().face_ptr(FACE_DOWNLOAD), &s);
        if hr < 0 {
            Err(hr)
        } else {
            Ok(())
        }
    }
}

/// The caller's stream (IStream, or a bare ISequentialStream), holding its own reference.
struct StreamSinkTarget {
    stream: ComPtr,
}

/// A stream sink over a caller's object: asks it for IStream, else ISequentialStream.
pub(crate) fn stream_target(unknown: &ComPtr) -> Result<Arc<dyn StreamSink>, HRESULT> {
    let stream = unknown.query(&IID_IStream).or_else(|_| unknown.query(&IID_ISequentialStream))?;
    Ok(Arc::new(StreamSinkTarget { stream }))
}

/// The caller's stream behind a sink made by `stream_target`.
pub(crate) fn stream_object(t: &Arc<dyn StreamSink>) -> Option<&ComPtr> {
    t.as_any().downcast_ref::<StreamSinkTarget>().map(|s| &s.stream)
}

impl StreamSink for StreamSinkTarget {
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn write(&self, data: &[u8]) -> Result<(), i32> {
        let hr = callbacks::stream_write(&self.stream, data);
        if hr < 0 {
            Err(hr)
        } else {
            Ok(())
        }
    }
}

static DOWNLOAD_VTBL: IDODownloadVtbl = IDODownloadVtbl {
    QueryInterface: Some(com::query_interface::<DownloadObject, FACE_DOWNLOAD, IDODownload>),
    AddRef: Some(com::add_ref::<DownloadObject, FACE_DOWNLOAD, IDODownload>),
    Release: Some(com::release::<DownloadObject, FACE_DOWNLOAD, IDODownload>),
    Start: Some(Start),
    Pause: Some(Pause),
    Abort: Some(Abort),
    Finalize: Some(Finalize),
    GetStatus: Some(GetStatus),
    GetProperty: Some(GetProperty),
    SetProperty: Some(SetProperty),
};

/// Most ranges one Start takes (as AddFileWithRanges).
const MAX_START_RANGES: u32 = 500;

/// IDODownload::Start.
extern "C" fn Start(This: *mut IDODownload, ranges: *const DO_DOWNLOAD_RANGES_INFO) -> HRESULT {
    crate::com_call!({
        let o = this(This)?;
        let ranges = if ranges.is_null() {
            StartRanges::None
        } else {
            let count = read_in(ranges as *const UINT, E_POINTER)?;
            if count == 0 {
                StartRanges::None
            } else {
                if count > MAX_START_RANGES {
                    return Err(DO_E_INVALID_RANGE);
                }
                let first = (ranges as *const u8).wrapping_add(offset_of!(DO_DOWNLOAD_RANGES_INFO, Ranges));
                let list = read_slice(first as *const DO_DOWNLOAD_RANGE, count as usize, E_POINTER)?;
                StartRanges::Some(list.iter().map(|r| FileRange { offset: r.Offset, length: r.Length }).collect())
            }
        };
        dor(o.job.do_start(ranges))?;
        let blocking = o.job.do_props().map_err(de)?.is_some_and(|p| p.blocking);
        if blocking {
            let end = o.job.do_wait().map_err(de)?;
            if let (DoState::Paused, Some(e @ (DoError::Failed(_) | DoError::NoProgress(_)))) = (end.state, &end.error)
            {
                // The download failed (or ran out of time): Start reports it.
                return Err(status_struct(&DoStatus { error: Some(e.clone()), ..end }).Error);
            }
        }
        Ok(S_OK)
    })
}

/// IDODownload::Pause.
extern "C" fn Pause(This: *mut IDODownload) -> HRESULT {
    crate::com_call!({
        let o = this(This)?;
        o.job.do_pause().map_err(DoStartError::Engine)?;
        Ok(S_OK)
    })
}

/// IDODownload::Abort.
extern "C" fn Abort(This: *mut IDODownload) -> HRESULT {
    crate::com_call!({
        let o = this(This)?;
        o.job.do_abort().map_err(DoStartError::Engine)?;
        Ok(S_OK)
    })
}

/// IDODownload::Finalize.
extern "C" fn Finalize(This: *mut IDODownload) -> HRESULT {
    crate::com_call!({
        let o = this(This)?;
        o.job.do_finalize().map_err(DoStartError::Engine)?;
        Ok(S_OK)
    })
}

/// IDODownload::GetStatus.
extern "C" fn GetStatus(This: *mut IDODownload, status: *mut DO_DOWNLOAD_STATUS) -> HRESULT {
    crate::com_call!({
        let o = this(This)?;
        let out = out_ptr(status, E_POINTER)?;
        out.write(status_struct(&o.job.do_status().map_err(de)?));
        Ok(S_OK)
    })
}

/// IDODownload::GetProperty.
extern "C" fn GetProperty(This: *mut IDODownload, propId: DODownloadProperty, propVal: *mut VARIANT) -> HRESULT {
    crate::com_call!({
        let o = this(This)?;
        if propVal.is_null() {
            return Err(E_POINTER);
        }
        let prop = DoProp::from_raw(propId).ok_or(DO_E_UNKNOWN_PROPERTY_ID)?;
        let value = match prop {
            DoProp::CallbackInterface => {
                let t = o.job.notify().map_err(de)?.ok_or(E_NOT_SET)?;
                let cb = t.as_any().downcast_ref::<StatusCallbackTarget>().ok_or(E_NOT_SET)?;
                OutVariant::Unknown(cb.callback.to_out() as *mut IUnknown)
            }
            DoProp::StreamInterface => {
                let t = o.job.do_stream().map_err(de)?.ok_or(E_NOT_SET)?;
                let s = stream_object(&t).ok_or(E_NOT_SET)?;
                OutVariant::Unknown(s.to_out() as *mut IUnknown)
            }
            p => match dor(o.job.do_get(p))? {
                DoValue::Str(s) => OutVariant::Str(s),
                DoValue::U32(v) => OutVariant::U32(v),
                DoValue::U64(v) => OutVariant::U64(v),
                DoValue::Bool(b) => OutVariant::Bool(b),
                // No readable property is a byte array.
                DoValue::Bytes(_) => return Err(E_NOT_SET),
            },
        };
        write_variant(propVal, value)?;
        Ok(S_OK)
    })
}

/// IDODownload::SetProperty.
extern "C" fn SetProperty(This: *mut IDODownload, propId: DODownloadProperty, propVal: *const VARIANT) -> HRESULT {
    crate::com_call!({
        let o = this(This)?;
        let value = read_variant(propVal)?;
        let prop = DoProp::from_raw(propId).ok_or(DO_E_UNKNOWN_PROPERTY_ID)?;
        set_property(o, prop, value)?;
        Ok(S_OK)
    })
}

fn set_property(o: &DownloadObject, prop: DoProp, value: InVariant) -> Result<(), HRESULT> {
    use DoProp as P;
    if prop.read_only() {
        return Err(DO_E_READ_ONLY_PROPERTY);
    }
    let kind_ok = |v: &InVariant| match prop {
        P::CallbackInterface | P::StreamInterface => matches!(v, InVariant::Unknown(_)),
        P::CostPolicy
        | P::SecurityFlags
        | P::CallbackFreqPercent
        | P::CallbackFreqSeconds
        | P::NoProgressTimeoutSeconds => matches!(v, InVariant::U32(_)),
        P::TotalSizeBytes => matches!(v, InVariant::U64(_)),
        P::ForegroundPriority
        | P::BlockingMode
        | P::NetworkToken
        | P::IntegrityCheckMandatory
        | P::DisallowOnCellular
        | P::HttpAllowSecureToNonSecureRedirect
        | P::NonVolatile => matches!(v, InVariant::Bool(_)),
        P::SecurityContext => matches!(v, InVariant::Bytes(_)),
        _ => matches!(v, InVariant::Str(_)),
    };
    if !kind_ok(&value) {
        return Err(E_INVALIDARG);
    }
    match (prop, value) {
        (P::CallbackInterface, InVariant::Unknown(p)) => {
            if matches!(o.job.do_status().map_err(de)?.state, DoState::Finalized | DoState::Aborted) {
                return Err(DO_E_INVALID_STATE);
            }
            let target: Option<Arc<dyn NotifySink>> = match ComPtr::from_borrowed(p as *mut c_void) {
                None => None,
                Some(unknown) => {
                    let callback = unknown.query(&IID_IDODownloadStatusCallback)?;
                    Some(Arc::new(StatusCallbackTarget { callback }))
                }
            };
            o.job.set_notify(target).map_err(de)?;
            Ok(())
        }
        (P::StreamInterface, InVariant::Unknown(p)) => {
            let sink = match ComPtr::from_borrowed(p as *mut c_void) {
                None => None,
                Some(unknown) => Some(stream_target(&unknown)?),
            };
            dor(o.job.set_do_stream(sink))?;
            Ok(())
        }
        (p, v) => {
            let value = match v {
                InVariant::Str(s) => DoValue::Str(s),
                InVariant::U32(u) => DoValue::U32(u),
                InVariant::U64(u) => DoValue::U64(u),
                InVariant::Bool(b) => DoValue::Bool(b),
                InVariant::Bytes(b) => DoValue::Bytes(b),
                _ => return Err(E_INVALIDARG),
            };
            dor(o.job.do_set(p, value))?;
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_codes_follow_do_conventions() {
        let st =
            |error| status_struct(&DoStatus { bytes_total: 10, bytes_transferred: 5, state: DoState::Paused, error });
        let s = st(None);
        assert_eq!((s.BytesTotal, s.BytesTransferred, s.State, s.Error, s.ExtendedError), (10, 5, 5, S_OK, S_OK));
        let s = st(Some(DoError::Failed(FetchError::Status(404))));
        assert_eq!((s.Error, s.ExtendedError), (BG_E_HTTP_ERROR_404, S_OK));
        let s = st(Some(DoError::NoProgress(FetchError::Status(503))));
        assert_eq!((s.Error, s.ExtendedError), (DO_E_DOWNLOAD_NO_PROGRESS, BG_E_HTTP_ERROR_503));
        // A transient condition: Error S_OK, the reason in ExtendedError (IS_DO_TRANSIENT_ERROR).
        let s = st(Some(DoError::Blocked(FetchError::NoNetwork("down".into()))));
        assert_eq!((s.Error, s.ExtendedError), (S_OK, DO_E_BLOCKED_BY_NO_NETWORK));
        assert_eq!((s.ExtendedError as u32 & 0xF800), 0x3800, "a DO transient code");
        assert_eq!(do_fetch_error(&FetchError::NoRangeSupport), DO_E_INSUFFICIENT_RANGE_SUPPORT);
        assert_eq!(do_fetch_error(&FetchError::MissingSize), DO_E_FILE_SIZE_UNKNOWN_HTTP_200);
    }
}
