//! `snn lif`: LIF neurons in physical units.

use clap::Args;
use serde_json::json;
use snn_core::{Drive, Integration, LifParams, Population, Record, SnnError};

use crate::common::*;

/// The flags of `snn lif`.
#[derive(Args)]
pub(crate) struct LifArgs {
    /// Membrane time constant, ms.
    #[arg(long, default_value_t = 10.0, allow_negative_numbers = true)]
    tau_m_ms: f64,
    /// Resting potential, mV.
    #[arg(long, default_value_t = -65.0, allow_negative_numbers = true)]
    v_rest_mv: f64,
    /// Reset potential, mV.
    #[arg(long, default_value_t = -65.0, allow_negative_numbers = true)]
    v_reset_mv: f64,
    /// Threshold, mV.
    #[arg(long, default_value_t = -50.0, allow_negative_numbers = true)]
    v_th_mv: f64,
    /// Membrane resistance, MOhm.
    #[arg(long, default_value_t = 10.0, allow_negative_numbers = true)]
    r_mohm: f64,
    /// Refractory period, ms.
    #[arg(long, default_value_t = 2.0, allow_negative_numbers = true)]
    t_ref_ms: f64,
    /// Time step, ms.
    #[arg(long, default_value_t = 0.1, allow_negative_numbers = true)]
    dt_ms: f64,
    /// Simulated duration, ms.
    #[arg(long, default_value_t = 1000.0, allow_negative_numbers = true)]
    duration_ms: f64,
    /// Initial potential, mV.
    #[arg(long, default_value_t = -65.0, allow_negative_numbers = true)]
    v0_mv: f64,
    /// Integration method.
    #[arg(long, value_enum, default_value = "exact")]
    method: Method,
    /// Constant input currents, nA, comma-separated: one neuron each.
    #[arg(
        long,
        value_delimiter = ',',
        required = true,
        allow_negative_numbers = true
    )]
    currents_na: Vec<f64>,
}

pub(crate) const LIF_FLAGS: Flags = &[
    ("tau_m", "--tau-m-ms"),
    ("v_rest", "--v-rest-mv"),
    ("v_reset", "--v-reset-mv"),
    ("v_th", "--v-th-mv"),
    ("r_m", "--r-mohm"),
    ("t_ref", "--t-ref-ms"),
    ("dt", "--dt-ms"),
    ("v0", "--v0-mv"),
    ("drive", "--currents-na"),
    ("input", "--currents-na"),
    ("neurons", "--currents-na"),
    ("duration", "--duration-ms"),
];

/// `snn lif`.
pub(crate) fn lif(args: LifArgs) -> Result<String, String> {
    let LifArgs {
        tau_m_ms,
        v_rest_mv,
        v_reset_mv,
        v_th_mv,
        r_mohm,
        t_ref_ms,
        dt_ms,
        duration_ms,
        v0_mv,
        method,
        currents_na,
    } = args;
    let flags = LIF_FLAGS;
    let e = |e: SnnError| describe(&e, flags);
    let p = LifParams::builder()
        .tau_m(tau_m_ms)
        .v_rest(v_rest_mv)
        .v_reset(v_reset_mv)
        .v_th(v_th_mv)
        .r_m(r_mohm)
        .t_ref(t_ref_ms)
        .dt(dt_ms)
        .v0(v0_mv)
        .integration(match method {
            Method::Exact => Integration::Exact,
            Method::Euler => Integration::Euler,
        })
        .build()
        .map_err(e)?;
    let steps = steps_for("--duration-ms", duration_ms, dt_ms)?;
    let mut pop = Population::<f64>::new(&p, currents_na.len()).map_err(e)?;
    let out = pop
        .run(steps, Drive::PerNeuron(&currents_na), &Record::spikes())
        .map_err(e)?;
    let mut times = vec![Vec::new(); currents_na.len()];
    for (n, s) in out.spikes().iter() {
        times[n as usize].push(tidy((s as f64 + 1.0) * p.dt()));
    }
    let runs: Vec<_> = currents_na
        .iter()
        .zip(times)
        .map(|(i, t)| json!({ "i_na": i, "spike_times_ms": t }))
        .collect();
    let name = match method {
        Method::Exact => "exact",
        Method::Euler => "euler",
    };
    Ok(json!({ "method": name, "runs": runs }).to_string())
}
