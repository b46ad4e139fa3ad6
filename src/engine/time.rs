//! Wall-clock timestamps as Windows FILETIME ticks (100 ns since 1601-01-01 UTC).

use std::time::{SystemTime, UNIX_EPOCH};

/// 100-ns ticks between 1601-01-01 and 1970-01-01.
const UNIX_EPOCH_TICKS: u64 = 116_444_736_000_000_000;

/// A point in time in FILETIME ticks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, serde::Serialize, serde::Deserialize)]
pub struct FileTime(pub u64);

impl FileTime {
    /// The current time.
    pub fn now() -> FileTime {
        FileTime::from_system(SystemTime::now())
    }

    /// Converts a system time (times before 1601 become 0).
    pub fn from_system(t: SystemTime) -> FileTime {
        match t.duration_since(UNIX_EPOCH) {
            Ok(d) => FileTime(UNIX_EPOCH_TICKS + (d.as_nanos() / 100) as u64),
            Err(e) => FileTime(UNIX_EPOCH_TICKS.saturating_sub((e.duration().as_nanos() / 100) as u64)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn unix_epoch_maps_to_windows_epoch_offset() {
        assert_eq!(FileTime::from_system(UNIX_EPOCH).0, 116_444_736_000_000_000);
        let t = UNIX_EPOCH + Duration::from_secs(1);
        assert_eq!(FileTime::from_system(t).0, 116_444_736_010_000_000);
        assert!(FileTime::now() > FileTime::from_system(t));
    }
}
