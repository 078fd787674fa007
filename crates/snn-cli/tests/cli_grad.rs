//! `snn grad`: the loss, gradients and counts of a model given as JSON, the same as the
//! library's, and one clear line naming the flag for every bad input.

mod common;
use common::*;

fn files(model: &str, x: &str, y: &str, tag: &str) -> [std::path::PathBuf; 3] {
    let paths = [
        temp(&format!("{tag}-m.json")),
        temp(&format!("{tag}-x.csv")),
        temp(&format!("{tag}-y.csv")),
    ];
    for (p, text) in paths.iter().zip([model, x, y]) {
        std::fs::write(p, text).unwrap();
    }
    paths
}

const MODEL: &str = r#"{"layers": [
  {"w": [[0.8, -0.2], [0.3, 0.9], [1.1, 0.4]], "b": [0.1, 0.0, -0.2], "beta": 0.9, "threshold": 1.0},
  {"w": [[1.2, -0.5, 0.7], [0.4, 0.9, -0.3]], "b": null, "beta": 0.8, "threshold": 0.5}],
  "steps": 10, "surrogate": "fast-sigmoid", "slope": 25, "loss": "ce_count"}"#;

#[test]
fn grad_prints_what_the_library_computes() {
    let [m, x, y] = files(MODEL, "1.0,0.5\n0.2,1.5\n2.0,2.0\n", "0\n1\n1\n", "ok");
    let v = ok_json(&[
        "grad",
        "--model",
        m.to_str().unwrap(),
        "--inputs",
        x.to_str().unwrap(),
        "--labels",
        y.to_str().unwrap(),
    ]);
    use snn_core::gradient::{Layer, SpikingNet, Surrogate};
    use snn_core::ndarray::{array, Array1};
    let net = SpikingNet::new(
        vec![
            Layer {
                w: array![[0.8, -0.2], [0.3, 0.9], [1.1, 0.4]],
                w_rec: None,
                b: Some(Array1::from(vec![0.1, 0.0, -0.2])),
                beta: 0.9,
                threshold: 1.0,
            },
            Layer {
                w: array![[1.2, -0.5, 0.7], [0.4, 0.9, -0.3]],
                w_rec: None,
                b: None,
                beta: 0.8,
                threshold: 0.5,
            },
        ],
        10,
        Surrogate::FastSigmoid { slope: 25.0 },
    )
    .unwrap();
    let x = array![[1.0, 0.5], [0.2, 1.5], [2.0, 2.0]];
    let (loss, grads, counts) = net.loss_and_gradients(x.view(), &[0, 1, 1]).unwrap();
    assert_eq!(v["loss"].as_f64().unwrap(), loss);
    assert!(counts.sum() > 0.0);
    for (l, (dw, db)) in grads.layers.iter().enumerate() {
        for ((j, f), &g) in dw.indexed_iter() {
            assert_eq!(v["grads"][l]["w"][j][f].as_f64().unwrap(), g);
        }
        match db {
            Some(db) => assert_eq!(v["grads"][l]["b"][0].as_f64().unwrap(), db[0]),
            None => assert!(v["grads"][l]["b"].is_null()),
        }
    }
    assert_eq!(v["counts"].as_array().unwrap().len(), 3);
    assert_eq!(v["counts"][2][1].as_f64().unwrap(), counts[[2, 1]]);
}

#[test]
fn every_bad_input_names_its_flag() {
    let cases = [
        (
            MODEL
                .replace("[[1.2, -0.5, 0.7]", "[[1.2, -0.5]")
                .replace(", 0.9, -0.3]]", ", 0.9]]"),
            "1,2\n",
            "0\n",
            "--model",
        ),
        (MODEL.to_string(), "1,2\n", "2\n", "--labels"),
        (MODEL.to_string(), "1,2\n3,4\n", "0\n", "--labels"),
        (MODEL.to_string(), "1,nan\n", "0\n", "--inputs"),
        (MODEL.to_string(), "1,2,3\n", "0\n", "--inputs"),
        (
            MODEL.replace("\"beta\": 0.9", "\"beta\": 1.5"),
            "1,2\n",
            "0\n",
            "--model",
        ),
        ("not json".to_string(), "1,2\n", "0\n", "--model"),
    ];
    for (k, (model, x, y, flag)) in cases.iter().enumerate() {
        let [m, xf, yf] = files(model, x, y, &format!("bad{k}"));
        let (code, out, err) = snn(&[
            "grad",
            "--model",
            m.to_str().unwrap(),
            "--inputs",
            xf.to_str().unwrap(),
            "--labels",
            yf.to_str().unwrap(),
        ]);
        assert_ne!(code, 0, "case {k}");
        assert!(out.is_empty(), "case {k}: {out}");
        assert_eq!(err.trim_end().lines().count(), 1, "case {k}: {err}");
        assert!(err.contains(flag), "case {k}: {err}");
        assert!(!err.contains("panicked"), "case {k}: {err}");
    }
}

fn train_json(threads: &str, args: &[&str]) -> serde_json::Value {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_snn"))
        .arg("train")
        .args(args)
        .env("RAYON_NUM_THREADS", threads)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn train_learns_iris_the_same_on_any_number_of_threads() {
    let one = train_json("1", &["--seed", "1"]);
    let two = train_json("2", &["--seed", "1"]);
    assert_eq!(
        (one["threads"].as_u64(), two["threads"].as_u64()),
        (Some(1), Some(2))
    );
    for key in [
        "loss",
        "test_accuracy_per_epoch",
        "train_accuracy",
        "test_accuracy",
    ] {
        assert_eq!(one[key], two[key], "{key}");
    }
    let loss: Vec<f64> = one["loss"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    assert_eq!(loss.len(), 100);
    assert!(
        loss[99] < 0.2 * loss[0],
        "the loss falls: {} -> {}",
        loss[0],
        loss[99]
    );
    assert!(
        one["test_accuracy"].as_f64().unwrap() >= 0.9,
        "{}",
        one["test_accuracy"]
    );
    // 4 inputs -> 16 hidden -> 3 outputs, with biases.
    assert_eq!(one["parameters"], 4 * 16 + 16 + 16 * 3 + 3);
    assert_eq!(one["epoch_seconds"].as_array().unwrap().len(), 100);
}

#[test]
fn train_refuses_bad_values_by_flag() {
    for (args, flag) in [
        (["--beta", "1.5"], "--beta"),
        (["--lr", "0"], "--lr"),
        (["--hidden", "0"], "--hidden"),
        (["--epochs", "0"], "--epochs"),
        (["--batch", "0"], "--batch"),
        (["--slope", "0"], "--slope"),
        (["--threshold", "-1"], "--threshold"),
        (["--steps", "0"], "--steps"),
    ] {
        let mut all = vec!["train"];
        all.extend(args);
        let (code, out, err) = snn(&all);
        assert_ne!(code, 0, "{args:?}");
        assert!(
            out.is_empty() && err.trim_end().lines().count() == 1,
            "{args:?}: {err}"
        );
        assert!(err.contains(flag), "{args:?}: {err}");
    }
}

#[test]
fn train_learns_the_digits() {
    let v = train_json(
        "2",
        &[
            "--dataset",
            "digits",
            "--hidden",
            "32",
            "--epochs",
            "3",
            "--batch",
            "64",
            "--lr",
            "5e-3",
            "--seed",
            "2",
        ],
    );
    assert_eq!(v["dataset"], "digits");
    assert_eq!(v["layers"], serde_json::json!([64, 32, 10]));
    assert_eq!(
        v["test_samples"].as_u64().unwrap() + v["train_samples"].as_u64().unwrap(),
        1797
    );
    // Three short epochs already read most digits (chance: 0.1).
    assert!(
        v["test_accuracy"].as_f64().unwrap() > 0.7,
        "{}",
        v["test_accuracy"]
    );
}

#[test]
fn train_recurrent_max_membrane_and_f32() {
    let base = ["--dataset", "iris", "--epochs", "40", "--seed", "3"];
    // A recurrent hidden layer adds its 16 x 16 recurrent weights, the same on 1 or 2 threads.
    let mut args = base.to_vec();
    args.push("--recurrent");
    let (one, two) = (train_json("1", &args), train_json("2", &args));
    assert_eq!(one["recurrent"], true);
    assert_eq!(one["parameters"], 4 * 16 + 16 * 16 + 16 + 16 * 3 + 3);
    assert_eq!(one["loss"], two["loss"]);
    assert!(one["test_accuracy"].as_f64().unwrap() >= 0.85, "{}", one);
    // The max-membrane readout and f32 both learn Iris.
    for extra in [
        &["--readout", "max-membrane"][..],
        &["--precision", "f32"][..],
    ] {
        let mut args = base.to_vec();
        args.extend(extra);
        let v = train_json("2", &args);
        assert!(
            v["test_accuracy"].as_f64().unwrap() >= 0.85,
            "{extra:?}: {v}"
        );
        let loss = v["loss"].as_array().unwrap();
        assert!(loss[39].as_f64() < loss[0].as_f64(), "{extra:?}: {v}");
    }
    // An export that NIR's readers would not run is refused before training, naming --nir.
    let nir = std::env::temp_dir().join("snn-cli-recurrent.nir");
    for extra in [&["--recurrent"][..], &["--readout", "max-membrane"][..]] {
        let mut all = vec!["train", "--epochs", "1", "--nir", nir.to_str().unwrap()];
        all.extend(extra);
        let (code, out, err) = snn(&all);
        assert_ne!(code, 0, "{extra:?}");
        assert!(out.is_empty(), "{extra:?}: {out}");
        assert!(
            err.contains("--nir:") && err.trim_end().lines().count() == 1,
            "{err}"
        );
        assert!(!nir.exists(), "nothing written");
    }
}
