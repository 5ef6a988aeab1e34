#![no_main]
//! PEM bundles and DER certificates or keys: the first byte picks which.
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let name = if pick % 2 == 0 { "bundle.pem" } else { "cert.der" };
    tripline::fuzzing::check(name, rest);
});
