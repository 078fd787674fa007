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
    /// prints JSON {"predicted": [...]} for every sample of a data set, in its order.
    Predict(NirPredictArgs),
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
    let predicted = clf.predict(&data, &mut snn_core::rng(0)).map_err(e)?;
    Ok(json!({ "predicted": predicted, "steps": clf.steps() }).to_string())
}
