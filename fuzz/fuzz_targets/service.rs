//! What a hostile or broken client can send the service after a correct greeting: MessagePack
//! messages of the protocol (calls, posts, releases, callback answers), made safe to run here
//! (local paths and file sources stay under the target's directory, every URL names loopback,
//! no notify program runs) and sent on a connection served by the service's own connection
//! code and engine (`deliveryopt::engine::fuzzing::service_session`). As root the target first
//! moves into a network namespace of its own with only loopback, and then jobs may transfer
//! (from a small server of the target's); otherwise nothing is resumed or started. Every call
//! must be answered (or the connection closed) within 20 s; nothing may panic.
#![no_main]

use std::sync::OnceLock;
use std::time::Duration;

use deliveryopt::engine::fuzzing::{service_session, ServiceBench};

fn bench() -> &'static ServiceBench {
    static B: OnceLock<ServiceBench> = OnceLock::new();
    B.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("dopt-fuzz-service-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        ServiceBench::new(&dir)
    })
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    service_session(bench(), data, Duration::from_secs(20));
});
