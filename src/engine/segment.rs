//! Segmented download: one large file of an ordinary download job over several connections
//! (like `aria2c -x N -s N`), each writing its piece at its own offsets of the temporary file.
//!
//! The first connection is an ordinary fetch of the file (from its resume offset). When its
//! answer shows that splitting is worth it and safe (at least [`SEGMENTED_FROM`] bytes missing,
//! byte ranges answered, and a validator to put in `If-Range`), the file switches to pieces: the
//! temporary file gets the remote's size (sparse), the bytes on disk are kept as intervals
//! (`Demand::filled`, recorded by every progress checkpoint, so each piece resumes after a crash),
//! and up to `k - 1` more connections are added while the connections running wait for the
//! network rather than the machine: while none keeps its thread on the CPU half of its time
//! (`DELIVERYOPT_SEGMENT_BUSY_PERCENT`). A server that limits each connection, or one far away,
//! leaves a connection waiting, and more connections fetch more; a connection that keeps its
//! thread busy copying is limited by this machine (CPU, memory bandwidth), where more
//! connections only cost CPU. A connection without work takes a missing interval nobody fetches, else half of the
//! largest piece still running (whose connection stops at the new end; see [`Session::take`]). Every range request carries the first answer's validators in
//! `If-Range`: a remote that changed answers with the whole file instead, which stops every
//! connection and starts the file over, so pieces of two versions never mix.
//!
//! A file whose pieces are on disk (a transfer stopped, retried or loaded after a restart)
//! continues the same way without a first fetch: its size and validators are known.

use std::fs::File;
use std::os::unix::fs::FileExt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use parking_lot::Mutex;

use super::file::{insert_interval, subtract, FileEntry, LocalError, Remote, Validators};
use super::http::{FetchDone, FetchError, RequestOptions, Sink, MAX_SEGMENTS};
use super::job::Job;
use super::job::RunControl;
use super::worker::{owns, TempSink};
use super::Engine;

/// The fewest missing bytes a file is split for.
pub(super) const SEGMENTED_FROM: u64 = 8 << 20;

/// How long a connection's rate is measured over.
const WINDOW: Duration = Duration::from_millis(50);

/// How busy (percent of its time on the CPU) a connection may be for another to join it, unless
/// `DELIVERYOPT_SEGMENT_BUSY_PERCENT` says otherwise.
pub(super) const BUSY_PERCENT: u32 = 50;

/// How often a connection waiting to be added looks again.
const RECHECK: Duration = Duration::from_millis(20);

/// The smallest piece a connection takes from another one (a piece is split only when at least
/// twice this is left of it).
const SEGMENT_MIN: u64 = 512 << 10;

/// How many connections file `entry` of a job with `policy` may be fetched over: 1 when it cannot
/// be split at all (a stream, ranges, a custom verb, dynamic content, a local source).
pub(super) fn connections(engine: &Engine, entry: &FileEntry, policy: &RequestOptions) -> usize {
    if entry.stream
        || entry.ranges.is_some()
        || policy.method.is_some()
        || policy.dynamic
        || !matches!(entry.remote, Remote::Http(_))
    {
        return 1;
    }
    let k = if policy.segments == 0 { engine.http.segments() } else { policy.segments as usize };
    k.clamp(1, MAX_SEGMENTS)
}

/// A file in pieces that will be fetched over one connection after all (its job's cap is now 1,
/// or its remote became a local file): it keeps the bytes from its start up to the first hole,
/// as an ordinary resumable file. Returns the bytes it keeps.
pub(super) fn to_one_piece(job: &Arc<Job>, ctrl: &Arc<RunControl>, index: usize) -> Result<u64, FetchError> {
    let mut g = job.lock();
    if !owns(&g, ctrl) {
        return Err(FetchError::Stopped);
    }
    let f = &mut g.files[index];
    let kept = f.demand.filled.first().filter(|&&(s, _)| s == 0).map_or(0, |&(_, e)| e);
    f.demand.filled.clear();
    f.received = kept;
    job.persist_progress(&g, index);
    g.files[index].demand.pieces = false;
    Ok(kept)
}

/// Fetches file `index` (an http(s) file, see [`connections`]) over up to `k` connections into
/// `file`, its temporary file. The same result as an ordinary fetch: the file is whole when it
/// returns Ok.
#[allow(clippy::too_many_arguments)]
pub(super) fn fetch(
    engine: &Arc<Engine>,
    job: &Arc<Job>,
    ctrl: &Arc<RunControl>,
    index: usize,
    entry: &FileEntry,
    file: &File,
    k: usize,
    policy: &RequestOptions,
    stop: &(dyn Fn() -> bool + Sync),
) -> Result<FetchDone, FetchError> {
    let Remote::Http(url) = &entry.remote else { return Err(FetchError::NoRangeSupport) };
    let mut k = k;
    for _round in 0..2 {
        let (pieces, size, validators, received) = {
            let g = job.lock();
            if !owns(&g, ctrl) {
                return Err(FetchError::Stopped);
            }
            let f = &g.files[index];
            (f.demand.pieces, f.size, f.validators.clone(), f.received)
        };
        let session = Session {
            engine,
            job,
            ctrl,
            index,
            url,
            file,
            policy,
            stop,
            k,
            plan: Mutex::new(None),
            cut: (0..k).map(|_| AtomicBool::new(false)).collect(),
            abort: AtomicBool::new(false),
            changed: AtomicBool::new(false),
            refused: AtomicBool::new(false),
            failed: Mutex::new(None),
            done: Mutex::new(None),
            checkpoint: job.checkpoint(),
            last_checkpoint: Mutex::new((Instant::now(), received)),
            last_modification: Mutex::new(None),
        };
        let whole = match (pieces, size, validators) {
            (true, Some(size), Some(validators)) => {
                // Pieces on disk: every connection starts from the record.
                *session.plan.lock() = Some(Plan { size, validators, slots: vec![None; k] });
                std::thread::scope(|s| {
                    for w in 1..k {
                        let session = &session;
                        s.spawn(move || super::tls::for_file(index, || session.work(w, false)));
                    }
                    session.work(0, false);
                });
                None
            }
            (true, _, _) => {
                // Pieces without the size or validators they belong to: start over.
                session.start_over()?;
                continue;
            }
            (false, _, validators) => std::thread::scope(|s| {
                let session = &session;
                let spawn = || {
                    for w in 1..k {
                        s.spawn(move || super::tls::for_file(index, || session.work(w, false)));
                    }
                };
                session.lead(entry, received, validators.as_ref(), &spawn)
            }),
        };
        if let Some(result) = whole {
            // Never split: the first fetch was the whole transfer.
            return result;
        }
        if session.holes() && session.failed.lock().is_none() && !session.stopping() {
            // A connection gave up just as the others ran out of work: one finishes its piece.
            session.work(0, false);
        }
        if session.changed.load(Ordering::Relaxed) {
            tracing::debug!("the remote changed under the pieces: the file starts over");
            session.start_over()?;
            if session.refused.load(Ordering::Relaxed) {
                // It said it takes ranges and did not: one connection from now on.
                k = 1;
            }
            continue;
        }
        if let Some(e) = session.failed.lock().take() {
            return Err(e);
        }
        if stop() {
            return Err(FetchError::Stopped);
        }
        return session.finish();
    }
    Err(FetchError::InvalidResponse("the server's content kept changing".into()))
}

/// The file in pieces: its size, the validators every range request carries, and what each
/// connection is fetching.
struct Plan {
    size: u64,
    validators: Validators,
    /// Per connection, the piece it is fetching.
    slots: Vec<Option<Slot>>,
}

/// A connection's piece: it owns `[start, end)`, and has reserved (written or is writing) the
/// bytes before `pos`. Another connection may lower `end` (taking what follows), never below `pos`.
#[derive(Debug, Clone, Copy)]
struct Slot {
    start: u64,
    pos: u64,
    end: u64,
    /// How busy the connection's thread is: its CPU time at `since` (the start of the current
    /// window), when it last wrote, and the share of its last whole window it spent on the CPU
    /// (percent).
    since: Instant,
    cpu_since: Duration,
    last_write: Instant,
    busy: Option<u32>,
}

impl Slot {
    /// A piece starting now, for the thread that calls this (`cpu`: its CPU time).
    fn new(start: u64, end: u64, now: Instant, cpu: Duration) -> Slot {
        Slot { start, pos: start, end, since: now, cpu_since: cpu, last_write: now, busy: None }
    }

    /// The connection's thread wrote at `now`, having used `cpu` of CPU time so far.
    fn wrote(&mut self, now: Instant, cpu: Duration) {
        self.last_write = now;
        let took = now.saturating_duration_since(self.since);
        if took >= WINDOW {
            let used = cpu.saturating_sub(self.cpu_since);
            self.busy = Some((used.as_micros() * 100 / took.as_micros().max(1)).min(100) as u32);
            (self.since, self.cpu_since) = (now, cpu);
        }
    }

    /// How busy the connection is seen at `now`: its last whole window's share (None before its
    /// first), or idle once it has written nothing for two windows (it waits for the network).
    fn busy_at(&self, now: Instant) -> Option<u32> {
        if now.saturating_duration_since(self.last_write) >= 2 * WINDOW {
            return Some(0);
        }
        self.busy
    }
}

/// The CPU time the calling thread has used.
fn thread_cpu() -> Duration {
    let t = rustix::time::clock_gettime(rustix::time::ClockId::ThreadCPUTime);
    Duration::new(t.tv_sec.max(0) as u64, t.tv_nsec.clamp(0, 999_999_999) as u32)
}

/// What a connection that wants work gets.
#[derive(Debug, PartialEq, Eq)]
enum Take {
    /// Bytes `[first, end)`.
    Piece(u64, u64),
    /// Nothing yet: the connections running are fast (or not measured yet); look again later.
    Wait,
    /// Nothing is left worth a connection.
    Done,
}

/// Whether one more connection is worth it, by how busy the running ones keep their threads:
/// not while one of them spends `limit` percent or more of its time on the CPU (the machine, not
/// the network, is what it waits for: more connections would only cost CPU), nor before any of
/// them has been measured over a [`WINDOW`]. Connections that joined a moment ago and are not
/// measured yet do not hold the others back (they all join within [`RECHECK`] once the first one
/// is known to wait for the network). With none running, yes.
fn worth_another(slots: &[Option<Slot>], now: Instant, limit: u32) -> bool {
    let busy: Vec<Option<u32>> = slots.iter().flatten().map(|s| s.busy_at(now)).collect();
    busy.is_empty() || (busy.iter().any(Option::is_some) && busy.iter().flatten().all(|b| *b < limit))
}

/// One segmented fetch of one file.
struct Session<'a> {
    engine: &'a Arc<Engine>,
    job: &'a Arc<Job>,
    ctrl: &'a Arc<RunControl>,
    index: usize,
    url: &'a url::Url,
    file: &'a File,
    policy: &'a RequestOptions,
    stop: &'a (dyn Fn() -> bool + Sync),
    k: usize,
    /// None until the file is in pieces.
    plan: Mutex<Option<Plan>>,
    /// Per connection: its piece ended (another connection took the rest), so it stops reading.
    cut: Vec<AtomicBool>,
    /// Every connection stops (an error, or another version of the remote).
    abort: AtomicBool,
    /// A range request found another version of the remote.
    changed: AtomicBool,
    /// A range request was answered with the whole file by a server that said it takes ranges.
    refused: AtomicBool,
    /// The first error; it ends the transfer.
    failed: Mutex<Option<FetchError>>,
    /// The last answer fetched in full (its headers and status are reported).
    done: Mutex<Option<FetchDone>>,
    checkpoint: Option<(std::time::Duration, u64)>,
    last_checkpoint: Mutex<(Instant, u64)>,
    last_modification: Mutex<Option<Instant>>,
}

impl Session<'_> {
    /// The first connection: an ordinary fetch that splits the file when its answer allows
    /// (`LeadSink::begin`), then goes on like the others. Some(result) when the file was not split.
    fn lead(
        &self,
        entry: &FileEntry,
        received: u64,
        known: Option<&Validators>,
        spawn: &dyn Fn(),
    ) -> Option<Result<FetchDone, FetchError>> {
        let mut sink = LeadSink {
            temp: TempSink::new(self.engine, self.job, self.ctrl, self.index, self.file, entry, received),
            session: self,
            received,
            ranges: false,
            split: false,
            spawn,
        };
        let stop = || (self.stop)() || self.abort.load(Ordering::Relaxed) || self.cut[0].load(Ordering::Relaxed);
        let r = self.engine.http.fetch(&entry.remote, None, received, known, self.policy, &stop, &mut sink);
        if self.plan.lock().is_none() {
            return Some(r);
        }
        if self.ended(0, r) {
            self.work(0, true);
        }
        None
    }

    /// A connection's loop: takes pieces until none is left, an error, or a stop. `joined`: the
    /// connection is already fetching for the file (the first one), not one more to add.
    fn work(&self, w: usize, mut joined: bool) {
        loop {
            let (first, end) = match self.take(w, joined) {
                Take::Piece(first, end) => (first, end),
                Take::Wait => {
                    std::thread::sleep(RECHECK);
                    continue;
                }
                Take::Done => return,
            };
            joined = true;
            let validators = match self.plan.lock().as_ref() {
                Some(p) => p.validators.clone(),
                None => return,
            };
            tracing::debug!(connection = w, first, end, "piece");
            let stop = || (self.stop)() || self.abort.load(Ordering::Relaxed) || self.cut[w].load(Ordering::Relaxed);
            let mut sink = PieceSink { session: self, w };
            let r =
                self.engine.http.fetch_span(self.url, first, end - 1, Some(&validators), self.policy, &stop, &mut sink);
            if !self.ended(w, r) {
                return;
            }
        }
    }

    /// Connection `w`'s request ended with `r`: its piece is released. False when it must stop.
    ///
    /// A transient error while other connections run only ends this one (its piece goes back to
    /// the others: a server that takes fewer connections than asked still serves the file); the
    /// last connection's error ends the transfer. A server that stopped answering ranges, or
    /// answered another version, starts the file over.
    fn ended(&self, w: usize, r: Result<FetchDone, FetchError>) -> bool {
        let (others, short) = match self.plan.lock().as_mut() {
            Some(p) => {
                let short = p.slots[w].take().is_some_and(|s| s.pos < s.end);
                (p.slots.iter().any(Option::is_some), short)
            }
            None => (false, false),
        };
        let cut = self.cut[w].swap(false, Ordering::Relaxed);
        let r = match r {
            // An answer that ended without its bytes (a 416 for bytes the validators say exist)
            // would be asked again forever.
            Ok(_) if short && !cut => Err(FetchError::InvalidResponse("a piece came back without its bytes".into())),
            r => r,
        };
        match r {
            Ok(done) => {
                *self.done.lock() = Some(done);
                true
            }
            // Its piece ended early (taken over): on to the next.
            Err(FetchError::Stopped) if cut && !self.stopping() => true,
            Err(FetchError::Stopped) => false,
            Err(FetchError::NoRangeSupport) => {
                self.refused.store(true, Ordering::Relaxed);
                self.changed.store(true, Ordering::Relaxed);
                self.abort.store(true, Ordering::Relaxed);
                false
            }
            Err(e) if others && e.is_transient() => {
                tracing::debug!(connection = w, error = ?e, "a connection gives up; the others take its piece");
                false
            }
            Err(e) => {
                tracing::debug!(connection = w, error = ?e, "piece failed");
                self.failed.lock().get_or_insert(e);
                self.abort.store(true, Ordering::Relaxed);
                false
            }
        }
    }

    /// Whether bytes of the file in pieces are still missing.
    fn holes(&self) -> bool {
        let Some(size) = self.plan.lock().as_ref().map(|p| p.size) else { return false };
        let g = self.job.lock();
        !g.files[self.index].demand.complete(size)
    }

    fn stopping(&self) -> bool {
        (self.stop)() || self.abort.load(Ordering::Relaxed)
    }

    /// The next piece for connection `w`: the first missing interval nobody fetches, else the
    /// second half of the largest piece still running (its connection stops at the half). None
    /// when nothing is left worth a connection.
    ///
    /// A connection that has not fetched anything yet (`joined` false) is one more connection to
    /// the server: it waits while the running ones are fast or not measured yet
    /// (`worth_another`).
    fn take(&self, w: usize, joined: bool) -> Take {
        if self.stopping() {
            return Take::Done;
        }
        let mut plan = self.plan.lock();
        let Some(p) = plan.as_mut() else { return Take::Done };
        let filled = {
            let g = self.job.lock();
            if !owns(&g, self.ctrl) {
                return Take::Done;
            }
            g.files[self.index].demand.filled.clone()
        };
        let now = Instant::now();
        let mut busy = filled;
        for s in p.slots.iter().flatten() {
            insert_interval(&mut busy, s.start, s.end);
        }
        let missing = subtract(&[(0, p.size)], &busy);
        let victim = p
            .slots
            .iter()
            .enumerate()
            .filter_map(|(i, s)| s.map(|s| (i, s.end - s.pos)))
            .max_by_key(|&(_, left)| left)
            .filter(|&(_, left)| left >= 2 * SEGMENT_MIN);
        if missing.is_empty() && victim.is_none() {
            return Take::Done;
        }
        if !joined && (self.limited() || !worth_another(&p.slots, now, self.engine.http.segment_busy())) {
            return Take::Wait;
        }
        if let Some(&(start, end)) = missing.first() {
            p.slots[w] = Some(Slot::new(start, end, now, thread_cpu()));
            return Take::Piece(start, end);
        }
        let Some((victim, left)) = victim else { return Take::Done };
        let Some(slot) = p.slots[victim].as_mut() else { return Take::Done };
        let (mid, end) = (slot.pos + left / 2, slot.end);
        slot.end = mid;
        p.slots[w] = Some(Slot::new(mid, end, now, thread_cpu()));
        Take::Piece(mid, end)
    }

    /// Whether a bandwidth limit of the transfer (the job's, the engine's) holds its connections
    /// back: they get all it allows, so one more would only open a connection.
    fn limited(&self) -> bool {
        self.engine.http.rates(self.policy).iter().any(|r| r.saturated())
    }

    /// Connection `w` received `data` at `offset`: what lies within its piece is written and
    /// recorded as on disk; reaching the piece's end cuts the connection.
    fn write(&self, w: usize, offset: u64, data: &[u8]) -> Result<(), FetchError> {
        self.write_with(w, offset, data.len() as u64, |file, n| file.write_all_at(&data[..n], offset))
    }

    /// As `write`, for the bytes a direct copy holds (those past the piece's end are dropped).
    fn write_direct(&self, w: usize, offset: u64, direct: &mut super::tcp::Direct) -> Result<(), FetchError> {
        self.write_with(w, offset, direct.held() as u64, |file, n| direct.write_to(file, offset, n))
    }

    /// Writes `len` bytes at `offset` for connection `w` with `put(file, n)`, `n` being how many
    /// of them are the piece's.
    fn write_with(
        &self,
        w: usize,
        offset: u64,
        len: u64,
        put: impl FnOnce(&File, usize) -> std::io::Result<()>,
    ) -> Result<(), FetchError> {
        let (now, cpu) = (Instant::now(), thread_cpu());
        let n = {
            let mut plan = self.plan.lock();
            let Some(slot) = plan.as_mut().and_then(|p| p.slots[w].as_mut()) else {
                return Err(FetchError::Stopped);
            };
            let n = slot.end.saturating_sub(offset).min(len);
            slot.pos = slot.pos.max(offset + n);
            slot.wrote(now, cpu);
            if slot.pos >= slot.end {
                self.cut[w].store(true, Ordering::Relaxed);
            }
            n as usize
        };
        if n == 0 {
            return Ok(());
        }
        let mut g = self.job.lock();
        if !owns(&g, self.ctrl) {
            return Err(FetchError::Stopped);
        }
        // Written under the job's lock: a connection of a stopped transfer (perhaps followed by
        // one that found another version and started the file over) never writes again.
        put(self.file, n).map_err(|e| FetchError::Local(LocalError::from_io(&e)))?;
        let f = &mut g.files[self.index];
        f.demand.fill(offset, offset + n as u64);
        f.received = f.demand.filled_bytes();
        let received = f.received;
        g.last_progress = Instant::now();
        if let Some((interval, bytes)) = self.checkpoint {
            let mut last = self.last_checkpoint.lock();
            if received.saturating_sub(last.1) >= bytes || last.0.elapsed() >= interval {
                self.job.persist_progress(&g, self.index);
                *last = (Instant::now(), received);
            }
        }
        drop(g);
        self.engine.notifier.post_progress(self.job, &mut self.last_modification.lock());
        Ok(())
    }

    /// The lead's answer allows pieces: the file switches to them, with connection 0 fetching
    /// from `received` to the end.
    fn split(&self, received: u64, size: u64, validators: &Validators) -> Result<(), FetchError> {
        let len = self.file.metadata().map(|m| m.len()).unwrap_or(0);
        if len < size {
            self.file.set_len(size).map_err(|e| FetchError::Local(LocalError::from_io(&e)))?;
        }
        {
            let mut g = self.job.lock();
            if !owns(&g, self.ctrl) {
                return Err(FetchError::Stopped);
            }
            let f = &mut g.files[self.index];
            f.demand.pieces = true;
            f.demand.filled = if received > 0 { vec![(0, received)] } else { Vec::new() };
            self.job.persist_progress(&g, self.index);
        }
        let mut slots = vec![None; self.k];
        slots[0] = Some(Slot::new(received, size, Instant::now(), thread_cpu()));
        *self.plan.lock() = Some(Plan { size, validators: validators.clone(), slots });
        tracing::debug!(size, received, connections = self.k, "the file is fetched in pieces");
        Ok(())
    }

    /// Every connection ended without error: the file is whole, and an ordinary file again.
    fn finish(&self) -> Result<FetchDone, FetchError> {
        let Some((size, validators)) = self.plan.lock().as_ref().map(|p| (p.size, p.validators.clone())) else {
            return Err(FetchError::Stopped);
        };
        let mut g = self.job.lock();
        if !owns(&g, self.ctrl) {
            return Err(FetchError::Stopped);
        }
        let f = &mut g.files[self.index];
        if !f.demand.complete(size) {
            // Only a stop leaves holes, and stops were handled: never report a file with holes.
            return Err(FetchError::InvalidResponse("the pieces of the file did not join up".into()));
        }
        f.demand.filled.clear();
        f.demand.pieces = false;
        drop(g);
        let done = self.done.lock().take();
        Ok(match done {
            Some(d) => FetchDone { size, validators, ..d },
            None => FetchDone { size, validators, final_url: None, response_headers: String::new(), status: 206 },
        })
    }

    /// Another version of the remote (or pieces without what they belong to): every byte on disk
    /// goes, and the file starts over as an ordinary fetch from byte 0.
    fn start_over(&self) -> Result<(), FetchError> {
        {
            // The record forgets the bytes first: no byte of the old version is ever counted.
            let mut g = self.job.lock();
            if !owns(&g, self.ctrl) {
                return Err(FetchError::Stopped);
            }
            let f = &mut g.files[self.index];
            f.demand.filled.clear();
            f.demand.pieces = true;
            f.received = 0;
            f.size = None;
            f.validators = None;
            self.job.persist_progress(&g, self.index);
            g.files[self.index].demand.pieces = false;
        }
        self.file.set_len(0).map_err(|e| FetchError::Local(LocalError::from_io(&e)))
    }
}

/// The first connection's sink: an ordinary temporary-file sink until the answer allows pieces.
struct LeadSink<'a, 's> {
    temp: TempSink<'a>,
    session: &'s Session<'a>,
    received: u64,
    ranges: bool,
    /// The answer split the file: the bytes go to connection 0's piece.
    split: bool,
    spawn: &'s dyn Fn(),
}

impl Sink for LeadSink<'_, '_> {
    fn restart(&mut self) -> Result<(), FetchError> {
        self.received = 0;
        self.temp.restart()
    }

    fn accepts_ranges(&mut self, yes: bool) {
        self.ranges = yes;
    }

    fn begin(&mut self, size: Option<u64>, validators: &Validators) -> Result<(), FetchError> {
        self.temp.begin(size, validators)?;
        let s = self.session;
        let worth = size.is_some_and(|size| size.saturating_sub(self.received) >= SEGMENTED_FROM);
        if s.k > 1 && self.ranges && worth && validators.if_range().is_some() {
            s.split(self.received, size.unwrap_or_default(), validators)?;
            self.split = true;
            (self.spawn)();
        }
        Ok(())
    }

    fn write(&mut self, offset: u64, data: &[u8]) -> Result<(), FetchError> {
        if self.split {
            self.session.write(0, offset, data)
        } else {
            self.temp.write(offset, data)
        }
    }
    fn takes_direct(&self) -> bool {
        self.temp.takes_direct()
    }

    fn write_direct(&mut self, offset: u64, direct: &mut super::tcp::Direct) -> Result<(), FetchError> {
        if self.split {
            self.session.write_direct(0, offset, direct)
        } else {
            self.temp.write_direct(offset, direct)
        }
    }
}

/// A range request's sink: the bytes go to the connection's piece.
struct PieceSink<'a, 's> {
    session: &'s Session<'a>,
    w: usize,
}

impl Sink for PieceSink<'_, '_> {
    /// The remote changed (If-Range answered with the whole file, or other validators): every
    /// connection stops and the file starts over.
    fn restart(&mut self) -> Result<(), FetchError> {
        self.session.changed.store(true, Ordering::Relaxed);
        self.session.abort.store(true, Ordering::Relaxed);
        Err(FetchError::Stopped)
    }

    fn begin(&mut self, _size: Option<u64>, _validators: &Validators) -> Result<(), FetchError> {
        // The answer's validators and size were checked against the plan's (`fetch_span`).
        Ok(())
    }

    fn write(&mut self, offset: u64, data: &[u8]) -> Result<(), FetchError> {
        self.session.write(self.w, offset, data)
    }
    fn takes_direct(&self) -> bool {
        true
    }

    fn write_direct(&mut self, offset: u64, direct: &mut super::tcp::Direct) -> Result<(), FetchError> {
        self.session.write_direct(self.w, offset, direct)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slot(busy: Option<u32>, now: Instant) -> Option<Slot> {
        Some(Slot { start: 0, pos: 0, end: 100, since: now, cpu_since: Duration::ZERO, last_write: now, busy })
    }

    #[test]
    fn a_connection_is_added_only_while_the_running_ones_wait_for_the_network() {
        let now = Instant::now();
        assert!(worth_another(&[None, None], now, 50), "none running: yes");
        assert!(!worth_another(&[slot(None, now), None], now, 50), "not measured yet: wait");
        assert!(worth_another(&[slot(Some(10), now), None], now, 50));
        assert!(!worth_another(&[slot(Some(90), now), None], now, 50), "busy: wait");
        let mixed = [slot(Some(1), now), slot(Some(60), now)];
        assert!(!worth_another(&mixed, now, 50), "one busy one: wait");
        let joining = [slot(Some(1), now), slot(None, now), slot(None, now)];
        assert!(worth_another(&joining, now, 50), "ones that just joined do not hold the others back");
        assert!(!worth_another(&[slot(Some(0), now)], now, 0), "a limit of 0: never another");
    }

    #[test]
    fn busyness_is_measured_over_whole_windows_and_a_silent_connection_is_idle() {
        let t0 = Instant::now();
        let mut s = Slot::new(0, 1 << 30, t0, Duration::from_millis(7));
        s.wrote(t0 + Duration::from_millis(10), Duration::from_millis(17));
        assert_eq!(s.busy_at(t0 + Duration::from_millis(10)), None, "a window is not over yet");
        s.wrote(t0 + Duration::from_millis(100), Duration::from_millis(82));
        assert_eq!(s.busy, Some(75), "75 ms of CPU in 100 ms");
        assert_eq!(s.busy_at(t0 + Duration::from_millis(150)), Some(75), "the last window");
        assert_eq!(s.busy_at(t0 + Duration::from_millis(100) + 2 * WINDOW), Some(0), "silent: idle");
        assert!(thread_cpu() > Duration::ZERO);
    }
}
