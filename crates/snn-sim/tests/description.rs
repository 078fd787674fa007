//! The network as data: a description that runs do not change, a state apart, and one step
//! over both that gives exactly what `Network::run` gives.

use snn_sim::network::{
    step, Brunel, Connection, Connectivity, NetRecord, Network, NetworkDescription, NetworkState,
    Song, Source, Stdp, Synapse,
};
use snn_sim::{LifParams, SnnError};

fn small_brunel() -> Brunel {
    Brunel::paper(5.0, 2.0).scale(0.05)
}

#[test]
fn stepping_a_description_and_its_state_is_what_network_run_does() {
    let (desc, e, i) = small_brunel().describe(3).unwrap();
    let (mut net, _, _) = small_brunel().build(3).unwrap();
    let r = net.run(400, &NetRecord::counts()).unwrap();
    let mut state = NetworkState::new(&desc).unwrap();
    let mut active = Vec::new();
    for _ in 0..400 {
        step(&desc, &mut state).unwrap();
        active.push(state.spiked(e).unwrap().len() as u32);
    }
    assert_eq!(state.steps_done(), 400);
    assert_eq!(state.counts(e).unwrap(), r.population(e).unwrap().counts());
    assert_eq!(state.counts(i).unwrap(), r.population(i).unwrap().counts());
    assert_eq!(active, r.population(e).unwrap().active());
    assert_eq!(state.v(e).unwrap(), net.v(e).unwrap());
    // Something happened: the comparison is not between two silent networks.
    assert!(r.population(e).unwrap().counts().iter().sum::<u32>() > 100);
}

#[test]
fn a_run_never_changes_the_description() {
    let (desc, out) = Song::paper().duration_s(1.0).describe(4).unwrap();
    let before = desc.clone();
    let mut net = Network::new(desc).unwrap();
    net.run(10_000, &NetRecord::counts()).unwrap();
    assert!(net.state().counts(out).unwrap()[0] > 0, "the neuron fired");
    assert_eq!(net.description(), &before);
    // The weights moved in the state, not in the description.
    let now = net.weights(0).unwrap().unwrap();
    let start = net.description().projection(0).unwrap().weights().unwrap();
    assert_ne!(now, start);
    assert!(net.state().counts(out).unwrap()[0] > 0);
    // The description as it is now starts a network with the learned weights.
    let again = Network::new(net.current_description()).unwrap();
    assert_eq!(again.weights(0).unwrap().unwrap(), now);
}

#[test]
fn a_state_runs_only_the_description_it_was_made_for() {
    let (a, e, _) = small_brunel().describe(1).unwrap();
    let (b, _, _) = small_brunel().describe(1).unwrap();
    let mut state = NetworkState::new(&a).unwrap();
    let v = state.v(e).unwrap().to_vec();
    let err = step(&b, &mut state).unwrap_err();
    assert!(
        matches!(
            err,
            SnnError::Mismatch {
                what: "network state",
                ..
            }
        ),
        "{err}"
    );
    assert_eq!(state.steps_done(), 0);
    assert_eq!(state.v(e).unwrap(), v.as_slice());
    // A clone is the same description: its state runs on it.
    step(&a.clone(), &mut state).unwrap();
    assert_eq!(state.steps_done(), 1);
}

#[test]
fn two_states_of_one_description_run_alike_and_apart() {
    let (desc, e, _) = small_brunel().describe(9).unwrap();
    let mut s1 = NetworkState::new(&desc).unwrap();
    let mut s2 = NetworkState::new(&desc).unwrap();
    for _ in 0..100 {
        step(&desc, &mut s1).unwrap();
    }
    assert_eq!(s2.steps_done(), 0);
    for _ in 0..100 {
        step(&desc, &mut s2).unwrap();
    }
    assert_eq!(s1.counts(e).unwrap(), s2.counts(e).unwrap());
    assert_eq!(s1.v(e).unwrap(), s2.v(e).unwrap());
}

fn two_pops() -> (NetworkDescription, snn_sim::PopId, snn_sim::PopId) {
    let p = LifParams::builder().dt(0.1).build().unwrap();
    let mut b = Network::builder();
    let dst = b.population("out", &p, 3).unwrap();
    let src = b.source("in", Source::poisson(4, 50.0)).unwrap();
    let rule = Stdp::builder().w_max(2.0).build().unwrap();
    b.connect(
        src,
        dst,
        Connection::new(Synapse::Delta { w: 1.0 }, Connectivity::AllToAll).stdp(rule),
    )
    .unwrap();
    b.connect(
        dst,
        dst,
        Connection::new(Synapse::Delta { w: 0.5 }, Connectivity::AllToAll).delay_ms(1.5),
    )
    .unwrap();
    (b.describe(2).unwrap(), src, dst)
}

#[test]
fn the_description_says_what_was_built() {
    let (d, src, dst) = two_pops();
    assert_eq!(d.dt(), 0.1);
    assert_eq!(d.seed(), 2);
    assert_eq!(d.populations().len(), 2);
    assert_eq!(d.population(dst).unwrap().name(), "out");
    assert_eq!(
        d.population(src).unwrap().source(),
        Some(&Source::poisson(4, 50.0))
    );
    assert!(d.population(src).unwrap().model().is_none());
    assert_eq!(d.population(dst).unwrap().n(), 3);
    assert_eq!(d.population(dst).unwrap().v0(), vec![-65.0; 3]);
    let plastic = d.projection(0).unwrap();
    assert_eq!(plastic.synapses(), 12);
    assert_eq!(plastic.weights(), Some(&[1.0; 12][..]));
    assert!(plastic.plasticity().is_some());
    let rec = d.projection(1).unwrap();
    assert_eq!(rec.delay_steps(), 15);
    assert_eq!(rec.synapses(), 6, "no autapses");
    assert_eq!(rec.targets(0).unwrap(), &[1, 2]);
    assert_eq!(rec.row_starts(), &[0, 2, 4, 6]);
    assert_eq!(rec.weights(), None);
    assert_eq!(d.in_degrees(1).unwrap(), vec![2, 2, 2]);
    let m = d.dense_weights(1).unwrap();
    assert_eq!(m, vec![0.0, 0.5, 0.5, 0.5, 0.0, 0.5, 0.5, 0.5, 0.0]);
}

#[test]
fn refining_a_description_checks_every_value() {
    let (d, src, dst) = two_pops();
    let shared = d.clone().with_weights(1, &[1.0; 6]).unwrap_err();
    assert!(
        matches!(
            shared,
            SnnError::Unsupported {
                name: "weights",
                ..
            }
        ),
        "{shared}"
    );
    let short = d.clone().with_weights(0, &[1.0; 11]).unwrap_err();
    assert!(matches!(
        short,
        SnnError::LengthMismatch {
            expected: 12,
            got: 11,
            ..
        }
    ));
    assert!(
        d.clone().with_weights(0, &[3.0; 12]).is_err(),
        "above w_max"
    );
    assert!(d.clone().with_v0(dst, &[f64::NAN, 0.0, 0.0]).is_err());
    assert!(d.clone().with_v0(dst, &[0.0; 2]).is_err());
    assert!(
        d.clone().with_v0(src, &[0.0; 4]).is_err(),
        "sources have no membrane"
    );
    let w: Vec<f64> = (0..12).map(|k| k as f64 / 10.0).collect();
    let d2 = d
        .with_weights(0, &w)
        .unwrap()
        .with_v0(dst, &[-60.0, -55.0, -52.0])
        .unwrap();
    let net = Network::new(d2).unwrap();
    assert_eq!(net.weights(0).unwrap().unwrap(), w.as_slice());
    assert_eq!(net.v(dst).unwrap(), &[-60.0, -55.0, -52.0]);
}

/// A projection built from listed synapses has exactly those, in the documented order, runs
/// like the same synapses drawn by a rule, and refuses bad lists by name.
#[test]
fn given_synapses_are_exactly_the_listed_ones() {
    use snn_sim::network::{Connection, Connectivity, NetRecord, Network, Source, Synapse};
    let lif = snn_sim::LifParams::builder().t_ref(0.0).build().unwrap();
    let drawn = |given: Option<&[(usize, usize)]>| {
        let mut b = Network::builder();
        b.dt(0.1).unwrap();
        let s = b.source("in", Source::poisson(20, 80.0)).unwrap();
        let a = b.population("a", &lif, 15).unwrap();
        let conn = Connection::new(Synapse::Delta { w: 4.0 }, Connectivity::Probability(0.3));
        match given {
            None => b.connect(s, a, conn).unwrap(),
            Some(pairs) => b.connect_pairs(s, a, conn, pairs).unwrap(),
        }
        b.build(4).unwrap()
    };
    let mut by_rule = drawn(None);
    let mut pairs = by_rule.description().synapse_pairs(0).unwrap();
    assert!(pairs.len() > 40 && pairs.len() < 200, "{}", pairs.len());
    pairs.reverse(); // any order
    let mut listed = drawn(Some(&pairs));
    pairs.reverse();
    assert_eq!(listed.description().synapse_pairs(0).unwrap(), pairs);
    assert_eq!(
        listed.description().projection(0).unwrap().connectivity(),
        Connectivity::Given
    );
    let rec = NetRecord::spikes();
    let (x, y) = (
        by_rule.run(2000, &rec).unwrap(),
        listed.run(2000, &rec).unwrap(),
    );
    assert_eq!(x.populations()[1].spikes(), y.populations()[1].spikes());
    assert!(x.populations()[1].spikes().len() > 10);

    let mut b = Network::builder();
    b.dt(0.1).unwrap();
    let s = b.source("in", Source::poisson(3, 10.0)).unwrap();
    let a = b.population("a", &lif, 2).unwrap();
    let c = || Connection::new(Synapse::Delta { w: 1.0 }, Connectivity::AllToAll);
    let e = b
        .connect_pairs(s, a, c(), &[(0, 2)])
        .unwrap_err()
        .to_string();
    assert!(e.contains("synapse target"), "{e}");
    let e = b
        .connect_pairs(s, a, c(), &[(0, 1), (0, 1)])
        .unwrap_err()
        .to_string();
    assert!(e.contains("pairs"), "{e}");
    let e = b
        .connect_pairs(a, a, c(), &[(1, 1)])
        .unwrap_err()
        .to_string();
    assert!(e.contains("itself"), "{e}");
    let given = Connection::new(Synapse::Delta { w: 1.0 }, Connectivity::Given);
    let e = b.connect(s, a, given).unwrap_err().to_string();
    assert!(e.contains("connect_pairs"), "{e}");
}
