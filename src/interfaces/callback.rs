//! The caller's callback object as the engine stores it, and the calls the notifier makes on it.

use std::any::Any;

use super::error::{ErrorObject, FACE_ERROR};
use super::file::{FileObject, FACE_FILE};
use super::job::{job_object, JobObject};
use super::manager::ManagerFlavor;
use crate::abi::bits_types::BG_FILE_RANGE;
use crate::abi::guids::*;
use crate::abi::types::HRESULT;
use crate::com::{callbacks, ComPtr};
use crate::engine::client::{CertSink, JobHandle, NotifySink};
use crate::engine::JobFailure;

/// Which callback interface the caller's object answered, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum CallbackLevel {
    Callback = 1,
    Callback2 = 2,
    Callback3 = 3,
}

/// A registered IBackgroundCopyCallback[2/3]: the interface pointer obtained by QueryInterface
/// (holding its own reference), released when the registration is replaced, removed, or the job
/// ends.
pub struct CallbackTarget {
    callback: ComPtr,
    level: CallbackLevel,
    flavor: ManagerFlavor,
}

impl CallbackTarget {
    /// Asks the caller's object for Callback3, then Callback2, then Callback. E_NOINTERFACE (or
    /// the object's own QueryInterface failure) when it answers none of them.
    pub fn new(unknown: &ComPtr, flavor: ManagerFlavor) -> Result<CallbackTarget, HRESULT> {
        let tries = [
            (&IID_IBackgroundCopyCallback3, CallbackLevel::Callback3),
            (&IID_IBackgroundCopyCallback2, CallbackLevel::Callback2),
            (&IID_IBackgroundCopyCallback, CallbackLevel::Callback),
        ];
        let mut last = crate::abi::hresult::E_NOINTERFACE;
        for (iid, level) in tries {
            match unknown.query(iid) {
                Ok(callback) => return Ok(CallbackTarget { callback, level, flavor }),
                Err(hr) => last = hr,
            }
        }
        Err(last)
    }

    /// The registered interface pointer (what GetNotifyInterface returns).
    pub fn unknown(&self) -> &ComPtr {
        &self.callback
    }

    pub fn level(&self) -> CallbackLevel {
        self.level
    }

    /// Our job object for the call; it is released when the call returns.
    fn job(&self, job: &JobHandle) -> crate::com::ComRef<JobObject> {
        job_object(job.clone(), self.flavor)
    }
}

fn result(hr: HRESULT) -> Result<(), i32> {
    if hr < 0 {
        Err(hr)
    } else {
        Ok(())
    }
}

impl NotifySink for CallbackTarget {
    fn as_any(&self) -> &dyn Any {
        self
    }

    fn job_transferred(&self, job: &JobHandle) -> Result<(), i32> {
        let j = self.job(job);
        result(callbacks::job_transferred(&self.callback, j.object().face_ptr(JobObject::FACE_JOB)))
    }

    fn job_error(&self, job: &JobHandle, failure: &JobFailure) -> Result<(), i32> {
        let j = self.job(job);
        let e = ErrorObject::create(job.clone(), failure.clone());
        result(callbacks::job_error(
            &self.callback,
            j.object().face_ptr(JobObject::FACE_JOB),
            e.object().face_ptr(FACE_ERROR),
        ))
    }

    fn job_modification(&self, job: &JobHandle) -> Result<(), i32> {
        let j = self.job(job);
        result(callbacks::job_modification(&self.callback, j.object().face_ptr(JobObject::FACE_JOB), 0))
    }

    fn file_ranges_transferred(&self, job: &JobHandle, file: usize, ranges: &[(u64, u64)]) -> Result<(), i32> {
        if self.level < CallbackLevel::Callback3 {
            return Ok(());
        }
        let j = self.job(job);
        let f = FileObject::create(job.clone(), file);
        let ranges: Vec<BG_FILE_RANGE> =
            ranges.iter().map(|&(o, l)| BG_FILE_RANGE { InitialOffset: o, Length: l }).collect();
        result(callbacks::file_ranges_transferred(
            &self.callback,
            j.object().face_ptr(JobObject::FACE_JOB),
            f.object().face_ptr(FACE_FILE),
            &ranges,
        ))
    }

    fn file_transferred(&self, job: &JobHandle, file: usize) -> Result<(), i32> {
        if self.level < CallbackLevel::Callback2 {
            return Ok(());
        }
        let j = self.job(job);
        let f = FileObject::create(job.clone(), file);
        result(callbacks::file_transferred(
            &self.callback,
            j.object().face_ptr(JobObject::FACE_JOB),
            f.object().face_ptr(FACE_FILE),
        ))
    }
}

/// `X509_ASN_ENCODING | PKCS_7_ASN_ENCODING`: how the certificate handed to
/// ValidateServerCertificate is encoded (DER).
pub const CERT_ENCODING: u32 = 0x0000_0001 | 0x0001_0000;

/// A chain as a serialized certificate store, the form `CertSaveStore(CERT_STORE_SAVE_AS_STORE)`
/// writes and `CertOpenStore(CERT_STORE_PROV_SERIALIZED)` reads: the header `00000000 "CERT"`,
/// each certificate as an element (property id 32, `CERT_CERT_PROP_ID`; 1; length, little-endian;
/// then its DER), and an end element of twelve zero bytes.
pub fn serialized_cert_store(chain: &[&[u8]]) -> Vec<u8> {
    const CERT_CERT_PROP_ID: u32 = 32;
    let mut out = Vec::with_capacity(20 + chain.iter().map(|c| c.len() + 12).sum::<usize>());
    out.extend_from_slice(&[0, 0, 0, 0]);
    out.extend_from_slice(b"CERT");
    for cert in chain {
        out.extend_from_slice(&CERT_CERT_PROP_ID.to_le_bytes());
        out.extend_from_slice(&1u32.to_le_bytes());
        out.extend_from_slice(&(cert.len() as u32).to_le_bytes());
        out.extend_from_slice(cert);
    }
    out.extend_from_slice(&[0; 12]);
    out
}

/// A registered IBackgroundCopyServerCertificateValidationCallback: the interface pointer
/// obtained by QueryInterface (holding its own reference), released once when the registration
/// is replaced or removed, or the job ends.
pub struct CertValidatorTarget {
    callback: ComPtr,
    flavor: ManagerFlavor,
}

impl CertValidatorTarget {
    /// Asks the caller's object for IBackgroundCopyServerCertificateValidationCallback
    /// (E_NOINTERFACE, or the object's own QueryInterface failure, when it has none).
    pub fn new(unknown: &ComPtr, flavor: ManagerFlavor) -> Result<CertValidatorTarget, HRESULT> {
        let callback = unknown.query(&IID_IBackgroundCopyServerCertificateValidationCallback)?;
        Ok(CertValidatorTarget { callback, flavor })
    }
}

impl CertSink for CertValidatorTarget {
    fn validate(&self, job: &JobHandle, file: usize, leaf: &[u8], chain: &[&[u8]]) -> Result<(), i32> {
        let j = job_object(job.clone(), self.flavor);
        let f = FileObject::create(job.clone(), file);
        let store = serialized_cert_store(chain);
        let hr = callbacks::validate_server_certificate(
            &self.callback,
            j.object().face_ptr(JobObject::FACE_JOB),
            f.object().face_ptr(FACE_FILE),
            leaf,
            CERT_ENCODING,
            &store,
        );
        // S_OK accepts; anything else (S_FALSE included) refuses, as BITS documents.
        if hr == crate::abi::hresult::S_OK {
            Ok(())
        } else {
            Err(hr)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_serialized_store_holds_each_certificate_as_an_element() {
        let s = serialized_cert_store(&[b"ab", b"xyz"]);
        let mut want = vec![0, 0, 0, 0, b'C', b'E', b'R', b'T'];
        want.extend_from_slice(&[32, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, b'a', b'b']);
        want.extend_from_slice(&[32, 0, 0, 0, 1, 0, 0, 0, 3, 0, 0, 0, b'x', b'y', b'z']);
        want.extend_from_slice(&[0; 12]);
        assert_eq!(s, want);
    }
}
