//! `snn nir inspect|predict`: NIR graph files.

use clap::{Args, Subcommand};
use serde_json::json;
use snn_core::SnnError;

use crate::blobs::{CENTERS, CLUSTER_STD, N_SAMPLES};
use crate::classify::CLASSIFY_FLAGS;
use crate::common::*;

/// `snn nir ...`.
#[derive(Subcommand)]
pub(crate) enum NirCommand {
    /// Prints JSON: the nodes (name, NIR type, shape), the edges and the metadata keys.
    Inspect(NirFileArgs),
    /// Reads the classifier in a NIR file (an Input, Affine, LIF or IF, Output chain) and
    /// prints JSON {"predicted": [...], "counts": [[...], ...]} for every sample of a data
    /// set, in its order (the class and the output neurons' spike counts).
    Predict(NirPredictArgs),
    /// Prints JSON: for snnTorch 1.0.0 and Norse 1.1.0, whether each runs the graph as NIR
    /// says (or what it cannot run, naming the node and its limit), where its spike counts
    /// would still differ from ours, and the line that loads the graph there.
    Readers(NirFileArgs),
}

/// The flags of `snn nir inspect`.
#[derive(Args)]
pub(crate) struct NirFileArgs {
    /// The NIR file (HDF5).
    file: std::path::PathBuf,
}

/// The flags of `snn nir predict`.
#[derive(Args)]
pub(crate) struct NirPredictArgs {
    /// The NIR file (HDF5).
    file: std::path::PathBuf,
    /// The data (as `snn classify`).
    #[arg(long, value_enum, default_value = "blobs")]
    dataset: DatasetArg,
    #[arg(long, default_value_t = 2, allow_negative_numbers = true, help = CENTERS.help())]
    centers: usize,
    #[arg(long, default_value_t = 1.0, allow_negative_numbers = true, help = CLUSTER_STD.help())]
    cluster_std: f64,
    #[arg(long, default_value_t = 200, allow_negative_numbers = true, help = N_SAMPLES.help())]
    n_samples: usize,
    /// Blobs: seed of the data.
    #[arg(long, default_value_t = 42, allow_negative_numbers = true)]
    seed: u64,
}

/// `snn nir inspect`.
pub(crate) fn nir_inspect(args: NirFileArgs) -> Result<String, String> {
    let g = snn_nir::read(&args.file).map_err(|e| e.to_string())?;
    let nodes: Vec<serde_json::Value> = g
        .nodes
        .iter()
        .map(|(name, n)| json!({"name": name, "type": n.type_name(), "shape": n.describe()}))
        .collect();
    let chain: Option<Vec<&str>> = g
        .chain()
        .ok()
        .map(|c| c.iter().map(|(name, _)| *name).collect());
    Ok(json!({
        "nodes": nodes,
        "edges": g.edges,
        "chain": chain,
        "metadata": g.metadata.iter().map(|(k, _)| k.clone()).collect::<Vec<_>>(),
    })
    .to_string())
}

/// `snn nir readers`.
pub(crate) fn nir_readers(args: NirFileArgs) -> Result<String, String> {
    let g = snn_nir::read(&args.file).map_err(|e| e.to_string())?;
    let readers: serde_json::Map<String, serde_json::Value> = snn_nir::Reader::ALL
        .iter()
        .map(|&r| {
            let v = snn_nir::verdict(&g, r);
            let value = json!({
                "runs_as_nir_says": v.refused.is_empty(),
                "same_counts_as_ours": v.refused.is_empty() && v.differs.is_empty(),
                "refused": v.refused,
                "differs": v.differs,
                "load": v.how,
            });
            (r.name().to_string(), value)
        })
        .collect();
    Ok(json!({ "file": args.file.display().to_string(), "readers": readers }).to_string())
}

/// `snn nir predict`.
pub(crate) fn nir_predict(args: NirPredictArgs) -> Result<String, String> {
    let e = |e: SnnError| describe(&e, CLASSIFY_FLAGS);
    let g = snn_nir::read(&args.file).map_err(|e| e.to_string())?;
    let clf = snn_nir::to_classifier(&g).map_err(|e| e.to_string())?;
    let data = load(
        args.dataset,
        args.n_samples,
        args.centers,
        args.cluster_std,
        args.seed,
    )
    .map_err(e)?;
    let mut counts = Vec::with_capacity(data.len());
    let mut predicted = Vec::with_capacity(data.len());
    for row in data.x().rows() {
        let r = clf
            .response(&row.to_vec(), &mut snn_core::rng(0))
            .map_err(e)?;
        predicted.push(r.class());
        counts.push(r.counts);
    }
    Ok(json!({
        "predicted": predicted,
        "counts": counts,
        "steps": clf.steps(),
        "reset": clf.output_reset().name(),
    })
    .to_string())
}
