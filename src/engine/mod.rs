//! The transfer engine: plain safe Rust, no FFI types and no raw pointers.
//!
//! One process-wide [`Engine`] (started on first use) owns every job. A BITS job and a DO download
//! are the same engine object seen through two interface families.

pub mod certs;
pub mod client;
pub mod cmdline;
pub mod dodl;
pub mod error;
pub mod file;
#[doc(hidden)]
pub mod fuzzing;
pub mod http;
pub mod job;
pub mod log;
pub mod notify;
mod ondemand;
pub mod proxy_auth;
pub mod rate;
pub mod remote;
pub mod rpc;
pub mod scheduler;
mod segment;
pub mod service;
pub mod store;
pub mod tcp;
pub mod time;
pub mod tls;
pub mod upload;
pub mod wire;
mod worker;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use once_cell::sync::Lazy;
use parking_lot::Mutex;

pub use cmdline::NotifyCmdLine;
pub use error::{EngineError, EngineResult};
pub use file::{FileEntry, LocalError, Remote, Validators};
pub use http::{FetchError, NetConfig, RedirectPolicy};
pub use job::*;
pub use notify::Event;
pub use scheduler::SchedConfig;
pub use store::{StoreConfig, StoreError};
pub use time::FileTime;

use http::HttpClient;
use notify::Notifier;
use scheduler::Scheduler;

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
        Limits { max_jobs_per_user: 60, max_jobs_per_machine: 300, max_files_per_job: 200 }
    }
}

impl Limits {
    /// Defaults, overridden by `DELIVERYOPT_MAX_JOBS_PER_USER`, `DELIVERYOPT_MAX_JOBS_PER_MACHINE`
    /// and `DELIVERYOPT_MAX_FILES_PER_JOB` (the Linux stand-in for the Group Policy settings).
    pub fn from_env() -> Limits {
        fn var(name: &str, default: usize) -> usize {
            std::env::var(name).ok().and_then(|v| v.trim().parse().ok()).unwrap_or(default)
        }
        let d = Limits::default();
        Limits {
            max_jobs_per_user: var("DELIVERYOPT_MAX_JOBS_PER_USER", d.max_jobs_per_user),
            max_jobs_per_machine: var("DELIVERYOPT_MAX_JOBS_PER_MACHINE", d.max_jobs_per_machine),
            max_files_per_job: var("DELIVERYOPT_MAX_FILES_PER_JOB", d.max_files_per_job),
        }
    }
}

/// Everything an engine is configured with.
#[derive(Debug, Clone, Default)]
pub struct Config {
    pub limits: Limits,
    pub net: NetConfig,
    pub sched: SchedConfig,
    /// Where jobs are kept across processes; `None` keeps them in memory only.
    pub store: Option<StoreConfig>,
}

impl Config {
    /// Settings from the environment, with the store in `state_dir` (or its default place).
    pub fn from_env(state_dir: Option<PathBuf>) -> Config {
        Config {
            limits: Limits::from_env(),
            net: NetConfig::from_env(),
            sched: SchedConfig::from_env(),
            store: Some(StoreConfig::from_env(state_dir)),
        }
    }
}

/// BITS cancels jobs not modified for this long (the JobInactivityTimeout policy, 90 days).
pub const INACTIVITY_LIMIT_TICKS: u64 = 90 * 24 * 3600 * 10_000_000;

/// The job table, the transfer machinery, and everything that acts on more than one job.
pub struct Engine {
    limits: Limits,
    /// Jobs that are not final. Final jobs leave the table (GetJob gives NotFound, EnumJobs skips
    /// them) but live on while callers hold them.
    jobs: Mutex<HashMap<JobId, Arc<Job>>>,
    /// Non-final jobs per owner (uid), kept with `jobs` (locked after it) for O(1) quotas.
    per_owner: Mutex<HashMap<u32, usize>>,
    pub(crate) http: Arc<HttpClient>,
    pub(crate) scheduler: Scheduler,
    pub(crate) notifier: Notifier,
    store: Option<Arc<store::Store>>,
    /// Files of one job fetched at once.
    pub(crate) connections_per_job: usize,
    /// MaximumDownloadTime deadlines of jobs that started transferring, earliest first, with the
    /// download epoch each was armed for; one timer task fires them (`deadline_loop`). Locked
    /// without a job's lock held.
    deadlines: Mutex<Deadlines>,
    /// Wakes the timer task when an earlier deadline is armed.
    deadline_wake: Arc<tokio::sync::Notify>,
}

/// Armed MaximumDownloadTime deadlines: (due, job) -> (download epoch armed for, the job).
type Deadlines = std::collections::BTreeMap<(Instant, JobId), (u64, std::sync::Weak<Job>)>;

/// The process-wide engine once started, and the store directory chosen before that.
static GLOBAL: Lazy<Mutex<Option<Arc<Engine>>>> = Lazy::new(|| Mutex::new(None));
static STATE_DIR: Lazy<Mutex<Option<PathBuf>>> = Lazy::new(|| Mutex::new(None));

/// Why the store directory could not be chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StateDirError {
    /// The engine already started with its store.
    AlreadyStarted,
}

/// A file to add: remote name and absolute local path.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct NewFile {
    pub remote: String,
    pub local: String,
    /// AddFileWithRanges: only these ranges, written back to back.
    pub ranges: Option<Vec<file::FileRange>>,
}

impl Engine {
    /// A new engine with its scheduler and notifier threads; with a store, every job in it is
    /// loaded and transfers that were under way continue. Fails when the store is held by another
    /// process, is of a newer format, or cannot be created.
    pub fn new(config: Config) -> Result<Arc<Engine>, StoreError> {
        let (store, records) = match config.store {
            Some(sc) => {
                let (s, r) = store::Store::open(sc)?;
                (Some(s), r)
            }
            None => (None, Vec::new()),
        };
        let (scheduler, task) = Scheduler::start(config.sched);
        let notifier = Notifier::start(scheduler.handle().clone());
        let engine = Arc::new(Engine {
            limits: config.limits,
            jobs: Mutex::new(HashMap::new()),
            per_owner: Mutex::new(HashMap::new()),
            http: Arc::new(HttpClient::new(&config.net)),
            scheduler,
            notifier,
            store: store.clone(),
            connections_per_job: config.sched.connections_per_job,
            deadlines: Mutex::new(std::collections::BTreeMap::new()),
            deadline_wake: Arc::new(tokio::sync::Notify::new()),
        });
        engine.scheduler.handle().spawn(deadline_loop(Arc::downgrade(&engine)));
        engine.scheduler.handle().spawn(scheduler::handoff_loop(Arc::downgrade(&engine)));
        engine.load(records);
        let weak = Arc::downgrade(&engine);
        std::thread::Builder::new()
            .name("deliveryopt-scheduler".into())
            .spawn(move || task.run(weak))
            .expect("start the scheduler thread");
        engine.scheduler.wake();
        Ok(engine)
    }

    /// Takes over the stored jobs: inactive ones are cancelled, the rest continue.
    fn load(&self, records: Vec<store::JobRecord>) {
        let now = FileTime::now().0;
        let mut jobs = self.jobs.lock();
        for r in records {
            let id = JobId(r.id);
            if now.saturating_sub(r.modified) > INACTIVITY_LIMIT_TICKS {
                tracing::warn!(job = %r.id, "inactive for more than 90 days: cancelled");
                let temps: Vec<PathBuf> = r.files.iter().filter(|f| !f.completed).map(|f| f.temp.clone()).collect();
                if let Some(s) = &self.store {
                    s.delete(id);
                }
                job::delete_files(Owner { uid: r.owner }, &temps);
                continue;
            }
            match Job::from_record(r, self.store.clone()) {
                Some(job) => {
                    let job = Arc::new(job);
                    let owed = {
                        let g = job.lock();
                        job.persist(&g);
                        // A command line owed for an event nobody ran it for fires now, even
                        // though the program that set it is gone.
                        (g.notify_cmd.is_some() && g.cmd_done_seq < g.event_seq).then_some(g.state)
                    };
                    match owed {
                        Some(JobState::Transferred) => self.notifier.post(&job, Event::Transferred),
                        Some(JobState::Error) => self.notifier.post(&job, Event::Error),
                        _ => {}
                    }
                    if job.state() == JobState::Queued {
                        self.scheduler.enqueue(&job);
                    }
                    if !job.is_do() {
                        *self.per_owner.lock().entry(job.owner().uid).or_insert(0) += 1;
                    }
                    jobs.insert(id, job);
                }
                None => {
                    if let Some(s) = &self.store {
                        s.delete(id);
                    }
                }
            }
        }
    }

    /// The process-wide engine, started (and its store loaded) on first use. Fails while the store
    /// is held by another process; a later call tries again.
    pub fn global() -> Result<Arc<Engine>, StoreError> {
        let mut g = GLOBAL.lock();
        if let Some(e) = g.as_ref() {
            return Ok(e.clone());
        }
        let dir = STATE_DIR.lock().clone();
        let engine = Engine::new(Config::from_env(dir))?;
        *g = Some(engine.clone());
        Ok(engine)
    }

    /// Chooses the store directory of the process-wide engine; only before it starts.
    pub fn set_state_dir(dir: PathBuf) -> Result<(), StateDirError> {
        let g = GLOBAL.lock();
        if g.is_some() {
            return Err(StateDirError::AlreadyStarted);
        }
        *STATE_DIR.lock() = Some(dir);
        Ok(())
    }

    /// The store's directory, if the engine has a store.
    pub fn store_dir(&self) -> Option<&std::path::Path> {
        self.store.as_deref().map(|s| s.dir())
    }

    /// Flushes the store to disk now (normally done in the background).
    pub fn flush_store(&self) {
        if let Some(s) = &self.store {
            s.flush();
        }
    }

    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// Creates a SUSPENDED job. The display name may be empty but must fit 256 UTF-16 units.
    pub fn create_job(&self, display_name: String, job_type: JobType, owner: Owner) -> EngineResult<Arc<Job>> {
        self.new_job(display_name, job_type, owner, true)
    }

    /// Creates a job. A BITS job (`bits`) is counted against the quotas and stored at once; a DO
    /// download is neither (the BITS job quotas are BITS policy; it is stored once NonVolatile).
    fn new_job(&self, display_name: String, job_type: JobType, owner: Owner, bits: bool) -> EngineResult<Arc<Job>> {
        if display_name.encode_utf16().count() > MAX_DISPLAY_NAME {
            return Err(EngineError::InvalidArgument("display name longer than 256 characters"));
        }
        let mut jobs = self.jobs.lock();
        if bits && !owner.is_admin() {
            let counts = self.per_owner.lock();
            if counts.values().sum::<usize>() >= self.limits.max_jobs_per_machine {
                return Err(EngineError::TooManyJobsPerMachine);
            }
            if counts.get(&owner.uid).copied().unwrap_or(0) >= self.limits.max_jobs_per_user {
                return Err(EngineError::TooManyJobsPerUser);
            }
        }
        let job = Arc::new(Job::new(JobId::new_random(), job_type, display_name, owner, self.store.clone()));
        tracing::debug!(job = %job.id(), owner = owner.uid, ?job_type, "created");
        if bits {
            job.persist(&job.lock());
            *self.per_owner.lock().entry(owner.uid).or_insert(0) += 1;
        }
        jobs.insert(job.id(), job.clone());
        Ok(job)
    }

    /// The BITS job with this id, unless it does not exist or is final (DO downloads are not
    /// BITS jobs).
    pub fn get_job(&self, id: JobId) -> EngineResult<Arc<Job>> {
        self.jobs.lock().get(&id).filter(|j| !j.is_do()).cloned().ok_or(EngineError::NotFound)
    }

    /// Any non-final job or download with this id (the service resolves a client's ids with it).
    pub fn find_job(&self, id: JobId) -> Option<Arc<Job>> {
        self.jobs.lock().get(&id).cloned()
    }

    /// How many jobs are transferring or queued to (each keeps a thread busy part of the time).
    pub fn transfers_running(&self) -> usize {
        self.scheduler.transfers()
    }

    /// Whether some non-final job is in a state for which `pred` holds.
    pub fn any_job(&self, pred: impl Fn(JobState) -> bool) -> bool {
        let jobs: Vec<Arc<Job>> = self.jobs.lock().values().cloned().collect();
        jobs.iter().any(|j| pred(j.state()))
    }

    /// IBackgroundCopyJob::TakeOwnership: `new_owner` (an administrator) becomes the owner, and
    /// the job moves from its old owner's job count to the new one's. The job table stays locked
    /// meanwhile, so a job ending at the same moment is uncounted from the right owner.
    pub fn take_ownership(&self, job: &Arc<Job>, new_owner: Owner) -> EngineResult<()> {
        let jobs = self.jobs.lock();
        let old = job.owner();
        job.take_ownership(new_owner)?;
        if old != new_owner && jobs.contains_key(&job.id()) {
            let mut counts = self.per_owner.lock();
            if let Some(n) = counts.get_mut(&old.uid) {
                *n = n.saturating_sub(1);
            }
            *counts.entry(new_owner.uid).or_insert(0) += 1;
        }
        Ok(())
    }

    /// How many live jobs `owner` has (what its quota counts).
    pub fn job_count(&self, owner: Owner) -> usize {
        self.per_owner.lock().get(&owner.uid).copied().unwrap_or(0)
    }

    /// Drops a final job from the table and its owner's count.
    fn forget(&self, job: &Job) {
        let armed = job.lock().deadline_at.take();
        if let Some(at) = armed {
            self.deadlines.lock().remove(&(at, job.id()));
        }
        let counted = !job.is_do();
        let mut jobs = self.jobs.lock();
        if jobs.remove(&job.id()).is_some() && counted {
            let mut counts = self.per_owner.lock();
            if let Some(n) = counts.get_mut(&job.owner().uid) {
                *n = n.saturating_sub(1);
            }
        }
    }

    /// Every non-final BITS job of `owner` (or of every user when `owner` is `None`), oldest
    /// first. DO downloads are not listed (see `downloads`).
    pub fn jobs(&self, owner: Option<Owner>) -> Vec<Arc<Job>> {
        let mut v = self.all_jobs(owner);
        v.retain(|j| !j.is_do());
        v
    }

    /// Every non-final job or download of `owner` (or of everyone), oldest first.
    fn all_jobs(&self, owner: Option<Owner>) -> Vec<Arc<Job>> {
        let mut v: Vec<Arc<Job>> =
            self.jobs.lock().values().filter(|j| owner.is_none_or(|o| j.owner() == o)).cloned().collect();
        v.sort_by_key(|j| (j.times().created, j.id()));
        v
    }

    /// Adds files, all or none: every name is checked and every temporary file named (its
    /// directory checked) before the job changes; the files are created when they transfer.
    /// Adding to a TRANSFERRED job makes it SUSPENDED (Resume transfers the new files). Returns
    /// the indexes the files got.
    pub fn add_files(self: &Arc<Self>, job: &Arc<Job>, files: &[NewFile]) -> EngineResult<std::ops::Range<usize>> {
        if job.state().is_final() {
            return Err(EngineError::InvalidState);
        }
        if job.job_type() != JobType::Download {
            return self.add_upload_file(job, files);
        }
        let on_demand = job.settings().on_demand;
        let mut checked = Vec::with_capacity(files.len());
        for f in files {
            let remote = Remote::parse(&f.remote)?;
            let local = file::check_local_name(&f.local)?;
            // On-demand files are fetched by ranges at their own offsets: http(s) only, and not
            // the back-to-back ranges of AddFileWithRanges.
            if on_demand && (f.ranges.is_some() || !matches!(remote, Remote::Http(_))) {
                return Err(EngineError::InvalidArgument("an on-demand job takes whole http(s) files"));
            }
            if let Some(r) = &f.ranges {
                file::check_ranges(r)?;
                // As BITS 3.0 and later refuse ranges of SMB sources.
                if !matches!(remote, Remote::Http(_)) {
                    return Err(EngineError::InvalidArgument("ranges need an http or https URL"));
                }
            }
            checked.push((f.remote.clone(), remote, local, f.ranges.clone()));
        }
        let owner = job.owner();
        if !owner.is_admin() && job.file_count() + files.len() > self.limits.max_files_per_job {
            return Err(EngineError::TooManyFilesInJob);
        }
        let mut entries = Vec::with_capacity(checked.len());
        // Checked as the owner: the directory must be one the owner may write to.
        let as_owner = owner.act().map_err(EngineError::Local)?;
        let mut writable = None;
        for (remote_name, remote, local, ranges) in checked {
            // Only checked and named here: the transfer creates the file.
            let temp = file::choose_temp_checked(&local, &mut writable).map_err(EngineError::Local)?;
            entries.push(FileEntry::new(remote_name, remote, local, temp, ranges));
        }
        drop(as_owner);
        let added = job.modify(|g| {
            if !owner.is_admin() && g.files.len() + entries.len() > self.limits.max_files_per_job {
                return Err(EngineError::TooManyFilesInJob);
            }
            if g.settings.on_demand
                && entries.iter().any(|e| e.ranges.is_some() || !matches!(e.remote, Remote::Http(_)))
            {
                return Err(EngineError::InvalidArgument("an on-demand job takes whole http(s) files"));
            }
            let first = g.files.len();
            g.files.extend(entries);
            if g.state == JobState::Transferred {
                g.state = JobState::Suspended;
                g.times.transfer_completed = FileTime(0);
            }
            Ok(first..g.files.len())
        });
        if added.is_ok() {
            // No scheduling changes: a running transfer picks the new files up itself, and a
            // suspended or queued job is where it was.
            self.notifier.post(job, Event::Modification);
        }
        added
    }

    /// AddFile of an upload or upload-reply job: one file, an http(s) URL, and a source that is a
    /// regular file its owner may read (BG_E_TOO_MANY_FILES for a second file). Nothing is sent
    /// before Resume.
    fn add_upload_file(&self, job: &Arc<Job>, files: &[NewFile]) -> EngineResult<std::ops::Range<usize>> {
        if files.is_empty() {
            return Ok(job.file_count()..job.file_count());
        }
        if files.len() > 1 || job.file_count() > 0 {
            return Err(EngineError::TooManyFiles);
        }
        let f = &files[0];
        let remote = Remote::parse(&f.remote)?;
        if !matches!(remote, Remote::Http(_)) {
            return Err(EngineError::InvalidArgument("an upload needs an http or https URL"));
        }
        if f.ranges.is_some() {
            return Err(EngineError::NotImplemented("ranges of an upload"));
        }
        let local = file::check_local_name(&f.local)?;
        let size = upload::check_source(job.owner(), &local).map_err(EngineError::Local)?;
        let mut entry = FileEntry::new(f.remote.clone(), remote, local, PathBuf::new(), None);
        entry.size = Some(size);
        let added = job.modify(|g| {
            if !g.files.is_empty() {
                return Err(EngineError::TooManyFiles);
            }
            g.files.push(entry);
            Ok(0..1)
        });
        if added.is_ok() {
            self.notifier.post(job, Event::Modification);
        }
        added
    }

    /// Gives files new remote names (File2::SetRemoteName, Job3::ReplaceRemotePrefix): `rename`
    /// returns the new name of the file at an index, or None to leave it. Every new name is checked
    /// before anything changes. Transferred files keep their bytes; the others keep their progress,
    /// which the next request checks against the new server's validators (If-Range), so the file
    /// continues when the content is the same and starts again otherwise. A running transfer of the
    /// job stops and the job goes back to the queue to use the new names. Returns how many files
    /// were renamed.
    pub fn rename_remotes(
        self: &Arc<Self>,
        job: &Arc<Job>,
        rename: impl Fn(usize, &FileEntry) -> Option<String>,
    ) -> EngineResult<usize> {
        if job.job_type() != JobType::Download {
            // As BITS: SetRemoteName and ReplaceRemotePrefix are for download jobs.
            return Err(EngineError::NotImplemented("new remote names for an upload"));
        }
        let (count, restart) = job.modify(|g| {
            let mut changes = Vec::new();
            for (i, f) in g.files.iter().enumerate() {
                if let Some(name) = rename(i, f) {
                    let remote = Remote::parse(&name)?;
                    if g.settings.on_demand && !matches!(remote, Remote::Http(_)) {
                        return Err(EngineError::InvalidArgument("an on-demand job takes http(s) files"));
                    }
                    changes.push((i, name, remote));
                }
            }
            let mut restart = false;
            for (i, name, remote) in &changes {
                let f = &mut g.files[*i];
                restart |= !f.transferred && f.remote != *remote;
                if f.remote != *remote {
                    // Another server may answer ranges again.
                    f.demand.no_ranges = false;
                }
                f.remote_name = name.clone();
                f.remote = remote.clone();
            }
            if restart {
                if let Some(run) = &g.run {
                    run.request_stop(StopReason::Preempt);
                }
            }
            Ok((changes.len(), restart))
        })?;
        if count > 0 {
            self.notifier.post(job, Event::Modification);
        }
        if restart {
            self.scheduler.wake();
        }
        Ok(count)
    }

    /// File3::SetValidationState. TRUE accepts a transferred file. FALSE rejects its content: the
    /// file's bytes and progress go back to 0 (its temporary file is emptied) and the job goes to
    /// ERROR with BG_E_VALIDATION_FAILED, from which Resume fetches the file again.
    /// `EngineError::Pending` when the file is not transferred yet.
    pub fn set_validation_state(self: &Arc<Self>, job: &Arc<Job>, index: usize, valid: bool) -> EngineResult<()> {
        let rejected = job.modify(|g| {
            let f = g.files.get_mut(index).ok_or(EngineError::NotFound)?;
            if !f.transferred {
                return Err(EngineError::Pending);
            }
            f.validated = Some(valid);
            if valid {
                return Ok(None);
            }
            f.transferred = false;
            f.received = 0;
            f.validators = None;
            f.demand.filled.clear();
            f.demand.pieces = false;
            let temp = f.temp.clone();
            if let Some(run) = g.run.take() {
                run.request_stop(StopReason::Caller);
            }
            g.state = JobState::Error;
            g.failure = Some(JobFailure::from_fetch(FetchError::ValidationFailed, Some(index)));
            g.error_count = g.error_count.saturating_add(1);
            g.event_seq += 1;
            g.times.transfer_completed = FileTime(0);
            Ok(Some(temp))
        })?;
        if let Some(temp) = rejected {
            // Emptied so no byte of the rejected content can end up under the final name.
            use std::os::unix::fs::OpenOptionsExt;
            let as_owner = job.owner().act();
            let open = std::fs::OpenOptions::new().write(true).custom_flags(libc::O_NOFOLLOW).open(&temp);
            drop(as_owner);
            if let Ok(f) = open {
                let _ = f.set_len(0);
            }
            self.notifier.post(job, Event::Error);
            self.scheduler.wake();
        } else {
            self.notifier.post(job, Event::Modification);
        }
        Ok(())
    }

    /// SUSPENDED, ERROR and TRANSIENT_ERROR (and TRANSFERRED with new files) → QUEUED; an active
    /// job stays as it is. BG_E_EMPTY for a job without files.
    pub fn resume(self: &Arc<Self>, job: &Arc<Job>) -> EngineResult<()> {
        tracing::debug!(job = %job.id(), "Resume");
        job.modify(|g| {
            if g.files.is_empty() {
                return Err(EngineError::Empty);
            }
            // A legacy DO file whose sink was never given cannot transfer.
            if g.files.iter().any(|f| !f.stream && f.local.as_os_str().is_empty()) {
                return Err(EngineError::Local(LocalError::NoSink));
            }
            let requeue = match g.state {
                JobState::Suspended | JobState::Error | JobState::TransientError => true,
                JobState::Transferred => g.files.iter().any(|f| !f.transferred),
                _ => false,
            };
            // Resume restarts the MaximumDownloadTime clock and freezes some Job5 properties.
            g.settings.resumed = true;
            g.settings.download_clock_start = FileTime::now().0;
            g.download_epoch += 1;
            if requeue {
                g.state = JobState::Queued;
                g.failure = None;
                g.retry_epoch += 1;
                g.queued_at = Instant::now();
                g.last_progress = Instant::now();
            }
            Ok(requeue)
        })
        .map(|requeued| {
            if requeued {
                self.scheduler.enqueue(job);
            }
        })?;
        self.notifier.post(job, Event::Modification);
        Ok(())
    }

    /// Any non-final state → SUSPENDED; a running transfer stops.
    pub fn suspend(self: &Arc<Self>, job: &Arc<Job>) -> EngineResult<()> {
        tracing::debug!(job = %job.id(), "Suspend");
        let changed = job.modify(|g| {
            if let Some(run) = g.run.take() {
                run.request_stop(StopReason::Caller);
            }
            let changed = g.state != JobState::Suspended;
            g.state = JobState::Suspended;
            g.retry_epoch += 1;
            Ok(changed)
        })?;
        if changed {
            self.notifier.post(job, Event::Modification);
            self.scheduler.wake();
        }
        Ok(())
    }

    /// Priority changes take effect at the next scheduling decision.
    pub fn set_priority(&self, job: &Arc<Job>, p: Priority) -> EngineResult<()> {
        let queued = job.modify(|g| {
            // A custom HTTP method keeps the job FOREGROUND.
            if g.settings.http_method.is_some() && p != Priority::Foreground {
                return Err(EngineError::PriorityFixed);
            }
            g.priority = p;
            Ok(g.state == JobState::Queued)
        })?;
        self.notifier.post(job, Event::Modification);
        if queued {
            self.scheduler.enqueue(job);
        } else {
            self.scheduler.wake();
        }
        Ok(())
    }

    /// Replaces the notify target and returns the previous one, for the caller to drop outside
    /// every lock. A target registered after the job reached TRANSFERRED or ERROR still hears of it.
    pub fn set_notify_target(
        &self,
        job: &Arc<Job>,
        target: Option<Arc<dyn NotifyTarget>>,
    ) -> EngineResult<Option<Arc<dyn NotifyTarget>>> {
        // Callbacks are not stored (a new process re-attaches its own): no journal record.
        let (old, state) = job.modify_volatile(|g| Ok((std::mem::replace(&mut g.notify_target, target), g.state)))?;
        match state {
            JobState::Transferred => self.notifier.post(job, Event::Transferred),
            JobState::Error => self.notifier.post(job, Event::Error),
            _ => {}
        }
        Ok(old)
    }

    /// Registers (or with `None` removes) the job's certificate validation callback and returns
    /// the previous registration, for the caller to drop outside every lock. Only while the job
    /// is SUSPENDED, ERROR or TRANSFERRED (a transfer in progress keeps the policy it started
    /// with). The callback is not stored, but the fact that one is registered is: a later process
    /// refuses the job's HTTPS transfers until it registers one again.
    pub fn set_cert_validator(
        &self,
        job: &Arc<Job>,
        validator: Option<Box<dyn tls::ServerCertValidator>>,
    ) -> EngineResult<Option<Arc<tls::CertValidation>>> {
        let mut registration = validator.map(|v| Arc::new(tls::CertValidation::new(job, v)));
        // A refused registration is dropped (released) after the lock, never under it.
        let result = job.modify(|g| {
            if !matches!(g.state, JobState::Suspended | JobState::Error | JobState::Transferred) {
                return Err(EngineError::ReadOnlyWhileActive);
            }
            g.settings.cert_validation_required = registration.is_some();
            Ok(std::mem::replace(&mut g.cert_validation, registration.take()))
        });
        drop(registration);
        result
    }

    /// Arms the MaximumDownloadTime deadline of a job that is starting a transfer: when it passes
    /// with the job still active, the job goes to ERROR with BG_E_MAXDOWNLOAD_TIMEOUT.
    pub(crate) fn arm_download_deadline(self: &Arc<Self>, job: &Arc<Job>) {
        let (at, old, epoch) = {
            let mut g = job.lock();
            let (limit, start) = (g.settings.max_download_time, g.settings.download_clock_start);
            let at = (limit != 0).then(|| {
                let elapsed =
                    std::time::Duration::from_nanos(FileTime::now().0.saturating_sub(start).saturating_mul(100));
                Instant::now() + std::time::Duration::from_secs(u64::from(limit)).saturating_sub(elapsed)
            });
            let old = std::mem::replace(&mut g.deadline_at, at);
            (at, old, g.download_epoch)
        };
        let id = job.id();
        let mut d = self.deadlines.lock();
        if let Some(old) = old {
            d.remove(&(old, id));
        }
        let Some(at) = at else { return };
        let earliest = d.first_key_value().map(|(k, _)| k.0);
        d.insert((at, id), (epoch, Arc::downgrade(job)));
        if earliest.is_none_or(|e| at < e) {
            self.deadline_wake.notify_one();
        }
    }

    /// A MaximumDownloadTime deadline is due: a job still transferring (or waiting to retry) in
    /// the download it was armed for goes to ERROR.
    fn fire_deadline(&self, job: &Arc<Job>, epoch: u64) {
        {
            let mut g = job.lock();
            let active = g.state.is_active() || g.state == JobState::TransientError;
            if g.download_epoch != epoch || !active {
                return;
            }
            if let Some(run) = g.run.take() {
                run.request_stop(StopReason::Caller);
            }
            g.state = JobState::Error;
            g.failure = Some(JobFailure {
                context: ErrorContext::GeneralQueueManager,
                error: FetchError::MaxDownloadTime,
                file: None,
                timed_out: false,
            });
            g.error_count = g.error_count.saturating_add(1);
            g.event_seq += 1;
            job.persist(&g);
        }
        self.notifier.post(job, Event::Error);
        self.scheduler.wake();
    }

    /// Sets or removes the notify command line. Set after the job reached TRANSFERRED or ERROR, it
    /// still runs for that event, as BITS does.
    pub fn set_notify_cmdline(&self, job: &Arc<Job>, cmd: Option<NotifyCmdLine>) -> EngineResult<()> {
        let set = cmd.is_some();
        job.set_notify_cmdline(cmd)?;
        if set {
            match job.state() {
                JobState::Transferred => self.notifier.post(job, Event::Transferred),
                JobState::Error => self.notifier.post(job, Event::Error),
                _ => {}
            }
        }
        Ok(())
    }

    /// Cancels the job: the transfer stops, temporary files are deleted (never a completed
    /// destination), and the job leaves the table.
    pub fn cancel(&self, job: &Arc<Job>) -> EngineResult<EndResult> {
        tracing::debug!(job = %job.id(), "Cancel");
        let temps = job.modify(|g| {
            let run = g.run.take();
            if let Some(run) = &run {
                run.request_stop(StopReason::Caller);
            }
            g.state = JobState::Cancelled;
            let session = upload::session_to_end(g);
            Ok((Job::temp_files(g), g.notify_target.take(), g.cert_validation.take(), run.is_some(), session))
        })?;
        let (temps, target, validation, was_running, session) = (temps.0, temps.1, temps.2, temps.3, temps.4);
        job.unpersist();
        // An upload's server is told, in the background (BITS keeps trying too).
        if let Some(end) = session {
            upload::end_session(self.http.clone(), end, "Cancel-Session");
        }
        let undeleted = !job::delete_files(job.owner(), &temps);
        self.forget(job);
        // A stopped transfer's slot is free at once (its worker's exit would also tell).
        if was_running {
            self.scheduler.wake();
        }
        Ok(EndResult { partial: false, undeleted, target, validation })
    }

    /// Completes (acknowledges) the job: every transferred file is renamed into place atomically,
    /// the rest are dropped, and the job leaves the table. If a rename fails, that error is
    /// returned and the job stays as it was (an interrupted transfer is queued again).
    pub fn complete(&self, job: &Arc<Job>) -> EngineResult<EndResult> {
        tracing::debug!(job = %job.id(), "Complete");
        let job_type = job.job_type();
        let mut requeued = false;
        let result = job.modify(|g| {
            if job_type != JobType::Download && g.state != JobState::Transferred {
                return Err(EngineError::InvalidState);
            }
            // Renamed as the owner: into a directory the owner may write to, never over
            // something the owner may not replace.
            let as_owner = g.owner.act().map_err(EngineError::Local)?;
            let was_active = g.run.is_some();
            if let Some(run) = g.run.take() {
                run.request_stop(StopReason::Caller);
            }
            for i in 0..g.files.len() {
                let f = &g.files[i];
                if f.stream || job_type != JobType::Download {
                    // A stream download's bytes are already with the caller; an upload's are
                    // with the server.
                    g.files[i].completed = f.transferred;
                    continue;
                }
                if f.transferred && !f.completed {
                    if let Err(e) = std::fs::rename(&f.temp, &f.local) {
                        if was_active {
                            g.state = JobState::Queued;
                            g.queued_at = Instant::now();
                            requeued = true;
                        }
                        return Err(EngineError::Local(LocalError::from_io(&e)));
                    }
                    g.files[i].completed = true;
                    // Completing a file accepts its content (File3 validation).
                    g.files[i].validated = Some(true);
                }
            }
            // An upload-reply job's reply gets its name.
            if let Some(st) = g.settings.upload.as_mut() {
                if let (true, false, Some(temp), Some(file)) =
                    (st.reply_done, st.reply_completed, st.reply_temp.clone(), st.reply_file.clone())
                {
                    if let Err(e) = std::fs::rename(&temp, &file) {
                        return Err(EngineError::Local(LocalError::from_io(&e)));
                    }
                    st.reply_completed = true;
                }
            }
            drop(as_owner);
            let partial = g.files.iter().any(|f| !f.transferred);
            g.state = JobState::Acknowledged;
            let session = upload::session_to_end(g);
            Ok((partial, Job::temp_files(g), g.notify_target.take(), g.cert_validation.take(), was_active, session))
        });
        match result {
            Ok((partial, temps, target, validation, was_active, session)) => {
                if let Some(end) = session {
                    upload::end_session(self.http.clone(), end, "Close-Session");
                }
                job.unpersist();
                let undeleted = !job::delete_files(job.owner(), &temps);
                self.forget(job);
                // Completing a job that was still transferring frees its slot at once.
                if was_active {
                    self.scheduler.wake();
                }
                Ok(EndResult { partial, undeleted, target, validation })
            }
            Err(e) => {
                if requeued {
                    self.scheduler.enqueue(job);
                }
                Err(e)
            }
        }
    }
}

/// The one timer of every MaximumDownloadTime deadline: sleeps until the earliest is due (or an
/// earlier one is armed), fires what is due, and ends with the engine.
async fn deadline_loop(engine: std::sync::Weak<Engine>) {
    loop {
        let Some(e) = engine.upgrade() else { return };
        let now = Instant::now();
        let (due, next) = {
            let mut d = e.deadlines.lock();
            let mut due = Vec::new();
            while let Some(entry) = d.first_entry() {
                if entry.key().0 > now {
                    break;
                }
                let ((_, id), (epoch, job)) = entry.remove_entry();
                due.push((id, epoch, job));
            }
            (due, d.first_key_value().map(|(k, _)| k.0))
        };
        for (id, epoch, job) in due {
            if let Some(job) = job.upgrade() {
                {
                    let mut g = job.lock();
                    if g.deadline_at.is_some_and(|at| at <= now) && job.id() == id {
                        g.deadline_at = None;
                    }
                }
                e.fire_deadline(&job, epoch);
            }
        }
        let wake = e.deadline_wake.clone();
        drop(e);
        match next {
            Some(at) => {
                tokio::select! {
                    _ = tokio::time::sleep_until(tokio::time::Instant::from_std(at)) => {}
                    _ = wake.notified() => {}
                }
            }
            None => wake.notified().await,
        }
    }
}

/// Tests: a directory of its own for one test, `<tmp>/deliveryopt-<tag>-<pid>-<n>` (not
/// created), removed with everything in it when dropped.
#[cfg(test)]
pub(crate) struct TempDir(std::path::PathBuf);

#[cfg(test)]
impl std::ops::Deref for TempDir {
    type Target = std::path::PathBuf;
    fn deref(&self) -> &std::path::PathBuf {
        &self.0
    }
}

#[cfg(test)]
impl AsRef<std::path::Path> for TempDir {
    fn as_ref(&self) -> &std::path::Path {
        &self.0
    }
}

#[cfg(test)]
impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Tests: a new `TempDir` (see there).
#[cfg(test)]
pub(crate) fn temp_dir(tag: &str) -> TempDir {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let d = std::env::temp_dir().join(format!("deliveryopt-{tag}-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    TempDir(d)
}

/// Tests: a new engine on `cfg`'s store once the engine before it has let go of it (its
/// threads may still be finishing a flush or a transfer for a moment).
#[cfg(test)]
pub(crate) fn reopen_engine(cfg: &StoreConfig) -> Arc<Engine> {
    for _ in 0..100 {
        match Engine::new(Config { store: Some(cfg.clone()), ..Config::default() }) {
            Ok(e) => return e,
            Err(StoreError::Locked(_)) => std::thread::sleep(std::time::Duration::from_millis(20)),
            Err(other) => panic!("{other}"),
        }
    }
    panic!("the store was not released");
}

#[cfg(test)]
mod tests {
    use super::*;

    const ME: Owner = Owner { uid: 1000 };
    /// The owner for tests whose jobs touch files: this process's own user (a job of another
    /// user is worked on with that user's rights when the tests run as root).
    fn me() -> Owner {
        Owner { uid: crate::abi::os::effective_uid() }
    }

    fn engine() -> Arc<Engine> {
        Engine::new(Config {
            limits: Limits { max_jobs_per_user: 3, max_jobs_per_machine: 5, max_files_per_job: 200 },
            ..Config::default()
        })
        .unwrap()
    }

    #[test]
    fn download_deadlines_share_one_timer_and_leave_with_their_jobs() {
        let e = engine();
        let dir = temp_dir("deadline");
        std::fs::create_dir_all(&dir).unwrap();
        let new = |name: &str, secs: u32| {
            let j = e.create_job(name.into(), JobType::Download, me()).unwrap();
            // Nothing listens on port 9: the job retries (TRANSIENT_ERROR) until its deadline.
            let f = NewFile {
                remote: "http://127.0.0.1:9/x".into(),
                local: dir.join(name).to_str().unwrap().into(),
                ranges: None,
            };
            e.add_files(&j, &[f]).unwrap();
            j.set_max_download_time(secs).unwrap();
            e.resume(&j).unwrap();
            j
        };
        let short = new("short", 1);
        let long = new("long", 3600);
        let gone = new("gone", 3600);
        let armed = |j: &Arc<Job>| e.deadlines.lock().keys().any(|(_, id)| *id == j.id());
        let t0 = Instant::now();
        while !(armed(&long) && armed(&gone)) && t0.elapsed() < std::time::Duration::from_secs(10) {
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        assert!(armed(&long) && armed(&gone), "armed when their transfers started");
        e.cancel(&gone).unwrap();
        assert!(!armed(&gone), "a cancelled job's deadline is dropped at once");
        while short.state() != JobState::Error && t0.elapsed() < std::time::Duration::from_secs(10) {
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        assert_eq!(short.state(), JobState::Error);
        assert_eq!(short.failure().unwrap().error, FetchError::MaxDownloadTime);
        assert!(!armed(&short));
        assert_ne!(long.state(), JobState::Error, "the later deadline is not due");
        assert_eq!(e.deadlines.lock().len(), 1);
        e.cancel(&long).unwrap();
        assert!(e.deadlines.lock().is_empty());
        let _ = std::fs::remove_dir_all(&dir);
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
        assert_eq!(j.proxy_settings(), ProxySettings { usage: ProxyUsage::Preconfig, list: None, bypass: None });
        let t = j.times();
        assert_eq!(t.created, t.modified);
        assert_eq!(t.transfer_completed, FileTime(0));
        assert!(j.notify_target().is_none());
    }

    #[test]
    fn a_validation_registration_is_remembered_and_released_when_the_job_ends() {
        struct Yes;
        impl tls::ServerCertValidator for Yes {
            fn validate(&self, _: &Arc<Job>, _: usize, _: &[u8], _: &[&[u8]]) -> Result<(), i32> {
                Ok(())
            }
        }
        let e = engine();
        let j = e.create_job("validated".into(), JobType::Download, ME).unwrap();
        assert!(e.set_cert_validator(&j, Some(Box::new(Yes))).unwrap().is_none());
        assert!(j.settings().cert_validation_required, "stored: a later process must register again");
        let opts = Job::request_options(&j.lock());
        assert!(opts.tls.validation.is_some());
        drop(opts);
        let old = e.set_cert_validator(&j, None).unwrap();
        assert!(old.is_some_and(|o| Arc::strong_count(&o) == 1), "handed back to be dropped");
        assert!(!j.settings().cert_validation_required);
        e.set_cert_validator(&j, Some(Box::new(Yes))).unwrap();
        let end = e.cancel(&j).unwrap();
        assert!(end.validation.is_some_and(|v| Arc::strong_count(&v) == 1));
        assert_eq!(e.set_cert_validator(&j, Some(Box::new(Yes))).unwrap_err(), EngineError::InvalidState);
    }

    #[test]
    fn take_ownership_moves_the_job_between_owner_counts() {
        let e = engine();
        const ROOT: Owner = Owner { uid: 0 };
        let j = e.create_job("mine".into(), JobType::Download, ME).unwrap();
        assert_eq!((e.job_count(ME), e.job_count(ROOT)), (1, 0));
        assert!(matches!(e.take_ownership(&j, ME), Err(EngineError::AccessDenied(_))), "only an administrator");
        assert_eq!((e.job_count(ME), e.job_count(ROOT)), (1, 0), "a refusal changes nothing");
        e.take_ownership(&j, ROOT).unwrap();
        assert_eq!(j.owner(), ROOT);
        assert_eq!((e.job_count(ME), e.job_count(ROOT)), (0, 1));
        // ME's quota is free again: three new jobs fit (the limit is 3).
        for i in 0..3 {
            e.create_job(format!("again {i}"), JobType::Download, ME).unwrap();
        }
        e.cancel(&j).unwrap();
        assert_eq!((e.job_count(ME), e.job_count(ROOT)), (3, 0), "the ended job leaves its new owner's count");
    }

    #[test]
    fn quotas_apply_to_users_not_to_root() {
        let e = engine();
        for i in 0..3 {
            e.create_job(format!("j{i}"), JobType::Download, ME).unwrap();
        }
        assert_eq!(e.create_job("x".into(), JobType::Download, ME).unwrap_err(), EngineError::TooManyJobsPerUser);
        let other = Owner { uid: 1001 };
        e.create_job("o1".into(), JobType::Download, other).unwrap();
        e.create_job("o2".into(), JobType::Download, other).unwrap();
        assert_eq!(
            e.create_job("o3".into(), JobType::Download, other).unwrap_err(),
            EngineError::TooManyJobsPerMachine
        );
        e.create_job("root".into(), JobType::Download, Owner { uid: 0 }).unwrap();
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
        assert_eq!(j.set_display_name("b".into()).unwrap_err(), EngineError::InvalidState);
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
        assert_eq!(j.set_display_name("x".repeat(257)).unwrap_err(), EngineError::StringTooLong);
        j.set_display_name("y".repeat(256)).unwrap();
        assert_eq!(j.set_description("d".repeat(1025)).unwrap_err(), EngineError::StringTooLong);
        assert_eq!(j.description(), "");
        assert!(matches!(j.set_notify_flags(0x40).unwrap_err(), EngineError::Unsupported(_)));
        assert_eq!(j.notify_flags(), 3);
        j.set_notify_flags(0x3F).unwrap();
        j.set_min_retry_delay(1).unwrap();
        assert_eq!(j.min_retry_delay(), 5);
        j.set_no_progress_timeout(0).unwrap();
        assert_eq!(j.no_progress_timeout(), 0);
        let bad = ProxySettings { usage: ProxyUsage::Override, list: None, bypass: None };
        assert!(matches!(j.set_proxy_settings(bad).unwrap_err(), EngineError::InvalidArgument(_)));
        let bad = ProxySettings { usage: ProxyUsage::NoProxy, list: Some("p".into()), bypass: None };
        assert!(matches!(j.set_proxy_settings(bad).unwrap_err(), EngineError::InvalidArgument(_)));
        let long = ProxySettings { usage: ProxyUsage::Override, list: Some("p".repeat(4001)), bypass: None };
        assert_eq!(j.set_proxy_settings(long).unwrap_err(), EngineError::ProxyListTooLarge);
        let ok = ProxySettings {
            usage: ProxyUsage::Override,
            list: Some("http://p:8080".into()),
            bypass: Some("<local>".into()),
        };
        j.set_proxy_settings(ok.clone()).unwrap();
        assert_eq!(j.proxy_settings(), ok);
        assert!(matches!(j.take_ownership(ME).unwrap_err(), EngineError::AccessDenied(_)));
        assert_eq!(j.owner(), ME);
    }

    #[test]
    fn an_upload_job_takes_one_readable_http_file() {
        let e = engine();
        let dir = temp_dir("engine-upload");
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("src"), b"payload").unwrap();
        let j = e.create_job("u".into(), JobType::Upload, me()).unwrap();
        assert_eq!(e.jobs(None).len(), 1);
        let f = |remote: &str, local: &std::path::Path| NewFile {
            remote: remote.into(),
            local: local.to_str().unwrap().into(),
            ranges: None,
        };
        let missing = e.add_files(&j, &[f("http://127.0.0.1:9/up", &dir.join("nope"))]).unwrap_err();
        assert_eq!(missing, EngineError::Local(LocalError::PathNotFound));
        let local = e.add_files(&j, &[f(&format!("file://{}", dir.join("src").display()), &dir.join("src"))]);
        assert!(matches!(local, Err(EngineError::InvalidArgument(_))), "uploads go to http(s)");
        assert_eq!(e.add_files(&j, &[f("http://127.0.0.1:9/up", &dir.join("src"))]).unwrap(), 0..1);
        assert_eq!(j.file(0).unwrap().size, Some(7), "the source's size is known at once");
        let again = e.add_files(&j, &[f("http://127.0.0.1:9/up2", &dir.join("src"))]).unwrap_err();
        assert_eq!(again, EngineError::TooManyFiles);
        assert!(matches!(e.rename_remotes(&j, |_, _| Some("http://x/".into())), Err(EngineError::NotImplemented(_))));
        e.cancel(&j).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn an_on_demand_file_comes_back_with_its_filled_ranges_requests_and_position() {
        let dir = temp_dir("engine-ondemand");
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("files")).unwrap();
        let cfg = StoreConfig {
            dir: dir.join("store"),
            checkpoint_interval: std::time::Duration::from_millis(50),
            checkpoint_bytes: 1 << 20,
        };
        let config = || Config { store: Some(cfg.clone()), ..Config::default() };
        {
            let e = Engine::new(config()).unwrap();
            let job = e.create_job("od".into(), JobType::Download, me()).unwrap();
            job.set_on_demand(true).unwrap();
            let f = NewFile {
                remote: "http://127.0.0.1:9/x".into(),
                local: dir.join("files/out").to_str().unwrap().into(),
                ranges: None,
            };
            e.add_files(&job, &[f]).unwrap();
            let r = |offset, length| file::FileRange { offset, length };
            e.request_file_ranges(&job, 0, &[r(100, 50), r(500, 100)]).unwrap();
            e.update_download_position(&job, 0, 520).unwrap();
            // As a transfer leaves it: bytes 100..150 on disk (a checkpoint), the size known.
            let mut g = job.lock();
            let temp = g.files[0].temp.clone();
            std::fs::write(&temp, vec![7u8; 1000]).unwrap();
            let fe = &mut g.files[0];
            fe.size = Some(1000);
            fe.validators = Some(file::Validators { size: Some(1000), ..Default::default() });
            fe.demand.fill(100, 150);
            fe.received = 50;
            job.persist_progress(&g, 0);
        }
        let e2 = reopen_engine(&cfg);
        let jobs = e2.jobs(None);
        assert_eq!(jobs.len(), 1);
        assert!(jobs[0].settings().on_demand && jobs[0].settings().demand_requested);
        let f = jobs[0].file(0).unwrap();
        assert_eq!(f.demand.filled, vec![(100, 150)]);
        assert_eq!(f.demand.queue, vec![(520, 600), (500, 520)], "the checkpoint's bytes left the queue");
        assert_eq!(f.demand.position, 520);
        assert_eq!(f.received, 50);
        assert_eq!(e2.filled_ranges(&jobs[0], 0).unwrap(), Some(vec![(100, 50)]));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn stored_jobs_come_back_and_those_idle_for_90_days_are_cancelled() {
        let dir = temp_dir("engine-store");
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("files")).unwrap();
        let cfg = StoreConfig {
            dir: dir.join("store"),
            checkpoint_interval: std::time::Duration::from_millis(50),
            checkpoint_bytes: 1 << 20,
        };
        let config = || Config { store: Some(cfg.clone()), ..Config::default() };
        let old_temp;
        {
            let e = Engine::new(config()).unwrap();
            let old = e.create_job("old".into(), JobType::Download, me()).unwrap();
            let fresh = e.create_job("fresh".into(), JobType::Download, me()).unwrap();
            let f = |n: &str| NewFile {
                remote: "http://127.0.0.1:9/x".into(),
                local: dir.join("files").join(n).to_str().unwrap().into(),
                ranges: None,
            };
            e.add_files(&old, &[f("old")]).unwrap();
            e.add_files(&fresh, &[f("fresh")]).unwrap();
            fresh.set_description("kept".into()).unwrap();
            old_temp = old.file(0).unwrap().temp;
            assert!(!old_temp.exists(), "AddFile names the temporary file; the transfer makes it");
            // As a transfer that stopped part way leaves it.
            std::fs::write(&old_temp, b"partial").unwrap();
            // Last modified 91 days ago.
            let mut g = old.lock();
            g.times.modified = FileTime(FileTime::now().0 - INACTIVITY_LIMIT_TICKS - 24 * 3600 * 10_000_000);
            old.persist(&g);
        }
        // The first engine is gone; the next one opens the same store.
        let e2 = reopen_engine(&cfg);
        let jobs = e2.jobs(None);
        assert_eq!(jobs.len(), 1);
        assert_eq!(jobs[0].display_name(), "fresh");
        assert_eq!(jobs[0].description(), "kept");
        assert_eq!(jobs[0].state(), JobState::Suspended);
        assert!(!old_temp.exists(), "the inactive job's temporary file was deleted");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn owner_sid_uses_the_unix_user_authority() {
        assert_eq!(Owner { uid: 1000 }.sid(), "S-1-22-1-1000");
    }
}
