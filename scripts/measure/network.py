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


def ours(g, nu, scale, duration, skip, threads=False, env=None):
    cmd = [str(SNN), "network", "--g", str(g), "--nu-ratio", str(nu), "--scale", str(scale),
           "--duration-ms", str(duration), "--skip-ms", str(skip)]
    if threads:
        cmd.append("--threads")
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
        r = ours(5.0, 2.0, 1.0, 1000.0, 0.0, env=dict(os.environ, RAYON_NUM_THREADS="1"))
        best = r if best is None or r["seconds"] < best["seconds"] else best
    rows.append(("snn-core, 1 core", best))
    if (os.cpu_count() or 1) > 1:
        r = ours(5.0, 2.0, 1.0, 1000.0, 0.0, threads=True)
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
    args = ap.parse_args()
    if not (args.speed or args.regimes):
        args.speed = args.regimes = True
    report = {}
    if args.speed:
        speed(args, report)
    if args.regimes:
        regimes(args, report)
    out = ROOT / "target" / "network-bench.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=1))
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
