#![no_main]
//! An nginx configuration through the whole pipeline of `tripline check`.
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    tripline::fuzzing::check("nginx.conf", data);
});
