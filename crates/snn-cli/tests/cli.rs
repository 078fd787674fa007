//! The `snn` binary end to end: outputs parse and hold the physics (refusals are in
//! `cli_errors.rs`).

mod common;

use common::{ok_json, snn, temp};

#[test]
fn discrete_reproduces_the_original() {
    let i = 3.04545118f64 * -0.2509198 + 1.37379466 * 0.9014286;
    let v = ok_json(&[
        "discrete",
        "--decay",
        "0.8",
        "--threshold",
        "1",
        "--current",
        &i.to_string(),
        "--steps",
        "10",
    ]);
    assert_eq!(v["spike_steps"], serde_json::json!([2, 5, 8]));
}

#[test]
fn lif_matches_closed_form_and_rheobase() {
    let v = ok_json(&[
        "lif",
        "--currents-na",
        "1.0,1.5,2.0,3.0",
        "--duration-ms",
        "500",
    ]);
    assert_eq!(v["method"], "exact");
    let runs = v["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 4);
    assert!(runs[0]["spike_times_ms"].as_array().unwrap().is_empty());
    assert!(
        runs[1]["spike_times_ms"].as_array().unwrap().is_empty(),
        "rheobase is silent"
    );
    // 2 nA: T = 10 ln(20/5) ms, then every t_ref + T.
    let t: Vec<f64> = runs[2]["spike_times_ms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect();
    let charge = 10.0 * 4f64.ln();
    assert!(t[0] >= charge && t[0] < charge + 0.1);
    for w in t.windows(2) {
        assert!((w[1] - w[0] - (2.0 + charge)).abs() <= 0.1);
    }
    let e = ok_json(&[
        "lif",
        "--method",
        "euler",
        "--currents-na",
        "2",
        "--duration-ms",
        "100",
    ]);
    assert_eq!(e["method"], "euler");
}

#[test]
fn encode_counts_have_binomial_statistics() {
    let v = ok_json(&[
        "encode",
        "--rate-hz",
        "40",
        "--dt-ms",
        "1",
        "--duration-s",
        "2",
        "--trains",
        "1000",
        "--seed",
        "3",
    ]);
    assert_eq!(v["model"], "bernoulli");
    let c: Vec<f64> = v["counts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect();
    assert_eq!(c.len(), 1000);
    let m = c.iter().sum::<f64>() / 1000.0;
    assert!(
        (m - 80.0).abs() < 5.0 * (80.0f64 * 0.96 / 1000.0).sqrt(),
        "{m}"
    );
    let p = ok_json(&[
        "encode",
        "--rate-hz",
        "40",
        "--dt-ms",
        "1",
        "--duration-s",
        "2",
        "--trains",
        "10",
        "--seed",
        "3",
        "--model",
        "poisson",
    ]);
    assert_eq!(p["model"], "poisson");
}

#[test]
fn blobs_csv() {
    let (code, out, _) = snn(&[
        "blobs",
        "--n-samples",
        "10",
        "--centers",
        "3",
        "--cluster-std",
        "0.5",
        "--seed",
        "7",
    ]);
    assert_eq!(code, 0);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "x1,x2,label");
    assert_eq!(lines.len(), 11);
    for l in &lines[1..] {
        let f: Vec<&str> = l.split(',').collect();
        assert!(f[0].parse::<f64>().is_ok() && f[1].parse::<f64>().is_ok());
        assert!(f[2].parse::<usize>().unwrap() < 3);
    }
    let (_, again, _) = snn(&[
        "blobs",
        "--n-samples",
        "10",
        "--centers",
        "3",
        "--cluster-std",
        "0.5",
        "--seed",
        "7",
    ]);
    assert_eq!(out, again);
}

#[test]
fn bench_totals_match_float64_reference() {
    for (n, want) in [("1000", 5585u64), ("10000", 55851)] {
        for prec in ["f32", "f64"] {
            let v = ok_json(&["bench", "--n", n, "--steps", "1000", "--precision", prec]);
            let got = v["total_spikes"].as_u64().unwrap();
            assert!(
                (got as f64 - want as f64).abs() / (want as f64) <= 1e-4,
                "{n} {prec}: {got}"
            );
            // The throughput is the work over the time it reports.
            let seconds = v["seconds"].as_f64().unwrap();
            let per_second = v["updates_per_second"].as_f64().unwrap();
            let work: f64 = n.parse::<f64>().unwrap() * 1000.0;
            assert!(seconds > 0.0, "{v}");
            assert!((per_second * seconds / work - 1.0).abs() < 1e-9, "{v}");
        }
    }
}

#[test]
fn bench_names_its_workload_and_threads() {
    let v = ok_json(&["bench", "--n", "1000", "--steps", "10"]);
    let w = v["workload"].as_str().unwrap();
    assert!(
        w.contains("spike when v > 1") && !w.contains("NOTES"),
        "{w}"
    );
    assert_eq!(v["threads"], 1);
    // Below the parallel threshold the run stays on one thread, --parallel or not.
    let v = ok_json(&["bench", "--n", "1000", "--steps", "10", "--parallel"]);
    assert_eq!(v["threads"], 1);
    let v = ok_json(&["bench", "--n", "1000", "--steps", "10", "--general"]);
    assert!(v["workload"].as_str().unwrap().contains("refractory 2 ms"));
    // --repeats: the fastest of K runs, each on a new population, so the same spikes.
    let one = ok_json(&["bench", "--n", "70000", "--steps", "200", "--parallel"]);
    let v = ok_json(&[
        "bench",
        "--n",
        "70000",
        "--steps",
        "200",
        "--parallel",
        "--repeats",
        "4",
    ]);
    assert_eq!(v["repeats"], 4);
    assert_eq!(v["total_spikes"], one["total_spikes"]);
    assert!(one["total_spikes"].as_u64().unwrap() > 0);
    assert_eq!(v["threads"], one["threads"]);
}

#[test]
fn committed_figures_are_exactly_what_the_command_writes() {
    let docs = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs");
    let out = std::env::temp_dir().join(format!("snn-figures-{}", std::process::id()));
    let v = ok_json(&["figures", "--out", out.to_str().unwrap()]);
    let written = v["written"].as_array().unwrap();
    assert!(written.len() >= 8);
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    for name in &names {
        let fresh = std::fs::read(out.join(name)).unwrap();
        let committed = std::fs::read(docs.join(name))
            .unwrap_or_else(|_| panic!("docs/{name} is missing: run `snn figures --out docs`"));
        assert!(
            fresh == committed,
            "docs/{name} differs from `snn figures`: run `snn figures --out docs`"
        );
    }
    let mut committed: Vec<String> = std::fs::read_dir(&docs)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".svg") && !n.starts_with("bench"))
        .collect();
    committed.sort();
    assert_eq!(names, committed, "docs/ holds exactly the figures");
    std::fs::remove_dir_all(out).unwrap();
}

#[test]
fn classify_reports_snn_and_baseline() {
    let v = ok_json(&[
        "classify",
        "--centers",
        "2",
        "--cluster-std",
        "1.0",
        "--n-samples",
        "200",
        "--seed",
        "3",
    ]);
    for model in ["snn", "baseline"] {
        for split in ["train_accuracy", "test_accuracy"] {
            let a = v[model][split].as_f64().unwrap();
            assert!((0.0..=1.0).contains(&a), "{model} {split} {a}");
        }
    }
    assert!(v["snn"]["test_accuracy"].as_f64().unwrap() >= 0.98);
    assert_eq!(v["epochs"], 500);
    assert_eq!(v["encoding"], "current");
    let again = ok_json(&[
        "classify",
        "--centers",
        "2",
        "--cluster-std",
        "1.0",
        "--n-samples",
        "200",
        "--seed",
        "3",
    ]);
    assert_eq!(v["snn"], again["snn"], "seeded runs repeat");
    let c = ok_json(&[
        "classify",
        "--encoding",
        "current",
        "--epochs",
        "5",
        "--centers",
        "3",
    ]);
    assert_eq!(c["epochs"], 5);
    assert_eq!(c["encoding"], "current");
    let (code, _, err) = snn(&["classify", "--epochs", "0"]);
    assert_ne!(code, 0);
    assert!(err.contains("epochs"), "{err}");
    let (code, _, err) = snn(&["classify", "--centers", "1"]);
    assert_ne!(code, 0);
    assert!(err.contains("centers") || err.contains("classes"), "{err}");
    for (flag, value) in [("--lr", "-1"), ("--copies", "0"), ("--decay", "1.5")] {
        let (code, _, err) = snn(&["classify", flag, value]);
        assert_ne!(code, 0);
        assert!(err.starts_with(&format!("error: {flag}:")), "{err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    }
    // Rate-coded spikes with their own settings, and the baseline on the same budget.
    let r = ok_json(&[
        "classify",
        "--encoding",
        "rate",
        "--copies",
        "2",
        "--epochs",
        "40",
        "--seed",
        "5",
    ]);
    assert_eq!(r["encoding"], "rate");
    assert_eq!(r["copies"], 2);
    assert!(r["snn"]["test_accuracy"].as_f64().unwrap() > 0.9, "{r}");
}

#[test]
fn network_prints_the_brunel_statistics() {
    let args = [
        "network",
        "--g",
        "5",
        "--nu-ratio",
        "2",
        "--scale",
        "0.05",
        "--duration-ms",
        "300",
        "--skip-ms",
        "100",
    ];
    let v = ok_json(&args);
    for key in ["rate_hz", "cv_isi", "synchrony"] {
        for pop in ["e", "i"] {
            assert!(v[key][pop].is_number(), "{key}.{pop}: {v}");
        }
    }
    assert_eq!(v["neurons"], 625);
    // C_E = 50, C_I = 12.5 rounded to 13: (50 + 13) * 625 synapses.
    assert_eq!(v["synapses"], 63 * 625);
    let events = v["synaptic_events"].as_u64().unwrap() as f64;
    let seconds = v["seconds"].as_f64().unwrap();
    // Every spike of the 200 ms measured reaches its 63 targets... less the tail still in
    // flight: events within a delay's worth of spikes of rate x neurons x time x 63.
    let spikes = (v["rate_hz"]["e"].as_f64().unwrap() * 500.0
        + v["rate_hz"]["i"].as_f64().unwrap() * 125.0)
        * 0.2;
    assert!(
        (events / (spikes * 63.0) - 1.0).abs() < 0.05,
        "{events} vs {spikes} spikes"
    );
    assert!(seconds > 0.0);
    assert!((v["events_per_second"].as_f64().unwrap() * seconds / events - 1.0).abs() < 1e-9);
    assert_eq!(v["threads"], 1);
    assert_eq!(v["measured_ms"].as_f64().unwrap(), 200.0);
    let rate = v["rate_hz"]["e"].as_f64().unwrap();
    assert!(rate > 5.0 && rate < 200.0, "{rate}");
    // The same seed gives the same network, threads on or off.
    let mut threaded: Vec<&str> = args.to_vec();
    threaded.push("--threads");
    let w = ok_json(&threaded);
    for key in ["rate_hz", "cv_isi", "synchrony", "synaptic_events"] {
        assert_eq!(v[key], w[key], "{key}");
    }
    // Another seed, another network.
    let mut other: Vec<&str> = args.to_vec();
    other.extend(["--seed", "2"]);
    assert_ne!(ok_json(&other)["synaptic_events"], v["synaptic_events"]);
}

#[test]
fn stdp_window_prints_the_closed_form_pairs() {
    let v = ok_json(&[
        "stdp",
        "window",
        "--tau-pre-ms",
        "20",
        "--tau-post-ms",
        "10",
        "--a-plus",
        "0.01",
        "--a-minus",
        "0.0105",
    ]);
    let pairs = v.as_array().unwrap();
    assert_eq!(pairs.len(), 201);
    for p in pairs {
        let (dt, dw) = (p[0].as_f64().unwrap(), p[1].as_f64().unwrap());
        let want = if dt >= 0.0 {
            0.01 * (-dt / 20.0).exp()
        } else {
            -0.0105 * (dt / 10.0).exp()
        };
        assert!((dw - want).abs() < 1e-15, "{dt}: {dw} vs {want}");
    }
    assert_eq!(pairs[0][0], -100.0);
    assert_eq!(pairs[200][0], 100.0);
}

#[test]
fn stdp_song_prints_weights_rate_and_seconds() {
    let v = ok_json(&[
        "stdp",
        "song",
        "--duration-s",
        "20",
        "--inputs",
        "1000",
        "--seed",
        "3",
    ]);
    let w = v["w_over_wmax"].as_array().unwrap();
    assert_eq!(w.len(), 1000);
    assert!(w.iter().all(|x| (0.0..=1.0).contains(&x.as_f64().unwrap())));
    // The neuron fires (Song et al.: it settles to a rate of tens of Hz), and the rate it
    // reports is the mean over the last tenth of the run, read off the rate over time.
    let rate = v["output_rate_hz"].as_f64().unwrap();
    assert!(v["output_spikes"].as_u64().unwrap() > 100, "{v}");
    assert!(rate > 5.0 && rate < 60.0, "{rate}");
    let over_time: Vec<f64> = v["rate_hz_over_time"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect();
    assert_eq!(over_time.len(), 100);
    let tail = over_time[90..].iter().sum::<f64>() / 10.0;
    assert!((rate - tail).abs() < 1e-9, "{rate} vs {tail}");
    // Competition spreads the weights towards the bounds (a uniform start has 10 % each).
    let (low, high) = (
        v["fraction_below_0.1"].as_f64().unwrap(),
        v["fraction_above_0.9"].as_f64().unwrap(),
    );
    assert!(low > 0.12 && high > 0.12, "{low} {high}");
    assert!(v["seconds"].as_f64().unwrap() > 0.0);
    // Same seed, same weights; another seed, others.
    let again = ok_json(&[
        "stdp",
        "song",
        "--duration-s",
        "20",
        "--inputs",
        "1000",
        "--seed",
        "3",
    ]);
    assert_eq!(again["w_over_wmax"], v["w_over_wmax"]);
    let other = ok_json(&[
        "stdp",
        "song",
        "--duration-s",
        "20",
        "--inputs",
        "1000",
        "--seed",
        "4",
    ]);
    assert_ne!(other["w_over_wmax"], v["w_over_wmax"]);
    // A correlated group wins.
    let c = ok_json(&[
        "stdp",
        "song",
        "--duration-s",
        "50",
        "--correlated",
        "200",
        "--c",
        "0.1",
    ]);
    assert!(c["mean_w_correlated"].as_f64().unwrap() > 0.8);
    assert!(c["mean_w_uncorrelated"].as_f64().unwrap() < 0.5);
}

#[test]
fn classify_iris_writes_nir_and_predictions_that_agree() {
    let (nir, csv) = (temp("iris.nir"), temp("iris.csv"));
    let v = ok_json(&[
        "classify",
        "--dataset",
        "iris",
        "--seed",
        "3",
        "--nir",
        nir.to_str().unwrap(),
        "--predictions",
        csv.to_str().unwrap(),
    ]);
    assert_eq!(v["dataset"], "iris");
    assert_eq!(v["features"][2], "petal length (cm)");
    assert_eq!(v["classes"][0], "setosa");
    assert_eq!(v["files"]["nir"], nir.to_str().unwrap());
    assert_eq!(v["files"]["predictions"], csv.to_str().unwrap());
    let held: Vec<u64> = v["held_out_rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_u64().unwrap())
        .collect();
    assert_eq!(held.len(), v["test_samples"].as_u64().unwrap() as usize);
    assert!(v["snn"]["test_accuracy"].as_f64().unwrap() > 0.85);
    // The CSV: a header, then every sample, with the held-out rows marked.
    let text = std::fs::read_to_string(&csv).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("x1,x2,x3,x4,label,predicted"));
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), 150);
    assert!(rows.iter().all(|r| r.len() == 6));
    // The held-out rows of the JSON, checked against the CSV: their accuracy is the JSON's.
    let correct = rows
        .iter()
        .enumerate()
        .filter(|(i, r)| held.contains(&(*i as u64)) && r[4] == r[5])
        .count() as f64;
    let acc = v["snn"]["test_accuracy"].as_f64().unwrap();
    assert!((correct / held.len() as f64 - acc).abs() < 1e-12);
    // The NIR file, read back: the same decision on every sample.
    let back = ok_json(&["nir", "predict", nir.to_str().unwrap(), "--dataset", "iris"]);
    let predicted: Vec<String> = back["predicted"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.to_string())
        .collect();
    let csv_pred: Vec<String> = rows.iter().map(|r| r[5].to_string()).collect();
    assert_eq!(predicted, csv_pred);
    let inspect = ok_json(&["nir", "inspect", nir.to_str().unwrap()]);
    assert_eq!(
        inspect["chain"],
        serde_json::json!(["input", "affine", "lif", "output"])
    );
}

/// `threads` is what a run really used: a network too small to split runs on one thread
/// whatever the pool.
#[test]
fn network_reports_the_threads_it_used() {
    let run = |scale: &str| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_snn"))
            .args([
                "network",
                "--g",
                "5",
                "--nu-ratio",
                "2",
                "--duration-ms",
                "5",
            ])
            .args(["--scale", scale, "--threads"])
            .env("RAYON_NUM_THREADS", "3")
            .output()
            .unwrap();
        assert!(out.status.success());
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        v["threads"].as_u64().unwrap()
    };
    assert_eq!(
        run("0.1"),
        1,
        "1,000 E in one block and 250 I: nothing to share"
    );
    assert_eq!(run("0.3"), 3, "3,750 neurons: 3.7 blocks of work");
}
