//! Training settings and what a training run records.

use snn_sim::check::{Param, Values};
use snn_sim::Result;

/// Training hyper-parameters, checked when built: learning rate `lr > 0`, `epochs >= 1`,
/// L2 penalty `l2 >= 0`, all finite.
///
/// ```
/// # use snn_learn::TrainConfig;
/// let cfg = TrainConfig::builder().lr(0.2).epochs(100).build()?;
/// assert_eq!((cfg.lr(), cfg.epochs(), cfg.l2()), (0.2, 100, 1e-4));
/// # Ok::<(), snn_sim::SnnError>(())
/// ```
///
/// Only the builder makes one, so a zero epoch count cannot slip in:
/// ```compile_fail,E0451
/// let cfg = snn_learn::TrainConfig { lr: 0.5, epochs: 0, l2: 0.0 }; // error: private fields
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrainConfig {
    pub(super) lr: f64,
    pub(super) epochs: usize,
    pub(super) l2: f64,
}

impl Default for TrainConfig {
    /// `lr` 0.5, 500 epochs, `l2` 1e-4: the baseline [`Logistic`](crate::Logistic)'s own settings.
    fn default() -> Self {
        Self {
            lr: 0.5,
            epochs: 500,
            l2: 1e-4,
        }
    }
}

impl TrainConfig {
    /// Learning rate: > 0.
    pub const LR: Param = Param::new("lr", "", Values::Positive);
    /// Training epochs (full-batch gradient steps): >= 1.
    pub const EPOCHS: Param = Param::new("epochs", "", Values::AtLeast { min: 1 });
    /// L2 penalty on the weights: >= 0.
    pub const L2: Param = Param::new("l2", "", Values::NonNegative);
    /// A builder starting from the [`Default`] settings.
    pub fn builder() -> TrainBuilder {
        let d = Self::default();
        TrainBuilder {
            lr: d.lr,
            epochs: d.epochs,
            l2: d.l2,
        }
    }
    /// Learning rate, the step size of each gradient update (> 0).
    pub fn lr(&self) -> f64 {
        self.lr
    }
    /// Full-batch gradient steps; each runs every training sample through the network (>= 1).
    pub fn epochs(&self) -> usize {
        self.epochs
    }
    /// L2 penalty on the weights, the `l2 · W` term of the update (>= 0).
    pub fn l2(&self) -> f64 {
        self.l2
    }
}

/// Builder for [`TrainConfig`]. Public fields, nothing checked until [`build`](Self::build).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrainBuilder {
    /// Learning rate (> 0). Default 0.5.
    pub lr: f64,
    /// Full-batch gradient steps (>= 1). Default 500.
    pub epochs: usize,
    /// L2 penalty on the weights (>= 0). Default 1e-4.
    pub l2: f64,
}

impl TrainBuilder {
    /// Sets the learning rate.
    pub fn lr(mut self, lr: f64) -> Self {
        self.lr = lr;
        self
    }
    /// Sets the number of epochs.
    pub fn epochs(mut self, epochs: usize) -> Self {
        self.epochs = epochs;
        self
    }
    /// Sets the L2 penalty.
    pub fn l2(mut self, l2: f64) -> Self {
        self.l2 = l2;
        self
    }
    /// Checks every value.
    ///
    /// # Errors
    /// `lr` not positive or not finite, zero `epochs`, `l2` negative or not finite.
    pub fn build(self) -> Result<TrainConfig> {
        TrainConfig::LR.check(self.lr)?;
        TrainConfig::EPOCHS.check_count(self.epochs)?;
        TrainConfig::L2.check(self.l2)?;
        Ok(TrainConfig {
            lr: self.lr,
            epochs: self.epochs,
            l2: self.l2,
        })
    }
}

/// Per-epoch record of a training run.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct History {
    /// Training accuracy at each epoch (with the weights before that epoch's update).
    pub train_accuracy: Vec<f64>,
    /// Held-out accuracy after each epoch's update (when a held-out set was given).
    pub test_accuracy: Vec<f64>,
    /// Mean cross-entropy `−ln p_true` over the training set at each epoch.
    pub loss: Vec<f64>,
}
