//! Shared by the NIR tests: a simulation written from NIR's published equations.

use ndarray::Array1;
use snn_nir::{NirGraph, Node};

/// NIR's LIF under forward Euler, written from its equations: `v ← v + dt/tau·(v_leak − v +
/// r·I)`, a spike when `v > v_threshold`, then `v = v_reset`; IF: `v ← v + dt·r·I`.
pub fn nir_euler(g: &NirGraph, x: &[f64], dt: f64, steps: usize) -> (Vec<u32>, Vec<f64>) {
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
