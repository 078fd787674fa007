//! Populations: N neurons of one model stepped together over contiguous arrays.
//!
//! The state (potential `v`, refractory counters, last step's spikes) lives in plain `Vec`s;
//! the step is one pass over them, allocation-free, and the same code path serves one neuron
//! and a hundred thousand.

use ndarray::ArrayView2;

use crate::error::{bounded, fits, nonzero, Result, SnnError, MAX_MAGNITUDE};
use crate::neuron::{Crossing, Kernel, Model};
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
/// the initial value; after a spike the recorded value is the reset value), and `input[k]` the
/// current applied during step `k` (`k < steps`).
#[derive(Debug, Clone, PartialEq)]
pub struct Trace<F> {
    /// Neuron index.
    pub neuron: usize,
    /// Potential, mV (LIF) or unit-free (discrete), `steps + 1` samples.
    pub v: Vec<F>,
    /// Input current per step, nA (LIF) or unit-free (discrete), `steps` samples.
    pub input: Vec<F>,
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
    steps_done: u64,
}

impl<F: Real> Population<F> {
    /// `n` neurons of `model`, all at the model's initial potential.
    ///
    /// # Errors
    /// [`SnnError::Zero`] for `n == 0`; [`SnnError::TooLarge`] when the state would exceed
    /// [`MAX_BYTES`](crate::MAX_BYTES).
    pub fn new<M: Model>(model: &M, n: usize) -> Result<Self> {
        nonzero("neurons", n)?;
        fits("neurons", n, std::mem::size_of::<F>() + 5)?;
        let k = model.kernel::<F>();
        Ok(Self {
            v: vec![k.v0; n],
            refr: vec![0; n],
            spiked: vec![false; n],
            k,
            steps_done: 0,
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
        self.steps_done += 1;
        dispatch(
            &self.k,
            &mut self.v,
            &mut self.refr,
            &mut self.spiked,
            |_| i,
        )
    }

    #[inline]
    fn step_each(&mut self, i: &[F]) -> usize {
        self.steps_done += 1;
        dispatch(
            &self.k,
            &mut self.v,
            &mut self.refr,
            &mut self.spiked,
            |j| i[j],
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
            return Err(SnnError::TooLarge {
                name: "steps",
                bytes: steps as u64,
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

        let mut counts = vec![0u32; n];
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
                }
            })
            .collect();

        for s in 0..steps {
            let fired = match drive {
                Drive::Constant(i) => self.step_uniform(i),
                Drive::PerNeuron(i) => self.step_each(i),
                Drive::Shared(i) => self.step_uniform(i[s]),
                Drive::Matrix(m) => {
                    let row = m.row(s);
                    match row.as_slice() {
                        Some(r) => self.step_each(r),
                        None => {
                            self.steps_done += 1;
                            dispatch(
                                &self.k,
                                &mut self.v,
                                &mut self.refr,
                                &mut self.spiked,
                                |j| row[j],
                            )
                        }
                    }
                }
            };
            if fired > 0 {
                for (j, (&f, c)) in self.spiked.iter().zip(counts.iter_mut()).enumerate() {
                    if f {
                        *c += 1;
                        if record.spikes {
                            spikes.neuron.push(j as u32);
                            spikes.step.push(s as u32);
                        }
                    }
                }
            }
            for tr in &mut traces {
                let j = tr.neuron;
                tr.v.push(self.v[j]);
                tr.input.push(match drive {
                    Drive::Constant(i) => i,
                    Drive::PerNeuron(i) => i[j],
                    Drive::Shared(i) => i[s],
                    Drive::Matrix(m) => m[(s, j)],
                });
            }
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

/// Chooses the monomorphised loop for this kernel once per step, outside the neuron loop.
#[inline(always)]
fn dispatch<F: Real>(
    k: &Kernel<F>,
    v: &mut [F],
    r: &mut [u32],
    s: &mut [bool],
    i: impl Fn(usize) -> F,
) -> usize {
    let strict = k.crossing == Crossing::Above;
    let refr = k.ref_steps > 0;
    match (k.relax, strict, refr) {
        (true, true, true) => update::<F, true, true, true>(k, v, r, s, i),
        (true, true, false) => update::<F, true, true, false>(k, v, r, s, i),
        (true, false, true) => update::<F, true, false, true>(k, v, r, s, i),
        (true, false, false) => update::<F, true, false, false>(k, v, r, s, i),
        (false, true, true) => update::<F, false, true, true>(k, v, r, s, i),
        (false, true, false) => update::<F, false, true, false>(k, v, r, s, i),
        (false, false, true) => update::<F, false, false, true>(k, v, r, s, i),
        (false, false, false) => update::<F, false, false, false>(k, v, r, s, i),
    }
}

/// The neuron loop. Branch-free per neuron (selects, no jumps) so it vectorises.
#[inline(always)]
fn update<F: Real, const RELAX: bool, const STRICT: bool, const REF: bool>(
    k: &Kernel<F>,
    v: &mut [F],
    r: &mut [u32],
    s: &mut [bool],
    i: impl Fn(usize) -> F,
) -> usize {
    let n = v.len();
    let (r, s) = (&mut r[..n], &mut s[..n]);
    let mut fired = 0usize;
    for j in 0..n {
        let x = i(j);
        let vj = v[j];
        let mut next = if RELAX {
            let v_inf = k.offset + k.gain * x;
            v_inf + (vj - v_inf) * k.alpha
        } else {
            vj * k.alpha + k.offset + k.gain * x
        };
        if REF {
            let held = r[j] > 0;
            next = if held { k.v_hold } else { next };
            r[j] = if held { r[j] - 1 } else { 0 };
        }
        let spike = if STRICT {
            next > k.v_th
        } else {
            next >= k.v_th
        };
        let after = next * k.reset_keep + k.reset_add;
        v[j] = if spike { after } else { next };
        if REF {
            r[j] = if spike { k.ref_steps } else { r[j] };
        }
        s[j] = spike;
        fired += spike as usize;
    }
    fired
}
