//! Small experiments that run a network to measure one thing about a parameter set: the
//! postsynaptic potential of a synapse, the weight change of one spike pair under a
//! plasticity rule. The parameter types stay data; these build and run the networks.

use super::{Connection, Connectivity, NetRecord, Network, Source, Stdp, Synapse};
use crate::error::{Result, SnnError};
use crate::neuron::LifParams;

/// The postsynaptic potential of one spike through `synapse` into a neuron of model
/// `target` at rest: `(t, V(t) − V_rest)` from the spike's arrival (`t = 0`) for
/// `duration_ms`, one point per step, simulated by a two-neuron network (so it is exactly
/// what a network does; for a current synapse it is the closed form of
/// [`Synapse::CurrentExp`]).
///
/// # Errors
/// A bad synapse value or duration, or a conductance synapse into a target that does not
/// integrate exactly.
pub fn psp(synapse: &Synapse, target: &LifParams, duration_ms: f64) -> Result<Vec<(f64, f64)>> {
    let steps = target.steps_for(duration_ms)?;
    let (rest, th, dt) = (target.v_rest(), target.v_th(), target.dt());
    let resting = target.to_builder().v0(rest).build()?;
    let mut b = Network::builder();
    let src = b.population("source", &resting, 1)?;
    let dst = b.population("target", &resting, 1)?;
    b.connect(src, dst, Connection::new(*synapse, Connectivity::AllToAll))?;
    let mut net = b.build(0)?;
    // High enough to cross on the first step whatever the leak: (V − V_rest)·α > θ − V_rest.
    let alpha = target.alpha().max(1e-6);
    net.set_v(src, &[rest + 2.0 * (th - rest).abs() / alpha + 1.0])?;
    let out = net.run(steps + 2, &NetRecord::counts().with_traces(dst, [0]))?;
    let v = &out.population(dst)?.traces()[0].1;
    // The spike (step 0) arrives one step later, at the start of step 2.
    Ok(v[2..]
        .iter()
        .enumerate()
        .map(|(k, &x)| (k as f64 * dt, x - rest))
        .collect())
}

/// The weight after one pre and one post spike `dt_ms = t_post − t_pre` apart, from
/// `w0`, simulated: a network of step `step_ms` with two spike generators and one plastic
/// delta synapse between them (the spikes at whole steps, the earlier one at 200 ms).
/// Before clipping it is `w0 +` [`Stdp::window`]`(Δt)` to rounding, with `Δt` rounded to whole steps.
///
/// # Errors
/// `w0` outside `[0, w_max]`, a bad step, or `|dt_ms|` above 1e6 ms.
pub fn stdp_pair(rule: &Stdp, w0: f64, dt_ms: f64, step_ms: f64) -> Result<f64> {
    rule.check_w(w0)?;
    if !(dt_ms.is_finite() && dt_ms.abs() <= 1e6) {
        return Err(SnnError::OutOfRange {
            name: "dt",
            range: "[-1e6, 1e6] ms",
            value: dt_ms,
        });
    }
    let mut b = Network::builder();
    b.dt(step_ms)?;
    let first = 200.0;
    let (t_pre, t_post) = if dt_ms >= 0.0 {
        (first, first + dt_ms)
    } else {
        (first - dt_ms, first)
    };
    let pre = b.source("pre", Source::times(1, vec![(0, t_pre)]))?;
    let post = b.source("post", Source::times(1, vec![(0, t_post)]))?;
    let syn = Synapse::Delta { w: w0 };
    b.connect(
        pre,
        post,
        Connection::new(syn, Connectivity::AllToAll).stdp(*rule),
    )?;
    let mut net = b.build(0)?;
    let steps = ((t_pre.max(t_post) / step_ms).round() as usize) + 1;
    net.run(steps, &NetRecord::counts())?;
    Ok(net.weights(0)?.map_or(w0, |w| w[0]))
}
