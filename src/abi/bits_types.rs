//! BITS enumerations, flags and structures (`spec/enums-structs.md` §1–3).
//!
//! Enumerations are 32-bit signed integers with `#define`d values, exactly as MIDL lays them out. They
//! are plain integers (not Rust enums) so that an out-of-range value from C is an error the library
//! reports, never undefined behaviour.
#![allow(non_camel_case_types, non_snake_case, non_upper_case_globals, clippy::upper_case_acronyms)]

use super::types::{BOOL, DWORD, FILETIME, GUID, LPWSTR, UINT64, ULONG};

/// State of a BITS job (`IBackgroundCopyJob::GetState`).
pub type BG_JOB_STATE = i32;
pub const BG_JOB_STATE_QUEUED: BG_JOB_STATE = 0;
pub const BG_JOB_STATE_CONNECTING: BG_JOB_STATE = 1;
pub const BG_JOB_STATE_TRANSFERRING: BG_JOB_STATE = 2;
pub const BG_JOB_STATE_SUSPENDED: BG_JOB_STATE = 3;
pub const BG_JOB_STATE_ERROR: BG_JOB_STATE = 4;
pub const BG_JOB_STATE_TRANSIENT_ERROR: BG_JOB_STATE = 5;
pub const BG_JOB_STATE_TRANSFERRED: BG_JOB_STATE = 6;
pub const BG_JOB_STATE_ACKNOWLEDGED: BG_JOB_STATE = 7;
pub const BG_JOB_STATE_CANCELLED: BG_JOB_STATE = 8;

/// Job priority. FOREGROUND jobs run at once; the others in order HIGH, NORMAL (default), LOW.
pub type BG_JOB_PRIORITY = i32;
pub const BG_JOB_PRIORITY_FOREGROUND: BG_JOB_PRIORITY = 0;
pub const BG_JOB_PRIORITY_HIGH: BG_JOB_PRIORITY = 1;
pub const BG_JOB_PRIORITY_NORMAL: BG_JOB_PRIORITY = 2;
pub const BG_JOB_PRIORITY_LOW: BG_JOB_PRIORITY = 3;

/// Kind of job (`IBackgroundCopyManager::CreateJob`).
pub type BG_JOB_TYPE = i32;
pub const BG_JOB_TYPE_DOWNLOAD: BG_JOB_TYPE = 0;
pub const BG_JOB_TYPE_UPLOAD: BG_JOB_TYPE = 1;
pub const BG_JOB_TYPE_UPLOAD_REPLY: BG_JOB_TYPE = 2;

/// Proxy selection (`SetProxySettings`).
pub type BG_JOB_PROXY_USAGE = i32;
pub const BG_JOB_PROXY_USAGE_PRECONFIG: BG_JOB_PROXY_USAGE = 0;
pub const BG_JOB_PROXY_USAGE_NO_PROXY: BG_JOB_PROXY_USAGE = 1;
pub const BG_JOB_PROXY_USAGE_OVERRIDE: BG_JOB_PROXY_USAGE = 2;
pub const BG_JOB_PROXY_USAGE_AUTODETECT: BG_JOB_PROXY_USAGE = 3;

/// Where an error happened (`IBackgroundCopyError::GetError`).
pub type BG_ERROR_CONTEXT = i32;
pub const BG_ERROR_CONTEXT_NONE: BG_ERROR_CONTEXT = 0;
pub const BG_ERROR_CONTEXT_UNKNOWN: BG_ERROR_CONTEXT = 1;
pub const BG_ERROR_CONTEXT_GENERAL_QUEUE_MANAGER: BG_ERROR_CONTEXT = 2;
pub const BG_ERROR_CONTEXT_QUEUE_MANAGER_NOTIFICATION: BG_ERROR_CONTEXT = 3;
pub const BG_ERROR_CONTEXT_LOCAL_FILE: BG_ERROR_CONTEXT = 4;
pub const BG_ERROR_CONTEXT_REMOTE_FILE: BG_ERROR_CONTEXT = 5;
pub const BG_ERROR_CONTEXT_GENERAL_TRANSPORT: BG_ERROR_CONTEXT = 6;
pub const BG_ERROR_CONTEXT_REMOTE_APPLICATION: BG_ERROR_CONTEXT = 7;
pub const BG_ERROR_CONTEXT_SERVER_CERTIFICATE_CALLBACK: BG_ERROR_CONTEXT = 8;

/// Whose credentials (`BG_AUTH_CREDENTIALS.Target`).
pub type BG_AUTH_TARGET = i32;
pub const BG_AUTH_TARGET_SERVER: BG_AUTH_TARGET = 1;
pub const BG_AUTH_TARGET_PROXY: BG_AUTH_TARGET = 2;

/// Authentication scheme (`BG_AUTH_CREDENTIALS.Scheme`).
pub type BG_AUTH_SCHEME = i32;
pub const BG_AUTH_SCHEME_BASIC: BG_AUTH_SCHEME = 1;
pub const BG_AUTH_SCHEME_DIGEST: BG_AUTH_SCHEME = 2;
pub const BG_AUTH_SCHEME_NTLM: BG_AUTH_SCHEME = 3;
pub const BG_AUTH_SCHEME_NEGOTIATE: BG_AUTH_SCHEME = 4;
pub const BG_AUTH_SCHEME_PASSPORT: BG_AUTH_SCHEME = 5;

/// Certificate store location (`IBackgroundCopyJobHttpOptions::SetClientCertificateByID`).
pub type BG_CERT_STORE_LOCATION = i32;
pub const BG_CERT_STORE_LOCATION_CURRENT_USER: BG_CERT_STORE_LOCATION = 0;
pub const BG_CERT_STORE_LOCATION_LOCAL_MACHINE: BG_CERT_STORE_LOCATION = 1;
pub const BG_CERT_STORE_LOCATION_CURRENT_SERVICE: BG_CERT_STORE_LOCATION = 2;
pub const BG_CERT_STORE_LOCATION_SERVICES: BG_CERT_STORE_LOCATION = 3;
pub const BG_CERT_STORE_LOCATION_USERS: BG_CERT_STORE_LOCATION = 4;
pub const BG_CERT_STORE_LOCATION_CURRENT_USER_GROUP_POLICY: BG_CERT_STORE_LOCATION = 5;
pub const BG_CERT_STORE_LOCATION_LOCAL_MACHINE_GROUP_POLICY: BG_CERT_STORE_LOCATION = 6;
pub const BG_CERT_STORE_LOCATION_LOCAL_MACHINE_ENTERPRISE: BG_CERT_STORE_LOCATION = 7;

/// Job property identifiers (`IBackgroundCopyJob5::SetProperty`).
pub type BITS_JOB_PROPERTY_ID = i32;
pub const BITS_JOB_PROPERTY_ID_COST_FLAGS: BITS_JOB_PROPERTY_ID = 1;
pub const BITS_JOB_PROPERTY_NOTIFICATION_CLSID: BITS_JOB_PROPERTY_ID = 2;
pub const BITS_JOB_PROPERTY_DYNAMIC_CONTENT: BITS_JOB_PROPERTY_ID = 3;
pub const BITS_JOB_PROPERTY_HIGH_PERFORMANCE: BITS_JOB_PROPERTY_ID = 4;
pub const BITS_JOB_PROPERTY_MAX_DOWNLOAD_SIZE: BITS_JOB_PROPERTY_ID = 5;
pub const BITS_JOB_PROPERTY_USE_STORED_CREDENTIALS: BITS_JOB_PROPERTY_ID = 7;
pub const BITS_JOB_PROPERTY_MINIMUM_NOTIFICATION_INTERVAL_MS: BITS_JOB_PROPERTY_ID = 9;
pub const BITS_JOB_PROPERTY_ON_DEMAND_MODE: BITS_JOB_PROPERTY_ID = 10;

/// File property identifiers (`IBackgroundCopyFile5::GetProperty`).
pub type BITS_FILE_PROPERTY_ID = i32;
pub const BITS_FILE_PROPERTY_ID_HTTP_RESPONSE_HEADERS: BITS_FILE_PROPERTY_ID = 1;

/// Cost-flag presets for `BITS_JOB_PROPERTY_ID_COST_FLAGS`.
pub type BITS_JOB_TRANSFER_POLICY = i32;
pub const BITS_JOB_TRANSFER_POLICY_ALWAYS: BITS_JOB_TRANSFER_POLICY = 0x800000FF_u32 as i32;
pub const BITS_JOB_TRANSFER_POLICY_NOT_ROAMING: BITS_JOB_TRANSFER_POLICY = 0x8000007F_u32 as i32;
pub const BITS_JOB_TRANSFER_POLICY_NO_SURCHARGE: BITS_JOB_TRANSFER_POLICY = 0x8000006F_u32 as i32;
pub const BITS_JOB_TRANSFER_POLICY_STANDARD: BITS_JOB_TRANSFER_POLICY = 0x80000067_u32 as i32;
pub const BITS_JOB_TRANSFER_POLICY_UNRESTRICTED: BITS_JOB_TRANSFER_POLICY = 0x80000021_u32 as i32;

// ---- Notification flags (SetNotifyFlags) ----
pub const BG_NOTIFY_JOB_TRANSFERRED: ULONG = 0x0001;
pub const BG_NOTIFY_JOB_ERROR: ULONG = 0x0002;
pub const BG_NOTIFY_DISABLE: ULONG = 0x0004;
pub const BG_NOTIFY_JOB_MODIFICATION: ULONG = 0x0008;
pub const BG_NOTIFY_FILE_TRANSFERRED: ULONG = 0x0010;
pub const BG_NOTIFY_FILE_RANGES_TRANSFERRED: ULONG = 0x0020;

/// Size not known yet (`BG_JOB_PROGRESS.BytesTotal`, `BG_FILE_PROGRESS.BytesTotal`).
pub const BG_SIZE_UNKNOWN: UINT64 = u64::MAX;
/// `EnumJobs` flag: every user's jobs.
pub const BG_JOB_ENUM_ALL_USERS: DWORD = 0x0001;
/// Range length meaning "to the end of the file".
pub const BG_LENGTH_TO_EOF: UINT64 = u64::MAX;

// ---- File ACL flags (IBackgroundCopyJob3::SetFileACLFlags) ----
pub const BG_COPY_FILE_OWNER: DWORD = 1;
pub const BG_COPY_FILE_GROUP: DWORD = 2;
pub const BG_COPY_FILE_DACL: DWORD = 4;
pub const BG_COPY_FILE_SACL: DWORD = 8;
pub const BG_COPY_FILE_ALL: DWORD = 15;

// ---- HTTP security flags (IBackgroundCopyJobHttpOptions::SetSecurityFlags) ----
pub const BG_SSL_ENABLE_CRL_CHECK: ULONG = 0x0001;
pub const BG_SSL_IGNORE_CERT_CN_INVALID: ULONG = 0x0002;
pub const BG_SSL_IGNORE_CERT_DATE_INVALID: ULONG = 0x0004;
pub const BG_SSL_IGNORE_UNKNOWN_CA: ULONG = 0x0008;
pub const BG_SSL_IGNORE_CERT_WRONG_USAGE: ULONG = 0x0010;
pub const BG_HTTP_REDIRECT_POLICY_MASK: ULONG = 0x0700;
pub const BG_HTTP_REDIRECT_POLICY_ALLOW_SILENT: ULONG = 0x0000;
pub const BG_HTTP_REDIRECT_POLICY_ALLOW_REPORT: ULONG = 0x0100;
pub const BG_HTTP_REDIRECT_POLICY_DISALLOW: ULONG = 0x0200;
pub const BG_HTTP_REDIRECT_POLICY_ALLOW_HTTPS_TO_HTTP: ULONG = 0x0800;

// ---- Peer caching (bits3_0) ----
pub const BG_ENABLE_PEERCACHING_CLIENT: DWORD = 0x0001;
pub const BG_ENABLE_PEERCACHING_SERVER: DWORD = 0x0002;
pub const BG_DISABLE_BRANCH_CACHE: DWORD = 0x0004;
pub const BG_JOB_ENABLE_PEERCACHING_CLIENT: DWORD = 0x0001;
pub const BG_JOB_ENABLE_PEERCACHING_SERVER: DWORD = 0x0002;
pub const BG_JOB_DISABLE_BRANCH_CACHE: DWORD = 0x0004;

// ---- Helper token flags (bits4_0) ----
pub const BG_TOKEN_LOCAL_FILE: DWORD = 0x0001;
pub const BG_TOKEN_NETWORK: DWORD = 0x0002;

// ---- Cost state flags (bits5_0) ----
pub const BITS_COST_STATE_UNRESTRICTED: DWORD = 0x00000001;
pub const BITS_COST_STATE_CAPPED_USAGE_UNKNOWN: DWORD = 0x00000002;
pub const BITS_COST_STATE_BELOW_CAP: DWORD = 0x00000004;
pub const BITS_COST_STATE_NEAR_CAP: DWORD = 0x00000008;
pub const BITS_COST_STATE_OVERCAP_CHARGED: DWORD = 0x00000010;
pub const BITS_COST_STATE_OVERCAP_THROTTLED: DWORD = 0x00000020;
pub const BITS_COST_STATE_USAGE_BASED: DWORD = 0x00000040;
pub const BITS_COST_STATE_ROAMING: DWORD = 0x00000080;
pub const BITS_COST_STATE_RESERVED: DWORD = 0x40000000;
pub const BITS_COST_OPTION_IGNORE_CONGESTION: DWORD = 0x80000000;
pub const BITS_COST_STATE_TRANSFER_NOT_ROAMING: DWORD = 0x8000007F;
pub const BITS_COST_STATE_TRANSFER_NO_SURCHARGE: DWORD = 0x8000006F;
pub const BITS_COST_STATE_TRANSFER_STANDARD: DWORD = 0x80000067;
pub const BITS_COST_STATE_TRANSFER_UNRESTRICTED: DWORD = 0x80000021;
pub const BITS_COST_STATE_TRANSFER_ALWAYS: DWORD = 0x800000FF;

/// One file to add: remote URL and local path (`AddFileSet`). 16 bytes.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct BG_FILE_INFO {
    pub RemoteName: LPWSTR,
    pub LocalName: LPWSTR,
}

/// Progress of one file. 24 bytes.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BG_FILE_PROGRESS {
    pub BytesTotal: UINT64,
    pub BytesTransferred: UINT64,
    /// TRUE once Complete made the file available under its local name.
    pub Completed: BOOL,
}

/// Progress of a job. 24 bytes.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BG_JOB_PROGRESS {
    pub BytesTotal: UINT64,
    pub BytesTransferred: UINT64,
    pub FilesTotal: ULONG,
    pub FilesTransferred: ULONG,
}

/// Creation, last-modification and transfer-completion times (UTC). 24 bytes, align 4.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BG_JOB_TIMES {
    pub CreationTime: FILETIME,
    pub ModificationTime: FILETIME,
    pub TransferCompletionTime: FILETIME,
}

/// Reply progress of an upload-reply job. 16 bytes.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BG_JOB_REPLY_PROGRESS {
    pub BytesTotal: UINT64,
    pub BytesTransferred: UINT64,
}

/// User name and password, both NUL-terminated UTF-16. 16 bytes.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct BG_BASIC_CREDENTIALS {
    pub UserName: LPWSTR,
    pub Password: LPWSTR,
}

/// The credentials union; every scheme uses `Basic`.
#[repr(C)]
#[derive(Clone, Copy)]
pub union BG_AUTH_CREDENTIALS_UNION {
    pub Basic: BG_BASIC_CREDENTIALS,
}

/// Credentials for one (target, scheme) pair (`IBackgroundCopyJob2::SetCredentials`). 24 bytes.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct BG_AUTH_CREDENTIALS {
    pub Target: BG_AUTH_TARGET,
    pub Scheme: BG_AUTH_SCHEME,
    pub Credentials: BG_AUTH_CREDENTIALS_UNION,
}

/// A byte range of a remote file. `Length` may be `BG_LENGTH_TO_EOF`. 16 bytes.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BG_FILE_RANGE {
    pub InitialOffset: UINT64,
    pub Length: UINT64,
}

/// Value of a job property; the member is chosen by the property id. 16 bytes, passed by value.
#[repr(C)]
#[derive(Clone, Copy)]
pub union BITS_JOB_PROPERTY_VALUE {
    pub Dword: DWORD,
    pub ClsID: GUID,
    pub Enable: BOOL,
    pub Uint64: UINT64,
    pub Target: BG_AUTH_TARGET,
}

/// Value of a file property. 8 bytes, passed by value.
#[repr(C)]
#[derive(Clone, Copy)]
pub union BITS_FILE_PROPERTY_VALUE {
    pub String: LPWSTR,
}
