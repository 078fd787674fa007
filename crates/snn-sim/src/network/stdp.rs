//! Spike-timing-dependent plasticity: pair-based STDP on a projection, event-driven.

use crate::error::{Result, SnnError};
use crate::param::{Param, Values};

/// Which spike pairs a synapse counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Pairing {
    /// Every pre spike pairs with every post spike: each spike adds to its trace,
    /// `A ← A + a` (Brian2's `synapses/STDP` example, Song et al. 2000).
    #[default]
    AllToAll,
    /// Each spike pairs only with the nearest earlier spike of the other side: each spike
    /// sets its trace, `A ← a` (the symmetric nearest-spike scheme of Morrison et al. 2008).
    Nearest,
}

/// Pair-based STDP with additive, clipped weight changes.
///
/// Each source neuron keeps a presynaptic trace and each target neuron a postsynaptic one,
/// both decaying between spikes:
///
/// `tau_pre dA_pre/dt = −A_pre`, `tau_post dA_post/dt = −A_post` (ms).
///
/// At a presynaptic spike the trace takes `a_plus` (added or set, see [`Pairing`]) and every
/// synapse of the neuron is depressed by the target's trace: `w ← clip(w − A_post, 0,
/// w_max)`. At a postsynaptic spike the trace takes `a_minus` and every synapse into the
/// neuron is potentiated: `w ← clip(w + A_pre, 0, w_max)`. For one pair of spikes
/// `Δt = t_post − t_pre` apart this gives the window
///
/// `Δw = a_plus·e^(−Δt/tau_pre)` for `Δt >= 0`, `Δw = −a_minus·e^(Δt/tau_post)` for `Δt < 0`.
///
/// The spike times are those of the neurons (the end of the step that fired), not of the
/// arrival after the transmission delay. Within one step, presynaptic spikes are taken before
/// postsynaptic ones, so `Δt = 0` potentiates. The traces are kept as a value and the step
/// of its last change, and decayed in closed form when read: nothing is done per synapse or
/// per neuron in a step without spikes. Weights are in the synapse's unit (mV, nA or nS).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stdp {
    tau_pre: f64,
    tau_post: f64,
    a_plus: f64,
    a_minus: f64,
    w_max: f64,
    pairing: Pairing,
}

/// Builds an [`Stdp`] rule; every value is checked once in [`build`](Self::build).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StdpBuilder {
    tau_pre: f64,
    tau_post: f64,
    a_plus: f64,
    a_minus: f64,
    w_max: f64,
    pairing: Pairing,
}

impl Default for StdpBuilder {
    fn default() -> Self {
        Self {
            tau_pre: 20.0,
            tau_post: 20.0,
            a_plus: 0.01,
            a_minus: 0.0105,
            w_max: 1.0,
            pairing: Pairing::AllToAll,
        }
    }
}

impl StdpBuilder {
    /// Presynaptic trace time constant, ms (> 0). Default 20.
    pub fn tau_pre_ms(mut self, v: f64) -> Self {
        self.tau_pre = v;
        self
    }
    /// Postsynaptic trace time constant, ms (> 0). Default 20.
    pub fn tau_post_ms(mut self, v: f64) -> Self {
        self.tau_post = v;
        self
    }
    /// Potentiation per pair at `Δt = 0`, in weight units (>= 0). Default 0.01.
    pub fn a_plus(mut self, v: f64) -> Self {
        self.a_plus = v;
        self
    }
    /// Depression per pair at `Δt → 0⁻`, in weight units (>= 0). Default 0.0105.
    pub fn a_minus(mut self, v: f64) -> Self {
        self.a_minus = v;
        self
    }
    /// Largest weight (> 0). Default 1.
    pub fn w_max(mut self, v: f64) -> Self {
        self.w_max = v;
        self
    }
    /// The pairing scheme. Default [`Pairing::AllToAll`].
    pub fn pairing(mut self, p: Pairing) -> Self {
        self.pairing = p;
        self
    }
    /// The rule.
    ///
    /// # Errors
    /// A time constant that is not positive and finite; an amplitude that is negative or not
    /// finite; `w_max` not positive; any value beyond 1e12.
    pub fn build(self) -> Result<Stdp> {
        Stdp::TAU_PRE.check(self.tau_pre)?;
        Stdp::TAU_POST.check(self.tau_post)?;
        Stdp::A_PLUS.check(self.a_plus)?;
        Stdp::A_MINUS.check(self.a_minus)?;
        Stdp::W_MAX.check(self.w_max)?;
        Ok(Stdp {
            tau_pre: self.tau_pre,
            tau_post: self.tau_post,
            a_plus: self.a_plus,
            a_minus: self.a_minus,
            w_max: self.w_max,
            pairing: self.pairing,
        })
    }
}

impl Stdp {
    /// Presynaptic trace time constant, ms: > 0.
    pub const TAU_PRE: Param = Param::new("tau_pre", " ms", Values::PositiveBounded);
    /// Postsynaptic trace time constant, ms: > 0.
    pub const TAU_POST: Param = Param::new("tau_post", " ms", Values::PositiveBounded);
    /// Potentiation at `Δt = 0`: >= 0.
    pub const A_PLUS: Param = Param::new("a_plus", "", Values::NonNegativeBounded);
    /// Depression at `Δt → 0−` (the change is `−a_minus`): >= 0.
    pub const A_MINUS: Param = Param::new("a_minus", "", Values::NonNegativeBounded);
    /// Largest weight: > 0.
    pub const W_MAX: Param = Param::new("w_max", "", Values::PositiveBounded);
    /// A builder with the defaults (20 ms, 20 ms, 0.01, 0.0105, `w_max` 1, all-to-all).
    pub fn builder() -> StdpBuilder {
        StdpBuilder::default()
    }
    /// Presynaptic trace time constant, ms.
    pub fn tau_pre_ms(&self) -> f64 {
        self.tau_pre
    }
    /// Postsynaptic trace time constant, ms.
    pub fn tau_post_ms(&self) -> f64 {
        self.tau_post
    }
    /// Potentiation amplitude.
    pub fn a_plus(&self) -> f64 {
        self.a_plus
    }
    /// Depression amplitude.
    pub fn a_minus(&self) -> f64 {
        self.a_minus
    }
    /// Largest weight.
    pub fn w_max(&self) -> f64 {
        self.w_max
    }
    /// The pairing scheme.
    pub fn pairing(&self) -> Pairing {
        self.pairing
    }
    /// The closed-form window: the weight change of one pre and one post spike
    /// `dt_ms = t_post − t_pre` apart (before clipping), `a_plus·e^(−Δt/tau_pre)` for
    /// `Δt >= 0` and `−a_minus·e^(Δt/tau_post)` for `Δt < 0`.
    pub fn window(&self, dt_ms: f64) -> f64 {
        if dt_ms >= 0.0 {
            self.a_plus * (-dt_ms / self.tau_pre).exp()
        } else {
            -self.a_minus * (dt_ms / self.tau_post).exp()
        }
    }
    /// Checks a starting weight against `[0, w_max]`.
    pub(crate) fn check_w(&self, w: f64) -> Result<()> {
        if !(0.0..=self.w_max).contains(&w) {
            return Err(SnnError::OutOfRange {
                name: "w (a plastic synapse's, in [0, w_max])",
                range: "[0, w_max]",
                value: w,
            });
        }
        Ok(())
    }
}

/// One event-driven trace per neuron: its value after the last change, and that step.
#[derive(Debug, Clone)]
struct Traces {
    a: Vec<f64>,
    at: Vec<u64>,
    /// `dt/tau`, per step.
    rate: f64,
}

impl Traces {
    fn new(n: usize, dt: f64, tau: f64) -> Self {
        Self {
            a: vec![0.0; n],
            at: vec![0; n],
            rate: dt / tau,
        }
    }
    /// The trace of neuron `i` at step `t`.
    #[inline]
    fn at(&self, i: usize, t: u64) -> f64 {
        let a = self.a[i];
        if a == 0.0 {
            return 0.0;
        }
        a * (-((t - self.at[i]) as f64) * self.rate).exp()
    }
    /// A spike of neuron `i` at step `t`: the trace takes `amp`.
    #[inline]
    fn spike(&mut self, i: usize, t: u64, amp: f64, pairing: Pairing) {
        self.a[i] = match pairing {
            Pairing::AllToAll => self.at(i, t) + amp,
            Pairing::Nearest => amp,
        };
        self.at[i] = t;
    }
}

/// A plastic projection's state: the traces and, for each target, its synapses.
#[derive(Debug, Clone)]
pub(crate) struct StdpState {
    rule: Stdp,
    pre: Traces,
    post: Traces,
    /// Synapses into each target: `col_start[j]..col_start[j+1]` index `col_syn` (synapse
    /// index in row order) and `col_src` (its source).
    col_start: Vec<usize>,
    col_syn: Vec<u32>,
    col_src: Vec<u32>,
}

impl StdpState {
    /// The state for `rule` on a projection from `n_from` sources to `n_to` targets whose
    /// synapses are `rows` (CSR: `start`, `target`).
    pub(crate) fn new(
        rule: Stdp,
        dt: f64,
        n_from: usize,
        n_to: usize,
        start: &[usize],
        target: &[u32],
    ) -> Self {
        let mut col_start = vec![0usize; n_to + 1];
        for &j in target {
            col_start[j as usize + 1] += 1;
        }
        for j in 0..n_to {
            col_start[j + 1] += col_start[j];
        }
        let mut fill = col_start.clone();
        let mut col_syn = vec![0u32; target.len()];
        let mut col_src = vec![0u32; target.len()];
        for i in 0..n_from {
            for (s, &j) in target.iter().enumerate().take(start[i + 1]).skip(start[i]) {
                let j = j as usize;
                col_syn[fill[j]] = s as u32;
                col_src[fill[j]] = i as u32;
                fill[j] += 1;
            }
        }
        Self {
            rule,
            pre: Traces::new(n_from, dt, rule.tau_pre),
            post: Traces::new(n_to, dt, rule.tau_post),
            col_start,
            col_syn,
            col_src,
        }
    }

    /// Forgets every spike: both traces back to zero.
    pub(crate) fn clear(&mut self) {
        for tr in [&mut self.pre, &mut self.post] {
            tr.a.fill(0.0);
            tr.at.fill(0);
        }
    }

    /// Bytes held: two traces (16 bytes) per neuron on each side, 8 bytes per synapse for
    /// the reverse index.
    pub(crate) fn bytes(&self) -> usize {
        (self.pre.a.len() + self.post.a.len()) * 16
            + self.col_syn.len() * 8
            + self.col_start.len() * 8
    }

    /// The weight changes of step `t`: first the presynaptic spikes `pre` (depression by
    /// the targets' traces, then their own traces), then the postsynaptic spikes `post`
    /// (their traces, then potentiation by the sources' traces).
    pub(crate) fn apply(
        &mut self,
        t: u64,
        pre: &[u32],
        post: &[u32],
        start: &[usize],
        target: &[u32],
        w: &mut [f64],
    ) {
        let (w_max, pairing) = (self.rule.w_max, self.rule.pairing);
        for &i in pre {
            let i = i as usize;
            for s in start[i]..start[i + 1] {
                let a = self.post.at(target[s] as usize, t);
                if a != 0.0 {
                    w[s] = (w[s] - a).clamp(0.0, w_max);
                }
            }
            self.pre.spike(i, t, self.rule.a_plus, pairing);
        }
        for &j in post {
            let j = j as usize;
            self.post.spike(j, t, self.rule.a_minus, pairing);
            for k in self.col_start[j]..self.col_start[j + 1] {
                let a = self.pre.at(self.col_src[k] as usize, t);
                if a != 0.0 {
                    let s = self.col_syn[k] as usize;
                    w[s] = (w[s] + a).clamp(0.0, w_max);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(pairing: Pairing) -> Stdp {
        Stdp::builder()
            .tau_pre_ms(20.0)
            .tau_post_ms(10.0)
            .a_plus(0.1)
            .a_minus(0.2)
            .w_max(1.0)
            .pairing(pairing)
            .build()
            .unwrap()
    }

    /// One source, one target, one synapse; `events` are `(step, is_pre)`; dt = 1 ms.
    fn run(rule: Stdp, w0: f64, events: &[(u64, bool)]) -> f64 {
        let (start, target) = ([0usize, 1], [0u32]);
        let mut s = StdpState::new(rule, 1.0, 1, 1, &start, &target);
        let mut w = [w0];
        for &(t, is_pre) in events {
            let (pre, post): (&[u32], &[u32]) = if is_pre { (&[0], &[]) } else { (&[], &[0]) };
            s.apply(t, pre, post, &start, &target, &mut w);
        }
        w[0]
    }

    #[test]
    fn all_to_all_sums_every_pair() {
        // Pre at 10 and 20 ms, post at 30, then pre at 35 (dt = 1 ms).
        // Post at 30 pairs with both pres: 0.1·(e^(−20/20) + e^(−10/20)).
        // Pre at 35 pairs with the post at 30: −0.2·e^(−5/10).
        let w = run(
            rule(Pairing::AllToAll),
            0.5,
            &[(10, true), (20, true), (30, false), (35, true)],
        );
        let want = 0.5 + 0.1 * ((-1.0f64).exp() + (-0.5f64).exp()) - 0.2 * (-0.5f64).exp();
        assert!((w - want).abs() < 1e-15, "{w} {want}");
    }

    #[test]
    fn nearest_pairs_only_the_latest_spike() {
        // Same spikes: the post pairs with the pre at 20 only; two posts at 30 and 32 then a
        // pre at 35: the pre pairs with the post at 32 only; the second post still sees the
        // pre at 20.
        let w = run(
            rule(Pairing::Nearest),
            0.5,
            &[(10, true), (20, true), (30, false), (32, false), (35, true)],
        );
        let want = 0.5 + 0.1 * (-0.5f64).exp() + 0.1 * (-0.6f64).exp() - 0.2 * (-0.3f64).exp();
        assert!((w - want).abs() < 1e-15, "{w} {want}");
        let all = run(
            rule(Pairing::AllToAll),
            0.5,
            &[(10, true), (20, true), (30, false), (32, false), (35, true)],
        );
        let want_all = 0.5
            + 0.1 * ((-1.0f64).exp() + (-0.5f64).exp())
            + 0.1 * ((-1.1f64).exp() + (-0.6f64).exp())
            - 0.2 * ((-0.5f64).exp() + (-0.3f64).exp());
        assert!((all - want_all).abs() < 1e-15, "{all} {want_all}");
    }

    #[test]
    fn weights_are_clipped_at_each_event() {
        // From 0.95, five potentiations of 0.1 at Δt = 0 stop at 1; then depression from 1.
        let mut ev = Vec::new();
        for k in 0..5 {
            ev.push((100 * k, true));
            ev.push((100 * k, false));
        }
        let w = run(rule(Pairing::Nearest), 0.95, &ev);
        assert_eq!(w, 1.0);
        // A pre 1 ms after a post from 0.1: −0.2·e^(−0.1) ≈ −0.18 clips at 0.
        let w = run(rule(Pairing::Nearest), 0.1, &[(5, false), (6, true)]);
        assert_eq!(w, 0.0);
        // Pairs in the same step potentiate (pre taken first): Δt = 0 gives a_plus.
        let w = run(rule(Pairing::AllToAll), 0.5, &[(7, true), (7, false)]);
        assert!((w - 0.6).abs() < 1e-15);
    }

    #[test]
    fn window_is_the_closed_form() {
        let r = rule(Pairing::AllToAll);
        for dt in -60i64..=60 {
            let (tpre, tpost) = (100u64, (100 + dt) as u64);
            let ev = if dt >= 0 {
                [(tpre, true), (tpost, false)]
            } else {
                [(tpost, false), (tpre, true)]
            };
            let w = run(r, 0.5, &ev);
            assert!((w - 0.5 - r.window(dt as f64)).abs() < 1e-15, "{dt}");
        }
        assert_eq!(r.window(0.0), 0.1);
        assert!((r.window(-10.0) + 0.2 * (-1.0f64).exp()).abs() < 1e-15);
    }

    #[test]
    fn bad_rules_are_refused() {
        assert!(Stdp::builder().tau_pre_ms(0.0).build().is_err());
        assert!(Stdp::builder().tau_post_ms(f64::NAN).build().is_err());
        assert!(Stdp::builder().a_plus(-1.0).build().is_err());
        assert!(Stdp::builder().a_minus(f64::INFINITY).build().is_err());
        assert!(Stdp::builder().w_max(0.0).build().is_err());
        let r = Stdp::builder().build().unwrap();
        assert!(r.check_w(1.5).is_err() && r.check_w(-0.1).is_err() && r.check_w(0.3).is_ok());
    }
}
