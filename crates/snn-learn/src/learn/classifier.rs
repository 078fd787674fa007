//! The spiking classifier: its settings, its readout and how it answers a sample.

use ndarray::{Array1, Array2};
use rand::Rng;

use crate::data::{Blobs, Grid};
use crate::readout::{accuracy, Confusion};
use snn_sim::check::{all_finite, fits, nonzero};
use snn_sim::{
    DiscreteParams, Drive, LatencyEncoder, Population, RateEncoder, RateModel, Record, Result,
    SnnError, MAX_MAGNITUDE,
};

use super::fit::argmax;
use super::{
    Encoding, OutputReset, Standardizer, DEFAULT_COPIES, DEFAULT_P_MAX, LATENCY_CUTOFF, Z_SPAN,
};

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
    /// The output neurons' rule, which decides ties (see [`class`](Self::class)).
    pub rule: OutputReset,
}

impl Response {
    /// The predicted class: the output neuron with the most spikes over the window. Ties:
    /// - [`OutputReset::Subtract`]: to the neuron whose membrane is higher after the last
    ///   step (closest to its next spike: silent neurons are told apart by their charge),
    ///   then to the lowest class index. A reader needs the counts and the final membranes.
    /// - [`OutputReset::Zero`]: to the lowest class index. A reader needs the counts only:
    ///   this is snnTorch's rule as its tutorials run it (`spk_rec.sum(0).argmax(1)`, the
    ///   first of equal maxima), so a graph exported in this mode decides the same there.
    pub fn class(&self) -> usize {
        match self.rule {
            OutputReset::Subtract => argmax(self.counts.iter().zip(&self.v)),
            OutputReset::Zero => argmax(self.counts.iter()),
        }
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

impl Classifier {
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
        Ok(Classifier {
            w,
            standardizer,
            neuron,
            steps,
            encoding: Encoding::Current,
            p_max: DEFAULT_P_MAX,
            copies: DEFAULT_COPIES,
        })
    }

    /// Short for `Classifier::builder().steps(steps).encoding(encoding).build(train)`.
    ///
    /// # Errors
    /// As [`ClassifierBuilder::build`](super::ClassifierBuilder::build).
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
    /// The output neurons: unit-free LIF, `V ← decay · V + I`, spike and reset as the
    /// builder's [`OutputReset`](super::OutputReset) says.
    pub fn neuron(&self) -> &DiscreteParams {
        &self.neuron
    }
    /// The output neurons' rule, read from their reset: [`OutputReset::Zero`] for a reset to
    /// 0, [`OutputReset::Subtract`] otherwise.
    pub fn output_reset(&self) -> OutputReset {
        match self.neuron.reset() {
            snn_sim::Reset::ToValue(0.0) => OutputReset::Zero,
            _ => OutputReset::Subtract,
        }
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
    pub(super) fn spike_weights(&self) -> Array2<f64> {
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
    pub(super) fn respond(
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
            rule: self.output_reset(),
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
}
