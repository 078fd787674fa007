//! Which other tools run a graph as NIR says: the limits of snnTorch's and Norse's NIR
//! importers, read from their source (snntorch 1.0.0 `import_nir.py`, norse 1.1.0
//! `torch/utils/import_nir.py`) and checked by `scripts/check/interop.py`, which runs both.

use crate::graph::{Meta, NirGraph, Node};
use crate::DEFAULT_DT;

/// A NIR reader this crate knows the limits of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reader {
    /// snnTorch 1.0.0, `snntorch.import_nir.import_from_nir(graph)`.
    SnnTorch,
    /// Norse 1.1.0, `norse.torch.from_nir(graph, dt=...)`.
    Norse,
}

impl Reader {
    /// Every reader, in a fixed order.
    pub const ALL: [Reader; 2] = [Reader::SnnTorch, Reader::Norse];
    /// The reader's name and version.
    pub fn name(self) -> &'static str {
        match self {
            Reader::SnnTorch => "snnTorch 1.0.0",
            Reader::Norse => "Norse 1.1.0",
        }
    }
}

/// What a reader does with a graph: `refused` lists what it cannot run as NIR says (each
/// naming the node and the reader's limit), `differs` what it runs as NIR says but where NIR
/// itself differs from our model (our metadata's reset rule), `how` the line to read it with.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Verdict {
    /// Reasons the reader would not run the graph as NIR says.
    pub refused: Vec<String>,
    /// Reasons its spike counts would differ from ours although it follows NIR.
    pub differs: Vec<String>,
    /// How to load the graph in the reader.
    pub how: String,
}

fn all_equal(v: &[f64]) -> bool {
    v.iter().all(|&x| x == v[0])
}

fn all_near(v: &[f64], want: f64) -> bool {
    v.iter()
        .all(|&x| (x - want).abs() <= 1e-6 * want.abs().max(1e-12))
}

/// What `reader` does with `g` (see [`Verdict`]).
pub fn verdict(g: &NirGraph, reader: Reader) -> Verdict {
    let dt = g
        .meta("dt")
        .and_then(Meta::as_numbers)
        .and_then(|v| v.first().copied());
    let mut v = Verdict::default();
    let name = reader.name();
    match reader {
        Reader::SnnTorch => {
            v.how = "from snntorch.import_nir import import_from_nir; net = import_from_nir(graph)"
                .into();
            if let Some(dt) = dt.filter(|&d| d != DEFAULT_DT) {
                v.refused.push(format!(
                    "{name} assumes dt = 1e-4 s whatever the file says; this graph's dt is {dt} s (export it with dt = 1e-4)"
                ));
            }
        }
        Reader::Norse => {
            v.how = format!(
                "import norse.torch as norse; net = norse.from_nir(graph, dt={})",
                dt.unwrap_or(DEFAULT_DT)
            );
        }
    }
    for (node, n) in &g.nodes {
        match (reader, n) {
            (Reader::SnnTorch, Node::If { .. }) => v.refused.push(format!(
                "node {node:?}: {name} reads an IF node as a leaky neuron (beta 0.9, reset by subtraction) and asserts r = 1; export a LIF (decay < 1, e.g. 0.9999) for snnTorch, or read this IF graph with Norse"
            )),
            (Reader::SnnTorch, Node::Lif { tau, r, v_leak, v_threshold, v_reset }) => {
                if v_leak.iter().any(|&x| x != 0.0) {
                    v.refused.push(format!("node {node:?}: {name} asserts v_leak = 0"));
                }
                if !all_equal(v_threshold) {
                    v.refused.push(format!("node {node:?}: {name} needs one v_threshold for the layer"));
                }
                let scale: Vec<f64> = r.iter().zip(tau).map(|(r, t)| r * DEFAULT_DT / t).collect();
                if !all_equal(&scale) {
                    v.refused.push(format!("node {node:?}: {name} needs one r·dt/tau for the layer"));
                }
                if v_reset.iter().any(|&x| x != 0.0) {
                    v.refused.push(format!("node {node:?}: {name} resets to 0 whatever v_reset says"));
                }
            }
            (Reader::SnnTorch, Node::CubaLif { tau_mem, r, v_leak, v_threshold, v_reset, .. }) => {
                if v_leak.iter().any(|&x| x != 0.0) {
                    v.refused.push(format!(
                        "node {node:?}: {name} asserts v_leak = 0 (a CubaLIF from a network with a resting potential: shift the potentials so rest is 0)"
                    ));
                }
                if r.iter().zip(tau_mem).any(|(r, t)| !all_near(&[*r], t / DEFAULT_DT)) {
                    v.refused.push(format!("node {node:?}: {name} asserts r = tau_mem / 1e-4"));
                }
                if !all_equal(v_threshold) || v_reset.iter().any(|&x| x != 0.0) {
                    v.refused.push(format!(
                        "node {node:?}: {name} needs one v_threshold for the layer and resets to 0"
                    ));
                }
            }
            (Reader::Norse, Node::Lif { r, v_reset, .. }) => {
                if !all_near(r, 1.0) {
                    v.refused.push(format!(
                        "node {node:?}: {name} ignores a LIF's r (a warning only); r must be 1 (fold it into the weights)"
                    ));
                }
                if v_reset.iter().any(|&x| x != 0.0) {
                    v.refused.push(format!("node {node:?}: {name}'s LIF resets to 0 whatever v_reset says"));
                }
            }
            (Reader::Norse, Node::If { r, .. }) => {
                if let Some(dt) = dt {
                    if !all_near(r, 1.0 / dt) {
                        v.refused.push(format!(
                            "node {node:?}: {name}'s IF adds its input per step, as NIR's does only with r = 1/dt"
                        ));
                    }
                }
            }
            _ => {}
        }
    }
    if let Some(rule) = g.meta("snn_reset").and_then(Meta::as_text) {
        if rule == "subtract" {
            v.differs.push(format!(
                "our neurons reset by subtracting the threshold, which NIR cannot say: {name} resets to v_reset = 0 (as NIR says) and counts a few spikes fewer; export with reset zero for the same counts"
            ));
        }
    }
    v
}
