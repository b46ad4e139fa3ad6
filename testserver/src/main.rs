//! `deliveryopt-testserver`: the test server as a process, for C tests and the demo.
//!
//! ```text
//! deliveryopt-testserver [--tls] [--port N] [--root DIR] [--pid-file F] [--port-file F]
//!                        [--ca-file F] [--verbose]
//! ```
//!
//! Binds 127.0.0.1 only. Serves the files under `--root` at their relative paths plus
//! `/gen/<len>/<seed>` and every fault-injection query parameter of the `testserver`
//! library. When ready it writes `--pid-file` (its pid), then `--port-file` (the port on
//! the first line and, with `--tls`, the CA PEM path on the second; written to a
//! temporary name and renamed, so its appearance means "ready"), then prints
//! `listening on http://127.0.0.1:PORT` (https with `--tls`) and, with `--tls`,
//! `ca <path>` on stdout. SIGTERM, SIGINT or SIGHUP stop it cleanly (exit status 0);
//! it then removes the pid and port files.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use testserver::{Options, Server};

const USAGE: &str = "usage: deliveryopt-testserver [--tls] [--port N] [--root DIR] \
                     [--pid-file F] [--port-file F] [--ca-file F] [--verbose]";

struct Args {
    opts: Options,
    pid_file: Option<PathBuf>,
    port_file: Option<PathBuf>,
}

fn parse_args() -> Result<Args, String> {
    let mut opts = Options::default();
    let mut pid_file = None;
    let mut port_file = None;
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let (name, inline) = match a.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n.to_string(), Some(v.to_string())),
            _ => (a.clone(), None),
        };
        let mut value = |n: &str| -> Result<String, String> {
            inline.clone().or_else(|| it.next()).ok_or_else(|| format!("{n} needs a value"))
        };
        match name.as_str() {
            "--tls" => opts.tls = true,
            "--verbose" | "-v" => opts.log_to_stderr = true,
            "--port" => {
                let v = value("--port")?;
                opts.port = v.parse().map_err(|_| format!("bad port {v:?}"))?;
            }
            "--root" => opts.root = Some(PathBuf::from(value("--root")?)),
            "--pid-file" => pid_file = Some(PathBuf::from(value("--pid-file")?)),
            "--port-file" => port_file = Some(PathBuf::from(value("--port-file")?)),
            "--ca-file" => opts.ca_pem_path = Some(PathBuf::from(value("--ca-file")?)),
            "--help" | "-h" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(Args { opts, pid_file, port_file })
}

fn write_atomic(path: &PathBuf, text: &str) -> std::io::Result<()> {
    let mut tmp = path.clone().into_os_string();
    tmp.push(format!(".tmp{}", std::process::id()));
    std::fs::write(&tmp, text)?;
    std::fs::rename(&tmp, path)
}

/// Blocks SIGINT, SIGTERM and SIGHUP in this thread (and the threads it starts after),
/// so that `sigwait` can take them.
fn block_signals() -> libc::sigset_t {
    // SAFETY: plain libc signal-set manipulation on a local set.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, libc::SIGINT);
        libc::sigaddset(&mut set, libc::SIGTERM);
        libc::sigaddset(&mut set, libc::SIGHUP);
        libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut());
        set
    }
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("deliveryopt-testserver: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let set = block_signals();
    let server = match Server::start(args.opts) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("deliveryopt-testserver: cannot start: {e}");
            return ExitCode::from(1);
        }
    };
    if let Some(p) = &args.pid_file {
        if let Err(e) = write_atomic(p, &format!("{}\n", std::process::id())) {
            eprintln!("deliveryopt-testserver: cannot write {}: {e}", p.display());
            return ExitCode::from(1);
        }
    }
    if let Some(p) = &args.port_file {
        let mut text = format!("{}\n", server.port());
        if let Some(ca) = server.ca_pem_path() {
            text.push_str(&format!("{}\n", ca.display()));
        }
        if let Err(e) = write_atomic(p, &text) {
            eprintln!("deliveryopt-testserver: cannot write {}: {e}", p.display());
            return ExitCode::from(1);
        }
    }
    {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "listening on {}", server.base_url());
        if let Some(ca) = server.ca_pem_path() {
            let _ = writeln!(out, "ca {}", ca.display());
        }
        let _ = out.flush();
    }
    let mut sig: libc::c_int = 0;
    loop {
        // SAFETY: `set` is a valid signal set; `sig` receives the signal number.
        let r = unsafe { libc::sigwait(&set, &mut sig) };
        if r == 0 {
            break;
        }
    }
    server.stop();
    for p in [&args.pid_file, &args.port_file].into_iter().flatten() {
        let _ = std::fs::remove_file(p);
    }
    ExitCode::SUCCESS
}
