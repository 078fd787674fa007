//! Spike sources: populations whose spikes are drawn or given, not integrated. They can be
//! the source of any projection (plastic ones included); what arrives at a source is
//! dropped.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use rand::Rng;

use crate::error::{Result, SnnError};
use crate::param::{Param, Values};
use crate::Rng64;

/// A population of spike sources, added with [`NetworkBuilder::source`](super::NetworkBuilder::source).
///
/// Spikes of step `t` happen at time `(t+1)·dt`, as a neuron's do.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    /// `n` independent Poisson sources of `rate_hz` each, as Brian2's `PoissonGroup`: every
    /// source spikes in a step with probability `p = rate·dt`, independently of its past. The
    /// gaps between its spikes are geometric, `P(gap = k steps) = (1 − p)^(k−1)·p`, and that is
    /// how they are drawn (one draw per spike, not one per step).
    Poisson {
        /// Number of sources.
        n: usize,
        /// Rate of each, Hz (`rate·dt <= 1`).
        rate_hz: f64,
    },
    /// `n` Poisson sources of `rate_hz` each whose spike counts in a step have correlation
    /// coefficient `c` (to first order in `rate·dt`): a shared "mother" train of `rate_hz`
    /// is copied by each source, spike by spike, with probability `√c`, and each source adds
    /// its own independent spikes at `(1 − √c)·rate_hz`. Two sources then share a spike with
    /// probability `c·rate·dt` per step. `c = 0` is [`Source::Poisson`]'s statistics.
    Correlated {
        /// Number of sources.
        n: usize,
        /// Rate of each, Hz.
        rate_hz: f64,
        /// Correlation coefficient, in [0, 1].
        c: f64,
    },
    /// `n` sources that spike at given times, as Brian2's `SpikeGeneratorGroup`: each pair is
    /// `(source, time in ms)`; a time `t` falls in the step ending at `round(t/dt)·dt`
    /// (times from `dt` on). A source spikes at most once per step.
    Times {
        /// Number of sources.
        n: usize,
        /// `(source index, spike time in ms)`, in any order.
        spikes: Vec<(usize, f64)>,
    },
}

impl Source {
    /// Rate of each Poisson source, Hz: >= 0 (and at most one spike per step).
    pub const RATE: Param = Param::new("rate", " Hz", Values::NonNegative);
    /// Correlation coefficient of correlated sources: in [0, 1].
    pub const C: Param = Param::new(
        "c",
        "",
        Values::Within {
            lo: 0.0,
            hi: 1.0,
            lo_open: false,
            hi_open: false,
            text: "[0, 1]",
        },
    );
    /// `n` independent Poisson sources of `rate_hz`.
    pub fn poisson(n: usize, rate_hz: f64) -> Self {
        Source::Poisson { n, rate_hz }
    }
    /// `n` Poisson sources of `rate_hz` with pairwise correlation `c`.
    pub fn correlated(n: usize, rate_hz: f64, c: f64) -> Self {
        Source::Correlated { n, rate_hz, c }
    }
    /// `n` sources spiking at the given `(source, ms)` times.
    pub fn times(n: usize, spikes: Vec<(usize, f64)>) -> Self {
        Source::Times { n, spikes }
    }
    /// Number of sources.
    pub fn n(&self) -> usize {
        match *self {
            Source::Poisson { n, .. } | Source::Correlated { n, .. } | Source::Times { n, .. } => n,
        }
    }
    /// The error for asking a source for its membrane.
    pub(crate) fn no_membrane() -> SnnError {
        SnnError::Unsupported {
            name: "population",
            why: "a population of spike sources has no membrane potential",
        }
    }
    /// Checks the values for a network of step `dt` ms.
    pub(crate) fn validate(&self, dt: f64) -> Result<()> {
        let n = self.n();
        if n == 0 {
            return Err(SnnError::Zero { name: "sources" });
        }
        if n > u32::MAX as usize {
            return Err(SnnError::OutOfRange {
                name: "sources",
                range: "[1, 4294967295]",
                value: n as f64,
            });
        }
        match self {
            Source::Poisson { rate_hz, .. } | Source::Correlated { rate_hz, .. } => {
                Self::RATE.check(*rate_hz)?;
                let p = rate_hz * dt * 1e-3;
                if p > 1.0 {
                    return Err(SnnError::OutOfRange {
                        name: "rate",
                        range: "[0, 1000/dt_ms] Hz (at most one spike per step)",
                        value: *rate_hz,
                    });
                }
                if let Source::Correlated { c, .. } = self {
                    Self::C.check(*c)?;
                }
            }
            Source::Times { spikes, .. } => {
                for &(i, t) in spikes {
                    if i >= n {
                        return Err(SnnError::IndexOutOfRange {
                            name: "spike source",
                            len: n,
                            index: i,
                        });
                    }
                    let step = (t / dt).round();
                    if !(t.is_finite() && step >= 1.0 && step <= u32::MAX as f64) {
                        return Err(SnnError::OutOfRange {
                            name: "spike time",
                            range: "[dt, 4294967295·dt] ms",
                            value: t,
                        });
                    }
                }
            }
        }
        Ok(())
    }
}

/// A geometric gap sampler: steps from one spike to the next of a Bernoulli(`p`) process.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Gap {
    /// `1 / ln(1 − p)` (negative), or 0 when `p = 1` (every step), or NaN when `p = 0`.
    inv_log: f64,
}

impl Gap {
    fn new(p: f64) -> Self {
        let inv_log = if p <= 0.0 {
            f64::NAN
        } else if p >= 1.0 {
            0.0
        } else {
            1.0 / (-p).ln_1p()
        };
        Self { inv_log }
    }
    /// Steps to the next spike (at least 1), or `None` for a silent source. Inverse
    /// transform: `1 + ⌊ln U / ln(1 − p)⌋` for `U` uniform in (0, 1].
    fn draw(&self, rng: &mut Rng64) -> Option<u64> {
        if self.inv_log.is_nan() {
            return None;
        }
        let u = 1.0 - rng.gen::<f64>(); // (0, 1]
        let k = (u.ln() * self.inv_log).floor();
        // Gaps past 2^62 steps never come: treat them as silence.
        (k < 4.6e18).then(|| 1 + k as u64)
    }
}

/// A source's state while the network runs.
#[derive(Debug, Clone)]
pub(crate) enum SourceState {
    /// Next spike step of every source with one, earliest first (ties by index).
    Poisson {
        gap: Gap,
        next: BinaryHeap<Reverse<(u64, u32)>>,
        rng: Rng64,
        /// Correlated sources: the mother's next spike and the copy probability.
        mother: Option<(Gap, Option<u64>, f64)>,
    },
    /// `(step, source)`, sorted, and the first not yet fired.
    Times { spikes: Vec<(u64, u32)>, at: usize },
}

impl SourceState {
    /// The state of `source` in a network of step `dt`, drawing from `rng`.
    pub(crate) fn new(source: &Source, dt: f64, mut rng: Rng64) -> Self {
        match *source {
            Source::Poisson { n, rate_hz } => Self::poisson(n, rate_hz * dt * 1e-3, None, rng),
            Source::Correlated { n, rate_hz, c } => {
                let p = rate_hz * dt * 1e-3;
                let q = c.sqrt();
                let mother = Gap::new(p);
                let first = mother.draw(&mut rng).map(|g| g - 1);
                Self::poisson(n, (1.0 - q) * p, Some((mother, first, q)), rng)
            }
            Source::Times { ref spikes, .. } => {
                let mut s: Vec<(u64, u32)> = spikes
                    .iter()
                    .map(|&(i, t)| ((t / dt).round() as u64 - 1, i as u32))
                    .collect();
                s.sort_unstable();
                s.dedup();
                Self::Times { spikes: s, at: 0 }
            }
        }
    }

    fn poisson(n: usize, p: f64, mother: Option<(Gap, Option<u64>, f64)>, mut rng: Rng64) -> Self {
        let gap = Gap::new(p);
        let mut next = BinaryHeap::with_capacity(n);
        for i in 0..n {
            // The first spike's step: the first success of steps 0, 1, 2, ...
            if let Some(g) = gap.draw(&mut rng) {
                next.push(Reverse((g - 1, i as u32)));
            }
        }
        Self::Poisson {
            gap,
            next,
            rng,
            mother,
        }
    }

    /// The spikes of step `t`, ascending, into `spiked` (cleared first); `counts` counts them.
    pub(crate) fn step(&mut self, t: u64, spiked: &mut Vec<u32>, counts: &mut [u32]) {
        spiked.clear();
        match self {
            SourceState::Poisson {
                gap,
                next,
                rng,
                mother,
            } => {
                while let Some(&Reverse((s, i))) = next.peek() {
                    if s != t {
                        break;
                    }
                    spiked.push(i);
                    match gap.draw(rng) {
                        Some(g) => {
                            if let Some(mut top) = next.peek_mut() {
                                *top = Reverse((t + g, i));
                            }
                        }
                        None => {
                            next.pop();
                        }
                    }
                }
                if let Some((mg, at, q)) = mother {
                    if *at == Some(t) {
                        // Each source copies the mother's spike with probability q; a source
                        // that spikes on its own this step spikes once.
                        let own = spiked.len();
                        for i in 0..counts.len() as u32 {
                            if rng.gen::<f64>() < *q && spiked[..own].binary_search(&i).is_err() {
                                spiked.push(i);
                            }
                        }
                        spiked.sort_unstable();
                        *at = mg.draw(rng).map(|g| t + g);
                    }
                }
            }
            SourceState::Times { spikes, at } => {
                while let Some(&(s, i)) = spikes.get(*at) {
                    if s != t {
                        break;
                    }
                    spiked.push(i);
                    *at += 1;
                }
            }
        }
        for &i in spiked.iter() {
            counts[i as usize] += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn run(source: &Source, steps: u64, dt: f64) -> Vec<Vec<u32>> {
        let mut s = SourceState::new(source, dt, Rng64::seed_from_u64(3));
        let mut counts = vec![0; source.n()];
        let mut spiked = Vec::new();
        (0..steps)
            .map(|t| {
                s.step(t, &mut spiked, &mut counts);
                spiked.clone()
            })
            .collect()
    }

    #[test]
    fn poisson_rate_and_gaps_match_the_bernoulli_process() {
        // 200 sources at 50 Hz, dt 0.1 ms: p = 0.005, 200 s of spikes in all.
        let steps = 10_000;
        let out = run(&Source::poisson(200, 50.0), steps, 0.1);
        let total: usize = out.iter().map(Vec::len).sum();
        let expected = 200.0 * steps as f64 * 0.005; // 10,000
        assert!(
            (total as f64 - expected).abs() < 4.0 * expected.sqrt(),
            "{total}"
        );
        // Each step's list is ascending and without repeats.
        assert!(out.iter().all(|s| s.windows(2).all(|w| w[0] < w[1])));
        // Share of steps in which source 0 and source 1 both spike: p² (independent).
        let both = out
            .iter()
            .filter(|s| s.contains(&0) && s.contains(&1))
            .count();
        assert!(both <= 3, "{both}");
    }

    #[test]
    fn correlated_sources_share_spikes_at_c_rate_dt() {
        let (n, steps, p, c) = (50usize, 200_000u64, 0.002, 0.25);
        let out = run(&Source::correlated(n, 20.0, c), steps, 0.1);
        let mut per = vec![0usize; n];
        let mut shared01 = 0usize;
        for s in &out {
            for &i in s {
                per[i as usize] += 1;
            }
            shared01 += usize::from(s.contains(&0) && s.contains(&1));
        }
        let mean = per.iter().sum::<usize>() as f64 / n as f64;
        let want = steps as f64 * p; // 400 per source
        assert!((mean - want).abs() < 0.05 * want, "{mean}");
        // Pairs share c·p per step: 100 expected for each pair; average over pairs (0, j).
        let mut shared = 0usize;
        for s in &out {
            if s.contains(&0) {
                shared += s.len() - 1;
            }
        }
        let per_pair = shared as f64 / (n - 1) as f64;
        assert!(
            (per_pair - c * want).abs() < 0.2 * c * want,
            "{per_pair} {shared01}"
        );
    }

    #[test]
    fn times_fire_in_their_steps_and_silent_sources_never() {
        let out = run(
            &Source::times(3, vec![(2, 0.3), (0, 0.1), (2, 0.31), (1, 0.5)]),
            6,
            0.1,
        );
        assert_eq!(out, vec![vec![0], vec![], vec![2], vec![], vec![1], vec![]]);
        let silent = run(&Source::poisson(4, 0.0), 100, 0.1);
        assert!(silent.iter().all(Vec::is_empty));
        let every = run(&Source::poisson(3, 10_000.0), 5, 0.1);
        assert!(every.iter().all(|s| s == &vec![0, 1, 2]));
    }

    #[test]
    fn bad_sources_are_refused() {
        assert!(Source::poisson(0, 1.0).validate(0.1).is_err());
        assert!(Source::poisson(1, 10_001.0).validate(0.1).is_err());
        assert!(Source::poisson(1, f64::NAN).validate(0.1).is_err());
        assert!(Source::correlated(1, 1.0, 1.5).validate(0.1).is_err());
        assert!(Source::times(1, vec![(1, 1.0)]).validate(0.1).is_err());
        assert!(Source::times(1, vec![(0, 0.0)]).validate(0.1).is_err());
        assert!(Source::times(1, vec![(0, f64::INFINITY)])
            .validate(0.1)
            .is_err());
        assert!(Source::times(1, vec![(0, 0.1)]).validate(0.1).is_ok());
    }
}
