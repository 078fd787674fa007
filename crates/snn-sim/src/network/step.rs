//! One step of a network over its description and its state (see the
//! [module docs](super) for the order): Poisson arrivals, the neuron update, the propagation
//! of the step's spikes, and plasticity. The description is only read; the state is the only
//! thing written.

use super::description::{NetworkDescription, ProjectionDescription};
use super::state::{GroupState, InputState, NetworkState, ProjState, INPUT_BLOCK};
use super::synapse::Channel;
use crate::error::Result;
use crate::neuron::Kernel;
use crate::Rng64;

/// One step of the network `desc` from `state` (see the [module docs](super)): the only
/// way a state changes as time passes. `parallel` spreads the work of large populations over
/// rayon's threads (same spikes, bit for bit); it needs the `parallel` feature and is
/// ignored without it.
///
/// # Errors
/// A state made for another description (nothing changes).
pub fn step(desc: &NetworkDescription, state: &mut NetworkState, parallel: bool) -> Result<()> {
    state.check(desc)?;
    step_unchecked(desc, state, parallel);
    Ok(())
}

/// [`step`] for a state already checked against `desc`.
pub(super) fn step_unchecked(desc: &NetworkDescription, state: &mut NetworkState, parallel: bool) {
    let t = state.t;
    for (input, d) in state.inputs.iter_mut().zip(&desc.inputs) {
        deliver_input(input, &mut state.groups[d.to().index()], t, parallel);
    }
    for g in &mut state.groups {
        match &mut g.source {
            Some(s) => s.step(t, &mut g.spiked, &mut g.counts),
            None => update_group(g, t, parallel),
        }
    }
    for ((d, p), events) in desc
        .projections
        .iter()
        .zip(&mut state.projs)
        .zip(&mut state.events)
    {
        let (from, to) = (d.from().index(), d.to().index());
        let spiked = std::mem::take(&mut state.groups[from].spiked);
        *events += propagate(d, p, &spiked, &mut state.groups[to], t, parallel);
        state.groups[from].spiked = spiked;
        // Plasticity after the spikes left with the weights of the step.
        if let (Some((s, true)), Some(w)) = (&mut p.stdp, &mut p.weights) {
            let (pre, post) = (&state.groups[from].spiked, &state.groups[to].spiked);
            s.apply(t, pre, post, d.row_starts(), d.target_indices(), w);
        }
    }
    state.t += 1;
}

/// Poisson arrivals (part 1 of a step) of step `t` into this step's slot of their channel.
#[inline(never)]
fn deliver_input(input: &mut InputState, g: &mut GroupState, t: u64, parallel: bool) {
    let c = &mut g.channels[input.channel];
    let n = g.v.len();
    let base = (t % c.slots as u64) as usize * n;
    let slot = &mut c.ring[base..base + n];
    let (count, w) = (&input.count, input.w);
    let fill = |block: &mut [f64], rng: &mut Rng64| {
        for x in block {
            // No branch on a zero count: at a mean of 2 a quarter of the counts are 0, and a
            // mispredicted branch costs more than the add.
            *x += f64::from(count.sample(rng)) * w;
        }
    };
    #[cfg(feature = "parallel")]
    if parallel && n >= 2 * INPUT_BLOCK {
        use rayon::prelude::*;
        slot.par_chunks_mut(INPUT_BLOCK)
            .zip(input.streams.par_iter_mut())
            .for_each(|(block, rng)| fill(block, rng));
        return;
    }
    let _ = parallel;
    // Two blocks at a time, interleaved: their generators are independent chains, so the CPU
    // overlaps them; each block still draws from its own stream in its own order.
    let mut blocks = slot.chunks_mut(INPUT_BLOCK).zip(input.streams.iter_mut());
    loop {
        match (blocks.next(), blocks.next()) {
            (Some((a, ra)), Some((b, rb))) if a.len() == b.len() => {
                for (x, y) in a.iter_mut().zip(b.iter_mut()) {
                    *x += f64::from(count.sample(ra)) * w;
                    *y += f64::from(count.sample(rb)) * w;
                }
            }
            (a, b) => {
                for (block, rng) in a.into_iter().chain(b) {
                    fill(block, rng);
                }
                if blocks.len() == 0 {
                    break;
                }
            }
        }
    }
}

/// Asks the CPU to bring `data` into cache ahead of use (one hint per 64-byte line); a
/// no-op off x86-64.
#[inline]
fn prefetch(data: &[u32]) {
    #[cfg(target_arch = "x86_64")]
    for line in data.chunks(16) {
        // SAFETY: a prefetch is a hint; it reads nothing and cannot fault, and the pointer
        // comes from a live slice.
        unsafe {
            std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(
                line.as_ptr().cast::<i8>(),
            );
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = data;
}

/// Propagation (part 3 of a step): the spikes of step `t` of `p`'s source (`spiked`),
/// written `d.delay` steps ahead into the target's ring (their weights, for per-synapse
/// weights; a count per target, for a shared weight); returns the deliveries.
#[inline(never)]
fn propagate(
    d: &ProjectionDescription,
    p: &ProjState,
    spiked: &[u32],
    g: &mut GroupState,
    t: u64,
    parallel: bool,
) -> u64 {
    if g.source.is_some() {
        // Spike sources take no input.
        return deliveries(d, spiked);
    }
    let n = g.v.len();
    let c = &mut g.channels[p.channel];
    let base = ((t + 1 + d.delay as u64) % c.slots as u64) as usize * n;
    let Some(w) = &p.weights else {
        let counts = &mut c.classes[p.class].1[base..base + n];
        return propagate_counts(d, spiked, counts, parallel);
    };
    let slot = &mut c.ring[base..base + n];
    let count = deliveries(d, spiked);
    #[cfg(feature = "parallel")]
    if parallel && n >= 2 * UPDATE_BLOCK && count >= 4096 {
        use rayon::prelude::*;
        // Each thread owns a contiguous range of targets and takes, from every spike's row
        // (sorted), the part in its range: every target sums its inputs in spike order, so the
        // result is the single-threaded one, bit for bit.
        let size = n.div_ceil(rayon::current_num_threads());
        slot.par_chunks_mut(size).enumerate().for_each(|(r, part)| {
            let (lo, hi) = ((r * size) as u32, (r * size + part.len()) as u32);
            for &i in spiked {
                let row = d.csr.row(i as usize);
                let a = row.partition_point(|&j| j < lo);
                let b = a + row[a..].partition_point(|&j| j < hi);
                let start = d.csr.start[i as usize];
                for (&j, &x) in row[a..b].iter().zip(&w[start + a..start + b]) {
                    part[(j - lo) as usize] += x;
                }
            }
        });
        return count;
    }
    let _ = parallel;
    for &i in spiked {
        let row = d.csr.row(i as usize);
        let start = d.csr.start[i as usize];
        for (&j, &x) in row.iter().zip(&w[start..start + row.len()]) {
            slot[j as usize] += x;
        }
    }
    count
}

/// Deliveries of `spiked` through `p`: the sum of their out-degrees.
fn deliveries(p: &ProjectionDescription, spiked: &[u32]) -> u64 {
    spiked
        .iter()
        .map(|&i| p.csr.row(i as usize).len() as u64)
        .sum()
}

/// Propagation through a projection with one shared weight: each delivery adds 1 to its
/// target's count (the step multiplies by the weight once per target); returns the
/// deliveries.
fn propagate_counts(
    p: &ProjectionDescription,
    spiked: &[u32],
    counts: &mut [u32],
    parallel: bool,
) -> u64 {
    let n = counts.len();
    let count = deliveries(p, spiked);
    #[cfg(feature = "parallel")]
    if parallel && n >= 2 * UPDATE_BLOCK && count >= 4096 {
        use rayon::prelude::*;
        // As in `propagate`: each thread owns a range of targets.
        let size = n.div_ceil(rayon::current_num_threads());
        counts
            .par_chunks_mut(size)
            .enumerate()
            .for_each(|(r, part)| {
                let (lo, hi) = ((r * size) as u32, (r * size + part.len()) as u32);
                for &i in spiked {
                    let row = p.csr.row(i as usize);
                    let a = row.partition_point(|&j| j < lo);
                    let b = a + row[a..].partition_point(|&j| j < hi);
                    for &j in &row[a..b] {
                        part[(j - lo) as usize] += 1;
                    }
                }
            });
        return count;
    }
    let _ = parallel;
    for (m, &i) in spiked.iter().enumerate() {
        // The rows of the spikes are scattered over the synapse array (megabytes, out of
        // cache): fetch the next spike's row while this one is written.
        if let Some(&next) = spiked.get(m + 1) {
            prefetch(p.csr.row(next as usize));
        }
        for &j in p.csr.row(i as usize) {
            debug_assert!((j as usize) < n);
            // SAFETY: every target index of `p.csr` is below the target population's size
            // `n`, checked once when the network was built (`Csr::check_targets`), and
            // `counts` has exactly `n` entries. This is the innermost loop of a network run
            // (one pass per synaptic event); the bounds check cost about a fifth of it. A
            // count cannot overflow: it is at most the target's in-degree, below 2^32.
            unsafe {
                *counts.get_unchecked_mut(j as usize) += 1;
            }
        }
    }
    count
}

/// Update (part 2 of a step): arrivals of this step into the channels' state, then the
/// neuron update of one population.
#[inline(never)]
fn update_group(g: &mut GroupState, t: u64, parallel: bool) {
    let n = g.v.len();
    let k = g.k;
    if !g.dv.is_empty() {
        g.dv.fill(0.0);
    }
    if !g.g.is_empty() {
        g.g.fill(0.0);
        g.ge.fill(0.0);
    }
    for c in &mut g.channels {
        let base = (t % c.slots as u64) as usize * n;
        let slot = &mut c.ring[base..base + n];
        for (w, counts) in &mut c.classes {
            for (x, k) in slot.iter_mut().zip(&mut counts[base..base + n]) {
                *x += f64::from(std::mem::take(k)) * *w;
            }
        }
        match c.channel {
            Channel::Delta => {}
            Channel::Current { .. } => {
                for ((s, x), dv) in c.state.iter_mut().zip(slot.iter_mut()).zip(&mut g.dv) {
                    *s += *x;
                    *x = 0.0;
                    *dv += c.c.gain * *s;
                    *s *= c.c.decay;
                }
            }
            Channel::Conductance { .. } => {
                for (((s, x), gg), ge) in c
                    .state
                    .iter_mut()
                    .zip(slot.iter_mut())
                    .zip(&mut g.g)
                    .zip(&mut g.ge)
                {
                    *s += *x;
                    *x = 0.0;
                    let rg = c.c.gain * *s;
                    *gg += rg;
                    *ge += rg * c.c.e_rev;
                    *s *= c.c.decay;
                }
            }
        }
    }
    let delta: &mut [f64] = match g.delta {
        Some(d) => {
            let c = &mut g.channels[d];
            let base = (t % c.slots as u64) as usize * n;
            &mut c.ring[base..base + n]
        }
        None => &mut [],
    };
    let cells = Cells {
        v: &mut g.v,
        held: &mut g.held,
        counts: &mut g.counts,
        delta,
        g: &g.g,
        ge: &g.ge,
        dv: &g.dv,
    };
    let tau_m = g.tau_m;
    g.spiked.clear();
    #[cfg(feature = "parallel")]
    if parallel && n >= 2 * UPDATE_BLOCK {
        use rayon::prelude::*;
        let blocks = n.div_ceil(UPDATE_BLOCK);
        g.spiked_blocks.resize_with(blocks, Vec::new);
        cells
            .split(UPDATE_BLOCK)
            .into_par_iter()
            .zip(g.spiked_blocks.par_iter_mut())
            .enumerate()
            .for_each(|(b, (c, out))| {
                out.clear();
                update_cells(&k, tau_m, c, b * UPDATE_BLOCK, out);
            });
        for out in &g.spiked_blocks {
            g.spiked.extend_from_slice(out);
        }
        return;
    }
    let _ = parallel;
    update_cells(&k, tau_m, cells, 0, &mut g.spiked);
}

/// Neurons per block of the threaded update.
#[cfg(feature = "parallel")]
const UPDATE_BLOCK: usize = 4096;

/// A run of neurons of one population, and this step's synaptic input to them (`delta`,
/// `g`, `ge`, `dv` are empty when the population has no such channel).
struct Cells<'a> {
    v: &'a mut [f64],
    held: &'a mut [u32],
    counts: &'a mut [u32],
    delta: &'a mut [f64],
    g: &'a [f64],
    ge: &'a [f64],
    dv: &'a [f64],
}

impl<'a> Cells<'a> {
    /// Consecutive runs of `size` neurons.
    #[cfg(feature = "parallel")]
    fn split(self, size: usize) -> Vec<Cells<'a>> {
        let mut out = Vec::new();
        let Cells {
            mut v,
            mut held,
            mut counts,
            mut delta,
            mut g,
            mut ge,
            mut dv,
        } = self;
        fn cut<T>(x: &[T], m: usize) -> (&[T], &[T]) {
            x.split_at(m.min(x.len()))
        }
        fn cut_mut<T>(x: &mut [T], m: usize) -> (&mut [T], &mut [T]) {
            let m = m.min(x.len());
            x.split_at_mut(m)
        }
        while !v.is_empty() {
            let m = size.min(v.len());
            let (v0, v1) = cut_mut(v, m);
            let (h0, h1) = cut_mut(held, m);
            let (c0, c1) = cut_mut(counts, m);
            let (d0, d1) = cut_mut(delta, m);
            let (g0, g1) = cut(g, m);
            let (e0, e1) = cut(ge, m);
            let (s0, s1) = cut(dv, m);
            out.push(Cells {
                v: v0,
                held: h0,
                counts: c0,
                delta: d0,
                g: g0,
                ge: e0,
                dv: s0,
            });
            (v, held, counts, delta, g, ge, dv) = (v1, h1, c1, d1, g1, e1, s1);
        }
        out
    }
}

/// The neuron update of `c` (neuron `offset + i` for its `i`-th entry): each neuron not held
/// takes its jump, relaxes over the step (with its conductance and current input), and
/// spikes, is reset and held if it reaches the firing level; its index goes to `spiked`.
fn update_cells(k: &Kernel<f64>, tau_m: f64, c: Cells<'_>, offset: usize, spiked: &mut Vec<u32>) {
    let n = c.v.len();
    let v_inf = k.offset; // no bias current: V_inf = V_rest
    if c.g.is_empty() && c.dv.is_empty() && c.delta.len() == n {
        // Delta synapses only (Brunel's network): one pass, no per-neuron branches but the
        // hold and the spike.
        for (i, ((v, held), x)) in
            c.v.iter_mut()
                .zip(c.held.iter_mut())
                .zip(c.delta.iter_mut())
                .enumerate()
        {
            let jump = std::mem::take(x);
            if *held > 0 {
                *held -= 1;
                continue;
            }
            let mut u = v_inf + (*v + jump - v_inf) * k.alpha;
            if u >= k.v_fire {
                spiked.push((offset + i) as u32);
                c.counts[i] += 1;
                u = u * k.reset_keep + k.reset_add;
                *held = k.ref_steps;
            }
            *v = u;
        }
        return;
    }
    for i in 0..n {
        let jump = match c.delta.get_mut(i) {
            Some(x) => std::mem::take(x),
            None => 0.0,
        };
        if c.held[i] > 0 {
            c.held[i] -= 1;
            continue;
        }
        let v = c.v[i] + jump;
        let mut v = if c.g.is_empty() {
            v_inf + (v - v_inf) * k.alpha
        } else {
            let lam = 1.0 + c.g[i];
            let inf = (v_inf + c.ge[i]) / lam;
            inf + (v - inf) * (-k.dt * lam / tau_m).exp()
        };
        if let Some(dv) = c.dv.get(i) {
            v += dv;
        }
        if v >= k.v_fire {
            spiked.push((offset + i) as u32);
            c.counts[i] += 1;
            v = v * k.reset_keep + k.reset_add;
            c.held[i] = k.ref_steps;
        }
        c.v[i] = v;
    }
}
