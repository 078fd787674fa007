//! What drives a population: one step's input, a whole run's drive, and the forms the loops read them in.

use super::*;

/// The input current of one step: the same for every neuron, or one value per neuron.
/// Unit: nA for [`LifParams`](crate::LifParams), unit-free for
/// [`DiscreteParams`](crate::DiscreteParams). Magnitudes above 1e12 are refused.
#[derive(Debug, Clone, Copy)]
pub enum Input<'a, F> {
    /// One current for every neuron.
    Uniform(F),
    /// One current per neuron; the length must equal the population size.
    PerNeuron(&'a [F]),
}

/// The input currents of a whole run (units as in [`Input`]).
#[derive(Debug, Clone, Copy)]
pub enum Drive<'a, F> {
    /// The same constant current to every neuron at every step (the original demo).
    Constant(F),
    /// A constant current per neuron (length `n`), e.g. an f-I sweep.
    PerNeuron(&'a [F]),
    /// A current per step shared by every neuron (length `steps`), e.g. a current step.
    Shared(&'a [F]),
    /// A current per step and neuron, shape `(steps, n)`, e.g. weighted input spikes.
    Matrix(ArrayView2<'a, F>),
}

/// A run's drive as the loops read it: a [`Drive`] whose matrix is one contiguous,
/// row-major slice (`run` copies a matrix of any other layout first), so every row of
/// every block is a plain subslice and no step has a missing-input path.
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub enum Source<'a, F> {
    /// One current for every neuron at every step.
    Constant(F),
    /// One current per neuron (length `n`).
    PerNeuron(&'a [F]),
    /// One current per step (length `steps`).
    Shared(&'a [F]),
    /// `steps` rows of `n` currents, row-major.
    Matrix(&'a [F], usize),
}

/// One step's input to the neuron loop.
#[derive(Clone, Copy)]
pub(crate) enum Feed<'a, F> {
    Uniform(F),
    Each(&'a [F]),
}

/// The input of neurons `lo..hi` at `step`.
#[inline]
pub(crate) fn feed_at<'b, F: Precision>(
    drive: &'b Source<'_, F>,
    step: usize,
    lo: usize,
    hi: usize,
) -> Feed<'b, F> {
    match drive {
        Source::Constant(x) => Feed::Uniform(*x),
        Source::PerNeuron(i) => Feed::Each(&i[lo..hi]),
        Source::Shared(i) => Feed::Uniform(i[step]),
        Source::Matrix(all, n) => Feed::Each(&all[step * n + lo..step * n + hi]),
    }
}

/// The input current of neuron `j` at `step`, for traces.
pub(crate) fn input_at<F: Precision>(drive: &Source<'_, F>, step: usize, j: usize) -> F {
    match *drive {
        Source::Constant(x) => x,
        Source::PerNeuron(i) => i[j],
        Source::Shared(i) => i[step],
        Source::Matrix(all, n) => all[step * n + j],
    }
}
