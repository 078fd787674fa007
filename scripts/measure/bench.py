#!/usr/bin/env python3
"""Runs the benchmark workload (snn_core::bench, ../shared/NOTES.md) on our kernel, numpy
(float32 and float64) and Brian2 (cython runtime and cpp_standalone), on this machine in one
run; prints a table of neuron updates per second and the ratios to ours; checks that every
implementation produces the same spike totals (float64 exactly, float32 within 1e-4); writes
target/bench.json and a chart (docs/bench.svg) drawn with our own charts.

Workload: N independent neurons, v <- v*a + b_i with a = exp(-0.1/10),
b_i = (0.5 + 1.5*i/(N-1))*(1-a), spike when v > 1, reset to 0, 1,000 steps, v(0) = 0.
Timings are of the simulation loop only; each figure is the best of --repeats runs.
"""
import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
SNN = ROOT / "target" / "release" / "snn"
STEPS = 1000


def workload(n, dtype):
    a = math.exp(-0.1 / 10)
    b = (0.5 + 1.5 * np.arange(n) / max(n - 1, 1)) * (1 - a)
    return dtype(a), b.astype(dtype)


def ours(n, precision, extra=(), repeats=3):
    best, total = None, None
    for _ in range(repeats):
        out = subprocess.run([str(SNN), "bench", "--n", str(n), "--steps", str(STEPS), "--precision", precision, *extra],
                             check=True, capture_output=True, text=True).stdout
        d = json.loads(out)
        best = d["seconds"] if best is None else min(best, d["seconds"])
        total = d["total_spikes"]
    return best, total


def numpy_run(n, dtype, repeats=3):
    best, total = None, None
    for _ in range(repeats):
        a, b = workload(n, dtype)
        v = np.zeros(n, dtype=dtype)
        count = 0
        t = time.perf_counter()
        for _ in range(STEPS):
            v *= a
            v += b
            spk = v > 1
            v[spk] = 0
            count += int(np.count_nonzero(spk))
        s = time.perf_counter() - t
        best = s if best is None else min(best, s)
        total = count
    return best, total


BRIAN = r'''
import json, math, sys, time
import numpy as np
from brian2 import *
n, target, directory = int(sys.argv[1]), sys.argv[2], sys.argv[3]
prefs.logging.console_log_level = "ERROR"
if target == "cpp_standalone":
    set_device("cpp_standalone", directory=directory, build_on_run=False)
else:
    prefs.codegen.target = "cython"
defaultclock.dt = 0.1*ms
a = math.exp(-0.1 / 10)
G = NeuronGroup(n, "v : 1\nb : 1 (constant)", threshold="v > 1", reset="v = 0", method="exact")
G.b = (0.5 + 1.5 * np.arange(n) / (n - 1 if n > 1 else 1)) * (1 - a)
G.run_regularly("v = v*a + b", dt=defaultclock.dt, when="start")
M = SpikeMonitor(G, record=False)
if target == "cpp_standalone":
    run(1000 * defaultclock.dt)
    device.build(directory=directory, compile=True, run=True)
    seconds = device._last_run_time
else:
    run(10 * defaultclock.dt)          # compile and cache the code objects first
    G.v = 0
    start = M.num_spikes
    t = time.perf_counter()
    run(1000 * defaultclock.dt)
    seconds = time.perf_counter() - t
    total = int(M.num_spikes) - int(start)
if target == "cpp_standalone":
    total = int(M.num_spikes)
print(json.dumps({"seconds": seconds, "total_spikes": total}))
'''


def brian(n, target, repeats=2):
    best, total = None, None
    for _ in range(repeats):
        with tempfile.TemporaryDirectory() as d:
            out = subprocess.run([sys.executable, "-c", BRIAN, str(n), target, d], check=True,
                                 capture_output=True, text=True, cwd=d).stdout
        r = json.loads(out.strip().splitlines()[-1])
        best = r["seconds"] if best is None else min(best, r["seconds"])
        total = r["total_spikes"]
    return best, total


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000,10000,100000,1000000")
    ap.add_argument("--brian-sizes", default="1000,10000,100000")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--no-brian", action="store_true")
    ap.add_argument("--chart", default=str(ROOT / "docs" / "bench.svg"))
    args = ap.parse_args()
    sizes = [int(x) for x in args.sizes.split(",")]
    brian_sizes = [] if args.no_brian else [int(x) for x in args.brian_sizes.split(",")]

    impls = {
        "snn-core f32": lambda n: ours(n, "f32", repeats=args.repeats),
        "snn-core f64": lambda n: ours(n, "f64", repeats=args.repeats),
        "snn-core f32, 2 threads": lambda n: ours(n, "f32", ["--parallel"], args.repeats),
        "numpy float32": lambda n: numpy_run(n, np.float32, args.repeats),
        "numpy float64": lambda n: numpy_run(n, np.float64, args.repeats),
        "Brian2 cython": lambda n: brian(n, "cython"),
        "Brian2 cpp_standalone (main loop)": lambda n: brian(n, "cpp_standalone"),
    }
    results = {}
    problems = []
    for name, fn in impls.items():
        for n in sizes:
            if name.startswith("Brian2") and n not in brian_sizes:
                continue
            if "threads" in name and n < 65536:
                continue
            seconds, total = fn(n)
            results.setdefault(name, {})[n] = {"seconds": seconds, "total_spikes": total,
                                               "updates_per_second": n * STEPS / seconds}
            print(f"  {name:36s} N={n:>8d}: {n * STEPS / seconds:9.3e} updates/s, {total} spikes", flush=True)
    # The general LIF step (refractory counters, per-neuron current), ours only.
    general = {}
    for n in sizes:
        seconds, total = ours(n, "f32", ["--general"], args.repeats)
        general[n] = n * STEPS / seconds

    # Spike totals: float64 implementations must agree exactly, float32 within 1e-4.
    for n in sizes:
        ref = results["snn-core f64"][n]["total_spikes"]
        for name, rows in results.items():
            if n not in rows:
                continue
            got = rows[n]["total_spikes"]
            exact = "f64" in name or "float64" in name or "Brian2" in name
            ok = got == ref if exact else abs(got - ref) <= 1e-4 * ref
            if not ok:
                problems.append(f"{name} N={n}: {got} spikes, float64 reference {ref}")

    cols = ["N"] + list(results)
    print()
    print("Neuron updates per second (1,000 steps, one core unless marked; best of runs):")
    print("| " + " | ".join(cols) + " |")
    print("|" + "---|" * len(cols))
    for n in sizes:
        row = [f"{n:.0e}"] + [f"{results[c][n]['updates_per_second']:.2e}" if n in results[c] else "" for c in results]
        print("| " + " | ".join(row) + " |")
    print()
    print("Ratios at the largest common size (ours f32 / peer):")
    ratios = {}
    for peer in ["numpy float32", "numpy float64", "Brian2 cython", "Brian2 cpp_standalone (main loop)"]:
        common = [n for n in sizes if n in results.get(peer, {})]
        if not common:
            continue
        n = max(common)
        r = results["snn-core f32"][n]["updates_per_second"] / results[peer][n]["updates_per_second"]
        ratios[peer] = (n, r)
        print(f"  vs {peer:36s} at N={n:.0e}: {r:5.1f}x")
    for n in sizes:
        if n in results.get("snn-core f32, 2 threads", {}):
            sp = results["snn-core f32, 2 threads"][n]["updates_per_second"] / results["snn-core f32"][n]["updates_per_second"]
            print(f"  2 threads / 1 thread at N={n:.0e}: {sp:.2f}x")
    print("General LIF step (refractory, per-neuron current), f32, one core: " +
          ", ".join(f"N={n:.0e}: {r:.2e}" for n, r in general.items()))
    big = [n for n in sizes if n >= 1000]
    if len(big) >= 2:
        per = [results["snn-core f32"][n]["seconds"] / (n * STEPS) * 1e9 for n in big]
        print("Cost per neuron-update (ns), f32, by N: " + ", ".join(f"{n:.0e}: {p:.3f}" for n, p in zip(big, per)))

    report = {"steps": STEPS, "machine": machine(), "results": {k: {str(n): v for n, v in rows.items()} for k, rows in results.items()},
              "general_f32": {str(n): r for n, r in general.items()},
              "title": "Benchmark workload: neuron updates per second",
              "series": [{"name": name, "points": [[n, rows[n]["updates_per_second"]] for n in sorted(rows)]}
                         for name, rows in results.items()]}
    out = ROOT / "target" / "bench.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=1))
    subprocess.run([str(SNN), "plot-bench", "--json", str(out), "--out", args.chart], check=True, capture_output=True)
    print(f"wrote {out} and {args.chart}")
    if problems:
        print("SPIKE TOTALS DIFFER:\n  " + "\n  ".join(problems))
        return 1
    print("spike totals: all implementations agree")
    return 0


def machine():
    cpu = next((l.split(":", 1)[1].strip() for l in Path("/proc/cpuinfo").read_text().splitlines() if l.startswith("model name")), "?")
    return {"cpu": cpu, "cores": os.cpu_count(), "numpy": np.__version__}


if __name__ == "__main__":
    sys.exit(main())
