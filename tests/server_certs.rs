//! Server certificate checks of HTTPS jobs through the C ABI: each BG_SSL_IGNORE_* flag lifts
//! exactly its own check, BG_SSL_ENABLE_CRL_CHECK reads CRLs from the CRL directory, and a
//! caller's IBackgroundCopyServerCertificateValidationCallback sees the server's certificate and
//! can refuse it.
mod common;

use common::*;
use core::ffi::c_void;
use core::ptr::null_mut;
use std::sync::atomic::{AtomicI32, AtomicU32, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use once_cell::sync::Lazy;
use testserver::{content, CertKind, Options, Server};

fn tls_server(cert: CertKind) -> Server {
    Server::start(Options { tls: true, cert, ..Options::default() }).unwrap()
}

/// Servers whose CA is trusted (in SSL_CERT_FILE), each with a certificate wrong in one way.
static GOOD: Lazy<Server> = Lazy::new(|| tls_server(CertKind::Good));
static WRONG_NAME: Lazy<Server> = Lazy::new(|| tls_server(CertKind::WrongName));
static EXPIRED: Lazy<Server> = Lazy::new(|| tls_server(CertKind::Expired));
static CLIENT_ONLY: Lazy<Server> = Lazy::new(|| tls_server(CertKind::ClientUsageOnly));
/// A good certificate from a CA nobody trusts.
static UNTRUSTED: Lazy<Server> = Lazy::new(|| tls_server(CertKind::Good));

/// The CRL directory the engine reads (`$XDG_CONFIG_HOME/deliveryopt/crls`).
static CRL_DIR: Lazy<std::path::PathBuf> = Lazy::new(|| tempdir("server-certs-config").join("deliveryopt/crls"));

/// Trusts the CAs of every server but UNTRUSTED, before the engine loads the trusted roots.
fn setup() -> *mut IBackgroundCopyManager {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let bundle: String =
            [&*GOOD, &*WRONG_NAME, &*EXPIRED, &*CLIENT_ONLY].iter().map(|s| s.ca_pem().unwrap().to_string()).collect();
        let dir = tempdir("server-certs-ca");
        std::fs::write(dir.join("bundle.pem"), bundle).unwrap();
        std::env::set_var("SSL_CERT_FILE", dir.join("bundle.pem"));
        std::env::remove_var("SSL_CERT_DIR");
        std::fs::create_dir_all(&*CRL_DIR).unwrap();
        std::env::set_var("XDG_CONFIG_HOME", CRL_DIR.parent().unwrap().parent().unwrap());
        Lazy::force(&UNTRUSTED);
    });
    manager()
}

fn http_options(job: *mut IBackgroundCopyJob) -> *mut IBackgroundCopyJobHttpOptions3 {
    qi(job, &IID_IBackgroundCopyJobHttpOptions3).unwrap() as *mut IBackgroundCopyJobHttpOptions3
}

/// A job of one file with these security flags, resumed.
fn start(m: *mut IBackgroundCopyManager, url: &str, local: &std::path::Path, flags: u32) -> *mut IBackgroundCopyJob {
    let (_, job) = create_job(m, "cert");
    let opts = http_options(job);
    assert_eq!(call!(opts, SetSecurityFlags, flags), S_OK);
    let mut got = 0;
    assert_eq!(call!(opts, GetSecurityFlags, &mut got), S_OK);
    assert_eq!(got, flags);
    release(opts);
    add_file(job, url, local);
    assert_eq!(call!(job, Resume), S_OK);
    job
}

const ALL_IGNORES: u32 = BG_SSL_IGNORE_CERT_CN_INVALID
    | BG_SSL_IGNORE_CERT_DATE_INVALID
    | BG_SSL_IGNORE_UNKNOWN_CA
    | BG_SSL_IGNORE_CERT_WRONG_USAGE;

#[test]
fn each_ssl_flag_lifts_exactly_its_own_check() {
    let m = setup();
    let dir = tempdir("server-certs-flags");
    let cases: [(&Server, u32, u32, &str); 4] = [
        (&UNTRUSTED, BG_SSL_IGNORE_UNKNOWN_CA, ERROR_WINHTTP_SECURE_INVALID_CA, "ca"),
        (&WRONG_NAME, BG_SSL_IGNORE_CERT_CN_INVALID, ERROR_WINHTTP_SECURE_CERT_CN_INVALID, "cn"),
        (&EXPIRED, BG_SSL_IGNORE_CERT_DATE_INVALID, ERROR_WINHTTP_SECURE_CERT_DATE_INVALID, "date"),
        (&CLIENT_ONLY, BG_SSL_IGNORE_CERT_WRONG_USAGE, 12179, "usage"),
    ];
    // For each server: no flag, every flag but its own, and its own flag alone.
    let mut jobs = Vec::new();
    for (i, (server, flag, win32, tag)) in cases.iter().enumerate() {
        let seed = 100 + i as u64;
        let none = start(m, &server.url(&format!("/gen/5000/{seed}/none")), &dir.join(format!("{tag}-none")), 0);
        let others = start(
            m,
            &server.url(&format!("/gen/5000/{seed}/others")),
            &dir.join(format!("{tag}-others")),
            ALL_IGNORES & !flag,
        );
        let own = start(m, &server.url(&format!("/gen/5000/{seed}/own")), &dir.join(format!("{tag}-own")), *flag);
        jobs.push((server, none, others, own, hresult_from_win32(*win32), *tag, seed));
    }
    for (server, none, others, own, hr, tag, seed) in jobs {
        for (job, what) in [(none, "none"), (others, "others")] {
            assert_eq!(wait_end(job), BG_JOB_STATE_ERROR, "{tag} with {what}");
            assert_eq!(error_of(job), (BG_ERROR_CONTEXT_GENERAL_TRANSPORT, hr), "{tag} with {what}");
            discard(job);
            // A refused certificate never carried a request.
            assert!(server.requests_for(&format!("/gen/5000/{seed}/{what}")).is_empty(), "{tag} {what}");
        }
        assert_eq!(wait_end(own), BG_JOB_STATE_TRANSFERRED, "{tag} with its flag: {:?}", error_of(own));
        assert_eq!(call!(own, Complete), S_OK);
        assert_eq!(std::fs::read(dir.join(format!("{tag}-own"))).unwrap(), content(seed, 5000));
        release(own);
    }
    // The good server needs no flag, by name or by address.
    let job = start(m, &GOOD.url_localhost("/gen/3000/120"), &dir.join("good"), 0);
    assert_eq!(wait_end(job), BG_JOB_STATE_TRANSFERRED, "{:?}", error_of(job));
    assert_eq!(call!(job, Complete), S_OK);
    release(job);
    release(m);
}

#[test]
fn crl_checking_needs_a_current_crl_and_refuses_a_revoked_certificate() {
    let m = setup();
    let dir = tempdir("server-certs-crl");
    let server = tls_server(CertKind::Good);
    // Trusted only with IGNORE_UNKNOWN_CA (its CA is not in the bundle); its chain is still
    // checked up to the CA the server sends, revocation included.
    let flags = BG_SSL_ENABLE_CRL_CHECK | BG_SSL_IGNORE_UNKNOWN_CA;
    let crl = CRL_DIR.join(format!("test-{}.pem", server.port()));

    let job = start(m, &server.url("/gen/4000/130"), &dir.join("none"), flags);
    assert_eq!(wait_end(job), BG_JOB_STATE_ERROR);
    assert_eq!(error_code(job), hresult_from_win32(ERROR_WINHTTP_SECURE_CERT_REV_FAILED), "no CRL");
    discard(job);

    std::fs::write(&crl, server.crl_pem(false).unwrap()).unwrap();
    let job = start(m, &server.url("/gen/4000/131"), &dir.join("current"), flags);
    assert_eq!(wait_end(job), BG_JOB_STATE_TRANSFERRED, "{:?}", error_of(job));
    assert_eq!(call!(job, Complete), S_OK);
    assert_eq!(std::fs::read(dir.join("current")).unwrap(), content(131, 4000));
    release(job);

    // The same policy again: a new connection and a full handshake, so the new CRL counts.
    std::fs::write(&crl, server.crl_pem(true).unwrap()).unwrap();
    let job = start(m, &server.url("/gen/4000/132"), &dir.join("revoked"), flags);
    assert_eq!(wait_end(job), BG_JOB_STATE_ERROR);
    assert_eq!(error_code(job), hresult_from_win32(ERROR_WINHTTP_SECURE_CERT_REVOKED));
    discard(job);
    assert!(server.requests_for("/gen/4000/132").is_empty());
    std::fs::remove_file(&crl).unwrap();
    release(m);
}

/// One ValidateServerCertificate call: leaf, encoding, store and the file's local name.
type Seen = (Vec<u8>, u32, Vec<u8>, String);

/// A caller's IBackgroundCopyServerCertificateValidationCallback written in Rust.
#[repr(C)]
struct Validator {
    vtbl: *const IBackgroundCopyServerCertificateValidationCallbackVtbl,
    refs: AtomicU32,
    /// What ValidateServerCertificate returns.
    verdict: AtomicI32,
    calls: AtomicU32,
    seen: Mutex<Vec<Seen>>,
}

fn val<'a>(this: *mut IBackgroundCopyServerCertificateValidationCallback) -> &'a Validator {
    unsafe { &*(this as *const Validator) }
}

unsafe extern "C" fn v_qi(
    this: *mut IBackgroundCopyServerCertificateValidationCallback,
    riid: REFIID,
    ppv: *mut *mut c_void,
) -> HRESULT {
    let iid = *riid;
    if iid == IID_IUnknown || iid == IID_IBackgroundCopyServerCertificateValidationCallback {
        val(this).refs.fetch_add(1, Ordering::SeqCst);
        *ppv = this as *mut c_void;
        S_OK
    } else {
        *ppv = null_mut();
        E_NOINTERFACE
    }
}
unsafe extern "C" fn v_addref(this: *mut IBackgroundCopyServerCertificateValidationCallback) -> ULONG {
    val(this).refs.fetch_add(1, Ordering::SeqCst) + 1
}
unsafe extern "C" fn v_release(this: *mut IBackgroundCopyServerCertificateValidationCallback) -> ULONG {
    val(this).refs.fetch_sub(1, Ordering::SeqCst) - 1
}
#[allow(clippy::too_many_arguments)]
unsafe extern "C" fn v_validate(
    this: *mut IBackgroundCopyServerCertificateValidationCallback,
    job: *mut IBackgroundCopyJob,
    file: *mut IBackgroundCopyFile,
    cert_len: DWORD,
    cert: *const BYTE,
    encoding: DWORD,
    store_len: DWORD,
    store: *const BYTE,
) -> HRESULT {
    let v = val(this);
    v.calls.fetch_add(1, Ordering::SeqCst);
    // Calling back into the library works: no lock is held.
    let mut st = -1;
    assert_eq!(call!(job, GetState, &mut st), S_OK);
    let mut name: LPWSTR = null_mut();
    assert_eq!(call!(file, GetLocalName, &mut name), S_OK);
    let leaf = std::slice::from_raw_parts(cert, cert_len as usize).to_vec();
    let store = std::slice::from_raw_parts(store, store_len as usize).to_vec();
    v.seen.lock().unwrap().push((leaf, encoding, store, take_str(name)));
    v.verdict.load(Ordering::SeqCst)
}

static VTBL: IBackgroundCopyServerCertificateValidationCallbackVtbl =
    IBackgroundCopyServerCertificateValidationCallbackVtbl {
        QueryInterface: Some(v_qi),
        AddRef: Some(v_addref),
        Release: Some(v_release),
        ValidateServerCertificate: Some(v_validate),
    };

fn validator(verdict: HRESULT) -> Box<Validator> {
    Box::new(Validator {
        vtbl: &VTBL,
        refs: AtomicU32::new(1),
        verdict: AtomicI32::new(verdict),
        calls: AtomicU32::new(0),
        seen: Mutex::new(Vec::new()),
    })
}

fn as_unknown(v: &Validator) -> *mut IUnknown {
    v as *const Validator as *mut IUnknown
}

/// The certificates in a serialized store (`00000000 "CERT"`, elements, end element).
fn store_certs(store: &[u8]) -> Vec<Vec<u8>> {
    assert_eq!(&store[..8], b"\0\0\0\0CERT");
    let word = |at: usize| u32::from_le_bytes(store[at..at + 4].try_into().unwrap());
    let (mut at, mut certs) = (8, Vec::new());
    loop {
        let (id, len) = (word(at), word(at + 8) as usize);
        if id == 0 {
            assert_eq!((word(at + 4), len, at + 12), (0, 0, store.len()), "the end element ends the store");
            return certs;
        }
        assert_eq!((id, word(at + 4)), (32, 1), "a certificate element");
        certs.push(store[at + 12..at + 12 + len].to_vec());
        at += 12 + len;
    }
}

#[test]
fn the_validation_callback_sees_the_server_certificate_and_can_refuse_it() {
    let m = setup();
    let dir = tempdir("server-certs-callback");
    let server = &*GOOD;
    let leaf = server.leaf_der().unwrap().to_vec();
    let ca_der = {
        let pem = server.ca_pem().unwrap();
        let b64: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD.decode(b64).unwrap()
    };

    // Bad inputs change nothing.
    let (_, job) = create_job(m, "callback");
    let opts = http_options(job);
    // An object that answers only IUnknown.
    static ONLY_UNKNOWN: IBackgroundCopyServerCertificateValidationCallbackVtbl =
        IBackgroundCopyServerCertificateValidationCallbackVtbl {
            QueryInterface: Some(only_unknown_qi),
            AddRef: Some(v_addref),
            Release: Some(v_release),
            ValidateServerCertificate: None,
        };
    unsafe extern "C" fn only_unknown_qi(
        this: *mut IBackgroundCopyServerCertificateValidationCallback,
        riid: REFIID,
        ppv: *mut *mut c_void,
    ) -> HRESULT {
        if *riid == IID_IUnknown {
            val(this).refs.fetch_add(1, Ordering::SeqCst);
            *ppv = this as *mut c_void;
            S_OK
        } else {
            *ppv = null_mut();
            E_NOINTERFACE
        }
    }
    let mut not_one = validator(S_OK);
    not_one.vtbl = &ONLY_UNKNOWN;
    assert_eq!(call!(opts, SetServerCertificateValidationInterface, as_unknown(&not_one)), E_NOINTERFACE);
    assert_eq!(not_one.refs.load(Ordering::SeqCst), 1, "nothing kept");
    #[repr(C)]
    struct NoVtbl {
        vtbl: *const c_void,
    }
    let mut broken = NoVtbl { vtbl: core::ptr::null() };
    let broken_ptr = &mut broken as *mut NoVtbl as *mut IUnknown;
    assert_eq!(call!(opts, SetServerCertificateValidationInterface, broken_ptr), E_INVALIDARG);
    assert_eq!(call!(opts, SetServerCertificateValidationInterface, null_mut()), S_OK, "nothing to remove");

    // An accepting callback: called with the server's certificate, for the job's file.
    let yes = validator(S_OK);
    assert_eq!(call!(opts, SetServerCertificateValidationInterface, as_unknown(&yes)), S_OK);
    assert_eq!(yes.refs.load(Ordering::SeqCst), 2, "one reference kept");
    let local = dir.join("accepted");
    add_file(job, &server.url("/gen/6000/140"), &local);
    assert_eq!(call!(job, Resume), S_OK);
    // Not while the job is active.
    let other = validator(S_OK);
    let hr = call!(opts, SetServerCertificateValidationInterface, as_unknown(&other));
    assert!(hr == BG_E_READ_ONLY_WHEN_JOB_ACTIVE || state(job) == BG_JOB_STATE_TRANSFERRED, "{hr:#x}");
    assert_eq!(wait_end(job), BG_JOB_STATE_TRANSFERRED, "{:?}", error_of(job));
    assert!(yes.calls.load(Ordering::SeqCst) >= 1);
    for (cert, encoding, store, file) in yes.seen.lock().unwrap().iter() {
        assert_eq!(cert, &leaf, "the leaf's DER");
        assert_eq!(*encoding, 0x0001_0001, "X509_ASN_ENCODING | PKCS_7_ASN_ENCODING");
        assert_eq!(store_certs(store), vec![leaf.clone(), ca_der.clone()], "the chain the server sent");
        assert_eq!(file, local.to_str().unwrap());
    }
    assert_eq!(call!(job, Complete), S_OK);
    assert_eq!(std::fs::read(&local).unwrap(), content(140, 6000));
    assert_eq!(yes.refs.load(Ordering::SeqCst), 1, "released when the job ended");
    release(opts);
    release(job);
    assert_eq!(other.refs.load(Ordering::SeqCst), 1, "a refused registration keeps nothing");

    // A refusing callback: TRANSIENT_ERROR with its HRESULT in context SERVER_CERTIFICATE_CALLBACK,
    // and not a request reaches the server.
    const REFUSED: HRESULT = 0x8004_0201_u32 as HRESULT;
    let (_, job) = create_job(m, "refused");
    let opts = http_options(job);
    let no = validator(REFUSED);
    assert_eq!(call!(opts, SetServerCertificateValidationInterface, as_unknown(&no)), S_OK);
    let local = dir.join("refused");
    add_file(job, &server.url("/gen/6000/141"), &local);
    assert_eq!(call!(job, Resume), S_OK);
    assert_eq!(wait_for(job, &[BG_JOB_STATE_TRANSIENT_ERROR], Duration::from_secs(30)), BG_JOB_STATE_TRANSIENT_ERROR);
    assert_eq!(error_of(job), (BG_ERROR_CONTEXT_SERVER_CERTIFICATE_CALLBACK, REFUSED));
    assert!(server.requests_for("/gen/6000/141").is_empty());
    let calls = no.calls.load(Ordering::SeqCst);
    assert!(calls >= 1);
    assert_eq!(
        call!(opts, SetServerCertificateValidationInterface, null_mut()),
        BG_E_READ_ONLY_WHEN_JOB_ACTIVE,
        "TRANSIENT_ERROR counts as active"
    );
    // Suspended, NULL removes it (released at once) and the job goes through without it.
    assert_eq!(call!(job, Suspend), S_OK);
    assert_eq!(call!(opts, SetServerCertificateValidationInterface, null_mut()), S_OK);
    // Released when removed (a handshake still finishing on the stopped transfer may hold it for a
    // moment).
    assert!(wait_until(Duration::from_secs(5), || no.refs.load(Ordering::SeqCst) == 1), "released when removed");
    assert_eq!(call!(job, Resume), S_OK);
    assert_eq!(wait_end(job), BG_JOB_STATE_TRANSFERRED, "{:?}", error_of(job));
    assert_eq!(no.calls.load(Ordering::SeqCst), calls, "not asked after removal");
    assert_eq!(call!(job, Complete), S_OK);
    assert_eq!(std::fs::read(&local).unwrap(), content(141, 6000));
    release(opts);
    release(job);

    // A callback registered on a job that is then cancelled is released once.
    let (_, job) = create_job(m, "cancelled");
    let opts = http_options(job);
    let gone = validator(S_OK);
    assert_eq!(call!(opts, SetServerCertificateValidationInterface, as_unknown(&gone)), S_OK);
    assert_eq!(call!(opts, SetServerCertificateValidationInterface, as_unknown(&gone)), S_OK, "again");
    assert_eq!(gone.refs.load(Ordering::SeqCst), 2, "the replaced registration was released");
    assert_eq!(call!(job, Cancel), S_OK);
    assert_eq!(gone.refs.load(Ordering::SeqCst), 1);
    assert_eq!(call!(opts, SetServerCertificateValidationInterface, as_unknown(&gone)), BG_E_INVALID_STATE);
    assert_eq!(gone.refs.load(Ordering::SeqCst), 1);
    release(opts);
    release(job);
    release(m);
}
