//! The floating-point types a simulation can run in.

use std::fmt::{Debug, Display};

use crate::error::Result;
use crate::population::{Drive, Input, Job, Neurons, Population, Record, SimResult, LANE_BYTES};

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
    /// [`Population::step`] for this type. Implemented once per type inside snn-core so the
    /// neuron loop is compiled here, not again in every crate (or notebook cell) that calls it.
    #[doc(hidden)]
    fn step_population(pop: &mut Population<Self>, input: Input<'_, Self>) -> Result<usize>;
    /// [`Population::run`] for this type (see [`step_population`](Self::step_population)).
    #[doc(hidden)]
    fn run_population(
        pop: &mut Population<Self>,
        steps: usize,
        drive: Drive<'_, Self>,
        record: &Record,
    ) -> Result<SimResult<Self>>;
    /// The smallest value of this type greater than `self` (`x > t` is `x >= t.above()`).
    #[doc(hidden)]
    fn above(self) -> Self;
    /// The register-resident run of one block at this type's lane count (64 `f32`, 32 `f64`),
    /// so only that width is compiled; false when it does not apply on this CPU. Internal to
    /// snn-core (see `population::run_lanes_best`).
    #[doc(hidden)]
    fn run_lanes(job: &Job<'_, Self>, n: &mut Neurons<'_, Self>) -> bool;
}

/// The two implementations differ only in the type: one macro writes both. The population
/// entry points are plain (non-generic) functions here, so the loops compile in this crate.
macro_rules! real_impl {
    ($t:ty, $name:literal) => {
        impl Real for $t {
            #[inline(always)]
            fn of(x: f64) -> Self {
                x as $t
            }
            #[inline(always)]
            fn as_f64(self) -> f64 {
                self as f64
            }
            const NAME: &'static str = $name;
            fn step_population(
                pop: &mut Population<Self>,
                input: Input<'_, Self>,
            ) -> Result<usize> {
                pop.step_impl(input)
            }
            fn run_population(
                pop: &mut Population<Self>,
                steps: usize,
                drive: Drive<'_, Self>,
                record: &Record,
            ) -> Result<SimResult<Self>> {
                pop.run_impl(steps, drive, record)
            }
            #[inline]
            fn above(self) -> Self {
                // `next_up` by hand (the std method needs Rust 1.86; the MSRV is 1.85).
                if self.is_nan() || self == <$t>::INFINITY {
                    self
                } else if self == 0.0 {
                    <$t>::from_bits(1)
                } else if self > 0.0 {
                    <$t>::from_bits(self.to_bits() + 1)
                } else {
                    <$t>::from_bits(self.to_bits() - 1)
                }
            }
            fn run_lanes(job: &Job<'_, Self>, n: &mut Neurons<'_, Self>) -> bool {
                crate::population::run_lanes_best::<$t, { LANE_BYTES / std::mem::size_of::<$t>() }>(
                    job, n,
                )
            }
        }
    };
}

real_impl!(f32, "f32");
real_impl!(f64, "f64");

mod private {
    pub trait Sealed {}
    impl Sealed for f32 {}
    impl Sealed for f64 {}
}

#[cfg(test)]
mod tests {
    use super::Real;

    #[test]
    fn above_is_the_next_representable_value() {
        for x in [
            -1e30f64,
            -2.5,
            -f64::MIN_POSITIVE,
            -0.0,
            0.0,
            1.0,
            15.0,
            1e300,
        ] {
            let up = x.above();
            assert!(up > x, "{x}");
            assert_eq!(up, x.next_up());
        }
        for x in [-1e30f32, -2.5, -0.0, 0.0, 1.0, -50.0, 3e38] {
            let up = x.above();
            assert!(up > x, "{x}");
            assert_eq!(up, x.next_up());
        }
        assert_eq!(f64::MAX.above(), f64::INFINITY);
        assert_eq!(f32::INFINITY.above(), f32::INFINITY);
    }
}
