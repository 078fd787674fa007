//! A classifier's settings: the builder (public fields, nothing checked) and the checked
//! settings apart from any data ([`ClassifierParams`]), which fit a [`Classifier`].

use ndarray::Array2;
use rand::Rng;

use crate::data::Blobs;
use snn_sim::check::{fits, Param, Values};
use snn_sim::{Crossing, DiscreteParams, Reset, Result, SnnError};

use super::{
    Classifier, Encoding, History, Standardizer, TrainConfig, DEFAULT_COPIES, DEFAULT_P_MAX,
    OUTPUT_THRESHOLD,
};

/// What an output neuron does when it fires.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OutputReset {
    /// Spike when `V >= threshold`, then `V ← V − threshold`: the overshoot is kept, so the
    /// spike count and the membrane together hold all the charge a neuron received, which is
    /// what makes the training rule exact. NIR cannot say it (its LIF resets to `v_reset`):
    /// snnTorch and Norse read an exported graph as reset to 0 and count a few spikes fewer
    /// (their decisions agree with ours on at least 99% of Iris flowers, not every count).
    #[default]
    Subtract,
    /// Spike when `V > threshold`, then `V ← 0`: NIR's LIF exactly, so snnTorch and Norse
    /// give an exported graph the same spike counts as ours. Training is approximate (the
    /// charge above the threshold at a spike is lost).
    Zero,
}

impl OutputReset {
    /// Its name, as the CLI and the NIR metadata write it: `subtract` or `zero`.
    pub fn name(self) -> &'static str {
        match self {
            OutputReset::Subtract => "subtract",
            OutputReset::Zero => "zero",
        }
    }
    /// The neuron's reset rule and threshold comparison.
    pub fn rule(self) -> (Reset, Crossing) {
        match self {
            OutputReset::Subtract => (Reset::Subtract, Crossing::AtOrAbove),
            OutputReset::Zero => (Reset::ToValue(0.0), Crossing::Above),
        }
    }
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
    /// What an output neuron does when it fires. Default [`OutputReset::Subtract`].
    pub reset: OutputReset,
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
            reset: OutputReset::Subtract,
            p_max: DEFAULT_P_MAX,
            copies: DEFAULT_COPIES,
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
    /// Sets what an output neuron does when it fires.
    pub fn reset(mut self, reset: OutputReset) -> Self {
        self.reset = reset;
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
    /// The settings, checked, without any data: what [`ClassifierParams::fit`] trains from.
    ///
    /// # Errors
    /// Zero `steps` or `copies`, `p_max` outside (0, 1], or a bad `decay` or `threshold`
    /// (as [`DiscreteParams`]).
    pub fn params(self) -> Result<ClassifierParams> {
        ClassifierParams::STEPS.check_count(self.steps)?;
        ClassifierParams::COPIES.check_count(self.copies)?;
        ClassifierParams::P_MAX.check(self.p_max)?;
        let (reset, crossing) = self.reset.rule();
        let neuron = DiscreteParams::builder()
            .decay(self.decay)
            .threshold(self.threshold)
            .reset(reset)
            .crossing(crossing)
            .build()?;
        Ok(ClassifierParams {
            neuron,
            steps: self.steps,
            encoding: self.encoding,
            p_max: self.p_max,
            copies: self.copies,
        })
    }
    /// Short for `self.params()?.untrained(train)`: an untrained classifier for `train`.
    ///
    /// # Errors
    /// As [`params`](Self::params) and [`ClassifierParams::untrained`].
    pub fn build(self, train: &Blobs) -> Result<Classifier> {
        self.params()?.untrained(train)
    }
}

/// A classifier's settings, checked and apart from any data (as linfa's hyperparameters
/// are from its fitted models): the output neuron (`V ← decay·V + I`, spike and reset as
/// [`OutputReset`] says), steps per sample, the encoding, `p_max` and encoder
/// copies. [`fit`](Self::fit) turns them and training data into a fitted [`Classifier`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ClassifierParams {
    neuron: DiscreteParams,
    steps: usize,
    encoding: Encoding,
    p_max: f64,
    copies: usize,
}

impl ClassifierParams {
    /// Simulation steps per sample: >= 1.
    pub const STEPS: Param = Param::new("steps", "", Values::AtLeast { min: 1 });
    /// Encoder neurons per ON/OFF channel: >= 1.
    pub const COPIES: Param = Param::new("copies", "", Values::AtLeast { min: 1 });
    /// Largest spike probability per step of an input channel: in (0, 1].
    pub const P_MAX: Param = Param::new(
        "p_max",
        "",
        Values::Within {
            lo: 0.0,
            hi: 1.0,
            lo_open: true,
            hi_open: false,
            text: "(0, 1]",
        },
    );
    /// The output neuron.
    pub fn neuron(&self) -> &DiscreteParams {
        &self.neuron
    }
    /// Simulation length per sample, steps.
    pub fn steps(&self) -> usize {
        self.steps
    }
    /// The input encoding.
    pub fn encoding(&self) -> Encoding {
        self.encoding
    }
    /// Largest spike probability per step of an input channel (rate encoding).
    pub fn p_max(&self) -> f64 {
        self.p_max
    }
    /// Encoder neurons per ON/OFF channel (spike encodings).
    pub fn copies(&self) -> usize {
        self.copies
    }
    /// An untrained classifier (all weights 0) for `train`'s features and classes, its
    /// standardisation fitted on `train`.
    ///
    /// # Errors
    /// Fewer than two classes, a constant feature, or buffers for `copies × steps` above
    /// [`MAX_BYTES`](snn_sim::MAX_BYTES), refused before anything is allocated.
    pub fn untrained(&self, train: &Blobs) -> Result<Classifier> {
        if train.n_classes < 2 {
            return Err(SnnError::TooFew {
                name: "classes",
                min: 2,
                got: train.n_classes,
            });
        }
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
            neuron: self.neuron,
            steps: self.steps,
            encoding: self.encoding,
            p_max: self.p_max,
            copies: self.copies,
        })
    }
    /// A classifier fitted to `train`: [`untrained`](Self::untrained), then
    /// [`Classifier::fit`] with `cfg` from zero weights (`test`, when given, is measured
    /// after every epoch). The settings are unchanged and can fit other data.
    ///
    /// # Errors
    /// As [`untrained`](Self::untrained) and [`Classifier::fit`].
    pub fn fit<R: Rng + Clone>(
        &self,
        train: &Blobs,
        test: Option<&Blobs>,
        cfg: &TrainConfig,
        rng: &mut R,
    ) -> Result<(Classifier, History)> {
        let mut clf = self.untrained(train)?;
        let history = clf.fit(train, test, cfg, rng)?;
        Ok((clf, history))
    }
}

impl Classifier {
    /// A builder with the defaults: 100 steps, [`Encoding::Current`], output neurons with
    /// decay 0.995 and threshold [`OUTPUT_THRESHOLD`], `p_max` 0.5, 4 encoder copies.
    pub fn builder() -> ClassifierBuilder {
        ClassifierBuilder::default()
    }
    /// The settings this classifier was made with (to fit another one alike).
    pub fn params(&self) -> ClassifierParams {
        ClassifierParams {
            neuron: self.neuron,
            steps: self.steps,
            encoding: self.encoding,
            p_max: self.p_max,
            copies: self.copies,
        }
    }
}
