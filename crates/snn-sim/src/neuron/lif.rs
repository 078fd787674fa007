//! The leaky integrate-and-fire neuron in physical units (ms, mV, MΩ, nA).

use super::{fire_level, Crossing, Integration, Kernel, LifReset, Model};
use crate::error::{Result, SnnError};
use crate::param::{Param, Values};
use crate::real::Real;

/// Leaky integrate-and-fire neuron in physical units:
///
/// `tau_m dV/dt = -(V - V_rest) + R*I`
///
/// When `V` crosses `V_th` ([`Crossing::Above`] by default: `V > V_th`) the neuron emits a
/// spike, `V` is reset ([`Reset::ToValue`](super::Reset::ToValue) `V_reset` by default) and then held at `V_reset`
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
        let tau_m = LifParams::TAU_M.check(self.tau_m)?;
        let v_rest = LifParams::V_REST.check(self.v_rest)?;
        let v_reset = LifParams::V_RESET.check(self.v_reset)?;
        let v_th = LifParams::V_TH.check(self.v_th)?;
        let r_m = LifParams::R_M.check(self.r_m)?;
        let t_ref = LifParams::T_REF.check(self.t_ref)?;
        let dt = LifParams::DT.check(self.dt)?;
        let v0 = LifParams::V0.check(self.v0)?;
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
    /// Membrane time constant `tau_m`, ms: > 0.
    pub const TAU_M: Param = Param::new("tau_m", " ms", Values::Positive);
    /// Resting potential `V_rest`, mV.
    pub const V_REST: Param = Param::new("v_rest", " mV", Values::Bounded);
    /// Reset potential `V_reset`, mV (below `V_th`).
    pub const V_RESET: Param = Param::new("v_reset", " mV", Values::Bounded);
    /// Threshold `V_th`, mV (above `V_reset`).
    pub const V_TH: Param = Param::new("v_th", " mV", Values::Bounded);
    /// Membrane resistance `R`, MΩ: > 0.
    pub const R_M: Param = Param::new("r_m", " MOhm", Values::PositiveBounded);
    /// Refractory period `t_ref`, ms: >= 0.
    pub const T_REF: Param = Param::new("t_ref", " ms", Values::NonNegative);
    /// Time step `dt`, ms: > 0.
    pub const DT: Param = Param::new("dt", " ms", Values::Positive);
    /// A simulated duration, ms: > 0 (rounded to whole steps, at least one).
    pub const DURATION: Param = Param::new("duration", " ms", Values::Positive);
    /// Initial potential `V0`, mV.
    pub const V0: Param = Param::new("v0", " mV", Values::Bounded);
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
        Self::DURATION.check(duration_ms)?;
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
