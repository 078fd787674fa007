#!/usr/bin/env python3
"""Builds the notebooks' Rust kernel: evcxr_jupyter 0.22.0 with the patch in evcxr.patch.

    scripts/kernel/build.py              build if anything it depends on changed, else say so
    scripts/kernel/build.py --force      build even where the stamp matches
    scripts/kernel/build.py --sources    only download, check and patch the sources
    scripts/kernel/build.py --make-patch write evcxr.patch from the edited sources (developers)
    scripts/kernel/build.py --record     after building, store this build's timings as the
                                         reference the progress estimate uses

1. Downloads evcxr 0.22.0, evcxr_jupyter 0.22.0 and zeromq 0.6.0 from crates.io (static.crates.io, where
   cargo itself downloads them) unless already there, and checks them against
   sources.sha256 (the checksums of the crates.io index).
2. Unpacks them into .tools/kernel-src/ and applies evcxr.patch (`patch -p1`).
3. Builds this folder's package (Cargo.toml: evcxr_jupyter with the three crates patched to the
   unpacked sources) with the committed Cargo.lock (`--locked`) into .tools/kernel-target/,
   printing progress every 20 s with an estimate of the time left (from how far this build
   is through the reference build's timeline, build-profile.json), and installs the binary
   as .tools/bin/evcxr_jupyter.
4. Writes a stamp of everything the binary depends on (this folder's files, rustc and cargo
   versions): a later call with the same stamp does nothing.
"""
import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
TOOLS = ROOT / ".tools"
SRC = TOOLS / "kernel-src"
TARGET = TOOLS / "kernel-target"
BIN = TOOLS / "bin" / "evcxr_jupyter"
STAMP = TOOLS / "kernel.stamp"
PROFILE = HERE / "build-profile.json"
CRATES = ["evcxr-0.22.0", "evcxr_jupyter-0.22.0", "zeromq-0.6.0"]


def say(msg):
    print(f"[lab] {msg}", flush=True)


def checksums():
    out = {}
    for line in (HERE / "sources.sha256").read_text().splitlines():
        if line.strip():
            digest, name = line.split()
            out[name] = digest
    return out


def tool_version(*cmd):
    return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout.strip()


def stamp():
    h = hashlib.sha256()
    for name in ["Cargo.toml", "Cargo.lock", "src/main.rs", "evcxr.patch", "sources.sha256"]:
        h.update(name.encode())
        h.update((HERE / name).read_bytes())
    h.update(tool_version("rustc", "-V").encode())
    h.update(tool_version("cargo", "-V").encode())
    return h.hexdigest()


def download():
    sums = checksums()
    dl = SRC / "download"
    dl.mkdir(parents=True, exist_ok=True)
    for crate in CRATES:
        path = dl / f"{crate}.crate"
        if not path.is_file() or hashlib.sha256(path.read_bytes()).hexdigest() != sums[path.name]:
            name, version = crate.rsplit("-", 1)
            url = f"https://static.crates.io/crates/{name}/{crate}.crate"
            with urllib.request.urlopen(url, timeout=60) as r:
                data = r.read()
            got = hashlib.sha256(data).hexdigest()
            if got != sums[path.name]:
                sys.exit(f"kernel build: {url} has sha256 {got}, sources.sha256 says {sums[path.name]}")
            path.write_bytes(data)
    return dl


def unpack_pristine(into):
    """The crates, unpatched, in `into`/."""
    dl = download()
    into.mkdir(parents=True, exist_ok=True)
    for crate in CRATES:
        shutil.rmtree(into / crate, ignore_errors=True)
        with tarfile.open(dl / f"{crate}.crate") as tar:
            tar.extractall(into, filter="data")


def apply_patch(into):
    patch = HERE / "evcxr.patch"
    r = subprocess.run(["patch", "-p1", "--forward", "--batch", "--quiet", "-d", str(into),
                        "-i", str(patch)], capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"kernel build: evcxr.patch does not apply:\n{r.stdout}{r.stderr}")


def prepare_sources():
    unpack_pristine(SRC)
    apply_patch(SRC)


def make_patch():
    """Writes evcxr.patch: the difference between the pristine crates and .tools/kernel-src/."""
    unpack_pristine(TOOLS / "kernel-pristine")
    out = []
    for crate in CRATES:
        r = subprocess.run(["diff", "-ruN", "--exclude=*.orig", "--exclude=*.rej",
                            f"kernel-pristine/{crate}", f"kernel-src/{crate}"],
                           cwd=TOOLS, capture_output=True, text=True)
        if r.returncode not in (0, 1):
            sys.exit(f"kernel build: diff failed: {r.stderr}")
        for line in r.stdout.splitlines(keepends=True):
            # Both sides named a/<crate>/... and b/<crate>/..., for `patch -p1` in kernel-src/.
            if line.startswith("diff -ruN"):
                continue
            if line.startswith("--- kernel-pristine/"):
                line = "--- a/" + line[len("--- kernel-pristine/"):].split("\t")[0].rstrip("\n") + "\n"
            elif line.startswith("+++ kernel-src/"):
                line = "+++ b/" + line[len("+++ kernel-src/"):].split("\t")[0].rstrip("\n") + "\n"
            out.append(line)
    (HERE / "evcxr.patch").write_text("".join(out))
    added = sum(1 for l in out if l.startswith("+") and not l.startswith("+++"))
    removed = sum(1 for l in out if l.startswith("-") and not l.startswith("---"))
    print(f"wrote {HERE / 'evcxr.patch'}: +{added} -{removed} lines")


def build(record):
    profile = json.loads(PROFILE.read_text()) if PROFILE.is_file() else None
    ref_total = profile["total_s"] if profile else 600.0
    say(f"building the Rust kernel (evcxr_jupyter 0.22.0, patched) into .tools/: "
        f"about {ref_total / 60:.0f} minutes on an idle 2-core machine, once; progress every 20 s")
    cmd = ["cargo", "build", "--release", "--locked", "--manifest-path", str(HERE / "Cargo.toml"),
           "--target-dir", str(TARGET), "--message-format", "json"]
    t0 = time.monotonic()
    done = {}
    log = []
    import threading
    finished = threading.Event()

    def ticker():
        while not finished.wait(20):
            say(progress(dict(done), time.monotonic() - t0, profile))

    with subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as p:
        def drain():
            for line in p.stderr:
                log.append(line)
        threading.Thread(target=drain, daemon=True).start()
        threading.Thread(target=ticker, daemon=True).start()
        for line in p.stdout:
            try:
                msg = json.loads(line)
            except ValueError:
                continue
            if msg.get("reason") == "compiler-artifact" and msg["target"]["kind"] != ["custom-build"]:
                done[msg["target"]["name"]] = time.monotonic() - t0
        p.wait()
        finished.set()
    if p.returncode != 0:
        sys.stderr.write("".join(log[-60:]))
        sys.exit(f"kernel build: cargo build failed (exit {p.returncode})")
    took = time.monotonic() - t0
    BIN.parent.mkdir(parents=True, exist_ok=True)
    tmp = BIN.with_suffix(".tmp")
    shutil.copy2(TARGET / "release" / "evcxr_jupyter", tmp)
    os.replace(tmp, BIN)
    say(f"Rust kernel built in {took / 60:.1f} minutes (reference: {ref_total / 60:.1f})")
    if record:
        PROFILE.write_text(json.dumps({"total_s": round(took, 1),
                                       "done_s": {k: round(v, 1) for k, v in sorted(done.items(), key=lambda kv: kv[1])}},
                                      indent=1) + "\n")
        print(f"recorded {PROFILE}")


def progress(done, elapsed, profile):
    """How far the build is, and the time left: the reference build (build-profile.json) had
    finished as many crates as this one has at some moment T; this build is taken to be that
    far through the reference timeline, at the pace it has kept so far."""
    if not profile:
        return f"{len(done)} crates compiled, {elapsed / 60:.1f} min so far"
    ref = sorted(profile["done_s"].values())
    n = len(ref)
    k = min(len(done), n)
    reached = ref[k - 1] if k else 0.0
    if reached <= 0:
        return f"{len(done)} of about {n} crates compiled, {elapsed / 60:.1f} min so far"
    left = (profile["total_s"] - reached) * elapsed / reached
    return (f"{len(done)} of about {n} crates compiled, {elapsed / 60:.1f} min so far, "
            f"about {max(left, 0) / 60:.1f} min left")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--force", action="store_true")
    ap.add_argument("--sources", action="store_true")
    ap.add_argument("--make-patch", action="store_true")
    ap.add_argument("--record", action="store_true")
    ap.add_argument("--check-patch", action="store_true",
                    help="check that evcxr.patch applies to the crates.io sources (no build)")
    a = ap.parse_args()
    if a.make_patch:
        make_patch()
        return 0
    if a.check_patch:
        with tempfile.TemporaryDirectory() as tmp:
            unpack_pristine(Path(tmp))
            apply_patch(Path(tmp))
        n = sum(1 for l in (HERE / "evcxr.patch").read_text().splitlines() if l.startswith("+++ "))
        print(f"kernel patch: applies cleanly to {' and '.join(CRATES)} ({n} files)")
        return 0
    if a.sources:
        prepare_sources()
        return 0
    want = stamp()
    if not a.force and BIN.is_file() and STAMP.is_file() and STAMP.read_text() == want:
        say("the Rust kernel is built and current")
        return 0
    prepare_sources()
    build(a.record)
    STAMP.write_text(want)
    return 0


if __name__ == "__main__":
    sys.exit(main())
