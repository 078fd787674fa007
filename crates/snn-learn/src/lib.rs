//! # snn-learn
//!
//! Learning with spiking neurons, on top of snn-sim: data sets (2-D Gaussian blobs from
//! linfa-datasets, Fisher's Iris), scaling and splits, the original demo's one-neuron
//! classifier, the spiking classifier whose readout learns ([`Classifier`]), logistic
//! regression as the baseline it is measured against ([`Logistic`]), accuracy and the
//! confusion matrix.
//!
//! # Quick start
//! ```
//! use snn_learn::{BlobsConfig, Classifier, Encoding, TrainConfig};
//! use snn_sim::rng;
//! let (train, test) = BlobsConfig::original().generate()?.split(0.25, &mut rng(1))?;
//! let mut clf = Classifier::new(&train, 50, Encoding::Current)?;
//! clf.fit(&train, None, &TrainConfig::builder().epochs(50).build()?, &mut rng(2))?;
//! assert!(clf.accuracy(&test, &mut rng(3))? > 0.9);
//! # Ok::<(), snn_sim::SnnError>(())
//! ```
#![deny(missing_docs)]

mod data;
pub mod gradient;
pub mod learn;
mod original;
mod readout;

pub use data::{Blobs, BlobsConfig, Centers, Grid, MinMaxScaler};
pub use learn::{
    Classifier, ClassifierBuilder, ClassifierParams, Encoding, History, Logistic, OutputReset,
    Response, Standardizer, TrainBuilder, TrainConfig, OUTPUT_THRESHOLD,
};
pub use original::{OriginalDemo, ORIGINAL_TRAIN, ORIGINAL_W, ORIGINAL_X};
pub use readout::{accuracy, Confusion};

/// Re-exported so dependants use exactly the version the data sets are built on.
pub use linfa_datasets;
