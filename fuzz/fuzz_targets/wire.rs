//! Frames of the service protocol, as the service and its clients decode them.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| deliveryopt::engine::fuzzing::wire(data));
