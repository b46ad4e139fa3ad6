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
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Remote {
    /// An `http://` or `https://` URL.
    Http(url::Url),
    /// A local file: a `file://` URL or a plain absolute path (as Windows allows UNC paths).
    Local(PathBuf),
}

impl Remote {
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
#[derive(Debug, Clone)]
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

/// Creates a new, empty temporary file for `local` in its directory: exclusively, never through a
/// symbolic link, hidden (`.BIT<random>.tmp`, after Windows BITS's `BIT*.tmp`).
///
/// Errors name the local problem: missing directory, no permission, destination is a directory.
pub fn create_temp(local: &Path) -> Result<PathBuf, LocalError> {
    let dir = local.parent().ok_or(LocalError::PathNotFound)?;
    match std::fs::symlink_metadata(local) {
        Ok(m) if m.is_dir() => return Err(LocalError::IsDirectory),
        _ => {}
    }
    match std::fs::metadata(dir) {
        Ok(m) if !m.is_dir() => return Err(LocalError::PathNotFound),
        Ok(_) => {}
        Err(e) => return Err(LocalError::from_io(&e)),
    }
    for _ in 0..16 {
        let name = format!(".BIT{:016X}.tmp", uuid::Uuid::new_v4().as_u128() as u64);
        let temp = dir.join(name);
        match OpenOptions::new().write(true).create_new(true).custom_flags(libc::O_NOFOLLOW).open(&temp) {
            Ok(_) => return Ok(temp),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(LocalError::from_io(&e)),
        }
    }
    Err(LocalError::Other("could not find a free temporary name".into()))
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
        let dir = std::env::temp_dir().join(format!("do-file-test-{}", uuid::Uuid::new_v4()));
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
}
