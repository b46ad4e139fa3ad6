//! Repository tasks for deliveryopt.
//!
//! ```text
//! cargo run -p xtask -- headers [--check]
//!     include/deliveryopt.h (cbindgen + prelude + generated COM view) and the Windows-named
//!     drop-in headers (bits.h, bits1_5.h, ..., deliveryoptimization.h, bitsmsg.h).
//! cargo run -p xtask -- method-table [--check]
//!     README.md's method table: every slot of every interface and its status, read from the code.
//! cargo run -p xtask -- spec-layout [--check] [--spec DIR]
//!     c-tests/spec_layout.c: static assertions and a GUID check derived from the spec markdown
//!     (DIR, default ../shared/spec), independent of the Rust sources.
//! ```
//!
//! `--check` writes nothing and exits non-zero, with a diff hint, when a committed file is stale.

mod com_view;
mod dropins;
mod headers;
mod method_table;
mod output;
mod prelude_check;
mod reference;
mod rust_model;
mod spec_layout;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "usage: cargo run -p xtask -- <headers|method-table|spec-layout> [--check] [--spec DIR]";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &[String]) -> Result<(), String> {
    let root = repo_root();
    let mut check = false;
    let mut spec: Option<PathBuf> = None;
    let mut command = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--check" => check = true,
            "--spec" => spec = Some(PathBuf::from(it.next().ok_or("--spec needs a directory")?)),
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(());
            }
            c if command.is_none() && !c.starts_with('-') => command = Some(c.to_string()),
            other => return Err(format!("unexpected argument `{other}`\n{USAGE}")),
        }
    }
    match command.as_deref() {
        Some("headers") => headers::run(&root, check),
        Some("method-table") => method_table::run(&root, check),
        Some("spec-layout") => {
            let spec = spec
                .or_else(|| std::env::var_os("DELIVERYOPT_SPEC_DIR").map(PathBuf::from))
                .unwrap_or_else(|| root.join("../shared/spec"));
            spec_layout::run(&root, &spec, check)
        }
        _ => Err(USAGE.to_string()),
    }
}

/// The workspace root: the parent of this crate's manifest directory.
fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lives in the workspace").to_path_buf()
}
