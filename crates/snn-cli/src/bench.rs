//! `snn bench`: the benchmark workload.

use std::time::Instant;

use clap::Args;
use serde_json::json;
use snn_core::check::{self, Param, Values};
use snn_core::{bench, Drive, LifParams, Population, Record, SnnError};

use crate::common::*;

/// The flags of `snn bench`.
#[derive(Args)]
pub(crate) struct BenchArgs {
    #[arg(long, allow_negative_numbers = true, help = NEURONS.help())]
    n: usize,
    #[arg(long, default_value_t = 1000, allow_negative_numbers = true, help = STEPS.help())]
    steps: usize,
    /// Floating-point precision.
    #[arg(long, value_enum, default_value = "f32")]
    precision: Precision,
    /// Step on every core (rayon) when N >= 65536.
    #[arg(long)]
    parallel: bool,
    /// The general LIF step instead: refractory counters (2 ms) and a per-neuron current
    /// (tau_m 10 ms, dt 0.1 ms, currents 1.6 to 4 nA), with the same timing.
    #[arg(long)]
    general: bool,
    #[arg(long, default_value_t = 1, allow_negative_numbers = true, help = REPEATS.help())]
    repeats: usize,
}

const NEURONS: Flag = Flag::new("--n", "Number of neurons", check::NEURONS);
const STEPS: Flag = Flag::new("--steps", "Number of steps", check::STEPS);
const REPEATS: Flag = Flag::new(
    "--repeats",
    "Runs timed, each on a freshly built population; the fastest is reported",
    Param::new(
        "repeats",
        "",
        Values::Within {
            lo: 1.0,
            hi: 1000.0,
            lo_open: false,
            hi_open: false,
            text: "[1, 1000]",
        },
    ),
);

pub(crate) const BENCH_FLAGS: Flags = &[&NEURONS, &STEPS, &REPEATS];

/// `snn bench`.
pub(crate) fn bench(args: BenchArgs) -> Result<String, String> {
    let BenchArgs {
        n,
        steps,
        precision,
        parallel,
        general,
        repeats,
    } = args;
    let flags = BENCH_FLAGS;
    let e = |e: SnnError| describe(&e, flags);
    REPEATS.param.check(repeats as f64).map_err(e)?;
    let mut best: Option<(f64, u64)> = None;
    for _ in 0..repeats {
        let (seconds, total) = match precision {
            Precision::F32 => time_bench::<f32>(n, steps, parallel, general).map_err(e)?,
            Precision::F64 => time_bench::<f64>(n, steps, parallel, general).map_err(e)?,
        };
        if best.is_none_or(|(s, _)| seconds < s) {
            best = Some((seconds, total));
        }
    }
    let (seconds, total) = best.unwrap_or((f64::NAN, 0));
    let rate = (n as f64 * steps as f64) / seconds;
    Ok(json!({
        "seconds": seconds,
        "total_spikes": total,
        "n": n,
        "steps": steps,
        "precision": match precision { Precision::F32 => "f32", Precision::F64 => "f64" },
        "updates_per_second": rate,
        "parallel": parallel,
        "repeats": repeats,
        "threads": threads_used(parallel, n),
        "workload": if general {
            "general LIF: tau_m 10 ms, dt 0.1 ms, refractory 2 ms, a constant current per neuron from 1.6 to 4 nA"
        } else {
            "independent leaky neurons v <- v*a + b_i, a = exp(-0.1/10), b_i = (0.5 + 1.5 i/(N-1))(1 - a), spike when v > 1, reset to 0"
        },
    })
    .to_string())
}

pub(crate) fn time_bench<F: snn_core::Precision>(
    n: usize,
    steps: usize,
    parallel: bool,
    general: bool,
) -> Result<(f64, u64), SnnError> {
    let (mut pop, b) = if general {
        let p = LifParams::builder().build()?;
        let b: Vec<F> = (0..n)
            .map(|i| F::of(1.6 + 2.4 * i as f64 / (n.max(2) - 1) as f64))
            .collect();
        (Population::<F>::new(&p, n)?, b)
    } else {
        (
            Population::<F>::new(&bench::params()?, n)?,
            bench::drive::<F>(n),
        )
    };
    pop.set_parallel(parallel);
    let start = Instant::now();
    let out = pop.run(steps, Drive::PerNeuron(&b), &Record::counts())?;
    Ok((start.elapsed().as_secs_f64(), out.total_spikes()))
}
