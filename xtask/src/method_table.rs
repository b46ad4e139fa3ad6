//! README's method table, generated so it cannot drift from the code.
//!
//! Every slot of every interface in `src/abi/vtbl.rs` gets a row. Its status comes from
//! `src/interfaces/*.rs`: a slot filled by a function defined in a `fixed_slots!` block returns that
//! block's fixed HRESULT, for the reason in the comment just above the block; any other filled slot
//! is implemented. Interfaces the library never serves are either implemented by the caller
//! (callbacks, streams) or not offered, with the reason below.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs;
use std::path::Path;

use crate::output::{write_or_check, Generated};
use crate::rust_model::{load_com_model, Interface};

const BEGIN: &str = "<!-- method-table:begin -->";
const END: &str = "<!-- method-table:end -->";

/// Interfaces the caller implements and the library calls.
pub(crate) const CALLER_IMPLEMENTED: &[&str] = &[
    "IBackgroundCopyCallback",
    "IBackgroundCopyCallback2",
    "IBackgroundCopyCallback3",
    "IBackgroundCopyServerCertificateValidationCallback",
    "IDODownloadStatusCallback",
    "ISequentialStream",
    "IStream",
];

/// Why an interface with no vtable in `src/interfaces` is not served.
pub(crate) fn not_offered(name: &str) -> &'static str {
    match name {
        "IBitsPeerCacheRecord" | "IEnumBitsPeerCacheRecords" | "IBitsPeer" | "IEnumBitsPeers" => {
            "never handed out: peer caching is disabled, so the enumerating methods return BG_E_PEERCACHING_DISABLED"
        }
        _ => "not offered: QueryInterface gives E_NOINTERFACE",
    }
}

/// What the interface layer says about slots.
pub(crate) struct Implementation {
    /// Vtable type name → slot name → (source file, function filling it).
    pub(crate) statics: HashMap<String, HashMap<String, (String, String)>>,
    /// (Source file, function name) → (fixed HRESULT, reason). Thunks are private, so names repeat
    /// across files.
    pub(crate) fixed: HashMap<(String, String), (String, String)>,
    /// Source file → its text, for the reference pages.
    pub(crate) sources: HashMap<String, String>,
}

pub fn run(root: &Path, check: bool) -> Result<(), String> {
    let model = load_com_model(root)?;
    let imp = scan(&root.join("src/interfaces"))?;
    let table = render(&model.interfaces, &imp)?;
    let readme_path = root.join("README.md");
    let readme = fs::read_to_string(&readme_path).map_err(|e| format!("README.md: {e}"))?;
    let (Some(b), Some(e)) = (readme.find(BEGIN), readme.find(END)) else {
        return Err(format!("README.md lacks the markers {BEGIN} / {END}"));
    };
    let text = format!("{}{BEGIN}\n{table}{}", &readme[..b], &readme[e..]);
    let reference = crate::reference::render(&model.interfaces, &imp)?;
    write_or_check(
        root,
        &[
            Generated { path: "README.md".into(), text },
            Generated { path: "docs/reference.md".into(), text: reference },
        ],
        check,
        "cargo run -p xtask -- method-table",
    )
}

pub(crate) fn scan(dir: &Path) -> Result<Implementation, String> {
    let mut imp = Implementation { statics: HashMap::new(), fixed: HashMap::new(), sources: HashMap::new() };
    let mut paths: Vec<_> = fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "rs"))
        .collect();
    paths.sort();
    for p in paths {
        let src = fs::read_to_string(&p).map_err(|e| format!("{}: {e}", p.display()))?;
        let file = p.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
        scan_statics(&file, &src, &mut imp);
        scan_fixed(&file, &src, &mut imp);
        imp.sources.insert(file, src);
    }
    Ok(imp)
}

/// `static NAME: IFooVtbl = IFooVtbl { Slot: Some(func), ... };` (or `const`, for a table that a
/// larger static embeds).
fn scan_statics(file: &str, src: &str, imp: &mut Implementation) {
    let mut rest = src;
    loop {
        let next = [("static ", 7), ("const ", 6)].iter().filter_map(|(k, n)| rest.find(k).map(|i| (i, *n))).min();
        let Some((i, n)) = next else { break };
        rest = &rest[i + n..];
        let Some(colon) = rest.find(':') else { break };
        let Some(eq) = rest.find('=') else { break };
        if eq < colon {
            continue;
        }
        let ty = rest[colon + 1..eq].trim().to_string();
        if !ty.ends_with("Vtbl") {
            continue;
        }
        let Some(open) = rest.find('{') else { break };
        let Some(close) = rest[open..].find("};") else {
            break;
        };
        let body = &rest[open + 1..open + close];
        let slots = imp.statics.entry(ty).or_default();
        for line in body.lines() {
            let line = line.trim();
            let Some((slot, value)) = line.split_once(':') else {
                continue;
            };
            let value = value.trim().trim_end_matches(',');
            if let Some(inner) = value.strip_prefix("Some(").and_then(|v| v.strip_suffix(')')) {
                let func = inner.split('<').next().unwrap_or(inner).rsplit("::").next().unwrap_or(inner);
                slots.insert(slot.trim().to_string(), (file.to_string(), func.trim().to_string()));
            }
        }
        rest = &rest[open + close..];
    }
}

/// `fixed_slots! { Name(args) => HR, clear(...); ... }` with the comment just above it.
fn scan_fixed(file: &str, src: &str, imp: &mut Implementation) {
    let lines: Vec<&str> = src.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        if line.trim() != "fixed_slots! {" {
            continue;
        }
        let mut comment = Vec::new();
        let mut j = i;
        while j > 0 && lines[j - 1].trim_start().starts_with("//") {
            j -= 1;
            comment.insert(0, lines[j].trim_start().trim_start_matches('/').trim());
        }
        let reason = comment.join(" ").trim_matches(|c| c == '-' || c == ' ').trim().to_string();
        for entry in lines[i + 1..].iter().take_while(|l| l.trim() != "}") {
            let entry = entry.trim();
            let Some(name) = entry.split('(').next() else {
                continue;
            };
            let Some((_, after)) = entry.split_once("=>") else {
                continue;
            };
            let hr = after.split([',', ';']).next().unwrap_or("").trim().to_string();
            imp.fixed.insert((file.to_string(), name.trim().to_string()), (hr, reason.clone()));
        }
    }
}

fn render(interfaces: &[Interface], imp: &Implementation) -> Result<String, String> {
    let by_name: BTreeMap<&str, &Interface> = interfaces.iter().map(|i| (i.name.as_str(), i)).collect();
    // Vtable types that contain each interface's slots: itself and its descendants.
    let served_by = |name: &str| -> Vec<&str> {
        let mut out = Vec::new();
        for i in interfaces {
            let mut cur = Some(i.name.as_str());
            while let Some(c) = cur {
                if c == name {
                    out.push(i.name.as_str());
                    break;
                }
                cur = by_name.get(c).and_then(|x| x.parent.as_deref());
            }
        }
        out
    };
    let caller: HashSet<&str> = CALLER_IMPLEMENTED.iter().copied().collect();
    let mut out = String::new();
    out.push_str(
        "Generated by `cargo run -p xtask -- method-table` from `src/abi/vtbl.rs` and `src/interfaces/`; \
         `make test` fails when it is stale. Each interface lists its own slots (inherited ones are \
         under its parent). Slots 0-2 (QueryInterface, AddRef, Release) work on every object the library \
         hands out.\n\n",
    );
    let (mut done, mut fixed_count, mut total) = (0usize, 0usize, 0usize);
    let mut rows = String::from("| Interface | Slot | Method | Status |\n|---|---|---|---|\n");
    for i in interfaces {
        if i.name == "IUnknown" {
            continue;
        }
        let vtbls: Vec<String> = served_by(&i.name).into_iter().map(|n| format!("{n}Vtbl")).collect();
        let served = vtbls.iter().any(|v| imp.statics.contains_key(v));
        for (k, m) in i.own_methods().iter().enumerate() {
            let slot = i.inherited + k;
            let status = if caller.contains(i.name.as_str()) {
                "implemented by the caller; the library calls it".to_string()
            } else if !served {
                not_offered(&i.name).to_string()
            } else {
                let func = vtbls
                    .iter()
                    .filter_map(|v| imp.statics.get(v))
                    .find_map(|s| s.get(&m.name))
                    .ok_or_else(|| format!("{}::{} has no function in any static vtable", i.name, m.name))?;
                total += 1;
                match imp.fixed.get(func) {
                    Some((hr, reason)) => {
                        fixed_count += 1;
                        format!("returns `{hr}`: {reason}")
                    }
                    None => {
                        done += 1;
                        "implemented".to_string()
                    }
                }
            };
            rows.push_str(&format!("| {} | {slot} | {} | {status} |\n", i.name, m.name));
        }
    }
    out.push_str(&format!(
        "Of the {total} slots of interfaces the library serves, {done} are implemented and {fixed_count} return a fixed HRESULT.\n\n"
    ));
    out.push_str(&rows);
    Ok(out)
}
