//! Brunel (2000), *Dynamics of sparsely connected networks of excitatory and inhibitory
//! spiking neurons*, J. Comput. Neurosci. 8: the model of its section 2 and Figure 8.

use rand::Rng;

use super::builder::delay_steps;
use super::seed::stream;
use super::{Connection, Connectivity, Network, NetworkDescription, PopId, Synapse};
use crate::error::Result;
use crate::neuron::LifParams;
use crate::param::{Param, Values};

/// The Brunel (2000) network: `N_E` excitatory and `N_I = N_E/4` inhibitory LIF neurons
/// (`τ = 20` ms, `θ = 20` mV, `V_r = 10` mV, `τ_rp = 2` ms, potentials relative to rest),
/// each receiving `C_E = ε·N_E` excitatory and `C_I = ε·N_I` inhibitory synapses (fixed
/// in-degree, no autapses), delta synapses of `J` (excitatory) and `−g·J` (inhibitory) with
/// delay `D`, and `C_E` external Poisson inputs of rate `ν_ext = nu_ratio · ν_thr` each, where
/// `ν_thr = θ/(J·C_E·τ)` is the rate that brings the mean input to threshold.
///
/// `scale` shrinks the network for a quick look: `N_E = 10,000·scale` with `ε` kept, so
/// `C_E = 1,000·scale`, and `J = 0.1 mV/scale`, so the mean input `J·C_E` and `ν_thr` stay
/// those of the paper (the fluctuations grow as `1/√scale`).
///
/// ```
/// use snn_sim::network::Brunel;
/// let b = Brunel::paper(5.0, 2.0).scale(0.05);
/// let (mut net, e, i) = b.build(1)?;
/// assert_eq!((net.v(e)?.len(), net.v(i)?.len()), (500, 125));
/// assert!((b.nu_thr_hz() - 10.0).abs() < 1e-12);
/// # Ok::<(), snn_sim::SnnError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Brunel {
    /// Relative strength of inhibition, `g` (inhibitory weight `−g·J`). Figure 8: 3, 6, 5, 4.5.
    pub g: f64,
    /// External rate over threshold rate, `ν_ext/ν_thr`. Figure 8: 2, 4, 2, 0.9.
    pub nu_ratio: f64,
    /// Network size relative to the paper's 12,500 neurons, in (0, 1] (see above).
    pub scale: f64,
    /// Time step, ms. Default 0.1.
    pub dt_ms: f64,
    /// Transmission delay `D`, ms. Default 1.5.
    pub delay_ms: f64,
}

impl Brunel {
    /// Relative strength of inhibition `g` (inhibitory weight `−g·J`): >= 0.
    pub const G: Param = Param::new("g", "", Values::NonNegative);
    /// External rate over threshold rate, `nu_ext/nu_thr`: > 0.
    pub const NU_RATIO: Param = Param::new("nu_ratio", "", Values::Positive);
    /// Size relative to the paper's 12,500 neurons: in [0.008, 1000] (at least 20 inhibitory
    /// neurons); above 1 the in-degrees stay the paper's, and the memory limit
    /// ([`MAX_BYTES`](crate::MAX_BYTES)) refuses a network too large before it is built.
    pub const SCALE: Param = Param::new(
        "scale",
        "",
        Values::Within {
            lo: 0.008,
            hi: 1000.0,
            lo_open: false,
            hi_open: false,
            text: "[0.008, 1000]",
        },
    );
    /// The paper's network (scale 1, dt 0.1 ms, D 1.5 ms) at `g` and `ν_ext/ν_thr`.
    pub fn paper(g: f64, nu_ratio: f64) -> Self {
        Self {
            g,
            nu_ratio,
            scale: 1.0,
            dt_ms: 0.1,
            delay_ms: 1.5,
        }
    }
    /// Sets the scale.
    pub fn scale(mut self, scale: f64) -> Self {
        self.scale = scale;
        self
    }
    /// Sets the time step, ms.
    pub fn dt_ms(mut self, dt_ms: f64) -> Self {
        self.dt_ms = dt_ms;
        self
    }
    /// Excitatory neurons, `round(10,000·scale)`.
    pub fn n_e(&self) -> usize {
        (10_000.0 * self.scale).round() as usize
    }
    /// Inhibitory neurons, `round(2,500·scale)`.
    pub fn n_i(&self) -> usize {
        (2_500.0 * self.scale).round() as usize
    }
    /// Excitatory in-degree `C_E = round(0.1·N_E)` up to the paper's size, the paper's 1,000
    /// above it (the network grows, each neuron's input stays: the regimes stay the paper's).
    pub fn c_e(&self) -> usize {
        (0.1 * self.n_e().min(10_000) as f64).round() as usize
    }
    /// Inhibitory in-degree `C_I = round(0.1·N_I)` up to the paper's size, 250 above it.
    pub fn c_i(&self) -> usize {
        (0.1 * self.n_i().min(2_500) as f64).round() as usize
    }
    /// Excitatory weight `J = 0.1 mV · 1000 / C_E` (0.1 mV at scale 1).
    pub fn j_mv(&self) -> f64 {
        0.1 * 1000.0 / self.c_e() as f64
    }
    /// `ν_thr = θ/(J·C_E·τ)`, Hz: 10 Hz for the paper's values.
    pub fn nu_thr_hz(&self) -> f64 {
        20.0 / (self.j_mv() * self.c_e() as f64 * 20.0) * 1000.0
    }
    /// `ν_ext = nu_ratio · ν_thr`, Hz.
    pub fn nu_ext_hz(&self) -> f64 {
        self.nu_ratio * self.nu_thr_hz()
    }
    /// The neuron model: `τ = 20` ms, `θ = 20` mV, `V_r = 10` mV, `τ_rp = 2` ms, rest 0,
    /// exact integration, spike when `V > θ`.
    ///
    /// # Errors
    /// A bad `dt_ms`.
    pub fn neuron(&self) -> Result<LifParams> {
        LifParams::builder()
            .tau_m(20.0)
            .v_rest(0.0)
            .v_reset(10.0)
            .v0(0.0)
            .v_th(20.0)
            .t_ref(2.0)
            .dt(self.dt_ms)
            .build()
    }
    /// Checks every value without building anything, so a notebook can refuse a bad
    /// value before it prints what the value gives.
    ///
    /// # Errors
    /// `g` negative or not finite, `nu_ratio` not positive, `scale` outside [0.008, 1000], a
    /// bad `dt_ms` or `delay_ms`.
    pub fn validate(&self) -> Result<()> {
        Self::G.check(self.g)?;
        Self::NU_RATIO.check(self.nu_ratio)?;
        // SCALE's lower end, 0.008, is 20 inhibitory neurons: round(2,500 · 0.008).
        Self::SCALE.check(self.scale)?;
        delay_steps(self.delay_ms, self.neuron()?.dt())?;
        Ok(())
    }
    /// The network's description with `seed` (connectivity, Poisson inputs, and starting
    /// potentials drawn uniformly in `[V_r, θ)`), with the excitatory and inhibitory
    /// populations.
    ///
    /// # Errors
    /// `g` negative or not finite, `nu_ratio` not positive, `scale` outside (0, 1] or so
    /// small that a population has fewer than 20 neurons, a bad `dt_ms` or `delay_ms`.
    pub fn describe(&self, seed: u64) -> Result<(NetworkDescription, PopId, PopId)> {
        self.validate()?;
        let lif = self.neuron()?;
        let mut b = Network::builder();
        let e = b.population("E", &lif, self.n_e())?;
        let i = b.population("I", &lif, self.n_i())?;
        let j = self.j_mv();
        for (from, w, k) in [(e, j, self.c_e()), (i, -self.g * j, self.c_i())] {
            for to in [e, i] {
                b.connect(
                    from,
                    to,
                    Connection::new(Synapse::Delta { w }, Connectivity::FixedInDegree(k))
                        .delay_ms(self.delay_ms),
                )?;
            }
        }
        for to in [e, i] {
            b.poisson(to, self.c_e(), self.nu_ext_hz(), Synapse::Delta { w: j })?;
        }
        let mut desc = b.describe(seed)?;
        let mut rng = stream(seed, 0, 0);
        for pop in [e, i] {
            let n = desc.population(pop)?.n();
            let v: Vec<f64> = (0..n).map(|_| rng.gen_range(10.0..20.0)).collect();
            desc = desc.with_v0(pop, &v)?;
        }
        Ok((desc, e, i))
    }

    /// The network in its starting state (see [`describe`](Self::describe)), with the
    /// excitatory and inhibitory populations.
    ///
    /// # Errors
    /// As [`describe`](Self::describe).
    pub fn build(&self, seed: u64) -> Result<(Network, PopId, PopId)> {
        let (desc, e, i) = self.describe(seed)?;
        Ok((Network::new(desc)?, e, i))
    }
}
