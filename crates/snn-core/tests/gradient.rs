//! Backpropagation through time against an independent derivation: forward-mode tangents,
//! propagated through the model's own equations step by step (one parameter at a time, the
//! surrogate standing in for dH/dv, no derivative through the reset), must give the gradient
//! the hand-written backward pass gives, to 1e-9. A wrong sign, a gradient through the reset
//! or an off-by-one in time in the backward pass each fails it (the mutants below).

use snn_core::gradient::{initial, Layer, Readout, SpikingNet, Surrogate};
use snn_core::ndarray::{Array1, Array2};
use snn_core::rand::Rng;
use snn_core::rng;

/// dL/dθ for the parameter `(layer, row, col)` (`col < n_in`: a weight, `col == n_in`: the
/// bias, `col = n_in + 1 + f`: the recurrent weight from neuron `f`) by forward-mode
/// tangents: (value, tangent) pairs through `v_t = β v_{t−1} + I_t − θ s_{t−1}` with
/// `I_t = W x_t + b + W_rec s_{t−1}` (no tangent through the reset's s_{t−1}; the recurrent
/// input's does carry one), `ṡ_t = σ'(v_t − θ) v̇_t`, then the readout: `c = Σ s_t` or, for
/// the max-membrane readout, `m = max_t v_t` with `ṁ = v̇` at the first step of the maximum;
/// `L = mean −log softmax(·)[y]`.
fn tangent(net: &SpikingNet, x: &Array2<f64>, y: &[usize], p: (usize, usize, usize)) -> f64 {
    let steps = net.steps();
    let last = net.layers().len() - 1;
    let integrator = net.readout() == Readout::MaxMembrane;
    let mut total = 0.0;
    for (i, row) in x.rows().into_iter().enumerate() {
        // Per layer, per step: the spikes and their tangents.
        let mut s_in: Vec<Vec<f64>> = vec![row.to_vec(); steps];
        let mut ds_in: Vec<Vec<f64>> = vec![vec![0.0; row.len()]; steps];
        let (mut score, mut dscore) = (Vec::new(), Vec::new());
        for (l, layer) in net.layers().iter().enumerate() {
            let (n, n_in) = layer.w.dim();
            let (mut v, mut dv) = (vec![0.0; n], vec![0.0; n]);
            let (mut s_prev, mut ds_prev) = (vec![0.0; n], vec![0.0; n]);
            let (mut s_out, mut ds_out) = (Vec::new(), Vec::new());
            let (mut peak, mut dpeak) = (vec![f64::NEG_INFINITY; n], vec![0.0; n]);
            for t in 0..steps {
                let (mut st, mut dst) = (vec![0.0; n], vec![0.0; n]);
                for j in 0..n {
                    let mut cur = layer.b.as_ref().map_or(0.0, |b| b[j]);
                    let mut dcur = 0.0;
                    for f in 0..n_in {
                        cur += layer.w[[j, f]] * s_in[t][f];
                        dcur += layer.w[[j, f]] * ds_in[t][f];
                        if p == (l, j, f) {
                            dcur += s_in[t][f];
                        }
                    }
                    if p == (l, j, n_in) {
                        dcur += 1.0;
                    }
                    if let Some(r) = &layer.w_rec {
                        for f in 0..n {
                            cur += r[[j, f]] * s_prev[f];
                            dcur += r[[j, f]] * ds_prev[f];
                            if p == (l, j, n_in + 1 + f) {
                                dcur += s_prev[f];
                            }
                        }
                    }
                    v[j] = layer.beta * v[j] + cur - layer.threshold * s_prev[j];
                    dv[j] = layer.beta * dv[j] + dcur;
                    if integrator && l == last {
                        if v[j] > peak[j] {
                            (peak[j], dpeak[j]) = (v[j], dv[j]);
                        }
                        continue;
                    }
                    st[j] = if v[j] > layer.threshold { 1.0 } else { 0.0 };
                    dst[j] = net.surrogate().grad(v[j] - layer.threshold) * dv[j];
                }
                s_prev = st.clone();
                ds_prev = dst.clone();
                s_out.push(st);
                ds_out.push(dst);
            }
            (score, dscore) = if integrator && l == last {
                (peak, dpeak)
            } else {
                let c = (0..n).map(|j| s_out.iter().map(|s| s[j]).sum()).collect();
                let dc = (0..n).map(|j| ds_out.iter().map(|s| s[j]).sum()).collect();
                (c, dc)
            };
            s_in = s_out;
            ds_in = ds_out;
        }
        let k = net.outputs();
        let m = score.iter().cloned().fold(f64::MIN, f64::max);
        let z: f64 = score.iter().map(|v| (v - m).exp()).sum();
        let soft: Vec<f64> = score.iter().map(|v| (v - m).exp() / z).collect();
        // d(−log softmax(c)[y]) = Σ_j (softmax_j − [j = y]) dc_j
        total += (0..k)
            .map(|j| (soft[j] - f64::from(u8::from(j == y[i]))) * dscore[j])
            .sum::<f64>();
    }
    total / x.nrows() as f64
}

fn random_net(sizes: &[usize], bias: bool, surrogate: Surrogate, seed: u64) -> SpikingNet {
    let mut g = rng(seed);
    let layers = sizes
        .windows(2)
        .enumerate()
        .map(|(l, w)| Layer {
            w: Array2::from_shape_fn((w[1], w[0]), |_| g.gen_range(-1.0..1.5)),
            w_rec: None,
            b: (bias || l == 0).then(|| Array1::from_shape_fn(w[1], |_| g.gen_range(-0.3..0.6))),
            beta: [0.9, 0.75, 1.0][l % 3],
            threshold: [1.0, 0.7, 1.3][l % 3],
        })
        .collect();
    SpikingNet::new(layers, 12, surrogate).unwrap()
}

fn compare(net: &SpikingNet, x: &Array2<f64>, y: &[usize]) -> (usize, f64) {
    let (_, grads, scores) = net.loss_and_gradients(x.view(), y).unwrap();
    assert!(
        scores.iter().any(|&c| c != 0.0),
        "the output layer must fire (or move) for the check to mean anything"
    );
    let (mut checked, mut worst) = (0, 0.0f64);
    for (l, layer) in net.layers().iter().enumerate() {
        let (dw, db) = &grads.layers[l];
        let (n, n_in) = layer.w.dim();
        let rec = grads.recurrent[l].as_ref();
        for j in 0..n {
            for f in 0..=n_in + n {
                let got = if f < n_in {
                    dw[[j, f]]
                } else if f == n_in {
                    match db {
                        Some(db) => db[j],
                        None => continue,
                    }
                } else if let Some(r) = rec {
                    r[[j, f - n_in - 1]]
                } else {
                    continue;
                };
                let want = tangent(net, x, y, (l, j, f));
                let err = (got - want).abs() / want.abs().max(1e-12);
                assert!(
                    (got - want).abs() <= 1e-9 * want.abs().max(1e-9),
                    "layer {l}, [{j}, {f}]: backward {got}, tangents {want}"
                );
                worst = worst.max(if want.abs() > 1e-12 { err } else { 0.0 });
                checked += 1;
            }
        }
    }
    (checked, worst)
}

#[test]
fn backward_equals_forward_mode_tangents() {
    let mut g = rng(11);
    let mut nonzero = 0usize;
    for (seed, sizes, bias, surrogate) in [
        (
            1,
            vec![3, 5, 4],
            true,
            Surrogate::FastSigmoid { slope: 25.0 },
        ),
        (
            2,
            vec![4, 6, 5, 3],
            false,
            Surrogate::FastSigmoid { slope: 5.0 },
        ),
        (3, vec![2, 7, 3], true, Surrogate::Atan { alpha: 2.0 }),
    ] {
        let net = random_net(&sizes, bias, surrogate, seed);
        let x = Array2::from_shape_fn((6, sizes[0]), |_| g.gen_range(-0.5..2.0));
        let y: Vec<usize> = (0..6).map(|i| i % sizes[sizes.len() - 1]).collect();
        let (checked, _) = compare(&net, &x, &y);
        let (_, grads, _) = net.loss_and_gradients(x.view(), &y).unwrap();
        nonzero += grads
            .layers
            .iter()
            .map(|(w, _)| w.iter().filter(|v| v.abs() > 1e-12).count())
            .sum::<usize>();
        assert!(checked >= 30, "{checked}");
    }
    // Most gradients are not zero: the check compared numbers, not zeros with zeros.
    assert!(nonzero > 80, "{nonzero} nonzero weight gradients");
}

#[test]
fn a_sample_exactly_at_threshold_and_a_layer_that_never_fires() {
    // One input of 1 into a neuron with weight 1 and threshold 1: v_1 = 1 exactly, which does
    // not spike (H(0) = 0) but has the surrogate's full slope.
    let layers = vec![
        Layer {
            w: Array2::from_shape_vec((2, 1), vec![1.0, -3.0]).unwrap(),
            w_rec: None,
            b: None,
            beta: 1.0,
            threshold: 1.0,
        },
        Layer {
            w: Array2::from_shape_vec((2, 2), vec![2.5, 0.5, -1.0, 0.3]).unwrap(),
            w_rec: None,
            b: Some(Array1::from(vec![0.2, 1.2])),
            beta: 0.9,
            threshold: 1.0,
        },
    ];
    let net = SpikingNet::new(layers, 6, Surrogate::FastSigmoid { slope: 10.0 }).unwrap();
    let x = Array2::from_shape_vec((2, 1), vec![1.0, 0.999_999]).unwrap();
    let pass = net.forward(&[1.0]).unwrap();
    assert_eq!(pass.v[0][0], 1.0);
    assert_eq!(pass.s[0][0], 0.0, "v = threshold does not spike");
    assert!(
        pass.s[0].iter().skip(1).step_by(2).all(|&s| s == 0.0),
        "neuron 1 never fires"
    );
    compare(&net, &x, &[0, 1]);
}

#[test]
fn bad_models_and_data_are_refused_by_name() {
    let l = |rows, cols| Layer {
        w: Array2::zeros((rows, cols)),
        w_rec: None,
        b: None,
        beta: 0.9,
        threshold: 1.0,
    };
    let s = Surrogate::FastSigmoid { slope: 25.0 };
    let e = SpikingNet::new(vec![l(3, 2), l(2, 4)], 5, s)
        .unwrap_err()
        .to_string();
    assert!(e.contains("layer inputs"), "{e}");
    let mut bad = l(3, 2);
    bad.beta = 1.5;
    assert!(SpikingNet::new(vec![bad], 5, s)
        .unwrap_err()
        .to_string()
        .contains("beta"));
    assert!(SpikingNet::new(vec![l(3, 2)], 0, s).is_err());
    let e = SpikingNet::new(vec![l(3, 2)], 5, Surrogate::FastSigmoid { slope: 0.0 })
        .unwrap_err()
        .to_string();
    assert!(e.contains("slope"), "{e}");
    let net = SpikingNet::new(vec![l(3, 2)], 5, s).unwrap();
    let x = Array2::zeros((2, 2));
    assert!(net
        .loss_and_gradients(x.view(), &[0, 3])
        .unwrap_err()
        .to_string()
        .contains("label"));
    assert!(net.loss_and_gradients(x.view(), &[0]).is_err());
    let nan = Array2::from_elem((1, 2), f64::NAN);
    assert!(net.loss_and_gradients(nan.view(), &[0]).is_err());
}

#[test]
fn the_digits_are_the_uci_set_as_scikit_learn_ships_it() {
    let d = snn_core::Blobs::digits().unwrap();
    assert_eq!(d.x().dim(), (1797, 64));
    let mut per_class = [0usize; 10];
    for &c in d.y() {
        per_class[c] += 1;
    }
    // scikit-learn's load_digits: 178, 182, 177, 183, 181, 182, 181, 179, 174, 180.
    assert_eq!(
        per_class,
        [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]
    );
    assert_eq!(d.x().sum(), 561_718.0);
    let first: Vec<f64> = d.x().row(0).iter().take(8).copied().collect();
    assert_eq!(first, vec![0.0, 0.0, 5.0, 13.0, 9.0, 1.0, 0.0, 0.0]);
    assert_eq!(d.y()[0], 0);
    assert!(d.x().iter().all(|&p| (0.0..=16.0).contains(&p)));
    assert_eq!(d.class_names()[9], "9");
}

/// A recurrent hidden layer: its spikes of step t − 1 feed it at step t, and their tangents
/// carry the gradient back through the recurrent weights (not through the reset).
#[test]
fn recurrent_layers_and_the_max_membrane_readout_equal_tangents() {
    let mut g = rng(21);
    let mut recurrent_nonzero = 0usize;
    for (seed, sizes, readout) in [
        (4, vec![3, 6, 4], Readout::SpikeCount),
        (5, vec![4, 5, 5, 3], Readout::SpikeCount),
        (6, vec![3, 6, 4], Readout::MaxMembrane),
        (7, vec![2, 5, 3], Readout::MaxMembrane),
    ] {
        let mut net = random_net(&sizes, true, Surrogate::FastSigmoid { slope: 8.0 }, seed);
        let last = sizes.len() - 2;
        let layers: Vec<Layer> = net
            .layers()
            .iter()
            .enumerate()
            .map(|(l, layer)| {
                let n = layer.w.nrows();
                let mut layer = layer.clone();
                if l < last {
                    layer.w_rec = Some(Array2::from_shape_fn((n, n), |_| g.gen_range(-0.8..0.8)));
                }
                layer
            })
            .collect();
        net = SpikingNet::new(layers, net.steps(), net.surrogate())
            .unwrap()
            .with_readout(readout)
            .unwrap();
        let x = Array2::from_shape_fn((5, sizes[0]), |_| g.gen_range(-0.5..2.0));
        let y: Vec<usize> = (0..5).map(|i| i % sizes[sizes.len() - 1]).collect();
        let (checked, worst) = compare(&net, &x, &y);
        assert!(checked >= 40, "{checked}");
        assert!(worst < 1e-9, "{worst}");
        let (_, grads, _) = net.loss_and_gradients(x.view(), &y).unwrap();
        recurrent_nonzero += grads
            .recurrent
            .iter()
            .flatten()
            .map(|r| r.iter().filter(|v| v.abs() > 1e-12).count())
            .sum::<usize>();
    }
    // The recurrent gradients compared were numbers, not zeros.
    assert!(recurrent_nonzero > 60, "{recurrent_nonzero}");
}

/// The max-membrane readout never fires, so it cannot feed spikes back; and a NIR export
/// refuses what NIR's readers would not run.
#[test]
fn a_recurrent_readout_is_refused() {
    let net = random_net(&[2, 3], true, Surrogate::FastSigmoid { slope: 5.0 }, 1);
    let mut layers = net.layers().to_vec();
    layers[0].w_rec = Some(Array2::zeros((3, 3)));
    let e = SpikingNet::new(layers.clone(), 4, net.surrogate())
        .unwrap()
        .with_readout(Readout::MaxMembrane)
        .unwrap_err()
        .to_string();
    assert!(e.contains("readout"), "{e}");
    layers[0].w_rec = Some(Array2::zeros((3, 2)));
    let e = SpikingNet::new(layers, 4, net.surrogate())
        .unwrap_err()
        .to_string();
    assert!(e.contains("recurrent weights"), "{e}");
}

/// f32 runs the same equations: on a well-conditioned batch its loss and gradients are f64's
/// to float32 rounding, and training in f32 learns the digits as f64 does.
#[test]
fn f32_follows_f64() {
    let net = random_net(&[4, 8, 3], true, Surrogate::FastSigmoid { slope: 2.0 }, 9);
    let net32: SpikingNet<f32> = net.cast();
    let mut g = rng(5);
    let x = Array2::from_shape_fn((16, 4), |_| g.gen_range(0.0..1.0));
    let y: Vec<usize> = (0..16).map(|i| i % 3).collect();
    let (l64, g64, c64) = net.loss_and_gradients(x.view(), &y).unwrap();
    let (l32, g32, c32) = net32
        .loss_and_gradients(x.mapv(|v| v as f32).view(), &y)
        .unwrap();
    // Spike decisions can flip where v is within rounding of θ: count them, and compare the
    // gradients only when none did.
    let flips = c64
        .iter()
        .zip(c32.iter())
        .filter(|(a, b)| **a != f64::from(**b))
        .count();
    assert_eq!(flips, 0, "no count differs on this batch");
    assert!((l64 - f64::from(l32)).abs() < 1e-5, "{l64} {l32}");
    let (a, b): (Vec<f64>, Vec<f64>) = g64.values().zip(g32.values().map(f64::from)).unzip();
    let scale = a.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    assert!(scale > 1e-3);
    for (u, v) in a.iter().zip(&b) {
        assert!((u - v).abs() <= 1e-4 * scale, "{u} {v}");
    }
    let mut r = rng(3);
    let d = snn_core::Blobs::digits().unwrap();
    let x: Array2<f32> = d
        .x()
        .slice(snn_core::ndarray::s![..600, ..])
        .mapv(|p| p as f32 / 16.0);
    let y = &d.y()[..600];
    let sur = Surrogate::FastSigmoid { slope: 25.0 };
    let mut net: SpikingNet<f32> =
        initial(&[64, 40, 10], false, 0.9, 1.0, 10, sur, &mut r).unwrap();
    let mut r64 = rng(3);
    let mut net64: SpikingNet = initial(&[64, 40, 10], false, 0.9, 1.0, 10, sur, &mut r64).unwrap();
    let how = snn_core::gradient::GradTraining::new(4, 32, 5e-3).unwrap();
    let h = net.fit(x.view(), y, None, &how, &mut r).unwrap();
    let h64 = net64
        .fit(x.mapv(f64::from).view(), y, None, &how, &mut r64)
        .unwrap();
    assert!(h.train_accuracy[3] > 0.75, "{:?}", h.train_accuracy);
    assert!(
        (h.train_accuracy[3] - h64.train_accuracy[3]).abs() < 0.05,
        "f32 {:?}, f64 {:?}",
        h.train_accuracy,
        h64.train_accuracy
    );
    assert!(h.loss[3] < h.loss[0], "{:?}", h.loss);
}

/// `backprop` is the batch of one, and a weight's gradient is the sum of what each step adds.
#[test]
fn one_sample_back_through_time_sums_to_its_gradient() {
    let net = random_net(&[3, 6, 4], true, Surrogate::FastSigmoid { slope: 5.0 }, 12);
    let x = [1.2, 0.4, 1.7];
    let bp = net.backprop(&x, 2).unwrap();
    let batch = Array2::from_shape_vec((1, 3), x.to_vec()).unwrap();
    let (loss, grads, scores) = net.loss_and_gradients(batch.view(), &[2]).unwrap();
    assert_eq!(bp.loss, loss);
    assert_eq!(bp.grads, grads);
    assert_eq!(bp.scores, scores.row(0).to_vec());
    let mut checked = 0;
    for (l, j, f) in [(0, 1, 2), (0, 5, 0), (1, 0, 3), (1, 3, 5), (1, 2, 1)] {
        let steps = bp.weight_gradient_in_time(&net, &x, (l, j, f)).unwrap();
        assert_eq!(steps.len(), net.steps());
        let sum: f64 = steps.iter().sum();
        let want = grads.layers[l].0[[j, f]];
        assert!(
            (sum - want).abs() <= 1e-12 * want.abs().max(1e-12),
            "{sum} {want}"
        );
        checked += usize::from(want.abs() > 1e-9);
    }
    assert!(checked >= 3, "{checked} nonzero");
    assert!(bp.weight_gradient_in_time(&net, &x, (2, 0, 0)).is_err());
    assert!(bp.weight_gradient_in_time(&net, &x, (1, 4, 0)).is_err());
    assert!(net.backprop(&x, 4).is_err());
    let trains = bp.pass.spike_trains(0, 6).unwrap();
    let spikes: f64 = bp.pass.s[0].iter().sum();
    assert_eq!(trains.len() as f64, spikes);
}
