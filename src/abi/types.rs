//! Windows base types with their exact sizes (`spec/enums-structs.md`, "Binary conventions").
//!
//! The scalar aliases, `WCHAR`, `GUID`, `FILETIME`, `VARIANT` and the `REF*` types are written in
//! the header's prelude (`cbindgen.toml`, `after_includes`) rather than generated, because C99
//! forbids repeating a typedef and the prelude needs them before cbindgen's items. `cargo run -p
//! xtask -- headers` checks that the prelude declares them exactly as they are defined here (same
//! fields, order and C types), and `c-tests/spec_layout.c` checks the sizes and offsets of the
//! generated header against the spec.
#![allow(non_camel_case_types, non_snake_case, clippy::upper_case_acronyms)]

use core::ffi::c_void;

/// 32-bit signed COM result code: negative means failure.
pub type HRESULT = i32;
/// 32-bit Windows `BOOL`: 0 is FALSE, anything else TRUE.
pub type BOOL = i32;
pub type BYTE = u8;
pub type WORD = u16;
pub type DWORD = u32;
pub type ULONG = u32;
pub type LONG = i32;
pub type UINT = u32;
pub type INT = i32;
pub type SHORT = i16;
pub type USHORT = u16;
pub type UINT64 = u64;
pub type ULONGLONG = u64;
pub type LONGLONG = i64;
pub type FLOAT = f32;
pub type DOUBLE = f64;
/// One UTF-16 code unit. Never Linux's 32-bit `wchar_t`.
pub type WCHAR = u16;
pub type LPWSTR = *mut WCHAR;
pub type LPCWSTR = *const WCHAR;
/// A length-prefixed UTF-16 string from `SysAllocString`; free it with `SysFreeString`.
pub type BSTR = *mut WCHAR;
pub type VARTYPE = u16;
/// `VARIANT_TRUE` is -1, `VARIANT_FALSE` 0.
pub type VARIANT_BOOL = i16;
pub type LANGID = u16;
pub type LCID = u32;

pub const TRUE: BOOL = 1;
pub const FALSE: BOOL = 0;
pub const VARIANT_TRUE: VARIANT_BOOL = -1;
pub const VARIANT_FALSE: VARIANT_BOOL = 0;

/// A 128-bit globally unique identifier, laid out as in Windows (`{u32, u16, u16, [u8; 8]}`).
#[repr(C)]
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct GUID {
    pub Data1: u32,
    pub Data2: u16,
    pub Data3: u16,
    pub Data4: [u8; 8],
}
pub type IID = GUID;
pub type CLSID = GUID;
/// `const IID *` in C, `const IID &` in C++ (same ABI).
pub type REFIID = *const GUID;
pub type REFGUID = *const GUID;
pub type REFCLSID = *const GUID;

impl GUID {
    pub const fn zeroed() -> GUID {
        GUID { Data1: 0, Data2: 0, Data3: 0, Data4: [0; 8] }
    }

    /// The 16 bytes as they sit in memory (Data1..Data3 little-endian).
    pub fn to_bytes_le(&self) -> [u8; 16] {
        let mut b = [0u8; 16];
        b[0..4].copy_from_slice(&self.Data1.to_le_bytes());
        b[4..6].copy_from_slice(&self.Data2.to_le_bytes());
        b[6..8].copy_from_slice(&self.Data3.to_le_bytes());
        b[8..16].copy_from_slice(&self.Data4);
        b
    }

    pub fn from_bytes_le(b: [u8; 16]) -> GUID {
        let mut d4 = [0u8; 8];
        d4.copy_from_slice(&b[8..16]);
        GUID {
            Data1: u32::from_le_bytes([b[0], b[1], b[2], b[3]]),
            Data2: u16::from_le_bytes([b[4], b[5]]),
            Data3: u16::from_le_bytes([b[6], b[7]]),
            Data4: d4,
        }
    }
}

impl core::fmt::Debug for GUID {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{self}")
    }
}

impl core::fmt::Display for GUID {
    /// Registry form: `{4991D34B-80A1-4291-83B6-3328366B9097}`.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let d = &self.Data4;
        write!(
            f,
            "{{{:08X}-{:04X}-{:04X}-{:02X}{:02X}-{:02X}{:02X}{:02X}{:02X}{:02X}{:02X}}}",
            self.Data1, self.Data2, self.Data3, d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7]
        )
    }
}

/// 100-nanosecond ticks since 1601-01-01 UTC, split into two 32-bit halves (align 4).
#[repr(C)]
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct FILETIME {
    pub dwLowDateTime: DWORD,
    pub dwHighDateTime: DWORD,
}

impl FILETIME {
    pub const fn from_u64(v: u64) -> FILETIME {
        FILETIME { dwLowDateTime: v as u32, dwHighDateTime: (v >> 32) as u32 }
    }
    pub const fn to_u64(self) -> u64 {
        ((self.dwHighDateTime as u64) << 32) | self.dwLowDateTime as u64
    }
}

/// One dimension of a SAFEARRAY.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct SAFEARRAYBOUND {
    pub cElements: ULONG,
    pub lLbound: LONG,
}

/// OLE automation array (only one-dimensional byte arrays are used by this API).
#[repr(C)]
#[derive(Debug)]
pub struct SAFEARRAY {
    pub cDims: USHORT,
    pub fFeatures: USHORT,
    pub cbElements: ULONG,
    pub cLocks: ULONG,
    pub pvData: *mut c_void,
    pub rgsabound: [SAFEARRAYBOUND; 1],
}

/// The 16-byte value part of a VARIANT (x86-64).
#[repr(C)]
#[derive(Clone, Copy)]
pub union VARIANT_VALUE {
    pub llVal: LONGLONG,
    pub lVal: LONG,
    pub bVal: BYTE,
    pub iVal: SHORT,
    pub fltVal: FLOAT,
    pub dblVal: DOUBLE,
    pub boolVal: VARIANT_BOOL,
    pub bstrVal: BSTR,
    /// An interface pointer (`VT_UNKNOWN`): `IUnknown *` as in Windows, so `V_UNKNOWN(&v)` has
    /// that type. The VARIANT owns one reference, dropped by `VariantClear`.
    pub punkVal: *mut super::vtbl::IUnknown,
    pub parray: *mut SAFEARRAY,
    pub pbVal: *mut BYTE,
    pub cVal: i8,
    pub uiVal: USHORT,
    pub ulVal: ULONG,
    pub ullVal: ULONGLONG,
    pub intVal: INT,
    pub uintVal: UINT,
    pub byref: *mut c_void,
    /// Forces the 16-byte size of the Windows union (which also holds DECIMAL/BRECORD).
    pub pad: [u64; 2],
}

/// OLE automation VARIANT: 24 bytes on x86-64, `vt` at 0 and the value at 8.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct VARIANT {
    pub vt: VARTYPE,
    pub wReserved1: WORD,
    pub wReserved2: WORD,
    pub wReserved3: WORD,
    pub val: VARIANT_VALUE,
}

impl VARIANT {
    pub const fn empty() -> VARIANT {
        VARIANT { vt: VT_EMPTY, wReserved1: 0, wReserved2: 0, wReserved3: 0, val: VARIANT_VALUE { pad: [0, 0] } }
    }
}

impl core::fmt::Debug for VARIANT {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "VARIANT(vt={})", self.vt)
    }
}

pub const VT_EMPTY: VARTYPE = 0;
pub const VT_NULL: VARTYPE = 1;
pub const VT_I2: VARTYPE = 2;
pub const VT_I4: VARTYPE = 3;
pub const VT_BSTR: VARTYPE = 8;
pub const VT_ERROR: VARTYPE = 10;
pub const VT_BOOL: VARTYPE = 11;
pub const VT_UNKNOWN: VARTYPE = 13;
pub const VT_I1: VARTYPE = 16;
pub const VT_UI1: VARTYPE = 17;
pub const VT_UI2: VARTYPE = 18;
pub const VT_UI4: VARTYPE = 19;
pub const VT_I8: VARTYPE = 20;
pub const VT_UI8: VARTYPE = 21;
pub const VT_INT: VARTYPE = 22;
pub const VT_UINT: VARTYPE = 23;
pub const VT_ARRAY: VARTYPE = 0x2000;
pub const VT_BYREF: VARTYPE = 0x4000;

/// `CoInitializeEx` threading models (accepted and ignored: every thread is free-threaded here).
pub const COINIT_MULTITHREADED: DWORD = 0x0;
pub const COINIT_APARTMENTTHREADED: DWORD = 0x2;
pub const COINIT_DISABLE_OLE1DDE: DWORD = 0x4;
pub const COINIT_SPEED_OVER_MEMORY: DWORD = 0x8;

/// `CoCreateInstance` class contexts (any value is accepted: the server is in-process).
pub const CLSCTX_INPROC_SERVER: DWORD = 0x1;
pub const CLSCTX_INPROC_HANDLER: DWORD = 0x2;
pub const CLSCTX_LOCAL_SERVER: DWORD = 0x4;
pub const CLSCTX_REMOTE_SERVER: DWORD = 0x10;
pub const CLSCTX_ALL: DWORD = 0x17;

/// Win32 error codes the library reports through `HRESULT_FROM_WIN32`.
pub const ERROR_SUCCESS: DWORD = 0;
pub const ERROR_FILE_NOT_FOUND: DWORD = 2;
pub const ERROR_PATH_NOT_FOUND: DWORD = 3;
pub const ERROR_ACCESS_DENIED: DWORD = 5;
pub const ERROR_NOT_ENOUGH_MEMORY: DWORD = 8;
pub const ERROR_WRITE_FAULT: DWORD = 29;
pub const ERROR_READ_FAULT: DWORD = 30;
pub const ERROR_SHARING_VIOLATION: DWORD = 32;
pub const ERROR_HANDLE_DISK_FULL: DWORD = 39;
pub const ERROR_FILE_EXISTS: DWORD = 80;
pub const ERROR_INVALID_PARAMETER: DWORD = 87;
pub const ERROR_DISK_FULL: DWORD = 112;
pub const ERROR_INVALID_NAME: DWORD = 123;
pub const ERROR_ALREADY_EXISTS: DWORD = 183;
pub const ERROR_FILENAME_EXCED_RANGE: DWORD = 206;
pub const ERROR_DIRECTORY: DWORD = 267;
pub const ERROR_SERVICE_DISABLED: DWORD = 1058;
pub const ERROR_NOT_FOUND: DWORD = 1168;
pub const ERROR_MR_MID_NOT_FOUND: DWORD = 317;
pub const ERROR_ALREADY_INITIALIZED: DWORD = 1247;
pub const ERROR_REVISION_MISMATCH: DWORD = 1306;
pub const ERROR_RESOURCE_LANG_NOT_FOUND: DWORD = 1815;
pub const ERROR_LOCK_VIOLATION: DWORD = 33;
pub const ERROR_BUSY: DWORD = 170;
pub const ERROR_WINHTTP_TIMEOUT: DWORD = 12002;
pub const ERROR_WINHTTP_NAME_NOT_RESOLVED: DWORD = 12007;
pub const ERROR_WINHTTP_CANNOT_CONNECT: DWORD = 12029;
pub const ERROR_WINHTTP_CONNECTION_ERROR: DWORD = 12030;
pub const ERROR_WINHTTP_CLIENT_AUTH_CERT_NEEDED: DWORD = 12044;
pub const ERROR_WINHTTP_SECURE_CERT_DATE_INVALID: DWORD = 12037;
pub const ERROR_WINHTTP_SECURE_CERT_CN_INVALID: DWORD = 12038;
pub const ERROR_WINHTTP_SECURE_INVALID_CA: DWORD = 12045;
pub const ERROR_WINHTTP_SECURE_CERT_REV_FAILED: DWORD = 12057;
pub const ERROR_WINHTTP_SECURE_FAILURE: DWORD = 12175;
pub const ERROR_WINHTTP_SECURE_CERT_WRONG_USAGE: DWORD = 12179;
pub const ERROR_WINHTTP_SECURE_INVALID_CERT: DWORD = 12169;
pub const ERROR_WINHTTP_SECURE_CERT_REVOKED: DWORD = 12170;
pub const ERROR_WINHTTP_CLIENT_CERT_NO_ACCESS_PRIVATE_KEY: DWORD = 12186;
pub const ERROR_WINHTTP_INVALID_SERVER_RESPONSE: DWORD = 12152;
pub const ERROR_WINHTTP_REDIRECT_FAILED: DWORD = 12156;

/// `HRESULT_FROM_WIN32`: `x` if `x <= 0`, else `(x & 0xFFFF) | 0x80070000`.
pub const fn hresult_from_win32(x: DWORD) -> HRESULT {
    if (x as i32) <= 0 {
        x as HRESULT
    } else {
        ((x & 0xFFFF) | 0x8007_0000) as HRESULT
    }
}

/// Language identifiers accepted by the `GetErrorDescription` methods.
pub const LANG_NEUTRAL: LANGID = 0x00;
pub const LANG_ENGLISH: LANGID = 0x09;

/// Signed 64-bit offset (`IStream::Seek`). Passed by value like a 64-bit integer.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LARGE_INTEGER {
    pub QuadPart: LONGLONG,
}

/// Unsigned 64-bit size (`IStream`). Passed by value like a 64-bit integer.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ULARGE_INTEGER {
    pub QuadPart: ULONGLONG,
}

/// Stream statistics (`IStream::Stat`).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct STATSTG {
    pub pwcsName: LPWSTR,
    pub r#type: DWORD,
    pub cbSize: ULARGE_INTEGER,
    pub mtime: FILETIME,
    pub ctime: FILETIME,
    pub atime: FILETIME,
    pub grfMode: DWORD,
    pub grfLocksSupported: DWORD,
    pub clsid: CLSID,
    pub grfStateBits: DWORD,
    pub reserved: DWORD,
}

/// `deliveryopt_set_engine_mode`: the jobs are served by the user's `deliveryoptd` service,
/// shared by every process of the user and working on after this process exits (the default).
pub const DELIVERYOPT_ENGINE_SERVICE: DWORD = 0;
/// `deliveryopt_set_engine_mode`: the engine runs inside this process (for sandboxes and tests).
/// Only one process at a time can use a job store this way; the jobs stop when it exits and go
/// on in the next process (or service) that opens the store.
pub const DELIVERYOPT_ENGINE_IN_PROCESS: DWORD = 1;
/// `deliveryopt_set_engine_mode`: the jobs are served by the machine's system instance
/// (`deliveryoptd --system`, run by root, usually from its systemd unit), shared by every user
/// like Windows' one BITS service. Each user sees and controls their own jobs; root is the
/// administrator. Files are written with the job owner's rights.
pub const DELIVERYOPT_ENGINE_SYSTEM: DWORD = 2;

/// A job property of ours for IBackgroundCopyJob5::SetProperty / GetProperty: the job's bandwidth
/// limit in bytes per second, in `BITS_JOB_PROPERTY_VALUE.Uint64` (0, the default: no limit).
/// It applies to every connection of the job together, from the job's next transfer (a running
/// one picks it up at its next file), on top of the engine's limit
/// (`DELIVERYOPT_MAX_BYTES_PER_SECOND` in the environment of the service). Any job type.
pub const DELIVERYOPT_JOB_PROPERTY_MAX_BYTES_PER_SECOND: crate::abi::bits_types::BITS_JOB_PROPERTY_ID = 0x1000;

/// A job property of ours for IBackgroundCopyJob5::SetProperty / GetProperty: the most
/// connections one file of the job is fetched over at once, in `BITS_JOB_PROPERTY_VALUE.Dword`.
/// 0 (the default) takes the engine's (`DELIVERYOPT_SEGMENTS` in the environment of the service,
/// 8 unless set); 1 fetches every file over one connection; at most 16 (more: E_INVALIDARG).
///
/// A file is split only when it is worth it and safe: at least 8 MiB are missing, the server
/// answers byte ranges, and it names the content (a strong ETag or Last-Modified), which every
/// range request carries in `If-Range`, so pieces of two versions of a changed remote never mix
/// (the file starts over). Connections join only while the running ones wait for the network
/// rather than keep their thread busy (`DELIVERYOPT_SEGMENT_BUSY_PERCENT`, 50): a fast local
/// server gets one connection. Each piece is resumable: the bytes on disk are recorded as
/// intervals, and a connection that finishes takes half of the largest piece still running.
/// Download jobs only (BG_E_PROPERTY_SUPPORTED_FOR_DOWNLOAD_JOBS_ONLY for an upload); takes
/// effect at the next file a transfer starts.
pub const DELIVERYOPT_JOB_PROPERTY_MAX_SEGMENTS: crate::abi::bits_types::BITS_JOB_PROPERTY_ID = 0x1001;
