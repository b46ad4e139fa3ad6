//! Upload and upload-reply jobs: the client side of the BITS Upload Protocol (the one protocol
//! BITS speaks, version 1.5, GUID [`PROTOCOL`]), as Microsoft documents its packets.
//!
//! A job's one file goes to the server in fragments over an upload session, each packet a
//! `BITS_POST` to the file's URL:
//!
//! ```text
//! Create-Session  BITS-Supported-Protocols: {guid}   → Ack  BITS-Session-Id, BITS-Protocol
//! Fragment        Content-Range: bytes a-b/total     → Ack  BITS-Received-Content-Range: next
//!                 (the last Ack of an upload-reply job carries BITS-Reply-URL)
//! Close-Session   at Complete                        → Ack
//! Cancel-Session  at Cancel                          → Ack
//! ```
//!
//! A refusal is an answer with `BITS-Error-Code` (an HRESULT, which becomes the job's error) and
//! `BITS-Error-Context`. The session, the source file's identity and the acknowledged offset are
//! stored with the job, so an upload continues after a network fault, a crash or a restart of the
//! service from where the server says it is (`BITS-Received-Content-Range` of the next Ack, or of
//! a 416 for a fragment that is not the one it expects). A server that lost the session
//! (`BG_E_SESSION_NOT_FOUND`) gets a new one and the file again from byte 0. A source file that
//! changed since the upload began fails the job with `BG_E_LOCAL_FILE_CHANGED`.
//!
//! A server of a farm may name itself in the Create-Session Ack (`BITS-Host-Id`): every later
//! packet of the session (Fragment, Close-Session, Cancel-Session) then goes to that host instead
//! of the URL's, so the fragments reach the server that holds the session. With
//! `BITS-Host-Id-Fallback-Timeout: S`, a host that cannot be reached for S seconds is given up and
//! the URL's host used again; without it, the job keeps trying that host (transient errors).
//!
//! For an upload-reply job the reply at `BITS-Reply-URL` is then downloaded (GET, resumable) into
//! a temporary file beside the reply file, which gets its name at Complete; the job is TRANSFERRED
//! once the reply is there. Without a `BITS-Reply-URL` the reply is empty.

use std::fs::File;
use std::os::unix::fs::{FileExt, MetadataExt};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::file::{LocalError, Remote, Validators};
use super::http::{unreachable, BitsAnswer, FetchError, HttpClient, RequestOptions, Sink};
use super::job::{Inner, Job, JobState, JobType, Owner, RunControl};
use super::notify::Event;
use super::worker::{fail, finish_transferred, owns, stopped};
use super::Engine;

/// The BITS 1.5 Upload Protocol, the only one there is.
pub const PROTOCOL: &str = "{7df0354d-249b-430f-820d-3d2a9bef4931}";

/// Fragment sizes: the first, doubled after each acknowledged fragment up to the largest.
const FIRST_FRAGMENT: u64 = 256 * 1024;
const MAX_FRAGMENT: u64 = 8 * 1024 * 1024;

/// The most GetReplyData hands back in memory (BG_E_TOO_LARGE above it).
pub const MAX_REPLY_DATA: u64 = 1024 * 1024;

/// How often one run asks for a new session before it gives up (a server that keeps losing them).
const MAX_NEW_SESSIONS: u32 = 3;

const BG_E_SESSION_NOT_FOUND: i32 = 0x8020_001F_u32 as i32;
const BG_E_CLIENT_SERVER_PROTOCOL_MISMATCH: i32 = 0x8020_0022_u32 as i32;

/// An upload job's progress with the server, stored with the job.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadState {
    /// The server's session (`BITS-Session-Id`), once Create-Session was acknowledged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<String>,
    /// The source file when the upload began.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<SourceStamp>,
    /// `BITS-Host-Id` of the session's Ack: the host (and port) every later packet goes to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host_id: Option<String>,
    /// `BITS-Host-Id-Fallback-Timeout`, seconds: how long `host_id` may be unreachable before the
    /// URL's own host is used again (none: never).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host_id_fallback: Option<u64>,
    /// Since when (Unix seconds) `host_id` has been unreachable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host_id_failing_since: Option<u64>,
    /// The last fragment was acknowledged.
    #[serde(default)]
    pub uploaded: bool,
    /// `BITS-Reply-URL` of the last Ack (upload-reply).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_url: Option<String>,
    /// SetReplyFileName, or the name chosen when the reply download began.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_file: Option<PathBuf>,
    /// Where the reply is downloaded until Complete names it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_temp: Option<PathBuf>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_total: Option<u64>,
    #[serde(default)]
    pub reply_received: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_validators: Option<Validators>,
    /// The whole reply is in `reply_temp` (or, after Complete, `reply_file`).
    #[serde(default)]
    pub reply_done: bool,
    /// Complete renamed the reply to `reply_file`.
    #[serde(default)]
    pub reply_completed: bool,
}

/// What identifies the source file's content: a change of any is a changed file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceStamp {
    pub size: u64,
    pub mtime: i64,
    pub mtime_nsec: i64,
    pub dev: u64,
    pub ino: u64,
}

impl SourceStamp {
    fn of(m: &std::fs::Metadata) -> SourceStamp {
        SourceStamp { size: m.len(), mtime: m.mtime(), mtime_nsec: m.mtime_nsec(), dev: m.dev(), ino: m.ino() }
    }
}

/// Upload-reply progress (IBackgroundCopyJob2::GetReplyProgress) and the reply's name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplyInfo {
    /// `u64::MAX` (BG_SIZE_UNKNOWN) until the reply download has begun.
    pub bytes_total: u64,
    pub bytes_transferred: u64,
    pub file: Option<PathBuf>,
}

/// What GetReplyData hands back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReplyData {
    /// No reply (the server gave none).
    Empty,
    Bytes(#[serde(with = "serde_bytes")] Vec<u8>),
    /// Larger than [`MAX_REPLY_DATA`]: its size.
    TooLarge(u64),
}

/// Checks the file an upload job sends (AddFile): an existing regular file the owner may read.
/// Returns its size.
pub fn check_source(owner: Owner, local: &Path) -> Result<u64, LocalError> {
    let _as_owner = owner.act()?;
    let f = File::open(local).map_err(|e| LocalError::from_io(&e))?;
    let m = f.metadata().map_err(|e| LocalError::from_io(&e))?;
    if m.is_dir() {
        return Err(LocalError::IsDirectory);
    }
    if !m.is_file() {
        return Err(LocalError::Other("an upload's source must be a regular file".into()));
    }
    Ok(m.len())
}

/// Runs an upload or upload-reply job's transfer (the worker's counterpart for downloads).
/// Returns the callback to make (JobTransferred, JobError), as `worker::run` does.
pub(crate) fn run(engine: &Arc<Engine>, job: &Arc<Job>, ctrl: &Arc<RunControl>) -> Option<Event> {
    let _span = tracing::debug_span!("job", id = %job.id()).entered();
    let (url, local, opts, st) = {
        let g = job.lock();
        if !owns(&g, ctrl) {
            return None;
        }
        let Some(f) = g.files.first() else { return finish_transferred(job, ctrl) };
        let Remote::Http(url) = f.remote.clone() else {
            drop(g);
            return fail(engine, job, ctrl, FetchError::InvalidResponse("an upload needs an http(s) URL".into()), 0);
        };
        (url, f.local.clone(), Job::request_options(&g), g.settings.upload.clone().unwrap_or_default())
    };
    let _file_span = tracing::debug_span!("upload", url = %super::file::url_for_log(&url)).entered();
    let mut up = Upload { engine, job, ctrl, url, opts, st, last_modification: None };
    let result =
        up.upload(&local).and_then(|()| if job.job_type() == JobType::UploadReply { up.reply(&local) } else { Ok(()) });
    match result {
        Ok(()) => finish_transferred(job, ctrl),
        Err(FetchError::Stopped) => stopped(engine, job, ctrl),
        Err(e) => fail(engine, job, ctrl, e, 0),
    }
}

struct Upload<'a> {
    engine: &'a Arc<Engine>,
    job: &'a Arc<Job>,
    ctrl: &'a Arc<RunControl>,
    url: url::Url,
    opts: RequestOptions,
    st: UploadState,
    last_modification: Option<Instant>,
}

impl Upload<'_> {
    /// Records `st` (and whatever `f` changes) in the job and the store, if the run still owns it.
    fn save(&self, f: impl FnOnce(&mut Inner)) -> Result<(), FetchError> {
        let mut g = self.job.lock();
        if !owns(&g, self.ctrl) {
            return Err(FetchError::Stopped);
        }
        g.settings.upload = Some(self.st.clone());
        f(&mut g);
        self.job.persist(&g);
        Ok(())
    }

    /// Sends one packet of the session: to its `BITS-Host-Id` when the server named one (see the
    /// module docs for the fallback), else to the URL.
    fn post(&mut self, headers: &[(&str, String)], body: &[u8]) -> Result<BitsAnswer, FetchError> {
        let Some(target) = self.st.host_id.as_deref().and_then(|h| with_host(&self.url, h)) else {
            return self.engine.http.bits_post(&self.url, headers, body, &self.opts);
        };
        match self.engine.http.bits_post(&target, headers, body, &self.opts) {
            Ok(a) => {
                if self.st.host_id_failing_since.take().is_some() {
                    self.save(|_| {})?;
                }
                Ok(a)
            }
            Err(e) if unreachable(&e) => {
                let now = unix_now();
                self.st.host_id_failing_since.get_or_insert(now);
                match fallback_at(self.st.host_id_failing_since, self.st.host_id_fallback) {
                    Some(at) if now >= at => {
                        tracing::info!("the session's host (BITS-Host-Id) is unreachable: back to the URL's host");
                        self.st.host_id = None;
                        self.st.host_id_failing_since = None;
                        self.save(|_| {})?;
                        self.engine.http.bits_post(&self.url, headers, body, &self.opts)
                    }
                    _ => {
                        self.save(|_| {})?;
                        Err(e)
                    }
                }
            }
            Err(e) => Err(e),
        }
    }

    /// Sends the file, from where the server is, until the last fragment is acknowledged.
    fn upload(&mut self, local: &Path) -> Result<(), FetchError> {
        let owner = self.job.owner();
        let file = {
            let _as_owner = owner.act().map_err(FetchError::Local)?;
            File::open(local).map_err(|e| FetchError::Local(LocalError::from_io(&e)))?
        };
        let stamp = SourceStamp::of(&file.metadata().map_err(|e| FetchError::Local(LocalError::from_io(&e)))?);
        match self.st.source {
            Some(s) if s != stamp => return Err(FetchError::LocalFileChanged),
            Some(_) => {}
            None => {
                self.st.source = Some(stamp);
                self.save(|g| g.files[0].size = Some(stamp.size))?;
            }
        }
        if self.st.uploaded {
            return Ok(());
        }
        let size = stamp.size;
        let mut offset = self.job.lock().files[0].received.min(size);
        let mut fragment = FIRST_FRAGMENT;
        let mut new_sessions = 0;
        let mut asked_reply_again = false;
        loop {
            if self.ctrl.stop_requested() {
                return Err(FetchError::Stopped);
            }
            let session = match self.st.session.clone() {
                Some(s) => s,
                None => {
                    if new_sessions >= MAX_NEW_SESSIONS {
                        return Err(FetchError::Bits { status: 0, hr: BG_E_SESSION_NOT_FOUND, context: 5 });
                    }
                    new_sessions += 1;
                    let (s, host_id, fallback) = self.create_session()?;
                    offset = 0;
                    self.st.session = Some(s.clone());
                    self.st.host_id = host_id;
                    self.st.host_id_fallback = fallback;
                    self.st.host_id_failing_since = None;
                    self.save(|g| {
                        g.files[0].received = 0;
                        if matches!(g.state, JobState::Queued | JobState::Connecting) {
                            g.state = JobState::Transferring;
                        }
                    })?;
                    self.engine.notifier.post(self.job, Event::Modification);
                    s
                }
            };
            // The source must not change under the upload.
            let now = SourceStamp::of(&file.metadata().map_err(|e| FetchError::Local(LocalError::from_io(&e)))?);
            if now != stamp {
                return Err(FetchError::LocalFileChanged);
            }
            let len = fragment.min(size - offset);
            let mut body = vec![0u8; len as usize];
            file.read_exact_at(&mut body, offset).map_err(|e| FetchError::Local(LocalError::from_io(&e)))?;
            let range = if size == 0 {
                "bytes */0".to_string()
            } else {
                format!("bytes {}-{}/{}", offset, offset + len - 1, size)
            };
            let headers = [
                ("BITS-Packet-Type", "Fragment".to_string()),
                ("BITS-Session-Id", session),
                ("Content-Name", local.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()),
                ("Content-Range", range),
            ];
            let a = self.post(&headers, &body)?;
            if let Some(hr) = error_code(&a) {
                if hr == BG_E_SESSION_NOT_FOUND {
                    tracing::info!("the server lost the upload session: a new one, from byte 0");
                    self.st.session = None;
                    continue;
                }
                return Err(refusal(&a, hr));
            }
            let next = match a.status {
                200..=299 | 416 => {
                    a.header("bits-received-content-range").and_then(|v| v.trim().parse::<u64>().ok()).ok_or_else(
                        || FetchError::InvalidResponse("an Ack without BITS-Received-Content-Range".into()),
                    )?
                }
                s => return Err(FetchError::Status(s)),
            };
            if next > size {
                return Err(FetchError::InvalidResponse(format!("the server acknowledged {next} bytes of {size}")));
            }
            let acked = a.status != 416;
            if acked {
                ack_packet(&a)?;
                fragment = (fragment * 2).min(MAX_FRAGMENT);
            }
            offset = next;
            let done = next == size && (acked || asked_reply_again || self.job.job_type() != JobType::UploadReply);
            if done {
                self.st.uploaded = true;
                self.st.reply_url = a.header("bits-reply-url").map(str::to_string);
            }
            self.save(|g| {
                let f = &mut g.files[0];
                f.received = next;
                f.transferred = done;
                g.last_progress = Instant::now();
                if matches!(g.state, JobState::Queued | JobState::Connecting) {
                    g.state = JobState::Transferring;
                }
            })?;
            self.engine.notifier.post_progress(self.job, &mut self.last_modification);
            if done {
                tracing::debug!(size, "upload acknowledged");
                return Ok(());
            }
            if next == size {
                // The server has every byte but we never saw its last Ack (a restart came
                // between): the last byte once more, for the Ack and its BITS-Reply-URL.
                asked_reply_again = true;
                offset = size - 1;
            }
        }
    }

    /// Create-Session: a new session id, after checking the server speaks our protocol, with the
    /// server's `BITS-Host-Id` (one that does not make a URL with ours is not used) and its
    /// fallback timeout.
    #[allow(clippy::type_complexity)]
    fn create_session(&self) -> Result<(String, Option<String>, Option<u64>), FetchError> {
        let headers =
            [("BITS-Packet-Type", "Create-Session".to_string()), ("BITS-Supported-Protocols", PROTOCOL.to_string())];
        // Always to the URL: a host the last session named is not this one's.
        let a = self.engine.http.bits_post(&self.url, &headers, &[], &self.opts)?;
        if let Some(hr) = error_code(&a) {
            return Err(refusal(&a, hr));
        }
        if !(200..=299).contains(&a.status) {
            return Err(FetchError::Status(a.status));
        }
        ack_packet(&a)?;
        if let Some(p) = a.header("bits-protocol") {
            if !p.eq_ignore_ascii_case(PROTOCOL) {
                return Err(FetchError::Bits {
                    status: a.status,
                    hr: BG_E_CLIENT_SERVER_PROTOCOL_MISMATCH,
                    context: 5,
                });
            }
        }
        let id = a
            .header("bits-session-id")
            .filter(|s| !s.is_empty() && s.len() <= 128 && !s.contains(['\r', '\n']))
            .ok_or_else(|| {
            FetchError::InvalidResponse("an Ack for Create-Session without BITS-Session-Id".into())
        })?;
        tracing::debug!(session = id, "upload session created");
        let host_id = a.header("bits-host-id").map(str::trim).filter(|h| !h.is_empty()).and_then(|h| {
            let usable = with_host(&self.url, h).is_some();
            if !usable {
                tracing::info!("the server's BITS-Host-Id is not a host name: not used");
            }
            usable.then(|| h.to_string())
        });
        let fallback = host_id
            .as_ref()
            .and_then(|_| a.header("bits-host-id-fallback-timeout"))
            .and_then(|v| v.trim().parse::<u64>().ok());
        Ok((id.to_string(), host_id, fallback))
    }

    /// Downloads the reply (upload-reply) into its temporary file.
    fn reply(&mut self, local: &Path) -> Result<(), FetchError> {
        if self.st.reply_done {
            return Ok(());
        }
        let Some(reply_url) = self.st.reply_url.clone() else {
            // No reply from the server: an empty one.
            self.st.reply_total = Some(0);
            self.st.reply_done = true;
            return self.save(|_| {});
        };
        let url = self
            .url
            .join(&reply_url)
            .map_err(|_| FetchError::InvalidResponse(format!("a bad BITS-Reply-URL: {reply_url}")))?;
        let owner = self.job.owner();
        let reply_file = match self.st.reply_file.clone() {
            Some(f) => f,
            None => default_reply_name(local, self.job.id()),
        };
        let temp = match self.st.reply_temp.clone() {
            Some(t) => t,
            None => {
                let _as_owner = owner.act().map_err(FetchError::Local)?;
                super::file::choose_temp(&reply_file).map_err(FetchError::Local)?
            }
        };
        if self.st.reply_file.is_none() || self.st.reply_temp.is_none() {
            self.st.reply_file = Some(reply_file);
            self.st.reply_temp = Some(temp.clone());
            self.save(|_| {})?;
        }
        let file = {
            let _as_owner = owner.act().map_err(FetchError::Local)?;
            // What a restart left of the reply (none, or less than recorded): continue from there.
            let on_disk = std::fs::symlink_metadata(&temp).ok().filter(|m| m.is_file()).map(|m| m.len());
            match on_disk {
                Some(len) if self.st.reply_received > 0 => {
                    self.st.reply_received = self.st.reply_received.min(len);
                    super::file::open_temp(&temp)
                }
                _ => {
                    self.st.reply_received = 0;
                    self.st.reply_validators = None;
                    super::file::open_or_create_temp(&temp).map(|(f, name)| {
                        self.st.reply_temp = Some(name);
                        f
                    })
                }
            }
            .map_err(FetchError::Local)?
        };
        let mut get = self.opts.clone();
        get.method = None;
        get.dynamic = false;
        let offset = self.st.reply_received;
        let known = self.st.reply_validators.clone();
        let (engine, ctrl) = (self.engine.clone(), self.ctrl.clone());
        let stop = move || ctrl.stop_requested();
        let mut sink = ReplySink { up: self, file };
        let done = engine.http.fetch(&Remote::Http(url), None, offset, known.as_ref(), &get, &stop, &mut sink)?;
        let up = sink.up;
        up.st.reply_total = Some(done.size);
        up.st.reply_received = done.size;
        up.st.reply_done = true;
        up.save(|_| {})
    }
}

/// Where a reply goes when SetReplyFileName named no file: beside the uploaded file.
fn default_reply_name(local: &Path, id: super::job::JobId) -> PathBuf {
    let name = local.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "upload".into());
    let tag: String = id.0.simple().to_string().chars().take(8).collect();
    local.with_file_name(format!("{name}.{tag}.reply"))
}

/// The reply's bytes into its temporary file.
struct ReplySink<'u, 'a> {
    up: &'u mut Upload<'a>,
    file: File,
}

impl Sink for ReplySink<'_, '_> {
    fn restart(&mut self) -> Result<(), FetchError> {
        self.file.set_len(0).map_err(|e| FetchError::Local(LocalError::from_io(&e)))?;
        self.up.st.reply_received = 0;
        self.up.st.reply_validators = None;
        self.up.save(|_| {})
    }

    fn begin(&mut self, size: Option<u64>, validators: &Validators) -> Result<(), FetchError> {
        self.up.st.reply_total = size;
        self.up.st.reply_validators = Some(validators.clone());
        self.up.save(|_| {})
    }

    fn write(&mut self, offset: u64, data: &[u8]) -> Result<(), FetchError> {
        self.file.write_all_at(data, offset).map_err(|e| FetchError::Local(LocalError::from_io(&e)))?;
        self.up.st.reply_received = self.up.st.reply_received.max(offset + data.len() as u64);
        let st = self.up.st.clone();
        let mut g = self.up.job.lock();
        if !owns(&g, self.up.ctrl) {
            return Err(FetchError::Stopped);
        }
        // Progress is kept in memory as it comes and stored with the end (or the next save).
        g.settings.upload = Some(st);
        g.last_progress = Instant::now();
        drop(g);
        self.up.engine.notifier.post_progress(self.up.job, &mut self.up.last_modification);
        Ok(())
    }
}

/// The server's `BITS-Error-Code`, an HRESULT in hex (with or without `0x`).
fn error_code(a: &BitsAnswer) -> Option<i32> {
    hex_header(a, "bits-error-code").map(|c| c as i32).filter(|c| *c < 0)
}

/// A header whose value is a hex number, with or without `0x`.
fn hex_header(a: &BitsAnswer, name: &str) -> Option<u32> {
    let v = a.header(name)?.trim();
    u32::from_str_radix(v.trim_start_matches("0x").trim_start_matches("0X"), 16).ok()
}

/// A refusal as the job's error: the server's code and context.
fn refusal(a: &BitsAnswer, hr: i32) -> FetchError {
    let context = hex_header(a, "bits-error-context").unwrap_or(5);
    tracing::info!(status = a.status, hr = format!("{:#010x}", hr as u32), context, "the upload server refused");
    FetchError::Bits { status: a.status, hr, context }
}

/// An answer that is a BITS Ack (a server that does not speak BITS answers otherwise).
fn ack_packet(a: &BitsAnswer) -> Result<(), FetchError> {
    match a.header("bits-packet-type") {
        Some(t) if t.eq_ignore_ascii_case("Ack") => Ok(()),
        _ => Err(FetchError::InvalidResponse(
            "the server's answer is not a BITS Ack (is it a BITS upload server?)".into(),
        )),
    }
}

/// A session that Complete or Cancel must end (Close-Session, Cancel-Session), with what is needed
/// to send the packet: to the host the server named (`BITS-Host-Id`), or to the URL's host once
/// the named one has been unreachable for the fallback timeout, as for the session's other packets.
pub(crate) struct SessionEnd {
    session: String,
    /// The file's URL.
    url: url::Url,
    /// The URL with the named host, if the server named one.
    named: Option<url::Url>,
    /// `BITS-Host-Id-Fallback-Timeout`, seconds.
    fallback: Option<u64>,
    /// Since when (Unix seconds) the named host has been unreachable.
    failing_since: Option<u64>,
    opts: RequestOptions,
}

impl SessionEnd {
    /// Where the packet goes now (`now`: Unix seconds).
    fn target(&self, now: u64) -> &url::Url {
        match &self.named {
            Some(named) if !self.fallback_due(now) => named,
            _ => &self.url,
        }
    }

    /// The named host has been unreachable for its fallback timeout.
    fn fallback_due(&self, now: u64) -> bool {
        self.fallback_at().is_some_and(|at| now >= at)
    }

    /// When the URL's host takes over from the unreachable named host, if it ever does.
    fn fallback_at(&self) -> Option<u64> {
        self.named.as_ref()?;
        fallback_at(self.failing_since, self.fallback)
    }
}

/// When (Unix seconds) a named host unreachable since `failing_since` is given up for the URL's
/// host, under `BITS-Host-Id-Fallback-Timeout` `fallback`; never without both.
fn fallback_at(failing_since: Option<u64>, fallback: Option<u64>) -> Option<u64> {
    Some(failing_since?.saturating_add(fallback?))
}

/// Longest wait for a named host's fallback timeout before a last try at the URL's host (a
/// longer one is left to the server's own session timeout).
const MAX_FALLBACK_WAIT: u64 = 600;

/// Tells the server a session ends (Close-Session at Complete, Cancel-Session at Cancel), on a
/// thread of its own so the caller's call returns at once: three tries, a few seconds apart, and
/// when the named host cannot be reached and the server gave a fallback timeout, a try at the
/// URL's host once it has passed. Failing that, the server's own session timeout ends it.
pub(crate) fn end_session(http: Arc<HttpClient>, mut end: SessionEnd, packet: &'static str) {
    let spawned = std::thread::Builder::new().name("deliveryopt-session".into()).spawn(move || {
        let headers = [("BITS-Packet-Type", packet.to_string()), ("BITS-Session-Id", end.session.clone())];
        for attempt in 0..4u32 {
            let now = unix_now();
            if attempt == 3 {
                // The three tries failed: one more at the URL's host when the named host's
                // fallback timeout passes soon enough.
                match end.fallback_at() {
                    Some(at) if at > now && at - now <= MAX_FALLBACK_WAIT => {
                        std::thread::sleep(Duration::from_secs(at - now));
                    }
                    Some(at) if at <= now => {}
                    _ => return,
                }
            }
            let now = unix_now();
            let to = end.target(now).clone();
            match http.bits_post(&to, &headers, &[], &end.opts) {
                Ok(a) if (200..=299).contains(&a.status) || error_code(&a) == Some(BG_E_SESSION_NOT_FOUND) => return,
                Ok(a) => tracing::info!(status = a.status, packet, "the upload server did not take the packet"),
                Err(e) => {
                    if unreachable(&e) && end.named.as_ref() == Some(&to) {
                        end.failing_since.get_or_insert(now);
                    }
                    tracing::info!(packet, "could not reach the upload server: {e:?}");
                }
            }
            if attempt < 2 {
                // Not past a fallback that comes due meanwhile.
                let mut wait = 2 * u64::from(attempt + 1);
                if let Some(at) = end.fallback_at().filter(|&at| at > now) {
                    wait = wait.min(at - now);
                }
                std::thread::sleep(Duration::from_secs(wait));
            }
        }
    });
    if spawned.is_err() {
        tracing::warn!(packet, "no thread to end the upload session");
    }
}

/// The session a Complete or Cancel must end, with what is needed to send it.
pub(crate) fn session_to_end(g: &Inner) -> Option<SessionEnd> {
    let st = g.settings.upload.as_ref()?;
    let session = st.session.clone()?;
    let Remote::Http(url) = g.files.first()?.remote.clone() else { return None };
    let named = st.host_id.as_deref().and_then(|h| with_host(&url, h));
    Some(SessionEnd {
        session,
        url,
        named,
        fallback: st.host_id_fallback,
        failing_since: st.host_id_failing_since,
        opts: Job::request_options(g),
    })
}

/// `url` with its host (and port) replaced by `host_id` (`name`, `name:port`, `[v6]:port`), or
/// `None` when that does not make a URL of the same scheme with a host.
fn with_host(url: &url::Url, host_id: &str) -> Option<url::Url> {
    if host_id.len() > 255 || host_id.chars().any(|c| c.is_whitespace() || c.is_control() || "/?#@\\".contains(c)) {
        return None;
    }
    let probe = url::Url::parse(&format!("{}://{}/", url.scheme(), host_id)).ok()?;
    probe.host_str().filter(|h| !h.is_empty())?;
    let mut out = url.clone();
    out.set_host(probe.host_str()).ok()?;
    out.set_port(probe.port()).ok()?;
    Some(out)
}

fn unix_now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// Reads the reply (GetReplyData) as the job's owner.
fn reply_data(g: &Inner, owner: Owner) -> Result<ReplyData, LocalError> {
    let Some(st) = g.settings.upload.as_ref() else { return Ok(ReplyData::Empty) };
    if !st.reply_done {
        return Ok(ReplyData::Empty);
    }
    let path = if st.reply_completed { st.reply_file.clone() } else { st.reply_temp.clone() };
    let Some(path) = path else { return Ok(ReplyData::Empty) };
    let size = st.reply_total.unwrap_or(st.reply_received);
    if size == 0 {
        return Ok(ReplyData::Empty);
    }
    if size > MAX_REPLY_DATA {
        return Ok(ReplyData::TooLarge(size));
    }
    let _as_owner = owner.act()?;
    let bytes = std::fs::read(&path).map_err(|e| LocalError::from_io(&e))?;
    Ok(ReplyData::Bytes(bytes))
}

/// IBackgroundCopyJob2::GetReplyProgress and GetReplyFileName.
pub fn reply_info(job: &Job) -> ReplyInfo {
    let g = job.lock();
    let st = g.settings.upload.clone().unwrap_or_default();
    let started = st.reply_done || st.reply_total.is_some() || st.reply_received > 0;
    ReplyInfo {
        bytes_total: if started { st.reply_total.unwrap_or(u64::MAX) } else { u64::MAX },
        bytes_transferred: st.reply_received,
        file: st.reply_file,
    }
}

/// IBackgroundCopyJob2::SetReplyFileName: where the reply goes (None: a name beside the uploaded
/// file, chosen when the reply comes). Only before the reply download begins; the directory must
/// be one the owner may write to.
pub fn set_reply_file(job: &Job, name: Option<String>) -> super::EngineResult<()> {
    use super::EngineError;
    if job.job_type() != JobType::UploadReply {
        return Err(EngineError::NotImplemented("a reply file of a job that is not upload-reply"));
    }
    let path = match name.filter(|n| !n.is_empty()) {
        None => None,
        Some(n) => {
            let local = super::file::check_local_name(&n)?;
            let _as_owner = job.owner().act().map_err(EngineError::Local)?;
            super::file::choose_temp(&local).map_err(EngineError::Local)?;
            Some(local)
        }
    };
    job.modify(|g| {
        if g.state.is_final() {
            return Err(EngineError::InvalidState);
        }
        let st = g.settings.upload.get_or_insert_with(UploadState::default);
        if st.reply_temp.is_some() || st.reply_done {
            return Err(EngineError::InvalidState);
        }
        st.reply_file = path;
        Ok(())
    })
}

/// IBackgroundCopyJob2::GetReplyData: the reply, once the job is TRANSFERRED (or completed).
pub fn reply_data_of(job: &Job) -> super::EngineResult<ReplyData> {
    use super::EngineError;
    if job.job_type() != JobType::UploadReply {
        return Err(EngineError::NotImplemented("reply data of a job that is not upload-reply"));
    }
    let g = job.lock();
    if !matches!(g.state, JobState::Transferred | JobState::Acknowledged) {
        return Err(EngineError::InvalidState);
    }
    let owner = g.owner;
    reply_data(&g, owner).map_err(EngineError::Local)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_ends_at_the_named_host_until_its_fallback_timeout() {
        let url = url::Url::parse("http://farm.example:8080/up/f.bin").unwrap();
        let named = with_host(&url, "node7:9000").unwrap();
        let mut end = SessionEnd {
            session: "{s}".into(),
            url: url.clone(),
            named: Some(named.clone()),
            fallback: Some(30),
            failing_since: None,
            opts: RequestOptions::default(),
        };
        assert_eq!(end.target(1_000), &named);
        assert_eq!(end.fallback_at(), None, "not failing: no fallback");
        end.failing_since = Some(1_000);
        assert_eq!(end.fallback_at(), Some(1_030));
        assert_eq!(end.target(1_029), &named);
        assert_eq!(end.target(1_030), &url);
        end.fallback = None;
        assert_eq!(end.target(9_999), &named, "no fallback timeout: the named host only");
        end.named = None;
        end.fallback = Some(0);
        assert_eq!((end.target(1_000), end.fallback_at()), (&url, None));
    }

    #[test]
    fn a_host_id_replaces_the_urls_host_and_port_only() {
        let url = url::Url::parse("https://upload.example:8443/in/a%20b.bin?x=1").unwrap();
        let to = |h: &str| with_host(&url, h).map(|u| u.to_string());
        assert_eq!(to("farm-2.example").as_deref(), Some("https://farm-2.example/in/a%20b.bin?x=1"));
        assert_eq!(to("10.0.0.2:9000").as_deref(), Some("https://10.0.0.2:9000/in/a%20b.bin?x=1"));
        assert_eq!(to("[::1]:9000").as_deref(), Some("https://[::1]:9000/in/a%20b.bin?x=1"));
        for bad in ["", "a b", "h/x", "user@h", "h?x", "h#x", "h:notaport", "h\r\nX: y", &"h".repeat(300)] {
            assert_eq!(to(bad), None, "{bad:?}");
        }
    }
}
