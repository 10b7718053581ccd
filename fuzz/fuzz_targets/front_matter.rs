//! Front matter splitting and parsing, then loading the whole page, on any text: as given, and
//! wrapped in `---` lines so most inputs reach the YAML parser.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../tests/properties/invariants.rs"]
mod invariants;

fuzz_target!(|source: &str| {
    invariants::front_matter(source);
    invariants::front_matter(&format!("---\n{source}\n---\nbody\n"));
});
