//! The NIR graph in memory: named nodes, edges between them, and metadata.

use ndarray::{Array1, Array2};

use crate::{NirError, Result};

/// A node of a NIR graph (the types this crate reads and writes; see NIR's documentation for
/// each one's equations). Parameters are arrays of the layer's shape.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// The graph's input, of shape `shape`.
    Input {
        /// Shape of the input.
        shape: Vec<i64>,
    },
    /// The graph's output, of shape `shape`.
    Output {
        /// Shape of the output.
        shape: Vec<i64>,
    },
    /// `y = W·x + b`, `weight` of shape `[out, in]`.
    Affine {
        /// Weights, `[out, in]`.
        weight: Array2<f64>,
        /// Bias, `[out]`.
        bias: Array1<f64>,
    },
    /// `y = W·x`, `weight` of shape `[out, in]`.
    Linear {
        /// Weights, `[out, in]`.
        weight: Array2<f64>,
    },
    /// Leaky integrate-and-fire: `tau dv/dt = (v_leak − v) + r·I`; `v > v_threshold` spikes
    /// and sets `v = v_reset`. Time in seconds.
    Lif {
        /// Time constant, s.
        tau: Vec<f64>,
        /// Resistance.
        r: Vec<f64>,
        /// Leak potential.
        v_leak: Vec<f64>,
        /// Threshold.
        v_threshold: Vec<f64>,
        /// Reset potential.
        v_reset: Vec<f64>,
    },
    /// Current-based LIF: `tau_syn dI/dt = −I + w_in·S`, `tau_mem dv/dt = (v_leak − v) + r·I`;
    /// `v > v_threshold` spikes and sets `v = v_reset`. Time in seconds.
    CubaLif {
        /// Synaptic time constant, s.
        tau_syn: Vec<f64>,
        /// Membrane time constant, s.
        tau_mem: Vec<f64>,
        /// Resistance.
        r: Vec<f64>,
        /// Leak potential.
        v_leak: Vec<f64>,
        /// Threshold.
        v_threshold: Vec<f64>,
        /// Reset potential.
        v_reset: Vec<f64>,
        /// Input weight of the synaptic current.
        w_in: Vec<f64>,
    },
    /// Integrate-and-fire: `dv/dt = r·I`; `v > v_threshold` spikes and sets `v = v_reset`.
    If {
        /// Resistance, per second.
        r: Vec<f64>,
        /// Threshold.
        v_threshold: Vec<f64>,
        /// Reset potential.
        v_reset: Vec<f64>,
    },
}

impl Node {
    /// NIR's name of the node type, as the file stores it.
    pub fn type_name(&self) -> &'static str {
        match self {
            Node::Input { .. } => "Input",
            Node::Output { .. } => "Output",
            Node::Affine { .. } => "Affine",
            Node::Linear { .. } => "Linear",
            Node::Lif { .. } => "LIF",
            Node::CubaLif { .. } => "CubaLIF",
            Node::If { .. } => "IF",
        }
    }
    /// A one-line description: the type and its shape.
    pub fn describe(&self) -> String {
        match self {
            Node::Input { shape } | Node::Output { shape } => {
                format!("{} {shape:?}", self.type_name())
            }
            Node::Affine { weight, .. } | Node::Linear { weight } => {
                format!("{} {}→{}", self.type_name(), weight.ncols(), weight.nrows())
            }
            Node::Lif { tau, .. } => format!("LIF ×{}", tau.len()),
            Node::CubaLif { tau_mem, .. } => format!("CubaLIF ×{}", tau_mem.len()),
            Node::If { r, .. } => format!("IF ×{}", r.len()),
        }
    }
}

/// A metadata value: text, or numbers with their shape.
#[derive(Debug, Clone, PartialEq)]
pub enum Meta {
    /// A string.
    Text(String),
    /// Numbers (row-major) and their shape (`[]` for one number).
    Numbers {
        /// The values.
        values: Vec<f64>,
        /// Their shape.
        shape: Vec<usize>,
    },
}

impl Meta {
    /// One number.
    pub fn number(x: f64) -> Self {
        Meta::Numbers {
            values: vec![x],
            shape: vec![],
        }
    }
    /// A vector.
    pub fn vector(v: Vec<f64>) -> Self {
        let n = v.len();
        Meta::Numbers {
            values: v,
            shape: vec![n],
        }
    }
    /// The text, if this is text.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Meta::Text(s) => Some(s),
            Meta::Numbers { .. } => None,
        }
    }
    /// The numbers, if these are numbers.
    pub fn as_numbers(&self) -> Option<&[f64]> {
        match self {
            Meta::Numbers { values, .. } => Some(values),
            Meta::Text(_) => None,
        }
    }
}

/// A NIR graph: nodes by name, edges `(from, to)` between them, and metadata by key.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NirGraph {
    /// The nodes, by name (the file orders them by name).
    pub nodes: Vec<(String, Node)>,
    /// The edges, `(from, to)`.
    pub edges: Vec<(String, String)>,
    /// The graph's metadata, by key (the file orders them by key).
    pub metadata: Vec<(String, Meta)>,
}

impl NirGraph {
    /// The node named `name`.
    pub fn node(&self, name: &str) -> Option<&Node> {
        self.nodes.iter().find(|(n, _)| n == name).map(|(_, n)| n)
    }
    /// The metadata value under `key`.
    pub fn meta(&self, key: &str) -> Option<&Meta> {
        self.metadata.iter().find(|(k, _)| k == key).map(|(_, m)| m)
    }
    /// The nodes from the input to the output along the edges, for a chain (each node with
    /// at most one edge out).
    ///
    /// # Errors
    /// No single `Input` node, a node with two edges out or an edge to an unknown node, a
    /// cycle, or a chain that does not end at an `Output`.
    pub fn chain(&self) -> Result<Vec<(&str, &Node)>> {
        let inputs: Vec<&(String, Node)> = self
            .nodes
            .iter()
            .filter(|(_, n)| matches!(n, Node::Input { .. }))
            .collect();
        let [(first, _)] = inputs.as_slice() else {
            return Err(NirError::Unsupported(format!(
                "a chain needs exactly one Input node, found {}",
                inputs.len()
            )));
        };
        let mut out = Vec::new();
        let mut at = first.as_str();
        loop {
            let node = self
                .node(at)
                .ok_or_else(|| NirError::Format(format!("an edge leads to unknown node {at:?}")))?;
            out.push((at, node));
            if out.len() > self.nodes.len() {
                return Err(NirError::Unsupported("the edges form a cycle".into()));
            }
            let next: Vec<&str> = self
                .edges
                .iter()
                .filter(|(a, _)| a == at)
                .map(|(_, b)| b.as_str())
                .collect();
            match next.as_slice() {
                [] => break,
                [b] => at = b,
                _ => {
                    return Err(NirError::Unsupported(format!(
                        "node {at:?} has {} edges out; only chains are supported",
                        next.len()
                    )))
                }
            }
        }
        if !matches!(out.last(), Some((_, Node::Output { .. }))) {
            return Err(NirError::Unsupported(
                "the chain from the Input does not end at an Output".into(),
            ));
        }
        Ok(out)
    }
}
