#![no_main]
//! Provider exports and Kubernetes Secrets: the first byte picks the format.
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let name = ["route53.json", "example.com.yaml", "records.yaml", "secret.yaml"][usize::from(pick % 4)];
    tripline::fuzzing::check(name, rest);
});
