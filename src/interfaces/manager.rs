//! The manager object: IBackgroundCopyManager (and the deprecated IBitsPeerCacheAdministration).
#![allow(non_snake_case)]

use core::ffi::c_void;
use core::mem::offset_of;
use std::sync::Arc;

use super::enumerator::EnumObject;
use super::job::{job_object, JobObject};
use crate::abi::args::{clear_out, out_ptr, read_in, read_str};
use crate::abi::bits_types::*;
use crate::abi::do_types::DO_DOWNLOAD_ENUM_CATEGORY;
use crate::abi::guids::*;
use crate::abi::hresult::*;
use crate::abi::types::*;
use crate::abi::vtbl::*;
use crate::com::{self, ComClass, ComObject, ComRef};
use crate::engine::client::Client;
use crate::engine::{JobId, JobType, MAX_DISPLAY_NAME};

/// Which class id created the manager.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ManagerFlavor {
    /// One of the CLSID_BackgroundCopyManager* classes.
    Bits,
    /// CLSID_DeliveryOptimization asked for IBackgroundCopyManager (the legacy DO face).
    DeliveryOptimization,
}

/// The manager: a view of the process-wide engine. Any number may exist; all share the jobs.
pub struct ManagerObject {
    client: Arc<Client>,
    flavor: ManagerFlavor,
}

#[repr(C)]
pub struct ManagerVtables {
    manager: *const IBackgroundCopyManagerVtbl,
    peer_cache: *const IBitsPeerCacheAdministrationVtbl,
    do_manager: *const IDOManagerVtbl,
}

const FACE_MANAGER: usize = offset_of!(ManagerVtables, manager);
const FACE_PEER_CACHE: usize = offset_of!(ManagerVtables, peer_cache);
const FACE_DO_MANAGER: usize = offset_of!(ManagerVtables, do_manager);

impl ComClass for ManagerObject {
    type Vtables = ManagerVtables;
    const VTABLES: ManagerVtables =
        ManagerVtables { manager: &MANAGER_VTBL, peer_cache: &PEER_CACHE_VTBL, do_manager: &DO_MANAGER_VTBL };
    const MAGIC: u64 = 0x6d67_725f_6269_7473; // "mgr_bits"

    fn face_for(&self, iid: &GUID) -> Option<usize> {
        if *iid == IID_IBackgroundCopyManager {
            Some(FACE_MANAGER)
        } else if *iid == IID_IBitsPeerCacheAdministration {
            Some(FACE_PEER_CACHE)
        } else if *iid == IID_IDOManager && self.flavor == ManagerFlavor::DeliveryOptimization {
            // CLSID_DeliveryOptimization serves both the DO manager and the legacy BITS-style one.
            Some(FACE_DO_MANAGER)
        } else {
            None
        }
    }
}

impl ManagerObject {
    /// A new manager over the global engine (started on first use), holding one reference.
    pub fn create(flavor: ManagerFlavor) -> Result<ComRef<ManagerObject>, HRESULT> {
        let client = Client::global().map_err(|e| super::hresult_map::start_error(&e))?;
        Ok(ComObject::create(ManagerObject { client, flavor }))
    }

    pub fn flavor(&self) -> ManagerFlavor {
        self.flavor
    }
}

fn this<'a>(p: *mut IBackgroundCopyManager) -> Result<&'a ManagerObject, HRESULT> {
    let o = ComObject::<ManagerObject>::from_face(p as *mut c_void, FACE_MANAGER).map(|o| o.value())?;
    // The legacy DO manager answers DO's codes (DO_E_JOB_NOT_FOUND for an unknown job).
    if o.flavor == ManagerFlavor::DeliveryOptimization {
        crate::abi::dialect::use_do_codes();
    }
    Ok(o)
}

/// Converts between the engine's job id and a GUID (same 16 bytes, fields in GUID order).
pub(crate) fn guid_of(id: JobId) -> GUID {
    let (d1, d2, d3, d4) = id.0.as_fields();
    GUID { Data1: d1, Data2: d2, Data3: d3, Data4: *d4 }
}

pub(crate) fn job_id_of(g: &GUID) -> JobId {
    JobId(uuid::Uuid::from_fields(g.Data1, g.Data2, g.Data3, &g.Data4))
}

static MANAGER_VTBL: IBackgroundCopyManagerVtbl = IBackgroundCopyManagerVtbl {
    QueryInterface: Some(com::query_interface::<ManagerObject, FACE_MANAGER, IBackgroundCopyManager>),
    AddRef: Some(com::add_ref::<ManagerObject, FACE_MANAGER, IBackgroundCopyManager>),
    Release: Some(com::release::<ManagerObject, FACE_MANAGER, IBackgroundCopyManager>),
    CreateJob: Some(CreateJob),
    GetJob: Some(GetJob),
    EnumJobs: Some(EnumJobs),
    GetErrorDescription: Some(GetErrorDescription),
};

/// IBackgroundCopyManager::CreateJob.
extern "C" fn CreateJob(
    This: *mut IBackgroundCopyManager,
    DisplayName: LPCWSTR,
    Type: BG_JOB_TYPE,
    pJobId: *mut GUID,
    ppJob: *mut *mut IBackgroundCopyJob,
) -> HRESULT {
    crate::com_call!({
        clear_out(ppJob);
        let mgr = this(This)?;
        let out_job = out_ptr(ppJob, E_INVALIDARG)?;
        let out_id = out_ptr(pJobId, E_INVALIDARG)?;
        let name = read_str(DisplayName, MAX_DISPLAY_NAME)?;
        let job_type = JobType::from_raw(Type).ok_or(E_INVALIDARG)?;
        let job = mgr.client.create_job(name, job_type, mgr.flavor == ManagerFlavor::DeliveryOptimization)?;
        out_id.write(guid_of(job.id()));
        let obj = job_object(job, mgr.flavor);
        out_job.write(obj.into_face(JobObject::FACE_JOB) as *mut IBackgroundCopyJob);
        Ok(S_OK)
    })
}

/// IBackgroundCopyManager::GetJob.
extern "C" fn GetJob(
    This: *mut IBackgroundCopyManager,
    jobID: REFGUID,
    ppJob: *mut *mut IBackgroundCopyJob,
) -> HRESULT {
    crate::com_call!({
        clear_out(ppJob);
        let mgr = this(This)?;
        let out_job = out_ptr(ppJob, E_INVALIDARG)?;
        let id = read_in(jobID, E_INVALIDARG)?;
        // Another user's job: E_ACCESSDENIED (unless the caller is an administrator).
        let job = mgr.client.get_job(job_id_of(&id))?;
        let obj = job_object(job, mgr.flavor);
        out_job.write(obj.into_face(JobObject::FACE_JOB) as *mut IBackgroundCopyJob);
        Ok(S_OK)
    })
}

/// IBackgroundCopyManager::EnumJobs.
extern "C" fn EnumJobs(
    This: *mut IBackgroundCopyManager,
    dwFlags: DWORD,
    ppEnum: *mut *mut IEnumBackgroundCopyJobs,
) -> HRESULT {
    crate::com_call!({
        clear_out(ppEnum);
        let mgr = this(This)?;
        let out = out_ptr(ppEnum, E_INVALIDARG)?;
        if dwFlags & !BG_JOB_ENUM_ALL_USERS != 0 {
            return Err(E_INVALIDARG);
        }
        // Everyone's jobs need administrator rights: E_ACCESSDENIED otherwise.
        let all_users = dwFlags & BG_JOB_ENUM_ALL_USERS != 0;
        let items: Vec<ComRef<JobObject>> =
            mgr.client.jobs(all_users)?.into_iter().map(|j| job_object(j, mgr.flavor)).collect();
        out.write(EnumObject::jobs(items) as *mut IEnumBackgroundCopyJobs);
        Ok(S_OK)
    })
}

/// Whether message text exists for a LANGID: neutral, and every English sublanguage.
pub(crate) fn language_supported(lang: DWORD) -> bool {
    lang == LANG_NEUTRAL as DWORD || (lang & 0x3FF) == LANG_ENGLISH as DWORD
}

/// Text for an HRESULT in a language, as the GetErrorDescription methods return it.
pub(crate) fn describe(hr: HRESULT, lang: DWORD) -> Result<String, HRESULT> {
    if !language_supported(lang) {
        return Err(hresult_from_win32(ERROR_RESOURCE_LANG_NOT_FOUND));
    }
    crate::abi::messages::message_owned(hr).ok_or(hresult_from_win32(ERROR_MR_MID_NOT_FOUND))
}

/// IBackgroundCopyManager::GetErrorDescription.
extern "C" fn GetErrorDescription(
    This: *mut IBackgroundCopyManager,
    hResult: HRESULT,
    LanguageId: DWORD,
    pErrorDescription: *mut LPWSTR,
) -> HRESULT {
    crate::com_call!({
        clear_out(pErrorDescription);
        this(This)?;
        let out = out_ptr(pErrorDescription, E_INVALIDARG)?;
        let text = describe(hResult, LanguageId)?;
        out.write_str(&text)?;
        Ok(S_OK)
    })
}

// ---- IBitsPeerCacheAdministration: peer caching (deprecated since BITS 4.0) does not exist on
// Linux; every method reports BG_E_PEERCACHING_DISABLED. ----

type Pca = IBitsPeerCacheAdministration;

static PEER_CACHE_VTBL: IBitsPeerCacheAdministrationVtbl = IBitsPeerCacheAdministrationVtbl {
    QueryInterface: Some(com::query_interface::<ManagerObject, FACE_PEER_CACHE, Pca>),
    AddRef: Some(com::add_ref::<ManagerObject, FACE_PEER_CACHE, Pca>),
    Release: Some(com::release::<ManagerObject, FACE_PEER_CACHE, Pca>),
    GetMaximumCacheSize: Some(PcaGetMaximumCacheSize),
    SetMaximumCacheSize: Some(PcaSetMaximumCacheSize),
    GetMaximumContentAge: Some(PcaGetMaximumContentAge),
    SetMaximumContentAge: Some(PcaSetMaximumContentAge),
    GetConfigurationFlags: Some(PcaGetConfigurationFlags),
    SetConfigurationFlags: Some(PcaSetConfigurationFlags),
    EnumRecords: Some(PcaEnumRecords),
    GetRecord: Some(PcaGetRecord),
    ClearRecords: Some(PcaClearRecords),
    DeleteRecord: Some(PcaDeleteRecord),
    DeleteUrl: Some(PcaDeleteUrl),
    EnumPeers: Some(PcaEnumPeers),
    ClearPeers: Some(PcaClearPeers),
    DiscoverPeers: Some(PcaDiscoverPeers),
};

// Peer caching (deprecated since BITS 4.0) does not exist on Linux.
fixed_slots! {
    PcaGetMaximumCacheSize(This: *mut Pca, pBytes: *mut DWORD) => BG_E_PEERCACHING_DISABLED;
    PcaSetMaximumCacheSize(This: *mut Pca, Bytes: DWORD) => BG_E_PEERCACHING_DISABLED;
    PcaGetMaximumContentAge(This: *mut Pca, pSeconds: *mut ULONG) => BG_E_PEERCACHING_DISABLED;
    PcaSetMaximumContentAge(This: *mut Pca, Seconds: ULONG) => BG_E_PEERCACHING_DISABLED;
    PcaGetConfigurationFlags(This: *mut Pca, pFlags: *mut DWORD) => BG_E_PEERCACHING_DISABLED;
    PcaSetConfigurationFlags(This: *mut Pca, Flags: DWORD) => BG_E_PEERCACHING_DISABLED;
    PcaEnumRecords(This: *mut Pca, ppEnum: *mut *mut IEnumBitsPeerCacheRecords) => BG_E_PEERCACHING_DISABLED, clear(ppEnum);
    PcaGetRecord(This: *mut Pca, id: REFGUID, ppRecord: *mut *mut IBitsPeerCacheRecord) => BG_E_PEERCACHING_DISABLED, clear(ppRecord);
    PcaClearRecords(This: *mut Pca) => BG_E_PEERCACHING_DISABLED;
    PcaDeleteRecord(This: *mut Pca, id: REFGUID) => BG_E_PEERCACHING_DISABLED;
    PcaDeleteUrl(This: *mut Pca, url: LPCWSTR) => BG_E_PEERCACHING_DISABLED;
    PcaEnumPeers(This: *mut Pca, ppEnum: *mut *mut IEnumBitsPeers) => BG_E_PEERCACHING_DISABLED, clear(ppEnum);
    PcaClearPeers(This: *mut Pca) => BG_E_PEERCACHING_DISABLED;
    PcaDiscoverPeers(This: *mut Pca) => BG_E_PEERCACHING_DISABLED;
}

// ---- IDOManager (CLSID_DeliveryOptimization) ----

static DO_MANAGER_VTBL: IDOManagerVtbl = IDOManagerVtbl {
    QueryInterface: Some(com::query_interface::<ManagerObject, FACE_DO_MANAGER, IDOManager>),
    AddRef: Some(com::add_ref::<ManagerObject, FACE_DO_MANAGER, IDOManager>),
    Release: Some(com::release::<ManagerObject, FACE_DO_MANAGER, IDOManager>),
    CreateDownload: Some(CreateDownload),
    EnumDownloads: Some(EnumDownloads),
};

fn do_this<'a>(p: *mut IDOManager) -> Result<&'a ManagerObject, HRESULT> {
    ComObject::<ManagerObject>::from_face(p as *mut c_void, FACE_DO_MANAGER).map(|o| o.value())
}

/// IDOManager::CreateDownload.
extern "C" fn CreateDownload(This: *mut IDOManager, download: *mut *mut IDODownload) -> HRESULT {
    crate::com_call!({
        if download.is_null() {
            return Err(E_POINTER);
        }
        clear_out(download);
        let mgr = do_this(This)?;
        let out = out_ptr(download, E_POINTER)?;
        let job = mgr.client.create_download()?;
        let obj = super::download::download_object(job);
        out.write(obj.into_face(super::download::FACE_DOWNLOAD) as *mut IDODownload);
        Ok(S_OK)
    })
}

/// Longest EnumDownloads filter value, in UTF-16 units (a URL's limit).
const MAX_FILTER: usize = 8192;

/// IDOManager::EnumDownloads.
extern "C" fn EnumDownloads(
    This: *mut IDOManager,
    category: *const DO_DOWNLOAD_ENUM_CATEGORY,
    ppEnum: *mut *mut IEnumUnknown,
) -> HRESULT {
    crate::com_call!({
        if ppEnum.is_null() {
            return Err(E_POINTER);
        }
        clear_out(ppEnum);
        let mgr = do_this(This)?;
        let out = out_ptr(ppEnum, E_POINTER)?;
        let filter = if category.is_null() {
            None
        } else {
            let c = read_in(category, E_POINTER)?;
            let prop = crate::engine::dodl::DoProp::from_raw(c.Property).ok_or(E_INVALIDARG)?;
            use crate::engine::dodl::DoProp as P;
            if !matches!(prop, P::Id | P::Uri | P::ContentId | P::DisplayName | P::LocalPath) {
                return Err(E_INVALIDARG);
            }
            if c.Value.is_null() {
                return Err(E_INVALIDARG);
            }
            Some((prop, read_str(c.Value, MAX_FILTER)?))
        };
        let items: Vec<_> = mgr
            .client
            .downloads()
            .map_err(super::download::de)?
            .into_iter()
            .filter(|j| match &filter {
                None => true,
                Some((prop, want)) => match j.do_get(*prop) {
                    Ok(Ok(crate::engine::dodl::DoValue::Str(have))) if *prop == crate::engine::dodl::DoProp::Id => have
                        .trim_matches(|c| c == '{' || c == '}')
                        .eq_ignore_ascii_case(want.trim_matches(|c| c == '{' || c == '}')),
                    Ok(Ok(crate::engine::dodl::DoValue::Str(have))) => have == *want,
                    _ => false,
                },
            })
            .map(super::download::download_object)
            .collect();
        out.write(EnumObject::unknowns(items) as *mut IEnumUnknown);
        Ok(S_OK)
    })
}
