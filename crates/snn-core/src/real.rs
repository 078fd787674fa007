//! The floating-point types a simulation can run in.

use std::fmt::{Debug, Display};

use crate::error::Result;
use crate::population::{Drive, Input, Population, Record, SimResult};

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
