//! Threads: blocks of neurons spread over rayon's pool, with exactly the spikes of one thread.

use super::*;
use rayon::prelude::*;

/// A whole run, blocks spread over the threads; returns the spike events of every block.
#[allow(clippy::too_many_arguments)]
pub(crate) fn run_blocks<F: Real>(
    k: &Kernel<F>,
    v: &mut [F],
    r: &mut [u32],
    s: &mut [bool],
    c: &mut [u32],
    steps: usize,
    drive: Source<'_, F>,
    record: bool,
) -> Vec<(u32, u32)> {
    let parts: Vec<Vec<(u32, u32)>> = v
        .par_chunks_mut(BLOCK)
        .zip(r.par_chunks_mut(BLOCK))
        .zip(s.par_chunks_mut(BLOCK))
        .zip(c.par_chunks_mut(BLOCK))
        .enumerate()
        .map(|(b, (((v, r), s), c))| {
            let mut events = Vec::new();
            run_block_best(
                k,
                b * BLOCK,
                v,
                r,
                s,
                c,
                steps,
                &drive,
                record,
                &mut events,
                &mut None,
            );
            events
        })
        .collect();
    parts.concat()
}

/// One step over contiguous chunks, one or more per thread.
pub(crate) fn advance<F: Real>(
    k: &Kernel<F>,
    v: &mut [F],
    r: &mut [u32],
    s: &mut [bool],
    c: &mut [u32],
    feed: Feed<'_, F>,
) -> usize {
    let chunk = v.len().div_ceil(rayon::current_num_threads()).max(4096);
    v.par_chunks_mut(chunk)
        .zip(r.par_chunks_mut(chunk))
        .zip(s.par_chunks_mut(chunk))
        .zip(c.par_chunks_mut(chunk))
        .enumerate()
        .map(|(ci, (((v, r), s), c))| {
            let part = match feed {
                Feed::Uniform(x) => Feed::Uniform(x),
                Feed::Each(i) => Feed::Each(&i[ci * chunk..ci * chunk + v.len()]),
            };
            dispatch(k, v, r, s, c, part)
        })
        .sum()
}
