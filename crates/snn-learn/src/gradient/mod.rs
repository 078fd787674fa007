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
//! Loss `ce_count`: the last layer's spike counts `c = Σ_t s_t`, `L = mean over samples of
//! −log softmax(c)[y]`; gradients are of this mean.

mod bptt;
mod train;

pub use bptt::{Gradients, Pass};
pub use train::{initial, Adam, GradHistory, GradTraining};

use ndarray::{Array1, Array2};

use snn_sim::{Result, SnnError};

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
    /// `ds/dv` at `u = v − theta`.
    pub fn grad(self, u: f64) -> f64 {
        match self {
            Surrogate::FastSigmoid { slope } => {
                let d = 1.0 + slope * u.abs();
                1.0 / (d * d)
            }
            Surrogate::Atan { alpha } => {
                let z = std::f64::consts::FRAC_PI_2 * alpha * u;
                alpha / 2.0 / (1.0 + z * z)
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

/// One layer of LIF neurons and the weights into it (see the [module docs](self)).
#[derive(Debug, Clone, PartialEq)]
pub struct Layer {
    /// Weights `[n_out, n_in]`.
    pub w: Array2<f64>,
    /// Bias `[n_out]`, or none.
    pub b: Option<Array1<f64>>,
    /// Membrane decay per step, in (0, 1] (1: no leak).
    pub beta: f64,
    /// Firing threshold, > 0.
    pub threshold: f64,
}

/// A feed-forward chain of [`Layer`]s run for `steps` steps per sample, checked once when
/// made.
#[derive(Debug, Clone, PartialEq)]
pub struct SpikingNet {
    layers: Vec<Layer>,
    steps: usize,
    surrogate: Surrogate,
}

impl SpikingNet {
    /// A network of `layers` (the first takes the features), run `steps` steps per sample.
    ///
    /// # Errors
    /// No layer; zero steps; shapes that do not chain (a layer's inputs are not the layer
    /// before's outputs, a bias of the wrong length); a `beta` outside (0, 1], a threshold
    /// that is not positive, a surrogate parameter that is not positive, or a weight that is
    /// not finite: each error names the layer and the value.
    pub fn new(layers: Vec<Layer>, steps: usize, surrogate: Surrogate) -> Result<Self> {
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
            if let Some(b) = &l.b {
                if b.len() != l.w.nrows() {
                    return Err(SnnError::LengthMismatch {
                        name: "bias",
                        expected: l.w.nrows(),
                        got: b.len(),
                    });
                }
            }
            if !(l.beta > 0.0 && l.beta <= 1.0) {
                return Err(SnnError::OutOfRange {
                    name: "beta",
                    range: "(0, 1]",
                    value: l.beta,
                });
            }
            snn_sim::check::positive("threshold", "", l.threshold)?;
            let values = l.w.iter().chain(l.b.iter().flatten());
            snn_sim::check::all_finite("weights", values.copied())?;
        }
        Ok(SpikingNet {
            layers,
            steps,
            surrogate,
        })
    }
    /// The layers.
    pub fn layers(&self) -> &[Layer] {
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
    /// Inputs per sample (the first layer's).
    pub fn inputs(&self) -> usize {
        self.layers[0].w.ncols()
    }
    /// Outputs (the last layer's neurons: one per class).
    pub fn outputs(&self) -> usize {
        self.layers[self.layers.len() - 1].w.nrows()
    }
    /// The weights and biases, mutable, for an optimiser (the shapes are fixed: a step
    /// changes values only).
    pub fn layers_mut(
        &mut self,
    ) -> impl Iterator<Item = (&mut Array2<f64>, Option<&mut Array1<f64>>)> {
        self.layers.iter_mut().map(|l| (&mut l.w, l.b.as_mut()))
    }
}
