//! A spiking classifier that learns: 2-D features are coded by Gaussian receptive fields,
//! encoded as spikes (or injected as current), and drive one LIF output neuron per class
//! through a weight matrix. The class whose neuron spikes most wins. Weights are trained with
//! a delta rule on spike rates, simple enough to state in one line:
//!
//! `ΔW[c, j] = lr · (target_j − rate_j) · input_rate_c`
//!
//! where `rate_j` is output neuron `j`'s spikes per step, `target_j` is [`TrainConfig::target`]
//! for the true class and 0 for the others, and `input_rate_c` is input channel `c`'s spikes
//! (or current) per step. Training is online (one sample at a time, in a seeded shuffled order)
//! and fully reproducible for a seed.

use ndarray::{Array1, Array2};
use rand::seq::SliceRandom;
use rand::Rng;

use crate::data::{Blobs, Grid, MinMaxScaler};
use crate::encode::{LatencyEncoder, RateEncoder, RateModel};
use crate::error::{finite, nonzero, positive, Result, SnnError};
use crate::neuron::{DiscreteParams, Reset};
use crate::population::{Drive, Population, Record};
use crate::readout::{accuracy, Confusion, Decision};

/// Field intensities below this stay silent under latency coding.
const LATENCY_CUTOFF: f64 = 0.3;

/// How the coded features reach the output layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Encoding {
    /// Bernoulli rate coding: channel intensity `x` fires with probability `x · p_max` per
    /// step (`p_max` = [`Classifier::p_max`]).
    #[default]
    Rate,
    /// Latency coding: each channel whose intensity is at least 0.3 fires once, earlier for
    /// larger intensity, carrying a tenth of the window's rate-coded charge.
    Latency,
    /// No spikes: the intensities are injected as a constant current every step (the
    /// original demo's way).
    Current,
}

impl Encoding {
    /// Parses `rate`, `latency` or `current`.
    ///
    /// # Errors
    /// [`SnnError::OutOfRange`] for anything else.
    pub fn parse(s: &str) -> Result<Self> {
        match s {
            "rate" => Ok(Self::Rate),
            "latency" => Ok(Self::Latency),
            "current" => Ok(Self::Current),
            _ => Err(SnnError::OutOfRange {
                name: "encoding",
                range: "{rate, latency, current}",
                value: f64::NAN,
            }),
        }
    }
    /// The name `parse` accepts.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Rate => "rate",
            Self::Latency => "latency",
            Self::Current => "current",
        }
    }
}

/// Gaussian receptive-field coding of features scaled to [0, 1]: feature `f` becomes `k`
/// channels with intensities `exp(-(x_f - c_i)^2 / (2 σ^2))`, centres `c_i` evenly spaced on
/// [0, 1] and `σ = 1 / (k - 1)` (about one spacing); one last channel is always 1 (a bias).
#[derive(Debug, Clone, PartialEq)]
pub struct FieldCoder {
    /// The scaling fitted on training data.
    pub scaler: MinMaxScaler,
    /// Fields per feature.
    pub k: usize,
}

impl FieldCoder {
    /// Fits the scaling on `data` and uses `k >= 2` fields per feature.
    ///
    /// # Errors
    /// Empty data or `k < 2`.
    pub fn fit(data: &Blobs, k: usize) -> Result<Self> {
        if k == 1 {
            return Err(SnnError::TooFew {
                name: "fields per feature (or 0 for none)",
                min: 2,
                got: k,
            });
        }
        Ok(Self {
            scaler: MinMaxScaler::fit(data.x.view())?,
            k,
        })
    }
    /// Number of channels: features × k + 1.
    pub fn channels(&self) -> usize {
        self.scaler.min.len() * self.k + 1
    }
    /// Channel intensities in [0, 1] for one sample.
    ///
    /// # Errors
    /// Wrong number of features.
    pub fn code(&self, x: &[f64]) -> Result<Vec<f64>> {
        let s = self.scaler.transform_row(x)?;
        let sigma = 1.0 / (self.k.max(2) - 1) as f64;
        let mut out = Vec::with_capacity(self.channels());
        for v in s {
            for i in 0..self.k {
                let c = i as f64 / (self.k - 1) as f64;
                out.push((-(v - c).powi(2) / (2.0 * sigma * sigma)).exp());
            }
        }
        out.push(1.0);
        Ok(out)
    }
}

/// Training hyper-parameters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrainConfig {
    /// Learning rate (> 0).
    pub lr: f64,
    /// Passes over the training set (>= 1).
    pub epochs: usize,
    /// Target spike rate (spikes per step) of the true class's neuron, in (0, 1].
    pub target: f64,
    /// Seed of the shuffles and the spike encoding.
    pub seed: u64,
    /// The learning rule.
    pub rule: Rule,
}

/// Weight-update rules, each a line long.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Rule {
    /// `ΔW[c, j] = lr · (target_j − rate_j) · input_rate_c` for every output `j`.
    Delta,
    /// When the true class's rate does not beat the best other class's by at least the
    /// margin (spikes per step): `ΔW[c, true] = +lr · input_rate_c`,
    /// `ΔW[c, rival] = −lr · input_rate_c`.
    Margin(f64),
}

impl Default for TrainConfig {
    /// `lr` 0.5, 30 epochs, target rate 0.5, seed 0.
    fn default() -> Self {
        Self {
            lr: 0.5,
            epochs: 30,
            target: 0.5,
            seed: 0,
            rule: Rule::Delta,
        }
    }
}

/// Per-epoch record of a training run.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct History {
    /// Training accuracy after each epoch.
    pub train_accuracy: Vec<f64>,
    /// Held-out accuracy after each epoch (when a held-out set was given).
    pub test_accuracy: Vec<f64>,
    /// Mean squared rate error over the epoch, `mean_j (target_j - rate_j)^2`.
    pub loss: Vec<f64>,
}

/// One LIF output neuron per class reading coded, encoded inputs through `w`.
#[derive(Debug, Clone, PartialEq)]
pub struct Classifier {
    /// Weights, shape `(channels, classes)`.
    pub w: Array2<f64>,
    /// Feature coding.
    pub coder: FieldCoder,
    /// The output neurons: unit-free LIF, soft reset.
    pub neuron: DiscreteParams,
    /// Simulation length per sample, steps.
    pub steps: usize,
    /// Input encoding.
    pub encoding: Encoding,
    /// Largest spike probability per step of an input channel (rate encoding), in (0, 1].
    pub p_max: f64,
}

impl Classifier {
    /// A classifier for `train`'s features and classes with weights drawn uniformly from
    /// [-0.1, 0.1] by `rng`: 8 fields per feature, output neurons with decay 0.9, threshold 1
    /// and soft reset, `p_max` 0.5.
    ///
    /// # Errors
    /// Empty data, fewer than two classes, or zero steps.
    pub fn new(
        train: &Blobs,
        steps: usize,
        encoding: Encoding,
        rng: &mut impl Rng,
    ) -> Result<Self> {
        Self::with_fields(train, steps, encoding, 8, rng)
    }

    /// As [`new`](Self::new) with `fields` receptive fields per feature (>= 2).
    ///
    /// # Errors
    /// As [`new`](Self::new), and `fields < 2`.
    pub fn with_fields(
        train: &Blobs,
        steps: usize,
        encoding: Encoding,
        fields: usize,
        rng: &mut impl Rng,
    ) -> Result<Self> {
        nonzero("steps", steps)?;
        if train.n_classes < 2 {
            return Err(SnnError::TooFew {
                name: "classes",
                min: 2,
                got: train.n_classes,
            });
        }
        let coder = FieldCoder::fit(train, fields)?;
        let w = Array2::from_shape_fn((coder.channels(), train.n_classes), |_| {
            rng.gen_range(-0.1..=0.1)
        });
        let neuron = DiscreteParams::builder()
            .decay(0.9)
            .threshold(1.0)
            .reset(Reset::Subtract)
            .build()?;
        Ok(Self {
            w,
            coder,
            neuron,
            steps,
            encoding,
            p_max: 0.5,
        })
    }

    /// Number of classes.
    pub fn classes(&self) -> usize {
        self.w.ncols()
    }

    /// The input to the output layer for one sample, shape `(steps, channels)`: spike counts,
    /// or the constant intensities for [`Encoding::Current`].
    fn encode(&self, x: &[f64], rng: &mut impl Rng) -> Result<Array2<f64>> {
        let inten = self.coder.code(x)?;
        Ok(match self.encoding {
            // The expected value of rate coding, without the noise.
            Encoding::Current => {
                Array2::from_shape_fn((self.steps, inten.len()), |(_, c)| inten[c] * self.p_max)
            }
            Encoding::Rate => {
                let enc = RateEncoder::new(self.p_max * 1000.0, 1.0, RateModel::Bernoulli)?;
                enc.encode(&inten, self.steps, rng)?.counts.mapv(f64::from)
            }
            Encoding::Latency => {
                // Weak fields stay silent (a field far from the sample says nothing), so which
                // channels fire, and when, carries the sample; one spike brings the charge a
                // rate-coded channel would bring over a tenth of the window.
                let gated: Vec<f64> = inten
                    .iter()
                    .map(|&v| if v >= LATENCY_CUTOFF { v } else { 0.0 })
                    .collect();
                let charge = self.p_max * self.steps as f64 / 10.0;
                LatencyEncoder::new(1.0)?
                    .encode(&gated, self.steps, rng)?
                    .counts
                    .mapv(|c| f64::from(c) * charge)
            }
        })
    }

    /// Output spike counts for an encoded input.
    fn run(&self, input: &Array2<f64>) -> Result<Vec<u32>> {
        let current = input.dot(&self.w);
        let mut pop = Population::<f64>::new(&self.neuron, self.classes())?;
        Ok(pop
            .run(self.steps, Drive::Matrix(current.view()), &Record::counts())?
            .counts)
    }

    /// Output spike counts for one sample (encoded with `rng`).
    ///
    /// # Errors
    /// A sample with the wrong number of features.
    pub fn counts(&self, x: &[f64], rng: &mut impl Rng) -> Result<Vec<u32>> {
        self.run(&self.encode(x, rng)?)
    }

    /// The predicted class of every sample of `data` (most spikes; ties to the lowest class).
    ///
    /// # Errors
    /// Data with the wrong number of features.
    pub fn predict(&self, data: &Blobs, rng: &mut impl Rng) -> Result<Vec<usize>> {
        data.x
            .rows()
            .into_iter()
            .map(|r| Decision::MostSpikes.decide(&self.counts(&r.to_vec(), rng)?))
            .collect()
    }

    /// Accuracy on `data`.
    ///
    /// # Errors
    /// As [`predict`](Self::predict).
    pub fn accuracy(&self, data: &Blobs, rng: &mut impl Rng) -> Result<f64> {
        accuracy(&self.predict(data, rng)?, &data.y)
    }

    /// Confusion matrix on `data`.
    ///
    /// # Errors
    /// As [`predict`](Self::predict).
    pub fn confusion(&self, data: &Blobs, rng: &mut impl Rng) -> Result<Confusion> {
        Confusion::new(&self.predict(data, rng)?, &data.y, self.classes())
    }

    /// The predicted class at every cell of `grid`, as `f64` for [`crate::chart::decision_map`].
    ///
    /// # Errors
    /// A classifier that is not two-dimensional.
    pub fn class_map(&self, grid: &Grid, rng: &mut impl Rng) -> Result<Vec<f64>> {
        grid.points()
            .map(|p| Ok(Decision::MostSpikes.decide(&self.counts(&p, rng)?)? as f64))
            .collect()
    }

    /// Trains on `train` with the delta rule (see the [module docs](self)); when `test` is
    /// given, its accuracy is recorded after every epoch too.
    ///
    /// # Errors
    /// Bad hyper-parameters (non-positive `lr`, zero epochs, `target` outside (0, 1]), or
    /// data that does not fit the classifier. Weights are unchanged on error.
    pub fn fit(
        &mut self,
        train: &Blobs,
        test: Option<&Blobs>,
        cfg: &TrainConfig,
    ) -> Result<History> {
        positive("lr", "", cfg.lr)?;
        nonzero("epochs", cfg.epochs)?;
        finite("target", cfg.target)?;
        if !(cfg.target > 0.0 && cfg.target <= 1.0) {
            return Err(SnnError::OutOfRange {
                name: "target",
                range: "(0, 1]",
                value: cfg.target,
            });
        }
        if train.is_empty() {
            return Err(SnnError::Empty { name: "train" });
        }
        if let Some(&bad) = train.y.iter().find(|&&y| y >= self.classes()) {
            return Err(SnnError::IndexOutOfRange {
                name: "class label",
                len: self.classes(),
                index: bad,
            });
        }
        let mut rng = crate::rng(cfg.seed);
        // Spike encodings are drawn afresh every epoch, so the weights learn the rates rather
        // than one noise realisation of them; `Current` is deterministic and drawn once.
        let encode_all = |clf: &Self, rng: &mut crate::Rng64| -> Result<Vec<Array2<f64>>> {
            train
                .x
                .rows()
                .into_iter()
                .map(|r| clf.encode(&r.to_vec(), rng))
                .collect()
        };
        let mut inputs = encode_all(self, &mut rng)?;
        let mut history = History::default();
        // Polyak averaging: the weights returned are the mean over every update of the second
        // half of training, which smooths out the noise of online updates.
        let mut w_sum = Array2::<f64>::zeros(self.w.dim());
        let mut n_sum = 0usize;
        let mut order: Vec<usize> = (0..train.len()).collect();
        let steps = self.steps as f64;
        for epoch in 0..cfg.epochs {
            // Linear annealing: full rate in the first epoch, 1/epochs of it in the last.
            let lr = cfg.lr * (cfg.epochs - epoch) as f64 / cfg.epochs as f64;
            if epoch > 0 && self.encoding != Encoding::Current {
                inputs = encode_all(self, &mut rng)?;
            }
            let rates: Vec<Array1<f64>> = inputs
                .iter()
                .map(|m| m.sum_axis(ndarray::Axis(0)) / self.steps as f64)
                .collect();
            order.shuffle(&mut rng);
            let mut loss = 0.0;
            let mut hits = 0usize;
            for &i in &order {
                let counts = self.run(&inputs[i])?;
                if Decision::MostSpikes.decide(&counts)? == train.y[i] {
                    hits += 1;
                }
                let truth = train.y[i];
                for (j, &c) in counts.iter().enumerate() {
                    let target = if j == truth { cfg.target } else { 0.0 };
                    let err = target - c as f64 / steps;
                    loss += err * err;
                }
                match cfg.rule {
                    Rule::Delta => {
                        for (j, &c) in counts.iter().enumerate() {
                            let target = if j == truth { cfg.target } else { 0.0 };
                            let err = target - c as f64 / steps;
                            if err != 0.0 {
                                self.w.column_mut(j).scaled_add(lr * err, &rates[i]);
                            }
                        }
                    }
                    Rule::Margin(m) => {
                        let (rival, &best) = counts
                            .iter()
                            .enumerate()
                            .filter(|&(j, _)| j != truth)
                            .max_by_key(|&(j, &c)| (c, std::cmp::Reverse(j)))
                            .unwrap_or((truth, &0));
                        let margin = (counts[truth] as f64 - best as f64) / steps;
                        if rival != truth && margin < m {
                            self.w.column_mut(truth).scaled_add(lr, &rates[i]);
                            self.w.column_mut(rival).scaled_add(-lr, &rates[i]);
                        }
                    }
                }
            }
            if 2 * epoch >= cfg.epochs {
                w_sum += &self.w;
                n_sum += 1;
            }
            history
                .loss
                .push(loss / (train.len() * self.classes()) as f64);
            history
                .train_accuracy
                .push(hits as f64 / train.len() as f64);
            if let Some(t) = test {
                let mut eval_rng = crate::rng(cfg.seed ^ 0x5eed);
                history.test_accuracy.push(self.accuracy(t, &mut eval_rng)?);
            }
        }
        if n_sum > 0 {
            self.w = w_sum / n_sum as f64;
        }
        Ok(history)
    }
}

/// A non-spiking baseline on the same data: multinomial logistic regression (softmax) on the
/// standardised features, trained by full-batch gradient descent from zero weights, so it is
/// deterministic. No dependency beyond ndarray: an external solver crate would lengthen every
/// notebook's first `:dep`.
#[derive(Debug, Clone, PartialEq)]
pub struct Logistic {
    mean: Array1<f64>,
    std: Array1<f64>,
    /// Weights, shape `(features + 1, classes)`; the last row is the bias.
    pub w: Array2<f64>,
}

impl Logistic {
    /// Fits on `train` with 500 gradient steps of size 0.5 and a small L2 penalty (1e-4).
    ///
    /// # Errors
    /// Empty data or fewer than two classes.
    pub fn fit(train: &Blobs) -> Result<Self> {
        if train.is_empty() {
            return Err(SnnError::Empty { name: "train" });
        }
        let k = train.n_classes.max(2);
        let n = train.len() as f64;
        let mean = train
            .x
            .mean_axis(ndarray::Axis(0))
            .ok_or(SnnError::Empty { name: "train" })?;
        let std = train
            .x
            .std_axis(ndarray::Axis(0), 0.0)
            .mapv(|s| if s > 0.0 { s } else { 1.0 });
        let mut model = Self {
            w: Array2::zeros((train.x.ncols() + 1, k)),
            mean,
            std,
        };
        let xb = model.design(&train.x);
        let mut y = Array2::<f64>::zeros((train.len(), k));
        for (i, &c) in train.y.iter().enumerate() {
            y[[i, c]] = 1.0;
        }
        for _ in 0..500 {
            let p = softmax(xb.dot(&model.w));
            let grad = xb.t().dot(&(p - &y)) / n + &model.w * 1e-4;
            model.w.scaled_add(-0.5, &grad);
        }
        Ok(model)
    }

    fn design(&self, x: &Array2<f64>) -> Array2<f64> {
        let mut out = Array2::ones((x.nrows(), x.ncols() + 1));
        for (mut row, src) in out.rows_mut().into_iter().zip(x.rows()) {
            for f in 0..x.ncols() {
                row[f] = (src[f] - self.mean[f]) / self.std[f];
            }
        }
        out
    }

    /// Predicted classes (highest probability; ties to the lowest class).
    pub fn predict(&self, data: &Blobs) -> Vec<usize> {
        let p = self.design(&data.x).dot(&self.w);
        p.rows()
            .into_iter()
            .map(|r| {
                let mut best = 0;
                for (j, &v) in r.iter().enumerate() {
                    if v > r[best] {
                        best = j;
                    }
                }
                best
            })
            .collect()
    }

    /// Accuracy on `data`.
    ///
    /// # Errors
    /// Empty data.
    pub fn accuracy(&self, data: &Blobs) -> Result<f64> {
        accuracy(&self.predict(data), &data.y)
    }
}

fn softmax(mut z: Array2<f64>) -> Array2<f64> {
    for mut row in z.rows_mut() {
        let m = row.fold(f64::NEG_INFINITY, |a, &b| a.max(b));
        row.mapv_inplace(|v| (v - m).exp());
        let s = row.sum();
        row /= s;
    }
    z
}
