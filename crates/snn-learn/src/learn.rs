//! A spiking classifier that learns: one LIF output neuron per class, driven through a weight
//! matrix by the sample's features (as a current, or encoded as spikes). The class whose
//! neuron spikes most wins. The weights are trained by gradient descent on the softmax
//! cross-entropy of the output neurons' **rates**, a rate-based surrogate gradient simple
//! enough to state in one line:
//!
//! `ΔW[c, j] = lr · (mean over samples of (y_j − p_j) · u_c  −  l2 · W[c, j])`
//!
//! where `u_c` is input `c`'s charge per step (the z-score itself for [`Encoding::Current`],
//! ON minus OFF spikes per step times their charge for spike encodings, 1 for the bias),
//! `y_j` is 1 for the true class and 0 otherwise, and `p = softmax(r)` over the output rates
//! in charge per step, `r_j = (count_j · V_th + V_j) / steps`: each spike stands for a
//! threshold's worth of charge, and the membrane holds the rest. The surrogate is the
//! identity: the rule treats `∂r_j/∂I_j` as 1.
//!
//! Why this works: a non-leaky neuron (decay 1) with reset by subtraction conserves charge,
//! `count · V_th + V_T = Σ_t I_t`, so `r_j` is exactly its mean input current and the rule is
//! exactly multinomial logistic regression on the inputs. A leaky neuron loses a little charge
//! to the leak and its rate is a monotone, nearly linear function of the drive. The
//! classifier's neurons leak with decay 0.995 (a membrane time constant of 200 steps, so a
//! 100-step window loses 40% of early charge to the leak); more leak, a less linear rate.

use ndarray::{Array1, Array2, ArrayView2, Axis};
use rand::Rng;

use crate::data::{Blobs, Grid};
use crate::readout::{accuracy, Confusion};
use snn_sim::check::{all_finite, finite, fits, non_negative, nonzero, positive};
use snn_sim::{
    DiscreteParams, Drive, LatencyEncoder, Population, RateEncoder, RateModel, Record, Reset,
    Result, SnnError, MAX_MAGNITUDE,
};

/// Channel intensities below this stay silent under latency coding.
const LATENCY_CUTOFF: f64 = 0.3;

/// Threshold of the output neurons, in the units of their input current (weight × z-score
/// per step). Well above the drive a trained readout gives, so an output neuron fires less
/// than once per step and its spike count follows its input instead of saturating.
pub const OUTPUT_THRESHOLD: f64 = 20.0;

/// Standard deviations of a feature that drive an ON or OFF channel to full intensity.
pub const Z_SPAN: f64 = 3.0;

/// How a sample's features reach the output layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Encoding {
    /// No input spikes: the standardised features (and a bias of 1) are injected as a constant
    /// current, `I_j = Σ_c W[c, j] · u_c`, the original demo's `w·x + b`. Deterministic.
    #[default]
    Current,
    /// Bernoulli rate coding of ON/OFF channels, like the retina's: standardised feature `z`
    /// drives an ON channel of intensity `min(max(z, 0) / 3, 1)` and an OFF channel of
    /// intensity `min(max(−z, 0) / 3, 1)` ([`Z_SPAN`] = 3 standard deviations). A channel of
    /// intensity `x` fires with probability `x · p_max` per step
    /// (`p_max` = [`Classifier::p_max`]). Each channel is [`Classifier::copies`] independent
    /// encoder neurons whose spikes carry charge `3 / (p_max · copies)`; the OFF channel's
    /// synapse has the ON channel's weight negated (push-pull), so the mean input is the
    /// current encoding's `z` within 3 standard deviations. The bias stays a constant
    /// current. The spikes add noise: fewer steps or copies, more noise.
    Rate,
    /// Latency coding of the same ON/OFF channels: each channel of intensity at least 0.3
    /// fires once, earlier for larger intensity, carrying a tenth of the charge a channel of
    /// full intensity brings under rate coding. Weaker channels stay silent.
    Latency,
}

impl Encoding {
    /// The encoding's name: `current`, `rate` or `latency`.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Rate => "rate",
            Self::Latency => "latency",
            Self::Current => "current",
        }
    }
}

/// Per-feature standardisation fitted on training data: `z = (x − mean) / std` (population
/// standard deviation; a constant feature gets std 1).
#[derive(Debug, Clone, PartialEq)]
pub struct Standardizer {
    pub(crate) mean: Array1<f64>,
    pub(crate) std: Array1<f64>,
}

impl Standardizer {
    /// Per-feature mean of the fitted data.
    pub fn mean(&self) -> &Array1<f64> {
        &self.mean
    }
    /// Per-feature standard deviation of the fitted data (> 0).
    pub fn std(&self) -> &Array1<f64> {
        &self.std
    }
    /// A standardisation with the given per-feature `mean` and `std` (for example read back
    /// from a file).
    ///
    /// # Errors
    /// Empty or mismatched lengths, a value that is not finite, or a `std` that is not
    /// positive.
    pub fn new(mean: Vec<f64>, std: Vec<f64>) -> Result<Self> {
        if mean.is_empty() {
            return Err(SnnError::Empty { name: "mean" });
        }
        if std.len() != mean.len() {
            return Err(SnnError::LengthMismatch {
                name: "std",
                expected: mean.len(),
                got: std.len(),
            });
        }
        all_finite("mean", mean.iter().copied())?;
        for &s in &std {
            positive("std", "", s)?;
        }
        Ok(Self {
            mean: Array1::from(mean),
            std: Array1::from(std),
        })
    }
    /// Fits on `x` (rows are samples).
    ///
    /// # Errors
    /// Empty or non-finite data.
    pub fn fit(x: ArrayView2<'_, f64>) -> Result<Self> {
        if x.nrows() == 0 || x.ncols() == 0 {
            return Err(SnnError::Empty { name: "x" });
        }
        all_finite("x", x.iter().copied())?;
        let mean = x.mean_axis(Axis(0)).ok_or(SnnError::Empty { name: "x" })?;
        let std = x
            .std_axis(Axis(0), 0.0)
            .mapv(|s| if s > 0.0 { s } else { 1.0 });
        Ok(Self { mean, std })
    }
    /// Standardises one sample.
    ///
    /// # Errors
    /// Wrong number of features.
    pub fn transform_row(&self, row: &[f64]) -> Result<Vec<f64>> {
        if row.len() != self.mean.len() {
            return Err(SnnError::LengthMismatch {
                name: "features",
                expected: self.mean.len(),
                got: row.len(),
            });
        }
        Ok(row
            .iter()
            .zip(self.mean.iter().zip(self.std.iter()))
            .map(|(&v, (&m, &s))| (v - m) / s)
            .collect())
    }
}

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
    lr: f64,
    epochs: usize,
    l2: f64,
}

impl Default for TrainConfig {
    /// `lr` 0.5, 500 epochs, `l2` 1e-4: the baseline [`Logistic`]'s own settings.
    fn default() -> Self {
        Self {
            lr: 0.5,
            epochs: 500,
            l2: 1e-4,
        }
    }
}

impl TrainConfig {
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
        positive("lr", "", self.lr)?;
        nonzero("epochs", self.epochs)?;
        non_negative("l2", "", self.l2)?;
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

/// What one sample does to the output layer.
#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    /// Each input's charge per step, `u_c`, one per row of [`Classifier::w`]: for spike
    /// encodings a feature's ON minus OFF channel.
    pub input: Vec<f64>,
    /// Output spike counts, one per class.
    pub counts: Vec<u32>,
    /// Output membrane potentials after the last step.
    pub v: Vec<f64>,
}

impl Response {
    /// The predicted class: most spikes; a tie goes to the neuron whose membrane is higher
    /// (closest to its next spike), then to the lowest class index. Deterministic; for a
    /// constant drive the order it gives follows the drive.
    pub fn class(&self) -> usize {
        argmax(self.counts.iter().zip(&self.v))
    }
    /// Output rates in charge per step, `r_j = (count_j · v_th + V_j) / steps`: each spike
    /// stands for the threshold's worth of charge, and the membrane holds the rest.
    pub fn rates(&self, v_th: f64, steps: usize) -> Vec<f64> {
        self.counts
            .iter()
            .zip(&self.v)
            .map(|(&c, &v)| (f64::from(c) * v_th + v) / steps as f64)
            .collect()
    }
}

/// One LIF output neuron per class reading the (encoded) features through `w`.
///
/// Made by [`Classifier::builder`] (or its short form [`Classifier::new`]), which checks every
/// setting against the training data, and read through accessors; only [`fit`](Self::fit),
/// [`randomize`](Self::randomize) and [`set_weights`](Self::set_weights) change the weights.
///
/// A setting cannot be changed behind the builder's back:
/// ```compile_fail,E0616
/// # use snn_learn::{BlobsConfig, Classifier, Encoding};
/// let train = BlobsConfig::original().generate().unwrap();
/// let mut clf = Classifier::new(&train, 50, Encoding::Rate).unwrap();
/// clf.copies = 0; // error: field `copies` is private
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Classifier {
    pub(crate) w: Array2<f64>,
    pub(crate) standardizer: Standardizer,
    pub(crate) neuron: DiscreteParams,
    pub(crate) steps: usize,
    pub(crate) encoding: Encoding,
    pub(crate) p_max: f64,
    pub(crate) copies: usize,
}

/// Builder for [`Classifier`]. Public fields, nothing checked until [`build`](Self::build).
///
/// ```
/// # use snn_learn::{BlobsConfig, Classifier, Encoding};
/// let train = BlobsConfig::original().generate()?;
/// let clf = Classifier::builder().steps(60).encoding(Encoding::Rate).copies(8).build(&train)?;
/// assert_eq!((clf.steps(), clf.copies(), clf.classes()), (60, 8, 2));
/// # Ok::<(), snn_sim::SnnError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ClassifierBuilder {
    /// Simulation length per sample, steps (>= 1). Default 100.
    pub steps: usize,
    /// How the features reach the output neurons. Default [`Encoding::Current`].
    pub encoding: Encoding,
    /// Leak of the output neurons per step, `V ← decay · V + I`, in (0, 1]; 1 is no leak.
    /// Default 0.995 (a membrane time constant of 200 steps).
    pub decay: f64,
    /// Firing threshold of the output neurons, in units of input charge (> 0). Default
    /// [`OUTPUT_THRESHOLD`].
    pub threshold: f64,
    /// Largest spike probability per step of an input channel (rate encoding), in (0, 1].
    /// Default 0.5.
    pub p_max: f64,
    /// Encoder neurons per ON/OFF channel (spike encodings, >= 1): independent copies whose
    /// spikes share the channel's charge, so rate-coding noise falls as `1/√copies`.
    /// Default 4.
    pub copies: usize,
}

impl Default for ClassifierBuilder {
    fn default() -> Self {
        Self {
            steps: 100,
            encoding: Encoding::Current,
            decay: 0.995,
            threshold: OUTPUT_THRESHOLD,
            p_max: 0.5,
            copies: 4,
        }
    }
}

impl ClassifierBuilder {
    /// Sets the simulation length per sample, steps.
    pub fn steps(mut self, steps: usize) -> Self {
        self.steps = steps;
        self
    }
    /// Sets the input encoding.
    pub fn encoding(mut self, encoding: Encoding) -> Self {
        self.encoding = encoding;
        self
    }
    /// Sets the output neurons' leak per step.
    pub fn decay(mut self, decay: f64) -> Self {
        self.decay = decay;
        self
    }
    /// Sets the output neurons' firing threshold.
    pub fn threshold(mut self, threshold: f64) -> Self {
        self.threshold = threshold;
        self
    }
    /// Sets the rate encoding's largest spike probability per step.
    pub fn p_max(mut self, p_max: f64) -> Self {
        self.p_max = p_max;
        self
    }
    /// Sets the encoder neurons per ON/OFF channel.
    pub fn copies(mut self, copies: usize) -> Self {
        self.copies = copies;
        self
    }
    /// An untrained classifier (all weights 0) for `train`'s features and classes, its
    /// standardisation fitted on `train`. The output neurons reset by subtraction (the
    /// readout counts each spike as a threshold's worth of charge).
    ///
    /// # Errors
    /// Fewer than two classes, zero `steps` or `copies`, `p_max` outside (0, 1], a bad
    /// `decay` or `threshold` (as [`DiscreteParams`]), a constant feature, or buffers for
    /// `copies × steps` above [`MAX_BYTES`](snn_sim::MAX_BYTES), refused before anything is
    /// allocated.
    pub fn build(self, train: &Blobs) -> Result<Classifier> {
        nonzero("steps", self.steps)?;
        nonzero("copies", self.copies)?;
        finite("p_max", self.p_max)?;
        if !(self.p_max > 0.0 && self.p_max <= 1.0) {
            return Err(SnnError::OutOfRange {
                name: "p_max",
                range: "(0, 1]",
                value: self.p_max,
            });
        }
        if train.n_classes < 2 {
            return Err(SnnError::TooFew {
                name: "classes",
                min: 2,
                got: train.n_classes,
            });
        }
        let neuron = DiscreteParams::builder()
            .decay(self.decay)
            .threshold(self.threshold)
            .reset(Reset::Subtract)
            .build()?;
        let features = train.x.ncols();
        fits(
            "features",
            (features + 1).saturating_mul(train.n_classes),
            8,
        )?;
        // Every buffer `copies` sizes, checked before any is allocated: the encoder synapses,
        // and per sample the encoder intensities, spikes and input currents.
        let rows = match self.encoding {
            Encoding::Current => 0,
            Encoding::Rate | Encoding::Latency => (2 * features).saturating_mul(self.copies),
        };
        fits("copies", rows.saturating_mul(train.n_classes), 8)?;
        fits("copies", rows.saturating_mul(self.steps), 8)?;
        fits("steps", self.steps.saturating_mul(train.n_classes), 8)?;
        let standardizer = Standardizer::fit(train.x.view())?;
        Ok(Classifier {
            w: Array2::zeros((features + 1, train.n_classes)),
            standardizer,
            neuron,
            steps: self.steps,
            encoding: self.encoding,
            p_max: self.p_max,
            copies: self.copies,
        })
    }
}

impl Classifier {
    /// A builder with the defaults: 100 steps, [`Encoding::Current`], output neurons with
    /// decay 0.995 and threshold [`OUTPUT_THRESHOLD`], `p_max` 0.5, 4 encoder copies.
    pub fn builder() -> ClassifierBuilder {
        ClassifierBuilder::default()
    }

    /// A classifier put together from its parts (for example read back from a NIR file):
    /// weights `w` (one row per feature, then the bias row; one column per class), the
    /// standardisation, the output neuron, steps per sample, and [`Encoding::Current`] (the
    /// spike encodings need the encoder's settings; build those with
    /// [`builder`](Self::builder)).
    ///
    /// # Errors
    /// Fewer than two classes, weights whose rows are not the features plus one, a weight
    /// that is not finite or beyond 1e12, zero steps.
    pub fn from_parts(
        w: Array2<f64>,
        standardizer: Standardizer,
        neuron: DiscreteParams,
        steps: usize,
    ) -> Result<Self> {
        nonzero("steps", steps)?;
        if w.ncols() < 2 {
            return Err(SnnError::TooFew {
                name: "classes",
                min: 2,
                got: w.ncols(),
            });
        }
        if w.nrows() != standardizer.mean.len() + 1 {
            return Err(SnnError::LengthMismatch {
                name: "weight rows (features + 1)",
                expected: standardizer.mean.len() + 1,
                got: w.nrows(),
            });
        }
        all_finite("weights", w.iter().copied())?;
        if let Some(&big) = w.iter().find(|v| v.abs() > MAX_MAGNITUDE) {
            return Err(SnnError::OutOfRange {
                name: "weights",
                range: "[-1e12, 1e12]",
                value: big,
            });
        }
        fits("steps", steps.saturating_mul(w.ncols()), 8)?;
        let defaults = ClassifierBuilder::default();
        Ok(Classifier {
            w,
            standardizer,
            neuron,
            steps,
            encoding: Encoding::Current,
            p_max: defaults.p_max,
            copies: defaults.copies,
        })
    }

    /// Short for `Classifier::builder().steps(steps).encoding(encoding).build(train)`.
    ///
    /// # Errors
    /// As [`ClassifierBuilder::build`].
    pub fn new(train: &Blobs, steps: usize, encoding: Encoding) -> Result<Self> {
        Self::builder().steps(steps).encoding(encoding).build(train)
    }

    /// Weights, shape `(features + 1, classes)`; the last row is the bias. Under spike
    /// encodings a feature's ON channel connects with its row and its OFF channel with the
    /// negated row (push-pull), so every encoding learns the same kind of weights.
    pub fn w(&self) -> &Array2<f64> {
        &self.w
    }
    /// Replaces the weights (for example with a copy saved from an earlier training).
    ///
    /// # Errors
    /// [`SnnError::LengthMismatch`] for a shape other than `(features + 1, classes)`,
    /// [`SnnError::NonFinite`] for a non-finite weight; the weights are unchanged on error.
    pub fn set_weights(&mut self, w: Array2<f64>) -> Result<()> {
        if w.nrows() != self.w.nrows() {
            return Err(SnnError::LengthMismatch {
                name: "weight rows (features + 1)",
                expected: self.w.nrows(),
                got: w.nrows(),
            });
        }
        if w.ncols() != self.w.ncols() {
            return Err(SnnError::LengthMismatch {
                name: "weight columns (classes)",
                expected: self.w.ncols(),
                got: w.ncols(),
            });
        }
        all_finite("weights", w.iter().copied())?;
        self.w = w;
        Ok(())
    }
    /// Feature standardisation, fitted on the training data given to the builder.
    pub fn standardizer(&self) -> &Standardizer {
        &self.standardizer
    }
    /// The output neurons: unit-free LIF, `V ← decay · V + I`, reset by subtraction.
    pub fn neuron(&self) -> &DiscreteParams {
        &self.neuron
    }
    /// Simulation length per sample, steps.
    pub fn steps(&self) -> usize {
        self.steps
    }
    /// Input encoding.
    pub fn encoding(&self) -> Encoding {
        self.encoding
    }
    /// Largest spike probability per step of an input channel (rate encoding), in (0, 1].
    pub fn p_max(&self) -> f64 {
        self.p_max
    }
    /// Encoder neurons per ON/OFF channel (spike encodings).
    pub fn copies(&self) -> usize {
        self.copies
    }

    /// Draws every weight uniformly from [-1, 1] with `rng`, as the original demo did: the
    /// "before training" picture.
    pub fn randomize(&mut self, rng: &mut impl Rng) {
        self.w.mapv_inplace(|_| rng.gen_range(-1.0..=1.0));
    }

    /// Number of classes.
    pub fn classes(&self) -> usize {
        self.w.ncols()
    }

    /// Channel values for one sample: `[z_1, .., z_F, 1]` (standardised features and a bias)
    /// for [`Encoding::Current`]; ON/OFF intensities in [0, 1],
    /// `[on(z_1), off(z_1), .., on(z_F), off(z_F)]`, for the spike encodings (see
    /// [`Encoding::Rate`]; their bias is a constant current).
    ///
    /// # Errors
    /// A sample with the wrong number of features, or a non-finite feature.
    pub fn channels(&self, x: &[f64]) -> Result<Vec<f64>> {
        all_finite("feature", x.iter().copied())?;
        let z = self.standardizer.transform_row(x)?;
        Ok(match self.encoding {
            Encoding::Current => z.into_iter().chain([1.0]).collect(),
            Encoding::Rate | Encoding::Latency => z
                .into_iter()
                .flat_map(|z| [(z / Z_SPAN).clamp(0.0, 1.0), (-z / Z_SPAN).clamp(0.0, 1.0)])
                .collect(),
        })
    }

    /// The synapses from the encoder neurons of the spike encodings, shape
    /// `(2 · features · copies, classes)`, built once per weight matrix rather than per
    /// sample. Push-pull: an OFF channel connects with the negated weight of its ON channel,
    /// so the drive stays linear in z. Empty for [`Encoding::Current`].
    fn spike_weights(&self) -> Array2<f64> {
        let m = self.copies;
        let features = self.w.nrows() - 1;
        let rows = match self.encoding {
            Encoding::Current => 0,
            Encoding::Rate | Encoding::Latency => 2 * features * m,
        };
        // The builder checked these sizes against the memory limit.
        Array2::from_shape_fn((rows, self.classes()), |(k, j)| {
            let c = k / m;
            let w = self.w[[c / 2, j]];
            if c.is_multiple_of(2) {
                w
            } else {
                -w
            }
        })
    }

    /// Runs one sample given its [`channels`](Self::channels) and
    /// [`spike_weights`](Self::spike_weights) (spikes drawn with `rng`).
    fn respond(
        &self,
        channels: &[f64],
        w_spikes: &Array2<f64>,
        rng: &mut impl Rng,
    ) -> Result<Response> {
        let mut pop = Population::<f64>::new(&self.neuron, self.classes())?;
        let record = Record::counts();
        let steps = self.steps as f64;
        let (input, out) = match self.encoding {
            Encoding::Current => {
                let drive = Array1::from(channels.to_vec()).dot(&self.w);
                let out = pop.run(
                    self.steps,
                    Drive::PerNeuron(drive.as_slice().unwrap_or(&[])),
                    &record,
                )?;
                (channels.to_vec(), out)
            }
            Encoding::Rate | Encoding::Latency => {
                // Each channel is `copies` independent encoder neurons. A rate-coded spike
                // carries Z_SPAN / (p_max · copies), so a channel's mean input per step is
                // Z_SPAN times its intensity whatever the number of copies.
                let m = self.copies;
                let unit = Z_SPAN / (self.p_max * m as f64);
                let (intensities, charge) = if self.encoding == Encoding::Rate {
                    (channels.to_vec(), unit)
                } else {
                    // Weak channels stay silent (a far-off feature value says nothing), so
                    // which channels fire, and when, carries the sample; one spike brings the
                    // charge a rate-coded channel would bring over a tenth of the window.
                    let gated = channels
                        .iter()
                        .map(|&v| if v >= LATENCY_CUTOFF { v } else { 0.0 })
                        .collect();
                    (gated, unit * self.p_max * steps / 10.0)
                };
                let copied: Vec<f64> = intensities
                    .iter()
                    .flat_map(|&v| std::iter::repeat_n(v, m))
                    .collect();
                let spikes = if self.encoding == Encoding::Rate {
                    RateEncoder::new(self.p_max * 1000.0, 1.0, RateModel::Bernoulli)?
                        .encode(&copied, self.steps, rng)?
                } else {
                    LatencyEncoder::new(1.0)?.encode(&copied, self.steps, rng)?
                };
                // The bias is a constant current, not spikes:
                // `I_j(t) = Σ_f W[f, j] (on_f(t) − off_f(t)) · charge + W[bias, j]`.
                let features = self.w.nrows() - 1;
                let mut current = spikes.current(w_spikes.view())? * charge;
                current += &self.w.row(features);
                let counts = spikes.channel_counts();
                let per_step = |c: usize| {
                    let total: u32 = counts[c * m..(c + 1) * m].iter().sum();
                    f64::from(total) * charge / steps
                };
                let input = (0..features)
                    .map(|f| per_step(2 * f) - per_step(2 * f + 1))
                    .chain([1.0])
                    .collect();
                (
                    input,
                    pop.run(self.steps, Drive::Matrix(current.view()), &record)?,
                )
            }
        };
        Ok(Response {
            input,
            counts: out.into_counts(),
            v: pop.v().to_vec(),
        })
    }

    /// What one sample does to the output layer (spikes drawn with `rng`).
    ///
    /// # Errors
    /// A sample with the wrong number of features.
    pub fn response(&self, x: &[f64], rng: &mut impl Rng) -> Result<Response> {
        self.respond(&self.channels(x)?, &self.spike_weights(), rng)
    }

    /// The predicted class of each point, with the synapses built once.
    fn classes_of(
        &self,
        points: impl Iterator<Item = Vec<f64>>,
        rng: &mut impl Rng,
    ) -> Result<Vec<usize>> {
        let w_spikes = self.spike_weights();
        points
            .map(|p| Ok(self.respond(&self.channels(&p)?, &w_spikes, rng)?.class()))
            .collect()
    }

    /// Output spike counts for one sample.
    ///
    /// # Errors
    /// A sample with the wrong number of features.
    pub fn counts(&self, x: &[f64], rng: &mut impl Rng) -> Result<Vec<u32>> {
        Ok(self.response(x, rng)?.counts)
    }

    /// The predicted class of every sample of `data` (see [`Response::class`]).
    ///
    /// # Errors
    /// Data with the wrong number of features.
    pub fn predict(&self, data: &Blobs, rng: &mut impl Rng) -> Result<Vec<usize>> {
        self.classes_of(data.x.rows().into_iter().map(|r| r.to_vec()), rng)
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

    /// The predicted class at every cell of `grid`, for `snn_plot::chart::class_map`.
    ///
    /// # Errors
    /// A classifier that is not two-dimensional.
    pub fn class_map(&self, grid: &Grid, rng: &mut impl Rng) -> Result<Vec<usize>> {
        self.classes_of(grid.points().map(|p| p.to_vec()), rng)
    }

    /// Trains on `train` by full-batch gradient descent with the rule in the
    /// [module docs](self), starting from the current weights; when `test` is given, its
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
fn diverged(w: &Array2<f64>, cfg: &TrainConfig, epoch: usize) -> Result<()> {
    if w.iter().all(|v| v.abs() <= MAX_MAGNITUDE) {
        Ok(())
    } else {
        Err(diverged_at(cfg, epoch))
    }
}

fn diverged_at(cfg: &TrainConfig, epoch: usize) -> SnnError {
    SnnError::Diverged {
        epoch: epoch + 1,
        lr: cfg.lr,
        l2: cfg.l2,
    }
}

/// The index of the first largest item (ties go to the lowest index); 0 when empty.
fn argmax<T: PartialOrd>(items: impl IntoIterator<Item = T>) -> usize {
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
fn softmax_in_place(z: &mut [f64]) {
    let m = z.iter().fold(f64::NEG_INFINITY, |a, &b| a.max(b));
    z.iter_mut().for_each(|v| *v = (*v - m).exp());
    let s: f64 = z.iter().sum();
    z.iter_mut().for_each(|v| *v /= s);
}

fn softmax_vec(r: &[f64]) -> Vec<f64> {
    let mut p = r.to_vec();
    softmax_in_place(&mut p);
    p
}

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
    /// penalty `cfg.l2`, from zero weights: the same budget a [`Classifier`] trained with
    /// `cfg` gets (it draws nothing at random).
    ///
    /// # Errors
    /// [`SnnError::Diverged`] when a weight stops being finite (an `lr` far too large);
    /// [`SnnError::TooLarge`] for so many classes (one more than the largest label) that the
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
