//! A trained classifier as a NIR graph, and back (see the [crate docs](crate) for the
//! mapping).

use std::path::Path;

use ndarray::{Array1, Array2};
use snn_core::{Classifier, Crossing, DiscreteParams, Encoding, OutputReset, Reset, Standardizer};

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
/// A LIF's `r` is 1, its input gain `τ/dt` folded into the affine layer: NIR's equations
/// are the same either way, and Norse, which ignores a LIF's `r`, reads it right. An IF keeps
/// `r = 1/dt` and the unfolded weights (`dv/dt = r·I` adds `I` per step): Norse's IF adds its
/// input per step whatever `r` says, so this is the form it reads right.
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
    let n = clf.neuron();
    let (decay, th) = (n.decay(), n.threshold());
    // Per step, ours adds I; NIR's forward Euler adds (dt/tau)·r·I' (LIF): with r = 1 the
    // graph's input is I' = I·tau/dt. IF: dt·r·I' with r = 1/dt, I' = I.
    let gain = if decay < 1.0 {
        1.0 / (1.0 - decay)
    } else {
        1.0
    };
    let weight = Array2::from_shape_fn((classes, features), |(j, f)| gain * w[[f, j]] / std[f]);
    let bias = Array1::from_shape_fn(classes, |j| {
        gain * (w[[features, j]]
            - (0..features)
                .map(|f| w[[f, j]] * mean[f] / std[f])
                .sum::<f64>())
    });
    let neuron = if decay < 1.0 {
        Node::Lif {
            tau: vec![dt / (1.0 - decay); classes],
            r: vec![1.0; classes],
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
    let rule = clf.output_reset();
    let (reset, decision) = match rule {
        OutputReset::Subtract => (
            "subtract: v <- v - v_threshold after a spike, a spike when v >= v_threshold (NIR cannot say it: the graph's v_reset = 0 is what other readers use)",
            "the input is held for `steps` steps; the class is the output neuron with the most spikes; ties: the higher v after the last step, then the lower index",
        ),
        OutputReset::Zero => (
            "zero: v <- v_reset = 0 after a spike, a spike when v > v_threshold (NIR's LIF)",
            "the input is held for `steps` steps; the class is the output neuron with the most spikes; ties: the lower index (snnTorch's spk.sum(0).argmax(1))",
        ),
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
        ("decision".to_string(), Meta::Text(decision.into())),
        ("reset".to_string(), Meta::Text(reset.into())),
        ("producer".to_string(), Meta::Text(format!("snn-nir {}", env!("CARGO_PKG_VERSION")))),
        ("snn_decay".to_string(), Meta::number(decay)),
        ("snn_threshold".to_string(), Meta::number(th)),
        ("snn_reset".to_string(), Meta::Text(rule.name().into())),
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

/// What a classifier graph does per step, in our units: `V ← decay·V + W·[x, 1]`, a spike
/// when `V > threshold`, then `V ← v_reset`.
struct PerStep {
    /// `[features + 1, classes]`, the last row the constant input (bias and leak).
    w: Array2<f64>,
    decay: f64,
    threshold: f64,
    v_reset: f64,
    /// The names of the layer and neuron nodes, for messages.
    names: (String, String),
}

/// One value per neuron: `v` itself, or its one value for every neuron (NIR lets a 0-d
/// parameter broadcast).
fn per_neuron(node: &str, name: &str, v: &[f64], n: usize) -> Result<Vec<f64>> {
    match v.len() {
        len if len == n => Ok(v.to_vec()),
        1 => Ok(vec![v[0]; n]),
        len => Err(NirError::Format(format!(
            "node {node:?}: {name} has {len} values for {n} neurons"
        ))),
    }
}

fn uniform(node: &str, name: &str, v: &[f64]) -> Result<f64> {
    match v.first() {
        Some(&x) if v.iter().all(|&y| y == x) => Ok(x),
        Some(_) => Err(NirError::Unsupported(format!(
            "node {node:?}: output neurons with different {name}; our output layer shares one model"
        ))),
        None => Err(NirError::Format(format!("node {node:?}: no {name}"))),
    }
}

/// The per-step model of a chain `Input → Affine/Linear → LIF/IF → Output` under forward
/// Euler with step `dt`: a neuron `v ← v·(1 − dt/tau) + (dt/tau)·(v_leak + r·I)` is
/// `V ← V·decay + g·I` with `decay = 1 − dt/tau` and input gain `g = r·dt/tau` (IF: decay 1,
/// `g = r·dt`), `(dt/tau)·v_leak` a constant input.
fn per_step(g: &NirGraph, dt: f64) -> Result<PerStep> {
    let chain = g.chain()?;
    let types: Vec<&str> = chain.iter().map(|(_, n)| n.type_name()).collect();
    let [(_, Node::Input { shape }), (layer_name, layer), (neuron_name, neuron), (_, Node::Output { .. })] =
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
    // An Input of shape [features] (or [1, features], as snnTorch's exporter writes it).
    let features = weight.ncols();
    if shape.iter().product::<i64>() != features as i64 || shape.is_empty() && features != 1 {
        return Err(NirError::Format(format!(
            "the Input has shape {shape:?}, the {} layer takes {features}",
            layer.type_name()
        )));
    }
    let classes = weight.nrows();
    let nn = *neuron_name;
    let (decay, gains, leak, th, reset) = match neuron {
        Node::Lif {
            tau,
            r,
            v_leak,
            v_threshold,
            v_reset,
        } => {
            let tau = uniform(nn, "tau", tau)?;
            let k = dt / tau;
            if !(k > 0.0 && k <= 1.0) {
                return Err(NirError::Unsupported(format!(
                    "node {nn:?}: dt/tau = {k} (dt = {dt} s, tau = {tau} s): forward Euler needs 0 < dt/tau <= 1"
                )));
            }
            let gains = per_neuron(nn, "r", r, classes)?.iter().map(|r| r * k).collect();
            let leak = per_neuron(nn, "v_leak", v_leak, classes)?.iter().map(|l| l * k).collect();
            (1.0 - k, gains, leak, v_threshold, v_reset)
        }
        Node::If {
            r,
            v_threshold,
            v_reset,
        } => {
            let gains = per_neuron(nn, "r", r, classes)?.iter().map(|r| r * dt).collect();
            (1.0, gains, vec![0.0; classes], v_threshold, v_reset)
        }
        other => {
            return Err(NirError::Unsupported(format!(
                "a {} as the neuron layer; a classifier has LIF or IF neurons (read networks with to_network)",
                other.type_name()
            )))
        }
    };
    let gains: Vec<f64> = gains;
    let leak: Vec<f64> = leak;
    let th = uniform(
        nn,
        "v_threshold",
        &per_neuron(nn, "v_threshold", th, classes)?,
    )?;
    let v_reset = uniform(nn, "v_reset", &per_neuron(nn, "v_reset", reset, classes)?)?;
    let w = Array2::from_shape_fn((features + 1, classes), |(f, j)| {
        if f < features {
            gains[j] * weight[[j, f]]
        } else {
            gains[j] * bias[j] + leak[j]
        }
    });
    Ok(PerStep {
        w,
        decay,
        threshold: th,
        v_reset,
        names: (layer_name.to_string(), nn.to_string()),
    })
}

/// The classifier a NIR graph describes.
///
/// The graph's values are the truth. A graph written by [`from_classifier`] is rebuilt from
/// its `snn_*` metadata (the unfolded weights and standardisation, the reset rule, which NIR
/// cannot say), the same spikes bit for bit, once the metadata is checked against the graph:
/// where the two disagree (a weight edited in Python, say) the read fails, naming the node.
///
/// Any other chain `Input → Affine (or Linear) → LIF (or IF) → Output` (for example from
/// snnTorch) is read by NIR's equations under forward Euler with the file's `dt` (or
/// [`DEFAULT_DT`]): the per-step model of `per_step` folded into the weights, a spike when
/// `v > v_threshold` (NIR's comparison), then `v ← v_reset`, identity standardisation, the
/// file's `steps` (or 100), and ties decided by the lowest index, as snnTorch decides them
/// ([`OutputReset::Zero`]'s rule for a reset to 0).
///
/// # Errors
/// Not such a chain; neurons whose `tau` or threshold differ (our output layer shares one
/// model); `dt/tau` outside (0, 1]; an input shape other than the affine layer's; metadata
/// that contradicts the graph; or values snn-core refuses.
pub fn to_classifier(g: &NirGraph) -> Result<Classifier> {
    let steps = number(g, "steps").map_or(DEFAULT_STEPS, |s| s.round().max(1.0) as usize);
    let dt = number(g, "dt").unwrap_or(DEFAULT_DT);
    let graph = per_step(g, dt)?;
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
        // Files from before the reset was named say "subtract" in their `reset` text.
        let said = g
            .meta("snn_reset")
            .or_else(|| g.meta("reset"))
            .and_then(Meta::as_text)
            .unwrap_or("subtract");
        let rule = if said.starts_with("zero") {
            OutputReset::Zero
        } else {
            OutputReset::Subtract
        };
        let (reset, crossing) = rule.rule();
        let neuron = DiscreteParams::builder()
            .decay(decay)
            .threshold(th)
            .reset(reset)
            .crossing(crossing)
            .build()?;
        let st = Standardizer::new(mean.to_vec(), std.to_vec())?;
        let clf = Classifier::from_parts(w, st, neuron, steps)?;
        agree(&graph, &per_step(&from_classifier(&clf, dt)?, dt)?)?;
        return Ok(clf);
    }
    let neuron = DiscreteParams::builder()
        .decay(graph.decay)
        .threshold(graph.threshold)
        .reset(Reset::ToValue(graph.v_reset))
        .crossing(Crossing::Above)
        .build()?;
    let features = graph.w.nrows() - 1;
    let st = Standardizer::new(vec![0.0; features], vec![1.0; features])?;
    Ok(Classifier::from_parts(graph.w, st, neuron, steps)?)
}

/// The graph's per-step model against the one its metadata gives (within 1e-9, relative).
fn agree(file: &PerStep, meta: &PerStep) -> Result<()> {
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1e-12);
    let (layer, neuron) = (&file.names.0, &file.names.1);
    let contradiction = |node: &str, what: &str| {
        NirError::Format(format!(
            "node {node:?}: its {what} contradicts the snn_* metadata (the graph's values are the truth: edit the graph and drop the snn_* keys, or write it again from the classifier)"
        ))
    };
    // The neuron first: a different tau changes every per-step weight too.
    if !close(file.decay, meta.decay) {
        return Err(contradiction(neuron, "tau"));
    }
    if !close(file.threshold, meta.threshold) {
        return Err(contradiction(neuron, "v_threshold"));
    }
    if file.w.dim() != meta.w.dim() {
        return Err(contradiction(layer, "shape"));
    }
    if let Some(((f, j), _)) = file
        .w
        .indexed_iter()
        .find(|&((f, j), &a)| !close(a, meta.w[[f, j]]))
    {
        let what = if f + 1 == file.w.nrows() {
            format!("bias of neuron {j}")
        } else {
            format!("weight [{j}, {f}]")
        };
        return Err(contradiction(layer, &what));
    }
    if file.v_reset != 0.0 {
        return Err(contradiction(neuron, "v_reset"));
    }
    Ok(())
}
