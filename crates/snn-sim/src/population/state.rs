//! The state the loops work on, passed as one value instead of parallel slices.

use super::*;

/// The state of a contiguous range of neurons, `lo..lo + len` of a population: potentials
/// `v`, refractory steps left `r`, last step's spike flags `s` and spike counts `c`, all of
/// one length. Internal to snn-core (it appears in [`Precision`]'s hidden methods).
#[doc(hidden)]
pub struct Neurons<'a, F> {
    pub(crate) lo: usize,
    pub(crate) v: &'a mut [F],
    pub(crate) r: &'a mut [u32],
    pub(crate) s: &'a mut [bool],
    pub(crate) c: &'a mut [u32],
}

impl<'a, F> Neurons<'a, F> {
    /// Number of neurons.
    pub(crate) fn len(&self) -> usize {
        self.v.len()
    }
    /// The same range, borrowed again, so the original can be used after the borrow ends.
    pub(crate) fn reborrow(&mut self) -> Neurons<'_, F> {
        Neurons {
            lo: self.lo,
            v: self.v,
            r: self.r,
            s: self.s,
            c: self.c,
        }
    }
    /// The neurons from `at` on (counted within this range).
    pub(crate) fn tail(&mut self, at: usize) -> Neurons<'_, F> {
        Neurons {
            lo: self.lo + at,
            v: &mut self.v[at..],
            r: &mut self.r[at..],
            s: &mut self.s[at..],
            c: &mut self.c[at..],
        }
    }
    /// Consecutive ranges of `size` neurons (the last may be shorter).
    pub(crate) fn blocks(self, size: usize) -> impl Iterator<Item = Neurons<'a, F>> {
        let lo = self.lo;
        self.v
            .chunks_mut(size)
            .zip(self.r.chunks_mut(size))
            .zip(self.s.chunks_mut(size))
            .zip(self.c.chunks_mut(size))
            .enumerate()
            .map(move |(b, (((v, r), s), c))| Neurons {
                lo: lo + b * size,
                v,
                r,
                s,
                c,
            })
    }
}

/// What every block of one run shares: the per-step constants, the number of steps and the
/// drive. Internal to snn-core (it appears in [`Precision`]'s hidden methods).
#[doc(hidden)]
#[derive(Clone, Copy)]
pub struct Job<'a, F> {
    pub(crate) k: &'a Kernel<F>,
    pub(crate) steps: usize,
    pub(crate) drive: Source<'a, F>,
    /// For a [`Source::Shared`] drive, each step's drive `offset + gain * I`, computed once
    /// per run rather than once per block; empty otherwise.
    pub(crate) shared: &'a [F],
}

impl<F: Precision> Population<F> {
    /// The whole population's state as one range.
    pub(crate) fn neurons(&mut self) -> Neurons<'_, F> {
        Neurons {
            lo: 0,
            v: &mut self.v,
            r: &mut self.refr,
            s: &mut self.spiked,
            c: &mut self.counts,
        }
    }
}
