//! The forward pass, kept for the backward pass, and backpropagation through time.

use ndarray::{Array1, Array2, ArrayView1, ArrayView2};

use snn_sim::{Result, SnnError};

use super::pass::{Backprop, Gradients, Pass};
use super::{Readout, Real, SpikingNet};

/// Samples per chunk of a batch (a fixed size, so the sums do not depend on the threads).
const CHUNK: usize = 8;

/// One chunk's share of a batch's loss and gradients, and its samples' scores.
struct Part<F> {
    loss: F,
    grads: Gradients<F>,
    scores: Vec<Vec<F>>,
}

/// Buffers of one sample's passes, made once per chunk and reused (no allocation per
/// sample or step).
#[derive(Default)]
pub(super) struct Scratch<F> {
    pub(super) pass: Pass<F>,
    current: Vec<F>,
    base: Vec<F>,
    fired: Vec<usize>,
    gs: Vec<F>,
    di: Vec<F>,
    prev: Vec<F>,
    dv_next: Vec<F>,
    g: Vec<F>,
}

/// `log softmax(c)`, shifted by the maximum so no exponential overflows.
fn log_softmax<F: Real>(c: &[F]) -> Vec<F> {
    let m = c.iter().fold(F::neg_infinity(), |a, &b| a.max(b));
    let z = c.iter().map(|&v| (v - m).exp()).sum::<F>().ln() + m;
    c.iter().map(|&v| v - z).collect()
}

/// `Σ a_i·b_i`, in four interleaved partial sums (so the additions can proceed in parallel).
fn dot<F: Real>(a: &[F], b: &[F]) -> F {
    let mut acc = [F::zero(); 4];
    let (ca, cb) = (a.chunks_exact(4), b.chunks_exact(4));
    let tail: F = ca
        .remainder()
        .iter()
        .zip(cb.remainder())
        .map(|(&x, &y)| x * y)
        .sum();
    for (x, y) in ca.zip(cb) {
        for k in 0..4 {
            acc[k] += x[k] * y[k];
        }
    }
    (acc[0] + acc[1]) + (acc[2] + acc[3]) + tail
}

/// The indices of the nonzero entries of `s` into `out` (written without a branch per
/// entry: spikes are too irregular to predict).
fn spiking<F: Real>(s: &[F], out: &mut Vec<usize>) {
    out.clear();
    out.resize(s.len(), 0);
    let mut k = 0;
    for (f, &x) in s.iter().enumerate() {
        out[k] = f;
        k += usize::from(x != F::zero());
    }
    out.truncate(k);
}

/// `out += a·row` over every element.
fn axpy<F: Real>(out: &mut [F], a: F, row: ArrayView1<'_, F>) {
    match row.as_slice() {
        Some(row) => out.iter_mut().zip(row).for_each(|(o, &r)| *o += a * r),
        None => out.iter_mut().zip(row).for_each(|(o, &r)| *o += a * r),
    }
}

impl<F: Real> SpikingNet<F> {
    /// The forward pass of one sample `x` (one value per input, held for every step).
    ///
    /// # Errors
    /// `x` of the wrong length or not finite.
    pub fn forward(&self, x: &[F]) -> Result<Pass<F>> {
        let mut scratch = Scratch::default();
        self.forward_into(x, &mut scratch)?;
        Ok(scratch.pass)
    }

    /// One sample `x` of class `y` forward and back: its pass, loss, the gradient reaching
    /// every neuron's input current at every step, and its weight gradients.
    ///
    /// # Errors
    /// `x` of the wrong length or not finite; a class out of range.
    pub fn backprop(&self, x: &[F], y: usize) -> Result<Backprop<F>> {
        let k = self.outputs();
        if y >= k {
            return Err(SnnError::IndexOutOfRange {
                name: "label",
                index: y,
                len: k,
            });
        }
        let mut scratch = Scratch::default();
        self.forward_into(x, &mut scratch)?;
        let scores = self.scores(&scratch.pass);
        let logp = log_softmax(&scores);
        let dc: Vec<F> = (0..k)
            .map(|j| logp[j].exp() - if j == y { F::one() } else { F::zero() })
            .collect();
        let mut grads = self.zero_gradients();
        let mut record = vec![Vec::new(); self.layers().len()];
        self.backward(x, &dc, &mut scratch, &mut grads, Some(&mut record));
        Ok(Backprop {
            pass: scratch.pass,
            scores,
            loss: -logp[y],
            current_grad: record,
            grads,
        })
    }

    /// What the loss reads from a pass: the output spike counts, or the maximum membranes.
    pub fn scores(&self, pass: &Pass<F>) -> Vec<F> {
        match self.readout() {
            Readout::SpikeCount => pass.counts(self.outputs()),
            Readout::MaxMembrane => pass.max_membrane(self.outputs()).0,
        }
    }

    /// The forward pass into `scratch.pass`, reusing its buffers.
    pub(super) fn forward_into(&self, x: &[F], scratch: &mut Scratch<F>) -> Result<()> {
        if x.len() != self.inputs() {
            return Err(SnnError::LengthMismatch {
                name: "inputs",
                expected: self.inputs(),
                got: x.len(),
            });
        }
        snn_sim::check::all_finite("inputs", x.iter().map(|v| v.f64()))?;
        let steps = self.steps();
        let last = self.layers().len() - 1;
        let Scratch {
            pass,
            current,
            base,
            fired,
            ..
        } = scratch;
        pass.v.resize_with(self.layers().len(), Vec::new);
        pass.s.resize_with(self.layers().len(), Vec::new);
        for (l, layer) in self.layers().iter().enumerate() {
            let (n, n_in) = layer.w.dim();
            let integrator = l == last && self.readout() == Readout::MaxMembrane;
            let (below, here) = pass.s.split_at_mut(l);
            let s = &mut here[0];
            let v = &mut pass.v[l];
            v.clear();
            v.resize(steps * n, F::zero());
            s.clear();
            s.resize(steps * n, F::zero());
            current.resize(n, F::zero());
            for t in 0..steps {
                // I_t = W·x_t + b (+ W_rec·s_{t−1}): the features for the first layer, else
                // the layer before's spikes of this same step.
                if l == 0 {
                    // The features are held: the product of step 1 serves every step.
                    if t == 0 {
                        base.clear();
                        let w = layer.w.as_slice().unwrap_or(&[]);
                        base.extend(w.chunks_exact(n_in).map(|row| dot(row, x)));
                    }
                    current.copy_from_slice(base);
                } else {
                    // Spikes are 0 or 1: the current is the sum of the spiking inputs'
                    // weights, added in input order as the dense product adds them.
                    let spikes = &below[l - 1][t * n_in..(t + 1) * n_in];
                    spiking(spikes, fired);
                    let w = layer.w.as_slice().unwrap_or(&[]);
                    current.iter_mut().for_each(|c| *c = F::zero());
                    // Input by input (each output's sum still in input order): the outputs'
                    // sums are independent, so they proceed together.
                    for &f in fired.iter() {
                        for (c, row) in current.iter_mut().zip(w.chunks_exact(n_in)) {
                            *c += row[f];
                        }
                    }
                }
                if let Some(b) = &layer.b {
                    current.iter_mut().zip(b).for_each(|(c, &b)| *c += b);
                }
                if let (Some(r), true) = (&layer.w_rec, t > 0) {
                    spiking(&s[(t - 1) * n..t * n], fired);
                    for (j, c) in current.iter_mut().enumerate() {
                        let row = r.row(j);
                        *c += fired.iter().map(|&f| row[f]).sum::<F>();
                    }
                }
                // v_t = β·v_{t−1} + I_t − θ·s_{t−1}; s_t = [v_t > θ] (never, for the
                // integrator).
                let (beta, theta) = (layer.beta, layer.threshold);
                let (v_done, v_now) = v.split_at_mut(t * n);
                let (s_done, s_now) = s.split_at_mut(t * n);
                let v_prev = v_done.get(v_done.len().saturating_sub(n)..).unwrap_or(&[]);
                let s_prev = s_done.get(s_done.len().saturating_sub(n)..).unwrap_or(&[]);
                let now = v_now[..n]
                    .iter_mut()
                    .zip(&mut s_now[..n])
                    .zip(current.iter());
                if t == 0 {
                    for ((vt, st), &c) in now {
                        *vt = c;
                        *st = if !integrator && c > theta {
                            F::one()
                        } else {
                            F::zero()
                        };
                    }
                } else {
                    for (((vt, st), &c), (&vp, &sp)) in now.zip(v_prev.iter().zip(s_prev)) {
                        let x = beta * vp + c - theta * sp;
                        *vt = x;
                        *st = if !integrator && x > theta {
                            F::one()
                        } else {
                            F::zero()
                        };
                    }
                }
            }
        }
        Ok(())
    }

    /// The loss of a batch (`x`: one sample per row; `y`: their classes) as the
    /// [`Readout`] says, its gradients with respect to every weight and bias, and each
    /// sample's scores (output spike counts, or maximum membranes; one row per sample).
    ///
    /// # Errors
    /// No samples, `x` and `y` of different lengths, a class out of range, or inputs of the
    /// wrong width or not finite.
    pub fn loss_and_gradients(
        &self,
        x: ArrayView2<'_, F>,
        y: &[usize],
    ) -> Result<(F, Gradients<F>, Array2<F>)> {
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
        let parts: Vec<Result<Part<F>>> = {
            use rayon::prelude::*;
            starts.par_iter().map(chunk).collect()
        };
        #[cfg(not(feature = "parallel"))]
        let parts: Vec<Result<Part<F>>> = starts.iter().map(chunk).collect();
        let mut scores = Array2::zeros((batch, k));
        let (mut loss, mut grads) = (F::zero(), self.zero_gradients());
        for (start, part) in starts.into_iter().zip(parts) {
            let part = part?;
            loss += part.loss;
            grads.add(&part.grads);
            for (i, c) in part.scores.into_iter().enumerate() {
                scores.row_mut(start + i).assign(&Array1::from(c));
            }
        }
        Ok((loss, grads, scores))
    }

    fn zero_gradients(&self) -> Gradients<F> {
        let layers = self.layers().iter();
        Gradients {
            layers: layers
                .clone()
                .map(|l| {
                    (
                        Array2::zeros(l.w.dim()),
                        l.b.as_ref().map(|b| Array1::zeros(b.len())),
                    )
                })
                .collect(),
            recurrent: layers
                .map(|l| l.w_rec.as_ref().map(|r| Array2::zeros(r.dim())))
                .collect(),
        }
    }

    /// Samples `from..to` of a batch of `batch`: their share of the loss and gradients.
    fn chunk(
        &self,
        x: ArrayView2<'_, F>,
        y: &[usize],
        from: usize,
        to: usize,
        batch: usize,
    ) -> Result<Part<F>> {
        let k = self.outputs();
        let n = F::of(batch as f64);
        let mut part = Part {
            loss: F::zero(),
            grads: self.zero_gradients(),
            scores: Vec::with_capacity(to - from),
        };
        let mut scratch = Scratch::default();
        let mut xi = Vec::with_capacity(x.ncols());
        for i in from..to {
            xi.clear();
            xi.extend(x.row(i).iter().copied());
            self.forward_into(&xi, &mut scratch)?;
            let c = self.scores(&scratch.pass);
            let logp = log_softmax(&c);
            part.loss -= logp[y[i]] / n;
            // dL/dc_j = (softmax(c)_j − [j = y]) / batch.
            let dc: Vec<F> = (0..k)
                .map(|j| (logp[j].exp() - if j == y[i] { F::one() } else { F::zero() }) / n)
                .collect();
            self.backward(&xi, &dc, &mut scratch, &mut part.grads, None);
            part.scores.push(c);
        }
        Ok(part)
    }

    /// Adds one sample's gradients to `grads`, from `dc = dL/dc` of its scores and the pass
    /// in `scratch`.
    fn backward(
        &self,
        x: &[F],
        dc: &[F],
        scratch: &mut Scratch<F>,
        grads: &mut Gradients<F>,
        mut record: Option<&mut Vec<Vec<F>>>,
    ) {
        let steps = self.steps();
        let last = self.layers().len() - 1;
        let surrogate = self.surrogate();
        let Scratch {
            pass,
            fired,
            gs,
            di,
            prev,
            dv_next,
            g,
            ..
        } = scratch;
        // The step at which each readout neuron reaches its maximum (max-membrane readout).
        let peak = match self.readout() {
            Readout::MaxMembrane => pass.max_membrane(self.outputs()).1,
            Readout::SpikeCount => Vec::new(),
        };
        // dL/ds_t of the layer being processed, [t][neuron]: for a spike-count readout dL/dc
        // at every step (c = Σ_t s_t; s_t reaches later steps only through the reset, which
        // carries no gradient, and through recurrent weights, added below).
        gs.clear();
        for _ in 0..steps {
            gs.extend_from_slice(dc);
        }
        for l in (0..=last).rev() {
            let layer = &self.layers()[l];
            let (n, n_in) = layer.w.dim();
            let integrator = l == last && self.readout() == Readout::MaxMembrane;
            let (v, s) = (&pass.v[l], &pass.s[l]);
            // dL/dv_t = (dL/ds_t + W_recᵀ·dL/dI_{t+1})·σ'(v_t − θ) + β·dL/dv_{t+1}, and
            // dL/dI_t = dL/dv_t; for the integrator dL/dv_t = [t = peak]·dL/dm + β·dL/dv_{t+1}.
            di.clear();
            di.resize(steps * n, F::zero());
            dv_next.clear();
            dv_next.resize(n, F::zero());
            for t in (0..steps).rev() {
                g.clear();
                g.extend_from_slice(&gs[t * n..(t + 1) * n]);
                if let (Some(r), true) = (&layer.w_rec, t + 1 < steps) {
                    for j in 0..n {
                        let d = di[(t + 1) * n + j];
                        if d != F::zero() {
                            axpy(g, d, r.row(j));
                        }
                    }
                }
                let (beta, theta) = (layer.beta, layer.threshold);
                let di_t = &mut di[t * n..(t + 1) * n];
                if integrator {
                    for (j, (d, next)) in di_t.iter_mut().zip(dv_next.iter_mut()).enumerate() {
                        let inject = if peak[j] == t { dc[j] } else { F::zero() };
                        *d = inject + beta * *next;
                        *next = *d;
                    }
                } else {
                    let v_t = &v[t * n..(t + 1) * n];
                    let rows = di_t.iter_mut().zip(dv_next.iter_mut());
                    for ((d, next), (&gj, &vj)) in rows.zip(g.iter().zip(v_t)) {
                        *d = gj * surrogate.grad(vj - theta) + beta * *next;
                        *next = *d;
                    }
                }
            }
            if let Some(r) = record.as_deref_mut() {
                r[l].clone_from(di);
            }
            if let (Some(dr), true) = (grads.recurrent[l].as_mut(), steps > 1) {
                // dW_rec += dI_t ⊗ s_{t−1} over the neurons that spiked the step before.
                for t in 1..steps {
                    spiking(&s[(t - 1) * n..t * n], fired);
                    for j in 0..n {
                        let d = di[t * n + j];
                        for &f in fired.iter() {
                            dr[[j, f]] += d;
                        }
                    }
                }
            }
            let (dw, db) = &mut grads.layers[l];
            if let Some(db) = db.as_mut() {
                for t in 0..steps {
                    for j in 0..n {
                        db[j] += di[t * n + j];
                    }
                }
            }
            if l == 0 {
                // The features are the same at every step: dW = (Σ_t dI_t) ⊗ x.
                for j in 0..n {
                    let total: F = (0..steps).map(|t| di[t * n + j]).sum();
                    for (o, &xf) in dw.row_mut(j).iter_mut().zip(x) {
                        *o += total * xf;
                    }
                }
                continue;
            }
            let input = &pass.s[l - 1];
            let dw = dw.as_slice_mut().unwrap_or(&mut []);
            for t in 0..steps {
                // dW += dI_t ⊗ s_t over the inputs that spiked (s = 1): the others add 0.
                spiking(&input[t * n_in..(t + 1) * n_in], fired);
                for (row, &d) in dw.chunks_exact_mut(n_in).zip(&di[t * n..(t + 1) * n]) {
                    if d != F::zero() {
                        for &f in fired.iter() {
                            row[f] += d;
                        }
                    }
                }
            }
            // dL/ds_t of the layer before: Wᵀ·dL/dI_t (its spikes feed this layer at the
            // same step).
            prev.clear();
            prev.resize(steps * n_in, F::zero());
            for t in 0..steps {
                let out = &mut prev[t * n_in..(t + 1) * n_in];
                for j in 0..n {
                    let d = di[t * n + j];
                    if d != F::zero() {
                        axpy(out, d, layer.w.row(j));
                    }
                }
            }
            std::mem::swap(gs, prev);
        }
    }
}
