"""Song, Miller & Abbott (2000) in Brian2: its `synapses/STDP` example, the same model as
`snn stdp song` (snn_core::network::Song).

One LIF neuron, dv/dt = (ge (E_exc - v) + E_L - v) / tau_m, dge/dt = -ge / tau_e (tau_m 10 ms,
E_L -74 mV, V_th -54 mV, V_reset -60 mV, E_exc 0, tau_e 5 ms, ge relative to the leak), driven by
N Poisson inputs at F Hz through plastic synapses (w uniform in [0, g_max], g_max = 0.01,
all-to-all pair STDP with tau_pre = tau_post = 20 ms, A+ = 0.01 g_max, A- = 1.05 A+). Optionally
the first --correlated inputs are correlated with coefficient c, as in snn-core's
Source::Correlated: each copies the spikes of a shared mother train (F Hz) with probability
sqrt(c) and adds its own at (1 - sqrt(c)) F; these trains are drawn with numpy and played by a
SpikeGeneratorGroup.

As in snn-core the neuron starts at E_L (the example leaves v at 0 mV, a spike in the first step).
Brian2 integrates with forward Euler (method='euler', as the example); snn-core integrates the
membrane exactly for the step's mean conductance.

Prints one JSON object with the keys of `snn stdp song`: w_over_wmax, output_rate_hz (over the
last tenth), fraction_below_0.1, fraction_above_0.9, mean_w_correlated/uncorrelated, seconds (the
simulation alone, as the standalone binary measured it).

Usage: python song_brian2.py [--duration-s 100] [--inputs 1000] [--rate-hz 15] [--seed 1]
                             [--correlated 0 --c 0] [--device cpp_standalone|cython|numpy]
"""

import argparse
import json
import shutil
import sys
import tempfile
import time

import numpy as np


def correlated_trains(n, rate_hz, c, duration_s, dt_s, rng):
    """Spike (index, step) arrays for n correlated Bernoulli trains (see the module doc)."""
    steps = int(round(duration_s / dt_s))
    p = rate_hz * dt_s
    q = np.sqrt(c)
    mother = np.flatnonzero(rng.random(steps) < p)
    idx, st = [], []
    for s in mother:
        who = np.flatnonzero(rng.random(n) < q)
        idx.append(who)
        st.append(np.full(len(who), s))
    # Each train's own spikes: geometric gaps at (1 - q) p.
    own_p = (1 - q) * p
    for i in range(n):
        if own_p <= 0:
            break
        k = rng.binomial(steps, own_p)
        s = np.sort(rng.choice(steps, size=k, replace=False))
        idx.append(np.full(k, i))
        st.append(s)
    idx = np.concatenate(idx) if idx else np.zeros(0, int)
    st = np.concatenate(st) if st else np.zeros(0, int)
    # One spike per train and step.
    key = np.unique(st.astype(np.int64) * n + idx)
    return (key % n).astype(int), (key // n).astype(int)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--duration-s", type=float, default=100.0)
    ap.add_argument("--inputs", type=int, default=1000)
    ap.add_argument("--rate-hz", type=float, default=15.0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--correlated", type=int, default=0)
    ap.add_argument("--c", type=float, default=0.0)
    ap.add_argument("--device", default="cpp_standalone", choices=["cpp_standalone", "cython", "numpy"])
    a = ap.parse_args()

    import brian2 as b2
    from brian2 import ms, mV, Hz, second

    build_dir = None
    if a.device == "cpp_standalone":
        build_dir = tempfile.mkdtemp(prefix="song-brian2-")
        b2.set_device("cpp_standalone", directory=build_dir, build_on_run=False)
        b2.prefs.devices.cpp_standalone.openmp_threads = 0
    else:
        b2.prefs.codegen.target = a.device
    b2.seed(a.seed)
    b2.defaultclock.dt = 0.1 * ms

    N = a.inputs
    taum, taupre, taupost = 10 * ms, 20 * ms, 20 * ms
    Ee, vt, vr, El, taue = 0 * mV, -54 * mV, -60 * mV, -74 * mV, 5 * ms
    F = a.rate_hz * Hz
    gmax = 0.01
    dApre = 0.01
    dApost = -dApre * taupre / taupost * 1.05
    dApost *= gmax
    dApre *= gmax

    eqs = """dv/dt = (ge * (Ee-v) + El - v) / taum : volt
             dge/dt = -ge / taue : 1"""
    neuron = b2.NeuronGroup(1, eqs, threshold="v>vt", reset="v = vr", method="euler")
    neuron.v = El
    model = """w : 1
               dApre/dt = -Apre / taupre : 1 (event-driven)
               dApost/dt = -Apost / taupost : 1 (event-driven)"""
    on_pre = """ge += w
                Apre += dApre
                w = clip(w + Apost, 0, gmax)"""
    on_post = """Apost += dApost
                 w = clip(w + Apre, 0, gmax)"""
    objs = [neuron]
    syns = []
    if a.correlated > 0:
        rng = np.random.default_rng(a.seed)
        idx, st = correlated_trains(a.correlated, a.rate_hz, a.c, a.duration_s, 1e-4, rng)
        gen = b2.SpikeGeneratorGroup(a.correlated, idx, st * 0.1 * ms)
        syns.append(b2.Synapses(gen, neuron, model, on_pre=on_pre, on_post=on_post))
        objs.append(gen)
    if N > a.correlated:
        inp = b2.PoissonGroup(N - a.correlated, rates=F)
        syns.append(b2.Synapses(inp, neuron, model, on_pre=on_pre, on_post=on_post))
        objs.append(inp)
    for s in syns:
        s.connect()
        s.w = "rand() * gmax"
    mon = b2.SpikeMonitor(neuron)
    net = b2.Network(*objs, *syns, mon)

    start = time.perf_counter()
    net.run(a.duration_s * second)
    if a.device == "cpp_standalone":
        b2.device.build(directory=build_dir, compile=True, run=True, debug=False)
        seconds = float(b2.device._last_run_time)
    else:
        seconds = time.perf_counter() - start

    w = np.concatenate([np.asarray(s.w[:]) for s in syns]) / gmax
    t = np.asarray(mon.t[:] / second)
    tail = a.duration_s / 10
    rate = float(np.sum(t >= a.duration_s - tail) / tail)
    out = {
        "simulator": f"Brian2 {b2.__version__} {a.device}",
        "w_over_wmax": [float(x) for x in w],
        "output_rate_hz": rate,
        "fraction_below_0.1": float(np.mean(w < 0.1)),
        "fraction_above_0.9": float(np.mean(w > 0.9)),
        "mean_w_correlated": float(w[: a.correlated].mean()) if a.correlated else None,
        "mean_w_uncorrelated": float(w[a.correlated:].mean()) if N > a.correlated else None,
        "output_spikes": int(len(t)),
        "seconds": seconds,
        "inputs": N,
        "duration_s": a.duration_s,
        "seed": a.seed,
    }
    print(json.dumps(out))
    if build_dir:
        shutil.rmtree(build_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
