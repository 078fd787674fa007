//! `snn network`: the Brunel (2000) network, or any network from a file (`--spec`).

use std::time::Instant;

use clap::Args;
use serde_json::json;
use snn_core::check::{Param, Values};
use snn_core::network::Brunel;
use snn_core::{LifParams, NetRecord, SnnError};

use crate::common::*;

/// The flags of `snn network`.
#[derive(Args)]
pub(crate) struct NetworkArgs {
    /// A network file (JSON; the format: docs/network-files/README.md) to run instead of
    /// Brunel's model; --duration-ms, --skip-ms and --seed override the file's.
    #[arg(long, conflicts_with_all = ["g", "nu_ratio", "scale", "dt_ms"])]
    spec: Option<std::path::PathBuf>,
    #[arg(long, allow_negative_numbers = true, required_unless_present = "spec", help = G.help())]
    g: Option<f64>,
    #[arg(long, allow_negative_numbers = true, required_unless_present = "spec", help = NU_RATIO.help())]
    nu_ratio: Option<f64>,
    #[arg(long, default_value_t = 1.0, allow_negative_numbers = true, help = SCALE.help())]
    scale: f64,
    #[arg(long, allow_negative_numbers = true, help = DURATION.help())]
    duration_ms: Option<f64>,
    #[arg(long, default_value_t = 0.1, allow_negative_numbers = true, help = DT.help())]
    dt_ms: f64,
    /// Seed of the connectivity, the Poisson input and the initial potentials (default 1,
    /// or the file's).
    #[arg(long)]
    seed: Option<u64>,
    #[arg(long, allow_negative_numbers = true, help = SKIP.help())]
    skip_ms: Option<f64>,
    /// Run on N threads that meet once per minimum delay (without N: one per core, honouring
    /// RAYON_NUM_THREADS). Same spikes as one thread, bit for bit; plasticity runs on one.
    #[arg(long, value_name = "N", num_args = 0..=1, default_missing_value = "0")]
    threads: Option<usize>,
    /// Writes the network (its drawn synapses, weights, starting potentials and delays) as a
    /// self-contained PyNEST script, DIR/network.py, instead of running it (see
    /// docs/networks.md: NEST for more machines).
    #[arg(long)]
    export_nest: Option<std::path::PathBuf>,
}

const G: Flag = Flag::new(
    "--g",
    "Relative strength of inhibition g (inhibitory weight -g*J). Brunel's Figure 8: 3, 6, 5, 4.5",
    Brunel::G,
);
const NU_RATIO: Flag = Flag::new(
    "--nu-ratio",
    "External rate over threshold rate, nu_ext/nu_thr. Figure 8: 2, 4, 2, 0.9",
    Brunel::NU_RATIO,
)
.also(&["mean inputs per step"]);
const SCALE: Flag = Flag::new(
    "--scale",
    "Network size relative to the paper's 12,500 neurons; in-degrees scale with it and J with its inverse, so the mean input stays the paper's",
    Brunel::SCALE,
)
.also(&["network"]);
const DURATION: Flag =
    Flag::new("--duration-ms", "Simulated time", LifParams::DURATION).also(&["steps"]);
const DT: Flag = Flag::new("--dt-ms", "Time step", LifParams::DT);
const SKIP: Flag = Flag::new(
    "--skip-ms",
    "Transient to leave out of the statistics, from the start; below --duration-ms",
    Param::new("skip", " ms", Values::NonNegative),
);

pub(crate) const NETWORK_FLAGS: Flags = &[&G, &NU_RATIO, &SCALE, &DT, &DURATION, &SKIP];

/// `snn network`.
pub(crate) fn network(args: NetworkArgs) -> Result<String, String> {
    if let Some(path) = &args.spec {
        return crate::network_spec::run(path, &args_overrides(&args));
    }
    let NetworkArgs {
        g,
        nu_ratio,
        scale,
        duration_ms,
        dt_ms,
        seed,
        skip_ms,
        threads,
        export_nest: args_nest,
        ..
    } = args;
    // clap requires --g and --nu-ratio without --spec.
    let (g, nu_ratio) = (g.unwrap_or(f64::NAN), nu_ratio.unwrap_or(f64::NAN));
    let (duration_ms, seed, skip_ms) = (
        duration_ms.unwrap_or(1000.0),
        seed.unwrap_or(1),
        skip_ms.unwrap_or(0.0),
    );
    let flags = NETWORK_FLAGS;
    let e = |e: SnnError| describe(&e, flags);
    let model = Brunel {
        g,
        nu_ratio,
        scale,
        dt_ms,
        delay_ms: 1.5,
    };
    let lif = model.neuron().map_err(e)?;
    let steps = lif.steps_for(duration_ms).map_err(e)?;
    if !(skip_ms.is_finite() && skip_ms >= 0.0 && skip_ms < duration_ms) {
        return Err(format!(
            "{}: must be in [0, {}), got {skip_ms}",
            SKIP.long, DURATION.long
        ));
    }
    let skip = ((skip_ms / dt_ms).round() as usize).min(steps - 1);
    let start = Instant::now();
    let (mut net, pe, pi) = model.build(seed).map_err(e)?;
    let build_seconds = start.elapsed().as_secs_f64();
    if let Some(dir) = &args_nest {
        let record = [("e".to_string(), pe), ("i".to_string(), pi)];
        let script = crate::nest::export(
            net.description(),
            &record,
            duration_ms,
            skip as f64 * dt_ms,
            dir,
        )?;
        return Ok(
            json!({"export_nest": script, "neurons": net.neurons(), "synapses": net.synapses()})
                .to_string(),
        );
    }
    net.set_threads(threads.unwrap_or(1));
    if skip > 0 {
        net.run(skip, &NetRecord::counts()).map_err(e)?;
    }
    let start = Instant::now();
    let out = net.run(steps - skip, &NetRecord::spikes()).map_err(e)?;
    let seconds = start.elapsed().as_secs_f64();
    let (re, ri) = (
        out.population(pe).map_err(e)?,
        out.population(pi).map_err(e)?,
    );
    let mut v = json!({
        "rate_hz": {"e": re.mean_rate_hz(), "i": ri.mean_rate_hz()},
        "cv_isi": {"e": re.cv_isi(), "i": ri.cv_isi()},
        "synchrony": {"e": re.synchrony(1.0), "i": ri.synchrony(1.0)},
        "g": g,
        "nu_ratio": nu_ratio,
        "nu_ext_hz": model.nu_ext_hz(),
        "j_mv": model.j_mv(),
        "scale": scale,
        "seed": seed,
    });
    let run = crate::network_spec::Run {
        seconds,
        build_seconds,
        dt_ms,
        steps,
        skip,
    };
    run.figures(&net, &out, &mut v);
    Ok(v.to_string())
}

fn args_overrides(a: &NetworkArgs) -> crate::network_spec::Overrides {
    crate::network_spec::Overrides {
        duration_ms: a.duration_ms,
        skip_ms: a.skip_ms,
        seed: a.seed,
        threads: a.threads,
        export_nest: a.export_nest.clone(),
    }
}
