//! Fuzz target `normalise`: see `wordmill_fuzz::normalise`.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| wordmill_fuzz::normalise(data));
