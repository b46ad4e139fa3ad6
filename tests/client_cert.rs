//! IBackgroundCopyJobHttpOptions client certificates: a store is a directory of PEM files; a
//! certificate chosen by subject or thumbprint is presented to a server that requires one.
mod common;

use common::*;
use core::ptr::null_mut;
use std::time::Duration;

use testserver::{content, Options, Server};

fn http_options(job: *mut IBackgroundCopyJob) -> *mut IBackgroundCopyJobHttpOptions3 {
    qi(job, &IID_IBackgroundCopyJobHttpOptions3).unwrap() as *mut IBackgroundCopyJobHttpOptions3
}

fn get_cert(opts: *mut IBackgroundCopyJobHttpOptions3) -> (HRESULT, BG_CERT_STORE_LOCATION, String, Vec<u8>, String) {
    let (mut loc, mut name, mut hash, mut subject): (BG_CERT_STORE_LOCATION, LPWSTR, *mut BYTE, LPWSTR) =
        (-1, null_mut(), null_mut(), null_mut());
    let hr = call!(opts, GetClientCertificate, &mut loc, &mut name, &mut hash, &mut subject);
    if hr != S_OK {
        assert!(name.is_null() && hash.is_null() && subject.is_null(), "out-pointers are NULL on failure");
        return (hr, loc, String::new(), Vec::new(), String::new());
    }
    let blob = unsafe { std::slice::from_raw_parts(hash, 20).to_vec() };
    unsafe { deliveryopt::abi::memory::CoTaskMemFree(hash as *mut _) };
    (hr, loc, take_str(name), blob, take_str(subject))
}

#[test]
fn a_client_certificate_from_a_pem_store_opens_a_server_that_requires_one() {
    let server = Server::start(Options { tls: true, client_auth: true, ..Options::default() }).unwrap();
    std::env::set_var("SSL_CERT_FILE", server.ca_pem_path().unwrap());
    std::env::set_var("DELIVERYOPT_MAX_JOBS_PER_USER", "1000");
    let (cert_pem, key_pem) = server.client_cert_pem().unwrap();
    let store = tempdir("cert-store");
    std::fs::write(store.join("client.pem"), cert_pem).unwrap();
    std::fs::write(store.join("client.key"), key_pem).unwrap();
    // A certificate without a key is never chosen.
    std::fs::write(store.join("ca.pem"), server.ca_pem().unwrap()).unwrap();
    let store_name = wide(store.to_str().unwrap());
    let dir = tempdir("cert-out");
    let m = manager();

    // Without a certificate the server refuses the handshake.
    let (_, job) = create_job(m, "no cert");
    add_file(job, &server.url("/gen/20000/91"), &dir.join("refused"));
    assert_eq!(call!(job, Resume), S_OK);
    // (With TLS 1.3 the refusal arrives after the handshake, as a broken connection: transient.)
    let failed = [BG_JOB_STATE_ERROR, BG_JOB_STATE_TRANSIENT_ERROR];
    assert!(failed.contains(&wait_for(job, &failed, Duration::from_secs(30))));
    assert!(!dir.join("refused").exists());
    discard(job);

    // By subject.
    let (_, job) = create_job(m, "by name");
    let opts = http_options(job);
    assert_eq!(get_cert(opts).0, RPC_X_BAD_STUB_DATA, "none set");
    let subject = wide("test CLIENT");
    assert_eq!(
        call!(
            opts,
            SetClientCertificateByName,
            BG_CERT_STORE_LOCATION_CURRENT_USER,
            store_name.as_ptr(),
            subject.as_ptr()
        ),
        S_OK
    );
    let (hr, loc, name, thumbprint, subj) = get_cert(opts);
    assert_eq!((hr, loc, name.as_str()), (S_OK, BG_CERT_STORE_LOCATION_CURRENT_USER, store.to_str().unwrap()));
    assert!(subj.contains("CN=deliveryopt test client"), "{subj}");
    assert_ne!(thumbprint, vec![0u8; 20]);
    add_file(job, &server.url("/gen/20000/92"), &dir.join("by-name"));
    assert_eq!(call!(job, Resume), S_OK);
    assert_eq!(wait_end(job), BG_JOB_STATE_TRANSFERRED, "{:?}", error_of(job));
    assert_eq!(call!(job, Complete), S_OK);
    assert_eq!(std::fs::read(dir.join("by-name")).unwrap(), content(92, 20000));
    release(opts);
    release(job);

    // By thumbprint, from a CURRENT_USER store found through XDG_CONFIG_HOME.
    let config = tempdir("cert-config");
    let my = config.join("deliveryopt/certs/MY");
    std::fs::create_dir_all(&my).unwrap();
    std::fs::write(my.join("me.pem"), format!("{cert_pem}{key_pem}")).unwrap();
    std::env::set_var("XDG_CONFIG_HOME", &config);
    let (_, job) = create_job(m, "by id");
    let opts = http_options(job);
    let my_name = wide("MY");
    let mut t = thumbprint.clone();
    assert_eq!(
        call!(opts, SetClientCertificateByID, BG_CERT_STORE_LOCATION_CURRENT_USER, my_name.as_ptr(), t.as_mut_ptr()),
        S_OK
    );
    add_file(job, &server.url("/gen/5000/93"), &dir.join("by-id"));
    assert_eq!(call!(job, Resume), S_OK);
    assert_eq!(wait_end(job), BG_JOB_STATE_TRANSFERRED, "{:?}", error_of(job));
    assert_eq!(call!(job, Complete), S_OK);
    assert_eq!(std::fs::read(dir.join("by-id")).unwrap(), content(93, 5000));
    release(opts);
    release(job);

    // Errors change nothing.
    let (_, job) = create_job(m, "errors");
    let opts = http_options(job);
    let missing = wide(store.join("nope").to_str().unwrap());
    let (nobody, empty) = (wide("nobody at all"), wide(""));
    let cu = BG_CERT_STORE_LOCATION_CURRENT_USER;
    assert_eq!(
        call!(opts, SetClientCertificateByName, cu, missing.as_ptr(), subject.as_ptr()),
        hresult_from_win32(ERROR_FILE_NOT_FOUND)
    );
    assert_eq!(call!(opts, SetClientCertificateByName, cu, store_name.as_ptr(), nobody.as_ptr()), CRYPT_E_NOT_FOUND);
    assert_eq!(call!(opts, SetClientCertificateByName, cu, store_name.as_ptr(), empty.as_ptr()), E_INVALIDARG);
    assert_eq!(call!(opts, SetClientCertificateByName, cu, null_mut(), subject.as_ptr()), RPC_X_NULL_REF_POINTER);
    assert_eq!(call!(opts, SetClientCertificateByID, cu, store_name.as_ptr(), null_mut()), RPC_X_NULL_REF_POINTER);
    let mut zero = [0u8; 20];
    assert_eq!(call!(opts, SetClientCertificateByID, cu, store_name.as_ptr(), zero.as_mut_ptr()), CRYPT_E_NOT_FOUND);
    assert_eq!(
        call!(
            opts,
            SetClientCertificateByName,
            BG_CERT_STORE_LOCATION_LOCAL_MACHINE_ENTERPRISE,
            store_name.as_ptr(),
            subject.as_ptr()
        ),
        E_NOTIMPL
    );
    let dotdot = wide("../escape");
    assert_eq!(call!(opts, SetClientCertificateByName, cu, dotdot.as_ptr(), subject.as_ptr()), E_INVALIDARG);
    assert_eq!(get_cert(opts).0, RPC_X_BAD_STUB_DATA, "nothing was set");
    assert_eq!(call!(opts, RemoveClientCertificate), S_FALSE);
    assert_eq!(call!(opts, SetClientCertificateByName, cu, store_name.as_ptr(), subject.as_ptr()), S_OK);
    assert_eq!(call!(opts, RemoveClientCertificate), S_OK);
    assert_eq!(get_cert(opts).0, RPC_X_BAD_STUB_DATA);
    release(opts);
    discard(job);
    release(m);
}
