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
    /// Neuron index of each spike.
    pub neuron: Vec<u32>,
    /// Step index (0-based) of each spike.
    pub step: Vec<u32>,
}

impl SpikeTrains {
    /// Number of spikes.
    pub fn len(&self) -> usize {
        self.step.len()
    }
    /// True when there is no spike.
    pub fn is_empty(&self) -> bool {
        self.step.is_empty()
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
    /// Neuron index.
    pub neuron: usize,
    /// Potential, mV (LIF) or unit-free (discrete), `steps + 1` samples.
    pub v: Vec<F>,
    /// Input current per step, nA (LIF) or unit-free (discrete), `steps` samples.
    pub input: Vec<F>,
    /// `(step, V')` for every spike: the updated potential `V'` of that step, at or above the
    /// firing level, that the reset then replaced (same unit as `v`).
    pub crossings: Vec<(u32, F)>,
}

/// What a run returns. Charts read it; they never re-run a simulation.
#[derive(Debug, Clone, PartialEq)]
pub struct SimResult<F> {
    /// Number of neurons.
    pub n: usize,
    /// Number of steps simulated.
    pub steps: usize,
    /// Time step, ms (LIF) or 1 (discrete: time in steps).
    pub dt: f64,
    /// Threshold, for drawing.
    pub v_th: F,
    /// Value the potential is reset to or held at, for drawing.
    pub v_reset: F,
    /// Spike events (empty unless [`Record::spikes`] was asked for).
    pub spikes: SpikeTrains,
    /// Spikes per neuron over the run.
    pub counts: Vec<u32>,
    /// Membrane traces of the neurons in [`Record::traces`], in that order.
    pub traces: Vec<Trace<F>>,
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
