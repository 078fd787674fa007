//! `snn network --spec FILE`: networks from files. Brunel's model from its file fires what
//! `snn network --g 5 --nu-ratio 2` fires; every example file runs; every bad field is one
//! line naming its path in the file.

mod common;
use common::*;

fn file(name: &str) -> String {
    format!(
        "{}/../../docs/network-files/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

#[test]
fn brunel_from_its_file_fires_what_snn_network_fires() {
    let ours = ok_json(&[
        "network",
        "--spec",
        &file("brunel-ai.json"),
        "--duration-ms",
        "150",
    ]);
    let cli = ok_json(&[
        "network",
        "--g",
        "5",
        "--nu-ratio",
        "2",
        "--duration-ms",
        "150",
    ]);
    for key in [
        "rate_hz",
        "cv_isi",
        "synchrony",
        "synaptic_events",
        "synapses",
        "neurons",
    ] {
        assert_eq!(ours[key], cli[key], "{key}");
    }
    assert!(ours["synaptic_events"].as_u64().unwrap() > 1_000_000);
    // On three threads (that meet once per minimum delay): the same spikes.
    let threaded = ok_json(&[
        "network",
        "--spec",
        &file("brunel-ai.json"),
        "--duration-ms",
        "150",
        "--threads",
        "3",
    ]);
    assert_eq!(threaded["threads"], 3);
    for key in ["rate_hz", "cv_isi", "synchrony", "synaptic_events"] {
        assert_eq!(threaded[key], cli[key], "{key}, 3 threads");
    }
    // Another seed: other spikes.
    let other = ok_json(&[
        "network",
        "--spec",
        &file("brunel-ai.json"),
        "--duration-ms",
        "150",
        "--seed",
        "2",
    ]);
    assert_ne!(other["synaptic_events"], cli["synaptic_events"]);
    assert_eq!(other["seed"], 2);
}

#[test]
fn every_example_file_runs() {
    for (name, pops) in [
        ("chain-times.json", &["hidden", "out"][..]),
        ("song-stdp.json", &["neuron"][..]),
    ] {
        let v = ok_json(&[
            "network",
            "--spec",
            &file(name),
            "--duration-ms",
            "2000",
            "--skip-ms",
            "0",
            "--threads",
            "4",
        ]);
        for p in pops {
            let r = v["rate_hz"][p].as_f64().unwrap();
            assert!(r > 1.0 && r < 500.0, "{name} {p}: {r} Hz");
        }
        // Too small to share, or plastic: one thread whatever is asked.
        assert_eq!(v["threads"], 1, "{name}");
    }
}

#[test]
fn every_bad_field_is_one_line_naming_its_path() {
    let base: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(file("chain-times.json")).unwrap()).unwrap();
    type Edit = fn(&mut serde_json::Value);
    let cases: Vec<(Edit, &str)> = vec![
        (
            |v| v["populations"][1]["neuron"]["tau_m"] = (-5.0).into(),
            "populations[1].neuron.tau_m",
        ),
        (
            |v| v["populations"][1]["neuron"]["tau"] = 5.0.into(),
            "populations[1].neuron.tau: unknown field",
        ),
        (|v| v["populations"][2]["n"] = 0.into(), "populations[2].n"),
        (
            |v| v["populations"][2]["name"] = "hidden".into(),
            "populations[2].name",
        ),
        (
            |v| v["projections"][1]["to"] = "outt".into(),
            "projections[1].to: no population \"outt\"",
        ),
        (
            |v| v["projections"][0]["connectivity"]["rule"] = "all".into(),
            "projections[0].connectivity.rule",
        ),
        (
            |v| {
                v["projections"][1]["connectivity"] =
                    serde_json::json!({"rule": "fixed_in_degree", "k": 31})
            },
            "projections[1]",
        ),
        (
            |v| v["projections"][0]["synapse"]["kind"] = "alpha".into(),
            "projections[0].synapse.kind",
        ),
        (
            |v| v["projections"][0]["per_synapse"] = false.into(),
            "projections[0].start_weights",
        ),
        (
            |v| v["projections"][1]["start_weights"]["uniform"] = serde_json::json!([1.0, 0.5]),
            "projections[1].start_weights.uniform",
        ),
        (
            |v| v["projections"][1]["delay_ms"] = 0.0.into(),
            "projections[1]",
        ),
        (
            |v| v["populations"][0]["source"]["spikes"][3] = serde_json::json!([45, 10.0]),
            "populations[0]",
        ),
        (|v| v["skip_ms"] = 500.0.into(), "skip_ms"),
        (|v| v["dt_ms"] = "0.1".into(), "dt_ms: must be a number"),
        (
            |v| {
                v.as_object_mut().unwrap().remove("populations");
            },
            "populations: missing",
        ),
        (|v| v["record"] = serde_json::json!(["nobody"]), "record[0]"),
    ];
    for (k, (edit, want)) in cases.into_iter().enumerate() {
        let mut v = base.clone();
        edit(&mut v);
        let path = temp(&format!("spec-bad-{k}.json"));
        std::fs::write(&path, v.to_string()).unwrap();
        let (code, out, err) = snn(&["network", "--spec", path.to_str().unwrap()]);
        assert_ne!(code, 0, "case {k}");
        assert!(out.is_empty(), "case {k}: {out}");
        assert_eq!(err.trim_end().lines().count(), 1, "case {k}: {err}");
        assert!(err.contains(want), "case {k}: want {want:?} in {err}");
        assert!(
            err.contains("--spec") && !err.contains("panicked"),
            "case {k}: {err}"
        );
    }
    let path = temp("spec-not-json.json");
    std::fs::write(&path, "{\"populations\": [").unwrap();
    let (code, _, err) = snn(&["network", "--spec", path.to_str().unwrap()]);
    assert!(
        code != 0 && err.contains("not JSON") && err.contains("line"),
        "{err}"
    );
    let (code, _, err) = snn(&["network", "--spec", "/nonexistent/net.json"]);
    assert!(code != 0 && err.contains("cannot read"), "{err}");
    let (code, _, err) = snn(&["network", "--spec", &file("brunel-ai.json"), "--g", "5"]);
    assert!(code != 0 && err.contains("--g"), "{err}");
}

#[test]
fn export_nest_writes_the_drawn_network_and_refuses_what_nest_does_differently() {
    let dir = temp("nest-ai");
    let v = ok_json(&[
        "network",
        "--g",
        "5",
        "--nu-ratio",
        "2",
        "--scale",
        "0.05",
        "--export-nest",
        dir.to_str().unwrap(),
    ]);
    let synapses = v["synapses"].as_u64().unwrap();
    let script = std::fs::read_to_string(dir.join("network.py")).unwrap();
    assert!(script.contains("iaf_psc_delta") && script.contains("import nest"));
    // Every drawn synapse is in the arrays, 4 bytes per index, source and target.
    let bytes: u64 = (0..4)
        .map(|k| {
            std::fs::metadata(dir.join(format!("proj{k}_source.u32")))
                .unwrap()
                .len()
        })
        .sum();
    assert_eq!(bytes, 4 * synapses);
    // The delay carries our convention: 1.5 ms here acts as 1.6 ms there.
    assert!(script.contains("np.full(len(src), 1.6"), "{script}");
    // Current-based synapses (brunel-current.json at a twentieth of its size): iaf_psc_exp,
    // C_m = tau_m / R_m, weights in pA, delay d*dt.
    let mut base: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(file("brunel-current.json")).unwrap())
            .unwrap();
    for (k, n) in [(0, 500), (1, 125)] {
        base["populations"][k]["n"] = n.into();
    }
    for (k, c) in [(0, 50), (1, 50), (2, 12), (3, 12)] {
        base["projections"][k]["connectivity"]["k"] = c.into();
    }
    let small = temp("nest-current.json");
    std::fs::write(&small, base.to_string()).unwrap();
    let dir = temp("nest-current");
    ok_json(&[
        "network",
        "--spec",
        small.to_str().unwrap(),
        "--export-nest",
        dir.to_str().unwrap(),
    ]);
    let script = std::fs::read_to_string(dir.join("network.py")).unwrap();
    assert!(!script.contains("iaf_psc_delta"), "{script}");
    for want in [
        "\"iaf_psc_exp\", 500",
        "\"C_m\": 2000.0",
        "\"tau_syn_ex\": 0.5, \"tau_syn_in\": 0.5",
        "np.full(len(src), 400.0), \"delay\": np.full(len(src), 1.5)",
        "np.full(len(src), -2000.0)",
    ] {
        assert!(script.contains(want), "{want} in {script}");
    }
    // Refused with one line each: delta and current into one population, two tau_syn of one
    // sign, conductance synapses.
    type Edit = fn(&mut serde_json::Value);
    let edits: [(Edit, &str); 3] = [
        (
            |v| v["projections"][0]["synapse"] = serde_json::json!({"kind": "delta", "w": 0.1}),
            "delta and current synapses into one population",
        ),
        (
            |v| v["projections"][0]["synapse"]["tau_syn_ms"] = 2.0.into(),
            "several tau_syn",
        ),
        (
            |v| {
                v["projections"][0]["synapse"] = serde_json::json!(
                    {"kind": "conductance", "w": 1.0, "tau_syn_ms": 2.0, "e_rev_mv": 60.0})
            },
            "conductance",
        ),
    ];
    for (k, (edit, why)) in edits.iter().enumerate() {
        let mut v = base.clone();
        edit(&mut v);
        let path = temp(&format!("nest-bad-{k}.json"));
        std::fs::write(&path, v.to_string()).unwrap();
        let (code, out, err) = snn(&[
            "network",
            "--spec",
            path.to_str().unwrap(),
            "--export-nest",
            temp("nest-refused").to_str().unwrap(),
        ]);
        assert!(code != 0 && out.is_empty(), "{why}");
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
        assert!(err.contains("--export-nest") && err.contains(why), "{err}");
    }
    for (name, why) in [
        ("chain-times.json", "given-time"),
        ("song-stdp.json", "plastic"),
    ] {
        let (code, out, err) = snn(&[
            "network",
            "--spec",
            &file(name),
            "--export-nest",
            temp("nest-refused").to_str().unwrap(),
        ]);
        assert!(code != 0 && out.is_empty(), "{name}");
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
        assert!(err.contains("--export-nest") && err.contains(why), "{err}");
    }
}
