//! Deterministic pseudo-random content, addressable at any offset.

const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;

/// The splitmix64 finaliser.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The 64-bit word `index` of the stream for `seed` (bytes `8*index .. 8*index+8`,
/// little-endian).
pub(crate) fn word(seed: u64, index: u64) -> u64 {
    mix(mix(seed ^ GOLDEN).wrapping_add(index.wrapping_mul(GOLDEN)))
}

/// Fills `buf` with the bytes at `offset .. offset + buf.len()` of the stream for `seed`.
pub fn fill_content(seed: u64, offset: u64, buf: &mut [u8]) {
    let mut pos = offset;
    let mut i = 0;
    // Unaligned head.
    while i < buf.len() && !pos.is_multiple_of(8) {
        buf[i] = word(seed, pos / 8).to_le_bytes()[(pos % 8) as usize];
        i += 1;
        pos += 1;
    }
    // Whole words.
    let mut chunks = buf[i..].chunks_exact_mut(8);
    let mut index = pos / 8;
    for c in &mut chunks {
        c.copy_from_slice(&word(seed, index).to_le_bytes());
        index += 1;
    }
    // Tail.
    let rest = chunks.into_remainder();
    if !rest.is_empty() {
        let w = word(seed, index).to_le_bytes();
        let n = rest.len();
        rest.copy_from_slice(&w[..n]);
    }
}

/// `len` deterministic pseudo-random bytes for `seed`; see the crate docs for the formula.
pub fn content(seed: u64, len: usize) -> Vec<u8> {
    let mut v = vec![0u8; len];
    fill_content(seed, 0, &mut v);
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_access_matches_whole() {
        let whole = content(42, 1000);
        for off in [0usize, 1, 7, 8, 9, 500, 993, 999] {
            for len in [0usize, 1, 3, 8, 17] {
                let end = (off + len).min(1000);
                let mut b = vec![0u8; end - off];
                fill_content(42, off as u64, &mut b);
                assert_eq!(&b[..], &whole[off..end], "off {off} len {len}");
            }
        }
        assert_ne!(content(1, 64), content(2, 64));
    }
}
