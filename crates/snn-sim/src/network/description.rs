//! The network as data: an immutable description of what a network is (its populations and
//! their models, the drawn synapses with their weights and delays, plasticity, Poisson
//! inputs, `dt` and seed), apart from the state a run changes ([`NetworkState`](super::NetworkState)).
//!
//! A description is made by [`NetworkBuilder::describe`](super::NetworkBuilder::describe)
//! (which draws the connectivity from the seed) and refined, before any run, by
//! [`with_weights`](NetworkDescription::with_weights) and
//! [`with_v0`](NetworkDescription::with_v0). Nothing in it changes while a network runs:
//! [`step`](super::step) reads it and writes only the state. Exporters (NIR) read it
//! directly, and anything that can describe a network can run it.

use std::sync::atomic::{AtomicU64, Ordering};

use super::connect::{Connectivity, Csr};
use super::source::Source;
use super::stdp::Stdp;
use super::synapse::Synapse;
use super::{PopId, ProjectionInfo};
use crate::error::{all_finite, bounded, fits, Result, SnnError};
use crate::neuron::LifParams;

/// A fresh identity for a description, so a state can tell the description it was made for.
pub(super) fn next_id() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// One population of a [`NetworkDescription`]: `n` LIF neurons of one model, or `n` spike
/// sources.
#[derive(Debug, Clone, PartialEq)]
pub struct PopulationDescription {
    pub(super) name: String,
    /// The neuron model; for spike sources, a placeholder carrying the network's `dt`.
    pub(super) params: LifParams,
    pub(super) source: Option<Source>,
    pub(super) n: usize,
    /// Starting membrane potentials, mV (else every neuron starts at the model's `v0`).
    pub(super) v0: Option<Vec<f64>>,
}

impl PopulationDescription {
    /// The name the population was given.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// Number of neurons (or sources).
    pub fn n(&self) -> usize {
        self.n
    }
    /// The LIF model of its neurons, or `None` for spike sources.
    pub fn model(&self) -> Option<&LifParams> {
        self.source.is_none().then_some(&self.params)
    }
    /// What its spike sources are, or `None` for neurons.
    pub fn source(&self) -> Option<&Source> {
        self.source.as_ref()
    }
    /// The starting membrane potential of every neuron, mV: the values given with
    /// [`NetworkDescription::with_v0`], else the model's `v0` for each. Empty for sources.
    pub fn v0(&self) -> Vec<f64> {
        match (&self.v0, &self.source) {
            (_, Some(_)) => Vec::new(),
            (Some(v), None) => v.clone(),
            (None, None) => vec![self.params.v0(); self.n],
        }
    }
}

/// One projection of a [`NetworkDescription`]: every synapse drawn, by source neuron.
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectionDescription {
    pub(super) from: PopId,
    pub(super) to: PopId,
    pub(super) synapse: Synapse,
    pub(super) connectivity: Connectivity,
    pub(super) autapses: bool,
    /// Delay in steps, at least 1: a spike of step `t` arrives at the start of step
    /// `t + 1 + delay_steps`.
    pub(super) delay: usize,
    pub(super) csr: Csr,
    /// One starting weight per synapse (in the order of `csr.target`), when each synapse
    /// has its own.
    pub(super) weights: Option<Vec<f64>>,
    pub(super) plasticity: Option<Stdp>,
}

impl ProjectionDescription {
    /// The source population.
    pub fn from(&self) -> PopId {
        self.from
    }
    /// The target population.
    pub fn to(&self) -> PopId {
        self.to
    }
    /// The synapse kind, with the shared weight (the default starting weight when each
    /// synapse has its own).
    pub fn synapse(&self) -> Synapse {
        self.synapse
    }
    /// The rule the synapses were drawn with.
    pub fn connectivity(&self) -> Connectivity {
        self.connectivity
    }
    /// Whether a neuron could connect to itself (same source and target population).
    pub fn autapses(&self) -> bool {
        self.autapses
    }
    /// Transmission delay in steps (at least 1).
    pub fn delay_steps(&self) -> usize {
        self.delay
    }
    /// Number of synapses drawn.
    pub fn synapses(&self) -> usize {
        self.csr.len()
    }
    /// Number of source neurons (rows).
    pub fn sources(&self) -> usize {
        self.csr.start.len().saturating_sub(1)
    }
    /// The targets of source neuron `source`, ascending.
    ///
    /// # Errors
    /// A source neuron beyond the source population.
    pub fn targets(&self, source: usize) -> Result<&[u32]> {
        if source >= self.sources() {
            return Err(SnnError::IndexOutOfRange {
                name: "source neuron",
                len: self.sources(),
                index: source,
            });
        }
        Ok(self.csr.row(source))
    }
    /// Where each source's synapses start in [`target_indices`](Self::target_indices) (and
    /// in the weights): source `i` has synapses `row_starts()[i]..row_starts()[i + 1]`.
    pub fn row_starts(&self) -> &[usize] {
        &self.csr.start
    }
    /// The target of every synapse, by source neuron, ascending within a source.
    pub fn target_indices(&self) -> &[u32] {
        &self.csr.target
    }
    /// The starting weight of every synapse (same order as
    /// [`target_indices`](Self::target_indices)) when each has its own; `None` when the
    /// projection shares [`synapse`](Self::synapse)'s weight.
    pub fn weights(&self) -> Option<&[f64]> {
        self.weights.as_deref()
    }
    /// The plasticity rule, if any.
    pub fn plasticity(&self) -> Option<&Stdp> {
        self.plasticity.as_ref()
    }
    /// What the projection connects and how, in one value.
    pub fn info(&self) -> ProjectionInfo {
        ProjectionInfo {
            from: self.from,
            to: self.to,
            synapse: self.synapse,
            delay_steps: self.delay,
            per_synapse: self.weights.is_some(),
            plasticity: self.plasticity,
        }
    }
}

/// Independent Poisson trains into every neuron of a population, through one synapse kind
/// with no delay: per step one count of mean `k·rate·dt`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PoissonInput {
    pub(super) to: PopId,
    pub(super) k: usize,
    pub(super) rate_hz: f64,
    pub(super) synapse: Synapse,
}

impl PoissonInput {
    /// The target population.
    pub fn to(&self) -> PopId {
        self.to
    }
    /// Trains per neuron.
    pub fn k(&self) -> usize {
        self.k
    }
    /// Rate of each train, Hz.
    pub fn rate_hz(&self) -> f64 {
        self.rate_hz
    }
    /// The synapse each input spike goes through.
    pub fn synapse(&self) -> Synapse {
        self.synapse
    }
}

/// What a network is, immutable once made: populations, projections with their drawn
/// synapses, Poisson inputs, the step `dt` (ms) and the `seed` its random streams come
/// from (connectivity, already drawn; Poisson inputs and spike sources, drawn as it runs).
/// Same description and same state, same spikes, on every machine.
#[derive(Debug, Clone, PartialEq)]
pub struct NetworkDescription {
    pub(super) id: u64,
    pub(super) dt: f64,
    pub(super) seed: u64,
    pub(super) populations: Vec<PopulationDescription>,
    pub(super) projections: Vec<ProjectionDescription>,
    pub(super) inputs: Vec<PoissonInput>,
}

impl NetworkDescription {
    /// Time step, ms.
    pub fn dt(&self) -> f64 {
        self.dt
    }
    /// The seed of the random streams.
    pub fn seed(&self) -> u64 {
        self.seed
    }
    /// The populations, in the order added.
    pub fn populations(&self) -> &[PopulationDescription] {
        &self.populations
    }
    /// The projections, in the order connected.
    pub fn projections(&self) -> &[ProjectionDescription] {
        &self.projections
    }
    /// The Poisson inputs, in the order added.
    pub fn inputs(&self) -> &[PoissonInput] {
        &self.inputs
    }
    /// Population `pop`.
    ///
    /// # Errors
    /// An unknown population.
    pub fn population(&self, pop: PopId) -> Result<&PopulationDescription> {
        self.populations
            .get(pop.index())
            .ok_or(SnnError::IndexOutOfRange {
                name: "population",
                len: self.populations.len(),
                index: pop.index(),
            })
    }
    /// Projection `index`.
    ///
    /// # Errors
    /// An unknown projection.
    pub fn projection(&self, index: usize) -> Result<&ProjectionDescription> {
        self.projections
            .get(index)
            .ok_or(SnnError::IndexOutOfRange {
                name: "projection",
                len: self.projections.len(),
                index,
            })
    }
    /// Neurons (and sources) in all populations.
    pub fn neurons(&self) -> usize {
        self.populations.iter().map(|p| p.n).sum()
    }
    /// Synapses in all projections.
    pub fn synapses(&self) -> usize {
        self.projections.iter().map(|p| p.csr.len()).sum()
    }
    /// The starting weights of projection `index` as a dense matrix, row-major
    /// `[target][source]` (`n_to × n_from`), 0 where there is no synapse.
    ///
    /// # Errors
    /// An unknown projection, or a matrix above [`MAX_BYTES`](crate::MAX_BYTES).
    pub fn dense_weights(&self, index: usize) -> Result<Vec<f64>> {
        let p = self.projection(index)?;
        dense(self, p, p.weights.as_deref())
    }
    /// The synapses of projection `index`, `(source, target)`, by source, targets ascending
    /// (the order of [`ProjectionDescription::weights`]): what
    /// [`NetworkBuilder::connect_pairs`](super::NetworkBuilder::connect_pairs) takes to
    /// build the same projection again.
    ///
    /// # Errors
    /// An unknown projection.
    pub fn synapse_pairs(&self, index: usize) -> Result<Vec<(usize, usize)>> {
        let p = self.projection(index)?;
        Ok((0..p.csr.start.len().saturating_sub(1))
            .flat_map(|i| p.csr.row(i).iter().map(move |&j| (i, j as usize)))
            .collect())
    }
    /// In-degree of every neuron of the target of projection `index`.
    ///
    /// # Errors
    /// An unknown projection.
    pub fn in_degrees(&self, index: usize) -> Result<Vec<u32>> {
        let p = self.projection(index)?;
        let mut deg = vec![0u32; self.populations[p.to.index()].n];
        for &t in &p.csr.target {
            deg[t as usize] += 1;
        }
        Ok(deg)
    }
    /// The same network with the starting weights of projection `index` replaced (same
    /// order as [`ProjectionDescription::weights`]).
    ///
    /// # Errors
    /// An unknown projection, one without per-synapse weights, a length other than its
    /// number of synapses, or a weight its synapse kind (or plasticity rule) refuses.
    pub fn with_weights(mut self, index: usize, w: &[f64]) -> Result<Self> {
        let p = self.projection(index)?;
        check_weights(p, p.weights.as_deref(), w)?;
        self.projections[index].weights = Some(w.to_vec());
        self.id = next_id();
        Ok(self)
    }
    /// The same network with the starting membrane potentials of population `pop` given,
    /// mV, one per neuron.
    ///
    /// # Errors
    /// An unknown population, spike sources, a length other than its size, or a value that
    /// is not finite or beyond 1e12.
    pub fn with_v0(mut self, pop: PopId, v: &[f64]) -> Result<Self> {
        let p = self.population(pop)?;
        check_v(p, v)?;
        self.populations[pop.index()].v0 = Some(v.to_vec());
        self.id = next_id();
        Ok(self)
    }
}

/// The weights `w` (or the shared weight when `None`) of projection `p` as a dense matrix.
pub(super) fn dense(
    d: &NetworkDescription,
    p: &ProjectionDescription,
    w: Option<&[f64]>,
) -> Result<Vec<f64>> {
    let (n_from, n_to) = (
        d.populations[p.from.index()].n,
        d.populations[p.to.index()].n,
    );
    fits("dense weights", n_from.saturating_mul(n_to), 8)?;
    let mut m = vec![0.0; n_from * n_to];
    for i in 0..n_from {
        let start = p.csr.start[i];
        for (k, &j) in p.csr.row(i).iter().enumerate() {
            let x = w.map_or(p.synapse.w(), |w| w[start + k]);
            m[j as usize * n_from + i] += x;
        }
    }
    Ok(m)
}

/// Checks new weights `w` for projection `p`, whose weights are now `old`.
pub(super) fn check_weights(
    p: &ProjectionDescription,
    old: Option<&[f64]>,
    w: &[f64],
) -> Result<()> {
    let Some(old) = old else {
        return Err(SnnError::Unsupported {
            name: "weights",
            why: "this projection shares one weight; build it with Connection::per_synapse(true)",
        });
    };
    if w.len() != old.len() {
        return Err(SnnError::LengthMismatch {
            name: "weights",
            expected: old.len(),
            got: w.len(),
        });
    }
    for &x in w {
        p.synapse.with_w(x).validate()?;
        if let Some(rule) = &p.plasticity {
            rule.check_w(x)?;
        }
    }
    Ok(())
}

/// Checks membrane potentials `v` for population `p`.
pub(super) fn check_v(p: &PopulationDescription, v: &[f64]) -> Result<()> {
    if p.source.is_some() {
        return Err(Source::no_membrane());
    }
    if v.len() != p.n {
        return Err(SnnError::LengthMismatch {
            name: "v",
            expected: p.n,
            got: v.len(),
        });
    }
    all_finite("v", v.iter().copied())?;
    for x in v {
        bounded("v", *x)?;
    }
    Ok(())
}
