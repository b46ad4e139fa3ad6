//! Writing generated files, or checking that the committed ones are up to date.

use std::fs;
use std::path::{Path, PathBuf};

/// One generated file, its path relative to the repository root.
pub struct Generated {
    pub path: PathBuf,
    pub text: String,
}

/// Writes every file (only when its content changed), or with `check` compares them with the
/// files on disk and fails with a diff hint naming `regenerate` when any is stale.
pub fn write_or_check(root: &Path, files: &[Generated], check: bool, regenerate: &str) -> Result<(), String> {
    let mut stale = Vec::new();
    for f in files {
        let full = root.join(&f.path);
        let current = fs::read_to_string(&full).ok();
        if current.as_deref() == Some(f.text.as_str()) {
            if !check {
                println!("unchanged {}", f.path.display());
            }
            continue;
        }
        if check {
            stale.push(match current {
                None => format!("{}: missing", f.path.display()),
                Some(old) => format!("{}: stale\n{}", f.path.display(), diff_hint(&old, &f.text)),
            });
        } else {
            if let Some(dir) = full.parent() {
                fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            }
            fs::write(&full, &f.text).map_err(|e| format!("{}: {e}", full.display()))?;
            println!("wrote {}", f.path.display());
        }
    }
    if stale.is_empty() {
        if check {
            println!("{} generated file(s) up to date", files.len());
        }
        Ok(())
    } else {
        Err(format!(
            "{}\n\n{} file(s) out of date: run `{regenerate}` and commit the result",
            stale.join("\n"),
            stale.len()
        ))
    }
}

/// The first differing region: a few lines of context, then `-` committed and `+` generated lines.
fn diff_hint(old: &str, new: &str) -> String {
    let a: Vec<&str> = old.lines().collect();
    let b: Vec<&str> = new.lines().collect();
    let first = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    // Common suffix, not overlapping the prefix.
    let mut tail = 0;
    while tail < a.len() - first && tail < b.len() - first && a[a.len() - 1 - tail] == b[b.len() - 1 - tail] {
        tail += 1;
    }
    let mut out = format!("  first difference at line {}:\n", first + 1);
    for l in &a[first.saturating_sub(2)..first] {
        out.push_str(&format!("     {l}\n"));
    }
    const MAX: usize = 12;
    let removed = &a[first..a.len() - tail];
    let added = &b[first..b.len() - tail];
    for l in removed.iter().take(MAX) {
        out.push_str(&format!("  -  {l}\n"));
    }
    if removed.len() > MAX {
        out.push_str(&format!("  -  ... ({} more)\n", removed.len() - MAX));
    }
    for l in added.iter().take(MAX) {
        out.push_str(&format!("  +  {l}\n"));
    }
    if added.len() > MAX {
        out.push_str(&format!("  +  ... ({} more)\n", added.len() - MAX));
    }
    out.push_str(&format!("  ({} line(s) committed, {} generated in this region)", removed.len(), added.len()));
    out
}
