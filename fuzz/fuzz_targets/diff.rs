#![no_main]
//! `tripline diff` of two zones: the halves of the input around its first NUL.
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    tripline::fuzzing::diff("example.com.zone", data);
});
