//! Fuzz target `sentiment`: see `wordmill_fuzz::sentiment`.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| wordmill_fuzz::sentiment(data));
