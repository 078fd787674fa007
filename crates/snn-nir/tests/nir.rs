//! NIR files: the exact round trip of a trained classifier, the folded standardisation, the
//! forward-Euler mapping of a graph from another tool (checked against a simulation written
//! here from NIR's equations), deterministic bytes, and clear errors.

use ndarray::{array, Array2};
use snn_core::{rng, Blobs, BlobsConfig, Centers, Classifier, Encoding, TrainConfig};
mod common;
use common::nir_euler;
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
    // The neuron's input gain, tau/dt = 1/(1 − decay) = 200, is folded in too (r = 1).
    for row in data.x().rows() {
        let folded = (weight.dot(&row) + bias) / 200.0;
        let z = clf.standardizer().transform_row(&row.to_vec()).unwrap();
        let w = clf.w();
        for j in 0..3 {
            let direct: f64 = (0..4).map(|f| z[f] * w[[f, j]]).sum::<f64>() + w[[4, j]];
            assert!((folded[j] - direct).abs() < 1e-12 * (1.0 + direct.abs()));
        }
    }
    // The neuron's NIR parameters: tau = dt/(1 − decay), r = 1, leak and reset 0.
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
    assert_eq!(r[0], 1.0);
    assert_eq!(
        (v_leak[0], v_reset[0], v_threshold[0]),
        (0.0, 0.0, clf.neuron().threshold())
    );
    assert_eq!(g.meta("dt").and_then(Meta::as_numbers), Some(&[1e-4][..]));
    assert_eq!(
        g.meta("snn_reset").and_then(Meta::as_text),
        Some("subtract")
    );
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
        (foreign(lif(vec![1e-3; 3], 1.5), None), "threshold"),
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

mod network {
    use snn_core::network::{Connection, Connectivity, NetRecord, Network, Source, Synapse};
    use snn_core::{rng, LifParams, LifReset};
    use snn_nir::{from_network, read, to_network, write, Node};

    fn lif(t_ref: f64) -> LifParams {
        LifParams::builder()
            .tau_m(15.0)
            .v_rest(-60.0)
            .v_reset(-65.0)
            .v_th(-50.0)
            .v0(-60.0)
            .r_m(40.0)
            .t_ref(t_ref)
            .build()
            .unwrap()
    }

    /// sources → a (delta, sparse, per-synapse, 1.5 ms delay) → b (current, shared weight).
    fn chain(input: Source) -> Network {
        use rand::Rng;
        let mut b = Network::builder();
        b.dt(0.1).unwrap();
        let s = b.source("in", input).unwrap();
        let a = b.population("a", &lif(2.0), 25).unwrap();
        let sub = lif(0.0)
            .to_builder()
            .reset(LifReset::Subtract)
            .build()
            .unwrap();
        let c = b.population("b", &sub, 6).unwrap();
        b.connect(
            s,
            a,
            Connection::new(Synapse::Delta { w: 0.0 }, Connectivity::Probability(0.6))
                .per_synapse(true)
                .delay_ms(1.5),
        )
        .unwrap();
        b.connect(
            a,
            c,
            Connection::new(
                Synapse::CurrentExp {
                    w: 0.9,
                    tau_syn: 4.0,
                },
                Connectivity::AllToAll,
            ),
        )
        .unwrap();
        let mut net = b.build(5).unwrap();
        let mut g = rng(8);
        let w: Vec<f64> = (0..net.synapses_of(0).unwrap())
            .map(|_| g.gen_range(-2.0..6.0))
            .collect();
        net.set_weights(0, &w).unwrap();
        net
    }

    #[test]
    fn a_chain_reads_back_into_a_network_with_the_same_spikes() {
        let times: Vec<(usize, f64)> = (0..400).map(|k| (k % 30, 1.0 + k as f64 * 0.7)).collect();
        for input in [Source::poisson(30, 60.0), Source::times(30, times)] {
            let mut net = chain(input.clone());
            let g = from_network(&net).unwrap();
            let path = super::tmp("chain.nir");
            write(&g, &path).unwrap();
            let (mut back, ids) = to_network(&read(&path).unwrap(), input, 5).unwrap();
            assert_eq!(ids.len(), 3);
            // The sparse projection stays sparse: the same synapses, not all 750 pairs.
            let (sa, sb) = (net.synapses_of(0).unwrap(), back.synapses_of(0).unwrap());
            assert_eq!(sa, sb);
            assert!(sa < 600, "{sa} of 750 pairs");
            assert_eq!(
                net.description().synapse_pairs(0).unwrap(),
                back.description().synapse_pairs(0).unwrap()
            );
            let rec = NetRecord::spikes();
            let (x, y) = (net.run(3000, &rec).unwrap(), back.run(3000, &rec).unwrap());
            let mut spikes = 0;
            for (p, id) in ids.iter().enumerate().skip(1) {
                let (a, b) = (&x.populations()[p], &y.populations()[id.index()]);
                assert_eq!(a.spikes(), b.spikes(), "population {p}");
                spikes += a.spikes().len();
            }
            assert!(spikes > 200, "{spikes}");
            // NIR's own parameters: the delta synapse's weight is a charge w·tau/R.
            let Some(Node::Linear { weight }) = g.node("linear1") else {
                panic!()
            };
            let dense = net.dense_weights(0).unwrap();
            assert!((weight[[3, 7]] - dense[3 * 30 + 7] * 0.015 / 40.0).abs() < 1e-15);
            assert_eq!(g.node("pop2").unwrap().type_name(), "CubaLIF");
        }
    }

    #[test]
    fn a_chain_from_another_tool_is_read_by_nir_units() {
        // A graph without our metadata: the NIR parameters alone.
        let net = chain(Source::poisson(30, 60.0));
        let mut g = from_network(&net).unwrap();
        g.metadata.retain(|(k, _)| k == "dt");
        let (back, _) = to_network(&g, Source::poisson(30, 60.0), 5).unwrap();
        // Another writer's zeros are no synapse: the projection comes back as sparse as drawn.
        assert_eq!(back.synapses_of(0).unwrap(), net.synapses_of(0).unwrap());
        let (a, b) = (net.projection(0).unwrap(), back.projection(0).unwrap());
        assert_eq!(b.delay_steps, 1);
        assert!(b.per_synapse);
        let (wa, wb) = (
            net.dense_weights(0).unwrap(),
            back.dense_weights(0).unwrap(),
        );
        for (x, y) in wa.iter().zip(&wb) {
            assert!((x - y).abs() < 1e-12 * (1.0 + x.abs()), "{x} {y}");
        }
        assert!(matches!(a.synapse, Synapse::Delta { .. }));
        let m = back
            .model(snn_core::network::PopId::new(1))
            .unwrap()
            .unwrap();
        assert_eq!(
            (m.tau_m(), m.r_m(), m.v_rest(), m.t_ref()),
            (15.0, 40.0, -60.0, 0.0)
        );
    }

    #[test]
    fn networks_that_are_not_chains_are_refused() {
        let mut b = Network::builder();
        b.dt(0.1).unwrap();
        let s = b.source("in", Source::poisson(3, 10.0)).unwrap();
        let a = b.population("a", &lif(0.0), 3).unwrap();
        let conn = Connection::new(Synapse::Delta { w: 1.0 }, Connectivity::AllToAll);
        b.connect(s, a, conn).unwrap();
        b.connect(a, a, conn).unwrap();
        let e = from_network(&b.clone().build(1).unwrap())
            .unwrap_err()
            .to_string();
        assert!(e.contains("chain"), "{e}");
        // A conductance synapse has no NIR counterpart.
        let mut c = Network::builder();
        c.dt(0.1).unwrap();
        let s = c.source("in", Source::poisson(3, 10.0)).unwrap();
        let a = c.population("a", &lif(0.0), 3).unwrap();
        c.connect(
            s,
            a,
            Connection::new(
                Synapse::ConductanceExp {
                    w: 1.0,
                    tau_syn: 5.0,
                    e_rev: 0.0,
                },
                Connectivity::AllToAll,
            ),
        )
        .unwrap();
        let e = from_network(&c.build(1).unwrap()).unwrap_err().to_string();
        assert!(e.contains("conductance"), "{e}");
        // No spike sources at all.
        let mut d = Network::builder();
        let a = d.population("a", &lif(0.0), 3).unwrap();
        let z = d.population("z", &lif(0.0), 3).unwrap();
        d.connect(a, z, conn).unwrap();
        assert!(from_network(&d.build(1).unwrap()).is_err());
        // The wrong input size on the way back.
        let g = from_network(&chain(Source::poisson(30, 1.0))).unwrap();
        assert!(to_network(&g, Source::poisson(29, 1.0), 1).is_err());
    }

    /// NIR has no plasticity: a plastic projection is refused, naming it and its rule, and
    /// written frozen (its weights as they are, the rule named in the metadata) only when
    /// asked; frozen, it reads back as a fixed projection with those weights.
    #[test]
    fn plastic_projections_are_refused_or_frozen_when_asked() {
        let rule = snn_core::network::Stdp::builder()
            .w_max(5.0)
            .build()
            .unwrap();
        let mut b = Network::builder();
        b.dt(0.1).unwrap();
        let s = b.source("in", Source::poisson(20, 30.0)).unwrap();
        let a = b.population("a", &lif(0.0), 4).unwrap();
        b.connect(
            s,
            a,
            Connection::new(Synapse::Delta { w: 2.0 }, Connectivity::AllToAll).stdp(rule),
        )
        .unwrap();
        let mut net = b.build(3).unwrap();
        net.run(3000, &NetRecord::counts()).unwrap(); // the weights move
        let e = from_network(&net).unwrap_err().to_string();
        assert!(
            e.contains("plastic") && e.contains("in -> a") && e.contains("from_network_frozen"),
            "{e}"
        );
        let g = snn_nir::from_network_frozen(&net).unwrap();
        let frozen = g
            .meta("snn_proj1_frozen")
            .and_then(snn_nir::Meta::as_text)
            .unwrap();
        assert!(
            frozen.contains("frozen at export") && frozen.contains("tau+ 20"),
            "{frozen}"
        );
        let (back, _) = to_network(&g, Source::poisson(20, 30.0), 3).unwrap();
        let now = net.current_description().dense_weights(0).unwrap();
        assert_eq!(back.current_description().dense_weights(0).unwrap(), now);
        assert!(now.iter().any(|&w| w != 2.0), "the weights must have moved");
        assert!(back
            .current_description()
            .projection(0)
            .unwrap()
            .info()
            .plasticity
            .is_none());
    }
}
