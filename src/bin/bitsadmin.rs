//! `bitsadmin`: the BITS administration tool of Windows, for deliveryopt's jobs. Installed also as
//! `deliveryopt` (a symlink), the same program under a Linux name.
//!
//! Both spellings work: Windows' `bitsadmin /transfer name /priority high URL PATH` and Linux's
//! `deliveryopt transfer name --priority high URL PATH`. A `/verb` or `/switch` (any case) is
//! mapped onto clap's subcommands and `--switches` before parsing, and only when it is one of the
//! known names (so `/tmp/file` stays a path). `--json` prints one JSON object per command, for
//! scripts. `bitsadmin help VERB` (or `--help` after a verb) explains each verb.
//!
//! Exit status: 0 done; 1 the library refused or the job failed (the message names the HRESULT:
//! `Unable to resume the job - 0x80200008 ...`); 2 bad usage; 130 interrupted (/transfer cancels
//! its job on Ctrl-C).
//!
//! It talks to the engine the library talks to (the user's `deliveryoptd`, started on demand, or
//! the system instance with DELIVERYOPT_ENGINE=system), through the library's own client.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::{Parser, Subcommand};
use serde_json::{json, Value};

use deliveryopt::abi::bits_types::{BG_COPY_FILE_DACL, BG_COPY_FILE_GROUP, BG_COPY_FILE_OWNER, BG_COPY_FILE_SACL};
use deliveryopt::abi::hresult::{
    BG_E_ERROR_INFORMATION_UNAVAILABLE, BG_E_INVALID_AUTH_SCHEME, BG_E_INVALID_AUTH_TARGET, BG_E_NOT_FOUND,
    BG_E_TOO_LARGE, E_ABORT, E_ACCESSDENIED, E_FAIL, E_INVALIDARG, E_NOTIMPL,
};
use deliveryopt::abi::types::HRESULT;
use deliveryopt::engine::client::{Client, JobHandle};
use deliveryopt::engine::cmdline::NotifyCmdLine;
use deliveryopt::engine::file::{FileRange, LENGTH_TO_EOF};
use deliveryopt::engine::job::{
    AuthScheme, AuthTarget, Credential, JobId, JobState, JobType, Priority, ProxySettings, ProxyUsage,
};
use deliveryopt::engine::rpc::SettingsChange;
use deliveryopt::engine::{EngineError, FileEntry, LocalError, NewFile};
use deliveryopt::interfaces::hresult_map::{fetch_error, map_error, start_error};

/// With /nowrap on a terminal: the window's width in columns, to which every line of text output
/// is cut (Windows' /NOWRAP); 0 (the rest of the time): lines are written whole.
static NOWRAP_WIDTH: AtomicUsize = AtomicUsize::new(0);

/// `println!` for the tool's text output, cut to the window under /nowrap (see [`out_line`]).
macro_rules! out {
    () => {
        out_line("")
    };
    ($($t:tt)*) => {
        out_line(&format!($($t)*))
    };
}

/// Writes `text` and a newline to stdout, each of its lines cut to [`NOWRAP_WIDTH`] columns when
/// that is set (a tab advancing to the next multiple of 8). A closed stdout is not an error here
/// (a reader such as `head` may stop early).
fn out_line(text: &str) {
    let width = NOWRAP_WIDTH.load(Ordering::Relaxed);
    let mut o = std::io::stdout().lock();
    for line in text.split('\n') {
        let shown = if width == 0 { line } else { &line[..cut_at(line, width)] };
        let _ = writeln!(o, "{shown}");
    }
}

/// The byte length of the longest start of `line` that fits in `width` columns.
fn cut_at(line: &str, width: usize) -> usize {
    let mut col = 0;
    for (at, c) in line.char_indices() {
        col += if c == '\t' { 8 - col % 8 } else { 1 };
        if col > width {
            return at;
        }
    }
    line.len()
}

#[derive(Parser)]
#[command(
    name = "bitsadmin",
    version,
    about = "Creates and manages deliveryopt (BITS) transfer jobs",
    long_about = "Creates and manages deliveryopt (BITS) transfer jobs.\n\nVerbs take the Windows form \
                  (/transfer, /priority HIGH) or the Linux form (transfer, --priority high). JOB is a \
                  job's GUID ({...}) or its display name.",
    after_help = "Exit status: 0 done, 1 failed (the message names the HRESULT), 2 bad usage, 130 interrupted."
)]
struct Cli {
    /// Print one JSON object instead of text (for scripts).
    #[arg(long, global = true)]
    json: bool,
    /// Print only the value, without a newline (Windows' /RAWRETURN, for the GET verbs).
    #[arg(long, global = true)]
    rawreturn: bool,
    /// Windows' /WRAP (long lines wrap): what this tool always does.
    #[arg(long, global = true)]
    wrap: bool,
    /// Windows' /NOWRAP: on a terminal, every line is cut at the window's edge (with --json, or
    /// when the output is not a terminal, lines are written whole).
    #[arg(long, global = true)]
    nowrap: bool,
    #[command(subcommand)]
    verb: Verb,
}

/// The kind of a new job.
#[derive(clap::Args)]
struct Kind {
    /// A download job (the default).
    #[arg(long)]
    download: bool,
    /// An upload job: URL is where the local file PATH goes (BITS Upload Protocol).
    #[arg(long)]
    upload: bool,
    /// An upload-reply job: an upload whose server answers; /transfer prints the reply.
    #[arg(long)]
    upload_reply: bool,
}

#[derive(Subcommand)]
enum Verb {
    /// Transfers files in a new job and waits for it, showing progress; Completes it at the end
    /// (Cancels it on error or Ctrl-C).
    Transfer {
        /// The new job's display name.
        name: String,
        #[command(flatten)]
        kind: Kind,
        /// FOREGROUND, HIGH, NORMAL or LOW.
        #[arg(long, value_parser = parse_priority)]
        priority: Option<Priority>,
        /// Pairs of remote URL and absolute local path.
        #[arg(required = true, num_args = 2.., value_names = ["URL", "PATH"])]
        files: Vec<String>,
    },
    /// Creates a job (suspended) and prints its GUID.
    Create {
        #[command(flatten)]
        kind: Kind,
        name: String,
    },
    /// Adds a file to a job.
    Addfile { job: String, url: String, path: String },
    /// Adds the files a text file lists, one "URL PATH" pair per line.
    Addfileset { job: String, list: std::path::PathBuf },
    /// Starts (or restarts) a job's transfer.
    Resume { job: String },
    /// Suspends a job.
    Suspend { job: String },
    /// Cancels a job and deletes its temporary files.
    Cancel { job: String },
    /// Completes a transferred job: its files appear under their names.
    Complete { job: String },
    /// Shows a job.
    Info {
        job: String,
        /// Everything about the job: times, settings, files, the error.
        #[arg(long)]
        verbose: bool,
    },
    /// Lists your jobs.
    List {
        /// Every user's jobs (root only).
        #[arg(long)]
        allusers: bool,
        /// With the files of each job.
        #[arg(long)]
        verbose: bool,
    },
    /// Shows the jobs and refreshes the list until interrupted.
    Monitor {
        /// Every user's jobs (root only).
        #[arg(long)]
        allusers: bool,
        /// Seconds between refreshes.
        #[arg(long, default_value_t = 5)]
        refresh: u64,
        /// Show the list this many times, then exit (default: until interrupted).
        #[arg(long)]
        count: Option<u64>,
    },
    /// Prints a job's state (QUEUED, TRANSFERRING, TRANSFERRED, ERROR, ...).
    Getstate { job: String },
    /// Prints how many bytes a job has transferred.
    Getbytestransferred { job: String },
    /// Prints a job's display name.
    Getdisplayname { job: String },
    /// Prints a job's type (DOWNLOAD, UPLOAD, UPLOAD_REPLY).
    Gettype { job: String },
    /// Prints a job's priority (FOREGROUND, HIGH, NORMAL, LOW).
    Getpriority { job: String },
    /// Prints how many files a job has.
    Getfilestotal { job: String },
    /// Prints how many of a job's files are transferred.
    Getfilestransferred { job: String },
    /// Prints the size of a job's files in bytes (UNKNOWN until every size is known).
    Getbytestotal { job: String },
    /// Prints a job's description.
    Getdescription { job: String },
    /// Prints a job's owner (S-1-22-1-UID).
    Getowner { job: String },
    /// Prints a job's error: the file, the HRESULT and its message, the context.
    Geterror { job: String },
    /// Prints how many errors a job has had.
    Geterrorcount { job: String },
    /// Prints the seconds a job waits after a transient error before it tries again.
    Getminretry { job: String },
    /// Prints the seconds a job may go without progress before its error is final.
    Getnoprogresstimeout { job: String },
    /// Prints the seconds a job may transfer before it fails (0: no limit).
    Getmaxdownloadtime { job: String },
    /// Prints a job's notification flags (BG_NOTIFY_*, a number).
    Getnotifyflags { job: String },
    /// Prints REGISTERED when a program has a callback (IBackgroundCopyCallback) registered on a
    /// job, UNREGISTERED otherwise.
    Getnotifyinterface { job: String },
    /// Prints the program run when a job is transferred or fails, and its parameters.
    Getnotifycmdline { job: String },
    /// Prints when a job was created (UTC).
    Getcreationtime { job: String },
    /// Prints when a job last changed (UTC).
    Getmodificationtime { job: String },
    /// Prints when a job's transfer completed (UTC), or NONE.
    Getcompletiontime { job: String },
    /// Prints the file an upload-reply job's reply goes to.
    Getreplyfilename { job: String },
    /// Prints an upload-reply job's reply, in hexadecimal.
    Getreplydata { job: String },
    /// Prints a job's HTTP security flags (BG_SSL_* certificate checks and the redirect policy,
    /// in hexadecimal).
    Getsecurityflags { job: String },
    /// Prints a job's proxy usage (PRECONFIG, AUTODETECT, NO_PROXY, OVERRIDE).
    Getproxyusage { job: String },
    /// Prints a job's proxy list (OVERRIDE).
    Getproxylist { job: String },
    /// Prints a job's proxy bypass list (OVERRIDE).
    Getproxybypasslist { job: String },
    /// Sets a job's display name.
    Setdisplayname { job: String, name: String },
    /// Sets a job's description.
    Setdescription { job: String, description: String },
    /// Sets the seconds a job waits after a transient error before it tries again (min 5).
    Setminretry { job: String, seconds: u32 },
    /// Sets the seconds a job may go without progress before its error is final.
    Setnoprogresstimeout { job: String, seconds: u32 },
    /// Sets the seconds a job may transfer before it fails (0: no limit).
    Setmaxdownloadtime { job: String, seconds: u32 },
    /// Sets a job's notification flags (BG_NOTIFY_*: 1 transferred, 2 error, 4 disable,
    /// 8 modification, 16 file transferred, 32 file ranges transferred).
    Setnotifyflags { job: String, flags: u32 },
    /// Sets the file an upload-reply job's reply goes to (NULL: the default name).
    Setreplyfilename { job: String, path: String },
    /// Sets a job's HTTP security flags, decimal or 0x hexadecimal: 0x1 check CRLs, 0x2 ignore
    /// a wrong common name, 0x4 a wrong date, 0x8 an unknown CA, 0x10 a wrong usage; the
    /// redirect policy 0x000 allow, 0x100 allow and report, 0x200 disallow; 0x800 allow
    /// https to http.
    Setsecurityflags {
        job: String,
        #[arg(value_parser = parse_flags)]
        flags: u32,
    },
    /// Makes you the owner of another user's job (root only).
    Takeownership { job: String },
    /// Replaces the beginning of the URLs of a job's files that start with OLD by NEW.
    Replaceremoteprefix { job: String, old: String, new: String },
    /// Sets a job's priority (FOREGROUND, HIGH, NORMAL, LOW).
    Setpriority {
        job: String,
        #[arg(value_parser = parse_priority)]
        priority: Priority,
    },
    /// Limits the job's bandwidth, in bytes per second (0: no limit; a deliveryopt property).
    Setmaxbytespersecond { job: String, bytes_per_second: u64 },
    /// Caps the connections one large file of the job is fetched over (1..16; 0: the engine's
    /// default; a deliveryopt property).
    Setmaxsegments { job: String, segments: u32 },
    /// Sets the program run when the job is transferred or fails (NULL removes it).
    Setnotifycmdline {
        job: String,
        /// An absolute path, or NULL.
        program: String,
        /// The whole command line (argv[0] first), or NULL.
        parameters: Option<String>,
    },
    /// Sets extra request headers (each "Name: value"); NULL removes them.
    Setcustomheaders {
        job: String,
        #[arg(required = true, num_args = 1..)]
        headers: Vec<String>,
    },
    /// Sets the proxy: PRECONFIG, AUTODETECT, NO_PROXY, or OVERRIDE PROXYLIST BYPASSLIST.
    Setproxysettings { job: String, usage: String, list: Option<String>, bypass: Option<String> },
    /// Sets credentials: TARGET (SERVER or PROXY) SCHEME (BASIC, DIGEST, NTLM, NEGOTIATE,
    /// PASSPORT) USER PASSWORD.
    Setcredentials { job: String, target: String, scheme: String, user: String, password: String },
    /// Lists a job's files, one a line: bytes transferred / total (UNKNOWN until known),
    /// WORKING or COMPLETED, remote -> local.
    Listfiles { job: String },
    /// Adds a file of which only some byte ranges are fetched, written back to back in the order
    /// given (download jobs, http and https URLs). RANGES is a comma-separated list of
    /// OFFSET:LENGTH pairs, where a LENGTH of eof runs to the end of the remote file:
    /// 0:100,2000:100,5000:eof.
    Addfilewithranges {
        job: String,
        url: String,
        path: String,
        /// OFFSET:LENGTH[,OFFSET:LENGTH...], LENGTH a number or eof.
        ranges: String,
    },
    /// Prints the HTTP method of a job's requests (GET for downloads and BITS_POST for uploads
    /// unless another was set).
    Gethttpmethod { job: String },
    /// Sets the HTTP method of a job's requests, before its first /resume: an HTTP token such as
    /// POST, or GET for the default. Another method than GET makes the job FOREGROUND for good,
    /// is sent without Range, and makes network errors final.
    Sethttpmethod { job: String, method: String },
    /// Prints a job's custom headers, one a line ((null) when there are none); refused once
    /// they were made write-only.
    Getcustomheaders { job: String },
    /// Makes a job's custom headers write-only, for good: they are still sent, but
    /// /getcustomheaders refuses them and /info does not show them.
    Makecustomheaderswriteonly { job: String },
    /// Prints the name of the temporary file that receives a file's bytes until /complete
    /// (FILE_INDEX counts from 0).
    Gettemporaryname {
        job: String,
        /// The file's place in the job, from 0.
        file_index: usize,
    },
    /// Prints a file's validation state, TRUE or FALSE (FALSE also before any
    /// /setvalidationstate; FILE_INDEX counts from 0).
    Getvalidationstate {
        job: String,
        /// The file's place in the job, from 0.
        file_index: usize,
    },
    /// Accepts (TRUE) or rejects (FALSE) a transferred file (FILE_INDEX counts from 0). FALSE puts
    /// the job in ERROR with BG_E_VALIDATION_FAILED, and /resume fetches the file again.
    Setvalidationstate {
        job: String,
        /// The file's place in the job, from 0.
        file_index: usize,
        /// TRUE or FALSE.
        #[arg(value_parser = parse_bool, action = clap::ArgAction::Set)]
        state: bool,
    },
    /// Prints the progress of an upload-reply job's reply: bytes received / total (UNKNOWN until
    /// the reply begins).
    Getreplyprogress { job: String },
    /// Removes the credentials of TARGET (SERVER or PROXY) and SCHEME (BASIC, DIGEST, NTLM,
    /// NEGOTIATE, PASSPORT).
    Removecredentials { job: String, target: String, scheme: String },
    /// Prints a job's file ACL flags as letters: o owner, g group, d DACL (permission bits),
    /// s SACL; they apply to local sources (a path or file:// URL).
    Getaclflags { job: String },
    /// Sets a job's file ACL flags: letters among o (owner), g (group), d (DACL: permission
    /// bits), s (SACL: stored only), any case; og keeps a local source's owner and group.
    #[command(visible_alias = "setaclflags")]
    Setaclflag { job: String, flags: String },
    /// Prints a job's peer caching flags (1 download from peers, 2 serve peers, 4 no
    /// BranchCache).
    Getpeercachingflags { job: String },
    /// Sets a job's peer caching flags, decimal or 0x hexadecimal: 1 download from peers,
    /// 2 serve peers, 4 no BranchCache (stored only: there are no peers on Linux).
    Setpeercachingflags {
        job: String,
        #[arg(value_parser = parse_flags)]
        flags: u32,
    },
    /// Cancels every job of yours (or every user's, for root with --allusers).
    Reset {
        #[arg(long)]
        allusers: bool,
    },
}

/// Windows' spelling onto clap's: the verb (`/transfer` → `transfer`) and known switches of any
/// case (`/PRIORITY` → `--priority`); everything else is left as it is.
fn translate(args: Vec<String>) -> Vec<String> {
    const VERBS: &[&str] = &[
        "transfer",
        "create",
        "addfile",
        "addfileset",
        "resume",
        "suspend",
        "cancel",
        "complete",
        "info",
        "list",
        "monitor",
        "getstate",
        "getbytestransferred",
        "getdisplayname",
        "gettype",
        "getpriority",
        "getfilestotal",
        "getfilestransferred",
        "getbytestotal",
        "getdescription",
        "getowner",
        "geterror",
        "geterrorcount",
        "getminretry",
        "getnoprogresstimeout",
        "getmaxdownloadtime",
        "getnotifyflags",
        "getnotifyinterface",
        "getnotifycmdline",
        "getcreationtime",
        "getmodificationtime",
        "getcompletiontime",
        "getreplyfilename",
        "getreplydata",
        "getsecurityflags",
        "getproxyusage",
        "getproxylist",
        "getproxybypasslist",
        "setdisplayname",
        "setdescription",
        "setminretry",
        "setnoprogresstimeout",
        "setmaxdownloadtime",
        "setnotifyflags",
        "setreplyfilename",
        "setsecurityflags",
        "takeownership",
        "replaceremoteprefix",
        "setpriority",
        "setmaxbytespersecond",
        "setmaxsegments",
        "setnotifycmdline",
        "setcustomheaders",
        "setproxysettings",
        "setcredentials",
        "listfiles",
        "addfilewithranges",
        "gethttpmethod",
        "sethttpmethod",
        "getcustomheaders",
        "makecustomheaderswriteonly",
        "gettemporaryname",
        "getvalidationstate",
        "setvalidationstate",
        "getreplyprogress",
        "removecredentials",
        "getaclflags",
        "setaclflag",
        "setaclflags",
        "getpeercachingflags",
        "setpeercachingflags",
        "reset",
        "help",
    ];
    const SWITCHES: &[&str] = &[
        "download",
        "upload",
        "upload-reply",
        "priority",
        "verbose",
        "allusers",
        "refresh",
        "count",
        "json",
        "rawreturn",
        "wrap",
        "nowrap",
    ];
    let mut out = Vec::with_capacity(args.len());
    let mut verb_seen = false;
    for (i, a) in args.into_iter().enumerate() {
        if i == 0 {
            out.push(a);
            continue;
        }
        let bare = a.strip_prefix('/').map(str::to_ascii_lowercase);
        match bare {
            Some(b) if !verb_seen && VERBS.contains(&b.as_str()) => {
                verb_seen = true;
                out.push(b);
            }
            Some(b) if b == "?" => out.push("--help".into()),
            Some(b) if SWITCHES.contains(&b.replace('_', "-").as_str()) => {
                out.push(format!("--{}", b.replace('_', "-")))
            }
            _ => {
                if !a.starts_with('-') {
                    verb_seen = true;
                }
                out.push(a);
            }
        }
    }
    out
}

fn parse_priority(s: &str) -> Result<Priority, String> {
    match s.to_ascii_uppercase().as_str() {
        "FOREGROUND" => Ok(Priority::Foreground),
        "HIGH" => Ok(Priority::High),
        "NORMAL" => Ok(Priority::Normal),
        "LOW" => Ok(Priority::Low),
        _ => Err("expected FOREGROUND, HIGH, NORMAL or LOW".into()),
    }
}

/// A number given in decimal or as 0x hexadecimal (Windows' flags are written both ways).
fn parse_flags(s: &str) -> Result<u32, String> {
    let t = s.trim();
    let parsed = match t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        Some(hex) => u32::from_str_radix(hex, 16),
        None => t.parse(),
    };
    parsed.map_err(|_| format!("expected a number (decimal or 0x hexadecimal), not {s:?}"))
}

/// TRUE or FALSE, any case (Windows' spelling of a BOOL).
fn parse_bool(s: &str) -> Result<bool, String> {
    match s.to_ascii_uppercase().as_str() {
        "TRUE" => Ok(true),
        "FALSE" => Ok(false),
        _ => Err("expected TRUE or FALSE".into()),
    }
}

/// /addfilewithranges' RANGES: `offset:length` pairs separated by commas, decimal, where a
/// length of `eof` is BG_LENGTH_TO_EOF. Only the form is checked here: the engine checks the
/// ranges as AddFileWithRanges does (empty, overlapping, too many).
fn parse_ranges(s: &str) -> Result<Vec<FileRange>, String> {
    s.split(',')
        .map(|pair| {
            let bad = || format!("not OFFSET:LENGTH (LENGTH a number or eof): {:?}", pair.trim());
            let (offset, length) = pair.trim().split_once(':').ok_or_else(bad)?;
            let offset = offset.trim().parse().map_err(|_| bad())?;
            let length = match length.trim() {
                l if l.eq_ignore_ascii_case("eof") => LENGTH_TO_EOF,
                l => l.parse().map_err(|_| bad())?,
            };
            Ok(FileRange { offset, length })
        })
        .collect()
}

/// The file ACL flags' letters, in Windows' order (o owner, g group, d DACL, s SACL).
const ACL_LETTERS: [(char, u32); 4] =
    [('o', BG_COPY_FILE_OWNER), ('g', BG_COPY_FILE_GROUP), ('d', BG_COPY_FILE_DACL), ('s', BG_COPY_FILE_SACL)];

fn acl_letters(flags: u32) -> String {
    ACL_LETTERS.iter().filter(|(_, bit)| flags & bit != 0).map(|(c, _)| *c).collect()
}

/// Letters of /setaclflag (any case, each at most once in effect) as BG_COPY_FILE_* bits.
fn parse_acl_letters(s: &str) -> Result<u32, char> {
    s.chars().try_fold(0, |flags, c| {
        let bit = ACL_LETTERS.iter().find(|(l, _)| l.eq_ignore_ascii_case(&c)).map(|(_, b)| *b).ok_or(c)?;
        Ok(flags | bit)
    })
}

/// TARGET and SCHEME of /setcredentials and /removecredentials, refused as SetCredentials and
/// RemoveCredentials refuse them: BG_E_INVALID_AUTH_TARGET, BG_E_INVALID_AUTH_SCHEME, and E_NOTIMPL
/// for the Windows sign-on schemes.
fn auth_pair(target: &str, scheme: &str, doing: &str) -> Result<(AuthTarget, AuthScheme), Failure> {
    let bad = |why: &str, hr| Failure { detail: Some(why.into()), ..Failure::new(doing, hr) };
    let target = match target.to_ascii_uppercase().as_str() {
        "SERVER" => AuthTarget::Server,
        "PROXY" => AuthTarget::Proxy,
        _ => return Err(bad("the target is SERVER or PROXY", BG_E_INVALID_AUTH_TARGET)),
    };
    let scheme = match scheme.to_ascii_uppercase().as_str() {
        "BASIC" => AuthScheme::Basic,
        "DIGEST" => AuthScheme::Digest,
        // As SetCredentials answers for them: no Windows single sign-on here.
        "NTLM" | "NEGOTIATE" | "PASSPORT" => {
            return Err(Failure {
                detail: Some("only BASIC and DIGEST are supported".into()),
                ..Failure::new(doing, E_NOTIMPL)
            })
        }
        _ => return Err(bad("the scheme is BASIC, DIGEST, NTLM, NEGOTIATE or PASSPORT", BG_E_INVALID_AUTH_SCHEME)),
    };
    Ok((target, scheme))
}

fn priority_name(p: Priority) -> &'static str {
    match p {
        Priority::Foreground => "FOREGROUND",
        Priority::High => "HIGH",
        Priority::Normal => "NORMAL",
        Priority::Low => "LOW",
    }
}

fn state_name(s: JobState) -> &'static str {
    match s {
        JobState::Queued => "QUEUED",
        JobState::Connecting => "CONNECTING",
        JobState::Transferring => "TRANSFERRING",
        JobState::Suspended => "SUSPENDED",
        JobState::Error => "ERROR",
        JobState::TransientError => "TRANSIENT_ERROR",
        JobState::Transferred => "TRANSFERRED",
        JobState::Acknowledged => "ACKNOWLEDGED",
        JobState::Cancelled => "CANCELLED",
    }
}

/// A failed command: what was being done and the HRESULT.
struct Failure {
    doing: String,
    hr: HRESULT,
    detail: Option<String>,
}

impl Failure {
    fn new(doing: impl Into<String>, hr: HRESULT) -> Failure {
        Failure { doing: doing.into(), hr, detail: None }
    }
}

type Outcome = Result<Value, Failure>;

fn engine(doing: &str) -> impl Fn(EngineError) -> Failure + '_ {
    move |e| Failure::new(doing, map_error(&e))
}

fn message(hr: HRESULT) -> String {
    deliveryopt::abi::messages::message(hr).map(|m| m.trim().to_string()).unwrap_or_else(|| "Unknown error".into())
}

fn hr_text(hr: HRESULT) -> String {
    format!("{:#010x}", hr as u32)
}

fn guid(id: JobId) -> String {
    id.to_string()
}

fn client() -> Result<Arc<Client>, Failure> {
    Client::global().map_err(|e| Failure::new("connect to the transfer service", start_error(&e)))
}

/// JOB as a GUID or a display name (of one of the caller's jobs, or anyone's for root).
fn find(c: &Arc<Client>, job: &str) -> Result<JobHandle, Failure> {
    let doing = format!("find the job {job}");
    let text = job.trim().trim_start_matches('{').trim_end_matches('}');
    if let Ok(u) = uuid::Uuid::parse_str(text) {
        return c.get_job(JobId(u)).map_err(|e| Failure::new(doing, map_error(&e)));
    }
    let admin = deliveryopt::abi::os::effective_uid() == 0;
    let jobs = c.jobs(admin).map_err(|e| Failure::new(doing.clone(), map_error(&e)))?;
    let mut named: Vec<JobHandle> =
        jobs.into_iter().filter(|j| j.display_name().is_ok_and(|n| n.eq_ignore_ascii_case(job))).collect();
    match named.len() {
        0 => Err(Failure::new(doing, BG_E_NOT_FOUND)),
        1 => Ok(named.remove(0)),
        _ => Err(Failure {
            detail: Some(format!("{} jobs are named {job}: give the GUID", named.len())),
            ..Failure::new(doing, E_INVALIDARG)
        }),
    }
}

fn summary(j: &JobHandle) -> Result<Value, EngineError> {
    let p = j.progress()?;
    let total = (p.bytes_total != u64::MAX).then_some(p.bytes_total);
    Ok(json!({
        "job": guid(j.id()),
        "name": j.display_name()?,
        "state": state_name(j.state()?),
        "bytes_transferred": p.bytes_transferred,
        "bytes_total": total,
        "files_transferred": p.files_transferred,
        "files_total": p.files_total,
    }))
}

fn summary_line(v: &Value) -> String {
    let total = v["bytes_total"].as_u64().map_or("UNKNOWN".to_string(), |t| t.to_string());
    format!(
        "{} '{}' {} {} / {} {} / {}",
        v["job"].as_str().unwrap_or(""),
        v["name"].as_str().unwrap_or(""),
        v["state"].as_str().unwrap_or(""),
        v["bytes_transferred"],
        total,
        v["files_transferred"],
        v["files_total"]
    )
}

fn files_of(j: &JobHandle) -> Result<Vec<Value>, EngineError> {
    let mut out = Vec::new();
    for i in 0..j.file_count()? {
        let Some(f) = j.file(i)? else { continue };
        let p = j.file_progress(i)?;
        out.push(json!({
            "remote": f.remote.for_log(),
            "local": f.local.display().to_string(),
            "bytes_transferred": p.as_ref().map(|p| p.bytes_transferred),
            "bytes_total": p.as_ref().and_then(|p| (p.bytes_total != u64::MAX).then_some(p.bytes_total)),
            "completed": p.as_ref().map(|p| p.completed),
        }));
    }
    Ok(out)
}

fn error_of(j: &JobHandle) -> Result<Value, EngineError> {
    Ok(match j.failure()? {
        Some(f) => {
            let hr = fetch_error(&f.error);
            json!({
                "hr": hr_text(hr),
                "context": format!("{:?}", f.context),
                "description": message(hr),
                "file": f.file,
            })
        }
        None => Value::Null,
    })
}

fn info(j: &JobHandle, verbose: bool) -> Result<Value, EngineError> {
    let mut v = summary(j)?;
    v["type"] = json!(match j.job_type() {
        JobType::Download => "DOWNLOAD",
        JobType::Upload => "UPLOAD",
        JobType::UploadReply => "UPLOAD_REPLY",
    });
    v["priority"] = json!(priority_name(j.priority()?));
    v["owner"] = json!(j.owner()?.sid());
    if verbose {
        let t = j.times()?;
        v["description"] = json!(j.description()?);
        v["created"] = json!(t.created.0);
        v["modified"] = json!(t.modified.0);
        v["transfer_completed"] = json!(t.transfer_completed.0);
        v["error_count"] = json!(j.error_count()?);
        v["min_retry_delay"] = json!(j.min_retry_delay()?);
        v["no_progress_timeout"] = json!(j.no_progress_timeout()?);
        v["notify_flags"] = json!(j.notify_flags()?);
        v["notify_cmdline"] = match j.notify_cmdline()? {
            Some(c) => json!({ "program": c.program, "parameters": c.parameters }),
            None => Value::Null,
        };
        let proxy = j.proxy_settings()?;
        v["proxy"] = json!({ "usage": format!("{:?}", proxy.usage), "list": proxy.list, "bypass": proxy.bypass });
        let settings = j.settings()?;
        // Write-only headers are for the server only (MakeCustomHeadersWriteOnly).
        v["custom_headers"] = json!(settings.custom_headers.filter(|_| !settings.headers_write_only));
        v["custom_headers_write_only"] = json!(settings.headers_write_only);
        v["max_bytes_per_second"] = json!(settings.max_bytes_per_second);
        v["max_segments"] = json!(settings.max_segments);
        v["error"] = error_of(j)?;
        v["files"] = json!(files_of(j)?);
    }
    Ok(v)
}

fn print_info(v: &Value) {
    out!(
        "GUID: {} DISPLAY: '{}'\nTYPE: {} STATE: {} OWNER: {}\nPRIORITY: {} FILES: {} / {} BYTES: {} / {}",
        v["job"].as_str().unwrap_or(""),
        v["name"].as_str().unwrap_or(""),
        v["type"].as_str().unwrap_or(""),
        v["state"].as_str().unwrap_or(""),
        v["owner"].as_str().unwrap_or(""),
        v["priority"].as_str().unwrap_or(""),
        v["files_transferred"],
        v["files_total"],
        v["bytes_transferred"],
        v["bytes_total"].as_u64().map_or("UNKNOWN".to_string(), |t| t.to_string()),
    );
    if v.get("created").is_none() {
        return;
    }
    out!("DESCRIPTION: {}", v["description"].as_str().unwrap_or(""));
    let when = |k: &str| v[k].as_u64().and_then(filetime_text).unwrap_or_else(|| "NONE".into());
    out!(
        "CREATION TIME: {} MODIFICATION TIME: {} COMPLETION TIME: {}",
        when("created"),
        when("modified"),
        when("transfer_completed")
    );
    out!(
        "ERROR COUNT: {} RETRY DELAY: {} NO PROGRESS TIMEOUT: {} NOTIFY FLAGS: {}",
        v["error_count"],
        v["min_retry_delay"],
        v["no_progress_timeout"],
        v["notify_flags"]
    );
    match v["notify_cmdline"].as_object() {
        Some(c) => out!(
            "NOTIFY COMMAND LINE: '{}' '{}'",
            c["program"].as_str().unwrap_or(""),
            c["parameters"].as_str().unwrap_or("")
        ),
        None => out!("NOTIFY COMMAND LINE: none"),
    }
    out!(
        "PROXY USAGE: {} PROXY LIST: {} PROXY BYPASS LIST: {}",
        v["proxy"]["usage"].as_str().unwrap_or(""),
        v["proxy"]["list"].as_str().unwrap_or("NULL"),
        v["proxy"]["bypass"].as_str().unwrap_or("NULL")
    );
    out!(
        "MAX BYTES PER SECOND: {} MAX CONNECTIONS PER FILE: {}",
        v["max_bytes_per_second"].as_u64().filter(|n| *n > 0).map_or("NO LIMIT".to_string(), |n| n.to_string()),
        v["max_segments"].as_u64().filter(|n| *n > 0).map_or("DEFAULT".to_string(), |n| n.to_string()),
    );
    if let Some(h) = v["custom_headers"].as_str() {
        out!("CUSTOM HEADERS: {}", h.replace("\r\n", " | "));
    } else if v["custom_headers_write_only"].as_bool() == Some(true) {
        out!("CUSTOM HEADERS: (write-only)");
    }
    if let Some(e) = v["error"].as_object() {
        out!(
            "ERROR: {} CONTEXT: {} FILE: {}\n  {}",
            e["hr"].as_str().unwrap_or(""),
            e["context"].as_str().unwrap_or(""),
            e["file"],
            e["description"].as_str().unwrap_or("")
        );
    }
    if let Some(files) = v["files"].as_array() {
        out!("JOB FILES:");
        for f in files {
            out!("\t{}", file_line(f));
        }
    }
}

/// One file as /info /verbose and /listfiles show it (Windows' form):
/// `0 / UNKNOWN WORKING URL -> PATH`.
fn file_line(f: &Value) -> String {
    format!(
        "{} / {} {} {} -> {}",
        f["bytes_transferred"],
        f["bytes_total"].as_u64().map_or("UNKNOWN".to_string(), |t| t.to_string()),
        if f["completed"].as_bool() == Some(true) { "COMPLETED" } else { "WORKING" },
        f["remote"].as_str().unwrap_or(""),
        f["local"].as_str().unwrap_or("")
    )
}

fn nullable(s: &str) -> Option<String> {
    (!s.eq_ignore_ascii_case("NULL")).then(|| s.to_string())
}

fn job_type(kind: &Kind, doing: &str) -> Result<JobType, Failure> {
    match (kind.download, kind.upload, kind.upload_reply) {
        (_, false, false) => Ok(JobType::Download),
        (false, true, false) => Ok(JobType::Upload),
        (false, false, true) => Ok(JobType::UploadReply),
        _ => Err(Failure {
            detail: Some("one of /download, /upload, /upload-reply".into()),
            ..Failure::new(doing, E_INVALIDARG)
        }),
    }
}

fn add_pairs(j: &JobHandle, pairs: &[(String, String)]) -> Result<(), Failure> {
    let files: Vec<NewFile> =
        pairs.iter().map(|(r, l)| NewFile { remote: r.clone(), local: absolute(l), ranges: None }).collect();
    add_files(j, files, "add the files to the job")
}

/// AddFile's errors, as AddFile and AddFileWithRanges give them: a destination that is a
/// directory is a bad argument; other local problems keep their own code.
fn add_files(j: &JobHandle, files: Vec<NewFile>, doing: &str) -> Result<(), Failure> {
    match j.add_files(files) {
        Ok(_) => Ok(()),
        Err(EngineError::Local(LocalError::IsDirectory)) => {
            Err(Failure { detail: Some("the local name is a directory".into()), ..Failure::new(doing, E_INVALIDARG) })
        }
        Err(e) => Err(engine(doing)(e)),
    }
}

/// File FILE_INDEX of a job (counted from 0, as Windows counts); E_INVALIDARG past the last.
fn file_at(h: &JobHandle, index: usize, doing: &str) -> Result<FileEntry, Failure> {
    if let Some(f) = h.file(index).map_err(engine(doing))? {
        return Ok(f);
    }
    let n = h.file_count().map_err(engine(doing))?;
    Err(Failure {
        detail: Some(format!("the job has {n} file(s); FILE_INDEX counts from 0")),
        ..Failure::new(doing, E_INVALIDARG)
    })
}

/// A relative local path is taken from the current directory (BITS wants absolute ones; the
/// shell user means this one).
fn absolute(p: &str) -> String {
    let path = std::path::Path::new(p);
    if path.is_absolute() {
        return p.to_string();
    }
    std::env::current_dir().map(|d| d.join(path).display().to_string()).unwrap_or_else(|_| p.to_string())
}

/// Longest HTTP method SetHttpMethod takes, in characters.
const MAX_HTTP_METHOD: usize = 64;

static INTERRUPTED: AtomicBool = AtomicBool::new(false);

fn transfer(
    c: &Arc<Client>,
    name: String,
    ty: JobType,
    priority: Option<Priority>,
    files: &[String],
    json_out: bool,
) -> Outcome {
    if files.len() % 2 != 0 {
        return Err(Failure {
            detail: Some("files come in pairs: URL PATH".into()),
            ..Failure::new("start the transfer", E_INVALIDARG)
        });
    }
    let j = c.create_job(name, ty, false).map_err(engine("create the job"))?;
    let cancel = |f: Failure| {
        let _ = j.cancel();
        f
    };
    let pairs: Vec<(String, String)> = files.chunks(2).map(|p| (p[0].clone(), p[1].clone())).collect();
    add_pairs(&j, &pairs).map_err(cancel)?;
    if let Some(p) = priority {
        j.set_priority(p).map_err(engine("set the priority")).map_err(cancel)?;
    }
    j.resume().map_err(engine("resume the job")).map_err(cancel)?;
    let _ = ctrlc::set_handler(|| INTERRUPTED.store(true, Ordering::SeqCst));
    let bar = (!json_out && std::io::stderr().is_terminal()).then(|| {
        let b = indicatif::ProgressBar::new(0);
        b.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} {msg} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        b.set_message(guid(j.id()));
        b.enable_steady_tick(Duration::from_millis(120));
        b
    });
    let started = Instant::now();
    let state = loop {
        let state = j.state().map_err(engine("follow the job"))?;
        if let Some(b) = &bar {
            if let Ok(p) = j.progress() {
                if p.bytes_total != u64::MAX {
                    b.set_length(p.bytes_total);
                }
                b.set_position(p.bytes_transferred);
            }
        }
        if matches!(state, JobState::Transferred | JobState::Error | JobState::Cancelled | JobState::Acknowledged) {
            break state;
        }
        if INTERRUPTED.load(Ordering::SeqCst) {
            if let Some(b) = &bar {
                b.abandon_with_message("interrupted: the job was cancelled");
            }
            let _ = j.cancel();
            return Err(Failure {
                detail: Some("interrupted: the job was cancelled".into()),
                ..Failure::new("finish the transfer", E_ABORT)
            });
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let mut v = summary(&j).map_err(engine("follow the job"))?;
    if state != JobState::Transferred {
        let hr = j.failure().ok().flatten().map_or(E_FAIL, |f| fetch_error(&f.error));
        if let Some(b) = &bar {
            b.abandon_with_message("failed");
        }
        let _ = j.cancel();
        return Err(Failure {
            detail: Some(format!("the job ended in state {}; it was cancelled", state_name(state))),
            ..Failure::new("transfer the files", hr)
        });
    }
    let reply = if ty == JobType::UploadReply {
        match j.reply_data().map_err(engine("read the reply"))? {
            deliveryopt::engine::upload::ReplyData::Bytes(b) => Some(b),
            _ => Some(Vec::new()),
        }
    } else {
        None
    };
    let end = j.complete().map_err(engine("complete the job"))?;
    if let Some(b) = &bar {
        b.finish_with_message("transferred");
    }
    v["state"] = json!(if end.partial { "PARTIALLY_COMPLETED" } else { "ACKNOWLEDGED" });
    v["seconds"] = json!((started.elapsed().as_secs_f64() * 1000.0).round() / 1000.0);
    if let Some(r) = &reply {
        v["reply"] = json!(String::from_utf8_lossy(r));
    }
    if !json_out {
        out!("Transfer complete.");
        out!("{}", summary_line(&v));
        if let Some(r) = &reply {
            print!("{}", String::from_utf8_lossy(r));
        }
    }
    Ok(v)
}

/// A GET verb's job and the name of what it reads (its JSON key, see [`read`]).
fn getter(verb: &Verb) -> Option<(&str, &'static str)> {
    Some(match verb {
        Verb::Gettype { job } => (job, "type"),
        Verb::Getpriority { job } => (job, "priority"),
        Verb::Getfilestotal { job } => (job, "files_total"),
        Verb::Getfilestransferred { job } => (job, "files_transferred"),
        Verb::Getbytestotal { job } => (job, "bytes_total"),
        Verb::Getdescription { job } => (job, "description"),
        Verb::Getowner { job } => (job, "owner"),
        Verb::Geterror { job } => (job, "error"),
        Verb::Geterrorcount { job } => (job, "error_count"),
        Verb::Getminretry { job } => (job, "min_retry_delay"),
        Verb::Getnoprogresstimeout { job } => (job, "no_progress_timeout"),
        Verb::Getmaxdownloadtime { job } => (job, "max_download_time"),
        Verb::Getnotifyflags { job } => (job, "notify_flags"),
        Verb::Getnotifyinterface { job } => (job, "notify_interface"),
        Verb::Getnotifycmdline { job } => (job, "notify_cmdline"),
        Verb::Getcreationtime { job } => (job, "created"),
        Verb::Getmodificationtime { job } => (job, "modified"),
        Verb::Getcompletiontime { job } => (job, "transfer_completed"),
        Verb::Getreplyfilename { job } => (job, "reply_file"),
        Verb::Getreplydata { job } => (job, "reply_data"),
        Verb::Getsecurityflags { job } => (job, "security_flags"),
        Verb::Getproxyusage { job } => (job, "proxy_usage"),
        Verb::Getproxylist { job } => (job, "proxy_list"),
        Verb::Getproxybypasslist { job } => (job, "proxy_bypass"),
        _ => return None,
    })
}

/// A FILETIME (100 ns since 1601, UTC) as RFC 3339 UTC; None for 0 (never).
fn filetime_text(ft: u64) -> Option<String> {
    const UNIX_EPOCH_AS_FILETIME: u64 = 116_444_736_000_000_000;
    let since_unix = ft.checked_sub(UNIX_EPOCH_AS_FILETIME).filter(|_| ft != 0)?;
    let t = std::time::UNIX_EPOCH + Duration::from_nanos(since_unix.saturating_mul(100));
    Some(humantime::format_rfc3339_seconds(t).to_string())
}

/// What a GET verb prints (text) and gives as JSON.
fn read(h: &JobHandle, what: &str) -> Result<(String, Value), Failure> {
    let doing = "read the job";
    let e = engine(doing);
    let n = |v: u64| Ok((v.to_string(), json!(v)));
    let text = |t: String| Ok((t.clone(), json!(t)));
    let time = |ft: u64| match filetime_text(ft) {
        Some(t) => Ok((t.clone(), json!(t))),
        None => Ok(("NONE".to_string(), Value::Null)),
    };
    match what {
        "type" => text(
            match h.job_type() {
                JobType::Download => "DOWNLOAD",
                JobType::Upload => "UPLOAD",
                JobType::UploadReply => "UPLOAD_REPLY",
            }
            .into(),
        ),
        "priority" => text(priority_name(h.priority().map_err(e)?).into()),
        "files_total" => n(h.progress().map_err(e)?.files_total.into()),
        "files_transferred" => n(h.progress().map_err(e)?.files_transferred.into()),
        "bytes_total" => match h.progress().map_err(e)?.bytes_total {
            u64::MAX => Ok(("UNKNOWN".into(), Value::Null)),
            t => n(t),
        },
        "description" => text(h.description().map_err(e)?),
        "owner" => text(h.owner().map_err(e)?.sid()),
        "error" => {
            let v = error_of(h).map_err(&e)?;
            if v.is_null() {
                return Err(Failure {
                    detail: Some("the job has no error".into()),
                    ..Failure::new(doing, BG_E_ERROR_INFORMATION_UNAVAILABLE)
                });
            }
            let file = match v["file"].as_u64().map(|i| h.file(i as usize)) {
                Some(Ok(Some(f))) => format!("{} -> {}", f.remote.for_log(), f.local.display()),
                _ => "(none)".into(),
            };
            let t = format!(
                "ERROR FILE:    {file}\nERROR CODE:    {} - {}\nERROR CONTEXT: {}",
                v["hr"].as_str().unwrap_or(""),
                v["description"].as_str().unwrap_or(""),
                v["context"].as_str().unwrap_or("")
            );
            Ok((t, v))
        }
        "error_count" => n(h.error_count().map_err(e)?.into()),
        "min_retry_delay" => n(h.min_retry_delay().map_err(e)?.into()),
        "no_progress_timeout" => n(h.no_progress_timeout().map_err(e)?.into()),
        "max_download_time" => n(h.settings().map_err(e)?.max_download_time.into()),
        "notify_flags" => n(h.notify_flags().map_err(e)?.into()),
        "notify_interface" => {
            let registered = h.notify_registered().map_err(e)?;
            Ok(((if registered { "REGISTERED" } else { "UNREGISTERED" }).into(), json!(registered)))
        }
        "notify_cmdline" => match h.notify_cmdline().map_err(e)? {
            Some(c) => Ok((
                format!("'{}' '{}'", c.program, c.parameters.as_deref().unwrap_or("")),
                json!({ "program": c.program, "parameters": c.parameters }),
            )),
            None => Ok(("(null)".into(), Value::Null)),
        },
        "created" => time(h.times().map_err(e)?.created.0),
        "modified" => time(h.times().map_err(e)?.modified.0),
        "transfer_completed" => time(h.times().map_err(e)?.transfer_completed.0),
        "reply_file" => match h.reply_info().map_err(e)?.file {
            Some(f) => text(f.display().to_string()),
            None => Ok(("(null)".into(), Value::Null)),
        },
        "reply_data" => match h.reply_data().map_err(e)? {
            deliveryopt::engine::upload::ReplyData::Empty => Ok((String::new(), json!(""))),
            deliveryopt::engine::upload::ReplyData::Bytes(b) => {
                let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
                Ok((hex.clone(), json!(hex)))
            }
            deliveryopt::engine::upload::ReplyData::TooLarge(size) => Err(Failure {
                detail: Some(format!("the reply is {size} bytes; GetReplyData gives at most 1 MB")),
                ..Failure::new(doing, BG_E_TOO_LARGE)
            }),
        },
        "security_flags" => {
            let f = h.settings().map_err(e)?.security_flags;
            Ok((format!("0x{f:04x}"), json!(f)))
        }
        "proxy_usage" => text(
            match h.proxy_settings().map_err(e)?.usage {
                ProxyUsage::Preconfig => "PRECONFIG",
                ProxyUsage::NoProxy => "NO_PROXY",
                ProxyUsage::Override => "OVERRIDE",
                ProxyUsage::Autodetect => "AUTODETECT",
            }
            .into(),
        ),
        "proxy_list" => text(h.proxy_settings().map_err(e)?.list.unwrap_or_default()),
        "proxy_bypass" => text(h.proxy_settings().map_err(e)?.bypass.unwrap_or_default()),
        _ => Err(Failure::new(doing, E_NOTIMPL)),
    }
}

type SetSeconds = fn(&JobHandle, u32) -> Result<(), EngineError>;
type GetSeconds = fn(&JobHandle) -> Result<u32, EngineError>;

/// A SET verb of a time in seconds: `what` is its name in words and its JSON key. Says the value
/// the job took, read back (the minimum retry delay is raised to 5 s, for one).
fn set_seconds(
    h: &JobHandle,
    seconds: u32,
    (words, key): (&str, &str),
    (set, get): (SetSeconds, GetSeconds),
    said: impl Fn(String, Value) -> Outcome,
) -> Outcome {
    set(h, seconds).map_err(engine(&format!("set the {words}")))?;
    let seconds = get(h).map_err(engine("read the job"))?;
    let mut first = words.chars();
    let words = first.next().map(|c| c.to_ascii_uppercase().to_string() + first.as_str()).unwrap_or_default();
    said(format!("{words} set to {seconds} seconds."), json!({ "job": guid(h.id()), key: seconds }))
}

fn run(cli: Cli) -> Outcome {
    let j = cli.json;
    let raw = cli.rawreturn;
    let c = client()?;
    let said = |text: String, v: Value| {
        if !j {
            if raw {
                print!("{text}");
                let _ = std::io::stdout().flush();
            } else {
                out!("{text}");
            }
        }
        Ok(v)
    };
    if let Some((job, what)) = getter(&cli.verb) {
        let h = find(&c, job)?;
        let (text, v) = read(&h, what)?;
        return said(text, json!({ "job": guid(h.id()), what: v }));
    }
    match cli.verb {
        Verb::Transfer { name, kind, priority, files } => {
            let ty = job_type(&kind, "start the transfer")?;
            transfer(&c, name, ty, priority, &files, j)
        }
        Verb::Create { kind, name } => {
            let ty = job_type(&kind, "create the job")?;
            let job = c.create_job(name, ty, false).map_err(engine("create the job"))?;
            said(format!("Created job {}.", guid(job.id())), json!({ "job": guid(job.id()) }))
        }
        Verb::Addfile { job, url, path } => {
            let h = find(&c, &job)?;
            add_pairs(&h, &[(url.clone(), path.clone())])?;
            said(format!("Added {url} -> {} to job.", absolute(&path)), json!({ "job": guid(h.id()), "added": 1 }))
        }
        Verb::Addfileset { job, list } => {
            let h = find(&c, &job)?;
            let text = std::fs::read_to_string(&list).map_err(|e| Failure {
                detail: Some(format!("{}: {e}", list.display())),
                ..Failure::new("read the file list", E_INVALIDARG)
            })?;
            let mut pairs = Vec::new();
            for (n, line) in text.lines().enumerate() {
                let line = line.trim();
                if line.is_empty() || line.starts_with('#') {
                    continue;
                }
                let mut parts = line.split_whitespace();
                match (parts.next(), parts.next(), parts.next()) {
                    (Some(r), Some(l), None) => pairs.push((r.to_string(), l.to_string())),
                    _ => {
                        return Err(Failure {
                            detail: Some(format!("{} line {}: expected \"URL PATH\"", list.display(), n + 1)),
                            ..Failure::new("read the file list", E_INVALIDARG)
                        })
                    }
                }
            }
            add_pairs(&h, &pairs)?;
            said(format!("Added {} file(s) to job.", pairs.len()), json!({ "job": guid(h.id()), "added": pairs.len() }))
        }
        Verb::Resume { job } => {
            let h = find(&c, &job)?;
            h.resume().map_err(engine("resume the job"))?;
            said(
                "Job resumed.".into(),
                json!({ "job": guid(h.id()), "state": state_name(h.state().unwrap_or(JobState::Queued)) }),
            )
        }
        Verb::Suspend { job } => {
            let h = find(&c, &job)?;
            h.suspend().map_err(engine("suspend the job"))?;
            said("Job suspended.".into(), json!({ "job": guid(h.id()), "state": "SUSPENDED" }))
        }
        Verb::Cancel { job } => {
            let h = find(&c, &job)?;
            h.cancel().map_err(engine("cancel the job"))?;
            said("Job canceled.".into(), json!({ "job": guid(h.id()), "state": "CANCELLED" }))
        }
        Verb::Complete { job } => {
            let h = find(&c, &job)?;
            let end = h.complete().map_err(engine("complete the job"))?;
            let text = if end.partial { "Job partially completed." } else { "Job completed." };
            said(text.into(), json!({ "job": guid(h.id()), "state": "ACKNOWLEDGED", "partial": end.partial }))
        }
        Verb::Info { job, verbose } => {
            let h = find(&c, &job)?;
            let v = info(&h, verbose).map_err(engine("read the job"))?;
            if !j {
                print_info(&v);
            }
            Ok(v)
        }
        Verb::List { allusers, verbose } => {
            let jobs = c.jobs(allusers).map_err(engine("list the jobs"))?;
            let mut list = Vec::new();
            for h in &jobs {
                // A job that ended meanwhile is left out.
                if let Ok(v) = if verbose { info(h, true) } else { summary(h) } {
                    list.push(v);
                }
            }
            if !j {
                for v in &list {
                    if verbose {
                        print_info(v);
                        out!();
                    } else {
                        out!("{}", summary_line(v));
                    }
                }
                out!("Listed {} job(s).", list.len());
            }
            Ok(json!({ "jobs": list }))
        }
        Verb::Monitor { allusers, refresh, count } => {
            let _ = ctrlc::set_handler(|| INTERRUPTED.store(true, Ordering::SeqCst));
            let mut shown = 0u64;
            let mut last = Vec::new();
            while count.is_none_or(|n| shown < n) && !INTERRUPTED.load(Ordering::SeqCst) {
                let jobs = c.jobs(allusers).map_err(engine("list the jobs"))?;
                last = jobs.iter().filter_map(|h| summary(h).ok()).collect::<Vec<_>>();
                let now = chrono_free_now();
                if j {
                    out!("{}", json!({ "time": now, "jobs": last }));
                } else {
                    if std::io::stdout().is_terminal() {
                        print!("\x1b[2J\x1b[H");
                    }
                    out!("MONITORING BACKGROUND COPY MANAGER ({refresh} second refresh) {now}");
                    for v in &last {
                        out!("{}", summary_line(v));
                    }
                }
                let _ = std::io::stdout().flush();
                shown += 1;
                if count.is_some_and(|n| shown >= n) {
                    break;
                }
                let until = Instant::now() + Duration::from_secs(refresh.max(1));
                while Instant::now() < until && !INTERRUPTED.load(Ordering::SeqCst) {
                    std::thread::sleep(Duration::from_millis(100));
                }
            }
            // Already printed as it went.
            Err(Failure { doing: String::new(), hr: 0, detail: Some(format!("{}", last.len())) })
        }
        Verb::Getstate { job } => {
            let h = find(&c, &job)?;
            let s = state_name(h.state().map_err(engine("read the job"))?);
            said(s.into(), json!({ "job": guid(h.id()), "state": s }))
        }
        Verb::Getbytestransferred { job } => {
            let h = find(&c, &job)?;
            let p = h.progress().map_err(engine("read the job"))?;
            said(
                p.bytes_transferred.to_string(),
                json!({ "job": guid(h.id()), "bytes_transferred": p.bytes_transferred }),
            )
        }
        Verb::Getdisplayname { job } => {
            let h = find(&c, &job)?;
            let n = h.display_name().map_err(engine("read the job"))?;
            said(format!("'{n}'"), json!({ "job": guid(h.id()), "name": n }))
        }
        Verb::Setpriority { job, priority } => {
            let h = find(&c, &job)?;
            h.set_priority(priority).map_err(engine("set the priority"))?;
            said(
                format!("Priority set to {}.", priority_name(priority)),
                json!({ "job": guid(h.id()), "priority": priority_name(priority) }),
            )
        }
        Verb::Setmaxbytespersecond { job, bytes_per_second } => {
            let h = find(&c, &job)?;
            h.change_settings(SettingsChange::MaxBytesPerSecond(bytes_per_second))
                .map_err(engine("set the bandwidth limit"))?;
            let text = if bytes_per_second == 0 {
                "Bandwidth limit removed.".to_string()
            } else {
                format!("Bandwidth limit set to {bytes_per_second} bytes per second.")
            };
            said(text, json!({ "job": guid(h.id()), "max_bytes_per_second": bytes_per_second }))
        }
        Verb::Setmaxsegments { job, segments } => {
            let h = find(&c, &job)?;
            h.change_settings(SettingsChange::MaxSegments(segments)).map_err(engine("set the connections per file"))?;
            let text = if segments == 0 {
                "Connections per file: the engine's default.".to_string()
            } else {
                format!("Connections per file set to at most {segments}.")
            };
            said(text, json!({ "job": guid(h.id()), "max_segments": segments }))
        }
        Verb::Setnotifycmdline { job, program, parameters } => {
            let h = find(&c, &job)?;
            let cmd = NotifyCmdLine::new(nullable(&program), parameters.as_deref().and_then(nullable))
                .map_err(engine("set the notify command line"))?;
            let set = cmd.is_some();
            h.set_notify_cmdline(cmd).map_err(engine("set the notify command line"))?;
            let text = if set { "notification command line set." } else { "notification command line removed." };
            said(text.into(), json!({ "job": guid(h.id()), "notify_cmdline": set }))
        }
        Verb::Setcustomheaders { job, headers } => {
            let h = find(&c, &job)?;
            let value = if headers.len() == 1 && headers[0].eq_ignore_ascii_case("NULL") {
                None
            } else {
                if let Some(bad) = headers.iter().find(|h| !h.contains(':') || h.contains('\r') || h.contains('\n')) {
                    return Err(Failure {
                        detail: Some(format!("not a \"Name: value\" header: {bad}")),
                        ..Failure::new("set the custom headers", E_INVALIDARG)
                    });
                }
                Some(headers.join("\r\n"))
            };
            let set = value.is_some();
            h.change_settings(SettingsChange::CustomHeaders(value)).map_err(engine("set the custom headers"))?;
            said(
                if set { "Custom headers set." } else { "Custom headers removed." }.into(),
                json!({ "job": guid(h.id()), "custom_headers": set }),
            )
        }
        Verb::Setproxysettings { job, usage, list, bypass } => {
            let h = find(&c, &job)?;
            let bad = |why: &str| Failure {
                detail: Some(why.into()),
                ..Failure::new("set the proxy settings", E_INVALIDARG)
            };
            let usage = match usage.to_ascii_uppercase().as_str() {
                "PRECONFIG" => ProxyUsage::Preconfig,
                "NO_PROXY" => ProxyUsage::NoProxy,
                "OVERRIDE" => ProxyUsage::Override,
                "AUTODETECT" => ProxyUsage::Autodetect,
                _ => return Err(bad("usage is PRECONFIG, AUTODETECT, NO_PROXY or OVERRIDE")),
            };
            let (list, bypass) = match usage {
                ProxyUsage::Override => {
                    let l = list.as_deref().and_then(nullable).ok_or_else(|| bad("OVERRIDE needs a proxy list"))?;
                    (Some(l), bypass.as_deref().and_then(nullable))
                }
                _ if list.is_some() => return Err(bad("only OVERRIDE takes a proxy list")),
                _ => (None, None),
            };
            h.set_proxy_settings(ProxySettings { usage, list, bypass }).map_err(engine("set the proxy settings"))?;
            said("Proxy usage set.".into(), json!({ "job": guid(h.id()), "proxy": format!("{usage:?}") }))
        }
        Verb::Setcredentials { job, target, scheme, user, password } => {
            let h = find(&c, &job)?;
            let (target, scheme) = auth_pair(&target, &scheme, "set the credentials")?;
            h.set_credentials(Credential { target, scheme, user, password }).map_err(engine("set the credentials"))?;
            said("Credentials set.".into(), json!({ "job": guid(h.id()), "credentials": true }))
        }
        // Answered by `read` above.
        Verb::Gettype { .. }
        | Verb::Getpriority { .. }
        | Verb::Getfilestotal { .. }
        | Verb::Getfilestransferred { .. }
        | Verb::Getbytestotal { .. }
        | Verb::Getdescription { .. }
        | Verb::Getowner { .. }
        | Verb::Geterror { .. }
        | Verb::Geterrorcount { .. }
        | Verb::Getminretry { .. }
        | Verb::Getnoprogresstimeout { .. }
        | Verb::Getmaxdownloadtime { .. }
        | Verb::Getnotifyflags { .. }
        | Verb::Getnotifyinterface { .. }
        | Verb::Getnotifycmdline { .. }
        | Verb::Getcreationtime { .. }
        | Verb::Getmodificationtime { .. }
        | Verb::Getcompletiontime { .. }
        | Verb::Getreplyfilename { .. }
        | Verb::Getreplydata { .. }
        | Verb::Getsecurityflags { .. }
        | Verb::Getproxyusage { .. }
        | Verb::Getproxylist { .. }
        | Verb::Getproxybypasslist { .. } => Err(Failure::new("read the job", E_FAIL)),
        Verb::Setsecurityflags { job, flags } => {
            let h = find(&c, &job)?;
            h.change_settings(SettingsChange::SecurityFlags(flags)).map_err(engine("set the security flags"))?;
            said(
                format!("Security flags set to 0x{flags:04x}."),
                json!({ "job": guid(h.id()), "security_flags": flags }),
            )
        }
        Verb::Setdisplayname { job, name } => {
            let h = find(&c, &job)?;
            h.set_display_name(name.clone()).map_err(engine("set the display name"))?;
            said(format!("Display name set to '{name}'."), json!({ "job": guid(h.id()), "name": name }))
        }
        Verb::Setdescription { job, description } => {
            let h = find(&c, &job)?;
            h.set_description(description.clone()).map_err(engine("set the description"))?;
            said("Description set.".into(), json!({ "job": guid(h.id()), "description": description }))
        }
        Verb::Setminretry { job, seconds } => {
            let h = find(&c, &job)?;
            set_seconds(
                &h,
                seconds,
                ("minimum retry delay", "min_retry_delay"),
                (JobHandle::set_min_retry_delay, JobHandle::min_retry_delay),
                said,
            )
        }
        Verb::Setnoprogresstimeout { job, seconds } => {
            let h = find(&c, &job)?;
            set_seconds(
                &h,
                seconds,
                ("no progress timeout", "no_progress_timeout"),
                (JobHandle::set_no_progress_timeout, JobHandle::no_progress_timeout),
                said,
            )
        }
        Verb::Setmaxdownloadtime { job, seconds } => {
            let h = find(&c, &job)?;
            set_seconds(
                &h,
                seconds,
                ("maximum download time", "max_download_time"),
                (JobHandle::set_max_download_time, |h| h.settings().map(|s| s.max_download_time)),
                said,
            )
        }
        Verb::Setnotifyflags { job, flags } => {
            let h = find(&c, &job)?;
            h.set_notify_flags(flags).map_err(engine("set the notification flags"))?;
            said(format!("Notification flags set to {flags}."), json!({ "job": guid(h.id()), "notify_flags": flags }))
        }
        Verb::Setreplyfilename { job, path } => {
            let h = find(&c, &job)?;
            let file = (!path.eq_ignore_ascii_case("NULL")).then(|| absolute(&path));
            h.set_reply_file(file.clone()).map_err(engine("set the reply file name"))?;
            said(
                format!("Reply file name set to {}.", file.as_deref().unwrap_or("the default")),
                json!({ "job": guid(h.id()), "reply_file": file }),
            )
        }
        Verb::Takeownership { job } => {
            let h = find(&c, &job)?;
            h.take_ownership().map_err(engine("take ownership of the job"))?;
            said("Ownership taken.".into(), json!({ "job": guid(h.id()), "owner": h.owner().ok().map(|o| o.sid()) }))
        }
        Verb::Replaceremoteprefix { job, old, new } => {
            let h = find(&c, &job)?;
            let changed = h.replace_remote_prefix(old, new).map_err(engine("replace the remote prefix"))?;
            said(format!("{changed} file(s) changed."), json!({ "job": guid(h.id()), "changed": changed }))
        }
        Verb::Listfiles { job } => {
            let h = find(&c, &job)?;
            let files = files_of(&h).map_err(engine("list the files"))?;
            let lines: Vec<String> = files.iter().map(file_line).collect();
            // /rawreturn gives the files' lines only.
            let text = if raw {
                lines.join("\n")
            } else {
                lines.iter().map(|l| format!("{l}\n")).collect::<String>() + &format!("Listed {} file(s).", files.len())
            };
            said(text, json!({ "job": guid(h.id()), "files": files }))
        }
        Verb::Addfilewithranges { job, url, path, ranges } => {
            let doing = "add the file to the job";
            let h = find(&c, &job)?;
            let ranges = parse_ranges(&ranges)
                .map_err(|why| Failure { detail: Some(why), ..Failure::new(doing, E_INVALIDARG) })?;
            // As AddFileWithRanges: dynamic content has no stable offsets to take ranges of.
            if h.settings().map_err(engine(doing))?.dynamic_content {
                return Err(Failure {
                    detail: Some("the job's content is dynamic (DYNAMIC_CONTENT)".into()),
                    ..Failure::new(doing, E_INVALIDARG)
                });
            }
            let local = absolute(&path);
            let file = NewFile { remote: url.clone(), local: local.clone(), ranges: Some(ranges.clone()) };
            add_files(&h, vec![file], doing)?;
            let listed: Vec<Value> = ranges
                .iter()
                .map(|r| json!({ "offset": r.offset, "length": (r.length != LENGTH_TO_EOF).then_some(r.length) }))
                .collect();
            said(
                format!("Added {url} -> {local} to job, {} range(s).", ranges.len()),
                json!({ "job": guid(h.id()), "added": 1, "ranges": listed }),
            )
        }
        Verb::Gethttpmethod { job } => {
            let h = find(&c, &job)?;
            // As GetHttpMethod: BITS's defaults are GET for downloads, BITS_POST for uploads.
            let default = if h.job_type() == JobType::Download { "GET" } else { "BITS_POST" };
            let m = h.settings().map_err(engine("read the job"))?.http_method.unwrap_or_else(|| default.into());
            said(m.clone(), json!({ "job": guid(h.id()), "http_method": m }))
        }
        Verb::Sethttpmethod { job, method } => {
            let doing = "set the HTTP method";
            let h = find(&c, &job)?;
            // As SetHttpMethod checks it: an RFC 9110 token of at most 64 characters.
            let token = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
            if method.is_empty() || method.len() > MAX_HTTP_METHOD || !method.chars().all(token) {
                return Err(Failure {
                    detail: Some(format!(
                        "not an HTTP method (a token of 1 to {MAX_HTTP_METHOD} characters): {method:?}"
                    )),
                    ..Failure::new(doing, E_INVALIDARG)
                });
            }
            h.set_http_method(Some(method.clone())).map_err(engine(doing))?;
            said(format!("HTTP method set to {method}."), json!({ "job": guid(h.id()), "http_method": method }))
        }
        Verb::Getcustomheaders { job } => {
            let doing = "get the custom headers";
            let h = find(&c, &job)?;
            let s = h.settings().map_err(engine(doing))?;
            if s.headers_write_only {
                return Err(Failure {
                    detail: Some("the job's custom headers are write-only".into()),
                    ..Failure::new(doing, E_ACCESSDENIED)
                });
            }
            let text = match &s.custom_headers {
                Some(t) => t.split("\r\n").filter(|l| !l.is_empty()).collect::<Vec<_>>().join("\n"),
                None => "(null)".into(),
            };
            said(text, json!({ "job": guid(h.id()), "custom_headers": s.custom_headers }))
        }
        Verb::Makecustomheaderswriteonly { job } => {
            let h = find(&c, &job)?;
            h.change_settings(SettingsChange::HeadersWriteOnly)
                .map_err(engine("make the custom headers write-only"))?;
            said(
                "Custom headers made write-only.".into(),
                json!({ "job": guid(h.id()), "custom_headers_write_only": true }),
            )
        }
        Verb::Gettemporaryname { job, file_index } => {
            let h = find(&c, &job)?;
            let f = file_at(&h, file_index, "get the temporary file name")?;
            let name = f.temp.display().to_string();
            said(name.clone(), json!({ "job": guid(h.id()), "file": file_index, "temporary_name": name }))
        }
        Verb::Getvalidationstate { job, file_index } => {
            let h = find(&c, &job)?;
            let valid = file_at(&h, file_index, "get the validation state")?.validated == Some(true);
            said(
                if valid { "TRUE" } else { "FALSE" }.into(),
                json!({ "job": guid(h.id()), "file": file_index, "validation_state": valid }),
            )
        }
        Verb::Setvalidationstate { job, file_index, state } => {
            let doing = "set the validation state";
            let h = find(&c, &job)?;
            file_at(&h, file_index, doing)?;
            h.set_validation_state(file_index, state).map_err(engine(doing))?;
            let word = if state { "TRUE" } else { "FALSE" };
            said(
                format!("Validation state of file {file_index} set to {word}."),
                json!({ "job": guid(h.id()), "file": file_index, "validation_state": state }),
            )
        }
        Verb::Getreplyprogress { job } => {
            let doing = "get the reply progress";
            let h = find(&c, &job)?;
            // As GetReplyProgress: upload-reply jobs only.
            if h.job_type() != JobType::UploadReply {
                return Err(Failure {
                    detail: Some("only an upload-reply job has a reply".into()),
                    ..Failure::new(doing, E_NOTIMPL)
                });
            }
            let r = h.reply_info().map_err(engine(doing))?;
            let total = (r.bytes_total != u64::MAX).then_some(r.bytes_total);
            said(
                format!("{} / {}", r.bytes_transferred, total.map_or("UNKNOWN".to_string(), |t| t.to_string())),
                json!({ "job": guid(h.id()), "reply_bytes_transferred": r.bytes_transferred, "reply_bytes_total": total }),
            )
        }
        Verb::Removecredentials { job, target, scheme } => {
            let doing = "remove the credentials";
            let h = find(&c, &job)?;
            let (t, s) = auth_pair(&target, &scheme, doing)?;
            // RemoveCredentials' S_FALSE: none were set for the pair.
            let removed = h.remove_credentials(t, s).map_err(engine(doing))?;
            let text = if removed {
                "Credentials removed.".to_string()
            } else {
                format!("No credentials were set for {} {}.", target.to_ascii_uppercase(), scheme.to_ascii_uppercase())
            };
            said(text, json!({ "job": guid(h.id()), "removed": removed }))
        }
        Verb::Getaclflags { job } => {
            let h = find(&c, &job)?;
            let f = h.settings().map_err(engine("read the job"))?.file_acl_flags;
            said(acl_letters(f), json!({ "job": guid(h.id()), "acl_flags": f, "acl_letters": acl_letters(f) }))
        }
        Verb::Setaclflag { job, flags } => {
            let doing = "set the ACL flags";
            let h = find(&c, &job)?;
            let f = parse_acl_letters(&flags).map_err(|bad| Failure {
                detail: Some(format!("{bad:?} is not a flag: o owner, g group, d DACL, s SACL")),
                ..Failure::new(doing, E_INVALIDARG)
            })?;
            h.change_settings(SettingsChange::FileAclFlags(f)).map_err(engine(doing))?;
            said(
                format!("ACL flags set to {}.", if f == 0 { "none".into() } else { acl_letters(f) }),
                json!({ "job": guid(h.id()), "acl_flags": f, "acl_letters": acl_letters(f) }),
            )
        }
        Verb::Getpeercachingflags { job } => {
            let h = find(&c, &job)?;
            let f = h.settings().map_err(engine("read the job"))?.peer_caching_flags;
            said(f.to_string(), json!({ "job": guid(h.id()), "peer_caching_flags": f }))
        }
        Verb::Setpeercachingflags { job, flags } => {
            let doing = "set the peer caching flags";
            let h = find(&c, &job)?;
            // Undefined flags are refused by the engine (E_INVALIDARG), as SetPeerCachingFlags is.
            h.change_settings(SettingsChange::PeerCachingFlags(flags)).map_err(engine(doing))?;
            said(
                format!("Peer caching flags set to {flags}."),
                json!({ "job": guid(h.id()), "peer_caching_flags": flags }),
            )
        }
        Verb::Reset { allusers } => {
            let jobs = c.jobs(allusers).map_err(engine("list the jobs"))?;
            let mut cancelled = 0usize;
            let mut failed = 0usize;
            for h in &jobs {
                match h.cancel() {
                    Ok(_) => cancelled += 1,
                    Err(EngineError::NotFound) => {}
                    Err(_) => failed += 1,
                }
            }
            said(
                format!("{cancelled} out of {} jobs canceled.", cancelled + failed),
                json!({ "cancelled": cancelled, "failed": failed }),
            )
        }
    }
}

/// Seconds since the epoch (UTC), for /monitor's heading.
fn chrono_free_now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

fn main() -> ExitCode {
    let args = translate(std::env::args().collect());
    // Called as `deliveryopt`, it says so in its help.
    let name = args
        .first()
        .and_then(|a| std::path::Path::new(a).file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .filter(|n| n == "deliveryopt")
        .map_or("bitsadmin", |_| "deliveryopt");
    let parsed = <Cli as clap::CommandFactory>::command()
        .name(name)
        .bin_name(name)
        .try_get_matches_from(args)
        .and_then(|m| <Cli as clap::FromArgMatches>::from_arg_matches(&m));
    let cli = match parsed {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let json_out = cli.json;
    if cli.nowrap && !json_out && std::io::stdout().is_terminal() {
        if let Ok(size) = rustix::termios::tcgetwinsize(std::io::stdout()) {
            NOWRAP_WIDTH.store(usize::from(size.ws_col), Ordering::Relaxed);
        }
    }
    match run(cli) {
        Ok(v) => {
            if json_out {
                out!("{v}");
            }
            ExitCode::SUCCESS
        }
        // /monitor ends by interruption or its count, not by failure.
        Err(f) if f.hr == 0 => ExitCode::SUCCESS,
        Err(f) => {
            let interrupted = f.hr == E_ABORT;
            if json_out {
                out!(
                    "{}",
                    json!({ "error": { "doing": f.doing, "hr": hr_text(f.hr), "message": message(f.hr), "detail": f.detail } })
                );
            } else {
                eprintln!("Unable to {} - {} {}", f.doing, hr_text(f.hr), message(f.hr));
                if let Some(d) = &f.detail {
                    eprintln!("  {d}");
                }
            }
            ExitCode::from(if interrupted { 130 } else { 1 })
        }
    }
}
