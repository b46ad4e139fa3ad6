//! Checks the hand-written prelude (`after_includes` in cbindgen.toml) against `src/abi/types.rs`.
//!
//! For every item of types.rs whose name is in cbindgen's `[export] exclude` list (so cbindgen does
//! not declare it), the prelude must declare it the same way:
//! * `pub type X = T;`          -> a line `typedef T X;` (one branch of an `#if` is enough);
//! * `pub const X: T = v;`      -> `#define X v` (parentheses and a `(T)` cast allowed);
//! * `#[repr(C)] struct/union`  -> `typedef struct X { ... } X;` with the same fields, in order and
//!   with the same C types. A field whose type is another excluded union of types.rs (VARIANT's
//!   `val: VARIANT_VALUE`) is matched against an untagged union written inline at that place.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use syn::ext::IdentExt;
use syn::{Expr, Fields, Item, Lit, UnOp};

use crate::rust_model::{parse_file, CType};

pub fn verify(root: &Path, prelude: &str, exclude: &[String]) -> Result<(), String> {
    let file = parse_file(&root.join("src/abi/types.rs"))?;
    let excluded: BTreeSet<&str> = exclude.iter().map(String::as_str).collect();
    let code = strip_comments(prelude);
    let mut records: HashMap<String, Vec<(String, CType)>> = HashMap::new();
    for item in &file.items {
        let (name, fields) = match item {
            Item::Struct(s) => match &s.fields {
                Fields::Named(f) => (s.ident.to_string(), f.named.iter().collect::<Vec<_>>()),
                _ => continue,
            },
            Item::Union(u) => (u.ident.to_string(), u.fields.named.iter().collect()),
            _ => continue,
        };
        let mut fs = Vec::new();
        for f in fields {
            let fname = f.ident.as_ref().map(|i| i.unraw().to_string()).unwrap_or_default();
            fs.push((fname, CType::from_rust(&f.ty).map_err(|e| format!("types.rs {name}: {e}"))?));
        }
        records.insert(name, fs);
    }

    let mut errors = Vec::new();
    let mut checked = 0;
    for item in &file.items {
        match item {
            Item::Type(t) if excluded.contains(t.ident.to_string().as_str()) => {
                let name = t.ident.to_string();
                let want = format!("typedef {};", CType::from_rust(&t.ty)?.declare(&name));
                if !code.lines().any(|l| norm(l) == norm(&want)) {
                    errors.push(format!("prelude must declare `{want}` (src/abi/types.rs: pub type {name})"));
                }
                checked += 1;
            }
            Item::Const(c) if excluded.contains(c.ident.to_string().as_str()) => {
                let name = c.ident.to_string();
                let value = literal(&c.expr).ok_or(format!("types.rs: {name} is not a literal"))?;
                let ty = CType::from_rust(&c.ty)?.spell();
                match define_value(&code, &name) {
                    None => errors.push(format!("prelude must `#define {name}` ({value})")),
                    Some(v) => {
                        let bare = v.replace(['(', ')', ' '], "").replacen(&ty, "", 1);
                        if bare != value {
                            errors.push(format!("prelude `#define {name} {v}` but types.rs says {value}"));
                        }
                    }
                }
                checked += 1;
            }
            Item::Struct(_) | Item::Union(_) => {
                let (name, is_union) = match item {
                    Item::Struct(s) => (s.ident.to_string(), false),
                    Item::Union(u) => (u.ident.to_string(), true),
                    _ => unreachable!(),
                };
                if !excluded.contains(name.as_str()) || !records.contains_key(&name) {
                    continue;
                }
                // A union used as a field of another excluded record is written inline there.
                let inline_only = is_union && records.values().flatten().any(|(_, t)| *t == CType::Named(name.clone()));
                if inline_only {
                    continue;
                }
                let want: Vec<String> = flatten(&name, &records, &excluded);
                match record_body(&code, &name, is_union) {
                    None => errors.push(format!(
                        "prelude must define `typedef {} {name} {{ ... }} {name};`",
                        if is_union { "union" } else { "struct" }
                    )),
                    Some(body) => {
                        let have = c_fields(&body);
                        if have != want {
                            errors.push(format!(
                                "prelude {name} fields differ from src/abi/types.rs:\n      prelude: {}\n      rust:    {}",
                                have.join("; "),
                                want.join("; ")
                            ));
                        }
                    }
                }
                checked += 1;
            }
            _ => {}
        }
    }
    if checked == 0 {
        errors.push("no excluded item of src/abi/types.rs was found: is the exclude list right?".into());
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(format!("cbindgen.toml prelude does not match src/abi/types.rs:\n  {}", errors.join("\n  ")))
    }
}

/// The C declarations of a record's fields, with fields of excluded inline unions flattened in.
fn flatten(name: &str, records: &HashMap<String, Vec<(String, CType)>>, excluded: &BTreeSet<&str>) -> Vec<String> {
    let mut out = Vec::new();
    for (f, ty) in &records[name] {
        match ty {
            CType::Named(n) if excluded.contains(n.as_str()) && records.contains_key(n) && n != name => {
                out.extend(flatten(n, records, excluded))
            }
            _ => out.push(norm(&ty.declare(f))),
        }
    }
    out
}

/// Whitespace-insensitive form of a declaration: `void *p` == `void* p`.
fn norm(s: &str) -> String {
    let joined = s.split_whitespace().collect::<Vec<_>>().join(" ");
    joined.replace(" *", "*").replace("* ", "*")
}

fn strip_comments(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find("/*") {
        out.push_str(&rest[..i]);
        rest = rest[i..].find("*/").map(|j| &rest[i + j + 2..]).unwrap_or("");
    }
    out.push_str(rest);
    out
}

/// The replacement text of `#define name ...`.
fn define_value(code: &str, name: &str) -> Option<String> {
    code.lines().find_map(|l| {
        let rest = l.trim().strip_prefix("#define ")?.trim_start();
        let rest = rest.strip_prefix(name)?;
        rest.starts_with(' ').then(|| rest.trim().to_string())
    })
}

/// The text between the braces of `typedef struct NAME {` ... `} NAME;`.
fn record_body(code: &str, name: &str, is_union: bool) -> Option<String> {
    let head = format!("typedef {} {name} {{", if is_union { "union" } else { "struct" });
    let start = code.find(&head)? + head.len();
    let mut depth = 1;
    for (i, ch) in code[start..].char_indices() {
        match ch {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    let after = code[start + i + 1..].trim_start();
                    return after.starts_with(&format!("{name};")).then(|| code[start..start + i].to_string());
                }
            }
            _ => {}
        }
    }
    None
}

/// Field declarations of a C record body; members of untagged nested unions/structs are
/// flattened in place. Preprocessor lines are ignored.
fn c_fields(body: &str) -> Vec<String> {
    let body: String = body.lines().filter(|l| !l.trim_start().starts_with('#')).collect::<Vec<_>>().join("\n");
    let mut out = Vec::new();
    let mut rest = body.as_str();
    loop {
        rest = rest.trim_start();
        if rest.is_empty() {
            break;
        }
        if let Some(after) = rest.strip_prefix("union").or_else(|| rest.strip_prefix("struct")) {
            if let Some(inner_start) = after.trim_start().strip_prefix('{') {
                let mut depth = 1;
                let mut end = 0;
                for (i, ch) in inner_start.char_indices() {
                    match ch {
                        '{' => depth += 1,
                        '}' => {
                            depth -= 1;
                            if depth == 0 {
                                end = i;
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                out.extend(c_fields(&inner_start[..end]));
                let tail = &inner_start[end + 1..];
                rest = tail.find(';').map(|j| &tail[j + 1..]).unwrap_or("");
                continue;
            }
        }
        match rest.find(';') {
            Some(j) => {
                out.push(norm(&rest[..j]));
                rest = &rest[j + 1..];
            }
            None => break,
        }
    }
    out
}

/// A Rust literal (possibly negated) as C would write it.
fn literal(e: &Expr) -> Option<String> {
    match e {
        Expr::Lit(l) => match &l.lit {
            Lit::Int(i) => Some(i.base10_digits().to_string()),
            Lit::Bool(b) => Some(if b.value { "1" } else { "0" }.to_string()),
            _ => None,
        },
        Expr::Unary(u) if matches!(u.op, UnOp::Neg(_)) => literal(&u.expr).map(|v| format!("-{v}")),
        Expr::Paren(p) => literal(&p.expr),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_untagged_unions_are_flattened() {
        let code = "typedef struct V {\n  WORD vt;\n#if X\n#endif\n  union {\n    BSTR bstrVal;\n    void* punkVal;\n  } NAME;\n} V;";
        let body = record_body(code, "V", false).unwrap();
        assert_eq!(c_fields(&body), ["WORD vt", "BSTR bstrVal", "void*punkVal"]);
        assert_eq!(define_value("#define TRUE 1\n#define TRUEISH 2", "TRUE").as_deref(), Some("1"));
    }
}
