#![no_main]
//! A zone file through the whole pipeline of `tripline check`.
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    tripline::fuzzing::check("example.com.zone", data);
});
