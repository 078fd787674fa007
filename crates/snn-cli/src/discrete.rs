//! `snn discrete`: the original demo's neuron.

use clap::Args;
use serde_json::json;
use snn_core::{check, DiscreteParams, Drive, Population, Record, SnnError};

use crate::common::{describe, Flag, Flags};

/// The flags of `snn discrete`.
#[derive(Args)]
pub(crate) struct DiscreteArgs {
    #[arg(long, allow_negative_numbers = true, help = DECAY.help())]
    decay: f64,
    #[arg(long, allow_negative_numbers = true, help = THRESHOLD.help())]
    threshold: f64,
    #[arg(long, allow_negative_numbers = true, help = CURRENT.help())]
    current: f64,
    #[arg(long, allow_negative_numbers = true, help = STEPS.help())]
    steps: usize,
}

const DECAY: Flag = Flag::new(
    "--decay",
    "Leak factor per step, V <- V*decay + I",
    DiscreteParams::DECAY,
);
const THRESHOLD: Flag = Flag::new("--threshold", "Firing threshold", DiscreteParams::THRESHOLD);
const CURRENT: Flag = Flag::new(
    "--current",
    "Constant input current, fed every step",
    check::DRIVE,
)
.also(&["input"]);
const STEPS: Flag = Flag::new("--steps", "Number of steps", check::STEPS);

pub(crate) const DISCRETE_FLAGS: Flags = &[&DECAY, &THRESHOLD, &CURRENT, &STEPS];

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
