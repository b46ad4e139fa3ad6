//! Client certificates (IBackgroundCopyJobHttpOptions::SetClientCertificateByID/ByName) on Linux.
//!
//! A Windows certificate store becomes a directory of PEM files:
//! - CURRENT_USER: `$XDG_CONFIG_HOME/deliveryopt/certs/<StoreName>` (default `~/.config/...`);
//! - LOCAL_MACHINE: `/etc/deliveryopt/certs/<StoreName>`;
//! - an absolute StoreName is that directory, whatever the location.
//!
//! Every `*.pem`, `*.crt` or `*.cer` file in it holds a certificate (its first one; any others are
//! the chain); its private key is in the same file or in a file with the same stem and `.key`.
//! A certificate is chosen by the SHA-1 thumbprint of its DER encoding (ByID) or by a substring
//! of its subject as `CN=..., O=...` (ByName), as Windows does; only certificates with a key count.

use std::path::{Path, PathBuf};

use sha1::{Digest, Sha1};

use super::error::{EngineError, EngineResult};

/// Which store (directory) to look in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum StoreLocation {
    CurrentUser,
    LocalMachine,
}

/// How the certificate is picked.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum CertSelector {
    /// SHA-1 thumbprint of the DER certificate.
    Thumbprint([u8; 20]),
    /// Substring of the subject (`CN=..., O=...`), case-insensitive.
    Subject(String),
}

/// A certificate found in a store: what GetClientCertificate reports and where the files are.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ClientCertificate {
    pub location: StoreLocation,
    pub store_name: String,
    pub selector: CertSelector,
    pub thumbprint: [u8; 20],
    pub subject: String,
    /// The PEM file with the certificate (and its chain).
    pub cert_file: PathBuf,
    /// The PEM file with the private key (may be `cert_file`).
    pub key_file: PathBuf,
}

/// Why a store lookup failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CertLookupError {
    /// The store directory does not exist (HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND)).
    NoStore,
    /// No certificate with a key matches (CRYPT_E_NOT_FOUND).
    NotFound,
}

/// The directory of a store.
pub fn store_dir(location: StoreLocation, name: &str) -> EngineResult<PathBuf> {
    if name.is_empty() || name.contains('\0') {
        return Err(EngineError::InvalidArgument("empty certificate store name"));
    }
    let p = Path::new(name);
    if p.is_absolute() {
        return Ok(p.to_path_buf());
    }
    if p.components().any(|c| !matches!(c, std::path::Component::Normal(_))) {
        return Err(EngineError::InvalidArgument("a relative store name must be one plain name"));
    }
    let base = match location {
        StoreLocation::CurrentUser => std::env::var_os("XDG_CONFIG_HOME")
            .map(PathBuf::from)
            .filter(|p| p.is_absolute())
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))
            .ok_or(EngineError::InvalidArgument("no home directory for the CURRENT_USER store"))?
            .join("deliveryopt/certs"),
        StoreLocation::LocalMachine => PathBuf::from("/etc/deliveryopt/certs"),
    };
    Ok(base.join(p))
}

/// Finds the certificate `selector` names in the store.
pub fn find(
    location: StoreLocation,
    store_name: &str,
    selector: &CertSelector,
) -> EngineResult<Result<ClientCertificate, CertLookupError>> {
    let dir = store_dir(location, store_name)?;
    let Ok(entries) = std::fs::read_dir(&dir) else { return Ok(Err(CertLookupError::NoStore)) };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "pem" || x == "crt" || x == "cer"))
        .collect();
    files.sort();
    for cert_file in files {
        let Ok(pem) = std::fs::read(&cert_file) else { continue };
        let Some(der) = first_certificate(&pem) else { continue };
        let Some(key_file) = key_for(&cert_file, &pem) else { continue };
        let thumbprint: [u8; 20] = Sha1::digest(&der).into();
        let Ok((_, cert)) = x509_parser::parse_x509_certificate(&der) else { continue };
        let subject = cert.subject().to_string();
        let matches = match selector {
            CertSelector::Thumbprint(t) => *t == thumbprint,
            CertSelector::Subject(s) => subject.to_lowercase().contains(&s.to_lowercase()),
        };
        if matches {
            return Ok(Ok(ClientCertificate {
                location,
                store_name: store_name.to_string(),
                selector: selector.clone(),
                thumbprint,
                subject,
                cert_file,
                key_file,
            }));
        }
    }
    Ok(Err(CertLookupError::NotFound))
}

/// The DER of the first certificate in a PEM file.
fn first_certificate(pem: &[u8]) -> Option<Vec<u8>> {
    ureq::tls::parse_pem(pem).find_map(|item| match item {
        Ok(ureq::tls::PemItem::Certificate(c)) => Some(c.der().to_vec()),
        _ => None,
    })
}

/// The file holding the key for `cert_file`: itself if it has one, else `<stem>.key`.
fn key_for(cert_file: &Path, pem: &[u8]) -> Option<PathBuf> {
    let has_key =
        |data: &[u8]| ureq::tls::parse_pem(data).any(|item| matches!(item, Ok(ureq::tls::PemItem::PrivateKey(_))));
    if has_key(pem) {
        return Some(cert_file.to_path_buf());
    }
    let key = cert_file.with_extension("key");
    std::fs::read(&key).ok().filter(|k| has_key(k)).map(|_| key)
}

/// Loads the certificate chain and key for a TLS client configuration.
pub fn load(
    c: &ClientCertificate,
) -> Result<(Vec<rustls_pki_types::CertificateDer<'static>>, rustls_pki_types::PrivateKeyDer<'static>), String> {
    use rustls_pki_types::pem::PemObject;
    use rustls_pki_types::{CertificateDer, PrivateKeyDer};
    let pem = std::fs::read(&c.cert_file).map_err(|e| format!("{}: {e}", c.cert_file.display()))?;
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(&pem).filter_map(Result::ok).collect();
    let key_pem = std::fs::read(&c.key_file).map_err(|e| format!("{}: {e}", c.key_file.display()))?;
    let key =
        PrivateKeyDer::from_pem_slice(&key_pem).map_err(|_| format!("{}: no private key", c.key_file.display()))?;
    if chain.is_empty() {
        return Err(format!("{}: no certificate", c.cert_file.display()));
    }
    Ok((chain, key))
}
