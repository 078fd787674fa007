//! Learning from spike timing: the STDP window simulated pair by pair against its closed form,
//! and Song, Miller & Abbott (2000): 1,000 plastic inputs onto one neuron for 100 s, with and
//! without a correlated group. Prints the numbers; with an output folder, writes the charts
//! as SVG.
//! Run: `cargo run --release -p snn-core --example stdp_song -- [seconds] [out-dir]`.

use snn_core::chart;
use snn_core::network::{probe, Song, Stdp};

fn main() -> Result<(), snn_core::SnnError> {
    let mut args = std::env::args().skip(1);
    let seconds: f64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(100.0);
    let out = args.next().map(std::path::PathBuf::from);

    // The window: one pre and one post spike Δt apart, each pair its own simulation.
    let rule = Stdp::builder().build()?;
    let mut worst = 0.0f64;
    let mut pts = Vec::new();
    for k in -100..=100 {
        let dt = f64::from(k);
        let dw = probe::stdp_pair(&rule, 0.5, dt, 0.1)? - 0.5;
        worst = worst.max((dw - rule.window(dt)).abs());
        pts.push((dt, dw));
    }
    println!("STDP window, 201 pairs: largest |simulated − closed form| = {worst:.1e}");
    println!(
        "{}",
        snn_core::check::text_says(
            "the window's largest gap to the closed form",
            0.0,
            worst,
            1e-9
        )?
    );

    let song = Song::paper().duration_s(seconds);
    let plain = song.run(1, seconds / 100.0)?;
    let corr = song.correlated(200, 0.1).run(1, seconds / 100.0)?;
    let (lo, hi) = plain.fractions(0.1, 0.9);
    println!(
        "Song, {seconds} s: {:.0}% of weights below 0.1 g_max, {:.0}% above 0.9 (uniform start: 10%, 10%); output {:.1} Hz; simulated in {:.2} s",
        100.0 * lo,
        100.0 * hi,
        plain.output_rate_hz,
        plain.seconds
    );
    println!(
        "with 200 inputs correlated (c = 0.1): their mean weight {:.2} g_max, the others' {:.2}; output {:.1} Hz",
        corr.mean_w(0..200),
        corr.mean_w(200..1000),
        corr.output_rate_hz
    );
    // Song et al.'s two findings, after the paper's 100 s (shorter runs are not compared):
    // the weights leave the uniform start for the two ends (20% within 0.1 of an end at the
    // start), and correlated inputs win.
    if seconds >= 100.0 {
        let split = lo + hi;
        let won = corr.mean_w(0..200) - corr.mean_w(200..1000);
        if split < 0.3 || won <= 0.3 {
            return Err(snn_core::SnnError::Mismatch {
                what: "Song et al. (2000) after 100 s",
                expected: "over half the weights at the ends, correlated inputs 0.1 g_max ahead"
                    .into(),
                got: format!("{:.0}% at the ends, ahead by {won:.2}", 100.0 * split),
            });
        }
        println!(
            "as the paper finds: {:.0}% of weights at the ends, correlated inputs ahead by {won:.2} g_max",
            100.0 * split
        );
    }
    if let Some(dir) = out {
        std::fs::create_dir_all(&dir)
            .map_err(|e| snn_core::SnnError::Chart(format!("{}: {e}", dir.display())))?;
        chart::stdp_window(
            &pts,
            &rule,
            "STDP window: simulated pairs and the closed form",
        )?
        .save(dir.join("stdp-window.svg"))?;
        chart::weight_histogram(
            &[
                ("start".into(), plain.snapshots[0].clone()),
                (format!("after {seconds} s"), plain.w_over_wmax.clone()),
            ],
            40,
            "Weights leave the uniform start for the two ends",
        )?
        .save(dir.join("stdp-histogram.svg"))?;
        let picks: Vec<usize> = (0..1000).step_by(25).collect();
        chart::weight_traces(
            &plain.times_s,
            &plain.snapshots,
            &picks,
            "Weights over time: the inputs drift apart, towards 0 or g_max",
        )?
        .save(dir.join("stdp-weights.svg"))?;
        chart::lines(
            &[
                ("per interval".into(), plain.rate_points(1)),
                ("mean over 10 intervals".into(), plain.rate_points(10)),
            ],
            "time (s)",
            "rate (Hz)",
            "The output rate settles as the weights separate",
        )?
        .save(dir.join("stdp-rate.svg"))?;
        chart::weight_histogram(
            &[
                ("start".into(), corr.snapshots[0].clone()),
                (
                    "200 correlated inputs".into(),
                    corr.w_over_wmax[..200].to_vec(),
                ),
                (
                    "800 independent inputs".into(),
                    corr.w_over_wmax[200..].to_vec(),
                ),
            ],
            40,
            "Correlated inputs win",
        )?
        .save(dir.join("stdp-correlated.svg"))?;
    }
    Ok(())
}
