//! Populations: N neurons of one model stepped together over contiguous arrays.
//!
//! The state (potential `v`, refractory counters, last step's spikes) lives in plain `Vec`s;
//! the step is one pass over them, allocation-free, and the same code path serves one neuron
//! and a hundred thousand.

use ndarray::ArrayView2;

use crate::error::{bounded, fits, nonzero, Result, SnnError, MAX_MAGNITUDE};
use crate::neuron::{Kernel, Model};

use crate::real::Real;

/// The input current of one step: the same for every neuron, or one value per neuron.
/// Unit: nA for [`LifParams`](crate::LifParams), unit-free for
/// [`DiscreteParams`](crate::DiscreteParams). Magnitudes above 1e12 are refused.
#[derive(Debug, Clone, Copy)]
pub enum Input<'a, F> {
    /// One current for every neuron.
    Uniform(F),
    /// One current per neuron; the length must equal the population size.
    PerNeuron(&'a [F]),
}

/// The input currents of a whole run (units as in [`Input`]).
#[derive(Debug, Clone, Copy)]
pub enum Drive<'a, F> {
    /// The same constant current to every neuron at every step (the original demo).
    Constant(F),
    /// A constant current per neuron (length `n`), e.g. an f-I sweep.
    PerNeuron(&'a [F]),
    /// A current per step shared by every neuron (length `steps`), e.g. a current step.
    Shared(&'a [F]),
    /// A current per step and neuron, shape `(steps, n)`, e.g. weighted input spikes.
    Matrix(ArrayView2<'a, F>),
}

/// A run's drive as the loops read it: a [`Drive`] whose matrix is one contiguous,
/// row-major slice (`run` copies a matrix of any other layout first), so every row of
/// every block is a plain subslice and no step has a missing-input path.
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub enum Source<'a, F> {
    /// One current for every neuron at every step.
    Constant(F),
    /// One current per neuron (length `n`).
    PerNeuron(&'a [F]),
    /// One current per step (length `steps`).
    Shared(&'a [F]),
    /// `steps` rows of `n` currents, row-major.
    Matrix(&'a [F], usize),
}

/// What a [`Population::run`] records. Spike counts per neuron are always kept.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Record {
    /// Keep every spike as a `(neuron, step)` event.
    pub spikes: bool,
    /// Neurons whose membrane potential (and input) to record at every step.
    pub traces: Vec<usize>,
}

impl Record {
    /// Spike counts only.
    pub fn counts() -> Self {
        Self::default()
    }
    /// Every spike event, and counts.
    pub fn spikes() -> Self {
        Self {
            spikes: true,
            traces: Vec::new(),
        }
    }
    /// Adds membrane traces of the given neurons.
    pub fn with_traces(mut self, neurons: impl IntoIterator<Item = usize>) -> Self {
        self.traces.extend(neurons);
        self
    }
}

/// Spike events in time order: spike `j` is neuron `neuron[j]` at step `step[j]`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SpikeTrains {
    /// Neuron index of each spike.
    pub neuron: Vec<u32>,
    /// Step index (0-based) of each spike.
    pub step: Vec<u32>,
}

impl SpikeTrains {
    /// Number of spikes.
    pub fn len(&self) -> usize {
        self.step.len()
    }
    /// True when there is no spike.
    pub fn is_empty(&self) -> bool {
        self.step.is_empty()
    }
    /// `(neuron, step)` pairs in time order.
    pub fn iter(&self) -> impl Iterator<Item = (u32, u32)> + '_ {
        self.neuron.iter().copied().zip(self.step.iter().copied())
    }
    /// Steps at which `neuron` spiked, ascending.
    pub fn steps_of(&self, neuron: usize) -> Vec<u32> {
        self.iter()
            .filter(|&(n, _)| n as usize == neuron)
            .map(|(_, s)| s)
            .collect()
    }
}

/// The membrane potential of one neuron: `v[k]` is `V(k*dt)` for `k = 0..=steps` (`v[0]` is
/// the initial value; after a spike the recorded value is the reset value), `input[k]` the
/// current applied during step `k` (`k < steps`), and `crossings` the potential each spike
/// reached before its reset, so a chart can draw the crossing, not just the reset.
#[derive(Debug, Clone, PartialEq)]
pub struct Trace<F> {
    /// Neuron index.
    pub neuron: usize,
    /// Potential, mV (LIF) or unit-free (discrete), `steps + 1` samples.
    pub v: Vec<F>,
    /// Input current per step, nA (LIF) or unit-free (discrete), `steps` samples.
    pub input: Vec<F>,
    /// `(step, V')` for every spike: the updated potential `V'` of that step, at or above the
    /// firing level, that the reset then replaced (same unit as `v`).
    pub crossings: Vec<(u32, F)>,
}

/// What a run returns. Charts read it; they never re-run a simulation.
#[derive(Debug, Clone, PartialEq)]
pub struct SimResult<F> {
    /// Number of neurons.
    pub n: usize,
    /// Number of steps simulated.
    pub steps: usize,
    /// Time step, ms (LIF) or 1 (discrete: time in steps).
    pub dt: f64,
    /// Threshold, for drawing.
    pub v_th: F,
    /// Value the potential is reset to or held at, for drawing.
    pub v_reset: F,
    /// Spike events (empty unless [`Record::spikes`] was asked for).
    pub spikes: SpikeTrains,
    /// Spikes per neuron over the run.
    pub counts: Vec<u32>,
    /// Membrane traces of the neurons in [`Record::traces`], in that order.
    pub traces: Vec<Trace<F>>,
}

impl<F: Real> SimResult<F> {
    /// The same result in `f64` (exact widening for `f32`).
    pub fn to_f64(&self) -> SimResult<f64> {
        SimResult {
            n: self.n,
            steps: self.steps,
            dt: self.dt,
            v_th: self.v_th.as_f64(),
            v_reset: self.v_reset.as_f64(),
            spikes: self.spikes.clone(),
            counts: self.counts.clone(),
            traces: self
                .traces
                .iter()
                .map(|t| Trace {
                    neuron: t.neuron,
                    v: t.v.iter().map(|x| x.as_f64()).collect(),
                    input: t.input.iter().map(|x| x.as_f64()).collect(),
                    crossings: t.crossings.iter().map(|&(k, x)| (k, x.as_f64())).collect(),
                })
                .collect(),
        }
    }
}

impl<F> SimResult<F> {
    /// Steps at which `neuron` spiked (needs recorded spikes).
    pub fn spike_steps_of(&self, neuron: usize) -> Vec<u32> {
        self.spikes.steps_of(neuron)
    }
    /// Times at which `neuron` spiked, `(step + 1) * dt` (ms for LIF): the end of the step in
    /// which the potential crossed threshold.
    pub fn spike_times_of(&self, neuron: usize) -> Vec<f64> {
        self.spikes
            .steps_of(neuron)
            .into_iter()
            .map(|s| (s as f64 + 1.0) * self.dt)
            .collect()
    }
    /// Binary spike train of `neuron`, one 0/1 per step (the original's printout).
    pub fn spike_train_of(&self, neuron: usize) -> Vec<u8> {
        let mut out = vec![0u8; self.steps];
        for s in self.spikes.steps_of(neuron) {
            out[s as usize] = 1;
        }
        out
    }
    /// Total number of spikes.
    pub fn total_spikes(&self) -> u64 {
        self.counts.iter().map(|&c| c as u64).sum()
    }
    /// Mean firing rate of `neuron` over the run, spikes per time unit (per ms for LIF).
    pub fn rate_of(&self, neuron: usize) -> f64 {
        self.counts.get(neuron).map_or(0.0, |&c| c as f64) / (self.steps as f64 * self.dt)
    }
}

/// N neurons of one model: the validated per-step constants and the state arrays.
///
/// # Examples
/// ```
/// use snn_core::{LifParams, Population, Drive, Record};
/// let p = LifParams::builder().build()?;
/// let mut pop = Population::<f32>::new(&p, 3)?;
/// let out = pop.run(10_000, Drive::PerNeuron(&[1.0, 2.0, 3.0]), &Record::counts())?;
/// assert_eq!(out.counts[0], 0);          // below rheobase (1.5 nA)
/// assert!(out.counts[2] > out.counts[1]); // more current, more spikes
/// # Ok::<(), snn_core::SnnError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Population<F: Real> {
    k: Kernel<F>,
    v: Vec<F>,
    refr: Vec<u32>,
    spiked: Vec<bool>,
    counts: Vec<u32>,
    steps_done: u64,
    #[cfg(feature = "parallel")]
    parallel: bool,
}

impl<F: Real> Population<F> {
    /// `n` neurons of `model`, all at the model's initial potential.
    ///
    /// # Errors
    /// [`SnnError::Zero`] for `n == 0`; [`SnnError::TooLarge`] when the state would exceed
    /// [`MAX_BYTES`](crate::MAX_BYTES).
    pub fn new<M: Model>(model: &M, n: usize) -> Result<Self> {
        nonzero("neurons", n)?;
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
            v: vec![k.v0; n],
            refr: vec![0; n],
            spiked: vec![false; n],
            counts: vec![0; n],
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
    #[cfg(feature = "parallel")]
    pub fn set_parallel(&mut self, on: bool) {
        self.parallel = on;
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
            return parallel::advance(
                &self.k,
                &mut self.v,
                &mut self.refr,
                &mut self.spiked,
                &mut self.counts,
                feed,
            );
        }
        dispatch(
            &self.k,
            &mut self.v,
            &mut self.refr,
            &mut self.spiked,
            &mut self.counts,
            feed,
        )
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
        nonzero("steps", steps)?;
        if steps > u32::MAX as usize {
            return Err(SnnError::TooManySteps {
                name: "steps",
                steps: steps as u64,
                limit: u32::MAX as u64,
            });
        }
        match drive {
            Drive::Constant(i) => check_values("drive", &[i])?,
            Drive::PerNeuron(i) => {
                check_len("drive", n, i.len())?;
                check_values("drive", i)?;
            }
            Drive::Shared(i) => {
                check_len("drive", steps, i.len())?;
                check_values("drive", i)?;
            }
            Drive::Matrix(m) => {
                if m.dim() != (steps, n) {
                    return Err(SnnError::LengthMismatch {
                        name: "drive rows x columns",
                        expected: steps * n,
                        got: m.len(),
                    });
                }
                check_iter("drive", m.iter())?;
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

        let counts_before = self.counts.clone();
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
        let mut events = self.simulate(steps, source, record.spikes, &mut traces);
        self.steps_done += steps as u64;
        if record.spikes {
            // Blocks come in neuron order, each in time order: a stable sort by step gives
            // time order with neurons ascending within a step.
            events.sort_by_key(|&(_, step)| step);
            spikes.neuron = events.iter().map(|e| e.0).collect();
            spikes.step = events.iter().map(|e| e.1).collect();
        }
        let counts = self
            .counts
            .iter()
            .zip(&counts_before)
            .map(|(a, b)| a.wrapping_sub(*b))
            .collect();
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
    ) -> Vec<(u32, u32)> {
        let mut events: Vec<(u32, u32)> = Vec::new();
        let k = self.k;
        let use_threads = {
            #[cfg(feature = "parallel")]
            {
                self.use_threads() && traces.is_empty()
            }
            #[cfg(not(feature = "parallel"))]
            {
                false
            }
        };
        if use_threads {
            #[cfg(feature = "parallel")]
            {
                events = parallel::run_blocks(
                    &k,
                    &mut self.v,
                    &mut self.refr,
                    &mut self.spiked,
                    &mut self.counts,
                    steps,
                    drive,
                    record_spikes,
                );
            }
        } else {
            let mut lo = 0;
            for (((v, r), sp), c) in self
                .v
                .chunks_mut(BLOCK)
                .zip(self.refr.chunks_mut(BLOCK))
                .zip(self.spiked.chunks_mut(BLOCK))
                .zip(self.counts.chunks_mut(BLOCK))
            {
                let hi = lo + v.len();
                let mine: Vec<usize> = (0..traces.len())
                    .filter(|&t| (lo..hi).contains(&traces[t].neuron))
                    .collect();
                let mut tr = (!mine.is_empty()).then_some((&mut *traces, mine.as_slice()));
                run_block_best(
                    &k,
                    lo,
                    v,
                    r,
                    sp,
                    c,
                    steps,
                    &drive,
                    record_spikes,
                    &mut events,
                    &mut tr,
                );
                lo = hi;
            }
        }
        events
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

fn check_values<F: Real>(name: &'static str, xs: &[F]) -> Result<()> {
    check_iter(name, xs.iter())
}

fn check_iter<'a, F: Real>(name: &'static str, mut xs: impl Iterator<Item = &'a F>) -> Result<()> {
    match xs.find(|x| !x.is_finite() || x.as_f64().abs() > MAX_MAGNITUDE) {
        Some(x) => bounded(name, x.as_f64()).map(|_| ()),
        None => Ok(()),
    }
}

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
            // A held neuron keeps the value its reset gave it (V_reset, or for a soft reset
            // V' - (V_th - V_reset)) and cannot spike: Brian2's `(unless refractory)`.
            held = $r > 0;
            next = if held { vj } else { next };
            // Wrapping: overflow checks (on in notebooks) would add a branch.
            left = $r.wrapping_sub(held as u32);
        }
        let spike = (next >= $k.v_fire) & !held;
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

/// Neurons per block in [`Population::run`]'s temporal blocking: the state of a block fits
/// in the L1 cache while it is stepped through the whole run.
const BLOCK: usize = 1024;

/// The input of neurons `lo..hi` at `step`.
#[inline]
fn feed_at<'b, F: Real>(
    drive: &'b Source<'_, F>,
    step: usize,
    lo: usize,
    hi: usize,
) -> Feed<'b, F> {
    match drive {
        Source::Constant(x) => Feed::Uniform(*x),
        Source::PerNeuron(i) => Feed::Each(&i[lo..hi]),
        Source::Shared(i) => Feed::Uniform(i[step]),
        Source::Matrix(all, n) => Feed::Each(&all[step * n + lo..step * n + hi]),
    }
}

/// The input current of neuron `j` at `step`, for traces.
fn input_at<F: Real>(drive: &Source<'_, F>, step: usize, j: usize) -> F {
    match *drive {
        Source::Constant(x) => x,
        Source::PerNeuron(i) => i[j],
        Source::Shared(i) => i[step],
        Source::Matrix(all, n) => all[step * n + j],
    }
}

/// Steps one block of neurons, starting at neuron `lo`, through the whole run: spike events
/// go to `events` when recorded, and traced neurons' potentials and inputs to `traces`.
/// A constant per-neuron drive is turned into `offset + gain * I` once, not every step.
#[allow(clippy::too_many_arguments)]
fn run_block<F: Real>(
    k: &Kernel<F>,
    lo: usize,
    v: &mut [F],
    r: &mut [u32],
    s: &mut [bool],
    c: &mut [u32],
    steps: usize,
    drive: &Source<'_, F>,
    record_spikes: bool,
    events: &mut Vec<(u32, u32)>,
    traces: &mut Option<(&mut [Trace<F>], &[usize])>,
) {
    let hi = lo + v.len();
    let mut pre = [F::zero(); BLOCK];
    let constant = if let Source::PerNeuron(i) = drive {
        for (p, &x) in pre.iter_mut().zip(&i[lo..hi]) {
            *p = k.offset + k.gain * x;
        }
        true
    } else {
        false
    };
    // Traced neurons' state before each step, to recover the potential a spike crossed at.
    let mut before: Vec<(F, bool)> = match traces {
        Some((_, mine)) => vec![(F::zero(), false); mine.len()],
        None => Vec::new(),
    };
    for step in 0..steps {
        if let Some((traces, mine)) = traces {
            for (b, &t) in before.iter_mut().zip(mine.iter()) {
                let j = traces[t].neuron - lo;
                *b = (v[j], r[j] > 0);
            }
        }
        let fired = if constant {
            dispatch_drive(k, v, r, s, c, Feed::Each(&pre[..v.len()]), true)
        } else {
            dispatch_drive(k, v, r, s, c, feed_at(drive, step, lo, hi), false)
        };
        if fired > 0 && record_spikes {
            push_events(events, s, lo, step);
        }
        if let Some((traces, mine)) = traces {
            for (&(v_before, held), &t) in before.iter().zip(mine.iter()) {
                let j = traces[t].neuron;
                let input = input_at(drive, step, j);
                if s[j - lo] {
                    let crossed = k.unreset(v_before, held, input);
                    traces[t].crossings.push((step as u32, crossed));
                }
                traces[t].v.push(v[j - lo]);
                traces[t].input.push(input);
            }
        }
    }
}

/// Bytes of state per lane group in [`lanes`]: 64 `f32` or 32 `f64` neurons, eight AVX2
/// registers, enough independent update chains to hide the latency of each step.
pub(crate) const LANE_BYTES: usize = 256;

/// The run with time innermost: a group of `LANES` neurons (64 `f32`, 32 `f64`: see
/// [`Real`]) is held in registers and stepped through every step before the next group is
/// loaded, so the state never touches memory inside the run. Only for runs that need nothing
/// per step from the population as a whole: no spike events, no traces, and a drive that is
/// constant per neuron or shared per step. Leftover neurons (fewer than a group) go through
/// [`run_block`]. Returns false, having done nothing, when not applicable.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn run_lanes<F: Real, const LANES: usize>(
    k: &Kernel<F>,
    lo: usize,
    v: &mut [F],
    r: &mut [u32],
    s: &mut [bool],
    c: &mut [u32],
    steps: usize,
    drive: &Source<'_, F>,
) -> bool {
    let mut shared_d = Vec::new();
    let lane_drive = match drive {
        Source::Constant(x) => LaneDrive::Fixed(Some(k.offset + k.gain * *x)),
        Source::PerNeuron(_) => LaneDrive::Fixed(None),
        Source::Shared(i) => {
            shared_d.extend(i.iter().map(|&x| k.offset + k.gain * x));
            LaneDrive::Shared(&shared_d)
        }
        Source::Matrix(..) => return false,
    };
    let per_neuron = |j: usize| match drive {
        Source::PerNeuron(i) => k.offset + k.gain * i[lo + j],
        _ => F::zero(),
    };
    macro_rules! go {
        ($relax:literal, $refr:literal, $sub:literal) => {
            lanes::<F, LANES, $relax, $refr, $sub>(k, v, r, s, c, steps, lane_drive, per_neuron)
        };
    }
    let done = by_switches!(k, go);
    if done < v.len() {
        run_block(
            k,
            lo + done,
            &mut v[done..],
            &mut r[done..],
            &mut s[done..],
            &mut c[done..],
            steps,
            drive,
            false,
            &mut Vec::new(),
            &mut None,
        );
    }
    true
}

/// [`run_lanes`] at its fastest here: compiled for AVX2 on x86-64, chosen when the CPU has
/// it (checked once per block, outside the loops), or for the baseline of other targets.
/// Returns false, having done nothing, on an x86-64 CPU without AVX2 (then [`run_block`]
/// serves) or for a drive the lanes cannot take.
#[allow(clippy::too_many_arguments)]
pub(crate) fn run_lanes_best<F: Real, const LANES: usize>(
    k: &Kernel<F>,
    lo: usize,
    v: &mut [F],
    r: &mut [u32],
    s: &mut [bool],
    c: &mut [u32],
    steps: usize,
    drive: &Source<'_, F>,
) -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU supports AVX2, checked just above.
            return unsafe { run_lanes_avx2::<F, LANES>(k, lo, v, r, s, c, steps, drive) };
        }
        false
    }
    #[cfg(not(target_arch = "x86_64"))]
    run_lanes::<F, LANES>(k, lo, v, r, s, c, steps, drive)
}

/// [`run_lanes`] compiled for AVX2 (wider vectors, the same results).
///
/// # Safety
/// The CPU must support AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[allow(clippy::too_many_arguments)]
unsafe fn run_lanes_avx2<F: Real, const LANES: usize>(
    k: &Kernel<F>,
    lo: usize,
    v: &mut [F],
    r: &mut [u32],
    s: &mut [bool],
    c: &mut [u32],
    steps: usize,
    drive: &Source<'_, F>,
) -> bool {
    run_lanes::<F, LANES>(k, lo, v, r, s, c, steps, drive)
}

#[derive(Clone, Copy)]
enum LaneDrive<'a, F> {
    /// The same drive every step: one value for all (`Some`) or one per neuron (`None`).
    Fixed(Option<F>),
    /// One drive per step, the same for every neuron.
    Shared(&'a [F]),
}

/// The register-resident loop of [`run_lanes`]; returns how many neurons it stepped (a
/// multiple of `LANES`).
#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn lanes<F: Real, const LANES: usize, const RELAX: bool, const REF: bool, const SUB: bool>(
    k: &Kernel<F>,
    v: &mut [F],
    r: &mut [u32],
    s: &mut [bool],
    c: &mut [u32],
    steps: usize,
    drive: LaneDrive<'_, F>,
    per_neuron: impl Fn(usize) -> F,
) -> usize {
    let n = v.len() / LANES * LANES;
    for base in (0..n).step_by(LANES) {
        let mut vv = [F::zero(); LANES];
        let mut rr = [0u32; LANES];
        let mut cc = [0u32; LANES];
        let mut dd = [F::zero(); LANES];
        let mut last = [false; LANES];
        for l in 0..LANES {
            vv[l] = v[base + l];
            rr[l] = r[base + l];
            dd[l] = match drive {
                LaneDrive::Fixed(Some(x)) => x,
                _ => per_neuron(base + l),
            };
        }
        // Written out, with no closure or helper call inside: notebooks may build snn-core
        // with incremental codegen, which does not inline those, and a call per neuron and
        // step would stop the loop vectorising.
        macro_rules! step {
            ($l:ident, $dj:expr) => {
                for $l in 0..LANES {
                    let spike = neuron_step!(k, RELAX, REF, SUB, vv[$l], rr[$l], $dj);
                    cc[$l] = cc[$l].wrapping_add(spike as u32);
                    last[$l] = spike;
                }
            };
        }
        match drive {
            LaneDrive::Fixed(_) => {
                for _ in 0..steps {
                    step!(l, dd[l]);
                }
            }
            LaneDrive::Shared(d) => {
                for &x in &d[..steps] {
                    step!(l, x);
                }
            }
        }
        for l in 0..LANES {
            v[base + l] = vv[l];
            r[base + l] = rr[l];
            c[base + l] = c[base + l].wrapping_add(cc[l]);
            s[base + l] = last[l];
        }
    }
    n
}

/// One block through the whole run, by the fastest loop that applies: the register-resident
/// [`lanes`] loop when nothing is recorded per step, compiled for AVX2 (chosen at run time on
/// x86-64) or for the target's baseline elsewhere; otherwise [`run_block`]. FMA is
/// deliberately not enabled: fused multiply-adds round differently, and the same parameters
/// must give the same spikes on every machine (and on both paths).
#[allow(clippy::too_many_arguments)]
fn run_block_best<F: Real>(
    k: &Kernel<F>,
    lo: usize,
    v: &mut [F],
    r: &mut [u32],
    s: &mut [bool],
    c: &mut [u32],
    steps: usize,
    drive: &Source<'_, F>,
    record_spikes: bool,
    events: &mut Vec<(u32, u32)>,
    traces: &mut Option<(&mut [Trace<F>], &[usize])>,
) {
    if !record_spikes && traces.is_none() && F::run_lanes(k, lo, v, r, s, c, steps, drive) {
        return;
    }
    run_block(
        k,
        lo,
        v,
        r,
        s,
        c,
        steps,
        drive,
        record_spikes,
        events,
        traces,
    );
}
/// Appends `(neuron, step)` for every flag set in a block starting at neuron `lo`.
fn push_events(events: &mut Vec<(u32, u32)>, spiked: &[bool], lo: usize, step: usize) {
    for (j, &f) in spiked.iter().enumerate() {
        if f {
            events.push(((lo + j) as u32, step as u32));
        }
    }
}

/// Smallest population [`Population::set_parallel`] splits across threads (65,536 neurons).
pub const PARALLEL_MIN: usize = 1 << 16;

#[cfg(feature = "parallel")]
mod parallel {
    use rayon::prelude::*;

    use super::{dispatch, run_block_best, Feed, Source, BLOCK};
    use crate::neuron::Kernel;
    use crate::real::Real;

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
}

/// One step's input to the neuron loop.
#[derive(Clone, Copy)]
pub(crate) enum Feed<'a, F> {
    Uniform(F),
    Each(&'a [F]),
}

/// One step of every neuron with spike flags, for `step()` and the threaded `step()`: the
/// per-neuron input is raw current, turned into drive in the loop.
#[inline(always)]
pub(crate) fn dispatch<F: Real>(
    k: &Kernel<F>,
    v: &mut [F],
    r: &mut [u32],
    s: &mut [bool],
    c: &mut [u32],
    feed: Feed<'_, F>,
) -> usize {
    dispatch_drive(k, v, r, s, c, feed, false)
}

/// Chooses the monomorphised loop for this kernel once per step, outside the neuron loop.
/// `ready` says a per-neuron feed already holds the drive `offset + gain * I` rather than `I`.
#[inline(always)]
fn dispatch_drive<F: Real>(
    k: &Kernel<F>,
    v: &mut [F],
    r: &mut [u32],
    s: &mut [bool],
    c: &mut [u32],
    feed: Feed<'_, F>,
    ready: bool,
) -> usize {
    macro_rules! go {
        ($relax:literal, $refr:literal, $sub:literal) => {
            update::<F, $relax, $refr, $sub>(k, v, r, s, c, feed, ready)
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
fn update<F: Real, const RELAX: bool, const REF: bool, const SUB: bool>(
    k: &Kernel<F>,
    v: &mut [F],
    r: &mut [u32],
    s: &mut [bool],
    c: &mut [u32],
    feed: Feed<'_, F>,
    ready: bool,
) -> usize {
    let n = v.len();
    let (r, s, c) = (&mut r[..n], &mut s[..n], &mut c[..n]);
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
