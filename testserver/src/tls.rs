//! The start-up test CA and the server certificate for `localhost` / `127.0.0.1` (or, on request,
//! one that is wrong in a chosen way, for certificate-check tests).

use std::io;
use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, CertificateRevocationListParams, CertifiedIssuer, DnType,
    ExtendedKeyUsagePurpose, IsCa, KeyIdMethod, KeyPair, KeyUsagePurpose, RevokedCertParams, SerialNumber,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::ServerConfig;

fn other<E: std::fmt::Display>(e: E) -> io::Error {
    io::Error::other(e.to_string())
}

/// Which server certificate the start-up CA signs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CertKind {
    /// For `localhost` and `127.0.0.1`, valid now, for server authentication.
    #[default]
    Good,
    /// For `other.invalid` only: the name check fails for `127.0.0.1` and `localhost`.
    WrongName,
    /// Expired at the start of 2020.
    Expired,
    /// Extended key usage client authentication only (not server authentication).
    ClientUsageOnly,
}

/// Serial number of every server certificate (the CRLs name it).
const LEAF_SERIAL: u64 = 0x5E_4F_E2;

/// A fresh CA (PEM) and a rustls server configuration whose certificate it signed; with client
/// authentication, also a client certificate and key (PEM) the same CA signed.
pub(crate) struct Tls {
    pub ca_pem: String,
    pub config: Arc<ServerConfig>,
    pub client: Option<(String, String)>,
    /// The server certificate (DER), as sent in the handshake.
    pub leaf_der: Vec<u8>,
    pub ca: CertifiedIssuer<'static, KeyPair>,
}

/// A CRL (PEM) signed by `ca`, valid from a day ago for a week, that revokes the server
/// certificate when `revoke_leaf`.
pub(crate) fn crl_pem(ca: &CertifiedIssuer<'static, KeyPair>, revoke_leaf: bool) -> io::Result<String> {
    let now = std::time::SystemTime::now();
    let day = std::time::Duration::from_secs(86_400);
    let params = CertificateRevocationListParams {
        this_update: (now - day).into(),
        next_update: (now + 7 * day).into(),
        crl_number: SerialNumber::from(1u64),
        issuing_distribution_point: None,
        revoked_certs: if revoke_leaf {
            vec![RevokedCertParams {
                serial_number: SerialNumber::from(LEAF_SERIAL),
                revocation_time: (now - day).into(),
                reason_code: None,
                invalidity_date: None,
            }]
        } else {
            Vec::new()
        },
        key_identifier_method: KeyIdMethod::Sha256,
    };
    params.signed_by(ca).map_err(other)?.pem().map_err(other)
}

pub(crate) fn make(client_auth: bool, kind: CertKind) -> io::Result<Tls> {
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).map_err(other)?;
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params.distinguished_name.push(DnType::CommonName, "deliveryopt-testserver CA");
    ca_params.key_usages =
        vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign, KeyUsagePurpose::DigitalSignature];
    let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate().map_err(other)?).map_err(other)?;

    let names = match kind {
        CertKind::WrongName => vec!["other.invalid".to_string()],
        _ => vec!["localhost".to_string(), "127.0.0.1".to_string()],
    };
    let mut leaf = CertificateParams::new(names).map_err(other)?;
    leaf.distinguished_name.push(DnType::CommonName, "localhost");
    leaf.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    leaf.extended_key_usages = match kind {
        CertKind::ClientUsageOnly => vec![ExtendedKeyUsagePurpose::ClientAuth],
        _ => vec![ExtendedKeyUsagePurpose::ServerAuth],
    };
    if kind == CertKind::Expired {
        leaf.not_before = rcgen::date_time_ymd(2019, 1, 1);
        leaf.not_after = rcgen::date_time_ymd(2020, 1, 1);
    }
    leaf.serial_number = Some(SerialNumber::from(LEAF_SERIAL));
    leaf.use_authority_key_identifier_extension = true;
    let leaf_key = KeyPair::generate().map_err(other)?;
    let leaf_cert = leaf.signed_by(&leaf_key, &ca).map_err(other)?;

    // *ring*, as the library uses (deprecated from rustls 0.23.48: see src/engine/tls.rs).
    #[allow(deprecated)]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let chain: Vec<CertificateDer<'static>> = vec![leaf_cert.der().clone(), ca.der().clone()];
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der()));
    let builder =
        ServerConfig::builder_with_provider(provider.clone()).with_safe_default_protocol_versions().map_err(other)?;
    let (builder, client) = if client_auth {
        let mut roots = rustls::RootCertStore::empty();
        roots.add(ca.der().clone()).map_err(other)?;
        let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider)
            .build()
            .map_err(other)?;
        let mut params = CertificateParams::new(Vec::<String>::new()).map_err(other)?;
        params.distinguished_name.push(DnType::CommonName, "deliveryopt test client");
        params.distinguished_name.push(DnType::OrganizationName, "deliveryopt");
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
        params.use_authority_key_identifier_extension = true;
        let client_key = KeyPair::generate().map_err(other)?;
        let client_cert = params.signed_by(&client_key, &ca).map_err(other)?;
        (builder.with_client_cert_verifier(verifier), Some((client_cert.pem(), client_key.serialize_pem())))
    } else {
        (builder.with_no_client_auth(), None)
    };
    let config = builder.with_single_cert(chain, key).map_err(other)?;
    Ok(Tls { ca_pem: ca.pem(), config: Arc::new(config), client, leaf_der: leaf_cert.der().to_vec(), ca })
}
