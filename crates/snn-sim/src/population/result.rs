//! What a run records and returns: spike events, membrane traces, counts.

use super::*;

/// What a [`Population::run`] records. Spike counts per neuron are always kept.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Record {
    /// Keep every spike as a `(neuron, step)` event.
    pub spikes: bool,
    /// Neurons whose membrane potential (and input) to record at every step.
    pub traces: Vec<usize>,
}

impl Record {
    /// Spike counts only.
    pub fn counts() -> Self {
        Self::default()
    }
    /// Every spike event, and counts.
    pub fn spikes() -> Self {
        Self {
            spikes: true,
            traces: Vec::new(),
        }
    }
    /// Adds membrane traces of the given neurons.
    pub fn with_traces(mut self, neurons: impl IntoIterator<Item = usize>) -> Self {
        self.traces.extend(neurons);
        self
    }
}

/// Spike events in time order: spike `j` is neuron `neuron[j]` at step `step[j]`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SpikeTrains {
    pub(crate) neuron: Vec<u32>,
    pub(crate) step: Vec<u32>,
}

impl SpikeTrains {
    /// The spikes of a row-major raster of `n` neurons (`spiked(k)` for entry `k = step·n +
    /// neuron`, `len` entries), for spikes that come from elsewhere (a network trained by
    /// gradient keeps its spikes as 0/1 per step and neuron).
    ///
    /// # Errors
    /// `n` of 0; `len` not a multiple of `n`; more steps or neurons than a `u32` counts.
    pub fn from_raster(n: usize, len: usize, spiked: impl Fn(usize) -> bool) -> Result<Self> {
        crate::check::nonzero("neurons", n)?;
        if !len.is_multiple_of(n) {
            return Err(SnnError::LengthMismatch {
                name: "raster (a whole number of steps of n neurons)",
                expected: len.next_multiple_of(n),
                got: len,
            });
        }
        if u32::try_from(len / n).is_err() || u32::try_from(n).is_err() {
            return Err(SnnError::TooFew {
                name: "u32 indices for the raster's steps and neurons",
                min: len,
                got: u32::MAX as usize,
            });
        }
        let mut out = SpikeTrains::default();
        for k in (0..len).filter(|&k| spiked(k)) {
            out.step.push((k / n) as u32);
            out.neuron.push((k % n) as u32);
        }
        Ok(out)
    }
    /// Neuron index of each spike, in time order.
    pub fn neurons(&self) -> &[u32] {
        &self.neuron
    }
    /// Step index (0-based) of each spike, in time order (non-decreasing).
    pub fn steps(&self) -> &[u32] {
        &self.step
    }
    /// Number of spikes.
    pub fn len(&self) -> usize {
        self.step.len()
    }
    /// True when there is no spike.
    pub fn is_empty(&self) -> bool {
        self.step.is_empty()
    }
    /// The spikes of the steps before `end_step`, in the same order (for a frame of a movie).
    pub fn before(&self, end_step: usize) -> SpikeTrains {
        // Steps are in time order: the spikes before `end_step` are a prefix.
        let k = self.step.partition_point(|&s| (s as usize) < end_step);
        SpikeTrains {
            neuron: self.neuron[..k].to_vec(),
            step: self.step[..k].to_vec(),
        }
    }
    /// `(neuron, step)` pairs in time order.
    pub fn iter(&self) -> impl Iterator<Item = (u32, u32)> + '_ {
        self.neuron.iter().copied().zip(self.step.iter().copied())
    }
    /// Steps at which `neuron` spiked, ascending.
    pub fn steps_of(&self, neuron: usize) -> Vec<u32> {
        self.iter()
            .filter(|&(n, _)| n as usize == neuron)
            .map(|(_, s)| s)
            .collect()
    }
}

/// The membrane potential of one neuron: `v[k]` is `V(k*dt)` for `k = 0..=steps` (`v[0]` is
/// the initial value; after a spike the recorded value is the reset value), `input[k]` the
/// current applied during step `k` (`k < steps`), and `crossings` the potential each spike
/// reached before its reset, so a chart can draw the crossing, not just the reset.
#[derive(Debug, Clone, PartialEq)]
pub struct Trace<F> {
    pub(crate) neuron: usize,
    pub(crate) v: Vec<F>,
    pub(crate) input: Vec<F>,
    pub(crate) crossings: Vec<(u32, F)>,
}

impl<F: Copy> Trace<F> {
    /// Neuron index.
    pub fn neuron(&self) -> usize {
        self.neuron
    }
    /// Potential, mV (LIF) or unit-free (discrete), `steps + 1` samples: `v()[k] = V(k·dt)`.
    pub fn v(&self) -> &[F] {
        &self.v
    }
    /// Input current per step, nA (LIF) or unit-free (discrete), `steps` samples.
    pub fn input(&self) -> &[F] {
        &self.input
    }
    /// `(step, V')` for every spike: the updated potential `V'` of that step, at or above the
    /// firing level, that the reset then replaced (same unit as [`v`](Self::v)).
    pub fn crossings(&self) -> &[(u32, F)] {
        &self.crossings
    }
}

/// What a run returns. Charts read it; they never re-run a simulation.
///
/// Made only by a run ([`Population::run`](crate::Population::run), or runs joined with
/// [`SimResult::append`]), so its parts agree (one count per neuron, traces of
/// `steps + 1` samples, spikes inside the run); read through its accessors.
/// ```compile_fail,E0616
/// # use snn_sim::{DiscreteParams, Drive, Population, Record};
/// let p = DiscreteParams::original().build().unwrap();
/// let mut out = Population::<f64>::new(&p, 1).unwrap()
///     .run(10, Drive::Constant(0.5), &Record::spikes()).unwrap();
/// out.steps = 3; // error: field `steps` is private (spike_train_of would index past it)
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct SimResult<F> {
    pub(crate) n: usize,
    pub(crate) steps: usize,
    pub(crate) dt: f64,
    pub(crate) v_th: F,
    pub(crate) v_reset: F,
    pub(crate) spikes: SpikeTrains,
    pub(crate) counts: Vec<u32>,
    pub(crate) traces: Vec<Trace<F>>,
}

impl<F: Copy> SimResult<F> {
    /// Number of neurons.
    pub fn n(&self) -> usize {
        self.n
    }
    /// Number of steps simulated.
    pub fn steps(&self) -> usize {
        self.steps
    }
    /// Time step, ms (LIF) or 1 (discrete: time in steps).
    pub fn dt(&self) -> f64 {
        self.dt
    }
    /// Firing level (threshold), for drawing: mV (LIF) or unit-free (discrete).
    pub fn v_th(&self) -> F {
        self.v_th
    }
    /// Value the potential is reset to or held at, for drawing (same unit as `v_th`).
    pub fn v_reset(&self) -> F {
        self.v_reset
    }
    /// Spike events (empty unless [`Record::spikes`] was asked for).
    pub fn spikes(&self) -> &SpikeTrains {
        &self.spikes
    }
    /// Spikes per neuron over the run, one per neuron.
    pub fn counts(&self) -> &[u32] {
        &self.counts
    }
    /// The spike counts, moved out of the result.
    pub fn into_counts(self) -> Vec<u32> {
        self.counts
    }
    /// Membrane traces of the neurons in [`Record::with_traces`], in that order.
    pub fn traces(&self) -> &[Trace<F>] {
        &self.traces
    }
    /// The trace of `neuron`, if it was recorded.
    pub fn trace_of(&self, neuron: usize) -> Option<&Trace<F>> {
        self.traces.iter().find(|t| t.neuron == neuron)
    }
}

impl<F: Real> SimResult<F> {
    /// The same result in `f64` (exact widening for `f32`).
    pub fn to_f64(&self) -> SimResult<f64> {
        SimResult {
            n: self.n,
            steps: self.steps,
            dt: self.dt,
            v_th: self.v_th.as_f64(),
            v_reset: self.v_reset.as_f64(),
            spikes: self.spikes.clone(),
            counts: self.counts.clone(),
            traces: self
                .traces
                .iter()
                .map(|t| Trace {
                    neuron: t.neuron,
                    v: t.v.iter().map(|x| x.as_f64()).collect(),
                    input: t.input.iter().map(|x| x.as_f64()).collect(),
                    crossings: t.crossings.iter().map(|&(k, x)| (k, x.as_f64())).collect(),
                })
                .collect(),
        }
    }
}

impl<F> SimResult<F> {
    /// Appends `next`, the run that continued this one on the same population (what
    /// [`Population::run`](crate::Population::run) returned for the steps after these), so
    /// that a run taken in pieces reads as one: its steps, spikes and crossings move on by
    /// this result's steps, counts add up, and each trace goes on from its last potential
    /// (`next`'s first value is this one's last, kept once).
    ///
    /// # Errors
    /// [`SnnError::Mismatch`](crate::SnnError::Mismatch) when `next` has another neuron
    /// count, step, threshold or set of traced neurons; this result is then unchanged.
    pub fn append(&mut self, next: SimResult<F>) -> crate::Result<()>
    where
        F: Copy + PartialEq + std::fmt::Debug,
    {
        let same_traces = self.traces.len() == next.traces.len()
            && self
                .traces
                .iter()
                .zip(&next.traces)
                .all(|(a, b)| a.neuron == b.neuron);
        if self.n != next.n || self.dt != next.dt || self.v_th != next.v_th || !same_traces {
            return Err(crate::SnnError::Mismatch {
                what: "continued run",
                expected: format!(
                    "{} neurons, dt {}, the same traced neurons",
                    self.n, self.dt
                ),
                got: format!("{} neurons, dt {}", next.n, next.dt),
            });
        }
        let base = self.steps as u32;
        for (j, st) in next.spikes.iter() {
            self.spikes.neuron.push(j);
            self.spikes.step.push(base + st);
        }
        for (c, d) in self.counts.iter_mut().zip(&next.counts) {
            *c += d;
        }
        for (a, b) in self.traces.iter_mut().zip(next.traces) {
            a.v.extend_from_slice(b.v.get(1..).unwrap_or(&[]));
            a.input.extend(b.input);
            a.crossings
                .extend(b.crossings.into_iter().map(|(k, v)| (base + k, v)));
        }
        self.steps += next.steps;
        Ok(())
    }
    /// Steps at which `neuron` spiked (needs recorded spikes).
    pub fn spike_steps_of(&self, neuron: usize) -> Vec<u32> {
        self.spikes.steps_of(neuron)
    }
    /// Times at which `neuron` spiked, `(step + 1) * dt` (ms for LIF): the end of the step in
    /// which the potential crossed threshold.
    pub fn spike_times_of(&self, neuron: usize) -> Vec<f64> {
        self.spikes
            .steps_of(neuron)
            .into_iter()
            .map(|s| (s as f64 + 1.0) * self.dt)
            .collect()
    }
    /// Binary spike train of `neuron`, one 0/1 per step (the original's printout).
    pub fn spike_train_of(&self, neuron: usize) -> Vec<u8> {
        let mut out = vec![0u8; self.steps];
        for s in self.spikes.steps_of(neuron) {
            out[s as usize] = 1;
        }
        out
    }
    /// Total number of spikes.
    pub fn total_spikes(&self) -> u64 {
        self.counts.iter().map(|&c| c as u64).sum()
    }
    /// Mean firing rate of `neuron` over the run, spikes per time unit (per ms for LIF).
    pub fn rate_of(&self, neuron: usize) -> f64 {
        self.counts.get(neuron).map_or(0.0, |&c| c as f64) / (self.steps as f64 * self.dt)
    }
}
