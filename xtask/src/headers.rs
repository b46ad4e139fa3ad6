//! `cargo run -p xtask -- headers [--check]`: include/deliveryopt.h and the drop-in headers.
//!
//! deliveryopt.h is cbindgen's output for the crate, configured by cbindgen.toml, plus what the
//! generator computes from src/abi/ (see the comment at the top of cbindgen.toml):
//!
//! 1. the prelude of cbindgen.toml is checked against src/abi/types.rs (`prelude_check`);
//! 2. interfaces are read from src/abi/vtbl.rs (`rust_model`): their object structs are excluded
//!    from cbindgen, their forward typedefs appended to the prelude, every `IFooVtbl` and every
//!    other type of src/abi/ included (cbindgen would otherwise emit only what exported functions
//!    reach), and the COM view (`com_view`) becomes the trailer;
//! 3. `pub const`s defined outside src/abi/ are excluded: they are engine tunables, not API;
//! 4. cbindgen's output is post-processed: constants of type HRESULT become
//!    `((HRESULT)0x80200001)` and other casts of large unsigned literals (`(int32_t)2147483903u`)
//!    become `((int32_t)0x800000FF)`, as the Windows headers write them;
//! 5. the result is checked: no name is declared both by the prelude/trailer and by cbindgen.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use syn::{Fields, Item, Visibility};

use crate::output::{write_or_check, Generated};
use crate::rust_model::{doc_lines, load_com_model, parse_file};
use crate::{com_view, dropins, prelude_check};

pub fn run(root: &Path, check: bool) -> Result<(), String> {
    let files = generate(root)?;
    write_or_check(root, &files, check, "cargo run -p xtask -- headers")
}

pub fn generate(root: &Path) -> Result<Vec<Generated>, String> {
    let mut config = cbindgen::Config::from_file(root.join("cbindgen.toml"))?;
    let prelude = config.after_includes.clone().unwrap_or_default();
    prelude_check::verify(root, &prelude, &config.export.exclude)?;

    let model = load_com_model(root)?;
    warn_slot_docs(&model);
    let abi = scan_abi(root)?;

    let mut exclude: BTreeSet<String> = config.export.exclude.iter().cloned().collect();
    for i in &model.interfaces {
        exclude.insert(i.name.clone());
    }
    let foreign = foreign_consts(root, &abi.consts)?;
    exclude.extend(foreign.iter().cloned());
    let include: BTreeSet<String> = abi.types.iter().filter(|t| !exclude.contains(*t)).cloned().collect();
    config.export.exclude = exclude.into_iter().collect();
    config.export.include.extend(include);

    let forward: String = com_view::forward_typedefs(&model)
        .lines()
        .filter(|l| !(l.starts_with("typedef ") && prelude.lines().any(|p| p.trim() == *l)))
        .map(|l| format!("{l}\n"))
        .collect();
    let trailer = com_view::trailer(&model);
    config.after_includes = Some(format!("{prelude}{forward}"));
    config.trailer = Some(trailer.clone());

    let bindings = cbindgen::Builder::new()
        .with_config(config)
        .with_crate(root)
        .generate()
        .map_err(|e| format!("cbindgen: {e}"))?;
    let mut raw = Vec::new();
    bindings.write(&mut raw);
    let raw = String::from_utf8(raw).map_err(|e| format!("cbindgen output is not UTF-8: {e}"))?;
    let header = postprocess(&raw, &abi.const_types);

    let generated_by_us = format!("{prelude}{forward}{trailer}");
    check_single_declarations(&header, &generated_by_us)?;
    let declared: BTreeSet<String> = declared_names(&header).into_keys().collect();

    if !foreign.is_empty() {
        println!(
            "note: not exported (pub const outside src/abi/): {}",
            foreign.iter().cloned().collect::<Vec<_>>().join(", ")
        );
    }
    warn_undocumented(root)?;

    let mut files = vec![Generated { path: PathBuf::from("include/deliveryopt.h"), text: header }];
    files.extend(dropins::generate(&declared)?);
    Ok(files)
}

/// What src/abi/ defines.
struct Abi {
    /// `pub type` aliases and `#[repr(C)]` structs/unions: the C vocabulary, all exported.
    types: BTreeSet<String>,
    /// Every `pub const`.
    consts: BTreeSet<String>,
    /// The types of the `pub const`s that the post-processing rewrites.
    const_types: ConstTypes,
}

/// `pub const`s by declared type, for the post-processing of cbindgen's output.
#[derive(Default)]
struct ConstTypes {
    /// Type HRESULT.
    hresult: BTreeSet<String>,
    /// A 32-bit unsigned type (DWORD, ULONG, UINT, u32).
    unsigned32: BTreeSet<String>,
}

fn scan_abi(root: &Path) -> Result<Abi, String> {
    let mut abi = Abi { types: BTreeSet::new(), consts: BTreeSet::new(), const_types: ConstTypes::default() };
    for path in rust_files(&root.join("src/abi"))? {
        for item in parse_file(&path)?.items {
            match item {
                Item::Type(t) if is_pub(&t.vis) => {
                    abi.types.insert(t.ident.to_string());
                }
                Item::Struct(s) if is_pub(&s.vis) && is_repr_c(&s.attrs) && !matches!(s.fields, Fields::Unit) => {
                    abi.types.insert(s.ident.to_string());
                }
                Item::Union(u) if is_pub(&u.vis) && is_repr_c(&u.attrs) => {
                    abi.types.insert(u.ident.to_string());
                }
                Item::Const(c) if is_pub(&c.vis) => {
                    let name = c.ident.to_string();
                    if let syn::Type::Path(p) = &*c.ty {
                        match p.path.get_ident().map(|i| i.to_string()).as_deref() {
                            Some("HRESULT") => abi.const_types.hresult.insert(name.clone()),
                            Some("DWORD" | "ULONG" | "UINT" | "u32") => abi.const_types.unsigned32.insert(name.clone()),
                            _ => false,
                        };
                    }
                    abi.consts.insert(name);
                }
                _ => {}
            }
        }
    }
    Ok(abi)
}

/// `pub const`s defined outside src/abi/ (and not also defined in it).
fn foreign_consts(root: &Path, abi_consts: &BTreeSet<String>) -> Result<BTreeSet<String>, String> {
    let abi_dir = root.join("src/abi");
    let mut out = BTreeSet::new();
    for path in rust_files(&root.join("src"))? {
        if path.starts_with(&abi_dir) {
            continue;
        }
        collect_consts(&parse_file(&path)?.items, &mut out);
    }
    for clash in out.intersection(abi_consts) {
        println!("warning: `{clash}` is a pub const both in src/abi/ and elsewhere; kept in the header");
    }
    Ok(out.difference(abi_consts).cloned().collect())
}

fn collect_consts(items: &[Item], out: &mut BTreeSet<String>) {
    for item in items {
        match item {
            Item::Const(c) if is_pub(&c.vis) => {
                out.insert(c.ident.to_string());
            }
            Item::Mod(m) => {
                if let Some((_, inner)) = &m.content {
                    collect_consts(inner, out);
                }
            }
            _ => {}
        }
    }
}

fn is_pub(v: &Visibility) -> bool {
    !matches!(v, Visibility::Inherited)
}

fn is_repr_c(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("repr")
            && a.parse_args_with(syn::punctuated::Punctuated::<syn::Ident, syn::Token![,]>::parse_terminated)
                .is_ok_and(|ids| ids.iter().any(|i| i == "C"))
    })
}

/// Every `.rs` file under `dir`, sorted.
fn rust_files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).map_err(|e| format!("{}: {e}", d.display()))? {
            let p = entry.map_err(|e| e.to_string())?.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "rs") {
                out.push(p);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Rewrites cbindgen's constants into the Windows headers' form.
fn postprocess(raw: &str, types: &ConstTypes) -> String {
    let mut out = String::with_capacity(raw.len() + 4096);
    for line in raw.lines() {
        out.push_str(&rewrite_define(line, types).unwrap_or_else(|| line.to_string()));
        out.push('\n');
    }
    out
}

/// * HRESULTs: `(HRESULT)2149580801u` or `1` -> `((HRESULT)0x80200001)`, `((HRESULT)0x00000001)`;
/// * 32-bit unsigned constants above INT32_MAX: `2147483648` (a 64-bit `long` in C on LP64) ->
///   `0x80000000u` (an `unsigned int`, as the SDK's `0x80000000`), so that `~X` stays 32 bits;
/// * other casts of large unsigned literals: `(int32_t)2147483903u` -> `((int32_t)0x800000FF)`.
fn rewrite_define(line: &str, types: &ConstTypes) -> Option<String> {
    let rest = line.strip_prefix("#define ")?;
    let (name, value) = rest.split_once(' ')?;
    let (cast, literal) = match value.strip_prefix('(') {
        Some(v) => {
            let (ty, lit) = v.split_once(')')?;
            (Some(ty), lit)
        }
        None => (None, value),
    };
    let digits = literal.trim_end_matches(['u', 'U', 'l', 'L']);
    let n: i64 = digits.parse().ok()?;
    if types.hresult.contains(name) {
        if cast.is_some_and(|c| c != "HRESULT") {
            return None;
        }
        return Some(format!("#define {name} ((HRESULT)0x{:08X})", n as i32 as u32));
    }
    if types.unsigned32.contains(name) && cast.is_none() && digits == literal {
        return (n > i32::MAX as i64 && n <= u32::MAX as i64).then(|| format!("#define {name} 0x{n:08X}u"));
    }
    let ty = cast?;
    if !literal.ends_with(['u', 'U']) || n <= i32::MAX as i64 || n > u32::MAX as i64 {
        return None;
    }
    Some(format!("#define {name} (({ty})0x{n:08X})"))
}

/// Names declared by `#define`, `typedef` and `} Name;` lines, with their counts.
fn declared_names(text: &str) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    let ident = |s: &str| -> Option<String> {
        let s: String = s.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
        (!s.is_empty()).then_some(s)
    };
    for line in text.lines() {
        let l = line.trim();
        let name = if let Some(rest) = l.strip_prefix("#define ") {
            ident(rest)
        } else if let Some(rest) = l.strip_prefix("typedef ") {
            match rest.find("(*") {
                Some(i) => ident(&rest[i + 2..]),
                None => rest.strip_suffix(';').and_then(|r| r.rsplit([' ', '*', '&']).next()).and_then(ident),
            }
        } else if let Some(rest) = l.strip_prefix("} ") {
            rest.strip_suffix(';').and_then(ident)
        } else if let Some(rest) = l.strip_prefix("extern const ") {
            rest.strip_suffix(';').and_then(|r| r.rsplit(' ').next()).and_then(ident)
        } else {
            None
        };
        if let Some(n) = name {
            *out.entry(n).or_insert(0) += 1;
        }
    }
    out
}

/// Fails if cbindgen declared a name that the prelude or the COM view also declares (C99 forbids
/// a second typedef; a second `#define` with another value is an error too), or declared one twice.
fn check_single_declarations(header: &str, ours: &str) -> Result<(), String> {
    let all = declared_names(header);
    let mine = declared_names(ours);
    let mut errors = Vec::new();
    for (name, n) in &all {
        let m = mine.get(name).copied().unwrap_or(0);
        let by_cbindgen = n.saturating_sub(m);
        if by_cbindgen > 0 && m > 0 {
            errors.push(format!(
                "`{name}` is declared by the prelude/COM view and by cbindgen: add it to [export] exclude"
            ));
        } else if by_cbindgen > 1 {
            errors.push(format!("`{name}` is declared {by_cbindgen} times by cbindgen"));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors.join("\n"))
    }
}

/// Warns where a vtable slot's doc says "Slot N." with the wrong N.
fn warn_slot_docs(model: &crate::rust_model::ComModel) {
    for i in &model.interfaces {
        for (k, m) in i.methods.iter().enumerate() {
            let Some(first) = m.doc.first() else { continue };
            let Some(rest) = first.strip_prefix("Slot ") else {
                continue;
            };
            let n: String = rest.chars().take_while(char::is_ascii_digit).collect();
            if n.parse::<usize>().ok() != Some(k) {
                println!("warning: {}Vtbl.{}: doc says \"Slot {n}\" but it is slot {k}", i.name, m.name);
            }
        }
    }
}

/// Warns about exported functions and statics (`#[no_mangle]`) without a `///` comment: the
/// header carries the Rust docs, so an undocumented export is an undocumented C API.
fn warn_undocumented(root: &Path) -> Result<(), String> {
    let mut missing = Vec::new();
    for path in rust_files(&root.join("src"))? {
        for item in parse_file(&path)?.items {
            let (attrs, name) = match &item {
                Item::Fn(f) => (&f.attrs, f.sig.ident.to_string()),
                Item::Static(s) => (&s.attrs, s.ident.to_string()),
                _ => continue,
            };
            let exported = attrs.iter().any(|a| {
                a.path().is_ident("no_mangle")
                    || (a.path().is_ident("unsafe") && a.parse_args::<syn::Ident>().is_ok_and(|i| i == "no_mangle"))
            });
            if exported && doc_lines(attrs).iter().all(|l| l.trim().is_empty()) {
                missing.push(format!("{} ({})", name, path.strip_prefix(root).unwrap_or(&path).display()));
            }
        }
    }
    if !missing.is_empty() {
        println!("warning: exported without a doc comment: {}", missing.join(", "));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hresult_constants_are_written_as_windows_does() {
        let set = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<BTreeSet<String>>();
        let h = ConstTypes { hresult: set(&["BG_E_NOT_FOUND", "S_FALSE"]), unsigned32: set(&["BIG", "FLAG"]) };
        assert_eq!(rewrite_define("#define BIG 2147483648", &h).as_deref(), Some("#define BIG 0x80000000u"));
        assert_eq!(rewrite_define("#define FLAG 16", &h), None);
        assert_eq!(
            rewrite_define("#define BG_E_NOT_FOUND (HRESULT)2149580801u", &h).as_deref(),
            Some("#define BG_E_NOT_FOUND ((HRESULT)0x80200001)")
        );
        assert_eq!(rewrite_define("#define S_FALSE 1", &h).as_deref(), Some("#define S_FALSE ((HRESULT)0x00000001)"));
        assert_eq!(
            rewrite_define("#define POLICY (int32_t)2147483903u", &h).as_deref(),
            Some("#define POLICY ((int32_t)0x800000FF)")
        );
        assert_eq!(rewrite_define("#define SMALL 5", &h), None);
        assert_eq!(rewrite_define("#define MAX UINT64_MAX", &h), None);
    }

    #[test]
    fn a_name_declared_by_the_prelude_and_by_cbindgen_is_an_error() {
        let prelude = "typedef int32_t HRESULT;\n#define TRUE 1\n";
        let header = format!("{prelude}typedef struct X {{\n int a;\n}} X;\ntypedef int32_t HRESULT;\n");
        let err = check_single_declarations(&header, prelude).unwrap_err();
        assert!(err.contains("`HRESULT`") && !err.contains("`X`"), "{err}");
        assert!(check_single_declarations(&format!("{prelude}#define Y 2\n"), prelude).is_ok());
    }
}
