//! `snn lif`: LIF neurons in physical units.

use clap::Args;
use serde_json::json;
use snn_core::{check, Drive, Integration, LifParams, Population, Record, SnnError};

use crate::common::*;

/// The flags of `snn lif`.
#[derive(Args)]
pub(crate) struct LifArgs {
    #[arg(long, default_value_t = 10.0, allow_negative_numbers = true, help = TAU_M.help())]
    tau_m_ms: f64,
    #[arg(long, default_value_t = -65.0, allow_negative_numbers = true, help = V_REST.help())]
    v_rest_mv: f64,
    #[arg(long, default_value_t = -65.0, allow_negative_numbers = true, help = V_RESET.help())]
    v_reset_mv: f64,
    #[arg(long, default_value_t = -50.0, allow_negative_numbers = true, help = V_TH.help())]
    v_th_mv: f64,
    #[arg(long, default_value_t = 10.0, allow_negative_numbers = true, help = R_M.help())]
    r_mohm: f64,
    #[arg(long, default_value_t = 2.0, allow_negative_numbers = true, help = T_REF.help())]
    t_ref_ms: f64,
    #[arg(long, default_value_t = 0.1, allow_negative_numbers = true, help = DT.help())]
    dt_ms: f64,
    #[arg(long, default_value_t = 1000.0, allow_negative_numbers = true, help = DURATION.help())]
    duration_ms: f64,
    #[arg(long, default_value_t = -65.0, allow_negative_numbers = true, help = V0.help())]
    v0_mv: f64,
    /// Integration method.
    #[arg(long, value_enum, default_value = "exact")]
    method: Method,
    #[arg(
        long,
        value_delimiter = ',',
        required = true,
        allow_negative_numbers = true
    , help = CURRENTS.help())]
    currents_na: Vec<f64>,
}

const TAU_M: Flag = Flag::new("--tau-m-ms", "Membrane time constant", LifParams::TAU_M);
const V_REST: Flag = Flag::new("--v-rest-mv", "Resting potential", LifParams::V_REST);
const V_RESET: Flag = Flag::new(
    "--v-reset-mv",
    "Reset potential (below the threshold)",
    LifParams::V_RESET,
);
const V_TH: Flag = Flag::new("--v-th-mv", "Threshold (above the reset)", LifParams::V_TH);
const R_M: Flag = Flag::new("--r-mohm", "Membrane resistance", LifParams::R_M);
const T_REF: Flag = Flag::new("--t-ref-ms", "Refractory period", LifParams::T_REF);
const DT: Flag = Flag::new("--dt-ms", "Time step", LifParams::DT);
const DURATION: Flag = Flag::new(
    "--duration-ms",
    "Simulated duration (at least half a step)",
    LifParams::DURATION,
);
const V0: Flag = Flag::new("--v0-mv", "Initial potential", LifParams::V0);
const CURRENTS: Flag = Flag::new(
    "--currents-na",
    "Constant input currents, nA, comma-separated: one neuron each; each",
    check::DRIVE,
)
.also(&["input", "neurons"]);

pub(crate) const LIF_FLAGS: Flags = &[
    &TAU_M, &V_REST, &V_RESET, &V_TH, &R_M, &T_REF, &DT, &V0, &CURRENTS, &DURATION,
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
    let steps = steps_for(&DURATION, duration_ms, 1.0, dt_ms)?;
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
