#!/usr/bin/env python3
"""Builds the notebooks' `:dep` into the kernel's first build slots ahead of time, so that a
new user's first `:dep` cell finds everything compiled (about 4 s instead of 35 s or more),
also when two notebooks are opened at once (two kernels take two slots).

Run by `scripts/lab --setup` (and so by the first `scripts/lab`) with the project's venv.
Idempotent: a slot whose stamp matches the current snn-core sources, lock file, cargo
settings, evcxr and rustc versions is left alone; a slot held by a running kernel is skipped.
The first slot is built by a real kernel running the `:dep` cell of notebook 01, then the other
notebooks' further `:dep` lines (snn-nir, for notebook 08) in a second cell; the others
are copies of it (a cargo target folder can be copied: its fingerprints name the sources,
not the folder), then checked by a kernel run of their own.

    scripts/lib/warm-slots.py [--slots 2] [--force]
"""
import argparse
import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EVCXR = ROOT / ".evcxr"
NB = ROOT / "notebooks" / "01-the-original-demo.ipynb"
STAMP = ".snn-warm"


def dep_cell():
    nb = json.loads(NB.read_text())
    for cell in nb["cells"]:
        src = "".join(cell["source"])
        if cell["cell_type"] == "code" and src.lstrip().startswith(":dep snn-core"):
            return src
    sys.exit(f"warm-slots: no `:dep snn-core` cell in {NB}")


def extra_deps():
    """The `:dep` lines of every notebook other than snn-core's, once each, as one cell."""
    lines = []
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        for cell in json.loads(path.read_text())["cells"]:
            if cell["cell_type"] != "code":
                continue
            for line in "".join(cell["source"]).splitlines():
                if line.startswith(":dep ") and not line.startswith(":dep snn-core") and line not in lines:
                    lines.append(line)
    return "\n".join(lines)


def stamp(dep):
    h = hashlib.sha256()
    files = sorted((ROOT / "crates" / "snn-core").rglob("*")) + sorted((ROOT / "crates" / "snn-nir").rglob("*"))
    files = [f for f in files if f.is_file() and "/target/" not in str(f)]
    for f in files + [ROOT / "Cargo.lock", ROOT / "scripts" / "lib" / "evcxr-cargo.toml",
                      ROOT / "scripts" / "lib" / "env.sh"]:
        h.update(str(f.relative_to(ROOT)).encode())
        h.update(f.read_bytes())
    h.update(dep.encode())
    h.update(subprocess.run(["rustc", "-V"], capture_output=True, text=True).stdout.encode())
    return h.hexdigest()


def run_dep(slot, dep):
    """Starts the project's kernel in `slot` (through scripts/lib/evcxr-kernel, so the
    project's cargo settings apply) and runs the `:dep` cell; returns its seconds."""
    from jupyter_client.manager import start_new_kernel

    env = dict(os.environ, SNN_EVCXR_TMPDIR=str(slot))
    # The kernel's own output (evcxr's start-up chatter) stays out of the set-up's output; a
    # failing cell still reports through the kernel's messages, below.
    km, kc = start_new_kernel(kernel_name="rust", cwd=str(NB.parent), env=env, startup_timeout=180,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        errors = []

        def hook(msg):
            if msg["msg_type"] == "error" or (msg["msg_type"] == "stream" and msg["content"]["name"] == "stderr"):
                errors.append(msg["content"].get("text") or msg["content"].get("evalue", ""))

        t = time.perf_counter()
        for cell in [c for c in (dep, extra_deps()) if c.strip()]:
            reply = kc.execute_interactive(cell, timeout=1800, output_hook=hook)
            if reply["content"]["status"] != "ok" or "".join(errors).strip():
                sys.exit(f"warm-slots: the :dep cell failed in {slot}: {''.join(errors)[:2000]}")
        return time.perf_counter() - t
    finally:
        km.shutdown_kernel(now=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--slots", type=int, default=int(os.environ.get("SNN_WARM_SLOTS", "2")))
    ap.add_argument("--force", action="store_true", help="rebuild even where the stamp matches")
    a = ap.parse_args()
    if not 0 <= a.slots <= 32:
        sys.exit(f"warm-slots: --slots must be 0 to 32, got {a.slots}")
    dep = dep_cell()
    want = stamp(dep + extra_deps())
    EVCXR.mkdir(exist_ok=True)
    first = EVCXR / "slot-0"
    for i in range(a.slots):
        slot = EVCXR / f"slot-{i}"
        lock = open(EVCXR / f"slot-{i}.lock", "w")
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"[lab] build slot {i} is in use by a running kernel: left as it is")
            continue
        try:
            if not a.force and (slot / STAMP).is_file() and (slot / STAMP).read_text() == want:
                print(f"[lab] build slot {i} is already warm")
                continue
            if i > 0 and (first / STAMP).is_file() and (first / STAMP).read_text() == want:
                # Copy the first slot rather than compile everything a second time.
                shutil.rmtree(slot, ignore_errors=True)
                shutil.copytree(first, slot, symlinks=True)
                (slot / STAMP).unlink()
            print(f"[lab] building the notebooks' :dep into build slot {i}"
                  + (" (about 40 s the first time)" if i == 0 else ""), flush=True)
            took = run_dep(slot, dep)
            (slot / STAMP).write_text(want)
            print(f"[lab] build slot {i} warm ({took:.1f} s)")
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
            lock.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
