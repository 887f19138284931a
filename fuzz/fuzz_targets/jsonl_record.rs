//! Fuzz target `jsonl_record`: see `wordmill_fuzz::jsonl_record`.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| wordmill_fuzz::jsonl_record(data));
