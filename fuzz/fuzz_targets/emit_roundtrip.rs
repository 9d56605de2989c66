#![no_main]

// The property lives in krust-fuzz-checks, shared with the replay tests.
libfuzzer_sys::fuzz_target!(|data: &[u8]| krust_fuzz_checks::emit_roundtrip(data));
