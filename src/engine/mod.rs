//! The transfer engine: plain safe Rust, no FFI types and no raw pointers.
//!
//! One process-wide [`Engine`] (started on first use) owns every job. A BITS job and a DO download
//! are the same engine object seen through two interface families.

pub mod error;
pub mod job;
pub mod time;

use std::collections::HashMap;
use std::sync::Arc;

use once_cell::sync::Lazy;
use parking_lot::Mutex;

pub use error::{EngineError, EngineResult};
pub use job::*;
pub use time::FileTime;

/// Group-policy style quotas (`spec/bits-core.md` §12). Administrators (root) are exempt from
/// the per-user and per-job ones, as on Windows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub max_jobs_per_user: usize,
    pub max_jobs_per_machine: usize,
    pub max_files_per_job: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_jobs_per_user: 60,
            max_jobs_per_machine: 300,
            max_files_per_job: 200,
        }
    }
}

impl Limits {
    /// Defaults, overridden by `DELIVERYOPT_MAX_JOBS_PER_USER`, `DELIVERYOPT_MAX_JOBS_PER_MACHINE`
    /// and `DELIVERYOPT_MAX_FILES_PER_JOB` (the Linux stand-in for the Group Policy settings).
    pub fn from_env() -> Limits {
        fn var(name: &str, default: usize) -> usize {
            std::env::var(name)
                .ok()
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(default)
        }
        let d = Limits::default();
        Limits {
            max_jobs_per_user: var("DELIVERYOPT_MAX_JOBS_PER_USER", d.max_jobs_per_user),
            max_jobs_per_machine: var("DELIVERYOPT_MAX_JOBS_PER_MACHINE", d.max_jobs_per_machine),
            max_files_per_job: var("DELIVERYOPT_MAX_FILES_PER_JOB", d.max_files_per_job),
        }
    }
}

/// The job table and everything that acts on more than one job.
pub struct Engine {
    limits: Limits,
    /// Jobs that are not final. Final jobs leave the table (GetJob gives NotFound, EnumJobs skips
    /// them) but live on while callers hold them.
    jobs: Mutex<HashMap<JobId, Arc<Job>>>,
}

static GLOBAL: Lazy<Arc<Engine>> = Lazy::new(|| Arc::new(Engine::new(Limits::from_env())));

impl Engine {
    /// A private engine (tests).
    pub fn new(limits: Limits) -> Engine {
        Engine {
            limits,
            jobs: Mutex::new(HashMap::new()),
        }
    }

    /// The process-wide engine, created on first use.
    pub fn global() -> Arc<Engine> {
        GLOBAL.clone()
    }

    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// Creates a SUSPENDED job. The display name may be empty but must fit 256 UTF-16 units.
    /// Upload jobs are refused for now (`NotImplemented`).
    pub fn create_job(
        &self,
        display_name: String,
        job_type: JobType,
        owner: Owner,
    ) -> EngineResult<Arc<Job>> {
        if display_name.encode_utf16().count() > MAX_DISPLAY_NAME {
            return Err(EngineError::InvalidArgument(
                "display name longer than 256 characters",
            ));
        }
        if job_type != JobType::Download {
            return Err(EngineError::NotImplemented("upload jobs"));
        }
        let mut jobs = self.jobs.lock();
        if !owner.is_admin() {
            if jobs.len() >= self.limits.max_jobs_per_machine {
                return Err(EngineError::TooManyJobsPerMachine);
            }
            let mine = jobs.values().filter(|j| j.owner() == owner).count();
            if mine >= self.limits.max_jobs_per_user {
                return Err(EngineError::TooManyJobsPerUser);
            }
        }
        let job = Arc::new(Job::new(JobId::new_random(), job_type, display_name, owner));
        jobs.insert(job.id(), job.clone());
        Ok(job)
    }

    /// The job with this id, unless it does not exist or is final.
    pub fn get_job(&self, id: JobId) -> EngineResult<Arc<Job>> {
        self.jobs
            .lock()
            .get(&id)
            .cloned()
            .ok_or(EngineError::NotFound)
    }

    /// Every non-final job of `owner` (or of every user when `owner` is `None`), oldest first.
    pub fn jobs(&self, owner: Option<Owner>) -> Vec<Arc<Job>> {
        let mut v: Vec<Arc<Job>> = self
            .jobs
            .lock()
            .values()
            .filter(|j| owner.is_none_or(|o| j.owner() == o))
            .cloned()
            .collect();
        v.sort_by_key(|j| (j.times().created, j.id()));
        v
    }

    pub fn resume(&self, job: &Job) -> EngineResult<()> {
        job.resume()
    }

    pub fn suspend(&self, job: &Job) -> EngineResult<()> {
        job.suspend()
    }

    /// Cancels the job and drops it from the table. The previous notify target is returned so the
    /// caller releases it outside every engine lock.
    pub fn cancel(&self, job: &Job) -> EngineResult<Option<Arc<dyn NotifyTarget>>> {
        let target = job.cancel()?;
        self.jobs.lock().remove(&job.id());
        Ok(target)
    }

    /// Completes (acknowledges) the job and drops it from the table.
    pub fn complete(&self, job: &Job) -> EngineResult<Option<Arc<dyn NotifyTarget>>> {
        let target = job.complete()?;
        self.jobs.lock().remove(&job.id());
        Ok(target)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ME: Owner = Owner { uid: 1000 };

    fn engine() -> Engine {
        Engine::new(Limits {
            max_jobs_per_user: 3,
            max_jobs_per_machine: 5,
            max_files_per_job: 200,
        })
    }

    #[test]
    fn new_job_has_the_documented_defaults() {
        let e = engine();
        let j = e.create_job("name".into(), JobType::Download, ME).unwrap();
        assert_eq!(j.state(), JobState::Suspended);
        assert_eq!(j.priority(), Priority::Normal);
        assert_eq!(j.notify_flags(), 0x3);
        assert_eq!(j.min_retry_delay(), 600);
        assert_eq!(j.no_progress_timeout(), 1_209_600);
        assert_eq!(j.error_count(), 0);
        assert_eq!(j.description(), "");
        assert_eq!(j.progress(), JobProgress::default());
        assert_eq!(
            j.proxy_settings(),
            ProxySettings {
                usage: ProxyUsage::Preconfig,
                list: None,
                bypass: None
            }
        );
        let t = j.times();
        assert_eq!(t.created, t.modified);
        assert_eq!(t.transfer_completed, FileTime(0));
        assert!(j.notify_target().is_none());
    }

    #[test]
    fn quotas_apply_to_users_not_to_root() {
        let e = engine();
        for i in 0..3 {
            e.create_job(format!("j{i}"), JobType::Download, ME)
                .unwrap();
        }
        assert_eq!(
            e.create_job("x".into(), JobType::Download, ME).unwrap_err(),
            EngineError::TooManyJobsPerUser
        );
        let other = Owner { uid: 1001 };
        e.create_job("o1".into(), JobType::Download, other).unwrap();
        e.create_job("o2".into(), JobType::Download, other).unwrap();
        assert_eq!(
            e.create_job("o3".into(), JobType::Download, other)
                .unwrap_err(),
            EngineError::TooManyJobsPerMachine
        );
        e.create_job("root".into(), JobType::Download, Owner { uid: 0 })
            .unwrap();
        assert_eq!(e.jobs(Some(ME)).len(), 3);
        assert_eq!(e.jobs(None).len(), 6);
    }

    #[test]
    fn final_jobs_leave_the_table_and_refuse_changes() {
        let e = engine();
        let j = e.create_job("a".into(), JobType::Download, ME).unwrap();
        assert!(e.get_job(j.id()).is_ok());
        e.cancel(&j).unwrap();
        assert_eq!(j.state(), JobState::Cancelled);
        assert_eq!(e.get_job(j.id()).unwrap_err(), EngineError::NotFound);
        assert!(e.jobs(None).is_empty());
        assert_eq!(e.cancel(&j).unwrap_err(), EngineError::InvalidState);
        assert_eq!(
            j.set_display_name("b".into()).unwrap_err(),
            EngineError::InvalidState
        );
        assert_eq!(j.display_name(), "a");
        let k = e.create_job("k".into(), JobType::Download, ME).unwrap();
        e.complete(&k).unwrap();
        assert_eq!(k.state(), JobState::Acknowledged);
        assert_eq!(e.complete(&k).unwrap_err(), EngineError::InvalidState);
    }

    #[test]
    fn resume_of_empty_job_fails_and_state_stays() {
        let e = engine();
        let j = e.create_job("a".into(), JobType::Download, ME).unwrap();
        assert_eq!(e.resume(&j).unwrap_err(), EngineError::Empty);
        assert_eq!(j.state(), JobState::Suspended);
        e.suspend(&j).unwrap();
        assert_eq!(j.state(), JobState::Suspended);
    }

    #[test]
    fn setters_validate_and_change_nothing_on_error() {
        let e = engine();
        let j = e.create_job("a".into(), JobType::Download, ME).unwrap();
        assert_eq!(
            j.set_display_name("x".repeat(257)).unwrap_err(),
            EngineError::StringTooLong
        );
        j.set_display_name("y".repeat(256)).unwrap();
        assert_eq!(
            j.set_description("d".repeat(1025)).unwrap_err(),
            EngineError::StringTooLong
        );
        assert_eq!(j.description(), "");
        assert!(matches!(
            j.set_notify_flags(0x40).unwrap_err(),
            EngineError::Unsupported(_)
        ));
        assert_eq!(j.notify_flags(), 3);
        j.set_notify_flags(0x3F).unwrap();
        j.set_min_retry_delay(1).unwrap();
        assert_eq!(j.min_retry_delay(), 5);
        j.set_no_progress_timeout(0).unwrap();
        assert_eq!(j.no_progress_timeout(), 0);
        let bad = ProxySettings {
            usage: ProxyUsage::Override,
            list: None,
            bypass: None,
        };
        assert!(matches!(
            j.set_proxy_settings(bad).unwrap_err(),
            EngineError::InvalidArgument(_)
        ));
        let bad = ProxySettings {
            usage: ProxyUsage::NoProxy,
            list: Some("p".into()),
            bypass: None,
        };
        assert!(matches!(
            j.set_proxy_settings(bad).unwrap_err(),
            EngineError::InvalidArgument(_)
        ));
        let long = ProxySettings {
            usage: ProxyUsage::Override,
            list: Some("p".repeat(4001)),
            bypass: None,
        };
        assert_eq!(
            j.set_proxy_settings(long).unwrap_err(),
            EngineError::ProxyListTooLarge
        );
        let ok = ProxySettings {
            usage: ProxyUsage::Override,
            list: Some("http://p:8080".into()),
            bypass: Some("<local>".into()),
        };
        j.set_proxy_settings(ok.clone()).unwrap();
        assert_eq!(j.proxy_settings(), ok);
        assert!(matches!(
            j.take_ownership(ME).unwrap_err(),
            EngineError::AccessDenied(_)
        ));
        assert_eq!(j.owner(), ME);
    }

    #[test]
    fn upload_jobs_are_not_implemented_yet() {
        let e = engine();
        assert!(matches!(
            e.create_job("u".into(), JobType::Upload, ME).unwrap_err(),
            EngineError::NotImplemented(_)
        ));
        assert!(e.jobs(None).is_empty());
    }

    #[test]
    fn owner_sid_uses_the_unix_user_authority() {
        assert_eq!(Owner { uid: 1000 }.sid(), "S-1-22-1-1000");
    }
}
