//! Independent random streams of one seed.

use rand::SeedableRng;

use crate::Rng64;

/// An independent generator for stream `(kind, index)` of `seed` (SplitMix64 mixing), so
/// each projection, each block of Poisson targets and each source population draws its own
/// numbers whatever the order of the others. Kinds: 0 spike sources (by population; Brunel's
/// starting potentials use `(0, 0)`), 1 connectivity (by projection), `2 + i` Poisson input
/// `i` (by block of 1,024 targets), 9 Song's starting weights.
pub(crate) fn stream(seed: u64, kind: u64, index: u64) -> Rng64 {
    let mut z =
        seed ^ kind.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ index.wrapping_mul(0xD1B5_4A32_D192_ED03);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    Rng64::seed_from_u64(z ^ (z >> 31))
}
