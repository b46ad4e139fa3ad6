//! Bandwidth limits: the job property of ours (DELIVERYOPT_JOB_PROPERTY_MAX_BYTES_PER_SECOND)
//! through Job5's SetProperty/GetProperty, and a limited download that cannot finish sooner than
//! its limit allows. (How close to the limit the rate stays is measured by bench/rate.sh, not
//! here: tests assert no speeds.)

mod common;

use common::*;
use std::time::{Duration, Instant};
use testserver::{content, Options, Server};

fn job5(job: *mut IBackgroundCopyJob) -> *mut IBackgroundCopyJob5 {
    qi(job, &IID_IBackgroundCopyJob5).unwrap() as *mut IBackgroundCopyJob5
}

fn get(j5: *mut IBackgroundCopyJob5, id: BITS_JOB_PROPERTY_ID) -> Result<u64, HRESULT> {
    let mut v = BITS_JOB_PROPERTY_VALUE { Uint64: 7 };
    let hr = call!(j5, GetProperty, id, &mut v);
    // SAFETY: the property is a UINT64 one.
    if hr == S_OK {
        Ok(unsafe { v.Uint64 })
    } else {
        Err(hr)
    }
}

#[test]
fn the_limit_is_a_job_property_of_ours() {
    let m = manager();
    let (_, job) = create_job(m, "limited");
    let j5 = job5(job);
    assert_eq!(get(j5, DELIVERYOPT_JOB_PROPERTY_MAX_BYTES_PER_SECOND), Ok(0), "no limit by default");
    let v = BITS_JOB_PROPERTY_VALUE { Uint64: 250_000 };
    assert_eq!(call!(j5, SetProperty, DELIVERYOPT_JOB_PROPERTY_MAX_BYTES_PER_SECOND, v), S_OK);
    assert_eq!(get(j5, DELIVERYOPT_JOB_PROPERTY_MAX_BYTES_PER_SECOND), Ok(250_000));
    let none = BITS_JOB_PROPERTY_VALUE { Uint64: 0 };
    assert_eq!(call!(j5, SetProperty, DELIVERYOPT_JOB_PROPERTY_MAX_BYTES_PER_SECOND, none), S_OK);
    assert_eq!(get(j5, DELIVERYOPT_JOB_PROPERTY_MAX_BYTES_PER_SECOND), Ok(0));
    assert_eq!(call!(j5, SetProperty, 0x1001, v), BG_E_UNKNOWN_PROPERTY_ID, "only ours is known");
    release(j5);
    discard(job);
    release(m);
}

#[test]
fn a_limited_download_takes_at_least_as_long_as_its_limit_says() {
    let s = Server::start(Options::default()).unwrap();
    let dir = tempdir("rate");
    let m = manager();
    let (_, job) = create_job(m, "limited download");
    let j5 = job5(job);
    let v = BITS_JOB_PROPERTY_VALUE { Uint64: 500_000 };
    assert_eq!(call!(j5, SetProperty, DELIVERYOPT_JOB_PROPERTY_MAX_BYTES_PER_SECOND, v), S_OK);
    release(j5);
    add_file(job, &s.url("/gen/1500000/61"), &dir.join("out"));
    let start = Instant::now();
    assert_eq!(call!(job, Resume), S_OK);
    assert_eq!(
        wait_for(job, &[BG_JOB_STATE_TRANSFERRED, BG_JOB_STATE_ERROR], Duration::from_secs(60)),
        BG_JOB_STATE_TRANSFERRED
    );
    let took = start.elapsed();
    // 1.5 MB at 0.5 MB/s, less the first grant (50 KB): 2.9 s at the least.
    assert!(took >= Duration::from_millis(2700), "the limit was not applied: {took:?}");
    assert_eq!(call!(job, Complete), S_OK);
    assert_eq!(std::fs::read(dir.join("out")).unwrap(), content(61, 1_500_000));
    release(job);
    release(m);
}
