//! The hash of bytes held whole: a page's body (loaded, then read again to render), a written
//! page (the output's manifest) and a fingerprint's bytes. XXH3-128, as `xxhash-rust` computes
//! it (its streaming hasher still hashes files read in pieces), from `twox-hash`, which picks
//! AVX2 when the CPU has it: `xxhash-rust` picks its SIMD when compiled (SSE2 in a portable
//! build), at about twice the instructions per byte. Some 30 MB of pages are hashed in a
//! 1,000-page build.

/// XXH3-128 of `bytes`.
pub fn xxh3_128(bytes: &[u8]) -> u128 {
    twox_hash::XxHash3_128::oneshot(bytes)
}

#[cfg(test)]
mod tests {
    /// The same value as `xxhash-rust`'s, which hashes files (and hashed everything before):
    /// at every length around the algorithm's steps (16, 128 and 240 bytes, 64-byte stripes,
    /// 1,024-byte blocks) and well past them.
    #[test]
    fn the_hash_is_xxhash_rusts() {
        let mut seed = 11u64;
        let bytes: Vec<u8> = (0..20_000)
            .map(|_| {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                (seed >> 33) as u8
            })
            .collect();
        let lengths = (0..=1_100)
            .chain((1_100..20_000).step_by(97))
            .chain([20_000]);
        for len in lengths {
            let bytes = &bytes[..len];
            assert_eq!(
                super::xxh3_128(bytes),
                xxhash_rust::xxh3::xxh3_128(bytes),
                "{len} bytes"
            );
        }
    }
}
