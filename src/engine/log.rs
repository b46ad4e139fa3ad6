//! Diagnostics through the `tracing` crate, written to stderr.
//!
//! `DELIVERYOPT_LOG` chooses what is written, in `tracing-subscriber`'s filter syntax: a level
//! (`error`, `warn`, `info`, `debug`, `trace`), or per module (`deliveryopt::engine::http=trace`).
//! Without it a program linking the library writes warnings and errors only (what it wrote to
//! stderr before), and `deliveryoptd` also its `info` lines (start, exit) to its log. Transfers
//! run in spans that name the job (`job{id=...}`) and the file (`file{index=.. url=..}`), so every
//! line about a transfer says which.
//!
//! Installed once per process, at the first use of the library (or by `deliveryoptd`). A host
//! program that installed its own global `tracing` subscriber first keeps it, and gets our events.

use tracing_subscriber::EnvFilter;

/// Installs the subscriber (once; later calls do nothing). `default` is the filter used when
/// `DELIVERYOPT_LOG` is unset or empty.
pub fn init(default: &str) {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let filter = std::env::var("DELIVERYOPT_LOG")
            .ok()
            .filter(|v| !v.trim().is_empty())
            .and_then(|v| EnvFilter::try_new(v.trim()).ok())
            .unwrap_or_else(|| EnvFilter::new(default));
        let _ = tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_writer(std::io::stderr)
            .with_ansi(false)
            .with_thread_names(true)
            .try_init();
    });
}

/// The library's default: warnings and errors.
pub fn init_library() {
    init("warn");
}
