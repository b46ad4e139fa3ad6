//! Every HRESULT the library returns or documents, from `spec/errors.md`.
//!
//! Each constant has type [`HRESULT`] (a signed 32-bit integer) so that `hr == BG_E_NOT_FOUND`
//! works in C on LP64 Linux, where a bare `0x80200001L` literal would be a positive 64-bit long.

use super::types::HRESULT;

// ---- Generic COM / Win32 ----

/// success
pub const S_OK: HRESULT = 0x00000000;
/// Enum `Next` returned fewer than requested; `RemoveCredentials`/`RemoveClientCertificate` found nothing; `ReplaceRemotePrefix` no match; `GetCustomHeaders` none set; `GetFileRanges` no ranges
pub const S_FALSE: HRESULT = 0x00000001;
/// BITS uses it for "value not supported" (bad enum value in SetPriority / SetNotifyFlags / SetProxySettings / SetSecurityFlags / cert store location) and for "wrong job type" (GetReplyData/GetReplyProgress on non-reply jobs, AddFileWithRanges / ReplaceRemotePrefix / SetRemoteName on non-download jobs)
pub const E_NOTIMPL: HRESULT = 0x80004001_u32 as HRESULT;
/// QueryInterface miss; HttpOptions3::SetServerCertificateValidationInterface when the object does not QI to the callback interface
pub const E_NOINTERFACE: HRESULT = 0x80004002_u32 as HRESULT;
/// NULL out-pointer (generic COM convention; BITS docs mostly say E_INVALIDARG instead)
pub const E_POINTER: HRESULT = 0x80004003_u32 as HRESULT;
/// generic
pub const E_ABORT: HRESULT = 0x80004004_u32 as HRESULT;
/// generic
pub const E_FAIL: HRESULT = 0x80004005_u32 as HRESULT;
/// generic
pub const E_UNEXPECTED: HRESULT = 0x8000FFFF_u32 as HRESULT;
/// IBackgroundCopyFile3::SetValidationState before the file finished downloading
pub const E_PENDING: HRESULT = 0x8000000A_u32 as HRESULT;
/// caller is not owner / not admin (GetJob, EnumJobs with ALL_USERS, TakeOwnership), no write access to local dir (AddFile*), GetCustomHeaders by non-owner
pub const E_ACCESSDENIED: HRESULT = 0x80070005_u32 as HRESULT;
/// generic
pub const E_HANDLE: HRESULT = 0x80070006_u32 as HRESULT;
/// allocation failure (error/context descriptions, GetFilledFileRanges, DO legacy file props)
pub const E_OUTOFMEMORY: HRESULT = 0x8007000E_u32 as HRESULT;
/// bad / NULL argument, string too long (some methods), RangeCount 0, relative path, unsupported URL scheme, DO NoProgressTimeout below minimum
pub const E_INVALIDARG: HRESULT = 0x80070057_u32 as HRESULT;
/// = HRESULT_FROM_WIN32(ERROR_NOT_FOUND); DO GetProperty(Ex) for a property never set
pub const E_NOT_SET: HRESULT = 0x80070490_u32 as HRESULT;
/// generic "not supported"
pub const CO_E_NOT_SUPPORTED: HRESULT = 0x80004021_u32 as HRESULT;
/// class factory with non-NULL outer
pub const CLASS_E_NOAGGREGATION: HRESULT = 0x80040110_u32 as HRESULT;
/// CoCreateInstance of an unknown CLSID (e.g. BITS version not installed)
pub const REGDB_E_CLASSNOTREG: HRESULT = 0x80040154_u32 as HRESULT;
/// The server could not be started: the deliveryopt service could not be started or reached, or
/// (in-process mode) the job store is held by another process.
pub const CO_E_SERVER_EXEC_FAILURE: HRESULT = 0x80080005_u32 as HRESULT;
/// Win32 1722 as an HRESULT: the deliveryopt service went away during the call (whether the call
/// took effect is unknown); the next call starts it again.
pub const RPC_S_SERVER_UNAVAILABLE: HRESULT = 0x800706BA_u32 as HRESULT;
/// SetClientCertificateByID/ByName: certificate not in the store
pub const CRYPT_E_NOT_FOUND: HRESULT = 0x80092004_u32 as HRESULT;
/// winerror.h defines it as the Win32 code 1780; over COM it arrives as HRESULT_FROM_WIN32(1780). Returned when NULL is passed for a `[ref]` parameter (MIDL stub check; the cert APIs document it)
pub const RPC_X_NULL_REF_POINTER: HRESULT = 0x800706F4_u32 as HRESULT;
/// Win32 1783, delivered as HRESULT_FROM_WIN32(1783). Wrong hash size; GetClientCertificate when no certificate is set
pub const RPC_X_BAD_STUB_DATA: HRESULT = 0x800706F7_u32 as HRESULT;
/// IBitsTokenOptions::SetHelperToken when the client's COM blanket does not allow impersonation
pub const CO_E_FAILEDTOIMPERSONATE: HRESULT = 0x80010123_u32 as HRESULT;
/// Microsoft's Linux DO agent rejects a malformed Uri property with it
pub const INET_E_INVALID_URL: HRESULT = 0x800C0002_u32 as HRESULT;

// ---- BITS (bitsmsg.h) ----

/// No job with the given ID exists (or it is not visible to the caller).
pub const BG_E_NOT_FOUND: HRESULT = 0x80200001_u32 as HRESULT;
/// Operation not permitted in the job's current state (typically CANCELLED/ACKNOWLEDGED = read-only).
pub const BG_E_INVALID_STATE: HRESULT = 0x80200002_u32 as HRESULT;
/// Job has no files; Resume refused.
pub const BG_E_EMPTY: HRESULT = 0x80200003_u32 as HRESULT;
/// Error object has no associated file (IBackgroundCopyError::GetFile).
pub const BG_E_FILE_NOT_AVAILABLE: HRESULT = 0x80200004_u32 as HRESULT;
/// Error object has no associated protocol (IBackgroundCopyError::GetProtocol).
pub const BG_E_PROTOCOL_NOT_AVAILABLE: HRESULT = 0x80200005_u32 as HRESULT;
/// Success code meaning 'no error has occurred' (context NONE).
pub const BG_S_ERROR_CONTEXT_NONE: HRESULT = 0x00200006;
/// Text code for context UNKNOWN (used for context descriptions).
pub const BG_E_ERROR_CONTEXT_UNKNOWN: HRESULT = 0x80200007_u32 as HRESULT;
/// Text code for context GENERAL_QUEUE_MANAGER.
pub const BG_E_ERROR_CONTEXT_GENERAL_QUEUE_MANAGER: HRESULT = 0x80200008_u32 as HRESULT;
/// Text code for context LOCAL_FILE.
pub const BG_E_ERROR_CONTEXT_LOCAL_FILE: HRESULT = 0x80200009_u32 as HRESULT;
/// Text code for context REMOTE_FILE.
pub const BG_E_ERROR_CONTEXT_REMOTE_FILE: HRESULT = 0x8020000A_u32 as HRESULT;
/// Text code for context GENERAL_TRANSPORT.
pub const BG_E_ERROR_CONTEXT_GENERAL_TRANSPORT: HRESULT = 0x8020000B_u32 as HRESULT;
/// Text code for context QUEUE_MANAGER_NOTIFICATION (callback failed; retried later).
pub const BG_E_ERROR_CONTEXT_QUEUE_MANAGER_NOTIFICATION: HRESULT = 0x8020000C_u32 as HRESULT;
/// Destination volume locked (e.g. chkdsk); retried automatically when available.
pub const BG_E_DESTINATION_LOCKED: HRESULT = 0x8020000D_u32 as HRESULT;
/// Destination volume was replaced (removable media).
pub const BG_E_VOLUME_CHANGED: HRESULT = 0x8020000E_u32 as HRESULT;
/// GetError called while no error is recorded (job not in ERROR/TRANSIENT_ERROR).
pub const BG_E_ERROR_INFORMATION_UNAVAILABLE: HRESULT = 0x8020000F_u32 as HRESULT;
/// No active network; job sits in TRANSIENT_ERROR until connectivity returns.
pub const BG_E_NETWORK_DISCONNECTED: HRESULT = 0x80200010_u32 as HRESULT;
/// Server did not send Content-Length (dynamic content).
pub const BG_E_MISSING_FILE_SIZE: HRESULT = 0x80200011_u32 as HRESULT;
/// Server lacks HTTP/1.1.
pub const BG_E_INSUFFICIENT_HTTP_SUPPORT: HRESULT = 0x80200012_u32 as HRESULT;
/// Server (or proxy) does not honor Range / Content-Range.
pub const BG_E_INSUFFICIENT_RANGE_SUPPORT: HRESULT = 0x80200013_u32 as HRESULT;
/// BITS cannot be driven remotely.
pub const BG_E_REMOTE_NOT_SUPPORTED: HRESULT = 0x80200014_u32 as HRESULT;
/// TakeOwnership: new owner's drive mapping differs; use UNC paths.
pub const BG_E_NEW_OWNER_DIFF_MAPPING: HRESULT = 0x80200015_u32 as HRESULT;
/// TakeOwnership: new owner cannot access the job's files.
pub const BG_E_NEW_OWNER_NO_FILE_ACCESS: HRESULT = 0x80200016_u32 as HRESULT;
/// Complete succeeded but only some files were finished; unfinished ones deleted.
pub const BG_S_PARTIAL_COMPLETE: HRESULT = 0x00200017;
/// Proxy list exceeds the limit.
pub const BG_E_PROXY_LIST_TOO_LARGE: HRESULT = 0x80200018_u32 as HRESULT;
/// Proxy bypass list exceeds the limit.
pub const BG_E_PROXY_BYPASS_LIST_TOO_LARGE: HRESULT = 0x80200019_u32 as HRESULT;
/// Cancel/Complete succeeded but some temporary files could not be deleted.
pub const BG_S_UNABLE_TO_DELETE_FILES: HRESULT = 0x0020001A;
/// Server response violated protocol (e.g. merged ranges).
pub const BG_E_INVALID_SERVER_RESPONSE: HRESULT = 0x8020001B_u32 as HRESULT;
/// Upload job already has its one file / cannot add more.
pub const BG_E_TOO_MANY_FILES: HRESULT = 0x8020001C_u32 as HRESULT;
/// Upload source file changed during transfer.
pub const BG_E_LOCAL_FILE_CHANGED: HRESULT = 0x8020001D_u32 as HRESULT;
/// Text code for context REMOTE_APPLICATION (upload-reply server app).
pub const BG_E_ERROR_CONTEXT_REMOTE_APPLICATION: HRESULT = 0x8020001E_u32 as HRESULT;
/// Upload session unknown to server; retried.
pub const BG_E_SESSION_NOT_FOUND: HRESULT = 0x8020001F_u32 as HRESULT;
/// Upload too large for server; also GetReplyData when reply > 1 MB.
pub const BG_E_TOO_LARGE: HRESULT = 0x80200020_u32 as HRESULT;
/// A string argument exceeds its length limit.
pub const BG_E_STRING_TOO_LONG: HRESULT = 0x80200021_u32 as HRESULT;
/// Upload protocol negotiation failed.
pub const BG_E_CLIENT_SERVER_PROTOCOL_MISMATCH: HRESULT = 0x80200022_u32 as HRESULT;
/// IIS vdir has script/execute permission; uploads refused.
pub const BG_E_SERVER_EXECUTE_ENABLE: HRESULT = 0x80200023_u32 as HRESULT;
/// Job not advancing (server misconfiguration suspected); retried.
pub const BG_E_NO_PROGRESS: HRESULT = 0x80200024_u32 as HRESULT;
/// Credential user name too long (300 char limit).
pub const BG_E_USERNAME_TOO_LARGE: HRESULT = 0x80200025_u32 as HRESULT;
/// Credential password too long (limit given as 65535 or 65536 chars, sources disagree).
pub const BG_E_PASSWORD_TOO_LARGE: HRESULT = 0x80200026_u32 as HRESULT;
/// BG_AUTH_TARGET value not recognized.
pub const BG_E_INVALID_AUTH_TARGET: HRESULT = 0x80200027_u32 as HRESULT;
/// BG_AUTH_SCHEME value not recognized.
pub const BG_E_INVALID_AUTH_SCHEME: HRESULT = 0x80200028_u32 as HRESULT;
/// Named file is not part of the job.
pub const BG_E_FILE_NOT_FOUND: HRESULT = 0x80200029_u32 as HRESULT;
/// Success: proxy changed.
pub const BG_S_PROXY_CHANGED: HRESULT = 0x0020002A;
/// Byte range invalid / outside remote file.
pub const BG_E_INVALID_RANGE: HRESULT = 0x8020002B_u32 as HRESULT;
/// Duplicate or overlapping ranges supplied.
pub const BG_E_OVERLAPPING_RANGES: HRESULT = 0x8020002C_u32 as HRESULT;
/// Connection could not be made.
pub const BG_E_CONNECT_FAILURE: HRESULT = 0x8020002D_u32 as HRESULT;
/// Connection closed early.
pub const BG_E_CONNECTION_CLOSED: HRESULT = 0x8020002E_u32 as HRESULT;
/// Group Policy (MaxInternetBandwidth = 0 window) blocks background transfer; job goes TRANSIENT_ERROR.
pub const BG_E_BLOCKED_BY_POLICY: HRESULT = 0x8020003E_u32 as HRESULT;
/// Proxy/bypass list found invalid at run time (job -> ERROR).
pub const BG_E_INVALID_PROXY_INFO: HRESULT = 0x8020003F_u32 as HRESULT;
/// Credential format invalid.
pub const BG_E_INVALID_CREDENTIALS: HRESULT = 0x80200040_u32 as HRESULT;
/// Unsupported hash algorithm (peer caching).
pub const BG_E_INVALID_HASH_ALGORITHM: HRESULT = 0x80200041_u32 as HRESULT;
/// Peer-cache record deleted.
pub const BG_E_RECORD_DELETED: HRESULT = 0x80200042_u32 as HRESULT;
/// Peer-cache record being updated by another thread.
pub const BG_E_COMMIT_IN_PROGRESS: HRESULT = 0x80200043_u32 as HRESULT;
/// Peer discovery already running.
pub const BG_E_DISCOVERY_IN_PROGRESS: HRESULT = 0x80200044_u32 as HRESULT;
/// UPnP gateway error.
pub const BG_E_UPNP_ERROR: HRESULT = 0x80200045_u32 as HRESULT;
/// Internal test option blocked the download.
pub const BG_E_TEST_OPTION_BLOCKED_DOWNLOAD: HRESULT = 0x80200046_u32 as HRESULT;
/// Peer caching is disabled.
pub const BG_E_PEERCACHING_DISABLED: HRESULT = 0x80200047_u32 as HRESULT;
/// Peer-cache record busy.
pub const BG_E_BUSYCACHERECORD: HRESULT = 0x80200048_u32 as HRESULT;
/// MaxJobsPerUser exceeded (default 60).
pub const BG_E_TOO_MANY_JOBS_PER_USER: HRESULT = 0x80200049_u32 as HRESULT;
/// MaxJobsPerMachine exceeded (default 300).
pub const BG_E_TOO_MANY_JOBS_PER_MACHINE: HRESULT = 0x80200050_u32 as HRESULT;
/// MaxFilesPerJob exceeded (default 200).
pub const BG_E_TOO_MANY_FILES_IN_JOB: HRESULT = 0x80200051_u32 as HRESULT;
/// MaxRangesPerFile exceeded (default 500).
pub const BG_E_TOO_MANY_RANGES_IN_FILE: HRESULT = 0x80200052_u32 as HRESULT;
/// Content validation failed (SetValidationState(FALSE) on origin content).
pub const BG_E_VALIDATION_FAILED: HRESULT = 0x80200053_u32 as HRESULT;
/// Maximum download time (SetMaximumDownloadTime / MaxDownloadTime GP) exceeded; job -> ERROR.
pub const BG_E_MAXDOWNLOAD_TIMEOUT: HRESULT = 0x80200054_u32 as HRESULT;
/// Setting saved but overridden by Group Policy.
pub const BG_S_OVERRIDDEN_BY_POLICY: HRESULT = 0x00200055;
/// Helper token needed but not available; supply token and Resume.
pub const BG_E_TOKEN_REQUIRED: HRESULT = 0x80200056_u32 as HRESULT;
/// Get/SetProperty with unknown ID.
pub const BG_E_UNKNOWN_PROPERTY_ID: HRESULT = 0x80200057_u32 as HRESULT;
/// SetProperty on read-only property.
pub const BG_E_READ_ONLY_PROPERTY: HRESULT = 0x80200058_u32 as HRESULT;
/// Cost/transfer policy currently forbids transfer (TRANSIENT_ERROR).
pub const BG_E_BLOCKED_BY_COST_TRANSFER_POLICY: HRESULT = 0x80200059_u32 as HRESULT;
/// Property only valid on download jobs.
pub const BG_E_PROPERTY_SUPPORTED_FOR_DOWNLOAD_JOBS_ONLY: HRESULT = 0x80200060_u32 as HRESULT;
/// Property frozen once files were added.
pub const BG_E_READ_ONLY_PROPERTY_AFTER_ADDFILE: HRESULT = 0x80200061_u32 as HRESULT;
/// Property frozen after first Resume.
pub const BG_E_READ_ONLY_PROPERTY_AFTER_RESUME: HRESULT = 0x80200062_u32 as HRESULT;
/// MAX_DOWNLOAD_SIZE must be 1..UINT64_MAX.
pub const BG_E_MAX_DOWNLOAD_SIZE_INVALID_VALUE: HRESULT = 0x80200063_u32 as HRESULT;
/// Download hit the configured MAX_DOWNLOAD_SIZE.
pub const BG_E_MAX_DOWNLOAD_SIZE_LIMIT_REACHED: HRESULT = 0x80200064_u32 as HRESULT;
/// Paused because system is in power-saving/standby mode.
pub const BG_E_STANDBY_MODE: HRESULT = 0x80200065_u32 as HRESULT;
/// USE_STORED_CREDENTIALS only accepts BG_AUTH_TARGET_PROXY.
pub const BG_E_USE_STORED_CREDENTIALS_NOT_SUPPORTED: HRESULT = 0x80200066_u32 as HRESULT;
/// Paused: on battery power.
pub const BG_E_BLOCKED_BY_BATTERY_POLICY: HRESULT = 0x80200067_u32 as HRESULT;
/// Paused: Battery Saver active.
pub const BG_E_BLOCKED_BY_BATTERY_SAVER: HRESULT = 0x80200068_u32 as HRESULT;
/// Internal operation timed out.
pub const BG_E_WATCHDOG_TIMEOUT: HRESULT = 0x80200069_u32 as HRESULT;
/// No app package matches job owner/caller.
pub const BG_E_APP_PACKAGE_NOT_FOUND: HRESULT = 0x8020006A_u32 as HRESULT;
/// Packaged-app usage unsupported on device.
pub const BG_E_APP_PACKAGE_SCENARIO_NOT_SUPPORTED: HRESULT = 0x8020006B_u32 as HRESULT;
/// Persistent state corrupt; service shuts down and repairs on restart.
pub const BG_E_DATABASE_CORRUPT: HRESULT = 0x8020006C_u32 as HRESULT;
/// IBackgroundCopyFile6 random-access ops unsupported for this job/server.
pub const BG_E_RANDOM_ACCESS_NOT_SUPPORTED: HRESULT = 0x8020006D_u32 as HRESULT;
/// Owner app's background-access setting forbids transfer.
pub const BG_E_BLOCKED_BY_BACKGROUND_ACCESS_POLICY: HRESULT = 0x8020006E_u32 as HRESULT;
/// Paused by another app's Game Mode.
pub const BG_E_BLOCKED_BY_GAME_MODE: HRESULT = 0x8020006F_u32 as HRESULT;
/// Paused due to system resource constraints.
pub const BG_E_BLOCKED_BY_SYSTEM_POLICY: HRESULT = 0x80200070_u32 as HRESULT;
/// Action incompatible with a custom HTTP method job.
pub const BG_E_NOT_SUPPORTED_WITH_CUSTOM_HTTP_METHOD: HRESULT = 0x80200071_u32 as HRESULT;
/// Job configuration incompatible with requested action.
pub const BG_E_UNSUPPORTED_JOB_CONFIGURATION: HRESULT = 0x80200072_u32 as HRESULT;
/// Remote file changed mid-transfer; Resume to retry.
pub const BG_E_REMOTE_FILE_CHANGED: HRESULT = 0x80200073_u32 as HRESULT;
/// Cert-validation callback required but not registered; re-register and Resume.
pub const BG_E_SERVER_CERT_VALIDATION_INTERFACE_REQUIRED: HRESULT = 0x80200074_u32 as HRESULT;
/// Call only allowed while job is paused (SUSPENDED/ERROR/TRANSFERRED).
pub const BG_E_READ_ONLY_WHEN_JOB_ACTIVE: HRESULT = 0x80200075_u32 as HRESULT;
/// Text code for context SERVER_CERTIFICATE_CALLBACK.
pub const BG_E_ERROR_CONTEXT_SERVER_CERTIFICATE_CALLBACK: HRESULT = 0x80200076_u32 as HRESULT;
/// 100
pub const BG_E_HTTP_ERROR_100: HRESULT = 0x80190064_u32 as HRESULT;
/// 101
pub const BG_E_HTTP_ERROR_101: HRESULT = 0x80190065_u32 as HRESULT;
/// 200
pub const BG_E_HTTP_ERROR_200: HRESULT = 0x801900C8_u32 as HRESULT;
/// 201
pub const BG_E_HTTP_ERROR_201: HRESULT = 0x801900C9_u32 as HRESULT;
/// 202
pub const BG_E_HTTP_ERROR_202: HRESULT = 0x801900CA_u32 as HRESULT;
/// 203
pub const BG_E_HTTP_ERROR_203: HRESULT = 0x801900CB_u32 as HRESULT;
/// 204
pub const BG_E_HTTP_ERROR_204: HRESULT = 0x801900CC_u32 as HRESULT;
/// 205
pub const BG_E_HTTP_ERROR_205: HRESULT = 0x801900CD_u32 as HRESULT;
/// 206
pub const BG_E_HTTP_ERROR_206: HRESULT = 0x801900CE_u32 as HRESULT;
/// 300
pub const BG_E_HTTP_ERROR_300: HRESULT = 0x8019012C_u32 as HRESULT;
/// 301
pub const BG_E_HTTP_ERROR_301: HRESULT = 0x8019012D_u32 as HRESULT;
/// 302
pub const BG_E_HTTP_ERROR_302: HRESULT = 0x8019012E_u32 as HRESULT;
/// 303
pub const BG_E_HTTP_ERROR_303: HRESULT = 0x8019012F_u32 as HRESULT;
/// 304
pub const BG_E_HTTP_ERROR_304: HRESULT = 0x80190130_u32 as HRESULT;
/// 305
pub const BG_E_HTTP_ERROR_305: HRESULT = 0x80190131_u32 as HRESULT;
/// 307
pub const BG_E_HTTP_ERROR_307: HRESULT = 0x80190133_u32 as HRESULT;
/// 400
pub const BG_E_HTTP_ERROR_400: HRESULT = 0x80190190_u32 as HRESULT;
/// 401
pub const BG_E_HTTP_ERROR_401: HRESULT = 0x80190191_u32 as HRESULT;
/// 402
pub const BG_E_HTTP_ERROR_402: HRESULT = 0x80190192_u32 as HRESULT;
/// 403
pub const BG_E_HTTP_ERROR_403: HRESULT = 0x80190193_u32 as HRESULT;
/// 404
pub const BG_E_HTTP_ERROR_404: HRESULT = 0x80190194_u32 as HRESULT;
/// 405
pub const BG_E_HTTP_ERROR_405: HRESULT = 0x80190195_u32 as HRESULT;
/// 406
pub const BG_E_HTTP_ERROR_406: HRESULT = 0x80190196_u32 as HRESULT;
/// 407
pub const BG_E_HTTP_ERROR_407: HRESULT = 0x80190197_u32 as HRESULT;
/// 408
pub const BG_E_HTTP_ERROR_408: HRESULT = 0x80190198_u32 as HRESULT;
/// 409
pub const BG_E_HTTP_ERROR_409: HRESULT = 0x80190199_u32 as HRESULT;
/// 410
pub const BG_E_HTTP_ERROR_410: HRESULT = 0x8019019A_u32 as HRESULT;
/// 411
pub const BG_E_HTTP_ERROR_411: HRESULT = 0x8019019B_u32 as HRESULT;
/// 412
pub const BG_E_HTTP_ERROR_412: HRESULT = 0x8019019C_u32 as HRESULT;
/// 413
pub const BG_E_HTTP_ERROR_413: HRESULT = 0x8019019D_u32 as HRESULT;
/// 414
pub const BG_E_HTTP_ERROR_414: HRESULT = 0x8019019E_u32 as HRESULT;
/// 415
pub const BG_E_HTTP_ERROR_415: HRESULT = 0x8019019F_u32 as HRESULT;
/// 416
pub const BG_E_HTTP_ERROR_416: HRESULT = 0x801901A0_u32 as HRESULT;
/// 417
pub const BG_E_HTTP_ERROR_417: HRESULT = 0x801901A1_u32 as HRESULT;
/// 449
pub const BG_E_HTTP_ERROR_449: HRESULT = 0x801901C1_u32 as HRESULT;
/// 500
pub const BG_E_HTTP_ERROR_500: HRESULT = 0x801901F4_u32 as HRESULT;
/// 501
pub const BG_E_HTTP_ERROR_501: HRESULT = 0x801901F5_u32 as HRESULT;
/// 502
pub const BG_E_HTTP_ERROR_502: HRESULT = 0x801901F6_u32 as HRESULT;
/// 503
pub const BG_E_HTTP_ERROR_503: HRESULT = 0x801901F7_u32 as HRESULT;
/// 504
pub const BG_E_HTTP_ERROR_504: HRESULT = 0x801901F8_u32 as HRESULT;
/// 505
pub const BG_E_HTTP_ERROR_505: HRESULT = 0x801901F9_u32 as HRESULT;

// ---- Delivery Optimization (deliveryoptimizationerrors.h) ----

/// DO service could not provide the service.
pub const DO_E_NO_SERVICE: HRESULT = 0x80D01001_u32 as HRESULT;
/// No progress within the no-progress period.
pub const DO_E_DOWNLOAD_NO_PROGRESS: HRESULT = 0x80D02002_u32 as HRESULT;
/// Job not found.
pub const DO_E_JOB_NOT_FOUND: HRESULT = 0x80D02003_u32 as HRESULT;
/// Job has no files.
pub const DO_E_JOB_EMPTY: HRESULT = 0x80D02004_u32 as HRESULT;
/// No downloads exist.
pub const DO_E_NO_DOWNLOADS: HRESULT = 0x80D02005_u32 as HRESULT;
/// Memory-stream sink not supported for this download.
pub const DO_E_MEMORYSTREAM_DOWNLOAD_NOT_SUPPORTED: HRESULT = 0x80D0200B_u32 as HRESULT;
/// Job exceeded maximum age without completing/cancelling.
pub const DO_E_JOB_TOO_OLD: HRESULT = 0x80D0200C_u32 as HRESULT;
/// No local path configured.
pub const DO_E_LOCALPATH_NOT_SET: HRESULT = 0x80D0200D_u32 as HRESULT;
/// Error has no associated file.
pub const DO_E_FILE_NOT_AVAILABLE: HRESULT = 0x80D02010_u32 as HRESULT;
/// Unknown property ID in Get/SetProperty.
pub const DO_E_UNKNOWN_PROPERTY_ID: HRESULT = 0x80D02011_u32 as HRESULT;
/// SetProperty on read-only property.
pub const DO_E_READ_ONLY_PROPERTY: HRESULT = 0x80D02012_u32 as HRESULT;
/// Action not allowed in current state.
pub const DO_E_INVALID_STATE: HRESULT = 0x80D02013_u32 as HRESULT;
/// No error recorded.
pub const DO_E_ERROR_INFORMATION_UNAVAILABLE: HRESULT = 0x80D02014_u32 as HRESULT;
/// GetProperty on write-only property.
pub const DO_E_WRITE_ONLY_PROPERTY: HRESULT = 0x80D02015_u32 as HRESULT;
/// Integrity check mandatory but no info given.
pub const DO_E_INTEGRITYCHECKINFO_UNSPECIFIED: HRESULT = 0x80D02016_u32 as HRESULT;
/// Integrity check mandatory but info could not be retrieved.
pub const DO_E_INTEGRITYCHECKINFO_UNAVAILABLE: HRESULT = 0x80D02017_u32 as HRESULT;
/// Start with neither local path nor stream sink.
pub const DO_E_FILE_DOWNLOADSINK_UNSPECIFIED: HRESULT = 0x80D02018_u32 as HRESULT;
/// Another sink type already configured.
pub const DO_E_FILE_DOWNLOADSINK_ALREADY_SET: HRESULT = 0x80D02019_u32 as HRESULT;
/// Size unknown from HTTP 200 response.
pub const DO_E_FILE_SIZE_UNKNOWN_HTTP_200: HRESULT = 0x80D0201A_u32 as HRESULT;
/// Decryption info given but content not encrypted.
pub const DO_E_FILE_ENCRYPTION_EXPECTED: HRESULT = 0x80D0201B_u32 as HRESULT;
/// Size unknown from HTTP 206 response.
pub const DO_E_FILE_SIZE_UNKNOWN_HTTP_206: HRESULT = 0x80D0201C_u32 as HRESULT;
/// Size unknown from other 2xx response.
pub const DO_E_FILE_SIZE_UNKNOWN_HTTP_2XX: HRESULT = 0x80D0201D_u32 as HRESULT;
/// User consent for network access required.
pub const DO_E_NETWORK_ACCESS_CONSENT_NEEDED: HRESULT = 0x80D0201E_u32 as HRESULT;
/// Start without a URI.
pub const DO_E_DOWNLOAD_NO_URI: HRESULT = 0x80D02200_u32 as HRESULT;
/// Start without a content ID.
pub const DO_E_DOWNLOAD_NO_CONTENT_ID: HRESULT = 0x80D02201_u32 as HRESULT;
/// Content ID invalid.
pub const DO_E_INVALID_CONTENT_ID: HRESULT = 0x80D02202_u32 as HRESULT;
/// Ranges not expected for this download.
pub const DO_E_DOWNLOAD_RANGES_UNEXPECTED: HRESULT = 0x80D02203_u32 as HRESULT;
/// Ranges required for this download.
pub const DO_E_DOWNLOAD_RANGES_EXPECTED: HRESULT = 0x80D02204_u32 as HRESULT;
/// Blocked by participation throttling.
pub const DO_E_NO_DOWNLOAD_PARTICIPATION: HRESULT = 0x80D03001_u32 as HRESULT;
/// Blocked by user/admin settings.
pub const DO_E_NO_DOWNLOAD_EXTSETTINGS: HRESULT = 0x80D03002_u32 as HRESULT;
/// (transient) paused by cost policy.
pub const DO_E_BLOCKED_BY_COST_TRANSFER_POLICY: HRESULT = 0x80D03801_u32 as HRESULT;
/// (transient) download mode restricted by content policy.
pub const DO_E_DOWNLOADMODE_SET_BY_CP: HRESULT = 0x80D03802_u32 as HRESULT;
/// (transient) paused: cellular + policy.
pub const DO_E_BLOCKED_BY_CELLULAR_POLICY: HRESULT = 0x80D03803_u32 as HRESULT;
/// (transient) paused: not on AC power.
pub const DO_E_BLOCKED_BY_POWER_STATE: HRESULT = 0x80D03804_u32 as HRESULT;
/// (transient) paused: no network.
pub const DO_E_BLOCKED_BY_NO_NETWORK: HRESULT = 0x80D03805_u32 as HRESULT;
/// (transient) download mode restricted by policy.
pub const DO_E_DOWNLOADMODE_SET_BY_POLICY: HRESULT = 0x80D03806_u32 as HRESULT;
/// (transient) paused: VPN detected.
pub const DO_E_BLOCKED_BY_VPN_POLICY: HRESULT = 0x80D03807_u32 as HRESULT;
/// (transient) paused: critical memory pressure.
pub const DO_E_BLOCKED_BY_CRITICAL_MEMORY_USAGE: HRESULT = 0x80D03808_u32 as HRESULT;
/// (transient) mode restricted: no cache folder.
pub const DO_E_DOWNLOADMODE_SET_BY_CACHE_ABSENCE: HRESULT = 0x80D03809_u32 as HRESULT;
/// (transient) DO cloud services unreachable.
pub const DO_E_CLOUD_SERVICES_UNREACHABLE: HRESULT = 0x80D0380A_u32 as HRESULT;
/// (transient) mode restricted for unregistered caller.
pub const DO_E_DOWNLOADMODE_SET_FOR_UNREG_CALLER: HRESULT = 0x80D0380B_u32 as HRESULT;
/// (transient) simple-ranges download in simple mode.
pub const DO_E_DOWNLOADMODE_SET_FOR_SIMPLE_RANGES: HRESULT = 0x80D0380C_u32 as HRESULT;
/// (transient) paused on unexpected 2xx (e.g. 204).
pub const DO_E_UNEXPECTED_HTTP_STATUS_2XX: HRESULT = 0x80D0380D_u32 as HRESULT;
/// Response size differs from requested block.
pub const DO_E_HTTP_BLOCKSIZE_MISMATCH: HRESULT = 0x80D05001_u32 as HRESULT;
/// Server certificate validation failed.
pub const DO_E_HTTP_CERT_VALIDATION: HRESULT = 0x80D05002_u32 as HRESULT;
/// Invalid byte range.
pub const DO_E_INVALID_RANGE: HRESULT = 0x80D05010_u32 as HRESULT;
/// Server lacks Range support.
pub const DO_E_INSUFFICIENT_RANGE_SUPPORT: HRESULT = 0x80D05011_u32 as HRESULT;
/// Overlapping ranges supplied.
pub const DO_E_OVERLAPPING_RANGES: HRESULT = 0x80D05012_u32 as HRESULT;
/// DO core/peer-to-peer internal error (swarm/piece/metainfo); surfaced as Error/ExtendedError.
pub const DO_E_UPLOADING_BAD_PIECES: HRESULT = 0x80D06800_u32 as HRESULT;
/// DO core/peer-to-peer internal error (swarm/piece/metainfo); surfaced as Error/ExtendedError.
pub const DO_E_FATAL_CORE_ERROR: HRESULT = 0x80D06802_u32 as HRESULT;
/// DO core/peer-to-peer internal error (swarm/piece/metainfo); surfaced as Error/ExtendedError.
pub const DO_E_SERVICES_RESPONSE_EMPTY: HRESULT = 0x80D06803_u32 as HRESULT;
/// DO core/peer-to-peer internal error (swarm/piece/metainfo); surfaced as Error/ExtendedError.
pub const DO_E_BAD_INCOMING_DATA: HRESULT = 0x80D06804_u32 as HRESULT;
/// DO core/peer-to-peer internal error (swarm/piece/metainfo); surfaced as Error/ExtendedError.
pub const DO_E_BAD_PIECE_HASH: HRESULT = 0x80D06805_u32 as HRESULT;
/// DO core/peer-to-peer internal error (swarm/piece/metainfo); surfaced as Error/ExtendedError.
pub const DO_E_BAD_PIECE_HASH_NO_BAN: HRESULT = 0x80D06806_u32 as HRESULT;
/// DO core/peer-to-peer internal error (swarm/piece/metainfo); surfaced as Error/ExtendedError.
pub const DO_E_ALREADY_HAVE_PIECE: HRESULT = 0x80D06807_u32 as HRESULT;
/// DO core/peer-to-peer internal error (swarm/piece/metainfo); surfaced as Error/ExtendedError.
pub const DO_E_MISSING_PIECE: HRESULT = 0x80D06808_u32 as HRESULT;
/// DO core/peer-to-peer internal error (swarm/piece/metainfo); surfaced as Error/ExtendedError.
pub const DO_E_METAINFO_CONTENT: HRESULT = 0x80D06809_u32 as HRESULT;
/// DO core/peer-to-peer internal error (swarm/piece/metainfo); surfaced as Error/ExtendedError.
pub const DO_E_METAINFO_VERSION: HRESULT = 0x80D0680A_u32 as HRESULT;
/// DO core/peer-to-peer internal error (swarm/piece/metainfo); surfaced as Error/ExtendedError.
pub const DO_E_SWARM_NOT_RUNNING: HRESULT = 0x80D0680B_u32 as HRESULT;
/// DO core/peer-to-peer internal error (swarm/piece/metainfo); surfaced as Error/ExtendedError.
pub const DO_E_UNRECOGNIZED_CONN: HRESULT = 0x80D0680C_u32 as HRESULT;
/// DO core/peer-to-peer internal error (swarm/piece/metainfo); surfaced as Error/ExtendedError.
pub const DO_E_PEER_BANNED: HRESULT = 0x80D0680D_u32 as HRESULT;
/// DO core/peer-to-peer internal error (swarm/piece/metainfo); surfaced as Error/ExtendedError.
pub const DO_E_CONNECT_TO_SELF: HRESULT = 0x80D0680E_u32 as HRESULT;
/// DO core/peer-to-peer internal error (swarm/piece/metainfo); surfaced as Error/ExtendedError.
pub const DO_E_ALREADY_CONNECTED: HRESULT = 0x80D0680F_u32 as HRESULT;
/// DO core/peer-to-peer internal error (swarm/piece/metainfo); surfaced as Error/ExtendedError.
pub const DO_E_NO_MORE_CONNECTIONS: HRESULT = 0x80D06810_u32 as HRESULT;
/// DO core/peer-to-peer internal error (swarm/piece/metainfo); surfaced as Error/ExtendedError.
pub const DO_E_LOST_CONNECTION: HRESULT = 0x80D06811_u32 as HRESULT;
/// DO core/peer-to-peer internal error (swarm/piece/metainfo); surfaced as Error/ExtendedError.
pub const DO_E_UNRECOGNIZED_SWARM: HRESULT = 0x80D06812_u32 as HRESULT;
/// DO core/peer-to-peer internal error (swarm/piece/metainfo); surfaced as Error/ExtendedError.
pub const DO_E_INVALID_HANDSHAKE_LEN: HRESULT = 0x80D06813_u32 as HRESULT;
/// DO core/peer-to-peer internal error (swarm/piece/metainfo); surfaced as Error/ExtendedError.
pub const DO_E_SOCKET_CLOSED: HRESULT = 0x80D06814_u32 as HRESULT;
/// DO core/peer-to-peer internal error (swarm/piece/metainfo); surfaced as Error/ExtendedError.
pub const DO_E_PEER_MSG_TOO_LONG: HRESULT = 0x80D06815_u32 as HRESULT;
/// DO core/peer-to-peer internal error (swarm/piece/metainfo); surfaced as Error/ExtendedError.
pub const DO_E_INVALID_PEER_MSG: HRESULT = 0x80D06816_u32 as HRESULT;
/// DO core/peer-to-peer internal error (swarm/piece/metainfo); surfaced as Error/ExtendedError.
pub const DO_E_PEER_IS_UPLOAD: HRESULT = 0x80D06817_u32 as HRESULT;
/// DO core/peer-to-peer internal error (swarm/piece/metainfo); surfaced as Error/ExtendedError.
pub const DO_E_PIN_FAIL_NO_PEERING: HRESULT = 0x80D06818_u32 as HRESULT;
/// DO core/peer-to-peer internal error (swarm/piece/metainfo); surfaced as Error/ExtendedError.
pub const DO_E_DELETE_PINNED_SWARM: HRESULT = 0x80D06819_u32 as HRESULT;
/// DO core/peer-to-peer internal error (swarm/piece/metainfo); surfaced as Error/ExtendedError.
pub const DO_E_METAINFO_DIGEST_MATCH: HRESULT = 0x80D0681A_u32 as HRESULT;
/// DO core/peer-to-peer internal error (swarm/piece/metainfo); surfaced as Error/ExtendedError.
pub const DO_E_METAINFO_HOH_MATCH: HRESULT = 0x80D0681B_u32 as HRESULT;
/// DO core/peer-to-peer internal error (swarm/piece/metainfo); surfaced as Error/ExtendedError.
pub const DO_E_METAINFO_HOH_FINAL_MATCH: HRESULT = 0x80D0681C_u32 as HRESULT;
/// DO core/peer-to-peer internal error (swarm/piece/metainfo); surfaced as Error/ExtendedError.
pub const DO_E_METAINFO_CONTENT_LENGTH: HRESULT = 0x80D0681D_u32 as HRESULT;
/// DO core/peer-to-peer internal error (swarm/piece/metainfo); surfaced as Error/ExtendedError.
pub const DO_E_METAINFO_PIECE_SIZE: HRESULT = 0x80D0681E_u32 as HRESULT;
/// DO core/peer-to-peer internal error (swarm/piece/metainfo); surfaced as Error/ExtendedError.
pub const DO_E_METAINFO_PARSE_HOH: HRESULT = 0x80D0681F_u32 as HRESULT;
/// DO core/peer-to-peer internal error (swarm/piece/metainfo); surfaced as Error/ExtendedError.
pub const DO_E_METAINFO_PARSE_PIECEHASHES: HRESULT = 0x80D06820_u32 as HRESULT;
/// DO core/peer-to-peer internal error (swarm/piece/metainfo); surfaced as Error/ExtendedError.
pub const DO_E_METAINFO_PARSE_ONE_PIECEHASH: HRESULT = 0x80D06821_u32 as HRESULT;
/// DO core/peer-to-peer internal error (swarm/piece/metainfo); surfaced as Error/ExtendedError.
pub const DO_E_METAINFO_FILE_SIZE: HRESULT = 0x80D06822_u32 as HRESULT;

// ---- BITS event-log message IDs (not returned by methods) ----

pub const BITS_MC_JOB_CANCELLED: HRESULT = 0x80194000_u32 as HRESULT;
pub const BITS_MC_FILE_DELETION_FAILED: HRESULT = 0x80194001_u32 as HRESULT;
pub const BITS_MC_FILE_DELETION_FAILED_MORE: HRESULT = 0x80194002_u32 as HRESULT;
pub const BITS_MC_JOB_PROPERTY_CHANGE: HRESULT = 0x80194003_u32 as HRESULT;
pub const BITS_MC_JOB_TAKE_OWNERSHIP: HRESULT = 0x80194004_u32 as HRESULT;
pub const BITS_MC_JOB_SCAVENGED: HRESULT = 0x80194005_u32 as HRESULT;
pub const BITS_MC_JOB_NOTIFICATION_FAILURE: HRESULT = 0x80194006_u32 as HRESULT;
pub const BITS_MC_STATE_FILE_CORRUPT: HRESULT = 0x80194007_u32 as HRESULT;
pub const BITS_MC_FAILED_TO_START: HRESULT = 0x80194008_u32 as HRESULT;
pub const BITS_MC_FATAL_IGD_ERROR: HRESULT = 0x80194009_u32 as HRESULT;
pub const BITS_MC_PEERCACHING_PORT: HRESULT = 0x8019400A_u32 as HRESULT;
pub const BITS_MC_WSD_PORT: HRESULT = 0x8019400B_u32 as HRESULT;
