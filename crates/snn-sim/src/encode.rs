//! Spike encoders: how an input value becomes spikes.
//!
//! | encoder | input | what fires |
//! |---|---|---|
//! | [`direct current`](crate::Drive::Constant) | any value | nothing is encoded: the value is injected as current (the original demo) |
//! | [`RateEncoder`] ([`RateModel::Bernoulli`]) | intensity `x` in [0, 1] | each step a spike with probability `p = x * max_rate * dt` |
//! | [`RateEncoder`] ([`RateModel::Poisson`]) | intensity `x` in [0, 1] | a Poisson process of rate `x * max_rate`; a step may hold several spikes |
//! | [`LatencyEncoder`] | intensity `x` in [0, 1] | one spike, earlier for larger `x` |
//! | [`DeltaEncoder`] | a signal over time | a spike when the signal has moved by more than a threshold |
//!
//! Time is in ms (`dt`), rates in Hz. Every encoder takes the random generator as
//! `&mut impl Rng` (the deterministic ones ignore it), so encodings are reproducible.

use ndarray::{Array2, ArrayView2};
use rand::Rng;

use crate::error::{all_finite, finite, fits, nonzero, positive, Result, SnnError};
use crate::param::{Param, Values};
use crate::population::SpikeTrains;
use crate::real::Real;

/// Spike counts on a time grid: `counts[[k, c]]` spikes of channel `c` in step `k`
/// (usually 0 or 1; Poisson encoding can put several in one step).
#[derive(Debug, Clone, PartialEq)]
pub struct SpikeMatrix {
    /// Spike counts, shape `(steps, channels)`.
    pub counts: Array2<u16>,
    /// Time step, ms.
    pub dt: f64,
}

impl SpikeMatrix {
    /// Number of time steps.
    pub fn steps(&self) -> usize {
        self.counts.nrows()
    }
    /// Number of channels.
    pub fn channels(&self) -> usize {
        self.counts.ncols()
    }
    /// Total spikes.
    pub fn total(&self) -> u64 {
        self.counts.iter().map(|&c| c as u64).sum()
    }
    /// Spikes per channel over the whole window.
    pub fn channel_counts(&self) -> Vec<u32> {
        self.counts
            .columns()
            .into_iter()
            .map(|c| c.iter().map(|&x| x as u32).sum())
            .collect()
    }
    /// The spikes as `(channel, step)` events in time order, one event per spike.
    pub fn events(&self) -> SpikeTrains {
        let mut out = SpikeTrains::default();
        for (k, row) in self.counts.rows().into_iter().enumerate() {
            for (c, &n) in row.iter().enumerate() {
                for _ in 0..n {
                    out.neuron.push(c as u32);
                    out.step.push(k as u32);
                }
            }
        }
        out
    }
    /// Input current to `n_out` neurons: `I[k, j] = sum_c counts[k, c] * w[c, j]`, with `w`
    /// of shape `(channels, n_out)`: each spike injects its weight for one step.
    ///
    /// # Errors
    /// [`SnnError::LengthMismatch`] when `w` has the wrong number of rows.
    pub fn current<F: Real>(&self, w: ArrayView2<'_, F>) -> Result<Array2<F>> {
        if w.nrows() != self.channels() {
            return Err(SnnError::LengthMismatch {
                name: "weight rows",
                expected: self.channels(),
                got: w.nrows(),
            });
        }
        let c = self.counts.mapv(|x| F::of(x as f64));
        Ok(c.dot(&w))
    }
}

fn check_intensities(x: &[f64]) -> Result<()> {
    if x.is_empty() {
        return Err(SnnError::Empty { name: "input" });
    }
    for &v in x {
        finite("input", v)?;
        if !(0.0..=1.0).contains(&v) {
            return Err(SnnError::OutOfRange {
                name: "input",
                range: "[0, 1]",
                value: v,
            });
        }
    }
    Ok(())
}

fn alloc(steps: usize, channels: usize) -> Result<Array2<u16>> {
    nonzero("steps", steps)?;
    fits("spike matrix", steps.saturating_mul(channels), 2)?;
    Ok(Array2::zeros((steps, channels)))
}

/// Largest mean number of spikes per step a Poisson [`RateEncoder`] accepts
/// (`max_rate * dt`): a spike matrix, not a firehose, and a bound on the work per step.
pub const MAX_POISSON_PER_STEP: f64 = 100.0;

/// Which random process a [`RateEncoder`] draws from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RateModel {
    /// At most one spike per step, with probability `p = rate * dt` (needs `p <= 1`).
    /// The count over `n` steps is Binomial(n, p): mean `n p`, variance `n p (1 - p)`.
    #[default]
    Bernoulli,
    /// A Poisson process of the given rate (at most [`MAX_POISSON_PER_STEP`] spikes per step
    /// on average), binned to steps (exponential inter-spike
    /// intervals). The count over a window `T` is Poisson: mean = variance = `rate * T`.
    Poisson,
}

/// Rate coding: intensity `x` in [0, 1] fires at `x * max_rate` Hz.
///
/// # Examples
/// ```
/// use snn_sim::{RateEncoder, RateModel, rng};
/// let enc = RateEncoder::new(100.0, 1.0, RateModel::Bernoulli)?; // 100 Hz at x = 1, dt 1 ms
/// let spikes = enc.encode(&[0.0, 0.5, 1.0], 1000, &mut rng(7))?;
/// let c = spikes.channel_counts();
/// assert_eq!(c[0], 0);
/// assert!(c[1] < c[2]); // about 50 and 100 spikes in 1 s
/// # Ok::<(), snn_sim::SnnError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateEncoder {
    max_rate_hz: f64,
    dt_ms: f64,
    model: RateModel,
}

impl RateEncoder {
    /// Largest rate, Hz: >= 0.
    pub const MAX_RATE: Param = Param::new("max_rate", " Hz", Values::NonNegative);
    /// Time step, ms: > 0.
    pub const DT: Param = Param::new("dt", " ms", Values::Positive);
    /// A rate encoder firing at up to `max_rate_hz` (Hz) on a grid of `dt_ms` (ms).
    ///
    /// # Errors
    /// Non-finite or negative rate, non-positive `dt`; for Bernoulli
    /// [`SnnError::ProbabilityAboveOne`] when `max_rate * dt > 1`; for Poisson
    /// [`SnnError::OutOfRange`] when `max_rate * dt` (the mean count per step) exceeds
    /// [`MAX_POISSON_PER_STEP`].
    pub fn new(max_rate_hz: f64, dt_ms: f64, model: RateModel) -> Result<Self> {
        let rate = Self::MAX_RATE.check(max_rate_hz)?;
        let dt = Self::DT.check(dt_ms)?;
        let p = rate * dt / 1000.0;
        if model == RateModel::Poisson && p > MAX_POISSON_PER_STEP {
            return Err(SnnError::OutOfRange {
                name: "max_rate * dt (mean spikes per step)",
                range: "[0, 100]",
                value: p,
            });
        }
        if model == RateModel::Bernoulli && p > 1.0 {
            return Err(SnnError::ProbabilityAboveOne { rate, dt, p });
        }
        Ok(Self {
            max_rate_hz: rate,
            dt_ms: dt,
            model,
        })
    }
    /// Largest rate, Hz.
    pub fn max_rate_hz(&self) -> f64 {
        self.max_rate_hz
    }
    /// Time step, ms.
    pub fn dt(&self) -> f64 {
        self.dt_ms
    }
    /// The random process.
    pub fn model(&self) -> RateModel {
        self.model
    }
    /// Encodes each intensity of `x` as one channel over `steps` steps.
    ///
    /// # Errors
    /// Empty `x`, a value outside [0, 1], zero steps, or a matrix above the memory limit.
    pub fn encode(&self, x: &[f64], steps: usize, rng: &mut impl Rng) -> Result<SpikeMatrix> {
        check_intensities(x)?;
        let mut counts = alloc(steps, x.len())?;
        match self.model {
            RateModel::Bernoulli => {
                let p: Vec<f64> = x
                    .iter()
                    .map(|&v| v * self.max_rate_hz * self.dt_ms / 1000.0)
                    .collect();
                for mut row in counts.rows_mut() {
                    for (c, &pc) in row.iter_mut().zip(&p) {
                        *c = (rng.gen::<f64>() < pc) as u16;
                    }
                }
            }
            RateModel::Poisson => {
                let window = steps as f64 * self.dt_ms;
                for (ch, &v) in x.iter().enumerate() {
                    let rate_per_ms = v * self.max_rate_hz / 1000.0;
                    if rate_per_ms <= 0.0 {
                        continue;
                    }
                    let mut t = 0.0;
                    loop {
                        // Exponential interval by inversion; 1 - U lies in (0, 1].
                        t += -(1.0 - rng.gen::<f64>()).ln() / rate_per_ms;
                        if t >= window {
                            break;
                        }
                        let k = ((t / self.dt_ms) as usize).min(steps - 1);
                        let c = &mut counts[[k, ch]];
                        *c = c.saturating_add(1);
                    }
                }
            }
        }
        Ok(SpikeMatrix {
            counts,
            dt: self.dt_ms,
        })
    }
}

/// Latency (time-to-first-spike) coding: each channel fires once, at step
/// `round((1 - x) * (steps - 1))`, so `x = 1` fires at once, smaller values later, and `x = 0`
/// never. A larger input fires earlier. Deterministic: the generator is not used.
///
/// # Examples
/// ```
/// use snn_sim::{LatencyEncoder, rng};
/// let s = LatencyEncoder::new(1.0)?.encode(&[1.0, 0.5, 0.0], 11, &mut rng(0))?;
/// assert_eq!(s.events().steps(), [0, 5]); // x = 1 at step 0, x = 0.5 at step 5, x = 0 silent
/// # Ok::<(), snn_sim::SnnError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LatencyEncoder {
    dt_ms: f64,
}

impl LatencyEncoder {
    /// A latency encoder on a grid of `dt_ms` (ms).
    ///
    /// # Errors
    /// Non-positive or non-finite `dt`.
    pub fn new(dt_ms: f64) -> Result<Self> {
        Ok(Self {
            dt_ms: positive("dt", " ms", dt_ms)?,
        })
    }
    /// The step at which intensity `x` fires within `steps` steps, or `None` for `x = 0`.
    pub fn spike_step(x: f64, steps: usize) -> Option<usize> {
        (x > 0.0).then(|| ((1.0 - x) * (steps.saturating_sub(1)) as f64).round() as usize)
    }
    /// Encodes each intensity of `x` as one channel over `steps` steps.
    ///
    /// # Errors
    /// Empty `x`, a value outside [0, 1], zero steps, or a matrix above the memory limit.
    pub fn encode(&self, x: &[f64], steps: usize, _rng: &mut impl Rng) -> Result<SpikeMatrix> {
        check_intensities(x)?;
        let mut counts = alloc(steps, x.len())?;
        for (c, &v) in x.iter().enumerate() {
            if let Some(k) = Self::spike_step(v, steps) {
                counts[[k, c]] = 1;
            }
        }
        Ok(SpikeMatrix {
            counts,
            dt: self.dt_ms,
        })
    }
}

/// Delta (change) coding of a signal over time: channel `c` of the input gives two output
/// channels, `c` (ON: the signal rose) and `C + c` (OFF: it fell). A spike fires at step `k`
/// when `|x[k] - ref| > threshold`, and the reference then moves to `x[k]`; the reference
/// starts at `x[0]`. A constant signal never fires. Deterministic: the generator is not used.
///
/// # Examples
/// ```
/// use snn_sim::{DeltaEncoder, rng, ndarray::array};
/// let signal = array![[0.0], [0.05], [0.2], [0.2], [0.0]]; // steps x channels
/// let s = DeltaEncoder::new(0.1, 1.0)?.encode(signal.view(), &mut rng(0))?;
/// assert_eq!(s.channel_counts(), vec![1, 1]); // one rise (step 2), one fall (step 4)
/// # Ok::<(), snn_sim::SnnError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DeltaEncoder {
    threshold: f64,
    dt_ms: f64,
}

impl DeltaEncoder {
    /// A delta encoder with change `threshold` (> 0, in the signal's unit) on a grid of `dt_ms`.
    ///
    /// # Errors
    /// Non-positive or non-finite threshold or `dt`.
    pub fn new(threshold: f64, dt_ms: f64) -> Result<Self> {
        Ok(Self {
            threshold: positive("threshold", "", threshold)?,
            dt_ms: positive("dt", " ms", dt_ms)?,
        })
    }
    /// Encodes `signal` of shape `(steps, channels)`.
    ///
    /// # Errors
    /// An empty signal, a non-finite value, or a matrix above the memory limit.
    pub fn encode(&self, signal: ArrayView2<'_, f64>, _rng: &mut impl Rng) -> Result<SpikeMatrix> {
        let (steps, ch) = signal.dim();
        if steps == 0 || ch == 0 {
            return Err(SnnError::Empty { name: "signal" });
        }
        all_finite("signal", signal.iter().copied())?;
        let mut counts = alloc(steps, 2 * ch)?;
        for c in 0..ch {
            let mut reference = signal[[0, c]];
            for k in 1..steps {
                let d = signal[[k, c]] - reference;
                if d.abs() > self.threshold {
                    counts[[k, if d > 0.0 { c } else { ch + c }]] = 1;
                    reference = signal[[k, c]];
                }
            }
        }
        Ok(SpikeMatrix {
            counts,
            dt: self.dt_ms,
        })
    }
}
