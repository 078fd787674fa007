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
//!    level it spikes, is reset and is held for `t_ref` (see [`LifParams`](crate::LifParams)). A delta synapse's
//!    jump arriving at a held neuron is lost, as in Brunel (2000), where a neuron is
//!    insensitive while refractory; a current or conductance arriving then still enters its
//!    synapse's state, which decays on and acts once the neuron is released.
//! 3. **Propagation.** Every spike of this step (time `(t+1)·dt`) is written into its targets'
//!    ring buffers `d = round(D/dt)` steps ahead, so it arrives at time `(t+1)·dt + D`, the
//!    start of step `t + 1 + d`: one ring of `d_max + 1` slots per target and synapse kind, not
//!    a queue per spike. (Spike sources draw or read their spikes of the step in part 2; what
//!    arrives at a source is dropped.)
//! 4. **Plasticity.** For each plastic projection, after its spikes left with the weights of
//!    the step: the step's presynaptic spikes, then its postsynaptic ones, update the traces
//!    and weights (see [`Stdp`]).
//!
//! A run on several threads ([`Network::set_threads`]) computes exactly these steps: as no
//! spike arrives sooner than the shortest delay, each thread takes `d_min + 1` steps of parts
//! 1 and 2 for its own neurons, then all threads do part 3 for those steps at once, each into
//! its own neurons' rings, in the order above (see `threads.rs`).
//!
//! A network is data and state: a [`NetworkBuilder`] checks populations, projections and
//! inputs as they are added and [`describe`](NetworkBuilder::describe)s the network, drawing
//! the connectivity from a seed, into an immutable [`NetworkDescription`]; a
//! [`NetworkState`] holds what a run changes; [`step`] advances a state by one step of its
//! description. [`Network`] keeps the two together and records runs. The Poisson inputs
//! and spike sources draw from streams of the description's seed, one per block of 1,024
//! target neurons. Same seed, same spikes, on every machine. Experiments ([`Brunel`],
//! [`Song`], [`probe`]) are descriptions built with the builder, outside the engine.
//!
//! ```
//! use snn_sim::network::{step, Brunel, NetworkState};
//! let (desc, e, _i) = Brunel::paper(5.0, 2.0).scale(0.05).describe(1)?;
//! let mut state = NetworkState::new(&desc)?;
//! for _ in 0..500 {
//!     step(&desc, &mut state)?; // 50 ms
//! }
//! assert!(state.counts(e)?.iter().sum::<u32>() > 0);
//! # Ok::<(), snn_sim::SnnError>(())
//! ```
//!
//! The modules, each using only those before it: `connect`, `synapse`, `stdp`, `source`,
//! `poisson`, `seed` (parts); `description`; `state`; `step`; `record`; `threads` (runs on
//! several threads that meet once per minimum delay); `net`; `builder`;
//! then the experiments `brunel`, `song`, `probe`.

mod brunel;
mod builder;
mod connect;
mod description;
mod net;
mod poisson;
pub mod probe;
mod record;
mod seed;
mod song;
mod source;
mod spec;
mod spec_json;
mod state;
mod stdp;
mod step;
mod synapse;
mod threads;

pub use brunel::Brunel;
pub use builder::NetworkBuilder;
pub use connect::Connectivity;
pub use description::{
    NetworkDescription, PoissonInput, PopulationDescription, ProjectionDescription,
};
pub use net::Network;
pub use record::{NetRecord, NetworkResult, PopResult, RegimeStats};
pub use song::{Song, SongRun};
pub use source::Source;
pub use spec::{NetworkSpec, SpecError};
pub use state::NetworkState;
pub use stdp::{Pairing, Stdp, StdpBuilder};
pub use step::step;
pub use synapse::Synapse;

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
