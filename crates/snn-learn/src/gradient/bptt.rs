//! The forward pass, kept for the backward pass, and backpropagation through time.

use ndarray::{Array1, Array2, ArrayView2};

use snn_sim::{Result, SnnError};

use super::SpikingNet;

/// One sample's forward pass: per layer, the membrane `v_t` and spikes `s_t` of every step,
/// row-major `[t][neuron]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Pass {
    /// `v[l][t·n_l + j]`: layer `l`'s membrane at step `t + 1`, after the input, before the
    /// reset of its own spike (the reset acts on the next step).
    pub v: Vec<Vec<f64>>,
    /// `s[l][t·n_l + j]`: its spikes, 0 or 1.
    pub s: Vec<Vec<f64>>,
}

impl Pass {
    /// The last layer's spike counts over the window.
    pub fn counts(&self, outputs: usize) -> Vec<f64> {
        let s = &self.s[self.s.len() - 1];
        (0..outputs)
            .map(|j| s.iter().skip(j).step_by(outputs).sum())
            .collect()
    }
}

/// The gradient of the loss with respect to every weight and bias, layer by layer, in the
/// layers' shapes (`b` none where the layer has none).
#[derive(Debug, Clone, PartialEq)]
pub struct Gradients {
    /// `(dL/dW, dL/db)` per layer.
    pub layers: Vec<(Array2<f64>, Option<Array1<f64>>)>,
}

/// Samples per chunk of a batch (a fixed size, so the sums do not depend on the threads).
const CHUNK: usize = 8;

/// One chunk's share of a batch's loss and gradients, and its samples' counts.
struct Part {
    loss: f64,
    grads: Gradients,
    counts: Vec<Vec<f64>>,
}

/// `log softmax(c)`, shifted by the maximum so no exponential overflows.
fn log_softmax(c: &[f64]) -> Vec<f64> {
    let m = c.iter().fold(f64::NEG_INFINITY, |a, &b| a.max(b));
    let z: f64 = c.iter().map(|&v| (v - m).exp()).sum::<f64>().ln() + m;
    c.iter().map(|&v| v - z).collect()
}

impl SpikingNet {
    /// The forward pass of one sample `x` (one value per input, held for every step).
    ///
    /// # Errors
    /// `x` of the wrong length or not finite.
    pub fn forward(&self, x: &[f64]) -> Result<Pass> {
        if x.len() != self.inputs() {
            return Err(SnnError::LengthMismatch {
                name: "inputs",
                expected: self.inputs(),
                got: x.len(),
            });
        }
        snn_sim::check::all_finite("inputs", x.iter().copied())?;
        let steps = self.steps();
        let mut pass = Pass {
            v: Vec::with_capacity(self.layers().len()),
            s: Vec::with_capacity(self.layers().len()),
        };
        let mut current = Vec::new();
        let mut fired: Vec<usize> = Vec::new();
        for (l, layer) in self.layers().iter().enumerate() {
            let (n, n_in) = layer.w.dim();
            let mut v = vec![0.0; steps * n];
            let mut s = vec![0.0; steps * n];
            current.resize(n, 0.0);
            for t in 0..steps {
                // I_t = W·x_t + b: the features for the first layer, else the layer
                // before's spikes of this same step.
                if l == 0 && t > 0 {
                    // The features are held: the current of step 1 again.
                } else {
                    if l == 0 {
                        for (j, c) in current.iter_mut().enumerate() {
                            let row = layer.w.row(j);
                            *c = row.iter().zip(x).map(|(w, u)| w * u).sum::<f64>()
                                + layer.b.as_ref().map_or(0.0, |b| b[j]);
                        }
                    } else {
                        // Spikes are 0 or 1: the current is the sum of the spiking inputs'
                        // weights (the same sum, in the same order, as the dense product).
                        let spikes = &pass.s[l - 1][t * n_in..(t + 1) * n_in];
                        fired.clear();
                        fired.extend((0..n_in).filter(|&f| spikes[f] != 0.0));
                        for (j, c) in current.iter_mut().enumerate() {
                            let row = layer.w.row(j);
                            *c = fired.iter().map(|&f| row[f]).sum::<f64>()
                                + layer.b.as_ref().map_or(0.0, |b| b[j]);
                        }
                    }
                }
                for j in 0..n {
                    let (v_prev, s_prev) = if t == 0 {
                        (0.0, 0.0)
                    } else {
                        (v[(t - 1) * n + j], s[(t - 1) * n + j])
                    };
                    let vt = layer.beta * v_prev + current[j] - layer.threshold * s_prev;
                    v[t * n + j] = vt;
                    s[t * n + j] = if vt > layer.threshold { 1.0 } else { 0.0 };
                }
            }
            pass.v.push(v);
            pass.s.push(s);
        }
        Ok(pass)
    }

    /// The `ce_count` loss of a batch (`x`: one sample per row; `y`: their classes), its
    /// gradients with respect to every weight and bias, and each sample's output spike
    /// counts (one row per sample).
    ///
    /// # Errors
    /// No samples, `x` and `y` of different lengths, a class out of range, or inputs of the
    /// wrong width or not finite.
    pub fn loss_and_gradients(
        &self,
        x: ArrayView2<'_, f64>,
        y: &[usize],
    ) -> Result<(f64, Gradients, Array2<f64>)> {
        let batch = x.nrows();
        if batch == 0 {
            return Err(SnnError::Empty { name: "samples" });
        }
        if y.len() != batch {
            return Err(SnnError::LengthMismatch {
                name: "labels",
                expected: batch,
                got: y.len(),
            });
        }
        let k = self.outputs();
        if let Some(&bad) = y.iter().find(|&&c| c >= k) {
            return Err(SnnError::IndexOutOfRange {
                name: "label",
                index: bad,
                len: k,
            });
        }
        // Fixed chunks of samples, each summed in sample order, the chunks' sums added in
        // chunk order: the same numbers on one core or many.
        let starts: Vec<usize> = (0..batch).step_by(CHUNK).collect();
        let chunk = |&s: &usize| self.chunk(x, y, s, (s + CHUNK).min(batch), batch);
        #[cfg(feature = "parallel")]
        let parts: Vec<Result<Part>> = {
            use rayon::prelude::*;
            starts.par_iter().map(chunk).collect()
        };
        #[cfg(not(feature = "parallel"))]
        let parts: Vec<Result<Part>> = starts.iter().map(chunk).collect();
        let mut counts = Array2::zeros((batch, k));
        let (mut loss, mut grads) = (0.0, self.zero_gradients());
        for (start, part) in starts.into_iter().zip(parts) {
            let part = part?;
            loss += part.loss;
            for ((w, b), (pw, pb)) in grads.layers.iter_mut().zip(part.grads.layers) {
                *w += &pw;
                if let (Some(b), Some(pb)) = (b.as_mut(), pb) {
                    *b += &pb;
                }
            }
            for (i, c) in part.counts.into_iter().enumerate() {
                counts.row_mut(start + i).assign(&Array1::from(c));
            }
        }
        Ok((loss, grads, counts))
    }

    fn zero_gradients(&self) -> Gradients {
        Gradients {
            layers: self
                .layers()
                .iter()
                .map(|l| {
                    (
                        Array2::zeros(l.w.dim()),
                        l.b.as_ref().map(|b| Array1::zeros(b.len())),
                    )
                })
                .collect(),
        }
    }

    /// Samples `from..to` of a batch of `batch`: their share of the loss and gradients.
    fn chunk(
        &self,
        x: ArrayView2<'_, f64>,
        y: &[usize],
        from: usize,
        to: usize,
        batch: usize,
    ) -> Result<Part> {
        let k = self.outputs();
        let mut part = Part {
            loss: 0.0,
            grads: self.zero_gradients(),
            counts: Vec::with_capacity(to - from),
        };
        for i in from..to {
            let xi = x.row(i).to_vec();
            let pass = self.forward(&xi)?;
            let c = pass.counts(k);
            let logp = log_softmax(&c);
            part.loss -= logp[y[i]] / batch as f64;
            // dL/dc_j = (softmax(c)_j − [j = y]) / batch, the same at every step.
            let dc: Vec<f64> = (0..k)
                .map(|j| (logp[j].exp() - f64::from(u8::from(j == y[i]))) / batch as f64)
                .collect();
            self.backward(&xi, &pass, &dc, &mut part.grads);
            part.counts.push(c);
        }
        Ok(part)
    }

    /// Adds one sample's gradients to `grads`, from `dc = dL/dc` of its output counts.
    fn backward(&self, x: &[f64], pass: &Pass, dc: &[f64], grads: &mut Gradients) {
        let steps = self.steps();
        let last = self.layers().len() - 1;
        // dL/ds_t of the layer being processed, [t][neuron]: for the last layer dL/dc at
        // every step (c = Σ_t s_t; s_t reaches later steps only through the reset, which
        // carries no gradient).
        let mut gs: Vec<f64> = (0..steps).flat_map(|_| dc.iter().copied()).collect();
        for l in (0..=last).rev() {
            let layer = &self.layers()[l];
            let (n, n_in) = layer.w.dim();
            let surrogate = self.surrogate();
            // dL/dv_t = dL/ds_t · σ'(v_t − θ) + β · dL/dv_{t+1}; dL/dI_t = dL/dv_t.
            let mut di = vec![0.0; steps * n];
            for j in 0..n {
                let mut dv_next = 0.0;
                for t in (0..steps).rev() {
                    let u = pass.v[l][t * n + j] - layer.threshold;
                    let dv = gs[t * n + j] * surrogate.grad(u) + layer.beta * dv_next;
                    di[t * n + j] = dv;
                    dv_next = dv;
                }
            }
            let (dw, db) = &mut grads.layers[l];
            if l == 0 {
                // The features are the same at every step: dW = (Σ_t dI_t) ⊗ x.
                for j in 0..n {
                    let total: f64 = (0..steps).map(|t| di[t * n + j]).sum();
                    for (f, &xf) in x.iter().enumerate() {
                        dw[[j, f]] += total * xf;
                    }
                    if let Some(db) = db.as_mut() {
                        db[j] += total;
                    }
                }
            } else {
                let input = &pass.s[l - 1];
                let mut fired: Vec<usize> = Vec::with_capacity(n_in);
                for t in 0..steps {
                    // dW += dI_t ⊗ s_t over the inputs that spiked (s = 1): the others add 0.
                    fired.clear();
                    fired.extend((0..n_in).filter(|&f| input[t * n_in + f] != 0.0));
                    for j in 0..n {
                        let d = di[t * n + j];
                        if d == 0.0 {
                            continue;
                        }
                        for &f in &fired {
                            dw[[j, f]] += d;
                        }
                        if let Some(db) = db.as_mut() {
                            db[j] += d;
                        }
                    }
                }
                // dL/ds_t of the layer before: Wᵀ·dL/dI_t (its spikes feed this layer at
                // the same step).
                let mut prev = vec![0.0; steps * n_in];
                for t in 0..steps {
                    for j in 0..n {
                        let d = di[t * n + j];
                        if d == 0.0 {
                            continue;
                        }
                        let row = layer.w.row(j);
                        for f in 0..n_in {
                            prev[t * n_in + f] += row[f] * d;
                        }
                    }
                }
                gs = prev;
            }
        }
    }
}
