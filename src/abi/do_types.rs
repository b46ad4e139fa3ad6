//! Delivery Optimization enumerations, constants and structures (`spec/enums-structs.md` §4–5).
#![allow(non_camel_case_types, non_snake_case, non_upper_case_globals, clippy::upper_case_acronyms)]

use super::types::{BOOL, HRESULT, LPCWSTR, LPWSTR, UINT, UINT64};

/// State of an `IDODownload`.
pub type DODownloadState = i32;
pub const DODownloadState_Created: DODownloadState = 0;
pub const DODownloadState_Transferring: DODownloadState = 1;
pub const DODownloadState_Transferred: DODownloadState = 2;
pub const DODownloadState_Finalized: DODownloadState = 3;
pub const DODownloadState_Aborted: DODownloadState = 4;
pub const DODownloadState_Paused: DODownloadState = 5;

/// Cost policy of a download (`DODownloadProperty_CostPolicy`).
pub type DODownloadCostPolicy = i32;
pub const DODownloadCostPolicy_Always: DODownloadCostPolicy = 0;
pub const DODownloadCostPolicy_Unrestricted: DODownloadCostPolicy = 1;
pub const DODownloadCostPolicy_Standard: DODownloadCostPolicy = 2;
pub const DODownloadCostPolicy_NoRoaming: DODownloadCostPolicy = 3;
pub const DODownloadCostPolicy_NoSurcharge: DODownloadCostPolicy = 4;
pub const DODownloadCostPolicy_NoCellular: DODownloadCostPolicy = 5;

/// Property identifiers of `IDODownload::GetProperty` / `SetProperty`.
pub type DODownloadProperty = i32;
pub const DODownloadProperty_Id: DODownloadProperty = 0;
pub const DODownloadProperty_Uri: DODownloadProperty = 1;
pub const DODownloadProperty_ContentId: DODownloadProperty = 2;
pub const DODownloadProperty_DisplayName: DODownloadProperty = 3;
pub const DODownloadProperty_LocalPath: DODownloadProperty = 4;
pub const DODownloadProperty_HttpCustomHeaders: DODownloadProperty = 5;
pub const DODownloadProperty_CostPolicy: DODownloadProperty = 6;
pub const DODownloadProperty_SecurityFlags: DODownloadProperty = 7;
pub const DODownloadProperty_CallbackFreqPercent: DODownloadProperty = 8;
pub const DODownloadProperty_CallbackFreqSeconds: DODownloadProperty = 9;
pub const DODownloadProperty_NoProgressTimeoutSeconds: DODownloadProperty = 10;
pub const DODownloadProperty_ForegroundPriority: DODownloadProperty = 11;
pub const DODownloadProperty_BlockingMode: DODownloadProperty = 12;
pub const DODownloadProperty_CallbackInterface: DODownloadProperty = 13;
pub const DODownloadProperty_StreamInterface: DODownloadProperty = 14;
pub const DODownloadProperty_SecurityContext: DODownloadProperty = 15;
pub const DODownloadProperty_NetworkToken: DODownloadProperty = 16;
pub const DODownloadProperty_CorrelationVector: DODownloadProperty = 17;
pub const DODownloadProperty_DecryptionInfo: DODownloadProperty = 18;
pub const DODownloadProperty_IntegrityCheckInfo: DODownloadProperty = 19;
pub const DODownloadProperty_IntegrityCheckMandatory: DODownloadProperty = 20;
pub const DODownloadProperty_TotalSizeBytes: DODownloadProperty = 21;
pub const DODownloadProperty_DisallowOnCellular: DODownloadProperty = 22;
pub const DODownloadProperty_HttpCustomAuthHeaders: DODownloadProperty = 23;
pub const DODownloadProperty_HttpAllowSecureToNonSecureRedirect: DODownloadProperty = 24;
pub const DODownloadProperty_NonVolatile: DODownloadProperty = 25;
pub const DODownloadProperty_HttpRedirectionTarget: DODownloadProperty = 26;
pub const DODownloadProperty_HttpResponseHeaders: DODownloadProperty = 27;
pub const DODownloadProperty_HttpServerIPAddress: DODownloadProperty = 28;
pub const DODownloadProperty_HttpStatusCode: DODownloadProperty = 29;

/// Deprecated property identifiers of `IDODownloadInternal` (not offered: its IID is unknown).
pub type DODownloadPropertyEx = i32;
pub const DODownloadPropertyEx_UpdateId: DODownloadPropertyEx = 0;
pub const DODownloadPropertyEx_CorrelationVector: DODownloadPropertyEx = 1;
pub const DODownloadPropertyEx_DecryptionInfo: DODownloadPropertyEx = 2;
pub const DODownloadPropertyEx_IntegrityCheckInfo: DODownloadPropertyEx = 3;
pub const DODownloadPropertyEx_IntegrityCheckMandatory: DODownloadPropertyEx = 4;
pub const DODownloadPropertyEx_TotalSizeBytes: DODownloadPropertyEx = 5;
pub const DODownloadPropertyEx_TempLocalFileUsage: DODownloadPropertyEx = 6;

/// Legacy DO download mode (single source: Learn).
pub type DownloadMode = i32;
pub const DownloadMode_CdnOnly: DownloadMode = 0;
pub const DownloadMode_Lan: DownloadMode = 1;
pub const DownloadMode_Group: DownloadMode = 2;
pub const DownloadMode_Internet: DownloadMode = 3;
pub const DownloadMode_Simple: DownloadMode = 99;
pub const DownloadMode_Bypass: DownloadMode = 100;

/// Legacy DO swarm status (single source: Learn).
pub type SwarmStatus = i32;
pub const SwarmStatus_Downloading: SwarmStatus = 0;
pub const SwarmStatus_Complete: SwarmStatus = 1;
pub const SwarmStatus_Caching: SwarmStatus = 2;
pub const SwarmStatus_Paused: SwarmStatus = 3;

/// Legacy `IDeliveryOptimizationJob2` property ids (value UNCONFIRMED; see README).
pub type DOJobPropertyId = i32;
pub const DOJobPropertyId_ExtendedErrorInfo: DOJobPropertyId = 0;

/// Legacy `IDeliveryOptimizationFile2` property ids (values UNCONFIRMED; Learn declaration order).
pub type DOFilePropertyId = i32;
pub const DOFilePropertyId_DecryptionInfo: DOFilePropertyId = 0;
pub const DOFilePropertyId_IntegrityCheckInfo: DOFilePropertyId = 1;
pub const DOFilePropertyId_IntegrityCheckMandatory: DOFilePropertyId = 2;
pub const DOFilePropertyId_DownloadSinkInterface: DOFilePropertyId = 3;
pub const DOFilePropertyId_DownloadSinkFilePath: DOFilePropertyId = 4;
pub const DOFilePropertyId_DownloadSinkMemoryStream: DOFilePropertyId = 5;
pub const DOFilePropertyId_TotalSizeBytes: DOFilePropertyId = 6;

/// Range length meaning "to the end of the file".
pub const DO_LENGTH_TO_EOF: UINT64 = u64::MAX;
/// File size not known (value UNCONFIRMED; the third-party reconstruction's choice).
pub const DO_UNKNOWN_FILE_SIZE: UINT64 = u64::MAX;
pub const DO_ZONE_MASK: u32 = 0xF000;
pub const DO_TRANSIENT_ZONE_MASK: u32 = 0xF800;
pub const DO_TRANSIENT_ZONE: u32 = 0x3800;
pub const FACILITY_DELIVERY_OPTIMIZATION: u32 = 208;

/// A byte range. 16 bytes.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DO_DOWNLOAD_RANGE {
    pub Offset: UINT64,
    pub Length: UINT64,
}

/// Ranges for `IDODownload::Start`: `RangeCount` entries follow (the declared `[1]` is a
/// flexible trailing array; allocate `offsetof(Ranges) + n * sizeof(DO_DOWNLOAD_RANGE)`).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct DO_DOWNLOAD_RANGES_INFO {
    pub RangeCount: UINT,
    pub Ranges: [DO_DOWNLOAD_RANGE; 1],
}

/// Snapshot of a download (`IDODownload::GetStatus`). 32 bytes.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DO_DOWNLOAD_STATUS {
    pub BytesTotal: UINT64,
    pub BytesTransferred: UINT64,
    pub State: DODownloadState,
    pub Error: HRESULT,
    pub ExtendedError: HRESULT,
}

/// Filter for `IDOManager::EnumDownloads`. 16 bytes.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct DO_DOWNLOAD_ENUM_CATEGORY {
    pub Property: DODownloadProperty,
    pub Value: LPCWSTR,
}

/// Legacy per-file statistics (`IDeliveryOptimizationFile::GetStats`). 136 bytes.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct DOSwarmStats {
    pub fileId: LPWSTR,
    pub sourceURL: LPWSTR,
    pub fileSize: UINT64,
    pub totalBytesDownloaded: UINT64,
    pub bytesFromLanPeers: UINT64,
    pub bytesFromGroupPeers: UINT64,
    pub bytesFromInternetPeers: UINT64,
    pub bytesFromHttp: UINT64,
    pub bytesFromDoinc: UINT64,
    pub bytesToLanPeers: UINT64,
    pub bytesToGroupPeers: UINT64,
    pub bytesToInternetPeers: UINT64,
    pub httpConnectionCount: UINT,
    pub doincConnectionCount: UINT,
    pub lanConnectionCount: UINT,
    pub groupConnectionCount: UINT,
    pub internetConnectionCount: UINT,
    pub downloadDuration: UINT,
    pub downloadMode: DownloadMode,
    pub status: SwarmStatus,
    pub isBackground: BOOL,
}
