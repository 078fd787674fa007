#!/usr/bin/env python3
"""The same spiking network trained by `snn train` and by snnTorch 1.0 on the CPU, side by side.

The network of issue 27: features held for T steps into Linear -> Leaky (hidden) -> Linear ->
Leaky (output), beta 0.9, threshold 1, reset by subtraction, fast-sigmoid surrogate (slope
25), `ce_count` loss, Adam; the same data, the same held-out rows (the ones `snn train` prints),
the same epochs, batch size and learning rate. snnTorch runs as its tutorials write it
(`init_hidden=True`, `utils.reset`, a loop over steps, `SF.ce_count_loss()`), in float32 (its
default), once with one torch thread and once with all of them; ours in f32 (as snnTorch) and
in f64, on all cores (rayon's default). Prints held-out accuracy and training seconds per
epoch (forward, backward and the optimiser; not the accuracy measurement).

    $(scripts/check/interop-setup) scripts/measure/train-vs-snntorch.py [--dataset digits] [--seeds 1-3]
"""
import argparse
import json
import os
import subprocess
import time
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parents[2]
SNN = ROOT / "target" / "release" / "snn"
SETTINGS = {
    "digits": dict(hidden=100, steps=25, epochs=20, batch=64, lr=5e-3),
    "iris": dict(hidden=16, steps=25, epochs=100, batch=16, lr=1e-2),
}


def ours(dataset, seed, s, precision):
    args = [str(SNN), "train", "--dataset", dataset, "--seed", str(seed), "--beta", "0.9", "--threshold", "1",
            "--surrogate", "fast-sigmoid", "--slope", "25", "--precision", precision]
    for k in ("hidden", "steps", "epochs", "batch", "lr"):
        args += [f"--{k}", str(s[k])]
    return json.loads(subprocess.run(args, capture_output=True, text=True, check=True).stdout)


def data(dataset):
    if dataset == "digits":
        table = np.loadtxt(ROOT / "crates" / "snn-learn" / "data" / "digits.csv", delimiter=",")
        return table[:, :64] / 16.0, table[:, 64].astype(int), None
    with_labels = subprocess.run([str(SNN), "classify", "--dataset", "iris", "--epochs", "1", "--predictions",
                                  "/tmp/snn-iris-train.csv"], capture_output=True, text=True, check=True)
    del with_labels
    table = np.loadtxt("/tmp/snn-iris-train.csv", delimiter=",", skiprows=1)
    return table[:, :4], table[:, 4].astype(int), "range"


def snntorch_run(x_tr, y_tr, x_te, y_te, s, seed, threads):
    import snntorch as snn
    from snntorch import functional as SF
    from snntorch import surrogate, utils
    torch.set_num_threads(threads)
    torch.manual_seed(seed)
    sg = surrogate.fast_sigmoid(slope=25)
    n_in, n_out = x_tr.shape[1], int(max(y_tr.max(), y_te.max())) + 1
    net = torch.nn.Sequential(
        torch.nn.Linear(n_in, s["hidden"]), snn.Leaky(beta=0.9, spike_grad=sg, init_hidden=True),
        torch.nn.Linear(s["hidden"], n_out), snn.Leaky(beta=0.9, spike_grad=sg, init_hidden=True, output=True))
    opt = torch.optim.Adam(net.parameters(), lr=s["lr"])
    loss_fn = SF.ce_count_loss()
    xtr, ytr = torch.tensor(x_tr, dtype=torch.float32), torch.tensor(y_tr)
    xte = torch.tensor(x_te, dtype=torch.float32)

    def run(x):
        utils.reset(net)
        rec = []
        for _ in range(s["steps"]):
            spk, _ = net(x)
            rec.append(spk)
        return torch.stack(rec)

    seconds = []
    for _ in range(s["epochs"]):
        start = time.perf_counter()
        order = torch.randperm(len(xtr))
        for i in range(0, len(xtr), s["batch"]):
            idx = order[i:i + s["batch"]]
            loss = loss_fn(run(xtr[idx]), ytr[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
        seconds.append(time.perf_counter() - start)
    with torch.no_grad():
        pred = run(xte).sum(0).argmax(1).numpy()
    return float((pred == y_te).mean()), float(np.mean(seconds))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dataset", default="digits", choices=sorted(SETTINGS))
    ap.add_argument("--seeds", default="1-3")
    args = ap.parse_args()
    lo, _, hi = args.seeds.partition("-")
    s = SETTINGS[args.dataset]
    x, y, prep = data(args.dataset)
    cpus = os.cpu_count() or 1
    print(f"{args.dataset}: {s}; this machine has {cpus} CPUs\n")
    print("| seed | ours f32: held out | ours f32: s/epoch | ours f64: held out | ours f64: s/epoch | "
          f"snnTorch: held out | snnTorch 1 thread: s/epoch | snnTorch {cpus} threads: s/epoch |")
    print("|---|---|---|---|---|---|---|---|")
    rows = []
    for seed in range(int(lo), int(hi or lo) + 1):
        o32, o = ours(args.dataset, seed, s, "f32"), ours(args.dataset, seed, s, "f64")
        assert o32["held_out_rows"] == o["held_out_rows"]
        test = np.array(o["held_out_rows"])
        train = np.setdiff1d(np.arange(len(y)), test)
        xtr, xte = x[train], x[test]
        if prep == "range":  # as snn train: each feature onto [0, 1] by its training range
            lo_, hi_ = xtr.min(0), xtr.max(0)
            xtr, xte = (xtr - lo_) / (hi_ - lo_), np.clip((xte - lo_) / (hi_ - lo_), 0, 1)
        acc1, sec1 = snntorch_run(xtr, y[train], xte, y[test], s, seed, 1)
        _, secn = snntorch_run(xtr, y[train], xte, y[test], s, seed, cpus)
        sec32, sec64 = float(np.mean(o32["epoch_seconds"])), float(np.mean(o["epoch_seconds"]))
        rows.append((o32["test_accuracy"], sec32, o["test_accuracy"], sec64, acc1, sec1, secn))
        print(f"| {seed} | {o32['test_accuracy']:.3f} | {sec32:.3f} | {o['test_accuracy']:.3f} | {sec64:.3f} | "
              f"{acc1:.3f} | {sec1:.3f} | {secn:.3f} |")
    m = np.mean(rows, axis=0)
    print("| mean | " + " | ".join(f"{v:.3f}" for v in m) + " |")
    for name, acc, sec in (("f32", m[0], m[1]), ("f64", m[2], m[3])):
        print(f"\nours ({name}) {m[5] / sec:.1f}x faster per epoch than snnTorch on one thread, {m[6] / sec:.1f}x "
              f"than on {cpus}; held-out accuracy {100 * (acc - m[4]):+.1f} points against snnTorch's")


if __name__ == "__main__":
    main()
