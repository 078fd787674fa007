#!/usr/bin/env python3
"""Our NIR files, checked by the reference implementation and by NIR's own equations.

For blobs (seeds 42 and 7) and Iris (seeds 1 to 20), `snn classify --nir F --predictions P`
trains the spiking classifier (current encoding) and writes its NIR graph and its decision on
every sample. Then:

1. `nir.read(F, type_check=True)` (the `nir` package, pinned in scripts/lib/requirements-lab.lock)
   loads the file with its type checks on.
2. A simulation of the loaded graph in numpy, written from NIR's published equations (Affine:
   I = W x + b; LIF: tau dv/dt = (v_leak - v) + r I, a spike when v > v_threshold, then
   v = v_reset; IF: dv/dt = r I), discretised with forward Euler at the graph's `dt` for its
   `steps`, decides each sample by the most output spikes (ties: the higher v, as the
   classifier's default mode decides them). Its decisions
   must agree with the classifier's on at least 99 % of all samples. The same simulation with
   exact integration (v relaxes to v_leak + r I by e^(-dt/tau) per step) is reported beside it:
   the discretisation caveat of docs/nir.md, measured.
3. A feed-forward network (crates/snn-nir/examples/network_chain.rs: Poisson sources, LIF with
   delta synapses, CubaLIF with current synapses), written by `snn_nir::from_network`, loads with
   `nir.read` (type checks on) as Input, Linear, LIF, Linear, CubaLIF, Output; the example itself
   checks that the network read back fires the same spikes.
4. A file written by the reference `nir.write` (gzip-compressed float32 arrays, no metadata,
   as another tool would write it) from the same parameters is read back by `snn nir predict`,
   which must decide every sample as the numpy simulation of that file does (ties to the lowest
   index: a graph without our metadata is decided as snnTorch decides).

Prints the figures; exits 1 if a check fails. Run by scripts/test (in the project's venv).
"""
import csv
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import nir

ROOT = Path(__file__).resolve().parents[2]
SNN = ROOT / "target" / "release" / "snn"


def chain(graph):
    """The nodes from the Input to the Output, following the edges."""
    start = [k for k, n in graph.nodes.items() if isinstance(n, nir.Input)]
    assert len(start) == 1, "one Input node"
    out, at = [], start[0]
    while True:
        out.append(graph.nodes[at])
        nxt = [b for a, b in graph.edges if a == at]
        if not nxt:
            return out
        assert len(nxt) == 1, "a chain"
        at = nxt[0]


def simulate(graph, x, dt, steps, exact=False, ties="membrane"):
    """Decisions of a chain Input -> Affine/Linear -> LIF/IF -> Output for the rows of x."""
    nodes = chain(graph)
    assert isinstance(nodes[0], nir.Input) and isinstance(nodes[-1], nir.Output)
    layer, neuron = nodes[1], nodes[2]
    w = np.asarray(layer.weight, dtype=np.float64)
    b = np.asarray(layer.bias, dtype=np.float64) if isinstance(layer, nir.Affine) else 0.0
    current = x @ w.T + b  # held over the window
    if isinstance(neuron, nir.LIF):
        tau, r, v_leak = (np.asarray(a, dtype=np.float64) for a in (neuron.tau, neuron.r, neuron.v_leak))
    elif isinstance(neuron, nir.IF):
        r = np.asarray(neuron.r, dtype=np.float64)
        tau, v_leak = None, 0.0
    else:
        raise ValueError(f"unexpected neuron node {type(neuron).__name__}")
    v_th = np.asarray(neuron.v_threshold, dtype=np.float64)
    v_reset = np.asarray(neuron.v_reset, dtype=np.float64)
    v = np.zeros_like(current) + v_leak
    counts = np.zeros_like(current)
    for _ in range(steps):
        if tau is None:
            v = v + dt * r * current
        elif exact:
            target = v_leak + r * current
            v = target + (v - target) * np.exp(-dt / tau)
        else:
            v = v + dt / tau * (v_leak - v + r * current)
        z = v > v_th
        counts += z
        v = np.where(z, v_reset, v)
    # The most spikes; ties by the higher v, then the lowest index (our subtract mode), or by
    # the lowest index alone (a graph from another tool: snnTorch's argmax).
    best = []
    for c, vv in zip(counts, v):
        order = sorted(range(len(c)), key=lambda j: (-c[j], -vv[j] if ties == "membrane" else 0, j))
        best.append(order[0])
    return np.array(best)


def classify(dataset, seed, tmp):
    f, p = Path(tmp) / f"{dataset}-{seed}.nir", Path(tmp) / f"{dataset}-{seed}.csv"
    cmd = [str(SNN), "classify", "--dataset", dataset, "--seed", str(seed),
           "--nir", str(f), "--predictions", str(p)]
    out = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)
    rows = list(csv.DictReader(open(p)))
    feats = [k for k in rows[0] if k.startswith("x")]
    x = np.array([[float(r[k]) for k in feats] for r in rows])
    ours = np.array([int(r["predicted"]) for r in rows])
    return f, x, ours, out


def foreign_copy(graph, path):
    """The graph as another tool would write it: float32, no metadata, gzip (nir.write's
    default)."""
    nodes = {}
    for k, n in graph.nodes.items():
        if isinstance(n, nir.Affine):
            nodes[k] = nir.Affine(weight=n.weight.astype(np.float32), bias=n.bias.astype(np.float32))
        elif isinstance(n, nir.LIF):
            nodes[k] = nir.LIF(tau=n.tau.astype(np.float32), r=n.r.astype(np.float32),
                               v_leak=n.v_leak.astype(np.float32),
                               v_threshold=n.v_threshold.astype(np.float32),
                               v_reset=n.v_reset.astype(np.float32))
        elif isinstance(n, nir.IF):
            nodes[k] = nir.IF(r=n.r.astype(np.float32), v_threshold=n.v_threshold.astype(np.float32),
                              v_reset=n.v_reset.astype(np.float32))
        else:
            nodes[k] = n
    g = nir.NIRGraph(nodes=nodes, edges=list(graph.edges))
    nir.write(path, g)
    return nir.read(path)


def main():
    if not SNN.exists():
        subprocess.run(["cargo", "build", "--release", "--locked", "-q", "-p", "snn-cli"], check=True, cwd=ROOT)
    cases = [("blobs", s) for s in (42, 7)] + [("iris", s) for s in range(1, 21)]
    total = agree = agree_exact = foreign_total = foreign_agree = 0
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        for dataset, seed in cases:
            f, x, ours, _ = classify(dataset, seed, tmp)
            g = nir.read(f, type_check=True)
            version = nir.serialization.read_version(f)
            if version != nir.version:
                problems.append(f"{f.name}: version {version!r}, the reader is {nir.version!r}")
            dt = float(np.asarray(g.metadata["dt"]))
            steps = int(np.asarray(g.metadata["steps"]))
            euler = simulate(g, x, dt, steps)
            exact = simulate(g, x, dt, steps, exact=True)
            total += len(ours)
            agree += int((euler == ours).sum())
            agree_exact += int((exact == ours).sum())
            # A file from the reference writer, read by ours.
            ff = Path(tmp) / f"foreign-{dataset}-{seed}.nir"
            fg = foreign_copy(g, ff)
            want = simulate(fg, x, 1e-4, 100, ties="index")
            args = [str(SNN), "nir", "predict", str(ff), "--dataset", dataset]
            if dataset == "blobs":
                args += ["--seed", str(seed)]
            got = np.array(json.loads(subprocess.run(args, check=True, capture_output=True,
                                                     text=True).stdout)["predicted"])
            foreign_total += len(got)
            foreign_agree += int((got == want).sum())
        net_file = Path(tmp) / "chain.nir"
        subprocess.run(["cargo", "run", "--release", "--locked", "-q", "-p", "snn-nir", "--example",
                        "network_chain", "--", str(net_file)], check=True, cwd=ROOT, capture_output=True)
        ng = nir.read(net_file, type_check=True)
        kinds = [type(ng.nodes[k]).__name__ for k in ("input", "linear1", "pop1", "linear2", "pop2", "output")]
        if kinds != ["Input", "Linear", "LIF", "Linear", "CubaLIF", "Output"]:
            problems.append(f"network file: nodes {kinds}")
        print(f"a feed-forward network ({' -> '.join(kinds)}) loaded by nir.read with type checks on")
    share = agree / total
    print(f"nir.read (nir {nir.version}, type checks on) loaded all {len(cases)} files")
    print(f"numpy from NIR's equations, forward Euler at the file's dt: same decision as the classifier "
          f"on {agree}/{total} samples ({100 * share:.2f} %)")
    print(f"the same with exact integration (an importer that does not use forward Euler): "
          f"{agree_exact}/{total} ({100 * agree_exact / total:.2f} %)")
    print(f"files from the reference nir.write (float32, gzip, no metadata) read by `snn nir predict`: "
          f"{foreign_agree}/{foreign_total} decisions as numpy's ({100 * foreign_agree / foreign_total:.2f} %)")
    if share < 0.99:
        problems.append(f"numpy agreement {share:.4f} < 0.99")
    if foreign_agree / foreign_total < 0.999:
        problems.append(f"foreign files: {foreign_agree}/{foreign_total} < 99.9 %")
    for p in problems:
        print("FAIL:", p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
