//! `snn encode`: rate-encoded spike trains.

use clap::Args;
use serde_json::json;
use snn_core::check::{Param, Values};
use snn_core::{RateEncoder, RateModel, SnnError};

use crate::common::*;

/// The flags of `snn encode`.
#[derive(Args)]
pub(crate) struct EncodeArgs {
    #[arg(long, allow_negative_numbers = true, help = RATE.help())]
    rate_hz: f64,
    #[arg(long, allow_negative_numbers = true, help = DT.help())]
    dt_ms: f64,
    #[arg(long, allow_negative_numbers = true, help = DURATION.help())]
    duration_s: f64,
    #[arg(long, allow_negative_numbers = true, help = TRAINS.help())]
    trains: usize,
    /// Seed of the portable generator.
    #[arg(long, allow_negative_numbers = true)]
    seed: u64,
    /// Random process.
    #[arg(long, value_enum, default_value = "bernoulli")]
    model: Model,
}

const RATE: Flag = Flag::new("--rate-hz", "Firing rate", RateEncoder::MAX_RATE);
const DT: Flag = Flag::new("--dt-ms", "Time step", RateEncoder::DT);
const DURATION: Flag = Flag::new(
    "--duration-s",
    "Duration of each train (at least half a step)",
    Param::new("duration", " s", Values::Positive),
);
const TRAINS: Flag = Flag::new(
    "--trains",
    "Number of independent trains",
    Param::new("trains", "", Values::AtLeast { min: 1 }),
);
/// Errors about what two flags give together.
const PER_STEP: Flag = Flag::new(
    "--rate-hz x --dt-ms",
    "Mean spikes per step",
    Param::new(
        "max_rate * dt (mean spikes per step)",
        "",
        Values::NonNegative,
    ),
);
const MATRIX: Flag = Flag::new(
    "--trains x --duration-s",
    "Spikes held",
    Param::new("spike matrix", "", Values::NonNegative),
);

pub(crate) const ENCODE_FLAGS: Flags = &[&RATE, &DT, &DURATION, &TRAINS, &PER_STEP, &MATRIX];

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
    TRAINS.param.check_count(trains).map_err(e)?;
    let steps = steps_for(&DURATION, duration_s, 1000.0, dt_ms)?;
    let spikes = enc
        .encode(&vec![1.0; trains], steps, &mut snn_core::rng(seed))
        .map_err(e)?;
    let name = match model {
        RateModel::Bernoulli => "bernoulli",
        RateModel::Poisson => "poisson",
    };
    Ok(json!({ "model": name, "counts": spikes.channel_counts() }).to_string())
}
