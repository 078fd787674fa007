//! Threads: blocks of neurons spread over rayon's pool, with exactly the spikes of one thread.

use super::*;
use rayon::prelude::*;

/// A whole run, blocks spread over the threads; returns the spike events of every block.
pub(crate) fn run_blocks<F: Real>(
    job: &Job<'_, F>,
    n: Neurons<'_, F>,
    record: bool,
) -> Vec<(u32, u32)> {
    let Neurons { lo, v, r, s, c } = n;
    let parts: Vec<Vec<(u32, u32)>> = v
        .par_chunks_mut(BLOCK)
        .zip(r.par_chunks_mut(BLOCK))
        .zip(s.par_chunks_mut(BLOCK))
        .zip(c.par_chunks_mut(BLOCK))
        .enumerate()
        .map(|(b, (((v, r), s), c))| {
            let mut events = Vec::new();
            let block = Neurons {
                lo: lo + b * BLOCK,
                v,
                r,
                s,
                c,
            };
            run_block_best(job, block, record.then_some(&mut events), &mut None);
            events
        })
        .collect();
    parts.concat()
}

/// One step over contiguous chunks, one or more per thread.
pub(crate) fn advance<F: Real>(k: &Kernel<F>, n: Neurons<'_, F>, feed: Feed<'_, F>) -> usize {
    let Neurons { lo, v, r, s, c } = n;
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
            let mut block = Neurons {
                lo: lo + ci * chunk,
                v,
                r,
                s,
                c,
            };
            dispatch(k, &mut block, part)
        })
        .sum()
}
