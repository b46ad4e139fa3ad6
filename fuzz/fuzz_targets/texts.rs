//! Custom headers, remote and local names, Content-Range values.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| deliveryopt::engine::fuzzing::texts(data));
