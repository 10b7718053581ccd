//! Markdown link extraction on any text: no panic, and every recorded position is a position in
//! the body where the destination is written.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../tests/properties/invariants.rs"]
mod invariants;

fuzz_target!(|body: &str| invariants::markdown_links(body));
