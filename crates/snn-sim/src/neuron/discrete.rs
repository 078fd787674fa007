//! The original demo's neuron, unit-free and stepped in whole steps.

use super::{fire_level, Crossing, Kernel, Model, Reset};
use crate::error::{bounded, Result, SnnError};
use crate::param::{Param, Values};
use crate::real::Real;

/// The original demo's neuron, unit-free and stepped in whole steps:
///
/// `V <- V * decay + I`; if `V >= threshold` (by default) then a spike and `V <- 0`.
///
/// # Examples
/// ```
/// use snn_sim::{DiscreteParams, Population, Drive, Record};
/// // The original's numbers: x = [3.04545118, 1.37379466], w = [-0.2509198, 0.9014286], b = 0.
/// let i = 3.04545118 * -0.2509198 + 1.37379466 * 0.9014286;
/// let params = DiscreteParams::original().build()?;
/// let mut pop = Population::<f64>::new(&params, 1)?;
/// let out = pop.run(10, Drive::Constant(i), &Record::spikes())?;
/// assert_eq!(out.spike_steps_of(0), vec![2, 5, 8]);
/// # Ok::<(), snn_sim::SnnError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DiscreteParams {
    decay: f64,
    threshold: f64,
    reset: Reset,
    crossing: Crossing,
}

/// Builder for [`DiscreteParams`]; nothing is checked until [`build`](Self::build).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DiscreteBuilder {
    /// Multiplicative leak per step, in (0, 1]; 1 means no leak.
    pub decay: f64,
    /// Firing threshold (unit-free), > 0 for reset to 0.
    pub threshold: f64,
    /// Reset rule; the original resets to 0.
    pub reset: Reset,
    /// Threshold comparison; the original fires on `V >= threshold`.
    pub crossing: Crossing,
}

impl DiscreteParams {
    /// Leak per step `decay`: in (0, 1] (1: no leak).
    pub const DECAY: Param = Param::new(
        "decay",
        "",
        Values::Within {
            lo: 0.0,
            hi: 1.0,
            lo_open: true,
            hi_open: false,
            text: "(0, 1]",
        },
    );
    /// Firing threshold.
    pub const THRESHOLD: Param = Param::new("threshold", "", Values::Bounded);
    /// Builder with the original notebook's class defaults: decay 0.9, threshold 1, reset to 0,
    /// spike when `V >= threshold`.
    pub fn builder() -> DiscreteBuilder {
        DiscreteBuilder {
            decay: 0.9,
            threshold: 1.0,
            reset: Reset::ToValue(0.0),
            crossing: Crossing::AtOrAbove,
        }
    }
    /// Builder with the values the original demo used for its output neuron: decay 0.8,
    /// threshold 1.
    pub fn original() -> DiscreteBuilder {
        Self::builder().decay(0.8)
    }
    /// Multiplicative leak per step.
    pub fn decay(&self) -> f64 {
        self.decay
    }
    /// Firing threshold.
    pub fn threshold(&self) -> f64 {
        self.threshold
    }
    /// The reset rule.
    pub fn reset(&self) -> Reset {
        self.reset
    }
    /// The threshold comparison.
    pub fn crossing(&self) -> Crossing {
        self.crossing
    }
}

impl DiscreteBuilder {
    /// Sets the leak factor per step, `V <- V * decay + I`.
    pub fn decay(mut self, decay: f64) -> Self {
        self.decay = decay;
        self
    }
    /// Sets the firing threshold.
    pub fn threshold(mut self, threshold: f64) -> Self {
        self.threshold = threshold;
        self
    }
    /// Sets the reset rule.
    pub fn reset(mut self, reset: Reset) -> Self {
        self.reset = reset;
        self
    }
    /// Sets the threshold comparison.
    pub fn crossing(mut self, crossing: Crossing) -> Self {
        self.crossing = crossing;
        self
    }
    /// Validates: `decay` in (0, 1]; `threshold` finite and above the reset value (or > 0 for
    /// [`Reset::Subtract`]).
    ///
    /// # Errors
    /// [`SnnError::OutOfRange`] for the decay, [`SnnError::NonFinite`] or
    /// [`SnnError::ThresholdNotAboveReset`] for the threshold.
    pub fn build(self) -> Result<DiscreteParams> {
        DiscreteParams::DECAY.check(self.decay)?;
        DiscreteParams::THRESHOLD.check(self.threshold)?;
        let v_reset = match self.reset {
            Reset::ToValue(v) => bounded("v_reset", v)?,
            Reset::Subtract => 0.0,
        };
        if self.threshold <= v_reset {
            return Err(SnnError::ThresholdNotAboveReset {
                name: "threshold",
                reset_name: "the reset value",
                v_th: self.threshold,
                v_reset,
            });
        }
        Ok(DiscreteParams {
            decay: self.decay,
            threshold: self.threshold,
            reset: self.reset,
            crossing: self.crossing,
        })
    }
}

impl Model for DiscreteParams {
    fn kernel<F: Real>(&self) -> Kernel<F> {
        let (keep, add, hold) = match self.reset {
            Reset::ToValue(v) => (0.0, v, v),
            Reset::Subtract => (1.0, -self.threshold, 0.0),
        };
        Kernel {
            alpha: F::of(self.decay),
            offset: F::zero(),
            gain: F::one(),
            v_th: F::of(self.threshold),
            v_fire: fire_level(F::of(self.threshold), self.crossing),
            reset_keep: F::of(keep),
            reset_add: F::of(add),
            v_hold: F::of(hold),
            v0: F::zero(),
            ref_steps: 0,
            relax: false,
            crossing: self.crossing,
            dt: 1.0,
        }
    }
}
