//! The job object: IBackgroundCopyJob..Job5 (one vtable, the Job5 layout), plus the
//! IBackgroundCopyJobHttpOptions..3 and IBitsTokenOptions tear-offs (they derive from IUnknown,
//! not from the job, so they are separate faces of the same object).
//!
//! While a job object is alive, every GetJob/EnumJobs/callback for that job hands out the same
//! object, so interface pointers of one job compare equal.
#![allow(non_snake_case)]

use core::ffi::c_void;
use core::mem::offset_of;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use once_cell::sync::Lazy;
use parking_lot::Mutex;

use super::callback::{CallbackTarget, CertValidatorTarget};
use super::enumerator::EnumObject;
use super::error::{ErrorObject, FACE_ERROR};
use super::file::FileObject;
use super::manager::{guid_of, ManagerFlavor};
use crate::abi::args::{basic_credentials, clear_out, out_ptr, read_in, read_slice, read_str, read_str_opt};
use crate::abi::bits_types::*;
use crate::abi::guids::*;
use crate::abi::hresult::*;
use crate::abi::memory::co_task_mem_slice;
use crate::abi::strings::WideError;
use crate::abi::types::*;
use crate::abi::vtbl::*;
use crate::com::{self, ComClass, ComObject, ComPtr, ComRef};
use crate::engine::client::JobHandle;
use crate::engine::rpc::{EndCode, SettingsChange};
use crate::engine::upload::ReplyData;
use crate::engine::JobType;
use crate::engine::{
    cmdline::{NotifyCmdLine, MAX_PARAMETERS, MAX_PROGRAM},
    file::{FileRange, MAX_LOCAL_NAME, MAX_REMOTE_NAME},
    AuthScheme, AuthTarget, Credential, EngineError, JobId, LocalError, NewFile, Priority, ProxySettings, ProxyUsage,
    MAX_DESCRIPTION, MAX_DISPLAY_NAME, MAX_PROXY_LIST,
};

/// The COM face of one engine job.
pub struct JobObject {
    job: JobHandle,
    flavor: ManagerFlavor,
    serial: u64,
}

#[repr(C)]
pub struct JobVtables {
    job: *const IBackgroundCopyJob5Vtbl,
    http: *const IBackgroundCopyJobHttpOptions3Vtbl,
    token: *const IBitsTokenOptionsVtbl,
    do_job: *const IDeliveryOptimizationJobVtbl,
    do_job2: *const IDeliveryOptimizationJob2Vtbl,
}

impl JobObject {
    pub const FACE_JOB: usize = offset_of!(JobVtables, job);
    pub const FACE_HTTP: usize = offset_of!(JobVtables, http);
    pub const FACE_TOKEN: usize = offset_of!(JobVtables, token);
    pub const FACE_DO_JOB: usize = offset_of!(JobVtables, do_job);
    pub const FACE_DO_JOB2: usize = offset_of!(JobVtables, do_job2);

    pub fn job(&self) -> &JobHandle {
        &self.job
    }

    pub fn flavor(&self) -> ManagerFlavor {
        self.flavor
    }
}

const FACE_JOB: usize = JobObject::FACE_JOB;
const FACE_HTTP: usize = JobObject::FACE_HTTP;
const FACE_TOKEN: usize = JobObject::FACE_TOKEN;

impl ComClass for JobObject {
    type Vtables = JobVtables;
    const VTABLES: JobVtables = JobVtables {
        job: &JOB_VTBL,
        http: &HTTP_VTBL,
        token: &TOKEN_VTBL,
        do_job: &super::legacy_do::DO_JOB_VTBL,
        do_job2: &super::legacy_do::DO_JOB2_VTBL,
    };
    const MAGIC: u64 = 0x6a6f_625f_6269_7473; // "job_bits"

    fn face_for(&self, iid: &GUID) -> Option<usize> {
        let job_iids = [
            &IID_IBackgroundCopyJob,
            &IID_IBackgroundCopyJob2,
            &IID_IBackgroundCopyJob3,
            &IID_IBackgroundCopyJob4,
            &IID_IBackgroundCopyJob5,
        ];
        let http_iids = [
            &IID_IBackgroundCopyJobHttpOptions,
            &IID_IBackgroundCopyJobHttpOptions2,
            &IID_IBackgroundCopyJobHttpOptions3,
        ];
        if job_iids.iter().any(|g| **g == *iid) {
            Some(FACE_JOB)
        } else if http_iids.iter().any(|g| **g == *iid) {
            Some(FACE_HTTP)
        } else if *iid == IID_IBitsTokenOptions {
            Some(FACE_TOKEN)
        } else if *iid == IID_IDeliveryOptimizationJob && self.job.is_do_legacy() {
            Some(JobObject::FACE_DO_JOB)
        } else if *iid == IID_IDeliveryOptimizationJob2 && self.job.is_do_legacy() {
            Some(JobObject::FACE_DO_JOB2)
        } else {
            None
        }
    }
}

/// Live job objects by job id: (object address, serial). An entry is removed by the object's
/// drop, and only if it is still that object's.
///
/// The address is stored masked: this table must not keep an object alive in the eyes of
/// LeakSanitizer, or a caller's leaked reference would go unreported.
static LIVE: Lazy<Mutex<HashMap<JobId, (usize, u64)>>> = Lazy::new(|| Mutex::new(HashMap::new()));
const ADDRESS_MASK: usize = 0x5a5a_5a5a_5a5a_5a5a;
static SERIAL: AtomicU64 = AtomicU64::new(1);

impl Drop for JobObject {
    fn drop(&mut self) {
        let mut live = LIVE.lock();
        if live.get(&self.job.id()).is_some_and(|e| e.1 == self.serial) {
            live.remove(&self.job.id());
        }
    }
}

/// The COM object of `job`: the live one if there is one, else a new one. One new reference.
pub fn job_object(job: JobHandle, flavor: ManagerFlavor) -> ComRef<JobObject> {
    let mut live = LIVE.lock();
    if let Some(&(addr, _)) = live.get(&job.id()) {
        // The entry's object cannot be freed while we hold LIVE: its drop takes LIVE first. It
        // may be dying (count zero), in which case `from_object` refuses and we make a new one.
        if let Ok(obj) = ComObject::<JobObject>::from_face((addr ^ ADDRESS_MASK) as *mut c_void, 0) {
            if let Some(r) = ComRef::from_object(obj) {
                return r;
            }
        }
    }
    let serial = SERIAL.fetch_add(1, Ordering::Relaxed);
    let id = job.id();
    let r = ComObject::create(JobObject { job, flavor, serial });
    live.insert(id, (r.object().face_ptr(0) as usize ^ ADDRESS_MASK, serial));
    r
}

/// The job object behind a face; a legacy DO job makes the call answer DO's codes.
fn job_face<'a>(p: *mut c_void, face: usize) -> Result<&'a JobObject, HRESULT> {
    let o = ComObject::<JobObject>::from_face(p, face).map(|o| o.value())?;
    if o.job.is_do_legacy() {
        crate::abi::dialect::use_do_codes();
    }
    Ok(o)
}

fn this<'a>(p: *mut IBackgroundCopyJob5) -> Result<&'a JobObject, HRESULT> {
    job_face(p as *mut c_void, FACE_JOB)
}

fn filetime(t: crate::engine::FileTime) -> FILETIME {
    FILETIME::from_u64(t.0)
}

type J = IBackgroundCopyJob5;

static JOB_VTBL: IBackgroundCopyJob5Vtbl = IBackgroundCopyJob5Vtbl {
    QueryInterface: Some(com::query_interface::<JobObject, FACE_JOB, J>),
    AddRef: Some(com::add_ref::<JobObject, FACE_JOB, J>),
    Release: Some(com::release::<JobObject, FACE_JOB, J>),
    AddFileSet: Some(AddFileSet),
    AddFile: Some(AddFile),
    EnumFiles: Some(EnumFiles),
    Suspend: Some(Suspend),
    Resume: Some(Resume),
    Cancel: Some(Cancel),
    Complete: Some(Complete),
    GetId: Some(GetId),
    GetType: Some(GetType),
    GetProgress: Some(GetProgress),
    GetTimes: Some(GetTimes),
    GetState: Some(GetState),
    GetError: Some(GetError),
    GetOwner: Some(GetOwner),
    SetDisplayName: Some(SetDisplayName),
    GetDisplayName: Some(GetDisplayName),
    SetDescription: Some(SetDescription),
    GetDescription: Some(GetDescription),
    SetPriority: Some(SetPriority),
    GetPriority: Some(GetPriority),
    SetNotifyFlags: Some(SetNotifyFlags),
    GetNotifyFlags: Some(GetNotifyFlags),
    SetNotifyInterface: Some(SetNotifyInterface),
    GetNotifyInterface: Some(GetNotifyInterface),
    SetMinimumRetryDelay: Some(SetMinimumRetryDelay),
    GetMinimumRetryDelay: Some(GetMinimumRetryDelay),
    SetNoProgressTimeout: Some(SetNoProgressTimeout),
    GetNoProgressTimeout: Some(GetNoProgressTimeout),
    GetErrorCount: Some(GetErrorCount),
    SetProxySettings: Some(SetProxySettings),
    GetProxySettings: Some(GetProxySettings),
    TakeOwnership: Some(TakeOwnership),
    SetNotifyCmdLine: Some(SetNotifyCmdLine),
    GetNotifyCmdLine: Some(GetNotifyCmdLine),
    GetReplyProgress: Some(GetReplyProgress),
    GetReplyData: Some(GetReplyData),
    SetReplyFileName: Some(SetReplyFileName),
    GetReplyFileName: Some(GetReplyFileName),
    SetCredentials: Some(SetCredentials),
    RemoveCredentials: Some(RemoveCredentials),
    ReplaceRemotePrefix: Some(ReplaceRemotePrefix),
    AddFileWithRanges: Some(AddFileWithRanges),
    SetFileACLFlags: Some(SetFileACLFlags),
    GetFileACLFlags: Some(GetFileACLFlags),
    SetPeerCachingFlags: Some(SetPeerCachingFlags),
    GetPeerCachingFlags: Some(GetPeerCachingFlags),
    GetOwnerIntegrityLevel: Some(GetOwnerIntegrityLevel),
    GetOwnerElevationState: Some(GetOwnerElevationState),
    SetMaximumDownloadTime: Some(SetMaximumDownloadTime),
    GetMaximumDownloadTime: Some(GetMaximumDownloadTime),
    SetProperty: Some(SetProperty),
    GetProperty: Some(GetProperty),
};

// ---- IBackgroundCopyJob: state changes ----

extern "C" fn Suspend(This: *mut J) -> HRESULT {
    crate::com_call!({
        let o = this(This)?;
        o.job.suspend()?;
        Ok(S_OK)
    })
}

extern "C" fn Resume(This: *mut J) -> HRESULT {
    crate::com_call!({
        let o = this(This)?;
        o.job.resume()?;
        Ok(S_OK)
    })
}

/// The success code of Cancel/Complete. Dropping `end` releases the caller's callback here, with
/// no engine lock held.
fn end_code(end: EndCode) -> HRESULT {
    if end.undeleted {
        BG_S_UNABLE_TO_DELETE_FILES
    } else if end.partial {
        BG_S_PARTIAL_COMPLETE
    } else {
        S_OK
    }
}

extern "C" fn Cancel(This: *mut J) -> HRESULT {
    crate::com_call!({
        let o = this(This)?;
        Ok(end_code(o.job.cancel()?))
    })
}

extern "C" fn Complete(This: *mut J) -> HRESULT {
    crate::com_call!({
        let o = this(This)?;
        Ok(end_code(o.job.complete()?))
    })
}

/// Reads one (remote, local) pair of AddFile/AddFileSet. Names too long or not valid UTF-16 are
/// E_INVALIDARG.
fn new_file(remote: LPCWSTR, local: LPCWSTR) -> Result<NewFile, HRESULT> {
    let remote = read_str(remote, MAX_REMOTE_NAME).map_err(|_| E_INVALIDARG)?;
    let local = read_str(local, MAX_LOCAL_NAME).map_err(|_| E_INVALIDARG)?;
    Ok(NewFile { remote, local, ranges: None })
}

/// AddFile's errors: a destination that is a directory is a bad argument; other local problems
/// keep their own code (missing directory, no permission).
fn add_files(o: &JobObject, files: &[NewFile]) -> Result<HRESULT, HRESULT> {
    match o.job.add_files(files.to_vec()) {
        Ok(_) => Ok(S_OK),
        Err(EngineError::Local(LocalError::IsDirectory)) => Err(E_INVALIDARG),
        Err(e) => Err(e.into()),
    }
}

extern "C" fn AddFile(This: *mut J, RemoteUrl: LPCWSTR, LocalName: LPCWSTR) -> HRESULT {
    crate::com_call!({
        let o = this(This)?;
        let f = new_file(RemoteUrl, LocalName)?;
        add_files(o, &[f])
    })
}

/// Adds a file of which only the listed byte ranges are fetched (http and https URLs only, as
/// BITS 3.0 and later refuse SMB sources), written back to back in the order given; a
/// `BG_LENGTH_TO_EOF` length runs to the end of the remote file. The ranges are checked here:
/// E_INVALIDARG (RangeCount 0, NULL, AddFile's rules, a local source), BG_E_INVALID_RANGE (an
/// empty range, an offset of BG_LENGTH_TO_EOF, an end past 2^64), BG_E_OVERLAPPING_RANGES,
/// BG_E_TOO_MANY_RANGES_IN_FILE (more than 500). A server without range support makes the job
/// fail with BG_E_INSUFFICIENT_RANGE_SUPPORT; a range past the end, with BG_E_INVALID_RANGE.
/// An on-demand job (ON_DEMAND_MODE) takes whole files only: E_INVALIDARG.
extern "C" fn AddFileWithRanges(
    This: *mut J,
    RemoteUrl: LPCWSTR,
    LocalName: LPCWSTR,
    RangeCount: DWORD,
    Ranges: *mut BG_FILE_RANGE,
) -> HRESULT {
    crate::com_call!({
        let o = this(This)?;
        if RangeCount == 0 {
            return Err(E_INVALIDARG);
        }
        if RangeCount as usize > crate::engine::file::MAX_RANGES {
            return Err(BG_E_TOO_MANY_RANGES_IN_FILE);
        }
        // Dynamic content has no stable offsets to take ranges of.
        if o.job.settings()?.dynamic_content {
            return Err(E_INVALIDARG);
        }
        let mut f = new_file(RemoteUrl, LocalName)?;
        let given = read_slice(Ranges as *const BG_FILE_RANGE, RangeCount as usize, E_INVALIDARG)?;
        f.ranges = Some(given.iter().map(|r| FileRange { offset: r.InitialOffset, length: r.Length }).collect());
        add_files(o, &[f])
    })
}

extern "C" fn AddFileSet(This: *mut J, cFileCount: ULONG, pFileSet: *mut BG_FILE_INFO) -> HRESULT {
    crate::com_call!({
        let o = this(This)?;
        if cFileCount == 0 {
            return Err(E_INVALIDARG);
        }
        let infos = read_slice(pFileSet, cFileCount as usize, E_INVALIDARG)?;
        let files = infos.iter().map(|i| new_file(i.RemoteName, i.LocalName)).collect::<Result<Vec<_>, _>>()?;
        add_files(o, &files)
    })
}

// ---- IBackgroundCopyJob: identity, state, progress ----

extern "C" fn EnumFiles(This: *mut J, pEnum: *mut *mut IEnumBackgroundCopyFiles) -> HRESULT {
    crate::com_call!({
        clear_out(pEnum);
        let o = this(This)?;
        let out = out_ptr(pEnum, E_INVALIDARG)?;
        let files: Vec<_> = (0..o.job.file_count()?).map(|i| FileObject::create(o.job.clone(), i)).collect();
        out.write(EnumObject::files(files) as *mut IEnumBackgroundCopyFiles);
        Ok(S_OK)
    })
}

extern "C" fn GetId(This: *mut J, pVal: *mut GUID) -> HRESULT {
    crate::com_call!({
        let o = this(This)?;
        out_ptr(pVal, E_INVALIDARG)?.write(guid_of(o.job.id()));
        Ok(S_OK)
    })
}

extern "C" fn GetType(This: *mut J, pVal: *mut BG_JOB_TYPE) -> HRESULT {
    crate::com_call!({
        let o = this(This)?;
        out_ptr(pVal, E_INVALIDARG)?.write(o.job.job_type() as BG_JOB_TYPE);
        Ok(S_OK)
    })
}

extern "C" fn GetProgress(This: *mut J, pVal: *mut BG_JOB_PROGRESS) -> HRESULT {
    crate::com_call!({
        let o = this(This)?;
        let out = out_ptr(pVal, E_INVALIDARG)?;
        let p = o.job.progress()?;
        out.write(BG_JOB_PROGRESS {
            BytesTotal: p.bytes_total,
            BytesTransferred: p.bytes_transferred,
            FilesTotal: p.files_total,
            FilesTransferred: p.files_transferred,
        });
        Ok(S_OK)
    })
}

extern "C" fn GetTimes(This: *mut J, pVal: *mut BG_JOB_TIMES) -> HRESULT {
    crate::com_call!({
        let o = this(This)?;
        let out = out_ptr(pVal, E_INVALIDARG)?;
        let t = o.job.times()?;
        out.write(BG_JOB_TIMES {
            CreationTime: filetime(t.created),
            ModificationTime: filetime(t.modified),
            TransferCompletionTime: filetime(t.transfer_completed),
        });
        Ok(S_OK)
    })
}

extern "C" fn GetState(This: *mut J, pVal: *mut BG_JOB_STATE) -> HRESULT {
    crate::com_call!({
        let o = this(This)?;
        out_ptr(pVal, E_INVALIDARG)?.write(o.job.state()? as BG_JOB_STATE);
        Ok(S_OK)
    })
}

extern "C" fn GetError(This: *mut J, ppError: *mut *mut IBackgroundCopyError) -> HRESULT {
    crate::com_call!({
        clear_out(ppError);
        let o = this(This)?;
        let out = out_ptr(ppError, E_INVALIDARG)?;
        let failure = o.job.failure()?.ok_or(BG_E_ERROR_INFORMATION_UNAVAILABLE)?;
        let e = ErrorObject::create(o.job.clone(), failure);
        out.write(e.into_face(FACE_ERROR) as *mut IBackgroundCopyError);
        Ok(S_OK)
    })
}

extern "C" fn GetOwner(This: *mut J, pVal: *mut LPWSTR) -> HRESULT {
    crate::com_call!({
        clear_out(pVal);
        let o = this(This)?;
        out_ptr(pVal, E_INVALIDARG)?.write_str(&o.job.owner()?.sid())?;
        Ok(S_OK)
    })
}

extern "C" fn GetErrorCount(This: *mut J, Errors: *mut ULONG) -> HRESULT {
    crate::com_call!({
        let o = this(This)?;
        out_ptr(Errors, E_INVALIDARG)?.write(o.job.error_count()?);
        Ok(S_OK)
    })
}

// ---- IBackgroundCopyJob: properties ----

/// Reads a length-limited string argument: NULL or invalid UTF-16 → E_INVALIDARG, too long →
/// `too_long`.
fn read_limited(p: LPCWSTR, max: usize, too_long: HRESULT) -> Result<String, HRESULT> {
    read_str(p, max).map_err(|e| if e == WideError::TooLong { too_long } else { E_INVALIDARG })
}

extern "C" fn SetDisplayName(This: *mut J, Val: LPCWSTR) -> HRESULT {
    crate::com_call!({
        let o = this(This)?;
        let name = read_limited(Val, MAX_DISPLAY_NAME, BG_E_STRING_TOO_LONG)?;
        o.job.set_display_name(name)?;
        Ok(S_OK)
    })
}

extern "C" fn GetDisplayName(This: *mut J, pVal: *mut LPWSTR) -> HRESULT {
    crate::com_call!({
        clear_out(pVal);
        let o = this(This)?;
        out_ptr(pVal, E_INVALIDARG)?.write_str(&o.job.display_name()?)?;
        Ok(S_OK)
    })
}

extern "C" fn SetDescription(This: *mut J, Val: LPCWSTR) -> HRESULT {
    crate::com_call!({
        let o = this(This)?;
        let text = read_limited(Val, MAX_DESCRIPTION, BG_E_STRING_TOO_LONG)?;
        o.job.set_description(text)?;
        Ok(S_OK)
    })
}

extern "C" fn GetDescription(This: *mut J, pVal: *mut LPWSTR) -> HRESULT {
    crate::com_call!({
        clear_out(pVal);
        let o = this(This)?;
        out_ptr(pVal, E_INVALIDARG)?.write_str(&o.job.description()?)?;
        Ok(S_OK)
    })
}

extern "C" fn SetPriority(This: *mut J, Val: BG_JOB_PRIORITY) -> HRESULT {
    crate::com_call!({
        let o = this(This)?;
        let p = Priority::from_raw(Val).ok_or(E_NOTIMPL)?;
        o.job.set_priority(p)?;
        Ok(S_OK)
    })
}

extern "C" fn GetPriority(This: *mut J, pVal: *mut BG_JOB_PRIORITY) -> HRESULT {
    crate::com_call!({
        let o = this(This)?;
        out_ptr(pVal, E_INVALIDARG)?.write(o.job.priority()? as BG_JOB_PRIORITY);
        Ok(S_OK)
    })
}

extern "C" fn SetNotifyFlags(This: *mut J, Val: ULONG) -> HRESULT {
    crate::com_call!({
        this(This)?.job.set_notify_flags(Val)?;
        Ok(S_OK)
    })
}

extern "C" fn GetNotifyFlags(This: *mut J, pVal: *mut ULONG) -> HRESULT {
    crate::com_call!({
        let o = this(This)?;
        out_ptr(pVal, E_INVALIDARG)?.write(o.job.notify_flags()?);
        Ok(S_OK)
    })
}

extern "C" fn SetNotifyInterface(This: *mut J, Val: *mut IUnknown) -> HRESULT {
    crate::com_call!({
        let o = this(This)?;
        // A final job refuses the call (BG_E_INVALID_STATE) before the object is looked at; the
        // engine refuses it too, so the state is asked only when the object is not a callback
        // (through the service, every question is a round trip).
        let target = if Val.is_null() {
            None
        } else {
            let unk = ComPtr::from_borrowed(Val as *mut c_void).ok_or(E_INVALIDARG)?;
            match CallbackTarget::new(&unk, o.flavor) {
                Ok(t) => Some(Arc::new(t) as Arc<dyn crate::engine::client::NotifySink>),
                Err(_) if o.job.state()?.is_final() => return Err(BG_E_INVALID_STATE),
                Err(hr) => return Err(hr),
            }
        };
        // The previous callback is released when the engine lets go of it, with no library lock
        // held (in the service: on a callback thread of this process).
        o.job.set_notify(target)?;
        Ok(S_OK)
    })
}

extern "C" fn GetNotifyInterface(This: *mut J, pVal: *mut *mut IUnknown) -> HRESULT {
    crate::com_call!({
        clear_out(pVal);
        let o = this(This)?;
        let out = out_ptr(pVal, E_INVALIDARG)?;
        let target = o.job.notify()?;
        if let Some(t) = target.as_ref().and_then(|t| t.as_any().downcast_ref::<CallbackTarget>()) {
            out.write(t.unknown().to_out() as *mut IUnknown);
        }
        drop(target);
        Ok(S_OK)
    })
}

extern "C" fn SetMinimumRetryDelay(This: *mut J, Seconds: ULONG) -> HRESULT {
    crate::com_call!({
        this(This)?.job.set_min_retry_delay(Seconds)?;
        Ok(S_OK)
    })
}

extern "C" fn GetMinimumRetryDelay(This: *mut J, Seconds: *mut ULONG) -> HRESULT {
    crate::com_call!({
        let o = this(This)?;
        out_ptr(Seconds, E_INVALIDARG)?.write(o.job.min_retry_delay()?);
        Ok(S_OK)
    })
}

extern "C" fn SetNoProgressTimeout(This: *mut J, Seconds: ULONG) -> HRESULT {
    crate::com_call!({
        this(This)?.job.set_no_progress_timeout(Seconds)?;
        Ok(S_OK)
    })
}

extern "C" fn GetNoProgressTimeout(This: *mut J, Seconds: *mut ULONG) -> HRESULT {
    crate::com_call!({
        let o = this(This)?;
        out_ptr(Seconds, E_INVALIDARG)?.write(o.job.no_progress_timeout()?);
        Ok(S_OK)
    })
}

extern "C" fn SetProxySettings(
    This: *mut J,
    ProxyUsage: BG_JOB_PROXY_USAGE,
    ProxyList: *const WCHAR,
    ProxyBypassList: *const WCHAR,
) -> HRESULT {
    crate::com_call!({
        let o = this(This)?;
        let usage = self::ProxyUsage::from_raw(ProxyUsage).ok_or(E_NOTIMPL)?;
        let list_err = |e: WideError, too_long: HRESULT| {
            if e == WideError::TooLong {
                too_long
            } else {
                E_INVALIDARG
            }
        };
        let list = read_str_opt(ProxyList, MAX_PROXY_LIST).map_err(|e| list_err(e, BG_E_PROXY_LIST_TOO_LARGE))?;
        let bypass =
            read_str_opt(ProxyBypassList, MAX_PROXY_LIST).map_err(|e| list_err(e, BG_E_PROXY_BYPASS_LIST_TOO_LARGE))?;
        o.job.set_proxy_settings(ProxySettings { usage, list, bypass })?;
        Ok(S_OK)
    })
}

extern "C" fn GetProxySettings(
    This: *mut J,
    pProxyUsage: *mut BG_JOB_PROXY_USAGE,
    pProxyList: *mut LPWSTR,
    pProxyBypassList: *mut LPWSTR,
) -> HRESULT {
    crate::com_call!({
        clear_out(pProxyList);
        clear_out(pProxyBypassList);
        let o = this(This)?;
        let usage_out = out_ptr(pProxyUsage, E_INVALIDARG)?;
        let list_out = out_ptr(pProxyList, E_INVALIDARG)?;
        let bypass_out = out_ptr(pProxyBypassList, E_INVALIDARG)?;
        let s = o.job.proxy_settings()?;
        if let Some(l) = &s.list {
            list_out.write_str(l)?;
        }
        if let Some(b) = &s.bypass {
            if let Err(e) = bypass_out.write_str(b) {
                // Leave nothing allocated behind a failure.
                crate::abi::args::free_out_str(pProxyList);
                return Err(e);
            }
        }
        usage_out.write(s.usage as BG_JOB_PROXY_USAGE);
        Ok(S_OK)
    })
}

// ---- IBackgroundCopyJob2: the notify command line ----

fn this2<'a>(p: *mut J) -> Result<&'a JobObject, HRESULT> {
    this(p)
}

extern "C" fn SetNotifyCmdLine(This: *mut J, Program: LPCWSTR, Parameters: LPCWSTR) -> HRESULT {
    crate::com_call!({
        let o = this2(This)?;
        let too_long = |e: WideError| if e == WideError::TooLong { BG_E_STRING_TOO_LONG } else { E_INVALIDARG };
        let program = read_str_opt(Program, MAX_PROGRAM).map_err(too_long)?;
        let parameters = read_str_opt(Parameters, MAX_PARAMETERS).map_err(too_long)?;
        let cmd = NotifyCmdLine::new(program, parameters)?;
        o.job.set_notify_cmdline(cmd)?;
        Ok(S_OK)
    })
}

/// Empty strings when no command line is set (as BITS documents).
extern "C" fn GetNotifyCmdLine(This: *mut J, pProgram: *mut LPWSTR, pParameters: *mut LPWSTR) -> HRESULT {
    crate::com_call!({
        clear_out(pProgram);
        clear_out(pParameters);
        let o = this2(This)?;
        let prog_out = out_ptr(pProgram, E_INVALIDARG)?;
        let params_out = out_ptr(pParameters, E_INVALIDARG)?;
        let cmd = o.job.notify_cmdline()?;
        prog_out.write_str(cmd.as_ref().map_or("", |c| c.program.as_str()))?;
        if let Err(e) = params_out.write_str(cmd.as_ref().and_then(|c| c.parameters.as_deref()).unwrap_or("")) {
            crate::abi::args::free_out_str(pProgram);
            return Err(e);
        }
        Ok(S_OK)
    })
}

/// For every file whose remote name starts with `OldPrefix` (case-sensitive), swaps in
/// `NewPrefix`; S_FALSE when no name matches. Every new name is checked first (E_INVALIDARG, and
/// nothing changes, if one is not a supported URL or is longer than 2,200 characters). Transferred
/// files are not fetched again; the others continue where they were if the new server's copy has
/// the same validators, and start again otherwise.
extern "C" fn ReplaceRemotePrefix(This: *mut J, OldPrefix: LPCWSTR, NewPrefix: LPCWSTR) -> HRESULT {
    crate::com_call!({
        let o = this(This)?;
        let old = read_str(OldPrefix, MAX_REMOTE_NAME).map_err(|_| E_INVALIDARG)?;
        let new = read_str(NewPrefix, MAX_REMOTE_NAME).map_err(|_| E_INVALIDARG)?;
        if old.is_empty() || new.is_empty() {
            return Err(E_INVALIDARG);
        }
        let n = o.job.replace_remote_prefix(old, new)?;
        Ok(if n == 0 { S_FALSE } else { S_OK })
    })
}

/// Which attributes of a local source file (the Linux counterpart of BITS's SMB sources) its
/// downloaded copy takes, when the file is fetched: BG_COPY_FILE_OWNER its owner (uid),
/// BG_COPY_FILE_GROUP its group (gid), BG_COPY_FILE_DACL its permission bits; BG_COPY_FILE_SACL
/// (audit) has no Linux counterpart and is stored only. HTTP sources have no such attributes, so
/// the flags do nothing for them. Changing owner or group needs CAP_CHOWN: without it the job goes
/// to TRANSIENT_ERROR with E_ACCESSDENIED. E_INVALIDARG for unknown bits; BG_E_INVALID_STATE once
/// the job is TRANSFERRED or final.
extern "C" fn SetFileACLFlags(This: *mut J, Flags: DWORD) -> HRESULT {
    crate::com_call!({
        let o = this(This)?;
        // Undefined flags: E_INVALIDARG from the engine.
        o.job.change_settings(SettingsChange::FileAclFlags(Flags))?;
        Ok(S_OK)
    })
}

extern "C" fn GetFileACLFlags(This: *mut J, Flags: *mut DWORD) -> HRESULT {
    crate::com_call!({
        let out = out_ptr(Flags, E_INVALIDARG)?;
        out.write(this(This)?.job.settings()?.file_acl_flags);
        Ok(S_OK)
    })
}

/// Longest credential user name and password, in UTF-16 units.
const MAX_USER_NAME: usize = 300;
const MAX_PASSWORD: usize = 65_536;

fn auth_pair(target: BG_AUTH_TARGET, scheme: BG_AUTH_SCHEME) -> Result<(AuthTarget, AuthScheme), HRESULT> {
    let target = match target {
        BG_AUTH_TARGET_SERVER => AuthTarget::Server,
        BG_AUTH_TARGET_PROXY => AuthTarget::Proxy,
        _ => return Err(BG_E_INVALID_AUTH_TARGET),
    };
    let scheme = match scheme {
        BG_AUTH_SCHEME_BASIC => AuthScheme::Basic,
        BG_AUTH_SCHEME_DIGEST => AuthScheme::Digest,
        // Windows logon credentials (NTLM, Negotiate/Kerberos) and Passport are not built.
        BG_AUTH_SCHEME_NTLM | BG_AUTH_SCHEME_NEGOTIATE | BG_AUTH_SCHEME_PASSPORT => return Err(E_NOTIMPL),
        _ => return Err(BG_E_INVALID_AUTH_SCHEME),
    };
    Ok((target, scheme))
}

/// Basic and Digest credentials for the server, answered on a 401 challenge of that scheme
/// (Digest preferred when the server offers both). Proxy credentials are stored but no proxy is
/// used yet. Both strings are required (an empty password is allowed); the job keeps a copy.
extern "C" fn SetCredentials(This: *mut J, credentials: *mut BG_AUTH_CREDENTIALS) -> HRESULT {
    crate::com_call!({
        let o = this2(This)?;
        let c = read_in(credentials as *const BG_AUTH_CREDENTIALS, E_INVALIDARG)?;
        let (target, scheme) = auth_pair(c.Target, c.Scheme)?;
        let basic = basic_credentials(&c);
        let user = read_str_opt(basic.UserName, MAX_USER_NAME)
            .map_err(|e| if e == WideError::TooLong { BG_E_USERNAME_TOO_LARGE } else { E_INVALIDARG })?
            .ok_or(E_INVALIDARG)?;
        let password = read_str_opt(basic.Password, MAX_PASSWORD)
            .map_err(|e| if e == WideError::TooLong { BG_E_PASSWORD_TOO_LARGE } else { E_INVALIDARG })?
            .ok_or(E_INVALIDARG)?;
        // The engine refuses a Basic user name with a colon (E_INVALIDARG).
        o.job.set_credentials(Credential { target, scheme, user, password })?;
        Ok(S_OK)
    })
}

/// S_FALSE when nothing was stored for the pair.
extern "C" fn RemoveCredentials(This: *mut J, Target: BG_AUTH_TARGET, Scheme: BG_AUTH_SCHEME) -> HRESULT {
    crate::com_call!({
        let o = this2(This)?;
        let (target, scheme) = auth_pair(Target, Scheme)?;
        Ok(if o.job.remove_credentials(target, scheme)? { S_OK } else { S_FALSE })
    })
}

extern "C" fn TakeOwnership(This: *mut J) -> HRESULT {
    crate::com_call!({
        let o = this(This)?;
        o.job.take_ownership()?;
        Ok(S_OK)
    })
}

// ---- the reply of an upload-reply job (IBackgroundCopyJob2) ----

/// The reply methods are for upload-reply jobs: E_NOTIMPL for the others, as BITS answers.
fn reply_job(This: *mut J) -> Result<&'static JobObject, HRESULT> {
    let o = this2(This)?;
    if o.job.job_type() != JobType::UploadReply {
        return Err(E_NOTIMPL);
    }
    Ok(o)
}

/// Progress of the reply's download: BytesTotal is BG_SIZE_UNKNOWN until it begins (after the
/// upload). E_INVALIDARG for NULL; E_NOTIMPL for a job that is not upload-reply.
extern "C" fn GetReplyProgress(This: *mut J, pProgress: *mut BG_JOB_REPLY_PROGRESS) -> HRESULT {
    crate::com_call!({
        let o = reply_job(This)?;
        let out = out_ptr(pProgress, E_INVALIDARG)?;
        let r = o.job.reply_info()?;
        out.write(BG_JOB_REPLY_PROGRESS { BytesTotal: r.bytes_total, BytesTransferred: r.bytes_transferred });
        Ok(S_OK)
    })
}

/// The reply in memory, once the job is TRANSFERRED (also after Complete): `*ppBuffer` is a
/// CoTaskMem block (free it with CoTaskMemFree) of `*pLength` bytes, or NULL with length 0 when
/// the server sent no reply. Over 1 MB: BG_E_TOO_LARGE, `*ppBuffer` NULL and `*pLength` the size
/// (read the reply file instead). BG_E_INVALID_STATE before TRANSFERRED; E_INVALIDARG for a NULL
/// `ppBuffer`; E_NOTIMPL for a job that is not upload-reply. `pLength` may be NULL.
extern "C" fn GetReplyData(This: *mut J, ppBuffer: *mut *mut BYTE, pLength: *mut UINT64) -> HRESULT {
    crate::com_call!({
        clear_out(ppBuffer);
        let o = reply_job(This)?;
        let out = out_ptr(ppBuffer, E_INVALIDARG)?;
        let write_len = |n: u64| {
            if !pLength.is_null() {
                if let Ok(l) = out_ptr(pLength, E_INVALIDARG) {
                    l.write(n);
                }
            }
        };
        match o.job.reply_data()? {
            ReplyData::Empty => {
                write_len(0);
                Ok(S_OK)
            }
            ReplyData::TooLarge(n) => {
                write_len(n);
                Err(BG_E_TOO_LARGE)
            }
            ReplyData::Bytes(b) => {
                out.write(co_task_mem_slice(&b).ok_or(E_OUTOFMEMORY)?);
                write_len(b.len() as u64);
                Ok(S_OK)
            }
        }
    })
}

/// Where the reply goes (before Resume): an absolute path in a directory the owner may write to,
/// or NULL/empty for a name beside the uploaded file. E_INVALIDARG (relative, bad UTF-16, longer
/// than MAX_PATH), E_ACCESSDENIED (the directory cannot be written), BG_E_INVALID_STATE once the
/// reply download has begun or the job ended, E_NOTIMPL for a job that is not upload-reply.
extern "C" fn SetReplyFileName(This: *mut J, ReplyFileName: LPCWSTR) -> HRESULT {
    crate::com_call!({
        let o = reply_job(This)?;
        let name = read_str_opt(ReplyFileName, MAX_LOCAL_NAME).map_err(|_| E_INVALIDARG)?;
        o.job.set_reply_file(name)?;
        Ok(S_OK)
    })
}

/// The reply file's name (CoTaskMem; free it with CoTaskMemFree), or NULL while none was set or
/// chosen yet. E_INVALIDARG for NULL; E_NOTIMPL for a job that is not upload-reply.
extern "C" fn GetReplyFileName(This: *mut J, pReplyFileName: *mut LPWSTR) -> HRESULT {
    crate::com_call!({
        clear_out(pReplyFileName);
        let o = reply_job(This)?;
        let out = out_ptr(pReplyFileName, E_INVALIDARG)?;
        if let Some(f) = o.job.reply_info()?.file {
            out.write_str(&f.to_string_lossy())?;
        }
        Ok(S_OK)
    })
}

// ---- IBackgroundCopyJob4 ----

fn job_of_settings(This: *mut J) -> Result<&'static JobObject, HRESULT> {
    this(This)
}

extern "C" fn SetPeerCachingFlags(This: *mut J, Flags: DWORD) -> HRESULT {
    crate::com_call!({
        let o = job_of_settings(This)?;
        // Stored and returned (undefined flags: E_INVALIDARG from the engine); there are no
        // peers to cache for on Linux.
        o.job.change_settings(SettingsChange::PeerCachingFlags(Flags))?;
        Ok(S_OK)
    })
}

extern "C" fn GetPeerCachingFlags(This: *mut J, pFlags: *mut DWORD) -> HRESULT {
    crate::com_call!({
        let o = job_of_settings(This)?;
        out_ptr(pFlags, E_INVALIDARG)?.write(o.job.settings()?.peer_caching_flags);
        Ok(S_OK)
    })
}

/// Windows integrity levels mapped to Unix users: root is high (0x3000), everyone else medium
/// (0x2000).
extern "C" fn GetOwnerIntegrityLevel(This: *mut J, pLevel: *mut ULONG) -> HRESULT {
    crate::com_call!({
        let o = job_of_settings(This)?;
        out_ptr(pLevel, E_INVALIDARG)?.write(if o.job.owner()?.is_admin() { 0x3000 } else { 0x2000 });
        Ok(S_OK)
    })
}

/// TRUE when the owner is root (the Linux counterpart of an elevated token).
extern "C" fn GetOwnerElevationState(This: *mut J, pElevated: *mut BOOL) -> HRESULT {
    crate::com_call!({
        let o = job_of_settings(This)?;
        out_ptr(pElevated, E_INVALIDARG)?.write(o.job.owner()?.is_admin() as BOOL);
        Ok(S_OK)
    })
}

/// Seconds the job may transfer after a Resume (0: no limit); the default is 90 days.
extern "C" fn SetMaximumDownloadTime(This: *mut J, Timeout: ULONG) -> HRESULT {
    crate::com_call!({
        let o = job_of_settings(This)?;
        o.job.set_max_download_time(Timeout)?;
        Ok(S_OK)
    })
}

extern "C" fn GetMaximumDownloadTime(This: *mut J, pTimeout: *mut ULONG) -> HRESULT {
    crate::com_call!({
        let o = job_of_settings(This)?;
        out_ptr(pTimeout, E_INVALIDARG)?.write(o.job.settings()?.max_download_time);
        Ok(S_OK)
    })
}

// ---- IBackgroundCopyJob5: properties ----

extern "C" fn SetProperty(
    This: *mut J,
    PropertyId: BITS_JOB_PROPERTY_ID,
    PropertyValue: BITS_JOB_PROPERTY_VALUE,
) -> HRESULT {
    crate::com_call!({
        let o = job_of_settings(This)?;
        let download = o.job.job_type() == crate::engine::JobType::Download;
        // SAFETY-free reads: the union member is chosen by the property id, as the IDL's
        // switch_is says; every member is plain data, so reading any is defined.
        let v = crate::abi::args::job_property(PropertyValue);
        if PropertyId == BITS_JOB_PROPERTY_ON_DEMAND_MODE {
            o.job.set_on_demand(v.enable).map_err(|e| job_property_error(PropertyId, &e, download))?;
            return Ok(S_OK);
        }
        let change = match PropertyId {
            BITS_JOB_PROPERTY_ID_COST_FLAGS => SettingsChange::CostFlags(v.dword),
            BITS_JOB_PROPERTY_NOTIFICATION_CLSID => {
                SettingsChange::NotificationClsid((v.guid != [0u8; 16]).then(|| uuid::Uuid::from_bytes_le(v.guid)))
            }
            BITS_JOB_PROPERTY_DYNAMIC_CONTENT => SettingsChange::DynamicContent(v.enable),
            BITS_JOB_PROPERTY_HIGH_PERFORMANCE => SettingsChange::HighPerformance(v.enable),
            BITS_JOB_PROPERTY_MAX_DOWNLOAD_SIZE => SettingsChange::MaxDownloadSize(v.uint64),
            DELIVERYOPT_JOB_PROPERTY_MAX_BYTES_PER_SECOND => SettingsChange::MaxBytesPerSecond(v.uint64),
            DELIVERYOPT_JOB_PROPERTY_MAX_SEGMENTS => SettingsChange::MaxSegments(v.dword),
            BITS_JOB_PROPERTY_USE_STORED_CREDENTIALS if v.target != BG_AUTH_TARGET_PROXY => {
                let e = EngineError::InvalidArgument("stored credentials: proxy only");
                return Err(job_property_error(PropertyId, &e, download));
            }
            BITS_JOB_PROPERTY_USE_STORED_CREDENTIALS => SettingsChange::UseStoredCredentials(v.target),
            BITS_JOB_PROPERTY_MINIMUM_NOTIFICATION_INTERVAL_MS => SettingsChange::MinNotificationIntervalMs(v.dword),
            _ => return Err(job_property_error(PropertyId, &EngineError::Unsupported("unknown property"), download)),
        };
        o.job.change_settings(change).map_err(|e| job_property_error(PropertyId, &e, download))?;
        Ok(S_OK)
    })
}

/// The Job5 SetProperty codes of `spec/bits-extended.md` §4 for each refusal.
fn job_property_error(id: BITS_JOB_PROPERTY_ID, e: &EngineError, download: bool) -> HRESULT {
    let known = matches!(
        id,
        1..=5 | 7 | 9 | 10 | DELIVERYOPT_JOB_PROPERTY_MAX_BYTES_PER_SECOND | DELIVERYOPT_JOB_PROPERTY_MAX_SEGMENTS
    );
    match e {
        EngineError::InvalidState => BG_E_INVALID_STATE,
        _ if !known => BG_E_UNKNOWN_PROPERTY_ID,
        _ if !download && matches!(id, 3..=5 | 10 | DELIVERYOPT_JOB_PROPERTY_MAX_SEGMENTS) => {
            BG_E_PROPERTY_SUPPORTED_FOR_DOWNLOAD_JOBS_ONLY
        }
        EngineError::InvalidArgument("after resume") => BG_E_READ_ONLY_PROPERTY_AFTER_RESUME,
        EngineError::InvalidArgument("after addfile") => BG_E_READ_ONLY_PROPERTY_AFTER_ADDFILE,
        EngineError::InvalidArgument("max size 0") => BG_E_MAX_DOWNLOAD_SIZE_INVALID_VALUE,
        EngineError::InvalidArgument("custom method") => BG_E_NOT_SUPPORTED_WITH_CUSTOM_HTTP_METHOD,
        EngineError::InvalidArgument("stored credentials: proxy only") => BG_E_USE_STORED_CREDENTIALS_NOT_SUPPORTED,
        EngineError::Unsupported(_) => E_NOTIMPL,
        other => crate::interfaces::hresult_map::map_error(other),
    }
}

extern "C" fn GetProperty(
    This: *mut J,
    PropertyId: BITS_JOB_PROPERTY_ID,
    PropertyValue: *mut BITS_JOB_PROPERTY_VALUE,
) -> HRESULT {
    crate::com_call!({
        let o = job_of_settings(This)?;
        let out = out_ptr(PropertyValue, E_INVALIDARG)?;
        let s = o.job.settings()?;
        let mut v = BITS_JOB_PROPERTY_VALUE { Uint64: 0 };
        match PropertyId {
            BITS_JOB_PROPERTY_ID_COST_FLAGS => v.Dword = s.cost_flags,
            BITS_JOB_PROPERTY_NOTIFICATION_CLSID => {
                v = BITS_JOB_PROPERTY_VALUE {
                    ClsID: GUID::from_bytes_le(s.notification_clsid.map_or([0; 16], |u| u.to_bytes_le())),
                }
            }
            BITS_JOB_PROPERTY_DYNAMIC_CONTENT => v.Enable = s.dynamic_content as BOOL,
            BITS_JOB_PROPERTY_HIGH_PERFORMANCE => v.Enable = s.high_performance as BOOL,
            BITS_JOB_PROPERTY_MAX_DOWNLOAD_SIZE => v.Uint64 = s.max_download_size.unwrap_or(u64::MAX),
            DELIVERYOPT_JOB_PROPERTY_MAX_BYTES_PER_SECOND => v.Uint64 = s.max_bytes_per_second,
            DELIVERYOPT_JOB_PROPERTY_MAX_SEGMENTS => v.Dword = s.max_segments,
            BITS_JOB_PROPERTY_USE_STORED_CREDENTIALS => v.Target = s.use_stored_credentials.unwrap_or(0),
            BITS_JOB_PROPERTY_MINIMUM_NOTIFICATION_INTERVAL_MS => v.Dword = s.min_notification_interval_ms,
            BITS_JOB_PROPERTY_ON_DEMAND_MODE => v.Enable = s.on_demand as BOOL,
            _ => return Err(BG_E_UNKNOWN_PROPERTY_ID),
        }
        out.write(v);
        Ok(S_OK)
    })
}

// ---- IBackgroundCopyJobHttpOptions..3 (tear-off face) ----

type H = IBackgroundCopyJobHttpOptions3;

static HTTP_VTBL: IBackgroundCopyJobHttpOptions3Vtbl = IBackgroundCopyJobHttpOptions3Vtbl {
    QueryInterface: Some(com::query_interface::<JobObject, FACE_HTTP, H>),
    AddRef: Some(com::add_ref::<JobObject, FACE_HTTP, H>),
    Release: Some(com::release::<JobObject, FACE_HTTP, H>),
    SetClientCertificateByID: Some(SetClientCertificateByID),
    SetClientCertificateByName: Some(SetClientCertificateByName),
    RemoveClientCertificate: Some(RemoveClientCertificate),
    GetClientCertificate: Some(GetClientCertificate),
    SetCustomHeaders: Some(SetCustomHeaders),
    GetCustomHeaders: Some(GetCustomHeaders),
    SetSecurityFlags: Some(SetSecurityFlags),
    GetSecurityFlags: Some(GetSecurityFlags),
    SetHttpMethod: Some(SetHttpMethod),
    GetHttpMethod: Some(GetHttpMethod),
    SetServerCertificateValidationInterface: Some(SetServerCertificateValidationInterface),
    MakeCustomHeadersWriteOnly: Some(MakeCustomHeadersWriteOnly),
};

fn http_this<'a>(p: *mut H) -> Result<&'a JobObject, HRESULT> {
    job_face(p as *mut c_void, FACE_HTTP)
}

/// Longest custom header block, in UTF-16 units without the NUL (16,384 with it).
const MAX_CUSTOM_HEADERS: usize = 16_383;

/// Extra request headers (CRLF-separated `Name: value` lines) sent with every request of the job,
/// HEAD included. NULL removes them.
extern "C" fn SetCustomHeaders(This: *mut H, RequestHeaders: LPCWSTR) -> HRESULT {
    crate::com_call!({
        let o = http_this(This)?;
        let text = read_str_opt(RequestHeaders, MAX_CUSTOM_HEADERS).map_err(|e| {
            if e == WideError::TooLong {
                BG_E_STRING_TOO_LONG
            } else {
                E_INVALIDARG
            }
        })?;
        if let Some(t) = &text {
            crate::engine::parse_headers(t)?;
        }
        o.job.change_settings(SettingsChange::CustomHeaders(text))?;
        Ok(S_OK)
    })
}

/// S_FALSE and NULL when none are set; E_ACCESSDENIED after MakeCustomHeadersWriteOnly.
extern "C" fn GetCustomHeaders(This: *mut H, pRequestHeaders: *mut LPWSTR) -> HRESULT {
    crate::com_call!({
        clear_out(pRequestHeaders);
        let o = http_this(This)?;
        let out = out_ptr(pRequestHeaders, E_INVALIDARG)?;
        let s = o.job.settings()?;
        if s.headers_write_only {
            return Err(E_ACCESSDENIED);
        }
        match s.custom_headers {
            Some(h) => {
                out.write_str(&h)?;
                Ok(S_OK)
            }
            None => Ok(S_FALSE),
        }
    })
}

/// Irreversibly hides the custom headers from GetCustomHeaders; they are still sent.
extern "C" fn MakeCustomHeadersWriteOnly(This: *mut H) -> HRESULT {
    crate::com_call!({
        let o = http_this(This)?;
        // Always S_OK, even for a job that has ended.
        let _ = o.job.change_settings(SettingsChange::HeadersWriteOnly);
        Ok(S_OK)
    })
}

/// Redirect policy (ALLOW_SILENT, ALLOW_REPORT, DISALLOW, plus ALLOW_HTTPS_TO_HTTP) and
/// certificate checks of the job's HTTPS connections: BG_SSL_IGNORE_CERT_CN_INVALID,
/// _DATE_INVALID, _UNKNOWN_CA and _WRONG_USAGE each lift exactly that check; BG_SSL_ENABLE_CRL_CHECK
/// checks the chain against the CRLs in `$XDG_CONFIG_HOME/deliveryopt/crls` and
/// `/etc/deliveryopt/crls` (a certificate without a current CRL fails the transfer with
/// HRESULT_FROM_WIN32(ERROR_WINHTTP_SECURE_CERT_REV_FAILED)). Undefined bits and policy values
/// are E_INVALIDARG; BG_E_INVALID_STATE once the job is final. A transfer under way keeps the
/// flags it started with.
extern "C" fn SetSecurityFlags(This: *mut H, Flags: ULONG) -> HRESULT {
    crate::com_call!({
        let o = http_this(This)?;
        // The engine checks them too (for every client); refused here without a round trip.
        if !crate::engine::http::security_flags_valid(Flags) {
            return Err(E_INVALIDARG);
        }
        o.job.change_settings(SettingsChange::SecurityFlags(Flags))?;
        Ok(S_OK)
    })
}

/// Longest certificate store name and subject, in characters (256 with the NUL).
const MAX_CERT_NAME: usize = 255;

fn store_location(l: BG_CERT_STORE_LOCATION) -> Result<crate::engine::certs::StoreLocation, HRESULT> {
    use crate::engine::certs::StoreLocation;
    match l {
        BG_CERT_STORE_LOCATION_CURRENT_USER => Ok(StoreLocation::CurrentUser),
        BG_CERT_STORE_LOCATION_LOCAL_MACHINE => Ok(StoreLocation::LocalMachine),
        // Service, group-policy and enterprise stores have no Linux counterpart.
        _ => Err(E_NOTIMPL),
    }
}

/// Looks the certificate up now and records it with the job.
fn set_client_certificate(
    This: *mut H,
    location: BG_CERT_STORE_LOCATION,
    store: LPCWSTR,
    selector: impl FnOnce() -> Result<crate::engine::certs::CertSelector, HRESULT>,
) -> Result<HRESULT, HRESULT> {
    use crate::engine::certs::{self, CertLookupError};
    let o = http_this(This)?;
    if store.is_null() {
        return Err(RPC_X_NULL_REF_POINTER);
    }
    let location = store_location(location)?;
    let name = read_str(store, MAX_CERT_NAME).map_err(|e| {
        if e == WideError::TooLong {
            BG_E_STRING_TOO_LONG
        } else {
            E_INVALIDARG
        }
    })?;
    let selector = selector()?;
    let found = match certs::find(location, &name, &selector)? {
        Ok(c) => c,
        Err(CertLookupError::NoStore) => return Err(hresult_from_win32(ERROR_FILE_NOT_FOUND)),
        Err(CertLookupError::NotFound) => return Err(CRYPT_E_NOT_FOUND),
    };
    o.job.set_client_certificate(Some(found))?;
    Ok(S_OK)
}

/// Chooses the TLS client certificate by its SHA-1 thumbprint (20 bytes) in a store. On Linux a
/// store is a directory of PEM files: `$XDG_CONFIG_HOME/deliveryopt/certs/<StoreName>` for
/// CURRENT_USER, `/etc/deliveryopt/certs/<StoreName>` for LOCAL_MACHINE, or StoreName itself when
/// it is an absolute path; each `*.pem`/`*.crt`/`*.cer` file holds a certificate (and its chain)
/// with its key in the same file or in `<stem>.key`. E_NOTIMPL for other locations;
/// RPC_X_NULL_REF_POINTER for NULL; HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND) when the store does
/// not exist; CRYPT_E_NOT_FOUND when no certificate with a key matches; BG_E_STRING_TOO_LONG
/// for a store name over 255 characters; BG_E_INVALID_STATE once the job is final.
extern "C" fn SetClientCertificateByID(
    This: *mut H,
    StoreLocation: BG_CERT_STORE_LOCATION,
    StoreName: LPCWSTR,
    pCertHashBlob: *mut BYTE,
) -> HRESULT {
    crate::com_call!({
        set_client_certificate(This, StoreLocation, StoreName, || {
            let hash = read_slice(pCertHashBlob as *const BYTE, 20, RPC_X_NULL_REF_POINTER)?;
            let mut t = [0u8; 20];
            t.copy_from_slice(hash);
            Ok(crate::engine::certs::CertSelector::Thumbprint(t))
        })?;
        Ok(S_OK)
    })
}

/// Chooses the TLS client certificate whose subject (`CN=..., O=...`) contains SubjectName
/// (case-insensitive), in a store as for SetClientCertificateByID; the same errors, and
/// E_INVALIDARG for an empty subject.
extern "C" fn SetClientCertificateByName(
    This: *mut H,
    StoreLocation: BG_CERT_STORE_LOCATION,
    StoreName: LPCWSTR,
    SubjectName: LPCWSTR,
) -> HRESULT {
    crate::com_call!({
        set_client_certificate(This, StoreLocation, StoreName, || {
            if SubjectName.is_null() {
                return Err(RPC_X_NULL_REF_POINTER);
            }
            let subject = read_str(SubjectName, MAX_CERT_NAME).map_err(|e| {
                if e == WideError::TooLong {
                    BG_E_STRING_TOO_LONG
                } else {
                    E_INVALIDARG
                }
            })?;
            if subject.is_empty() {
                return Err(E_INVALIDARG);
            }
            Ok(crate::engine::certs::CertSelector::Subject(subject))
        })?;
        Ok(S_OK)
    })
}

/// S_FALSE when no certificate was set.
extern "C" fn RemoveClientCertificate(This: *mut H) -> HRESULT {
    crate::com_call!({
        let o = http_this(This)?;
        let had = o.job.set_client_certificate(None)?;
        Ok(if had { S_OK } else { S_FALSE })
    })
}

/// What was set: the location, the store name, the certificate's 20-byte SHA-1 thumbprint and
/// its subject (CoTaskMem; free each with CoTaskMemFree). RPC_X_BAD_STUB_DATA when none is set;
/// RPC_X_NULL_REF_POINTER for a NULL pointer.
extern "C" fn GetClientCertificate(
    This: *mut H,
    pStoreLocation: *mut BG_CERT_STORE_LOCATION,
    pStoreName: *mut LPWSTR,
    ppCertHashBlob: *mut *mut BYTE,
    pSubjectName: *mut LPWSTR,
) -> HRESULT {
    crate::com_call!({
        clear_out(pStoreName);
        clear_out(ppCertHashBlob);
        clear_out(pSubjectName);
        let o = http_this(This)?;
        let loc = out_ptr(pStoreLocation, RPC_X_NULL_REF_POINTER)?;
        let name = out_ptr(pStoreName, RPC_X_NULL_REF_POINTER)?;
        let hash = out_ptr(ppCertHashBlob, RPC_X_NULL_REF_POINTER)?;
        let subject = out_ptr(pSubjectName, RPC_X_NULL_REF_POINTER)?;
        let c = o.job.settings()?.client_certificate.ok_or(RPC_X_BAD_STUB_DATA)?;
        name.write_str(&c.store_name)?;
        if let Err(e) = subject.write_str(&c.subject) {
            crate::abi::args::free_out_str(pStoreName);
            return Err(e);
        }
        let Some(blob) = crate::abi::memory::co_task_mem_slice(&c.thumbprint) else {
            crate::abi::args::free_out_str(pStoreName);
            crate::abi::args::free_out_str(pSubjectName);
            return Err(E_OUTOFMEMORY);
        };
        hash.write(blob);
        loc.write(match c.location {
            crate::engine::certs::StoreLocation::CurrentUser => BG_CERT_STORE_LOCATION_CURRENT_USER,
            crate::engine::certs::StoreLocation::LocalMachine => BG_CERT_STORE_LOCATION_LOCAL_MACHINE,
        });
        Ok(S_OK)
    })
}

/// Longest HTTP method accepted, in characters.
const MAX_HTTP_METHOD: usize = 64;

/// A custom verb instead of GET (an RFC 9110 token: letters, digits and ``!#$%&'*+-.^_`|~``).
/// "GET" restores the default. Another verb makes the job FOREGROUND for good (SetPriority then
/// gives BG_E_READ_ONLY_PROPERTY), is sent without Range and without HEAD requests, and makes
/// network errors final (ERROR; Resume starts the file again from byte 0), as BITS documents.
/// E_INVALIDARG for NULL, empty or not a token; BG_E_READ_ONLY_PROPERTY_AFTER_RESUME once the job
/// has been resumed.
extern "C" fn SetHttpMethod(This: *mut H, method: LPCWSTR) -> HRESULT {
    crate::com_call!({
        let o = http_this(This)?;
        let m = read_str(method, MAX_HTTP_METHOD).map_err(|_| E_INVALIDARG)?;
        let token = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
        if m.is_empty() || !m.chars().all(token) {
            return Err(E_INVALIDARG);
        }
        o.job.set_http_method(Some(m))?;
        Ok(S_OK)
    })
}

/// The method in use ("GET" unless SetHttpMethod chose another), as a CoTaskMem string.
extern "C" fn GetHttpMethod(This: *mut H, method: *mut LPWSTR) -> HRESULT {
    crate::com_call!({
        clear_out(method);
        let o = http_this(This)?;
        // BITS's defaults: GET for downloads, BITS_POST for upload and upload-reply jobs.
        let default = if o.job.job_type() == JobType::Download { "GET" } else { "BITS_POST" };
        let m = o.job.settings()?.http_method.unwrap_or_else(|| default.to_string());
        out_ptr(method, E_INVALIDARG)?.write_str(&m)?;
        Ok(S_OK)
    })
}

extern "C" fn GetSecurityFlags(This: *mut H, pFlags: *mut ULONG) -> HRESULT {
    crate::com_call!({
        let o = http_this(This)?;
        out_ptr(pFlags, E_INVALIDARG)?.write(o.job.settings()?.security_flags);
        Ok(S_OK)
    })
}

/// Registers the caller's IBackgroundCopyServerCertificateValidationCallback (the library keeps
/// its own reference, released once when it is replaced, removed or the job ends); NULL removes
/// it. Its ValidateServerCertificate is called on a transfer thread, with no library lock held,
/// after each new server certificate passed the standard checks (as relaxed by the BG_SSL_*
/// flags); a certificate it accepted for a `host:port` is not asked about again until the next
/// registration. Not stored: a job loaded by a later process fails its HTTPS transfers with
/// BG_E_SERVER_CERT_VALIDATION_INTERFACE_REQUIRED until the callback is registered again (or
/// removed with NULL). E_NOINTERFACE when the object lacks the interface; E_INVALIDARG for an
/// object without a vtable; BG_E_READ_ONLY_WHEN_JOB_ACTIVE unless the job is SUSPENDED, ERROR or
/// TRANSFERRED; BG_E_INVALID_STATE once it is final.
extern "C" fn SetServerCertificateValidationInterface(This: *mut H, certValidationCallback: *mut IUnknown) -> HRESULT {
    crate::com_call!({
        let o = http_this(This)?;
        let validator = if certValidationCallback.is_null() {
            None
        } else {
            let unk = ComPtr::from_borrowed(certValidationCallback as *mut c_void).ok_or(E_INVALIDARG)?;
            let t = CertValidatorTarget::new(&unk, o.flavor)?;
            Some(Arc::new(t) as Arc<dyn crate::engine::client::CertSink>)
        };
        // On failure the new registration is released here; on success the previous one is
        // when the engine lets go of it, with no library lock held.
        o.job.set_cert(validator)?;
        Ok(S_OK)
    })
}

// ---- IBitsTokenOptions (tear-off face): Windows impersonation tokens have no Linux meaning ----

type T = IBitsTokenOptions;

static TOKEN_VTBL: IBitsTokenOptionsVtbl = IBitsTokenOptionsVtbl {
    QueryInterface: Some(com::query_interface::<JobObject, FACE_TOKEN, T>),
    AddRef: Some(com::add_ref::<JobObject, FACE_TOKEN, T>),
    Release: Some(com::release::<JobObject, FACE_TOKEN, T>),
    SetHelperTokenFlags: Some(SetHelperTokenFlags),
    GetHelperTokenFlags: Some(GetHelperTokenFlags),
    SetHelperToken: Some(SetHelperToken),
    ClearHelperToken: Some(ClearHelperToken),
    GetHelperTokenSid: Some(GetHelperTokenSid),
};

// Windows impersonation (helper) tokens have no Linux counterpart.
fixed_slots! {
    SetHelperTokenFlags(This: *mut T, UsageFlags: DWORD) => E_NOTIMPL;
    GetHelperTokenFlags(This: *mut T, pFlags: *mut DWORD) => E_NOTIMPL;
    SetHelperToken(This: *mut T) => E_NOTIMPL;
    ClearHelperToken(This: *mut T) => E_NOTIMPL;
    GetHelperTokenSid(This: *mut T, pSid: *mut LPWSTR) => E_NOTIMPL, clear(pSid);
}
