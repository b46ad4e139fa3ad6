//! HTTPS with the start-up CA, through ureq 3 + rustls.

use std::sync::Arc;

use sha2::{Digest, Sha256};
use testserver::{content, percent_encode, Options, Server};
use ureq::tls::{Certificate, RootCerts, TlsConfig};

fn tls_server() -> Server {
    Server::start(Options { tls: true, ..Default::default() }).expect("start tls")
}

fn agent_trusting(pem: &[u8]) -> ureq::Agent {
    let cert = Certificate::from_pem(pem).expect("CA PEM");
    ureq::Agent::config_builder()
        .tls_config(TlsConfig::builder().root_certs(RootCerts::Specific(Arc::new(vec![cert]))).build())
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .into()
}

#[test]
fn https_with_the_ca_file() {
    let s = tls_server();
    let url = s.url("/gen/300000/11");
    assert!(url.starts_with("https://127.0.0.1:"));
    let path = s.ca_pem_path().expect("CA path").to_path_buf();
    let pem = std::fs::read(&path).unwrap();
    assert!(String::from_utf8_lossy(&pem).contains("BEGIN CERTIFICATE"));
    assert_eq!(s.ca_pem().unwrap().as_bytes(), &pem[..]);
    let agent = agent_trusting(&pem);

    let mut r = agent.get(&url).call().expect("GET over https");
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(r.headers().get("etag").unwrap().to_str().unwrap(), "\"gen-300000-11\"");
    let body = r.body_mut().with_config().limit(u64::MAX).read_to_vec().unwrap();
    assert_eq!(Sha256::digest(&body)[..], Sha256::digest(content(11, 300_000))[..]);

    // Range over TLS, reusing the pooled connection; and the localhost name.
    let mut r = agent.get(&url).header("Range", "bytes=100-199").call().unwrap();
    assert_eq!(r.status().as_u16(), 206);
    assert_eq!(r.body_mut().read_to_vec().unwrap(), &content(11, 300_000)[100..200]);
    let mut r = agent.get(s.url_localhost("/gen/10/1")).call().unwrap();
    assert_eq!(r.body_mut().read_to_vec().unwrap(), content(1, 10));

    let log = s.requests();
    assert!(log.iter().all(|l| l.tls));
    assert_eq!(log[0].conn_id, log[1].conn_id);

    // The temporary CA file goes away with the server.
    drop(s);
    assert!(!path.exists());
}

#[test]
fn untrusted_client_fails_and_server_survives() {
    let s = tls_server();
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .tls_config(TlsConfig::builder().root_certs(RootCerts::Specific(Arc::new(Vec::new()))).build())
        .build()
        .into();
    assert!(agent.get(s.url("/gen/10/1")).call().is_err());
    let good = agent_trusting(s.ca_pem().unwrap().as_bytes());
    assert_eq!(good.get(s.url("/gen/10/1")).call().unwrap().status().as_u16(), 200);
}

#[test]
fn https_faults_drop_and_downgrade_redirect() {
    let s = tls_server();
    let plain = Server::start(Options::default()).unwrap();
    let agent = agent_trusting(s.ca_pem().unwrap().as_bytes());

    // Truncated body over TLS (no close_notify): the client sees an error.
    let mut r = agent.get(s.url("/gen/100000/1?drop_after=1000")).call().unwrap();
    assert!(r.body_mut().read_to_vec().is_err());
    assert_eq!(s.requests()[0].body_bytes_sent, 1000);

    // https -> http redirect.
    let target = plain.url("/gen/10/1");
    let r = agent.get(s.url(&format!("/x?redirect={}&redirect_status=301", percent_encode(&target)))).call().unwrap();
    assert_eq!(r.status().as_u16(), 301);
    assert_eq!(r.headers().get("location").unwrap().to_str().unwrap(), target);

    // 503 then success, over TLS.
    let url = s.url("/gen/10/2?fail_status=503&fail_count=1");
    assert_eq!(agent.get(&url).call().unwrap().status().as_u16(), 503);
    let mut r = agent.get(&url).call().unwrap();
    assert_eq!(r.body_mut().read_to_vec().unwrap(), content(2, 10));
}

#[test]
fn ca_pem_path_option_is_respected_and_kept() {
    let path = std::env::temp_dir().join(format!("testserver-ca-{}.pem", std::process::id()));
    let s = Server::start(Options { tls: true, ca_pem_path: Some(path.clone()), ..Default::default() }).unwrap();
    assert_eq!(s.ca_pem_path(), Some(path.as_path()));
    drop(s);
    assert!(path.exists());
    std::fs::remove_file(path).unwrap();
    let plain = Server::start(Options::default()).unwrap();
    assert!(plain.ca_pem_path().is_none());
}
