//! A feed-forward chain of populations as a NIR graph, and back.
//!
//! A network of snn-core ([`Network`]) whose populations form one chain, `source → P1 → P2 →
//! … → Pk` (one population of spike sources feeding the first, each population feeding only
//! the next), is written as `input → linear1 → pop1 → linear2 → pop2 → … → output`: each
//! projection becomes a `Linear` node holding its weights as a dense `[n_to, n_from]` matrix
//! (0 where two neurons are not connected), and each population a `LIF` (delta synapses) or
//! `CubaLIF` (current-based exponential synapses) node.
//!
//! # Units
//!
//! NIR is continuous in time, and a spike is a Dirac pulse of unit area. Through a `Linear`
//! weight `W` into NIR's LIF (`tau dv/dt = (v_leak − v) + r·I`) one spike moves `v` by
//! `r·W/tau`; into its CubaLIF (`tau_syn dI/dt = −I + w_in·S`) it moves `I` by
//! `w_in·W/tau_syn`. So, with times in seconds (`tau = tau_m/1000`):
//!
//! | snn-core | NIR |
//! |---|---|
//! | population, [`LifParams`] | `LIF`: `tau = tau_m/1000`, `r = R` (MΩ), `v_leak = V_rest`, `v_threshold = V_th`, `v_reset = V_reset` (mV) |
//! | delta synapse, jump `w` mV | `Linear` weight `W = w·tau/R` (a charge, nA·s) |
//! | current synapse, `w` nA, `tau_syn` ms | `CubaLIF` with `tau_syn/1000`, `w_in = 1`, `tau_mem`, `r`, … as LIF; `Linear` weight `W = w·tau_syn/1000` |
//!
//! What NIR cannot say is kept in the graph's metadata, which other readers ignore and
//! [`to_network`] uses to rebuild the network exactly: the step `dt`, each population's
//! refractory period, reset rule, threshold comparison, integration and starting potential,
//! each projection's delay and its weights in the synapse's own unit, and whether it shares
//! one weight. **Caveats** for other readers: NIR has no refractory period and no
//! transmission delay in these nodes, a conductance-based synapse has no NIR counterpart
//! (refused), and our populations integrate the membrane exactly over each step, where most
//! importers use forward Euler at their own `dt`.

use snn_core::network::{
    Connection, Connectivity, Network, NetworkDescription, PopId, Source, Synapse,
};
use snn_core::{Crossing, Integration, LifParams, LifReset};

use ndarray::Array2;

use crate::graph::{Meta, NirGraph, Node};
use crate::{NirError, Result};

fn key(kind: &str, k: usize, what: &str) -> String {
    format!("snn_{kind}{k}_{what}")
}

/// The chain of `net`: its source population, then each projection and its target.
pub(crate) fn chain_of(net: &NetworkDescription) -> Result<(PopId, Vec<(usize, PopId)>)> {
    let pops = net.populations().len();
    let infos: Vec<_> = net.projections().iter().map(|p| p.info()).collect();
    let sources: Vec<usize> = (0..pops)
        .filter(|&p| net.populations()[p].source().is_some())
        .collect();
    let [source] = sources.as_slice() else {
        return Err(NirError::Unsupported(format!(
            "a network with {} populations of spike sources; a chain starts at exactly one",
            sources.len()
        )));
    };
    if infos.iter().any(|i| i.to.index() == *source) {
        return Err(NirError::Unsupported(
            "a projection into the spike sources: not a feed-forward chain".into(),
        ));
    }
    let mut steps = Vec::new();
    let mut at = *source;
    let mut seen = vec![false; pops];
    seen[at] = true;
    loop {
        let out: Vec<usize> = (0..infos.len())
            .filter(|&k| infos[k].from.index() == at)
            .collect();
        match out.as_slice() {
            [] => break,
            [k] => {
                let to = infos[*k].to.index();
                if seen[to] {
                    return Err(NirError::Unsupported(format!(
                        "population {to} is reached twice (a loop or a recurrent projection): not a feed-forward chain"
                    )));
                }
                if infos.iter().filter(|i| i.to.index() == to).count() != 1 {
                    return Err(NirError::Unsupported(format!(
                        "population {to} has more than one incoming projection: not a chain"
                    )));
                }
                seen[to] = true;
                steps.push((*k, PopId::new(to)));
                at = to;
            }
            _ => {
                return Err(NirError::Unsupported(format!(
                    "population {at} feeds {} projections: not a chain",
                    out.len()
                )))
            }
        }
    }
    if steps.is_empty() || seen.iter().any(|s| !s) || steps.len() != infos.len() {
        return Err(NirError::Unsupported(
            "the projections do not form one chain from the sources through every population"
                .into(),
        ));
    }
    Ok((PopId::new(*source), steps))
}

/// The NIR graph of a feed-forward chain of populations, with its weights as they are now
/// (see [`from_description`]).
///
/// # Errors
/// As [`from_description`].
pub fn from_network(net: &Network) -> Result<NirGraph> {
    from_description(&net.current_description())
}

/// [`from_network`] for a chain with plastic projections: their weights as they are now,
/// frozen (NIR has no plasticity; the graph's metadata names each frozen projection's rule).
///
/// # Errors
/// As [`from_description`], but for plasticity.
pub fn from_network_frozen(net: &Network) -> Result<NirGraph> {
    chain_graph(&net.current_description(), true)
}

/// The NIR graph of the description of a feed-forward chain of populations (see the
/// [module docs](self)), read directly: its populations' models, its projections' synapses,
/// delays and starting weights.
///
/// # Errors
/// A network that is not one chain from one population of spike sources, a conductance
/// synapse, a plastic projection (NIR has no plasticity: [`from_network_frozen`] writes its
/// weights frozen, when that is what is wanted), or matrices above snn-core's memory limit.
pub fn from_description(net: &NetworkDescription) -> Result<NirGraph> {
    chain_graph(net, false)
}

pub(crate) fn stdp_text(rule: &snn_core::network::Stdp) -> String {
    format!(
        "STDP: tau+ {} ms, tau- {} ms, A+ {}, A- {}, w_max {}, {:?} pairing",
        rule.tau_pre_ms(),
        rule.tau_post_ms(),
        rule.a_plus(),
        rule.a_minus(),
        rule.w_max(),
        rule.pairing()
    )
}

fn chain_graph(net: &NetworkDescription, freeze: bool) -> Result<NirGraph> {
    let (source, steps) = chain_of(net)?;
    let dt_ms = net.dt();
    let n0 = net.population(source)?.n();
    let mut nodes = vec![(
        "input".to_string(),
        Node::Input {
            shape: vec![n0 as i64],
        },
    )];
    let mut edges = Vec::new();
    let mut last = "input".to_string();
    let mut metadata = vec![
        ("snn_kind".to_string(), Meta::Text("network".into())),
        ("dt".to_string(), Meta::number(dt_ms / 1000.0)),
        ("snn_dt_ms".to_string(), Meta::number(dt_ms)),
        (
            "spikes".to_string(),
            Meta::Text("Dirac pulses of unit area: through a Linear weight W a spike moves a LIF's v by r*W/tau, a CubaLIF's I by w_in*W/tau_syn".into()),
        ),
    ];
    for (k, (proj, to)) in steps.iter().enumerate() {
        let k = k + 1;
        let info = net.projection(*proj)?.info();
        let to_pop = net.population(*to)?;
        if let (Some(rule), false) = (&info.plasticity, freeze) {
            return Err(NirError::Unsupported(format!(
                "projection {proj} ({} -> {}) is plastic ({}): NIR cannot express plasticity; export it frozen, its weights as they are now, with snn_nir::from_network_frozen",
                net.population(info.from)?.name(),
                to_pop.name(),
                stdp_text(rule)
            )));
        }
        let p = to_pop
            .model()
            .ok_or_else(|| NirError::Format("a chain population without a model".into()))?;
        let (n_from, n_to) = (net.population(info.from)?.n(), to_pop.n());
        let dense = net.dense_weights(*proj)?;
        let tau = p.tau_m() / 1000.0;
        let n = n_to;
        let (scale, node) = match info.synapse {
            Synapse::Delta { .. } => (
                tau / p.r_m(),
                Node::Lif {
                    tau: vec![tau; n],
                    r: vec![p.r_m(); n],
                    v_leak: vec![p.v_rest(); n],
                    v_threshold: vec![p.v_th(); n],
                    v_reset: vec![p.v_reset(); n],
                },
            ),
            Synapse::CurrentExp { tau_syn, .. } => (
                tau_syn / 1000.0,
                Node::CubaLif {
                    tau_syn: vec![tau_syn / 1000.0; n],
                    tau_mem: vec![tau; n],
                    r: vec![p.r_m(); n],
                    v_leak: vec![p.v_rest(); n],
                    v_threshold: vec![p.v_th(); n],
                    v_reset: vec![p.v_reset(); n],
                    w_in: vec![1.0; n],
                },
            ),
            Synapse::ConductanceExp { .. } => {
                return Err(NirError::Unsupported(format!(
                    "projection {proj} has conductance-based synapses, which NIR cannot express"
                )))
            }
        };
        let weight = Array2::from_shape_fn((n_to, n_from), |(j, i)| dense[j * n_from + i] * scale);
        let (lin, neu) = (format!("linear{k}"), format!("pop{k}"));
        nodes.push((lin.clone(), Node::Linear { weight }));
        nodes.push((neu.clone(), node));
        edges.push((last.clone(), lin.clone()));
        edges.push((lin, neu.clone()));
        last = neu;
        let flag = |b: bool| Meta::number(if b { 1.0 } else { 0.0 });
        metadata.extend([
            (key("pop", k, "name"), Meta::Text(to_pop.name().to_string())),
            (key("pop", k, "t_ref_ms"), Meta::number(p.t_ref())),
            (key("pop", k, "v0"), Meta::number(p.v0())),
            (
                key("pop", k, "euler"),
                flag(p.integration() == Integration::Euler),
            ),
            (
                key("pop", k, "reset_subtract"),
                flag(p.reset() == LifReset::Subtract),
            ),
            (
                key("pop", k, "strict"),
                flag(p.crossing() == Crossing::Above),
            ),
            (
                key("proj", k, "delay_steps"),
                Meta::number(info.delay_steps as f64),
            ),
            (key("proj", k, "shared"), flag(!info.per_synapse)),
            (
                key("proj", k, "frozen"),
                Meta::Text(info.plasticity.as_ref().map_or("not plastic".into(), |r| {
                    format!(
                        "plastic in the network ({}), frozen at export",
                        stdp_text(r)
                    )
                })),
            ),
            (key("proj", k, "w_shared"), Meta::number(info.synapse.w())),
            (
                key("proj", k, "synapses"),
                Meta::vector(
                    net.synapse_pairs(*proj)?
                        .iter()
                        .map(|&(i, j)| (j * n_from + i) as f64)
                        .collect(),
                ),
            ),
            (
                key("proj", k, "w"),
                Meta::Numbers {
                    values: dense,
                    shape: vec![n_to, n_from],
                },
            ),
        ]);
    }
    let n_last = net.population(steps[steps.len() - 1].1)?.n();
    nodes.push((
        "output".to_string(),
        Node::Output {
            shape: vec![n_last as i64],
        },
    ));
    edges.push((last, "output".to_string()));
    Ok(NirGraph {
        nodes,
        edges,
        metadata,
    })
}

fn uniform(node: &str, name: &str, v: &[f64]) -> Result<f64> {
    match v.first() {
        Some(&x) if v.iter().all(|&y| y == x) => Ok(x),
        Some(_) => Err(NirError::Unsupported(format!(
            "node {node:?}: neurons with different {name}; a population shares one model"
        ))),
        None => Err(NirError::Format(format!("node {node:?}: no {name}"))),
    }
}

/// The network a NIR chain `Input → (Linear → LIF or CubaLIF)+ → Output` describes, driven
/// by `input` (a source population of the Input's size, added first) and drawn from `seed`;
/// returns it with its populations in chain order (the input first).
///
/// A graph written by [`from_network`] gives back the same network (models, delays,
/// refractory periods, weights in their own unit, shared or per-synapse): driven by the same
/// input it fires the same spikes. Any other such chain is read by the table of the
/// [module docs](self), with the step from its `dt` (seconds; 0.1 ms without one), a delay of
/// one step, no refractory period and exact integration.
///
/// # Errors
/// Not such a chain; an `Affine` bias other than 0; neurons of one node whose parameters
/// differ; a `w_in` that is not uniform; an input of the wrong size; values snn-core refuses.
pub fn to_network(g: &NirGraph, input: Source, seed: u64) -> Result<(Network, Vec<PopId>)> {
    let (desc, ids) = to_description(g, input, seed)?;
    Ok((Network::new(desc)?, ids))
}

/// The description of the network a NIR chain describes (see [`to_network`]): the
/// populations, projections and weights mapped directly, the connectivity drawn from `seed`.
///
/// # Errors
/// As [`to_network`].
pub fn to_description(
    g: &NirGraph,
    input: Source,
    seed: u64,
) -> Result<(NetworkDescription, Vec<PopId>)> {
    let chain = g.chain()?;
    let Some((_, Node::Input { shape })) = chain.first() else {
        return Err(NirError::Format("no Input".into()));
    };
    let n0 = match shape.as_slice() {
        [n] if *n > 0 => *n as usize,
        _ => {
            return Err(NirError::Unsupported(format!(
                "an Input of shape {shape:?}; a chain starts from a vector"
            )))
        }
    };
    if input.n() != n0 {
        return Err(NirError::Unsupported(format!(
            "the input has {} sources, the graph's Input {n0}",
            input.n()
        )));
    }
    let num = |k: &str| {
        g.meta(k)
            .and_then(Meta::as_numbers)
            .and_then(|v| v.first().copied())
    };
    let ours = g.meta("snn_kind").and_then(Meta::as_text) == Some("network");
    let dt_ms = num("snn_dt_ms")
        .or_else(|| num("dt").map(|s| s * 1000.0))
        .unwrap_or(0.1);
    let mut b = Network::builder();
    b.dt(dt_ms)?;
    let mut ids = vec![b.source("input", input)?];
    let inner = &chain[1..chain.len() - 1];
    if inner.is_empty() || inner.len() % 2 != 0 {
        return Err(NirError::Unsupported(
            "a chain Input → (Linear → LIF or CubaLIF)+ → Output".into(),
        ));
    }
    let mut per_synapse = Vec::new();
    let mut n_from = n0;
    for (k, pair) in inner.chunks(2).enumerate() {
        let k = k + 1;
        let [(lname, layer), (nname, neuron)] = pair else {
            unreachable!("chunks of two")
        };
        let weight = match layer {
            Node::Linear { weight } => weight.clone(),
            Node::Affine { weight, bias } if bias.iter().all(|&b| b == 0.0) => weight.clone(),
            other => {
                return Err(NirError::Unsupported(format!(
                    "node {lname:?} is a {} (with a bias?); a network chain has Linear layers",
                    other.type_name()
                )))
            }
        };
        if weight.ncols() != n_from {
            return Err(NirError::Format(format!(
                "node {lname:?} takes {} inputs after a layer of {n_from}",
                weight.ncols()
            )));
        }
        let n_to = weight.nrows();
        let (tau, r, v_leak, v_th, v_reset, syn) = match neuron {
            Node::Lif {
                tau,
                r,
                v_leak,
                v_threshold,
                v_reset,
            } => (tau, r, v_leak, v_threshold, v_reset, None),
            Node::CubaLif {
                tau_syn,
                tau_mem,
                r,
                v_leak,
                v_threshold,
                v_reset,
                w_in,
            } => (
                tau_mem,
                r,
                v_leak,
                v_threshold,
                v_reset,
                Some((
                    uniform(nname, "tau_syn", tau_syn)?,
                    uniform(nname, "w_in", w_in)?,
                )),
            ),
            other => {
                return Err(NirError::Unsupported(format!(
                    "node {nname:?} is a {}; a network chain has LIF or CubaLIF populations",
                    other.type_name()
                )))
            }
        };
        if tau.len() != n_to {
            return Err(NirError::Format(format!(
                "node {nname:?} has {} neurons after a layer of {n_to} outputs",
                tau.len()
            )));
        }
        let tau = uniform(nname, "tau", tau)?;
        let r = uniform(nname, "r", r)?;
        let flag = |what: &str| ours && num(&key("pop", k, what)) == Some(1.0);
        let mut params = LifParams::builder()
            .tau_m(tau * 1000.0)
            .r_m(r)
            .v_rest(uniform(nname, "v_leak", v_leak)?)
            .v_th(uniform(nname, "v_threshold", v_th)?)
            .v_reset(uniform(nname, "v_reset", v_reset)?)
            .t_ref(if ours {
                num(&key("pop", k, "t_ref_ms")).unwrap_or(0.0)
            } else {
                0.0
            })
            .dt(dt_ms);
        params = params.v0(if ours {
            num(&key("pop", k, "v0")).unwrap_or(params.v_rest)
        } else {
            params.v_rest
        });
        if flag("euler") {
            params = params.integration(Integration::Euler);
        }
        if flag("reset_subtract") {
            params = params.reset(LifReset::Subtract);
        }
        if flag("strict") {
            params = params.crossing(Crossing::Above);
        }
        let params = params.build()?;
        // The weights in the synapse's own unit: exact from the metadata, else from NIR's.
        let unit = match syn {
            None => tau / r,
            Some((tau_syn, w_in)) => tau_syn / w_in,
        };
        let w: Vec<f64> = match g.meta(&key("proj", k, "w")).filter(|_| ours) {
            Some(Meta::Numbers { values, shape }) if shape.as_slice() == [n_to, n_from] => {
                values.clone()
            }
            _ => weight.iter().map(|&x| x / unit).collect(),
        };
        let synapse = |w: f64| match syn {
            None => Synapse::Delta { w },
            Some((tau_syn, _)) => Synapse::CurrentExp {
                w,
                tau_syn: tau_syn * 1000.0,
            },
        };
        let name = g
            .meta(&key("pop", k, "name"))
            .and_then(Meta::as_text)
            .filter(|_| ours)
            .unwrap_or(nname)
            .to_string();
        let id = b.population(&name, &params, n_to)?;
        // The synapses: ours lists them (a sparse projection stays sparse); from another
        // writer, the nonzero weights of the dense matrix are the synapses.
        let listed = g
            .meta(&key("proj", k, "synapses"))
            .and_then(Meta::as_numbers)
            .filter(|_| ours);
        let flat: Vec<usize> = match listed {
            Some(list) => list.iter().map(|&x| x as usize).collect(),
            None if ours => (0..n_from * n_to).collect(),
            None => (0..n_from * n_to).filter(|&f| w[f] != 0.0).collect(),
        };
        if let Some(&bad) = flat.iter().find(|&&f| f >= n_from * n_to) {
            return Err(NirError::Format(format!(
                "{}: synapse {bad} outside the {n_to} x {n_from} matrix",
                key("proj", k, "synapses")
            )));
        }
        let mut pairs: Vec<(usize, usize)> =
            flat.iter().map(|&f| (f % n_from, f / n_from)).collect();
        pairs.sort_unstable();
        let shared = ours && num(&key("proj", k, "shared")) == Some(1.0);
        let mut conn = match (shared, num(&key("proj", k, "w_shared"))) {
            (true, Some(ws)) if pairs.iter().all(|&(i, j)| w[j * n_from + i] == ws) => {
                Connection::new(synapse(ws), Connectivity::AllToAll)
            }
            _ => {
                let rows: Vec<f64> = pairs.iter().map(|&(i, j)| w[j * n_from + i]).collect();
                per_synapse.push((ids.len() - 1, rows));
                Connection::new(synapse(0.0), Connectivity::AllToAll).per_synapse(true)
            }
        };
        let delay = if ours {
            num(&key("proj", k, "delay_steps")).unwrap_or(1.0)
        } else {
            1.0
        };
        conn = conn.delay_ms(delay * dt_ms);
        if pairs.len() == n_from * n_to {
            b.connect(ids[ids.len() - 1], id, conn)?;
        } else {
            b.connect_pairs(ids[ids.len() - 1], id, conn, &pairs)?;
        }
        ids.push(id);
        n_from = n_to;
    }
    let mut desc = b.describe(seed)?;
    for (proj, rows) in per_synapse {
        // By source, targets ascending: the order of the pairs, sorted.
        desc = desc.with_weights(proj, &rows)?;
    }
    Ok((desc, ids))
}
