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
/// way a state changes as time passes. (A run on several threads,
/// [`Network::set_threads`](super::Network::set_threads), takes a minimum delay's steps at
/// a time; one step is always one thread's.)
///
/// # Errors
/// A state made for another description (nothing changes).
pub fn step(desc: &NetworkDescription, state: &mut NetworkState) -> Result<()> {
    state.check(desc)?;
    step_unchecked(desc, state);
    Ok(())
}

/// [`step`] for a state already checked against `desc`.
pub(super) fn step_unchecked(desc: &NetworkDescription, state: &mut NetworkState) {
    let t = state.t;
    for (input, d) in state.inputs.iter_mut().zip(&desc.inputs) {
        deliver_input(input, &mut state.groups[d.to().index()], t);
    }
    for g in &mut state.groups {
        advance_group(g, t);
    }
    for (k, d) in desc.projections.iter().enumerate() {
        let (from, to) = (d.from().index(), d.to().index());
        let spiked = std::mem::take(&mut state.groups[from].spiked);
        let p = &mut state.projs[k];
        state.events[k] += propagate(d, p, &spiked, &mut state.groups[to], t, &[]);
        state.groups[from].spiked = spiked;
        // Plasticity after the spikes left with the weights of the step.
        if let (Some((s, true)), Some(w)) = (&mut p.stdp, &mut p.weights) {
            let (pre, post) = (&state.groups[from].spiked, &state.groups[to].spiked);
            s.apply(t, pre, post, d.row_starts(), d.target_indices(), w);
        }
    }
    state.t += 1;
}

/// Part 2 of step `t` for one population (or the part of it a thread owns): its spike
/// source draws, or its neurons update.
pub(super) fn advance_group(g: &mut GroupState, t: u64) {
    match &mut g.source {
        Some(s) => s.step(t, &mut g.spiked, &mut g.counts),
        None => update_group(g, t),
    }
}

/// Poisson arrivals (part 1 of a step) of step `t` into this step's slot of their channel.
#[inline(never)]
pub(super) fn deliver_input(input: &mut InputState, g: &mut GroupState, t: u64) {
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
/// weights; a count per target, for a shared weight); returns the deliveries. `g` may be the
/// part of the target population one thread owns (neurons `g.first..g.first + n`), with
/// `cuts[i]` the part `a..b` of source `i`'s row (sorted) that lies in it; empty `cuts`
/// means whole rows. Every target still sums its inputs in spike order, so the rings are
/// the single-threaded ones, bit for bit.
#[inline(never)]
pub(super) fn propagate(
    d: &ProjectionDescription,
    p: &ProjState,
    spiked: &[u32],
    g: &mut GroupState,
    t: u64,
    cuts: &[(u32, u32)],
) -> u64 {
    let n = g.n();
    if n == 0 {
        return 0;
    }
    let lo = g.first as u32;
    let cut = |i: u32| {
        let row = d.csr.row(i as usize);
        let (a, b) = match cuts.get(i as usize) {
            Some(&(a, b)) => (a as usize, b as usize),
            None => (0, row.len()),
        };
        (d.csr.start[i as usize] + a, &row[a..b])
    };
    if g.source.is_some() {
        // Spike sources take no input.
        return spiked.iter().map(|&i| cut(i).1.len() as u64).sum();
    }
    let c = &mut g.channels[p.channel];
    let base = ((t + 1 + d.delay as u64) % c.slots as u64) as usize * n;
    let mut count = 0;
    let Some(w) = &p.weights else {
        let counts = &mut c.classes[p.class].1[base..base + n];
        // A thread's part of a row is a few cache lines, written in far less time than a
        // fetch from memory takes: fetch four spikes ahead then, one ahead for whole rows.
        let ahead = if cuts.is_empty() { 1 } else { 4 };
        for (m, &i) in spiked.iter().enumerate() {
            // The rows of the spikes are scattered over the synapse array (megabytes, out of
            // cache): fetch a coming spike's row while this one is written.
            if let Some(&next) = spiked.get(m + ahead) {
                prefetch(cut(next).1);
            }
            let row = cut(i).1;
            count += row.len() as u64;
            for &j in row {
                let j = (j - lo) as usize;
                debug_assert!(j < n);
                // SAFETY: every target index of `d.csr` is below the target population's
                // size, checked once when the network was built (`Csr::check_targets`); the
                // row was cut to `lo..lo + n`, and `counts` has exactly `n` entries. This is
                // the innermost loop of a network run (one pass per synaptic event); the
                // bounds check cost about a fifth of it. A count cannot overflow: it is at
                // most the target's in-degree, below 2^32.
                unsafe {
                    *counts.get_unchecked_mut(j) += 1;
                }
            }
        }
        return count;
    };
    let slot = &mut c.ring[base..base + n];
    for &i in spiked {
        let (start, row) = cut(i);
        count += row.len() as u64;
        for (&j, &x) in row.iter().zip(&w[start..start + row.len()]) {
            slot[(j - lo) as usize] += x;
        }
    }
    count
}

/// Update (part 2 of a step): arrivals of this step into the channels' state, then the
/// neuron update of one population.
#[inline(never)]
fn update_group(g: &mut GroupState, t: u64) {
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
    update_cells(&k, tau_m, cells, g.first, &mut g.spiked);
}

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
