//! # snn-sim
//!
//! The models and engines of snn-core: leaky integrate-and-fire (LIF) neurons, populations
//! stepped over contiguous arrays, networks of populations with synapses, delays and
//! spike-timing-dependent plasticity, spike encoders, and the one error type every crate of
//! the project returns. It knows nothing of data sets, learning or charts.
//!
//! * [`DiscreteParams`]: the original demo's neuron, `V <- V*decay + I`, spike and reset to 0
//!   when `V >= threshold`.
//! * [`LifParams`]: `tau_m dV/dt = -(V - V_rest) + R*I` in ms, mV, MΩ and nA, with threshold,
//!   reset, refractory period and [`Integration::Exact`] or [`Integration::Euler`].
//! * [`Population`]: N neurons of one model stepped together over contiguous arrays.
//! * [`network`]: populations and spike sources connected by projections.
//!
//! Randomness is always passed in; use the portable [`Rng64`] (re-exported
//! `Xoshiro256PlusPlus`) seeded with [`rng`] so results are the same on every machine.
//!
//! # Quick start
//! ```
//! use snn_sim::{DiscreteParams, Drive, Population, Record};
//! // The original demo: x = [3.04545118, 1.37379466], w = [-0.2509198, 0.9014286], b = 0.
//! let (x, w) = ([3.04545118, 1.37379466], [-0.2509198, 0.9014286]);
//! let i: f64 = x.iter().zip(&w).map(|(a, b)| a * b).sum();
//! let mut neuron = Population::<f64>::new(&DiscreteParams::original().build()?, 1)?;
//! let out = neuron.run(10, Drive::Constant(i), &Record::spikes())?;
//! assert_eq!(out.spike_train_of(0), vec![0, 0, 1, 0, 0, 1, 0, 0, 1, 0]);
//! # Ok::<(), snn_sim::SnnError>(())
//! ```
#![deny(missing_docs)]

pub mod bench;
mod encode;
mod error;
pub mod network;
mod neuron;
mod param;
mod population;
mod real;

pub use encode::{
    DeltaEncoder, LatencyEncoder, RateEncoder, RateModel, SpikeMatrix, MAX_POISSON_PER_STEP,
};
pub use error::{Result, SnnError, MAX_BYTES, MAX_MAGNITUDE};
pub use network::{
    Connection, Connectivity, NetRecord, Network, NetworkBuilder, NetworkDescription,
    NetworkResult, NetworkState, PopId, PopResult, RegimeStats, Synapse,
};
pub use neuron::{
    Crossing, DiscreteBuilder, DiscreteParams, Integration, Kernel, LifBuilder, LifParams,
    LifReset, Model, Reset,
};
pub use param::{Param, Values};
pub use population::{
    Drive, Input, Population, Precision, Record, SimResult, SpikeTrains, Trace, PARALLEL_MIN,
};
pub use real::Real;

/// The checks every builder of the project runs on its parameters, each returning the
/// [`SnnError`] variant that names the parameter and its value (shared by snn-learn and
/// snn-plot so that a rule reads the same everywhere).
pub mod check {
    pub use crate::error::{all_finite, bounded, finite, fits, non_negative, nonzero, positive};
    pub use crate::param::{text_says, text_says_exactly, Param, Values, DRIVE, NEURONS, STEPS};
}

/// Re-exported so dependants use exactly the versions snn-sim is built on.
pub use {ndarray, rand, rand_distr, rand_xoshiro};

/// The portable, seedable generator used throughout: the same seed gives the same numbers on
/// every machine and every release.
pub type Rng64 = rand_xoshiro::Xoshiro256PlusPlus;

/// A [`Rng64`] seeded with `seed`.
pub fn rng(seed: u64) -> Rng64 {
    use rand::SeedableRng;
    Rng64::seed_from_u64(seed)
}
