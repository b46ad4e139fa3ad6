//! `deliveryoptd`: the deliveryopt service. One per user and job store; it owns the store and the
//! transfer engine and serves the programs that link libdeliveryopt over a Unix socket.
//!
//! Programs start it on demand (`--daemonize`, see `engine::remote`); systemd can start it by
//! socket activation (`deliveryoptd.socket`); `--foreground` runs it in a terminal for debugging.
//! `--system` runs the system instance: root, one store and socket for every user of the machine.

use std::os::unix::fs::PermissionsExt;
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::PathBuf;
use std::time::Duration;

use deliveryopt::engine::remote::{self, exit_code, Target};
use deliveryopt::engine::service::{Service, ServiceConfig};
use deliveryopt::engine::{Config, Engine, StoreError};

const USAGE: &str = "\
usage: deliveryoptd [--foreground | --daemonize] [--system] [--state-dir DIR] [--socket PATH]
                    [--idle-exit SECONDS]

The deliveryopt service: keeps the user's BITS / Delivery Optimization jobs and transfers them in
the background for every program of the user. Programs start it when they need it; you do not
have to.

  --foreground        run in this terminal (the default), logging to stderr
  --daemonize         detach; the starting process waits until the service listens
  --system            the system instance (root only): serves every user, each as the owner of
                      their jobs (files are opened, created and renamed with the owner's ids;
                      notify programs run as the owner); root is the administrator
                      (BG_JOB_ENUM_ALL_USERS, TakeOwnership). Default store /var/lib/deliveryopt,
                      socket $DELIVERYOPT_SYSTEM_SOCKET or /run/deliveryopt/system.sock (0666).
                      Programs use it with DELIVERYOPT_ENGINE=system or
                      deliveryopt_set_engine_mode(DELIVERYOPT_ENGINE_SYSTEM).
  --state-dir DIR     the job store (default: $DELIVERYOPT_STATE_DIR, $XDG_STATE_HOME/deliveryopt,
                      ~/.local/state/deliveryopt)
  --socket PATH       the socket (default: service.sock in $DELIVERYOPT_RUNTIME_DIR,
                      $XDG_RUNTIME_DIR/deliveryopt or /tmp/deliveryopt-UID; another store gets
                      store-HASH.sock)
  --idle-exit SECONDS exit after this long with no client and no transfer to do (default:
                      $DELIVERYOPT_IDLE_EXIT_SECONDS or 60; 0 = never)
  --version, --help
";

struct Args {
    daemonize: bool,
    system: bool,
    state_dir: Option<PathBuf>,
    socket: Option<PathBuf>,
    idle_exit: Option<u64>,
}

fn parse() -> Result<Args, String> {
    let mut a = Args { daemonize: false, system: false, state_dir: None, socket: None, idle_exit: None };
    let mut it = std::env::args_os().skip(1);
    while let Some(arg) = it.next() {
        let arg = arg.to_string_lossy().into_owned();
        let mut value = |name: &str| it.next().ok_or_else(|| format!("{name} needs a value"));
        match arg.as_str() {
            "--foreground" => a.daemonize = false,
            "--daemonize" => a.daemonize = true,
            "--system" => a.system = true,
            "--state-dir" => a.state_dir = Some(PathBuf::from(value("--state-dir")?)),
            "--socket" => a.socket = Some(PathBuf::from(value("--socket")?)),
            "--idle-exit" => {
                let v = value("--idle-exit")?;
                a.idle_exit = Some(v.to_string_lossy().parse().map_err(|_| "--idle-exit needs a number")?);
            }
            "--help" | "-h" => {
                print!("{USAGE}");
                std::process::exit(0);
            }
            "--version" | "-V" => {
                println!(
                    "deliveryoptd {} (protocol {})",
                    env!("CARGO_PKG_VERSION"),
                    deliveryopt::engine::rpc::PROTOCOL_VERSION
                );
                std::process::exit(0);
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(a)
}

fn main() {
    let args = match parse() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("deliveryoptd: {e}\n{USAGE}");
            std::process::exit(i32::from(exit_code::USAGE));
        }
    };
    if args.system && deliveryopt::abi::os::effective_uid() != 0 {
        eprintln!("deliveryoptd: --system needs root (it acts for every user)");
        std::process::exit(i32::from(exit_code::USAGE));
    }
    let store = args.state_dir.map(absolute).unwrap_or_else(|| {
        if args.system {
            PathBuf::from(remote::SYSTEM_STORE)
        } else {
            deliveryopt::engine::StoreConfig::from_env(None).dir
        }
    });
    let mut target = if args.system { Target::system() } else { Target::for_store(store.clone()) };
    if let Some(s) = args.socket {
        target.socket = absolute(s);
    }
    // Before any thread exists: detach, and tell the starting process how the start went.
    let start = if args.daemonize {
        let _ = target.ensure_dir();
        match deliveryopt::abi::os::daemonize(&target.log_path()) {
            Ok(s) => Some(s),
            Err(e) => {
                eprintln!("deliveryoptd: cannot detach: {e}");
                std::process::exit(i32::from(exit_code::FAILED));
            }
        }
    } else {
        None
    };
    // Still before any thread: SIGTERM and SIGINT wait for the thread that stops the service in
    // order (see `run`) instead of ending the process where it stands.
    if let Err(e) = deliveryopt::abi::os::block_stop_signals() {
        eprintln!("deliveryoptd: cannot take SIGTERM over ({e}): it will end the service as a kill does");
    }
    // After detaching: stderr is the log file now.
    deliveryopt::engine::log::init("info");
    let code = run(target, store, args.idle_exit, start);
    std::process::exit(i32::from(code));
}

fn absolute(p: PathBuf) -> PathBuf {
    if p.is_absolute() {
        p
    } else {
        std::env::current_dir().map(|d| d.join(&p)).unwrap_or(p)
    }
}

fn report(start: &mut Option<deliveryopt::abi::os::DaemonStart>, code: u8) {
    if let Some(s) = start.take() {
        s.report(code);
    }
}

fn run(target: Target, store: PathBuf, idle: Option<u64>, mut start: Option<deliveryopt::abi::os::DaemonStart>) -> u8 {
    let log = |m: &str| tracing::info!(pid = std::process::id(), "{m}");
    // A socket passed by systemd (socket activation) is used as it is and left to systemd.
    let mut fds = listenfd::ListenFd::from_env();
    let activated = fds.take_unix_listener(0).ok().flatten();
    if activated.is_none() {
        // Another service already answers on this socket: nothing to do.
        if UnixStream::connect(&target.socket).is_ok() {
            log("another service already listens on this socket");
            report(&mut start, exit_code::READY);
            return exit_code::READY;
        }
        if let Err(e) = target.ensure_dir() {
            log(&format!("the socket's directory for {} cannot be used: {e}", target.socket.display()));
            report(&mut start, exit_code::SOCKET);
            return exit_code::SOCKET;
        }
    }
    let engine = match open_engine(&store, &log) {
        Ok(e) => e,
        Err(code) => {
            report(&mut start, code);
            return code;
        }
    };
    let (listener, socket_file) = match activated {
        Some(l) => (l, None),
        None => {
            // Nobody answered on the socket, and we hold the store: a socket file left there is
            // stale.
            let _ = std::fs::remove_file(&target.socket);
            // A user's directory is 0700, so nobody else can reach the socket before its chmod;
            // the system instance's socket is for everyone (each client is checked by uid).
            let listener = match UnixListener::bind(&target.socket) {
                Ok(l) => l,
                Err(e) => {
                    log(&format!("cannot listen on {}: {e}", target.socket.display()));
                    report(&mut start, exit_code::SOCKET);
                    return exit_code::SOCKET;
                }
            };
            let mode = if target.system { 0o666 } else { 0o600 };
            let _ = std::fs::set_permissions(&target.socket, std::fs::Permissions::from_mode(mode));
            let _ = std::fs::write(target.pid_path(), format!("{}\n", std::process::id()));
            (listener, Some(target.socket.clone()))
        }
    };
    let idle_exit = idle
        .or_else(|| std::env::var("DELIVERYOPT_IDLE_EXIT_SECONDS").ok().and_then(|v| v.trim().parse().ok()))
        .unwrap_or(60);
    let config = ServiceConfig {
        store: store.clone(),
        idle_exit: (idle_exit > 0).then(|| Duration::from_secs(idle_exit)),
        socket_file,
        system: target.system,
    };
    let service = match Service::new(engine, config) {
        Ok(s) => s,
        Err(e) => {
            log(&format!("cannot start: {e}"));
            report(&mut start, exit_code::FAILED);
            return exit_code::FAILED;
        }
    };
    let stopper = service.clone();
    let signals = std::thread::Builder::new().name("deliveryoptd-signals".into()).spawn(move || {
        let sig = deliveryopt::abi::os::wait_for_stop_signal();
        // The orderly stop (flushing the store may take a while on a busy disk) runs on a thread
        // of its own; a second signal meanwhile ends the process at once.
        let stopping = std::thread::Builder::new()
            .name("deliveryoptd-stop".into())
            .spawn(move || stopper.stop(&format!("stopped by {sig}")));
        if stopping.is_err() {
            deliveryopt::abi::os::exit_now(1);
        }
        let again = deliveryopt::abi::os::wait_for_stop_signal();
        tracing::warn!(pid = std::process::id(), "{again} while stopping: leaving at once");
        deliveryopt::abi::os::exit_now(1)
    });
    if signals.is_err() {
        // Nobody would hear them: this thread takes their default (ending the process) back.
        deliveryopt::abi::os::unblock_stop_signals();
        log("no thread for SIGTERM: it will end the service as a kill does");
    }
    let whom = if target.system { "every user" } else { "its user" };
    log(&format!("serving the store {} to {whom} on {}", store.display(), target.socket.display()));
    report(&mut start, exit_code::READY);
    match service.run(listener) {
        Ok(()) => exit_code::READY,
        Err(e) => {
            log(&format!("stopped: {e}"));
            exit_code::FAILED
        }
    }
}

/// Opens the job store's engine. A service that is exiting (idle) may hold the store for a
/// moment longer, so a locked store is tried again for a few seconds.
fn open_engine(store: &std::path::Path, log: &dyn Fn(&str)) -> Result<std::sync::Arc<Engine>, u8> {
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        match Engine::new(Config::from_env(Some(store.to_path_buf()))) {
            Ok(e) => return Ok(e),
            Err(StoreError::Locked(_)) if std::time::Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(100));
            }
            Err(e) => {
                log(&format!("cannot open the job store: {e}"));
                return Err(match e {
                    StoreError::Locked(_) => exit_code::STORE_LOCKED,
                    StoreError::NewerFormat { .. } => exit_code::STORE_NEWER,
                    StoreError::Io { .. } => exit_code::STORE_IO,
                });
            }
        }
    }
}
