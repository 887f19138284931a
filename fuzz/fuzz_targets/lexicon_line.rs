//! Fuzz target `lexicon_line`: see `wordmill_fuzz::lexicon_line`.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| wordmill_fuzz::lexicon_line(data));
