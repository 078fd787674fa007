#!/usr/bin/env python3
"""Thread scaling of Population::set_parallel against the machine's own ceiling.

For c = 1, 2, 4, ... up to the number of cores (and the core count itself), with the release
`snn bench` workload (snn_core::bench, f32):

- parallel: one `snn bench --parallel` run on c threads (RAYON_NUM_THREADS=c);
- independent together: c single-thread runs of the per-core share, launched at the same
  moment; their updates per second are added up. This is what the machine delivers for this
  kernel on c cores, memory bandwidth, caches and clocks included.
- ratio: parallel / independent together (the target is at least 0.85).

Two workloads: N = c x 1e6 neurons for 300 steps (1e6 per independent run), and N = 1e5 for
1,000 steps (1e5 per independent run, so a thread of the parallel run gets 1e5/c neurons).
Each figure is the best of --rounds rounds (parallel and independent interleaved), each round
the best of --repeats runs inside the process. Every parallel run must give the spike total
of the same run on one thread, or the script fails.

Only the standard library: it runs wherever the release binary does.
  scripts/measure/scaling.py [--cores 1,2,4] [--rounds 3] [--repeats 3] [--workloads large,small]
      [--json F]
"""
import argparse
import json
import os
import platform
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

WORKLOADS = {
    # name: (title, neurons of the parallel run for c cores, neurons per independent run, steps)
    "large": ("N = c x 1e6, 300 steps", lambda c: c * 1_000_000, 1_000_000, 300),
    "small": ("N = 1e5, 1,000 steps", lambda c: 100_000, 100_000, 1000),
}


def bench(snn, n, steps, threads, parallel, repeats):
    env = dict(os.environ, RAYON_NUM_THREADS=str(threads))
    cmd = [snn, "bench", "--n", str(n), "--steps", str(steps), "--repeats", str(repeats)]
    if parallel:
        cmd.append("--parallel")
    return subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, text=True)


def result(proc):
    out, _ = proc.communicate()
    if proc.returncode != 0:
        sys.exit(f"snn bench failed with exit status {proc.returncode}")
    return json.loads(out)


def parallel_run(snn, n, steps, c, repeats):
    d = result(bench(snn, n, steps, c, True, repeats))
    want = c if n >= 65536 else 1
    if d["threads"] != want:
        sys.exit(f"asked for {c} threads, the run used {d['threads']}")
    return d["updates_per_second"], d["total_spikes"]


def together(snn, n, steps, c, repeats):
    procs = [bench(snn, n, steps, 1, False, repeats) for _ in range(c)]
    return sum(result(p)["updates_per_second"] for p in procs)


def cpu_name():
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def default_cores(total):
    cores, c = [], 1
    while c < total:
        cores.append(c)
        c *= 2
    cores.append(total)
    return cores


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cores", help="comma-separated core counts (default 1, 2, 4, ... up to nproc)")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--snn", default=str(ROOT / "target" / "release" / "snn"))
    ap.add_argument("--workloads", default="large,small", help="large, small or both")
    ap.add_argument("--json", help="also write the figures here")
    a = ap.parse_args()
    total = os.cpu_count() or 1
    cores = [int(x) for x in a.cores.split(",")] if a.cores else default_cores(total)
    if any(c < 1 or c > total for c in cores):
        sys.exit(f"--cores: each must be 1 to {total} (this machine's cores), got {a.cores}")
    if a.rounds < 1 or a.repeats < 1:
        sys.exit("--rounds and --repeats must be at least 1")

    print(f"# thread scaling: {cpu_name()}, {total} cores; best of {a.rounds} rounds x {a.repeats} runs")
    rows = []
    for key in a.workloads.split(","):
        if key not in WORKLOADS:
            sys.exit(f"--workloads: each must be one of {', '.join(WORKLOADS)}, got {key}")
        name, par_n, ind_n, steps = WORKLOADS[key]
        print(f"\n{name}\n")
        print("| cores | one --parallel run | independent single-thread runs together | ratio |")
        print("|---:|---:|---:|---:|")
        for c in cores:
            n = par_n(c)
            serial_total = parallel_run(a.snn, n, steps, 1, 1)[1]
            best_par = best_ind = 0.0
            for _ in range(a.rounds):
                rate, spikes = parallel_run(a.snn, n, steps, c, a.repeats)
                if spikes != serial_total:
                    sys.exit(f"{name}, {c} cores: {spikes} spikes in parallel, {serial_total} on one thread")
                best_par = max(best_par, rate)
                best_ind = max(best_ind, together(a.snn, ind_n, steps, c, a.repeats))
            ratio = best_par / best_ind
            rows.append({"workload": name, "cores": c, "neurons": n, "steps": steps,
                         "parallel": best_par, "independent": best_ind, "ratio": ratio,
                         "spikes": serial_total})
            print(f"| {c} | {best_par:.3g} | {best_ind:.3g} | {ratio:.2f} |", flush=True)
    print("\nneuron updates per second; spikes of every parallel run equal to the one-thread run")
    if a.json:
        Path(a.json).write_text(json.dumps({"cpu": cpu_name(), "cores": total, "rows": rows}, indent=1))


if __name__ == "__main__":
    main()
