//! # snn-plot
//!
//! What a learner looks at: SVG charts of simulation and learning results (spike trains,
//! rasters, membrane traces, f-I curves, decision and class maps, training curves, network
//! regimes, plasticity), HTML players that sweep a parameter, and simulations stepped by hand
//! ([`StepThrough`]). Charts only read results; none of them runs a simulation. Every chart
//! shows itself in an evcxr notebook and saves itself to a file.
//!
//! # Quick start
//! ```
//! use snn_plot::chart;
//! use snn_sim::{DiscreteParams, Drive, Population, Record};
//! let mut neuron = Population::<f64>::new(&DiscreteParams::original().build()?, 1)?;
//! let out = neuron.run(10, Drive::Constant(0.474), &Record::spikes())?;
//! let svg = chart::spike_train(&out.spike_train_of(0), "one neuron")?;
//! assert!(svg.svg().starts_with("<svg"));
//! # Ok::<(), snn_sim::SnnError>(())
//! ```
#![deny(missing_docs)]

pub mod chart;
pub mod gallery;
mod stepper;

pub use chart::Chart;
pub use stepper::{Snapshot, StepThrough};
