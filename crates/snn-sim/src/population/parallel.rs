//! Threads: blocks of neurons spread over rayon's pool, with exactly the spikes of one thread.

use super::*;
use rayon::prelude::*;

/// A whole run, blocks spread over the threads; writes each neuron's spikes in this run to
/// `counts` and returns the spike events of every block (block order, each in time order).
///
/// How the time is kept for the neurons (measured on 2 and 16 cores; see docs/performance.md's scaling
/// table):
/// - The calling thread works too, beside one helper per other pool thread, so the run does
///   not wait for a sleeping thread to wake before starting, nor does the caller sleep
///   through it and need waking at the end.
/// - Every thread takes the next untaken block from a shared counter until none is left, so
///   threads that wake late simply take fewer blocks.
/// - Blocks are at most [`BLOCK`] neurons, and smaller when that would leave fewer than
///   [`TASKS_PER_THREAD`] per thread, so that the threads finish together: 100,000 neurons
///   in 1,024-neuron blocks over 16 threads would leave some threads 7 blocks and others 6.
/// - Each block writes its own counts ([`run_block_counting`]): nothing O(N) is left to
///   one thread after the run.
pub(crate) fn run_blocks<F: Precision>(
    job: &Job<'_, F>,
    n: Neurons<'_, F>,
    counts: &mut [u32],
    record: bool,
) -> Vec<(u32, u32)> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Mutex;
    let size = block_size(n.len(), rayon::current_num_threads());
    // One slot per block, each taken once (the counter hands every index out once; the
    // lock only lets a `&mut` cross threads safely and is never contended).
    type Slot<'s, F> = Mutex<Option<(Neurons<'s, F>, &'s mut [u32])>>;
    let slots: Vec<Slot<'_, F>> = n
        .blocks(size)
        .zip(counts.chunks_mut(size))
        .map(|t| Mutex::new(Some(t)))
        .collect();
    let next = AtomicUsize::new(0);
    let found = Mutex::new(Vec::new());
    let work = || {
        let mut mine = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(slot) = slots.get(i) else { break };
            let task = match slot.lock() {
                Ok(mut g) => g.take(),
                Err(poisoned) => poisoned.into_inner().take(),
            };
            if let Some((block, out)) = task {
                let mut events = Vec::new();
                run_block_counting(job, block, out, record.then_some(&mut events), &mut None);
                if record {
                    mine.push((i, events));
                }
            }
        }
        match found.lock() {
            Ok(mut g) => g.extend(mine),
            Err(poisoned) => poisoned.into_inner().extend(mine),
        }
    };
    let helpers = rayon::current_num_threads() - 1;
    rayon::in_place_scope(|s| {
        for _ in 0..helpers {
            s.spawn(|_| work());
        }
        work();
    });
    let found = match found.into_inner() {
        Ok(f) => f,
        Err(poisoned) => poisoned.into_inner(),
    };
    if !record {
        return Vec::new();
    }
    let mut parts: Vec<(usize, Vec<(u32, u32)>)> = found;
    parts.sort_unstable_by_key(|p| p.0);
    parts.into_iter().flat_map(|p| p.1).collect()
}

/// Blocks per thread that [`run_blocks`] aims for at least.
pub(crate) const TASKS_PER_THREAD: usize = 16;

/// Neurons per block for `n` neurons over `threads`: [`BLOCK`], or fewer (a multiple of 64,
/// a whole number of register lane groups) to give every thread [`TASKS_PER_THREAD`] blocks.
pub(crate) fn block_size(n: usize, threads: usize) -> usize {
    let want = n.div_ceil(threads.max(1) * TASKS_PER_THREAD);
    want.next_multiple_of(64).clamp(64, BLOCK)
}

/// One step over contiguous chunks, one or more per thread.
pub(crate) fn advance<F: Precision>(k: &Kernel<F>, n: Neurons<'_, F>, feed: Feed<'_, F>) -> usize {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_are_whole_lane_groups_and_enough_per_thread() {
        // 100,000 neurons on 16 threads: 448-neuron blocks, 224 of them (14 per thread).
        assert_eq!(block_size(100_000, 16), 448);
        assert_eq!(block_size(16_000_000, 16), BLOCK);
        assert_eq!(block_size(65_536, 2), BLOCK);
        assert_eq!(block_size(65_536, 64), 64);
        for n in [1, 63, 64, 65_536, 100_000, 1 << 20, 16_000_000] {
            for threads in [1, 2, 3, 7, 16, 64, 1000] {
                let size = block_size(n, threads);
                assert!(
                    size.is_multiple_of(64) && (64..=BLOCK).contains(&size),
                    "{n} {threads}"
                );
                let blocks = n.div_ceil(size);
                // At least half the blocks per thread asked for (rounding up to a lane group
                // at most doubles a block), unless blocks are already one lane group long, or
                // BLOCK long (a large population).
                assert!(
                    2 * blocks >= threads * TASKS_PER_THREAD || size == 64 || size == BLOCK,
                    "{n} {threads}"
                );
            }
        }
    }
}
