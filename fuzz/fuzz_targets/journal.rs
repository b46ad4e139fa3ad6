//! The job store's journal, as the engine reads it at start-up.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| deliveryopt::engine::fuzzing::journal(data));
