//! Runs on several threads that meet once per minimum delay, as NEST's do.
//!
//! Each thread owns, in every population, one contiguous range of neurons: whole blocks of
//! 1,024 (so each Poisson stream stays with one thread), ranges ascending with the thread,
//! the blocks shared out by their neurons weighted by in-degree; a population of spike
//! sources (one random stream) goes whole to one thread. A spike of step `t` through a
//! projection of delay `d` arrives at step `t + 1 + d`, so with `d_min` the shortest delay
//! no spike of a window of `L = d_min + 1` steps is needed inside it: each thread steps its
//! neurons `L` steps alone, writing its spikes to its outbox, and the threads meet once (a
//! barrier). Then each thread writes every spike of the window, every thread's, into the
//! rings of its own neurons, in the single-threaded order (by step, then projection, then
//! neuron), so every target sums the same numbers in the same order: the same spikes, bit
//! for bit, for any thread count. Outboxes alternate between two buffers, so the next
//! window can start while a slower thread still reads the last one: one meeting per window.
//!
//! Plasticity changes weights every step, which a window would postpone; a network whose
//! plasticity is on runs on one thread.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{RwLock, RwLockReadGuard};

use super::description::NetworkDescription;
use super::record::{NetRecord, Recorder};
use super::state::{ChannelState, GroupState, InputState, NetworkState, ProjState, INPUT_BLOCK};
use super::step::{advance_group, deliver_input, propagate};

/// Longest window when the delays allow more (it bounds the outboxes).
const MAX_WINDOW: usize = 1024;

/// Who owns what in a threaded run of one description.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Plan {
    /// Steps between meetings: the shortest delay plus one.
    pub(super) window: usize,
    /// `ranges[k][p]`: the neurons `lo..hi` of population `p` thread `k` owns.
    pub(super) ranges: Vec<Vec<(usize, usize)>>,
}

impl Plan {
    /// The plan for `threads` threads, or `None` when the run is one thread's: one thread
    /// asked for, plasticity on, or too little work to share (the threads used are at most
    /// the total work over its largest indivisible unit, and over a block of 1,024 neurons).
    pub(super) fn new(
        desc: &NetworkDescription,
        state: &NetworkState,
        threads: usize,
    ) -> Option<Self> {
        if threads < 2
            || state
                .projs
                .iter()
                .any(|p| matches!(p.stdp, Some((_, true))))
        {
            return None;
        }
        // Units of work, in population order: blocks of neurons, or a whole source
        // population; each costs its neurons times (1 + in-degree / 100).
        let mut units: Vec<(usize, usize, usize, f64)> = Vec::new();
        for (p, pop) in desc.populations.iter().enumerate() {
            let into: usize = desc
                .projections
                .iter()
                .filter(|d| d.to().index() == p)
                .map(|d| d.synapses())
                .sum();
            let weight = 1.0 + into as f64 / pop.n.max(1) as f64 / 100.0;
            let block = if pop.source.is_some() {
                pop.n.max(1)
            } else {
                INPUT_BLOCK
            };
            for lo in (0..pop.n).step_by(block) {
                let hi = (lo + block).min(pop.n);
                units.push((p, lo, hi, (hi - lo) as f64 * weight));
            }
        }
        // No more threads than the largest unit (and at least a block of neurons) goes into
        // the total: beyond that a thread waits for the one that holds it, or the meetings
        // cost more than the work between them.
        let total: f64 = units.iter().map(|u| u.3).sum();
        let largest = units.iter().map(|u| u.3).fold(INPUT_BLOCK as f64, f64::max);
        let threads = threads.min((total / largest) as usize);
        if threads < 2 {
            return None;
        }
        let mut ranges = vec![vec![(0, 0); desc.populations.len()]; threads];
        let mut before = 0.0;
        for &(p, lo, hi, cost) in &units {
            let k = (((before + cost / 2.0) / total * threads as f64) as usize).min(threads - 1);
            before += cost;
            let r = &mut ranges[k][p];
            *r = if r.0 == r.1 { (lo, hi) } else { (r.0, hi) };
        }
        // A thread left without work (beside a large population of sources) would only wait.
        ranges.retain(|r| r.iter().any(|&(lo, hi)| hi > lo));
        if ranges.len() < 2 {
            return None;
        }
        let window = desc
            .projections
            .iter()
            .map(|d| d.delay + 1)
            .min()
            .unwrap_or(MAX_WINDOW)
            .min(MAX_WINDOW);
        Some(Self { window, ranges })
    }
    /// Threads the plan uses.
    pub(super) fn threads(&self) -> usize {
        self.ranges.len()
    }
}

/// What one thread owns during a run: its part of every population and of every Poisson
/// input, its share of the deliveries, and the traced neurons it holds.
struct Shard {
    groups: Vec<GroupState>,
    inputs: Vec<InputState>,
    events: Vec<u64>,
    /// For each projection, the part `a..b` of every source's row that lies in this
    /// thread's part of the target (empty: whole rows, or nothing to write).
    cuts: Vec<Vec<(u32, u32)>>,
    /// `(population, index in its part)` of each traced neuron held here, in record order.
    traces: Vec<(usize, usize)>,
}

/// The spikes (global neuron indices) of every step of one window and population of one
/// thread, and the traced potentials after each step.
#[derive(Debug, Default)]
struct Outbox {
    spikes: Vec<u32>,
    /// End in `spikes` of each `(step, population)`, step-major.
    ends: Vec<usize>,
    v: Vec<f64>,
}

impl Outbox {
    fn spikes_of(&self, step: usize, pop: usize, pops: usize) -> &[u32] {
        let k = step * pops + pop;
        let a = if k == 0 { 0 } else { self.ends[k - 1] };
        &self.spikes[a..self.ends[k]]
    }
    fn clear(&mut self) {
        self.spikes.clear();
        self.ends.clear();
        self.v.clear();
    }
}

/// A barrier that spins briefly, then yields: a meeting costs well under a microsecond when
/// the threads arrive together. If a thread dies, the others stop waiting and fail too.
struct Barrier {
    n: usize,
    arrived: AtomicUsize,
    round: AtomicUsize,
    broken: AtomicBool,
}

impl Barrier {
    fn new(n: usize) -> Self {
        Self {
            n,
            arrived: AtomicUsize::new(0),
            round: AtomicUsize::new(0),
            broken: AtomicBool::new(false),
        }
    }
    fn wait(&self) {
        let round = self.round.load(Ordering::Acquire);
        if self.arrived.fetch_add(1, Ordering::AcqRel) + 1 == self.n {
            // Reset before the release, so the next round counts from zero.
            self.arrived.store(0, Ordering::Relaxed);
            self.round.fetch_add(1, Ordering::Release);
            return;
        }
        let mut spins = 0u32;
        while self.round.load(Ordering::Acquire) == round {
            assert!(
                !self.broken.load(Ordering::Relaxed),
                "another thread of the network run failed"
            );
            if spins < 4096 {
                spins += 1;
                std::hint::spin_loop();
            } else {
                std::thread::yield_now();
            }
        }
    }
}

/// Marks the barrier broken if its thread unwinds, so no other thread waits forever.
struct Breaker<'a>(&'a Barrier);

impl Drop for Breaker<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.0.broken.store(true, Ordering::Relaxed);
        }
    }
}

/// What every thread reads during a run.
struct Shared<'a> {
    desc: &'a NetworkDescription,
    projs: &'a [ProjState],
    outboxes: Vec<[RwLock<Outbox>; 2]>,
    barrier: Barrier,
    t0: u64,
    steps: usize,
    window: usize,
    /// For each traced neuron (record order): the thread holding it and its place among
    /// that thread's traces; and how many each thread holds.
    trace_owner: Vec<(usize, usize)>,
    traced: Vec<usize>,
}

/// Runs `steps` steps of `state` on the threads of `plan`, recording into `rec`; the state
/// afterwards is exactly the one-thread run's.
pub(super) fn run(
    desc: &NetworkDescription,
    state: &mut NetworkState,
    plan: &Plan,
    steps: usize,
    record: &NetRecord,
    rec: &mut Recorder<'_>,
) {
    let mut shards: Vec<Shard> = plan
        .ranges
        .iter()
        .map(|r| split(desc, state, r, record))
        .collect();
    let mut trace_owner = Vec::with_capacity(record.traces.len());
    let mut traced = vec![0; shards.len()];
    for (pop, i) in &record.traces {
        let k = plan
            .ranges
            .iter()
            .position(|r| (r[pop.index()].0..r[pop.index()].1).contains(i))
            .expect("every neuron has an owner");
        trace_owner.push((k, traced[k]));
        traced[k] += 1;
    }
    let shared = Shared {
        desc,
        projs: &state.projs,
        outboxes: (0..shards.len()).map(|_| Default::default()).collect(),
        barrier: Barrier::new(shards.len()),
        t0: state.t,
        steps,
        window: plan.window,
        trace_owner,
        traced,
    };
    std::thread::scope(|scope| {
        let (first, rest) = shards.split_first_mut().expect("at least two threads");
        let handles: Vec<_> = rest
            .iter_mut()
            .enumerate()
            .map(|(k, shard)| {
                let shared = &shared;
                scope.spawn(move || work(shared, k + 1, shard, None))
            })
            .collect();
        work(&shared, 0, first, Some(rec));
        for h in handles {
            if let Err(e) = h.join() {
                std::panic::resume_unwind(e);
            }
        }
    });
    drop(shared);
    for g in &mut state.groups {
        g.spiked.clear();
    }
    for (shard, r) in shards.into_iter().zip(&plan.ranges) {
        join(desc, state, shard, r);
    }
    state.t += steps as u64;
}

/// The loop of thread `k`: windows of stepping alone, then a meeting, then the exchange.
fn work(s: &Shared<'_>, k: usize, shard: &mut Shard, mut rec: Option<&mut Recorder<'_>>) {
    let _breaker = Breaker(&s.barrier);
    shard.cuts = cuts(s.desc, &shard.groups);
    let pops = s.desc.populations.len();
    let mut boxes: Vec<RwLockReadGuard<'_, Outbox>> = Vec::with_capacity(s.outboxes.len());
    let mut done = 0;
    let mut w = 0;
    while done < s.steps {
        let len = s.window.min(s.steps - done);
        let t0 = s.t0 + done as u64;
        {
            let mut out = s.outboxes[k][w % 2].write().expect("outbox lock");
            out.clear();
            for t in t0..t0 + len as u64 {
                for (input, d) in shard.inputs.iter_mut().zip(&s.desc.inputs) {
                    deliver_input(input, &mut shard.groups[d.to().index()], t);
                }
                for g in &mut shard.groups {
                    advance_group(g, t);
                    out.spikes.extend_from_slice(&g.spiked);
                    let end = out.spikes.len();
                    out.ends.push(end);
                }
                for &(p, i) in &shard.traces {
                    let v = shard.groups[p].v[i];
                    out.v.push(v);
                }
            }
        }
        s.barrier.wait();
        boxes.extend(
            s.outboxes
                .iter()
                .map(|o| o[w % 2].read().expect("outbox lock")),
        );
        for step in 0..len {
            let t = t0 + step as u64;
            for (j, d) in s.desc.projections.iter().enumerate() {
                let (from, to) = (d.from().index(), d.to().index());
                for out in &boxes {
                    let spiked = out.spikes_of(step, from, pops);
                    let (p, g) = (&s.projs[j], &mut shard.groups[to]);
                    shard.events[j] += propagate(d, p, spiked, g, t, &shard.cuts[j]);
                }
            }
        }
        if let Some(rec) = rec.as_deref_mut() {
            for step in 0..len {
                rec.begin((done + step) as u32);
                for p in 0..pops {
                    for out in &boxes {
                        rec.spikes(p, out.spikes_of(step, p, pops));
                    }
                }
                for (m, &(owner, place)) in s.trace_owner.iter().enumerate() {
                    rec.trace(m, boxes[owner].v[step * s.traced[owner] + place]);
                }
            }
        }
        boxes.clear();
        done += len;
        w += 1;
    }
}

/// Where every source's row of every projection enters and leaves this thread's part of
/// the target (found once per run, by bisection of the sorted rows), so the exchange reads
/// only its part of each row.
fn cuts(desc: &NetworkDescription, groups: &[GroupState]) -> Vec<Vec<(u32, u32)>> {
    desc.projections
        .iter()
        .map(|d| {
            let g = &groups[d.to().index()];
            if g.n() == 0 || g.n() == g.of {
                return Vec::new();
            }
            let (lo, hi) = (g.first as u32, (g.first + g.n()) as u32);
            (0..d.sources())
                .map(|i| {
                    let row = d.csr.row(i);
                    let a = row.partition_point(|&j| j < lo);
                    let b = a + row[a..].partition_point(|&j| j < hi);
                    (a as u32, b as u32)
                })
                .collect()
        })
        .collect()
}

/// The part of `state` a thread with `ranges` owns (copied out; spike sources moved).
fn split(
    desc: &NetworkDescription,
    state: &mut NetworkState,
    ranges: &[(usize, usize)],
    record: &NetRecord,
) -> Shard {
    let groups = state
        .groups
        .iter_mut()
        .zip(ranges)
        .map(|(g, &(lo, hi))| part(g, lo, hi))
        .collect();
    let inputs = state
        .inputs
        .iter()
        .zip(&desc.inputs)
        .map(|(input, d)| {
            let (lo, hi) = ranges[d.to().index()];
            InputState {
                channel: input.channel,
                w: input.w,
                count: input.count.clone(),
                streams: input.streams[lo / INPUT_BLOCK..hi.div_ceil(INPUT_BLOCK)].to_vec(),
            }
        })
        .collect();
    let traces = record
        .traces
        .iter()
        .filter_map(|(pop, i)| {
            let (lo, hi) = ranges[pop.index()];
            (lo..hi).contains(i).then(|| (pop.index(), i - lo))
        })
        .collect();
    Shard {
        groups,
        inputs,
        events: vec![0; desc.projections.len()],
        cuts: Vec::new(),
        traces,
    }
}

/// Neurons `lo..hi` of `g` as a population of their own (first neuron `lo`); a spike
/// source's state moves to the part that has the whole population.
fn part(g: &mut GroupState, lo: usize, hi: usize) -> GroupState {
    let n = g.n();
    let whole = lo == 0 && hi == n;
    let cut = |x: &[f64]| {
        if x.is_empty() {
            Vec::new()
        } else {
            x[lo..hi].to_vec()
        }
    };
    let rows = |x: &[f64], slots: usize| -> Vec<f64> {
        (0..slots)
            .flat_map(|s| &x[s * n + lo..s * n + hi])
            .copied()
            .collect()
    };
    let source = if whole { g.source.take() } else { None };
    let cells = if source.is_some() || g.v.is_empty() {
        0..0
    } else {
        lo..hi
    };
    GroupState {
        k: g.k,
        tau_m: g.tau_m,
        v: g.v[cells.clone()].to_vec(),
        held: g.held[cells].to_vec(),
        counts: g.counts[lo..hi].to_vec(),
        spiked: Vec::with_capacity(hi - lo),
        first: lo,
        of: n,
        channels: g
            .channels
            .iter()
            .map(|c| ChannelState {
                channel: c.channel,
                c: c.c,
                slots: c.slots,
                ring: rows(&c.ring, c.slots),
                classes: c
                    .classes
                    .iter()
                    .map(|(w, k)| {
                        let k = (0..c.slots)
                            .flat_map(|s| &k[s * n + lo..s * n + hi])
                            .copied()
                            .collect();
                        (*w, k)
                    })
                    .collect(),
                state: cut(&c.state),
            })
            .collect(),
        delta: g.delta,
        dv: vec![0.0; if g.dv.is_empty() { 0 } else { hi - lo }],
        g: vec![0.0; if g.g.is_empty() { 0 } else { hi - lo }],
        ge: vec![0.0; if g.ge.is_empty() { 0 } else { hi - lo }],
        source,
    }
}

/// Puts a thread's part back into `state`. Called in thread order, after the last step's
/// spike lists were cleared: each part appends its own, so they end ascending.
fn join(
    desc: &NetworkDescription,
    state: &mut NetworkState,
    shard: Shard,
    ranges: &[(usize, usize)],
) {
    for (e, part) in state.events.iter_mut().zip(&shard.events) {
        *e += part;
    }
    for ((input, part), d) in state.inputs.iter_mut().zip(shard.inputs).zip(&desc.inputs) {
        let first = ranges[d.to().index()].0 / INPUT_BLOCK;
        input.streams[first..first + part.streams.len()].clone_from_slice(&part.streams);
    }
    for ((g, p), &(lo, hi)) in state.groups.iter_mut().zip(shard.groups).zip(ranges) {
        g.spiked.extend_from_slice(&p.spiked);
        if p.source.is_some() {
            g.source = p.source;
        }
        let (n, m) = (g.n(), hi - lo);
        if m == 0 {
            continue;
        }
        if !g.v.is_empty() {
            g.v[lo..hi].copy_from_slice(&p.v);
            g.held[lo..hi].copy_from_slice(&p.held);
        }
        g.counts[lo..hi].copy_from_slice(&p.counts);
        for (c, pc) in g.channels.iter_mut().zip(&p.channels) {
            for s in 0..c.slots {
                c.ring[s * n + lo..s * n + hi].copy_from_slice(&pc.ring[s * m..(s + 1) * m]);
                for ((_, k), (_, pk)) in c.classes.iter_mut().zip(&pc.classes) {
                    k[s * n + lo..s * n + hi].copy_from_slice(&pk[s * m..(s + 1) * m]);
                }
            }
            if !c.state.is_empty() {
                c.state[lo..hi].copy_from_slice(&pc.state);
            }
        }
    }
}
