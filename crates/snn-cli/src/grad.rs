//! `snn grad`: the loss and gradients of a spiking network, for checking them from outside.

use clap::Args;
use serde_json::{json, Value};
use snn_core::gradient::{Layer, Readout, SpikingNet, Surrogate};
use snn_core::ndarray::{Array1, Array2};

/// The flags of `snn grad`.
#[derive(Args)]
pub(crate) struct GradArgs {
    /// The network, JSON: {"layers": [{"w": [[...]], "b": [...] or null, "w_rec": [[...]]
    /// (optional: recurrent weights), "beta": B, "threshold": T}, ...], "steps": T,
    /// "surrogate": "fast-sigmoid" or "atan", "slope": K (atan: "alpha"), "loss": "ce_count"
    /// or "max_membrane"}; inputs held for the steps.
    #[arg(long)]
    model: std::path::PathBuf,
    /// One sample per row, comma-separated numbers, no header.
    #[arg(long)]
    inputs: std::path::PathBuf,
    /// One class (a whole number from 0) per row.
    #[arg(long)]
    labels: std::path::PathBuf,
}

fn read(flag: &str, path: &std::path::Path) -> Result<String, String> {
    std::fs::read_to_string(path)
        .map_err(|e| format!("{flag}: cannot read {}: {e}", path.display()))
}

fn number(flag: &str, what: &str, v: &Value) -> Result<f64, String> {
    v.as_f64()
        .ok_or_else(|| format!("{flag}: {what} is not a number: {v}"))
}

fn matrix(flag: &str, what: &str, v: &Value) -> Result<Array2<f64>, String> {
    let rows = v
        .as_array()
        .ok_or_else(|| format!("{flag}: {what} is not a list of rows"))?;
    let cols = rows.first().and_then(Value::as_array).map_or(0, Vec::len);
    let mut out = Vec::with_capacity(rows.len() * cols);
    for (i, r) in rows.iter().enumerate() {
        let r = r
            .as_array()
            .ok_or_else(|| format!("{flag}: {what} row {i} is not a list"))?;
        if r.len() != cols {
            return Err(format!(
                "{flag}: {what} row {i} has {} values, row 0 has {cols}",
                r.len()
            ));
        }
        for x in r {
            out.push(number(flag, what, x)?);
        }
    }
    Array2::from_shape_vec((rows.len(), cols), out).map_err(|e| format!("{flag}: {what}: {e}"))
}

fn model(text: &str) -> Result<SpikingNet, String> {
    let f = "--model";
    let m: Value = serde_json::from_str(text).map_err(|e| format!("{f}: not JSON: {e}"))?;
    let layers = m["layers"]
        .as_array()
        .ok_or(format!("{f}: no \"layers\" list"))?;
    let mut out = Vec::new();
    for (k, l) in layers.iter().enumerate() {
        let b = match &l["b"] {
            Value::Null => None,
            v => Some(Array1::from(
                v.as_array()
                    .ok_or(format!("{f}: layer {k}: b is not a list or null"))?
                    .iter()
                    .map(|x| number(f, &format!("layer {k}: b"), x))
                    .collect::<Result<Vec<f64>, String>>()?,
            )),
        };
        let w_rec = match &l["w_rec"] {
            Value::Null => None,
            v => Some(matrix(f, &format!("layer {k}: w_rec"), v)?),
        };
        out.push(Layer {
            w: matrix(f, &format!("layer {k}: w"), &l["w"])?,
            w_rec,
            b,
            beta: number(f, &format!("layer {k}: beta"), &l["beta"])?,
            threshold: number(f, &format!("layer {k}: threshold"), &l["threshold"])?,
        });
    }
    let steps = m["steps"]
        .as_u64()
        .ok_or(format!("{f}: \"steps\" is not a whole number"))?;
    let surrogate = match m["surrogate"].as_str() {
        Some("fast-sigmoid") | None => Surrogate::FastSigmoid {
            slope: number(f, "slope", &m["slope"])?,
        },
        Some("atan") => Surrogate::Atan {
            alpha: number(
                f,
                "alpha",
                if m["alpha"].is_null() {
                    &m["slope"]
                } else {
                    &m["alpha"]
                },
            )?,
        },
        Some(other) => return Err(format!("{f}: surrogate {other:?}: fast-sigmoid or atan")),
    };
    let readout = match m["loss"].as_str() {
        Some("ce_count") | None => Readout::SpikeCount,
        Some("max_membrane") => Readout::MaxMembrane,
        Some(other) => return Err(format!("{f}: loss {other:?}: ce_count or max_membrane")),
    };
    SpikingNet::new(out, steps as usize, surrogate)
        .and_then(|n| n.with_readout(readout))
        .map_err(|e| format!("{f}: {e}"))
}

/// `snn grad`.
pub(crate) fn grad(args: GradArgs) -> Result<String, String> {
    let net = model(&read("--model", &args.model)?)?;
    let text = read("--inputs", &args.inputs)?;
    let rows: Vec<Vec<f64>> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .enumerate()
        .map(|(i, l)| {
            l.split(',')
                .map(|v| {
                    let x: f64 = v
                        .trim()
                        .parse()
                        .map_err(|_| format!("--inputs: row {i}: {v:?} is not a number"))?;
                    if x.is_finite() {
                        Ok(x)
                    } else {
                        Err(format!("--inputs: row {i}: {x} is not finite"))
                    }
                })
                .collect()
        })
        .collect::<Result<_, String>>()?;
    let width = net.inputs();
    if let Some((i, r)) = rows.iter().enumerate().find(|(_, r)| r.len() != width) {
        return Err(format!(
            "--inputs: row {i} has {} values, the model takes {width}",
            r.len()
        ));
    }
    let x = Array2::from_shape_vec((rows.len(), width), rows.concat())
        .map_err(|e| format!("--inputs: {e}"))?;
    let labels: Vec<usize> = read("--labels", &args.labels)?
        .lines()
        .filter(|l| !l.trim().is_empty())
        .enumerate()
        .map(|(i, l)| {
            l.trim().parse::<usize>().map_err(|_| {
                format!("--labels: row {i}: {l:?} is not a class (a whole number from 0)")
            })
        })
        .collect::<Result<_, String>>()?;
    if labels.len() != x.nrows() {
        return Err(format!(
            "--labels: {} labels for {} samples in --inputs",
            labels.len(),
            x.nrows()
        ));
    }
    if let Some((i, &c)) = labels.iter().enumerate().find(|(_, &c)| c >= net.outputs()) {
        return Err(format!(
            "--labels: row {i}: class {c} out of range: the model has {} outputs",
            net.outputs()
        ));
    }
    let (loss, grads, counts) = net
        .loss_and_gradients(x.view(), &labels)
        .map_err(|e| format!("--inputs: {e}"))?;
    let to_rows =
        |m: &Array2<f64>| -> Vec<Vec<f64>> { m.rows().into_iter().map(|r| r.to_vec()).collect() };
    let grads: Vec<Value> = grads
        .layers
        .iter()
        .zip(&grads.recurrent)
        .map(|((w, b), r)| {
            let mut g = json!({"w": to_rows(w), "b": b.as_ref().map(|b| b.to_vec())});
            if let Some(r) = r {
                g["w_rec"] = json!(to_rows(r));
            }
            g
        })
        .collect();
    Ok(json!({"loss": loss, "grads": grads, "counts": to_rows(&counts)}).to_string())
}
