//! Song, Miller & Abbott (2000), *Competitive Hebbian learning through spike-timing-dependent
//! synaptic plasticity*, Nat. Neurosci. 3: one neuron, many plastic inputs (Brian2's
//! `synapses/STDP` example).

use std::time::Instant;

use rand::Rng;

use super::seed::stream;
use super::{
    Connection, Connectivity, NetRecord, Network, NetworkDescription, Pairing, PopId, Source, Stdp,
    Synapse,
};
use crate::error::{positive, Result, SnnError};
use crate::neuron::LifParams;
use crate::param::{Param, Values};

/// Membrane resistance of the Song neuron, MΩ: its leak conductance is `1/R` = 10 nS, and
/// the conductances of the paper (relative to the leak) are in units of it.
const R_MOHM: f64 = 100.0;

/// The experiment of Song, Miller & Abbott (2000) as in Brian2's `synapses/STDP` example: one
/// conductance-based LIF neuron,
///
/// `τ_m dV/dt = (E_L − V) + g_e·(E_exc − V)`, `τ_syn dg_e/dt = −g_e`,
///
/// `τ_m = 10` ms, `E_L = −74` mV, `V_th = −54` mV, `V_reset = −60` mV, `E_exc = 0` mV,
/// `τ_syn = 5` ms, no refractory period, `g_e` relative to the leak conductance (here
/// `R = 100` MΩ, so `g_e = 1` is 10 nS). It is driven by `inputs` Poisson sources of `rate_hz`,
/// each through one plastic synapse that adds its weight to `g_e`, starting uniform in
/// `[0, g_max]`, with all-to-all STDP (`τ_pre = τ_post = 20` ms, `A+ = 0.01·g_max`,
/// `A− = 1.05·A+·τ_pre/τ_post`). Optionally the first `correlated` inputs share spikes
/// with correlation coefficient `c` (see [`Source::Correlated`]).
///
/// ```
/// use snn_sim::network::Song;
/// let run = Song::paper().inputs(100).duration_s(1.0).run(1, 0.5)?;
/// assert_eq!(run.w_over_wmax.len(), 100);
/// assert_eq!(run.snapshots.len(), 3); // t = 0, 0.5 and 1 s
/// assert!(run.w_over_wmax.iter().all(|&w| (0.0..=1.0).contains(&w)));
/// # Ok::<(), snn_sim::SnnError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Song {
    /// Number of plastic inputs. Paper: 1,000.
    pub inputs: usize,
    /// Rate of each input, Hz. Paper: 15.
    pub rate_hz: f64,
    /// Simulated time, s. Paper: 100.
    pub duration_s: f64,
    /// Time step, ms. Default 0.1.
    pub dt_ms: f64,
    /// Largest weight, relative to the leak conductance. Paper: 0.01.
    pub g_max: f64,
    /// `A+` over `g_max`. Paper: 0.01.
    pub a_plus: f64,
    /// `A−` over `g_max`. Paper: `1.05·A+·τ_pre/τ_post` = 0.0105 (depression slightly
    /// stronger than potentiation, which keeps the rate in check).
    pub a_minus: f64,
    /// `τ_pre`, ms. Paper: 20.
    pub tau_pre_ms: f64,
    /// `τ_post`, ms. Paper: 20.
    pub tau_post_ms: f64,
    /// How many of the inputs (the first ones) are correlated. Default 0.
    pub correlated: usize,
    /// Their correlation coefficient, in [0, 1]. Default 0.
    pub c: f64,
    /// The pairing scheme. Paper: all-to-all.
    pub pairing: Pairing,
}

/// What a [`Song`] run gives.
#[derive(Debug, Clone, PartialEq)]
pub struct SongRun {
    /// Final weight of every input over `g_max`, in input order.
    pub w_over_wmax: Vec<f64>,
    /// Times of the snapshots, s (0 first, the end last).
    pub times_s: Vec<f64>,
    /// Weights over `g_max` at each snapshot time.
    pub snapshots: Vec<Vec<f64>>,
    /// Output rate over each interval between snapshots, Hz.
    pub rate_hz: Vec<f64>,
    /// Output rate over the last tenth of the run, Hz (the settled rate).
    pub output_rate_hz: f64,
    /// Output spikes in all.
    pub output_spikes: u64,
    /// Wall-clock seconds of the simulation (building excluded).
    pub seconds: f64,
}

impl SongRun {
    /// Share of final weights below `lo` and above `hi` (over `g_max`): for a bimodal
    /// result, most weights are in one of the two.
    pub fn fractions(&self, lo: f64, hi: f64) -> (f64, f64) {
        let n = self.w_over_wmax.len().max(1) as f64;
        let below = self.w_over_wmax.iter().filter(|&&w| w < lo).count() as f64;
        let above = self.w_over_wmax.iter().filter(|&&w| w > hi).count() as f64;
        (below / n, above / n)
    }
    /// The output rate over windows of `per` consecutive snapshot intervals (the last window
    /// may be shorter), as `(end time s, Hz)`: `per = 1` is [`rate_hz`](Self::rate_hz) at
    /// the snapshot times; a larger `per` smooths it.
    pub fn rate_points(&self, per: usize) -> Vec<(f64, f64)> {
        let per = per.max(1);
        let times = &self.times_s;
        (0..self.rate_hz.len())
            .step_by(per)
            .map(|a| {
                let b = (a + per).min(self.rate_hz.len());
                let span = times[b] - times[a];
                let spikes: f64 = (a..b)
                    .map(|k| self.rate_hz[k] * (times[k + 1] - times[k]))
                    .sum();
                (times[b], if span > 0.0 { spikes / span } else { 0.0 })
            })
            .collect()
    }
    /// Mean final weight over `g_max` of the inputs in `range`.
    pub fn mean_w(&self, range: std::ops::Range<usize>) -> f64 {
        let part = &self.w_over_wmax
            [range.start.min(self.w_over_wmax.len())..range.end.min(self.w_over_wmax.len())];
        part.iter().sum::<f64>() / part.len().max(1) as f64
    }
}

impl Song {
    /// Simulated time, s: > 0.
    pub const DURATION: Param = Param::new("duration", " s", Values::Positive);
    /// Plastic inputs: >= 1.
    pub const INPUTS: Param = Param::new("inputs", "", Values::AtLeast { min: 1 });
    /// The paper's experiment: 1,000 inputs at 15 Hz for 100 s, `g_max = 0.01`, `A+ = 0.01
    /// g_max`, `A−/A+ = 1.05`, 20 ms traces, dt 0.1 ms.
    pub fn paper() -> Self {
        Self {
            inputs: 1000,
            rate_hz: 15.0,
            duration_s: 100.0,
            dt_ms: 0.1,
            g_max: 0.01,
            a_plus: 0.01,
            a_minus: 0.0105,
            tau_pre_ms: 20.0,
            tau_post_ms: 20.0,
            correlated: 0,
            c: 0.0,
            pairing: Pairing::AllToAll,
        }
    }
    /// Sets the number of inputs.
    pub fn inputs(mut self, n: usize) -> Self {
        self.inputs = n;
        self
    }
    /// Sets the input rate, Hz.
    pub fn rate_hz(mut self, r: f64) -> Self {
        self.rate_hz = r;
        self
    }
    /// Sets the simulated time, s.
    pub fn duration_s(mut self, s: f64) -> Self {
        self.duration_s = s;
        self
    }
    /// Makes the first `n` inputs correlated with coefficient `c`.
    pub fn correlated(mut self, n: usize, c: f64) -> Self {
        self.correlated = n;
        self.c = c;
        self
    }
    /// Sets the trace time constants, ms.
    pub fn taus_ms(mut self, tau_pre: f64, tau_post: f64) -> Self {
        self.tau_pre_ms = tau_pre;
        self.tau_post_ms = tau_post;
        self
    }
    /// Sets `A+` and `A−`, relative to `g_max`.
    pub fn amplitudes(mut self, a_plus: f64, a_minus: f64) -> Self {
        self.a_plus = a_plus;
        self.a_minus = a_minus;
        self
    }
    /// Sets the pairing scheme.
    pub fn pairing(mut self, p: Pairing) -> Self {
        self.pairing = p;
        self
    }

    /// The neuron's model.
    pub fn neuron(&self) -> Result<LifParams> {
        LifParams::builder()
            .tau_m(10.0)
            .v_rest(-74.0)
            .v_reset(-60.0)
            .v_th(-54.0)
            .v0(-74.0)
            .r_m(R_MOHM)
            .t_ref(0.0)
            .dt(self.dt_ms)
            .build()
    }

    /// The synapse at weight `w` (relative to the leak): `w/R` nS added per spike.
    pub fn synapse(&self, w: f64) -> Synapse {
        Synapse::ConductanceExp {
            w: w / R_MOHM * 1e3,
            tau_syn: 5.0,
            e_rev: 0.0,
        }
    }

    /// The STDP rule, in the synapse's unit (nS).
    ///
    /// # Errors
    /// A bad value of the rule, or a `g_max` that is not positive.
    pub fn rule(&self) -> Result<Stdp> {
        positive("g_max", "", self.g_max)?;
        let unit = self.g_max * 1e3 / R_MOHM;
        Stdp::builder()
            .tau_pre_ms(self.tau_pre_ms)
            .tau_post_ms(self.tau_post_ms)
            .a_plus(self.a_plus * unit)
            .a_minus(self.a_minus * unit)
            .w_max(unit)
            .pairing(self.pairing)
            .build()
    }

    /// Checks every value without building anything.
    ///
    /// # Errors
    /// As [`run`](Self::run): no inputs, more correlated inputs than inputs, `c` outside
    /// [0, 1], a rate with `rate·dt > 1`, a bad rule or step, a duration that is not positive.
    pub fn validate(&self) -> Result<()> {
        let dt = self.neuron()?.dt();
        self.rule()?;
        Self::DURATION.check(self.duration_s)?;
        Self::INPUTS.check_count(self.inputs)?;
        if self.correlated > self.inputs {
            return Err(SnnError::OutOfRange {
                name: "correlated",
                range: "[0, inputs]",
                value: self.correlated as f64,
            });
        }
        Source::correlated(self.inputs, self.rate_hz, self.c).validate(dt)?;
        self.neuron()?.steps_for(self.duration_s * 1e3)?;
        Ok(())
    }

    /// The network's description: population 0 the neuron, then the correlated inputs (if
    /// any) and the independent ones, each group with one plastic projection (in that
    /// order); starting weights uniform in `[0, g_max]` drawn from `seed`.
    ///
    /// # Errors
    /// A bad value: no inputs, more correlated inputs than inputs, `c` outside [0, 1], a rate
    /// with `rate·dt > 1`, a non-positive `g_max`, time constant or step.
    pub fn describe(&self, seed: u64) -> Result<(NetworkDescription, PopId)> {
        self.validate()?;
        let rule = self.rule()?;
        let mut b = Network::builder();
        let out = b.population("neuron", &self.neuron()?, 1)?;
        let conn = Connection::new(self.synapse(0.0), Connectivity::AllToAll).stdp(rule);
        if self.correlated > 0 {
            let c = b.source(
                "correlated inputs",
                Source::correlated(self.correlated, self.rate_hz, self.c),
            )?;
            b.connect(c, out, conn)?;
        }
        if self.inputs > self.correlated {
            let u = b.source(
                "inputs",
                Source::poisson(self.inputs - self.correlated, self.rate_hz),
            )?;
            b.connect(u, out, conn)?;
        }
        let mut desc = b.describe(seed)?;
        let mut rng = stream(seed, 9, 0);
        for p in 0..desc.projections().len() {
            let w: Vec<f64> = (0..desc.projection(p)?.synapses())
                .map(|_| rng.gen::<f64>() * rule.w_max())
                .collect();
            desc = desc.with_weights(p, &w)?;
        }
        Ok((desc, out))
    }

    /// The network in its starting state (see [`describe`](Self::describe)).
    ///
    /// # Errors
    /// As [`describe`](Self::describe).
    pub fn build(&self, seed: u64) -> Result<(Network, PopId)> {
        let (desc, out) = self.describe(seed)?;
        Ok((Network::new(desc)?, out))
    }

    /// The weights over `g_max`, in input order.
    fn weights(net: &Network, w_max: f64) -> Vec<f64> {
        (0..net.projections())
            .filter_map(|p| net.weights(p).ok().flatten())
            .flatten()
            .map(|w| w / w_max)
            .collect()
    }

    /// Runs the experiment from `seed`, with a snapshot of the weights and the output rate
    /// every `every_s` seconds (and at the end).
    ///
    /// # Errors
    /// A bad value (see [`build`](Self::build)), a duration that is not positive, or
    /// snapshots that would hold more than [`MAX_BYTES`](crate::MAX_BYTES).
    pub fn run(&self, seed: u64, every_s: f64) -> Result<SongRun> {
        self.validate()?;
        positive("every", " s", every_s)?;
        let (mut net, out) = self.build(seed)?;
        let w_max = self.rule()?.w_max();
        let total = self.neuron()?.steps_for(self.duration_s * 1e3)?;
        let chunk = ((every_s * 1e3 / self.dt_ms).round() as usize).clamp(1, total.max(1));
        let snaps = total.div_ceil(chunk) + 1;
        crate::error::fits("snapshots", snaps.saturating_mul(self.inputs), 8)?;
        let mut run = SongRun {
            w_over_wmax: Vec::new(),
            times_s: vec![0.0],
            snapshots: vec![Self::weights(&net, w_max)],
            rate_hz: Vec::with_capacity(snaps),
            output_rate_hz: 0.0,
            output_spikes: 0,
            seconds: 0.0,
        };
        // Output spike counts per step, for the settled rate over the last tenth.
        let tail = (total / 10).max(1);
        let mut tail_spikes = 0u64;
        let start = Instant::now();
        let mut done = 0usize;
        while done < total {
            let steps = chunk.min(total - done);
            let r = net.run(steps, &NetRecord::counts())?;
            let p = r.population(out)?;
            let spikes = u64::from(p.counts()[0]);
            run.output_spikes += spikes;
            for (k, &a) in p.active().iter().enumerate() {
                if done + k >= total - tail {
                    tail_spikes += u64::from(a);
                }
            }
            done += steps;
            run.rate_hz
                .push(spikes as f64 / (steps as f64 * self.dt_ms * 1e-3));
            run.times_s.push(done as f64 * self.dt_ms * 1e-3);
            run.snapshots.push(Self::weights(&net, w_max));
        }
        run.seconds = start.elapsed().as_secs_f64();
        run.output_rate_hz = tail_spikes as f64 / (tail as f64 * self.dt_ms * 1e-3);
        run.w_over_wmax = run.snapshots.last().cloned().unwrap_or_default();
        Ok(run)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run() -> SongRun {
        SongRun {
            w_over_wmax: vec![0.05, 0.5, 0.95, 0.0, 1.0],
            times_s: vec![0.0, 1.0, 2.0, 3.0, 3.5],
            snapshots: vec![vec![0.5; 5]; 5],
            rate_hz: vec![10.0, 20.0, 30.0, 40.0],
            output_rate_hz: 40.0,
            output_spikes: 80,
            seconds: 0.0,
        }
    }

    #[test]
    fn rates_over_windows_weigh_each_interval_by_its_length() {
        let r = run();
        assert_eq!(
            r.rate_points(1),
            vec![(1.0, 10.0), (2.0, 20.0), (3.0, 30.0), (3.5, 40.0)]
        );
        // (10 + 20) / 2 s, then (30·1 + 40·0.5) / 1.5 s.
        assert_eq!(r.rate_points(2), vec![(2.0, 15.0), (3.5, 50.0 / 1.5)]);
        assert_eq!(r.rate_points(0), r.rate_points(1));
        assert_eq!(r.rate_points(10), vec![(3.5, 80.0 / 3.5)]);
    }

    #[test]
    fn fractions_and_means_count_the_right_weights() {
        let r = run();
        assert_eq!(r.fractions(0.1, 0.9), (0.4, 0.4));
        assert!((r.mean_w(0..2) - 0.275).abs() < 1e-15);
        assert!((r.mean_w(3..9) - 0.5).abs() < 1e-15);
        assert_eq!(r.mean_w(7..9), 0.0);
    }
}
