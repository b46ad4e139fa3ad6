//! The Rust side of the ABI as the header generator sees it, read with `syn`:
//! the interfaces of `src/abi/vtbl.rs`, the IIDs of `src/abi/guids.rs`, and the C spelling of
//! Rust types.
//!
//! `spec_layout` must never use this module: its checks are derived from the spec alone.

use std::collections::{BTreeSet, HashMap};
use std::fs;
use std::path::Path;

use syn::{Attribute, Expr, Fields, GenericArgument, Item, Lit, PathArguments, ReturnType, Type};

/// A C type, spelled from a Rust type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CType {
    /// A type name, e.g. `HRESULT`, `void`, `uint16_t`.
    Named(String),
    /// A pointer; `pointee_const` is Rust's `*const`.
    Ptr { pointee_const: bool, inner: Box<CType> },
    /// A fixed array `[T; N]`, only in struct fields.
    Array(Box<CType>, String),
}

impl CType {
    /// The type alone, as in a cast or a parameter without a name: `const GUID *`, `void **`.
    pub fn spell(&self) -> String {
        match self {
            CType::Named(n) => n.clone(),
            CType::Ptr { pointee_const, inner } => {
                let base = inner.spell();
                let qualified = match (pointee_const, inner.as_ref()) {
                    (false, _) => base,
                    (true, CType::Ptr { .. }) => format!("{base}const"),
                    (true, _) => format!("const {base}"),
                };
                if qualified.ends_with('*') {
                    format!("{qualified}*")
                } else {
                    format!("{qualified} *")
                }
            }
            CType::Array(inner, n) => format!("{}[{n}]", inner.spell()),
        }
    }

    /// A declaration of `name` with this type: `const GUID *riid`, `uint64_t pad[2]`.
    pub fn declare(&self, name: &str) -> String {
        if let CType::Array(inner, n) = self {
            return format!("{}[{n}]", inner.declare(name));
        }
        let t = self.spell();
        if t.ends_with('*') {
            format!("{t}{name}")
        } else {
            format!("{t} {name}")
        }
    }

    /// Reads a Rust type. Only the shapes that may cross a C ABI are accepted.
    pub fn from_rust(ty: &Type) -> Result<CType, String> {
        match ty {
            Type::Ptr(p) => {
                Ok(CType::Ptr { pointee_const: p.const_token.is_some(), inner: Box::new(CType::from_rust(&p.elem)?) })
            }
            Type::Path(tp) if tp.qself.is_none() => {
                let seg = tp.path.segments.last().ok_or("empty type path")?;
                if !matches!(seg.arguments, PathArguments::None) {
                    return Err(format!("generic type `{}` has no C spelling", seg.ident));
                }
                Ok(CType::Named(c_name_of(&seg.ident.to_string())))
            }
            Type::Array(a) => {
                let n = match &a.len {
                    Expr::Lit(l) => match &l.lit {
                        Lit::Int(i) => i.base10_digits().to_string(),
                        _ => return Err("array length is not an integer".into()),
                    },
                    _ => return Err("array length is not a literal".into()),
                };
                Ok(CType::Array(Box::new(CType::from_rust(&a.elem)?), n))
            }
            Type::Paren(p) => CType::from_rust(&p.elem),
            _ => Err("this Rust type has no C spelling (expected a path, pointer or array)".into()),
        }
    }
}

/// The C name of a Rust type name: primitives to `<stdint.h>` names, aliases unchanged.
pub fn c_name_of(rust: &str) -> String {
    match rust {
        "u8" => "uint8_t",
        "i8" => "int8_t",
        "u16" => "uint16_t",
        "i16" => "int16_t",
        "u32" => "uint32_t",
        "i32" => "int32_t",
        "u64" => "uint64_t",
        "i64" => "int64_t",
        "usize" => "size_t",
        "isize" => "ptrdiff_t",
        "f32" => "float",
        "f64" => "double",
        "bool" => "bool",
        "c_void" => "void",
        "c_char" => "char",
        "c_int" => "int",
        "c_uint" => "unsigned int",
        other => other,
    }
    .to_string()
}

/// One parameter of a method (`This` excluded).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Param {
    pub name: String,
    pub ty: CType,
}

/// One vtable slot.
#[derive(Clone, Debug)]
pub struct Method {
    pub name: String,
    pub params: Vec<Param>,
    pub ret: CType,
    pub doc: Vec<String>,
}

impl Method {
    /// Same slot shape: name, parameter names and types, return type.
    fn same_shape(&self, other: &Method) -> bool {
        self.name == other.name && self.params == other.params && self.ret == other.ret
    }
}

/// One COM interface: its object struct, its flat vtable, and its parent.
#[derive(Clone, Debug)]
pub struct Interface {
    pub name: String,
    pub parent: Option<String>,
    /// Doc of the object struct (what the interface is).
    pub doc: Vec<String>,
    /// Every slot, inherited ones first.
    pub methods: Vec<Method>,
    /// How many leading slots come from the parent chain.
    pub inherited: usize,
}

impl Interface {
    pub fn vtbl_name(&self) -> String {
        format!("{}Vtbl", self.name)
    }
    pub fn own_methods(&self) -> &[Method] {
        &self.methods[self.inherited..]
    }
}

/// Everything the COM view needs.
pub struct ComModel {
    /// In an order where every parent precedes its children (source order otherwise).
    pub interfaces: Vec<Interface>,
    /// Names of the exported `IID_*` statics.
    pub iids: BTreeSet<String>,
}

pub fn parse_file(path: &Path) -> Result<syn::File, String> {
    let text = fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    syn::parse_file(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// The `///` lines of an item, without the leading space.
pub fn doc_lines(attrs: &[Attribute]) -> Vec<String> {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .filter_map(|a| match &a.meta {
            syn::Meta::NameValue(nv) => match &nv.value {
                Expr::Lit(l) => match &l.lit {
                    Lit::Str(s) => Some(s.value()),
                    _ => None,
                },
                _ => None,
            },
            _ => None,
        })
        .map(|s| s.strip_prefix(' ').map(str::to_string).unwrap_or(s))
        .collect()
}

/// Reads `src/abi/vtbl.rs` and `src/abi/guids.rs` and checks the inheritance rules.
pub fn load_com_model(root: &Path) -> Result<ComModel, String> {
    let vtbl_path = root.join("src/abi/vtbl.rs");
    let interfaces = interfaces_of(&parse_file(&vtbl_path)?).map_err(|e| format!("{}:\n  {e}", vtbl_path.display()))?;
    Ok(ComModel { interfaces, iids: load_iids(root)? })
}

/// The interfaces of a parsed vtbl.rs, parents first; errors joined by newlines.
pub fn interfaces_of(file: &syn::File) -> Result<Vec<Interface>, String> {
    let mut objects: HashMap<String, (Vec<String>, String)> = HashMap::new();
    let mut vtbls: Vec<(String, Option<String>, Vec<Method>)> = Vec::new();
    let mut errors = Vec::new();

    for item in &file.items {
        let Item::Struct(s) = item else { continue };
        let name = s.ident.to_string();
        let Fields::Named(fields) = &s.fields else {
            continue;
        };
        if let Some(iface) = name.strip_suffix("Vtbl") {
            let doc = doc_lines(&s.attrs).join(" ");
            let parent =
                doc.split_once("derives from `").and_then(|(_, rest)| rest.split_once('`')).map(|(p, _)| p.to_string());
            let mut methods = Vec::new();
            for f in &fields.named {
                let fname = f.ident.as_ref().map(|i| i.to_string()).unwrap_or_default();
                match method_of(iface, &fname, &f.ty, doc_lines(&f.attrs)) {
                    Ok(m) => methods.push(m),
                    Err(e) => errors.push(format!("{name}.{fname}: {e}")),
                }
            }
            vtbls.push((iface.to_string(), parent, methods));
        } else if fields.named.len() == 1 && fields.named[0].ident.as_ref().is_some_and(|i| i == "lpVtbl") {
            let target = match CType::from_rust(&fields.named[0].ty) {
                Ok(CType::Ptr { pointee_const: true, inner }) => inner.spell(),
                _ => String::new(),
            };
            objects.insert(name, (doc_lines(&s.attrs), target));
        }
    }

    let mut interfaces = Vec::new();
    for (name, parent, methods) in vtbls {
        match objects.get(&name) {
            None => errors.push(format!("{name}Vtbl has no object struct `{name} {{ lpVtbl }}`")),
            Some((_, target)) if *target != format!("{name}Vtbl") => {
                errors.push(format!("{name}.lpVtbl must be `*const {name}Vtbl`, found `{target}`"))
            }
            Some(_) => {}
        }
        if parent.is_none() && name != "IUnknown" {
            errors.push(format!("{name}Vtbl: doc line must say \"(derives from `IParent`)\""));
        }
        let doc = objects.get(&name).map(|(d, _)| d.clone()).unwrap_or_default();
        interfaces.push(Interface { name, parent, doc, methods, inherited: 0 });
    }

    // Inheritance: the parent's slots must be exactly a prefix of the child's.
    let by_name: HashMap<String, Interface> = interfaces.iter().map(|i| (i.name.clone(), i.clone())).collect();
    for iface in &mut interfaces {
        match &iface.parent {
            None => {
                let names: Vec<&str> = iface.methods.iter().map(|m| m.name.as_str()).collect();
                if names != ["QueryInterface", "AddRef", "Release"] {
                    errors.push(format!("IUnknownVtbl must be QueryInterface, AddRef, Release; found {names:?}"));
                }
            }
            Some(p) => match by_name.get(p) {
                None => errors.push(format!("{}: parent `{p}` is not declared in vtbl.rs", iface.name)),
                Some(parent) => {
                    let n = parent.methods.len();
                    if iface.methods.len() < n {
                        errors.push(format!("{}: fewer slots than its parent {p}", iface.name));
                    } else {
                        for (i, (pm, cm)) in parent.methods.iter().zip(&iface.methods).enumerate() {
                            if !pm.same_shape(cm) {
                                errors.push(format!(
                                    "{}: slot {i} `{}` differs from {p}'s slot {i} `{}` (name, parameters or return type)",
                                    iface.name, cm.name, pm.name
                                ));
                            }
                        }
                    }
                    iface.inherited = n;
                }
            },
        }
    }
    // Every chain must end at IUnknown, without cycles.
    for iface in &interfaces {
        let mut seen = BTreeSet::new();
        let mut cur = iface.name.clone();
        while let Some(p) = by_name.get(&cur).and_then(|i| i.parent.clone()) {
            if !seen.insert(cur.clone()) {
                errors.push(format!("{}: inheritance cycle", iface.name));
                break;
            }
            cur = p;
        }
        if cur != "IUnknown" && by_name.contains_key(&cur) {
            errors.push(format!("{}: does not derive from IUnknown", iface.name));
        }
    }
    if !errors.is_empty() {
        return Err(errors.join("\n  "));
    }

    // Parents first (stable: otherwise source order).
    let mut ordered: Vec<Interface> = Vec::new();
    let mut pending = interfaces;
    while !pending.is_empty() {
        let before = pending.len();
        let mut rest = Vec::new();
        for i in pending {
            let ready = i.parent.as_ref().is_none_or(|p| ordered.iter().any(|o| &o.name == p));
            if ready {
                ordered.push(i);
            } else {
                rest.push(i);
            }
        }
        if rest.len() == before {
            return Err("interface inheritance cannot be ordered".into());
        }
        pending = rest;
    }

    Ok(ordered)
}

/// `Option<unsafe extern "C" fn(This: *mut IFoo, ...) -> R>` as a method of `iface`.
fn method_of(iface: &str, name: &str, ty: &Type, doc: Vec<String>) -> Result<Method, String> {
    let Type::Path(tp) = ty else {
        return Err("slot type must be Option<unsafe extern \"C\" fn>".into());
    };
    let seg = tp.path.segments.last().ok_or("empty type")?;
    let bare = match (&seg.ident.to_string()[..], &seg.arguments) {
        ("Option", PathArguments::AngleBracketed(a)) => match a.args.first() {
            Some(GenericArgument::Type(Type::BareFn(f))) => f,
            _ => return Err("slot type must be Option<unsafe extern \"C\" fn>".into()),
        },
        _ => return Err("slot type must be Option<unsafe extern \"C\" fn>".into()),
    };
    let abi = bare.abi.as_ref().and_then(|a| a.name.as_ref()).map(|n| n.value());
    if abi.as_deref() != Some("C") {
        return Err("slot must be `extern \"C\"`".into());
    }
    if bare.variadic.is_some() {
        return Err("variadic slots are not COM".into());
    }
    let mut params = Vec::new();
    for (i, arg) in bare.inputs.iter().enumerate() {
        let pname = arg.name.as_ref().map(|(n, _)| n.to_string()).ok_or(format!("parameter {i} has no name"))?;
        let pty = CType::from_rust(&arg.ty)?;
        if i == 0 {
            let expected = CType::Ptr { pointee_const: false, inner: Box::new(CType::Named(iface.into())) };
            if pname != "This" || pty != expected {
                return Err(format!("first parameter must be `This: *mut {iface}`"));
            }
            continue;
        }
        params.push(Param { name: pname, ty: pty });
    }
    if bare.inputs.is_empty() {
        return Err(format!("first parameter must be `This: *mut {iface}`"));
    }
    let ret = match &bare.output {
        ReturnType::Default => CType::Named("void".into()),
        ReturnType::Type(_, t) => CType::from_rust(t)?,
    };
    Ok(Method { name: name.to_string(), params, ret, doc })
}

/// Names of the `#[no_mangle] pub static IID_*` in guids.rs.
fn load_iids(root: &Path) -> Result<BTreeSet<String>, String> {
    let file = parse_file(&root.join("src/abi/guids.rs"))?;
    Ok(file
        .items
        .iter()
        .filter_map(|i| match i {
            Item::Static(s) => Some(s.ident.to_string()),
            _ => None,
        })
        .filter(|n| n.starts_with("IID_"))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    const UNKNOWN: &str = r#"
        pub struct IUnknown { pub lpVtbl: *const IUnknownVtbl }
        /// Vtable of `IUnknown`.
        pub struct IUnknownVtbl {
            pub QueryInterface: Option<unsafe extern "C" fn(This: *mut IUnknown, riid: REFIID, ppvObject: *mut *mut c_void) -> HRESULT>,
            pub AddRef: Option<unsafe extern "C" fn(This: *mut IUnknown) -> ULONG>,
            pub Release: Option<unsafe extern "C" fn(This: *mut IUnknown) -> ULONG>,
        }
    "#;

    /// IFoo deriving from IUnknown; `qi_riid` is the type of QueryInterface's `riid`.
    fn foo(doc: &str, qi_riid: &str, this: &str) -> String {
        format!(
            r#"{UNKNOWN}
            pub struct IFoo {{ pub lpVtbl: *const IFooVtbl }}
            /// {doc}
            pub struct IFooVtbl {{
                pub QueryInterface: Option<unsafe extern "C" fn(This: *mut IFoo, riid: {qi_riid}, ppvObject: *mut *mut c_void) -> HRESULT>,
                pub AddRef: Option<unsafe extern "C" fn(This: *mut IFoo) -> ULONG>,
                pub Release: Option<unsafe extern "C" fn(This: *mut IFoo) -> ULONG>,
                pub Go: Option<unsafe extern "C" fn({this}, n: *const *mut u16) -> HRESULT>,
            }}"#
        )
    }

    fn model(src: &str) -> Result<Vec<Interface>, String> {
        interfaces_of(&syn::parse_file(src).unwrap())
    }

    #[test]
    fn a_child_extending_its_parent_is_read() {
        let m = model(&foo("Vtable of `IFoo` (derives from `IUnknown`).", "REFIID", "This: *mut IFoo")).unwrap();
        let f = m.iter().find(|i| i.name == "IFoo").unwrap();
        assert_eq!(f.parent.as_deref(), Some("IUnknown"));
        assert_eq!(f.inherited, 3);
        assert_eq!(f.own_methods().len(), 1);
        assert_eq!(f.own_methods()[0].params[0].ty.declare("n"), "uint16_t *const *n");
    }

    #[test]
    fn a_child_whose_inherited_slot_differs_is_rejected() {
        let err =
            model(&foo("Vtable of `IFoo` (derives from `IUnknown`).", "*const GUID", "This: *mut IFoo")).unwrap_err();
        assert!(err.contains("IFoo: slot 0 `QueryInterface` differs"), "{err}");
    }

    #[test]
    fn a_vtable_without_its_parent_is_rejected() {
        let err = model(&foo("Vtable of `IFoo`.", "REFIID", "This: *mut IFoo")).unwrap_err();
        assert!(err.contains("derives from"), "{err}");
    }

    #[test]
    fn this_must_point_to_the_interface() {
        let err =
            model(&foo("Vtable of `IFoo` (derives from `IUnknown`).", "REFIID", "This: *mut IUnknown")).unwrap_err();
        assert!(err.contains("first parameter must be `This: *mut IFoo`"), "{err}");
    }

    #[test]
    fn rust_types_are_spelled_in_c() {
        let t = |s: &str| CType::from_rust(&syn::parse_str::<Type>(s).unwrap()).unwrap();
        assert_eq!(t("*const GUID").declare("riid"), "const GUID *riid");
        assert_eq!(t("*mut *mut c_void").declare("ppv"), "void **ppv");
        assert_eq!(t("*const *const u8").spell(), "const uint8_t *const *");
        assert_eq!(t("[u64; 2]").declare("pad"), "uint64_t pad[2]");
        assert_eq!(t("core::ffi::c_void").spell(), "void");
        assert!(CType::from_rust(&syn::parse_str::<Type>("Vec<u8>").unwrap()).is_err());
    }
}
