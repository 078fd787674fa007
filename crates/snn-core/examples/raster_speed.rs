//! Benchmark figure (not a test): how long a raster chart of about 1e5 spikes takes to build.
//! Run: `cargo run --release -p snn-core --example raster_speed`.

use std::time::Instant;

use snn_core::{chart, Drive, LifParams, Population, Record};

fn main() -> Result<(), snn_core::SnnError> {
    let p = LifParams::builder().build()?;
    let n = 1000;
    let currents: Vec<f64> = (0..n).map(|j| 2.0 + 3.0 * j as f64 / n as f64).collect();
    let mut pop = Population::<f64>::new(&p, n)?;
    let res = pop.run(10_000, Drive::PerNeuron(&currents), &Record::spikes())?;
    let start = Instant::now();
    let c = chart::raster(res.spikes(), n, res.steps(), res.dt(), "ms", 100, "Raster")?;
    let secs = start.elapsed().as_secs_f64();
    println!(
        "raster of {} spikes: built in {:.3} s ({} bytes of SVG)",
        res.spikes().len(),
        secs,
        c.svg().len()
    );
    // One mark per spike, drawn in the raster's spike colour.
    let marks = c.svg().matches(r##"stroke="#0072B2""##).count();
    println!(
        "{}",
        snn_core::check::text_says_exactly("marks, one per spike", res.spikes().len(), marks)?
    );
    Ok(())
}
