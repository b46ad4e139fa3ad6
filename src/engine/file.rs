//! One file of a job: where it comes from, where it goes, how far it got, and what the server
//! said it was (validators), so a retry continues only when the remote is the same.

use std::fs::{File, OpenOptions};
use std::io;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use super::error::{EngineError, EngineResult};

/// Longest remote name, in UTF-16 units (BITS: 2200).
pub const MAX_REMOTE_NAME: usize = 2200;
/// Longest local name, in bytes (Linux PATH_MAX; Windows' MAX_PATH of 260 would refuse ordinary
/// Linux paths).
pub const MAX_LOCAL_NAME: usize = 4096;

/// Where a file's bytes come from.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Remote {
    /// An `http://` or `https://` URL.
    Http(url::Url),
    /// A local file: a `file://` URL or a plain absolute path (as Windows allows UNC paths).
    Local(PathBuf),
}

/// A URL for a log line: its password, if any, replaced by `***`.
pub fn url_for_log(u: &url::Url) -> String {
    if u.password().is_none() {
        return u.to_string();
    }
    let mut u = u.clone();
    let _ = u.set_password(Some("***"));
    u.to_string()
}

impl Remote {
    /// The remote for a log line: a URL without its password (user names stay), or the path.
    pub fn for_log(&self) -> String {
        match self {
            Remote::Http(u) => url_for_log(u),
            Remote::Local(p) => p.display().to_string(),
        }
    }

    /// Parses a remote name as AddFile receives it.
    pub fn parse(name: &str) -> EngineResult<Remote> {
        if name.is_empty() || name.encode_utf16().count() > MAX_REMOTE_NAME {
            return Err(EngineError::InvalidArgument("remote name empty or longer than 2200 characters"));
        }
        if name.starts_with('/') {
            return Ok(Remote::Local(PathBuf::from(name)));
        }
        let url = url::Url::parse(name).map_err(|_| EngineError::InvalidArgument("remote name is not a URL"))?;
        match url.scheme() {
            "http" | "https" => {
                if url.host_str().is_none_or(str::is_empty) {
                    return Err(EngineError::InvalidArgument("URL has no host"));
                }
                Ok(Remote::Http(url))
            }
            "file" => {
                let path =
                    url.to_file_path().map_err(|_| EngineError::InvalidArgument("file URL is not a local path"))?;
                Ok(Remote::Local(path))
            }
            _ => Err(EngineError::InvalidArgument("unsupported URL scheme (http, https and file are supported)")),
        }
    }
}

/// Length meaning "to the end of the remote file" (BG_LENGTH_TO_EOF).
pub const LENGTH_TO_EOF: u64 = u64::MAX;
/// Most ranges one file may have.
pub const MAX_RANGES: usize = 500;

/// A byte range of the remote file (IBackgroundCopyJob3::AddFileWithRanges).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FileRange {
    pub offset: u64,
    /// `LENGTH_TO_EOF` for everything from `offset` on.
    pub length: u64,
}

/// Checks a file's ranges as AddFileWithRanges receives them: 1 to 500 ranges, none empty or
/// starting at BG_LENGTH_TO_EOF or ending past 2^64, none overlapping another (order does not
/// matter for overlap; the ranges are written in the given order).
pub fn check_ranges(ranges: &[FileRange]) -> EngineResult<()> {
    if ranges.is_empty() {
        return Err(EngineError::InvalidArgument("no ranges"));
    }
    if ranges.len() > MAX_RANGES {
        return Err(EngineError::TooManyRanges);
    }
    for r in ranges {
        if r.offset == LENGTH_TO_EOF
            || r.length == 0
            || (r.length != LENGTH_TO_EOF && r.offset.checked_add(r.length).is_none())
        {
            return Err(EngineError::InvalidRange);
        }
    }
    let mut sorted = ranges.to_vec();
    sorted.sort_by_key(|r| r.offset);
    for w in sorted.windows(2) {
        if w[0].length == LENGTH_TO_EOF || w[0].offset + w[0].length > w[1].offset {
            return Err(EngineError::OverlappingRanges);
        }
    }
    Ok(())
}

/// The bytes a ranged file holds: the sum of the range lengths, once `total` (the remote size)
/// resolves BG_LENGTH_TO_EOF ranges. None while a TO_EOF range waits for the size; an error when a
/// range starts past the end.
pub fn ranged_size(ranges: &[FileRange], total: Option<u64>) -> Option<u64> {
    ranges.iter().map(|r| resolved_length(r, total)).sum()
}

/// A range's length, with a TO_EOF length resolved against `total`.
pub fn resolved_length(r: &FileRange, total: Option<u64>) -> Option<u64> {
    if r.length == LENGTH_TO_EOF {
        total.map(|t| t.saturating_sub(r.offset))
    } else {
        Some(r.length)
    }
}

/// What identifies one version of a remote file.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub size: Option<u64>,
}

impl Validators {
    /// Whether `other` (from a later response) describes the same content. Validators that one
    /// side lacks are not compared; a strong ETag decides when both have one.
    pub fn same_content(&self, other: &Validators) -> bool {
        if let (Some(a), Some(b)) = (&self.size, &other.size) {
            if a != b {
                return false;
            }
        }
        if let (Some(a), Some(b)) = (&self.etag, &other.etag) {
            return a == b;
        }
        if let (Some(a), Some(b)) = (&self.last_modified, &other.last_modified) {
            return a == b;
        }
        true
    }

    /// The value for an `If-Range` header: a strong ETag, else Last-Modified.
    pub fn if_range(&self) -> Option<&str> {
        match &self.etag {
            Some(e) if !e.starts_with("W/") => Some(e),
            _ => self.last_modified.as_deref(),
        }
    }
}

/// One file of a job.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct FileEntry {
    /// The remote name as given (or as replaced by SetRemoteName / a reported redirect).
    pub remote_name: String,
    pub remote: Remote,
    /// Absolute destination path.
    pub local: PathBuf,
    /// The temporary file in the destination directory that receives the bytes.
    pub temp: PathBuf,
    /// Size once known.
    pub size: Option<u64>,
    /// Bytes from offset 0 already written to the temporary file.
    pub received: u64,
    /// Validators of the content in the temporary file.
    pub validators: Option<Validators>,
    /// Every byte is in the temporary file.
    pub transferred: bool,
    /// Complete moved it to its local name.
    pub completed: bool,
    /// The client's verdict on the content (File3::SetValidationState); None until given.
    pub validated: Option<bool>,
    /// Only these ranges of the remote are fetched, written back to back in this order
    /// (AddFileWithRanges); None for the whole file.
    pub ranges: Option<Vec<FileRange>>,
    /// The bytes go to the job's stream sink (a DO StreamInterface download): no local or
    /// temporary file.
    pub stream: bool,
    /// The ranges are written at their own offsets of the file (DO), not back to back (BITS).
    pub at_offsets: bool,
    /// The caller's id of the file (legacy DO: IDeliveryOptimizationJob fileId).
    pub file_id: Option<String>,
    /// The size to expect when the server gives none (legacy DO fileSize / TotalSizeBytes).
    pub size_hint: Option<u64>,
    /// Legacy DO file properties (IDeliveryOptimizationFile2), stored only.
    pub do_file: Option<super::dodl::DoFileProps>,
    /// Random access state of a file of an on-demand job (Job5 ON_DEMAND_MODE, File6).
    pub demand: Demand,
}

/// End of an interval that runs to the end of a remote file whose size is not known yet.
pub const TO_EOF: u64 = u64::MAX;

/// A file of an on-demand job: which bytes are on disk, which were asked for and are still
/// missing, and where to fetch first. Bytes sit at their own offsets of the temporary file (which
/// has the remote's size, sparse where nothing was fetched).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Demand {
    /// Intervals `[start, end)` of the remote on disk, sorted by offset and merged.
    pub filled: Vec<(u64, u64)>,
    /// Requested intervals not on disk yet, in the order they are fetched (File6::RequestFileRanges
    /// appends, UpdateDownloadPosition reorders). An end of `TO_EOF` waits for the size.
    pub queue: Vec<(u64, u64)>,
    /// The last UpdateDownloadPosition offset: without requests, missing bytes are fetched from
    /// here on, then from the start.
    pub position: u64,
    /// The server answered a range request with the whole file: random access is lost
    /// (BG_E_RANDOM_ACCESS_NOT_SUPPORTED) until the remote name changes.
    pub no_ranges: bool,
    /// A file of an ordinary job fetched in pieces over several connections
    /// (`super::segment`): `filled` holds its bytes (not only `received`), and its progress
    /// records carry them. Not stored: a file loaded with intervals on disk is in pieces again.
    #[serde(skip)]
    pub pieces: bool,
}

impl Demand {
    /// Nothing to record (every file of a job that is not on demand).
    pub fn is_empty(&self) -> bool {
        *self == Demand::default()
    }

    /// Bytes on disk.
    pub fn filled_bytes(&self) -> u64 {
        self.filled.iter().map(|(s, e)| e - s).sum()
    }

    /// Whether every byte of a file of `size` bytes is on disk.
    pub fn complete(&self, size: u64) -> bool {
        size == 0 || self.filled.first().is_some_and(|&(s, e)| s == 0 && e >= size)
    }

    /// Records `[start, end)` as on disk and drops it from the queue.
    pub fn fill(&mut self, start: u64, end: u64) {
        insert_interval(&mut self.filled, start, end);
        self.queue = subtract(&self.queue, &[(start, end)]);
    }

    /// Queues `[start, end)` minus what is on disk or queued already (overlaps are split off).
    pub fn request(&mut self, start: u64, end: u64) {
        let mut known = self.filled.clone();
        for &(s, e) in &self.queue {
            insert_interval(&mut known, s, e);
        }
        let new = subtract(&[(start, end)], &known);
        self.queue.extend(new);
    }

    /// Fetch from `offset` first: the queued interval holding it is split there, and the queue is
    /// ordered by offset, those at or after `offset` first, then the ones before it.
    pub fn set_position(&mut self, offset: u64) {
        self.position = offset;
        let mut q = Vec::with_capacity(self.queue.len() + 1);
        for &(s, e) in &self.queue {
            if s < offset && offset < e {
                q.push((s, offset));
                q.push((offset, e));
            } else {
                q.push((s, e));
            }
        }
        q.sort_by_key(|&(s, _)| (s < offset, s));
        self.queue = q;
    }

    /// The size became known: queued ends running to EOF stop there. Returns false (and drops
    /// them) when some queued interval lies past the end.
    pub fn clamp(&mut self, size: u64) -> bool {
        let before = self.queue.len();
        self.queue.retain(|&(s, e)| s < size && (e == TO_EOF || e <= size));
        for q in &mut self.queue {
            q.1 = q.1.min(size);
        }
        self.queue.len() == before
    }

    /// The intervals of `[0, size)` not on disk, by offset.
    pub fn missing(&self, size: u64) -> Vec<(u64, u64)> {
        subtract(&[(0, size)], &self.filled)
    }

    /// The first missing interval at or after the download position (wrapping to the start).
    pub fn next_missing(&self, size: u64) -> Option<(u64, u64)> {
        let missing = self.missing(size);
        let p = self.position;
        missing.iter().find(|&&(_, e)| e > p).map(|&(s, e)| (s.max(p), e)).or_else(|| missing.first().copied())
    }

    /// Keeps only what lies within the first `len` bytes of the file (a temporary file found
    /// shorter than its record).
    pub fn truncate(&mut self, len: u64) {
        self.filled = self.filled.iter().filter(|&&(s, _)| s < len).map(|&(s, e)| (s, e.min(len))).collect();
    }
}

/// Adds `[start, end)` to a sorted, merged interval set.
pub fn insert_interval(set: &mut Vec<(u64, u64)>, start: u64, end: u64) {
    if start >= end {
        return;
    }
    set.push((start, end));
    set.sort_unstable();
    let mut merged: Vec<(u64, u64)> = Vec::with_capacity(set.len());
    for &(s, e) in set.iter() {
        match merged.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    *set = merged;
}

/// Each interval of `pieces` (in their order) minus the sorted, merged `set`.
pub fn subtract(pieces: &[(u64, u64)], set: &[(u64, u64)]) -> Vec<(u64, u64)> {
    let mut out = Vec::new();
    for &(mut s, e) in pieces {
        for &(a, b) in set {
            if b <= s || s >= e {
                continue;
            }
            if a >= e {
                break;
            }
            if a > s {
                out.push((s, a));
            }
            s = s.max(b);
        }
        if s < e {
            out.push((s, e));
        }
    }
    out
}

impl FileEntry {
    /// A new file, nothing received yet: `local` and `temp` are its destination and temporary
    /// file (both empty for a stream or a legacy DO file waiting for its sink). Ranges of known
    /// lengths give the size at once.
    pub fn new(
        remote_name: String,
        remote: Remote,
        local: PathBuf,
        temp: PathBuf,
        ranges: Option<Vec<FileRange>>,
    ) -> FileEntry {
        FileEntry {
            remote_name,
            remote,
            local,
            temp,
            size: ranges.as_deref().and_then(|r| ranged_size(r, None)),
            received: 0,
            validators: None,
            transferred: false,
            completed: false,
            validated: None,
            ranges,
            stream: false,
            at_offsets: false,
            file_id: None,
            size_hint: None,
            do_file: None,
            demand: Demand::default(),
        }
    }
}

/// Checks a local name as AddFile receives it: absolute, not a directory, short enough.
pub fn check_local_name(name: &str) -> EngineResult<PathBuf> {
    if name.is_empty() || name.len() > MAX_LOCAL_NAME {
        return Err(EngineError::InvalidArgument("local name empty or too long"));
    }
    let path = PathBuf::from(name);
    if !path.is_absolute() {
        return Err(EngineError::InvalidArgument("local name must be an absolute path"));
    }
    if name.ends_with('/') || path.file_name().is_none() {
        return Err(EngineError::InvalidArgument("local name must name a file, not a directory"));
    }
    if path.components().any(|c| matches!(c, std::path::Component::ParentDir)) {
        return Err(EngineError::InvalidArgument("local name must not contain '..'"));
    }
    Ok(path)
}

/// Chooses the temporary file of `local` (AddFile): checks that the destination is not a
/// directory and that its directory exists and may be written, and picks a hidden name in it
/// (`.BIT<random>.tmp`, after Windows BITS's `BIT*.tmp`). Nothing is created: as in BITS, the file
/// is made when its transfer starts ([`open_or_create_temp`]), so adding thousands of files costs
/// no file system work beyond these checks.
///
/// Errors name the local problem: missing directory, no permission, destination is a directory.
pub fn choose_temp(local: &Path) -> Result<PathBuf, LocalError> {
    choose_temp_checked(local, &mut None)
}

/// [`choose_temp`] for one file of a set: `checked` is the last directory found writable in this
/// set (the files of a set mostly share one), which is not asked about again.
pub fn choose_temp_checked(local: &Path, checked: &mut Option<PathBuf>) -> Result<PathBuf, LocalError> {
    let dir = local.parent().ok_or(LocalError::PathNotFound)?;
    match std::fs::symlink_metadata(local) {
        Ok(m) if m.is_dir() => return Err(LocalError::IsDirectory),
        _ => {}
    }
    if checked.as_deref() != Some(dir) {
        // "<dir>/." fails with ENOTDIR when the directory is a file; the effective ids decide, as
        // they decide the open(2) that creates the file later.
        let mut probe = dir.as_os_str().to_os_string();
        probe.push("/.");
        let access = rustix::fs::Access::WRITE_OK | rustix::fs::Access::EXEC_OK;
        rustix::fs::accessat(rustix::fs::CWD, Path::new(&probe), access, rustix::fs::AtFlags::EACCESS)
            .map_err(|e| LocalError::from_io(&io::Error::from(e)))?;
        *checked = Some(dir.to_path_buf());
    }
    Ok(random_temp_name(dir))
}

/// A fresh temporary name in `dir`: a keyed hash (keys random per process) of a counter, so names
/// are unpredictable without a system call each.
fn random_temp_name(dir: &Path) -> PathBuf {
    use std::hash::BuildHasher;
    use std::sync::atomic::{AtomicU64, Ordering};
    static KEYS: once_cell::sync::Lazy<std::collections::hash_map::RandomState> =
        once_cell::sync::Lazy::new(std::collections::hash_map::RandomState::new);
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = KEYS.hash_one(COUNTER.fetch_add(1, Ordering::Relaxed));
    dir.join(format!(".BIT{n:016X}.tmp"))
}

/// Chooses the temporary file of `local` and creates it at once (for callers that need it on disk
/// before any transfer): exclusively, never through a symbolic link.
pub fn create_temp(local: &Path) -> Result<PathBuf, LocalError> {
    let temp = choose_temp(local)?;
    let dir = temp.parent().ok_or(LocalError::PathNotFound)?;
    create_exclusive(&temp, dir).map(|(_, name)| name)
}

/// Creates `first` exclusively (never through a symbolic link), or another fresh name in `dir`
/// when something is already there.
fn create_exclusive(first: &Path, dir: &Path) -> Result<(File, PathBuf), LocalError> {
    let mut name = first.to_path_buf();
    for _ in 0..16 {
        match OpenOptions::new().write(true).create_new(true).custom_flags(libc::O_NOFOLLOW).open(&name) {
            Ok(f) => return Ok((f, name)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => name = random_temp_name(dir),
            Err(e) => return Err(LocalError::from_io(&e)),
        }
    }
    Err(LocalError::Other("could not find a free temporary name".into()))
}

/// Opens the temporary file `temp` of a transfer for writing, creating it when it is not there
/// yet (AddFile only chose its name). It is created exclusively and never through a symbolic link.
/// A file already at that name is used only when it is ours from an earlier attempt (a regular
/// file of our effective user with a single link); anything else there is left alone and a new
/// name is taken. Returns the file and its name, which the caller records when it changed.
pub fn open_or_create_temp(temp: &Path) -> Result<(File, PathBuf), LocalError> {
    use std::os::unix::fs::MetadataExt;
    let dir = temp.parent().ok_or(LocalError::PathNotFound)?;
    match OpenOptions::new().write(true).create_new(true).custom_flags(libc::O_NOFOLLOW).open(temp) {
        Ok(f) => return Ok((f, temp.to_path_buf())),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(LocalError::from_io(&e)),
    }
    if let Ok(f) = open_temp(temp) {
        let ours =
            f.metadata().is_ok_and(|m| m.is_file() && m.nlink() == 1 && m.uid() == rustix::process::geteuid().as_raw());
        if ours {
            return Ok((f, temp.to_path_buf()));
        }
    }
    create_exclusive(&random_temp_name(dir), dir)
}

/// Opens an existing temporary file for writing, refusing symbolic links.
pub fn open_temp(temp: &Path) -> Result<File, LocalError> {
    OpenOptions::new().write(true).custom_flags(libc::O_NOFOLLOW).open(temp).map_err(|e| LocalError::from_io(&e))
}

/// A problem with the local file system.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum LocalError {
    /// The destination directory (or the temporary file) does not exist.
    PathNotFound,
    /// No permission to write there.
    AccessDenied,
    /// The destination is a directory.
    IsDirectory,
    /// No space left.
    DiskFull,
    /// Anything else, with the OS text.
    Other(String),
    /// A legacy DO file has neither a path nor a stream to write to.
    NoSink,
}

impl LocalError {
    pub fn from_io(e: &io::Error) -> LocalError {
        match e.raw_os_error() {
            Some(libc::ENOENT) | Some(libc::ENOTDIR) => LocalError::PathNotFound,
            Some(libc::EACCES) | Some(libc::EPERM) | Some(libc::EROFS) => LocalError::AccessDenied,
            Some(libc::EISDIR) => LocalError::IsDirectory,
            Some(libc::ENOSPC) | Some(libc::EDQUOT) => LocalError::DiskFull,
            Some(libc::ELOOP) => LocalError::AccessDenied,
            _ => LocalError::Other(e.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remote_names_are_parsed_and_bad_ones_refused() {
        assert!(matches!(Remote::parse("http://127.0.0.1:8080/a").unwrap(), Remote::Http(_)));
        assert!(matches!(Remote::parse("https://localhost/a?b=c").unwrap(), Remote::Http(_)));
        assert_eq!(Remote::parse("file:///tmp/x").unwrap(), Remote::Local("/tmp/x".into()));
        assert_eq!(Remote::parse("/tmp/y").unwrap(), Remote::Local("/tmp/y".into()));
        for bad in ["", "ftp://host/x", "relative/path", "http://", "gopher://x", "\\\\server\\share\\f"] {
            assert!(Remote::parse(bad).is_err(), "{bad}");
        }
        let long = format!("http://h/{}", "a".repeat(2200));
        assert!(Remote::parse(&long).is_err());
    }

    #[test]
    fn local_names_must_be_absolute_files() {
        assert!(check_local_name("/tmp/file").is_ok());
        for bad in ["", "rel/file", "/tmp/dir/", "/tmp/../etc/passwd", "/"] {
            assert!(check_local_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn temp_files_are_created_exclusively_in_the_destination_directory() {
        let dir = crate::engine::temp_dir("file-test");
        std::fs::create_dir(&dir).unwrap();
        let t = create_temp(&dir.join("out.bin")).unwrap();
        assert_eq!(t.parent(), Some(dir.as_path()));
        assert!(t.file_name().unwrap().to_str().unwrap().starts_with(".BIT"));
        assert_eq!(std::fs::metadata(&t).unwrap().len(), 0);
        assert_eq!(create_temp(&dir.join("missing/out.bin")).unwrap_err(), LocalError::PathNotFound);
        std::fs::create_dir(dir.join("sub")).unwrap();
        assert_eq!(create_temp(&dir.join("sub")).unwrap_err(), LocalError::IsDirectory);
        // A symlink planted at the temporary name is never followed.
        let link = dir.join("link");
        std::os::unix::fs::symlink("/etc/passwd", &link).unwrap();
        assert!(open_temp(&link).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_chosen_temp_is_created_at_transfer_start_and_never_taken_from_someone_else() {
        use std::os::unix::fs::PermissionsExt;
        let dir = crate::engine::temp_dir("lazy-temp");
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        // AddFile: checks only, nothing on disk.
        let t = choose_temp(&dir.join("out.bin")).unwrap();
        assert_eq!(t.parent(), Some(dir.as_path()));
        assert!(!t.exists());
        assert_ne!(choose_temp(&dir.join("out.bin")).unwrap(), t, "every call a new name");
        assert_eq!(choose_temp(&dir.join("missing/out.bin")).unwrap_err(), LocalError::PathNotFound);
        std::fs::write(dir.join("plain"), b"x").unwrap();
        assert_eq!(choose_temp(&dir.join("plain/out.bin")).unwrap_err(), LocalError::PathNotFound);
        std::fs::create_dir(dir.join("sub")).unwrap();
        assert_eq!(choose_temp(&dir.join("sub")).unwrap_err(), LocalError::IsDirectory);
        // A set: the directory the last file was checked in is not asked about again; any other
        // is, and every file is still checked for being a directory.
        let mut checked = None;
        assert!(choose_temp_checked(&dir.join("a"), &mut checked).is_ok());
        assert_eq!(checked.as_deref(), Some(dir.as_path()));
        assert_eq!(choose_temp_checked(&dir.join("sub"), &mut checked).unwrap_err(), LocalError::IsDirectory);
        assert_eq!(choose_temp_checked(&dir.join("missing/b"), &mut checked).unwrap_err(), LocalError::PathNotFound);
        assert!(choose_temp_checked(&dir.join("c"), &mut checked).is_ok());
        if rustix::process::geteuid().as_raw() != 0 {
            std::fs::set_permissions(dir.join("sub"), std::fs::Permissions::from_mode(0o555)).unwrap();
            assert_eq!(choose_temp(&dir.join("sub/out.bin")).unwrap_err(), LocalError::AccessDenied);
            std::fs::set_permissions(dir.join("sub"), std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        // Transfer start: created, then found again as ours.
        let (mut f, name) = open_or_create_temp(&t).unwrap();
        assert_eq!(name, t);
        std::io::Write::write_all(&mut f, b"abc").unwrap();
        drop(f);
        let (_, again) = open_or_create_temp(&t).unwrap();
        assert_eq!(again, t);
        assert_eq!(std::fs::read(&t).unwrap(), b"abc", "our own file is continued, not emptied");
        // A symbolic link or a second link at the chosen name is left alone: a new name is taken.
        let planted = dir.join(".BITPLANTED.tmp");
        std::os::unix::fs::symlink(dir.join("plain"), &planted).unwrap();
        let (_, other) = open_or_create_temp(&planted).unwrap();
        assert_ne!(other, planted);
        assert_eq!(std::fs::read(dir.join("plain")).unwrap(), b"x");
        let hard = dir.join(".BITHARD.tmp");
        std::fs::hard_link(dir.join("plain"), &hard).unwrap();
        let (_, other2) = open_or_create_temp(&hard).unwrap();
        assert_ne!(other2, hard);
        assert_eq!(std::fs::metadata(&other2).unwrap().len(), 0);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn validators_compare_what_both_sides_have() {
        let a = Validators { etag: Some("\"1\"".into()), last_modified: None, size: Some(10) };
        let b = Validators { etag: Some("\"2\"".into()), last_modified: None, size: Some(10) };
        assert!(!a.same_content(&b));
        assert!(a.same_content(&a.clone()));
        let c = Validators { etag: None, last_modified: None, size: Some(11) };
        assert!(!a.same_content(&c));
        assert_eq!(a.if_range(), Some("\"1\""));
        let weak = Validators { etag: Some("W/\"1\"".into()), last_modified: Some("d".into()), size: None };
        assert_eq!(weak.if_range(), Some("d"));
    }

    #[test]
    fn on_demand_intervals_merge_split_and_reorder() {
        let mut d = Demand::default();
        d.request(100, 200);
        // Overlap with the queue is split off: only the new bytes are added.
        d.request(150, 300);
        assert_eq!(d.queue, vec![(100, 200), (200, 300)]);
        d.fill(120, 160);
        assert_eq!(d.filled, vec![(120, 160)]);
        assert_eq!(d.queue, vec![(100, 120), (160, 200), (200, 300)]);
        // Bytes on disk are not asked again.
        d.request(110, 170);
        assert_eq!(d.queue, vec![(100, 120), (160, 200), (200, 300)]);
        d.fill(0, 120);
        d.fill(160, 180);
        assert_eq!(d.filled, vec![(0, 180)]);
        assert_eq!(d.filled_bytes(), 180);
        // The position splits the interval it falls in; later bytes first, then the earlier ones.
        d.request(500, 600);
        d.request(400, 450);
        d.set_position(250);
        assert_eq!(d.queue, vec![(250, 300), (400, 450), (500, 600), (180, 200), (200, 250)]);
        assert!(!d.complete(1000));
        assert_eq!(d.missing(1000)[0], (180, 1000));
        assert_eq!(d.next_missing(1000), Some((250, 1000)));
        d.position = 2000;
        assert_eq!(d.next_missing(1000), Some((180, 1000)), "wraps to the start");
        // The size arrives: a range past the end is dropped and reported.
        d.request(900, TO_EOF);
        assert!(!d.clone().clamp(550));
        let mut ok = d.clone();
        assert!(ok.clamp(1000));
        assert_eq!(ok.queue.last(), Some(&(900, 1000)));
        let mut d = ok;
        d.fill(0, 1000);
        assert!(d.complete(1000) && d.queue.is_empty());
        d.truncate(10);
        assert_eq!(d.filled, vec![(0, 10)]);
        assert!(Demand::default().complete(0));
    }
}
