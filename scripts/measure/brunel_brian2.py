"""The Brunel (2000) network in Brian2, the same model as `snn network` (snn_core::network::Brunel).

N_E = 10,000 * scale excitatory and N_I = N_E / 4 inhibitory LIF neurons (tau 20 ms, theta 20 mV,
V_r 10 mV, tau_rp 2 ms, potentials relative to rest, exact integration), each receiving exactly
C_E = 0.1 N_E excitatory and C_I = 0.1 N_I inhibitory synapses (no autapses), delta synapses of
J = 0.1 mV / scale and -g J with delay D = 1.5 ms, and C_E external Poisson inputs of rate
nu_ext = nu_ratio * nu_thr each. As in snn-core (and in Brunel's paper), a refractory neuron is
insensitive: input that arrives while it is held is lost (`int(not_refractory_post)`).

Prints one JSON object per run, with the keys of `snn network`: rate_hz, cv_isi, synchrony
(coefficient of variation of the population spike count in 1 ms bins), synaptic_events and
seconds (wall time of the simulation alone, as Brian2's profiling reports it for cpp_standalone;
the whole `run` for the runtime targets, without code generation of the first call).

Usage: python brunel_brian2.py --g 5 --nu-ratio 2 [--scale 1] [--duration-ms 1000] [--skip-ms 0]
                               [--device cpp_standalone|cython|numpy] [--seed 1]
"""

import argparse
import json
import os
import shutil
import sys
import tempfile
import time

import numpy as np


def stats(i_idx, t_steps, n, steps):
    """Mean rate (Hz), mean ISI CV over neurons with >= 3 spikes, synchrony (CV of the
    population count in 10-step bins), from spike indices and integer steps (from the start
    of the measured window)."""
    dt_s = 1e-4
    rate = len(i_idx) / (n * steps * dt_s)
    order = np.lexsort((t_steps, i_idx))
    i_sorted, t_sorted = i_idx[order], t_steps[order]
    cvs = []
    bounds = np.flatnonzero(np.diff(i_sorted)) + 1
    for chunk in np.split(t_sorted, bounds):
        if len(chunk) >= 3:
            isi = np.diff(chunk).astype(float)
            cvs.append(isi.std() / isi.mean())
    counts = np.bincount(t_steps // 10, minlength=steps // 10)[: steps // 10].astype(float)
    sync = counts.std() / counts.mean() if counts.mean() > 0 else None
    return rate, (float(np.mean(cvs)) if cvs else None), sync


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--g", type=float, required=True)
    ap.add_argument("--nu-ratio", type=float, required=True)
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--duration-ms", type=float, default=1000.0)
    ap.add_argument("--skip-ms", type=float, default=0.0)
    ap.add_argument("--device", default="cpp_standalone", choices=["cpp_standalone", "cython", "numpy"])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--plain", action="store_true",
                    help="Brian2's usual form, `v += J` with `(unless refractory)`, without the "
                         "`int(not_refractory)` gate. In Brian2 2.9 it gives exactly the same spikes "
                         "as the gated form for the same seed (checked at scales 0.1 and 1), so the "
                         "gate costs nothing in results; it is kept to state the model explicitly.")
    a = ap.parse_args()

    import brian2 as b2
    from brian2 import ms, mV, Hz

    build_dir = None
    if a.device == "cpp_standalone":
        build_dir = tempfile.mkdtemp(prefix="brunel-brian2-")
        b2.set_device("cpp_standalone", directory=build_dir, build_on_run=False)
        b2.prefs.devices.cpp_standalone.openmp_threads = 0
    else:
        b2.prefs.codegen.target = a.device
    b2.seed(a.seed)
    b2.defaultclock.dt = 0.1 * ms

    n_e = int(round(10000 * a.scale))
    n_i = int(round(2500 * a.scale))
    c_e = int(round(0.1 * n_e))
    c_i = int(round(0.1 * n_i))
    # Not `j`: in Synapses code `j` is the target index.
    w_exc = 0.1 * 1000.0 / c_e * mV
    tau, theta, v_r, tau_rp, delay = 20 * ms, 20 * mV, 10 * mV, 2 * ms, 1.5 * ms
    nu_thr = theta / (w_exc * c_e * tau)
    nu_ext = a.nu_ratio * nu_thr
    w_inh = -a.g * w_exc

    neurons = b2.NeuronGroup(
        n_e + n_i,
        "dv/dt = -v/tau : volt (unless refractory)",
        threshold="v > theta",
        reset="v = v_r",
        refractory=tau_rp,
        method="exact",
    )
    neurons.v = "v_r + rand() * (theta - v_r)"
    exc, inh = neurons[:n_e], neurons[n_e:]
    gate = "" if a.plain else " * int(not_refractory_post)"
    syn_e = b2.Synapses(exc, neurons, on_pre="v_post += w_exc" + gate, delay=delay)
    syn_i = b2.Synapses(inh, neurons, on_pre="v_post += w_inh" + gate, delay=delay)
    # Fixed in-degree: for every target, c_e (c_i) distinct sources, no autapses.
    rng = np.random.default_rng(a.seed)
    for syn, n_src, c, offset in [(syn_e, n_e, c_e, 0), (syn_i, n_i, c_i, n_e)]:
        pre = np.empty((n_e + n_i) * c, dtype=np.int64)
        for t in range(n_e + n_i):
            choices = rng.choice(n_src - (1 if offset <= t < offset + n_src else 0), size=c, replace=False)
            if offset <= t < offset + n_src:
                own = t - offset
                choices = choices + (choices >= own)
            pre[t * c : (t + 1) * c] = choices
        post = np.repeat(np.arange(n_e + n_i), c)
        syn.connect(i=pre, j=post)
    ext = b2.PoissonInput(neurons, "v", c_e, nu_ext,
                          weight="w_exc" if a.plain else "w_exc * int(not_refractory)")
    mon = b2.SpikeMonitor(neurons)
    net = b2.Network(neurons, syn_e, syn_i, ext, mon)

    duration = a.duration_ms * ms
    start = time.perf_counter()
    net.run(duration)
    if a.device == "cpp_standalone":
        b2.device.build(directory=build_dir, compile=True, run=True, debug=False)
        # The simulation alone, as the standalone binary measured it.
        seconds = float(b2.device._last_run_time)
    else:
        seconds = time.perf_counter() - start

    steps_total = int(round(a.duration_ms / 0.1))
    skip = int(round(a.skip_ms / 0.1))
    i_all = np.asarray(mon.i[:])
    t_all = np.rint(np.asarray(mon.t[:] / ms) / 0.1).astype(np.int64)
    keep = t_all >= skip
    i_all, t_all = i_all[keep], t_all[keep] - skip
    steps = steps_total - skip
    exc_mask = i_all < n_e
    re, cve, se = stats(i_all[exc_mask], t_all[exc_mask], n_e, steps)
    ri, cvi, si = stats(i_all[~exc_mask] - n_e, t_all[~exc_mask], n_i, steps)
    # Every spike is delivered to each of its targets: the events of the measured window are
    # the out-degrees of its spikes, as `snn network` counts them.
    out_e = np.bincount(np.asarray(syn_e.i[:]), minlength=n_e)
    out_i = np.bincount(np.asarray(syn_i.i[:]), minlength=n_i)
    events = int(out_e[i_all[exc_mask]].sum() + out_i[i_all[~exc_mask] - n_e].sum())
    print(json.dumps({
        "simulator": f"Brian2 {b2.__version__} {a.device}" + (" (plain v += J)" if a.plain else ""),
        "rate_hz": {"e": re, "i": ri},
        "cv_isi": {"e": cve, "i": cvi},
        "synchrony": {"e": se, "i": si},
        "synaptic_events": events,
        "seconds": seconds,
        "neurons": n_e + n_i,
        "synapses": int(len(syn_e) + len(syn_i)),
        "g": a.g,
        "nu_ratio": a.nu_ratio,
        "scale": a.scale,
        "duration_ms": a.duration_ms,
        "skip_ms": a.skip_ms,
    }))
    if build_dir:
        shutil.rmtree(build_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
