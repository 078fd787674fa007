//! `snn stdp window|song`: spike-timing-dependent plasticity.

use clap::{Args, Subcommand, ValueEnum};
use serde_json::json;
use snn_core::check::{Param, Values};
use snn_core::network::{probe, Pairing, Song, Source, Stdp};
use snn_core::SnnError;

use crate::common::*;

/// `snn stdp ...`.
#[derive(Subcommand)]
pub(crate) enum StdpCommand {
    /// The weight change of one pre and one post spike dt apart, simulated (two spike
    /// generators and one plastic synapse, dt 0.1 ms), for dt from -100 to 100 ms in 1 ms
    /// steps. Prints JSON pairs [[dt_ms, dw], ...].
    Window(WindowArgs),
    /// Song, Miller & Abbott (2000): one conductance-based LIF neuron, Poisson inputs through
    /// plastic synapses. Prints JSON: w_over_wmax (final weights over g_max, one per input),
    /// output_rate_hz (over the last tenth), the fractions below 0.1 and above 0.9, seconds
    /// (wall clock of the simulation).
    Song(SongArgs),
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum PairingArg {
    AllToAll,
    Nearest,
}

impl From<PairingArg> for Pairing {
    fn from(p: PairingArg) -> Self {
        match p {
            PairingArg::AllToAll => Pairing::AllToAll,
            PairingArg::Nearest => Pairing::Nearest,
        }
    }
}

/// The flags of `snn stdp window`.
#[derive(Args)]
pub(crate) struct WindowArgs {
    #[arg(long, default_value_t = 20.0, allow_negative_numbers = true, help = TAU_PRE.help())]
    tau_pre_ms: f64,
    #[arg(long, default_value_t = 20.0, allow_negative_numbers = true, help = TAU_POST.help())]
    tau_post_ms: f64,
    #[arg(long, default_value_t = 0.01, allow_negative_numbers = true, help = A_PLUS.help())]
    a_plus: f64,
    #[arg(long, default_value_t = 0.0105, allow_negative_numbers = true, help = A_MINUS.help())]
    a_minus: f64,
    /// Pairing scheme (one pair: both give the same window).
    #[arg(long, value_enum, default_value_t = PairingArg::AllToAll)]
    pairing: PairingArg,
}

/// The flags of `snn stdp song`.
#[derive(Args)]
pub(crate) struct SongArgs {
    #[arg(long, default_value_t = 100.0, allow_negative_numbers = true, help = DURATION.help())]
    duration_s: f64,
    #[arg(long, default_value_t = 1000, help = INPUTS.help())]
    inputs: usize,
    #[arg(long, default_value_t = 15.0, allow_negative_numbers = true, help = RATE.help())]
    rate_hz: f64,
    /// Seed of the inputs and the starting weights.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    #[arg(long, default_value_t = 0, help = CORRELATED.help())]
    correlated: usize,
    #[arg(long, default_value_t = 0.0, allow_negative_numbers = true, help = C.help())]
    c: f64,
    /// Pairing scheme.
    #[arg(long, value_enum, default_value_t = PairingArg::AllToAll)]
    pairing: PairingArg,
}

const TAU_PRE: Flag = Flag::new(
    "--tau-pre-ms",
    "Presynaptic trace time constant",
    Stdp::TAU_PRE,
);
const TAU_POST: Flag = Flag::new(
    "--tau-post-ms",
    "Postsynaptic trace time constant",
    Stdp::TAU_POST,
);
const A_PLUS: Flag = Flag::new("--a-plus", "Potentiation at dt = 0", Stdp::A_PLUS);
const A_MINUS: Flag = Flag::new(
    "--a-minus",
    "Depression at dt -> 0- (a positive number: the change is -a_minus)",
    Stdp::A_MINUS,
);
const DURATION: Flag = Flag::new("--duration-s", "Simulated time", Song::DURATION).also(&["steps"]);
const INPUTS: Flag =
    Flag::new("--inputs", "Number of plastic inputs", Song::INPUTS).also(&["sources"]);
const RATE: Flag = Flag::new(
    "--rate-hz",
    "Rate of each input (at most one spike per step)",
    Source::RATE,
)
.also(&["max_rate"]);
const CORRELATED: Flag = Flag::new(
    "--correlated",
    "How many inputs (the first) are correlated, at most --inputs",
    Param::new("correlated", "", Values::AtLeast { min: 0 }),
);
const C: Flag = Flag::new("--c", "Their correlation coefficient", Source::C);

pub(crate) const STDP_FLAGS: Flags = &[
    &TAU_PRE,
    &TAU_POST,
    &A_PLUS,
    &A_MINUS,
    &DURATION,
    &INPUTS,
    &RATE,
    &CORRELATED,
    &C,
];

/// `snn stdp window`: each pair simulated by its own network of two spike generators.
pub(crate) fn stdp_window(args: WindowArgs) -> Result<String, String> {
    let e = |e: SnnError| describe(&e, STDP_FLAGS);
    let rule = Stdp::builder()
        .tau_pre_ms(args.tau_pre_ms)
        .tau_post_ms(args.tau_post_ms)
        .a_plus(args.a_plus)
        .a_minus(args.a_minus)
        .w_max(1.0)
        .pairing(args.pairing.into())
        .build()
        .map_err(e)?;
    let mut pairs = Vec::with_capacity(201);
    for k in -100i32..=100 {
        let dt = f64::from(k);
        let w0 = 0.5;
        let w = probe::stdp_pair(&rule, w0, dt, 0.1).map_err(e)?;
        pairs.push(json!([dt, w - w0]));
    }
    Ok(serde_json::Value::Array(pairs).to_string())
}

/// `snn stdp song`.
pub(crate) fn song(args: SongArgs) -> Result<String, String> {
    let e = |e: SnnError| describe(&e, STDP_FLAGS);
    let model = Song::paper()
        .inputs(args.inputs)
        .rate_hz(args.rate_hz)
        .duration_s(args.duration_s)
        .correlated(args.correlated, args.c)
        .pairing(args.pairing.into());
    let every = (args.duration_s / 100.0).max(0.1);
    let run = model.run(args.seed, every).map_err(e)?;
    let (low, high) = run.fractions(0.1, 0.9);
    Ok(json!({
        "w_over_wmax": run.w_over_wmax,
        "output_rate_hz": run.output_rate_hz,
        "rate_hz_over_time": run.rate_hz,
        "times_s": run.times_s,
        "fraction_below_0.1": low,
        "fraction_above_0.9": high,
        "mean_w_correlated": (args.correlated > 0).then(|| run.mean_w(0..args.correlated)),
        "mean_w_uncorrelated": (args.correlated < args.inputs).then(|| run.mean_w(args.correlated..args.inputs)),
        "output_spikes": run.output_spikes,
        "seconds": run.seconds,
        "inputs": args.inputs,
        "duration_s": args.duration_s,
        "seed": args.seed,
    })
    .to_string())
}
