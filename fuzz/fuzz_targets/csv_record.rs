//! Fuzz target `csv_record`: see `wordmill_fuzz::csv_record`.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| wordmill_fuzz::csv_record(data));
