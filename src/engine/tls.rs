//! TLS for HTTPS transfers, per job: the BG_SSL_* relaxations and CRL check of
//! IBackgroundCopyJobHttpOptions::SetSecurityFlags, and the caller's own certificate check
//! (HttpOptions3::SetServerCertificateValidationInterface).
//!
//! ureq has no per-request certificate hook, so HTTPS connections are made by [`JobTlsConnector`]
//! (TCP, or a CONNECT tunnel, then rustls) with a [`JobVerifier`]: webpki's chain and name checks,
//! where each relaxation the job asked for retries the check with exactly that one check lifted.
//! After a handshake that passed, the job's validator (the caller's callback) judges the server's
//! certificate on the transfer thread, with no engine lock held.

use std::cell::Cell;
use std::collections::HashSet;
use std::fmt;
use std::io::{Read, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Weak};

use once_cell::sync::Lazy;
use parking_lot::Mutex;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::{ClientConfig, ClientConnection, DigitallySignedStruct, SignatureScheme, StreamOwned};
use rustls_pki_types::{CertificateDer, ServerName, TrustAnchor, UnixTime};
use ureq::unversioned::transport::{
    Buffers, ConnectionDetails, Connector, Either, LazyBuffers, NextTimeout, Transport, TransportAdapter,
};

use super::job::Job;

/// BG_SSL_ENABLE_CRL_CHECK: the chain's revocation is checked against the CRLs on disk.
pub const SSL_ENABLE_CRL_CHECK: u32 = 0x01;
/// BG_SSL_IGNORE_CERT_CN_INVALID: the name check is skipped.
pub const SSL_IGNORE_CERT_CN_INVALID: u32 = 0x02;
/// BG_SSL_IGNORE_CERT_DATE_INVALID: the validity periods are not held against the current time.
pub const SSL_IGNORE_CERT_DATE_INVALID: u32 = 0x04;
/// BG_SSL_IGNORE_UNKNOWN_CA: a chain that ends at an untrusted certificate is accepted.
pub const SSL_IGNORE_UNKNOWN_CA: u32 = 0x08;
/// BG_SSL_IGNORE_CERT_WRONG_USAGE: the extended key usage need not allow server authentication.
pub const SSL_IGNORE_CERT_WRONG_USAGE: u32 = 0x10;
/// Every BG_SSL_* bit.
pub const SSL_FLAGS: u32 = 0x1F;

/// What a server certificate check found wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum CertProblem {
    /// The chain does not end at a trusted root (BG_SSL_IGNORE_UNKNOWN_CA lifts it).
    UnknownCa,
    /// The certificate is not for the host name of the URL (BG_SSL_IGNORE_CERT_CN_INVALID).
    NameInvalid,
    /// A certificate is expired or not yet valid (BG_SSL_IGNORE_CERT_DATE_INVALID).
    DateInvalid,
    /// The extended key usage does not allow server authentication
    /// (BG_SSL_IGNORE_CERT_WRONG_USAGE).
    WrongUsage,
    /// A CRL lists a certificate of the chain as revoked (BG_SSL_ENABLE_CRL_CHECK).
    Revoked,
    /// No current CRL covers a certificate of the chain (BG_SSL_ENABLE_CRL_CHECK).
    RevocationUnknown,
    /// Anything else (bad signature, bad encoding, constraint violations): never lifted.
    Invalid,
}

/// Why a handshake was refused; travels from the verifier and the connector to the transfer as
/// the payload of an I/O error, and becomes a [`super::http::FetchError`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rejection {
    /// A certificate check failed (and the job's flags do not lift it).
    Certificate(CertProblem, String),
    /// The job's validator refused the certificate with this HRESULT.
    Callback(i32),
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rejection::Certificate(p, d) => write!(f, "server certificate refused ({p:?}): {d}"),
            Rejection::Callback(hr) => write!(f, "the certificate validation callback refused the server ({hr:#010x})"),
        }
    }
}

impl std::error::Error for Rejection {}

/// The caller's own certificate check (the interface layer's proxy for its
/// IBackgroundCopyServerCertificateValidationCallback). Called on a transfer thread with no
/// engine lock held, after the standard checks passed; `Err(hr)` refuses the server.
pub trait ServerCertValidator: Send + Sync {
    /// `leaf` is the server's certificate (DER); `chain` every certificate the server sent, the
    /// leaf first.
    fn validate(&self, job: &Arc<Job>, file: usize, leaf: &[u8], chain: &[&[u8]]) -> Result<(), i32>;
}

/// A job's registered validator, with the certificates it accepted (per `host:port`) so it is
/// asked once per server certificate. A new registration starts with an empty cache.
pub struct CertValidation {
    id: u64,
    job: Weak<Job>,
    validator: Box<dyn ServerCertValidator>,
    accepted: Mutex<HashSet<(String, Vec<u8>)>>,
}

static NEXT_VALIDATION: AtomicU64 = AtomicU64::new(1);

impl CertValidation {
    pub fn new(job: &Arc<Job>, validator: Box<dyn ServerCertValidator>) -> CertValidation {
        CertValidation {
            id: NEXT_VALIDATION.fetch_add(1, Ordering::Relaxed),
            job: Arc::downgrade(job),
            validator,
            accepted: Mutex::new(HashSet::new()),
        }
    }

    /// The validator as registered (the interface layer's proxy).
    pub fn validator(&self) -> &dyn ServerCertValidator {
        &*self.validator
    }

    /// Asks the validator about a server's certificates, unless it accepted the same leaf for
    /// the same `authority` before.
    fn check(&self, authority: &str, chain: &[CertificateDer<'_>]) -> Result<(), Rejection> {
        let Some(leaf) = chain.first() else {
            return Err(Rejection::Certificate(CertProblem::Invalid, "the server sent no certificate".into()));
        };
        let key = (authority.to_string(), leaf.as_ref().to_vec());
        if self.accepted.lock().contains(&key) {
            return Ok(());
        }
        // The job went away (cancelled): nobody wants this transfer any more.
        let job = self.job.upgrade().ok_or(Rejection::Callback(E_ABORT))?;
        let chain: Vec<&[u8]> = chain.iter().map(|c| c.as_ref()).collect();
        self.validator.validate(&job, current_file(), leaf.as_ref(), &chain).map_err(Rejection::Callback)?;
        self.accepted.lock().insert(key);
        Ok(())
    }
}

/// E_ABORT, for a validation whose job is gone.
const E_ABORT: i32 = 0x8000_4004_u32 as i32;

impl fmt::Debug for CertValidation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CertValidation").field("id", &self.id).finish()
    }
}

/// A job's TLS policy: its BG_SSL_* flags and its validator. Two policies are equal when they
/// would verify servers alike (same flags, same registration).
#[derive(Clone, Default)]
pub struct TlsPolicy {
    /// BG_SSL_* bits.
    pub flags: u32,
    pub validation: Option<Arc<CertValidation>>,
    /// A validator was registered in an earlier process and none is registered now: HTTPS
    /// transfers fail with BG_E_SERVER_CERT_VALIDATION_INTERFACE_REQUIRED.
    pub validation_required: bool,
}

impl PartialEq for TlsPolicy {
    fn eq(&self, other: &Self) -> bool {
        self.flags == other.flags
            && self.validation_required == other.validation_required
            && self.validation.as_ref().map(|v| v.id) == other.validation.as_ref().map(|v| v.id)
    }
}

impl Eq for TlsPolicy {}

impl fmt::Debug for TlsPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TlsPolicy")
            .field("flags", &format_args!("{:#x}", self.flags))
            .field("validation", &self.validation.as_ref().map(|v| v.id))
            .field("validation_required", &self.validation_required)
            .finish()
    }
}

impl TlsPolicy {
    /// What the agents are keyed by: flags and registration.
    pub(crate) fn key(&self) -> (u32, Option<u64>) {
        (self.flags & SSL_FLAGS, self.validation.as_ref().map(|v| v.id))
    }
}

thread_local! {
    /// The index (in its job) of the file this thread is transferring: handshakes happen on the
    /// transfer thread (ureq is blocking), and the validator is told which file it is for.
    static CURRENT_FILE: Cell<usize> = const { Cell::new(0) };
}

/// Runs `f` with `file` as the file the validator is told about.
pub fn for_file<R>(file: usize, f: impl FnOnce() -> R) -> R {
    let before = CURRENT_FILE.with(|c| c.replace(file));
    let r = f();
    CURRENT_FILE.with(|c| c.set(before));
    r
}

fn current_file() -> usize {
    CURRENT_FILE.with(|c| c.get())
}

/// The system's trusted CA certificates (`SSL_CERT_FILE` and `SSL_CERT_DIR` honoured), loaded once.
pub(crate) static SYSTEM_ROOTS: Lazy<Vec<CertificateDer<'static>>> = Lazy::new(|| {
    let result = rustls_native_certs::load_native_certs();
    for e in &result.errors {
        tracing::warn!("while loading CA certificates: {e}");
    }
    result.certs
});

static SYSTEM_ANCHORS: Lazy<Vec<TrustAnchor<'static>>> = Lazy::new(|| {
    SYSTEM_ROOTS.iter().filter_map(|c| webpki::anchor_from_trusted_cert(c).ok().map(|a| a.to_owned())).collect()
});

/// The *ring* provider: rustls 0.23.48 deprecates it for want of post-quantum key exchange (its
/// replacement, aws-lc-rs, needs a C and assembler build); allowed, so that a `cargo update`
/// does not break `clippy -D warnings`.
#[allow(deprecated)]
static PROVIDER: Lazy<Arc<CryptoProvider>> = Lazy::new(|| Arc::new(rustls::crypto::ring::default_provider()));

/// Where CRLs are read from for BG_SSL_ENABLE_CRL_CHECK: `$XDG_CONFIG_HOME/deliveryopt/crls`
/// (default `~/.config/deliveryopt/crls`) and `/etc/deliveryopt/crls`, like the certificate stores.
fn crl_dirs() -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    let config = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")));
    if let Some(c) = config {
        dirs.push(c.join("deliveryopt/crls"));
    }
    dirs.push(PathBuf::from("/etc/deliveryopt/crls"));
    dirs
}

/// Every CRL (`*.crl`, `*.pem`, `*.der`; PEM or DER) in the CRL directories, read afresh for each
/// handshake that needs them so a CRL dropped in place counts at once. Unreadable files are
/// skipped.
fn load_crls() -> Vec<webpki::CertRevocationList<'static>> {
    use rustls_pki_types::pem::PemObject;
    use rustls_pki_types::CertificateRevocationListDer;
    let mut out = Vec::new();
    for dir in crl_dirs() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        for p in paths {
            let ext = p.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
            if !matches!(ext.as_str(), "crl" | "pem" | "der") {
                continue;
            }
            let Ok(bytes) = std::fs::read(&p) else { continue };
            let ders: Vec<Vec<u8>> = if bytes.starts_with(b"-----") {
                CertificateRevocationListDer::pem_slice_iter(&bytes)
                    .filter_map(|c| c.ok().map(|c| c.to_vec()))
                    .collect()
            } else {
                vec![bytes]
            };
            for der in ders {
                match webpki::OwnedCertRevocationList::from_der(&der) {
                    Ok(crl) => out.push(webpki::CertRevocationList::Owned(crl)),
                    Err(e) => tracing::warn!(crl = %p.display(), "skipping a CRL: {e}"),
                }
            }
        }
    }
    out
}

/// The problem a webpki error stands for.
fn classify(e: &webpki::Error) -> CertProblem {
    use webpki::Error as E;
    match e {
        // A bad signature means the chain found no issuer that really signed it: an issuer of the
        // same name is trusted but its key did not sign this certificate (a stranger's CA that
        // happens to share a trusted CA's name, or a forgery). Either way no trusted root vouches
        // for the chain, which is what BG_SSL_IGNORE_UNKNOWN_CA accepts.
        E::UnknownIssuer | E::InvalidSignatureForPublicKey => CertProblem::UnknownCa,
        E::CertExpired { .. } | E::CertNotValidYet { .. } | E::InvalidCertValidity => CertProblem::DateInvalid,
        E::RequiredEkuNotFoundContext(_) => CertProblem::WrongUsage,
        E::CertNotValidForName(_) => CertProblem::NameInvalid,
        E::CertRevoked => CertProblem::Revoked,
        E::UnknownRevocationStatus | E::CrlExpired { .. } => CertProblem::RevocationUnknown,
        _ => CertProblem::Invalid,
    }
}

/// The check a certificate error of rustls's own verifier (the default policy's connector) failed.
pub(crate) fn classify_rustls(e: &rustls::CertificateError) -> CertProblem {
    use rustls::CertificateError as C;
    match e {
        // As `classify`: a bad signature means no trusted issuer signed the chain.
        C::UnknownIssuer | C::BadSignature => CertProblem::UnknownCa,
        C::Expired | C::ExpiredContext { .. } | C::NotValidYet | C::NotValidYetContext { .. } => {
            CertProblem::DateInvalid
        }
        C::NotValidForName | C::NotValidForNameContext { .. } => CertProblem::NameInvalid,
        C::InvalidPurpose | C::InvalidPurposeContext { .. } => CertProblem::WrongUsage,
        C::Revoked => CertProblem::Revoked,
        C::UnknownRevocationStatus | C::ExpiredRevocationList | C::ExpiredRevocationListContext { .. } => {
            CertProblem::RevocationUnknown
        }
        _ => CertProblem::Invalid,
    }
}

/// Extended key usage: server authentication (when present), or anything when relaxed.
struct ServerEku {
    relaxed: bool,
}

impl webpki::ExtendedKeyUsageValidator for ServerEku {
    fn validate(&self, iter: webpki::KeyPurposeIdIter<'_, '_>) -> Result<(), webpki::Error> {
        if self.relaxed {
            for id in iter {
                id?;
            }
            return Ok(());
        }
        webpki::KeyUsage::server_auth().validate(iter)
    }
}

/// A time inside the validity period of every certificate the server sent (the one closest to
/// `now`), for checking a chain with BG_SSL_IGNORE_CERT_DATE_INVALID. None when the periods do
/// not overlap or cannot be read.
fn time_inside_validity(certs: &[&CertificateDer<'_>], now: UnixTime) -> Option<UnixTime> {
    let (mut lo, mut hi) = (i64::MIN, i64::MAX);
    for c in certs {
        let (_, x) = x509_parser::parse_x509_certificate(c.as_ref()).ok()?;
        lo = lo.max(x.validity().not_before.timestamp());
        hi = hi.min(x.validity().not_after.timestamp());
    }
    if lo > hi {
        return None;
    }
    let t = (now.as_secs() as i64).clamp(lo.max(0), hi.max(0));
    Some(UnixTime::since_unix_epoch(std::time::Duration::from_secs(t as u64)))
}

/// The leaf alone, for an untrusted chain whose top the server did not send (so no signature
/// can be checked): its validity period and extended key usage, unless lifted.
fn check_leaf_alone(leaf: &CertificateDer<'_>, now: UnixTime, flags: u32) -> Result<(), Rejection> {
    let bad = |p: CertProblem, d: &str| Rejection::Certificate(p, d.to_string());
    let (_, x) = x509_parser::parse_x509_certificate(leaf.as_ref())
        .map_err(|e| bad(CertProblem::Invalid, &format!("unreadable certificate: {e}")))?;
    if flags & SSL_IGNORE_CERT_DATE_INVALID == 0 {
        let t = now.as_secs() as i64;
        if t < x.validity().not_before.timestamp() || t > x.validity().not_after.timestamp() {
            return Err(bad(CertProblem::DateInvalid, "the certificate is expired or not yet valid"));
        }
    }
    if flags & SSL_IGNORE_CERT_WRONG_USAGE == 0 {
        if let Ok(Some(eku)) = x.extended_key_usage() {
            if !eku.value.any && !eku.value.server_auth {
                return Err(bad(CertProblem::WrongUsage, "the certificate is not for server authentication"));
            }
        }
    }
    Ok(())
}

/// The standard checks of a server's certificates, with the relaxations `flags` asks for: each
/// failure that a flag lifts is retried with only that check lifted, so the other checks still
/// apply. With BG_SSL_ENABLE_CRL_CHECK every certificate of the chain needs a current CRL.
pub fn verify_chain(
    leaf: &CertificateDer<'_>,
    intermediates: &[CertificateDer<'_>],
    name: &ServerName<'_>,
    now: UnixTime,
    flags: u32,
    crls: &[webpki::CertRevocationList<'_>],
) -> Result<(), Rejection> {
    let reject = |e: &webpki::Error| Rejection::Certificate(classify(e), e.to_string());
    let ee = webpki::EndEntityCert::try_from(leaf).map_err(|e| reject(&e))?;
    let algs = PROVIDER.signature_verification_algorithms.all;
    let crl_refs: Vec<&webpki::CertRevocationList<'_>> = crls.iter().collect();
    let revocation = if flags & SSL_ENABLE_CRL_CHECK != 0 {
        let Ok(b) = webpki::RevocationOptionsBuilder::new(&crl_refs) else {
            return Err(Rejection::Certificate(
                CertProblem::RevocationUnknown,
                "CRL checking is on and no CRL was found".into(),
            ));
        };
        Some(b.with_expiration_policy(webpki::ExpirationPolicy::Enforce).build())
    } else {
        None
    };
    let (mut lift_date, mut lift_usage, mut lift_ca) = (false, false, false);
    let mut presented: Vec<TrustAnchor<'_>> = Vec::new();
    loop {
        let time = if lift_date {
            let all: Vec<&CertificateDer<'_>> = std::iter::once(leaf).chain(intermediates).collect();
            time_inside_validity(&all, now).ok_or_else(|| {
                Rejection::Certificate(
                    CertProblem::DateInvalid,
                    "the certificates' validity periods do not overlap".into(),
                )
            })?
        } else {
            now
        };
        let anchors: &[TrustAnchor<'_>] = if lift_ca { &presented } else { &SYSTEM_ANCHORS };
        let result = ee.verify_for_usage(
            algs,
            anchors,
            intermediates,
            time,
            ServerEku { relaxed: lift_usage },
            revocation,
            None,
        );
        let Err(e) = result else { break };
        match classify(&e) {
            CertProblem::DateInvalid if flags & SSL_IGNORE_CERT_DATE_INVALID != 0 && !lift_date => lift_date = true,
            CertProblem::WrongUsage if flags & SSL_IGNORE_CERT_WRONG_USAGE != 0 && !lift_usage => lift_usage = true,
            CertProblem::UnknownCa if flags & SSL_IGNORE_UNKNOWN_CA != 0 && !lift_ca => {
                // Trust what the server sent: the chain is still checked (signatures, dates,
                // usage, revocation) up to the last certificate the server presented.
                lift_ca = true;
                presented = SYSTEM_ANCHORS.clone();
                for c in std::iter::once(leaf).chain(intermediates) {
                    if let Ok(a) = webpki::anchor_from_trusted_cert(c) {
                        presented.push(a);
                    }
                }
            }
            CertProblem::UnknownCa if lift_ca => {
                // The chain's top was not sent: nothing to check a signature with.
                if revocation.is_some() {
                    return Err(Rejection::Certificate(
                        CertProblem::RevocationUnknown,
                        "the certificate's issuer is unknown, so its revocation cannot be checked".into(),
                    ));
                }
                check_leaf_alone(leaf, now, flags)?;
                break;
            }
            _ => return Err(reject(&e)),
        }
    }
    if flags & SSL_IGNORE_CERT_CN_INVALID == 0 {
        ee.verify_is_valid_for_subject_name(name).map_err(|e| reject(&e))?;
    }
    Ok(())
}

/// rustls's certificate verifier for a job's flags: [`verify_chain`], and the default
/// handshake-signature checks.
#[derive(Debug)]
pub(crate) struct JobVerifier {
    flags: u32,
}

impl ServerCertVerifier for JobVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let crls = if self.flags & SSL_ENABLE_CRL_CHECK != 0 { load_crls() } else { Vec::new() };
        verify_chain(end_entity, intermediates, server_name, now, self.flags, &crls).map_err(|r| {
            rustls::Error::InvalidCertificate(rustls::CertificateError::Other(rustls::OtherError(Arc::new(r))))
        })?;
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &PROVIDER.signature_verification_algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &PROVIDER.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        PROVIDER.signature_verification_algorithms.supported_schemes()
    }
}

/// The rustls client configuration of a policy (and client certificate).
pub(crate) fn client_config(
    flags: u32,
    client: Option<(Vec<CertificateDer<'static>>, rustls_pki_types::PrivateKeyDer<'static>)>,
) -> Result<Arc<ClientConfig>, String> {
    let builder = ClientConfig::builder_with_provider(PROVIDER.clone())
        .with_protocol_versions(rustls::ALL_VERSIONS)
        .map_err(|e| e.to_string())?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(JobVerifier { flags: flags & SSL_FLAGS }));
    let mut config = match client {
        Some((chain, key)) => {
            builder.with_client_auth_cert(chain, key).map_err(|e| format!("client certificate: {e}"))?
        }
        None => builder.with_no_client_auth(),
    };
    if flags & SSL_ENABLE_CRL_CHECK != 0 {
        // A resumed TLS session skips the certificate checks: every connection of a job that
        // checks revocation gets a full handshake, so each file is checked against the CRLs.
        config.resumption = rustls::client::Resumption::disabled();
    }
    Ok(Arc::new(config))
}

/// The last link of the connector chain: wraps an https connection in TLS with the policy's
/// configuration, then lets the job's validator judge the server.
pub(crate) struct JobTlsConnector {
    pub config: Arc<ClientConfig>,
    pub validation: Option<Weak<CertValidation>>,
}

impl fmt::Debug for JobTlsConnector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JobTlsConnector").finish()
    }
}

/// A handshake error as ureq reports it: our own rejections as an I/O error carrying the
/// [`Rejection`], other TLS errors as rustls errors.
fn handshake_error(e: std::io::Error) -> ureq::Error {
    let rejection = e
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>())
        .and_then(|r| match r {
            rustls::Error::InvalidCertificate(rustls::CertificateError::Other(o)) => o.0.downcast_ref::<Rejection>(),
            _ => None,
        })
        .cloned();
    if let Some(r) = rejection {
        return ureq::Error::Io(std::io::Error::other(r));
    }
    match e.into_inner().map(|inner| inner.downcast::<rustls::Error>()) {
        Some(Ok(r)) => ureq::Error::Rustls(*r),
        Some(Err(other)) => ureq::Error::Io(std::io::Error::other(other)),
        None => ureq::Error::Io(std::io::Error::other("TLS handshake failed")),
    }
}

impl<In: Transport> Connector<In> for JobTlsConnector {
    type Out = Either<In, TlsTransport>;

    fn connect(&self, details: &ConnectionDetails, chained: Option<In>) -> Result<Option<Self::Out>, ureq::Error> {
        let Some(transport) = chained else { return Ok(None) };
        if !details.needs_tls() || transport.is_tls() {
            return Ok(Some(Either::A(transport)));
        }
        let authority = details.uri.authority().ok_or(ureq::Error::Tls("the URL has no host"))?;
        let host = authority.host().trim_start_matches('[').trim_end_matches(']').to_string();
        let name = ServerName::try_from(host).map_err(|_| ureq::Error::Tls("the host name is not valid for TLS"))?;
        let mut conn = ClientConnection::new(self.config.clone(), name).map_err(ureq::Error::Rustls)?;
        let mut sock = TransportAdapter::new(transport.boxed(), details.current_time.clone());
        sock.set_timeout(details.timeout);
        conn.complete_io(&mut sock).map_err(handshake_error)?;
        if let Some(v) = self.validation.as_ref().and_then(Weak::upgrade) {
            let chain: Vec<CertificateDer<'static>> =
                conn.peer_certificates().unwrap_or_default().iter().map(|c| c.clone().into_owned()).collect();
            let port = authority.port_u16().unwrap_or(443);
            let key = format!("{}:{port}", authority.host());
            // The caller's code runs here, on the transfer thread, with no lock held.
            v.check(&key, &chain).map_err(|r| ureq::Error::Io(std::io::Error::other(r)))?;
        }
        let buffers = LazyBuffers::new(details.config.input_buffer_size(), details.config.output_buffer_size());
        Ok(Some(Either::B(TlsTransport { buffers, stream: StreamOwned { conn, sock } })))
    }
}

/// An established TLS connection for ureq.
pub(crate) struct TlsTransport {
    buffers: LazyBuffers,
    stream: StreamOwned<ClientConnection, TransportAdapter>,
}

impl fmt::Debug for TlsTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TlsTransport").finish()
    }
}

impl Transport for TlsTransport {
    fn buffers(&mut self) -> &mut dyn Buffers {
        &mut self.buffers
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), ureq::Error> {
        self.stream.get_mut().set_timeout(timeout);
        let output = &self.buffers.output()[..amount];
        self.stream.write_all(output)?;
        Ok(())
    }

    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, ureq::Error> {
        self.stream.get_mut().set_timeout(timeout);
        let input = self.buffers.input_append_buf();
        let n = self.stream.read(input)?;
        self.buffers.input_appended(n);
        Ok(n > 0)
    }

    fn is_open(&mut self) -> bool {
        self.stream.get_mut().get_mut().is_open()
    }

    fn is_tls(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policies_compare_by_flags_and_registration() {
        let a = TlsPolicy { flags: SSL_IGNORE_UNKNOWN_CA, ..TlsPolicy::default() };
        assert_eq!(a, a.clone());
        assert_ne!(a, TlsPolicy::default());
        assert_eq!(TlsPolicy::default().key(), (0, None));
    }

    #[test]
    fn webpki_errors_map_to_the_flag_that_lifts_them() {
        assert_eq!(classify(&webpki::Error::UnknownIssuer), CertProblem::UnknownCa);
        assert_eq!(classify(&webpki::Error::CertRevoked), CertProblem::Revoked);
        assert_eq!(classify(&webpki::Error::CertRevoked), CertProblem::Revoked);
        assert_eq!(classify(&webpki::Error::BadDer), CertProblem::Invalid);
    }

    /// The server's chain as it sends it (leaf, CA), and a CRL of its CA.
    fn server_material(
        revoke: bool,
    ) -> (CertificateDer<'static>, CertificateDer<'static>, webpki::CertRevocationList<'static>) {
        use rustls_pki_types::pem::PemObject;
        let s = testserver::Server::start(testserver::Options { tls: true, ..Default::default() }).unwrap();
        let leaf = CertificateDer::from(s.leaf_der().unwrap().to_vec());
        let ca = CertificateDer::from_pem_slice(s.ca_pem().unwrap().as_bytes()).unwrap();
        let crl_der =
            rustls_pki_types::CertificateRevocationListDer::from_pem_slice(s.crl_pem(revoke).unwrap().as_bytes())
                .unwrap();
        let crl = webpki::CertRevocationList::Owned(webpki::OwnedCertRevocationList::from_der(&crl_der).unwrap());
        (leaf, ca, crl)
    }

    #[test]
    fn crls_decide_revocation_for_a_chain_trusted_by_flag() {
        let name = ServerName::try_from("127.0.0.1").unwrap();
        let now = UnixTime::now();
        let flags = SSL_ENABLE_CRL_CHECK | SSL_IGNORE_UNKNOWN_CA;
        let (leaf, ca, crl) = server_material(false);
        let chain = [ca];
        assert_eq!(verify_chain(&leaf, &chain, &name, now, SSL_IGNORE_UNKNOWN_CA, &[]), Ok(()));
        assert!(matches!(
            verify_chain(&leaf, &chain, &name, now, 0, &[]),
            Err(Rejection::Certificate(CertProblem::UnknownCa, _))
        ));
        assert!(matches!(
            verify_chain(&leaf, &chain, &name, now, flags, &[]),
            Err(Rejection::Certificate(CertProblem::RevocationUnknown, _))
        ));
        assert_eq!(verify_chain(&leaf, &chain, &name, now, flags, &[crl]), Ok(()));
        let (leaf, ca, revoking) = server_material(true);
        let r = verify_chain(&leaf, &[ca], &name, now, flags, &[revoking]);
        assert!(matches!(r, Err(Rejection::Certificate(CertProblem::Revoked, _))), "{r:?}");
    }

    #[test]
    fn the_file_index_is_scoped() {
        assert_eq!(current_file(), 0);
        for_file(3, || {
            assert_eq!(current_file(), 3);
            for_file(5, || assert_eq!(current_file(), 5));
            assert_eq!(current_file(), 3);
        });
        assert_eq!(current_file(), 0);
    }
}
