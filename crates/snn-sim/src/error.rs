//! The one error type of the project (snn-sim, snn-learn, snn-plot, snn-core): one variant per rule, each naming the parameter and its value.

use thiserror::Error;

/// Largest buffer, in bytes, that snn-core will allocate for one simulation array or recording
/// (4 GiB). A request above it is refused with [`SnnError::TooLarge`] before anything is
/// allocated, so a typo in a size never exhausts the machine's memory.
pub const MAX_BYTES: u64 = 4 << 30;

/// Everything that can go wrong in snn-core. Every variant names the offending parameter and
/// the value it was given, so the message alone tells the user what to fix.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum SnnError {
    /// A parameter that must be a finite number was NaN or infinite.
    #[error("{name} must be finite, got {value}")]
    NonFinite {
        /// Parameter name.
        name: &'static str,
        /// The value given.
        value: f64,
    },
    /// A parameter that must be strictly positive was zero or negative.
    #[error("{name} must be > 0{unit}, got {value}")]
    NotPositive {
        /// Parameter name.
        name: &'static str,
        /// Unit suffix for the message, e.g. `" s"`, or empty.
        unit: &'static str,
        /// The value given.
        value: f64,
    },
    /// A parameter that must be zero or positive was negative.
    #[error("{name} must be >= 0{unit}, got {value}")]
    Negative {
        /// Parameter name.
        name: &'static str,
        /// Unit suffix for the message.
        unit: &'static str,
        /// The value given.
        value: f64,
    },
    /// The firing threshold does not lie above the reset potential.
    #[error("{name} must be > {reset_name} ({v_reset}), got {v_th}")]
    ThresholdNotAboveReset {
        /// The threshold's name as the model spells it: `v_th` (LIF) or `threshold`
        /// (discrete).
        name: &'static str,
        /// The reset's name: `v_reset`, or "the reset value" for the discrete model.
        reset_name: &'static str,
        /// Threshold given.
        v_th: f64,
        /// Reset given.
        v_reset: f64,
    },
    /// A reset that does not bring the potential below the firing level once rounded to the
    /// precision the population runs in (`f32` keeps about 7 significant digits): a neuron
    /// reset from the threshold would be at or above it again, and fire on every step.
    #[error("v_reset must lie below v_th in {precision}, got v_th = {v_th}, v_reset = {v_reset}: in {precision} a neuron reset from the threshold lands at {after}, not below it (move them further apart or use f64)")]
    ResetNotBelowThreshold {
        /// The precision, `f32` or `f64`.
        precision: &'static str,
        /// Threshold as given.
        v_th: f64,
        /// Reset as given (for a soft reset, `V_th - (V_th - V_reset)`).
        v_reset: f64,
        /// Where a neuron at the firing level lands after its reset, in that precision.
        after: f64,
    },
    /// A factor that must lie in an interval did not.
    #[error("{name} must be in {range}, got {value}")]
    OutOfRange {
        /// Parameter name.
        name: &'static str,
        /// The allowed interval, as text, e.g. `"(0, 1]"`.
        range: &'static str,
        /// The value given.
        value: f64,
    },
    /// A Bernoulli rate encoder whose per-step probability `rate * dt` exceeds 1.
    #[error("max_rate * dt must be <= 1 for Bernoulli encoding, got max_rate = {rate} Hz, dt = {dt} ms (p = {p})")]
    ProbabilityAboveOne {
        /// Rate in Hz.
        rate: f64,
        /// Time step in ms, as given.
        dt: f64,
        /// The resulting probability per step.
        p: f64,
    },
    /// Forward Euler with a step as long as the membrane time constant or longer overshoots.
    #[error("dt must be < tau_m for Euler integration, got dt = {dt} ms, tau_m = {tau_m} ms")]
    EulerUnstable {
        /// Time step in ms, as given.
        dt: f64,
        /// Membrane time constant in ms, as given.
        tau_m: f64,
    },
    /// A count that must be at least one was zero.
    #[error("{name} must be at least 1, got 0")]
    Zero {
        /// Parameter name.
        name: &'static str,
    },
    /// A count below its minimum.
    #[error("{name} must be at least {min}, got {got}")]
    TooFew {
        /// Parameter name.
        name: &'static str,
        /// Smallest allowed value.
        min: usize,
        /// The value given.
        got: usize,
    },
    /// A collection that must hold data was empty.
    #[error("{name} must not be empty")]
    Empty {
        /// Name of the collection.
        name: &'static str,
    },
    /// Two lengths that must agree did not.
    #[error("{name} must have length {expected}, got {got}")]
    LengthMismatch {
        /// Name of the collection.
        name: &'static str,
        /// Length required.
        expected: usize,
        /// Length given.
        got: usize,
    },
    /// An index outside its collection.
    #[error("{name} must be < {len}, got {index}")]
    IndexOutOfRange {
        /// Name of the index.
        name: &'static str,
        /// Length of the collection.
        len: usize,
        /// Index given.
        index: usize,
    },
    /// A count of steps that does not fit the step counters (`u32`).
    #[error("{name} would need {steps} steps, more than the limit of {limit} steps")]
    TooManySteps {
        /// What was being counted.
        name: &'static str,
        /// Steps it would need.
        steps: u64,
        /// The limit, `u32::MAX`.
        limit: u64,
    },
    /// A request whose buffers would exceed [`MAX_BYTES`].
    #[error("{name} would need {bytes} bytes, more than the limit of {limit} bytes")]
    TooLarge {
        /// What was being sized.
        name: &'static str,
        /// Bytes it would need (saturating).
        bytes: u64,
        /// The limit, [`MAX_BYTES`].
        limit: u64,
    },
    /// A result that must equal a known reference does not.
    #[error("{what} must be {expected}, got {got}")]
    Mismatch {
        /// What was checked.
        what: &'static str,
        /// The reference.
        expected: String,
        /// What came out.
        got: String,
    },
    /// A sweep or animation whose HTML output would exceed its size limit
    /// (`snn_plot::chart::MAX_PLAYER_BYTES`), refused before it is built.
    #[error("{what} would be about {bytes} bytes ({frames} frames), more than the limit of {limit} bytes: reduce {reduce}")]
    OutputTooLarge {
        /// What was being built ("sweep" or "animation").
        what: &'static str,
        /// Frames asked for.
        frames: usize,
        /// The estimated size in bytes.
        bytes: u64,
        /// The limit in bytes.
        limit: u64,
        /// What to make smaller, in words ("the number of values or the chart's detail").
        reduce: &'static str,
    },
    /// Training whose weights ran away: a weight (or the drive it gives an output neuron)
    /// past [`MAX_MAGNITUDE`] or not finite, because the learning rate (or `lr · l2`, the
    /// weight decay per epoch, above 2) is far too large for the data.
    #[error("training diverged at epoch {epoch}: the weights grew past 1e12; lower lr (got lr = {lr}, l2 = {l2})")]
    Diverged {
        /// The epoch (1-based) after which the weights had run away.
        epoch: usize,
        /// The learning rate used.
        lr: f64,
        /// The L2 penalty used.
        l2: f64,
    },
    /// A combination of settings that the model does not support, each valid alone.
    #[error("{name}: {why}")]
    Unsupported {
        /// The parameter to change.
        name: &'static str,
        /// Why, in words.
        why: &'static str,
    },
    /// A chart could not be drawn or written.
    #[error("chart: {0}")]
    Chart(String),
}

/// Result alias for snn-core.
pub type Result<T> = std::result::Result<T, SnnError>;

impl SnnError {
    /// The name of the parameter the error is about, as the API spells it (`"v_th"`,
    /// `"threshold"`, `"copies"`, …), so a front end can point at its own name for it (a
    /// command-line flag, a notebook variable). `None` for a chart that could not be drawn.
    pub fn parameter(&self) -> Option<&'static str> {
        match self {
            SnnError::NonFinite { name, .. }
            | SnnError::NotPositive { name, .. }
            | SnnError::Negative { name, .. }
            | SnnError::OutOfRange { name, .. }
            | SnnError::Zero { name }
            | SnnError::Empty { name }
            | SnnError::LengthMismatch { name, .. }
            | SnnError::TooFew { name, .. }
            | SnnError::TooLarge { name, .. }
            | SnnError::TooManySteps { name, .. }
            | SnnError::IndexOutOfRange { name, .. }
            | SnnError::ThresholdNotAboveReset { name, .. } => Some(name),
            SnnError::Mismatch { what, .. } => Some(what),
            SnnError::ProbabilityAboveOne { .. } => Some("max_rate"),
            SnnError::ResetNotBelowThreshold { .. } => Some("v_reset"),
            SnnError::EulerUnstable { .. } => Some("dt"),
            SnnError::OutputTooLarge { .. } => Some("frames"),
            SnnError::Diverged { .. } => Some("lr"),
            SnnError::Unsupported { name, .. } => Some(name),
            SnnError::Chart(_) => None,
        }
    }
}

/// `value`, or [`SnnError::NonFinite`] naming `name` when it is NaN or infinite.
pub fn finite(name: &'static str, value: f64) -> Result<f64> {
    if value.is_finite() {
        Ok(value)
    } else {
        Err(SnnError::NonFinite { name, value })
    }
}

/// Every value finite, or the first that is not, named.
pub fn all_finite(name: &'static str, xs: impl IntoIterator<Item = f64>) -> Result<()> {
    xs.into_iter().try_for_each(|x| finite(name, x).map(drop))
}

/// `value`, or an error naming `name` when it is not a finite number > 0 (`unit` goes in the message).
pub fn positive(name: &'static str, unit: &'static str, value: f64) -> Result<f64> {
    finite(name, value)?;
    if value > 0.0 {
        Ok(value)
    } else {
        Err(SnnError::NotPositive { name, unit, value })
    }
}

/// Largest magnitude accepted for an input current or a potential-like parameter (1e12), so
/// that sums such as `V_rest + R*I` stay finite even in `f32`.
pub const MAX_MAGNITUDE: f64 = 1e12;

/// `value`, or an error naming `name` when it is not finite or its magnitude passes [`MAX_MAGNITUDE`].
pub fn bounded(name: &'static str, value: f64) -> Result<f64> {
    finite(name, value)?;
    if value.abs() <= MAX_MAGNITUDE {
        Ok(value)
    } else {
        Err(SnnError::OutOfRange {
            name,
            range: "[-1e12, 1e12]",
            value,
        })
    }
}

/// `value`, or an error naming `name` when it is not a finite number >= 0 (`unit` goes in the message).
pub fn non_negative(name: &'static str, unit: &'static str, value: f64) -> Result<f64> {
    finite(name, value)?;
    if value >= 0.0 {
        Ok(value)
    } else {
        Err(SnnError::Negative { name, unit, value })
    }
}

/// `value`, or [`SnnError::Zero`] naming `name` when it is 0.
pub fn nonzero(name: &'static str, value: usize) -> Result<usize> {
    if value == 0 {
        Err(SnnError::Zero { name })
    } else {
        Ok(value)
    }
}

/// Checks that `count` elements of `elem_bytes` each stay within [`MAX_BYTES`].
pub fn fits(name: &'static str, count: usize, elem_bytes: usize) -> Result<()> {
    let bytes = (count as u64).saturating_mul(elem_bytes as u64);
    if bytes > MAX_BYTES {
        Err(SnnError::TooLarge {
            name,
            bytes,
            limit: MAX_BYTES,
        })
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_parameter_and_value() {
        let e = positive("tau_m", " s", -0.01).unwrap_err();
        assert_eq!(e.to_string(), "tau_m must be > 0 s, got -0.01");
        let e = finite("dt", f64::NAN).unwrap_err();
        assert!(matches!(e, SnnError::NonFinite { name: "dt", .. }));
        assert!(matches!(
            non_negative("t_ref", " s", -1.0),
            Err(SnnError::Negative { name: "t_ref", .. })
        ));
        assert!(matches!(
            nonzero("steps", 0),
            Err(SnnError::Zero { name: "steps" })
        ));
        assert!(matches!(
            fits("v", usize::MAX, 8),
            Err(SnnError::TooLarge { name: "v", .. })
        ));
        assert!(fits("v", 1000, 8).is_ok());
    }

    /// A step count is reported in steps, bytes in bytes: one variant per kind of limit.
    #[test]
    fn each_limit_speaks_its_own_unit() {
        let e = crate::LifParams::builder()
            .t_ref(1e9)
            .dt(1e-3)
            .build()
            .unwrap_err();
        assert!(matches!(
            e,
            SnnError::TooManySteps {
                name: "t_ref / dt",
                ..
            }
        ));
        assert_eq!(
            e.to_string(),
            "t_ref / dt would need 1000000000000 steps, more than the limit of 4294967295 steps"
        );
        let e = fits("v", usize::MAX / 2, 8).unwrap_err();
        assert!(e.to_string().contains("bytes") && !e.to_string().contains("steps"));
        assert_eq!(e.parameter(), Some("v"));
    }
}
