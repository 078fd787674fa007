#!/usr/bin/env python3
"""The Brunel (2000) network, ours (`snn network`) beside Brian2 (scripts/measure/brunel_brian2.py,
the same model), on this machine in one run.

--speed    the paper's network (12,500 neurons, 15.6 million synapses), 1 s of network time at
           dt = 0.1 ms, asynchronous irregular regime (g 5, nu_ext/nu_thr 2): wall time of the
           simulation, synaptic events per second, bytes per synapse; ours on one core (and
           with --threads), Brian2 cpp_standalone (its own timing of the main loop) and, with
           --cython, Brian2's cython runtime.
--regimes  the four regimes of Figure 8 at --scale: mean rate, mean ISI CV and synchrony of
           the excitatory population from both simulators, side by side (a Markdown table).
--threads  thread scaling of `snn network --threads c` (threads that meet once per minimum
           delay) at --thread-scale (default 1, the paper's size), c = 1, 2, 4, ... up to the
           cores (--cores): seconds, speed-up over one thread, and the ratio to the machine's
           ceiling, as `bench --scaling` reports it for populations: the threaded run's
           synaptic events per second over the sum of c independent one-thread runs of the
           same network launched together (what the machine delivers on c cores, memory
           bandwidth included). Every threaded run must fire exactly the one-thread run's
           spikes (same synaptic events and rates), or the script fails.
--scales   the AI regime at scales 1 and 10 (--scales), one thread: build seconds, run
           seconds, time per synaptic event and its ratio to the first scale's, bytes per
           synapse, rate and CV of both populations.

Writes target/network-bench.json. Run through scripts/measure/bench --network, which installs
the pinned Brian2 and builds the release CLI first.
"""
import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SNN = ROOT / "target" / "release" / "snn"
BRIAN = ROOT / "scripts" / "measure" / "brunel_brian2.py"
REGIMES = [("SR", 3.0, 2.0), ("SI fast", 6.0, 4.0), ("AI", 5.0, 2.0), ("SI slow", 4.5, 0.9)]


def ours_cmd(g, nu, scale, duration, skip, threads=None):
    cmd = [str(SNN), "network", "--g", str(g), "--nu-ratio", str(nu), "--scale", str(scale),
           "--duration-ms", str(duration), "--skip-ms", str(skip)]
    if threads is not None:
        cmd += ["--threads", str(threads)]
    return cmd


def ours(g, nu, scale, duration, skip, threads=None, env=None):
    cmd = ours_cmd(g, nu, scale, duration, skip, threads)
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env).stdout
    return json.loads(out)


def brian(g, nu, scale, duration, skip, device, plain=False):
    cmd = [sys.executable, str(BRIAN), "--g", str(g), "--nu-ratio", str(nu), "--scale", str(scale),
           "--duration-ms", str(duration), "--skip-ms", str(skip), "--device", device]
    if plain:
        cmd.append("--plain")
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def fmt(x, spec=".2f"):
    return "n/a" if x is None else format(x, spec)


def speed(args, report):
    rows = []
    best = None
    for _ in range(args.repeats):
        r = ours(5.0, 2.0, 1.0, 1000.0, 0.0)
        best = r if best is None or r["seconds"] < best["seconds"] else best
    rows.append(("snn-core, 1 core", best))
    if (os.cpu_count() or 1) > 1:
        r = ours(5.0, 2.0, 1.0, 1000.0, 0.0, threads=0)
        rows.append((f"snn-core, --threads ({r['threads']})", r))
    devices = [] if args.no_brian else ["cpp_standalone"] + (["cython"] if args.cython else [])
    for device in devices:
        rows.append((f"Brian2 {device}", brian(5.0, 2.0, 1.0, 1000.0, 0.0, device)))

    print("Brunel network, AI regime (g 5, nu_ext/nu_thr 2), 12,500 neurons, 1 s at dt 0.1 ms:")
    print("| simulator | seconds | synaptic events | events / s | E rate (Hz) | CV ISI (E) |")
    print("|---|---|---|---|---|---|")
    for name, r in rows:
        print(f"| {name} | {r['seconds']:.2f} | {r['synaptic_events']:.3e} | "
              f"{r['synaptic_events'] / r['seconds']:.3e} | {r['rate_hz']['e']:.1f} | {fmt(r['cv_isi']['e'])} |")
    print(f"bytes per synapse (ours): {best['bytes_per_synapse']:.2f}; "
          f"{best['synapses']} synapses, build {best['build_seconds']:.2f} s")
    for name, r in rows:
        if name.startswith("Brian2"):
            print(f"  ours (1 core) is {r['seconds'] / best['seconds']:.1f}x faster than {name}")
    report["speed"] = {name: r for name, r in rows}


def regimes(args, report):
    table = []
    for name, g, nu in REGIMES:
        a = ours(g, nu, args.scale, args.duration_ms, args.skip_ms)
        b = None if args.no_brian else brian(g, nu, args.scale, args.duration_ms, args.skip_ms, "cpp_standalone")
        table.append((name, g, nu, a, b))
        print(f"  {name}: done", flush=True)
    n = table[0][3]["neurons"]
    print(f"Brunel (2000) Figure 8 regimes, {n} neurons (scale {args.scale}), "
          f"{args.duration_ms - args.skip_ms:.0f} ms after a {args.skip_ms:.0f} ms transient, "
          "excitatory population; ours / Brian2:")
    print("| regime | g | nu_ext/nu_thr | rate (Hz) | CV of ISI | synchrony |")
    print("|---|---|---|---|---|---|")
    for name, g, nu, a, b in table:
        def pair(key, spec):
            x = fmt(a[key]["e"], spec)
            y = "" if b is None else " / " + fmt(b[key]["e"], spec)
            return x + y
        print(f"| {name} | {g:g} | {nu:g} | {pair('rate_hz', '.1f')} | {pair('cv_isi', '.2f')} | "
              f"{pair('synchrony', '.2f')} |")
    report["regimes"] = [{"name": name, "g": g, "nu_ratio": nu, "ours": a, "brian2": b}
                         for name, g, nu, a, b in table]


def default_cores(total):
    cores, c = [], 1
    while c < total:
        cores.append(c)
        c *= 2
    return cores + [total]


def threads(args, report):
    total = os.cpu_count() or 1
    cores = [int(x) for x in args.cores.split(",")] if args.cores else default_cores(total)
    if any(c < 1 or c > total for c in cores):
        sys.exit(f"--cores: each must be 1 to {total} (this machine's cores), got {args.cores}")
    run = (5.0, 2.0, args.thread_scale, 1000.0, 0.0)
    one = min((ours(*run, threads=1) for _ in range(args.repeats)), key=lambda r: r["seconds"])
    rows = []
    print(f"Thread scaling, Brunel AI regime (g 5, nu_ext/nu_thr 2), {one['neurons']:,} neurons, "
          f"{one['synapses'] / 1e6:.1f} M synapses (scale {args.thread_scale:g}), 1 s at dt 0.1 ms; "
          f"{total} cores; best of {args.repeats}:")
    print("| threads | seconds | speed-up over 1 thread | events / s | independent 1-thread runs together, "
          "events / s | ratio to the ceiling |")
    print("|---:|---:|---:|---:|---:|---:|")
    for c in cores:
        best = one if c == 1 else None
        for _ in range(args.repeats if c > 1 else 0):
            r = ours(*run, threads=c)
            if (r["synaptic_events"], r["rate_hz"]) != (one["synaptic_events"], one["rate_hz"]):
                sys.exit(f"{c} threads fired other spikes than one thread: {r['synaptic_events']} events, "
                         f"{r['rate_hz']} Hz against {one['synaptic_events']}, {one['rate_hz']}")
            if r["threads"] != c:
                sys.exit(f"asked for {c} threads, the run used {r['threads']}")
            best = r if best is None or r["seconds"] < best["seconds"] else best
        ceiling = 0.0
        for _ in range(args.repeats):
            procs = [subprocess.Popen(ours_cmd(*run, threads=1), stdout=subprocess.PIPE, text=True)
                     for _ in range(c)]
            outs = [json.loads(p.communicate()[0]) for p in procs]
            ceiling = max(ceiling, sum(o["events_per_second"] for o in outs))
        speedup = one["seconds"] / best["seconds"]
        ratio = best["events_per_second"] / ceiling
        rows.append({"threads": c, "seconds": best["seconds"], "speedup": speedup,
                     "events_per_second": best["events_per_second"], "ceiling": ceiling, "ratio": ratio})
        print(f"| {c} | {best['seconds']:.3f} | {speedup:.2f} | {best['events_per_second']:.3g} | "
              f"{ceiling:.3g} | {ratio:.2f} |", flush=True)
    print("every threaded run fired exactly the one-thread run's spikes")
    report["threads"] = {"scale": args.thread_scale, "cores": total, "rows": rows}


def scales(args, report):
    rows = []
    for scale in [float(x) for x in args.scales.split(",")]:
        best = min((ours(5.0, 2.0, scale, args.duration_ms, args.skip_ms, threads=1)
                    for _ in range(args.repeats if scale <= 1 else 1)), key=lambda r: r["seconds"])
        rows.append((scale, best))
    base = rows[0][1]["seconds"] / rows[0][1]["synaptic_events"]
    print(f"Brunel AI regime at each scale (in-degrees fixed above 1), one thread, "
          f"{args.duration_ms - args.skip_ms:.0f} ms after {args.skip_ms:.0f} ms:")
    print("| scale | neurons | synapses | bytes / synapse | build s | run s | ns / event | "
          "x scale " + f"{rows[0][0]:g}" + " | rate E / I (Hz) | CV E / I |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---|---|")
    for scale, r in rows:
        per = r["seconds"] / r["synaptic_events"]
        print(f"| {scale:g} | {r['neurons']:,} | {r['synapses'] / 1e6:.1f} M | {r['bytes_per_synapse']:.2f} | "
              f"{r['build_seconds']:.2f} | {r['seconds']:.2f} | {per * 1e9:.2f} | {per / base:.2f} | "
              f"{r['rate_hz']['e']:.1f} / {r['rate_hz']['i']:.1f} | "
              f"{fmt(r['cv_isi']['e'])} / {fmt(r['cv_isi']['i'])} |", flush=True)
    report["scales"] = [{"scale": scale, **r} for scale, r in rows]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--speed", action="store_true")
    ap.add_argument("--regimes", action="store_true")
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--duration-ms", type=float, default=1200.0)
    ap.add_argument("--skip-ms", type=float, default=200.0)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--no-brian", action="store_true")
    ap.add_argument("--cython", action="store_true", help="also time Brian2's cython runtime")
    ap.add_argument("--threads", action="store_true")
    ap.add_argument("--thread-scale", type=float, default=1.0)
    ap.add_argument("--cores", help="comma-separated thread counts (default 1, 2, 4, ... up to nproc)")
    ap.add_argument("--scales", nargs="?", const="1,10", default=None,
                    help="comma-separated scales for the scale table (default 1,10)")
    args = ap.parse_args()
    if not (args.speed or args.regimes or args.threads or args.scales):
        args.speed = args.regimes = args.threads = True
        args.scales = "1,10"
    report = {}
    if args.speed:
        speed(args, report)
    if args.threads:
        print()
        threads(args, report)
    if args.scales:
        print()
        scales(args, report)
    if args.regimes:
        print()
        regimes(args, report)
    out = ROOT / "target" / "network-bench.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=1))
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
