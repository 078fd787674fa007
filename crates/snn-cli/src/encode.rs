//! `snn encode`: rate-encoded spike trains.

use clap::Args;
use serde_json::json;
use snn_core::{RateEncoder, RateModel, SnnError};

use crate::common::*;

/// The flags of `snn encode`.
#[derive(Args)]
pub(crate) struct EncodeArgs {
    /// Firing rate, Hz.
    #[arg(long, allow_negative_numbers = true)]
    rate_hz: f64,
    /// Time step, ms.
    #[arg(long, allow_negative_numbers = true)]
    dt_ms: f64,
    /// Duration of each train, s.
    #[arg(long, allow_negative_numbers = true)]
    duration_s: f64,
    /// Number of independent trains.
    #[arg(long, allow_negative_numbers = true)]
    trains: usize,
    /// Seed of the portable generator.
    #[arg(long, allow_negative_numbers = true)]
    seed: u64,
    /// Random process.
    #[arg(long, value_enum, default_value = "bernoulli")]
    model: Model,
}

pub(crate) const ENCODE_FLAGS: Flags = &[
    ("max_rate", "--rate-hz"),
    ("dt", "--dt-ms"),
    (
        "max_rate * dt (mean spikes per step)",
        "--rate-hz x --dt-ms",
    ),
    ("spike matrix", "--trains x --duration-s"),
];

/// `snn encode`.
pub(crate) fn encode(args: EncodeArgs) -> Result<String, String> {
    let EncodeArgs {
        rate_hz,
        dt_ms,
        duration_s,
        trains,
        seed,
        model,
    } = args;
    let e = |e: SnnError| describe(&e, ENCODE_FLAGS);
    let model = match model {
        Model::Bernoulli => RateModel::Bernoulli,
        Model::Poisson => RateModel::Poisson,
    };
    let enc = RateEncoder::new(rate_hz, dt_ms, model).map_err(e)?;
    if trains == 0 {
        return Err("--trains: must be at least 1, got 0".into());
    }
    let steps = steps_for("--duration-s", duration_s * 1000.0, dt_ms)?;
    let spikes = enc
        .encode(&vec![1.0; trains], steps, &mut snn_core::rng(seed))
        .map_err(e)?;
    let name = match model {
        RateModel::Bernoulli => "bernoulli",
        RateModel::Poisson => "poisson",
    };
    Ok(json!({ "model": name, "counts": spikes.channel_counts() }).to_string())
}
