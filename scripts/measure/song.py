#!/usr/bin/env python3
"""Song, Miller & Abbott (2000), ours (`snn stdp song`) beside Brian2 (scripts/measure/song_brian2.py,
its synapses/STDP example, the same model), on this machine in one run.

--speed    100 s of the experiment (1,000 plastic synapses, dt 0.1 ms): wall time of the
           simulation, ours on one core (best of --repeats) and Brian2 cpp_standalone (its own
           timing of the main loop), and the ratio.
--seeds    the final weight distribution over seeds 1..N, both simulators: the fraction of
           weights below 0.1 g_max and above 0.9 g_max, the mean weight and the output rate over
           the last 10 s; then their means (a Markdown table). With --correlated K --c C, the
           first K inputs are correlated and the table gives both groups' mean weights.

Writes target/song-bench.json. Run through scripts/measure/bench --stdp, which installs the
pinned Brian2 and builds the release CLI first.
"""
import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SNN = ROOT / "target" / "release" / "snn"
BRIAN = ROOT / "scripts" / "measure" / "song_brian2.py"


def ours(seed, duration, correlated=0, c=0.0):
    cmd = [str(SNN), "stdp", "song", "--duration-s", str(duration), "--seed", str(seed),
           "--correlated", str(correlated), "--c", str(c)]
    return json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)


def brian(seed, duration, correlated=0, c=0.0):
    cmd = [sys.executable, str(BRIAN), "--duration-s", str(duration), "--seed", str(seed),
           "--correlated", str(correlated), "--c", str(c)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def summary(r, correlated):
    w = r["w_over_wmax"]
    row = {
        "below_0.1": r["fraction_below_0.1"],
        "above_0.9": r["fraction_above_0.9"],
        "mean_w": sum(w) / len(w),
        "rate_hz": r["output_rate_hz"],
        "seconds": r["seconds"],
    }
    if correlated:
        row["mean_w_correlated"] = r["mean_w_correlated"]
        row["mean_w_uncorrelated"] = r["mean_w_uncorrelated"]
    return row


def speed(args, report):
    best = None
    for _ in range(args.repeats):
        r = ours(1, args.duration)
        best = r if best is None or r["seconds"] < best["seconds"] else best
    b = brian(1, args.duration)
    ratio = b["seconds"] / best["seconds"]
    print(f"Song (2000), {args.duration:g} s, 1,000 plastic synapses, dt 0.1 ms (seed 1)")
    print("| simulator | wall s | output rate (Hz) |")
    print("|---|---|---|")
    print(f"| snn-core, 1 core (best of {args.repeats}) | {best['seconds']:.3f} | {best['output_rate_hz']:.1f} |")
    print(f"| {b['simulator']} | {b['seconds']:.3f} | {b['output_rate_hz']:.1f} |")
    print(f"ours is {ratio:.1f}x faster (target: >= 5x, and <= 2 s)")
    report["speed"] = {"ours_seconds": best["seconds"], "brian2_seconds": b["seconds"],
                       "ratio": ratio, "duration_s": args.duration}


def seeds(args, report):
    rows = []
    k = args.correlated
    for seed in range(1, args.seeds + 1):
        o = summary(ours(seed, args.duration, k, args.c), k)
        b = summary(brian(seed, args.duration, k, args.c), k)
        rows.append((seed, o, b))
        print(f"seed {seed}: ours {o['below_0.1']:.3f}/{o['above_0.9']:.3f} {o['rate_hz']:.1f} Hz, "
              f"Brian2 {b['below_0.1']:.3f}/{b['above_0.9']:.3f} {b['rate_hz']:.1f} Hz", file=sys.stderr)
    keys = ["below_0.1", "above_0.9", "mean_w", "rate_hz"]
    if k:
        keys += ["mean_w_correlated", "mean_w_uncorrelated"]
    title = f"Song (2000), {args.duration:g} s" + (f", first {k} inputs correlated (c = {args.c})" if k else "")
    print(title)
    print("| seed | " + " | ".join(f"{x} ours | {x} Brian2" for x in keys) + " |")
    print("|---|" + "---|---|" * len(keys))
    for seed, o, b in rows:
        print(f"| {seed} | " + " | ".join(f"{o[x]:.3f} | {b[x]:.3f}" for x in keys) + " |")
    mean = {x: (statistics.mean(o[x] for _, o, _ in rows), statistics.mean(b[x] for _, _, b in rows))
            for x in keys}
    print("| mean | " + " | ".join(f"**{mean[x][0]:.3f}** | **{mean[x][1]:.3f}**" for x in keys) + " |")
    report["seeds" + (f"_correlated_{k}" if k else "")] = {
        "rows": [{"seed": s, "ours": o, "brian2": b} for s, o, b in rows],
        "mean": {x: {"ours": m[0], "brian2": m[1]} for x, m in mean.items()},
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--speed", action="store_true")
    ap.add_argument("--seeds", type=int, default=0, help="compare the distributions over seeds 1..N")
    ap.add_argument("--duration", type=float, default=100.0)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--correlated", type=int, default=0)
    ap.add_argument("--c", type=float, default=0.0)
    args = ap.parse_args()
    if not args.speed and not args.seeds:
        args.speed = True
    report = {}
    if args.speed:
        speed(args, report)
    if args.seeds:
        if args.speed:
            print()
        seeds(args, report)
    out = ROOT / "target" / "song-bench.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(report, indent=1))


if __name__ == "__main__":
    sys.exit(main())
