//! Training by gradient: PyTorch's initialisation, mini-batches in a seeded order, Adam.

use ndarray::{Array1, Array2, ArrayView2};
use rand::seq::SliceRandom;
use rand::Rng;

use snn_sim::{Result, SnnError};

use super::bptt::Scratch;
use super::{Layer, Real, SpikingNet, Surrogate};

/// Layers of the given sizes (`sizes[0]` inputs, then each layer's neurons), each with a bias,
/// weights and biases drawn uniformly from `±1/√n_in` with `rng` (PyTorch's `nn.Linear`
/// default), all with decay `beta` and threshold `threshold`; with `recurrent`, every layer
/// but the last also has recurrent weights, drawn from `±1/√n` (`n` its neurons).
///
/// # Errors
/// Fewer than two sizes or a size of 0; `beta`, `threshold` or the surrogate refused as by
/// [`SpikingNet::new`].
pub fn initial<F: Real>(
    sizes: &[usize],
    recurrent: bool,
    beta: f64,
    threshold: f64,
    steps: usize,
    surrogate: Surrogate,
    rng: &mut impl Rng,
) -> Result<SpikingNet<F>> {
    if sizes.len() < 2 {
        return Err(SnnError::TooFew {
            name: "layer sizes (inputs and at least one layer)",
            min: 2,
            got: sizes.len(),
        });
    }
    for &n in sizes {
        snn_sim::check::nonzero("layer size", n)?;
    }
    let last = sizes.len() - 2;
    let layers = sizes
        .windows(2)
        .enumerate()
        .map(|(l, w)| {
            let k = 1.0 / (w[0] as f64).sqrt();
            let weights = Array2::from_shape_fn((w[1], w[0]), |_| F::of(rng.gen_range(-k..k)));
            let bias = Array1::from_shape_fn(w[1], |_| F::of(rng.gen_range(-k..k)));
            let w_rec = (recurrent && l < last).then(|| {
                let k = 1.0 / (w[1] as f64).sqrt();
                Array2::from_shape_fn((w[1], w[1]), |_| F::of(rng.gen_range(-k..k)))
            });
            Layer {
                w: weights,
                w_rec,
                b: Some(bias),
                beta: F::of(beta),
                threshold: F::of(threshold),
            }
        })
        .collect();
    SpikingNet::new(layers, steps, surrogate)
}

/// Adam (Kingma & Ba 2015) with PyTorch's defaults: `beta1 = 0.9`, `beta2 = 0.999`,
/// `eps = 1e-8`; its moment estimates, one per weight and bias, in the network's number type.
#[derive(Debug, Clone, PartialEq)]
pub struct Adam<F = f64> {
    lr: f64,
    t: i32,
    m: Vec<F>,
    v: Vec<F>,
}

impl<F: Real> Adam<F> {
    /// Adam with learning rate `lr` for `net`'s parameters.
    ///
    /// # Errors
    /// A learning rate that is not positive and finite.
    pub fn new(net: &SpikingNet<F>, lr: f64) -> Result<Self> {
        snn_sim::check::positive("lr", "", lr)?;
        let n = net.parameters();
        Ok(Adam {
            lr,
            t: 0,
            m: vec![F::zero(); n],
            v: vec![F::zero(); n],
        })
    }
    /// One step: every parameter `p ← p − lr·m̂/(√v̂ + eps)` from its gradient.
    pub fn step(&mut self, net: &mut SpikingNet<F>, grads: &super::Gradients<F>) {
        let (b1, b2, eps) = (F::of(0.9), F::of(0.999), F::of(1e-8));
        self.t += 1;
        let c1 = F::of(1.0 - 0.9f64.powi(self.t));
        let c2 = F::of(1.0 - 0.999f64.powi(self.t));
        let lr = F::of(self.lr);
        let moments = self.m.iter_mut().zip(self.v.iter_mut());
        for ((p, g), (m, v)) in net.parameters_mut().zip(grads.values()).zip(moments) {
            *m = b1 * *m + (F::one() - b1) * g;
            *v = b2 * *v + (F::one() - b2) * g * g;
            *p -= lr * (*m / c1) / ((*v / c2).sqrt() + eps);
        }
    }
}

/// How [`SpikingNet::fit`] trains: epochs, mini-batch size and Adam's learning rate, checked
/// once when made.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GradTraining {
    epochs: usize,
    batch: usize,
    lr: f64,
}

impl GradTraining {
    /// `epochs` epochs of mini-batches of `batch` samples, Adam at learning rate `lr`.
    ///
    /// # Errors
    /// Zero epochs or batch size, or a learning rate that is not positive and finite.
    pub fn new(epochs: usize, batch: usize, lr: f64) -> Result<Self> {
        snn_sim::check::nonzero("epochs", epochs)?;
        snn_sim::check::nonzero("batch", batch)?;
        snn_sim::check::positive("lr", "", lr)?;
        Ok(GradTraining { epochs, batch, lr })
    }
    /// Epochs.
    pub fn epochs(&self) -> usize {
        self.epochs
    }
    /// Samples per mini-batch.
    pub fn batch(&self) -> usize {
        self.batch
    }
    /// Adam's learning rate.
    pub fn lr(&self) -> f64 {
        self.lr
    }
}

/// What [`SpikingNet::fit`] measured, one entry per epoch.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct GradHistory {
    /// Mean `ce_count` loss over the epoch's training samples (as each batch saw them).
    pub loss: Vec<f64>,
    /// Accuracy on the training data after the epoch.
    pub train_accuracy: Vec<f64>,
    /// Accuracy on the held-out data after the epoch (when given).
    pub test_accuracy: Vec<f64>,
    /// Wall-clock seconds of the epoch's training (forward, backward and Adam; not the
    /// accuracy measurements).
    pub epoch_seconds: Vec<f64>,
}

fn accuracy(predicted: &[usize], y: &[usize]) -> f64 {
    let right = predicted.iter().zip(y).filter(|(p, y)| p == y).count();
    right as f64 / y.len().max(1) as f64
}

impl<F: Real> SpikingNet<F> {
    /// The class of each sample (one per row of `x`): the output neuron with the highest
    /// score (the most spikes, or the highest maximum membrane), ties to the lowest index
    /// (snnTorch's `spk.sum(0).argmax(1)`).
    ///
    /// # Errors
    /// Inputs of the wrong width or not finite.
    pub fn predict(&self, x: ArrayView2<'_, F>) -> Result<Vec<usize>> {
        let mut scratch = Scratch::default();
        let mut xi = Vec::with_capacity(x.ncols());
        x.rows()
            .into_iter()
            .map(|row| {
                xi.clear();
                xi.extend(row.iter().copied());
                self.forward_into(&xi, &mut scratch)?;
                let c = self.scores(&scratch.pass);
                let mut best = 0;
                for (j, &v) in c.iter().enumerate() {
                    if v > c[best] {
                        best = j;
                    }
                }
                Ok(best)
            })
            .collect()
    }

    /// Trains as `how` says: mini-batches in an order shuffled by `rng` each epoch, one
    /// [`Adam`] step each; measures the accuracies after every epoch (`test`, when given, is
    /// never trained on).
    ///
    /// # Errors
    /// Labels of the wrong length or out of range, or inputs refused by
    /// [`forward`](Self::forward).
    pub fn fit(
        &mut self,
        x: ArrayView2<'_, F>,
        y: &[usize],
        test: Option<(ArrayView2<'_, F>, &[usize])>,
        how: &GradTraining,
        rng: &mut impl Rng,
    ) -> Result<GradHistory> {
        let (epochs, batch) = (how.epochs, how.batch);
        let mut adam = Adam::new(self, how.lr)?;
        if y.len() != x.nrows() {
            return Err(SnnError::LengthMismatch {
                name: "labels",
                expected: x.nrows(),
                got: y.len(),
            });
        }
        let mut order: Vec<usize> = (0..x.nrows()).collect();
        let mut h = GradHistory::default();
        for _ in 0..epochs {
            let start = std::time::Instant::now();
            order.shuffle(rng);
            let mut total = 0.0;
            for idx in order.chunks(batch) {
                let xb = x.select(ndarray::Axis(0), idx);
                let yb: Vec<usize> = idx.iter().map(|&i| y[i]).collect();
                let (loss, grads, _) = self.loss_and_gradients(xb.view(), &yb)?;
                adam.step(self, &grads);
                total += loss.f64() * idx.len() as f64;
            }
            h.epoch_seconds.push(start.elapsed().as_secs_f64());
            h.loss.push(total / x.nrows() as f64);
            h.train_accuracy.push(accuracy(&self.predict(x)?, y));
            if let Some((tx, ty)) = test {
                h.test_accuracy.push(accuracy(&self.predict(tx)?, ty));
            }
        }
        Ok(h)
    }
}
