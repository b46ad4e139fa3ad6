//! File3::SetValidationState / GetValidationState: rejecting a transferred file puts the job in
//! ERROR with BG_E_VALIDATION_FAILED, resets that file's progress, and Resume fetches it again.
mod common;

use common::*;
use core::ptr::null_mut;

use testserver::{content, Options, Server};

fn files_of(job: *mut IBackgroundCopyJob) -> Vec<*mut IBackgroundCopyFile3> {
    let mut e: *mut IEnumBackgroundCopyFiles = null_mut();
    assert_eq!(call!(job, EnumFiles, &mut e), S_OK);
    let mut out = Vec::new();
    loop {
        let (mut f, mut got): (*mut IBackgroundCopyFile, u32) = (null_mut(), 0);
        if call!(e, Next, 1, &mut f, &mut got) != S_OK {
            break;
        }
        out.push(qi(f, &IID_IBackgroundCopyFile3).unwrap() as *mut IBackgroundCopyFile3);
        release(f);
    }
    release(e);
    out
}

fn validation(f: *mut IBackgroundCopyFile3) -> BOOL {
    let mut v = -1;
    assert_eq!(call!(f, GetValidationState, &mut v), S_OK);
    v
}

#[test]
fn a_rejected_file_errors_the_job_and_is_fetched_again_on_resume() {
    std::env::set_var("DELIVERYOPT_MAX_JOBS_PER_USER", "1000");
    let s = Server::start(Options::default()).unwrap();
    let dir = common::scratch_root().join(format!("deliveryopt-validation-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let m = manager();
    let (_, job) = create_job(m, "validation");
    for (path, name) in [("/gen/7000/61", "a"), ("/gen/9000/62?trickle_bps=200000", "b")] {
        let (r, l) = (wide(&s.url(path)), wide(dir.join(name).to_str().unwrap()));
        assert_eq!(call!(job, AddFile, r.as_ptr(), l.as_ptr()), S_OK);
    }
    let files = files_of(job);
    assert_eq!(files.len(), 2);
    assert_eq!(call!(files[0], SetValidationState, TRUE), E_PENDING, "not transferred yet");
    assert_eq!(call!(files[0], GetValidationState, null_mut()), E_INVALIDARG);
    assert_eq!(validation(files[0]), FALSE);

    assert_eq!(call!(job, Resume), S_OK);
    assert_eq!(wait_end(job), BG_JOB_STATE_TRANSFERRED);
    assert_eq!(call!(files[0], SetValidationState, TRUE), S_OK);
    assert_eq!(validation(files[0]), TRUE);
    assert_eq!(call!(files[1], SetValidationState, FALSE), S_OK);
    assert_eq!(validation(files[1]), FALSE);

    assert_eq!(state(job), BG_JOB_STATE_ERROR);
    let mut err: *mut IBackgroundCopyError = null_mut();
    assert_eq!(call!(job, GetError, &mut err), S_OK);
    let (mut ctx, mut code) = (0, 0);
    assert_eq!(call!(err, GetError, &mut ctx, &mut code), S_OK);
    assert_eq!((ctx, code), (BG_ERROR_CONTEXT_REMOTE_FILE, BG_E_VALIDATION_FAILED));
    let mut ef: *mut IBackgroundCopyFile = null_mut();
    assert_eq!(call!(err, GetFile, &mut ef), S_OK);
    let mut name: LPWSTR = null_mut();
    assert_eq!(call!(ef, GetLocalName, &mut name), S_OK);
    assert_eq!(take_str(name), dir.join("b").to_str().unwrap());
    release(ef);
    release(err);
    let mut p = BG_JOB_PROGRESS::default();
    assert_eq!(call!(job, GetProgress, &mut p), S_OK);
    assert_eq!((p.BytesTransferred, p.FilesTransferred), (7000, 1), "the rejected file's progress is reset");

    assert_eq!(call!(job, Resume), S_OK);
    assert_eq!(wait_end(job), BG_JOB_STATE_TRANSFERRED);
    let gets = |path: &str| s.requests_for(path).iter().filter(|r| r.method == "GET").count();
    assert_eq!(gets("/gen/9000/62"), 2, "the rejected file was fetched again");
    assert_eq!(gets("/gen/7000/61"), 1, "the accepted one was not");
    assert_eq!(call!(job, Complete), S_OK);
    assert_eq!(std::fs::read(dir.join("a")).unwrap(), content(61, 7000));
    assert_eq!(std::fs::read(dir.join("b")).unwrap(), content(62, 9000));
    assert_eq!(validation(files[1]), TRUE, "Complete accepts every file");
    assert_eq!(call!(files[1], SetValidationState, FALSE), BG_E_INVALID_STATE);
    for f in files {
        release(f);
    }
    release(job);
    release(m);
}
