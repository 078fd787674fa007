//! What a network run records and returns, and the statistics read from it.

use super::PopId;
use crate::error::{Result, SnnError};
use crate::population::SpikeTrains;

/// What a [`Network::run`](super::Network::run) records. Spike counts per neuron and the number of spikes of
/// each population at every step are always kept.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NetRecord {
    /// Keep every spike as a `(neuron, step)` event, per population.
    pub spikes: bool,
    /// `(population, neuron)` pairs whose membrane potential to record at every step.
    pub traces: Vec<(PopId, usize)>,
}

impl NetRecord {
    /// Counts and population activity only.
    pub fn counts() -> Self {
        Self::default()
    }
    /// Every spike too.
    pub fn spikes() -> Self {
        Self {
            spikes: true,
            traces: Vec::new(),
        }
    }
    /// Adds the membrane traces of `neurons` of population `pop`.
    pub fn with_traces(mut self, pop: PopId, neurons: impl IntoIterator<Item = usize>) -> Self {
        self.traces.extend(neurons.into_iter().map(|i| (pop, i)));
        self
    }
}

/// A population's statistics over a run, for a table or
/// `snn_plot::chart::regime_bars`.
#[derive(Debug, Clone, PartialEq)]
pub struct RegimeStats {
    /// What the row is (a regime, a simulator).
    pub label: String,
    /// Mean firing rate, Hz.
    pub rate_hz: f64,
    /// Mean ISI coefficient of variation over neurons with at least three spikes.
    pub cv_isi: Option<f64>,
    /// Coefficient of variation of the population spike count in 1 ms bins.
    pub synchrony: Option<f64>,
}

/// What one population did during a run.
#[derive(Debug, Clone, PartialEq)]
pub struct PopResult {
    pub(super) name: String,
    pub(super) n: usize,
    pub(super) dt: f64,
    pub(super) counts: Vec<u32>,
    pub(super) active: Vec<u32>,
    pub(super) spikes: SpikeTrains,
    pub(super) traces: Vec<(usize, Vec<f64>)>,
}

/// What a [`Network::run`](super::Network::run) returns. Charts read it; they never re-run the network.
#[derive(Debug, Clone, PartialEq)]
pub struct NetworkResult {
    pub(super) steps: usize,
    pub(super) dt: f64,
    pub(super) pops: Vec<PopResult>,
    pub(super) events: Vec<u64>,
}

impl NetworkResult {
    /// Number of steps simulated.
    pub fn steps(&self) -> usize {
        self.steps
    }
    /// Time step, ms.
    pub fn dt(&self) -> f64 {
        self.dt
    }
    /// Simulated time, ms.
    pub fn duration_ms(&self) -> f64 {
        self.steps as f64 * self.dt
    }
    /// One result per population, in the order they were added.
    pub fn populations(&self) -> &[PopResult] {
        &self.pops
    }
    /// The result of population `pop`.
    ///
    /// # Errors
    /// An unknown population.
    pub fn population(&self, pop: PopId) -> Result<&PopResult> {
        self.pops.get(pop.index()).ok_or(SnnError::IndexOutOfRange {
            name: "population",
            len: self.pops.len(),
            index: pop.index(),
        })
    }
    /// Spikes delivered by each projection (a spike of a source with `m` targets counts `m`),
    /// in the order the projections were added.
    pub fn events_per_projection(&self) -> &[u64] {
        &self.events
    }
    /// Spikes delivered by all projections.
    pub fn synaptic_events(&self) -> u64 {
        self.events.iter().sum()
    }
}

impl PopResult {
    /// The population's name.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// Number of neurons.
    pub fn n(&self) -> usize {
        self.n
    }
    /// Spikes per neuron during the run.
    pub fn counts(&self) -> &[u32] {
        &self.counts
    }
    /// Spikes of the whole population at each step.
    pub fn active(&self) -> &[u32] {
        &self.active
    }
    /// Spike events (empty unless [`NetRecord::spikes`] was asked for).
    pub fn spikes(&self) -> &SpikeTrains {
        &self.spikes
    }
    /// `(neuron, V)` for every traced neuron of this population: `V[k] = V(k·dt)` in mV,
    /// `steps + 1` samples.
    pub fn traces(&self) -> &[(usize, Vec<f64>)] {
        &self.traces
    }
    /// Mean firing rate over the run and the population, Hz:
    /// `spikes / (n · steps · dt) · 1000`.
    pub fn mean_rate_hz(&self) -> f64 {
        let total: u64 = self.counts.iter().map(|&c| u64::from(c)).sum();
        let seconds = self.active.len() as f64 * self.dt * 1e-3;
        if seconds > 0.0 {
            total as f64 / (self.n as f64 * seconds)
        } else {
            0.0
        }
    }
    /// Population rate in bins of `bin_ms` (rounded to whole steps, at least one), Hz:
    /// spikes in the bin / (n · bin · dt). A last partial bin is dropped.
    pub fn rate_hz(&self, bin_ms: f64) -> Vec<f64> {
        let bin = self.bin_steps(bin_ms);
        let norm = self.n as f64 * bin as f64 * self.dt * 1e-3;
        self.active
            .chunks_exact(bin)
            .map(|c| c.iter().map(|&x| f64::from(x)).sum::<f64>() / norm)
            .collect()
    }
    fn bin_steps(&self, bin_ms: f64) -> usize {
        let b = (bin_ms / self.dt).round();
        if b.is_finite() && b >= 1.0 {
            b.min(usize::MAX as f64) as usize
        } else {
            1
        }
    }
    /// Mean rate, ISI CV and synchrony (1 ms bins) under `label`.
    pub fn stats(&self, label: &str) -> RegimeStats {
        RegimeStats {
            label: label.to_string(),
            rate_hz: self.mean_rate_hz(),
            cv_isi: self.cv_isi(),
            synchrony: self.synchrony(1.0),
        }
    }
    /// Mean coefficient of variation of the inter-spike intervals, `std(ISI)/mean(ISI)`, over
    /// the neurons with at least three spikes (two intervals); `None` when no neuron has
    /// three, or when spikes were not recorded.
    pub fn cv_isi(&self) -> Option<f64> {
        let mut by_neuron: Vec<Vec<u32>> = vec![Vec::new(); self.n];
        for (i, s) in self.spikes.iter() {
            by_neuron[i as usize].push(s);
        }
        let mut sum = 0.0;
        let mut count = 0usize;
        for steps in &by_neuron {
            if steps.len() < 3 {
                continue;
            }
            let isi: Vec<f64> = steps.windows(2).map(|w| f64::from(w[1] - w[0])).collect();
            let m = isi.iter().sum::<f64>() / isi.len() as f64;
            let var = isi.iter().map(|x| (x - m).powi(2)).sum::<f64>() / isi.len() as f64;
            sum += var.sqrt() / m;
            count += 1;
        }
        (count > 0).then(|| sum / count as f64)
    }
    /// Synchrony: the coefficient of variation of the population spike count `A` in bins of
    /// `bin_ms` (rounded to whole steps, at least one), `std(A)/mean(A)`. Near
    /// `1/√(n·rate·bin)` (the Poisson level) for asynchronous firing; of order 1 or more when
    /// the population fires in waves. `None` when the population never fired.
    pub fn synchrony(&self, bin_ms: f64) -> Option<f64> {
        let bin = self.bin_steps(bin_ms);
        let a: Vec<f64> = self
            .active
            .chunks_exact(bin)
            .map(|c| c.iter().map(|&x| f64::from(x)).sum())
            .collect();
        if a.is_empty() {
            return None;
        }
        let m = a.iter().sum::<f64>() / a.len() as f64;
        if m <= 0.0 {
            return None;
        }
        let var = a.iter().map(|x| (x - m).powi(2)).sum::<f64>() / a.len() as f64;
        Some(var.sqrt() / m)
    }
}

/// Writes what a run records into its [`PopResult`]s, step by step: the spikes of each step
/// (given population by population, in pieces when several threads hold them, in neuron
/// order) and the traced potentials.
pub(super) struct Recorder<'a> {
    pops: &'a mut [PopResult],
    spikes: bool,
    /// For each traced neuron of the [`NetRecord`], its population and its place among that
    /// population's traces.
    slots: Vec<(usize, usize)>,
    step: u32,
}

impl<'a> Recorder<'a> {
    /// A recorder into `pops` of what `record` asks for (its traces already in `pops`).
    pub(super) fn new(pops: &'a mut [PopResult], record: &NetRecord) -> Self {
        let mut seen = vec![0; pops.len()];
        let slots = record
            .traces
            .iter()
            .map(|(pop, _)| {
                let p = pop.index();
                seen[p] += 1;
                (p, seen[p] - 1)
            })
            .collect();
        Self {
            pops,
            spikes: record.spikes,
            slots,
            step: 0,
        }
    }
    /// Starts step `step` of the run (counted from its first step).
    pub(super) fn begin(&mut self, step: u32) {
        self.step = step;
        for r in self.pops.iter_mut() {
            r.active.push(0);
        }
    }
    /// Spikes of population `pop` in this step (all of them, or the next piece).
    pub(super) fn spikes(&mut self, pop: usize, spiked: &[u32]) {
        let r = &mut self.pops[pop];
        if let Some(a) = r.active.last_mut() {
            *a += spiked.len() as u32;
        }
        if self.spikes {
            r.spikes.neuron.extend_from_slice(spiked);
            let step = self.step;
            r.spikes
                .step
                .extend(std::iter::repeat_n(step, spiked.len()));
        }
    }
    /// The potential of the `m`-th traced neuron after this step, mV.
    pub(super) fn trace(&mut self, m: usize, v: f64) {
        let (p, k) = self.slots[m];
        self.pops[p].traces[k].1.push(v);
    }
}
