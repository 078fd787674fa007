//! Training the readout: the rate-based rule of the module docs, epoch by epoch.

use ndarray::Array2;
use rand::Rng;

use crate::data::Blobs;
use snn_sim::{Result, SnnError, MAX_MAGNITUDE};

use super::{Classifier, History, TrainConfig};

impl Classifier {
    /// Trains on `train` by full-batch gradient descent with the rule in the
    /// [module docs](crate::learn), starting from the current weights; when `test` is given, its
    /// accuracy is recorded after every epoch too. The input spikes of every epoch are drawn
    /// from `rng`, so the same seeded generator trains the same weights; the held-out
    /// accuracy of every epoch is measured with the spikes of a copy of `rng` as it was
    /// given, so it does not disturb the training stream.
    ///
    /// # Errors
    /// Data that does not fit the classifier (another number of features, a label past its
    /// classes), or [`SnnError::Diverged`] when a weight stops being finite (an `lr` far too
    /// large). Weights are unchanged on error.
    pub fn fit<R: Rng + Clone>(
        &mut self,
        train: &Blobs,
        test: Option<&Blobs>,
        cfg: &TrainConfig,
        rng: &mut R,
    ) -> Result<History> {
        if let Some(&bad) = train.y.iter().find(|&&y| y >= self.classes()) {
            return Err(SnnError::IndexOutOfRange {
                name: "class label",
                len: self.classes(),
                index: bad,
            });
        }
        let inputs: Vec<Vec<f64>> = train
            .x
            .rows()
            .into_iter()
            .map(|r| self.channels(&r.to_vec()))
            .collect::<Result<_>>()?;
        if let Some(t) = test {
            t.x.rows()
                .into_iter()
                .try_for_each(|r| self.channels(&r.to_vec()).map(drop))?;
        }
        let mut work = self.clone();
        let eval = rng.clone();
        let mut history = History::default();
        let n = train.len() as f64;
        let v_th = work.neuron.threshold();
        let mut grad = Array2::<f64>::zeros(work.w.dim());
        for epoch in 0..cfg.epochs {
            grad.fill(0.0);
            let (mut loss, mut hits) = (0.0, 0usize);
            let w_spikes = work.spike_weights();
            for (u, &truth) in inputs.iter().zip(&train.y) {
                // Weights below MAX_MAGNITUDE can still drive a neuron past it: that too is
                // a fit that diverged, not a bad input.
                let resp = work.respond(u, &w_spikes, rng).map_err(|e| match e {
                    SnnError::OutOfRange { name: "drive", .. } => diverged_at(cfg, epoch),
                    e => e,
                })?;
                hits += usize::from(resp.class() == truth);
                let p = softmax_vec(&resp.rates(v_th, work.steps));
                loss -= p[truth].max(f64::MIN_POSITIVE).ln();
                for (j, &pj) in p.iter().enumerate() {
                    let err = f64::from(u8::from(j == truth)) - pj;
                    for (g, &uc) in grad.column_mut(j).iter_mut().zip(&resp.input) {
                        *g += err * uc;
                    }
                }
            }
            let l2 = cfg.l2;
            work.w
                .zip_mut_with(&grad, |w, &g| *w += cfg.lr * (g / n - l2 * *w));
            diverged(&work.w, cfg, epoch)?;
            history.loss.push(loss / n);
            history.train_accuracy.push(hits as f64 / n);
            if let Some(t) = test {
                let mut eval_rng = eval.clone();
                history.test_accuracy.push(work.accuracy(t, &mut eval_rng)?);
            }
        }
        self.w = work.w;
        Ok(history)
    }
}

/// [`SnnError::Diverged`] when a weight is no longer finite, or past
/// [`MAX_MAGNITUDE`](crate::MAX_MAGNITUDE), after `epoch` (0-based).
pub(super) fn diverged(w: &Array2<f64>, cfg: &TrainConfig, epoch: usize) -> Result<()> {
    if w.iter().all(|v| v.abs() <= MAX_MAGNITUDE) {
        Ok(())
    } else {
        Err(diverged_at(cfg, epoch))
    }
}

pub(super) fn diverged_at(cfg: &TrainConfig, epoch: usize) -> SnnError {
    SnnError::Diverged {
        epoch: epoch + 1,
        lr: cfg.lr,
        l2: cfg.l2,
    }
}

/// The index of the first largest item (ties go to the lowest index); 0 when empty.
pub(super) fn argmax<T: PartialOrd>(items: impl IntoIterator<Item = T>) -> usize {
    let mut best: Option<(usize, T)> = None;
    for (j, x) in items.into_iter().enumerate() {
        if best.as_ref().is_none_or(|(_, b)| x > *b) {
            best = Some((j, x));
        }
    }
    best.map_or(0, |(j, _)| j)
}

/// `p_j = exp(z_j - max z) / Σ exp(z_k - max z)`, in place (shifted by the maximum so no
/// exponential overflows).
pub(super) fn softmax_in_place(z: &mut [f64]) {
    let m = z.iter().fold(f64::NEG_INFINITY, |a, &b| a.max(b));
    z.iter_mut().for_each(|v| *v = (*v - m).exp());
    let s: f64 = z.iter().sum();
    z.iter_mut().for_each(|v| *v /= s);
}

pub(super) fn softmax_vec(r: &[f64]) -> Vec<f64> {
    let mut p = r.to_vec();
    softmax_in_place(&mut p);
    p
}
