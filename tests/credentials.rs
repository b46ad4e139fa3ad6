//! IBackgroundCopyJob2::SetCredentials / RemoveCredentials: Basic and Digest credentials answer a
//! server's 401 challenge on HEAD and GET; wrong or missing ones end in BG_E_HTTP_ERROR_401; bad
//! arguments get their documented codes and change nothing.
// `1 as *mut T` values are deliberate non-NULL sentinels that a failing call must reset to NULL.
#![allow(clippy::manual_dangling_ptr)]

mod common;

use common::*;
use core::ptr::null_mut;
use std::sync::Once;

use testserver::{content, Options, Server};

fn setup() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        std::env::set_var("DELIVERYOPT_READ_TIMEOUT_MS", "3000");
        std::env::set_var("DELIVERYOPT_MAX_JOBS_PER_USER", "1000");
        std::env::set_var("DELIVERYOPT_MAX_JOBS_PER_MACHINE", "1000");
    });
}

fn set_credentials(job: *mut IBackgroundCopyJob, target: i32, scheme: i32, user: &str, pass: &str) -> HRESULT {
    let (mut u, mut p) = (wide(user), wide(pass));
    let mut c = BG_AUTH_CREDENTIALS {
        Target: target,
        Scheme: scheme,
        Credentials: BG_AUTH_CREDENTIALS_UNION {
            Basic: BG_BASIC_CREDENTIALS { UserName: u.as_mut_ptr(), Password: p.as_mut_ptr() },
        },
    };
    call!(job as *mut IBackgroundCopyJob2, SetCredentials, &mut c)
}

fn remove_credentials(job: *mut IBackgroundCopyJob, target: i32, scheme: i32) -> HRESULT {
    call!(job as *mut IBackgroundCopyJob2, RemoveCredentials, target, scheme)
}

#[test]
fn basic_credentials_answer_the_challenge_after_a_401_error() {
    setup();
    let s = Server::start(Options::default()).unwrap();
    let dir = tempdir("basic");
    let url = s.url("/gen/40000/41?auth=basic:alice:open%20sesame");
    let m = manager();
    let (_, job) = create_job(m, "basic");
    add_file(job, &url, &dir.join("out"));
    assert_eq!(call!(job, Resume), S_OK);
    assert_eq!(wait_end(job), BG_JOB_STATE_ERROR, "no credentials: the 401 is an error");
    assert_eq!(error_code(job), BG_E_HTTP_ERROR_401);

    // Credentials of another scheme do not answer a Basic challenge.
    assert_eq!(set_credentials(job, BG_AUTH_TARGET_SERVER, BG_AUTH_SCHEME_DIGEST, "alice", "open sesame"), S_OK);
    assert_eq!(call!(job, Resume), S_OK);
    assert_eq!(wait_end(job), BG_JOB_STATE_ERROR);
    assert_eq!(error_code(job), BG_E_HTTP_ERROR_401);

    assert_eq!(set_credentials(job, BG_AUTH_TARGET_SERVER, BG_AUTH_SCHEME_BASIC, "alice", "open sesame"), S_OK);
    s.clear_requests();
    assert_eq!(call!(job, Resume), S_OK);
    assert_eq!(wait_end(job), BG_JOB_STATE_TRANSFERRED);
    assert_eq!(call!(job, Complete), S_OK);
    assert_eq!(std::fs::read(dir.join("out")).unwrap(), content(41, 40000));
    let reqs = s.requests();
    assert_eq!(reqs[0].header("authorization"), None, "credentials are sent only when challenged");
    assert_eq!(reqs[0].status, 401);
    let last = reqs.last().unwrap();
    assert_eq!(
        last.header("authorization"),
        Some(testserver::auth::basic_authorization("alice", "open sesame").as_str())
    );
    release(job);
    release(m);
}

#[test]
fn digest_credentials_work_for_head_and_get_and_a_wrong_password_fails_once() {
    setup();
    let s = Server::start(Options::default()).unwrap();
    let dir = tempdir("digest");
    let m = manager();
    let (_, job) = create_job(m, "digest");
    // Two files: sizes are asked first (HEAD), so both methods are challenged.
    add_file(job, &s.url("/gen/3000/42?auth=digest:bob:pw"), &dir.join("a"));
    add_file(job, &s.url("/gen/5000/43?auth=digest:bob:pw"), &dir.join("b"));
    assert_eq!(set_credentials(job, BG_AUTH_TARGET_SERVER, BG_AUTH_SCHEME_BASIC, "bob", "pw"), S_OK);
    assert_eq!(set_credentials(job, BG_AUTH_TARGET_SERVER, BG_AUTH_SCHEME_DIGEST, "bob", "pw"), S_OK);
    assert_eq!(call!(job, Resume), S_OK);
    assert_eq!(wait_end(job), BG_JOB_STATE_TRANSFERRED);
    let mut progress = BG_JOB_PROGRESS::default();
    assert_eq!(call!(job, GetProgress, &mut progress), S_OK);
    assert_eq!(progress.BytesTotal, 8000);
    assert_eq!(call!(job, Complete), S_OK);
    assert_eq!(std::fs::read(dir.join("a")).unwrap(), content(42, 3000));
    assert_eq!(std::fs::read(dir.join("b")).unwrap(), content(43, 5000));
    let reqs = s.requests();
    for method in ["HEAD", "GET"] {
        assert!(
            reqs.iter().any(|r| r.method == method
                && r.status == 200
                && r.header("authorization").is_some_and(|a| a.starts_with("Digest "))),
            "{method} answered with Digest: {reqs:?}"
        );
    }
    release(job);

    let (_, job) = create_job(m, "digest-wrong");
    add_file(job, &s.url("/gen/3000/44?auth=digest:bob:pw"), &dir.join("c"));
    assert_eq!(set_credentials(job, BG_AUTH_TARGET_SERVER, BG_AUTH_SCHEME_DIGEST, "bob", "not-pw"), S_OK);
    s.clear_requests();
    assert_eq!(call!(job, Resume), S_OK);
    assert_eq!(wait_end(job), BG_JOB_STATE_ERROR);
    assert_eq!(error_code(job), BG_E_HTTP_ERROR_401);
    assert_eq!(s.requests().len(), 2, "one challenge, one refused answer, no loop");
    assert_eq!(remove_credentials(job, BG_AUTH_TARGET_SERVER, BG_AUTH_SCHEME_DIGEST), S_OK);
    assert_eq!(remove_credentials(job, BG_AUTH_TARGET_SERVER, BG_AUTH_SCHEME_DIGEST), S_FALSE);
    discard(job);
    release(m);
}

#[test]
fn bad_credentials_arguments_get_their_codes_and_change_nothing() {
    setup();
    let m = manager();
    let (_, job) = create_job(m, "cred-args");
    let j2 = job as *mut IBackgroundCopyJob2;
    assert_eq!(call!(j2, SetCredentials, null_mut()), E_INVALIDARG);
    assert_eq!(set_credentials(job, 7, BG_AUTH_SCHEME_BASIC, "u", "p"), BG_E_INVALID_AUTH_TARGET);
    assert_eq!(set_credentials(job, BG_AUTH_TARGET_SERVER, 9, "u", "p"), BG_E_INVALID_AUTH_SCHEME);
    assert_eq!(set_credentials(job, BG_AUTH_TARGET_SERVER, 0, "u", "p"), BG_E_INVALID_AUTH_SCHEME);
    for scheme in [BG_AUTH_SCHEME_NTLM, BG_AUTH_SCHEME_NEGOTIATE, BG_AUTH_SCHEME_PASSPORT] {
        assert_eq!(set_credentials(job, BG_AUTH_TARGET_SERVER, scheme, "u", "p"), E_NOTIMPL);
    }
    let long = "u".repeat(301);
    assert_eq!(set_credentials(job, BG_AUTH_TARGET_SERVER, BG_AUTH_SCHEME_BASIC, &long, "p"), BG_E_USERNAME_TOO_LARGE);
    let ok_len = "u".repeat(300);
    assert_eq!(set_credentials(job, BG_AUTH_TARGET_SERVER, BG_AUTH_SCHEME_BASIC, &ok_len, "p"), S_OK);
    let huge = "p".repeat(65_537);
    assert_eq!(set_credentials(job, BG_AUTH_TARGET_PROXY, BG_AUTH_SCHEME_BASIC, "u", &huge), BG_E_PASSWORD_TOO_LARGE);
    assert_eq!(set_credentials(job, BG_AUTH_TARGET_SERVER, BG_AUTH_SCHEME_BASIC, "a:b", "p"), E_INVALIDARG);
    let mut u = wide("user");
    let mut c = BG_AUTH_CREDENTIALS {
        Target: BG_AUTH_TARGET_SERVER,
        Scheme: BG_AUTH_SCHEME_DIGEST,
        Credentials: BG_AUTH_CREDENTIALS_UNION {
            Basic: BG_BASIC_CREDENTIALS { UserName: u.as_mut_ptr(), Password: null_mut() },
        },
    };
    assert_eq!(call!(j2, SetCredentials, &mut c), E_INVALIDARG, "Digest needs a password");
    assert_eq!(set_credentials(job, BG_AUTH_TARGET_PROXY, BG_AUTH_SCHEME_DIGEST, "u", ""), S_OK, "empty is allowed");

    // Only the successful calls stored anything.
    assert_eq!(remove_credentials(job, BG_AUTH_TARGET_SERVER, BG_AUTH_SCHEME_DIGEST), S_FALSE);
    assert_eq!(remove_credentials(job, BG_AUTH_TARGET_PROXY, BG_AUTH_SCHEME_BASIC), S_FALSE);
    assert_eq!(remove_credentials(job, BG_AUTH_TARGET_SERVER, BG_AUTH_SCHEME_BASIC), S_OK);
    assert_eq!(remove_credentials(job, BG_AUTH_TARGET_PROXY, BG_AUTH_SCHEME_DIGEST), S_OK);
    assert_eq!(remove_credentials(job, 0, BG_AUTH_SCHEME_BASIC), BG_E_INVALID_AUTH_TARGET);
    assert_eq!(remove_credentials(job, BG_AUTH_TARGET_SERVER, 6), BG_E_INVALID_AUTH_SCHEME);

    assert_eq!(call!(job, Cancel), S_OK);
    assert_eq!(set_credentials(job, BG_AUTH_TARGET_SERVER, BG_AUTH_SCHEME_BASIC, "u", "p"), BG_E_INVALID_STATE);
    assert_eq!(remove_credentials(job, BG_AUTH_TARGET_SERVER, BG_AUTH_SCHEME_BASIC), BG_E_INVALID_STATE);
    release(job);
    release(m);
}

#[test]
fn debug_output_never_shows_a_password() {
    let c = deliveryopt::engine::Credential {
        target: deliveryopt::engine::AuthTarget::Server,
        scheme: deliveryopt::engine::AuthScheme::Basic,
        user: "alice".into(),
        password: "hunter2-secret".into(),
    };
    let text = format!("{c:?} {:?}", vec![c.clone()]);
    assert!(text.contains("alice") && !text.contains("hunter2"), "{text}");
}
