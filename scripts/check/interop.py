#!/usr/bin/env python3
"""Our NIR files in snnTorch and Norse, and snnTorch's files in ours: run the real frameworks.

Runs in the interop environment (scripts/check/interop-setup prints its python; torch,
snntorch 1.0.0, norse 1.1.0, nir 1.0.8, nirtorch 2.6). Uses the release `snn` binary.

1. Iris, seeds 1 to 20, our classifier in both reset modes (`snn classify --reset zero|subtract
   --nir`): each file loaded as the frameworks' docs show (`nir.read`, then
   `snntorch.import_nir.import_from_nir(graph)` / `norse.torch.from_nir(graph, dt=...)`), every
   flower's raw features held for the file's steps, spikes counted per output neuron and the
   class taken as their docs do (`counts.argmax(1)`, the first of equal maxima). Against ours
   (`snn nir predict`): identical spike counts on every flower for reset zero, and at least 99%
   identical decisions for every mode.
2. IF neurons (decay 1, reset zero): Norse must give identical counts; snnTorch must be
   refused, by `snn nir readers` and by `snn classify --nir-reader snntorch` before training.
3. The other way: snnTorch models (Linear 4 -> 3, a Leaky layer with vector beta and threshold
   and reset to zero) exported with `snntorch.export_nir.export_to_nir`, at drive levels from
   quiet to saturated (neurons firing every step), run by snnTorch as its tutorials do and by
   `snn nir predict`: at least 99% identical decisions at every level. Models with snnTorch's
   default reset (subtract) are reported too: its exporter writes v_reset = 0 for them.
4. Every Python snippet of docs/nir.md and of notebook 08's text, executed as written next to
   the files their commands write.
5. A two-layer network trained by gradient on the digits (`snn train --nir`), run in both: its
   held-out accuracy within 3 points of ours (their neurons reset to 0, ours subtract).
6. A network chain (snn-nir's `reader_chain` example: 40 sources spiking at given times ->
   30 LIF neurons, delta synapses -> 10 LIF neurons, current synapses and a 1 ms delay),
   written for each reader by `snn_nir::from_network_for`, run there with the same input
   spikes step by step: the same spike count on every neuron of both layers as ours.

Prints a table per part and `interop: N passed, N failed`.

    $(scripts/check/interop-setup) scripts/check/interop.py [--seeds 1-20]
"""
import argparse
import json
import logging
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import torch

import nir

logging.disable(logging.WARNING)
ROOT = Path(__file__).resolve().parents[2]
SNN = ROOT / "target" / "release" / "snn"
failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what, flush=True)
    if not ok:
        failures.append(what)


def snn(*args):
    r = subprocess.run([str(SNN), *map(str, args)], capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"snn {' '.join(map(str, args))}: {r.stderr.strip()}")
    return json.loads(r.stdout)


def iris_x():
    """The 150 flowers' raw features, in the data set's order (from `snn classify`'s CSV)."""
    with tempfile.TemporaryDirectory() as tmp:
        csv = Path(tmp) / "p.csv"
        snn("classify", "--dataset", "iris", "--epochs", "1", "--predictions", csv)
        rows = [line.split(",") for line in csv.read_text().splitlines()[1:]]
    return torch.tensor([[float(v) for v in r[:4]] for r in rows], dtype=torch.float32)


def quiet(fn):
    """Runs fn with the frameworks' prints (snnTorch's '[warning] scaling weights') hidden."""
    import contextlib
    import io
    with contextlib.redirect_stdout(io.StringIO()):
        return fn()


def snntorch_steps(graph, xs):
    """Per-neuron spike counts of snnTorch's import of graph, fed xs[t] at step t."""
    from snntorch.import_nir import import_from_nir
    net = quiet(lambda: import_from_nir(graph))
    for m in net.modules():
        if hasattr(m, "reset_mem"):
            m.reset_mem()
    counts = 0
    with torch.no_grad():
        for x in xs:
            out = net(x)
            counts = counts + (out[0] if isinstance(out, tuple) else out)
    return counts.numpy().astype(int)


def norse_steps(graph, xs, dt):
    import norse.torch as norse
    net = quiet(lambda: norse.from_nir(graph, dt=dt))
    state, counts = None, 0
    with torch.no_grad():
        for x in xs:
            out, state = net(x, state)
            counts = counts + out
    return counts.numpy().astype(int)


def snntorch_counts(graph, x, steps):
    """The counts of snnTorch's import of graph, fed the same x at every step."""
    return snntorch_steps(graph, [x] * steps)


def norse_counts(graph, x, steps, dt):
    return norse_steps(graph, [x] * steps, dt)


def first_argmax(counts):
    return np.argmax(counts, axis=1)  # numpy, as torch: the first of equal maxima


def meta_number(graph, key, default):
    v = graph.metadata.get(key)
    return float(np.asarray(v).ravel()[0]) if v is not None else default


def part_iris(seeds, x, tmp):
    print("\n## 1. Our Iris files in snnTorch and Norse (150 flowers per seed)\n")
    print("| reset | seed | framework | same counts | same decisions |")
    print("|---|---|---|---|---|")
    totals = {}
    for mode in ("zero", "subtract"):
        for seed in seeds:
            f = tmp / f"iris-{mode}-{seed}.nir"
            snn("classify", "--dataset", "iris", "--seed", seed, "--reset", mode, "--nir", f)
            ours = snn("nir", "predict", f, "--dataset", "iris")
            our_counts, our_class = np.array(ours["counts"]), np.array(ours["predicted"])
            graph = nir.read(str(f))
            steps, dt = int(meta_number(graph, "steps", 100)), meta_number(graph, "dt", 1e-4)
            for name, counts in (("snnTorch", snntorch_counts(graph, x, steps)),
                                 ("Norse", norse_counts(graph, x, steps, dt))):
                same = int((counts == our_counts).all(axis=1).sum())
                agree = int((first_argmax(counts) == our_class).sum())
                print(f"| {mode} | {seed} | {name} | {same} | {agree} |")
                t = totals.setdefault((mode, name), [0, 0, 0])
                t[0], t[1], t[2] = t[0] + same, t[1] + agree, t[2] + len(our_class)
    for (mode, name), (same, agree, n) in totals.items():
        if mode == "zero":
            check(same == n, f"reset zero, {name}: identical spike counts on {same} of {n} flowers")
        check(agree >= 0.99 * n, f"reset {mode}, {name}: identical decisions on {agree} of {n} flowers (>= 99%)")


def part_if(seeds, x, tmp):
    print("\n## 2. IF neurons (decay 1, reset zero)\n")
    same = n = 0
    for seed in seeds:
        f = tmp / f"iris-if-{seed}.nir"
        snn("classify", "--dataset", "iris", "--seed", seed, "--decay", 1, "--reset", "zero", "--nir", f)
        ours = snn("nir", "predict", f, "--dataset", "iris")
        graph = nir.read(str(f))
        counts = norse_counts(graph, x, int(meta_number(graph, "steps", 100)), meta_number(graph, "dt", 1e-4))
        same += int((counts == np.array(ours["counts"])).all(axis=1).sum())
        n += len(ours["counts"])
        verdict = snn("nir", "readers", f)["readers"]
        refused = verdict["snnTorch 1.0.0"]["refused"]
        check(bool(refused) and "IF" in refused[0] and verdict["Norse 1.1.0"]["runs_as_nir_says"],
              f"seed {seed}: `snn nir readers` refuses the IF graph for snnTorch ({refused[0][:90] if refused else 'nothing'}...), not for Norse")
    check(same == n, f"IF, Norse: identical spike counts on {same} of {n} flowers")
    r = subprocess.run([str(SNN), "classify", "--dataset", "iris", "--decay", "1", "--nir", tmp / "never.nir",
                        "--nir-reader", "snntorch"], capture_output=True, text=True)
    check(r.returncode != 0 and "snnTorch" in r.stderr and not (tmp / "never.nir").exists(),
          f"`snn classify --decay 1 --nir-reader snntorch` refused before training: {r.stderr.strip()[:160]}")


def snntorch_model(seed, drive, reset):
    import snntorch as snn_t
    torch.manual_seed(seed)
    fc = torch.nn.Linear(4, 3)
    with torch.no_grad():
        fc.weight.mul_(drive)
        fc.bias.mul_(drive)
    lif = snn_t.Leaky(beta=torch.full((3,), 0.9), threshold=torch.ones(3), reset_mechanism=reset)
    return fc, lif


def snntorch_decisions(fc, lif, x, steps):
    """As snnTorch's tutorials run a network: the membrane from init_leaky, one call per step,
    spikes summed over time, the class their argmax."""
    mem = lif.init_leaky()
    total = torch.zeros(x.shape[0], 3)
    with torch.no_grad():
        for _ in range(steps):
            spk, mem = lif(fc(x), mem)
            total += spk
    return total.argmax(1).numpy(), total.numpy()


def part_from_snntorch(x, tmp):
    print("\n## 3. snnTorch's exported files in `snn nir predict` (150 flowers, 100 steps)\n")
    from snntorch.export_nir import export_to_nir
    print("| model's reset | drive | seed | neurons firing every step | same decisions |")
    print("|---|---|---|---|---|")
    # snnTorch's exporter writes v_reset = 0 whatever the model does: a model that subtracts
    # (snnTorch's default) is not what its file says, so it is reported, not a target.
    for reset, drive in [("zero", d) for d in (0.5, 2.0, 8.0, 100.0)] + [("subtract", d) for d in (0.5, 100.0)]:
        agree = n = 0
        for seed in (1, 2, 3):
            fc, lif = snntorch_model(seed, drive, reset)
            theirs, total = snntorch_decisions(fc, lif, x, 100)
            graph = quiet(lambda: export_to_nir(torch.nn.Sequential(fc, lif), torch.randn(4)))
            f = tmp / f"from-snntorch-{drive}-{seed}.nir"
            nir.write(str(f), graph)
            ours = np.array(snn("nir", "predict", f, "--dataset", "iris")["predicted"])
            a = int((ours == theirs).sum())
            agree, n = agree + a, n + len(ours)
            print(f"| {reset} | {drive} | {seed} | {float((total == 100).mean()):.2f} | {a} of {len(ours)} |")
        if reset == "zero":
            check(agree >= 0.99 * n, f"drive {drive}: snnTorch's files, identical decisions on {agree} of {n}")
        else:
            print(f"     (reported) a model that subtracts, its file saying reset to 0: {agree} of {n} at drive {drive}")


def part_snippets(tmp):
    print("\n## 4. The Python snippets of docs/nir.md and notebook 08, as written\n")
    text = (ROOT / "docs" / "nir.md").read_text()
    nb = json.loads((ROOT / "notebooks" / "08-iris-and-nir.ipynb").read_text())
    nb_text = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    work = tmp / "snippets"
    work.mkdir()
    # The commands that write the files the snippets read: docs/nir.md's own, and the one
    # notebook 08's text names.
    commands = [line.split("#")[0].strip() for block in re.findall(r"```sh\n(.*?)```", text, re.S)
                for line in block.splitlines()]
    commands.append("snn classify --dataset iris --seed 3 --nir snn-iris-3.nir")
    for line in commands:
        if line.startswith("snn "):
            subprocess.run([str(SNN), *line.split()[1:]], cwd=work, check=True, capture_output=True)
    for where, source in (("docs/nir.md", text), ("notebook 08", nb_text)):
        snippets = re.findall(r"```python\n(.*?)```", source, re.S)
        check(len(snippets) > 0, f"{where} has {len(snippets)} Python snippet(s)")
        for k, code in enumerate(snippets):
            r = subprocess.run([sys.executable, "-c", code], cwd=work, capture_output=True, text=True)
            check(r.returncode == 0, f"{where}, snippet {k + 1}, runs as written"
                  + (f": {r.stderr.strip()[-300:]}" if r.returncode else f" (last lines: {r.stdout.strip().splitlines()[-2:]})"))


def part_trained(tmp):
    print("\n## 5. A network trained by gradient (snn train --dataset digits --nir), in snnTorch and Norse\n")
    f, out = tmp / "digits.nir", tmp / "digits.json"
    r = subprocess.run([str(SNN), "train", "--dataset", "digits", "--hidden", "100", "--steps", "25",
                        "--epochs", "20", "--batch", "64", "--lr", "5e-3", "--seed", "1", "--nir", f],
                       capture_output=True, text=True, check=True)
    d = json.loads(r.stdout)
    table = np.loadtxt(ROOT / "crates" / "snn-learn" / "data" / "digits.csv", delimiter=",")
    rows = d["held_out_rows"]
    x = torch.tensor(table[rows, :64] / 16.0, dtype=torch.float32)
    y = table[rows, 64].astype(int)
    graph = nir.read(str(f))
    steps, dt = int(meta_number(graph, "steps", 25)), meta_number(graph, "dt", 1e-4)
    for name, counts in (("snnTorch", snntorch_counts(graph, x, steps)), ("Norse", norse_counts(graph, x, steps, dt))):
        acc = float((first_argmax(counts) == y).mean())
        check(abs(acc - d["test_accuracy"]) <= 0.03,
              f"{name}: the exported digits network holds out {acc:.3f}, ours {d['test_accuracy']:.3f} "
              "(they reset to 0 where our neurons subtract the threshold)")


def part_network(tmp):
    print("\n## 6. A network chain written for each reader (from_network_for), with given input spikes\n")
    subprocess.run(["cargo", "build", "--release", "--locked", "-q", "-p", "snn-nir", "--example",
                    "reader_chain"], cwd=ROOT, check=True)
    r = subprocess.run([str(ROOT / "target" / "release" / "examples" / "reader_chain"), str(tmp)],
                       capture_output=True, text=True, check=True)
    d = json.loads(r.stdout)
    xs = torch.zeros(d["steps"], 1, d["sources"])
    for n, step in d["input"]:
        xs[step, 0, n] = 1.0
    print(f"{len(d['input'])} input spikes over {d['steps']} steps; ours: "
          + ", ".join(f"{k} {sum(v)} spikes" for k, v in d["counts"].items()))
    print("| reader | layer | neurons with our count | spikes there | spikes ours |\n|---|---|---|---|---|")
    for tag, name in (("snntorch", "snnTorch"), ("norse", "Norse")):
        for layers, layer in ((1, "hidden"), (2, "out")):
            graph = nir.read(d["files"][tag][f"layers{layers}"])
            theirs = (snntorch_steps(graph, xs) if tag == "snntorch"
                      else norse_steps(graph, xs, float(d["dt_s"]))).ravel()
            ours = np.array(d["counts"][layer])
            same = int((theirs == ours).sum())
            print(f"| {name} | {layer} | {same} of {len(ours)} | {int(theirs.sum())} | {int(ours.sum())} |")
            check(same == len(ours), f"{name}: the chain's {layer} layer fires our spike count on every neuron "
                  f"({same} of {len(ours)})")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", default="1-20")
    args = ap.parse_args()
    lo, _, hi = args.seeds.partition("-")
    seeds = list(range(int(lo), int(hi or lo) + 1))
    torch.set_num_threads(max(1, os.cpu_count() or 1))
    x = iris_x()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        part_iris(seeds, x, tmp)
        part_if(seeds[:5], x, tmp)
        part_from_snntorch(x, tmp)
        part_snippets(tmp)
        part_trained(tmp)
        part_network(tmp)
    print(f"\ninterop: {len(failures) == 0 and 'all passed' or str(len(failures)) + ' failed'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
