//! Networks: populations of LIF neurons connected by projections with synapses and delays,
//! driven by Poisson input groups, stepped together.
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
//!    a queue per spike.
//!
//! Connectivity is drawn when the network is built, from the seed given to
//! [`NetworkBuilder::build`]; the Poisson inputs draw from streams of the same seed, one per
//! block of 1,024 target neurons. Same seed, same spikes, on every machine.

mod brunel;
mod connect;
mod poisson;
mod synapse;

pub use brunel::Brunel;
pub use connect::Connectivity;
pub use synapse::Synapse;

use rand::SeedableRng;

use crate::error::{fits, positive, Result, SnnError, MAX_BYTES};
use crate::neuron::{Kernel, LifParams, Model};
use crate::population::SpikeTrains;
use crate::Rng64;
use connect::Csr;
use poisson::PoissonCount;
use synapse::{Channel, ChannelConsts};

/// Target neurons per Poisson random stream.
const INPUT_BLOCK: usize = 1024;

/// A population in a [`NetworkBuilder`]: its index, in the order added.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PopId(usize);

impl PopId {
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
}

#[derive(Debug, Clone)]
struct GroupSpec {
    name: String,
    params: LifParams,
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

impl NetworkBuilder {
    /// Adds `n` neurons of model `params` named `name`. Every population of a network shares
    /// one `dt`.
    ///
    /// # Errors
    /// Zero neurons, more than `u32::MAX`, or a `dt` other than the first population's.
    pub fn population(&mut self, name: &str, params: &LifParams, n: usize) -> Result<PopId> {
        if n == 0 {
            return Err(SnnError::Zero { name: "neurons" });
        }
        if n > u32::MAX as usize {
            return Err(SnnError::OutOfRange {
                name: "neurons",
                range: "[1, 4294967295]",
                value: n as f64,
            });
        }
        if let Some(first) = self.groups.first() {
            if first.params.dt() != params.dt() {
                return Err(SnnError::Mismatch {
                    what: "dt",
                    expected: format!("{} ms (the first population's)", first.params.dt()),
                    got: format!("{} ms", params.dt()),
                });
            }
        }
        self.groups.push(GroupSpec {
            name: name.to_string(),
            params: *params,
            n,
        });
        Ok(PopId(self.groups.len() - 1))
    }

    fn group(&self, id: PopId, name: &'static str) -> Result<&GroupSpec> {
        self.groups.get(id.0).ok_or(SnnError::IndexOutOfRange {
            name,
            len: self.groups.len(),
            index: id.0,
        })
    }

    /// Connects `from` to `to`.
    ///
    /// # Errors
    /// An unknown population; a bad synapse value; `p` outside [0, 1]; an in-degree above the
    /// candidate sources; one-to-one between populations of different sizes; a delay that is
    /// not finite or shorter than one step (`delay_ms < dt/2`); a conductance synapse into a
    /// population that does not integrate exactly.
    pub fn connect(&mut self, from: PopId, to: PopId, conn: Connection) -> Result<()> {
        let n_s = self.group(from, "source population")?.n;
        let target = self.group(to, "target population")?;
        conn.synapse.validate()?;
        ChannelConsts::new(Channel::of(&conn.synapse), &target.params)?;
        let dt = target.params.dt();
        let delay = match conn.delay_ms {
            None => 1,
            Some(d) => {
                positive("delay", " ms", d)?;
                let steps = (d / dt).round();
                if steps < 1.0 {
                    return Err(SnnError::OutOfRange {
                        name: "delay",
                        range: "[dt, 1e6 steps] ms (at least one step)",
                        value: d,
                    });
                }
                if steps > 1e6 {
                    return Err(SnnError::OutOfRange {
                        name: "delay",
                        range: "[dt, 1e6 steps] ms (at least one step)",
                        value: d,
                    });
                }
                steps as usize
            }
        };
        let same = from == to && !conn.autapses;
        connect::max_synapses(conn.connectivity, n_s, target.n, same)?;
        self.projs.push(ProjSpec {
            from: from.0,
            to: to.0,
            conn,
            delay,
        });
        Ok(())
    }

    /// Gives every neuron of `to` `k` independent Poisson spike trains of `rate_hz` each,
    /// through `synapse` with no delay: per step one Poisson count of mean `k·rate·dt`
    /// (not `k` Bernoulli draws).
    ///
    /// # Errors
    /// An unknown population, zero `k`, a rate that is negative or not finite, a mean count
    /// per step above 1e12, or a bad synapse value.
    pub fn poisson(&mut self, to: PopId, k: usize, rate_hz: f64, synapse: Synapse) -> Result<()> {
        let target = self.group(to, "target population")?;
        if k == 0 {
            return Err(SnnError::Zero { name: "inputs" });
        }
        crate::error::non_negative("rate", " Hz", rate_hz)?;
        synapse.validate()?;
        ChannelConsts::new(Channel::of(&synapse), &target.params)?;
        PoissonCount::new(k as f64 * rate_hz * target.params.dt() * 1e-3)?;
        self.inputs.push(InputSpec {
            to: to.0,
            k,
            rate_hz,
            synapse,
        });
        Ok(())
    }

    /// Bytes the network would hold: synapses (4 bytes each for the target index, plus the
    /// row starts), ring buffers and neuron state, from the largest number of synapses the
    /// rules can draw.
    fn bytes(&self) -> Result<u64> {
        let mut bytes = 0u64;
        for g in &self.groups {
            bytes = bytes.saturating_add(g.n as u64 * 48);
        }
        for p in &self.projs {
            let n_s = self.groups[p.from].n;
            let n_t = self.groups[p.to].n;
            let same = p.from == p.to && !p.conn.autapses;
            let syn = connect::max_synapses(p.conn.connectivity, n_s, n_t, same)?;
            let per = if p.conn.per_synapse { 12 } else { 4 };
            bytes = bytes
                .saturating_add(syn.saturating_mul(per))
                .saturating_add(n_s as u64 * 8)
                .saturating_add((p.delay as u64 + 1).saturating_mul(n_t as u64 * 12));
        }
        for i in &self.inputs {
            bytes = bytes.saturating_add(self.groups[i.to].n as u64 * 16);
        }
        Ok(bytes)
    }

    /// Draws every projection's synapses and allocates the state. The projections are drawn
    /// in the order they were added, each from its own stream of `seed`; so are the Poisson
    /// inputs.
    ///
    /// # Errors
    /// No population, or a network above [`MAX_BYTES`] in all, refused
    /// before anything is allocated.
    pub fn build(self, seed: u64) -> Result<Network> {
        if self.groups.is_empty() {
            return Err(SnnError::Empty { name: "network" });
        }
        let bytes = self.bytes()?;
        if bytes > MAX_BYTES {
            return Err(SnnError::TooLarge {
                name: "network",
                bytes,
                limit: MAX_BYTES,
            });
        }
        let dt = self.groups[0].params.dt();
        let mut groups: Vec<Group> = self
            .groups
            .iter()
            .map(|g| {
                let k = g.params.kernel::<f64>();
                Group {
                    name: g.name.clone(),
                    params: g.params,
                    v: vec![k.v0; g.n],
                    held: vec![0; g.n],
                    counts: vec![0; g.n],
                    spiked: Vec::new(),
                    #[cfg(feature = "parallel")]
                    spiked_blocks: Vec::new(),
                    channels: Vec::new(),
                    delta: None,
                    dv: Vec::new(),
                    g: Vec::new(),
                    ge: Vec::new(),
                    k,
                }
            })
            .collect();
        let mut projs = Vec::with_capacity(self.projs.len());
        for (index, p) in self.projs.iter().enumerate() {
            let channel = channel_of(&mut groups[p.to], &p.conn.synapse, p.delay)?;
            let same = p.from == p.to && !p.conn.autapses;
            let mut rng = stream(seed, 1, index as u64);
            let csr = connect::draw(
                p.conn.connectivity,
                groups[p.from].v.len(),
                groups[p.to].v.len(),
                same,
                &mut rng,
            )?;
            csr.check_targets(groups[p.to].v.len())?;
            let w = p.conn.synapse.w();
            let classes = &mut groups[p.to].channels[channel].classes;
            let class = match classes.iter().position(|c| c.0 == w) {
                Some(k) => k,
                None => {
                    classes.push((w, Vec::new()));
                    classes.len() - 1
                }
            };
            projs.push(Proj {
                from: p.from,
                to: p.to,
                channel,
                class,
                weights: p.conn.per_synapse.then(|| vec![w; csr.len()]),
                synapse: p.conn.synapse,
                delay: p.delay,
                csr,
            });
        }
        let mut inputs = Vec::with_capacity(self.inputs.len());
        for (index, i) in self.inputs.iter().enumerate() {
            let channel = channel_of(&mut groups[i.to], &i.synapse, 0)?;
            let n = groups[i.to].v.len();
            let blocks = n.div_ceil(INPUT_BLOCK);
            inputs.push(Input {
                to: i.to,
                channel,
                w: i.synapse.w(),
                count: PoissonCount::new(i.k as f64 * i.rate_hz * dt * 1e-3)?,
                streams: (0..blocks)
                    .map(|b| stream(seed, 2 + index as u64, b as u64))
                    .collect(),
            });
        }
        for g in &mut groups {
            let n = g.v.len();
            for c in &mut g.channels {
                c.ring = vec![0.0; c.slots * n];
                for class in &mut c.classes {
                    class.1 = vec![0; c.slots * n];
                }
                if c.channel != Channel::Delta {
                    c.state = vec![0.0; n];
                }
            }
            g.delta = g.channels.iter().position(|c| c.channel == Channel::Delta);
            if g.channels
                .iter()
                .any(|c| matches!(c.channel, Channel::Current { .. }))
            {
                g.dv = vec![0.0; n];
            }
            if g.channels
                .iter()
                .any(|c| matches!(c.channel, Channel::Conductance { .. }))
            {
                g.g = vec![0.0; n];
                g.ge = vec![0.0; n];
            }
        }
        let events = vec![0; projs.len()];
        Ok(Network {
            groups,
            projs,
            inputs,
            dt,
            t: 0,
            events,
            parallel: false,
        })
    }
}

impl Synapse {
    /// The postsynaptic potential of one spike through this synapse into a neuron of model
    /// `target` at rest: `(t, V(t) − V_rest)` from the spike's arrival (`t = 0`) for
    /// `duration_ms`, one point per step, simulated by a two-neuron network (so it is exactly
    /// what a network does; for a current synapse it is the closed form of
    /// [`Synapse::CurrentExp`]).
    ///
    /// # Errors
    /// A bad synapse value or duration, or a conductance synapse into a target that does not
    /// integrate exactly.
    pub fn psp(&self, target: &LifParams, duration_ms: f64) -> Result<Vec<(f64, f64)>> {
        let steps = target.steps_for(duration_ms)?;
        let (rest, th, dt) = (target.v_rest(), target.v_th(), target.dt());
        let resting = target.to_builder().v0(rest).build()?;
        let mut b = Network::builder();
        let src = b.population("source", &resting, 1)?;
        let dst = b.population("target", &resting, 1)?;
        b.connect(src, dst, Connection::new(*self, Connectivity::AllToAll))?;
        let mut net = b.build(0)?;
        // High enough to cross on the first step whatever the leak: (V − V_rest)·α > θ − V_rest.
        let alpha = target.alpha().max(1e-6);
        net.set_v(src, &[rest + 2.0 * (th - rest).abs() / alpha + 1.0])?;
        let out = net.run(steps + 2, &NetRecord::counts().with_traces(dst, [0]))?;
        let v = &out.pops[dst.0].traces[0].1;
        // The spike (step 0) arrives one step later, at the start of step 2.
        Ok(v[2..]
            .iter()
            .enumerate()
            .map(|(k, &x)| (k as f64 * dt, x - rest))
            .collect())
    }
}

/// The index of `g`'s channel for synapse `s`, added if new: one channel per target and
/// kind, its ring long enough for the longest delay into it.
fn channel_of(g: &mut Group, s: &Synapse, delay: usize) -> Result<usize> {
    let ch = Channel::of(s);
    let idx = match g.channels.iter().position(|c| c.channel == ch) {
        Some(i) => i,
        None => {
            g.channels.push(ChannelState {
                channel: ch,
                c: ChannelConsts::new(ch, &g.params)?,
                slots: 1,
                ring: Vec::new(),
                classes: Vec::new(),
                state: Vec::new(),
            });
            g.channels.len() - 1
        }
    };
    let c = &mut g.channels[idx];
    c.slots = c.slots.max(delay + 1);
    Ok(idx)
}

/// An independent generator for stream `(kind, index)` of `seed` (SplitMix64 mixing), so
/// each projection and each block of Poisson targets draws its own numbers whatever the
/// order of the others.
fn stream(seed: u64, kind: u64, index: u64) -> Rng64 {
    let mut z =
        seed ^ kind.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ index.wrapping_mul(0xD1B5_4A32_D192_ED03);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    Rng64::seed_from_u64(z ^ (z >> 31))
}

/// What a [`Network::run`] records. Spike counts per neuron and the number of spikes of
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
/// [`chart::regime_bars`](crate::chart::regime_bars).
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
    name: String,
    n: usize,
    dt: f64,
    counts: Vec<u32>,
    active: Vec<u32>,
    spikes: SpikeTrains,
    traces: Vec<(usize, Vec<f64>)>,
}

/// What a [`Network::run`] returns. Charts read it; they never re-run the network.
#[derive(Debug, Clone, PartialEq)]
pub struct NetworkResult {
    steps: usize,
    dt: f64,
    pops: Vec<PopResult>,
    events: Vec<u64>,
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
        self.groups.iter().map(|g| g.v.len()).sum()
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
            })
            .sum()
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
        }
        if let Some(dst) = &mut self.projs[index].weights {
            dst.copy_from_slice(w);
        }
        Ok(())
    }
    /// In-degree of every neuron of `to` from projection `index` (in the order they were
    /// added), for checking connectivity statistics.
    ///
    /// # Errors
    /// An unknown projection.
    pub fn in_degrees(&self, index: usize) -> Result<Vec<u32>> {
        let p = self.proj(index)?;
        let mut deg = vec![0u32; self.groups[p.to].v.len()];
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
    pub fn v(&self, pop: PopId) -> Result<&[f64]> {
        self.groups
            .get(pop.0)
            .map(|g| g.v.as_slice())
            .ok_or(SnnError::IndexOutOfRange {
                name: "population",
                len: self.groups.len(),
                index: pop.0,
            })
    }
    /// Sets the membrane potentials of population `pop`, mV (for example a random start).
    ///
    /// # Errors
    /// An unknown population, a length other than its size, or a non-finite value.
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
                n: g.v.len(),
                dt: self.dt,
                counts: vec![0; g.v.len()],
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
            update_group(g, t, parallel);
        }
        for (p, events) in self.projs.iter().zip(&mut self.events) {
            let spiked = std::mem::take(&mut self.groups[p.from].spiked);
            *events += propagate(p, &spiked, &mut self.groups[p.to], t, parallel);
            self.groups[p.from].spiked = spiked;
        }
        self.t += 1;
    }
}

/// Poisson arrivals (part 1 of a step) of step `t` into this step's slot of their channel.
#[inline(never)]
fn deliver_input(input: &mut Input, g: &mut Group, t: u64, parallel: bool) {
    let c = &mut g.channels[input.channel];
    let n = g.v.len();
    let base = (t % c.slots as u64) as usize * n;
    let slot = &mut c.ring[base..base + n];
    let (count, w) = (&input.count, input.w);
    let fill = |block: &mut [f64], rng: &mut Rng64| {
        for x in block {
            // No branch on a zero count: at a mean of 2 a quarter of the counts are 0, and a
            // mispredicted branch costs more than the add.
            *x += f64::from(count.sample(rng)) * w;
        }
    };
    #[cfg(feature = "parallel")]
    if parallel && n >= 2 * INPUT_BLOCK {
        use rayon::prelude::*;
        slot.par_chunks_mut(INPUT_BLOCK)
            .zip(input.streams.par_iter_mut())
            .for_each(|(block, rng)| fill(block, rng));
        return;
    }
    let _ = parallel;
    // Two blocks at a time, interleaved: their generators are independent chains, so the CPU
    // overlaps them; each block still draws from its own stream in its own order.
    let mut blocks = slot.chunks_mut(INPUT_BLOCK).zip(input.streams.iter_mut());
    loop {
        match (blocks.next(), blocks.next()) {
            (Some((a, ra)), Some((b, rb))) if a.len() == b.len() => {
                for (x, y) in a.iter_mut().zip(b.iter_mut()) {
                    *x += f64::from(count.sample(ra)) * w;
                    *y += f64::from(count.sample(rb)) * w;
                }
            }
            (a, b) => {
                for (block, rng) in a.into_iter().chain(b) {
                    fill(block, rng);
                }
                if blocks.len() == 0 {
                    break;
                }
            }
        }
    }
}

/// Asks the CPU to bring `data` into cache ahead of use (one hint per 64-byte line); a
/// no-op off x86-64.
#[inline]
fn prefetch(data: &[u32]) {
    #[cfg(target_arch = "x86_64")]
    for line in data.chunks(16) {
        // SAFETY: a prefetch is a hint; it reads nothing and cannot fault, and the pointer
        // comes from a live slice.
        unsafe {
            std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(
                line.as_ptr().cast::<i8>(),
            );
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = data;
}

/// Propagation (part 3 of a step): the spikes of step `t` of `p`'s source (`spiked`),
/// written `p.delay` steps ahead into the target's ring (their weights, for per-synapse
/// weights; a count per target, for a shared weight); returns the deliveries.
#[inline(never)]
fn propagate(p: &Proj, spiked: &[u32], g: &mut Group, t: u64, parallel: bool) -> u64 {
    let n = g.v.len();
    let c = &mut g.channels[p.channel];
    let base = ((t + 1 + p.delay as u64) % c.slots as u64) as usize * n;
    let Some(w) = &p.weights else {
        let counts = &mut c.classes[p.class].1[base..base + n];
        return propagate_counts(p, spiked, counts, parallel);
    };
    let slot = &mut c.ring[base..base + n];
    let count: u64 = spiked
        .iter()
        .map(|&i| p.csr.row(i as usize).len() as u64)
        .sum();
    #[cfg(feature = "parallel")]
    if parallel && n >= 2 * UPDATE_BLOCK && count >= 4096 {
        use rayon::prelude::*;
        // Each thread owns a contiguous range of targets and takes, from every spike's row
        // (sorted), the part in its range: every target sums its inputs in spike order, so the
        // result is the single-threaded one, bit for bit.
        let size = n.div_ceil(rayon::current_num_threads());
        slot.par_chunks_mut(size).enumerate().for_each(|(r, part)| {
            let (lo, hi) = ((r * size) as u32, (r * size + part.len()) as u32);
            for &i in spiked {
                let row = p.csr.row(i as usize);
                let a = row.partition_point(|&j| j < lo);
                let b = a + row[a..].partition_point(|&j| j < hi);
                let start = p.csr.start[i as usize];
                for (&j, &x) in row[a..b].iter().zip(&w[start + a..start + b]) {
                    part[(j - lo) as usize] += x;
                }
            }
        });
        return count;
    }
    let _ = parallel;
    for &i in spiked {
        let row = p.csr.row(i as usize);
        let start = p.csr.start[i as usize];
        for (&j, &x) in row.iter().zip(&w[start..start + row.len()]) {
            slot[j as usize] += x;
        }
    }
    count
}

/// Propagation through a projection with one shared weight: each delivery adds 1 to its
/// target's count (the step multiplies by the weight once per target); returns the
/// deliveries.
fn propagate_counts(p: &Proj, spiked: &[u32], counts: &mut [u32], parallel: bool) -> u64 {
    let n = counts.len();
    let count: u64 = spiked
        .iter()
        .map(|&i| p.csr.row(i as usize).len() as u64)
        .sum();
    #[cfg(feature = "parallel")]
    if parallel && n >= 2 * UPDATE_BLOCK && count >= 4096 {
        use rayon::prelude::*;
        // As in `propagate`: each thread owns a range of targets.
        let size = n.div_ceil(rayon::current_num_threads());
        counts
            .par_chunks_mut(size)
            .enumerate()
            .for_each(|(r, part)| {
                let (lo, hi) = ((r * size) as u32, (r * size + part.len()) as u32);
                for &i in spiked {
                    let row = p.csr.row(i as usize);
                    let a = row.partition_point(|&j| j < lo);
                    let b = a + row[a..].partition_point(|&j| j < hi);
                    for &j in &row[a..b] {
                        part[(j - lo) as usize] += 1;
                    }
                }
            });
        return count;
    }
    let _ = parallel;
    for (m, &i) in spiked.iter().enumerate() {
        // The rows of the spikes are scattered over the synapse array (megabytes, out of
        // cache): fetch the next spike's row while this one is written.
        if let Some(&next) = spiked.get(m + 1) {
            prefetch(p.csr.row(next as usize));
        }
        for &j in p.csr.row(i as usize) {
            debug_assert!((j as usize) < n);
            // SAFETY: every target index of `p.csr` is below the target population's size
            // `n`, checked once when the network was built (`Csr::check_targets`), and
            // `counts` has exactly `n` entries. This is the innermost loop of a network run
            // (one pass per synaptic event); the bounds check cost about a fifth of it. A
            // count cannot overflow: it is at most the target's in-degree, below 2^32.
            unsafe {
                *counts.get_unchecked_mut(j as usize) += 1;
            }
        }
    }
    count
}

/// Update (part 2 of a step): arrivals of this step into the channels' state, then the
/// neuron update of one population.
#[inline(never)]
fn update_group(g: &mut Group, t: u64, parallel: bool) {
    let n = g.v.len();
    let k = g.k;
    if !g.dv.is_empty() {
        g.dv.fill(0.0);
    }
    if !g.g.is_empty() {
        g.g.fill(0.0);
        g.ge.fill(0.0);
    }
    for c in &mut g.channels {
        let base = (t % c.slots as u64) as usize * n;
        let slot = &mut c.ring[base..base + n];
        for (w, counts) in &mut c.classes {
            for (x, k) in slot.iter_mut().zip(&mut counts[base..base + n]) {
                *x += f64::from(std::mem::take(k)) * *w;
            }
        }
        match c.channel {
            Channel::Delta => {}
            Channel::Current { .. } => {
                for ((s, x), dv) in c.state.iter_mut().zip(slot.iter_mut()).zip(&mut g.dv) {
                    *s += *x;
                    *x = 0.0;
                    *dv += c.c.gain * *s;
                    *s *= c.c.decay;
                }
            }
            Channel::Conductance { .. } => {
                for (((s, x), gg), ge) in c
                    .state
                    .iter_mut()
                    .zip(slot.iter_mut())
                    .zip(&mut g.g)
                    .zip(&mut g.ge)
                {
                    *s += *x;
                    *x = 0.0;
                    let rg = c.c.gain * *s;
                    *gg += rg;
                    *ge += rg * c.c.e_rev;
                    *s *= c.c.decay;
                }
            }
        }
    }
    let delta: &mut [f64] = match g.delta {
        Some(d) => {
            let c = &mut g.channels[d];
            let base = (t % c.slots as u64) as usize * n;
            &mut c.ring[base..base + n]
        }
        None => &mut [],
    };
    let cells = Cells {
        v: &mut g.v,
        held: &mut g.held,
        counts: &mut g.counts,
        delta,
        g: &g.g,
        ge: &g.ge,
        dv: &g.dv,
    };
    let tau_m = g.params.tau_m();
    g.spiked.clear();
    #[cfg(feature = "parallel")]
    if parallel && n >= 2 * UPDATE_BLOCK {
        use rayon::prelude::*;
        let blocks = n.div_ceil(UPDATE_BLOCK);
        g.spiked_blocks.resize_with(blocks, Vec::new);
        cells
            .split(UPDATE_BLOCK)
            .into_par_iter()
            .zip(g.spiked_blocks.par_iter_mut())
            .enumerate()
            .for_each(|(b, (c, out))| {
                out.clear();
                update_cells(&k, tau_m, c, b * UPDATE_BLOCK, out);
            });
        for out in &g.spiked_blocks {
            g.spiked.extend_from_slice(out);
        }
        return;
    }
    let _ = parallel;
    update_cells(&k, tau_m, cells, 0, &mut g.spiked);
}

/// Neurons per block of the threaded update.
#[cfg(feature = "parallel")]
const UPDATE_BLOCK: usize = 4096;

/// A run of neurons of one population, and this step's synaptic input to them (`delta`,
/// `g`, `ge`, `dv` are empty when the population has no such channel).
struct Cells<'a> {
    v: &'a mut [f64],
    held: &'a mut [u32],
    counts: &'a mut [u32],
    delta: &'a mut [f64],
    g: &'a [f64],
    ge: &'a [f64],
    dv: &'a [f64],
}

impl<'a> Cells<'a> {
    /// Consecutive runs of `size` neurons.
    #[cfg(feature = "parallel")]
    fn split(self, size: usize) -> Vec<Cells<'a>> {
        let mut out = Vec::new();
        let Cells {
            mut v,
            mut held,
            mut counts,
            mut delta,
            mut g,
            mut ge,
            mut dv,
        } = self;
        fn cut<T>(x: &[T], m: usize) -> (&[T], &[T]) {
            x.split_at(m.min(x.len()))
        }
        fn cut_mut<T>(x: &mut [T], m: usize) -> (&mut [T], &mut [T]) {
            let m = m.min(x.len());
            x.split_at_mut(m)
        }
        while !v.is_empty() {
            let m = size.min(v.len());
            let (v0, v1) = cut_mut(v, m);
            let (h0, h1) = cut_mut(held, m);
            let (c0, c1) = cut_mut(counts, m);
            let (d0, d1) = cut_mut(delta, m);
            let (g0, g1) = cut(g, m);
            let (e0, e1) = cut(ge, m);
            let (s0, s1) = cut(dv, m);
            out.push(Cells {
                v: v0,
                held: h0,
                counts: c0,
                delta: d0,
                g: g0,
                ge: e0,
                dv: s0,
            });
            (v, held, counts, delta, g, ge, dv) = (v1, h1, c1, d1, g1, e1, s1);
        }
        out
    }
}

/// The neuron update of `c` (neuron `offset + i` for its `i`-th entry): each neuron not held
/// takes its jump, relaxes over the step (with its conductance and current input), and
/// spikes, is reset and held if it reaches the firing level; its index goes to `spiked`.
fn update_cells(k: &Kernel<f64>, tau_m: f64, c: Cells<'_>, offset: usize, spiked: &mut Vec<u32>) {
    let n = c.v.len();
    let v_inf = k.offset; // no bias current: V_inf = V_rest
    if c.g.is_empty() && c.dv.is_empty() && c.delta.len() == n {
        // Delta synapses only (Brunel's network): one pass, no per-neuron branches but the
        // hold and the spike.
        for (i, ((v, held), x)) in
            c.v.iter_mut()
                .zip(c.held.iter_mut())
                .zip(c.delta.iter_mut())
                .enumerate()
        {
            let jump = std::mem::take(x);
            if *held > 0 {
                *held -= 1;
                continue;
            }
            let mut u = v_inf + (*v + jump - v_inf) * k.alpha;
            if u >= k.v_fire {
                spiked.push((offset + i) as u32);
                c.counts[i] += 1;
                u = u * k.reset_keep + k.reset_add;
                *held = k.ref_steps;
            }
            *v = u;
        }
        return;
    }
    for i in 0..n {
        let jump = match c.delta.get_mut(i) {
            Some(x) => std::mem::take(x),
            None => 0.0,
        };
        if c.held[i] > 0 {
            c.held[i] -= 1;
            continue;
        }
        let v = c.v[i] + jump;
        let mut v = if c.g.is_empty() {
            v_inf + (v - v_inf) * k.alpha
        } else {
            let lam = 1.0 + c.g[i];
            let inf = (v_inf + c.ge[i]) / lam;
            inf + (v - inf) * (-k.dt * lam / tau_m).exp()
        };
        if let Some(dv) = c.dv.get(i) {
            v += dv;
        }
        if v >= k.v_fire {
            spiked.push((offset + i) as u32);
            c.counts[i] += 1;
            v = v * k.reset_keep + k.reset_add;
            c.held[i] = k.ref_steps;
        }
        c.v[i] = v;
    }
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
        self.pops.get(pop.0).ok_or(SnnError::IndexOutOfRange {
            name: "population",
            len: self.pops.len(),
            index: pop.0,
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
