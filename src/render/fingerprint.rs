//! Fingerprints of what a page's HTML is made from, so a rebuild can keep a page it rendered
//! before instead of rendering it again (the output's manifest records each page's).
//!
//! A page's HTML is a pure function of its template context (`page`, which holds its body,
//! links, backlinks, navigation and review dates as already computed), the global context
//! (`site`, with the sidebar), the theme's templates and the program that renders them:
//! Tera's only functions are `range` and `throw`, so a template reads nothing else. The
//! fingerprint hashes all of it, serialized as the templates receive it (the body as the hash
//! of its Markdown and its links' URLs: [`crate::render::Theme::fingerprint`]), so whatever
//! changes what a page shows changes its fingerprint. The program is taken as its version and its
//! executable's size and time: a rebuilt `handbook` renders everything once.

use serde::Serialize;
use xxhash_rust::xxh3::{Xxh3Default, xxh3_128};

/// What a fingerprint is made of, gathered in a buffer and hashed at once (a hash fed in the
/// many small writes of a serializer costs more than the buffer).
#[derive(Default)]
pub struct Hasher(Vec<u8>);

impl Hasher {
    pub fn new() -> Hasher {
        Hasher(Vec::new())
    }

    /// Gathers into `buffer` (cleared first), to be had back with [`Hasher::into_buffer`].
    pub fn with_buffer(mut buffer: Vec<u8>) -> Hasher {
        buffer.clear();
        Hasher(buffer)
    }

    pub fn into_buffer(self) -> Vec<u8> {
        self.0
    }

    /// Adds `value` as CBOR: self-describing, so two different values never give the same
    /// bytes. A page link in it is the hash of its fields ([`super::context::hashed`]).
    pub fn value<T: Serialize + ?Sized>(&mut self, value: &T) {
        // Writing into a `Vec` cannot fail, nor can serializing these values; should it all
        // the same, the fingerprint is one no build recorded.
        let written = super::context::hashed(|| ciborium::into_writer(value, &mut self.0));
        if written.is_err() {
            self.bytes(&rand_salt().to_le_bytes());
        }
        self.0.push(0);
    }

    /// Adds `bytes`, with their length first so that consecutive fields cannot run together.
    pub fn bytes(&mut self, bytes: &[u8]) {
        self.0
            .extend_from_slice(&(bytes.len() as u64).to_le_bytes());
        self.0.extend_from_slice(bytes);
    }

    pub fn finish(&self) -> u128 {
        xxh3_128(&self.0)
    }
}

/// The program that renders: its version, and its executable's size and modification time
/// (a developer's rebuilt binary keeps its version). Unknown parts are a fresh random value:
/// nothing rendered before is then trusted.
pub fn program() -> u128 {
    let mut hasher = Hasher::new();
    hasher.bytes(env!("CARGO_PKG_VERSION").as_bytes());
    let exe = std::env::current_exe()
        .and_then(std::fs::metadata)
        .ok()
        .and_then(|meta| Some((meta.len(), crate::write::manifest::mtime(&meta)?)));
    match exe {
        Some((size, mtime)) => {
            hasher.bytes(&size.to_le_bytes());
            hasher.bytes(&mtime.to_le_bytes());
        }
        None => hasher.bytes(&rand_salt().to_le_bytes()),
    }
    hasher.finish()
}

/// A value no earlier build can have recorded.
fn rand_salt() -> u128 {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let mut hasher = Xxh3Default::new();
    hasher.update(&now.to_le_bytes());
    hasher.update(&std::process::id().to_le_bytes());
    // A stack address differs between runs too.
    let local = 0u8;
    hasher.update(&(&local as *const u8 as usize).to_le_bytes());
    hasher.digest128()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_do_not_run_together() {
        let hash = |parts: &[&str]| {
            let mut h = Hasher::new();
            for p in parts {
                h.value(p);
            }
            h.finish()
        };
        assert_ne!(hash(&["ab", "c"]), hash(&["a", "bc"]));
        assert_eq!(hash(&["ab", "c"]), hash(&["ab", "c"]));
        let bytes = |parts: &[&[u8]]| {
            let mut h = Hasher::new();
            for p in parts {
                h.bytes(p);
            }
            h.finish()
        };
        assert_ne!(bytes(&[b"ab", b"c"]), bytes(&[b"a", b"bc"]));
    }

    #[test]
    fn the_program_is_the_same_within_a_run() {
        assert_eq!(program(), program());
    }
}
