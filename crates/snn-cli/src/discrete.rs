//! `snn discrete`: the original demo's neuron.

use clap::Args;
use serde_json::json;
use snn_core::{DiscreteParams, Drive, Population, Record, SnnError};

use crate::common::{describe, Flags};

/// The flags of `snn discrete`.
#[derive(Args)]
pub(crate) struct DiscreteArgs {
    /// Leak factor per step, in (0, 1].
    #[arg(long, allow_negative_numbers = true)]
    decay: f64,
    /// Firing threshold (> 0).
    #[arg(long, allow_negative_numbers = true)]
    threshold: f64,
    /// Constant input current, fed every step.
    #[arg(long, allow_negative_numbers = true)]
    current: f64,
    /// Number of steps.
    #[arg(long, allow_negative_numbers = true)]
    steps: usize,
}

pub(crate) const DISCRETE_FLAGS: Flags = &[
    ("decay", "--decay"),
    ("threshold", "--threshold"),
    ("drive", "--current"),
    ("input", "--current"),
    ("steps", "--steps"),
];

/// `snn discrete`.
pub(crate) fn discrete(args: DiscreteArgs) -> Result<String, String> {
    let DiscreteArgs {
        decay,
        threshold,
        current,
        steps,
    } = args;
    let flags = DISCRETE_FLAGS;
    let e = |e: SnnError| describe(&e, flags);
    let p = DiscreteParams::builder()
        .decay(decay)
        .threshold(threshold)
        .build()
        .map_err(e)?;
    let mut pop = Population::<f64>::new(&p, 1).map_err(e)?;
    let out = pop
        .run(steps, Drive::Constant(current), &Record::spikes())
        .map_err(e)?;
    Ok(json!({ "spike_steps": out.spike_steps_of(0) }).to_string())
}
