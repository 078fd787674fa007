//! `snn blobs`: the blob data as CSV.

use clap::Args;
use snn_core::{BlobsConfig, Centers, SnnError};

use crate::common::*;

/// The flags of `snn blobs`.
#[derive(Args)]
pub(crate) struct BlobsArgs {
    /// Number of samples.
    #[arg(long, default_value_t = 200, allow_negative_numbers = true)]
    n_samples: usize,
    /// Number of centres (classes).
    #[arg(long, default_value_t = 2, allow_negative_numbers = true)]
    centers: usize,
    /// Standard deviation of each blob.
    #[arg(long, default_value_t = 1.0, allow_negative_numbers = true)]
    cluster_std: f64,
    /// Seed of the portable generator.
    #[arg(long, default_value_t = 42, allow_negative_numbers = true)]
    seed: u64,
}

pub(crate) const BLOBS_FLAGS: Flags = &[
    ("n_samples", "--n-samples"),
    ("centers", "--centers"),
    ("cluster_std", "--cluster-std"),
    ("blobs", "--n-samples"),
];

/// `snn blobs`.
pub(crate) fn blobs(args: BlobsArgs) -> Result<String, String> {
    let BlobsArgs {
        n_samples,
        centers,
        cluster_std,
        seed,
    } = args;
    let flags = BLOBS_FLAGS;
    let e = |e: SnnError| describe(&e, flags);
    let b = BlobsConfig {
        n_samples,
        centers: Centers::Random(centers),
        cluster_std,
        seed,
    }
    .generate()
    .map_err(e)?;
    let mut s = String::from("x1,x2,label");
    for (row, y) in b.x().rows().into_iter().zip(b.y()) {
        s.push_str(&format!("\n{},{},{}", row[0], row[1], y));
    }
    Ok(s)
}
