//! A transfer worker: runs on a pool thread, fetches a job's files in the order they were added
//! into their temporary files, and records the outcome, but only while it still owns the job's run
//! token (a Suspend, Cancel, Complete or pre-emption takes the token away).

use std::fs::File;
use std::os::unix::fs::FileExt;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;

use parking_lot::Mutex;

use super::file::{open_or_create_temp, open_temp, LocalError, Validators};
use super::http::{FetchError, Sink};
use super::job::{Inner, Job, JobFailure, JobState, RunControl, StopReason};
use super::notify::Event;
use super::time::FileTime;
use super::Engine;

/// Runs one transfer of `job` until every file is transferred, an error, or a stop request.
///
/// Up to `connections_per_job` files of the job are fetched at once (started in the order they were
/// added, each on its own connection), but they become TRANSFERRED strictly in that order: a file
/// fetched early waits until every file before it is done, so FilesTransferred, FileTransferred and
/// Complete see BITS's one-after-another order. The first error stops the other fetches, keeping
/// their progress.
///
/// Returns the callback this transfer ended with (JobTransferred or JobError), for the caller to
/// make once the worker's slot is free ([`super::notify::Notifier::call_back_here`]); other
/// notifications are posted to the notifier as they happen.
pub(crate) fn run(engine: &Arc<Engine>, job: &Arc<Job>, ctrl: &Arc<RunControl>) -> Option<Event> {
    if job.job_type() != super::job::JobType::Download {
        return super::upload::run(engine, job, ctrl);
    }
    let _span = tracing::debug_span!("job", id = %job.id()).entered();
    tracing::debug!("transfer starts");
    if job.lock().settings.on_demand {
        return super::ondemand::run(engine, job, ctrl);
    }
    discover_sizes(engine, job, ctrl);
    loop {
        let (pending, policy) = {
            let g = job.lock();
            if !owns(&g, ctrl) {
                return None;
            }
            let pending: Vec<usize> = (0..g.files.len()).filter(|i| !g.files[*i].transferred).collect();
            (pending, Job::request_options(&g))
        };
        if pending.is_empty() {
            return finish_transferred(job, ctrl);
        }
        let next = AtomicUsize::new(0);
        let abort = AtomicBool::new(false);
        // Fetched files waiting for their turn, and the next position of `pending` to announce.
        let order: Mutex<(Vec<bool>, usize)> = Mutex::new((vec![false; pending.len()], 0));
        let failed: Mutex<Option<(FetchError, usize)>> = Mutex::new(None);
        let fetcher = || loop {
            if abort.load(Ordering::Relaxed) || ctrl.stop_requested() {
                return;
            }
            let n = next.fetch_add(1, Ordering::Relaxed);
            let Some(&index) = pending.get(n) else { return };
            let stop = || ctrl.stop_requested() || abort.load(Ordering::Relaxed);
            match fetch_one(engine, job, ctrl, index, &policy, &stop) {
                Ok(()) => {
                    let mut o = order.lock();
                    o.0[n] = true;
                    while o.1 < pending.len() && o.0[o.1] {
                        // Every path after the last file records the whole job (TRANSFERRED,
                        // a pre-emption, or the caller's Suspend/Cancel/Complete).
                        if !announce_file(engine, job, ctrl, pending[o.1], true) {
                            return;
                        }
                        o.1 += 1;
                    }
                }
                Err(FetchError::Stopped) => return,
                Err(e) => {
                    let mut f = failed.lock();
                    if f.is_none() {
                        *f = Some((e, index));
                    }
                    abort.store(true, Ordering::Relaxed);
                    return;
                }
            }
        };
        let k = engine.connections_per_job.clamp(1, pending.len());
        if k == 1 {
            fetcher();
        } else {
            std::thread::scope(|s| {
                for _ in 0..k {
                    s.spawn(fetcher);
                }
            });
        }
        if let Some((e, index)) = failed.into_inner() {
            return fail(engine, job, ctrl, e, index);
        }
        if ctrl.stop_requested() {
            return stopped(engine, job, ctrl);
        }
        // Every pending file is done; files added meanwhile are picked up by the next round.
    }
}

/// Opens the temporary file of a transfer: created now when nothing of the file was received yet
/// (AddFile only named it), and recorded under its new name when the chosen one was taken by
/// something that is not ours. Bytes already received need the file that holds them: a missing
/// one is a local error, never a new file with a hole.
pub(crate) fn open_file_temp(
    job: &Arc<Job>,
    ctrl: &Arc<RunControl>,
    index: usize,
    temp: &std::path::Path,
    fresh: bool,
) -> Result<File, FetchError> {
    let owner = job.owner();
    // Opened and created as the owner: in a directory the owner may write to, owned by them.
    let as_owner = owner.act().map_err(FetchError::Local)?;
    if !fresh {
        return open_temp(temp).map_err(|e| {
            tracing::warn!(index, temp = %temp.display(), "the temporary file holding the bytes received is gone: {e:?}");
            FetchError::Local(e)
        });
    }
    let opened = open_or_create_temp(temp).map_err(FetchError::Local);
    drop(as_owner);
    let (file, name) = opened?;
    if name != temp {
        let mut g = job.lock();
        if !owns(&g, ctrl) {
            drop(g);
            super::job::delete_files(owner, &[name]);
            return Err(FetchError::Stopped);
        }
        g.files[index].temp = name;
    }
    Ok(file)
}

/// Fetches one file into its temporary file and records it as transferred.
fn fetch_one(
    engine: &Arc<Engine>,
    job: &Arc<Job>,
    ctrl: &Arc<RunControl>,
    index: usize,
    policy: &super::http::RequestOptions,
    stop: &(dyn Fn() -> bool + Sync),
) -> Result<(), FetchError> {
    let (entry, acl_flags) = {
        let g = job.lock();
        if !owns(&g, ctrl) {
            return Err(FetchError::Stopped);
        }
        (g.files[index].clone(), g.settings.file_acl_flags)
    };
    let _span = tracing::debug_span!("file", index, url = %entry.remote.for_log()).entered();
    tracing::debug!(offset = entry.received, local = %entry.local.display(), "fetching");
    // A per-file size hint (legacy DO AddFileWithRanges / TotalSizeBytes) beats the job's.
    let hinted;
    let policy = match entry.size_hint {
        Some(h) => {
            hinted = super::http::RequestOptions { size_hint: Some(h), ..policy.clone() };
            &hinted
        }
        None => policy,
    };
    if !entry.stream && entry.local.as_os_str().is_empty() {
        return Err(FetchError::Local(LocalError::NoSink));
    }
    // The certificate validation callback is told which file a handshake is for.
    let result = super::tls::for_file(index, || {
        // The bytes go to the caller's stream, or to the temporary file (returned for the
        // attributes of a local source), over several connections when it is large.
        if entry.stream {
            let target = job.lock().do_rt.streams.get(&index).cloned();
            // A stored stream download came back without its stream: it cannot continue.
            let Some(target) = target else { return Ok((Err(FetchError::StreamWrite(STREAM_GONE)), None)) };
            let mut sink = StreamSink { engine, job, ctrl, index, target, last_modification: None };
            let r = engine.http.fetch(
                &entry.remote,
                entry.ranges.as_deref(),
                entry.received,
                entry.validators.as_ref(),
                policy,
                stop,
                &mut sink,
            );
            return Ok((r, None));
        }
        let fresh = entry.received == 0 && !entry.transferred;
        let file = open_file_temp(job, ctrl, index, &entry.temp, fresh)?;
        let k = super::segment::connections(engine, &entry, policy);
        if k > 1 {
            let r = super::segment::fetch(engine, job, ctrl, index, &entry, &file, k, policy, stop);
            return Ok((r, Some(file)));
        }
        let received = if entry.demand.pieces {
            // Pieces on disk, one connection now: the first run of bytes is kept.
            super::segment::to_one_piece(job, ctrl, index)?
        } else {
            entry.received
        };
        let mut sink = TempSink::new(engine, job, ctrl, index, &file, &entry, received);
        let r = engine.http.fetch(
            &entry.remote,
            entry.ranges.as_deref(),
            received,
            entry.validators.as_ref(),
            policy,
            stop,
            &mut sink,
        );
        Ok((r, Some(file)))
    });
    let (done, file) = result?;
    record_response(job, ctrl, &done);
    let done = done?;
    if let (super::file::Remote::Local(source), true, Some(file)) = (&entry.remote, acl_flags != 0, &file) {
        // As the owner: what the owner could not do to the file themselves (give it to another
        // user, set a set-user-ID bit on another user's behalf) fails.
        let as_owner = job.owner().act().map_err(FetchError::Local)?;
        let copied = copy_source_attributes(source, file, acl_flags);
        drop(as_owner);
        copied?;
    }
    let mut g = job.lock();
    if !owns(&g, ctrl) {
        return Err(FetchError::Stopped);
    }
    tracing::debug!(size = done.size, "file transferred");
    let f = &mut g.files[index];
    f.size = Some(done.size);
    f.received = done.size;
    f.validators = Some(done.validators);
    if let (true, Some(url)) = (policy.redirect.report, done.final_url) {
        f.remote_name = url.to_string();
        f.remote = super::file::Remote::Http(url);
    }
    if g.response_headers.len() <= index {
        g.response_headers.resize(index + 1, String::new());
    }
    g.response_headers[index] = done.response_headers;
    g.last_progress = Instant::now();
    // A large file waiting for its turn is recorded now (a crash must not lose it whole); a small
    // one is recorded when it is announced, which is usually at once.
    if job.checkpoint().is_some_and(|(_, bytes)| done.size >= bytes) {
        job.persist_progress(&g, index);
    }
    Ok(())
}

/// What a stream download reports when its stream is gone (a stored download in a new process):
/// E_HANDLE.
const STREAM_GONE: i32 = 0x8007_0006_u32 as i32;

/// Keeps what DO's read-only HTTP properties report: the last response's status and the URL it
/// came from after redirects.
fn record_response(job: &Arc<Job>, ctrl: &Arc<RunControl>, done: &Result<super::http::FetchDone, FetchError>) {
    let status = match done {
        Ok(d) => Some((d.status, d.final_url.clone())),
        Err(FetchError::Status(s)) => Some((*s, None)),
        Err(_) => None,
    };
    let Some((status, url)) = status else { return };
    let mut g = job.lock();
    if !owns(&g, ctrl) {
        return;
    }
    if let Some(p) = g.settings.do_props.as_mut() {
        p.status_code = Some(status);
        if let Some(u) = url {
            p.redirection_target = Some(u.to_string());
        }
    }
}

/// SetFileACLFlags for a local source: the copy takes the source's owner (1), group (2) and
/// permission bits (4); the audit bit (8) has no Linux counterpart. Owner and group need CAP_CHOWN.
fn copy_source_attributes(source: &std::path::Path, copy: &File, flags: u32) -> Result<(), FetchError> {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let local = |e: std::io::Error| FetchError::Local(LocalError::from_io(&e));
    let meta = std::fs::metadata(source).map_err(local)?;
    let uid = (flags & 1 != 0).then(|| meta.uid());
    let gid = (flags & 2 != 0).then(|| meta.gid());
    if uid.is_some() || gid.is_some() {
        std::os::unix::fs::fchown(copy, uid, gid).map_err(|e| {
            if e.kind() == std::io::ErrorKind::PermissionDenied {
                FetchError::AclPrivilege
            } else {
                local(e)
            }
        })?;
    }
    if flags & 4 != 0 {
        copy.set_permissions(std::fs::Permissions::from_mode(meta.mode() & 0o7777)).map_err(local)?;
    }
    Ok(())
}

/// Marks a fetched file TRANSFERRED (its turn has come) and tells the callback. False when the
/// worker no longer owns the job.
pub(super) fn announce(engine: &Arc<Engine>, job: &Arc<Job>, ctrl: &Arc<RunControl>, index: usize) -> bool {
    announce_file(engine, job, ctrl, index, false)
}

/// `announce`, where `last_then_record` says the caller records the whole job right after when
/// this was its last file (the transfer loop does, with TRANSFERRED): the file's own progress
/// record is then not written (one journal record less per job). Otherwise the record is
/// deferred ([`Job::persist_progress_deferred`]): the file's bytes are all there, and a crash
/// before the record is written costs fetching it again, like a crash between checkpoints.
fn announce_file(
    engine: &Arc<Engine>,
    job: &Arc<Job>,
    ctrl: &Arc<RunControl>,
    index: usize,
    last_then_record: bool,
) -> bool {
    let mut g = job.lock();
    if !owns(&g, ctrl) {
        return false;
    }
    g.files[index].transferred = true;
    if !(last_then_record && g.files.iter().all(|f| f.transferred)) {
        // With the next write or flush: a job of many small files would otherwise write a
        // record per file.
        job.persist_progress_deferred(&g, index);
    }
    drop(g);
    engine.notifier.post(job, Event::FileTransferred(index));
    true
}

/// Most files whose size is asked for before a job's transfer starts.
const MAX_DISCOVERY: usize = 64;

/// Size discovery: BITS reports a job's BytesTotal once every file's size is known, so before
/// fetching, the sizes still unknown are asked for (HEAD, several at once). A job of one file
/// learns its size from the GET itself, and so does a job of more than MAX_DISCOVERY unsized files.
fn discover_sizes(engine: &Arc<Engine>, job: &Arc<Job>, ctrl: &Arc<RunControl>) {
    let todo: Vec<(usize, super::file::Remote)> = {
        let g = job.lock();
        if g.files.len() < 2 {
            return;
        }
        let todo: Vec<_> = g
            .files
            .iter()
            .enumerate()
            // A ranged file's size is not the remote's: it comes with its first range.
            .filter(|(_, f)| f.size.is_none() && !f.transferred && f.ranges.is_none())
            .map(|(i, f)| (i, f.remote.clone()))
            .collect();
        // Asking every size first costs a request per file: worth it for a job of some files,
        // not for thousands, whose sizes arrive with the files (several at once) anyway.
        if todo.is_empty() || todo.len() > MAX_DISCOVERY {
            return;
        }
        todo
    };
    let policy = Job::request_options(&job.lock());
    let found = AtomicBool::new(false);
    let next = AtomicUsize::new(0);
    // As many HEAD requests at once as the job has connections.
    let asker = || loop {
        if ctrl.stop_requested() {
            return;
        }
        let Some((i, remote)) = todo.get(next.fetch_add(1, Ordering::Relaxed)) else { return };
        if let Some(size) = super::tls::for_file(*i, || engine.http.size_of(remote, &policy)) {
            let mut g = job.lock();
            if !owns(&g, ctrl) {
                return;
            }
            // A GET that started meanwhile knows better.
            if g.files[*i].size.is_none() && g.files[*i].received == 0 {
                g.files[*i].size = Some(size);
                found.store(true, Ordering::Relaxed);
            }
        }
    };
    let k = engine.connections_per_job.clamp(1, todo.len());
    if k == 1 {
        asker();
    } else {
        std::thread::scope(|s| {
            for _ in 0..k {
                s.spawn(asker);
            }
        });
    }
    if found.load(Ordering::Relaxed) {
        engine.notifier.post(job, Event::Modification);
    }
}

/// Whether `ctrl` is still the job's running transfer.
pub(super) fn owns(g: &Inner, ctrl: &Arc<RunControl>) -> bool {
    g.run.as_ref().is_some_and(|r| Arc::ptr_eq(r, ctrl)) && !g.state.is_final()
}

/// TRANSFERRED. Returns the JobTransferred callback to make, unless the job was no longer this
/// transfer's.
#[must_use]
/// A transfer that stopped because it was asked to: a pre-empted job goes back to the queue
/// with its progress (the caller's Suspend, Cancel or Complete already set the state).
pub(super) fn stopped(engine: &Arc<Engine>, job: &Arc<Job>, ctrl: &Arc<RunControl>) -> Option<Event> {
    let mut g = job.lock();
    if owns(&g, ctrl) && ctrl.reason() == StopReason::Preempt {
        g.run = None;
        g.state = JobState::Queued;
        g.queued_at = Instant::now();
        job.persist(&g);
        drop(g);
        engine.scheduler.enqueue(job);
    }
    None
}

pub(super) fn finish_transferred(job: &Arc<Job>, ctrl: &Arc<RunControl>) -> Option<Event> {
    {
        let mut g = job.lock();
        if !owns(&g, ctrl) {
            return None;
        }
        g.run = None;
        g.state = JobState::Transferred;
        g.failure = None;
        let now = FileTime::now();
        g.times.transfer_completed = now;
        g.times.modified = now;
        g.event_seq += 1;
        job.persist_deferred(&g);
    }
    Some(Event::Transferred)
}

/// Records a failure: TRANSIENT_ERROR with a retry, or ERROR. Returns the JobError callback to
/// make for an ERROR.
#[must_use]
pub(super) fn fail(
    engine: &Arc<Engine>,
    job: &Arc<Job>,
    ctrl: &Arc<RunControl>,
    error: FetchError,
    index: usize,
) -> Option<Event> {
    let fatal_now = {
        let mut g = job.lock();
        if !owns(&g, ctrl) {
            return None;
        }
        // With a custom HTTP method nothing resumes, so nothing is worth retrying by itself.
        let transient = error.is_transient() && g.settings.http_method.is_none();
        let _span = tracing::info_span!("job", id = %job.id()).entered();
        match g.files.get(index) {
            Some(f) if transient => {
                tracing::info!(file = index, url = %f.remote.for_log(), "transient error: {error:?}")
            }
            Some(f) => tracing::warn!(file = index, url = %f.remote.for_log(), "error: {error:?}"),
            None => tracing::warn!("error: {error:?}"),
        }
        g.run = None;
        g.error_count = g.error_count.saturating_add(1);
        g.failure = Some(JobFailure::from_fetch(error, Some(index)));
        g.times.modified = FileTime::now();
        // NoProgressTimeout 0 means "never retry"; a retry delay longer than the timeout means the
        // job would time out before the retry, so it fails now.
        // (DO downloads retry within seconds, whatever MinimumRetryDelay says.)
        let is_do = g.settings.do_props.is_some();
        let out_of_time = g.no_progress_timeout == 0
            || (!is_do && g.min_retry_delay > g.no_progress_timeout)
            || g.last_progress.elapsed().as_secs() >= u64::from(g.no_progress_timeout);
        let fatal = if transient && !out_of_time {
            g.state = JobState::TransientError;
            g.retry_epoch += 1;
            false
        } else {
            let timed_out = transient && g.no_progress_timeout > 0;
            if let Some(f) = g.failure.as_mut() {
                f.timed_out = timed_out;
            }
            g.state = JobState::Error;
            g.event_seq += 1;
            true
        };
        job.persist(&g);
        fatal
    };
    if fatal_now {
        return Some(Event::Error);
    }
    engine.notifier.post(job, Event::Modification);
    engine.scheduler.schedule_retry(engine, job);
    None
}

/// Writes a file's bytes into its temporary file and keeps the job's progress current.
pub(super) struct TempSink<'a> {
    engine: &'a Arc<Engine>,
    job: &'a Arc<Job>,
    ctrl: &'a Arc<RunControl>,
    index: usize,
    file: &'a File,
    last_modification: Option<Instant>,
    /// The store's checkpoint interval and byte count, if the job is stored.
    checkpoint: Option<(std::time::Duration, u64)>,
    /// When and at which byte count the last progress checkpoint was recorded.
    last_checkpoint: (Instant, u64),
    /// A DO download's ranges, written at their own offsets of the file: the fetch's back-to-back
    /// output offsets are mapped through them.
    at_offsets: Option<Vec<super::file::FileRange>>,
    /// The remote's size, once a response said it.
    remote_size: Option<u64>,
}

impl<'a> TempSink<'a> {
    /// The sink of file `index` (`entry`, as the transfer found it, with `received` bytes on
    /// disk) writing into `file`.
    pub(super) fn new(
        engine: &'a Arc<Engine>,
        job: &'a Arc<Job>,
        ctrl: &'a Arc<RunControl>,
        index: usize,
        file: &'a File,
        entry: &super::file::FileEntry,
        received: u64,
    ) -> TempSink<'a> {
        TempSink {
            engine,
            job,
            ctrl,
            index,
            file,
            last_modification: None,
            checkpoint: job.checkpoint(),
            last_checkpoint: (Instant::now(), received),
            at_offsets: entry.ranges.clone().filter(|_| entry.at_offsets),
            remote_size: None,
        }
    }

    /// Where output byte `offset` goes in the file.
    fn file_offset(&self, offset: u64) -> u64 {
        let Some(ranges) = &self.at_offsets else { return offset };
        let mut start = 0u64;
        for r in ranges {
            match super::file::resolved_length(r, self.remote_size) {
                Some(len) if offset >= start + len => start += len,
                _ => return r.offset + (offset - start),
            }
        }
        offset
    }
}

impl Sink for TempSink<'_> {
    fn range_done(&mut self, offset: u64, length: u64) {
        let mut g = self.job.lock();
        if !owns(&g, self.ctrl) {
            return;
        }
        g.ranges_done.push((self.index, offset, length));
        drop(g);
        self.engine.notifier.post(self.job, Event::FileRangesTransferred);
    }

    fn restart(&mut self) -> Result<(), FetchError> {
        self.file.set_len(0).map_err(|e| FetchError::Local(LocalError::from_io(&e)))?;
        let mut g = self.job.lock();
        if owns(&g, self.ctrl) {
            let f = &mut g.files[self.index];
            f.received = 0;
            f.validators = None;
            f.size = None;
            self.job.persist_progress(&g, self.index);
            self.last_checkpoint = (Instant::now(), 0);
        }
        Ok(())
    }

    fn begin(&mut self, size: Option<u64>, validators: &Validators) -> Result<(), FetchError> {
        // No record yet: the first checkpoint carries the validators with the bytes they describe.
        begin_file(self.job, self.ctrl, self.index, size, validators)?;
        self.remote_size = validators.size;
        // Ranges at their offsets: the file has the remote's size (sparse where not fetched).
        if let (Some(_), Some(total)) = (&self.at_offsets, validators.size) {
            let len = self.file.metadata().map(|m| m.len()).unwrap_or(0);
            if len < total {
                self.file.set_len(total).map_err(|e| FetchError::Local(LocalError::from_io(&e)))?;
            }
        }
        self.engine.notifier.post(self.job, Event::Modification);
        Ok(())
    }

    fn write(&mut self, offset: u64, data: &[u8]) -> Result<(), FetchError> {
        let at = self.file_offset(offset);
        self.file.write_all_at(data, at).map_err(|e| FetchError::Local(LocalError::from_io(&e)))?;
        self.wrote(offset, data.len() as u64)
    }

    /// A file of ranges keeps them at their own offsets (`file_offset`), which a direct copy
    /// does not know: only a whole file is written directly.
    fn takes_direct(&self) -> bool {
        self.at_offsets.is_none()
    }

    fn write_direct(&mut self, offset: u64, direct: &mut super::tcp::Direct) -> Result<(), FetchError> {
        let n = direct.held();
        direct.write_to(self.file, offset, n).map_err(|e| FetchError::Local(LocalError::from_io(&e)))?;
        self.wrote(offset, n as u64)
    }
}

impl TempSink<'_> {
    /// `len` bytes at `offset` are in the file: the file's progress (and checkpoint) follows.
    fn wrote(&mut self, offset: u64, len: u64) -> Result<(), FetchError> {
        let mut g = self.job.lock();
        if !owns(&g, self.ctrl) {
            return Err(FetchError::Stopped);
        }
        let f = &mut g.files[self.index];
        f.received = f.received.max(offset + len);
        let received = f.received;
        g.last_progress = Instant::now();
        // A progress checkpoint every interval or every N bytes, whichever comes first.
        if let Some((interval, bytes)) = self.checkpoint {
            let (at, count) = self.last_checkpoint;
            if received.saturating_sub(count) >= bytes || at.elapsed() >= interval {
                self.job.persist_progress(&g, self.index);
                self.last_checkpoint = (Instant::now(), received);
            }
        }
        drop(g);
        self.engine.notifier.post_progress(self.job, &mut self.last_modification);
        Ok(())
    }
}

/// A response for file `index` begins: the job is TRANSFERRING and the file has the response's
/// size and validators. `Stopped` when the transfer no longer owns the job.
fn begin_file(
    job: &Arc<Job>,
    ctrl: &Arc<RunControl>,
    index: usize,
    size: Option<u64>,
    validators: &Validators,
) -> Result<(), FetchError> {
    let mut g = job.lock();
    if !owns(&g, ctrl) {
        return Err(FetchError::Stopped);
    }
    if g.state == JobState::Connecting || g.state == JobState::Queued {
        g.state = JobState::Transferring;
    }
    let f = &mut g.files[index];
    f.size = size;
    f.validators = Some(validators.clone());
    Ok(())
}

/// Hands a DO download's bytes to the caller's stream, in order, and keeps its progress current.
struct StreamSink<'a> {
    engine: &'a Arc<Engine>,
    job: &'a Arc<Job>,
    ctrl: &'a Arc<RunControl>,
    index: usize,
    target: Arc<dyn super::dodl::StreamTarget>,
    last_modification: Option<Instant>,
}

impl Sink for StreamSink<'_> {
    fn restart(&mut self) -> Result<(), FetchError> {
        let mut g = self.job.lock();
        if !owns(&g, self.ctrl) {
            return Err(FetchError::Stopped);
        }
        let f = &mut g.files[self.index];
        // Bytes the caller has cannot be taken back.
        if f.received > 0 {
            return Err(FetchError::ContentChanged);
        }
        f.validators = None;
        f.size = None;
        Ok(())
    }

    fn begin(&mut self, size: Option<u64>, validators: &Validators) -> Result<(), FetchError> {
        begin_file(self.job, self.ctrl, self.index, size, validators)?;
        self.engine.notifier.post(self.job, Event::Modification);
        Ok(())
    }

    fn write(&mut self, offset: u64, data: &[u8]) -> Result<(), FetchError> {
        {
            let g = self.job.lock();
            if !owns(&g, self.ctrl) {
                return Err(FetchError::Stopped);
            }
            // A stream has no offsets: the bytes must continue exactly where the last ones ended.
            if offset != g.files[self.index].received {
                return Err(FetchError::ContentChanged);
            }
        }
        // The caller's Write runs with no engine lock held.
        self.target.write(data).map_err(FetchError::StreamWrite)?;
        let mut g = self.job.lock();
        if !owns(&g, self.ctrl) {
            return Err(FetchError::Stopped);
        }
        let f = &mut g.files[self.index];
        f.received = offset + data.len() as u64;
        g.last_progress = Instant::now();
        drop(g);
        self.engine.notifier.post_progress(self.job, &mut self.last_modification);
        Ok(())
    }

    fn range_done(&mut self, _offset: u64, _length: u64) {}
}
