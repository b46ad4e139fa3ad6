//! On-demand (random access) jobs: Job5 ON_DEMAND_MODE with File6::RequestFileRanges,
//! UpdateDownloadPosition and GetFilledFileRanges (`spec/bits-extended.md` §4, §9).
//!
//! Each file keeps the intervals on disk (`Demand::filled`) and a queue of requested intervals
//! still missing (`Demand::queue`). The worker fetches one span at a time (at most `MAX_SPAN`
//! bytes, so a new position or new requests take effect soon) with a `Range` request and
//! `If-Range`, writing the bytes at their own offsets of the temporary file, which has the
//! remote's size. Requested intervals come first; when none is left, a job that had requests goes
//! to TRANSFERRED (every file whole) or SUSPENDED, and a job without requests fetches every
//! missing byte, from the download position on. A remote that changed drops every interval on disk
//! (the temporary file is emptied), so a file never mixes two versions.

use std::fs::File;
use std::os::unix::fs::FileExt;
use std::sync::Arc;
use std::time::Instant;

use super::error::{EngineError, EngineResult};
use super::file::{FileRange, LocalError, Remote, Validators, LENGTH_TO_EOF, TO_EOF};
use super::http::{FetchError, Sink};
use super::job::{Inner, Job, JobState, JobType, RunControl};
use super::notify::Event;
use super::worker::{announce, fail, finish_transferred, owns, stopped};
use super::Engine;

/// Most bytes one request asks for.
const MAX_SPAN: u64 = 1 << 20;

/// What the worker does next.
enum Plan {
    Fetch {
        index: usize,
        url: url::Url,
        first: u64,
        last: u64,
        known: Option<Validators>,
        temp: std::path::PathBuf,
        /// Nothing of the file is on disk yet: its temporary file may still have to be created.
        fresh: bool,
    },
    /// A file is whole and not announced yet.
    Announce(usize),
    /// File `index` cannot be fetched by ranges (not an http(s) source).
    Fail(usize),
    /// Nothing is left to fetch: every requested interval is on disk (or, without requests, every
    /// byte).
    Finish,
}

/// The next span to fetch: the first queued interval of the first file that has one; without
/// requests, the first missing bytes of the first incomplete file, from its position on.
fn plan(g: &Inner) -> Plan {
    let fetch = |index: usize, start: u64, end: u64| {
        let f = &g.files[index];
        let Remote::Http(url) = &f.remote else { return Plan::Fail(index) };
        let end = end.min(start.saturating_add(MAX_SPAN));
        Plan::Fetch {
            index,
            url: url.clone(),
            first: start,
            last: end - 1,
            known: f.validators.clone(),
            temp: f.temp.clone(),
            fresh: f.received == 0 && f.demand.filled.is_empty() && !f.transferred,
        }
    };
    for (i, f) in g.files.iter().enumerate() {
        if !f.transferred && f.size.is_some_and(|s| f.demand.complete(s)) {
            return Plan::Announce(i);
        }
    }
    for (i, f) in g.files.iter().enumerate() {
        if let Some(&(s, e)) = f.demand.queue.first() {
            return fetch(i, s, e);
        }
    }
    if g.settings.demand_requested {
        return Plan::Finish;
    }
    for (i, f) in g.files.iter().enumerate() {
        if f.transferred {
            continue;
        }
        match f.size {
            // The size comes with the first answer.
            None => return fetch(i, 0, TO_EOF),
            Some(size) => {
                if let Some((s, e)) = f.demand.next_missing(size) {
                    return fetch(i, s, e);
                }
            }
        }
    }
    Plan::Finish
}

/// Runs one transfer of an on-demand job until nothing is left to fetch, an error, or a stop.
/// Returns the callback the caller makes (see [`super::worker::run`]).
pub(crate) fn run(engine: &Arc<Engine>, job: &Arc<Job>, ctrl: &Arc<RunControl>) -> Option<Event> {
    let policy = Job::request_options(&job.lock());
    loop {
        let step = {
            let g = job.lock();
            if !owns(&g, ctrl) {
                return None;
            }
            plan(&g)
        };
        match step {
            Plan::Announce(index) => {
                if !announce(engine, job, ctrl, index) {
                    return None;
                }
            }
            Plan::Finish => return finish(engine, job, ctrl),
            Plan::Fail(index) => return fail(engine, job, ctrl, FetchError::NoRangeSupport, index),
            Plan::Fetch { index, url, first, last, known, temp, fresh } => {
                let stop = || ctrl.stop_requested();
                let result = super::tls::for_file(index, || {
                    let file = super::worker::open_file_temp(job, ctrl, index, &temp, fresh)?;
                    let mut sink = DemandSink {
                        engine,
                        job,
                        ctrl,
                        index,
                        file,
                        last_modification: None,
                        checkpoint: job.checkpoint(),
                        last_checkpoint: Instant::now(),
                    };
                    engine.http.fetch_span(&url, first, last, known.as_ref(), &policy, &stop, &mut sink)
                });
                match result {
                    Ok(done) => {
                        let mut g = job.lock();
                        if !owns(&g, ctrl) {
                            return None;
                        }
                        if g.response_headers.len() <= index {
                            g.response_headers.resize(index + 1, String::new());
                        }
                        g.response_headers[index] = done.response_headers;
                        g.last_progress = Instant::now();
                        job.persist_progress(&g, index);
                    }
                    Err(FetchError::Stopped) => return stopped(engine, job, ctrl),
                    Err(e) => {
                        if e == FetchError::NoRangeSupport {
                            let mut g = job.lock();
                            if owns(&g, ctrl) {
                                g.files[index].demand.no_ranges = true;
                            }
                        }
                        return fail(engine, job, ctrl, e, index);
                    }
                }
            }
        }
    }
}

/// Nothing is left to fetch: TRANSFERRED when every file is whole, else SUSPENDED (every
/// requested interval is on disk). Either way the requests are answered.
fn finish(engine: &Arc<Engine>, job: &Arc<Job>, ctrl: &Arc<RunControl>) -> Option<Event> {
    {
        let mut g = job.lock();
        if !owns(&g, ctrl) {
            return None;
        }
        g.settings.demand_requested = false;
        if !g.files.iter().all(|f| f.transferred) {
            g.run = None;
            g.state = JobState::Suspended;
            g.retry_epoch += 1;
            g.times.modified = super::time::FileTime::now();
            job.persist(&g);
            drop(g);
            engine.notifier.post(job, Event::Modification);
            engine.scheduler.wake();
            return None;
        }
    }
    let event = finish_transferred(job, ctrl);
    engine.scheduler.wake();
    event
}

/// Writes an on-demand file's bytes at their offsets and records them as filled.
struct DemandSink<'a> {
    engine: &'a Arc<Engine>,
    job: &'a Arc<Job>,
    ctrl: &'a Arc<RunControl>,
    index: usize,
    file: File,
    last_modification: Option<Instant>,
    checkpoint: Option<(std::time::Duration, u64)>,
    last_checkpoint: Instant,
}

impl Sink for DemandSink<'_> {
    /// Another version of the remote: everything on disk goes (the temporary file is emptied). A
    /// job serving requests asks again for what was on disk.
    fn restart(&mut self) -> Result<(), FetchError> {
        // The record forgets the bytes first, then they go: whatever happens in between, no byte
        // of the old version is ever counted as filled.
        let mut g = self.job.lock();
        if !owns(&g, self.ctrl) {
            return Err(FetchError::Stopped);
        }
        let requested = g.settings.demand_requested;
        let f = &mut g.files[self.index];
        let old = std::mem::take(&mut f.demand.filled);
        if requested {
            let mut queue = old;
            queue.append(&mut f.demand.queue);
            f.demand.queue = Vec::new();
            for (s, e) in queue {
                f.demand.request(s, e);
            }
        }
        f.received = 0;
        f.validators = None;
        f.size = None;
        f.transferred = false;
        self.job.persist(&g);
        drop(g);
        self.file.set_len(0).map_err(|e| FetchError::Local(LocalError::from_io(&e)))
    }

    /// The size is known: the file gets it (sparse), queued ends running to EOF stop there, and a
    /// queued interval past the end fails the transfer (BG_E_INVALID_RANGE) and is dropped.
    fn begin(&mut self, size: Option<u64>, validators: &Validators) -> Result<(), FetchError> {
        let total = size.ok_or(FetchError::MissingSize)?;
        let fits = {
            let mut g = self.job.lock();
            if !owns(&g, self.ctrl) {
                return Err(FetchError::Stopped);
            }
            if g.state == JobState::Connecting || g.state == JobState::Queued {
                g.state = JobState::Transferring;
            }
            let f = &mut g.files[self.index];
            f.size = Some(total);
            f.validators = Some(validators.clone());
            let fits = f.demand.clamp(total);
            if !fits {
                self.job.persist(&g);
            }
            fits
        };
        let len = self.file.metadata().map(|m| m.len()).unwrap_or(0);
        if len < total {
            self.file.set_len(total).map_err(|e| FetchError::Local(LocalError::from_io(&e)))?;
        }
        self.engine.notifier.post(self.job, Event::Modification);
        if fits {
            Ok(())
        } else {
            Err(FetchError::RangeBeyondEnd)
        }
    }

    fn write(&mut self, offset: u64, data: &[u8]) -> Result<(), FetchError> {
        let mut g = self.job.lock();
        if !owns(&g, self.ctrl) {
            return Err(FetchError::Stopped);
        }
        // Written under the job's lock: a transfer that was stopped (and perhaps followed by one
        // that saw another version) never writes into the file again.
        self.file.write_all_at(data, offset).map_err(|e| FetchError::Local(LocalError::from_io(&e)))?;
        let f = &mut g.files[self.index];
        f.demand.fill(offset, offset + data.len() as u64);
        f.received = f.demand.filled_bytes();
        g.last_progress = Instant::now();
        if let Some((interval, _)) = self.checkpoint {
            if self.last_checkpoint.elapsed() >= interval {
                self.job.persist_progress(&g, self.index);
                self.last_checkpoint = Instant::now();
            }
        }
        drop(g);
        self.engine.notifier.post_progress(self.job, &mut self.last_modification);
        Ok(())
    }

    fn range_done(&mut self, offset: u64, length: u64) {
        let mut g = self.job.lock();
        if !owns(&g, self.ctrl) {
            return;
        }
        g.ranges_done.push((self.index, offset, length));
        drop(g);
        self.engine.notifier.post(self.job, Event::FileRangesTransferred);
    }
}

/// Whether file `index` of the job can take random access calls.
fn random_access(g: &Inner, job_type: JobType, index: usize) -> EngineResult<()> {
    let f = g.files.get(index).ok_or(EngineError::NotFound)?;
    if job_type != JobType::Download || !g.settings.on_demand || f.demand.no_ranges {
        return Err(EngineError::RandomAccessNotSupported);
    }
    Ok(())
}

impl Job {
    /// Job5 ON_DEMAND_MODE: download jobs only, before the first Resume, not with a custom HTTP
    /// method, dynamic content, ranged files (AddFileWithRanges) or local sources.
    pub fn set_on_demand(&self, enable: bool) -> EngineResult<()> {
        let job_type = self.job_type();
        self.modify(|g| {
            if job_type != JobType::Download {
                return Err(EngineError::Unsupported("download jobs only"));
            }
            if enable && g.settings.http_method.is_some() {
                return Err(EngineError::NotSupportedWithCustomMethod);
            }
            if g.settings.resumed {
                return Err(EngineError::ReadOnlyAfterResume);
            }
            if enable && g.settings.dynamic_content {
                return Err(EngineError::InvalidArgument("on-demand mode and dynamic content exclude each other"));
            }
            if enable && g.files.iter().any(|f| f.ranges.is_some() || !matches!(f.remote, Remote::Http(_))) {
                return Err(EngineError::InvalidArgument("on-demand mode takes whole http(s) files"));
            }
            g.settings.on_demand = enable;
            Ok(())
        })
    }
}

impl Engine {
    /// File6::RequestFileRanges: queues the ranges' bytes that are neither on disk nor queued
    /// (overlaps are split off). Once the size is known, a range past the end is refused
    /// (`InvalidRange`); before, the transfer fails with BG_E_INVALID_RANGE when it learns the
    /// size. The job's state does not change: a running transfer takes the ranges at its next
    /// request, a suspended job fetches them at its next Resume.
    pub fn request_file_ranges(&self, job: &Arc<Job>, index: usize, ranges: &[FileRange]) -> EngineResult<()> {
        let job_type = job.job_type();
        job.modify(|g| {
            random_access(g, job_type, index)?;
            let size = g.files[index].size;
            let mut spans = Vec::with_capacity(ranges.len());
            for r in ranges {
                if r.offset == LENGTH_TO_EOF || r.length == 0 {
                    return Err(EngineError::InvalidRange);
                }
                let end = if r.length == LENGTH_TO_EOF {
                    size.unwrap_or(TO_EOF)
                } else {
                    r.offset.checked_add(r.length).filter(|e| *e != TO_EOF).ok_or(EngineError::InvalidRange)?
                };
                if size.is_some_and(|s| r.offset >= s || end > s) {
                    return Err(EngineError::InvalidRange);
                }
                spans.push((r.offset, end));
            }
            let f = &mut g.files[index];
            for (s, e) in spans {
                f.demand.request(s, e);
            }
            g.settings.demand_requested = true;
            Ok(())
        })?;
        self.notifier.post(job, Event::Modification);
        Ok(())
    }

    /// File6::UpdateDownloadPosition: the queued interval holding `offset` is split there and the
    /// queue is ordered from `offset` on (then the bytes before it); without requests, missing
    /// bytes are fetched from `offset` on. Takes effect at the transfer's next request.
    pub fn update_download_position(&self, job: &Arc<Job>, index: usize, offset: u64) -> EngineResult<()> {
        let job_type = job.job_type();
        job.modify(|g| {
            random_access(g, job_type, index)?;
            g.files[index].demand.set_position(offset);
            Ok(())
        })
    }

    /// File6::GetFilledFileRanges of a file of an on-demand job: the intervals on disk as
    /// (offset, length), by offset. `None` for a file of another job (the interface answers from
    /// its progress).
    pub fn filled_ranges(&self, job: &Arc<Job>, index: usize) -> EngineResult<Option<Vec<(u64, u64)>>> {
        let g = job.lock();
        if !g.settings.on_demand {
            return Ok(None);
        }
        random_access(&g, job.job_type(), index)?;
        Ok(Some(g.files[index].demand.filled.iter().map(|&(s, e)| (s, e - s)).collect()))
    }
}
