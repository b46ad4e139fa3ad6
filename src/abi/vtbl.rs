//! The interfaces: one object struct and one vtable struct for each, in published slot order.
//!
//! Every vtable is written out flat, parents' slots first, exactly as MIDL writes `IXxxVtbl`, so C code
//! calls `p->lpVtbl->Resume(p)` on any interface of the family. Slot order, names and parameter types
//! follow `spec/bits-core.md`, `spec/bits-extended.md` and `spec/do.md`. The C++ class view and the
//! COBJMACROS in `include/deliveryopt.h` are generated from these structs by `xtask`.
//!
//! Slots are `Option<fn>` because vtables written by callers (callbacks, streams) are read from
//! foreign memory: a NULL slot is reported as `E_POINTER`/`E_NOTIMPL`, never called.
#![allow(
    non_camel_case_types,
    non_snake_case,
    clippy::upper_case_acronyms,
    clippy::type_complexity
)]

use core::ffi::c_void;

use super::bits_types::*;
use super::do_types::*;
use super::types::*;

/// The base of every interface: slots 0-2.
///
/// C: `p->lpVtbl->Method(p, ...)` or `IUnknown_Method(p, ...)`; C++: `p->Method(...)`.
#[repr(C)]
pub struct IUnknown {
    pub lpVtbl: *const IUnknownVtbl,
}

/// Vtable of `IUnknown`.
#[repr(C)]
pub struct IUnknownVtbl {
    /// Slot 0. Asks for another interface of the same object. S_OK and an AddRef'd pointer, or E_NOINTERFACE with `*ppvObject = NULL`; E_POINTER if `ppvObject` is NULL.
    pub QueryInterface: Option<
        unsafe extern "C" fn(
            This: *mut IUnknown,
            riid: REFIID,
            ppvObject: *mut *mut c_void,
        ) -> HRESULT,
    >,
    /// Slot 1. Adds a reference; returns the new count (informational).
    pub AddRef: Option<unsafe extern "C" fn(This: *mut IUnknown) -> ULONG>,
    /// Slot 2. Drops a reference; the object is freed at zero. Returns the new count.
    pub Release: Option<unsafe extern "C" fn(This: *mut IUnknown) -> ULONG>,
}

/// Creates and finds BITS jobs. Obtained from `CoCreateInstance(&CLSID_BackgroundCopyManager, ...)`.
///
/// C: `p->lpVtbl->Method(p, ...)` or `IBackgroundCopyManager_Method(p, ...)`; C++: `p->Method(...)`.
#[repr(C)]
pub struct IBackgroundCopyManager {
    pub lpVtbl: *const IBackgroundCopyManagerVtbl,
}

/// Vtable of `IBackgroundCopyManager` (derives from `IUnknown`).
#[repr(C)]
pub struct IBackgroundCopyManagerVtbl {
    /// Slot 0 (IUnknown). Asks for another interface of the same object. S_OK and an AddRef'd pointer, or E_NOINTERFACE with `*ppvObject = NULL`; E_POINTER if `ppvObject` is NULL.
    pub QueryInterface: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyManager,
            riid: REFIID,
            ppvObject: *mut *mut c_void,
        ) -> HRESULT,
    >,
    /// Slot 1 (IUnknown). Adds a reference; returns the new count (informational).
    pub AddRef: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyManager) -> ULONG>,
    /// Slot 2 (IUnknown). Drops a reference; the object is freed at zero. Returns the new count.
    pub Release: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyManager) -> ULONG>,
    /// Slot 3. Creates a SUSPENDED job. DisplayName non-NULL, at most 256 characters (E_INVALIDARG). Returns the GUID and an AddRef'd job.
    pub CreateJob: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyManager,
            DisplayName: LPCWSTR,
            Type: BG_JOB_TYPE,
            pJobId: *mut GUID,
            ppJob: *mut *mut IBackgroundCopyJob,
        ) -> HRESULT,
    >,
    /// Slot 4. Finds a job by GUID: BG_E_NOT_FOUND if there is none (or it is cancelled/acknowledged).
    pub GetJob: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyManager,
            jobID: REFGUID,
            ppJob: *mut *mut IBackgroundCopyJob,
        ) -> HRESULT,
    >,
    /// Slot 5. Snapshot enumerator of the caller's jobs (final-state jobs are not listed).
    pub EnumJobs: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyManager,
            dwFlags: DWORD,
            ppEnum: *mut *mut IEnumBackgroundCopyJobs,
        ) -> HRESULT,
    >,
    /// Slot 6. Message text for an HRESULT; free it with CoTaskMemFree.
    pub GetErrorDescription: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyManager,
            hResult: HRESULT,
            LanguageId: DWORD,
            pErrorDescription: *mut LPWSTR,
        ) -> HRESULT,
    >,
}

/// A BITS transfer job (slots 3-34).
///
/// C: `p->lpVtbl->Method(p, ...)` or `IBackgroundCopyJob_Method(p, ...)`; C++: `p->Method(...)`.
#[repr(C)]
pub struct IBackgroundCopyJob {
    pub lpVtbl: *const IBackgroundCopyJobVtbl,
}

/// Vtable of `IBackgroundCopyJob` (derives from `IUnknown`).
#[repr(C)]
pub struct IBackgroundCopyJobVtbl {
    /// Slot 0 (IUnknown). Asks for another interface of the same object. S_OK and an AddRef'd pointer, or E_NOINTERFACE with `*ppvObject = NULL`; E_POINTER if `ppvObject` is NULL.
    pub QueryInterface: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJob,
            riid: REFIID,
            ppvObject: *mut *mut c_void,
        ) -> HRESULT,
    >,
    /// Slot 1 (IUnknown). Adds a reference; returns the new count (informational).
    pub AddRef: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob) -> ULONG>,
    /// Slot 2 (IUnknown). Drops a reference; the object is freed at zero. Returns the new count.
    pub Release: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob) -> ULONG>,
    /// Slot 3. Adds several files at once: all or none.
    pub AddFileSet: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJob,
            cFileCount: ULONG,
            pFileSet: *mut BG_FILE_INFO,
        ) -> HRESULT,
    >,
    /// Slot 4. Adds one file: remote URL (http, https, file) and absolute local path.
    pub AddFile: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJob,
            RemoteUrl: LPCWSTR,
            LocalName: LPCWSTR,
        ) -> HRESULT,
    >,
    /// Slot 5. Snapshot enumerator of the job's files.
    pub EnumFiles: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJob,
            pEnum: *mut *mut IEnumBackgroundCopyFiles,
        ) -> HRESULT,
    >,
    /// Slot 6. Stops the job (SUSPENDED). S_OK if already suspended.
    pub Suspend: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob) -> HRESULT>,
    /// Slot 7. Queues the job for transfer. BG_E_EMPTY if it has no files.
    pub Resume: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob) -> HRESULT>,
    /// Slot 8. Cancels the job (final): deletes temporary files; never touches an existing destination.
    pub Cancel: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob) -> HRESULT>,
    /// Slot 9. Acknowledges the job (final): renames the transferred files into place.
    pub Complete: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob) -> HRESULT>,
    /// Slot 10.
    pub GetId:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob, pVal: *mut GUID) -> HRESULT>,
    /// Slot 11.
    pub GetType: Option<
        unsafe extern "C" fn(This: *mut IBackgroundCopyJob, pVal: *mut BG_JOB_TYPE) -> HRESULT,
    >,
    /// Slot 12.
    pub GetProgress: Option<
        unsafe extern "C" fn(This: *mut IBackgroundCopyJob, pVal: *mut BG_JOB_PROGRESS) -> HRESULT,
    >,
    /// Slot 13.
    pub GetTimes: Option<
        unsafe extern "C" fn(This: *mut IBackgroundCopyJob, pVal: *mut BG_JOB_TIMES) -> HRESULT,
    >,
    /// Slot 14.
    pub GetState: Option<
        unsafe extern "C" fn(This: *mut IBackgroundCopyJob, pVal: *mut BG_JOB_STATE) -> HRESULT,
    >,
    /// Slot 15. The error object, only in ERROR or TRANSIENT_ERROR (else BG_E_ERROR_INFORMATION_UNAVAILABLE).
    pub GetError: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJob,
            ppError: *mut *mut IBackgroundCopyError,
        ) -> HRESULT,
    >,
    /// Slot 16. Owner as a string (`S-1-5-21-0-0-0-<uid>` on Linux); CoTaskMemFree it.
    pub GetOwner:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob, pVal: *mut LPWSTR) -> HRESULT>,
    /// Slot 17.
    pub SetDisplayName:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob, Val: LPCWSTR) -> HRESULT>,
    /// Slot 18.
    pub GetDisplayName:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob, pVal: *mut LPWSTR) -> HRESULT>,
    /// Slot 19.
    pub SetDescription:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob, Val: LPCWSTR) -> HRESULT>,
    /// Slot 20.
    pub GetDescription:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob, pVal: *mut LPWSTR) -> HRESULT>,
    /// Slot 21.
    pub SetPriority: Option<
        unsafe extern "C" fn(This: *mut IBackgroundCopyJob, Val: BG_JOB_PRIORITY) -> HRESULT,
    >,
    /// Slot 22.
    pub GetPriority: Option<
        unsafe extern "C" fn(This: *mut IBackgroundCopyJob, pVal: *mut BG_JOB_PRIORITY) -> HRESULT,
    >,
    /// Slot 23.
    pub SetNotifyFlags:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob, Val: ULONG) -> HRESULT>,
    /// Slot 24.
    pub GetNotifyFlags:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob, pVal: *mut ULONG) -> HRESULT>,
    /// Slot 25. Registers the caller's IBackgroundCopyCallback[2/3] object (the library keeps a reference); NULL removes it.
    pub SetNotifyInterface:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob, Val: *mut IUnknown) -> HRESULT>,
    /// Slot 26.
    pub GetNotifyInterface: Option<
        unsafe extern "C" fn(This: *mut IBackgroundCopyJob, pVal: *mut *mut IUnknown) -> HRESULT,
    >,
    /// Slot 27.
    pub SetMinimumRetryDelay:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob, Seconds: ULONG) -> HRESULT>,
    /// Slot 28.
    pub GetMinimumRetryDelay:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob, Seconds: *mut ULONG) -> HRESULT>,
    /// Slot 29.
    pub SetNoProgressTimeout:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob, Seconds: ULONG) -> HRESULT>,
    /// Slot 30.
    pub GetNoProgressTimeout:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob, Seconds: *mut ULONG) -> HRESULT>,
    /// Slot 31.
    pub GetErrorCount:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob, Errors: *mut ULONG) -> HRESULT>,
    /// Slot 32.
    pub SetProxySettings: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJob,
            ProxyUsage: BG_JOB_PROXY_USAGE,
            ProxyList: *const WCHAR,
            ProxyBypassList: *const WCHAR,
        ) -> HRESULT,
    >,
    /// Slot 33.
    pub GetProxySettings: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJob,
            pProxyUsage: *mut BG_JOB_PROXY_USAGE,
            pProxyList: *mut LPWSTR,
            pProxyBypassList: *mut LPWSTR,
        ) -> HRESULT,
    >,
    /// Slot 34.
    pub TakeOwnership: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob) -> HRESULT>,
}

/// BITS 1.5 job (slots 35-42).
///
/// C: `p->lpVtbl->Method(p, ...)` or `IBackgroundCopyJob2_Method(p, ...)`; C++: `p->Method(...)`.
#[repr(C)]
pub struct IBackgroundCopyJob2 {
    pub lpVtbl: *const IBackgroundCopyJob2Vtbl,
}

/// Vtable of `IBackgroundCopyJob2` (derives from `IBackgroundCopyJob`).
#[repr(C)]
pub struct IBackgroundCopyJob2Vtbl {
    /// Slot 0 (IUnknown). Asks for another interface of the same object. S_OK and an AddRef'd pointer, or E_NOINTERFACE with `*ppvObject = NULL`; E_POINTER if `ppvObject` is NULL.
    pub QueryInterface: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJob2,
            riid: REFIID,
            ppvObject: *mut *mut c_void,
        ) -> HRESULT,
    >,
    /// Slot 1 (IUnknown). Adds a reference; returns the new count (informational).
    pub AddRef: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob2) -> ULONG>,
    /// Slot 2 (IUnknown). Drops a reference; the object is freed at zero. Returns the new count.
    pub Release: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob2) -> ULONG>,
    /// Slot 3 (IBackgroundCopyJob). Adds several files at once: all or none.
    pub AddFileSet: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJob2,
            cFileCount: ULONG,
            pFileSet: *mut BG_FILE_INFO,
        ) -> HRESULT,
    >,
    /// Slot 4 (IBackgroundCopyJob). Adds one file: remote URL (http, https, file) and absolute local path.
    pub AddFile: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJob2,
            RemoteUrl: LPCWSTR,
            LocalName: LPCWSTR,
        ) -> HRESULT,
    >,
    /// Slot 5 (IBackgroundCopyJob). Snapshot enumerator of the job's files.
    pub EnumFiles: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJob2,
            pEnum: *mut *mut IEnumBackgroundCopyFiles,
        ) -> HRESULT,
    >,
    /// Slot 6 (IBackgroundCopyJob). Stops the job (SUSPENDED). S_OK if already suspended.
    pub Suspend: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob2) -> HRESULT>,
    /// Slot 7 (IBackgroundCopyJob). Queues the job for transfer. BG_E_EMPTY if it has no files.
    pub Resume: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob2) -> HRESULT>,
    /// Slot 8 (IBackgroundCopyJob). Cancels the job (final): deletes temporary files; never touches an existing destination.
    pub Cancel: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob2) -> HRESULT>,
    /// Slot 9 (IBackgroundCopyJob). Acknowledges the job (final): renames the transferred files into place.
    pub Complete: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob2) -> HRESULT>,
    /// Slot 10 (IBackgroundCopyJob).
    pub GetId:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob2, pVal: *mut GUID) -> HRESULT>,
    /// Slot 11 (IBackgroundCopyJob).
    pub GetType: Option<
        unsafe extern "C" fn(This: *mut IBackgroundCopyJob2, pVal: *mut BG_JOB_TYPE) -> HRESULT,
    >,
    /// Slot 12 (IBackgroundCopyJob).
    pub GetProgress: Option<
        unsafe extern "C" fn(This: *mut IBackgroundCopyJob2, pVal: *mut BG_JOB_PROGRESS) -> HRESULT,
    >,
    /// Slot 13 (IBackgroundCopyJob).
    pub GetTimes: Option<
        unsafe extern "C" fn(This: *mut IBackgroundCopyJob2, pVal: *mut BG_JOB_TIMES) -> HRESULT,
    >,
    /// Slot 14 (IBackgroundCopyJob).
    pub GetState: Option<
        unsafe extern "C" fn(This: *mut IBackgroundCopyJob2, pVal: *mut BG_JOB_STATE) -> HRESULT,
    >,
    /// Slot 15 (IBackgroundCopyJob). The error object, only in ERROR or TRANSIENT_ERROR (else BG_E_ERROR_INFORMATION_UNAVAILABLE).
    pub GetError: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJob2,
            ppError: *mut *mut IBackgroundCopyError,
        ) -> HRESULT,
    >,
    /// Slot 16 (IBackgroundCopyJob). Owner as a string (`S-1-5-21-0-0-0-<uid>` on Linux); CoTaskMemFree it.
    pub GetOwner:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob2, pVal: *mut LPWSTR) -> HRESULT>,
    /// Slot 17 (IBackgroundCopyJob).
    pub SetDisplayName:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob2, Val: LPCWSTR) -> HRESULT>,
    /// Slot 18 (IBackgroundCopyJob).
    pub GetDisplayName:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob2, pVal: *mut LPWSTR) -> HRESULT>,
    /// Slot 19 (IBackgroundCopyJob).
    pub SetDescription:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob2, Val: LPCWSTR) -> HRESULT>,
    /// Slot 20 (IBackgroundCopyJob).
    pub GetDescription:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob2, pVal: *mut LPWSTR) -> HRESULT>,
    /// Slot 21 (IBackgroundCopyJob).
    pub SetPriority: Option<
        unsafe extern "C" fn(This: *mut IBackgroundCopyJob2, Val: BG_JOB_PRIORITY) -> HRESULT,
    >,
    /// Slot 22 (IBackgroundCopyJob).
    pub GetPriority: Option<
        unsafe extern "C" fn(This: *mut IBackgroundCopyJob2, pVal: *mut BG_JOB_PRIORITY) -> HRESULT,
    >,
    /// Slot 23 (IBackgroundCopyJob).
    pub SetNotifyFlags:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob2, Val: ULONG) -> HRESULT>,
    /// Slot 24 (IBackgroundCopyJob).
    pub GetNotifyFlags:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob2, pVal: *mut ULONG) -> HRESULT>,
    /// Slot 25 (IBackgroundCopyJob). Registers the caller's IBackgroundCopyCallback[2/3] object (the library keeps a reference); NULL removes it.
    pub SetNotifyInterface:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob2, Val: *mut IUnknown) -> HRESULT>,
    /// Slot 26 (IBackgroundCopyJob).
    pub GetNotifyInterface: Option<
        unsafe extern "C" fn(This: *mut IBackgroundCopyJob2, pVal: *mut *mut IUnknown) -> HRESULT,
    >,
    /// Slot 27 (IBackgroundCopyJob).
    pub SetMinimumRetryDelay:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob2, Seconds: ULONG) -> HRESULT>,
    /// Slot 28 (IBackgroundCopyJob).
    pub GetMinimumRetryDelay: Option<
        unsafe extern "C" fn(This: *mut IBackgroundCopyJob2, Seconds: *mut ULONG) -> HRESULT,
    >,
    /// Slot 29 (IBackgroundCopyJob).
    pub SetNoProgressTimeout:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob2, Seconds: ULONG) -> HRESULT>,
    /// Slot 30 (IBackgroundCopyJob).
    pub GetNoProgressTimeout: Option<
        unsafe extern "C" fn(This: *mut IBackgroundCopyJob2, Seconds: *mut ULONG) -> HRESULT,
    >,
    /// Slot 31 (IBackgroundCopyJob).
    pub GetErrorCount:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob2, Errors: *mut ULONG) -> HRESULT>,
    /// Slot 32 (IBackgroundCopyJob).
    pub SetProxySettings: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJob2,
            ProxyUsage: BG_JOB_PROXY_USAGE,
            ProxyList: *const WCHAR,
            ProxyBypassList: *const WCHAR,
        ) -> HRESULT,
    >,
    /// Slot 33 (IBackgroundCopyJob).
    pub GetProxySettings: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJob2,
            pProxyUsage: *mut BG_JOB_PROXY_USAGE,
            pProxyList: *mut LPWSTR,
            pProxyBypassList: *mut LPWSTR,
        ) -> HRESULT,
    >,
    /// Slot 34 (IBackgroundCopyJob).
    pub TakeOwnership: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob2) -> HRESULT>,
    /// Slot 35.
    pub SetNotifyCmdLine: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJob2,
            Program: LPCWSTR,
            Parameters: LPCWSTR,
        ) -> HRESULT,
    >,
    /// Slot 36.
    pub GetNotifyCmdLine: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJob2,
            pProgram: *mut LPWSTR,
            pParameters: *mut LPWSTR,
        ) -> HRESULT,
    >,
    /// Slot 37.
    pub GetReplyProgress: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJob2,
            pProgress: *mut BG_JOB_REPLY_PROGRESS,
        ) -> HRESULT,
    >,
    /// Slot 38.
    pub GetReplyData: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJob2,
            ppBuffer: *mut *mut BYTE,
            pLength: *mut UINT64,
        ) -> HRESULT,
    >,
    /// Slot 39.
    pub SetReplyFileName: Option<
        unsafe extern "C" fn(This: *mut IBackgroundCopyJob2, ReplyFileName: LPCWSTR) -> HRESULT,
    >,
    /// Slot 40.
    pub GetReplyFileName: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJob2,
            pReplyFileName: *mut LPWSTR,
        ) -> HRESULT,
    >,
    /// Slot 41.
    pub SetCredentials: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJob2,
            credentials: *mut BG_AUTH_CREDENTIALS,
        ) -> HRESULT,
    >,
    /// Slot 42.
    pub RemoveCredentials: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJob2,
            Target: BG_AUTH_TARGET,
            Scheme: BG_AUTH_SCHEME,
        ) -> HRESULT,
    >,
}

/// BITS 2.0 job (slots 43-46).
///
/// C: `p->lpVtbl->Method(p, ...)` or `IBackgroundCopyJob3_Method(p, ...)`; C++: `p->Method(...)`.
#[repr(C)]
pub struct IBackgroundCopyJob3 {
    pub lpVtbl: *const IBackgroundCopyJob3Vtbl,
}

/// Vtable of `IBackgroundCopyJob3` (derives from `IBackgroundCopyJob2`).
#[repr(C)]
pub struct IBackgroundCopyJob3Vtbl {
    /// Slot 0 (IUnknown). Asks for another interface of the same object. S_OK and an AddRef'd pointer, or E_NOINTERFACE with `*ppvObject = NULL`; E_POINTER if `ppvObject` is NULL.
    pub QueryInterface: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJob3,
            riid: REFIID,
            ppvObject: *mut *mut c_void,
        ) -> HRESULT,
    >,
    /// Slot 1 (IUnknown). Adds a reference; returns the new count (informational).
    pub AddRef: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob3) -> ULONG>,
    /// Slot 2 (IUnknown). Drops a reference; the object is freed at zero. Returns the new count.
    pub Release: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob3) -> ULONG>,
    /// Slot 3 (IBackgroundCopyJob). Adds several files at once: all or none.
    pub AddFileSet: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJob3,
            cFileCount: ULONG,
            pFileSet: *mut BG_FILE_INFO,
        ) -> HRESULT,
    >,
    /// Slot 4 (IBackgroundCopyJob). Adds one file: remote URL (http, https, file) and absolute local path.
    pub AddFile: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJob3,
            RemoteUrl: LPCWSTR,
            LocalName: LPCWSTR,
        ) -> HRESULT,
    >,
    /// Slot 5 (IBackgroundCopyJob). Snapshot enumerator of the job's files.
    pub EnumFiles: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJob3,
            pEnum: *mut *mut IEnumBackgroundCopyFiles,
        ) -> HRESULT,
    >,
    /// Slot 6 (IBackgroundCopyJob). Stops the job (SUSPENDED). S_OK if already suspended.
    pub Suspend: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob3) -> HRESULT>,
    /// Slot 7 (IBackgroundCopyJob). Queues the job for transfer. BG_E_EMPTY if it has no files.
    pub Resume: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob3) -> HRESULT>,
    /// Slot 8 (IBackgroundCopyJob). Cancels the job (final): deletes temporary files; never touches an existing destination.
    pub Cancel: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob3) -> HRESULT>,
    /// Slot 9 (IBackgroundCopyJob). Acknowledges the job (final): renames the transferred files into place.
    pub Complete: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob3) -> HRESULT>,
    /// Slot 10 (IBackgroundCopyJob).
    pub GetId:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob3, pVal: *mut GUID) -> HRESULT>,
    /// Slot 11 (IBackgroundCopyJob).
    pub GetType: Option<
        unsafe extern "C" fn(This: *mut IBackgroundCopyJob3, pVal: *mut BG_JOB_TYPE) -> HRESULT,
    >,
    /// Slot 12 (IBackgroundCopyJob).
    pub GetProgress: Option<
        unsafe extern "C" fn(This: *mut IBackgroundCopyJob3, pVal: *mut BG_JOB_PROGRESS) -> HRESULT,
    >,
    /// Slot 13 (IBackgroundCopyJob).
    pub GetTimes: Option<
        unsafe extern "C" fn(This: *mut IBackgroundCopyJob3, pVal: *mut BG_JOB_TIMES) -> HRESULT,
    >,
    /// Slot 14 (IBackgroundCopyJob).
    pub GetState: Option<
        unsafe extern "C" fn(This: *mut IBackgroundCopyJob3, pVal: *mut BG_JOB_STATE) -> HRESULT,
    >,
    /// Slot 15 (IBackgroundCopyJob). The error object, only in ERROR or TRANSIENT_ERROR (else BG_E_ERROR_INFORMATION_UNAVAILABLE).
    pub GetError: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJob3,
            ppError: *mut *mut IBackgroundCopyError,
        ) -> HRESULT,
    >,
    /// Slot 16 (IBackgroundCopyJob). Owner as a string (`S-1-5-21-0-0-0-<uid>` on Linux); CoTaskMemFree it.
    pub GetOwner:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob3, pVal: *mut LPWSTR) -> HRESULT>,
    /// Slot 17 (IBackgroundCopyJob).
    pub SetDisplayName:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob3, Val: LPCWSTR) -> HRESULT>,
    /// Slot 18 (IBackgroundCopyJob).
    pub GetDisplayName:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob3, pVal: *mut LPWSTR) -> HRESULT>,
    /// Slot 19 (IBackgroundCopyJob).
    pub SetDescription:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob3, Val: LPCWSTR) -> HRESULT>,
    /// Slot 20 (IBackgroundCopyJob).
    pub GetDescription:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob3, pVal: *mut LPWSTR) -> HRESULT>,
    /// Slot 21 (IBackgroundCopyJob).
    pub SetPriority: Option<
        unsafe extern "C" fn(This: *mut IBackgroundCopyJob3, Val: BG_JOB_PRIORITY) -> HRESULT,
    >,
    /// Slot 22 (IBackgroundCopyJob).
    pub GetPriority: Option<
        unsafe extern "C" fn(This: *mut IBackgroundCopyJob3, pVal: *mut BG_JOB_PRIORITY) -> HRESULT,
    >,
    /// Slot 23 (IBackgroundCopyJob).
    pub SetNotifyFlags:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob3, Val: ULONG) -> HRESULT>,
    /// Slot 24 (IBackgroundCopyJob).
    pub GetNotifyFlags:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob3, pVal: *mut ULONG) -> HRESULT>,
    /// Slot 25 (IBackgroundCopyJob). Registers the caller's IBackgroundCopyCallback[2/3] object (the library keeps a reference); NULL removes it.
    pub SetNotifyInterface:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob3, Val: *mut IUnknown) -> HRESULT>,
    /// Slot 26 (IBackgroundCopyJob).
    pub GetNotifyInterface: Option<
        unsafe extern "C" fn(This: *mut IBackgroundCopyJob3, pVal: *mut *mut IUnknown) -> HRESULT,
    >,
    /// Slot 27 (IBackgroundCopyJob).
    pub SetMinimumRetryDelay:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob3, Seconds: ULONG) -> HRESULT>,
    /// Slot 28 (IBackgroundCopyJob).
    pub GetMinimumRetryDelay: Option<
        unsafe extern "C" fn(This: *mut IBackgroundCopyJob3, Seconds: *mut ULONG) -> HRESULT,
    >,
    /// Slot 29 (IBackgroundCopyJob).
    pub SetNoProgressTimeout:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob3, Seconds: ULONG) -> HRESULT>,
    /// Slot 30 (IBackgroundCopyJob).
    pub GetNoProgressTimeout: Option<
        unsafe extern "C" fn(This: *mut IBackgroundCopyJob3, Seconds: *mut ULONG) -> HRESULT,
    >,
    /// Slot 31 (IBackgroundCopyJob).
    pub GetErrorCount:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob3, Errors: *mut ULONG) -> HRESULT>,
    /// Slot 32 (IBackgroundCopyJob).
    pub SetProxySettings: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJob3,
            ProxyUsage: BG_JOB_PROXY_USAGE,
            ProxyList: *const WCHAR,
            ProxyBypassList: *const WCHAR,
        ) -> HRESULT,
    >,
    /// Slot 33 (IBackgroundCopyJob).
    pub GetProxySettings: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJob3,
            pProxyUsage: *mut BG_JOB_PROXY_USAGE,
            pProxyList: *mut LPWSTR,
            pProxyBypassList: *mut LPWSTR,
        ) -> HRESULT,
    >,
    /// Slot 34 (IBackgroundCopyJob).
    pub TakeOwnership: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob3) -> HRESULT>,
    /// Slot 35 (IBackgroundCopyJob2).
    pub SetNotifyCmdLine: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJob3,
            Program: LPCWSTR,
            Parameters: LPCWSTR,
        ) -> HRESULT,
    >,
    /// Slot 36 (IBackgroundCopyJob2).
    pub GetNotifyCmdLine: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJob3,
            pProgram: *mut LPWSTR,
            pParameters: *mut LPWSTR,
        ) -> HRESULT,
    >,
    /// Slot 37 (IBackgroundCopyJob2).
    pub GetReplyProgress: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJob3,
            pProgress: *mut BG_JOB_REPLY_PROGRESS,
        ) -> HRESULT,
    >,
    /// Slot 38 (IBackgroundCopyJob2).
    pub GetReplyData: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJob3,
            ppBuffer: *mut *mut BYTE,
            pLength: *mut UINT64,
        ) -> HRESULT,
    >,
    /// Slot 39 (IBackgroundCopyJob2).
    pub SetReplyFileName: Option<
        unsafe extern "C" fn(This: *mut IBackgroundCopyJob3, ReplyFileName: LPCWSTR) -> HRESULT,
    >,
    /// Slot 40 (IBackgroundCopyJob2).
    pub GetReplyFileName: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJob3,
            pReplyFileName: *mut LPWSTR,
        ) -> HRESULT,
    >,
    /// Slot 41 (IBackgroundCopyJob2).
    pub SetCredentials: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJob3,
            credentials: *mut BG_AUTH_CREDENTIALS,
        ) -> HRESULT,
    >,
    /// Slot 42 (IBackgroundCopyJob2).
    pub RemoveCredentials: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJob3,
            Target: BG_AUTH_TARGET,
            Scheme: BG_AUTH_SCHEME,
        ) -> HRESULT,
    >,
    /// Slot 43.
    pub ReplaceRemotePrefix: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJob3,
            OldPrefix: LPCWSTR,
            NewPrefix: LPCWSTR,
        ) -> HRESULT,
    >,
    /// Slot 44.
    pub AddFileWithRanges: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJob3,
            RemoteUrl: LPCWSTR,
            LocalName: LPCWSTR,
            RangeCount: DWORD,
            Ranges: *mut BG_FILE_RANGE,
        ) -> HRESULT,
    >,
    /// Slot 45.
    pub SetFileACLFlags:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob3, Flags: DWORD) -> HRESULT>,
    /// Slot 46.
    pub GetFileACLFlags:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob3, Flags: *mut DWORD) -> HRESULT>,
}

/// BITS 3.0 job (slots 47-52).
///
/// C: `p->lpVtbl->Method(p, ...)` or `IBackgroundCopyJob4_Method(p, ...)`; C++: `p->Method(...)`.
#[repr(C)]
pub struct IBackgroundCopyJob4 {
    pub lpVtbl: *const IBackgroundCopyJob4Vtbl,
}

/// Vtable of `IBackgroundCopyJob4` (derives from `IBackgroundCopyJob3`).
#[repr(C)]
pub struct IBackgroundCopyJob4Vtbl {
    /// Slot 0 (IUnknown). Asks for another interface of the same object. S_OK and an AddRef'd pointer, or E_NOINTERFACE with `*ppvObject = NULL`; E_POINTER if `ppvObject` is NULL.
    pub QueryInterface: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJob4,
            riid: REFIID,
            ppvObject: *mut *mut c_void,
        ) -> HRESULT,
    >,
    /// Slot 1 (IUnknown). Adds a reference; returns the new count (informational).
    pub AddRef: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob4) -> ULONG>,
    /// Slot 2 (IUnknown). Drops a reference; the object is freed at zero. Returns the new count.
    pub Release: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob4) -> ULONG>,
    /// Slot 3 (IBackgroundCopyJob). Adds several files at once: all or none.
    pub AddFileSet: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJob4,
            cFileCount: ULONG,
            pFileSet: *mut BG_FILE_INFO,
        ) -> HRESULT,
    >,
    /// Slot 4 (IBackgroundCopyJob). Adds one file: remote URL (http, https, file) and absolute local path.
    pub AddFile: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJob4,
            RemoteUrl: LPCWSTR,
            LocalName: LPCWSTR,
        ) -> HRESULT,
    >,
    /// Slot 5 (IBackgroundCopyJob). Snapshot enumerator of the job's files.
    pub EnumFiles: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJob4,
            pEnum: *mut *mut IEnumBackgroundCopyFiles,
        ) -> HRESULT,
    >,
    /// Slot 6 (IBackgroundCopyJob). Stops the job (SUSPENDED). S_OK if already suspended.
    pub Suspend: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob4) -> HRESULT>,
    /// Slot 7 (IBackgroundCopyJob). Queues the job for transfer. BG_E_EMPTY if it has no files.
    pub Resume: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob4) -> HRESULT>,
    /// Slot 8 (IBackgroundCopyJob). Cancels the job (final): deletes temporary files; never touches an existing destination.
    pub Cancel: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob4) -> HRESULT>,
    /// Slot 9 (IBackgroundCopyJob). Acknowledges the job (final): renames the transferred files into place.
    pub Complete: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob4) -> HRESULT>,
    /// Slot 10 (IBackgroundCopyJob).
    pub GetId:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob4, pVal: *mut GUID) -> HRESULT>,
    /// Slot 11 (IBackgroundCopyJob).
    pub GetType: Option<
        unsafe extern "C" fn(This: *mut IBackgroundCopyJob4, pVal: *mut BG_JOB_TYPE) -> HRESULT,
    >,
    /// Slot 12 (IBackgroundCopyJob).
    pub GetProgress: Option<
        unsafe extern "C" fn(This: *mut IBackgroundCopyJob4, pVal: *mut BG_JOB_PROGRESS) -> HRESULT,
    >,
    /// Slot 13 (IBackgroundCopyJob).
    pub GetTimes: Option<
        unsafe extern "C" fn(This: *mut IBackgroundCopyJob4, pVal: *mut BG_JOB_TIMES) -> HRESULT,
    >,
    /// Slot 14 (IBackgroundCopyJob).
    pub GetState: Option<
        unsafe extern "C" fn(This: *mut IBackgroundCopyJob4, pVal: *mut BG_JOB_STATE) -> HRESULT,
    >,
    /// Slot 15 (IBackgroundCopyJob). The error object, only in ERROR or TRANSIENT_ERROR (else BG_E_ERROR_INFORMATION_UNAVAILABLE).
    pub GetError: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJob4,
            ppError: *mut *mut IBackgroundCopyError,
        ) -> HRESULT,
    >,
    /// Slot 16 (IBackgroundCopyJob). Owner as a string (`S-1-5-21-0-0-0-<uid>` on Linux); CoTaskMemFree it.
    pub GetOwner:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob4, pVal: *mut LPWSTR) -> HRESULT>,
    /// Slot 17 (IBackgroundCopyJob).
    pub SetDisplayName:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob4, Val: LPCWSTR) -> HRESULT>,
    /// Slot 18 (IBackgroundCopyJob).
    pub GetDisplayName:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob4, pVal: *mut LPWSTR) -> HRESULT>,
    /// Slot 19 (IBackgroundCopyJob).
    pub SetDescription:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob4, Val: LPCWSTR) -> HRESULT>,
    /// Slot 20 (IBackgroundCopyJob).
    pub GetDescription:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob4, pVal: *mut LPWSTR) -> HRESULT>,
    /// Slot 21 (IBackgroundCopyJob).
    pub SetPriority: Option<
        unsafe extern "C" fn(This: *mut IBackgroundCopyJob4, Val: BG_JOB_PRIORITY) -> HRESULT,
    >,
    /// Slot 22 (IBackgroundCopyJob).
    pub GetPriority: Option<
        unsafe extern "C" fn(This: *mut IBackgroundCopyJob4, pVal: *mut BG_JOB_PRIORITY) -> HRESULT,
    >,
    /// Slot 23 (IBackgroundCopyJob).
    pub SetNotifyFlags:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob4, Val: ULONG) -> HRESULT>,
    /// Slot 24 (IBackgroundCopyJob).
    pub GetNotifyFlags:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob4, pVal: *mut ULONG) -> HRESULT>,
    /// Slot 25 (IBackgroundCopyJob). Registers the caller's IBackgroundCopyCallback[2/3] object (the library keeps a reference); NULL removes it.
    pub SetNotifyInterface:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob4, Val: *mut IUnknown) -> HRESULT>,
    /// Slot 26 (IBackgroundCopyJob).
    pub GetNotifyInterface: Option<
        unsafe extern "C" fn(This: *mut IBackgroundCopyJob4, pVal: *mut *mut IUnknown) -> HRESULT,
    >,
    /// Slot 27 (IBackgroundCopyJob).
    pub SetMinimumRetryDelay:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob4, Seconds: ULONG) -> HRESULT>,
    /// Slot 28 (IBackgroundCopyJob).
    pub GetMinimumRetryDelay: Option<
        unsafe extern "C" fn(This: *mut IBackgroundCopyJob4, Seconds: *mut ULONG) -> HRESULT,
    >,
    /// Slot 29 (IBackgroundCopyJob).
    pub SetNoProgressTimeout:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob4, Seconds: ULONG) -> HRESULT>,
    /// Slot 30 (IBackgroundCopyJob).
    pub GetNoProgressTimeout: Option<
        unsafe extern "C" fn(This: *mut IBackgroundCopyJob4, Seconds: *mut ULONG) -> HRESULT,
    >,
    /// Slot 31 (IBackgroundCopyJob).
    pub GetErrorCount:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob4, Errors: *mut ULONG) -> HRESULT>,
    /// Slot 32 (IBackgroundCopyJob).
    pub SetProxySettings: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJob4,
            ProxyUsage: BG_JOB_PROXY_USAGE,
            ProxyList: *const WCHAR,
            ProxyBypassList: *const WCHAR,
        ) -> HRESULT,
    >,
    /// Slot 33 (IBackgroundCopyJob).
    pub GetProxySettings: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJob4,
            pProxyUsage: *mut BG_JOB_PROXY_USAGE,
            pProxyList: *mut LPWSTR,
            pProxyBypassList: *mut LPWSTR,
        ) -> HRESULT,
    >,
    /// Slot 34 (IBackgroundCopyJob).
    pub TakeOwnership: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob4) -> HRESULT>,
    /// Slot 35 (IBackgroundCopyJob2).
    pub SetNotifyCmdLine: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJob4,
            Program: LPCWSTR,
            Parameters: LPCWSTR,
        ) -> HRESULT,
    >,
    /// Slot 36 (IBackgroundCopyJob2).
    pub GetNotifyCmdLine: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJob4,
            pProgram: *mut LPWSTR,
            pParameters: *mut LPWSTR,
        ) -> HRESULT,
    >,
    /// Slot 37 (IBackgroundCopyJob2).
    pub GetReplyProgress: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJob4,
            pProgress: *mut BG_JOB_REPLY_PROGRESS,
        ) -> HRESULT,
    >,
    /// Slot 38 (IBackgroundCopyJob2).
    pub GetReplyData: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJob4,
            ppBuffer: *mut *mut BYTE,
            pLength: *mut UINT64,
        ) -> HRESULT,
    >,
    /// Slot 39 (IBackgroundCopyJob2).
    pub SetReplyFileName: Option<
        unsafe extern "C" fn(This: *mut IBackgroundCopyJob4, ReplyFileName: LPCWSTR) -> HRESULT,
    >,
    /// Slot 40 (IBackgroundCopyJob2).
    pub GetReplyFileName: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJob4,
            pReplyFileName: *mut LPWSTR,
        ) -> HRESULT,
    >,
    /// Slot 41 (IBackgroundCopyJob2).
    pub SetCredentials: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJob4,
            credentials: *mut BG_AUTH_CREDENTIALS,
        ) -> HRESULT,
    >,
    /// Slot 42 (IBackgroundCopyJob2).
    pub RemoveCredentials: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJob4,
            Target: BG_AUTH_TARGET,
            Scheme: BG_AUTH_SCHEME,
        ) -> HRESULT,
    >,
    /// Slot 43 (IBackgroundCopyJob3).
    pub ReplaceRemotePrefix: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJob4,
            OldPrefix: LPCWSTR,
            NewPrefix: LPCWSTR,
        ) -> HRESULT,
    >,
    /// Slot 44 (IBackgroundCopyJob3).
    pub AddFileWithRanges: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJob4,
            RemoteUrl: LPCWSTR,
            LocalName: LPCWSTR,
            RangeCount: DWORD,
            Ranges: *mut BG_FILE_RANGE,
        ) -> HRESULT,
    >,
    /// Slot 45 (IBackgroundCopyJob3).
    pub SetFileACLFlags:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob4, Flags: DWORD) -> HRESULT>,
    /// Slot 46 (IBackgroundCopyJob3).
    pub GetFileACLFlags:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob4, Flags: *mut DWORD) -> HRESULT>,
    /// Slot 47.
    pub SetPeerCachingFlags:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob4, Flags: DWORD) -> HRESULT>,
    /// Slot 48.
    pub GetPeerCachingFlags:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob4, pFlags: *mut DWORD) -> HRESULT>,
    /// Slot 49.
    pub GetOwnerIntegrityLevel:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob4, pLevel: *mut ULONG) -> HRESULT>,
    /// Slot 50.
    pub GetOwnerElevationState: Option<
        unsafe extern "C" fn(This: *mut IBackgroundCopyJob4, pElevated: *mut BOOL) -> HRESULT,
    >,
    /// Slot 51.
    pub SetMaximumDownloadTime:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob4, Timeout: ULONG) -> HRESULT>,
    /// Slot 52.
    pub GetMaximumDownloadTime: Option<
        unsafe extern "C" fn(This: *mut IBackgroundCopyJob4, pTimeout: *mut ULONG) -> HRESULT,
    >,
}

/// BITS 5.0 job (slots 53-54).
///
/// C: `p->lpVtbl->Method(p, ...)` or `IBackgroundCopyJob5_Method(p, ...)`; C++: `p->Method(...)`.
#[repr(C)]
pub struct IBackgroundCopyJob5 {
    pub lpVtbl: *const IBackgroundCopyJob5Vtbl,
}

/// Vtable of `IBackgroundCopyJob5` (derives from `IBackgroundCopyJob4`).
#[repr(C)]
pub struct IBackgroundCopyJob5Vtbl {
    /// Slot 0 (IUnknown). Asks for another interface of the same object. S_OK and an AddRef'd pointer, or E_NOINTERFACE with `*ppvObject = NULL`; E_POINTER if `ppvObject` is NULL.
    pub QueryInterface: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJob5,
            riid: REFIID,
            ppvObject: *mut *mut c_void,
        ) -> HRESULT,
    >,
    /// Slot 1 (IUnknown). Adds a reference; returns the new count (informational).
    pub AddRef: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob5) -> ULONG>,
    /// Slot 2 (IUnknown). Drops a reference; the object is freed at zero. Returns the new count.
    pub Release: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob5) -> ULONG>,
    /// Slot 3 (IBackgroundCopyJob). Adds several files at once: all or none.
    pub AddFileSet: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJob5,
            cFileCount: ULONG,
            pFileSet: *mut BG_FILE_INFO,
        ) -> HRESULT,
    >,
    /// Slot 4 (IBackgroundCopyJob). Adds one file: remote URL (http, https, file) and absolute local path.
    pub AddFile: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJob5,
            RemoteUrl: LPCWSTR,
            LocalName: LPCWSTR,
        ) -> HRESULT,
    >,
    /// Slot 5 (IBackgroundCopyJob). Snapshot enumerator of the job's files.
    pub EnumFiles: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJob5,
            pEnum: *mut *mut IEnumBackgroundCopyFiles,
        ) -> HRESULT,
    >,
    /// Slot 6 (IBackgroundCopyJob). Stops the job (SUSPENDED). S_OK if already suspended.
    pub Suspend: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob5) -> HRESULT>,
    /// Slot 7 (IBackgroundCopyJob). Queues the job for transfer. BG_E_EMPTY if it has no files.
    pub Resume: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob5) -> HRESULT>,
    /// Slot 8 (IBackgroundCopyJob). Cancels the job (final): deletes temporary files; never touches an existing destination.
    pub Cancel: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob5) -> HRESULT>,
    /// Slot 9 (IBackgroundCopyJob). Acknowledges the job (final): renames the transferred files into place.
    pub Complete: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob5) -> HRESULT>,
    /// Slot 10 (IBackgroundCopyJob).
    pub GetId:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob5, pVal: *mut GUID) -> HRESULT>,
    /// Slot 11 (IBackgroundCopyJob).
    pub GetType: Option<
        unsafe extern "C" fn(This: *mut IBackgroundCopyJob5, pVal: *mut BG_JOB_TYPE) -> HRESULT,
    >,
    /// Slot 12 (IBackgroundCopyJob).
    pub GetProgress: Option<
        unsafe extern "C" fn(This: *mut IBackgroundCopyJob5, pVal: *mut BG_JOB_PROGRESS) -> HRESULT,
    >,
    /// Slot 13 (IBackgroundCopyJob).
    pub GetTimes: Option<
        unsafe extern "C" fn(This: *mut IBackgroundCopyJob5, pVal: *mut BG_JOB_TIMES) -> HRESULT,
    >,
    /// Slot 14 (IBackgroundCopyJob).
    pub GetState: Option<
        unsafe extern "C" fn(This: *mut IBackgroundCopyJob5, pVal: *mut BG_JOB_STATE) -> HRESULT,
    >,
    /// Slot 15 (IBackgroundCopyJob). The error object, only in ERROR or TRANSIENT_ERROR (else BG_E_ERROR_INFORMATION_UNAVAILABLE).
    pub GetError: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJob5,
            ppError: *mut *mut IBackgroundCopyError,
        ) -> HRESULT,
    >,
    /// Slot 16 (IBackgroundCopyJob). Owner as a string (`S-1-5-21-0-0-0-<uid>` on Linux); CoTaskMemFree it.
    pub GetOwner:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob5, pVal: *mut LPWSTR) -> HRESULT>,
    /// Slot 17 (IBackgroundCopyJob).
    pub SetDisplayName:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob5, Val: LPCWSTR) -> HRESULT>,
    /// Slot 18 (IBackgroundCopyJob).
    pub GetDisplayName:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob5, pVal: *mut LPWSTR) -> HRESULT>,
    /// Slot 19 (IBackgroundCopyJob).
    pub SetDescription:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob5, Val: LPCWSTR) -> HRESULT>,
    /// Slot 20 (IBackgroundCopyJob).
    pub GetDescription:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob5, pVal: *mut LPWSTR) -> HRESULT>,
    /// Slot 21 (IBackgroundCopyJob).
    pub SetPriority: Option<
        unsafe extern "C" fn(This: *mut IBackgroundCopyJob5, Val: BG_JOB_PRIORITY) -> HRESULT,
    >,
    /// Slot 22 (IBackgroundCopyJob).
    pub GetPriority: Option<
        unsafe extern "C" fn(This: *mut IBackgroundCopyJob5, pVal: *mut BG_JOB_PRIORITY) -> HRESULT,
    >,
    /// Slot 23 (IBackgroundCopyJob).
    pub SetNotifyFlags:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob5, Val: ULONG) -> HRESULT>,
    /// Slot 24 (IBackgroundCopyJob).
    pub GetNotifyFlags:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob5, pVal: *mut ULONG) -> HRESULT>,
    /// Slot 25 (IBackgroundCopyJob). Registers the caller's IBackgroundCopyCallback[2/3] object (the library keeps a reference); NULL removes it.
    pub SetNotifyInterface:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob5, Val: *mut IUnknown) -> HRESULT>,
    /// Slot 26 (IBackgroundCopyJob).
    pub GetNotifyInterface: Option<
        unsafe extern "C" fn(This: *mut IBackgroundCopyJob5, pVal: *mut *mut IUnknown) -> HRESULT,
    >,
    /// Slot 27 (IBackgroundCopyJob).
    pub SetMinimumRetryDelay:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob5, Seconds: ULONG) -> HRESULT>,
    /// Slot 28 (IBackgroundCopyJob).
    pub GetMinimumRetryDelay: Option<
        unsafe extern "C" fn(This: *mut IBackgroundCopyJob5, Seconds: *mut ULONG) -> HRESULT,
    >,
    /// Slot 29 (IBackgroundCopyJob).
    pub SetNoProgressTimeout:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob5, Seconds: ULONG) -> HRESULT>,
    /// Slot 30 (IBackgroundCopyJob).
    pub GetNoProgressTimeout: Option<
        unsafe extern "C" fn(This: *mut IBackgroundCopyJob5, Seconds: *mut ULONG) -> HRESULT,
    >,
    /// Slot 31 (IBackgroundCopyJob).
    pub GetErrorCount:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob5, Errors: *mut ULONG) -> HRESULT>,
    /// Slot 32 (IBackgroundCopyJob).
    pub SetProxySettings: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJob5,
            ProxyUsage: BG_JOB_PROXY_USAGE,
            ProxyList: *const WCHAR,
            ProxyBypassList: *const WCHAR,
        ) -> HRESULT,
    >,
    /// Slot 33 (IBackgroundCopyJob).
    pub GetProxySettings: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJob5,
            pProxyUsage: *mut BG_JOB_PROXY_USAGE,
            pProxyList: *mut LPWSTR,
            pProxyBypassList: *mut LPWSTR,
        ) -> HRESULT,
    >,
    /// Slot 34 (IBackgroundCopyJob).
    pub TakeOwnership: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob5) -> HRESULT>,
    /// Slot 35 (IBackgroundCopyJob2).
    pub SetNotifyCmdLine: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJob5,
            Program: LPCWSTR,
            Parameters: LPCWSTR,
        ) -> HRESULT,
    >,
    /// Slot 36 (IBackgroundCopyJob2).
    pub GetNotifyCmdLine: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJob5,
            pProgram: *mut LPWSTR,
            pParameters: *mut LPWSTR,
        ) -> HRESULT,
    >,
    /// Slot 37 (IBackgroundCopyJob2).
    pub GetReplyProgress: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJob5,
            pProgress: *mut BG_JOB_REPLY_PROGRESS,
        ) -> HRESULT,
    >,
    /// Slot 38 (IBackgroundCopyJob2).
    pub GetReplyData: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJob5,
            ppBuffer: *mut *mut BYTE,
            pLength: *mut UINT64,
        ) -> HRESULT,
    >,
    /// Slot 39 (IBackgroundCopyJob2).
    pub SetReplyFileName: Option<
        unsafe extern "C" fn(This: *mut IBackgroundCopyJob5, ReplyFileName: LPCWSTR) -> HRESULT,
    >,
    /// Slot 40 (IBackgroundCopyJob2).
    pub GetReplyFileName: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJob5,
            pReplyFileName: *mut LPWSTR,
        ) -> HRESULT,
    >,
    /// Slot 41 (IBackgroundCopyJob2).
    pub SetCredentials: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJob5,
            credentials: *mut BG_AUTH_CREDENTIALS,
        ) -> HRESULT,
    >,
    /// Slot 42 (IBackgroundCopyJob2).
    pub RemoveCredentials: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJob5,
            Target: BG_AUTH_TARGET,
            Scheme: BG_AUTH_SCHEME,
        ) -> HRESULT,
    >,
    /// Slot 43 (IBackgroundCopyJob3).
    pub ReplaceRemotePrefix: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJob5,
            OldPrefix: LPCWSTR,
            NewPrefix: LPCWSTR,
        ) -> HRESULT,
    >,
    /// Slot 44 (IBackgroundCopyJob3).
    pub AddFileWithRanges: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJob5,
            RemoteUrl: LPCWSTR,
            LocalName: LPCWSTR,
            RangeCount: DWORD,
            Ranges: *mut BG_FILE_RANGE,
        ) -> HRESULT,
    >,
    /// Slot 45 (IBackgroundCopyJob3).
    pub SetFileACLFlags:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob5, Flags: DWORD) -> HRESULT>,
    /// Slot 46 (IBackgroundCopyJob3).
    pub GetFileACLFlags:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob5, Flags: *mut DWORD) -> HRESULT>,
    /// Slot 47 (IBackgroundCopyJob4).
    pub SetPeerCachingFlags:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob5, Flags: DWORD) -> HRESULT>,
    /// Slot 48 (IBackgroundCopyJob4).
    pub GetPeerCachingFlags:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob5, pFlags: *mut DWORD) -> HRESULT>,
    /// Slot 49 (IBackgroundCopyJob4).
    pub GetOwnerIntegrityLevel:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob5, pLevel: *mut ULONG) -> HRESULT>,
    /// Slot 50 (IBackgroundCopyJob4).
    pub GetOwnerElevationState: Option<
        unsafe extern "C" fn(This: *mut IBackgroundCopyJob5, pElevated: *mut BOOL) -> HRESULT,
    >,
    /// Slot 51 (IBackgroundCopyJob4).
    pub SetMaximumDownloadTime:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob5, Timeout: ULONG) -> HRESULT>,
    /// Slot 52 (IBackgroundCopyJob4).
    pub GetMaximumDownloadTime: Option<
        unsafe extern "C" fn(This: *mut IBackgroundCopyJob5, pTimeout: *mut ULONG) -> HRESULT,
    >,
    /// Slot 53. The 16-byte union is passed by value, as the platform C ABI passes it.
    pub SetProperty: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJob5,
            PropertyId: BITS_JOB_PROPERTY_ID,
            PropertyValue: BITS_JOB_PROPERTY_VALUE,
        ) -> HRESULT,
    >,
    /// Slot 54.
    pub GetProperty: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJob5,
            PropertyId: BITS_JOB_PROPERTY_ID,
            PropertyValue: *mut BITS_JOB_PROPERTY_VALUE,
        ) -> HRESULT,
    >,
}

/// One file of a job (slots 3-5).
///
/// C: `p->lpVtbl->Method(p, ...)` or `IBackgroundCopyFile_Method(p, ...)`; C++: `p->Method(...)`.
#[repr(C)]
pub struct IBackgroundCopyFile {
    pub lpVtbl: *const IBackgroundCopyFileVtbl,
}

/// Vtable of `IBackgroundCopyFile` (derives from `IUnknown`).
#[repr(C)]
pub struct IBackgroundCopyFileVtbl {
    /// Slot 0 (IUnknown). Asks for another interface of the same object. S_OK and an AddRef'd pointer, or E_NOINTERFACE with `*ppvObject = NULL`; E_POINTER if `ppvObject` is NULL.
    pub QueryInterface: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyFile,
            riid: REFIID,
            ppvObject: *mut *mut c_void,
        ) -> HRESULT,
    >,
    /// Slot 1 (IUnknown). Adds a reference; returns the new count (informational).
    pub AddRef: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyFile) -> ULONG>,
    /// Slot 2 (IUnknown). Drops a reference; the object is freed at zero. Returns the new count.
    pub Release: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyFile) -> ULONG>,
    /// Slot 3.
    pub GetRemoteName:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyFile, pVal: *mut LPWSTR) -> HRESULT>,
    /// Slot 4.
    pub GetLocalName:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyFile, pVal: *mut LPWSTR) -> HRESULT>,
    /// Slot 5.
    pub GetProgress: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyFile,
            pVal: *mut BG_FILE_PROGRESS,
        ) -> HRESULT,
    >,
}

/// BITS 2.0 file (slots 6-7).
///
/// C: `p->lpVtbl->Method(p, ...)` or `IBackgroundCopyFile2_Method(p, ...)`; C++: `p->Method(...)`.
#[repr(C)]
pub struct IBackgroundCopyFile2 {
    pub lpVtbl: *const IBackgroundCopyFile2Vtbl,
}

/// Vtable of `IBackgroundCopyFile2` (derives from `IBackgroundCopyFile`).
#[repr(C)]
pub struct IBackgroundCopyFile2Vtbl {
    /// Slot 0 (IUnknown). Asks for another interface of the same object. S_OK and an AddRef'd pointer, or E_NOINTERFACE with `*ppvObject = NULL`; E_POINTER if `ppvObject` is NULL.
    pub QueryInterface: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyFile2,
            riid: REFIID,
            ppvObject: *mut *mut c_void,
        ) -> HRESULT,
    >,
    /// Slot 1 (IUnknown). Adds a reference; returns the new count (informational).
    pub AddRef: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyFile2) -> ULONG>,
    /// Slot 2 (IUnknown). Drops a reference; the object is freed at zero. Returns the new count.
    pub Release: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyFile2) -> ULONG>,
    /// Slot 3 (IBackgroundCopyFile).
    pub GetRemoteName:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyFile2, pVal: *mut LPWSTR) -> HRESULT>,
    /// Slot 4 (IBackgroundCopyFile).
    pub GetLocalName:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyFile2, pVal: *mut LPWSTR) -> HRESULT>,
    /// Slot 5 (IBackgroundCopyFile).
    pub GetProgress: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyFile2,
            pVal: *mut BG_FILE_PROGRESS,
        ) -> HRESULT,
    >,
    /// Slot 6.
    pub GetFileRanges: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyFile2,
            RangeCount: *mut DWORD,
            Ranges: *mut *mut BG_FILE_RANGE,
        ) -> HRESULT,
    >,
    /// Slot 7.
    pub SetRemoteName:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyFile2, Val: LPCWSTR) -> HRESULT>,
}

/// BITS 3.0 file (slots 8-11).
///
/// C: `p->lpVtbl->Method(p, ...)` or `IBackgroundCopyFile3_Method(p, ...)`; C++: `p->Method(...)`.
#[repr(C)]
pub struct IBackgroundCopyFile3 {
    pub lpVtbl: *const IBackgroundCopyFile3Vtbl,
}

/// Vtable of `IBackgroundCopyFile3` (derives from `IBackgroundCopyFile2`).
#[repr(C)]
pub struct IBackgroundCopyFile3Vtbl {
    /// Slot 0 (IUnknown). Asks for another interface of the same object. S_OK and an AddRef'd pointer, or E_NOINTERFACE with `*ppvObject = NULL`; E_POINTER if `ppvObject` is NULL.
    pub QueryInterface: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyFile3,
            riid: REFIID,
            ppvObject: *mut *mut c_void,
        ) -> HRESULT,
    >,
    /// Slot 1 (IUnknown). Adds a reference; returns the new count (informational).
    pub AddRef: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyFile3) -> ULONG>,
    /// Slot 2 (IUnknown). Drops a reference; the object is freed at zero. Returns the new count.
    pub Release: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyFile3) -> ULONG>,
    /// Slot 3 (IBackgroundCopyFile).
    pub GetRemoteName:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyFile3, pVal: *mut LPWSTR) -> HRESULT>,
    /// Slot 4 (IBackgroundCopyFile).
    pub GetLocalName:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyFile3, pVal: *mut LPWSTR) -> HRESULT>,
    /// Slot 5 (IBackgroundCopyFile).
    pub GetProgress: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyFile3,
            pVal: *mut BG_FILE_PROGRESS,
        ) -> HRESULT,
    >,
    /// Slot 6 (IBackgroundCopyFile2).
    pub GetFileRanges: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyFile3,
            RangeCount: *mut DWORD,
            Ranges: *mut *mut BG_FILE_RANGE,
        ) -> HRESULT,
    >,
    /// Slot 7 (IBackgroundCopyFile2).
    pub SetRemoteName:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyFile3, Val: LPCWSTR) -> HRESULT>,
    /// Slot 8.
    pub GetTemporaryName: Option<
        unsafe extern "C" fn(This: *mut IBackgroundCopyFile3, pFilename: *mut LPWSTR) -> HRESULT,
    >,
    /// Slot 9.
    pub SetValidationState:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyFile3, state: BOOL) -> HRESULT>,
    /// Slot 10.
    pub GetValidationState:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyFile3, pState: *mut BOOL) -> HRESULT>,
    /// Slot 11.
    pub IsDownloadedFromPeer:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyFile3, pVal: *mut BOOL) -> HRESULT>,
}

/// BITS 4.0 file (slot 12).
///
/// C: `p->lpVtbl->Method(p, ...)` or `IBackgroundCopyFile4_Method(p, ...)`; C++: `p->Method(...)`.
#[repr(C)]
pub struct IBackgroundCopyFile4 {
    pub lpVtbl: *const IBackgroundCopyFile4Vtbl,
}

/// Vtable of `IBackgroundCopyFile4` (derives from `IBackgroundCopyFile3`).
#[repr(C)]
pub struct IBackgroundCopyFile4Vtbl {
    /// Slot 0 (IUnknown). Asks for another interface of the same object. S_OK and an AddRef'd pointer, or E_NOINTERFACE with `*ppvObject = NULL`; E_POINTER if `ppvObject` is NULL.
    pub QueryInterface: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyFile4,
            riid: REFIID,
            ppvObject: *mut *mut c_void,
        ) -> HRESULT,
    >,
    /// Slot 1 (IUnknown). Adds a reference; returns the new count (informational).
    pub AddRef: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyFile4) -> ULONG>,
    /// Slot 2 (IUnknown). Drops a reference; the object is freed at zero. Returns the new count.
    pub Release: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyFile4) -> ULONG>,
    /// Slot 3 (IBackgroundCopyFile).
    pub GetRemoteName:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyFile4, pVal: *mut LPWSTR) -> HRESULT>,
    /// Slot 4 (IBackgroundCopyFile).
    pub GetLocalName:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyFile4, pVal: *mut LPWSTR) -> HRESULT>,
    /// Slot 5 (IBackgroundCopyFile).
    pub GetProgress: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyFile4,
            pVal: *mut BG_FILE_PROGRESS,
        ) -> HRESULT,
    >,
    /// Slot 6 (IBackgroundCopyFile2).
    pub GetFileRanges: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyFile4,
            RangeCount: *mut DWORD,
            Ranges: *mut *mut BG_FILE_RANGE,
        ) -> HRESULT,
    >,
    /// Slot 7 (IBackgroundCopyFile2).
    pub SetRemoteName:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyFile4, Val: LPCWSTR) -> HRESULT>,
    /// Slot 8 (IBackgroundCopyFile3).
    pub GetTemporaryName: Option<
        unsafe extern "C" fn(This: *mut IBackgroundCopyFile4, pFilename: *mut LPWSTR) -> HRESULT,
    >,
    /// Slot 9 (IBackgroundCopyFile3).
    pub SetValidationState:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyFile4, state: BOOL) -> HRESULT>,
    /// Slot 10 (IBackgroundCopyFile3).
    pub GetValidationState:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyFile4, pState: *mut BOOL) -> HRESULT>,
    /// Slot 11 (IBackgroundCopyFile3).
    pub IsDownloadedFromPeer:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyFile4, pVal: *mut BOOL) -> HRESULT>,
    /// Slot 12.
    pub GetPeerDownloadStats: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyFile4,
            pFromOrigin: *mut UINT64,
            pFromPeers: *mut UINT64,
        ) -> HRESULT,
    >,
}

/// BITS 5.0 file (slots 13-14).
///
/// C: `p->lpVtbl->Method(p, ...)` or `IBackgroundCopyFile5_Method(p, ...)`; C++: `p->Method(...)`.
#[repr(C)]
pub struct IBackgroundCopyFile5 {
    pub lpVtbl: *const IBackgroundCopyFile5Vtbl,
}

/// Vtable of `IBackgroundCopyFile5` (derives from `IBackgroundCopyFile4`).
#[repr(C)]
pub struct IBackgroundCopyFile5Vtbl {
    /// Slot 0 (IUnknown). Asks for another interface of the same object. S_OK and an AddRef'd pointer, or E_NOINTERFACE with `*ppvObject = NULL`; E_POINTER if `ppvObject` is NULL.
    pub QueryInterface: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyFile5,
            riid: REFIID,
            ppvObject: *mut *mut c_void,
        ) -> HRESULT,
    >,
    /// Slot 1 (IUnknown). Adds a reference; returns the new count (informational).
    pub AddRef: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyFile5) -> ULONG>,
    /// Slot 2 (IUnknown). Drops a reference; the object is freed at zero. Returns the new count.
    pub Release: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyFile5) -> ULONG>,
    /// Slot 3 (IBackgroundCopyFile).
    pub GetRemoteName:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyFile5, pVal: *mut LPWSTR) -> HRESULT>,
    /// Slot 4 (IBackgroundCopyFile).
    pub GetLocalName:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyFile5, pVal: *mut LPWSTR) -> HRESULT>,
    /// Slot 5 (IBackgroundCopyFile).
    pub GetProgress: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyFile5,
            pVal: *mut BG_FILE_PROGRESS,
        ) -> HRESULT,
    >,
    /// Slot 6 (IBackgroundCopyFile2).
    pub GetFileRanges: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyFile5,
            RangeCount: *mut DWORD,
            Ranges: *mut *mut BG_FILE_RANGE,
        ) -> HRESULT,
    >,
    /// Slot 7 (IBackgroundCopyFile2).
    pub SetRemoteName:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyFile5, Val: LPCWSTR) -> HRESULT>,
    /// Slot 8 (IBackgroundCopyFile3).
    pub GetTemporaryName: Option<
        unsafe extern "C" fn(This: *mut IBackgroundCopyFile5, pFilename: *mut LPWSTR) -> HRESULT,
    >,
    /// Slot 9 (IBackgroundCopyFile3).
    pub SetValidationState:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyFile5, state: BOOL) -> HRESULT>,
    /// Slot 10 (IBackgroundCopyFile3).
    pub GetValidationState:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyFile5, pState: *mut BOOL) -> HRESULT>,
    /// Slot 11 (IBackgroundCopyFile3).
    pub IsDownloadedFromPeer:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyFile5, pVal: *mut BOOL) -> HRESULT>,
    /// Slot 12 (IBackgroundCopyFile4).
    pub GetPeerDownloadStats: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyFile5,
            pFromOrigin: *mut UINT64,
            pFromPeers: *mut UINT64,
        ) -> HRESULT,
    >,
    /// Slot 13.
    pub SetProperty: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyFile5,
            PropertyId: BITS_FILE_PROPERTY_ID,
            PropertyValue: BITS_FILE_PROPERTY_VALUE,
        ) -> HRESULT,
    >,
    /// Slot 14.
    pub GetProperty: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyFile5,
            PropertyId: BITS_FILE_PROPERTY_ID,
            PropertyValue: *mut BITS_FILE_PROPERTY_VALUE,
        ) -> HRESULT,
    >,
}

/// BITS 10.1 file (slots 15-17).
///
/// C: `p->lpVtbl->Method(p, ...)` or `IBackgroundCopyFile6_Method(p, ...)`; C++: `p->Method(...)`.
#[repr(C)]
pub struct IBackgroundCopyFile6 {
    pub lpVtbl: *const IBackgroundCopyFile6Vtbl,
}

/// Vtable of `IBackgroundCopyFile6` (derives from `IBackgroundCopyFile5`).
#[repr(C)]
pub struct IBackgroundCopyFile6Vtbl {
    /// Slot 0 (IUnknown). Asks for another interface of the same object. S_OK and an AddRef'd pointer, or E_NOINTERFACE with `*ppvObject = NULL`; E_POINTER if `ppvObject` is NULL.
    pub QueryInterface: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyFile6,
            riid: REFIID,
            ppvObject: *mut *mut c_void,
        ) -> HRESULT,
    >,
    /// Slot 1 (IUnknown). Adds a reference; returns the new count (informational).
    pub AddRef: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyFile6) -> ULONG>,
    /// Slot 2 (IUnknown). Drops a reference; the object is freed at zero. Returns the new count.
    pub Release: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyFile6) -> ULONG>,
    /// Slot 3 (IBackgroundCopyFile).
    pub GetRemoteName:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyFile6, pVal: *mut LPWSTR) -> HRESULT>,
    /// Slot 4 (IBackgroundCopyFile).
    pub GetLocalName:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyFile6, pVal: *mut LPWSTR) -> HRESULT>,
    /// Slot 5 (IBackgroundCopyFile).
    pub GetProgress: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyFile6,
            pVal: *mut BG_FILE_PROGRESS,
        ) -> HRESULT,
    >,
    /// Slot 6 (IBackgroundCopyFile2).
    pub GetFileRanges: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyFile6,
            RangeCount: *mut DWORD,
            Ranges: *mut *mut BG_FILE_RANGE,
        ) -> HRESULT,
    >,
    /// Slot 7 (IBackgroundCopyFile2).
    pub SetRemoteName:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyFile6, Val: LPCWSTR) -> HRESULT>,
    /// Slot 8 (IBackgroundCopyFile3).
    pub GetTemporaryName: Option<
        unsafe extern "C" fn(This: *mut IBackgroundCopyFile6, pFilename: *mut LPWSTR) -> HRESULT,
    >,
    /// Slot 9 (IBackgroundCopyFile3).
    pub SetValidationState:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyFile6, state: BOOL) -> HRESULT>,
    /// Slot 10 (IBackgroundCopyFile3).
    pub GetValidationState:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyFile6, pState: *mut BOOL) -> HRESULT>,
    /// Slot 11 (IBackgroundCopyFile3).
    pub IsDownloadedFromPeer:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyFile6, pVal: *mut BOOL) -> HRESULT>,
    /// Slot 12 (IBackgroundCopyFile4).
    pub GetPeerDownloadStats: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyFile6,
            pFromOrigin: *mut UINT64,
            pFromPeers: *mut UINT64,
        ) -> HRESULT,
    >,
    /// Slot 13 (IBackgroundCopyFile5).
    pub SetProperty: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyFile6,
            PropertyId: BITS_FILE_PROPERTY_ID,
            PropertyValue: BITS_FILE_PROPERTY_VALUE,
        ) -> HRESULT,
    >,
    /// Slot 14 (IBackgroundCopyFile5).
    pub GetProperty: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyFile6,
            PropertyId: BITS_FILE_PROPERTY_ID,
            PropertyValue: *mut BITS_FILE_PROPERTY_VALUE,
        ) -> HRESULT,
    >,
    /// Slot 15.
    pub UpdateDownloadPosition:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyFile6, offset: UINT64) -> HRESULT>,
    /// Slot 16.
    pub RequestFileRanges: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyFile6,
            rangeCount: DWORD,
            ranges: *const BG_FILE_RANGE,
        ) -> HRESULT,
    >,
    /// Slot 17.
    pub GetFilledFileRanges: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyFile6,
            rangeCount: *mut DWORD,
            ranges: *mut *mut BG_FILE_RANGE,
        ) -> HRESULT,
    >,
}

/// Why a job failed (slots 3-7).
///
/// C: `p->lpVtbl->Method(p, ...)` or `IBackgroundCopyError_Method(p, ...)`; C++: `p->Method(...)`.
#[repr(C)]
pub struct IBackgroundCopyError {
    pub lpVtbl: *const IBackgroundCopyErrorVtbl,
}

/// Vtable of `IBackgroundCopyError` (derives from `IUnknown`).
#[repr(C)]
pub struct IBackgroundCopyErrorVtbl {
    /// Slot 0 (IUnknown). Asks for another interface of the same object. S_OK and an AddRef'd pointer, or E_NOINTERFACE with `*ppvObject = NULL`; E_POINTER if `ppvObject` is NULL.
    pub QueryInterface: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyError,
            riid: REFIID,
            ppvObject: *mut *mut c_void,
        ) -> HRESULT,
    >,
    /// Slot 1 (IUnknown). Adds a reference; returns the new count (informational).
    pub AddRef: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyError) -> ULONG>,
    /// Slot 2 (IUnknown). Drops a reference; the object is freed at zero. Returns the new count.
    pub Release: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyError) -> ULONG>,
    /// Slot 3.
    pub GetError: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyError,
            pContext: *mut BG_ERROR_CONTEXT,
            pCode: *mut HRESULT,
        ) -> HRESULT,
    >,
    /// Slot 4.
    pub GetFile: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyError,
            pVal: *mut *mut IBackgroundCopyFile,
        ) -> HRESULT,
    >,
    /// Slot 5.
    pub GetErrorDescription: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyError,
            LanguageId: DWORD,
            pErrorDescription: *mut LPWSTR,
        ) -> HRESULT,
    >,
    /// Slot 6.
    pub GetErrorContextDescription: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyError,
            LanguageId: DWORD,
            pContextDescription: *mut LPWSTR,
        ) -> HRESULT,
    >,
    /// Slot 7.
    pub GetProtocol: Option<
        unsafe extern "C" fn(This: *mut IBackgroundCopyError, pProtocol: *mut LPWSTR) -> HRESULT,
    >,
}

/// Enumerator of jobs (a snapshot).
///
/// C: `p->lpVtbl->Method(p, ...)` or `IEnumBackgroundCopyJobs_Method(p, ...)`; C++: `p->Method(...)`.
#[repr(C)]
pub struct IEnumBackgroundCopyJobs {
    pub lpVtbl: *const IEnumBackgroundCopyJobsVtbl,
}

/// Vtable of `IEnumBackgroundCopyJobs` (derives from `IUnknown`).
#[repr(C)]
pub struct IEnumBackgroundCopyJobsVtbl {
    /// Slot 0 (IUnknown). Asks for another interface of the same object. S_OK and an AddRef'd pointer, or E_NOINTERFACE with `*ppvObject = NULL`; E_POINTER if `ppvObject` is NULL.
    pub QueryInterface: Option<
        unsafe extern "C" fn(
            This: *mut IEnumBackgroundCopyJobs,
            riid: REFIID,
            ppvObject: *mut *mut c_void,
        ) -> HRESULT,
    >,
    /// Slot 1 (IUnknown). Adds a reference; returns the new count (informational).
    pub AddRef: Option<unsafe extern "C" fn(This: *mut IEnumBackgroundCopyJobs) -> ULONG>,
    /// Slot 2 (IUnknown). Drops a reference; the object is freed at zero. Returns the new count.
    pub Release: Option<unsafe extern "C" fn(This: *mut IEnumBackgroundCopyJobs) -> ULONG>,
    /// Slot 3. S_OK if `celt` items were returned, S_FALSE if fewer. `pceltFetched` may be NULL only when `celt` is 1.
    pub Next: Option<
        unsafe extern "C" fn(
            This: *mut IEnumBackgroundCopyJobs,
            celt: ULONG,
            rgelt: *mut *mut IBackgroundCopyJob,
            pceltFetched: *mut ULONG,
        ) -> HRESULT,
    >,
    /// Slot 4.
    pub Skip:
        Option<unsafe extern "C" fn(This: *mut IEnumBackgroundCopyJobs, celt: ULONG) -> HRESULT>,
    /// Slot 5.
    pub Reset: Option<unsafe extern "C" fn(This: *mut IEnumBackgroundCopyJobs) -> HRESULT>,
    /// Slot 6.
    pub Clone: Option<
        unsafe extern "C" fn(
            This: *mut IEnumBackgroundCopyJobs,
            ppenum: *mut *mut IEnumBackgroundCopyJobs,
        ) -> HRESULT,
    >,
    /// Slot 7.
    pub GetCount: Option<
        unsafe extern "C" fn(This: *mut IEnumBackgroundCopyJobs, puCount: *mut ULONG) -> HRESULT,
    >,
}

/// Enumerator of a job's files (a snapshot).
///
/// C: `p->lpVtbl->Method(p, ...)` or `IEnumBackgroundCopyFiles_Method(p, ...)`; C++: `p->Method(...)`.
#[repr(C)]
pub struct IEnumBackgroundCopyFiles {
    pub lpVtbl: *const IEnumBackgroundCopyFilesVtbl,
}

/// Vtable of `IEnumBackgroundCopyFiles` (derives from `IUnknown`).
#[repr(C)]
pub struct IEnumBackgroundCopyFilesVtbl {
    /// Slot 0 (IUnknown). Asks for another interface of the same object. S_OK and an AddRef'd pointer, or E_NOINTERFACE with `*ppvObject = NULL`; E_POINTER if `ppvObject` is NULL.
    pub QueryInterface: Option<
        unsafe extern "C" fn(
            This: *mut IEnumBackgroundCopyFiles,
            riid: REFIID,
            ppvObject: *mut *mut c_void,
        ) -> HRESULT,
    >,
    /// Slot 1 (IUnknown). Adds a reference; returns the new count (informational).
    pub AddRef: Option<unsafe extern "C" fn(This: *mut IEnumBackgroundCopyFiles) -> ULONG>,
    /// Slot 2 (IUnknown). Drops a reference; the object is freed at zero. Returns the new count.
    pub Release: Option<unsafe extern "C" fn(This: *mut IEnumBackgroundCopyFiles) -> ULONG>,
    /// Slot 3. S_OK if `celt` items were returned, S_FALSE if fewer. `pceltFetched` may be NULL only when `celt` is 1.
    pub Next: Option<
        unsafe extern "C" fn(
            This: *mut IEnumBackgroundCopyFiles,
            celt: ULONG,
            rgelt: *mut *mut IBackgroundCopyFile,
            pceltFetched: *mut ULONG,
        ) -> HRESULT,
    >,
    /// Slot 4.
    pub Skip:
        Option<unsafe extern "C" fn(This: *mut IEnumBackgroundCopyFiles, celt: ULONG) -> HRESULT>,
    /// Slot 5.
    pub Reset: Option<unsafe extern "C" fn(This: *mut IEnumBackgroundCopyFiles) -> HRESULT>,
    /// Slot 6.
    pub Clone: Option<
        unsafe extern "C" fn(
            This: *mut IEnumBackgroundCopyFiles,
            ppenum: *mut *mut IEnumBackgroundCopyFiles,
        ) -> HRESULT,
    >,
    /// Slot 7.
    pub GetCount: Option<
        unsafe extern "C" fn(This: *mut IEnumBackgroundCopyFiles, puCount: *mut ULONG) -> HRESULT,
    >,
}

/// Implemented by the caller; called on a library thread with no library lock held.
///
/// C: `p->lpVtbl->Method(p, ...)` or `IBackgroundCopyCallback_Method(p, ...)`; C++: `p->Method(...)`.
#[repr(C)]
pub struct IBackgroundCopyCallback {
    pub lpVtbl: *const IBackgroundCopyCallbackVtbl,
}

/// Vtable of `IBackgroundCopyCallback` (derives from `IUnknown`).
#[repr(C)]
pub struct IBackgroundCopyCallbackVtbl {
    /// Slot 0 (IUnknown). Asks for another interface of the same object. S_OK and an AddRef'd pointer, or E_NOINTERFACE with `*ppvObject = NULL`; E_POINTER if `ppvObject` is NULL.
    pub QueryInterface: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyCallback,
            riid: REFIID,
            ppvObject: *mut *mut c_void,
        ) -> HRESULT,
    >,
    /// Slot 1 (IUnknown). Adds a reference; returns the new count (informational).
    pub AddRef: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyCallback) -> ULONG>,
    /// Slot 2 (IUnknown). Drops a reference; the object is freed at zero. Returns the new count.
    pub Release: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyCallback) -> ULONG>,
    /// Slot 3.
    pub JobTransferred: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyCallback,
            pJob: *mut IBackgroundCopyJob,
        ) -> HRESULT,
    >,
    /// Slot 4.
    pub JobError: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyCallback,
            pJob: *mut IBackgroundCopyJob,
            pError: *mut IBackgroundCopyError,
        ) -> HRESULT,
    >,
    /// Slot 5.
    pub JobModification: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyCallback,
            pJob: *mut IBackgroundCopyJob,
            dwReserved: DWORD,
        ) -> HRESULT,
    >,
}

/// Caller-implemented (slot 6).
///
/// C: `p->lpVtbl->Method(p, ...)` or `IBackgroundCopyCallback2_Method(p, ...)`; C++: `p->Method(...)`.
#[repr(C)]
pub struct IBackgroundCopyCallback2 {
    pub lpVtbl: *const IBackgroundCopyCallback2Vtbl,
}

/// Vtable of `IBackgroundCopyCallback2` (derives from `IBackgroundCopyCallback`).
#[repr(C)]
pub struct IBackgroundCopyCallback2Vtbl {
    /// Slot 0 (IUnknown). Asks for another interface of the same object. S_OK and an AddRef'd pointer, or E_NOINTERFACE with `*ppvObject = NULL`; E_POINTER if `ppvObject` is NULL.
    pub QueryInterface: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyCallback2,
            riid: REFIID,
            ppvObject: *mut *mut c_void,
        ) -> HRESULT,
    >,
    /// Slot 1 (IUnknown). Adds a reference; returns the new count (informational).
    pub AddRef: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyCallback2) -> ULONG>,
    /// Slot 2 (IUnknown). Drops a reference; the object is freed at zero. Returns the new count.
    pub Release: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyCallback2) -> ULONG>,
    /// Slot 3 (IBackgroundCopyCallback).
    pub JobTransferred: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyCallback2,
            pJob: *mut IBackgroundCopyJob,
        ) -> HRESULT,
    >,
    /// Slot 4 (IBackgroundCopyCallback).
    pub JobError: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyCallback2,
            pJob: *mut IBackgroundCopyJob,
            pError: *mut IBackgroundCopyError,
        ) -> HRESULT,
    >,
    /// Slot 5 (IBackgroundCopyCallback).
    pub JobModification: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyCallback2,
            pJob: *mut IBackgroundCopyJob,
            dwReserved: DWORD,
        ) -> HRESULT,
    >,
    /// Slot 6.
    pub FileTransferred: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyCallback2,
            pJob: *mut IBackgroundCopyJob,
            pFile: *mut IBackgroundCopyFile,
        ) -> HRESULT,
    >,
}

/// Caller-implemented (slot 7).
///
/// C: `p->lpVtbl->Method(p, ...)` or `IBackgroundCopyCallback3_Method(p, ...)`; C++: `p->Method(...)`.
#[repr(C)]
pub struct IBackgroundCopyCallback3 {
    pub lpVtbl: *const IBackgroundCopyCallback3Vtbl,
}

/// Vtable of `IBackgroundCopyCallback3` (derives from `IBackgroundCopyCallback2`).
#[repr(C)]
pub struct IBackgroundCopyCallback3Vtbl {
    /// Slot 0 (IUnknown). Asks for another interface of the same object. S_OK and an AddRef'd pointer, or E_NOINTERFACE with `*ppvObject = NULL`; E_POINTER if `ppvObject` is NULL.
    pub QueryInterface: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyCallback3,
            riid: REFIID,
            ppvObject: *mut *mut c_void,
        ) -> HRESULT,
    >,
    /// Slot 1 (IUnknown). Adds a reference; returns the new count (informational).
    pub AddRef: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyCallback3) -> ULONG>,
    /// Slot 2 (IUnknown). Drops a reference; the object is freed at zero. Returns the new count.
    pub Release: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyCallback3) -> ULONG>,
    /// Slot 3 (IBackgroundCopyCallback).
    pub JobTransferred: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyCallback3,
            pJob: *mut IBackgroundCopyJob,
        ) -> HRESULT,
    >,
    /// Slot 4 (IBackgroundCopyCallback).
    pub JobError: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyCallback3,
            pJob: *mut IBackgroundCopyJob,
            pError: *mut IBackgroundCopyError,
        ) -> HRESULT,
    >,
    /// Slot 5 (IBackgroundCopyCallback).
    pub JobModification: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyCallback3,
            pJob: *mut IBackgroundCopyJob,
            dwReserved: DWORD,
        ) -> HRESULT,
    >,
    /// Slot 6 (IBackgroundCopyCallback2).
    pub FileTransferred: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyCallback3,
            pJob: *mut IBackgroundCopyJob,
            pFile: *mut IBackgroundCopyFile,
        ) -> HRESULT,
    >,
    /// Slot 7.
    pub FileRangesTransferred: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyCallback3,
            job: *mut IBackgroundCopyJob,
            file: *mut IBackgroundCopyFile,
            rangeCount: DWORD,
            ranges: *const BG_FILE_RANGE,
        ) -> HRESULT,
    >,
}

/// HTTP options of a job; QueryInterface the job for it (slots 3-10).
///
/// C: `p->lpVtbl->Method(p, ...)` or `IBackgroundCopyJobHttpOptions_Method(p, ...)`; C++: `p->Method(...)`.
#[repr(C)]
pub struct IBackgroundCopyJobHttpOptions {
    pub lpVtbl: *const IBackgroundCopyJobHttpOptionsVtbl,
}

/// Vtable of `IBackgroundCopyJobHttpOptions` (derives from `IUnknown`).
#[repr(C)]
pub struct IBackgroundCopyJobHttpOptionsVtbl {
    /// Slot 0 (IUnknown). Asks for another interface of the same object. S_OK and an AddRef'd pointer, or E_NOINTERFACE with `*ppvObject = NULL`; E_POINTER if `ppvObject` is NULL.
    pub QueryInterface: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJobHttpOptions,
            riid: REFIID,
            ppvObject: *mut *mut c_void,
        ) -> HRESULT,
    >,
    /// Slot 1 (IUnknown). Adds a reference; returns the new count (informational).
    pub AddRef: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJobHttpOptions) -> ULONG>,
    /// Slot 2 (IUnknown). Drops a reference; the object is freed at zero. Returns the new count.
    pub Release: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJobHttpOptions) -> ULONG>,
    /// Slot 3.
    pub SetClientCertificateByID: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJobHttpOptions,
            StoreLocation: BG_CERT_STORE_LOCATION,
            StoreName: LPCWSTR,
            pCertHashBlob: *mut BYTE,
        ) -> HRESULT,
    >,
    /// Slot 4.
    pub SetClientCertificateByName: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJobHttpOptions,
            StoreLocation: BG_CERT_STORE_LOCATION,
            StoreName: LPCWSTR,
            SubjectName: LPCWSTR,
        ) -> HRESULT,
    >,
    /// Slot 5.
    pub RemoveClientCertificate:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJobHttpOptions) -> HRESULT>,
    /// Slot 6.
    pub GetClientCertificate: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJobHttpOptions,
            pStoreLocation: *mut BG_CERT_STORE_LOCATION,
            pStoreName: *mut LPWSTR,
            ppCertHashBlob: *mut *mut BYTE,
            pSubjectName: *mut LPWSTR,
        ) -> HRESULT,
    >,
    /// Slot 7.
    pub SetCustomHeaders: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJobHttpOptions,
            RequestHeaders: LPCWSTR,
        ) -> HRESULT,
    >,
    /// Slot 8.
    pub GetCustomHeaders: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJobHttpOptions,
            pRequestHeaders: *mut LPWSTR,
        ) -> HRESULT,
    >,
    /// Slot 9.
    pub SetSecurityFlags: Option<
        unsafe extern "C" fn(This: *mut IBackgroundCopyJobHttpOptions, Flags: ULONG) -> HRESULT,
    >,
    /// Slot 10.
    pub GetSecurityFlags: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJobHttpOptions,
            pFlags: *mut ULONG,
        ) -> HRESULT,
    >,
}

/// BITS 10.2 (slots 11-12).
///
/// C: `p->lpVtbl->Method(p, ...)` or `IBackgroundCopyJobHttpOptions2_Method(p, ...)`; C++: `p->Method(...)`.
#[repr(C)]
pub struct IBackgroundCopyJobHttpOptions2 {
    pub lpVtbl: *const IBackgroundCopyJobHttpOptions2Vtbl,
}

/// Vtable of `IBackgroundCopyJobHttpOptions2` (derives from `IBackgroundCopyJobHttpOptions`).
#[repr(C)]
pub struct IBackgroundCopyJobHttpOptions2Vtbl {
    /// Slot 0 (IUnknown). Asks for another interface of the same object. S_OK and an AddRef'd pointer, or E_NOINTERFACE with `*ppvObject = NULL`; E_POINTER if `ppvObject` is NULL.
    pub QueryInterface: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJobHttpOptions2,
            riid: REFIID,
            ppvObject: *mut *mut c_void,
        ) -> HRESULT,
    >,
    /// Slot 1 (IUnknown). Adds a reference; returns the new count (informational).
    pub AddRef: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJobHttpOptions2) -> ULONG>,
    /// Slot 2 (IUnknown). Drops a reference; the object is freed at zero. Returns the new count.
    pub Release: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJobHttpOptions2) -> ULONG>,
    /// Slot 3 (IBackgroundCopyJobHttpOptions).
    pub SetClientCertificateByID: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJobHttpOptions2,
            StoreLocation: BG_CERT_STORE_LOCATION,
            StoreName: LPCWSTR,
            pCertHashBlob: *mut BYTE,
        ) -> HRESULT,
    >,
    /// Slot 4 (IBackgroundCopyJobHttpOptions).
    pub SetClientCertificateByName: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJobHttpOptions2,
            StoreLocation: BG_CERT_STORE_LOCATION,
            StoreName: LPCWSTR,
            SubjectName: LPCWSTR,
        ) -> HRESULT,
    >,
    /// Slot 5 (IBackgroundCopyJobHttpOptions).
    pub RemoveClientCertificate:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJobHttpOptions2) -> HRESULT>,
    /// Slot 6 (IBackgroundCopyJobHttpOptions).
    pub GetClientCertificate: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJobHttpOptions2,
            pStoreLocation: *mut BG_CERT_STORE_LOCATION,
            pStoreName: *mut LPWSTR,
            ppCertHashBlob: *mut *mut BYTE,
            pSubjectName: *mut LPWSTR,
        ) -> HRESULT,
    >,
    /// Slot 7 (IBackgroundCopyJobHttpOptions).
    pub SetCustomHeaders: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJobHttpOptions2,
            RequestHeaders: LPCWSTR,
        ) -> HRESULT,
    >,
    /// Slot 8 (IBackgroundCopyJobHttpOptions).
    pub GetCustomHeaders: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJobHttpOptions2,
            pRequestHeaders: *mut LPWSTR,
        ) -> HRESULT,
    >,
    /// Slot 9 (IBackgroundCopyJobHttpOptions).
    pub SetSecurityFlags: Option<
        unsafe extern "C" fn(This: *mut IBackgroundCopyJobHttpOptions2, Flags: ULONG) -> HRESULT,
    >,
    /// Slot 10 (IBackgroundCopyJobHttpOptions).
    pub GetSecurityFlags: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJobHttpOptions2,
            pFlags: *mut ULONG,
        ) -> HRESULT,
    >,
    /// Slot 11.
    pub SetHttpMethod: Option<
        unsafe extern "C" fn(This: *mut IBackgroundCopyJobHttpOptions2, method: LPCWSTR) -> HRESULT,
    >,
    /// Slot 12.
    pub GetHttpMethod: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJobHttpOptions2,
            method: *mut LPWSTR,
        ) -> HRESULT,
    >,
}

/// BITS 10.3 (slots 13-14).
///
/// C: `p->lpVtbl->Method(p, ...)` or `IBackgroundCopyJobHttpOptions3_Method(p, ...)`; C++: `p->Method(...)`.
#[repr(C)]
pub struct IBackgroundCopyJobHttpOptions3 {
    pub lpVtbl: *const IBackgroundCopyJobHttpOptions3Vtbl,
}

/// Vtable of `IBackgroundCopyJobHttpOptions3` (derives from `IBackgroundCopyJobHttpOptions2`).
#[repr(C)]
pub struct IBackgroundCopyJobHttpOptions3Vtbl {
    /// Slot 0 (IUnknown). Asks for another interface of the same object. S_OK and an AddRef'd pointer, or E_NOINTERFACE with `*ppvObject = NULL`; E_POINTER if `ppvObject` is NULL.
    pub QueryInterface: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJobHttpOptions3,
            riid: REFIID,
            ppvObject: *mut *mut c_void,
        ) -> HRESULT,
    >,
    /// Slot 1 (IUnknown). Adds a reference; returns the new count (informational).
    pub AddRef: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJobHttpOptions3) -> ULONG>,
    /// Slot 2 (IUnknown). Drops a reference; the object is freed at zero. Returns the new count.
    pub Release: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJobHttpOptions3) -> ULONG>,
    /// Slot 3 (IBackgroundCopyJobHttpOptions).
    pub SetClientCertificateByID: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJobHttpOptions3,
            StoreLocation: BG_CERT_STORE_LOCATION,
            StoreName: LPCWSTR,
            pCertHashBlob: *mut BYTE,
        ) -> HRESULT,
    >,
    /// Slot 4 (IBackgroundCopyJobHttpOptions).
    pub SetClientCertificateByName: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJobHttpOptions3,
            StoreLocation: BG_CERT_STORE_LOCATION,
            StoreName: LPCWSTR,
            SubjectName: LPCWSTR,
        ) -> HRESULT,
    >,
    /// Slot 5 (IBackgroundCopyJobHttpOptions).
    pub RemoveClientCertificate:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJobHttpOptions3) -> HRESULT>,
    /// Slot 6 (IBackgroundCopyJobHttpOptions).
    pub GetClientCertificate: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJobHttpOptions3,
            pStoreLocation: *mut BG_CERT_STORE_LOCATION,
            pStoreName: *mut LPWSTR,
            ppCertHashBlob: *mut *mut BYTE,
            pSubjectName: *mut LPWSTR,
        ) -> HRESULT,
    >,
    /// Slot 7 (IBackgroundCopyJobHttpOptions).
    pub SetCustomHeaders: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJobHttpOptions3,
            RequestHeaders: LPCWSTR,
        ) -> HRESULT,
    >,
    /// Slot 8 (IBackgroundCopyJobHttpOptions).
    pub GetCustomHeaders: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJobHttpOptions3,
            pRequestHeaders: *mut LPWSTR,
        ) -> HRESULT,
    >,
    /// Slot 9 (IBackgroundCopyJobHttpOptions).
    pub SetSecurityFlags: Option<
        unsafe extern "C" fn(This: *mut IBackgroundCopyJobHttpOptions3, Flags: ULONG) -> HRESULT,
    >,
    /// Slot 10 (IBackgroundCopyJobHttpOptions).
    pub GetSecurityFlags: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJobHttpOptions3,
            pFlags: *mut ULONG,
        ) -> HRESULT,
    >,
    /// Slot 11 (IBackgroundCopyJobHttpOptions2).
    pub SetHttpMethod: Option<
        unsafe extern "C" fn(This: *mut IBackgroundCopyJobHttpOptions3, method: LPCWSTR) -> HRESULT,
    >,
    /// Slot 12 (IBackgroundCopyJobHttpOptions2).
    pub GetHttpMethod: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJobHttpOptions3,
            method: *mut LPWSTR,
        ) -> HRESULT,
    >,
    /// Slot 13.
    pub SetServerCertificateValidationInterface: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJobHttpOptions3,
            certValidationCallback: *mut IUnknown,
        ) -> HRESULT,
    >,
    /// Slot 14.
    pub MakeCustomHeadersWriteOnly:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJobHttpOptions3) -> HRESULT>,
}

/// Caller-implemented certificate check (slot 3).
///
/// C: `p->lpVtbl->Method(p, ...)` or `IBackgroundCopyServerCertificateValidationCallback_Method(p, ...)`; C++: `p->Method(...)`.
#[repr(C)]
pub struct IBackgroundCopyServerCertificateValidationCallback {
    pub lpVtbl: *const IBackgroundCopyServerCertificateValidationCallbackVtbl,
}

/// Vtable of `IBackgroundCopyServerCertificateValidationCallback` (derives from `IUnknown`).
#[repr(C)]
pub struct IBackgroundCopyServerCertificateValidationCallbackVtbl {
    /// Slot 0 (IUnknown). Asks for another interface of the same object. S_OK and an AddRef'd pointer, or E_NOINTERFACE with `*ppvObject = NULL`; E_POINTER if `ppvObject` is NULL.
    pub QueryInterface: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyServerCertificateValidationCallback,
            riid: REFIID,
            ppvObject: *mut *mut c_void,
        ) -> HRESULT,
    >,
    /// Slot 1 (IUnknown). Adds a reference; returns the new count (informational).
    pub AddRef: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyServerCertificateValidationCallback,
        ) -> ULONG,
    >,
    /// Slot 2 (IUnknown). Drops a reference; the object is freed at zero. Returns the new count.
    pub Release: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyServerCertificateValidationCallback,
        ) -> ULONG,
    >,
    /// Slot 3.
    pub ValidateServerCertificate: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyServerCertificateValidationCallback,
            job: *mut IBackgroundCopyJob,
            file: *mut IBackgroundCopyFile,
            certLength: DWORD,
            certData: *const BYTE,
            certEncodingType: DWORD,
            certStoreLength: DWORD,
            certStoreData: *const BYTE,
        ) -> HRESULT,
    >,
}

/// Helper-token options of a job; QueryInterface the job for it (slots 3-7).
///
/// C: `p->lpVtbl->Method(p, ...)` or `IBitsTokenOptions_Method(p, ...)`; C++: `p->Method(...)`.
#[repr(C)]
pub struct IBitsTokenOptions {
    pub lpVtbl: *const IBitsTokenOptionsVtbl,
}

/// Vtable of `IBitsTokenOptions` (derives from `IUnknown`).
#[repr(C)]
pub struct IBitsTokenOptionsVtbl {
    /// Slot 0 (IUnknown). Asks for another interface of the same object. S_OK and an AddRef'd pointer, or E_NOINTERFACE with `*ppvObject = NULL`; E_POINTER if `ppvObject` is NULL.
    pub QueryInterface: Option<
        unsafe extern "C" fn(
            This: *mut IBitsTokenOptions,
            riid: REFIID,
            ppvObject: *mut *mut c_void,
        ) -> HRESULT,
    >,
    /// Slot 1 (IUnknown). Adds a reference; returns the new count (informational).
    pub AddRef: Option<unsafe extern "C" fn(This: *mut IBitsTokenOptions) -> ULONG>,
    /// Slot 2 (IUnknown). Drops a reference; the object is freed at zero. Returns the new count.
    pub Release: Option<unsafe extern "C" fn(This: *mut IBitsTokenOptions) -> ULONG>,
    /// Slot 3.
    pub SetHelperTokenFlags:
        Option<unsafe extern "C" fn(This: *mut IBitsTokenOptions, UsageFlags: DWORD) -> HRESULT>,
    /// Slot 4.
    pub GetHelperTokenFlags:
        Option<unsafe extern "C" fn(This: *mut IBitsTokenOptions, pFlags: *mut DWORD) -> HRESULT>,
    /// Slot 5.
    pub SetHelperToken: Option<unsafe extern "C" fn(This: *mut IBitsTokenOptions) -> HRESULT>,
    /// Slot 6.
    pub ClearHelperToken: Option<unsafe extern "C" fn(This: *mut IBitsTokenOptions) -> HRESULT>,
    /// Slot 7.
    pub GetHelperTokenSid:
        Option<unsafe extern "C" fn(This: *mut IBitsTokenOptions, pSid: *mut LPWSTR) -> HRESULT>,
}

/// Deprecated peer-cache record (BITS 3.0).
///
/// C: `p->lpVtbl->Method(p, ...)` or `IBitsPeerCacheRecord_Method(p, ...)`; C++: `p->Method(...)`.
#[repr(C)]
pub struct IBitsPeerCacheRecord {
    pub lpVtbl: *const IBitsPeerCacheRecordVtbl,
}

/// Vtable of `IBitsPeerCacheRecord` (derives from `IUnknown`).
#[repr(C)]
pub struct IBitsPeerCacheRecordVtbl {
    /// Slot 0 (IUnknown). Asks for another interface of the same object. S_OK and an AddRef'd pointer, or E_NOINTERFACE with `*ppvObject = NULL`; E_POINTER if `ppvObject` is NULL.
    pub QueryInterface: Option<
        unsafe extern "C" fn(
            This: *mut IBitsPeerCacheRecord,
            riid: REFIID,
            ppvObject: *mut *mut c_void,
        ) -> HRESULT,
    >,
    /// Slot 1 (IUnknown). Adds a reference; returns the new count (informational).
    pub AddRef: Option<unsafe extern "C" fn(This: *mut IBitsPeerCacheRecord) -> ULONG>,
    /// Slot 2 (IUnknown). Drops a reference; the object is freed at zero. Returns the new count.
    pub Release: Option<unsafe extern "C" fn(This: *mut IBitsPeerCacheRecord) -> ULONG>,
    /// Slot 3.
    pub GetId:
        Option<unsafe extern "C" fn(This: *mut IBitsPeerCacheRecord, pVal: *mut GUID) -> HRESULT>,
    /// Slot 4.
    pub GetOriginUrl: Option<
        unsafe extern "C" fn(This: *mut IBitsPeerCacheRecord, ppOriginUrl: *mut LPWSTR) -> HRESULT,
    >,
    /// Slot 5.
    pub GetFileSize:
        Option<unsafe extern "C" fn(This: *mut IBitsPeerCacheRecord, pVal: *mut UINT64) -> HRESULT>,
    /// Slot 6.
    pub GetFileModificationTime: Option<
        unsafe extern "C" fn(This: *mut IBitsPeerCacheRecord, pVal: *mut FILETIME) -> HRESULT,
    >,
    /// Slot 7.
    pub GetLastAccessTime: Option<
        unsafe extern "C" fn(This: *mut IBitsPeerCacheRecord, pVal: *mut FILETIME) -> HRESULT,
    >,
    /// Slot 8.
    pub IsFileValidated: Option<unsafe extern "C" fn(This: *mut IBitsPeerCacheRecord) -> HRESULT>,
    /// Slot 9.
    pub GetFileRanges: Option<
        unsafe extern "C" fn(
            This: *mut IBitsPeerCacheRecord,
            pRangeCount: *mut DWORD,
            ppRanges: *mut *mut BG_FILE_RANGE,
        ) -> HRESULT,
    >,
}

/// Deprecated peer-cache record enumerator.
///
/// C: `p->lpVtbl->Method(p, ...)` or `IEnumBitsPeerCacheRecords_Method(p, ...)`; C++: `p->Method(...)`.
#[repr(C)]
pub struct IEnumBitsPeerCacheRecords {
    pub lpVtbl: *const IEnumBitsPeerCacheRecordsVtbl,
}

/// Vtable of `IEnumBitsPeerCacheRecords` (derives from `IUnknown`).
#[repr(C)]
pub struct IEnumBitsPeerCacheRecordsVtbl {
    /// Slot 0 (IUnknown). Asks for another interface of the same object. S_OK and an AddRef'd pointer, or E_NOINTERFACE with `*ppvObject = NULL`; E_POINTER if `ppvObject` is NULL.
    pub QueryInterface: Option<
        unsafe extern "C" fn(
            This: *mut IEnumBitsPeerCacheRecords,
            riid: REFIID,
            ppvObject: *mut *mut c_void,
        ) -> HRESULT,
    >,
    /// Slot 1 (IUnknown). Adds a reference; returns the new count (informational).
    pub AddRef: Option<unsafe extern "C" fn(This: *mut IEnumBitsPeerCacheRecords) -> ULONG>,
    /// Slot 2 (IUnknown). Drops a reference; the object is freed at zero. Returns the new count.
    pub Release: Option<unsafe extern "C" fn(This: *mut IEnumBitsPeerCacheRecords) -> ULONG>,
    /// Slot 3. S_OK if `celt` items were returned, S_FALSE if fewer. `pceltFetched` may be NULL only when `celt` is 1.
    pub Next: Option<
        unsafe extern "C" fn(
            This: *mut IEnumBitsPeerCacheRecords,
            celt: ULONG,
            rgelt: *mut *mut IBitsPeerCacheRecord,
            pceltFetched: *mut ULONG,
        ) -> HRESULT,
    >,
    /// Slot 4.
    pub Skip:
        Option<unsafe extern "C" fn(This: *mut IEnumBitsPeerCacheRecords, celt: ULONG) -> HRESULT>,
    /// Slot 5.
    pub Reset: Option<unsafe extern "C" fn(This: *mut IEnumBitsPeerCacheRecords) -> HRESULT>,
    /// Slot 6.
    pub Clone: Option<
        unsafe extern "C" fn(
            This: *mut IEnumBitsPeerCacheRecords,
            ppenum: *mut *mut IEnumBitsPeerCacheRecords,
        ) -> HRESULT,
    >,
    /// Slot 7.
    pub GetCount: Option<
        unsafe extern "C" fn(This: *mut IEnumBitsPeerCacheRecords, puCount: *mut ULONG) -> HRESULT,
    >,
}

/// Deprecated peer (BITS 3.0).
///
/// C: `p->lpVtbl->Method(p, ...)` or `IBitsPeer_Method(p, ...)`; C++: `p->Method(...)`.
#[repr(C)]
pub struct IBitsPeer {
    pub lpVtbl: *const IBitsPeerVtbl,
}

/// Vtable of `IBitsPeer` (derives from `IUnknown`).
#[repr(C)]
pub struct IBitsPeerVtbl {
    /// Slot 0 (IUnknown). Asks for another interface of the same object. S_OK and an AddRef'd pointer, or E_NOINTERFACE with `*ppvObject = NULL`; E_POINTER if `ppvObject` is NULL.
    pub QueryInterface: Option<
        unsafe extern "C" fn(
            This: *mut IBitsPeer,
            riid: REFIID,
            ppvObject: *mut *mut c_void,
        ) -> HRESULT,
    >,
    /// Slot 1 (IUnknown). Adds a reference; returns the new count (informational).
    pub AddRef: Option<unsafe extern "C" fn(This: *mut IBitsPeer) -> ULONG>,
    /// Slot 2 (IUnknown). Drops a reference; the object is freed at zero. Returns the new count.
    pub Release: Option<unsafe extern "C" fn(This: *mut IBitsPeer) -> ULONG>,
    /// Slot 3.
    pub GetPeerName:
        Option<unsafe extern "C" fn(This: *mut IBitsPeer, pName: *mut LPWSTR) -> HRESULT>,
    /// Slot 4.
    pub IsAuthenticated:
        Option<unsafe extern "C" fn(This: *mut IBitsPeer, pAuth: *mut BOOL) -> HRESULT>,
    /// Slot 5.
    pub IsAvailable:
        Option<unsafe extern "C" fn(This: *mut IBitsPeer, pOnline: *mut BOOL) -> HRESULT>,
}

/// Deprecated peer enumerator.
///
/// C: `p->lpVtbl->Method(p, ...)` or `IEnumBitsPeers_Method(p, ...)`; C++: `p->Method(...)`.
#[repr(C)]
pub struct IEnumBitsPeers {
    pub lpVtbl: *const IEnumBitsPeersVtbl,
}

/// Vtable of `IEnumBitsPeers` (derives from `IUnknown`).
#[repr(C)]
pub struct IEnumBitsPeersVtbl {
    /// Slot 0 (IUnknown). Asks for another interface of the same object. S_OK and an AddRef'd pointer, or E_NOINTERFACE with `*ppvObject = NULL`; E_POINTER if `ppvObject` is NULL.
    pub QueryInterface: Option<
        unsafe extern "C" fn(
            This: *mut IEnumBitsPeers,
            riid: REFIID,
            ppvObject: *mut *mut c_void,
        ) -> HRESULT,
    >,
    /// Slot 1 (IUnknown). Adds a reference; returns the new count (informational).
    pub AddRef: Option<unsafe extern "C" fn(This: *mut IEnumBitsPeers) -> ULONG>,
    /// Slot 2 (IUnknown). Drops a reference; the object is freed at zero. Returns the new count.
    pub Release: Option<unsafe extern "C" fn(This: *mut IEnumBitsPeers) -> ULONG>,
    /// Slot 3. S_OK if `celt` items were returned, S_FALSE if fewer. `pceltFetched` may be NULL only when `celt` is 1.
    pub Next: Option<
        unsafe extern "C" fn(
            This: *mut IEnumBitsPeers,
            celt: ULONG,
            rgelt: *mut *mut IBitsPeer,
            pceltFetched: *mut ULONG,
        ) -> HRESULT,
    >,
    /// Slot 4.
    pub Skip: Option<unsafe extern "C" fn(This: *mut IEnumBitsPeers, celt: ULONG) -> HRESULT>,
    /// Slot 5.
    pub Reset: Option<unsafe extern "C" fn(This: *mut IEnumBitsPeers) -> HRESULT>,
    /// Slot 6.
    pub Clone: Option<
        unsafe extern "C" fn(
            This: *mut IEnumBitsPeers,
            ppenum: *mut *mut IEnumBitsPeers,
        ) -> HRESULT,
    >,
    /// Slot 7.
    pub GetCount:
        Option<unsafe extern "C" fn(This: *mut IEnumBitsPeers, puCount: *mut ULONG) -> HRESULT>,
}

/// Deprecated peer-cache administration (BITS 3.0); QueryInterface the manager for it.
///
/// C: `p->lpVtbl->Method(p, ...)` or `IBitsPeerCacheAdministration_Method(p, ...)`; C++: `p->Method(...)`.
#[repr(C)]
pub struct IBitsPeerCacheAdministration {
    pub lpVtbl: *const IBitsPeerCacheAdministrationVtbl,
}

/// Vtable of `IBitsPeerCacheAdministration` (derives from `IUnknown`).
#[repr(C)]
pub struct IBitsPeerCacheAdministrationVtbl {
    /// Slot 0 (IUnknown). Asks for another interface of the same object. S_OK and an AddRef'd pointer, or E_NOINTERFACE with `*ppvObject = NULL`; E_POINTER if `ppvObject` is NULL.
    pub QueryInterface: Option<
        unsafe extern "C" fn(
            This: *mut IBitsPeerCacheAdministration,
            riid: REFIID,
            ppvObject: *mut *mut c_void,
        ) -> HRESULT,
    >,
    /// Slot 1 (IUnknown). Adds a reference; returns the new count (informational).
    pub AddRef: Option<unsafe extern "C" fn(This: *mut IBitsPeerCacheAdministration) -> ULONG>,
    /// Slot 2 (IUnknown). Drops a reference; the object is freed at zero. Returns the new count.
    pub Release: Option<unsafe extern "C" fn(This: *mut IBitsPeerCacheAdministration) -> ULONG>,
    /// Slot 3.
    pub GetMaximumCacheSize: Option<
        unsafe extern "C" fn(
            This: *mut IBitsPeerCacheAdministration,
            pBytes: *mut DWORD,
        ) -> HRESULT,
    >,
    /// Slot 4.
    pub SetMaximumCacheSize: Option<
        unsafe extern "C" fn(This: *mut IBitsPeerCacheAdministration, Bytes: DWORD) -> HRESULT,
    >,
    /// Slot 5.
    pub GetMaximumContentAge: Option<
        unsafe extern "C" fn(
            This: *mut IBitsPeerCacheAdministration,
            pSeconds: *mut ULONG,
        ) -> HRESULT,
    >,
    /// Slot 6.
    pub SetMaximumContentAge: Option<
        unsafe extern "C" fn(This: *mut IBitsPeerCacheAdministration, Seconds: ULONG) -> HRESULT,
    >,
    /// Slot 7.
    pub GetConfigurationFlags: Option<
        unsafe extern "C" fn(
            This: *mut IBitsPeerCacheAdministration,
            pFlags: *mut DWORD,
        ) -> HRESULT,
    >,
    /// Slot 8.
    pub SetConfigurationFlags: Option<
        unsafe extern "C" fn(This: *mut IBitsPeerCacheAdministration, Flags: DWORD) -> HRESULT,
    >,
    /// Slot 9.
    pub EnumRecords: Option<
        unsafe extern "C" fn(
            This: *mut IBitsPeerCacheAdministration,
            ppEnum: *mut *mut IEnumBitsPeerCacheRecords,
        ) -> HRESULT,
    >,
    /// Slot 10.
    pub GetRecord: Option<
        unsafe extern "C" fn(
            This: *mut IBitsPeerCacheAdministration,
            id: REFGUID,
            ppRecord: *mut *mut IBitsPeerCacheRecord,
        ) -> HRESULT,
    >,
    /// Slot 11.
    pub ClearRecords:
        Option<unsafe extern "C" fn(This: *mut IBitsPeerCacheAdministration) -> HRESULT>,
    /// Slot 12.
    pub DeleteRecord: Option<
        unsafe extern "C" fn(This: *mut IBitsPeerCacheAdministration, id: REFGUID) -> HRESULT,
    >,
    /// Slot 13.
    pub DeleteUrl: Option<
        unsafe extern "C" fn(This: *mut IBitsPeerCacheAdministration, url: LPCWSTR) -> HRESULT,
    >,
    /// Slot 14.
    pub EnumPeers: Option<
        unsafe extern "C" fn(
            This: *mut IBitsPeerCacheAdministration,
            ppEnum: *mut *mut IEnumBitsPeers,
        ) -> HRESULT,
    >,
    /// Slot 15.
    pub ClearPeers:
        Option<unsafe extern "C" fn(This: *mut IBitsPeerCacheAdministration) -> HRESULT>,
    /// Slot 16.
    pub DiscoverPeers:
        Option<unsafe extern "C" fn(This: *mut IBitsPeerCacheAdministration) -> HRESULT>,
}

/// Delivery Optimization manager: `CoCreateInstance(&CLSID_DeliveryOptimization, ..., &IID_IDOManager, ...)`.
///
/// C: `p->lpVtbl->Method(p, ...)` or `IDOManager_Method(p, ...)`; C++: `p->Method(...)`.
#[repr(C)]
pub struct IDOManager {
    pub lpVtbl: *const IDOManagerVtbl,
}

/// Vtable of `IDOManager` (derives from `IUnknown`).
#[repr(C)]
pub struct IDOManagerVtbl {
    /// Slot 0 (IUnknown). Asks for another interface of the same object. S_OK and an AddRef'd pointer, or E_NOINTERFACE with `*ppvObject = NULL`; E_POINTER if `ppvObject` is NULL.
    pub QueryInterface: Option<
        unsafe extern "C" fn(
            This: *mut IDOManager,
            riid: REFIID,
            ppvObject: *mut *mut c_void,
        ) -> HRESULT,
    >,
    /// Slot 1 (IUnknown). Adds a reference; returns the new count (informational).
    pub AddRef: Option<unsafe extern "C" fn(This: *mut IDOManager) -> ULONG>,
    /// Slot 2 (IUnknown). Drops a reference; the object is freed at zero. Returns the new count.
    pub Release: Option<unsafe extern "C" fn(This: *mut IDOManager) -> ULONG>,
    /// Slot 3.
    pub CreateDownload: Option<
        unsafe extern "C" fn(This: *mut IDOManager, download: *mut *mut IDODownload) -> HRESULT,
    >,
    /// Slot 4.
    pub EnumDownloads: Option<
        unsafe extern "C" fn(
            This: *mut IDOManager,
            category: *const DO_DOWNLOAD_ENUM_CATEGORY,
            ppEnum: *mut *mut IEnumUnknown,
        ) -> HRESULT,
    >,
}

/// One Delivery Optimization download (slots 3-9).
///
/// C: `p->lpVtbl->Method(p, ...)` or `IDODownload_Method(p, ...)`; C++: `p->Method(...)`.
#[repr(C)]
pub struct IDODownload {
    pub lpVtbl: *const IDODownloadVtbl,
}

/// Vtable of `IDODownload` (derives from `IUnknown`).
#[repr(C)]
pub struct IDODownloadVtbl {
    /// Slot 0 (IUnknown). Asks for another interface of the same object. S_OK and an AddRef'd pointer, or E_NOINTERFACE with `*ppvObject = NULL`; E_POINTER if `ppvObject` is NULL.
    pub QueryInterface: Option<
        unsafe extern "C" fn(
            This: *mut IDODownload,
            riid: REFIID,
            ppvObject: *mut *mut c_void,
        ) -> HRESULT,
    >,
    /// Slot 1 (IUnknown). Adds a reference; returns the new count (informational).
    pub AddRef: Option<unsafe extern "C" fn(This: *mut IDODownload) -> ULONG>,
    /// Slot 2 (IUnknown). Drops a reference; the object is freed at zero. Returns the new count.
    pub Release: Option<unsafe extern "C" fn(This: *mut IDODownload) -> ULONG>,
    /// Slot 3.
    pub Start: Option<
        unsafe extern "C" fn(
            This: *mut IDODownload,
            ranges: *const DO_DOWNLOAD_RANGES_INFO,
        ) -> HRESULT,
    >,
    /// Slot 4.
    pub Pause: Option<unsafe extern "C" fn(This: *mut IDODownload) -> HRESULT>,
    /// Slot 5.
    pub Abort: Option<unsafe extern "C" fn(This: *mut IDODownload) -> HRESULT>,
    /// Slot 6.
    pub Finalize: Option<unsafe extern "C" fn(This: *mut IDODownload) -> HRESULT>,
    /// Slot 7.
    pub GetStatus: Option<
        unsafe extern "C" fn(This: *mut IDODownload, status: *mut DO_DOWNLOAD_STATUS) -> HRESULT,
    >,
    /// Slot 8.
    pub GetProperty: Option<
        unsafe extern "C" fn(
            This: *mut IDODownload,
            propId: DODownloadProperty,
            propVal: *mut VARIANT,
        ) -> HRESULT,
    >,
    /// Slot 9.
    pub SetProperty: Option<
        unsafe extern "C" fn(
            This: *mut IDODownload,
            propId: DODownloadProperty,
            propVal: *const VARIANT,
        ) -> HRESULT,
    >,
}

/// Caller-implemented status callback (slot 3).
///
/// C: `p->lpVtbl->Method(p, ...)` or `IDODownloadStatusCallback_Method(p, ...)`; C++: `p->Method(...)`.
#[repr(C)]
pub struct IDODownloadStatusCallback {
    pub lpVtbl: *const IDODownloadStatusCallbackVtbl,
}

/// Vtable of `IDODownloadStatusCallback` (derives from `IUnknown`).
#[repr(C)]
pub struct IDODownloadStatusCallbackVtbl {
    /// Slot 0 (IUnknown). Asks for another interface of the same object. S_OK and an AddRef'd pointer, or E_NOINTERFACE with `*ppvObject = NULL`; E_POINTER if `ppvObject` is NULL.
    pub QueryInterface: Option<
        unsafe extern "C" fn(
            This: *mut IDODownloadStatusCallback,
            riid: REFIID,
            ppvObject: *mut *mut c_void,
        ) -> HRESULT,
    >,
    /// Slot 1 (IUnknown). Adds a reference; returns the new count (informational).
    pub AddRef: Option<unsafe extern "C" fn(This: *mut IDODownloadStatusCallback) -> ULONG>,
    /// Slot 2 (IUnknown). Drops a reference; the object is freed at zero. Returns the new count.
    pub Release: Option<unsafe extern "C" fn(This: *mut IDODownloadStatusCallback) -> ULONG>,
    /// Slot 3.
    pub OnStatusChange: Option<
        unsafe extern "C" fn(
            This: *mut IDODownloadStatusCallback,
            download: *mut IDODownload,
            status: *const DO_DOWNLOAD_STATUS,
        ) -> HRESULT,
    >,
}

/// Standard COM enumerator of IUnknown pointers (EnumDownloads).
///
/// C: `p->lpVtbl->Method(p, ...)` or `IEnumUnknown_Method(p, ...)`; C++: `p->Method(...)`.
#[repr(C)]
pub struct IEnumUnknown {
    pub lpVtbl: *const IEnumUnknownVtbl,
}

/// Vtable of `IEnumUnknown` (derives from `IUnknown`).
#[repr(C)]
pub struct IEnumUnknownVtbl {
    /// Slot 0 (IUnknown). Asks for another interface of the same object. S_OK and an AddRef'd pointer, or E_NOINTERFACE with `*ppvObject = NULL`; E_POINTER if `ppvObject` is NULL.
    pub QueryInterface: Option<
        unsafe extern "C" fn(
            This: *mut IEnumUnknown,
            riid: REFIID,
            ppvObject: *mut *mut c_void,
        ) -> HRESULT,
    >,
    /// Slot 1 (IUnknown). Adds a reference; returns the new count (informational).
    pub AddRef: Option<unsafe extern "C" fn(This: *mut IEnumUnknown) -> ULONG>,
    /// Slot 2 (IUnknown). Drops a reference; the object is freed at zero. Returns the new count.
    pub Release: Option<unsafe extern "C" fn(This: *mut IEnumUnknown) -> ULONG>,
    /// Slot 3. S_OK if `celt` items were returned, S_FALSE if fewer. `pceltFetched` may be NULL only when `celt` is 1.
    pub Next: Option<
        unsafe extern "C" fn(
            This: *mut IEnumUnknown,
            celt: ULONG,
            rgelt: *mut *mut IUnknown,
            pceltFetched: *mut ULONG,
        ) -> HRESULT,
    >,
    /// Slot 4.
    pub Skip: Option<unsafe extern "C" fn(This: *mut IEnumUnknown, celt: ULONG) -> HRESULT>,
    /// Slot 5.
    pub Reset: Option<unsafe extern "C" fn(This: *mut IEnumUnknown) -> HRESULT>,
    /// Slot 6.
    pub Clone: Option<
        unsafe extern "C" fn(This: *mut IEnumUnknown, ppenum: *mut *mut IEnumUnknown) -> HRESULT,
    >,
}

/// Standard COM byte stream (caller-implemented sink).
///
/// C: `p->lpVtbl->Method(p, ...)` or `ISequentialStream_Method(p, ...)`; C++: `p->Method(...)`.
#[repr(C)]
pub struct ISequentialStream {
    pub lpVtbl: *const ISequentialStreamVtbl,
}

/// Vtable of `ISequentialStream` (derives from `IUnknown`).
#[repr(C)]
pub struct ISequentialStreamVtbl {
    /// Slot 0 (IUnknown). Asks for another interface of the same object. S_OK and an AddRef'd pointer, or E_NOINTERFACE with `*ppvObject = NULL`; E_POINTER if `ppvObject` is NULL.
    pub QueryInterface: Option<
        unsafe extern "C" fn(
            This: *mut ISequentialStream,
            riid: REFIID,
            ppvObject: *mut *mut c_void,
        ) -> HRESULT,
    >,
    /// Slot 1 (IUnknown). Adds a reference; returns the new count (informational).
    pub AddRef: Option<unsafe extern "C" fn(This: *mut ISequentialStream) -> ULONG>,
    /// Slot 2 (IUnknown). Drops a reference; the object is freed at zero. Returns the new count.
    pub Release: Option<unsafe extern "C" fn(This: *mut ISequentialStream) -> ULONG>,
    /// Slot 3.
    pub Read: Option<
        unsafe extern "C" fn(
            This: *mut ISequentialStream,
            pv: *mut c_void,
            cb: ULONG,
            pcbRead: *mut ULONG,
        ) -> HRESULT,
    >,
    /// Slot 4.
    pub Write: Option<
        unsafe extern "C" fn(
            This: *mut ISequentialStream,
            pv: *const c_void,
            cb: ULONG,
            pcbWritten: *mut ULONG,
        ) -> HRESULT,
    >,
}

/// Standard COM stream (caller-implemented sink).
///
/// C: `p->lpVtbl->Method(p, ...)` or `IStream_Method(p, ...)`; C++: `p->Method(...)`.
#[repr(C)]
pub struct IStream {
    pub lpVtbl: *const IStreamVtbl,
}

/// Vtable of `IStream` (derives from `ISequentialStream`).
#[repr(C)]
pub struct IStreamVtbl {
    /// Slot 0 (IUnknown). Asks for another interface of the same object. S_OK and an AddRef'd pointer, or E_NOINTERFACE with `*ppvObject = NULL`; E_POINTER if `ppvObject` is NULL.
    pub QueryInterface: Option<
        unsafe extern "C" fn(
            This: *mut IStream,
            riid: REFIID,
            ppvObject: *mut *mut c_void,
        ) -> HRESULT,
    >,
    /// Slot 1 (IUnknown). Adds a reference; returns the new count (informational).
    pub AddRef: Option<unsafe extern "C" fn(This: *mut IStream) -> ULONG>,
    /// Slot 2 (IUnknown). Drops a reference; the object is freed at zero. Returns the new count.
    pub Release: Option<unsafe extern "C" fn(This: *mut IStream) -> ULONG>,
    /// Slot 3 (ISequentialStream).
    pub Read: Option<
        unsafe extern "C" fn(
            This: *mut IStream,
            pv: *mut c_void,
            cb: ULONG,
            pcbRead: *mut ULONG,
        ) -> HRESULT,
    >,
    /// Slot 4 (ISequentialStream).
    pub Write: Option<
        unsafe extern "C" fn(
            This: *mut IStream,
            pv: *const c_void,
            cb: ULONG,
            pcbWritten: *mut ULONG,
        ) -> HRESULT,
    >,
    /// Slot 5.
    pub Seek: Option<
        unsafe extern "C" fn(
            This: *mut IStream,
            dlibMove: LARGE_INTEGER,
            dwOrigin: DWORD,
            plibNewPosition: *mut ULARGE_INTEGER,
        ) -> HRESULT,
    >,
    /// Slot 6.
    pub SetSize:
        Option<unsafe extern "C" fn(This: *mut IStream, libNewSize: ULARGE_INTEGER) -> HRESULT>,
    /// Slot 7.
    pub CopyTo: Option<
        unsafe extern "C" fn(
            This: *mut IStream,
            pstm: *mut IStream,
            cb: ULARGE_INTEGER,
            pcbRead: *mut ULARGE_INTEGER,
            pcbWritten: *mut ULARGE_INTEGER,
        ) -> HRESULT,
    >,
    /// Slot 8.
    pub Commit: Option<unsafe extern "C" fn(This: *mut IStream, grfCommitFlags: DWORD) -> HRESULT>,
    /// Slot 9.
    pub Revert: Option<unsafe extern "C" fn(This: *mut IStream) -> HRESULT>,
    /// Slot 10.
    pub LockRegion: Option<
        unsafe extern "C" fn(
            This: *mut IStream,
            libOffset: ULARGE_INTEGER,
            cb: ULARGE_INTEGER,
            dwLockType: DWORD,
        ) -> HRESULT,
    >,
    /// Slot 11.
    pub UnlockRegion: Option<
        unsafe extern "C" fn(
            This: *mut IStream,
            libOffset: ULARGE_INTEGER,
            cb: ULARGE_INTEGER,
            dwLockType: DWORD,
        ) -> HRESULT,
    >,
    /// Slot 12.
    pub Stat: Option<
        unsafe extern "C" fn(
            This: *mut IStream,
            pstatstg: *mut STATSTG,
            grfStatFlag: DWORD,
        ) -> HRESULT,
    >,
    /// Slot 13.
    pub Clone:
        Option<unsafe extern "C" fn(This: *mut IStream, ppstm: *mut *mut IStream) -> HRESULT>,
}

/// Legacy DO job add-on (Windows 10 1709); slot order UNCONFIRMED.
///
/// C: `p->lpVtbl->Method(p, ...)` or `IDeliveryOptimizationJob_Method(p, ...)`; C++: `p->Method(...)`.
#[repr(C)]
pub struct IDeliveryOptimizationJob {
    pub lpVtbl: *const IDeliveryOptimizationJobVtbl,
}

/// Vtable of `IDeliveryOptimizationJob` (derives from `IUnknown`).
#[repr(C)]
pub struct IDeliveryOptimizationJobVtbl {
    /// Slot 0 (IUnknown). Asks for another interface of the same object. S_OK and an AddRef'd pointer, or E_NOINTERFACE with `*ppvObject = NULL`; E_POINTER if `ppvObject` is NULL.
    pub QueryInterface: Option<
        unsafe extern "C" fn(
            This: *mut IDeliveryOptimizationJob,
            riid: REFIID,
            ppvObject: *mut *mut c_void,
        ) -> HRESULT,
    >,
    /// Slot 1 (IUnknown). Adds a reference; returns the new count (informational).
    pub AddRef: Option<unsafe extern "C" fn(This: *mut IDeliveryOptimizationJob) -> ULONG>,
    /// Slot 2 (IUnknown). Drops a reference; the object is freed at zero. Returns the new count.
    pub Release: Option<unsafe extern "C" fn(This: *mut IDeliveryOptimizationJob) -> ULONG>,
    /// Slot 3.
    pub AddFileWithRanges: Option<
        unsafe extern "C" fn(
            This: *mut IDeliveryOptimizationJob,
            fileId: LPCWSTR,
            remoteUrl: LPCWSTR,
            localName: LPCWSTR,
            rangeCount: DWORD,
            ranges: *mut BG_FILE_RANGE,
            fileSize: UINT64,
        ) -> HRESULT,
    >,
}

/// Legacy DO job add-on (Windows 10 1803); slot order UNCONFIRMED.
///
/// C: `p->lpVtbl->Method(p, ...)` or `IDeliveryOptimizationJob2_Method(p, ...)`; C++: `p->Method(...)`.
#[repr(C)]
pub struct IDeliveryOptimizationJob2 {
    pub lpVtbl: *const IDeliveryOptimizationJob2Vtbl,
}

/// Vtable of `IDeliveryOptimizationJob2` (derives from `IUnknown`).
#[repr(C)]
pub struct IDeliveryOptimizationJob2Vtbl {
    /// Slot 0 (IUnknown). Asks for another interface of the same object. S_OK and an AddRef'd pointer, or E_NOINTERFACE with `*ppvObject = NULL`; E_POINTER if `ppvObject` is NULL.
    pub QueryInterface: Option<
        unsafe extern "C" fn(
            This: *mut IDeliveryOptimizationJob2,
            riid: REFIID,
            ppvObject: *mut *mut c_void,
        ) -> HRESULT,
    >,
    /// Slot 1 (IUnknown). Adds a reference; returns the new count (informational).
    pub AddRef: Option<unsafe extern "C" fn(This: *mut IDeliveryOptimizationJob2) -> ULONG>,
    /// Slot 2 (IUnknown). Drops a reference; the object is freed at zero. Returns the new count.
    pub Release: Option<unsafe extern "C" fn(This: *mut IDeliveryOptimizationJob2) -> ULONG>,
    /// Slot 3.
    pub AddFile: Option<
        unsafe extern "C" fn(
            This: *mut IDeliveryOptimizationJob2,
            fileId: LPCWSTR,
            remoteUrl: LPCWSTR,
            rangeCount: DWORD,
            ranges: *mut BG_FILE_RANGE,
            riid: REFIID,
            object: *mut *mut c_void,
        ) -> HRESULT,
    >,
    /// Slot 4.
    pub GetProperty: Option<
        unsafe extern "C" fn(
            This: *mut IDeliveryOptimizationJob2,
            propId: DOJobPropertyId,
            propValue: *mut VARIANT,
        ) -> HRESULT,
    >,
    /// Slot 5.
    pub SetProperty: Option<
        unsafe extern "C" fn(
            This: *mut IDeliveryOptimizationJob2,
            propId: DOJobPropertyId,
            propValue: *const VARIANT,
        ) -> HRESULT,
    >,
}

/// Legacy DO file add-on (Windows 10 1709); slot order UNCONFIRMED.
///
/// C: `p->lpVtbl->Method(p, ...)` or `IDeliveryOptimizationFile_Method(p, ...)`; C++: `p->Method(...)`.
#[repr(C)]
pub struct IDeliveryOptimizationFile {
    pub lpVtbl: *const IDeliveryOptimizationFileVtbl,
}

/// Vtable of `IDeliveryOptimizationFile` (derives from `IUnknown`).
#[repr(C)]
pub struct IDeliveryOptimizationFileVtbl {
    /// Slot 0 (IUnknown). Asks for another interface of the same object. S_OK and an AddRef'd pointer, or E_NOINTERFACE with `*ppvObject = NULL`; E_POINTER if `ppvObject` is NULL.
    pub QueryInterface: Option<
        unsafe extern "C" fn(
            This: *mut IDeliveryOptimizationFile,
            riid: REFIID,
            ppvObject: *mut *mut c_void,
        ) -> HRESULT,
    >,
    /// Slot 1 (IUnknown). Adds a reference; returns the new count (informational).
    pub AddRef: Option<unsafe extern "C" fn(This: *mut IDeliveryOptimizationFile) -> ULONG>,
    /// Slot 2 (IUnknown). Drops a reference; the object is freed at zero. Returns the new count.
    pub Release: Option<unsafe extern "C" fn(This: *mut IDeliveryOptimizationFile) -> ULONG>,
    /// Slot 3.
    pub GetStats: Option<
        unsafe extern "C" fn(
            This: *mut IDeliveryOptimizationFile,
            swarmStats: *mut DOSwarmStats,
        ) -> HRESULT,
    >,
}

/// Legacy DO file add-on; slot order UNCONFIRMED.
///
/// C: `p->lpVtbl->Method(p, ...)` or `IDeliveryOptimizationFile2_Method(p, ...)`; C++: `p->Method(...)`.
#[repr(C)]
pub struct IDeliveryOptimizationFile2 {
    pub lpVtbl: *const IDeliveryOptimizationFile2Vtbl,
}

/// Vtable of `IDeliveryOptimizationFile2` (derives from `IUnknown`).
#[repr(C)]
pub struct IDeliveryOptimizationFile2Vtbl {
    /// Slot 0 (IUnknown). Asks for another interface of the same object. S_OK and an AddRef'd pointer, or E_NOINTERFACE with `*ppvObject = NULL`; E_POINTER if `ppvObject` is NULL.
    pub QueryInterface: Option<
        unsafe extern "C" fn(
            This: *mut IDeliveryOptimizationFile2,
            riid: REFIID,
            ppvObject: *mut *mut c_void,
        ) -> HRESULT,
    >,
    /// Slot 1 (IUnknown). Adds a reference; returns the new count (informational).
    pub AddRef: Option<unsafe extern "C" fn(This: *mut IDeliveryOptimizationFile2) -> ULONG>,
    /// Slot 2 (IUnknown). Drops a reference; the object is freed at zero. Returns the new count.
    pub Release: Option<unsafe extern "C" fn(This: *mut IDeliveryOptimizationFile2) -> ULONG>,
    /// Slot 3.
    pub GetProperty: Option<
        unsafe extern "C" fn(
            This: *mut IDeliveryOptimizationFile2,
            propId: DOFilePropertyId,
            propValue: *mut VARIANT,
        ) -> HRESULT,
    >,
    /// Slot 4.
    pub SetProperty: Option<
        unsafe extern "C" fn(
            This: *mut IDeliveryOptimizationFile2,
            propId: DOFilePropertyId,
            propValue: *const VARIANT,
        ) -> HRESULT,
    >,
}
