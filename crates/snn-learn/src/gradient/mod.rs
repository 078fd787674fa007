//! Learning by gradient: backpropagation through time with a surrogate gradient, written by
//! hand for layers of leaky integrate-and-fire neurons (Neftci, Mostafa & Zenke 2019; the
//! model snnTorch's tutorials 5 and 6 train).
//!
//! # The model
//! Discrete time `t = 1..T`, all state 0 at `t = 0`. Layer `l` has weights `W_l`
//! (`[n_out, n_in]`), an optional bias `b_l`, a decay `beta` in (0, 1] and a threshold
//! `theta > 0`:
//! - input current `I_t = W_l·x_t + b_l`, where `x_t` is the sample's features (held for the
//!   `T` steps) for the first layer, and the spikes of the layer before **at the same step**
//!   for later ones;
//! - membrane `v_t = beta·v_{t−1} + I_t − theta·stopgrad(s_{t−1})`: reset by subtraction, the
//!   reset carrying no gradient (snnTorch's `Leaky(reset_mechanism="subtract")`);
//! - spike `s_t = H(v_t − theta)`, `H(0) = 0` (a spike needs `v_t > theta`); in the backward
//!   pass `ds/dv` is the [`Surrogate`]'s.
//!
//! - an optional recurrent layer adds `W_rec·s_{t−1}` (its own spikes of the step before) to
//!   `I_t`.
//!
//! The [`Readout`] says what the last layer gives the loss: [`Readout::SpikeCount`] (loss
//! `ce_count`: spike counts `c = Σ_t s_t`, `L = mean over samples of −log softmax(c)[y]`) or
//! [`Readout::MaxMembrane`] (the last layer is a leaky integrator that never fires,
//! `v_t = beta·v_{t−1} + I_t`, and the loss is `−log softmax(m)[y]` of its maximum membrane
//! over time `m = max_t v_t`, SpyTorch's choice); gradients are of the mean over the samples.
//!
//! Every type is generic over the number type ([`Real`]: `f64` or `f32`); one network's
//! numbers are the same on one core or many.

mod bptt;
mod pass;
mod train;

pub use pass::{Backprop, Gradients, Pass};
pub use train::{initial, Adam, GradHistory, GradTraining};

use std::fmt::Debug;
use std::ops::{AddAssign, MulAssign, SubAssign};

use ndarray::{Array1, Array2};

use snn_sim::{Result, SnnError};

/// The number type of a [`SpikingNet`]: `f64` (the default, checked against PyTorch to 1e-9)
/// or `f32` (PyTorch's and snnTorch's default, half the memory).
pub trait Real:
    num_traits::Float
    + AddAssign
    + SubAssign
    + MulAssign
    + Default
    + Debug
    + Send
    + Sync
    + std::iter::Sum
    + 'static
{
    /// `x` in this type (rounded to nearest for `f32`).
    fn of(x: f64) -> Self;
    /// This value as `f64` (exact).
    fn f64(self) -> f64;
}

impl Real for f64 {
    fn of(x: f64) -> Self {
        x
    }
    fn f64(self) -> f64 {
        self
    }
}

impl Real for f32 {
    fn of(x: f64) -> Self {
        x as f32
    }
    fn f64(self) -> f64 {
        f64::from(self)
    }
}

/// The stand-in for the spike's derivative in the backward pass, as a function of
/// `u = v − theta` (the forward pass is the step `H(u)`, whose derivative is 0 almost
/// everywhere).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Surrogate {
    /// `1 / (1 + k·|u|)²`, slope `k > 0` (snnTorch's `surrogate.fast_sigmoid(slope=k)`).
    FastSigmoid {
        /// The slope `k`.
        slope: f64,
    },
    /// `(alpha/2) / (1 + (π/2·alpha·u)²)`, `alpha > 0` (snnTorch's `surrogate.atan(alpha)`).
    Atan {
        /// The width parameter `alpha`.
        alpha: f64,
    },
}

impl Surrogate {
    /// `ds/dv` at `u = v − theta` (any [`Real`]: `Surrogate::grad(s, 0.5f32)`).
    pub fn grad<F: Real>(self, u: F) -> F {
        match self {
            Surrogate::FastSigmoid { slope } => {
                let d = F::one() + F::of(slope) * u.abs();
                F::one() / (d * d)
            }
            Surrogate::Atan { alpha } => {
                let z = F::of(std::f64::consts::FRAC_PI_2 * alpha) * u;
                F::of(alpha / 2.0) / (F::one() + z * z)
            }
        }
    }
    fn check(self) -> Result<()> {
        let (name, k) = match self {
            Surrogate::FastSigmoid { slope } => ("slope", slope),
            Surrogate::Atan { alpha } => ("alpha", alpha),
        };
        if !(k.is_finite() && k > 0.0) {
            return Err(SnnError::OutOfRange {
                name,
                range: "(0, inf)",
                value: k,
            });
        }
        Ok(())
    }
}

/// What the last layer gives the loss (see the [module docs](self)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Readout {
    /// Spike counts `c = Σ_t s_t`, loss `ce_count`; the class is the neuron with the most
    /// spikes, ties to the lowest index (snnTorch's `spk.sum(0).argmax(1)`).
    #[default]
    SpikeCount,
    /// A leaky integrator that never fires (`v_t = beta·v_{t−1} + I_t`, its threshold
    /// unused); loss on `m = max_t v_t`, the class the neuron with the highest `m` (ties to
    /// the lowest index), the gradient of the maximum going to its first step.
    MaxMembrane,
}

/// One layer of LIF neurons and the weights into it (see the [module docs](self)).
#[derive(Debug, Clone, PartialEq)]
pub struct Layer<F = f64> {
    /// Weights `[n_out, n_in]`.
    pub w: Array2<F>,
    /// Recurrent weights `[n_out, n_out]` (`w_rec[[j, f]]`: from neuron `f`'s spike of the
    /// step before to neuron `j`), or none.
    pub w_rec: Option<Array2<F>>,
    /// Bias `[n_out]`, or none.
    pub b: Option<Array1<F>>,
    /// Membrane decay per step, in (0, 1] (1: no leak).
    pub beta: F,
    /// Firing threshold, > 0.
    pub threshold: F,
}

/// A chain of [`Layer`]s run for `steps` steps per sample, checked once when made.
#[derive(Debug, Clone, PartialEq)]
pub struct SpikingNet<F = f64> {
    layers: Vec<Layer<F>>,
    steps: usize,
    surrogate: Surrogate,
    readout: Readout,
}

impl<F: Real> SpikingNet<F> {
    /// A network of `layers` (the first takes the features), run `steps` steps per sample,
    /// with the [`Readout::SpikeCount`] readout.
    ///
    /// # Errors
    /// No layer; zero steps; shapes that do not chain (a layer's inputs are not the layer
    /// before's outputs, a bias or recurrent matrix of the wrong size); a `beta` outside
    /// (0, 1], a threshold that is not positive, a surrogate parameter that is not positive,
    /// or a weight that is not finite: each error names the value.
    pub fn new(layers: Vec<Layer<F>>, steps: usize, surrogate: Surrogate) -> Result<Self> {
        if layers.is_empty() {
            return Err(SnnError::Empty { name: "layers" });
        }
        snn_sim::check::nonzero("steps", steps)?;
        surrogate.check()?;
        for (k, l) in layers.iter().enumerate() {
            if k > 0 && l.w.ncols() != layers[k - 1].w.nrows() {
                return Err(SnnError::LengthMismatch {
                    name: "layer inputs (the layer before's outputs)",
                    expected: layers[k - 1].w.nrows(),
                    got: l.w.ncols(),
                });
            }
            if l.w.is_empty() {
                return Err(SnnError::Empty {
                    name: "layer weights",
                });
            }
            let n = l.w.nrows();
            if let Some(b) = &l.b {
                if b.len() != n {
                    return Err(SnnError::LengthMismatch {
                        name: "bias",
                        expected: n,
                        got: b.len(),
                    });
                }
            }
            if let Some(r) = &l.w_rec {
                if r.dim() != (n, n) {
                    return Err(SnnError::LengthMismatch {
                        name: "recurrent weights (rows and columns: the layer's neurons)",
                        expected: n,
                        got: if r.nrows() == n { r.ncols() } else { r.nrows() },
                    });
                }
            }
            let beta = l.beta.f64();
            if !(beta > 0.0 && beta <= 1.0) {
                return Err(SnnError::OutOfRange {
                    name: "beta",
                    range: "(0, 1]",
                    value: beta,
                });
            }
            snn_sim::check::positive("threshold", "", l.threshold.f64())?;
            let values = l.w.iter().chain(l.b.iter().flatten());
            let values = values.chain(l.w_rec.iter().flatten());
            snn_sim::check::all_finite("weights", values.map(|v| v.f64()))?;
        }
        // Row-major weights, so the passes can read each row as one slice.
        let layers = layers
            .into_iter()
            .map(|mut l| {
                if !l.w.is_standard_layout() {
                    l.w = l.w.as_standard_layout().into_owned();
                }
                if let Some(r) = l.w_rec.as_mut().filter(|r| !r.is_standard_layout()) {
                    *r = r.as_standard_layout().into_owned();
                }
                l
            })
            .collect();
        Ok(SpikingNet {
            layers,
            steps,
            surrogate,
            readout: Readout::SpikeCount,
        })
    }
    /// The same network with the readout `readout`.
    ///
    /// # Errors
    /// [`Readout::MaxMembrane`] on a last layer with recurrent weights (a readout that never
    /// fires has no spikes to feed back).
    pub fn with_readout(mut self, readout: Readout) -> Result<Self> {
        if readout == Readout::MaxMembrane && self.layers[self.layers.len() - 1].w_rec.is_some() {
            return Err(SnnError::Unsupported {
                name: "readout",
                why: "a max-membrane readout never fires, so it cannot have recurrent weights",
            });
        }
        self.readout = readout;
        Ok(self)
    }
    /// The layers.
    pub fn layers(&self) -> &[Layer<F>] {
        &self.layers
    }
    /// Steps per sample.
    pub fn steps(&self) -> usize {
        self.steps
    }
    /// The surrogate of the backward pass.
    pub fn surrogate(&self) -> Surrogate {
        self.surrogate
    }
    /// What the last layer gives the loss.
    pub fn readout(&self) -> Readout {
        self.readout
    }
    /// Inputs per sample (the first layer's).
    pub fn inputs(&self) -> usize {
        self.layers[0].w.ncols()
    }
    /// Outputs (the last layer's neurons: one per class).
    pub fn outputs(&self) -> usize {
        self.layers[self.layers.len() - 1].w.nrows()
    }
    /// Whether any layer is recurrent.
    pub fn is_recurrent(&self) -> bool {
        self.layers.iter().any(|l| l.w_rec.is_some())
    }
    /// The weights, recurrent weights and biases of every layer, in that order, mutable, for
    /// an optimiser (the shapes are fixed: a step changes values only).
    pub fn parameters_mut(&mut self) -> impl Iterator<Item = &mut F> {
        self.layers.iter_mut().flat_map(|l| {
            l.w.iter_mut()
                .chain(l.w_rec.iter_mut().flatten())
                .chain(l.b.iter_mut().flatten())
        })
    }
    /// The number of weights, recurrent weights and biases.
    pub fn parameters(&self) -> usize {
        self.layers
            .iter()
            .map(|l| {
                l.w.len()
                    + l.w_rec.as_ref().map_or(0, |r| r.len())
                    + l.b.as_ref().map_or(0, |b| b.len())
            })
            .sum()
    }
    /// The same network in another number type (`f64 → f32` rounds every value to nearest).
    pub fn cast<G: Real>(&self) -> SpikingNet<G> {
        let c = |a: &Array2<F>| a.mapv(|v| G::of(v.f64()));
        SpikingNet {
            layers: self
                .layers
                .iter()
                .map(|l| Layer {
                    w: c(&l.w),
                    w_rec: l.w_rec.as_ref().map(c),
                    b: l.b.as_ref().map(|b| b.mapv(|v| G::of(v.f64()))),
                    beta: G::of(l.beta.f64()),
                    threshold: G::of(l.threshold.f64()),
                })
                .collect(),
            steps: self.steps,
            surrogate: self.surrogate,
            readout: self.readout,
        }
    }
}
