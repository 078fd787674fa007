//! What a run changes: membrane potentials, refractory counters, spike counts, the rings of
//! arrivals, synaptic state, per-synapse weights and plasticity traces, random streams, the
//! step counter. Made from a [`NetworkDescription`] by [`NetworkState::new`]; only
//! [`step`](super::step) writes it.

use super::connect::Csr;
use super::description::{check_v, check_weights, NetworkDescription};
use super::poisson::PoissonCount;
use super::seed::stream;
use super::source::{Source, SourceState};
use super::stdp::StdpState;
use super::synapse::{Channel, ChannelConsts, Synapse};
use super::PopId;
use crate::error::{Result, SnnError};
use crate::neuron::{Kernel, LifParams, Model};
use crate::Rng64;

/// Target neurons per Poisson random stream.
pub(super) const INPUT_BLOCK: usize = 1024;

/// One target-side synaptic channel: a ring of arrivals and, for currents and conductances,
/// their state.
#[derive(Debug, Clone)]
pub(super) struct ChannelState {
    pub(super) channel: Channel,
    pub(super) c: ChannelConsts,
    pub(super) slots: usize,
    /// Arrivals per slot and target, summed weights: Poisson input and the projections with
    /// per-synapse weights.
    pub(super) ring: Vec<f64>,
    /// One ring of arrival counts per distinct shared weight `w` (`slots × n` each): a
    /// shared-weight synapse adds 1 to its target's count, and the step folds `count · w`
    /// into `ring` before it reads it. Half the bytes of a sum in `f64`, so the slot a step
    /// scatters into stays in the L1 cache.
    pub(super) classes: Vec<(f64, Vec<u32>)>,
    pub(super) state: Vec<f64>,
}

/// The state of one population.
#[derive(Debug, Clone)]
pub(super) struct GroupState {
    pub(super) k: Kernel<f64>,
    pub(super) tau_m: f64,
    pub(super) v: Vec<f64>,
    pub(super) held: Vec<u32>,
    pub(super) counts: Vec<u32>,
    pub(super) spiked: Vec<u32>,
    /// Index of the first neuron held here: 0, unless this is the part of the population
    /// one thread owns during a threaded run.
    pub(super) first: usize,
    /// Neurons (or sources) in the whole population.
    pub(super) of: usize,
    pub(super) channels: Vec<ChannelState>,
    pub(super) delta: Option<usize>,
    pub(super) dv: Vec<f64>,
    pub(super) g: Vec<f64>,
    pub(super) ge: Vec<f64>,
    /// For spike sources: their state (`v` and `held` are then empty).
    pub(super) source: Option<SourceState>,
}

impl GroupState {
    /// Neurons (or sources) in the population.
    pub(super) fn n(&self) -> usize {
        self.counts.len()
    }
}

/// The state of one projection: where it delivers, its weights now, its plasticity traces.
#[derive(Debug, Clone)]
pub(super) struct ProjState {
    /// The target's channel (`usize::MAX` into spike sources, which drop what arrives).
    pub(super) channel: usize,
    /// The count ring of the shared weight in the target channel.
    pub(super) class: usize,
    /// One weight per synapse, when each has its own (they change under plasticity).
    pub(super) weights: Option<Vec<f64>>,
    /// Plasticity, if any, and whether it is on.
    pub(super) stdp: Option<(StdpState, bool)>,
}

/// The state of one Poisson input: its count distribution and random streams.
#[derive(Debug, Clone)]
pub(super) struct InputState {
    pub(super) channel: usize,
    pub(super) w: f64,
    pub(super) count: PoissonCount,
    pub(super) streams: Vec<Rng64>,
}

/// Everything a run of a [`NetworkDescription`] changes, apart from the description itself.
/// Made for one description ([`new`](Self::new)); [`step`](super::step) refuses any other.
#[derive(Debug, Clone)]
pub struct NetworkState {
    pub(super) made_for: u64,
    pub(super) groups: Vec<GroupState>,
    pub(super) projs: Vec<ProjState>,
    pub(super) inputs: Vec<InputState>,
    pub(super) t: u64,
    pub(super) events: Vec<u64>,
}

impl NetworkState {
    /// The state of `desc` before its first step: every neuron at its starting potential,
    /// every ring empty, every weight at its starting value, every random stream at the
    /// start of its seed.
    ///
    /// # Errors
    /// A synapse kind its target's model refuses (a conductance into a model that does not
    /// integrate exactly).
    pub fn new(desc: &NetworkDescription) -> Result<Self> {
        let (dt, seed) = (desc.dt, desc.seed);
        let mut groups: Vec<GroupState> = desc
            .populations
            .iter()
            .enumerate()
            .map(|(index, p)| {
                let k = p.params.kernel::<f64>();
                let source = p
                    .source
                    .as_ref()
                    .map(|s| SourceState::new(s, dt, stream(seed, 0, index as u64)));
                let cells = if source.is_some() { 0 } else { p.n };
                let v = match &p.v0 {
                    Some(v) if source.is_none() => v.clone(),
                    _ => vec![k.v0; cells],
                };
                GroupState {
                    tau_m: p.params.tau_m(),
                    source,
                    v,
                    held: vec![0; cells],
                    counts: vec![0; p.n],
                    spiked: Vec::new(),
                    first: 0,
                    of: p.n,
                    channels: Vec::new(),
                    delta: None,
                    dv: Vec::new(),
                    g: Vec::new(),
                    ge: Vec::new(),
                    k,
                }
            })
            .collect();
        let mut projs = Vec::with_capacity(desc.projections.len());
        for p in &desc.projections {
            let to = p.to.index();
            // A source drops what arrives: no channel.
            let channel = match groups[to].source {
                Some(_) => usize::MAX,
                None => channel_of(
                    &mut groups[to],
                    &desc.populations[to].params,
                    &p.synapse,
                    p.delay,
                )?,
            };
            let w = p.synapse.w();
            let class = match groups[to].channels.get_mut(channel) {
                Some(c) if p.weights.is_none() => match c.classes.iter().position(|c| c.0 == w) {
                    Some(k) => k,
                    None => {
                        c.classes.push((w, Vec::new()));
                        c.classes.len() - 1
                    }
                },
                _ => usize::MAX,
            };
            let csr: &Csr = &p.csr;
            let stdp = p.plasticity.map(|rule| {
                let n_from = desc.populations[p.from.index()].n;
                let s = StdpState::new(rule, dt, n_from, groups[to].n(), &csr.start, &csr.target);
                (s, true)
            });
            projs.push(ProjState {
                channel,
                class,
                weights: p.weights.clone(),
                stdp,
            });
        }
        let mut inputs = Vec::with_capacity(desc.inputs.len());
        for (index, i) in desc.inputs.iter().enumerate() {
            let to = i.to.index();
            let params = &desc.populations[to].params;
            let channel = channel_of(&mut groups[to], params, &i.synapse, 0)?;
            let n = groups[to].v.len();
            let blocks = n.div_ceil(INPUT_BLOCK);
            inputs.push(InputState {
                channel,
                w: i.synapse.w(),
                count: PoissonCount::new(i.k as f64 * i.rate_hz * dt * 1e-3)?,
                streams: (0..blocks)
                    .map(|b| stream(seed, 2 + index as u64, b as u64))
                    .collect(),
            });
        }
        for g in &mut groups {
            allocate(g);
        }
        Ok(Self {
            made_for: desc.id,
            groups,
            projs,
            inputs,
            t: 0,
            events: vec![0; desc.projections.len()],
        })
    }

    /// Steps simulated so far.
    pub fn steps_done(&self) -> u64 {
        self.t
    }
    /// Synaptic events (deliveries) of every projection so far.
    pub fn events(&self) -> &[u64] {
        &self.events
    }
    fn group(&self, pop: PopId) -> Result<&GroupState> {
        self.groups
            .get(pop.index())
            .ok_or(SnnError::IndexOutOfRange {
                name: "population",
                len: self.groups.len(),
                index: pop.index(),
            })
    }
    /// Spikes of every neuron of `pop` so far.
    ///
    /// # Errors
    /// An unknown population.
    pub fn counts(&self, pop: PopId) -> Result<&[u32]> {
        Ok(&self.group(pop)?.counts)
    }
    /// The neurons of `pop` that spiked in the last step, ascending.
    ///
    /// # Errors
    /// An unknown population.
    pub fn spiked(&self, pop: PopId) -> Result<&[u32]> {
        Ok(&self.group(pop)?.spiked)
    }
    /// Membrane potentials of population `pop`, mV.
    ///
    /// # Errors
    /// An unknown population, or spike sources (they have none).
    pub fn v(&self, pop: PopId) -> Result<&[f64]> {
        let g = self.group(pop)?;
        if g.source.is_some() {
            return Err(Source::no_membrane());
        }
        Ok(&g.v)
    }
    /// Sets the membrane potentials of population `pop` of `desc`, mV.
    ///
    /// # Errors
    /// A state not made for `desc`, an unknown population, spike sources, a length other
    /// than its size, or a value not finite or beyond 1e12; nothing changes on error.
    pub fn set_v(&mut self, desc: &NetworkDescription, pop: PopId, v: &[f64]) -> Result<()> {
        self.check(desc)?;
        check_v(desc.population(pop)?, v)?;
        self.groups[pop.index()].v.copy_from_slice(v);
        Ok(())
    }
    /// The weights of projection `index` now, when each synapse has its own (same order as
    /// [`ProjectionDescription::weights`](super::ProjectionDescription::weights)).
    ///
    /// # Errors
    /// An unknown projection.
    pub fn weights(&self, index: usize) -> Result<Option<&[f64]>> {
        Ok(self.proj(index)?.weights.as_deref())
    }
    /// Replaces the weights of projection `index` of `desc`.
    ///
    /// # Errors
    /// A state not made for `desc`, an unknown projection, one without per-synapse weights,
    /// a length other than its number of synapses, or a weight its synapse kind or rule
    /// refuses; the weights are unchanged on error.
    pub fn set_weights(
        &mut self,
        desc: &NetworkDescription,
        index: usize,
        w: &[f64],
    ) -> Result<()> {
        self.check(desc)?;
        let p = desc.projection(index)?;
        check_weights(p, self.projs[index].weights.as_deref(), w)?;
        if let Some(dst) = &mut self.projs[index].weights {
            dst.copy_from_slice(w);
        }
        Ok(())
    }
    /// Whether the plasticity of projection `index` is on (`None`: it has none).
    ///
    /// # Errors
    /// An unknown projection.
    pub fn plastic(&self, index: usize) -> Result<Option<bool>> {
        Ok(self.proj(index)?.stdp.as_ref().map(|s| s.1))
    }
    /// Turns the plasticity of projection `index` on or off (on at first). Off, the weights
    /// stay as they are and the traces are not kept: the network steps exactly as one
    /// without plasticity. Turned back on, the traces start from zero.
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
    /// Bytes held by per-synapse weights and plasticity traces.
    pub(super) fn synapse_bytes(&self) -> usize {
        self.projs
            .iter()
            .map(|p| {
                p.weights.as_ref().map_or(0, |w| w.len() * 8)
                    + p.stdp.as_ref().map_or(0, |s| s.0.bytes())
            })
            .sum()
    }
    fn proj(&self, index: usize) -> Result<&ProjState> {
        self.projs.get(index).ok_or(SnnError::IndexOutOfRange {
            name: "projection",
            len: self.projs.len(),
            index,
        })
    }
    /// Checks that this state was made for `desc`.
    ///
    /// # Errors
    /// A state made for another description.
    pub fn check(&self, desc: &NetworkDescription) -> Result<()> {
        if self.made_for != desc.id {
            return Err(SnnError::Mismatch {
                what: "network state",
                expected: "a state made for this description (NetworkState::new)".into(),
                got: "a state of another description".into(),
            });
        }
        Ok(())
    }
}

/// The rings, synaptic state and input buffers of `g`, once its channels are known.
fn allocate(g: &mut GroupState) {
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

/// The index of `g`'s channel for synapse `s`, added if new: one channel per target and
/// kind, its ring long enough for the longest delay into it.
fn channel_of(g: &mut GroupState, params: &LifParams, s: &Synapse, delay: usize) -> Result<usize> {
    let ch = Channel::of(s);
    let idx = match g.channels.iter().position(|c| c.channel == ch) {
        Some(i) => i,
        None => {
            g.channels.push(ChannelState {
                channel: ch,
                c: ChannelConsts::new(ch, params)?,
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
