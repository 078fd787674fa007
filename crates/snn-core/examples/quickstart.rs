//! The original demo in a dozen lines: blobs, a LIF neuron, spike trains, a decision map.
//! Run: `cargo run --release -p snn-core --example quickstart [OUT_DIR]`.

use snn_core::{chart, gallery, BlobsConfig, DiscreteParams, Grid, OriginalDemo};

fn main() -> Result<(), snn_core::SnnError> {
    let out = std::env::args()
        .nth(1)
        .map(std::path::PathBuf::from)
        .unwrap_or_else(std::env::temp_dir);
    let data = BlobsConfig::original().generate()?;
    let demo = OriginalDemo::new(
        gallery::ORIGINAL_W.to_vec(),
        0.0,
        DiscreteParams::original().build()?,
        10,
    )?;
    println!(
        "original sample {:?} -> {:?}",
        gallery::ORIGINAL_X,
        demo.spike_train(&gallery::ORIGINAL_X)?
    );
    for i in 0..5 {
        let x = data.x().row(i).to_vec();
        println!(
            "Sample {i} - Class {} - Spikes: {:?}",
            data.y()[i],
            demo.spike_train(&x)?
        );
    }
    let grid = Grid::over(data.x().view(), 100, 100, 1.0)?;
    let counts: Vec<f64> = demo.count_map(&grid)?.into_iter().map(f64::from).collect();
    let map = chart::decision_map(
        &grid,
        &counts,
        &data,
        "Spike count",
        "Spike Count Decision Map",
    )?;
    let path = out.join("quickstart-decision-map.svg");
    map.save(&path)?;
    println!("wrote {}", path.display());
    Ok(())
}
