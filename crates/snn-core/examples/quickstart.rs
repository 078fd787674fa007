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
    let train = demo.spike_train(&gallery::ORIGINAL_X)?;
    println!("original sample {:?} -> {:?}", gallery::ORIGINAL_X, train);
    // The original notebook's first sample spikes every third step (I = 0.474: 0.474,
    // 0.853, 1.156 crosses the threshold): the example fails if ours does not.
    println!(
        "{}",
        snn_core::check::text_says_exactly(
            "the original sample's spike train",
            gallery::ORIGINAL_TRAIN.to_vec(),
            train
        )?
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
    // The map is the counts: every count from 0 to `steps` it shows is a spike count.
    let top = counts.iter().fold(0.0f64, |a, &b| a.max(b));
    if !((1.0..=10.0).contains(&top) && counts.iter().all(|c| c.fract() == 0.0)) {
        return Err(snn_core::SnnError::Mismatch {
            what: "decision map counts",
            expected: "whole spike counts in [0, 10], some above 0".into(),
            got: format!("largest {top}"),
        });
    }
    println!("wrote {} (spike counts 0 to {top})", path.display());
    Ok(())
}
