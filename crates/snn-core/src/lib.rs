//! # snn-core
//!
//! Spiking neural networks, step by step: leaky integrate-and-fire (LIF) neurons, spike
//! encoders, networks, readouts that learn, data and SVG charts, for notebooks and tools.
//!
//! This is the one crate a notebook imports (`:dep snn-core = { path = "../crates/snn-core" }`).
//! It holds no code of its own: it gathers, at the same paths, the three crates that do the
//! work, each with one job:
//!
//! | crate | its job |
//! |---|---|
//! | [`snn_sim`] | the models and engines: neurons, populations, networks, encoders, errors |
//! | [`snn_learn`] | data sets, the classifiers and their training, the logistic baseline |
//! | [`snn_plot`] | charts and players: what a learner looks at |
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

pub use snn_learn::{self, gradient, learn};
pub use snn_plot::{self, chart, gallery};
pub use snn_sim::{self, bench, check, network};

pub use snn_learn::{
    accuracy, Blobs, BlobsConfig, Centers, Classifier, ClassifierBuilder, ClassifierParams,
    Confusion, Encoding, Grid, History, Logistic, MinMaxScaler, OriginalDemo, OutputReset,
    Response, Standardizer, TrainBuilder, TrainConfig, OUTPUT_THRESHOLD,
};
pub use snn_plot::{Chart, Snapshot, StepThrough};
pub use snn_sim::{
    rng, Connection, Connectivity, Crossing, DeltaEncoder, DiscreteBuilder, DiscreteParams, Drive,
    Input, Integration, Kernel, LatencyEncoder, LifBuilder, LifParams, LifReset, Model, NetRecord,
    Network, NetworkBuilder, NetworkResult, PopId, PopResult, Population, Precision, RateEncoder,
    RateModel, Real, Record, RegimeStats, Reset, Result, Rng64, SimResult, SnnError, SpikeMatrix,
    SpikeTrains, Synapse, Trace, MAX_BYTES, MAX_MAGNITUDE, MAX_POISSON_PER_STEP, PARALLEL_MIN,
};

/// Re-exported so notebooks and dependants use exactly the versions snn-core is built on.
pub use snn_learn::linfa_datasets;
pub use snn_sim::{ndarray, rand, rand_distr, rand_xoshiro};
