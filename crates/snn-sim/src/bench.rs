//! The shared benchmark workload, so the CLI, the criterion benches, the notebooks and the
//! comparison scripts all time exactly the same thing.
//!
//! N independent neurons, `v <- v*a + b_i` with `a = exp(-0.1/10)` (dt 0.1 ms, tau 10 ms),
//! `b_i = (0.5 + 1.5*i/(N-1)) * (1 - a)`, a spike when `v > 1`, reset to 0, `v(0) = 0`.
//! Neurons with `b_i/(1-a) <= 1` never fire; the rest fire periodically. With float64 and
//! 1,000 steps the totals are 5585, 55851 and 558501 spikes for N = 1e3, 1e4, 1e5.

use crate::error::Result;
use crate::neuron::{Crossing, DiscreteParams};
use crate::real::Real;

/// The leak factor `a = exp(-0.1 / 10)`.
pub fn decay() -> f64 {
    (-0.1f64 / 10.0).exp()
}

/// The model: decay `a`, threshold 1, spike on `v > 1`, reset to 0.
///
/// # Errors
/// Never in practice; kept fallible because building parameters is.
pub fn params() -> Result<DiscreteParams> {
    DiscreteParams::builder()
        .decay(decay())
        .threshold(1.0)
        .crossing(Crossing::Above)
        .build()
}

/// The per-neuron drive `b_i = (0.5 + 1.5*i/(N-1)) * (1 - a)` in precision `F` (computed in
/// f64, then rounded). For `n == 1`, `b_0 = 0.5 * (1 - a)`.
pub fn drive<F: Real>(n: usize) -> Vec<F> {
    let a = decay();
    let denom = (n.max(2) - 1) as f64;
    (0..n)
        .map(|i| F::of((0.5 + 1.5 * i as f64 / denom) * (1.0 - a)))
        .collect()
}
