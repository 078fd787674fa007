//! Poisson spike counts per step, drawn from one uniform 64-bit number.

use rand::{Rng, RngCore};
use rand_distr::Distribution;

use crate::error::{Result, SnnError};

/// Means above this are drawn with `rand_distr::Poisson` instead of the table.
const TABLE_MAX_MEAN: f64 = 64.0;

/// A Poisson(λ) sampler. For `λ <= 64` it holds the cumulative distribution scaled to
/// 2^64, `c_n = ⌊P(X <= n)·2^64⌋`, and returns the first `n` with `u < c_n` for one uniform
/// `u` (inverse transform: about `λ + 1` comparisons, no floating point per draw); the last
/// entry is 2^64 − 1, so the tail beyond it (probability below 2^-60) is folded into it.
#[derive(Debug, Clone)]
pub(crate) struct PoissonCount {
    cdf: Vec<u64>,
    large: Option<rand_distr::Poisson<f64>>,
}

impl PoissonCount {
    pub(crate) fn new(mean: f64) -> Result<Self> {
        if !(mean.is_finite() && mean >= 0.0) {
            return Err(SnnError::OutOfRange {
                name: "mean inputs per step",
                range: "[0, inf)",
                value: mean,
            });
        }
        if mean > TABLE_MAX_MEAN {
            let d = rand_distr::Poisson::new(mean).map_err(|_| SnnError::OutOfRange {
                name: "mean inputs per step",
                range: "[0, 1e12]",
                value: mean,
            })?;
            return Ok(Self {
                cdf: Vec::new(),
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
        Ok(Self { cdf, large: None })
    }

    /// One count.
    #[inline]
    pub(crate) fn sample<R: RngCore>(&self, rng: &mut R) -> u32 {
        if let Some(d) = &self.large {
            return d.sample(rng) as u32;
        }
        let u = rng.gen::<u64>();
        let mut n = 0;
        // The last entry is u64::MAX, and u <= u64::MAX: stop there at the latest.
        while n + 1 < self.cdf.len() && u >= self.cdf[n] {
            n += 1;
        }
        n as u32
    }
}
