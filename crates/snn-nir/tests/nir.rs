//! NIR files: the exact round trip of a trained classifier, the folded standardisation, the
//! forward-Euler mapping of a graph from another tool (checked against a simulation written
//! here from NIR's equations), deterministic bytes, and clear errors.

use ndarray::{array, Array1, Array2};
use snn_core::{rng, Blobs, BlobsConfig, Centers, Classifier, Encoding, TrainConfig};
use snn_nir::{
    from_bytes, from_classifier, read, to_bytes, to_classifier, write, Meta, NirError, NirGraph,
    Node,
};

fn trained(data: &Blobs, decay: f64, seed: u64) -> Classifier {
    let (train, _) = data.split(0.25, &mut rng(seed)).unwrap();
    let mut clf = Classifier::builder().decay(decay).build(&train).unwrap();
    let cfg = TrainConfig::builder().epochs(200).build().unwrap();
    clf.fit(&train, None, &cfg, &mut rng(seed)).unwrap();
    clf
}

fn blobs() -> Blobs {
    BlobsConfig {
        n_samples: 150,
        centers: Centers::Random(3),
        cluster_std: 2.0,
        seed: 5,
    }
    .generate()
    .unwrap()
}

fn tmp(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("snn-nir-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

#[test]
fn round_trip_gives_the_same_classifier_and_spikes_bit_for_bit() {
    for (data, decay) in [
        (Blobs::iris().unwrap(), 0.995),
        (blobs(), 0.9),
        (Blobs::iris().unwrap(), 1.0),
    ] {
        let clf = trained(&data, decay, 3);
        let path = tmp(&format!("rt-{decay}.nir"));
        snn_nir::write_classifier(&clf, &path).unwrap();
        let g = read(&path).unwrap();
        let back = to_classifier(&g).unwrap();
        assert_eq!(back, clf);
        let mut spikes = 0u64;
        for row in data.x().rows() {
            let a = clf.response(&row.to_vec(), &mut rng(0)).unwrap();
            let b = back.response(&row.to_vec(), &mut rng(0)).unwrap();
            assert_eq!(a, b);
            spikes += a.counts.iter().map(|&c| u64::from(c)).sum::<u64>();
        }
        assert!(
            spikes > 100,
            "the classifier must spike for the test to mean anything"
        );
        // The neuron node: LIF for a leak, IF without.
        let kind = g.node("lif").unwrap().type_name();
        assert_eq!(kind, if decay < 1.0 { "LIF" } else { "IF" });
        // Written, read and written again: the same bytes; written twice: the same bytes.
        let bytes = std::fs::read(&path).unwrap();
        assert_eq!(to_bytes(&g).unwrap(), bytes);
        assert_eq!(
            to_bytes(&from_classifier(&clf, snn_nir::DEFAULT_DT).unwrap()).unwrap(),
            bytes
        );
    }
}

#[test]
fn the_affine_layer_is_the_standardisation_folded_into_the_weights() {
    let data = Blobs::iris().unwrap();
    let clf = trained(&data, 0.995, 1);
    let g = from_classifier(&clf, 1e-4).unwrap();
    let Some(Node::Affine { weight, bias }) = g.node("affine") else {
        panic!("no affine node")
    };
    assert_eq!(weight.dim(), (3, 4));
    for row in data.x().rows() {
        let folded = weight.dot(&row) + bias;
        let z = clf.standardizer().transform_row(&row.to_vec()).unwrap();
        let w = clf.w();
        for j in 0..3 {
            let direct: f64 = (0..4).map(|f| z[f] * w[[f, j]]).sum::<f64>() + w[[4, j]];
            assert!((folded[j] - direct).abs() < 1e-12 * (1.0 + direct.abs()));
        }
    }
    // The neuron's NIR parameters: tau = dt/(1 − decay), r = tau/dt, leak and reset 0.
    let Some(Node::Lif {
        tau,
        r,
        v_leak,
        v_threshold,
        v_reset,
    }) = g.node("lif")
    else {
        panic!("no LIF node")
    };
    assert!((tau[0] - 1e-4 / 0.005).abs() < 1e-15);
    assert!((r[0] - 200.0).abs() < 1e-9);
    assert_eq!(
        (v_leak[0], v_reset[0], v_threshold[0]),
        (0.0, 0.0, clf.neuron().threshold())
    );
    assert_eq!(g.meta("dt").and_then(Meta::as_numbers), Some(&[1e-4][..]));
    assert_eq!(g.meta("reset").and_then(Meta::as_text), Some("subtract"));
}

/// NIR's LIF under forward Euler, written from its equations: `v ← v + dt/tau·(v_leak − v +
/// r·I)`, a spike when `v > v_threshold`, then `v = v_reset`; IF: `v ← v + dt·r·I`.
fn nir_euler(g: &NirGraph, x: &[f64], dt: f64, steps: usize) -> (Vec<u32>, Vec<f64>) {
    let chain = g.chain().unwrap();
    let (Node::Affine { weight, bias }, neuron) = (chain[1].1, chain[2].1) else {
        panic!()
    };
    let i: Array1<f64> = weight.dot(&Array1::from(x.to_vec())) + bias;
    let n = i.len();
    let (mut v, mut c) = (vec![0.0; n], vec![0u32; n]);
    for _ in 0..steps {
        for j in 0..n {
            let (th, reset) = match neuron {
                Node::Lif {
                    tau,
                    r,
                    v_leak,
                    v_threshold,
                    v_reset,
                } => {
                    v[j] += dt / tau[j] * (v_leak[j] - v[j] + r[j] * i[j]);
                    (v_threshold[j], v_reset[j])
                }
                Node::If {
                    r,
                    v_threshold,
                    v_reset,
                } => {
                    v[j] += dt * r[j] * i[j];
                    (v_threshold[j], v_reset[j])
                }
                _ => panic!(),
            };
            if v[j] > th {
                c[j] += 1;
                v[j] = reset;
            }
        }
    }
    (c, v)
}

fn foreign(neuron: Node, dt: Option<f64>) -> NirGraph {
    NirGraph {
        nodes: vec![
            ("in".into(), Node::Input { shape: vec![2] }),
            (
                "fc".into(),
                Node::Affine {
                    weight: array![[1.5, -0.5], [-1.0, 2.0], [0.25, 0.25]],
                    bias: array![0.1, -0.2, 0.3],
                },
            ),
            ("neurons".into(), neuron),
            ("out".into(), Node::Output { shape: vec![3] }),
        ],
        edges: vec![
            ("in".into(), "fc".into()),
            ("fc".into(), "neurons".into()),
            ("neurons".into(), "out".into()),
        ],
        metadata: dt
            .map(|d| vec![("dt".to_string(), Meta::number(d))])
            .unwrap_or_default(),
    }
}

#[test]
fn a_graph_from_another_tool_runs_as_nir_says_under_forward_euler() {
    let lif = Node::Lif {
        tau: vec![2e-3; 3],
        r: vec![3.0; 3],
        v_leak: vec![0.5; 3],
        v_threshold: vec![1.0; 3],
        v_reset: vec![0.0; 3],
    };
    let iff = Node::If {
        r: vec![800.0; 3],
        v_threshold: vec![1.0; 3],
        v_reset: vec![0.0; 3],
    };
    let mut g = rng(9);
    let mut spikes = 0u32;
    for (neuron, dt) in [(lif.clone(), Some(1e-4)), (lif, None), (iff, Some(2e-4))] {
        let graph = foreign(neuron, dt);
        // Through the file and back, as another tool would hand it over.
        let graph = from_bytes(to_bytes(&graph).unwrap()).unwrap();
        let clf = to_classifier(&graph).unwrap();
        assert_eq!(clf.steps(), 100);
        for _ in 0..200 {
            use rand::Rng;
            let x = [g.gen_range(-3.0..3.0), g.gen_range(-3.0..3.0)];
            let ours = clf.response(&x, &mut rng(0)).unwrap();
            let (c, v) = nir_euler(&graph, &x, dt.unwrap_or(snn_nir::DEFAULT_DT), 100);
            assert_eq!(ours.counts, c, "x = {x:?}");
            for (a, b) in ours.v.iter().zip(&v) {
                assert!((a - b).abs() < 1e-9, "{a} vs {b}");
            }
            spikes += c.iter().sum::<u32>();
        }
    }
    assert!(spikes > 1000, "{spikes}");
}

#[test]
fn what_cannot_be_mapped_is_refused_clearly() {
    let data = Blobs::iris().unwrap();
    let (train, _) = data.split(0.25, &mut rng(1)).unwrap();
    let rate = Classifier::builder()
        .encoding(Encoding::Rate)
        .build(&train)
        .unwrap();
    assert!(
        matches!(from_classifier(&rate, 1e-4), Err(NirError::Unsupported(m)) if m.contains("rate"))
    );
    let clf = trained(&data, 0.995, 1);
    assert!(from_classifier(&clf, 0.0).is_err());
    assert!(from_classifier(&clf, f64::NAN).is_err());
    // Files.
    assert!(matches!(
        read(tmp("missing.nir")),
        Err(NirError::File { .. })
    ));
    let junk = tmp("junk.nir");
    std::fs::write(&junk, b"not hdf5 at all").unwrap();
    assert!(matches!(read(&junk), Err(NirError::Format(_))));
    // Neurons the shared output model cannot hold, and chains that are not classifiers.
    let lif = |tau: Vec<f64>, reset: f64| Node::Lif {
        tau,
        r: vec![1.0; 3],
        v_leak: vec![0.0; 3],
        v_threshold: vec![1.0; 3],
        v_reset: vec![reset; 3],
    };
    let bad = [
        (
            foreign(lif(vec![1e-3, 2e-3, 1e-3], 0.0), None),
            "different tau",
        ),
        (foreign(lif(vec![1e-3; 3], 0.5), None), "v_reset"),
        (foreign(lif(vec![1e-5; 3], 0.0), None), "dt/tau"),
    ];
    for (g, why) in bad {
        let e = to_classifier(&g).unwrap_err().to_string();
        assert!(e.contains(why), "{e}");
    }
    let mut branching = foreign(lif(vec![1e-3; 3], 0.0), None);
    branching.edges.push(("fc".into(), "out".into()));
    assert!(to_classifier(&branching)
        .unwrap_err()
        .to_string()
        .contains("edges out"));
    let mut shape = foreign(lif(vec![1e-3; 3], 0.0), None);
    shape.nodes[0].1 = Node::Input { shape: vec![5] };
    assert!(to_classifier(&shape)
        .unwrap_err()
        .to_string()
        .contains("shape"));
    let mut no_input = foreign(lif(vec![1e-3; 3], 0.0), None);
    no_input.nodes.remove(0);
    assert!(to_classifier(&no_input).is_err());
    assert!(to_bytes(&NirGraph::default()).is_err());
    // A node type this reader does not know, written by hand.
    let mut b = hdf5_pure::FileBuilder::new();
    b.create_dataset("version")
        .with_vlen_strings(&["1.0.8"])
        .with_shape(&[]);
    let mut node = b.create_group("node");
    node.create_dataset("type")
        .with_vlen_strings(&["NIRGraph"])
        .with_shape(&[]);
    node.create_dataset("edges")
        .with_vlen_strings(&["a", "b"])
        .with_shape(&[1, 2]);
    let mut nodes = node.create_group("nodes");
    let mut a = nodes.create_group("a");
    a.create_dataset("type")
        .with_vlen_strings(&["Conv2d"])
        .with_shape(&[]);
    nodes.add_group(a.finish());
    node.add_group(nodes.finish());
    b.add_group(node.finish());
    let e = from_bytes(b.finish().unwrap()).unwrap_err().to_string();
    assert!(e.contains("Conv2d"), "{e}");
}

#[test]
fn a_graph_survives_write_and_read_unchanged() {
    let g = foreign(
        Node::Lif {
            tau: vec![1e-3, 2e-3, 3e-3],
            r: vec![1.0, 2.0, 3.0],
            v_leak: vec![0.0, 0.1, 0.2],
            v_threshold: vec![1.0, 1.5, 2.0],
            v_reset: vec![0.0, -0.1, -0.2],
        },
        Some(1e-4),
    );
    let path = tmp("graph.nir");
    write(&g, &path).unwrap();
    let mut back = read(&path).unwrap();
    back.nodes.sort_by(|a, b| a.0.cmp(&b.0));
    let mut want = g.clone();
    want.nodes.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(back, want);
    let chain: Vec<&str> = back.chain().unwrap().iter().map(|(n, _)| *n).collect();
    assert_eq!(chain, ["in", "fc", "neurons", "out"]);
    let svg = back.svg();
    assert!(svg.starts_with("<svg") && svg.contains(">fc<") && svg.contains("Affine 2→3"));
    let w: Array2<f64> = Array2::zeros((1, 1));
    assert_eq!(Node::Linear { weight: w }.describe(), "Linear 1→1");
}
