//! The interfaces: one object struct and one vtable struct for each, in published slot order.
//!
//! Every vtable is written out flat, parents' slots first, exactly as MIDL writes `IXxxVtbl`, so C code
//! calls `p->lpVtbl->Resume(p)` on any interface of the family. Slot order, names and parameter types
//! follow `spec/bits-core.md`, `spec/bits-extended.md` and `spec/do.md`. The C++ class view and the
//! COBJMACROS in `include/deliveryopt.h` are generated from these structs by `xtask`.
//!
//! Slots are `Option<fn>` because vtables written by callers (callbacks, streams) are read from
//! foreign memory: a NULL slot is reported as `E_POINTER`/`E_NOTIMPL`, never called.
#![allow(non_camel_case_types, non_snake_case, clippy::upper_case_acronyms, clippy::type_complexity)]

use core::ffi::c_void;

use super::bits_types::*;
use super::do_types::*;
use super::types::*;

/// The base of every interface: QueryInterface, AddRef, Release (slots 0-2). Every interface
/// pointer received from the library carries one reference: Release it once.
///
/// C: `p->lpVtbl->Method(p, ...)` or `IUnknown_Method(p, ...)`; C++: `p->Method(...)`.
#[repr(C)]
pub struct IUnknown {
    pub lpVtbl: *const IUnknownVtbl,
}

/// Vtable of `IUnknown`. The base of every interface: QueryInterface, AddRef, Release (slots 0-2).
/// Every interface pointer received from the library carries one reference: Release it once.
#[repr(C)]
pub struct IUnknownVtbl {
    /// Slot 0. Stores another interface of this object in `*ppvObject`, AddRef'd (Release it), or
    /// NULL and E_NOINTERFACE. E_POINTER if `ppvObject` is NULL, E_INVALIDARG if `riid` is NULL.
    /// IID_IUnknown gives the same pointer from every interface of one object (COM identity).
    pub QueryInterface:
        Option<unsafe extern "C" fn(This: *mut IUnknown, riid: REFIID, ppvObject: *mut *mut c_void) -> HRESULT>,
    /// Slot 1. Adds a reference and returns the new count (informational only). Take one for every
    /// extra copy of the pointer that you will Release separately.
    pub AddRef: Option<unsafe extern "C" fn(This: *mut IUnknown) -> ULONG>,
    /// Slot 2. Drops one reference you own and returns the new count; the object is freed at 0.
    /// Release once per reference received (out pointers, QueryInterface, Next, AddRef); do not
    /// touch the pointer afterwards.
    pub Release: Option<unsafe extern "C" fn(This: *mut IUnknown) -> ULONG>,
}

/// The BITS manager: creates, finds and enumerates transfer jobs. Obtain it with
/// `CoCreateInstance(&CLSID_BackgroundCopyManager, NULL, CLSCTX_LOCAL_SERVER,
/// &IID_IBackgroundCopyManager, (void **)&p)` (any CLSID_BackgroundCopyManagerX_Y works too) and
/// Release it when done. Free-threaded: call it from any thread.
///
/// C: `p->lpVtbl->Method(p, ...)` or `IBackgroundCopyManager_Method(p, ...)`; C++: `p->Method(...)`.
#[repr(C)]
pub struct IBackgroundCopyManager {
    pub lpVtbl: *const IBackgroundCopyManagerVtbl,
}

/// Vtable of `IBackgroundCopyManager` (derives from `IUnknown`). The BITS manager: creates, finds
/// and enumerates transfer jobs. Obtain it with `CoCreateInstance(&CLSID_BackgroundCopyManager,
/// NULL, CLSCTX_LOCAL_SERVER, &IID_IBackgroundCopyManager, (void **)&p)` (any
/// CLSID_BackgroundCopyManagerX_Y works too) and Release it when done. Free-threaded: call it from
/// any thread.
#[repr(C)]
pub struct IBackgroundCopyManagerVtbl {
    /// Slot 0 (IUnknown). Stores another interface of this object in `*ppvObject`, AddRef'd
    /// (Release it), or NULL and E_NOINTERFACE. E_POINTER if `ppvObject` is NULL, E_INVALIDARG if
    /// `riid` is NULL.
    pub QueryInterface: Option<
        unsafe extern "C" fn(This: *mut IBackgroundCopyManager, riid: REFIID, ppvObject: *mut *mut c_void) -> HRESULT,
    >,
    /// Slot 1 (IUnknown). Adds a reference and returns the new count (informational only).
    pub AddRef: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyManager) -> ULONG>,
    /// Slot 2 (IUnknown). Drops one reference you own and returns the new count; the object is
    /// freed at 0.
    pub Release: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyManager) -> ULONG>,
    /// Slot 3. Creates a job owned by the calling user, SUSPENDED until Resume: writes its GUID to
    /// `*pJobId` and an AddRef'd job to `*ppJob` (Release it). E_INVALIDARG if a pointer is NULL or
    /// DisplayName is over 256 characters; BG_E_TOO_MANY_JOBS_PER_USER / _PER_MACHINE when a quota
    /// (60 / 300) is reached.
    pub CreateJob: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyManager,
            DisplayName: LPCWSTR,
            Type: BG_JOB_TYPE,
            pJobId: *mut GUID,
            ppJob: *mut *mut IBackgroundCopyJob,
        ) -> HRESULT,
    >,
    /// Slot 4. Finds a job by GUID: `*ppJob` is AddRef'd (Release it). BG_E_NOT_FOUND if there is
    /// no such job (or it is CANCELLED or ACKNOWLEDGED), E_ACCESSDENIED if another user owns it,
    /// E_INVALIDARG if a pointer is NULL.
    pub GetJob: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyManager,
            jobID: REFGUID,
            ppJob: *mut *mut IBackgroundCopyJob,
        ) -> HRESULT,
    >,
    /// Slot 5. Snapshot enumerator of the caller's jobs, in `*ppEnum`, AddRef'd (Release it).
    /// dwFlags 0, or BG_JOB_ENUM_ALL_USERS for every user's jobs (root only, else E_ACCESSDENIED);
    /// other bits or a NULL ppEnum: E_INVALIDARG. CANCELLED/ACKNOWLEDGED jobs are not listed.
    pub EnumJobs: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyManager,
            dwFlags: DWORD,
            ppEnum: *mut *mut IEnumBackgroundCopyJobs,
        ) -> HRESULT,
    >,
    /// Slot 6. Message text for any HRESULT in `*pErrorDescription`; free it with CoTaskMemFree.
    /// LanguageId 0 or an English LANGID, else HRESULT_FROM_WIN32(ERROR_RESOURCE_LANG_NOT_FOUND);
    /// no text: HRESULT_FROM_WIN32(ERROR_MR_MID_NOT_FOUND). E_INVALIDARG if the out pointer is
    /// NULL.
    pub GetErrorDescription: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyManager,
            hResult: HRESULT,
            LanguageId: DWORD,
            pErrorDescription: *mut LPWSTR,
        ) -> HRESULT,
    >,
}

/// A BITS transfer job (slots 3-34): its files, state, progress and settings. Obtained from the
/// manager (CreateJob, GetJob, EnumJobs) or a callback; every pointer to one live job is the same
/// object. QueryInterface gives Job2-Job5, IBackgroundCopyJobHttpOptions(2, 3) and
/// IBitsTokenOptions. Free-threaded: call it from any thread.
///
/// C: `p->lpVtbl->Method(p, ...)` or `IBackgroundCopyJob_Method(p, ...)`; C++: `p->Method(...)`.
#[repr(C)]
pub struct IBackgroundCopyJob {
    pub lpVtbl: *const IBackgroundCopyJobVtbl,
}

/// Vtable of `IBackgroundCopyJob` (derives from `IUnknown`). A BITS transfer job (slots 3-34): its
/// files, state, progress and settings. Obtained from the manager (CreateJob, GetJob, EnumJobs) or
/// a callback; every pointer to one live job is the same object. QueryInterface gives Job2-Job5,
/// IBackgroundCopyJobHttpOptions(2, 3) and IBitsTokenOptions. Free-threaded: call it from any
/// thread.
#[repr(C)]
pub struct IBackgroundCopyJobVtbl {
    /// Slot 0 (IUnknown). Stores another interface of this object in `*ppvObject`, AddRef'd
    /// (Release it), or NULL and E_NOINTERFACE. E_POINTER if `ppvObject` is NULL, E_INVALIDARG if
    /// `riid` is NULL.
    pub QueryInterface: Option<
        unsafe extern "C" fn(This: *mut IBackgroundCopyJob, riid: REFIID, ppvObject: *mut *mut c_void) -> HRESULT,
    >,
    /// Slot 1 (IUnknown). Adds a reference and returns the new count (informational only).
    pub AddRef: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob) -> ULONG>,
    /// Slot 2 (IUnknown). Drops one reference you own and returns the new count; the object is
    /// freed at 0.
    pub Release: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob) -> ULONG>,
    /// Slot 3. Adds `cFileCount` files (remote URL and local path each) from `pFileSet`: all or
    /// none. The array stays yours. Same rules and errors as AddFile; E_INVALIDARG if `pFileSet` is
    /// NULL or `cFileCount` is 0.
    pub AddFileSet: Option<
        unsafe extern "C" fn(This: *mut IBackgroundCopyJob, cFileCount: ULONG, pFileSet: *mut BG_FILE_INFO) -> HRESULT,
    >,
    /// Slot 4. Adds one file: RemoteUrl (http, https or file URL, at most 2200 characters) and
    /// LocalName (absolute path in an existing directory). E_INVALIDARG (NULL, bad name or scheme,
    /// relative path), E_ACCESSDENIED, BG_E_TOO_MANY_FILES_IN_JOB (200), BG_E_INVALID_STATE in
    /// final states. Files transfer in the order added.
    pub AddFile:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob, RemoteUrl: LPCWSTR, LocalName: LPCWSTR) -> HRESULT>,
    /// Slot 5. Snapshot enumerator of the job's files in `*pEnum`, AddRef'd (Release it).
    /// E_INVALIDARG if `pEnum` is NULL.
    pub EnumFiles: Option<
        unsafe extern "C" fn(This: *mut IBackgroundCopyJob, pEnum: *mut *mut IEnumBackgroundCopyFiles) -> HRESULT,
    >,
    /// Slot 6. Stops the job: SUSPENDED until Resume. S_OK if it is already suspended.
    /// BG_E_INVALID_STATE in final states (CANCELLED, ACKNOWLEDGED).
    pub Suspend: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob) -> HRESULT>,
    /// Slot 7. Queues the job for transfer (SUSPENDED to QUEUED); in ERROR or TRANSIENT_ERROR it
    /// retries now. BG_E_EMPTY if the job has no files (it stays SUSPENDED); BG_E_INVALID_STATE in
    /// final states.
    pub Resume: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob) -> HRESULT>,
    /// Slot 8. Ends the job (CANCELLED, final) and deletes its temporary files; an existing
    /// destination file is never touched. S_OK or BG_S_UNABLE_TO_DELETE_FILES (success);
    /// BG_E_INVALID_STATE in final states.
    pub Cancel: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob) -> HRESULT>,
    /// Slot 9. Ends the job (ACKNOWLEDGED, final) and renames the fully transferred files to their
    /// local names. S_OK, BG_S_PARTIAL_COMPLETE (unfinished files deleted),
    /// BG_S_UNABLE_TO_DELETE_FILES; BG_E_INVALID_STATE in final states. A failed rename returns its
    /// error (job unchanged).
    pub Complete: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob) -> HRESULT>,
    /// Slot 10. The job's GUID (as given by CreateJob) in `*pVal`. E_INVALIDARG if `pVal` is NULL.
    pub GetId: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob, pVal: *mut GUID) -> HRESULT>,
    /// Slot 11. The job type (BG_JOB_TYPE_DOWNLOAD, ...) in `*pVal`. E_INVALIDARG if `pVal` is
    /// NULL.
    pub GetType: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob, pVal: *mut BG_JOB_TYPE) -> HRESULT>,
    /// Slot 12. Bytes and files total and transferred, in `*pVal`. BytesTotal is BG_SIZE_UNKNOWN
    /// until every file size is known; all zero for a job without files. E_INVALIDARG if `pVal` is
    /// NULL.
    pub GetProgress: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob, pVal: *mut BG_JOB_PROGRESS) -> HRESULT>,
    /// Slot 13. Creation, last modification and transfer completion times (FILETIME, UTC) in
    /// `*pVal`. E_INVALIDARG if `pVal` is NULL.
    pub GetTimes: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob, pVal: *mut BG_JOB_TIMES) -> HRESULT>,
    /// Slot 14. The job state (BG_JOB_STATE_*) in `*pVal`. Works in every state, final ones
    /// included. E_INVALIDARG if `pVal` is NULL.
    pub GetState: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob, pVal: *mut BG_JOB_STATE) -> HRESULT>,
    /// Slot 15. In ERROR or TRANSIENT_ERROR: the error object in `*ppError`, AddRef'd (Release it).
    /// BG_E_ERROR_INFORMATION_UNAVAILABLE in other states (with `*ppError` NULL); E_INVALIDARG if
    /// `ppError` is NULL.
    pub GetError:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob, ppError: *mut *mut IBackgroundCopyError) -> HRESULT>,
    /// Slot 16. The owner's SID as text, `S-1-22-1-<uid>` (the owning Unix user); free it with
    /// CoTaskMemFree. E_INVALIDARG if `pVal` is NULL.
    pub GetOwner: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob, pVal: *mut LPWSTR) -> HRESULT>,
    /// Slot 17. Sets the display name (copied). E_INVALIDARG if `Val` is NULL, BG_E_STRING_TOO_LONG
    /// over 256 characters, BG_E_INVALID_STATE in final states.
    pub SetDisplayName: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob, Val: LPCWSTR) -> HRESULT>,
    /// Slot 18. The display name in `*pVal`; free it with CoTaskMemFree. E_INVALIDARG if `pVal` is
    /// NULL.
    pub GetDisplayName: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob, pVal: *mut LPWSTR) -> HRESULT>,
    /// Slot 19. Sets the description (copied). E_INVALIDARG if `Val` is NULL, BG_E_STRING_TOO_LONG
    /// over 1024 characters, BG_E_INVALID_STATE in final states.
    pub SetDescription: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob, Val: LPCWSTR) -> HRESULT>,
    /// Slot 20. The description in `*pVal` (empty if never set); free it with CoTaskMemFree.
    /// E_INVALIDARG if `pVal` is NULL.
    pub GetDescription: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob, pVal: *mut LPWSTR) -> HRESULT>,
    /// Slot 21. Sets the priority (default BG_JOB_PRIORITY_NORMAL). E_NOTIMPL for a value outside
    /// BG_JOB_PRIORITY; BG_E_INVALID_STATE in final states.
    pub SetPriority: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob, Val: BG_JOB_PRIORITY) -> HRESULT>,
    /// Slot 22. The priority in `*pVal`. E_INVALIDARG if `pVal` is NULL.
    pub GetPriority: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob, pVal: *mut BG_JOB_PRIORITY) -> HRESULT>,
    /// Slot 23. Chooses which callbacks are made: BG_NOTIFY_* bits (default TRANSFERRED | ERROR;
    /// BG_NOTIFY_DISABLE silences all). E_NOTIMPL for unknown bits; BG_E_INVALID_STATE in final
    /// states.
    pub SetNotifyFlags: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob, Val: ULONG) -> HRESULT>,
    /// Slot 24. The BG_NOTIFY_* flags in `*pVal`. E_INVALIDARG if `pVal` is NULL.
    pub GetNotifyFlags: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob, pVal: *mut ULONG) -> HRESULT>,
    /// Slot 25. Registers your callback object (NULL removes it); the library keeps its own
    /// reference, so you may Release yours. It asks for IBackgroundCopyCallback3, then 2, then 1:
    /// E_NOINTERFACE (nothing changed) if none. Not persisted; BG_E_INVALID_STATE in final states.
    pub SetNotifyInterface: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob, Val: *mut IUnknown) -> HRESULT>,
    /// Slot 26. The registered callback in `*pVal`, AddRef'd (Release it), or NULL with S_OK if
    /// none. E_INVALIDARG if `pVal` is NULL.
    pub GetNotifyInterface:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob, pVal: *mut *mut IUnknown) -> HRESULT>,
    /// Slot 27. Seconds a TRANSIENT_ERROR job waits before retrying (default 600; less than 5
    /// counts as 5). BG_E_INVALID_STATE in final states.
    pub SetMinimumRetryDelay: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob, Seconds: ULONG) -> HRESULT>,
    /// Slot 28. The retry delay in seconds in `*Seconds`. E_INVALIDARG if `Seconds` is NULL.
    pub GetMinimumRetryDelay:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob, Seconds: *mut ULONG) -> HRESULT>,
    /// Slot 29. Seconds a job may stay in TRANSIENT_ERROR without progress before it goes to ERROR
    /// (default 1209600, 14 days; 0: every error is final). BG_E_INVALID_STATE in final states.
    pub SetNoProgressTimeout: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob, Seconds: ULONG) -> HRESULT>,
    /// Slot 30. The no-progress timeout in seconds in `*Seconds`. E_INVALIDARG if `Seconds` is
    /// NULL.
    pub GetNoProgressTimeout:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob, Seconds: *mut ULONG) -> HRESULT>,
    /// Slot 31. How many times the job has failed (ERROR or TRANSIENT_ERROR), in `*Errors`; never
    /// reset. E_INVALIDARG if `Errors` is NULL.
    pub GetErrorCount: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob, Errors: *mut ULONG) -> HRESULT>,
    /// Slot 32. Proxy use: BG_JOB_PROXY_USAGE_*; the space-separated lists (copied) only with
    /// OVERRIDE, where ProxyList is required. Otherwise both must be NULL. E_INVALIDARG (list
    /// rules), E_NOTIMPL (bad usage), BG_E_PROXY_LIST_TOO_LARGE / BG_E_PROXY_BYPASS_LIST_TOO_LARGE
    /// (4000 characters), BG_E_INVALID_STATE.
    pub SetProxySettings: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJob,
            ProxyUsage: BG_JOB_PROXY_USAGE,
            ProxyList: *const WCHAR,
            ProxyBypassList: *const WCHAR,
        ) -> HRESULT,
    >,
    /// Slot 33. The proxy usage and lists; each list is NULL if not set, else free it with
    /// CoTaskMemFree. E_INVALIDARG if any out pointer is NULL.
    pub GetProxySettings: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJob,
            pProxyUsage: *mut BG_JOB_PROXY_USAGE,
            pProxyList: *mut LPWSTR,
            pProxyBypassList: *mut LPWSTR,
        ) -> HRESULT,
    >,
    /// Slot 34. Makes the caller the owner (root only, else E_ACCESSDENIED). Clears the
    /// credentials, client certificate, custom headers and notify command line. BG_E_INVALID_STATE
    /// in final states.
    pub TakeOwnership: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob) -> HRESULT>,
}

/// BITS 1.5 job (slots 35-42): notify command line, upload replies, credentials. QueryInterface a
/// job for it. Free-threaded: call it from any thread.
///
/// C: `p->lpVtbl->Method(p, ...)` or `IBackgroundCopyJob2_Method(p, ...)`; C++: `p->Method(...)`.
#[repr(C)]
pub struct IBackgroundCopyJob2 {
    pub lpVtbl: *const IBackgroundCopyJob2Vtbl,
}

/// Vtable of `IBackgroundCopyJob2` (derives from `IBackgroundCopyJob`). BITS 1.5 job (slots 35-42):
/// notify command line, upload replies, credentials. QueryInterface a job for it. Free-threaded:
/// call it from any thread.
#[repr(C)]
pub struct IBackgroundCopyJob2Vtbl {
    /// Slot 0 (IUnknown). Stores another interface of this object in `*ppvObject`, AddRef'd
    /// (Release it), or NULL and E_NOINTERFACE. E_POINTER if `ppvObject` is NULL, E_INVALIDARG if
    /// `riid` is NULL.
    pub QueryInterface: Option<
        unsafe extern "C" fn(This: *mut IBackgroundCopyJob2, riid: REFIID, ppvObject: *mut *mut c_void) -> HRESULT,
    >,
    /// Slot 1 (IUnknown). Adds a reference and returns the new count (informational only).
    pub AddRef: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob2) -> ULONG>,
    /// Slot 2 (IUnknown). Drops one reference you own and returns the new count; the object is
    /// freed at 0.
    pub Release: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob2) -> ULONG>,
    /// Slot 3 (IBackgroundCopyJob). Adds `cFileCount` files (remote URL and local path each) from
    /// `pFileSet`: all or none.
    pub AddFileSet: Option<
        unsafe extern "C" fn(This: *mut IBackgroundCopyJob2, cFileCount: ULONG, pFileSet: *mut BG_FILE_INFO) -> HRESULT,
    >,
    /// Slot 4 (IBackgroundCopyJob). Adds one file: RemoteUrl (http, https or file URL, at most 2200
    /// characters) and LocalName (absolute path in an existing directory).
    pub AddFile:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob2, RemoteUrl: LPCWSTR, LocalName: LPCWSTR) -> HRESULT>,
    /// Slot 5 (IBackgroundCopyJob). Snapshot enumerator of the job's files in `*pEnum`, AddRef'd
    /// (Release it).
    pub EnumFiles: Option<
        unsafe extern "C" fn(This: *mut IBackgroundCopyJob2, pEnum: *mut *mut IEnumBackgroundCopyFiles) -> HRESULT,
    >,
    /// Slot 6 (IBackgroundCopyJob). Stops the job: SUSPENDED until Resume. S_OK if it is already
    /// suspended.
    pub Suspend: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob2) -> HRESULT>,
    /// Slot 7 (IBackgroundCopyJob). Queues the job for transfer (SUSPENDED to QUEUED); in ERROR or
    /// TRANSIENT_ERROR it retries now.
    pub Resume: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob2) -> HRESULT>,
    /// Slot 8 (IBackgroundCopyJob). Ends the job (CANCELLED, final) and deletes its temporary
    /// files; an existing destination file is never touched.
    pub Cancel: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob2) -> HRESULT>,
    /// Slot 9 (IBackgroundCopyJob). Ends the job (ACKNOWLEDGED, final) and renames the fully
    /// transferred files to their local names.
    pub Complete: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob2) -> HRESULT>,
    /// Slot 10 (IBackgroundCopyJob). The job's GUID (as given by CreateJob) in `*pVal`.
    pub GetId: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob2, pVal: *mut GUID) -> HRESULT>,
    /// Slot 11 (IBackgroundCopyJob). The job type (BG_JOB_TYPE_DOWNLOAD, ...) in `*pVal`.
    pub GetType: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob2, pVal: *mut BG_JOB_TYPE) -> HRESULT>,
    /// Slot 12 (IBackgroundCopyJob). Bytes and files total and transferred, in `*pVal`.
    pub GetProgress:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob2, pVal: *mut BG_JOB_PROGRESS) -> HRESULT>,
    /// Slot 13 (IBackgroundCopyJob). Creation, last modification and transfer completion times
    /// (FILETIME, UTC) in `*pVal`.
    pub GetTimes: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob2, pVal: *mut BG_JOB_TIMES) -> HRESULT>,
    /// Slot 14 (IBackgroundCopyJob). The job state (BG_JOB_STATE_*) in `*pVal`. Works in every
    /// state, final ones included.
    pub GetState: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob2, pVal: *mut BG_JOB_STATE) -> HRESULT>,
    /// Slot 15 (IBackgroundCopyJob). In ERROR or TRANSIENT_ERROR: the error object in `*ppError`,
    /// AddRef'd (Release it).
    pub GetError: Option<
        unsafe extern "C" fn(This: *mut IBackgroundCopyJob2, ppError: *mut *mut IBackgroundCopyError) -> HRESULT,
    >,
    /// Slot 16 (IBackgroundCopyJob). The owner's SID as text, `S-1-22-1-<uid>` (the owning Unix
    /// user); free it with CoTaskMemFree.
    pub GetOwner: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob2, pVal: *mut LPWSTR) -> HRESULT>,
    /// Slot 17 (IBackgroundCopyJob). Sets the display name (copied).
    pub SetDisplayName: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob2, Val: LPCWSTR) -> HRESULT>,
    /// Slot 18 (IBackgroundCopyJob). The display name in `*pVal`; free it with CoTaskMemFree.
    pub GetDisplayName: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob2, pVal: *mut LPWSTR) -> HRESULT>,
    /// Slot 19 (IBackgroundCopyJob). Sets the description (copied).
    pub SetDescription: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob2, Val: LPCWSTR) -> HRESULT>,
    /// Slot 20 (IBackgroundCopyJob). The description in `*pVal` (empty if never set); free it with
    /// CoTaskMemFree.
    pub GetDescription: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob2, pVal: *mut LPWSTR) -> HRESULT>,
    /// Slot 21 (IBackgroundCopyJob). Sets the priority (default BG_JOB_PRIORITY_NORMAL).
    pub SetPriority: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob2, Val: BG_JOB_PRIORITY) -> HRESULT>,
    /// Slot 22 (IBackgroundCopyJob). The priority in `*pVal`.
    pub GetPriority:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob2, pVal: *mut BG_JOB_PRIORITY) -> HRESULT>,
    /// Slot 23 (IBackgroundCopyJob). Chooses which callbacks are made: BG_NOTIFY_* bits (default
    /// TRANSFERRED | ERROR; BG_NOTIFY_DISABLE silences all).
    pub SetNotifyFlags: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob2, Val: ULONG) -> HRESULT>,
    /// Slot 24 (IBackgroundCopyJob). The BG_NOTIFY_* flags in `*pVal`.
    pub GetNotifyFlags: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob2, pVal: *mut ULONG) -> HRESULT>,
    /// Slot 25 (IBackgroundCopyJob). Registers your callback object (NULL removes it); the library
    /// keeps its own reference, so you may Release yours.
    pub SetNotifyInterface: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob2, Val: *mut IUnknown) -> HRESULT>,
    /// Slot 26 (IBackgroundCopyJob). The registered callback in `*pVal`, AddRef'd (Release it), or
    /// NULL with S_OK if none.
    pub GetNotifyInterface:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob2, pVal: *mut *mut IUnknown) -> HRESULT>,
    /// Slot 27 (IBackgroundCopyJob). Seconds a TRANSIENT_ERROR job waits before retrying (default
    /// 600; less than 5 counts as 5).
    pub SetMinimumRetryDelay: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob2, Seconds: ULONG) -> HRESULT>,
    /// Slot 28 (IBackgroundCopyJob). The retry delay in seconds in `*Seconds`.
    pub GetMinimumRetryDelay:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob2, Seconds: *mut ULONG) -> HRESULT>,
    /// Slot 29 (IBackgroundCopyJob). Seconds a job may stay in TRANSIENT_ERROR without progress
    /// before it goes to ERROR (default 1209600, 14 days; 0: every error is final).
    pub SetNoProgressTimeout: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob2, Seconds: ULONG) -> HRESULT>,
    /// Slot 30 (IBackgroundCopyJob). The no-progress timeout in seconds in `*Seconds`.
    pub GetNoProgressTimeout:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob2, Seconds: *mut ULONG) -> HRESULT>,
    /// Slot 31 (IBackgroundCopyJob). How many times the job has failed (ERROR or TRANSIENT_ERROR),
    /// in `*Errors`; never reset.
    pub GetErrorCount: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob2, Errors: *mut ULONG) -> HRESULT>,
    /// Slot 32 (IBackgroundCopyJob). Proxy use: BG_JOB_PROXY_USAGE_*; the space-separated lists
    /// (copied) only with OVERRIDE, where ProxyList is required. Otherwise both must be NULL.
    pub SetProxySettings: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJob2,
            ProxyUsage: BG_JOB_PROXY_USAGE,
            ProxyList: *const WCHAR,
            ProxyBypassList: *const WCHAR,
        ) -> HRESULT,
    >,
    /// Slot 33 (IBackgroundCopyJob). The proxy usage and lists; each list is NULL if not set, else
    /// free it with CoTaskMemFree.
    pub GetProxySettings: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJob2,
            pProxyUsage: *mut BG_JOB_PROXY_USAGE,
            pProxyList: *mut LPWSTR,
            pProxyBypassList: *mut LPWSTR,
        ) -> HRESULT,
    >,
    /// Slot 34 (IBackgroundCopyJob). Makes the caller the owner (root only, else E_ACCESSDENIED).
    pub TakeOwnership: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob2) -> HRESULT>,
    /// Slot 35. A program to run when the job reaches TRANSFERRED or ERROR (same BG_NOTIFY flags);
    /// both NULL removes it. Parameters starts with the program itself (as `argv[0]`). Program at
    /// most MAX_PATH, Parameters 4000 characters (BG_E_STRING_TOO_LONG); E_INVALIDARG for Program
    /// NULL with Parameters set; BG_E_INVALID_STATE.
    pub SetNotifyCmdLine:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob2, Program: LPCWSTR, Parameters: LPCWSTR) -> HRESULT>,
    /// Slot 36. The program and parameters, empty strings if not set; free both with CoTaskMemFree.
    /// E_INVALIDARG if an out pointer is NULL.
    pub GetNotifyCmdLine: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJob2,
            pProgram: *mut LPWSTR,
            pParameters: *mut LPWSTR,
        ) -> HRESULT,
    >,
    /// Slot 37. Progress of the reply download of an UPLOAD_REPLY job, in `*pProgress`. E_NOTIMPL
    /// for other job types; E_INVALIDARG if `pProgress` is NULL.
    pub GetReplyProgress:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob2, pProgress: *mut BG_JOB_REPLY_PROGRESS) -> HRESULT>,
    /// Slot 38. The reply of a TRANSFERRED UPLOAD_REPLY job: `*ppBuffer` (free it with
    /// CoTaskMemFree; NULL if there is no reply) and its size in `*pLength`. BG_E_TOO_LARGE over 1
    /// MB (buffer NULL, length set: read the reply file); E_NOTIMPL for other job types;
    /// BG_E_INVALID_STATE if not transferred.
    pub GetReplyData: Option<
        unsafe extern "C" fn(This: *mut IBackgroundCopyJob2, ppBuffer: *mut *mut BYTE, pLength: *mut UINT64) -> HRESULT,
    >,
    /// Slot 39. Where an UPLOAD_REPLY job stores the reply (NULL or empty: a generated name). Call
    /// it before Resume. E_INVALIDARG (invalid name), E_ACCESSDENIED, E_NOTIMPL for other job
    /// types, BG_E_INVALID_STATE.
    pub SetReplyFileName:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob2, ReplyFileName: LPCWSTR) -> HRESULT>,
    /// Slot 40. The reply file name in `*pReplyFileName` (NULL if none yet); free it with
    /// CoTaskMemFree. E_INVALIDARG if the out pointer is NULL.
    pub GetReplyFileName:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob2, pReplyFileName: *mut LPWSTR) -> HRESULT>,
    /// Slot 41. Adds or replaces the credentials for one (target, scheme) pair; the struct and its
    /// strings are copied. Basic and Digest are built (both strings required, Basic user names
    /// without ':'), used on a server's 401 challenge; NTLM, Negotiate and Passport give
    /// E_NOTIMPL. E_INVALIDARG if NULL; BG_E_INVALID_AUTH_TARGET / _SCHEME,
    /// BG_E_USERNAME_TOO_LARGE (> 300), BG_E_PASSWORD_TOO_LARGE (> 65,536), BG_E_INVALID_STATE.
    pub SetCredentials:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob2, credentials: *mut BG_AUTH_CREDENTIALS) -> HRESULT>,
    /// Slot 42. Removes the credentials of one (target, scheme) pair: S_OK, or S_FALSE if there
    /// were none. BG_E_INVALID_AUTH_TARGET / _SCHEME for bad values; BG_E_INVALID_STATE in final
    /// states.
    pub RemoveCredentials: Option<
        unsafe extern "C" fn(This: *mut IBackgroundCopyJob2, Target: BG_AUTH_TARGET, Scheme: BG_AUTH_SCHEME) -> HRESULT,
    >,
}

/// BITS 2.0 job (slots 43-46): remote prefix replacement, byte ranges, file ACL flags.
/// QueryInterface a job for it. Free-threaded: call it from any thread.
///
/// C: `p->lpVtbl->Method(p, ...)` or `IBackgroundCopyJob3_Method(p, ...)`; C++: `p->Method(...)`.
#[repr(C)]
pub struct IBackgroundCopyJob3 {
    pub lpVtbl: *const IBackgroundCopyJob3Vtbl,
}

/// Vtable of `IBackgroundCopyJob3` (derives from `IBackgroundCopyJob2`). BITS 2.0 job (slots
/// 43-46): remote prefix replacement, byte ranges, file ACL flags. QueryInterface a job for it.
/// Free-threaded: call it from any thread.
#[repr(C)]
pub struct IBackgroundCopyJob3Vtbl {
    /// Slot 0 (IUnknown). Stores another interface of this object in `*ppvObject`, AddRef'd
    /// (Release it), or NULL and E_NOINTERFACE. E_POINTER if `ppvObject` is NULL, E_INVALIDARG if
    /// `riid` is NULL.
    pub QueryInterface: Option<
        unsafe extern "C" fn(This: *mut IBackgroundCopyJob3, riid: REFIID, ppvObject: *mut *mut c_void) -> HRESULT,
    >,
    /// Slot 1 (IUnknown). Adds a reference and returns the new count (informational only).
    pub AddRef: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob3) -> ULONG>,
    /// Slot 2 (IUnknown). Drops one reference you own and returns the new count; the object is
    /// freed at 0.
    pub Release: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob3) -> ULONG>,
    /// Slot 3 (IBackgroundCopyJob). Adds `cFileCount` files (remote URL and local path each) from
    /// `pFileSet`: all or none.
    pub AddFileSet: Option<
        unsafe extern "C" fn(This: *mut IBackgroundCopyJob3, cFileCount: ULONG, pFileSet: *mut BG_FILE_INFO) -> HRESULT,
    >,
    /// Slot 4 (IBackgroundCopyJob). Adds one file: RemoteUrl (http, https or file URL, at most 2200
    /// characters) and LocalName (absolute path in an existing directory).
    pub AddFile:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob3, RemoteUrl: LPCWSTR, LocalName: LPCWSTR) -> HRESULT>,
    /// Slot 5 (IBackgroundCopyJob). Snapshot enumerator of the job's files in `*pEnum`, AddRef'd
    /// (Release it).
    pub EnumFiles: Option<
        unsafe extern "C" fn(This: *mut IBackgroundCopyJob3, pEnum: *mut *mut IEnumBackgroundCopyFiles) -> HRESULT,
    >,
    /// Slot 6 (IBackgroundCopyJob). Stops the job: SUSPENDED until Resume. S_OK if it is already
    /// suspended.
    pub Suspend: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob3) -> HRESULT>,
    /// Slot 7 (IBackgroundCopyJob). Queues the job for transfer (SUSPENDED to QUEUED); in ERROR or
    /// TRANSIENT_ERROR it retries now.
    pub Resume: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob3) -> HRESULT>,
    /// Slot 8 (IBackgroundCopyJob). Ends the job (CANCELLED, final) and deletes its temporary
    /// files; an existing destination file is never touched.
    pub Cancel: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob3) -> HRESULT>,
    /// Slot 9 (IBackgroundCopyJob). Ends the job (ACKNOWLEDGED, final) and renames the fully
    /// transferred files to their local names.
    pub Complete: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob3) -> HRESULT>,
    /// Slot 10 (IBackgroundCopyJob). The job's GUID (as given by CreateJob) in `*pVal`.
    pub GetId: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob3, pVal: *mut GUID) -> HRESULT>,
    /// Slot 11 (IBackgroundCopyJob). The job type (BG_JOB_TYPE_DOWNLOAD, ...) in `*pVal`.
    pub GetType: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob3, pVal: *mut BG_JOB_TYPE) -> HRESULT>,
    /// Slot 12 (IBackgroundCopyJob). Bytes and files total and transferred, in `*pVal`.
    pub GetProgress:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob3, pVal: *mut BG_JOB_PROGRESS) -> HRESULT>,
    /// Slot 13 (IBackgroundCopyJob). Creation, last modification and transfer completion times
    /// (FILETIME, UTC) in `*pVal`.
    pub GetTimes: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob3, pVal: *mut BG_JOB_TIMES) -> HRESULT>,
    /// Slot 14 (IBackgroundCopyJob). The job state (BG_JOB_STATE_*) in `*pVal`. Works in every
    /// state, final ones included.
    pub GetState: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob3, pVal: *mut BG_JOB_STATE) -> HRESULT>,
    /// Slot 15 (IBackgroundCopyJob). In ERROR or TRANSIENT_ERROR: the error object in `*ppError`,
    /// AddRef'd (Release it).
    pub GetError: Option<
        unsafe extern "C" fn(This: *mut IBackgroundCopyJob3, ppError: *mut *mut IBackgroundCopyError) -> HRESULT,
    >,
    /// Slot 16 (IBackgroundCopyJob). The owner's SID as text, `S-1-22-1-<uid>` (the owning Unix
    /// user); free it with CoTaskMemFree.
    pub GetOwner: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob3, pVal: *mut LPWSTR) -> HRESULT>,
    /// Slot 17 (IBackgroundCopyJob). Sets the display name (copied).
    pub SetDisplayName: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob3, Val: LPCWSTR) -> HRESULT>,
    /// Slot 18 (IBackgroundCopyJob). The display name in `*pVal`; free it with CoTaskMemFree.
    pub GetDisplayName: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob3, pVal: *mut LPWSTR) -> HRESULT>,
    /// Slot 19 (IBackgroundCopyJob). Sets the description (copied).
    pub SetDescription: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob3, Val: LPCWSTR) -> HRESULT>,
    /// Slot 20 (IBackgroundCopyJob). The description in `*pVal` (empty if never set); free it with
    /// CoTaskMemFree.
    pub GetDescription: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob3, pVal: *mut LPWSTR) -> HRESULT>,
    /// Slot 21 (IBackgroundCopyJob). Sets the priority (default BG_JOB_PRIORITY_NORMAL).
    pub SetPriority: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob3, Val: BG_JOB_PRIORITY) -> HRESULT>,
    /// Slot 22 (IBackgroundCopyJob). The priority in `*pVal`.
    pub GetPriority:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob3, pVal: *mut BG_JOB_PRIORITY) -> HRESULT>,
    /// Slot 23 (IBackgroundCopyJob). Chooses which callbacks are made: BG_NOTIFY_* bits (default
    /// TRANSFERRED | ERROR; BG_NOTIFY_DISABLE silences all).
    pub SetNotifyFlags: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob3, Val: ULONG) -> HRESULT>,
    /// Slot 24 (IBackgroundCopyJob). The BG_NOTIFY_* flags in `*pVal`.
    pub GetNotifyFlags: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob3, pVal: *mut ULONG) -> HRESULT>,
    /// Slot 25 (IBackgroundCopyJob). Registers your callback object (NULL removes it); the library
    /// keeps its own reference, so you may Release yours.
    pub SetNotifyInterface: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob3, Val: *mut IUnknown) -> HRESULT>,
    /// Slot 26 (IBackgroundCopyJob). The registered callback in `*pVal`, AddRef'd (Release it), or
    /// NULL with S_OK if none.
    pub GetNotifyInterface:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob3, pVal: *mut *mut IUnknown) -> HRESULT>,
    /// Slot 27 (IBackgroundCopyJob). Seconds a TRANSIENT_ERROR job waits before retrying (default
    /// 600; less than 5 counts as 5).
    pub SetMinimumRetryDelay: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob3, Seconds: ULONG) -> HRESULT>,
    /// Slot 28 (IBackgroundCopyJob). The retry delay in seconds in `*Seconds`.
    pub GetMinimumRetryDelay:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob3, Seconds: *mut ULONG) -> HRESULT>,
    /// Slot 29 (IBackgroundCopyJob). Seconds a job may stay in TRANSIENT_ERROR without progress
    /// before it goes to ERROR (default 1209600, 14 days; 0: every error is final).
    pub SetNoProgressTimeout: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob3, Seconds: ULONG) -> HRESULT>,
    /// Slot 30 (IBackgroundCopyJob). The no-progress timeout in seconds in `*Seconds`.
    pub GetNoProgressTimeout:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob3, Seconds: *mut ULONG) -> HRESULT>,
    /// Slot 31 (IBackgroundCopyJob). How many times the job has failed (ERROR or TRANSIENT_ERROR),
    /// in `*Errors`; never reset.
    pub GetErrorCount: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob3, Errors: *mut ULONG) -> HRESULT>,
    /// Slot 32 (IBackgroundCopyJob). Proxy use: BG_JOB_PROXY_USAGE_*; the space-separated lists
    /// (copied) only with OVERRIDE, where ProxyList is required. Otherwise both must be NULL.
    pub SetProxySettings: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJob3,
            ProxyUsage: BG_JOB_PROXY_USAGE,
            ProxyList: *const WCHAR,
            ProxyBypassList: *const WCHAR,
        ) -> HRESULT,
    >,
    /// Slot 33 (IBackgroundCopyJob). The proxy usage and lists; each list is NULL if not set, else
    /// free it with CoTaskMemFree.
    pub GetProxySettings: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJob3,
            pProxyUsage: *mut BG_JOB_PROXY_USAGE,
            pProxyList: *mut LPWSTR,
            pProxyBypassList: *mut LPWSTR,
        ) -> HRESULT,
    >,
    /// Slot 34 (IBackgroundCopyJob). Makes the caller the owner (root only, else E_ACCESSDENIED).
    pub TakeOwnership: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob3) -> HRESULT>,
    /// Slot 35 (IBackgroundCopyJob2). A program to run when the job reaches TRANSFERRED or ERROR
    /// (same BG_NOTIFY flags); both NULL removes it. Parameters starts with the program itself (as
    /// `argv[0]`).
    pub SetNotifyCmdLine:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob3, Program: LPCWSTR, Parameters: LPCWSTR) -> HRESULT>,
    /// Slot 36 (IBackgroundCopyJob2). The program and parameters, empty strings if not set; free
    /// both with CoTaskMemFree.
    pub GetNotifyCmdLine: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJob3,
            pProgram: *mut LPWSTR,
            pParameters: *mut LPWSTR,
        ) -> HRESULT,
    >,
    /// Slot 37 (IBackgroundCopyJob2). Progress of the reply download of an UPLOAD_REPLY job, in
    /// `*pProgress`.
    pub GetReplyProgress:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob3, pProgress: *mut BG_JOB_REPLY_PROGRESS) -> HRESULT>,
    /// Slot 38 (IBackgroundCopyJob2). The reply of a TRANSFERRED UPLOAD_REPLY job: `*ppBuffer`
    /// (free it with CoTaskMemFree; NULL if there is no reply) and its size in `*pLength`.
    pub GetReplyData: Option<
        unsafe extern "C" fn(This: *mut IBackgroundCopyJob3, ppBuffer: *mut *mut BYTE, pLength: *mut UINT64) -> HRESULT,
    >,
    /// Slot 39 (IBackgroundCopyJob2). Where an UPLOAD_REPLY job stores the reply (NULL or empty: a
    /// generated name). Call it before Resume.
    pub SetReplyFileName:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob3, ReplyFileName: LPCWSTR) -> HRESULT>,
    /// Slot 40 (IBackgroundCopyJob2). The reply file name in `*pReplyFileName` (NULL if none yet);
    /// free it with CoTaskMemFree.
    pub GetReplyFileName:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob3, pReplyFileName: *mut LPWSTR) -> HRESULT>,
    /// Slot 41 (IBackgroundCopyJob2). Adds or replaces the credentials for one (target, scheme)
    /// pair; the struct and its strings are copied. NULL user and password with NTLM/Negotiate: the
    /// owner's own.
    pub SetCredentials:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob3, credentials: *mut BG_AUTH_CREDENTIALS) -> HRESULT>,
    /// Slot 42 (IBackgroundCopyJob2). Removes the credentials of one (target, scheme) pair: S_OK,
    /// or S_FALSE if there were none.
    pub RemoveCredentials: Option<
        unsafe extern "C" fn(This: *mut IBackgroundCopyJob3, Target: BG_AUTH_TARGET, Scheme: BG_AUTH_SCHEME) -> HRESULT,
    >,
    /// Slot 43. Replaces OldPrefix (case-sensitive) by NewPrefix at the start of every file's
    /// remote name; unfinished files resume if the server copy is unchanged. S_FALSE if nothing
    /// matched; E_INVALIDARG (NULL or empty prefix, bad result URL), E_NOTIMPL (not a download
    /// job), BG_E_INVALID_STATE.
    pub ReplaceRemotePrefix:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob3, OldPrefix: LPCWSTR, NewPrefix: LPCWSTR) -> HRESULT>,
    /// Slot 44. Adds a file of which only `RangeCount` byte ranges of `Ranges` (copied) are
    /// downloaded, written back to back in that order into LocalName. Download jobs only (else
    /// E_NOTIMPL). E_INVALIDARG (NULL, RangeCount 0, AddFile's rules), BG_E_INVALID_RANGE,
    /// BG_E_OVERLAPPING_RANGES, BG_E_TOO_MANY_RANGES_IN_FILE (500), BG_E_INVALID_STATE.
    pub AddFileWithRanges: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJob3,
            RemoteUrl: LPCWSTR,
            LocalName: LPCWSTR,
            RangeCount: DWORD,
            Ranges: *mut BG_FILE_RANGE,
        ) -> HRESULT,
    >,
    /// Slot 45. Which parts of the source's security descriptor (BG_COPY_FILE_*) are copied onto
    /// the local files; 0 clears. E_INVALIDARG for unknown bits; BG_E_INVALID_STATE once
    /// TRANSFERRED or final.
    pub SetFileACLFlags: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob3, Flags: DWORD) -> HRESULT>,
    /// Slot 46. The BG_COPY_FILE_* flags in `*Flags`. E_INVALIDARG if `Flags` is NULL.
    pub GetFileACLFlags: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob3, Flags: *mut DWORD) -> HRESULT>,
}

/// BITS 3.0 job (slots 47-52): peer caching, owner integrity and elevation, maximum download time.
/// QueryInterface a job for it. Free-threaded: call it from any thread.
///
/// C: `p->lpVtbl->Method(p, ...)` or `IBackgroundCopyJob4_Method(p, ...)`; C++: `p->Method(...)`.
#[repr(C)]
pub struct IBackgroundCopyJob4 {
    pub lpVtbl: *const IBackgroundCopyJob4Vtbl,
}

/// Vtable of `IBackgroundCopyJob4` (derives from `IBackgroundCopyJob3`). BITS 3.0 job (slots
/// 47-52): peer caching, owner integrity and elevation, maximum download time. QueryInterface a job
/// for it. Free-threaded: call it from any thread.
#[repr(C)]
pub struct IBackgroundCopyJob4Vtbl {
    /// Slot 0 (IUnknown). Stores another interface of this object in `*ppvObject`, AddRef'd
    /// (Release it), or NULL and E_NOINTERFACE. E_POINTER if `ppvObject` is NULL, E_INVALIDARG if
    /// `riid` is NULL.
    pub QueryInterface: Option<
        unsafe extern "C" fn(This: *mut IBackgroundCopyJob4, riid: REFIID, ppvObject: *mut *mut c_void) -> HRESULT,
    >,
    /// Slot 1 (IUnknown). Adds a reference and returns the new count (informational only).
    pub AddRef: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob4) -> ULONG>,
    /// Slot 2 (IUnknown). Drops one reference you own and returns the new count; the object is
    /// freed at 0.
    pub Release: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob4) -> ULONG>,
    /// Slot 3 (IBackgroundCopyJob). Adds `cFileCount` files (remote URL and local path each) from
    /// `pFileSet`: all or none.
    pub AddFileSet: Option<
        unsafe extern "C" fn(This: *mut IBackgroundCopyJob4, cFileCount: ULONG, pFileSet: *mut BG_FILE_INFO) -> HRESULT,
    >,
    /// Slot 4 (IBackgroundCopyJob). Adds one file: RemoteUrl (http, https or file URL, at most 2200
    /// characters) and LocalName (absolute path in an existing directory).
    pub AddFile:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob4, RemoteUrl: LPCWSTR, LocalName: LPCWSTR) -> HRESULT>,
    /// Slot 5 (IBackgroundCopyJob). Snapshot enumerator of the job's files in `*pEnum`, AddRef'd
    /// (Release it).
    pub EnumFiles: Option<
        unsafe extern "C" fn(This: *mut IBackgroundCopyJob4, pEnum: *mut *mut IEnumBackgroundCopyFiles) -> HRESULT,
    >,
    /// Slot 6 (IBackgroundCopyJob). Stops the job: SUSPENDED until Resume. S_OK if it is already
    /// suspended.
    pub Suspend: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob4) -> HRESULT>,
    /// Slot 7 (IBackgroundCopyJob). Queues the job for transfer (SUSPENDED to QUEUED); in ERROR or
    /// TRANSIENT_ERROR it retries now.
    pub Resume: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob4) -> HRESULT>,
    /// Slot 8 (IBackgroundCopyJob). Ends the job (CANCELLED, final) and deletes its temporary
    /// files; an existing destination file is never touched.
    pub Cancel: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob4) -> HRESULT>,
    /// Slot 9 (IBackgroundCopyJob). Ends the job (ACKNOWLEDGED, final) and renames the fully
    /// transferred files to their local names.
    pub Complete: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob4) -> HRESULT>,
    /// Slot 10 (IBackgroundCopyJob). The job's GUID (as given by CreateJob) in `*pVal`.
    pub GetId: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob4, pVal: *mut GUID) -> HRESULT>,
    /// Slot 11 (IBackgroundCopyJob). The job type (BG_JOB_TYPE_DOWNLOAD, ...) in `*pVal`.
    pub GetType: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob4, pVal: *mut BG_JOB_TYPE) -> HRESULT>,
    /// Slot 12 (IBackgroundCopyJob). Bytes and files total and transferred, in `*pVal`.
    pub GetProgress:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob4, pVal: *mut BG_JOB_PROGRESS) -> HRESULT>,
    /// Slot 13 (IBackgroundCopyJob). Creation, last modification and transfer completion times
    /// (FILETIME, UTC) in `*pVal`.
    pub GetTimes: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob4, pVal: *mut BG_JOB_TIMES) -> HRESULT>,
    /// Slot 14 (IBackgroundCopyJob). The job state (BG_JOB_STATE_*) in `*pVal`. Works in every
    /// state, final ones included.
    pub GetState: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob4, pVal: *mut BG_JOB_STATE) -> HRESULT>,
    /// Slot 15 (IBackgroundCopyJob). In ERROR or TRANSIENT_ERROR: the error object in `*ppError`,
    /// AddRef'd (Release it).
    pub GetError: Option<
        unsafe extern "C" fn(This: *mut IBackgroundCopyJob4, ppError: *mut *mut IBackgroundCopyError) -> HRESULT,
    >,
    /// Slot 16 (IBackgroundCopyJob). The owner's SID as text, `S-1-22-1-<uid>` (the owning Unix
    /// user); free it with CoTaskMemFree.
    pub GetOwner: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob4, pVal: *mut LPWSTR) -> HRESULT>,
    /// Slot 17 (IBackgroundCopyJob). Sets the display name (copied).
    pub SetDisplayName: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob4, Val: LPCWSTR) -> HRESULT>,
    /// Slot 18 (IBackgroundCopyJob). The display name in `*pVal`; free it with CoTaskMemFree.
    pub GetDisplayName: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob4, pVal: *mut LPWSTR) -> HRESULT>,
    /// Slot 19 (IBackgroundCopyJob). Sets the description (copied).
    pub SetDescription: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob4, Val: LPCWSTR) -> HRESULT>,
    /// Slot 20 (IBackgroundCopyJob). The description in `*pVal` (empty if never set); free it with
    /// CoTaskMemFree.
    pub GetDescription: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob4, pVal: *mut LPWSTR) -> HRESULT>,
    /// Slot 21 (IBackgroundCopyJob). Sets the priority (default BG_JOB_PRIORITY_NORMAL).
    pub SetPriority: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob4, Val: BG_JOB_PRIORITY) -> HRESULT>,
    /// Slot 22 (IBackgroundCopyJob). The priority in `*pVal`.
    pub GetPriority:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob4, pVal: *mut BG_JOB_PRIORITY) -> HRESULT>,
    /// Slot 23 (IBackgroundCopyJob). Chooses which callbacks are made: BG_NOTIFY_* bits (default
    /// TRANSFERRED | ERROR; BG_NOTIFY_DISABLE silences all).
    pub SetNotifyFlags: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob4, Val: ULONG) -> HRESULT>,
    /// Slot 24 (IBackgroundCopyJob). The BG_NOTIFY_* flags in `*pVal`.
    pub GetNotifyFlags: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob4, pVal: *mut ULONG) -> HRESULT>,
    /// Slot 25 (IBackgroundCopyJob). Registers your callback object (NULL removes it); the library
    /// keeps its own reference, so you may Release yours.
    pub SetNotifyInterface: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob4, Val: *mut IUnknown) -> HRESULT>,
    /// Slot 26 (IBackgroundCopyJob). The registered callback in `*pVal`, AddRef'd (Release it), or
    /// NULL with S_OK if none.
    pub GetNotifyInterface:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob4, pVal: *mut *mut IUnknown) -> HRESULT>,
    /// Slot 27 (IBackgroundCopyJob). Seconds a TRANSIENT_ERROR job waits before retrying (default
    /// 600; less than 5 counts as 5).
    pub SetMinimumRetryDelay: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob4, Seconds: ULONG) -> HRESULT>,
    /// Slot 28 (IBackgroundCopyJob). The retry delay in seconds in `*Seconds`.
    pub GetMinimumRetryDelay:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob4, Seconds: *mut ULONG) -> HRESULT>,
    /// Slot 29 (IBackgroundCopyJob). Seconds a job may stay in TRANSIENT_ERROR without progress
    /// before it goes to ERROR (default 1209600, 14 days; 0: every error is final).
    pub SetNoProgressTimeout: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob4, Seconds: ULONG) -> HRESULT>,
    /// Slot 30 (IBackgroundCopyJob). The no-progress timeout in seconds in `*Seconds`.
    pub GetNoProgressTimeout:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob4, Seconds: *mut ULONG) -> HRESULT>,
    /// Slot 31 (IBackgroundCopyJob). How many times the job has failed (ERROR or TRANSIENT_ERROR),
    /// in `*Errors`; never reset.
    pub GetErrorCount: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob4, Errors: *mut ULONG) -> HRESULT>,
    /// Slot 32 (IBackgroundCopyJob). Proxy use: BG_JOB_PROXY_USAGE_*; the space-separated lists
    /// (copied) only with OVERRIDE, where ProxyList is required. Otherwise both must be NULL.
    pub SetProxySettings: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJob4,
            ProxyUsage: BG_JOB_PROXY_USAGE,
            ProxyList: *const WCHAR,
            ProxyBypassList: *const WCHAR,
        ) -> HRESULT,
    >,
    /// Slot 33 (IBackgroundCopyJob). The proxy usage and lists; each list is NULL if not set, else
    /// free it with CoTaskMemFree.
    pub GetProxySettings: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJob4,
            pProxyUsage: *mut BG_JOB_PROXY_USAGE,
            pProxyList: *mut LPWSTR,
            pProxyBypassList: *mut LPWSTR,
        ) -> HRESULT,
    >,
    /// Slot 34 (IBackgroundCopyJob). Makes the caller the owner (root only, else E_ACCESSDENIED).
    pub TakeOwnership: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob4) -> HRESULT>,
    /// Slot 35 (IBackgroundCopyJob2). A program to run when the job reaches TRANSFERRED or ERROR
    /// (same BG_NOTIFY flags); both NULL removes it. Parameters starts with the program itself (as
    /// `argv[0]`).
    pub SetNotifyCmdLine:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob4, Program: LPCWSTR, Parameters: LPCWSTR) -> HRESULT>,
    /// Slot 36 (IBackgroundCopyJob2). The program and parameters, empty strings if not set; free
    /// both with CoTaskMemFree.
    pub GetNotifyCmdLine: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJob4,
            pProgram: *mut LPWSTR,
            pParameters: *mut LPWSTR,
        ) -> HRESULT,
    >,
    /// Slot 37 (IBackgroundCopyJob2). Progress of the reply download of an UPLOAD_REPLY job, in
    /// `*pProgress`.
    pub GetReplyProgress:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob4, pProgress: *mut BG_JOB_REPLY_PROGRESS) -> HRESULT>,
    /// Slot 38 (IBackgroundCopyJob2). The reply of a TRANSFERRED UPLOAD_REPLY job: `*ppBuffer`
    /// (free it with CoTaskMemFree; NULL if there is no reply) and its size in `*pLength`.
    pub GetReplyData: Option<
        unsafe extern "C" fn(This: *mut IBackgroundCopyJob4, ppBuffer: *mut *mut BYTE, pLength: *mut UINT64) -> HRESULT,
    >,
    /// Slot 39 (IBackgroundCopyJob2). Where an UPLOAD_REPLY job stores the reply (NULL or empty: a
    /// generated name). Call it before Resume.
    pub SetReplyFileName:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob4, ReplyFileName: LPCWSTR) -> HRESULT>,
    /// Slot 40 (IBackgroundCopyJob2). The reply file name in `*pReplyFileName` (NULL if none yet);
    /// free it with CoTaskMemFree.
    pub GetReplyFileName:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob4, pReplyFileName: *mut LPWSTR) -> HRESULT>,
    /// Slot 41 (IBackgroundCopyJob2). Adds or replaces the credentials for one (target, scheme)
    /// pair; the struct and its strings are copied. NULL user and password with NTLM/Negotiate: the
    /// owner's own.
    pub SetCredentials:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob4, credentials: *mut BG_AUTH_CREDENTIALS) -> HRESULT>,
    /// Slot 42 (IBackgroundCopyJob2). Removes the credentials of one (target, scheme) pair: S_OK,
    /// or S_FALSE if there were none.
    pub RemoveCredentials: Option<
        unsafe extern "C" fn(This: *mut IBackgroundCopyJob4, Target: BG_AUTH_TARGET, Scheme: BG_AUTH_SCHEME) -> HRESULT,
    >,
    /// Slot 43 (IBackgroundCopyJob3). Replaces OldPrefix (case-sensitive) by NewPrefix at the start
    /// of every file's remote name; unfinished files resume if the server copy is unchanged.
    pub ReplaceRemotePrefix:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob4, OldPrefix: LPCWSTR, NewPrefix: LPCWSTR) -> HRESULT>,
    /// Slot 44 (IBackgroundCopyJob3). Adds a file of which only `RangeCount` byte ranges of
    /// `Ranges` (copied) are downloaded, written back to back in that order into LocalName.
    /// Download jobs only (else E_NOTIMPL).
    pub AddFileWithRanges: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJob4,
            RemoteUrl: LPCWSTR,
            LocalName: LPCWSTR,
            RangeCount: DWORD,
            Ranges: *mut BG_FILE_RANGE,
        ) -> HRESULT,
    >,
    /// Slot 45 (IBackgroundCopyJob3). Which parts of the source's security descriptor
    /// (BG_COPY_FILE_*) are copied onto the local files; 0 clears.
    pub SetFileACLFlags: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob4, Flags: DWORD) -> HRESULT>,
    /// Slot 46 (IBackgroundCopyJob3). The BG_COPY_FILE_* flags in `*Flags`.
    pub GetFileACLFlags: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob4, Flags: *mut DWORD) -> HRESULT>,
    /// Slot 47. Peer caching flags: BG_JOB_ENABLE_PEERCACHING_CLIENT / _SERVER (deprecated),
    /// BG_JOB_DISABLE_BRANCH_CACHE. BG_E_INVALID_STATE in final states.
    pub SetPeerCachingFlags: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob4, Flags: DWORD) -> HRESULT>,
    /// Slot 48. The peer caching flags in `*pFlags`. E_INVALIDARG if `pFlags` is NULL.
    pub GetPeerCachingFlags:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob4, pFlags: *mut DWORD) -> HRESULT>,
    /// Slot 49. The owner's integrity level when the job was created (e.g. 0x2000 medium, 0x3000
    /// high), in `*pLevel`. E_INVALIDARG if `pLevel` is NULL.
    pub GetOwnerIntegrityLevel:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob4, pLevel: *mut ULONG) -> HRESULT>,
    /// Slot 50. TRUE in `*pElevated` if the owner was elevated when the job was created.
    /// E_INVALIDARG if `pElevated` is NULL.
    pub GetOwnerElevationState:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob4, pElevated: *mut BOOL) -> HRESULT>,
    /// Slot 51. Total seconds the job may spend connecting and transferring before it goes to ERROR
    /// with BG_E_MAXDOWNLOAD_TIMEOUT (default 7776000, 90 days); Resume restarts the count.
    /// BG_E_INVALID_STATE in final states.
    pub SetMaximumDownloadTime: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob4, Timeout: ULONG) -> HRESULT>,
    /// Slot 52. The maximum download time in seconds in `*pTimeout`. E_INVALIDARG if `pTimeout` is
    /// NULL.
    pub GetMaximumDownloadTime:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob4, pTimeout: *mut ULONG) -> HRESULT>,
}

/// BITS 5.0 job (slots 53-54): typed job properties (BITS_JOB_PROPERTY_ID). QueryInterface a job
/// for it. Free-threaded: call it from any thread.
///
/// C: `p->lpVtbl->Method(p, ...)` or `IBackgroundCopyJob5_Method(p, ...)`; C++: `p->Method(...)`.
#[repr(C)]
pub struct IBackgroundCopyJob5 {
    pub lpVtbl: *const IBackgroundCopyJob5Vtbl,
}

/// Vtable of `IBackgroundCopyJob5` (derives from `IBackgroundCopyJob4`). BITS 5.0 job (slots
/// 53-54): typed job properties (BITS_JOB_PROPERTY_ID). QueryInterface a job for it. Free-threaded:
/// call it from any thread.
#[repr(C)]
pub struct IBackgroundCopyJob5Vtbl {
    /// Slot 0 (IUnknown). Stores another interface of this object in `*ppvObject`, AddRef'd
    /// (Release it), or NULL and E_NOINTERFACE. E_POINTER if `ppvObject` is NULL, E_INVALIDARG if
    /// `riid` is NULL.
    pub QueryInterface: Option<
        unsafe extern "C" fn(This: *mut IBackgroundCopyJob5, riid: REFIID, ppvObject: *mut *mut c_void) -> HRESULT,
    >,
    /// Slot 1 (IUnknown). Adds a reference and returns the new count (informational only).
    pub AddRef: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob5) -> ULONG>,
    /// Slot 2 (IUnknown). Drops one reference you own and returns the new count; the object is
    /// freed at 0.
    pub Release: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob5) -> ULONG>,
    /// Slot 3 (IBackgroundCopyJob). Adds `cFileCount` files (remote URL and local path each) from
    /// `pFileSet`: all or none.
    pub AddFileSet: Option<
        unsafe extern "C" fn(This: *mut IBackgroundCopyJob5, cFileCount: ULONG, pFileSet: *mut BG_FILE_INFO) -> HRESULT,
    >,
    /// Slot 4 (IBackgroundCopyJob). Adds one file: RemoteUrl (http, https or file URL, at most 2200
    /// characters) and LocalName (absolute path in an existing directory).
    pub AddFile:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob5, RemoteUrl: LPCWSTR, LocalName: LPCWSTR) -> HRESULT>,
    /// Slot 5 (IBackgroundCopyJob). Snapshot enumerator of the job's files in `*pEnum`, AddRef'd
    /// (Release it).
    pub EnumFiles: Option<
        unsafe extern "C" fn(This: *mut IBackgroundCopyJob5, pEnum: *mut *mut IEnumBackgroundCopyFiles) -> HRESULT,
    >,
    /// Slot 6 (IBackgroundCopyJob). Stops the job: SUSPENDED until Resume. S_OK if it is already
    /// suspended.
    pub Suspend: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob5) -> HRESULT>,
    /// Slot 7 (IBackgroundCopyJob). Queues the job for transfer (SUSPENDED to QUEUED); in ERROR or
    /// TRANSIENT_ERROR it retries now.
    pub Resume: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob5) -> HRESULT>,
    /// Slot 8 (IBackgroundCopyJob). Ends the job (CANCELLED, final) and deletes its temporary
    /// files; an existing destination file is never touched.
    pub Cancel: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob5) -> HRESULT>,
    /// Slot 9 (IBackgroundCopyJob). Ends the job (ACKNOWLEDGED, final) and renames the fully
    /// transferred files to their local names.
    pub Complete: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob5) -> HRESULT>,
    /// Slot 10 (IBackgroundCopyJob). The job's GUID (as given by CreateJob) in `*pVal`.
    pub GetId: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob5, pVal: *mut GUID) -> HRESULT>,
    /// Slot 11 (IBackgroundCopyJob). The job type (BG_JOB_TYPE_DOWNLOAD, ...) in `*pVal`.
    pub GetType: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob5, pVal: *mut BG_JOB_TYPE) -> HRESULT>,
    /// Slot 12 (IBackgroundCopyJob). Bytes and files total and transferred, in `*pVal`.
    pub GetProgress:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob5, pVal: *mut BG_JOB_PROGRESS) -> HRESULT>,
    /// Slot 13 (IBackgroundCopyJob). Creation, last modification and transfer completion times
    /// (FILETIME, UTC) in `*pVal`.
    pub GetTimes: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob5, pVal: *mut BG_JOB_TIMES) -> HRESULT>,
    /// Slot 14 (IBackgroundCopyJob). The job state (BG_JOB_STATE_*) in `*pVal`. Works in every
    /// state, final ones included.
    pub GetState: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob5, pVal: *mut BG_JOB_STATE) -> HRESULT>,
    /// Slot 15 (IBackgroundCopyJob). In ERROR or TRANSIENT_ERROR: the error object in `*ppError`,
    /// AddRef'd (Release it).
    pub GetError: Option<
        unsafe extern "C" fn(This: *mut IBackgroundCopyJob5, ppError: *mut *mut IBackgroundCopyError) -> HRESULT,
    >,
    /// Slot 16 (IBackgroundCopyJob). The owner's SID as text, `S-1-22-1-<uid>` (the owning Unix
    /// user); free it with CoTaskMemFree.
    pub GetOwner: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob5, pVal: *mut LPWSTR) -> HRESULT>,
    /// Slot 17 (IBackgroundCopyJob). Sets the display name (copied).
    pub SetDisplayName: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob5, Val: LPCWSTR) -> HRESULT>,
    /// Slot 18 (IBackgroundCopyJob). The display name in `*pVal`; free it with CoTaskMemFree.
    pub GetDisplayName: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob5, pVal: *mut LPWSTR) -> HRESULT>,
    /// Slot 19 (IBackgroundCopyJob). Sets the description (copied).
    pub SetDescription: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob5, Val: LPCWSTR) -> HRESULT>,
    /// Slot 20 (IBackgroundCopyJob). The description in `*pVal` (empty if never set); free it with
    /// CoTaskMemFree.
    pub GetDescription: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob5, pVal: *mut LPWSTR) -> HRESULT>,
    /// Slot 21 (IBackgroundCopyJob). Sets the priority (default BG_JOB_PRIORITY_NORMAL).
    pub SetPriority: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob5, Val: BG_JOB_PRIORITY) -> HRESULT>,
    /// Slot 22 (IBackgroundCopyJob). The priority in `*pVal`.
    pub GetPriority:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob5, pVal: *mut BG_JOB_PRIORITY) -> HRESULT>,
    /// Slot 23 (IBackgroundCopyJob). Chooses which callbacks are made: BG_NOTIFY_* bits (default
    /// TRANSFERRED | ERROR; BG_NOTIFY_DISABLE silences all).
    pub SetNotifyFlags: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob5, Val: ULONG) -> HRESULT>,
    /// Slot 24 (IBackgroundCopyJob). The BG_NOTIFY_* flags in `*pVal`.
    pub GetNotifyFlags: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob5, pVal: *mut ULONG) -> HRESULT>,
    /// Slot 25 (IBackgroundCopyJob). Registers your callback object (NULL removes it); the library
    /// keeps its own reference, so you may Release yours.
    pub SetNotifyInterface: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob5, Val: *mut IUnknown) -> HRESULT>,
    /// Slot 26 (IBackgroundCopyJob). The registered callback in `*pVal`, AddRef'd (Release it), or
    /// NULL with S_OK if none.
    pub GetNotifyInterface:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob5, pVal: *mut *mut IUnknown) -> HRESULT>,
    /// Slot 27 (IBackgroundCopyJob). Seconds a TRANSIENT_ERROR job waits before retrying (default
    /// 600; less than 5 counts as 5).
    pub SetMinimumRetryDelay: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob5, Seconds: ULONG) -> HRESULT>,
    /// Slot 28 (IBackgroundCopyJob). The retry delay in seconds in `*Seconds`.
    pub GetMinimumRetryDelay:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob5, Seconds: *mut ULONG) -> HRESULT>,
    /// Slot 29 (IBackgroundCopyJob). Seconds a job may stay in TRANSIENT_ERROR without progress
    /// before it goes to ERROR (default 1209600, 14 days; 0: every error is final).
    pub SetNoProgressTimeout: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob5, Seconds: ULONG) -> HRESULT>,
    /// Slot 30 (IBackgroundCopyJob). The no-progress timeout in seconds in `*Seconds`.
    pub GetNoProgressTimeout:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob5, Seconds: *mut ULONG) -> HRESULT>,
    /// Slot 31 (IBackgroundCopyJob). How many times the job has failed (ERROR or TRANSIENT_ERROR),
    /// in `*Errors`; never reset.
    pub GetErrorCount: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob5, Errors: *mut ULONG) -> HRESULT>,
    /// Slot 32 (IBackgroundCopyJob). Proxy use: BG_JOB_PROXY_USAGE_*; the space-separated lists
    /// (copied) only with OVERRIDE, where ProxyList is required. Otherwise both must be NULL.
    pub SetProxySettings: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJob5,
            ProxyUsage: BG_JOB_PROXY_USAGE,
            ProxyList: *const WCHAR,
            ProxyBypassList: *const WCHAR,
        ) -> HRESULT,
    >,
    /// Slot 33 (IBackgroundCopyJob). The proxy usage and lists; each list is NULL if not set, else
    /// free it with CoTaskMemFree.
    pub GetProxySettings: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJob5,
            pProxyUsage: *mut BG_JOB_PROXY_USAGE,
            pProxyList: *mut LPWSTR,
            pProxyBypassList: *mut LPWSTR,
        ) -> HRESULT,
    >,
    /// Slot 34 (IBackgroundCopyJob). Makes the caller the owner (root only, else E_ACCESSDENIED).
    pub TakeOwnership: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob5) -> HRESULT>,
    /// Slot 35 (IBackgroundCopyJob2). A program to run when the job reaches TRANSFERRED or ERROR
    /// (same BG_NOTIFY flags); both NULL removes it. Parameters starts with the program itself (as
    /// `argv[0]`).
    pub SetNotifyCmdLine:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob5, Program: LPCWSTR, Parameters: LPCWSTR) -> HRESULT>,
    /// Slot 36 (IBackgroundCopyJob2). The program and parameters, empty strings if not set; free
    /// both with CoTaskMemFree.
    pub GetNotifyCmdLine: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJob5,
            pProgram: *mut LPWSTR,
            pParameters: *mut LPWSTR,
        ) -> HRESULT,
    >,
    /// Slot 37 (IBackgroundCopyJob2). Progress of the reply download of an UPLOAD_REPLY job, in
    /// `*pProgress`.
    pub GetReplyProgress:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob5, pProgress: *mut BG_JOB_REPLY_PROGRESS) -> HRESULT>,
    /// Slot 38 (IBackgroundCopyJob2). The reply of a TRANSFERRED UPLOAD_REPLY job: `*ppBuffer`
    /// (free it with CoTaskMemFree; NULL if there is no reply) and its size in `*pLength`.
    pub GetReplyData: Option<
        unsafe extern "C" fn(This: *mut IBackgroundCopyJob5, ppBuffer: *mut *mut BYTE, pLength: *mut UINT64) -> HRESULT,
    >,
    /// Slot 39 (IBackgroundCopyJob2). Where an UPLOAD_REPLY job stores the reply (NULL or empty: a
    /// generated name). Call it before Resume.
    pub SetReplyFileName:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob5, ReplyFileName: LPCWSTR) -> HRESULT>,
    /// Slot 40 (IBackgroundCopyJob2). The reply file name in `*pReplyFileName` (NULL if none yet);
    /// free it with CoTaskMemFree.
    pub GetReplyFileName:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob5, pReplyFileName: *mut LPWSTR) -> HRESULT>,
    /// Slot 41 (IBackgroundCopyJob2). Adds or replaces the credentials for one (target, scheme)
    /// pair; the struct and its strings are copied. NULL user and password with NTLM/Negotiate: the
    /// owner's own.
    pub SetCredentials:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob5, credentials: *mut BG_AUTH_CREDENTIALS) -> HRESULT>,
    /// Slot 42 (IBackgroundCopyJob2). Removes the credentials of one (target, scheme) pair: S_OK,
    /// or S_FALSE if there were none.
    pub RemoveCredentials: Option<
        unsafe extern "C" fn(This: *mut IBackgroundCopyJob5, Target: BG_AUTH_TARGET, Scheme: BG_AUTH_SCHEME) -> HRESULT,
    >,
    /// Slot 43 (IBackgroundCopyJob3). Replaces OldPrefix (case-sensitive) by NewPrefix at the start
    /// of every file's remote name; unfinished files resume if the server copy is unchanged.
    pub ReplaceRemotePrefix:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob5, OldPrefix: LPCWSTR, NewPrefix: LPCWSTR) -> HRESULT>,
    /// Slot 44 (IBackgroundCopyJob3). Adds a file of which only `RangeCount` byte ranges of
    /// `Ranges` (copied) are downloaded, written back to back in that order into LocalName.
    /// Download jobs only (else E_NOTIMPL).
    pub AddFileWithRanges: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJob5,
            RemoteUrl: LPCWSTR,
            LocalName: LPCWSTR,
            RangeCount: DWORD,
            Ranges: *mut BG_FILE_RANGE,
        ) -> HRESULT,
    >,
    /// Slot 45 (IBackgroundCopyJob3). Which parts of the source's security descriptor
    /// (BG_COPY_FILE_*) are copied onto the local files; 0 clears.
    pub SetFileACLFlags: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob5, Flags: DWORD) -> HRESULT>,
    /// Slot 46 (IBackgroundCopyJob3). The BG_COPY_FILE_* flags in `*Flags`.
    pub GetFileACLFlags: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob5, Flags: *mut DWORD) -> HRESULT>,
    /// Slot 47 (IBackgroundCopyJob4). Peer caching flags: BG_JOB_ENABLE_PEERCACHING_CLIENT /
    /// _SERVER (deprecated), BG_JOB_DISABLE_BRANCH_CACHE.
    pub SetPeerCachingFlags: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob5, Flags: DWORD) -> HRESULT>,
    /// Slot 48 (IBackgroundCopyJob4). The peer caching flags in `*pFlags`.
    pub GetPeerCachingFlags:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob5, pFlags: *mut DWORD) -> HRESULT>,
    /// Slot 49 (IBackgroundCopyJob4). The owner's integrity level when the job was created (e.g.
    /// 0x2000 medium, 0x3000 high), in `*pLevel`.
    pub GetOwnerIntegrityLevel:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob5, pLevel: *mut ULONG) -> HRESULT>,
    /// Slot 50 (IBackgroundCopyJob4). TRUE in `*pElevated` if the owner was elevated when the job
    /// was created.
    pub GetOwnerElevationState:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob5, pElevated: *mut BOOL) -> HRESULT>,
    /// Slot 51 (IBackgroundCopyJob4). Total seconds the job may spend connecting and transferring
    /// before it goes to ERROR with BG_E_MAXDOWNLOAD_TIMEOUT (default 7776000, 90 days); Resume
    /// restarts the count.
    pub SetMaximumDownloadTime: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob5, Timeout: ULONG) -> HRESULT>,
    /// Slot 52 (IBackgroundCopyJob4). The maximum download time in seconds in `*pTimeout`.
    pub GetMaximumDownloadTime:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJob5, pTimeout: *mut ULONG) -> HRESULT>,
    /// Slot 53. Sets one BITS_JOB_PROPERTY_ID; the 16-byte union is passed by value (as the
    /// platform C ABI passes it) and its member is chosen by PropertyId. BG_E_UNKNOWN_PROPERTY_ID,
    /// BG_E_READ_ONLY_PROPERTY, BG_E_READ_ONLY_PROPERTY_AFTER_ADDFILE / _AFTER_RESUME,
    /// BG_E_PROPERTY_SUPPORTED_FOR_DOWNLOAD_JOBS_ONLY, BG_E_INVALID_STATE. ON_DEMAND_MODE (File6
    /// random access) is set before the first Resume: E_INVALIDARG with DYNAMIC_CONTENT, ranged or
    /// local files; BG_E_NOT_SUPPORTED_WITH_CUSTOM_HTTP_METHOD with a custom HTTP method.
    pub SetProperty: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJob5,
            PropertyId: BITS_JOB_PROPERTY_ID,
            PropertyValue: BITS_JOB_PROPERTY_VALUE,
        ) -> HRESULT,
    >,
    /// Slot 54. Reads one BITS_JOB_PROPERTY_ID into the union member it selects in
    /// `*PropertyValue`. BG_E_UNKNOWN_PROPERTY_ID for unknown ids; E_INVALIDARG if `PropertyValue`
    /// is NULL.
    pub GetProperty: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJob5,
            PropertyId: BITS_JOB_PROPERTY_ID,
            PropertyValue: *mut BITS_JOB_PROPERTY_VALUE,
        ) -> HRESULT,
    >,
}

/// One file of a job (slots 3-5): names and progress. Obtained from IEnumBackgroundCopyFiles,
/// IBackgroundCopyError::GetFile or a callback; QueryInterface gives File2-File6. Free-threaded:
/// call it from any thread.
///
/// C: `p->lpVtbl->Method(p, ...)` or `IBackgroundCopyFile_Method(p, ...)`; C++: `p->Method(...)`.
#[repr(C)]
pub struct IBackgroundCopyFile {
    pub lpVtbl: *const IBackgroundCopyFileVtbl,
}

/// Vtable of `IBackgroundCopyFile` (derives from `IUnknown`). One file of a job (slots 3-5): names
/// and progress. Obtained from IEnumBackgroundCopyFiles, IBackgroundCopyError::GetFile or a
/// callback; QueryInterface gives File2-File6. Free-threaded: call it from any thread.
#[repr(C)]
pub struct IBackgroundCopyFileVtbl {
    /// Slot 0 (IUnknown). Stores another interface of this object in `*ppvObject`, AddRef'd
    /// (Release it), or NULL and E_NOINTERFACE. E_POINTER if `ppvObject` is NULL, E_INVALIDARG if
    /// `riid` is NULL.
    pub QueryInterface: Option<
        unsafe extern "C" fn(This: *mut IBackgroundCopyFile, riid: REFIID, ppvObject: *mut *mut c_void) -> HRESULT,
    >,
    /// Slot 1 (IUnknown). Adds a reference and returns the new count (informational only).
    pub AddRef: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyFile) -> ULONG>,
    /// Slot 2 (IUnknown). Drops one reference you own and returns the new count; the object is
    /// freed at 0.
    pub Release: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyFile) -> ULONG>,
    /// Slot 3. The current remote URL (after SetRemoteName, ReplaceRemotePrefix, redirects); free
    /// it with CoTaskMemFree. E_INVALIDARG if `pVal` is NULL.
    pub GetRemoteName: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyFile, pVal: *mut LPWSTR) -> HRESULT>,
    /// Slot 4. The destination path; free it with CoTaskMemFree. E_INVALIDARG if `pVal` is NULL.
    pub GetLocalName: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyFile, pVal: *mut LPWSTR) -> HRESULT>,
    /// Slot 5. Bytes total (BG_SIZE_UNKNOWN until known) and transferred, and whether the file is
    /// complete, in `*pVal`. E_INVALIDARG if `pVal` is NULL.
    pub GetProgress:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyFile, pVal: *mut BG_FILE_PROGRESS) -> HRESULT>,
}

/// BITS 2.0 file (slots 6-7): byte ranges and remote name change. QueryInterface a file for it.
/// Free-threaded: call it from any thread.
///
/// C: `p->lpVtbl->Method(p, ...)` or `IBackgroundCopyFile2_Method(p, ...)`; C++: `p->Method(...)`.
#[repr(C)]
pub struct IBackgroundCopyFile2 {
    pub lpVtbl: *const IBackgroundCopyFile2Vtbl,
}

/// Vtable of `IBackgroundCopyFile2` (derives from `IBackgroundCopyFile`). BITS 2.0 file (slots
/// 6-7): byte ranges and remote name change. QueryInterface a file for it. Free-threaded: call it
/// from any thread.
#[repr(C)]
pub struct IBackgroundCopyFile2Vtbl {
    /// Slot 0 (IUnknown). Stores another interface of this object in `*ppvObject`, AddRef'd
    /// (Release it), or NULL and E_NOINTERFACE. E_POINTER if `ppvObject` is NULL, E_INVALIDARG if
    /// `riid` is NULL.
    pub QueryInterface: Option<
        unsafe extern "C" fn(This: *mut IBackgroundCopyFile2, riid: REFIID, ppvObject: *mut *mut c_void) -> HRESULT,
    >,
    /// Slot 1 (IUnknown). Adds a reference and returns the new count (informational only).
    pub AddRef: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyFile2) -> ULONG>,
    /// Slot 2 (IUnknown). Drops one reference you own and returns the new count; the object is
    /// freed at 0.
    pub Release: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyFile2) -> ULONG>,
    /// Slot 3 (IBackgroundCopyFile). The current remote URL (after SetRemoteName,
    /// ReplaceRemotePrefix, redirects); free it with CoTaskMemFree.
    pub GetRemoteName: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyFile2, pVal: *mut LPWSTR) -> HRESULT>,
    /// Slot 4 (IBackgroundCopyFile). The destination path; free it with CoTaskMemFree.
    pub GetLocalName: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyFile2, pVal: *mut LPWSTR) -> HRESULT>,
    /// Slot 5 (IBackgroundCopyFile). Bytes total (BG_SIZE_UNKNOWN until known) and transferred, and
    /// whether the file is complete, in `*pVal`.
    pub GetProgress:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyFile2, pVal: *mut BG_FILE_PROGRESS) -> HRESULT>,
    /// Slot 6. The ranges given to AddFileWithRanges: count in `*RangeCount`, array in `*Ranges`
    /// (free it with CoTaskMemFree). S_FALSE with 0 and NULL for a file without ranges.
    /// E_INVALIDARG if a pointer is NULL.
    pub GetFileRanges: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyFile2,
            RangeCount: *mut DWORD,
            Ranges: *mut *mut BG_FILE_RANGE,
        ) -> HRESULT,
    >,
    /// Slot 7. Changes the remote URL (e.g. to repair an ERROR job, then Resume). Download jobs
    /// only (else E_NOTIMPL). E_INVALIDARG (NULL, invalid or over 2200 characters);
    /// BG_E_INVALID_STATE (finished file or final job).
    pub SetRemoteName: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyFile2, Val: LPCWSTR) -> HRESULT>,
}

/// BITS 3.0 file (slots 8-11): temporary name, content validation, peer origin. QueryInterface a
/// file for it. Free-threaded: call it from any thread.
///
/// C: `p->lpVtbl->Method(p, ...)` or `IBackgroundCopyFile3_Method(p, ...)`; C++: `p->Method(...)`.
#[repr(C)]
pub struct IBackgroundCopyFile3 {
    pub lpVtbl: *const IBackgroundCopyFile3Vtbl,
}

/// Vtable of `IBackgroundCopyFile3` (derives from `IBackgroundCopyFile2`). BITS 3.0 file (slots
/// 8-11): temporary name, content validation, peer origin. QueryInterface a file for it.
/// Free-threaded: call it from any thread.
#[repr(C)]
pub struct IBackgroundCopyFile3Vtbl {
    /// Slot 0 (IUnknown). Stores another interface of this object in `*ppvObject`, AddRef'd
    /// (Release it), or NULL and E_NOINTERFACE. E_POINTER if `ppvObject` is NULL, E_INVALIDARG if
    /// `riid` is NULL.
    pub QueryInterface: Option<
        unsafe extern "C" fn(This: *mut IBackgroundCopyFile3, riid: REFIID, ppvObject: *mut *mut c_void) -> HRESULT,
    >,
    /// Slot 1 (IUnknown). Adds a reference and returns the new count (informational only).
    pub AddRef: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyFile3) -> ULONG>,
    /// Slot 2 (IUnknown). Drops one reference you own and returns the new count; the object is
    /// freed at 0.
    pub Release: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyFile3) -> ULONG>,
    /// Slot 3 (IBackgroundCopyFile). The current remote URL (after SetRemoteName,
    /// ReplaceRemotePrefix, redirects); free it with CoTaskMemFree.
    pub GetRemoteName: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyFile3, pVal: *mut LPWSTR) -> HRESULT>,
    /// Slot 4 (IBackgroundCopyFile). The destination path; free it with CoTaskMemFree.
    pub GetLocalName: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyFile3, pVal: *mut LPWSTR) -> HRESULT>,
    /// Slot 5 (IBackgroundCopyFile). Bytes total (BG_SIZE_UNKNOWN until known) and transferred, and
    /// whether the file is complete, in `*pVal`.
    pub GetProgress:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyFile3, pVal: *mut BG_FILE_PROGRESS) -> HRESULT>,
    /// Slot 6 (IBackgroundCopyFile2). The ranges given to AddFileWithRanges: count in
    /// `*RangeCount`, array in `*Ranges` (free it with CoTaskMemFree).
    pub GetFileRanges: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyFile3,
            RangeCount: *mut DWORD,
            Ranges: *mut *mut BG_FILE_RANGE,
        ) -> HRESULT,
    >,
    /// Slot 7 (IBackgroundCopyFile2). Changes the remote URL (e.g. to repair an ERROR job, then
    /// Resume). Download jobs only (else E_NOTIMPL).
    pub SetRemoteName: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyFile3, Val: LPCWSTR) -> HRESULT>,
    /// Slot 8. Full path of the temporary file receiving the data (until Complete or Cancel); free
    /// it with CoTaskMemFree. AddFile names it; the file is created when its transfer starts (and
    /// may get another name then if something else took this one). E_INVALIDARG if `pFilename` is
    /// NULL.
    pub GetTemporaryName:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyFile3, pFilename: *mut LPWSTR) -> HRESULT>,
    /// Slot 9. Your verdict on the downloaded content: TRUE accepts it; FALSE puts the job in ERROR
    /// with BG_E_VALIDATION_FAILED (or downloads it again from the origin if it came from a peer).
    /// E_PENDING if the file is not complete yet; BG_E_RECORD_DELETED.
    pub SetValidationState: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyFile3, state: BOOL) -> HRESULT>,
    /// Slot 10. The validation state in `*pState` (TRUE once accepted). E_INVALIDARG if `pState` is
    /// NULL.
    pub GetValidationState: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyFile3, pState: *mut BOOL) -> HRESULT>,
    /// Slot 11. TRUE in `*pVal` if any part of the file came from a peer. E_INVALIDARG if `pVal` is
    /// NULL.
    pub IsDownloadedFromPeer: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyFile3, pVal: *mut BOOL) -> HRESULT>,
}

/// BITS 4.0 file (slot 12): bytes from the origin and from peers. QueryInterface a file for it.
/// Free-threaded: call it from any thread.
///
/// C: `p->lpVtbl->Method(p, ...)` or `IBackgroundCopyFile4_Method(p, ...)`; C++: `p->Method(...)`.
#[repr(C)]
pub struct IBackgroundCopyFile4 {
    pub lpVtbl: *const IBackgroundCopyFile4Vtbl,
}

/// Vtable of `IBackgroundCopyFile4` (derives from `IBackgroundCopyFile3`). BITS 4.0 file (slot 12):
/// bytes from the origin and from peers. QueryInterface a file for it. Free-threaded: call it from
/// any thread.
#[repr(C)]
pub struct IBackgroundCopyFile4Vtbl {
    /// Slot 0 (IUnknown). Stores another interface of this object in `*ppvObject`, AddRef'd
    /// (Release it), or NULL and E_NOINTERFACE. E_POINTER if `ppvObject` is NULL, E_INVALIDARG if
    /// `riid` is NULL.
    pub QueryInterface: Option<
        unsafe extern "C" fn(This: *mut IBackgroundCopyFile4, riid: REFIID, ppvObject: *mut *mut c_void) -> HRESULT,
    >,
    /// Slot 1 (IUnknown). Adds a reference and returns the new count (informational only).
    pub AddRef: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyFile4) -> ULONG>,
    /// Slot 2 (IUnknown). Drops one reference you own and returns the new count; the object is
    /// freed at 0.
    pub Release: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyFile4) -> ULONG>,
    /// Slot 3 (IBackgroundCopyFile). The current remote URL (after SetRemoteName,
    /// ReplaceRemotePrefix, redirects); free it with CoTaskMemFree.
    pub GetRemoteName: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyFile4, pVal: *mut LPWSTR) -> HRESULT>,
    /// Slot 4 (IBackgroundCopyFile). The destination path; free it with CoTaskMemFree.
    pub GetLocalName: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyFile4, pVal: *mut LPWSTR) -> HRESULT>,
    /// Slot 5 (IBackgroundCopyFile). Bytes total (BG_SIZE_UNKNOWN until known) and transferred, and
    /// whether the file is complete, in `*pVal`.
    pub GetProgress:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyFile4, pVal: *mut BG_FILE_PROGRESS) -> HRESULT>,
    /// Slot 6 (IBackgroundCopyFile2). The ranges given to AddFileWithRanges: count in
    /// `*RangeCount`, array in `*Ranges` (free it with CoTaskMemFree).
    pub GetFileRanges: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyFile4,
            RangeCount: *mut DWORD,
            Ranges: *mut *mut BG_FILE_RANGE,
        ) -> HRESULT,
    >,
    /// Slot 7 (IBackgroundCopyFile2). Changes the remote URL (e.g. to repair an ERROR job, then
    /// Resume). Download jobs only (else E_NOTIMPL).
    pub SetRemoteName: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyFile4, Val: LPCWSTR) -> HRESULT>,
    /// Slot 8 (IBackgroundCopyFile3). Full path of the temporary file receiving the data (until
    /// Complete or Cancel; created when the file's transfer starts); free it with CoTaskMemFree.
    pub GetTemporaryName:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyFile4, pFilename: *mut LPWSTR) -> HRESULT>,
    /// Slot 9 (IBackgroundCopyFile3). Your verdict on the downloaded content: TRUE accepts it;
    /// FALSE puts the job in ERROR with BG_E_VALIDATION_FAILED (or downloads it again from the
    /// origin if it came from a peer).
    pub SetValidationState: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyFile4, state: BOOL) -> HRESULT>,
    /// Slot 10 (IBackgroundCopyFile3). The validation state in `*pState` (TRUE once accepted).
    pub GetValidationState: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyFile4, pState: *mut BOOL) -> HRESULT>,
    /// Slot 11 (IBackgroundCopyFile3). TRUE in `*pVal` if any part of the file came from a peer.
    pub IsDownloadedFromPeer: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyFile4, pVal: *mut BOOL) -> HRESULT>,
    /// Slot 12. Bytes received from the origin server and from peers. E_INVALIDARG if a pointer is
    /// NULL.
    pub GetPeerDownloadStats: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyFile4,
            pFromOrigin: *mut UINT64,
            pFromPeers: *mut UINT64,
        ) -> HRESULT,
    >,
}

/// BITS 5.0 file (slots 13-14): typed file properties (BITS_FILE_PROPERTY_ID). QueryInterface a
/// file for it. Free-threaded: call it from any thread.
///
/// C: `p->lpVtbl->Method(p, ...)` or `IBackgroundCopyFile5_Method(p, ...)`; C++: `p->Method(...)`.
#[repr(C)]
pub struct IBackgroundCopyFile5 {
    pub lpVtbl: *const IBackgroundCopyFile5Vtbl,
}

/// Vtable of `IBackgroundCopyFile5` (derives from `IBackgroundCopyFile4`). BITS 5.0 file (slots
/// 13-14): typed file properties (BITS_FILE_PROPERTY_ID). QueryInterface a file for it.
/// Free-threaded: call it from any thread.
#[repr(C)]
pub struct IBackgroundCopyFile5Vtbl {
    /// Slot 0 (IUnknown). Stores another interface of this object in `*ppvObject`, AddRef'd
    /// (Release it), or NULL and E_NOINTERFACE. E_POINTER if `ppvObject` is NULL, E_INVALIDARG if
    /// `riid` is NULL.
    pub QueryInterface: Option<
        unsafe extern "C" fn(This: *mut IBackgroundCopyFile5, riid: REFIID, ppvObject: *mut *mut c_void) -> HRESULT,
    >,
    /// Slot 1 (IUnknown). Adds a reference and returns the new count (informational only).
    pub AddRef: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyFile5) -> ULONG>,
    /// Slot 2 (IUnknown). Drops one reference you own and returns the new count; the object is
    /// freed at 0.
    pub Release: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyFile5) -> ULONG>,
    /// Slot 3 (IBackgroundCopyFile). The current remote URL (after SetRemoteName,
    /// ReplaceRemotePrefix, redirects); free it with CoTaskMemFree.
    pub GetRemoteName: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyFile5, pVal: *mut LPWSTR) -> HRESULT>,
    /// Slot 4 (IBackgroundCopyFile). The destination path; free it with CoTaskMemFree.
    pub GetLocalName: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyFile5, pVal: *mut LPWSTR) -> HRESULT>,
    /// Slot 5 (IBackgroundCopyFile). Bytes total (BG_SIZE_UNKNOWN until known) and transferred, and
    /// whether the file is complete, in `*pVal`.
    pub GetProgress:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyFile5, pVal: *mut BG_FILE_PROGRESS) -> HRESULT>,
    /// Slot 6 (IBackgroundCopyFile2). The ranges given to AddFileWithRanges: count in
    /// `*RangeCount`, array in `*Ranges` (free it with CoTaskMemFree).
    pub GetFileRanges: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyFile5,
            RangeCount: *mut DWORD,
            Ranges: *mut *mut BG_FILE_RANGE,
        ) -> HRESULT,
    >,
    /// Slot 7 (IBackgroundCopyFile2). Changes the remote URL (e.g. to repair an ERROR job, then
    /// Resume). Download jobs only (else E_NOTIMPL).
    pub SetRemoteName: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyFile5, Val: LPCWSTR) -> HRESULT>,
    /// Slot 8 (IBackgroundCopyFile3). Full path of the temporary file receiving the data (until
    /// Complete or Cancel; created when the file's transfer starts); free it with CoTaskMemFree.
    pub GetTemporaryName:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyFile5, pFilename: *mut LPWSTR) -> HRESULT>,
    /// Slot 9 (IBackgroundCopyFile3). Your verdict on the downloaded content: TRUE accepts it;
    /// FALSE puts the job in ERROR with BG_E_VALIDATION_FAILED (or downloads it again from the
    /// origin if it came from a peer).
    pub SetValidationState: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyFile5, state: BOOL) -> HRESULT>,
    /// Slot 10 (IBackgroundCopyFile3). The validation state in `*pState` (TRUE once accepted).
    pub GetValidationState: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyFile5, pState: *mut BOOL) -> HRESULT>,
    /// Slot 11 (IBackgroundCopyFile3). TRUE in `*pVal` if any part of the file came from a peer.
    pub IsDownloadedFromPeer: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyFile5, pVal: *mut BOOL) -> HRESULT>,
    /// Slot 12 (IBackgroundCopyFile4). Bytes received from the origin server and from peers.
    pub GetPeerDownloadStats: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyFile5,
            pFromOrigin: *mut UINT64,
            pFromPeers: *mut UINT64,
        ) -> HRESULT,
    >,
    /// Slot 13. Sets one BITS_FILE_PROPERTY_ID; the 8-byte union is passed by value.
    /// BITS_FILE_PROPERTY_ID_HTTP_RESPONSE_HEADERS is read-only: BG_E_READ_ONLY_PROPERTY;
    /// BG_E_UNKNOWN_PROPERTY_ID for other ids.
    pub SetProperty: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyFile5,
            PropertyId: BITS_FILE_PROPERTY_ID,
            PropertyValue: BITS_FILE_PROPERTY_VALUE,
        ) -> HRESULT,
    >,
    /// Slot 14. Reads one BITS_FILE_PROPERTY_ID: HTTP_RESPONSE_HEADERS gives the last response's
    /// headers (CRLF-separated) in `String`; free it with CoTaskMemFree. BG_E_UNKNOWN_PROPERTY_ID;
    /// E_INVALIDARG if `PropertyValue` is NULL.
    pub GetProperty: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyFile5,
            PropertyId: BITS_FILE_PROPERTY_ID,
            PropertyValue: *mut BITS_FILE_PROPERTY_VALUE,
        ) -> HRESULT,
    >,
}

/// BITS 10.1 file (slots 15-17): random access for on-demand jobs. QueryInterface a file for it.
/// Free-threaded: call it from any thread.
///
/// C: `p->lpVtbl->Method(p, ...)` or `IBackgroundCopyFile6_Method(p, ...)`; C++: `p->Method(...)`.
#[repr(C)]
pub struct IBackgroundCopyFile6 {
    pub lpVtbl: *const IBackgroundCopyFile6Vtbl,
}

/// Vtable of `IBackgroundCopyFile6` (derives from `IBackgroundCopyFile5`). BITS 10.1 file (slots
/// 15-17): random access for on-demand jobs. QueryInterface a file for it. Free-threaded: call it
/// from any thread.
#[repr(C)]
pub struct IBackgroundCopyFile6Vtbl {
    /// Slot 0 (IUnknown). Stores another interface of this object in `*ppvObject`, AddRef'd
    /// (Release it), or NULL and E_NOINTERFACE. E_POINTER if `ppvObject` is NULL, E_INVALIDARG if
    /// `riid` is NULL.
    pub QueryInterface: Option<
        unsafe extern "C" fn(This: *mut IBackgroundCopyFile6, riid: REFIID, ppvObject: *mut *mut c_void) -> HRESULT,
    >,
    /// Slot 1 (IUnknown). Adds a reference and returns the new count (informational only).
    pub AddRef: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyFile6) -> ULONG>,
    /// Slot 2 (IUnknown). Drops one reference you own and returns the new count; the object is
    /// freed at 0.
    pub Release: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyFile6) -> ULONG>,
    /// Slot 3 (IBackgroundCopyFile). The current remote URL (after SetRemoteName,
    /// ReplaceRemotePrefix, redirects); free it with CoTaskMemFree.
    pub GetRemoteName: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyFile6, pVal: *mut LPWSTR) -> HRESULT>,
    /// Slot 4 (IBackgroundCopyFile). The destination path; free it with CoTaskMemFree.
    pub GetLocalName: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyFile6, pVal: *mut LPWSTR) -> HRESULT>,
    /// Slot 5 (IBackgroundCopyFile). Bytes total (BG_SIZE_UNKNOWN until known) and transferred, and
    /// whether the file is complete, in `*pVal`.
    pub GetProgress:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyFile6, pVal: *mut BG_FILE_PROGRESS) -> HRESULT>,
    /// Slot 6 (IBackgroundCopyFile2). The ranges given to AddFileWithRanges: count in
    /// `*RangeCount`, array in `*Ranges` (free it with CoTaskMemFree).
    pub GetFileRanges: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyFile6,
            RangeCount: *mut DWORD,
            Ranges: *mut *mut BG_FILE_RANGE,
        ) -> HRESULT,
    >,
    /// Slot 7 (IBackgroundCopyFile2). Changes the remote URL (e.g. to repair an ERROR job, then
    /// Resume). Download jobs only (else E_NOTIMPL).
    pub SetRemoteName: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyFile6, Val: LPCWSTR) -> HRESULT>,
    /// Slot 8 (IBackgroundCopyFile3). Full path of the temporary file receiving the data (until
    /// Complete or Cancel; created when the file's transfer starts); free it with CoTaskMemFree.
    pub GetTemporaryName:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyFile6, pFilename: *mut LPWSTR) -> HRESULT>,
    /// Slot 9 (IBackgroundCopyFile3). Your verdict on the downloaded content: TRUE accepts it;
    /// FALSE puts the job in ERROR with BG_E_VALIDATION_FAILED (or downloads it again from the
    /// origin if it came from a peer).
    pub SetValidationState: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyFile6, state: BOOL) -> HRESULT>,
    /// Slot 10 (IBackgroundCopyFile3). The validation state in `*pState` (TRUE once accepted).
    pub GetValidationState: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyFile6, pState: *mut BOOL) -> HRESULT>,
    /// Slot 11 (IBackgroundCopyFile3). TRUE in `*pVal` if any part of the file came from a peer.
    pub IsDownloadedFromPeer: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyFile6, pVal: *mut BOOL) -> HRESULT>,
    /// Slot 12 (IBackgroundCopyFile4). Bytes received from the origin server and from peers.
    pub GetPeerDownloadStats: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyFile6,
            pFromOrigin: *mut UINT64,
            pFromPeers: *mut UINT64,
        ) -> HRESULT,
    >,
    /// Slot 13 (IBackgroundCopyFile5). Sets one BITS_FILE_PROPERTY_ID; the 8-byte union is passed
    /// by value.
    pub SetProperty: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyFile6,
            PropertyId: BITS_FILE_PROPERTY_ID,
            PropertyValue: BITS_FILE_PROPERTY_VALUE,
        ) -> HRESULT,
    >,
    /// Slot 14 (IBackgroundCopyFile5). Reads one BITS_FILE_PROPERTY_ID: HTTP_RESPONSE_HEADERS gives
    /// the last response's headers (CRLF-separated) in `String`; free it with CoTaskMemFree.
    pub GetProperty: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyFile6,
            PropertyId: BITS_FILE_PROPERTY_ID,
            PropertyValue: *mut BITS_FILE_PROPERTY_VALUE,
        ) -> HRESULT,
    >,
    /// Slot 15. Asks an on-demand job (BITS_JOB_PROPERTY_ON_DEMAND_MODE) to fetch from `offset`
    /// first: requested ranges at or after it come first (the one holding it is split there), then
    /// those before it; without requests, the missing bytes from `offset` on. Takes effect at the
    /// transfer's next request. BG_E_RANDOM_ACCESS_NOT_SUPPORTED unless the job is an on-demand
    /// download job whose server answers ranges.
    pub UpdateDownloadPosition:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyFile6, offset: UINT64) -> HRESULT>,
    /// Slot 16. Adds `rangeCount` ranges (copied) for an on-demand job to fetch at their own
    /// offsets; overlaps with earlier requests or bytes on disk are split off. The job's state does
    /// not change here (a suspended job fetches them at Resume); when every requested byte is on
    /// disk the job goes to TRANSFERRED (whole file present) or SUSPENDED. E_INVALIDARG if
    /// `rangeCount` is 0 or `ranges` is NULL; BG_E_INVALID_RANGE (empty, offset BG_LENGTH_TO_EOF,
    /// or past the end once the size is known; before that the job fails with it);
    /// BG_E_RANDOM_ACCESS_NOT_SUPPORTED (not an on-demand download job, or the server stopped
    /// answering ranges).
    pub RequestFileRanges: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyFile6,
            rangeCount: DWORD,
            ranges: *const BG_FILE_RANGE,
        ) -> HRESULT,
    >,
    /// Slot 17. The ranges already on disk, merged and sorted by offset: count in `*rangeCount`,
    /// array in `*ranges` (free it with CoTaskMemFree; NULL and 0 when nothing is on disk).
    /// E_INVALIDARG if a pointer is NULL; E_OUTOFMEMORY; BG_E_RANDOM_ACCESS_NOT_SUPPORTED for a file
    /// of an on-demand job whose server stopped answering ranges.
    pub GetFilledFileRanges: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyFile6,
            rangeCount: *mut DWORD,
            ranges: *mut *mut BG_FILE_RANGE,
        ) -> HRESULT,
    >,
}

/// Why a job failed (slots 3-7): context, HRESULT, file and text. Obtained from
/// IBackgroundCopyJob::GetError or the JobError callback; it stays valid after the job moves on.
/// Free-threaded: call it from any thread.
///
/// C: `p->lpVtbl->Method(p, ...)` or `IBackgroundCopyError_Method(p, ...)`; C++: `p->Method(...)`.
#[repr(C)]
pub struct IBackgroundCopyError {
    pub lpVtbl: *const IBackgroundCopyErrorVtbl,
}

/// Vtable of `IBackgroundCopyError` (derives from `IUnknown`). Why a job failed (slots 3-7):
/// context, HRESULT, file and text. Obtained from IBackgroundCopyJob::GetError or the JobError
/// callback; it stays valid after the job moves on. Free-threaded: call it from any thread.
#[repr(C)]
pub struct IBackgroundCopyErrorVtbl {
    /// Slot 0 (IUnknown). Stores another interface of this object in `*ppvObject`, AddRef'd
    /// (Release it), or NULL and E_NOINTERFACE. E_POINTER if `ppvObject` is NULL, E_INVALIDARG if
    /// `riid` is NULL.
    pub QueryInterface: Option<
        unsafe extern "C" fn(This: *mut IBackgroundCopyError, riid: REFIID, ppvObject: *mut *mut c_void) -> HRESULT,
    >,
    /// Slot 1 (IUnknown). Adds a reference and returns the new count (informational only).
    pub AddRef: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyError) -> ULONG>,
    /// Slot 2 (IUnknown). Drops one reference you own and returns the new count; the object is
    /// freed at 0.
    pub Release: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyError) -> ULONG>,
    /// Slot 3. Where the failure happened (BG_ERROR_CONTEXT_*) and its HRESULT. E_INVALIDARG if a
    /// pointer is NULL.
    pub GetError: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyError,
            pContext: *mut BG_ERROR_CONTEXT,
            pCode: *mut HRESULT,
        ) -> HRESULT,
    >,
    /// Slot 4. The file involved in `*pVal`, AddRef'd (Release it). BG_E_FILE_NOT_AVAILABLE with
    /// `*pVal` NULL if the error concerns no file; E_INVALIDARG if `pVal` is NULL.
    pub GetFile:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyError, pVal: *mut *mut IBackgroundCopyFile) -> HRESULT>,
    /// Slot 5. Text of the error code in `*pErrorDescription`; free it with CoTaskMemFree.
    /// LanguageId 0 or an English LANGID, else HRESULT_FROM_WIN32(ERROR_RESOURCE_LANG_NOT_FOUND);
    /// E_INVALIDARG if the out pointer is NULL.
    pub GetErrorDescription: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyError,
            LanguageId: DWORD,
            pErrorDescription: *mut LPWSTR,
        ) -> HRESULT,
    >,
    /// Slot 6. Text describing the error context in `*pContextDescription`; free it with
    /// CoTaskMemFree. LanguageId 0 or an English LANGID, else
    /// HRESULT_FROM_WIN32(ERROR_RESOURCE_LANG_NOT_FOUND); E_INVALIDARG if the out pointer is NULL.
    pub GetErrorContextDescription: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyError,
            LanguageId: DWORD,
            pContextDescription: *mut LPWSTR,
        ) -> HRESULT,
    >,
    /// Slot 7. `http` (HTTP and HTTPS) or `file` in `*pProtocol`; free it with CoTaskMemFree.
    /// BG_E_PROTOCOL_NOT_AVAILABLE with `*pProtocol` NULL if no transfer protocol was involved;
    /// E_INVALIDARG if `pProtocol` is NULL.
    pub GetProtocol: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyError, pProtocol: *mut LPWSTR) -> HRESULT>,
}

/// Enumerator of jobs (slots 3-7), from IBackgroundCopyManager::EnumJobs. A snapshot: it holds
/// every job from the moment it is made and later changes do not show. Free-threaded: call it from
/// any thread.
///
/// C: `p->lpVtbl->Method(p, ...)` or `IEnumBackgroundCopyJobs_Method(p, ...)`; C++: `p->Method(...)`.
#[repr(C)]
pub struct IEnumBackgroundCopyJobs {
    pub lpVtbl: *const IEnumBackgroundCopyJobsVtbl,
}

/// Vtable of `IEnumBackgroundCopyJobs` (derives from `IUnknown`). Enumerator of jobs (slots 3-7),
/// from IBackgroundCopyManager::EnumJobs. A snapshot: it holds every job from the moment it is made
/// and later changes do not show. Free-threaded: call it from any thread.
#[repr(C)]
pub struct IEnumBackgroundCopyJobsVtbl {
    /// Slot 0 (IUnknown). Stores another interface of this object in `*ppvObject`, AddRef'd
    /// (Release it), or NULL and E_NOINTERFACE. E_POINTER if `ppvObject` is NULL, E_INVALIDARG if
    /// `riid` is NULL.
    pub QueryInterface: Option<
        unsafe extern "C" fn(This: *mut IEnumBackgroundCopyJobs, riid: REFIID, ppvObject: *mut *mut c_void) -> HRESULT,
    >,
    /// Slot 1 (IUnknown). Adds a reference and returns the new count (informational only).
    pub AddRef: Option<unsafe extern "C" fn(This: *mut IEnumBackgroundCopyJobs) -> ULONG>,
    /// Slot 2 (IUnknown). Drops one reference you own and returns the new count; the object is
    /// freed at 0.
    pub Release: Option<unsafe extern "C" fn(This: *mut IEnumBackgroundCopyJobs) -> ULONG>,
    /// Slot 3. Copies up to `celt` IBackgroundCopyJob pointers into `rgelt`, each AddRef'd (Release
    /// each one): S_OK if `celt` were returned, S_FALSE if fewer (the end). `*pceltFetched` gets
    /// the number; it may be NULL only when `celt` is 1 (else E_INVALIDARG). E_INVALIDARG if
    /// `rgelt` is NULL.
    pub Next: Option<
        unsafe extern "C" fn(
            This: *mut IEnumBackgroundCopyJobs,
            celt: ULONG,
            rgelt: *mut *mut IBackgroundCopyJob,
            pceltFetched: *mut ULONG,
        ) -> HRESULT,
    >,
    /// Slot 4. Skips `celt` elements: S_OK, or S_FALSE if the end came first.
    pub Skip: Option<unsafe extern "C" fn(This: *mut IEnumBackgroundCopyJobs, celt: ULONG) -> HRESULT>,
    /// Slot 5. Goes back to the first element.
    pub Reset: Option<unsafe extern "C" fn(This: *mut IEnumBackgroundCopyJobs) -> HRESULT>,
    /// Slot 6. A new enumerator over the same snapshot at the same position, in `*ppenum`, AddRef'd
    /// (Release it). E_INVALIDARG if `ppenum` is NULL.
    pub Clone: Option<
        unsafe extern "C" fn(This: *mut IEnumBackgroundCopyJobs, ppenum: *mut *mut IEnumBackgroundCopyJobs) -> HRESULT,
    >,
    /// Slot 7. Number of elements in the snapshot, in `*puCount`. E_INVALIDARG if `puCount` is
    /// NULL.
    pub GetCount: Option<unsafe extern "C" fn(This: *mut IEnumBackgroundCopyJobs, puCount: *mut ULONG) -> HRESULT>,
}

/// Enumerator of a job's files (slots 3-7), from IBackgroundCopyJob::EnumFiles. A snapshot: later
/// changes do not show. Free-threaded: call it from any thread.
///
/// C: `p->lpVtbl->Method(p, ...)` or `IEnumBackgroundCopyFiles_Method(p, ...)`; C++: `p->Method(...)`.
#[repr(C)]
pub struct IEnumBackgroundCopyFiles {
    pub lpVtbl: *const IEnumBackgroundCopyFilesVtbl,
}

/// Vtable of `IEnumBackgroundCopyFiles` (derives from `IUnknown`). Enumerator of a job's files
/// (slots 3-7), from IBackgroundCopyJob::EnumFiles. A snapshot: later changes do not show.
/// Free-threaded: call it from any thread.
#[repr(C)]
pub struct IEnumBackgroundCopyFilesVtbl {
    /// Slot 0 (IUnknown). Stores another interface of this object in `*ppvObject`, AddRef'd
    /// (Release it), or NULL and E_NOINTERFACE. E_POINTER if `ppvObject` is NULL, E_INVALIDARG if
    /// `riid` is NULL.
    pub QueryInterface: Option<
        unsafe extern "C" fn(This: *mut IEnumBackgroundCopyFiles, riid: REFIID, ppvObject: *mut *mut c_void) -> HRESULT,
    >,
    /// Slot 1 (IUnknown). Adds a reference and returns the new count (informational only).
    pub AddRef: Option<unsafe extern "C" fn(This: *mut IEnumBackgroundCopyFiles) -> ULONG>,
    /// Slot 2 (IUnknown). Drops one reference you own and returns the new count; the object is
    /// freed at 0.
    pub Release: Option<unsafe extern "C" fn(This: *mut IEnumBackgroundCopyFiles) -> ULONG>,
    /// Slot 3. Copies up to `celt` IBackgroundCopyFile pointers into `rgelt`, each AddRef'd
    /// (Release each one): S_OK if `celt` were returned, S_FALSE if fewer (the end).
    /// `*pceltFetched` gets the number; it may be NULL only when `celt` is 1 (else E_INVALIDARG).
    /// E_INVALIDARG if `rgelt` is NULL.
    pub Next: Option<
        unsafe extern "C" fn(
            This: *mut IEnumBackgroundCopyFiles,
            celt: ULONG,
            rgelt: *mut *mut IBackgroundCopyFile,
            pceltFetched: *mut ULONG,
        ) -> HRESULT,
    >,
    /// Slot 4. Skips `celt` elements: S_OK, or S_FALSE if the end came first.
    pub Skip: Option<unsafe extern "C" fn(This: *mut IEnumBackgroundCopyFiles, celt: ULONG) -> HRESULT>,
    /// Slot 5. Goes back to the first element.
    pub Reset: Option<unsafe extern "C" fn(This: *mut IEnumBackgroundCopyFiles) -> HRESULT>,
    /// Slot 6. A new enumerator over the same snapshot at the same position, in `*ppenum`, AddRef'd
    /// (Release it). E_INVALIDARG if `ppenum` is NULL.
    pub Clone: Option<
        unsafe extern "C" fn(
            This: *mut IEnumBackgroundCopyFiles,
            ppenum: *mut *mut IEnumBackgroundCopyFiles,
        ) -> HRESULT,
    >,
    /// Slot 7. Number of elements in the snapshot, in `*puCount`. E_INVALIDARG if `puCount` is
    /// NULL.
    pub GetCount: Option<unsafe extern "C" fn(This: *mut IEnumBackgroundCopyFiles, puCount: *mut ULONG) -> HRESULT>,
}

/// Job notifications (slots 3-5), gated by the job's notify flags; register the object with
/// IBackgroundCopyJob::SetNotifyInterface. You implement it. The library calls it on its own
/// threads, never while holding a library lock, so your object must be thread-safe and may call
/// back into the library (Complete, Cancel, GetProgress...).
///
/// C: `p->lpVtbl->Method(p, ...)` or `IBackgroundCopyCallback_Method(p, ...)`; C++: `p->Method(...)`.
#[repr(C)]
pub struct IBackgroundCopyCallback {
    pub lpVtbl: *const IBackgroundCopyCallbackVtbl,
}

/// Vtable of `IBackgroundCopyCallback` (derives from `IUnknown`). Job notifications (slots 3-5),
/// gated by the job's notify flags; register the object with
/// IBackgroundCopyJob::SetNotifyInterface. You implement it. The library calls it on its own
/// threads, never while holding a library lock, so your object must be thread-safe and may call
/// back into the library (Complete, Cancel, GetProgress...).
#[repr(C)]
pub struct IBackgroundCopyCallbackVtbl {
    /// Slot 0 (IUnknown). You implement it: store an AddRef'd pointer for IID_IUnknown and each
    /// interface your object implements, else NULL and E_NOINTERFACE. Called from library threads.
    pub QueryInterface: Option<
        unsafe extern "C" fn(This: *mut IBackgroundCopyCallback, riid: REFIID, ppvObject: *mut *mut c_void) -> HRESULT,
    >,
    /// Slot 1 (IUnknown). You implement it: the library takes a reference to keep your object
    /// (registration, a call in progress), from any thread, so the count must be atomic.
    pub AddRef: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyCallback) -> ULONG>,
    /// Slot 2 (IUnknown). You implement it: the library drops each reference it took, from any
    /// thread and possibly after you dropped yours; free the object when the count reaches 0.
    pub Release: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyCallback) -> ULONG>,
    /// Slot 3. You implement it: all of `pJob` is transferred (BG_NOTIFY_JOB_TRANSFERRED); you
    /// usually call Complete. Runs on a library thread, no library lock held: may call back in
    /// (Complete, Cancel, GetProgress...). `pJob` is borrowed for the call (AddRef it to keep it).
    /// Return S_OK; on failure it is called again later.
    pub JobTransferred:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyCallback, pJob: *mut IBackgroundCopyJob) -> HRESULT>,
    /// Slot 4. You implement it: `pJob` went to ERROR, `pError` says why (BG_NOTIFY_JOB_ERROR).
    /// Runs on a library thread, no library lock held: may call back in (Complete, Cancel,
    /// GetProgress...). Pointers are borrowed for the call (AddRef one to keep it). Return S_OK; on
    /// failure it is called again later.
    pub JobError: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyCallback,
            pJob: *mut IBackgroundCopyJob,
            pError: *mut IBackgroundCopyError,
        ) -> HRESULT,
    >,
    /// Slot 5. You implement it: `pJob` changed (BG_NOTIFY_JOB_MODIFICATION), at most every 500 ms;
    /// `dwReserved` is 0. Runs on a library thread, no library lock held: may call back in
    /// (Complete, Cancel, GetProgress...). `pJob` is borrowed for the call (AddRef it to keep it).
    /// Return S_OK (the result is ignored).
    pub JobModification: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyCallback,
            pJob: *mut IBackgroundCopyJob,
            dwReserved: DWORD,
        ) -> HRESULT,
    >,
}

/// Adds FileTransferred (slot 6) to IBackgroundCopyCallback; used when your object answers its IID.
/// You implement it. The library calls it on its own threads, never while holding a library lock,
/// so your object must be thread-safe and may call back into the library (Complete, Cancel,
/// GetProgress...).
///
/// C: `p->lpVtbl->Method(p, ...)` or `IBackgroundCopyCallback2_Method(p, ...)`; C++: `p->Method(...)`.
#[repr(C)]
pub struct IBackgroundCopyCallback2 {
    pub lpVtbl: *const IBackgroundCopyCallback2Vtbl,
}

/// Vtable of `IBackgroundCopyCallback2` (derives from `IBackgroundCopyCallback`). Adds
/// FileTransferred (slot 6) to IBackgroundCopyCallback; used when your object answers its IID. You
/// implement it. The library calls it on its own threads, never while holding a library lock, so
/// your object must be thread-safe and may call back into the library (Complete, Cancel,
/// GetProgress...).
#[repr(C)]
pub struct IBackgroundCopyCallback2Vtbl {
    /// Slot 0 (IUnknown). You implement it: store an AddRef'd pointer for IID_IUnknown and each
    /// interface your object implements, else NULL and E_NOINTERFACE. Called from library threads.
    pub QueryInterface: Option<
        unsafe extern "C" fn(This: *mut IBackgroundCopyCallback2, riid: REFIID, ppvObject: *mut *mut c_void) -> HRESULT,
    >,
    /// Slot 1 (IUnknown). You implement it: the library takes a reference to keep your object
    /// (registration, a call in progress), from any thread, so the count must be atomic.
    pub AddRef: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyCallback2) -> ULONG>,
    /// Slot 2 (IUnknown). You implement it: the library drops each reference it took, from any
    /// thread and possibly after you dropped yours; free the object when the count reaches 0.
    pub Release: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyCallback2) -> ULONG>,
    /// Slot 3 (IBackgroundCopyCallback). You implement it: all of `pJob` is transferred
    /// (BG_NOTIFY_JOB_TRANSFERRED); you usually call Complete. Runs on a library thread, no library
    /// lock held: may call back in (Complete, Cancel, GetProgress...). `pJob` is borrowed for the
    /// call (AddRef it to keep it). Return S_OK; on failure it is called again later.
    pub JobTransferred:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyCallback2, pJob: *mut IBackgroundCopyJob) -> HRESULT>,
    /// Slot 4 (IBackgroundCopyCallback). You implement it: `pJob` went to ERROR, `pError` says why
    /// (BG_NOTIFY_JOB_ERROR). Runs on a library thread, no library lock held: may call back in
    /// (Complete, Cancel, GetProgress...). Pointers are borrowed for the call (AddRef one to keep
    /// it). Return S_OK; on failure it is called again later.
    pub JobError: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyCallback2,
            pJob: *mut IBackgroundCopyJob,
            pError: *mut IBackgroundCopyError,
        ) -> HRESULT,
    >,
    /// Slot 5 (IBackgroundCopyCallback). You implement it: `pJob` changed
    /// (BG_NOTIFY_JOB_MODIFICATION), at most every 500 ms; `dwReserved` is 0. Runs on a library
    /// thread, no library lock held: may call back in (Complete, Cancel, GetProgress...). `pJob` is
    /// borrowed for the call (AddRef it to keep it). Return S_OK (the result is ignored).
    pub JobModification: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyCallback2,
            pJob: *mut IBackgroundCopyJob,
            dwReserved: DWORD,
        ) -> HRESULT,
    >,
    /// Slot 6. You implement it: `pFile` of `pJob` is complete (BG_NOTIFY_FILE_TRANSFERRED), before
    /// JobTransferred. Runs on a library thread, no library lock held: may call back in (Complete,
    /// Cancel, GetProgress...). Pointers are borrowed for the call (AddRef one to keep it). Return
    /// S_OK; a failure asks for the call again.
    pub FileTransferred: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyCallback2,
            pJob: *mut IBackgroundCopyJob,
            pFile: *mut IBackgroundCopyFile,
        ) -> HRESULT,
    >,
}

/// Adds FileRangesTransferred (slot 7) to IBackgroundCopyCallback2; used when your object answers
/// its IID. You implement it. The library calls it on its own threads, never while holding a
/// library lock, so your object must be thread-safe and may call back into the library (Complete,
/// Cancel, GetProgress...).
///
/// C: `p->lpVtbl->Method(p, ...)` or `IBackgroundCopyCallback3_Method(p, ...)`; C++: `p->Method(...)`.
#[repr(C)]
pub struct IBackgroundCopyCallback3 {
    pub lpVtbl: *const IBackgroundCopyCallback3Vtbl,
}

/// Vtable of `IBackgroundCopyCallback3` (derives from `IBackgroundCopyCallback2`). Adds
/// FileRangesTransferred (slot 7) to IBackgroundCopyCallback2; used when your object answers its
/// IID. You implement it. The library calls it on its own threads, never while holding a library
/// lock, so your object must be thread-safe and may call back into the library (Complete, Cancel,
/// GetProgress...).
#[repr(C)]
pub struct IBackgroundCopyCallback3Vtbl {
    /// Slot 0 (IUnknown). You implement it: store an AddRef'd pointer for IID_IUnknown and each
    /// interface your object implements, else NULL and E_NOINTERFACE. Called from library threads.
    pub QueryInterface: Option<
        unsafe extern "C" fn(This: *mut IBackgroundCopyCallback3, riid: REFIID, ppvObject: *mut *mut c_void) -> HRESULT,
    >,
    /// Slot 1 (IUnknown). You implement it: the library takes a reference to keep your object
    /// (registration, a call in progress), from any thread, so the count must be atomic.
    pub AddRef: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyCallback3) -> ULONG>,
    /// Slot 2 (IUnknown). You implement it: the library drops each reference it took, from any
    /// thread and possibly after you dropped yours; free the object when the count reaches 0.
    pub Release: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyCallback3) -> ULONG>,
    /// Slot 3 (IBackgroundCopyCallback). You implement it: all of `pJob` is transferred
    /// (BG_NOTIFY_JOB_TRANSFERRED); you usually call Complete. Runs on a library thread, no library
    /// lock held: may call back in (Complete, Cancel, GetProgress...). `pJob` is borrowed for the
    /// call (AddRef it to keep it). Return S_OK; on failure it is called again later.
    pub JobTransferred:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyCallback3, pJob: *mut IBackgroundCopyJob) -> HRESULT>,
    /// Slot 4 (IBackgroundCopyCallback). You implement it: `pJob` went to ERROR, `pError` says why
    /// (BG_NOTIFY_JOB_ERROR). Runs on a library thread, no library lock held: may call back in
    /// (Complete, Cancel, GetProgress...). Pointers are borrowed for the call (AddRef one to keep
    /// it). Return S_OK; on failure it is called again later.
    pub JobError: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyCallback3,
            pJob: *mut IBackgroundCopyJob,
            pError: *mut IBackgroundCopyError,
        ) -> HRESULT,
    >,
    /// Slot 5 (IBackgroundCopyCallback). You implement it: `pJob` changed
    /// (BG_NOTIFY_JOB_MODIFICATION), at most every 500 ms; `dwReserved` is 0. Runs on a library
    /// thread, no library lock held: may call back in (Complete, Cancel, GetProgress...). `pJob` is
    /// borrowed for the call (AddRef it to keep it). Return S_OK (the result is ignored).
    pub JobModification: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyCallback3,
            pJob: *mut IBackgroundCopyJob,
            dwReserved: DWORD,
        ) -> HRESULT,
    >,
    /// Slot 6 (IBackgroundCopyCallback2). You implement it: `pFile` of `pJob` is complete
    /// (BG_NOTIFY_FILE_TRANSFERRED), before JobTransferred. Runs on a library thread, no library
    /// lock held: may call back in (Complete, Cancel, GetProgress...). Pointers are borrowed for
    /// the call (AddRef one to keep it). Return S_OK; a failure asks for the call again.
    pub FileTransferred: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyCallback3,
            pJob: *mut IBackgroundCopyJob,
            pFile: *mut IBackgroundCopyFile,
        ) -> HRESULT,
    >,
    /// Slot 7. You implement it: `rangeCount` `ranges` of `file` arrived
    /// (BG_NOTIFY_FILE_RANGES_TRANSFERRED). Runs on a library thread, no library lock held: may
    /// call back in (Complete, Cancel, GetProgress...). All pointers are borrowed for the call
    /// (AddRef one to keep it); never free `ranges`. Return S_OK.
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

/// HTTP options of a job (slots 3-10): client certificate, custom headers, TLS and redirect flags.
/// QueryInterface a job for it (same object as the job). Free-threaded: call it from any thread.
///
/// C: `p->lpVtbl->Method(p, ...)` or `IBackgroundCopyJobHttpOptions_Method(p, ...)`; C++: `p->Method(...)`.
#[repr(C)]
pub struct IBackgroundCopyJobHttpOptions {
    pub lpVtbl: *const IBackgroundCopyJobHttpOptionsVtbl,
}

/// Vtable of `IBackgroundCopyJobHttpOptions` (derives from `IUnknown`). HTTP options of a job
/// (slots 3-10): client certificate, custom headers, TLS and redirect flags. QueryInterface a job
/// for it (same object as the job). Free-threaded: call it from any thread.
#[repr(C)]
pub struct IBackgroundCopyJobHttpOptionsVtbl {
    /// Slot 0 (IUnknown). Stores another interface of this object in `*ppvObject`, AddRef'd
    /// (Release it), or NULL and E_NOINTERFACE. E_POINTER if `ppvObject` is NULL, E_INVALIDARG if
    /// `riid` is NULL.
    pub QueryInterface: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJobHttpOptions,
            riid: REFIID,
            ppvObject: *mut *mut c_void,
        ) -> HRESULT,
    >,
    /// Slot 1 (IUnknown). Adds a reference and returns the new count (informational only).
    pub AddRef: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJobHttpOptions) -> ULONG>,
    /// Slot 2 (IUnknown). Drops one reference you own and returns the new count; the object is
    /// freed at 0.
    pub Release: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJobHttpOptions) -> ULONG>,
    /// Slot 3. Selects the TLS client certificate by its 20-byte SHA-1 hash `pCertHashBlob` in
    /// store StoreName at StoreLocation. On Linux a store is a directory of PEM files (certificate
    /// plus key in the file or in `<stem>.key`): `$XDG_CONFIG_HOME/deliveryopt/certs/<StoreName>`
    /// (CURRENT_USER), `/etc/deliveryopt/certs/<StoreName>` (LOCAL_MACHINE), or StoreName itself
    /// when absolute. RPC_X_NULL_REF_POINTER (NULL), E_NOTIMPL (other locations),
    /// HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND) (no store), CRYPT_E_NOT_FOUND,
    /// BG_E_STRING_TOO_LONG, BG_E_INVALID_STATE.
    pub SetClientCertificateByID: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJobHttpOptions,
            StoreLocation: BG_CERT_STORE_LOCATION,
            StoreName: LPCWSTR,
            pCertHashBlob: *mut BYTE,
        ) -> HRESULT,
    >,
    /// Slot 4. Selects the first TLS client-authentication certificate whose subject contains
    /// SubjectName (at most 256 characters) in store StoreName. Owner only. E_INVALIDARG if a
    /// pointer is NULL or a name is empty; same errors as SetClientCertificateByID.
    pub SetClientCertificateByName: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJobHttpOptions,
            StoreLocation: BG_CERT_STORE_LOCATION,
            StoreName: LPCWSTR,
            SubjectName: LPCWSTR,
        ) -> HRESULT,
    >,
    /// Slot 5. Forgets the client certificate: S_OK, or S_FALSE if none was set. BG_E_INVALID_STATE
    /// in final states.
    pub RemoveClientCertificate: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJobHttpOptions) -> HRESULT>,
    /// Slot 6. The client certificate selection: location, store name, 20-byte hash and subject
    /// (unused ones NULL); free the strings and the hash with CoTaskMemFree. RPC_X_BAD_STUB_DATA if
    /// no certificate is set; E_INVALIDARG if a pointer is NULL.
    pub GetClientCertificate: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJobHttpOptions,
            pStoreLocation: *mut BG_CERT_STORE_LOCATION,
            pStoreName: *mut LPWSTR,
            ppCertHashBlob: *mut *mut BYTE,
            pSubjectName: *mut LPWSTR,
        ) -> HRESULT,
    >,
    /// Slot 7. Extra request headers sent with every request, each ending in CRLF (copied; NULL
    /// clears them). Owner only. BG_E_STRING_TOO_LONG from 16384 characters (including the NUL);
    /// BG_E_INVALID_STATE.
    pub SetCustomHeaders:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJobHttpOptions, RequestHeaders: LPCWSTR) -> HRESULT>,
    /// Slot 8. The custom headers in `*pRequestHeaders`; free them with CoTaskMemFree. S_FALSE and
    /// NULL if none are set. E_ACCESSDENIED for non-owners and after MakeCustomHeadersWriteOnly;
    /// E_INVALIDARG if the out pointer is NULL.
    pub GetCustomHeaders:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJobHttpOptions, pRequestHeaders: *mut LPWSTR) -> HRESULT>,
    /// Slot 9. BG_SSL_* checks, the BG_HTTP_REDIRECT_POLICY_* redirect policy and
    /// BG_HTTP_REDIRECT_POLICY_ALLOW_HTTPS_TO_HTTP (default 0). E_INVALIDARG for undefined bits
    /// or policy values; E_NOTIMPL for BG_SSL_* bits (certificate checks cannot be relaxed);
    /// BG_E_INVALID_STATE in final states.
    pub SetSecurityFlags:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJobHttpOptions, Flags: ULONG) -> HRESULT>,
    /// Slot 10. The security flags in `*pFlags`. E_INVALIDARG if `pFlags` is NULL.
    pub GetSecurityFlags:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJobHttpOptions, pFlags: *mut ULONG) -> HRESULT>,
}

/// BITS 10.2 HTTP options (slots 11-12): the HTTP verb. QueryInterface a job for it. Free-threaded:
/// call it from any thread.
///
/// C: `p->lpVtbl->Method(p, ...)` or `IBackgroundCopyJobHttpOptions2_Method(p, ...)`; C++: `p->Method(...)`.
#[repr(C)]
pub struct IBackgroundCopyJobHttpOptions2 {
    pub lpVtbl: *const IBackgroundCopyJobHttpOptions2Vtbl,
}

/// Vtable of `IBackgroundCopyJobHttpOptions2` (derives from `IBackgroundCopyJobHttpOptions`). BITS
/// 10.2 HTTP options (slots 11-12): the HTTP verb. QueryInterface a job for it. Free-threaded: call
/// it from any thread.
#[repr(C)]
pub struct IBackgroundCopyJobHttpOptions2Vtbl {
    /// Slot 0 (IUnknown). Stores another interface of this object in `*ppvObject`, AddRef'd
    /// (Release it), or NULL and E_NOINTERFACE. E_POINTER if `ppvObject` is NULL, E_INVALIDARG if
    /// `riid` is NULL.
    pub QueryInterface: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJobHttpOptions2,
            riid: REFIID,
            ppvObject: *mut *mut c_void,
        ) -> HRESULT,
    >,
    /// Slot 1 (IUnknown). Adds a reference and returns the new count (informational only).
    pub AddRef: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJobHttpOptions2) -> ULONG>,
    /// Slot 2 (IUnknown). Drops one reference you own and returns the new count; the object is
    /// freed at 0.
    pub Release: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJobHttpOptions2) -> ULONG>,
    /// Slot 3 (IBackgroundCopyJobHttpOptions). Selects the TLS client certificate by its 20-byte
    /// SHA-1 hash `pCertHashBlob` in store StoreName (CA, MY, ROOT, SPC...) at StoreLocation. Owner
    /// only.
    pub SetClientCertificateByID: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJobHttpOptions2,
            StoreLocation: BG_CERT_STORE_LOCATION,
            StoreName: LPCWSTR,
            pCertHashBlob: *mut BYTE,
        ) -> HRESULT,
    >,
    /// Slot 4 (IBackgroundCopyJobHttpOptions). Selects the first TLS client-authentication
    /// certificate whose subject contains SubjectName (at most 256 characters) in store StoreName.
    /// Owner only.
    pub SetClientCertificateByName: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJobHttpOptions2,
            StoreLocation: BG_CERT_STORE_LOCATION,
            StoreName: LPCWSTR,
            SubjectName: LPCWSTR,
        ) -> HRESULT,
    >,
    /// Slot 5 (IBackgroundCopyJobHttpOptions). Forgets the client certificate: S_OK, or S_FALSE if
    /// none was set.
    pub RemoveClientCertificate: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJobHttpOptions2) -> HRESULT>,
    /// Slot 6 (IBackgroundCopyJobHttpOptions). The client certificate selection: location, store
    /// name, 20-byte hash and subject (unused ones NULL); free the strings and the hash with
    /// CoTaskMemFree.
    pub GetClientCertificate: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJobHttpOptions2,
            pStoreLocation: *mut BG_CERT_STORE_LOCATION,
            pStoreName: *mut LPWSTR,
            ppCertHashBlob: *mut *mut BYTE,
            pSubjectName: *mut LPWSTR,
        ) -> HRESULT,
    >,
    /// Slot 7 (IBackgroundCopyJobHttpOptions). Extra request headers sent with every request, each
    /// ending in CRLF (copied; NULL clears them). Owner only.
    pub SetCustomHeaders:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJobHttpOptions2, RequestHeaders: LPCWSTR) -> HRESULT>,
    /// Slot 8 (IBackgroundCopyJobHttpOptions). The custom headers in `*pRequestHeaders`; free them
    /// with CoTaskMemFree. S_FALSE and NULL if none are set.
    pub GetCustomHeaders: Option<
        unsafe extern "C" fn(This: *mut IBackgroundCopyJobHttpOptions2, pRequestHeaders: *mut LPWSTR) -> HRESULT,
    >,
    /// Slot 9 (IBackgroundCopyJobHttpOptions). BG_SSL_* checks, the BG_HTTP_REDIRECT_POLICY_*
    /// redirect policy and BG_HTTP_REDIRECT_POLICY_ALLOW_HTTPS_TO_HTTP (default 0).
    pub SetSecurityFlags:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJobHttpOptions2, Flags: ULONG) -> HRESULT>,
    /// Slot 10 (IBackgroundCopyJobHttpOptions). The security flags in `*pFlags`.
    pub GetSecurityFlags:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJobHttpOptions2, pFlags: *mut ULONG) -> HRESULT>,
    /// Slot 11. A custom HTTP verb for a download job (copied), set before the first Resume; a
    /// non-default verb makes the job FOREGROUND and every error fatal. E_INVALIDARG if `method` is
    /// NULL; BG_E_READ_ONLY_PROPERTY_AFTER_RESUME; BG_E_NOT_SUPPORTED_WITH_CUSTOM_HTTP_METHOD
    /// (dynamic content, on-demand mode).
    pub SetHttpMethod:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJobHttpOptions2, method: LPCWSTR) -> HRESULT>,
    /// Slot 12. The HTTP verb (default GET for downloads) in `*method`; free it with CoTaskMemFree.
    /// E_INVALIDARG if `method` is NULL.
    pub GetHttpMethod:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJobHttpOptions2, method: *mut LPWSTR) -> HRESULT>,
}

/// BITS 10.3 HTTP options (slots 13-14): server certificate callback, write-only headers.
/// QueryInterface a job for it. Free-threaded: call it from any thread.
///
/// C: `p->lpVtbl->Method(p, ...)` or `IBackgroundCopyJobHttpOptions3_Method(p, ...)`; C++: `p->Method(...)`.
#[repr(C)]
pub struct IBackgroundCopyJobHttpOptions3 {
    pub lpVtbl: *const IBackgroundCopyJobHttpOptions3Vtbl,
}

/// Vtable of `IBackgroundCopyJobHttpOptions3` (derives from `IBackgroundCopyJobHttpOptions2`). BITS
/// 10.3 HTTP options (slots 13-14): server certificate callback, write-only headers. QueryInterface
/// a job for it. Free-threaded: call it from any thread.
#[repr(C)]
pub struct IBackgroundCopyJobHttpOptions3Vtbl {
    /// Slot 0 (IUnknown). Stores another interface of this object in `*ppvObject`, AddRef'd
    /// (Release it), or NULL and E_NOINTERFACE. E_POINTER if `ppvObject` is NULL, E_INVALIDARG if
    /// `riid` is NULL.
    pub QueryInterface: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJobHttpOptions3,
            riid: REFIID,
            ppvObject: *mut *mut c_void,
        ) -> HRESULT,
    >,
    /// Slot 1 (IUnknown). Adds a reference and returns the new count (informational only).
    pub AddRef: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJobHttpOptions3) -> ULONG>,
    /// Slot 2 (IUnknown). Drops one reference you own and returns the new count; the object is
    /// freed at 0.
    pub Release: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJobHttpOptions3) -> ULONG>,
    /// Slot 3 (IBackgroundCopyJobHttpOptions). Selects the TLS client certificate by its 20-byte
    /// SHA-1 hash `pCertHashBlob` in store StoreName (CA, MY, ROOT, SPC...) at StoreLocation. Owner
    /// only.
    pub SetClientCertificateByID: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJobHttpOptions3,
            StoreLocation: BG_CERT_STORE_LOCATION,
            StoreName: LPCWSTR,
            pCertHashBlob: *mut BYTE,
        ) -> HRESULT,
    >,
    /// Slot 4 (IBackgroundCopyJobHttpOptions). Selects the first TLS client-authentication
    /// certificate whose subject contains SubjectName (at most 256 characters) in store StoreName.
    /// Owner only.
    pub SetClientCertificateByName: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJobHttpOptions3,
            StoreLocation: BG_CERT_STORE_LOCATION,
            StoreName: LPCWSTR,
            SubjectName: LPCWSTR,
        ) -> HRESULT,
    >,
    /// Slot 5 (IBackgroundCopyJobHttpOptions). Forgets the client certificate: S_OK, or S_FALSE if
    /// none was set.
    pub RemoveClientCertificate: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJobHttpOptions3) -> HRESULT>,
    /// Slot 6 (IBackgroundCopyJobHttpOptions). The client certificate selection: location, store
    /// name, 20-byte hash and subject (unused ones NULL); free the strings and the hash with
    /// CoTaskMemFree.
    pub GetClientCertificate: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJobHttpOptions3,
            pStoreLocation: *mut BG_CERT_STORE_LOCATION,
            pStoreName: *mut LPWSTR,
            ppCertHashBlob: *mut *mut BYTE,
            pSubjectName: *mut LPWSTR,
        ) -> HRESULT,
    >,
    /// Slot 7 (IBackgroundCopyJobHttpOptions). Extra request headers sent with every request, each
    /// ending in CRLF (copied; NULL clears them). Owner only.
    pub SetCustomHeaders:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJobHttpOptions3, RequestHeaders: LPCWSTR) -> HRESULT>,
    /// Slot 8 (IBackgroundCopyJobHttpOptions). The custom headers in `*pRequestHeaders`; free them
    /// with CoTaskMemFree. S_FALSE and NULL if none are set.
    pub GetCustomHeaders: Option<
        unsafe extern "C" fn(This: *mut IBackgroundCopyJobHttpOptions3, pRequestHeaders: *mut LPWSTR) -> HRESULT,
    >,
    /// Slot 9 (IBackgroundCopyJobHttpOptions). BG_SSL_* checks, the BG_HTTP_REDIRECT_POLICY_*
    /// redirect policy and BG_HTTP_REDIRECT_POLICY_ALLOW_HTTPS_TO_HTTP (default 0).
    pub SetSecurityFlags:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJobHttpOptions3, Flags: ULONG) -> HRESULT>,
    /// Slot 10 (IBackgroundCopyJobHttpOptions). The security flags in `*pFlags`.
    pub GetSecurityFlags:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJobHttpOptions3, pFlags: *mut ULONG) -> HRESULT>,
    /// Slot 11 (IBackgroundCopyJobHttpOptions2). A custom HTTP verb for a download job (copied),
    /// set before the first Resume; a non-default verb makes the job FOREGROUND and every error
    /// fatal.
    pub SetHttpMethod:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJobHttpOptions3, method: LPCWSTR) -> HRESULT>,
    /// Slot 12 (IBackgroundCopyJobHttpOptions2). The HTTP verb (default GET for downloads) in
    /// `*method`; free it with CoTaskMemFree.
    pub GetHttpMethod:
        Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJobHttpOptions3, method: *mut LPWSTR) -> HRESULT>,
    /// Slot 13. Registers your IBackgroundCopyServerCertificateValidationCallback object (the
    /// library keeps its own reference); NULL removes it. Forgets the certificates accepted so far.
    /// E_NOINTERFACE if the object lacks that interface; BG_E_READ_ONLY_WHEN_JOB_ACTIVE unless the
    /// job is SUSPENDED, ERROR or TRANSFERRED.
    pub SetServerCertificateValidationInterface: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyJobHttpOptions3,
            certValidationCallback: *mut IUnknown,
        ) -> HRESULT,
    >,
    /// Slot 14. Hides the custom headers from GetCustomHeaders for good; they are still sent.
    /// Always S_OK.
    pub MakeCustomHeadersWriteOnly: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyJobHttpOptions3) -> HRESULT>,
}

/// Your own check of server TLS certificates (slot 3), called after the system's chain validation
/// succeeded; register it with
/// IBackgroundCopyJobHttpOptions3::SetServerCertificateValidationInterface. You implement it. The
/// library calls it on its own threads, never while holding a library lock, so your object must be
/// thread-safe and may call back into the library (Complete, Cancel, GetProgress...).
///
/// C: `p->lpVtbl->Method(p, ...)` or `IBackgroundCopyServerCertificateValidationCallback_Method(p, ...)`; C++: `p->Method(...)`.
#[repr(C)]
pub struct IBackgroundCopyServerCertificateValidationCallback {
    pub lpVtbl: *const IBackgroundCopyServerCertificateValidationCallbackVtbl,
}

/// Vtable of `IBackgroundCopyServerCertificateValidationCallback` (derives from `IUnknown`). Your
/// own check of server TLS certificates (slot 3), called after the system's chain validation
/// succeeded; register it with
/// IBackgroundCopyJobHttpOptions3::SetServerCertificateValidationInterface. You implement it. The
/// library calls it on its own threads, never while holding a library lock, so your object must be
/// thread-safe and may call back into the library (Complete, Cancel, GetProgress...).
#[repr(C)]
pub struct IBackgroundCopyServerCertificateValidationCallbackVtbl {
    /// Slot 0 (IUnknown). You implement it: store an AddRef'd pointer for IID_IUnknown and each
    /// interface your object implements, else NULL and E_NOINTERFACE. Called from library threads.
    pub QueryInterface: Option<
        unsafe extern "C" fn(
            This: *mut IBackgroundCopyServerCertificateValidationCallback,
            riid: REFIID,
            ppvObject: *mut *mut c_void,
        ) -> HRESULT,
    >,
    /// Slot 1 (IUnknown). You implement it: the library takes a reference to keep your object
    /// (registration, a call in progress), from any thread, so the count must be atomic.
    pub AddRef: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyServerCertificateValidationCallback) -> ULONG>,
    /// Slot 2 (IUnknown). You implement it: the library drops each reference it took, from any
    /// thread and possibly after you dropped yours; free the object when the count reaches 0.
    pub Release: Option<unsafe extern "C" fn(This: *mut IBackgroundCopyServerCertificateValidationCallback) -> ULONG>,
    /// Slot 3. You implement it: judge the server certificate `certData` (chain: the serialized
    /// store `certStoreData`). Runs on a library thread, no library lock held: may call back in
    /// (Complete, Cancel, GetProgress...). Pointers are borrowed for the call (AddRef one to keep
    /// it). S_OK accepts; another HRESULT rejects (the job goes to TRANSIENT_ERROR with it).
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

/// Helper-token options of a job (slots 3-7): a second identity for local files or network
/// authentication. QueryInterface a job for it. Free-threaded: call it from any thread.
///
/// C: `p->lpVtbl->Method(p, ...)` or `IBitsTokenOptions_Method(p, ...)`; C++: `p->Method(...)`.
#[repr(C)]
pub struct IBitsTokenOptions {
    pub lpVtbl: *const IBitsTokenOptionsVtbl,
}

/// Vtable of `IBitsTokenOptions` (derives from `IUnknown`). Helper-token options of a job (slots
/// 3-7): a second identity for local files or network authentication. QueryInterface a job for it.
/// Free-threaded: call it from any thread.
#[repr(C)]
pub struct IBitsTokenOptionsVtbl {
    /// Slot 0 (IUnknown). Stores another interface of this object in `*ppvObject`, AddRef'd
    /// (Release it), or NULL and E_NOINTERFACE. E_POINTER if `ppvObject` is NULL, E_INVALIDARG if
    /// `riid` is NULL.
    pub QueryInterface: Option<
        unsafe extern "C" fn(This: *mut IBitsTokenOptions, riid: REFIID, ppvObject: *mut *mut c_void) -> HRESULT,
    >,
    /// Slot 1 (IUnknown). Adds a reference and returns the new count (informational only).
    pub AddRef: Option<unsafe extern "C" fn(This: *mut IBitsTokenOptions) -> ULONG>,
    /// Slot 2 (IUnknown). Drops one reference you own and returns the new count; the object is
    /// freed at 0.
    pub Release: Option<unsafe extern "C" fn(This: *mut IBitsTokenOptions) -> ULONG>,
    /// Slot 3. What the helper token is used for: BG_TOKEN_LOCAL_FILE (local file access),
    /// BG_TOKEN_NETWORK (network authentication). BG_E_INVALID_STATE in final states.
    pub SetHelperTokenFlags: Option<unsafe extern "C" fn(This: *mut IBitsTokenOptions, UsageFlags: DWORD) -> HRESULT>,
    /// Slot 4. The BG_TOKEN_* flags in `*pFlags`. E_INVALIDARG if `pFlags` is NULL.
    pub GetHelperTokenFlags: Option<unsafe extern "C" fn(This: *mut IBitsTokenOptions, pFlags: *mut DWORD) -> HRESULT>,
    /// Slot 5. Captures the calling user's identity as the job's helper token (not persisted).
    /// E_ACCESSDENIED if the caller may not lend it to this job; BG_E_INVALID_STATE in final
    /// states.
    pub SetHelperToken: Option<unsafe extern "C" fn(This: *mut IBitsTokenOptions) -> HRESULT>,
    /// Slot 6. Drops the helper token. BG_E_INVALID_STATE in final states.
    pub ClearHelperToken: Option<unsafe extern "C" fn(This: *mut IBitsTokenOptions) -> HRESULT>,
    /// Slot 7. The helper token's SID as text, or NULL if none; free it with CoTaskMemFree.
    /// E_INVALIDARG if `pSid` is NULL.
    pub GetHelperTokenSid: Option<unsafe extern "C" fn(This: *mut IBitsTokenOptions, pSid: *mut LPWSTR) -> HRESULT>,
}

/// A peer-cache record (slots 3-9); deprecated since BITS 4.0. Obtained from
/// IBitsPeerCacheAdministration. Free-threaded: call it from any thread.
///
/// C: `p->lpVtbl->Method(p, ...)` or `IBitsPeerCacheRecord_Method(p, ...)`; C++: `p->Method(...)`.
#[repr(C)]
pub struct IBitsPeerCacheRecord {
    pub lpVtbl: *const IBitsPeerCacheRecordVtbl,
}

/// Vtable of `IBitsPeerCacheRecord` (derives from `IUnknown`). A peer-cache record (slots 3-9);
/// deprecated since BITS 4.0. Obtained from IBitsPeerCacheAdministration. Free-threaded: call it
/// from any thread.
#[repr(C)]
pub struct IBitsPeerCacheRecordVtbl {
    /// Slot 0 (IUnknown). Stores another interface of this object in `*ppvObject`, AddRef'd
    /// (Release it), or NULL and E_NOINTERFACE. E_POINTER if `ppvObject` is NULL, E_INVALIDARG if
    /// `riid` is NULL.
    pub QueryInterface: Option<
        unsafe extern "C" fn(This: *mut IBitsPeerCacheRecord, riid: REFIID, ppvObject: *mut *mut c_void) -> HRESULT,
    >,
    /// Slot 1 (IUnknown). Adds a reference and returns the new count (informational only).
    pub AddRef: Option<unsafe extern "C" fn(This: *mut IBitsPeerCacheRecord) -> ULONG>,
    /// Slot 2 (IUnknown). Drops one reference you own and returns the new count; the object is
    /// freed at 0.
    pub Release: Option<unsafe extern "C" fn(This: *mut IBitsPeerCacheRecord) -> ULONG>,
    /// Slot 3. The record's GUID in `*pVal`. E_INVALIDARG if `pVal` is NULL.
    pub GetId: Option<unsafe extern "C" fn(This: *mut IBitsPeerCacheRecord, pVal: *mut GUID) -> HRESULT>,
    /// Slot 4. The URL the cached file came from; free it with CoTaskMemFree. E_INVALIDARG if
    /// `ppOriginUrl` is NULL.
    pub GetOriginUrl:
        Option<unsafe extern "C" fn(This: *mut IBitsPeerCacheRecord, ppOriginUrl: *mut LPWSTR) -> HRESULT>,
    /// Slot 5. The cached file's size in bytes in `*pVal`. E_INVALIDARG if `pVal` is NULL.
    pub GetFileSize: Option<unsafe extern "C" fn(This: *mut IBitsPeerCacheRecord, pVal: *mut UINT64) -> HRESULT>,
    /// Slot 6. The file's last modification time (FILETIME, UTC) in `*pVal`. E_INVALIDARG if `pVal`
    /// is NULL.
    pub GetFileModificationTime:
        Option<unsafe extern "C" fn(This: *mut IBitsPeerCacheRecord, pVal: *mut FILETIME) -> HRESULT>,
    /// Slot 7. When the record was last used (FILETIME, UTC), in `*pVal`. E_INVALIDARG if `pVal` is
    /// NULL.
    pub GetLastAccessTime:
        Option<unsafe extern "C" fn(This: *mut IBitsPeerCacheRecord, pVal: *mut FILETIME) -> HRESULT>,
    /// Slot 8. S_OK if the cached content was validated, S_FALSE if not.
    pub IsFileValidated: Option<unsafe extern "C" fn(This: *mut IBitsPeerCacheRecord) -> HRESULT>,
    /// Slot 9. The cached ranges: count in `*pRangeCount`, array in `*ppRanges` (free it with
    /// CoTaskMemFree). E_INVALIDARG if a pointer is NULL.
    pub GetFileRanges: Option<
        unsafe extern "C" fn(
            This: *mut IBitsPeerCacheRecord,
            pRangeCount: *mut DWORD,
            ppRanges: *mut *mut BG_FILE_RANGE,
        ) -> HRESULT,
    >,
}

/// Enumerator of peer-cache records (slots 3-7); deprecated since BITS 4.0. A snapshot.
/// Free-threaded: call it from any thread.
///
/// C: `p->lpVtbl->Method(p, ...)` or `IEnumBitsPeerCacheRecords_Method(p, ...)`; C++: `p->Method(...)`.
#[repr(C)]
pub struct IEnumBitsPeerCacheRecords {
    pub lpVtbl: *const IEnumBitsPeerCacheRecordsVtbl,
}

/// Vtable of `IEnumBitsPeerCacheRecords` (derives from `IUnknown`). Enumerator of peer-cache
/// records (slots 3-7); deprecated since BITS 4.0. A snapshot. Free-threaded: call it from any
/// thread.
#[repr(C)]
pub struct IEnumBitsPeerCacheRecordsVtbl {
    /// Slot 0 (IUnknown). Stores another interface of this object in `*ppvObject`, AddRef'd
    /// (Release it), or NULL and E_NOINTERFACE. E_POINTER if `ppvObject` is NULL, E_INVALIDARG if
    /// `riid` is NULL.
    pub QueryInterface: Option<
        unsafe extern "C" fn(
            This: *mut IEnumBitsPeerCacheRecords,
            riid: REFIID,
            ppvObject: *mut *mut c_void,
        ) -> HRESULT,
    >,
    /// Slot 1 (IUnknown). Adds a reference and returns the new count (informational only).
    pub AddRef: Option<unsafe extern "C" fn(This: *mut IEnumBitsPeerCacheRecords) -> ULONG>,
    /// Slot 2 (IUnknown). Drops one reference you own and returns the new count; the object is
    /// freed at 0.
    pub Release: Option<unsafe extern "C" fn(This: *mut IEnumBitsPeerCacheRecords) -> ULONG>,
    /// Slot 3. Copies up to `celt` IBitsPeerCacheRecord pointers into `rgelt`, each AddRef'd
    /// (Release each one): S_OK if `celt` were returned, S_FALSE if fewer (the end).
    /// `*pceltFetched` gets the number; it may be NULL only when `celt` is 1 (else E_INVALIDARG).
    /// E_INVALIDARG if `rgelt` is NULL.
    pub Next: Option<
        unsafe extern "C" fn(
            This: *mut IEnumBitsPeerCacheRecords,
            celt: ULONG,
            rgelt: *mut *mut IBitsPeerCacheRecord,
            pceltFetched: *mut ULONG,
        ) -> HRESULT,
    >,
    /// Slot 4. Skips `celt` elements: S_OK, or S_FALSE if the end came first.
    pub Skip: Option<unsafe extern "C" fn(This: *mut IEnumBitsPeerCacheRecords, celt: ULONG) -> HRESULT>,
    /// Slot 5. Goes back to the first element.
    pub Reset: Option<unsafe extern "C" fn(This: *mut IEnumBitsPeerCacheRecords) -> HRESULT>,
    /// Slot 6. A new enumerator over the same snapshot at the same position, in `*ppenum`, AddRef'd
    /// (Release it). E_INVALIDARG if `ppenum` is NULL.
    pub Clone: Option<
        unsafe extern "C" fn(
            This: *mut IEnumBitsPeerCacheRecords,
            ppenum: *mut *mut IEnumBitsPeerCacheRecords,
        ) -> HRESULT,
    >,
    /// Slot 7. Number of elements in the snapshot, in `*puCount`. E_INVALIDARG if `puCount` is
    /// NULL.
    pub GetCount: Option<unsafe extern "C" fn(This: *mut IEnumBitsPeerCacheRecords, puCount: *mut ULONG) -> HRESULT>,
}

/// A peer of the peer cache (slots 3-5); deprecated since BITS 4.0. Free-threaded: call it from any
/// thread.
///
/// C: `p->lpVtbl->Method(p, ...)` or `IBitsPeer_Method(p, ...)`; C++: `p->Method(...)`.
#[repr(C)]
pub struct IBitsPeer {
    pub lpVtbl: *const IBitsPeerVtbl,
}

/// Vtable of `IBitsPeer` (derives from `IUnknown`). A peer of the peer cache (slots 3-5);
/// deprecated since BITS 4.0. Free-threaded: call it from any thread.
#[repr(C)]
pub struct IBitsPeerVtbl {
    /// Slot 0 (IUnknown). Stores another interface of this object in `*ppvObject`, AddRef'd
    /// (Release it), or NULL and E_NOINTERFACE. E_POINTER if `ppvObject` is NULL, E_INVALIDARG if
    /// `riid` is NULL.
    pub QueryInterface:
        Option<unsafe extern "C" fn(This: *mut IBitsPeer, riid: REFIID, ppvObject: *mut *mut c_void) -> HRESULT>,
    /// Slot 1 (IUnknown). Adds a reference and returns the new count (informational only).
    pub AddRef: Option<unsafe extern "C" fn(This: *mut IBitsPeer) -> ULONG>,
    /// Slot 2 (IUnknown). Drops one reference you own and returns the new count; the object is
    /// freed at 0.
    pub Release: Option<unsafe extern "C" fn(This: *mut IBitsPeer) -> ULONG>,
    /// Slot 3. The peer's server principal name; free it with CoTaskMemFree. E_INVALIDARG if
    /// `pName` is NULL.
    pub GetPeerName: Option<unsafe extern "C" fn(This: *mut IBitsPeer, pName: *mut LPWSTR) -> HRESULT>,
    /// Slot 4. TRUE in `*pAuth` if the peer was authenticated. E_INVALIDARG if `pAuth` is NULL.
    pub IsAuthenticated: Option<unsafe extern "C" fn(This: *mut IBitsPeer, pAuth: *mut BOOL) -> HRESULT>,
    /// Slot 5. TRUE in `*pOnline` if the peer is online and serving content. E_INVALIDARG if
    /// `pOnline` is NULL.
    pub IsAvailable: Option<unsafe extern "C" fn(This: *mut IBitsPeer, pOnline: *mut BOOL) -> HRESULT>,
}

/// Enumerator of peers (slots 3-7); deprecated since BITS 4.0. A snapshot. Free-threaded: call it
/// from any thread.
///
/// C: `p->lpVtbl->Method(p, ...)` or `IEnumBitsPeers_Method(p, ...)`; C++: `p->Method(...)`.
#[repr(C)]
pub struct IEnumBitsPeers {
    pub lpVtbl: *const IEnumBitsPeersVtbl,
}

/// Vtable of `IEnumBitsPeers` (derives from `IUnknown`). Enumerator of peers (slots 3-7);
/// deprecated since BITS 4.0. A snapshot. Free-threaded: call it from any thread.
#[repr(C)]
pub struct IEnumBitsPeersVtbl {
    /// Slot 0 (IUnknown). Stores another interface of this object in `*ppvObject`, AddRef'd
    /// (Release it), or NULL and E_NOINTERFACE. E_POINTER if `ppvObject` is NULL, E_INVALIDARG if
    /// `riid` is NULL.
    pub QueryInterface:
        Option<unsafe extern "C" fn(This: *mut IEnumBitsPeers, riid: REFIID, ppvObject: *mut *mut c_void) -> HRESULT>,
    /// Slot 1 (IUnknown). Adds a reference and returns the new count (informational only).
    pub AddRef: Option<unsafe extern "C" fn(This: *mut IEnumBitsPeers) -> ULONG>,
    /// Slot 2 (IUnknown). Drops one reference you own and returns the new count; the object is
    /// freed at 0.
    pub Release: Option<unsafe extern "C" fn(This: *mut IEnumBitsPeers) -> ULONG>,
    /// Slot 3. Copies up to `celt` IBitsPeer pointers into `rgelt`, each AddRef'd (Release each
    /// one): S_OK if `celt` were returned, S_FALSE if fewer (the end). `*pceltFetched` gets the
    /// number; it may be NULL only when `celt` is 1 (else E_INVALIDARG). E_INVALIDARG if `rgelt` is
    /// NULL.
    pub Next: Option<
        unsafe extern "C" fn(
            This: *mut IEnumBitsPeers,
            celt: ULONG,
            rgelt: *mut *mut IBitsPeer,
            pceltFetched: *mut ULONG,
        ) -> HRESULT,
    >,
    /// Slot 4. Skips `celt` elements: S_OK, or S_FALSE if the end came first.
    pub Skip: Option<unsafe extern "C" fn(This: *mut IEnumBitsPeers, celt: ULONG) -> HRESULT>,
    /// Slot 5. Goes back to the first element.
    pub Reset: Option<unsafe extern "C" fn(This: *mut IEnumBitsPeers) -> HRESULT>,
    /// Slot 6. A new enumerator over the same snapshot at the same position, in `*ppenum`, AddRef'd
    /// (Release it). E_INVALIDARG if `ppenum` is NULL.
    pub Clone: Option<unsafe extern "C" fn(This: *mut IEnumBitsPeers, ppenum: *mut *mut IEnumBitsPeers) -> HRESULT>,
    /// Slot 7. Number of elements in the snapshot, in `*puCount`. E_INVALIDARG if `puCount` is
    /// NULL.
    pub GetCount: Option<unsafe extern "C" fn(This: *mut IEnumBitsPeers, puCount: *mut ULONG) -> HRESULT>,
}

/// Peer-cache administration (slots 3-16); deprecated since BITS 4.0 (BranchCache replaced it).
/// QueryInterface the manager for it. Free-threaded: call it from any thread.
///
/// C: `p->lpVtbl->Method(p, ...)` or `IBitsPeerCacheAdministration_Method(p, ...)`; C++: `p->Method(...)`.
#[repr(C)]
pub struct IBitsPeerCacheAdministration {
    pub lpVtbl: *const IBitsPeerCacheAdministrationVtbl,
}

/// Vtable of `IBitsPeerCacheAdministration` (derives from `IUnknown`). Peer-cache administration
/// (slots 3-16); deprecated since BITS 4.0 (BranchCache replaced it). QueryInterface the manager
/// for it. Free-threaded: call it from any thread.
#[repr(C)]
pub struct IBitsPeerCacheAdministrationVtbl {
    /// Slot 0 (IUnknown). Stores another interface of this object in `*ppvObject`, AddRef'd
    /// (Release it), or NULL and E_NOINTERFACE. E_POINTER if `ppvObject` is NULL, E_INVALIDARG if
    /// `riid` is NULL.
    pub QueryInterface: Option<
        unsafe extern "C" fn(
            This: *mut IBitsPeerCacheAdministration,
            riid: REFIID,
            ppvObject: *mut *mut c_void,
        ) -> HRESULT,
    >,
    /// Slot 1 (IUnknown). Adds a reference and returns the new count (informational only).
    pub AddRef: Option<unsafe extern "C" fn(This: *mut IBitsPeerCacheAdministration) -> ULONG>,
    /// Slot 2 (IUnknown). Drops one reference you own and returns the new count; the object is
    /// freed at 0.
    pub Release: Option<unsafe extern "C" fn(This: *mut IBitsPeerCacheAdministration) -> ULONG>,
    /// Slot 3. The cache size limit in `*pBytes`. E_INVALIDARG if `pBytes` is NULL;
    /// BG_E_PEERCACHING_DISABLED or E_NOTIMPL where peer caching is unavailable.
    pub GetMaximumCacheSize:
        Option<unsafe extern "C" fn(This: *mut IBitsPeerCacheAdministration, pBytes: *mut DWORD) -> HRESULT>,
    /// Slot 4. Sets the cache size limit. BG_E_PEERCACHING_DISABLED or E_NOTIMPL where peer caching
    /// is unavailable.
    pub SetMaximumCacheSize:
        Option<unsafe extern "C" fn(This: *mut IBitsPeerCacheAdministration, Bytes: DWORD) -> HRESULT>,
    /// Slot 5. Seconds a cached file is kept unused, in `*pSeconds`. E_INVALIDARG if `pSeconds` is
    /// NULL; BG_E_PEERCACHING_DISABLED or E_NOTIMPL where peer caching is unavailable.
    pub GetMaximumContentAge:
        Option<unsafe extern "C" fn(This: *mut IBitsPeerCacheAdministration, pSeconds: *mut ULONG) -> HRESULT>,
    /// Slot 6. Sets how many seconds a cached file is kept unused. BG_E_PEERCACHING_DISABLED or
    /// E_NOTIMPL where peer caching is unavailable.
    pub SetMaximumContentAge:
        Option<unsafe extern "C" fn(This: *mut IBitsPeerCacheAdministration, Seconds: ULONG) -> HRESULT>,
    /// Slot 7. The BG_ENABLE_PEERCACHING_* / BG_DISABLE_BRANCH_CACHE flags. E_INVALIDARG if
    /// `pFlags` is NULL; BG_E_PEERCACHING_DISABLED or E_NOTIMPL where peer caching is unavailable.
    pub GetConfigurationFlags:
        Option<unsafe extern "C" fn(This: *mut IBitsPeerCacheAdministration, pFlags: *mut DWORD) -> HRESULT>,
    /// Slot 8. Sets BG_ENABLE_PEERCACHING_CLIENT / _SERVER and BG_DISABLE_BRANCH_CACHE.
    /// BG_E_PEERCACHING_DISABLED or E_NOTIMPL where peer caching is unavailable.
    pub SetConfigurationFlags:
        Option<unsafe extern "C" fn(This: *mut IBitsPeerCacheAdministration, Flags: DWORD) -> HRESULT>,
    /// Slot 9. Enumerator of the cache records in `*ppEnum`, AddRef'd (Release it). E_INVALIDARG if
    /// `ppEnum` is NULL; BG_E_PEERCACHING_DISABLED or E_NOTIMPL where peer caching is unavailable.
    pub EnumRecords: Option<
        unsafe extern "C" fn(
            This: *mut IBitsPeerCacheAdministration,
            ppEnum: *mut *mut IEnumBitsPeerCacheRecords,
        ) -> HRESULT,
    >,
    /// Slot 10. The cache record with GUID `id` in `*ppRecord`, AddRef'd (Release it).
    /// BG_E_NOT_FOUND if there is none; E_INVALIDARG if a pointer is NULL;
    /// BG_E_PEERCACHING_DISABLED or E_NOTIMPL where peer caching is unavailable.
    pub GetRecord: Option<
        unsafe extern "C" fn(
            This: *mut IBitsPeerCacheAdministration,
            id: REFGUID,
            ppRecord: *mut *mut IBitsPeerCacheRecord,
        ) -> HRESULT,
    >,
    /// Slot 11. Deletes every cache record. BG_E_PEERCACHING_DISABLED or E_NOTIMPL where peer
    /// caching is unavailable.
    pub ClearRecords: Option<unsafe extern "C" fn(This: *mut IBitsPeerCacheAdministration) -> HRESULT>,
    /// Slot 12. Deletes the cache record with GUID `id`. BG_E_NOT_FOUND if there is none;
    /// E_INVALIDARG if `id` is NULL; BG_E_PEERCACHING_DISABLED or E_NOTIMPL where peer caching is
    /// unavailable.
    pub DeleteRecord: Option<unsafe extern "C" fn(This: *mut IBitsPeerCacheAdministration, id: REFGUID) -> HRESULT>,
    /// Slot 13. Deletes the cache records of one URL. E_INVALIDARG if `url` is NULL;
    /// BG_E_PEERCACHING_DISABLED or E_NOTIMPL where peer caching is unavailable.
    pub DeleteUrl: Option<unsafe extern "C" fn(This: *mut IBitsPeerCacheAdministration, url: LPCWSTR) -> HRESULT>,
    /// Slot 14. Enumerator of the known peers in `*ppEnum`, AddRef'd (Release it). E_INVALIDARG if
    /// `ppEnum` is NULL; BG_E_PEERCACHING_DISABLED or E_NOTIMPL where peer caching is unavailable.
    pub EnumPeers: Option<
        unsafe extern "C" fn(This: *mut IBitsPeerCacheAdministration, ppEnum: *mut *mut IEnumBitsPeers) -> HRESULT,
    >,
    /// Slot 15. Forgets the known peers. BG_E_PEERCACHING_DISABLED or E_NOTIMPL where peer caching
    /// is unavailable.
    pub ClearPeers: Option<unsafe extern "C" fn(This: *mut IBitsPeerCacheAdministration) -> HRESULT>,
    /// Slot 16. Starts a new search for peers. BG_E_PEERCACHING_DISABLED or E_NOTIMPL where peer
    /// caching is unavailable.
    pub DiscoverPeers: Option<unsafe extern "C" fn(This: *mut IBitsPeerCacheAdministration) -> HRESULT>,
}

/// The Delivery Optimization manager (slots 3-4): creates and lists downloads. Obtain it with
/// `CoCreateInstance(&CLSID_DeliveryOptimization, NULL, CLSCTX_LOCAL_SERVER, &IID_IDOManager, (void
/// **)&p)`; Release it when done. NULL pointers give E_POINTER. Free-threaded: call it from any
/// thread.
///
/// C: `p->lpVtbl->Method(p, ...)` or `IDOManager_Method(p, ...)`; C++: `p->Method(...)`.
#[repr(C)]
pub struct IDOManager {
    pub lpVtbl: *const IDOManagerVtbl,
}

/// Vtable of `IDOManager` (derives from `IUnknown`). The Delivery Optimization manager (slots 3-4):
/// creates and lists downloads. Obtain it with `CoCreateInstance(&CLSID_DeliveryOptimization, NULL,
/// CLSCTX_LOCAL_SERVER, &IID_IDOManager, (void **)&p)`; Release it when done. NULL pointers give
/// E_POINTER. Free-threaded: call it from any thread.
#[repr(C)]
pub struct IDOManagerVtbl {
    /// Slot 0 (IUnknown). Stores another interface of this object in `*ppvObject`, AddRef'd
    /// (Release it), or NULL and E_NOINTERFACE. E_POINTER if `ppvObject` is NULL, E_INVALIDARG if
    /// `riid` is NULL.
    pub QueryInterface:
        Option<unsafe extern "C" fn(This: *mut IDOManager, riid: REFIID, ppvObject: *mut *mut c_void) -> HRESULT>,
    /// Slot 1 (IUnknown). Adds a reference and returns the new count (informational only).
    pub AddRef: Option<unsafe extern "C" fn(This: *mut IDOManager) -> ULONG>,
    /// Slot 2 (IUnknown). Drops one reference you own and returns the new count; the object is
    /// freed at 0.
    pub Release: Option<unsafe extern "C" fn(This: *mut IDOManager) -> ULONG>,
    /// Slot 3. Creates a download owned by the caller, in state Created, in `*download`, AddRef'd
    /// (Release it). Set Uri (or ContentId) and LocalPath or StreamInterface, then Start. E_POINTER
    /// if `download` is NULL.
    pub CreateDownload: Option<unsafe extern "C" fn(This: *mut IDOManager, download: *mut *mut IDODownload) -> HRESULT>,
    /// Slot 4. Snapshot enumerator, in `*ppEnum` (AddRef'd; Release it), of the downloads this
    /// caller created; `category` NULL lists all, else only those whose property (Id, Uri,
    /// ContentId, DisplayName, LocalPath) equals its Value. E_POINTER if `ppEnum` is NULL.
    pub EnumDownloads: Option<
        unsafe extern "C" fn(
            This: *mut IDOManager,
            category: *const DO_DOWNLOAD_ENUM_CATEGORY,
            ppEnum: *mut *mut IEnumUnknown,
        ) -> HRESULT,
    >,
}

/// One Delivery Optimization download (slots 3-9): Created, Transferring, Paused, Transferred, then
/// Finalized or Aborted. From IDOManager::CreateDownload or EnumDownloads. NULL pointers give
/// E_POINTER. Free-threaded: call it from any thread.
///
/// C: `p->lpVtbl->Method(p, ...)` or `IDODownload_Method(p, ...)`; C++: `p->Method(...)`.
#[repr(C)]
pub struct IDODownload {
    pub lpVtbl: *const IDODownloadVtbl,
}

/// Vtable of `IDODownload` (derives from `IUnknown`). One Delivery Optimization download (slots
/// 3-9): Created, Transferring, Paused, Transferred, then Finalized or Aborted. From
/// IDOManager::CreateDownload or EnumDownloads. NULL pointers give E_POINTER. Free-threaded: call
/// it from any thread.
#[repr(C)]
pub struct IDODownloadVtbl {
    /// Slot 0 (IUnknown). Stores another interface of this object in `*ppvObject`, AddRef'd
    /// (Release it), or NULL and E_NOINTERFACE. E_POINTER if `ppvObject` is NULL, E_INVALIDARG if
    /// `riid` is NULL.
    pub QueryInterface:
        Option<unsafe extern "C" fn(This: *mut IDODownload, riid: REFIID, ppvObject: *mut *mut c_void) -> HRESULT>,
    /// Slot 1 (IUnknown). Adds a reference and returns the new count (informational only).
    pub AddRef: Option<unsafe extern "C" fn(This: *mut IDODownload) -> ULONG>,
    /// Slot 2 (IUnknown). Drops one reference you own and returns the new count; the object is
    /// freed at 0.
    pub Release: Option<unsafe extern "C" fn(This: *mut IDODownload) -> ULONG>,
    /// Slot 3. Starts (Created) or resumes (Paused) the download; `ranges` NULL or with RangeCount
    /// 0 means the whole file (the struct is copied). With BlockingMode it returns when done.
    /// DO_E_DOWNLOAD_NO_URI, DO_E_FILE_DOWNLOADSINK_UNSPECIFIED, DO_E_INVALID_STATE (Finalized,
    /// Aborted), DO_E_INVALID_RANGE, DO_E_OVERLAPPING_RANGES.
    pub Start: Option<unsafe extern "C" fn(This: *mut IDODownload, ranges: *const DO_DOWNLOAD_RANGES_INFO) -> HRESULT>,
    /// Slot 4. Pauses a Transferring download; no-op S_OK in Created, Paused and Transferred.
    /// DO_E_INVALID_STATE in Finalized or Aborted.
    pub Pause: Option<unsafe extern "C" fn(This: *mut IDODownload) -> HRESULT>,
    /// Slot 5. Cancels the download (Aborted) and deletes its partial data; no-op S_OK if already
    /// Aborted. DO_E_INVALID_STATE if Finalized.
    pub Abort: Option<unsafe extern "C" fn(This: *mut IDODownload) -> HRESULT>,
    /// Slot 6. Commits a Transferred download (Finalized, final); no-op S_OK if already Finalized.
    /// DO_E_INVALID_STATE in Created, Transferring, Paused and Aborted.
    pub Finalize: Option<unsafe extern "C" fn(This: *mut IDODownload) -> HRESULT>,
    /// Slot 7. Snapshot of bytes total and transferred, State, Error and ExtendedError in
    /// `*status`. E_POINTER if `status` is NULL.
    pub GetStatus: Option<unsafe extern "C" fn(This: *mut IDODownload, status: *mut DO_DOWNLOAD_STATUS) -> HRESULT>,
    /// Slot 8. Reads one property into `*propVal`, which must be empty (VariantInit); release what
    /// it holds with VariantClear (BSTR, AddRef'd VT_UNKNOWN). DO_E_UNKNOWN_PROPERTY_ID,
    /// DO_E_WRITE_ONLY_PROPERTY, E_NOT_SET (never set); E_POINTER if `propVal` is NULL.
    pub GetProperty: Option<
        unsafe extern "C" fn(This: *mut IDODownload, propId: DODownloadProperty, propVal: *mut VARIANT) -> HRESULT,
    >,
    /// Slot 9. Sets one property; `*propVal` (of the property's VARIANT type) stays yours: strings
    /// are copied, a VT_UNKNOWN (CallbackInterface, StreamInterface) is AddRef'd and kept.
    /// DO_E_UNKNOWN_PROPERTY_ID, DO_E_READ_ONLY_PROPERTY, DO_E_INVALID_STATE, E_INVALIDARG (bad
    /// value); E_POINTER if `propVal` is NULL.
    pub SetProperty: Option<
        unsafe extern "C" fn(This: *mut IDODownload, propId: DODownloadProperty, propVal: *const VARIANT) -> HRESULT,
    >,
}

/// Download status notifications (slot 3); register it with IDODownload::SetProperty
/// (DODownloadProperty_CallbackInterface, VT_UNKNOWN). You implement it. The library calls it on
/// its own threads, never while holding a library lock, so your object must be thread-safe and may
/// call back into the library (Complete, Cancel, GetProgress...).
///
/// C: `p->lpVtbl->Method(p, ...)` or `IDODownloadStatusCallback_Method(p, ...)`; C++: `p->Method(...)`.
#[repr(C)]
pub struct IDODownloadStatusCallback {
    pub lpVtbl: *const IDODownloadStatusCallbackVtbl,
}

/// Vtable of `IDODownloadStatusCallback` (derives from `IUnknown`). Download status notifications
/// (slot 3); register it with IDODownload::SetProperty (DODownloadProperty_CallbackInterface,
/// VT_UNKNOWN). You implement it. The library calls it on its own threads, never while holding a
/// library lock, so your object must be thread-safe and may call back into the library (Complete,
/// Cancel, GetProgress...).
#[repr(C)]
pub struct IDODownloadStatusCallbackVtbl {
    /// Slot 0 (IUnknown). You implement it: store an AddRef'd pointer for IID_IUnknown and each
    /// interface your object implements, else NULL and E_NOINTERFACE. Called from library threads.
    pub QueryInterface: Option<
        unsafe extern "C" fn(
            This: *mut IDODownloadStatusCallback,
            riid: REFIID,
            ppvObject: *mut *mut c_void,
        ) -> HRESULT,
    >,
    /// Slot 1 (IUnknown). You implement it: the library takes a reference to keep your object
    /// (registration, a call in progress), from any thread, so the count must be atomic.
    pub AddRef: Option<unsafe extern "C" fn(This: *mut IDODownloadStatusCallback) -> ULONG>,
    /// Slot 2 (IUnknown). You implement it: the library drops each reference it took, from any
    /// thread and possibly after you dropped yours; free the object when the count reaches 0.
    pub Release: Option<unsafe extern "C" fn(This: *mut IDODownloadStatusCallback) -> ULONG>,
    /// Slot 3. You implement it: `download` changed state, failed or progressed. Runs on a library
    /// thread, no library lock held: may call back in (GetStatus, Pause, Abort...). Pointers are
    /// borrowed for the call (AddRef one to keep it); do not free them. Return S_OK; a failure may
    /// pause the download with that error.
    pub OnStatusChange: Option<
        unsafe extern "C" fn(
            This: *mut IDODownloadStatusCallback,
            download: *mut IDODownload,
            status: *const DO_DOWNLOAD_STATUS,
        ) -> HRESULT,
    >,
}

/// Standard COM enumerator of IUnknown pointers (slots 3-6), from IDOManager::EnumDownloads. A
/// snapshot. Free-threaded: call it from any thread.
///
/// C: `p->lpVtbl->Method(p, ...)` or `IEnumUnknown_Method(p, ...)`; C++: `p->Method(...)`.
#[repr(C)]
pub struct IEnumUnknown {
    pub lpVtbl: *const IEnumUnknownVtbl,
}

/// Vtable of `IEnumUnknown` (derives from `IUnknown`). Standard COM enumerator of IUnknown pointers
/// (slots 3-6), from IDOManager::EnumDownloads. A snapshot. Free-threaded: call it from any thread.
#[repr(C)]
pub struct IEnumUnknownVtbl {
    /// Slot 0 (IUnknown). Stores another interface of this object in `*ppvObject`, AddRef'd
    /// (Release it), or NULL and E_NOINTERFACE. E_POINTER if `ppvObject` is NULL, E_INVALIDARG if
    /// `riid` is NULL.
    pub QueryInterface:
        Option<unsafe extern "C" fn(This: *mut IEnumUnknown, riid: REFIID, ppvObject: *mut *mut c_void) -> HRESULT>,
    /// Slot 1 (IUnknown). Adds a reference and returns the new count (informational only).
    pub AddRef: Option<unsafe extern "C" fn(This: *mut IEnumUnknown) -> ULONG>,
    /// Slot 2 (IUnknown). Drops one reference you own and returns the new count; the object is
    /// freed at 0.
    pub Release: Option<unsafe extern "C" fn(This: *mut IEnumUnknown) -> ULONG>,
    /// Slot 3. Copies up to `celt` IUnknown pointers into `rgelt`, each AddRef'd (Release each
    /// one): S_OK if `celt` were returned, S_FALSE if fewer (the end). `*pceltFetched` gets the
    /// number; it may be NULL only when `celt` is 1 (else E_INVALIDARG). E_INVALIDARG if `rgelt` is
    /// NULL.
    pub Next: Option<
        unsafe extern "C" fn(
            This: *mut IEnumUnknown,
            celt: ULONG,
            rgelt: *mut *mut IUnknown,
            pceltFetched: *mut ULONG,
        ) -> HRESULT,
    >,
    /// Slot 4. Skips `celt` elements: S_OK, or S_FALSE if the end came first.
    pub Skip: Option<unsafe extern "C" fn(This: *mut IEnumUnknown, celt: ULONG) -> HRESULT>,
    /// Slot 5. Goes back to the first element.
    pub Reset: Option<unsafe extern "C" fn(This: *mut IEnumUnknown) -> HRESULT>,
    /// Slot 6. A new enumerator over the same snapshot at the same position, in `*ppenum`, AddRef'd
    /// (Release it). E_INVALIDARG if `ppenum` is NULL.
    pub Clone: Option<unsafe extern "C" fn(This: *mut IEnumUnknown, ppenum: *mut *mut IEnumUnknown) -> HRESULT>,
}

/// Standard COM byte stream (slots 3-4): the base of IStream. As a Delivery Optimization sink only
/// Write is called. You implement it. The library calls it on its own threads, never while holding
/// a library lock, so your object must be thread-safe and may call back into the library (Complete,
/// Cancel, GetProgress...).
///
/// C: `p->lpVtbl->Method(p, ...)` or `ISequentialStream_Method(p, ...)`; C++: `p->Method(...)`.
#[repr(C)]
pub struct ISequentialStream {
    pub lpVtbl: *const ISequentialStreamVtbl,
}

/// Vtable of `ISequentialStream` (derives from `IUnknown`). Standard COM byte stream (slots 3-4):
/// the base of IStream. As a Delivery Optimization sink only Write is called. You implement it. The
/// library calls it on its own threads, never while holding a library lock, so your object must be
/// thread-safe and may call back into the library (Complete, Cancel, GetProgress...).
#[repr(C)]
pub struct ISequentialStreamVtbl {
    /// Slot 0 (IUnknown). You implement it: store an AddRef'd pointer for IID_IUnknown and each
    /// interface your object implements, else NULL and E_NOINTERFACE. Called from library threads.
    pub QueryInterface: Option<
        unsafe extern "C" fn(This: *mut ISequentialStream, riid: REFIID, ppvObject: *mut *mut c_void) -> HRESULT,
    >,
    /// Slot 1 (IUnknown). You implement it: the library takes a reference to keep your object
    /// (registration, a call in progress), from any thread, so the count must be atomic.
    pub AddRef: Option<unsafe extern "C" fn(This: *mut ISequentialStream) -> ULONG>,
    /// Slot 2 (IUnknown). You implement it: the library drops each reference it took, from any
    /// thread and possibly after you dropped yours; free the object when the count reaches 0.
    pub Release: Option<unsafe extern "C" fn(This: *mut ISequentialStream) -> ULONG>,
    /// Slot 3. You implement it (standard COM): reads up to `cb` bytes into `pv`, count in
    /// `*pcbRead`. Delivery Optimization never calls it: E_NOTIMPL is fine.
    pub Read: Option<
        unsafe extern "C" fn(This: *mut ISequentialStream, pv: *mut c_void, cb: ULONG, pcbRead: *mut ULONG) -> HRESULT,
    >,
    /// Slot 4. You implement it: the downloaded bytes, in order; `pv` (`cb` bytes) is borrowed for
    /// the call. Store the count written in `*pcbWritten` if not NULL. Runs on a library thread, no
    /// library lock held: may call back in (GetStatus, Pause, Abort...). Return S_OK; a failure
    /// stops the download (Paused with that error).
    pub Write: Option<
        unsafe extern "C" fn(
            This: *mut ISequentialStream,
            pv: *const c_void,
            cb: ULONG,
            pcbWritten: *mut ULONG,
        ) -> HRESULT,
    >,
}

/// Standard COM stream (slots 3-13): a Delivery Optimization sink, given with
/// DODownloadProperty_StreamInterface (VT_UNKNOWN). The library asks it for IStream and calls only
/// Write. You implement it. The library calls it on its own threads, never while holding a library
/// lock, so your object must be thread-safe and may call back into the library (Complete, Cancel,
/// GetProgress...).
///
/// C: `p->lpVtbl->Method(p, ...)` or `IStream_Method(p, ...)`; C++: `p->Method(...)`.
#[repr(C)]
pub struct IStream {
    pub lpVtbl: *const IStreamVtbl,
}

/// Vtable of `IStream` (derives from `ISequentialStream`). Standard COM stream (slots 3-13): a
/// Delivery Optimization sink, given with DODownloadProperty_StreamInterface (VT_UNKNOWN). The
/// library asks it for IStream and calls only Write. You implement it. The library calls it on its
/// own threads, never while holding a library lock, so your object must be thread-safe and may call
/// back into the library (Complete, Cancel, GetProgress...).
#[repr(C)]
pub struct IStreamVtbl {
    /// Slot 0 (IUnknown). You implement it: store an AddRef'd pointer for IID_IUnknown and each
    /// interface your object implements, else NULL and E_NOINTERFACE. Called from library threads.
    pub QueryInterface:
        Option<unsafe extern "C" fn(This: *mut IStream, riid: REFIID, ppvObject: *mut *mut c_void) -> HRESULT>,
    /// Slot 1 (IUnknown). You implement it: the library takes a reference to keep your object
    /// (registration, a call in progress), from any thread, so the count must be atomic.
    pub AddRef: Option<unsafe extern "C" fn(This: *mut IStream) -> ULONG>,
    /// Slot 2 (IUnknown). You implement it: the library drops each reference it took, from any
    /// thread and possibly after you dropped yours; free the object when the count reaches 0.
    pub Release: Option<unsafe extern "C" fn(This: *mut IStream) -> ULONG>,
    /// Slot 3 (ISequentialStream). You implement it (standard COM): reads up to `cb` bytes into
    /// `pv`, count in `*pcbRead`. Delivery Optimization never calls it: E_NOTIMPL is fine.
    pub Read:
        Option<unsafe extern "C" fn(This: *mut IStream, pv: *mut c_void, cb: ULONG, pcbRead: *mut ULONG) -> HRESULT>,
    /// Slot 4 (ISequentialStream). You implement it: the downloaded bytes, in order; `pv` (`cb`
    /// bytes) is borrowed for the call. Store the count written in `*pcbWritten` if not NULL. Runs
    /// on a library thread, no library lock held: may call back in (GetStatus, Pause, Abort...).
    /// Return S_OK; a failure stops the download (Paused with that error).
    pub Write: Option<
        unsafe extern "C" fn(This: *mut IStream, pv: *const c_void, cb: ULONG, pcbWritten: *mut ULONG) -> HRESULT,
    >,
    /// Slot 5. You implement it (standard COM): moves the seek pointer. Delivery Optimization never
    /// calls it: E_NOTIMPL is fine.
    pub Seek: Option<
        unsafe extern "C" fn(
            This: *mut IStream,
            dlibMove: LARGE_INTEGER,
            dwOrigin: DWORD,
            plibNewPosition: *mut ULARGE_INTEGER,
        ) -> HRESULT,
    >,
    /// Slot 6. You implement it (standard COM): changes the stream size. Delivery Optimization
    /// never calls it: E_NOTIMPL is fine.
    pub SetSize: Option<unsafe extern "C" fn(This: *mut IStream, libNewSize: ULARGE_INTEGER) -> HRESULT>,
    /// Slot 7. You implement it (standard COM): copies bytes to another stream. Delivery
    /// Optimization never calls it: E_NOTIMPL is fine.
    pub CopyTo: Option<
        unsafe extern "C" fn(
            This: *mut IStream,
            pstm: *mut IStream,
            cb: ULARGE_INTEGER,
            pcbRead: *mut ULARGE_INTEGER,
            pcbWritten: *mut ULARGE_INTEGER,
        ) -> HRESULT,
    >,
    /// Slot 8. You implement it (standard COM): commits a transacted stream. Delivery Optimization
    /// never calls it: E_NOTIMPL is fine.
    pub Commit: Option<unsafe extern "C" fn(This: *mut IStream, grfCommitFlags: DWORD) -> HRESULT>,
    /// Slot 9. You implement it (standard COM): discards uncommitted changes. Delivery Optimization
    /// never calls it: E_NOTIMPL is fine.
    pub Revert: Option<unsafe extern "C" fn(This: *mut IStream) -> HRESULT>,
    /// Slot 10. You implement it (standard COM): locks a byte range. Delivery Optimization never
    /// calls it: E_NOTIMPL is fine.
    pub LockRegion: Option<
        unsafe extern "C" fn(
            This: *mut IStream,
            libOffset: ULARGE_INTEGER,
            cb: ULARGE_INTEGER,
            dwLockType: DWORD,
        ) -> HRESULT,
    >,
    /// Slot 11. You implement it (standard COM): unlocks a byte range. Delivery Optimization never
    /// calls it: E_NOTIMPL is fine.
    pub UnlockRegion: Option<
        unsafe extern "C" fn(
            This: *mut IStream,
            libOffset: ULARGE_INTEGER,
            cb: ULARGE_INTEGER,
            dwLockType: DWORD,
        ) -> HRESULT,
    >,
    /// Slot 12. You implement it (standard COM): fills a STATSTG. Delivery Optimization never calls
    /// it: E_NOTIMPL is fine.
    pub Stat: Option<unsafe extern "C" fn(This: *mut IStream, pstatstg: *mut STATSTG, grfStatFlag: DWORD) -> HRESULT>,
    /// Slot 13. You implement it (standard COM): a second stream on the same data. Delivery
    /// Optimization never calls it: E_NOTIMPL is fine.
    pub Clone: Option<unsafe extern "C" fn(This: *mut IStream, ppstm: *mut *mut IStream) -> HRESULT>,
}

/// Legacy Delivery Optimization job add-on (Windows 10 1709; slot order UNCONFIRMED): adds files by
/// id with ranges. QueryInterface a job made through CLSID_DeliveryOptimization. Free-threaded:
/// call it from any thread.
///
/// C: `p->lpVtbl->Method(p, ...)` or `IDeliveryOptimizationJob_Method(p, ...)`; C++: `p->Method(...)`.
#[repr(C)]
pub struct IDeliveryOptimizationJob {
    pub lpVtbl: *const IDeliveryOptimizationJobVtbl,
}

/// Vtable of `IDeliveryOptimizationJob` (derives from `IUnknown`). Legacy Delivery Optimization job
/// add-on (Windows 10 1709; slot order UNCONFIRMED): adds files by id with ranges. QueryInterface a
/// job made through CLSID_DeliveryOptimization. Free-threaded: call it from any thread.
#[repr(C)]
pub struct IDeliveryOptimizationJobVtbl {
    /// Slot 0 (IUnknown). Stores another interface of this object in `*ppvObject`, AddRef'd
    /// (Release it), or NULL and E_NOINTERFACE. E_POINTER if `ppvObject` is NULL, E_INVALIDARG if
    /// `riid` is NULL.
    pub QueryInterface: Option<
        unsafe extern "C" fn(This: *mut IDeliveryOptimizationJob, riid: REFIID, ppvObject: *mut *mut c_void) -> HRESULT,
    >,
    /// Slot 1 (IUnknown). Adds a reference and returns the new count (informational only).
    pub AddRef: Option<unsafe extern "C" fn(This: *mut IDeliveryOptimizationJob) -> ULONG>,
    /// Slot 2 (IUnknown). Drops one reference you own and returns the new count; the object is
    /// freed at 0.
    pub Release: Option<unsafe extern "C" fn(This: *mut IDeliveryOptimizationJob) -> ULONG>,
    /// Slot 3. Adds a file with your unique `fileId`, from `remoteUrl` to `localName`, optionally
    /// only `rangeCount` `ranges` (copied); `fileSize` may be DO_UNKNOWN_FILE_SIZE. E_INVALIDARG
    /// (`localName` NULL or empty), E_ACCESSDENIED, DO_E_INVALID_RANGE, DO_E_OVERLAPPING_RANGES,
    /// DO_E_INVALID_STATE (CANCELLED or ACKNOWLEDGED job).
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

/// Legacy Delivery Optimization job add-on (Windows 10 1803; slot order UNCONFIRMED): adds files
/// and job properties. QueryInterface a job made through CLSID_DeliveryOptimization. Free-threaded:
/// call it from any thread.
///
/// C: `p->lpVtbl->Method(p, ...)` or `IDeliveryOptimizationJob2_Method(p, ...)`; C++: `p->Method(...)`.
#[repr(C)]
pub struct IDeliveryOptimizationJob2 {
    pub lpVtbl: *const IDeliveryOptimizationJob2Vtbl,
}

/// Vtable of `IDeliveryOptimizationJob2` (derives from `IUnknown`). Legacy Delivery Optimization
/// job add-on (Windows 10 1803; slot order UNCONFIRMED): adds files and job properties.
/// QueryInterface a job made through CLSID_DeliveryOptimization. Free-threaded: call it from any
/// thread.
#[repr(C)]
pub struct IDeliveryOptimizationJob2Vtbl {
    /// Slot 0 (IUnknown). Stores another interface of this object in `*ppvObject`, AddRef'd
    /// (Release it), or NULL and E_NOINTERFACE. E_POINTER if `ppvObject` is NULL, E_INVALIDARG if
    /// `riid` is NULL.
    pub QueryInterface: Option<
        unsafe extern "C" fn(
            This: *mut IDeliveryOptimizationJob2,
            riid: REFIID,
            ppvObject: *mut *mut c_void,
        ) -> HRESULT,
    >,
    /// Slot 1 (IUnknown). Adds a reference and returns the new count (informational only).
    pub AddRef: Option<unsafe extern "C" fn(This: *mut IDeliveryOptimizationJob2) -> ULONG>,
    /// Slot 2 (IUnknown). Drops one reference you own and returns the new count; the object is
    /// freed at 0.
    pub Release: Option<unsafe extern "C" fn(This: *mut IDeliveryOptimizationJob2) -> ULONG>,
    /// Slot 3. Adds a file identified by `fileId` (`rangeCount` 0: whole file; ranges copied) and
    /// stores the new file object, AddRef'd (Release it), in `*object`; `riid` must be
    /// IID_IDeliveryOptimizationFile. Set its sink through IDeliveryOptimizationFile2 properties.
    /// E_POINTER if `object` is NULL.
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
    /// Slot 4. Reads DOJobPropertyId_ExtendedErrorInfo (VT_BSTR) into `*propValue`, which must be
    /// empty; free it with VariantClear. DO_E_UNKNOWN_PROPERTY_ID for other ids; E_POINTER if
    /// `propValue` is NULL.
    pub GetProperty: Option<
        unsafe extern "C" fn(
            This: *mut IDeliveryOptimizationJob2,
            propId: DOJobPropertyId,
            propValue: *mut VARIANT,
        ) -> HRESULT,
    >,
    /// Slot 5. No job property is writable. DO_E_READ_ONLY_PROPERTY or DO_E_UNKNOWN_PROPERTY_ID.
    pub SetProperty: Option<
        unsafe extern "C" fn(
            This: *mut IDeliveryOptimizationJob2,
            propId: DOJobPropertyId,
            propValue: *const VARIANT,
        ) -> HRESULT,
    >,
}

/// Legacy Delivery Optimization file add-on (Windows 10 1709; slot order UNCONFIRMED): swarm
/// statistics. QueryInterface a file of such a job. Free-threaded: call it from any thread.
///
/// C: `p->lpVtbl->Method(p, ...)` or `IDeliveryOptimizationFile_Method(p, ...)`; C++: `p->Method(...)`.
#[repr(C)]
pub struct IDeliveryOptimizationFile {
    pub lpVtbl: *const IDeliveryOptimizationFileVtbl,
}

/// Vtable of `IDeliveryOptimizationFile` (derives from `IUnknown`). Legacy Delivery Optimization
/// file add-on (Windows 10 1709; slot order UNCONFIRMED): swarm statistics. QueryInterface a file
/// of such a job. Free-threaded: call it from any thread.
#[repr(C)]
pub struct IDeliveryOptimizationFileVtbl {
    /// Slot 0 (IUnknown). Stores another interface of this object in `*ppvObject`, AddRef'd
    /// (Release it), or NULL and E_NOINTERFACE. E_POINTER if `ppvObject` is NULL, E_INVALIDARG if
    /// `riid` is NULL.
    pub QueryInterface: Option<
        unsafe extern "C" fn(
            This: *mut IDeliveryOptimizationFile,
            riid: REFIID,
            ppvObject: *mut *mut c_void,
        ) -> HRESULT,
    >,
    /// Slot 1 (IUnknown). Adds a reference and returns the new count (informational only).
    pub AddRef: Option<unsafe extern "C" fn(This: *mut IDeliveryOptimizationFile) -> ULONG>,
    /// Slot 2 (IUnknown). Drops one reference you own and returns the new count; the object is
    /// freed at 0.
    pub Release: Option<unsafe extern "C" fn(This: *mut IDeliveryOptimizationFile) -> ULONG>,
    /// Slot 3. Download and upload statistics of the file in `*swarmStats`; free its `fileId` and
    /// `sourceURL` strings with CoTaskMemFree. E_POINTER if `swarmStats` is NULL.
    pub GetStats:
        Option<unsafe extern "C" fn(This: *mut IDeliveryOptimizationFile, swarmStats: *mut DOSwarmStats) -> HRESULT>,
}

/// Legacy Delivery Optimization file add-on (slot order UNCONFIRMED): file properties.
/// QueryInterface a file of such a job. Free-threaded: call it from any thread.
///
/// C: `p->lpVtbl->Method(p, ...)` or `IDeliveryOptimizationFile2_Method(p, ...)`; C++: `p->Method(...)`.
#[repr(C)]
pub struct IDeliveryOptimizationFile2 {
    pub lpVtbl: *const IDeliveryOptimizationFile2Vtbl,
}

/// Vtable of `IDeliveryOptimizationFile2` (derives from `IUnknown`). Legacy Delivery Optimization
/// file add-on (slot order UNCONFIRMED): file properties. QueryInterface a file of such a job.
/// Free-threaded: call it from any thread.
#[repr(C)]
pub struct IDeliveryOptimizationFile2Vtbl {
    /// Slot 0 (IUnknown). Stores another interface of this object in `*ppvObject`, AddRef'd
    /// (Release it), or NULL and E_NOINTERFACE. E_POINTER if `ppvObject` is NULL, E_INVALIDARG if
    /// `riid` is NULL.
    pub QueryInterface: Option<
        unsafe extern "C" fn(
            This: *mut IDeliveryOptimizationFile2,
            riid: REFIID,
            ppvObject: *mut *mut c_void,
        ) -> HRESULT,
    >,
    /// Slot 1 (IUnknown). Adds a reference and returns the new count (informational only).
    pub AddRef: Option<unsafe extern "C" fn(This: *mut IDeliveryOptimizationFile2) -> ULONG>,
    /// Slot 2 (IUnknown). Drops one reference you own and returns the new count; the object is
    /// freed at 0.
    pub Release: Option<unsafe extern "C" fn(This: *mut IDeliveryOptimizationFile2) -> ULONG>,
    /// Slot 3. Reads one DOFilePropertyId into `*propValue`, which must be empty; release it with
    /// VariantClear. DO_E_UNKNOWN_PROPERTY_ID, DO_E_WRITE_ONLY_PROPERTY, E_NOT_SET, E_OUTOFMEMORY;
    /// E_POINTER if `propValue` is NULL.
    pub GetProperty: Option<
        unsafe extern "C" fn(
            This: *mut IDeliveryOptimizationFile2,
            propId: DOFilePropertyId,
            propValue: *mut VARIANT,
        ) -> HRESULT,
    >,
    /// Slot 4. Sets one DOFilePropertyId (e.g. the sink path); `*propValue` stays yours (strings
    /// copied, VT_UNKNOWN AddRef'd). DO_E_UNKNOWN_PROPERTY_ID, DO_E_INVALID_STATE; E_POINTER if
    /// `propValue` is NULL.
    pub SetProperty: Option<
        unsafe extern "C" fn(
            This: *mut IDeliveryOptimizationFile2,
            propId: DOFilePropertyId,
            propValue: *const VARIANT,
        ) -> HRESULT,
    >,
}
