//! The per-user job store: jobs outlive the process that made them.
//!
//! Layout of the store directory (mode 0700, files 0600):
//! - `format.json`: `{"format": 1}`. A newer format is refused; a file that is not ours is set aside.
//! - `lock`: held with `flock(LOCK_EX)` by the one process that drives the store.
//! - `journal`: one record per line, `<crc32 hex> <json>`, appended as jobs change. The last record
//!   of a job wins; a `Delete` record ends it. The journal is compacted (rewritten with one record
//!   per live job, fsync, rename) when it is opened and when it grows large.
//!
//! Durability: every change that defines a job is written (`write(2)`) to the journal before the
//! call that made it returns, so a process that crashes or is killed loses nothing it was told had
//! succeeded. The journal, and the data of temporary files, are flushed to disk (`fdatasync`,
//! `syncfs`) by a background thread at least every checkpoint interval, so an operating-system crash
//! or power loss loses at most that interval. Transfer progress is recorded every checkpoint interval
//! or every few MiB per file, whichever comes first.
//!
//! Damage: a record whose checksum or JSON is wrong is skipped (a torn last line silently, any other
//! with a log line) and the damaged journal is kept beside the store as `journal.damaged-<time>` for
//! inspection; every other job is kept.

use std::collections::{HashMap, HashSet};
use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Weak};
use std::time::Duration;

use parking_lot::{Condvar, Mutex};
use serde::{Deserialize, Serialize};

use super::file::{FileEntry, Remote, Validators};
use super::http::RedirectPolicy;
use super::job::{ErrorContext, JobFailure, JobId, JobState, JobType, Priority, ProxySettings, ProxyUsage};

/// The store format this library writes.
pub const FORMAT: u32 = 1;
/// Compact when the journal grows past this.
const COMPACT_AT: u64 = 8 << 20;
/// How long the flusher gathers changes before it writes and syncs them (at most; the checkpoint
/// interval when that is shorter).
pub const GATHER: Duration = Duration::from_millis(200);

/// Where the store lives and how often it checkpoints.
#[derive(Debug, Clone)]
pub struct StoreConfig {
    pub dir: PathBuf,
    /// Longest time between progress records of a transferring file, and between disk flushes.
    pub checkpoint_interval: Duration,
    /// Most bytes received between two progress records of one file.
    pub checkpoint_bytes: u64,
}

impl StoreConfig {
    /// The default directory: `$DELIVERYOPT_STATE_DIR`, else `$XDG_STATE_HOME/deliveryopt`, else
    /// `~/.local/state/deliveryopt`; checkpoints from `DELIVERYOPT_CHECKPOINT_MS` (1000) and
    /// `DELIVERYOPT_CHECKPOINT_BYTES` (4 MiB).
    pub fn from_env(dir_override: Option<PathBuf>) -> StoreConfig {
        let env = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty()).map(PathBuf::from);
        let dir = dir_override
            .or_else(|| env("DELIVERYOPT_STATE_DIR"))
            .or_else(|| env("XDG_STATE_HOME").map(|d| d.join("deliveryopt")))
            .or_else(|| env("HOME").map(|h| h.join(".local/state/deliveryopt")))
            .unwrap_or_else(|| {
                std::env::temp_dir().join(format!("deliveryopt-state-{}", crate::abi::os::current_uid()))
            });
        let num = |k: &str| std::env::var(k).ok().and_then(|v| v.trim().parse::<u64>().ok());
        StoreConfig {
            dir,
            checkpoint_interval: Duration::from_millis(num("DELIVERYOPT_CHECKPOINT_MS").unwrap_or(1000).max(10)),
            checkpoint_bytes: num("DELIVERYOPT_CHECKPOINT_BYTES").unwrap_or(4 << 20).max(64 * 1024),
        }
    }
}

/// Why the store could not be opened.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    #[error("the job store {0} is in use by another process")]
    Locked(PathBuf),
    #[error("the job store {path} has format {found}, newer than this library's {FORMAT}")]
    NewerFormat { path: PathBuf, found: u32 },
    #[error("the job store {path} cannot be used: {reason}")]
    Io { path: PathBuf, reason: String },
}

/// `skip_serializing_if` tests: a record leaves out what equals the value a missing field reads
/// back as (`#[serde(default)]`), so the common job costs a short line to encode and write.
pub(crate) mod skip {
    pub fn is_false(v: &bool) -> bool {
        !*v
    }
    pub fn is_zero_u32(v: &u32) -> bool {
        *v == 0
    }
    pub fn is_zero_u64(v: &u64) -> bool {
        *v == 0
    }
    pub fn is_default<T: Default + PartialEq>(v: &T) -> bool {
        *v == T::default()
    }
}

/// Everything that defines a file, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileRecord {
    pub remote_name: String,
    pub local: PathBuf,
    pub temp: PathBuf,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    pub received: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validators: Option<Validators>,
    #[serde(default, skip_serializing_if = "skip::is_false")]
    pub transferred: bool,
    #[serde(default, skip_serializing_if = "skip::is_false")]
    pub completed: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validated: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ranges: Option<Vec<super::file::FileRange>>,
    #[serde(default, skip_serializing_if = "skip::is_false")]
    pub stream: bool,
    #[serde(default, skip_serializing_if = "skip::is_false")]
    pub at_offsets: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size_hint: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub do_file: Option<super::dodl::DoFileProps>,
    /// On-demand state (filled and requested intervals, position).
    #[serde(default, skip_serializing_if = "super::file::Demand::is_empty")]
    pub demand: super::file::Demand,
}

impl FileRecord {
    pub fn of(f: &FileEntry) -> FileRecord {
        FileRecord {
            remote_name: f.remote_name.clone(),
            local: f.local.clone(),
            temp: f.temp.clone(),
            size: f.size,
            received: f.received,
            validators: f.validators.clone(),
            transferred: f.transferred,
            completed: f.completed,
            validated: f.validated,
            ranges: f.ranges.clone(),
            stream: f.stream,
            at_offsets: f.at_offsets,
            file_id: f.file_id.clone(),
            size_hint: f.size_hint,
            do_file: f.do_file.clone(),
            demand: f.demand.clone(),
        }
    }

    /// Back to a file entry; `None` when the remote name no longer parses.
    pub fn entry(&self) -> Option<FileEntry> {
        Some(FileEntry {
            remote_name: self.remote_name.clone(),
            remote: Remote::parse(&self.remote_name).ok()?,
            local: self.local.clone(),
            temp: self.temp.clone(),
            size: self.size,
            received: self.received,
            validators: self.validators.clone(),
            transferred: self.transferred,
            completed: self.completed,
            validated: self.validated,
            ranges: self.ranges.clone(),
            stream: self.stream,
            at_offsets: self.at_offsets,
            file_id: self.file_id.clone(),
            size_hint: self.size_hint,
            do_file: self.do_file.clone(),
            demand: self.demand.clone(),
        })
    }
}

/// Everything that defines a job, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobRecord {
    pub id: uuid::Uuid,
    pub job_type: JobType,
    pub display_name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    pub priority: Priority,
    pub state: JobState,
    pub notify_flags: u32,
    pub min_retry_delay: u32,
    pub no_progress_timeout: u32,
    #[serde(default, skip_serializing_if = "skip::is_zero_u32")]
    pub error_count: u32,
    pub proxy: ProxySettings,
    pub owner: u32,
    pub created: u64,
    pub modified: u64,
    #[serde(default, skip_serializing_if = "skip::is_zero_u64")]
    pub transfer_completed: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure: Option<JobFailure>,
    #[serde(default, skip_serializing_if = "skip::is_default")]
    pub redirect_policy: RedirectPolicy,
    pub files: Vec<FileRecord>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notify_cmd: Option<super::cmdline::NotifyCmdLine>,
    #[serde(default, skip_serializing_if = "skip::is_zero_u64")]
    pub event_seq: u64,
    #[serde(default, skip_serializing_if = "skip::is_zero_u64")]
    pub cmd_done_seq: u64,
    #[serde(default, skip_serializing_if = "skip::is_default")]
    pub settings: super::job::JobSettings,
}

/// Progress of one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgressRecord {
    pub job: uuid::Uuid,
    pub file: usize,
    pub size: Option<u64>,
    pub received: u64,
    pub validators: Option<Validators>,
    pub transferred: bool,
    /// The intervals on disk of a file of an on-demand job.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filled: Option<Vec<(u64, u64)>>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) enum Entry {
    Job(Box<JobRecord>),
    Progress(ProgressRecord),
    Delete(uuid::Uuid),
}

struct Inner {
    journal: File,
    journal_len: u64,
    /// Where the space allocated for the journal ends (see [`JOURNAL_RESERVE`]).
    reserved_to: u64,
    /// The last record of every live job: as written (the common case, no copy of the record is
    /// kept), or decoded when progress records were applied to it.
    latest: HashMap<JobId, Latest>,
    /// Records put with [`Store::put_job_deferred`] (at most one per job) and
    /// [`Store::put_progress_deferred`], not yet written, oldest first. They go out ahead of the
    /// next line written, or with the next flush; a job's next job record (which holds all its
    /// progress) or its deletion drops them.
    deferred: Vec<(JobId, Arc<[u8]>)>,
    /// Written but not yet flushed.
    dirty: bool,
    /// Directories whose temporary files got data since the last flush.
    data_dirs: HashSet<PathBuf>,
    stop: bool,
}

/// An open store (its lock held for the life of the process).
pub struct Store {
    dir: PathBuf,
    config: StoreConfig,
    shared: Arc<Shared>,
    _lock: File,
}

/// What the store shares with its flusher thread, which holds no reference to the store itself
/// while it waits: a dropped store lets its lock file go at once.
struct Shared {
    inner: Mutex<Inner>,
    wake: Condvar,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("dir", &self.dir).finish()
    }
}

fn io_err(path: &Path, e: impl std::fmt::Display) -> StoreError {
    StoreError::Io { path: path.to_path_buf(), reason: e.to_string() }
}

fn log(msg: &str) {
    tracing::error!("{msg}");
}

fn now_stamp() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

/// Moves a damaged or foreign file aside for inspection (never deletes it).
fn set_aside(path: &Path, why: &str) -> Option<PathBuf> {
    let aside = path.with_file_name(format!(
        "{}.damaged-{}",
        path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
        now_stamp()
    ));
    match std::fs::rename(path, &aside) {
        Ok(()) => {
            log(&format!("{}: {why}; kept as {} for inspection", path.display(), aside.display()));
            Some(aside)
        }
        Err(e) => {
            log(&format!("{}: {why}; could not set it aside: {e}", path.display()));
            None
        }
    }
}

/// Space kept allocated past the journal's end (`fallocate` with `FALLOC_FL_KEEP_SIZE`: the
/// file's length does not change), so that the records written when a transfer fills the disk
/// the store is on (the job's ERROR, its last checkpoints) still find room. Renewed when half of
/// it is used.
const JOURNAL_RESERVE: u64 = 128 << 10;

/// Renews the journal's reserve when less than half of it is left. A file system without
/// `fallocate` (or already full) just has none.
fn keep_reserve(g: &mut Inner) {
    if g.journal_len + JOURNAL_RESERVE / 2 < g.reserved_to {
        return;
    }
    let flags = rustix::fs::FallocateFlags::KEEP_SIZE;
    if rustix::fs::fallocate(&g.journal, flags, g.journal_len, JOURNAL_RESERVE).is_ok() {
        g.reserved_to = g.journal_len + JOURNAL_RESERVE;
    } else {
        // Tried again after half a reserve's worth of records, not at every one.
        g.reserved_to = g.journal_len + JOURNAL_RESERVE;
    }
}

fn open_private(path: &Path, append: bool) -> std::io::Result<File> {
    let mut o = OpenOptions::new();
    o.read(true).write(true).create(true).mode(0o600).custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC);
    if append {
        o.append(true);
    }
    o.open(path)
}

/// A job record to encode, borrowed: the same JSON as `Entry::Job`.
#[derive(Serialize)]
enum JobEntry<'a> {
    Job(&'a JobRecord),
}

fn encode_job(record: &JobRecord) -> Vec<u8> {
    encode(&JobEntry::Job(record))
}

/// One journal line: the CRC-32 of the JSON in 8 hex digits, a space, the JSON, a newline.
fn encode(entry: &impl Serialize) -> Vec<u8> {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut line = Vec::with_capacity(1024);
    line.extend_from_slice(b"00000000 ");
    serde_json::to_writer(&mut line, entry).expect("records always serialize");
    let crc = crc32fast::hash(&line[9..]);
    for (i, b) in line[..8].iter_mut().enumerate() {
        *b = HEX[(crc >> (28 - 4 * i)) as usize & 0xf];
    }
    line.push(b'\n');
    line
}

pub(crate) fn decode(line: &str) -> Option<Entry> {
    let (crc, json) = line.split_once(' ')?;
    let crc = u32::from_str_radix(crc, 16).ok()?;
    if crc32fast::hash(json.as_bytes()) != crc {
        return None;
    }
    serde_json::from_str(json).ok()
}

/// The last record of a job, as [`Inner::latest`] keeps it.
enum Latest {
    Record(Box<JobRecord>),
    /// An encoded journal line (`encode`), shared with the write that put it in the journal.
    Line(Arc<[u8]>),
}

impl Latest {
    /// The record, decoded from its line if need be (`None` only if the line does not decode,
    /// which cannot happen to a line this process encoded).
    fn record(&mut self) -> Option<&mut JobRecord> {
        if let Latest::Line(line) = self {
            let text = std::str::from_utf8(line).ok()?;
            let Some(Entry::Job(r)) = decode(text.trim_end()) else { return None };
            *self = Latest::Record(r);
        }
        match self {
            Latest::Record(r) => Some(r),
            Latest::Line(_) => None,
        }
    }
}

/// Applies one journal entry to the map of latest records.
pub(crate) fn apply(latest: &mut HashMap<JobId, JobRecord>, entry: Entry) {
    match entry {
        Entry::Job(r) => {
            latest.insert(JobId(r.id), *r);
        }
        Entry::Progress(p) => {
            if let Some(f) = latest.get_mut(&JobId(p.job)).and_then(|r| r.files.get_mut(p.file)) {
                f.size = p.size;
                f.received = p.received;
                f.validators = p.validators;
                f.transferred = p.transferred;
                if let Some(filled) = p.filled {
                    f.demand.queue = super::file::subtract(&f.demand.queue, &filled);
                    f.demand.filled = filled;
                }
            }
        }
        Entry::Delete(id) => {
            latest.remove(&JobId(id));
        }
    }
}

impl Store {
    /// Opens (creating if needed) the store and returns the jobs in it. Starts the flusher.
    pub fn open(config: StoreConfig) -> Result<(Arc<Store>, Vec<JobRecord>), StoreError> {
        let dir = config.dir.clone();
        std::fs::DirBuilder::new().recursive(true).mode(0o700).create(&dir).map_err(|e| io_err(&dir, e))?;
        let meta = std::fs::symlink_metadata(&dir).map_err(|e| io_err(&dir, e))?;
        if !meta.is_dir() {
            return Err(io_err(&dir, "not a directory"));
        }
        if meta.permissions().mode() & 0o077 != 0 {
            let _ = std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700));
        }
        let lock_path = dir.join("lock");
        let lock = open_private(&lock_path, false).map_err(|e| io_err(&lock_path, e))?;
        match rustix::fs::flock(&lock, rustix::fs::FlockOperation::NonBlockingLockExclusive) {
            Ok(()) => {}
            Err(rustix::io::Errno::WOULDBLOCK) => {
                log(&format!("the job store {} is in use by another process", dir.display()));
                return Err(StoreError::Locked(dir));
            }
            Err(e) => return Err(io_err(&lock_path, e)),
        }
        Store::check_format(&dir)?;
        let journal_path = dir.join("journal");
        let records = Store::read_journal(&journal_path);
        let latest = records.iter().map(|(id, r)| (*id, Latest::Record(Box::new(r.clone())))).collect();
        let store = Arc::new(Store {
            dir: dir.clone(),
            shared: Arc::new(Shared {
                inner: Mutex::new(Inner {
                    journal: open_private(&journal_path, true).map_err(|e| io_err(&journal_path, e))?,
                    journal_len: 0,
                    reserved_to: 0,
                    latest,
                    deferred: Vec::new(),
                    dirty: false,
                    data_dirs: HashSet::new(),
                    stop: false,
                }),
                wake: Condvar::new(),
            }),
            config,
            _lock: lock,
        });
        if let Err(e) = store.compact() {
            // On a full disk the store still opens: the journal as it is, appended to (a later
            // compaction, once there is room, rewrites it).
            if !matches!(e.raw_os_error(), Some(libc::ENOSPC) | Some(libc::EDQUOT)) {
                return Err(io_err(&journal_path, e));
            }
            log(&format!(
                "{}: no room to compact the journal ({e}); going on with it as it is",
                journal_path.display()
            ));
            let mut g = store.shared.inner.lock();
            g.journal_len = g.journal.metadata().map(|m| m.len()).unwrap_or(0);
            keep_reserve(&mut g);
        }
        let jobs = records.into_values().collect();
        let weak = Arc::downgrade(&store);
        let shared = store.shared.clone();
        let interval = store.config.checkpoint_interval;
        std::thread::Builder::new()
            .name("deliveryopt-store".into())
            .spawn(move || flusher(weak, shared, interval))
            .map_err(|e| io_err(&dir, e))?;
        Ok((store, jobs))
    }

    fn check_format(dir: &Path) -> Result<(), StoreError> {
        let path = dir.join("format.json");
        #[derive(Serialize, Deserialize)]
        struct Format {
            format: u32,
        }
        match std::fs::read_to_string(&path) {
            Ok(text) => match serde_json::from_str::<Format>(&text) {
                Ok(f) if f.format > FORMAT => {
                    log(&format!(
                        "the job store {} has format {}, newer than this library's {FORMAT}; refusing to touch it",
                        dir.display(),
                        f.format
                    ));
                    return Err(StoreError::NewerFormat { path: dir.to_path_buf(), found: f.format });
                }
                // Format 1 is the first; an older format would be migrated here.
                Ok(_) => return Ok(()),
                Err(_) => {
                    set_aside(&path, "not a deliveryopt format file");
                }
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io_err(&path, e)),
        }
        let text = serde_json::to_string(&Format { format: FORMAT }).expect("serializes");
        write_atomically(&path, text.as_bytes()).map_err(|e| io_err(&path, e))
    }

    /// Reads every good record; damage is logged and the damaged journal kept aside.
    fn read_journal(path: &Path) -> HashMap<JobId, JobRecord> {
        let mut latest = HashMap::new();
        let mut bytes = Vec::new();
        match File::open(path).and_then(|mut f| f.read_to_end(&mut bytes)) {
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return latest,
            Err(e) => {
                log(&format!("{}: cannot be read ({e})", path.display()));
                set_aside(path, "unreadable");
                return latest;
            }
        }
        let complete = bytes.last() == Some(&b'\n');
        let text = String::from_utf8_lossy(&bytes);
        let lines: Vec<&str> = text.split('\n').filter(|l| !l.is_empty()).collect();
        let mut damaged = 0usize;
        let mut good = 0usize;
        for (i, line) in lines.iter().enumerate() {
            match decode(line) {
                Some(entry) => {
                    apply(&mut latest, entry);
                    good += 1;
                }
                None if i + 1 == lines.len() && !complete => {
                    log(&format!("{}: ignored an incomplete last record (interrupted write)", path.display()));
                }
                None => {
                    damaged += 1;
                    log(&format!("{}: record {} is damaged and was skipped", path.display(), i + 1));
                }
            }
        }
        if damaged > 0 {
            let why = if good == 0 {
                "not a deliveryopt journal".to_string()
            } else {
                format!("{damaged} damaged record(s); the {} other job(s) were kept", latest.len())
            };
            // Keep a copy for inspection; compaction then writes a clean journal.
            let aside = path.with_file_name(format!("journal.damaged-{}", now_stamp()));
            match std::fs::copy(path, &aside) {
                Ok(_) => log(&format!("{}: {why}; kept as {} for inspection", path.display(), aside.display())),
                Err(e) => log(&format!("{}: {why}; could not keep a copy: {e}", path.display())),
            }
        }
        latest
    }

    /// Rewrites the journal with one record per live job (write, fsync, rename, fsync directory).
    fn compact(&self) -> std::io::Result<()> {
        let mut g = self.shared.inner.lock();
        let path = self.dir.join("journal");
        let tmp = self.dir.join("journal.tmp");
        let mut out = Vec::new();
        for latest in g.latest.values() {
            match latest {
                Latest::Record(r) => out.extend_from_slice(&encode_job(r)),
                Latest::Line(line) => out.extend_from_slice(line),
            }
        }
        let _ = std::fs::remove_file(&tmp);
        let mut f = open_private(&tmp, false)?;
        f.write_all(&out)?;
        f.sync_data()?;
        std::fs::rename(&tmp, &path)?;
        File::open(&self.dir)?.sync_all()?;
        g.journal = open_private(&path, true)?;
        g.journal_len = out.len() as u64;
        g.reserved_to = 0;
        keep_reserve(&mut g);
        // The deferred records are in `latest`, so now in the journal.
        g.deferred.clear();
        g.dirty = false;
        Ok(())
    }

    /// Writes one encoded line (encoded before the lock is taken: writers wait only for writes),
    /// after the deferred records, in one write. An empty `line` writes only those.
    fn append(&self, g: &mut Inner, line: &[u8]) {
        let bytes = if g.deferred.is_empty() {
            std::borrow::Cow::Borrowed(line)
        } else {
            let mut all = Vec::new();
            for (_, l) in g.deferred.drain(..) {
                all.extend_from_slice(&l);
            }
            all.extend_from_slice(line);
            std::borrow::Cow::Owned(all)
        };
        if bytes.is_empty() {
            return;
        }
        match g.journal.write_all(&bytes) {
            Ok(()) => {
                g.journal_len += bytes.len() as u64;
                keep_reserve(g);
                if !g.dirty {
                    g.dirty = true;
                    self.shared.wake.notify_one();
                }
            }
            // The change stays in memory; the next compaction writes it. Say so once per failure.
            // What was written of it goes, so the next record does not follow half a line.
            Err(e) => {
                let _ = g.journal.set_len(g.journal_len);
                log(&format!("{}: cannot record a change ({e})", self.dir.join("journal").display()))
            }
        }
    }

    /// Encodes `record` (before locking) and makes it its job's latest; a deferred record of the
    /// job is older and says nothing this one does not, so it goes. Returns the store, locked.
    fn set_latest(&self, record: &JobRecord) -> (parking_lot::MutexGuard<'_, Inner>, JobId, Arc<[u8]>) {
        let id = JobId(record.id);
        let line: Arc<[u8]> = encode_job(record).into();
        let mut g = self.shared.inner.lock();
        g.latest.insert(id, Latest::Line(line.clone()));
        g.deferred.retain(|(j, _)| *j != id);
        (g, id, line)
    }

    /// Records everything that defines a job.
    pub fn put_job(&self, record: JobRecord) {
        let (mut g, _, line) = self.set_latest(&record);
        self.append(&mut g, &line);
    }

    /// Records everything that defines a job, for a change the engine made by itself (a transfer
    /// that finished) rather than one a caller was told had succeeded: the record is written ahead
    /// of the next line any job writes, or by the flusher within [`GATHER`], in one write with
    /// the others waiting. A later record of the job replaces it unwritten; a crash before it is
    /// written leaves the job as its previous record says (the transfer checks its file again).
    pub fn put_job_deferred(&self, record: JobRecord) {
        let (mut g, id, line) = self.set_latest(&record);
        g.deferred.push((id, line));
        if !g.dirty {
            self.shared.wake.notify_one();
        }
    }

    /// Records one file's progress (a checkpoint); `data_dir` holds its temporary file.
    pub fn put_progress(&self, record: ProgressRecord, data_dir: Option<&Path>) {
        let (mut g, line) = self.set_progress(record, data_dir);
        self.append(&mut g, &line);
    }

    /// As [`Store::put_progress`], for a file whose transfer ended while its job has more to do:
    /// the record goes out with the next line written or the next flush (within the checkpoint
    /// interval), in one write with the others waiting, so a job of many small files costs a
    /// write per flush rather than per file. A crash before then makes those files fetch again,
    /// as a crash between two checkpoints does.
    pub fn put_progress_deferred(&self, record: ProgressRecord, data_dir: Option<&Path>) {
        let id = JobId(record.job);
        let (mut g, line) = self.set_progress(record, data_dir);
        g.deferred.push((id, line.into()));
        if !g.dirty {
            self.shared.wake.notify_one();
        }
    }

    /// Encodes a progress record (before locking) and applies it to its job's latest record.
    /// Returns the store, locked, and the line.
    fn set_progress(
        &self,
        record: ProgressRecord,
        data_dir: Option<&Path>,
    ) -> (parking_lot::MutexGuard<'_, Inner>, Vec<u8>) {
        let entry = Entry::Progress(record);
        let line = encode(&entry);
        let mut g = self.shared.inner.lock();
        if let Entry::Progress(p) = &entry {
            let latest = g.latest.get_mut(&JobId(p.job)).and_then(Latest::record);
            if let Some(f) = latest.and_then(|r| r.files.get_mut(p.file)) {
                f.size = p.size;
                f.received = p.received;
                f.validators = p.validators.clone();
                f.transferred = p.transferred;
                if let Some(filled) = &p.filled {
                    f.demand.queue = super::file::subtract(&f.demand.queue, filled);
                    f.demand.filled = filled.clone();
                }
            }
        }
        if let Some(d) = data_dir {
            g.data_dirs.insert(d.to_path_buf());
        }
        (g, line)
    }

    /// The job is gone (cancelled or completed).
    pub fn delete(&self, id: JobId) {
        let mut g = self.shared.inner.lock();
        g.deferred.retain(|(j, _)| *j != id);
        if g.latest.remove(&id).is_some() {
            self.append(&mut g, &encode(&Entry::Delete(id.0)));
        }
    }

    pub fn config(&self) -> &StoreConfig {
        &self.config
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Flushes now (tests and orderly shutdown).
    pub fn flush(&self) {
        let (journal, dirs) = {
            let mut g = self.shared.inner.lock();
            self.append(&mut g, &[]);
            if !g.dirty && g.data_dirs.is_empty() {
                return;
            }
            g.dirty = false;
            (g.journal.try_clone().ok(), std::mem::take(&mut g.data_dirs))
        };
        // Temporary-file data first, then the journal that describes it.
        let mut done: HashSet<u64> = HashSet::new();
        for d in dirs {
            if let Ok(f) = File::open(&d) {
                let dev = f.metadata().map(|m| std::os::unix::fs::MetadataExt::dev(&m)).unwrap_or(0);
                if done.insert(dev) {
                    let _ = rustix::fs::syncfs(&f);
                }
            }
        }
        if let Some(j) = journal {
            let _ = j.sync_data();
        }
        let big = self.shared.inner.lock().journal_len > COMPACT_AT;
        if big {
            if let Err(e) = self.compact() {
                log(&format!("{}: compaction failed ({e})", self.dir.display()));
            }
        }
    }
}

impl Drop for Store {
    fn drop(&mut self) {
        let mut g = self.shared.inner.lock();
        self.append(&mut g, &[]);
        g.stop = true;
        drop(g);
        self.shared.wake.notify_one();
    }
}

/// The background flusher: at most one flush per checkpoint interval, only when something changed.
fn flusher(store: Weak<Store>, shared: Arc<Shared>, interval: Duration) {
    loop {
        {
            let mut g = shared.inner.lock();
            if g.stop {
                return;
            }
            if !g.dirty && g.data_dirs.is_empty() && g.deferred.is_empty() {
                shared.wake.wait_for(&mut g, interval);
                if g.stop {
                    return;
                }
            }
        }
        // Gather changes for a while so many changes share one flush.
        std::thread::sleep(interval.min(GATHER));
        let Some(s) = store.upgrade() else { return };
        s.flush();
    }
}

/// Writes a small file crash-safely: temporary name, fsync, rename, fsync the directory.
pub fn write_atomically(path: &Path, data: &[u8]) -> std::io::Result<()> {
    let tmp = path.with_extension("tmp");
    let _ = std::fs::remove_file(&tmp);
    let mut f = open_private(&tmp, false)?;
    f.write_all(data)?;
    f.sync_data()?;
    std::fs::rename(&tmp, path)?;
    if let Some(d) = path.parent() {
        File::open(d)?.sync_all()?;
    }
    Ok(())
}

/// A job record's fields for the engine (the inverse of building one).
impl JobRecord {
    pub fn proxy_usage(&self) -> ProxyUsage {
        self.proxy.usage
    }
}

/// Keeps `ErrorContext` in use from here for records (its serde form is its name).
pub fn context_name(c: ErrorContext) -> &'static str {
    match c {
        ErrorContext::None => "none",
        ErrorContext::Unknown => "unknown",
        ErrorContext::GeneralQueueManager => "queue manager",
        ErrorContext::QueueManagerNotification => "notification",
        ErrorContext::LocalFile => "local file",
        ErrorContext::RemoteFile => "remote file",
        ErrorContext::GeneralTransport => "transport",
        ErrorContext::RemoteApplication => "remote application",
        ErrorContext::ServerCertificateCallback => "certificate callback",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A store directory for one test (not created), removed when dropped.
    fn temp_store_dir(tag: &str) -> crate::engine::TempDir {
        crate::engine::temp_dir(&format!("store-{tag}"))
    }

    /// Opens the store at `cfg` once the one before it has let go (its flusher may be finishing).
    pub(crate) fn reopen(cfg: &StoreConfig) -> (Arc<Store>, Vec<JobRecord>) {
        for _ in 0..100 {
            match Store::open(cfg.clone()) {
                Err(StoreError::Locked(_)) => std::thread::sleep(Duration::from_millis(20)),
                other => return other.unwrap(),
            }
        }
        panic!("the store stayed locked");
    }

    fn config(dir: &Path) -> StoreConfig {
        StoreConfig {
            dir: dir.to_path_buf(),
            checkpoint_interval: Duration::from_millis(50),
            checkpoint_bytes: 1 << 20,
        }
    }

    fn record(name: &str) -> JobRecord {
        JobRecord {
            id: uuid::Uuid::new_v4(),
            job_type: JobType::Download,
            display_name: name.into(),
            description: String::new(),
            priority: Priority::Normal,
            state: JobState::Suspended,
            notify_flags: 3,
            min_retry_delay: 600,
            no_progress_timeout: 1_209_600,
            error_count: 0,
            proxy: ProxySettings { usage: ProxyUsage::Preconfig, list: None, bypass: None },
            owner: 1000,
            created: 1,
            modified: 2,
            transfer_completed: 0,
            failure: None,
            redirect_policy: RedirectPolicy::default(),
            files: vec![FileRecord {
                remote_name: "http://127.0.0.1/x".into(),
                local: "/tmp/x".into(),
                temp: "/tmp/.BIT1.tmp".into(),
                size: None,
                received: 0,
                validators: None,
                transferred: false,
                completed: false,
                validated: None,
                ranges: None,
                stream: false,
                at_offsets: false,
                file_id: None,
                size_hint: None,
                do_file: None,
                demand: Default::default(),
            }],
            notify_cmd: None,
            event_seq: 0,
            cmd_done_seq: 0,
            settings: Default::default(),
        }
    }

    #[test]
    fn records_leave_out_defaults_and_read_back_the_same() {
        let plain = record("plain");
        let line = encode(&Entry::Job(Box::new(plain.clone())));
        let text = std::str::from_utf8(&line).unwrap();
        for absent in ["settings", "failure", "validators", "transferred", "redirect_policy", "event_seq"] {
            assert!(!text.contains(absent), "{absent} is left out of {text}");
        }
        assert!(text.len() < 400, "{} bytes: {text}", text.len());
        let Some(Entry::Job(back)) = decode(text.trim_end()) else { panic!("{text}") };
        assert_eq!(*back, plain);
        // Every field away from its default comes back as it was.
        let mut full = record("full");
        full.description = "d".into();
        full.error_count = 2;
        full.transfer_completed = 5;
        full.event_seq = 3;
        full.cmd_done_seq = 1;
        full.redirect_policy.report = true;
        full.proxy.list = Some("p:1".into());
        let f = &mut full.files[0];
        (f.size, f.received, f.transferred, f.completed, f.validated) = (Some(9), 9, true, true, Some(false));
        f.validators = Some(Validators { etag: Some("\"e\"".into()), last_modified: None, size: Some(9) });
        (f.stream, f.at_offsets, f.file_id, f.size_hint) = (true, true, Some("id".into()), Some(4));
        let st = &mut full.settings;
        (st.max_download_time, st.cost_flags, st.min_notification_interval_ms) = (0, 1, 0);
        (st.resumed, st.download_clock_start, st.on_demand, st.security_flags) = (true, 7, true, 0x10);
        let line = encode(&Entry::Job(Box::new(full.clone())));
        let Some(Entry::Job(back)) = decode(std::str::from_utf8(&line).unwrap().trim_end()) else { panic!() };
        assert_eq!(*back, full);
    }

    /// A transfer fills the disk the store is on: the records written then (the job's ERROR)
    /// still go in, into the journal's reserve. Needs root (a 1 MiB tmpfs is mounted).
    #[test]
    fn records_still_go_in_when_a_download_filled_the_disk() {
        if crate::abi::os::effective_uid() != 0 {
            return;
        }
        let root = temp_store_dir("full");
        std::fs::create_dir_all(&root).unwrap();
        let mounted = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=1m", "tmpfs"])
            .arg(&*root)
            .status()
            .is_ok_and(|s| s.success());
        if !mounted {
            return;
        }
        struct Unmount(PathBuf);
        impl Drop for Unmount {
            fn drop(&mut self) {
                let _ = std::process::Command::new("umount").arg(&self.0).status();
            }
        }
        let _unmount = Unmount(root.to_path_buf());
        let dir = root.join("store");
        let (s, _) = Store::open(config(&dir)).unwrap();
        let mut r = record("before");
        s.put_job(r.clone());
        // A download takes every byte left.
        let mut big = File::create(root.join("download.tmp")).unwrap();
        let block = vec![7u8; 64 << 10];
        while big.write_all(&block).is_ok() {}
        assert!(big.write_all(&block).is_err(), "the disk is full");
        // The job's ERROR, and more after it, still reach the journal.
        r.state = JobState::Error;
        for i in 0..20 {
            r.display_name = format!("after {i}");
            s.put_job(r.clone());
        }
        s.flush();
        drop(s);
        let (_, jobs) = reopen(&config(&dir));
        assert_eq!(jobs.len(), 1);
        assert_eq!(jobs[0].state, JobState::Error);
        assert_eq!(jobs[0].display_name, "after 19");
        // Reopened on the full disk (no room to compact): the store still opened, as above.
    }

    #[test]
    fn records_survive_reopening_and_the_last_one_wins() {
        let dir = temp_store_dir("roundtrip");
        let (a, b) = (record("a"), record("b"));
        {
            let (s, jobs) = Store::open(config(&dir)).unwrap();
            assert!(jobs.is_empty());
            s.put_job(a.clone());
            s.put_job(b.clone());
            let mut a2 = a.clone();
            a2.display_name = "a2".into();
            s.put_job(a2);
            s.put_progress(
                ProgressRecord {
                    job: a.id,
                    file: 0,
                    size: Some(10),
                    received: 7,
                    validators: None,
                    transferred: false,
                    filled: None,
                },
                None,
            );
            s.delete(JobId(b.id));
            // What compaction keeps: the last record of each live job, progress applied.
            s.compact().unwrap();
            let journal = std::fs::read_to_string(dir.join("journal")).unwrap();
            assert_eq!(journal.lines().count(), 1, "{journal}");
            let Some(Entry::Job(kept)) = decode(journal.trim_end()) else { panic!("{journal}") };
            assert_eq!((kept.display_name.as_str(), kept.files[0].received), ("a2", 7));
        }
        // The flusher thread may still be flushing the dropped store's last changes.
        let (_s, jobs) = reopen(&config(&dir));
        assert_eq!(jobs.len(), 1);
        assert_eq!(jobs[0].display_name, "a2");
        assert_eq!((jobs[0].files[0].size, jobs[0].files[0].received), (Some(10), 7));
        let mode = std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700);
        let jmode = std::fs::metadata(dir.join("journal")).unwrap().permissions().mode() & 0o777;
        assert_eq!(jmode, 0o600);
    }

    #[test]
    fn deferred_progress_goes_out_with_the_next_write_or_flush_and_a_job_record_replaces_it() {
        let dir = temp_store_dir("deferred-progress");
        let mut cfg = config(&dir);
        cfg.checkpoint_interval = Duration::from_secs(30);
        let lines = |dir: &Path| std::fs::read_to_string(dir.join("journal")).unwrap().lines().count();
        let done = |job: uuid::Uuid, file: usize| ProgressRecord {
            job,
            file,
            size: Some(10),
            received: 10,
            validators: None,
            transferred: true,
            filled: None,
        };
        let mut a = record("a");
        a.files.push(a.files[0].clone());
        let b = record("b");
        {
            let (s, _) = Store::open(cfg.clone()).unwrap();
            s.put_job(a.clone());
            s.put_job(b.clone());
            s.put_progress_deferred(done(a.id, 0), None);
            s.put_progress_deferred(done(b.id, 0), None);
            assert_eq!(lines(&dir), 2, "deferred progress is not written by itself");
            // Another job's next record takes them along, in order, in the same write.
            let mut b2 = b.clone();
            b2.display_name = "b2".into();
            s.put_job(b2);
            assert_eq!(lines(&dir), 4, "a's progress and b's newer record (which drops b's own)");
            // A job record of the job says everything its progress would: the progress goes.
            s.put_progress_deferred(done(a.id, 1), None);
            let mut a2 = a.clone();
            a2.display_name = "a2".into();
            // As the engine makes it: from the job as it is, file 0 done.
            (a2.files[0].received, a2.files[0].transferred, a2.files[0].size) = (10, true, Some(10));
            s.put_job(a2);
            assert_eq!(lines(&dir), 5);
            // A flush writes what waits.
            s.put_progress_deferred(done(a.id, 1), None);
            s.flush();
            assert_eq!(lines(&dir), 6);
        }
        let (_s, jobs) = reopen(&cfg);
        let a = jobs.iter().find(|j| j.display_name == "a2").expect("a");
        assert!(a.files.iter().all(|f| f.transferred && f.received == 10), "{:?}", a.files);
        let b = jobs.iter().find(|j| j.display_name == "b2").expect("b");
        assert!(!b.files[0].transferred, "b's record came after its progress and says it all");
    }

    #[test]
    fn deferred_records_go_out_with_the_next_write_or_flush_and_are_replaced_unwritten() {
        let dir = temp_store_dir("deferred");
        let mut cfg = config(&dir);
        // No flush by the background thread during the test: only what the calls write is seen.
        cfg.checkpoint_interval = Duration::from_secs(30);
        let names = |dir: &Path| -> Vec<String> {
            let journal = std::fs::read_to_string(dir.join("journal")).unwrap();
            journal
                .lines()
                .map(|l| match decode(l) {
                    Some(Entry::Job(r)) => r.display_name.clone(),
                    Some(Entry::Delete(_)) => "delete".into(),
                    other => panic!("{other:?}"),
                })
                .collect()
        };
        let (a, b, c) = (record("a"), record("b"), record("c"));
        {
            let (s, _) = Store::open(cfg.clone()).unwrap();
            s.put_job(a.clone());
            let mut a2 = a.clone();
            a2.display_name = "a-transferred".into();
            s.put_job_deferred(a2);
            assert_eq!(names(&dir), ["a"], "a deferred record is not written by itself");
            s.put_job(b.clone());
            assert_eq!(names(&dir), ["a", "a-transferred", "b"], "it goes out ahead of the next line");

            // Replaced by a later record of its job, or dropped by a delete: never written.
            let mut b2 = b.clone();
            b2.display_name = "b-transferred".into();
            s.put_job_deferred(b2);
            let mut b3 = b.clone();
            b3.display_name = "b-completed".into();
            s.put_job(b3);
            s.put_job(c.clone());
            let mut c2 = c.clone();
            c2.display_name = "c-transferred".into();
            s.put_job_deferred(c2);
            s.delete(JobId(c.id));
            assert_eq!(names(&dir), ["a", "a-transferred", "b", "b-completed", "c", "delete"]);

            // A flush writes what is waiting; so does dropping the store.
            let mut a3 = a.clone();
            a3.display_name = "a-flushed".into();
            s.put_job_deferred(a3);
            s.flush();
            assert_eq!(names(&dir).last().map(String::as_str), Some("a-flushed"));
            let mut a4 = a.clone();
            a4.display_name = "a-dropped".into();
            s.put_job_deferred(a4);
        }
        assert_eq!(names(&dir).last().map(String::as_str), Some("a-dropped"));
        let (_s, jobs) = reopen(&cfg);
        let mut kept: Vec<_> = jobs.iter().map(|j| j.display_name.as_str()).collect();
        kept.sort();
        assert_eq!(kept, ["a-dropped", "b-completed"]);
    }

    #[test]
    fn a_dropped_store_lets_go_of_its_lock_at_once() {
        let dir = temp_store_dir("release");
        let mut cfg = config(&dir);
        cfg.checkpoint_interval = Duration::from_secs(30);
        for _ in 0..3 {
            // Idle: the flusher waits (up to 30 s here) without keeping the store alive.
            let (s, _) = Store::open(cfg.clone()).unwrap();
            std::thread::sleep(Duration::from_millis(20));
            drop(s);
        }
    }

    #[test]
    fn a_second_opener_is_refused_while_the_store_is_held() {
        let dir = temp_store_dir("lock");
        let (s, _) = Store::open(config(&dir)).unwrap();
        // flock locks are per open file description: a second open in this process conflicts too.
        assert_eq!(Store::open(config(&dir)).unwrap_err(), StoreError::Locked(dir.clone()));
        drop(s);
        std::thread::sleep(Duration::from_millis(100));
        assert!(Store::open(config(&dir)).is_ok(), "free again once the holder is gone");
    }

    #[test]
    fn a_newer_format_is_refused_and_left_untouched() {
        let dir = temp_store_dir("newer");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("format.json"), r#"{"format": 99}"#).unwrap();
        std::fs::write(dir.join("journal"), "whatever\n").unwrap();
        assert!(matches!(Store::open(config(&dir)).unwrap_err(), StoreError::NewerFormat { found: 99, .. }));
        assert_eq!(std::fs::read_to_string(dir.join("journal")).unwrap(), "whatever\n");
    }

    #[test]
    fn damaged_and_torn_records_are_skipped_and_the_rest_kept() {
        let dir = temp_store_dir("damaged");
        let (a, b, c) = (record("a"), record("b"), record("c"));
        {
            let (s, _) = Store::open(config(&dir)).unwrap();
            s.put_job(a.clone());
            s.put_job(b.clone());
            s.put_job(c.clone());
        }
        std::thread::sleep(Duration::from_millis(20));
        // Corrupt the middle record's JSON and tear the last line.
        let text = std::fs::read_to_string(dir.join("journal")).unwrap();
        let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
        let mid = lines.iter().position(|l| l.contains("\"b\"")).unwrap();
        lines[mid] = lines[mid].replacen("\"b\"", "\"B\"", 1);
        let mut out = lines.join("\n");
        out.push('\n');
        out.push_str("0000abcd {\"Job\":{\"id\":\"tor");
        std::fs::write(dir.join("journal"), out).unwrap();
        let (_s, jobs) = Store::open(config(&dir)).unwrap();
        let mut names: Vec<_> = jobs.iter().map(|j| j.display_name.clone()).collect();
        names.sort();
        assert_eq!(names, vec!["a", "c"], "the damaged record is skipped, the others kept");
        let aside: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().starts_with("journal.damaged-"))
            .collect();
        assert_eq!(aside.len(), 1, "the damaged journal is kept for inspection");
    }

    #[test]
    fn a_foreign_format_file_and_a_foreign_journal_are_set_aside() {
        let dir = temp_store_dir("foreign");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("format.json"), "<html>not json</html>").unwrap();
        std::fs::write(dir.join("journal"), "\u{0}\u{1}binary garbage\nmore garbage\n").unwrap();
        let (_s, jobs) = Store::open(config(&dir)).unwrap();
        assert!(jobs.is_empty());
        let names: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        assert!(names.iter().any(|n| n.starts_with("format.json.damaged-")), "{names:?}");
        assert!(names.iter().any(|n| n.starts_with("journal.damaged-")), "{names:?}");
        assert!(std::fs::read_to_string(dir.join("format.json")).unwrap().contains("\"format\":1"));
    }
}
