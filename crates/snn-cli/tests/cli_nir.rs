//! `snn classify --reset`, `snn nir readers` and `--nir-reader`: the export mode whose spike
//! counts other readers reproduce, and the refusals that name the reader, the node and the
//! limit.

mod common;
use common::*;

fn path(p: &std::path::Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn reset_zero_exports_nirs_own_neuron_and_readers_say_so() {
    let (zero, sub) = (temp("zero.nir"), temp("sub.nir"));
    let v = ok_json(&[
        "classify",
        "--dataset",
        "iris",
        "--seed",
        "4",
        "--reset",
        "zero",
        "--nir",
        path(&zero),
    ]);
    assert_eq!(v["reset"], "zero");
    assert!(v["snn"]["test_accuracy"].as_f64().unwrap() > 0.85);
    ok_json(&[
        "classify",
        "--dataset",
        "iris",
        "--seed",
        "4",
        "--nir",
        path(&sub),
    ]);
    // predict: every flower's class and spike counts; the class is the first of the most.
    let p = ok_json(&["nir", "predict", path(&zero), "--dataset", "iris"]);
    assert_eq!(p["reset"], "zero");
    let counts = p["counts"].as_array().unwrap();
    assert_eq!(counts.len(), 150);
    let mut spikes = 0;
    for (c, k) in counts.iter().zip(p["predicted"].as_array().unwrap()) {
        let c: Vec<u64> = c
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_u64().unwrap())
            .collect();
        let most = *c.iter().max().unwrap();
        assert_eq!(
            k.as_u64().unwrap() as usize,
            c.iter().position(|&x| x == most).unwrap()
        );
        spikes += c.iter().sum::<u64>();
    }
    assert!(spikes > 1000, "{spikes}");
    // readers: both run the zero-mode graph as NIR says, with our counts; the subtract-mode
    // graph as NIR says too, but NIR's reset is not ours.
    let r = ok_json(&["nir", "readers", path(&zero)]);
    for reader in ["snnTorch 1.0.0", "Norse 1.1.0"] {
        assert_eq!(r["readers"][reader]["same_counts_as_ours"], true, "{r}");
    }
    assert!(r["readers"]["snnTorch 1.0.0"]["load"]
        .as_str()
        .unwrap()
        .contains("snntorch.import_nir import import_from_nir"));
    let r = ok_json(&["nir", "readers", path(&sub)]);
    let norse = &r["readers"]["Norse 1.1.0"];
    assert_eq!(norse["runs_as_nir_says"], true);
    assert_eq!(norse["same_counts_as_ours"], false);
    assert!(norse["differs"][0].as_str().unwrap().contains("subtract"));
}

#[test]
fn an_export_a_reader_cannot_run_is_refused_before_training() {
    let f = temp("if.nir");
    let (code, out, err) = snn(&[
        "classify",
        "--dataset",
        "iris",
        "--decay",
        "1",
        "--nir",
        path(&f),
        "--nir-reader",
        "snntorch",
    ]);
    assert_ne!(code, 0);
    assert!(out.is_empty() && !f.exists(), "{out}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(
        err.contains("snnTorch 1.0.0") && err.contains("\"lif\"") && err.contains("IF"),
        "{err}"
    );
    // Norse runs an IF graph.
    let v = ok_json(&[
        "classify",
        "--dataset",
        "iris",
        "--decay",
        "1",
        "--reset",
        "zero",
        "--nir",
        path(&f),
        "--nir-reader",
        "norse",
    ]);
    assert_eq!(v["files"]["nir"], path(&f));
    let r = ok_json(&["nir", "readers", path(&f)]);
    assert_eq!(r["readers"]["snnTorch 1.0.0"]["runs_as_nir_says"], false);
    assert_eq!(r["readers"]["Norse 1.1.0"]["runs_as_nir_says"], true);
    // Without a file to write, the reader is a mistake.
    let (code, _, err) = snn(&["classify", "--nir-reader", "norse"]);
    assert_ne!(code, 0);
    assert!(err.contains("--nir"), "{err}");
}
