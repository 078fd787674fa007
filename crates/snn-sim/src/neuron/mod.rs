//! Neuron models: the original demo's discrete neuron and the leaky integrate-and-fire (LIF)
//! neuron in physical units. Parameters are validated once, when built, and carry the
//! constants derived from them; the state lives in a [`Population`](crate::Population).
//!
//! # Units of the physical model
//! Time in milliseconds (ms), potential in millivolts (mV), resistance in megaohms (MΩ) and
//! current in nanoamperes (nA). The system is consistent: MΩ · nA = mV, so `R * I` is a
//! potential with no conversion factor, and decimal inputs such as `R = 10`, `I = 1.5` give
//! exactly `15` mV, which keeps the rheobase exact (see [`Crossing`]).

mod discrete;
mod lif;

pub use discrete::{DiscreteBuilder, DiscreteParams};
pub use lif::{LifBuilder, LifParams};

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
pub(crate) fn fire_level<F: Real>(v_th: F, crossing: Crossing) -> F {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::SnnError;

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
