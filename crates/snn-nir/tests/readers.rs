//! What other readers get: the reset-to-zero mode is NIR's LIF exactly (the same spike counts
//! as a simulation written here from NIR's equations), the graph's values are the truth (the
//! metadata may not contradict them), older files and 0-d parameters still read, and the
//! limits of snnTorch's and Norse's importers are reported per node.

mod common;
use common::nir_euler;
use snn_core::{rng, Blobs, Classifier, OutputReset, TrainConfig};
use snn_nir::{from_classifier, to_classifier, verdict, Meta, NirGraph, Node, Reader};

fn trained(decay: f64, reset: OutputReset, seed: u64) -> (Blobs, Classifier) {
    let data = Blobs::iris().unwrap();
    let (train, _) = data.split(0.25, &mut rng(seed)).unwrap();
    let mut clf = Classifier::builder()
        .decay(decay)
        .reset(reset)
        .build(&train)
        .unwrap();
    let cfg = TrainConfig::builder().epochs(200).build().unwrap();
    clf.fit(&train, None, &cfg, &mut rng(seed)).unwrap();
    (data, clf)
}

/// Spike counts by NIR's equations under forward Euler at the graph's own `dt` and `steps`.
fn nir_counts(g: &NirGraph, x: &[f64]) -> Vec<u32> {
    let number = |k: &str| g.meta(k).and_then(Meta::as_numbers).unwrap()[0];
    nir_euler(g, x, number("dt"), number("steps") as usize).0
}

#[test]
fn reset_zero_is_nirs_lif_exactly_and_reads_back_as_itself() {
    for decay in [0.995, 1.0] {
        let (data, clf) = trained(decay, OutputReset::Zero, 2);
        assert_eq!(clf.output_reset(), OutputReset::Zero);
        let g = from_classifier(&clf, 1e-4).unwrap();
        let back = to_classifier(&g).unwrap();
        assert_eq!(back, clf);
        let (mut same, mut spikes) = (0, 0u32);
        for row in data.x().rows() {
            let ours = clf.response(&row.to_vec(), &mut rng(0)).unwrap();
            same += usize::from(ours.counts == nir_counts(&g, &row.to_vec()));
            spikes += ours.counts.iter().sum::<u32>();
        }
        assert!(spikes > 1000, "decay {decay}: {spikes} spikes");
        // Every flower; only floating-point rounding at an exact threshold could differ.
        assert_eq!(same, data.len(), "decay {decay}");
    }
    // Subtract mode loses no charge at a spike; NIR's reset to 0 does: counts differ somewhere.
    let (data, clf) = trained(0.995, OutputReset::Subtract, 2);
    let g = from_classifier(&clf, 1e-4).unwrap();
    let differ = data
        .x()
        .rows()
        .into_iter()
        .filter(|r| clf.counts(&r.to_vec(), &mut rng(0)).unwrap() != nir_counts(&g, &r.to_vec()))
        .count();
    assert!(differ > 0);
}

#[test]
fn ties_go_to_the_lowest_class_in_reset_zero() {
    let r = |counts: Vec<u32>, v: Vec<f64>, rule| snn_core::Response {
        input: vec![],
        counts,
        v,
        rule,
    };
    assert_eq!(
        r(vec![5, 5, 4], vec![0.2, 0.7, 0.9], OutputReset::Zero).class(),
        0
    );
    assert_eq!(
        r(vec![5, 5, 4], vec![0.2, 0.7, 0.9], OutputReset::Subtract).class(),
        1
    );
    assert_eq!(
        r(vec![0, 0], vec![-0.3, -0.1], OutputReset::Zero).class(),
        0
    );
    assert_eq!(r(vec![3, 4], vec![0.9, 0.0], OutputReset::Zero).class(), 1);
}

#[test]
fn the_graphs_values_are_the_truth() {
    let (_, clf) = trained(0.995, OutputReset::Subtract, 4);
    let g = from_classifier(&clf, 1e-4).unwrap();
    let edit = |f: &dyn Fn(&mut Node)| {
        let mut e = g.clone();
        for (name, n) in e.nodes.iter_mut() {
            if name == "affine" || name == "lif" {
                f(n);
            }
        }
        to_classifier(&e).map(|_| ()).unwrap_err().to_string()
    };
    let e = edit(&|n| {
        if let Node::Affine { weight, .. } = n {
            weight[[1, 2]] *= 1.01;
        }
    });
    assert!(
        e.contains("\"affine\"") && e.contains("weight [1, 2]"),
        "{e}"
    );
    let e = edit(&|n| {
        if let Node::Affine { bias, .. } = n {
            bias[0] += 0.5;
        }
    });
    assert!(
        e.contains("\"affine\"") && e.contains("bias of neuron 0"),
        "{e}"
    );
    let e = edit(&|n| {
        if let Node::Lif { tau, .. } = n {
            tau.iter_mut().for_each(|t| *t *= 2.0);
        }
    });
    assert!(e.contains("\"lif\"") && e.contains("tau"), "{e}");
    let e = edit(&|n| {
        if let Node::Lif { v_threshold, .. } = n {
            v_threshold.iter_mut().for_each(|t| *t *= 1.1);
        }
    });
    assert!(e.contains("\"lif\"") && e.contains("v_threshold"), "{e}");
    // The same dynamics written the way files were before r was folded (r = tau/dt, the
    // weights unfolded) still read, to the same classifier.
    let mut old = g.clone();
    for (_, n) in old.nodes.iter_mut() {
        match n {
            Node::Affine { weight, bias } => {
                weight.mapv_inplace(|w| w / 200.0);
                bias.mapv_inplace(|b| b / 200.0);
            }
            Node::Lif { r, .. } => r.iter_mut().for_each(|r| *r = 200.0),
            _ => {}
        }
    }
    assert_eq!(to_classifier(&old).unwrap(), clf);
}

#[test]
fn zero_dimensional_parameters_broadcast() {
    let (_, clf) = trained(0.995, OutputReset::Zero, 5);
    let mut g = from_classifier(&clf, 1e-4).unwrap();
    g.metadata.retain(|(k, _)| k == "dt" || k == "steps");
    let full = to_classifier(&g).unwrap();
    for (_, n) in g.nodes.iter_mut() {
        if let Node::Lif {
            tau,
            r,
            v_leak,
            v_threshold,
            v_reset,
        } = n
        {
            for p in [tau, r, v_leak, v_threshold, v_reset] {
                p.truncate(1);
            }
        }
    }
    assert_eq!(to_classifier(&g).unwrap(), full);
}

#[test]
fn each_readers_limits_are_named_by_node() {
    let (_, lif) = trained(0.995, OutputReset::Zero, 6);
    let g = from_classifier(&lif, 1e-4).unwrap();
    for reader in Reader::ALL {
        let v = verdict(&g, reader);
        assert!(
            v.refused.is_empty() && v.differs.is_empty(),
            "{reader:?}: {v:?}"
        );
    }
    // snnTorch assumes dt = 1e-4 s.
    let v = verdict(&from_classifier(&lif, 1e-3).unwrap(), Reader::SnnTorch);
    assert!(v.refused[0].contains("dt = 1e-4"), "{v:?}");
    assert!(
        verdict(&from_classifier(&lif, 1e-3).unwrap(), Reader::Norse)
            .refused
            .is_empty()
    );
    // An IF runs in Norse, not in snnTorch; the refusal names the node and the alternative.
    let (_, iff) = trained(1.0, OutputReset::Zero, 6);
    let g = from_classifier(&iff, 1e-4).unwrap();
    let v = verdict(&g, Reader::SnnTorch);
    assert!(
        v.refused[0].contains("\"lif\"") && v.refused[0].contains("decay < 1"),
        "{v:?}"
    );
    assert!(verdict(&g, Reader::Norse).refused.is_empty());
    // Subtract mode runs as NIR says, but NIR's reset is not ours.
    let (_, sub) = trained(0.995, OutputReset::Subtract, 6);
    let v = verdict(&from_classifier(&sub, 1e-4).unwrap(), Reader::Norse);
    assert!(
        v.refused.is_empty() && v.differs[0].contains("subtract"),
        "{v:?}"
    );
    // A LIF whose r is not 1: Norse ignores it.
    let mut g = from_classifier(&lif, 1e-4).unwrap();
    for (_, n) in g.nodes.iter_mut() {
        if let Node::Lif { r, .. } = n {
            r.iter_mut().for_each(|r| *r = 200.0);
        }
    }
    assert!(verdict(&g, Reader::Norse).refused[0].contains("r must be 1"));
}

#[test]
fn a_network_trained_by_gradient_exports_layer_by_layer() {
    use snn_core::gradient::{Layer, SpikingNet, Surrogate};
    use snn_core::ndarray::{array, Array1};
    let net = SpikingNet::new(
        vec![
            Layer {
                w: array![[0.5, -1.0], [2.0, 0.25], [1.0, 1.0]],
                w_rec: None,
                b: Some(Array1::from(vec![0.1, 0.2, -0.3])),
                beta: 0.9,
                threshold: 1.0,
            },
            Layer {
                w: array![[1.5, -0.5, 0.75], [0.2, 0.4, 0.6]],
                w_rec: None,
                b: None,
                beta: 1.0,
                threshold: 0.5,
            },
        ],
        25,
        Surrogate::FastSigmoid { slope: 25.0 },
    )
    .unwrap();
    let g = snn_nir::from_spiking_net(&net, 1e-4).unwrap();
    let names: Vec<&str> = g.chain().unwrap().iter().map(|(n, _)| *n).collect();
    assert_eq!(
        names,
        ["input", "affine1", "lif1", "affine2", "lif2", "output"]
    );
    // LIF: tau = dt/(1 − beta), r = 1, the gain 1/(1 − beta) = 10 folded into weights and bias.
    let Some(Node::Affine { weight, bias }) = g.node("affine1") else {
        panic!()
    };
    assert!((weight[[1, 0]] - 20.0).abs() < 1e-12 && (bias[2] + 3.0).abs() < 1e-12);
    let Some(Node::Lif {
        tau,
        r,
        v_threshold,
        ..
    }) = g.node("lif1")
    else {
        panic!()
    };
    assert!((tau[0] - 1e-3).abs() < 1e-15 && r[0] == 1.0 && v_threshold[0] == 1.0);
    // No leak: an IF with r = 1/dt, the weights as they are; no bias: a Linear.
    let Some(Node::Linear { weight }) = g.node("affine2") else {
        panic!()
    };
    assert_eq!(weight[[0, 2]], 0.75);
    let Some(Node::If { r, v_threshold, .. }) = g.node("lif2") else {
        panic!()
    };
    assert!((r[0] - 1e4).abs() < 1e-9 && v_threshold[0] == 0.5);
    assert!(g
        .meta("reset")
        .and_then(Meta::as_text)
        .unwrap()
        .starts_with("subtract"));
    // Through the file and back: the same graph.
    // (The file orders nodes and metadata by name.)
    let back = snn_nir::from_bytes(snn_nir::to_bytes(&g).unwrap()).unwrap();
    for (name, node) in &g.nodes {
        assert_eq!(back.node(name), Some(node), "{name}");
    }
    for (key, value) in &g.metadata {
        assert_eq!(back.meta(key), Some(value), "{key}");
    }
    assert_eq!(back.chain().unwrap().len(), 6);
    assert!(snn_nir::from_spiking_net(&net, 0.0).is_err());
}
