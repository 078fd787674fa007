//! Shared by the subcommands: the choices several of them take, how an error names the flag
//! the user typed, the data sets, step counts and rounding.

use clap::ValueEnum;
use snn_core::{Blobs, BlobsConfig, Centers, SnnError};

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum Method {
    Exact,
    Euler,
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum Model {
    Bernoulli,
    Poisson,
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum EncodingArg {
    Rate,
    Latency,
    Current,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum DatasetArg {
    Blobs,
    Iris,
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum Precision {
    F32,
    F64,
}

/// The flags of one subcommand, keyed by the snn-core parameter each one sets: an error
/// names the flag the user typed, found by the error's own parameter name
/// ([`SnnError::parameter`]).
pub(crate) type Flags = &'static [(&'static str, &'static str)];

/// One line for an snn-core error: the flag the user typed for its parameter, then the
/// message.
pub(crate) fn describe(e: &SnnError, flags: Flags) -> String {
    let flag = e
        .parameter()
        .and_then(|p| flags.iter().find(|(name, _)| *name == p))
        .map(|(_, flag)| *flag);
    match flag {
        Some(flag) => format!("{flag}: {e}"),
        None => e.to_string(),
    }
}

/// Spike times rounded to 1e-9 ms so `3 * 0.1` prints as 0.3.
pub(crate) fn tidy(t: f64) -> f64 {
    (t * 1e9).round() / 1e9
}

pub(crate) fn steps_for(name: &'static str, duration: f64, dt: f64) -> Result<usize, String> {
    let steps = duration / dt;
    if !steps.is_finite() || steps < 0.5 || steps > u32::MAX as f64 {
        return Err(format!(
            "{name}: duration must give between 1 and {} steps of dt, got {duration} / {dt}",
            u32::MAX
        ));
    }
    Ok(steps.round() as usize)
}

/// The data of `snn classify` and `snn nir predict`: blobs as given, or Iris.
pub(crate) fn load(
    dataset: DatasetArg,
    n_samples: usize,
    centers: usize,
    cluster_std: f64,
    seed: u64,
) -> Result<Blobs, SnnError> {
    match dataset {
        DatasetArg::Blobs => BlobsConfig {
            n_samples,
            centers: Centers::Random(centers),
            cluster_std,
            seed,
        }
        .generate(),
        DatasetArg::Iris => Blobs::iris(),
    }
}

/// The threads a run really uses: rayon's pool (which honours `RAYON_NUM_THREADS`) when
/// asked for and the population is large enough to be split, else one.
pub(crate) fn threads_used(parallel: bool, n: usize) -> usize {
    if parallel && n >= snn_core::PARALLEL_MIN {
        rayon::current_num_threads()
    } else {
        1
    }
}
