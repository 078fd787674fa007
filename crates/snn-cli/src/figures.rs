//! `snn figures`: every chart as an SVG file.

use clap::Args;
use serde_json::json;
use snn_core::SnnError;

use crate::common::*;

/// The flags of `snn figures`.
#[derive(Args)]
pub(crate) struct FiguresArgs {
    /// Output folder (created if missing).
    #[arg(long)]
    out: std::path::PathBuf,
}

/// `snn figures`.
pub(crate) fn figures(args: FiguresArgs) -> Result<String, String> {
    let FiguresArgs { out } = args;
    let e = |e: SnnError| describe(&e, &[]);
    std::fs::create_dir_all(&out)
        .map_err(|err| format!("--out: cannot create {}: {err}", out.display()))?;
    let charts = snn_core::gallery::all().map_err(e)?;
    let mut names = Vec::new();
    for (name, chart) in charts {
        let path = out.join(format!("{name}.svg"));
        chart.save(&path).map_err(|err| format!("--out: {err}"))?;
        names.push(path.display().to_string());
    }
    Ok(json!({ "written": names }).to_string())
}
