//! Notify command lines (IBackgroundCopyJob2::SetNotifyCmdLine): a program run, without a shell,
//! when the job reaches TRANSFERRED or ERROR.
//!
//! The parameters are split into arguments by the Windows rules (`CommandLineToArgvW`): spaces
//! separate, double quotes group, `\"` is a quote, backslashes are literal otherwise. The first
//! argument is the program's `argv[0]`. Environment variables are not expanded and the search path
//! is not used (the program must be an absolute path). The program also finds the job's GUID in the
//! environment variable `DELIVERYOPT_JOB_ID` (a Linux addition; BITS passes nothing).

use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};

use serde::{Deserialize, Serialize};

use super::error::{EngineError, EngineResult};

/// Longest program name (MAX_PATH) and parameter string, in UTF-16 units.
pub const MAX_PROGRAM: usize = 260;
pub const MAX_PARAMETERS: usize = 4000;

/// A job's notify command line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotifyCmdLine {
    pub program: String,
    pub parameters: Option<String>,
}

impl NotifyCmdLine {
    /// Checks a command line as SetNotifyCmdLine receives it. `None` for both removes it.
    pub fn new(program: Option<String>, parameters: Option<String>) -> EngineResult<Option<NotifyCmdLine>> {
        match (program, parameters) {
            (None, None) => Ok(None),
            (None, Some(_)) => Err(EngineError::InvalidArgument("a command line's parameters need a program")),
            (Some(p), params) => {
                if p.encode_utf16().count() > MAX_PROGRAM
                    || params.as_deref().is_some_and(|s| s.encode_utf16().count() > MAX_PARAMETERS)
                {
                    return Err(EngineError::StringTooLong);
                }
                if !std::path::Path::new(&p).is_absolute() {
                    return Err(EngineError::InvalidArgument("the notify program must be an absolute path"));
                }
                Ok(Some(NotifyCmdLine { program: p, parameters: params }))
            }
        }
    }

    /// Starts the program for job `job_id` of `owner`; returns its exit success once it ends.
    ///
    /// A root service (the system instance) runs it as the owner: their uid and primary group
    /// (no supplementary groups), with `HOME`, `USER` and `LOGNAME` of the owner and `/` as the
    /// working directory. Otherwise it runs as the service's user, in its environment.
    pub fn run(&self, job_id: &str, owner: super::job::Owner) -> std::io::Result<bool> {
        let args = self.parameters.as_deref().map(split_windows_args).unwrap_or_default();
        let mut cmd = Command::new(&self.program);
        match args.split_first() {
            Some((argv0, rest)) => {
                cmd.arg0(argv0).args(rest);
            }
            None => {
                cmd.arg0(&self.program);
            }
        }
        cmd.env("DELIVERYOPT_JOB_ID", job_id).stdin(Stdio::null());
        if owner.uid != 0 && crate::abi::os::effective_uid() == 0 {
            let user = crate::abi::os::user(owner.uid)?;
            cmd.uid(user.uid)
                .gid(user.gid)
                .env("HOME", &user.home)
                .env("USER", &user.name)
                .env("LOGNAME", &user.name)
                .current_dir("/");
        }
        Ok(cmd.status()?.success())
    }
}

/// Splits a command line into arguments by the Windows (CommandLineToArgvW) rules.
pub fn split_windows_args(line: &str) -> Vec<String> {
    let mut args = Vec::new();
    let mut cur = String::new();
    let mut in_arg = false;
    let mut quoted = false;
    let mut backslashes = 0usize;
    for c in line.chars() {
        match c {
            '\\' => {
                backslashes += 1;
                in_arg = true;
            }
            '"' => {
                // 2n backslashes + quote: n backslashes and a quote toggle; 2n+1: n and a literal quote.
                cur.extend(std::iter::repeat_n('\\', backslashes / 2));
                if backslashes % 2 == 1 {
                    cur.push('"');
                } else {
                    quoted = !quoted;
                }
                backslashes = 0;
                in_arg = true;
            }
            ' ' | '\t' if !quoted => {
                cur.extend(std::iter::repeat_n('\\', backslashes));
                backslashes = 0;
                if in_arg {
                    args.push(std::mem::take(&mut cur));
                    in_arg = false;
                }
            }
            other => {
                cur.extend(std::iter::repeat_n('\\', backslashes));
                backslashes = 0;
                cur.push(other);
                in_arg = true;
            }
        }
    }
    cur.extend(std::iter::repeat_n('\\', backslashes));
    if in_arg {
        args.push(cur);
    }
    args
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_argument_rules() {
        assert_eq!(split_windows_args(r#"prog a b"#), ["prog", "a", "b"]);
        assert_eq!(
            split_windows_args(r#""C:\Program Files\x.exe" "two words"  last"#),
            [r"C:\Program Files\x.exe", "two words", "last"]
        );
        assert_eq!(split_windows_args(r#"a\"b c\\"d e"#), [r#"a"b"#, r#"c\d e"#]);
        assert_eq!(split_windows_args(r"a\b\\c"), [r"a\b\\c"]);
        assert_eq!(split_windows_args(r#"x """#), ["x", ""]);
        assert!(split_windows_args("   ").is_empty());
    }

    #[test]
    fn command_lines_are_checked() {
        assert_eq!(NotifyCmdLine::new(None, None), Ok(None));
        assert!(matches!(NotifyCmdLine::new(None, Some("x".into())), Err(EngineError::InvalidArgument(_))));
        assert!(matches!(NotifyCmdLine::new(Some("rel/prog".into()), None), Err(EngineError::InvalidArgument(_))));
        assert_eq!(NotifyCmdLine::new(Some(format!("/{}", "p".repeat(260))), None), Err(EngineError::StringTooLong));
        assert_eq!(
            NotifyCmdLine::new(Some("/bin/true".into()), Some("x".repeat(4001))),
            Err(EngineError::StringTooLong)
        );
        assert!(NotifyCmdLine::new(Some("/bin/true".into()), Some("true a".into())).unwrap().is_some());
    }

    #[test]
    fn the_program_runs_with_its_argv0_and_the_job_id() {
        let dir = crate::engine::temp_dir("cmdline");
        std::fs::create_dir_all(&dir).unwrap();
        let out = dir.join("out");
        let c = NotifyCmdLine {
            program: "/bin/sh".into(),
            parameters: Some(format!(r#"mysh -c "echo $0 $DELIVERYOPT_JOB_ID > {}""#, out.display())),
        };
        assert!(c.run("{JOB}", crate::engine::job::Owner { uid: crate::abi::os::effective_uid() }).unwrap());
        assert_eq!(std::fs::read_to_string(&out).unwrap().trim(), "mysh {JOB}");
        let failing = NotifyCmdLine { program: "/bin/false".into(), parameters: None };
        assert!(!failing.run("x", crate::engine::job::Owner { uid: 0 }).unwrap());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
