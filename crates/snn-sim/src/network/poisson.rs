//! Poisson spike counts per step, drawn from one uniform 64-bit number.

use rand::{Rng, RngCore};
use rand_distr::Distribution;

use crate::error::{Result, SnnError};

/// Means above this are drawn with `rand_distr::Poisson` instead of the table.
const TABLE_MAX_MEAN: f64 = 64.0;

/// The largest mean count per step.
const MAX_MEAN: f64 = 1e8;

/// Guide-table buckets: the top `GUIDE_BITS` bits of the uniform number.
const GUIDE_BITS: u32 = 12;
/// Marks a bucket that holds a step of the distribution function (search needed).
const SEARCH: u16 = 1 << 15;

/// A Poisson(λ) sampler. For `λ <= 64` it holds the cumulative distribution scaled to
/// 2^64, `c_n = ⌊P(X <= n)·2^64⌋`, and returns the first `n` with `u < c_n` for one uniform
/// 64-bit `u` (inverse transform, no floating point per draw); the last entry is 2^64 − 1, so
/// the tail beyond it (probability below 2^-60) is folded into it. A guide table over the top
/// 12 bits of `u` (Chen and Asau, 1974) answers most draws with one lookup: a bucket that no
/// `c_n` falls inside maps to one count; the others start the search at their first count.
#[derive(Debug, Clone)]
pub(crate) struct PoissonCount {
    cdf: Vec<u64>,
    guide: Vec<u16>,
    large: Option<rand_distr::Poisson<f64>>,
}

impl PoissonCount {
    pub(crate) fn new(mean: f64) -> Result<Self> {
        // Counts are u32: a mean of 1e8 keeps every draw (mean + 1e5 standard deviations)
        // far below u32::MAX.
        if !(mean.is_finite() && (0.0..=MAX_MEAN).contains(&mean)) {
            return Err(SnnError::OutOfRange {
                name: "mean inputs per step",
                range: "[0, 1e8]",
                value: mean,
            });
        }
        if mean > TABLE_MAX_MEAN {
            let d = rand_distr::Poisson::new(mean).map_err(|_| SnnError::OutOfRange {
                name: "mean inputs per step",
                range: "[0, 1e8]",
                value: mean,
            })?;
            return Ok(Self {
                cdf: Vec::new(),
                guide: Vec::new(),
                large: Some(d),
            });
        }
        let scale = 18_446_744_073_709_551_616.0; // 2^64
        let mut cdf = Vec::new();
        let mut p = (-mean).exp();
        let mut total = p;
        let mut n = 0u32;
        while total < 1.0 - 2f64.powi(-60) && n < 1000 {
            let c = total * scale;
            cdf.push(if c >= scale { u64::MAX } else { c as u64 });
            n += 1;
            p *= mean / f64::from(n);
            total += p;
        }
        cdf.push(u64::MAX);
        let shift = 64 - GUIDE_BITS;
        let guide = (0..1u64 << GUIDE_BITS)
            .map(|b| {
                let lo = b << shift;
                let hi = lo | ((1u64 << shift) - 1);
                // The count of the bucket's smallest u, and whether its largest u has the same.
                let first = cdf.iter().position(|&c| lo < c).unwrap_or(cdf.len() - 1);
                let last = cdf.iter().position(|&c| hi < c).unwrap_or(cdf.len() - 1);
                first as u16 | if first == last { 0 } else { SEARCH }
            })
            .collect();
        Ok(Self {
            cdf,
            guide,
            large: None,
        })
    }

    /// One count.
    #[inline(always)]
    pub(crate) fn sample<R: RngCore>(&self, rng: &mut R) -> u32 {
        if let Some(d) = &self.large {
            return d.sample(rng) as u32;
        }
        let u = rng.gen::<u64>();
        let g = self.guide[(u >> (64 - GUIDE_BITS)) as usize];
        if g & SEARCH == 0 {
            return u32::from(g);
        }
        let mut n = usize::from(g & !SEARCH);
        // The last entry is u64::MAX, and u <= u64::MAX: stop there at the latest.
        while n + 1 < self.cdf.len() && u >= self.cdf[n] {
            n += 1;
        }
        n as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    /// The guide table changes the speed, not the draw: every u gives the count of the plain
    /// inverse transform, at the bucket edges and at random.
    #[test]
    fn guide_table_gives_the_inverse_transform_count() {
        for mean in [0.0, 1e-3, 0.3, 2.0, 4.0, 17.5, 64.0] {
            let p = PoissonCount::new(mean).unwrap();
            let plain = |u: u64| {
                let mut n = 0;
                while n + 1 < p.cdf.len() && u >= p.cdf[n] {
                    n += 1;
                }
                n as u32
            };
            let via_guide = |u: u64| {
                struct Fixed(u64);
                impl RngCore for Fixed {
                    fn next_u32(&mut self) -> u32 {
                        self.0 as u32
                    }
                    fn next_u64(&mut self) -> u64 {
                        self.0
                    }
                    fn fill_bytes(&mut self, d: &mut [u8]) {
                        d.fill(0)
                    }
                    fn try_fill_bytes(
                        &mut self,
                        d: &mut [u8],
                    ) -> std::result::Result<(), rand::Error> {
                        d.fill(0);
                        Ok(())
                    }
                }
                p.sample(&mut Fixed(u))
            };
            let mut us: Vec<u64> = vec![0, 1, u64::MAX, u64::MAX - 1];
            for &c in &p.cdf {
                us.extend([c.saturating_sub(1), c, c.saturating_add(1)]);
            }
            for b in 0..1u64 << GUIDE_BITS {
                us.extend([
                    b << (64 - GUIDE_BITS),
                    (b << (64 - GUIDE_BITS)).wrapping_sub(1),
                ]);
            }
            let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(3);
            us.extend((0..20_000).map(|_| rng.gen::<u64>()));
            for u in us {
                assert_eq!(via_guide(u), plain(u), "mean {mean}, u {u}");
            }
        }
    }
}
