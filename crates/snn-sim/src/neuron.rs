//! Neuron models: the original demo's discrete neuron and the leaky integrate-and-fire (LIF)
//! neuron in physical units. Parameters are validated once, when built, and carry the
//! constants derived from them; the state lives in a [`Population`](crate::Population).
//!
//! # Units of the physical model
//! Time in milliseconds (ms), potential in millivolts (mV), resistance in megaohms (MΩ) and
//! current in nanoamperes (nA). The system is consistent: MΩ · nA = mV, so `R * I` is a
//! potential with no conversion factor, and decimal inputs such as `R = 10`, `I = 1.5` give
//! exactly `15` mV, which keeps the rheobase exact (see [`Crossing`]).

use crate::error::{bounded, finite, non_negative, positive, Result, SnnError};
use crate::real::Real;

/// How a membrane update is integrated over one time step `dt`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Integration {
    /// Exact solution for an input held constant over the step: the potential relaxes towards
    /// `V_inf = V_rest + R*I` by the factor `exp(-dt / tau_m)`:
    /// `V(t+dt) = V_inf + (V(t) - V_inf) * exp(-dt / tau_m)`.
    /// The trajectory between spikes is the closed form sampled at multiples of `dt`, so the
    /// firing rate depends on `dt` only through the rounding of spike times to the grid.
    #[default]
    Exact,
    /// Forward Euler: `V(t+dt) = V(t) + dt/tau_m * (-(V(t) - V_rest) + R*I)`, which is the same
    /// relaxation with the factor `1 - dt/tau_m`. First-order accurate; requires `dt < tau_m`.
    Euler,
}

/// What happens to the potential of a [`DiscreteParams`] neuron when it spikes.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum Reset {
    /// `V <- v` (the original demo and most textbooks: reset to a fixed value, 0 in the
    /// original).
    ToValue(f64),
    /// `V <- V - threshold`: the overshoot above threshold is kept ("soft reset").
    #[default]
    Subtract,
}

/// What happens to the potential of a [`LifParams`] neuron when it spikes. The reset level is
/// always the model's own `V_reset` (so no value can be given here and then ignored); with a
/// refractory period the neuron is then held where the reset put it for `t_ref`, and cannot
/// spike while held (Brian2's `(unless refractory)`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LifReset {
    /// `V <- V_reset` ("hard reset").
    #[default]
    ToVReset,
    /// `V <- V' - (V_th - V_reset)`, where `V'` is the updated potential that crossed: the
    /// overshoot above threshold is kept ("soft reset"), and the neuron is held at that value
    /// during the refractory period.
    Subtract,
}

/// How the potential is compared with the threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Crossing {
    /// Spike when `V >= V_th` (the original demo's rule).
    AtOrAbove,
    /// Spike when `V > V_th`. With exact integration the potential approaches
    /// `V_inf = V_rest + R*I` from below and never rounds above it, so a neuron driven exactly
    /// at rheobase (`R*I = V_th - V_rest`) stays silent, as the closed form says.
    #[default]
    Above,
}

/// The per-step constants every model reduces to. One update rule serves both models:
///
/// * relaxation form (LIF): `V_inf = offset + gain*I`, `V' = V_inf + (V - V_inf) * alpha`
/// * affine form (discrete): `V' = V*alpha + offset + gain*I`
///
/// then, if `V'` crosses `v_th`: a spike, `V' <- V'*reset_keep + reset_add`, and the neuron
/// is held where the reset put it for `ref_steps` further steps, unable to spike. (`v_hold`
/// is the reset level, for charts.)
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Kernel<F> {
    pub(crate) alpha: F,
    pub(crate) offset: F,
    pub(crate) gain: F,
    pub(crate) v_th: F,
    /// The level the loops compare with: `V' >= v_fire` spikes. `v_th` for
    /// [`Crossing::AtOrAbove`]; the next value above `v_th` for [`Crossing::Above`], which
    /// is exactly `V' > v_th`.
    pub(crate) v_fire: F,
    pub(crate) reset_keep: F,
    pub(crate) reset_add: F,
    pub(crate) v_hold: F,
    pub(crate) v0: F,
    pub(crate) ref_steps: u32,
    pub(crate) relax: bool,
    pub(crate) crossing: Crossing,
    pub(crate) dt: f64,
}

impl<F: Real> Kernel<F> {
    /// The updated potential `V'` of a step that spiked, before its reset: what the neuron
    /// loop compared with the firing level, from the potential `v` before the step and the
    /// step's current. The same arithmetic as the loop, for traces (one neuron at a time). A
    /// neuron that spiked was not held, so the refractory hold plays no part.
    pub(crate) fn unreset(&self, v: F, input: F) -> F {
        let dj = self.offset + self.gain * input;
        if self.relax {
            dj + (v - dj) * self.alpha
        } else {
            v * self.alpha + dj
        }
    }
    /// Time step in the model's time unit (ms for LIF; 1 step for the discrete model).
    pub fn dt(&self) -> f64 {
        self.dt
    }
    /// Refractory period in whole steps.
    pub fn ref_steps(&self) -> u32 {
        self.ref_steps
    }
    /// Threshold in the model's potential unit.
    pub fn v_th(&self) -> F {
        self.v_th
    }
    /// Initial potential of every neuron.
    pub fn v0(&self) -> F {
        self.v0
    }
}

/// The level `V' >= level` tests, for threshold `v_th` in precision `F` under `crossing`.
fn fire_level<F: Real>(v_th: F, crossing: Crossing) -> F {
    match crossing {
        Crossing::AtOrAbove => v_th,
        Crossing::Above => v_th.above(),
    }
}

/// A neuron model: validated parameters that reduce to a [`Kernel`].
pub trait Model {
    /// The per-step constants in precision `F`.
    fn kernel<F: Real>(&self) -> Kernel<F>;
}

/// The original demo's neuron, unit-free and stepped in whole steps:
///
/// `V <- V * decay + I`; if `V >= threshold` (by default) then a spike and `V <- 0`.
///
/// # Examples
/// ```
/// use snn_sim::{DiscreteParams, Population, Drive, Record};
/// // The original's numbers: x = [3.04545118, 1.37379466], w = [-0.2509198, 0.9014286], b = 0.
/// let i = 3.04545118 * -0.2509198 + 1.37379466 * 0.9014286;
/// let params = DiscreteParams::original().build()?;
/// let mut pop = Population::<f64>::new(&params, 1)?;
/// let out = pop.run(10, Drive::Constant(i), &Record::spikes())?;
/// assert_eq!(out.spike_steps_of(0), vec![2, 5, 8]);
/// # Ok::<(), snn_sim::SnnError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DiscreteParams {
    decay: f64,
    threshold: f64,
    reset: Reset,
    crossing: Crossing,
}

/// Builder for [`DiscreteParams`]; nothing is checked until [`build`](Self::build).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DiscreteBuilder {
    /// Multiplicative leak per step, in (0, 1]; 1 means no leak.
    pub decay: f64,
    /// Firing threshold (unit-free), > 0 for reset to 0.
    pub threshold: f64,
    /// Reset rule; the original resets to 0.
    pub reset: Reset,
    /// Threshold comparison; the original fires on `V >= threshold`.
    pub crossing: Crossing,
}

impl DiscreteParams {
    /// Builder with the original notebook's class defaults: decay 0.9, threshold 1, reset to 0,
    /// spike when `V >= threshold`.
    pub fn builder() -> DiscreteBuilder {
        DiscreteBuilder {
            decay: 0.9,
            threshold: 1.0,
            reset: Reset::ToValue(0.0),
            crossing: Crossing::AtOrAbove,
        }
    }
    /// Builder with the values the original demo used for its output neuron: decay 0.8,
    /// threshold 1.
    pub fn original() -> DiscreteBuilder {
        Self::builder().decay(0.8)
    }
    /// Multiplicative leak per step.
    pub fn decay(&self) -> f64 {
        self.decay
    }
    /// Firing threshold.
    pub fn threshold(&self) -> f64 {
        self.threshold
    }
    /// The reset rule.
    pub fn reset(&self) -> Reset {
        self.reset
    }
    /// The threshold comparison.
    pub fn crossing(&self) -> Crossing {
        self.crossing
    }
}

impl DiscreteBuilder {
    /// Sets the leak factor per step, `V <- V * decay + I`.
    pub fn decay(mut self, decay: f64) -> Self {
        self.decay = decay;
        self
    }
    /// Sets the firing threshold.
    pub fn threshold(mut self, threshold: f64) -> Self {
        self.threshold = threshold;
        self
    }
    /// Sets the reset rule.
    pub fn reset(mut self, reset: Reset) -> Self {
        self.reset = reset;
        self
    }
    /// Sets the threshold comparison.
    pub fn crossing(mut self, crossing: Crossing) -> Self {
        self.crossing = crossing;
        self
    }
    /// Validates: `decay` in (0, 1]; `threshold` finite and above the reset value (or > 0 for
    /// [`Reset::Subtract`]).
    ///
    /// # Errors
    /// [`SnnError::OutOfRange`] for the decay, [`SnnError::NonFinite`] or
    /// [`SnnError::ThresholdNotAboveReset`] for the threshold.
    pub fn build(self) -> Result<DiscreteParams> {
        finite("decay", self.decay)?;
        if !(self.decay > 0.0 && self.decay <= 1.0) {
            return Err(SnnError::OutOfRange {
                name: "decay",
                range: "(0, 1]",
                value: self.decay,
            });
        }
        bounded("threshold", self.threshold)?;
        let v_reset = match self.reset {
            Reset::ToValue(v) => bounded("v_reset", v)?,
            Reset::Subtract => 0.0,
        };
        if self.threshold <= v_reset {
            return Err(SnnError::ThresholdNotAboveReset {
                name: "threshold",
                reset_name: "the reset value",
                v_th: self.threshold,
                v_reset,
            });
        }
        Ok(DiscreteParams {
            decay: self.decay,
            threshold: self.threshold,
            reset: self.reset,
            crossing: self.crossing,
        })
    }
}

impl Model for DiscreteParams {
    fn kernel<F: Real>(&self) -> Kernel<F> {
        let (keep, add, hold) = match self.reset {
            Reset::ToValue(v) => (0.0, v, v),
            Reset::Subtract => (1.0, -self.threshold, 0.0),
        };
        Kernel {
            alpha: F::of(self.decay),
            offset: F::zero(),
            gain: F::one(),
            v_th: F::of(self.threshold),
            v_fire: fire_level(F::of(self.threshold), self.crossing),
            reset_keep: F::of(keep),
            reset_add: F::of(add),
            v_hold: F::of(hold),
            v0: F::zero(),
            ref_steps: 0,
            relax: false,
            crossing: self.crossing,
            dt: 1.0,
        }
    }
}

/// Leaky integrate-and-fire neuron in physical units:
///
/// `tau_m dV/dt = -(V - V_rest) + R*I`
///
/// When `V` crosses `V_th` ([`Crossing::Above`] by default: `V > V_th`) the neuron emits a
/// spike, `V` is reset ([`Reset::ToValue`] `V_reset` by default) and then held at `V_reset`
/// for the refractory period `t_ref` (rounded to whole steps).
///
/// **Spike-time convention.** Step `k` advances the state from `t = k*dt` to `t = (k+1)*dt`;
/// a spike found at the end of step `k` is stamped `t = (k+1)*dt`, the first grid time at which
/// the potential has crossed. With exact integration a spike therefore lies in `[T, T + dt)`
/// of the closed-form crossing time `T`.
///
/// Units: ms, mV, MΩ and nA, a consistent system (MΩ · nA = mV) in which `R*I` needs no
/// conversion and decimal inputs stay exact: `R = 10`, `I = 1.5` gives exactly 15 mV.
///
/// # Examples
/// ```
/// use snn_sim::LifParams;
/// let p = LifParams::builder().build()?; // tau_m 10 ms, V_th -50 mV, R 10 MΩ, t_ref 2 ms
/// assert_eq!(p.rheobase(), 1.5);        // nA
/// let r = p.rate_closed_form(2.0);      // spikes per ms
/// assert!((1000.0 * r - 63.04).abs() < 0.01); // 1 / (2 ms + 10 ms * ln 4): about 63 Hz
/// # Ok::<(), snn_sim::SnnError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LifParams {
    tau_m: f64,
    v_rest: f64,
    v_reset: f64,
    v_th: f64,
    r_m: f64,
    t_ref: f64,
    dt: f64,
    v0: f64,
    integration: Integration,
    reset: LifReset,
    crossing: Crossing,
    alpha: f64,
    ref_steps: u32,
}

/// Builder for [`LifParams`]. Public fields, nothing checked until [`build`](Self::build).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LifBuilder {
    /// Membrane time constant `tau_m`, ms (> 0). Default 10.
    pub tau_m: f64,
    /// Resting potential `V_rest`, mV. Default -65.
    pub v_rest: f64,
    /// Reset potential `V_reset`, mV. Default -65.
    pub v_reset: f64,
    /// Threshold `V_th`, mV (> `V_reset`). Default -50.
    pub v_th: f64,
    /// Membrane resistance `R`, MΩ (> 0). Default 10.
    pub r_m: f64,
    /// Refractory period `t_ref`, ms (>= 0). Default 2.
    pub t_ref: f64,
    /// Time step `dt`, ms (> 0). Default 0.1.
    pub dt: f64,
    /// Initial potential `V0`, mV. Default -65.
    pub v0: f64,
    /// Integration method. Default [`Integration::Exact`].
    pub integration: Integration,
    /// Reset rule. Default [`LifReset::ToVReset`].
    pub reset: LifReset,
    /// Threshold comparison. Default [`Crossing::Above`].
    pub crossing: Crossing,
}

macro_rules! setters {
    ($($(#[$doc:meta])* $name:ident: $ty:ty),* $(,)?) => {
        $( $(#[$doc])* pub fn $name(mut self, $name: $ty) -> Self { self.$name = $name; self } )*
    };
}

impl LifBuilder {
    setters! {
        /// Sets `tau_m`, ms.
        tau_m: f64,
        /// Sets `V_rest`, mV.
        v_rest: f64,
        /// Sets `V_reset`, mV.
        v_reset: f64,
        /// Sets `V_th`, mV.
        v_th: f64,
        /// Sets `R`, MΩ.
        r_m: f64,
        /// Sets `t_ref`, ms.
        t_ref: f64,
        /// Sets `dt`, ms.
        dt: f64,
        /// Sets `V0`, mV.
        v0: f64,
        /// Sets the integration method.
        integration: Integration,
        /// Sets the reset rule.
        reset: LifReset,
        /// Sets the threshold comparison.
        crossing: Crossing,
    }

    /// Validates every parameter once and derives the per-step constants.
    ///
    /// # Errors
    /// [`SnnError::NonFinite`] for any NaN or infinite value; [`SnnError::NotPositive`] for
    /// `tau_m`, `dt`, `r_m` <= 0; [`SnnError::Negative`] for `t_ref` < 0;
    /// [`SnnError::ThresholdNotAboveReset`] for `V_th <= V_reset`;
    /// [`SnnError::EulerUnstable`] for Euler with `dt >= tau_m`; [`SnnError::TooManySteps`]
    /// when `t_ref / dt` does not fit a step counter.
    pub fn build(self) -> Result<LifParams> {
        let tau_m = positive("tau_m", " ms", self.tau_m)?;
        let v_rest = bounded("v_rest", self.v_rest)?;
        let v_reset = bounded("v_reset", self.v_reset)?;
        let v_th = bounded("v_th", self.v_th)?;
        let r_m = bounded("r_m", positive("r_m", " MOhm", self.r_m)?)?;
        let t_ref = non_negative("t_ref", " ms", self.t_ref)?;
        let dt = positive("dt", " ms", self.dt)?;
        let v0 = bounded("v0", self.v0)?;
        if v_th <= v_reset {
            return Err(SnnError::ThresholdNotAboveReset {
                name: "v_th",
                reset_name: "v_reset",
                v_th,
                v_reset,
            });
        }
        let alpha = match self.integration {
            Integration::Exact => (-dt / tau_m).exp(),
            Integration::Euler => {
                if dt >= tau_m {
                    return Err(SnnError::EulerUnstable { dt, tau_m });
                }
                1.0 - dt / tau_m
            }
        };
        let steps = (t_ref / dt).round();
        if steps > u32::MAX as f64 {
            return Err(SnnError::TooManySteps {
                name: "t_ref / dt",
                steps: steps as u64,
                limit: u32::MAX as u64,
            });
        }
        Ok(LifParams {
            tau_m,
            v_rest,
            v_reset,
            v_th,
            r_m,
            t_ref,
            dt,
            v0,
            integration: self.integration,
            reset: self.reset,
            crossing: self.crossing,
            alpha,
            ref_steps: steps as u32,
        })
    }
}

impl LifParams {
    /// Builder with the defaults: `tau_m` 10 ms, `V_rest = V_reset = V0` = -65 mV,
    /// `V_th` -50 mV, `R` 10 MΩ, `t_ref` 2 ms, `dt` 0.1 ms, exact integration, reset to
    /// `V_reset`, spike on `V > V_th`.
    pub fn builder() -> LifBuilder {
        LifBuilder {
            tau_m: 10.0,
            v_rest: -65.0,
            v_reset: -65.0,
            v_th: -50.0,
            r_m: 10.0,
            t_ref: 2.0,
            dt: 0.1,
            v0: -65.0,
            integration: Integration::Exact,
            reset: LifReset::ToVReset,
            crossing: Crossing::Above,
        }
    }
    /// The builder these parameters came from, to tweak one value and build again.
    pub fn to_builder(&self) -> LifBuilder {
        LifBuilder {
            tau_m: self.tau_m,
            v_rest: self.v_rest,
            v_reset: self.v_reset,
            v_th: self.v_th,
            r_m: self.r_m,
            t_ref: self.t_ref,
            dt: self.dt,
            v0: self.v0,
            integration: self.integration,
            reset: self.reset,
            crossing: self.crossing,
        }
    }
    /// Membrane time constant, ms.
    pub fn tau_m(&self) -> f64 {
        self.tau_m
    }
    /// Resting potential, mV.
    pub fn v_rest(&self) -> f64 {
        self.v_rest
    }
    /// Reset potential, mV.
    pub fn v_reset(&self) -> f64 {
        self.v_reset
    }
    /// Threshold, mV.
    pub fn v_th(&self) -> f64 {
        self.v_th
    }
    /// Membrane resistance, MΩ.
    pub fn r_m(&self) -> f64 {
        self.r_m
    }
    /// Refractory period as given, ms (simulated as [`ref_steps`](Self::ref_steps) steps).
    pub fn t_ref(&self) -> f64 {
        self.t_ref
    }
    /// Time step, ms.
    pub fn dt(&self) -> f64 {
        self.dt
    }
    /// Initial potential, mV.
    pub fn v0(&self) -> f64 {
        self.v0
    }
    /// Integration method.
    pub fn integration(&self) -> Integration {
        self.integration
    }
    /// Reset rule.
    pub fn reset(&self) -> LifReset {
        self.reset
    }
    /// Threshold comparison.
    pub fn crossing(&self) -> Crossing {
        self.crossing
    }
    /// Per-step relaxation factor: `exp(-dt/tau_m)` (exact) or `1 - dt/tau_m` (Euler).
    pub fn alpha(&self) -> f64 {
        self.alpha
    }
    /// Refractory period in steps, `round(t_ref / dt)`.
    pub fn ref_steps(&self) -> u32 {
        self.ref_steps
    }
    /// The number of whole steps of `dt` in `duration_ms`, rounded to the nearest (at least
    /// one): how long to run for a duration in ms.
    ///
    /// # Errors
    /// A duration that is not finite and positive, or one that needs more than
    /// `u32::MAX` steps (spike steps are stored as `u32`), naming `duration`.
    ///
    /// # Examples
    /// ```
    /// let p = snn_sim::LifParams::builder().dt(0.1).build()?;
    /// assert_eq!(p.steps_for(100.0)?, 1000);
    /// assert!(p.steps_for(-1.0).is_err());
    /// # Ok::<(), snn_sim::SnnError>(())
    /// ```
    pub fn steps_for(&self, duration_ms: f64) -> Result<usize> {
        positive("duration", " ms", duration_ms)?;
        let steps = (duration_ms / self.dt).round().max(1.0);
        if steps > u32::MAX as f64 {
            return Err(SnnError::TooManySteps {
                name: "duration",
                steps: steps as u64,
                limit: u32::MAX as u64,
            });
        }
        Ok(steps as usize)
    }
    /// Rheobase current `I_rh = (V_th - V_rest) / R`, nA: the smallest constant current that
    /// makes the neuron fire (it must be exceeded).
    pub fn rheobase(&self) -> f64 {
        (self.v_th - self.v_rest) / self.r_m
    }
    /// Closed-form membrane potential under a constant current `i` (nA) without threshold,
    /// mV: `V(t) = V_inf + (V0 - V_inf) * exp(-t/tau_m)`, `V_inf = V_rest + R*i`, `t` in ms.
    pub fn v_closed_form(&self, v0: f64, i: f64, t: f64) -> f64 {
        let v_inf = self.v_rest + self.r_m * i;
        v_inf + (v0 - v_inf) * (-t / self.tau_m).exp()
    }
    /// Closed-form time to charge from `V_reset` to `V_th` under constant current `i` (nA),
    /// ms: `T = tau_m * ln((R*i - (V_reset - V_rest)) / (R*i - (V_th - V_rest)))`;
    /// infinite at or below rheobase.
    pub fn charge_time_closed_form(&self, i: f64) -> f64 {
        let ri = self.r_m * i;
        let num = ri - (self.v_reset - self.v_rest);
        let den = ri - (self.v_th - self.v_rest);
        if den <= 0.0 {
            f64::INFINITY
        } else {
            self.tau_m * (num / den).ln()
        }
    }
    /// Closed-form firing rate under constant current `i` (nA), spikes per ms (multiply by
    /// 1000 for Hz): `r = 1 / (t_ref + T)` with `T` from
    /// [`charge_time_closed_form`](Self::charge_time_closed_form); 0 at or below rheobase.
    pub fn rate_closed_form(&self, i: f64) -> f64 {
        let t = self.charge_time_closed_form(i);
        if t.is_finite() {
            1.0 / (self.t_ref + t)
        } else {
            0.0
        }
    }
}

impl Model for LifParams {
    fn kernel<F: Real>(&self) -> Kernel<F> {
        let (keep, add) = match self.reset {
            LifReset::ToVReset => (0.0, self.v_reset),
            LifReset::Subtract => (1.0, -(self.v_th - self.v_reset)),
        };
        Kernel {
            alpha: F::of(self.alpha),
            offset: F::of(self.v_rest),
            gain: F::of(self.r_m),
            v_th: F::of(self.v_th),
            v_fire: fire_level(F::of(self.v_th), self.crossing),
            reset_keep: F::of(keep),
            reset_add: F::of(add),
            v_hold: F::of(self.v_reset),
            v0: F::of(self.v0),
            ref_steps: self.ref_steps,
            relax: true,
            crossing: self.crossing,
            dt: self.dt,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn discrete_rules() {
        assert!(DiscreteParams::original().build().is_ok());
        for d in [0.0, -0.1, 1.0001, f64::NAN] {
            let e = DiscreteParams::builder().decay(d).build().unwrap_err();
            assert!(
                matches!(e, SnnError::OutOfRange { name: "decay", .. })
                    || matches!(e, SnnError::NonFinite { name: "decay", .. })
            );
        }
        assert!(DiscreteParams::builder().decay(1.0).build().is_ok());
        assert!(matches!(
            DiscreteParams::builder().threshold(0.0).build(),
            Err(SnnError::ThresholdNotAboveReset { .. })
        ));
        assert!(matches!(
            DiscreteParams::builder().threshold(f64::INFINITY).build(),
            Err(SnnError::NonFinite {
                name: "threshold",
                ..
            })
        ));
        assert!(matches!(
            DiscreteParams::builder()
                .reset(Reset::ToValue(f64::NAN))
                .build(),
            Err(SnnError::NonFinite {
                name: "v_reset",
                ..
            })
        ));
    }

    #[test]
    fn lif_rules() {
        let b = LifParams::builder();
        assert!(b.build().is_ok());
        let e = b.tau_m(-0.01).build().unwrap_err();
        assert_eq!(e.to_string(), "tau_m must be > 0 ms, got -0.01");
        assert!(matches!(
            b.tau_m(0.0).build(),
            Err(SnnError::NotPositive { name: "tau_m", .. })
        ));
        assert!(matches!(
            b.dt(0.0).build(),
            Err(SnnError::NotPositive { name: "dt", .. })
        ));
        assert!(matches!(
            b.dt(-1.0).build(),
            Err(SnnError::NotPositive { name: "dt", .. })
        ));
        assert!(matches!(
            b.r_m(0.0).build(),
            Err(SnnError::NotPositive { name: "r_m", .. })
        ));
        assert!(matches!(
            b.t_ref(-1.0).build(),
            Err(SnnError::Negative { name: "t_ref", .. })
        ));
        assert!(b.t_ref(0.0).build().is_ok());
        assert!(matches!(
            b.v_th(-65.0).build(),
            Err(SnnError::ThresholdNotAboveReset { .. })
        ));
        assert!(matches!(
            b.v_th(-70.0).build(),
            Err(SnnError::ThresholdNotAboveReset { .. })
        ));
        for (name, bad) in [
            ("tau_m", b.tau_m(f64::NAN)),
            ("v_rest", b.v_rest(f64::INFINITY)),
            ("v_reset", b.v_reset(f64::NAN)),
            ("v_th", b.v_th(f64::NEG_INFINITY)),
            ("r_m", b.r_m(f64::NAN)),
            ("t_ref", b.t_ref(f64::NAN)),
            ("dt", b.dt(f64::INFINITY)),
            ("v0", b.v0(f64::NAN)),
        ] {
            assert!(
                matches!(bad.build(), Err(SnnError::NonFinite { name: n, .. }) if n == name),
                "{name}"
            );
        }
        assert!(matches!(
            b.integration(Integration::Euler).dt(10.0).build(),
            Err(SnnError::EulerUnstable { .. })
        ));
        assert!(matches!(
            b.t_ref(1e300).build(),
            Err(SnnError::TooManySteps { .. })
        ));
    }

    #[test]
    fn derived_constants() {
        let p = LifParams::builder().build().unwrap();
        assert!((p.alpha() - (-0.01f64).exp()).abs() < 1e-15);
        assert_eq!(p.ref_steps(), 20);
        let e = LifParams::builder()
            .integration(Integration::Euler)
            .build()
            .unwrap();
        assert!((e.alpha() - 0.99).abs() < 1e-15);
        assert_eq!(p.rate_closed_form(1.5), 0.0);
        assert_eq!(p.rate_closed_form(1.0), 0.0);
        // R*I = 30 mV: T = 10 ln(30/15) = 6.931 ms, r = 1/(2 + 6.931) per ms.
        assert!((p.rate_closed_form(3.0) - 1.0 / (2.0 + 10.0 * 2f64.ln())).abs() < 1e-12);
    }
}
