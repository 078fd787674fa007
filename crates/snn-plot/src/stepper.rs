//! A simulation you advance by hand, one step or n steps per notebook cell, that shows its
//! current state as a chart whenever it is displayed: for walking a class through
//! integration, leak, threshold, reset and refractoriness live.

use snn_sim::check::fits;
use snn_sim::{Drive, Model, Population, Record, Result, SimResult};

use crate::chart::{self, Chart};

/// One neuron stepped by hand under a current you can change between steps, in `f64`
/// (a teaching object: non-generic, so notebook cells that use it compile fast).
///
/// # Examples
/// ```
/// use snn_plot::StepThrough;
/// use snn_sim::LifParams;
/// let mut sim = StepThrough::new(&LifParams::builder().build()?)?;
/// sim.set_current(2.5)?;            // nA
/// let view = sim.advance(200)?;      // 20 ms: a chart of everything so far
/// assert!(sim.v() > -65.0 && sim.spikes() >= 1);
/// assert!(view.chart.title().contains("t = 20.0"));
/// # Ok::<(), snn_sim::SnnError>(())
/// ```
#[derive(Debug, Clone)]
pub struct StepThrough {
    pop: Population<f64>,
    current: f64,
    /// Everything stepped so far, one result continued by each step; `None` before the first.
    history: Option<SimResult<f64>>,
    physical: bool,
}

/// What [`StepThrough::advance`] returns: the state after the steps and its chart, which
/// shows itself when a notebook cell ends with it.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    /// Time now, ms (LIF) or steps (discrete).
    pub t: f64,
    /// Membrane potential now.
    pub v: f64,
    /// Spikes during the steps just taken.
    pub new_spikes: usize,
    /// The membrane chart of the whole history.
    pub chart: Chart,
}

impl Snapshot {
    /// Shows the chart under the notebook cell (see [`Chart::evcxr_display`]).
    pub fn evcxr_display(&self) {
        self.chart.evcxr_display();
    }
}

impl StepThrough {
    /// A fresh neuron of `model` at its initial potential, with zero input.
    ///
    /// # Errors
    /// Only those of [`Population::new`].
    pub fn new<M: Model>(model: &M) -> Result<Self> {
        let pop = Population::new(model, 1)?;
        let physical = pop.kernel().dt() != 1.0 || pop.kernel().ref_steps() > 0;
        Ok(Self {
            pop,
            current: 0.0,
            history: None,
            physical,
        })
    }
    /// Sets the input current for the following steps (nA for LIF).
    ///
    /// # Errors
    /// A non-finite value or one above 1e12; the current is unchanged.
    pub fn set_current(&mut self, i: f64) -> Result<()> {
        snn_sim::check::bounded("current", i)?;
        self.current = i;
        Ok(())
    }
    /// Advances `n` steps and returns the new state with its chart.
    ///
    /// # Errors
    /// `n == 0`, a history above the memory limit, or a chart that cannot be drawn; nothing
    /// is simulated on error.
    pub fn advance(&mut self, n: usize) -> Result<Snapshot> {
        fits(
            "step-through history",
            self.steps().saturating_add(n + 1),
            16,
        )?;
        let out = self.pop.run(
            n,
            Drive::Constant(self.current),
            &Record::spikes().with_traces([0]),
        )?;
        let new_spikes = out.spikes().len();
        self.keep(out)?;
        Ok(Snapshot {
            t: self.t(),
            v: self.v(),
            new_spikes,
            chart: self.chart()?,
        })
    }
    /// Advances until the potential is at or above `level` after a step, or `max_steps`
    /// steps have been taken, whichever comes first (at least one step); returns the new
    /// state with its chart. For "charge to near the threshold, then switch the current off".
    ///
    /// # Errors
    /// A non-finite `level`, `max_steps == 0`, or those of [`advance`](Self::advance);
    /// nothing is simulated on error.
    pub fn advance_until(&mut self, level: f64, max_steps: usize) -> Result<Snapshot> {
        snn_sim::check::finite("level", level)?;
        snn_sim::check::nonzero("max_steps", max_steps)?;
        fits(
            "step-through history",
            self.steps().saturating_add(max_steps + 1),
            16,
        )?;
        let mut taken = 0;
        let mut new_spikes = 0;
        while taken < max_steps {
            new_spikes += self.step_once()?;
            taken += 1;
            if self.v() >= level {
                break;
            }
        }
        Ok(Snapshot {
            t: self.t(),
            v: self.v(),
            new_spikes,
            chart: self.chart()?,
        })
    }
    /// One step under the current input, appended to the history; returns its spikes.
    fn step_once(&mut self) -> Result<usize> {
        let out = self.pop.run(
            1,
            Drive::Constant(self.current),
            &Record::spikes().with_traces([0]),
        )?;
        let spikes = out.spikes().len();
        self.keep(out)?;
        Ok(spikes)
    }
    /// Appends a run of the population to the history.
    fn keep(&mut self, out: SimResult<f64>) -> Result<()> {
        match &mut self.history {
            Some(h) => h.append(out),
            None => {
                self.history = Some(out);
                Ok(())
            }
        }
    }
    /// Back to the start: initial potential, empty history; the current is kept.
    pub fn reset(&mut self) {
        self.pop.reset();
        self.history = None;
    }
    /// Membrane potential now.
    pub fn v(&self) -> f64 {
        self.pop.v()[0]
    }
    /// Time now: steps taken times `dt`.
    pub fn t(&self) -> f64 {
        self.steps() as f64 * self.pop.kernel().dt()
    }
    /// Steps taken.
    pub fn steps(&self) -> usize {
        self.history.as_ref().map_or(0, SimResult::steps)
    }
    /// Spikes so far.
    pub fn spikes(&self) -> usize {
        self.history.as_ref().map_or(0, |h| h.spikes().len())
    }
    /// Refractory steps left.
    pub fn refractory_steps_left(&self) -> u32 {
        self.pop.refractory()[0]
    }
    /// The whole history as a simulation result (for charts or analysis).
    ///
    /// # Errors
    /// [`SnnError::Empty`](snn_sim::SnnError::Empty) before the first step.
    pub fn result(&self) -> Result<&SimResult<f64>> {
        self.history.as_ref().ok_or(snn_sim::SnnError::Empty {
            name: "history (advance at least one step)",
        })
    }
    /// The membrane chart of the history so far, titled with the current state.
    ///
    /// # Errors
    /// No step taken yet, or a drawing failure.
    pub fn chart(&self) -> Result<Chart> {
        let history = self.result()?;
        let (vu, iu, tu) = if self.physical {
            ("mV", "nA", "ms")
        } else {
            ("a.u.", "a.u.", "steps")
        };
        let left = self.refractory_steps_left();
        let t = if self.physical {
            format!("{:.1}", self.t())
        } else {
            format!("{}", self.steps())
        };
        let plural =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        let title = format!(
            "t = {t} {tu} · V = {} {vu} · I = {} {iu} · {}{}",
            chart::num(self.v()),
            chart::num(self.current),
            plural(self.spikes(), "spike", "spikes"),
            if left > 0 {
                format!(
                    " · refractory for {}",
                    plural(left as usize, "more step", "more steps")
                )
            } else {
                String::new()
            }
        );
        chart::membrane(history, vu, iu, tu, &title)
    }
    /// Shows the current chart under the notebook cell; if no step was taken yet, says so.
    pub fn evcxr_display(&self) {
        match self.chart() {
            Ok(c) => c.evcxr_display(),
            Err(e) => println!("{e}"),
        }
    }
}
