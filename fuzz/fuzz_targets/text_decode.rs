//! Fuzz target `text_decode`: see `wordmill_fuzz::text_decode`.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| wordmill_fuzz::text_decode(data));
