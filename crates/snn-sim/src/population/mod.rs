//! Populations: N neurons of one model stepped together over contiguous arrays.
//!
//! The state (potential `v`, refractory counters, last step's spikes) lives in plain `Vec`s;
//! the step is one pass over them, allocation-free, and the same code path serves one neuron
//! and a hundred thousand.

use ndarray::ArrayView2;

use crate::error::{bounded, fits, Result, SnnError, MAX_MAGNITUDE};
use crate::neuron::{Kernel, Model};

use crate::real::Real;

/// One neuron's update, shared by the two neuron loops ([`update`] and [`lanes`]); a macro,
/// not a function, so nothing in the loops depends on inlining (incremental builds, as
/// notebooks make, do not inline across codegen units). Updates `$v` and `$r` in place and
/// evaluates to whether the neuron spiked. `$relax`, `$refr`, `$sub` are the const generics
/// of the calling loop; `$k` is the [`Kernel`]; `$dj` the drive. The threshold test is
/// always `V' >= v_fire` (see [`Kernel`]), so both crossing rules share one loop.
macro_rules! neuron_step {
    ($k:expr, $relax:ident, $refr:ident, $sub:ident, $v:expr, $r:expr, $dj:expr) => {{
        let dj = $dj;
        let vj = $v;
        let mut next = if $relax {
            dj + (vj - dj) * $k.alpha
        } else {
            vj * $k.alpha + dj
        };
        let mut left = 0;
        let mut held = false;
        if $refr {
            // A held neuron keeps the value its reset gave it and cannot spike (Brian2's
            // `(unless refractory)`): V_reset for a hard reset, below the firing level by
            // construction (`Population::new` checks it in F), so the comparison alone keeps
            // it silent; V' - (V_th - V_reset) for a soft reset, which may lie above the
            // firing level, so there the spike is masked.
            held = $r > 0;
            next = if held {
                if $sub {
                    vj
                } else {
                    $k.v_hold
                }
            } else {
                next
            };
            // Wrapping: overflow checks (on in notebooks) would add a branch.
            left = $r.wrapping_sub(held as u32);
        }
        let spike = if $sub && $refr {
            (next >= $k.v_fire) & !held
        } else {
            next >= $k.v_fire
        };
        let after = if $sub {
            next + $k.reset_add
        } else {
            $k.reset_add
        };
        $v = if spike { after } else { next };
        if $refr {
            $r = if spike { $k.ref_steps } else { left };
        }
        spike
    }};
}

/// Calls `$go!(relax, refr, sub)` with the kernel's three loop switches as literals: each
/// combination is its own monomorphised loop, chosen once per call, outside the neuron loop.
macro_rules! by_switches {
    ($k:expr, $go:ident) => {{
        let k = $k;
        let sub = k.reset_keep != F::zero();
        match (k.relax, k.ref_steps > 0, sub) {
            (true, true, true) => $go!(true, true, true),
            (true, true, false) => $go!(true, true, false),
            (true, false, true) => $go!(true, false, true),
            (true, false, false) => $go!(true, false, false),
            (false, true, true) => $go!(false, true, true),
            (false, true, false) => $go!(false, true, false),
            (false, false, true) => $go!(false, false, true),
            (false, false, false) => $go!(false, false, false),
        }
    }};
}

mod block;
mod drive;
mod lanes;
#[cfg(feature = "parallel")]
mod parallel;
mod precision;
mod result;
mod state;
mod update;

use block::*;
pub(crate) use drive::{feed_at, input_at, Feed};
pub use drive::{Drive, Input, Source};
pub(crate) use lanes::{run_lanes_best, LANE_BYTES};
pub use precision::Precision;
pub use result::{Record, SimResult, SpikeTrains, Trace};
#[doc(hidden)]
pub use state::{Job, Neurons};
use update::*;

/// N neurons of one model: the validated per-step constants and the state arrays.
///
/// # Examples
/// ```
/// use snn_sim::{LifParams, Population, Drive, Record};
/// let p = LifParams::builder().build()?;
/// let mut pop = Population::<f32>::new(&p, 3)?;
/// let out = pop.run(10_000, Drive::PerNeuron(&[1.0, 2.0, 3.0]), &Record::counts())?;
/// assert_eq!(out.counts()[0], 0);          // below rheobase (1.5 nA)
/// assert!(out.counts()[2] > out.counts()[1]); // more current, more spikes
/// # Ok::<(), snn_sim::SnnError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Population<F: Precision> {
    k: Kernel<F>,
    v: Vec<F>,
    refr: Vec<u32>,
    spiked: Vec<bool>,
    counts: Vec<u32>,
    steps_done: u64,
    #[cfg(feature = "parallel")]
    parallel: bool,
}

impl<F: Precision> Population<F> {
    /// `n` neurons of `model`, all at the model's initial potential.
    ///
    /// # Errors
    /// [`SnnError::Zero`] for `n == 0`; [`SnnError::TooLarge`] when the state would exceed
    /// [`MAX_BYTES`](crate::MAX_BYTES).
    pub fn new<M: Model>(model: &M, n: usize) -> Result<Self> {
        crate::param::NEURONS.check_count(n)?;
        fits("neurons", n, std::mem::size_of::<F>() + 9)?;
        let k = model.kernel::<F>();
        // The reset must bring a neuron at the firing level below it in F, or it would fire
        // on every step (e.g. v_th = -50 and v_reset = -50.000001 are one value in f32).
        let after = k.v_fire * k.reset_keep + k.reset_add;
        if after >= k.v_fire {
            return Err(SnnError::ResetNotBelowThreshold {
                precision: F::NAME,
                v_th: k.v_th.as_f64(),
                v_reset: (k.v_th * k.reset_keep + k.reset_add).as_f64(),
                after: after.as_f64(),
            });
        }
        Ok(Self {
            v: written(n, k.v0),
            refr: written(n, 0),
            spiked: written(n, false),
            counts: written(n, 0),
            k,
            steps_done: 0,
            #[cfg(feature = "parallel")]
            parallel: false,
        })
    }

    /// Number of neurons.
    pub fn len(&self) -> usize {
        self.v.len()
    }
    /// Always false: a population has at least one neuron.
    pub fn is_empty(&self) -> bool {
        false
    }
    /// The per-step constants.
    pub fn kernel(&self) -> &Kernel<F> {
        &self.k
    }
    /// Membrane potentials now.
    pub fn v(&self) -> &[F] {
        &self.v
    }
    /// Which neurons spiked in the last step.
    pub fn spiked(&self) -> &[bool] {
        &self.spiked
    }
    /// Steps populations of at least [`PARALLEL_MIN`](crate::PARALLEL_MIN) neurons on every
    /// core (rayon), in contiguous chunks; each neuron is independent, so the spikes are
    /// exactly those of the single-threaded step. Smaller populations stay on one core, where
    /// the threads would cost more than they save.
    ///
    /// Turning it on starts rayon's thread pool now (if it is not running yet), so that a
    /// run does not pay for starting threads.
    #[cfg(feature = "parallel")]
    pub fn set_parallel(&mut self, on: bool) {
        self.parallel = on;
        if on {
            rayon::broadcast(|_| ());
        }
    }

    #[cfg(feature = "parallel")]
    fn use_threads(&self) -> bool {
        self.parallel && self.v.len() >= PARALLEL_MIN && rayon::current_num_threads() > 1
    }

    /// Spikes per neuron since creation or the last [`reset`](Self::reset).
    pub fn counts(&self) -> &[u32] {
        &self.counts
    }
    /// Remaining refractory steps per neuron.
    pub fn refractory(&self) -> &[u32] {
        &self.refr
    }
    /// Steps taken since creation or the last [`reset`](Self::reset).
    pub fn steps_done(&self) -> u64 {
        self.steps_done
    }
    /// Back to the initial state: `V = V0`, no refractoriness, step counter 0.
    pub fn reset(&mut self) {
        self.v.fill(self.k.v0);
        self.refr.fill(0);
        self.spiked.fill(false);
        self.counts.fill(0);
        self.steps_done = 0;
    }
    /// Sets every potential.
    ///
    /// # Errors
    /// [`SnnError::LengthMismatch`] or a bad value (non-finite or above 1e12), state unchanged.
    pub fn set_v(&mut self, v: &[F]) -> Result<()> {
        check_len("v", self.v.len(), v.len())?;
        check_values("v", v)?;
        self.v.copy_from_slice(v);
        Ok(())
    }

    /// Advances every neuron by one step and returns the number of spikes; [`spiked`](Self::spiked)
    /// tells which. See [`Kernel`] for the update.
    ///
    /// # Errors
    /// [`SnnError::LengthMismatch`] for a per-neuron input of the wrong length, or a bad input
    /// value; the state is left unchanged.
    pub fn step(&mut self, input: Input<'_, F>) -> Result<usize> {
        F::step_population(self, input)
    }

    pub(crate) fn step_impl(&mut self, input: Input<'_, F>) -> Result<usize> {
        match input {
            Input::Uniform(i) => {
                check_values("input", &[i])?;
                Ok(self.step_uniform(i))
            }
            Input::PerNeuron(i) => {
                check_len("input", self.v.len(), i.len())?;
                check_values("input", i)?;
                Ok(self.step_each(i))
            }
        }
    }

    #[inline]
    fn step_uniform(&mut self, i: F) -> usize {
        self.advance(Feed::Uniform(i))
    }

    #[inline]
    fn step_each(&mut self, i: &[F]) -> usize {
        self.advance(Feed::Each(i))
    }

    #[inline]
    fn advance(&mut self, feed: Feed<'_, F>) -> usize {
        self.steps_done += 1;
        #[cfg(feature = "parallel")]
        if self.use_threads() {
            let k = self.k;
            return parallel::advance(&k, self.neurons(), feed);
        }
        let k = self.k;
        dispatch(&k, &mut self.neurons(), feed)
    }

    /// Runs `steps` steps under `drive` from the current state and returns what `record`
    /// asks for. The population keeps its final state, so runs can be chained.
    ///
    /// # Errors
    /// [`SnnError::Zero`] for `steps == 0`; [`SnnError::LengthMismatch`] for a drive of the
    /// wrong shape; [`SnnError::IndexOutOfRange`] for a traced neuron that does not exist;
    /// [`SnnError::TooLarge`] when the recordings could exceed [`MAX_BYTES`](crate::MAX_BYTES);
    /// a bad input value. Nothing is simulated when an error is returned.
    pub fn run(
        &mut self,
        steps: usize,
        drive: Drive<'_, F>,
        record: &Record,
    ) -> Result<SimResult<F>> {
        F::run_population(self, steps, drive, record)
    }

    pub(crate) fn run_impl(
        &mut self,
        steps: usize,
        drive: Drive<'_, F>,
        record: &Record,
    ) -> Result<SimResult<F>> {
        let n = self.v.len();
        crate::param::STEPS.check_count(steps)?;
        if steps > u32::MAX as usize {
            return Err(SnnError::TooManySteps {
                name: "steps",
                steps: steps as u64,
                limit: u32::MAX as u64,
            });
        }
        let threads = self.threads_for_run();
        match drive {
            Drive::Constant(i) => check_values(crate::param::DRIVE.name, &[i])?,
            Drive::PerNeuron(i) => {
                check_len(crate::param::DRIVE.name, n, i.len())?;
                check_many(crate::param::DRIVE.name, i, threads)?;
            }
            Drive::Shared(i) => {
                check_len(crate::param::DRIVE.name, steps, i.len())?;
                check_values(crate::param::DRIVE.name, i)?;
            }
            Drive::Matrix(m) => {
                if m.dim() != (steps, n) {
                    return Err(SnnError::LengthMismatch {
                        name: "drive rows x columns",
                        expected: steps * n,
                        got: m.len(),
                    });
                }
                match m.as_slice() {
                    Some(all) => check_many(crate::param::DRIVE.name, all, threads)?,
                    None => check_iter(crate::param::DRIVE.name, m.iter())?,
                }
            }
        }
        for &t in &record.traces {
            if t >= n {
                return Err(SnnError::IndexOutOfRange {
                    name: "traced neuron",
                    len: n,
                    index: t,
                });
            }
        }
        fits(
            "membrane traces",
            record.traces.len().saturating_mul(steps.saturating_add(1)),
            2 * std::mem::size_of::<F>(),
        )?;
        if record.spikes {
            fits("spike recording (worst case)", n.saturating_mul(steps), 8)?;
        }

        let mut spikes = SpikeTrains::default();
        let mut traces: Vec<Trace<F>> = record
            .traces
            .iter()
            .map(|&j| {
                let mut v = Vec::with_capacity(steps + 1);
                v.push(self.v[j]);
                Trace {
                    neuron: j,
                    v,
                    input: Vec::with_capacity(steps),
                    crossings: Vec::new(),
                }
            })
            .collect();

        // Temporal blocking: a block of neurons is stepped through the whole run while its
        // state stays in the L1 cache, then the next block. Neurons are independent, so this
        // gives exactly the spikes of stepping everyone together, at a fraction of the memory
        // traffic. Spike events are put back in time order at the end.
        let standard = match drive {
            Drive::Matrix(m) if m.as_slice().is_none() => Some(m.as_standard_layout().into_owned()),
            _ => None,
        };
        let source = match (drive, &standard) {
            (Drive::Constant(x), _) => Source::Constant(x),
            (Drive::PerNeuron(i), _) => Source::PerNeuron(i),
            (Drive::Shared(i), _) => Source::Shared(i),
            (Drive::Matrix(m), None) => Source::Matrix(m.to_slice().unwrap_or(&[]), n),
            (Drive::Matrix(_), Some(a)) => Source::Matrix(a.as_slice().unwrap_or(&[]), n),
        };
        if let Source::Matrix(all, _) = source {
            // A standard-layout copy is always one slice; refuse rather than misread.
            check_len("drive rows x columns", steps * n, all.len())?;
        }
        // Each block writes its neurons' spikes in this run here, inside the (threaded) loop.
        let mut counts = vec![0u32; n];
        let mut events = self.simulate(steps, source, record.spikes, &mut traces, &mut counts);
        self.steps_done += steps as u64;
        if record.spikes {
            // Blocks come in neuron order, each in time order: a stable sort by step gives
            // time order with neurons ascending within a step.
            sort_by_step(&mut events, threads);
            spikes.neuron = events.iter().map(|e| e.0).collect();
            spikes.step = events.iter().map(|e| e.1).collect();
        }
        Ok(SimResult {
            n,
            steps,
            dt: self.k.dt,
            v_th: self.k.v_th,
            v_reset: self.k.v_hold,
            spikes,
            counts,
            traces,
        })
    }

    /// Steps the whole run block by block (see `run_impl`); returns the spike events in
    /// block order, each block in time order.
    fn simulate(
        &mut self,
        steps: usize,
        drive: Source<'_, F>,
        record_spikes: bool,
        traces: &mut [Trace<F>],
        counts: &mut [u32],
    ) -> Vec<(u32, u32)> {
        let mut events: Vec<(u32, u32)> = Vec::new();
        let k = self.k;
        let shared: Vec<F> = match drive {
            Source::Shared(i) => i.iter().map(|&x| k.offset + k.gain * x).collect(),
            _ => Vec::new(),
        };
        let job = Job {
            k: &k,
            steps,
            drive,
            shared: &shared,
        };
        #[cfg(feature = "parallel")]
        if self.use_threads() && traces.is_empty() {
            return parallel::run_blocks(&job, self.neurons(), counts, record_spikes);
        }
        for (block, out) in self.neurons().blocks(BLOCK).zip(counts.chunks_mut(BLOCK)) {
            let (lo, hi) = (block.lo, block.lo + block.len());
            let mine: Vec<usize> = (0..traces.len())
                .filter(|&t| (lo..hi).contains(&traces[t].neuron))
                .collect();
            let mut tr = (!mine.is_empty()).then_some((&mut *traces, mine.as_slice()));
            run_block_counting(
                &job,
                block,
                out,
                record_spikes.then_some(&mut events),
                &mut tr,
            );
        }
        events
    }

    /// Whether a run may use the threads for its input check and event sort (its blocks go
    /// to the threads too unless membrane traces are recorded; see `simulate`).
    fn threads_for_run(&self) -> bool {
        #[cfg(feature = "parallel")]
        return self.use_threads();
        #[cfg(not(feature = "parallel"))]
        false
    }
}

fn check_len(name: &'static str, expected: usize, got: usize) -> Result<()> {
    if expected == got {
        Ok(())
    } else {
        Err(SnnError::LengthMismatch {
            name,
            expected,
            got,
        })
    }
}

/// Refuses a non-finite value or one above [`MAX_MAGNITUDE`] in magnitude, naming the first.
fn check_values<F: Precision>(name: &'static str, xs: &[F]) -> Result<()> {
    // First a branch-free pass that vectorises (NaN fails `<=`); only a slice that fails it
    // is searched, in order, for the value to name.
    let limit = F::of(MAX_MAGNITUDE);
    let ok = xs
        .chunks(256)
        .all(|part| part.iter().fold(true, |ok, &x| ok & (x.abs() <= limit)));
    if ok {
        Ok(())
    } else {
        check_iter(name, xs.iter())
    }
}

/// Values [`check_many`] checks on one thread even when threads are on: below this, waking
/// the threads costs more than the check.
#[cfg(feature = "parallel")]
const CHECK_ALONE: usize = 1 << 22;

/// [`check_values`] spread over the threads when `threads` and `xs` is long; the error names
/// the first bad value in order either way.
fn check_many<F: Precision>(name: &'static str, xs: &[F], threads: bool) -> Result<()> {
    #[cfg(feature = "parallel")]
    if threads && xs.len() >= CHECK_ALONE {
        use rayon::prelude::*;
        return xs
            .par_chunks(1 << 14)
            .map(|part| check_values(name, part))
            .find_first(|r| r.is_err())
            .unwrap_or(Ok(()));
    }
    let _ = threads;
    check_values(name, xs)
}

/// Puts spike events in time order, keeping neuron order within a step (a stable sort),
/// spread over the threads when `threads`.
fn sort_by_step(events: &mut [(u32, u32)], threads: bool) {
    #[cfg(feature = "parallel")]
    if threads {
        use rayon::prelude::*;
        events.par_sort_by_key(|&(_, step)| step);
        return;
    }
    let _ = threads;
    events.sort_by_key(|&(_, step)| step);
}

/// `n` copies of `x` in a vector whose memory is written now: a zeroed allocation would be
/// mapped lazily and its pages faulted in on first touch, inside the first run (and inside
/// its threads, which then contend for the kernel's page tables).
fn written<T: Copy>(n: usize, x: T) -> Vec<T> {
    let mut v = Vec::with_capacity(n);
    v.resize(n, x);
    v
}

fn check_iter<'a, F: Precision>(
    name: &'static str,
    mut xs: impl Iterator<Item = &'a F>,
) -> Result<()> {
    match xs.find(|x| !x.is_finite() || x.as_f64().abs() > MAX_MAGNITUDE) {
        Some(x) => bounded(name, x.as_f64()).map(|_| ()),
        None => Ok(()),
    }
}

/// Smallest population [`Population::set_parallel`] splits across threads (65,536 neurons).
pub const PARALLEL_MIN: usize = 1 << 16;
