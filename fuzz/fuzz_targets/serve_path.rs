//! The preview server's request-path-to-output-key mapping, under `/` and under a fuzzed
//! `base_url` path.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../tests/properties/invariants.rs"]
mod invariants;

fuzz_target!(|input: (&str, &str)| {
    let (path, base) = input;
    invariants::serve_path(path, "/");
    // `base_url`'s path as `Config::base_path` gives it: `/`-terminated.
    let base = format!("/{}/", base.trim_matches('/'));
    invariants::serve_path(path, &base);
});
