//! Gives the shared library its SONAME, `libdeliveryopt.so.<ABI>`: the major version, or for a
//! 0.x version `0.<minor>` (as cargo-c names them: within 0.x a minor release may break the ABI).
//! Programs linked against it ask for that name; `make install` puts the library there with the
//! usual symlinks, and `scripts/link-names.sh` adds the name beside a build in `target/`.

fn main() {
    let major = std::env::var("CARGO_PKG_VERSION_MAJOR").unwrap_or_else(|_| "0".into());
    let minor = std::env::var("CARGO_PKG_VERSION_MINOR").unwrap_or_else(|_| "0".into());
    let abi = if major == "0" { format!("0.{minor}") } else { major };
    println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libdeliveryopt.so.{abi}");
    println!("cargo:rerun-if-changed=build.rs");
}
