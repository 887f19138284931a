//! Fuzz target `pipeline_file`: see `wordmill_fuzz::pipeline_file`.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| wordmill_fuzz::pipeline_file(data));
