//! A network trained by gradient ([`SpikingNet`]) as a NIR graph.

use ndarray::Array1;
use snn_core::gradient::{Readout, Real, SpikingNet};

use crate::graph::{Meta, NirGraph, Node};
use crate::{NirError, Result};

/// The NIR graph of `net` with time step `dt` seconds: `input → affine1 → lif1 → … → output`,
/// one `Affine` (or `Linear`, without bias) and one `LIF` (`IF` for `beta = 1`) per layer.
///
/// Per layer, as for the classifier: `tau = dt/(1 − beta)`, `r = 1` with the input gain
/// `1/(1 − beta)` folded into the weights and bias (an IF: `r = 1/dt`, the weights as they
/// are), `v_leak = 0`, `v_threshold = theta`, `v_reset = 0`. What NIR cannot say is in the
/// metadata: the reset by subtraction (other readers reset to 0), and that a layer's spikes
/// reach the next layer in the same step as a value of 1 (snnTorch's and Norse's convention).
///
/// # Errors
/// A `dt` that is not positive and finite; a recurrent layer (a cycle in the graph, which
/// the readers here do not run); a [`Readout::MaxMembrane`] readout (no spikes to count).
pub fn from_spiking_net<F: Real>(net: &SpikingNet<F>, dt: f64) -> Result<NirGraph> {
    if !(dt.is_finite() && dt > 0.0) {
        return Err(NirError::Unsupported(format!(
            "dt must be a positive number of seconds, got {dt}"
        )));
    }
    if let Some(k) = net.layers().iter().position(|l| l.w_rec.is_some()) {
        return Err(NirError::Unsupported(format!(
            "layer {} is recurrent: a NIR graph with a cycle, which snn-nir's reader does not run; train without --recurrent to export",
            k + 1
        )));
    }
    if net.readout() == Readout::MaxMembrane {
        return Err(NirError::Unsupported(
            "a max-membrane readout decides by a membrane's maximum, which no NIR reader reports; train with the spike-count readout to export".into(),
        ));
    }
    let net: SpikingNet<f64> = net.cast();
    let mut nodes = vec![(
        "input".to_string(),
        Node::Input {
            shape: vec![net.inputs() as i64],
        },
    )];
    let mut edges = Vec::new();
    let mut last = "input".to_string();
    for (k, layer) in net.layers().iter().enumerate() {
        let k = k + 1;
        let n = layer.w.nrows();
        let leaky = layer.beta < 1.0;
        let gain = if leaky { 1.0 / (1.0 - layer.beta) } else { 1.0 };
        let weight = &layer.w * gain;
        let (lin, neu) = (format!("affine{k}"), format!("lif{k}"));
        let linear = match &layer.b {
            Some(b) => Node::Affine {
                weight,
                bias: b * gain,
            },
            None => Node::Linear { weight },
        };
        let neuron = if leaky {
            Node::Lif {
                tau: vec![dt / (1.0 - layer.beta); n],
                r: vec![1.0; n],
                v_leak: vec![0.0; n],
                v_threshold: vec![layer.threshold; n],
                v_reset: vec![0.0; n],
            }
        } else {
            Node::If {
                r: vec![1.0 / dt; n],
                v_threshold: vec![layer.threshold; n],
                v_reset: vec![0.0; n],
            }
        };
        nodes.push((lin.clone(), linear));
        nodes.push((neu.clone(), neuron));
        edges.push((last.clone(), lin.clone()));
        edges.push((lin, neu.clone()));
        last = neu;
    }
    nodes.push((
        "output".to_string(),
        Node::Output {
            shape: vec![net.outputs() as i64],
        },
    ));
    edges.push((last, "output".to_string()));
    let betas: Vec<f64> = net.layers().iter().map(|l| l.beta).collect();
    let metadata = vec![
        ("dt".to_string(), Meta::number(dt)),
        ("steps".to_string(), Meta::number(net.steps() as f64)),
        (
            "reset".to_string(),
            Meta::Text("subtract: v <- v - v_threshold after a spike (NIR cannot say it: the graph's v_reset = 0 is what other readers use)".into()),
        ),
        (
            "spikes".to_string(),
            Meta::Text("a layer's spikes reach the next layer in the same step, each a value of 1 (snnTorch's and Norse's convention); the input is held for `steps` steps".into()),
        ),
        (
            "decision".to_string(),
            Meta::Text("the class is the output neuron with the most spikes; ties: the lower index".into()),
        ),
        ("producer".to_string(), Meta::Text(format!("snn-nir {} (snn train)", env!("CARGO_PKG_VERSION")))),
        ("snn_kind".to_string(), Meta::Text("spiking net trained by gradient".into())),
        ("snn_beta".to_string(), Meta::vector(betas)),
        (
            "snn_threshold".to_string(),
            Meta::vector(Array1::from_iter(net.layers().iter().map(|l| l.threshold)).to_vec()),
        ),
    ];
    Ok(NirGraph {
        nodes,
        edges,
        metadata,
    })
}
