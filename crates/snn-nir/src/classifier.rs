//! A trained classifier as a NIR graph, and back (see the [crate docs](crate) for the
//! mapping).

use std::path::Path;

use ndarray::{Array1, Array2};
use snn_core::{Classifier, DiscreteParams, Encoding, Reset, Standardizer};

use crate::graph::{Meta, NirGraph, Node};
use crate::{NirError, Result, DEFAULT_DT};

/// Steps per sample when a file does not say (a graph from another tool).
const DEFAULT_STEPS: usize = 100;

/// Whether a classifier with `encoding` can be written as a NIR graph: only
/// [`Encoding::Current`] (a spike encoding needs the stochastic encoder, which NIR cannot
/// express). Check it before training when the result is to be exported.
///
/// # Errors
/// A spike encoding.
pub fn exportable(encoding: Encoding) -> Result<()> {
    if encoding != Encoding::Current {
        return Err(NirError::Unsupported(format!(
            "a classifier with {} encoding: NIR has no stochastic spike encoder; train with the current encoding to export",
            encoding.name()
        )));
    }
    Ok(())
}

/// The NIR graph of `clf` with time step `dt` seconds: `input → affine → lif → output` (an
/// `IF` node for decay 1), the standardisation folded into the affine weights and bias, and
/// in the graph's metadata `dt`, the discretisation, the steps per sample, the decision rule,
/// the reset rule, and the unfolded weights and standardisation (`snn_*` keys) from which
/// [`to_classifier`] rebuilds `clf` exactly.
///
/// # Errors
/// A spike encoding (the graph would need the stochastic encoder, which NIR cannot express;
/// train with [`Encoding::Current`]), or a `dt` that is not positive and finite.
pub fn from_classifier(clf: &Classifier, dt: f64) -> Result<NirGraph> {
    exportable(clf.encoding())?;
    if !(dt.is_finite() && dt > 0.0) {
        return Err(NirError::Unsupported(format!(
            "dt must be a positive number of seconds, got {dt}"
        )));
    }
    let w = clf.w();
    let (features, classes) = (w.nrows() - 1, w.ncols());
    let (mean, std) = (clf.standardizer().mean(), clf.standardizer().std());
    let weight = Array2::from_shape_fn((classes, features), |(j, f)| w[[f, j]] / std[f]);
    let bias = Array1::from_shape_fn(classes, |j| {
        w[[features, j]]
            - (0..features)
                .map(|f| w[[f, j]] * mean[f] / std[f])
                .sum::<f64>()
    });
    let n = clf.neuron();
    let (decay, th) = (n.decay(), n.threshold());
    let neuron = if decay < 1.0 {
        let tau = dt / (1.0 - decay);
        Node::Lif {
            tau: vec![tau; classes],
            r: vec![tau / dt; classes],
            v_leak: vec![0.0; classes],
            v_threshold: vec![th; classes],
            v_reset: vec![0.0; classes],
        }
    } else {
        Node::If {
            r: vec![1.0 / dt; classes],
            v_threshold: vec![th; classes],
            v_reset: vec![0.0; classes],
        }
    };
    let reset = match n.reset() {
        Reset::Subtract => "subtract".to_string(),
        Reset::ToValue(v) => format!("to {v}"),
    };
    let metadata = vec![
        ("dt".to_string(), Meta::number(dt)),
        (
            "discretisation".to_string(),
            Meta::Text(
                "forward Euler with step dt: v <- v + dt/tau*(v_leak - v + r*I), I held over the step; IF: v <- v + dt*r*I"
                    .into(),
            ),
        ),
        ("steps".to_string(), Meta::number(clf.steps() as f64)),
        (
            "decision".to_string(),
            Meta::Text(
                "the input is held for `steps` steps; the class is the output neuron with the most spikes (ties: the higher v)"
                    .into(),
            ),
        ),
        ("reset".to_string(), Meta::Text(reset)),
        ("producer".to_string(), Meta::Text(format!("snn-nir {}", env!("CARGO_PKG_VERSION")))),
        ("snn_decay".to_string(), Meta::number(decay)),
        ("snn_threshold".to_string(), Meta::number(th)),
        ("snn_mean".to_string(), Meta::vector(mean.to_vec())),
        ("snn_std".to_string(), Meta::vector(std.to_vec())),
        (
            "snn_weights".to_string(),
            Meta::Numbers {
                values: w.iter().copied().collect(),
                shape: vec![features + 1, classes],
            },
        ),
    ];
    let shape = |k: usize| vec![k as i64];
    Ok(NirGraph {
        nodes: vec![
            (
                "input".into(),
                Node::Input {
                    shape: shape(features),
                },
            ),
            ("affine".into(), Node::Affine { weight, bias }),
            ("lif".into(), neuron),
            (
                "output".into(),
                Node::Output {
                    shape: shape(classes),
                },
            ),
        ],
        edges: vec![
            ("input".into(), "affine".into()),
            ("affine".into(), "lif".into()),
            ("lif".into(), "output".into()),
        ],
        metadata,
    })
}

/// Writes `clf` to `path` as a NIR graph with time step [`DEFAULT_DT`] (see
/// [`from_classifier`]).
///
/// # Errors
/// As [`from_classifier`] and [`write()`](fn@crate::write).
pub fn write_classifier(clf: &Classifier, path: impl AsRef<Path>) -> Result<()> {
    crate::write(&from_classifier(clf, DEFAULT_DT)?, path)
}

fn number(g: &NirGraph, key: &str) -> Option<f64> {
    g.meta(key)
        .and_then(Meta::as_numbers)
        .and_then(|v| v.first().copied())
}

/// The classifier a NIR graph describes.
///
/// A graph written by [`from_classifier`] gives back that classifier exactly (its weights,
/// standardisation, neuron and steps from the metadata): the same spikes, bit for bit.
///
/// Any other chain `Input → Affine (or Linear) → LIF (or IF) → Output` (for example from
/// snnTorch) is read by NIR's equations under forward Euler with the file's `dt` (or
/// [`DEFAULT_DT`]): a neuron `v ← v·(1 − dt/tau) + (dt/tau)·(v_leak + r·I)` is our
/// `V ← V·decay + g·I` with `decay = 1 − dt/tau` and input gain `g = r·dt/tau`, folded into
/// the weights (with `v_leak` folded into the bias), reset to `v_reset` = 0, identity
/// standardisation, and the file's `steps` (or 100).
///
/// # Errors
/// Not such a chain; neurons whose `tau`, `r` or threshold differ (our output layer shares
/// one model); a `v_reset` other than 0; `dt/tau` outside (0, 1]; an input shape other than
/// the affine layer's; or values snn-core refuses.
pub fn to_classifier(g: &NirGraph) -> Result<Classifier> {
    let steps = number(g, "steps").map_or(DEFAULT_STEPS, |s| s.round().max(1.0) as usize);
    if let (Some(w), Some(mean), Some(std), Some(decay), Some(th)) = (
        g.meta("snn_weights"),
        g.meta("snn_mean").and_then(Meta::as_numbers),
        g.meta("snn_std").and_then(Meta::as_numbers),
        number(g, "snn_decay"),
        number(g, "snn_threshold"),
    ) {
        let Meta::Numbers { values, shape } = w else {
            return Err(NirError::Format("snn_weights is not numbers".into()));
        };
        let [rows, cols] = shape.as_slice() else {
            return Err(NirError::Format("snn_weights is not a matrix".into()));
        };
        let w = Array2::from_shape_vec((*rows, *cols), values.clone())
            .map_err(|e| NirError::Format(e.to_string()))?;
        let reset = match g.meta("reset").and_then(Meta::as_text) {
            Some("subtract") => Reset::Subtract,
            _ => Reset::ToValue(0.0),
        };
        let neuron = DiscreteParams::builder()
            .decay(decay)
            .threshold(th)
            .reset(reset)
            .build()?;
        let st = Standardizer::new(mean.to_vec(), std.to_vec())?;
        return Ok(Classifier::from_parts(w, st, neuron, steps)?);
    }
    let dt = number(g, "dt").unwrap_or(DEFAULT_DT);
    let chain = g.chain()?;
    let types: Vec<&str> = chain.iter().map(|(_, n)| n.type_name()).collect();
    let [(_, Node::Input { shape }), (_, layer), (_, neuron), (_, Node::Output { .. })] =
        chain.as_slice()
    else {
        return Err(NirError::Unsupported(format!(
            "a chain {types:?}; a classifier is Input → Affine or Linear → LIF or IF → Output"
        )));
    };
    let (weight, bias) = match layer {
        Node::Affine { weight, bias } => (weight.clone(), bias.clone()),
        Node::Linear { weight } => (weight.clone(), Array1::zeros(weight.nrows())),
        other => {
            return Err(NirError::Unsupported(format!(
                "a {} after the Input; a classifier has an Affine or Linear layer there",
                other.type_name()
            )))
        }
    };
    if shape.as_slice() != [weight.ncols() as i64] {
        return Err(NirError::Format(format!(
            "the Input has shape {shape:?}, the {} layer takes {}",
            layer.type_name(),
            weight.ncols()
        )));
    }
    let uniform = |name: &str, v: &[f64]| -> Result<f64> {
        match v.first() {
            Some(&x) if v.iter().all(|&y| y == x) => Ok(x),
            Some(_) => Err(NirError::Unsupported(format!(
                "output neurons with different {name}; our output layer shares one model"
            ))),
            None => Err(NirError::Format(format!("no {name}"))),
        }
    };
    let (decay, gain, leak, th, reset) = match neuron {
        Node::Lif {
            tau,
            r,
            v_leak,
            v_threshold,
            v_reset,
        } => {
            let (tau, r) = (uniform("tau", tau)?, uniform("r", r)?);
            let k = dt / tau;
            if !(k > 0.0 && k <= 1.0) {
                return Err(NirError::Unsupported(format!(
                    "dt/tau = {k} (dt = {dt} s, tau = {tau} s): forward Euler needs 0 < dt/tau <= 1"
                )));
            }
            (1.0 - k, r * k, v_leak.clone(), v_threshold, v_reset)
        }
        Node::If {
            r,
            v_threshold,
            v_reset,
        } => (
            1.0,
            uniform("r", r)? * dt,
            vec![0.0; r.len()],
            v_threshold,
            v_reset,
        ),
        other => {
            return Err(NirError::Unsupported(format!(
                "a {} as the neuron layer; a classifier has LIF or IF neurons (read networks with to_network)",
                other.type_name()
            )))
        }
    };
    if th.len() != weight.nrows() {
        return Err(NirError::Format(format!(
            "{} neurons after a layer of {} outputs",
            th.len(),
            weight.nrows()
        )));
    }
    let th = uniform("v_threshold", th)?;
    if reset.iter().any(|&v| v != 0.0) {
        return Err(NirError::Unsupported(
            "a v_reset other than 0: our output neurons reset to 0".into(),
        ));
    }
    // (dt/tau)·v_leak per step is a constant input: part of the bias.
    let (features, classes) = (weight.ncols(), weight.nrows());
    let w = Array2::from_shape_fn((features + 1, classes), |(f, j)| {
        if f < features {
            gain * weight[[j, f]]
        } else {
            gain * bias[j] + leak[j] * (1.0 - decay)
        }
    });
    let neuron = DiscreteParams::builder()
        .decay(decay)
        .threshold(th)
        .reset(Reset::ToValue(0.0))
        .build()?;
    let st = Standardizer::new(vec![0.0; features], vec![1.0; features])?;
    Ok(Classifier::from_parts(w, st, neuron, steps)?)
}
