//! `cargo run -p xtask -- spec-layout [--check] [--spec DIR]`: c-tests/spec_layout.c.
//!
//! Reads the spec markdown (never the Rust sources, so the result is an independent check of the
//! ABI) and writes a C11 file that includes deliveryopt.h and asserts:
//!
//! * every interface's vtable (slot tables of bits-core.md, bits-extended.md, do.md and the
//!   IEnumUnknown/IStream text of enums-structs.md, parents from the layout tables of README.md and
//!   bits-extended.md): `offsetof(IFooVtbl, Method) == N * sizeof(void *)` for every slot,
//!   inherited ones included, the slot's C type against the spec's signature (with `_Generic`),
//!   and `sizeof(IFooVtbl)`;
//! * every struct/union table of enums-structs.md: size, alignment and field offsets;
//! * every enum/flag/constant table of enums-structs.md and every HRESULT table of errors.md;
//! * at run time (`main`), the in-memory bytes of every GUID of guids.md.
//!
//! What the spec marks as unconfirmed or anomalous is skipped with a comment in the output.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use crate::output::{write_or_check, Generated};

pub fn run(root: &Path, spec: &Path, check: bool) -> Result<(), String> {
    let text = generate(spec)?;
    let file = Generated { path: PathBuf::from("c-tests/spec_layout.c"), text };
    write_or_check(root, &[file], check, "cargo run -p xtask -- spec-layout")
}

// ---------------------------------------------------------------------------------------------
// Markdown

/// A heading and the lines under it, up to the next heading.
struct Section {
    file: &'static str,
    heading: String,
    body: Vec<String>,
}

impl Section {
    /// Heading text without `#`s and a leading `12.` number.
    fn title(&self) -> &str {
        let t = self.heading.trim_start_matches('#').trim();
        match t.split_once(' ') {
            Some((n, rest))
                if n.starts_with(|c: char| c.is_ascii_digit()) && n.chars().all(|c| c.is_ascii_digit() || c == '.') =>
            {
                rest
            }
            _ => t,
        }
    }
    fn origin(&self) -> String {
        format!("{} \"{}\"", self.file, ascii(self.title()))
    }
    fn text(&self) -> String {
        self.body.join("\n")
    }
    fn tables(&self) -> Vec<Table> {
        tables(&self.body)
    }
}

struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    fn col(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
    }
}

struct Spec {
    dir: PathBuf,
}

impl Spec {
    fn sections(&self, file: &'static str) -> Result<Vec<Section>, String> {
        let path = self.dir.join(file);
        let text = fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let mut out: Vec<Section> = vec![Section { file, heading: String::new(), body: Vec::new() }];
        for line in text.lines() {
            if line.starts_with('#') {
                out.push(Section { file, heading: line.to_string(), body: Vec::new() });
            } else if let Some(last) = out.last_mut() {
                last.body.push(line.to_string());
            }
        }
        Ok(out)
    }
}

fn tables(lines: &[String]) -> Vec<Table> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if !lines[i].trim_start().starts_with('|') {
            i += 1;
            continue;
        }
        let header = cells(&lines[i]);
        let mut rows = Vec::new();
        i += 1;
        // Rows continue across blank lines until a non-table line (the spec sometimes splits them).
        while i < lines.len() && (lines[i].trim_start().starts_with('|') || lines[i].trim().is_empty()) {
            let l = lines[i].trim();
            if l.starts_with('|') && !l.replace(['|', '-', ':', ' '], "").is_empty() {
                rows.push(cells(l));
            }
            i += 1;
        }
        out.push(Table { header, rows });
    }
    out
}

/// The cells of a `| a | b |` row (a `\|` inside a cell is a literal `|`).
fn cells(line: &str) -> Vec<String> {
    let l = line.trim().trim_start_matches('|');
    let l = l.strip_suffix('|').unwrap_or(l);
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut chars = l.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'|') => {
                cur.push('|');
                chars.next();
            }
            '|' => out.push(std::mem::take(&mut cur).trim().to_string()),
            _ => cur.push(c),
        }
    }
    out.push(cur.trim().to_string());
    out
}

/// The texts between pairs of backticks.
fn backticked(s: &str) -> Vec<String> {
    s.split('`').skip(1).step_by(2).map(str::to_string).collect()
}

fn is_ident(s: &str) -> bool {
    let mut c = s.chars();
    c.next().is_some_and(|f| f.is_ascii_alphabetic() || f == '_') && c.all(|x| x.is_ascii_alphanumeric() || x == '_')
}

fn is_iface_name(s: &str) -> bool {
    let b = s.as_bytes();
    is_ident(s) && b.len() > 2 && b[0] == b'I' && b[1].is_ascii_uppercase() && s != "IID"
}

/// Replaces typographic characters so that the C file stays ASCII.
fn ascii(s: &str) -> String {
    s.replace(['–', '—'], "-")
        .replace('→', "->")
        .replace('≤', "<=")
        .replace('…', "...")
        .replace('×', "x")
        .chars()
        .filter(char::is_ascii)
        .collect()
}

fn c_string(s: &str) -> String {
    format!("\"{}\"", ascii(s).replace('\\', "\\\\").replace('"', "\\\""))
}

fn c_comment(s: &str) -> String {
    ascii(s).replace("*/", "* /")
}

/// `12`, `0x1F`, `(UINT64)(-1)` (optionally in backticks) at the start of a cell.
fn leading_number(cell: &str) -> Option<Number> {
    let t = cell.trim().trim_start_matches('`');
    if t.starts_with("(UINT64)(-1)") {
        return Some(Number { text: "(UINT64)(-1)".into(), value: u64::MAX as i128 });
    }
    let tok: String = t.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-').collect();
    let value = if let Some(h) = tok.strip_prefix("0x").or_else(|| tok.strip_prefix("0X")) {
        i128::from_str_radix(h, 16).ok()?
    } else {
        tok.parse::<i128>().ok()?
    };
    Some(Number { text: tok, value })
}

struct Number {
    text: String,
    value: i128,
}

// ---------------------------------------------------------------------------------------------
// Interfaces

struct Slot {
    index: usize,
    name: String,
    /// The spec's signature text, when it gives one.
    sig: Option<String>,
}

#[derive(Default)]
struct Iface {
    /// Own slots by index.
    own: BTreeMap<usize, Slot>,
    parent: Option<String>,
    /// Where the slots come from.
    origin: String,
    /// Why `sizeof(IFooVtbl)` is not asserted.
    size_unchecked: Option<String>,
}

struct Layout {
    /// Interfaces in order of first appearance.
    order: Vec<String>,
    ifaces: BTreeMap<String, Iface>,
    skipped: Vec<(String, String)>,
    /// Parent and own-slot range from the summary tables: (parent as written, own range text).
    summary: BTreeMap<String, (String, String)>,
}

fn read_layout(spec: &Spec) -> Result<Layout, String> {
    let mut lay = Layout { order: Vec::new(), ifaces: BTreeMap::new(), skipped: Vec::new(), summary: BTreeMap::new() };
    // Summary tables: README.md "Vtable summary" and bits-extended.md "Full vtable layouts".
    for file in ["README.md", "bits-extended.md"] {
        for s in spec.sections(file)? {
            for t in s.tables() {
                let (Some(ci), Some(cp), Some(co)) = (t.col("Interface"), t.col("Parent"), t.col("Own slots")) else {
                    continue;
                };
                for r in &t.rows {
                    if r.len() > co && is_iface_name(&r[ci]) {
                        lay.summary.insert(r[ci].clone(), (r[cp].clone(), r[co].clone()));
                    }
                }
            }
        }
    }

    for file in ["bits-core.md", "bits-extended.md", "do.md", "enums-structs.md"] {
        let sections = spec.sections(file)?;
        let mut carried: Vec<String> = Vec::new();
        for s in &sections {
            let title = s.title().to_string();
            // The subjects: `IFoo — {IID}...`, `IFoo (BITS 1.5)`, `IFoo {IID} ...`, `IA / IB`.
            let head = title.split(" — ").next().unwrap_or("");
            let head = head.split(" (").next().unwrap_or("").split(" {").next().unwrap_or("");
            let mut subjects: Vec<String> =
                head.split(" / ").map(str::trim).filter(|n| is_iface_name(n)).map(str::to_string).collect();
            let parent = title
                .split("parent ")
                .nth(1)
                .map(|p| p.chars().take_while(|c| c.is_ascii_alphanumeric()).collect::<String>())
                .filter(|p| is_iface_name(p));
            let has_body = s.body.iter().any(|l| !l.trim().is_empty());
            if !has_body {
                carried.extend(subjects);
                continue;
            }
            subjects.splice(0..0, std::mem::take(&mut carried));

            if title.contains("UNCONFIRMED") || s.body.iter().any(|l| l.contains("| Slot (presumed)")) {
                for n in &subjects {
                    let why = title.split(" — ").nth(1).unwrap_or("marked unconfirmed").replace("**", "");
                    lay.skipped.push((n.clone(), format!("{} ({why})", s.origin())));
                }
                continue;
            }
            // "Anomaly (...): ..." — the whole paragraph, for the comment in the output.
            let anomaly = s.body.iter().position(|l| l.to_lowercase().contains("anomaly")).map(|k| {
                let para: Vec<&str> = s.body[k..].iter().map(|l| l.trim()).take_while(|l| !l.is_empty()).collect();
                ascii(&para.join(" "))
            });

            for t in s.tables() {
                let Some(cs) = t.header.iter().position(|h| h == "Slot") else {
                    continue;
                };
                let ci = t.col("Interface");
                for r in &t.rows {
                    let Some(idx) = r.get(cs).and_then(|c| c.parse::<usize>().ok()) else {
                        continue;
                    };
                    let Some(sig) = r.iter().flat_map(|c| backticked(c)).find(|b| b.contains('(')) else {
                        continue;
                    };
                    let targets = match ci {
                        Some(ci) => vec![resolve_abbrev(&r[ci], subjects.first().map(String::as_str), &lay)?],
                        None => subjects.clone(),
                    };
                    for n in targets {
                        add_slot(&mut lay, &n, idx, method_name(&sig)?, Some(sig.clone()), &s.origin())?;
                        if parent.is_some() {
                            lay.ifaces.get_mut(&n).unwrap().parent = parent.clone();
                        }
                        if let Some(a) = &anomaly {
                            lay.ifaces.get_mut(&n).unwrap().size_unchecked = Some(a.clone());
                        }
                    }
                }
            }
            compact_blocks(&mut lay, s)?;
        }
    }

    resolve_parents(&mut lay)?;
    Ok(lay)
}

fn add_slot(
    lay: &mut Layout,
    iface: &str,
    index: usize,
    name: String,
    sig: Option<String>,
    origin: &str,
) -> Result<(), String> {
    if !lay.ifaces.contains_key(iface) {
        lay.order.push(iface.to_string());
    }
    let e = lay.ifaces.entry(iface.to_string()).or_default();
    if e.origin.is_empty() {
        e.origin = origin.to_string();
    }
    if let Some(old) = e.own.get(&index) {
        if old.name != name {
            return Err(format!("spec: {iface} slot {index} is both {} and {name} ({origin})", old.name));
        }
    }
    e.own.insert(index, Slot { index, name, sig });
    Ok(())
}

/// `HRESULT Name(this, ...)` or `Name(...)` -> `Name`.
fn method_name(sig: &str) -> Result<String, String> {
    let before = sig.split('(').next().unwrap_or("");
    let name = before.split_whitespace().last().unwrap_or("");
    if is_ident(name) {
        Ok(name.to_string())
    } else {
        Err(format!("spec: cannot read a method name in `{sig}`"))
    }
}

/// `Callback2` -> `IBackgroundCopyCallback2`: the known interface ending with the abbreviation
/// that shares the longest prefix with `near` (the section's interface or the child).
fn resolve_abbrev(abbrev: &str, near: Option<&str>, lay: &Layout) -> Result<String, String> {
    let abbrev = abbrev.trim();
    if abbrev == "—" || abbrev == "-" || abbrev.is_empty() {
        return Err("no parent".into());
    }
    let mut known: BTreeSet<&str> = lay.summary.keys().map(String::as_str).collect();
    known.extend(lay.ifaces.keys().map(String::as_str));
    if known.contains(abbrev) {
        return Ok(abbrev.to_string());
    }
    let near = near.unwrap_or("");
    let common = |a: &str| a.chars().zip(near.chars()).take_while(|(x, y)| x == y).count();
    known
        .iter()
        .filter(|k| k.ends_with(abbrev))
        .max_by_key(|k| (common(k), std::cmp::Reverse(k.len())))
        .map(|k| k.to_string())
        .ok_or(format!("spec: cannot resolve interface `{abbrev}`"))
}

/// The compact forms: `IFoo (3–9): 3 `M(...)` · 4 `N(...)`` (one slot per number),
/// `IA / IB (3–7): `M(...)`, `N(...)`` (numbered from the range start) and
/// `IFoo {GUID} adds: 5 Seek, 6 SetSize` (names only). A block continues on the next line when a
/// line ends with `:`, `·` or `,`.
fn compact_blocks(lay: &mut Layout, s: &Section) -> Result<(), String> {
    let mut blocks: Vec<String> = Vec::new();
    let mut cont = false;
    for line in &s.body {
        let l = line.trim();
        if l.starts_with('|') || l.is_empty() {
            cont = false;
            continue;
        }
        if cont {
            blocks.last_mut().unwrap().push_str(&format!(" {l}"));
        } else {
            blocks.push(l.to_string());
        }
        cont = l.ends_with(':') || l.ends_with('·') || l.ends_with(',');
    }
    let mut previous: Option<String> = None;
    for b in blocks {
        // Header: names, then `(slots a–b)`, `(a–b)` or `{GUID}`, then text up to `:`.
        let Some((head, entries)) = b.split_once(':') else {
            continue;
        };
        let Some(i) = head.find(" (").or_else(|| head.find(" {")) else {
            continue;
        };
        let (names_part, rest) = (&head[..i], &head[i + 1..]);
        let names: Vec<String> = names_part.split(" / ").map(str::trim).map(str::to_string).collect();
        if names.is_empty() || !names.iter().all(|n| is_iface_name(n)) {
            continue;
        }
        let range = rest
            .trim_start_matches('(')
            .trim_start_matches("slots ")
            .split(')')
            .next()
            .and_then(|r| r.split_once('–'))
            .and_then(|(a, b)| Some((a.trim().parse::<usize>().ok()?, b.trim().parse::<usize>().ok()?)));
        let adds = rest.contains("adds");

        let mut found: Vec<(usize, String, Option<String>)> = Vec::new();
        let ticks: Vec<(usize, String)> = {
            // (position, text) of backticked entries that look like calls.
            let mut v = Vec::new();
            let mut pos = 0;
            for (k, part) in entries.split('`').enumerate() {
                if k % 2 == 1 && part.contains('(') && method_name(part).is_ok() {
                    v.push((pos, part.to_string()));
                }
                pos += part.len() + 1;
            }
            v
        };
        if !ticks.is_empty() {
            let numbered: Vec<Option<usize>> = ticks
                .iter()
                .map(|(pos, _)| {
                    let before = entries[..pos.saturating_sub(1)].trim_end();
                    let digits: String = before
                        .chars()
                        .rev()
                        .take_while(char::is_ascii_digit)
                        .collect::<Vec<_>>()
                        .into_iter()
                        .rev()
                        .collect();
                    digits.parse::<usize>().ok()
                })
                .collect();
            if numbered.iter().all(Option::is_some) {
                for ((_, sig), n) in ticks.iter().zip(numbered) {
                    found.push((n.unwrap(), method_name(sig)?, Some(sig.clone())));
                }
            } else {
                let Some((first, last)) = range else {
                    return Err(format!("spec: unnumbered slots without a range in {}: {b}", s.origin()));
                };
                if last + 1 - first != ticks.len() {
                    return Err(format!("spec: range {first}-{last} but {} methods in {}", ticks.len(), s.origin()));
                }
                for (k, (_, sig)) in ticks.iter().enumerate() {
                    found.push((first + k, method_name(sig)?, Some(sig.clone())));
                }
            }
        } else {
            // `5 Seek, 6 SetSize, ...`
            for item in entries.split([',', '.']) {
                let mut w = item.split_whitespace();
                if let (Some(n), Some(name), None) = (w.next(), w.next(), w.next()) {
                    if let Ok(n) = n.parse::<usize>() {
                        if is_ident(name) && !is_iface_name(name) {
                            found.push((n, name.to_string(), None));
                        }
                    }
                }
            }
        }
        found.retain(|(n, _, _)| *n >= 3); // 0-2 are IUnknown's
        if found.is_empty() {
            continue;
        }
        for n in &names {
            for (idx, name, sig) in &found {
                add_slot(lay, n, *idx, name.clone(), sig.clone(), &s.origin())?;
            }
            if adds {
                if let Some(p) = &previous {
                    lay.ifaces.get_mut(n).unwrap().parent = Some(p.clone());
                }
            }
        }
        previous = names.last().cloned();
    }
    Ok(())
}

/// Parents: heading (`parent IFoo`) or `adds:`, else the summary tables, else IUnknown when the
/// own slots start at 3. Each parent's slot count must equal the child's first own slot.
fn resolve_parents(lay: &mut Layout) -> Result<(), String> {
    let names: Vec<String> = lay.order.clone();
    for n in &names {
        if n == "IUnknown" {
            continue;
        }
        let from_summary = match lay.summary.get(n) {
            Some((p, _)) => Some(resolve_abbrev(p, Some(n), lay)?),
            None => None,
        };
        let i = lay.ifaces.get_mut(n).unwrap();
        if let (Some(a), Some(b)) = (&i.parent, &from_summary) {
            if a != b {
                return Err(format!("spec: {n} has parent {a} in its section but {b} in the summary table"));
            }
        }
        if i.parent.is_none() {
            i.parent = from_summary;
        }
        if i.parent.is_none() && i.own.keys().next() == Some(&3) {
            i.parent = Some("IUnknown".into());
        }
        if i.parent.is_none() {
            return Err(format!("spec: no parent found for {n}"));
        }
    }
    // Own slots contiguous, starting where the parent ends; and agreeing with the summary range.
    for n in &names {
        let total_parent = match &lay.ifaces[n].parent {
            None => 0,
            Some(p) => all_slots(lay, p)?.len(),
        };
        let own: Vec<usize> = lay.ifaces[n].own.keys().copied().collect();
        let expected: Vec<usize> = (total_parent..total_parent + own.len()).collect();
        if own != expected {
            return Err(format!("spec: {n} own slots {own:?} do not follow its parent's {total_parent} slots"));
        }
        if let Some((_, range)) = lay.summary.get(n) {
            let nums: Vec<usize> = range
                .split(|c: char| !c.is_ascii_digit())
                .filter(|t| !t.is_empty())
                .take(2)
                .filter_map(|t| t.parse().ok())
                .collect();
            let (a, b) = match nums.as_slice() {
                [a] => (*a, *a),
                [a, b] if range.contains('–') || range.contains('-') => (*a, *b),
                [a, _] => (*a, *a),
                _ => continue,
            };
            if own.first() != Some(&a) || own.last() != Some(&b) {
                return Err(format!("spec: {n} own slots {own:?} disagree with the summary table ({range})"));
            }
        }
    }
    Ok(())
}

/// Every slot of `name`, inherited ones first: (interface that declares it, slot).
fn all_slots<'a>(lay: &'a Layout, name: &str) -> Result<Vec<(&'a str, &'a Slot)>, String> {
    let mut chain = vec![];
    let mut cur = Some(name.to_string());
    while let Some(c) = cur {
        if chain.contains(&c) || chain.len() > 16 {
            return Err(format!("spec: inheritance cycle at {c}"));
        }
        let i = lay.ifaces.get(&c).ok_or(format!("spec: parent {c} has no slot table"))?;
        cur = i.parent.clone();
        chain.push(c);
    }
    let mut out = Vec::new();
    for c in chain.iter().rev() {
        let (k, i) = lay.ifaces.get_key_value(c).unwrap();
        out.extend(i.own.values().map(|s| (k.as_str(), s)));
    }
    Ok(out)
}

/// The C function-pointer type of a slot from its spec signature, `This` being `iface *`.
fn slot_type(iface: &str, sig: &str) -> Result<String, String> {
    let open = sig.find('(').ok_or("no parameter list")?;
    let close = sig.rfind(')').ok_or("no parameter list")?;
    let before: Vec<&str> = sig[..open].split_whitespace().collect();
    let ret = if before.len() >= 2 { before[before.len() - 2] } else { "HRESULT" };
    let params = split_params(&sig[open + 1..close]);
    let mut types = vec![format!("{iface} *")];
    for (k, p) in params.iter().enumerate() {
        let p = strip_attributes(p);
        if p.is_empty() || (p == "void" && params.len() == 1) {
            continue;
        }
        if p == "this" {
            if k != 0 {
                return Err("`this` is not the first parameter".into());
            }
            continue;
        }
        types.push(param_type(iface, &p)?);
    }
    Ok(format!("{ret} (*)({})", types.join(", ")))
}

fn split_params(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut cur = String::new();
    for c in s.chars() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth -= 1,
            ',' if depth == 0 => {
                out.push(std::mem::take(&mut cur));
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    if !cur.trim().is_empty() {
        out.push(cur);
    }
    out
}

/// Removes `[in, out]` attribute lists (but not a trailing `[]`) and `/* */` comments.
fn strip_attributes(p: &str) -> String {
    let mut s = p.trim().to_string();
    while let Some(i) = s.find("/*") {
        let end = s[i..].find("*/").map(|j| i + j + 2).unwrap_or(s.len());
        s.replace_range(i..end, "");
    }
    let mut out = String::new();
    let mut depth = 0;
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '[' if chars.peek() == Some(&']') => {
                out.push_str("[]");
                chars.next();
            }
            '[' => depth += 1,
            ']' => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `const BYTE certData[]` -> `const BYTE *`; `T **rgelt` -> `IBackgroundCopyJob **`.
fn param_type(iface: &str, p: &str) -> Result<String, String> {
    let array = p.ends_with("[]");
    let p = p.trim_end_matches("[]");
    let spaced = p.replace('*', " * ");
    let mut toks: Vec<&str> = spaced.split_whitespace().collect();
    let is_const = toks.first() == Some(&"const");
    if is_const {
        toks.remove(0);
    }
    let words: Vec<&str> = toks.iter().copied().filter(|t| *t != "*").collect();
    let mut stars = toks.iter().filter(|t| **t == "*").count() + usize::from(array);
    let base = match words.as_slice() {
        [b] | [b, _] => *b,
        _ => return Err(format!("cannot read parameter `{p}`")),
    };
    // MIDL and Windows spellings that the C header does not use.
    let base = match base {
        "byte" => "BYTE".to_string(),
        "PUINT64" => {
            stars += 1;
            "UINT64".to_string()
        }
        "T" => element_of(iface).ok_or(format!("`T` outside an enumerator ({iface})"))?,
        "E" => iface.to_string(),
        b if is_ident(b) => b.to_string(),
        b => return Err(format!("cannot read type `{b}`")),
    };
    let c = if is_const { format!("const {base}") } else { base };
    Ok(if stars == 0 { c } else { format!("{c} {}", "*".repeat(stars)) })
}

/// `IEnumBackgroundCopyJobs` -> `IBackgroundCopyJob` (the spec's `T` of an enumerator).
fn element_of(iface: &str) -> Option<String> {
    let rest = iface.strip_prefix("IEnum")?.strip_suffix('s')?;
    Some(format!("I{rest}"))
}

fn emit_interfaces(out: &mut String, lay: &Layout) -> Result<usize, String> {
    let mut count = 0;
    for n in &lay.order {
        let i = &lay.ifaces[n];
        let slots = all_slots(lay, n)?;
        let vt = format!("{n}Vtbl");
        let parent = match &i.parent {
            Some(p) if !i.origin.contains(&format!("parent {p}")) => format!(", parent {p}"),
            _ => String::new(),
        };
        let _ = writeln!(out, "\n/* {n}: slots 0-{} ({}{parent}) */", slots.len() - 1, c_comment(&i.origin));
        for (owner, s) in &slots {
            let _ = writeln!(
                out,
                "_Static_assert(offsetof({vt}, {}) == {} * sizeof(void *), {});",
                s.name,
                s.index,
                c_string(&format!("{n} slot {} is {} (declared by {owner})", s.index, s.name))
            );
            match &s.sig {
                None => {
                    let _ = writeln!(out, "/* {n}::{}: the spec gives no signature */", s.name);
                }
                Some(sig) => match slot_type(n, sig) {
                    Ok(t) => {
                        let _ = writeln!(
                            out,
                            "_Static_assert(_Generic((({vt} *)0)->{}, {t}: 1, default: 0), {});",
                            s.name,
                            c_string(&format!("{n}::{}: {sig}", s.name))
                        );
                    }
                    Err(e) => {
                        let _ = writeln!(out, "/* {n}::{}: signature not checked: {} */", s.name, c_comment(&e));
                    }
                },
            }
        }
        match &i.size_unchecked {
            None => {
                let _ = writeln!(
                    out,
                    "_Static_assert(sizeof({vt}) == {} * sizeof(void *), {});",
                    slots.len(),
                    c_string(&format!("{vt} has {} slots", slots.len()))
                );
            }
            Some(why) => {
                let _ = writeln!(out, "/*\n * sizeof({vt}) not checked: the spec notes an anomaly:");
                let mut line = String::from(" *");
                for w in c_comment(why).split_whitespace() {
                    if line.len() + w.len() > 98 {
                        let _ = writeln!(out, "{line}");
                        line = String::from(" *");
                    }
                    line.push(' ');
                    line.push_str(w);
                }
                let _ = writeln!(out, "{line}\n */");
            }
        }
        count += 1;
    }
    for (n, why) in &lay.skipped {
        let _ = writeln!(out, "\n/* {n}: skipped, {} */", c_comment(why));
    }
    Ok(count)
}

// ---------------------------------------------------------------------------------------------
// Structs, enums, constants (enums-structs.md) and HRESULTs (errors.md)

/// Size and alignment checks of the spec's base types ("Binary conventions" table), limited to
/// the types that its signatures and structs use.
fn emit_base_types(out: &mut String, spec: &Spec, used: &BTreeSet<String>) -> Result<(), String> {
    for s in spec.sections("enums-structs.md")? {
        for t in s.tables() {
            if t.header.first().map(String::as_str) != Some("C type") {
                continue;
            }
            for r in &t.rows {
                // "`PUINT64` target" describes the pointee, not PUINT64 itself.
                let names: Vec<String> = backticked(&r[0])
                    .into_iter()
                    .filter(|n| is_ident(n) && used.contains(n.as_str()) && !r[0].contains(&format!("`{n}` target")))
                    .collect();
                let what = r.get(1).cloned().unwrap_or_default();
                let notes = r.get(2).cloned().unwrap_or_default();
                // "`REF*` = `const GUID*`": the REF names of the row are pointers, checked below.
                let refs_are_pointers = what.contains("`REF*`");
                for n in names.iter().filter(|n| !(refs_are_pointers && n.starts_with("REF"))) {
                    let msg = c_string(&format!("{n}: {what}"));
                    if let Some((bits, signed)) = bit_size(&what) {
                        let sign = if signed { "<" } else { ">" };
                        let _ = writeln!(
                            out,
                            "_Static_assert(sizeof({n}) == {} && ({n})-1 {sign} ({n})0, {msg});",
                            bits / 8
                        );
                    } else if what.contains("pointer to UTF-16") {
                        let _ = writeln!(
                            out,
                            "_Static_assert(sizeof({n}) == sizeof(void *) && sizeof(*({n})0) == 2, {msg});"
                        );
                    } else if what.starts_with("16-byte struct") {
                        let _ = writeln!(out, "_Static_assert(sizeof({n}) == 16, {msg});");
                        if let Some(a) = number_after(&notes, "align ") {
                            let _ = writeln!(
                                out,
                                "_Static_assert(_Alignof({n}) == {a}, {});",
                                c_string(&format!("{n}: align {a}"))
                            );
                        }
                    } else if let Some(body) = what.strip_prefix('`').and_then(|w| w.strip_suffix('`')) {
                        // `{u32 dwLowDateTime; u32 dwHighDateTime;}` with "8 bytes, align 4".
                        let fields: Vec<(&str, &str)> =
                            body.trim_matches(['{', '}']).split(';').filter_map(|f| f.trim().split_once(' ')).collect();
                        let mut off = 0;
                        for (ty, f) in fields {
                            let _ = writeln!(out, "_Static_assert(offsetof({n}, {f}) == {off}, {msg});");
                            off += match ty {
                                "u64" | "i64" => 8,
                                "u32" | "i32" => 4,
                                "u16" | "i16" => 2,
                                _ => 1,
                            };
                        }
                        if let Some(size) = number_before(&notes, " bytes") {
                            let _ = writeln!(out, "_Static_assert(sizeof({n}) == {size}, {msg});");
                        }
                        if let Some(a) = number_after(&notes.replace("**", ""), "align ") {
                            let _ = writeln!(out, "_Static_assert(_Alignof({n}) == {a}, {msg});");
                        }
                    }
                }
                if refs_are_pointers {
                    if let Some(target) = backticked(&what).into_iter().find(|b| b.starts_with("const ")) {
                        for n in names.iter().filter(|n| n.starts_with("REF")) {
                            let ty = target.replace('*', " *");
                            let _ = writeln!(
                                out,
                                "_Static_assert(_Generic(({n})0, {ty}: 1, default: 0), {});",
                                c_string(&format!("{n} is {target} in C"))
                            );
                        }
                    }
                }
            }
        }
    }
    Ok(())
}

fn bit_size(s: &str) -> Option<(usize, bool)> {
    let (n, rest) = s.split_once("-bit ")?;
    let bits = n.trim().parse().ok()?;
    Some((bits, rest.starts_with("signed")))
}

fn number_after(s: &str, key: &str) -> Option<usize> {
    let rest = &s[s.find(key)? + key.len()..];
    rest.chars().take_while(char::is_ascii_digit).collect::<String>().parse().ok()
}

fn number_before(s: &str, key: &str) -> Option<usize> {
    let before = &s[..s.find(key)?];
    let digits: String = before.chars().rev().take_while(char::is_ascii_digit).collect();
    digits.chars().rev().collect::<String>().parse().ok()
}

struct Record {
    name: String,
    size: Option<usize>,
    align: Option<usize>,
    fields: Vec<(String, usize)>,
    origin: String,
}

fn read_records(spec: &Spec) -> Result<Vec<Record>, String> {
    let mut out = Vec::new();
    for s in spec.sections("enums-structs.md")? {
        let title = s.title().replace("**", "");
        let name = title.split([' ', '(']).next().unwrap_or("").to_string();
        if !is_ident(&name) || is_iface_name(&name) {
            continue;
        }
        let text = s.text();
        let mut fields = Vec::new();
        for t in s.tables() {
            if let (Some(co), Some(cf)) = (t.col("Off"), t.col("Field")) {
                for r in &t.rows {
                    let offs: Vec<usize> = r[co].split(',').filter_map(|o| o.trim().parse().ok()).collect();
                    let names = field_names(&r[cf]);
                    if offs.len() == names.len() {
                        fields.extend(names.into_iter().zip(offs));
                    } else if offs.len() == 1 {
                        fields.extend(names.into_iter().map(|n| (n, offs[0])));
                    }
                }
            } else if let (Some(cm), Some(_)) = (t.col("Member"), t.col("Type")) {
                fields.extend(t.rows.iter().filter(|r| is_ident(&r[cm])).map(|r| (r[cm].clone(), 0)));
            }
        }
        // "A plain C union whose only member is `BG_BASIC_CREDENTIALS Basic`".
        if let Some(i) = text.find("only member is `") {
            if let Some(decl) = backticked(&text[i + "only member is ".len()..]).first() {
                if let Some(f) = decl.split_whitespace().last() {
                    fields.push((f.to_string(), 0));
                }
            }
        }
        if fields.is_empty() {
            continue;
        }
        let size = number_before(&title, " bytes")
            .or_else(|| number_after(&text, "sizeof = "))
            .or_else(|| number_after(&text, "Size "));
        let align = number_after(&title, "align ").or_else(|| number_after(&text, "align "));
        out.push(Record { name, size, align, fields, origin: s.origin() });
    }
    Ok(out)
}

/// `RemoteName`; `` `VARTYPE vt` (u16) ``; `wReserved1..3`; `` `boolVal` (VARIANT_BOOL), `ulVal`/`uintVal` ``.
fn field_names(cell: &str) -> Vec<String> {
    let ticks = backticked(cell);
    if !ticks.is_empty() {
        return ticks
            .iter()
            .filter_map(|t| t.split_whitespace().last().map(str::to_string))
            .filter(|t| is_ident(t))
            .collect();
    }
    let word = cell.split_whitespace().next().unwrap_or("");
    if let Some((stem, last)) = word.split_once("..") {
        let digits: String = stem.chars().rev().take_while(char::is_ascii_digit).collect();
        let prefix = &stem[..stem.len() - digits.len()];
        let first: usize = digits.chars().rev().collect::<String>().parse().unwrap_or(1);
        let last: usize = last.parse().unwrap_or(first);
        return (first..=last).map(|k| format!("{prefix}{k}")).collect();
    }
    if is_ident(word) {
        vec![word.to_string()]
    } else {
        Vec::new() // (pad)
    }
}

fn emit_records(out: &mut String, records: &[Record]) {
    for r in records {
        let _ = writeln!(out, "\n/* {} ({}) */", r.name, c_comment(&r.origin));
        if let Some(size) = r.size {
            let _ = writeln!(
                out,
                "_Static_assert(sizeof({0}) == {size}, {1});",
                r.name,
                c_string(&format!("sizeof({}) == {size}", r.name))
            );
        }
        if let Some(a) = r.align {
            let _ = writeln!(
                out,
                "_Static_assert(_Alignof({0}) == {a}, {1});",
                r.name,
                c_string(&format!("{} is aligned to {a}", r.name))
            );
        }
        for (f, off) in &r.fields {
            let _ = writeln!(
                out,
                "_Static_assert(offsetof({0}, {f}) == {off}, {1});",
                r.name,
                c_string(&format!("{}.{f} at offset {off}", r.name))
            );
        }
    }
}

/// Enum and constant tables (`| Name | Value |`) of enums-structs.md.
fn emit_constants(out: &mut String, spec: &Spec) -> Result<usize, String> {
    let mut count = 0;
    for s in spec.sections("enums-structs.md")? {
        let title = s.title().to_string();
        let first = title.split([' ', '(']).next().unwrap_or("");
        // `### BG_JOB_STATE (...)` names an enum type: 32-bit signed, values compared as that type.
        let rest = &title[first.len()..];
        let enum_type =
            (is_ident(first) && (rest.is_empty() || rest.starts_with(" (") || rest.starts_with(" —"))).then_some(first);
        let mut header_done = false;
        for t in s.tables() {
            let (Some(cn), Some(cv)) =
                (t.col("Name"), t.header.iter().position(|h| h == "Value" || h == "Implied value"))
            else {
                continue;
            };
            if !header_done {
                let _ = writeln!(out, "\n/* {} */", c_comment(&format!("enums-structs.md \"{title}\"")));
                header_done = true;
            }
            if t.header[cv] == "Implied value" || title.contains("UNCONFIRMED") {
                let _ = writeln!(
                    out,
                    "/* skipped: the spec gives these values as implied by declaration order and UNCONFIRMED */"
                );
                continue;
            }
            if let Some(ty) = enum_type {
                let _ = writeln!(
                    out,
                    "_Static_assert(sizeof({ty}) == 4 && ({ty})-1 < ({ty})0, {});",
                    c_string(&format!("{ty} is a 32-bit signed enum"))
                );
            }
            for r in &t.rows {
                let names: Vec<&str> = r[cn].split(" / ").map(str::trim).collect();
                // `A / B / C | 1 / 2 / 3` pairs names and values; a single name takes the whole cell.
                let values: Vec<&str> =
                    if names.len() > 1 { r[cv].split(" / ").map(str::trim).collect() } else { vec![r[cv].as_str()] };
                if !names.iter().all(|n| is_ident(n)) {
                    continue; // "(reserved)"
                }
                if names.len() != values.len() || leading_number(values[0]).is_none() {
                    let _ = writeln!(
                        out,
                        "/* {}: no numeric value in the spec: {} */",
                        names.join(" / "),
                        c_comment(&r[cv])
                    );
                    continue;
                }
                for (n, v) in names.iter().zip(&values) {
                    let Some(num) = leading_number(v) else {
                        let _ = writeln!(out, "/* {n}: no numeric value in the spec ({}) */", c_comment(v));
                        continue;
                    };
                    let rhs = match enum_type {
                        Some(ty) => format!("({ty}){}", num.text),
                        None => num.text.clone(),
                    };
                    let _ =
                        writeln!(out, "_Static_assert({n} == {rhs}, {});", c_string(&format!("{n} == {}", num.text)));
                    count += 1;
                }
            }
        }
        // Prose list: "VARTYPE codes used here: VT_EMPTY 0, VT_I4 3, ..., VT_ARRAY 0x2000."
        for (k, line) in s.body.iter().enumerate() {
            let Some(list) = line.strip_prefix("VARTYPE codes used here:") else {
                continue;
            };
            // The paragraph: this line and the following ones up to a blank line.
            let mut text = list.to_string();
            for next in s.body[k + 1..].iter().take_while(|l| !l.trim().is_empty()) {
                text.push(' ');
                text.push_str(next);
            }
            let _ = writeln!(out, "\n/* enums-structs.md \"{}\": VARTYPE codes */", c_comment(&title));
            for item in text.split([',', '.']) {
                let w: Vec<&str> = item.split_whitespace().collect();
                if let [n, v] = w.as_slice() {
                    if n.starts_with("VT_") && leading_number(v).is_some() {
                        let _ = writeln!(out, "_Static_assert({n} == {v}, {});", c_string(&format!("{n} == {v}")));
                        count += 1;
                    }
                }
            }
            for (n, v) in [("VARIANT_TRUE", "-1"), ("VARIANT_FALSE", "0")] {
                if text.contains(&format!("{n} = {v}")) {
                    let _ = writeln!(out, "_Static_assert({n} == {v}, {});", c_string(&format!("{n} == {v}")));
                    count += 1;
                }
            }
        }
    }
    Ok(count)
}

/// HRESULT tables of errors.md: `| Name | Hex | Signed | ...` and `| Name | Hex |`.
fn emit_hresults(out: &mut String, spec: &Spec) -> Result<usize, String> {
    let mut count = 0;
    let mut seen = BTreeSet::new();
    for s in spec.sections("errors.md")? {
        for t in s.tables() {
            let (Some(cn), Some(ch)) = (t.col("Name"), t.col("Hex")) else {
                continue;
            };
            let cs = t.col("Signed");
            let _ = writeln!(out, "\n/* errors.md \"{}\" */", c_comment(s.title()));
            for r in &t.rows {
                let n = r[cn].as_str();
                if !is_ident(n) || !seen.insert(n.to_string()) {
                    continue;
                }
                let Some(hex) = leading_number(&r[ch]) else {
                    continue;
                };
                match cs.and_then(|c| leading_number(&r[c])) {
                    Some(signed) => {
                        if signed.value != hex.value as u32 as i32 as i128 {
                            return Err(format!("spec: errors.md {n}: {} is not {}", hex.text, signed.text));
                        }
                        let _ = writeln!(
                            out,
                            "_Static_assert(_Generic({n}, HRESULT: 1, default: 0) && {n} == (HRESULT){}, {});",
                            hex.text,
                            c_string(&format!("{n} is the HRESULT {} ({})", hex.text, signed.text))
                        );
                    }
                    None => {
                        // Message ids: the spec gives the 32-bit pattern only.
                        let _ = writeln!(
                            out,
                            "_Static_assert((uint32_t)({n}) == {}u, {});",
                            hex.text,
                            c_string(&format!("{n} == {}", hex.text))
                        );
                    }
                }
                count += 1;
            }
        }
    }
    Ok(count)
}

// ---------------------------------------------------------------------------------------------
// GUIDs (guids.md), checked at run time

struct GuidRow {
    symbol: String,
    bytes: [u8; 16],
}

fn read_guids(spec: &Spec) -> Result<Vec<GuidRow>, String> {
    let mut out = Vec::new();
    for s in spec.sections("guids.md")? {
        for t in s.tables() {
            let (Some(cn), Some(cg), Some(cs), Some(cb)) =
                (t.col("Name"), t.col("GUID"), t.col("Struct form"), t.col("In-memory bytes"))
            else {
                continue;
            };
            for r in &t.rows {
                let name = r[cn].as_str();
                let canonical = backticked(&r[cg]).first().cloned().unwrap_or_default();
                let hex = backticked(&r[cb]).first().cloned().unwrap_or_default();
                let bytes = parse_hex16(&hex).ok_or(format!("spec: guids.md {name}: bad bytes `{hex}`"))?;
                // The three forms of the row must agree.
                if from_canonical(&canonical) != Some(bytes) {
                    return Err(format!("spec: guids.md {name}: `{canonical}` does not give bytes {hex}"));
                }
                if from_struct_form(&r[cs]) != Some(bytes) {
                    return Err(format!("spec: guids.md {name}: struct form does not give bytes {hex}"));
                }
                let symbol = if ["IID_", "CLSID_", "LIBID_"].iter().any(|p| name.starts_with(p)) {
                    name.to_string()
                } else {
                    format!("IID_{name}")
                };
                out.push(GuidRow { symbol, bytes });
            }
        }
    }
    if out.is_empty() {
        return Err("spec: no GUID table in guids.md".into());
    }
    Ok(out)
}

fn parse_hex16(h: &str) -> Option<[u8; 16]> {
    if h.len() != 32 {
        return None;
    }
    let mut b = [0u8; 16];
    for (k, byte) in b.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&h[2 * k..2 * k + 2], 16).ok()?;
    }
    Some(b)
}

/// `37668D37-507E-4160-9316-26306D150B12` -> in-memory bytes (Data1-3 little-endian).
fn from_canonical(s: &str) -> Option<[u8; 16]> {
    let p: Vec<&str> = s.split('-').collect();
    if p.len() != 5 {
        return None;
    }
    let d1 = u32::from_str_radix(p[0], 16).ok()?.to_le_bytes();
    let d2 = u16::from_str_radix(p[1], 16).ok()?.to_le_bytes();
    let d3 = u16::from_str_radix(p[2], 16).ok()?.to_le_bytes();
    let tail = parse_hex8(&format!("{}{}", p[3], p[4]))?;
    let mut b = [0u8; 16];
    b[..4].copy_from_slice(&d1);
    b[4..6].copy_from_slice(&d2);
    b[6..8].copy_from_slice(&d3);
    b[8..].copy_from_slice(&tail);
    Some(b)
}

fn parse_hex8(h: &str) -> Option<[u8; 8]> {
    if h.len() != 16 {
        return None;
    }
    let mut b = [0u8; 8];
    for (k, byte) in b.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&h[2 * k..2 * k + 2], 16).ok()?;
    }
    Some(b)
}

/// `` `{0x37668D37, 0x507E, 0x4160, [0x93, 0x16, ...]}` `` -> in-memory bytes.
fn from_struct_form(cell: &str) -> Option<[u8; 16]> {
    let nums: Vec<u64> = cell
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter_map(|t| t.strip_prefix("0x").and_then(|h| u64::from_str_radix(h, 16).ok()))
        .collect();
    if nums.len() != 11 {
        return None;
    }
    let mut b = [0u8; 16];
    b[..4].copy_from_slice(&(nums[0] as u32).to_le_bytes());
    b[4..6].copy_from_slice(&(nums[1] as u16).to_le_bytes());
    b[6..8].copy_from_slice(&(nums[2] as u16).to_le_bytes());
    for k in 0..8 {
        b[8 + k] = nums[3 + k] as u8;
    }
    Some(b)
}

fn emit_guid_main(out: &mut String, guids: &[GuidRow]) {
    out.push_str(
        "
/* ==== 5. GUIDs (guids.md \"In-memory bytes\"), checked at run time ==== */

struct spec_guid {
    const char *name;
    const GUID *symbol;
    unsigned char bytes[16];
};

static const struct spec_guid spec_guids[] = {
",
    );
    for g in guids {
        let bytes: Vec<String> = g.bytes.iter().map(|b| format!("0x{b:02x}")).collect();
        let _ = writeln!(out, "    {{\"{0}\", &{0}, {{{1}}}}},", g.symbol, bytes.join(", "));
    }
    out.push_str(
        "};

int main(void)
{
    size_t i, k;
    int bad = 0;
    for (i = 0; i < sizeof spec_guids / sizeof spec_guids[0]; i++) {
        const unsigned char *have = (const unsigned char *)spec_guids[i].symbol;
        if (memcmp(have, spec_guids[i].bytes, 16) != 0) {
            printf(\"GUID mismatch: %s\\n  spec:   \", spec_guids[i].name);
            for (k = 0; k < 16; k++) printf(\"%02x\", spec_guids[i].bytes[k]);
            printf(\"\\n  symbol: \");
            for (k = 0; k < 16; k++) printf(\"%02x\", have[k]);
            printf(\"\\n\");
            bad++;
        }
    }
    printf(\"spec_layout: %d of %d GUIDs match the spec\\n\", (int)(i - (size_t)bad), (int)i);
    return bad != 0;
}
",
    );
}

// ---------------------------------------------------------------------------------------------

pub fn generate(spec_dir: &Path) -> Result<String, String> {
    if !spec_dir.join("README.md").is_file() {
        return Err(format!("spec not found at {} (use --spec DIR)", spec_dir.display()));
    }
    let spec = Spec { dir: spec_dir.to_path_buf() };
    let lay = read_layout(&spec)?;
    let records = read_records(&spec)?;
    let guids = read_guids(&spec)?;

    // Type names the spec itself uses in signatures and struct tables.
    let mut used: BTreeSet<String> = BTreeSet::new();
    for i in lay.ifaces.values() {
        for s in i.own.values() {
            if let Some(sig) = &s.sig {
                used.extend(sig.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).map(str::to_string));
            }
        }
    }
    for f in ["enums-structs.md"] {
        for s in spec.sections(f)? {
            for t in s.tables() {
                if let Some(ct) = t.col("Type") {
                    used.extend(
                        t.rows.iter().filter_map(|r| r.get(ct)).flat_map(|c| c.split_whitespace().map(str::to_string)),
                    );
                }
            }
        }
    }

    let mut out = String::new();
    out.push_str(&format!(
        "/*
 * c-tests/spec_layout.c: the binary facts of the spec as C11 checks of include/deliveryopt.h.
 *
 * GENERATED by `cargo run -p xtask -- spec-layout` from the spec markdown in {} (bits-core.md,
 * bits-extended.md, do.md, enums-structs.md, errors.md, guids.md, README.md), never from the
 * Rust sources, so it checks the Rust ABI independently. Do not edit; regenerate.
 *
 * Build: cc -std=c11 -Wall -Wextra -Wpedantic -Werror -Iinclude c-tests/spec_layout.c
 *        -Ltarget/debug -ldeliveryopt -Wl,-rpath,target/debug   (see c-tests/headers/run.sh)
 * Compile time: vtable slot offsets and types, struct sizes/offsets, constant values.
 * Run time: the bytes of every GUID symbol.
 */
#include \"deliveryopt.h\"

#include <stddef.h>
#include <stdio.h>
#include <string.h>
",
        "../shared/spec"
    ));

    out.push_str("\n/* ==== 1. Base types (enums-structs.md \"Binary conventions\") ==== */\n");
    emit_base_types(&mut out, &spec, &used)?;

    out.push_str("\n/* ==== 2. Vtables: slot offsets, slot types (spec signature via _Generic), sizes ==== */\n");
    let n_ifaces = emit_interfaces(&mut out, &lay)?;
    if n_ifaces < 35 {
        return Err(format!("spec: only {n_ifaces} interfaces with slot tables were found (expected at least 35)"));
    }

    out.push_str("\n/* ==== 3. Structures and unions (enums-structs.md) ==== */\n");
    emit_records(&mut out, &records);

    out.push_str("\n/* ==== 4. Enumerations, flags and constants (enums-structs.md), HRESULTs (errors.md) ==== */\n");
    emit_constants(&mut out, &spec)?;
    emit_hresults(&mut out, &spec)?;

    emit_guid_main(&mut out, &guids);
    println!(
        "spec-layout: {n_ifaces} interfaces, {} skipped, {} structs, {} GUIDs",
        lay.skipped.len(),
        records.len(),
        guids.len()
    );
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_parameters_become_c_types() {
        assert_eq!(param_type("IX", "const BYTE certData[]").unwrap(), "const BYTE *");
        assert_eq!(param_type("IX", "PUINT64 pFromPeers").unwrap(), "UINT64 *");
        assert_eq!(param_type("IX", "byte **ppBuffer").unwrap(), "BYTE **");
        assert_eq!(param_type("IEnumBackgroundCopyJobs", "T **rgelt").unwrap(), "IBackgroundCopyJob **");
        assert_eq!(param_type("IEnumBitsPeers", "E **").unwrap(), "IEnumBitsPeers **");
        assert_eq!(strip_attributes("[out, size_is(, *pLength)] byte **ppBuffer"), "byte **ppBuffer");
        assert_eq!(strip_attributes("ULONG* pceltFetched /*optional*/"), "ULONG* pceltFetched");
        assert_eq!(
            slot_type("IX", "HRESULT M(this, [in, size_is(n)] const BG_FILE_RANGE r[], [in] DWORD n)").unwrap(),
            "HRESULT (*)(IX *, const BG_FILE_RANGE *, DWORD)"
        );
        assert_eq!(slot_type("IX", "Reset(void)").unwrap(), "HRESULT (*)(IX *)");
        assert_eq!(slot_type("IX", "ULONG AddRef(this)").unwrap(), "ULONG (*)(IX *)");
    }

    #[test]
    fn struct_field_cells_are_read() {
        assert_eq!(field_names("`VARTYPE vt` (u16)"), ["vt"]);
        assert_eq!(field_names("wReserved1..3 (u16 each)"), ["wReserved1", "wReserved2", "wReserved3"]);
        assert_eq!(
            field_names("16-byte union: `boolVal` (VARIANT_BOOL), `ulVal`/`uintVal` (u32)"),
            ["boolVal", "ulVal", "uintVal"]
        );
        assert!(field_names("(pad)").is_empty());
        assert_eq!(leading_number("`(UINT64)(-1)` = 0xFF").unwrap().text, "(UINT64)(-1)");
        assert_eq!(leading_number("0x800000FF").unwrap().value, 0x800000FF);
        assert!(leading_number("(reserved)").is_none());
    }

    #[test]
    fn compact_slot_lists_are_read() {
        let body = [
            "IBitsPeer (3–5): 3 `GetPeerName([out, ref] LPWSTR*)` · 4 `IsAuthenticated([out, ref] BOOL*)` ·",
            "5 `IsAvailable([out, ref] BOOL*)`.",
            "",
            "IEnumBitsPeers (3–4): `Skip(ULONG)`,",
            "`Reset()`, exactly like the others.",
            "",
            "ISequentialStream {0C733A30}: slots 0–2 IUnknown, 3 `Read(void*, ULONG cb, ULONG* read)`.",
            "IStream {0000000C} adds: 4 Seek, 5 SetSize.",
        ];
        let s =
            Section { file: "x.md", heading: "## 1. Peers".into(), body: body.iter().map(|l| l.to_string()).collect() };
        let mut lay = Layout { order: vec![], ifaces: BTreeMap::new(), skipped: vec![], summary: BTreeMap::new() };
        compact_blocks(&mut lay, &s).unwrap();
        let names = |i: &str| lay.ifaces[i].own.values().map(|s| (s.index, s.name.clone())).collect::<Vec<_>>();
        assert_eq!(
            names("IBitsPeer"),
            [(3, "GetPeerName".into()), (4, "IsAuthenticated".into()), (5, "IsAvailable".into())]
        );
        assert_eq!(names("IEnumBitsPeers"), [(3, "Skip".into()), (4, "Reset".into())]);
        assert_eq!(names("ISequentialStream"), [(3, "Read".into())]);
        assert_eq!(names("IStream"), [(4, "Seek".into()), (5, "SetSize".into())]);
        assert_eq!(lay.ifaces["IStream"].parent.as_deref(), Some("ISequentialStream"));
    }

    #[test]
    fn guid_forms_agree() {
        let b = from_canonical("37668D37-507E-4160-9316-26306D150B12").unwrap();
        assert_eq!(Some(b), parse_hex16("378d66377e506041931626306d150b12"));
        assert_eq!(
            Some(b),
            from_struct_form("`{0x37668D37, 0x507E, 0x4160, [0x93, 0x16, 0x26, 0x30, 0x6D, 0x15, 0x0B, 0x12]}`")
        );
    }
}
