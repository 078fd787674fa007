//! `snn blobs`: the blob data as CSV.

use clap::Args;
use snn_core::{BlobsConfig, Centers, SnnError};

use crate::common::*;

/// The flags of `snn blobs`.
#[derive(Args)]
pub(crate) struct BlobsArgs {
    #[arg(long, default_value_t = 200, allow_negative_numbers = true, help = N_SAMPLES.help())]
    n_samples: usize,
    #[arg(long, default_value_t = 2, allow_negative_numbers = true, help = CENTERS.help())]
    centers: usize,
    #[arg(long, default_value_t = 1.0, allow_negative_numbers = true, help = CLUSTER_STD.help())]
    cluster_std: f64,
    /// Seed of the portable generator.
    #[arg(long, default_value_t = 42, allow_negative_numbers = true)]
    seed: u64,
}

pub(crate) const N_SAMPLES: Flag =
    Flag::new("--n-samples", "Number of samples", BlobsConfig::N_SAMPLES).also(&["blobs"]);
pub(crate) const CENTERS: Flag = Flag::new(
    "--centers",
    "Number of centres (classes), drawn in [-10, 10]^2",
    BlobsConfig::CENTERS,
)
.also(&["classes"]);
pub(crate) const CLUSTER_STD: Flag = Flag::new(
    "--cluster-std",
    "Standard deviation of each blob",
    BlobsConfig::CLUSTER_STD,
);

pub(crate) const BLOBS_FLAGS: Flags = &[&N_SAMPLES, &CENTERS, &CLUSTER_STD];

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
