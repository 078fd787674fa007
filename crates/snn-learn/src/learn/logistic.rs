//! The non-spiking baseline: multinomial logistic regression.

use ndarray::Array2;

use crate::data::Blobs;
use crate::readout::accuracy;
use snn_sim::check::fits;
use snn_sim::Result;

use super::fit::{argmax, diverged, softmax_in_place};
use super::{Standardizer, TrainConfig};

/// A non-spiking baseline on the same data: multinomial logistic regression (softmax) on the
/// standardised features, trained by full-batch gradient descent from zero weights, so it is
/// deterministic. No dependency beyond ndarray: an external solver crate would lengthen every
/// notebook's first `:dep`.
#[derive(Debug, Clone, PartialEq)]
pub struct Logistic {
    standardizer: Standardizer,
    w: Array2<f64>,
}

impl Logistic {
    /// The feature standardisation, fitted on the training data.
    pub fn standardizer(&self) -> &Standardizer {
        &self.standardizer
    }
    /// Weights, shape `(features + 1, classes)`; the last row is the bias.
    pub fn w(&self) -> &Array2<f64> {
        &self.w
    }
    /// Fits on `train` with 500 gradient steps of size 0.5 and a small L2 penalty (1e-4),
    /// from zero weights: the settings of [`TrainConfig::default`].
    ///
    /// # Errors
    /// Empty or non-finite data.
    pub fn fit(train: &Blobs) -> Result<Self> {
        Self::fit_with(train, &TrainConfig::default())
    }

    /// Fits on `train` with `cfg.epochs` full-batch gradient steps of size `cfg.lr` and L2
    /// penalty `cfg.l2`, from zero weights: the same budget a [`Classifier`](crate::Classifier) trained with
    /// `cfg` gets (it draws nothing at random).
    ///
    /// # Errors
    /// [`SnnError::Diverged`](snn_sim::SnnError::Diverged) when a weight stops being finite (an `lr` far too large);
    /// [`SnnError::TooLarge`](snn_sim::SnnError::TooLarge) for so many classes (one more than the largest label) that the
    /// weights or targets would pass [`MAX_BYTES`](snn_sim::MAX_BYTES).
    pub fn fit_with(train: &Blobs, cfg: &TrainConfig) -> Result<Self> {
        // Every label is below `n_classes` (a `Blobs` guarantees it), but a label can be
        // any number: size the weights and the one-hot targets before allocating them.
        let k = train.n_classes.max(2);
        fits("classes", (train.x.ncols() + 1).saturating_mul(k), 8)?;
        fits("classes", train.len().saturating_mul(k), 8)?;
        let n = train.len() as f64;
        let mut model = Self {
            standardizer: Standardizer::fit(train.x.view())?,
            w: Array2::zeros((train.x.ncols() + 1, k)),
        };
        let xb = model.design(&train.x)?;
        let mut y = Array2::<f64>::zeros((train.len(), k));
        for (i, &c) in train.y.iter().enumerate() {
            y[[i, c]] = 1.0;
        }
        for epoch in 0..cfg.epochs {
            let p = softmax(xb.dot(&model.w));
            let grad = xb.t().dot(&(p - &y)) / n + &model.w * cfg.l2;
            model.w.scaled_add(-cfg.lr, &grad);
            diverged(&model.w, cfg, epoch)?;
        }
        Ok(model)
    }

    fn design(&self, x: &Array2<f64>) -> Result<Array2<f64>> {
        let mut out = Array2::ones((x.nrows(), x.ncols() + 1));
        for (mut row, src) in out.rows_mut().into_iter().zip(x.rows()) {
            let z = self.standardizer.transform_row(&src.to_vec())?;
            for (o, v) in row.iter_mut().zip(z) {
                *o = v;
            }
        }
        Ok(out)
    }

    /// Predicted classes (highest probability; ties to the lowest class).
    ///
    /// # Errors
    /// Data with the wrong number of features.
    pub fn predict(&self, data: &Blobs) -> Result<Vec<usize>> {
        let p = self.design(&data.x)?.dot(&self.w);
        Ok(p.rows().into_iter().map(|r| argmax(r.iter())).collect())
    }

    /// Accuracy on `data`.
    ///
    /// # Errors
    /// Empty data, or data with the wrong number of features.
    pub fn accuracy(&self, data: &Blobs) -> Result<f64> {
        accuracy(&self.predict(data)?, &data.y)
    }
}

fn softmax(mut z: Array2<f64>) -> Array2<f64> {
    for mut row in z.rows_mut() {
        let mut r = row.to_vec();
        softmax_in_place(&mut r);
        row.assign(&ndarray::ArrayView1::from(&r));
    }
    z
}
