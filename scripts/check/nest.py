#!/usr/bin/env python3
"""Our networks exported to NEST (`snn network --export-nest DIR`), run by NEST, against ours.

Runs in the NEST environment (scripts/check/nest-setup prints its python; nest-simulator
3.10.0 from PyPI). Uses the release `snn` binary. For Brunel's four regimes of Figure 8 (AI,
SR, SI fast, SI slow) at the paper's size, 1 s after a 200 ms transient, seed 1: ours, and
the exported script in NEST on two threads; the rate within 15 % and the CV of the
inter-spike intervals within 0.1 of ours in every regime (SR included: the delay convention
carries over; SI slow over 3 s and seeds 1 and 2, see REGIMES). Then the speed of the AI regime
in both at one and two threads; the network with current-based synapses
(docs/network-files/brunel-current.json, iaf_psc_exp in NEST) within the same bounds; and a
network file (docs/network-files/chain-times.json, given spike times) refused with one line.

Prints the tables and `nest: all passed` or the number failed.

    $(scripts/check/nest-setup) scripts/check/nest.py [--scale 1] [--threads 2]
"""
import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SNN = ROOT / "target" / "release" / "snn"
# (name, g, nu_ext/nu_thr, seconds measured, seeds): SI slow's slow waves make a 1 s rate
# vary by about 10 % from seed to seed in both simulators, so it is measured over 3 s and two
# seeds (their mean), as the tolerance of 15 % needs.
REGIMES = [("AI", 5.0, 2.0, 1, [1]), ("SR", 3.0, 2.0, 1, [1]), ("SI fast", 6.0, 4.0, 1, [1]),
           ("SI slow", 4.5, 0.9, 3, [1, 2])]
failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what, flush=True)
    if not ok:
        failures.append(what)


def snn(*args, threads=False):
    r = subprocess.run([str(SNN), *map(str, args)] + (["--threads", str(threads)] if threads else []),
                       capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"snn {' '.join(map(str, args))}: {r.stderr.strip()}")
    return json.loads(r.stdout)


def nest(script, threads):
    r = subprocess.run([sys.executable, str(script), "--threads", str(threads)], capture_output=True,
                       text=True)
    if r.returncode != 0:
        raise RuntimeError(f"{script}: {r.stderr.strip()[-2000:]}")
    return json.loads(r.stdout.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", default="1")
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    run = ["--scale", args.scale, "--duration-ms", "1200", "--skip-ms", "200", "--seed", "1"]
    print(f"Brunel (2000) at scale {args.scale}, 1 s after 200 ms, seed 1; NEST on {args.threads} threads\n")
    print("| regime | g, nu_ext/nu_thr | ours: rate E Hz / CV E | NEST: rate E Hz / CV E | rate ratio | CV difference |")
    print("|---|---|---|---|---|---|")
    scripts = {}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for name, g, nu, secs, seeds in REGIMES:
            stats = {"ours": [], "nest": []}
            for seed in seeds:
                flags = ["network", "--g", g, "--nu-ratio", nu, "--scale", args.scale, "--duration-ms",
                         200 + 1000 * secs, "--skip-ms", 200, "--seed", seed]
                stats["ours"].append(snn(*flags))
                d = tmp / f"{name.replace(' ', '-')}-{seed}"
                snn(*flags, "--export-nest", d)
                scripts.setdefault(name, d / "network.py")
                stats["nest"].append(nest(d / "network.py", args.threads))
            mean = lambda who, key: sum(x[key]["e"] for x in stats[who]) / len(seeds)
            r_o, r_n = mean("ours", "rate_hz"), mean("nest", "rate_hz")
            c_o, c_n = mean("ours", "cv_isi"), mean("nest", "cv_isi")
            label = f"{name} ({secs} s, seed{'s' if len(seeds) > 1 else ''} {', '.join(map(str, seeds))})"
            print(f"| {label} | {g:g}, {nu:g} | {r_o:.1f} / {c_o:.2f} | {r_n:.1f} / {c_n:.2f} | "
                  f"{r_n / r_o:.3f} | {c_n - c_o:+.2f} |")
            check(abs(r_n / r_o - 1) <= 0.15, f"{name}: NEST's rate {r_n:.1f} Hz within 15 % of ours {r_o:.1f}")
            check(abs(c_n - c_o) <= 0.1, f"{name}: NEST's CV {c_n:.2f} within 0.1 of ours {c_o:.2f}")
        print("\n| AI regime, 1 s after 200 ms | ours: s | NEST: s | NEST / ours |\n|---|---|---|---|")
        for threads in (1, 2):
            ours = snn("network", "--g", 5, "--nu-ratio", 2, *run, threads=threads if threads > 1 else False)
            ours = min((ours, snn("network", "--g", 5, "--nu-ratio", 2, *run,
                                  threads=threads if threads > 1 else False)), key=lambda o: o["seconds"])
            theirs = nest(scripts["AI"], threads)
            print(f"| {threads} thread{'s' if threads > 1 else ''} | {ours['seconds']:.2f} | "
                  f"{theirs['seconds']:.2f} | {theirs['seconds'] / ours['seconds']:.1f}x |")
        # Current-based synapses (iaf_psc_exp in NEST; its delay d*dt rather than (d+1)*dt).
        spec = ROOT / "docs" / "network-files" / "brunel-current.json"
        flags = ["network", "--spec", spec, "--duration-ms", 1200, "--skip-ms", 200]
        ours = snn(*flags)
        snn(*flags, "--export-nest", tmp / "current")
        theirs = nest(tmp / "current" / "network.py", args.threads)
        r_o, r_n = ours["rate_hz"]["e"], theirs["rate_hz"]["e"]
        c_o, c_n = ours["cv_isi"]["e"], theirs["cv_isi"]["e"]
        print(f"\n| current-based synapses (brunel-current.json), 1 s | ours: rate E Hz / CV E | NEST (iaf_psc_exp) |"
              f"\n|---|---|---|\n| tau_syn 0.5 ms, AI | {r_o:.1f} / {c_o:.2f} | {r_n:.1f} / {c_n:.2f} |")
        check(abs(r_n / r_o - 1) <= 0.15, f"current synapses: NEST's rate {r_n:.1f} Hz within 15 % of ours {r_o:.1f}")
        check(abs(c_n - c_o) <= 0.1, f"current synapses: NEST's CV {c_n:.2f} within 0.1 of ours {c_o:.2f}")
        r = subprocess.run([str(SNN), "network", "--spec", ROOT / "docs" / "network-files" / "chain-times.json",
                            "--export-nest", tmp / "chain"], capture_output=True, text=True)
        err = r.stderr.strip()
        check(r.returncode != 0 and len(err.splitlines()) == 1 and "--export-nest" in err,
              f"given spike times refused at export in one line: {err}")
    print(f"\nnest: {len(failures) == 0 and 'all passed' or str(len(failures)) + ' failed'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
