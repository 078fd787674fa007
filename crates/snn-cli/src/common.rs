//! Shared by the subcommands: the choices several of them take, how an error names the flag
//! the user typed, the data sets, step counts and rounding.

use clap::ValueEnum;
use snn_core::check::Param;
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

/// What an output neuron of the classifier does when it fires (snn_core::OutputReset).
#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum ResetArg {
    /// Spike at V >= threshold, then V <- V - threshold: the overshoot is kept (exact
    /// training); NIR cannot say it, so snnTorch and Norse count a few spikes fewer.
    Subtract,
    /// Spike at V > threshold, then V <- 0, ties to the lowest class: NIR's LIF and
    /// snnTorch's decision exactly (the same spike counts in snnTorch and Norse).
    Zero,
}

impl ResetArg {
    pub(crate) fn rule(self) -> snn_core::OutputReset {
        match self {
            ResetArg::Subtract => snn_core::OutputReset::Subtract,
            ResetArg::Zero => snn_core::OutputReset::Zero,
        }
    }
}

/// A NIR reader whose limits an export must meet (snn_nir::Reader).
#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum ReaderArg {
    Snntorch,
    Norse,
}

impl ReaderArg {
    pub(crate) fn reader(self) -> snn_nir::Reader {
        match self {
            ReaderArg::Snntorch => snn_nir::Reader::SnnTorch,
            ReaderArg::Norse => snn_nir::Reader::Norse,
        }
    }
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

/// A flag of `snn` and the library parameter it sets ([`Param`]): the one definition its
/// help text is generated from ([`help`](Self::help): what it is, then the values the
/// library's check accepts) and its errors are named by ([`describe`]). `also` names the
/// quantities the library derives from this flag alone (a memory total, a step count), so
/// an error about one of them names this flag too.
pub(crate) struct Flag {
    /// What the user types.
    pub(crate) long: &'static str,
    /// The parameter the library checks this flag's value as.
    pub(crate) param: Param,
    /// What the flag is, for its help.
    pub(crate) what: &'static str,
    /// Names of quantities derived from this flag alone.
    pub(crate) also: &'static [&'static str],
}

impl Flag {
    /// Flag `long` for `param`.
    pub(crate) const fn new(long: &'static str, what: &'static str, param: Param) -> Self {
        Self {
            long,
            param,
            what,
            also: &[],
        }
    }
    /// The same flag, also named by errors about `names`.
    pub(crate) const fn also(mut self, names: &'static [&'static str]) -> Self {
        self.also = names;
        self
    }
    /// Its help text: what it is, then what it accepts.
    pub(crate) fn help(&self) -> String {
        format!("{} ({})", self.what, self.param.accepts())
    }
    /// Whether an error about `name` is about this flag.
    fn names(&self, name: &str) -> bool {
        self.param.name == name || self.also.contains(&name)
    }
}

/// The flags of one subcommand.
pub(crate) type Flags = &'static [&'static Flag];

/// One line for an snn-core error: the flag the user typed for the parameter the error
/// names, then the message.
pub(crate) fn describe(e: &SnnError, flags: Flags) -> String {
    let flag = e
        .parameter()
        .and_then(|p| flags.iter().find(|f| f.names(p)))
        .map(|f| f.long);
    match flag {
        Some(flag) => format!("{flag}: {e}"),
        None => e.to_string(),
    }
}

/// Spike times rounded to 1e-9 ms so `3 * 0.1` prints as 0.3.
pub(crate) fn tidy(t: f64) -> f64 {
    (t * 1e9).round() / 1e9
}

/// Whole steps of `dt_ms` in a duration given by `flag` in its own unit (`unit`, with
/// `ms_per_unit`): the error shows the duration as the user typed it.
pub(crate) fn steps_for(
    flag: &Flag,
    duration: f64,
    ms_per_unit: f64,
    dt_ms: f64,
) -> Result<usize, String> {
    let steps = duration * ms_per_unit / dt_ms;
    if !steps.is_finite() || steps < 0.5 || steps > u32::MAX as f64 {
        return Err(format!(
            "{}: duration must give between 1 and {} steps of dt, got {duration}{} / {dt_ms} ms",
            flag.long,
            u32::MAX,
            flag.param.unit
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
