//! What the passes give back: one sample's pass, its way back, and the gradients.

use ndarray::{Array1, Array2};

use snn_sim::{Result, SnnError};

use super::{Real, SpikingNet};

/// One sample's forward pass: per layer, the membrane `v_t` and spikes `s_t` of every step,
/// row-major `[t][neuron]`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Pass<F = f64> {
    /// `v[l][t·n_l + j]`: layer `l`'s membrane at step `t + 1`, after the input, before the
    /// reset of its own spike (the reset acts on the next step).
    pub v: Vec<Vec<F>>,
    /// `s[l][t·n_l + j]`: its spikes, 0 or 1 (all 0 for a [`Readout::MaxMembrane`](super::Readout::MaxMembrane) layer).
    pub s: Vec<Vec<F>>,
}

impl<F: Real> Pass<F> {
    /// Layer `l`'s spikes as spike trains (for a raster chart).
    ///
    /// # Errors
    /// A layer out of range.
    pub fn spike_trains(&self, l: usize, neurons: usize) -> Result<snn_sim::SpikeTrains> {
        let s = self.s.get(l).ok_or(SnnError::IndexOutOfRange {
            name: "layer",
            index: l,
            len: self.s.len(),
        })?;
        snn_sim::SpikeTrains::from_raster(neurons, s.len(), |k| s[k] != F::zero())
    }
    /// The last layer's spike counts over the window.
    pub fn counts(&self, outputs: usize) -> Vec<F> {
        let s = &self.s[self.s.len() - 1];
        (0..outputs)
            .map(|j| s.iter().skip(j).step_by(outputs).copied().sum())
            .collect()
    }
    /// The last layer's maximum membrane over the window, and the first step where each
    /// neuron reaches it.
    pub fn max_membrane(&self, outputs: usize) -> (Vec<F>, Vec<usize>) {
        let v = &self.v[self.v.len() - 1];
        (0..outputs)
            .map(|j| {
                let mut best = (v[j], 0);
                for (t, &x) in v.iter().skip(j).step_by(outputs).enumerate() {
                    if x > best.0 {
                        best = (x, t);
                    }
                }
                best
            })
            .unzip()
    }
}

/// The gradient of the loss with respect to every weight and bias, layer by layer, in the
/// layers' shapes (`b` and `w_rec` none where the layer has none).
#[derive(Debug, Clone, PartialEq)]
pub struct Gradients<F = f64> {
    /// `(dL/dW, dL/db)` per layer.
    pub layers: Vec<(Array2<F>, Option<Array1<F>>)>,
    /// `dL/dW_rec` per layer (none where the layer is not recurrent).
    pub recurrent: Vec<Option<Array2<F>>>,
}

impl<F: Real> Gradients<F> {
    /// Every gradient in the order of [`SpikingNet::parameters_mut`]: per layer the
    /// weights, the recurrent weights, the bias.
    pub fn values(&self) -> impl Iterator<Item = F> + '_ {
        self.layers
            .iter()
            .zip(&self.recurrent)
            .flat_map(|((w, b), r)| {
                w.iter()
                    .chain(r.iter().flatten())
                    .chain(b.iter().flatten())
                    .copied()
            })
    }
    pub(super) fn add(&mut self, other: &Gradients<F>) {
        for ((w, b), (pw, pb)) in self.layers.iter_mut().zip(&other.layers) {
            *w += pw;
            if let (Some(b), Some(pb)) = (b.as_mut(), pb) {
                *b += pb;
            }
        }
        for (r, pr) in self.recurrent.iter_mut().zip(&other.recurrent) {
            if let (Some(r), Some(pr)) = (r.as_mut(), pr) {
                *r += pr;
            }
        }
    }
}

/// One sample's way through the network and back, for looking at (see
/// [`SpikingNet::backprop`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Backprop<F = f64> {
    /// The forward pass.
    pub pass: Pass<F>,
    /// What the loss read (spike counts, or maximum membranes).
    pub scores: Vec<F>,
    /// The sample's loss, `−log softmax(scores)[y]`.
    pub loss: F,
    /// `current_grad[l][t·n_l + j] = dL/dI_t` of layer `l`'s neuron `j` (equal to
    /// `dL/dv_t`): what reaches step `t` of the neuron from the loss, through the later steps.
    pub current_grad: Vec<Vec<F>>,
    /// The sample's gradients (the batch of one).
    pub grads: Gradients<F>,
}

impl<F: Real> Backprop<F> {
    /// Step by step, what each step adds to `dL/dW[l][j, f]`: `dL/dI_t[j] · x_t[f]`, where
    /// `x_t` is the layer's input at step `t` (the features for the first layer, the spikes
    /// of the layer before for later ones); their sum is the weight's gradient.
    ///
    /// # Errors
    /// A layer, neuron or input out of range.
    pub fn weight_gradient_in_time(
        &self,
        net: &SpikingNet<F>,
        x: &[F],
        (l, j, f): (usize, usize, usize),
    ) -> Result<Vec<F>> {
        let layer = net.layers().get(l).ok_or(SnnError::IndexOutOfRange {
            name: "layer",
            index: l,
            len: net.layers().len(),
        })?;
        let (n, n_in) = layer.w.dim();
        for (name, index, len) in [("neuron", j, n), ("input", f, n_in)] {
            if index >= len {
                return Err(SnnError::IndexOutOfRange { name, index, len });
            }
        }
        let di = &self.current_grad[l];
        Ok((0..net.steps())
            .map(|t| {
                let input = if l == 0 {
                    x[f]
                } else {
                    self.pass.s[l - 1][t * n_in + f]
                };
                di[t * n + j] * input
            })
            .collect())
    }
}
