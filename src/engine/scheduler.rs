//! The scheduler: decides which queued jobs transfer, on a tokio runtime of its own (timers and
//! scheduling; no polling loops). Workers run on the runtime's blocking pool.
//!
//! The queue and the running set are shared: the scheduler thread decides when something changes
//! (a job queued, a wake-up, a time slice ended), and a worker that finishes a job decides at once
//! and takes the next job itself, so a run of small jobs costs no thread hand-off per job.
//!
//! Policy:
//! - FOREGROUND jobs start at once and all run concurrently.
//! - Background jobs run by priority (HIGH, NORMAL, LOW), oldest queued first, at most
//!   `max_concurrent` at a time.
//! - A queued job of higher priority pre-empts the lowest running background job.
//! - Fairness: a background job that has run longer than the time slice while another job of the
//!   same or higher priority waits goes back to the queue (progress kept), so a big job cannot
//!   starve small ones.
//! - TRANSIENT_ERROR jobs are queued again after MinimumRetryDelay, and go to ERROR when
//!   NoProgressTimeout runs out first.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

use parking_lot::Mutex;
use tokio::sync::mpsc;

use super::job::{Job, JobId, JobState, Priority, RunControl, StopReason};
use super::notify::Event;
use super::Engine;

/// Scheduling settings.
#[derive(Debug, Clone, Copy)]
pub struct SchedConfig {
    /// Background transfers at once.
    pub max_concurrent: usize,
    /// How long a background job runs before it yields to a waiting job of its priority.
    pub time_slice: Duration,
    /// Files of one job fetched at once (each on its own connection).
    pub connections_per_job: usize,
}

impl Default for SchedConfig {
    fn default() -> Self {
        SchedConfig { max_concurrent: 6, time_slice: Duration::from_secs(10), connections_per_job: 8 }
    }
}

impl SchedConfig {
    /// Defaults with `DELIVERYOPT_MAX_CONCURRENT_TRANSFERS` and `DELIVERYOPT_TIME_SLICE_MS` applied.
    pub fn from_env() -> SchedConfig {
        let num = |name: &str| std::env::var(name).ok().and_then(|v| v.trim().parse::<u64>().ok());
        let mut c = SchedConfig::default();
        if let Some(n) = num("DELIVERYOPT_MAX_CONCURRENT_TRANSFERS") {
            c.max_concurrent = n.clamp(1, 256) as usize;
        }
        if let Some(n) = num("DELIVERYOPT_CONNECTIONS_PER_JOB") {
            c.connections_per_job = n.clamp(1, 64) as usize;
        }
        if let Some(ms) = num("DELIVERYOPT_TIME_SLICE_MS") {
            c.time_slice = Duration::from_millis(ms.max(10));
        }
        c
    }
}

enum Msg {
    Wake,
    /// A job became QUEUED (or changed priority while queued).
    Enqueued(Arc<Job>),
}

/// Jobs waiting to run, in the order they should start: priority, then time queued.
type Queue = BTreeMap<(Priority, Instant, JobId), Arc<Job>>;

/// A job given its transfer, and its run token.
type Started = (Arc<Job>, Arc<RunControl>);

/// What the scheduler thread and finishing workers share. Lock order: this, then a job's lock;
/// never taken with a job's lock held.
#[derive(Default)]
struct SchedState {
    active: HashMap<JobId, Started>,
    queue: Queue,
    /// The earliest time-slice wake-up armed.
    slice_timer_armed_for: Option<Instant>,
}

/// Handle to the scheduler task.
pub struct Scheduler {
    tx: mpsc::UnboundedSender<Msg>,
    handle: tokio::runtime::Handle,
    state: Arc<Mutex<SchedState>>,
    config: SchedConfig,
    handoffs: Arc<Handoffs>,
}

impl Scheduler {
    /// Starts the runtime thread. The returned handle runs timers for the notifier too.
    pub(crate) fn start(config: SchedConfig) -> (Scheduler, SchedulerTask) {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .max_blocking_threads(512)
            .thread_name("deliveryopt-transfer")
            .build()
            .expect("start the scheduler runtime");
        let handle = runtime.handle().clone();
        let (tx, rx) = mpsc::unbounded_channel();
        let state = Arc::new(Mutex::new(SchedState::default()));
        (
            Scheduler { tx, handle, state: state.clone(), config, handoffs: Default::default() },
            SchedulerTask { runtime, rx, state, config },
        )
    }

    pub fn handle(&self) -> &tokio::runtime::Handle {
        &self.handle
    }

    /// How many jobs are transferring or waiting to.
    pub fn transfers(&self) -> usize {
        let g = self.state.lock();
        g.active.len() + g.queue.len()
    }

    /// Re-evaluates who should transfer.
    pub fn wake(&self) {
        let _ = self.tx.send(Msg::Wake);
    }

    /// Tells the scheduler that `job` became QUEUED (or changed priority while queued). Every
    /// transition to QUEUED must call this: the scheduler keeps its own ordered queue instead of
    /// scanning every job.
    pub(crate) fn enqueue(&self, job: &Arc<Job>) {
        let _ = self.tx.send(Msg::Enqueued(job.clone()));
    }

    /// Arms the retry and no-progress timers of a job that just entered TRANSIENT_ERROR.
    pub(crate) fn schedule_retry(&self, engine: &Arc<Engine>, job: &Arc<Job>) {
        let (epoch, retry_in, deadline_in) = {
            let g = job.lock();
            let deadline = g.last_progress + Duration::from_secs(u64::from(g.no_progress_timeout));
            // DO downloads retry sooner, backing off while nothing progresses.
            let retry = if g.settings.do_props.is_some() {
                super::dodl::retry_delay(&g)
            } else {
                Duration::from_secs(u64::from(g.min_retry_delay))
            };
            (g.retry_epoch, retry, deadline.saturating_duration_since(Instant::now()))
        };
        let weak = Arc::downgrade(job);
        let weak_engine = Arc::downgrade(engine);
        let tx = self.tx.clone();
        self.handle.spawn(async move {
            let fire_error = deadline_in <= retry_in;
            tokio::time::sleep(if fire_error { deadline_in } else { retry_in }).await;
            let Some(job) = weak.upgrade() else { return };
            let to_error = {
                let mut g = job.lock();
                if g.state != JobState::TransientError || g.retry_epoch != epoch {
                    return; // resumed, suspended or cancelled in the meantime
                }
                if fire_error {
                    if let Some(f) = g.failure.as_mut() {
                        f.timed_out = true;
                    }
                    g.state = JobState::Error;
                    g.event_seq += 1;
                    job.persist(&g);
                    true
                } else {
                    g.state = JobState::Queued;
                    g.queued_at = Instant::now();
                    false
                }
            };
            let _ = tx.send(Msg::Enqueued(job.clone()));
            if to_error {
                if let Some(engine) = weak_engine.upgrade() {
                    engine.notifier.post(&job, Event::Error);
                }
            } else {
                let _ = tx.send(Msg::Wake);
            }
        });
    }
}

/// The scheduler's runtime and loop, run on its own thread by [`SchedulerTask::run`].
pub(crate) struct SchedulerTask {
    runtime: tokio::runtime::Runtime,
    rx: mpsc::UnboundedReceiver<Msg>,
    state: Arc<Mutex<SchedState>>,
    config: SchedConfig,
}

impl SchedulerTask {
    /// Runs until the engine is gone.
    pub(crate) fn run(self, engine: Weak<Engine>) {
        let SchedulerTask { runtime, mut rx, state, config } = self;
        runtime.block_on(async move {
            let take = |m: Msg, st: &mut SchedState| match m {
                Msg::Enqueued(job) => {
                    let key = {
                        let g = job.lock();
                        (g.priority, g.queued_at, job.id())
                    };
                    st.queue.insert(key, job);
                }
                Msg::Wake => {}
            };
            while let Some(msg) = rx.recv().await {
                let Some(engine) = engine.upgrade() else { break };
                let started = {
                    let mut st = state.lock();
                    take(msg, &mut st);
                    // Drain whatever else is waiting, then decide once.
                    while let Ok(m) = rx.try_recv() {
                        take(m, &mut st);
                    }
                    decide(&engine, &config, &mut st)
                };
                for (job, ctrl) in started {
                    spawn_worker(&engine, job, ctrl);
                }
            }
        });
    }
}

/// A scheduling decision with the state locked: the jobs to start (already CONNECTING, not yet
/// running), and the time-slice wake-up armed when it is earlier than the one armed.
fn decide(engine: &Arc<Engine>, config: &SchedConfig, st: &mut SchedState) -> Vec<Started> {
    let (started, slice_end) = schedule(engine, config, st);
    if let Some(at) = slice_end {
        if st.slice_timer_armed_for.is_none_or(|t| at < t || t <= Instant::now()) {
            st.slice_timer_armed_for = Some(at);
            engine.scheduler.wake_at(at);
        }
    }
    started
}

/// One scheduling decision. Returns the jobs it started (for the caller to run) and when the
/// next time slice ends, if one matters.
///
/// Walks the queue from the front, dropping entries that are no longer true (the job was
/// suspended, cancelled, started, or re-queued under another key), and stops at the first
/// background job that can neither start nor pre-empt anyone: everything after it waits too.
fn schedule(engine: &Arc<Engine>, config: &SchedConfig, st: &mut SchedState) -> (Vec<Started>, Option<Instant>) {
    let SchedState { active, queue, .. } = st;
    let now = Instant::now();
    let running_bg = |active: &HashMap<JobId, Started>| {
        active.values().filter(|(_, c)| c.priority != Priority::Foreground && !c.stop_requested()).count()
    };
    let mut stale = Vec::new();
    let mut started = Vec::new();
    let mut to_run = Vec::new();
    let mut best_waiting: Option<Priority> = None;
    for (key, job) in queue.iter() {
        let (priority, queued_at, id) = *key;
        let current = {
            let g = job.lock();
            g.state == JobState::Queued && g.run.is_none() && g.priority == priority && g.queued_at == queued_at
        };
        if !current {
            stale.push(*key);
            continue;
        }
        if active.contains_key(&id) {
            // Still winding down an earlier transfer; it starts once that worker exits.
            continue;
        }
        if priority == Priority::Foreground || running_bg(active) < config.max_concurrent {
            if let Some(run) = start(engine, job, priority, active) {
                to_run.push(run);
            }
            started.push(*key);
            continue;
        }
        best_waiting = Some(best_waiting.map_or(priority, |b: Priority| b.min(priority)));
        // No free slot: pre-empt the lowest-priority running job below this one, newest first.
        let victim = active
            .values()
            .filter(|(_, c)| c.priority != Priority::Foreground && !c.stop_requested() && c.priority > priority)
            .max_by_key(|(_, c)| (c.priority, c.started))
            .map(|(_, c)| c.clone());
        match victim {
            Some(c) => c.request_stop(StopReason::Preempt),
            None => break,
        }
    }
    for key in stale.into_iter().chain(started) {
        queue.remove(&key);
    }
    let active = &*active;

    // Time slices: a waiting job of the same or higher priority takes over from a job that has run
    // its slice.
    let mut next_slice_end = None;
    if let Some(waiting) = best_waiting {
        for (_, c) in active.values() {
            if c.priority == Priority::Foreground || c.stop_requested() || c.priority < waiting {
                continue;
            }
            let end = c.started + config.time_slice;
            if end <= now {
                c.request_stop(StopReason::Preempt);
            } else {
                next_slice_end = Some(next_slice_end.map_or(end, |e: Instant| e.min(end)));
            }
        }
    }
    (to_run, next_slice_end)
}

impl Scheduler {
    /// Wakes the scheduler at `at` (time-slice ends).
    fn wake_at(&self, at: Instant) {
        let tx = self.tx.clone();
        self.handle.spawn(async move {
            tokio::time::sleep_until(tokio::time::Instant::from_std(at)).await;
            let _ = tx.send(Msg::Wake);
        });
    }

    /// A worker finished its transfer of job `id`: its slot is free, the decision is made here and
    /// now, and the first job it starts is returned for this worker to run (the rest get workers
    /// of their own).
    fn worker_done(&self, engine: &Arc<Engine>, id: JobId) -> Option<Started> {
        let mut started = {
            let mut st = self.state.lock();
            st.active.remove(&id);
            decide(engine, &self.config, &mut st)
        };
        let mine = (!started.is_empty()).then(|| started.remove(0));
        for (job, ctrl) in started {
            spawn_worker(engine, job, ctrl);
        }
        mine
    }
}

/// Gives a queued job its transfer: CONNECTING and a new run token. The caller runs it (see
/// [`spawn_worker`]) once the scheduler state is unlocked.
fn start(
    engine: &Arc<Engine>,
    job: &Arc<Job>,
    priority: Priority,
    active: &mut HashMap<JobId, Started>,
) -> Option<Started> {
    let ctrl = Arc::new(RunControl::new(priority));
    {
        let mut g = job.lock();
        if g.state != JobState::Queued || g.run.is_some() {
            return None;
        }
        g.state = JobState::Connecting;
        g.run = Some(ctrl.clone());
    }
    engine.notifier.post(job, Event::Modification);
    engine.arm_download_deadline(job);
    active.insert(job.id(), (job.clone(), ctrl.clone()));
    Some((job.clone(), ctrl))
}

/// Runs a started job on a thread of the blocking pool; that thread then goes on with whatever
/// the scheduler gives it next, until nothing is left for it.
fn spawn_worker(engine: &Arc<Engine>, job: Arc<Job>, ctrl: Arc<RunControl>) {
    let engine = engine.clone();
    engine.scheduler.handle.clone().spawn_blocking(move || {
        let mut next = Some((job, ctrl));
        while let Some((job, ctrl)) = next.take() {
            let outcome =
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| super::worker::run(&engine, &job, &ctrl)));
            let event = outcome.unwrap_or_else(|_| {
                // A bug in a worker must not wedge the job: it ends in ERROR.
                let mut g = job.lock();
                if g.run.as_ref().is_some_and(|r| Arc::ptr_eq(r, &ctrl)) {
                    g.run = None;
                    g.state = JobState::Error;
                }
                None
            });
            next = engine.scheduler.worker_done(&engine, job.id());
            if let Some(event) = event {
                next = engine.scheduler.call_back(&engine, &job, event, next);
            }
        }
    });
}

/// How long a callback made on a worker thread may hold up the job that worker is to run next
/// before that job is given a worker of its own.
pub const HANDOFF_AFTER: Duration = Duration::from_millis(20);

/// A started job whose worker is making a callback first (see [`Scheduler::call_back`]).
type Parked = Arc<Mutex<Option<Started>>>;

/// Parked jobs in the order parked (so by due time), and the wake-up of [`handoff_loop`].
#[derive(Default)]
pub(crate) struct Handoffs {
    parked: Mutex<VecDeque<(Instant, Parked)>>,
    wake: tokio::sync::Notify,
}

impl Scheduler {
    /// Makes the callback a transfer of `job` ended with on this worker thread (the job's slot is
    /// already free), then returns the job this worker is to run next. A callback that takes
    /// longer than [`HANDOFF_AFTER`] does not hold that job up: it is started on another worker,
    /// and this worker then ends.
    fn call_back(&self, engine: &Arc<Engine>, job: &Arc<Job>, event: Event, next: Option<Started>) -> Option<Started> {
        let Some(next) = next else {
            engine.notifier.call_back_here(job, event);
            return None;
        };
        let parked: Parked = Arc::new(Mutex::new(Some(next)));
        {
            let mut q = self.handoffs.parked.lock();
            q.push_back((Instant::now() + HANDOFF_AFTER, parked.clone()));
            if q.len() == 1 {
                self.handoffs.wake.notify_one();
            }
        }
        engine.notifier.call_back_here(job, event);
        let mine = parked.lock().take();
        mine
    }
}

/// Starts parked jobs whose worker's callback has run longer than [`HANDOFF_AFTER`]; one task for
/// all, asleep while nothing is parked, ending with the engine.
pub(crate) async fn handoff_loop(engine: Weak<Engine>) {
    loop {
        let Some(e) = engine.upgrade() else { return };
        let now = Instant::now();
        let (due, next_at) = {
            let mut q = e.scheduler.handoffs.parked.lock();
            let mut due = Vec::new();
            while let Some((at, parked)) = q.front() {
                let mut slot = parked.lock();
                // Still parked and not yet due: neither is anything after it.
                if slot.is_some() && *at > now {
                    break;
                }
                if let Some(started) = slot.take() {
                    due.push(started);
                }
                drop(slot);
                q.pop_front();
            }
            (due, q.front().map(|(at, _)| *at))
        };
        for (job, ctrl) in due {
            spawn_worker(&e, job, ctrl);
        }
        let handoffs = e.scheduler.handoffs.clone();
        drop(e);
        match next_at {
            Some(at) => {
                tokio::select! {
                    _ = tokio::time::sleep_until(tokio::time::Instant::from_std(at)) => {}
                    _ = handoffs.wake.notified() => {}
                }
            }
            None => handoffs.wake.notified().await,
        }
    }
}
