#!/usr/bin/env python3
"""What each dependency of snn-core costs in compile time, in the build a notebook's first
`:dep` makes.

Builds, from an empty target folder, a crate shaped like evcxr 0.22's own (the same
`[profile.dev]`: opt-level 2, incremental, 16 codegen units, overflow checks) that depends on
snn-core, with `cargo build --timings`, and prints:

* the wall time of the whole build (what the first `:dep` waits for, less evcxr's own ~2 s);
* every crate's compile time, longest first;
* for each direct dependency of snn-core, the compile time of the crates only it pulls in
  (what dropping it would save) and of everything it needs, and snn-core's own time.

By default the notebooks' per-crate settings (scripts/lib/evcxr-cargo.toml) apply, as they do
under the kernel; `--plain` builds everything at evcxr's opt-level 2 to compare.
Figures, not pass/fail: the machine is shared.
    scripts/measure/dep-timings.py [--plain] [--top 25]
"""
import argparse
import json
import re
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# evcxr 0.22's generated manifest (src/module.rs), with snn-core as the one dependency;
# `[workspace]` keeps it out of the project's workspace (it lives under target/).
MANIFEST = f"""[package]
name = "ctx"
version = "1.0.0"
edition = "2024"

[lib]
crate-type = ["cdylib"]
path = "src/lib.rs"

[profile.dev]
opt-level = 2
debug = false
strip = "debuginfo"
rpath = true
lto = false
debug-assertions = true
codegen-units = 16
panic = 'unwind'
incremental = true
overflow-checks = true

[dependencies]
snn-core = {{ path = "{ROOT / 'crates' / 'snn-core'}" }}

[workspace]
"""


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--plain", action="store_true", help="without scripts/lib/evcxr-cargo.toml: every crate at opt-level 2")
    ap.add_argument("--top", type=int, default=25, help="how many crates to list")
    args = ap.parse_args()

    work = ROOT / "target" / "dep-timings" / ("plain" if args.plain else "notebook")
    shutil.rmtree(work, ignore_errors=True)
    (work / "src").mkdir(parents=True)
    (work / "Cargo.toml").write_text(MANIFEST)
    (work / "src" / "lib.rs").write_text("pub use snn_core;\n")
    shutil.copy(ROOT / "Cargo.lock", work / "Cargo.lock")  # the project's pinned versions
    if not args.plain:
        (work / ".cargo").mkdir()
        shutil.copy(ROOT / "scripts" / "lib" / "evcxr-cargo.toml", work / ".cargo" / "config.toml")

    meta = json.loads(subprocess.run(
        ["cargo", "metadata", "--format-version", "1"],
        cwd=work, check=True, capture_output=True, text=True).stdout)
    subprocess.run(["cargo", "fetch"], cwd=work, check=True)
    run = subprocess.run(["cargo", "build", "--timings"], cwd=work,
                         capture_output=True, text=True)
    if run.returncode != 0:
        sys.stderr.write(run.stderr)
        return 1
    html = (work / "target" / "cargo-timings" / "cargo-timing.html").read_text()
    units = json.loads(re.search(r"const UNIT_DATA = (\[.*?\]);", html, re.S).group(1))
    wall = max(u["start"] + u["duration"] for u in units)

    # Seconds per package (a build script and its run count towards their crate).
    cost = defaultdict(float)
    for u in units:
        cost[u["name"]] += u["duration"]

    # The resolved graph, normal and build dependencies (what gets compiled).
    names = {p["id"]: p["name"] for p in meta["packages"]}
    nodes = {n["id"]: n for n in meta["resolve"]["nodes"]}
    deps = {i: [d["pkg"] for d in n["deps"]
                if any(k["kind"] in (None, "build") for k in d["dep_kinds"])]
            for i, n in nodes.items()}
    core = next(i for i in nodes if names[i] == "snn-core")

    def reach(start):
        """Packages compiled because of `start` (target-specific ones not built here,
        such as plotters' wasm dependencies, are left out)."""
        seen, todo = set(), [start]
        while todo:
            i = todo.pop()
            if i in seen:
                continue
            seen.add(i)
            todo.extend(deps[i])
        return {i for i in seen if names[i] in cost}

    everything = reach(core)
    print(f"{'profile':34s} {'plain (all at opt-level 2)' if args.plain else 'scripts/lib/evcxr-cargo.toml'}")
    print(f"{'crates compiled':34s} {len(units)} units, {len(everything)} packages")
    print(f"{'wall time of the build':34s} {wall:6.1f} s   (cpu {sum(cost.values()):.1f} s on 2 cores)")
    print()
    print(f"{'direct dependency of snn-core':30s} {'only it needs':>18s} {'all it needs':>18s}")
    print(f"{'':30s} {'crates  seconds':>18s} {'crates  seconds':>18s}")
    rows = []
    for d in deps[core]:
        without = set().union(*(reach(o) for o in deps[core] if o != d))
        mine = reach(d) - without - {core}
        alln = reach(d)
        rows.append((sum(cost[names[i]] for i in mine), names[d], len(mine),
                     len(alln), sum(cost[names[i]] for i in alln)))
    for secs, name, n, n_all, s_all in sorted(rows, reverse=True):
        print(f"{name:30s} {n:7d} {secs:9.1f}  {n_all:7d} {s_all:9.1f}")
    print(f"{'snn-core itself':30s} {1:7d} {cost['snn-core']:9.1f}")
    print()
    print(f"{'crate':34s} {'seconds':>8s}   (longest {args.top})")
    for name, secs in sorted(cost.items(), key=lambda kv: -kv[1])[:args.top]:
        print(f"{name:34s} {secs:8.1f}")
    print(f"\ntimings report: {work / 'target' / 'cargo-timings' / 'cargo-timing.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
