//! The neuron loop: one pass over contiguous arrays per step, branch-free per neuron.

use super::*;

/// One step of every neuron with spike flags, for `step()` and the threaded `step()`: the
/// per-neuron input is raw current, turned into drive in the loop.
#[inline(always)]
pub(crate) fn dispatch<F: Precision>(
    k: &Kernel<F>,
    n: &mut Neurons<'_, F>,
    feed: Feed<'_, F>,
) -> usize {
    dispatch_drive(k, n, feed, false)
}

/// Chooses the monomorphised loop for this kernel once per step, outside the neuron loop.
/// `ready` says a per-neuron feed already holds the drive `offset + gain * I` rather than `I`.
#[inline(always)]
pub(crate) fn dispatch_drive<F: Precision>(
    k: &Kernel<F>,
    n: &mut Neurons<'_, F>,
    feed: Feed<'_, F>,
    ready: bool,
) -> usize {
    macro_rules! go {
        ($relax:literal, $refr:literal, $sub:literal) => {
            update::<F, $relax, $refr, $sub>(k, n, feed, ready)
        };
    }
    by_switches!(k, go)
}

/// The neuron loop: one pass over contiguous arrays, branch-free per neuron (selects, no
/// jumps), so it vectorises; the spike flags and counts are updated in the same pass, and
/// the number of spikes returned. The drive of neuron `j` is `offset + gain * I_j` (or the
/// feed's value itself when `ready`). Written out with no closure or helper call in the
/// loop: notebooks may build snn-core with incremental codegen, which does not inline those.
#[inline(always)]
pub(crate) fn update<F: Precision, const RELAX: bool, const REF: bool, const SUB: bool>(
    k: &Kernel<F>,
    neurons: &mut Neurons<'_, F>,
    feed: Feed<'_, F>,
    ready: bool,
) -> usize {
    let n = neurons.v.len();
    let v = &mut *neurons.v;
    let (r, s, c) = (
        &mut neurons.r[..n],
        &mut neurons.s[..n],
        &mut neurons.c[..n],
    );
    let (offset, gain) = (k.offset, k.gain);
    let mut fired = 0u32;
    macro_rules! body {
        ($j:ident, $dj:expr) => {
            for $j in 0..n {
                let spike = neuron_step!(k, RELAX, REF, SUB, v[$j], r[$j], $dj);
                c[$j] = c[$j].wrapping_add(spike as u32);
                s[$j] = spike;
                fired = fired.wrapping_add(spike as u32);
            }
        };
    }
    match feed {
        Feed::Uniform(x) => {
            let d = offset + gain * x;
            body!(j, d);
        }
        Feed::Each(i) => {
            let i = &i[..n];
            if ready {
                body!(j, i[j]);
            } else {
                body!(j, offset + gain * i[j]);
            }
        }
    }
    fired as usize
}
