//! `snn network --spec FILE`: any network from a file.

use std::time::Instant;

use serde_json::{json, Map};
use snn_core::network::{Network, NetworkSpec};
use snn_core::NetRecord;

/// Reads, builds and runs the network of `path`; prints per recorded population its rate, CV
/// of the inter-spike intervals and synchrony (as for Brunel's model), and the run's figures.
pub(crate) fn run(path: &std::path::Path, o: &Overrides) -> Result<String, String> {
    let flag = "--spec";
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{flag}: cannot read {}: {e}", path.display()))?;
    let file = path.display();
    let mut spec = NetworkSpec::from_json(&text).map_err(|e| format!("{flag} {file}: {e}"))?;
    if let Some(seed) = o.seed {
        spec = spec.with_seed(seed);
    }
    let duration = o.duration_ms.unwrap_or(spec.duration_ms());
    let skip = o.skip_ms.unwrap_or(spec.skip_ms().min(duration / 2.0));
    spec = spec.with_times(duration, skip).map_err(|e| {
        let name = if e.to_string().starts_with("skip") {
            "--skip-ms"
        } else {
            "--duration-ms"
        };
        format!("{name}: {e}")
    })?;
    let dt = spec.dt_ms();
    let steps = (spec.duration_ms() / dt).round().max(1.0) as usize;
    let skip = ((spec.skip_ms() / dt).round() as usize).min(steps - 1);
    let start = Instant::now();
    let desc = spec.describe().map_err(|e| format!("{flag} {file}: {e}"))?;
    let mut net = Network::new(desc).map_err(|e| format!("{flag} {file}: {e}"))?;
    let build_seconds = start.elapsed().as_secs_f64();
    if let Some(dir) = &o.export_nest {
        let script = crate::nest::export(
            net.description(),
            &spec.recorded(),
            spec.duration_ms(),
            spec.skip_ms(),
            dir,
        )?;
        return Ok(
            json!({"export_nest": script, "neurons": net.neurons(), "synapses": net.synapses()})
                .to_string(),
        );
    }
    net.set_threads(o.threads.unwrap_or(1));
    let e = |e: snn_core::SnnError| format!("{flag} {file}: {e}");
    if skip > 0 {
        net.run(skip, &NetRecord::counts()).map_err(e)?;
    }
    let start = Instant::now();
    let out = net.run(steps - skip, &NetRecord::spikes()).map_err(e)?;
    let seconds = start.elapsed().as_secs_f64();
    let (mut rate, mut cv, mut sync) = (Map::new(), Map::new(), Map::new());
    for (name, id) in spec.recorded() {
        let p = out.population(id).map_err(e)?;
        rate.insert(name.clone(), json!(p.mean_rate_hz()));
        cv.insert(name.clone(), json!(p.cv_isi()));
        sync.insert(name, json!(p.synchrony(1.0)));
    }
    let mut v = json!({
        "spec": file.to_string(),
        "rate_hz": rate,
        "cv_isi": cv,
        "synchrony": sync,
        "seed": spec.seed(),
    });
    let run = Run {
        seconds,
        build_seconds,
        dt_ms: dt,
        steps,
        skip,
    };
    run.figures(&net, &out, &mut v);
    Ok(v.to_string())
}

/// A run's timing and window, for [`Run::figures`].
pub(crate) struct Run {
    pub(crate) seconds: f64,
    pub(crate) build_seconds: f64,
    pub(crate) dt_ms: f64,
    pub(crate) steps: usize,
    pub(crate) skip: usize,
}

impl Run {
    /// Adds to `v` what `snn network` prints of every run: events, speed, size, memory per
    /// synapse, the window and the threads.
    pub(crate) fn figures(
        &self,
        net: &Network,
        out: &snn_core::NetworkResult,
        v: &mut serde_json::Value,
    ) {
        let events = out.synaptic_events();
        let more = json!({
            "synaptic_events": events,
            "seconds": self.seconds,
            "events_per_second": events as f64 / self.seconds,
            "build_seconds": self.build_seconds,
            "neurons": net.neurons(),
            "synapses": net.synapses(),
            "bytes_per_synapse": net.synapse_bytes() as f64 / net.synapses().max(1) as f64,
            "dt_ms": self.dt_ms,
            "duration_ms": self.steps as f64 * self.dt_ms,
            "skip_ms": self.skip as f64 * self.dt_ms,
            "measured_ms": out.duration_ms(),
            "threads": net.threads_used(),
        });
        if let (Some(v), Some(more)) = (v.as_object_mut(), more.as_object()) {
            v.extend(more.clone());
        }
    }
}

/// What the command line overrides in a network file.
pub(crate) struct Overrides {
    pub(crate) duration_ms: Option<f64>,
    pub(crate) skip_ms: Option<f64>,
    pub(crate) seed: Option<u64>,
    pub(crate) threads: Option<usize>,
    pub(crate) export_nest: Option<std::path::PathBuf>,
}
