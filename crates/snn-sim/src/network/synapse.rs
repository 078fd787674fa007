//! What one presynaptic spike does to its target neuron, and the per-step constants each
//! kind reduces to for a given target model.

use crate::error::{bounded, non_negative, positive, Result, SnnError};
use crate::neuron::{Integration, LifParams};

/// A synapse kind, with its weight. Each kind acts on a [`LifParams`] target,
/// `tau_m dV/dt = -(V - V_rest) + R·I`, in ms, mV, MΩ, nA and nS.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Synapse {
    /// A spike moves the target's potential by `w` mV when it arrives: `V ← V + w`.
    /// Brunel (2000)'s synapse: `J` for excitatory, `−g·J` for inhibitory.
    Delta {
        /// Jump of the potential, mV (any sign).
        w: f64,
    },
    /// Current-based exponential: `tau_syn dI/dt = −I`; a spike adds `w` nA to `I`, and the
    /// membrane receives `R·I`. One spike arriving at `t = 0` into a neuron at rest gives the
    /// closed-form PSP `V(t) − V_rest = R·w·τ_s/(τ_s − τ_m)·(e^{−t/τ_s} − e^{−t/τ_m})`
    /// (`R·w·(t/τ_m)·e^{−t/τ_m}` when `τ_s = τ_m`), which exact integration reproduces at
    /// every step.
    CurrentExp {
        /// Current added per spike, nA (any sign).
        w: f64,
        /// Decay time constant of the synaptic current, ms (> 0).
        tau_syn: f64,
    },
    /// Conductance-based exponential: `tau_syn dg/dt = −g`; a spike adds `w` nS to `g`, and the
    /// membrane receives the current `g·(E_rev − V)`. The step holds `g` at its exact mean
    /// over the step and integrates the membrane exactly for that conductance (an error of
    /// order `dt²`); it needs [`Integration::Exact`].
    ConductanceExp {
        /// Conductance added per spike, nS (>= 0).
        w: f64,
        /// Decay time constant of the conductance, ms (> 0).
        tau_syn: f64,
        /// Reversal potential, mV (0 for excitatory AMPA-like, −80 for inhibitory GABA-like).
        e_rev: f64,
    },
}

impl Synapse {
    /// The weight as given (mV, nA or nS).
    pub fn w(&self) -> f64 {
        match *self {
            Synapse::Delta { w }
            | Synapse::CurrentExp { w, .. }
            | Synapse::ConductanceExp { w, .. } => w,
        }
    }
    /// The same kind with another weight.
    pub fn with_w(self, w: f64) -> Self {
        match self {
            Synapse::Delta { .. } => Synapse::Delta { w },
            Synapse::CurrentExp { tau_syn, .. } => Synapse::CurrentExp { w, tau_syn },
            Synapse::ConductanceExp { tau_syn, e_rev, .. } => {
                Synapse::ConductanceExp { w, tau_syn, e_rev }
            }
        }
    }
    /// Checks the values.
    pub(crate) fn validate(&self) -> Result<()> {
        match *self {
            Synapse::Delta { w } => bounded("w", w).map(drop),
            Synapse::CurrentExp { w, tau_syn } => {
                bounded("w", w)?;
                positive("tau_syn", " ms", tau_syn).map(drop)
            }
            Synapse::ConductanceExp { w, tau_syn, e_rev } => {
                non_negative("w", " nS", w)?;
                bounded("w", w)?;
                positive("tau_syn", " ms", tau_syn)?;
                bounded("e_rev", e_rev).map(drop)
            }
        }
    }
}

/// Which state a spike lands in at the target: one per distinct kind and time constant.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Channel {
    Delta,
    Current { tau_syn: f64 },
    Conductance { tau_syn: f64, e_rev: f64 },
}

impl Synapse {
    /// What one step does with this synapse's state in a neuron of `target`, as the network
    /// steps it: `(decay, gain)`, where the state (nA for a current synapse) decays by `decay`
    /// per step (`e^{−dt/τ_s}`) and moves the potential by `gain` mV per unit of state at the
    /// step's start (`R·κ`, `κ = τ_s/(τ_s − τ_m)·(e^{−dt/τ_s} − e^{−dt/τ_m})` with exact
    /// integration, `dt/τ_m` with Euler; a delta synapse: `(0, 1)`, its
    /// jump added before the step's relaxation). For a conductance synapse, `gain` is the
    /// dimensionless `R·ḡ` per nS.
    ///
    /// # Errors
    /// A conductance synapse into a target without exact integration.
    pub fn step_constants(&self, target: &LifParams) -> Result<(f64, f64)> {
        let c = ChannelConsts::new(Channel::of(self), target)?;
        Ok((c.decay, c.gain))
    }
}

impl Channel {
    pub(crate) fn of(s: &Synapse) -> Self {
        match *s {
            Synapse::Delta { .. } => Channel::Delta,
            Synapse::CurrentExp { tau_syn, .. } => Channel::Current { tau_syn },
            Synapse::ConductanceExp { tau_syn, e_rev, .. } => {
                Channel::Conductance { tau_syn, e_rev }
            }
        }
    }
}

/// A channel's per-step constants for one target model.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct ChannelConsts {
    /// `e^{−dt/τ_s}`: the state's decay per step (unused for delta).
    pub(crate) decay: f64,
    /// Current: the potential change over one step per nA of state at the step's start,
    /// `R·κ`. Conductance: `R·m·1e-3`, the dimensionless `R·ḡ` per nS of state at the step's
    /// start (`m = τ_s/dt·(1 − e^{−dt/τ_s})`, the mean of the decaying state over the step).
    pub(crate) gain: f64,
    /// Conductance: the reversal potential, mV.
    pub(crate) e_rev: f64,
}

impl ChannelConsts {
    /// The constants of `channel` into neurons of `p`.
    ///
    /// Current-based, exact integration: `κ = τ_s/(τ_s − τ_m)·(e^{−dt/τ_s} − e^{−dt/τ_m})`
    /// (`(dt/τ_m)·e^{−dt/τ_m}` when the two are equal), the exact response over one step to a
    /// current that starts at 1 and decays; forward Euler: `κ = dt/τ_m`.
    pub(crate) fn new(channel: Channel, p: &LifParams) -> Result<Self> {
        let (dt, tau_m, r) = (p.dt(), p.tau_m(), p.r_m());
        Ok(match channel {
            Channel::Delta => Self {
                decay: 0.0,
                gain: 1.0,
                e_rev: 0.0,
            },
            Channel::Current { tau_syn } => {
                let decay = (-dt / tau_syn).exp();
                let kappa = match p.integration() {
                    Integration::Euler => dt / tau_m,
                    Integration::Exact => {
                        let am = (-dt / tau_m).exp();
                        if ((tau_syn - tau_m) / tau_m).abs() < 1e-9 {
                            dt / tau_m * am
                        } else {
                            tau_syn / (tau_syn - tau_m) * (decay - am)
                        }
                    }
                };
                Self {
                    decay,
                    gain: r * kappa,
                    e_rev: 0.0,
                }
            }
            Channel::Conductance { tau_syn, e_rev } => {
                if p.integration() != Integration::Exact {
                    return Err(SnnError::Unsupported {
                        name: "integration",
                        why: "conductance synapses need Integration::Exact in their target",
                    });
                }
                let decay = (-dt / tau_syn).exp();
                let mean = tau_syn / dt * (1.0 - decay);
                Self {
                    decay,
                    gain: r * mean * 1e-3,
                    e_rev,
                }
            }
        })
    }
}
