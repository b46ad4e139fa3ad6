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

use super::callback::CallbackTarget;
use super::enumerator::EnumObject;
use super::error::{ErrorObject, FACE_ERROR};
use super::file::FileObject;
use super::manager::{caller, guid_of, ManagerFlavor};
use crate::abi::args::{clear_out, out_ptr, read_slice, read_str, read_str_opt};
use crate::abi::bits_types::*;
use crate::abi::guids::*;
use crate::abi::hresult::*;
use crate::abi::strings::WideError;
use crate::abi::types::*;
use crate::abi::vtbl::*;
use crate::com::{self, ComClass, ComObject, ComPtr, ComRef};
use crate::engine::{
    cmdline::{NotifyCmdLine, MAX_PARAMETERS, MAX_PROGRAM},
    file::{MAX_LOCAL_NAME, MAX_REMOTE_NAME},
    EndResult, Engine, EngineError, Job, JobId, LocalError, NewFile, Priority, ProxySettings, ProxyUsage,
    MAX_DESCRIPTION, MAX_DISPLAY_NAME, MAX_PROXY_LIST,
};

/// The COM face of one engine job.
pub struct JobObject {
    engine: Arc<Engine>,
    job: Arc<Job>,
    flavor: ManagerFlavor,
    serial: u64,
}

#[repr(C)]
pub struct JobVtables {
    job: *const IBackgroundCopyJob5Vtbl,
    http: *const IBackgroundCopyJobHttpOptions3Vtbl,
    token: *const IBitsTokenOptionsVtbl,
}

impl JobObject {
    pub const FACE_JOB: usize = offset_of!(JobVtables, job);
    pub const FACE_HTTP: usize = offset_of!(JobVtables, http);
    pub const FACE_TOKEN: usize = offset_of!(JobVtables, token);

    pub fn job(&self) -> &Arc<Job> {
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
    const VTABLES: JobVtables = JobVtables { job: &JOB_VTBL, http: &HTTP_VTBL, token: &TOKEN_VTBL };
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
pub fn job_object(engine: &Arc<Engine>, job: Arc<Job>, flavor: ManagerFlavor) -> ComRef<JobObject> {
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
    let r = ComObject::create(JobObject { engine: engine.clone(), job, flavor, serial });
    live.insert(id, (r.object().face_ptr(0) as usize ^ ADDRESS_MASK, serial));
    r
}

fn this<'a>(p: *mut IBackgroundCopyJob5) -> Result<&'a JobObject, HRESULT> {
    ComObject::<JobObject>::from_face(p as *mut c_void, FACE_JOB).map(|o| o.value())
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
        o.engine.suspend(&o.job)?;
        Ok(S_OK)
    })
}

extern "C" fn Resume(This: *mut J) -> HRESULT {
    crate::com_call!({
        let o = this(This)?;
        o.engine.resume(&o.job)?;
        Ok(S_OK)
    })
}

/// The success code of Cancel/Complete. Dropping `end` releases the caller's callback here, with
/// no engine lock held.
fn end_code(end: EndResult) -> HRESULT {
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
        Ok(end_code(o.engine.cancel(&o.job)?))
    })
}

extern "C" fn Complete(This: *mut J) -> HRESULT {
    crate::com_call!({
        let o = this(This)?;
        Ok(end_code(o.engine.complete(&o.job)?))
    })
}

/// Reads one (remote, local) pair of AddFile/AddFileSet. Names too long or not valid UTF-16 are
/// E_INVALIDARG.
fn new_file(remote: LPCWSTR, local: LPCWSTR) -> Result<NewFile, HRESULT> {
    let remote = read_str(remote, MAX_REMOTE_NAME).map_err(|_| E_INVALIDARG)?;
    let local = read_str(local, MAX_LOCAL_NAME).map_err(|_| E_INVALIDARG)?;
    Ok(NewFile { remote, local })
}

/// AddFile's errors: a destination that is a directory is a bad argument; other local problems
/// keep their own code (missing directory, no permission).
fn add_files(o: &JobObject, files: &[NewFile]) -> Result<HRESULT, HRESULT> {
    match o.engine.add_files(&o.job, files) {
        Ok(()) => Ok(S_OK),
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
        let files: Vec<_> = (0..o.job.file_count()).map(|i| FileObject::create(o.job.clone(), i)).collect();
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
        let p = o.job.progress();
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
        let t = o.job.times();
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
        out_ptr(pVal, E_INVALIDARG)?.write(o.job.state() as BG_JOB_STATE);
        Ok(S_OK)
    })
}

extern "C" fn GetError(This: *mut J, ppError: *mut *mut IBackgroundCopyError) -> HRESULT {
    crate::com_call!({
        clear_out(ppError);
        let o = this(This)?;
        let out = out_ptr(ppError, E_INVALIDARG)?;
        let failure = o.job.failure().ok_or(BG_E_ERROR_INFORMATION_UNAVAILABLE)?;
        let e = ErrorObject::create(o.job.clone(), failure);
        out.write(e.into_face(FACE_ERROR) as *mut IBackgroundCopyError);
        Ok(S_OK)
    })
}

extern "C" fn GetOwner(This: *mut J, pVal: *mut LPWSTR) -> HRESULT {
    crate::com_call!({
        clear_out(pVal);
        let o = this(This)?;
        out_ptr(pVal, E_INVALIDARG)?.write_str(&o.job.owner().sid())?;
        Ok(S_OK)
    })
}

extern "C" fn GetErrorCount(This: *mut J, Errors: *mut ULONG) -> HRESULT {
    crate::com_call!({
        let o = this(This)?;
        out_ptr(Errors, E_INVALIDARG)?.write(o.job.error_count());
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
        out_ptr(pVal, E_INVALIDARG)?.write_str(&o.job.display_name())?;
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
        out_ptr(pVal, E_INVALIDARG)?.write_str(&o.job.description())?;
        Ok(S_OK)
    })
}

extern "C" fn SetPriority(This: *mut J, Val: BG_JOB_PRIORITY) -> HRESULT {
    crate::com_call!({
        let o = this(This)?;
        let p = Priority::from_raw(Val).ok_or(E_NOTIMPL)?;
        o.engine.set_priority(&o.job, p)?;
        Ok(S_OK)
    })
}

extern "C" fn GetPriority(This: *mut J, pVal: *mut BG_JOB_PRIORITY) -> HRESULT {
    crate::com_call!({
        let o = this(This)?;
        out_ptr(pVal, E_INVALIDARG)?.write(o.job.priority() as BG_JOB_PRIORITY);
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
        out_ptr(pVal, E_INVALIDARG)?.write(o.job.notify_flags());
        Ok(S_OK)
    })
}

extern "C" fn SetNotifyInterface(This: *mut J, Val: *mut IUnknown) -> HRESULT {
    crate::com_call!({
        let o = this(This)?;
        if o.job.state().is_final() {
            return Err(BG_E_INVALID_STATE);
        }
        let target = if Val.is_null() {
            None
        } else {
            let unk = ComPtr::from_borrowed(Val as *mut c_void).ok_or(E_INVALIDARG)?;
            let t = CallbackTarget::new(&unk, o.engine.clone(), o.flavor)?;
            Some(Arc::new(t) as Arc<dyn crate::engine::NotifyTarget>)
        };
        let old = o.engine.set_notify_target(&o.job, target)?;
        drop(old); // the previous callback is released here, with no engine lock held
        Ok(S_OK)
    })
}

extern "C" fn GetNotifyInterface(This: *mut J, pVal: *mut *mut IUnknown) -> HRESULT {
    crate::com_call!({
        clear_out(pVal);
        let o = this(This)?;
        let out = out_ptr(pVal, E_INVALIDARG)?;
        let target = o.job.notify_target();
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
        out_ptr(Seconds, E_INVALIDARG)?.write(o.job.min_retry_delay());
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
        out_ptr(Seconds, E_INVALIDARG)?.write(o.job.no_progress_timeout());
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
        let s = o.job.proxy_settings();
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
        o.engine.set_notify_cmdline(&o.job, cmd)?;
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
        let cmd = o.job.notify_cmdline();
        prog_out.write_str(cmd.as_ref().map_or("", |c| c.program.as_str()))?;
        if let Err(e) = params_out.write_str(cmd.as_ref().and_then(|c| c.parameters.as_deref()).unwrap_or("")) {
            crate::abi::args::free_out_str(pProgram);
            return Err(e);
        }
        Ok(S_OK)
    })
}

extern "C" fn TakeOwnership(This: *mut J) -> HRESULT {
    crate::com_call!({
        this(This)?.job.take_ownership(caller())?;
        Ok(S_OK)
    })
}

// Not built yet: the BITS 1.5-10.3 job features (command lines, credentials, ranges, properties)
// come next.
fixed_slots! {
    GetReplyProgress(This: *mut J, pProgress: *mut BG_JOB_REPLY_PROGRESS) => E_NOTIMPL;
    GetReplyData(This: *mut J, ppBuffer: *mut *mut BYTE, pLength: *mut UINT64) => E_NOTIMPL, clear(ppBuffer);
    SetReplyFileName(This: *mut J, ReplyFileName: LPCWSTR) => E_NOTIMPL;
    GetReplyFileName(This: *mut J, pReplyFileName: *mut LPWSTR) => E_NOTIMPL, clear(pReplyFileName);
    SetCredentials(This: *mut J, credentials: *mut BG_AUTH_CREDENTIALS) => E_NOTIMPL;
    RemoveCredentials(This: *mut J, Target: BG_AUTH_TARGET, Scheme: BG_AUTH_SCHEME) => E_NOTIMPL;
    ReplaceRemotePrefix(This: *mut J, OldPrefix: LPCWSTR, NewPrefix: LPCWSTR) => E_NOTIMPL;
    AddFileWithRanges(This: *mut J, RemoteUrl: LPCWSTR, LocalName: LPCWSTR, RangeCount: DWORD, Ranges: *mut BG_FILE_RANGE) => E_NOTIMPL;
    SetFileACLFlags(This: *mut J, Flags: DWORD) => E_NOTIMPL;
    GetFileACLFlags(This: *mut J, Flags: *mut DWORD) => E_NOTIMPL;
    SetPeerCachingFlags(This: *mut J, Flags: DWORD) => E_NOTIMPL;
    GetPeerCachingFlags(This: *mut J, pFlags: *mut DWORD) => E_NOTIMPL;
    GetOwnerIntegrityLevel(This: *mut J, pLevel: *mut ULONG) => E_NOTIMPL;
    GetOwnerElevationState(This: *mut J, pElevated: *mut BOOL) => E_NOTIMPL;
    SetMaximumDownloadTime(This: *mut J, Timeout: ULONG) => E_NOTIMPL;
    GetMaximumDownloadTime(This: *mut J, pTimeout: *mut ULONG) => E_NOTIMPL;
    SetProperty(This: *mut J, PropertyId: BITS_JOB_PROPERTY_ID, PropertyValue: BITS_JOB_PROPERTY_VALUE) => E_NOTIMPL;
    GetProperty(This: *mut J, PropertyId: BITS_JOB_PROPERTY_ID, PropertyValue: *mut BITS_JOB_PROPERTY_VALUE) => E_NOTIMPL;
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

// Not built yet: the HTTP options (custom headers, security flags, client certificates, method,
// certificate callback) come next.
fixed_slots! {
    SetClientCertificateByID(This: *mut H, StoreLocation: BG_CERT_STORE_LOCATION, StoreName: LPCWSTR, pCertHashBlob: *mut BYTE) => E_NOTIMPL;
    SetClientCertificateByName(This: *mut H, StoreLocation: BG_CERT_STORE_LOCATION, StoreName: LPCWSTR, SubjectName: LPCWSTR) => E_NOTIMPL;
    RemoveClientCertificate(This: *mut H) => E_NOTIMPL;
    GetClientCertificate(This: *mut H, pStoreLocation: *mut BG_CERT_STORE_LOCATION, pStoreName: *mut LPWSTR, ppCertHashBlob: *mut *mut BYTE, pSubjectName: *mut LPWSTR) => E_NOTIMPL, clear(pStoreName, ppCertHashBlob, pSubjectName);
    SetCustomHeaders(This: *mut H, RequestHeaders: LPCWSTR) => E_NOTIMPL;
    GetCustomHeaders(This: *mut H, pRequestHeaders: *mut LPWSTR) => E_NOTIMPL, clear(pRequestHeaders);
    SetSecurityFlags(This: *mut H, Flags: ULONG) => E_NOTIMPL;
    GetSecurityFlags(This: *mut H, pFlags: *mut ULONG) => E_NOTIMPL;
    SetHttpMethod(This: *mut H, method: LPCWSTR) => E_NOTIMPL;
    GetHttpMethod(This: *mut H, method: *mut LPWSTR) => E_NOTIMPL, clear(method);
    SetServerCertificateValidationInterface(This: *mut H, certValidationCallback: *mut IUnknown) => E_NOTIMPL;
    MakeCustomHeadersWriteOnly(This: *mut H) => E_NOTIMPL;
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
