//! The four regimes of Brunel (2000), Figure 8, at a reduced scale: a table of mean rate, ISI
//! CV and synchrony per regime, and (with an output folder) a raster over the population rate
//! for each and the bars of all four, as SVG.
//! Run: `cargo run --release -p snn-core --example brunel_regimes -- [scale] [out-dir]`.

use snn_core::network::Brunel;
use snn_core::{chart, NetRecord};

/// (name, g, nu_ext/nu_thr) of Figure 8 A to D.
const REGIMES: [(&str, f64, f64); 4] = [
    ("SR", 3.0, 2.0),
    ("SI fast", 6.0, 4.0),
    ("AI", 5.0, 2.0),
    ("SI slow", 4.5, 0.9),
];

fn main() -> Result<(), snn_core::SnnError> {
    let mut args = std::env::args().skip(1);
    let scale: f64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(0.2);
    let out = args.next().map(std::path::PathBuf::from);
    let mut rows = Vec::new();
    println!(
        "{:<26} {:>9} {:>7} {:>9}",
        "regime", "rate (Hz)", "CV ISI", "synchrony"
    );
    for (k, (name, g, nu)) in REGIMES.iter().enumerate() {
        let model = Brunel::paper(*g, *nu).scale(scale);
        let (mut net, e, _) = model.build(1)?;
        net.run(model.neuron()?.steps_for(200.0)?, &NetRecord::counts())?;
        let res = net.run(model.neuron()?.steps_for(400.0)?, &NetRecord::spikes())?;
        let stats = res.population(e)?.stats(name);
        let show = |x: Option<f64>| x.map_or("n/a".to_string(), |v| format!("{v:.2}"));
        println!(
            "{:<26} {:>9.1} {:>7} {:>9}",
            name,
            stats.rate_hz,
            show(stats.cv_isi),
            show(stats.synchrony)
        );
        if let Some(dir) = &out {
            std::fs::create_dir_all(dir).map_err(|e| snn_core::SnnError::Chart(e.to_string()))?;
            let title = format!("{name}: g = {g}, nu_ext/nu_thr = {nu}");
            chart::network_raster(&res, 50, 200.0, 400.0, 1.0, &title)?
                .save(dir.join(format!("brunel-{k}.svg")))?;
        }
        rows.push(stats);
    }
    // What Brunel's Figure 8 names each regime for: SR fast and regular, SI slow the
    // slowest, the irregular ones (SI fast, AI) with CVs near or above 1.
    let (sr, si_fast, ai, si_slow) = (&rows[0], &rows[1], &rows[2], &rows[3]);
    let cv = |r: &snn_core::RegimeStats| r.cv_isi.unwrap_or(f64::NAN);
    let ok = sr.rate_hz > 150.0
        && cv(sr) < 0.1
        && cv(si_fast) > 0.5
        && cv(ai) > 0.5
        && si_slow.rate_hz < ai.rate_hz.min(si_fast.rate_hz);
    if !ok {
        return Err(snn_core::SnnError::Mismatch {
            what: "Brunel (2000) regimes",
            expected: "SR fast and regular, SI fast and AI irregular, SI slow the slowest".into(),
            got: format!("{rows:?}"),
        });
    }
    println!("as Figure 8 names them: SR fast and regular (CV {:.2}), SI fast and AI irregular (CV {:.2}, {:.2}), SI slow the slowest ({:.1} Hz)", cv(sr), cv(si_fast), cv(ai), si_slow.rate_hz);
    if let Some(dir) = &out {
        chart::regime_bars(&rows, "Brunel (2000), Figure 8: excitatory population")?
            .save(dir.join("brunel-regimes.svg"))?;
    }
    Ok(())
}
