//! The notifier: delivers callbacks on its own threads (JobTransferred and JobError usually on the
//! worker that finished the transfer, see [`Notifier::call_back_here`]), in order per job, one at a
//! time per job, with no engine lock held, so a callback may call back into the library
//! (Complete, Cancel, GetProgress...).
//!
//! A job's events always go to the same notifier thread (per-job order); up to [`THREADS`]
//! callbacks run at once, on whichever threads (BITS allows 4 notifications in flight per user).
//! A failed JobTransferred/JobError is called again later with a growing delay, until it succeeds
//! or the job leaves that state.

use std::collections::VecDeque;
use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

use parking_lot::{Condvar, Mutex};
use std::time::{Duration, Instant};

use super::job::{
    Inner, Job, JobState, NotifyTarget, Throttle, NOTIFY_DISABLE, NOTIFY_ERROR, NOTIFY_FILE_RANGES_TRANSFERRED,
    NOTIFY_FILE_TRANSFERRED, NOTIFY_MODIFICATION, NOTIFY_TRANSFERRED,
};

/// Notifier threads (and so at most this many callbacks run at once).
pub const THREADS: usize = 4;
/// Minimum interval between two JobModification calls of one job.
pub const MODIFICATION_INTERVAL: Duration = Duration::from_millis(500);
/// Longest wait before calling a failed JobTransferred/JobError again.
const MAX_RETRY_DELAY: Duration = Duration::from_secs(60);

/// What happened to a job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    Transferred,
    Error,
    Modification,
    FileTransferred(usize),
    /// Ranges of a ranged file finished (collected in the job; one call per file with them).
    FileRangesTransferred,
    /// A DO download's next queued status snapshot (IDODownloadStatusCallback::OnStatusChange).
    DoStatus,
}

struct Message {
    job: Arc<Job>,
    event: Event,
    /// Earlier failed deliveries of this event.
    attempt: u32,
}

/// One notifier thread's queue. A sender wakes the thread only when it is waiting; the thread
/// takes everything queued at once, so a burst of events costs one wake-up.
#[derive(Clone)]
struct Queue(Arc<QueueInner>);

struct QueueInner {
    items: Mutex<Pending>,
    ready: Condvar,
}

#[derive(Default)]
struct Pending {
    messages: VecDeque<Message>,
    /// The thread is waiting on `ready`.
    idle: bool,
}

/// The callback state of one job: its callbacks never run at once (one runs with `running`
/// held), and `queued` counts its events waiting in a notifier queue or being delivered from one,
/// so an event called back on a worker thread never overtakes one posted before it. `running` is
/// held across the caller's code, so nothing but delivery takes it: no library call a callback
/// may make waits for it (only another callback of the same job does, which is the rule).
#[derive(Default)]
pub struct Delivery {
    running: Mutex<()>,
    queued: AtomicU32,
}

impl Queue {
    fn new() -> Queue {
        Queue(Arc::new(QueueInner { items: Mutex::new(Pending::default()), ready: Condvar::new() }))
    }

    fn send(&self, msg: Message) {
        msg.job.delivery().queued.fetch_add(1, Ordering::SeqCst);
        let wake = {
            let mut p = self.0.items.lock();
            p.messages.push_back(msg);
            std::mem::take(&mut p.idle)
        };
        if wake {
            self.0.ready.notify_one();
        }
    }

    /// Everything queued, waiting until there is something.
    fn take_all(&self, into: &mut VecDeque<Message>) {
        let mut p = self.0.items.lock();
        while p.messages.is_empty() {
            p.idle = true;
            self.0.ready.wait(&mut p);
        }
        p.idle = false;
        std::mem::swap(&mut p.messages, into);
    }
}

/// Callbacks in flight, at most [`THREADS`] at once (BITS: at most 4 notifications in flight per
/// user), whichever thread makes them.
#[derive(Default)]
struct InFlight {
    count: Mutex<usize>,
    freed: Condvar,
}

impl InFlight {
    fn acquire(&self) {
        let mut n = self.count.lock();
        while *n >= THREADS {
            self.freed.wait(&mut n);
        }
        *n += 1;
    }

    fn try_acquire(&self) -> bool {
        let mut n = self.count.lock();
        let free = *n < THREADS;
        if free {
            *n += 1;
        }
        free
    }

    fn release(&self) {
        *self.count.lock() -= 1;
        self.freed.notify_one();
    }
}

/// The notifier threads and their queues.
pub struct Notifier {
    queues: Vec<Queue>,
    timers: tokio::runtime::Handle,
    in_flight: Arc<InFlight>,
}

impl Notifier {
    /// Starts the threads. `timers` runs the delayed deliveries.
    pub fn start(timers: tokio::runtime::Handle) -> Notifier {
        let mut queues = Vec::with_capacity(THREADS);
        let in_flight = Arc::new(InFlight::default());
        for i in 0..THREADS {
            let queue = Queue::new();
            let mine = queue.clone();
            let handle = timers.clone();
            let limit = in_flight.clone();
            std::thread::Builder::new()
                .name(format!("deliveryopt-notify-{i}"))
                .spawn(move || {
                    let mut batch = VecDeque::new();
                    loop {
                        mine.take_all(&mut batch);
                        while let Some(msg) = batch.pop_front() {
                            let job = msg.job.clone();
                            {
                                let _one_at_a_time = job.delivery().running.lock();
                                limit.acquire();
                                deliver(msg, &mine, &handle);
                                limit.release();
                            }
                            job.delivery().queued.fetch_sub(1, Ordering::SeqCst);
                        }
                    }
                })
                .expect("start a notifier thread");
            queues.push(queue);
        }
        Notifier { queues, timers, in_flight }
    }

    fn queue_for(&self, job: &Job) -> &Queue {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        job.id().hash(&mut h);
        &self.queues[(h.finish() as usize) % self.queues.len()]
    }

    /// Queues an event (gated by the job's notify flags when it is delivered). JobModification and
    /// FileRangesTransferred are rate-limited (see `post_throttled`).
    /// Progress of a transfer: a JobModification at most every [`MODIFICATION_INTERVAL`] per
    /// transfer, `last` being when this transfer last posted one (the notifier limits it too).
    pub fn post_progress(&self, job: &Arc<Job>, last: &mut Option<Instant>) {
        if last.is_none_or(|t| t.elapsed() >= MODIFICATION_INTERVAL) {
            *last = Some(Instant::now());
            self.post(job, Event::Modification);
        }
    }

    /// Makes the JobTransferred or JobError callback a transfer ended with, on the calling
    /// (worker) thread, which holds no lock and no transfer slot: it saves two thread switches per
    /// job (waking a notifier thread, and being pre-empted by it). When an earlier event of the job
    /// is still queued, or the job is a DO download, the event is queued behind it instead.
    pub fn call_back_here(&self, job: &Arc<Job>, event: Event) {
        let d = job.delivery();
        if !job.is_do() && d.queued.load(Ordering::SeqCst) == 0 {
            let _one_at_a_time = d.running.lock();
            // Checked again: a notifier thread may have taken an event of the job meanwhile. With
            // the most callbacks already in flight, it waits in the queue.
            if d.queued.load(Ordering::SeqCst) == 0 && self.in_flight.try_acquire() {
                deliver(Message { job: job.clone(), event, attempt: 0 }, self.queue_for(job), &self.timers);
                self.in_flight.release();
                return;
            }
        }
        self.post(job, event);
    }

    pub fn post(&self, job: &Arc<Job>, event: Event) {
        let (is_do, undeliverable) = {
            let g = job.lock();
            // A FileTransferred nobody will hear is not queued (no thread wakes up for it); a
            // target registered later hears only of TRANSFERRED and ERROR, which are re-posted.
            let silent = matches!(event, Event::FileTransferred(_))
                && (g.notify_flags & NOTIFY_FILE_TRANSFERRED == 0
                    || g.notify_flags & NOTIFY_DISABLE != 0
                    || g.notify_target.is_none());
            (g.settings.do_props.is_some(), silent)
        };
        if is_do {
            self.post_do(job, None);
            return;
        }
        if undeliverable {
            return;
        }
        match event {
            Event::Modification | Event::FileRangesTransferred => self.post_throttled(job, event),
            _ => {
                self.queue_for(job).send(Message { job: job.clone(), event, attempt: 0 });
            }
        }
    }

    /// A DO download changed (state, error or progress): its status is queued for the callback
    /// when `dodl::queue_status` says it is to be reported, and BlockingMode waiters wake.
    /// `target` stands in for the registered callback of a download that just ended (and so gave
    /// its registration up).
    pub fn post_do(&self, job: &Arc<Job>, target: Option<Arc<dyn NotifyTarget>>) {
        let mut target = target;
        let queued = {
            let mut g = job.lock();
            let queued = super::dodl::queue_status(&mut g);
            if queued {
                let t = target.take().or_else(|| g.notify_target.clone());
                g.do_rt.targets.push_back(t);
            }
            queued
        };
        // Not queued: the target given goes here, after the lock (its release may run caller code).
        drop(target);
        job.changed().notify_all();
        if queued {
            self.queue_for(job).send(Message { job: job.clone(), event: Event::DoStatus, attempt: 0 });
        }
    }

    /// At most one delivery of `event` per MINIMUM_NOTIFICATION_INTERVAL_MS (default 500) per
    /// job: what happens in between is folded into one delayed call.
    fn post_throttled(&self, job: &Arc<Job>, event: Event) {
        let delay = {
            let mut g = job.lock();
            if event == Event::Modification
                && (g.notify_flags & NOTIFY_MODIFICATION == 0 || g.notify_flags & NOTIFY_DISABLE != 0)
            {
                return;
            }
            let interval = Duration::from_millis(u64::from(g.settings.min_notification_interval_ms));
            let t = throttle(&mut g, event);
            if t.pending {
                return;
            }
            t.pending = true;
            match t.last_sent {
                Some(at) if at.elapsed() < interval => interval - at.elapsed(),
                _ => Duration::ZERO,
            }
        };
        let msg = Message { job: job.clone(), event, attempt: 0 };
        if delay.is_zero() {
            self.queue_for(job).send(msg);
        } else {
            let tx = self.queue_for(job).clone();
            self.timers.spawn(async move {
                tokio::time::sleep(delay).await;
                tx.send(msg);
            });
        }
    }
}

/// The rate-limit state of a throttled event (JobModification or FileRangesTransferred).
fn throttle(g: &mut Inner, event: Event) -> &mut Throttle {
    if event == Event::Modification {
        &mut g.modification_throttle
    } else {
        &mut g.ranges_throttle
    }
}

fn deliver(msg: Message, retry: &Queue, timers: &tokio::runtime::Handle) {
    let job = &msg.job;
    if msg.event == Event::DoStatus {
        let next = {
            let mut g = job.lock();
            g.do_rt.queue.pop_front().zip(g.do_rt.targets.pop_front())
        };
        if let Some((status, Some(target))) = next {
            // What DO does with a failure return is undocumented: it is ignored.
            let _ = target.do_status(job, &status);
        }
        return;
    }
    // While a failed FileTransferred is being called again, the job's other ordered callbacks wait
    // for it (Callback2 is serialized per job); progress notifications do not.
    if matches!(msg.event, Event::Transferred | Event::Error | Event::FileTransferred(_)) {
        let mut g = job.lock();
        if let Some((file, held)) = g.file_cb_hold.as_mut() {
            let is_retry = msg.event == Event::FileTransferred(*file) && msg.attempt > 0;
            if !is_retry {
                held.push(msg.event);
                return;
            }
        }
    }
    // Read what is needed under the lock, then call with no lock held.
    let (flags, target, state, failure, ranges, late_ranges) = {
        let mut g = job.lock();
        if matches!(msg.event, Event::Modification | Event::FileRangesTransferred) {
            *throttle(&mut g, msg.event) = Throttle { pending: false, last_sent: Some(Instant::now()) };
        }
        let ranges =
            if msg.event == Event::FileRangesTransferred { std::mem::take(&mut g.ranges_done) } else { Vec::new() };
        // Ranges still waiting out the rate limit are told before the job's end (the caller may
        // Complete or Cancel from JobTransferred/JobError, after which nothing more is said).
        let late_ranges = if matches!(msg.event, Event::Transferred | Event::Error) {
            std::mem::take(&mut g.ranges_done)
        } else {
            Vec::new()
        };
        (g.notify_flags, g.notify_target.clone(), g.state, g.failure.clone(), ranges, late_ranges)
    };
    if !late_ranges.is_empty() && flags & NOTIFY_FILE_RANGES_TRANSFERRED != 0 && flags & NOTIFY_DISABLE == 0 {
        if let Some(t) = &target {
            ranges_by_file(job, t.as_ref(), &late_ranges);
        }
    }
    if flags & NOTIFY_DISABLE != 0 {
        return;
    }
    let wanted = match msg.event {
        Event::Transferred => flags & NOTIFY_TRANSFERRED != 0 && state == JobState::Transferred,
        Event::Error => flags & NOTIFY_ERROR != 0 && state == JobState::Error,
        Event::Modification => flags & NOTIFY_MODIFICATION != 0 && !state.is_final(),
        Event::FileTransferred(_) => flags & NOTIFY_FILE_TRANSFERRED != 0 && !state.is_final(),
        Event::FileRangesTransferred => {
            flags & NOTIFY_FILE_RANGES_TRANSFERRED != 0 && !state.is_final() && !ranges.is_empty()
        }
        Event::DoStatus => false,
    };
    if !wanted {
        return;
    }
    let result = match (&target, msg.event) {
        (None, _) => None,
        (Some(t), Event::Transferred) => Some(t.job_transferred(job)),
        (Some(t), Event::Error) => Some(match &failure {
            Some(f) => t.job_error(job, f),
            None => Ok(()),
        }),
        (Some(t), Event::Modification) => Some(t.job_modification(job)),
        (Some(t), Event::FileTransferred(i)) => Some(t.file_transferred(job, i)),
        (Some(t), Event::FileRangesTransferred) => {
            ranges_by_file(job, t.as_ref(), &ranges);
            None
        }
        (Some(_), Event::DoStatus) => None,
    };
    drop(target);
    if let Event::FileTransferred(file) = msg.event {
        file_transferred_outcome(job, file, &msg, matches!(result, Some(Err(_))), retry, timers);
        return;
    }
    if !matches!(msg.event, Event::Transferred | Event::Error) || matches!(result, Some(Ok(()))) {
        return;
    }
    // No callback, or it failed: the command line, if there is one, runs instead (and the callback
    // is not called again); otherwise a failed callback is called again later.
    if run_cmdline(job, msg.event, timers, retry) {
        return;
    }
    if result.is_some() {
        let delay = Duration::from_secs(1u64 << msg.attempt.min(6)).min(MAX_RETRY_DELAY);
        let again = Message { job: msg.job.clone(), event: msg.event, attempt: msg.attempt + 1 };
        let tx = retry.clone();
        timers.spawn(async move {
            tokio::time::sleep(delay).await;
            tx.send(again);
        });
    }
}

/// FileRangesTransferred: one call per file, its ranges in the order they finished.
fn ranges_by_file(job: &Arc<Job>, target: &dyn NotifyTarget, ranges: &[(usize, u64, u64)]) {
    let mut files: Vec<usize> = ranges.iter().map(|r| r.0).collect();
    files.sort_unstable();
    files.dedup();
    for file in files {
        let of_file: Vec<(u64, u64)> = ranges.iter().filter(|r| r.0 == file).map(|r| (r.1, r.2)).collect();
        let _ = target.file_ranges_transferred(job, file, &of_file);
    }
}

/// After a FileTransferred call: a failure holds the job's later callbacks and calls it again
/// after a growing delay; a success releases what was held, in order.
fn file_transferred_outcome(
    job: &Arc<Job>,
    file: usize,
    msg: &Message,
    failed: bool,
    retry: &Queue,
    timers: &tokio::runtime::Handle,
) {
    let release = {
        let mut g = job.lock();
        if failed && !g.state.is_final() {
            if g.file_cb_hold.is_none() {
                g.file_cb_hold = Some((file, Vec::new()));
            }
            None
        } else {
            g.file_cb_hold.take().map(|(_, held)| held)
        }
    };
    match release {
        None if failed => {
            let delay = Duration::from_secs(1u64 << msg.attempt.min(6)).min(MAX_RETRY_DELAY);
            let again = Message { job: msg.job.clone(), event: msg.event, attempt: msg.attempt + 1 };
            let tx = retry.clone();
            timers.spawn(async move {
                tokio::time::sleep(delay).await;
                tx.send(again);
            });
        }
        Some(held) => {
            for event in held {
                retry.send(Message { job: msg.job.clone(), event, attempt: 0 });
            }
        }
        None => {}
    }
}

/// Starts the job's notify command line for the current TRANSFERRED/ERROR event, once per event,
/// on a thread of its own (it may run for long). A non-zero exit runs it again after
/// MinimumRetryDelay while the job is still in that state. Returns false when there is no command
/// line (or it already ran, or is running, for this event).
fn run_cmdline(job: &Arc<Job>, event: Event, timers: &tokio::runtime::Handle, retry: &Queue) -> bool {
    let (cmd, seq) = {
        let mut g = job.lock();
        let Some(cmd) = g.notify_cmd.clone() else { return false };
        if g.cmd_done_seq >= g.event_seq {
            return true; // already answered this event
        }
        if g.cmd_running {
            return true;
        }
        g.cmd_running = true;
        (cmd, g.event_seq)
    };
    let owner = job.clone();
    let job = job.clone();
    let timers = timers.clone();
    let tx = retry.clone();
    let spawned = std::thread::Builder::new().name("deliveryopt-cmdline".into()).spawn(move || {
        let id = format!("{{{}}}", job.id().0.to_string().to_uppercase());
        let ok = match cmd.run(&id, job.owner()) {
            Ok(ok) => ok,
            Err(e) => {
                tracing::warn!(job = %id, program = %cmd.program, "the notify command line could not start: {e}");
                false
            }
        };
        let retry_in = {
            let mut g = job.lock();
            g.cmd_running = false;
            if ok {
                g.cmd_done_seq = g.cmd_done_seq.max(seq);
                job.persist(&g);
                None
            } else {
                Some(Duration::from_secs(u64::from(g.min_retry_delay)))
            }
        };
        if let Some(delay) = retry_in {
            // The event is sent again; it runs the program only if the job is still in that state.
            let again = Message { job, event, attempt: 0 };
            timers.spawn(async move {
                tokio::time::sleep(delay).await;
                tx.send(again);
            });
        }
    });
    if spawned.is_err() {
        owner.lock().cmd_running = false;
    }
    true
}
