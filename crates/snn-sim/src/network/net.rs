//! [`Network`]: a description and its state together, with runs that record.

use std::sync::Arc;

use super::description::{dense, next_id, NetworkDescription};
use super::record::{NetRecord, NetworkResult, PopResult, Recorder};
use super::state::NetworkState;
use super::stdp::Stdp;
use super::step::step_unchecked;
use super::threads::{self, Plan};
use super::{NetworkBuilder, PopId, ProjectionInfo};
use crate::error::{fits, Result, SnnError};
use crate::neuron::LifParams;
use crate::population::SpikeTrains;

/// A [`NetworkDescription`] (shared, immutable) and its [`NetworkState`], stepped together
/// (see the [module docs](super) for the order of a step). Cloning shares the description
/// and copies the state.
#[derive(Debug, Clone)]
pub struct Network {
    desc: Arc<NetworkDescription>,
    state: NetworkState,
    /// Threads asked for: 0 for one per core.
    threads: usize,
}

impl Network {
    /// An empty builder.
    pub fn builder() -> NetworkBuilder {
        NetworkBuilder::default()
    }
    /// The network `desc` describes, in its starting state.
    ///
    /// # Errors
    /// A synapse kind its target's model refuses.
    pub fn new(desc: impl Into<Arc<NetworkDescription>>) -> Result<Self> {
        let desc = desc.into();
        let state = NetworkState::new(&desc)?;
        Ok(Self {
            desc,
            state,
            threads: 1,
        })
    }
    /// What the network is: populations, drawn synapses, inputs, `dt`, seed.
    pub fn description(&self) -> &NetworkDescription {
        &self.desc
    }
    /// The shared description (to make other states of it).
    pub fn shared_description(&self) -> Arc<NetworkDescription> {
        Arc::clone(&self.desc)
    }
    /// The description of the network as it is now: the starting weights replaced by the
    /// weights now (what plasticity or [`set_weights`](Self::set_weights) changed), the
    /// rest as described. A network made from it starts with the weights this one has.
    pub fn current_description(&self) -> NetworkDescription {
        let mut d = (*self.desc).clone();
        for (p, s) in d.projections.iter_mut().zip(&self.state.projs) {
            if let Some(w) = &s.weights {
                p.weights = Some(w.clone());
            }
        }
        d.id = next_id();
        d
    }
    /// What the runs so far changed.
    pub fn state(&self) -> &NetworkState {
        &self.state
    }
    /// Time step, ms.
    pub fn dt(&self) -> f64 {
        self.desc.dt
    }
    /// Runs on `threads` threads (0: one per core, that is rayon's pool with the `parallel`
    /// feature, which honours `RAYON_NUM_THREADS` and `ThreadPool::install`, else the
    /// machine's). The threads meet once per minimum delay, as NEST's do: each owns a range
    /// of every population's neurons (whole blocks of 1,024, each with its own Poisson
    /// stream), steps them `d_min + 1` steps alone (no spike is needed sooner), then writes
    /// every spike of those steps into its own neurons' rings in the one-thread order, so
    /// the spikes are exactly the same for any number of threads. A network whose plasticity
    /// is on, or too small to share, runs on one thread
    /// ([`threads_used`](Self::threads_used) says which). [`run`](Self::run) uses them; a
    /// single [`step`](super::step) is always one thread's.
    pub fn set_threads(&mut self, threads: usize) {
        self.threads = threads;
    }
    /// `set_threads(0)` (one per core) when `on`, else `set_threads(1)`.
    #[cfg(feature = "parallel")]
    pub fn set_parallel(&mut self, on: bool) {
        self.set_threads(usize::from(!on));
    }
    /// The threads a [`run`](Self::run) of at least four windows (`4·(d_min + 1)` steps; a
    /// shorter one runs on one) now uses: those asked for with
    /// [`set_threads`](Self::set_threads), or 1 when plasticity is on; at most the network's
    /// work over its largest indivisible part (a block of 1,024 neurons, weighted by
    /// in-degree, or a population of spike sources; at least a block), so a network of 1,250
    /// neurons runs on one thread and the paper's 12,500 on up to 12.
    pub fn threads_used(&self) -> usize {
        self.plan().map_or(1, |p| p.threads())
    }
    fn plan(&self) -> Option<Plan> {
        let threads = match self.threads {
            #[cfg(feature = "parallel")]
            0 => rayon::current_num_threads(),
            #[cfg(not(feature = "parallel"))]
            0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
            n => n,
        };
        Plan::new(&self.desc, &self.state, threads)
    }
    /// Steps simulated so far.
    pub fn steps_done(&self) -> u64 {
        self.state.t
    }
    /// Number of populations.
    pub fn populations(&self) -> usize {
        self.desc.populations.len()
    }
    /// Neurons in all populations.
    pub fn neurons(&self) -> usize {
        self.desc.neurons()
    }
    /// Synapses in all projections.
    pub fn synapses(&self) -> usize {
        self.desc.synapses()
    }
    /// Bytes held by the synapses: 4 per synapse (its target index), 8 more per synapse
    /// with its own weight (else the weight is shared by the projection), 8 per source
    /// neuron per projection (the row starts), and the plasticity traces. (The starting
    /// weights kept by the description are not counted.)
    pub fn synapse_bytes(&self) -> usize {
        self.desc
            .projections
            .iter()
            .map(|p| p.csr.target.len() * 4 + p.csr.start.len() * 8)
            .sum::<usize>()
            + self.state.synapse_bytes()
    }
    /// Number of projections, in the order they were connected.
    pub fn projections(&self) -> usize {
        self.desc.projections.len()
    }
    /// What projection `index` connects and how.
    ///
    /// # Errors
    /// An unknown projection.
    pub fn projection(&self, index: usize) -> Result<ProjectionInfo> {
        Ok(self.desc.projection(index)?.info())
    }
    /// The weights of projection `index` now as a dense matrix, row-major
    /// `[target][source]` (`n_to × n_from`), 0 where there is no synapse.
    ///
    /// # Errors
    /// An unknown projection, or a matrix above [`MAX_BYTES`](crate::MAX_BYTES).
    pub fn dense_weights(&self, index: usize) -> Result<Vec<f64>> {
        let p = self.desc.projection(index)?;
        dense(&self.desc, p, self.state.weights(index)?)
    }
    /// The neuron model of population `pop`, or `None` for spike sources.
    ///
    /// # Errors
    /// An unknown population.
    pub fn model(&self, pop: PopId) -> Result<Option<&LifParams>> {
        Ok(self.desc.population(pop)?.model())
    }
    /// The name population `pop` was given.
    ///
    /// # Errors
    /// An unknown population.
    pub fn name(&self, pop: PopId) -> Result<&str> {
        Ok(self.desc.population(pop)?.name())
    }
    /// Synapses of projection `index`.
    ///
    /// # Errors
    /// An unknown projection.
    pub fn synapses_of(&self, index: usize) -> Result<usize> {
        Ok(self.desc.projection(index)?.synapses())
    }
    /// The weights of projection `index` now, for one with per-synapse weights, one per
    /// synapse in the order of its rows: the synapses of source 0 (to
    /// [`targets`](Self::targets)`(index, 0)`, ascending), then of source 1, and so on.
    /// `None` for a projection with one shared weight.
    ///
    /// # Errors
    /// An unknown projection.
    pub fn weights(&self, index: usize) -> Result<Option<&[f64]>> {
        self.state.weights(index)
    }
    /// Replaces the weights of projection `index` (same order as [`weights`](Self::weights)).
    ///
    /// # Errors
    /// An unknown projection, one without per-synapse weights, a length other than its
    /// number of synapses, or a weight its synapse kind refuses (not finite, beyond 1e12, or
    /// a negative conductance); the weights are unchanged on error.
    pub fn set_weights(&mut self, index: usize, w: &[f64]) -> Result<()> {
        self.state.set_weights(&self.desc, index, w)
    }
    /// The plasticity rule of projection `index`, if it has one.
    ///
    /// # Errors
    /// An unknown projection.
    pub fn stdp(&self, index: usize) -> Result<Option<&Stdp>> {
        Ok(self.desc.projection(index)?.plasticity())
    }
    /// Turns the plasticity of projection `index` on or off (on when built); see
    /// [`NetworkState::set_plastic`].
    ///
    /// # Errors
    /// An unknown projection, or one without plasticity.
    pub fn set_plastic(&mut self, index: usize, on: bool) -> Result<()> {
        self.state.set_plastic(index, on)
    }
    /// In-degree of every neuron of `to` from projection `index` (in the order they were
    /// added), for checking connectivity statistics.
    ///
    /// # Errors
    /// An unknown projection.
    pub fn in_degrees(&self, index: usize) -> Result<Vec<u32>> {
        self.desc.in_degrees(index)
    }
    /// The targets of source neuron `source` in projection `index`, ascending.
    ///
    /// # Errors
    /// An unknown projection or source neuron.
    pub fn targets(&self, index: usize, source: usize) -> Result<&[u32]> {
        self.desc.projection(index)?.targets(source)
    }
    /// Membrane potentials of population `pop`, mV.
    ///
    /// # Errors
    /// An unknown population.
    /// A population of spike sources has none.
    pub fn v(&self, pop: PopId) -> Result<&[f64]> {
        self.state.v(pop)
    }
    /// Number of neurons (or spike sources) of population `pop`.
    ///
    /// # Errors
    /// An unknown population.
    pub fn size(&self, pop: PopId) -> Result<usize> {
        Ok(self.desc.population(pop)?.n())
    }
    /// Sets the membrane potentials of population `pop`, mV (for example a random start).
    ///
    /// # Errors
    /// An unknown population, a population of spike sources, a length other than its size,
    /// or a non-finite value.
    pub fn set_v(&mut self, pop: PopId, v: &[f64]) -> Result<()> {
        self.state.set_v(&self.desc, pop, v)
    }

    /// Runs `steps` steps from the current state, recording what `record` asks for.
    ///
    /// # Errors
    /// More than `u32::MAX` steps, an unknown traced neuron, or recordings above
    /// [`MAX_BYTES`](crate::MAX_BYTES), refused before the run starts.
    pub fn run(&mut self, steps: usize, record: &NetRecord) -> Result<NetworkResult> {
        if steps > u32::MAX as usize {
            return Err(SnnError::TooManySteps {
                name: "steps",
                steps: steps as u64,
                limit: u32::MAX as u64,
            });
        }
        for &(pop, i) in &record.traces {
            let n = self.v(pop)?.len();
            if i >= n {
                return Err(SnnError::IndexOutOfRange {
                    name: "traced neuron",
                    len: n,
                    index: i,
                });
            }
        }
        fits(
            "traces",
            record.traces.len().saturating_mul(steps.saturating_add(1)),
            8,
        )?;
        let pops_n = self.desc.populations.len();
        fits("population activity", steps.saturating_mul(pops_n), 4)?;
        let mut pops: Vec<PopResult> = self
            .desc
            .populations
            .iter()
            .zip(&self.state.groups)
            .enumerate()
            .map(|(p, (d, g))| PopResult {
                name: d.name.clone(),
                n: d.n,
                dt: self.desc.dt,
                counts: vec![0; d.n],
                active: Vec::with_capacity(steps),
                spikes: SpikeTrains::default(),
                traces: record
                    .traces
                    .iter()
                    .filter(|(pop, _)| pop.index() == p)
                    .map(|&(_, i)| {
                        let mut v = Vec::with_capacity(steps + 1);
                        v.push(g.v[i]);
                        (i, v)
                    })
                    .collect(),
            })
            .collect();
        let before: Vec<Vec<u32>> = self.state.groups.iter().map(|g| g.counts.clone()).collect();
        let events_before = self.state.events.clone();
        // A run of a few windows stays on one thread: setting the threads up (copying their
        // parts out, finding where each row enters their ranges) costs milliseconds.
        let plan = self.plan().filter(|p| steps >= 4 * p.window);
        let mut rec = Recorder::new(&mut pops, record);
        match plan {
            Some(plan) => threads::run(&self.desc, &mut self.state, &plan, steps, record, &mut rec),
            None => {
                for step in 0..steps {
                    step_unchecked(&self.desc, &mut self.state);
                    rec.begin(step as u32);
                    for (p, g) in self.state.groups.iter().enumerate() {
                        rec.spikes(p, &g.spiked);
                    }
                    for (m, &(pop, i)) in record.traces.iter().enumerate() {
                        rec.trace(m, self.state.groups[pop.index()].v[i]);
                    }
                }
            }
        }
        for ((g, r), b) in self.state.groups.iter().zip(&mut pops).zip(&before) {
            for ((c, now), was) in r.counts.iter_mut().zip(&g.counts).zip(b) {
                *c = now - was;
            }
        }
        Ok(NetworkResult {
            steps,
            dt: self.desc.dt,
            pops,
            events: self
                .state
                .events
                .iter()
                .zip(&events_before)
                .map(|(a, b)| a - b)
                .collect(),
        })
    }
}
