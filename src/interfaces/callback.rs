//! The caller's callback object as the engine stores it, and the calls the notifier makes on it.

use std::any::Any;
use std::sync::Arc;

use super::error::{ErrorObject, FACE_ERROR};
use super::file::{FileObject, FACE_FILE};
use super::job::{job_object, JobObject};
use super::manager::ManagerFlavor;
use crate::abi::bits_types::BG_FILE_RANGE;
use crate::abi::guids::*;
use crate::abi::types::HRESULT;
use crate::com::{callbacks, ComPtr};
use crate::engine::{Engine, Job, JobFailure, NotifyTarget};

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
    engine: Arc<Engine>,
    flavor: ManagerFlavor,
}

impl CallbackTarget {
    /// Asks the caller's object for Callback3, then Callback2, then Callback. E_NOINTERFACE (or
    /// the object's own QueryInterface failure) when it answers none of them.
    pub fn new(unknown: &ComPtr, engine: Arc<Engine>, flavor: ManagerFlavor) -> Result<CallbackTarget, HRESULT> {
        let tries = [
            (&IID_IBackgroundCopyCallback3, CallbackLevel::Callback3),
            (&IID_IBackgroundCopyCallback2, CallbackLevel::Callback2),
            (&IID_IBackgroundCopyCallback, CallbackLevel::Callback),
        ];
        let mut last = crate::abi::hresult::E_NOINTERFACE;
        for (iid, level) in tries {
            match unknown.query(iid) {
                Ok(callback) => return Ok(CallbackTarget { callback, level, engine, flavor }),
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
    fn job(&self, job: &Arc<Job>) -> crate::com::ComRef<JobObject> {
        job_object(&self.engine, job.clone(), self.flavor)
    }
}

fn result(hr: HRESULT) -> Result<(), i32> {
    if hr < 0 {
        Err(hr)
    } else {
        Ok(())
    }
}

impl NotifyTarget for CallbackTarget {
    fn as_any(&self) -> &dyn Any {
        self
    }

    fn job_transferred(&self, job: &Arc<Job>) -> Result<(), i32> {
        let j = self.job(job);
        result(callbacks::job_transferred(&self.callback, j.object().face_ptr(JobObject::FACE_JOB)))
    }

    fn job_error(&self, job: &Arc<Job>, failure: &JobFailure) -> Result<(), i32> {
        let j = self.job(job);
        let e = ErrorObject::create(job.clone(), failure.clone());
        result(callbacks::job_error(
            &self.callback,
            j.object().face_ptr(JobObject::FACE_JOB),
            e.object().face_ptr(FACE_ERROR),
        ))
    }

    fn job_modification(&self, job: &Arc<Job>) -> Result<(), i32> {
        let j = self.job(job);
        result(callbacks::job_modification(&self.callback, j.object().face_ptr(JobObject::FACE_JOB), 0))
    }

    fn file_ranges_transferred(&self, job: &Arc<Job>, file: usize, ranges: &[(u64, u64)]) -> Result<(), i32> {
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

    fn file_transferred(&self, job: &Arc<Job>, file: usize) -> Result<(), i32> {
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
