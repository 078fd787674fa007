//! Temporal blocking: a block of neurons stays in the L1 cache while it is stepped through the whole run.

use super::*;

/// Neurons per block in [`Population::run`]'s temporal blocking: the state of a block fits
/// in the L1 cache while it is stepped through the whole run.
pub(crate) const BLOCK: usize = 1024;

/// Steps one block of neurons through the whole run: spike events go to `events` when
/// given, and traced neurons' potentials and inputs to `traces`. A constant per-neuron drive
/// is turned into `offset + gain * I` once, not every step.
pub(crate) fn run_block<F: Precision>(
    job: &Job<'_, F>,
    mut n: Neurons<'_, F>,
    mut events: Option<&mut Vec<(u32, u32)>>,
    traces: &mut Option<(&mut [Trace<F>], &[usize])>,
) {
    let (k, drive) = (job.k, &job.drive);
    let (lo, hi) = (n.lo, n.lo + n.len());
    let mut pre = [F::zero(); BLOCK];
    let constant = if let Source::PerNeuron(i) = drive {
        for (p, &x) in pre.iter_mut().zip(&i[lo..hi]) {
            *p = k.offset + k.gain * x;
        }
        true
    } else {
        false
    };
    // Traced neurons' potentials before each step, to recover the value a spike crossed at.
    let mut before: Vec<F> = match traces {
        Some((_, mine)) => vec![F::zero(); mine.len()],
        None => Vec::new(),
    };
    for step in 0..job.steps {
        if let Some((traces, mine)) = traces {
            for (b, &t) in before.iter_mut().zip(mine.iter()) {
                let j = traces[t].neuron - lo;
                *b = n.v[j];
            }
        }
        let fired = if constant {
            dispatch_drive(k, &mut n, Feed::Each(&pre[..hi - lo]), true)
        } else {
            dispatch_drive(k, &mut n, feed_at(drive, step, lo, hi), false)
        };
        if fired > 0 {
            if let Some(events) = events.as_deref_mut() {
                push_events(events, n.s, lo, step);
            }
        }
        if let Some((traces, mine)) = traces {
            for (&v_before, &t) in before.iter().zip(mine.iter()) {
                let j = traces[t].neuron;
                let input = input_at(drive, step, j);
                if n.s[j - lo] {
                    let crossed = k.unreset(v_before, input);
                    traces[t].crossings.push((step as u32, crossed));
                }
                traces[t].v.push(n.v[j - lo]);
                traces[t].input.push(input);
            }
        }
    }
}

/// One block through the whole run, by the fastest loop that applies: the register-resident
/// lanes loop when nothing is recorded per step, compiled for AVX2 (chosen at run time on
/// x86-64) or for the target's baseline elsewhere; otherwise [`run_block`]. FMA is
/// deliberately not enabled: fused multiply-adds round differently, and the same parameters
/// must give the same spikes on every machine (and on both paths).
pub(crate) fn run_block_best<F: Precision>(
    job: &Job<'_, F>,
    mut n: Neurons<'_, F>,
    events: Option<&mut Vec<(u32, u32)>>,
    traces: &mut Option<(&mut [Trace<F>], &[usize])>,
) {
    if events.is_none() && traces.is_none() && F::run_lanes(job, &mut n) {
        return;
    }
    run_block(job, n, events, traces);
}

/// [`run_block_best`], writing to `out` each neuron's spikes in this run (its count after
/// minus before, wrapping like the counts), so a run's counts need no pass over the whole
/// population outside the blocks (which would not be spread over the threads).
pub(crate) fn run_block_counting<F: Precision>(
    job: &Job<'_, F>,
    mut n: Neurons<'_, F>,
    out: &mut [u32],
    events: Option<&mut Vec<(u32, u32)>>,
    traces: &mut Option<(&mut [Trace<F>], &[usize])>,
) {
    debug_assert!(n.len() <= BLOCK && out.len() == n.len());
    let len = n.len().min(BLOCK);
    let mut before = [0u32; BLOCK];
    before[..len].copy_from_slice(&n.c[..len]);
    run_block_best(job, n.reborrow(), events, traces);
    for ((o, &after), &b) in out.iter_mut().zip(n.c.iter()).zip(&before[..len]) {
        *o = after.wrapping_sub(b);
    }
}

/// Appends `(neuron, step)` for every flag set in a block starting at neuron `lo`.
pub(crate) fn push_events(events: &mut Vec<(u32, u32)>, spiked: &[bool], lo: usize, step: usize) {
    for (j, &f) in spiked.iter().enumerate() {
        if f {
            events.push(((lo + j) as u32, step as u32));
        }
    }
}
