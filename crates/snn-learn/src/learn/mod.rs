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

/// Channel intensities below this stay silent under latency coding.
const LATENCY_CUTOFF: f64 = 0.3;

/// Threshold of the output neurons, in the units of their input current (weight × z-score
/// per step). Well above the drive a trained readout gives, so an output neuron fires less
/// than once per step and its spike count follows its input instead of saturating.
pub const OUTPUT_THRESHOLD: f64 = 20.0;

/// Default largest spike probability per step of an input channel (rate encoding).
const DEFAULT_P_MAX: f64 = 0.5;

/// Default encoder neurons per ON/OFF channel (spike encodings).
const DEFAULT_COPIES: usize = 4;

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

mod classifier;
mod config;
mod fit;
mod logistic;
mod params;
mod standardize;

pub use classifier::{Classifier, Response};
pub use config::{History, TrainBuilder, TrainConfig};
pub use logistic::Logistic;
pub use params::{ClassifierBuilder, ClassifierParams, OutputReset};
pub use standardize::Standardizer;
