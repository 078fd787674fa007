//! Networks: populations of LIF neurons and of spike sources ([`Source`]) connected by
//! projections with synapses, delays and, optionally, spike-timing-dependent plasticity
//! ([`Stdp`]), driven by Poisson input groups, stepped together.
//!
//! Each step `t` (length `dt`, from `t·dt` to `(t+1)·dt`) does, in order:
//! 1. **Arrivals.** Poisson inputs add their counts for this step, and the spikes whose delay
//!    ends at the start of this step are taken from each target's ring buffer: a delta
//!    synapse's jump is added to `V`, a current or conductance is added to its state.
//! 2. **Update.** Each neuron that is not held relaxes over the step with its synaptic input
//!    (exactly, for a membrane `tau_m dV/dt = −(V − V_rest) + R·I`); if `V'` reaches its firing
//!    level it spikes, is reset and is held for `t_ref` (see [`LifParams`]). Input arriving at a
//!    held neuron is lost, as in Brunel (2000), where a neuron is insensitive while refractory.
//! 3. **Propagation.** Every spike of this step (time `(t+1)·dt`) is written into its targets'
//!    ring buffers `d = round(D/dt)` steps ahead, so it arrives at time `(t+1)·dt + D`, the
//!    start of step `t + 1 + d`: one ring of `d_max + 1` slots per target and synapse kind, not
//!    a queue per spike. (Spike sources draw or read their spikes of the step in part 2; what
//!    arrives at a source is dropped.)
//! 4. **Plasticity.** For each plastic projection, after its spikes left with the weights of
//!    the step: the step's presynaptic spikes, then its postsynaptic ones, update the traces
//!    and weights (see [`Stdp`]).
//!
//! Connectivity is drawn when the network is built, from the seed given to
//! [`NetworkBuilder::build`]; the Poisson inputs draw from streams of the same seed, one per
//! block of 1,024 target neurons. Same seed, same spikes, on every machine.

mod brunel;
mod build;
mod connect;
mod poisson;
mod record;
mod song;
mod source;
mod stdp;
mod step;
mod synapse;

pub use brunel::Brunel;
pub use connect::Connectivity;
pub use record::{NetRecord, NetworkResult, PopResult, RegimeStats};
pub use song::{Song, SongRun};
pub use source::Source;
pub use stdp::{Pairing, Stdp, StdpBuilder};
pub use synapse::Synapse;

use crate::error::{fits, positive, Result, SnnError, MAX_BYTES};
use crate::neuron::{Kernel, LifParams, Model};
use crate::population::SpikeTrains;
use crate::Rng64;
use build::stream;
use connect::Csr;
use poisson::PoissonCount;
use source::SourceState;
use stdp::StdpState;
use step::{deliver_input, propagate, update_group};
use synapse::{Channel, ChannelConsts};

/// Target neurons per Poisson random stream.
const INPUT_BLOCK: usize = 1024;

/// What a projection connects and how, as [`Network::projection`] reports it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ProjectionInfo {
    /// The source population.
    pub from: PopId,
    /// The target population.
    pub to: PopId,
    /// The synapse kind, with the shared weight (the starting weight for per-synapse ones).
    pub synapse: Synapse,
    /// The delay in steps (at least 1).
    pub delay_steps: usize,
    /// Whether each synapse has its own weight.
    pub per_synapse: bool,
    /// The plasticity rule, if any.
    pub plasticity: Option<Stdp>,
}

/// A population in a [`NetworkBuilder`]: its index, in the order added.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PopId(usize);

impl PopId {
    /// The id of the population added `index`-th (0 for the first). Every accessor checks it
    /// against its network.
    pub fn new(index: usize) -> Self {
        PopId(index)
    }
    /// Index of the population (0 for the first added).
    pub fn index(self) -> usize {
        self.0
    }
}

/// How a projection connects two populations: its synapse, its connectivity rule, its
/// delay and whether a neuron may connect to itself.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Connection {
    /// The synapse kind and weight of every synapse.
    pub synapse: Synapse,
    /// How synapses are drawn.
    pub connectivity: Connectivity,
    /// Transmission delay, ms: rounded to whole steps, at least one step. Default: one step.
    pub delay_ms: Option<f64>,
    /// Whether a neuron may connect to itself when source and target are the same
    /// population. Default false.
    pub autapses: bool,
    /// Whether every synapse keeps its own weight (8 more bytes per synapse), starting at
    /// the synapse's `w`, read and changed with [`Network::weights`] and
    /// [`Network::set_weights`]. Default false: one weight shared by the projection.
    pub per_synapse: bool,
    /// Spike-timing-dependent plasticity of every synapse (needs `per_synapse`, which
    /// [`stdp`](Self::stdp) turns on). Default none: fixed weights.
    pub plasticity: Option<Stdp>,
}

impl Connection {
    /// A connection with a delay of one step and no autapses.
    pub fn new(synapse: Synapse, connectivity: Connectivity) -> Self {
        Self {
            synapse,
            connectivity,
            delay_ms: None,
            autapses: false,
            per_synapse: false,
            plasticity: None,
        }
    }
    /// Sets the delay, ms.
    pub fn delay_ms(mut self, delay_ms: f64) -> Self {
        self.delay_ms = Some(delay_ms);
        self
    }
    /// Allows or forbids autapses.
    pub fn autapses(mut self, on: bool) -> Self {
        self.autapses = on;
        self
    }
    /// Gives every synapse its own weight.
    pub fn per_synapse(mut self, on: bool) -> Self {
        self.per_synapse = on;
        self
    }
    /// Makes every synapse plastic under `rule` (and gives each its own weight). The
    /// synapse's `w` is every synapse's starting weight, in `[0, w_max]`; set others with
    /// [`Network::set_weights`].
    pub fn stdp(mut self, rule: Stdp) -> Self {
        self.plasticity = Some(rule);
        self.per_synapse = true;
        self
    }
}

#[derive(Debug, Clone)]
struct GroupSpec {
    name: String,
    /// The neuron model; a source's is a placeholder of the network's `dt`.
    params: LifParams,
    /// For a population of spike sources, what they are.
    source: Option<Source>,
    n: usize,
}

#[derive(Debug, Clone)]
struct ProjSpec {
    from: usize,
    to: usize,
    conn: Connection,
    delay: usize,
}

#[derive(Debug, Clone)]
struct InputSpec {
    to: usize,
    k: usize,
    rate_hz: f64,
    synapse: Synapse,
}

/// Collects populations, projections and inputs; [`build`](Self::build) draws the
/// connectivity and allocates. Every call checks its own values at once.
#[derive(Debug, Clone, Default)]
pub struct NetworkBuilder {
    /// The step shared by every population, ms: the first population's, or set by
    /// [`dt`](Self::dt).
    dt: Option<f64>,
    groups: Vec<GroupSpec>,
    projs: Vec<ProjSpec>,
    inputs: Vec<InputSpec>,
}

/// One target-side synaptic channel: a ring of arrivals and, for currents and conductances,
/// their state.
#[derive(Debug, Clone)]
struct ChannelState {
    channel: Channel,
    c: ChannelConsts,
    slots: usize,
    /// Arrivals per slot and target, summed weights: Poisson input and the projections with
    /// per-synapse weights.
    ring: Vec<f64>,
    /// One ring of arrival counts per distinct shared weight `w` (`slots × n` each): a
    /// shared-weight synapse adds 1 to its target's count, and the step folds `count · w`
    /// into `ring` before it reads it. Half the bytes of a sum in `f64`, so the slot a step
    /// scatters into stays in the L1 cache.
    classes: Vec<(f64, Vec<u32>)>,
    state: Vec<f64>,
}

#[derive(Debug, Clone)]
struct Group {
    name: String,
    params: LifParams,
    k: Kernel<f64>,
    v: Vec<f64>,
    held: Vec<u32>,
    counts: Vec<u32>,
    spiked: Vec<u32>,
    /// Per-block spike lists of the threaded update, joined in block order.
    #[cfg(feature = "parallel")]
    spiked_blocks: Vec<Vec<u32>>,
    channels: Vec<ChannelState>,
    delta: Option<usize>,
    dv: Vec<f64>,
    g: Vec<f64>,
    ge: Vec<f64>,
    /// For spike sources: their state (`v` and `held` are then empty).
    source: Option<SourceState>,
}

impl Group {
    /// Neurons (or sources) in the population.
    fn n(&self) -> usize {
        self.counts.len()
    }
}

#[derive(Debug, Clone)]
struct Proj {
    from: usize,
    to: usize,
    channel: usize,
    /// One weight per synapse, in the order of `csr.target`, when asked for; else every
    /// synapse has `w`.
    weights: Option<Vec<f64>>,
    /// The count ring of `w` in the target channel, for a shared weight.
    class: usize,
    synapse: Synapse,
    delay: usize,
    csr: Csr,
    /// Plasticity, if any, and whether it is on.
    stdp: Option<(StdpState, bool)>,
}

#[derive(Debug, Clone)]
struct Input {
    to: usize,
    channel: usize,
    w: f64,
    count: PoissonCount,
    streams: Vec<Rng64>,
}

/// Populations, projections and Poisson inputs, stepped together (see the
/// [module docs](self) for the order of a step).
#[derive(Debug, Clone)]
pub struct Network {
    groups: Vec<Group>,
    projs: Vec<Proj>,
    inputs: Vec<Input>,
    dt: f64,
    t: u64,
    events: Vec<u64>,
    parallel: bool,
}

impl Network {
    /// An empty builder.
    pub fn builder() -> NetworkBuilder {
        NetworkBuilder::default()
    }
    /// Time step, ms.
    pub fn dt(&self) -> f64 {
        self.dt
    }
    /// Steps the network on every core (rayon): the Poisson draws by block of 1,024 targets
    /// (each block has its own random stream whatever the threads), the neuron update by
    /// block of 4,096 neurons, and the propagation by range of targets. Every target sums
    /// its inputs in the same order as on one thread, so the spikes are exactly the same.
    /// Populations below 8,192 neurons stay on one core.
    #[cfg(feature = "parallel")]
    pub fn set_parallel(&mut self, on: bool) {
        self.parallel = on;
        if on {
            rayon::broadcast(|_| ());
        }
    }
    /// Steps simulated so far.
    pub fn steps_done(&self) -> u64 {
        self.t
    }
    /// Number of populations.
    pub fn populations(&self) -> usize {
        self.groups.len()
    }
    /// Neurons in all populations.
    pub fn neurons(&self) -> usize {
        self.groups.iter().map(Group::n).sum()
    }
    /// Synapses in all projections.
    pub fn synapses(&self) -> usize {
        self.projs.iter().map(|p| p.csr.len()).sum()
    }
    /// Bytes held by the synapses: 4 per synapse (its target index), 8 more per synapse
    /// with its own weight (else the weight is shared by the projection), and 8 per source
    /// neuron per projection (the row starts).
    pub fn synapse_bytes(&self) -> usize {
        self.projs
            .iter()
            .map(|p| {
                p.csr.target.len() * 4
                    + p.weights.as_ref().map_or(0, |w| w.len() * 8)
                    + p.csr.start.len() * 8
                    + p.stdp.as_ref().map_or(0, |s| s.0.bytes())
            })
            .sum()
    }
    /// Number of projections, in the order they were connected.
    pub fn projections(&self) -> usize {
        self.projs.len()
    }
    /// What projection `index` connects and how.
    ///
    /// # Errors
    /// An unknown projection.
    pub fn projection(&self, index: usize) -> Result<ProjectionInfo> {
        let p = self.proj(index)?;
        Ok(ProjectionInfo {
            from: PopId(p.from),
            to: PopId(p.to),
            synapse: p.synapse,
            delay_steps: p.delay,
            per_synapse: p.weights.is_some(),
            plasticity: p.stdp.as_ref().map(|s| *s.0.rule()),
        })
    }
    /// The weights of projection `index` as a dense matrix, row-major `[target][source]`
    /// (`n_to × n_from`), 0 where there is no synapse.
    ///
    /// # Errors
    /// An unknown projection, or a matrix above [`MAX_BYTES`].
    pub fn dense_weights(&self, index: usize) -> Result<Vec<f64>> {
        let p = self.proj(index)?;
        let (n_from, n_to) = (self.groups[p.from].n(), self.groups[p.to].n());
        fits("dense weights", n_from.saturating_mul(n_to), 8)?;
        let mut m = vec![0.0; n_from * n_to];
        for i in 0..n_from {
            let start = p.csr.start[i];
            for (k, &j) in p.csr.row(i).iter().enumerate() {
                let w = p.weights.as_ref().map_or(p.synapse.w(), |w| w[start + k]);
                m[j as usize * n_from + i] += w;
            }
        }
        Ok(m)
    }
    /// The neuron model of population `pop`, or `None` for spike sources.
    ///
    /// # Errors
    /// An unknown population.
    pub fn model(&self, pop: PopId) -> Result<Option<&LifParams>> {
        let g = self.groups.get(pop.0).ok_or(SnnError::IndexOutOfRange {
            name: "population",
            len: self.groups.len(),
            index: pop.0,
        })?;
        Ok(g.source.is_none().then_some(&g.params))
    }
    /// The name population `pop` was given.
    ///
    /// # Errors
    /// An unknown population.
    pub fn name(&self, pop: PopId) -> Result<&str> {
        self.groups
            .get(pop.0)
            .map(|g| g.name.as_str())
            .ok_or(SnnError::IndexOutOfRange {
                name: "population",
                len: self.groups.len(),
                index: pop.0,
            })
    }
    fn proj(&self, index: usize) -> Result<&Proj> {
        self.projs.get(index).ok_or(SnnError::IndexOutOfRange {
            name: "projection",
            len: self.projs.len(),
            index,
        })
    }
    /// Synapses of projection `index`.
    ///
    /// # Errors
    /// An unknown projection.
    pub fn synapses_of(&self, index: usize) -> Result<usize> {
        Ok(self.proj(index)?.csr.len())
    }
    /// The weights of projection `index` with per-synapse weights, one per synapse in the
    /// order of its rows: the synapses of source 0 (to [`targets`](Self::targets)`(index, 0)`,
    /// ascending), then of source 1, and so on. `None` for a projection with one shared
    /// weight.
    ///
    /// # Errors
    /// An unknown projection.
    pub fn weights(&self, index: usize) -> Result<Option<&[f64]>> {
        Ok(self.proj(index)?.weights.as_deref())
    }
    /// Replaces the weights of projection `index` (same order as [`weights`](Self::weights)).
    ///
    /// # Errors
    /// An unknown projection, one without per-synapse weights, a length other than its
    /// number of synapses, or a weight its synapse kind refuses (not finite, beyond 1e12, or
    /// a negative conductance); the weights are unchanged on error.
    pub fn set_weights(&mut self, index: usize, w: &[f64]) -> Result<()> {
        let p = self.proj(index)?;
        let Some(old) = &p.weights else {
            return Err(SnnError::Unsupported {
                name: "weights",
                why:
                    "this projection shares one weight; build it with Connection::per_synapse(true)",
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
            if let Some((s, _)) = &p.stdp {
                s.rule().check_w(x)?;
            }
        }
        if let Some(dst) = &mut self.projs[index].weights {
            dst.copy_from_slice(w);
        }
        Ok(())
    }
    /// The plasticity rule of projection `index`, if it has one.
    ///
    /// # Errors
    /// An unknown projection.
    pub fn stdp(&self, index: usize) -> Result<Option<&Stdp>> {
        Ok(self.proj(index)?.stdp.as_ref().map(|s| s.0.rule()))
    }
    /// Turns the plasticity of projection `index` on or off (on when built). Off, the
    /// weights stay as they are and the traces are not kept: the network steps exactly as
    /// one built without plasticity. Turned back on, the traces start from zero.
    ///
    /// # Errors
    /// An unknown projection, or one without plasticity.
    pub fn set_plastic(&mut self, index: usize, on: bool) -> Result<()> {
        self.proj(index)?;
        match &mut self.projs[index].stdp {
            Some((s, plastic)) => {
                if on && !*plastic {
                    s.clear();
                }
                *plastic = on;
                Ok(())
            }
            None => Err(SnnError::Unsupported {
                name: "plasticity",
                why: "this projection has no plasticity; build it with Connection::stdp",
            }),
        }
    }
    /// In-degree of every neuron of `to` from projection `index` (in the order they were
    /// added), for checking connectivity statistics.
    ///
    /// # Errors
    /// An unknown projection.
    pub fn in_degrees(&self, index: usize) -> Result<Vec<u32>> {
        let p = self.proj(index)?;
        let mut deg = vec![0u32; self.groups[p.to].n()];
        for &t in &p.csr.target {
            deg[t as usize] += 1;
        }
        Ok(deg)
    }
    /// The targets of source neuron `source` in projection `index`, ascending.
    ///
    /// # Errors
    /// An unknown projection or source neuron.
    pub fn targets(&self, index: usize, source: usize) -> Result<&[u32]> {
        let p = self.proj(index)?;
        if source + 1 >= p.csr.start.len() {
            return Err(SnnError::IndexOutOfRange {
                name: "source neuron",
                len: p.csr.start.len() - 1,
                index: source,
            });
        }
        Ok(p.csr.row(source))
    }
    /// Membrane potentials of population `pop`, mV.
    ///
    /// # Errors
    /// An unknown population.
    /// A population of spike sources has none.
    pub fn v(&self, pop: PopId) -> Result<&[f64]> {
        let g = self.groups.get(pop.0).ok_or(SnnError::IndexOutOfRange {
            name: "population",
            len: self.groups.len(),
            index: pop.0,
        })?;
        if g.source.is_some() {
            return Err(Source::no_membrane());
        }
        Ok(&g.v)
    }
    /// Number of neurons (or spike sources) of population `pop`.
    ///
    /// # Errors
    /// An unknown population.
    pub fn size(&self, pop: PopId) -> Result<usize> {
        self.groups
            .get(pop.0)
            .map(Group::n)
            .ok_or(SnnError::IndexOutOfRange {
                name: "population",
                len: self.groups.len(),
                index: pop.0,
            })
    }
    /// Sets the membrane potentials of population `pop`, mV (for example a random start).
    ///
    /// # Errors
    /// An unknown population, a population of spike sources, a length other than its size,
    /// or a non-finite value.
    pub fn set_v(&mut self, pop: PopId, v: &[f64]) -> Result<()> {
        let len = self.groups.len();
        let g = self
            .groups
            .get_mut(pop.0)
            .ok_or(SnnError::IndexOutOfRange {
                name: "population",
                len,
                index: pop.0,
            })?;
        if g.source.is_some() {
            return Err(Source::no_membrane());
        }
        if v.len() != g.v.len() {
            return Err(SnnError::LengthMismatch {
                name: "v",
                expected: g.v.len(),
                got: v.len(),
            });
        }
        crate::error::all_finite("v", v.iter().copied())?;
        for x in v {
            crate::error::bounded("v", *x)?;
        }
        g.v.copy_from_slice(v);
        Ok(())
    }

    /// Runs `steps` steps from the current state, recording what `record` asks for.
    ///
    /// # Errors
    /// More than `u32::MAX` steps, an unknown traced neuron, or recordings above
    /// [`MAX_BYTES`], refused before the run starts.
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
        fits(
            "population activity",
            steps.saturating_mul(self.groups.len()),
            4,
        )?;
        let mut pops: Vec<PopResult> = self
            .groups
            .iter()
            .enumerate()
            .map(|(p, g)| PopResult {
                name: g.name.clone(),
                n: g.n(),
                dt: self.dt,
                counts: vec![0; g.n()],
                active: Vec::with_capacity(steps),
                spikes: SpikeTrains::default(),
                traces: record
                    .traces
                    .iter()
                    .filter(|(pop, _)| pop.0 == p)
                    .map(|&(_, i)| {
                        let mut v = Vec::with_capacity(steps + 1);
                        v.push(g.v[i]);
                        (i, v)
                    })
                    .collect(),
            })
            .collect();
        let before: Vec<Vec<u32>> = self.groups.iter().map(|g| g.counts.clone()).collect();
        let events_before = self.events.clone();
        for step in 0..steps {
            self.step_once();
            for (g, r) in self.groups.iter().zip(&mut pops) {
                r.active.push(g.spiked.len() as u32);
                if record.spikes {
                    r.spikes.neuron.extend_from_slice(&g.spiked);
                    r.spikes
                        .step
                        .extend(std::iter::repeat_n(step as u32, g.spiked.len()));
                }
                for (i, v) in &mut r.traces {
                    v.push(g.v[*i]);
                }
            }
        }
        for ((g, r), b) in self.groups.iter().zip(&mut pops).zip(&before) {
            for ((c, now), was) in r.counts.iter_mut().zip(&g.counts).zip(b) {
                *c = now - was;
            }
        }
        Ok(NetworkResult {
            steps,
            dt: self.dt,
            pops,
            events: self
                .events
                .iter()
                .zip(&events_before)
                .map(|(a, b)| a - b)
                .collect(),
        })
    }

    /// One step of the whole network (see the [module docs](self)).
    fn step_once(&mut self) {
        let t = self.t;
        let parallel = self.parallel;
        for input in &mut self.inputs {
            deliver_input(input, &mut self.groups[input.to], t, parallel);
        }
        for g in &mut self.groups {
            match &mut g.source {
                Some(s) => s.step(t, &mut g.spiked, &mut g.counts),
                None => update_group(g, t, parallel),
            }
        }
        for (p, events) in self.projs.iter_mut().zip(&mut self.events) {
            let spiked = std::mem::take(&mut self.groups[p.from].spiked);
            *events += propagate(p, &spiked, &mut self.groups[p.to], t, parallel);
            self.groups[p.from].spiked = spiked;
            // Plasticity after the spikes left with the weights of the step.
            if let (Some((s, true)), Some(w)) = (&mut p.stdp, &mut p.weights) {
                let (pre, post) = (&self.groups[p.from].spiked, &self.groups[p.to].spiked);
                s.apply(t, pre, post, &p.csr.start, &p.csr.target, w);
            }
        }
        self.t += 1;
    }
}
