//! The floating-point types a simulation can run in.

use std::fmt::{Debug, Display};

/// A floating-point type a population can be simulated in: `f32` (twice the throughput) or
/// `f64` (the reference precision). Sealed: only these two implement it.
pub trait Real:
    num_traits::Float + Copy + Send + Sync + Debug + Display + Default + private::Sealed + 'static
{
    /// Converts from `f64`, rounding to nearest for `f32`.
    fn of(x: f64) -> Self;
    /// Widens to `f64` (exact for both types).
    fn as_f64(self) -> f64;
    /// Short name of the type, `"f32"` or `"f64"`.
    const NAME: &'static str;
}

impl Real for f32 {
    #[inline(always)]
    fn of(x: f64) -> Self {
        x as f32
    }
    #[inline(always)]
    fn as_f64(self) -> f64 {
        self as f64
    }
    const NAME: &'static str = "f32";
}

impl Real for f64 {
    #[inline(always)]
    fn of(x: f64) -> Self {
        x
    }
    #[inline(always)]
    fn as_f64(self) -> f64 {
        self
    }
    const NAME: &'static str = "f64";
}

mod private {
    pub trait Sealed {}
    impl Sealed for f32 {}
    impl Sealed for f64 {}
}
