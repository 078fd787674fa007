//! Parameters as values: a name (as errors print it), a unit and the values it takes, in one
//! definition that a builder checks with, an error names, and a tool's help text shows (the
//! `snn` command generates its flags' help and its error lines from these), so the three
//! cannot drift apart.

use crate::error::{bounded, finite, non_negative, positive, Result, SnnError};

/// Steps of a run (a population's, an encoder's): at least 1.
pub const STEPS: Param = Param::new("steps", "", Values::AtLeast { min: 1 });
/// Neurons of a population: at least 1.
pub const NEURONS: Param = Param::new("neurons", "", Values::AtLeast { min: 1 });
/// Each value of a population's drive (its input current, in the model's unit: nA for LIF):
/// within ±1e12.
pub const DRIVE: Param = Param::new("drive", "", Values::Bounded);

/// The values a [`Param`] takes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Values {
    /// Any finite number within ±1e12 ([`MAX_MAGNITUDE`](crate::MAX_MAGNITUDE)).
    Bounded,
    /// A finite number > 0.
    Positive,
    /// A finite number > 0 and at most 1e12.
    PositiveBounded,
    /// A finite number >= 0.
    NonNegative,
    /// A finite number >= 0 and at most 1e12.
    NonNegativeBounded,
    /// A finite number in an interval, written `text` (for example `(0, 1]`).
    Within {
        /// Lower end.
        lo: f64,
        /// Upper end.
        hi: f64,
        /// Whether `lo` itself is refused.
        lo_open: bool,
        /// Whether `hi` itself is refused.
        hi_open: bool,
        /// The interval as errors and help print it.
        text: &'static str,
    },
    /// A whole number of at least `min`.
    AtLeast {
        /// The smallest accepted.
        min: usize,
    },
}

/// A parameter: its name as errors print it, its unit (with its leading space, as errors
/// print it after a number: `" ms"`), and the values it takes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Param {
    /// The name errors give it (`SnnError::parameter`).
    pub name: &'static str,
    /// The unit after a number, with its leading space (`" ms"`), or empty.
    pub unit: &'static str,
    /// What it accepts.
    pub values: Values,
}

impl Param {
    /// A parameter named `name`, in `unit`, taking `values`.
    pub const fn new(name: &'static str, unit: &'static str, values: Values) -> Self {
        Self { name, unit, values }
    }

    /// `value`, or the error naming this parameter: [`SnnError::NonFinite`],
    /// [`SnnError::NotPositive`], [`SnnError::Negative`] or [`SnnError::OutOfRange`]. A
    /// whole-number parameter ([`Values::AtLeast`]) checks with [`check_count`](Self::check_count).
    ///
    /// # Errors
    /// A value outside [`values`](Self::values).
    pub fn check(&self, value: f64) -> Result<f64> {
        let name = self.name;
        match self.values {
            Values::Bounded => bounded(name, value),
            Values::Positive => positive(name, self.unit, value),
            Values::PositiveBounded => bounded(name, positive(name, self.unit, value)?),
            Values::NonNegative => non_negative(name, self.unit, value),
            Values::NonNegativeBounded => bounded(name, non_negative(name, self.unit, value)?),
            Values::Within {
                lo,
                hi,
                lo_open,
                hi_open,
                text,
            } => {
                finite(name, value)?;
                let above = if lo_open { value > lo } else { value >= lo };
                let below = if hi_open { value < hi } else { value <= hi };
                if above && below {
                    Ok(value)
                } else {
                    Err(SnnError::OutOfRange {
                        name,
                        range: text,
                        value,
                    })
                }
            }
            Values::AtLeast { min } => {
                if value.is_finite() && value.fract() == 0.0 && value >= min as f64 {
                    Ok(value)
                } else {
                    Err(SnnError::TooFew {
                        name,
                        min,
                        got: value.max(0.0) as usize,
                    })
                }
            }
        }
    }

    /// `n`, or the error naming this parameter: [`SnnError::Zero`] for 0 when at least 1 is
    /// needed, [`SnnError::TooFew`] below a larger minimum. Other kinds of value accept any
    /// count.
    ///
    /// # Errors
    /// A count below the minimum.
    pub fn check_count(&self, n: usize) -> Result<usize> {
        match self.values {
            Values::AtLeast { min: 1 } if n == 0 => Err(SnnError::Zero { name: self.name }),
            Values::AtLeast { min } if n < min => Err(SnnError::TooFew {
                name: self.name,
                min,
                got: n,
            }),
            _ => Ok(n),
        }
    }

    /// The values it takes, as a help text says them: `> 0 ms`, `(0, 1]`, `>= 1`, ...
    pub fn accepts(&self) -> String {
        let unit = self.unit;
        match self.values {
            Values::Bounded => format!("any number{unit} within ±1e12"),
            Values::Positive => format!("> 0{unit}"),
            Values::PositiveBounded => format!("> 0{unit}, at most 1e12"),
            Values::NonNegative => format!(">= 0{unit}"),
            Values::NonNegativeBounded => format!(">= 0{unit}, at most 1e12"),
            Values::Within { text, .. } => format!("in {text}{unit}"),
            Values::AtLeast { min } => format!(">= {min}"),
        }
    }
}

/// Compares a number that a text states with the one computed: `Ok` with one line giving
/// both (for a notebook to print), or [`SnnError::Mismatch`] naming `what`, with both values,
/// when they are more than `tol` apart (or either is not finite).
///
/// # Errors
/// The two values differ by more than `tol`.
pub fn text_says(what: &'static str, says: f64, got: f64, tol: f64) -> Result<String> {
    if says.is_finite() && got.is_finite() && (says - got).abs() <= tol {
        Ok(format!(
            "{what}: {} (the text says {}, within {})",
            short(got),
            short(says),
            short(tol)
        ))
    } else {
        Err(SnnError::Mismatch {
            what,
            expected: format!("{} ± {} (what the text says)", short(says), short(tol)),
            got: short(got),
        })
    }
}

/// A number in at most six significant digits: `0.976`, `1.634e-13`, `-40`.
fn short(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return format!("{x}");
    }
    if x.abs() < 1e-3 || x.abs() >= 1e7 {
        return format!("{x:.3e}");
    }
    let digits = (5 - x.abs().log10().floor() as i32).max(0) as usize;
    let s = format!("{x:.digits$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// As [`text_says`] for values compared exactly (counts, lists of steps).
///
/// # Errors
/// The two values differ.
pub fn text_says_exactly<T: PartialEq + std::fmt::Debug>(
    what: &'static str,
    says: T,
    got: T,
) -> Result<String> {
    if says == got {
        Ok(format!("{what}: {got:?}, as the text says"))
    } else {
        Err(SnnError::Mismatch {
            what,
            expected: format!("{says:?} (what the text says)"),
            got: format!("{got:?}"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_refuses_what_its_help_says_it_refuses() {
        let p = Param::new("tau_m", " ms", Values::Positive);
        assert_eq!(p.accepts(), "> 0 ms");
        assert_eq!(p.check(2.0).unwrap(), 2.0);
        assert_eq!(
            p.check(0.0).unwrap_err().to_string(),
            "tau_m must be > 0 ms, got 0"
        );
        assert!(matches!(
            p.check(f64::NAN),
            Err(SnnError::NonFinite { name: "tau_m", .. })
        ));
        let d = Param::new(
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
        assert_eq!(d.accepts(), "in (0, 1]");
        assert!(d.check(1.0).is_ok());
        assert!(d.check(1e-9).is_ok());
        for bad in [0.0, 1.0 + 1e-12, -0.5, f64::INFINITY] {
            assert!(d.check(bad).is_err(), "{bad}");
        }
        let n = Param::new("copies", "", Values::AtLeast { min: 1 });
        assert!(matches!(
            n.check_count(0),
            Err(SnnError::Zero { name: "copies" })
        ));
        assert_eq!(n.check_count(3).unwrap(), 3);
        let k = Param::new("centers", "", Values::AtLeast { min: 2 });
        assert!(matches!(
            k.check_count(1),
            Err(SnnError::TooFew { min: 2, got: 1, .. })
        ));
        let b = Param::new("v0", " mV", Values::Bounded);
        assert!(b.check(-1e12).is_ok());
        assert!(b.check(2e12).is_err());
        assert!(text_says("x", 0.976, 0.97600001, 1e-3)
            .unwrap()
            .contains("0.976"));
        let e = text_says("x", 0.976, 0.99, 1e-3).unwrap_err();
        assert!(e.to_string().contains("0.99"), "{e}");
        assert!(text_says("x", 1.0, f64::NAN, 1.0).is_err());
        assert!(text_says_exactly("steps", vec![2, 5], vec![2, 5]).is_ok());
        assert!(text_says_exactly("steps", vec![2, 5], vec![2, 6]).is_err());
        let nn = Param::new("t_ref", " ms", Values::NonNegative);
        assert!(nn.check(0.0).is_ok());
        assert!(matches!(nn.check(-1.0), Err(SnnError::Negative { .. })));
    }
}
