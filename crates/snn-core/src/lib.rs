//! # snn-core
//!
//! Spiking neural networks, step by step: leaky integrate-and-fire (LIF) neurons, spike
//! encoders, spike-count readouts, 2-D blob data and SVG charts, for notebooks and tools.
//!
//! * [`DiscreteParams`]: the original demo's neuron, `V <- V*decay + I`, spike and reset to 0
//!   when `V >= threshold`.
//! * [`LifParams`]: `tau_m dV/dt = -(V - V_rest) + R*I` in ms, mV, MΩ and nA, with threshold,
//!   reset, refractory period and [`Integration::Exact`] or [`Integration::Euler`].
//! * [`Population`]: N neurons of one model stepped together over contiguous arrays.
//!
//! Randomness is always passed in; use the portable [`Rng64`] (re-exported
//! `Xoshiro256PlusPlus`) seeded with [`rng`] so figures are the same on every machine.
//!
//! # Quick start
//! ```
//! use snn_core::{DiscreteParams, Drive, Population, Record};
//! // The original demo: x = [3.04545118, 1.37379466], w = [-0.2509198, 0.9014286], b = 0.
//! let (x, w) = ([3.04545118, 1.37379466], [-0.2509198, 0.9014286]);
//! let i: f64 = x.iter().zip(&w).map(|(a, b)| a * b).sum();
//! let mut neuron = Population::<f64>::new(&DiscreteParams::original().build()?, 1)?;
//! let out = neuron.run(10, Drive::Constant(i), &Record::spikes())?;
//! assert_eq!(out.spike_train_of(0), vec![0, 0, 1, 0, 0, 1, 0, 0, 1, 0]);
//! # Ok::<(), snn_core::SnnError>(())
//! ```
#![deny(missing_docs)]

pub mod bench;
pub mod chart;
mod data;
mod encode;
mod error;
pub mod gallery;
pub mod learn;
pub mod network;
mod neuron;
mod original;
mod population;
mod readout;
mod real;
mod stepper;

pub use chart::Chart;
pub use data::{Blobs, BlobsConfig, Centers, Grid, MinMaxScaler};
pub use encode::{
    DeltaEncoder, LatencyEncoder, RateEncoder, RateModel, SpikeMatrix, MAX_POISSON_PER_STEP,
};
pub use error::{Result, SnnError, MAX_BYTES, MAX_MAGNITUDE};
pub use learn::{
    Classifier, ClassifierBuilder, Encoding, History, Logistic, Response, Standardizer,
    TrainBuilder, TrainConfig, OUTPUT_THRESHOLD,
};
pub use network::{
    Connection, Connectivity, NetRecord, Network, NetworkBuilder, NetworkResult, PopId, PopResult,
    RegimeStats, Synapse,
};
pub use neuron::{
    Crossing, DiscreteBuilder, DiscreteParams, Integration, Kernel, LifBuilder, LifParams,
    LifReset, Model, Reset,
};
pub use original::OriginalDemo;
pub use population::{
    Drive, Input, Population, Record, SimResult, SpikeTrains, Trace, PARALLEL_MIN,
};
pub use readout::{accuracy, Confusion};
pub use real::Real;
pub use stepper::{Snapshot, StepThrough};

/// Re-exported so notebooks and dependants use exactly the versions snn-core is built on.
pub use {linfa_datasets, ndarray, rand, rand_distr, rand_xoshiro};

/// The portable, seedable generator used throughout: the same seed gives the same numbers on
/// every machine and every release.
pub type Rng64 = rand_xoshiro::Xoshiro256PlusPlus;

/// A [`Rng64`] seeded with `seed`.
pub fn rng(seed: u64) -> Rng64 {
    use rand::SeedableRng;
    Rng64::seed_from_u64(seed)
}
