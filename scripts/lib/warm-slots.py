#!/usr/bin/env python3
"""Builds the notebooks' `:dep` ahead of time, so that no kernel starts cold.

The set-up (`scripts/lab --setup`) runs a real kernel in .evcxr/template/ on the `:dep` cell
of notebook 01 and then the other notebooks' further `:dep` lines (snn-nir, for notebook 08),
and copies that folder into the first build slots (a cargo target folder can be copied: its
fingerprints name the sources, not the folder). A kernel never runs in the template.

Each kernel's launcher (scripts/lib/evcxr-kernel) calls `--prepare SLOT` on the slot it took:
a slot built for the current sources is used as it is; any other slot becomes a copy of the
template (under a second), so a third or fourth open notebook is as warm as the first. Where
the template itself is missing or was built for other sources, the launcher's kernel says so
under the first cell it runs (and why), because its first `:dep` then compiles.

Idempotent: a folder whose stamp matches the current sources of snn-core, the crates it is made
of and snn-nir, the lock file,
cargo settings, evcxr and rustc versions is left alone; a slot held by a running kernel is
skipped.

    scripts/lib/warm-slots.py [--slots 2] [--force]
    scripts/lib/warm-slots.py --prepare .evcxr/slot-3     (the launcher's call)
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
TEMPLATE = EVCXR / "template"


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
    # Every crate a notebook's `:dep` builds: snn-core, the crates it is made of, and snn-nir.
    files = [f for c in ("snn-core", "snn-sim", "snn-learn", "snn-plot", "snn-nir")
             for f in sorted((ROOT / "crates" / c).rglob("*"))]
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


def copy_template(slot):
    """Replaces `slot` with a copy of the template (copied aside, then renamed into place)."""
    tmp = slot.with_name(slot.name + ".copying")
    shutil.rmtree(tmp, ignore_errors=True)
    subprocess.run(["cp", "-a", "--reflink=auto", str(TEMPLATE), str(tmp)], check=True)
    shutil.rmtree(slot, ignore_errors=True)
    tmp.rename(slot)


def prepare(slot, want):
    """Makes the slot a kernel just took as warm as possible; prints a notice for the kernel's
    first cell where its first `:dep` will compile anyway."""
    slot_stamp = read_stamp(slot)
    if slot_stamp == want:
        return 0
    tpl_stamp = read_stamp(TEMPLATE)
    if tpl_stamp is not None and (tpl_stamp == want or slot_stamp is None):
        t = time.perf_counter()
        copy_template(slot)
        print(f"evcxr-kernel: {slot.name} is a copy of the prebuilt build folder "
              f"({time.perf_counter() - t:.1f} s)", file=sys.stderr)
        if tpl_stamp == want:
            return 0
    if tpl_stamp is None:
        why = ("there is no prebuilt build folder yet (the set-up, `scripts/lab --setup`, "
               "builds one)")
    else:
        why = ("the sources of snn-core (or of a crate it is made of, or snn-nir), the lock "
               "file, the cargo settings or the toolchain changed since the set-up built this kernel's build folder "
               "(`scripts/lab --setup` builds it again ahead of time)")
    print(f"Note: this kernel starts cold: {why}. Its first `:dep` cell compiles what it needs: "
          f"up to about a minute, once.")
    return 0


def read_stamp(folder):
    f = folder / STAMP
    return f.read_text() if f.is_file() else None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--slots", type=int, default=int(os.environ.get("SNN_WARM_SLOTS", "2")))
    ap.add_argument("--force", action="store_true", help="rebuild even where the stamp matches")
    ap.add_argument("--prepare", metavar="SLOT", help="make one slot warm (the kernel launcher's call)")
    a = ap.parse_args()
    if not 0 <= a.slots <= 32:
        sys.exit(f"warm-slots: --slots must be 0 to 32, got {a.slots}")
    dep = dep_cell()
    want = stamp(dep + extra_deps())
    EVCXR.mkdir(exist_ok=True)
    if a.prepare:
        return prepare(Path(a.prepare), want)
    tlock = open(EVCXR / "template.lock", "w")
    fcntl.flock(tlock, fcntl.LOCK_EX)
    if a.force or read_stamp(TEMPLATE) != want:
        print("[lab] building the notebooks' :dep into the prebuilt build folder "
              "(about 40 s the first time)", flush=True)
        (TEMPLATE / STAMP).unlink(missing_ok=True)
        took = run_dep(TEMPLATE, dep)
        (TEMPLATE / STAMP).write_text(want)
        print(f"[lab] prebuilt build folder ready ({took:.1f} s)")
    else:
        print("[lab] the prebuilt build folder is current")
    for i in range(a.slots):
        slot = EVCXR / f"slot-{i}"
        lock = open(EVCXR / f"slot-{i}.lock", "w")
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"[lab] build slot {i} is in use by a running kernel: left as it is")
            continue
        try:
            if read_stamp(slot) == want and not a.force:
                print(f"[lab] build slot {i} is already warm")
                continue
            copy_template(slot)
            print(f"[lab] build slot {i}: a copy of the prebuilt folder")
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
            lock.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
