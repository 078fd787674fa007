//! A network chain written for snnTorch's and Norse's importers ([`from_network_for`]).

use snn_core::network::{Network, Synapse};
use snn_core::{Crossing, LifReset};

use ndarray::Array2;

use crate::graph::{Meta, NirGraph, Node};
use crate::network::{chain_of, stdp_text};
use crate::readers::Reader;
use crate::{NirError, Result};

/// The NIR graph of `net` (a feed-forward chain, as for [`from_network`](crate::from_network))
/// that `reader` runs as our network runs, spike for spike but for a shift of `1 + delay`
/// steps per projection; with `freeze`, plastic projections are written with their weights
/// as they are now.
///
/// Those readers run NIR's equations step by step, with a spike as a value of 1 in one step.
/// [`from_network`](crate::from_network) writes NIR's own units (a spike is a pulse of unit
/// area), which those readers take differently (see docs/nir.md). This export writes what
/// they compute instead, so that they fire as our network does. Both readers integrate each
/// node by forward Euler at a step `dt` (snnTorch assumes `1e-4` s; Norse takes the file's):
///
/// - `LIF`: `v_t = (1 − dt/τ)·v_{t−1} + (dt/τ)·r·(W·x_t)` (Norse reads `r` as 1, so `r = 1`);
/// - `CubaLIF`: `I_t = (1 − dt/τ_syn)·I_{t−1} + (dt/τ_syn)·w_in·(W·x_t)`, then
///   `v_t = (1 − dt/τ_mem)·v_{t−1} + (dt/τ_mem)·r·I_t` (snnTorch wants `r = τ_mem/dt`);
/// - a spike when `v_t > v_threshold`, then `v = 0` (snnTorch resets to 0 whatever
///   `v_reset` says, and asserts `v_leak = 0`).
///
/// Our population steps (potentials `u = V − V_rest`, relaxation `α` per step,
/// [`LifParams::alpha`](snn_core::LifParams::alpha)): delta synapses, `u_t = α·(u_{t−1} + J_t)`, the jump `J_t` (mV) taken
/// before the step's relaxation; current synapses, `S_t = d·S_{t−1} + X_t` (nA) and
/// `u_t = α·u_{t−1} + g·S_t` ([`Synapse::step_constants`] gives `d` and `g`). So the graph
/// has `τ = dt/(1 − α)`, `τ_syn = dt/(1 − d)`, `v_threshold = V_th − V_rest`, `v_leak =
/// v_reset = 0`, `w_in = 1`, and `Linear` weights `W = α·w/(1 − α)` (delta) or
/// `W = g·w/(1 − d)` (current). One difference stays: our spike of step `t` arrives at step
/// `t + 1 + delay` (Brian2's convention), theirs in the same step, so each projection shifts
/// the spike times by `1 + delay` steps; spike counts over a run whose input ends early
/// enough for the last spikes to arrive are the same, neuron by neuron.
///
/// What the readers cannot run is refused, naming the reader and the node: a refractory
/// period, reset by subtraction, a reset potential other than rest, a starting potential
/// other than rest, the `>=` threshold comparison (theirs is `>`), conductance synapses, a
/// plastic projection unless `freeze`, and for snnTorch a `dt` other than 0.1 ms.
///
/// # Errors
/// What `reader` cannot run, in one line naming the reader and the node; a network that is not
/// one chain; matrices above snn-core's memory limit.
pub fn from_network_for(net: &Network, reader: Reader, freeze: bool) -> Result<NirGraph> {
    let desc = net.current_description();
    let (source, steps) = chain_of(&desc)?;
    let dt_ms = desc.dt();
    let dt = dt_ms / 1000.0;
    let name = reader.name();
    if reader == Reader::SnnTorch && (dt_ms - 0.1).abs() > 1e-12 {
        return Err(NirError::Unsupported(format!(
            "{name}: its importer assumes dt = 1e-4 s (0.1 ms), the network steps {dt_ms} ms; build it with dt 0.1, or export for Norse, which takes the file's dt"
        )));
    }
    let n0 = desc.population(source)?.n();
    let mut nodes = vec![(
        "input".to_string(),
        Node::Input {
            shape: vec![n0 as i64],
        },
    )];
    let mut edges = Vec::new();
    let mut last = "input".to_string();
    let mut delays = Vec::new();
    for (k, (proj, to)) in steps.iter().enumerate() {
        let k = k + 1;
        let node = format!("pop{k}");
        let info = desc.projection(*proj)?.info();
        let to_pop = desc.population(*to)?;
        let refuse = |why: String| {
            Err(NirError::Unsupported(format!(
                "{name}: node {node} (population {:?}): {why}",
                to_pop.name()
            )))
        };
        if let (Some(rule), false) = (&info.plasticity, freeze) {
            return refuse(format!(
                "its projection is plastic ({}), which NIR cannot say; export it frozen (freeze = true), its weights as they are now",
                stdp_text(rule)
            ));
        }
        let p = to_pop
            .model()
            .ok_or_else(|| NirError::Format("a chain population without a model".into()))?;
        if p.t_ref() > 0.0 {
            return refuse(format!(
                "a refractory period of {} ms, which {name} does not have; set t_ref to 0",
                p.t_ref()
            ));
        }
        if p.reset() != LifReset::ToVReset {
            return refuse(format!("reset by subtraction; {name} resets to a value"));
        }
        if p.v_reset() != p.v_rest() {
            return refuse(format!(
                "v_reset ({} mV) is not v_rest ({} mV); {name} resets to its leak potential",
                p.v_reset(),
                p.v_rest()
            ));
        }
        if p.v0() != p.v_rest() {
            return refuse(format!(
                "it starts at v0 = {} mV, not at rest ({} mV); {name} starts at rest",
                p.v0(),
                p.v_rest()
            ));
        }
        if p.crossing() != Crossing::Above {
            return refuse(format!(
                "it fires at v >= v_th; {name} fires at v > v_threshold (build it with crossing Above)"
            ));
        }
        let alpha = p.alpha();
        let (decay, gain) = info.synapse.step_constants(p)?;
        let dense = desc.dense_weights(*proj)?;
        let n = to_pop.n();
        let n_from = desc.population(info.from)?.n();
        let (tau, u_th) = (dt / (1.0 - alpha), p.v_th() - p.v_rest());
        let (scale, neuron) = match info.synapse {
            Synapse::Delta { .. } => (
                alpha / (1.0 - alpha),
                Node::Lif {
                    tau: vec![tau; n],
                    r: vec![1.0; n],
                    v_leak: vec![0.0; n],
                    v_threshold: vec![u_th; n],
                    v_reset: vec![0.0; n],
                },
            ),
            Synapse::CurrentExp { .. } => (
                gain / (1.0 - decay),
                Node::CubaLif {
                    tau_syn: vec![dt / (1.0 - decay); n],
                    tau_mem: vec![tau; n],
                    r: vec![tau / dt; n],
                    v_leak: vec![0.0; n],
                    v_threshold: vec![u_th; n],
                    v_reset: vec![0.0; n],
                    w_in: vec![1.0; n],
                },
            ),
            Synapse::ConductanceExp { .. } => {
                return refuse("conductance-based synapses, which NIR cannot express".to_string())
            }
        };
        let weight = Array2::from_shape_fn((n, n_from), |(j, i)| dense[j * n_from + i] * scale);
        let lin = format!("linear{k}");
        nodes.push((lin.clone(), Node::Linear { weight }));
        nodes.push((node.clone(), neuron));
        edges.push((last.clone(), lin.clone()));
        edges.push((lin, node.clone()));
        last = node;
        delays.push(info.delay_steps as f64);
    }
    let n_last = desc.population(steps[steps.len() - 1].1)?.n();
    nodes.push((
        "output".to_string(),
        Node::Output {
            shape: vec![n_last as i64],
        },
    ));
    edges.push((last, "output".to_string()));
    let metadata = vec![
        ("dt".to_string(), Meta::number(dt)),
        ("snn_kind".to_string(), Meta::Text(format!("network for {name}"))),
        ("reader".to_string(), Meta::Text(name.to_string())),
        (
            "spikes".to_string(),
            Meta::Text("a spike is a value of 1 in one step (the reader's convention); potentials are relative to rest; in the network each projection delivers 1 + delay steps later (snn_delay_steps), so spike times shift by that much per projection and counts are the same".into()),
        ),
        ("snn_delay_steps".to_string(), Meta::vector(delays)),
        (
            "producer".to_string(),
            Meta::Text(format!("snn-nir {} (from_network_for)", env!("CARGO_PKG_VERSION"))),
        ),
    ];
    Ok(NirGraph {
        nodes,
        edges,
        metadata,
    })
}
