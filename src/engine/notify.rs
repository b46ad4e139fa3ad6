//! The notifier: delivers callbacks on its own threads, in order per job, with no engine lock held,
//! so a callback may call back into the library (Complete, Cancel, GetProgress...).
//!
//! A job's events always go to the same thread (per-job order); up to [`THREADS`] jobs are called
//! back at once (BITS allows 4 notifications in flight per user). A failed JobTransferred/JobError
//! is called again later with a growing delay, until it succeeds or the job leaves that state.

use std::hash::{Hash, Hasher};
use std::sync::mpsc;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::job::{
    Job, JobState, NOTIFY_DISABLE, NOTIFY_ERROR, NOTIFY_FILE_TRANSFERRED, NOTIFY_MODIFICATION, NOTIFY_TRANSFERRED,
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
}

struct Message {
    job: Arc<Job>,
    event: Event,
    /// Earlier failed deliveries of this event.
    attempt: u32,
}

/// The notifier threads and their queues.
pub struct Notifier {
    queues: Vec<mpsc::Sender<Message>>,
    timers: tokio::runtime::Handle,
}

impl Notifier {
    /// Starts the threads. `timers` runs the delayed deliveries.
    pub fn start(timers: tokio::runtime::Handle) -> Notifier {
        let mut queues = Vec::with_capacity(THREADS);
        for i in 0..THREADS {
            let (tx, rx) = mpsc::channel::<Message>();
            let retry_tx = tx.clone();
            let handle = timers.clone();
            std::thread::Builder::new()
                .name(format!("deliveryopt-notify-{i}"))
                .spawn(move || {
                    for msg in rx {
                        deliver(msg, &retry_tx, &handle);
                    }
                })
                .expect("start a notifier thread");
            queues.push(tx);
        }
        Notifier { queues, timers }
    }

    fn queue_for(&self, job: &Job) -> &mpsc::Sender<Message> {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        job.id().hash(&mut h);
        &self.queues[(h.finish() as usize) % self.queues.len()]
    }

    /// Queues an event (gated by the job's notify flags when it is delivered).
    pub fn post(&self, job: &Arc<Job>, event: Event) {
        if event == Event::Modification {
            return self.post_modification(job);
        }
        let _ = self.queue_for(job).send(Message { job: job.clone(), event, attempt: 0 });
    }

    /// JobModification, at most once per interval per job; changes in between are folded into one
    /// delayed call.
    fn post_modification(&self, job: &Arc<Job>) {
        let delay = {
            let mut g = job.lock();
            if g.notify_flags & NOTIFY_MODIFICATION == 0 || g.notify_flags & NOTIFY_DISABLE != 0 {
                return;
            }
            if g.modification_pending {
                return;
            }
            g.modification_pending = true;
            match g.last_modification_sent {
                Some(t) if t.elapsed() < MODIFICATION_INTERVAL => MODIFICATION_INTERVAL - t.elapsed(),
                _ => Duration::ZERO,
            }
        };
        let msg = Message { job: job.clone(), event: Event::Modification, attempt: 0 };
        if delay.is_zero() {
            let _ = self.queue_for(job).send(msg);
        } else {
            let tx = self.queue_for(job).clone();
            self.timers.spawn(async move {
                tokio::time::sleep(delay).await;
                let _ = tx.send(msg);
            });
        }
    }
}

fn deliver(msg: Message, retry: &mpsc::Sender<Message>, timers: &tokio::runtime::Handle) {
    let job = &msg.job;
    // Read what is needed under the lock, then call with no lock held.
    let (flags, target, state, failure) = {
        let mut g = job.lock();
        if msg.event == Event::Modification {
            g.modification_pending = false;
            g.last_modification_sent = Some(Instant::now());
        }
        (g.notify_flags, g.notify_target.clone(), g.state, g.failure.clone())
    };
    let Some(target) = target else { return };
    if flags & NOTIFY_DISABLE != 0 {
        return;
    }
    let result = match msg.event {
        Event::Transferred if flags & NOTIFY_TRANSFERRED != 0 && state == JobState::Transferred => {
            target.job_transferred(job)
        }
        Event::Error if flags & NOTIFY_ERROR != 0 && state == JobState::Error => match &failure {
            Some(f) => target.job_error(job, f),
            None => Ok(()),
        },
        Event::Modification if flags & NOTIFY_MODIFICATION != 0 && !state.is_final() => target.job_modification(job),
        Event::FileTransferred(i) if flags & NOTIFY_FILE_TRANSFERRED != 0 && !state.is_final() => {
            target.file_transferred(job, i)
        }
        _ => Ok(()),
    };
    drop(target);
    if result.is_err() && matches!(msg.event, Event::Transferred | Event::Error) {
        // BITS calls a failed JobTransferred/JobError again later.
        let delay = Duration::from_secs(1u64 << msg.attempt.min(6)).min(MAX_RETRY_DELAY);
        let again = Message { job: msg.job.clone(), event: msg.event, attempt: msg.attempt + 1 };
        let tx = retry.clone();
        timers.spawn(async move {
            tokio::time::sleep(delay).await;
            let _ = tx.send(again);
        });
    }
}
