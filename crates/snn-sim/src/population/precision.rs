//! What the population engine compiles for each number type.

use super::{Drive, Input, Job, Neurons, Population, Record, SimResult, LANE_BYTES};
use crate::error::Result;
use crate::real::Real;

/// A number type a [`Population`] can be simulated in: `f32` or `f64` (sealed, as [`Real`]).
///
/// Its methods are the population's entry points for that type, written once here as plain,
/// non-generic functions, so the neuron loops are compiled in this crate and not again in every
/// crate or notebook cell that steps a population. The number type itself ([`Real`]) knows
/// nothing of them.
pub trait Precision: Real {
    /// [`Population::step`] for this type.
    #[doc(hidden)]
    fn step_population(pop: &mut Population<Self>, input: Input<'_, Self>) -> Result<usize>;
    /// [`Population::run`] for this type.
    #[doc(hidden)]
    fn run_population(
        pop: &mut Population<Self>,
        steps: usize,
        drive: Drive<'_, Self>,
        record: &Record,
    ) -> Result<SimResult<Self>>;
    /// The register-resident run of one block at this type's lane count (64 `f32`, 32 `f64`),
    /// so only that width is compiled; false when it does not apply on this CPU (see
    /// `population::run_lanes_best`).
    #[doc(hidden)]
    fn run_lanes(job: &Job<'_, Self>, n: &mut Neurons<'_, Self>) -> bool;
}

macro_rules! precision_impl {
    ($t:ty) => {
        impl Precision for $t {
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
            fn run_lanes(job: &Job<'_, Self>, n: &mut Neurons<'_, Self>) -> bool {
                super::run_lanes_best::<$t, { LANE_BYTES / std::mem::size_of::<$t>() }>(job, n)
            }
        }
    };
}

precision_impl!(f32);
precision_impl!(f64);
