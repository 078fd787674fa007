//! NIR, the Neuromorphic Intermediate Representation, for snn-core: a trained
//! [`Classifier`](snn_core::Classifier), or a feed-forward chain of populations of a
//! [`Network`](snn_core::Network) ([`from_network`]; [`network`] gives the units),
//! written as a NIR graph file (HDF5, the layout of the reference `nir.write`), and NIR files
//! read back into an equivalent classifier or network.
//!
//! NIR is how spiking networks move between simulators and chips: snnTorch, Norse, Rockpool,
//! Sinabs, Spyx, Lava-dl and Nengo read and write it, and so do the tool chains of Loihi,
//! SpiNNaker2, Speck and Xylo.
//!
//! # The graph of a classifier
//!
//! `input → affine → lif → output`:
//! - `Input`, shape `[features]`: the raw features (not standardised).
//! - `Affine`, `weight` of shape `[classes, features]` and `bias` of shape `[classes]`: the
//!   standardisation folded into the readout, `I = W'·x + b'` with
//!   `W'[j, f] = W[f, j] / std_f` and `b'[j] = W[bias, j] − Σ_f W[f, j]·mean_f / std_f`.
//! - `LIF` (or `IF` for a neuron without leak), shape `[classes]`: the output neurons.
//! - `Output`, shape `[classes]`: their spikes. The class is the neuron with the most spikes
//!   over the window (ties: the higher membrane potential).
//!
//! # File layout
//!
//! Files are HDF5 in the layout of the reference `nir.write`:
//! a `version` string at the root and a group `node` holding the graph (`type` =
//! `"NIRGraph"`, a group `nodes` with one group per node, `edges` as an `[n, 2]` array of
//! strings, and a `metadata` group). Each node's group holds its `type` string and its
//! parameters as arrays. Strings are variable-length UTF-8, as h5py writes them; arrays are
//! stored uncompressed (the reference compresses them with gzip; readers accept both, and
//! this reader reads both). The output has no timestamps: the same graph gives the same bytes.
//!
//! # Units and discretisation
//!
//! NIR's LIF is continuous, in seconds: `tau dv/dt = (v_leak − v) + r·I`, a spike when
//! `v > v_threshold`, then `v = v_reset`. Our output neuron is discrete: `V ← V·decay + I`,
//! one step per time step. Forward Euler with step `dt` turns NIR's equation into
//! `v ← v·(1 − dt/tau) + (dt/tau)·(v_leak + r·I)`, which is ours exactly when
//!
//! `tau = dt / (1 − decay)`, `r = tau / dt = 1 / (1 − decay)`, `v_leak = 0`,
//! `v_threshold = threshold`, `v_reset = 0`,
//!
//! and, for `decay = 1` (no leak), NIR's `IF` (`dv/dt = r·I`) with `r = 1/dt`. snnTorch and
//! Norse discretise NIR's LIF with forward Euler (`beta = 1 − dt/tau`), so they reproduce our
//! spikes when they use the same `dt`; the file stores it in the graph's metadata (`dt`, in
//! seconds, [`DEFAULT_DT`] = 1e-4 s unless chosen, snnTorch's import step). An importer that
//! integrates exactly (`v ← v_∞ + (v − v_∞)·e^(−dt/tau)`) leaks by `e^(−(1 − decay))` per
//! step instead of `decay` and scales the input by `(1 − e^(−(1 − decay)))·r`: for the
//! classifier's decay 0.995, 0.9950125 and 0.9975, close but not the same spikes.
//!
//! Our classifier resets by subtraction (`V ← V − threshold`: the overshoot is kept, which is
//! what makes its training rule exact); NIR's LIF resets to `v_reset`. A reader that follows
//! NIR's equations therefore loses the overshoot at each spike and counts a few spikes fewer;
//! its decisions still agree with ours on almost every sample (docs/nir.md gives the measured
//! figure). The file also keeps, in the graph's metadata, what a NIR reader ignores and our
//! reader uses to rebuild the classifier exactly: the reset rule, the unfolded weights, the
//! standardisation and the steps per sample. A round trip (write, read) gives the same
//! spikes, bit for bit.
//!
//! Our physical LIF ([`LifParams`](snn_core::LifParams), `tau_m dV/dt = −(V − V_rest) + R·I` in
//! ms, mV, MΩ, nA) maps to NIR's LIF as `tau = tau_m / 1000` (seconds), `v_leak = V_rest`,
//! `r = R`, `v_threshold = V_th`, `v_reset = V_reset` (NIR has no refractory period), and its
//! current-based synapse (`tau_syn dI/dt = −I`) makes it NIR's `CubaLIF` with
//! `tau_syn = tau_syn / 1000`.

mod classifier;
mod display;
mod for_reader;
mod gradient;
mod graph;
mod io;
pub mod network;
mod readers;

pub use classifier::{exportable, from_classifier, to_classifier, write_classifier};
pub use for_reader::from_network_for;
pub use gradient::from_spiking_net;
pub use graph::{Meta, NirGraph, Node};
pub use io::{from_bytes, read, to_bytes, write};
pub use network::{
    from_description, from_network, from_network_frozen, to_description, to_network,
};
pub use readers::{verdict, Reader, Verdict};

/// The time step stored when none is chosen, seconds: snnTorch's NIR import step.
pub const DEFAULT_DT: f64 = 1e-4;

/// The NIR version written in the file's `version` dataset (the reference package this was
/// checked against).
pub const NIR_VERSION: &str = "1.0.8";

/// What went wrong reading or writing a NIR graph.
#[derive(Debug, thiserror::Error)]
pub enum NirError {
    /// The file could not be read or written, or is not HDF5.
    #[error("{path}: {why}")]
    File {
        /// The file.
        path: String,
        /// Why, in words.
        why: String,
    },
    /// The file is HDF5 but not a NIR graph this crate understands.
    #[error("not a NIR graph we can read: {0}")]
    Format(String),
    /// A graph or model this crate cannot map (for example spike encodings, or a NIR node
    /// type without a counterpart here).
    #[error("unsupported: {0}")]
    Unsupported(String),
    /// A value snn-core refuses.
    #[error(transparent)]
    Snn(#[from] snn_core::SnnError),
}

/// Result alias for snn-nir.
pub type Result<T> = std::result::Result<T, NirError>;
