//! `snn plot-bench`: a benchmark report as a chart.

use clap::Args;
use serde_json::json;
use snn_core::SnnError;

use crate::common::*;

/// The flags of `snn plot-bench`.
#[derive(Args)]
pub(crate) struct PlotBenchArgs {
    /// JSON file: {"series": [{"name": "...", "points": [[neurons, updates_per_second], ...]}]}
    #[arg(long)]
    json: std::path::PathBuf,
    /// SVG file to write.
    #[arg(long)]
    out: std::path::PathBuf,
}

/// `snn plot-bench`.
pub(crate) fn plot_bench(args: PlotBenchArgs) -> Result<String, String> {
    let PlotBenchArgs { json, out } = args;
    let e = |e: SnnError| describe(&e, &[]);
    let text = std::fs::read_to_string(&json)
        .map_err(|err| format!("--json: cannot read {}: {err}", json.display()))?;
    let v: serde_json::Value = serde_json::from_str(&text)
        .map_err(|err| format!("--json: {} is not JSON: {err}", json.display()))?;
    let series: Vec<(String, Vec<(f64, f64)>)> = v["series"]
        .as_array()
        .ok_or("--json: no \"series\" array")?
        .iter()
        .map(|s| {
            let name = s["name"].as_str().unwrap_or("?").to_string();
            let pts = s["points"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|p| Some((p[0].as_f64()?, p[1].as_f64()?)))
                        .collect()
                })
                .unwrap_or_default();
            (name, pts)
        })
        .collect();
    let title = v["title"].as_str().unwrap_or("Neuron updates per second");
    let chart = snn_core::chart::throughput(&series, title).map_err(e)?;
    chart.save(&out).map_err(|err| format!("--out: {err}"))?;
    Ok(json!({ "written": out.display().to_string() }).to_string())
}
